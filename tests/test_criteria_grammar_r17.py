"""Grammar that lets a registry item be read whole (round 17), each with items that must
stay `manual`:

- a kidney disease defined by its measure: "Chronic kidney disease with eGFR < 50",
  "CKD (serum creatinine > 1.5 mg/dL)", "Renal failure as evidenced by a GFR below 60":
  the threshold is the requirement (grammar `measure_defined_conditions`, and the
  definition words of matcher.criteria.labs).

The sentences are written here, in several sponsors' styles.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion

# (exclusion item, analyte of the reading, op, value in the canonical unit)
KIDNEY_DISEASE_BY_MEASURE = [
    ("Chronic kidney disease with an estimated GFR < 45 mL/min/1.73 m2", "lab.egfr", "<", 45.0),
    ("chronic renal insufficiency with glomerular filtration rate (GFR) ≤ 40 ml/min",
     "lab.egfr", "<=", 40.0),
    ("CKD (eGFR below 20 mL/min/1.73m2)", "lab.egfr", "<", 20.0),
    ("Chronic renal failure (serum creatinine > 2.0 mg/dL)", "lab.creatinine", ">", 176.8),
    ("Kidney failure as evidenced by an eGFR of less than 15 mL/min/1.73 m2", "lab.egfr", "<",
     15.0),
    ("Renal impairment as defined by estimated GFR < 35 mL/min/1.73 m2", "lab.egfr", "<", 35.0),
    ("Chronic kidney disease, defined as eGFR < 25 mL/min/1.73 m2", "lab.egfr", "<", 25.0),
]


@pytest.mark.parametrize(("text", "analyte", "op", "value"), KIDNEY_DISEASE_BY_MEASURE)
def test_a_kidney_disease_defined_by_its_measure_is_read_as_the_measure(
    text: str, analyte: str, op: str, value: float
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == [analyte]
    assert criterion.params["op"] == op
    assert criterion.params["value"] == pytest.approx(value, rel=1e-3)


# The measure does not say all of it: a stage, a need, a severity, a cause, a course or
# a duration stays for a person.
KIDNEY_DISEASE_STILL_MANUAL = [
    "Chronic kidney disease (stage 3 or worse)",
    "Chronic kidney disease (eGFR < 30 mL/min/1.73 m2) requiring dialysis",
    "Severe chronic kidney disease with eGFR < 30 mL/min/1.73 m2",
    "Chronic kidney disease due to diabetes with eGFR < 45 mL/min/1.73 m2",
    "Chronic kidney disease (eGFR < 30 mL/min/1.73 m2) despite treatment",
    "Chronic kidney disease (eGFR < 60 mL/min/1.73 m2) for at least 3 months",
]


@pytest.mark.parametrize("text", KIDNEY_DISEASE_STILL_MANUAL)
def test_a_kidney_disease_its_measure_does_not_fully_define_stays_manual(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual", criterion.params
