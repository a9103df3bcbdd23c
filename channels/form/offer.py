"""What the form shows: offered products, departures of a day and the next free ones, in the guest's language.

Read-only; seats and prices come from availability.selectors.availability_search.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency, get_currency_precision
from django.utils import timezone

from availability.models import Option, Product, Unit
from availability.selectors import CLOSED, SOLD_OUT, Slot, availability_search
from channels.form.models import FormToken
from channels.form.texts import texts_for

NEXT_DEPARTURES_DAYS = 30
NEXT_DEPARTURES_LIMIT = 5


@dataclass(frozen=True)
class DepartureChoice:
    value: str  # local start time with offset: what the form posts back
    label: str
    status: str
    vacancies: int | None
    bookable: bool


@dataclass(frozen=True)
class TicketChoice:
    code: str
    label: str
    price_minor: int
    currency: str
    price_text: str
    max_quantity: int


def money_text(amount_minor: int, currency: str, language: str) -> str:
    return format_currency(amount_minor / 10 ** get_currency_precision(currency), currency, locale=language)


def _offered(form_token: FormToken):
    products = Product.objects.filter(active=True)
    return products.filter(code__in=form_token.products) if form_token.products else products


def form_product_choices(form_token: FormToken, language: str) -> list[tuple[str, str]]:
    """(code, name) of every product the form offers, for the product select."""
    return [(p.code, p.title(language)) for p in _offered(form_token).only("code", "name")]


def form_product(form_token: FormToken, code: str | None) -> Product | None:
    """The asked-for product if the form offers it; without a code, the first offered one."""
    products = _offered(form_token)
    return products.filter(code=code).first() if code else products.first()


def option_pick(product: Product, code: str | None) -> Option | None:
    options = list(product.options.all())
    chosen = next((o for o in options if o.code == code), None) if code else None
    return chosen or next((o for o in options if o.is_default), None) or (options[0] if options else None)


def local_today(product: Product) -> date:
    return timezone.now().astimezone(ZoneInfo(product.timezone)).date()


def slot_when_text(starts_at: datetime, language: str, *, with_date: bool = True) -> str:
    time_text = format_time(starts_at, "short", locale=language)
    return f"{format_date(starts_at, 'full', locale=language)}, {time_text}" if with_date else time_text


def slot_choice(slot: Slot, language: str, *, with_date: bool = False) -> DepartureChoice:
    words = texts_for(language)
    when = slot_when_text(slot.starts_at, language, with_date=with_date)
    if slot.status == CLOSED:
        state = words["closed"]
    elif slot.status == SOLD_OUT:
        state = words["sold_out"]
    elif slot.vacancies is None:
        state = words["available"]
    else:
        state = words["seats_left"].format(n=slot.vacancies)
    return DepartureChoice(
        value=slot.starts_at.isoformat(),
        label=f"{when} · {state}",
        status=slot.status,
        vacancies=slot.vacancies,
        bookable=slot.available,
    )


def departures_on(*, option: Option, day: date, language: str) -> list[DepartureChoice]:
    return [slot_choice(s, language) for s in availability_search(option_id=option.pk, date_from=day, date_to=day)]


def departures_next(*, option: Option, after: datetime, seats: int, language: str) -> list[DepartureChoice]:
    """Bookable departures after `after` with room for the whole party: what a refused guest is offered."""
    zone = ZoneInfo(option.product.timezone)
    start_day = after.astimezone(zone).date()
    slots = availability_search(
        option_id=option.pk, date_from=start_day, date_to=start_day + timedelta(days=NEXT_DEPARTURES_DAYS)
    )
    fitting = [
        s for s in slots
        if s.starts_at > after and s.available and (s.vacancies is None or s.vacancies >= max(seats, 1))
    ]
    return [slot_choice(s, language, with_date=True) for s in fitting[:NEXT_DEPARTURES_LIMIT]]


def first_bookable_day(*, option: Option) -> date:
    today = local_today(option.product)
    slots = availability_search(option_id=option.pk, date_from=today, date_to=today + timedelta(days=NEXT_DEPARTURES_DAYS))
    return next((s.starts_at.date() for s in slots if s.available), today)


def ticket_choices(*, product: Product, option: Option, language: str) -> list[TicketChoice]:
    words = texts_for(language)
    limit = option.max_units or 20
    choices = []
    for unit in Unit.objects.filter(product=product).order_by("sort_order", "code"):
        if unit.max_age is not None:
            ages = words["age_range"].format(low=unit.min_age, high=unit.max_age)
        elif unit.min_age:
            ages = words["age_from"].format(low=unit.min_age)
        else:
            ages = ""
        label = unit.title(language) + (f" ({ages})" if ages else "")
        choices.append(
            TicketChoice(
                code=unit.code,
                label=label,
                price_minor=unit.price_minor,
                currency=unit.currency,
                price_text=money_text(unit.price_minor, unit.currency, language),
                max_quantity=min(unit.max_quantity or limit, limit),
            )
        )
    return choices
