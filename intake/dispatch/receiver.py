"""The reference receiver: what the operator's IT can copy to accept our webhooks.

It verifies the Standard Webhooks signature and timestamp, deduplicates on
`webhook-id` (a retry of something already applied is answered 200 and not
applied again), and writes each accepted message as `<webhook-id>.json` in
the output directory. Answers: 200 accepted (or duplicate), 401 bad
signature, 400 not JSON, 503 while `fail_first` requests remain (demo of
retries). Standard library only.
"""

import itertools
import json
import os
import re
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from intake.dispatch.signing import SignatureError, signature_verify

SAFE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}")


class ReceiverState:
    def __init__(self, *, secrets: list[str], out_dir: str | Path, tolerance: int = 300, dedupe: bool = True,
                 fail_first: int = 0):
        self.secrets = list(secrets)
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tolerance = tolerance
        self.dedupe = dedupe
        self.fail_first = fail_first
        self.lock = threading.Lock()
        self.requests = 0
        self.sequence = itertools.count(1)

    def failing(self) -> bool:
        with self.lock:
            self.requests += 1
            return self.requests <= self.fail_first

    def apply(self, msg_id: str, timestamp: str, body: dict) -> bool:
        """Write the message once; False if this webhook-id was already applied."""
        with self.lock:
            record = {"webhook_id": msg_id, "webhook_timestamp": timestamp, "sequence": next(self.sequence),
                      "received_at": time.time(), "body": body}
            name = f"{msg_id}.json" if self.dedupe else f"{msg_id}-{record['sequence']}.json"
            fd, tmp = tempfile.mkstemp(dir=self.out_dir, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=False)
            try:
                os.link(tmp, self.out_dir / name)  # fails if the id was applied before: the dedupe
                return True
            except FileExistsError:
                return False
            finally:
                os.unlink(tmp)


class ReceiverHandler(BaseHTTPRequestHandler):
    server_version = "dispatch-receiver/1"
    state: ReceiverState  # set on the server

    def _answer(self, status: int, message: dict) -> None:
        body = json.dumps(message).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 (http.server naming)
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if state.failing():
            self._answer(503, {"error": "not ready yet"})
            return
        try:
            msg_id = signature_verify(secrets=state.secrets, headers=self.headers, body=body, tolerance=state.tolerance)
        except SignatureError as exc:
            self._answer(401, {"error": str(exc)})
            return
        if not SAFE_ID.fullmatch(msg_id):  # it names a file: never let it name a path
            self._answer(400, {"error": "webhook-id must be letters, digits, '_', '-' or '.'"})
            return
        try:
            message = json.loads(body)
        except ValueError:
            self._answer(400, {"error": "body is not JSON"})
            return
        applied = state.apply(msg_id, self.headers["webhook-timestamp"], message)
        self._answer(200, {"id": msg_id, "status": "applied" if applied else "duplicate"})

    def log_message(self, format, *args):  # quiet unless the command asks for it
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)


def receiver_server(*, host: str = "127.0.0.1", port: int, state: ReceiverState,
                    handler: type[ReceiverHandler] = ReceiverHandler, verbose: bool = False) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.state = state
    server.verbose = verbose
    return server


def received(out_dir: str | Path) -> list[dict]:
    """What a receiver wrote, in arrival order."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in Path(out_dir).glob("*.json")]
    return sorted(records, key=lambda r: r["sequence"])
