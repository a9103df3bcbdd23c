import json
import threading

import pytest
from django.db import connection

from channels.api import mapping
from intake.models import Order
from tests.channels.api.conftest import PartnerClient
from tests.channels.api.wire import order_body, problem

pytestmark = pytest.mark.django_db


def test_repeat_with_the_same_external_reference_returns_the_same_order_with_200(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure)
    first = api.post("/orders", body)
    again = api.post("/orders", body)
    departure.refresh_from_db()
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(again.content)["reference"] == json.loads(first.content)["reference"]
    assert Order.objects.count() == 1 and departure.confirmed == 2


def test_repeat_with_the_same_idempotency_key_returns_the_same_order(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure, external_reference=None)
    first = api.post("/orders", body, headers={"Idempotency-Key": "0b6f6a3e-key"})
    again = api.post("/orders", body, headers={"Idempotency-Key": "0b6f6a3e-key"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(again.content)["external_reference"] == "0b6f6a3e-key"
    assert Order.objects.count() == 1


def test_conflicting_repeat_is_409_and_changes_nothing(api, bookable):
    product, option, departure = bookable
    api.post("/orders", order_body(product, departure, external_reference="AUR-7"))
    response = api.post("/orders", order_body(product, departure, external_reference="AUR-7",
                                              participants={"ADULT": 5}))
    departure.refresh_from_db()
    body = problem(response)
    assert (body["status"], body["code"], body["external_reference"]) == (409, "idempotency_conflict", "AUR-7")
    assert Order.objects.count() == 1 and departure.confirmed == 2


def test_idempotency_key_and_external_reference_must_agree(api, bookable):
    product, option, departure = bookable
    response = api.post("/orders", order_body(product, departure, external_reference="AUR-8"),
                        headers={"Idempotency-Key": "something-else"})
    assert problem(response)["code"] == "idempotency_key_mismatch"
    assert not Order.objects.exists()


def test_order_without_any_idempotency_key_is_refused(api, bookable):
    product, option, departure = bookable
    response = api.post("/orders", order_body(product, departure, external_reference=None))
    assert (problem(response)["status"], problem(response)["code"]) == (400, "idempotency_key_missing")
    assert not Order.objects.exists()


def test_the_same_reference_from_two_partners_is_two_orders(api, other_api, bookable):
    product, option, departure = bookable
    first = api.post("/orders", order_body(product, departure, external_reference="BOOKING-1"))
    second = other_api.post("/orders", order_body(product, departure, external_reference="BOOKING-1"))
    assert (first.status_code, second.status_code) == (201, 201)
    assert Order.objects.count() == 2


def _post_from_threads(*, key: str, body: dict, threads: int) -> list[int]:
    barrier = threading.Barrier(threads)
    statuses: list[int] = []

    def post():
        try:
            client = PartnerClient(key=key, openapi=None)
            barrier.wait(timeout=10)
            statuses.append(client.post("/orders", body, headers={"Idempotency-Key": "same-key-5"}).status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_posts_with_one_idempotency_key_make_one_order(api, bookable):
    product, option, departure = bookable
    body = order_body(product, departure, external_reference=None)
    statuses = _post_from_threads(key=api.key, body=body, threads=5)
    departure.refresh_from_db()
    assert sorted(statuses) == [200, 200, 200, 200, 201]
    assert Order.objects.count() == 1 and departure.confirmed == 2


@pytest.mark.django_db(transaction=True)
def test_canary_without_the_idempotency_key_the_same_five_posts_make_five_orders(api, bookable, monkeypatch):
    """Shows the test above can fail: drop the key on its way into the draft and duplicates appear."""
    product, option, departure = bookable
    monkeypatch.setattr(mapping, "idempotency_reference", lambda **kwargs: None)
    statuses = _post_from_threads(key=api.key, body=order_body(product, departure, external_reference=None),
                                  threads=5)
    departure.refresh_from_db()
    assert statuses == [201] * 5
    assert Order.objects.count() == 5 and departure.confirmed == 10
