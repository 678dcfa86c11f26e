"""Chemistry and ECG limits of the non-lupus trials the reader did not read (issue 12, round 13).

Electrolytes (potassium, sodium, phosphate, magnesium), glucose (fasting and random kept
apart: a fasting limit is never decided from a meal-time value), uric acid, the lipids LDL
cholesterol and triglycerides, alkaline phosphatase and the corrected QT interval are common
limits of metabolic, cardiology, oncology and nephrology trials. Each is read with its unit
converted to one canonical unit, is found in a clinic note, and the evaluator decides from it.
A drug salt ("mycophenolate sodium", "potassium chloride") is no electrolyte level.
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

K, NA, PO4, MG = "lab.potassium", "lab.sodium", "lab.phosphate", "lab.magnesium"
FPG, GLU, URATE = "lab.glucose_fasting", "lab.glucose", "lab.uric_acid"
LDL, TG, ALP, QTC = "lab.ldl", "lab.triglycerides", "lab.alp", "lab.qtc"

READ: list[tuple[str, str, dict[str, Any]]] = [
    ("exclusion", "Serum potassium > 5.5 mmol/L", {"analytes": [K], "op": ">", "value": 5.5}),
    # potassium is monovalent: 1 mEq/L = 1 mmol/L
    ("exclusion", "Hypokalaemia (potassium < 3.5 mEq/L) at screening",
     {"analytes": [K], "op": "<", "value": 3.5}),
    ("exclusion", "Serum sodium below 130 mmol/L", {"analytes": [NA], "op": "<", "value": 130.0}),
    ("exclusion", "Fasting plasma glucose ≥ 126 mg/dL",
     {"analytes": [FPG], "op": ">=", "value": pytest.approx(6.993, rel=1e-3)}),
    ("inclusion", "Fasting blood glucose < 7.0 mmol/L",
     {"analytes": [FPG], "op": "<", "value": 7.0}),
    ("exclusion", "Random blood glucose > 11.1 mmol/L",
     {"analytes": [GLU], "op": ">", "value": 11.1}),
    ("inclusion", "Serum uric acid ≥ 7.0 mg/dL",
     {"analytes": [URATE], "op": ">=", "value": pytest.approx(416.36, rel=1e-3)}),
    ("exclusion", "Serum urate > 480 µmol/L", {"analytes": [URATE], "op": ">", "value": 480.0}),
    ("exclusion", "Serum phosphate > 2.0 mmol/L", {"analytes": [PO4], "op": ">", "value": 2.0}),
    ("exclusion", "Serum phosphorus above 6.5 mg/dL",
     {"analytes": [PO4], "op": ">", "value": pytest.approx(2.0988, rel=1e-3)}),
    ("exclusion", "Serum magnesium < 0.5 mmol/L", {"analytes": [MG], "op": "<", "value": 0.5}),
    ("inclusion", "LDL cholesterol ≥ 130 mg/dL",
     {"analytes": [LDL], "op": ">=", "value": pytest.approx(3.3618, rel=1e-3)}),
    ("inclusion", "LDL-C > 2.6 mmol/L", {"analytes": [LDL], "op": ">", "value": 2.6}),
    ("exclusion", "Fasting triglycerides > 400 mg/dL",
     {"analytes": [TG], "op": ">", "value": pytest.approx(4.516, rel=1e-3)}),
    ("exclusion", "Triglycerides ≥ 5.6 mmol/L", {"analytes": [TG], "op": ">=", "value": 5.6}),
    ("exclusion", "Alkaline phosphatase > 2.5 × ULN", {"analytes": [ALP], "op": ">"}),
    ("exclusion", "QTcF > 470 msec on the screening ECG",
     {"analytes": [QTC], "op": ">", "value": 470.0}),
    ("exclusion", "Corrected QT interval (QTc) ≥ 450 ms",
     {"analytes": [QTC], "op": ">=", "value": 450.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), READ)
def test_an_electrolyte_glucose_lipid_urate_alp_or_qtc_limit_is_read(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


def test_a_potassium_range_keeps_both_bounds() -> None:
    criterion = parse_criterion("Serum potassium 3.5 to 5.0 mmol/L", "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == [K]
    (upper,) = criterion.params["alternatives"]
    assert (criterion.params["value"], upper["op"], upper["value"]) == (3.5, "<=", 5.0)


MANUAL: list[tuple[str, str]] = [
    # a 2-hour value of a glucose tolerance test is neither fasting nor random glucose
    ("inclusion", "2-hour plasma glucose ≥ 11.1 mmol/L during an oral glucose tolerance test"),
    # glucose has no unit of enzyme activity: the printed value is not trusted
    ("exclusion", "Fasting glucose > 7 U/L"),
    # potassium in mg/dL is not a unit a laboratory reports it in
    ("exclusion", "Serum potassium > 20 mg/dL"),
]


@pytest.mark.parametrize(("ctype", "text"), MANUAL)
def test_an_ogtt_value_or_a_wrong_unit_stays_manual(ctype: str, text: str) -> None:
    assert parse_criterion(text, ctype).kind == "manual"


NOTES: list[tuple[str, str, float]] = [
    ("BMP today: sodium 138 mmol/L, potassium 4.1 mmol/L.", NA, 138.0),
    ("BMP today: sodium 138 mmol/L, potassium 4.1 mmol/L.", K, 4.1),
    ("Fasting glucose 112 mg/dL this morning.", FPG, pytest.approx(6.2167, rel=1e-3)),
    ("Uric acid 8.2 mg/dL, up from last visit.", URATE, pytest.approx(487.7, rel=1e-3)),
    ("Lipids: LDL cholesterol 3.4 mmol/L, triglycerides 2.1 mmol/L.", LDL, 3.4),
    ("Lipids: LDL cholesterol 3.4 mmol/L, triglycerides 2.1 mmol/L.", TG, 2.1),
    ("ECG: sinus rhythm, QTc 452 ms.", QTC, 452.0),
]


@pytest.mark.parametrize(("note", "concept", "value"), NOTES)
def test_a_clinic_note_gives_the_new_analyte_in_its_canonical_unit(
    note: str, concept: str, value: float
) -> None:
    assert first_note_value(note, concept) == pytest.approx(value, rel=1e-3)


@pytest.mark.parametrize("note", [
    "Continues mycophenolate sodium 720 mg twice daily.",
    "Started potassium chloride 20 mEq daily.",
    "Sodium bicarbonate 650 mg three times a day.",
])
def test_a_drug_salt_in_a_note_is_no_electrolyte_level(note: str) -> None:
    assert first_note_value(note, NA) is None
    assert first_note_value(note, K) is None


DECIDED: list[tuple[str, str, str, Status]] = [
    ("exclusion", "Serum potassium > 5.5 mmol/L", "Potassium 5.9 mmol/L on the BMP.", Status.MET),
    ("exclusion", "Serum potassium > 5.5 mmol/L", "Potassium 4.2 mEq/L on the BMP.",
     Status.NOT_MET),
    # 140 mg/dL is 7.8 mmol/L: over the limit only once the unit is converted
    ("exclusion", "Fasting plasma glucose > 7.0 mmol/L", "Fasting glucose 140 mg/dL.",
     Status.MET),
    ("exclusion", "QTcF > 470 msec", "ECG today: QTc 440 ms.", Status.NOT_MET),
]


@pytest.mark.parametrize(("ctype", "text", "note", "expected"), DECIDED)
def test_the_evaluator_decides_the_new_analyte_from_a_note(
    ctype: str, text: str, note: str, expected: Status
) -> None:
    assert decided(ctype, text, note) is expected


@pytest.mark.parametrize(("note", "concept"), [
    ("Urinalysis: protein 2+, glucose 1+, blood negative.", GLU),
    ("UA: glucose 3+ ketones neg", GLU),
    ("Dipstick: glucose 2+, protein trace.", GLU),
])
def test_a_dipstick_grade_is_no_concentration(note: str, concept: str) -> None:
    # "glucose 1+" on a urine dipstick is a grade: read as 1 mmol/L it would be a
    # dangerous hypoglycaemia in the blood.
    assert first_note_value(note, concept) is None
