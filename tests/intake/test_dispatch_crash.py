"""A worker killed (kill -9) in the middle of a delivery: after restart the sweep delivers it; nothing is lost."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from intake.dispatch.models import Delivery
from intake.dispatch.receiver import ReceiverHandler, ReceiverState, received
from intake.models import OutboxEvent
from intake.outbox_relay import outbox_relay_backlog
from tests.intake.dispatch_world import free_port, manage_env, orders_with_history, running_receiver, webhook_connector

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


class HangOnceHandler(ReceiverHandler):
    """Applies the first message, then never answers until released: the sender is stuck mid-delivery."""

    def _answer(self, status, message):
        state = self.server.state
        if not state.hung.is_set():
            state.hung.set()
            state.release.wait(60)
            return  # the connection just closes: no answer ever reaches the (dead) sender
        super()._answer(status, message)


def _sweep(tmp_path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, MANAGE, "dispatch_sweep", *extra], env=manage_env(tmp_path / "var"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_delivery_interrupted_by_kill_9_is_delivered_after_restart(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port, timeout=60)
    orders_with_history(2)
    outbox_relay_backlog()
    Delivery.objects.update(next_attempt_at=timezone.now())
    state = ReceiverState(secrets=[secret], out_dir=tmp_path / "in")
    state.hung, state.release = threading.Event(), threading.Event()
    with running_receiver(port=port, state=state, handler=HangOnceHandler):
        worker = _sweep(tmp_path)
        assert state.hung.wait(60), worker.communicate()[0]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        state.release.set()
        stuck = Delivery.objects.get(in_flight_since__isnull=False)
        assert stuck.delivered_at is None and stuck.attempts == 1

        restarted = _sweep(tmp_path)  # within the in-flight timeout the row still counts as someone's
        assert restarted.wait(60) == 0, restarted.communicate()[0]
        assert Delivery.objects.get(pk=stuck.pk).delivered_at is None

        reaper = _sweep(tmp_path, "--reap-after", "0")
        assert reaper.wait(60) == 0, reaper.communicate()[0]

    assert not Delivery.objects.filter(delivered_at__isnull=True).exists()
    stuck.refresh_from_db()
    assert stuck.attempts == 2 and stuck.delivered_at is not None
    records = received(tmp_path / "in")
    expected = {f"msg_{u.hex}" for u in OutboxEvent.objects.filter(topic__startswith="order.").values_list("uuid", flat=True)}
    ids = [r["webhook_id"] for r in records]
    assert set(ids) == expected and len(ids) == len(expected)
