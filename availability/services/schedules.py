"""Departures generated from schedules, in local time, stored in UTC.

Local wall-clock times are kept across daylight-saving changes: a 19:00
departure is 18:00Z in winter and 17:00Z in summer in Europe/Prague.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from availability.models import Departure, Schedule


def _local_times(schedule: Schedule) -> list[time]:
    return [time.fromisoformat(value) for value in schedule.start_times]


def schedule_occurrences(*, schedule: Schedule, date_from: date, date_to: date) -> list[tuple[datetime, datetime, bool]]:
    """(start UTC, end UTC, all_day) for every run of the schedule in [date_from, date_to]."""
    zone = ZoneInfo(schedule.timezone)
    weekdays = set(schedule.weekdays or range(1, 8))
    months = set(schedule.months or range(1, 13))
    is_opening_hours = bool(schedule.closing_time)
    closing = time.fromisoformat(schedule.closing_time) if is_opening_hours else None
    result = []
    day = max(date_from, schedule.valid_from) if schedule.valid_from else date_from
    last = min(date_to, schedule.valid_to) if schedule.valid_to else date_to
    while day <= last:
        if day.isoweekday() in weekdays and day.month in months:
            for local_start in _local_times(schedule):
                start = datetime.combine(day, local_start, tzinfo=zone)
                if closing is not None:
                    end = datetime.combine(day, closing, tzinfo=zone)
                else:
                    # Wall-clock arithmetic in UTC, so a run across a DST change keeps its real length.
                    end = (start.astimezone(ZoneInfo("UTC")) + timedelta(minutes=schedule.duration_minutes))
                result.append((start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC")), is_opening_hours))
        day += timedelta(days=1)
    return result


def schedule_generate_departures(*, schedule_id: int, days_ahead: int | None = None, date_from: date | None = None) -> int:
    """Create the missing departures of one schedule; existing ones are left untouched. Returns how many were new."""
    schedule = Schedule.objects.get(pk=schedule_id)
    if not schedule.active:
        return 0
    days_ahead = days_ahead if days_ahead is not None else settings.INTAKE["DEPARTURE_HORIZON_DAYS"]
    today = date_from or timezone.now().astimezone(ZoneInfo(schedule.timezone)).date()
    runs = schedule_occurrences(schedule=schedule, date_from=today, date_to=today + timedelta(days=days_ahead))
    existing = set(
        Departure.objects.filter(resource_id=schedule.resource_id, starts_at__gte=runs[0][0] if runs else today)
        .values_list("starts_at", flat=True)
    ) if runs else set()
    new = [
        Departure(
            schedule=schedule,
            resource_id=schedule.resource_id,
            starts_at=start,
            ends_at=end,
            all_day=all_day,
            capacity=schedule.capacity,
        )
        for start, end, all_day in runs
        if start not in existing
    ]
    # ignore_conflicts: two generators running at once must not fail on the unique constraint.
    Departure.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def schedules_generate_all(*, days_ahead: int | None = None) -> int:
    """The daily task: extend every active schedule to the horizon."""
    return sum(
        schedule_generate_departures(schedule_id=pk, days_ahead=days_ahead)
        for pk in Schedule.objects.filter(active=True).values_list("pk", flat=True)
    )
