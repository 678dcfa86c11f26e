"""A status said after its term across a dash ("SLE - ruled out", "lupus nephritis – possible")
belongs to the term; a dash elsewhere still ends a cue's reach."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import api

DAY = dt.date(2026, 11, 1)


def _assertions(text: str, concept: str) -> set[str]:
    return {str(f.assertion) for f in api.parse_text(text, DAY) if f.concept == concept}


@pytest.mark.parametrize(("text", "concept", "expected"), [
    ("Diagnosis: SLE - ruled out.", "dx.sle", "negated"),
    ("Problem: lupus nephritis – ruled out.", "dx.lupus_nephritis", "negated"),
    ("Diagnosis: SLE - possible.", "dx.sle", "uncertain"),
    ("Impression: lupus nephritis – not excluded.", "dx.lupus_nephritis", "uncertain"),
    ("Working diagnosis: SLE - cannot exclude.", "dx.sle", "uncertain"),
    ("Working diagnosis: SLE, cannot exclude.", "dx.sle", "uncertain"),
    ("Query SLE — can not be excluded at this stage.", "dx.sle", "uncertain"),
])
def test_a_status_after_a_dash_belongs_to_its_term(text, concept, expected):
    assert _assertions(text, concept) == {expected}


@pytest.mark.parametrize(("text", "concept"), [
    ("No rash - SLE well controlled on MMF.", "dx.sle"),
    ("No fever - lupus nephritis class IV on biopsy.", "dx.lupus_nephritis"),
    ("Denies joint pain - SLE otherwise quiet.", "dx.sle"),
    ("SLE - on mycophenolate since 2024.", "dx.sle"),
])
def test_a_dash_elsewhere_still_ends_a_cues_reach(text, concept):
    assert _assertions(text, concept) == {"affirmed"}
