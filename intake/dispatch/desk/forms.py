"""The dispatcher's correction form: the fields of an order draft, pre-filled with what the machine understood."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from availability.models import Option, Product
from intake.drafts import ContactDraft, OrderDraft


def _participants_text(participants: dict) -> str:
    return ", ".join(f"{code}={count}" for code, count in (participants or {}).items())


class OrderCorrectionForm(forms.Form):
    product = forms.ModelChoiceField(Product.objects.filter(active=True), to_field_name="code")
    option = forms.ModelChoiceField(Option.objects.select_related("product"), required=False,
                                    help_text="Empty: the product's default option.")
    start = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                help_text="Local time of the product.")
    participants = forms.CharField(help_text="Ticket categories and counts, e.g. ADULT=2, CHILD=1")
    contact_name = forms.CharField(required=False)
    contact_email = forms.EmailField(required=False)
    contact_phone = forms.CharField(required=False, help_text="E.164, e.g. +420601234567")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_from_draft(cls, draft: dict) -> dict:
        contact = draft.get("contact") or {}
        initial = {
            "product": draft.get("product_code"),
            "participants": _participants_text(draft.get("participants")),
            "contact_name": contact.get("name", ""),
            "contact_email": contact.get("email", ""),
            "contact_phone": contact.get("phone", ""),
            "notes": draft.get("notes", ""),
        }
        product = Product.objects.filter(code=draft.get("product_code") or "").first()
        if product and draft.get("option_code"):
            initial["option"] = Option.objects.filter(product=product, code=draft["option_code"]).first()
        if draft.get("start"):
            start = datetime.fromisoformat(draft["start"])
            if product and start.tzinfo:
                start = start.astimezone(ZoneInfo(product.timezone))
            initial["start"] = start.replace(tzinfo=None)
        return initial

    def clean_participants(self) -> dict[str, int]:
        counts = {}
        for part in self.cleaned_data["participants"].replace(";", ",").split(","):
            if not part.strip():
                continue
            code, sep, count = part.partition("=")
            if not sep or not count.strip().isdigit():
                raise forms.ValidationError(f"write each category as CODE=count, not {part.strip()!r}")
            counts[code.strip().upper()] = counts.get(code.strip().upper(), 0) + int(count)
        if not counts:
            raise forms.ValidationError("at least one participant")
        return counts

    def clean(self):
        data = super().clean()
        product, option, start = data.get("product"), data.get("option"), data.get("start")
        if product and option and option.product_id != product.pk:
            self.add_error("option", f"{option} is not an option of {product.code}")
        if product and start:
            naive = timezone.make_naive(start) if timezone.is_aware(start) else start
            data["start"] = naive.replace(tzinfo=ZoneInfo(product.timezone))
        return data

    def draft(self, *, base: dict, channel: str, raw_source_id: int | None) -> OrderDraft:
        """The corrected draft; what the form does not show (partner, references, channel data) is kept."""
        data = self.cleaned_data
        contact = ContactDraft(**{**(base.get("contact") or {}), "name": data["contact_name"],
                                  "email": data["contact_email"], "phone": data["contact_phone"]})
        return OrderDraft(**{
            **{k: v for k, v in base.items() if k in OrderDraft.model_fields},
            "channel": channel,
            "product_code": data["product"].code,
            "option_code": data["option"].code if data.get("option") else None,
            "start": data["start"],
            "participants": data["participants"],
            "contact": contact,
            "notes": data["notes"],
            "raw_source_id": raw_source_id,
        })


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Sent back to the sender through its channel.")
