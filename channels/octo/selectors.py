"""Reads the OCTO channel needs: catalogue objects by OCTO id, a reseller's own bookings.

Product id = product code, option id = option code, unit id = unit code. A
reseller sees only the orders it made through this channel.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch

from availability.models import Option, Product, Schedule
from channels.octo import lookups
from channels.octo.errors import OctoError
from intake.booking_rows import option_with_product, order_of_partner, product_units
from intake.models import OperatorProfile, Order, Partner

CHANNEL = "octo"


def octo_products(*, product_code: str | None = None) -> list[Product]:
    """Active products with options, units and each option's schedules (for start times)."""
    query = Product.objects.filter(active=True).prefetch_related(
        Prefetch(
            "options",
            queryset=Option.objects.prefetch_related(
                Prefetch("schedules", queryset=Schedule.objects.filter(active=True).only("id", "start_times", "capacity"))
            ),
        ),
        "units",
    )
    if product_code is not None:
        query = query.filter(code=product_code)
    return list(query)


def octo_option(*, product_id: str, option_id: str) -> Option:
    """The option an OCTO (productId, optionId) names, with its product; OctoError when unknown."""
    option = lookups.options.get((product_id, option_id), lambda: option_with_product(product_id, option_id))
    if option is not None:
        return option
    if not Product.objects.filter(code=product_id, active=True).exists():
        raise OctoError("INVALID_PRODUCT_ID", f"There is no product {product_id!r}", product_id)
    raise OctoError("INVALID_OPTION_ID", f"Product {product_id!r} has no option {option_id!r}", option_id)


def octo_product(*, product_id: str) -> Product:
    product = Product.objects.filter(code=product_id, active=True).first()
    if product is None:
        raise OctoError("INVALID_PRODUCT_ID", f"There is no product {product_id!r}", product_id)
    return product


def octo_product_unit_codes(*, product: Product) -> set[str]:
    return {unit.code for unit in product_units(product.pk)}


def octo_operator() -> OperatorProfile | None:
    return OperatorProfile.objects.filter(pk=1).first() or OperatorProfile.objects.first()


def octo_booking(*, partner: Partner, booking_uuid: str) -> Order | None:
    """A reseller's own OCTO booking by its uuid (with its product and option), or None."""
    return order_of_partner(channel=CHANNEL, partner_id=partner.pk, external_reference=booking_uuid)


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def octo_bookings(
    *,
    partner: Partner,
    reseller_reference: str | None = None,
    supplier_reference: str | None = None,
    local_date_start: date | None = None,
    local_date_end: date | None = None,
    product_code: str | None = None,
    option_code: str | None = None,
    limit: int = 500,
) -> list[Order]:
    """A reseller's OCTO bookings matching every filter given (dates are the operator's local days)."""
    query = Order.objects.select_related("product", "option", "hold").filter(channel=CHANNEL, partner=partner)
    if reseller_reference is not None:
        query = query.filter(reseller_reference=reseller_reference)
    if supplier_reference is not None:
        query = query.filter(reference=supplier_reference)
    if local_date_start is not None:
        start, end = _day_bounds(local_date_start, local_date_end or local_date_start)
        query = query.filter(starts_at__gte=start, starts_at__lt=end)
    if product_code is not None:
        query = query.filter(product__code=product_code)
    if option_code is not None:
        query = query.filter(option__code=option_code)
    return list(query.order_by("created_at", "id")[:limit])

