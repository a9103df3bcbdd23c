"""OCTO errors: one table from domain error codes to the spec's error objects.

Every OCTO error is HTTP 400 with `{"error", "errorMessage", <echoed id>}`;
only a real crash is a 500 (and still JSON). The echo field carries the value
the client sent, so a reseller sees which id was refused.
"""

from dataclasses import dataclass

# OCTO error code -> (default message, name of the echoed request field or None).
OCTO_ERRORS: dict[str, tuple[str, str | None]] = {
    "INVALID_PRODUCT_ID": ("The productId was missing or invalid", "productId"),
    "INVALID_OPTION_ID": ("The optionId was missing or invalid", "optionId"),
    "INVALID_UNIT_ID": ("The unitId was missing or invalid", "unitId"),
    "INVALID_AVAILABILITY_ID": ("The availabilityId was missing or invalid", "availabilityId"),
    "INVALID_BOOKING_UUID": ("The uuid was already used, missing or invalid", "uuid"),
    "BAD_REQUEST": ("The request body or parameters are malformed", None),
    "UNPROCESSABLE_ENTITY": ("The request is valid but cannot be fulfilled", None),
    "UNAUTHORIZED": ("No API key was sent: use 'Authorization: Bearer <key>'", None),
    "FORBIDDEN": ("The API key is invalid, revoked or has no access to this resource", None),
    "INTERNAL_SERVER_ERROR": ("Something went wrong on our side; the request can be retried", None),
}

# Domain error code (intake.errors / availability.errors) -> OCTO error code. The one mapping table.
DOMAIN_TO_OCTO: dict[str, str] = {
    "unknown_partner": "FORBIDDEN",
    "unknown_product": "INVALID_PRODUCT_ID",
    "unknown_option": "INVALID_OPTION_ID",
    "unknown_unit": "INVALID_UNIT_ID",
    "no_such_departure": "INVALID_AVAILABILITY_ID",
    "missing_field": "INVALID_AVAILABILITY_ID",  # the only field a valid OCTO body can lack is the date
    "over_capacity": "UNPROCESSABLE_ENTITY",
    "after_cutoff": "UNPROCESSABLE_ENTITY",
    "invalid_participants": "UNPROCESSABLE_ENTITY",
    "idempotency_conflict": "INVALID_BOOKING_UUID",
    "order_not_found": "INVALID_BOOKING_UUID",
    "invalid_order_state": "UNPROCESSABLE_ENTITY",
    "invalid_order_state:expired": "INVALID_BOOKING_UUID",  # OCTO: an expired hold's uuid is no longer valid
    "after_cancellation_cutoff": "UNPROCESSABLE_ENTITY",
    "sold_out": "UNPROCESSABLE_ENTITY",
    "departure_closed": "UNPROCESSABLE_ENTITY",
    "hold_expired": "INVALID_BOOKING_UUID",
    "hold_not_found": "INVALID_BOOKING_UUID",
    "invalid_hold_state": "UNPROCESSABLE_ENTITY",
}


@dataclass
class OctoError(Exception):
    """Raised by the channel's views and mapping; rendered as the spec's error body."""

    error: str
    message: str = ""
    echo: object = None  # the offending value, sent back under the code's echo field
    status: int = 400

    def body(self) -> dict:
        default_message, field = OCTO_ERRORS[self.error]
        body = {"error": self.error, "errorMessage": self.message or default_message}
        if field is not None:
            body[field] = "" if self.echo is None else str(self.echo)
        return body


def octo_error_for(exc, *, echo: dict[str, object] | None = None) -> OctoError:
    """Translate a domain error (anything with a `.code` and `.message`) into an OctoError.

    `echo` holds the values the client sent ({"productId": ..., "uuid": ...});
    the one matching the OCTO code's echo field is sent back.
    """
    domain_code = getattr(exc, "code", "")
    status = getattr(exc, "details", {}).get("status")
    code = DOMAIN_TO_OCTO.get(f"{domain_code}:{status}") or DOMAIN_TO_OCTO.get(domain_code, "UNPROCESSABLE_ENTITY")
    field = OCTO_ERRORS[code][1]
    value = (echo or {}).get(field) if field else None
    if code == "INVALID_UNIT_ID":
        value = getattr(exc, "details", {}).get("unit", value)
    return OctoError(code, getattr(exc, "message", "") or str(exc), value)
