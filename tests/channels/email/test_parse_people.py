"""Participants, names, phones, e-mails and references, with phrasings and catalogues not in the corpus."""

import pytest

from channels.email.parsing.catalogue_index import ProductInfo, UnitInfo
from channels.email.parsing.contacts import clean_name, find_emails, find_phones, name_from_phrases, normalise_phone
from channels.email.parsing.participants import participants_from_text, remove_superseded
from channels.email.parsing.references import find_references

# A product with a senior category and a narrow infant band, unlike the corpus's catalogue.
TOUR = ProductInfo(
    code="castle-tour",
    names={"en": "Castle tour"},
    units=[
        UnitInfo("ADT", "ADULT", {"en": "Adult"}, 18, 64),
        UnitInfo("SEN", "SENIOR", {"en": "Senior"}, 65, None),
        UnitInfo("KID", "CHILD", {"en": "Child"}, 3, 17),
        UnitInfo("BABY", "INFANT", {"en": "Infant"}, 0, 2),
    ],
)
ADULTS_ONLY = ProductInfo(code="wine", names={"en": "Wine tasting"}, units=[UnitInfo("ADULT", "ADULT", {}, 18, None)])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3 dospělé a 2 děti (4 a 9 let)", {"ADT": 3, "KID": 2}),
        ("drei Erwachsene, ein Senior und zwei Kinder", {"ADT": 3, "SEN": 1, "KID": 2}),
        ("4 adulți, un copil de 2 ani", {"ADT": 4, "BABY": 1}),
        ("троє дорослих і дитина 5 років", {"ADT": 3, "KID": 1}),
        ("成人3位，儿童2位（5岁、8岁）", {"ADT": 3, "KID": 2}),
        ("3位成人和1位老人", {"ADT": 3, "SEN": 1}),
        ("party of 6 people, 2 of them kids", {"KID": 2, "ADT": 4}),
        ("2 adults, 1 child aged 1", {"ADT": 2, "BABY": 1}),
        ("6 Personen (alle Erwachsene)", {"ADT": 6}),
        ("Number of participants: 1 x Adult, 2 x Child", {"ADT": 1, "KID": 2}),
        ("my husband and I, so the two of us", {"ADT": 2}),
    ],
)
def test_participants_are_counted_per_category_of_the_product(text, expected):
    assert participants_from_text(text, TOUR) == expected


def test_a_category_the_product_lacks_falls_back_to_adults():
    assert participants_from_text("2 students and 1 senior", ADULTS_ONLY) == {"ADULT": 3}


def test_a_partners_own_unit_labels_map_directly():
    labels = {"Erwachsener": "ADT", "Rentner": "SEN"}
    assert participants_from_text("2 x Erwachsener, 1 x Rentner", TOUR, labels) == {"ADT": 2, "SEN": 1}


def test_the_superseded_mix_is_ignored_in_a_change():
    text = remove_superseded("now 4 adults and 1 child (instead of 3 adults)")
    assert participants_from_text(text, TOUR) == {"ADT": 4, "KID": 1}


def test_numbers_that_are_not_people_are_ignored():
    assert participants_from_text("room 214, 50 minutes, pier 12", TOUR) == {}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Mr John O'Neil, +44 7700 900777", "John O'Neil"),
        ("Frau Dr. Anna-Lena Müller", "Anna-Lena Müller"),
        ("paní Věra Dvořáková (pokoj 12)", "Věra Dvořáková"),
        ("doamna Ioana Stănescu - tel 0722", "Ioana Stănescu"),
        ("пані Оксана Шевченко, 067 111 2233", "Оксана Шевченко"),
        ("陈静女士", "陈静"),
        ("Familie Weber (Ansprechpartnerin Frau Eva Weber)", "Eva Weber"),
        ("12345", None),
    ],
)
def test_a_name_keeps_its_script_and_loses_honorifics(value, expected):
    assert clean_name(value) == expected


def test_a_name_is_found_after_in_the_name_of():
    assert name_from_phrases("please book it in the name of Claire Dubois, thanks") == "Claire Dubois"
    assert name_from_phrases("bitte auf den Namen Jonas Becker buchen") == "Jonas Becker"


@pytest.mark.parametrize(
    "text, region, expected",
    [
        ("mobil 777 123 456", "CZ", "+420777123456"),
        ("Handy 0151 11223344", "DE", "+4915111223344"),
        ("tel. 0733 445 566", "RO", "+40733445566"),
        ("тел. 050 123 45 67", "UA", "+380501234567"),
        ("手机 13800138000", "CN", "+8613800138000"),
        ("cell (212) 555-0199", "US", "+12125550199"),
        ("from abroad: +33 6 12 34 56 78", "CZ", "+33612345678"),
    ],
)
def test_a_phone_becomes_e164_in_the_partners_country(text, region, expected):
    assert find_phones(text, region, set())[0][1] == expected


def test_the_partners_own_phone_is_never_a_contact_phone():
    assert find_phones("call us on +420 224 812 300", "CZ", {"+420224812300"}) == []


def test_dates_are_not_phones():
    assert find_phones("Datum 07.12.2026 und 2026-12-07", "DE", set()) == []


def test_a_viator_style_country_prefix_is_understood():
    assert normalise_phone("GB+44 7700 900555", "US") == "+447700900555"


def test_the_partners_and_our_addresses_are_not_the_customers():
    text = "guest: anna@gmail.example, copy to desk@hotel.example and orders@operator.example"
    found = find_emails(text, {"desk@hotel.example"}, {"hotel.example", "operator.example"})
    assert [address for _, address in found] == ["anna@gmail.example"]


def test_partner_references_are_found_and_ours_are_not():
    text = "Our ref TX-2027/0042, your confirmation MC-27-00012, VAT DE123456789, booking ABC12345678"
    assert find_references(text, ("MC",)) == ["TX-2027/0042", "ABC12345678"]


def test_a_couple_is_two_adults():
    assert participants_from_text("for a couple from Vienna", TOUR) == {"ADT": 2}
    assert participants_from_text("für Herr und Frau Bauer", TOUR) == {"ADT": 2}


def test_an_unbracketed_superseded_time_is_dropped_but_the_rest_of_the_sentence_stays():
    assert remove_superseded("místo 10:30 by chtěli jet v 16:30").strip().endswith("v 16:30")


def test_the_chinese_adults_and_children_shorthand():
    assert participants_from_text("共2大1小（孩子5岁）", TOUR) == {"ADT": 2, "KID": 1}


def test_several_labels_on_one_line_are_separate_fields():
    from channels.email.parsing.labels import labelled_fields

    fields = {f.field: f.value for f in labelled_fields("联系人：孙丽，手机：13811112222\nName: Jo Smith, Tel.: 0151 2")}
    assert (fields["name"], fields["phone"]) == ("Jo Smith", "0151 2")
    first = labelled_fields("联系人：孙丽，手机：13811112222")
    assert [(f.field, f.value) for f in first] == [("name", "孙丽"), ("phone", "13811112222")]


def test_a_couple_named_by_family_name_only():
    assert name_from_phrases("for Mr & Mrs Tanaka, mobile +81 90 1111 2222") == "Tanaka"
    assert name_from_phrases("pro manžele Horákovy") == "Horákovy"
