"""ETags and If-Match: no API client overwrites a change it has not seen.

The one place an ETag is made (``etag_for``) and read back (``expected_version``,
``check_current``). Claims and attributions carry a version number that every write
bumps, so their strong ETag is ``"claim-12-v3"``; events, sources, flags and tolls
change ``updated_at`` on every save, so theirs is ``"event-7-1732190400123456"``
(microseconds). ``PUT``, ``PATCH`` and actions must send ``If-Match``: without it the
answer is 428, with a tag that is not the current one it is 412 and nothing is written.

For versioned objects the version in the tag is handed to the service, which compares
it under a row lock (``StaleEdit``). For the others the view locks the row and compares
the tag itself before calling the service, in the same transaction (``check_current``).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from rest_framework import exceptions, status
from rest_framework.request import Request

_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
_VERSIONED = re.compile(r"(?P<kind>[a-z]+)-(?P<pk>\d+)-v(?P<version>\d+)")


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the ETag you last read (GET the object first): writes are "
        "refused without it so that nobody overwrites a change they have not seen."
    )
    default_code = "if_match_required"


class PreconditionFailed(exceptions.APIException):
    """412; ``etag`` is the current one, for the response's ETag header."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "If-Match does not match the current ETag: the object changed since you read it. "
        "Nothing was saved: GET it again and reapply your change."
    )
    default_code = "stale"

    def __init__(self, detail: str | None = None, *, etag: str) -> None:
        super().__init__(detail)
        self.etag = etag


def _kind(obj: models.Model) -> str:
    return obj._meta.model_name or "object"


def is_versioned(obj: models.Model) -> bool:
    return hasattr(obj, "version")


def etag_for(obj: Any) -> str:
    """The strong ETag of a claim, attribution, event, source, flag or toll, quoted."""
    if is_versioned(obj):
        return f'"{_kind(obj)}-{obj.pk}-v{obj.version}"'
    stamp = obj.updated_at
    micros = int(stamp.timestamp()) * 1_000_000 + stamp.microsecond
    return f'"{_kind(obj)}-{obj.pk}-{micros}"'


def if_match_tags(request: Request) -> list[str]:
    """The strong tags in If-Match (unquoted), or ["*"]; 428 when the header is absent.

    Weak tags never match (If-Match uses the strong comparison); a malformed header
    matches nothing, so it fails with 412 rather than being ignored.
    """
    header = request.headers.get("If-Match")
    if header is None:
        raise PreconditionRequired()
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


def expected_version(request: Request, obj: Any) -> int:
    """The version of a versioned object that the client read, from If-Match.

    The service compares it with the current version under a lock; "*" means whatever
    is current (RFC 9110); a tag for another object or a malformed one is a 412 here.
    """
    tags = if_match_tags(request)
    if tags == ["*"]:
        return int(obj.version)
    for tag in tags:
        match = _VERSIONED.fullmatch(tag)
        if match and match["kind"] == _kind(obj) and int(match["pk"]) == obj.pk:
            return int(match["version"])
    raise PreconditionFailed(etag=etag_for(obj))


def check_current(request: Request, obj: Any) -> None:
    """412 unless If-Match names ``obj`` as it is now (lock its row first)."""
    tags = if_match_tags(request)
    current = etag_for(obj)
    if tags != ["*"] and current.strip('"') not in tags:
        raise PreconditionFailed(etag=current)
