"""Translate between the partner API's wire format and the canonical shapes of intake/availability."""

import json
from typing import TypeVar

import phonenumbers
from django.utils.translation.trans_real import parse_accept_lang_header
from pydantic import BaseModel, ValidationError

from availability.selectors import Slot
from channels.api.errors import ApiProblem, field_error, validation_problem
from channels.api.schemas import Contact, OrderAmend, OrderCreate
from intake.drafts import ContactDraft, OrderChanges, OrderDraft
from intake.models import Partner

CHANNEL = "api"
M = TypeVar("M", bound=BaseModel)


def body_parse(model: type[M], body: bytes, *, empty_allowed: bool = False) -> M:
    """The request body as `model`, or a problem: malformed JSON, wrong types and unknown fields are 400."""
    if empty_allowed and not body.strip():
        body = b"{}"
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        invalid_json = [e for e in exc.errors(include_url=False) if e["type"] == "json_invalid"]
        if invalid_json:
            raise ApiProblem("malformed_json", f"the body is not valid JSON: {invalid_json[0]['msg']}")
        raise validation_problem(exc)


def source_key_peek(body: bytes, idempotency_key: str) -> str:
    """The order's identity for the raw source, read without trusting the body to be JSON."""
    if idempotency_key:
        return idempotency_key
    try:
        value = json.loads(body).get("external_reference")
    except (ValueError, AttributeError, UnicodeDecodeError, RecursionError):
        return ""
    return value if isinstance(value, str) else ""


def idempotency_reference(*, wire: OrderCreate, idempotency_key: str) -> str:
    key = idempotency_key.strip()
    if key and len(key) > 200:
        raise ApiProblem("validation_error", "Idempotency-Key: at most 200 characters",
                         [{"field": "Idempotency-Key", "pointer": "#", "detail": "at most 200 characters"}])
    if key and wire.external_reference and key != wire.external_reference:
        raise ApiProblem("idempotency_key_mismatch",
                         "send the same value in Idempotency-Key and external_reference, or only one of them")
    reference = wire.external_reference or key
    if not reference:
        raise ApiProblem("idempotency_key_missing",
                         "retries must be recognisable: send an Idempotency-Key header or external_reference")
    return reference


def _phone_e164(phone: str, *, country: str, path: tuple) -> str:
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, country.upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ApiProblem("validation_error", f"{'.'.join(path)}: not a phone number",
                         [field_error(path, "not a phone number; use E.164 (+420...) or give contact.country")])
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_draft(contact: Contact, *, partner: Partner, path: tuple = ("contact",)) -> ContactDraft:
    return ContactDraft(
        name=contact.name,
        email=contact.email,
        phone=_phone_e164(contact.phone, country=contact.country or partner.country, path=(*path, "phone")),
        country=contact.country.upper(),
        language=contact.language.lower(),
    )


def draft_from_order_create(*, wire: OrderCreate, partner: Partner, idempotency_key: str,
                            raw_source_id: int) -> OrderDraft:
    return OrderDraft(
        channel=CHANNEL,
        partner_code=partner.code,
        external_reference=idempotency_reference(wire=wire, idempotency_key=idempotency_key),
        reseller_reference=wire.reseller_reference,
        product_code=wire.product,
        option_code=wire.option,
        start=wire.start,
        participants=dict(wire.participants),
        contact=contact_draft(wire.contact, partner=partner),
        notes=wire.notes,
        language=wire.language.lower() or wire.contact.language.lower(),
        test_mode=wire.test_mode,
        raw_source_id=raw_source_id,
    )


def changes_from_amend(*, wire: OrderAmend, partner: Partner) -> OrderChanges:
    return OrderChanges(
        start=wire.start,
        participants=dict(wire.participants) if wire.participants is not None else None,
        contact=contact_draft(wire.contact, partner=partner) if wire.contact is not None else None,
        notes=wire.notes,
    )


# --- catalogue and availability ----------------------------------------------


def languages_from_header(header: str) -> list[str]:
    """Accept-Language as a preference list of lower-case tags, each followed by its primary language."""
    languages: list[str] = []
    for tag, _quality in parse_accept_lang_header(header or "")[:10]:
        if tag == "*":
            continue
        for candidate in (tag.lower(), tag.lower().split("-")[0]):
            if candidate not in languages:
                languages.append(candidate)
    return languages


def _pick(names: dict, languages: list[str], fallback: str) -> tuple[str, str]:
    for language in [*languages, "en"]:
        if names.get(language):
            return names[language], language
    for language, value in names.items():
        if value:
            return value, language
    return fallback, "en"


def product_to_wire(product, languages: list[str]) -> dict:
    name, language = _pick(product.name, languages, product.code)
    description = product.description.get(language) or _pick(product.description, languages, "")[0]
    return {
        "code": product.code,
        "name": name,
        "description": description,
        "language": language,
        "timezone": product.timezone,
        "currency": product.currency,
        "availability_type": product.availability_type,
        "duration_minutes": product.duration_minutes,
        "booking_cutoff_minutes": product.booking_cutoff_minutes,
        "cancellation_cutoff_minutes": product.cancellation_cutoff_minutes,
        "options": [
            {
                "code": option.code,
                "name": _pick(option.name, languages, option.code)[0],
                "default": option.is_default or len(product.options.all()) == 1,
                "min_units": option.min_units,
                "max_units": option.max_units,
            }
            for option in product.options.all()
        ],
        "units": [
            {
                "code": unit.code,
                "type": unit.type,
                "name": _pick(unit.name, languages, unit.code)[0],
                "min_age": unit.min_age,
                "max_age": unit.max_age,
                "price_minor": unit.price_minor,
                "currency": unit.currency,
                "accompanied_by": list(unit.accompanied_by or []),
            }
            for unit in product.units.all()
        ],
    }


def slot_to_wire(slot: Slot) -> dict:
    return {
        "start": slot.starts_at.isoformat(),
        "end": slot.ends_at.isoformat(),
        "all_day": slot.all_day,
        "status": slot.status,
        "available": slot.available,
        "vacancies": slot.vacancies,
        "capacity": slot.capacity,
        "booking_cutoff": slot.cutoff_at.astimezone(slot.starts_at.tzinfo).isoformat(),
        "prices": [
            {"unit": price.code, "type": price.type, "price_minor": price.price_minor, "currency": price.currency}
            for price in slot.prices
        ],
    }
