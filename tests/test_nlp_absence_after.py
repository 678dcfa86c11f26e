"""Absence stated after the thing (issue 15, hold-out 9): "Class IV no longer seen" on a
repeat biopsy that now shows class V, and "Dialysis was not required" in a discharge
summary, were read as affirmed; the first made a pure class V biopsy look like class IV
(an inclusion met that is not), the second would exclude a patient for dialysis never given.
"No longer" on its own stays a pseudo-cue: "no longer on dialysis" and "dialysis no longer
required" say that dialysis was given. Sentences written from clinical knowledge."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Assertion
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str, note_type: str | None = None,
                value: str | None = None) -> list[Assertion]:
    return [f.assertion for f in parser.parse(text, "n", NOTE_DATE, note_type)
            if f.concept == concept and (value is None or f.value == value)]


@pytest.mark.parametrize(("text", "concept", "note_type", "value"), [
    ("Repeat renal biopsy: ISN/RPS class V. Class IV no longer seen.", "biopsy.kidney",
     "pathology", "IV"),
    ("Kidney biopsy 2026-10-02: class V; class IV lesions no longer present.", "biopsy.kidney",
     None, "IV"),
    ("Rebiopsy shows membranous pattern (class V), class III no longer identified.",
     "biopsy.kidney", "pathology", "III"),
    ("Dialysis was not required.", "proc.dialysis", None, None),
    ("AKI managed conservatively; haemodialysis not required.", "proc.dialysis", None, None),
    ("Kidney replacement therapy was not needed.", "proc.dialysis", None, None),
])
def test_absence_stated_after_the_thing_negates_it(
    parser: NoteParser, text: str, concept: str, note_type: str | None, value: str | None
) -> None:
    found = _assertions(parser, text, concept, note_type, value)
    if concept == "biopsy.kidney":
        # A denied class gives no class finding at all (matcher.nlp.biopsies).
        assert not found, [str(a) for a in found]
    else:
        assert found, "nothing found"
        assert set(found) == {Assertion.NEGATED}, [str(a) for a in found]


@pytest.mark.parametrize(("text", "concept", "value"), [
    ("Repeat renal biopsy: ISN/RPS class V. Class IV no longer seen.", "biopsy.kidney", "V"),
    ("Dialysis no longer required since March.", "proc.dialysis", None),
    ("No longer on dialysis after renal recovery.", "proc.dialysis", None),
    ("Dialysis was required for 10 days.", "proc.dialysis", None),
])
def test_what_was_given_or_is_seen_stays_affirmed(
    parser: NoteParser, text: str, concept: str, value: str | None
) -> None:
    found = _assertions(parser, text, concept, "pathology" if value else None, value)
    assert found, "nothing found"
    assert Assertion.NEGATED not in found, [str(a) for a in found]
