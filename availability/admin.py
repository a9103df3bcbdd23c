"""Admin for the catalogue, schedules and departures.

Seat counts are read-only here: only availability.services write them, and
the departure form saves through departure_capacity_set() instead of
Model.save(), which would write back the counts it read. The orders on a
departure, its manifest and closing it (which flags orders) belong to intake:
intake/admin_departures.py extends this admin with them, so availability
imports Django only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm

from availability.errors import CapacityBelowSold
from availability.models import Departure, DepartureStatus, Hold, Option, Product, Resource, Schedule, Unit
from availability.services import departure_capacity_set, departure_reopen, schedule_generate_departures


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0
    fields = ("code", "name", "is_default", "min_units", "max_units", "sort_order")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ("code", "type", "name", "price_minor", "currency", "min_age", "max_age", "min_quantity", "max_quantity",
              "accompanied_by", "seats_per_unit", "sort_order")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "availability_type", "timezone", "duration_minutes", "booking_cutoff_minutes",
                    "active")
    list_filter = ("active", "availability_type")
    search_fields = ("code",)
    inlines = [OptionInline, UnitInline]

    @admin.display(description="name")
    def title(self, product):
        return product.title()


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("code", "resource", "weekdays", "start_times", "closing_time", "valid_from", "valid_to", "capacity",
                    "active")
    list_filter = ("active", "resource")
    search_fields = ("code",)
    filter_horizontal = ("options",)
    actions = ["generate_departures_now"]

    @admin.action(description="Generate departures now (to the booking horizon)")
    def generate_departures_now(self, request, queryset):
        created = sum(schedule_generate_departures(schedule_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{created} new departures created.", messages.SUCCESS)


class DepartureActionForm(ActionForm):
    reason = forms.CharField(required=False, label="Reason (for closing)",
                             widget=forms.TextInput(attrs={"placeholder": "e.g. high water"}))


class DepartureForm(forms.ModelForm):
    class Meta:
        model = Departure
        fields = ("capacity",)

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        taken = self.instance.held + self.instance.confirmed
        if capacity is not None and capacity < taken:
            raise forms.ValidationError(f"{taken} seats are already taken; the capacity cannot be lower.")
        return capacity


@admin.register(Departure)
class DepartureAdmin(admin.ModelAdmin):
    form = DepartureForm
    action_form = DepartureActionForm
    list_display = ("starts_at", "resource", "schedule", "capacity", "held", "confirmed", "vacancies", "status")
    list_filter = (("starts_at", admin.DateFieldListFilter), "status", "resource")
    list_select_related = ("resource", "schedule")
    date_hierarchy = "starts_at"
    search_fields = ("resource__code", "schedule__code")
    readonly_fields = ("schedule", "resource", "starts_at", "ends_at", "all_day", "held", "confirmed", "vacancies",
                       "status", "closed_reason")
    fields = ("schedule", "resource", "starts_at", "ends_at", "all_day", "capacity", "held", "confirmed", "vacancies",
              "status", "closed_reason")
    actions = ["reopen_departures"]

    def has_add_permission(self, request):
        return False  # departures come from schedules

    def has_delete_permission(self, request, obj=None):
        return False  # orders and holds point at them

    @admin.display(description="vacancies")
    def vacancies(self, departure):
        return "free sale" if departure.capacity is None else departure.vacancies

    def save_model(self, request, obj, form, change):
        # Never obj.save(): it would write back the counts read when the page opened.
        if "capacity" in form.changed_data:
            try:
                departure_capacity_set(departure_id=obj.pk, capacity=form.cleaned_data["capacity"])
            except CapacityBelowSold as exc:
                self.message_user(request, f"Capacity not changed: {exc.message}.", messages.ERROR)

    @admin.action(description="Reopen selected departures for sale")
    def reopen_departures(self, request, queryset):
        for pk in queryset.filter(status=DepartureStatus.CLOSED).values_list("pk", flat=True):
            departure_reopen(departure_id=pk)
        self.message_user(request, "Reopened.", messages.SUCCESS)


@admin.register(Hold)
class HoldAdmin(admin.ModelAdmin):
    list_display = ("id", "departure", "quantity", "status", "expires_at", "reference", "test_mode", "created_at")
    list_filter = ("status", "test_mode")
    search_fields = ("reference",)
    list_select_related = ("departure__resource",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
