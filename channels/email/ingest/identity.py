"""What makes two deliveries the same message: its Message-ID and its content, not its trace headers.

A redelivered message carries the same Message-ID and body but new
`Received`/`Delivered-To` lines on top, so the raw bytes differ; the
content hash covers only the body and the headers the sender wrote.
"""

import hashlib
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from email.utils import parseaddr

# Headers written by the sender (or its mail client); everything else is transport.
IDENTIFYING_HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references", "content-type")


@dataclass(frozen=True)
class MessageIdentity:
    message_id: str
    content_sha256: str
    sender: str
    subject: str


def _split(raw: bytes) -> tuple[bytes, bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(separator)
        if found:
            return head, body
    return raw, b""


def message_identity(raw: bytes) -> MessageIdentity:
    head, body = _split(raw)
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(head + b"\r\n\r\n")
    digest = hashlib.sha256()
    for name in IDENTIFYING_HEADERS:
        for value in headers.get_all(name) or ():
            digest.update(name.encode() + b":" + " ".join(str(value).split()).encode("utf-8", "surrogateescape") + b"\n")
    digest.update(b"\n" + body.replace(b"\r\n", b"\n").rstrip(b"\n"))
    content_sha256 = digest.hexdigest()
    message_id = " ".join(str(headers.get("Message-ID", "")).split())[:300] or f"<sha256:{content_sha256}>"
    sender = parseaddr(str(headers.get("From", "")))[1].lower()[:254]
    subject = _decoded_subject(headers.get("Subject", ""))
    return MessageIdentity(message_id=message_id, content_sha256=content_sha256, sender=sender, subject=subject)


def _decoded_subject(value) -> str:
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(str(value))))[:300]
    except (LookupError, UnicodeDecodeError, ValueError):
        return str(value)[:300]
