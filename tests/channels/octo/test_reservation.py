"""Booking Reservation (octo.md 2.1), idempotency by booking uuid and Octo-Env: test."""

import uuid

import pytest

from availability.selectors import availability_search
from intake.models import Order, OrderStatus
from tests.channels.octo.conftest import reserve

pytestmark = pytest.mark.django_db


def _vacancies(catalogue, slot_id):
    from datetime import datetime

    start = datetime.fromisoformat(slot_id)
    option = catalogue.cruise.options.get()
    slots = availability_search(option_id=option.pk, date_from=start.date(), date_to=start.date())
    return next(s.vacancies for s in slots if s.starts_at == start)


def test_reservation_is_on_hold_and_echoes_what_was_asked(octo, catalogue):
    response = reserve(octo, catalogue, units=("ADULT", "ADULT", "CHILD"), expirationMinutes=20)
    booking = response.data
    assert response.status_code == 200
    assert booking["status"] == "ON_HOLD"
    assert (booking["productId"], booking["optionId"]) == ("cruise", "DEFAULT")
    assert booking["availabilityId"] == booking["availability"]["id"] == catalogue.cruise_slot()
    assert [item["unitId"] for item in booking["unitItems"]] == ["ADULT", "ADULT", "CHILD"]
    assert booking["utcExpiresAt"] is not None and booking["utcConfirmedAt"] is None


def test_reservation_without_uuid_gets_a_lowercase_uuid4(octo, catalogue):
    booking = reserve(octo, catalogue).data
    assert uuid.UUID(booking["uuid"]).version == 4 and booking["uuid"] == booking["uuid"].lower()
    item_uuids = [item["uuid"] for item in booking["unitItems"]]
    assert len(set(item_uuids)) == 2 and all(u == u.lower() for u in item_uuids)


def test_reservation_is_an_order_through_the_one_door(octo, catalogue, reseller):
    booking = reserve(octo, catalogue).data
    order = Order.objects.get(external_reference=booking["uuid"])
    assert (order.channel, order.partner, order.status) == ("octo", reseller, OrderStatus.HELD)
    assert order.hold_expires_at is not None and order.raw_source is not None


def test_reservation_holds_seats(octo, catalogue):
    reserve(octo, catalogue, units=("ADULT",) * 5)
    assert _vacancies(catalogue, catalogue.cruise_slot()) == 95


def test_sold_out_slot_is_unprocessable(octo, catalogue):
    response = octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": catalogue.lunch_slot(),
                                       "unitItems": [{"unitId": "ADULT"}]})
    assert (response.status_code, response.data["error"]) == (400, "UNPROCESSABLE_ENTITY")


def test_invalid_product_is_refused_with_its_id(octo, catalogue):
    response = reserve(octo, catalogue, productId="invalidProductId")
    assert (response.data["error"], response.data["productId"]) == ("INVALID_PRODUCT_ID", "invalidProductId")


def test_invalid_option_is_refused_with_its_id(octo, catalogue):
    response = reserve(octo, catalogue, optionId="invalidOptionId")
    assert (response.data["error"], response.data["optionId"]) == ("INVALID_OPTION_ID", "invalidOptionId")


def test_invalid_availability_id_is_refused_with_its_id(octo, catalogue):
    response = reserve(octo, catalogue, slot="invalidAvailabilityId")
    assert (response.data["error"], response.data["availabilityId"]) == ("INVALID_AVAILABILITY_ID", "invalidAvailabilityId")


def test_availability_id_without_a_departure_is_invalid(octo, catalogue):
    response = reserve(octo, catalogue, slot=catalogue.cruise_slot(at="03:00"))
    assert response.data["error"] == "INVALID_AVAILABILITY_ID"


def test_missing_unit_items_is_unprocessable(octo, catalogue):
    response = octo.post("/bookings", {"productId": "cruise", "optionId": "DEFAULT", "availabilityId": catalogue.cruise_slot()})
    assert (response.status_code, response.data["error"]) == (400, "UNPROCESSABLE_ENTITY")


def test_empty_unit_items_is_unprocessable(octo, catalogue):
    response = reserve(octo, catalogue, units=())
    assert response.data["error"] == "UNPROCESSABLE_ENTITY"


def test_invalid_unit_id_is_refused_with_its_id(octo, catalogue):
    response = reserve(octo, catalogue, units=("invalidUnitId",))
    assert (response.data["error"], response.data["unitId"]) == ("INVALID_UNIT_ID", "invalidUnitId")


def test_more_units_than_the_option_allows_is_unprocessable(octo, catalogue):
    response = reserve(octo, catalogue, units=("ADULT",) * 51)
    assert response.data["error"] == "UNPROCESSABLE_ENTITY"


def test_replayed_reservation_returns_the_same_booking_and_holds_seats_once(octo, catalogue):
    key = str(uuid.uuid4())
    first = reserve(octo, catalogue, uuid=key).data
    second = reserve(octo, catalogue, uuid=key).data
    assert first["id"] == second["id"] and first["uuid"] == key
    assert Order.objects.filter(external_reference=key).count() == 1
    assert _vacancies(catalogue, catalogue.cruise_slot()) == 98


def test_uppercase_uuid_is_the_same_booking_in_lowercase(octo, catalogue):
    key = str(uuid.uuid4())
    first = reserve(octo, catalogue, uuid=key.upper()).data
    assert first["uuid"] == key
    assert reserve(octo, catalogue, uuid=key).data["id"] == first["id"]


def test_uuid_reused_for_another_request_is_refused(octo, catalogue):
    key = str(uuid.uuid4())
    reserve(octo, catalogue, uuid=key)
    response = reserve(octo, catalogue, uuid=key, units=("ADULT",) * 3)
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", key)


def test_canary_without_the_uuid_as_key_a_replay_would_book_twice(octo, catalogue, monkeypatch):
    """Shows the replay test can fail: with a fresh key per request, seats are taken twice."""
    from channels.octo import mapping

    monkeypatch.setattr(mapping, "booking_uuid", lambda value: mapping.new_uuid())
    key = str(uuid.uuid4())
    reserve(octo, catalogue, uuid=key)
    reserve(octo, catalogue, uuid=key)
    assert _vacancies(catalogue, catalogue.cruise_slot()) == 96


def test_malformed_uuid_is_refused(octo, catalogue):
    response = reserve(octo, catalogue, uuid="not-a-uuid")
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", "not-a-uuid")


def test_test_mode_booking_takes_no_seats_and_is_marked(octo, catalogue):
    response = reserve(octo, catalogue, units=("ADULT",) * 4, headers={"Octo-Env": "test"})
    assert response.data["testMode"] is True
    assert response["Octo-Env"] == "test"
    assert _vacancies(catalogue, catalogue.cruise_slot()) == 100


def test_test_mode_booking_cannot_overbook_either(octo, catalogue):
    response = octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": catalogue.lunch_slot(),
                                       "unitItems": [{"unitId": "ADULT"}]}, headers={"Octo-Env": "test"})
    assert response.data["error"] == "UNPROCESSABLE_ENTITY"


def test_reservation_with_contact_and_references_echoes_them(octo, catalogue):
    booking = reserve(octo, catalogue, resellerReference="RES-1", notes="window seats",
                      contact={"firstName": "Jana", "lastName": "Nová", "emailAddress": "jana@example.com"}).data
    assert booking["resellerReference"] == "RES-1" and booking["notes"] == "window seats"
    assert (booking["contact"]["firstName"], booking["contact"]["lastName"]) == ("Jana", "Nová")


def test_raw_request_is_stored_even_when_refused(octo, catalogue):
    from intake.models import RawSource

    reserve(octo, catalogue, productId="invalidProductId")
    raw = RawSource.objects.get(channel="octo")
    assert b"invalidProductId" in bytes(raw.body) and raw.status == "failed"
