"""Synoptic kidney pathology print-outs: the class as a field line ("ISN/RPS class: III (A)").

A synoptic report prints its result as labelled fields, the class after a colon. Read with
the colon between "class" and the numeral, no class was found and every such report gave
"no kidney biopsy result documented". The class field is also the report's diagnosis
line: a comment that names another class to set it aside ("replaces the frozen-section
class III", "revised from class II") is no second biopsy, so an amended report's own class
decides. The reports are written here, in several layouts; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 30)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _classes(parser: NoteParser, text: str) -> list[tuple[list[str], dt.date | None]]:
    return [(f.attrs["classes"], f.date) for f in parser.parse(text, "n1", NOTE_DATE,
                                                               "pathology_report")
            if f.concept == "biopsy.kidney"]  # fmt: skip


# (report, classes, the procedure's date)
SYNOPTIC = [
    ("RENAL BIOPSY - SYNOPTIC REPORT\nProcedure date: 2026-09-03\n"
     "Glomeruli: 19\nISN/RPS class: III (A)\nActivity index: 7/24\n",
     ["III"], dt.date(2026, 9, 3)),
    ("KIDNEY PATHOLOGY\nDate of procedure: 14 Sep 2026   Reported: 20 Sep 2026\n"
     "  ISN/RPS Class:  IV-S (A/C) + V\n  Chronicity index: 4/12\n",
     ["IV", "V"], dt.date(2026, 9, 14)),
    ("NATIVE KIDNEY BIOPSY\nProcedure: Oct 2, 2026\nWHO class: II\nComment: mesangial only.\n",
     ["II"], dt.date(2026, 10, 2)),
    ("Renal biopsy report\nDate of biopsy: 2026-08-27\nClass: VI\nGlobal sclerosis 92%.\n",
     ["VI"], dt.date(2026, 8, 27)),
]


@pytest.mark.parametrize(("text", "classes", "date"), SYNOPTIC)
def test_a_synoptic_class_field_gives_the_biopsy_its_class_and_procedure_date(
    parser: NoteParser, text: str, classes: list[str], date: dt.date
) -> None:
    assert _classes(parser, text) == [(classes, date)]


# An amended report: its class field decides; the class it names to supersede is no biopsy.
AMENDED = [
    ("RENAL BIOPSY - AMENDED REPORT\nDate of procedure: 2026-09-10\n"
     "ISN/RPS class: V\nComment: replaces the frozen-section impression of class III.\n", ["V"]),
    ("KIDNEY BIOPSY (REVISED)\nProcedure date: 10 Sep 2026\nISN/RPS class: IV-G (A)\n"
     "Note: revised from class II after deeper levels.\n", ["IV"]),
]


@pytest.mark.parametrize(("text", "classes"), AMENDED)
def test_an_amended_reports_class_field_decides_over_a_class_its_comment_sets_aside(
    parser: NoteParser, text: str, classes: list[str]
) -> None:
    assert [c for c, _ in _classes(parser, text)] == [classes]


# Must not fire: a colon after "class" with no numeral, or a number that is no class.
NOT_A_CLASS = [
    "RENAL BIOPSY REPORT\nDate of procedure: 2026-09-10\nISN/RPS class: pending EM\n",
    "RENAL BIOPSY REPORT\nDate of procedure: 2026-09-10\nClass: see addendum 12/2026\n",
]


@pytest.mark.parametrize("text", NOT_A_CLASS)
def test_a_class_field_without_a_class_gives_no_class(parser: NoteParser, text: str) -> None:
    assert all(not c for c, _ in _classes(parser, text))
