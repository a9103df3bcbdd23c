"""The booking form's pages (framed by partners), its JSON for a chosen date, and the demo partner page.

Thin: each view checks its input, calls the offer selectors or intake.services.submit, renders.
"""

from datetime import date
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from availability.errors import AvailabilityError
from channels.form import offer
from channels.form.embedding import (
    cors_origin_allowed,
    embed_origin_checked,
    form_key_check,
    form_key_issue,
    post_origin_allowed,
    response_add_cors,
    response_allow_framing,
)
from channels.form.forms import BookingForm, new_submission_id
from channels.form.mapping import ERROR_TEXTS, FALLBACK_ERROR, draft_from_form
from channels.form.models import FormToken
from channels.form.texts import LANGUAGE_NAMES, LANGUAGES, language_choose, texts_for
from intake.errors import IdempotencyConflict, IntakeError
from intake.models import Order, RawSource
from intake.services import raw_source_mark, raw_source_store, submit


def _form_token(token: str, *, active_only: bool = True) -> FormToken:
    query = FormToken.objects.select_related("partner").filter(token=token)
    if active_only:
        query = query.filter(active=True, partner__active=True)
    form_token = query.first()
    if form_token is None:
        raise Http404("no such booking form")
    return form_token


def _language(request: HttpRequest, form_token: FormToken, requested: str | None) -> str:
    return language_choose(
        requested=requested,
        accept_language=request.headers.get("Accept-Language", ""),
        partner_language=form_token.partner.language,
    )


def _framed(request, form_token: FormToken, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"  # each render carries its own submission id
    return response_allow_framing(response, form_token)


def _unavailable(request, form_token: FormToken, language: str, status: int, text_key: str = "unavailable"):
    words = texts_for(language)
    return _framed(request, form_token, "form/message.html",
                   {"words": words, "language": language, "message": words[text_key]}, status=status)


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _page_context(*, form_token, language, product, option, day, form, embed_origin, error="", next_departures=None):
    today = offer.local_today(product)
    day = max(day or offer.first_bookable_day(option=option), today)
    return {
        "form_token": form_token,
        "language": language,
        "words": texts_for(language),
        "products": offer.form_product_choices(form_token, language),
        "product": product,
        "product_title": product.title(language),
        "options": [(o.code, o.title(language)) for o in product.options.all()],
        "option": option,
        "day": day,
        "today": today,
        "departures": offer.departures_on(option=option, day=day, language=language),
        "next_departures": next_departures,
        "form": form,
        "tickets": [(t, form[f"qty_{t.code}"]) for t in form.tickets],
        "error": error,
        "embed_origin": embed_origin,
        "zone": product.timezone,
        "availability_url": reverse("booking_form:availability", args=[form_token.token]),
        "zone_note": texts_for(language)["times_in"].format(zone=product.timezone),
        "currency": product.currency,
        "currency_precision": get_currency_precision(product.currency),
        "language_links": _language_links(form_token, product=product, option=option, day=day, embed_origin=embed_origin),
        "fresh_url": _form_url(form_token, lang=language, product=product.code, option=option.code,
                               embed_origin=embed_origin),
    }


def _form_url(form_token: FormToken, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse("booking_form:form", args=[form_token.token]) + (f"?{query}" if query else "")


def _language_links(form_token, *, product, option, day, embed_origin) -> list[tuple[str, str, str]]:
    return [
        (code, LANGUAGE_NAMES[code], _form_url(form_token, lang=code, product=product.code, option=option.code,
                                                date=day.isoformat(), embed_origin=embed_origin))
        for code in LANGUAGES
    ]


@csrf_exempt  # the post carries a signed form key instead of the CSRF cookie: see channels/form/embedding.py
@xframe_options_exempt  # framing is allowed per partner by CSP frame-ancestors instead
@require_http_methods(["GET", "POST"])
def booking_form(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        return _booking_submit(request, token)
    form_token = _form_token(token)
    language = _language(request, form_token, request.GET.get("lang"))
    product = offer.form_product(form_token, request.GET.get("product"))
    option = offer.option_pick(product, request.GET.get("option")) if product else None
    if option is None:
        return _unavailable(request, form_token, language, status=404, text_key="product_error")
    embed_origin = embed_origin_checked(form_token, request.GET.get("embed_origin"))
    submission_id = new_submission_id()
    form = BookingForm(
        initial={
            "submission_id": submission_id,
            "form_key": form_key_issue(token=form_token.token, submission_id=submission_id),
            "product": product.code,
            "option": option.code,
            "lang": language,
            "embed_origin": embed_origin,
        },
        tickets=offer.ticket_choices(product=product, option=option, language=language),
        language=language,
        partner_country=form_token.partner.country,
    )
    context = _page_context(form_token=form_token, language=language, product=product, option=option,
                            day=_parse_day(request.GET.get("date")), form=form, embed_origin=embed_origin)
    return _framed(request, form_token, "form/booking.html", context)


def _raw_store(request: HttpRequest, form_token: FormToken) -> RawSource:
    return raw_source_store(
        channel="form",
        body=request.body,
        content_type=request.content_type or "",
        partner=form_token.partner,
        source_key=request.POST.get("submission_id", "")[:64],
        metadata={
            "form_token": form_token.token,
            "origin": request.headers.get("Origin"),
            "user_agent": request.headers.get("User-Agent", "")[:300],
        },
    )


def _post_refusal(request: HttpRequest, form_token: FormToken, check) -> tuple[str, int, str] | None:
    """(reason kept on the raw source, HTTP status, text key) when the post must not be read further."""
    if not (form_token.active and form_token.partner.active):
        return "form token inactive", 404, "unavailable"
    if not post_origin_allowed(request):
        return "post from a foreign origin", 403, "not_verified"
    if not check.ok and not check.expired:
        return "form key missing or forged", 403, "not_verified"
    return None


def _booking_submit(request: HttpRequest, token: str) -> HttpResponse:
    form_token = _form_token(token, active_only=False)
    raw = _raw_store(request, form_token)  # raw first: whatever happens next, what the guest sent is kept
    language = _language(request, form_token, request.POST.get("lang"))
    check = form_key_check(key=request.POST.get("form_key", ""), token=form_token.token,
                           submission_id=request.POST.get("submission_id", ""))
    refusal = _post_refusal(request, form_token, check)
    if refusal is not None:
        reason, status, text_key = refusal
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error=reason)
        return _unavailable(request, form_token, language, status=status, text_key=text_key)
    product = offer.form_product(form_token, request.POST.get("product") or "-")
    option = offer.option_pick(product, request.POST.get("option")) if product else None
    if option is None:
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error="product not offered")
        return _unavailable(request, form_token, language, status=422, text_key="product_error")
    data = request.POST.copy()
    data["form_key"] = form_key_issue(token=form_token.token, submission_id=check.submission_id)
    data["embed_origin"] = embed_origin_checked(form_token, data.get("embed_origin"))
    form = BookingForm(data, tickets=offer.ticket_choices(product=product, option=option, language=language),
                       language=language, partner_country=form_token.partner.country)
    page = dict(form_token=form_token, language=language, product=product, option=option, form=form,
                embed_origin=data["embed_origin"])
    words = texts_for(language)
    if check.expired:
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error="form key expired")
        return _rerender(request, page, error=words["expired"], status=400)
    if not form.is_valid():
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED,
                        error=f"invalid form: {form.errors.as_json()}")
        return _rerender(request, page, error=words["errors_above"], status=422)
    draft = draft_from_form(form=form, form_token=form_token, language=language, raw_source_id=raw.pk)
    try:
        result = submit(draft=draft, review_on_problem=False)
    except IdempotencyConflict as conflict:
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error=conflict.code)
        reference = conflict.details.get("order_reference", "")
        return _rerender(request, page, error=words["already_submitted"].format(reference=reference),
                         status=409, fresh_link=True)
    except (IntakeError, AvailabilityError) as problem:
        raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.FAILED, error=f"{problem.code}: {problem.message}")
        text_key, offer_next = ERROR_TEXTS.get(problem.code, FALLBACK_ERROR)
        error = words[text_key].format(detail=problem.message)
        next_departures = None
        if offer_next:
            next_departures = offer.departures_next(option=option, after=form.cleaned_data["start"],
                                                    seats=form.seats_requested(), language=language)
        return _rerender(request, page, error=error, status=409, next_departures=next_departures)
    raw_source_mark(raw_source_id=raw.pk, status=RawSource.Status.PROCESSED)
    query = urlencode({key: value for key, value in (("lang", language), ("embed_origin", data["embed_origin"])) if value})
    done = reverse("booking_form:done", args=[form_token.token, result.order.uuid])
    return redirect(f"{done}?{query}", permanent=False)


def _rerender(request, page: dict, *, error: str, status: int, next_departures=None, fresh_link=False):
    form = page["form"]
    start = form.cleaned_data.get("start") if form.is_bound and hasattr(form, "cleaned_data") else None
    day = start.astimezone(ZoneInfo(page["product"].timezone)).date() if start else None
    context = _page_context(**page, day=day, error=error, next_departures=next_departures)
    context["fresh_link"] = fresh_link
    return _framed(request, page["form_token"], "form/booking.html", context, status=status)


@xframe_options_exempt
@require_GET
def booking_done(request: HttpRequest, token: str, order_uuid: UUID) -> HttpResponse:
    form_token = _form_token(token, active_only=False)
    order = (
        Order.objects.select_related("product", "option")
        .filter(uuid=order_uuid, channel="form", partner=form_token.partner)
        .first()
    )
    if order is None:
        raise Http404("no such order")
    language = _language(request, form_token, request.GET.get("lang"))
    zone = ZoneInfo(order.product.timezone) if order.product else None
    starts_at = order.starts_at.astimezone(zone) if order.starts_at and zone else None
    lines = [
        (line.unit.title(language), line.quantity)
        for line in order.lines.select_related("unit").order_by("unit__sort_order")
    ]
    context = {
        "words": texts_for(language),
        "language": language,
        "order": order,
        "product_title": order.product.title(language) if order.product else "",
        "when": offer.slot_when_text(starts_at, language) if starts_at else "",
        "lines": lines,
        "total": offer.money_text(order.total_minor, order.currency, language) if order.currency else "",
        "embed_origin": embed_origin_checked(form_token, request.GET.get("embed_origin")),
        "new_booking_url": _form_url(form_token, lang=language, product=order.product.code if order.product else "",
                                     embed_origin=embed_origin_checked(form_token, request.GET.get("embed_origin"))),
    }
    return _framed(request, form_token, "form/done.html", context)


@require_http_methods(["GET", "OPTIONS"])
def availability_json(request: HttpRequest, token: str) -> HttpResponse:
    form_token = _form_token(token)
    if not cors_origin_allowed(request, form_token):
        response = JsonResponse({"error": {"code": "origin_not_allowed",
                                           "message": "this origin may not use this booking form"}}, status=403)
        response["Vary"] = "Origin"
        return response
    if request.method == "OPTIONS":
        return response_add_cors(request, HttpResponse(status=204), form_token)
    language = _language(request, form_token, request.GET.get("lang"))
    product = offer.form_product(form_token, request.GET.get("product"))
    option = offer.option_pick(product, request.GET.get("option")) if product else None
    day = _parse_day(request.GET.get("date"))
    if option is None:
        return response_add_cors(request, JsonResponse(
            {"error": {"code": "unknown_product", "message": "no such product in this form"}}, status=404), form_token)
    if day is None:
        return response_add_cors(request, JsonResponse(
            {"error": {"code": "invalid_date", "message": "date must be YYYY-MM-DD"}}, status=400), form_token)
    body = {
        "product": product.code,
        "option": option.code,
        "date": day.isoformat(),
        "timezone": product.timezone,
        "departures": [
            {"start": d.value, "label": d.label, "status": d.status, "vacancies": d.vacancies, "bookable": d.bookable}
            for d in offer.departures_on(option=option, day=day, language=language)
        ],
        "prices": [
            {"unit": t.code, "label": t.label, "price_minor": t.price_minor, "currency": t.currency, "text": t.price_text}
            for t in offer.ticket_choices(product=product, option=option, language=language)
        ],
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response_add_cors(request, response, form_token)


@require_GET
def demo_embed(request: HttpRequest) -> HttpResponse:
    """A pretend partner web page that embeds the widget, so a newcomer can click through the form."""
    from channels.form.demo import DEMO_PRODUCT, DEMO_TOKEN

    if not FormToken.objects.filter(token=DEMO_TOKEN).exists():
        raise Http404("no demo form token: run `python manage.py seed_demo`")
    return render(request, "form/demo_embed.html", {
        "token": DEMO_TOKEN,
        "product": request.GET.get("product", DEMO_PRODUCT),
        "lang": request.GET.get("lang", ""),
        "widget_url": request.build_absolute_uri(static("form/widget.js")),
        "debug": settings.DEBUG,
    })
