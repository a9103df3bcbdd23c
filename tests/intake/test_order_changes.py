"""Changing an existing order: confirm, extend, amend (date, party, option), cancel with its cut-off."""

import time
from datetime import timedelta

import pytest

from intake.drafts import OrderChanges
from intake.errors import AfterCancellationCutoff, InvalidOrderState, NoSuchDeparture, OverCapacity
from intake.models import OrderStatus, ReviewItem
from intake.services import order_amend, order_cancel, order_confirm, order_extend_hold, submit
from tests.availability.concurrency import assert_seats_match_holds
from tests.factories import PRAGUE, make_bookable, make_departure, make_draft, make_partner, make_product, make_schedule

pytestmark = pytest.mark.django_db

ACTOR = "user:dispatcher"


def _counts(departure):
    departure.refresh_from_db()
    return departure.held, departure.confirmed


def _book(*, capacity=10, participants=None, hold_ttl=None, **product_fields):
    product, option, departure = make_bookable(capacity=capacity, **product_fields)
    draft = make_draft(product=product, departure=departure, partner=make_partner(),
                       participants=participants or {"ADULT": 2})
    return submit(draft=draft, hold_ttl=hold_ttl).order, departure


def _next_day(departure, capacity=None):
    return make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1),
                          capacity=capacity)


def test_confirming_a_held_order_turns_its_seats_into_confirmed_ones():
    order, departure = _book(hold_ttl=timedelta(minutes=30))
    assert _counts(departure) == (2, 0)
    order = order_confirm(order_id=order.pk, actor=ACTOR)
    assert order.status == OrderStatus.CONFIRMED and order.confirmed_at is not None
    assert _counts(departure) == (0, 2)


def test_confirming_twice_is_harmless():
    order, departure = _book(hold_ttl=timedelta(minutes=30))
    order_confirm(order_id=order.pk, actor=ACTOR)
    order_confirm(order_id=order.pk, actor=ACTOR)
    assert _counts(departure) == (0, 2)


def test_confirming_an_expired_hold_is_refused_and_the_order_expires():
    order, departure = _book(hold_ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    with pytest.raises(InvalidOrderState) as refused:
        order_confirm(order_id=order.pk, actor=ACTOR)
    assert refused.value.details["status"] == "expired"
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert _counts(departure) == (0, 0)


def test_extending_a_hold_moves_its_expiry():
    order, _ = _book(hold_ttl=timedelta(minutes=5))
    extended = order_extend_hold(order_id=order.pk, ttl=timedelta(hours=2), actor=ACTOR)
    assert extended.hold_expires_at > order.hold_expires_at + timedelta(minutes=100)
    extended.hold.refresh_from_db()
    assert extended.hold.expires_at == extended.hold_expires_at


def test_amending_the_date_moves_the_seats():
    order, departure = _book()
    later = _next_day(departure)
    order = order_amend(order_id=order.pk, changes=OrderChanges(start=later.starts_at.astimezone(PRAGUE)), actor=ACTOR)
    assert order.departure_id == later.pk and order.starts_at == later.starts_at
    assert _counts(departure) == (0, 0) and _counts(later) == (0, 2)


def test_amending_the_party_reprices_and_resizes_the_booking():
    order, departure = _book()
    order = order_amend(order_id=order.pk, changes=OrderChanges(participants={"ADULT": 3, "CHILD": 2}), actor=ACTOR)
    assert order.total_minor == 3 * 1000 + 2 * 500
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 3, "CHILD": 2}
    assert _counts(departure) == (0, 5)
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=5)


def test_amending_the_option_moves_to_that_options_departure():
    product = make_product(options=("EN", "DE"))
    english, german = product.options.get(code="EN"), product.options.get(code="DE")
    en_departure = make_departure(schedule=make_schedule(options=[english], capacity=10))
    de_departure = make_departure(schedule=make_schedule(options=[german], capacity=10), starts_at=en_departure.starts_at)
    order = submit(draft=make_draft(product=product, departure=en_departure, partner=make_partner(),
                                    option_code="EN")).order
    order = order_amend(order_id=order.pk, changes=OrderChanges(option_code="DE"), actor=ACTOR)
    assert (order.option_id, order.departure_id) == (german.pk, de_departure.pk)
    assert _counts(en_departure) == (0, 0) and _counts(de_departure) == (0, 1)


def test_amending_to_a_full_departure_is_refused_and_changes_nothing():
    order, departure = _book()
    full = _next_day(departure, capacity=1)
    with pytest.raises(OverCapacity):
        order_amend(order_id=order.pk, changes=OrderChanges(start=full.starts_at), actor=ACTOR)
    order.refresh_from_db()
    assert order.departure_id == departure.pk
    assert _counts(departure) == (0, 2) and _counts(full) == (0, 0)


def test_amending_to_a_time_without_departure_is_refused():
    order, departure = _book()
    with pytest.raises(NoSuchDeparture):
        order_amend(order_id=order.pk, changes=OrderChanges(start=departure.starts_at + timedelta(minutes=30)),
                    actor=ACTOR)
    assert _counts(departure) == (0, 2)


def test_amending_a_cancelled_order_is_refused():
    order, _ = _book()
    order_cancel(order_id=order.pk, actor=ACTOR)
    with pytest.raises(InvalidOrderState):
        order_amend(order_id=order.pk, changes=OrderChanges(notes="late"), actor=ACTOR)


def test_amending_an_expired_hold_is_refused_and_the_order_expires():
    order, departure = _book(hold_ttl=timedelta(milliseconds=1))
    time.sleep(0.01)
    with pytest.raises(InvalidOrderState):
        order_amend(order_id=order.pk, changes=OrderChanges(notes="still coming"), actor=ACTOR)
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED and _counts(departure) == (0, 0)


def test_cancelling_before_the_cutoff_gives_the_seats_back():
    order, departure = _book(cancellation_cutoff_minutes=24 * 60)
    order = order_cancel(order_id=order.pk, actor=ACTOR, reason="changed plans")
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "changed plans"
    assert _counts(departure) == (0, 0)


def test_cancelling_after_the_cutoff_is_refused():
    order, departure = _book(cancellation_cutoff_minutes=8 * 24 * 60)  # the departure is a week ahead
    with pytest.raises(AfterCancellationCutoff):
        order_cancel(order_id=order.pk, actor=ACTOR)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and _counts(departure) == (0, 2)


def test_a_dispatcher_may_cancel_after_the_cutoff():
    order, departure = _book(cancellation_cutoff_minutes=8 * 24 * 60)
    order_cancel(order_id=order.pk, actor=ACTOR, enforce_cutoff=False)
    assert _counts(departure) == (0, 0)


def test_a_held_order_can_be_cancelled_after_the_cutoff():
    order, departure = _book(cancellation_cutoff_minutes=8 * 24 * 60, hold_ttl=timedelta(minutes=30))
    assert order_cancel(order_id=order.pk, actor=ACTOR).status == OrderStatus.CANCELLED
    assert _counts(departure) == (0, 0)


def test_cancelling_twice_gives_the_seats_back_once():
    order, departure = _book()
    other_order = submit(draft=make_draft(product=order.product, departure=departure, partner=order.partner,
                                          participants={"ADULT": 3})).order
    order_cancel(order_id=order.pk, actor=ACTOR)
    order_cancel(order_id=order.pk, actor=ACTOR)
    assert _counts(departure) == (0, 3)
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=other_order.hold.quantity)


def test_cancelling_an_order_in_review_resolves_its_review_items():
    product, _, departure = make_bookable(capacity=1)
    order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner(),
                                    participants={"ADULT": 2})).order
    order_cancel(order_id=order.pk, actor=ACTOR)
    assert ReviewItem.objects.get(order=order).status == ReviewItem.Status.RESOLVED
