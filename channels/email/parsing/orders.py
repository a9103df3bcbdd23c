"""One order from one piece of text (or one attachment record): every field, each by its extractor.

Labelled values win over free text; free text is searched only for what the
labels did not give. Which date of several is the order's: the one written
with a weekday or a time beside it, not one after "until".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..interpretation import ExtractedOrder
from .catalogue_index import CatalogueIndex, PartnerInfo
from .contacts import clean_name, find_emails, find_phones, name_from_phrases, normalise_phone
from .dates import DateMention, find_dates, next_weekday
from .labels import Field, first_value, labelled_fields
from .participants import participants_from_text, remove_superseded, unit_for_age, unit_for_type
from .products import mapped_product, match_option, match_product
from .references import find_references, reference_from_value
from .times import TimeMention, find_times

_UNTIL = re.compile(r"(?:\bdo|\bbis|\buntil|\btill|\bpână la|\bpana la|\bдо|到|截止)\s*$", re.IGNORECASE)


@dataclass
class Context:
    catalogue: CatalogueIndex
    partner: PartnerInfo | None
    today: date
    language: str | None
    from_address: str = ""
    subject: str = ""
    own_prefixes: tuple[str, ...] = ("MC",)
    exclude_phones: set[str] = field(default_factory=set)
    exclude_addresses: set[str] = field(default_factory=set)
    exclude_domains: set[str] = field(default_factory=set)

    @property
    def region(self) -> str:
        return (self.partner.country if self.partner and self.partner.country else self.catalogue.country) or "CZ"

    @property
    def template(self) -> dict[str, list[str]]:
        return self.partner.label_template if self.partner else {}

    @property
    def unit_labels(self) -> dict[str, str]:
        return self.partner.unit_mapping if self.partner else {}


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def choose_date(text: str, dates: list[DateMention], times: list[TimeMention]) -> DateMention | None:
    best, best_score = None, -99.0
    for mention in dates:
        score = 1.0 + (2 if mention.weekday_near else 0) + (0.5 if mention.has_year else 0)
        if any(0 <= t.start - mention.end <= 40 or 0 <= mention.start - t.end <= 15 for t in times):
            score += 2
        if _UNTIL.search(text[max(0, mention.start - 12): mention.start]):
            score -= 3
        if score > best_score:
            best, best_score = mention, score
    return best


def choose_time(times: list[TimeMention], near: DateMention | None) -> TimeMention | None:
    if not times:
        return None
    if near is None:
        return times[0]
    after = [t for t in times if 0 <= t.start - near.end <= 80]
    if after:
        return after[0]
    return min(times, key=lambda t: abs(t.start - near.start))


def when(text: str, ctx: Context, *, date_value: str | None = None, time_value: str | None = None,
         context_month: tuple[int, int] | None = None) -> tuple[date | None, str | None]:
    day = None
    if date_value:
        found = find_dates(date_value, ctx.today, context_month=context_month)
        day = found[0].value if found else None
        if time_value is None:
            inline = find_times(_mask(date_value, [(d.start, d.end) for d in found]))
            time_value = inline[0].value if inline else None
    dates = find_dates(text, ctx.today, context_month=context_month)
    times = find_times(_mask(text, [(d.start, d.end) for d in dates]))
    chosen = next((d for d in dates if d.value == day), None) if day else None  # the labelled date's place
    if day is None:
        chosen = choose_date(text, dates, times)
        if chosen is None:
            chosen = next_weekday(text, ctx.today)
        day = chosen.value if chosen else None
    moment = None
    if time_value:
        found_times = find_times(time_value)
        moment = found_times[0].value if found_times else None
    if moment is None:
        picked = choose_time(times, chosen)
        moment = picked.value if picked else None
    return day, moment


def iso_start(day: date | None, moment: str | None, timezone: str) -> str | None:
    if day is None or moment is None:
        return None
    hour, minute = map(int, moment.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(timezone)).isoformat()


def _counts_from_fields(fields: list[Field], product) -> dict[str, int]:
    counts: dict[str, int] = {}
    ages = [int(a) for a in re.findall(r"\d{1,2}", first_value(fields, "child_ages") or "")]
    for f in fields:
        if not (f.field or "").startswith("count:") or not re.fullmatch(r"\s*\d{1,4}\s*", f.value):
            continue
        number = int(f.value)
        if number <= 0:
            continue
        category = f.field.split(":", 1)[1]
        unit_type = {"PUPIL": "CHILD", "TEACHER": "ADULT"}.get(category, category)
        if unit_type in ("CHILD", "INFANT") and ages:
            for age in ages[:number]:
                code = unit_for_age(product, age, unit_for_type(product, unit_type))
                counts[code] = counts.get(code, 0) + 1
            if number > len(ages):
                code = unit_for_type(product, unit_type)
                counts[code] = counts.get(code, 0) + number - len(ages)
        else:
            code = unit_for_type(product, unit_type)
            counts[code] = counts.get(code, 0) + number
    return counts


def extract_order(text: str, ctx: Context, *, fields: list[Field] | None = None, record: bool = False,
                  product_hint_text: str = "", fallback_name: tuple[str, str] | None = None,
                  context_month: tuple[int, int] | None = None) -> ExtractedOrder:
    """Every field of one order. `record`: the fields come from a data row and free text is not searched."""
    fields = fields if fields is not None else labelled_fields(text, ctx.template)
    catalogue = ctx.catalogue
    problems: list[str] = []
    search_text = "" if record else text
    # product and option
    product_code = option_code = None
    mapped = mapped_product(text + "\n" + "\n".join(f.value for f in fields), ctx.partner)
    day, moment = when(search_text, ctx, date_value=first_value(fields, "date") or first_value(fields, "datetime"),
                       time_value=first_value(fields, "time"), context_month=context_month)
    confidence = 1.0
    if mapped:
        product_code, option_code = mapped
    else:
        for candidate in (first_value(fields, "product"), search_text, product_hint_text):
            if candidate:
                product_code, confidence = match_product(candidate, catalogue, time=moment)
                if product_code:
                    break
        product = catalogue.products.get(product_code) if product_code else None
        if product and product.options:
            option_code = match_option(search_text + "\n" + (first_value(fields, "product") or ""), product,
                                       exact_value=first_value(fields, "option"), use_default=False)
            if option_code is None:  # not asked for: the default option, but a person confirms it
                option_code = next((o.code for o in product.options if o.default), None)
                problems.append("option")
    product = catalogue.products.get(product_code) if product_code else None
    if product is None:
        problems.append("product")
    elif product.options and option_code is None and "option" not in problems:
        problems.append("option")
    # participants
    persons = first_value(fields, "persons")
    participants = _counts_from_fields(fields, product)
    if not participants and persons:
        participants = participants_from_text(remove_superseded(persons), product, ctx.unit_labels)
    if not participants and not record:
        participants = participants_from_text(remove_superseded(text), product, ctx.unit_labels)
    if not participants:
        problems.append("participants")
    # contact
    name_value = first_value(fields, "name")
    name = clean_name(name_value) or (None if record else name_from_phrases(text))
    if name is None and fallback_name and fallback_name[0]:
        name = clean_name(fallback_name[0])
    phone = normalise_phone(first_value(fields, "phone"), ctx.region)
    if phone in ctx.exclude_phones:
        phone = None
    if phone is None and not record:
        phones = find_phones(name_value or "", ctx.region, ctx.exclude_phones) or find_phones(
            text, ctx.region, ctx.exclude_phones)
        phone = phones[0][1] if phones else None
    email_value = first_value(fields, "email")
    emails = find_emails(email_value or ("" if record else text), ctx.exclude_addresses, ctx.exclude_domains)
    email = emails[0][1] if emails else None
    if email is None and fallback_name and fallback_name[1]:
        fallback = find_emails(fallback_name[1], ctx.exclude_addresses, ctx.exclude_domains)
        email = fallback[0][1] if fallback else None
    reference = reference_from_value(first_value(fields, "reference"), ctx.own_prefixes)
    if reference is None and not record:
        found = find_references(text + "\n" + ctx.subject, ctx.own_prefixes)
        reference = found[0] if found else None
    if moment is None and product is not None and day is not None:
        only = product.departure_times(day, option_code)
        moment = only[0] if len(only) == 1 else None  # the product leaves once a day: no time needed
    start = iso_start(day, moment, product.timezone if product else catalogue.timezone)
    if start is None:
        problems.append("start")
    if name is None:
        problems.append("contact_name")
    return ExtractedOrder(
        product=product_code, option=option_code, start=start, participants=participants, contact_name=name,
        contact_phone=phone, contact_email=email, external_reference=reference, language=ctx.language,
        confidence=round(confidence * (1.0 - 0.15 * len(problems)), 2), problems=problems,
    )


_NUMBERED = re.compile(
    r"^\s{0,3}(?:\d{1,2}[.)]|\(\d{1,2}\)|#\d{1,2}|(?:order|booking|reservation|guest|objednávka|rezervace|host|"
    r"buchung|bestellung|reservierung|gast|comanda|comandă|rezervare|rezervarea|client|замовлення|бронювання|"
    r"турист|订单|预订|客人)\s*(?:no\.?|nr\.?|č\.|№)?\s*\d{1,2}\s*[:.)]?)\s+\S",
    re.MULTILINE | re.IGNORECASE,
)
_ORDER_FIELDS = ("date", "datetime", "product", "name")


def split_numbered_orders(text: str) -> list[str]:
    """"1) ... 2) ...", "Booking 1: ... Booking 2: ..." blocks, or blocks of the same labels repeated
    ("Datum: … Jméno: …" twice); [] when the text holds one order."""
    starts = [m.start() for m in _NUMBERED.finditer(text)]
    if len(starts) < 2:
        fields = [f for f in labelled_fields(text) if f.field in _ORDER_FIELDS]
        first = fields[0].field if fields else None
        starts = [f.start for f in fields if f.field == first]
        if len(starts) < 2:
            return []
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
