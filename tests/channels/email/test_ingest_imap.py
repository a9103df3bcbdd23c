"""IMAP ingest against a real Dovecot: stored raw and committed first, then moved; dedupe; UIDVALIDITY."""

import pytest

from channels.email.ingest import mailbox_fetch, message_store
from channels.email.ingest import store as store_module
from channels.email.ingest.identity import MessageIdentity
from channels.email.models import InboundMessage, Mailbox
from intake.models import RawSource
from tests.channels.email.conftest import CORPUS
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db


def _fetch(mailbox, **kwargs):
    mailbox.refresh_from_db()
    return mailbox_fetch(mailbox=mailbox, **kwargs)


def _count(imap, folder):
    imap.select_folder(folder, readonly=True)
    return len(imap.search("ALL"))


def test_fetch_stores_raw_bytes_and_moves_messages_to_the_processed_folder(mailbox, imap):
    sent = [clear_order() for _ in range(3)]
    for raw in sent:
        imap.append("INBOX", raw)
    stats = _fetch(mailbox)
    assert (stats.seen, stats.stored, stats.moved) == (3, 3, 3)
    assert sorted(bytes(r.body) for r in RawSource.objects.filter(channel="email")) == sorted(sent)
    raw = RawSource.objects.first()
    assert raw.content_type == "message/rfc822" and raw.metadata["mailbox"] == mailbox.name
    assert raw.source_key == raw.email_message.message_id and raw.metadata["uid"] == raw.email_message.uid
    assert _count(imap, "INBOX") == 0 and _count(imap, "Processed") == 3


def test_pass_remembers_uidvalidity_and_last_uid(mailbox, imap):
    imap.append("INBOX", clear_order())
    imap.append("INBOX", clear_order())
    _fetch(mailbox)
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity and mailbox.last_uid == 2


def test_second_pass_finds_nothing_new(mailbox, imap):
    imap.append("INBOX", clear_order())
    _fetch(mailbox)
    again = _fetch(mailbox)
    assert (again.seen, again.stored) == (0, 0)
    assert RawSource.objects.count() == 1


def test_redelivery_with_new_trace_headers_is_recorded_as_a_duplicate(mailbox, imap):
    imap.append("INBOX", (CORPUS / "01-aurelia-cp1250-qp-order.eml").read_bytes())
    imap.append("INBOX", (CORPUS / "35-duplicate-redelivery.eml").read_bytes())
    stats = _fetch(mailbox)
    assert (stats.stored, stats.duplicates) == (1, 1)
    duplicate = InboundMessage.objects.get(status=InboundMessage.Status.DUPLICATE)
    assert duplicate.duplicate_of.raw_source is not None and duplicate.raw_source is None
    assert RawSource.objects.count() == 1


def test_canary_dedupe_on_raw_bytes_misses_the_redelivery(mailbox, imap, monkeypatch):
    """Without the content hash (hashing the raw bytes instead) the redelivery becomes a second original."""
    import hashlib

    real = store_module.message_identity

    def raw_bytes_identity(raw):
        identity = real(raw)
        return MessageIdentity(identity.message_id, hashlib.sha256(raw).hexdigest(), identity.sender, identity.subject)

    monkeypatch.setattr(store_module, "message_identity", raw_bytes_identity)
    imap.append("INBOX", (CORPUS / "01-aurelia-cp1250-qp-order.eml").read_bytes())
    imap.append("INBOX", (CORPUS / "35-duplicate-redelivery.eml").read_bytes())
    stats = _fetch(mailbox)
    assert (stats.stored, stats.duplicates) == (2, 0)


def test_uidvalidity_change_rescans_without_storing_twice(mailbox, imap):
    Mailbox.objects.filter(pk=mailbox.pk).update(processed_folder="")  # leave mail in place: a rescan sees it
    imap.append("INBOX", clear_order())
    imap.append("INBOX", clear_order())
    _fetch(mailbox)
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1)  # as if the server had rebuilt the folder
    rescan = _fetch(mailbox)
    assert rescan.seen == 2 and rescan.stored == 0
    assert RawSource.objects.count() == 2
    assert InboundMessage.objects.filter(duplicate_of__isnull=True).count() == 2


def test_connection_dropped_mid_fetch_loses_nothing_and_doubles_nothing(mailbox, imap, dovecot):
    for _ in range(6):
        imap.append("INBOX", clear_order())

    def drop_after_third(seen):
        if seen == 3:
            dovecot.kill_imap_sessions()

    with pytest.raises(Exception):
        _fetch(mailbox, batch_size=2, after_store=drop_after_third)
    assert 3 <= RawSource.objects.count() < 6
    stats = _fetch(mailbox, batch_size=2)
    assert stats.error == ""
    assert RawSource.objects.count() == 6
    assert InboundMessage.objects.filter(status=InboundMessage.Status.DUPLICATE).count() == 0
    fresh = dovecot.client(mailbox.username)
    assert _count(fresh, "INBOX") == 0 and _count(fresh, "Processed") == 6
    fresh.logout()


def test_storing_the_same_delivery_twice_keeps_one_record():
    raw = clear_order()
    first = message_store(raw=raw, uidvalidity=7, uid=3)
    again = message_store(raw=raw, uidvalidity=7, uid=3)
    assert first.created and not again.created and again.message.pk == first.message.pk
    assert InboundMessage.objects.count() == 1


def test_message_without_message_id_is_identified_by_its_content():
    raw = clear_order().replace(b"Message-ID:", b"X-Old-Message-ID:")
    first = message_store(raw=raw)
    assert first.message.message_id.startswith("<sha256:")
    assert message_store(raw=raw, uid=9).duplicate
