"""The admin, as the desk: Django's admin app with Verifier's own site (verifier/admin.py)."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "verifier.admin.DeskSite"
