"""Seats sold through the API are gone for every other channel at once (one counter per departure)."""

from zoneinfo import ZoneInfo

import pytest

from availability.selectors import availability_search
from tests.channels.api.wire import order_body
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _local_day(departure):
    return departure.starts_at.astimezone(ZoneInfo("Europe/Prague")).date()


def _vacancies(option, departure) -> int:
    day = _local_day(departure)
    slots = availability_search(option_id=option.pk, date_from=day, date_to=day)
    return next(slot.vacancies for slot in slots if slot.departure_id == departure.pk)


def test_a_seat_booked_through_the_api_disappears_from_availability_search_at_once(api, bookable):
    product, option, departure = bookable
    api.post("/orders", order_body(product, departure, participants={"ADULT": 3}))
    assert _vacancies(option, departure) == 7


def test_a_seat_cancelled_through_the_api_is_back_in_availability_search_at_once(api, bookable):
    product, option, departure = bookable
    reference = api.post("/orders", order_body(product, departure)).json()["reference"]
    api.post(f"/orders/{reference}/cancel")
    assert _vacancies(option, departure) == 10


def test_the_last_seat_sold_through_the_api_is_sold_out_for_a_product_sharing_the_boat(api, bookable):
    product, option, departure = bookable
    other = make_product()
    other_option = other.options.get()
    departure.schedule.options.add(other_option)
    api.post("/orders", order_body(product, departure, participants={"ADULT": 10}))
    day = _local_day(departure)
    [slot] = availability_search(option_id=other_option.pk, date_from=day, date_to=day)
    assert (slot.status, slot.vacancies) == ("SOLD_OUT", 0)
