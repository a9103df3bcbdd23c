"""The customer: name (script kept, honorifics dropped), phone (E.164 in the partner's country), e-mail."""

from __future__ import annotations

import re

import phonenumbers

_HONORIFICS = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam|herr|frau|familie|family|fam|pan|paní|pani|sl|slečna|domnul|doamna|"
    r"domnișoara|dl|dna|d-na|d-l|пан|пані|пан\u0456|господин|госпожа|sr|sra|mme|mlle|m)\.?\s+)+",
    re.IGNORECASE,
)
_ZH_HONORIFICS = re.compile(r"(?:先生|女士|小姐|太太)$")
_CONTACT_PERSON = re.compile(
    r"\((?:ansprechpartner(?:in)?|contact(?: person)?|kontaktní osoba|kontakt|persoană de contact|контактна особа|"
    r"联系人)\s*:?\s*([^)]+)\)",
    re.IGNORECASE,
)
_NAME_PHRASE = re.compile(
    r"(?:\bna jméno|\bauf den namen|\bin the name of|\bunder the name(?: of)?|\bpe numele|\bна ім['’]я|"
    r"\bna nazwisko|\bguest is|\bguest(?: name)?:?|\bgast:?|\bclient(?:ul)?:?|\bhost(?:em)?:?|\bturist:?|\bклієнт:?|\bdomnul|\bdoamna|\bMr\.?|\bMrs\.?|\bMs\.?|\bHerr|\bFrau)\s+(.{2,60})",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯІЇЄҐ][\w'’\-]*|d[eia]|van|von|der|de la|al|bin|O['’]\w+)$", re.UNICODE)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def clean_name(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    person = _CONTACT_PERSON.search(value)
    if person:
        value = person.group(1)
    value = re.sub(r"[（(][^）)]*[）)]", " ", value)  # transliterations, room numbers
    value = _HONORIFICS.sub("", value.strip())
    value = re.split(r"\s*(?:[,;|/]|\.\s|\s[-–—]\s|\bte?l\.|\btel\b|\bmobil|\bphone\b|\+?\d{3}|@|<|\n)", value, maxsplit=1)[0]
    value = _HONORIFICS.sub("", value.strip()).strip(" .:-–")
    value = _ZH_HONORIFICS.sub("", value)
    if _CJK_NAME.match(value):
        return value
    leading_cjk = re.match(r"^([\u4e00-\u9fff]{2,4})(?:\s|[，,；;：:]|$)", value)
    if leading_cjk:
        return leading_cjk.group(1)
    words = value.split()
    while words and not _NAME_WORD.match(words[-1]):
        words.pop()
    if not 1 <= len(words) <= 5 or not re.match(r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯІЇЄҐ]", words[0]):
        return None
    return " ".join(words)


_COUPLE_NAME = re.compile(
    r"\b(?:mr\.?\s*(?:and|&)\s*mrs\.?|herr und frau|pan a paní|manžel\w*|manzel\w*|domnul și doamna|"
    r"domnul si doamna|пан і пані|подружжя)\s+([A-ZÀ-ÖØ-ÞĀ-ŽА-ЯІЇЄҐ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯІЇЄҐ][\w'’-]+)?)",
    re.IGNORECASE,
)


def name_from_phrases(text: str) -> str | None:
    for match in _NAME_PHRASE.finditer(text):
        name = clean_name(match.group(1))
        if name and len(name.split()) >= 2:
            return name
    couple = _COUPLE_NAME.search(text)  # "Mr & Mrs Tanaka": the family name is all there is
    return couple.group(1) if couple else None


def _prepare_phone_text(text: str) -> str:
    text = re.sub(r"\b[A-Z]{2}\s?\+(\d)", r"+\1", text)  # "US+1 415..." (Viator)
    text = re.sub(r"(?<=\d)[\u00a0\u2009\u202f](?=\d)", " ", text)
    return text


def find_phones(text: str, region: str | None, exclude: set[str]) -> list[tuple[int, str]]:
    """(position, E.164) for each phone number in `text` not in `exclude`."""
    region = (region or "CZ").upper()
    prepared = _prepare_phone_text(text)
    found = []
    try:
        matcher = phonenumbers.PhoneNumberMatcher(prepared, region, leniency=phonenumbers.Leniency.POSSIBLE)
        for match in matcher:
            digits = re.sub(r"\D", "", match.raw_string)
            if len(digits) < 8 or re.fullmatch(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}", match.raw_string.strip()):
                continue
            if re.fullmatch(r"20\d\d\d{4}|\d{2}\.\d{2}\.\d{4}", digits):
                continue
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if number in exclude:
                continue
            found.append((match.start, number))
    except Exception:  # the matcher must never take the mail down
        return found
    return found


def normalise_phone(value: str | None, region: str | None) -> str | None:
    if not value:
        return None
    try:
        number = phonenumbers.parse(_prepare_phone_text(value), (region or "CZ").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_emails(text: str, exclude_addresses: set[str], exclude_domains: set[str]) -> list[tuple[int, str]]:
    """Addresses in `text` except the excluded ones and those at (or under) an excluded domain."""
    found = []
    for match in _EMAIL.finditer(text):
        address = match.group(0).strip(".").lower()
        local, _, domain = address.partition("@")
        if address in exclude_addresses:
            continue
        if any(domain == d or domain.endswith("." + d) for d in exclude_domains):
            continue
        if re.match(r"(?:no-?reply|noreply|unsubscribe|mailer-daemon|postmaster|bounces?)\b", local):
            continue
        found.append((match.start(), address))
    return found
