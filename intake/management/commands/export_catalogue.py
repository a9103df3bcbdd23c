import json

from django.core.management.base import BaseCommand

from intake.services.catalogue import catalogue_export


class Command(BaseCommand):
    help = "Write the whole catalogue and the partners as a catalogue JSON file (stdout or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default=None)

    def handle(self, *args, output, **options):
        text = json.dumps(catalogue_export(), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
