"""ETags and If-Match: no API client overwrites a change it has not seen.

Claims and attributions carry a version number that every write bumps, so their
strong ETag is ``"claim-12-v3"``; events, sources and flags change ``updated_at`` on
every save, so theirs is ``"event-7-1732190400123456"`` (microseconds). ``PUT``,
``PATCH`` and actions must send ``If-Match``: without it the answer is 428, with a tag
that is not the current one it is 412 and nothing is written.

For versioned objects the version in the tag is handed to the service, which compares
it under a row lock (``StaleEdit``). For the others the view locks the row and compares
the tag itself before calling the service, in the same transaction (``locked_matching``).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from rest_framework.request import Request

from claims.api.errors import PreconditionFailed, PreconditionRequired

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_VERSIONED = re.compile(r"(?P<kind>[a-z]+)-(?P<pk>\d+)-v(?P<version>\d+)")


def _kind(obj: models.Model) -> str:
    return obj._meta.model_name or "object"


def etag_for(obj: Any) -> str:
    """The strong ETag of an object, quoted as it goes in the header."""
    if hasattr(obj, "version"):
        return f'"{_kind(obj)}-{obj.pk}-v{obj.version}"'
    stamp = obj.updated_at
    micros = int(stamp.timestamp()) * 1_000_000 + stamp.microsecond
    return f'"{_kind(obj)}-{obj.pk}-{micros}"'


def if_match_tags(request: Request) -> list[str] | None:
    """The strong tags in If-Match (unquoted), ["*"], or None when the header is absent.

    Weak tags never match (If-Match uses the strong comparison); a malformed header
    matches nothing, so it fails with 412 rather than being ignored.
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    header = header.strip()
    if header == "*":
        return ["*"]
    tags: list[str] = []
    position = 0
    while position < len(header):
        match = _TAG.match(header, position)
        if match is None or match.end() == position:
            return []
        if not match.group(1):
            tags.append(match.group(2))
        position = match.end()
    return tags


def _required(request: Request) -> list[str]:
    tags = if_match_tags(request)
    if tags is None:
        raise PreconditionRequired()
    return tags


def expected_version(request: Request, obj: Any) -> int:
    """The version the client read, from If-Match, for a versioned object.

    The service compares it with the current version under a lock; "*" means whatever
    is current (RFC 9110), a tag for another object or a malformed one is a 412 here.
    """
    tags = _required(request)
    if tags == ["*"]:
        return int(obj.version)
    for tag in tags:
        match = _VERSIONED.fullmatch(tag)
        if match and match["kind"] == _kind(obj) and int(match["pk"]) == obj.pk:
            return int(match["version"])
    raise PreconditionFailed(etag=etag_for(obj))


def require_precondition(request: Request) -> None:
    """428 now if If-Match is missing (before any work is done)."""
    _required(request)


def locked_matching[M: models.Model](request: Request, queryset: models.QuerySet[M], pk: Any) -> M:
    """Lock the row and check If-Match against it; call inside transaction.atomic()."""
    tags = _required(request)
    obj = queryset.select_for_update().get(pk=pk)
    current = etag_for(obj)
    if tags != ["*"] and current.strip('"') not in tags:
        raise PreconditionFailed(etag=current)
    return obj
