"""SELECTs over one event, compiled by the ORM once and then run for any event.

The recheck runs the same few SELECTs for every event it checks, and Django compiles
a queryset to SQL every time it runs one: 0.3 to 0.5 ms a query, which on a big
event is a tenth of the whole recheck. A ``CompiledQuery`` has the ORM compile its
queryset once per database connection, for a stand-in event id, keeps the SQL, and
runs it with the real id in the stand-in's place. It fetches every row in one call
(Django's own iteration fetches 100 at a time) and applies the converters Django
would (SQLite's datetimes, for one).

The queryset stays the one source of the SQL; only its compiling is cached.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

Row = tuple[Any, ...]

# An id no event has: the compiled parameters hold it where the event's id goes.
STAND_IN_ID = -7_314_159


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    event_id_at: tuple[int, ...]  # positions of STAND_IN_ID in params
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class CompiledQuery:
    """A ``values_list`` SELECT over one event, given as ``build(event_id)``.

    The queryset must read plain columns with no extra select (clear ``order_by()``),
    so that each row is exactly its ``values_list`` columns. ``select_for_update()``
    works as usual: run it inside a transaction.
    """

    def __init__(self, build: Callable[[int], QuerySet[Any, Any]]) -> None:
        self._build = build
        # Per connection, since each thread has its own (and converters are bound to
        # it); an entry goes when its connection does.
        self._compiled: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = (
            weakref.WeakKeyDictionary()
        )

    def queryset(self, event_id: int) -> QuerySet[Any, Any]:
        return self._build(event_id)

    def _compile(self, connection: BaseDatabaseWrapper, using: str) -> _Compiled:
        compiler = self._build(STAND_IN_ID).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        positions = tuple(i for i, value in enumerate(params) if value == STAND_IN_ID)
        if not positions:
            raise ValueError("the queryset does not filter on the event id it was built with")
        found = compiler.get_converters([column for column, *_ in compiler.select])
        converters = tuple((pos, tuple(convs), expr) for pos, (convs, expr) in found.items())
        compiled = _Compiled(sql, tuple(params), positions, converters)
        self._compiled[connection] = compiled
        return compiled

    def rows(self, event_id: int, using: str = DEFAULT_DB_ALIAS) -> list[Row]:
        """The rows for this event, as tuples in the ``values_list`` order."""
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection, using)
        params = list(compiled.params)
        for position in compiled.event_id_at:
            params[position] = event_id
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows: list[Row] = cursor.fetchall()
        if compiled.converters:
            rows = [_converted(row, compiled.converters, connection) for row in rows]
        return rows


def _converted(
    row: Row,
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...],
    connection: BaseDatabaseWrapper,
) -> Row:
    values = list(row)
    for position, convs, expression in converters:
        value = values[position]
        for convert in convs:
            value = convert(value, expression, connection)
        values[position] = value
    return tuple(values)
