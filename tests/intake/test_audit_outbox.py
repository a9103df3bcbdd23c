"""Every business event lands in the audit log, and outbox rows commit with the change or not at all."""

from datetime import timedelta

import pytest
from django.db import transaction

from availability.models import Hold
from intake import events
from intake.drafts import OrderChanges
from intake.models import AuditEvent, Order, OutboxEvent
from intake.outbox_relay import outbox_relay_backlog
from intake.services import order_amend, order_cancel, order_confirm, submit
from intake.services.departures import departure_close
from tests.factories import PRAGUE, make_bookable, make_departure, make_draft, make_partner


def _draft(capacity=10, **fields):
    product, _, departure = make_bookable(capacity=capacity)
    return make_draft(product=product, departure=departure, partner=make_partner(), **fields), departure


def _topics(order) -> list[str]:
    return list(OutboxEvent.objects.filter(order=order).values_list("topic", flat=True))


def _actions(order) -> list[str]:
    return list(AuditEvent.objects.filter(order=order).values_list("action", flat=True))


@pytest.mark.django_db
def test_a_booking_writes_audit_and_outbox_rows():
    draft, departure = _draft(external_reference="A-1")
    order = submit(draft=draft).order
    assert _actions(order) == ["order.created"]
    assert AuditEvent.objects.get(order=order).actor == f"channel:api/{draft.partner_code}"
    assert _topics(order) == [events.ORDER_CREATED, events.ORDER_CONFIRMED]
    changed = OutboxEvent.objects.get(topic=events.AVAILABILITY_CHANGED)
    assert changed.departure_id == departure.pk
    assert OutboxEvent.objects.get(topic=events.ORDER_CREATED).payload["reference"] == order.reference


@pytest.mark.django_db
def test_a_hold_is_not_announced_as_confirmed_until_it_is():
    draft, _ = _draft()
    order = submit(draft=draft, hold_ttl=timedelta(minutes=30)).order
    assert _topics(order) == [events.ORDER_CREATED]
    order_confirm(order_id=order.pk, actor="channel:api")
    assert _topics(order) == [events.ORDER_CREATED, events.ORDER_CONFIRMED]
    assert _actions(order) == ["order.created", "order.confirmed"]


@pytest.mark.django_db
def test_amend_and_cancel_are_audited_and_announced():
    draft, departure = _draft()
    order = submit(draft=draft).order
    later = make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1))
    order_amend(order_id=order.pk, changes=OrderChanges(start=later.starts_at.astimezone(PRAGUE)), actor="user:eva")
    order_cancel(order_id=order.pk, actor="user:eva", reason="sick")
    assert _actions(order) == ["order.created", "order.amended", "order.cancelled"]
    assert _topics(order)[-2:] == [events.ORDER_AMENDED, events.ORDER_CANCELLED]
    amended = AuditEvent.objects.get(order=order, action="order.amended")
    assert amended.actor == "user:eva" and amended.data["before"]["reference"] == order.reference


@pytest.mark.django_db
def test_a_review_is_audited_but_not_announced_as_an_order():
    draft, _ = _draft(capacity=1, participants={"ADULT": 2})
    order = submit(draft=draft).order
    assert _actions(order) == ["order.needs_review"]
    assert _topics(order) == []


@pytest.mark.django_db
def test_closing_a_departure_flags_its_orders_and_announces_it():
    draft, departure = _draft()
    order = submit(draft=draft).order
    assert departure_close(departure_id=departure.pk, reason="flood", user="eva") == 1
    assert order.review_items.get().reason == "departure_closed"
    closed = OutboxEvent.objects.get(topic=events.DEPARTURE_CLOSED)
    assert closed.payload["orders"] == [str(order.uuid)]
    assert AuditEvent.objects.get(action="departure.closed").departure_id == departure.pk


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_booking_leaves_no_order_no_outbox_row_no_audit_and_no_seats(monkeypatch):
    notified = []
    monkeypatch.setattr(events, "_subscribers", {"*": [notified.append]})
    draft, departure = _draft()
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(draft=draft)
        assert OutboxEvent.objects.exists()  # written inside the transaction...
        raise RuntimeError("the caller's transaction fails after submit")
    assert not OutboxEvent.objects.exists()  # ...and gone with it
    assert not Order.objects.exists() and not AuditEvent.objects.exists() and not Hold.objects.exists()
    departure.refresh_from_db()
    assert departure.held + departure.confirmed == 0
    assert outbox_relay_backlog() == 0 and notified == []  # subscribers hear only about committed events


@pytest.mark.django_db(transaction=True)
def test_a_commit_runs_no_subscriber_the_relay_tells_them_the_event_ids(monkeypatch):
    notified = []
    monkeypatch.setattr(events, "_subscribers", {events.ORDER_CONFIRMED: [notified.append]})
    draft, _ = _draft()
    order = submit(draft=draft).order
    assert notified == []  # committed, and nothing ran in the request
    outbox_relay_backlog()
    assert notified == [OutboxEvent.objects.get(order=order, topic=events.ORDER_CONFIRMED).pk]
