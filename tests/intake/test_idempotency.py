"""The same order sent five times at once is one order, on PostgreSQL and SQLite."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection

from intake.models import Order
from intake.services import orders as order_services
from intake.services import submit
from tests.availability.concurrency import assert_seats_match_holds, run_in_parallel
from tests.factories import make_bookable, make_draft, make_partner

pytestmark = pytest.mark.django_db(transaction=True)

REPEATS = 5


def assert_one_order(results, *, external_reference: str) -> Order:
    """Every repeat got an answer, all answers name one order, and only one order exists."""
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"repeats failed: {failures!r}"
    assert len({r.order.pk for r in results}) == 1, "repeats were answered with different orders"
    assert Order.objects.filter(external_reference=external_reference).count() == 1
    assert sum(r.created for r in results) == 1
    return results[0].order


def _booking(capacity: int = 10):
    product, _, departure = make_bookable(capacity=capacity)
    draft = make_draft(product=product, departure=departure, partner=make_partner(), external_reference="OTA-777",
                       participants={"ADULT": 2})
    return departure, draft


def test_five_concurrent_repeats_make_one_order_and_take_seats_once():
    departure, draft = _booking()
    results = run_in_parallel(REPEATS, lambda i: submit(draft=draft))
    assert_one_order(results, external_reference="OTA-777")
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=2)


@pytest.fixture
def no_precheck(monkeypatch):
    """Skip the look-up before the transaction once per thread, so every repeat reaches the INSERT."""
    real = order_services._find_existing
    seen = threading.local()

    def find_after_first_call(draft):
        if not getattr(seen, "called", False):
            seen.called = True
            return None
        return real(draft)

    monkeypatch.setattr(order_services, "_find_existing", find_after_first_call)


def test_the_unique_constraint_alone_keeps_one_order(no_precheck):
    departure, draft = _booking()
    results = run_in_parallel(REPEATS, lambda i: submit(draft=draft))
    assert_one_order(results, external_reference="OTA-777")
    assert_seats_match_holds(departure_id=departure.pk, sold_seats=2)  # the losers' seats rolled back


@contextmanager
def _without_external_reference_constraints():
    constraints = [c for c in Order._meta.constraints if "external_reference" in c.fields]
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.remove_constraint(Order, constraint)
    try:
        yield
    finally:
        Order.objects.all().delete()  # duplicates would block re-creating the unique index
        with connection.schema_editor() as editor:
            for constraint in constraints:
                editor.add_constraint(Order, constraint)


def test_canary_without_the_unique_constraint_the_check_sees_duplicate_orders(no_precheck):
    """The guard against duplicate orders is the database's unique constraint, not the Python look-up.

    With the look-up skipped (as in a race, where every repeat finds nothing
    yet) and the constraint dropped, five repeats make five orders, and
    assert_one_order() reports it. So the idempotency test above would fail if
    the constraint were ever lost from a migration.
    """
    departure, draft = _booking()
    with _without_external_reference_constraints():
        results = run_in_parallel(REPEATS, lambda i: submit(draft=draft))
        assert Order.objects.filter(external_reference="OTA-777").count() == REPEATS
        with pytest.raises(AssertionError):
            assert_one_order(results, external_reference="OTA-777")
