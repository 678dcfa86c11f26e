"""Kidney replacement therapy (KDIGO's name since 2020 for dialysis, haemofiltration and
the like) is the dialysis concept (issue 15, hold-out 9). "Dialysis or any other kidney
replacement therapy within 12 weeks" was manual ("kidney", "replacement" not understood),
so every patient of a trial with that item was left to a person; and a note saying
"CKRT started" or "on KRT" named nothing. Sentences written from clinical knowledge."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading
from matcher.model import Assertion
from matcher.nlp.pipeline import NoteParser, build_pipeline

LUPUS = ["lupus nephritis"]


@pytest.mark.parametrize(("text", "window_days"), [
    ("Dialysis or any other kidney replacement therapy within 12 weeks before screening",
     84),
    ("Kidney replacement therapy within 3 months prior to randomisation", 91),
    ("Receipt of kidney replacement therapy in the past 8 weeks", 56),
    ("Need for continuous kidney replacement therapy within 30 days of screening", 30),
    ("Dialysis or other kidney replacement therapy within 6 months", 183),
    ("Need for KRT within 90 days before screening", 90),
])
def test_kidney_replacement_therapy_is_read_as_dialysis(text: str, window_days: int) -> None:
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    assert criterion.kind == "diagnosis", reading(criterion)
    assert criterion.params["concepts"] == ["proc.dialysis"]
    assert criterion.params.get("window_days") == window_days, reading(criterion)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("text", "affirmed"), [
    ("Oliguric AKI; CKRT started on day 2 of admission.", True),
    ("Fluid overload, commenced on continuous kidney replacement therapy.", True),
    ("Remains on KRT three times a week.", True),
    ("Did not need kidney replacement therapy.", False),
    ("No KRT needed during this admission.", False),
])
def test_a_note_naming_kidney_replacement_therapy_gives_dialysis(
    parser: NoteParser, text: str, affirmed: bool
) -> None:
    findings = [f for f in parser.parse(text, "n", dt.date(2026, 11, 15))
                if f.concept == "proc.dialysis"]
    assert findings, "no dialysis finding"
    wanted = Assertion.AFFIRMED if affirmed else Assertion.NEGATED
    assert all(f.assertion == wanted for f in findings), [str(f.assertion) for f in findings]
