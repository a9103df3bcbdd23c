from django.core.management.base import BaseCommand, CommandError

from intake.dispatch.receiver import ReceiverState, receiver_server


class Command(BaseCommand):
    help = "Reference webhook receiver: verifies Standard Webhooks signatures, deduplicates, writes JSON files."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true",
                            help="receive for the demo connector of seed_demo (its port, secret, var/dispatch-inbox)")
        parser.add_argument("--port", type=int)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", action="append",
                            help="whsec_... signing secret; repeat during a rotation")
        parser.add_argument("--out", help="directory for accepted messages (<webhook-id>.json)")
        parser.add_argument("--tolerance", type=int, default=300, help="accepted clock skew in seconds")
        parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to the first N requests (demo)")

    def handle(self, *args, **options):
        if options["demo"]:
            from django.conf import settings

            from intake.demo import DEMO_RECEIVER_PORT, DEMO_WEBHOOK_SECRET

            options["port"] = options["port"] or DEMO_RECEIVER_PORT
            options["secret"] = options["secret"] or [DEMO_WEBHOOK_SECRET]
            options["out"] = options["out"] or str(settings.VAR_DIR / "dispatch-inbox")
        missing = [name for name in ("port", "secret", "out") if not options[name]]
        if missing:
            raise CommandError("missing " + ", ".join(f"--{name}" for name in missing) + " (or use --demo)")
        state = ReceiverState(secrets=options["secret"], out_dir=options["out"], tolerance=options["tolerance"],
                              fail_first=options["fail_first"])
        server = receiver_server(host=options["host"], port=options["port"], state=state,
                                 verbose=options["verbosity"] > 1)
        self.stdout.write(f"receiving on http://{options['host']}:{options['port']}/ -> {options['out']}", ending="\n")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
