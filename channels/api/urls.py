from django.urls import path, re_path

from channels.api import views
from channels.api.errors import not_found_view
from channels.api.openapi import PartnerApiSchemaView

app_name = "partner_api"
urlpatterns = [
    path("products", views.ProductListView.as_view(), name="products"),
    path("availability", views.AvailabilityView.as_view(), name="availability"),
    path("orders", views.OrderCollectionView.as_view(), name="orders"),
    path("orders/<str:reference>", views.OrderDetailView.as_view(), name="order"),
    path("orders/<str:reference>/cancel", views.OrderCancelView.as_view(), name="order-cancel"),
    path("schema", PartnerApiSchemaView.as_view(), name="schema"),
    # Last: anything else under /api/v1/ is a problem document, never Django's HTML 404.
    re_path(r"^.*$", not_found_view, name="not-found"),
]
