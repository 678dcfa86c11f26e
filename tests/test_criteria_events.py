"""A diagnosis named as an event or episode ("neuropsychiatric lupus event", "an episode of
PRES") reads as that diagnosis within its window; counts of episodes and adverse events stay
manual. Posterior reversible encephalopathy syndrome (PRES) is a concept of its own, in the
criteria and in the notes (a hypertensive child with lupus nephritis who seizes in PICU).
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text
from matcher.criteria import parse_criterion

EVENT_ITEMS = [
    ("Neuropsychiatric lupus event (seizure, psychosis, posterior reversible encephalopathy "
     "syndrome or stroke) within 60 days before screening.",
     ["dx.cns_lupus", "dx.seizure", "dx.psychosis", "dx.pres", "dx.stroke"], 60),
    ("Neuropsychiatric lupus events within 60 days before screening",
     ["dx.cns_lupus"], 60),
    ("An episode of PRES within 3 months of screening", ["dx.pres"], 91),
    ("Reversible posterior leukoencephalopathy syndrome (RPLS) in the past 6 months",
     ["dx.pres"], 183),
    ("Stroke episode within 6 months prior to screening", ["dx.stroke"], 183),
]


@pytest.mark.parametrize(("text", "concepts", "days"), EVENT_ITEMS)
def test_a_diagnosis_named_as_an_event_is_that_diagnosis_in_its_window(
    text: str, concepts: list[str], days: int
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["window_days"] == days


@pytest.mark.parametrize(
    "text",
    [
        "Serious adverse event within 30 days before screening",
        "Any adverse event of grade 3 or higher during the run-in",
        "Two or more episodes of pancreatitis",
        "Recurrent episodes of seizures despite treatment",
    ],
)
def test_adverse_events_and_counted_episodes_stay_manual(text: str) -> None:
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("PICU day 2: PRES on MRI after a generalised seizure, BP 170/110.", True),
        ("MRI brain: posterior reversible encephalopathy syndrome.", True),
        ("MRI: no features of PRES.", True),  # found, and negated (below)
        ("Pres. complaint: fever and dysuria.", False),
        ("Pressure area care 4-hourly.", False),
    ],
)
def test_pres_is_read_in_notes_and_not_in_words_that_share_its_letters(
    sentence: str, found: bool
) -> None:
    findings = [f for f in parse_text(sentence, dt.date(2026, 10, 1)) if f.concept == "dx.pres"]
    assert bool(findings) is found
    if "no features" in sentence:
        assert findings[0].assertion.value == "negated"
