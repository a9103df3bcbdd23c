import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from channels.form.models import FormToken
from tests.factories import make_bookable, make_partner

PARTNER_ORIGIN = "https://www.hotel.example"


@dataclass
class FormWorld:
    form_token: FormToken
    product: object
    option: object
    departure: object

    @property
    def url(self) -> str:
        return f"/form/{self.form_token.token}/"

    @property
    def start(self) -> str:
        return self.departure.starts_at.astimezone(ZoneInfo(self.product.timezone)).isoformat()

    @property
    def day(self) -> str:
        return self.departure.starts_at.astimezone(ZoneInfo(self.product.timezone)).date().isoformat()


def make_form_world(*, capacity=10, origins=(PARTNER_ORIGIN,), **product_fields) -> FormWorld:
    product, option, departure = make_bookable(capacity=capacity, **product_fields)
    product.name = {"en": "River cruise", "cs": "Plavba po řece", "de": "Flussfahrt"}
    product.save(update_fields=["name"])
    for unit, names in ((product.units.get(code="ADULT"), ("Adult", "Dospělý", "Erwachsener")),
                        (product.units.get(code="CHILD"), ("Child", "Dítě", "Kind"))):
        unit.name = dict(zip(("en", "cs", "de"), names))
        unit.save(update_fields=["name"])
    partner = make_partner(country="CZ", language="cs")
    form_token = FormToken.objects.create(partner=partner, allowed_origins=list(origins), products=[product.code])
    return FormWorld(form_token=form_token, product=product, option=option, departure=departure)


@pytest.fixture
def world(db) -> FormWorld:
    return make_form_world()


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def booking_post(world: FormWorld, page_html: str, **overrides) -> dict:
    """What a guest's browser posts after filling the rendered form: 2 adults on the world's departure."""
    fields = hidden_fields(page_html.split('id="booking"', 1)[1])
    fields.update(
        start=world.start, qty_ADULT="2", qty_CHILD="0", name="Jana Nováková",
        email="jana@example.com", phone="601 123 456", notes="",
    )
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}
