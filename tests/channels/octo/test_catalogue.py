"""Supplier, capabilities and products (octo.md 2.1: Get Suppliers, Get Products), auth and routing."""

import pytest

pytestmark = pytest.mark.django_db


def test_supplier_names_the_operator_and_the_endpoint_without_trailing_slash(octo):
    response = octo.get("/supplier")
    assert response.status_code == 200
    assert response.data["endpoint"] == "http://testserver/octo"
    assert set(response.data["contact"]) == {"website", "email", "telephone", "address"}


def test_paths_answer_with_and_without_trailing_slash(octo):
    assert octo.get("/supplier/").status_code == 200
    assert octo.get("/products/").status_code == 200
    assert octo.get("/products/cruise/").status_code == 200


def test_capabilities_list_pricing_content_and_webhooks(octo):
    response = octo.get("/capabilities")
    assert response.status_code == 200
    assert {cap["id"] for cap in response.data} >= {"octo/pricing", "octo/content"}


def test_products_list_both_availability_types(octo):
    response = octo.get("/products")
    assert response.status_code == 200
    types = {product["availabilityType"] for product in response.data}
    assert types == {"START_TIME", "OPENING_HOURS"}


def test_first_product_is_fetchable_by_its_id(octo):
    first = octo.get("/products").data[0]
    response = octo.get(f"/products/{first['id']}")
    assert response.status_code == 200
    assert response.data == first


def test_invalid_product_id_is_a_400_with_the_echoed_id(octo):
    response = octo.get("/products/invalidProductId")
    assert response.status_code == 400
    assert response.data["error"] == "INVALID_PRODUCT_ID"
    assert response.data["productId"] == "invalidProductId"


def test_start_time_option_lists_start_times_and_opening_hours_option_none(octo):
    products = {p["id"]: p for p in octo.get("/products").data}
    assert products["cruise"]["options"][0]["availabilityLocalStartTimes"] == ["10:30", "14:30"]
    assert products["museum"]["options"][0]["availabilityLocalStartTimes"] == []


def test_default_option_allows_three_adults_and_needs_no_contact_fields(octo):
    option = octo.get("/products/cruise").data["options"][0]
    assert option["default"] is True
    assert option["requiredContactFields"] == []
    assert option["restrictions"]["maxUnits"] is None or option["restrictions"]["maxUnits"] >= 3
    assert "ADULT" in {unit["type"] for unit in option["units"]}


def test_cancellation_cutoff_is_given_in_the_largest_whole_unit(octo):
    option = octo.get("/products/cruise").data["options"][0]
    assert (option["cancellationCutoff"], option["cancellationCutoffAmount"], option["cancellationCutoffUnit"]) == (
        "1 hour", 1, "hour")


def test_pricing_capability_adds_minor_unit_prices_with_precision(octo):
    response = octo.get("/products/cruise", headers={"Octo-Capabilities": "octo/pricing"})
    assert response["Octo-Capabilities"] == "octo/pricing"
    assert response.data["defaultCurrency"] == "CZK"
    adult = response.data["options"][0]["units"][0]
    assert adult["pricingFrom"][0] == {
        "original": 35000, "retail": 35000, "net": None, "currency": "CZK", "currencyPrecision": 2, "includedTaxes": []}


def test_without_capabilities_no_pricing_or_content_fields_appear(octo):
    product = octo.get("/products/cruise").data
    assert "defaultCurrency" not in product and "title" not in product


def test_content_capability_answers_in_the_accepted_language(octo):
    response = octo.get("/products/cruise", headers={"Octo-Capabilities": "octo/content", "Accept-Language": "de-AT, en;q=0.5"})
    assert response.data["title"] == "Flussfahrt"
    assert response.data["shortDescription"] == "Fünfzig Minuten auf dem Fluss."
    assert response["Content-Language"] == "de"
    assert set(response["Available-Languages"].split(", ")) == {"de", "en"}


def test_content_falls_back_to_english_for_an_unknown_language(octo):
    response = octo.get("/products/cruise", headers={"Octo-Capabilities": "octo/content", "Accept-Language": "ja"})
    assert response.data["title"] == "River cruise"
    assert response["Content-Language"] == "en"


def test_missing_key_is_unauthorized_400(octo):
    octo.key = None
    response = octo.get("/supplier")
    assert response.status_code == 400
    assert response.data["error"] == "UNAUTHORIZED"


def test_wrong_key_is_forbidden_400(octo):
    octo.key = "nope.wrong-key"
    response = octo.get("/products")
    assert response.status_code == 400
    assert response.data["error"] == "FORBIDDEN"


def test_a_key_of_another_channel_is_forbidden(octo, reseller):
    from tests.factories import make_api_key

    octo.key = make_api_key(partner=reseller, channel="api")
    assert octo.get("/supplier").data["error"] == "FORBIDDEN"


def test_unknown_route_is_json_bad_request_not_a_404(octo):
    response = octo.client.get("/octo/no/such/thing")
    assert response.status_code == 400
    assert response.json()["error"] == "BAD_REQUEST"


def test_wrong_method_is_json_bad_request(octo):
    response = octo.client.delete("/octo/products", headers={"Authorization": f"Bearer {octo.key}"})
    assert response.status_code == 400
    assert response.json()["error"] == "BAD_REQUEST"


def test_a_crash_is_a_json_500_not_an_html_page(octo, monkeypatch):
    from channels.octo import views

    def broken():
        raise RuntimeError("database went away")

    monkeypatch.setattr(views, "octo_operator", broken)
    response = octo.client.get("/octo/supplier", headers={"Authorization": f"Bearer {octo.key}"})
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL_SERVER_ERROR"


def test_a_revoked_key_is_refused_once_the_lookup_memory_expires(octo, reseller, settings):
    from channels.octo.lookups import lookups_clear
    from intake.models import PartnerCredential
    from intake.services.credentials import credential_revoke

    assert octo.get("/supplier").status_code == 200
    credential_revoke(credential_id=PartnerCredential.objects.get(partner=reseller, channel="octo").pk)
    lookups_clear()  # what OCTO_LOOKUP_SECONDS does after at most 30 s
    assert octo.get("/supplier").data["error"] == "FORBIDDEN"


def test_without_lookup_memory_a_revoked_key_is_refused_at_once(octo, reseller, settings):
    from intake.models import PartnerCredential
    from intake.services.credentials import credential_revoke

    settings.OCTO_LOOKUP_SECONDS = 0
    assert octo.get("/supplier").status_code == 200
    credential_revoke(credential_id=PartnerCredential.objects.get(partner=reseller, channel="octo").pk)
    assert octo.get("/supplier").data["error"] == "FORBIDDEN"
