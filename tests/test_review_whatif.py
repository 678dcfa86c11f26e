"""The what-if of a criteria edit (matcher.review.whatif): who changes status if the trial's
reading changes, evaluated over in-memory timelines, nothing read or written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from matcher.model import Criterion, Finding, Patient, Trial
from matcher.review.whatif import Move, criterion_counts, evaluate_patients, what_if

AS_OF = dt.date(2026, 11, 20)
NOTE_DAY = dt.date(2026, 11, 1)
AGE = Criterion(id="I1", key="age", type="inclusion", text="Age 6 to 18 years", kind="age",
                params={"min_years": 6, "max_years": 18})
PLATELETS = Criterion(id="I2", key="plt", type="inclusion", text="Platelets >= 75 x10^9/L",
                      kind="lab", params={"analytes": ["lab.platelets"], "op": ">=",
                                          "value": 75, "unit": "x10^9/L"})
TRIAL = Trial("T-1", "a trial", (AGE, PLATELETS))


def _with_threshold(value: float) -> Trial:
    edited = replace(PLATELETS, params={**PLATELETS.params, "value": value})
    return replace(TRIAL, criteria=(AGE, edited))


def _cohort(platelets: dict[str, float | None]):
    """Ten-year-olds, each with one note holding their platelet count (None: no count)."""
    patients, findings, dates = [], {}, {}
    for pid, value in platelets.items():
        patients.append(Patient(pid, dt.date(2016, 1, 1)))
        note = f"{pid}-n"
        dates[pid] = {note: NOTE_DAY}
        findings[pid] = [] if value is None else [
            Finding(concept="lab.platelets", category="lab", note_id=note, start=0, end=4,
                    text="plt", value=value, unit="x10^9/L", date=NOTE_DAY)]
    return patients, findings, dates


COHORT = _cohort({"P1": 100, "P2": 60, "P3": 200, "P4": None, "P5": 120})


def test_raising_a_threshold_moves_the_patients_between_it_from_eligible_to_ineligible():
    result = what_if(TRIAL, _with_threshold(150), *COHORT, AS_OF)
    assert result.moves == (Move("eligible", "ineligible", ("P1", "P5")),)
    assert result.sentences() == ["2 patients move from eligible to ineligible"]
    assert result.unchanged == 3 and result.moved == 2
    assert result.counts_before == {"eligible": 3, "possible": 1, "ineligible": 1}
    assert result.counts_after == {"eligible": 1, "possible": 1, "ineligible": 3}


@pytest.mark.parametrize(
    ("value", "sentences"),
    [
        (75, ["No patient changes status"]),
        (50, ["1 patient moves from ineligible to eligible"]),
        (110, ["1 patient moves from eligible to ineligible"]),
    ],
)
def test_every_transition_is_counted_in_words(value, sentences):
    assert what_if(TRIAL, _with_threshold(value), *COHORT, AS_OF).sentences() == sentences


def test_results_already_computed_give_the_same_answer_as_evaluating_again():
    before = evaluate_patients(TRIAL, *COHORT, AS_OF)
    again = what_if(TRIAL, _with_threshold(150), *COHORT, AS_OF, before_results=before)
    assert again == what_if(TRIAL, _with_threshold(150), *COHORT, AS_OF)


def test_criterion_counts_say_what_each_criterion_decides():
    counts = criterion_counts(evaluate_patients(TRIAL, *COHORT, AS_OF))
    assert counts == {
        "I1": {"met": 5, "not_met": 0, "unknown": 0, "manual": 0},
        "I2": {"met": 3, "not_met": 1, "unknown": 1, "manual": 0},
    }
