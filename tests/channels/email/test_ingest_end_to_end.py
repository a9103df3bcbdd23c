"""From the IMAP server to orders and replies with the real extractor (channels/email/parsing)."""

import pytest

from channels.email.ingest import mailbox_fetch
from channels.email.management.commands.fetch_mail import processing_hook
from channels.email.models import InboundMessage, OutgoingReply
from channels.email.processing import message_interpret, message_process
from intake.models import Order, OrderStatus
from tests.channels.email.conftest import CORPUS
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db

NOT_ORDERS = {"19", "20", "21", "22", "23", "24"}
NO_REPLY = {"21", "22", "23", "24"}  # out-of-office, auto-reply, bounce, newsletter


@pytest.fixture
def real_extractor(corpus_catalogue):
    if message_interpret(clear_order()).kind != "order":
        pytest.skip("the e-mail extractor does not read a clear English order yet")


def _fetch(mailbox, django_capture_on_commit_callbacks):
    mailbox.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return mailbox_fetch(mailbox=mailbox, on_stored=processing_hook("inline"))


def test_clear_order_by_mail_is_booked_and_confirmed_in_the_thread(
        real_extractor, mailbox, imap, smtp_sink, django_capture_on_commit_callbacks):
    imap.append("INBOX", clear_order(reference="BT-E2E-1", message_id="<e2e-1@balkantours.example>"))
    _fetch(mailbox, django_capture_on_commit_callbacks)
    order = Order.objects.get()
    assert (order.status, order.external_reference, order.partner.code) == (OrderStatus.CONFIRMED, "BT-E2E-1", "balkan-tours")
    [reply] = smtp_sink.messages
    assert reply["In-Reply-To"] == "<e2e-1@balkantours.example>" and order.reference in reply.get_content()


def test_the_corpus_through_imap_makes_no_order_from_non_orders_and_nothing_twice(
        real_extractor, mailbox, imap, smtp_sink, django_capture_on_commit_callbacks):
    files = sorted(CORPUS.glob("*.eml"))
    for path in files:
        imap.append("INBOX", path.read_bytes())
    stats = _fetch(mailbox, django_capture_on_commit_callbacks)
    assert (stats.seen, stats.stored, stats.duplicates) == (len(files), len(files) - 1, 1)
    by_file = {}
    for message in InboundMessage.objects.filter(duplicate_of__isnull=True).select_related("raw_source"):
        number = next(p.name[:2] for p in files if p.read_bytes() == bytes(message.raw_source.body))
        by_file[number] = message
    assert all(by_file[n].status == InboundMessage.Status.IGNORED for n in NOT_ORDERS)
    assert not Order.objects.filter(raw_source__in=[by_file[n].raw_source for n in NOT_ORDERS]).exists()
    assert not OutgoingReply.objects.filter(message__in=[by_file[n] for n in NO_REPLY]).exists()
    orders_before = Order.objects.count()
    replies_before = len(smtp_sink.messages)
    assert orders_before >= 15
    # A second pass finds nothing; reprocessing every message makes no new order and sends no new reply.
    assert _fetch(mailbox, django_capture_on_commit_callbacks).seen == 0
    InboundMessage.objects.filter(duplicate_of__isnull=True).update(status=InboundMessage.Status.STORED)
    with django_capture_on_commit_callbacks(execute=True):
        for message in by_file.values():
            message_process(message_id=message.pk)
    assert Order.objects.count() == orders_before and len(smtp_sink.messages) == replies_before
