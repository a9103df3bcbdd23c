"""Real servers for the e-mail channel's tests: a throw-away Dovecot (IMAP) and an aiosmtpd sink (SMTP).

Ports come from 18600-18699. Dovecot tests are skipped, with the reason,
when the dovecot binary is missing (CI installs it: see .ci/run).
"""

import json
import threading
from pathlib import Path

import pytest

from tests.servers.dovecot import dovecot_available, dovecot_start, free_port

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "samples" / "emails"
CATALOGUE = ROOT / "demo" / "catalogue.json"
IMAP_PORTS = (18600, 18649)
SMTP_PORTS = (18650, 18699)


@pytest.fixture(scope="session")
def dovecot():
    if not dovecot_available():
        pytest.skip("dovecot is not installed here (apt-get install dovecot-imapd; CI installs it)")
    server = dovecot_start(port=free_port(*IMAP_PORTS))
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot, db, monkeypatch):
    """A fresh IMAP account and its Mailbox row; the password comes from an environment variable."""
    from channels.email.models import Mailbox

    user, password = dovecot.account()
    monkeypatch.setenv("TEST_MAILBOX_PASSWORD_" + user.upper(), password)
    return Mailbox.objects.create(
        name=user, host=dovecot.host, port=dovecot.port, security=Mailbox.Security.NONE, username=user,
        password_env="TEST_MAILBOX_PASSWORD_" + user.upper(), folder="INBOX", processed_folder="Processed",
    )


@pytest.fixture
def imap(dovecot, mailbox):
    client = dovecot.client(mailbox.username)
    yield client
    try:
        client.logout()
    except Exception:
        pass


class SmtpSink:
    """Collects every message delivered to it, as parsed e-mail objects."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                          policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(*SMTP_PORTS))
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield sink
    controller.stop()


def _catalogue_load(days: int) -> None:
    from channels.email.processing import catalogue_forget
    from intake.services.catalogue import catalogue_import

    catalogue_import(data=json.loads(CATALOGUE.read_text()), generate_days=days)
    catalogue_forget()


@pytest.fixture
def catalogue(db):
    """The demo catalogue (the corpus's operator, products and partners), departures until mid-December 2026."""
    _catalogue_load(days=26)


@pytest.fixture
def corpus_catalogue(db):
    """The same with departures for every date the corpus names (up to early January 2027)."""
    _catalogue_load(days=46)


@pytest.fixture(autouse=True)
def _fresh_catalogue_index():
    from channels.email.processing import catalogue_forget

    catalogue_forget()
    yield
    catalogue_forget()


@pytest.fixture(autouse=True)
def _tasks_run_in_process(monkeypatch):
    """django-q2 tasks run at once, in the test's process (settings are read before Q_SYNC can be set)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
