"""What a person could fix becomes a needs_review order with a review item, never a drop, never seats."""

from datetime import timedelta

import pytest

from availability.models import Unit
from availability.services import departure_close
from intake.errors import InvalidParticipants, UnknownProduct
from intake.models import Order, OrderStatus, ReviewItem
from intake.services import raw_source_store, submit
from tests.factories import make_bookable, make_departure, make_draft, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    product, _, departure = make_bookable(capacity=10)
    return product, departure, make_partner()


def _review(draft) -> ReviewItem:
    result = submit(draft=draft)
    assert result.created and result.order.status == OrderStatus.NEEDS_REVIEW
    assert result.order.departure_id is None and result.order.hold_id is None  # no seats taken
    return ReviewItem.objects.get(order=result.order)


def test_unknown_product_goes_to_review(booking):
    product, departure, partner = booking
    draft = make_draft(product=product, departure=departure, partner=partner).model_copy(
        update={"product_code": "no-such-cruise"})
    item = _review(draft)
    assert item.reason == "unknown_product" and item.status == ReviewItem.Status.OPEN
    assert item.draft["product_code"] == "no-such-cruise"  # pre-fills the dispatcher's correction


def test_unknown_option_goes_to_review(booking):
    product, departure, partner = booking
    assert _review(make_draft(product=product, departure=departure, partner=partner, option_code="KLINGON")).reason \
        == "unknown_option"


def test_unknown_ticket_category_goes_to_review(booking):
    product, departure, partner = booking
    assert _review(make_draft(product=product, departure=departure, partner=partner,
                              participants={"PENSIONER": 2})).reason == "unknown_unit"


def test_unknown_partner_goes_to_review_without_a_partner(booking):
    product, departure, _ = booking
    draft = make_draft(product=product, departure=departure, external_reference="X-1").model_copy(
        update={"partner_code": "who-is-this"})
    item = _review(draft)
    assert item.reason == "unknown_partner" and item.partner is None and item.order.partner is None


def test_an_inactive_partner_is_an_unknown_partner(booking):
    product, departure, _ = booking
    assert _review(make_draft(product=product, departure=departure, partner=make_partner(active=False))).reason \
        == "unknown_partner"


def test_no_departure_at_the_requested_time_goes_to_review(booking):
    product, departure, partner = booking
    draft = make_draft(product=product, departure=departure, partner=partner)
    draft = draft.model_copy(update={"start": draft.start + timedelta(minutes=45)})
    assert _review(draft).reason == "no_such_departure"


def test_after_the_booking_cutoff_goes_to_review():
    product, _, departure = make_bookable(capacity=10, booking_cutoff_minutes=8 * 24 * 60)
    assert _review(make_draft(product=product, departure=departure, partner=make_partner())).reason == "after_cutoff"


def test_a_closed_departure_goes_to_review_as_not_bookable(booking):
    product, departure, partner = booking
    departure_close(departure_id=departure.pk, reason="high water")
    item = _review(make_draft(product=product, departure=departure, partner=partner))
    assert item.reason == "after_cutoff" and item.departure_id == departure.pk


def test_over_capacity_goes_to_review_with_the_vacancies(booking):
    product, departure, partner = booking
    item = _review(make_draft(product=product, departure=departure, partner=partner, participants={"ADULT": 11}))
    assert item.reason == "over_capacity" and item.details["vacancies"] == 10


def test_a_child_without_an_adult_goes_to_review(booking):
    product, departure, partner = booking
    Unit.objects.filter(product=product, code="CHILD").update(accompanied_by=["ADULT"])
    item = _review(make_draft(product=product, departure=departure, partner=partner, participants={"CHILD": 2}))
    assert item.reason == "invalid_participants" and "ADULT" in item.message


def test_a_child_with_an_adult_is_booked(booking):
    product, departure, partner = booking
    Unit.objects.filter(product=product, code="CHILD").update(accompanied_by=["ADULT"])
    result = submit(draft=make_draft(product=product, departure=departure, partner=partner,
                                     participants={"CHILD": 2, "ADULT": 1}))
    assert result.order.status == OrderStatus.CONFIRMED


def test_more_participants_than_the_option_allows_goes_to_review(booking):
    product, departure, partner = booking
    product.options.update(max_units=4)
    assert _review(make_draft(product=product, departure=departure, partner=partner,
                              participants={"ADULT": 5})).reason == "invalid_participants"


def test_no_participants_goes_to_review(booking):
    product, departure, partner = booking
    draft = make_draft(product=product, departure=departure, partner=partner).model_copy(update={"participants": {}})
    assert _review(draft).reason == "invalid_participants"


def test_the_review_item_keeps_the_raw_source(booking):
    product, departure, partner = booking
    raw = raw_source_store(channel="email", body=b"Dear team, 2 adults on the unknown cruise", content_type="text/plain")
    draft = make_draft(product=product, departure=departure, partner=partner, channel="email").model_copy(
        update={"product_code": "unknown-cruise", "raw_source_id": raw.pk})
    item = _review(draft)
    assert item.raw_source_id == raw.pk and item.order.raw_source_id == raw.pk


def test_synchronous_channels_get_the_error_instead_of_a_review_item(booking):
    product, departure, partner = booking
    draft = make_draft(product=product, departure=departure, partner=partner).model_copy(
        update={"product_code": "nope"})
    with pytest.raises(UnknownProduct):
        submit(draft=draft, review_on_problem=False)
    assert not Order.objects.exists() and not ReviewItem.objects.exists()


def test_a_channel_can_send_an_order_to_review_with_a_problem_it_already_knows(booking):
    product, departure, partner = booking
    result = submit(draft=make_draft(product=product, departure=departure, partner=partner),
                    review_reason=InvalidParticipants("the mail says 'a few of us'"))
    assert result.order.status == OrderStatus.NEEDS_REVIEW
    departure.refresh_from_db()
    assert departure.held + departure.confirmed == 0


def test_another_departure_of_the_same_product_is_still_bookable_after_a_review(booking):
    product, departure, partner = booking
    other = make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1))
    _review(make_draft(product=product, departure=departure, partner=partner, participants={"ADULT": 11}))
    assert submit(draft=make_draft(product=product, departure=other, partner=partner)).order.status == \
        OrderStatus.CONFIRMED
