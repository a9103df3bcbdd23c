"""File-drop connectors: CSV in windows-1250 with ';' and decimal comma, JSON Lines, atomic files, retries."""

import csv
import io
import json
from zoneinfo import ZoneInfo

import pytest

from intake.dispatch.models import Connector, Delivery
from intake.dispatch.services import deliveries_sweep
from intake.services import submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import run_worker_for_events

pytestmark = pytest.mark.django_db(transaction=True)


def _drop(directory, **fields) -> Connector:
    return Connector.objects.create(name="import folder", kind=Connector.Kind.FILE_DROP, directory=str(directory),
                                    **fields)


def _czech_order():
    product, option, departure = make_bookable(units=(("ADULT", 125050), ("CHILD", 60000)))
    draft = make_draft(product=product, departure=departure, partner=make_partner(), external_reference="CZ-1",
                       participants={"ADULT": 2, "CHILD": 1})
    draft.contact.name = "Jiří Žluťoučký"
    draft.notes = "Přístav č. 5"
    return submit(draft=draft).order


def test_csv_reads_back_in_windows_1250_with_semicolons_and_decimal_comma(tmp_path):
    _drop(tmp_path, encoding="windows-1250", separator=";", decimal_comma=True, date_format="%d.%m.%Y %H:%M")
    order = _czech_order()
    run_worker_for_events()
    [path] = tmp_path.glob("*.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("windows-1250"), newline=""), delimiter=";"))
    assert [r["topic"] for r in rows] == ["order.created", "order.confirmed"]
    row = rows[1]
    assert row["contact_name"] == "Jiří Žluťoučký" and row["notes"] == "Přístav č. 5"
    assert row["total"] == "3101,00" and row["currency"] == "CZK"  # 2 x 1250.50 + 600.00
    assert row["participants"] == "ADULT=2 CHILD=1" and row["pax"] == "3"
    local_start = order.starts_at.astimezone(ZoneInfo(order.product.timezone))
    assert row["start"] == local_start.strftime("%d.%m.%Y %H:%M")


def test_one_file_per_order_event_in_json_lines(tmp_path):
    _drop(tmp_path, file_format=Connector.FileFormat.JSONL, file_per=Connector.FilePer.ORDER)
    order = _czech_order()
    run_worker_for_events()
    files = sorted(tmp_path.glob("*.jsonl"))
    assert len(files) == 2 and all(order.reference in f.name for f in files)
    lines = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    assert [line["type"] for line in lines] == ["order.created", "order.confirmed"]
    assert lines[0]["data"]["contact"]["name"] == "Jiří Žluťoučký"


def test_utf8_with_bom_and_a_point_for_decimals(tmp_path):
    _drop(tmp_path, encoding="utf-8-sig", separator=",", decimal_comma=False)
    _czech_order()
    run_worker_for_events()
    [path] = tmp_path.glob("*.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0]["total"] == "3101.00"


def test_an_unwritable_directory_is_retried_and_leaves_no_partial_file(tmp_path, settings):
    settings.DISPATCH = {"BACKOFF_BASE_SECONDS": 0.01, "BACKOFF_CAP_SECONDS": 0.01}
    blocker = tmp_path / "drop"
    blocker.write_text("a file where the directory should be")
    connector = _drop(blocker)
    _czech_order()
    run_worker_for_events()
    assert all("file write failed" in d.last_error for d in Delivery.objects.all())
    assert Delivery.objects.filter(delivered_at__isnull=True).count() == 2
    blocker.unlink()
    deliveries_sweep(enqueue=False)
    assert Delivery.objects.filter(delivered_at__isnull=True).count() == 0
    assert [p.name for p in blocker.iterdir() if p.name.startswith(".tmp-")] == []
    assert len(list(blocker.glob("*.csv"))) == 1 and connector.deliveries.count() == 2
