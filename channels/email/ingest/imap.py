"""One ingest pass over one mailbox: SELECT, UID SEARCH above the last UID, FETCH in small batches.

For each message the order is fixed: store and COMMIT, then move it to the
processed folder, then advance last_uid. A crash anywhere leaves the message
either not stored (still on the server: fetched again) or stored and still on
the server (fetched again, recognised by store, moved). Nothing is lost and
nothing is made twice.
"""

import logging
import os
import ssl
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient

from channels.email.ingest.store import message_store
from channels.email.mailbox_secret import mailbox_password
from channels.email.models import InboundMessage, Mailbox

log = logging.getLogger(__name__)

BATCH_SIZE = 25
FETCH_ITEM = b"BODY[]"


@dataclass
class FetchStats:
    mailbox: str
    seen: int = 0  # messages fetched from the server
    stored: int = 0  # new originals committed
    duplicates: int = 0  # redeliveries recorded, not processed
    refetched: int = 0  # already stored before (crash between store and move)
    moved: int = 0
    stored_ids: list[int] = field(default_factory=list)  # raw source ids to process
    error: str = ""


def imap_connect(mailbox: Mailbox, *, timeout: float = 60) -> IMAPClient:
    use_ssl = mailbox.security == Mailbox.Security.SSL
    context = ssl.create_default_context() if mailbox.security != Mailbox.Security.NONE else None
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=use_ssl, ssl_context=context, timeout=timeout)
    if mailbox.security == Mailbox.Security.STARTTLS:
        client.starttls(context)
    client.login(mailbox.username, mailbox_password(mailbox))
    return client


def _test_pause(name: str) -> None:
    """Test-only hook: EMAIL_INGEST_TEST_PAUSE=<point>:<seconds> sleeps at that point (to kill -9 a worker there)."""
    spec = os.environ.get("EMAIL_INGEST_TEST_PAUSE", "")
    point, _, seconds = spec.partition(":")
    if point == name:
        print(f"paused at {name}", flush=True)
        time.sleep(float(seconds or 30))


def _store_before_move() -> bool:
    # Test-only canary switch: the wrong order (move first) must make the kill test lose mail.
    return os.environ.get("EMAIL_INGEST_TEST_MOVE_FIRST") != "1"


def _ensure_folder(client: IMAPClient, folder: str) -> None:
    if folder and not client.folder_exists(folder):
        client.create_folder(folder)


def _move(client: IMAPClient, uids: list[int], folder: str) -> None:
    if not folder:
        client.add_flags(uids, [b"\\Seen"])
        return
    if client.has_capability("MOVE"):
        client.move(uids, folder)
    else:
        client.copy(uids, folder)
        client.delete_messages(uids)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(uids)
        else:
            client.expunge()


def _uidvalidity_check(mailbox: Mailbox, uidvalidity: int) -> None:
    if mailbox.uidvalidity != uidvalidity:
        if mailbox.uidvalidity is not None:
            log.warning("mailbox %s: UIDVALIDITY changed %s -> %s, rescanning", mailbox.name, mailbox.uidvalidity, uidvalidity)
        mailbox.uidvalidity = uidvalidity
        mailbox.last_uid = 0
        mailbox.save(update_fields=["uidvalidity", "last_uid"])


def mailbox_fetch(*, mailbox: Mailbox, client: IMAPClient | None = None, batch_size: int = BATCH_SIZE,
                  on_stored=None, after_store=None) -> FetchStats:
    """Fetch every new message of the mailbox; returns counts. Raises on connection errors.

    on_stored(message_ids) is called after each batch is committed and moved (e.g. to enqueue
    processing); after_store(n) is a test hook called after each stored message.
    """
    stats = FetchStats(mailbox=mailbox.name)
    own_client = client is None
    client = client or imap_connect(mailbox)
    try:
        selected = client.select_folder(mailbox.folder)
        _uidvalidity_check(mailbox, int(selected[b"UIDVALIDITY"]))
        if _store_before_move():
            _ensure_folder(client, mailbox.processed_folder)
        uids = sorted(uid for uid in client.search(["UID", f"{mailbox.last_uid + 1}:*"]) if uid > mailbox.last_uid)
        for start in range(0, len(uids), batch_size):
            batch = uids[start:start + batch_size]
            _batch_ingest(client=client, mailbox=mailbox, uids=batch, stats=stats, after_store=after_store)
            if on_stored and stats.stored_ids:
                on_stored(list(stats.stored_ids))
                stats.stored_ids.clear()
    finally:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_error=stats.error)
        if own_client:
            try:
                client.logout()
            except Exception:  # the connection may already be gone
                pass
    return stats


def _batch_ingest(*, client: IMAPClient, mailbox: Mailbox, uids: list[int], stats: FetchStats, after_store) -> None:
    if not _store_before_move():
        _ensure_folder(client, mailbox.processed_folder)
        response = client.fetch(uids, ["BODY.PEEK[]"])
        _move(client, uids, mailbox.processed_folder)
        _test_pause("after_move")
    else:
        response = client.fetch(uids, ["BODY.PEEK[]"])
    done: list[int] = []
    for uid in uids:
        data = response.get(uid)
        if data is None or FETCH_ITEM not in data:
            continue  # expunged meanwhile by someone else
        raw = bytes(data[FETCH_ITEM])
        stats.seen += 1
        result = message_store(raw=raw, mailbox=mailbox, folder=mailbox.folder,
                               uidvalidity=mailbox.uidvalidity, uid=uid)
        if result.duplicate:
            stats.duplicates += int(result.created)
        elif result.created:
            stats.stored += 1
            stats.stored_ids.append(result.message.raw_source_id)
        else:
            stats.refetched += 1
            if result.message.status == InboundMessage.Status.STORED:
                stats.stored_ids.append(result.message.raw_source_id)  # not processed yet either
        done.append(uid)
        _test_pause("after_store")
        if after_store:
            after_store(stats.seen)
    if done and _store_before_move():
        _move(client, done, mailbox.processed_folder)
        stats.moved += len(done)
    if done:
        with transaction.atomic():
            mailbox.last_uid = max(done)
            Mailbox.objects.filter(pk=mailbox.pk).update(last_uid=mailbox.last_uid)


def mailboxes_fetch(*, name: str | None = None, on_stored=None) -> list[FetchStats]:
    """One pass over every active mailbox (or the one named); an error in one does not stop the others."""
    query = Mailbox.objects.filter(name=name) if name else Mailbox.objects.filter(active=True)
    results = []
    for mailbox in query:
        try:
            results.append(mailbox_fetch(mailbox=mailbox, on_stored=on_stored))
        except Exception as exc:  # connection refused, login failed, dropped mid-fetch...
            log.warning("mailbox %s: %s", mailbox.name, exc)
            Mailbox.objects.filter(pk=mailbox.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
            results.append(FetchStats(mailbox=mailbox.name, error=f"{type(exc).__name__}: {exc}"))
    return results
