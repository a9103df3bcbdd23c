"""Labelled fields ("Datum: 5. 12.", "Teilnehmer: ...", "联系人：王芳", CSV headers, JSON keys).

The generic label lexicon covers the six partner languages; a partner's own
template (PartnerInfo.label_template, kept in the admin) adds its labels and
wins over the generic ones, for partners whose layout is fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .participants import category_of_word
from .products import fold

# field -> label phrases (folded); order matters: the first field whose phrase fits wins
FIELD_LABELS: list[tuple[str, list[str]]] = [
    ("ignore", ["previous", "original", "old date", "puvodni", "bisher", "vorher", "anterior", "попередн", "原",
                "price", "cena", "preis", "pret", "ціна", "价格", "net rate", "total", "room", "pokoj", "zimmer",
                "camera", "номер кімнати", "房间", "location", "meeting point", "special requirements", "notes",
                "poznamka", "bemerkung", "примітк", "备注", "manage", "language", "jazyk hosta"]),
    ("option", ["guide language", "guide_language", "jazyk pruvodce", "jazyk", "fuhrungssprache", "sprache",
                "limba ghidului", "limba", "мова гіда", "мова", "导游语言", "语言", "tour grade", "option"]),
    ("child_ages", ["children ages", "children_ages", "child ages", "ages", "vek deti", "alter der kinder",
                    "varsta copiilor", "вік дітей", "儿童年龄"]),
    ("reference", ["reference number", "booking reference", "booking ref", "our ref", "our reference", "reference",
                   "booking number", "booking no", "order number", "order no", "nase cislo", "cislo objednavky",
                   "unsere buchungsnummer", "buchungsnummer", "buchungsnr", "unsere referenz", "referenz",
                   "unser zeichen", "referinta noastra", "referinta", "nr. rezervare", "numar rezervare",
                   "номер замовлення", "наш номер", "номер бронювання", "订单号", "订单编号", "预订号", "ref", "id",
                   "booking id", "booking_id", "order id", "voucher", "voucher number"]),
    ("email", ["email", "e-mail", "e mail", "mail", "邮箱", "电子邮件", "пошта"]),
    ("phone", ["phone", "mobile", "telephone", "tel", "cell", "telefon", "mobil", "handy", "телефон", "тел", "моб",
               "手机", "电话", "联系电话"]),
    ("persons", ["number of participants", "participants", "persons", "people", "pax", "travelers", "travellers",
                 "guests", "osoby", "pocet osob", "pocet", "teilnehmer", "personen", "anzahl", "participanti",
                 "persoane", "numar persoane", "кількість", "учасники", "人数", "pax_count"]),
    ("name", ["lead traveler name", "lead traveller", "main customer", "guest name", "contact person", "name",
              "full name", "surname", "last name", "prijmeni", "jmeno a prijmeni", "nachname", "vor- und nachname",
              "numele", "nume si prenume", "prenume", "прізвище", "ім'я та прізвище", "піб",
              "guest", "customer", "client", "contact", "jmeno", "host", "kontakt", "kontaktni osoba", "kunde",
              "kundin", "gast", "ansprechpartner", "gruppenleitung", "reiseleit", "nume", "persoana de contact",
              "контактна особа", "турист", "ім'я", "клієнт", "联系人", "客人姓名", "姓名", "客人", "lead"]),
    ("datetime", ["date and time", "datum a cas", "termin", "datum und uhrzeit", "data si ora", "дата і час",
                  "日期时间"]),
    ("date", ["travel date", "date", "datum", "data", "дата", "日期", "day", "den"]),
    ("time", ["departure time", "time", "cas", "uhrzeit", "zeit", "abfahrt", "ora", "час відправлення", "час",
              "时间", "start", "zacatek", "departure", "початок"]),
    ("product", ["tour name", "product", "produkt", "service", "serviciu", "tour", "activity", "program", "produs",
                 "exkurze", "продукт", "послуга", "екскурсія", "产品", "项目", "trip"]),
]
_LINE = re.compile(r"^[ \t]*(?:[-*•·]\s+)?(?P<label>[^\W\d][^:：\n]{0,40}?)[ \t]*[:：][ \t]*(?P<value>\S.*)?$", re.UNICODE)


@dataclass
class Field:
    label: str
    field: str | None
    value: str
    start: int  # offset of the line in the text


def field_for_label(label: str, template: dict[str, list[str]] | None = None) -> str | None:
    """The field a label names: the partner's template first, then the generic lexicon."""
    folded = fold(label).strip().strip("*").strip()
    for field, labels in (template or {}).items():
        if folded in {fold(label_) for label_ in labels}:
            return field
    return _generic_field(folded)


@lru_cache(maxsize=4096)
def _generic_field(folded: str) -> str | None:
    for field, phrases in FIELD_LABELS:
        for phrase in phrases:
            if folded == phrase:
                return field
    words = [w for w in re.split(r"[^\w']+", folded) if w]
    if words and category_of_word(words[-1]) and len(words) <= 2 and category_of_word(words[-1]) != "PERSON":
        return f"count:{category_of_word(words[-1])}"
    for field, phrases in FIELD_LABELS:
        for phrase in phrases:
            if not phrase.isascii() and len(phrase) <= 3 and phrase in folded:
                return field
            if re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", folded):
                return field
    return None


def labelled_fields(text: str, template: dict[str, list[str]] | None = None) -> list[Field]:
    fields: list[Field] = []
    offset = 0
    for line in text.split("\n"):
        match = _LINE.match(line)
        if match and not re.match(r"^\s*(?:https?|mailto)$", match.group("label"), re.I):
            field = field_for_label(match.group("label"), template)
            value = (match.group("value") or "").strip()
            for label, field, value in _split_inline_labels(match.group("label").strip(), field, value, template):
                fields.append(Field(label, field, value, offset))
        elif fields and line[:1] in (" ", "\t") and line.strip() and offset - fields[-1].start < 400:
            fields[-1].value += "\n" + line.strip()  # a value continued on indented lines
        offset += len(line) + 1
    return fields


_INLINE_LABEL = re.compile(r"(?:(?<=\s)|(?<=[,;|，；、]))\s*([^\W\d][^:：,;|\d]{0,20}?)\s*[:：]\s*(?=\S)")


def _split_inline_labels(label, field, value, template):
    """"联系人：孙丽 手机：138…", "Name: Jo Smith, Tel.: 0151…": several labelled values on one line."""
    parts = [(label, field, value)]
    for match in _INLINE_LABEL.finditer(value):
        inner = field_for_label(match.group(1), template)
        if inner and inner != "ignore":
            head = value[: match.start()].rstrip(" ,;|，；、")
            parts = [(label, field, head), *_split_inline_labels(match.group(1).strip(), inner,
                                                                 value[match.end():].strip(), template)]
            break
    return parts


def first_value(fields: list[Field], field: str) -> str | None:
    return next((f.value for f in fields if f.field == field and f.value), None)
