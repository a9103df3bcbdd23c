"""Desk pages served inside the admin (each wrapped by admin_site.admin_view: staff login required)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from intake.dispatch.desk import selectors
from intake.dispatch.desk.actions import review_item_reject, review_item_resubmit, review_item_retry_delivery
from intake.dispatch.desk.forms import OrderCorrectionForm, RejectForm
from intake.dispatch.desk.raw_display import raw_display
from intake.errors import IntakeError
from intake.models import Order, ReviewItem
from intake.services.review import review_resolve


def _require(request, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise PermissionDenied


def _context(admin_site, request, title: str, **extra) -> dict:
    return {**admin_site.each_context(request), "title": title, **extra}


def review_item_page(admin_site, request, item_id: int, *, form=None, reject_form=None):
    _require(request, "intake.view_reviewitem")
    item = get_object_or_404(ReviewItem.objects.select_related("order", "partner", "raw_source", "departure"),
                             pk=item_id)
    draft = item.draft or (item.order.draft if item.order else {})
    can_act = request.user.has_perm("intake.change_reviewitem") and item.status == ReviewItem.Status.OPEN
    correctable = can_act and (item.order is None or item.order.status == "needs_review") and \
        item.reason != "delivery_dead"
    return TemplateResponse(request, "dispatch/review_item.html", _context(
        admin_site, request, f"Review item #{item.pk}: {item.reason}", item=item, draft=draft,
        raw=raw_display(item.raw_source) if item.raw_source_id else None,
        form=form or (OrderCorrectionForm(initial=OrderCorrectionForm.initial_from_draft(draft)) if correctable else None),
        reject_form=reject_form or RejectForm(), can_act=can_act, correctable=correctable,
        can_retry=can_act and bool((item.details or {}).get("delivery_id"))
        and request.user.has_perm("intake.change_delivery"),
        opts=ReviewItem._meta))


def review_item_action(admin_site, request, item_id: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require(request, "intake.change_reviewitem")
    item = get_object_or_404(ReviewItem.objects.select_related("order"), pk=item_id)
    user = request.user.get_username()
    back = reverse(f"{admin_site.name}:intake_reviewitem_change", args=[item.pk])
    try:
        if action == "resubmit":
            form = OrderCorrectionForm(request.POST)
            if not form.is_valid():
                return review_item_page(admin_site, request, item_id, form=form)
            base = item.draft or (item.order.draft if item.order else {})
            order = review_item_resubmit(item_id=item.pk, user=user, draft=form.draft(
                base=base, channel=item.channel, raw_source_id=item.raw_source_id))
            messages.success(request, f"Booked as {order.reference}.")
            return redirect(reverse(f"{admin_site.name}:intake_order_change", args=[order.pk]))
        if action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                return review_item_page(admin_site, request, item_id, reject_form=form)
            review_item_reject(item_id=item.pk, user=user, reason=form.cleaned_data["reason"])
            messages.success(request, "Rejected; the sender will be told the reason.")
        elif action == "retry":
            _require(request, "intake.change_delivery")
            review_item_retry_delivery(item_id=item.pk, user=user)
            messages.success(request, "The delivery is being sent again.")
        elif action == "resolve":
            review_resolve(item_id=item.pk, user=user, resolution=request.POST.get("resolution", "")[:2000])
            messages.success(request, "Resolved.")
    except IntakeError as problem:
        messages.error(request, f"Not done: {problem.message} ({problem.code})")
        if action == "resubmit":
            return review_item_page(admin_site, request, item_id, form=OrderCorrectionForm(request.POST))
    return redirect(back)


def order_page(admin_site, request, order_id: int):
    _require(request, "intake.view_order")
    order = get_object_or_404(Order.objects.select_related("partner", "product", "option", "departure",
                                                           "raw_source"), pk=order_id)
    return TemplateResponse(request, "dispatch/order_detail.html", _context(
        admin_site, request, f"Order {order.reference}", order=order,
        lines=order.lines.select_related("unit"), review_items=order.review_items.all(),
        timeline=selectors.order_timeline(order=order), opts=Order._meta))


def manifest_index(admin_site, request):
    _require(request, "intake.view_order")
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    return TemplateResponse(request, "dispatch/manifest_index.html", _context(
        admin_site, request, f"Departures on {day:%d %B %Y}", day=day, departures=selectors.departures_on(day=day),
        opts=Order._meta))


def manifest_page(admin_site, request, departure_id: int):
    _require(request, "intake.view_order")
    manifest = selectors.departure_manifest(departure_id=departure_id)
    return TemplateResponse(request, "dispatch/manifest.html", _context(
        admin_site, request, f"Manifest {manifest.departure}", manifest=manifest, opts=Order._meta))


def dashboard_page(admin_site, request):
    _require(request, "intake.view_reviewitem")
    return TemplateResponse(request, "dispatch/dashboard.html", _context(
        admin_site, request, "Dispatcher dashboard", board=selectors.dashboard(), opts=ReviewItem._meta))
