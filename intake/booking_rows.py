"""The reads of the booking path (submit, confirm, the order lock), in SQL built once per process.

Each returns what the ORM query it replaces returned: model instances, with
the related objects that query selected already attached. See
intake/compiled_rows.py for why; each query's text is built on first use.
"""

from functools import cache

from availability.models import Option, Product, Unit
from intake.compiled_rows import columns, fetch, for_update_of
from intake.models import Order, OrderLine, Partner


@cache
def _partner_sql() -> str:
    t = columns(Partner)
    return f"SELECT {t.select('pa')} FROM {t.table} pa WHERE pa.code = %s AND pa.active"


def partner_active(code: str) -> Partner | None:
    rows = fetch(_partner_sql(), [code])
    return columns(Partner).build(rows[0]) if rows else None


@cache
def _option_sql() -> str:
    o, p = columns(Option), columns(Product)
    return (f"SELECT {o.select('o')}, {p.select('p')} FROM {o.table} o JOIN {p.table} p ON p.id = o.product_id "
            "WHERE p.code = %s AND p.active AND o.code = %s")


def option_with_product(product_code: str, option_code: str) -> Option | None:
    """The option of an active product, with its product attached."""
    rows = fetch(_option_sql(), [product_code, option_code])
    if not rows:
        return None
    o = columns(Option)
    option = o.build(rows[0])
    option.product = columns(Product).build(rows[0], o.count)
    return option


@cache
def _units_sql() -> str:
    u = columns(Unit)
    return f"SELECT {u.select('u')} FROM {u.table} u WHERE u.product_id = %s ORDER BY u.sort_order, u.code"


def product_units(product_id: int) -> list[Unit]:
    """A product's units in their display order (sort order, then code)."""
    build = columns(Unit).build
    return [build(row) for row in fetch(_units_sql(), [product_id])]


@cache
def _order_sql(where: str, lock: bool) -> str:
    o, p, op, pa = columns(Order), columns(Product), columns(Option), columns(Partner)
    return (
        f"SELECT {o.select('o')}, {p.select('p')}, {op.select('op')}, {pa.select('pa')} FROM {o.table} o "
        f"LEFT JOIN {p.table} p ON p.id = o.product_id LEFT JOIN {op.table} op ON op.id = o.option_id "
        f"LEFT JOIN {pa.table} pa ON pa.id = o.partner_id WHERE {where}" + (for_update_of("o") if lock else "")
    )


def _order_built(row) -> Order:
    o, p, op = columns(Order), columns(Product), columns(Option)
    order = o.build(row)
    start = o.count
    order.product = p.build(row, start)
    order.option = op.build(row, start + p.count)
    order.partner = columns(Partner).build(row, start + p.count + op.count)
    return order


def order_locked(order_id: int) -> Order | None:
    """The order with its product, option and partner, only the order's row locked until the transaction ends."""
    rows = fetch(_order_sql("o.id = %s", lock=True), [order_id])
    return _order_built(rows[0]) if rows else None


def order_by_key(*, channel: str, external_reference: str, partner_code: str | None) -> Order | None:
    """The order a (channel, partner, external reference) names (at most one: unique constraints)."""
    if partner_code is None:
        rows = fetch(_order_sql("o.channel = %s AND o.external_reference = %s AND o.partner_id IS NULL", lock=False),
                     [channel, external_reference])
    else:
        rows = fetch(_order_sql("o.channel = %s AND o.external_reference = %s AND pa.code = %s", lock=False),
                     [channel, external_reference, partner_code])
    return _order_built(rows[0]) if rows else None


def order_of_partner(*, channel: str, partner_id: int, external_reference: str) -> Order | None:
    """A partner's own order by its external reference, with product, option and partner attached."""
    rows = fetch(_order_sql("o.channel = %s AND o.partner_id = %s AND o.external_reference = %s", lock=False),
                 [channel, partner_id, external_reference])
    return _order_built(rows[0]) if rows else None


@cache
def _lines_sql() -> str:
    line, unit = columns(OrderLine), columns(Unit)
    return (f"SELECT {line.select('l')}, {unit.select('u')} FROM {line.table} l JOIN {unit.table} u ON u.id = l.unit_id "
            "WHERE l.order_id = %s ORDER BY l.id")


def order_lines(order_id: int) -> list[OrderLine]:
    """An order's lines in the order they were written, each with its unit attached."""
    line, unit = columns(OrderLine), columns(Unit)
    found = []
    for row in fetch(_lines_sql(), [order_id]):
        item = line.build(row)
        item.unit = unit.build(row, line.count)
        found.append(item)
    return found
