"""Partners, raw inputs, canonical orders, review items, audit log and outbox.

Every uniqueness the business relies on is a database constraint here:
one order per (channel, partner, external reference), one raw source per
(channel, content hash), one credential per key prefix.
"""

import uuid

from django.db import models
from django.db.models import Q

from availability.models import Departure, Hold, Option, Product, Unit


class Partner(models.Model):
    """A reseller, hotel or agency that sends us orders through one or more channels."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, default="agency")  # hotel | agency | ota | reseller
    language = models.CharField(max_length=8, default="en")
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2, for phone numbers
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    # Addresses whose mail is from this partner; the partner's own phones are never a guest's.
    sender_addresses = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    # Labels the partner uses for ticket categories, e.g. {"Adult": "ADULT"}.
    unit_mapping = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PartnerProductMapping(models.Model):
    """A partner's own product id (and option id) for one of our options."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="product_mappings")
    external_id = models.CharField(max_length=100)
    external_option_id = models.CharField(max_length=100, blank=True)
    external_name = models.CharField(max_length=300, blank=True)
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="partner_mappings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "external_id", "external_option_id"], name="one_mapping_per_external_id"
            )
        ]


class PartnerCredential(models.Model):
    """An API key of a partner for one channel. Only a hash is stored; the key is shown once."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="credentials")
    channel = models.CharField(max_length=32)
    label = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.partner.code}/{self.channel}/{self.prefix}"


class RawSource(models.Model):
    """The input exactly as it arrived, stored before anything interprets it."""

    class Status(models.TextChoices):
        RECEIVED = "received"
        PROCESSED = "processed"
        FAILED = "failed"
        IGNORED = "ignored"

    channel = models.CharField(max_length=32)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL)
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    # Channel identity of the input: Message-ID, request id, form token...
    source_key = models.CharField(max_length=300, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["channel", "sha256"], name="raw_channel_hash"),
            models.Index(fields=["channel", "source_key"], name="raw_channel_key"),
            models.Index(fields=["status", "received_at"], name="raw_status_received"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.source_key}"


class OrderStatus(models.TextChoices):
    RECEIVED = "received"
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    NEEDS_REVIEW = "needs_review"


class Order(models.Model):
    """The canonical order, whatever channel it came through."""

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=12, unique=True)  # ours, shown to people
    channel = models.CharField(max_length=32)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    # Idempotency key within (channel, partner): the partner's booking id, an OCTO uuid, ...
    external_reference = models.CharField(max_length=200, null=True, blank=True)
    reseller_reference = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.RECEIVED)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT)
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.PROTECT)
    departure = models.ForeignKey(Departure, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    hold = models.OneToOneField(Hold, null=True, blank=True, on_delete=models.PROTECT, related_name="order")
    starts_at = models.DateTimeField(null=True, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)  # E.164
    contact_country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8, blank=True)
    notes = models.TextField(blank=True)
    total_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    test_mode = models.BooleanField(default=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    # The canonical draft as last accepted, and its fingerprint for idempotent repeats.
    draft = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    raw_source = models.ForeignKey(RawSource, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    # Channel-only data that the canonical form has no place for (e.g. OCTO unit item uuids).
    channel_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "partner", "external_reference"],
                condition=Q(external_reference__isnull=False),
                name="one_order_per_external_reference",
            ),
            # NULL partners are distinct in SQL unique indexes: cover them separately.
            models.UniqueConstraint(
                fields=["channel", "external_reference"],
                condition=Q(external_reference__isnull=False, partner__isnull=True),
                name="one_partnerless_order_per_external_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["departure", "status"], name="order_departure_status"),
            models.Index(fields=["status", "hold_expires_at"], name="order_status_expiry"),
            models.Index(fields=["reseller_reference"], name="order_reseller_reference"),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "unit"], name="one_line_per_unit")]


class ReviewItem(models.Model):
    """Something the machine could not decide; a dispatcher fixes, resubmits, rejects or resolves it."""

    class Status(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"
        REJECTED = "rejected"

    reason = models.CharField(max_length=40)  # an error code from intake.errors / availability.errors
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    channel = models.CharField(max_length=32)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="review_items")
    raw_source = models.ForeignKey(RawSource, null=True, blank=True, on_delete=models.PROTECT, related_name="review_items")
    departure = models.ForeignKey(Departure, null=True, blank=True, on_delete=models.SET_NULL)
    draft = models.JSONField(default=dict, blank=True)  # what the machine understood, for pre-filling
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "reason"], name="review_status_reason")]

    def __str__(self) -> str:
        return f"{self.reason} ({self.status})"


class AuditEvent(models.Model):
    """One business event: who did what to which order or departure, and with what data."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)  # "channel:octo/partner-code", "user:alice", "system"
    action = models.CharField(max_length=60)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_events")
    departure = models.ForeignKey(Departure, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change; the outbox relay hands it on after commit."""

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.CharField(max_length=60)  # order.created, order.confirmed, ... departure.closed
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_events")
    departure = models.ForeignKey(Departure, null=True, blank=True, on_delete=models.SET_NULL)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once every subscriber has run for the event (intake/outbox_relay.py); null = still to relay.
    relayed_at = models.DateTimeField(null=True, blank=True)
    # A subscriber raised: how often, when to try again, and the last error.
    relay_failures = models.PositiveIntegerField(default=0)
    relay_retry_at = models.DateTimeField(null=True, blank=True)
    relay_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["order", "id"], name="outbox_order_seq"),
            # Only the few events still to relay are in it: the relay's scan stays small however long the outbox.
            models.Index(fields=["id"], name="outbox_unrelayed", condition=Q(relayed_at__isnull=True)),
        ]


class OperatorProfile(models.Model):
    """The tour operator itself (one row): what OTAs show as the supplier."""

    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="Europe/Prague")
    currency = models.CharField(max_length=3, default="CZK")
    country = models.CharField(max_length=2, blank=True)
    website = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    order_mailbox = models.CharField(max_length=200, blank=True)
    own_domains = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


# Dispatch connectors and deliveries live in their own module; imported here so Django registers them.
from intake.dispatch.models import (  # noqa: E402,F401
    Connector,
    Delivery,
    FileDropConnector,
    WebhookConnector,
    WebhookSecret,
)
