"""Dispatch benchmark: time from order commit to receipt at the reference receiver, with a real worker.

    bash .ci/postgres.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/intake .venv/bin/python bench/dispatch_bench.py

Creates (after dropping it) the database `intake_dispatch_bench` next to the one
DATABASE_URL names and migrates it; starts the reference receiver
(`manage.py dispatch_receiver`), the outbox relay (`manage.py outbox_relay`)
and a django-q2 worker (`manage.py qcluster`, ORM broker, Q_WORKERS workers) as
separate processes; configures one webhook connector; then submits --orders
orders through the one door at --rate orders per second. Each order commits
order.created and order.confirmed (both are delivered). The commit time of an
order's events is taken by the submitting thread right after submit() returned
(its transaction has committed); the receipt time is what the receiver wrote.
So the latency includes the relay's poll and fan-out, the worker's poll and the
POST.

Prints p50/p95/max for order.created and for all events, and the load average,
and writes bench/results/dispatch-<date>.json. See bench/README.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import bench_database  # noqa: E402  (bench/ is on sys.path)

TARGET_P95_S = 2.0


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="intake_dispatch_bench")
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0, help="orders submitted per second")
    parser.add_argument("--clients", type=int, default=2, help="threads submitting orders")
    parser.add_argument("--workers", type=int, default=2, help="django-q2 worker processes (Q_WORKERS)")
    parser.add_argument("--port", type=int, default=18390)
    parser.add_argument("--out", default=None)
    return parser.parse_args()


def _database_prepare(args) -> None:
    os.environ["Q_SYNC"] = "0"
    os.environ["Q_WORKERS"] = str(args.workers)
    bench_database(name=args.db_name, var_dir="/tmp/dispatch-bench-var")


def _process(*command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def _wait_for_port(port: int, seconds: float = 30) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _submit_orders(args, product, departure, partner, committed: dict[int, float]) -> float:
    """Submit the orders from --clients threads; committed[order id] = the time right after its commit."""
    from django.db import connection

    from intake.services import submit
    from tests.factories import make_draft

    interval = args.clients / args.rate
    counter = iter(range(args.orders))
    lock = threading.Lock()

    def client():
        next_at = time.monotonic()
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            order = submit(draft=make_draft(product=product, departure=departure, partner=partner,
                                            external_reference=f"bench-{i}")).order
            committed[order.pk] = time.time()  # submit() runs in its own transaction: it has committed
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1), "max_ms": round(values[-1] * 1000, 1)}


def main() -> int:
    args = _args()
    _database_prepare(args)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from intake.dispatch.models import Connector, Delivery, WebhookSecret, new_webhook_secret
    from intake.dispatch.receiver import received
    from intake.models import OutboxEvent
    from tests.factories import make_bookable, make_partner

    committed: dict[int, float] = {}  # order id -> time right after its commit

    product, option, departure = make_bookable(capacity=1_000_000)
    partner = make_partner(code="bench-partner")
    secret = new_webhook_secret()
    connector = Connector.objects.create(name="bench receiver", kind=Connector.Kind.WEBHOOK,
                                         url=f"http://127.0.0.1:{args.port}/hooks")
    WebhookSecret.objects.create(connector=connector, secret=secret)

    inbox = Path(tempfile.mkdtemp(prefix="dispatch-bench-"))
    env = dict(os.environ)
    receiver = _process("dispatch_receiver", "--port", str(args.port), "--secret", secret, "--out", str(inbox), env=env)
    worker = _process("qcluster", env=env)
    relay = _process("outbox_relay", env=env)
    load_before = os.getloadavg()
    try:
        _wait_for_port(args.port)
        time.sleep(3)  # the cluster forks its workers
        elapsed = _submit_orders(args, product, departure, partner, committed)
        deadline = time.monotonic() + 120
        while OutboxEvent.objects.filter(relayed_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        expected = Delivery.objects.count()
        while len(list(inbox.glob("*.json"))) < expected and time.monotonic() < deadline:
            time.sleep(0.5)
        load_after = os.getloadavg()
    finally:
        for process in (relay, worker, receiver):
            os.killpg(process.pid, 15)
        for process in (relay, worker, receiver):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)

    by_msg = {f"msg_{u.hex}": (order_id, topic)
              for order_id, u, topic in OutboxEvent.objects.values_list("order_id", "uuid", "topic")}
    latency = {"order.created": [], "all": []}
    records = received(inbox)
    for record in records:
        order_id, topic = by_msg[record["webhook_id"]]
        seconds = record["received_at"] - committed[order_id]
        latency["all"].append(seconds)
        if topic == "order.created":
            latency["order.created"].append(seconds)
    result = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, {platform.python_version()}",
        "orders": args.orders, "rate_per_s": args.rate, "clients": args.clients, "q_workers": args.workers,
        "load_average_1_5_15": {"before": [round(x, 2) for x in load_before],
                                "after": [round(x, 2) for x in load_after]},
        "submit_seconds": round(elapsed, 1), "deliveries": Delivery.objects.count(), "received": len(records),
        "unrelayed": OutboxEvent.objects.filter(relayed_at__isnull=True).count(),
        "undelivered": Delivery.objects.filter(delivered_at__isnull=True).count(),
        # created_at (inside the submitting transaction) to relayed_at: how far the relay trailed the commits.
        "relay_lag": _percentiles([(relayed - created).total_seconds() for created, relayed in
                                   OutboxEvent.objects.filter(relayed_at__isnull=False)
                                   .values_list("created_at", "relayed_at")]),
        "order_created": _percentiles(latency["order.created"]) if latency["order.created"] else None,
        "all_events": _percentiles(latency["all"]) if latency["all"] else None,
    }
    result["target_p95_met"] = bool(result["order_created"]) and result["order_created"]["p95_ms"] <= TARGET_P95_S * 1000
    print(json.dumps(result, indent=2))
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"dispatch-{date.today().isoformat()}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["target_p95_met"] and not result["undelivered"] else 1


if __name__ == "__main__":
    sys.exit(main())
