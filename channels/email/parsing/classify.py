"""What kind of mail this is: machine mail that must never become an order, and the sender's intent."""

from __future__ import annotations

import re

from .catalogue_index import CatalogueIndex
from .mime import MailContent

_AUTO_SUBJECT = re.compile(
    r"^(?:automatic reply|auto(?:matic)?[- ]?reply|autoreply|out of office|abwesenheitsnotiz|automatische antwort"
    r"|automatická odpověď|automaticka odpoved|nepřítomnost|răspuns automat|raspuns automat|автовідповідь"
    r"|автоматична відповідь|автоответ|自动回复|undeliverable|undelivered mail|delivery status notification"
    r"|mail delivery failed|returned mail|nedoručitelné)\b",
    re.IGNORECASE,
)
_CANCEL = re.compile(
    r"(?<![\w])(?:cancel(?:l?ed|l?ing|lation)?|storn\w*|zruš\w*|zrus\w*|annul\w*|anul\w*|скасув\w*|відмін\w*|"
    r"отмен\w*|取消)",
    re.IGNORECASE,
)
_CANCEL_NOISE = re.compile(
    r"cancell?ation (?:policy|terms|fee)|free cancell?ation|storno ?(?:podmínky|bedingungen|gebühr)|"
    r"stornobedingungen|politica de anulare|умови скасування|取消政策|cancel(?:led)? free of charge|"
    r"free of charge cancell?ation|kostenlos storn\w*|bezplatně zrušit|anulare gratuită",
    re.IGNORECASE,
)
_MODIFY_SUBJECT = re.compile(
    r"(?<![\w])(?:amend\w*|change[ds]?|updated|rebooked|modif\w*|reschedul\w*|umgebucht|změn\w*|zmen\w*|přesun\w*|änderung\w*|umbuchung\w*|"
    r"modificare|schimbare|зміна|зміни|змін\w*|перенесення|更改|修改|改期|变更)",
    re.IGNORECASE,
)
_MODIFY_BODY = re.compile(
    r"(?:please (?:change|amend|move|modify|reschedule)|(?:would|we'd) like to (?:change|move|amend|reschedule)|"
    r"has been amended|bitte (?:ändern|umbuchen|verschieben)|möchten (?:\w+ )?(?:ändern|umbuchen|verschieben)|"
    r"prosím o změnu|prosíme o změnu|prosím (?:změňte|přesuňte|přeložte)|vă rugăm să modifica\w*|"
    r"vă rugăm să muta\w*|modifica\w* numărul|просимо (?:змінити|перенести)|просять перенести|прошу (?:змінити|перенести)|"
    r"请(?:帮我们)?(?:更改|修改|改到|改期))",
    re.IGNORECASE,
)
_AVAILABILITY = re.compile(
    r"(?:availab\w*|free (?:places|seats|spots)|any (?:space|room|seats|places)|still (?:have|has) (?:space|room|seats)"
    r"|vacanc\w*|volná místa|volna mista|volné místo|volno|verfügbar\w*|noch platz|freie plätze|plätze frei"
    r"|noch frei|disponibil\w*|locuri libere|mai sunt locuri|вільні місця|вільних місць|є місця|空位|有位置|余位"
    r"|名额)",
    re.IGNORECASE,
)
_BOOK = re.compile(
    r"(?:please book|pls book|could you (?:please |pls )?book|kindly book|we(?:'d| would) like to book|book the following"
    r"|hiermit buchen wir|buchen wir|bitte buchen|verbindlich|prosím o rezervaci|prosíme o rezervaci|objednávám"
    r"|rezervujte|závazně objednáváme|vă rugăm să rezerva\w*|confirmați următoarea rezervare|dori să rezerv\w*"
    r"|просимо забронювати|прошу забронювати|забронюйте|请帮我们预订|现预订|预订以下|请预订|has been booked|new booking)",
    re.IGNORECASE,
)


def not_an_order_reason(mail: MailContent, catalogue: CatalogueIndex) -> str | None:
    headers = mail.headers
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return "auto_reply"
    if any(h in headers for h in ("x-autoreply", "x-autorespond", "x-auto-reply")):
        return "auto_reply"
    precedence = headers.get("precedence", "").strip().lower()
    if mail.has_delivery_report or re.match(r"(?:mailer-daemon|postmaster)@", mail.from_address):
        return "bounce"
    if "list-unsubscribe" in headers or "list-id" in headers or precedence in ("bulk", "list"):
        return "newsletter"
    if precedence in ("junk", "auto_reply"):
        return "auto_reply"
    if _AUTO_SUBJECT.match(mail.subject.strip()):
        return "auto_reply"
    if catalogue.is_own_address(mail.from_address):
        return "own_mail"
    return None


def is_reply_to_us(mail: MailContent, catalogue: CatalogueIndex) -> bool:
    ids = f"{mail.in_reply_to} {mail.references}".lower()
    return any(f"@{d}>" in ids or f".{d}>" in ids or ids.rstrip().endswith(f"@{d}") for d in catalogue.own_domains)


def is_cancellation(subject: str, text: str) -> bool:
    """Cancel words in the subject, or in the text of a mail that does not also book ("free cancellation
    until…" in a booking notification is no cancellation)."""
    if _CANCEL.search(_CANCEL_NOISE.sub(" ", subject)):
        return True
    return bool(_CANCEL.search(_CANCEL_NOISE.sub(" ", text))) and not _BOOK.search(text)


def is_modification(subject: str, text: str) -> bool:
    subject = re.sub(r"^(?:re|aw|odp|fw|fwd|wg)\s*:\s*", "", subject, flags=re.I)
    return bool(_MODIFY_SUBJECT.search(subject) or _MODIFY_BODY.search(text))


def is_availability_inquiry(subject: str, text: str) -> bool:
    asked = _AVAILABILITY.search(subject) or _AVAILABILITY.search(text)
    if not asked:
        return False
    question = "?" in text or "？" in text or re.search(r"anfrage|dotaz|inquiry|enquiry|întrebare|запит|咨询", subject, re.I) \
        or re.search(r"\b(?:ob|zda|zdali|jestli|whether|if you (?:have|still)|dacă|daca|чи)\b|是否|吗", text, re.I)
    return bool(question) and not _BOOK.search(text)


def has_booking_phrase(text: str) -> bool:
    return bool(_BOOK.search(text))
