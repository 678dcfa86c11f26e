"""A drug history that dates a past course by its year, and one drug written under two names.

- "Pred since 2023, CYC 2023, MMF since 2024": the year written right after a drug, bare
  or in brackets, with no word of its own part saying the course ran on, is when it was
  given. It is placed on 1 July (GUIDELINE: a year-only date), not on the note's date: a
  "cyclophosphamide within 3 months" exclusion is not met by a 2023 course named in this
  month's letter, and a window the year itself reaches is left to a person.
- "Endoxan Euro-Lupus discussed": two names of one drug side by side are one mention; a
  cue that reaches one of them (planned, negated) is the other's too.

Sentences are written here, not copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE = dt.date(2026, 10, 20)
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _drugs(parser: NoteParser, text: str, concept: str):
    return [f for f in parser.parse(text, "n1", NOTE) if f.concept == concept]


# (sentence, the drug, the year it was given or None)
YEAR_SENTENCES = [
    ("Steroids since 2022, cyclophosphamide 2022, mycophenolate since 2023.",
     "drug.cyclophosphamide", 2022),
    ("MMF and prednisolone since 2024; CTX 2024.", "drug.cyclophosphamide", 2024),
    ("Previously IV CYC 2025 then MMF since 2025.", "drug.cyclophosphamide", 2025),
    ("Failed steroids (since 2023) and cyclophosphamide (2023) then tacrolimus.",
     "drug.cyclophosphamide", 2023),
    ("Rituximab 2025, belimumab since 2026.", "drug.rituximab", 2025),
    # A word of its own part says it runs on, or began then: no year given.
    ("Maintenance MMF 2024 onwards, well.", "drug.mycophenolate", None),
    ("Started on cyclophosphamide (2025).", "drug.cyclophosphamide", None),
    ("Cyclophosphamide since 2025.", "drug.cyclophosphamide", None),
    # A number with a unit is a dose; a number long before the note is no year of it.
    ("MMF 2000 mg daily.", "drug.mycophenolate", None),
    ("MMF 1990, tacrolimus 2.", "drug.mycophenolate", None),
]


@pytest.mark.parametrize(("sentence", "concept", "year"), YEAR_SENTENCES)
def test_a_year_right_after_a_drug_is_when_it_was_given(parser, sentence, concept, year):
    found = _drugs(parser, sentence, concept)
    assert found, f"{concept} not read"
    assert found[0].attrs.get("given_in_year") == year
    if year is not None:
        assert found[0].date == dt.date(year, 7, 1)


CYC_3_MONTHS = parse_criterion("Intravenous or oral cyclophosphamide within 3 months prior "
                               "to screening", "exclusion")
CYC_12_MONTHS = parse_criterion("Cyclophosphamide within 12 months prior to screening",
                                "exclusion")


def _status(parser: NoteParser, criterion, text: str) -> Status:
    findings = parser.parse(text, "n1", NOTE)
    timeline = build_timeline(Patient("P1", None), findings, {"n1": NOTE}, AS_OF)
    return evaluate(criterion, timeline).status


@pytest.mark.parametrize(("criterion", "text", "expected"), [
    # A 2024 course named in a 2026 letter is not within 3 months.
    (CYC_3_MONTHS, "Pred + MMF since 2024, CYC 2024. Persistent proteinuria.",
     Status.NOT_MET),
    # Named with no date at all: dated by its note, as before.
    (CYC_3_MONTHS, "Refractory despite steroids, CYC and MMF.", Status.MET),
    # A course in this very year: given in the window or before it? A person checks.
    (CYC_3_MONTHS, "MMF since 2025, CYC 2026.", Status.UNKNOWN),
    # 2025 reaches a 12-month window that begins in November 2025: a person checks.
    (CYC_12_MONTHS, "MMF since 2025, CYC 2025.", Status.UNKNOWN),
    (CYC_12_MONTHS, "MMF since 2024, CYC 2023.", Status.NOT_MET),
])
def test_a_course_dated_by_its_year_decides_a_window_only_where_the_year_is_outside(
    parser, criterion, text, expected
):
    assert _status(parser, criterion, text) is expected


# (sentence, the drug, the assertion every one of its names gets)
ONE_MENTION_SENTENCES = [
    ("Team meeting: Endoxan Euro-Lupus discussed with the family.", "drug.cyclophosphamide",
     "hypothetical"),
    ("Cyclophosphamide (Endoxan) to be considered next month.", "drug.cyclophosphamide",
     "hypothetical"),
    ("Endoxan Euro-Lupus given 02/10/2026.", "drug.cyclophosphamide", "affirmed"),
]


@pytest.mark.parametrize(("sentence", "concept", "assertion"), ONE_MENTION_SENTENCES)
def test_two_names_of_one_drug_side_by_side_share_their_assertion(parser, sentence, concept,
                                                                   assertion):
    found = _drugs(parser, sentence, concept)
    assert found
    assert {str(f.assertion) for f in found} == {assertion}


def test_a_cue_on_another_drug_beside_it_is_not_shared(parser) -> None:
    found = {f.concept: str(f.assertion) for f in parser.parse(
        "On MMF, rituximab discussed.", "n1", NOTE) if f.category == "drug"}
    assert found == {"drug.mycophenolate": "affirmed", "drug.rituximab": "hypothetical"}
