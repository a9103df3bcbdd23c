"""Read a raw message into what the extractors need: headers, the written text, attachments.

The stdlib e-mail package (compat32 policy, for speed) does the MIME work; this module
picks the body (text/plain preferred, HTML converted), repairs charsets,
undoes format=flowed, and keeps attached messages (forwards, bounces) and
data attachments (CSV, JSON) apart.
"""

from __future__ import annotations

import codecs
import email
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from .charsets import decode_bytes, repair_header_text
from .html_text import html_to_text


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    charset: str | None = None


@dataclass
class MailContent:
    from_name: str = ""
    from_address: str = ""
    to_addresses: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    message_id: str | None = None
    in_reply_to: str = ""
    references: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name -> value, first occurrence
    content_type: str = "text/plain"
    text: str = ""
    from_html: bool = False
    attached_messages: list["MailContent"] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    has_delivery_report: bool = False


def parse_message(raw: bytes) -> Message:
    """The compat32 policy: several times faster than policy.default; headers are decoded here instead."""
    return email.message_from_bytes(raw, policy=policy.compat32)


def header_text(raw, language: str | None = None) -> str:
    """A header's text: RFC 2047 encoded-words decoded (charsets repaired), undeclared 8-bit bytes guessed."""
    if raw is None:
        return ""
    raw = str(raw)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        return decode_bytes(raw.encode("ascii", "surrogateescape"), None, language=language)[0].strip()
    try:
        chunks = decode_header(raw)
    except Exception:  # a malformed header must not lose the mail
        return raw.strip()
    pieces = []
    for data, charset in chunks:
        if isinstance(data, str):
            pieces.append(data)
        else:
            pieces.append(decode_bytes(data, charset or "ascii", language=language)[0])
    return repair_header_text(re.sub(r"\s+", " ", "".join(pieces)), language=language).strip()


def _header(message: Message, name: str, language: str | None) -> str:
    return header_text(message.get(name), language)


def _unflow(text: str, delsp: bool) -> str:
    out: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line.strip() and line != "-- ":
            buffer += line[:-1] if delsp else line
            continue
        out.append(buffer + line)
        buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def part_text(part: Message, language: str | None, warnings: list[str]) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        data = str(part.get_payload()).encode("utf-8", "replace")
    text, problems = decode_bytes(data, part.get_content_charset(), language=language)
    warnings.extend(problems)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_param("format", "").lower() == "flowed":
        text = _unflow(text, part.get_param("delsp", "").lower() == "yes")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\u00a0", " ")


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(part.get_filename())


def read_mail(message: Message, *, language: str | None = None) -> MailContent:
    content = MailContent()
    content.from_name, content.from_address = parseaddr(_header(message, "From", language))
    content.from_name = content.from_name.strip().strip('"')
    content.from_address = content.from_address.lower()
    content.to_addresses = [a.lower() for _, a in getaddresses([_header(message, "To", language)]) if a]
    content.subject = _header(message, "Subject", language)
    try:
        content.date = parsedate_to_datetime(_header(message, "Date", language))
    except (TypeError, ValueError, IndexError):
        content.date = None
    content.message_id = _header(message, "Message-ID", language) or None
    content.in_reply_to = _header(message, "In-Reply-To", language)
    content.references = _header(message, "References", language)
    for name, raw in message.raw_items():  # raw values: classification needs presence and plain words only
        key = name.lower()
        if key not in content.headers:
            content.headers[key] = " ".join(str(raw).split())
    content.content_type = message.get_content_type()
    content.has_delivery_report = content.content_type == "multipart/report"
    plain: list[str] = []
    html: list[str] = []
    _collect(message, content, plain, html, language)
    _repair_headers(message, content)
    if plain and (not html or len(re.findall(r"\w", "".join(plain))) >= 20):
        content.text = "\n\n".join(plain)
    elif html:
        content.text = "\n\n".join(part_text(part, language, content.warnings) for part in html)
        content.from_html = True
    return content


def _repair_headers(message: Message, content: MailContent) -> None:
    """When the body's declared charset proved wrong, the same label in the headers is wrong too."""
    fixes = dict(re.findall(r"decoded as (\S+) instead of (\S+)", " ".join(content.warnings)))
    if not fixes:
        return
    fixes = {declared: actual for actual, declared in fixes.items()}
    for name, raw in message.raw_items():
        if name.lower() not in ("subject", "from"):
            continue
        pieces = []
        try:
            for data, charset in decode_header(str(raw)):
                if isinstance(data, str):
                    pieces.append(data)
                    continue
                label = codecs.lookup(charset).name if charset else None
                pieces.append(data.decode(fixes.get(label, label) or "ascii", errors="replace"))
        except (LookupError, ValueError):
            continue
        text = re.sub(r"\s+", " ", "".join(pieces)).strip()
        if name.lower() == "subject":
            content.subject = text
        else:
            content.from_name = parseaddr(text)[0]


def _collect(part: Message, content: MailContent, plain: list[str], html: list, language) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or ctype == "message/global":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            content.attached_messages.append(read_mail(inner, language=language))
        return
    if ctype.startswith("multipart/"):
        for sub in part.get_payload() if part.is_multipart() else []:
            _collect(sub, content, plain, html, language)
        if ctype == "multipart/report":
            content.has_delivery_report = True
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        if ctype == "text/plain":
            plain.append(part_text(part, language, content.warnings))
        else:
            html.append(part)  # converted only when the mail has no plain text
        return
    if ctype.startswith("message/"):  # delivery-status and the like
        return
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        data = b""
    content.attachments.append(
        Attachment(header_text(part.get_filename()), ctype, data, part.get_content_charset())
    )
