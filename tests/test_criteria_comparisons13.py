"""Comparison wording the reader misread or did not read (issue 12, round 13).

"at or above" is inclusive: read as "above" it made a weight of exactly 40 kg fail "weight
at or above 40 kg" (a wrong verdict, not a missed one). A multiple of the upper limit written
before its comparative ("twice more than the upper limit of normal", "3 times higher than
ULN", common in texts translated from Chinese or Korean) is the same "> 2 × ULN".
Every sentence is written for this file.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import parse_criterion
from tests.test_criteria_labs import _check  # kind, and the params named

ALT, AST, PLT, WEIGHT = "lab.alt", "lab.ast", "lab.platelets", "lab.weight"

INCLUSIVE: list[tuple[str, str, str, dict[str, Any]]] = [
    ("inclusion", "Body weight at or above 40 kg", "vital",
     {"analytes": [WEIGHT], "op": ">=", "value": 40.0}),
    ("inclusion", "Platelet count at or above 100 x 10^9/L", "lab",
     {"analytes": [PLT], "op": ">=", "value": 100.0}),
    ("exclusion", "Platelets at or below 50 x 10^9/L", "lab",
     {"analytes": [PLT], "op": "<=", "value": 50.0}),
    ("inclusion", "Weight at or over 35 kg", "vital",
     {"analytes": [WEIGHT], "op": ">=", "value": 35.0}),
    ("exclusion", "Platelet count at or under 75,000/µL", "lab",
     {"analytes": [PLT], "op": "<=", "value": 75.0}),
]


@pytest.mark.parametrize(("ctype", "text", "kind", "params"), INCLUSIVE)
def test_at_or_above_and_at_or_below_are_inclusive(
    ctype: str, text: str, kind: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, kind, params)


MULTIPLE_FIRST: list[tuple[str, list[str], float]] = [
    ("ALT or AST twice more than the upper limit of normal", [ALT, AST], 2.0),
    ("ALT 3 times higher than the upper limit of normal", [ALT], 3.0),
    ("AST three times greater than ULN", [AST], 3.0),
    ("ALT/AST 2.5-fold higher than the ULN", [ALT, AST], 2.5),
]


@pytest.mark.parametrize(("text", "analytes", "multiple"), MULTIPLE_FIRST)
def test_a_multiple_written_before_its_comparative_is_a_multiple_of_the_uln(
    text: str, analytes: list[str], multiple: float
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == analytes
    assert criterion.params["op"] == ">"
    assert criterion.params["uln_multiple"] == multiple


def test_twice_as_long_is_no_multiple_of_a_limit() -> None:
    # "twice" with no limit after the comparative is no lab threshold
    criterion = parse_criterion("ALT elevation lasting twice longer than 4 weeks", "exclusion")
    assert criterion.kind == "manual"


# ------------------------------------------------------------------ a screening lab's window
# "within 14 days prior to randomisation" says when the screening sample is drawn: before
# screening the latest value is the reading, as for "at screening".
SCREENING_WINDOW: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "Absolute neutrophil count ≥ 1.5 x 10^9/L within 14 days prior to "
     "randomization", {"analytes": ["lab.neutrophils"], "op": ">=", "value": 1.5}),
    ("inclusion", "Platelets ≥ 100,000/mm3 within 7 days before the first dose of study drug",
     {"analytes": [PLT], "op": ">=", "value": 100.0}),
    ("exclusion", "Serum creatinine > 1.5 mg/dL within 28 days of enrolment",
     {"analytes": ["lab.creatinine"], "op": ">"}),
    ("inclusion", "Hemoglobin ≥ 9 g/dL obtained within 2 weeks prior to study entry",
     {"analytes": ["lab.hemoglobin"], "op": ">=", "value": 90.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), SCREENING_WINDOW)
def test_a_lab_limit_with_its_screening_window_is_read(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


@pytest.mark.parametrize("text", [
    # a window from another event than the study's start: when is that? a person checks
    "eGFR < 60 mL/min/1.73 m2 within 30 days before the index surgery",
    # a window of the patient's own history, not the screening sample: not read here
    "Platelets < 50 x 10^9/L at any time in the past 6 months",
])
def test_a_lab_window_from_another_event_or_of_the_past_stays_manual(text: str) -> None:
    assert parse_criterion(text, "exclusion").kind == "manual"


# ------------------------------------------------------------------ when the sample is drawn
# "pre-operative", "base line" (split), "estimate" (for "estimated") name the screening
# sample or the equation, as "at baseline" and "estimated" already do.
WHEN_DRAWN: list[tuple[str, str, dict[str, Any]]] = [
    ("exclusion", "Preoperative serum creatinine > 2.0 mg/dL",
     {"analytes": ["lab.creatinine"], "op": ">"}),
    ("exclusion", "Pre-operative haemoglobin < 10 g/dL",
     {"analytes": ["lab.hemoglobin"], "op": "<", "value": 100.0}),
    ("exclusion", "Base line platelet count below 100 x 10^9/L",
     {"analytes": [PLT], "op": "<", "value": 100.0}),
    ("inclusion", "estimate GFR ≥ 45 mL/min/1.73 m2",
     {"analytes": ["lab.egfr"], "op": ">=", "value": 45.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), WHEN_DRAWN)
def test_a_preoperative_or_base_line_sample_is_the_screening_value(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


# ------------------------------------------------------------------ a screening score's window
SCORE_WINDOW: list[tuple[str, dict[str, Any]]] = [
    ("ECOG performance status 0-1 within 14 days prior to registration",
     {"concept": "score.ecog", "low": 0.0, "high": 1.0}),
    ("Karnofsky performance status ≥ 70% within 28 days before enrollment",
     {"concept": "score.karnofsky", "op": ">=", "value": 70.0}),
    ("SLEDAI-2K ≥ 6 within 30 days prior to randomization",
     {"concept": "score.sledai", "op": ">=", "value": 6.0}),
]


@pytest.mark.parametrize(("text", "params"), SCORE_WINDOW)
def test_a_score_limit_with_its_screening_window_is_read(text: str, params: dict[str, Any]) -> None:
    _check("inclusion", text, "score", params)


def test_a_score_window_of_the_past_stays_manual() -> None:
    assert parse_criterion("ECOG 0-1 at any time in the past 6 months", "inclusion").kind == \
        "manual"


# ------------------------------------------------------------------ "for a period of"
@pytest.mark.parametrize(("text", "params"), [
    ("Diagnosis of type 1 diabetes for a period less than four months",
     {"concepts": ["dx.diabetes_t1"], "max_duration_days": 122}),
    ("Diagnosis of rheumatoid arthritis for a period of at least 6 months",
     {"concepts": ["dx.rheumatoid_arthritis"], "min_duration_days": 183}),
])
def test_a_disease_duration_for_a_period_is_read(text: str, params: dict[str, Any]) -> None:
    _check("inclusion", text, "diagnosis_timing", params)


# ------------------------------------------------------------------ when the age is taken
@pytest.mark.parametrize(("text", "params"), [
    ("Aged 18 to 65 years on the day of signing informed consent",
     {"min_years": 18, "max_years": 65}),
    ("At least 18 years of age on the date of consent", {"min_years": 18}),
    ("Participants must be at least 18 years of age to participate", {"min_years": 18}),
    ("Age ≥ 18 years; there is no upper-bound age limit", {"min_years": 18}),
])
def test_an_age_limit_said_with_the_day_it_is_taken_is_read(
    text: str, params: dict[str, Any]
) -> None:
    _check("inclusion", text, "age", params)
