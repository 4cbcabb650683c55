"""A changelist paginator that never counts a whole large table.

Django's paginator runs ``SELECT COUNT(*)`` over the filtered queryset on every page
load. On PostgreSQL that reads the whole table (or index) each time, which is the
slowest part of a busy queue. Instead:

- an unfiltered list on PostgreSQL takes the planner's estimate of the table's rows
  (``pg_class.reltuples``, kept fresh by autovacuum) once the table is large;
- a filtered list counts at most ``cap`` + 1 matching rows, unordered, so the cost is
  bounded whatever the table's size; past the cap it says "more than <cap>".

Small tables (and SQLite, the development database) are counted exactly.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    # Below this many rows an exact COUNT(*) is cheap, and the estimate may be stale.
    exact_below: int = 10_000
    # A filtered queue counts no further than this.
    cap: int = 10_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_is_estimate = False
        self.count_is_capped = False

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().count
        if not qs.query.where:
            estimate = self._estimated_rows(qs)
            if estimate is not None and estimate >= self.exact_below:
                self.count_is_estimate = True
                return estimate
            return qs.order_by().count()
        # Counting an ordered, sliced query would sort every matching row first.
        found = qs.order_by()[: self.cap + 1].count()
        if found > self.cap:
            self.count_is_capped = True
            return self.cap
        return found

    @staticmethod
    def _estimated_rows(qs: QuerySet[Any]) -> int | None:
        connection = connections[qs.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(qs.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1: never analysed. Fall back to an exact count rather than guess.
        if row is None or row[0] is None or row[0] < 0:
            return None
        return int(row[0])
