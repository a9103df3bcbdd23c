"""Webhook endpoints that a channel registers for one partner (e.g. an OCTO reseller's webhook URL).

Such an endpoint is a webhook Connector with `partner` set: it receives only
events of that partner's orders, plus `availability.changed` for everyone,
signed and retried exactly like the operator's own dispatch deliveries.
"""

from django.db import transaction

from intake.dispatch.models import Connector, WebhookSecret, new_webhook_secret
from intake.events import ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_CREATED

PARTNER_DEFAULT_TOPICS = [ORDER_CREATED, ORDER_CONFIRMED, ORDER_CANCELLED]


def webhook_endpoint_register(*, partner, url: str, topics: list[str] | None = None, secret: str | None = None,
                              payload_kind: str = "canonical", name: str = "") -> tuple[Connector, str]:
    """Create an active endpoint; returns (endpoint, its signing secret `whsec_...`), to show to the partner once."""
    secret = secret or new_webhook_secret()
    with transaction.atomic():
        endpoint = Connector.objects.create(
            name=(name or f"{partner.code} webhook {url}")[:100], kind=Connector.Kind.WEBHOOK, partner=partner,
            url=url, topics=list(topics or PARTNER_DEFAULT_TOPICS), payload_kind=payload_kind)
        WebhookSecret.objects.create(connector=endpoint, secret=secret)
    return endpoint, secret


def webhook_endpoint_delete(*, endpoint_id: int, partner=None) -> bool:
    """Delete an endpoint (and its pending deliveries); with `partner`, only if it is that partner's. True if deleted."""
    query = Connector.objects.filter(pk=endpoint_id, kind=Connector.Kind.WEBHOOK, partner__isnull=False)
    if partner is not None:
        query = query.filter(partner=partner)
    deleted, _ = query.delete()
    return bool(deleted)


def webhook_endpoints(*, partner) -> list[Connector]:
    return list(Connector.objects.filter(partner=partner, kind=Connector.Kind.WEBHOOK).order_by("pk"))


def webhook_secret_rotate(*, connector_id: int, retire_old: bool = False) -> str:
    """Add a new active secret; the old ones keep signing until `retire_old` (or the admin) retires them."""
    with transaction.atomic():
        connector = Connector.objects.select_for_update().get(pk=connector_id, kind=Connector.Kind.WEBHOOK)
        if retire_old:
            connector.secrets.filter(active=True).update(active=False)
        return WebhookSecret.objects.create(connector=connector).secret
