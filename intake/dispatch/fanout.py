"""From outbox events to delivery rows: which connectors get which events.

Runs after commit (the subscriber) and again in the sweep (catch-up for
events whose subscriber never ran: a crash between commit and notification).
The unique (connector, event) constraint makes both paths idempotent.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from intake.dispatch.models import Connector, Delivery, FanoutMark
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


def _partners(events: list[OutboxEvent]) -> dict[int, int | None]:
    from intake.models import Order

    ids = {e.order_id for e in events if e.order_id}
    return dict(Order.objects.filter(pk__in=ids).values_list("pk", "partner_id")) if ids else {}


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


def fanout_catch_up(*, now=None, settle: timedelta = timedelta(minutes=5), batch: int = 5000) -> int:
    """Create missing delivery rows for recent events; returns how many events were looked at.

    Events are scanned from a mark. The mark only moves past events older than
    `settle`: a transaction still open may commit an event with a lower id later.
    """
    now = now or timezone.now()
    mark = FanoutMark.objects.order_by("pk").first() or FanoutMark.objects.create(last_event_id=_initial_mark())
    events = list(OutboxEvent.objects.filter(pk__gt=mark.last_event_id).order_by("pk")[:batch])
    if not events:
        return 0
    connectors = list(Connector.objects.filter(active=True))
    if connectors:
        rows = _rows(connectors, events, _partners(events), now)
        if rows:
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    settled = [e.pk for e in events if e.created_at <= now - settle]
    if settled:
        with transaction.atomic():
            FanoutMark.objects.filter(pk=mark.pk, last_event_id__lt=max(settled)).update(last_event_id=max(settled))
    return len(events)


def _initial_mark() -> int:
    """On first use, start from the oldest connector: events before any connector existed go nowhere."""
    first = Connector.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        last = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        return last or 0
    before = OutboxEvent.objects.filter(created_at__lt=first).order_by("-pk").values_list("pk", flat=True).first()
    return before or 0
