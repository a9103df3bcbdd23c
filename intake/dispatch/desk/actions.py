"""What a dispatcher does to a review item, each through the services that own the change."""

from django.db import transaction
from django.utils import timezone

from intake.dispatch.services import delivery_retry
from intake.drafts import OrderDraft
from intake.errors import InvalidOrderState
from intake.models import Order, OrderStatus, ReviewItem
from intake.services.audit import audit_record
from intake.services.orders import order_submit
from intake.services.review import order_reject, order_resubmit, review_resolve


def review_item_resubmit(*, item_id: int, draft: OrderDraft, user: str) -> Order:
    """Book the corrected draft through the one door; raises the IntakeError if it still cannot be booked."""
    item = ReviewItem.objects.select_related("order").get(pk=item_id)
    if item.status != ReviewItem.Status.OPEN:
        raise InvalidOrderState(f"review item is {item.status}")
    if item.order is not None:
        if item.order.status != OrderStatus.NEEDS_REVIEW:
            raise InvalidOrderState(f"order is {item.order.status}", order_reference=item.order.reference)
        return order_resubmit(order_id=item.order_id, draft=draft, user=user)
    # Nothing was booked yet (e.g. an unreadable e-mail): the corrected draft is a new submission.
    draft = draft.model_copy(update={"raw_source_id": item.raw_source_id, "channel": item.channel})
    order = order_submit(draft=draft, review_on_problem=False).order
    with transaction.atomic():
        ReviewItem.objects.filter(pk=item_id).update(order=order)
        review_resolve(item_id=item_id, user=user, resolution=f"corrected and booked as {order.reference}")
    return order


def review_item_reject(*, item_id: int, user: str, reason: str) -> ReviewItem:
    item = ReviewItem.objects.select_related("order").get(pk=item_id)
    if item.order is not None and item.order.status == OrderStatus.NEEDS_REVIEW:
        order_reject(order_id=item.order_id, user=user, reason=reason)
    else:
        with transaction.atomic():
            ReviewItem.objects.filter(pk=item_id, status=ReviewItem.Status.OPEN).update(
                status=ReviewItem.Status.REJECTED, resolved_at=timezone.now(), resolved_by=user, resolution=reason)
            audit_record(actor=f"user:{user}", action="review.rejected", order=item.order,
                         data={"item": item_id, "reason": reason})
    return ReviewItem.objects.get(pk=item_id)


def review_item_retry_delivery(*, item_id: int, user: str) -> ReviewItem:
    """For a dead delivery: send it again now and close the item (a new one opens if it dies again)."""
    item = ReviewItem.objects.get(pk=item_id)
    delivery_id = (item.details or {}).get("delivery_id")
    if not delivery_id:
        raise InvalidOrderState("this review item is not about a delivery")
    delivery_retry(delivery_id=delivery_id, user=user)
    return review_resolve(item_id=item_id, user=user, resolution="delivery retried")
