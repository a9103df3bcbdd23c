"""Desk details: raw API bodies and form posts, items without an order, dead deliveries, the demo group."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from intake.demo import seed
from intake.dispatch.desk.access import DISPATCHER_GROUP, DISPATCHER_PERMISSIONS, dispatcher_group_ensure
from intake.dispatch.models import Delivery
from intake.dispatch.fanout import deliveries_create
from intake.models import Order, OrderStatus, ReviewItem
from intake.services import raw_source_store, submit
from intake.services.review import review_open
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import webhook_connector

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher(client):
    user = get_user_model().objects.create_user("dana", is_staff=True)
    user.groups.add(dispatcher_group_ensure())
    client.force_login(user)
    return client


def _page(client, item) -> str:
    return client.get(reverse("admin:intake_reviewitem_change", args=[item.pk])).content.decode()


def test_an_api_body_is_shown_as_pretty_json(dispatcher):
    raw = raw_source_store(channel="api", body=b'{"productId":"cruise","units":[{"id":"ADULT"}]}',
                           content_type="application/json")
    item = review_open(reason="unknown_product", message="?", channel="api", raw_source=raw)
    assert '"productId": "cruise",\n' in _page(dispatcher, item).replace("&quot;", '"')


def test_a_form_post_is_shown_field_by_field(dispatcher):
    raw = raw_source_store(channel="form", body=b"name=Jana+Dvo%C5%99%C3%A1kov%C3%A1&adults=2",
                           content_type="application/x-www-form-urlencoded")
    item = review_open(reason="missing_field", message="?", channel="form", raw_source=raw)
    page = _page(dispatcher, item)
    assert "<th>name</th><td>Jana Dvořáková</td>" in page and "<th>adults</th><td>2</td>" in page


def test_an_item_without_an_order_is_booked_through_the_one_door(dispatcher):
    product, option, departure = make_bookable()
    partner = make_partner()
    raw = raw_source_store(channel="email", body=b"Subject: hi\r\n\r\nbook me", content_type="message/rfc822")
    item = review_open(reason="unreadable", message="no product found", channel="email", raw_source=raw,
                       partner=partner, draft={"channel": "email", "partner_code": partner.code})
    start = departure.starts_at.astimezone(ZoneInfo(product.timezone))
    response = dispatcher.post(reverse("admin:intake_reviewitem_resubmit", args=[item.pk]), {
        "product": product.code, "start": start.strftime("%Y-%m-%dT%H:%M"), "participants": "ADULT=1",
        "contact_name": "Eva", "contact_email": "", "contact_phone": "", "notes": ""})
    assert response.status_code == 302
    order = Order.objects.get(raw_source=raw)
    assert order.status == OrderStatus.CONFIRMED and order.channel == "email" and order.partner == partner
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.RESOLVED and item.order == order


def test_retrying_a_dead_delivery_from_its_review_item(dispatcher):
    connector, _ = webhook_connector(port=18399)
    product, option, departure = make_bookable()
    order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner())).order
    deliveries_create(event_id=order.outbox_events.first().pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(dead_at=delivery.created_at, attempts=3)
    item = review_open(reason="delivery_dead", message="HTTP 404", channel="api", order=order,
                       details={"delivery_id": delivery.pk})
    assert "Retry the delivery" in _page(dispatcher, item)
    dispatcher.post(reverse("admin:intake_reviewitem_retry", args=[item.pk]))
    delivery.refresh_from_db()
    item.refresh_from_db()
    assert delivery.dead_at is None and item.status == ReviewItem.Status.RESOLVED
    assert order.audit_events.filter(action="delivery.retried").exists()


def test_seed_demo_puts_the_demo_dispatcher_in_the_group_with_no_catalogue_rights():
    seed(io.StringIO())
    user = get_user_model().objects.get(username="dispatcher")
    assert user.groups.filter(name=DISPATCHER_GROUP).exists() and not user.is_superuser
    assert user.has_perm("intake.change_reviewitem") and user.has_perm("intake.change_delivery")
    assert not any(user.has_perm(f"availability.{action}_product") for action in ("add", "change", "delete"))
    assert not user.has_perm("intake.delete_order") and not user.has_perm("intake.change_connector")


def test_the_group_is_reset_to_exactly_its_permissions():
    group = dispatcher_group_ensure()
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="delete_product"))
    dispatcher_group_ensure()
    assert not group.permissions.filter(codename="delete_product").exists()
    assert group.permissions.count() == len(DISPATCHER_PERMISSIONS)
