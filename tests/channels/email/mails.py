"""Builders for test e-mails: a clear English order, an auto-reply, ... (bytes, CRLF, like a real delivery)."""

import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import date, datetime, timedelta, timezone

_seq = itertools.count(1)


def mail_bytes(*, sender: str, subject: str, body: str, message_id: str | None = None, headers: dict | None = None,
               date: datetime | None = None, to: str = "orders@moldaucruises.example") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc))
    message["Message-ID"] = message_id or make_msgid(domain="partner.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def clear_order(*, sender="office@balkantours.example", reference: str | None = None, day: date | None = None,
                adults: int = 2, message_id: str | None = None, headers: dict | None = None) -> bytes:
    """A clear English order from a known partner for the 50-minute river cruise, ten days ahead by default."""
    ref = reference or f"BT-TEST-{next(_seq):05d}"
    day = day or date.today() + timedelta(days=10)
    body = (
        "Hello,\n\n"
        f"please book the 50-minute river cruise on {day.day} {MONTHS[day.month - 1]} {day.year} at 14:30 "
        f"for {adults} adults.\n"
        "Guest name: John Smith, phone +420 603 111 222.\n"
        f"Our reference: {ref}\n\n"
        "Best regards\nBalkan Tours\n"
    )
    return mail_bytes(sender=sender, subject=f"Booking {ref}", body=body, message_id=message_id, headers=headers)
