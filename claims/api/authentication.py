"""Token authentication: django-rest-knox's hashed, expiring tokens, one query a request.

Knox, on every request, also loads all of the user's other tokens to delete the
expired ones: a second query for housekeeping. Here only the token in hand is
checked (an expired one is deleted and refused); other expired tokens are refused
whenever they are used, and an administrator can delete them in the admin.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth


class TokenAuthentication(auth.TokenAuthentication):
    """``Authorization: Token <token>``; a missing or bad one is a 401 naming "Token"."""

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme for the class above (knox's own, by name)."""

    target_class = "claims.api.authentication.TokenAuthentication"
