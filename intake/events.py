"""The registry through which order and availability changes flow outward.

A service that changes an order calls `publish()` inside its transaction: the
outbox row commits with the change or not at all. After commit, subscribers
are told the event id; they must only enqueue work (a django-q2 task), never
call the network themselves. A periodic sweep covers a crash between commit
and notification. Channels subscribe in their AppConfig.ready(); intake and
availability never import a channel.
"""

import logging
from collections.abc import Callable

from django.db import transaction

from intake.models import OutboxEvent

log = logging.getLogger(__name__)

ORDER_CREATED = "order.created"
ORDER_CONFIRMED = "order.confirmed"
ORDER_AMENDED = "order.amended"
ORDER_CANCELLED = "order.cancelled"
ORDER_EXPIRED = "order.expired"
ORDER_REJECTED = "order.rejected"
DEPARTURE_CLOSED = "departure.closed"
AVAILABILITY_CHANGED = "availability.changed"

Subscriber = Callable[[int], None]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(topic: str, handler: Subscriber) -> None:
    """Register `handler(event_id)` for a topic, or "*" for all. Idempotent."""
    handlers = _subscribers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def subscribers(topic: str) -> list[Subscriber]:
    return [*_subscribers.get(topic, []), *_subscribers.get("*", [])]


def publish(*, topic: str, payload: dict, order=None, departure_id: int | None = None) -> OutboxEvent:
    event = OutboxEvent.objects.create(topic=topic, order=order, departure_id=departure_id, payload=payload)
    transaction.on_commit(lambda: _notify(topic, event.pk))
    return event


def _notify(topic: str, event_id: int) -> None:
    for handler in subscribers(topic):
        try:
            handler(event_id)
        except Exception:  # a broken subscriber must not break the request; the sweep retries
            log.exception("outbox subscriber %r failed for event %s", handler, event_id)
