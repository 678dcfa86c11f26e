"""A diagnosis answered in a pre-screening log or checklist line: the answer at the end of
the line decides the mention (matcher.nlp.checklists). An open answer is uncertain, "no"
after a confirming label is "not yet confirmed" (uncertain), a plain "no" negates, "yes"
and prose leave it as the cue rules read it. The sentences are written here."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 10, 5)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("line", "concept", "expected"), [
    ("SLE diagnosis confirmed: TBC", "dx.sle", "uncertain"),
    ("Lupus nephritis (renal biopsy): ?", "dx.lupus_nephritis", "uncertain"),
    ("Lupus nephritis confirmed: N", "dx.lupus_nephritis", "uncertain"),
    ("- SLE established = unknown", "dx.sle", "uncertain"),
    ("Active tuberculosis: No", "dx.tuberculosis", "negated"),
    ("2. Hepatitis B: N", "dx.hbv", "negated"),
    # A yes, or prose after the colon, is not an answer that changes the mention.
    ("SLE confirmed: Y", "dx.sle", "affirmed"),
    ("Lupus nephritis: yes", "dx.lupus_nephritis", "affirmed"),
    ("SLE: diagnosed 2024, on hydroxychloroquine", "dx.sle", "affirmed"),
    ("Diagnosis: SLE - N", "dx.sle", "affirmed"),
])
def test_a_logged_answer_decides_the_diagnosis(parser: NoteParser, line: str, concept: str,
                                               expected: str) -> None:  # fmt: skip
    text = f"PRE-SCREENING CHECKLIST\n{line}\nConsent: pending\n"
    found = [str(f.assertion) for f in parser.parse(text, "n1", NOTE_DATE)
             if f.concept == concept]
    assert found[:1] == [expected]
