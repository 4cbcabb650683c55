"""import_claims fed random bytes, random JSON and random CSV among known-good lines.

Whatever the file holds, exactly this must hold (issue 15): nothing escapes but the
documented CommandError; every good line is saved; every other non-blank line is either
saved or reported by its number, and the report names no good line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.importing.lines import KNOWN
from claims.models import Claim

pytestmark = pytest.mark.django_db

COLUMNS = ["event", "claimant", "measure", "count_text", "group"]
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def good_fields(n: int) -> dict[str, str]:
    return {
        "event": f"Good event {n % 3}",
        "claimant": f"Good claimant {n}",
        "measure": "killed",
        "count_text": str(n + 1),
        "group": "soldiers",
    }


# Text as files hold it: any character but the line breaks that would split the line.
one_line_text = st.text(max_size=40).map(lambda s: re.sub(r"[\r\n]", " ", s))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | one_line_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(one_line_text, inner, max_size=3),
    max_leaves=8,
)
# Objects shaped like import lines, with values of every kind, so that the checks and
# the services see the junk (not only the JSON parser).
line_like = st.dictionaries(
    st.sampled_from(sorted(KNOWN)) | one_line_text,
    st.one_of(one_line_text, json_values, st.sampled_from(["killed", "2024-02-30", "\x00"])),
    max_size=8,
).map(lambda d: {**{"event": "Junk", "claimant": "Junk", "measure": "killed"}, **d})
deep = st.integers(min_value=21, max_value=5000).map(lambda n: "[" * n + "]" * n)
junk_bytes = st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" "))
junk_json_line = st.one_of(
    junk_bytes,
    json_values.map(lambda v: json.dumps(v).encode()),
    line_like.map(lambda d: json.dumps(d).encode()),
    line_like.map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    deep.map(str.encode),
)


def csv_line(values: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue().encode("utf-8", "surrogatepass")


# No quote character in raw bytes: an unclosed quote makes the following lines part of
# one field, which is CSV and not a fault of the import.
junk_csv_line = st.one_of(
    junk_bytes.map(lambda b: b.replace(b'"', b"'").replace(b"\r", b" ")),
    st.lists(one_line_text, max_size=8).map(csv_line),
    st.fixed_dictionaries({c: one_line_text for c in COLUMNS}).map(
        lambda d: csv_line(list(d.values()))
    ),
)


def is_blank(line: bytes, *, csv_file: bool) -> bool:
    """A line the import skips: only white space (in a CSV file: only empty values)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if csv_file:
        return not any(v.strip() for v in next(csv.reader([text]), []))
    return not text.strip()


def encode(line: bytes | int, *, csv_file: bool) -> bytes:
    """Junk as it is; an int n is good line n."""
    if isinstance(line, bytes):
        return line
    fields = good_fields(line)
    return csv_line([fields[c] for c in COLUMNS]) if csv_file else json.dumps(fields).encode()


def check_import(path: Path, lines: list[bytes | int]) -> None:
    csv_file = path.suffix == ".csv"
    header = [",".join(COLUMNS).encode()] if csv_file else []
    path.write_bytes(b"\n".join(header + [encode(x, csv_file=csv_file) for x in lines]) + b"\n")
    out, err = StringIO(), StringIO()
    with transaction.atomic():  # each example starts from an empty database
        try:
            call_command("import_claims", str(path), stdout=out, stderr=err)
        except CommandError as exc:  # the documented exit status 1; nothing else escapes
            assert "lines failed; the rest went in" in str(exc)
        saved = set(Claim.objects.values_list("claimant__name", flat=True))
        transaction.set_rollback(True)
    numbered = list(enumerate(lines, start=len(header) + 1))
    good = {n: x for n, x in numbered if isinstance(x, int)}
    junk = {n for n, x in numbered if isinstance(x, bytes) and not is_blank(x, csv_file=csv_file)}
    reported = [int(n) for n in re.findall(r"^line (\d+): ", err.getvalue(), re.MULTILINE)]
    tally = re.search(r"(\d+) claims created, (\d+) sources attached, (\d+) already there, "
                      r"(\d+) lines failed", out.getvalue())  # fmt: skip
    created, linked, unchanged, failed = (int(g) for g in tally.groups())

    assert {good_fields(x)["claimant"] for x in good.values()} <= saved
    assert len(reported) == len(set(reported)) == failed, err.getvalue()
    assert set(reported) <= junk, err.getvalue()  # every report names a bad line
    # Every line counted once: the junk not reported went in as lines of their own.
    assert created + linked + unchanged + failed == len(good) + len(junk)


def mixed(junk: st.SearchStrategy[bytes]) -> st.SearchStrategy[list[bytes | int]]:
    return st.lists(st.one_of(st.integers(0, 9), junk), min_size=1, max_size=12)


@FUZZ
@given(lines=mixed(junk_json_line))
def test_jsonl_with_random_lines_saves_every_good_line(tmp_path: Path, lines: list) -> None:
    check_import(tmp_path / "fuzz.jsonl", lines)


@FUZZ
@given(lines=mixed(junk_csv_line))
def test_csv_with_random_rows_saves_every_good_row(tmp_path: Path, lines: list) -> None:
    check_import(tmp_path / "fuzz.csv", lines)
