"""Dates written in mail: "5. 12.", "8.12.", "06.12.2026", "Sonntag, 6. Dezember", "13 decembrie",
"15 грудня", "Jan 02, 2027", "1st Dec", "Thursday the 3rd", "2026年12月18日", "12月20日", "tomorrow".

Month and weekday names come from dateparser's locale data, so every
language dateparser knows is understood; the patterns around them are ours
(dateparser's own search is too eager on short business mail and too slow for
a mailbox backlog). A date without a year takes the year of the mail's Date
and moves to the next year when it would lie in the past (mail looks forward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

LOCALES = ("en", "cs", "de", "ro", "uk", "sk", "pl", "ru", "fr", "es", "it", "hu", "hr", "nl")
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december")
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Abbreviations that are ordinary words in some language ("pro" = for in Czech).
_AMBIGUOUS_MONTHS = {"pro", "led", "lis", "kve", "list", "maj", "mai", "mar"}
_AMBIGUOUS = {"sat", "sun", "wed", "so", "ne", "po", "út", "st",
              "čt", "pá", "sa", "di", "mi", "do", "fr", "mo", "tu", "th", "su", "we", "lu", "ma", "vi", "sâ", "du",
              "nie", "pon", "sob", "dom", "mie"}
_ZH_WEEKDAY = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_RELATIVE = {
    1: r"tomorrow|zítra|zejtra|morgen|mâine|maine|завтра|明天|明日",
    2: r"day after tomorrow|pozítří|übermorgen|poimâine|poimaine|післязавтра|后天",
}


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, int], dict[str, int]]:
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    try:
        from dateparser.languages.loader import default_loader

        for code in LOCALES:
            info = default_loader.get_locale(code).info
            for number, key in enumerate(_MONTH_KEYS, 1):
                for name in info.get(key, []):
                    months.setdefault(name.lower().rstrip("."), number)
            for number, key in enumerate(_WEEKDAY_KEYS, 1):
                for name in info.get(key, []):
                    weekdays.setdefault(name.lower().rstrip("."), number)
    except Exception:  # dateparser missing or changed: English still works
        pass
    for number, name in enumerate(_MONTH_KEYS, 1):
        months.setdefault(name, number)
        months.setdefault(name[:3], number)
    for number, name in enumerate(_WEEKDAY_KEYS, 1):
        weekdays.setdefault(name, number)
        weekdays.setdefault(name[:3], number)
    months = {k: v for k, v in months.items() if re.fullmatch(r"[^\W\d_]{3,}", k)}
    weekdays = {k: v for k, v in weekdays.items() if re.fullmatch(r"[^\W\d_]{3,}", k)}
    return months, weekdays


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    # Month and weekday words are captured generically and looked up in the name tables: one dict
    # lookup instead of a regular expression alternation over hundreds of names.
    word = r"(?P<month>[^\W\d_]{3,})\.?"
    return {
        "iso": re.compile(r"\b(?P<year>20\d\d)-(?P<mon>\d{1,2})-(?P<day>\d{1,2})\b"),
        "cjk": re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号號]"),
        "dotted": re.compile(
            r"(?<![\d.:,])(?P<day>\d{1,2})\.\s?(?P<mon>\d{1,2})\.(?:\s?(?P<year>20\d\d|\d\d)\b)?(?!\d|:\d)"
        ),
        "loose": re.compile(r"(?<![\d.:,/])(?P<day>\d{1,2})\.(?P<mon>\d{1,2})(?![\d.:,])"),
        "slashed": re.compile(r"(?<![\d/])(?P<day>\d{1,2})/(?P<mon>\d{1,2})/(?P<year>20\d\d|\d\d)\b"),
        "day_month": re.compile(
            rf"(?<![\d.])(?P<day>\d{{1,2}})(?:\.|st|nd|rd|th|er|ème|º|-?го|-?е)?\s*(?:of\s+|de\s+)?{word}"
            rf"(?![^\W\d_])(?:,?\s*(?P<year>20\d\d)\b)?",
            re.IGNORECASE,
        ),
        "month_day": re.compile(
            r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!:)(?:,?\s*(?P<year>20\d\d)\b)?",
            re.IGNORECASE,
        ),
        "ordinal": re.compile(r"\b(?:the\s+)(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE),
        "word": re.compile(r"[^\W\d_]{3,}"),
        "zh_weekday": re.compile(r"(?:星期|礼拜|禮拜|周|週)(?P<weekday>[一二三四五六日天])"),
        "relative": re.compile(
            "|".join(f"(?P<rel{n}>(?<![^\\W\\d_])(?:{words})(?![^\\W\\d_]))" for n, words in sorted(_RELATIVE.items(), reverse=True)),
            re.IGNORECASE,
        ),
    }


@lru_cache(maxsize=1)
def _month_tables() -> tuple[dict[str, int], dict[str, int]]:
    """(month names usable after a day number, English month names usable before one)."""
    months, _ = _names()
    safe = {k: v for k, v in months.items() if k not in _AMBIGUOUS_MONTHS or len(k) > 4}
    english = {k: v for k, v in months.items() if k in _english_months()}
    return safe, english


def _english_months() -> set[str]:
    return set(_MONTH_KEYS) | {m[:3] for m in _MONTH_KEYS} | {"sept"}


_LOOSE_CONTEXT = re.compile(r"(?:\b(?:am|den|dne|on|pe|la|ve|na|datum|date|data)|\bна|日期)\s*[:：]?\s*$",
                            re.IGNORECASE)


@dataclass
class DateMention:
    value: date
    start: int
    end: int
    has_year: bool
    weekday_near: bool = False  # a weekday name right before or after (a strong sign of a real date)
    kind: str = "numeric"


def _resolve_year(month: int, day: int, year: int | None, today: date) -> date | None:
    if year is not None:
        if year < 100:
            year += 2000
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year - 1, today.year, today.year + 1):  # the first not long past
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today - timedelta(days=7):
            return candidate
    return None


def weekday_mentions(text: str) -> list[tuple[int, int, int]]:
    """(start, end, ISO weekday) of weekday names."""
    _, weekdays = _names()
    found = []
    for match in _patterns()["word"].finditer(text):
        word = match.group(0)
        number = weekdays.get(word.lower())
        if number is None or (word.lower() in _AMBIGUOUS and not word[0].isupper()):
            continue
        found.append((match.start(), match.end(), number))
    for match in _patterns()["zh_weekday"].finditer(text):
        found.append((match.start(), match.end(), _ZH_WEEKDAY[match.group("weekday")]))
    return found


def find_dates(text: str, today: date, *, context_month: tuple[int, int] | None = None) -> list[DateMention]:
    """Every date written in `text`, in order. `today` is the mail's date (for the year)."""
    patterns = _patterns()
    months, _ = _names()
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    def add(match: re.Match, month: int, day: int, year: int | None, kind: str) -> None:
        if overlaps(match.start(), match.end()) or not (1 <= month <= 12 and 1 <= day <= 31):
            return
        value = _resolve_year(month, day, year, today)
        if value is None:
            return
        taken.append((match.start(), match.end()))
        found.append(DateMention(value, match.start(), match.end(), year is not None, kind=kind))

    for kind in ("iso", "cjk", "slashed", "dotted"):
        for m in patterns[kind].finditer(text):
            year = int(m.group("year")) if m.group("year") else None
            add(m, int(m.group("mon")), int(m.group("day")), year, kind)
    # "am 12.12 um 14:30": day.month without the final dot, only after a date word or a weekday
    weekdays = weekday_mentions(text)
    weekday_ends = {e for _, e, _ in weekdays}
    for m in patterns["loose"].finditer(text):
        before = text[max(0, m.start() - 12): m.start()]
        if _LOOSE_CONTEXT.search(before) or any(0 <= m.start() - e <= 3 for e in weekday_ends):
            add(m, int(m.group("mon")), int(m.group("day")), None, "dotted")
    safe_months, english_months = _month_tables()
    for kind, table in (("day_month", safe_months), ("month_day", english_months)):
        for m in patterns[kind].finditer(text):
            month = table.get(m.group("month").lower().rstrip("."))
            if month:
                add(m, month, int(m.group("day")), int(m.group("year")) if m.group("year") else None, "named")
    found.sort(key=lambda d: d.start)
    for m in patterns["ordinal"].finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        day = int(m.group("day"))
        before = [d for d in found if d.end <= m.start()]
        weekday = next((w for s, e, w in weekdays if 0 <= m.start() - e <= 3), None)
        value = _day_in_context(day, before[-1].value if before else None, context_month, today, weekday)
        if value:
            taken.append((m.start(), m.end()))
            found.append(DateMention(value, m.start(), m.end(), False, kind="ordinal"))
    for m in patterns["relative"].finditer(text):
        if overlaps(m.start(), m.end()):
            continue
        offset = 2 if m.group("rel2") else 1
        found.append(DateMention(today + timedelta(days=offset), m.start(), m.end(), False, kind="relative"))
    found.sort(key=lambda d: d.start)
    for mention in found:
        mention.weekday_near = any(
            (0 <= mention.start - e <= 4 or 0 <= s - mention.end <= 4) for s, e, _ in weekdays
        )
    return found


def _day_in_context(day, previous: date | None, context_month, today: date, weekday: int | None) -> date | None:
    anchors = []
    if previous:
        anchors.append((previous.year, previous.month))
    if context_month:
        anchors.append(context_month)
    anchors.append((today.year, today.month))
    for year, month in anchors:
        for shift in range(3):
            y, m = year + (month - 1 + shift) // 12, (month - 1 + shift) % 12 + 1
            try:
                candidate = date(y, m, day)
            except ValueError:
                continue
            if candidate < today:
                continue
            if weekday is None or candidate.isoweekday() == weekday:
                return candidate
    return None


def next_weekday(text: str, today: date) -> DateMention | None:
    """A weekday named without a date ("on Friday", "v pátek"): its next occurrence after the mail."""
    for start, end, weekday in weekday_mentions(text):
        days = (weekday - today.isoweekday()) % 7 or 7
        return DateMention(today + timedelta(days=days), start, end, False, True, kind="weekday")
    return None
