"""Round-16 vocabulary gaps (issue 12): malnutrition.

Sentences are invented, in the shapes other sponsors use. Malnutrition (ICD-10 E46) is a
condition the notes name in its own words ("malnourished", "protein-energy malnutrition");
"severe" malnutrition has no stated limit, so a person judges it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import LOOKBACK_DAYS, Assertion, Finding, Patient, Status
from matcher.nlp.vocab import load_vocabulary

AS_OF = dt.date(2025, 6, 1)


def _finding(concept: str, days_ago: int) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED,
                   date=AS_OF - dt.timedelta(days=days_ago), date_source="text")


@pytest.mark.parametrize(
    "text",
    [
        "Malnutrition",
        "Known malnourished patients",
        "Protein-energy malnutrition",
        "Undernutrition",
        "Protein calorie malnutrition",
    ],
)
def test_malnutrition_in_its_spellings_is_an_exclusion_of_the_condition_now(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.malnutrition"]
    assert criterion.params["temporality"] == "current"
    assert criterion.params["window_days"] == LOOKBACK_DAYS


def test_a_malnutrition_exclusion_is_met_by_a_recent_mention_and_not_by_silence():
    criterion = parse_criterion("Malnutrition", "exclusion")
    none = evaluate(criterion, build_timeline(Patient("P1", None), [], {}, AS_OF))
    assert none.status is Status.NOT_MET
    finding = _finding("dx.malnutrition", 30)
    timeline = build_timeline(Patient("P1", None), [finding], {"n1": finding.date}, AS_OF)
    assert evaluate(criterion, timeline).status is Status.MET


def test_severe_malnutrition_is_left_to_a_person():
    criterion = parse_criterion("Patients with severe malnutrition", "exclusion")
    assert criterion.kind == "manual"
    assert "severe" in criterion.manual_reason


@pytest.mark.parametrize(
    ("concept", "code"), [("dx.malnutrition", "ICD10:E46")]
)
def test_the_new_concepts_carry_their_standard_codes(concept, code):
    assert load_vocabulary()[concept].code == code
