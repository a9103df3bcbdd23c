"""Every admin page of intake renders for an administrator; connectors are set up in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from intake.dispatch.models import Connector, Delivery
from intake.dispatch.fanout import deliveries_create
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import webhook_connector

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    client.force_login(get_user_model().objects.create_superuser("root", email="root@example.com"))
    return client


def test_every_changelist_and_desk_page_renders(superuser):
    webhook_connector(port=18399)
    product, option, departure = make_bookable()
    order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner())).order
    deliveries_create(event_id=order.outbox_events.first().pk)
    urls = [reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry if model._meta.app_label in ("intake", "availability")]
    urls += [reverse("admin:index"), reverse("admin:intake_dashboard"), reverse("admin:intake_order_manifests"),
             reverse("admin:intake_delivery_change", args=[Delivery.objects.get().pk]),
             reverse("admin:intake_webhookconnector_add"), reverse("admin:intake_filedropconnector_add"),
             reverse("admin:intake_delivery_changelist") + "?state=failing"]
    for url in urls:
        assert superuser.get(url).status_code == 200, url


def test_a_webhook_connector_added_in_the_admin_gets_a_signing_secret(superuser):
    response = superuser.post(reverse("admin:intake_webhookconnector_add"), {
        "name": "Dispatch", "active": "on", "url": "http://127.0.0.1:18399/in", "timeout_seconds": "10",
        "topics": ["order.created", "order.cancelled"], "payload_kind": "canonical", "partner": "",
        "secrets-TOTAL_FORMS": "0", "secrets-INITIAL_FORMS": "0", "secrets-MIN_NUM_FORMS": "0",
        "secrets-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.content[:3000]
    connector = Connector.objects.get(name="Dispatch")
    assert connector.kind == Connector.Kind.WEBHOOK and connector.topics == ["order.created", "order.cancelled"]
    assert connector.active_secrets()[0].startswith("whsec_")


def test_a_file_drop_connector_added_in_the_admin(superuser, tmp_path):
    response = superuser.post(reverse("admin:intake_filedropconnector_add"), {
        "name": "Import folder", "active": "on", "directory": str(tmp_path), "file_format": "csv",
        "file_per": "batch", "encoding": "windows-1250", "separator": ";", "decimal_comma": "on",
        "date_format": "%d.%m.%Y %H:%M", "topics": ["order.created"]})
    assert response.status_code == 302, response.content[:3000]
    assert Connector.objects.get(name="Import folder").kind == Connector.Kind.FILE_DROP
