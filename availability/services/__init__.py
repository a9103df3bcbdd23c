"""Seat-count and schedule services: the only writers of availability data."""

from availability.services.schedules import schedule_generate_departures, schedules_generate_all
from availability.services.seats import (
    departure_capacity_set,
    departure_book,
    departure_close,
    departure_hold,
    departure_holds_expire,
    departure_reopen,
    hold_change,
    hold_confirm,
    hold_extend,
    hold_release,
)

__all__ = [
    "departure_capacity_set",
    "departure_book",
    "departure_close",
    "departure_hold",
    "departure_holds_expire",
    "departure_reopen",
    "hold_change",
    "hold_confirm",
    "hold_extend",
    "hold_release",
    "schedule_generate_departures",
    "schedules_generate_all",
]
