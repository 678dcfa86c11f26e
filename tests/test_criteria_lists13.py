"""Organ lists under a two-time lead and with a suspended hyphen (issue 12, round 13).

"Current or history of psychiatric or neurological illness" is two exclusions, the
psychiatric illness and the neurological one, each current or past (ever): the "or" of
the lead ("current or history of", "past or present") joins two times, no members, as the
"or" of "history or presence of" does. "Liver- or renal disease" hangs its head on the
hyphen: the liver disease and the renal disease. The reader read both kinds of item whole
and left them manual ("not understood: 'psychiatric'").

The sentences are written here in the ways sponsors word them; none is copied from a
registry record.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion

TRIAL = ["A drug Z for adults with type 2 diabetes"]


def _exclusions(item: str) -> list[Criterion]:
    text = "Inclusion Criteria:\n\n* Type 2 diabetes\n\nExclusion Criteria:\n\n" f"* {item}\n"
    return [c for c in parse_eligibility_text(text, about=TRIAL) if c.type == "exclusion"]


def _concepts(criteria: list[Criterion]) -> list[str]:
    assert all(c.kind == "diagnosis" for c in criteria), [c.manual_reason for c in criteria]
    return sorted(c for criterion in criteria for c in criterion.params["concepts"])


PSYCH_NEURO = ["dx.neurological_disease", "dx.psychiatric"]
LIVER_KIDNEY = ["dx.kidney_disease", "dx.liver_disease"]
HEART_LUNG = ["dx.heart_disease", "dx.lung_disease"]


@pytest.mark.parametrize(("text", "concepts"), [
    ("Current or history of psychiatric or neurological illness", PSYCH_NEURO),
    ("History or current psychiatric or neurological illness", PSYCH_NEURO),
    ("Current or past history of liver or kidney disease", LIVER_KIDNEY),
    ("Past or current liver or kidney disease", LIVER_KIDNEY),
    ("Past or present heart or lung disease", HEART_LUNG),
    ("Previous or current cardiac or pulmonary disease", HEART_LUNG),
    ("Current and/or past hepatic or renal disease", LIVER_KIDNEY),
])
def test_a_lead_joining_two_times_joins_no_members(text, concepts):
    criteria = _exclusions(text)
    assert _concepts(criteria) == concepts
    # now or in the past: ever, never only the current state
    assert {c.params["temporality"] for c in criteria} == {"ever"}


@pytest.mark.parametrize(("text", "concepts"), [
    ("Liver- or kidney disease", LIVER_KIDNEY),
    ("History of hepatic- or renal disease", LIVER_KIDNEY),
    ("Heart- or lung disease", HEART_LUNG),
    ("Known cardiac-, pulmonary- or renal disease",
     ["dx.heart_disease", "dx.kidney_disease", "dx.lung_disease"]),
])
def test_a_suspended_hyphen_shares_the_head(text, concepts):
    assert _concepts(_exclusions(text)) == concepts


@pytest.mark.parametrize("text", [
    # a word joined by a hyphen to its own noun is no suspended organ ("non-" is a prefix)
    "Non- or poorly controlled kidney disease",
    # the "or" joins two states of one member, not two times of a lead
    "Current or history of uncontrolled or severe psychiatric illness",
])
def test_an_item_that_is_no_such_list_is_not_split_into_organs(text):
    concepts = [c for criterion in _exclusions(text) for c in criterion.params.get("concepts", [])]
    assert sorted(concepts) not in (PSYCH_NEURO, LIVER_KIDNEY)
