"""The departure admin as dispatchers need it: orders on board, manifest, closing.

Extends availability's DepartureAdmin (availability imports Django only, so
everything about orders is added here, in intake).
"""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from availability.admin import DepartureAdmin
from availability.models import Departure, DepartureStatus
from intake.models import Order
from intake.services.departures import departure_close


class DepartureDeskAdmin(DepartureAdmin):
    readonly_fields = (*DepartureAdmin.readonly_fields, "manifest_link", "orders_on_board")
    fields = (*DepartureAdmin.fields, "manifest_link", "orders_on_board")
    actions = ["close_departures", *DepartureAdmin.actions]

    @admin.display(description="manifest")
    def manifest_link(self, departure):
        try:
            url = reverse("admin:intake_order_manifest", args=[departure.pk])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">passenger manifest</a>', url)

    @admin.display(description="orders on this departure")
    def orders_on_board(self, departure):
        orders = (Order.objects.filter(departure_id=departure.pk)
                  .select_related("partner", "hold").order_by("status", "created_at"))
        rows = [(self._order_url(order), order.reference, order.status, order.channel,
                 order.partner.code if order.partner_id else "-", order.hold.quantity if order.hold_id else "-",
                 order.contact_name or "-") for order in orders]
        if not rows:
            return "no orders"
        body = format_html_join("", "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
                                "<td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table><thead><tr><th>order</th><th>status</th><th>channel</th><th>partner</th>"
                           "<th>seats</th><th>contact</th></tr></thead><tbody>{}</tbody></table>", body)

    @staticmethod
    def _order_url(order) -> str:
        try:
            return reverse("admin:intake_order_change", args=[order.pk])
        except NoReverseMatch:
            return "#"

    @admin.action(description="Close selected departures (flags their orders for dispatchers)")
    def close_departures(self, request, queryset):
        reason = request.POST.get("reason", "").strip() or "closed in the admin"
        flagged = 0
        for pk in queryset.filter(status=DepartureStatus.OPEN).values_list("pk", flat=True):
            flagged += departure_close(departure_id=pk, reason=reason, user=request.user.get_username())
        self.message_user(request, f"Closed; {flagged} orders flagged for review.", messages.WARNING)



admin.site.unregister(Departure)
admin.site.register(Departure, DepartureDeskAdmin)
