"""Note sentences → the findings the new criterion kinds are decided on: vitals, serology
markers with their polarity, pregnancy and lactation as a current state, drug doses."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Finding
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 15)
D = dt.date


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def of(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    findings = parser.parse(text, "n", NOTE_DATE)
    for f in findings:
        assert text[f.start:f.end] == f.text
    return [f for f in findings if f.concept == concept]


# ------------------------------------------------------------------------------ vitals
VITALS = [
    ("BP 128/76", "lab.sbp", 128.0, None),
    ("BP 128/76", "lab.dbp", 76.0, None),
    ("Blood pressure 142/95 mmHg, HR 88.", "lab.sbp", 142.0, None),
    ("Blood pressure 142/95 mmHg, HR 88.", "lab.dbp", 95.0, None),
    ("SpO2 97% RA", "lab.spo2", 97.0, None),
    ("O2 sats 95% on room air", "lab.spo2", 95.0, None),
    ("BMI 31.2", "lab.bmi", 31.2, None),
    ("BMI 22.4 kg/m2", "lab.bmi", 22.4, None),
    ("Echo 2026-10-01: LVEF 55%", "lab.lvef", 55.0, D(2026, 10, 1)),
    ("Weight 32.5 kg, height 141 cm", "lab.weight", 32.5, None),
    ("Wt 48 kg", "lab.weight", 48.0, None),
]


@pytest.mark.parametrize(("text", "concept", "value", "date"), VITALS,
                         ids=[f"{r[0]}-{r[1]}" for r in VITALS])
def test_vitals_are_read_with_their_dates(parser, text, concept, value, date):
    found = of(parser, text, concept)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value)
    assert found[0].date == (date or NOTE_DATE)


@pytest.mark.parametrize(
    "text", ["Weight loss of 3 kg since summer.", "BP meds reviewed.", "Plan: repeat echo."]
)
def test_words_of_a_vital_without_a_measurement_give_no_value(parser, text):
    for concept in ("lab.weight", "lab.sbp", "lab.dbp", "lab.lvef"):
        assert of(parser, text, concept) == []


# ------------------------------------------------------------------------------ serology
SEROLOGY = [
    ("HBsAg negative, anti-HBc positive (2026-09-01)", "lab.hbsag", "negative"),
    ("HBsAg negative, anti-HBc positive (2026-09-01)", "lab.anti_hbc", "positive"),
    ("Hepatitis B surface antigen: reactive", "lab.hbsag", "positive"),
    ("HCV Ab non-reactive", "lab.anti_hcv", "negative"),
    ("HCV RNA not detected", "lab.hcv_rna", "negative"),
    ("HIV 1/2 Ag/Ab negative", "lab.hiv", "negative"),
    ("Negative for HBsAg and anti-HCV.", "lab.hbsag", "negative"),
    ("Negative for HBsAg and anti-HCV.", "lab.anti_hcv", "negative"),
    ("Hepatitis C antibody not detected.", "lab.anti_hcv", "negative"),
    ("HBV DNA < 20 IU/mL", "lab.hbv_dna", "negative"),
    ("HBV DNA 3.2 x 10^4 IU/mL", "lab.hbv_dna", "positive"),
    ("HBcAb +", "lab.anti_hbc", "positive"),
]


@pytest.mark.parametrize(("text", "concept", "polarity"), SEROLOGY,
                         ids=[f"{r[0]}-{r[1]}" for r in SEROLOGY])
def test_serology_markers_carry_their_polarity(parser, text, concept, polarity):
    found = of(parser, text, concept)
    assert len(found) == 1
    assert found[0].attrs["result"] == polarity
    assert str(found[0].assertion) == "affirmed"  # a result is a fact about a test done


def test_a_serology_result_is_dated_by_its_own_date(parser):
    (found,) = of(parser, "HBsAg negative, anti-HBc positive (2026-09-01)", "lab.anti_hbc")
    assert found.date == D(2026, 9, 1)


@pytest.mark.parametrize("text", ["Plan: check HBsAg and HCV Ab.", "HBsAg pending.",
                                  "Hepatitis B serology requested."])
def test_a_test_without_a_result_gives_no_marker_finding(parser, text):
    findings = parser.parse(text, "n", NOTE_DATE)
    assert not [f for f in findings if "result" in f.attrs]


def test_the_infection_statement_is_still_read_beside_the_marker(parser):
    # "Hepatitis C antibody not detected" also says: no hepatitis C (the NLP keeps that).
    found = of(parser, "Hepatitis C antibody not detected.", "dx.hcv")
    assert found and str(found[0].assertion) == "negated"


# ------------------------------------------------------------------------------ pregnancy
PREGNANCY = [
    # text, concept, assertion, past?
    ("Currently 20 weeks pregnant.", "dx.pregnancy", "affirmed", False),
    ("Pregnancy test negative.", "dx.pregnancy", "negated", False),
    ("Not pregnant, not breastfeeding.", "dx.pregnancy", "negated", False),
    ("Not pregnant, not breastfeeding.", "dx.lactation", "negated", False),
    ("Breastfeeding her 4-month-old.", "dx.lactation", "affirmed", False),
    ("Previous pregnancy complicated by pre-eclampsia.", "dx.pregnancy", "historical|affirmed",
     True),
    ("G2P2, last pregnancy in 2019.", "dx.pregnancy", "affirmed", True),
    ("History of pregnancy loss.", "dx.pregnancy", "historical|affirmed", True),
]


@pytest.mark.parametrize(("text", "concept", "assertion", "past"), PREGNANCY,
                         ids=[f"{r[0]}-{r[1]}" for r in PREGNANCY])
def test_pregnancy_and_lactation_as_a_state(parser, text, concept, assertion, past):
    found = of(parser, text, concept)
    assert found
    assert str(found[0].assertion) in assertion.split("|")
    assert bool(found[0].attrs.get("past")) is past


def test_a_negative_pregnancy_test_is_marked_as_a_test(parser):
    (found,) = of(parser, "Pregnancy test negative.", "dx.pregnancy")
    assert found.attrs.get("test") == "negative"


def test_a_dated_past_pregnancy_keeps_its_date(parser):
    (found,) = of(parser, "G2P2, last pregnancy in 2019.", "dx.pregnancy")
    assert found.date == D(2019, 7, 1)


# ------------------------------------------------------------------------------ doses
DOSES = [
    # text, concept, amount, unit, basis, per_day, count
    ("Prednisolone 20 mg daily since 2026-10-01.", "drug.glucocorticoid", 20.0, "mg", None,
     20.0, None),
    ("pred 7.5mg od", "drug.glucocorticoid", 7.5, "mg", None, 7.5, None),
    ("Prednisolone 5 mg bd", "drug.glucocorticoid", 5.0, "mg", None, 10.0, None),
    ("Prednisone 1 mg/kg/day", "drug.glucocorticoid", 1.0, "mg", "kg", 1.0, None),
    ("Methylprednisolone 500 mg IV x3 (2026-09-01).", "drug.glucocorticoid", 500.0, "mg",
     None, None, 3),
    ("Euro-Lupus CYC 500 mg q2w x6 from 15-Jan-2025.", "drug.cyclophosphamide", 500.0, "mg",
     None, None, 6),
    ("CYC 750 mg/m2 monthly x6", "drug.cyclophosphamide", 750.0, "mg", "m2", None, 6),
    ("MMF 1 g bd, prednisolone 10 mg od", "drug.mycophenolate", 1.0, "g", None, 2.0, None),
    ("MMF 1 g bd, prednisolone 10 mg od", "drug.glucocorticoid", 10.0, "mg", None, 10.0,
     None),
]


@pytest.mark.parametrize(
    ("text", "concept", "amount", "unit", "basis", "per_day", "count"), DOSES,
    ids=[f"{r[0]}-{r[1]}" for r in DOSES],
)
def test_doses_are_read_on_drug_findings(parser, text, concept, amount, unit, basis, per_day,
                                         count):
    # "Euro-Lupus CYC 500 mg": two names of one drug, one of them carries the dose.
    (found,) = [f for f in of(parser, text, concept) if "dose" in f.attrs]
    dose = found.attrs["dose"]
    assert (dose["amount"], dose["unit"], dose["basis"], dose["per_day"]) == (
        amount, unit, basis, per_day)
    assert found.attrs.get("dose_count") == count


def test_a_cumulative_dose_is_read_as_a_total(parser):
    (found,) = of(parser, "Cumulative cyclophosphamide dose 7.5 g.", "drug.cyclophosphamide")
    assert found.attrs["cumulative_dose"] == {"amount": 7.5, "unit": "g"}


@pytest.mark.parametrize("text", ["On prednisolone (dose not recorded).",
                                  "Prednisolone tapering.", "Stopped MMF 2 weeks ago."])
def test_a_drug_without_a_readable_dose_has_none(parser, text):
    findings = parser.parse(text, "n", NOTE_DATE)
    drugs = [f for f in findings if f.category == "drug"]
    assert drugs and all("dose" not in f.attrs for f in drugs)


def test_onset_age_is_read_on_the_diagnosis_and_not_as_the_age_now(parser):
    findings = parser.parse("SLE diagnosed at age 12.", "n", NOTE_DATE)
    (sle,) = [f for f in findings if f.concept == "dx.sle"]
    assert sle.attrs.get("onset_age") == 12.0
    assert not [f for f in findings if f.concept == "demographic.age"]


def test_a_dated_diagnosis_is_marked_as_the_diagnosis_date(parser):
    findings = parser.parse("Diagnosed with SLE in March 2021.", "n", NOTE_DATE)
    (sle,) = [f for f in findings if f.concept == "dx.sle"]
    assert sle.date == D(2021, 3, 15)
    assert sle.attrs.get("diagnosed") is True


@pytest.mark.parametrize(
    "text",
    ["HIV: non-reactive", "HIV non reactive.", "Hepatitis C: nonreactive", "HIV seronegative.",
     "HIV not reactive"],
)
def test_a_non_reactive_infection_test_is_a_negated_infection(parser, text):
    # An infection read as affirmed from "non-reactive" would exclude the patient.
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept.startswith("dx.")]
    assert found and all(str(f.assertion) == "negated" for f in found)


@pytest.mark.parametrize(
    "text",
    ["Hepatitis B vaccine x3 completed.", "Immune to hepatitis B (vaccinated).",
     "Screen for hepatitis B and C before rituximab.", "Check HIV.",
     "Risk factors for HIV discussed.", "Tested for HIV."],
)
def test_an_infection_named_for_a_screen_a_vaccine_or_a_risk_is_not_the_patients(parser,
                                                                                 text):
    # Read as the patient's infection, each would exclude her from a trial.
    found = [f for f in parser.parse(text, "n", NOTE_DATE)
             if f.concept in ("dx.hbv", "dx.hcv", "dx.hiv") and f.is_patient_fact]
    assert found == []


def _current_state(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.concept in ("dx.pregnancy", "dx.lactation")
            and f.is_patient_fact and not f.attrs.get("past") and not f.attrs.get("topic")]


@pytest.mark.parametrize(
    "text",
    ["Counselled to avoid pregnancy while on MMF.", "Contraception: OCP; pregnancy test ordered.",
     "Advised against pregnancy.", "Risk of pregnancy discussed.",
     "MMF is teratogenic; pregnancy must be avoided.", "Desires pregnancy in future.",
     "Plans pregnancy next year.", "Pregnancy prevention programme.",
     "Wishes to become pregnant next year.", "Plans to breastfeed."],
)
def test_pregnancy_as_a_topic_is_not_a_current_state(parser, text):
    # Counselling, plans and tests are written about every woman on MMF: read as her state,
    # each would exclude her.
    assert _current_state(parser.parse(text, "n", NOTE_DATE)) == []


@pytest.mark.parametrize(
    "text",
    ["Currently 20 weeks pregnant.", "She is pregnant.", "Pregnancy confirmed on ultrasound.",
     "Pregnancy test positive today.", "Breastfeeding her 4-month-old.",
     "Pregnancy, 12 weeks gestation."],
)
def test_a_stated_pregnancy_is_a_current_state(parser, text):
    assert _current_state(parser.parse(text, "n", NOTE_DATE))


@pytest.mark.parametrize(
    ("text", "concept"),
    [("Cervical cancer screening up to date.", "dx.malignancy"),
     ("Skin cancer risk from sun discussed.", "dx.malignancy"),
     ("Increased malignancy risk with CYC discussed.", "dx.malignancy"),
     ("Steroid-induced diabetes risk discussed.", "dx.diabetes"),
     ("DVT prophylaxis with enoxaparin.", "dx.dvt"),
     ("Risk of TB reactivation discussed; TB screening done.", "dx.tuberculosis")],
)
def test_a_condition_named_as_a_risk_a_screen_or_a_prophylaxis_is_not_the_patients(
        parser, text, concept):
    found = [f for f in parser.parse(text, "n", NOTE_DATE)
             if f.concept == concept and f.is_patient_fact]
    assert found == []
