"""The project's app configurations: the admin runs the desk's own site."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "claims.admin_site.DeskSite"
