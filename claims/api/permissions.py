"""Who may call what: the same Django model permissions as the admin, checked per request.

Reading needs ``view_<model>``, creating ``add_<model>``, editing ``change_<model>``; an
action names its own permission (``verify_attribution``, ``resolve_flag``,
``recheck_event``...) in the view's ``action_permissions``. The services check again
(claim transitions, for one, need a permission that depends on the step), so a view
that forgot a check still cannot do more than the admin allows.

Anonymous requests get 401 (the first authenticator, knox's, names the ``Token``
scheme); a method the endpoint does not offer gets 405 rather than a 403 that would
suggest another role could use it.

A user's permissions are read from the database twice per request by Django (their
own, their groups'); the API keeps the set in the cache instead, one round trip, and
hands it to Django's permission cache so the services' checks reuse it. Any change
to users, groups or their permissions bumps a generation number once it commits,
which makes every cached set stale at once; the sets also expire after a minute, the
longest a change made without Django's signals (raw SQL) can go unseen.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from claims.api import store

logger = logging.getLogger(__name__)

GENERATION_KEY = "api-perms-generation"
PERMISSIONS_TTL = 60


def _permissions_key(user: Any) -> str:
    # With the join date, a user id reused after a rollback (tests) is another key.
    joined = getattr(user, "date_joined", None)
    return f"api-perms:{user.pk}:{joined.timestamp() if joined else ''}"


def load_permissions(user: Any) -> None:
    """Fill ``user``'s permission cache from the shared cache, or the database once."""
    if not user.is_active or user.is_superuser or hasattr(user, "_perm_cache"):
        return  # Django answers these without reading permissions
    key = _permissions_key(user)
    try:
        generation, entry = store.get_many([GENERATION_KEY, key])
    except store.Unavailable:
        logger.warning("Permission cache unavailable; reading permissions from the database.")
        return  # Django reads them on the first check
    generation = generation or 0
    if entry is not None and entry[0] == generation:
        user._perm_cache = set(entry[1])
        return
    permissions = user.get_all_permissions()  # Django sets user._perm_cache
    try:
        store.put(key, [generation, sorted(permissions)], PERMISSIONS_TTL)
    except store.Unavailable:
        logger.warning("Permission cache unavailable; not caching permissions.")


def _bump_generation() -> None:
    try:
        store.incr(GENERATION_KEY)
    except store.Unavailable:
        # Cached sets then expire on their own, within PERMISSIONS_TTL.
        logger.exception("Could not mark cached API permissions stale.")


def roles_changed(**kwargs: Any) -> None:
    """A user, group or permission changed: cached permission sets are stale after commit."""
    transaction.on_commit(_bump_generation, robust=True)


for _through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
    m2m_changed.connect(roles_changed, sender=_through, dispatch_uid=f"api-perms-{_through}")
for _model in (User, Group, Permission):
    post_save.connect(roles_changed, sender=_model, dispatch_uid=f"api-perms-save-{_model}")
    post_delete.connect(roles_changed, sender=_model, dispatch_uid=f"api-perms-del-{_model}")


class RolePermissions(BasePermission):
    """Django model permissions, with view permissions for reads and per-action ones."""

    method_actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def required(self, request: Request, view: Any) -> list[str]:
        model = view.queryset.model
        label = f"{model._meta.app_label}.%s_{model._meta.model_name}"
        action_permissions: dict[str, list[str]] = getattr(view, "action_permissions", {})
        action = getattr(view, "action", None)
        if action in action_permissions:
            return action_permissions[action]
        return [label % self.method_actions.get(request.method or "", "delete")]

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False  # DRF answers 401, naming the Token scheme
        if not _offers(view, request.method or ""):
            return True  # the view answers 405
        load_permissions(user)
        return user.has_perms(self.required(request, view))


def _offers(view: Any, method: str) -> bool:
    return hasattr(view, method.lower()) and method.lower() in view.http_method_names
