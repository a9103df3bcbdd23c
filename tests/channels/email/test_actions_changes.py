"""Cancellations, modifications and availability questions by e-mail."""

from datetime import datetime

import pytest

from channels.email.actions import message_act
from channels.email.ingest import message_store
from channels.email.interpretation import Interpretation
from channels.email.models import InboundMessage
from channels.email.processing import message_process
from intake.models import Order, OrderStatus, ReviewItem
from tests.channels.email import scripted
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_interpreter(settings, catalogue):
    settings.EMAIL_INTERPRETER = "tests.channels.email.scripted.interpret"
    scripted.SCRIPT.clear()
    yield
    scripted.SCRIPT.clear()


def _process(interpretation) -> InboundMessage:
    message = message_store(raw=clear_order()).message
    scripted.SCRIPT[message.message_id] = interpretation
    return message_process(message_id=message.pk)


def _booked(reference="BT-7", **fields) -> Order:
    _process(scripted.order(reference=reference, **fields))
    return Order.objects.get(external_reference=reference)


def test_cancellation_by_the_partners_reference_cancels_the_order():
    order = _booked()
    message = _process(Interpretation(kind="cancellation", partner="balkan-tours",
                                      cancellation={"external_reference": "BT-7"}))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and message.status == InboundMessage.Status.PROCESSED


def test_cancellation_of_another_partners_order_is_not_possible():
    order = _booked(partner="alpen-reisen")
    message = _process(Interpretation(kind="cancellation", partner="balkan-tours",
                                      cancellation={"external_reference": "BT-7"}))
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and message.status == InboundMessage.Status.REVIEW


def test_cancellation_without_a_known_reference_becomes_a_review_item_showing_the_mail():
    message = _process(Interpretation(kind="cancellation", partner="balkan-tours",
                                      cancellation={"external_reference": "BT-404"}))
    item = ReviewItem.objects.get()
    assert item.reason == "order_not_found" and item.raw_source_id == message.raw_source_id


def test_cancellation_without_reference_finds_the_order_by_product_and_start():
    _process(scripted.order(reference=None))
    order = Order.objects.get()
    _process(Interpretation(kind="cancellation", partner="balkan-tours", cancellation={
        "product": "river-cruise-50", "start": scripted.at("14:30")}))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_modification_moves_the_order_to_the_new_start():
    order = _booked()
    _process(Interpretation(kind="modification", partner="balkan-tours",
                            modification={"external_reference": "BT-7", "start": scripted.at("16:30", scripted.NEXT_DAY)}))
    order.refresh_from_db()
    assert order.starts_at == datetime.fromisoformat(scripted.at("16:30", scripted.NEXT_DAY))


def test_modification_changes_the_participants():
    order = _booked()
    _process(Interpretation(kind="modification", partner="balkan-tours",
                            modification={"external_reference": "BT-7", "participants": {"ADULT": 3, "CHILD": 2}}))
    assert {line.unit.code: line.quantity for line in order.lines.all()} == {"ADULT": 3, "CHILD": 2}


def test_impossible_modification_keeps_the_order_and_opens_review():
    order = _booked()
    message = _process(Interpretation(kind="modification", partner="balkan-tours",
                                      modification={"external_reference": "BT-7", "start": scripted.at("11:11", scripted.NEXT_DAY)}))
    order.refresh_from_db()
    assert order.starts_at == datetime.fromisoformat(scripted.at("14:30"))
    assert message.status == InboundMessage.Status.REVIEW
    assert ReviewItem.objects.get().reason == "no_such_departure"


def test_availability_question_is_answered_with_vacancies_of_that_day():
    _booked(participants={"ADULT": 10})
    message = message_store(raw=clear_order()).message
    outcome = message_act(message=message, interpretation=Interpretation(
        kind="availability_inquiry", partner="balkan-tours",
        inquiry={"product": "river-cruise-50", "date": scripted.DAY.isoformat(), "quantity": 8}))
    by_time = {slot["start"][11:16]: slot["vacancies"] for slot in outcome.slots}
    assert by_time == {"10:30": 100, "12:30": 100, "14:30": 90, "16:30": 100}
    assert outcome.purpose == "availability" and not Order.objects.filter(external_reference=None).exists()


def test_availability_question_for_a_full_time_offers_the_next_departures():
    _booked(product="old-town-walk", option="en", start=scripted.at("10:00"), participants={"ADULT": 18})
    message = message_store(raw=clear_order()).message
    outcome = message_act(message=message, interpretation=Interpretation(
        kind="availability_inquiry", partner="balkan-tours",
        inquiry={"product": "old-town-walk", "option": "en", "date": scripted.DAY.isoformat(), "times": ["10:00"], "quantity": 5}))
    assert [s["vacancies"] for s in outcome.slots] == [2]
    assert outcome.alternatives and outcome.alternatives[0]["start"].startswith(scripted.at("15:00")[:16])
