#!/usr/bin/env python3
"""Set up and run the whole system, or its tests, with nothing but Python 3.11 and pip.

    python3 dev.py up      # venv, migrate, demo data, web + worker + outbox relay + mail poller
    python3 dev.py test    # the whole test suite (pytest); extra args go to pytest

Everything lives in .venv/ and var/ beside this file. DATABASE_URL picks the
database (SQLite in var/ by default).
"""

import os
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".installed"


def sh(*args: str, **kwargs) -> None:
    subprocess.run(list(args), check=True, cwd=ROOT, **kwargs)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = f"{extras}:{(ROOT / 'pyproject.toml').stat().st_mtime}"
    if STAMP.exists() and STAMP.read_text() in (wanted, f"test:{wanted.split(':', 1)[1]}"):
        return
    print(f"installing dependencies ({extras or 'runtime'}) ...", flush=True)
    sh(str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{extras}]" if extras else ".")
    STAMP.write_text(wanted)


def manage(*args: str, **kwargs) -> None:
    sh(str(PY), "manage.py", *args, **kwargs)


def up() -> int:
    ensure_venv("")
    port = os.environ.get("PORT", "8000")
    manage("migrate", "--verbosity", "0")
    manage("import_catalogue", "demo/catalogue.json", "--generate-days", "365")
    manage("seed_demo")
    manage("install_schedules")
    procs = {
        "web": [str(PY), "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        "worker": [str(PY), "manage.py", "qcluster"],
        # Hands committed outbox events to their subscribers (delivery rows, send tasks) outside the requests.
        "outbox relay": [str(PY), "manage.py", "outbox_relay"],
        # Stands in for the operator's dispatch system: forwarded orders land in var/dispatch-inbox/.
        "dispatch receiver": [str(PY), "manage.py", "dispatch_receiver", "--demo"],
    }
    if (ROOT / "channels/email/management/commands/mail_poller.py").exists():
        procs["mail poller"] = [str(PY), "manage.py", "mail_poller"]
    running = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in procs.items()}
    print(f"\n  web:    http://127.0.0.1:{port}/  (admin: http://127.0.0.1:{port}/admin/)")
    print("  forwarded orders arrive in var/dispatch-inbox/ (demo dispatch receiver on 127.0.0.1:8001)")
    print("  running: " + ", ".join(running) + "   (Ctrl-C stops all)\n", flush=True)
    try:
        while all(p.poll() is None for p in running.values()):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in running.values():
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in running.values():
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


def test(args: list[str]) -> int:
    ensure_venv("test")
    return subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT).returncode


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "up"
    if command == "up":
        return up()
    if command == "test":
        return test(sys.argv[2:])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
