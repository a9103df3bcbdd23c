"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

    webhook-id:        msg_<hex>            the same on every retry
    webhook-timestamp: <unix seconds>
    webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">  (space separated, one per secret)

Secrets are `whsec_<base64 key>`; the HMAC key is the decoded base64 part.
During a rotation every active secret signs, so the receiver accepts the
message with either its old or its new secret.
"""

import base64
import hashlib
import hmac
import time


class SignatureError(ValueError):
    pass


def secret_key(secret: str) -> bytes:
    raw = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    try:
        return base64.b64decode(raw, validate=True)
    except ValueError:
        raise SignatureError("secret is not whsec_<base64>") from None


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers_sign(*, secrets: list[str], msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    if not secrets:
        raise SignatureError("no active secret to sign with")
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret=s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets),
    }


def signature_verify(*, secrets: list[str], headers, body: bytes, tolerance: int = 300, now: float | None = None) -> str:
    """Check a received message; returns its webhook-id or raises SignatureError."""
    msg_id = headers.get("webhook-id") or ""
    stamp = headers.get("webhook-timestamp") or ""
    offered = (headers.get("webhook-signature") or "").split()
    if not msg_id or not stamp or not offered:
        raise SignatureError("missing webhook headers")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureError("bad webhook-timestamp") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside tolerance")
    for secret in secrets:
        expected = signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return msg_id
    raise SignatureError("no matching signature")
