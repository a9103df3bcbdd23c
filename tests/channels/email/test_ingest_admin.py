"""Mailboxes configured in the admin: the secret is never stored in clear; pages render; demo seed."""

import io

import pytest
from django.contrib.auth import get_user_model

from channels.email import demo
from channels.email.ingest import message_store
from channels.email.mailbox_secret import MailboxSecretMissing, mailbox_password
from channels.email.models import Mailbox
from tests.channels.email.conftest import CORPUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(user)
    return client


def _post_mailbox(admin_client, **fields):
    data = dict(name="orders", host="imap.example", port=993, security="ssl", username="orders@x.example",
                password_env="", password="", folder="INBOX", processed_folder="Processed", poll_seconds=60,
                active="on")
    data.update(fields)
    return admin_client.post("/admin/channel_email/mailbox/add/", data)


def test_password_typed_in_the_admin_is_stored_encrypted(admin_client):
    response = _post_mailbox(admin_client, password="hunter2-secret")
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert "hunter2" not in mailbox.password_encrypted and mailbox_password(mailbox) == "hunter2-secret"


def test_password_can_come_from_an_environment_variable(admin_client, monkeypatch):
    _post_mailbox(admin_client, password_env="ORDERS_IMAP_PASSWORD")
    mailbox = Mailbox.objects.get()
    monkeypatch.setenv("ORDERS_IMAP_PASSWORD", "from-env")
    assert mailbox_password(mailbox) == "from-env" and mailbox.password_encrypted == ""


def test_missing_environment_variable_is_a_clear_error(monkeypatch):
    mailbox = Mailbox(name="x", host="h", username="u", password_env="NOT_SET_ANYWHERE")
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    with pytest.raises(MailboxSecretMissing, match="NOT_SET_ANYWHERE"):
        mailbox_password(mailbox)


def test_mailbox_without_any_secret_is_refused(admin_client):
    response = _post_mailbox(admin_client)
    assert response.status_code == 200 and not Mailbox.objects.exists()


def test_message_page_shows_the_decoded_mail(admin_client):
    message = message_store(raw=(CORPUS / "01-aurelia-cp1250-qp-order.eml").read_bytes()).message
    page = admin_client.get(f"/admin/channel_email/inboundmessage/{message.pk}/change/").content.decode()
    assert "Kateřina Horáková" in page


def test_demo_seed_creates_a_mailbox_only_when_asked(monkeypatch):
    monkeypatch.delenv("DEMO_IMAP_HOST", raising=False)
    demo.seed(io.StringIO())
    assert not Mailbox.objects.exists()
    monkeypatch.setenv("DEMO_IMAP_HOST", "127.0.0.1")
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert Mailbox.objects.get().host == "127.0.0.1"
