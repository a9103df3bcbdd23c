"""The seat services one by one: hold, confirm, release, cancel, extend, change, close."""

import time
from datetime import timedelta

import pytest

from availability.errors import CapacityBelowSold, DepartureClosed, HoldExpired, InvalidHoldState, SoldOut
from availability.models import HoldStatus
from availability.services import (
    departure_capacity_set,
    departure_close,
    departure_hold,
    departure_reopen,
    hold_change,
    hold_confirm,
    hold_extend,
    hold_release,
)
from tests.availability.concurrency import assert_seats_match_holds
from tests.factories import make_bookable, make_departure

pytestmark = pytest.mark.django_db

TTL = timedelta(minutes=15)


def _counts(departure):
    departure.refresh_from_db()
    return departure.held, departure.confirmed


@pytest.fixture
def departure():
    return make_bookable(capacity=10)[2]


@pytest.fixture
def other(departure):
    return make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1))


def test_hold_takes_held_seats(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    assert hold.status == HoldStatus.HELD and hold.expires_at is not None
    assert _counts(departure) == (3, 0)


def test_hold_without_ttl_never_expires(departure):
    assert departure_hold(departure_id=departure.pk, quantity=1, ttl=None).expires_at is None


def test_hold_of_zero_seats_is_refused(departure):
    with pytest.raises(InvalidHoldState):
        departure_hold(departure_id=departure.pk, quantity=0, ttl=TTL)


def test_hold_beyond_vacancies_is_sold_out_and_takes_nothing(departure):
    departure_hold(departure_id=departure.pk, quantity=8, ttl=TTL)
    with pytest.raises(SoldOut) as refused:
        departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    assert refused.value.vacancies == 2
    assert _counts(departure) == (8, 0)


def test_free_sale_departure_takes_any_quantity():
    _, _, departure = make_bookable(capacity=None)
    departure_hold(departure_id=departure.pk, quantity=500, ttl=TTL)
    assert _counts(departure) == (500, 0)


def test_closed_departure_refuses_holds_until_reopened(departure):
    departure_close(departure_id=departure.pk, reason="storm")
    with pytest.raises(DepartureClosed):
        departure_hold(departure_id=departure.pk, quantity=1, ttl=TTL)
    departure_reopen(departure_id=departure.pk)
    departure_hold(departure_id=departure.pk, quantity=1, ttl=TTL)
    assert _counts(departure) == (1, 0)


def test_confirm_moves_held_seats_to_confirmed(departure):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=4, ttl=TTL).pk)
    assert hold.status == HoldStatus.CONFIRMED and hold.expires_at is None
    assert _counts(departure) == (0, 4)


def test_confirming_twice_counts_once(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=4, ttl=TTL)
    hold_confirm(hold_id=hold.pk)
    hold_confirm(hold_id=hold.pk)
    assert _counts(departure) == (0, 4)


def test_confirming_an_expired_hold_fails_and_gives_the_seats_back(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=4, ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    with pytest.raises(HoldExpired):
        hold_confirm(hold_id=hold.pk)
    assert _counts(departure) == (0, 0)


def test_release_gives_held_seats_back_once(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=4, ttl=TTL)
    assert hold_release(hold_id=hold.pk).status == HoldStatus.RELEASED
    hold_release(hold_id=hold.pk)
    assert _counts(departure) == (0, 0)


def test_cancelling_a_confirmed_booking_gives_confirmed_seats_back_once(departure):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=4, ttl=None).pk)
    assert hold_release(hold_id=hold.pk).status == HoldStatus.CANCELLED
    hold_release(hold_id=hold.pk)
    assert _counts(departure) == (0, 0)


def test_extend_pushes_the_expiry(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=1, ttl=timedelta(minutes=1))
    extended = hold_extend(hold_id=hold.pk, ttl=timedelta(hours=1))
    assert extended.expires_at > hold.expires_at + timedelta(minutes=50)


def test_extending_an_expired_hold_fails_and_gives_the_seats_back(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=2, ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    with pytest.raises(HoldExpired):
        hold_extend(hold_id=hold.pk, ttl=TTL)
    assert _counts(departure) == (0, 0)


def test_change_moves_a_held_booking_to_another_departure(departure, other):
    hold = departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    moved = hold_change(hold_id=hold.pk, departure_id=other.pk, quantity=3)
    assert moved.departure_id == other.pk
    assert _counts(departure) == (0, 0) and _counts(other) == (3, 0)


def test_change_moves_a_confirmed_booking_as_confirmed_seats(departure, other):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=3, ttl=None).pk)
    hold_change(hold_id=hold.pk, departure_id=other.pk, quantity=5)
    assert _counts(departure) == (0, 0) and _counts(other) == (0, 5)
    assert_seats_match_holds(departure_id=other.pk, sold_seats=5)


def test_change_grows_a_booking_when_seats_are_free(departure):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=3, ttl=None).pk)
    hold_change(hold_id=hold.pk, departure_id=departure.pk, quantity=7)
    assert _counts(departure) == (0, 7)


def test_change_shrinks_a_booking_and_frees_seats(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=6, ttl=TTL)
    hold_change(hold_id=hold.pk, departure_id=departure.pk, quantity=2)
    assert _counts(departure) == (2, 0)
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=2)


def test_refused_growth_leaves_the_booking_untouched(departure):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=6, ttl=None).pk)
    departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    with pytest.raises(SoldOut):
        hold_change(hold_id=hold.pk, departure_id=departure.pk, quantity=8)
    hold.refresh_from_db()
    assert hold.quantity == 6 and _counts(departure) == (3, 6)


def test_refused_move_to_a_full_departure_leaves_the_booking_untouched(departure, other):
    hold = hold_confirm(hold_id=departure_hold(departure_id=departure.pk, quantity=3, ttl=None).pk)
    departure_hold(departure_id=other.pk, quantity=9, ttl=TTL)
    with pytest.raises(SoldOut):
        hold_change(hold_id=hold.pk, departure_id=other.pk, quantity=3)
    hold.refresh_from_db()
    assert hold.departure_id == departure.pk and hold.quantity == 3
    assert _counts(departure) == (0, 3) and _counts(other) == (9, 0)


def test_refused_move_to_a_closed_departure_leaves_the_booking_untouched(departure, other):
    hold = departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    departure_close(departure_id=other.pk, reason="engine")
    with pytest.raises(DepartureClosed):
        hold_change(hold_id=hold.pk, departure_id=other.pk, quantity=3)
    assert _counts(departure) == (3, 0) and _counts(other) == (0, 0)


def test_a_released_hold_cannot_be_changed(departure, other):
    hold = departure_hold(departure_id=departure.pk, quantity=3, ttl=TTL)
    hold_release(hold_id=hold.pk)
    with pytest.raises(InvalidHoldState):
        hold_change(hold_id=hold.pk, departure_id=other.pk, quantity=3)
    assert _counts(other) == (0, 0)


def test_test_mode_holds_take_no_seats_through_their_whole_life(departure):
    hold = departure_hold(departure_id=departure.pk, quantity=5, ttl=TTL, test_mode=True)
    assert _counts(departure) == (0, 0)
    hold_confirm(hold_id=hold.pk)
    assert _counts(departure) == (0, 0)
    hold_release(hold_id=hold.pk)
    assert _counts(departure) == (0, 0)


def test_test_mode_hold_is_still_refused_when_the_seats_are_not_there(departure):
    departure_hold(departure_id=departure.pk, quantity=9, ttl=TTL)
    with pytest.raises(SoldOut):
        departure_hold(departure_id=departure.pk, quantity=2, ttl=TTL, test_mode=True)


def test_capacity_can_shrink_down_to_the_seats_taken(departure):
    departure_hold(departure_id=departure.pk, quantity=4, ttl=TTL)
    assert departure_capacity_set(departure_id=departure.pk, capacity=4).capacity == 4
    with pytest.raises(SoldOut):
        departure_hold(departure_id=departure.pk, quantity=1, ttl=TTL)


def test_capacity_below_the_seats_taken_is_refused_and_unchanged(departure):
    departure_hold(departure_id=departure.pk, quantity=6, ttl=TTL)
    with pytest.raises(CapacityBelowSold) as refused:
        departure_capacity_set(departure_id=departure.pk, capacity=5)
    departure.refresh_from_db()
    assert departure.capacity == 10 and refused.value.details["taken"] == 6


def test_capacity_none_makes_a_departure_free_sale(departure):
    departure_capacity_set(departure_id=departure.pk, capacity=None)
    departure_hold(departure_id=departure.pk, quantity=50, ttl=TTL)
    assert _counts(departure) == (50, 0)
