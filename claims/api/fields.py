"""Serializer fields the API's serializers share: ids, ETags, times Python cannot hold.

- ``IdField``: a related object by its id, a whole number and nothing else. DRF's
  ``PrimaryKeyRelatedField`` hands the value to the ORM, which reads ``1.5`` (or
  ``1.0``) as 1: an attribution sent for claim 1.5 landed on claim 1.
- ``ETagField``: the object's ETag (``claims.api.etags.etag_for``), for If-Match.
- ``readable_times``: the timestamps a script or a restore could have written out of
  Python's range (a ``published_at`` in year 10000: PostgreSQL stores it, psycopg
  cannot load it, and the whole page failed). The query reads each such column as
  NULL when it is out of range, so the API shows it as null (documented in the
  schema); the row still shows, and the stored value is untouched. Only the times
  people and imports set are read this way; ``created_at``/``updated_at`` are always
  written by Django itself.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.db import models
from django.db.models import Case, F, When
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.etags import etag_for

MAX_ID = 2**63 - 1  # the database's id range
_DIGITS = re.compile(r"[0-9]{1,19}")
FIRST = datetime(1, 1, 1, tzinfo=UTC)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
ETAG_HELP = "Send it back in If-Match to edit this object or act on it."
OUT_OF_RANGE_HELP = " Null also when the stored time is outside years 1 to 9999."


class IdField(serializers.PrimaryKeyRelatedField):
    """An object's id: a JSON whole number, or its digits as a string."""

    def to_internal_value(self, data: Any) -> Any:
        if type(data) is int or (isinstance(data, str) and _DIGITS.fullmatch(data)):
            if 1 <= int(data) <= MAX_ID:
                return super().to_internal_value(int(data))
            self.fail("does_not_exist", pk_value=data)
        self.fail("incorrect_type", data_type=type(data).__name__)


@extend_schema_field({"type": "string", "example": '"claim-12-v3"'})
class ETagField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, help_text=ETAG_HELP, **kwargs)

    def to_representation(self, value: models.Model) -> str:
        return etag_for(value)


def readable_name(name: str) -> str:
    return f"{name}_readable"


def readable_times[M: models.Model](
    queryset: models.QuerySet[M], *names: str
) -> models.QuerySet[M]:
    """``queryset`` with each of ``names`` read as ``<name>_readable``: NULL when out of
    Python's range. The column itself is not loaded."""
    return queryset.defer(*names).annotate(
        **{
            readable_name(name): Case(
                When(**{f"{name}__range": (FIRST, LAST)}, then=F(name)),
                output_field=models.DateTimeField(),
            )
            for name in names
        }
    )


def readable_time(name: str, help_text: str = "") -> serializers.DateTimeField:
    """The field for a column read through ``readable_times``."""
    return serializers.DateTimeField(
        source=readable_name(name),
        read_only=True,
        allow_null=True,
        help_text=(help_text + OUT_OF_RANGE_HELP).strip(),
    )
