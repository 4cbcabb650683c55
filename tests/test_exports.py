"""Tests for claims.exports: CSV that a spreadsheet opens without running anything."""

import csv
import io
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from claims.exports import csv_lines, safe_cell


def test_formulas_are_neutralised_and_numbers_kept() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+1") == "'+1" and safe_cell("-2") == "'-2" and safe_cell("@SUM") == "'@SUM"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell(-3) == -3 and safe_cell(84) == 84
    assert safe_cell(None) == "" and safe_cell(True) == "yes"
    assert safe_cell(datetime(2024, 7, 27, tzinfo=UTC)) == "2024-07-27T00:00:00+00:00"


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=20))
def test_what_goes_in_comes_back_out_of_a_csv_parser(rows: list[list[str]]) -> None:
    text = "".join(csv_lines(["a", "b"], rows))
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["a", "b"]
    assert parsed[1:] == [[str(safe_cell(v)) for v in row] for row in rows]
    for row in parsed[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))
