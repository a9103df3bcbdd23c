"""Raw input is stored, and committed, before anything interprets it."""

import hashlib

from intake.compiled_rows import insert_all, update_by_pk
from intake.models import RawSource


def raw_source_store(
    *,
    channel: str,
    body: bytes,
    content_type: str,
    partner=None,
    source_key: str = "",
    metadata: dict | None = None,
) -> RawSource:
    """Persist the input before anything reads it, so a later failure never loses it.

    Outside a transaction this is one INSERT that commits by itself (autocommit);
    inside a caller's transaction it commits with the caller's work.
    """
    raw = RawSource(
        channel=channel,
        partner=partner,
        body=bytes(body),
        content_type=content_type[:100],
        sha256=hashlib.sha256(body).hexdigest(),
        source_key=source_key[:300],
        metadata=metadata or {},
    )
    insert_all([raw])
    return raw


def raw_source_mark(*, raw_source_id: int, status: str, error: str = "") -> None:
    update_by_pk(RawSource, raw_source_id, status=status, error=error[:5000])
