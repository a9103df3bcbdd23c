import pytest

from intake.models import PartnerCredential
from intake.services.credentials import credential_revoke
from tests.channels.api.conftest import PartnerClient
from tests.channels.api.wire import problem
from tests.factories import make_api_key

pytestmark = pytest.mark.django_db


def test_missing_key_is_401_problem_with_bearer_challenge(openapi):
    response = PartnerClient(key=None, openapi=openapi).get("/products")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert problem(response)["code"] == "not_authenticated"


def test_unknown_key_is_401(openapi):
    response = PartnerClient(key="nosuch.key", openapi=openapi).get("/products")
    assert problem(response)["status"] == 401


def test_right_prefix_with_wrong_secret_is_401(api, openapi):
    prefix = api.key.split(".")[0]
    response = PartnerClient(key=f"{prefix}.not-the-secret", openapi=openapi).get("/products")
    assert problem(response)["status"] == 401


def test_other_scheme_than_bearer_is_401(api):
    response = api.get("/products", headers={"Authorization": f"Basic {api.key}"})
    assert problem(response)["status"] == 401


def test_revoked_key_is_401(api):
    credential_revoke(credential_id=PartnerCredential.objects.get(partner=api.partner).pk)
    assert problem(api.get("/products"))["status"] == 401


def test_key_of_another_channel_is_401(partner, openapi):
    octo_key = make_api_key(partner=partner, channel="octo")
    assert problem(PartnerClient(key=octo_key, openapi=openapi).get("/products"))["status"] == 401


def test_key_of_inactive_partner_is_401(api):
    api.partner.active = False
    api.partner.save()
    assert problem(api.get("/products"))["status"] == 401


def test_orders_need_a_key_too(bookable, openapi):
    response = PartnerClient(key=None, openapi=openapi).post("/orders", {"product": "x"})
    assert problem(response)["status"] == 401
