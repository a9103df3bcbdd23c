"""The booking form's fields and their validation, with messages in the guest's language."""

import uuid
from datetime import datetime

import phonenumbers
from django import forms

from channels.form.offer import TicketChoice
from channels.form.texts import texts_for


def quantity_field_name(code: str) -> str:
    return f"qty_{code}"


def phone_to_e164(raw: str, country: str) -> tuple[str, str] | None:
    """(E.164 number, ISO country of the number), reading a local number as one of `country`; None if invalid."""
    try:
        number = phonenumbers.parse(raw, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    region = phonenumbers.region_code_for_number(number) or ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), region


class BookingForm(forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    form_key = forms.CharField(widget=forms.HiddenInput, required=False)
    product = forms.CharField(widget=forms.HiddenInput, max_length=64)
    option = forms.CharField(widget=forms.HiddenInput, max_length=64)
    lang = forms.CharField(widget=forms.HiddenInput, max_length=8, required=False)
    embed_origin = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)
    start = forms.CharField(max_length=40)
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254)
    phone = forms.CharField(max_length=40)
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, tickets: list[TicketChoice], language: str, partner_country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.tickets = tickets
        self.partner_country = partner_country
        words = self.words = texts_for(language)
        for field in self.fields.values():
            field.error_messages["required"] = words["required"]
        self.fields["email"].error_messages["invalid"] = words["invalid_email"]
        self.fields["start"].error_messages["required"] = words["choose_departure"]
        for ticket in tickets:
            self.fields[quantity_field_name(ticket.code)] = forms.IntegerField(
                min_value=0,
                max_value=ticket.max_quantity,
                required=False,
                error_messages={key: words["invalid_count"].format(high=ticket.max_quantity)
                                for key in ("invalid", "min_value", "max_value")},
            )

    def clean_start(self) -> datetime:
        try:
            start = datetime.fromisoformat(self.cleaned_data["start"])
        except ValueError:
            raise forms.ValidationError(self.words["choose_departure"])
        if start.tzinfo is None:
            raise forms.ValidationError(self.words["choose_departure"])
        return start

    def clean_phone(self) -> str:
        normalized = phone_to_e164(self.cleaned_data["phone"], self.partner_country)
        if normalized is None:
            raise forms.ValidationError(self.words["invalid_phone"])
        self.phone_country = normalized[1]
        return normalized[0]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self.participants().values()):
            self.add_error(None, self.words["choose_tickets"])
        return cleaned

    def participants(self) -> dict[str, int]:
        counts = {}
        for ticket in self.tickets:
            count = self.cleaned_data.get(quantity_field_name(ticket.code)) or 0
            if count:
                counts[ticket.code] = count
        return counts

    def seats_requested(self) -> int:
        return sum(self.participants().values())


def new_submission_id() -> str:
    return str(uuid.uuid4())
