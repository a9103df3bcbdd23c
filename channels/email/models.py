"""Mailboxes we read, every message we took from them, the replies we send and the corrections we keep.

Uniqueness the channel relies on is a database constraint:
- one original message per (Message-ID, content hash): a redelivery or a
  re-fetch is recorded as a duplicate and never processed again;
- one order per (message, position in the message): reprocessing a stored
  message never books a second time, even for orders without a reference;
- one reply per message: a reprocessed message never sends a second reply.
"""

from django.db import models
from django.db.models import Q

from intake.models import Order, RawSource


class Mailbox(models.Model):
    """An IMAP mailbox that partners write to. Its secret is never stored in clear."""

    class Security(models.TextChoices):
        NONE = "none", "none (loopback and tests only)"
        STARTTLS = "starttls", "STARTTLS"
        SSL = "ssl", "SSL/TLS"

    name = models.SlugField(max_length=64, unique=True)
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=200)
    # Either the NAME of an environment variable holding the password, or the password
    # encrypted with a key derived from SECRET_KEY (see channels/email/secrets.py).
    password_env = models.CharField(max_length=100, blank=True)
    password_encrypted = models.TextField(blank=True, editable=False)
    folder = models.CharField(max_length=200, default="INBOX")
    processed_folder = models.CharField(max_length=200, default="Processed")
    active = models.BooleanField(default=True)
    # Seconds between fallback polls when IDLE brings nothing (or the server has no IDLE).
    poll_seconds = models.PositiveIntegerField(default=60)
    # Where the last pass stopped: messages above last_uid in this UIDVALIDITY are new.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "mailboxes"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.username}@{self.host})"


class InboundMessage(models.Model):
    """One message taken from a mailbox; an original points to its stored raw source."""

    class Status(models.TextChoices):
        STORED = "stored"  # raw bytes committed, not yet acted on
        PROCESSED = "processed"  # acted on (orders, cancellation, answer...)
        IGNORED = "ignored"  # not an order: auto-reply, bounce, newsletter, reply to us
        REVIEW = "review"  # a dispatcher must look (unreadable, reference not found...)
        DUPLICATE = "duplicate"  # same Message-ID and content as an earlier one
        FAILED = "failed"  # processing raised; a review item shows the mail

    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    raw_source = models.OneToOneField(
        RawSource, null=True, blank=True, on_delete=models.PROTECT, related_name="email_message"
    )
    message_id = models.CharField(max_length=300)  # the Message-ID header, or "<sha256:...>" when absent
    content_sha256 = models.CharField(max_length=64)  # body and identifying headers, not trace headers
    raw_sha256 = models.CharField(max_length=64)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    folder = models.CharField(max_length=200, blank=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STORED)
    kind = models.CharField(max_length=30, blank=True)  # the interpretation's kind
    interpretation = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id", "content_sha256"],
                condition=Q(duplicate_of__isnull=True),
                name="email_one_original_per_message",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="email_msg_status_received")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


class EmailOrder(models.Model):
    """The order made from the n-th order of a message: the marker that makes reprocessing harmless."""

    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="orders")
    position = models.PositiveIntegerField()
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="email_links")

    class Meta:
        ordering = ["message", "position"]
        constraints = [models.UniqueConstraint(fields=["message", "position"], name="email_one_order_per_position")]


class OutgoingReply(models.Model):
    """The one reply to one message, written with the outcome and sent after commit."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        SUPPRESSED = "suppressed"  # rate limit: recorded, never sent

    message = models.OneToOneField(InboundMessage, on_delete=models.CASCADE, related_name="reply")
    purpose = models.CharField(max_length=30)  # confirmation, refusal, availability, cancellation, ...
    to_address = models.CharField(max_length=254, db_index=True)
    language = models.CharField(max_length=8)
    context = models.JSONField(default=dict)  # what the templates render
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    outgoing_message_id = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "outgoing replies"
        indexes = [models.Index(fields=["to_address", "created_at"], name="email_reply_sender_time")]

    def __str__(self) -> str:
        return f"{self.purpose} to {self.to_address} ({self.status})"


class LabelledExample(models.Model):
    """A dispatcher's correction of an e-mail order: the mail and the draft it should have given."""

    raw_source = models.ForeignKey(RawSource, on_delete=models.PROTECT, related_name="labelled_examples")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="labelled_example")
    machine_draft = models.JSONField(default=dict, blank=True)  # what the extractor understood
    corrected_draft = models.JSONField(default=dict)  # what the dispatcher booked
    corrected_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"example from {self.raw_source_id} ({self.order_id})"


class PartnerLabelTemplate(models.Model):
    """A partner's own labels for a fixed layout ({"date": ["Svc day"], ...}), versioned.

    The newest active version refines the generic extractor for that partner.
    Versions are never edited in place: a change is a new version, so the mail
    read under an older one can still be explained.
    """

    partner = models.ForeignKey("intake.Partner", on_delete=models.CASCADE, related_name="label_templates")
    version = models.PositiveIntegerField()
    active = models.BooleanField(default=True)
    rules = models.JSONField(help_text='field -> labels, e.g. {"date": ["Svc day"], "reference": ["Vch"]}')
    note = models.CharField(max_length=200, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "-version"]
        constraints = [models.UniqueConstraint(fields=["partner", "version"], name="one_label_template_version")]

    def __str__(self) -> str:
        return f"{self.partner.code} v{self.version}"
