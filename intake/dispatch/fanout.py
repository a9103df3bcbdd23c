"""From outbox events to delivery rows: which connectors get which events.

Runs in the outbox relay (intake/outbox_relay.py), after the event committed,
possibly more than once for one event (a retry, two relays): the unique
(connector, event) constraint makes that idempotent.
"""

from django.utils import timezone

from intake.dispatch.models import Connector, Delivery
from intake.events import AVAILABILITY_CHANGED
from intake.models import OutboxEvent


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


def deliveries_create(*, event_id: int, now=None) -> int:
    """Delivery rows for one event (and any earlier event of its order still missing one); returns how many connectors want it."""
    now = now or timezone.now()
    event = OutboxEvent.objects.filter(pk=event_id).select_related("order").only(
        "pk", "topic", "order_id", "created_at", "order__partner_id").first()
    if event is None:
        return 0
    partner_id = event.order.partner_id if event.order_id else None
    wanting = [c for c in Connector.objects.filter(active=True) if connector_wants(c, event, partner_id)]
    if not wanting:
        return 0
    events = [event]
    if event.order_id:
        # Earlier events of the same order must have their rows first, or the ordering guard cannot see them.
        events = list(OutboxEvent.objects.filter(order_id=event.order_id, pk__lte=event.pk)
                      .only("pk", "topic", "order_id", "created_at").order_by("pk"))
    Delivery.objects.bulk_create(_rows(wanting, events, {event.order_id: partner_id}, now), ignore_conflicts=True)
    return len(wanting)

