"""The two roles and what each may do: Editors and Fact-checkers.

A data migration makes the groups on every database, and a post_migrate handler keeps
them in step after every migrate and after the test runner empties the database.
Nobody in a role deletes: the desk's record is kept whole.
"""

from __future__ import annotations

from typing import Any

EDITORS = "Editors"
FACT_CHECKERS = "Fact-checkers"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        "view_event", "add_event", "change_event", "recheck_event",
        "view_source", "add_source", "change_source",
        "view_claim", "add_claim", "change_claim",
        "give_verdict", "publish_claim", "assign_claim",
        "view_attribution", "add_attribution", "change_attribution", "verify_attribution",
        "view_conflictflag", "resolve_flag",
        "view_toll", "confirm_toll",
        "view_groupterm", "add_groupterm", "change_groupterm",
        "view_sourcealias", "add_sourcealias", "change_sourcealias",
        "view_notification",
    ],
    FACT_CHECKERS: [
        "view_event",
        "view_source", "add_source", "change_source",
        "view_claim", "assign_claim",
        "view_attribution", "add_attribution", "change_attribution", "verify_attribution",
        "view_conflictflag",
        "view_toll",
        "view_groupterm",
        "view_sourcealias", "add_sourcealias", "change_sourcealias",
    ],
}  # fmt: skip


def sync_roles(group_model: Any, permission_model: Any) -> None:
    """Make each role hold exactly its permissions (models passed in: migrations too)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        perms = list(
            permission_model.objects.filter(
                content_type__app_label="claims", codename__in=codenames
            )
        )
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(perms)


def sync_roles_after_migrate(**kwargs: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    sync_roles(Group, Permission)
