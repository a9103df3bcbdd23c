import json

from django.core.management.base import BaseCommand, CommandError

from intake.services.catalogue import CatalogueFileError, catalogue_import


class Command(BaseCommand):
    help = "Load products, schedules and partners from a catalogue JSON file (docs/catalogue-file.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--generate-days", type=int, default=None,
                            help="also generate departures this many days ahead")

    def handle(self, *args, file, generate_days, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"{file}: {exc}")
        try:
            summary = catalogue_import(data=data, generate_days=generate_days)
        except CatalogueFileError as exc:
            raise CommandError(f"{file}: nothing loaded, the file has errors:\n  " + "\n  ".join(exc.errors))
        self.stdout.write(json.dumps(summary))
