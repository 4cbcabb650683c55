"""Top-level URLs: the admin at /admin/ (the desk), the REST API at /api/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from claims import ingest_views

admin.site.site_header = "Verifier"
admin.site.site_title = "Verifier"
admin.site.index_title = "Claims desk"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # Pages of our own under /admin/ go before admin.site.urls, which would 404 them.
    path(
        "admin/claims/import-article/",
        admin.site.admin_view(ingest_views.import_article),
        name="claims_import_article",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("claims.api.urls")),
]

# JSON for paths under /api/, Django's usual pages elsewhere.
handler404 = "claims.api.errors.page_not_found"
handler500 = "claims.api.errors.server_error"
