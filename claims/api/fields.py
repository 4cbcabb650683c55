"""Serializer fields the API's serializers share: ids, ETags, times Python cannot hold.

- ``IdField``: a related object by its id, a whole number and nothing else. DRF's
  ``PrimaryKeyRelatedField`` hands the value to the ORM, which reads ``1.5`` (or
  ``1.0``) as 1: an attribution sent for claim 1.5 landed on claim 1.
- ``ETagField``: the object's ETag (``claims.api.etags.etag_for``), for If-Match.
- ``readable_time``: a timestamp read through ``claims.selectors.readable_times`` (one
  a script or a restore could have written out of Python's range, a ``published_at``
  in year 10000, is read as NULL), so the API shows it as null (documented in the
  schema); the row still shows, and the stored value is untouched.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.etags import etag_for
from claims.selectors import readable_name, readable_times

__all__ = ["MAX_ID", "ETagField", "IdField", "readable_name", "readable_time", "readable_times"]

MAX_ID = 2**63 - 1  # the database's id range
_DIGITS = re.compile(r"[0-9]{1,19}")
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


def readable_time(name: str, help_text: str = "") -> serializers.DateTimeField:
    """The field for a column read through ``readable_times``."""
    return serializers.DateTimeField(
        source=readable_name(name),
        read_only=True,
        allow_null=True,
        help_text=(help_text + OUT_OF_RANGE_HELP).strip(),
    )
