"""The one audit log of business events."""

from intake.models import AuditEvent


def audit_record(*, actor: str, action: str, order=None, departure=None, data: dict | None = None) -> AuditEvent:
    """`departure` may be a Departure or its id (saves a query when only the id is at hand)."""
    departure_field = {"departure_id": departure} if isinstance(departure, int) else {"departure": departure}
    return AuditEvent.objects.create(actor=actor, action=action, order=order, data=data or {}, **departure_field)
