"""What the benchmarks share: a throw-away PostgreSQL database, gunicorn on loopback, wrk's time format."""

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database(*, name: str, var_dir: str, recreate: bool = True) -> str:
    """Point this process at database `name` on DATABASE_URL's server (dropped and created anew); returns its URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL server (the benchmark is for PostgreSQL)")
    os.environ.setdefault("VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    parts = urlsplit(url)
    if recreate:
        import psycopg

        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return os.environ["DATABASE_URL"]


def gunicorn_start(*, port: int, workers: int, env: dict, probe_path: str, extra_args: tuple = ()) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:port and wait until `probe_path` answers."""
    command = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", str(workers), "--bind", f"127.0.0.1:{port}",
               *extra_args, "--log-level", "warning", "--keep-alive", "5"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", probe_path)
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def wrk_ms(text: str) -> float:
    """wrk prints latencies as 812.00us, 3.41ms or 1.02s: milliseconds."""
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 3)


def environment() -> dict:
    """Python, PostgreSQL, cores and the load average (other work on the machine skews every number)."""
    import platform
    from datetime import date

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {"python": platform.python_version(), "postgresql": server, "cpus": os.cpu_count(),
            "machine": platform.machine(), "date": date.today().isoformat(),
            "load_average_after": [round(x, 1) for x in os.getloadavg()]}
