from django.urls import path

from channels.form import views

app_name = "booking_form"
urlpatterns = [
    path("demo-embed/", views.demo_embed, name="demo_embed"),
    path("<str:token>/", views.booking_form, name="form"),
    path("<str:token>/availability.json", views.availability_json, name="availability"),
    path("<str:token>/orders/<uuid:order_uuid>/", views.booking_done, name="done"),
]
