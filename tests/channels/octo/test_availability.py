"""Availability calendar and check (octo.md 2.1: Availability Calendar, Availability Check)."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _window(catalogue, days=30):
    today = timezone.now().date()
    return today.isoformat(), (today + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("product", ["cruise", "museum"])
def test_calendar_interval_has_one_object_per_day_with_departures(octo, catalogue, product):
    start, end = _window(catalogue)
    response = octo.post("/availability/calendar", {"productId": product, "optionId": "DEFAULT",
                                                    "localDateStart": start, "localDateEnd": end})
    assert response.status_code == 200
    days = [day["localDate"] for day in response.data]
    assert days == sorted(set(days)) and start <= days[0] and days[-1] <= end
    assert len(days) >= 30
    assert any(day["available"] for day in response.data)


def test_calendar_leaves_out_days_without_departures(octo, catalogue):
    from availability.models import Departure

    closed_day = catalogue.tomorrow + timedelta(days=2)
    Departure.objects.filter(schedule__options__product=catalogue.museum, starts_at__date=closed_day).delete()
    start, end = _window(catalogue)
    response = octo.post("/availability/calendar", {"productId": "museum", "optionId": "DEFAULT",
                                                    "localDateStart": start, "localDateEnd": end})
    assert closed_day.isoformat() not in [day["localDate"] for day in response.data]
    assert all(day["openingHours"] for day in response.data)  # the validator's rule for OPENING_HOURS


def test_calendar_of_opening_hours_product_carries_the_opening_hours(octo, catalogue):
    day = (catalogue.tomorrow + timedelta(days=1)).isoformat()
    response = octo.post("/availability/calendar", {"productId": "museum", "optionId": "DEFAULT",
                                                    "localDateStart": day, "localDateEnd": day})
    assert response.data[0]["openingHours"] == [{"from": "10:00", "to": "18:00"}]


def test_calendar_invalid_product(octo, catalogue):
    start, end = _window(catalogue)
    response = octo.post("/availability/calendar", {"productId": "invalidProductId", "optionId": "DEFAULT",
                                                    "localDateStart": start, "localDateEnd": end})
    assert (response.status_code, response.data["error"], response.data["productId"]) == (400, "INVALID_PRODUCT_ID", "invalidProductId")


def test_calendar_invalid_option(octo, catalogue):
    start, end = _window(catalogue)
    response = octo.post("/availability/calendar", {"productId": "cruise", "optionId": "invalidOptionId",
                                                    "localDateStart": start, "localDateEnd": end})
    assert (response.data["error"], response.data["optionId"]) == ("INVALID_OPTION_ID", "invalidOptionId")


def test_calendar_with_only_the_end_date_is_bad_request(octo, catalogue):
    _, end = _window(catalogue)
    response = octo.post("/availability/calendar", {"productId": "cruise", "optionId": "DEFAULT", "localDateEnd": end})
    assert (response.status_code, response.data["error"]) == (400, "BAD_REQUEST")


@pytest.mark.parametrize("product", ["cruise", "museum"])
def test_check_interval_returns_bookable_slots(octo, catalogue, product):
    start, end = _window(catalogue)
    response = octo.post("/availability", {"productId": product, "optionId": "DEFAULT",
                                           "localDateStart": start, "localDateEnd": end})
    assert response.status_code == 200
    assert len([slot for slot in response.data if slot["available"]]) >= 2
    assert all(slot["allDay"] is (product == "museum") for slot in response.data)


def test_check_by_date_returns_the_slots_of_that_day(octo, catalogue):
    day = catalogue.tomorrow.isoformat()
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT",
                                           "localDateStart": day, "localDateEnd": day})
    assert [slot["id"] for slot in response.data] == [catalogue.cruise_slot(), catalogue.cruise_slot(at="14:30")]
    assert octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "localDate": day}).data == response.data


def test_check_by_availability_id_returns_exactly_that_slot(octo, catalogue):
    wanted = catalogue.cruise_slot(days=3, at="14:30")
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "availabilityIds": [wanted]})
    assert [slot["id"] for slot in response.data] == [wanted]
    assert response.data[0]["localDateTimeStart"] == wanted


def test_availability_id_is_stable_between_calls(octo, catalogue):
    body = {"productId": "cruise", "optionId": "DEFAULT", "localDate": catalogue.tomorrow.isoformat()}
    assert [s["id"] for s in octo.post("/availability", body).data] == [s["id"] for s in octo.post("/availability", body).data]


def test_sold_out_slot_is_reported_as_sold_out(octo, catalogue):
    response = octo.post("/availability", {"productId": "lunch", "optionId": "DEFAULT", "localDate": catalogue.tomorrow.isoformat()})
    slot = response.data[0]
    assert (slot["status"], slot["available"], slot["vacancies"], slot["capacity"]) == ("SOLD_OUT", False, 0, 4)


def test_vacancies_are_live_seat_counts(octo, catalogue):
    from tests.channels.octo.conftest import reserve

    reserve(octo, catalogue, units=("ADULT", "ADULT", "CHILD"))
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "availabilityIds": [catalogue.cruise_slot()]})
    assert response.data[0]["vacancies"] == 97


def test_check_invalid_product(octo, catalogue):
    response = octo.post("/availability", {"productId": "invalidProductId", "optionId": "DEFAULT", "localDate": catalogue.tomorrow.isoformat()})
    assert (response.data["error"], response.data["productId"]) == ("INVALID_PRODUCT_ID", "invalidProductId")


def test_check_invalid_option(octo, catalogue):
    response = octo.post("/availability", {"productId": "cruise", "optionId": "invalidOptionId", "localDate": catalogue.tomorrow.isoformat()})
    assert (response.data["error"], response.data["optionId"]) == ("INVALID_OPTION_ID", "invalidOptionId")


def test_check_with_dates_and_availability_ids_together_is_bad_request(octo, catalogue):
    start, end = _window(catalogue)
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT", "localDateStart": start,
                                           "localDateEnd": end, "availabilityIds": [catalogue.cruise_slot()]})
    assert (response.status_code, response.data["error"]) == (400, "BAD_REQUEST")


def test_check_without_any_date_is_bad_request(octo, catalogue):
    response = octo.post("/availability", {"productId": "cruise", "optionId": "DEFAULT"})
    assert response.data["error"] == "BAD_REQUEST"


def test_malformed_json_is_bad_request(octo, catalogue):
    response = octo.post("/availability", "{not json")
    assert response.data["error"] == "BAD_REQUEST"


def test_pricing_capability_prices_the_requested_units(octo, catalogue):
    response = octo.post("/availability", {
        "productId": "cruise", "optionId": "DEFAULT", "availabilityIds": [catalogue.cruise_slot()],
        "units": [{"id": "ADULT", "quantity": 2}, {"id": "CHILD", "quantity": 1}],
    }, headers={"Octo-Capabilities": "octo/pricing"})
    slot = response.data[0]
    assert slot["pricing"]["retail"] == 2 * 35000 + 18000
    assert {p["unitId"]: p["retail"] for p in slot["unitPricing"]} == {"ADULT": 35000, "CHILD": 18000}


def test_requesting_more_units_than_left_shows_sold_out(octo, catalogue):
    day = catalogue.tomorrow + timedelta(days=1)
    response = octo.post("/availability", {"productId": "lunch", "optionId": "DEFAULT", "localDate": day.isoformat(),
                                           "units": [{"id": "ADULT", "quantity": 5}]})
    assert response.data[0]["status"] == "SOLD_OUT"


def test_calendar_with_pricing_gives_prices_from(octo, catalogue):
    day = catalogue.tomorrow.isoformat()
    response = octo.post("/availability/calendar", {"productId": "cruise", "optionId": "DEFAULT", "localDateStart": day,
                                                    "localDateEnd": day}, headers={"Octo-Capabilities": "octo/pricing"})
    assert response.data[0]["pricingFrom"]["retail"] == 18000
    assert {p["unitId"] for p in response.data[0]["unitPricingFrom"]} == {"ADULT", "CHILD"}
