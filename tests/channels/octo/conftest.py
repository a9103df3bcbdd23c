"""A small catalogue shaped like octo.md 2.2, a reseller with a key, and a client that checks every response."""

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from availability.services import schedule_generate_departures
from intake.drafts import OrderDraft
from intake.services import order_submit
from tests.channels.octo.contract import validate_response
from tests.factories import make_api_key, make_partner, make_product, make_schedule

PRAGUE = ZoneInfo("Europe/Prague")


@pytest.fixture(autouse=True)
def _fresh_lookups():
    """Catalogue rows get new ids in every test: start each with an empty per-process lookup memory."""
    from channels.octo.lookups import lookups_clear

    lookups_clear()
    yield
    lookups_clear()


class OctoClient:
    """Django's test client speaking OCTO; every response is validated against openapi.yaml."""

    def __init__(self, key: str | None, headers: dict | None = None):
        self.client = Client()
        self.key = key
        self.headers = headers or {}

    def call(self, method: str, path: str, body=None, headers: dict | None = None):
        all_headers = {**self.headers, **(headers or {})}
        if self.key is not None:
            all_headers.setdefault("Authorization", f"Bearer {self.key}")
        url = f"/octo{path}"
        kwargs = {"headers": all_headers}
        if body is not None:
            kwargs.update(data=json.dumps(body) if not isinstance(body, (str, bytes)) else body, content_type="application/json")
        response = getattr(self.client, method.lower())(url, **kwargs)
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        response.data = response.json()
        if response.status_code in (200, 400):
            validate_response(url, method, response.status_code, response.data)
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, {} if body is None else body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, {} if body is None else body, **kw)


@dataclass
class OctoCatalogue:
    cruise: object  # START_TIME, capacity 100, 10:30 and 14:30 daily
    museum: object  # OPENING_HOURS 10:00-18:00
    lunch: object  # START_TIME, capacity 4; tomorrow's 12:00 is sold out
    tomorrow: object

    def cruise_slot(self, days: int = 1, at: str = "10:30") -> str:
        day = self.tomorrow + timedelta(days=days - 1)
        return datetime.combine(day, time.fromisoformat(at), tzinfo=PRAGUE).isoformat()

    def lunch_slot(self, days: int = 1) -> str:
        day = self.tomorrow + timedelta(days=days - 1)
        return datetime.combine(day, time(12, 0), tzinfo=PRAGUE).isoformat()


def _generate(schedule) -> None:
    schedule_generate_departures(schedule_id=schedule.pk, days_ahead=35)


@pytest.fixture
def catalogue(db) -> OctoCatalogue:
    cruise = make_product(code="cruise", units=(("ADULT", 35000), ("CHILD", 18000)), cancellation_cutoff_minutes=60)
    cruise.name = {"en": "River cruise", "de": "Flussfahrt"}
    cruise.description = {"en": "Fifty minutes on the river.", "de": "Fünfzig Minuten auf dem Fluss."}
    cruise.save()
    _generate(make_schedule(options=list(cruise.options.all()), capacity=100, times=("10:30", "14:30")))
    museum = make_product(code="museum", availability_type="OPENING_HOURS", units=(("ADULT", 22000),))
    _generate(make_schedule(options=list(museum.options.all()), capacity=300, times=("10:00",), closing_time="18:00"))
    lunch = make_product(code="lunch", units=(("ADULT", 99000),))
    _generate(make_schedule(options=list(lunch.options.all()), capacity=4, times=("12:00",)))
    tomorrow = (timezone.now().astimezone(PRAGUE) + timedelta(days=1)).date()
    catalogue = OctoCatalogue(cruise=cruise, museum=museum, lunch=lunch, tomorrow=tomorrow)
    sold_out = OrderDraft(
        channel="admin", external_reference="full-lunch", product_code="lunch",
        start=datetime.fromisoformat(catalogue.lunch_slot()), participants={"ADULT": 4},
    )
    order_submit(draft=sold_out, hold_ttl=None, review_on_problem=False)
    return catalogue


@pytest.fixture
def reseller(db):
    return make_partner(code="octo-reseller", kind="reseller")


@pytest.fixture
def octo(catalogue, reseller) -> OctoClient:
    return OctoClient(make_api_key(partner=reseller, channel="octo"))


@pytest.fixture
def other_octo(catalogue) -> OctoClient:
    """A second reseller on the same channel."""
    return OctoClient(make_api_key(partner=make_partner(code="other-reseller"), channel="octo"))


def reserve(octo: OctoClient, catalogue: OctoCatalogue, *, units=("ADULT", "ADULT"), slot=None, headers=None, **extra):
    body = {
        "productId": "cruise",
        "optionId": "DEFAULT",
        "availabilityId": slot or catalogue.cruise_slot(),
        "unitItems": [{"unitId": unit} for unit in units],
        **extra,
    }
    return octo.post("/bookings", body, headers=headers)
