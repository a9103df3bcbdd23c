"""Read-only queries over the catalogue and live seat counts."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from availability.models import Departure, DepartureStatus, Hold, HoldStatus, Option, Product, Schedule, Unit
from availability.prepared_cursor import UNIX_EPOCH_SHIFT, prepared_cursor

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


class Slot(NamedTuple):
    """One departure as seen by one option: what every channel shows a buyer.

    A NamedTuple, not a frozen dataclass: just as immutable, and a 30-day
    search builds ~140 of them, where the dataclass's per-field
    object.__setattr__ cost four times as much (a quarter of the search's CPU).
    """

    departure_id: int
    option_id: int
    starts_at: datetime  # aware, in the product's timezone
    ends_at: datetime
    all_day: bool
    status: str
    vacancies: int | None  # None = free sale
    capacity: int | None
    cutoff_at: datetime  # UTC: bookings close here
    prices: tuple[UnitPrice, ...] = ()

    @property
    def available(self) -> bool:
        return self.status in (AVAILABLE, LIMITED, FREESALE)


def option_unit_prices(*, product_id: int) -> tuple[UnitPrice, ...]:
    return tuple(
        UnitPrice(u["id"], u["code"], u["type"], u["price_minor"], u["currency"])
        for u in Unit.objects.filter(product_id=product_id).values("id", "code", "type", "price_minor", "currency")
    )


# The search is the hottest read of every channel, so it is two plain SQL
# statements instead of four ORM queries: the ORM's query building cost more
# than the database's work. Table names come from the models.
_PRODUCT_SQL = (
    f"SELECT p.timezone, p.booking_cutoff_minutes, p.booking_horizon_days, u.id, u.code, u.type, u.price_minor, "
    f"u.currency FROM {Option._meta.db_table} o JOIN {Product._meta.db_table} p ON p.id = o.product_id "
    f"LEFT JOIN {Unit._meta.db_table} u ON u.product_id = p.id WHERE o.id = %s ORDER BY u.sort_order, u.code"
)
# Seats of holds that expired but were not swept yet count as free (lazy
# expiry); the subquery runs only for departures with held seats.
_DEPARTURES_SQL = (
    "SELECT d.id, {starts}, {ends}, d.all_day, d.capacity, d.held, d.confirmed, d.status, "
    f"CASE WHEN d.held > 0 THEN (SELECT COALESCE(SUM(h.quantity), 0) FROM {Hold._meta.db_table} h "
    f"  WHERE h.departure_id = d.id AND h.status = '{HoldStatus.HELD.value}' AND h.expires_at <= %s AND NOT h.test_mode) "
    "ELSE 0 END "
    f"FROM {Departure._meta.db_table} d "
    f"WHERE d.schedule_id IN (SELECT so.schedule_id FROM {Schedule.options.through._meta.db_table} so "
    "  WHERE so.option_id = %s) AND d.starts_at >= %s AND d.starts_at < %s{only} ORDER BY d.starts_at"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=64)
def _departures_sql(epoch: bool, ids: int | None) -> str:
    only = "" if ids is None else f" AND d.id IN ({', '.join(['%s'] * ids)})"
    if epoch:  # read as PostgreSQL's microseconds since 2000, shifted to count from 1970
        return _DEPARTURES_SQL.format(starts=f"d.starts_at + {UNIX_EPOCH_SHIFT}", ends=f"d.ends_at + {UNIX_EPOCH_SHIFT}",
                                      only=only)
    return _DEPARTURES_SQL.format(starts="d.starts_at", ends="d.ends_at", only=only)


def _departure_rows(db, cursor, option_id: int, start: datetime, end: datetime, now: datetime, departure_ids) -> list[tuple]:
    """Rows (id, starts_at, ends_at, all_day, capacity, held, confirmed, status, stale seats),
    times as integer microseconds since the epoch (UTC)."""
    ops = db.ops
    params = [ops.adapt_datetimefield_value(now), option_id, ops.adapt_datetimefield_value(start),
              ops.adapt_datetimefield_value(end)]
    if departure_ids is not None:
        if not departure_ids:
            return []
        params += list(departure_ids)
    epoch = getattr(cursor.cursor, "epoch_times", False)  # PostgreSQL: raw microsecond counts (else SQLite's texts)
    cursor.execute(_departures_sql(epoch, None if departure_ids is None else len(departure_ids)), params)
    rows = cursor.fetchall()
    if epoch:
        return rows
    return [(r[0], _epoch_us(r[1]), _epoch_us(r[2]), bool(r[3]), *r[4:]) for r in rows]


_US = timedelta(microseconds=1)
_US_PER_S = 1_000_000


def _epoch_us(value) -> int:
    """Microseconds since the epoch of an aware datetime, or of a naive/text one in UTC (SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _US


@dataclass(frozen=True)
class SlotRows:
    """The slots of one option as plain tuples, for a channel that renders many at once.

    Each row is (departure_id, starts_us, ends_us, all_day, status, vacancies,
    capacity, cutoff_us): the same facts as a Slot, with the three times as
    integer microseconds since the epoch (UTC). `zone` is the product's
    timezone, in which starts_us and ends_us are shown. Building a Slot's
    datetimes costs more than everything else a search does, so a channel
    that turns the times straight into text (OCTO's 30-day availability)
    reads these rows; everyone else calls availability_search.
    """

    option_id: int
    zone: ZoneInfo
    prices: tuple[UnitPrice, ...]
    rows: list[tuple]


def availability_rows(
    *,
    option_id: int,
    date_from: date,
    date_to: date,
    quantity: int = 0,
    departure_ids: list[int] | None = None,
    now: datetime | None = None,
    product: Product | None = None,
) -> SlotRows:
    """Slots of one option whose local start date lies in [date_from, date_to], as SlotRows.

    Two queries whatever the range: the option's product with its unit
    prices, and its departures (only the columns needed) with the seats of
    holds that expired but were not yet swept (an expired hold never blocks a
    seat). Unknown option: Option.DoesNotExist. Times are compared as integer
    microseconds.

    A caller that already holds the option's `product` and shows no prices
    passes it: its timezone, cutoff and horizon are taken as given, unit
    prices are not read (SlotRows.prices is empty), and only the departures
    are queried.
    """
    now = now or timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # once: every attribute read through django.db.connection costs a lookup
    with prepared_cursor(db, epoch_times=True) as cursor:  # planning cost more than running on a large catalogue
        if product is None:
            cursor.execute(_PRODUCT_SQL, [option_id])
            product_rows = cursor.fetchall()
            if not product_rows:
                raise Option.DoesNotExist(f"Option matching query does not exist: {option_id}")
            tz_name, cutoff_minutes, horizon_days = product_rows[0][:3]
        else:
            product_rows = []
            tz_name, cutoff_minutes, horizon_days = product.timezone, product.booking_cutoff_minutes, product.booking_horizon_days
        zone = ZoneInfo(tz_name)
        start = datetime.combine(date_from, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(date_to + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        departures = _departure_rows(db, cursor, option_id, start, end, now, departure_ids)
    prices = tuple(UnitPrice(*row[3:]) for row in product_rows if row[3] is not None)
    now_us = _epoch_us(now)
    horizon_us = now_us + horizon_days * 86_400 * _US_PER_S
    cutoff_us = cutoff_minutes * 60 * _US_PER_S
    open_ = DepartureStatus.OPEN.value
    rows = []
    for dep_id, starts_us, ends_us, all_day, capacity, held, confirmed, status, stale in departures:
        # OPENING_HOURS: sales close at closing time, not at opening.
        closes_us = (ends_us if all_day else starts_us) - cutoff_us
        if capacity is None:
            vacancies = None
            slot_status = FREESALE
        else:
            vacancies = capacity - held - confirmed + (stale or 0)
            if vacancies < 0:
                vacancies = 0
            if vacancies <= 0 or (quantity and vacancies < quantity):
                slot_status = SOLD_OUT
            else:
                # OCTO: LIMITED when less than half is left.
                slot_status = LIMITED if vacancies * 2 < capacity else AVAILABLE
        if status != open_ or now_us >= closes_us or starts_us > horizon_us:
            slot_status = CLOSED
        rows.append((dep_id, starts_us, ends_us, all_day, slot_status, vacancies, capacity, closes_us))
    return SlotRows(option_id=option_id, zone=zone, prices=prices, rows=rows)


def availability_search(
    *,
    option_id: int,
    date_from: date,
    date_to: date,
    quantity: int = 0,
    departure_ids: list[int] | None = None,
    now: datetime | None = None,
    product: Product | None = None,
) -> list[Slot]:
    """Slots of one option whose local start date lies in [date_from, date_to] (see availability_rows;
    given the option's `product`, one query instead of two, and the slots carry no unit prices)."""
    found = availability_rows(option_id=option_id, date_from=date_from, date_to=date_to, quantity=quantity,
                              departure_ids=departure_ids, now=now, product=product)
    zone, prices = found.zone, found.prices
    at = datetime.fromtimestamp  # exact: a float of microseconds/1e6 rounds back to the same microsecond
    return [
        Slot(
            departure_id=dep_id,
            option_id=option_id,
            starts_at=at(starts_us / _US_PER_S, zone),
            ends_at=at(ends_us / _US_PER_S, zone),
            all_day=all_day,
            status=status,
            vacancies=vacancies,
            capacity=capacity,
            cutoff_at=at(cutoff_us / _US_PER_S, UTC),
            prices=prices,
        )
        for dep_id, starts_us, ends_us, all_day, status, vacancies, capacity, cutoff_us in found.rows
    ]


def slot_for_option_at(*, option_id: int, starts_at: datetime, product: Product | None = None) -> Slot | None:
    """The slot of an option starting exactly at `starts_at` (any timezone), or None.

    product: the option's product when the caller has read it (one query instead of three;
    the slot then carries no unit prices).
    """
    if product is None:
        zone = Option.objects.select_related("product").only("product__timezone").get(pk=option_id).product.timezone
    else:
        zone = product.timezone
    local_day = starts_at.astimezone(ZoneInfo(zone)).date()
    for slot in availability_search(option_id=option_id, date_from=local_day, date_to=local_day, product=product):
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
