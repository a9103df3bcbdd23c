"""Domain errors of the seat counts. Each carries a stable code that channels map to their wire format."""


class AvailabilityError(Exception):
    code = "availability_error"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details


class SoldOut(AvailabilityError):
    code = "sold_out"

    def __init__(self, departure_id: int, vacancies: int | None, requested: int):
        super().__init__(
            f"only {vacancies} seats left, {requested} requested",
            departure_id=departure_id,
            vacancies=vacancies,
            requested=requested,
        )
        self.departure_id = departure_id
        self.vacancies = vacancies


class DepartureClosed(AvailabilityError):
    code = "departure_closed"


class HoldNotFound(AvailabilityError):
    code = "hold_not_found"


class HoldExpired(AvailabilityError):
    code = "hold_expired"


class InvalidHoldState(AvailabilityError):
    code = "invalid_hold_state"


class CapacityBelowSold(AvailabilityError):
    """A new capacity smaller than the seats already held and confirmed."""

    code = "capacity_below_sold"
