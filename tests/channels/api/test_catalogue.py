import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.channels.api.wire import local_start, problem
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def _local_day(product, departure) -> str:
    return departure.starts_at.astimezone(ZoneInfo(product.timezone)).date().isoformat()


def test_products_list_options_and_units_with_prices_in_minor_units(api, bookable):
    product, option, departure = bookable
    products = json.loads(api.get("/products").content)["products"]
    listed = next(p for p in products if p["code"] == product.code)
    assert [o["code"] for o in listed["options"]] == ["DEFAULT"] and listed["options"][0]["default"]
    assert [(u["code"], u["price_minor"], u["currency"]) for u in listed["units"]] == [
        ("ADULT", 1000, "CZK"), ("CHILD", 500, "CZK")]
    assert listed["timezone"] == "Europe/Prague"


def test_product_names_follow_accept_language(api):
    product = make_product(code="river-cruise")
    product.name = {"en": "River cruise", "cs": "Plavba po řece", "de": "Flussfahrt"}
    product.save()
    czech = json.loads(api.get("/products", headers={"Accept-Language": "cs-CZ, de;q=0.5"}).content)
    unknown = json.loads(api.get("/products", headers={"Accept-Language": "ja"}).content)
    assert (czech["products"][0]["name"], czech["products"][0]["language"]) == ("Plavba po řece", "cs")
    assert (unknown["products"][0]["name"], unknown["products"][0]["language"]) == ("River cruise", "en")


def test_inactive_products_are_not_listed(api):
    make_product(code="old-tour", active=False)
    assert json.loads(api.get("/products").content)["products"] == []


def test_availability_shows_slots_with_local_start_status_vacancies_and_prices(api, bookable):
    product, option, departure = bookable
    day = _local_day(product, departure)
    answer = json.loads(api.get(f"/availability?product={product.code}&from={day}&to={day}").content)
    slot = answer["slots"][0]
    assert (answer["product"], answer["option"], len(answer["slots"])) == (product.code, "DEFAULT", 1)
    assert slot["start"] == local_start(product, departure) and slot["start"][-6:] in ("+01:00", "+02:00")
    assert (slot["status"], slot["available"], slot["vacancies"], slot["capacity"]) == ("AVAILABLE", True, 10, 10)
    assert {(p["unit"], p["price_minor"]) for p in slot["prices"]} == {("ADULT", 1000), ("CHILD", 500)}


def test_availability_marks_slots_with_too_few_seats_for_the_quantity_sold_out(api, bookable):
    product, option, departure = bookable
    day = _local_day(product, departure)
    answer = json.loads(api.get(f"/availability?product={product.code}&from={day}&to={day}&quantity=11").content)
    assert answer["slots"][0]["status"] == "SOLD_OUT"


def test_availability_of_an_unknown_product_is_422(api):
    assert problem(api.get("/availability?product=nope&from=2030-01-01&to=2030-01-02"))["code"] == "unknown_product"


def test_availability_with_a_bad_date_is_400_naming_the_parameter(api, bookable):
    product, option, departure = bookable
    body = problem(api.get(f"/availability?product={product.code}&from=tomorrow&to=2030-01-02"))
    assert body["errors"][0]["field"] == "from"


def test_availability_with_to_before_from_is_400(api, bookable):
    product, option, departure = bookable
    assert problem(api.get(f"/availability?product={product.code}&from=2030-01-02&to=2030-01-01"))["status"] == 400


def test_availability_needs_product_and_dates(api):
    fields = {e["field"] for e in problem(api.get("/availability"))["errors"]}
    assert fields == {"product", "from", "to"}


def test_availability_range_is_limited(api, bookable):
    product, option, departure = bookable
    start = departure.starts_at.date()
    query = f"product={product.code}&from={start}&to={start + timedelta(days=200)}"
    assert problem(api.get(f"/availability?{query}"))["status"] == 400
