"""The catalogue file: products, options, units, resources, schedules and partners in one JSON.

Documented in docs/catalogue-file.md. Validated whole before anything is
written (extra keys are errors, so a typo names its field), then loaded in one
transaction, idempotent on codes.
"""

from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UnitTypeName = Literal["ADULT", "YOUTH", "CHILD", "INFANT", "SENIOR", "STUDENT", "FAMILY", "MILITARY", "OTHER"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _hhmm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ValueError(f"{value!r} is not a time HH:MM")
    return f"{int(hours):02d}:{minutes}"


def _zone(value: str | None) -> str | None:
    """An IANA time zone name; ZoneInfo's own error is a KeyError, which pydantic would not report."""
    if value is not None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a known time zone (e.g. 'Europe/Prague')") from None
    return value


class OperatorSpec(_Strict):
    name: str
    timezone: str = "Europe/Prague"
    currency: str = Field("CZK", pattern=r"^[A-Z]{3}$")
    country: str = ""
    website: str = ""
    email: str = ""
    telephone: str = ""
    address: str = ""
    order_mailbox: str = ""
    own_domains: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)

    _timezone = field_validator("timezone")(lambda cls, v: _zone(v))


class OptionSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    name: dict[str, str] = Field(default_factory=dict)
    default: bool = False
    min_units: int = Field(1, ge=0)
    max_units: int | None = Field(None, ge=1)


class UnitSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    type: UnitTypeName
    name: dict[str, str] = Field(default_factory=dict)
    min_age: int = Field(0, ge=0)
    max_age: int | None = Field(None, ge=0)
    min_quantity: int = Field(0, ge=0)
    max_quantity: int | None = Field(None, ge=1)
    price: int = Field(ge=0, description="minor units")
    requires_id: bool = False
    accompanied_by: list[UnitTypeName] = Field(default_factory=list)


class ProductSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    name: dict[str, str] = Field(min_length=1)
    description: dict[str, str] = Field(default_factory=dict)
    timezone: str | None = None
    availability_type: Literal["START_TIME", "OPENING_HOURS"] = "START_TIME"
    duration_minutes: int = Field(60, ge=1)
    booking_cutoff_minutes: int = Field(0, ge=0)
    booking_horizon_days: int = Field(365, ge=1)
    cancellation_cutoff_minutes: int = Field(0, ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    active: bool = True
    options: list[OptionSpec] = Field(default_factory=list)
    units: list[UnitSpec] = Field(min_length=1)

    _timezone = field_validator("timezone")(lambda cls, v: _zone(v))

    @model_validator(mode="after")
    def _codes_unique(self):
        for kind, items in (("options", self.options), ("units", self.units)):
            codes = [item.code for item in items]
            if len(codes) != len(set(codes)):
                raise ValueError(f"{kind} codes repeat: {sorted(c for c in codes if codes.count(c) > 1)}")
        return self


class ResourceSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    name: str = ""


class ScheduleSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    resource: str
    options: list[str] = Field(min_length=1, description="'product' or 'product/option'")
    times: list[str] = Field(min_length=1)
    closing_time: str | None = None
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    months: list[int] = Field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None
    capacity: int | None = Field(ge=0, description="null: free sale")

    _times = field_validator("times")(lambda cls, v: [_hhmm(t) for t in v])
    _closing = field_validator("closing_time")(lambda cls, v: _hhmm(v) if v else v)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(d < 1 or d > 7 for d in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return value

    @field_validator("months")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(m < 1 or m > 12 for m in value):
            raise ValueError("months are 1 to 12")
        return value


class ProductMappingSpec(_Strict):
    external_id: str
    external_option_id: str = ""
    external_name: str = ""
    product: str
    option: str | None = None


class PartnerSpec(_Strict):
    code: str = Field(min_length=1, max_length=64)
    name: str
    kind: str = "agency"
    language: str = "en"
    country: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    active: bool = True
    sender_addresses: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    unit_mapping: dict[str, str] = Field(default_factory=dict)
    product_mapping: list[ProductMappingSpec] = Field(default_factory=list)


class CatalogueFile(_Strict):
    schema_version: Literal[1] = 1
    operator: OperatorSpec
    resources: list[ResourceSpec] = Field(default_factory=list)
    products: list[ProductSpec] = Field(default_factory=list)
    schedules: list[ScheduleSpec] = Field(default_factory=list)
    partners: list[PartnerSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_exist(self):
        resources = {r.code for r in self.resources}
        options = {p.code: {o.code for o in p.options} for p in self.products}
        for i, schedule in enumerate(self.schedules):
            if schedule.resource not in resources:
                raise ValueError(f"schedules.{i}.resource: unknown resource {schedule.resource!r}")
            for ref in schedule.options:
                _check_option_ref(options, ref, f"schedules.{i}.options")
        for i, partner in enumerate(self.partners):
            for j, mapping in enumerate(partner.product_mapping):
                ref = mapping.product + (f"/{mapping.option}" if mapping.option else "")
                _check_option_ref(options, ref, f"partners.{i}.product_mapping.{j}")
        return self


def _check_option_ref(options: dict[str, set[str]], ref: str, where: str) -> None:
    product, _, option = ref.partition("/")
    if product not in options:
        raise ValueError(f"{where}: unknown product {product!r}")
    if option and option not in options[product] and not (option == "DEFAULT" and not options[product]):
        raise ValueError(f"{where}: product {product!r} has no option {option!r}")
