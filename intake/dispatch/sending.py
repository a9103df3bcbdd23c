"""Claiming, sending and recording deliveries; retries with full-jitter backoff, dead letters.

A delivery is claimed in a short transaction (row lock with SKIP LOCKED on
PostgreSQL, a compare-and-set on the claim token everywhere), sent with no
transaction open, and its outcome recorded only if the claim is still ours.
A row in flight for longer than IN_FLIGHT_TIMEOUT belongs to a worker that
died; the sweep takes it back. Events of one order reach a connector in
order: a later one waits while an earlier one is neither delivered nor dead.
"""

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from intake.dispatch import files, payloads
from intake.dispatch.models import Connector, Delivery
from intake.dispatch.transports import Outcome, file_write_atomic, json_bytes, webhook_post
from intake.services.review import review_open

log = logging.getLogger(__name__)

ORDERING_GUARD = True  # the canary tests switch this off to prove the in-order test can fail


@dataclass(frozen=True)
class Policy:
    retry_for: timedelta
    backoff_base: float
    backoff_cap: float
    in_flight_timeout: timedelta


def policy() -> Policy:
    conf = getattr(settings, "DISPATCH", {})
    return Policy(
        retry_for=timedelta(seconds=conf.get("RETRY_FOR_SECONDS", 3 * 24 * 3600)),
        backoff_base=float(conf.get("BACKOFF_BASE_SECONDS", 2)),
        backoff_cap=float(conf.get("BACKOFF_CAP_SECONDS", 3600)),
        in_flight_timeout=timedelta(seconds=conf.get("IN_FLIGHT_TIMEOUT_SECONDS", 300)),
    )


def backoff_delay(*, attempts: int, rules: Policy, rng=random) -> float:
    """Full jitter: uniform between the base and min(cap, base * 2**attempts)."""
    ceiling = min(rules.backoff_cap, rules.backoff_base * 2 ** min(attempts, 32))
    return rng.uniform(min(rules.backoff_base, ceiling), ceiling)


def _due(now, rules: Policy):
    return Q(delivered_at__isnull=True, dead_at__isnull=True, next_attempt_at__lte=now) & (
        Q(in_flight_since__isnull=True) | Q(in_flight_since__lt=now - rules.in_flight_timeout))


def _locked(query):
    """Row locks that skip rows another worker holds (PostgreSQL); SQLite serialises writers instead."""
    if connection.features.has_select_for_update_skip_locked:
        return query.select_for_update(skip_locked=True, of=("self",))
    return query


def _claim(ids: list[int], now) -> str:
    token = uuid.uuid4().hex
    Delivery.objects.filter(pk__in=ids).update(in_flight_since=now, claim=token, attempts=F("attempts") + 1)
    return token


def _earlier_pending(*, excluding=()):
    """Exists(): an earlier event of the same order for the same connector that is neither delivered nor dead."""
    return Exists(Delivery.objects.filter(
        connector_id=OuterRef("connector_id"), order_id=OuterRef("order_id"), event_id__lt=OuterRef("event_id"),
        delivered_at__isnull=True, dead_at__isnull=True).exclude(pk__in=list(excluding)))


def delivery_claim(*, delivery_id: int, now=None) -> Delivery | None:
    """Take one due webhook delivery for sending, or None (not due, in flight elsewhere, or waiting for its turn)."""
    now = now or timezone.now()
    rules = policy()
    query = Delivery.objects.filter(_due(now, rules), pk=delivery_id, connector__active=True)
    if ORDERING_GUARD:
        query = query.exclude(_earlier_pending())
    with transaction.atomic():
        delivery = _locked(query).select_related("event", "connector").first()
        if delivery is None:
            return None
        delivery.claim = _claim([delivery.pk], now)
        delivery.attempts += 1
        delivery.in_flight_since = now
        return delivery


def delivery_record(*, delivery: Delivery, outcome: Outcome, now=None) -> str:
    """Store an attempt's outcome if the claim is still ours; returns the delivery's new state."""
    return deliveries_record(deliveries=[delivery], outcome=outcome, now=now)


def deliveries_record(*, deliveries: list[Delivery], outcome: Outcome, now=None) -> str:
    now = now or timezone.now()
    rules = policy()
    first = deliveries[0]
    fields = {"in_flight_since": None, "claim": "", "last_error": outcome.error[:2000], "last_response": outcome.response}
    if outcome.delivered:
        fields["delivered_at"] = now
        state = "delivered"
    else:
        delay = backoff_delay(attempts=first.attempts, rules=rules)
        if outcome.retry_after is not None:
            delay = min(max(outcome.retry_after, 1.0), rules.backoff_cap)
        next_at = now + timedelta(seconds=delay)
        if outcome.result == "dead" or next_at > min(d.created_at for d in deliveries) + rules.retry_for:
            fields["dead_at"] = now
            state = "dead"
        else:
            fields["next_attempt_at"] = next_at
            state = "retry"
    if len(deliveries) == 1 and state != "dead":  # the common case: one statement, no transaction round trips
        mine = Delivery.objects.filter(pk=first.pk, claim=first.claim, delivered_at__isnull=True).update(**fields)
        return state if mine else "lost claim"
    with transaction.atomic():
        mine = [d for d in deliveries
                if Delivery.objects.filter(pk=d.pk, claim=d.claim, delivered_at__isnull=True).update(**fields)]
        if state == "dead":
            for d in mine:
                _dead_letter(d, outcome)
    return state if mine else "lost claim"


def _dead_letter(delivery: Delivery, outcome: Outcome) -> None:
    order = delivery.order
    review_open(
        reason="delivery_dead",
        message=f"{delivery.event.topic} to {delivery.connector.name} failed for good: {outcome.error}",
        channel=order.channel if order else "dispatch",
        partner=order.partner if order else None,
        order=order,
        departure_id=delivery.event.departure_id or (order.departure_id if order else None),
        details={"delivery_id": delivery.pk, "connector": delivery.connector.name, "attempts": delivery.attempts,
                 "status": outcome.response.get("status"), "error": outcome.error[:500]},
    )


def _webhook_attempt(delivery: Delivery) -> Outcome:
    connector = delivery.connector
    try:
        payload = payloads.build(event=delivery.event, connector=connector)
    except Exception as exc:  # a broken builder is a bug: keep retrying so nothing is lost once fixed
        log.exception("payload builder failed for delivery %s", delivery.pk)
        return Outcome("retry", error=f"payload builder failed: {exc!r}")
    if payload is None:
        return Outcome("delivered", response={"skipped": True})
    secrets = connector.active_secrets()
    if not secrets:
        return Outcome("retry", error="connector has no active secret")
    return webhook_post(url=connector.url, secrets=secrets, msg_id=delivery.webhook_id,
                        body=json_bytes(payload), timeout=connector.timeout_seconds)


def delivery_send(*, delivery_id: int) -> str:
    """Try a webhook delivery now if it is due; on success go on with the next event of the same order."""
    if connection.in_atomic_block:
        raise RuntimeError("deliveries are sent after commit, never inside a transaction")
    state = "not due"
    while delivery_id is not None:
        delivery = delivery_claim(delivery_id=delivery_id)
        if delivery is None:
            return state
        state = delivery_record(delivery=delivery, outcome=_webhook_attempt(delivery))
        if state != "delivered" or delivery.order_id is None:
            return state
        delivery_id = (Delivery.objects.filter(connector_id=delivery.connector_id, order_id=delivery.order_id,
                                               event_id__gt=delivery.event_id, delivered_at__isnull=True,
                                               dead_at__isnull=True)
                       .order_by("event_id").values_list("pk", flat=True).first())
    return state



def webhook_deliveries_send(*, delivery_ids: list[int], now=None) -> dict[int, str]:
    """Send several webhook deliveries after one claim; returns {delivery id: state} for those claimed.

    One short transaction locks the due rows (rows another worker holds are
    skipped) and claims those the ordering guard lets go; the guard ignores the
    rows claimed here together, since they go out in event order. Then, with no
    transaction open, each is sent and recorded as delivery_send does. After a
    failure the rest of that connector's rows (its order's later events among
    them) are handed back unattempted, so a receiver that is down costs one
    attempt, not one per row. A chain delivered to its end goes straight on with
    the next event of its order outside this batch.
    """
    if connection.in_atomic_block:
        raise RuntimeError("deliveries are sent after commit, never inside a transaction")
    now = now or timezone.now()
    rules = policy()
    with transaction.atomic():
        ids = list(_locked(Delivery.objects.filter(_due(now, rules), pk__in=delivery_ids, connector__active=True,
                                                   connector__kind=Connector.Kind.WEBHOOK))
                   .values_list("pk", flat=True))
        query = Delivery.objects.filter(pk__in=ids)
        if ORDERING_GUARD:
            query = query.exclude(_earlier_pending(excluding=ids))
        batch = list(query.select_related("event", "connector").order_by("event_id", "pk"))
        if not batch:
            return {}
        token = _claim([d.pk for d in batch], now)
    states, failed_connectors, handed_back, chain_ends = {}, set(), [], {}
    for d in batch:
        d.claim, d.attempts, d.in_flight_since = token, d.attempts + 1, now
        if ORDERING_GUARD and d.connector_id in failed_connectors:  # without it, an order's later events overtake
            handed_back.append(d.pk)
            continue
        states[d.pk] = delivery_record(delivery=d, outcome=_webhook_attempt(d))
        if states[d.pk] != "delivered":
            failed_connectors.add(d.connector_id)
        elif d.order_id is not None:
            chain_ends[(d.connector_id, d.order_id)] = d.event_id
    if handed_back:
        Delivery.objects.filter(pk__in=handed_back, claim=token, delivered_at__isnull=True).update(
            in_flight_since=None, claim="", attempts=F("attempts") - 1)
        states.update(dict.fromkeys(handed_back, "handed back"))
    for delivery_id in _chain_successors(chain_ends, failed_connectors):
        states[delivery_id] = delivery_send(delivery_id=delivery_id)
    return states


def _chain_successors(chain_ends: dict[tuple[int, int], int], failed_connectors: set[int]) -> list[int]:
    """For each (connector, order) delivered up to an event: its next pending delivery, if any (one query)."""
    chains = {chain: last for chain, last in chain_ends.items() if chain[0] not in failed_connectors}
    if not chains:
        return []
    following = {}
    for pk, connector_id, order_id, event_id in (
            Delivery.objects.filter(order_id__in={order for _, order in chains}, delivered_at__isnull=True,
                                    dead_at__isnull=True).order_by("event_id")
            .values_list("pk", "connector_id", "order_id", "event_id")):
        chain = (connector_id, order_id)
        if chain in chains and event_id > chains[chain]:
            following.setdefault(chain, pk)
    return list(following.values())

def file_drop_flush(*, connector_id: int, now=None, limit: int = 1000) -> str:
    """Write every due delivery of a file-drop connector (one file, or one per event); all or nothing."""
    if connection.in_atomic_block:
        raise RuntimeError("files are written after commit, never inside a transaction")
    now = now or timezone.now()
    rules = policy()
    with transaction.atomic():
        connector = _locked(Connector.objects.filter(pk=connector_id, active=True)).first()
        if connector is None:
            return "busy or inactive"
        if Delivery.objects.filter(connector=connector, in_flight_since__gte=now - rules.in_flight_timeout,
                                   delivered_at__isnull=True, dead_at__isnull=True).exists():
            return "busy"
        candidates = list(Delivery.objects.filter(_due(now, rules), connector=connector)
                          .order_by("event_id").values_list("pk", flat=True)[:limit])
        query = Delivery.objects.filter(pk__in=candidates)
        if ORDERING_GUARD:  # an earlier event outside this batch holds back the later ones of its order
            query = query.exclude(_earlier_pending(excluding=candidates))
        batch = list(query.select_related("event").order_by("event_id"))
        if not batch:
            return "nothing due"
        token = _claim([d.pk for d in batch], now)
    for d in batch:
        d.claim, d.attempts, d.connector = token, d.attempts + 1, connector
    outcome = _file_attempt(connector, batch)
    return deliveries_record(deliveries=batch, outcome=outcome)


def _file_attempt(connector: Connector, batch: list[Delivery]) -> Outcome:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    try:
        items = []
        for d in batch:
            envelope = payloads.build(event=d.event, connector=connector)
            if envelope is not None:
                items.append({"event_id": d.event_id, "message_id": d.webhook_id, "topic": d.event.topic,
                              "timestamp": envelope.get("timestamp"), "data": envelope.get("data", envelope)})
        groups = [[i] for i in items] if connector.file_per == Connector.FilePer.ORDER else ([items] if items else [])
        written = [file_write_atomic(directory=connector.directory, name=files.file_name(g, connector, stamp=stamp),
                                     data=files.render(g, connector)).name for g in groups]
    except Exception as exc:  # disk full, directory missing, permission: retried like a failed POST
        log.warning("file drop %s failed: %s", connector.name, exc)
        return Outcome("retry", error=f"file write failed: {exc}")
    return Outcome("delivered", response={"files": written})
