"""Grammar that lets a registry item be read whole (round 17), each with items that must
stay `manual`:

- a kidney disease defined by its measure: "Chronic kidney disease with eGFR < 50",
  "CKD (serum creatinine > 1.5 mg/dL)", "Renal failure as evidenced by a GFR below 60":
  the threshold is the requirement (grammar `measure_defined_conditions`, and the
  definition words of matcher.criteria.labs, which now take "as evidenced by" and a
  lead "Diagnosed with").
- a name the vocabulary does not know, defined by a threshold ("Metabolic derangement
  defined as ALT > 3 x ULN"), and each alternative of a list opening on the name of what
  its threshold defines ("..., or severe renal disease defined as creatinine clearance <
  30 mL/min"): the thresholds are the requirement (matcher.criteria.labs).
- a procedure named with the word for it as a treatment: "receiving dialysis treatment",
  "plasma exchange sessions" is the procedure (temporality `procedure_head_nouns`);
  after a disease the word names its treatment ("cancer treatment"), and stays unread.
- fail safe: an inclusion joining a disease to the procedure it needs ("ESRD patients
  receiving haemodialysis") asks for both at once, which a reading of either does not
  say: left to a person with the reason.
- fail safe: an exclusion listing thresholds whose last one ends on how the value was
  measured ("SBP ≥ 160 or DBP ≥ 100 mmHg measured in the office") is not cut into its
  members: the method may reach every one of them.
- fail safe: two inclusion ages no one can meet at once ("Age 12 to <18 years" and "Age
  5 to <12 years (younger cohort)") name cohorts, not one requirement each: the ages are
  left to a person (the registry's own age limits then apply).

The sentences are written here, in several sponsors' styles.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text

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
    ("Diagnosed with severe kidney dysfunction (defined by creatinine clearance < 30 mL/min)",
     "lab.egfr", "<", 30.0),
    ("Diagnosis of renal impairment defined as eGFR below 40 mL/min/1.73 m2", "lab.egfr", "<",
     40.0),
    ("Diagnosed with anaemia (haemoglobin < 9 g/dL)", "lab.hemoglobin", "<", 90.0),
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
    "Diagnosed with heart failure (LVEF < 40%) and kidney dysfunction",
    "History of renal impairment defined as eGFR < 30 mL/min/1.73 m2",
]


@pytest.mark.parametrize("text", KIDNEY_DISEASE_STILL_MANUAL)
def test_a_kidney_disease_its_measure_does_not_fully_define_stays_manual(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual", criterion.params


# (item, section, the procedure read, temporality)
PROCEDURE_AS_TREATMENT = [
    ("Receiving dialysis treatment", "exclusion", "proc.dialysis", "current"),
    ("Not requiring dialysis treatment", "inclusion", "proc.dialysis", "current"),
    ("Currently on haemodialysis therapy", "exclusion", "proc.dialysis", "current"),
    ("Plasma exchange sessions within the last 3 months", "exclusion", "proc.plasma_exchange",
     "within"),
    ("Previous radiotherapy treatment", "exclusion", "proc.radiotherapy", "ever"),
    ("Patients requiring dialysis therapy at screening", "exclusion", "proc.dialysis",
     "current"),
]


@pytest.mark.parametrize(("text", "section", "concept", "temporality"), PROCEDURE_AS_TREATMENT)
def test_a_procedure_named_as_a_treatment_is_read_as_the_procedure(
    text: str, section: str, concept: str, temporality: str
) -> None:
    criterion = parse_criterion(text, section)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["temporality"] == temporality


# "Treatment" after a disease, or a procedure's treatment of something the item names.
TREATMENT_STILL_MANUAL = [
    ("Cancer treatment within 5 years", "exclusion"),
    ("Dialysis treatment for acute kidney injury", "exclusion"),
    ("Patients who have received non-emergency dialysis treatment", "exclusion"),
    ("No diagnosis or treatment for cancer in the past year", "inclusion"),
]


@pytest.mark.parametrize(("text", "section"), TREATMENT_STILL_MANUAL)
def test_treatment_of_a_disease_or_for_a_stated_cause_stays_manual(text: str, section: str
                                                                   ) -> None:  # fmt: skip
    assert parse_criterion(text, section).kind == "manual"


NEED_JOINED = [
    "ESRD patients receiving long-term haemodialysis or peritoneal dialysis",
    "End-stage renal disease patients on maintenance haemodialysis",
    "End-stage kidney disease requiring dialysis treatment",
    "Lupus nephritis patients undergoing plasma exchange",
]


@pytest.mark.parametrize("text", NEED_JOINED)
def test_an_inclusion_asking_for_a_disease_with_the_procedure_it_needs_stays_manual(
    text: str,
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "manual"
    assert "both at once" in (criterion.manual_reason or "")


# Either one offered, or a need with no disease before it: read as before.
NOT_NEED_JOINED = [
    ("End-stage renal disease or dialysis", ["dx.esrd", "proc.dialysis"]),
    ("Receiving maintenance haemodialysis", ["proc.dialysis"]),
]


@pytest.mark.parametrize(("text", "concepts"), NOT_NEED_JOINED)
def test_a_disease_or_a_procedure_offered_as_either_is_still_read(text: str,
                                                                 concepts: list[str]) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts


MEASURED_AFTER_THE_LAST_THRESHOLD = [
    "Systolic blood pressure ≥ 160 mmHg or diastolic blood pressure ≥ 100 mmHg measured by "
    "office blood pressure",
    "SBP > 180 mmHg or DBP > 110 mmHg measured with seated blood pressure",
    "Serum albumin < 25 g/L or eGFR < 30 mL/min/1.73 m2 calculated from serum creatinine",
]


@pytest.mark.parametrize("text", MEASURED_AFTER_THE_LAST_THRESHOLD)
def test_a_list_whose_last_threshold_says_how_it_was_measured_is_not_cut(text: str) -> None:
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {text}\n")
    assert [c.kind for c in criteria] == ["manual"], [(c.kind, c.text) for c in criteria]


# (exclusion item, kinds read): no method after the last threshold, or a time that the
# lab reads as its own: cut or read as before.
NO_METHOD_TAIL = [
    ("Systolic blood pressure ≥ 160 mmHg or diastolic blood pressure ≥ 100 mmHg", ["vital"]),
    ("Tuberculosis, HIV infection or platelets < 50,000/mm3", ["lab"]),
    ("HIV, hepatitis C or ALT > 3 x ULN", ["lab"]),
]


@pytest.mark.parametrize(("text", "kinds"), NO_METHOD_TAIL)
def test_a_list_with_no_method_after_its_last_threshold_is_read_as_before(
    text: str, kinds: list[str]
) -> None:
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {text}\n")
    assert [c.kind for c in criteria] == kinds


def _inclusion(*items: str) -> list:
    return parse_eligibility_text("Inclusion Criteria:\n" + "".join(f"- {i}\n" for i in items))


# Two inclusion items whose ages do not overlap: (first, second)
AGES_APART = [
    ("Participants aged 12 to <18 years at randomisation",
     "Participants aged 5 to <12 years (younger participant cohort) once that cohort opens"),
    ("Age 18 years or older", "Age 3-5 years"),
    ("Adults aged 18-55", "Age less than 5 years"),
    ("Age 12-18", "Age > 18"),
]


@pytest.mark.parametrize(("first", "second"), AGES_APART)
def test_inclusion_ages_no_one_can_meet_at_once_are_left_to_a_person(first: str,
                                                                    second: str) -> None:
    criteria = _inclusion(first, "Biopsy-proven lupus nephritis", second)
    ages = [c for c in criteria if "kind:age" in c.trace]
    assert len(ages) == 2
    assert all(c.kind == "manual" for c in ages), [(c.kind, c.params) for c in ages]
    assert any("do not overlap" in (c.manual_reason or "") for c in ages)


# Ages that overlap, or one that is another person's (a parent's): read as before.
AGES_TOGETHER = [
    (("Age 18 years or older", "Age under 65 years"), [(18, None), (None, 64)]),
    (("Adult", "Patients 16 years old and older"), [(18, None), (16, None)]),
    (("Patients 0-6 years of age", "Parents/caregivers ≥18 years old"), [(0, 6)]),
    (("Be aged 18 or older", "Having one or more school-aged children at home (aged 7-17)"),
     [(18, None)]),
    (("Aged 10 to 17 years", "BMI-for-age percentile ≥ 85"), [(10, 17)]),
    (("Aged 2 to 6 years", "Born at a gestational age of 26-34 weeks"), [(2, 6)]),
]


@pytest.mark.parametrize(("items", "limits"), AGES_TOGETHER)
def test_overlapping_ages_or_another_persons_age_are_still_read(
    items: tuple[str, ...], limits: list[tuple[int | None, int | None]]
) -> None:
    ages = [c for c in _inclusion(*items) if c.kind == "age"]
    assert [(c.params["min_years"], c.params["max_years"]) for c in ages] == limits


def test_a_trial_with_ages_apart_keeps_the_registrys_own_age_limits(tmp_path) -> None:
    from matcher.criteria.registry import load_trial

    path = tmp_path / "NCT00000001.txt"
    path.write_text("Minimum Age: 5 Years\nMaximum Age: 17 Years\nInclusion Criteria:\n"
                    "- Participants aged 12 to <18 years\n"
                    "- Participants aged 5 to <12 years (younger cohort)\n", encoding="utf-8")
    ages = [c for c in load_trial(path).criteria if c.kind == "age"]
    assert [(c.params["min_years"], c.params["max_years"]) for c in ages] == [(5, 17)]


# (exclusion item, analytes of the first reading, alternatives' analytes)
NAME_DEFINED_BY_THRESHOLD = [
    ("Organ dysfunction defined as ALT > 3 x ULN", ["lab.alt"], []),
    ("Metabolic derangement defined as liver function tests > 3x upper limit of normal",
     ["lab.alt", "lab.ast"], []),
    ("Marrow suppression defined as platelets < 50 x10^9/L", ["lab.platelets"], []),
    ("Renal impairment defined as eGFR < 30 mL/min/1.73 m2, or hepatic impairment defined as "
     "ALT > 3 x ULN", ["lab.egfr"], [["lab.alt"]]),
    ("Organ dysfunction defined as ALT > 3 x ULN or severe renal disease defined as "
     "creatinine clearance < 30 mL/min", ["lab.alt"], [["lab.egfr"]]),
]


@pytest.mark.parametrize(("text", "analytes", "alternatives"), NAME_DEFINED_BY_THRESHOLD)
def test_a_name_defined_by_a_threshold_is_read_as_the_threshold(
    text: str, analytes: list[str], alternatives: list[list[str]]
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == analytes
    assert [a.get("analytes") for a in criterion.params.get("alternatives") or []] == (
        alternatives)


# A name that says when, why or whether (a time, a cause, a negation), or one the
# vocabulary knows as another disease, is not a label for the threshold.
NAME_NOT_A_LABEL = [
    "History of organ dysfunction defined as ALT > 3 x ULN",
    "Recent organ dysfunction defined as ALT > 3 x ULN",
    "Drug-induced liver injury defined as ALT > 3 x ULN",
    "Heart failure defined as BNP > 400 pg/mL",
    "Organ dysfunction not defined as ALT > 3 x ULN",
]


@pytest.mark.parametrize("text", NAME_NOT_A_LABEL)
def test_a_name_that_changes_what_the_threshold_means_stays_manual(text: str) -> None:
    assert parse_criterion(text, "exclusion").kind == "manual"
