"""OCTO supplier endpoints: each validates its wire format, calls one selector or service, renders the result."""

from contextlib import contextmanager
from datetime import date
from zoneinfo import ZoneInfo

from availability.selectors import availability_rows, availability_search
from channels.octo import lookups, mapping
from channels.octo.bookings import booking_status, booking_wire
from channels.octo.context import CHANNEL, SUPPORTED_CAPABILITIES, OctoContext
from channels.octo.errors import OctoError, octo_error_for
from channels.octo.products import product_wire
from channels.octo.responses import JsonText, octo_endpoint, parse_body
from channels.octo.schemas import (
    AvailabilityCalendarBody,
    AvailabilityCheckBody,
    BookingCancellationBody,
    BookingConfirmationBody,
    BookingReservationBody,
    BookingUpdateBody,
    Capability,
    ExtendReservationBody,
    Supplier,
    SupplierContact,
    WebhookBody,
)
from channels.octo.selectors import (
    octo_booking,
    octo_bookings,
    octo_operator,
    octo_option,
    octo_product,
    octo_product_unit_codes,
    octo_products,
)
from channels.octo.slots import SlotRowsJson, calendar_wire, parse_availability_id
from channels.octo.time_texts import epoch_us
from channels.octo.webhooks import octo_webhook_create, octo_webhook_delete, octo_webhooks
from intake.errors import IntakeError
from intake.models import Order, OrderStatus
from intake.services import (
    order_amend,
    order_cancel,
    order_confirm,
    order_extend_hold,
    order_submit,
    raw_source_mark,
    raw_source_store,
)

MAX_RANGE_DAYS = 366
CAPABILITY_DOCS = "/docs/octo.md"


@octo_endpoint("GET")
def capabilities(request, ctx: OctoContext):
    return [
        Capability(id=cap, revision=1, required=False, dependencies=[], docs=None).wire()
        for cap in SUPPORTED_CAPABILITIES
    ]


@octo_endpoint("GET")
def supplier(request, ctx: OctoContext):
    operator = octo_operator()
    name = operator.name if operator else "Supplier"
    return Supplier(
        id="".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "supplier",
        name=name,
        endpoint=ctx.endpoint,
        contact=SupplierContact(
            website=(operator.website or None) if operator else None,
            email=(operator.email or None) if operator else None,
            telephone=(operator.telephone or None) if operator else None,
            address=(operator.address or None) if operator else None,
        ),
    ).wire()


@octo_endpoint("GET")
def products(request, ctx: OctoContext):
    return [product_wire(product, ctx=ctx).wire() for product in octo_products()]


@octo_endpoint("GET")
def product(request, ctx: OctoContext, product_id: str):
    found = octo_products(product_code=product_id)
    if not found:
        raise OctoError("INVALID_PRODUCT_ID", f"There is no product {product_id!r}", product_id)
    return product_wire(found[0], ctx=ctx).wire()


def _date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OctoError("BAD_REQUEST", f"{field} must be a date YYYY-MM-DD") from None


def _range(first: date | None, last: date | None) -> tuple[date, date]:
    if first is None or last is None:
        raise OctoError("BAD_REQUEST", "Send localDateStart and localDateEnd together")
    if last < first or (last - first).days > MAX_RANGE_DAYS:
        raise OctoError("BAD_REQUEST", f"localDateEnd must be on or after localDateStart, at most {MAX_RANGE_DAYS} days later")
    return first, last


def _unit_quantities(units, unit_codes: set[str]) -> dict[str, int]:
    quantities: dict[str, int] = {}
    for unit in units:
        if unit.id not in unit_codes:
            raise OctoError("INVALID_UNIT_ID", f"There is no unit {unit.id!r} for this product", unit.id)
        quantities[unit.id] = quantities.get(unit.id, 0) + unit.quantity
    return quantities


@octo_endpoint("POST")
def availability_calendar(request, ctx: OctoContext):
    body = parse_body(request, AvailabilityCalendarBody)
    option = octo_option(product_id=body.productId, option_id=body.optionId)
    first, last = _range(_date(body.localDateStart, "localDateStart"), _date(body.localDateEnd, "localDateEnd"))
    units = _unit_quantities(body.units, octo_product_unit_codes(product=option.product)) if body.units else {}
    slots = availability_search(option_id=option.pk, date_from=first, date_to=last, quantity=sum(units.values()))
    return [day.wire() for day in calendar_wire(slots, first=first, last=last, ctx=ctx, units=units)]


@octo_endpoint("POST")
def availability_check(request, ctx: OctoContext):
    body = parse_body(request, AvailabilityCheckBody)
    option = octo_option(product_id=body.productId, option_id=body.optionId)
    has_dates = body.localDate is not None or body.localDateStart is not None or body.localDateEnd is not None
    wanted = None
    if body.availabilityIds is not None:
        if has_dates or not body.availabilityIds:
            raise OctoError("BAD_REQUEST", "Send either availabilityIds or dates, not both")
        starts = [parse_availability_id(value) for value in body.availabilityIds]
        if any(start is None for start in starts):
            bad = body.availabilityIds[starts.index(None)]
            raise OctoError("INVALID_AVAILABILITY_ID", "An availabilityId is not one of ours", bad)
        zone = ZoneInfo(option.product.timezone)
        days = [start.astimezone(zone).date() for start in starts]
        first, last = _range(min(days), max(days))
        wanted = {epoch_us(start) for start in starts}
    elif body.localDate is not None:
        if body.localDateStart is not None or body.localDateEnd is not None:
            raise OctoError("BAD_REQUEST", "Send localDate or localDateStart/localDateEnd, not both")
        first = last = _date(body.localDate, "localDate")
    else:
        if not has_dates:
            raise OctoError("BAD_REQUEST", "Send localDate, localDateStart and localDateEnd, or availabilityIds")
        first, last = _range(_date(body.localDateStart, "localDateStart"), _date(body.localDateEnd, "localDateEnd"))
    units = _unit_quantities(body.units, octo_product_unit_codes(product=option.product)) if body.units else {}
    # Without octo/pricing no prices are shown: the product the option lookup holds gives the timezone,
    # cutoff and horizon, and the search reads only the departures.
    found = availability_rows(option_id=option.pk, date_from=first, date_to=last, quantity=sum(units.values()),
                              product=None if ctx.pricing else option.product)
    return JsonText(SlotRowsJson(ctx=ctx, max_units=option.max_units, units=units)(found, only_starts=wanted))


# --- bookings -----------------------------------------------------------------------------------------------


def _own_booking(ctx: OctoContext, booking_uuid: str) -> Order:
    try:
        key = mapping.booking_uuid(booking_uuid)
    except OctoError:
        key = None
    order = octo_booking(partner=ctx.partner, booking_uuid=key) if key else None
    if order is None:
        raise OctoError("INVALID_BOOKING_UUID", f"There is no booking {booking_uuid!r}", booking_uuid)
    return order


def _unit_codes(product, items) -> set[str]:
    """The product's unit ids for checking `items` (remembered a short while; an unknown one is read again)."""
    return lookups.product_unit_codes(
        product_id=product.pk,
        wanted=[item.unitId for item in items or ()],
        load=lambda: octo_product_unit_codes(product=product),
    )


def _raw(request, ctx: OctoContext, action: str, key: str = "") -> int:
    raw = raw_source_store(
        channel=CHANNEL,
        body=request.body,
        content_type=request.content_type or "application/json",
        partner=ctx.partner,
        source_key=f"{action}:{key}",
        metadata={"method": request.method, "path": request.path, "test_mode": ctx.test_mode},
    )
    return raw.pk


@contextmanager
def _raw_kept(request, ctx: OctoContext, action: str, key: str = ""):
    """Store the body before reading it; then mark it processed, or failed with the OCTO error answered.

    A crash leaves it `received`, so it can still be found and replayed.
    """
    raw_id = _raw(request, ctx, action, key)
    try:
        yield raw_id
    except OctoError as error:
        raw_source_mark(raw_source_id=raw_id, status="failed", error=str(error))
        raise
    raw_source_mark(raw_source_id=raw_id, status="processed")


@octo_endpoint("GET", "POST")
def bookings(request, ctx: OctoContext):
    if request.method == "GET":
        return booking_list(request, ctx)
    with _raw_kept(request, ctx, "reserve") as raw_id:
        body = parse_body(request, BookingReservationBody)
        uuid = mapping.booking_uuid(body.uuid)
        echo = {"productId": body.productId, "optionId": body.optionId, "availabilityId": body.availabilityId, "uuid": uuid}
        option = octo_option(product_id=body.productId, option_id=body.optionId)
        draft = mapping.reservation_draft(
            body=body, ctx=ctx, uuid=uuid, unit_codes=_unit_codes(option.product, body.unitItems), raw_source_id=raw_id
        )
        try:
            result = order_submit(draft=draft, hold_ttl=mapping.hold_ttl(body.expirationMinutes), review_on_problem=False)
        except IntakeError as exc:
            raise octo_error_for(exc, echo=echo) from exc
    return booking_wire(result.order, ctx=ctx).wire()


def booking_list(request, ctx: OctoContext):
    params = request.GET
    filters = dict(
        reseller_reference=params.get("resellerReference") or None,
        supplier_reference=params.get("supplierReference") or None,
        product_code=params.get("productId") or None,
        option_code=params.get("optionId") or None,
    )
    local_date = _date(params.get("localDate") or None, "localDate")
    start = _date(params.get("localDateStart") or None, "localDateStart")
    end = _date(params.get("localDateEnd") or None, "localDateEnd")
    if local_date is not None:
        start = end = local_date
    elif start is not None or end is not None:
        start, end = _range(start, end)
    if not any(filters.values()) and start is None:
        raise OctoError("BAD_REQUEST", "Filter by resellerReference, supplierReference, localDate or localDateStart/localDateEnd")
    found = octo_bookings(partner=ctx.partner, local_date_start=start, local_date_end=end, **filters)
    return [booking_wire(order, ctx=ctx).wire() for order in found]


@octo_endpoint("GET", "PATCH")
def booking(request, ctx: OctoContext, booking_uuid: str):
    order = _own_booking(ctx, booking_uuid)
    if request.method == "GET":
        return booking_wire(order, ctx=ctx).wire()
    with _raw_kept(request, ctx, "update", order.external_reference):
        body = parse_body(request, BookingUpdateBody)
        echo = {"productId": body.productId, "optionId": body.optionId, "availabilityId": body.availabilityId, "uuid": booking_uuid}
        if booking_status(order) not in ("ON_HOLD", "CONFIRMED"):
            raise OctoError("UNPROCESSABLE_ENTITY", f"The booking is {booking_status(order)} and cannot change")
        target = order.product
        if body.optionId is not None:
            target = octo_option(product_id=body.productId or order.product.code, option_id=body.optionId).product
        elif body.productId is not None:
            target = octo_product(product_id=body.productId)
        changes = mapping.update_changes(
            body=body, known_items=order.channel_data.get("unit_items", []), unit_codes=_unit_codes(target, body.unitItems)
        )
        try:
            if changes.model_dump(exclude_none=True):
                order = order_amend(order_id=order.pk, changes=changes, actor=ctx.actor)
            if body.expirationMinutes and order.status == OrderStatus.HELD:
                order = order_extend_hold(order_id=order.pk, ttl=mapping.hold_ttl(body.expirationMinutes), actor=ctx.actor)
        except IntakeError as exc:
            raise octo_error_for(exc, echo=echo) from exc
    return booking_wire(_refreshed(order), ctx=ctx).wire()


def _refreshed(order: Order) -> Order:
    return Order.objects.select_related("product", "option", "hold").get(pk=order.pk)


@octo_endpoint("POST")
def booking_confirm(request, ctx: OctoContext, booking_uuid: str):
    order = _own_booking(ctx, booking_uuid)
    with _raw_kept(request, ctx, "confirm", order.external_reference):
        body = parse_body(request, BookingConfirmationBody)
        status = booking_status(order)
        if status == "EXPIRED":
            raise OctoError("INVALID_BOOKING_UUID", "The hold has expired", booking_uuid)
        if status != "CONFIRMED":
            changes = mapping.confirmation_changes(
                body=body,
                known_items=order.channel_data.get("unit_items", []),
                unit_codes=_unit_codes(order.product, body.unitItems),
            )
            try:
                order = order_confirm(order_id=order.pk, actor=ctx.actor, changes=changes)
            except IntakeError as exc:
                raise octo_error_for(exc, echo={"uuid": booking_uuid}) from exc
    # Shown as saved: order_confirm returns the row it locked and wrote, with its product and option.
    return booking_wire(order, ctx=ctx).wire()


@octo_endpoint("POST")
def booking_extend(request, ctx: OctoContext, booking_uuid: str):
    order = _own_booking(ctx, booking_uuid)
    body = parse_body(request, ExtendReservationBody)
    status = booking_status(order)
    if status == "EXPIRED":
        raise OctoError("INVALID_BOOKING_UUID", "The hold has expired", booking_uuid)
    if status != "ON_HOLD":
        raise OctoError("UNPROCESSABLE_ENTITY", f"Only a booking ON_HOLD can be extended; this one is {status}")
    try:
        order = order_extend_hold(order_id=order.pk, ttl=mapping.hold_ttl(body.expirationMinutes), actor=ctx.actor)
    except IntakeError as exc:
        raise octo_error_for(exc, echo={"uuid": booking_uuid}) from exc
    return booking_wire(_refreshed(order), ctx=ctx).wire()


@octo_endpoint("POST")
def booking_cancel(request, ctx: OctoContext, booking_uuid: str):
    order = _own_booking(ctx, booking_uuid)
    with _raw_kept(request, ctx, "cancel", order.external_reference):
        body = parse_body(request, BookingCancellationBody)
        if booking_status(order) == "EXPIRED":
            raise OctoError("UNPROCESSABLE_ENTITY", "The hold has already expired")
        try:
            order = order_cancel(order_id=order.pk, actor=ctx.actor, reason=body.reason or "")
        except IntakeError as exc:
            raise octo_error_for(exc, echo={"uuid": booking_uuid}) from exc
    return booking_wire(_refreshed(order), ctx=ctx).wire()


# --- octo/webhooks ------------------------------------------------------------------------------------------


@octo_endpoint("GET", "POST")
def webhooks(request, ctx: OctoContext):
    if request.method == "GET":
        return octo_webhooks(partner=ctx.partner)
    body = parse_body(request, WebhookBody)
    return octo_webhook_create(partner=ctx.partner, url=body.url, event=body.event)


@octo_endpoint("DELETE")
def webhook(request, ctx: OctoContext, webhook_id: str):
    octo_webhook_delete(partner=ctx.partner, webhook_id=webhook_id)
    return {"id": webhook_id, "deleted": True}
