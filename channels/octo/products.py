"""The catalogue as OCTO Product -> Option -> Unit objects."""

from availability.models import AvailabilityType
from availability.models import Option as CatalogueOption
from availability.models import Product as CatalogueProduct
from availability.models import Unit as CatalogueUnit
from channels.octo.context import OctoContext
from channels.octo.pricing import pricing
from channels.octo.schemas import Option, OptionRestrictions, Product, Unit, UnitRestrictions

DELIVERY_FORMATS = ["QRCODE"]
DELIVERY_METHODS = ["VOUCHER", "TICKET"]
REDEMPTION_METHOD = "DIGITAL"
MAX_AGE = 99  # the spec wants an integer; the catalogue says "no upper limit" with null


def cancellation_cutoff(minutes: int) -> tuple[str, int, str]:
    """(text, amount, unit) in the largest whole unit: 1440 -> ("1 day", 1, "day")."""
    for unit, size in (("day", 1440), ("hour", 60)):
        if minutes and minutes % size == 0:
            amount = minutes // size
            return f"{amount} {unit}{'s' if amount != 1 else ''}", amount, unit
    return f"{minutes} minute{'s' if minutes != 1 else ''}", minutes, "minute"


def product_languages(product: CatalogueProduct) -> list[str]:
    languages = list(product.name)
    for mapping in (product.description,):
        languages += [lang for lang in mapping if lang not in languages]
    return languages or ["en"]


def _pick(texts: dict, language: str) -> str | None:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), None)


def unit_wire(unit: CatalogueUnit, *, units: list[CatalogueUnit], ctx: OctoContext, language: str) -> Unit:
    companions = [u.code for u in units if u.type in (unit.accompanied_by or []) and u.pk != unit.pk]
    fields = dict(
        id=unit.code,
        internalName=unit.title("en"),
        reference=None,
        type=unit.type,
        restrictions=UnitRestrictions(
            minAge=unit.min_age,
            maxAge=unit.max_age if unit.max_age is not None else MAX_AGE,
            idRequired=unit.requires_id,
            minQuantity=unit.min_quantity or None,
            maxQuantity=unit.max_quantity,
            paxCount=unit.seats_per_unit,
            accompaniedBy=companions,
        ),
        requiredContactFields=[],
    )
    if ctx.pricing:
        fields["pricingFrom"] = [pricing(unit.price_minor, unit.currency)]
    if ctx.content:
        fields.update(title=_pick(unit.name, language) or unit.code, shortDescription="", features=[])
    return Unit(**fields)


def _start_times(product: CatalogueProduct, option: CatalogueOption) -> list[str]:
    if product.availability_type == AvailabilityType.OPENING_HOURS:
        return []  # the validator wants none for opening-hours products (octo.md 2.1 / 4)
    times = sorted({t for schedule in option.schedules.all() for t in schedule.start_times})
    return times or ["00:00"]


def _content(texts: dict, description: dict, language: str, duration: int) -> dict:
    return dict(
        title=_pick(texts, language) or "",
        shortDescription=_pick(description, language),
        features=[], faqs=[], media=[], locations=[], categoryLabels=[],
        durationMinutesFrom=duration, durationMinutesTo=None, commentary=[],
    )


def option_wire(product: CatalogueProduct, option: CatalogueOption, *, ctx: OctoContext, language: str) -> Option:
    units = list(product.units.all())
    text, amount, unit_name = cancellation_cutoff(product.cancellation_cutoff_minutes)
    fields = dict(
        id=option.code,
        default=option.is_default,
        internalName=option.title("en") if option.name else product.title("en"),
        reference=None,
        availabilityLocalStartTimes=_start_times(product, option),
        cancellationCutoff=text,
        cancellationCutoffAmount=amount,
        cancellationCutoffUnit=unit_name,
        requiredContactFields=[],
        restrictions=OptionRestrictions(minUnits=option.min_units, maxUnits=option.max_units),
        units=[unit_wire(u, units=units, ctx=ctx, language=language) for u in units],
    )
    if ctx.pricing and units:
        cheapest = min(units, key=lambda u: u.price_minor)
        fields["pricingFrom"] = [pricing(cheapest.price_minor, cheapest.currency)]
    if ctx.content:
        fields.update(_content(option.name or product.name, {}, language, product.duration_minutes))
    return Option(**fields)


def product_wire(product: CatalogueProduct, *, ctx: OctoContext) -> Product:
    languages = product_languages(product)
    language = ctx.language_for(languages)
    options = list(product.options.all())
    fields = dict(
        id=product.code,
        internalName=product.title("en"),
        reference=None,
        locale=language if ctx.content else "en",
        timeZone=product.timezone,
        allowFreesale=any(s.capacity is None for o in options for s in o.schedules.all()),
        instantConfirmation=True,
        instantDelivery=True,
        availabilityRequired=True,
        availabilityType=product.availability_type,
        deliveryFormats=DELIVERY_FORMATS,
        deliveryMethods=DELIVERY_METHODS,
        redemptionMethod=REDEMPTION_METHOD,
        options=[option_wire(product, o, ctx=ctx, language=language) for o in options],
    )
    if ctx.pricing:
        fields.update(defaultCurrency=product.currency, availableCurrencies=[product.currency], pricingPer="UNIT")
    if ctx.content:
        fields.update(_content(product.name, product.description, language, product.duration_minutes))
        fields["description"] = _pick(product.description, language)
        ctx.languages_served = sorted(set(ctx.languages_served) | set(languages))
        ctx.content_language = ctx.content_language or language
    return Product(**fields)
