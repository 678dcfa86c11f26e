"""A flow cytometry B-cell line as German, Dutch and Nordic reports print it.

"CD19+ B-celler 6 % (98 celler/µL)" (Swedish, Danish, Norwegian), "CD19+ B-cellen 9 %
(171/µl)" (Dutch), "CD19+ B-Zellen 12 % (210/µl)" (German): the CD19 result, as "CD19+ B
cells 9 %" is. The local word for the cells between the marker and the value hid it, and
the CD19 item went to `unknown`. A Nordic lab code "B-Lymfocyter" is blood lymphocytes
(B- is the specimen), not B cells.

Sentences written here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# (line, percent, cells per µL)
LINES = [
    ("Flödescytometri: CD19+ B-celler 6 % (98 celler/µL).", 6.0, 98.0),
    ("Flowcytometri: CD19+ B-celler 12 % (210/µL).", 12.0, 210.0),
    ("Flowcytometrie: CD19+ B-cellen 9 % (171/µl).", 9.0, 171.0),
    ("Durchflusszytometrie: CD19+ B-Zellen 11 % (190/µl).", 11.0, 190.0),
    ("Immunphänotypisierung: B-Zellen (CD19+) 8 %, 140/µl.", 8.0, None),
    ("CD19+ B-celler 0 % (0/µL) – B-cellsdepletion.", 0.0, 0.0),
]


@pytest.mark.parametrize(("text", "percent", "count"), LINES)
def test_a_local_b_cell_line_is_the_cd19_result(
    parser: NoteParser, text: str, percent: float, count: float | None
) -> None:
    found = [f for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == "lab.cd19"]
    assert [f.value for f in found] == [percent]
    if count is not None:
        assert found[0].attrs.get("count_per_ul") == count


def test_a_nordic_blood_lymphocyte_code_is_no_b_cell_count(parser: NoteParser) -> None:
    text = "B-Lymfocyter           1,3  x10^9/L   (1,1-4,8)"
    assert [f for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == "lab.cd19"] == []
