"""The one audit log of business events."""

from intake.models import AuditEvent


def audit_record(*, actor: str, action: str, order=None, departure=None, data: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(actor=actor, action=action, order=order, departure=departure, data=data or {})
