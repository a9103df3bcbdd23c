"""Split a mail's text into what the sender wrote, quoted mails and forwarded mails.

Recognises the separators and header blocks of the common clients in the six
languages (Outlook "-----Original Message-----" / "____" + "Od:/Von:/From:",
Thunderbird "-------- Forwarded Message --------", Gmail "On ... wrote:",
Apple "Begin forwarded message:"), "> " quoting, and signatures (after "-- "
or a closing line such as "Best regards", "S pozdravem", "Mit freundlichen
Grüßen", "Cu stimă", "З повагою", "谢谢").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

_HEADER_KEYS = {
    "from": "from", "od": "from", "von": "from", "de": "from", "від": "from", "от": "from", "发件人": "from",
    "absender": "from", "expeditor": "from", "de la": "from", "від кого": "from", "odesílatel": "from",
    "sent": "date", "date": "date", "odesláno": "date", "gesendet": "date", "datum": "date", "trimis": "date",
    "data": "date", "дата": "date", "надіслано": "date", "відправлено": "date", "发送时间": "date", "日期": "date",
    "to": "to", "komu": "to", "pro": "to", "adresát": "to", "an": "to", "către": "to", "catre": "to", "pentru": "to", "кому": "to", "收件人": "to",
    "subject": "subject", "předmět": "subject", "betreff": "subject", "subiect": "subject", "тема": "subject",
    "主题": "subject", "cc": "cc", "kopie": "cc", "копія": "cc", "抄送": "cc",
}
_HEADER_LINE = re.compile(r"^\s*\*?([^\W\d_][\w ]{0,20}?)\*?\s*[:：]\s*(.*)$")
_SEPARATOR = re.compile(
    r"^\s*(?:[-_=]{5,}.*|.*\b(?:original message|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht"
    r"|původní zpráva|přeposlaná zpráva|mesaj original|mesaj redirecționat|оригінальне повідомлення"
    r"|пересланий лист|переслане повідомлення|原始邮件|转发邮件)\b.*|begin forwarded message:?)\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"^(?:on .{4,120} wrote|am .{4,120} schrieb .{0,80}|dne .{4,120} napsal(?:\(a\)|a)?|în .{4,120} a scris"
    r"|.{4,120} (?:пише|написав|написала)|.{2,120}写道)\s*[:：]\s*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(?:best regards|kind regards|warm regards|regards|best wishes|many thanks|thanks a lot|thanks|thank you"
    r"|cheers|sincerely|yours sincerely|best|gruß|grüße|gruss|lg|vg|mfg|zdravím|s pozdravem|se srdečným pozdravem|s přáním hezkého dne|děkuji|děkujeme"
    r"|díky|mit freundlichen gr(?:ü|ue|u)(?:ß|ss)en|mit freundlichen gr\w*|freundliche grüße|viele grüße"
    r"|beste grüße|liebe grüße|danke|vielen dank|herzliche grüße|cu stimă|cu stima|cu respect|cu drag"
    r"|mulțumim|mulţumim|multumim|mulțumesc|mulţumesc|multumesc|vă mulțumim|vă mulţumim|toate cele bune"
    r"|з повагою|з найкращими побажаннями|дякую|дякуємо|щиро дякуємо|谢谢|此致|祝好|敬礼|顺祝商祺)\b(?P<rest>.{0,40})$",
    re.IGNORECASE,
)
_CJK_CLOSING = re.compile(r"(?:谢谢|多谢|感谢)[！!。.]?\s*$")
_MOBILE_FOOTER = re.compile(
    r"^(?:sent from my \w+|odesláno z (?:iphonu|mobilu)|von meinem \w+ gesendet|gesendet von meinem \w+"
    r"|trimis de pe \w+.*|надіслано з \w+|发自我的\w+)\s*$",
    re.IGNORECASE,
)


@dataclass
class QuotedMail:
    headers: dict[str, str] = field(default_factory=dict)  # from/date/to/subject as written
    body: str = ""
    quoted_with_marks: bool = False  # "> " quoting (a reply) rather than an inline forward
    signature: str = ""

    @property
    def sender(self) -> tuple[str, str]:
        name, address = parseaddr(self.headers.get("from", ""))
        return name.strip().strip('"'), address.lower()


@dataclass
class SplitText:
    written: str  # what the sender wrote, signature removed
    signature: str
    quoted: list[QuotedMail]


def _header_key(line: str) -> tuple[str, str] | None:
    match = _HEADER_LINE.match(line)
    if not match:
        return None
    key = _HEADER_KEYS.get(match.group(1).strip().lower())
    return (key, match.group(2).strip()) if key else None


def _header_block(lines: list[str], start: int) -> tuple[dict[str, str], int] | None:
    """Headers of a quoted mail starting at `start`; None unless it has a sender and one more header."""
    headers: dict[str, str] = {}
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        parsed = _header_key(lines[i])
        if parsed is None:
            break
        headers.setdefault(parsed[0], parsed[1])
        i += 1
    if "from" in headers and len(headers) >= 2:
        return headers, i
    return None


def split_quotes(text: str) -> tuple[str, list[QuotedMail]]:
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line):
            block = _header_block(lines, index + 1)
            if block:
                headers, body_start = block
                inner, more = split_quotes("\n".join(lines[body_start:]))
                return "\n".join(lines[:index]), [QuotedMail(headers, inner), *more]
            if re.search(r"forward|weitergeleit|přeposl|redirec|пересл|转发", line, re.I):
                inner, more = split_quotes("\n".join(lines[index + 1:]))
                return "\n".join(lines[:index]), [QuotedMail({}, inner), *more]
        elif _header_key(line) and _header_key(line)[0] == "from" and (index == 0 or not lines[index - 1].strip()):
            block = _header_block(lines, index)
            if block and len(block[0]) >= 3:
                headers, body_start = block
                inner, more = split_quotes("\n".join(lines[body_start:]))
                return "\n".join(lines[:index]), [QuotedMail(headers, inner), *more]
        elif _ATTRIBUTION.match(line.strip()) and any(l.startswith(">") for l in lines[index + 1:index + 4]):
            sender = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", line)
            headers = {"from": f"<{sender.group(0)}>"} if sender else {}
            quoted = [l for l in lines[index + 1:] if l.startswith(">")]
            rest = [l for l in lines[index + 1:] if not l.startswith(">")]
            body = "\n".join(re.sub(r"^> ?", "", l) for l in quoted)
            written = "\n".join(lines[:index] + rest)
            return written, [QuotedMail(headers, body, quoted_with_marks=True)]
    marked = [l for l in lines if l.startswith(">")]
    if marked:
        body = "\n".join(re.sub(r"^> ?", "", l) for l in marked)
        return "\n".join(l for l in lines if not l.startswith(">")), [QuotedMail({}, body, quoted_with_marks=True)]
    return text, []


def _order_follows(rest: list[str]) -> bool:
    """A "Thanks!" early in the mail is no closing when the order comes after it (signatures hold no
    participant counts)."""
    from .participants import find_counts

    return any(count for category, count, _, _ in find_counts("\n".join(rest)) if category != "PERSON")


def strip_signature(text: str) -> tuple[str, str]:
    lines = text.split("\n")
    seen_content = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped in ("--", "-- ", "__") or line == "-- ":
            return "\n".join(lines[:index]), "\n".join(lines[index:])
        if _MOBILE_FOOTER.match(stripped):
            return "\n".join(lines[:index]), "\n".join(lines[index:])
        closing = _CLOSING.match(stripped)
        if closing and re.search(r"\d", closing.group("rest")):
            closing = None  # "Best time would be 10:30" is no closing
        alone = bool(closing) and not re.search(r"\w", closing.group("rest"))
        if (seen_content >= 2 or (seen_content >= 1 and alone)) and len(stripped) <= 60 and (
                closing or _CJK_CLOSING.search(stripped)) and not _order_follows(lines[index + 1:]):
            if _CJK_CLOSING.search(stripped) and not _CLOSING.match(stripped):
                return "\n".join(lines[: index + 1]), "\n".join(lines[index + 1:])
            return "\n".join(lines[:index]), "\n".join(lines[index:])
        if stripped:
            seen_content += 1
    return text, ""


def signer_name(signature: str) -> str | None:
    """The name under a closing ("Thanks a lot,\nOliver Bennett\nRoom 312" -> "Oliver Bennett")."""
    from .contacts import clean_name

    for line in signature.split("\n")[1:4]:
        name = clean_name(line.strip())
        if name and 2 <= len(name.split()) <= 4 and len(line.strip()) <= 40:
            return name
    return None


def split_text(text: str) -> SplitText:
    written, quoted = split_quotes(text)
    body, signature = strip_signature(written)
    for mail in quoted:
        if mail.headers:
            mail.body, mail.signature = strip_signature(mail.body)
    return SplitText(body.strip("\n"), signature, quoted)
