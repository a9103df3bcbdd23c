"""PostgreSQL only: a seat change and its hold row in one statement.

A booking is a hold plus a confirm. Written as separate statements that is
BEGIN, the departure UPDATE, the hold INSERT, COMMIT, then BEGIN, read the
hold, UPDATE it, UPDATE the departure, COMMIT: nine round trips, each with
Django's cost around it (bench/README.md). PostgreSQL lets a data-modifying
WITH feed one change into the next, so each step is one statement, atomic on
its own, with the same capacity guard as `seats._seats_take`. SQLite has no
such WITH; there (and whenever these return None) `seats` takes the longer
path, which also handles every refusal: the lazy expiry, sold out, closed.
"""

import uuid
from datetime import datetime

from django.db import connection

from availability.models import Departure, DepartureStatus, Hold, HoldStatus
from availability.prepared_cursor import prepared_cursor

_DEPARTURES = Departure._meta.db_table
_HOLDS = Hold._meta.db_table
# The guard of every seat take: open, and the new seats fit.
SEATS_FIT = "status = %s AND (capacity IS NULL OR capacity >= held + confirmed + %s)"
_TAKE = (  # {field} is held or confirmed; both statements are prepared once per connection
    "WITH taken AS (UPDATE {departures} SET {field} = {field} + %s WHERE id = %s AND {fit} RETURNING id) "
    "INSERT INTO {holds} (id, departure_id, quantity, status, expires_at, reference, test_mode, created_at, "
    "updated_at) SELECT %s::uuid, id, %s::integer, %s::varchar, %s::timestamptz, %s::varchar, false, "
    "%s::timestamptz, %s::timestamptz FROM taken RETURNING id"
)
_CONFIRM = (
    "WITH done AS (UPDATE {holds} SET status = %s::varchar, expires_at = NULL, updated_at = %s::timestamptz "
    "WHERE id = %s::uuid AND status = %s::varchar AND (expires_at IS NULL OR expires_at > %s::timestamptz) "
    "RETURNING departure_id, quantity, reference, test_mode, created_at), "
    "moved AS (UPDATE {departures} AS d SET held = d.held - done.quantity, confirmed = d.confirmed + done.quantity "
    "FROM done WHERE d.id = done.departure_id AND NOT done.test_mode) "
    "SELECT departure_id, quantity, reference, test_mode, created_at FROM done"
)


def available() -> bool:
    return connection.vendor == "postgresql"


def _existing(hold: Hold) -> Hold:
    hold._state.adding = False
    hold._state.db = connection.alias
    return hold


def hold_take(*, departure_id: int, quantity: int, status: str, now: datetime, expires_at: datetime | None,
              reference: str) -> Hold | None:
    """Take seats into held or confirmed and insert their hold row; None when they do not fit (nothing changed)."""
    field = "held" if status == HoldStatus.HELD else "confirmed"
    hold_id = uuid.uuid4()
    with prepared_cursor() as cursor:
        cursor.execute(
            _TAKE.format(departures=_DEPARTURES, holds=_HOLDS, field=field, fit=SEATS_FIT),
            [quantity, departure_id, DepartureStatus.OPEN, quantity,
             hold_id, quantity, status, expires_at, reference, now, now],
        )
        if cursor.fetchone() is None:
            return None
    return _existing(Hold(id=hold_id, departure_id=departure_id, quantity=quantity, status=status,
                          expires_at=expires_at, reference=reference, test_mode=False,
                          created_at=now, updated_at=now))


def hold_confirm(*, hold_id, now: datetime) -> Hold | None:
    """A live hold (held, not expired) becomes confirmed and its seats move; None when it is not live.

    The departure is the one the hold names at that moment (RETURNING), so a
    concurrent move of the hold cannot make us shift another departure's seats.
    """
    try:
        hold_id = hold_id if isinstance(hold_id, uuid.UUID) else uuid.UUID(str(hold_id))
    except ValueError:
        return None  # not an id at all: the longer path says HoldNotFound
    with prepared_cursor() as cursor:
        cursor.execute(
            _CONFIRM.format(holds=_HOLDS, departures=_DEPARTURES),
            [HoldStatus.CONFIRMED, now, hold_id, HoldStatus.HELD, now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    departure_id, quantity, reference, test_mode, created_at = row
    return _existing(Hold(id=hold_id, departure_id=departure_id, quantity=quantity, status=HoldStatus.CONFIRMED,
                          expires_at=None, reference=reference, test_mode=test_mode,
                          created_at=created_at, updated_at=now))
