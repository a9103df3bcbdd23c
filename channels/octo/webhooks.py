"""octo/webhooks: a reseller registers URLs for `booking_update` and `availability_update`.

Endpoints are the generic partner webhook endpoints of intake.dispatch (signed
Standard Webhooks, retried and dead-lettered like dispatch deliveries, only the
reseller's own orders plus availability changes). This module only translates:
the OCTO webhook object, and the payload builder registered as kind "octo"
that turns an outbox event into OCTO JSON at delivery time.
"""

from channels.octo.context import CHANNEL, OctoContext
from channels.octo.errors import OctoError
from intake import events
from intake.dispatch.endpoints import webhook_endpoint_delete, webhook_endpoint_register, webhook_endpoints

PAYLOAD_KIND = "octo"
EVENT_TOPICS = {
    "booking_update": [events.ORDER_CREATED, events.ORDER_CONFIRMED, events.ORDER_AMENDED, events.ORDER_CANCELLED,
                       events.ORDER_EXPIRED, events.ORDER_REJECTED],
    "availability_update": [events.AVAILABILITY_CHANGED],
}
WEBHOOK_CAPABILITIES = ("octo/pricing",)  # what the booking JSON of a webhook carries


def _event_name(connector) -> str:
    topics = set(connector.topics or [])
    return "availability_update" if topics == {events.AVAILABILITY_CHANGED} else "booking_update"


def webhook_wire(connector, secret: str | None = None) -> dict:
    data = {
        "id": str(connector.pk),
        "event": _event_name(connector),
        "url": connector.url,
        "capabilities": list(WEBHOOK_CAPABILITIES),
        "retryOnError": True,
        "useContactLanguage": False,
    }
    if secret is not None:
        data["secret"] = secret  # shown once: verifies the webhook-signature header
    return data


def octo_webhook_create(*, partner, url: str, event: str) -> dict:
    if event not in EVENT_TOPICS:
        raise OctoError("BAD_REQUEST", f"event must be one of {', '.join(EVENT_TOPICS)}")
    if not url.startswith(("https://", "http://")):
        raise OctoError("BAD_REQUEST", "url must be an http(s) URL")
    connector, secret = webhook_endpoint_register(
        partner=partner, url=url, topics=EVENT_TOPICS[event], payload_kind=PAYLOAD_KIND, name=f"octo {event} {url}"
    )
    return webhook_wire(connector, secret)


def octo_webhooks(*, partner) -> list[dict]:
    return [webhook_wire(c) for c in webhook_endpoints(partner=partner) if c.payload_kind == PAYLOAD_KIND]


def octo_webhook_delete(*, partner, webhook_id: str) -> None:
    if not webhook_id.isdigit() or not webhook_endpoint_delete(endpoint_id=int(webhook_id), partner=partner):
        raise OctoError("BAD_REQUEST", f"There is no webhook {webhook_id!r}")


def octo_webhook_payload(event, connector) -> dict | None:
    """The OCTO body of one outbox event for one reseller endpoint; None skips events that are not OCTO's."""
    from availability.selectors import departure_option_ids, slot_for_option_departure
    from availability.models import Option
    from channels.octo.bookings import booking_wire
    from channels.octo.slots import slot_wire
    from intake.models import Order

    ctx = OctoContext(partner=connector.partner, capabilities=WEBHOOK_CAPABILITIES)
    webhook = webhook_wire(connector)
    if event.topic == events.AVAILABILITY_CHANGED:
        departure_id = (event.payload or {}).get("departure_id") or event.departure_id
        if departure_id is None:
            return None
        updates = []
        for option in Option.objects.select_related("product").filter(pk__in=departure_option_ids(departure_id=departure_id)):
            slot = slot_for_option_departure(option_id=option.pk, departure_id=departure_id)
            if slot is not None:
                updates.append({"productId": option.product.code, "optionId": option.code,
                                "availability": slot_wire(slot, ctx=ctx, max_units=option.max_units).wire()})
        return {"webhook": webhook, "availabilities": updates} if updates else None
    order = Order.objects.select_related("product", "option", "hold").filter(pk=event.order_id).first()
    if order is None or order.channel != CHANNEL or order.partner_id != connector.partner_id:
        return None
    return {"webhook": webhook, "booking": booking_wire(order, ctx=ctx).wire()}
