"""Run forever: one thread per active mailbox, IMAP IDLE with a periodic fallback poll.

Each thread does an ingest pass, then waits in IDLE until the server says
something arrived or `poll_seconds` pass, then does the next pass. Errors
(server down, wrong password) are logged and retried with a growing pause;
with no mailbox configured the poller just waits and looks again.
"""

import logging
import threading
import time

from django.db import close_old_connections, connection

from channels.email.ingest.imap import imap_connect, mailbox_fetch
from channels.email.models import Mailbox

log = logging.getLogger(__name__)

IDLE_MAX_SECONDS = 25 * 60  # servers drop IDLE after ~30 min (RFC 2177)
RELOAD_SECONDS = 30


class MailboxWatcher(threading.Thread):
    def __init__(self, *, mailbox_id: int, on_stored, stop: threading.Event):
        super().__init__(name=f"mailbox-{mailbox_id}", daemon=True)
        self.mailbox_id = mailbox_id
        self.on_stored = on_stored
        self.stop_event = stop
        self.retired = threading.Event()

    def run(self) -> None:
        backoff = 1.0
        while not (self.stop_event.is_set() or self.retired.is_set()):
            try:
                self._session()
                backoff = 1.0
            except Exception as exc:  # keep running whatever the server does
                log.warning("mailbox %s: %s; retrying in %.0fs", self.mailbox_id, exc, backoff)
                Mailbox.objects.filter(pk=self.mailbox_id).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
                self._wait(backoff)
                backoff = min(backoff * 2, 300)
            finally:
                close_old_connections()
        connection.close()  # this thread's own database connection

    def _wait(self, seconds: float) -> None:
        self.stop_event.wait(seconds)

    def _session(self) -> None:
        mailbox = Mailbox.objects.get(pk=self.mailbox_id)
        client = imap_connect(mailbox)
        try:
            idle = client.has_capability("IDLE")
            while not (self.stop_event.is_set() or self.retired.is_set()):
                mailbox.refresh_from_db()
                if not mailbox.active:
                    return
                mailbox_fetch(mailbox=mailbox, client=client, on_stored=self.on_stored)
                close_old_connections()
                self._idle(client, mailbox.poll_seconds) if idle else self._wait(mailbox.poll_seconds)
        finally:
            try:
                client.logout()
            except Exception:
                pass

    def _idle(self, client, poll_seconds: int) -> None:
        """Wait in IDLE for news, in short slices so a stop request is noticed quickly."""
        client.idle()
        try:
            deadline = time.monotonic() + min(poll_seconds, IDLE_MAX_SECONDS)
            while time.monotonic() < deadline and not self.stop_event.is_set():
                if client.idle_check(timeout=1):
                    return
        finally:
            client.idle_done()


def poll_forever(*, on_stored, stop: threading.Event, reload_seconds: float = RELOAD_SECONDS) -> None:
    watchers: dict[int, MailboxWatcher] = {}
    while not stop.is_set():
        try:
            active = set(Mailbox.objects.filter(active=True).values_list("pk", flat=True))
        except Exception as exc:  # database not ready yet: wait and look again
            log.warning("mail poller cannot read mailboxes: %s", exc)
            active = set(watchers)
        finally:
            close_old_connections()
        for mailbox_id in active - set(watchers):
            watchers[mailbox_id] = MailboxWatcher(mailbox_id=mailbox_id, on_stored=on_stored, stop=stop)
            watchers[mailbox_id].start()
        for mailbox_id in set(watchers) - active:
            watchers.pop(mailbox_id).retired.set()
        for mailbox_id, watcher in list(watchers.items()):
            if not watcher.is_alive():
                watchers.pop(mailbox_id)  # restarted on the next round
        stop.wait(reload_seconds)
    for watcher in watchers.values():
        watcher.join(timeout=5)
    connection.close()
