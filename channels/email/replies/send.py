"""Send one reply by SMTP after commit: claimed first, so two workers never send it twice.

Threading: In-Reply-To is the partner's Message-ID, References its chain
plus that id. Our reply says Auto-Submitted: auto-replied so that the other
side's machines do not answer it either.
"""

import logging
from email import policy as email_policy
from email.parser import BytesHeaderParser
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import select_template
from django.utils import timezone

from channels.email.models import OutgoingReply

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_SENDING_MINUTES = 15


def _original_headers(raw: bytes):
    head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    return BytesHeaderParser(policy=email_policy.default).parsebytes(head + b"\r\n\r\n")


def _subject(original: str) -> str:
    original = " ".join((original or "").split())
    return original if original.lower().startswith("re:") else f"Re: {original}".strip()


def reply_render(reply: OutgoingReply) -> str:
    template = select_template([f"email/replies/{reply.language}.txt", "email/replies/en.txt"])
    return template.render(reply.context).strip() + "\n"


def reply_send(*, reply_id: int) -> OutgoingReply | None:
    with transaction.atomic():
        claimed = OutgoingReply.objects.filter(pk=reply_id, status=OutgoingReply.Status.PENDING).update(
            status=OutgoingReply.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return None  # sent, suppressed, or another worker has it
    reply = OutgoingReply.objects.select_related("message__raw_source").get(pk=reply_id)
    headers = _original_headers(bytes(reply.message.raw_source.body))
    original_id = reply.message.message_id if not reply.message.message_id.startswith("<sha256:") else ""
    references = " ".join(str(headers.get("References", "")).split() + ([original_id] if original_id else []))
    sender = getattr(settings, "EMAIL_REPLY_FROM", "") or settings.DEFAULT_FROM_EMAIL
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    outgoing_id = reply.outgoing_message_id or make_msgid(domain=domain)
    extra = {"Message-ID": outgoing_id, "Auto-Submitted": "auto-replied", "Content-Language": reply.language}
    if original_id:
        extra.update({"In-Reply-To": original_id, "References": references})
    email = EmailMessage(subject=_subject(str(headers.get("Subject", ""))), body=reply_render(reply),
                         from_email=sender, to=[reply.to_address], headers=extra)
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # SMTP down: try again later, up to MAX_ATTEMPTS
        status = OutgoingReply.Status.FAILED if reply.attempts >= MAX_ATTEMPTS else OutgoingReply.Status.PENDING
        OutgoingReply.objects.filter(pk=reply.pk).update(status=status, error=f"{type(exc).__name__}: {exc}"[:2000],
                                                         outgoing_message_id=outgoing_id)
        log.warning("reply %s to %s not sent: %s", reply.pk, reply.to_address, exc)
        return reply
    OutgoingReply.objects.filter(pk=reply.pk).update(status=OutgoingReply.Status.SENT, sent_at=timezone.now(),
                                                     outgoing_message_id=outgoing_id, error="")
    reply.refresh_from_db()
    return reply


def replies_send_pending(*, older_than_seconds: int = 60) -> int:
    """Retry replies left pending (SMTP down, crash before enqueue) or stuck while sending."""
    now = timezone.now()
    OutgoingReply.objects.filter(status=OutgoingReply.Status.SENDING,
                                 created_at__lte=now - timezone.timedelta(minutes=STALE_SENDING_MINUTES)).update(
        status=OutgoingReply.Status.PENDING)
    ids = list(OutgoingReply.objects.filter(status=OutgoingReply.Status.PENDING,
                                            created_at__lte=now - timezone.timedelta(seconds=older_than_seconds))
               .values_list("pk", flat=True)[:200])
    for reply_id in ids:
        reply_send(reply_id=reply_id)
    return len(ids)
