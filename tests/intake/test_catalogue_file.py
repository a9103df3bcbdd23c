"""import_catalogue / export_catalogue: all or nothing, idempotent on codes, errors that name the field."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from availability.models import Departure, Option, Product, Resource, Schedule, Unit
from intake.models import OperatorProfile, Partner, PartnerProductMapping
from intake.services.catalogue import catalogue_export, catalogue_import

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "demo" / "catalogue.json"
MODELS = (OperatorProfile, Resource, Product, Option, Unit, Schedule, Schedule.options.through, Partner,
          PartnerProductMapping, Departure)


def _demo() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in MODELS}


def _write(tmp_path, data) -> str:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _import(path, *args) -> dict:
    out = StringIO()
    call_command("import_catalogue", path, *args, stdout=out)
    return json.loads(out.getvalue())


def _wrong_type(data):
    data["products"][0]["duration_minutes"] = "fifty"
    return "products.0.duration_minutes"


def _typo(data):
    data["products"][1]["units"][0]["prise"] = data["products"][1]["units"][0].pop("price")
    return "products.1.units.0.prise"


def _unknown_resource(data):
    data["schedules"][0]["resource"] = "boat-titanic"
    return "schedules.0.resource: unknown resource 'boat-titanic'"


def _bad_time(data):
    data["schedules"][1]["times"] = ["11:00", "25:00"]
    return "schedules.1.times"


def _unknown_option(data):
    data["schedules"][2]["options"] = ["old-town-walk/klingon"]
    return "schedules.2.options: product 'old-town-walk' has no option 'klingon'"


def _unknown_timezone(data):
    data["products"][0]["timezone"] = "Europe/Atlantis"
    return "products.0.timezone"


def _unknown_operator_timezone(data):
    data["operator"]["timezone"] = "Mars/Olympus"
    return "operator.timezone"


def _bad_weekday(data):
    data["schedules"][0]["weekdays"] = [0, 1]
    return "schedules.0.weekdays"


def _unknown_mapped_product(data):
    data["partners"][0]["product_mapping"] = [{"external_id": "X", "product": "moon-cruise"}]
    return "partners.0.product_mapping.0: unknown product 'moon-cruise'"


BREAKAGES = [_wrong_type, _typo, _unknown_resource, _bad_time, _unknown_option, _unknown_timezone, _unknown_operator_timezone, _bad_weekday,
            
             _unknown_mapped_product]


@pytest.mark.parametrize("break_file", BREAKAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_broken_file_is_rejected_naming_the_field_and_loads_nothing(tmp_path, break_file):
    data = _demo()
    field = break_file(data)
    before = _counts()
    with pytest.raises(CommandError) as rejected:
        _import(_write(tmp_path, data))
    assert field in str(rejected.value)
    assert "nothing loaded" in str(rejected.value)
    assert _counts() == before == {label: 0 for label in before}


def test_a_broken_file_changes_nothing_in_a_loaded_catalogue(tmp_path):
    _import(str(DEMO))
    before = _counts()
    data = _demo()
    data["products"][0]["name"]["en"] = "Renamed cruise"
    data["resources"].append({"code": "boat-new", "name": "New boat"})
    _bad_time(data)
    with pytest.raises(CommandError):
        _import(_write(tmp_path, data))
    assert _counts() == before
    assert Product.objects.get(code=data["products"][0]["code"]).name["en"] != "Renamed cruise"


def test_every_error_of_a_file_is_reported_at_once(tmp_path):
    data = _demo()
    fields = [_wrong_type(data), _typo(data)]
    with pytest.raises(CommandError) as rejected:
        _import(_write(tmp_path, data))
    assert all(field in str(rejected.value) for field in fields)


def test_a_file_that_is_not_json_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text('{"schema_version": 1,', encoding="utf-8")
    with pytest.raises(CommandError, match="catalogue.json"):
        _import(str(path))
    assert Product.objects.count() == 0


def test_the_demo_catalogue_loads():
    summary = _import(str(DEMO))
    demo = _demo()
    assert summary["products"] == len(demo["products"]) == Product.objects.count()
    assert Schedule.objects.count() == len(demo["schedules"]) and Partner.objects.count() == len(demo["partners"])
    shared = [s for s in Schedule.objects.all() if s.options.count() > 1]
    assert shared, "two products share one boat"
    assert OperatorProfile.objects.get().name == demo["operator"]["name"]


def test_importing_twice_changes_no_counts(monkeypatch):
    started = timezone.now()  # both imports on the same day, even when run at local midnight
    monkeypatch.setattr(timezone, "now", lambda: started)
    _import(str(DEMO), "--generate-days", "3")
    first = _counts()
    summary = _import(str(DEMO), "--generate-days", "3")
    assert _counts() == first
    assert summary["departures_created"] == 0 and first[Departure._meta.label] > 0


def test_importing_again_updates_by_code(tmp_path):
    _import(str(DEMO))
    data = _demo()
    data["products"][0]["units"][0]["price"] = 99900
    _import(_write(tmp_path, data))
    assert Unit.objects.get(product__code=data["products"][0]["code"], code=data["products"][0]["units"][0]["code"]) \
        .price_minor == 99900


def test_export_then_import_gives_back_the_same_catalogue():
    _import(str(DEMO))
    exported = catalogue_export()
    before = _counts()
    catalogue_import(data=copy.deepcopy(exported))
    assert catalogue_export() == exported
    assert _counts() == before


def test_an_export_loads_into_an_empty_database(tmp_path):
    _import(str(DEMO))
    exported = catalogue_export()
    for model in (PartnerProductMapping, Partner, Schedule, Unit, Option, Product, Resource, OperatorProfile):
        model.objects.all().delete()
    catalogue_import(data=copy.deepcopy(exported))
    assert catalogue_export() == exported


def test_export_command_writes_a_file_the_import_command_accepts(tmp_path):
    _import(str(DEMO))
    target = tmp_path / "export.json"
    call_command("export_catalogue", "--output", str(target), stdout=StringIO())
    before = _counts()
    _import(str(target))
    assert _counts() == before


def test_export_command_prints_to_stdout():
    _import(str(DEMO))
    out = StringIO()
    call_command("export_catalogue", stdout=out)
    assert json.loads(out.getvalue())["schema_version"] == 1
