"""The public landing page at / : what a newcomer can open after `python3 dev.py up`."""

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET

from channels.form.demo import DEMO_PRODUCT, DEMO_TOKEN
from channels.form.models import FormToken


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@require_GET
def landing(request):
    demo_form = FormToken.objects.filter(token=DEMO_TOKEN, active=True).exists()
    return render(request, "form/landing.html", {
        "demo_embed_url": _url("booking_form:demo_embed") if demo_form else "",
        "demo_form_url": (_url("booking_form:form", DEMO_TOKEN) + f"?product={DEMO_PRODUCT}") if demo_form else "",
        "api_schema_url": _url("partner_api:schema"),
        "octo_url": _url("octo:supplier"),
        "admin_url": _url("admin:index"),
    })


urlpatterns = [path("", landing, name="landing")]
