"""Request bodies and problem checks shared by the partner API tests."""

import itertools
import json
from zoneinfo import ZoneInfo

_refs = itertools.count(1)


def local_start(product, departure) -> str:
    return departure.starts_at.astimezone(ZoneInfo(product.timezone)).isoformat()


def order_body(product, departure, **overrides) -> dict:
    body = {
        "external_reference": f"HOTEL-{next(_refs)}",
        "product": product.code,
        "start": local_start(product, departure),
        "participants": {"ADULT": 2},
        "contact": {"name": "Jana Nováková", "email": "jana@example.com", "phone": "+420777123456"},
    }
    body.update(overrides)
    return body


def problem(response) -> dict:
    """The problem document of an error response, checked for the RFC 9457 essentials."""
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["type"].startswith("urn:tour-intake:problem:") and body["title"] and body["code"]
    return body
