"""The outbox relay: every committed event reaches its subscribers once, outside the request, never lost."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_q.models import OrmQ

from intake import events, outbox_relay
from intake.dispatch.models import Delivery
from intake.models import OutboxEvent
from intake.outbox_relay import outbox_relay as relay_once
from intake.outbox_relay import outbox_relay_backlog
from intake.services import submit
from tests.availability.concurrency import run_in_parallel
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import webhook_connector

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
TOPIC = "test.relay"


def postgres_only(reason: str):
    def mark(test):
        return pytest.mark.postgres_only(pytest.mark.skipif(not ON_POSTGRES, reason=reason)(test))
    return mark


class Recorder:
    """A subscriber that remembers which events it was told, and by which thread; thread-safe."""

    def __init__(self, pause: float = 0.0):
        self.calls: list[int] = []
        self.threads: set[str] = set()
        self.pause = pause
        self._lock = threading.Lock()

    def __call__(self, event_id: int) -> None:
        time.sleep(self.pause)  # the time a real subscriber spends, so racing relays overlap
        with self._lock:
            self.calls.append(event_id)
            self.threads.add(threading.current_thread().name)


@pytest.fixture
def recorder(monkeypatch):
    """Only the recorder listens (the dispatch and e-mail subscribers are not involved)."""
    subscriber = Recorder()
    monkeypatch.setattr(events, "_subscribers", {"*": [subscriber]})
    monkeypatch.setattr(events, "_batch_subscribers", {})
    return subscriber


def _publish(count: int) -> list[int]:
    return [events.publish(topic=TOPIC, payload={"n": i}).pk for i in range(count)]


def _unrelayed() -> set[int]:
    return set(OutboxEvent.objects.filter(relayed_at__isnull=True).values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_event_is_relayed_exactly_once(recorder):
    ids = _publish(3)
    assert outbox_relay_backlog() == 3
    assert outbox_relay_backlog() == 0  # a second pass finds nothing
    assert recorder.calls == ids
    assert not _unrelayed()


@pytest.mark.django_db
def test_events_are_relayed_in_id_order_across_batches(recorder):
    ids = _publish(7)
    assert outbox_relay_backlog(batch=3) == 7
    assert recorder.calls == ids


@pytest.mark.django_db
def test_a_batch_subscriber_is_told_each_batch_at_once(monkeypatch):
    batches = []
    monkeypatch.setattr(events, "_subscribers", {})
    monkeypatch.setattr(events, "_batch_subscribers", {TOPIC: [batches.append]})
    ids = _publish(7)
    outbox_relay_backlog(batch=3)
    assert batches == [ids[:3], ids[3:6], ids[6:]]


@pytest.mark.django_db(transaction=True)
def test_a_commit_only_writes_the_event_the_relay_creates_deliveries_and_enqueues_their_sending():
    webhook_connector(port=18399)
    product, option, departure = make_bookable()
    submit(draft=make_draft(product=product, departure=departure, partner=make_partner()))
    assert not Delivery.objects.exists() and not OrmQ.objects.exists()  # nothing ran after the commit
    outbox_relay_backlog()
    assert sorted(Delivery.objects.values_list("event__topic", flat=True)) == [events.ORDER_CONFIRMED,
                                                                               events.ORDER_CREATED]
    assert OrmQ.objects.count() == 1  # one send task for the batch's two events, committed with them
    assert not _unrelayed()


# --- two relays at once ---------------------------------------------------------------------------------------


def _relays_race(recorder: Recorder, *, relays: int = 4, events_count: int = 240) -> tuple[list[int], list]:
    """`relays` threads, each with its own connection, relay batches of 10 until nothing is left."""
    ids = _publish(events_count)
    recorder.pause = 0.001

    def relay(_):
        taken = 0
        while step := relay_once(batch=10):
            taken += step
        return taken

    return ids, run_in_parallel(relays, relay)


@pytest.mark.django_db(transaction=True)
def test_two_relays_racing_relay_each_event_once(recorder):
    ids, results = _relays_race(recorder)
    assert not [r for r in results if isinstance(r, BaseException)], results
    counts = Counter(recorder.calls)
    assert set(counts) == set(ids) and set(counts.values()) == {1}, [e for e, n in counts.items() if n > 1][:10]
    assert not _unrelayed()
    if ON_POSTGRES:
        assert len(recorder.threads) > 1  # they really ran side by side (SKIP LOCKED: neither waited)


@pytest.mark.django_db(transaction=True)
@postgres_only("SQLite serialises the relays' transactions; there is no row lock to take away")
def test_canary_without_the_row_lock_racing_relays_relay_events_twice(recorder, monkeypatch):
    monkeypatch.setattr(outbox_relay, "CLAIM_LOCK", False)
    _relays_race(recorder)
    assert max(Counter(recorder.calls).values()) > 1  # the race test above would fail


# --- an event that commits after a later one --------------------------------------------------------------------


def _late_event_scenario() -> tuple[int, int]:
    """Relay an event, then let an event with a lower id appear (its transaction began first but committed later)."""
    base = (OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 100
    later = OutboxEvent.objects.create(pk=base + 10, topic=TOPIC)
    outbox_relay_backlog()
    late = OutboxEvent.objects.create(pk=base + 5, topic=TOPIC)
    outbox_relay_backlog()
    return late.pk, later.pk


@pytest.mark.django_db
def test_an_event_committed_out_of_id_order_is_still_relayed(recorder):
    late, later = _late_event_scenario()
    assert recorder.calls == [later, late]
    assert not _unrelayed()


@pytest.mark.django_db
def test_canary_a_high_water_mark_would_lose_the_late_event(recorder, monkeypatch):
    def after_the_highest_relayed(now):
        mark = OutboxEvent.objects.filter(relayed_at__isnull=False).order_by("-pk").values_list("pk", flat=True).first()
        return OutboxEvent.objects.filter(pk__gt=mark or 0).order_by("pk")

    monkeypatch.setattr(outbox_relay, "_pending", after_the_highest_relayed)
    late, later = _late_event_scenario()
    assert recorder.calls == [later] and _unrelayed() == {late}  # the test above would fail


@pytest.mark.django_db(transaction=True)
@postgres_only("SQLite lets one writer at a time: a later event cannot commit first")
def test_an_event_whose_transaction_commits_after_a_later_event_is_relayed(recorder):
    written, release = threading.Event(), threading.Event()
    early = {}

    def slow_transaction():
        try:
            with transaction.atomic():
                early["id"] = events.publish(topic=TOPIC, payload={}).pk
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert written.wait(30)
    later = events.publish(topic=TOPIC, payload={}).pk  # commits at once, with the higher id
    assert outbox_relay_backlog() == 1
    release.set()
    thread.join(30)
    assert early["id"] < later
    assert outbox_relay_backlog() == 1
    assert recorder.calls == [later, early["id"]] and not _unrelayed()


# --- a subscriber that fails ------------------------------------------------------------------------------------


def _failing_database_write(event_id: int) -> None:
    """A broken subscriber whose statement fails in the database (PostgreSQL then aborts the transaction)."""
    if OutboxEvent.objects.get(pk=event_id).payload.get("n") == 1:
        taken = OutboxEvent.objects.values_list("uuid", flat=True).first()
        OutboxEvent.objects.create(topic=TOPIC, uuid=taken)  # unique uuid: IntegrityError


@pytest.fixture
def broken(monkeypatch, recorder):
    monkeypatch.setattr(events, "_subscribers", {"*": [_failing_database_write, recorder]})
    return recorder


@pytest.mark.django_db
def test_a_failing_subscriber_does_not_stop_the_other_subscribers_or_the_later_events(broken, caplog):
    ids = _publish(3)
    assert outbox_relay_backlog() == 3
    assert set(broken.calls) == set(ids)  # the other subscriber was told every event, the failed one's too
    assert _unrelayed() == {ids[1]}
    failed = OutboxEvent.objects.get(pk=ids[1])
    assert failed.relay_failures == 1 and "IntegrityError" in failed.relay_error
    assert failed.relay_retry_at > timezone.now()
    assert "_failing_database_write failed for event" in caplog.text


@pytest.mark.django_db
def test_an_event_whose_subscriber_failed_is_retried_after_a_growing_pause(broken):
    ids = _publish(3)
    outbox_relay_backlog()
    assert outbox_relay_backlog() == 0  # not before its retry time
    first_retry = OutboxEvent.objects.get(pk=ids[1]).relay_retry_at
    assert outbox_relay_backlog(now=first_retry) == 1
    failed = OutboxEvent.objects.get(pk=ids[1])
    assert failed.relay_failures == 2 and failed.relay_retry_at - first_retry >= timedelta(seconds=3.9)


@pytest.mark.django_db
def test_once_the_subscriber_is_fixed_the_event_is_relayed(broken, monkeypatch):
    ids = _publish(3)
    outbox_relay_backlog()
    monkeypatch.setattr(events, "_subscribers", {"*": [broken]})  # the bug is fixed
    told_before = Counter(broken.calls)[ids[1]]
    assert outbox_relay_backlog(now=timezone.now() + timedelta(minutes=1)) == 1
    assert not _unrelayed()
    assert Counter(broken.calls)[ids[1]] == told_before + 1  # at least once: told again on the retry


@pytest.mark.django_db
def test_a_failing_batch_subscriber_holds_back_only_the_event_it_fails_on(monkeypatch, recorder):
    ids = _publish(5)

    def fan_out(event_ids):
        if ids[2] in event_ids:
            raise RuntimeError("cannot handle this one")
        recorder.calls.extend(event_ids)

    monkeypatch.setattr(events, "_batch_subscribers", {TOPIC: [fan_out]})
    monkeypatch.setattr(events, "_subscribers", {})
    assert outbox_relay_backlog() == 5
    assert _unrelayed() == {ids[2]}
    assert recorder.calls == [ids[0], ids[1], ids[3], ids[4]]  # retried one event at a time
    assert "cannot handle this one" in OutboxEvent.objects.get(pk=ids[2]).relay_error
