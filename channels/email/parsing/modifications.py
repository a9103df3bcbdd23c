"""Cancellations, modifications and availability questions: what they refer to and what changes."""

from __future__ import annotations

import re

from ..interpretation import Cancellation, Inquiry, Modification
from .contacts import clean_name
from .dates import find_dates
from .labels import first_value, labelled_fields
from .orders import Context, iso_start, when
from .participants import participants_from_text, remove_superseded
from .products import match_option, match_product
from .references import find_references, reference_from_value
from .times import find_times

_CHANGED = re.compile(r"(?:what has changed|changes?|geändert|änderung|změna|modificare|зміни)\s*:\s*(.+)", re.I)
_TO_MARKER = re.compile(r"(?:\bto\b|\bna\b|\bauf\b|\bpe\b|\bна\b|\bîn\b|改到|改为|→|->|\bnew date\b|\bneues datum\b|"
                        r"\bnový termín\b)\W{0,3}(?:\w+\W{1,3})?$", re.IGNORECASE)


def _mask_dates(text: str, dates) -> str:
    for d in dates:
        text = text[: d.start] + " " * (d.end - d.start) + text[d.end:]
    return text


def _reference(text: str, ctx: Context) -> str | None:
    fields = labelled_fields(text, ctx.template)
    reference = reference_from_value(first_value(fields, "reference"), ctx.own_prefixes)
    if reference:
        return reference
    found = find_references(text + "\n" + ctx.subject, ctx.own_prefixes)
    return found[0] if found else None


def cancellation_from(text: str, ctx: Context) -> Cancellation:
    reference = _reference(text, ctx)
    if reference:
        return Cancellation(external_reference=reference)
    product, _ = match_product(text + "\n" + ctx.subject, ctx.catalogue)
    day, moment = when(text, ctx)
    tz = ctx.catalogue.products[product].timezone if product else ctx.catalogue.timezone
    return Cancellation(product=product, start=iso_start(day, moment, tz),
                        contact_name=clean_name(first_value(labelled_fields(text), "name")))


def modification_from(text: str, ctx: Context) -> Modification:
    fields = labelled_fields(text, ctx.template)
    changed = _CHANGED.search(text)
    scope = changed.group(1) if changed else None
    product_code, _ = match_product(text + "\n" + ctx.subject, ctx.catalogue)
    product = ctx.catalogue.products.get(product_code) if product_code else None
    start = None
    date_value = first_value(fields, "date") or first_value(fields, "datetime")
    dates = find_dates(text, ctx.today)
    wants_date = scope is None or re.search(r"date|datum|time|zeit|čas|data|ora|дата|час|日期|时间", scope, re.I)
    if wants_date:
        day = moment = None
        current = remove_superseded(text)  # "místo 10:30 … v 16:30": the superseded value goes
        dates = find_dates(current, ctx.today)
        times = find_times(_mask_dates(current, dates))
        time_changed = len(find_times(_mask_dates(text, find_dates(text, ctx.today)))) > len(times) or \
            len({t.value for t in times}) >= 2
        ota = ctx.partner is not None and ctx.partner.kind == "ota"
        if date_value and (scope is not None or ota):  # a notification's labelled block is the new state
            day, moment = when(text, ctx, date_value=date_value, time_value=first_value(fields, "time"))
        elif len({d.value for d in dates}) >= 2:
            day = dates[-1].value
        elif dates and (time_changed or _TO_MARKER.search(current[max(0, dates[0].start - 25): dates[0].start])):
            day = dates[0].value
        if day is not None and moment is None:
            moment = times[-1].value if times else None
        start = iso_start(day, moment, product.timezone if product else ctx.catalogue.timezone)
    participants = None
    wants_people = scope is None or re.search(r"travell?ers|particip|pax|persons?|people|guests|adults|teilnehm|osob|учасник|人数", scope, re.I)
    if wants_people:
        persons = first_value(fields, "persons") if scope is not None else None
        counts = participants_from_text(remove_superseded(persons or text), product, ctx.unit_labels)
        participants = counts or None
    return Modification(external_reference=_reference(text, ctx), start=start, participants=participants)


def inquiry_from(text: str, ctx: Context) -> Inquiry:
    product_code, _ = match_product(text, ctx.catalogue)
    if product_code is None:
        product_code, _ = match_product(ctx.subject, ctx.catalogue)
    product = ctx.catalogue.products.get(product_code) if product_code else None
    option = match_option(text, product) if product and product.options else None
    dates = find_dates(text, ctx.today) or find_dates(ctx.subject, ctx.today)
    masked = text
    for d in find_dates(text, ctx.today):
        masked = masked[: d.start] + " " * (d.end - d.start) + masked[d.end:]
    times = []
    for t in find_times(masked):
        if t.value not in times:
            times.append(t.value)
    participants = participants_from_text(remove_superseded(text), product, ctx.unit_labels) or None
    return Inquiry(
        product=product_code, option=option, date=dates[0].value.isoformat() if dates else None,
        times=times or None, quantity=sum(participants.values()) if participants else None,
        participants=participants, language=ctx.language,
    )
