"""Plans (issue 12, round 16).

An item that puts its procedure or treatment ahead of the patient ("Subjects who will
undergo thyroid surgery", "Patients who will receive rituximab") asks for a plan: read as
a finding it would count any surgery or course the patient ever had (on main "Subject who
will have surgery" was read as any surgery ever). It stays manual naming the plan
(matcher.criteria.basic_kinds, the plan cue that "expected to require dialysis" already
had); "will be excluded" is no plan, nor "will have had".

The sentences are written here in the ways sponsors word them; none is copied from a
registry record.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.basic_kinds import _PLAN, _PLAN_REASON

ABOUT = ["An analgesic for adults with chronic low back pain"]


PLANS = [
    ("inclusion", "Subjects who will undergo knee surgery"),
    ("inclusion", "Subject who will have surgery"),
    ("inclusion", "Patients who will receive rituximab"),
    ("exclusion", "Patients who are scheduled for surgery during the study"),
    ("inclusion", "Patients who are going to have radiotherapy"),
    ("inclusion", "Participants who will be treated with belimumab"),
]


@pytest.mark.parametrize(("ctype", "text"), PLANS, ids=[p[1] for p in PLANS])
def test_an_item_asking_for_a_plan_stays_manual_naming_it(ctype, text):
    criterion = parse_criterion(text, ctype, about=ABOUT)
    assert criterion.kind == "manual"
    assert criterion.manual_reason == _PLAN_REASON


NOT_PLANS = [
    ("exclusion", "Patients having haemodialysis will be excluded", "proc.dialysis"),
    ("exclusion", "Subjects who underwent knee surgery", "proc.surgery"),
    ("exclusion", "Patients who have received rituximab", None),
    ("exclusion", "Patients who will have had a kidney transplant by screening", None),
]


@pytest.mark.parametrize(("ctype", "text", "concept"), NOT_PLANS, ids=[p[1] for p in NOT_PLANS])
def test_an_item_about_what_was_done_is_no_plan(ctype, text, concept):
    assert _PLAN.search(text) is None
    criterion = parse_criterion(text, ctype, about=ABOUT)
    assert criterion.manual_reason != _PLAN_REASON
    if concept is not None:
        assert criterion.kind != "manual", criterion.manual_reason
        assert criterion.params["concepts"] == [concept]
