"""Running clients in parallel threads, and the check that seat counts stayed honest.

Each thread gets its own database connection (Django connections are
per-thread) and closes it when done, so PostgreSQL sees real concurrent
sessions and SQLite real concurrent writers on its file.
"""

import threading
from collections.abc import Callable

from django.db import connection
from django.db.models import Sum

from availability.models import Departure, Hold, HoldStatus

LIVE = (HoldStatus.HELD, HoldStatus.CONFIRMED)


def run_in_parallel(clients: int, work: Callable[[int], object], *, timeout: float = 120) -> list:
    """Start `clients` threads together (a barrier) running work(i); return each result or exception."""
    barrier = threading.Barrier(clients)
    results: list = [None] * clients

    def client(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    return results


def live_hold_seats(departure_id: int) -> int:
    return (
        Hold.objects.filter(departure_id=departure_id, status__in=LIVE, test_mode=False).aggregate(n=Sum("quantity"))["n"]
        or 0
    )


def assert_seats_match_holds(*, departure_id: int, sold_seats: int, sold_before: int = 0) -> None:
    """The overbooking check every race test ends with.

    `sold_seats` is what the clients were told they got. It must equal what
    the departure counts gained, the counts must equal the live holds, and
    nothing may be negative or beyond capacity.
    """
    departure = Departure.objects.get(pk=departure_id)
    holds = live_hold_seats(departure_id)
    assert departure.held >= 0 and departure.confirmed >= 0, f"negative counts {departure.held}/{departure.confirmed}"
    assert departure.held + departure.confirmed == holds, (
        f"counts say {departure.held + departure.confirmed} seats taken, live holds say {holds}"
    )
    assert departure.capacity is None or holds <= departure.capacity, f"{holds} seats sold of {departure.capacity}"
    assert holds - sold_before == sold_seats, f"clients were sold {sold_seats} seats, holds grew by {holds - sold_before}"
