"""Demo API key for the partner hotel-aurelia (fixed, so the docs' curl examples work on a demo install)."""

from intake.models import Partner, PartnerCredential
from intake.services.credentials import credential_issue

DEMO_PARTNER = "hotel-aurelia"
DEMO_KEY = "aurelia-demo.Vltava-Queen-demo-key-do-not-use-in-production"


def seed(stdout) -> None:
    partner, _ = Partner.objects.get_or_create(code=DEMO_PARTNER, defaults={"name": "Hotel Aurelia", "kind": "hotel"})
    prefix = DEMO_KEY.split(".", 1)[0]
    if not PartnerCredential.objects.filter(prefix=prefix).exists():
        credential_issue(partner=partner, channel="api", label="demo", key=DEMO_KEY)
    stdout.write(f"  partner API ({DEMO_PARTNER}): Authorization: Bearer {DEMO_KEY}")
