"""Replies by SMTP to a real local server (aiosmtpd): language, threading, content, and when not to answer."""

import pytest

from channels.email.ingest import message_store
from channels.email.interpretation import Interpretation
from channels.email.models import InboundMessage, OutgoingReply
from channels.email.processing import message_process
from channels.email.replies import replies_send_pending
from tests.channels.email import scripted
from tests.channels.email.conftest import CORPUS, SMTP_PORTS
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def scripted_interpreter(settings, catalogue):
    settings.EMAIL_INTERPRETER = "tests.channels.email.scripted.interpret"
    scripted.SCRIPT.clear()
    yield
    scripted.SCRIPT.clear()


@pytest.fixture
def process(django_capture_on_commit_callbacks):
    def run(interpretation, raw=None, **mail):
        message = message_store(raw=raw or clear_order(**mail)).message
        scripted.SCRIPT[message.message_id] = interpretation
        with django_capture_on_commit_callbacks(execute=True):
            return message_process(message_id=message.pk)
    return run


def _body(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_confirmation_is_threaded_to_the_partners_mail(process, smtp_sink):
    message = process(scripted.order(reference="BT-9"), message_id="<order-1@balkantours.example>",
                      headers={"References": "<earlier@balkantours.example>"})
    [mail] = smtp_sink.messages
    assert mail["To"] == "office@balkantours.example"
    assert mail["In-Reply-To"] == "<order-1@balkantours.example>"
    assert mail["References"].split() == ["<earlier@balkantours.example>", "<order-1@balkantours.example>"]
    assert mail["Subject"] == "Re: Booking " + message.subject.removeprefix("Booking ")
    assert mail["Auto-Submitted"] == "auto-replied"
    assert OutgoingReply.objects.get().outgoing_message_id == mail["Message-ID"]


def test_confirmation_summarises_the_booking_and_asks_to_reply_if_wrong(process, smtp_sink):
    process(scripted.order(reference="BT-9"))
    body = _body(smtp_sink.messages[0])
    from intake.models import Order

    order = Order.objects.get()
    assert order.reference in body and "BT-9" in body and "John Smith" in body
    assert "50-minute river cruise" in body and "2 × Adult" in body and "14:30" in body
    assert "reply to this e-mail if anything is wrong" in body


@pytest.mark.parametrize("language, words", [
    ("cs", ["Dobrý den", "Rezervováno", "Vyhlídková plavba 50 minut"]),
    ("de", ["Guten Tag", "Gebucht", "Flussfahrt 50 Minuten", "Erwachsener"]),
    ("ro", ["Bună ziua", "Rezervat"]),
    ("uk", ["Добрий день", "Заброньовано"]),
    ("zh", ["您好", "已预订"]),
    ("en", ["Hello", "Booked"]),
])
def test_reply_is_in_the_senders_language(process, smtp_sink, language, words):
    process(scripted.order(language=language))
    body = _body(smtp_sink.messages[0])
    assert all(word in body for word in words), body
    assert smtp_sink.messages[0]["Content-Language"] == language


def test_unknown_language_falls_back_to_the_partners_then_english(process, smtp_sink):
    process(scripted.order(language="fr"))  # balkan-tours writes Romanian
    process(scripted.order(language="fr", partner="city-concierge"), sender="desk@charlesresidence.example")
    assert [m["Content-Language"] for m in smtp_sink.messages] == ["ro", "en"]


def test_refusal_offers_the_next_free_departures(process, smtp_sink):
    process(scripted.order(start=scripted.at("10:15")))
    body = _body(smtp_sink.messages[0])
    assert "there is no departure at this time" in body
    assert "Next free departures" in body and "10:30" in body


def test_availability_answer_lists_vacancies(process, smtp_sink):
    process(Interpretation(kind="availability_inquiry", partner="balkan-tours", language="de",
                           inquiry={"product": "river-cruise-50", "date": scripted.DAY.isoformat(), "quantity": 8}))
    body = _body(smtp_sink.messages[0])
    assert "Freie Plätze" in body and "100 freie Plätze" in body and "16:30" in body


def test_cancellation_is_confirmed(process, smtp_sink):
    process(scripted.order(reference="BT-5"))
    process(Interpretation(kind="cancellation", partner="balkan-tours", language="en",
                           cancellation={"external_reference": "BT-5"}))
    assert "we have cancelled this booking" in _body(smtp_sink.messages[1])


def test_reply_is_sent_only_after_commit(smtp_sink, django_capture_on_commit_callbacks):
    message = message_store(raw=clear_order()).message
    scripted.SCRIPT[message.message_id] = scripted.order()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_process(message_id=message.pk)
    assert smtp_sink.messages == [] and OutgoingReply.objects.get().status == OutgoingReply.Status.PENDING
    for callback in callbacks:
        callback()
    assert len(smtp_sink.messages) == 1


def test_reprocessed_message_never_sends_a_second_reply(process, smtp_sink):
    message = process(scripted.order())
    InboundMessage.objects.filter(pk=message.pk).update(status=InboundMessage.Status.STORED)
    with pytest.MonkeyPatch.context():
        message_process(message_id=message.pk)
    replies_send_pending(older_than_seconds=0)
    assert len(smtp_sink.messages) == 1


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"X-Autoreply": "yes"},
    {"Precedence": "bulk"},
    {"List-Unsubscribe": "<mailto:unsubscribe@balkantours.example>"},
])
def test_no_reply_to_machines_and_lists(process, smtp_sink, headers):
    process(scripted.order(), headers=headers)
    assert smtp_sink.messages == [] and not OutgoingReply.objects.exists()


def test_no_reply_to_our_own_domain_or_noreply_addresses(process, smtp_sink):
    process(scripted.order(), sender="orders@moldaucruises.example")
    process(scripted.order(), sender="noreply@balkantours.example")
    assert smtp_sink.messages == []


def test_no_reply_to_a_bounce_even_when_read_as_an_order(process, smtp_sink):
    raw = (CORPUS / "23-dsn-bounce.eml").read_bytes()
    process(scripted.order(), raw=raw)
    assert smtp_sink.messages == []


def test_replies_per_sender_are_limited_per_hour(process, smtp_sink, settings):
    settings.EMAIL_REPLY_LIMIT_PER_HOUR = 2
    for _ in range(3):
        process(scripted.order())
    assert len(smtp_sink.messages) == 2
    assert OutgoingReply.objects.filter(status=OutgoingReply.Status.SUPPRESSED).count() == 1


def test_smtp_down_keeps_the_reply_and_the_sweep_sends_it_later(process, smtp_sink, settings):
    from tests.servers.dovecot import free_port

    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port(*SMTP_PORTS)  # nobody listens there
    process(scripted.order())
    reply = OutgoingReply.objects.get()
    assert reply.status == OutgoingReply.Status.PENDING and reply.error
    settings.EMAIL_PORT = port
    replies_send_pending(older_than_seconds=0)
    assert len(smtp_sink.messages) == 1
    assert OutgoingReply.objects.get().status == OutgoingReply.Status.SENT
