"""`manage.py parse_email`: corpus-shaped JSON, duplicates among the given files, --book through the ingest."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .parse_fixtures import CATALOGUE, mail

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "samples" / "emails"
ORDER = "Please book the castle tour in English on 22 March at 9:30 for 2 adults, guest Ann Lee, +44 7700 900111."


def run(*args) -> list[dict]:
    out = StringIO()
    call_command("parse_email", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def catalogue_file(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(CATALOGUE), encoding="utf-8")
    return path


def test_it_prints_each_file_in_the_corpus_shape(tmp_path, catalogue_file):
    (tmp_path / "a.eml").write_bytes(mail(ORDER, sender="desk@londondesk.example"))
    [record] = run(str(tmp_path / "a.eml"), "--catalogue", str(catalogue_file))
    assert record["file"] == "a.eml"
    assert {"kind", "partner", "orders", "inquiry", "cancellation", "modification", "expect_exception",
            "duplicate_of"} <= set(record)
    assert record["orders"][0] == {
        "product": "castle-tour", "option": "en", "start": "2027-03-22T09:30:00+01:00", "participants": {"ADULT": 2},
        "contact_name": "Ann Lee", "contact_phone": "+447700900111", "contact_email": None,
        "external_reference": None, "language": "en"}


def test_a_redelivered_file_is_a_duplicate_of_the_first(tmp_path, catalogue_file):
    raw = mail(ORDER, sender="desk@londondesk.example", message_id="<same@x>")
    (tmp_path / "first.eml").write_bytes(raw)
    (tmp_path / "again.eml").write_bytes(b"Received: from relay2.example by mx; Mon, 8 Mar 2027\r\n" + raw)
    first, again = run(str(tmp_path / "first.eml"), str(tmp_path / "again.eml"), "--catalogue", str(catalogue_file))
    assert (first["kind"], again["kind"], again["duplicate_of"], again["orders"]) == ("order", "duplicate",
                                                                                    "first.eml", [])


def test_a_missing_file_is_a_clear_error(catalogue_file):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot read"):
        run("/nonexistent/x.eml", "--catalogue", str(catalogue_file))


@pytest.mark.django_db
@pytest.mark.skipif(not (CORPUS / "01-aurelia-cp1250-qp-order.eml").exists(), reason=f"no corpus at {CORPUS}")
def test_book_submits_through_the_ingest_and_books_nothing_without_it():
    from channels.email.models import InboundMessage
    from intake.models import Order
    from intake.services.catalogue import catalogue_import

    catalogue_import(data=json.loads((ROOT / "demo" / "catalogue.json").read_text(encoding="utf-8")),
                     generate_days=60)
    path = str(CORPUS / "01-aurelia-cp1250-qp-order.eml")
    run(path)
    assert (Order.objects.count(), InboundMessage.objects.count()) == (0, 0)
    [record] = run(path, "--book")
    assert record["booking"]["status"] in ("processed", "review"), record["booking"]
    assert InboundMessage.objects.get().status == record["booking"]["status"]
