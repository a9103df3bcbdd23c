"""Read-only queries over the catalogue and live seat counts."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone

from availability.models import Departure, DepartureStatus, Hold, HoldStatus, Option, Product, Unit

AVAILABLE = "AVAILABLE"
LIMITED = "LIMITED"
SOLD_OUT = "SOLD_OUT"
CLOSED = "CLOSED"
FREESALE = "FREESALE"


@dataclass(frozen=True)
class UnitPrice:
    unit_id: int
    code: str
    type: str
    price_minor: int
    currency: str


@dataclass(frozen=True)
class Slot:
    """One departure as seen by one option: what every channel shows a buyer."""

    departure_id: int
    option_id: int
    starts_at: datetime  # aware, in the product's timezone
    ends_at: datetime
    all_day: bool
    status: str
    vacancies: int | None  # None = free sale
    capacity: int | None
    cutoff_at: datetime  # UTC: bookings close here
    prices: tuple[UnitPrice, ...] = field(default_factory=tuple)

    @property
    def available(self) -> bool:
        return self.status in (AVAILABLE, LIMITED, FREESALE)


def _status(*, open_: bool, capacity: int | None, vacancies: int | None, past_cutoff: bool) -> str:
    if not open_ or past_cutoff:
        return CLOSED
    if capacity is None:
        return FREESALE
    if vacancies <= 0:
        return SOLD_OUT
    # OCTO: LIMITED when less than half is left.
    return LIMITED if vacancies * 2 < capacity else AVAILABLE


def option_unit_prices(*, product_id: int) -> tuple[UnitPrice, ...]:
    return tuple(
        UnitPrice(u["id"], u["code"], u["type"], u["price_minor"], u["currency"])
        for u in Unit.objects.filter(product_id=product_id).values("id", "code", "type", "price_minor", "currency")
    )


def availability_search(
    *,
    option_id: int,
    date_from: date,
    date_to: date,
    quantity: int = 0,
    departure_ids: list[int] | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """Slots of one option whose local start date lies in [date_from, date_to].

    Three queries whatever the range: the option with its product, its
    departures (only the columns needed), and holds that expired but were not
    yet swept (their seats count as free: an expired hold never blocks a seat).
    """
    now = now or timezone.now()
    option = Option.objects.select_related("product").only(
        "id", "product__id", "product__timezone", "product__booking_cutoff_minutes", "product__booking_horizon_days"
    ).get(pk=option_id)
    product: Product = option.product
    zone = ZoneInfo(product.timezone)
    start = datetime.combine(date_from, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    horizon = now + timedelta(days=product.booking_horizon_days)
    rows = Departure.objects.filter(
        schedule__options=option_id, starts_at__gte=start, starts_at__lt=end
    )
    if departure_ids is not None:
        rows = rows.filter(pk__in=departure_ids)
    rows = list(
        rows.order_by("starts_at").values_list(
            "id", "starts_at", "ends_at", "all_day", "capacity", "held", "confirmed", "status"
        )
    )
    stale = _expired_hold_seats([r[0] for r in rows if r[5]], now) if rows else {}
    prices = option_unit_prices(product_id=product.id)
    cutoff = timedelta(minutes=product.booking_cutoff_minutes)
    slots = []
    for dep_id, starts_at, ends_at, all_day, capacity, held, confirmed, status in rows:
        vacancies = None if capacity is None else max(capacity - held - confirmed + stale.get(dep_id, 0), 0)
        # OPENING_HOURS: sales close at closing time, not at opening.
        cutoff_at = (ends_at if all_day else starts_at) - cutoff
        slot_status = _status(
            open_=status == DepartureStatus.OPEN,
            capacity=capacity,
            vacancies=vacancies,
            past_cutoff=now >= cutoff_at or starts_at > horizon,
        )
        if quantity and vacancies is not None and slot_status != CLOSED and vacancies < quantity:
            slot_status = SOLD_OUT
        slots.append(
            Slot(
                departure_id=dep_id,
                option_id=option_id,
                starts_at=starts_at.astimezone(zone),
                ends_at=ends_at.astimezone(zone),
                all_day=all_day,
                status=slot_status,
                vacancies=vacancies,
                capacity=capacity,
                cutoff_at=cutoff_at,
                prices=prices,
            )
        )
    return slots


def _expired_hold_seats(departure_ids: list[int], now: datetime) -> dict[int, int]:
    if not departure_ids:
        return {}
    return dict(
        Hold.objects.filter(
            departure_id__in=departure_ids, status=HoldStatus.HELD, expires_at__lte=now, test_mode=False
        )
        .values("departure_id")
        .annotate(seats=Sum("quantity"))
        .values_list("departure_id", "seats")
    )


def slot_for_option_at(*, option_id: int, starts_at: datetime) -> Slot | None:
    """The slot of an option starting exactly at `starts_at` (any timezone), or None."""
    option = Option.objects.select_related("product").only("product__timezone").get(pk=option_id)
    local_day = starts_at.astimezone(ZoneInfo(option.product.timezone)).date()
    for slot in availability_search(option_id=option_id, date_from=local_day, date_to=local_day):
        if slot.starts_at == starts_at:
            return slot
    return None


def slot_for_option_departure(*, option_id: int, departure_id: int) -> Slot | None:
    departure = Departure.objects.filter(pk=departure_id).only("starts_at").first()
    if departure is None:
        return None
    option = Option.objects.select_related("product").only("product__timezone").get(pk=option_id)
    local_day = departure.starts_at.astimezone(ZoneInfo(option.product.timezone)).date()
    slots = availability_search(option_id=option_id, date_from=local_day, date_to=local_day, departure_ids=[departure_id])
    return slots[0] if slots else None


def departure_option_ids(*, departure_id: int) -> list[int]:
    """Every option that sells seats of a departure (shared boats have several)."""
    return list(Option.objects.filter(schedules__departures=departure_id).values_list("id", flat=True).distinct())
