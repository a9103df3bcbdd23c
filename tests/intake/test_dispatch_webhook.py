"""End to end: orders -> outbox -> signed webhooks -> a real receiver on 127.0.0.1 that fails first."""

import time

import pytest

from intake.dispatch import sending
from intake.dispatch.models import Delivery
from intake.dispatch.receiver import ReceiverHandler, ReceiverState, received
from intake.models import OutboxEvent
from intake.services.departures import departure_close
from tests.intake.dispatch_world import (
    FAST_RETRIES,
    assert_in_order_per_order,
    free_port,
    orders_with_history,
    run_worker_for_events,
    running_receiver,
    sweep_until_delivered,
    webhook_connector,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_retries(settings):
    settings.DISPATCH = FAST_RETRIES


class FailingReceiverState(ReceiverState):
    """Answers 500 to its first `fail_first` requests, then behaves like the reference receiver."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.answers: list[int] = []


class FiveHundredHandler(ReceiverHandler):
    def _answer(self, status, message):
        self.server.state.answers.append(500 if status == 503 else status)
        super()._answer(500 if status == 503 else status, message)


def test_every_event_arrives_in_order_after_refused_connections_and_500s(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port)
    orders = orders_with_history(3)
    run_worker_for_events()  # nobody listens yet: connection refused
    refused = Delivery.objects.filter(delivered_at__isnull=True, attempts__gte=1)
    assert refused.exists() and all("connection failed" in d.last_error for d in refused)
    state = FailingReceiverState(secrets=[secret], out_dir=tmp_path, fail_first=3)
    with running_receiver(port=port, state=state, handler=FiveHundredHandler):
        sweep_until_delivered()
    records = received(tmp_path)
    expected = {f"msg_{u.hex}" for u in OutboxEvent.objects.filter(topic__startswith="order.").values_list("uuid", flat=True)}
    assert {r["webhook_id"] for r in records} == expected
    assert state.answers[:3] == [500, 500, 500] and 200 in state.answers
    assert_in_order_per_order(records)
    assert {r["body"]["data"]["uuid"] for r in records} == {str(o.uuid) for o in orders}


def test_webhook_body_is_the_canonical_order_with_its_topic(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port)
    state = ReceiverState(secrets=[secret], out_dir=tmp_path)
    with running_receiver(port=port, state=state):
        order = orders_with_history(1)[0]
        run_worker_for_events()
    first = received(tmp_path)[0]["body"]
    assert first["type"] == "order.created"
    assert first["data"]["schema_version"] == 1 and first["data"]["reference"] == order.reference


def test_a_receiver_with_the_wrong_secret_answers_401_and_the_delivery_is_dead(tmp_path):
    port = free_port()
    webhook_connector(port=port)
    state = ReceiverState(secrets=["whsec_" + "QUFB" * 8], out_dir=tmp_path)
    with running_receiver(port=port, state=state):
        orders_with_history(1)
        run_worker_for_events()
    delivery = Delivery.objects.order_by("event_id").first()
    assert delivery.dead_at is not None and delivery.last_response["status"] == 401
    assert received(tmp_path) == []


class SlowAfterApplyHandler(ReceiverHandler):
    """Applies the first message, then answers too late: the sender times out and retries the same id."""

    def _answer(self, status, message):
        state = self.server.state
        with state.lock:
            state.slow_left = getattr(state, "slow_left", 1) - 1
            slow = state.slow_left >= 0
        if slow:
            time.sleep(2.5)
        state.statuses.append(message.get("status"))
        super()._answer(status, message)


def _retry_after_lost_answer(tmp_path, *, dedupe: bool):
    port = free_port()
    connector, secret = webhook_connector(port=port, timeout=1)
    state = ReceiverState(secrets=[secret], out_dir=tmp_path, dedupe=dedupe)
    state.statuses = []
    with running_receiver(port=port, state=state, handler=SlowAfterApplyHandler):
        orders_with_history(1)
        run_worker_for_events()
        time.sleep(1.6)  # let the slow answer finish before the retry
        sweep_until_delivered()
    return received(tmp_path), state


def test_a_retry_of_an_applied_message_is_not_applied_twice(tmp_path):
    records, state = _retry_after_lost_answer(tmp_path, dedupe=True)
    ids = [r["webhook_id"] for r in records]
    assert "duplicate" in state.statuses  # the retry really happened
    assert len(ids) == len(set(ids))


def test_canary_without_webhook_id_dedupe_the_receiver_applies_twice(tmp_path):
    records, state = _retry_after_lost_answer(tmp_path, dedupe=False)
    ids = [r["webhook_id"] for r in records]
    assert len(ids) > len(set(ids))


def _first_attempt_fails_then_all_deliver(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port)
    state = ReceiverState(secrets=[secret], out_dir=tmp_path, fail_first=1)
    with running_receiver(port=port, state=state):
        orders_with_history(1)
        run_worker_for_events()  # created fails (503); confirmed, amended, cancelled come right after it
        sweep_until_delivered()
    return received(tmp_path)


def test_a_later_event_waits_for_an_earlier_failed_one(tmp_path):
    records = _first_attempt_fails_then_all_deliver(tmp_path)
    assert [r["body"]["type"] for r in records] == ["order.created", "order.confirmed", "order.amended",
                                                      "order.cancelled"]
    assert_in_order_per_order(records)


def test_canary_without_the_ordering_guard_events_arrive_out_of_order(tmp_path, monkeypatch):
    monkeypatch.setattr(sending, "ORDERING_GUARD", False)
    records = _first_attempt_fails_then_all_deliver(tmp_path)
    with pytest.raises(AssertionError, match="out of order"):
        assert_in_order_per_order(records)


def test_a_closed_departure_reaches_the_dispatch_system_with_its_orders(tmp_path):
    port = free_port()
    connector, secret = webhook_connector(port=port)
    orders = orders_with_history(2)
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path)):
        departure_close(departure_id=orders[1].departure_id, reason="high water", user="dana")
        run_worker_for_events()
    closed = [r["body"] for r in received(tmp_path) if r["body"]["type"] == "departure.closed"]
    assert len(closed) == 1 and closed[0]["data"]["reason"] == "high water"
    assert closed[0]["data"]["orders"] == [str(orders[1].uuid)]  # the first order was cancelled before


def test_one_send_task_for_a_relayed_batch_delivers_every_event_in_order_per_order(tmp_path):
    from intake.dispatch.services import deliveries_send_many
    from intake.outbox_relay import outbox_relay_backlog

    port = free_port()
    connector, secret = webhook_connector(port=port)
    orders_with_history(3)
    outbox_relay_backlog()
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path)):
        deliveries_send_many(event_ids=list(OutboxEvent.objects.values_list("pk", flat=True)))
    assert not Delivery.objects.filter(delivered_at__isnull=True).exists()
    records = received(tmp_path)
    assert len(records) == Delivery.objects.count()
    assert_in_order_per_order(records)
    assert max(Delivery.objects.values_list("attempts", flat=True)) == 1  # no row claimed twice


def _batch_whose_first_event_fails(tmp_path):
    """One send task for all events of an order; the receiver answers 503 to the first request."""
    from intake.dispatch.services import deliveries_send_many
    from intake.outbox_relay import outbox_relay_backlog

    port = free_port()
    connector, secret = webhook_connector(port=port)
    orders_with_history(1)
    outbox_relay_backlog()
    with running_receiver(port=port, state=ReceiverState(secrets=[secret], out_dir=tmp_path, fail_first=1)):
        deliveries_send_many(event_ids=list(OutboxEvent.objects.values_list("pk", flat=True)))
        after_the_task = list(Delivery.objects.order_by("event_id").values_list("attempts", "in_flight_since", "claim"))
        sweep_until_delivered()
    return after_the_task, received(tmp_path)


def test_in_a_send_task_a_failed_event_hands_the_rest_back_unattempted_and_order_holds(tmp_path):
    after_the_task, records = _batch_whose_first_event_fails(tmp_path)
    assert after_the_task[0][0] == 1  # order.created: tried once, failed
    assert all(row == (0, None, "") for row in after_the_task[1:])  # the others: back in the queue, never tried
    assert [r["body"]["type"] for r in records] == ["order.created", "order.confirmed", "order.amended",
                                                      "order.cancelled"]


def test_canary_without_the_guard_a_send_task_lets_later_events_overtake_the_failed_one(tmp_path, monkeypatch):
    monkeypatch.setattr(sending, "ORDERING_GUARD", False)
    _, records = _batch_whose_first_event_fails(tmp_path)
    with pytest.raises(AssertionError, match="out of order"):
        assert_in_order_per_order(records)
