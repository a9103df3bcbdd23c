"""Read-only queries of the partner API: the sellable catalogue and a partner's own orders."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from availability.models import Option, Product, Unit
from intake.errors import OrderNotFound
from intake.models import Order, Partner


def products_sellable() -> list[Product]:
    return list(
        Product.objects.filter(active=True).prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("sort_order", "code")),
            Prefetch("units", queryset=Unit.objects.order_by("sort_order", "code")),
        )
    )


def _orders(partner: Partner) -> QuerySet[Order]:
    return Order.objects.filter(partner=partner).select_related("partner", "product", "option")


def partner_order(*, partner: Partner, reference: str) -> Order:
    """One of the partner's own orders; someone else's order is as unknown as a missing one."""
    order = _orders(partner).filter(reference=reference).first()
    if order is None:
        raise OrderNotFound(f"no order {reference!r}", order_reference=reference)
    return order


def partner_orders(
    *,
    partner: Partner,
    external_reference: str | None = None,
    status: str | None = None,
    start_from: date | None = None,
    start_to: date | None = None,
) -> QuerySet[Order]:
    """The partner's orders, newest first; start dates are days in the operator's timezone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    orders = _orders(partner)
    if external_reference:
        orders = orders.filter(external_reference=external_reference)
    if status:
        orders = orders.filter(status=status)
    if start_from:
        orders = orders.filter(starts_at__gte=datetime.combine(start_from, time.min, tzinfo=zone))
    if start_to:
        orders = orders.filter(starts_at__lt=datetime.combine(start_to + timedelta(days=1), time.min, tzinfo=zone))
    return orders.order_by("-created_at", "-id")
