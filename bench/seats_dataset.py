"""A large, repeatable catalogue for the seat benchmark.

Adds `products` bench products (1-3 options each, ADULT/CHILD/INFANT units),
one boat and one schedule per product with 3-6 runs a day, and the departures
those schedules generate over `days` days, computed by the project's own
`schedule_occurrences` (so daylight-saving days look exactly like production).
Some departures start with bookings, some with held seats whose holds expired
but were not swept yet (the lazy-expiry path of the search), a few are closed.

Departures and holds go in with COPY on PostgreSQL and bulk_create elsewhere.
"""

import random
import time
import uuid
from datetime import date, datetime, timedelta, timezone as dt_timezone

from django.db import connection, transaction

from availability.models import Departure, Hold, HoldStatus, Option, Product, Resource, Schedule, Unit
from availability.services.schedules import schedule_occurrences

PREFIX = "bench"
OPTION_CODES = ("DEFAULT", "EN", "DE")
HOURS = [f"{h:02d}:{m:02d}" for h in range(8, 22) for m in (0, 30)]


def _catalogue(rng: random.Random, products: int) -> list[Schedule]:
    """Products, options, units, boats and one schedule per product (small: plain bulk_create)."""
    Product.objects.bulk_create(
        Product(
            code=f"{PREFIX}-p{i:04d}", name={"en": f"Bench cruise {i}"}, timezone="Europe/Prague",
            duration_minutes=rng.choice((45, 60, 90, 120)), booking_cutoff_minutes=15, booking_horizon_days=400,
            sort_order=1000 + i,
        )
        for i in range(products)
    )
    product_rows = list(Product.objects.filter(code__startswith=f"{PREFIX}-").order_by("code"))
    options, units = [], []
    for product in product_rows:
        for j in range(rng.randint(1, 3)):
            options.append(Option(product=product, code=OPTION_CODES[j], is_default=j == 0, sort_order=j, max_units=20))
        units += [
            Unit(product=product, code="ADULT", type="ADULT", price_minor=45000, currency="CZK", sort_order=0),
            Unit(product=product, code="CHILD", type="CHILD", price_minor=22000, currency="CZK", sort_order=1,
                 accompanied_by=["ADULT"], min_age=4, max_age=14),
            Unit(product=product, code="INFANT", type="INFANT", price_minor=0, currency="CZK", sort_order=2,
                 accompanied_by=["ADULT"], max_age=3),
        ]
    Option.objects.bulk_create(options)
    Unit.objects.bulk_create(units)
    Resource.objects.bulk_create(Resource(code=p.code.replace("-p", "-boat"), name=f"Boat of {p.code}") for p in product_rows)
    resources = {r.code: r for r in Resource.objects.filter(code__startswith=f"{PREFIX}-boat")}
    Schedule.objects.bulk_create(
        Schedule(
            code=p.code.replace("-p", "-s"), resource=resources[p.code.replace("-p", "-boat")],
            weekdays=[1, 2, 3, 4, 5, 6, 7], start_times=sorted(rng.sample(HOURS, rng.randint(3, 6))),
            capacity=rng.choice((20, 40, 60, 80, 120)), timezone=p.timezone, duration_minutes=p.duration_minutes,
        )
        for p in product_rows
    )
    schedules = list(Schedule.objects.filter(code__startswith=f"{PREFIX}-s").order_by("code"))
    by_product: dict[int, list[int]] = {}
    for option_id, product_id in Option.objects.filter(product__in=product_rows).values_list("id", "product_id"):
        by_product.setdefault(product_id, []).append(option_id)
    through = Schedule.options.through
    product_by_code = {p.code: p.pk for p in product_rows}
    through.objects.bulk_create(
        through(schedule_id=s.pk, option_id=option_id)
        for s in schedules
        for option_id in by_product[product_by_code[s.code.replace("-s", "-p")]]
    )
    return schedules


def _departure_rows(rng: random.Random, schedules: list[Schedule], first_day: date, days: int):
    last_day = first_day + timedelta(days=days - 1)
    for schedule in schedules:
        for start, end, all_day in schedule_occurrences(schedule=schedule, date_from=first_day, date_to=last_day):
            closed = rng.random() < 0.005
            yield (schedule.pk, schedule.resource_id, start, end, all_day, schedule.capacity,
                   "closed" if closed else "open", "weather" if closed else "")


_DEPARTURE_COLUMNS = ("schedule_id", "resource_id", "starts_at", "ends_at", "all_day", "capacity", "held",
                      "confirmed", "status", "closed_reason")
_HOLD_COLUMNS = ("id", "departure_id", "quantity", "status", "expires_at", "reference", "test_mode",
                 "created_at", "updated_at")


def _copy(table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _departures_insert(rng: random.Random, schedules: list[Schedule], first_day: date, days: int) -> int:
    rows = _departure_rows(rng, schedules, first_day, days)
    if connection.vendor == "postgresql":
        return _copy(Departure._meta.db_table, _DEPARTURE_COLUMNS,
                     ((s, r, a, b, d, c, 0, 0, st, why) for s, r, a, b, d, c, st, why in rows))
    objs = [Departure(schedule_id=s, resource_id=r, starts_at=a, ends_at=b, all_day=d, capacity=c, status=st,
                      closed_reason=why) for s, r, a, b, d, c, st, why in rows]
    Departure.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def _holds_insert(rng: random.Random, schedules: list[Schedule], now: datetime) -> int:
    """Existing business: ~10 % of departures have a booking, ~2 % an expired, unswept hold."""
    departures = list(
        Departure.objects.filter(schedule__in=schedules, status="open").values_list("id", "capacity")
    )
    rows = []
    for dep_id, capacity in departures:
        roll = rng.random()
        if roll < 0.10:
            rows.append((uuid.uuid4(), dep_id, rng.randint(1, max(1, capacity // 2)), HoldStatus.CONFIRMED, None))
        if roll < 0.02:
            rows.append((uuid.uuid4(), dep_id, rng.randint(1, 4), HoldStatus.HELD, now - timedelta(minutes=5)))
    full = [(pk, dep, qty, st, exp, "bench-seed", False, now, now) for pk, dep, qty, st, exp in rows]
    if connection.vendor == "postgresql":
        _copy(Hold._meta.db_table, _HOLD_COLUMNS, full)
    else:
        Hold.objects.bulk_create(
            [Hold(id=pk, departure_id=dep, quantity=qty, status=st, expires_at=exp, reference=ref)
             for pk, dep, qty, st, exp, ref, *_ in full], batch_size=5000)
    hold_table, dep_table = Hold._meta.db_table, Departure._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {dep_table} SET "
            f"held = (SELECT COALESCE(SUM(quantity), 0) FROM {hold_table} h "
            f"        WHERE h.departure_id = {dep_table}.id AND h.status = 'held'), "
            f"confirmed = (SELECT COALESCE(SUM(quantity), 0) FROM {hold_table} h "
            f"        WHERE h.departure_id = {dep_table}.id AND h.status = 'confirmed') "
            f"WHERE id IN (SELECT departure_id FROM {hold_table} WHERE reference = 'bench-seed')"
        )
    return len(full)


def bench_catalogue_load(*, products: int, days: int, seed: int) -> dict:
    """Create the bench catalogue in one transaction; returns counts and seconds taken."""
    rng = random.Random(seed)
    now = datetime.now(dt_timezone.utc)
    first_day = now.date() + timedelta(days=1)
    started = time.perf_counter()
    with transaction.atomic():
        schedules = _catalogue(rng, products)
        departures = _departures_insert(rng, schedules, first_day, days)
        holds = _holds_insert(rng, schedules, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "bench_products": products,
        "bench_options": Option.objects.filter(product__code__startswith=f"{PREFIX}-").count(),
        "bench_schedules": len(schedules),
        "bench_departures": departures,
        "seed_holds": holds,
        "days": days,
        "load_seconds": round(time.perf_counter() - started, 1),
    }
