"""Make the Editors and Fact-checkers groups with their permissions on every database.

Permissions are normally created after all migrations run (post_migrate); we create
them here first so the groups can hold them on a brand-new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
FACT_CHECKERS = "Fact-checkers"

# Nobody but a superuser deletes: the desk's record is kept whole.
ROLE_PERMISSIONS = {
    EDITORS: [
        "view_event", "add_event", "change_event", "recheck_event",
        "view_source", "add_source", "change_source",
        "view_claim", "add_claim", "change_claim",
        "give_verdict", "publish_claim", "assign_claim",
        "view_attribution", "add_attribution", "change_attribution", "verify_attribution",
        "view_conflictflag", "resolve_flag",
    ],
    FACT_CHECKERS: [
        "view_event",
        "view_source", "add_source", "change_source",
        "view_claim", "assign_claim",
        "view_attribution", "add_attribution", "change_attribution", "verify_attribution",
        "view_conflictflag",
    ],
}


def make_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = list(
            Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        )
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(make_roles, remove_roles)]
