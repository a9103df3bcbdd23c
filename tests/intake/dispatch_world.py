"""Shared pieces of the dispatch tests: a receiver on 127.0.0.1, connectors, orders with several events."""

import itertools
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from intake.dispatch.models import Connector, Delivery, WebhookSecret, new_webhook_secret
from intake.dispatch.receiver import ReceiverHandler, ReceiverState, receiver_server
from intake.dispatch.services import deliveries_send, deliveries_sweep
from intake.drafts import OrderChanges
from intake.models import OutboxEvent
from intake.outbox_relay import outbox_relay_backlog
from intake.services import order_amend, order_cancel, submit
from tests.factories import make_bookable, make_draft, make_partner

FAST_RETRIES = {"BACKOFF_BASE_SECONDS": 0.01, "BACKOFF_CAP_SECONDS": 0.05, "IN_FLIGHT_TIMEOUT_SECONDS": 300}
PORTS = itertools.cycle(range(18310, 18399))  # 18399 stays unused: connectors that must never connect


def free_port() -> int:
    """A port of this suite's range (18310-18398) that nothing listens on; each call moves on to the next."""
    for _ in range(89):
        port = next(PORTS)
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the receiver will bind it
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18310-18398")


def webhook_connector(*, port: int, secret: str | None = None, timeout: int = 5, **fields) -> tuple[Connector, str]:
    secret = secret or new_webhook_secret()
    connector = Connector.objects.create(name=f"dispatch {port}", kind=Connector.Kind.WEBHOOK,
                                         url=f"http://127.0.0.1:{port}/hooks", timeout_seconds=timeout, **fields)
    WebhookSecret.objects.create(connector=connector, secret=secret)
    return connector, secret


@contextmanager
def running_receiver(*, port: int, state: ReceiverState, handler=ReceiverHandler):
    for attempt in range(50):  # a socket of an earlier test may still be closing
        try:
            server = receiver_server(port=port, state=state, handler=handler)
            break
        except OSError:
            if attempt == 49:
                raise
            time.sleep(0.1)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def orders_with_history(count: int = 3):
    """Orders each with created, confirmed, amended and (for every other one) cancelled events."""
    product, option, departure = make_bookable(capacity=100)
    partner = make_partner()
    orders = []
    for i in range(count):
        order = submit(draft=make_draft(product=product, departure=departure, partner=partner,
                                        external_reference=f"R-{i}")).order
        order_amend(order_id=order.pk, changes=OrderChanges(notes=f"window seat {i}"), actor="system")
        if i % 2 == 0:
            order_cancel(order_id=order.pk, actor="system", reason="guest ill", enforce_cutoff=False)
        orders.append(order)
    return orders


def run_worker_for_events() -> None:
    """What the relay and the worker do for each committed event, in commit order (tests run neither process)."""
    outbox_relay_backlog()
    for event_id in OutboxEvent.objects.order_by("pk").values_list("pk", flat=True):
        deliveries_send(event_id=event_id)


def sweep_until_delivered(*, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while Delivery.objects.filter(delivered_at__isnull=True, dead_at__isnull=True).exists():
        if time.monotonic() > deadline:
            raise AssertionError("deliveries still pending: " + repr(list(
                Delivery.objects.filter(delivered_at__isnull=True).values("pk", "attempts", "last_error"))))
        deliveries_sweep(enqueue=False)
        time.sleep(0.02)


def assert_in_order_per_order(records: list[dict]) -> None:
    """Each order's messages arrived in the order its events happened."""
    event_seq = {f"msg_{u.hex}": pk for pk, u in OutboxEvent.objects.values_list("pk", "uuid")}
    last: dict[str, int] = {}
    for record in records:
        order_uuid = (record["body"].get("data") or {}).get("uuid")
        if not order_uuid:
            continue
        seq = event_seq[record["webhook_id"]]
        assert seq > last.get(order_uuid, 0), f"{record['body']['type']} of {order_uuid} arrived out of order"
        last[order_uuid] = seq


def database_url_of_test_db() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def manage_env(var_dir: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url_of_test_db(), "VAR_DIR": str(var_dir), "Q_SYNC": "0"}

