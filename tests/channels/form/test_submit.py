from datetime import timedelta

import pytest
from django.utils import timezone

from availability.models import Departure
from channels.form import views
from channels.form.embedding import form_key_issue
from intake.models import Order, OrderStatus, RawSource
from tests.channels.form.conftest import PARTNER_ORIGIN, booking_post, make_form_world
from tests.factories import make_departure

pytestmark = pytest.mark.django_db


def open_form(client, world, **params) -> str:
    return client.get(world.url, {"lang": "en", **params}).content.decode()


def test_booking_makes_a_confirmed_order_with_the_departure_and_participants(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world)))
    order = Order.objects.get()
    assert response.status_code == 302 and str(order.uuid) in response["Location"]
    assert (order.status, order.channel, order.partner, order.departure) == (
        OrderStatus.CONFIRMED, "form", world.form_token.partner, world.departure)
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 2}
    world.departure.refresh_from_db()
    assert world.departure.confirmed == 2


def test_success_page_shows_our_order_reference(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world)), follow=True)
    assert Order.objects.get().reference in response.content.decode()


def test_phone_is_normalized_to_e164_by_the_partner_country(client, world):
    client.post(world.url, booking_post(world, open_form(client, world), phone="601 123 456"))
    order = Order.objects.get()
    assert (order.contact_phone, order.contact_country) == ("+420601123456", "CZ")


def test_foreign_phone_number_keeps_its_own_country(client, world):
    client.post(world.url, booking_post(world, open_form(client, world), phone="+49 151 23456789"))
    assert Order.objects.get().contact_phone == "+4915123456789"


def test_invalid_phone_is_refused_in_the_guest_language(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world, lang="de"), phone="12"))
    assert response.status_code == 422
    assert "gültige Telefonnummer" in response.content.decode()
    assert not Order.objects.exists()


def test_post_without_form_key_is_refused(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world), form_key=None))
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_post_with_forged_form_key_is_refused(client, world):
    forged = form_key_issue(token=world.form_token.token, submission_id="x")[:-4] + "AAAA"
    response = client.post(world.url, booking_post(world, open_form(client, world), form_key=forged))
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_form_key_of_another_form_token_is_refused(client, world):
    other = make_form_world()
    data = booking_post(world, open_form(client, world))
    data["form_key"] = form_key_issue(token=other.form_token.token, submission_id=data["submission_id"])
    assert client.post(world.url, data).status_code == 403


def test_post_from_a_foreign_origin_is_refused(client, world):
    data = booking_post(world, open_form(client, world))
    response = client.post(world.url, data, HTTP_ORIGIN=PARTNER_ORIGIN)  # only our own iframe page may post
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_post_from_the_form_own_origin_is_accepted(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world)), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302


def test_double_submit_makes_one_order(client, world):
    data = booking_post(world, open_form(client, world))
    first = client.post(world.url, data)
    second = client.post(world.url, data)
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    world.departure.refresh_from_db()
    assert world.departure.confirmed == 2


def test_canary_without_the_submission_id_a_double_submit_makes_two_orders(client, world, monkeypatch):
    real = views.draft_from_form
    monkeypatch.setattr(views, "draft_from_form",
                        lambda **kw: real(**kw).model_copy(update={"external_reference": None}))
    data = booking_post(world, open_form(client, world))
    client.post(world.url, data)
    client.post(world.url, data)
    assert Order.objects.count() == 2  # what test_double_submit_makes_one_order guards against


def test_two_renders_of_the_form_make_two_orders(client, world):
    client.post(world.url, booking_post(world, open_form(client, world)))
    client.post(world.url, booking_post(world, open_form(client, world)))
    assert Order.objects.count() == 2


def test_a_sent_form_sent_again_with_other_tickets_says_it_was_already_sent(client, world):
    data = booking_post(world, open_form(client, world))
    client.post(world.url, data)
    response = client.post(world.url, {**data, "qty_ADULT": "3"})
    reference = Order.objects.get().reference
    assert response.status_code == 409
    assert reference in response.content.decode()


def test_sold_out_departure_shows_a_clear_error_and_offers_the_next_departures(client, db):
    world = make_form_world(capacity=1)
    later = make_departure(schedule=world.departure.schedule, capacity=10,
                           starts_at=world.departure.starts_at + timedelta(days=1))
    response = client.post(world.url, booking_post(world, open_form(client, world)))
    page = response.content.decode()
    assert response.status_code == 409
    assert "sold out" in page
    assert 'data-next="1"' in page and later.starts_at.astimezone(world.departure.starts_at.tzinfo).isoformat()[:10] in page
    assert not Order.objects.exists()


def test_departure_after_its_cutoff_shows_a_clear_error(client, db):
    soon = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    world = make_form_world(starts_at=soon, booking_cutoff_minutes=60)
    response = client.post(world.url, booking_post(world, open_form(client, world)))
    assert response.status_code == 409
    assert "booking for this departure has closed" in response.content.decode()


def test_no_tickets_is_an_error(client, world):
    response = client.post(world.url, booking_post(world, open_form(client, world), qty_ADULT="0"))
    assert response.status_code == 422
    assert "at least one ticket" in response.content.decode()


def test_raw_post_is_stored_even_when_the_form_is_invalid(client, world):
    data = booking_post(world, open_form(client, world), email="not-an-address")
    client.post(world.url, data)
    raw = RawSource.objects.get()
    assert raw.channel == "form" and raw.partner == world.form_token.partner
    assert b"not-an-address" in bytes(raw.body)
    assert raw.status == RawSource.Status.FAILED and "email" in raw.error


def test_raw_post_is_stored_even_when_the_form_key_is_forged(client, world):
    client.post(world.url, booking_post(world, open_form(client, world), form_key="forged"))
    assert RawSource.objects.get().error == "form key missing or forged"


def test_accepted_post_points_at_its_raw_source(client, world):
    client.post(world.url, booking_post(world, open_form(client, world)))
    raw = RawSource.objects.get()
    assert Order.objects.get().raw_source == raw and raw.status == RawSource.Status.PROCESSED


def test_invalid_post_keeps_what_the_guest_typed(client, world):
    page = client.post(world.url, booking_post(world, open_form(client, world), email="nope")).content.decode()
    assert 'value="Jana Nováková"' in page and 'value="2"' in page


def test_expired_form_key_asks_to_send_again_and_keeps_the_submission(client, world, monkeypatch):
    data = booking_post(world, open_form(client, world))
    monkeypatch.setattr("channels.form.embedding.FORM_KEY_MAX_AGE", -1)
    response = client.post(world.url, data)
    page = response.content.decode()
    assert response.status_code == 400 and data["submission_id"] in page
    monkeypatch.undo()
    fresh_key = page.split('name="form_key" value="', 1)[1].split('"', 1)[0]
    assert client.post(world.url, {**data, "form_key": fresh_key}).status_code == 302


def test_inactive_form_token_refuses_posts_but_keeps_them(client, world):
    data = booking_post(world, open_form(client, world))
    world.form_token.active = False
    world.form_token.save()
    assert client.post(world.url, data).status_code == 404
    assert RawSource.objects.get().error == "form token inactive"


def test_success_page_of_another_partner_is_not_found(client, world):
    location = client.post(world.url, booking_post(world, open_form(client, world)))["Location"]
    other = make_form_world()
    assert client.get(location.replace(world.form_token.token, other.form_token.token)).status_code == 404


def test_seats_are_gone_from_the_form_after_booking(client, world):
    client.post(world.url, booking_post(world, open_form(client, world)))
    body = client.get(f"{world.url}availability.json", {"product": world.product.code, "date": world.day}).json()
    assert body["departures"][0]["vacancies"] == 8
    assert Departure.objects.get(pk=world.departure.pk).confirmed == 2
