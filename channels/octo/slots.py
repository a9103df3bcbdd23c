"""Live availability as OCTO Availability and AvailabilityCalendar objects.

availabilityId = the slot's local start with its offset (e.g. 2026-11-24T10:30:00+01:00):
stable per (option, departure), and enough to find the departure again.
"""

from collections import defaultdict
from datetime import date, datetime, timezone as dt_timezone

from availability.selectors import AVAILABLE, CLOSED, FREESALE, LIMITED, SOLD_OUT, Slot
from channels.octo.context import OctoContext
from channels.octo.pricing import pricing, unit_pricing
from channels.octo.schemas import Availability, AvailabilityCalendar

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


def _pricing_fields(slot: Slot, units: dict[str, int] | None) -> dict:
    if not slot.prices:
        return {}
    currency = slot.prices[0].currency
    fields = {"unitPricing": [unit_pricing(p.code, p.price_minor, p.currency).wire() for p in slot.prices]}
    if units:
        total = sum(p.price_minor * units.get(p.code, 0) for p in slot.prices)
    else:
        total = min(p.price_minor for p in slot.prices)
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
                self._priced[slot.prices] = _pricing_fields(slot, self.units)
            data.update(self._priced[slot.prices])
        return data


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
            priced = _pricing_fields(day_slots[0], units)
            if priced:
                fields.update(unitPricingFrom=priced["unitPricing"], pricingFrom=priced["pricing"])
        days.append(AvailabilityCalendar(**fields))
    return days
