"""The admin: the dispatcher desk (review queue, orders, manifests, dashboard, deliveries) and connector set-up."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from intake import events
from intake.dispatch.desk import views
from intake.dispatch.models import Delivery, FileDropConnector, WebhookConnector, WebhookSecret
from intake.dispatch.services import delivery_retry
from intake.models import Order, Partner, RawSource, ReviewItem

TOPICS = [events.ORDER_CREATED, events.ORDER_CONFIRMED, events.ORDER_AMENDED, events.ORDER_CANCELLED,
          events.ORDER_EXPIRED, events.ORDER_REJECTED, events.DEPARTURE_CLOSED, events.AVAILABILITY_CHANGED]


def _desk_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewStatusFilter(admin.SimpleListFilter):
    """Open items unless the dispatcher asks for others: the queue is what still needs a person."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*ReviewItem.Status.choices, ("all", "all")]

    def choices(self, changelist):
        current = self.value() or ReviewItem.Status.OPEN
        for value, label in self.lookup_choices:
            yield {"selected": current == value, "query_string": changelist.get_query_string({self.parameter_name: value}),
                   "display": label}

    def queryset(self, request, queryset):
        value = self.value() or ReviewItem.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(ReviewItem)
class ReviewItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "reason", "channel", "partner", "age", "departure_link", "order_link", "status")
    list_filter = (ReviewStatusFilter, "reason", "channel", "partner")
    search_fields = ("message", "order__reference", "order__external_reference", "order__contact_name",
                     "order__contact_email", "partner__name", "raw_source__source_key")
    list_select_related = ("partner", "order", "departure")
    ordering = ("created_at",)

    @admin.display(description="age", ordering="created_at")
    def age(self, item):
        return timesince(item.created_at, timezone.now()).split(",")[0]

    @admin.display(description="departure")
    def departure_link(self, item):
        if not item.departure_id:
            return "-"
        return format_html('<a href="{}">{}</a>', _desk_url("intake_order_manifest", item.departure_id),
                           timezone.localtime(item.departure.starts_at).strftime("%d.%m. %H:%M"))

    @admin.display(description="order")
    def order_link(self, item):
        if not item.order_id:
            return "-"
        return format_html('<a href="{}">{}</a>', _desk_url("intake_order_change", item.order_id), item.order.reference)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.review_item_page(self.admin_site, request, int(object_id))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        site = self.admin_site
        return [
            path("dashboard/", wrap(lambda r: views.dashboard_page(site, r)), name="intake_dashboard"),
            *[path(f"<int:item_id>/{action}/", wrap(lambda r, item_id, a=action: views.review_item_action(
                site, r, item_id, a)), name=f"intake_reviewitem_{action}")
              for action in ("resubmit", "reject", "retry", "resolve")],
            *super().get_urls(),
        ]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ("reference", "status", "channel", "partner", "product", "starts_at", "contact_name", "created_at")
    list_filter = ("status", "channel", "partner", "test_mode")
    search_fields = ("reference", "external_reference", "reseller_reference", "contact_name", "contact_email",
                     "contact_phone")
    list_select_related = ("partner", "product")
    date_hierarchy = "created_at"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return views.order_page(self.admin_site, request, int(object_id))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        site = self.admin_site
        return [
            path("manifest/", wrap(lambda r: views.manifest_index(site, r)), name="intake_order_manifests"),
            path("manifest/<int:departure_id>/", wrap(lambda r, departure_id: views.manifest_page(
                site, r, departure_id)), name="intake_order_manifest"),
            *super().get_urls(),
        ]


class DeliveryStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "pending or failing"), ("failing", "failing"), ("dead", "dead"), ("delivered", "delivered")]

    def queryset(self, request, queryset):
        undelivered = Q(delivered_at__isnull=True)
        return {
            "pending": queryset.filter(undelivered, dead_at__isnull=True),
            "failing": queryset.filter(undelivered, dead_at__isnull=True, attempts__gt=0),
            "dead": queryset.filter(undelivered, dead_at__isnull=False),
            "delivered": queryset.filter(delivered_at__isnull=False),
        }.get(self.value(), queryset)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "topic", "connector", "order", "state", "attempts", "next_attempt_at", "last_error")
    list_filter = (DeliveryStateFilter, "connector", "event__topic")
    search_fields = ("order__reference", "last_error")
    list_select_related = ("event", "connector", "order")
    readonly_fields = ("connector", "event", "order", "attempts", "next_attempt_at", "in_flight_since", "last_error",
                       "last_response", "created_at", "delivered_at", "dead_at")
    exclude = ("claim",)
    actions = ["retry_now"]

    @admin.display(description="topic")
    def topic(self, delivery):
        return delivery.event.topic

    @admin.action(description="Send the selected deliveries again now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = 0
        for delivery in queryset.filter(delivered_at__isnull=True):
            delivery_retry(delivery_id=delivery.pk, user=request.user.get_username())
            count += 1
        messages.success(request, f"{count} deliveries queued again.")


class ConnectorForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(choices=[(t, t) for t in TOPICS], widget=forms.CheckboxSelectMultiple)


class WebhookConnectorForm(ConnectorForm):
    url = forms.URLField(max_length=500, assume_scheme="https")


class WebhookSecretInline(admin.TabularInline):
    model = WebhookSecret
    extra = 0
    fields = ("secret", "active", "created_at")
    readonly_fields = ("created_at",)
    verbose_name = "signing secret (add one to rotate; untick 'active' to retire the old one)"


class ConnectorAdmin(admin.ModelAdmin):
    kind = ""
    form = ConnectorForm
    list_display = ("name", "active", "partner", "undelivered")

    @admin.display(description="undelivered")
    def undelivered(self, connector):
        return connector.deliveries.filter(delivered_at__isnull=True).count()

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=self.kind)

    def save_model(self, request, obj, form, change):
        obj.kind = self.kind
        super().save_model(request, obj, form, change)


@admin.register(WebhookConnector)
class WebhookConnectorAdmin(ConnectorAdmin):
    kind = "webhook"
    form = WebhookConnectorForm
    fields = ("name", "active", "url", "timeout_seconds", "topics", "payload_kind", "partner")
    list_display = ("name", "url", "active", "partner", "undelivered")
    inlines = [WebhookSecretInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.secrets.exists():
            WebhookSecret.objects.create(connector=form.instance)


@admin.register(FileDropConnector)
class FileDropConnectorAdmin(ConnectorAdmin):
    kind = "file_drop"
    fields = ("name", "active", "directory", "file_format", "file_per", "encoding", "separator", "decimal_comma",
              "date_format", "topics")
    list_display = ("name", "directory", "file_format", "active", "undelivered")


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "active")
    search_fields = ("code", "name", "contact_email")
    list_filter = ("kind", "active")


@admin.register(RawSource)
class RawSourceAdmin(ReadOnlyAdmin):
    list_display = ("id", "channel", "partner", "content_type", "source_key", "status", "received_at")
    list_filter = ("channel", "status")
    search_fields = ("source_key", "sha256")
    exclude = ("body",)


from intake import admin_departures  # noqa: E402,F401  (registers the departure desk admin)
