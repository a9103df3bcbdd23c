import pytest

from intake.errors import IdempotencyConflict
from intake.models import Order, OrderStatus, ReviewItem
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner

pytestmark = pytest.mark.django_db


def test_submit_books_seats_and_prices_in_minor_units():
    product, option, departure = make_bookable(capacity=10)
    partner = make_partner()
    result = submit(draft=make_draft(product=product, departure=departure, partner=partner,
                                     participants={"ADULT": 2, "CHILD": 1}))
    departure.refresh_from_db()
    assert result.created and result.order.status == OrderStatus.CONFIRMED
    assert result.order.total_minor == 2 * 1000 + 500
    assert (departure.held, departure.confirmed) == (0, 3)


def test_repeat_with_same_reference_returns_the_same_order():
    product, option, departure = make_bookable()
    partner = make_partner()
    draft = make_draft(product=product, departure=departure, partner=partner, external_reference="R-1")
    first = submit(draft=draft)
    again = submit(draft=draft)
    assert again.order.pk == first.order.pk and not again.created
    assert Order.objects.count() == 1


def test_conflicting_repeat_is_an_error():
    product, option, departure = make_bookable()
    partner = make_partner()
    submit(draft=make_draft(product=product, departure=departure, partner=partner, external_reference="R-1"))
    with pytest.raises(IdempotencyConflict):
        submit(draft=make_draft(product=product, departure=departure, partner=partner, external_reference="R-1",
                                participants={"ADULT": 3}))


def test_over_capacity_goes_to_review_and_sells_nothing():
    product, option, departure = make_bookable(capacity=2)
    partner = make_partner()
    result = submit(draft=make_draft(product=product, departure=departure, partner=partner, participants={"ADULT": 3}))
    departure.refresh_from_db()
    assert result.order.status == OrderStatus.NEEDS_REVIEW
    assert ReviewItem.objects.get(order=result.order).reason == "over_capacity"
    assert departure.held + departure.confirmed == 0
