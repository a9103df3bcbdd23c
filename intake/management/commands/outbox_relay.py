import signal
import threading

from django.core.management.base import BaseCommand

from intake.outbox_relay import BATCH, IDLE_SECONDS, outbox_relay_run


class Command(BaseCommand):
    help = ("Relay committed outbox events to their subscribers (delivery rows + send tasks, e-mail examples) "
            "until SIGTERM or SIGINT. Run one or more beside the web and the worker; see docs/dispatch.md.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help=f"events per transaction (default {BATCH})")
        parser.add_argument("--idle", type=float, default=IDLE_SECONDS,
                            help=f"seconds to sleep when nothing was due (default {IDLE_SECONDS})")

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"outbox relay running (batch {options['batch']}, idle {options['idle']} s)", ending="\n")
        self.stdout.flush()
        total = outbox_relay_run(stop=stop, batch=options["batch"], idle_seconds=options["idle"])
        self.stdout.write(f"outbox relay stopped after relaying {total} events")
