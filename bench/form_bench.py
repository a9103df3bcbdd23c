"""Booking form benchmark over HTTP: gunicorn + PostgreSQL, load from wrk and from parallel guests.

    bash .ci/postgres.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/intake .venv/bin/python bench/form_bench.py

Creates (after dropping it) the database `intake_form_bench` next to the one
DATABASE_URL names, migrates, loads demo/catalogue.json with a year of
departures and the demo form token, starts gunicorn on 127.0.0.1 and measures:

- GET /form/<token>/ (the page a guest opens: departures of a day, tickets) and
  GET /form/<token>/availability.json (what the page fetches when the date
  changes), random product and day per request, with wrk: p50/p90/p99, req/s;
- whole bookings from parallel guests on keep-alive connections: open the form,
  post it (1 adult on a random bookable departure), follow to the success page.
  p50/p99 of the POST (raw store + checks + submit + redirect) and of the whole
  booking, and a check that every accepted post made exactly one order.

Prints a table and writes bench/results/form-<date>.json. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import bench_database, environment, gunicorn_start, wrk_ms  # noqa: E402  (bench/ is on sys.path)

PRODUCTS = ("river-cruise-50", "lunch-cruise", "sunset-sail", "river-museum")
LUA = """
local paths = {%s}
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Accept-Language"] = "en"})
end
"""


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="intake_form_bench")
    parser.add_argument("--port", type=int, default=18770)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--guests", type=int, default=4, help="parallel guests booking")
    parser.add_argument("--bookings", type=int, default=50, help="bookings per guest")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=None)
    return parser.parse_args()


def _database_prepare(args) -> str:
    return bench_database(name=args.db_name, var_dir="/tmp/form-bench-var")


def _load() -> dict:
    import io

    from django.core.management import call_command

    from availability.models import Departure
    from channels.form.demo import DEMO_TOKEN, seed
    from intake.services.catalogue import catalogue_import

    call_command("migrate", verbosity=0)
    catalogue_import(data=json.loads((ROOT / "demo" / "catalogue.json").read_text()), generate_days=365)
    seed(io.StringIO())
    return {"token": DEMO_TOKEN, "departures_total": Departure.objects.count()}


def _gunicorn(args, env) -> subprocess.Popen:
    return gunicorn_start(port=args.port, workers=args.workers, env=env, probe_path="/", extra_args=())


def _paths(token: str, rng: random.Random, json_endpoint: bool, count: int = 400) -> list[str]:
    suffix = "availability.json" if json_endpoint else ""
    first = date.today() + timedelta(days=1)
    return [
        f"/form/{token}/{suffix}?" + urlencode({"product": rng.choice(PRODUCTS), "lang": rng.choice(("en", "cs", "de")),
                                                "date": (first + timedelta(days=rng.randint(0, 300))).isoformat()})
        for _ in range(count)
    ]


def _ms(text: str) -> float:
    return wrk_ms(text)


def _wrk(args, paths: list[str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ",".join(json.dumps(p) for p in paths))
    base = f"http://127.0.0.1:{args.port}"
    subprocess.run(["wrk", "-t2", f"-c{args.connections}", "-d3s", "-s", script.name, base], capture_output=True, check=True)
    output = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}", "--latency", "-s", script.name,
                             base], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "connections": args.connections,
        "p50_ms": _ms(latency["50"]), "p90_ms": _ms(latency["90"]), "p99_ms": _ms(latency["99"]),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _guest(port: int, paths: list[str], post_ms: list, booking_ms: list, locations: list, failures: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path)
        page = connection.getresponse().read().decode()
        booking = page.split('id="booking"', 1)[1]
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booking))
        starts = re.findall(r'name="start" value="([^"]+)" required>', booking)  # bookable ones only
        if not starts:
            continue
        fields.update(start=starts[0], qty_ADULT="1", name="Bench Guest", email="bench@example.com",
                      phone="+420601123456")
        posted = time.perf_counter()
        connection.request("POST", path.split("?")[0], body=urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read()
        post_ms.append((time.perf_counter() - posted) * 1000)
        if response.status != 302:
            failures.append(response.status)
            continue
        location = response.getheader("Location")
        connection.request("GET", location)
        connection.getresponse().read()
        booking_ms.append((time.perf_counter() - started) * 1000)
        locations.append(location)


def _bookings(args, token: str, rng: random.Random) -> dict:
    from intake.models import Order

    post_ms, booking_ms, locations, failures = [], [], [], []
    orders_before = Order.objects.filter(channel="form").count()
    guests = [
        threading.Thread(target=_guest, args=(args.port, _paths(token, rng, False, args.bookings), post_ms, booking_ms,
                                              locations, failures))
        for _ in range(args.guests)
    ]
    started = time.perf_counter()
    for guest in guests:
        guest.start()
    for guest in guests:
        guest.join()
    elapsed = time.perf_counter() - started

    def pct(values, q):
        return round(statistics.quantiles(values, n=100)[q - 1], 2) if len(values) > 1 else None

    return {
        "guests": args.guests, "bookings": len(locations), "failures": len(failures),
        "orders_made": Order.objects.filter(channel="form").count() - orders_before,
        "bookings_per_s": round(len(locations) / elapsed, 1),
        "post": {"p50_ms": pct(post_ms, 50), "p99_ms": pct(post_ms, 99)},
        "whole_booking": {"p50_ms": pct(booking_ms, 50), "p99_ms": pct(booking_ms, 99)},
    }


def _cpu_per_request(token: str, rng: random.Random, count: int = 40) -> dict:
    """Python CPU milliseconds per request in this process (Django test client, same database).

    Independent of what else the machine does, unlike the wall-clock figures;
    PostgreSQL's own CPU is not included.
    """
    from django.test import Client

    client = Client()

    def cost(paths, post=False) -> float:
        client.get(paths[0])  # warm
        spent = []
        for path in paths:
            started = time.process_time()
            page = client.get(path).content.decode()
            if post:
                booking = page.split('id="booking"', 1)[1]
                fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booking))
                starts = re.findall(r'name="start" value="([^"]+)" required>', booking)
                if not starts:
                    continue
                fields.update(start=starts[0], qty_ADULT="1", name="Bench Guest", email="bench@example.com",
                              phone="+420601123456")
                client.post(path.split("?")[0], fields)
            spent.append((time.process_time() - started) * 1000)
        return round(statistics.median(spent), 2)

    return {
        "form_page_ms": cost(_paths(token, rng, False, count)),
        "availability_json_ms": cost(_paths(token, rng, True, count)),
        "open_and_post_booking_ms": cost(_paths(token, rng, False, count), post=True),
    }


def main() -> None:
    args = _args()
    bench_url = _database_prepare(args)
    import django

    django.setup()
    from django.db import connection

    dataset = _load()
    cpu = _cpu_per_request(dataset["token"], random.Random(args.seed + 1))
    connection.close()
    rng = random.Random(args.seed)
    env = {**os.environ, "DATABASE_URL": bench_url, "CONN_MAX_AGE": "600", "DEBUG": "0"}
    server = _gunicorn(args, env)
    try:
        page = _wrk(args, _paths(dataset["token"], rng, False))
        availability = _wrk(args, _paths(dataset["token"], rng, True))
        bookings = _bookings(args, dataset["token"], rng)
    finally:
        server.terminate()
        server.wait(timeout=10)
    report = {"environment": environment(), "dataset": dataset, "server": {"workers": args.workers},
              "cpu_per_request": cpu, "form_page": page, "availability_json": availability, "bookings": bookings}
    out = Path(args.out or ROOT / "bench" / "results" / f"form-{date.today().isoformat()}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"departures: {dataset['departures_total']}   gunicorn: {args.workers} sync workers   "
          f"load average: {report['environment']['load_average_after']} on {os.cpu_count()} CPUs")
    print(f"{'GET':<28}{'conns':>6}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for label, run in (("form page", page), ("availability.json", availability)):
        print(f"{label:<28}{run['connections']:>6}{run['requests_per_s']:>10.0f}{run['p50_ms']:>9.2f}"
              f"{run['p90_ms']:>9.2f}{run['p99_ms']:>9.2f}{run['non_2xx']:>9}")
    b = bookings
    print(f"bookings: {b['bookings']} by {b['guests']} guests, {b['bookings_per_s']}/s, POST p50 {b['post']['p50_ms']} ms "
          f"p99 {b['post']['p99_ms']} ms, whole booking p50 {b['whole_booking']['p50_ms']} ms "
          f"p99 {b['whole_booking']['p99_ms']} ms, failures {b['failures']}, orders made {b['orders_made']}")
    print(f"Python CPU per request (median): form page {cpu['form_page_ms']} ms, availability.json "
          f"{cpu['availability_json_ms']} ms, open + post a booking {cpu['open_and_post_booking_ms']} ms")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
