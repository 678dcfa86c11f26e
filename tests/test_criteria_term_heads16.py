"""A list member that names its finding only with the head of the member after it, and
holds a number or a letter (issue 12, round 16).

"Vitamin B12 or folic acid deficiency" is two exclusions: the B12 deficiency and the
folate deficiency. The first member, "Vitamin B12", takes "deficiency" from the second
and makes a whole vocabulary term; the reader would not let it stand alone because it
holds a number (a number usually qualifies the member before it: "NYHA class III"), and
the whole item stayed manual ("not understood: 'Vitamin', 'B12'"). A member that makes a
whole term with the next member's head names that term's finding. A member whose words
make no term with the head ("grade 3 or 4 neutropenia") stays as it was.

The sentences are written here in the ways sponsors word them; none is copied from a
registry record.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion

TRIAL = ["A drug Z for adults with anaemia of chronic kidney disease"]


def _exclusions(item: str) -> list[Criterion]:
    text = ("Inclusion Criteria:\n\n* Anaemia of chronic kidney disease\n\n"
            f"Exclusion Criteria:\n\n* {item}\n")
    return [c for c in parse_eligibility_text(text, about=TRIAL) if c.type == "exclusion"]


def _concepts(criteria: list[Criterion]) -> list[str]:
    assert all(c.kind == "diagnosis" for c in criteria), [c.manual_reason for c in criteria]
    return sorted(c for criterion in criteria for c in criterion.params["concepts"])


B12_FOLATE = ["dx.b12_deficiency", "dx.folate_deficiency"]


@pytest.mark.parametrize(("text", "concepts"), [
    ("Vitamin B12 or folic acid deficiency", B12_FOLATE),
    ("Known vitamin B12 or folate deficiency", B12_FOLATE),
    ("vitamin B12, or folic acid deficiency", B12_FOLATE),
])
def test_a_member_with_a_number_that_makes_a_term_with_the_next_head_is_a_finding(
        text, concepts):  # fmt: skip
    criteria = _exclusions(text)
    assert _concepts(criteria) == concepts
    assert len(criteria) == 2  # one exclusion per deficiency


@pytest.mark.parametrize("text", [
    "Grade 3 or 4 neutropenia",  # "grade 3 neutropenia" is no term: a grade, not a finding
    "Vitamin B12 or folic acid deficiency requiring injections",  # the tail may reach both
])
def test_a_member_that_makes_no_whole_term_stays_manual(text):
    criteria = _exclusions(text)
    assert all(c.kind == "manual" for c in criteria), [(c.kind, c.params) for c in criteria]
