"""Domain errors of the one door. Each has a stable code; channels map codes to their wire format.

`reviewable` errors are ones a person can fix (a dispatcher corrects the
product, picks another departure...): channels that cannot answer at once
(e-mail, form) turn them into review items instead of dropping the order.
"""


class IntakeError(Exception):
    code = "intake_error"
    reviewable = False

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details


class UnknownPartner(IntakeError):
    code = "unknown_partner"
    reviewable = True


class UnknownProduct(IntakeError):
    code = "unknown_product"
    reviewable = True


class UnknownOption(IntakeError):
    code = "unknown_option"
    reviewable = True


class UnknownUnit(IntakeError):
    code = "unknown_unit"
    reviewable = True


class NoSuchDeparture(IntakeError):
    code = "no_such_departure"
    reviewable = True


class OverCapacity(IntakeError):
    """Sold out or not enough seats left for the whole party."""

    code = "over_capacity"
    reviewable = True


class DepartureNotBookable(IntakeError):
    """Closed (weather, breakdown), after the booking cut-off, or beyond the horizon."""

    code = "after_cutoff"
    reviewable = True


class InvalidParticipants(IntakeError):
    """Missing or impossible ticket counts: none at all, over a limit, a child without an adult."""

    code = "invalid_participants"
    reviewable = True


class MissingField(IntakeError):
    code = "missing_field"
    reviewable = True


class IdempotencyConflict(IntakeError):
    """The same external reference was used before for a different order."""

    code = "idempotency_conflict"


class OrderNotFound(IntakeError):
    code = "order_not_found"


class InvalidOrderState(IntakeError):
    """E.g. confirming a cancelled order, or amending an expired hold."""

    code = "invalid_order_state"


class AfterCancellationCutoff(IntakeError):
    code = "after_cancellation_cutoff"
