"""Reading an import file into lines of fields, each line on its own.

Whatever the bytes, ``read_lines`` yields one ``Line`` per non-blank line (per row
in a CSV file) and never raises for what a line holds: a line that is too long, not
UTF-8, not JSON, nested too deep or not an object comes out with its ``error`` set
and the reading goes on with the next line. Only a file that cannot be opened, or a
CSV file whose header cannot be read, stops the import (``FileUnreadable``).

Bounds are checked before the parser sees the text: a line over ``MAX_LINE_BYTES``
is skipped unread, and JSON nested deeper than ``MAX_DEPTH`` is refused before
``json.loads`` (whose C scanner recurses once per level: 100,000 levels raise
RecursionError).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

# An import line is a flat object of short texts; a quote or a statement runs to a few
# KB. 1 MB leaves room and keeps a runaway line from filling memory.
MAX_LINE_BYTES = 1_000_000
# The object itself is level 1; a field that holds a list or an object is refused
# later as "must be text", with its name. Deeper than this is no import line at all.
MAX_DEPTH = 20

# JSON strings (which may hold brackets) and the brackets outside them.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
# What decoding with "surrogateescape" makes of bytes that are not UTF-8.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class Line(NamedTuple):
    number: int  # the line in the file (a CSV row: the line it ends on)
    fields: dict[str, Any] | None  # None when the line could not be read
    error: str = ""


class FileUnreadable(Exception):
    """The file as a whole cannot be read (no such file, an unreadable CSV header)."""


def read_lines(path: Path) -> Iterator[Line]:
    """Every non-blank line of a .jsonl (or .json) file, or every row of a .csv file."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileUnreadable(f"{path}: {exc.strerror or exc}") from exc
    with handle:
        if path.suffix.lower() == ".csv":
            yield from _csv_rows(handle)
        else:
            yield from _json_lines(handle)


def _physical_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(number, bytes) for each line; bytes None for a line over MAX_LINE_BYTES, which
    is read past in chunks and never held whole."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        yield number, raw


def too_long() -> str:
    return f"longer than {MAX_LINE_BYTES // 1_000_000} MB"


def _json_lines(handle: IO[bytes]) -> Iterator[Line]:
    for number, raw in _physical_lines(handle):
        if raw is None:
            yield Line(number, None, too_long())
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Line(number, None, f"not valid UTF-8 (byte {exc.start + 1})")
            continue
        if text.strip():
            yield parse_json_line(number, text)


def nesting_depth(text: str, stop_above: int | None = None) -> int:
    """How deep JSON text nests, counted without parsing it (strings skipped); the count
    stops as soon as it passes ``stop_above`` (a line 100,000 deep need not be walked)."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if stop_above is not None and deepest > stop_above:
                break
    return deepest


def parse_json_line(number: int, text: str) -> Line:
    if nesting_depth(text, stop_above=MAX_DEPTH) > MAX_DEPTH:
        return Line(number, None, f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # "Invalid control character at"
        return Line(number, None, f"not valid JSON ({what} at column {exc.colno})")
    except ValueError:  # the one other refusal: an integer of more than 4,300 digits
        return Line(number, None, "not valid JSON (a number too long to read)")
    if not isinstance(row, dict):
        return Line(number, None, "each line must be a JSON object")
    return Line(number, row)


def _csv_rows(handle: IO[bytes]) -> Iterator[Line]:
    """Rows of a CSV file with a header. Undecodable bytes are carried through the csv
    module as surrogates (a quoted field may span lines) and refused row by row."""
    too_long_lines: list[int] = []

    def texts() -> Iterator[str]:
        for number, raw in _physical_lines(handle):
            if raw is None:
                too_long_lines.append(number)
            # A line over the bound reaches the csv module as an empty line.
            yield "\n" if raw is None else raw.decode("utf-8", "surrogateescape")

    reader = csv.reader(texts())
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileUnreadable(f"the CSV header cannot be read ({exc})") from exc
    if header is None:
        return
    if too_long_lines or any(_UNDECODABLE.search(name) for name in header):
        raise FileUnreadable("the CSV header is not valid UTF-8 text under 1 MB")
    names = [name.strip() for name in header]
    while True:
        try:
            values: list[str] | None = next(reader)
        except StopIteration:
            values = None
        except csv.Error as exc:
            yield Line(reader.line_num, None, f"not a valid CSV row ({exc})")
            continue
        if too_long_lines:
            # The row that held it is refused whole, never imported from a fragment.
            yield from (Line(n, None, too_long()) for n in too_long_lines)
            too_long_lines.clear()
        elif values is not None:
            yield from _csv_row(reader.line_num, names, values)
        if values is None:
            return


def _csv_row(number: int, names: list[str], values: list[str]) -> Iterator[Line]:
    if not any(v.strip() for v in values):
        return
    if any(_UNDECODABLE.search(v) for v in values):
        yield Line(number, None, "not valid UTF-8")
        return
    extra = [v for v in values[len(names) :] if v.strip()]
    if extra:
        yield Line(number, None, f"{len(values)} values for {len(names)} columns")
        return
    yield Line(number, {n: v for n, v in zip(names, values, strict=False) if n})
