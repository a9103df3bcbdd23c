"""Decode bytes to text: declared charset first, repaired when it is evidently wrong.

Mail from older clients declares charsets that are too narrow (gb2312 for GBK
text) or simply wrong (windows-1250 bytes labelled iso-8859-1). Decoded as
declared, such text contains C1 control characters (U+0080-U+009F), which
never occur in genuine text, or fails to decode at all. Then the bytes are
decoded again with the superset that matches the partner's language, and as a
last resort charset-normalizer guesses.
"""

from __future__ import annotations

import codecs
import re

_C1 = re.compile("[\u0080-\u009f]")

# Supersets to try before guessing: a narrow label -> the encodings its bytes really use.
_SUPERSETS = {
    "gb2312": ["gbk", "gb18030"],
    "gbk": ["gb18030"],
    "euc-cn": ["gbk", "gb18030"],
    "big5": ["big5hkscs", "cp950"],
    "shift_jis": ["cp932"],
    "euc-kr": ["cp949"],
    "us-ascii": ["utf-8"],
    "ascii": ["utf-8"],
    "iso-8859-1": ["windows-1252"],
    "iso-8859-2": ["windows-1250"],
    "iso-8859-5": ["windows-1251"],
    "koi8-u": ["koi8-r"],
}

# The 8-bit code page a partner writing this language most likely uses.
LEGACY_BY_LANGUAGE = {
    "cs": "windows-1250", "sk": "windows-1250", "pl": "windows-1250", "hu": "windows-1250",
    "ro": "windows-1250", "hr": "windows-1250", "sl": "windows-1250",
    "de": "windows-1252", "en": "windows-1252", "fr": "windows-1252", "es": "windows-1252", "it": "windows-1252",
    "uk": "windows-1251", "ru": "windows-1251", "bg": "windows-1251",
    "zh": "gb18030", "ja": "cp932", "ko": "cp949",
}


def _normal(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip('"').lower()).name
    except LookupError:
        return None


def has_c1_controls(text: str) -> bool:
    return bool(_C1.search(text))


def _try(data: bytes, charset: str) -> str | None:
    try:
        text = data.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if has_c1_controls(text) else text


def decode_bytes(data: bytes, declared: str | None, *, language: str | None = None) -> tuple[str, list[str]]:
    """The text and a list of warnings (empty when the declared charset was right)."""
    warnings: list[str] = []
    charset = _normal(declared)
    if charset:
        text = _try(data, charset)
        if text is not None:
            return text, warnings
        warnings.append(f"charset {declared} did not fit the bytes")
    candidates = []
    if charset:
        candidates += [c for c in _SUPERSETS.get(charset, [])]
    candidates.append("utf-8")
    if language and language in LEGACY_BY_LANGUAGE:
        candidates.append(LEGACY_BY_LANGUAGE[language])
    for candidate in candidates:
        text = _try(data, candidate)
        if text is not None:
            if charset:
                warnings.append(f"decoded as {candidate} instead of {charset}")
            return text, warnings
    guessed = _guess(data)
    if guessed is not None:
        warnings.append("charset guessed")
        return guessed, warnings
    warnings.append("undecodable bytes replaced")
    return data.decode(charset or "utf-8", errors="replace"), warnings


def _guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return None if has_c1_controls(text) else text


def repair_header_text(text: str, *, language: str | None = None) -> str:
    """A header decoded from a mislabelled encoded-word: re-decode its latin-1 bytes."""
    if not has_c1_controls(text):
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    repaired, _ = decode_bytes(raw, None, language=language)
    return repaired
