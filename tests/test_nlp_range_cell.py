"""A bar-delimited row whose units cell is blank: the reference range is no result.

In "INR | | 0.9-1.2 | 1.90 H" the first number after the name is the low end of the
reference range; read as the result, a prolonged INR of 1.90 became a normal 0.9 (and a row
with no result at all became one). The result is the cell after the range; a row with
none gives no value. The rows are written here in several layouts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 3)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("row", "concept", "values"), [
    ("INR   |       | 0.9-1.2   | 1.90 H", "lab.inr", [1.9]),
    ("INR|  |0.8 - 1.1|2.3 H|", "lab.inr", [2.3]),
    ("INR | ratio | 0.9-1.2 | 1.05", "lab.inr", [1.05]),
    # a range with no result after it: no value
    ("INR   |       | 0.9-1.2   |", "lab.inr", []),
    ("INR   |       | 0.9-1.2   | pending", "lab.inr", []),
    # must not change: the result before its range, prose
    ("INR | 1.4 | 0.9-1.2", "lab.inr", [1.4]),
    ("INR 1.3 (0.9-1.2) on warfarin", "lab.inr", [1.3]),
])
def test_a_range_cell_is_never_the_rows_result(parser: NoteParser, row: str, concept: str,
                                               values: list[float]) -> None:  # fmt: skip
    found = [f.value for f in parser.parse(row + "\n", "n1", NOTE_DATE) if f.concept == concept]
    assert found == values
