"""End to end in a real browser: Debian chromium driven by Playwright (never a downloaded browser).

A partner page on http://127.0.0.1:<port> embeds the widget; the form itself comes
from the live server on http://localhost:<port>: another site, as on the web.
"""

import functools
import os
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from babel.dates import format_time

from availability.selectors import availability_search
from intake.models import Order, OrderStatus
from tests.channels.form.conftest import make_form_world
from tests.factories import make_departure

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PARTNER_PORTS = range(18751, 18800)  # this channel's test ports; the first free ones are taken

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium at /usr/bin/chromium (CI installs it)"),
    pytest.mark.django_db(transaction=True),
]


class PartnerSite:
    """A partner's web server on 127.0.0.1 serving one page."""

    def __init__(self, ports):
        site = self
        self.html = "<!doctype html><title>empty</title>"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = _bind_first_free(ports, Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def embed(self, *, widget_url: str, token: str, product: str, lang: str = "en") -> None:
        self.html = (
            "<!doctype html><html><head><title>Hotel page</title></head><body><h1>Hotel Aurelia</h1>"
            f'<script src="{widget_url}" data-partner="{token}" data-product="{product}" data-lang="{lang}"></script>'
            "</body></html>"
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _bind_first_free(ports, handler) -> ThreadingHTTPServer:
    """Parallel runs (pytest-xdist, two checkouts) each get their own port of the range."""
    for port in ports:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise RuntimeError(f"no free port in {ports}")


@pytest.fixture
def partner_sites():
    sites = [PartnerSite(PARTNER_PORTS) for _ in range(2)]
    yield sites
    for site in sites:
        site.close()


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls in between are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        # Generous timeouts: on a busy 2-core CI machine chromium can take long to start.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()


def closing_connections(test):
    """Close the database connection the test body opened while Playwright ran.

    That connection lives in another context than the one pytest-django closes, and
    PostgreSQL would refuse to drop the test database at the end of the session.
    """

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        finally:
            connections.close_all()

    return wrapper


@closing_connections
def test_guest_books_two_adults_through_the_widget_on_a_partner_page(live_server, browser, partner_sites):
    partner = partner_sites[0]
    world = make_form_world(origins=[partner.origin])
    # An earlier departure makes the form open on another day: the guest has to pick the date.
    make_departure(schedule=world.departure.schedule, starts_at=world.departure.starts_at - timedelta(days=3))
    partner.embed(widget_url=f"{live_server.url}/static/form/widget.js", token=world.form_token.token,
                  product=world.product.code)
    local_start = world.departure.starts_at.astimezone(ZoneInfo(world.product.timezone))

    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(partner.origin + "/")
    form = page.frame_locator("iframe.tour-booking-form")
    form.get_by_label("Date").fill(world.day)
    form.get_by_role("button", name="Show departures").click()
    shown_time = format_time(local_start, "short", locale="en")  # the product's local time
    form.get_by_role("radio", name=f"{shown_time} · 10 seats left").check()
    form.get_by_label("Adult").fill("2")
    form.get_by_label("Full name").fill("Jana Nováková")
    form.get_by_label("E-mail").fill("jana@example.com")
    form.get_by_label("Phone").fill("601 123 456")
    screenshot = os.environ.get("FORM_SCREENSHOT")  # development aid: FORM_SCREENSHOT=/tmp/form.png (never commit it)
    if screenshot:
        page.screenshot(path=screenshot, full_page=True)
    form.get_by_role("button", name="Book now").click()
    reference = form.locator("#order-reference").text_content()
    if screenshot:
        page.wait_for_timeout(500)  # let the iframe settle to its new height
        page.locator("iframe.tour-booking-form").screenshot(path=screenshot.replace(".png", "-done.png"))
    page.close()

    order = Order.objects.get(reference=reference)
    assert (order.status, order.channel, order.partner_id) == (OrderStatus.CONFIRMED, "form", world.form_token.partner_id)
    assert order.departure_id == world.departure.pk
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 2}
    assert order.contact_phone == "+420601123456"
    [slot] = availability_search(option_id=world.option.pk, date_from=local_start.date(), date_to=local_start.date())
    assert slot.vacancies == 8


@closing_connections
def test_a_page_not_on_the_allowed_list_cannot_frame_the_form(live_server, browser, partner_sites):
    allowed, foreign = partner_sites
    world = make_form_world(origins=[allowed.origin])
    foreign.embed(widget_url=f"{live_server.url}/static/form/widget.js", token=world.form_token.token,
                  product=world.product.code)
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(foreign.origin + "/")
    page.wait_for_selector("iframe.tour-booking-form", state="attached")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(f.url.startswith("chrome-error:") for f in page.frames):
        page.wait_for_timeout(100)
    assert any(f.url.startswith("chrome-error:") for f in page.frames)  # the browser refused to show it
    assert page.frame_locator("iframe.tour-booking-form").locator("#booking").count() == 0
    page.close()



@closing_connections
def test_sold_out_answer_offers_the_next_departure_and_books_it_in_czech(live_server, browser, partner_sites):
    partner = partner_sites[0]
    world = make_form_world(capacity=1, origins=[partner.origin])
    later = make_departure(schedule=world.departure.schedule, capacity=10,
                           starts_at=world.departure.starts_at + timedelta(days=1))
    partner.embed(widget_url=f"{live_server.url}/static/form/widget.js", token=world.form_token.token,
                  product=world.product.code, lang="cs")

    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(partner.origin + "/")
    form = page.frame_locator("iframe.tour-booking-form")
    form.get_by_role("radio", name=re.compile("volná místa: 1$")).check()
    form.get_by_label("Dospělý").fill("2")
    form.get_by_label("Jméno a příjmení").fill("Jana Nováková")
    form.get_by_label("E-mail").fill("jana@example.com")
    form.get_by_label("Telefon").fill("601 123 456")
    form.get_by_role("button", name="Rezervovat").click()
    form.get_by_role("alert").filter(has_text="vyprodán").wait_for()
    form.locator("#departures[data-next] input[name=start]").first.check()  # the next departure with room
    form.get_by_role("button", name="Rezervovat").click()
    reference = form.locator("#order-reference").text_content()
    page.close()

    order = Order.objects.get(reference=reference)
    assert (order.departure_id, order.language) == (later.pk, "cs")
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 2}
