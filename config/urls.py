from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("octo/", include("channels.octo.urls")),
    path("api/v1/", include("channels.api.urls")),
    path("form/", include("channels.form.urls")),
    path("", include("channels.form.landing")),
]
