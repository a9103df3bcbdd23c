"""The periodic django-q2 tasks: installed as Schedule rows, and each one runs its service."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Schedule as QSchedule
from django_q.tasks import async_task, result

from availability.models import Departure, HoldStatus
from availability.services import departure_hold
from intake.models import OrderStatus
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner, make_product, make_schedule

pytestmark = pytest.mark.django_db

EXPECTED = {
    "availability.schedules_generate_all": ("availability.tasks.schedules_generate_all_task", 24 * 60),
    "availability.departure_holds_expire": ("availability.tasks.departure_holds_expire_task", 1),
    "intake.orders_expire_holds": ("intake.tasks.orders_expire_holds_task", 1),
}


def _installed() -> dict[str, tuple[str, int]]:
    return {s.name: (s.func, s.minutes) for s in QSchedule.objects.filter(name__in=EXPECTED)}


def test_install_schedules_creates_the_periodic_tasks():
    call_command("install_schedules", stdout=StringIO())
    assert _installed() == EXPECTED
    assert all(s.schedule_type == QSchedule.MINUTES and s.repeats == -1
               for s in QSchedule.objects.filter(name__in=EXPECTED))


def test_installing_twice_keeps_one_row_per_task():
    call_command("install_schedules", stdout=StringIO())
    call_command("install_schedules", stdout=StringIO())
    assert QSchedule.objects.filter(name__in=EXPECTED).count() == len(EXPECTED)


def _run_installed(name: str):
    """Run an installed schedule's function the way the worker does: by its dotted path."""
    call_command("install_schedules", stdout=StringIO())
    task_id = async_task(QSchedule.objects.get(name=name).func, sync=True)
    return result(task_id)


def test_the_daily_task_generates_departures_to_the_horizon(settings):
    settings.INTAKE = {**settings.INTAKE, "DEPARTURE_HORIZON_DAYS": 4}
    schedule = make_schedule(options=[make_product().options.get()], times=("10:00", "15:00"))
    assert _run_installed("availability.schedules_generate_all") == 10
    assert Departure.objects.filter(schedule=schedule).count() == 10


def test_the_minute_task_sweeps_expired_holds():
    _, _, departure = make_bookable(capacity=5)
    hold = departure_hold(departure_id=departure.pk, quantity=5, ttl=timedelta(microseconds=1))
    assert _run_installed("availability.departure_holds_expire") == 1
    hold.refresh_from_db()
    departure.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED and departure.held == 0


def test_the_minute_task_expires_held_orders():
    product, _, departure = make_bookable(capacity=5)
    draft = make_draft(product=product, departure=departure, partner=make_partner())
    order = submit(draft=draft, hold_ttl=timedelta(microseconds=1)).order
    assert _run_installed("intake.orders_expire_holds") == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
