"""Instants (integer microseconds since the epoch) as the texts OCTO shows, without building datetimes.

Exactly what datetime.isoformat() writes for the local time with its offset,
and what slots.utc_text() writes for UTC, at a fraction of the cost: the hot
part of rendering a 30-day availability check.
"""

from datetime import UTC, date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

_DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
_SECOND_US = 1_000_000
_EPOCH_DAY = date(1970, 1, 1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (the unit of SlotRows' times)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


class TextMemory(dict):
    """A dict that makes a missing value with `make` and keeps it: a hit is one plain lookup.

    Kept for the life of the process (texts of dates, times and offsets never
    change), emptied when it reaches `limit` entries so it cannot grow without end.
    """

    __slots__ = ("make", "limit")

    def __init__(self, make, limit: int = 50_000):
        super().__init__()
        self.make = make
        self.limit = limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


def _date_text(day: int) -> str:
    return (_EPOCH_DAY + timedelta(days=day)).isoformat() + "T"


def _time_text(of_day: int) -> str:
    seconds, micro = divmod(of_day, _SECOND_US)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{text}.{micro:06d}" if micro else text


def _utc_time_text(of_day: int) -> str:
    seconds = of_day // _SECOND_US
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"


def _offset_text(offset: timedelta) -> tuple[int, str]:
    # isoformat's own rendering of the offset ("+01:00", "+05:45", "-00:25:21").
    return offset // timedelta(microseconds=1), datetime(2000, 1, 1, tzinfo=dt_timezone(offset)).isoformat()[19:]


_DATE_TEXTS = TextMemory(_date_text)  # days since 1970-01-01 -> "YYYY-MM-DDT"
_TIME_TEXTS = TextMemory(_time_text)  # microseconds since midnight -> "HH:MM:SS[.ffffff]"
_UTC_TIME_TEXTS = TextMemory(_utc_time_text)  # microseconds since midnight -> "HH:MM:SSZ" (whole seconds)
_OFFSET_TEXTS = TextMemory(_offset_text)  # UTC offset -> (microseconds, "+HH:MM")


class TimeTexts:
    """Epoch microseconds as text, exactly as datetime.isoformat() (local) and utc_text() (UTC) write them.

    A range shows the same few dates and times of day again and again, so the
    text of each date, time of day and UTC offset is made once per process
    and then looked up. Offsets come from the zone (zoneinfo), asked once per
    UTC midnight: a day whose two midnights have the same offset has that
    offset all day, because no zone changes its offset twice within 24 hours
    (the closest two changes in the tz database are four days apart; a test
    checks the machine's copy). A day with a change in it asks the zone for
    every instant. Get one with TimeTexts.of(zone): it keeps what it learnt.
    """

    @classmethod
    def of(cls, zone: ZoneInfo) -> "TimeTexts":
        return _OF_ZONE[zone]

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._midnights = TextMemory(self._offset_at_midnight, limit=10_000)
        self._days = TextMemory(self._offset_all_day, limit=10_000)

    def _offset_of(self, us: int) -> tuple[int, str]:
        return _OFFSET_TEXTS[datetime.fromtimestamp(us / _SECOND_US, self.zone).utcoffset()]

    def _offset_at_midnight(self, day: int) -> tuple[int, str]:
        return self._offset_of(day * _DAY_US)

    def _offset_all_day(self, day: int) -> tuple[int, str] | None:
        offset = self._midnights[day]
        return offset if offset == self._midnights[day + 1] else None

    def local(self, us: int) -> tuple[str, int]:
        """(ISO text with offset, microseconds since local midnight) of an instant, in the zone."""
        day, of_day = divmod(us, _DAY_US)  # the one division: on integers this large it is the dear part
        offset_us, offset_text = self._days[day] or self._offset_of(us)
        of_day += offset_us
        if of_day < 0:
            day -= 1
            of_day += _DAY_US
        elif of_day >= _DAY_US:
            day += 1
            of_day -= _DAY_US
        return _DATE_TEXTS[day] + _TIME_TEXTS[of_day] + offset_text, of_day

    def utc(self, us: int) -> str:
        """YYYY-MM-DDTHH:MM:SSZ (whole seconds), as utc_text() writes it."""
        day, of_day = divmod(us, _DAY_US)
        return _DATE_TEXTS[day] + _UTC_TIME_TEXTS[of_day]

    def slot(self, starts_us: int, ends_us: int, cutoff_us: int) -> tuple[str, int, str, int, str]:
        """local(starts_us) + local(ends_us) + (utc(cutoff_us),), with one division instead of three.

        The end and the cutoff usually fall on the start's UTC day, and so
        share its offset: they are reached from the start by addition.
        """
        utc_day, utc_of_day = divmod(starts_us, _DAY_US)
        offset = self._days[utc_day]
        end_of_utc_day = utc_of_day + (ends_us - starts_us)
        if offset is None or not 0 <= end_of_utc_day < _DAY_US:
            return (*self.local(starts_us), *self.local(ends_us), self.utc(cutoff_us))
        offset_us, offset_text = offset
        # The local day may be the UTC day's neighbour; floor division carries it either way.
        start_shift, start_of_day = divmod(utc_of_day + offset_us, _DAY_US)
        end_shift, end_of_day = divmod(end_of_utc_day + offset_us, _DAY_US)
        start_day, end_day = utc_day + start_shift, utc_day + end_shift
        cutoff_of_utc_day = utc_of_day + (cutoff_us - starts_us)
        if 0 <= cutoff_of_utc_day < _DAY_US:
            cutoff = _DATE_TEXTS[utc_day] + _UTC_TIME_TEXTS[cutoff_of_utc_day]
        else:
            cutoff = self.utc(cutoff_us)
        return (_DATE_TEXTS[start_day] + _TIME_TEXTS[start_of_day] + offset_text, start_of_day,
                _DATE_TEXTS[end_day] + _TIME_TEXTS[end_of_day] + offset_text, end_of_day, cutoff)


_OF_ZONE = TextMemory(TimeTexts, limit=1_000)  # zone -> its TimeTexts, kept for the process
