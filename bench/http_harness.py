"""What the HTTP benchmarks share: a gunicorn server on loopback and wrk's time format."""

import http.client
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
