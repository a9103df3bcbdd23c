"""Per-partner label templates: checked, and saved as a new version each time."""

from django.db import transaction
from django.db.models import Max

from channels.email.models import PartnerLabelTemplate
from channels.email.parsing.labels import FIELD_LABELS

TEMPLATE_FIELDS = sorted({name for name, _ in FIELD_LABELS})


class LabelTemplateError(ValueError):
    pass


def label_rules_check(rules) -> dict[str, list[str]]:
    """The rules as {field: [label, ...]}, or LabelTemplateError naming what is wrong."""
    if not isinstance(rules, dict) or not rules:
        raise LabelTemplateError('rules must be an object such as {"date": ["Svc day"]}')
    for field, labels in rules.items():
        if field not in TEMPLATE_FIELDS:
            raise LabelTemplateError(f"unknown field {field!r}; known: {', '.join(TEMPLATE_FIELDS)}")
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x.strip() for x in labels):
            raise LabelTemplateError(f"{field}: a list of non-empty labels is needed")
    return {field: [label.strip() for label in labels] for field, labels in rules.items()}


def label_template_save(*, partner_id: int, rules, note: str = "", user: str = "") -> PartnerLabelTemplate:
    """Add the next version for the partner and make it the only active one."""
    rules = label_rules_check(rules)
    with transaction.atomic():
        latest = (PartnerLabelTemplate.objects.select_for_update().filter(partner_id=partner_id)
                  .aggregate(v=Max("version"))["v"] or 0)
        PartnerLabelTemplate.objects.filter(partner_id=partner_id, active=True).update(active=False)
        return PartnerLabelTemplate.objects.create(partner_id=partner_id, version=latest + 1, rules=rules,
                                                   note=note[:200], created_by=user[:150])
