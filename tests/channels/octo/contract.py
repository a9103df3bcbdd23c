"""Every OCTO response checked against the spec's openapi.yaml (OpenAPI 3.0 schemas, nullable honoured).

The spec is read from OCTO_OPENAPI (default: the shared copy beside the digest,
else the copy kept in this folder). One deliberate deviation, listed in
KNOWN_DEVIATIONS: OPENING_HOURS options send `availabilityLocalStartTimes: []`,
which the official validator requires although the schema says minItems 1.
"""

import copy
import os
import re
from functools import lru_cache
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

HERE = Path(__file__).resolve().parent
CANDIDATES = [os.environ.get("OCTO_OPENAPI", ""), "/work/shared/specs/octo/openapi.yaml", str(HERE / "openapi.yaml")]
PREFIX = "/octo"

KNOWN_DEVIATIONS = {
    ("Option", "availabilityLocalStartTimes"): "OPENING_HOURS options send [] (the validator warns on anything else)",
}


@lru_cache(maxsize=1)
def spec() -> dict:
    for candidate in CANDIDATES:
        if candidate and Path(candidate).exists():
            data = yaml.load(Path(candidate).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            break
    else:  # pragma: no cover
        raise FileNotFoundError("openapi.yaml of OCTO not found; set OCTO_OPENAPI")
    data = _nullable_all_of(copy.deepcopy(data))
    data["components"]["schemas"]["Option"]["properties"]["availabilityLocalStartTimes"].pop("minItems", None)
    return data


def _nullable_all_of(node):
    """`{nullable: true, allOf: [X]}` means "X or null" in the spec's intent (cancellation, voucher, ticket...).

    OpenAPI 3.0.3 validators read it strictly (null fails X), so it is rewritten to anyOf[null, X].
    """
    if isinstance(node, list):
        return [_nullable_all_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_all_of(value) for key, value in node.items()}
    if node.get("nullable") and "allOf" in node:
        rest = {key: value for key, value in node.items() if key != "nullable"}
        return {"anyOf": [{"type": "string", "nullable": True, "enum": [None]}, rest]}
    return node


@lru_cache(maxsize=1)
def _routes() -> list[tuple[re.Pattern, str]]:
    routes = []
    for path in spec()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", path.rstrip("/"))
        routes.append((re.compile(f"^{pattern}/?$"), path))
    # Literal paths before templated ones (/availability/calendar before /bookings/{uuid}).
    return sorted(routes, key=lambda route: "{" in route[1])


def spec_path(url_path: str) -> str:
    path = url_path.split("?", 1)[0]
    assert path.startswith(PREFIX), path
    path = path[len(PREFIX):] or "/"
    for pattern, spec_route in _routes():
        if pattern.match(path):
            return spec_route
    raise AssertionError(f"{url_path} is not an OCTO route of the spec")


def response_schema(url_path: str, method: str, status: int) -> dict:
    operation = spec()["paths"][spec_path(url_path)][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {url_path}: the spec defines no {status} response"
    return response["content"]["application/json"]["schema"]


@lru_cache(maxsize=64)
def _validator(route: str, method: str, status: int) -> OAS30Validator:
    operation = spec()["paths"][route][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {route}: the spec defines no {status} response"
    schema = {**response["content"]["application/json"]["schema"], "components": spec()["components"]}
    return OAS30Validator(schema, format_checker=oas30_format_checker)


# octo/webhooks has no path in openapi.yaml: its objects are checked against this schema, errors against BaseError.
WEBHOOK = {
    "type": "object",
    "required": ["id", "event", "url", "capabilities"],
    "properties": {"id": {"type": "string"}, "event": {"enum": ["booking_update", "availability_update"]},
                   "url": {"type": "string"}, "capabilities": {"type": "array", "items": {"type": "string"}}},
}
WEBHOOK_ROUTE = re.compile(r"^/octo/webhooks(/[^/]+)?/?$")


def _webhook_validate(url_path: str, method: str, status: int, body) -> None:
    if status == 400:
        schema = {"$ref": "#/components/schemas/BaseError", "components": spec()["components"]}
    elif method == "GET":
        schema = {"type": "array", "items": WEBHOOK}
    elif method == "DELETE":
        schema = {"type": "object", "required": ["id"]}
    else:
        schema = WEBHOOK
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(body)


def validate_response(url_path: str, method: str, status: int, body) -> None:
    """Raise jsonschema.ValidationError when `body` does not match the spec's schema for this response."""
    if WEBHOOK_ROUTE.match(url_path.split("?", 1)[0]):
        return _webhook_validate(url_path, method, status, body)
    _validator(spec_path(url_path), method, status).validate(body)
