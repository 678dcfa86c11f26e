"""CD19 written with a bare "B" or a singular "B cell" after it (issue 15, hold-out 9):
"FACS: CD19 B cell 11 %" and "CD19 B 10 %" gave no CD19 finding, so the CD19 inclusion was
"unknown". Only these whole names are added: a lone "B cell" stays unread (it also begins
"B cell lymphoma"). Sentences written from clinical knowledge."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("text", "value"), [
    ("Flow cytometry: CD19 B cell 11% (154 cells/uL).", 11.0),
    ("Lansky 80, CD19 B 10%.", 10.0),
    ("CD19+ B cell 7.5 %", 7.5),
    ("Lymphocyte subsets: CD19 B-cell 14%, CD3 70%.", 14.0),
    ("CD19+ B-cells 9% of lymphocytes", 9.0),
])
def test_cd19_with_a_b_cell_name_gives_its_percentage(
    parser: NoteParser, text: str, value: float
) -> None:
    found = [(f.value, f.unit) for f in parser.parse(text, "n", dt.date(2026, 11, 15))
             if f.concept == "lab.cd19"]
    assert found == [(value, "%")]


@pytest.mark.parametrize("text", [
    "Diffuse large B cell lymphoma excluded.",
    "Memory B cell 3%.",
])
def test_other_b_cell_names_give_no_cd19(parser: NoteParser, text: str) -> None:
    found = [f for f in parser.parse(text, "n", dt.date(2026, 11, 15)) if f.concept == "lab.cd19"]
    assert not found
