"""Demo data of the e-mail channel: a Mailbox for a local demo IMAP server, only when asked for.

Set DEMO_IMAP_HOST (and DEMO_IMAP_PORT, DEMO_IMAP_USER, DEMO_IMAP_PASSWORD_ENV, DEMO_IMAP_SECURITY)
before `python3 dev.py up` to have the poller read that mailbox; otherwise nothing is created.
"""

import os

from channels.email.models import Mailbox


def seed(stdout) -> None:
    host = os.environ.get("DEMO_IMAP_HOST")
    if not host:
        return
    mailbox, created = Mailbox.objects.update_or_create(name="demo", defaults=dict(
        host=host,
        port=int(os.environ.get("DEMO_IMAP_PORT", "143")),
        security=os.environ.get("DEMO_IMAP_SECURITY", Mailbox.Security.NONE),
        username=os.environ.get("DEMO_IMAP_USER", "orders"),
        password_env=os.environ.get("DEMO_IMAP_PASSWORD_ENV", "DEMO_IMAP_PASSWORD"),
        folder=os.environ.get("DEMO_IMAP_FOLDER", "INBOX"),
        processed_folder=os.environ.get("DEMO_IMAP_PROCESSED_FOLDER", "Processed"),
    ))
    stdout.write(f"  demo mailbox {mailbox.username}@{mailbox.host}:{mailbox.port} ({'created' if created else 'updated'})")
