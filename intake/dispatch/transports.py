"""Talking to the outside: one webhook POST, or one file written atomically. No database access here."""

import email.utils
import json
import os
import socket
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from intake.dispatch.signing import headers_sign

BODY_EXCERPT = 2000
RETRYABLE_STATUSES = {408, 429}


@dataclass
class Outcome:
    result: str  # "delivered" | "retry" | "dead"
    error: str = ""
    response: dict = field(default_factory=dict)
    retry_after: float | None = None  # seconds, when the receiver asked for it

    @property
    def delivered(self) -> bool:
        return self.result == "delivered"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _classify(status: int, body: bytes, headers) -> Outcome:
    response = {"status": status, "body": body[:BODY_EXCERPT].decode("utf-8", "replace")}
    if 200 <= status < 300:
        return Outcome("delivered", response=response)
    error = f"HTTP {status}"
    if status in RETRYABLE_STATUSES or status >= 500:
        return Outcome("retry", error=error, response=response, retry_after=_retry_after(headers.get("Retry-After")))
    return Outcome("dead", error=error, response=response)  # other 4xx (and 3xx): retrying will not help


def webhook_post(*, url: str, secrets: list[str], msg_id: str, body: bytes, timeout: float) -> Outcome:
    """POST one signed message. Must be called outside any database transaction."""
    headers = {"Content-Type": "application/json", "User-Agent": "tour-intake-dispatch/1",
               **headers_sign(secrets=secrets, msg_id=msg_id, body=body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            return _classify(response.status, response.read(BODY_EXCERPT), response.headers)
    except urllib.error.HTTPError as exc:
        return _classify(exc.code, exc.read(BODY_EXCERPT) if exc.fp else b"", exc.headers)
    except (TimeoutError, socket.timeout):
        return Outcome("retry", error=f"timed out after {timeout:g}s")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Outcome("retry", error=f"timed out after {timeout:g}s")
        return Outcome("retry", error=f"connection failed: {reason}")
    except (ConnectionError, OSError) as exc:  # reset by peer, remote closed without response
        return Outcome("retry", error=f"connection failed: {exc}")


def file_write_atomic(*, directory: str, name: str, data: bytes) -> Path:
    """Write into a temporary file in the same directory, fsync, then rename: readers never see half a file."""
    target_dir = Path(directory)
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        target = target_dir / name
        os.replace(tmp, target)
        return target
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def json_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
