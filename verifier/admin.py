"""The desk's admin site: Django's AdminSite with a home page of the work, and input checks.

It is Django's default site (``verifier.apps.DeskAdminConfig``), so ``admin.site`` and
``@admin.register`` mean this one. It lives in the project package, not in
``claims.admin``, because Django imports the default site's module while it registers
the desk's pages: from inside ``claims.admin`` that import would run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse


class DeskSite(admin.AdminSite):
    site_header = "Verifier"
    site_title = "Verifier"
    index_title = "Desk"
    # The desk's links in the header replace the side bar, a third of a laptop screen.
    enable_nav_sidebar = False

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        # "View site" leads to the desk's home, the only site there is.
        context["site_url"] = reverse("admin:index", current_app=self.name)
        return context

    def index(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        from claims.admin.home import home_view  # claims.admin registers on this site

        return home_view(self, request, extra_context)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # The "Import article" page belongs to no single model: the site serves it,
        # behind the admin's own login, permission and CSRF checks (admin_view).
        from claims.admin import ingest  # claims.admin registers on this site

        own = [
            path(
                "claims/import-article/",
                self.admin_view(ingest.import_article),
                name="claims_import_article",
            )
        ]
        return own + super().get_urls()

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        from claims.admin.inputs import refuse_bad_input

        return super().admin_view(refuse_bad_input(view), cacheable)
