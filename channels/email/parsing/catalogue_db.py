"""Build the parser's CatalogueIndex from the database (read-only)."""

from __future__ import annotations

from .catalogue_index import (
    CatalogueIndex,
    OptionInfo,
    PartnerInfo,
    ProductInfo,
    ProductMapping,
    ScheduleInfo,
    UnitInfo,
)

DEFAULT_OPTION = "DEFAULT"


def _option_code(option) -> str | None:
    return None if option.code == DEFAULT_OPTION else option.code


def catalogue_index_from_db() -> CatalogueIndex:
    from availability.models import Product, Schedule
    from intake.models import OperatorProfile, Partner

    operator = OperatorProfile.objects.first()
    timezone = operator.timezone if operator else "Europe/Prague"
    products: dict[str, ProductInfo] = {}
    for product in Product.objects.filter(active=True).prefetch_related("options", "units").order_by("sort_order", "code"):
        options = [
            OptionInfo(o.code, dict(o.name or {}), o.is_default)
            for o in sorted(product.options.all(), key=lambda o: (o.sort_order, o.code))
            if o.code != DEFAULT_OPTION
        ]
        units = [
            UnitInfo(u.code, u.type, dict(u.name or {}), u.min_age or 0, u.max_age)
            for u in sorted(product.units.all(), key=lambda u: (u.sort_order, u.code))
        ]
        products[product.code] = ProductInfo(product.code, dict(product.name or {}), product.timezone, options, units, [])
    for schedule in Schedule.objects.filter(active=True).prefetch_related("options__product"):
        served: dict[str, list[str | None]] = {}
        for option in schedule.options.all():
            served.setdefault(option.product.code, []).append(_option_code(option))
        for code, opts in served.items():
            if code not in products:
                continue
            products[code].schedules.append(
                ScheduleInfo(
                    times=tuple(schedule.start_times or ()),
                    weekdays=tuple(schedule.weekdays or range(1, 8)),
                    months=tuple(schedule.months or ()),
                    capacity=schedule.capacity,
                    options=None if None in opts else tuple(o for o in opts if o),
                    valid_from=schedule.valid_from,
                    valid_to=schedule.valid_to,
                )
            )
    partners = []
    for partner in Partner.objects.filter(active=True).prefetch_related("product_mappings__option__product"):
        partners.append(
            PartnerInfo(
                code=partner.code,
                name=partner.name,
                language=partner.language or "en",
                country=(partner.country or "").upper(),
                kind=partner.kind,
                sender_addresses=[a.lower() for a in partner.sender_addresses or []],
                phones=list(partner.phones or []) + ([partner.contact_phone] if partner.contact_phone else []),
                unit_mapping=dict(partner.unit_mapping or {}),
                product_mapping=[
                    ProductMapping(
                        m.external_id, m.option.product.code, _option_code(m.option), m.external_option_id, m.external_name
                    )
                    for m in partner.product_mappings.all()
                ],
            )
        )
    templates = _label_templates()
    for partner_info in partners:
        partner_info.label_template = templates.get(partner_info.code, {})
    return CatalogueIndex(
        products=products,
        partners=partners,
        timezone=timezone,
        own_domains=[d.lower() for d in (operator.own_domains if operator else [])],
        operator_phones=(list(operator.phones or []) + ([operator.telephone] if operator.telephone else []))
        if operator
        else [],
        country=((operator.country if operator else "") or "CZ").upper(),
    )


def _label_templates() -> dict[str, dict[str, list[str]]]:
    """Per-partner label rules, newest active version each, when the e-mail app keeps them.

    The contract: a model `channels.email.models.PartnerLabelTemplate` with `partner` (FK),
    `version` (int), `active` (bool) and `rules` ({"field": ["Label", ...]}). Without it: none.
    """
    try:
        from channels.email.models import PartnerLabelTemplate
    except ImportError:
        return {}
    rules: dict[str, dict[str, list[str]]] = {}
    for template in PartnerLabelTemplate.objects.filter(active=True).select_related("partner").order_by("version"):
        rules[template.partner.code] = {k: list(v) for k, v in (template.rules or {}).items()}
    return rules
