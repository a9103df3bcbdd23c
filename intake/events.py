"""The registry through which order and availability changes flow outward.

A service that changes an order calls `publish()` inside its transaction: the
outbox row commits with the change or not at all, and that is all the request
does. The outbox relay (intake/outbox_relay.py: the `outbox_relay` command,
and a step of the every-minute delivery sweep) then tells each subscriber of
the event's topic its id, outside the request. Subscribers must only enqueue
work or write rows (never call the network) and must be idempotent: an event
may be handed to them more than once (a retry after another subscriber
failed). Channels subscribe in their AppConfig.ready(); intake and
availability never import a channel.
"""

from collections.abc import Callable

from intake.compiled_rows import insert_all
from intake.models import OutboxEvent

ORDER_CREATED = "order.created"
ORDER_CONFIRMED = "order.confirmed"
ORDER_AMENDED = "order.amended"
ORDER_CANCELLED = "order.cancelled"
ORDER_EXPIRED = "order.expired"
ORDER_REJECTED = "order.rejected"
DEPARTURE_CLOSED = "departure.closed"
AVAILABILITY_CHANGED = "availability.changed"

Subscriber = Callable[[int], None]
BatchSubscriber = Callable[[list[int]], None]
_subscribers: dict[str, list[Subscriber]] = {}
_batch_subscribers: dict[str, list[BatchSubscriber]] = {}


def subscribe(topic: str, handler: Subscriber) -> None:
    """Register `handler(event_id)` for a topic, or "*" for all. Idempotent."""
    handlers = _subscribers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def subscribe_batch(topic: str, handler: BatchSubscriber) -> None:
    """Register `handler(event_ids)` for a topic, or "*" for all: told the ids of many events at once. Idempotent.

    The relay passes the events of one batch in id order (a retry: one event at
    a time). For a subscriber that queries per event, this saves round trips.
    """
    handlers = _batch_subscribers.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def subscribers(topic: str) -> list[Subscriber]:
    return [*_subscribers.get(topic, []), *_subscribers.get("*", [])]


def batch_subscribers(topic: str) -> list[BatchSubscriber]:
    return [*_batch_subscribers.get(topic, []), *_batch_subscribers.get("*", [])]


def event(*, topic: str, payload: dict, order=None, departure_id: int | None = None) -> OutboxEvent:
    """An event not written yet: the caller writes it with its other rows in its transaction
    (intake.compiled_rows.insert_together), in list order (ids ascend with it)."""
    return OutboxEvent(topic=topic, order=order, departure_id=departure_id, payload=payload)


def publish(*, topic: str, payload: dict, order=None, departure_id: int | None = None) -> OutboxEvent:
    """Write the event in the caller's transaction; the outbox relay hands it to the subscribers after commit."""
    written = event(topic=topic, order=order, departure_id=departure_id, payload=payload)
    insert_all([written])
    return written

