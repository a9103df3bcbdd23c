"""Read a raw message into what the extractors need: headers, the written text, attachments.

The stdlib e-mail package (policy.default) does the MIME work; this module
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
from email.message import EmailMessage
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


def parse_message(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def _header(message: EmailMessage, name: str, language: str | None) -> str:
    try:
        value = message.get(name)
    except Exception:  # a malformed header must not lose the mail
        value = None
    if value is None:
        raw = message.get_all(name, failobj=[None])[0] if hasattr(message, "get_all") else None
        value = raw
    return repair_header_text(str(value or ""), language=language).strip()


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


def part_text(part: EmailMessage, language: str | None, warnings: list[str]) -> str:
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


def _is_attachment(part: EmailMessage) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or bool(part.get_filename())


def read_mail(message: EmailMessage, *, language: str | None = None) -> MailContent:
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
    for name in message.keys():
        key = name.lower()
        if key not in content.headers:
            content.headers[key] = _header(message, name, language)
    content.content_type = message.get_content_type()
    content.has_delivery_report = content.content_type == "multipart/report"
    plain: list[str] = []
    html: list[str] = []
    _collect(message, content, plain, html, language)
    _repair_headers(message, content)
    if plain:
        content.text = "\n\n".join(plain)
    elif html:
        content.text = "\n\n".join(html)
        content.from_html = True
    return content


def _repair_headers(message: EmailMessage, content: MailContent) -> None:
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


def _collect(part: EmailMessage, content: MailContent, plain: list[str], html: list[str], language) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or ctype == "message/global":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, EmailMessage):
            content.attached_messages.append(read_mail(inner, language=language))
        return
    if ctype.startswith("multipart/"):
        for sub in part.iter_parts():
            _collect(sub, content, plain, html, language)
        if ctype == "multipart/report":
            content.has_delivery_report = True
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        target = plain if ctype == "text/plain" else html
        target.append(part_text(part, language, content.warnings))
        return
    if ctype.startswith("message/"):  # delivery-status and the like
        return
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        data = b""
    content.attachments.append(
        Attachment(part.get_filename() or "", ctype, data, part.get_content_charset())
    )
