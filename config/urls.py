from django.contrib import admin
from django.urls import include, path, re_path

from channels.octo.responses import not_found as octo_not_found

urlpatterns = [
    path("octo/", include("channels.octo.urls")),  # first: the OTAs' hot path is matched before anything else
    path("admin/", admin.site.urls),
    re_path(r"^octo$", octo_not_found, {"path": ""}),  # the bare base URL: JSON, never an HTML 404
    path("api/v1/", include("channels.api.urls")),
    path("form/", include("channels.form.urls")),
    path("", include("channels.form.landing")),
]
