from django.core.management.base import BaseCommand

from intake.dispatch.receiver import ReceiverState, receiver_server


class Command(BaseCommand):
    help = "Reference webhook receiver: verifies Standard Webhooks signatures, deduplicates, writes JSON files."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", action="append", required=True,
                            help="whsec_... signing secret; repeat during a rotation")
        parser.add_argument("--out", required=True, help="directory for accepted messages (<webhook-id>.json)")
        parser.add_argument("--tolerance", type=int, default=300, help="accepted clock skew in seconds")
        parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to the first N requests (demo)")

    def handle(self, *args, **options):
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
