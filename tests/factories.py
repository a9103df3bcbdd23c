"""Small builders for test data (no large fixtures copied between tests)."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from availability.models import Departure, Option, Product, Resource, Schedule, Unit
from intake.drafts import ContactDraft, OrderDraft
from intake.models import Partner
from intake.services.credentials import credential_issue

PRAGUE = ZoneInfo("Europe/Prague")
_seq = itertools.count(1)


def make_product(*, code=None, options=("DEFAULT",), units=(("ADULT", 1000), ("CHILD", 500)), **fields) -> Product:
    code = code or f"product-{next(_seq)}"
    product = Product.objects.create(code=code, name={"en": code.replace("-", " ").title()}, **fields)
    for i, option_code in enumerate(options):
        Option.objects.create(product=product, code=option_code, is_default=i == 0, sort_order=i, max_units=50)
    for i, (unit_code, price) in enumerate(units):
        Unit.objects.create(product=product, code=unit_code, type=unit_code, price_minor=price, currency="CZK", sort_order=i)
    return product


def make_schedule(*, options, capacity=10, times=("10:00",), resource=None, **fields) -> Schedule:
    n = next(_seq)
    resource = resource or Resource.objects.create(code=f"boat-{n}", name=f"Boat {n}")
    schedule = Schedule.objects.create(code=f"schedule-{n}", resource=resource, capacity=capacity,
                                       start_times=list(times), weekdays=[1, 2, 3, 4, 5, 6, 7], **fields)
    schedule.options.set(options)
    return schedule


def make_departure(*, schedule: Schedule, starts_at: datetime | None = None, capacity=None, **fields) -> Departure:
    starts_at = starts_at or (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    return Departure.objects.create(
        schedule=schedule, resource=schedule.resource, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
        capacity=schedule.capacity if capacity is None else capacity, **fields)


def make_bookable(*, capacity=10, options=("DEFAULT",), starts_at=None, **product_fields):
    """A product with one option and one departure a week ahead: (product, option, departure)."""
    product = make_product(options=options, **product_fields)
    option = product.options.get(code=options[0])
    schedule = make_schedule(options=list(product.options.all()), capacity=capacity)
    return product, option, make_departure(schedule=schedule, starts_at=starts_at)


def make_partner(*, code=None, **fields) -> Partner:
    code = code or f"partner-{next(_seq)}"
    return Partner.objects.create(code=code, name=code.title(), **fields)


def make_api_key(*, partner: Partner, channel: str) -> str:
    return credential_issue(partner=partner, channel=channel)[1]


def make_draft(*, product: Product, departure: Departure, partner: Partner | None = None, channel="api",
               participants=None, external_reference=None, option_code=None, **fields) -> OrderDraft:
    return OrderDraft(
        channel=channel,
        partner_code=partner.code if partner else None,
        external_reference=external_reference,
        product_code=product.code,
        option_code=option_code,
        start=departure.starts_at.astimezone(ZoneInfo(product.timezone)),
        participants=participants or {"ADULT": 1},
        contact=ContactDraft(name="Test Guest", email="guest@example.com"),
        **fields,
    )
