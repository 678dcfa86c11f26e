"""Two item shapes whose every word is accounted for once the grammar reads them whole.

- "Active infection, or any infection requiring IV antibiotics within 4 weeks": a current
  infection named as the first branch before the treated one (treated_infection.json
  `either`). Read as the current infection or the treated infection, decided from the notes'
  infections and courses in the window.
- "Proteinuria at screening, defined as UPCR >= 1.0 mg/mg": a screening time between the
  condition and its definer (grammar `measure_defined_conditions`), as it already may
  stand before a colon.
Anything else stays `manual`. The sentences are written here, in several sponsors' styles.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
ALL = {"class.antibiotic", "class.antiviral", "class.antifungal"}

# (item, window in days, drug classes whose IV course proves it)
EITHER_ITEMS = [
    ("Active infection, or any infection requiring intravenous antibiotics, antivirals or "
     "antifungals within 4 weeks prior to screening", 28, ALL),
    ("Current infection or infection requiring IV anti-infectives within 28 days before "
     "day 1", 28, ALL),
    ("Ongoing infection, or an infection treated with intravenous antimicrobials within 6 "
     "weeks of screening", 42, ALL),
    ("Uncontrolled infection and/or any infection needing IV antibiotics within 2 weeks "
     "before screening", 14, {"class.antibiotic"}),
]


@pytest.mark.parametrize(("text", "window", "classes"), EITHER_ITEMS)
def test_a_current_infection_before_the_treated_one_is_read_as_either(
    text: str, window: int, classes: set[str]
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.active_infection", "dx.iv_treated_infection"]
    assert criterion.params["window_days"] == window
    assert set(criterion.params["course_classes"]) == classes
    assert criterion.params["course_route"] == "intravenous"


@pytest.mark.parametrize("text", [
    # A bare "Infection, or" names no current state: not read as one.
    "Infection, or any infection requiring intravenous antibiotics within 4 weeks prior to "
    "screening",
    # A first branch that is another disease is not the current infection.
    "Active tuberculosis, or any infection requiring intravenous antibiotics within 4 weeks "
    "prior to screening",
    # Words before the branch the grammar does not account for.
    "Recurrent active infection, or any infection requiring IV antibiotics within 4 weeks",
])
def test_other_first_branches_are_not_read_as_the_current_infection(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.params.get("concepts") != ["dx.active_infection",
                                                "dx.iv_treated_infection"]


def _dx(concept: str, date: dt.date, assertion: Assertion = Assertion.AFFIRMED) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                   text="text", assertion=assertion, date=date, date_source="note")


def _drug(concept: str, start: dt.date, route: str) -> Finding:
    return Finding(concept=concept, category="drug", note_id="n1", start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED, date=start, date_source="text",
                   attrs={"start_date": start, "stop_date": None, "documented_by": start,
                          "route": route})  # fmt: skip


IN_WINDOW = dt.date(2026, 11, 8)
BEFORE_WINDOW = dt.date(2026, 9, 30)


@pytest.mark.parametrize(("findings", "expected"), [
    # An active infection documented in the window: met.
    ([_dx("dx.active_infection", IN_WINDOW)], Status.MET),
    # An IV course of an anti-infective in the window: met.
    ([_drug("drug.ceftriaxone", IN_WINDOW, "intravenous")], Status.MET),
    # Some infection in the window, treated by mouth: a person checks.
    ([_dx("dx.infection", IN_WINDOW), _drug("drug.cefuroxime", IN_WINDOW, "oral")],
     Status.MANUAL),
    # An infection ruled out in the window, or one long before it: not met.
    ([_dx("dx.active_infection", IN_WINDOW, Assertion.NEGATED)], Status.NOT_MET),
    ([_dx("dx.infection", BEFORE_WINDOW), _dx("dx.sle", IN_WINDOW)], Status.NOT_MET),
])
def test_either_branch_is_decided_from_the_window(findings: list[Finding],
                                                  expected: Status) -> None:
    criterion = parse_criterion(EITHER_ITEMS[0][0], "exclusion")
    dates = {"n1": max(f.date for f in findings)}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    result = evaluate(criterion, timeline)
    assert result.status is expected, result.reason


# (item, analytes, op, value in the canonical unit)
TIMED_DEFINITIONS = [
    ("Proteinuria at screening, defined as urine protein-to-creatinine ratio (UPCR) >= 1.0 "
     "mg/mg on a spot urine sample", ["lab.upcr"], ">=", 1.0),
    ("Active lupus nephritis at baseline with UPCR > 0.5 g/g", ["lab.upcr"], ">", 0.5),
    ("Renal disease at study entry, as evidenced by 24-hour urine protein ≥ 1 g/day",
     ["lab.urine_protein_24h"], ">=", 1.0),
    ("Persistent proteinuria at enrolment defined by UPCR ≥ 2 g/g", ["lab.upcr"], ">=", 2.0),
]


@pytest.mark.parametrize(("text", "analytes", "op", "value"), TIMED_DEFINITIONS)
def test_a_screening_time_may_stand_before_the_definer(
    text: str, analytes: list[str], op: str, value: float
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == analytes
    assert (criterion.params["op"], criterion.params["value"]) == (op, value)


@pytest.mark.parametrize("text", [
    # A time the grammar does not list, or a condition no measure defines, stays unread.
    "Proteinuria in the last year, defined as UPCR >= 1.0 mg/mg",
    "Hypertension at screening, defined as UPCR >= 1.0 mg/mg",
])
def test_other_leads_before_a_definer_stay_manual(text: str) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "manual"
