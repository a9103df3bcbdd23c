"""The one door: every channel's order comes in through `order_submit()`.

Idempotency: (channel, partner, external reference) names an order. A repeat
with the same content returns the same order; a repeat that asks for
something else is an IdempotencyConflict. The database's unique constraint
decides races: the loser's transaction rolls back (seats included) and it
returns the winner's order.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from availability.errors import DepartureClosed, SoldOut
from availability.services import departure_book, departure_hold
from intake import events
from intake.booking_rows import order_by_key
from intake.canonical import order_document
from intake.compiled_rows import insert_all, insert_together
from intake.drafts import OrderDraft
from intake.errors import DepartureNotBookable, IdempotencyConflict, IntakeError, OverCapacity
from intake.models import Order, OrderLine, OrderStatus, Partner, ReviewItem
from intake.services.audit import audit_event, audit_record
from intake.services.resolution import ResolvedOrder, draft_resolve

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass
class SubmitResult:
    order: Order
    created: bool  # False: an idempotent repeat of an earlier submit
    problem: IntakeError | None = None  # set when the order went to review


def new_reference() -> str:
    return "MC" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def actor_for(draft: OrderDraft) -> str:
    return f"channel:{draft.channel}" + (f"/{draft.partner_code}" if draft.partner_code else "")


def _find_existing(draft: OrderDraft) -> Order | None:
    if not draft.external_reference:
        return None
    return order_by_key(channel=draft.channel, external_reference=draft.external_reference,
                        partner_code=draft.partner_code or None)


def _replay(existing: Order, draft: OrderDraft) -> SubmitResult:
    if existing.fingerprint != draft.fingerprint():
        raise IdempotencyConflict(
            f"reference {draft.external_reference!r} was already used for another order",
            order_reference=existing.reference,
            external_reference=draft.external_reference,
        )
    return SubmitResult(order=existing, created=False)


def order_submit(
    *,
    draft: OrderDraft,
    hold_ttl: timedelta | None = None,
    review_on_problem: bool = True,
    review_reason: IntakeError | None = None,
) -> SubmitResult:
    """Validate, deduplicate, take seats and persist an order with its outbox event.

    hold_ttl: keep the seats ON HOLD for that long (OTA reserve); None books at once.
    review_on_problem: a fixable problem becomes a needs_review order with a review
    item (e-mail, form); False raises it to the caller instead (synchronous APIs).
    review_reason: a reviewable problem the channel already knows of (e.g. it is unsure what
    the mail says): the order goes to review with it and takes no seats.
    """
    existing = _find_existing(draft)
    if existing is not None:
        return _replay(existing, draft)
    try:
        with transaction.atomic():
            return _submit_new(draft=draft, hold_ttl=hold_ttl, review_on_problem=review_on_problem,
                               review_reason=review_reason)
    except IntegrityError:
        existing = _find_existing(draft)
        if existing is None:
            raise
        return _replay(existing, draft)


def _submit_new(*, draft: OrderDraft, hold_ttl: timedelta | None, review_on_problem: bool,
                review_reason: IntakeError | None = None) -> SubmitResult:
    try:
        if review_reason is not None:
            raise review_reason
        resolved = draft_resolve(draft=draft)
        hold = _take_seats(resolved=resolved, draft=draft, hold_ttl=hold_ttl)  # a refusal writes no seats
    except IntakeError as problem:
        if not (review_on_problem and problem.reviewable):
            raise
        order = _order_for_review(draft=draft, problem=problem)
        return SubmitResult(order=order, created=True, problem=problem)
    order = _order_create(draft=draft, resolved=resolved, hold=hold, hold_ttl=hold_ttl)
    return SubmitResult(order=order, created=True)


def _take_seats(*, resolved: ResolvedOrder, draft: OrderDraft, hold_ttl: timedelta | None):
    seats = dict(
        departure_id=resolved.slot.departure_id,
        quantity=resolved.seats,
        reference=f"{draft.channel}:{draft.external_reference or ''}",
        test_mode=draft.test_mode,
    )
    try:
        # No hold step for a direct booking: seats go straight to confirmed.
        hold = departure_book(**seats) if hold_ttl is None else departure_hold(ttl=hold_ttl, **seats)
    except SoldOut as exc:
        raise OverCapacity(str(exc), departure_id=exc.departure_id, vacancies=exc.vacancies, requested=resolved.seats)
    except DepartureClosed as exc:
        raise DepartureNotBookable(str(exc), departure_id=resolved.slot.departure_id)
    return hold


def _order_fields(*, draft: OrderDraft, resolved: ResolvedOrder | None) -> dict:
    fields = dict(
        channel=draft.channel,
        external_reference=draft.external_reference or None,
        reseller_reference=draft.reseller_reference,
        contact_name=draft.contact.name,
        contact_email=draft.contact.email,
        contact_phone=draft.contact.phone,
        contact_country=draft.contact.country,
        language=draft.language or draft.contact.language,
        notes=draft.notes,
        test_mode=draft.test_mode,
        draft=draft.model_dump(mode="json"),
        fingerprint=draft.fingerprint(),
        raw_source_id=draft.raw_source_id,
        channel_data=draft.channel_data,
    )
    if resolved is not None:
        fields.update(
            partner=resolved.partner,
            product=resolved.product,
            option=resolved.option,
            departure_id=resolved.slot.departure_id,
            starts_at=resolved.slot.starts_at,
            total_minor=resolved.total_minor,
            currency=resolved.currency,
        )
    return fields


def _order_create(*, draft: OrderDraft, resolved: ResolvedOrder, hold, hold_ttl: timedelta | None) -> Order:
    now = timezone.now()
    confirmed = hold_ttl is None
    order = Order(
        reference=new_reference(),
        status=OrderStatus.CONFIRMED if confirmed else OrderStatus.HELD,
        hold=hold,
        hold_expires_at=hold.expires_at,
        confirmed_at=now if confirmed else None,
        **_order_fields(draft=draft, resolved=resolved),
    )
    insert_all([order])
    lines = order_lines_built(order=order, lines=resolved.lines)
    audit = audit_event(actor=actor_for(draft), action="order.created", order=order,
                        departure=resolved.slot.departure_id, data={"status": order.status})
    document = order_document(order, lines=lines)  # one document for both events: nothing changes in between
    topics = [events.ORDER_CREATED, events.ORDER_CONFIRMED] if confirmed else [events.ORDER_CREATED]
    published = [
        *(events.event(topic=topic, order=order, payload=document) for topic in topics),
        events.event(topic=events.AVAILABILITY_CHANGED, departure_id=order.departure_id,
                     payload={"departure_id": order.departure_id}),
    ]
    insert_together(lines, [audit], published)  # lines, audit and outbox rows in one statement
    return order


def order_lines_write(*, order: Order, lines) -> list[OrderLine]:
    """Replace the order's lines with `lines` (unit, count); returns them as written, units attached."""
    order.lines.all().delete()
    written = order_lines_built(order=order, lines=lines)
    insert_all(written)
    return written


def order_lines_built(*, order: Order, lines) -> list[OrderLine]:
    """The order's lines for `lines` (unit, count), not written yet."""
    return [
        OrderLine(order=order, unit=unit, quantity=count, unit_price_minor=unit.price_minor, currency=unit.currency)
        for unit, count in lines
    ]


def _order_for_review(*, draft: OrderDraft, problem: IntakeError) -> Order:
    partner = Partner.objects.filter(code=draft.partner_code).first() if draft.partner_code else None
    fields = _order_fields(draft=draft, resolved=None)
    if partner is None:
        # A dispatcher must still be able to find the sender's order; keep it partnerless.
        fields["external_reference"] = None if draft.partner_code else fields["external_reference"]
    order = Order.objects.create(reference=new_reference(), status=OrderStatus.NEEDS_REVIEW, partner=partner, **fields)
    ReviewItem.objects.create(
        reason=problem.code,
        message=problem.message,
        channel=draft.channel,
        partner=partner,
        order=order,
        raw_source_id=draft.raw_source_id,
        departure_id=problem.details.get("departure_id"),
        draft=draft.model_dump(mode="json"),
        details={k: v for k, v in problem.details.items() if isinstance(v, (str, int, float, bool, type(None)))},
    )
    audit_record(actor=actor_for(draft), action="order.needs_review", order=order, data={"reason": problem.code})
    return order
