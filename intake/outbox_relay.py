"""The outbox relay: hands committed outbox events to their subscribers, outside the request.

A request only commits its OutboxEvent rows (`intake.events.publish`). The
relay, the long-running `outbox_relay` command and a step of the
every-minute delivery sweep, takes the events not yet relayed in id order,
runs every subscriber of each event's topic (the dispatch fan-out, the
e-mail channel's labelled examples, ...) and marks the events relayed, in
one short transaction per batch.

- Nothing lost: every event carries its own marker, `relayed_at`. An event
  that commits late with a lower id than one already relayed (its transaction
  began first) is still found; a high-water mark would skip it. A partial
  index holds only the events still to relay, so the scan stays small.
- Two relays at once: the batch is taken with SELECT ... FOR UPDATE SKIP
  LOCKED on PostgreSQL, so each relay gets other events and none waits;
  SQLite serialises writing transactions, so the second relay sees the
  first one's markers.
- At least once: the subscribers' rows, the tasks they enqueue (ORM broker)
  and the markers commit together; a relay that dies before commit leaves
  nothing behind and the events are relayed again. A subscriber may still be
  told an event twice (a retry after another subscriber failed; a task queue
  outside the database), so subscribers must be idempotent: the dispatch
  fan-out is, by the unique (connector, event) constraint.
- Batches: subscribers registered with `subscribe_batch` (the dispatch
  fan-out) are told all events of a batch at once, so a batch costs a few
  queries, not a few per event; no savepoints in this fast pass.
- A subscriber that raises: the batch is rolled back and relayed again with
  each subscriber call of each event in its own savepoint. The failure is
  logged with its traceback; its savepoint rolls back, the event's other
  subscribers still run, the other events of the batch are relayed as
  usual. The event stays unrelayed with `relay_failures` + 1, `relay_error`
  and `relay_retry_at` (2 s, doubling, at most an hour later); then all its
  subscribers run again. Retries never stop: once the bug is fixed, the
  event goes through. Events stuck this way are those with `relayed_at`
  null and `relay_failures` > 0.
"""

import logging
import threading
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from intake import events
from intake.models import OutboxEvent

log = logging.getLogger(__name__)

BATCH = 100
RETRY_BASE_SECONDS = 2.0
RETRY_CAP_SECONDS = 3600.0
IDLE_SECONDS = 0.15
CLAIM_LOCK = True  # the canary switches the row lock off to show that the race test can fail


def _due(now) -> Q:
    return Q(relayed_at__isnull=True) & (Q(relay_retry_at__isnull=True) | Q(relay_retry_at__lte=now))


def _pending(now):
    """Events still to relay whose turn it is, oldest first (the `outbox_unrelayed` partial index)."""
    return OutboxEvent.objects.filter(_due(now)).order_by("pk")


def _locked(query):
    """Rows another relay holds are skipped (PostgreSQL); SQLite serialises writers instead."""
    if CLAIM_LOCK and connection.features.has_select_for_update_skip_locked:
        return query.select_for_update(skip_locked=True)
    return query


def _handler_name(handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', repr(handler))}"


def _retry_delay(failures: int) -> timedelta:
    return timedelta(seconds=min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** min(failures, 32)))


class _OneByOne(Exception):
    """Something failed in the fast pass: roll the batch back and relay it again, each call in a savepoint."""


def _claim(now, batch: int) -> list[tuple[int, str, int]]:
    return list(_locked(_pending(now)).values_list("pk", "topic", "relay_failures")[:batch])


def _run_together(taken) -> None:
    """The fast pass: each batch subscriber once with all its events, the others once per event; no savepoints."""
    batches: dict = {}
    for event_id, topic, _ in taken:
        for handler in events.batch_subscribers(topic):
            batches.setdefault(handler, []).append(event_id)
    for handler, event_ids in batches.items():
        handler(event_ids)
    for event_id, topic, _ in taken:
        for handler in events.subscribers(topic):
            handler(event_id)


def _run_isolated(event_id: int, topic: str) -> str:
    """Every subscriber of one event, each in its own savepoint; returns the first error ("" if none)."""
    error = ""
    calls = [*((h, [event_id]) for h in events.batch_subscribers(topic)),
             *((h, event_id) for h in events.subscribers(topic))]
    for handler, argument in calls:
        try:
            with transaction.atomic():
                handler(argument)
        except Exception as exc:  # noqa: BLE001 - one broken subscriber must not stop the others
            log.exception("outbox subscriber %s failed for event %s (%s)", _handler_name(handler), event_id, topic)
            error = error or f"{_handler_name(handler)}: {exc!r}"[:2000]
    return error


def _mark(relayed: list[int], failed: list[tuple[int, int, str]], now) -> None:
    if relayed:
        OutboxEvent.objects.filter(pk__in=relayed).update(relayed_at=timezone.now())
    for event_id, failures, error in failed:
        OutboxEvent.objects.filter(pk=event_id).update(
            relay_failures=F("relay_failures") + 1, relay_error=error, relay_retry_at=now + _retry_delay(failures))


def outbox_relay(*, batch: int = BATCH, now=None) -> int:
    """Relay one batch of committed events (subscribers run, events marked); returns how many were taken.

    0 means nothing was due. A plain read comes first, so an idle relay opens no
    transaction (on SQLite a writing transaction takes the database's write lock).
    The batch is first relayed in one go; if anything in it raises, that is
    rolled back and the batch relayed again with every subscriber call of every
    event in its own savepoint, so only the failing events are held back.
    """
    now = now or timezone.now()
    if not _pending(now).exists():
        return 0
    try:
        with transaction.atomic():
            taken = _claim(now, batch)
            try:
                _run_together(taken)
                _mark([event_id for event_id, _, _ in taken], [], now)
            except Exception as exc:  # noqa: BLE001 - retried below, one call at a time
                raise _OneByOne from exc
        return len(taken)
    except _OneByOne as failure:
        log.warning("outbox relay: a batch of %s events failed (%r); relaying it one event at a time",
                    len(taken), failure.__cause__)
    with transaction.atomic():
        taken = _claim(now, batch)
        relayed, failed = [], []
        for event_id, topic, failures in taken:
            error = _run_isolated(event_id, topic)
            if error:
                failed.append((event_id, failures, error))
            else:
                relayed.append(event_id)
        _mark(relayed, failed, now)
    return len(taken)


def outbox_relay_backlog(*, limit: int = 10_000, batch: int = BATCH, now=None) -> int:
    """Relay batches until nothing is due or `limit` events were taken (the sweep's step); returns how many."""
    total = 0
    while total < limit:
        taken = outbox_relay(batch=min(batch, limit - total), now=now)
        if not taken:
            break
        total += taken
    return total


def outbox_relay_run(*, stop: threading.Event, batch: int = BATCH, idle_seconds: float = IDLE_SECONDS) -> int:
    """The relay process: relay, and sleep `idle_seconds` whenever nothing was due, until `stop` is set.

    A database error (a restart, a deadlock victim) is logged and the connection
    dropped; the loop tries again a second later. Returns how many events it took.
    """
    total = 0
    while not stop.is_set():
        try:
            taken = outbox_relay(batch=batch)
        except Exception:  # noqa: BLE001 - the relay outlives a database restart
            log.exception("outbox relay step failed; trying again in a second")
            connection.close()
            stop.wait(1.0)
            continue
        total += taken
        if not taken:
            stop.wait(idle_seconds)
    return total
