"""import_claims with the bad lines of issue 15: each reported with its number and reason,
never a traceback, and the good lines around it saved."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from conftest import need, on_postgres
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from claims import services
from claims.importing import batch
from claims.importing.reader import MAX_LINE_BYTES, nesting_depth
from claims.management.commands import import_claims
from claims.models import Claim, Event, Source

pytestmark = pytest.mark.django_db

HEADER = b"event,claimant,measure,count_text,event_date,published_at"


def good(n: int) -> bytes:
    return json.dumps(
        {"event": "Ambush", "claimant": f"Radio {n}", "measure": "killed", "count_text": "six"}
    ).encode()


def bad(**fields: str) -> bytes:
    line = {"event": "Ambush", "claimant": "Bad", "measure": "killed", "count_text": "3"}
    return json.dumps(line | fields).encode()


def run_import(path: Path) -> tuple[str, str]:
    """The import's output and errors; the test fails if anything but the documented
    CommandError (exit status 1) escapes."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="lines failed; the rest went in"):
        call_command("import_claims", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def claimants() -> set[str]:
    return set(Claim.objects.values_list("claimant__name", flat=True))


BAD_JSON_LINES = {
    "NUL byte": (bad(event="Ambush\u0000"), "line 2: event contains a NUL character"),
    "2024-02-30": (
        bad(published_at="2024-02-30"),
        "line 2: published_at “2024-02-30” is not a valid date (day is out of range for month)",
    ),
    "event on 2024-02-30": (
        bad(event="Raid", event_date="2024-02-30"),
        "line 2: event_date “2024-02-30” is not a valid date",
    ),
    "year 0": (
        bad(published_at="0000-01-01T00:00:00Z"),
        "line 2: published_at “0000-01-01T00:00:00Z” is not a valid date (year 0 is out of range)",
    ),
    "event in year 0": (
        bad(event="Raid", event_date="0000-06-01"),
        "line 2: event_date “0000-06-01” is not a valid date (year 0 is out of range)",
    ),
    "invalid UTF-8": (
        b'{"event": "Ambush \xff\xfe", "claimant": "Bad", "measure": "killed"}',
        "line 2: not valid UTF-8 (byte 19)",
    ),
    "JSON nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "line 2: JSON nested deeper"),
    "year 10000 in UTC": (
        bad(published_at="9999-12-31T23:59:59-05:00"),
        "line 2: published_at “9999-12-31T23:59:59-05:00” falls outside the years 1 to 9999",
    ),
    "lone surrogate": (bad(claimant="Bad \ud800"), "line 2: claimant is not valid Unicode text"),
    "a number of 5,000 digits": (b"[" + b"7" * 5000 + b"]", "line 2: not valid JSON"),
    "a line over 1 MB": (b"x" * (MAX_LINE_BYTES + 10), "line 2: longer than 1 MB"),
}


@pytest.mark.parametrize("case", sorted(BAD_JSON_LINES))
def test_a_bad_json_line_is_reported_and_the_lines_around_it_saved(
    tmp_path: Path, case: str
) -> None:
    line, expected = BAD_JSON_LINES[case]
    path = tmp_path / "claims.jsonl"
    path.write_bytes(b"\n".join([good(1), line, good(3)]) + b"\n")
    out, err = run_import(path)
    assert expected in err
    assert err.count("line ") == 1
    assert "2 claims created" in out and "1 lines failed" in out
    assert claimants() == {"Radio 1", "Radio 3"}
    # Nothing of the bad line stays: no event or source of its own.
    assert not Source.objects.filter(name__startswith="Bad").exists()
    assert list(Event.objects.values_list("title", flat=True)) == ["Ambush"]


BAD_CSV_ROWS = {
    "NUL byte": (b"Ambush\x00,Bad,killed,3,,", "line 3: event contains a NUL character"),
    "invalid UTF-8": (b"Ambush \xff,Bad,killed,3,,", "line 3: not valid UTF-8"),
    "2024-02-30": (b"Raid,Bad,killed,3,2024-02-30,", "line 3: event_date “2024-02-30” is not"),
    "year 0": (b"Ambush,Bad,killed,3,,0000-01-01", "line 3: published_at “0000-01-01” is not"),
    "year 10000 in UTC": (
        b"Ambush,Bad,killed,3,,9999-12-31T23:59:59-05:00",
        "line 3: published_at “9999-12-31T23:59:59-05:00” falls outside",
    ),
    "a value in no column": (b"Ambush,Bad,killed,3,,,surplus", "line 3: 7 values for 6 columns"),
    "a line over 1 MB": (b"Ambush," + b"y" * MAX_LINE_BYTES + b",killed,3,,", "line 3: longer"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV_ROWS))
def test_a_bad_csv_row_is_reported_and_the_rows_around_it_saved(tmp_path: Path, case: str) -> None:
    row, expected = BAD_CSV_ROWS[case]
    path = tmp_path / "claims.csv"
    rows = [HEADER, b"Ambush,Radio 1,killed,six,,", row, b"Ambush,Radio 3,killed,six,,"]
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    _, err = run_import(path)
    assert expected in err
    assert err.count("line ") == 1
    assert claimants() == {"Radio 1", "Radio 3"}


def test_a_database_refusal_is_reported_and_nothing_of_its_line_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DataError (here PostgreSQL's division by zero, standing for "timestamp out of
    range") raised after a batch's rows were written: the batch is redone line by line,
    the line is reported and its claim rolled back; the lines around it go in."""
    need(on_postgres(), "PostgreSQL (set DATABASE_URL): SQLite's 1 / 0 is NULL, no error")
    save = services.imported_save

    def save_then_fail(**kwargs: Any) -> None:
        save(**kwargs)
        if any(claim.claimant.name == "Bad" for claim in kwargs["drafts"].claims):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(batch.services, "imported_save", save_then_fail)
    path = tmp_path / "claims.jsonl"
    path.write_bytes(b"\n".join([good(1), bad(), good(3)]))
    _, err = run_import(path)
    assert "line 2: refused by the database (division by zero)" in err
    assert err.count("line ") == 1
    assert claimants() == {"Radio 1", "Radio 3"}


def test_a_constraint_only_the_database_checks_in_a_batch_names_its_line(
    tmp_path: Path,
) -> None:
    """A batch is validated without asking the database; a contradiction that gives no
    figure and does not say what it disputes is refused by a database constraint, and the
    line is reported with the constraint's own words while every other line goes in."""
    path = tmp_path / "claims.jsonl"
    attach = {"event": "Ambush", "measure": "killed", "claim_by": "Radio 1"}
    lines = [
        good(1),
        json.dumps(attach | {"claimant": "Ministry", "stance": "contradicts"}).encode(),
        json.dumps(
            attach | {"claimant": "Army", "stance": "contradicts", "disputes": "event"}
        ).encode(),
        good(4),
    ]
    path.write_bytes(b"\n".join(lines))
    _, err = run_import(path)
    assert err.strip() == (
        "line 2: A contradiction without a figure must say what it disputes: the "
        "toll, the event, or who carried it out."
    )
    assert claimants() == {"Radio 1", "Radio 4"}
    assert set(
        Claim.objects.get(claimant__name="Radio 1").attributions.values_list(
            "source__name", "stance"
        )
    ) == {("Radio 1", "asserts"), ("Army", "contradicts")}


def test_many_bad_lines_among_many_good_ones_across_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three batches' worth of lines, every fifth bad: each good one saved, each bad one
    named."""
    monkeypatch.setattr(import_claims, "BATCH", 50)
    lines = [bad(published_at="2024-02-30") if n % 5 == 0 else good(n) for n in range(1, 151)]
    path = tmp_path / "claims.jsonl"
    path.write_bytes(b"\n".join(lines))
    _, err = run_import(path)
    reported = {int(line.split(":")[0].removeprefix("line ")) for line in err.splitlines()}
    assert reported == set(range(5, 151, 5))
    assert claimants() == {f"Radio {n}" for n in range(1, 151) if n % 5}


def test_nesting_depth_skips_brackets_inside_strings() -> None:
    assert nesting_depth('{"a": "[[[[{{{{", "b": [1, {"c": "]]]\\"[["}]}') == 3
    assert nesting_depth("[" * 50) == 50
    assert nesting_depth("[" * 100_000, stop_above=20) == 21  # stops counting there
