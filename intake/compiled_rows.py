"""Rows of the booking path's models read and written with SQL built once per process.

An OTA's reserve and confirm run about fifteen ORM statements each. On a
2-core host the ORM spent 1-3 ms of CPU building each one (compiling the
query, quoting every column), five to ten times what executing it cost. For
the hot statements the text is built here once, from the models' own field
list, and run as a prepared statement; rows come back as ordinary model
instances, through the same field conversions the ORM applies
(get_db_prep_save on the way in, the backend's and the field's converters on
the way out). Nothing else changes: the same tables, transactions and
constraints, and the same instances as the ORM returns. Model signals are not
sent (the ORM's bulk_create sends none either; no receiver is registered for
these models). Everything else, and every model not used here, goes through
the ORM as usual.
"""

from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from availability.prepared_cursor import prepared_cursor


def _db():
    return connections[DEFAULT_DB_ALIAS]


def quoted(name: str) -> str:
    return _db().ops.quote_name(name)


class Columns:
    """A model's concrete columns: the SELECT list and a row (slice) back into an instance."""

    def __init__(self, model: type[Model]):
        db = _db()
        meta = model._meta
        self.model = model
        self.table = quoted(meta.db_table)
        self.fields = list(meta.concrete_fields)
        self.count = len(self.fields)
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(meta.pk)
        # The converters the ORM's compiler applies to each column (JSON decoding, SQLite's dates and booleans).
        self.converters = []
        for index, field in enumerate(self.fields):
            column = field.get_col(meta.db_table)
            found = db.ops.get_db_converters(column) + column.get_db_converters(db)  # as the compiler orders them
            if found:
                self.converters.append((index, column, found))
        self.writable = [f for f in self.fields if not f.primary_key or not f.db_returning]

    def select(self, alias: str) -> str:
        return ", ".join(f"{alias}.{quoted(f.column)}" for f in self.fields)

    def build(self, row, start: int = 0):
        """The instance in row[start:start + count], or None when a LEFT JOIN found no row."""
        values = list(row[start:start + self.count])
        if values[self.pk_index] is None:
            return None
        db = _db()
        for index, column, converters in self.converters:
            value = values[index]
            for convert in converters:
                value = convert(value, column, db)
            values[index] = value
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


@lru_cache(maxsize=None)
def columns(model: type[Model]) -> Columns:
    return Columns(model)


def fetch(sql: str, params) -> list[tuple]:
    """Rows of a prepared statement (text format: the converters expect what the ORM gets)."""
    with prepared_cursor(binary=False) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def for_update_of(alias: str) -> str:
    """Lock clause for the rows of `alias` only; empty where the database has no row locks (SQLite)."""
    return f" FOR UPDATE OF {alias}" if _db().features.has_select_for_update_of else ""


@lru_cache(maxsize=256)
def _insert_sql(model: type[Model], rows: int) -> str:
    table = columns(model)
    names = ", ".join(quoted(f.column) for f in table.writable)
    one = "(" + ", ".join(["%s"] * len(table.writable)) + ")"
    return f"INSERT INTO {table.table} ({names}) VALUES {', '.join([one] * rows)} RETURNING {quoted(model._meta.pk.column)}"


def _insert_params(objects: list[Model], db) -> list:
    writable = columns(type(objects[0])).writable
    return [f.get_db_prep_save(f.pre_save(obj, True), db) for obj in objects for f in writable]


def _saved(obj: Model, pk) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS


def insert_all(objects: list[Model]) -> None:
    """INSERT new instances of one model in one statement; each gets its primary key, as after save()."""
    if not objects:
        return
    db = _db()
    if not db.features.can_return_columns_from_insert:  # SQLite before 3.35 has no RETURNING
        for obj in objects:
            obj.save(force_insert=True)
        return
    ids = fetch(_insert_sql(type(objects[0]), len(objects)), _insert_params(objects, db))
    for obj, (pk,) in zip(objects, ids):
        _saved(obj, pk)


@lru_cache(maxsize=256)
def _together_sql(shape: tuple[tuple[type[Model], int], ...]) -> str:
    parts, picks = [], []
    for n, (model, rows) in enumerate(shape):
        parts.append(f"i{n} AS ({_insert_sql(model, rows)})")
        picks.append(f"SELECT {n} AS g, {quoted(model._meta.pk.column)} AS pk FROM i{n}")
    # Within one INSERT the ids come from the sequence in VALUES order: sorting restores it.
    return f"WITH {', '.join(parts)} {' UNION ALL '.join(picks)} ORDER BY 1, 2"


def insert_together(*groups: list[Model]) -> None:
    """INSERT new instances of several models, each group one model: on PostgreSQL in one statement
    (a data-modifying WITH per group), elsewhere one INSERT per group. Each instance gets its key."""
    groups = [group for group in groups if group]
    db = _db()
    if len(groups) < 2 or db.vendor != "postgresql":  # data-modifying WITH is PostgreSQL's
        for group in groups:
            insert_all(group)
        return
    params = [value for group in groups for value in _insert_params(group, db)]
    rows = fetch(_together_sql(tuple((type(group[0]), len(group)) for group in groups)), params)
    pending = [iter(group) for group in groups]
    for n, pk in rows:
        _saved(next(pending[n]), pk)


@lru_cache(maxsize=256)
def _update_sql(model: type[Model], names: tuple[str, ...]) -> str:
    meta = model._meta
    sets = ", ".join(f"{quoted(meta.get_field(name).column)} = %s" for name in names)
    return f"UPDATE {columns(model).table} SET {sets} WHERE {quoted(meta.pk.column)} = %s"


def update_fields(obj: Model, names: list[str]) -> None:
    """UPDATE the named fields of a saved instance, as save(update_fields=names) does (auto_now included)."""
    fields = [obj._meta.get_field(name) for name in names]
    update_by_pk(type(obj), obj.pk, **{f.name: f.pre_save(obj, False) for f in fields})


def update_by_pk(model: type[Model], pk, **values) -> None:
    """UPDATE the given columns of one row by primary key, as QuerySet.filter(pk=pk).update(**values) does."""
    db = _db()
    meta = model._meta
    fields = [meta.get_field(name) for name in values]
    params = [f.get_db_prep_save(values[f.name], db) for f in fields]
    params.append(meta.pk.get_db_prep_value(pk, db))
    with prepared_cursor(binary=False) as cursor:
        cursor.execute(_update_sql(model, tuple(f.name for f in fields)), params)
