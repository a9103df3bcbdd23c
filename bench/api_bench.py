"""Partner REST API benchmark over HTTP: gunicorn + PostgreSQL, reads with wrk, orders from parallel partners.

    bash .ci/postgres.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/intake .venv/bin/python bench/api_bench.py

Creates (after dropping it) the database `intake_api_bench` next to the one
DATABASE_URL names, migrates, loads demo/catalogue.json with a year of
departures and the demo API key of hotel-aurelia, starts gunicorn on
127.0.0.1 and measures:

- GET /api/v1/availability (random product, one random local day) and
  GET /api/v1/products with wrk: p50/p90/p99 and requests/s;
- POST /api/v1/orders from parallel clients on keep-alive connections
  (1 adult on a random bookable departure, a fresh Idempotency-Key each):
  p50/p99 and orders/s, then every body posted again with its key: p50/p99 of
  the idempotent repeat, and a check that each key made exactly one order.

Prints the numbers and writes bench/results/api-<date>.json. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import bench_database, gunicorn_start, wrk_ms  # noqa: E402  (bench/ is on sys.path)

PRODUCTS = ("river-cruise-50", "lunch-cruise", "sunset-sail", "river-museum")
LUA = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Authorization"] = "Bearer %s", ["Accept-Language"] = "cs"})
end
"""


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="intake_api_bench")
    parser.add_argument("--port", type=int, default=18710)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--clients", type=int, default=4, help="parallel partners posting orders")
    parser.add_argument("--orders", type=int, default=100, help="orders per client")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=None)
    return parser.parse_args()


def _database_prepare(args) -> None:
    bench_database(name=args.db_name, var_dir="/tmp/api-bench-var")


def _load() -> dict:
    """Migrate, load the demo catalogue and key; return the key and bookable (product, start) pairs."""
    import io

    import django

    django.setup()
    from django.core.management import call_command

    from availability.models import Departure, Option
    from availability.selectors import availability_search
    from channels.api.demo import DEMO_KEY, seed
    from intake.services.catalogue import catalogue_import

    call_command("migrate", verbosity=0)
    catalogue_import(data=json.loads((ROOT / "demo" / "catalogue.json").read_text()), generate_days=365)
    seed(io.StringIO())
    slots = []
    for option in Option.objects.filter(product__code__in=PRODUCTS, is_default=True).select_related("product"):
        first = date.today() + timedelta(days=2)
        for slot in availability_search(option_id=option.pk, date_from=first, date_to=first + timedelta(days=90)):
            if slot.available:
                slots.append((option.product.code, slot.starts_at.isoformat()))
    return {"key": DEMO_KEY, "slots": slots, "departures_total": Departure.objects.count()}


def _gunicorn(args, env) -> subprocess.Popen:
    return gunicorn_start(port=args.port, workers=args.workers, env=env, probe_path="/api/v1/schema", extra_args=())


def _ms(text: str) -> float:
    return wrk_ms(text)


def _wrk(args, key: str, paths: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (",".join(json.dumps(p) for p in paths), key))
    base = f"http://127.0.0.1:{args.port}"
    subprocess.run(["wrk", "-t2", f"-c{args.connections}", "-d3s", "-s", script.name, base], capture_output=True,
                   check=True)
    output = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}", "--latency", "-s",
                             script.name, base], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "connections": args.connections,
        "p50_ms": _ms(latency["50"]), "p90_ms": _ms(latency["90"]), "p99_ms": _ms(latency["99"]),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _poster(port: int, key: str, bodies: list[tuple[str, bytes]], timings: list, results: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for idempotency_key, body in bodies:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                   "Idempotency-Key": idempotency_key}
        started = time.perf_counter()
        connection.request("POST", "/api/v1/orders", body=body, headers=headers)
        response = connection.getresponse()
        payload = json.loads(response.read())
        timings.append((time.perf_counter() - started) * 1000)
        results.append((idempotency_key, response.status, payload.get("reference") or payload.get("code")))


def _post_all(port: int, key: str, batches: list[list[tuple[str, bytes]]]) -> tuple[list, list, float]:
    timings, results = [], []
    threads = [threading.Thread(target=_poster, args=(port, key, batch, timings, results)) for batch in batches]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, results, time.perf_counter() - started


def _cpu_per_request(key: str, slots: list, availability_paths: list[str], rng: random.Random, n: int = 100) -> dict:
    """CPU milliseconds of this process per request through Django's test client: the API's own cost,
    whatever else the machine is doing (PostgreSQL's share is not included)."""
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {key}"}
    bodies = [(str(uuid.uuid4()), json.dumps({"product": p, "start": s, "participants": {"ADULT": 1}}))
              for p, s in (rng.choice(slots) for _ in range(n))]
    calls = {
        "products": lambda i: client.get("/api/v1/products", headers=headers),
        "availability_one_day": lambda i: client.get(availability_paths[i % len(availability_paths)], headers=headers),
        "create": lambda i: client.post("/api/v1/orders", bodies[i][1], content_type="application/json",
                                        headers={**headers, "Idempotency-Key": bodies[i][0]}),
        "repeat": lambda i: client.post("/api/v1/orders", bodies[i][1], content_type="application/json",
                                        headers={**headers, "Idempotency-Key": bodies[i][0]}),
    }
    result = {}
    for name, call in calls.items():
        if name in ("products", "availability_one_day"):
            call(0)  # warm-up
        started = time.process_time()
        for i in range(n):
            call(i)
        result[name] = round((time.process_time() - started) * 1000 / n, 2)
    return result


def _percentiles(values: list[float]) -> dict:
    cuts = statistics.quantiles(values, n=100)
    return {"p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2)}


def main() -> None:
    args = _args()
    rng = random.Random(args.seed)
    _database_prepare(args)
    loaded = _load()
    key, slots = loaded["key"], loaded["slots"]
    env = {**os.environ, "DEBUG": "0", "CONN_MAX_AGE": "60"}
    server = _gunicorn(args, env)
    try:
        first = date.today() + timedelta(days=1)
        availability_paths = [
            "/api/v1/availability?" + urlencode({"product": rng.choice(PRODUCTS), "from": day, "to": day})
            for day in ((first + timedelta(days=rng.randint(0, 300))).isoformat() for _ in range(400))
        ]
        availability = _wrk(args, key, availability_paths)
        products = _wrk(args, key, ["/api/v1/products"])
        batches = [
            [(str(uuid.uuid4()), json.dumps({"product": product, "start": start, "participants": {"ADULT": 1},
                                             "contact": {"name": "Bench Guest"}}).encode())
             for product, start in (rng.choice(slots) for _ in range(args.orders))]
            for _ in range(args.clients)
        ]
        create_ms, created, create_s = _post_all(args.port, key, batches)
        repeat_ms, repeated, _ = _post_all(args.port, key, batches)
    finally:
        server.terminate()
        server.wait(timeout=10)
    from intake.models import Order

    orders_in_db = Order.objects.filter(channel="api").count()  # before the in-process run adds its own
    cpu_ms = _cpu_per_request(key, slots, availability_paths, rng)
    first_answer = {k: (status, ref) for k, status, ref in created}
    statuses = {}
    for _, status, _ in created:
        statuses[status] = statuses.get(status, 0) + 1
    # Every key that made an order answers its repeat with 200 and that same order.
    same = all((status, ref) == (200, first_answer[k][1]) for k, status, ref in repeated if first_answer[k][0] == 201)

    result = {
        "benchmark": "api", "date": date.today().isoformat(), "machine": platform.platform(),
        "cpus": os.cpu_count(), "gunicorn_workers": args.workers, "departures_total": loaded["departures_total"],
        "availability_one_day": availability, "products": products,
        "create": {"clients": args.clients, "orders": len(created), "statuses": statuses,
                   "orders_per_s": round(statuses.get(201, 0) / create_s, 1), **_percentiles(create_ms)},
        "repeat": {"same_answer_for_every_key": same, **_percentiles(repeat_ms)},
        "orders_in_db": orders_in_db, "orders_created": statuses.get(201, 0),
        "cpu_ms_per_request_in_process": cpu_ms, "load_average": os.getloadavg()[0],
    }
    print(json.dumps(result, indent=2))
    out = Path(args.out or ROOT / "bench" / "results" / f"api-{date.today().isoformat()}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    if orders_in_db != statuses.get(201, 0) or not same:
        sys.exit("idempotency check failed")


if __name__ == "__main__":
    main()
