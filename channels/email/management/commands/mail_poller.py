"""Watch every active mailbox forever (IMAP IDLE, fallback poll); started by `python3 dev.py up`."""

import signal
import threading

from django.core.management.base import BaseCommand

from channels.email.management.commands.fetch_mail import processing_hook
from channels.email.poller import poll_forever


class Command(BaseCommand):
    help = "Fetch new mail as it arrives (IDLE with a periodic fallback poll); runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--process", choices=["queue", "inline", "none"], default="queue",
                            help="queue: a django-q2 task per message (default); inline: in this process")
        parser.add_argument("--reload-seconds", type=float, default=30, help="how often to look for mailbox changes")

    def handle(self, *args, process="queue", reload_seconds=30, **options):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("mail poller running (no active mailbox: waiting quietly)", ending="\n")
        self.stdout.flush()
        poll_forever(on_stored=processing_hook(process), stop=stop, reload_seconds=reload_seconds)
        self.stdout.write("mail poller stopped")
