from django.urls import path

app_name = "octo"
urlpatterns: list = []
