"""OCTO routes, each with and without a trailing slash; anything else under /octo/ is a JSON BAD_REQUEST."""

from django.urls import re_path

from channels.octo import views
from channels.octo.responses import not_found

app_name = "octo"

urlpatterns = [
    re_path(r"^availability/?$", views.availability_check, name="availability"),  # the hottest route first
    re_path(r"^capabilities/?$", views.capabilities, name="capabilities"),
    re_path(r"^supplier/?$", views.supplier, name="supplier"),
    re_path(r"^products/?$", views.products, name="products"),
    re_path(r"^products/(?P<product_id>[^/]+)/?$", views.product, name="product"),
    re_path(r"^availability/calendar/?$", views.availability_calendar, name="availability-calendar"),
    re_path(r"^bookings/?$", views.bookings, name="bookings"),
    re_path(r"^bookings/(?P<booking_uuid>[^/]+)/confirm/?$", views.booking_confirm, name="booking-confirm"),
    re_path(r"^bookings/(?P<booking_uuid>[^/]+)/extend/?$", views.booking_extend, name="booking-extend"),
    re_path(r"^bookings/(?P<booking_uuid>[^/]+)/cancel/?$", views.booking_cancel, name="booking-cancel"),
    re_path(r"^bookings/(?P<booking_uuid>[^/]+)/?$", views.booking, name="booking"),
    re_path(r"^webhooks/?$", views.webhooks, name="webhooks"),
    re_path(r"^webhooks/(?P<webhook_id>[^/]+)/?$", views.webhook, name="webhook"),
    re_path(r"^(?P<path>.*)$", not_found, name="not-found"),
]
