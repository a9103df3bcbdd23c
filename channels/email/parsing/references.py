"""The partner's own booking number (AR-26-4417, LT-7781, PD20261118-03, GYGK7Q2MZW4X, BR-1198374651).

A labelled value wins; otherwise a token shaped like a reference in the
subject or the text. Our own numbers (the operator's prefix, MC-...) are never
the partner's reference.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"(?<![\w/.@-])([A-Z][A-Z0-9]{0,7}(?:[-/][A-Z0-9]+)+|[A-Z]{2,6}\d[A-Z0-9]{4,}(?:-\d+)?|[A-Z]{3,}[A-Z0-9]{6,})(?![\w@-])")


def looks_like_reference(token: str, own_prefixes: tuple[str, ...]) -> bool:
    if not re.search(r"\d", token) or len(token) < 5 or len(token) > 24:
        return False
    if any(token.upper().startswith(p.upper()) for p in own_prefixes if p):
        return False
    if re.fullmatch(r"[A-Z]{2}\d{8,12}", token) and token[:2] in {"DE", "CZ", "AT", "RO", "PL", "SK", "GB"}:
        return False  # VAT numbers
    if re.fullmatch(r"[A-Z]{1,3}\d{0,2}", token):
        return False
    return True


def reference_from_value(value: str | None, own_prefixes: tuple[str, ...]) -> str | None:
    if not value:
        return None
    for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9/-]*[A-Za-z0-9]", value):
        if re.search(r"\d", token) and len(token) >= 3 and not any(token.upper().startswith(p) for p in own_prefixes):
            return token
    return None


def find_references(text: str, own_prefixes: tuple[str, ...], exclude: set[str] = frozenset()) -> list[str]:
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group(1)
        if token not in exclude and looks_like_reference(token, own_prefixes) and token not in found:
            found.append(token)
    return found
