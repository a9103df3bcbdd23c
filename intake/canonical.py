"""The canonical order document: what the dispatch system receives (schema version 1).

Documented in docs/canonical-order.md. Times carry the product's offset,
money is in minor units with its ISO 4217 currency.
"""

from zoneinfo import ZoneInfo

SCHEMA_VERSION = 1


def _local(dt, tz: str | None):
    if dt is None:
        return None
    return dt.astimezone(ZoneInfo(tz)).isoformat() if tz else dt.isoformat()


def order_document(order, *, lines=None) -> dict:
    """`lines`: the order's lines with their units, when the caller already holds them (saves a read)."""
    if lines is None:
        lines = order.lines.select_related("unit").all()
    product = order.product
    tz = product.timezone if product else None
    return {
        "schema_version": SCHEMA_VERSION,
        "uuid": str(order.uuid),
        "reference": order.reference,
        "status": order.status,
        "channel": order.channel,
        "partner": order.partner.code if order.partner_id else None,
        "external_reference": order.external_reference,
        "reseller_reference": order.reseller_reference or None,
        "product": product.code if product else None,
        "option": order.option.code if order.option_id else None,
        "departure_id": order.departure_id,
        "start": _local(order.starts_at, tz),
        "participants": [
            {
                "unit": line.unit.code,
                "type": line.unit.type,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "currency": line.currency,
            }
            for line in lines
        ],
        "total_minor": order.total_minor,
        "currency": order.currency or None,
        "contact": {
            "name": order.contact_name or None,
            "email": order.contact_email or None,
            "phone": order.contact_phone or None,
            "country": order.contact_country or None,
        },
        "language": order.language or None,
        "notes": order.notes or None,
        "test_mode": order.test_mode,
        "created_at": _local(order.created_at, tz),
        "confirmed_at": _local(order.confirmed_at, tz),
        "cancelled_at": _local(order.cancelled_at, tz),
        "cancel_reason": order.cancel_reason or None,
    }
