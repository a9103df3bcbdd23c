"""The worker killed (-9) between committing a message and moving it: nothing lost, nothing doubled.

fetch_mail runs in a subprocess against the test database; a test-only
hook (EMAIL_INGEST_TEST_PAUSE) holds it at the chosen point so the test can
kill it there. The canary runs the wrong order (move first) and loses mail.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from channels.email.ingest import mailbox_fetch
from channels.email.models import InboundMessage
from intake.models import RawSource
from tests.channels.email.conftest import ROOT
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def _fetch_until_paused(mailbox, *, point: str, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "EMAIL_INGEST_TEST_PAUSE": f"{point}:60", **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "fetch_mail", "--mailbox", mailbox.name, "--process", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline().decode(errors="replace")
        if f"paused at {point}" in line:
            return process
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"fetch_mail never reached {point}: {process.stdout.read().decode(errors='replace')}")


def _kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()


def _count(imap, folder):
    imap.select_folder(folder, readonly=True)
    return len(imap.search("ALL"))


def test_worker_killed_after_commit_before_move_loses_nothing_and_doubles_nothing(mailbox, imap):
    imap.append("INBOX", clear_order())
    imap.append("INBOX", clear_order())
    _kill(_fetch_until_paused(mailbox, point="after_store"))
    assert RawSource.objects.count() == 1  # committed before the kill
    assert _count(imap, "INBOX") == 2  # ... and not moved yet
    mailbox.refresh_from_db()
    stats = mailbox_fetch(mailbox=mailbox)
    assert (stats.seen, stats.stored, stats.refetched) == (2, 1, 1)
    assert RawSource.objects.count() == 2
    assert InboundMessage.objects.count() == 2
    assert _count(imap, "INBOX") == 0 and _count(imap, "Processed") == 2


def test_canary_moving_before_commit_loses_the_message_when_killed(mailbox, imap):
    imap.append("INBOX", clear_order())
    _kill(_fetch_until_paused(mailbox, point="after_move", extra_env={"EMAIL_INGEST_TEST_MOVE_FIRST": "1"}))
    mailbox.refresh_from_db()
    mailbox_fetch(mailbox=mailbox)
    assert RawSource.objects.count() == 0  # lost: moved away on the server, never stored
    assert _count(imap, "INBOX") == 0 and _count(imap, "Processed") == 1
