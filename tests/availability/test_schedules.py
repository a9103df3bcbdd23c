"""Departures generated from schedules keep local wall-clock times across daylight-saving changes.

Europe/Prague changes on the last Sundays of March (CET +01:00 -> CEST +02:00)
and October (back): 29 March and 25 October 2026, 28 March and 31 October 2027.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from availability.models import AvailabilityType, Departure
from availability.selectors import availability_search
from availability.services import schedule_generate_departures, schedules_generate_all
from tests.factories import PRAGUE, make_product, make_schedule

pytestmark = pytest.mark.django_db


def _generate(schedule, first: date, last: date) -> list[Departure]:
    schedule_generate_departures(schedule_id=schedule.pk, date_from=first, days_ahead=(last - first).days)
    return list(Departure.objects.filter(schedule=schedule).order_by("starts_at"))


def _utc_hours(departures) -> dict[date, int]:
    return {d.starts_at.astimezone(PRAGUE).date(): d.starts_at.astimezone(UTC).hour for d in departures}


@pytest.fixture
def product():
    return make_product()


@pytest.mark.parametrize("saturday, sunday", [(date(2026, 3, 28), date(2026, 3, 29)), (date(2027, 3, 27), date(2027, 3, 28))])
def test_ten_oclock_stays_ten_oclock_when_summer_time_starts(product, saturday, sunday):
    schedule = make_schedule(options=[product.options.get()], times=("10:00",))
    departures = _generate(schedule, saturday, sunday)
    assert _utc_hours(departures) == {saturday: 9, sunday: 8}
    assert {d.starts_at.astimezone(PRAGUE).hour for d in departures} == {10}


@pytest.mark.parametrize("saturday, sunday", [(date(2026, 10, 24), date(2026, 10, 25)), (date(2027, 10, 30), date(2027, 10, 31))])
def test_ten_oclock_stays_ten_oclock_when_summer_time_ends(product, saturday, sunday):
    schedule = make_schedule(options=[product.options.get()], times=("10:00",))
    departures = _generate(schedule, saturday, sunday)
    assert _utc_hours(departures) == {saturday: 8, sunday: 9}


def test_times_are_stored_in_utc(product):
    schedule = make_schedule(options=[product.options.get()], times=("10:00",))
    departure = _generate(schedule, date(2026, 7, 1), date(2026, 7, 1))[0]
    assert departure.starts_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert departure.starts_at.utcoffset() == timedelta(0)


def test_opening_hours_keep_local_opening_and_closing_times_across_the_change():
    product = make_product(availability_type=AvailabilityType.OPENING_HOURS)
    schedule = make_schedule(options=[product.options.get()], times=("09:00",), closing_time="18:00")
    departures = _generate(schedule, date(2026, 10, 24), date(2026, 10, 25))
    assert all(d.all_day for d in departures)
    local = [(d.starts_at.astimezone(PRAGUE).hour, d.ends_at.astimezone(PRAGUE).hour) for d in departures]
    assert local == [(9, 18), (9, 18)]
    assert [d.starts_at.astimezone(UTC).hour for d in departures] == [7, 8]


def test_a_night_cruise_across_the_autumn_change_keeps_its_real_length(product):
    schedule = make_schedule(options=[product.options.get()], times=("01:30",), duration_minutes=120)
    departure = _generate(schedule, date(2026, 10, 25), date(2026, 10, 25))[0]
    assert departure.ends_at - departure.starts_at == timedelta(hours=2)


def test_search_shows_local_times_with_the_offset_of_the_day(product):
    schedule = make_schedule(options=[product.options.get()], times=("10:00",))
    _generate(schedule, date(2027, 3, 27), date(2027, 3, 28))
    slots = availability_search(option_id=product.options.get().pk, date_from=date(2027, 3, 27),
                                date_to=date(2027, 3, 28), now=datetime(2027, 3, 1, tzinfo=UTC))
    assert [s.starts_at.isoformat() for s in slots] == ["2027-03-27T10:00:00+01:00", "2027-03-28T10:00:00+02:00"]


def test_generating_twice_creates_nothing_new(product):
    schedule = make_schedule(options=[product.options.get()], times=("10:00", "14:00"))
    first = schedule_generate_departures(schedule_id=schedule.pk, date_from=date(2027, 1, 1), days_ahead=30)
    again = schedule_generate_departures(schedule_id=schedule.pk, date_from=date(2027, 1, 1), days_ahead=30)
    assert (first, again) == (62, 0)
    assert Departure.objects.filter(schedule=schedule).count() == 62


def test_a_longer_horizon_adds_only_the_missing_days(product):
    schedule = make_schedule(options=[product.options.get()], times=("10:00",))
    schedule_generate_departures(schedule_id=schedule.pk, date_from=date(2027, 1, 1), days_ahead=9)
    added = schedule_generate_departures(schedule_id=schedule.pk, date_from=date(2027, 1, 1), days_ahead=19)
    assert added == 10 and Departure.objects.filter(schedule=schedule).count() == 20


def test_only_the_listed_weekdays_get_departures(product):
    schedule = make_schedule(options=[product.options.get()])
    schedule.weekdays = [6, 7]
    schedule.save()
    departures = _generate(schedule, date(2027, 5, 1), date(2027, 5, 31))
    assert {d.starts_at.astimezone(PRAGUE).isoweekday() for d in departures} == {6, 7}
    assert len(departures) == 10  # May 2027 has five Saturdays and five Sundays


def test_only_the_listed_months_get_departures(product):
    schedule = make_schedule(options=[product.options.get()], months=[4, 5])
    departures = _generate(schedule, date(2027, 3, 1), date(2027, 6, 30))
    assert {d.starts_at.astimezone(PRAGUE).month for d in departures} == {4, 5}
    assert len(departures) == 30 + 31


def test_the_season_limits_generation(product):
    schedule = make_schedule(options=[product.options.get()], valid_from=date(2027, 4, 10), valid_to=date(2027, 4, 20))
    departures = _generate(schedule, date(2027, 4, 1), date(2027, 4, 30))
    local_days = [d.starts_at.astimezone(PRAGUE).date() for d in departures]
    assert local_days[0] == date(2027, 4, 10) and local_days[-1] == date(2027, 4, 20) and len(local_days) == 11


def test_an_inactive_schedule_generates_nothing(product):
    schedule = make_schedule(options=[product.options.get()], active=False)
    assert schedule_generate_departures(schedule_id=schedule.pk, date_from=date(2027, 1, 1), days_ahead=10) == 0


def test_generated_departures_take_the_schedules_capacity_and_resource(product):
    schedule = make_schedule(options=[product.options.get()], capacity=42)
    departure = _generate(schedule, date(2027, 1, 1), date(2027, 1, 1))[0]
    assert (departure.capacity, departure.resource_id, departure.held, departure.confirmed) == (
        42, schedule.resource_id, 0, 0)


def test_generate_all_extends_every_active_schedule_to_the_horizon(product):
    active = make_schedule(options=[product.options.get()])
    make_schedule(options=[product.options.get()], active=False)
    assert schedules_generate_all(days_ahead=6) == 7
    assert Departure.objects.filter(schedule=active).count() == 7
    assert schedules_generate_all(days_ahead=6) == 0
