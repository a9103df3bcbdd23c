from django.contrib import admin

from channels.form.models import FormToken


@admin.register(FormToken)
class FormTokenAdmin(admin.ModelAdmin):
    list_display = ("token", "partner", "label", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("token", "partner__code", "partner__name", "label")
    autocomplete_fields = ()
    raw_id_fields = ("partner",)
