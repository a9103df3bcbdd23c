"""Process one stored message: interpret it, act on it, write the reply; all or nothing, exactly once.

The InboundMessage row is locked and its status checked inside the
transaction, so two workers (or a retry) processing the same message make
one set of orders and one reply. Order markers (EmailOrder) and the reply
row (one per message) are database constraints behind that check.
"""

import logging
import time
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from channels.email.actions import message_act
from channels.email.interpretation import Interpretation
from channels.email.models import InboundMessage
from channels.email.replies import reply_plan
from intake.models import RawSource
from intake.services import raw_source_mark
from intake.services.review import review_open

log = logging.getLogger(__name__)

RAW_STATUS = {
    InboundMessage.Status.PROCESSED: RawSource.Status.PROCESSED,
    InboundMessage.Status.REVIEW: RawSource.Status.PROCESSED,
    InboundMessage.Status.IGNORED: RawSource.Status.IGNORED,
    InboundMessage.Status.DUPLICATE: RawSource.Status.IGNORED,
    InboundMessage.Status.FAILED: RawSource.Status.FAILED,
}

_catalogue = {"index": None, "at": 0.0}


def catalogue_current():
    """The parser's catalogue index, rebuilt at most every EMAIL_CATALOGUE_TTL seconds."""
    from channels.email.parsing import catalogue_index_from_db

    ttl = getattr(settings, "EMAIL_CATALOGUE_TTL", 30)
    if _catalogue["index"] is None or time.monotonic() - _catalogue["at"] > ttl:
        _catalogue["index"] = catalogue_index_from_db()
        _catalogue["at"] = time.monotonic()
    return _catalogue["index"]


def catalogue_forget() -> None:
    _catalogue["index"] = None


def message_interpret(raw: bytes) -> Interpretation:
    interpret = import_string(getattr(settings, "EMAIL_INTERPRETER", "channels.email.parsing.interpret_message"))
    return interpret(raw, catalogue=catalogue_current())


def message_process(*, message_id: int) -> InboundMessage:
    """Interpret and act on one stored message. Calling it again for a done message does nothing."""
    message = InboundMessage.objects.select_related("raw_source").get(pk=message_id)
    if message.status != InboundMessage.Status.STORED:
        return message
    try:
        interpretation = message_interpret(bytes(message.raw_source.body))
    except Exception as exc:  # the parser promises not to raise; if it does, a person looks at the mail
        return _message_fail(message=message, reason="email_unreadable", exc=exc)
    try:
        with transaction.atomic():
            locked = InboundMessage.objects.select_for_update().get(pk=message_id)
            if locked.status != InboundMessage.Status.STORED:
                return locked
            outcome = message_act(message=locked, interpretation=interpretation)
            reply_plan(message=locked, interpretation=interpretation, outcome=outcome)
            locked.status = outcome.status
            locked.kind = interpretation.kind
            locked.interpretation = interpretation.model_dump(mode="json")
            locked.processed_at = timezone.now()
            locked.error = outcome.problem or ""
            locked.save(update_fields=["status", "kind", "interpretation", "processed_at", "error"])
            raw_source_mark(raw_source_id=locked.raw_source_id, status=RAW_STATUS[outcome.status],
                            error=outcome.problem or "")
            return locked
    except Exception as exc:
        return _message_fail(message=message, reason="email_processing_failed", exc=exc)


def _message_fail(*, message: InboundMessage, reason: str, exc: Exception) -> InboundMessage:
    log.exception("e-mail %s could not be processed", message.message_id)
    text = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        updated = InboundMessage.objects.filter(pk=message.pk, status=InboundMessage.Status.STORED).update(
            status=InboundMessage.Status.FAILED, error=text[:5000] + "\n" + traceback.format_exc()[-3000:],
            processed_at=timezone.now())
        if updated:
            raw_source_mark(raw_source_id=message.raw_source_id, status=RawSource.Status.FAILED, error=text)
            review_open(reason=reason, message=f"the mail could not be processed: {text}"[:2000], channel="email",
                        raw_source=message.raw_source, details={"message_id": message.message_id})
    message.refresh_from_db()
    return message


def raw_source_process(*, raw_source_id: int) -> InboundMessage | None:
    message = InboundMessage.objects.filter(raw_source_id=raw_source_id).only("pk").first()
    return message_process(message_id=message.pk) if message else None


def message_reprocess(*, message_id: int) -> InboundMessage:
    """A dispatcher's retry of a failed message (e.g. after a parser fix). Markers keep it single."""
    InboundMessage.objects.filter(pk=message_id, status=InboundMessage.Status.FAILED).update(
        status=InboundMessage.Status.STORED, error="")
    return message_process(message_id=message_id)


def messages_process_pending(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Process stored messages nobody picked up (a crash between commit and enqueue)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(InboundMessage.objects.filter(status=InboundMessage.Status.STORED, received_at__lte=cutoff)
               .values_list("pk", flat=True)[:limit])
    for message_id in ids:
        message_process(message_id=message_id)
    return len(ids)
