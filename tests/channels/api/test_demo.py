import io
import json

import pytest

from channels.api import demo
from intake.models import PartnerCredential
from tests.channels.api.conftest import PartnerClient

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_its_printed_key_works(openapi):
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    assert PartnerCredential.objects.filter(partner__code="hotel-aurelia", channel="api").count() == 1
    assert out.getvalue().count(demo.DEMO_KEY) == 2
    response = PartnerClient(key=demo.DEMO_KEY, openapi=openapi).get("/orders")
    assert response.status_code == 200 and json.loads(response.content)["count"] == 0
