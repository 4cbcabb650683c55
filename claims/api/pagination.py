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
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise _invalid() from exc
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise _invalid()
    return value, pk


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

        ``queryset`` is ordered by (field, id), see above. Still lazy: the claims list
        reads only the ids from it.
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
            if self.field != "id":
                try:
                    value = queryset.model._meta.get_field(self.field).to_python(value)
                except DjangoValidationError as exc:
                    raise _invalid() from exc
                if value is None:
                    raise _invalid()
            after = "lt" if descending else "gt"
            if self.field == "id":
                queryset = queryset.filter(**{f"id__{after}": pk})
            else:
                queryset = queryset.filter(
                    Q(**{f"{self.field}__{after}": value})
                    | Q(**{self.field: value, f"id__{after}": pk})
                )
        return queryset[: self.limit + 1]

    def close_page(self, rows: list[Any]) -> list[Any]:
        """The page from ``page_queryset``'s rows (dicts or objects); sets the next link."""
        page = rows[: self.limit]
        self.next_url = None
        if len(rows) > self.limit:
            last = page[-1]
            row = last if isinstance(last, dict) else vars(last)
            url = self.request.build_absolute_uri()
            self.next_url = replace_query_param(
                url, self.cursor_query_param, _encode(row[self.field], int(row["id"]))
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
