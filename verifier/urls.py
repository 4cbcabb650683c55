"""Top-level URLs: the admin at /admin/ (the desk), the REST API at /api/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),  # the desk's site: claims.admin.site
    path("api/", include("claims.api.urls")),
]

# JSON for paths under /api/, Django's usual pages elsewhere.
handler400 = "claims.api.errors.bad_request"
handler404 = "claims.api.errors.page_not_found"
handler500 = "claims.api.errors.server_error"
