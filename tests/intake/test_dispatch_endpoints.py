"""Partner endpoints (a channel's webhooks), payload builders, secret rotation, the sweep's relay step."""

import pytest

from intake.dispatch import payloads
from intake.dispatch.endpoints import webhook_endpoint_delete, webhook_endpoint_register, webhook_secret_rotate
from intake.dispatch.fanout import deliveries_create
from intake.dispatch.models import Connector, Delivery
from intake.dispatch.receiver import ReceiverState, received
from intake.dispatch.services import deliveries_sweep
from intake.dispatch.signing import SignatureError, headers_sign, signature_verify
from intake.dispatch.transports import webhook_post
from intake.events import AVAILABILITY_CHANGED, ORDER_CONFIRMED, ORDER_CREATED
from intake.models import OutboxEvent
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import free_port, run_worker_for_events, running_receiver, webhook_connector


def _two_partners_orders():
    product, option, departure = make_bookable(capacity=50)
    mine, other = make_partner(), make_partner()
    submit(draft=make_draft(product=product, departure=departure, partner=mine, external_reference="A"))
    submit(draft=make_draft(product=product, departure=departure, partner=other, external_reference="B"))
    return mine, other


@pytest.mark.django_db(transaction=True)
def test_a_partner_endpoint_receives_only_its_orders_and_all_availability_changes(tmp_path):
    port = free_port()
    mine = make_partner()
    endpoint, secret = webhook_endpoint_register(partner=mine, url=f"http://127.0.0.1:{port}/octo",
                                                 topics=[ORDER_CONFIRMED, AVAILABILITY_CHANGED])
    assert secret.startswith("whsec_")
    product, option, departure = make_bookable(capacity=50)
    other = make_partner()
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path)):
        submit(draft=make_draft(product=product, departure=departure, partner=mine, external_reference="A"))
        submit(draft=make_draft(product=product, departure=departure, partner=other, external_reference="B"))
        run_worker_for_events()
    records = received(tmp_path)
    confirmed = [r["body"]["data"]["partner"] for r in records if r["body"]["type"] == ORDER_CONFIRMED]
    assert confirmed == [mine.code]
    assert sum(r["body"]["type"] == AVAILABILITY_CHANGED for r in records) == 2


@pytest.mark.django_db(transaction=True)
def test_a_registered_payload_builder_shapes_the_body(tmp_path):
    payloads.register("test-wire", lambda event, connector: {"kind": "test", "topic": event.topic}
                      if event.topic == ORDER_CREATED else None)
    port = free_port()
    partner = make_partner()
    endpoint, secret = webhook_endpoint_register(partner=partner, url=f"http://127.0.0.1:{port}/",
                                                 topics=[ORDER_CREATED, ORDER_CONFIRMED], payload_kind="test-wire")
    product, option, departure = make_bookable()
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path)):
        submit(draft=make_draft(product=product, departure=departure, partner=partner))
        run_worker_for_events()
    assert [r["body"] for r in received(tmp_path)] == [{"kind": "test", "topic": ORDER_CREATED}]
    skipped = Delivery.objects.get(event__topic=ORDER_CONFIRMED)
    assert skipped.delivered_at is not None and skipped.last_response == {"skipped": True}


@pytest.mark.django_db
def test_deleting_an_endpoint_checks_its_owner():
    owner, stranger = make_partner(), make_partner()
    endpoint, _ = webhook_endpoint_register(partner=owner, url="http://127.0.0.1:18399/", topics=[ORDER_CREATED])
    assert not webhook_endpoint_delete(endpoint_id=endpoint.pk, partner=stranger)
    assert webhook_endpoint_delete(endpoint_id=endpoint.pk, partner=owner)
    assert not Connector.objects.filter(pk=endpoint.pk).exists()


@pytest.mark.django_db
def test_during_a_rotation_both_secrets_sign_and_either_verifies():
    connector, old = webhook_connector(port=18399)
    new = webhook_secret_rotate(connector_id=connector.pk)
    headers = headers_sign(secrets=connector.active_secrets(), msg_id="msg_1", body=b"{}")
    assert len(headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        assert signature_verify(secrets=[secret], headers=headers, body=b"{}") == "msg_1"
    webhook_secret_rotate(connector_id=connector.pk, retire_old=True)
    assert old not in connector.active_secrets() and new not in connector.active_secrets()


def test_a_tampered_body_or_an_old_timestamp_is_refused():
    secret = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZg=="
    headers = headers_sign(secrets=[secret], msg_id="msg_1", body=b'{"a":1}', timestamp=1_000_000)
    with pytest.raises(SignatureError):
        signature_verify(secrets=[secret], headers=headers, body=b'{"a":2}', now=1_000_000)
    with pytest.raises(SignatureError, match="tolerance"):
        signature_verify(secrets=[secret], headers=headers, body=b'{"a":1}', now=1_000_000 + 301)
    assert signature_verify(secrets=[secret], headers=headers, body=b'{"a":1}', now=1_000_000 + 10) == "msg_1"


@pytest.mark.django_db
def test_the_sweep_relays_events_when_no_relay_process_runs():
    # Nothing is relayed at commit; without the `outbox_relay` process only the sweep's relay step creates the rows.
    webhook_connector(port=18399)
    _two_partners_orders()
    assert not Delivery.objects.exists()
    deliveries_sweep(enqueue=True)
    wanted = OutboxEvent.objects.exclude(topic=AVAILABILITY_CHANGED).count()
    assert Delivery.objects.count() == wanted


@pytest.mark.django_db
def test_fanout_for_a_late_event_also_creates_the_rows_of_earlier_events_of_its_order():
    webhook_connector(port=18399)
    _two_partners_orders()
    latest = OutboxEvent.objects.filter(topic=ORDER_CONFIRMED).order_by("pk").first()
    deliveries_create(event_id=latest.pk)
    assert set(Delivery.objects.values_list("event__topic", flat=True)) == {ORDER_CREATED, ORDER_CONFIRMED}


def test_the_reference_receiver_refuses_a_webhook_id_that_would_name_a_path(tmp_path):
    secret = "whsec_" + "MDEyMzQ1Njc4OWFiY2RlZg=="
    port = free_port()
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path / "in")):
        outcome = webhook_post(url=f"http://127.0.0.1:{port}/", secrets=[secret], msg_id="../../etc/x", body=b"{}",
                               timeout=5)
    assert outcome.response["status"] == 400 and not list(tmp_path.rglob("x*"))
