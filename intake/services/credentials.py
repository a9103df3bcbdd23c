"""API keys for partners: shown once, stored as a hash, looked up by a public prefix."""

import hashlib
import hmac
import secrets

from django.utils import timezone

from intake.models import Partner, PartnerCredential


def _hash(key: str) -> str:
    # Keys are 32 random bytes: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


def credential_issue(*, partner: Partner, channel: str, label: str = "", key: str | None = None) -> tuple[PartnerCredential, str]:
    """Create a credential; returns it with the plaintext key, which is never stored."""
    prefix = secrets.token_hex(4)
    key = key or f"{prefix}.{secrets.token_urlsafe(32)}"
    if key.count(".") != 1:
        raise ValueError("a key is '<prefix>.<secret>'")
    prefix = key.split(".", 1)[0]
    credential = PartnerCredential.objects.create(
        partner=partner, channel=channel, label=label, prefix=prefix, key_hash=_hash(key)
    )
    return credential, key


def credential_authenticate(*, channel: str, key: str) -> Partner | None:
    """The active partner owning this key for this channel, or None."""
    prefix, _, _ = key.partition(".")
    if not prefix:
        return None
    credential = (
        PartnerCredential.objects.select_related("partner")
        .filter(prefix=prefix, channel=channel, revoked_at__isnull=True, partner__active=True)
        .first()
    )
    if credential is None or not hmac.compare_digest(credential.key_hash, _hash(key)):
        return None
    return credential.partner


def credential_revoke(*, credential_id: int) -> None:
    PartnerCredential.objects.filter(pk=credential_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
