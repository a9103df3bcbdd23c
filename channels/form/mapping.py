"""From a valid booking form to the canonical draft, and from domain error codes to the form's words."""

from channels.form.forms import BookingForm
from channels.form.models import FormToken
from intake.drafts import ContactDraft, OrderDraft

CHANNEL = "form"

# Error code (intake.errors / availability.errors) -> (text key, offer the next departures?)
ERROR_TEXTS: dict[str, tuple[str, bool]] = {
    "over_capacity": ("sold_out_error", True),
    "sold_out": ("sold_out_error", True),
    "after_cutoff": ("cutoff_error", True),
    "departure_closed": ("cutoff_error", True),
    "no_such_departure": ("no_departure_error", True),
    "invalid_participants": ("participants_error", False),
    "unknown_unit": ("participants_error", False),
    "unknown_product": ("product_error", False),
    "unknown_option": ("product_error", False),
    "missing_field": ("choose_departure", False),
    "unknown_partner": ("unavailable", False),
}
FALLBACK_ERROR = ("not_verified", False)


def draft_from_form(*, form: BookingForm, form_token: FormToken, language: str, raw_source_id: int) -> OrderDraft:
    data = form.cleaned_data
    return OrderDraft(
        channel=CHANNEL,
        partner_code=form_token.partner.code,
        # One per rendered form: a double click or a re-sent POST is the same order.
        external_reference=str(data["submission_id"]),
        product_code=data["product"],
        option_code=data["option"],
        start=data["start"],
        participants=form.participants(),
        contact=ContactDraft(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            country=getattr(form, "phone_country", "") or form_token.partner.country,
            language=language,
        ),
        notes=data.get("notes", ""),
        language=language,
        raw_source_id=raw_source_id,
        channel_data={"form_token": form_token.token, "embed_origin": data.get("embed_origin") or None},
    )
