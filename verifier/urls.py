"""Top-level URLs: the admin at /admin/ (the desk), the REST API at /api/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Verifier"
admin.site.site_title = "Verifier"
admin.site.index_title = "Claims desk"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Pages of our own under /admin/ go before admin.site.urls, which would 404 them.
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
]
