"""Store one fetched message: raw bytes and identity in one transaction, committed before the server is touched.

A message whose Message-ID and content were seen before is recorded as a
duplicate (no raw copy, never processed); the same IMAP message fetched
again after a crash is recognised and not recorded twice.
"""

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from channels.email.ingest.identity import message_identity
from channels.email.models import InboundMessage, Mailbox
from intake.services import raw_source_store

CHANNEL = "email"


@dataclass
class StoreResult:
    message: InboundMessage
    created: bool  # False: this very IMAP message was stored before (a re-fetch after a crash)
    duplicate: bool  # True: same Message-ID and content as an earlier message


def _same_delivery(existing: InboundMessage, *, mailbox, uidvalidity, uid) -> bool:
    return (
        existing.mailbox_id == (mailbox.pk if mailbox else None)
        and existing.uidvalidity == uidvalidity
        and existing.uid == uid
        and uid is not None
    )


def message_store(
    *, raw: bytes, mailbox: Mailbox | None = None, folder: str = "", uidvalidity: int | None = None,
    uid: int | None = None,
) -> StoreResult:
    """Commit the message (or its duplicate record) and return what happened. Safe to call twice."""
    identity = message_identity(raw)
    place = dict(mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, uid=uid)
    original = InboundMessage.objects.filter(
        message_id=identity.message_id, content_sha256=identity.content_sha256, duplicate_of__isnull=True
    ).first()
    if original is not None:
        return _record_duplicate(original=original, identity=identity, raw=raw, **place)
    try:
        with transaction.atomic():
            raw_source = raw_source_store(
                channel=CHANNEL,
                body=raw,
                content_type="message/rfc822",
                source_key=identity.message_id,
                metadata={
                    "mailbox": mailbox.name if mailbox else None,
                    "folder": folder,
                    "uidvalidity": uidvalidity,
                    "uid": uid,
                    "message_id": identity.message_id,
                    "content_sha256": identity.content_sha256,
                },
            )
            message = InboundMessage.objects.create(
                raw_source=raw_source,
                message_id=identity.message_id,
                content_sha256=identity.content_sha256,
                raw_sha256=raw_source.sha256,
                sender=identity.sender,
                subject=identity.subject,
                **place,
            )
    except IntegrityError:
        # Another worker stored the same message a moment ago: the constraint decided.
        original = InboundMessage.objects.get(
            message_id=identity.message_id, content_sha256=identity.content_sha256, duplicate_of__isnull=True
        )
        return _record_duplicate(original=original, identity=identity, raw=raw, **place)
    return StoreResult(message=message, created=True, duplicate=False)


def _record_duplicate(*, original: InboundMessage, identity, raw: bytes, mailbox, folder, uidvalidity, uid) -> StoreResult:
    if _same_delivery(original, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid):
        return StoreResult(message=original, created=False, duplicate=False)
    earlier = original.duplicates.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first() if uid else None
    if earlier is not None:
        return StoreResult(message=earlier, created=False, duplicate=True)
    with transaction.atomic():
        duplicate = InboundMessage.objects.create(
            duplicate_of=original,
            status=InboundMessage.Status.DUPLICATE,
            kind="duplicate",
            message_id=identity.message_id,
            content_sha256=identity.content_sha256,
            raw_sha256=hashlib.sha256(raw).hexdigest(),
            sender=identity.sender,
            subject=identity.subject,
            mailbox=mailbox,
            folder=folder,
            uidvalidity=uidvalidity,
            uid=uid,
        )
    return StoreResult(message=duplicate, created=True, duplicate=True)
