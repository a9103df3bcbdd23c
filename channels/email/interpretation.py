"""What the e-mail channel understood of one message.

The shape follows ../shared/samples/emails/expected.json (so `parse_email`
prints it as is); `confidence` and `problems` are ours, for deciding whether
a person must look. The extractor produces it; the ingest acts on it.
"""

from typing import Literal

from pydantic import BaseModel, Field

Kind = Literal[
    "order", "orders", "cancellation", "modification", "availability_inquiry", "not_an_order", "duplicate"
]


class ExtractedOrder(BaseModel):
    product: str | None = None  # product code
    option: str | None = None  # option code, None when the product has no options
    start: str | None = None  # ISO 8601 with the product's offset
    participants: dict[str, int] = Field(default_factory=dict)  # unit code -> count
    contact_name: str | None = None
    contact_phone: str | None = None  # E.164
    contact_email: str | None = None
    external_reference: str | None = None
    language: str | None = None  # ISO 639-1
    confidence: float = 1.0
    problems: list[str] = Field(default_factory=list)  # field names the extractor is unsure of


class Inquiry(BaseModel):
    product: str | None = None
    option: str | None = None
    date: str | None = None  # YYYY-MM-DD
    times: list[str] | None = None  # ["HH:MM"], None when no time was asked
    quantity: int | None = None
    participants: dict[str, int] | None = None
    language: str | None = None


class Cancellation(BaseModel):
    external_reference: str | None = None
    # When the partner gives no reference: what identifies the order instead.
    product: str | None = None
    start: str | None = None
    contact_name: str | None = None


class Modification(BaseModel):
    external_reference: str | None = None
    start: str | None = None  # the new start (ISO 8601), None = unchanged
    participants: dict[str, int] | None = None  # the complete new mix, None = unchanged


class Interpretation(BaseModel):
    kind: Kind
    partner: str | None = None  # partner code from the From address
    orders: list[ExtractedOrder] = Field(default_factory=list)
    inquiry: Inquiry | None = None
    cancellation: Cancellation | None = None
    modification: Modification | None = None
    # Why a person must decide: unknown_sender, unreadable, low_confidence, ...
    expect_exception: str | None = None
    duplicate_of: str | None = None
    language: str | None = None
    message_id: str | None = None
    not_an_order_reason: str | None = None  # auto_reply, bounce, newsletter, reply_to_us, ...
