"""The parser's catalogue index: from the corpus file, from our catalogue file, from the database."""

from datetime import date
from pathlib import Path

import pytest

from channels.email.parsing import catalogue_index_from_db, catalogue_index_from_file, interpret_message

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "demo" / "catalogue.json"
CORPUS = ROOT.parent / "shared" / "samples" / "emails"


def test_our_catalogue_file_gives_departures_per_option_and_season():
    index = catalogue_index_from_file(DEMO)
    walk = index.products["old-town-walk"]
    assert walk.departure_times(date(2026, 12, 10), "de") == ["10:00", "15:00"]
    assert walk.capacity(date(2026, 12, 10), "10:00", "de") == 20
    assert index.products["sunset-sail"].departure_times(date(2026, 7, 1)) == []  # out of season
    assert index.partner_by_address("RECEPCE@hotelaurelia.example").code == "hotel-aurelia"


@pytest.mark.skipif(not (CORPUS / "catalogue.json").exists(), reason=f"the sample corpus is not at {CORPUS}")
def test_the_corpus_catalogue_file_gives_the_same_facts():
    index = catalogue_index_from_file(CORPUS / "catalogue.json")
    walk = index.products["old-town-walk"]
    assert walk.capacity(date(2026, 12, 10), "15:00", "es") == 20
    assert [u.code for u in index.products["lunch-cruise"].units] == ["ADULT", "CHILD"]
    assert index.partner("getyourguide").unit_mapping["Adult"] == "ADULT"
    assert index.is_own_address("orders@moldaucruises.example")


@pytest.mark.django_db
def test_the_database_catalogue_matches_the_file_it_was_imported_from():
    import json

    from intake.services.catalogue import catalogue_import

    catalogue_import(data=json.loads(DEMO.read_text(encoding="utf-8")), generate_days=0)
    from_db = catalogue_index_from_db()
    from_file = catalogue_index_from_file(DEMO)
    assert set(from_db.products) == set(from_file.products)
    for code, product in from_file.products.items():
        mine = from_db.products[code]
        assert [o.code for o in mine.options] == [o.code for o in product.options], code
        assert {u.code for u in mine.units} == {u.code for u in product.units}, code
        for day in (date(2026, 12, 10), date(2027, 7, 4)):
            for option in [o.code for o in product.options] or [None]:
                assert mine.departure_times(day, option) == product.departure_times(day, option), (code, day)
    assert from_db.own_domains == ["moldaucruises.example"]
    gyg = from_db.partner("getyourguide")
    assert {(m.external_id, m.product, m.option) for m in gyg.product_mapping} >= {("417307", "old-town-walk", "es")}
    assert "+420224812300" in from_db.all_partner_phones()


@pytest.mark.django_db
@pytest.mark.skipif(not (CORPUS / "catalogue.json").exists(), reason=f"the sample corpus is not at {CORPUS}")
def test_a_corpus_mail_reads_the_same_with_the_database_catalogue():
    import json

    from intake.services.catalogue import catalogue_import

    catalogue_import(data=json.loads(DEMO.read_text(encoding="utf-8")), generate_days=0)
    raw = (CORPUS / "13-gyg-booking-walk-spanish.eml").read_bytes()
    order = interpret_message(raw, catalogue=catalogue_index_from_db()).orders[0]
    assert (order.product, order.option, order.start) == ("old-town-walk", "es", "2026-12-16T15:00:00+01:00")
