"""IMAP ingest: take messages from a mailbox, store them raw first, then let processing act on them."""

from channels.email.ingest.identity import MessageIdentity, message_identity
from channels.email.ingest.imap import FetchStats, mailbox_fetch, mailboxes_fetch
from channels.email.ingest.store import StoreResult, message_store

__all__ = [
    "FetchStats",
    "MessageIdentity",
    "StoreResult",
    "mailbox_fetch",
    "mailboxes_fetch",
    "message_identity",
    "message_store",
]
