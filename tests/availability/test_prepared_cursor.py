"""The preparing cursor of the hot statements (availability/prepared_cursor.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection

from availability.prepared_cursor import UNIX_EPOCH_SHIFT, prepared_cursor

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="epoch_times reads PostgreSQL's binary timestamps")
@pytest.mark.django_db
@pytest.mark.parametrize("moment", [
    datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC),  # a microsecond before Prague's spring change
    datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=UTC),  # before PostgreSQL's own epoch (a negative count)
    datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),  # before the Unix epoch
    datetime(2099, 6, 1, 12, 0, tzinfo=UTC),
])
def test_epoch_times_are_the_instants_microseconds_since_1970(moment):
    with prepared_cursor(epoch_times=True) as cursor:
        cursor.execute(f"SELECT %s::timestamptz + {UNIX_EPOCH_SHIFT}, %s::timestamptz + interval '1 hour' + "
                       f"{UNIX_EPOCH_SHIFT}, %s::timestamptz", [moment, moment, moment])
        start, later, unshifted = cursor.fetchone()
    assert start == (moment - EPOCH) // timedelta(microseconds=1)
    assert later - start == 3_600_000_000
    assert unshifted == (moment - datetime(2000, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)  # PostgreSQL's count


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite has plain cursors")
@pytest.mark.django_db(transaction=True)  # closes the connection
def test_each_kind_of_cursor_is_kept_for_the_connection_and_keeps_its_own_row_format():
    moment = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    kept = {}
    for binary, epoch_times in ((True, False), (False, False), (True, True)):
        for _ in range(2):
            with prepared_cursor(binary=binary, epoch_times=epoch_times) as cursor:
                cursor.execute("SELECT %s::timestamptz", [moment])
                value = cursor.fetchone()[0]
                kept.setdefault((binary, epoch_times), []).append(cursor.cursor)
        expected = (moment - datetime(2000, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) if epoch_times else moment
        assert value == expected
    for first, second in kept.values():
        assert first is second and not first.closed  # reused, and left open by the wrapper's close
    assert len({id(pair[0]) for pair in kept.values()}) == 3
    connection.close()  # a new connection gets new cursors
    with prepared_cursor(epoch_times=True) as cursor:
        assert cursor.cursor is not kept[(True, True)][0]
