"""Make the Editors and Fact-checkers groups with their permissions on every database.

Permissions are normally created after all migrations run (post_migrate); we create
them here first so the groups can hold them on a brand-new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The roles are defined once, in claims.roles (a plain constant, safe to import here).
from claims.roles import ROLE_PERMISSIONS, sync_roles


def make_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
