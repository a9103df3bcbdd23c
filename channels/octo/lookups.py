"""Short-lived per-process memory of read-only lookups on the hot path
(API key -> reseller, ids -> option, product -> unit ids).

What is kept decides nothing about seats: vacancies and bookings are always
read from the database. A revoked key or a renamed option is noticed within
OCTO_LOOKUP_SECONDS (default 30; 0 turns the memory off). Failed lookups are
never kept, so a new key or product works at once; a unit id the memory does
not know is looked up again before it is refused, so a new unit works at once
too. A removed unit is still refused at once by intake, which reads the units
of the product it books.
"""

import time
from collections.abc import Callable, Hashable, Iterable

from django.conf import settings

MAX_ENTRIES = 10_000


class TimedLookup:
    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, object]] = {}

    @staticmethod
    def seconds() -> float:
        return float(getattr(settings, "OCTO_LOOKUP_SECONDS", 30))

    def get(self, key: Hashable, load: Callable[[], object]):
        ttl = self.seconds()
        if ttl <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        if value is not None:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (now + ttl, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


resellers = TimedLookup()
options = TimedLookup()
unit_codes = TimedLookup()


def product_unit_codes(*, product_id: int, wanted: Iterable[str], load: Callable[[], set[str]]) -> set[str]:
    """The unit ids of a product; read again when one of `wanted` is not among the remembered ones."""
    codes = unit_codes.get(product_id, load)
    if not codes.issuperset(wanted):
        unit_codes.forget(product_id)
        codes = unit_codes.get(product_id, load)
    return codes


def lookups_clear() -> None:
    resellers.clear()
    options.clear()
    unit_codes.clear()
