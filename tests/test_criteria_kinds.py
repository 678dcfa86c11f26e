"""Registry sentences → the criterion kinds notes can decide beyond the core ones: vitals,
infection serology, current pregnancy, dose-qualified drug exposure, disease duration and
onset age, lab forms and diagnosis vocabulary (matcher.criteria.kinds).

Most sentences are real registry wording from the development split of the corpus
(tests/data/registry_corpus, never the held-out third); the rest are the wordings issue 12
names. Each reading must also say which words it consumed (its spans), so the coverage
guard can tell a whole reading from a partial one.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import kinds as criteria_kinds
from matcher.criteria import parse_criterion
from matcher.criteria.kinds import leftover, read, validate_params
from matcher.errors import CriterionParamsError, MatcherError
from matcher.nlp.vocab import load_vocabulary


def subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k, "<missing>") for k in expected}


def _check(ctype: str, text: str, want_type: str, kind: str, params: dict[str, Any]) -> None:
    criterion = parse_criterion(text, ctype)
    assert (criterion.type, criterion.kind) == (want_type, kind), criterion.manual_reason
    assert subset(criterion.params, params) == params


# ------------------------------------------------------------------------------ vitals
VITALS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("inclusion", "SpO2≥92%", "inclusion", "vital",
     {"analytes": ["lab.spo2"], "op": ">=", "value": 92.0, "unit": "%"}),
    ("inclusion", "Cardiac function: LVEF ≥ 50%", "inclusion", "vital",
     {"analytes": ["lab.lvef"], "op": ">=", "value": 50.0}),
    ("inclusion", "Left ventricular ejection fraction (LVEF) ≥55%", "inclusion", "vital",
     {"analytes": ["lab.lvef"], "op": ">=", "value": 55.0}),
    ("inclusion", "Body weight ≥40kg", "inclusion", "vital",
     {"analytes": ["lab.weight"], "op": ">=", "value": 40.0, "unit": "kg"}),
    ("exclusion", "Weight <45kg", "exclusion", "vital",
     {"analytes": ["lab.weight"], "op": "<", "value": 45.0}),
    ("exclusion", "BMI > 35 kg/m2", "exclusion", "vital",
     {"analytes": ["lab.bmi"], "op": ">", "value": 35.0, "unit": "kg/m2"}),
    ("exclusion", "Blood pressure ≥ 160/100 mmHg at screening", "exclusion", "vital",
     {"analytes": ["lab.sbp"], "op": ">=", "value": 160.0, "unit": "mmHg", "combine": "or",
      "alternatives": [{"analytes": ["lab.dbp"], "op": ">=", "value": 100.0,
                        "unit": "mmHg"}]}),
    ("exclusion", "Systolic blood pressure > 150 mmHg or diastolic blood pressure > 95 mmHg",
     "exclusion", "vital",
     {"analytes": ["lab.sbp"], "op": ">", "value": 150.0, "combine": "or",
      "alternatives": [{"analytes": ["lab.dbp"], "op": ">", "value": 95.0,
                        "unit": "mmHg"}]}),
    ("inclusion", "Blood pressure < 140/90 mmHg", "inclusion", "vital",
     {"analytes": ["lab.sbp"], "op": "<", "value": 140.0, "combine": "and"}),
    ("exclusion", "Uncontrolled hypertension (SBP ≥ 160 mmHg or DBP ≥ 100 mmHg)", "exclusion",
     "vital", {"analytes": ["lab.sbp"], "op": ">=", "value": 160.0, "combine": "or"}),
    ("inclusion", "Body mass index between 18 and 35 kg/m2", "inclusion", "vital",
     {"analytes": ["lab.bmi"], "op": ">=", "value": 18.0, "combine": "and",
      "alternatives": [{"analytes": ["lab.bmi"], "op": "<=", "value": 35.0,
                        "unit": "kg/m2"}]}),
    # "Uncontrolled hypertension" with no threshold is no vital: it is the diagnosis,
    # decided only when absent (tests/test_criteria_conditions.py).
]



# ------------------------------------------------------------------------------ serology
SEROLOGY: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("exclusion", "Human immunodeficiency virus (HIV), Hepatitis B, Hepatitis C", "exclusion",
     "serology", {"infections": ["dx.hiv", "dx.hbv", "dx.hcv"], "markers": [],
                  "result": "positive", "ever": False, "needs_result": False}),
    ("exclusion", "Have a positive test for human immunodeficiency virus (HIV), hepatitis B, "
     "or hepatitis C.", "exclusion", "serology",
     {"infections": ["dx.hiv", "dx.hbv", "dx.hcv"], "result": "positive",
      "needs_result": True}),
    ("exclusion", "History of human immunodeficiency virus (HIV)", "exclusion", "serology",
     {"infections": ["dx.hiv"], "ever": True}),
    ("exclusion", "Positive of hepatitis B surface antigen, hepatitis C antibody or HIV "
     "antibody at screening;", "exclusion", "serology",
     {"markers": ["lab.hbsag", "lab.anti_hcv", "lab.hiv"], "infections": ["dx.hiv"],
      "result": "positive", "needs_result": True}),
    # A test the vocabulary lacks is not dropped: the item is left for a person.
    ("exclusion", "Positive of hepatitis B surface antigen, hepatitis C antibody, HIV antibody "
     "or HTLV antibody at screening;", "exclusion", "manual", {}),
    ("exclusion", "Positive HBsAg or anti-HBc", "exclusion", "serology",
     {"markers": ["lab.hbsag", "lab.anti_hbc"], "result": "positive"}),
    ("exclusion", "Active hepatitis B (HBsAg positive) or active hepatitis C (HCV RNA "
     "positive)", "exclusion", "serology",
     {"infections": ["dx.hbv", "dx.hcv"], "markers": ["lab.hbsag", "lab.hcv_rna"],
      "ever": False}),
    ("inclusion", "Negative for HIV, hepatitis B surface antigen and hepatitis C antibody",
     "inclusion", "serology",
     {"infections": ["dx.hiv"], "markers": ["lab.hbsag", "lab.anti_hcv"],
      "result": "negative"}),
    ("exclusion", "Confirmed Positive tests for hepatitis B or positive test for hepatitis C",
     "exclusion", "serology",
     {"infections": ["dx.hbv", "dx.hcv"], "result": "positive", "needs_result": True}),
    ("exclusion", "History of hepatitis B", "exclusion", "serology",
     {"infections": ["dx.hbv"], "ever": True}),
    ("exclusion", "known human immunodeficiency virus infection, or hepatitis B or C virus "
     "infection at any time prior to screening.", "exclusion", "serology",
     {"infections": ["dx.hiv", "dx.hbv", "dx.hcv"], "ever": True}),
    ("exclusion", "HBsAg positive, or HBcAb positive with HBV DNA above the lower limit of "
     "detection", "exclusion", "manual", {}),
    ("inclusion", "No active hepatitis B or C infection", "inclusion", "serology",
     {"infections": ["dx.hbv", "dx.hcv"], "result": "negative"}),
]



# ------------------------------------------------------------------------------ pregnancy
PREGNANCY: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("exclusion", "Pregnant or nursing.", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"], "present": True, "window_days": 90}),
    ("exclusion", "Pregnancy or lactation;", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"], "present": True}),
    ("exclusion", "Pregnancy or breast feeding", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"]}),
    ("exclusion", "Pregnant or lactating women", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"]}),
    ("exclusion", "pregnancy", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy"], "present": True}),
    ("exclusion", "Women who are breastfeeding", "exclusion", "pregnancy",
     {"states": ["dx.lactation"]}),
    ("inclusion", "Not pregnant or breastfeeding", "inclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"], "present": False}),
    # Future intent and screening tests are not states the notes can show.
    ("exclusion", "Patients who are pregnant or plan for pregnancy within 12 months after "
     "randomization", "exclusion", "manual", {}),
    ("exclusion", "Nursing mothers, pregnant women or women planning to become pregnant "
     "during the study.", "exclusion", "manual", {}),
    ("inclusion", "Negative serum pregnancy test at screening", "inclusion", "manual", {}),
]



# ------------------------------------------------------------------------------ doses
GC = ["drug.glucocorticoid"]
DOSES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("exclusion", "Had taken >15 mg/day of prednisolone (or equivalent) for a period of >10 "
     "days during the previous month", "exclusion", "dose_exposure",
     {"drugs": GC, "dose_op": ">", "dose_value": 15.0, "dose_unit": "mg/day",
      "prednisone_equivalent": True, "cumulative": False, "window_days": 30,
      "min_duration_days": 10, "duration_strict": True}),
    ("exclusion", "have been treated with >10 mg/day prednisone therapy or equivalent in the "
     "last 4 weeks prior to screening.", "exclusion", "dose_exposure",
     {"drugs": GC, "dose_op": ">", "dose_value": 10.0, "dose_unit": "mg/day",
      "window_days": 28, "min_duration_days": None}),
    ("exclusion", "Use of prednisone > 1 mg/kg/day within 4 weeks before screening",
     "exclusion", "dose_exposure",
     {"drugs": GC, "dose_op": ">", "dose_value": 1.0, "dose_unit": "mg/kg/day",
      "window_days": 28}),
    ("exclusion", "Prednisone > 0.5 mg/kg/day", "exclusion", "dose_exposure",
     {"dose_op": ">", "dose_value": 0.5, "dose_unit": "mg/kg/day", "window_days": None}),
    ("exclusion", "Current use of prednisone or equivalent > 15mg/d", "exclusion",
     "dose_exposure", {"dose_op": ">", "dose_value": 15.0, "dose_unit": "mg/day"}),
    ("inclusion", "Prednisone ≤ 20 mg/day", "inclusion", "dose_exposure",
     {"dose_op": "<=", "dose_value": 20.0, "dose_unit": "mg/day"}),
    ("exclusion", "Cumulative IV cyclophosphamide dose > 6 g", "exclusion", "dose_exposure",
     {"drugs": ["drug.cyclophosphamide"], "dose_op": ">", "dose_value": 6.0,
      "dose_unit": "g", "cumulative": True, "prednisone_equivalent": False}),
    ("exclusion", "Cumulative cyclophosphamide exposure of more than 10 g", "exclusion",
     "dose_exposure", {"dose_op": ">", "dose_value": 10.0, "dose_unit": "g",
                       "cumulative": True}),
    ("exclusion", "Cumulative IV CYC > 6000 mg", "exclusion", "dose_exposure",
     {"dose_value": 6.0, "dose_unit": "g", "cumulative": True}),
    # A dose change, a conditional limit, or a dose beside other drugs is not one threshold.
    ("exclusion", "Current use of prednisone or equivalent > 15mg/d or dose change within 2 "
     "weeks prior to Screening", "exclusion", "manual", {}),
    # (a drug list whose steroid carries its own dose, "hemodialysis, cyclophosphamide, or
    # high-dose prednisone (> 100 mg/day)", is read member by member by the drug reader:
    # tests/test_criteria_drugs.py)
]



# ------------------------------------------------------------------------------ timing
TIMING: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("inclusion", "SLE diagnosed ≥ 6 months before screening", "inclusion", "diagnosis_timing",
     {"concepts": ["dx.sle"], "min_duration_days": 183, "duration_strict": False,
      "max_duration_days": None, "onset_op": None, "onset_age_years": None}),
    ("inclusion", "Diagnosis of SLE according to the EULAR/ACR criteria within three years "
     "from screening visit", "inclusion", "diagnosis_timing",
     {"concepts": ["dx.sle"], "max_duration_days": 1095, "min_duration_days": None}),
    ("inclusion", "Onset of SLE before age 16", "inclusion", "diagnosis_timing",
     {"concepts": ["dx.sle"], "onset_op": "<", "onset_age_years": 16.0}),
    ("inclusion", "Childhood-onset SLE (age at diagnosis < 18 years)", "inclusion",
     "diagnosis_timing", {"concepts": ["dx.sle"], "onset_op": "<", "onset_age_years": 18.0}),
    ("inclusion", "SLE disease duration of at least 1 year", "inclusion", "diagnosis_timing",
     {"concepts": ["dx.sle"], "min_duration_days": 365, "duration_strict": False}),
    ("inclusion", "Diagnosis of lupus nephritis more than 6 months prior to screening",
     "inclusion", "diagnosis_timing",
     {"concepts": ["dx.lupus_nephritis"], "min_duration_days": 183, "duration_strict": True}),
    ("inclusion", "Diagnosed with SLE at least 24 weeks before randomisation", "inclusion",
     "diagnosis_timing", {"min_duration_days": 168}),
    ("inclusion", "Newly diagnosed lupus nephritis (within 6 months before screening)",
     "inclusion", "diagnosis_timing",
     {"concepts": ["dx.lupus_nephritis"], "max_duration_days": 183}),
    # The age at the diagnosis of a disease the item does not name is not the age now.
    ("inclusion", "Age ≥ 16 years at the time of diagnosis", "inclusion", "manual", {}),
]



# ------------------------------------------------------------------------------ lab forms
LABS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("inclusion", "eGFR 15–60 mL/min/1.73 m²", "inclusion", "lab",
     {"analytes": ["lab.egfr"], "op": ">=", "value": 15.0, "combine": "and",
      "alternatives": [{"analytes": ["lab.egfr"], "op": "<=", "value": 60.0,
                        "unit": "mL/min/1.73m2"}]}),
    ("inclusion", "eGFR between 30 and 90 mL/min/1.73m2", "inclusion", "lab",
     {"analytes": ["lab.egfr"], "op": ">=", "value": 30.0, "combine": "and"}),
    ("inclusion", "S-Cr ≤ 1.5 mg/dL", "inclusion", "lab",
     {"analytes": ["lab.creatinine"], "op": "<=", "value": 132.6}),
    ("inclusion", "Scr < 2 mg/dL", "inclusion", "lab",
     {"analytes": ["lab.creatinine"], "op": "<", "value": 176.8}),
    ("inclusion", "estimated-GFR ≥ 30 mL/min/1.73m2", "inclusion", "lab",
     {"analytes": ["lab.egfr"], "op": ">=", "value": 30.0}),
    ("exclusion", "Liver function > 2×ULN", "exclusion", "lab",
     {"analytes": ["lab.alt", "lab.ast"], "op": ">", "uln_multiple": 2.0}),
    ("exclusion", "liver function tests >3x upper limit of normal", "exclusion", "lab",
     {"analytes": ["lab.alt", "lab.ast"], "op": ">", "uln_multiple": 3.0}),
    ("inclusion", "Proteinuria ≥ 25 mg/kg/day", "inclusion", "lab",
     {"analytes": ["lab.urine_protein_24h"], "op": ">=", "value": 25.0,
      "unit": "mg/kg/day", "per_weight": True}),
]



# ------------------------------------------------------------------------------ diagnoses
DIAGNOSES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("exclusion", "History of malignant tumours", "exclusion", "diagnosis",
     {"concepts": ["dx.malignancy"]}),
    ("exclusion", "have any known malignancy within the previous 5 years (with the exception "
     "of a non-melanoma skin cancer that has been treated with no evidence of recurrence)",
     "exclusion", "diagnosis",
     {"concepts": ["dx.malignancy"], "window_days": 1825, "except_concepts": ["dx.nmsc"]}),
    ("exclusion", "Malignancy within 5 years, except adequately treated cervical carcinoma in "
     "situ or non-melanoma skin cancer", "exclusion", "diagnosis",
     {"concepts": ["dx.malignancy"], "except_concepts": ["dx.cervical_cis", "dx.nmsc"]}),
    ("exclusion", "Active or recent cancer <3 years (apart from non-melanoma skin cancer).",
     "exclusion", "diagnosis",
     {"concepts": ["dx.malignancy"], "window_days": 1095, "except_concepts": ["dx.nmsc"]}),
    ("exclusion", "Diabetes mellitus", "exclusion", "diagnosis", {"concepts": ["dx.diabetes"]}),
    ("exclusion", "Type 1 diabetes", "exclusion", "diagnosis",
     {"concepts": ["dx.diabetes_t1"]}),
    ("exclusion", "Rapidly progressive glomerulonephritis", "exclusion", "diagnosis",
     {"concepts": ["dx.rpgn"]}),
    ("exclusion", "History of psychiatric illness", "exclusion", "diagnosis",
     {"concepts": ["dx.psychiatric"]}),
    # A current state with no window ("current", "active") is read by
    # matcher.criteria.temporality: the lookback, where a past history ("history of TB,
    # treated 2015" in last month's note) does not count.
    ("exclusion", "Have current drug or alcohol abuse or dependence.", "exclusion",
     "diagnosis", {"concepts": ["dx.substance_abuse"], "temporality": "current"}),
    ("exclusion", "History of drug or alcohol abuse or dependence.", "exclusion",
     "diagnosis", {"concepts": ["dx.substance_abuse"]}),
    ("exclusion", "Congenital or acquired immunodeficiency.", "exclusion", "diagnosis",
     {"concepts": ["dx.immunodeficiency"]}),
    ("exclusion", "History of splenectomy", "exclusion", "diagnosis",
     {"concepts": ["proc.splenectomy"]}),
    ("exclusion", "History of deep vein thrombosis or pulmonary embolism", "exclusion",
     "diagnosis", {"concepts": ["dx.dvt", "dx.pe"]}),
    ("exclusion", "Chronic liver disease or cirrhosis", "exclusion", "diagnosis",
     {"concepts": ["dx.liver_disease", "dx.cirrhosis"]}),
    ("exclusion", "Active tuberculosis or latent TB", "exclusion", "diagnosis",
     {"concepts": ["dx.tuberculosis", "dx.latent_tb"], "temporality": "current"}),
    ("exclusion", "History of tuberculosis or latent TB", "exclusion", "diagnosis",
     {"concepts": ["dx.tuberculosis", "dx.latent_tb"], "window_days": "<missing>"}),
    ("exclusion", "History of malignancy.", "exclusion", "diagnosis",
     {"concepts": ["dx.malignancy"], "window_days": "<missing>"}),
    # "Concomitant" names the disease now: current, and judged (a mention in the lookback
    # does not show it is concomitant), so only its absence is decided.
    ("exclusion", "Concomitant other systemic autoimmune diseases.", "exclusion", "diagnosis",
     {"concepts": ["dx.autoimmune_other"], "temporality": "current",
      "judged": ["concomitant"]}),
]



# ------------------------------------------------------------------------------ every table
TABLES = {"vital": VITALS, "serology": SEROLOGY, "pregnancy": PREGNANCY, "dose": DOSES,
          "timing": TIMING, "lab": LABS, "diagnosis": DIAGNOSES}
SENTENCES = [(name, *row) for name, table in TABLES.items() for row in table]


@pytest.mark.parametrize(("table", "ctype", "text", "want_type", "kind", "params"), SENTENCES,
                         ids=[f"{row[0]}:{row[2][:40]}" for row in SENTENCES])
def test_registry_sentence(table, ctype, text, want_type, kind, params):
    _check(ctype, text, want_type, kind, params)


def test_each_kind_has_at_least_five_sentences():
    for name, table in TABLES.items():
        assert len([row for row in table if row[3] != "manual"]) >= 5, name


# ------------------------------------------------------------------------------ spans
def _reading(ctype: str, text: str, guard: bool = True) -> criteria_kinds.KindReading:
    from matcher.criteria.item_context import _context

    ctx = _context(text, ctype, (), False, load_vocabulary())
    found = read(ctx.text, ctx.main, ctx.type, ctx.context, guard=guard, vocab=ctx.vocab)
    assert found is not None
    return found


COMPUTED = [row for table in (VITALS, SEROLOGY, PREGNANCY, DOSES, TIMING, LABS, DIAGNOSES)
            for row in table if row[3] != "manual"]


@pytest.mark.parametrize("row", COMPUTED, ids=[row[1][:40] for row in COMPUTED])
def test_each_reading_consumes_every_word_it_understands(row):
    ctype, text, *_ = row
    if row[3] in ("lab", "diagnosis") and not _read_here(ctype, text):
        pytest.skip("read by matcher.criteria's own lab or diagnosis reader")
    found = _reading(ctype, text)
    assert found.rule
    assert leftover(found) == []


def _read_here(ctype: str, text: str) -> bool:
    from matcher.criteria.item_context import _context

    ctx = _context(text, ctype, (), False, load_vocabulary())
    return read(ctx.text, ctx.main, ctx.type, ctx.context, vocab=ctx.vocab) is not None


def test_a_word_no_rule_consumed_makes_the_reading_manual_and_names_it():
    found = _reading("exclusion", "Positive of hepatitis B surface antigen, hepatitis C "
                     "antibody, HIV antibody or HTLV antibody at screening;")
    assert found.kind == "manual"
    assert found.manual_reason == "not understood: htlv antibody"
    assert found.partial is not None and found.partial.kind == "serology"
    # Without the guard the reading is handed over whole, its spans for the caller's guard.
    whole = _reading("exclusion", "Positive of hepatitis B surface antigen, hepatitis C "
                     "antibody, HIV antibody or HTLV antibody at screening;", guard=False)
    assert whole.kind == "serology"
    assert leftover(whole) == ["htlv", "antibody"]


@pytest.mark.parametrize(
    ("ctype", "text", "words"),
    [
        # ("untreated latent TB" is judged now: tests/test_criteria_tuberculosis.py)
        ("exclusion", "Active tuberculosis or latent TB unless on prophylaxis", "prophylaxis"),
        ("exclusion", "Active tuberculosis or incompletely treated latent TB", "incompletely"),
        ("exclusion", "Positive HBsAg or anti-HBc, or HTLV", "htlv"),
        ("exclusion", "Pregnant women, or women with HIV", None),  # two kinds: not this module's
    ],
)
def test_partial_readings_are_left_to_a_person(ctype, text, words):
    criterion = parse_criterion(text, ctype)
    if words is None:
        assert criterion.kind not in ("pregnancy", "serology")
    else:
        assert criterion.kind == "manual"
        assert words in (criterion.manual_reason or "").lower()


# ------------------------------------------------------------------------------ contract
@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("vital", {"analytes": ["lab.alt"], "op": ">=", "value": 1.0, "unit": "U/L"},
         "analytes"),
        ("vital", {"analytes": ["lab.bmi"], "op": "=>", "value": 1.0, "unit": "kg/m2"}, "op"),
        ("serology", {"markers": ["lab.hbsag"], "infections": [], "result": "reactive",
                      "ever": False, "needs_result": True}, "result"),
        ("serology", {"markers": [], "infections": [], "result": "positive", "ever": False,
                      "needs_result": True}, "markers"),
        ("pregnancy", {"states": ["dx.sle"], "present": True, "window_days": 90}, "states"),
        ("dose_exposure", {"drugs": ["drug.glucocorticoid"], "dose_op": ">",
                           "dose_value": -1.0, "dose_unit": "mg/day",
                           "prednisone_equivalent": True, "cumulative": False,
                           "window_days": None, "min_duration_days": None,
                           "duration_strict": False}, "dose_value"),
        ("dose_exposure", {"drugs": ["drug.glucocorticoid"], "dose_op": ">",
                           "dose_value": 1.0, "dose_unit": "mg/m2",
                           "prednisone_equivalent": True, "cumulative": False,
                           "window_days": None, "min_duration_days": None,
                           "duration_strict": False}, "dose_unit"),
        ("diagnosis_timing", {"concepts": ["dx.sle"], "min_duration_days": None,
                              "max_duration_days": None, "duration_strict": False,
                              "onset_op": None, "onset_age_years": None}, "min_duration_days"),
    ],
)
def test_invalid_params_name_the_field(kind, params, field):
    with pytest.raises(CriterionParamsError) as raised:
        validate_params(kind, params, load_vocabulary())
    assert isinstance(raised.value, MatcherError)
    assert raised.value.field == field


def test_every_reading_passes_its_own_contract():
    for ctype, text, *_ in COMPUTED:
        if _read_here(ctype, text):
            found = _reading(ctype, text)
            validate_params(found.kind, found.params, load_vocabulary())


# ------------------------------------------------------------------------------ data
@pytest.mark.parametrize(
    ("attrs", "field"),
    [
        ({"implies": ["dx.nowhere"]}, "implies"),
        ({"current_markers": ["lab.nowhere"]}, "current_markers"),
        ({"serology": {"infection": "dx.nowhere"}}, "serology.infection"),
        ({"also_codes": ["ICD9:123"]}, "also_codes"),
    ],
)
def test_a_vocabulary_reference_to_an_unknown_concept_is_refused(attrs, field):
    import json

    from matcher.errors import VocabularyError
    from matcher.nlp.vocab import Vocabulary, check_references, read_concepts

    record = {"id": "dx.x", "category": "diagnosis", "label": "x", "terms": ["x"],
              "attrs": attrs}
    vocabulary = Vocabulary(read_concepts(json.dumps(record), "test.jsonl"))
    with pytest.raises(VocabularyError) as raised:
        check_references(vocabulary, "test.jsonl")
    assert raised.value.field == field


def test_the_steroid_table_gives_prednisone_equivalents_with_its_source():
    from matcher.nlp.doses import steroid_factor, steroid_table

    table = steroid_table()
    assert table["source"]
    assert steroid_factor("prednisolone") == 1.0
    assert steroid_factor("Prednisone") == 1.0
    assert steroid_factor("methylprednisolone") == 1.25
    assert steroid_factor("IVMP") == 1.25
    assert steroid_factor("dexamethasone") == pytest.approx(6.67, abs=0.01)
    assert steroid_factor("hydrocortisone") == 0.25
    assert steroid_factor("steroids") is None  # which steroid is not said


@pytest.mark.parametrize(
    ("text", "ctype", "rule"),
    [
        ("Blood pressure ≥ 160/100 mmHg at screening", "exclusion",
         "sbp >= 160 mmHg or dbp >= 100 mmHg"),
        ("Positive HBsAg or anti-HBc", "exclusion", "hbsag, hbcab positive (current)"),
        ("Pregnant or nursing.", "exclusion", "pregnancy or lactation, 90 d"),
        ("Had taken >15 mg/day of prednisolone (or equivalent) for a period of >10 days during "
         "the previous month", "exclusion", "gc > 15 mg/day pred-eq, >10 d in 30 d"),
        ("Onset of SLE before age 16", "inclusion", "sle: onset age < 16"),
    ],
)
def test_a_reading_has_a_readable_rule(text, ctype, rule):
    from matcher.criteria.kinds import describe

    criterion = parse_criterion(text, ctype)
    assert describe(criterion.kind, criterion.params, load_vocabulary()) == rule


# A lab threshold may have a condition as its alternative: "creatinine > 2.5 mg/dL or on
# dialysis", "ALT > 2 x ULN or liver disease". The reader writes {"concepts": [...]} for it
# and the evaluator reads it; the contract check must accept it (the review's edit form
# validates through it) and still refuse an alternative naming no known condition.
@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("Dialysis or creatinine > 2.5 mg/dL", "proc.dialysis"),
        # ("Liver disease (serum ALT, AST >2x normal) or ..." defines the disease by its
        # enzymes, no alternative of its own: tests/test_criteria_drug_forms14.py)
        ("ALT > 2 x ULN or liver disease", "dx.liver_disease"),
    ],
)
def test_a_lab_reading_with_a_condition_alternative_passes_its_contract(text, condition):
    lab = parse_criterion(text, "exclusion", vocabulary=load_vocabulary())
    assert lab.kind == "lab"
    assert {"concepts": [condition]} in lab.params["alternatives"]
    validate_params("lab", dict(lab.params), load_vocabulary())


def test_a_condition_alternative_with_an_unknown_concept_is_refused():
    params = {"analytes": ["lab.creatinine"], "op": ">", "value": 221.0, "unit": "umol/L",
              "alternatives": [{"concepts": ["dx.nowhere"]}], "combine": "or"}
    with pytest.raises(CriterionParamsError) as raised:
        validate_params("lab", params, load_vocabulary())
    assert raised.value.field == "concepts"


# The kinds validate_params checks (the others, age/sex/drug_exposure/..., are checked by the
# declared params table alone, matcher.criteria.params).
CONTRACT_KINDS = ("vital", "lab", "serology", "pregnancy", "dose_exposure", "diagnosis_timing",
                  "diagnosis")


def test_every_reading_of_the_registry_corpora_passes_its_contract():
    """What the reader computes from real registry texts is what the review form and the
    protocol file validate against: a reading the contract refuses could not be approved or
    re-imported. (The corpora's unreadable records are the reader tests' business.)"""
    from matcher.criteria.registry import load_trial
    from matcher.errors import RegistryError
    from tests.conftest import REPO

    vocabulary = load_vocabulary()
    broken = []
    for path in sorted((REPO / "tests" / "data").glob("registry_corpus*/*.txt")):
        try:
            trial = load_trial(path)
        except RegistryError:
            continue
        for criterion in trial.criteria:
            if criterion.kind not in CONTRACT_KINDS:
                continue
            try:
                validate_params(criterion.kind, dict(criterion.params), vocabulary)
            except CriterionParamsError as refused:
                broken.append(f"{path.name} {criterion.id}: {refused}")
    assert broken == []
