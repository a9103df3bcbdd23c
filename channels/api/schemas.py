"""Wire schemas of the partner REST API (v1).

Requests are parsed strictly from the raw JSON body: wrong types and unknown
fields are errors, never guesses. Response models describe the documents the
views render (the canonical order document, the catalogue, availability,
problem details); the OpenAPI schema is generated from these same classes
and the tests validate real responses against it.
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Count = Annotated[int, Field(ge=1, le=1000)]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Contact(_Request):
    """The lead guest."""

    name: str = Field("", max_length=200)
    email: Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN)] | Literal[""] = ""
    phone: str = Field("", max_length=32, description="E.164 preferred; national numbers use `country`.")
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")] | Literal[""] = Field("", description="ISO 3166-1 alpha-2")
    language: str = Field("", max_length=8, description="ISO 639-1")


class OrderCreate(_Request):
    """A new order. `external_reference` (or the Idempotency-Key header) makes retries safe."""

    external_reference: str | None = Field(None, min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=64)
    option: str | None = Field(None, min_length=1, max_length=64, description="None: the product's default option")
    start: AwareDatetime = Field(description="Local start of the departure with its offset")
    participants: dict[str, Count] = Field(min_length=1, description="Unit code or type -> count, e.g. {\"ADULT\": 2}")
    contact: Contact = Field(default_factory=Contact)
    notes: str = Field("", max_length=5000)
    language: str = Field("", max_length=8)
    reseller_reference: str = Field("", max_length=200)
    test_mode: bool = False


class OrderAmend(_Request):
    """Only the fields that are present change."""

    start: AwareDatetime | None = None
    participants: dict[str, Count] | None = Field(None, min_length=1)
    contact: Contact | None = None
    notes: str | None = Field(None, max_length=5000)

    @model_validator(mode="after")
    def _something_changes(self):
        if not self.model_fields_set:
            raise ValueError("nothing to change: give start, participants, contact or notes")
        return self


class OrderCancel(_Request):
    reason: str = Field("", max_length=300)


class AvailabilityQuery(BaseModel):
    """Query string of GET /availability (values arrive as text)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    product: str = Field(min_length=1, max_length=64)
    option: str | None = Field(None, min_length=1, max_length=64)
    from_: date = Field(alias="from")
    to: date
    quantity: int = Field(0, ge=0, le=1000)

    @model_validator(mode="after")
    def _range(self):
        if self.to < self.from_:
            raise ValueError("'to' is before 'from'")
        if (self.to - self.from_).days > 92:
            raise ValueError("at most 93 days per request")
        return self


class OrderListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    external_reference: str | None = Field(None, min_length=1, max_length=200)
    status: Literal["held", "confirmed", "cancelled", "expired", "rejected", "needs_review"] | None = None
    from_: date | None = Field(None, alias="from", description="first local start date")
    to: date | None = Field(None, description="last local start date")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


# --- responses --------------------------------------------------------------


class Participant(BaseModel):
    unit: str
    type: str
    quantity: int
    unit_price_minor: int
    currency: str


class OrderContact(BaseModel):
    name: str | None
    email: str | None
    phone: str | None
    country: str | None


class Order(BaseModel):
    """The canonical order document (schema version 1)."""

    schema_version: int
    uuid: str
    reference: str
    status: str
    channel: str
    partner: str | None
    external_reference: str | None
    reseller_reference: str | None
    product: str | None
    option: str | None
    departure_id: int | None
    start: str | None
    participants: list[Participant]
    total_minor: int
    currency: str | None
    contact: OrderContact
    language: str | None
    notes: str | None
    test_mode: bool
    created_at: str | None
    confirmed_at: str | None
    cancelled_at: str | None
    cancel_reason: str | None


class OrderPage(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    results: list[Order]


class UnitInfo(BaseModel):
    code: str
    type: str
    name: str
    min_age: int
    max_age: int | None
    price_minor: int
    currency: str
    accompanied_by: list[str]


class OptionInfo(BaseModel):
    code: str
    name: str
    default: bool
    min_units: int
    max_units: int | None


class Product(BaseModel):
    code: str
    name: str
    description: str
    language: str = Field(description="Language the name and description are in")
    timezone: str
    currency: str
    availability_type: str
    duration_minutes: int
    booking_cutoff_minutes: int
    cancellation_cutoff_minutes: int
    options: list[OptionInfo]
    units: list[UnitInfo]


class ProductList(BaseModel):
    products: list[Product]


class SlotPrice(BaseModel):
    unit: str
    type: str
    price_minor: int
    currency: str


class Slot(BaseModel):
    start: str = Field(description="Local start with offset; send it back as `start` when ordering")
    end: str
    all_day: bool
    status: Literal["AVAILABLE", "LIMITED", "SOLD_OUT", "CLOSED", "FREESALE"]
    available: bool
    vacancies: int | None = Field(description="None: free sale")
    capacity: int | None
    booking_cutoff: str
    prices: list[SlotPrice]


class Availability(BaseModel):
    product: str
    option: str
    timezone: str
    slots: list[Slot]


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. contact.email")
    pointer: str = Field(description="JSON pointer into the request, e.g. #/contact/email")
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
