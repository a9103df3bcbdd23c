"""Claims: of many workers racing for one delivery, exactly one sends it."""

import threading

import pytest
from django.db import connection

from intake.dispatch.fanout import deliveries_create
from intake.dispatch.models import Delivery
from intake.dispatch.sending import delivery_claim
from intake.models import OutboxEvent
from tests.intake.dispatch_world import orders_with_history, webhook_connector

pytestmark = pytest.mark.django_db(transaction=True)


def test_eight_workers_racing_for_one_delivery_claim_it_once():
    webhook_connector(port=18399)
    orders_with_history(1)
    for event_id in OutboxEvent.objects.values_list("pk", flat=True):
        deliveries_create(event_id=event_id)
    first = Delivery.objects.order_by("event_id").first()
    barrier = threading.Barrier(8)
    claims = []

    def worker():
        try:
            barrier.wait()
            claims.append(delivery_claim(delivery_id=first.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [c for c in claims if c is not None]
    assert len(claims) == 8 and len(won) == 1
    assert Delivery.objects.get(pk=first.pk).attempts == 1


def test_a_later_event_cannot_be_claimed_while_an_earlier_one_is_pending():
    webhook_connector(port=18399)
    orders_with_history(1)
    deliveries_create(event_id=OutboxEvent.objects.filter(order__isnull=False).order_by("-pk").first().pk)
    first, second = Delivery.objects.order_by("event_id")[:2]
    assert delivery_claim(delivery_id=second.pk) is None
    assert delivery_claim(delivery_id=first.pk) is not None
