"""Seats are shared: what OCTO sells is gone for every other channel at once, and the other way round."""

from datetime import datetime

import pytest

from availability.selectors import availability_search
from intake.models import OrderStatus
from intake.services import submit
from intake.drafts import ContactDraft, OrderDraft
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def _lunch_tomorrow_plus_one(catalogue):
    start = datetime.fromisoformat(catalogue.lunch_slot(days=2))
    option = catalogue.lunch.options.get()
    return start, option


def _email_draft(catalogue, start, adults, reference):
    return OrderDraft(channel="email", partner_code=make_partner().code, external_reference=reference,
                      product_code="lunch", start=start, participants={"ADULT": adults},
                      contact=ContactDraft(name="Mail Guest"))


def test_seats_held_through_octo_vanish_from_availability_search_at_once(octo, catalogue):
    start, option = _lunch_tomorrow_plus_one(catalogue)
    octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": start.isoformat(),
                            "unitItems": [{"unitId": "ADULT"}] * 3})
    slot = next(s for s in availability_search(option_id=option.pk, date_from=start.date(), date_to=start.date())
                if s.starts_at == start)
    assert slot.vacancies == 1


def test_an_email_order_cannot_take_seats_octo_holds(octo, catalogue):
    start, _ = _lunch_tomorrow_plus_one(catalogue)
    octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": start.isoformat(),
                            "unitItems": [{"unitId": "ADULT"}] * 3})
    result = submit(draft=_email_draft(catalogue, start, 2, "mail-1"))
    assert result.order.status == OrderStatus.NEEDS_REVIEW
    assert result.problem.code == "over_capacity"


def test_seats_booked_by_email_vanish_from_octo_availability(octo, catalogue):
    start, _ = _lunch_tomorrow_plus_one(catalogue)
    result = submit(draft=_email_draft(catalogue, start, 3, "mail-2"))
    assert result.order.status == OrderStatus.CONFIRMED
    response = octo.post("/availability", {"productId": "lunch", "optionId": "DEFAULT", "availabilityIds": [start.isoformat()]})
    assert response.data[0]["vacancies"] == 1


def test_octo_cannot_reserve_seats_the_email_order_took(octo, catalogue):
    start, _ = _lunch_tomorrow_plus_one(catalogue)
    submit(draft=_email_draft(catalogue, start, 3, "mail-3"))
    response = octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": start.isoformat(),
                                       "unitItems": [{"unitId": "ADULT"}] * 2})
    assert response.data["error"] == "UNPROCESSABLE_ENTITY"


def test_cancelling_through_octo_gives_the_seats_back_to_every_channel(octo, catalogue):
    start, _ = _lunch_tomorrow_plus_one(catalogue)
    booking = octo.post("/bookings", {"productId": "lunch", "optionId": "DEFAULT", "availabilityId": start.isoformat(),
                                      "unitItems": [{"unitId": "ADULT"}] * 4}).data
    octo.post(f"/bookings/{booking['uuid']}/cancel", {})
    assert submit(draft=_email_draft(catalogue, start, 4, "mail-4")).order.status == OrderStatus.CONFIRMED
