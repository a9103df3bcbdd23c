"""The mail poller: picks up new mail through IDLE, and idles quietly with no mailbox configured."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from channels.email.models import InboundMessage
from channels.email.poller import poll_forever
from tests.channels.email.conftest import ROOT
from tests.channels.email.mails import clear_order
from tests.channels.email.test_ingest_kill import _database_url

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_poller_fetches_mail_that_arrives_while_it_idles(mailbox, imap):
    mailbox.poll_seconds = 600  # only IDLE can bring it in time
    mailbox.save()
    stop = threading.Event()
    poller = threading.Thread(target=poll_forever, kwargs=dict(on_stored=None, stop=stop, reload_seconds=0.2))
    poller.start()
    try:
        time.sleep(1.0)  # the watcher has done its first pass and is idling
        imap.append("INBOX", clear_order())
        assert _wait_for(lambda: InboundMessage.objects.count() == 1)
    finally:
        stop.set()
        poller.join(timeout=10)
    assert not poller.is_alive()


def test_poller_without_mailboxes_waits_quietly_until_stopped():
    env = {**os.environ, "DATABASE_URL": _database_url()}
    process = subprocess.Popen([sys.executable, "manage.py", "mail_poller", "--reload-seconds", "0.2"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert b"mail poller running" in process.stdout.readline()
    time.sleep(1.5)
    assert process.poll() is None  # still running, not crashed
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=15)[0]
    assert process.returncode == 0, output
