"""Static checks of an extracted order against the catalogue (the door re-checks live)."""

from __future__ import annotations

from datetime import datetime

from ..interpretation import ExtractedOrder
from .catalogue_index import CatalogueIndex


def departure_problem(order: ExtractedOrder, catalogue: CatalogueIndex) -> str | None:
    """"no_such_departure", "over_capacity" or None."""
    product = catalogue.products.get(order.product or "")
    if product is None or not order.start:
        return None
    start = datetime.fromisoformat(order.start)
    day, moment = start.date(), start.strftime("%H:%M")
    if not product.schedules:
        return None
    if moment not in product.departure_times(day, order.option):
        return "no_such_departure"
    capacity = product.capacity(day, moment, order.option)
    if capacity is not None and sum(order.participants.values()) > capacity:
        return "over_capacity"
    return None
