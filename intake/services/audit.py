"""The one audit log of business events."""

from intake.compiled_rows import insert_all
from intake.models import AuditEvent


def audit_event(*, actor: str, action: str, order=None, departure=None, data: dict | None = None) -> AuditEvent:
    """An audit event not written yet, for audit_record_all(). `departure`: a Departure or its id."""
    departure_field = {"departure_id": departure} if isinstance(departure, int) else {"departure": departure}
    return AuditEvent(actor=actor, action=action, order=order, data=data or {}, **departure_field)


def audit_record(*, actor: str, action: str, order=None, departure=None, data: dict | None = None) -> AuditEvent:
    """`departure` may be a Departure or its id (saves a query when only the id is at hand)."""
    event = audit_event(actor=actor, action=action, order=order, departure=departure, data=data)
    insert_all([event])
    return event


def audit_record_all(events: list[AuditEvent]) -> None:
    """Write several audit events of one change in one INSERT, in their order."""
    insert_all(events)
