"""What dispatchers do with review items: correct and resubmit, reject, resolve."""

from django.db import transaction
from django.utils import timezone

from intake import events
from intake.canonical import order_document
from intake.drafts import OrderDraft
from intake.errors import IntakeError, InvalidOrderState
from intake.models import Order, OrderStatus, ReviewItem
from intake.services.audit import audit_record
from intake.services.order_changes import order_lock
from intake.services.orders import _order_fields, _take_seats, order_lines_write
from intake.services.resolution import draft_resolve


def _close_items(order: Order, *, status: str, by: str, resolution: str) -> None:
    order.review_items.filter(status=ReviewItem.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=by, resolution=resolution[:2000]
    )


def order_resubmit(*, order_id: int, draft: OrderDraft, user: str) -> Order:
    """Book a needs_review order with a dispatcher's corrected draft, through the same rules.

    Raises the IntakeError if it still cannot be booked; the order stays in review.
    """
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status != OrderStatus.NEEDS_REVIEW:
            raise InvalidOrderState(f"order is {order.status}", order_reference=order.reference)
        draft = draft.model_copy(update={"raw_source_id": order.raw_source_id, "channel": order.channel})
        resolved = draft_resolve(draft=draft)
        hold = _take_seats(resolved=resolved, draft=draft, hold_ttl=None)
        for name, value in _order_fields(draft=draft, resolved=resolved).items():
            setattr(order, name, value)
        order.hold = hold
        order.status = OrderStatus.CONFIRMED
        order.confirmed_at = timezone.now()
        order.save()
        order_lines_write(order=order, lines=resolved.lines)
        actor = f"user:{user}"
        audit_record(actor=actor, action="order.resubmitted", order=order, departure=order.departure,
                     data={"draft": draft.model_dump(mode="json")})
        _close_items(order, status=ReviewItem.Status.RESOLVED, by=user, resolution="corrected and booked")
        events.publish(topic=events.ORDER_CREATED, order=order, payload=order_document(order))
        events.publish(topic=events.ORDER_CONFIRMED, order=order, payload=order_document(order))
        events.publish(topic=events.AVAILABILITY_CHANGED, departure_id=order.departure_id,
                       payload={"departure_id": order.departure_id})
        return order


def order_reject(*, order_id: int, user: str, reason: str) -> Order:
    """Refuse a needs_review order; the reason goes back to the sender through its channel."""
    with transaction.atomic():
        order = order_lock(order_id=order_id)
        if order.status != OrderStatus.NEEDS_REVIEW:
            raise InvalidOrderState(f"order is {order.status}", order_reference=order.reference)
        order.status = OrderStatus.REJECTED
        order.cancel_reason = reason[:300]
        order.save(update_fields=["status", "cancel_reason", "updated_at"])
        audit_record(actor=f"user:{user}", action="order.rejected", order=order, data={"reason": reason})
        _close_items(order, status=ReviewItem.Status.REJECTED, by=user, resolution=reason)
        events.publish(topic=events.ORDER_REJECTED, order=order, payload=order_document(order))
        return order


def review_open(*, reason: str, message: str, channel: str, partner=None, raw_source=None, order=None,
                departure_id: int | None = None, draft: dict | None = None, details: dict | None = None) -> ReviewItem:
    """A review item that is not about an order draft (an unreadable mail, a dead delivery, ...)."""
    return ReviewItem.objects.create(
        reason=reason, message=message, channel=channel, partner=partner, raw_source=raw_source, order=order,
        departure_id=departure_id, draft=draft or {}, details=details or {},
    )


def review_resolve(*, item_id: int, user: str, resolution: str = "") -> ReviewItem:
    with transaction.atomic():
        ReviewItem.objects.filter(pk=item_id, status=ReviewItem.Status.OPEN).update(
            status=ReviewItem.Status.RESOLVED, resolved_at=timezone.now(), resolved_by=user, resolution=resolution
        )
        item = ReviewItem.objects.get(pk=item_id)
        audit_record(actor=f"user:{user}", action="review.resolved", order=item.order, data={"item": item_id})
        return item


def problem_describe(problem: IntakeError) -> dict:
    return {"code": problem.code, "message": problem.message, **{
        k: v for k, v in problem.details.items() if isinstance(v, (str, int, float, bool, type(None)))}}
