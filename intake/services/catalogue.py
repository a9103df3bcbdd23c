"""Load and dump the whole catalogue and the partners (see intake/catalogue_file.py)."""

from django.db import transaction
from pydantic import ValidationError

from availability.models import Option, Product, Resource, Schedule, Unit
from availability.services import schedule_generate_departures
from intake.catalogue_file import CatalogueFile
from intake.models import OperatorProfile, Partner, PartnerProductMapping


class CatalogueFileError(ValueError):
    """The file is broken; `errors` names each bad field by its path."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def catalogue_parse(data) -> CatalogueFile:
    try:
        return CatalogueFile.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            errors.append(f"{where}: {err['msg']}" if where else err["msg"])
        raise CatalogueFileError(errors) from None


def _option(product_code: str, ref: str) -> Option:
    product_part, _, option_code = ref.partition("/")
    query = Option.objects.filter(product__code=product_part or product_code)
    return query.get(code=option_code) if option_code else query.order_by("-is_default", "sort_order").first()


@transaction.atomic
def catalogue_import(*, data, generate_days: int | None = None) -> dict:
    """Create or update everything in the file by code; returns counts. All or nothing."""
    spec = catalogue_parse(data)
    op = spec.operator
    OperatorProfile.objects.update_or_create(pk=1, defaults=op.model_dump())
    for resource in spec.resources:
        Resource.objects.update_or_create(code=resource.code, defaults={"name": resource.name or resource.code})
    for position, p in enumerate(spec.products):
        product, _ = Product.objects.update_or_create(code=p.code, defaults=dict(
            name=p.name, description=p.description, timezone=p.timezone or op.timezone,
            availability_type=p.availability_type, duration_minutes=p.duration_minutes,
            booking_cutoff_minutes=p.booking_cutoff_minutes, booking_horizon_days=p.booking_horizon_days,
            cancellation_cutoff_minutes=p.cancellation_cutoff_minutes, currency=p.currency or op.currency,
            active=p.active, sort_order=position))
        options = p.options or [None]
        for i, o in enumerate(options):
            code = o.code if o else Option.DEFAULT_CODE
            Option.objects.update_or_create(product=product, code=code, defaults=dict(
                name=o.name if o else {}, is_default=(o.default if o else True) or (i == 0 and not any(x and x.default for x in options)),
                min_units=o.min_units if o else 1, max_units=o.max_units if o else None, sort_order=i))
        for i, u in enumerate(p.units):
            Unit.objects.update_or_create(product=product, code=u.code, defaults=dict(
                type=u.type, name=u.name, min_age=u.min_age, max_age=u.max_age, min_quantity=u.min_quantity,
                max_quantity=u.max_quantity, price_minor=u.price, currency=p.currency or op.currency,
                requires_id=u.requires_id, accompanied_by=u.accompanied_by, sort_order=i))
    for s in spec.schedules:
        product_tz = Product.objects.get(code=s.options[0].partition("/")[0])
        schedule, _ = Schedule.objects.update_or_create(code=s.code, defaults=dict(
            resource=Resource.objects.get(code=s.resource), weekdays=s.weekdays, months=s.months,
            start_times=s.times, closing_time=s.closing_time or "", valid_from=s.valid_from, valid_to=s.valid_to,
            capacity=s.capacity, timezone=product_tz.timezone, duration_minutes=product_tz.duration_minutes))
        schedule.options.set([_option("", ref) for ref in s.options])
    for p in spec.partners:
        partner, _ = Partner.objects.update_or_create(code=p.code, defaults=p.model_dump(exclude={"code", "product_mapping"}))
        for m in p.product_mapping:
            PartnerProductMapping.objects.update_or_create(
                partner=partner, external_id=m.external_id, external_option_id=m.external_option_id,
                defaults={"external_name": m.external_name, "option": _option(m.product, f"{m.product}/{m.option or ''}")})
    generated = 0
    if generate_days:
        for code in (s.code for s in spec.schedules):
            generated += schedule_generate_departures(schedule_id=Schedule.objects.get(code=code).pk, days_ahead=generate_days)
    return {"products": len(spec.products), "schedules": len(spec.schedules), "partners": len(spec.partners),
            "departures_created": generated}


def catalogue_export() -> dict:
    """The current catalogue as a file that catalogue_import() loads back unchanged."""
    op = OperatorProfile.objects.filter(pk=1).first()
    data = {"schema_version": 1, "operator": {f: getattr(op, f) for f in (
        "name", "timezone", "currency", "country", "website", "email", "telephone", "address", "order_mailbox",
        "own_domains", "phones")} if op else {"name": ""}}
    data["resources"] = [{"code": r.code, "name": r.name} for r in Resource.objects.order_by("code")]
    data["products"] = [_product_dump(p) for p in Product.objects.prefetch_related("options", "units")]
    data["schedules"] = [{
        "code": s.code, "resource": s.resource.code,
        "options": [f"{o.product.code}/{o.code}" for o in s.options.select_related("product").order_by(
            "product__sort_order", "product__code", "sort_order", "code")],
        "times": s.start_times, "closing_time": s.closing_time or None, "weekdays": s.weekdays, "months": s.months,
        "valid_from": s.valid_from.isoformat() if s.valid_from else None,
        "valid_to": s.valid_to.isoformat() if s.valid_to else None, "capacity": s.capacity,
    } for s in Schedule.objects.select_related("resource").order_by("code")]
    data["partners"] = [{
        "code": p.code, "name": p.name, "kind": p.kind, "language": p.language, "country": p.country,
        "contact_email": p.contact_email, "contact_phone": p.contact_phone, "active": p.active,
        "sender_addresses": p.sender_addresses, "phones": p.phones, "unit_mapping": p.unit_mapping,
        "product_mapping": [{
            "external_id": m.external_id, "external_option_id": m.external_option_id, "external_name": m.external_name,
            "product": m.option.product.code, "option": m.option.code,
        } for m in p.product_mappings.select_related("option__product").order_by("external_id", "external_option_id")],
    } for p in Partner.objects.order_by("code")]
    return data


def _product_dump(p: Product) -> dict:
    options = list(p.options.all())
    only_default = len(options) == 1 and options[0].code == Option.DEFAULT_CODE
    return {
        "code": p.code, "name": p.name, "description": p.description, "timezone": p.timezone,
        "availability_type": p.availability_type, "duration_minutes": p.duration_minutes,
        "booking_cutoff_minutes": p.booking_cutoff_minutes, "booking_horizon_days": p.booking_horizon_days,
        "cancellation_cutoff_minutes": p.cancellation_cutoff_minutes, "currency": p.currency, "active": p.active,
        "options": [] if only_default else [{
            "code": o.code, "name": o.name, "default": o.is_default, "min_units": o.min_units, "max_units": o.max_units,
        } for o in options],
        "units": [{
            "code": u.code, "type": u.type, "name": u.name, "min_age": u.min_age, "max_age": u.max_age,
            "min_quantity": u.min_quantity, "max_quantity": u.max_quantity, "price": u.price_minor,
            "requires_id": u.requires_id, "accompanied_by": u.accompanied_by,
        } for u in p.units.all()],
    }
