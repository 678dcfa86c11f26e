"""Lab limits other sponsors write that the reader did not read (issue 12, round 7).

Iron studies (transferrin saturation, ferritin) and C-reactive protein in the anaemia, CKD,
IBD and rheumatology trials; an eGFR range printed with its unit glued to the upper bound.
Each analyte is also found in a clinic note (value in its canonical unit) and the evaluator
decides the criterion from it. A sex-specific limit ("≥1.5 and ≥1.4 mg/dL in males and
females respectively") and an impossible unit for the analyte (haemoglobin in mg/dL) stay
manual: one threshold for both sexes, or 10 mg/dL read as 0.1 g/L, would be a wrong verdict.
Every sentence is written for this file.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.model import Status
from tests.parse_support import decided
from tests.test_criteria_lab_thresholds import first_note_value
from tests.test_criteria_labs import _check  # kind, and the params named

TSAT, FERRITIN, CRP, EGFR = "lab.tsat", "lab.ferritin", "lab.crp", "lab.egfr"

READ: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "Transferrin saturation (TSAT) ≥20% during the screening phase",
     {"analytes": [TSAT], "op": ">=", "value": 20.0}),
    ("exclusion", "TSAT < 15 %", {"analytes": [TSAT], "op": "<", "value": 15.0}),
    ("inclusion", "Serum ferritin ≥100 ng/mL",
     {"analytes": [FERRITIN], "op": ">=", "value": 100.0}),
    ("exclusion", "Ferritin below 30 µg/L at screening",
     {"analytes": [FERRITIN], "op": "<", "value": 30.0}),
    ("exclusion", "C-reactive protein (CRP) >30 mg/L",
     {"analytes": [CRP], "op": ">", "value": 30.0}),
    ("exclusion", "CRP greater than 5 mg/dL", {"analytes": [CRP], "op": ">", "value": 50.0}),
    ("inclusion", "Estimated GFR 25-50mL/min/1.73m2 based on the CKD-EPI creatinine equation",
     {"analytes": [EGFR], "op": ">=", "value": 25.0}),
    ("inclusion", "eGFR ≥ 35 mL/min/1.73m2 by CKD-EPI(Cr)",
     {"analytes": [EGFR], "op": ">=", "value": 35.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), READ)
def test_an_iron_study_crp_or_glued_egfr_range_limit_is_read(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


def test_an_egfr_range_named_with_its_creatinine_equation_keeps_both_bounds() -> None:
    criterion = parse_criterion(
        "Estimated glomerular filtration rate 15-45mL/min/1.73m2 based on CKD-EPI(Cr) equation",
        "inclusion",
    )
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == [EGFR]
    (upper,) = criterion.params["alternatives"]
    assert (criterion.params["value"], upper["op"], upper["value"]) == (15.0, "<=", 45.0)
    assert criterion.params["combine"] == "and"


MANUAL: list[tuple[str, str]] = [
    # one limit for men, another for women: never one threshold for both
    ("exclusion", "serum creatinine ≥1.6 and ≥1.3 mg/dL in men and women respectively"),
    ("exclusion", "Ferritin > 400 ng/mL in males or > 250 ng/mL in females"),
    # haemoglobin is never 10 mg/dL: the printed unit is wrong, the value is not guessed
    ("inclusion", "Haemoglobin (Hb) ≥10mg/dL"),
    # high-sensitivity CRP is another assay with another range
    ("exclusion", "hs-CRP > 2.0 mg/L"),
]


@pytest.mark.parametrize("text", [
    "serum creatinine ≥1.6 and ≥1.3 mg/dL in men and women respectively",
    "Haemoglobin below 11 g/dL in females or below 12 g/dL in males",
    "Creatinine > 1.4 mg/dL for men",
])
def test_a_lab_limit_given_by_sex_is_left_to_a_person_and_says_so(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "by sex" in (criterion.manual_reason or "")


def test_a_real_unit_that_is_never_the_analytes_says_so_in_the_reason() -> None:
    criterion = parse_criterion("Haemoglobin (Hb) ≥10mg/dL", "inclusion")
    assert criterion.kind == "manual"
    assert 'unit "mg/dL" is not a unit of' in (criterion.manual_reason or "")


@pytest.mark.parametrize(("ctype", "text"), MANUAL)
def test_a_sex_specific_limit_an_impossible_unit_or_hs_crp_stays_manual(
    ctype: str, text: str
) -> None:
    assert parse_criterion(text, ctype).kind == "manual"


NOTES: list[tuple[str, str, float]] = [
    ("Iron studies today: ferritin 45 ng/mL, TSAT 18%.", FERRITIN, 45.0),
    ("Iron studies today: ferritin 45 ng/mL, TSAT 18%.", TSAT, 18.0),
    ("Transferrin saturation 32 % after the iron infusion.", TSAT, 32.0),
    ("Inflammatory markers: CRP 12 mg/L, ESR 30.", CRP, 12.0),
    ("C-reactive protein 1.4 mg/dL on admission.", CRP, 14.0),
]


@pytest.mark.parametrize(("note", "concept", "value"), NOTES)
def test_a_clinic_note_gives_the_new_analyte_in_its_canonical_unit(
    note: str, concept: str, value: float
) -> None:
    assert first_note_value(note, concept) == pytest.approx(value, rel=1e-3)


DECIDED: list[tuple[str, str, str, Status]] = [
    ("inclusion", "Transferrin saturation (TSAT) ≥20%", "TSAT 18% on iron studies.",
     Status.NOT_MET),
    ("inclusion", "Serum ferritin ≥100 ng/mL", "Ferritin 240 ng/mL.", Status.MET),
    # 4.1 mg/dL is 41 mg/L: over the limit only once the unit is converted
    ("exclusion", "CRP > 30 mg/L", "CRP 4.1 mg/dL this morning.", Status.MET),
    ("exclusion", "CRP > 30 mg/L", "CRP 24 mg/L this morning.", Status.NOT_MET),
]


@pytest.mark.parametrize(("ctype", "text", "note", "expected"), DECIDED)
def test_the_evaluator_decides_the_new_analyte_from_a_note(
    ctype: str, text: str, note: str, expected: Status
) -> None:
    assert decided(ctype, text, note) is expected


# ------------------------------------------------------------------ ages with no "age" word
AGES: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "20-45 years", {"min_years": 20, "max_years": 45}),
    ("inclusion", "Subjects of 30-75 years.", {"min_years": 30, "max_years": 75}),
    ("inclusion", "They are 21 years or older;", {"min_years": 21}),
    ("inclusion", "Adults (≥21years)", {"min_years": 21}),
    ("inclusion", "Adult patients (≥19years)", {"min_years": 19}),
    ("inclusion", "Participants 16 to 60 years", {"min_years": 16, "max_years": 60}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), AGES)
def test_an_age_limit_written_as_bare_years_after_the_people_is_read(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "age", params)


@pytest.mark.parametrize("text", ["Female patients ≥ 18 years", "Women 20-45 years"])
def test_a_sex_named_before_bare_years_is_not_swallowed_by_the_age(text: str) -> None:
    # The age alone would admit men to a women-only trial.
    assert parse_criterion(text, "inclusion").kind == "manual"
