"""Parallel partners fighting for the last seats through the API: never more sold than the boat holds."""

import json
import threading

import pytest
from django.db import connection

from intake.models import Order
from tests.channels.api.conftest import PartnerClient
from tests.channels.api.wire import order_body


@pytest.mark.django_db(transaction=True)
def test_eight_parallel_orders_for_ten_seats_sell_exactly_ten(api, bookable):
    product, option, departure = bookable  # capacity 10
    barrier = threading.Barrier(8)
    answers: list[tuple[int, str]] = []

    def post(n: int):
        try:
            client = PartnerClient(key=api.key, openapi=None)
            body = order_body(product, departure, external_reference=f"RACE-{n}", participants={"ADULT": 2})
            barrier.wait(timeout=10)
            response = client.post("/orders", body)
            answers.append((response.status_code, json.loads(response.content).get("code", "")))
        finally:
            connection.close()

    workers = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    departure.refresh_from_db()
    assert sorted(answers) == [(201, "")] * 5 + [(409, "over_capacity")] * 3
    assert departure.confirmed == 10 and Order.objects.count() == 5
