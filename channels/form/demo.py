"""Demo form token for the hotel-aurelia partner (fixed, so the demo URL never changes)."""

from channels.form.models import FormToken
from intake.models import Partner

DEMO_PARTNER = "hotel-aurelia"
DEMO_TOKEN = "pf_demo_hotel_aurelia"
DEMO_PRODUCT = "river-cruise-50"
DEMO_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]


def seed(stdout) -> None:
    partner = Partner.objects.filter(code=DEMO_PARTNER).first()
    if partner is None:
        stdout.write(f"  booking form: no partner {DEMO_PARTNER!r} yet (import demo/catalogue.json first)")
        return
    form_token, created = FormToken.objects.get_or_create(
        token=DEMO_TOKEN,
        defaults={"partner": partner, "label": "demo web site", "allowed_origins": DEMO_ORIGINS},
    )
    if not created and set(DEMO_ORIGINS) - set(form_token.allowed_origins):
        form_token.allowed_origins = sorted(set(form_token.allowed_origins) | set(DEMO_ORIGINS))
        form_token.save(update_fields=["allowed_origins"])
    stdout.write(f"  booking form of {DEMO_PARTNER}: http://127.0.0.1:8000/form/{DEMO_TOKEN}/?product={DEMO_PRODUCT}")
    stdout.write("  the same form embedded in a partner page: http://127.0.0.1:8000/form/demo-embed/")
