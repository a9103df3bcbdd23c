"""Every error of the partner API as an RFC 9457 problem detail, from one table.

Domain errors keep their code from intake/errors.py and availability/errors.py;
this table only decides the HTTP status and title. Anything unexpected still
answers with a problem document (500), never an HTML page.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from pydantic import ValidationError
from rest_framework import exceptions as drf
from rest_framework.response import Response

from availability.errors import AvailabilityError
from intake.errors import IntakeError

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:tour-intake:problem:"

# code -> (HTTP status, title). Codes of intake/availability errors keep their own names.
ERROR_TABLE: dict[str, tuple[int, str]] = {
    # the request itself
    "malformed_json": (400, "The body is not valid JSON"),
    "validation_error": (400, "The request has invalid fields"),
    "idempotency_key_mismatch": (400, "Idempotency-Key and external_reference differ"),
    "idempotency_key_missing": (400, "An Idempotency-Key header or external_reference is required"),
    "not_authenticated": (401, "A valid API key is required"),
    "permission_denied": (403, "Not allowed"),
    "not_found": (404, "No such resource"),
    "method_not_allowed": (405, "Method not allowed"),
    "not_acceptable": (406, "Cannot answer in the requested media type"),
    "payload_too_large": (413, "The body is too large"),
    "unsupported_media_type": (415, "Send application/json"),
    "throttled": (429, "Too many requests"),
    # intake: the order
    "order_not_found": (404, "No such order"),
    "idempotency_conflict": (409, "The reference was already used for another order"),
    "over_capacity": (409, "Not enough seats left"),
    "invalid_order_state": (409, "The order cannot change in its current state"),
    "unknown_partner": (422, "Unknown partner"),
    "unknown_product": (422, "Unknown product"),
    "unknown_option": (422, "Unknown option"),
    "unknown_unit": (422, "Unknown ticket category"),
    "no_such_departure": (422, "No departure at that time"),
    "after_cutoff": (422, "The departure is not bookable"),
    "invalid_participants": (422, "The participants are not allowed"),
    "missing_field": (422, "A required field is missing"),
    "after_cancellation_cutoff": (422, "The cancellation cut-off has passed"),
    # availability: seats
    "sold_out": (409, "Not enough seats left"),
    "departure_closed": (422, "The departure is closed"),
    "hold_not_found": (409, "The order holds no seats"),
    "hold_expired": (409, "The hold has expired"),
    "invalid_hold_state": (409, "The order cannot change in its current state"),
    # fall-backs
    "intake_error": (422, "The order cannot be accepted"),
    "availability_error": (422, "The seats cannot be changed"),
    "internal_error": (500, "Internal error"),
}

# Details of domain errors a partner may see, under their wire names (ids of our rows stay inside).
PUBLIC_DETAILS = {
    "vacancies": "vacancies",
    "requested": "requested",
    "order_reference": "order_reference",
    "external_reference": "external_reference",
    "status": "order_status",
    "start": "start",
    "unit": "unit",
}

_DRF_CODES = {
    drf.NotAuthenticated: "not_authenticated",
    drf.AuthenticationFailed: "not_authenticated",
    drf.PermissionDenied: "permission_denied",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "throttled",
    drf.ParseError: "malformed_json",
    drf.ValidationError: "validation_error",
}


@dataclass
class ApiProblem(Exception):
    """An error raised by the API layer itself (bad request shape, unknown order...)."""

    code: str
    detail: str = ""
    errors: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


def field_error(loc, message: str) -> dict:
    parts = [str(part) for part in loc if part != "__root__"]
    return {"field": ".".join(parts), "pointer": "#/" + "/".join(parts) if parts else "#", "detail": message}


def validation_problem(exc: ValidationError, *, detail: str = "The request has invalid fields") -> ApiProblem:
    errors = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = [part for part in error["loc"] if part not in ("function-after",)]
        message = error["msg"].removeprefix("Value error, ")
        errors.append(field_error(loc, message))
    if len(errors) == 1:
        detail = f"{errors[0]['field'] or 'body'}: {errors[0]['detail']}"
    elif errors:
        detail = f"{len(errors)} invalid fields: " + ", ".join(e["field"] or "body" for e in errors)
    return ApiProblem("validation_error", detail, errors)


def problem_response(*, code: str, detail: str = "", instance: str | None = None, errors=(), extra=None,
                     headers=None) -> Response:
    status, title = ERROR_TABLE.get(code, ERROR_TABLE["internal_error"])
    body = {
        "type": TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "detail": detail or title,
        "code": code,
        "instance": instance,
        "errors": list(errors),
    }
    body.update({key: value for key, value in (extra or {}).items() if key not in body})
    return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _domain_problem(exc: IntakeError | AvailabilityError) -> dict:
    details = {PUBLIC_DETAILS[key]: value for key, value in exc.details.items() if key in PUBLIC_DETAILS}
    errors = []
    if isinstance(exc.details.get("field"), str):
        errors.append(field_error(exc.details["field"].split("."), exc.message))
    fallback = "intake_error" if isinstance(exc, IntakeError) else "availability_error"
    code = exc.code if exc.code in ERROR_TABLE else fallback
    return {"code": code, "detail": exc.message, "errors": errors, "extra": details}


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF exception handler for the partner API views: every exception becomes a problem."""
    request = context.get("request")
    instance = request.path if request is not None else None
    headers = None
    if isinstance(exc, ApiProblem):
        spec = {"code": exc.code, "detail": exc.detail, "errors": exc.errors, "extra": exc.extra}
    elif isinstance(exc, (IntakeError, AvailabilityError)):
        spec = _domain_problem(exc)
    elif isinstance(exc, ValidationError):
        problem = validation_problem(exc)
        spec = {"code": problem.code, "detail": problem.detail, "errors": problem.errors}
    elif isinstance(exc, Http404):
        spec = {"code": "not_found", "detail": ""}
    elif isinstance(exc, RequestDataTooBig):
        spec = {"code": "payload_too_large", "detail": str(exc)}
    elif isinstance(exc, drf.APIException):
        code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "validation_error")
        spec = {"code": code, "detail": str(exc.detail) if not isinstance(exc.detail, (dict, list)) else ""}
        if code == "not_authenticated":
            headers = {"WWW-Authenticate": 'Bearer realm="partner-api"'}
        elif code == "method_not_allowed" and context.get("view") is not None:
            headers = {"Allow": ", ".join(context["view"].allowed_methods)}
        elif code == "throttled" and getattr(exc, "wait", None):
            headers = {"Retry-After": str(int(exc.wait))}
    else:
        log.exception("partner API: unexpected error on %s", instance)
        spec = {"code": "internal_error", "detail": "The request could not be handled; it has been logged."}
    return problem_response(instance=instance, headers=headers, **spec)


def not_found_view(request, *args, **kwargs):
    """Any path under /api/v1/ that names no endpoint: a problem, not Django's HTML page."""
    status, title = ERROR_TABLE["not_found"]
    body = {"type": TYPE_PREFIX + "not_found", "title": title, "status": status,
            "detail": f"no endpoint {request.path}", "code": "not_found", "instance": request.path, "errors": []}
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
