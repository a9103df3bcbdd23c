import io

import pytest

from channels.form import demo
from channels.form.models import FormToken
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def test_demo_seed_makes_one_fixed_token_for_hotel_aurelia_however_often_it_runs():
    partner = make_partner(code=demo.DEMO_PARTNER)
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    form_token = FormToken.objects.get()
    assert (form_token.token, form_token.partner) == (demo.DEMO_TOKEN, partner)
    assert set(form_token.allowed_origins) == {"http://127.0.0.1:8000", "http://localhost:8000"}
    assert f"/form/{demo.DEMO_TOKEN}/" in out.getvalue()


def test_demo_seed_without_the_partner_says_what_to_do_first():
    out = io.StringIO()
    demo.seed(out)
    assert "import demo/catalogue.json" in out.getvalue()
    assert not FormToken.objects.exists()


def test_demo_partner_page_embeds_the_widget(client):
    make_partner(code=demo.DEMO_PARTNER)
    demo.seed(io.StringIO())
    page = client.get("/form/demo-embed/").content.decode()
    assert 'src="http://testserver/static/form/widget.js"' in page
    assert f'data-partner="{demo.DEMO_TOKEN}"' in page


def test_demo_partner_page_is_not_found_before_seeding(client):
    assert client.get("/form/demo-embed/").status_code == 404


def test_landing_page_links_to_the_demo_form(client):
    make_partner(code=demo.DEMO_PARTNER)
    demo.seed(io.StringIO())
    page = client.get("/").content.decode()
    assert 'href="/form/demo-embed/"' in page
