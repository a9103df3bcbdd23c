"""Dispatch services: what the outbox relay's subscriber, the tasks, the sweep and the admin call."""

import logging

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.utils import timezone

from intake.dispatch.fanout import deliveries_create_many
from intake.dispatch.models import Connector, Delivery
from intake.dispatch.sending import delivery_send, file_drop_flush, policy, webhook_deliveries_send
from intake.services.audit import audit_record

log = logging.getLogger(__name__)

SEND_MANY_TASK = "intake.tasks.deliveries_send_many_task"
SEND_CHUNK = 20  # events per send task: fewer queue round trips, and a backlog still spreads over the workers
SEND_ONE_TASK = "intake.tasks.delivery_send_task"
FLUSH_TASK = "intake.tasks.file_drop_flush_task"


def _enqueue(func: str, *args) -> None:
    from django_q.tasks import async_task

    # save=False: the outcome lives in our Delivery rows; failures are still kept by django-q.
    async_task(func, *args, task_name=f"{func.rsplit('.', 1)[1]}:{':'.join(map(str, args))}"[:100], save=False)


def _enqueue_with_transaction(func: str, *args) -> None:
    """Enqueue so that the task cannot start before the caller's transaction commits, nor at all if it rolls back."""
    from django_q.conf import Conf

    if Conf.ORM == DEFAULT_DB_ALIAS and not Conf.SYNC:
        _enqueue(func, *args)  # the queue row is in our database: it commits with the delivery rows
    else:
        transaction.on_commit(lambda: _enqueue(func, *args))  # Redis, or a task run in-process: after commit


def outbox_events_fan_out(event_ids: list[int]) -> None:
    """Outbox batch subscriber for every topic (run by the relay): create the events' delivery rows, enqueue sending.

    One send task per SEND_CHUNK events that some connector wants.
    """
    wanted = deliveries_create_many(event_ids=event_ids)
    for start in range(0, len(wanted), SEND_CHUNK):
        _enqueue_with_transaction(SEND_MANY_TASK, wanted[start:start + SEND_CHUNK])


def deliveries_send_many(*, event_ids: list[int]) -> dict[int, str]:
    """Send (or write) every due delivery of these events, in event order; returns {delivery id: state}.

    Webhook deliveries go out after one claim for all of them (webhook_deliveries_send);
    a file drop connector is flushed once (the flush writes all its due rows).
    """
    states, flushed, webhooks = {}, {}, []
    for delivery_id, connector_id, kind in (
            Delivery.objects.filter(event_id__in=event_ids).order_by("event_id", "pk")
            .values_list("pk", "connector_id", "connector__kind")):
        if kind == Connector.Kind.FILE_DROP:
            if connector_id not in flushed:
                flushed[connector_id] = file_drop_flush(connector_id=connector_id)
            states[delivery_id] = flushed[connector_id]
        else:
            webhooks.append(delivery_id)
    if webhooks:
        states.update(dict.fromkeys(webhooks, "not due"))
        states.update(webhook_deliveries_send(delivery_ids=webhooks))
    return states


def deliveries_send(*, event_id: int) -> dict[int, str]:
    """Send (or write) every delivery of one event that is due; returns {delivery id: state}."""
    return deliveries_send_many(event_ids=[event_id])


def deliveries_sweep(*, now=None, limit: int = 500, enqueue: bool = True) -> int:
    """Every minute: relay events still waiting, free rows stuck in flight, and (re)start what is due; returns how many.

    The relay step makes the sweep deliver even when no `outbox_relay` process runs (at most a minute later).
    enqueue=False sends inline (the `dispatch_sweep` command, tests); otherwise one task per chain.
    """
    from intake.outbox_relay import outbox_relay_backlog

    now = now or timezone.now()
    rules = policy()
    outbox_relay_backlog(now=now)
    reaped = (Delivery.objects.filter(delivered_at__isnull=True, dead_at__isnull=True,
                                      in_flight_since__lt=now - rules.in_flight_timeout)
              .update(in_flight_since=None, claim="", last_error="attempt interrupted: the worker stopped"))
    if reaped:
        log.warning("reaped %s deliveries stuck in flight", reaped)
    due = (Delivery.objects.filter(delivered_at__isnull=True, dead_at__isnull=True, next_attempt_at__lte=now,
                                   in_flight_since__isnull=True, connector__active=True)
           .order_by("event_id").values_list("pk", "connector_id", "order_id", "connector__kind")[:limit])
    started, seen_chains, seen_drops = 0, set(), set()
    for delivery_id, connector_id, order_id, kind in due:
        if kind == Connector.Kind.FILE_DROP:
            if connector_id not in seen_drops:
                seen_drops.add(connector_id)
                _run(FLUSH_TASK, connector_id, enqueue=enqueue)
                started += 1
            continue
        chain = (connector_id, order_id) if order_id else ("event", delivery_id)
        if chain in seen_chains:
            continue  # only the earliest event of an order can go; it pulls the next ones after it
        seen_chains.add(chain)
        _run(SEND_ONE_TASK, delivery_id, enqueue=enqueue)
        started += 1
    return started


def _run(func: str, arg: int, *, enqueue: bool) -> None:
    if enqueue:
        _enqueue(func, arg)
    elif func == FLUSH_TASK:
        file_drop_flush(connector_id=arg)
    else:
        delivery_send(delivery_id=arg)


def delivery_retry(*, delivery_id: int, user: str) -> Delivery:
    """A dispatcher sends a failing or dead delivery again now (after the receiver was fixed)."""
    with transaction.atomic():
        Delivery.objects.filter(Q(dead_at__isnull=False) | Q(in_flight_since__isnull=True),
                                pk=delivery_id, delivered_at__isnull=True).update(
            dead_at=None, next_attempt_at=timezone.now(), created_at=timezone.now())
        delivery = Delivery.objects.select_related("event", "connector").get(pk=delivery_id)
        audit_record(actor=f"user:{user}", action="delivery.retried", order=delivery.order,
                     data={"delivery": delivery.pk, "connector": delivery.connector.name, "topic": delivery.event.topic})
        kind, arg = ((FLUSH_TASK, delivery.connector_id) if delivery.connector.kind == Connector.Kind.FILE_DROP
                     else (SEND_ONE_TASK, delivery.pk))
        transaction.on_commit(lambda: _enqueue(kind, arg))
    return delivery
