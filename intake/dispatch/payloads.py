"""Payload builders: what body an event becomes for a connector.

The default "canonical" builder sends a Standard Webhooks envelope whose
`data` is the canonical order document (docs/canonical-order.md) as it was
when the event happened. A channel that wants its own wire format (OCTO
booking JSON for a reseller's webhook) registers a builder in its
AppConfig.ready():

    from intake.dispatch import payloads
    payloads.register("octo", octo_webhook_payload)

and registers endpoints with `payload_kind="octo"`. A builder is
`fn(event: OutboxEvent, connector: Connector) -> dict | None`; None means
"nothing to send for this event" (the delivery is marked delivered as skipped).
"""

from collections.abc import Callable

from intake.models import OutboxEvent

Builder = Callable[[OutboxEvent, "Connector"], dict | None]  # noqa: F821
_builders: dict[str, Builder] = {}


class UnknownPayloadKind(LookupError):
    pass


def register(kind: str, fn: Builder) -> None:
    """Register (or replace) the builder for a payload kind. Call from AppConfig.ready()."""
    _builders[kind] = fn


def registered_kinds() -> list[str]:
    return sorted(_builders)


def build(*, event: OutboxEvent, connector) -> dict | None:
    try:
        builder = _builders[connector.payload_kind or "canonical"]
    except KeyError:
        raise UnknownPayloadKind(f"no payload builder registered for kind {connector.payload_kind!r}") from None
    return builder(event, connector)


def canonical_envelope(event: OutboxEvent, connector=None) -> dict:
    """{"type": topic, "timestamp": when it happened (UTC), "data": the event's payload}."""
    return {
        "type": event.topic,
        "timestamp": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": event.payload,
    }


register("canonical", canonical_envelope)
