"""Two workers processing the same stored message at once make one order and one reply."""

import threading

import pytest
from django.db import connection

from channels.email.ingest import message_store
from channels.email.models import OutgoingReply
from channels.email.processing import message_process
from intake.models import Order
from tests.channels.email import scripted
from tests.channels.email.mails import clear_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_on_one_message_make_one_order_and_one_reply(settings, catalogue):
    settings.EMAIL_INTERPRETER = "tests.channels.email.scripted.interpret"
    message = message_store(raw=clear_order()).message
    scripted.SCRIPT[message.message_id] = scripted.order(reference=None)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            message_process(message_id=message.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    scripted.SCRIPT.clear()
    assert errors == []
    assert Order.objects.count() == 1 and OutgoingReply.objects.count() == 1
