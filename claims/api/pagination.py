"""Pages of lists: ``?limit=`` rows (default 50, at most 200), then follow ``next``.

Keyset ("cursor") pages: ``next`` carries the sort value and id of the last row, and
the next page is the rows after that pair. Each page costs the same however deep it
is, there is no ``COUNT(*)`` over the table (on 100,000 claims that would cost more
than the rest of the request), and rows added or edited while a client pages through
are neither skipped nor repeated out of order. The order is one field (``?ordering=``,
``-`` for descending) and then the id, in the same direction: ties never straddle
pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from claims.api.fields import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity: never in a cursor of ours


def _decode(cursor: str) -> tuple[Any, int]:
    """(sort value, id) from a cursor this API made; 400 for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pair = json.loads(raw, parse_constant=_refuse_constant)
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise _invalid() from exc
    if not isinstance(pair, list) or len(pair) != 2:
        raise _invalid()
    value, pk = pair
    if type(pk) is not int or not 1 <= pk <= MAX_ID:
        raise _invalid()
    return value, pk


def _sort_value(field: models.Field[Any, Any], value: Any) -> Any:
    """The cursor's sort value as the field holds it, within the column's range.

    Cursors are made from stored rows, so a value of the wrong type or out of range
    (an id past 2**63, a count past 2**31, a time whose UTC is past year 9999) was
    made up: refused here, before the database would fail on it.
    """
    expected = int if isinstance(field, models.IntegerField) else str
    if type(value) is not expected:
        raise _invalid()
    try:
        value = field.to_python(value)
        field.run_validators(value)
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise _invalid()
            value = value.astimezone(UTC)
    except (DjangoValidationError, ValueError, OverflowError) as exc:
        raise _invalid() from exc
    if value is None:
        raise _invalid()
    return value


def _invalid() -> ValidationError:
    return ValidationError({"cursor": ["Not a cursor from this API: follow the `next` link."]})


class KeysetPages(BasePagination):
    limit_query_param = "limit"
    cursor_query_param = "cursor"

    def __init__(self) -> None:
        self.next_url: str | None = None
        self.limit = DEFAULT_LIMIT
        self.field = "id"

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return DEFAULT_LIMIT
        try:
            limit = int(raw)
        except ValueError:
            raise ValidationError({"limit": ["Give a whole number of rows."]}) from None
        if not 1 <= limit <= MAX_LIMIT:
            raise ValidationError({"limit": [f"Between 1 and {MAX_LIMIT} rows."]})
        return limit

    def page_queryset(self, queryset: QuerySet[Any], request: Request) -> QuerySet[Any]:
        """The rows after the cursor, one more than a page (to tell whether there is a next).

        ``queryset`` is ordered by (field, id), see above.
        """
        self.request = request
        self.limit = self.get_limit(request)
        # Field names, as StableOrdering leaves them (never expressions).
        ordering = [str(name) for name in queryset.query.order_by]
        if not ordering:
            ordering = ["id"]
            queryset = queryset.order_by("id")
        self.field = ordering[0].lstrip("-")
        descending = ordering[0].startswith("-")
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor:
            value, pk = _decode(cursor)
            after = "lt" if descending else "gt"
            if self.field == "id":
                queryset = queryset.filter(**{f"id__{after}": pk})
            else:
                value = _sort_value(queryset.model._meta.get_field(self.field), value)
                queryset = queryset.filter(
                    Q(**{f"{self.field}__{after}": value})
                    | Q(**{self.field: value, f"id__{after}": pk})
                )
        return queryset[: self.limit + 1]

    def close_page(self, rows: list[Any]) -> list[Any]:
        """The page from ``page_queryset``'s rows; sets the next link."""
        page = rows[: self.limit]
        self.next_url = None
        if len(rows) > self.limit:
            last = page[-1]
            url = self.request.build_absolute_uri()
            self.next_url = replace_query_param(
                url, self.cursor_query_param, _encode(getattr(last, self.field), last.pk)
            )
        return page

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        return self.close_page(list(self.page_queryset(queryset, request)))

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response({"next": self.next_url, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: use the `next` link as it is.",
                "schema": {"type": "string"},
            },
        ]
