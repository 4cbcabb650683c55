"""Reading claims and attributions for the API: values() rows, a fixed number of queries.

A page of claims is two queries whatever its size: the claims, then all their
attributions. Corroboration and credibility are the ones the recheck stored on each
claim (``claims.analysis``), as the admin shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from claims.api.serializers import ATTRIBUTION_VALUES, CLAIM_VALUES, claim_data
from claims.models import Attribution, Claim

Row = dict[str, Any]


def claim_values() -> QuerySet[Claim, Row]:
    return Claim.objects.values(*CLAIM_VALUES)


def attribution_values() -> QuerySet[Attribution, Row]:
    return Attribution.objects.values(*ATTRIBUTION_VALUES)


def claim_page(page: QuerySet[Claim]) -> list[Row]:
    """The claims of ``page`` (claims filtered, ordered and sliced) as ``claim_values()``
    rows, in its order; ``attach_attributions`` adds their attributions.

    With those, three queries: the page's ids (the only one that depends on the filters
    and the order, so the only one compiled per request), then the claims and their
    attributions by id, compiled once. (One query joining everything returns the same
    rows, but PostgreSQL takes longer to plan that seven-table join than to run these.)
    """
    ids = list(page.values_list("id", flat=True))
    if not ids:
        return []
    by_id = {row["id"]: row for row in run_prepared(("claims", len(ids)), _claims_by_id, ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def attach_attributions(claims: list[Row]) -> None:
    """Put each claim's attribution rows under ``"attributions"`` (one query)."""
    by_claim: dict[int, list[Row]] = {}
    for claim in claims:
        claim["attributions"] = by_claim[claim["id"]] = []
    if not claims:
        return
    ids = list(by_claim)
    for row in run_prepared(("attributions", len(ids)), _attributions_of, ids):
        by_claim[row["claim_id"]].append(row)


def _attributions_of(ids: list[int]) -> QuerySet[Attribution, Row]:
    return attribution_values().filter(claim_id__in=ids).order_by("id")


def _claims_by_id(ids: list[int]) -> QuerySet[Claim, Row]:
    return claim_values().filter(pk__in=ids)


def render_claim(pk: int) -> Row | None:
    """One claim as the API shows it, or None (two queries, compiled once)."""
    claims = run_prepared(("claims", 1), _claims_by_id, [pk])
    if not claims:
        return None
    attach_attributions(claims)
    claim = claims[0]
    return claim_data(claim, claim["attributions"])


# --- Queries compiled once ------------------------------------------------------------------
# Django compiles a queryset to SQL on every evaluation, which for these two (forty
# columns, four joins) costs more than running them. Their shape never changes, only
# the ids: compile once per database connection, then run with new ids. The rows go
# through the compiler's own converters, exactly as values() would return them.
_SENTINEL = -(2**31)  # an id that no row has, to find where the ids go in the parameters


class _PreparingCursor(psycopg.Cursor):  # type: ignore[type-arg]
    """Server-side binding, and a statement prepared on the server the first time."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs["prepare"] = True
        return super().execute(query, params, **kwargs)


def _cursor(connection: Any) -> Any:
    """A cursor for the compiled-once queries, through Django's wrappers (so that tests
    and logging see the queries).

    On PostgreSQL the statements are also prepared, so planned once per connection:
    planning these joins costs about as much as running them. (Behind a pooler in
    transaction mode, such as PgBouncer before 1.21, prepared statements do not work:
    there, use a plain ``connection.cursor()``.)
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off; allow it for cursors that ask (only ours: Django's
        # own cursors bind on the client and never prepare).
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


def run_prepared(
    key: tuple[str, int], build: Callable[[list[int]], QuerySet[Any, Row]], ids: list[int]
) -> list[Row]:
    """``build(ids)`` as values() rows, compiled once per connection for each ``key``."""
    connection = connections[DEFAULT_DB_ALIAS]
    compiled = connection.__dict__.setdefault("_api_compiled", {})
    if key not in compiled:
        sentinels = [_SENTINEL - i for i in range(len(ids))]
        queryset = build(sentinels)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        query = queryset.query
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        slots = {sentinel: i for i, sentinel in enumerate(sentinels)}
        converters = compiler.get_converters([s[0] for s in compiler.select])
        compiled[key] = (sql, list(params), slots, compiler, converters, names)
    sql, params, slots, compiler, converters, names = compiled[key]
    values = [ids[slots[p]] if isinstance(p, int) and p in slots else p for p in params]
    with _cursor(connection) as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def render_claims(claims: Sequence[Row]) -> list[Row]:
    """Rows from ``claim_page`` as the API shows them."""
    return [claim_data(c, c["attributions"]) for c in claims]
