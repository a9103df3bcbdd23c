"""Live availability as OCTO Availability and AvailabilityCalendar objects.

availabilityId = the slot's local start with its offset (e.g. 2026-11-24T10:30:00+01:00):
stable per (option, departure), and enough to find the departure again.
"""

import json
from collections import defaultdict
from datetime import date, datetime, timezone as dt_timezone

from availability.selectors import AVAILABLE, CLOSED, FREESALE, LIMITED, SOLD_OUT, Slot, SlotRows, UnitPrice
from channels.octo.context import OctoContext
from channels.octo.pricing import pricing, unit_pricing
from channels.octo.schemas import Availability, AvailabilityCalendar
from channels.octo.time_texts import MINUTE_US, TimeTexts, TextMemory

UTC = dt_timezone.utc


def utc_text(moment: datetime | None) -> str | None:
    """YYYY-MM-DDTHH:MM:SSZ, as OCTO's utc* fields want."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"


def availability_id(slot: Slot) -> str:
    return slot.starts_at.isoformat()


def parse_availability_id(value: str | None) -> datetime | None:
    """The aware start an availabilityId names, or None when it is not one of ours."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _opening_hours(slot: Slot) -> list[dict]:
    if not slot.all_day:
        return []
    return [{"from": f"{slot.starts_at.hour:02d}:{slot.starts_at.minute:02d}",
             "to": f"{slot.ends_at.hour:02d}:{slot.ends_at.minute:02d}"}]


def _pricing_fields(prices: tuple[UnitPrice, ...], units: dict[str, int] | None) -> dict:
    if not prices:
        return {}
    currency = prices[0].currency
    fields = {"unitPricing": [unit_pricing(p.code, p.price_minor, p.currency).wire() for p in prices]}
    if units:
        total = sum(p.price_minor * units.get(p.code, 0) for p in prices)
    else:
        total = min(p.price_minor for p in prices)
    fields["pricing"] = pricing(total, currency).wire()
    return fields


class SlotWire:
    """Slots of one request as OCTO Availability objects (plain dicts with the keys of schemas.Availability).

    The hot path of the channel: prices are the same for every slot of an
    option, so they are rendered once per request, not once per slot.
    """

    def __init__(self, *, ctx: OctoContext, max_units: int | None, units: dict[str, int] | None = None):
        self.ctx = ctx
        self.max_units = max_units
        self.units = units
        self._priced: dict[tuple, dict] = {}

    def __call__(self, slot: Slot) -> dict:
        start = slot.starts_at.isoformat()
        data = {
            "id": start,
            "localDateTimeStart": start,
            "localDateTimeEnd": slot.ends_at.isoformat(),
            "utcCutoffAt": utc_text(slot.cutoff_at),
            "allDay": slot.all_day,
            "available": slot.available,
            "status": slot.status,
            "vacancies": slot.vacancies,
            "capacity": slot.capacity,
            "maxUnits": self.max_units,
            "openingHours": _opening_hours(slot),
        }
        if self.ctx.pricing:
            if slot.prices not in self._priced:
                self._priced[slot.prices] = _pricing_fields(slot.prices, self.units)
            data.update(self._priced[slot.prices])
        return data


_STATUS_JSON = {status: f'"available": {"true" if status in (AVAILABLE, LIMITED, FREESALE) else "false"}, "status": "{status}"'
                for status in (AVAILABLE, LIMITED, FREESALE, SOLD_OUT, CLOSED)}


class _SlotHeads:
    """Per zone: the JSON of what only a slot's times decide (ids, times, cutoff, allDay, openingHours).

    Made once per process for each (start, end, cutoff, all-day) and then looked up:
    resellers ask for the same coming weeks again and again. The key is the
    times themselves, not the departure, so a moved departure gets new text.
    At most LIMIT entries per zone (each ~350 bytes); then the memory starts over.
    """

    LIMIT = 100_000

    @classmethod
    def of(cls, zone) -> TextMemory:
        return _SLOT_HEADS_OF_ZONE[zone]

    def __init__(self, zone):
        self.slot_times = TimeTexts.of(zone).slot

    def make(self, key: tuple[int, int, int, bool]) -> tuple[str, str]:
        starts_us, ends_us, cutoff_us, all_day = key
        start, start_of_day, end, end_of_day, cutoff = self.slot_times(starts_us, ends_us, cutoff_us)
        head = (f'{{"id": "{start}", "localDateTimeStart": "{start}", "localDateTimeEnd": "{end}", '
                f'"utcCutoffAt": "{cutoff}", "allDay": {"true" if all_day else "false"}, ')
        if not all_day:
            return head, "[]"
        (sh, sm), (eh, em) = divmod(start_of_day // MINUTE_US, 60), divmod(end_of_day // MINUTE_US, 60)
        return head, f'[{{"from": "{sh:02d}:{sm:02d}", "to": "{eh:02d}:{em:02d}"}}]'


# zone -> its memory of slot heads, kept for the process
_SLOT_HEADS_OF_ZONE = TextMemory(lambda zone: TextMemory(_SlotHeads(zone).make, limit=_SlotHeads.LIMIT), limit=1_000)


class SlotRowsJson:
    """Slots of one request as the JSON text of a list of OCTO Availability objects.

    The hot path of the channel (a 30-day check has 100 and more slots): the
    text is written straight from SlotRows, with what every slot shares
    (maxUnits, prices) encoded once per request and what a slot's times decide
    once per process (_SlotHeads), instead of building a dict per slot and
    encoding it. It is the text json.dumps writes for SlotWire's dicts, field
    for field, in the same order (tests/channels/octo/test_availability_json.py
    holds the two together).
    """

    def __init__(self, *, ctx: OctoContext, max_units: int | None, units: dict[str, int] | None = None):
        self.ctx = ctx
        self.max_units = json.dumps(max_units)
        self.units = units

    def _pricing_tail(self, prices) -> str:
        if not self.ctx.pricing or not prices:
            return ""
        return ", " + json.dumps(_pricing_fields(prices, self.units), ensure_ascii=False)[1:-1]

    def __call__(self, found: SlotRows, *, only_starts: set[int] | None = None) -> str:
        """The JSON list; `only_starts` keeps only the slots starting at those instants (epoch microseconds)."""
        heads = _SlotHeads.of(found.zone)
        tail = f', "maxUnits": {self.max_units}, "openingHours": '
        pricing = self._pricing_tail(found.prices) + "}"
        parts = []
        for _dep_id, starts_us, ends_us, all_day, status, vacancies, capacity, cutoff_us in found.rows:
            if only_starts is not None and starts_us not in only_starts:
                continue
            head, hours = heads[(starts_us, ends_us, cutoff_us, all_day)]
            parts.append(
                f'{head}{_STATUS_JSON[status]}, "vacancies": {"null" if vacancies is None else vacancies}, '
                f'"capacity": {"null" if capacity is None else capacity}{tail}{hours}{pricing}'
            )
        return "[" + ", ".join(parts) + "]"


def slot_wire(slot: Slot, *, ctx: OctoContext, max_units: int | None, units: dict[str, int] | None = None) -> Availability:
    return Availability(**SlotWire(ctx=ctx, max_units=max_units, units=units)(slot))


def _day_status(slots: list[Slot]) -> tuple[str, int | None, int | None]:
    bookable = [s for s in slots if s.available]
    if not bookable:
        sold_out = any(s.status == SOLD_OUT for s in slots)
        capacity = sum(s.capacity or 0 for s in slots)
        return (SOLD_OUT if sold_out else CLOSED), 0, capacity
    if any(s.status == FREESALE for s in bookable):
        return FREESALE, None, None
    vacancies = sum(s.vacancies or 0 for s in bookable)
    capacity = sum(s.capacity or 0 for s in bookable)
    return (LIMITED if vacancies * 2 < capacity else AVAILABLE), vacancies, capacity


def calendar_wire(slots: list[Slot], *, first: date, last: date, ctx: OctoContext, units: dict[str, int] | None = None) -> list[AvailabilityCalendar]:
    """One object per local day in [first, last] that has departures; a day without any is left out.

    (An OPENING_HOURS day must carry its opening hours, and a day without a
    departure has none: the validator counts an empty list as an error.)
    """
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        by_day[slot.starts_at.date()].append(slot)
    days = []
    for day in sorted(d for d in by_day if first <= d <= last):
        day_slots = by_day[day]
        status, vacancies, capacity = _day_status(day_slots)
        fields = dict(
            localDate=day.isoformat(),
            available=status in (AVAILABLE, LIMITED, FREESALE),
            status=status,
            vacancies=vacancies,
            capacity=capacity,
            openingHours=[hours for s in day_slots for hours in _opening_hours(s)],
        )
        if ctx.pricing:
            priced = _pricing_fields(day_slots[0].prices, units)
            if priced:
                fields.update(unitPricingFrom=priced["unitPricing"], pricingFrom=priced["pricing"])
        days.append(AvailabilityCalendar(**fields))
    return days
