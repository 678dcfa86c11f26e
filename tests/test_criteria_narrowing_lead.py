"""A narrowing word must be kept or make the item manual (issue 12, round 14).

"Nasal fracture or surgery in the past year": the organ word before the first member may
reach the bare head after "or" ("surgery", with only the window after it), so the surgery
may be the nose's; read alone as any surgery it would exclude every patient operated on
for anything in the year. A member with words of its own ("chronic kidney failure")
names its own finding, and the organ word stays with the first. "Symptomatic aortic
stenosis", "advanced cancer": a degree of the condition now that a note's mention does not
tell, judged by a person when the condition is documented.

The sentences are written here in the ways sponsors word them.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import LOOKBACK_DAYS, Criterion


def _exclusions(item: str) -> list[Criterion]:
    text = "Inclusion Criteria:\n\n* Adults\n\nExclusion Criteria:\n\n" f"* {item}\n"
    return [c for c in parse_eligibility_text(text) if c.type == "exclusion"]


@pytest.mark.parametrize("item", [
    "nasal fracture or surgery in the past year",
    "Ocular trauma or surgery within 3 months",
])
def test_an_organ_word_that_may_reach_a_bare_head_is_never_dropped(item: str) -> None:
    criteria = _exclusions(item)
    surgery = [c for c in criteria
               if c.kind == "diagnosis" and "proc.surgery" in c.params["concepts"]]  # fmt: skip
    # Any surgery in the window would exclude far more patients than the item does.
    assert not surgery, [(c.text, c.params) for c in surgery]
    assert any(c.kind == "manual" for c in criteria)


def test_a_member_with_words_of_its_own_does_not_take_the_organ_word() -> None:
    criteria = _exclusions("Renal thrombotic microangiopathy, chronic kidney failure, pregnancy")
    assert any(c.kind == "pregnancy" for c in criteria)


@pytest.mark.parametrize(("item", "concept", "word"), [
    ("Symptomatic aortic stenosis", "dx.aortic_stenosis", "symptomatic"),
    ("Advanced cancer", "dx.malignancy", "advanced"),
    ("Symptomatic heart failure", "dx.heart_failure", "symptomatic"),
])
def test_a_degree_a_note_cannot_tell_is_judged_on_the_condition_now(
    item: str, concept: str, word: str
) -> None:
    (criterion,) = _exclusions(item)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["judged"] == [word]
    assert (criterion.params["temporality"], criterion.params["window_days"]) == (
        "current", LOOKBACK_DAYS)
