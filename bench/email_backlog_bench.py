"""E-mail backlog benchmark: 10,000 orders waiting in a real Dovecot, fetched and processed until done.

    .venv/bin/python bench/email_backlog_bench.py                      # SQLite in a temp dir
    .venv/bin/python bench/email_backlog_bench.py --database-url postgres://postgres@127.0.0.1:55432/intake_mailbench

Starts a throw-away Dovecot on 127.0.0.1 (tests/servers/dovecot.py), migrates a
fresh database (a PostgreSQL database named in the URL is dropped and
recreated), loads demo/catalogue.json with departures for 130 days, APPENDs
--count generated partner orders (English, German and Czech wordings of the
corpus orders, each with its own Message-ID, reference, date and time spread
over the departures so that capacity never decides), then times

    manage.py fetch_mail --process inline

(store and commit, move, interpret with the real extractor, book through the
one door, write the reply) until the mailbox is empty. It then checks that
nothing was lost or doubled: raw sources == messages, one order per message,
no external reference twice, INBOX empty and every message in the processed
folder. Prints a summary and writes bench/results/email-backlog-<date>.json.
"""

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.dovecot import dovecot_start, free_port  # noqa: E402

PORTS = (18690, 18699)
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"]
RIVER_TIMES = ["10:30", "12:30", "14:30", "16:30"]
FIRST_NAMES = ["Anna", "Jan", "Petra", "Lukas", "Maria", "Tomas", "Eva", "Karl", "Ioana", "Olena"]
LAST_NAMES = ["Novak", "Huber", "Popescu", "Schmidt", "Dvorak", "Weber", "Ionescu", "Svoboda", "Koch", "Marin"]


def order_mail(n: int, day: date, rng: random.Random) -> tuple[bytes, str]:
    """One order mail in one of three wordings; returns (bytes, the partner reference)."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    adults = rng.randint(1, 3)
    style = n % 4
    if style == 0:
        sender, ref = "office@balkantours.example", f"BT-B{n:06d}"
        when = rng.choice(RIVER_TIMES)
        body = (f"Hello,\n\nplease book the 50-minute river cruise on {day.day} {MONTHS_EN[day.month - 1]} {day.year} "
                f"at {when} for {adults} adults.\nGuest name: {name}\nOur reference: {ref}\n\nBest regards\nBalkan Tours\n")
    elif style == 1:
        sender, ref = "info@alpenreisen.example", f"AR-B{n:06d}"
        when = rng.choice(RIVER_TIMES)
        body = (f"Sehr geehrte Damen und Herren,\n\nbitte buchen Sie die Flussfahrt 50 Minuten am {day.day}. "
                f"{MONTHS_DE[day.month - 1]} {day.year} um {when} Uhr für {adults} Erwachsene.\n"
                f"Gast: {name}\nUnsere Buchungsnummer: {ref}\n\nMit freundlichen Grüßen\nAlpen Reisen\n")
    elif style == 2:
        sender, ref = "recepce@hotelaurelia.example", f"HA-B{n:06d}"
        when = rng.choice(RIVER_TIMES)
        body = (f"Dobrý den,\n\nprosím o rezervaci: Vyhlídková plavba 50 minut, {day.day}. {day.month}. {day.year} "
                f"v {when}, {adults} dospělí.\nHost: {name}\nNaše číslo objednávky: {ref}\n\nDěkuji\nHotel Aurelia\n")
    else:
        sender, ref = "desk@charlesresidence.example", f"CR-B{n:06d}"
        body = (f"Hi,\n\ncould you please book the lunch cruise with buffet on {day.day} {MONTHS_EN[day.month - 1]} "
                f"{day.year} at 12:00 for {adults} adults?\nGuest: {name}\nOur reference: {ref}\n\nThanks\nConcierge desk\n")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "orders@moldaucruises.example"
    message["Subject"] = f"Booking {ref}"
    message["Date"] = format_datetime(datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc) + timedelta(seconds=n))
    message["Message-ID"] = f"<bench-{n}@backlog.example>"
    message.set_content(body)
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), ref


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _prepare_database(url: str | None, var_dir: Path) -> str:
    if not url:
        return f"sqlite:///{var_dir / 'bench.sqlite3'}"
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--days", type=int, default=120, help="spread the orders over that many days")
    parser.add_argument("--workers", type=int, default=0,
                        help="0: process inline in fetch_mail; N: enqueue and let a django-q2 cluster of N workers process")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the Dovecot below is stopped too
    rng = random.Random(20261122)
    var_dir = Path(tempfile.mkdtemp(prefix="email-bench-"))
    env = {**os.environ, "VAR_DIR": str(var_dir), "DATABASE_URL": _prepare_database(args.database_url, var_dir),
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "ERROR"}
    manage(env, "migrate", "--verbosity", "0")
    manage(env, "import_catalogue", "demo/catalogue.json", "--generate-days", str(args.days + 10))
    server = dovecot_start(port=free_port(*PORTS), accounts=1)
    try:
        user, password = server.account()
        env["BENCH_IMAP_PASSWORD"] = password
        setup = (
            "from channels.email.models import Mailbox; Mailbox.objects.create(name='backlog', host='127.0.0.1', "
            f"port={server.port}, security='none', username='{user}', password_env='BENCH_IMAP_PASSWORD')"
        )
        manage(env, "shell", "-c", setup)
        first = date.today() + timedelta(days=3)
        client = server.client(user)
        started = time.perf_counter()
        batch = []
        for n in range(args.count):
            # n // 4: every wording (and so the lunch cruise, one departure a day) cycles through all days
            batch.append(order_mail(n, first + timedelta(days=(n // 4) % args.days), rng)[0])
            if len(batch) == 200 or n == args.count - 1:
                client.multiappend("INBOX", batch)
                batch = []
        append_seconds = time.perf_counter() - started
        client.logout()
        load_before = os.getloadavg()[0]
        cpu_before = _children_cpu()
        started = time.perf_counter()
        if args.workers:
            fetch, fetch_seconds = _fetch_with_workers(env, args.workers)
        else:
            fetch = subprocess.run([sys.executable, "manage.py", "fetch_mail", "--process", "inline"], cwd=ROOT,
                                   env=env, capture_output=True, text=True)
            fetch_seconds = time.perf_counter() - started
        process_seconds = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        cpu_seconds = _children_cpu() - cpu_before  # fetch_mail (inline mode) or fetch_mail + waited helpers
        check = manage(env, "shell", "-c", CHECK)
        result = json.loads(check.stdout.strip().splitlines()[-1])
        client = server.client(user)
        result["inbox_left"] = client.select_folder("INBOX")[b"EXISTS"]
        result["processed_folder"] = client.select_folder("Processed")[b"EXISTS"]
        client.logout()
    finally:
        server.stop()
    summary = {
        "date": date.today().isoformat(), "database": "postgresql" if args.database_url else "sqlite",
        "messages": args.count, "append_seconds": round(append_seconds, 1),
        "mode": f"fetch_mail --process queue + qcluster with {args.workers} workers" if args.workers
                else "fetch_mail --process inline (one process)",
        "fetch_seconds": round(fetch_seconds, 1),
        "fetch_and_process_seconds": round(process_seconds, 1),
        "load_average_before_after": [round(load_before, 1), round(load_after, 1)],
        "messages_per_second": round(args.count / process_seconds, 1),
        "cpu_seconds_of_fetch_mail": round(cpu_seconds, 1),
        "messages_per_cpu_second": round(args.count / cpu_seconds, 1) if cpu_seconds and not args.workers else None, "fetch_output": fetch.stdout.strip()[-500:],
        "fetch_errors": fetch.stderr.strip()[-2000:], "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), **result,
    }
    ok = (summary["raw_sources"] == args.count and summary["originals"] == args.count and summary["duplicate_refs"] == 0
          and summary["orders"] <= args.count and summary["inbox_left"] == 0
          and summary["processed_folder"] == args.count and summary["orders_per_message_max"] <= 1)
    summary["nothing_lost_or_doubled"] = ok
    print(json.dumps(summary, indent=2))
    out = ROOT / "bench" / "results" / f"email-backlog-{summary['date']}{'' if args.database_url else '-sqlite'}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0 if ok else 1


PENDING = """
from channels.email.models import InboundMessage
from django_q.models import OrmQ
print(InboundMessage.objects.filter(status="stored").count() + OrmQ.objects.count())
"""


def _fetch_with_workers(env: dict, workers: int):
    """fetch_mail enqueues a task per message; a qcluster processes them. Returns when all are done."""
    cluster_env = {**env, "Q_WORKERS": str(workers)}
    cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=cluster_env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        started = time.perf_counter()
        fetch = subprocess.run([sys.executable, "manage.py", "fetch_mail", "--process", "queue"], cwd=ROOT, env=env,
                               capture_output=True, text=True)
        fetch_seconds = time.perf_counter() - started
        while int(manage(env, "shell", "-c", PENDING).stdout.strip().splitlines()[-1]) > 0:
            time.sleep(2)
        return fetch, fetch_seconds
    finally:
        os.killpg(cluster.pid, signal.SIGINT)
        try:
            cluster.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)


CHECK = """
import json
from django.db.models import Count
from channels.email.models import EmailOrder, InboundMessage
from intake.models import Order, RawSource
orders = Order.objects.filter(channel="email")
print(json.dumps({
    "raw_sources": RawSource.objects.filter(channel="email").count(),
    "originals": InboundMessage.objects.filter(duplicate_of__isnull=True).count(),
    "statuses": dict(InboundMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    "orders": orders.count(),
    "orders_confirmed": orders.filter(status="confirmed").count(),
    "orders_needs_review": orders.filter(status="needs_review").count(),
    "orders_per_message_max": max(EmailOrder.objects.values("message").annotate(n=Count("id")).values_list("n", flat=True), default=0),
    "duplicate_refs": orders.exclude(external_reference=None).values("partner", "external_reference")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
    "review_reasons": dict(Order.objects.filter(status="needs_review").values_list("review_items__reason")
        .annotate(n=Count("id")).values_list("review_items__reason", "n")),
}))
"""

if __name__ == "__main__":
    sys.exit(main())
