"""The canonical order draft: the only shape that crosses from a channel into intake."""

import hashlib
import json
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class ContactDraft(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = ""
    email: str = ""
    phone: str = ""  # E.164 when known
    country: str = ""  # ISO 3166-1 alpha-2
    language: str = ""  # ISO 639-1


class OrderDraft(BaseModel):
    """What a channel understood of one order, in catalogue terms."""

    model_config = ConfigDict(str_strip_whitespace=True)

    channel: str
    partner_code: str | None = None
    # Identifies the order within (channel, partner); a repeat with the same one is the same order.
    external_reference: str | None = None
    reseller_reference: str = ""
    product_code: str | None = None
    option_code: str | None = None  # None: the product's default option
    start: AwareDatetime | None = None
    # Ticket category (unit code or unit type, e.g. "ADULT") -> count.
    participants: dict[str, int] = Field(default_factory=dict)
    contact: ContactDraft = Field(default_factory=ContactDraft)
    notes: str = ""
    language: str = ""
    test_mode: bool = False
    raw_source_id: int | None = None
    channel_data: dict = Field(default_factory=dict)

    @field_validator("participants")
    @classmethod
    def _counts_positive(cls, value: dict[str, int]) -> dict[str, int]:
        if any(count < 0 for count in value.values()):
            raise ValueError("participant counts cannot be negative")
        return {key: count for key, count in value.items() if count > 0}

    def fingerprint(self) -> str:
        """What is being bought; a repeat that differs here is a conflicting repeat."""
        basis = {
            "partner": self.partner_code,
            "product": self.product_code,
            "option": self.option_code,
            "start": self.start.isoformat() if self.start else None,
            "participants": dict(sorted(self.participants.items())),
            "test_mode": self.test_mode,
        }
        return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


class OrderChanges(BaseModel):
    """An amendment: only the fields that are set change."""

    option_code: str | None = None
    start: AwareDatetime | None = None
    participants: dict[str, int] | None = None
    contact: ContactDraft | None = None
    notes: str | None = None
    reseller_reference: str | None = None
    product_code: str | None = None
    channel_data: dict | None = None


def draft_start_text(start: datetime | None) -> str | None:
    return start.isoformat() if start else None
