"""The dispatcher desk through the Django test client: review, resubmit, reject, manifest, dashboard, rights."""

from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from intake.dispatch.desk.access import dispatcher_group_ensure
from intake.dispatch.fanout import deliveries_create
from intake.models import Order, OrderStatus, ReviewItem
from intake.services import raw_source_store, submit
from tests.factories import make_bookable, make_draft, make_partner
from tests.intake.dispatch_world import webhook_connector

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher(client):
    user = get_user_model().objects.create_user("dana", is_staff=True)  # force_login: no slow password hash
    user.groups.add(dispatcher_group_ensure())
    client.force_login(user)
    return client


def _mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Hotel Aria <desk@aria.example>"
    message["To"] = "orders@moldaucruises.example"
    message["Subject"] = "Booking for 2 guests"
    message.set_content("Please book the evening cruise for Mr. Novák, 2 adults.")
    message.add_alternative("<p>Please book</p><script>alert('x')</script>", subtype="html")
    message.add_attachment(b"%PDF-1.4 voucher", maintype="application", subtype="pdf", filename="voucher.pdf")
    return message.as_bytes()


def _review_item(**draft_fields):
    product, option, departure = make_bookable(capacity=10)
    partner = make_partner()
    raw = raw_source_store(channel="email", body=_mail(), content_type="message/rfc822", partner=partner)
    draft = make_draft(product=product, departure=departure, partner=partner, channel="email",
                       external_reference="mail-1", raw_source_id=raw.pk).model_copy(update=draft_fields)
    order = submit(draft=draft).order
    return ReviewItem.objects.get(order=order), product, departure


def _correction(product, departure, **overrides) -> dict:
    start = departure.starts_at.astimezone(ZoneInfo(product.timezone))
    return {"product": product.code, "option": "", "start": start.strftime("%Y-%m-%dT%H:%M"),
            "participants": "ADULT=2", "contact_name": "Jan Novák", "contact_email": "jan@example.com",
            "contact_phone": "", "notes": "", **overrides}


def test_a_dispatcher_corrects_and_resubmits_a_review_item(dispatcher):
    item, product, departure = _review_item(product_code="evening-crusie")
    assert item.reason == "unknown_product"
    response = dispatcher.post(reverse("admin:intake_reviewitem_resubmit", args=[item.pk]),
                               _correction(product, departure))
    order = Order.objects.get(pk=item.order_id)
    assert response.status_code == 302 and response["Location"] == reverse("admin:intake_order_change", args=[order.pk])
    assert order.status == OrderStatus.CONFIRMED and order.contact_name == "Jan Novák"
    assert order.lines.get().quantity == 2 and order.external_reference == "mail-1"
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.RESOLVED and item.resolved_by == "dana"
    assert order.audit_events.filter(action="order.resubmitted", actor="user:dana").exists()


def test_a_resubmit_that_still_cannot_be_booked_keeps_the_item_open_and_says_why(dispatcher):
    item, product, departure = _review_item(product_code="nope")
    response = dispatcher.post(reverse("admin:intake_reviewitem_resubmit", args=[item.pk]),
                               _correction(product, departure, participants="ADULT=11"))
    assert response.status_code == 200 and b"over_capacity" in response.content
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.OPEN and item.order.status == OrderStatus.NEEDS_REVIEW


def test_the_review_page_shows_the_mail_beside_the_draft_without_running_its_html(dispatcher):
    item, product, departure = _review_item(product_code="nope")
    page = dispatcher.get(reverse("admin:intake_reviewitem_change", args=[item.pk])).content.decode()
    assert "Booking for 2 guests" in page and "Mr. Novák, 2 adults" in page
    assert "voucher.pdf" in page and 'sandbox=""' in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'value="nope"' not in page and "Resubmit through the one door" in page


def test_rejecting_with_a_reason_closes_the_item_and_the_order(dispatcher):
    item, product, departure = _review_item(product_code="nope")
    dispatcher.post(reverse("admin:intake_reviewitem_reject", args=[item.pk]), {"reason": "We do not sail on Mondays"})
    item.refresh_from_db()
    assert item.status == ReviewItem.Status.REJECTED
    assert item.order.status == OrderStatus.REJECTED and item.order.cancel_reason == "We do not sail on Mondays"


def test_the_review_queue_lists_open_items_with_filters_and_search(dispatcher):
    item, product, departure = _review_item(product_code="nope")
    page = dispatcher.get(reverse("admin:intake_reviewitem_changelist"))
    assert page.status_code == 200 and item.order.reference.encode() in page.content
    found = dispatcher.get(reverse("admin:intake_reviewitem_changelist"), {"q": item.order.reference})
    assert item.order.reference.encode() in found.content


def test_the_manifest_lists_who_is_on_the_departure(dispatcher):
    product, option, departure = make_bookable(capacity=20)
    hotel, agency = make_partner(code="hotel-aria"), make_partner(code="agency-vltava")
    submit(draft=make_draft(product=product, departure=departure, partner=hotel, participants={"ADULT": 2, "CHILD": 1},
                            external_reference="a"))
    submit(draft=make_draft(product=product, departure=departure, partner=agency, channel="octo",
                            participants={"ADULT": 4}, external_reference="b"))
    page = dispatcher.get(reverse("admin:intake_order_manifest", args=[departure.pk]))
    assert page.status_code == 200
    manifest = page.context["manifest"]
    assert manifest.pax == 7 and manifest.by_unit_type == {"ADULT": 6, "CHILD": 1}
    assert manifest.by_channel == {"api": 3, "octo": 4}
    assert manifest.by_partner == {"Hotel-Aria": 3, "Agency-Vltava": 4}
    assert b"Test Guest" in page.content and b"@media print" in page.content


def test_the_dashboard_counts_open_items_and_shows_todays_departures(dispatcher):
    _review_item(product_code="nope")
    page = dispatcher.get(reverse("admin:intake_dashboard"))
    assert page.status_code == 200
    assert ("unknown_product", 1) in page.context["board"].open_by_reason


def test_the_order_page_shows_its_timeline(dispatcher):
    webhook_connector(port=18399)
    product, option, departure = make_bookable()
    order = submit(draft=make_draft(product=product, departure=departure, partner=make_partner())).order
    for event in order.outbox_events.all():
        deliveries_create(event_id=event.pk)
    page = dispatcher.get(reverse("admin:intake_order_change", args=[order.pk]))
    titles = [entry.title for entry in page.context["timeline"]]
    assert titles[0] == "order.created" and "order.confirmed -> dispatch 18399" in titles


def test_the_dispatcher_group_uses_the_desk_but_cannot_touch_the_catalogue(dispatcher):
    product, option, departure = make_bookable()
    assert dispatcher.get(reverse("admin:intake_dashboard")).status_code == 200
    assert dispatcher.get(reverse("admin:intake_order_manifests")).status_code == 200
    assert dispatcher.get(reverse("admin:availability_product_delete", args=[product.pk])).status_code == 403
    assert dispatcher.post(reverse("admin:availability_product_change", args=[product.pk]), {}).status_code == 403
    assert dispatcher.get(reverse("admin:intake_webhookconnector_add")).status_code == 403
    user = get_user_model().objects.get(username="dana")
    assert not user.has_perm("availability.delete_product") and user.has_perm("intake.change_reviewitem")


def test_the_desk_needs_a_staff_login(client):
    response = client.get(reverse("admin:intake_dashboard"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_user_without_the_group_cannot_act_on_review_items(client):
    item, product, departure = _review_item(product_code="nope")
    client.force_login(get_user_model().objects.create_user("guest", is_staff=True))
    response = client.post(reverse("admin:intake_reviewitem_reject", args=[item.pk]), {"reason": "no"})
    assert response.status_code == 403


def test_the_queue_shows_open_items_by_default_and_others_on_request(dispatcher):
    item, product, departure = _review_item(product_code="nope")
    dispatcher.post(reverse("admin:intake_reviewitem_reject", args=[item.pk]), {"reason": "no"})
    url = reverse("admin:intake_reviewitem_changelist")
    assert item.order.reference.encode() not in dispatcher.get(url).content
    assert item.order.reference.encode() in dispatcher.get(url, {"status": "all"}).content
    assert item.order.reference.encode() in dispatcher.get(url, {"status": "rejected"}).content
