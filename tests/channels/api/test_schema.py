import json

import pytest
from django.test import Client
from drf_spectacular.drainage import GENERATOR_STATS
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData
from openapi_spec_validator import validate

from tests.factories import make_product

PATHS = {
    "/api/v1/products": {"get"},
    "/api/v1/availability": {"get"},
    "/api/v1/orders": {"get", "post"},
    "/api/v1/orders/{reference}": {"get", "patch"},
    "/api/v1/orders/{reference}/cancel": {"post"},
}


def test_schema_generates_without_warnings_and_holds_every_partner_endpoint():
    GENERATOR_STATS.reset()
    response = Client().get("/api/v1/schema", {"format": "json"})
    document = json.loads(response.content)
    assert response.status_code == 200
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    assert {path: set(operations) - {"parameters"} for path, operations in document["paths"].items()} == PATHS


def test_schema_is_valid_openapi_3_1(openapi_document):
    validate(openapi_document)
    assert openapi_document["openapi"].startswith("3.1")


def test_schema_documents_bearer_keys_and_problem_details(openapi_document):
    assert openapi_document["components"]["securitySchemes"]["partnerKey"]["scheme"] == "bearer"
    responses = openapi_document["paths"]["/api/v1/orders"]["post"]["responses"]
    assert set(responses) == {"200", "201", "400", "401", "409", "415", "422"}
    assert "application/problem+json" in responses["409"]["content"]


@pytest.mark.django_db
def test_canary_the_contract_check_rejects_a_response_that_drifts_from_the_schema(api, openapi, monkeypatch):
    """Shows the per-response contract check in conftest can fail."""
    monkeypatch.setattr("channels.api.views.product_to_wire", lambda product, languages: {"code": product.code})
    make_product()
    response = api.get("/products", contract=False)
    with pytest.raises(InvalidData):
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
