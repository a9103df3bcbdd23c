"""What the desk pages read: an order's timeline, a departure's manifest, the dashboard counts."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from availability.models import Departure
from intake.dispatch.models import Delivery
from intake.models import AuditEvent, Order, OrderLine, OrderStatus, ReviewItem

ON_BOARD = (OrderStatus.HELD, OrderStatus.CONFIRMED)


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "audit" | "delivery"
    title: str
    detail: str
    data: dict


def order_timeline(*, order: Order) -> list[TimelineEntry]:
    entries = [TimelineEntry(e.at, "audit", e.action, e.actor, e.data)
               for e in AuditEvent.objects.filter(order=order).order_by("at", "id")]
    for d in Delivery.objects.filter(order=order).select_related("event", "connector").order_by("event_id"):
        detail = f"{d.state}, {d.attempts} attempt(s)"
        if d.last_error:
            detail += f", last error: {d.last_error}"
        entries.append(TimelineEntry(d.delivered_at or d.dead_at or d.created_at, "delivery",
                                     f"{d.event.topic} -> {d.connector.name}", detail,
                                     {"delivery_id": d.pk, "state": d.state, "response": d.last_response}))
    return sorted(entries, key=lambda e: e.at)


@dataclass
class ManifestRow:
    order: Order
    units: dict[str, int]
    pax: int


@dataclass
class Manifest:
    departure: Departure
    rows: list[ManifestRow]
    by_unit_type: dict[str, int]
    by_channel: dict[str, int]
    by_partner: dict[str, int]
    pax: int


def departure_manifest(*, departure_id: int) -> Manifest:
    departure = Departure.objects.select_related("resource").get(pk=departure_id)
    orders = list(Order.objects.filter(departure_id=departure_id, status__in=ON_BOARD)
                  .select_related("partner", "product", "option").order_by("contact_name", "reference"))
    units: dict[int, dict[str, int]] = defaultdict(dict)
    by_type: Counter = Counter()
    for line in OrderLine.objects.filter(order__in=orders).select_related("unit"):
        units[line.order_id][line.unit.code] = units[line.order_id].get(line.unit.code, 0) + line.quantity
        by_type[line.unit.type] += line.quantity
    rows = [ManifestRow(o, units[o.pk], sum(units[o.pk].values())) for o in orders]
    by_channel: Counter = Counter()
    by_partner: Counter = Counter()
    for row in rows:
        by_channel[row.order.channel] += row.pax
        by_partner[row.order.partner.name if row.order.partner_id else "(direct)"] += row.pax
    return Manifest(departure, rows, dict(by_type), dict(by_channel), dict(by_partner), sum(r.pax for r in rows))


@dataclass
class DepartureLoad:
    departure: Departure
    orders: int
    load_percent: int | None


@dataclass
class Dashboard:
    open_by_reason: list[tuple[str, int]]
    failing: list[Delivery]
    dead: list[Delivery]
    departures: list[DepartureLoad]


def departures_on(*, day, tz: str | None = None) -> list[Departure]:
    zone = ZoneInfo(tz or settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return list(Departure.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
                .select_related("resource").annotate(
                    order_count=Count("orders", filter=Q(orders__status__in=ON_BOARD))).order_by("starts_at"))


def dashboard(*, now=None) -> Dashboard:
    now = now or timezone.now()
    open_items = (ReviewItem.objects.filter(status=ReviewItem.Status.OPEN).values("reason")
                  .annotate(n=Count("id")).order_by("-n", "reason"))
    undelivered = Delivery.objects.filter(delivered_at__isnull=True).select_related("event", "connector", "order")
    today = timezone.localtime(now).date()
    loads = [DepartureLoad(d, d.order_count, round(100 * (d.held + d.confirmed) / d.capacity) if d.capacity else None)
             for d in departures_on(day=today)]
    return Dashboard(
        open_by_reason=[(row["reason"], row["n"]) for row in open_items],
        failing=list(undelivered.filter(dead_at__isnull=True, attempts__gt=0).order_by("next_attempt_at")[:50]),
        dead=list(undelivered.filter(dead_at__isnull=False).order_by("-dead_at")[:50]),
        departures=loads,
    )
