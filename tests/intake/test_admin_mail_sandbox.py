"""In a real browser, an e-mail's HTML shown on the desk never runs its scripts (Debian chromium via Playwright)."""

import os
from email.message import EmailMessage

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from intake.dispatch.desk.access import dispatcher_group_ensure
from intake.services import raw_source_store
from intake.services.review import review_open

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian chromium at /usr/bin/chromium"),
    pytest.mark.django_db,
]

HOSTILE_HTML = "<p>Booking for two</p><script>document.body.innerHTML = 'PWNED'</script>"


def _desk_page(client) -> str:
    message = EmailMessage()
    message["From"], message["Subject"] = "agency@example.com", "Order"
    message.set_content("Booking for two")
    message.add_alternative(HOSTILE_HTML, subtype="html")
    raw = raw_source_store(channel="email", body=message.as_bytes(), content_type="message/rfc822")
    item = review_open(reason="unreadable", message="?", channel="email", raw_source=raw)
    user = get_user_model().objects.create_user("dana", is_staff=True)
    user.groups.add(dispatcher_group_ensure())
    client.force_login(user)
    return client.get(reverse("admin:intake_reviewitem_change", args=[item.pk])).content.decode()


def _mail_frame_text(html: str) -> str:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing leaves the machine, not even admin CSS
            page.set_content(html, wait_until="load")
            page.wait_for_timeout(300)
            frame = page.frame_locator("iframe.mail-html")
            return frame.locator("body").inner_text(timeout=10_000)
        finally:
            browser.close()


def test_the_mail_html_is_shown_but_its_script_does_not_run(client):
    text = _mail_frame_text(_desk_page(client))
    assert "Booking for two" in text and "PWNED" not in text


def test_canary_without_the_sandbox_the_same_script_runs(client):
    text = _mail_frame_text(_desk_page(client).replace('sandbox=""', ""))
    assert "PWNED" in text
