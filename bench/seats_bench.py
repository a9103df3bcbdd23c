"""Seat benchmark: search latency and booking throughput at the service level.

    bash .ci/postgres.sh start
    DATABASE_URL=postgres://postgres@127.0.0.1:55432/intake .venv/bin/python bench/seats_bench.py

Creates (after dropping it) a dedicated database `intake_bench` next to the one
DATABASE_URL names, migrates, loads demo/catalogue.json and a large catalogue
(bench/seats_dataset.py), then measures with a fixed random seed:

- availability.selectors.availability_search for one option over 1 and 30 days
  (p50/p95/p99 after a warm-up),
- departure_hold + hold_confirm per second on distinct departures, with 1 and
  several parallel clients (separate processes, separate connections),
- intake.services.submit() orders per second on distinct departures.

Prints a table and writes bench/results/seats-<date>[-sqlite].json. See bench/README.md.
"""

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_SEARCH_P99_MS = 5.0
TARGET_BOOKINGS_PER_S = 500.0


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-name", default="intake_bench", help="PostgreSQL database to (re)create")
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database, skip loading")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--search-calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--bookings", type=int, default=2000, help="hold+confirm pairs per client-count run (0: skip)")
    parser.add_argument("--submits", type=int, default=500, help="submit() calls per client-count run (0: skip)")
    parser.add_argument("--clients", default="1,2,4", help="parallel client counts for the booking runs")
    parser.add_argument("--out", default=None, help="JSON file (default bench/results/seats-<date>[-sqlite].json)")
    return parser.parse_args()


def _database_prepare(args: argparse.Namespace) -> str:
    """Point DATABASE_URL at a fresh bench database; returns the vendor."""
    url = os.environ.get("DATABASE_URL", "")
    os.environ.setdefault("VAR_DIR", "/tmp/bench-var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + args.db_name))
        if not args.reuse:
            import psycopg

            admin = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{args.db_name}"')
        return "postgresql"
    path = Path(os.environ["VAR_DIR"]) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    return "sqlite"


def _load(args: argparse.Namespace) -> dict:
    from django.core.management import call_command

    from intake.services.catalogue import catalogue_import
    from seats_dataset import bench_catalogue_load

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    demo = catalogue_import(data=json.loads((ROOT / "demo" / "catalogue.json").read_text()), generate_days=365)
    dataset = bench_catalogue_load(products=args.products, days=args.days, seed=args.seed)
    dataset.update(migrate_seconds=round(migrated - started, 1), demo_departures=demo["departures_created"],
                   total_seconds=round(time.perf_counter() - started, 1))
    return dataset


def _percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"n": len(ordered), "p50_ms": round(cut[49], 3), "p95_ms": round(cut[94], 3),
            "p99_ms": round(cut[98], 3), "max_ms": round(ordered[-1], 3), "mean_ms": round(statistics.fmean(ordered), 3)}


class CpuMeter:
    """CPU seconds spent by this process and by its PostgreSQL backend (from /proc).

    Wall-clock figures depend on what else runs on the machine; CPU per call
    does not, and client + server CPU is what one call costs on idle cores.
    """

    def __init__(self):
        from django.db import connection

        self.backend_pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.backend_pid = cursor.fetchone()[0]
        self.start = self._read()

    def _read(self) -> tuple[float, float]:
        server = 0.0
        if self.backend_pid is not None:
            try:
                fields = Path(f"/proc/{self.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
                server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                server = float("nan")
        return time.process_time(), server

    def per_call_ms(self, calls: int) -> dict:
        end = self._read()
        client, server = ((end[i] - self.start[i]) * 1000 / calls for i in range(2))
        return {"client_cpu_ms": round(client, 3), "server_cpu_ms": round(server, 3)}


def _search_run(*, rng: random.Random, option_ids: list[int], span_days: int, calls: int, warmup: int,
                horizon_days: int) -> dict:
    from availability.selectors import availability_search

    today = date.today()
    samples, slots = [], 0
    meter = None
    for i in range(warmup + calls):
        if i == warmup:
            meter = CpuMeter()
        option_id = rng.choice(option_ids)
        first = today + timedelta(days=rng.randint(1, horizon_days - span_days))
        began = time.perf_counter()
        found = availability_search(option_id=option_id, date_from=first, date_to=first + timedelta(days=span_days - 1))
        elapsed = (time.perf_counter() - began) * 1000
        if i >= warmup:
            samples.append(elapsed)
            slots += len(found)
    return {**_percentiles(samples), **meter.per_call_ms(calls), "avg_slots": round(slots / calls, 1),
            "load_average_1m": round(os.getloadavg()[0], 2)}


def _hold_confirm(target) -> bool:
    from availability.services import departure_hold, hold_confirm

    hold = departure_hold(departure_id=target, quantity=2, ttl=timedelta(minutes=15), reference=f"bench:{target}")
    return hold_confirm(hold_id=hold.pk).status == "confirmed"


def _submit(target) -> bool:
    from intake.services import submit

    result = submit(draft=target)
    return result.problem is None and result.order.status == "confirmed"


ACTIONS = {"hold_confirm": _hold_confirm, "submit": _submit}


def _client(action: str, warmup: list, work: list, barrier, results) -> None:
    """One benchmark client in its own process with its own connection."""
    from django.db import connection

    act = ACTIONS[action]
    for target in warmup:
        act(target)
    barrier.wait(timeout=300)
    latencies, failures = [], 0
    meter = CpuMeter()
    started = time.monotonic()
    for target in work:
        began = time.perf_counter()
        try:
            ok = act(target)
        except Exception as exc:  # a failed booking is counted and reported, not fatal
            ok = False
            if failures == 0:
                print(f"  {action} failed: {exc!r}", file=sys.stderr)
        latencies.append((time.perf_counter() - began) * 1000)
        failures += not ok
    results.put({"started": started, "ended": time.monotonic(), "latencies": latencies, "failures": failures,
                 "cpu": meter.per_call_ms(len(work))})
    connection.close()


def _booking_run(*, action: str, clients: int, targets: list, warmup_per_client: int) -> dict:
    from django.db import connections

    ctx = multiprocessing.get_context("fork")
    connections.close_all()  # children must not share the parent's socket
    barrier, results = ctx.Barrier(clients), ctx.Queue()
    warm, work = targets[: warmup_per_client * clients], targets[warmup_per_client * clients:]
    procs = [
        ctx.Process(target=_client, args=(action, warm[i::clients], work[i::clients], barrier, results))
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    reports = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    latencies = [ms for r in reports for ms in r["latencies"]]
    failures = sum(r["failures"] for r in reports)
    cpu = {key: round(statistics.fmean(r["cpu"][key] for r in reports), 3) for key in ("client_cpu_ms", "server_cpu_ms")}
    return {"clients": clients, "operations": len(latencies), "failures": failures, "seconds": round(wall, 3),
            "per_second": round((len(latencies) - failures) / wall, 1), **_percentiles(latencies), **cpu,
            "load_average_1m": round(os.getloadavg()[0], 2)}


def _booking_targets(*, count: int, rng: random.Random) -> list[tuple[int, datetime, str, str]]:
    """Distinct open departures with room, at least two days ahead: (id, starts_at, product, option)."""
    from django.db.models import F

    from availability.models import Departure, Option

    first_option: dict[int, tuple[str, str]] = {}
    for schedule_id, product, option in Option.objects.filter(
        product__code__startswith="bench-", is_default=True
    ).values_list("schedules__id", "product__code", "code"):
        first_option[schedule_id] = (product, option)
    rows = list(
        Departure.objects.filter(
            schedule_id__in=list(first_option), status="open",
            starts_at__gte=datetime.now(dt_timezone.utc) + timedelta(days=2),
            capacity__gte=F("held") + F("confirmed") + 4,
        ).values_list("id", "starts_at", "schedule_id")
    )
    if len(rows) < count:
        raise SystemExit(f"only {len(rows)} bookable departures, {count} needed: lower --bookings/--submits")
    return [(pk, starts_at, *first_option[schedule_id]) for pk, starts_at, schedule_id in rng.sample(rows, count)]


def _drafts(targets, run: str):
    from intake.drafts import ContactDraft, OrderDraft

    return [
        OrderDraft(channel="direct", external_reference=f"bench-{run}-{pk}", product_code=product, option_code=option,
                   start=starts_at, participants={"ADULT": 2},
                   contact=ContactDraft(name="Bench Buyer", email="bench@example.com", language="en"))
        for pk, starts_at, product, option in targets
    ]


def _query_counts(option_id: int, targets) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from availability.selectors import availability_search

    counts = {}
    first = date.today() + timedelta(days=10)
    for name, span in (("search_1_day", 0), ("search_30_days", 29)):
        with CaptureQueriesContext(connection) as captured:
            availability_search(option_id=option_id, date_from=first, date_to=first + timedelta(days=span))
        counts[name] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        _hold_confirm(targets[0][0])
    counts["hold_confirm"] = len(captured)
    with CaptureQueriesContext(connection) as captured:
        _submit(_drafts(targets[1:2], "count")[0])
    counts["submit"] = len(captured)
    return counts


def _environment(vendor: str) -> dict:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    # The load average shows how much other work shared the machine during the run.
    env = {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
           "python": platform.python_version(), "database": vendor,
           "load_average_1_5_15m_at_end": [round(x, 2) for x in os.getloadavg()]}
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT version()")
            env["server"] = cursor.fetchone()[0].split(" on ")[0]
            for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_connections"):
                cursor.execute(f"SHOW {name}")
                env[name] = cursor.fetchone()[0]
        else:
            import sqlite3

            env["server"] = f"SQLite {sqlite3.sqlite_version}"
            for name in ("journal_mode", "synchronous"):
                cursor.execute(f"PRAGMA {name}")
                env[name] = cursor.fetchone()[0]
    return env


def _print_table(report: dict) -> None:
    ds, env = report["dataset"], report["environment"]
    print(f"\n{env['server']} on {env['cores']} x {env['cpu']}; {ds['departures_total']:,} departures, "
          f"{ds['holds_total']:,} holds")
    print(f"{'measure':<30}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'per s':>7}{'cpu ms (client+db)':>20}")
    rows = [(f"search {name}", row, "") for name, row in report["search"].items()]
    rows += [(f"{kind} x{row['clients']}" + (f" ({row['failures']} failed)" if row["failures"] else ""), row,
              f"{row['per_second']:.0f}") for kind in ("hold_confirm", "submit") for row in report[kind]]
    for label, row, rate in rows:
        cpu = f"{row['client_cpu_ms']:.2f}+{row['server_cpu_ms']:.2f}"
        print(f"{label:<30}{row['n']:>6}{row['p50_ms']:>8.2f}{row['p95_ms']:>8.2f}{row['p99_ms']:>8.2f}{rate:>7}{cpu:>20}")
    print(f"queries per call: {report['queries_per_call']}")
    print(f"targets: {report['targets']}")


def main() -> None:
    args = _args()
    vendor = _database_prepare(args)
    import django

    django.setup()
    from django.db import connections

    from availability.models import Departure, Hold, Option

    dataset = {} if args.reuse else _load(args)
    dataset.update(departures_total=Departure.objects.count(), holds_total=Hold.objects.count())
    print(f"dataset: {dataset}", flush=True)
    rng = random.Random(args.seed)
    option_ids = list(Option.objects.filter(product__code__startswith="bench-").order_by("pk").values_list("pk", flat=True))
    search = {}
    for name, span in (("1_day", 1), ("30_days", 30)):
        search[name] = _search_run(rng=rng, option_ids=option_ids, span_days=span, calls=args.search_calls,
                                   warmup=args.warmup, horizon_days=args.days)
        print(f"search {name}: {search[name]}", flush=True)
    client_counts = [int(c) for c in args.clients.split(",")]
    warm = 20
    per_run = {k: n for k, n in (("hold_confirm", args.bookings), ("submit", args.submits)) if n > 0}  # 0 skips
    needed = sum((n + warm * c) for n in per_run.values() for c in client_counts) + 2
    targets = _booking_targets(count=needed, rng=rng)
    queries = _query_counts(option_ids[0], targets[:2])
    targets = targets[2:]
    run_id = datetime.now().strftime("%H%M%S")
    report = {"hold_confirm": [], "submit": []}
    for kind, count in per_run.items():
        for clients in client_counts:
            batch, targets = targets[: count + warm * clients], targets[count + warm * clients:]
            work = [t[0] for t in batch] if kind == "hold_confirm" else _drafts(batch, f"{run_id}-{clients}")
            row = _booking_run(action=kind, clients=clients, targets=work, warmup_per_client=warm)
            report[kind].append(row)
            print(f"{kind} x{clients}: {row}", flush=True)
    connections.close_all()
    rates = [row["per_second"] for row in report["hold_confirm"]]
    report = {
        "date": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"),
        "environment": _environment(vendor),
        "dataset": dataset,
        "parameters": {k: v for k, v in vars(args).items() if k != "out"},
        "search": search,
        "queries_per_call": queries,
        **report,
        "targets": {
            "search_p99_ms_max": TARGET_SEARCH_P99_MS,
            "search_met": all(row["p99_ms"] <= TARGET_SEARCH_P99_MS for row in search.values()),
            "hold_confirm_per_s_min": TARGET_BOOKINGS_PER_S,
            "hold_confirm_single_client_met": bool(rates) and rates[0] >= TARGET_BOOKINGS_PER_S,
            "hold_confirm_best_met": bool(rates) and max(rates) >= TARGET_BOOKINGS_PER_S,
        },
    }
    _print_table(report)
    suffix = "" if vendor == "postgresql" else "-sqlite"
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"seats-{date.today():%Y-%m-%d}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"written {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
