"""OCTO channel benchmark over HTTP: gunicorn + PostgreSQL, load from wrk.

    bash .ci/postgres.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/intake .venv/bin/python bench/octo_bench.py

Creates (after dropping it) the database `intake_octo_bench` next to the one
DATABASE_URL names, migrates, loads demo/catalogue.json and the large bench
catalogue of bench/seats_dataset.py (200 products, 365 days: about 330,000
departures), issues the demo OCTO key, starts gunicorn on 127.0.0.1 and measures:

- POST /octo/availability for one option and one day, and for 30 days, with wrk
  (random option and date per request, from a fixed seed): p50/p99 and requests/s,
  each case run --repeat times (the median run is the result: the host's speed drifts);
  CPU per request of the app, of PostgreSQL and of wrk;
- reserve (POST /octo/bookings) + confirm (POST /octo/bookings/{uuid}/confirm) on
  distinct departures, from 1 client (the latency an OTA sees) and from 4 parallel
  keep-alive clients (2 cores kept busy), after 8 unmeasured warm-up pairs: p50/p99 per pair.

Prints a table and writes bench/results/octo-<date>.json. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import bench_database, environment, gunicorn_start, wrk_ms  # noqa: E402  (bench/ is on sys.path)

TARGET_P99_MS = 20.0
TARGET_RPS = 500.0
TARGET_BOOKING_P99_MS = 50.0
BOOKING_WARMUP_PAIRS = 8

LUA = """
local bodies = {%s}
local key = "%s"
request = function()
  local body = bodies[math.random(#bodies)]
  return wrk.format("POST", "/octo/availability", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. key, ["Octo-Capabilities"] = ""}, body)
end
"""


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="intake_octo_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database, skip loading")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=18450)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", default="16", help="wrk connection counts to run, e.g. 4,8,16")
    parser.add_argument("--duration", default="20s")
    parser.add_argument("--bookings", type=int, default=400, help="reserve+confirm pairs in total")
    parser.add_argument("--booking-clients", default="1,4",
                        help="reserve+confirm runs, one per count of parallel clients: 1 is the latency an OTA sees, "
                             "4 keeps 2 cores busy")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each availability case; the host's speed drifts, so the median run is reported")
    parser.add_argument("--out", default=None)
    return parser.parse_args()


def _database_prepare(args) -> str:
    return bench_database(name=args.db_name, var_dir="/tmp/octo-bench-var", recreate=not args.reuse)


def _load(args) -> dict:
    from django.core.management import call_command

    from intake.services.catalogue import catalogue_import
    from seats_dataset import bench_catalogue_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    catalogue_import(data=json.loads((ROOT / "demo" / "catalogue.json").read_text()), generate_days=365)
    dataset = bench_catalogue_load(products=args.products, days=args.days, seed=args.seed)
    dataset["total_seconds"] = round(time.perf_counter() - started, 1)
    return dataset


def _queries(rng: random.Random, span_days: int, count: int = 400) -> list[dict]:
    from availability.models import Option

    options = list(Option.objects.filter(product__code__startswith="bench-").values_list("product__code", "code"))
    first = date.today() + timedelta(days=1)
    bodies = []
    for _ in range(count):
        product, option = rng.choice(options)
        start = first + timedelta(days=rng.randint(0, 300))
        bodies.append({"productId": product, "optionId": option, "localDateStart": start.isoformat(),
                       "localDateEnd": (start + timedelta(days=span_days - 1)).isoformat()})
    return bodies


def _gunicorn(args, env) -> subprocess.Popen:
    return gunicorn_start(port=args.port, workers=args.workers, env=env, probe_path="/octo/capabilities", extra_args=("--worker-class", args.worker_class, "--threads", str(args.threads)))


def _wrk(args, key: str, bodies: list[dict], connections: int, server: subprocess.Popen) -> dict:

    lua = LUA % (",".join(json.dumps(json.dumps(b)) for b in bodies), key)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    # Warm every worker's connection and caches before measuring.
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d3s", "-s", script.name, f"http://127.0.0.1:{args.port}"],
                   capture_output=True, check=True)
    cpu_before, db_before, wrk_before = _worker_cpu_seconds(server), _database_cpu_seconds(), _children_cpu_seconds()
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{args.duration}", "--latency", "-s", script.name,
                             f"http://127.0.0.1:{args.port}"], capture_output=True, text=True, check=True).stdout
    cpu = _worker_cpu_seconds(server) - cpu_before
    db_cpu, wrk_cpu = _database_cpu_seconds() - db_before, _children_cpu_seconds() - wrk_before
    os.unlink(script.name)
    result = _wrk_parse(output) | {"connections": connections}
    requests = max(result["requests"], 1)
    result["app_cpu_ms_per_request"] = round(cpu * 1000 / requests, 3)
    result["db_cpu_ms_per_request"] = round(db_cpu * 1000 / requests, 3)
    result["wrk_cpu_ms_per_request"] = round(wrk_cpu * 1000 / requests, 3)
    return result


def _worker_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) of gunicorn's workers so far: the app's own cost, whatever the machine's load."""
    return _cpu_seconds(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split())


def _database_cpu_seconds() -> float:
    """CPU time of the PostgreSQL backends serving the bench database (the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [str(row[0]) for row in cursor.fetchall()]
    return _cpu_seconds(pids)


def _children_cpu_seconds() -> float:
    """CPU time of this script's finished children: the load generator's share of the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_seconds(pids: list[str]) -> float:
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # gone since it was listed
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _ms(text: str) -> float:
    return wrk_ms(text)


def _wrk_parse(output: str) -> dict:
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "p50_ms": _ms(latency["50"]), "p90_ms": _ms(latency["90"]), "p99_ms": _ms(latency["99"]),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def _booking_targets(count: int, rng: random.Random) -> list[dict]:
    from availability.models import Departure

    rows = list(
        Departure.objects.filter(schedule__code__startswith="bench-", status="open", held=0, confirmed=0,
                                 starts_at__date__gte=date.today() + timedelta(days=2))
        .values_list("id", "starts_at", "schedule__options__product__code", "schedule__options__code",
                     "schedule__options__product__timezone")[: count * 20]
    )
    from zoneinfo import ZoneInfo

    chosen, seen = [], set()
    rng.shuffle(rows)
    for dep_id, starts_at, product, option, zone in rows:
        if dep_id in seen:
            continue
        seen.add(dep_id)
        chosen.append({"productId": product, "optionId": option,
                       "availabilityId": starts_at.astimezone(ZoneInfo(zone)).isoformat(),
                       "unitItems": [{"unitId": "ADULT"}, {"unitId": "ADULT"}]})
        if len(chosen) == count:
            break
    return chosen


def _booking_client(port: int, key: str, targets: list[dict], samples: list, failures: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}", "Octo-Capabilities": ""}

    def call(path, body):
        connection.request("POST", path, json.dumps(body), headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    for target in targets:
        started = time.perf_counter()
        status, booking = call("/octo/bookings", target)
        reserved = time.perf_counter()
        if status != 200:
            failures.append(booking)
            continue
        status, confirmed = call(f"/octo/bookings/{booking['uuid']}/confirm", {"contact": {"fullName": "Bench Guest"}})
        done = time.perf_counter()
        if status != 200 or confirmed.get("status") != "CONFIRMED":
            failures.append(confirmed)
            continue
        samples.append(((reserved - started) * 1000, (done - reserved) * 1000, (done - started) * 1000))


def _pairs(args, key: str, targets: list[dict], clients: int) -> tuple[list, list]:
    samples, failures, threads = [], [], []
    for chunk in [targets[i::clients] for i in range(clients)]:
        thread = threading.Thread(target=_booking_client, args=(args.port, key, chunk, samples, failures))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return samples, failures


def _bookings(args, key: str, rng: random.Random, server: subprocess.Popen, clients: int) -> dict:
    # Not measured, like wrk's warm-up: a worker's first booking loads modules and prepares statements
    # (~300 ms), which would otherwise be two of the samples.
    _pairs(args, key, _booking_targets(BOOKING_WARMUP_PAIRS, rng), 4)
    targets = _booking_targets(args.bookings, rng)
    cpu_before, db_before = _worker_cpu_seconds(server), _database_cpu_seconds()
    started = time.perf_counter()
    samples, failures = _pairs(args, key, targets, clients)
    elapsed = time.perf_counter() - started
    cpu, db_cpu = _worker_cpu_seconds(server) - cpu_before, _database_cpu_seconds() - db_before

    def pct(values):
        cut = statistics.quantiles(sorted(values), n=100, method="inclusive")
        return {"p50_ms": round(cut[49], 2), "p99_ms": round(cut[98], 2)}

    return {
        "pairs": len(samples), "failures": len(failures), "clients": clients,
        "pairs_per_s": round(len(samples) / elapsed, 1),
        "app_cpu_ms_per_pair": round(cpu * 1000 / max(len(samples), 1), 2),
        "db_cpu_ms_per_pair": round(db_cpu * 1000 / max(len(samples), 1), 2),
        "reserve": pct([s[0] for s in samples]), "confirm": pct([s[1] for s in samples]),
        "reserve_confirm": pct([s[2] for s in samples]),
        "first_failure": failures[0] if failures else None,
    }


def _summary(runs: list[dict]) -> list[dict]:
    """Per (span, connections): the run with the median requests/s (the lower one of an even count), as measured."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs:
        groups.setdefault((run["span_days"], run["connections"]), []).append(run)
    return [sorted(group, key=lambda r: r["requests_per_s"])[(len(group) - 1) // 2] for group in groups.values()]


def main() -> None:
    args = _args()
    bench_url = _database_prepare(args)
    import django

    django.setup()
    from channels.octo.demo import demo_key_issue
    from django.db import connection

    dataset = {"reused": True} if args.reuse else _load(args)
    key = demo_key_issue()
    rng = random.Random(args.seed)
    one_day, thirty_days = _queries(rng, 1), _queries(rng, 30)
    from availability.models import Departure

    dataset["departures_total"] = Departure.objects.count()
    connection.close()
    env = {**os.environ, "DATABASE_URL": bench_url, "CONN_MAX_AGE": "600", "DEBUG": "0"}
    load_before = [round(x, 1) for x in os.getloadavg()]
    server = _gunicorn(args, env)
    try:
        runs = []
        for connections in [int(c) for c in args.connections.split(",")]:
            for span, bodies in ((1, one_day), (30, thirty_days)):
                for repeat in range(args.repeat):
                    runs.append({"span_days": span, "repeat": repeat + 1, **_wrk(args, key, bodies, connections, server)})
        bookings = [_bookings(args, key, rng, server, int(c)) for c in args.booking_clients.split(",")]
    finally:
        server.terminate()
        server.wait(timeout=10)
    summary = _summary(runs)
    report = {
        "environment": {**environment(), "load_average_before": load_before}, "dataset": dataset,
        "server": {"workers": args.workers, "worker_class": args.worker_class, "threads": args.threads},
        "availability": runs, "availability_median_runs": summary, "bookings": bookings,
        "targets": {"p99_ms": TARGET_P99_MS, "requests_per_s": TARGET_RPS, "reserve_confirm_p99_ms": TARGET_BOOKING_P99_MS},
    }
    out = Path(args.out or ROOT / "bench" / "results" / f"octo-{date.today().isoformat()}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"departures: {dataset['departures_total']}   gunicorn: {args.workers} x {args.worker_class}   "
          f"load average before/after: {load_before} / {report['environment']['load_average_after']}")
    print(f"{'POST /availability':<20}{'conns':>6}{'run':>5}{'req/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
          f"{'non-2xx':>9}{'CPU ms/req app':>16}{'db':>6}{'wrk':>6}")
    for run in runs:
        label = f"{run['span_days']} day(s)"
        print(f"{label:<20}{run['connections']:>6}{run['repeat']:>5}{run['requests_per_s']:>8.0f}{run['p50_ms']:>9.2f}"
              f"{run['p90_ms']:>9.2f}{run['p99_ms']:>9.2f}{run['non_2xx']:>9}{run['app_cpu_ms_per_request']:>16.2f}"
              f"{run['db_cpu_ms_per_request']:>6.2f}{run['wrk_cpu_ms_per_request']:>6.2f}")
    for row in summary:
        met = row["requests_per_s"] >= TARGET_RPS and row["p99_ms"] <= TARGET_P99_MS
        print(f"median of {args.repeat}: {row['span_days']} day(s), {row['connections']} connections: "
              f"{row['requests_per_s']:.0f} req/s, p99 {row['p99_ms']:.2f} ms -> target {'met' if met else 'NOT met'}")
    for b in bookings:
        print(f"reserve+confirm: {b['pairs']} pairs, {b['clients']} client(s), {b['pairs_per_s']}/s, "
              f"p50 {b['reserve_confirm']['p50_ms']} ms, p99 {b['reserve_confirm']['p99_ms']} ms, failures {b['failures']}, "
              f"CPU app {b['app_cpu_ms_per_pair']} / db {b['db_cpu_ms_per_pair']} ms/pair")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
