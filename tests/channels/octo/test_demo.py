"""The demo seed gives the validator what octo.md 2.2 asks for: a fixed reseller key and a SOLD_OUT slot."""

import io
import json
from pathlib import Path

import pytest

from channels.octo.demo import DEMO_KEY, seed
from intake.services.catalogue import catalogue_import
from tests.channels.octo.conftest import OctoClient

pytestmark = pytest.mark.django_db
CATALOGUE = Path(__file__).resolve().parents[3] / "demo" / "catalogue.json"


@pytest.fixture
def demo(db):
    catalogue_import(data=json.loads(CATALOGUE.read_text()), generate_days=3)
    out = io.StringIO()
    seed(out)
    return out.getvalue()


def test_seed_prints_the_fixed_demo_key_that_works(demo):
    assert DEMO_KEY in demo
    assert OctoClient(DEMO_KEY).get("/supplier").status_code == 200


def test_seed_leaves_a_sold_out_slot_tomorrow(demo):
    from datetime import timedelta

    from django.utils import timezone

    tomorrow = (timezone.localtime() + timedelta(days=1)).date().isoformat()
    slots = OctoClient(DEMO_KEY).post("/availability", {"productId": "lunch-cruise", "optionId": "DEFAULT", "localDate": tomorrow}).data
    assert [slot["status"] for slot in slots] == ["SOLD_OUT"]


def test_seeding_twice_changes_nothing(demo):
    from intake.models import Order, PartnerCredential

    before = (Order.objects.count(), PartnerCredential.objects.filter(channel="octo").count())
    seed(io.StringIO())
    assert (Order.objects.count(), PartnerCredential.objects.filter(channel="octo").count()) == before


def test_first_product_has_room_for_the_validators_stacked_holds(demo):
    from datetime import timedelta

    from django.utils import timezone

    products = OctoClient(DEMO_KEY).get("/products").data
    first = products[0]
    assert first["id"] == "river-cruise-50"
    assert {p["availabilityType"] for p in products} == {"START_TIME", "OPENING_HOURS"}
    option = next(o for o in first["options"] if o["default"])
    assert option["requiredContactFields"] == []
    assert option["restrictions"]["maxUnits"] is None or option["restrictions"]["maxUnits"] >= 3
    slots = OctoClient(DEMO_KEY).post("/availability", {"productId": first["id"], "optionId": option["id"],
                                                        "localDate": (timezone.localtime() + timedelta(days=1)).date().isoformat()}).data
    assert all(slot["capacity"] >= 100 for slot in slots)
