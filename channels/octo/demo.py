"""Demo data for the OCTO channel: the reseller `demo-reseller` with a fixed API key, and a sold-out slot.

The official OCTO validator needs a SOLD_OUT slot in the next 30 days to run
its SOLD_OUT scenario (docs/octo.md). The lunch cruise of tomorrow is booked
full through the one door, as an `admin` order, so the seats are real.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from availability.models import Option
from availability.selectors import slot_for_option_at
from intake.drafts import ContactDraft, OrderDraft
from intake.errors import IntakeError
from intake.models import Partner, PartnerCredential
from intake.services import order_submit
from intake.services.credentials import credential_issue

DEMO_PARTNER = "demo-reseller"
DEMO_KEY = "octodemo.demo-reseller-octo-key-not-for-production"
SOLD_OUT_PRODUCT = "lunch-cruise"
SOLD_OUT_TIME = time(12, 0)


def demo_key_issue() -> str:
    partner, _ = Partner.objects.get_or_create(
        code=DEMO_PARTNER, defaults={"name": "Demo OCTO reseller", "kind": "reseller", "language": "en"}
    )
    prefix = DEMO_KEY.split(".", 1)[0]
    if not PartnerCredential.objects.filter(prefix=prefix).exists():
        credential_issue(partner=partner, channel="octo", label="demo key", key=DEMO_KEY)
    return DEMO_KEY


def demo_sold_out_slot() -> str | None:
    """Book tomorrow's lunch cruise full; returns its availabilityId, or None without that product."""
    option = Option.objects.select_related("product").filter(product__code=SOLD_OUT_PRODUCT).order_by("-is_default").first()
    if option is None:
        return None
    zone = ZoneInfo(option.product.timezone)
    tomorrow = (timezone.now().astimezone(zone) + timedelta(days=1)).date()
    start = datetime.combine(tomorrow, SOLD_OUT_TIME, tzinfo=zone)
    slot = slot_for_option_at(option_id=option.pk, starts_at=start)
    if slot is None:
        return None
    if slot.vacancies:
        draft = OrderDraft(
            channel="admin",
            external_reference=f"demo-sold-out-{tomorrow.isoformat()}-{slot.vacancies}",
            product_code=option.product.code,
            option_code=option.code,
            start=start,
            participants={"ADULT": slot.vacancies},
            contact=ContactDraft(name="Demo charter (keeps the slot sold out)"),
            notes="Demo data: books the slot full so OCTO resellers see a SOLD_OUT slot.",
        )
        try:
            order_submit(draft=draft, hold_ttl=None, review_on_problem=False)
        except IntakeError:
            return None
    return slot.starts_at.isoformat()


def seed(stdout) -> None:
    key = demo_key_issue()
    stdout.write(f"  OCTO: partner {DEMO_PARTNER}, API key (Authorization: Bearer ...): {key}")
    sold_out = demo_sold_out_slot()
    if sold_out:
        stdout.write(f"  OCTO: {SOLD_OUT_PRODUCT} at {sold_out} is booked full (a SOLD_OUT slot for the validator)")
