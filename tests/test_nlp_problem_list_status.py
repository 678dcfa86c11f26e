"""An EHR problem list's Status column decides its rows (matcher.nlp.problem_lists).

"Entered in error" voids the entry (no finding: a void "Lupus nephritis class IV" row was
a class IV biopsy dated by its onset cell), "Ruled out" negates, "Resolved" / "Inactive"
is history, "Under evaluation" is uncertain, and "Active" leaves the row as read. The
lists are written here in several layouts (other column orders, separators and status
words); none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 12)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _read(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [str(f.assertion) for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept == concept]  # fmt: skip


def _piped(problem: str, status: str) -> str:
    return ("PROBLEM LIST (exported 2026-10-12)\n"
            "ICD-10  | Problem                         | Status            | Noted\n"
            "--------+---------------------------------+-------------------+-----------\n"
            "I10     | Hypertension                    | Active            | 2025-02-01\n"
            f"XXX     | {problem:<31} | {status:<17} | 2026-03-04\n")  # fmt: skip


def _status_first(problem: str, status: str) -> str:
    return ("Active problems / history\n"
            "Status             Problem                          SNOMED CT\n"
            f"{status:<18} {problem:<32} 000000\n"
            "Active             Hypertension                     38341003\n")


# (problem, status cell, concept, assertions)
ROWS = [
    ("Tuberculosis, pulmonary", "Entered in error", "dx.tuberculosis", []),
    ("Tuberculosis, pulmonary", "Ruled out", "dx.tuberculosis", ["negated"]),
    ("Tuberculosis, pulmonary", "Resolved", "dx.tuberculosis", ["historical"]),
    ("Tuberculosis, pulmonary", "Inactive", "dx.tuberculosis", ["historical"]),
    ("Systemic lupus erythematosus", "Under evaluation", "dx.sle", ["uncertain"]),
    ("Systemic lupus erythematosus", "Provisional", "dx.sle", ["uncertain"]),
    ("Systemic lupus erythematosus", "Active", "dx.sle", ["affirmed"]),
    ("Systemic lupus erythematosus", "Chronic", "dx.sle", ["affirmed"]),
]


@pytest.mark.parametrize("layout", [_piped, _status_first])
@pytest.mark.parametrize(("problem", "status", "concept", "expected"), ROWS)
def test_a_problem_rows_status_cell_decides_its_diagnosis(
    parser: NoteParser, layout, problem: str, status: str, concept: str, expected: list[str]
) -> None:
    assert _read(parser, layout(problem, status), concept) == expected


def test_a_void_problem_row_gives_no_biopsy_class(parser: NoteParser) -> None:
    text = _piped("Lupus nephritis class III", "Entered in error")
    found = [f for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == "biopsy.kidney"]
    assert found == []


def test_a_status_decides_only_its_own_row(parser: NoteParser) -> None:
    text = _piped("Tuberculosis, pulmonary", "Ruled out") + (
        "M32.9   | Systemic lupus erythematosus    | Active            | 2024-01-10\n")
    assert _read(parser, text, "dx.sle") == ["affirmed"]
    assert _read(parser, text, "dx.tuberculosis") == ["negated"]


# Must not fire: a status word outside a status column, a table without one.
@pytest.mark.parametrize(("text", "concept", "expected"), [
    ("Problem                  | Comment\nSystemic lupus erythematosus | resolved rash\n",
     "dx.sle", ["affirmed"]),
    ("Status: SLE since 2022, nephritis resolved on MMF.\n", "dx.sle", ["affirmed"]),
])
def test_status_words_outside_a_status_column_change_nothing(
    parser: NoteParser, text: str, concept: str, expected: list[str]
) -> None:
    assert _read(parser, text, concept) == expected
