"""Closing a departure (weather, breakdown) and flagging its orders for the dispatchers."""

from django.db import transaction

from availability.services import departure_close as seats_departure_close
from intake import events
from intake.models import Order, OrderStatus, ReviewItem
from intake.services.audit import audit_record


def departure_close(*, departure_id: int, reason: str, user: str) -> int:
    """Close for sale and open one review item per live order on it; returns how many orders are affected."""
    with transaction.atomic():
        departure = seats_departure_close(departure_id=departure_id, reason=reason)
        orders = list(Order.objects.filter(departure_id=departure_id, status__in=[OrderStatus.HELD, OrderStatus.CONFIRMED]))
        ReviewItem.objects.bulk_create(
            ReviewItem(reason="departure_closed", message=reason, channel=o.channel, partner_id=o.partner_id,
                       order=o, departure_id=departure_id, raw_source_id=o.raw_source_id)
            for o in orders
        )
        audit_record(actor=f"user:{user}", action="departure.closed", departure=departure,
                     data={"reason": reason, "orders": [o.reference for o in orders]})
        events.publish(topic=events.DEPARTURE_CLOSED, departure_id=departure_id, payload={
            "departure_id": departure_id, "reason": reason, "starts_at": departure.starts_at.isoformat(),
            "orders": [str(o.uuid) for o in orders]})
        events.publish(topic=events.AVAILABILITY_CHANGED, departure_id=departure_id, payload={"departure_id": departure_id})
        return len(orders)
