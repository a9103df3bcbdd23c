"""Where order events go: connectors (webhook endpoints, file drops) and one delivery row per event.

A connector without a partner is one of the operator's dispatch systems and
receives every event of its topics. A webhook connector owned by a partner is
a channel's endpoint (e.g. an OCTO reseller's) and receives only events of
that partner's orders, plus availability changes. Retry state lives here, not
in the task broker.
"""

import base64
import secrets as secret_tokens

from django.db import models
from django.db.models import Q

from intake.models import Order, OutboxEvent, Partner

DISPATCH_TOPICS = [
    "order.created", "order.confirmed", "order.amended", "order.cancelled",
    "order.expired", "order.rejected", "departure.closed",
]


def default_topics() -> list[str]:
    return list(DISPATCH_TOPICS)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secret_tokens.token_bytes(32)).decode()


class Connector(models.Model):
    class Kind(models.TextChoices):
        WEBHOOK = "webhook", "HTTP webhook"
        FILE_DROP = "file_drop", "File drop"

    class FileFormat(models.TextChoices):
        CSV = "csv", "CSV"
        JSONL = "jsonl", "JSON Lines"

    class FilePer(models.TextChoices):
        BATCH = "batch", "one file per batch"
        ORDER = "order", "one file per order event"

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    active = models.BooleanField(default=True)
    # Owned by a partner: a channel's endpoint that sees only that partner's orders.
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="connectors")
    topics = models.JSONField(default=default_topics, blank=True, help_text="Event topics this connector receives.")
    # Which payload builder makes the body: "canonical" (docs/canonical-order.md) or one a channel registered.
    payload_kind = models.CharField(max_length=40, default="canonical")
    # webhook
    url = models.URLField(max_length=500, blank=True)
    timeout_seconds = models.PositiveIntegerField(default=10)
    # file drop
    directory = models.CharField(max_length=500, blank=True)
    file_format = models.CharField(max_length=5, choices=FileFormat.choices, default=FileFormat.CSV)
    file_per = models.CharField(max_length=5, choices=FilePer.choices, default=FilePer.BATCH)
    encoding = models.CharField(max_length=20, default="utf-8-sig", help_text="e.g. windows-1250, utf-8-sig, utf-8")
    separator = models.CharField(max_length=1, default=";")
    decimal_comma = models.BooleanField(default=True)
    date_format = models.CharField(max_length=40, default="%Y-%m-%d %H:%M", help_text="strftime format, local time")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="webhook") & ~Q(url="")) | (Q(kind="file_drop") & ~Q(directory="")),
                name="connector_has_target",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def active_secrets(self) -> list[str]:
        return [s.secret for s in self.secrets.all() if s.active]


class WebhookConnector(Connector):
    class Meta:
        proxy = True
        verbose_name = "webhook connector"


class FileDropConnector(Connector):
    class Meta:
        proxy = True
        verbose_name = "file drop connector"


class WebhookSecret(models.Model):
    """A signing secret; during a rotation several are active and every one signs."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=200, default=new_webhook_secret)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.secret[:10]}… ({'active' if self.active else 'retired'})"


class Delivery(models.Model):
    """One outbox event on its way to one connector, with its retry state."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    # Copied from the event so the per-order ordering guard is one indexed query.
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    in_flight_since = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # token of the attempt in flight
    last_error = models.TextField(blank=True)
    last_response = models.JSONField(default=dict, blank=True)  # {"status": 500, "body": "..."}
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["connector", "event"], name="one_delivery_per_connector_event")]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="delivery_due",
                         condition=Q(delivered_at__isnull=True, dead_at__isnull=True)),
            models.Index(fields=["connector", "order", "event"], name="delivery_order_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.event.topic} #{self.event_id} -> {self.connector}"

    @property
    def webhook_id(self) -> str:
        """The same on every retry, so a receiver can deduplicate."""
        return f"msg_{self.event.uuid.hex}"

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.dead_at:
            return "dead"
        if self.in_flight_since:
            return "in flight"
        return "failing" if self.attempts else "pending"

