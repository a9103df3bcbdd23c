import pytest

from tests.channels.form.conftest import PARTNER_ORIGIN

pytestmark = pytest.mark.django_db


def availability(client, world, **headers):
    return client.get(f"{world.url}availability.json", {"product": world.product.code, "date": world.day}, **headers)


def test_allowed_partner_origin_gets_cors_headers(client, world):
    response = availability(client, world, HTTP_ORIGIN=PARTNER_ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    assert "Origin" in response["Vary"]


def test_foreign_origin_is_refused_without_cors_headers(client, world):
    response = availability(client, world, HTTP_ORIGIN="https://attacker.example")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_from_allowed_origin_is_answered(client, world):
    response = client.options(f"{world.url}availability.json", HTTP_ORIGIN=PARTNER_ORIGIN,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == PARTNER_ORIGIN
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_preflight_from_foreign_origin_is_refused(client, world):
    response = client.options(f"{world.url}availability.json", HTTP_ORIGIN="https://attacker.example",
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_same_origin_request_needs_no_cors(client, world):
    response = availability(client, world)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_departures_are_listed_in_the_product_timezone_with_vacancies_and_prices(client, world):
    body = availability(client, world).json()
    assert body["timezone"] == "Europe/Prague"
    [departure] = body["departures"]
    assert departure["start"] == world.start  # local time with its offset
    assert (departure["vacancies"], departure["bookable"]) == (10, True)
    assert {p["unit"]: p["price_minor"] for p in body["prices"]} == {"ADULT": 1000, "CHILD": 500}


def test_bad_date_is_a_json_error(client, world):
    response = client.get(f"{world.url}availability.json", {"product": world.product.code, "date": "tomorrow"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_date"


def test_product_not_in_the_form_is_a_json_error(client, world):
    response = client.get(f"{world.url}availability.json", {"product": "no-such-product", "date": world.day})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_product"
