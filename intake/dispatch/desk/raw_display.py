"""How a raw source is shown to a dispatcher: e-mail rendered (never executing its HTML), JSON pretty, forms as a table."""

import json
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qsl

from intake.models import RawSource

MAX_TEXT = 200_000


@dataclass
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass
class RawDisplay:
    kind: str  # "email" | "json" | "form" | "text"
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""  # e-mail plain body, pretty JSON or plain text
    html: str = ""  # e-mail HTML body: shown escaped in a sandboxed iframe (srcdoc), scripts never run
    fields: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    error: str = ""


def _email(body: bytes) -> RawDisplay:
    message = BytesParser(policy=policy.default).parsebytes(body)
    shown = RawDisplay(kind="email", headers=[(name, str(message.get(name, ""))) for name in
                                              ("From", "To", "Cc", "Subject", "Date", "Message-ID") if message.get(name)])
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    try:
        shown.text = plain.get_content()[:MAX_TEXT] if plain is not None else ""
        shown.html = html.get_content()[:MAX_TEXT] if html is not None else ""
    except (LookupError, ValueError) as exc:  # an unknown charset: show what we can
        shown.error = f"body could not be decoded: {exc}"
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        shown.attachments.append(Attachment(part.get_filename() or "(no name)", part.get_content_type(), len(payload)))
    return shown


def raw_display(raw: RawSource) -> RawDisplay:
    body = bytes(raw.body or b"")
    content_type = (raw.content_type or "").split(";")[0].strip().lower()
    try:
        if content_type == "message/rfc822" or raw.channel == "email":
            return _email(body)
        if content_type.endswith("json"):
            return RawDisplay(kind="json", text=json.dumps(json.loads(body), indent=2, ensure_ascii=False)[:MAX_TEXT])
        if content_type == "application/x-www-form-urlencoded":
            return RawDisplay(kind="form", fields=parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError) as exc:
        return RawDisplay(kind="text", text=body.decode("utf-8", "replace")[:MAX_TEXT], error=f"not parseable: {exc}")
    return RawDisplay(kind="text", text=body.decode("utf-8", "replace")[:MAX_TEXT])
