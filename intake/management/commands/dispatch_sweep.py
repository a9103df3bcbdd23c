from django.core.management.base import BaseCommand

from intake.dispatch.services import deliveries_sweep


class Command(BaseCommand):
    help = ("Run the delivery sweep once, sending inline: create missed delivery rows, take back rows stuck "
            "in flight, send what is due. The worker runs the same sweep every minute.")

    def add_arguments(self, parser):
        parser.add_argument("--reap-after", type=int, default=None,
                            help="seconds after which a row in flight counts as abandoned (default: settings)")

    def handle(self, *args, **options):
        if options["reap_after"] is not None:
            from django.conf import settings

            settings.DISPATCH = {**getattr(settings, "DISPATCH", {}), "IN_FLIGHT_TIMEOUT_SECONDS": options["reap_after"]}
        started = deliveries_sweep(enqueue=False)
        self.stdout.write(f"sweep started {started} deliveries")
