"""Acting on an understood order: booked through the one door, once, or sent to review."""

from datetime import timedelta

import pytest

from channels.email.ingest import message_store
from channels.email.models import EmailOrder, InboundMessage, LabelledExample
from channels.email.processing import message_process, message_reprocess
from intake.drafts import OrderDraft
from intake.models import Order, OrderStatus, RawSource, ReviewItem
from intake.outbox_relay import outbox_relay_backlog
from intake.services.review import order_resubmit
from tests.channels.email import scripted
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_interpreter(settings, catalogue):
    settings.EMAIL_INTERPRETER = "tests.channels.email.scripted.interpret"
    scripted.SCRIPT.clear()
    scripted.FAIL.clear()
    yield
    scripted.SCRIPT.clear()
    scripted.FAIL.clear()


def _stored(interpretation, **mail) -> InboundMessage:
    result = message_store(raw=clear_order(**mail))
    scripted.SCRIPT[result.message.message_id] = interpretation
    return result.message


def test_clear_order_is_booked_through_the_door_with_its_mail():
    message = _stored(scripted.order(reference="BT-1"))
    message_process(message_id=message.pk)
    order = Order.objects.get()
    assert (order.status, order.channel, order.partner.code) == (OrderStatus.CONFIRMED, "email", "balkan-tours")
    assert order.external_reference == "BT-1" and order.raw_source_id == message.raw_source_id
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 2}
    message.refresh_from_db()
    assert message.status == InboundMessage.Status.PROCESSED
    assert RawSource.objects.get(pk=message.raw_source_id).status == RawSource.Status.PROCESSED


def test_processing_a_message_again_does_nothing():
    message = _stored(scripted.order())
    message_process(message_id=message.pk)
    message_process(message_id=message.pk)
    assert Order.objects.count() == 1


def test_reprocessing_after_a_lost_marker_never_books_an_order_without_reference_twice():
    message = _stored(scripted.order(reference=None))
    message_process(message_id=message.pk)
    InboundMessage.objects.filter(pk=message.pk).update(status=InboundMessage.Status.STORED)
    message_process(message_id=message.pk)
    assert Order.objects.count() == 1


def test_canary_without_the_order_marker_reprocessing_books_twice():
    message = _stored(scripted.order(reference=None))
    message_process(message_id=message.pk)
    EmailOrder.objects.all().delete()
    InboundMessage.objects.filter(pk=message.pk).update(status=InboundMessage.Status.STORED)
    message_process(message_id=message.pk)
    assert Order.objects.count() == 2


def test_two_orders_in_one_mail_make_two_orders():
    interpretation = scripted.order(reference="BT-A")
    second = interpretation.orders[0].model_copy(update={"external_reference": "BT-B", "start": scripted.at("10:30", scripted.NEXT_DAY)})
    interpretation.orders.append(second)
    interpretation.kind = "orders"
    message_process(message_id=_stored(interpretation).pk)
    assert sorted(Order.objects.values_list("external_reference", flat=True)) == ["BT-A", "BT-B"]


def test_order_from_an_unknown_sender_goes_to_review():
    message = _stored(scripted.order(partner=None), sender="someone@unknown.example")
    message_process(message_id=message.pk)
    order = Order.objects.get()
    assert order.status == OrderStatus.NEEDS_REVIEW
    assert ReviewItem.objects.get(order=order).reason == "unknown_partner"


def test_unsure_order_goes_to_review_and_takes_no_seats():
    message = _stored(scripted.order(confidence=0.4, problems=["start"]))
    message_process(message_id=message.pk)
    order = Order.objects.get()
    assert order.status == OrderStatus.NEEDS_REVIEW and order.hold_id is None
    item = ReviewItem.objects.get(order=order)
    assert item.reason == "low_confidence" and item.raw_source_id == message.raw_source_id
    assert item.draft["product_code"] == "river-cruise-50"


def test_no_such_departure_goes_to_review():
    message = _stored(scripted.order(start=scripted.at("10:15")))
    message_process(message_id=message.pk)
    assert ReviewItem.objects.get().reason == "no_such_departure"
    assert Order.objects.get().status == OrderStatus.NEEDS_REVIEW


def test_over_capacity_goes_to_review_without_cutting_the_party():
    walk = dict(product="old-town-walk", option="en", start=scripted.at("10:00"))
    message_process(message_id=_stored(scripted.order(participants={"ADULT": 15}, reference="BT-1", **walk)).pk)
    message_process(message_id=_stored(scripted.order(participants={"ADULT": 8}, reference="BT-2", **walk)).pk)
    item = ReviewItem.objects.get()
    assert item.reason == "over_capacity" and item.draft["participants"] == {"ADULT": 8}


def test_extractor_failure_keeps_the_mail_and_opens_a_review_item():
    message = _stored(scripted.order())
    scripted.FAIL.add(message.message_id)
    message_process(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == InboundMessage.Status.FAILED
    item = ReviewItem.objects.get()
    assert item.reason == "email_unreadable" and item.raw_source_id == message.raw_source_id
    scripted.FAIL.clear()
    message_reprocess(message_id=message.pk)
    assert Order.objects.count() == 1


def test_not_an_order_is_ignored():
    message = message_store(raw=clear_order()).message
    message_process(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == InboundMessage.Status.IGNORED and not Order.objects.exists()
    assert RawSource.objects.get().status == RawSource.Status.IGNORED


def test_dispatchers_correction_is_kept_as_a_labelled_example():
    message = _stored(scripted.order(start=scripted.at("10:15")))
    message_process(message_id=message.pk)
    order = Order.objects.get()
    corrected = OrderDraft.model_validate({**order.draft, "start": scripted.at("10:30")})
    order_resubmit(order_id=order.pk, draft=corrected, user="dispatcher")
    outbox_relay_backlog()  # the relay hands order.confirmed to the channel's subscriber
    example = LabelledExample.objects.get()
    assert example.raw_source_id == message.raw_source_id and example.order_id == order.pk
    assert example.machine_draft["start"].startswith(scripted.at("10:15")[:16])
    assert example.corrected_draft["start"].startswith(scripted.at("10:30")[:16]) and example.corrected_by == "dispatcher"


def test_order_booked_as_read_is_no_labelled_example():
    message_process(message_id=_stored(scripted.order()).pk)
    assert not LabelledExample.objects.exists()


def test_sweep_processes_stored_messages_nobody_picked_up():
    from channels.email.sweep import email_sweep

    message = _stored(scripted.order())
    InboundMessage.objects.filter(pk=message.pk).update(received_at=message.received_at - timedelta(minutes=5))
    assert email_sweep()["processed"] == 1
    assert Order.objects.count() == 1
