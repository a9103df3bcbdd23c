"""The real path: commit -> the outbox_relay process -> django-q2 task -> a qcluster process -> the receiver."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from intake.dispatch.models import Delivery
from intake.dispatch.receiver import ReceiverState, received
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import free_port, manage_env, running_receiver, webhook_connector

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_committed_order_reaches_the_receiver_through_a_real_worker(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port)
    product, option, departure = make_bookable()
    worker, relay = (subprocess.Popen([sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), command],
                                      env=manage_env(tmp_path / "var"), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, start_new_session=True)
                     for command in ("qcluster", "outbox_relay"))
    try:
        with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path / "in")):
            order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner())).order
            deadline = time.monotonic() + 90
            while (len(received(tmp_path / "in")) < 2 and time.monotonic() < deadline
                   and worker.poll() is None and relay.poll() is None):
                time.sleep(0.2)
    finally:
        for process in (worker, relay):
            os.killpg(process.pid, signal.SIGKILL)  # their work is in our tables; a graceful stop only costs time
            process.wait(10)
    records = received(tmp_path / "in")
    assert [r["body"]["type"] for r in records] == ["order.created", "order.confirmed"], (
        worker.stderr.read()[-3000:] + relay.stderr.read()[-3000:])
    assert {r["body"]["data"]["reference"] for r in records} == {order.reference}
    assert Delivery.objects.filter(delivered_at__isnull=False).count() == 2
