"""Turn a draft into catalogue objects and check the business rules, once for every channel."""

from dataclasses import dataclass

from availability.models import Option, Product, Unit
from availability.selectors import CLOSED, SOLD_OUT, Slot, slot_for_option_at
from intake.booking_rows import option_with_product, partner_active, product_units
from intake.drafts import OrderDraft
from intake.errors import (
    DepartureNotBookable,
    InvalidParticipants,
    MissingField,
    NoSuchDeparture,
    OverCapacity,
    UnknownOption,
    UnknownPartner,
    UnknownProduct,
    UnknownUnit,
)
from intake.models import Partner

# Channels where an order may come without a partner (a dispatcher typing one in).
PARTNERLESS_CHANNELS = {"admin", "direct"}


@dataclass
class ResolvedOrder:
    partner: Partner | None
    product: Product
    option: Option
    slot: Slot
    lines: list[tuple[Unit, int]]

    @property
    def seats(self) -> int:
        return sum(unit.seats_per_unit * count for unit, count in self.lines)

    @property
    def total_minor(self) -> int:
        return sum(unit.price_minor * count for unit, count in self.lines)

    @property
    def currency(self) -> str:
        return self.lines[0][0].currency if self.lines else self.product.currency


def partner_resolve(*, channel: str, partner_code: str | None) -> Partner | None:
    if partner_code is None:
        if channel in PARTNERLESS_CHANNELS:
            return None
        raise UnknownPartner("the sender is not a known partner")
    partner = partner_active(partner_code)
    if partner is None:
        raise UnknownPartner(f"no active partner {partner_code!r}", partner_code=partner_code)
    return partner


def option_resolve(*, product_code: str | None, option_code: str | None) -> Option:
    if not product_code:
        raise UnknownProduct("no product given", field="product")
    if option_code:
        # One read for the usual case: the option named, with its product.
        option = option_with_product(product_code, option_code)
        if option is not None:
            return option
        # else tell an unknown product from an unknown option below
    product = Product.objects.filter(code=product_code, active=True).first()
    if product is None:
        raise UnknownProduct(f"no product {product_code!r}", field="product", product_code=product_code)
    options = list(product.options.all())
    if option_code:
        for option in options:
            if option.code == option_code:
                return option
        raise UnknownOption(f"{product_code!r} has no option {option_code!r}", field="option", option_code=option_code)
    if len(options) == 1:
        return options[0]
    default = next((o for o in options if o.is_default), None)
    if default is None:
        raise UnknownOption(f"{product_code!r} needs an option: {', '.join(o.code for o in options)}", field="option")
    return default


def lines_resolve(*, product: Product, option: Option, participants: dict[str, int]) -> list[tuple[Unit, int]]:
    if not participants:
        raise InvalidParticipants("no participants given", field="participants")
    units = product_units(product.pk)  # one product: its own order, no join
    by_code = {u.code: u for u in units}
    by_type = {}
    for unit in units:
        by_type.setdefault(unit.type, unit)
    counts: dict[int, tuple[Unit, int]] = {}
    for key, count in participants.items():
        unit = by_code.get(key) or by_type.get(key.upper())
        if unit is None:
            raise UnknownUnit(f"{product.code!r} has no ticket category {key!r}", field="participants", unit=key)
        previous = counts.get(unit.pk, (unit, 0))[1]
        counts[unit.pk] = (unit, previous + count)
    lines = sorted(counts.values(), key=lambda line: line[0].sort_order)
    _check_limits(option=option, lines=lines)
    return lines


def _check_limits(*, option: Option, lines: list[tuple[Unit, int]]) -> None:
    total = sum(count for _, count in lines)
    if total < option.min_units:
        raise InvalidParticipants(f"at least {option.min_units} participants per booking", field="participants")
    if option.max_units is not None and total > option.max_units:
        raise InvalidParticipants(f"at most {option.max_units} participants per booking", field="participants")
    present = {unit.type for unit, count in lines if count}
    for unit, count in lines:
        if count < unit.min_quantity and count:
            raise InvalidParticipants(f"at least {unit.min_quantity} x {unit.code}", field="participants")
        if unit.max_quantity is not None and count > unit.max_quantity:
            raise InvalidParticipants(f"at most {unit.max_quantity} x {unit.code}", field="participants")
        if unit.accompanied_by and not present.intersection(unit.accompanied_by):
            raise InvalidParticipants(
                f"{unit.code} must be accompanied by {' or '.join(unit.accompanied_by)}", field="participants"
            )


def draft_resolve(*, draft: OrderDraft) -> ResolvedOrder:
    """Everything a booking needs, or the first reason it cannot be booked."""
    partner = partner_resolve(channel=draft.channel, partner_code=draft.partner_code)
    option = option_resolve(product_code=draft.product_code, option_code=draft.option_code)
    product = option.product
    lines = lines_resolve(product=product, option=option, participants=draft.participants)
    if draft.start is None:
        raise MissingField("no date and time given", field="start")
    slot = slot_for_option_at(option_id=option.pk, starts_at=draft.start, product=product)
    if slot is None:
        raise NoSuchDeparture(
            f"{product.code} has no departure at {draft.start.isoformat()}", field="start", start=draft.start.isoformat()
        )
    resolved = ResolvedOrder(partner=partner, product=product, option=option, slot=slot, lines=lines)
    slot_check_bookable(slot=slot, seats=resolved.seats)
    return resolved


def slot_check_bookable(*, slot: Slot, seats: int) -> None:
    if slot.status == CLOSED:
        raise DepartureNotBookable("the departure is closed or past its booking cut-off", departure_id=slot.departure_id)
    if slot.status == SOLD_OUT or (slot.vacancies is not None and slot.vacancies < seats):
        raise OverCapacity(
            f"only {slot.vacancies} seats left, {seats} requested",
            departure_id=slot.departure_id,
            vacancies=slot.vacancies,
            requested=seats,
        )
