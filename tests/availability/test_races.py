"""32 clients racing for the last seats, on PostgreSQL and on SQLite.

Every test ends with assert_seats_match_holds(): what the clients were sold
equals what the departure counts, equals the live holds, never beyond
capacity, never negative. The canary at the bottom shows that check fails
when the guarded seat take is replaced by a read-then-write.
"""

import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.db.models import F
from django.utils import timezone

from availability.errors import SoldOut
from availability.models import Departure, Hold, HoldStatus
from availability.services import (
    departure_hold,
    departure_holds_expire,
    hold_change,
    hold_confirm,
    hold_release,
    seats,
    seats_combined,
)
from intake.models import OrderStatus
from intake.services import orders_expire_holds, submit
from tests.availability.concurrency import assert_seats_match_holds, live_hold_seats, run_in_parallel
from tests.factories import make_bookable, make_departure, make_draft, make_partner, make_product, make_schedule

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 32


def pytest_generate_tests(metafunc):
    """On PostgreSQL every race runs twice: with the one-statement hold and confirm, and with the
    separate statements (the only ones on SQLite, and the fallback on PostgreSQL)."""
    if "seat_statements" in metafunc.fixturenames:
        both = connection.vendor == "postgresql" and not metafunc.definition.get_closest_marker("separate_statements")
        metafunc.parametrize("seat_statements", ["combined", "separate"] if both else ["separate"], indirect=True)


@pytest.fixture(autouse=True)
def seat_statements(request, monkeypatch):
    if request.param == "separate":
        monkeypatch.setattr(seats_combined, "available", lambda: False)
    return request.param


def _fill(departure_id: int, seats_taken: int) -> None:
    hold_confirm(hold_id=departure_hold(departure_id=departure_id, quantity=seats_taken, ttl=None).pk)


def _hold_one(departure_id: int):
    return lambda i: departure_hold(departure_id=departure_id, quantity=1, ttl=timedelta(minutes=15), reference=f"c{i}")


def test_last_8_seats_go_to_exactly_8_of_32_clients():
    _, _, departure = make_bookable(capacity=40)
    _fill(departure.pk, 32)
    results = run_in_parallel(CLIENTS, _hold_one(departure.pk))
    won = [r for r in results if isinstance(r, Hold)]
    assert len(won) == 8
    assert all(isinstance(r, SoldOut) for r in results if not isinstance(r, Hold))
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=8, sold_before=32)


def test_mixed_party_sizes_never_oversell_and_leave_no_seat_a_refused_party_could_take():
    _, _, departure = make_bookable(capacity=25)
    sizes = [1 + i % 3 for i in range(CLIENTS)]
    results = run_in_parallel(
        CLIENTS, lambda i: departure_hold(departure_id=departure.pk, quantity=sizes[i], ttl=timedelta(minutes=5))
    )
    sold = sum(r.quantity for r in results if isinstance(r, Hold))
    refused = [sizes[i] for i, r in enumerate(results) if isinstance(r, SoldOut)]
    assert len(refused) + sum(isinstance(r, Hold) for r in results) == CLIENTS
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=sold)
    departure.refresh_from_db()
    assert departure.vacancies < min(refused)  # seats only shrink during the race: every refusal was right


def test_32_orders_through_the_one_door_sell_exactly_capacity():
    product, _, departure = make_bookable(capacity=10)
    partner = make_partner()
    drafts = [make_draft(product=product, departure=departure, partner=partner, external_reference=f"R-{i}")
              for i in range(CLIENTS)]
    results = run_in_parallel(CLIENTS, lambda i: submit(draft=drafts[i]))
    assert not [r for r in results if isinstance(r, BaseException)]
    statuses = [r.order.status for r in results]
    assert statuses.count(OrderStatus.CONFIRMED) == 10
    assert statuses.count(OrderStatus.NEEDS_REVIEW) == CLIENTS - 10
    assert {r.problem.code for r in results if r.problem} == {"over_capacity"}
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=10)


def test_departure_shared_by_two_products_sells_its_capacity_once():
    boat_tour, lunch_cruise = make_product(), make_product()
    schedule = make_schedule(options=[boat_tour.options.get(), lunch_cruise.options.get()], capacity=12)
    departure = make_departure(schedule=schedule)
    partner = make_partner()
    drafts = [make_draft(product=(boat_tour, lunch_cruise)[i % 2], departure=departure, partner=partner,
                         external_reference=f"S-{i}") for i in range(CLIENTS)]
    results = run_in_parallel(CLIENTS, lambda i: submit(draft=drafts[i]))
    confirmed = [r.order for r in results if r.order.status == OrderStatus.CONFIRMED]
    assert len(confirmed) == 12
    assert {o.product_id for o in confirmed} == {boat_tour.pk, lunch_cruise.pk}  # both sold from one boat
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=12)


def test_concurrent_confirms_and_releases_keep_counts_equal_to_live_holds():
    _, _, departure = make_bookable(capacity=100)
    holds = [departure_hold(departure_id=departure.pk, quantity=2, ttl=timedelta(minutes=5)) for _ in range(CLIENTS)]

    def settle(i):
        if i % 2:
            return hold_confirm(hold_id=holds[i].pk)
        return hold_release(hold_id=holds[i].pk)

    run_in_parallel(CLIENTS, settle)
    departure.refresh_from_db()
    assert (departure.held, departure.confirmed) == (0, CLIENTS)
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=CLIENTS)


def _expire_all_holds_of(departure_id: int, quantity: int) -> None:
    departure_hold(departure_id=departure_id, quantity=quantity, ttl=timedelta(milliseconds=1))
    time.sleep(0.01)


def test_a_new_hold_succeeds_on_a_departure_full_of_expired_holds():
    _, _, departure = make_bookable(capacity=4)
    for _ in range(4):
        _expire_all_holds_of(departure.pk, 1)
    hold = departure_hold(departure_id=departure.pk, quantity=4, ttl=timedelta(minutes=5))
    assert hold.status == HoldStatus.HELD
    assert Hold.objects.filter(departure=departure, status=HoldStatus.EXPIRED).count() == 4
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=4)


def test_32_clients_racing_for_seats_of_expired_holds_get_each_seat_once():
    _, _, departure = make_bookable(capacity=10)
    _expire_all_holds_of(departure.pk, 10)  # the boat looks full, but only until the hold is seen as expired
    results = run_in_parallel(CLIENTS, _hold_one(departure.pk))
    assert sum(isinstance(r, Hold) for r in results) == 10
    assert Hold.objects.get(departure=departure, quantity=10).status == HoldStatus.EXPIRED
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=10)


def test_the_sweep_gives_back_seats_of_expired_holds():
    _, _, departure = make_bookable(capacity=10)
    departure_hold(departure_id=departure.pk, quantity=6, ttl=timedelta(minutes=1))
    kept = departure_hold(departure_id=departure.pk, quantity=3, ttl=timedelta(minutes=30))
    assert departure_holds_expire(now=timezone.now() + timedelta(minutes=2)) == 1
    departure.refresh_from_db()
    assert departure.held == kept.quantity
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=3)


def test_concurrent_sweeps_give_each_expired_hold_back_once():
    _, _, departure = make_bookable(capacity=40)
    for _ in range(20):
        departure_hold(departure_id=departure.pk, quantity=2, ttl=timedelta(minutes=1))
    later = timezone.now() + timedelta(minutes=2)
    counts = run_in_parallel(8, lambda i: departure_holds_expire(departure_id=departure.pk, now=later))
    assert sum(counts) == 20
    departure.refresh_from_db()
    assert departure.held == 0
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=0)


def test_order_hold_expiry_returns_the_seats_and_marks_the_order_expired():
    product, _, departure = make_bookable(capacity=5)
    draft = make_draft(product=product, departure=departure, partner=make_partner(), participants={"ADULT": 5})
    order = submit(draft=draft, hold_ttl=timedelta(milliseconds=1)).order
    time.sleep(0.01)
    assert orders_expire_holds() == 1
    order.refresh_from_db()
    departure.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED and departure.held == 0
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=0)


def test_amendments_and_new_bookings_racing_for_one_departure_share_its_last_seats():
    _, _, departure = make_bookable(capacity=40)
    _fill(departure.pk, 35)
    elsewhere = make_departure(schedule=departure.schedule, starts_at=departure.starts_at + timedelta(days=1))
    movers = [departure_hold(departure_id=elsewhere.pk, quantity=1, ttl=None) for _ in range(CLIENTS // 2)]

    def book_or_move(i):
        if i % 2:
            return hold_change(hold_id=movers[i // 2].pk, departure_id=departure.pk, quantity=1)
        return departure_hold(departure_id=departure.pk, quantity=1, ttl=timedelta(minutes=5))

    results = run_in_parallel(CLIENTS, book_or_move)
    assert sum(isinstance(r, Hold) for r in results) == 5
    assert all(isinstance(r, SoldOut) for r in results if not isinstance(r, Hold))
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=5, sold_before=35)
    moved = sum(isinstance(r, Hold) for r in results[1::2])
    assert_seats_match_holds(departure_id=elsewhere.pk, sold_seats=CLIENTS // 2 - moved)  # refused moves stayed


def test_releases_racing_the_sweep_give_each_expired_hold_back_once():
    _, _, departure = make_bookable(capacity=40)
    holds = [departure_hold(departure_id=departure.pk, quantity=2, ttl=timedelta(minutes=1)) for _ in range(16)]
    later = timezone.now() + timedelta(minutes=2)

    def release_or_sweep(i):
        if i % 2:
            return departure_holds_expire(departure_id=departure.pk, now=later)
        return hold_release(hold_id=holds[i // 2].pk)

    run_in_parallel(CLIENTS, release_or_sweep)
    departure.refresh_from_db()
    assert departure.held == 0
    assert Hold.objects.filter(departure=departure, status=HoldStatus.HELD).count() == 0
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=0)


def test_without_the_guard_the_check_constraint_still_refuses_overselling(seat_statements, monkeypatch):
    """Defence in depth: an unconditional `held = held + n` hits seats_within_capacity, never oversells.

    It also shows the guard is what the race tests rest on: without it the losers get an
    IntegrityError instead of SoldOut, which test_last_8_seats_go_to_exactly_8_of_32_clients refuses.
    """

    def unguarded_take(*, departure_id: int, quantity: int, field: str = "held") -> bool:
        return Departure.objects.filter(pk=departure_id).update(**{field: F(field) + quantity}) == 1

    if seat_statements == "combined":
        monkeypatch.setattr(seats_combined, "SEATS_FIT", "status = %s AND %s > 0")
    else:
        monkeypatch.setattr(seats, "_seats_take", unguarded_take)
    _, _, departure = make_bookable(capacity=10)
    results = run_in_parallel(CLIENTS, _hold_one(departure.pk))
    assert sum(isinstance(r, Hold) for r in results) == 10
    assert all(isinstance(r, IntegrityError) for r in results if not isinstance(r, Hold))
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=10)


@pytest.mark.postgres_only
@pytest.mark.separate_statements  # it swaps a step of the separate statements; the combined take cannot read-then-write
def test_canary_the_race_check_catches_a_read_then_write_seat_take(monkeypatch):
    """Swap the conditional UPDATE for a read-then-write: the race check must fail.

    The naive take reads the counts into Python, checks capacity there, waits a
    moment (so every client reads the same counts) and writes `held = read + n`.
    Each write fits the capacity, so the CHECK constraint is satisfied, but the
    writes overwrite each other: more clients get a hold than the counts show.
    PostgreSQL only: SQLite's BEGIN IMMEDIATE runs one writing transaction at a
    time, so there even this naive code cannot interleave (see docs/seats.md).
    """
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writing transactions; a read-then-write cannot interleave there")

    def read_then_write_take(*, departure_id: int, quantity: int, field: str = "held") -> bool:
        departure = Departure.objects.get(pk=departure_id)
        if departure.capacity is not None and departure.held + departure.confirmed + quantity > departure.capacity:
            return False
        time.sleep(0.2)
        Departure.objects.filter(pk=departure_id).update(**{field: getattr(departure, field) + quantity})
        return True

    monkeypatch.setattr(seats, "_seats_take", read_then_write_take)
    _, _, departure = make_bookable(capacity=40)
    _fill(departure.pk, 32)
    results = run_in_parallel(CLIENTS, _hold_one(departure.pk))
    sold = sum(isinstance(r, Hold) for r in results)
    assert sold > 8  # the naive take sold seats it did not have
    with pytest.raises(AssertionError):
        assert_seats_match_holds(departure_id=departure.pk, sold_seats=sold, sold_before=32)
    assert live_hold_seats(departure.pk) > departure.capacity
