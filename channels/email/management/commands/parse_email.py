"""Print what the e-mail parser understands of each file, as JSON in the shape of the sample corpus.

    python manage.py parse_email mail1.eml mail2.eml [--catalogue catalogue.json] [--book]

Without --catalogue the catalogue is read from the database. Among the given
files, a file with the same Message-ID and content as an earlier one is
reported as a duplicate of it. Nothing is booked unless --book is given; then
each file is stored as a raw message and processed by the ingest (the one door).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from channels.email.ingest.identity import message_identity
from channels.email.parsing import catalogue_index_from_db, catalogue_index_from_file, interpret_message

ORDER_FIELDS = ("product", "option", "start", "participants", "contact_name", "contact_phone", "contact_email",
                "external_reference", "language")


def interpretation_record(file_name: str, interpretation) -> dict:
    """The interpretation in the corpus's expected.json shape, plus our own fields last."""
    data = interpretation.model_dump(mode="json")
    record = {"file": file_name, "kind": data["kind"], "partner": data["partner"],
              "orders": [{k: order[k] for k in ORDER_FIELDS} for order in data["orders"]]}
    for key in ("inquiry", "cancellation", "modification", "expect_exception", "duplicate_of"):
        record[key] = data[key]
    record["language"] = data["language"]
    record["message_id"] = data["message_id"]
    record["not_an_order_reason"] = data["not_an_order_reason"]
    record["problems"] = [{"confidence": o["confidence"], "problems": o["problems"]} for o in data["orders"]]
    return record


class Command(BaseCommand):
    help = "Interpret e-mail files (.eml) and print the result as JSON; --book also submits them."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".eml files (raw RFC 5322 messages)")
        parser.add_argument("--catalogue", help="a catalogue JSON file (corpus or our catalogue format)")
        parser.add_argument("--book", action="store_true", help="store and process each message through the ingest")

    def handle(self, *args, files, catalogue=None, book=False, **options):
        try:
            index = catalogue_index_from_file(catalogue) if catalogue else catalogue_index_from_db()
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read the catalogue: {error}") from error
        seen: dict[tuple[str, str], str] = {}
        records = []
        for name in files:
            path = Path(name)
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise CommandError(f"cannot read {name}: {error}") from error
            identity = message_identity(raw)
            interpretation = interpret_message(raw, catalogue=index)
            key = (identity.message_id, identity.content_sha256)
            if key in seen:
                interpretation = interpretation.model_copy(
                    update={"kind": "duplicate", "duplicate_of": seen[key], "orders": [], "inquiry": None,
                            "cancellation": None, "modification": None, "expect_exception": None})
            else:
                seen[key] = path.name
            record = interpretation_record(path.name, interpretation)
            if book:
                record["booking"] = self._book(raw)
            records.append(record)
        self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))

    def _book(self, raw: bytes) -> dict:
        try:
            from channels.email.actions import message_act  # noqa: F401 - the ingest's door to the orders
            from channels.email.ingest.store import message_store
            from channels.email.processing import message_process
        except ImportError as error:
            return {"booked": False, "reason": f"the e-mail ingest is not available ({error})"}
        stored = message_store(raw=raw)
        if stored.duplicate:
            return {"booked": False, "status": "duplicate", "message": stored.message.pk}
        message = message_process(message_id=stored.message.pk)
        return {"status": message.status, "message": message.pk, "error": message.error or None}
