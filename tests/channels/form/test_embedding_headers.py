import pytest

from channels.form.models import FormToken
from tests.channels.form.conftest import PARTNER_ORIGIN, make_form_world

pytestmark = pytest.mark.django_db


def test_form_page_may_be_framed_only_by_the_partner_origins(client, world):
    response = client.get(world.url)
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN};" in policy
    assert "X-Frame-Options" not in response


def test_the_rest_of_the_site_still_refuses_framing(client, world):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"


def test_a_malformed_stored_origin_never_reaches_the_header(client, db):
    world = make_form_world(origins=[PARTNER_ORIGIN])
    FormToken.objects.filter(pk=world.form_token.pk).update(
        allowed_origins=[PARTNER_ORIGIN, "https://evil.example; script-src *", "*"])
    policy = client.get(world.url)["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {PARTNER_ORIGIN};" in policy
    assert "evil" not in policy and "*" not in policy


def test_form_page_is_never_cached_because_it_carries_a_submission_id(client, world):
    assert client.get(world.url)["Cache-Control"] == "no-store"


def test_unknown_form_token_is_not_found(client, db):
    assert client.get("/form/pf_no_such_token/").status_code == 404


def test_inactive_form_token_is_not_found(client, world):
    FormToken.objects.filter(pk=world.form_token.pk).update(active=False)
    assert client.get(world.url).status_code == 404


def test_height_messages_go_only_to_an_allowed_partner_page(client, world):
    allowed = client.get(world.url, {"embed_origin": PARTNER_ORIGIN}).content.decode()
    foreign = client.get(world.url, {"embed_origin": "https://attacker.example"}).content.decode()
    assert f'data-embed-origin="{PARTNER_ORIGIN}"' in allowed
    assert 'data-embed-origin=""' in foreign


def test_form_speaks_the_asked_language_with_catalogue_names(client, world):
    czech = client.get(world.url, {"lang": "cs"}).content.decode()
    german = client.get(world.url, {"lang": "de"}).content.decode()
    assert '<html lang="cs">' in czech and "Plavba po řece" in czech and "Vaše údaje" in czech
    assert '<html lang="de">' in german and "Flussfahrt" in german and "Ihre Angaben" in german


def test_form_language_falls_back_to_the_browser_language(client, world):
    page = client.get(world.url, HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="de">' in page


def test_form_sets_no_cookie_so_it_works_in_a_third_party_iframe(client, world):
    from tests.channels.form.conftest import booking_post

    page = client.get(world.url, {"lang": "en"})
    answer = client.post(world.url, booking_post(world, page.content.decode()), follow=True)
    assert not page.cookies and not answer.cookies and not client.cookies
