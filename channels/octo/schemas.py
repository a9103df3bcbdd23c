"""OCTO wire schemas, named after the spec's own objects (openapi.yaml, components.schemas).

Request bodies are validated here; unknown keys are ignored (resellers send
extensions). Response objects are built with every required key set
explicitly and dumped with `exclude_unset`, so capability fields (pricing,
content) appear only when the reseller asked for that capability.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AvailabilityStatus = Literal["AVAILABLE", "FREESALE", "SOLD_OUT", "LIMITED", "CLOSED"]
BookingStatus = Literal["ON_HOLD", "CONFIRMED", "EXPIRED", "CANCELLED", "REDEEMED", "PENDING", "REJECTED"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def wire(self) -> dict:
        return self.model_dump(mode="json", exclude_unset=True)


# --- requests -----------------------------------------------------------------


class BookingContact(_Request):
    fullName: str | None = None
    firstName: str | None = None
    lastName: str | None = None
    emailAddress: str | None = None
    phoneNumber: str | None = None
    locales: list[str] = Field(default_factory=list)
    postalCode: str | None = None
    country: str | None = None
    notes: str | None = None


class BookingUnitItem(_Request):
    uuid: str | None = None
    unitId: str
    resellerReference: str | None = None
    contact: BookingContact | None = None


class AvailabilityUnit(_Request):
    id: str
    quantity: int = Field(ge=0)


class AvailabilityCalendarBody(_Request):
    productId: str
    optionId: str
    localDateStart: str | None = None
    localDateEnd: str | None = None
    units: list[AvailabilityUnit] = Field(default_factory=list)
    currency: str | None = None


class AvailabilityCheckBody(AvailabilityCalendarBody):
    localDate: str | None = None  # accepted by most suppliers, not in the core spec
    availabilityIds: list[str] | None = None


class BookingReservationBody(_Request):
    uuid: str | None = None
    productId: str
    optionId: str
    availabilityId: str | None = None
    expirationMinutes: int | None = Field(None, ge=1, le=60 * 24 * 7)
    notes: str | None = None
    # Required by the spec, but a missing list is UNPROCESSABLE_ENTITY, not BAD_REQUEST (octo.md 2.1).
    unitItems: list[BookingUnitItem] | None = None
    resellerReference: str | None = None
    contact: BookingContact | None = None
    currency: str | None = None


class BookingConfirmationBody(_Request):
    contact: BookingContact
    resellerReference: str | None = None
    emailReceipt: bool | None = None
    unitItems: list[BookingUnitItem] | None = None


class BookingUpdateBody(_Request):
    resellerReference: str | None = None
    productId: str | None = None
    optionId: str | None = None
    availabilityId: str | None = None
    expirationMinutes: int | None = Field(None, ge=1, le=60 * 24 * 7)
    notes: str | None = None
    emailReceipt: bool | None = None
    unitItems: list[BookingUnitItem] | None = None
    contact: BookingContact | None = None


class ExtendReservationBody(_Request):
    expirationMinutes: int | None = Field(None, ge=1, le=60 * 24 * 7)


class BookingCancellationBody(_Request):
    reason: str | None = None
    force: bool | None = None


class WebhookBody(_Request):
    """octo/webhooks: POST /webhooks."""

    url: str
    event: Literal["booking_update", "availability_update"]
    retryOnError: bool | None = None
    useContactLanguage: bool | None = None


# --- responses ----------------------------------------------------------------


class Tax(_Response):
    name: str
    retail: int
    original: int
    net: int | None


class Pricing(_Response):
    original: int
    retail: int
    net: int | None
    currency: str
    currencyPrecision: int
    includedTaxes: list[Tax]


class PricingUnit(Pricing):
    unitId: str


class SupplierContact(_Response):
    website: str | None
    email: str | None
    telephone: str | None
    address: str | None


class Supplier(_Response):
    id: str
    name: str
    endpoint: str
    contact: SupplierContact
    shortDescription: str | None = None


class Capability(_Response):
    id: str
    revision: int
    required: bool
    dependencies: list[str]
    docs: str | None


class UnitRestrictions(_Response):
    minAge: int
    maxAge: int
    idRequired: bool
    minQuantity: int | None
    maxQuantity: int | None
    paxCount: int
    accompaniedBy: list[str]


class Unit(_Response):
    id: str
    internalName: str
    reference: str | None
    type: str
    restrictions: UnitRestrictions
    requiredContactFields: list[str]
    pricingFrom: list[Pricing] | None = None
    title: str | None = None
    shortDescription: str | None = None
    features: list[dict] | None = None


class OptionRestrictions(_Response):
    minUnits: int
    maxUnits: int | None


class _Content(_Response):
    """The octo/content fields shared by products and options."""

    title: str | None = None
    shortDescription: str | None = None
    features: list[dict] | None = None
    faqs: list[dict] | None = None
    media: list[dict] | None = None
    locations: list[dict] | None = None
    categoryLabels: list[str] | None = None
    durationMinutesFrom: int | None = None
    durationMinutesTo: int | None = None
    commentary: list[dict] | None = None


class Option(_Content):
    id: str
    default: bool
    internalName: str
    reference: str | None
    availabilityLocalStartTimes: list[str]
    cancellationCutoff: str
    cancellationCutoffAmount: int
    cancellationCutoffUnit: Literal["minute", "hour", "day"]
    requiredContactFields: list[str]
    restrictions: OptionRestrictions
    units: list[Unit]
    pricingFrom: list[Pricing] | None = None


class Product(_Content):
    id: str
    internalName: str
    reference: str | None
    locale: str
    timeZone: str
    allowFreesale: bool
    instantConfirmation: bool
    instantDelivery: bool
    availabilityRequired: bool
    availabilityType: Literal["START_TIME", "OPENING_HOURS"]
    deliveryFormats: list[str]
    deliveryMethods: list[str]
    redemptionMethod: Literal["DIGITAL", "PRINT", "MANIFEST"]
    options: list[Option]
    description: str | None = None
    defaultCurrency: str | None = None
    availableCurrencies: list[str] | None = None
    pricingPer: Literal["UNIT", "BOOKING"] | None = None


class Availability(_Response):
    id: str
    localDateTimeStart: str
    localDateTimeEnd: str
    utcCutoffAt: str
    allDay: bool
    available: bool
    status: AvailabilityStatus
    vacancies: int | None
    capacity: int | None
    maxUnits: int | None
    openingHours: list[dict]
    unitPricing: list[PricingUnit] | None = None
    pricing: Pricing | None = None


class AvailabilityCalendar(_Response):
    localDate: str
    available: bool
    status: AvailabilityStatus
    vacancies: int | None
    capacity: int | None
    openingHours: list[dict]
    unitPricingFrom: list[PricingUnit] | None = None
    pricingFrom: Pricing | None = None


class Contact(_Response):
    fullName: str | None
    firstName: str | None
    lastName: str | None
    emailAddress: str | None
    phoneNumber: str | None
    locales: list[str]
    postalCode: str | None
    country: str | None
    notes: str | None


class DeliveryOption(_Response):
    deliveryFormat: str
    deliveryValue: str


class Ticket(_Response):
    redemptionMethod: str
    utcRedeemedAt: str | None
    deliveryOptions: list[DeliveryOption]


class UnitItem(_Response):
    uuid: str
    resellerReference: str | None
    supplierReference: str | None
    unitId: str
    status: BookingStatus
    utcRedeemedAt: str | None
    contact: Contact
    ticket: Ticket | None
    pricing: Pricing | None = None


class BookingCancellation(_Response):
    refund: Literal["FULL", "PARTIAL", "NONE"]
    reason: str | None
    utcCancelledAt: str


class Booking(_Response):
    id: str
    uuid: str
    testMode: bool
    resellerReference: str | None
    supplierReference: str | None
    status: BookingStatus
    utcCreatedAt: str
    utcUpdatedAt: str
    utcExpiresAt: str | None
    utcRedeemedAt: str | None
    utcConfirmedAt: str | None
    productId: str
    optionId: str
    cancellable: bool
    cancellation: BookingCancellation | None
    freesale: bool
    availabilityId: str | None
    availability: Availability | None
    contact: Contact
    notes: str | None
    deliveryMethods: list[str]
    voucher: Ticket | None
    unitItems: list[UnitItem]
    pricing: Pricing | None = None
