"""A partner with an API key, a client that speaks to /api/v1/, and a contract check of every answer.

Every response a test receives is validated against the OpenAPI document the
API itself generates (/api/v1/schema), so the schema and the behaviour cannot
drift apart.
"""

import json

import pytest
from django.test import Client
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from tests.factories import make_api_key, make_bookable, make_partner


@pytest.fixture(scope="session")
def openapi_document() -> dict:
    response = Client().get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture(scope="session")
def openapi(openapi_document) -> OpenAPI:
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(openapi_document, config=config)


class PartnerClient:
    """Django's test client with the partner's key, checking each answer against the OpenAPI document."""

    def __init__(self, *, key: str | None, openapi: OpenAPI | None):
        self.key = key
        self.openapi = openapi
        self.client = Client()

    def call(self, method: str, path: str, body=None, *, raw: bytes | str | None = None, headers=None,
             content_type: str = "application/json", contract: bool = True):
        all_headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        all_headers.update(headers or {})
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        response = self.client.generic(method, "/api/v1" + path, data, content_type=content_type,
                                       headers=all_headers)
        assert "text/html" not in response.get("Content-Type", ""), response.content[:200]
        if contract and self.openapi is not None:
            self.openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request),
                                           DjangoOpenAPIResponse(response))
        return response

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.call("PATCH", path, body, **kwargs)


@pytest.fixture
def partner(db):
    return make_partner(country="CZ")


@pytest.fixture
def api(partner, openapi) -> PartnerClient:
    client = PartnerClient(key=make_api_key(partner=partner, channel="api"), openapi=openapi)
    client.partner = partner
    return client


@pytest.fixture
def other_api(db, openapi) -> PartnerClient:
    other = make_partner(country="DE")
    client = PartnerClient(key=make_api_key(partner=other, channel="api"), openapi=openapi)
    client.partner = other
    return client


@pytest.fixture
def bookable(db):
    """(product, option, departure) with 10 seats a week ahead."""
    return make_bookable(capacity=10)
