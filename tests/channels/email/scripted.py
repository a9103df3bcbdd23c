"""A scripted interpreter for tests of what happens AFTER interpretation (act, reply, idempotency).

The real extractor (channels/email/parsing) is tested on its own; these tests
give the Interpretation as data, keyed by Message-ID, so a change in the
extractor cannot hide a bug in acting or replying.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from channels.email.ingest.identity import message_identity
from channels.email.interpretation import Interpretation

PRAGUE = ZoneInfo("Europe/Prague")
DAY = timezone.localdate() + timedelta(days=10)  # a day with departures (the test catalogue has 26 days)
NEXT_DAY = DAY + timedelta(days=1)


def at(hour_minute: str, day=None) -> str:
    """ISO 8601 start in the product's timezone, as the extractor gives it."""
    hour, minute = map(int, hour_minute.split(":"))
    return datetime.combine(day or DAY, datetime.min.time(), tzinfo=PRAGUE).replace(hour=hour, minute=minute).isoformat()


SCRIPT: dict[str, Interpretation] = {}
FAIL: set[str] = set()


def interpret(raw: bytes, *, catalogue, known_message_ids=None) -> Interpretation:
    message_id = message_identity(raw).message_id
    if message_id in FAIL:
        raise RuntimeError("the extractor broke on this mail")
    return SCRIPT.get(message_id) or Interpretation(kind="not_an_order", not_an_order_reason="not_understood")


def order(*, partner="balkan-tours", product="river-cruise-50", start=None, option=None,
          participants=None, reference=None, language="en", confidence=1.0, problems=()) -> Interpretation:
    return Interpretation(kind="order", partner=partner, language=language, orders=[{
        "product": product, "option": option, "start": start or at("14:30"), "participants": participants or {"ADULT": 2},
        "contact_name": "John Smith", "contact_phone": "+420603111222", "external_reference": reference,
        "language": language, "confidence": confidence, "problems": list(problems),
    }])
