"""The screening to-do list (matcher.judge.screening): each open criterion as an action
with the last value seen and its age, ranked by how much it would settle."""

from __future__ import annotations

import datetime as dt

from matcher.judge.evaluate import evaluate_all
from matcher.judge.ranking import verdict
from matcher.judge.screening import todo_actions
from matcher.model import Criterion, PatientResult, PatientStatus
from tests.test_evaluate import finding, timeline

D = dt.date
AS_OF = dt.date(2026, 11, 20)


def _lab(cid: str, analyte: str) -> Criterion:
    return Criterion(cid, cid, "inclusion", "t", "lab",
                     {"analytes": [analyte], "op": ">=", "value": 0.1})


def _judge(criteria: list[Criterion], *findings) -> PatientResult:
    results = evaluate_all(criteria, timeline(*findings))
    return PatientResult("P1", verdict(results).status, 1.0, results)


def test_one_blood_count_settles_every_count_item_and_ranks_first_with_the_last_values():
    criteria = [
        _lab("inc-1", "lab.lymphocytes"), _lab("inc-2", "lab.wbc"), _lab("inc-3", "lab.inr"),
        Criterion("inc-4", "cd19", "inclusion", "CD19+ B cells present", "cd19"),
    ]
    result = _judge(
        criteria,
        finding("lab.lymphocytes", 2.1, date=D(2026, 7, 14), unit="x10^9/L"),
        finding("lab.wbc", 5.0, date=D(2026, 7, 14), unit="x10^9/L"),
    )
    assert result.status is PatientStatus.POSSIBLE
    assert [a.text for a in todo_actions(result, AS_OF)] == [
        "last ALC 2.1 x10^9/L, WBC 5 x10^9/L on 14 Jul, 129 days ago: repeat FBC "
        "(settles 2 criteria)",
        "order CD19 flow cytometry",
        "order coagulation screen",
    ]
    assert todo_actions(result, AS_OF)[0].criterion_ids == ("inc-1", "inc-2")


def test_an_ineligible_patient_has_nothing_to_do_and_an_eligible_one_nothing_open():
    failing = _judge([_lab("inc-1", "lab.lymphocytes"), _lab("inc-2", "lab.wbc")],
                     finding("lab.lymphocytes", 0.01))
    assert failing.status is PatientStatus.INELIGIBLE
    assert todo_actions(failing, AS_OF) == ()
    passing = _judge([_lab("inc-1", "lab.lymphocytes")], finding("lab.lymphocytes", 2.0))
    assert todo_actions(passing, AS_OF) == ()
