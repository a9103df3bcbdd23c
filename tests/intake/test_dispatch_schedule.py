"""The every-minute sweep is installed as a django-q2 schedule and enqueues one task per due chain."""

import io

import pytest
from django.core.management import call_command
from django_q.models import OrmQ, Schedule

from intake.dispatch.services import deliveries_sweep
from intake.outbox_relay import outbox_relay_backlog
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import webhook_connector

pytestmark = pytest.mark.django_db


def test_install_schedules_runs_the_delivery_sweep_every_minute():
    call_command("install_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(name="intake.deliveries_sweep")
    assert schedule.func == "intake.tasks.deliveries_sweep_task" and schedule.minutes == 1


def test_the_sweep_enqueues_only_the_first_due_event_of_each_order():
    webhook_connector(port=18399)
    product, option, departure = make_bookable()
    partner = make_partner()
    for ref in ("a", "b"):
        submit(draft=make_draft(product=product, departure=departure, partner=partner, external_reference=ref))
    outbox_relay_backlog()
    before = OrmQ.objects.count()
    assert deliveries_sweep() == 2  # two orders, each with created + confirmed: one chain each
    assert OrmQ.objects.count() - before == 2
