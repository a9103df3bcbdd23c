"""From outbox events to delivery rows: which connectors get which events.

Runs in the outbox relay (intake/outbox_relay.py), after the event committed,
possibly more than once for one event (a retry, two relays): the unique
(connector, event) constraint makes that idempotent.
"""

from django.utils import timezone

from intake.dispatch.models import Connector, Delivery
from intake.events import AVAILABILITY_CHANGED
from intake.models import Order, OutboxEvent


def connector_wants(connector: Connector, event: OutboxEvent, order_partner_id: int | None) -> bool:
    if event.topic not in (connector.topics or []):
        return False
    if event.created_at < connector.created_at:
        return False  # a new connector starts with the events after it was set up
    if connector.partner_id is None:
        return True
    # A partner's endpoint: its own orders, and availability for everyone.
    return event.topic == AVAILABILITY_CHANGED or (order_partner_id is not None and order_partner_id == connector.partner_id)


def _rows(connectors: list[Connector], events: list[OutboxEvent], partner_of: dict, now) -> list[Delivery]:
    return [
        Delivery(connector=c, event=e, order_id=e.order_id, next_attempt_at=now)
        for e in events for c in connectors if connector_wants(c, e, partner_of.get(e.order_id))
    ]


def deliveries_create_many(*, event_ids: list[int], now=None) -> list[int]:
    """Delivery rows for these events (and any earlier event of their orders still missing one).

    Returns the ids of the events some connector wants, in id order. Five queries
    for any number of events.
    """
    now = now or timezone.now()
    connectors = list(Connector.objects.filter(active=True))
    if not connectors or not event_ids:
        return []
    fields = ("pk", "topic", "order_id", "created_at")
    events = list(OutboxEvent.objects.filter(pk__in=event_ids).only(*fields).order_by("pk"))
    order_ids = {e.order_id for e in events if e.order_id}
    partner_of = dict(Order.objects.filter(pk__in=order_ids).values_list("pk", "partner_id")) if order_ids else {}
    wanted = [e for e in events if any(connector_wants(c, e, partner_of.get(e.order_id)) for c in connectors)]
    if not wanted:
        return []
    # Earlier events of the same orders must have their rows first, or the ordering guard cannot see them.
    last_of_order: dict[int, int] = {}
    for e in wanted:
        if e.order_id:
            last_of_order[e.order_id] = max(e.pk, last_of_order.get(e.order_id, 0))
    rows_for = {e.pk: e for e in wanted}
    if last_of_order:
        for e in (OutboxEvent.objects.filter(order_id__in=last_of_order, pk__lte=max(last_of_order.values()))
                  .only(*fields)):
            if e.pk <= last_of_order[e.order_id]:
                rows_for.setdefault(e.pk, e)
    rows = _rows(connectors, sorted(rows_for.values(), key=lambda e: e.pk), partner_of, now)
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return [e.pk for e in wanted]


def deliveries_create(*, event_id: int, now=None) -> int:
    """Delivery rows for one event (and earlier events of its order); returns 1 if some connector wants it, else 0."""
    return len(deliveries_create_many(event_ids=[event_id], now=now))
