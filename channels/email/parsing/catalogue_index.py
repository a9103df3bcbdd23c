"""What the parser needs to know of the catalogue, in plain objects.

Built either from the database (read-only ORM queries) or from a JSON file:
the corpus format (products carry `schedule`, `capacity`, `ticket_categories`)
or our own catalogue file format (intake/catalogue_file.py: `units`,
top-level `schedules`). The parser never touches the database itself, so it
can run in tests and benchmarks without one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class UnitInfo:
    code: str
    type: str
    names: dict[str, str]
    min_age: int = 0
    max_age: int | None = None


@dataclass(frozen=True)
class OptionInfo:
    code: str
    names: dict[str, str]
    default: bool = False


@dataclass(frozen=True)
class ScheduleInfo:
    times: tuple[str, ...]
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
    months: tuple[int, ...] = ()  # empty: all year
    capacity: int | None = None
    options: tuple[str, ...] | None = None  # option codes served; None = every option
    valid_from: date | None = None
    valid_to: date | None = None

    def runs_on(self, day: date) -> bool:
        if self.weekdays and day.isoweekday() not in self.weekdays:
            return False
        if self.months and day.month not in self.months:
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass
class ProductInfo:
    code: str
    names: dict[str, str]
    timezone: str = "Europe/Prague"
    options: list[OptionInfo] = field(default_factory=list)
    units: list[UnitInfo] = field(default_factory=list)
    schedules: list[ScheduleInfo] = field(default_factory=list)

    def schedules_for(self, option: str | None) -> list[ScheduleInfo]:
        return [s for s in self.schedules if s.options is None or option is None or option in s.options]

    def departure_times(self, day: date, option: str | None = None) -> list[str]:
        times = {t for s in self.schedules_for(option) if s.runs_on(day) for t in s.times}
        return sorted(times)

    def all_times(self) -> list[str]:
        return sorted({t for s in self.schedules for t in s.times})

    def capacity(self, day: date, time: str, option: str | None = None) -> int | None:
        caps = [s.capacity for s in self.schedules_for(option) if s.runs_on(day) and time in s.times]
        if not caps or any(c is None for c in caps):
            return None
        return max(caps)


@dataclass(frozen=True)
class ProductMapping:
    external_id: str
    product: str
    option: str | None = None
    external_option_id: str = ""
    external_name: str = ""


@dataclass
class PartnerInfo:
    code: str
    name: str
    language: str = "en"
    country: str = ""
    kind: str = "agency"
    sender_addresses: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    unit_mapping: dict[str, str] = field(default_factory=dict)
    product_mapping: list[ProductMapping] = field(default_factory=list)
    # Per-partner label rules (see labels.py): {"field": ["Label", ...]}
    label_template: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CatalogueIndex:
    products: dict[str, ProductInfo]
    partners: list[PartnerInfo]
    timezone: str = "Europe/Prague"
    own_domains: list[str] = field(default_factory=list)
    operator_phones: list[str] = field(default_factory=list)
    country: str = "CZ"
    own_reference_prefixes: tuple[str, ...] = ("MC",)  # our order numbers, never a partner's reference
    _by_address: dict[str, PartnerInfo] = field(default_factory=dict, repr=False)
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_address = {a.lower(): p for p in self.partners for a in p.sender_addresses}

    def partner_by_address(self, address: str | None) -> PartnerInfo | None:
        return self._by_address.get((address or "").strip().lower())

    def partner(self, code: str | None) -> PartnerInfo | None:
        return next((p for p in self.partners if p.code == code), None)

    def is_own_address(self, address: str | None) -> bool:
        domain = (address or "").rpartition("@")[2].lower()
        return bool(domain) and any(domain == d or domain.endswith("." + d) for d in self.own_domains)

    def all_partner_phones(self) -> set[str]:
        return {ph for p in self.partners for ph in p.phones} | set(self.operator_phones)


def _tuple(values) -> tuple:
    return tuple(values or ())


def _corpus_product(spec: dict, timezone: str) -> ProductInfo:
    schedule = spec.get("schedule") or {}
    options = [OptionInfo(o["code"], o.get("name") or {}) for o in spec.get("options", [])]
    units = [
        UnitInfo(u["code"], u.get("type", u["code"]), u.get("name") or {}, u.get("min_age") or 0, u.get("max_age"))
        for u in spec.get("ticket_categories", [])
    ]
    schedules = []
    if schedule.get("times"):
        base = dict(
            times=_tuple(schedule["times"]),
            weekdays=_tuple(schedule.get("weekdays") or range(1, 8)),
            months=_tuple(schedule.get("months")),
            capacity=spec.get("capacity"),
        )
        if spec.get("departure_per_option") and options:
            schedules = [ScheduleInfo(**base, options=(o.code,)) for o in options]
        else:
            schedules = [ScheduleInfo(**base)]
    return ProductInfo(spec["code"], spec.get("name") or {}, spec.get("timezone") or timezone, options, units, schedules)


def _own_product(spec: dict, timezone: str, schedules: list[dict]) -> ProductInfo:
    options = [OptionInfo(o["code"], o.get("name") or {}, bool(o.get("default"))) for o in spec.get("options", [])]
    units = [
        UnitInfo(u["code"], u.get("type", u["code"]), u.get("name") or {}, u.get("min_age") or 0, u.get("max_age"))
        for u in spec.get("units", [])
    ]
    result = []
    for sch in schedules:
        served = [ref.partition("/") for ref in sch.get("options", [])]
        mine = [opt for prod, _, opt in served if prod == spec["code"]]
        if not mine:
            continue
        result.append(
            ScheduleInfo(
                times=_tuple(sch.get("times")),
                weekdays=_tuple(sch.get("weekdays") or range(1, 8)),
                months=_tuple(sch.get("months")),
                capacity=sch.get("capacity"),
                options=None if any(not o or o == "DEFAULT" for o in mine) else tuple(mine),
                valid_from=date.fromisoformat(sch["valid_from"]) if sch.get("valid_from") else None,
                valid_to=date.fromisoformat(sch["valid_to"]) if sch.get("valid_to") else None,
            )
        )
    return ProductInfo(spec["code"], spec.get("name") or {}, spec.get("timezone") or timezone, options, units, result)


def _partner(spec: dict) -> PartnerInfo:
    return PartnerInfo(
        code=spec["code"],
        name=spec.get("name", spec["code"]),
        language=spec.get("language") or "en",
        country=(spec.get("country") or "").upper(),
        kind=spec.get("kind") or "agency",
        sender_addresses=[a.lower() for a in spec.get("sender_addresses", [])],
        phones=list(spec.get("phones", [])),
        unit_mapping=dict(spec.get("unit_mapping") or {}),
        product_mapping=[
            ProductMapping(
                str(m["external_id"]), m["product"], m.get("option"),
                str(m.get("external_option_id") or ""), m.get("external_name") or "",
            )
            for m in spec.get("product_mapping", [])
        ],
        label_template={k: list(v) for k, v in (spec.get("label_template") or {}).items()},
    )


def catalogue_index_from_data(data: dict) -> CatalogueIndex:
    operator = data.get("operator") or {}
    timezone = operator.get("timezone") or "Europe/Prague"
    schedules = data.get("schedules")
    if schedules is not None or any("units" in p for p in data.get("products", [])):
        products = [_own_product(p, timezone, schedules or []) for p in data.get("products", [])]
    else:
        products = [_corpus_product(p, timezone) for p in data.get("products", [])]
    return CatalogueIndex(
        products={p.code: p for p in products},
        partners=[_partner(p) for p in data.get("partners", [])],
        timezone=timezone,
        own_domains=[d.lower() for d in operator.get("own_domains", [])],
        operator_phones=list(operator.get("phones", [])) + ([operator["telephone"]] if operator.get("telephone") else []),
        country=(operator.get("country") or "CZ").upper(),
    )


def catalogue_index_from_file(path: str | Path) -> CatalogueIndex:
    return catalogue_index_from_data(json.loads(Path(path).read_text(encoding="utf-8")))
