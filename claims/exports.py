"""CSV for the spreadsheets the rest of the newsroom lives in: streamed, formula-safe.

Pure Python: ``csv_lines(header, rows)`` yields the file line by line, so an export of
a million rows never sits in memory (the admin and the API wrap it in a
``StreamingHttpResponse``). A cell that a spreadsheet would run as a formula (it
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an
apostrophe, as OWASP's CSV injection advice has it: the text stays readable and
nothing is executed. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

__all__ = ["csv_lines", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet may read it without running anything."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text, one line at a time (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Sequence[Any]) -> str:
        writer.writerow(values)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(header)
    for row in rows:
        yield line([safe_cell(value) for value in row])
