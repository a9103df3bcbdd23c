"""OCTO requests -> the canonical OrderDraft / OrderChanges.

OCTO sells one unit item per person; the canonical order counts participants
per ticket category. The unit items themselves (their uuids, references and
per-person contacts) and the full OCTO contact live in the order's
channel_data, so every booking can be shown back exactly as it was sent.
"""

import secrets
import uuid as uuid_module
from collections import Counter
from datetime import timedelta

from django.conf import settings

from channels.octo.context import CHANNEL, OctoContext
from channels.octo.errors import OctoError
from channels.octo.schemas import (
    BookingConfirmationBody,
    BookingContact,
    BookingReservationBody,
    BookingUnitItem,
    BookingUpdateBody,
)
from channels.octo.slots import parse_availability_id
from intake.drafts import ContactDraft, OrderChanges, OrderDraft

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CONTACT_KEYS = ("fullName", "firstName", "lastName", "emailAddress", "phoneNumber", "postalCode", "country", "notes")


def new_uuid() -> str:
    return str(uuid_module.uuid4())


def booking_uuid(value: str | None) -> str:
    """The reserve's idempotency key: the client's uuid (lowercased) or a fresh uuid4."""
    if value is None or not value.strip():
        return new_uuid()
    try:
        return str(uuid_module.UUID(value.strip()))
    except ValueError:
        raise OctoError("INVALID_BOOKING_UUID", "The uuid must be an RFC 4122 UUID", value) from None


def hold_ttl(minutes: int | None) -> timedelta:
    return timedelta(minutes=minutes or settings.INTAKE["DEFAULT_HOLD_MINUTES"])


def contact_data(contact: BookingContact | None) -> dict:
    """The OCTO contact with every key present (the shape Booking.contact echoes)."""
    data = {key: None for key in CONTACT_KEYS}
    data["locales"] = []
    if contact is not None:
        data.update({key: getattr(contact, key) or None for key in CONTACT_KEYS})
        data["locales"] = list(contact.locales)
    return data


def contact_draft(contact: BookingContact | None) -> ContactDraft:
    if contact is None:
        return ContactDraft()
    name = contact.fullName or " ".join(part for part in (contact.firstName, contact.lastName) if part)
    country = (contact.country or "").strip().upper()
    language = contact.locales[0].split("-")[0].lower() if contact.locales else ""
    return ContactDraft(
        name=name or "",
        email=contact.emailAddress or "",
        phone=contact.phoneNumber or "",
        country=country if len(country) == 2 else "",
        language=language[:8],
    )


def _supplier_reference() -> str:
    return "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def unit_items_data(items: list[BookingUnitItem], *, known: list[dict] | None = None, unit_codes: set[str]) -> list[dict]:
    """Unit items to store: kept ones (by uuid) keep their supplier reference, new ones get fresh ids."""
    if not items:
        raise OctoError("UNPROCESSABLE_ENTITY", "At least one unit item is needed")
    by_uuid = {item["uuid"]: item for item in known or []}
    stored, seen = [], set()
    for item in items:
        if item.unitId not in unit_codes:
            raise OctoError("INVALID_UNIT_ID", f"There is no unit {item.unitId!r} for this product", item.unitId)
        item_uuid = booking_uuid(item.uuid) if item.uuid else new_uuid()
        if item_uuid in seen:
            item_uuid = new_uuid()
        seen.add(item_uuid)
        previous = by_uuid.get(item_uuid, {})
        stored.append({
            "uuid": item_uuid,
            "unitId": item.unitId,
            "resellerReference": item.resellerReference or previous.get("resellerReference"),
            "supplierReference": previous.get("supplierReference") or _supplier_reference(),
            "contact": contact_data(item.contact) if item.contact else previous.get("contact") or contact_data(None),
        })
    return stored


def participants(items: list[dict]) -> dict[str, int]:
    return dict(Counter(item["unitId"] for item in items))


def start_from(availability_id: str | None):
    start = parse_availability_id(availability_id)
    if start is None:
        raise OctoError("INVALID_AVAILABILITY_ID", "The availabilityId is missing or not one of ours", availability_id)
    return start


def reservation_draft(
    *, body: BookingReservationBody, ctx: OctoContext, uuid: str, unit_codes: set[str], raw_source_id: int | None
) -> OrderDraft:
    if not body.unitItems:
        raise OctoError("UNPROCESSABLE_ENTITY", "unitItems must list at least one unit")
    items = unit_items_data(body.unitItems, unit_codes=unit_codes)
    start = start_from(body.availabilityId)
    contact = contact_draft(body.contact)
    return OrderDraft(
        channel=CHANNEL,
        partner_code=ctx.partner.code,
        external_reference=uuid,
        reseller_reference=body.resellerReference or "",
        product_code=body.productId,
        option_code=body.optionId,
        start=start,
        participants=participants(items),
        contact=contact,
        notes=body.notes or "",
        language=contact.language,
        test_mode=ctx.test_mode,
        raw_source_id=raw_source_id,
        channel_data={"unit_items": items, "contact": contact_data(body.contact)},
    )


def confirmation_changes(*, body: BookingConfirmationBody, known_items: list[dict], unit_codes: set[str]) -> OrderChanges:
    channel_data: dict = {"contact": contact_data(body.contact)}
    changes = OrderChanges(
        contact=contact_draft(body.contact),
        reseller_reference=body.resellerReference,
    )
    if body.unitItems is not None:
        items = unit_items_data(body.unitItems, known=known_items, unit_codes=unit_codes)
        changes.participants = participants(items)
        channel_data["unit_items"] = items
    changes.channel_data = channel_data
    return changes


def update_changes(*, body: BookingUpdateBody, known_items: list[dict], unit_codes: set[str]) -> OrderChanges:
    changes = OrderChanges(
        product_code=body.productId,
        option_code=body.optionId,
        notes=body.notes,
        reseller_reference=body.resellerReference,
    )
    channel_data: dict = {}
    if body.availabilityId is not None:
        changes.start = start_from(body.availabilityId)
    if body.contact is not None:
        changes.contact = contact_draft(body.contact)
        channel_data["contact"] = contact_data(body.contact)
    if body.unitItems is not None:
        items = unit_items_data(body.unitItems, known=known_items, unit_codes=unit_codes)
        changes.participants = participants(items)
        channel_data["unit_items"] = items
    if channel_data:
        changes.channel_data = channel_data
    return changes
