"""The desk's admin site: Django's, with the pages that belong to no single model.

It is the default site (``verifier.apps.DeskAdminConfig``), so every ``@admin.register``
lands here. The "Import article" page (``claims.admin.ingest``) hangs off ``get_urls``
at /admin/claims/import-article/, behind the admin's own login, permission and CSRF
checks (``admin_view``), instead of being wired by hand in the project's URLs.

It lives outside the ``claims.admin`` package on purpose: Django imports the default
site's class while the admin modules register themselves, and importing that package
from here would have them register on a second, half-made site.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, path


class DeskSite(admin.AdminSite):
    site_header = "Verifier"
    site_title = "Verifier"
    index_title = "Claims desk"
    # The desk's own links in the header replace the admin's side bar, which would take a
    # third of a laptop screen.
    enable_nav_sidebar = False

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from claims.admin import ingest  # imported when the URLs are built, not before

        own = [
            path(
                "claims/import-article/",
                self.admin_view(ingest.import_article),
                name="claims_import_article",
            )
        ]
        return own + super().get_urls()
