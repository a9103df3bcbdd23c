"""Every way an existing order changes: confirm, extend, amend, cancel, expire.

Each change locks the order row, changes seats through availability, records
an audit event and writes the outbox event in the same transaction. A hold
found expired on the way is marked expired in that transaction, which then
commits before the refusal is raised, so the expiry is kept.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from availability.selectors import slot_for_option_at
from availability.errors import AvailabilityError, DepartureClosed, HoldExpired, SoldOut
from availability.services import hold_change, hold_confirm, hold_extend, hold_release
from intake import events
from intake.booking_rows import order_lines, order_locked
from intake.canonical import order_document
from intake.compiled_rows import insert_together, update_fields
from intake.drafts import OrderChanges
from intake.errors import (
    AfterCancellationCutoff,
    DepartureNotBookable,
    InvalidOrderState,
    MissingField,
    NoSuchDeparture,
    OrderNotFound,
    OverCapacity,
)
from intake.models import AuditEvent, Order, OrderLine, OrderStatus
from intake.services.audit import audit_event, audit_record, audit_record_all
from intake.services.orders import order_lines_write
from intake.services.resolution import lines_resolve, option_resolve, slot_check_bookable

LIVE = (OrderStatus.HELD, OrderStatus.CONFIRMED)


def order_lock(*, order_id: int) -> Order:
    """The order, its row locked until the transaction ends, read with its product, option and partner.

    Only the order row is locked (FOR UPDATE OF), never the catalogue rows read with it.
    """
    order = order_locked(order_id)
    if order is None:
        raise OrderNotFound(f"order {order_id} not found", order_id=order_id)
    return order


def _lines(order: Order) -> list[OrderLine]:
    return order_lines(order.pk)


def _save(order: Order, fields: set[str]) -> None:
    update_fields(order, [*sorted(fields), "updated_at"])


def _hold_is_expired(order: Order) -> bool:
    return order.status == OrderStatus.HELD and order.hold_expires_at is not None and order.hold_expires_at <= timezone.now()


def _mark_expired(order: Order, actor: str) -> None:
    hold_release(hold_id=order.hold_id)
    order.status = OrderStatus.EXPIRED
    order.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="order.expired", order=order, departure=order.departure_id)
    events.publish(topic=events.ORDER_EXPIRED, order=order, payload=order_document(order))
    _availability_changed(order.departure_id)


def _availability_changed(departure_id: int) -> None:
    events.publish(topic=events.AVAILABILITY_CHANGED, departure_id=departure_id, payload={"departure_id": departure_id})


def order_confirm(*, order_id: int, actor: str, changes: OrderChanges | None = None) -> Order:
    """Confirm a held order, applying last changes (contact, units) first. Repeating is harmless.

    The changes and the confirmation are written to the order in one UPDATE.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status == OrderStatus.CONFIRMED and changes is None:
            return order
        if _hold_is_expired(order):
            _mark_expired(order, actor)  # kept: the refusal is raised after the block
        elif order.status in LIVE:
            lines = _lines(order)
            changed: set[str] = set()
            audit: list[AuditEvent] = []  # written together at the end, in one INSERT
            if changes is not None:
                changed, lines = _apply(order, changes, actor, lines, audit)
            confirming = order.status == OrderStatus.HELD
            if confirming:
                try:
                    hold_confirm(hold_id=order.hold_id)
                except HoldExpired:
                    raise InvalidOrderState("the hold has expired", order_reference=order.reference, status="expired")
                order.status = OrderStatus.CONFIRMED
                order.confirmed_at = timezone.now()
                order.hold_expires_at = None
                changed |= {"status", "confirmed_at", "hold_expires_at"}
            _save(order, changed)
            published = []
            if confirming:
                audit.append(audit_event(actor=actor, action="order.confirmed", order=order,
                                         departure=order.departure_id))
                published.append(events.event(topic=events.ORDER_CONFIRMED, order=order,
                                              payload=order_document(order, lines=lines)))
            insert_together(audit, published)  # the audit and outbox rows in one statement
            return order
    raise InvalidOrderState(f"order is {order.status}", order_reference=order.reference, status=order.status)


def order_extend_hold(*, order_id: int, ttl: timedelta, actor: str) -> Order:
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status != OrderStatus.HELD or _hold_is_expired(order):
            raise InvalidOrderState(f"order is {order.status}, not on hold", order_reference=order.reference)
        hold = hold_extend(hold_id=order.hold_id, ttl=ttl)
        order.hold_expires_at = hold.expires_at
        order.save(update_fields=["hold_expires_at", "updated_at"])
        audit_record(actor=actor, action="order.hold_extended", order=order, data={"expires_at": hold.expires_at.isoformat()})
        return order


def order_amend(*, order_id: int, changes: OrderChanges, actor: str) -> Order:
    """Change date, option, product, participants, contact or notes; seats move all or nothing."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if _hold_is_expired(order):
            _mark_expired(order, actor)  # kept: the refusal is raised after the block
        elif order.status in LIVE:
            audit: list[AuditEvent] = []
            changed, lines = _apply(order, changes, actor, _lines(order), audit)
            _save(order, changed)
            audit_record_all(audit)
            if order.status == OrderStatus.CONFIRMED:
                events.publish(topic=events.ORDER_AMENDED, order=order, payload=order_document(order, lines=lines))
            return order
    raise InvalidOrderState(f"order is {order.status}", order_reference=order.reference, status=order.status)


def _apply(
    order: Order, changes: OrderChanges, actor: str, lines: list[OrderLine], audit: list[AuditEvent]
) -> tuple[set[str], list[OrderLine]]:
    """Set `changes` on the order and add their audit event to `audit`.

    Returns the fields the caller must save, and the order's lines. The caller writes both.
    """
    before = order_document(order, lines=lines)
    changed: set[str] = set()
    if any(value is not None for value in (changes.product_code, changes.option_code, changes.start,
                                           changes.participants)):
        lines = _apply_booking(order, changes, lines)
        changed |= {"product", "option", "departure", "starts_at", "total_minor"}
    if changes.contact is not None:
        for field in ("name", "email", "phone", "country"):
            value = getattr(changes.contact, field)
            if value:
                setattr(order, f"contact_{field}", value)
                changed.add(f"contact_{field}")
        if changes.contact.language:
            order.language = changes.contact.language
            changed.add("language")
    if changes.notes is not None:
        order.notes = changes.notes
        changed.add("notes")
    if changes.reseller_reference is not None:
        order.reseller_reference = changes.reseller_reference
        changed.add("reseller_reference")
    if changes.channel_data is not None:
        order.channel_data = {**order.channel_data, **changes.channel_data}
        changed.add("channel_data")
    audit.append(
        audit_event(
            actor=actor,
            action="order.amended",
            order=order,
            departure=order.departure_id,
            data={"before": before, "changes": changes.model_dump(mode="json", exclude_none=True)},
        )
    )
    return changed, lines


def _apply_booking(order: Order, changes: OrderChanges, lines: list[OrderLine]) -> list[OrderLine]:
    """Product, option, start or participants: re-check the rules and move the seats, all or nothing."""
    product_code = changes.product_code or order.product.code
    option_code = changes.option_code or (order.option.code if not changes.product_code else None)
    option = option_resolve(product_code=product_code, option_code=option_code)
    participants = changes.participants
    if participants is None:
        participants = {line.unit.code: line.quantity for line in lines}
    units = lines_resolve(product=option.product, option=option, participants=participants)
    start = changes.start or order.starts_at
    if start is None:
        raise MissingField("no date and time given", field="start")
    moves = option.pk != order.option_id or start != order.starts_at
    seats = sum(unit.seats_per_unit * count for unit, count in units)
    if moves or seats != order.hold.quantity:
        slot = slot_for_option_at(option_id=option.pk, starts_at=start, product=option.product)
        if slot is None:
            raise NoSuchDeparture(f"no departure at {start.isoformat()}", field="start", start=start.isoformat())
        if slot.departure_id != order.departure_id:
            slot_check_bookable(slot=slot, seats=seats)
        try:
            hold_change(hold_id=order.hold_id, departure_id=slot.departure_id, quantity=seats)
        except SoldOut as exc:
            raise OverCapacity(str(exc), departure_id=exc.departure_id, vacancies=exc.vacancies, requested=seats)
        except DepartureClosed as exc:
            raise DepartureNotBookable(str(exc), departure_id=slot.departure_id)
        touched = {order.departure_id, slot.departure_id}
        order.departure_id = slot.departure_id
        order.starts_at = slot.starts_at
        for departure_id in sorted(touched):
            _availability_changed(departure_id)
    order.product = option.product
    order.option = option
    order.total_minor = sum(unit.price_minor * count for unit, count in units)
    return order_lines_write(order=order, lines=units)


def order_cancel(*, order_id: int, actor: str, reason: str = "", enforce_cutoff: bool = True) -> Order:
    """Cancel a held or confirmed order and give its seats back. Cancelling twice is harmless."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status == OrderStatus.CANCELLED:
            return order
        if order.status not in LIVE and order.status != OrderStatus.NEEDS_REVIEW:
            raise InvalidOrderState(f"order is {order.status}", order_reference=order.reference, status=order.status)
        if enforce_cutoff and order.status == OrderStatus.CONFIRMED and order.product is not None:
            cutoff = order.starts_at - timedelta(minutes=order.product.cancellation_cutoff_minutes)
            if timezone.now() > cutoff:
                raise AfterCancellationCutoff("the cancellation cut-off has passed", order_reference=order.reference)
        if order.hold_id:
            try:
                hold_release(hold_id=order.hold_id)
            except AvailabilityError:
                pass  # no seats to give back
        was_live = order.status in LIVE
        order.status = OrderStatus.CANCELLED
        order.cancelled_at = timezone.now()
        order.cancel_reason = reason[:300]
        order.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(actor=actor, action="order.cancelled", order=order, departure=order.departure_id,
                     data={"reason": reason})
        if was_live:
            events.publish(topic=events.ORDER_CANCELLED, order=order, payload=order_document(order))
            _availability_changed(order.departure_id)
        order.review_items.filter(status="open").update(status="resolved", resolved_at=timezone.now(), resolution="order cancelled")
        return order


def orders_expire_holds(*, now=None) -> int:
    """Expire held orders past their hold (django-q2 schedule); returns how many."""
    now = now or timezone.now()
    ids = list(Order.objects.filter(status=OrderStatus.HELD, hold_expires_at__lte=now).values_list("pk", flat=True)[:1000])
    count = 0
    for order_id in ids:
        with transaction.atomic():
            order = order_lock(order_id=order_id)
            if _hold_is_expired(order):
                _mark_expired(order, "system")
                count += 1
    return count
