"""A cursor whose statements PostgreSQL prepares once per connection.

Used by the hottest statements only (the availability search, the one-statement
hold and confirm, intake's compiled rows): for them planning cost more than
running. One such cursor per connection and row format is kept and reused
(making a psycopg cursor and its adapters for every statement was a tenth of
a booking's CPU); closing it through Django's wrapper leaves it open. Django turns
psycopg's statement preparation off for the connection (prepare_threshold
None, for the sake of poolers); this cursor turns it on only while it runs its
own statement, so no other query changes behaviour. It is still wrapped by
Django (query logging, transactions). A pooler in front of PostgreSQL must
support prepared statements (pgbouncer >= 1.21 does). Parameters are bound on
the server, so SQL that leaves a parameter's type open must cast it; results
come back in binary, which spares both sides the text conversion of ~140 rows.
"""

from django.db import connection

_PreparedCursor = None


def prepared_cursor(db=None, *, binary: bool = True, epoch_times: bool = False):
    """A cursor of `db` (default: the default connection): Django's own on other
    databases and under psycopg 2; on PostgreSQL with psycopg 3 a preparing one.
    binary=False asks for rows in text, as Django's own cursors get them (for
    values that go through the ORM's converters, such as JSON). epoch_times=True
    (with binary rows) reads timestamptz columns as PostgreSQL's own 8-byte
    count of microseconds since 2000-01-01 UTC, an int, instead of a datetime;
    select `column + UNIX_EPOCH_SHIFT` for microseconds since 1970. Neither side
    then converts anything (EXTRACT(EPOCH ...) on the server cost more)."""
    db = db or connection
    cursor_class = _cursor_class() if db.vendor == "postgresql" else None
    if cursor_class is None:
        return db.cursor()
    db.ensure_connection()
    kept = getattr(db, "_kept_prepared_cursors", None)
    if kept is None or kept[0] is not db.connection:  # a new connection gets new cursors
        kept = db._kept_prepared_cursors = (db.connection, {})
    cursor = kept[1].get((binary, epoch_times))
    if cursor is None or cursor.closed:
        cursor = kept[1][(binary, epoch_times)] = cursor_class(db.connection)
        cursor.binary_rows = binary
        cursor.epoch_times = epoch_times
        if epoch_times:
            cursor.adapters.register_loader("timestamptz", _epoch_loader())
    return db._prepare_cursor(cursor)


def _cursor_class():
    """psycopg 3's cursor that prepares its statements, or None under psycopg 2."""
    global _PreparedCursor
    if _PreparedCursor is None:
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        if not is_psycopg3:
            return None
        import psycopg

        class PreparedCursor(psycopg.Cursor):
            binary_rows = True
            epoch_times = False

            def close(self):
                pass  # kept for the connection's next statement; it goes with the connection


            def execute(self, query, params=None, *, prepare=True, binary=None):
                binary = self.binary_rows if binary is None else binary
                conn = self.connection
                saved = conn.prepare_threshold
                if saved is None:
                    conn.prepare_threshold = 1_000_000  # only explicit prepare=True prepares
                try:
                    return super().execute(query, params, prepare=prepare, binary=binary)
                finally:
                    conn.prepare_threshold = saved

        _PreparedCursor = PreparedCursor
    return _PreparedCursor


# PostgreSQL stores a timestamptz as microseconds since 2000-01-01 UTC. Selecting
# `column + UNIX_EPOCH_SHIFT` (exactly 10,957 days, in hours so that no calendar or
# daylight-saving arithmetic applies) makes that count the microseconds since 1970.
UNIX_EPOCH_SHIFT = "interval '262968 hours'"


def _epoch_loader():
    """psycopg's own (compiled) binary int8 loader: reads a binary timestamptz as its raw 8-byte count."""
    import psycopg
    from psycopg.pq import Format

    return psycopg.adapters.get_loader(psycopg.adapters.types["int8"].oid, Format.BINARY)
