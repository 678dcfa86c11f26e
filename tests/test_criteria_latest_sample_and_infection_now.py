"""Two registry wordings a trial text uses and the reader left to a person.

- "on the most recent spot urine sample", "latest", "at the last measurement": a lab item
  that names which value counts. The evaluator already takes the latest value in the
  lookback, so these words restate how a lab item is decided; they were "not understood"
  and the whole proteinuria item went to `manual` for every patient.
- "Active infection requiring intravenous antibiotic, antiviral or antifungal treatment at
  screening": the infection needing IV anti-infectives *now* (a course running at the
  latest note), not within a window. With no window the item was split at "or" into three,
  the first `manual` ("requiring", "intravenous" not understood) and the other two
  generic drug items.

Sentences written here in several sponsors' styles; none is copied from a trial.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)

# (item, analyte, op, value, unit)
LATEST_SAMPLE_ITEMS = [
    ("Urine protein-to-creatinine ratio of at least 1.0 g/g on the most recent spot urine sample",
     "lab.upcr", ">=", 1.0, "g/g"),
    ("UPCR ≥ 0.5 g/g on the latest first morning urine sample", "lab.upcr", ">=", 0.5, "g/g"),
    ("Most recent eGFR of 60 mL/min/1.73 m² or more", "lab.egfr", ">=", 60.0, None),
    ("Platelet count ≥ 100 × 10^9/L at the most recent measurement", "lab.platelets", ">=",
     100.0, None),
    # the value in the analyte's own unit: 8 g/dL is 80 g/L
    ("Haemoglobin of at least 8 g/dL on the last available sample", "lab.hemoglobin", ">=",
     80.0, None),
    ("Latest serum albumin below 30 g/L", "lab.albumin", "<", 30.0, None),
    ("Spot urine protein/creatinine ratio > 0.5 mg/mg, most recent value at screening",
     "lab.upcr", ">", 0.5, None),
    ("Serum IgG below 5 g/L on the most recently available result", "lab.igg", "<", 5.0, None),
]


@pytest.mark.parametrize(("text", "analyte", "op", "value", "unit"), LATEST_SAMPLE_ITEMS)
def test_a_lab_item_naming_the_latest_sample_is_read_as_the_latest_value(
    text: str, analyte: str, op: str, value: float, unit: str | None
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == [analyte]
    assert (criterion.params["op"], criterion.params["value"]) == (op, value)
    if unit is not None:
        assert criterion.params["unit"] == unit


# A window the item states is kept: "most recent" does not widen it, and a vague "recent"
# with no "most" still says no time.
STILL_MANUAL = [
    "Recent urine protein-to-creatinine ratio ≥ 1.0 g/g",
    "Recently measured platelets ≥ 100 × 10^9/L",
]


@pytest.mark.parametrize("text", STILL_MANUAL)
def test_a_vague_recent_lab_stays_with_a_person(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


ALL = ["class.antibiotic", "class.antiviral", "class.antifungal"]
INFECTION_NOW_ITEMS = [
    ("Active infection requiring intravenous antibiotic, antiviral or antifungal treatment at "
     "screening", ALL),
    ("Current infection requiring IV antibiotics", ["class.antibiotic"]),
    ("Ongoing infection requiring intravenous anti-infective therapy at the time of screening",
     ALL),
    ("Infection currently requiring intravenous antimicrobials", ALL),
    ("Active infection requiring IV antibiotics or antivirals at the screening visit",
     ["class.antibiotic", "class.antiviral"]),
    ("Any active infection needing intravenous antifungal treatment at enrolment",
     ["class.antifungal"]),
    ("Active infection requiring intravenous antibiotics at baseline", ["class.antibiotic"]),
    ("Infection requiring treatment with intravenous antibiotics at the time of randomisation",
     ["class.antibiotic"]),
]


@pytest.mark.parametrize(("text", "classes"), INFECTION_NOW_ITEMS)
def test_an_infection_needing_iv_treatment_now_is_one_current_course_item(
    text: str, classes: list[str]
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.iv_treated_infection"]
    assert criterion.params["temporality"] == "current"
    assert sorted(criterion.params["course_classes"]) == sorted(classes)
    assert criterion.params["course_route"] == "intravenous"


def _course(drug: str, start: dt.date, note: str, **attrs: Any) -> Finding:
    return Finding(concept=drug, category="drug", note_id=note, start=0, end=5, text=drug,
                   assertion=Assertion.AFFIRMED, date=start, date_source="text",
                   attrs={"route": "intravenous", "start_date": start.isoformat(),
                          **attrs})  # fmt: skip


NOTES = {"n1": dt.date(2026, 9, 20), "n2": dt.date(2026, 11, 12),
         "n3": dt.date(2026, 11, 3)}
ITEM = INFECTION_NOW_ITEMS[0][0]


@pytest.mark.parametrize(
    ("findings", "status"),
    [
        # IV meropenem running at the latest note: the exclusion applies
        ([_course("drug.meropenem", dt.date(2026, 11, 9), "n2")], Status.MET),
        # IV ceftriaxone in September, finished: no infection needing IV treatment now
        ([_course("drug.ceftriaxone", dt.date(2026, 9, 14), "n1",
                  stop_date="2026-09-19")], Status.NOT_MET),
        # nothing of the kind, notes in the lookback
        ([], Status.NOT_MET),
        # IV meropenem begun before the latest note, no end written, the latest note silent
        # on it: it may still be running, a person checks
        ([_course("drug.meropenem", dt.date(2026, 11, 2), "n3")], Status.MANUAL),
    ],
)
def test_an_infection_now_is_decided_by_a_course_running_at_the_latest_note(
    findings: list[Finding], status: Status
) -> None:
    criterion = parse_criterion(ITEM, "exclusion")
    timeline = build_timeline(Patient("P1", None), findings, NOTES, AS_OF)
    result = evaluate(criterion, timeline)
    assert result.status is status, result.reason
