"""The parser's pipeline: decode, classify, extract, check against the catalogue."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parseaddr

from ..interpretation import Interpretation
from .attachments import attachment_records
from .catalogue_index import CatalogueIndex
from .checks import departure_problem
from .classify import (
    is_availability_inquiry,
    is_cancellation,
    is_modification,
    is_reply_to_us,
    not_an_order_reason,
)
from .language import detect_language
from .mime import MailContent, parse_message, read_mail
from .modifications import cancellation_from, inquiry_from, modification_from
from .orders import Context, extract_order, split_numbered_orders
from .ota import ota_notice_kind
from .quoting import signer_name, split_text

_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|odp|sv|vs|ответ|відп|回复|答复|fw|fwd|wg|tr|př|rv)\s*:", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fw|fwd|wg|tr|př|pr|rv|enc|переслано|пересл|转发)\s*:", re.IGNORECASE)
_EXCEPTION_ORDER = ("unknown_partner", "no_such_departure", "over_capacity")


def _context(mail: MailContent, catalogue: CatalogueIndex, partner, language) -> Context:
    # Staff of a hotel or agency write from its domain; an OTA relays customers from its subdomains.
    partner_domains = set()
    if partner is not None and partner.kind != "ota":
        partner_domains = {a.rpartition("@")[2] for a in partner.sender_addresses}
    if partner is None and mail.from_address:
        partner_domains.add(mail.from_address.rpartition("@")[2])
    today = mail.date.astimezone().date() if mail.date else date.today()
    if mail.date and mail.date.tzinfo:
        today = mail.date.date()
    return Context(
        catalogue=catalogue, partner=partner, today=today, language=language, from_address=mail.from_address,
        subject=mail.subject, own_prefixes=catalogue.own_reference_prefixes,
        exclude_phones=catalogue.all_partner_phones(),
        exclude_addresses={mail.from_address, *(partner.sender_addresses if partner else []), *mail.to_addresses},
        exclude_domains=set(catalogue.own_domains) | partner_domains,
    )


def interpret_message(raw: bytes, *, catalogue: CatalogueIndex, known_message_ids=None) -> Interpretation:
    try:
        return _interpret(raw, catalogue, known_message_ids)
    except Exception as error:  # the parser never loses a mail: a person looks instead
        return Interpretation(kind="not_an_order", not_an_order_reason=f"unreadable: {type(error).__name__}",
                              expect_exception="unreadable")


def _interpret(raw: bytes, catalogue: CatalogueIndex, known_message_ids) -> Interpretation:
    message = parse_message(raw)
    address = parseaddr(str(message.get("From", "") or ""))[1].lower()
    partner = catalogue.partner_by_address(address)
    mail = read_mail(message, language=partner.language if partner else None)
    base = dict(partner=partner.code if partner else None, message_id=mail.message_id)
    if known_message_ids and mail.message_id and known_message_ids(mail.message_id):
        return Interpretation(kind="duplicate", **base)
    reason = not_an_order_reason(mail, catalogue)
    if reason:
        return Interpretation(kind="not_an_order", not_an_order_reason=reason, **base)
    parts = split_text(mail.text)
    forwarded = [q for q in parts.quoted if q.headers and not catalogue.is_own_address(q.sender[1])
                 and not _earlier_own_mail(q, mail)]
    forwarded += [q for q in parts.quoted if not q.headers and not q.quoted_with_marks]
    attached = [m for m in mail.attached_messages if not catalogue.is_own_address(m.from_address)]
    language = detect_language(parts.written or mail.text, fallback=partner.language if partner else None)
    base["language"] = language
    ctx = _context(mail, catalogue, partner, language)
    written = parts.written
    reply_to_us = is_reply_to_us(mail, catalogue)
    intent_text = written if (reply_to_us or not forwarded) else written + "\n" + "\n".join(q.body for q in forwarded)
    notice = ota_notice_kind(partner, mail.subject, written)
    if notice == "cancellation" or (notice is None and is_cancellation(mail.subject, written)):
        result = Interpretation(kind="cancellation", cancellation=cancellation_from(written, ctx), **base)
        return _with_partner_check(result, partner)
    if notice == "modification" or (notice is None and is_modification(mail.subject, written)):
        result = Interpretation(kind="modification", modification=modification_from(written, ctx), **base)
        return _with_partner_check(result, partner)
    if reply_to_us:
        return Interpretation(kind="not_an_order", not_an_order_reason="reply_to_us", **base)
    if notice is None and is_availability_inquiry(mail.subject, intent_text):
        result = Interpretation(kind="availability_inquiry", inquiry=inquiry_from(intent_text, ctx), **base)
        return _with_partner_check(result, partner)
    orders = _orders(mail, parts, forwarded, attached, ctx)
    if not orders:
        return Interpretation(kind="not_an_order", not_an_order_reason="no_order_found", **base)
    result = Interpretation(kind="order" if len(orders) == 1 else "orders", orders=orders, **base)
    problems = [departure_problem(order, catalogue) for order in orders]
    if partner is None:
        problems.append("unknown_partner")
    for name in _EXCEPTION_ORDER:
        if name in problems:
            result.expect_exception = name
            break
    return result


def _earlier_own_mail(quoted, mail: MailContent) -> bool:
    """A reply quoting the sender's own earlier mail ("Re: Objednávka … > 2 dospělí …"): that order was
    sent before, so only a forward ("Fw:") of one's own mail counts as order text."""
    domain = mail.from_address.rpartition("@")[2]
    own = bool(domain) and quoted.sender[1].rpartition("@")[2] == domain
    return own and not _FORWARD_SUBJECT.match(mail.subject)


def _with_partner_check(result: Interpretation, partner) -> Interpretation:
    if partner is None:
        result.expect_exception = "unknown_partner"
    return result


def _is_order(order) -> bool:
    return bool(order.product and order.start) or bool(order.product and order.participants and order.external_reference)


def _orders(mail: MailContent, parts, forwarded, attached, ctx: Context) -> list:
    records = attachment_records(mail.attachments, language=ctx.language)
    if records:
        orders = [extract_order("", ctx, fields=record, record=True) for record in records]
        orders = [o for o in orders if _is_order(o)]
        if orders:
            return orders
    sources: list[tuple[str, tuple[str, str] | None]] = []
    for quoted in forwarded:
        name, address = quoted.sender
        sources.append((quoted.body, (name or signer_name(quoted.signature) or "", address)))
    for inner in attached:
        inner_parts = split_text(inner.text)
        name = inner.from_name or signer_name(inner_parts.signature) or ""
        sources.append((inner_parts.written + "\n" + inner_parts.signature, (name, inner.from_address)))
    written = parts.written
    if sources:
        text = written + "\n\n" + "\n\n".join(body for body, _ in sources)
        fallback = next((sender for _, sender in sources if sender and (sender[0] or sender[1])), None)
        order = extract_order(text, ctx, product_hint_text=mail.subject, fallback_name=fallback)
        return [order] if _is_order(order) else []
    blocks = split_numbered_orders(written)
    if blocks:
        orders, previous = [], None
        for block in blocks:
            month = (previous.year, previous.month) if previous else None
            order = extract_order(block, ctx, context_month=month)
            if _is_order(order):
                orders.append(order)
                previous = date.fromisoformat(order.start[:10]) if order.start else previous
        if len(orders) >= 2:
            return orders
    order = extract_order(written, ctx, product_hint_text=mail.subject)
    if not _is_order(order) and not _REPLY_SUBJECT.match(mail.subject):
        # "Booking: lunch cruise 12.12., 2 adults" with the body pointing at it (a reply's subject describes
        # the earlier mail, so it is never read as an order)
        order = extract_order(written + "\n" + mail.subject, ctx)
    return [order] if _is_order(order) else []
