"""Real HTTP against the live server: simultaneous posts of one rendered form, and a crash after the raw store."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels.form import views
from intake.models import Order, RawSource
from tests.channels.form.conftest import booking_post, make_form_world

pytestmark = pytest.mark.django_db(transaction=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url: str, data: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_eight_simultaneous_posts_of_one_form_make_one_order_and_take_seats_once(live_server):
    world = make_form_world(capacity=10)
    url = live_server.url + world.url
    with urllib.request.urlopen(url + "?lang=en", timeout=30) as response:
        data = booking_post(world, response.read().decode())
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: post(url, data), range(8)))
    assert {status for status, _ in answers} == {302}
    assert len({location for _, location in answers}) == 1
    assert Order.objects.count() == 1
    world.departure.refresh_from_db()
    assert (world.departure.held, world.departure.confirmed) == (0, 2)


def test_raw_post_survives_a_crash_behind_it(client, monkeypatch):
    world = make_form_world()
    data = booking_post(world, client.get(world.url, {"lang": "en"}).content.decode())

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "submit", crash)
    client.raise_request_exception = False
    assert client.post(world.url, data).status_code == 500
    raw = RawSource.objects.get()
    assert raw.status == RawSource.Status.RECEIVED and data["submission_id"].encode() in bytes(raw.body)
