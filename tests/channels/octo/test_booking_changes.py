"""Extend, Confirm, Update, Cancel, Get and List bookings (octo.md 2.1)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from intake.models import Order, OrderStatus
from tests.channels.octo.conftest import reserve

pytestmark = pytest.mark.django_db

CONTACT = {"fullName": "John Doe", "firstName": "John", "lastName": "Doe", "emailAddress": "john@example.com",
           "notes": "vegetarian", "locales": ["en-GB"], "country": "GB"}


@pytest.fixture
def held(octo, catalogue):
    return reserve(octo, catalogue).data


@pytest.fixture
def confirmed(octo, held):
    return octo.post(f"/bookings/{held['uuid']}/confirm", {"contact": CONTACT, "resellerReference": "AB12CD34"}).data


def test_extend_moves_the_expiry_later(octo, held):
    response = octo.post(f"/bookings/{held['uuid']}/extend", {"expirationMinutes": 31})
    assert response.data["status"] == "ON_HOLD"
    assert response.data["utcExpiresAt"] > held["utcExpiresAt"]


def test_extend_invalid_uuid(octo, catalogue):
    response = octo.post("/bookings/invalidUUID/extend", {"expirationMinutes": 31})
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", "invalidUUID")


def test_extend_a_confirmed_booking_is_unprocessable(octo, confirmed):
    assert octo.post(f"/bookings/{confirmed['uuid']}/extend", {"expirationMinutes": 5}).data["error"] == "UNPROCESSABLE_ENTITY"


def test_confirm_echoes_contact_and_reseller_reference(octo, confirmed):
    assert confirmed["status"] == "CONFIRMED"
    assert confirmed["utcConfirmedAt"] is not None and confirmed["utcExpiresAt"] is None
    assert confirmed["resellerReference"] == "AB12CD34"
    assert {k: confirmed["contact"][k] for k in CONTACT} == CONTACT
    assert confirmed["voucher"]["deliveryOptions"] and all(item["ticket"]["deliveryOptions"] for item in confirmed["unitItems"])


def test_confirm_with_only_a_full_name_works(octo, held):
    response = octo.post(f"/bookings/{held['uuid']}/confirm", {"contact": {"fullName": "Jo"}})
    assert response.data["status"] == "CONFIRMED"


def test_confirm_without_contact_is_bad_request(octo, held):
    assert octo.post(f"/bookings/{held['uuid']}/confirm", {}).data["error"] == "BAD_REQUEST"


def test_confirm_with_three_unit_items_replaces_the_two(octo, held, catalogue):
    response = octo.post(f"/bookings/{held['uuid']}/confirm", {"contact": CONTACT, "unitItems": [
        {"unitId": "ADULT", "uuid": held["unitItems"][0]["uuid"]}, {"unitId": "ADULT"}, {"unitId": "CHILD"}]})
    items = response.data["unitItems"]
    assert [item["unitId"] for item in items] == ["ADULT", "ADULT", "CHILD"]
    assert items[0]["uuid"] == held["unitItems"][0]["uuid"]
    order = Order.objects.get(external_reference=held["uuid"])
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 2, "CHILD": 1}


def test_confirm_invalid_uuid(octo, catalogue):
    response = octo.post("/bookings/invalidUUID/confirm", {"contact": CONTACT})
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", "invalidUUID")


def test_confirm_invalid_unit_id(octo, held):
    response = octo.post(f"/bookings/{held['uuid']}/confirm", {"contact": CONTACT, "unitItems": [{"unitId": "invalidUnitId"}]})
    assert (response.data["error"], response.data["unitId"]) == ("INVALID_UNIT_ID", "invalidUnitId")


def test_confirm_an_expired_hold_is_invalid_booking_uuid(octo, held):
    Order.objects.filter(external_reference=held["uuid"]).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert octo.get(f"/bookings/{held['uuid']}").data["status"] == "EXPIRED"
    response = octo.post(f"/bookings/{held['uuid']}/confirm", {"contact": CONTACT})
    assert response.data["error"] == "INVALID_BOOKING_UUID"


def test_confirming_twice_returns_the_confirmed_booking_unchanged(octo, confirmed):
    again = octo.post(f"/bookings/{confirmed['uuid']}/confirm", {"contact": {"fullName": "Someone else"}}).data
    assert again["status"] == "CONFIRMED" and again["contact"]["fullName"] == "John Doe"


def test_update_changes_the_date(octo, confirmed, catalogue):
    other = catalogue.cruise_slot(days=2, at="14:30")
    response = octo.patch(f"/bookings/{confirmed['uuid']}", {"availabilityId": other})
    assert response.data["availabilityId"] == other and response.data["availability"]["id"] == other
    assert Order.objects.get(external_reference=confirmed["uuid"]).starts_at == datetime.fromisoformat(other)


def test_update_replaces_unit_items(octo, held):
    response = octo.patch(f"/bookings/{held['uuid']}", {"unitItems": [{"unitId": "ADULT"}] * 3})
    assert [item["unitId"] for item in response.data["unitItems"]] == ["ADULT"] * 3
    assert response.data["status"] == "ON_HOLD"


def test_update_changes_contact_and_notes(octo, confirmed):
    response = octo.patch(f"/bookings/{confirmed['uuid']}", {"contact": {"fullName": "Jane Roe", "emailAddress": "jane@example.com"},
                                                            "notes": "late arrival"})
    assert response.data["contact"]["fullName"] == "Jane Roe" and response.data["notes"] == "late arrival"


def test_update_changes_the_product(octo, held, catalogue):
    slot = catalogue.lunch_slot(days=2)
    response = octo.patch(f"/bookings/{held['uuid']}", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": slot})
    assert (response.data["productId"], response.data["availabilityId"]) == ("lunch", slot)


def test_update_to_a_sold_out_slot_is_unprocessable_and_keeps_the_booking(octo, held, catalogue):
    response = octo.patch(f"/bookings/{held['uuid']}", {"productId": "lunch", "optionId": "DEFAULT",
                                                        "availabilityId": catalogue.lunch_slot()})
    assert response.data["error"] == "UNPROCESSABLE_ENTITY"
    assert octo.get(f"/bookings/{held['uuid']}").data["availabilityId"] == held["availabilityId"]


def test_update_with_unknown_ids_is_refused_with_each_id(octo, held):
    path = f"/bookings/{held['uuid']}"
    assert octo.patch(path, {"productId": "invalidProductId"}).data["productId"] == "invalidProductId"
    assert octo.patch(path, {"optionId": "invalidOptionId"}).data["error"] == "INVALID_OPTION_ID"
    assert octo.patch(path, {"unitItems": [{"unitId": "invalidUnitId"}]}).data["error"] == "INVALID_UNIT_ID"
    assert octo.patch(path, {"availabilityId": "invalidAvailabilityId"}).data["error"] == "INVALID_AVAILABILITY_ID"


def test_cancel_a_reservation_is_cancelled_and_frees_the_seats(octo, held, catalogue):
    response = octo.post(f"/bookings/{held['uuid']}/cancel", {"reason": "changed plans"})
    assert response.data["status"] == "CANCELLED"
    assert response.data["cancellation"]["reason"] == "changed plans"
    assert response.data["cancellable"] is False
    assert response.data["availability"]["vacancies"] == 100


def test_cancel_a_confirmed_booking(octo, confirmed):
    response = octo.post(f"/bookings/{confirmed['uuid']}/cancel", {})
    assert response.data["status"] == "CANCELLED" and response.data["cancellation"]["refund"] == "FULL"
    assert Order.objects.get(external_reference=confirmed["uuid"]).status == OrderStatus.CANCELLED


def test_cancel_invalid_uuid(octo, catalogue):
    response = octo.post("/bookings/invalidUUID/cancel", {})
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", "invalidUUID")


def test_cancel_after_the_cancellation_cutoff_is_unprocessable(octo, confirmed, catalogue):
    catalogue.cruise.cancellation_cutoff_minutes = 60 * 24 * 10
    catalogue.cruise.save()
    assert octo.get(f"/bookings/{confirmed['uuid']}").data["cancellable"] is False
    assert octo.post(f"/bookings/{confirmed['uuid']}/cancel", {}).data["error"] == "UNPROCESSABLE_ENTITY"


def test_get_a_reservation(octo, held):
    response = octo.get(f"/bookings/{held['uuid']}")
    assert response.data["status"] == "ON_HOLD" and response.data["id"] == held["id"]


def test_get_a_confirmed_booking(octo, confirmed):
    assert octo.get(f"/bookings/{confirmed['uuid']}/").data["status"] == "CONFIRMED"


def test_get_invalid_uuid(octo, catalogue):
    response = octo.get("/bookings/invalidUUID")
    assert (response.data["error"], response.data["uuid"]) == ("INVALID_BOOKING_UUID", "invalidUUID")


def test_another_reseller_cannot_see_or_change_the_booking(other_octo, confirmed):
    assert other_octo.get(f"/bookings/{confirmed['uuid']}").data["error"] == "INVALID_BOOKING_UUID"
    assert other_octo.post(f"/bookings/{confirmed['uuid']}/cancel", {}).data["error"] == "INVALID_BOOKING_UUID"
    assert other_octo.get(f"/bookings?resellerReference={confirmed['resellerReference']}").data == []


def test_list_by_supplier_reference(octo, confirmed):
    response = octo.get(f"/bookings?supplierReference={confirmed['supplierReference']}")
    assert [b["uuid"] for b in response.data] == [confirmed["uuid"]]


def test_list_by_reseller_reference(octo, confirmed):
    response = octo.get("/bookings?resellerReference=AB12CD34")
    assert [b["uuid"] for b in response.data] == [confirmed["uuid"]]


def test_list_by_local_date(octo, confirmed, catalogue):
    day = catalogue.tomorrow.isoformat()
    assert [b["uuid"] for b in octo.get(f"/bookings?localDate={day}").data] == [confirmed["uuid"]]
    later = (catalogue.tomorrow + timedelta(days=5)).isoformat()
    assert octo.get(f"/bookings?localDateStart={later}&localDateEnd={later}").data == []


def test_list_without_any_filter_is_bad_request(octo, confirmed):
    response = octo.get("/bookings")
    assert (response.status_code, response.data["error"]) == (400, "BAD_REQUEST")


def test_canary_without_the_partner_filter_another_reseller_would_see_the_booking(other_octo, confirmed, monkeypatch):
    """Shows the isolation test can fail: a lookup by uuid alone hands the booking to anyone."""
    from channels.octo import views

    monkeypatch.setattr(views, "octo_booking", lambda partner, booking_uuid: Order.objects.filter(
        channel="octo", external_reference=booking_uuid).first())
    assert other_octo.get(f"/bookings/{confirmed['uuid']}").data["uuid"] == confirmed["uuid"]
