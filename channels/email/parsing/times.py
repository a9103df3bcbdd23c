"""Times of day as written: "14:30", "14.30 Uhr", "4.30pm", "3pm", "17 Uhr", "ora 12", "noon",
"quarter past ten in the morning", "half past two", "halb drei", "下午2点半", "上午10点", "晚上7点".

Every time is normalised to HH:MM. A time is never moved to a departure here;
whether it is one is the catalogue check's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_DE_NUMBERS = {"eins": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
               "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12}
_ZH_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
               "十一": 11, "十二": 12}
_PM_WORDS = re.compile(
    r"^\W{0,3}(?:in the (?:afternoon|evening)|at night|tonight|nachmittags?|abends?|odpoledne|večer|večer[ae]"
    r"|după[- ]amiaz[aă]|seara|de seară|дня|вечора|ввечері|pm|p\.m\.)",
    re.IGNORECASE,
)
_AM_WORDS = re.compile(r"^\W{0,3}(?:in the morning|morgens|vormittags|ráno|dopoledne|dimineața|ранку|зранку|am|a\.m\.)",
                       re.IGNORECASE)
_HOUR_WORD = "|".join(sorted(list(_EN_NUMBERS) + list(_DE_NUMBERS), key=len, reverse=True))
_PATTERNS = [
    ("clock", re.compile(
        r"(?<![\d:.,~])(?P<h>[01]?\d|2[0-3])(?P<sep>[:.h])(?P<m>[0-5]\d)(?!\d|[.,]\d)"
        r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z]))?(?P<uhr>\s*(?:Uhr|hod(?:\.|in[ay]?)?|h\b))?", re.IGNORECASE)),
    ("clock", re.compile(r"(?<=~)(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b")),
    ("ampm", re.compile(r"(?<![\d:.])(?P<h>1[0-2]|0?[1-9])\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z])", re.IGNORECASE)),
    ("hour_word", re.compile(
        r"(?<![\d:.])(?P<h>[01]?\d|2[0-3])\s*(?:Uhr|hodin[ay]?|hod\.|h\b|godz\.?|годин[іиа]?|год\.)", re.IGNORECASE)),
    ("hour_prefix", re.compile(r"\b(?:ora|at|um|в|о|ve|v)\s+(?P<h>[01]?\d|2[0-3])\b(?![:.,]?\d)(?!\s*(?:%|[-–]))",
                               re.IGNORECASE)),
    ("noon", re.compile(r"\b(?:noon|midday|mittags?|poledne|polední|amiază|amiaza|опівдні|полудень)\b|中午12点|正午",
                        re.IGNORECASE)),
    ("past", re.compile(
        rf"\b(?P<q>quarter|half|twenty|ten|five|twenty-five)\s+(?P<rel>past|to|after)\s+(?P<hw>{_HOUR_WORD}|\d{{1,2}})\b",
        re.IGNORECASE)),
    ("oclock", re.compile(rf"\b(?P<hw>{_HOUR_WORD}|\d{{1,2}})\s*o['’]?\s?clock\b", re.IGNORECASE)),
    ("halb", re.compile(rf"\b(?:um\s+)?(?P<q>halb|viertel nach|viertel vor|dreiviertel)\s+(?P<hw>{_HOUR_WORD}|\d{{1,2}})\b",
                        re.IGNORECASE)),
    ("zh", re.compile(
        r"(?P<period>上午|早上|早晨|中午|下午|晚上|傍晚|夜里)?\s*(?P<h>\d{1,2}|十[一二]?|[一二两三四五六七八九])\s*[点點时時]"
        r"(?:\s*(?P<half>半)|\s*(?P<quarter>一刻|三刻)|\s*(?P<m>\d{1,2})\s*分?)?")),
]


@dataclass
class TimeMention:
    value: str  # HH:MM
    start: int
    end: int
    kind: str


def _hour_value(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _EN_NUMBERS.get(word) or _DE_NUMBERS.get(word)


def _apply_period(hour: int, text_after: str, text_before: str = "", *, spoken: bool = False) -> int:
    if spoken and 1 <= hour <= 6 and not _AM_WORDS.match(text_after):
        return hour + 12  # "half past two", "um halb drei": nobody tours at 2 a.m.
    if hour < 12 and _PM_WORDS.match(text_after):
        return hour + 12
    if hour == 12 and _AM_WORDS.match(text_after) and "midnight" in text_after.lower():
        return 0
    return hour


def _zh_hour(word: str) -> int:
    return int(word) if word.isdigit() else _ZH_NUMBERS.get(word, 0)


def find_times(text: str) -> list[TimeMention]:
    found: list[TimeMention] = []
    taken: list[tuple[int, int]] = []
    zh_period = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _read(kind, m, text)
            if kind == "zh":
                value, zh_period = _read_zh(m, text, found)
            if value is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(TimeMention(value, m.start(), m.end(), kind))
    found.sort(key=lambda t: t.start)
    return found


def _fmt(hour: int, minute: int) -> str | None:
    return f"{hour:02d}:{minute:02d}" if 0 <= hour < 24 and 0 <= minute < 60 else None


def _read(kind: str, m: re.Match, text: str) -> str | None:
    after = text[m.end(): m.end() + 30]
    if kind == "clock":
        hour, minute = int(m.group("h")), int(m.group("m"))
        ampm = (m.groupdict().get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if m.groupdict().get("sep") in (".", "h") and not ampm and not m.group("uhr"):
            before = text[max(0, m.start() - 6): m.start()].lower()
            if not re.search(r"\b(?:at|um|ve|v|ora|о|в|o)\s*$", before):
                return None
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm:
            hour = _apply_period(hour, after)
        return _fmt(hour, minute)
    if kind == "ampm":
        hour = int(m.group("h")) % 12
        return _fmt(hour + (12 if m.group("ampm").lower().startswith("p") else 0), 0)
    if kind in ("hour_word", "hour_prefix"):
        return _fmt(_apply_period(int(m.group("h")), after, spoken=kind == "hour_prefix"), 0)
    if kind == "noon":
        return "12:00"
    if kind == "past":
        hour = _hour_value(m.group("hw"))
        minutes = {"quarter": 15, "half": 30, "twenty": 20, "ten": 10, "five": 5, "twenty-five": 25}[m.group("q").lower()]
        if hour is None:
            return None
        if m.group("rel").lower() == "to":
            hour, minutes = hour - 1, 60 - minutes
        return _fmt(_apply_period(hour % 24, after, spoken=True), minutes)
    if kind == "oclock":
        hour = _hour_value(m.group("hw"))
        return None if hour is None else _fmt(_apply_period(hour, after, spoken=True), 0)
    if kind == "halb":
        hour = _hour_value(m.group("hw"))
        if hour is None:
            return None
        q = m.group("q").lower()
        hour, minute = {"halb": (hour - 1, 30), "viertel nach": (hour, 15), "viertel vor": (hour - 1, 45),
                        "dreiviertel": (hour - 1, 45)}[q]
        return _fmt(_apply_period(hour, after, spoken=True), minute)
    return None


def _read_zh(m: re.Match, text: str, found: list[TimeMention]) -> tuple[str | None, str | None]:
    hour = _zh_hour(m.group("h"))
    minute = 30 if m.group("half") else 15 if m.group("quarter") == "一刻" else 45 if m.group("quarter") else 0
    if m.group("m"):
        minute = int(m.group("m"))
    period = m.group("period")
    if period is None:
        # "下午2点半或者4点半": the period carries over within the sentence
        previous = next((t for t in reversed(found) if t.kind == "zh" and m.start() - t.end < 12), None)
        if previous and int(previous.value[:2]) >= 12 and hour < 12:
            period = "下午"
    if period in ("下午", "晚上", "傍晚", "夜里") and hour < 12:
        hour += 12
    return _fmt(hour, minute), period
