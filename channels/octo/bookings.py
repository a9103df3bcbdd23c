"""Canonical orders shown as OCTO Booking objects."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from availability.selectors import availability_search
from channels.octo.context import OctoContext
from channels.octo.mapping import contact_data
from channels.octo.pricing import pricing
from channels.octo.products import DELIVERY_METHODS, REDEMPTION_METHOD
from channels.octo.schemas import Booking, BookingCancellation, Contact, DeliveryOption, Ticket, UnitItem
from channels.octo.slots import slot_wire, utc_text
from intake.models import Order, OrderStatus

STATUS = {
    OrderStatus.HELD: "ON_HOLD",
    OrderStatus.CONFIRMED: "CONFIRMED",
    OrderStatus.CANCELLED: "CANCELLED",
    OrderStatus.EXPIRED: "EXPIRED",
    OrderStatus.REJECTED: "REJECTED",
    OrderStatus.RECEIVED: "PENDING",
    OrderStatus.NEEDS_REVIEW: "PENDING",
}


def booking_status(order: Order) -> str:
    if order.status == OrderStatus.HELD and order.hold_expires_at and order.hold_expires_at <= timezone.now():
        return "EXPIRED"  # not swept yet; the seats already count as free
    return STATUS.get(order.status, "PENDING")


def _ticket(status: str, value: str) -> Ticket:
    options = [DeliveryOption(deliveryFormat="QRCODE", deliveryValue=value)] if status == "CONFIRMED" else []
    return Ticket(redemptionMethod=REDEMPTION_METHOD, utcRedeemedAt=None, deliveryOptions=options)


def _cancellable(order: Order, status: str) -> bool:
    if status == "ON_HOLD":
        return True
    if status != "CONFIRMED" or order.starts_at is None or order.product is None:
        return False
    cutoff = order.starts_at - timezone.timedelta(minutes=order.product.cancellation_cutoff_minutes)
    return timezone.now() <= cutoff


def _unit_prices(order: Order) -> dict[str, tuple[int, str]]:
    return {line.unit.code: (line.unit_price_minor, line.currency) for line in order.lines.select_related("unit")}


def _slot(order: Order, *, priced: bool):
    """The booking's departure as its option sees it now: one query (the order knows its product and local
    day), two when the reseller wants prices."""
    if not (order.option_id and order.departure_id and order.starts_at and order.product):
        return None
    day = order.starts_at.astimezone(ZoneInfo(order.product.timezone)).date()
    slots = availability_search(option_id=order.option_id, date_from=day, date_to=day, departure_ids=[order.departure_id],
                                product=None if priced else order.product)
    return slots[0] if slots else None


def booking_wire(order: Order, *, ctx: OctoContext) -> Booking:
    status = booking_status(order)
    data = order.channel_data or {}
    slot = _slot(order, priced=ctx.pricing)
    availability = slot_wire(slot, ctx=ctx, max_units=order.option.max_units) if slot else None
    prices = _unit_prices(order) if ctx.pricing else {}
    items = []
    for item in data.get("unit_items", []):
        unit_item = dict(
            uuid=item["uuid"],
            resellerReference=item.get("resellerReference"),
            supplierReference=item.get("supplierReference"),
            unitId=item["unitId"],
            status=status,
            utcRedeemedAt=None,
            contact=Contact(**(item.get("contact") or contact_data(None))),
            ticket=_ticket(status, item.get("supplierReference") or order.reference),
        )
        if ctx.pricing and item["unitId"] in prices:
            unit_item["pricing"] = pricing(*prices[item["unitId"]])
        items.append(UnitItem(**unit_item))
    cancellation = None
    if order.status == OrderStatus.CANCELLED:
        cancellation = BookingCancellation(
            refund="FULL", reason=order.cancel_reason or None, utcCancelledAt=utc_text(order.cancelled_at or order.updated_at)
        )
    fields = dict(
        id=str(order.uuid),
        uuid=order.external_reference,
        testMode=order.test_mode,
        resellerReference=order.reseller_reference or None,
        supplierReference=order.reference,
        status=status,
        utcCreatedAt=utc_text(order.created_at),
        utcUpdatedAt=utc_text(order.updated_at),
        utcExpiresAt=utc_text(order.hold_expires_at) if status == "ON_HOLD" else None,
        utcRedeemedAt=None,
        utcConfirmedAt=utc_text(order.confirmed_at) if order.confirmed_at else None,
        productId=order.product.code if order.product else "",
        optionId=order.option.code if order.option else "",
        cancellable=_cancellable(order, status),
        cancellation=cancellation,
        freesale=bool(slot and slot.capacity is None),
        availabilityId=availability.id if availability else None,
        availability=availability,
        contact=Contact(**(data.get("contact") or _contact_from_order(order))),
        notes=order.notes or None,
        deliveryMethods=DELIVERY_METHODS,
        voucher=_ticket(status, order.reference),
        unitItems=items,
    )
    if ctx.pricing:
        fields["pricing"] = pricing(order.total_minor, order.currency or (order.product.currency if order.product else "CZK"))
    return Booking(**fields)


def _contact_from_order(order: Order) -> dict:
    data = contact_data(None)
    data.update(
        fullName=order.contact_name or None,
        emailAddress=order.contact_email or None,
        phoneNumber=order.contact_phone or None,
        country=order.contact_country or None,
        locales=[order.language] if order.language else [],
    )
    return data
