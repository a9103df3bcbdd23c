"""Retry policy against a real HTTP server: what is retried, what is dead at once, Retry-After, the 3-day limit."""

import json
import random
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from intake.dispatch.models import Delivery
from intake.dispatch.sending import backoff_delay, delivery_send, policy
from intake.dispatch.services import deliveries_sweep
from intake.models import ReviewItem
from intake.outbox_relay import outbox_relay_backlog
from tests.intake.dispatch_world import free_port, orders_with_history, run_worker_for_events, webhook_connector

pytestmark = pytest.mark.django_db(transaction=True)


class ScriptedHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        script = self.server.script
        status, headers, body = script.pop(0) if isinstance(script, list) and len(script) > 1 else (
            script[0] if isinstance(script, list) else script)
        self.server.seen.append(self.headers["webhook-id"])
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        payload = json.dumps(body).encode()
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), ScriptedHandler)
    server.seen = []
    server.script = (200, {}, {})
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield port, server
    server.shutdown()
    server.server_close()


def _first_delivery():
    return Delivery.objects.order_by("event_id").first()


def test_a_4xx_is_dead_at_once_with_the_response_kept_and_a_review_item(scripted):
    port, server = scripted
    server.script = (422, {}, {"error": "unknown product code"})
    webhook_connector(port=port)
    order = orders_with_history(1)[0]
    run_worker_for_events()
    delivery = _first_delivery()
    assert delivery.dead_at is not None and delivery.attempts == 1
    assert delivery.last_response["status"] == 422 and "unknown product code" in delivery.last_response["body"]
    item = ReviewItem.objects.get(reason="delivery_dead", details__delivery_id=delivery.pk)
    assert item.order == order and item.status == ReviewItem.Status.OPEN


def test_a_dead_event_no_longer_blocks_the_later_events_of_its_order(scripted):
    port, server = scripted
    server.script = [(400, {}, {}), (200, {}, {})]
    webhook_connector(port=port)
    orders_with_history(1)
    run_worker_for_events()
    states = [d.state for d in Delivery.objects.order_by("event_id")]
    assert states == ["dead", "delivered", "delivered", "delivered"]


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_retryable_statuses_are_retried_later(scripted, status):
    port, server = scripted
    server.script = (status, {}, {})
    webhook_connector(port=port)
    orders_with_history(1)
    run_worker_for_events()
    delivery = _first_delivery()
    assert delivery.dead_at is None and delivery.delivered_at is None
    assert delivery.next_attempt_at > timezone.now() and delivery.last_response["status"] == status


def test_retry_after_is_honoured(scripted):
    port, server = scripted
    server.script = (429, {"Retry-After": "120"}, {})
    webhook_connector(port=port)
    orders_with_history(1)
    before = timezone.now()
    run_worker_for_events()
    wait = (_first_delivery().next_attempt_at - before).total_seconds()
    assert 119 <= wait <= 125


def test_the_same_webhook_id_is_sent_on_every_retry(scripted, settings):
    settings.DISPATCH = {"BACKOFF_BASE_SECONDS": 0.01, "BACKOFF_CAP_SECONDS": 0.01}
    port, server = scripted
    server.script = (500, {}, {})
    webhook_connector(port=port)
    orders_with_history(1)
    run_worker_for_events()
    first = _first_delivery()
    for _ in range(3):
        Delivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
        delivery_send(delivery_id=first.pk)
    ids_for_first = [i for i in server.seen if i == first.webhook_id]
    assert len(ids_for_first) == 4


def test_after_the_retry_window_the_delivery_is_dead_and_reviewed(scripted, settings):
    port, server = scripted
    server.script = (503, {}, {})
    webhook_connector(port=port)
    orders_with_history(1)
    outbox_relay_backlog()
    first = _first_delivery()
    Delivery.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=3))
    run_worker_for_events()
    first.refresh_from_db()
    assert first.dead_at is not None
    assert ReviewItem.objects.filter(reason="delivery_dead", order=first.order).exists()


def test_backoff_is_full_jitter_capped_at_an_hour():
    rules = policy()
    rng = random.Random(7)
    early = [backoff_delay(attempts=1, rules=rules, rng=rng) for _ in range(200)]
    late = [backoff_delay(attempts=30, rules=rules, rng=rng) for _ in range(200)]
    assert max(early) <= 4 and min(early) >= 2
    assert max(late) <= 3600 and min(late) < 600 < max(late)  # spread over the whole range, not a fixed step


def test_rows_stuck_in_flight_are_taken_back_by_the_sweep(scripted):
    port, server = scripted
    webhook_connector(port=port)
    orders_with_history(1)
    outbox_relay_backlog()
    stuck = Delivery.objects.order_by("event_id").first()
    Delivery.objects.filter(pk=stuck.pk).update(in_flight_since=timezone.now() - timedelta(hours=1), claim="gone")
    deliveries_sweep(enqueue=False)
    stuck.refresh_from_db()
    assert stuck.delivered_at is not None
    assert Delivery.objects.filter(delivered_at__isnull=True).count() == 0
