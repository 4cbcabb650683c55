"""Who may call what: the same Django model permissions as the admin, checked per request.

DRF's ``DjangoModelPermissions``, with ``view_<model>`` for reads (DRF lets any
logged-in user read). An action names its own permissions (``verify_attribution``,
``resolve_flag``, ``confirm_toll`` ...) in the view's ``action_permissions``. The
services check again (claim transitions, for one, need a permission that depends on the
step), so a view that forgot a check still cannot do more than the admin allows.

Anonymous requests get 401 (the first authenticator, knox's, names the ``Token``
scheme); a method the endpoint does not offer gets 405 rather than a 403 that would
suggest another role could use it. Permissions are read from the database by Django,
once per request: a role changed in the admin applies to the next request.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request

VIEW = "%(app_label)s.view_%(model_name)s"


class RolePermissions(DjangoModelPermissions):
    perms_map = {**DjangoModelPermissions.perms_map, "GET": [VIEW], "HEAD": [VIEW]}

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False  # DRF answers 401, naming the Token scheme
        if request.method not in view.allowed_methods:
            return True  # the view answers 405
        action_permissions: dict[str, list[str]] = getattr(view, "action_permissions", {})
        action = getattr(view, "action", None)
        if action in action_permissions:
            return user.has_perms(action_permissions[action])
        # The permissions depend on the model alone (``view.queryset``), not on what the
        # view reads (``get_queryset()``, which DRF's own check builds to find the model).
        model = view.queryset.model
        return user.has_perms(self.get_required_permissions(request.method, model))
