"""The `outbox_relay` process relays what requests commit, and stops cleanly on SIGTERM or SIGINT."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from intake.dispatch.models import Delivery
from intake.models import OutboxEvent
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import manage_env, webhook_connector

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_relay_process_relays_committed_events_and_stops_cleanly(tmp_path, stop_signal):
    webhook_connector(port=18399)
    product, option, departure = make_bookable()
    relay = subprocess.Popen([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "outbox_relay"],
                             env=manage_env(tmp_path / "var"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    try:
        submit(draft=make_draft(product=product, departure=departure, partner=make_partner()))
        deadline = time.monotonic() + 60
        while OutboxEvent.objects.filter(relayed_at__isnull=True).exists() and relay.poll() is None:
            assert time.monotonic() < deadline, "the relay did not relay within a minute"
            time.sleep(0.1)
        relay.send_signal(stop_signal)
        output, _ = relay.communicate(timeout=15)
    finally:
        if relay.poll() is None:
            relay.kill()
    assert relay.returncode == 0, output
    assert "outbox relay stopped after relaying 3 events" in output
    assert Delivery.objects.count() == 2  # order.created and order.confirmed; availability.changed is not wanted
