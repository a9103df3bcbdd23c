"""availability_search: what every channel shows a buyer, in a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from availability.models import AvailabilityType
from availability.selectors import AVAILABLE, CLOSED, FREESALE, LIMITED, SOLD_OUT, availability_search
from availability.services import departure_close, departure_hold, hold_confirm
from tests.factories import PRAGUE, make_bookable, make_departure, make_product, make_schedule

pytestmark = pytest.mark.django_db


def _search(option, departure, **kwargs):
    day = departure.starts_at.astimezone(PRAGUE).date()
    return availability_search(option_id=option.pk, date_from=day, date_to=day, **kwargs)


def _sell(departure, seats):
    hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=seats, ttl=None).pk)


def _status(option, departure, **kwargs):
    (slot,) = _search(option, departure, **kwargs)
    return slot.status


def test_half_full_departure_is_available():
    _, option, departure = make_bookable(capacity=10)
    _sell(departure, 5)
    (slot,) = _search(option, departure)
    assert (slot.status, slot.vacancies, slot.capacity) == (AVAILABLE, 5, 10)


def test_less_than_half_left_is_limited():
    _, option, departure = make_bookable(capacity=10)
    _sell(departure, 6)
    assert _status(option, departure) == LIMITED


def test_full_departure_is_sold_out():
    _, option, departure = make_bookable(capacity=10)
    _sell(departure, 10)
    (slot,) = _search(option, departure)
    assert (slot.status, slot.vacancies, slot.available) == (SOLD_OUT, 0, False)


def test_closed_departure_is_closed():
    _, option, departure = make_bookable(capacity=10)
    departure_close(departure_id=departure.pk, reason="flood")
    assert _status(option, departure) == CLOSED


def test_departure_without_capacity_is_free_sale():
    _, option, departure = make_bookable(capacity=None)
    _sell(departure, 300)
    (slot,) = _search(option, departure)
    assert (slot.status, slot.vacancies) == (FREESALE, None)


def test_sales_close_at_the_booking_cutoff():
    product, option, departure = make_bookable(capacity=10, booking_cutoff_minutes=60)
    assert _status(option, departure, now=departure.starts_at - timedelta(minutes=61)) == AVAILABLE
    (slot,) = _search(option, departure, now=departure.starts_at - timedelta(minutes=59))
    assert slot.status == CLOSED and slot.cutoff_at == departure.starts_at - timedelta(minutes=60)


def test_opening_hours_sell_until_closing_time_minus_the_cutoff():
    product = make_product(availability_type=AvailabilityType.OPENING_HOURS, booking_cutoff_minutes=30)
    option = product.options.get()
    schedule = make_schedule(options=[option], capacity=100, closing_time="18:00")
    departure = make_departure(schedule=schedule, all_day=True)
    assert _status(option, departure, now=departure.starts_at + timedelta(minutes=20)) == AVAILABLE
    assert _status(option, departure, now=departure.ends_at - timedelta(minutes=29)) == CLOSED


def test_departures_beyond_the_booking_horizon_are_closed():
    _, option, departure = make_bookable(capacity=10, booking_horizon_days=3)
    assert _status(option, departure) == CLOSED  # the departure is a week ahead


def test_a_party_bigger_than_the_vacancies_sees_sold_out():
    _, option, departure = make_bookable(capacity=10)
    _sell(departure, 7)
    assert _status(option, departure, quantity=4) == SOLD_OUT
    assert _status(option, departure, quantity=3) == LIMITED


def test_seats_of_expired_but_unswept_holds_count_as_free():
    _, option, departure = make_bookable(capacity=10)
    departure_hold(departure_id=departure.pk, quantity=10, ttl=timedelta(minutes=5))
    assert _status(option, departure) == SOLD_OUT
    (slot,) = _search(option, departure, now=timezone.now() + timedelta(minutes=6))
    assert (slot.status, slot.vacancies) == (AVAILABLE, 10)


def test_slots_carry_unit_prices_in_minor_units():
    _, option, departure = make_bookable(capacity=10)
    (slot,) = _search(option, departure)
    assert {(p.code, p.price_minor, p.currency) for p in slot.prices} == {("ADULT", 1000, "CZK"), ("CHILD", 500, "CZK")}


def test_the_local_date_decides_which_day_a_departure_belongs_to():
    _, option, departure = make_bookable(capacity=10)
    late = make_departure(schedule=departure.schedule, starts_at=departure.starts_at.astimezone(PRAGUE).replace(
        hour=0, minute=30))  # 00:30 local is the previous day in UTC
    slots = _search(option, late)
    assert late.pk in {s.departure_id for s in slots}
    assert all(s.starts_at.date() == late.starts_at.astimezone(PRAGUE).date() for s in slots)


def test_another_options_departures_are_not_listed():
    _, option, departure = make_bookable(capacity=10)
    _, other_option, _ = make_bookable(capacity=10, starts_at=departure.starts_at)
    assert [s.departure_id for s in _search(option, departure)] == [departure.pk]
    assert departure.pk not in {s.departure_id for s in _search(other_option, departure)}


def _week_of_departures(option, schedule, start, days):
    departures = []
    for day in range(days):
        for hour in (0, 3, 6):
            departure = make_departure(schedule=schedule, starts_at=start + timedelta(days=day, hours=hour))
            departure_hold(departure_id=departure.pk, quantity=1, ttl=timedelta(minutes=5))  # held seats: stale check
            departures.append(departure)
    return departures


def test_the_number_of_queries_does_not_grow_with_the_departures_in_the_range(django_assert_max_num_queries):
    _, option, first = make_bookable(capacity=10)
    start = first.starts_at.astimezone(PRAGUE).replace(hour=9)
    _week_of_departures(option, first.schedule, start + timedelta(days=1), 30)
    day = start.date()
    with CaptureQueriesContext(connection) as one_day:
        assert len(availability_search(option_id=option.pk, date_from=day, date_to=day)) == 1
    with django_assert_max_num_queries(len(one_day.captured_queries)):
        slots = availability_search(option_id=option.pk, date_from=day, date_to=day + timedelta(days=31))
    assert len(slots) == 1 + 90
    assert len(one_day.captured_queries) <= 3


def _epoch_us(moment):
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def test_rows_are_the_slots_facts_with_times_in_epoch_microseconds():
    from availability.selectors import availability_rows

    product, option, departure = make_bookable(capacity=10)
    _sell(departure, 6)
    day = departure.starts_at.astimezone(PRAGUE).date()
    found = availability_rows(option_id=option.pk, date_from=day, date_to=day)
    (slot,) = _search(option, departure)
    (row,) = found.rows
    assert row == (slot.departure_id, _epoch_us(slot.starts_at), _epoch_us(slot.ends_at), slot.all_day, slot.status,
                   slot.vacancies, slot.capacity, _epoch_us(slot.cutoff_at))
    assert (row[4], row[5], found.zone.key, found.prices) == (LIMITED, 4, product.timezone, slot.prices)


def test_rows_for_a_caller_holding_the_product_take_one_query_and_no_prices(django_assert_num_queries):
    from availability.selectors import availability_rows

    product, option, departure = make_bookable(capacity=10, booking_cutoff_minutes=30)
    day = departure.starts_at.astimezone(PRAGUE).date()
    full = availability_rows(option_id=option.pk, date_from=day, date_to=day)
    with django_assert_num_queries(1):
        lean = availability_rows(option_id=option.pk, date_from=day, date_to=day, product=product)
    assert (lean.rows, lean.zone, lean.prices) == (full.rows, full.zone, ())
