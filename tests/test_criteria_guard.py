"""The criteria reader's safety core: what it does not understand becomes `manual` with
the reason, never a verdict (REGISTRY.md, the failure mechanisms measured on real trials).

The sentences are written the way registry texts are (wording, glyphs, units), one table
row per mechanism case; none is copied from a held-out record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from matcher.criteria import (
    format_criteria_table,
    parse_criteria,
    parse_criterion,
    parse_eligibility_text,
    trial_to_json,
)
from matcher.criteria.grammar import (
    COMPUTABLE_KINDS,
    GRAMMAR_FILE,
    criteria_data_text,
    load_grammar,
    read_grammar,
)
from matcher.criteria.registry import RegistryRecord, load_trial
from matcher.criteria.render import READING_KINDS, reading
from matcher.errors import VocabularyError
from matcher.model import Criterion, Trial
from matcher.nlp.vocab import load_vocabulary
from tests.conftest import REPO

LN_TRIAL = ["CAR-T cell therapy for refractory lupus nephritis"]
ANTI_CD20 = ["drug.rituximab", "drug.obinutuzumab", "drug.ocrelizumab", "drug.ofatumumab"]
NOT_UNDERSTOOD = "not understood: "
GUARD = "guard: "

# (section, text, expected type, expected kind, params subset or manual-reason prefix).
# Every row was read wrongly (or dropped a requirement) before the coverage guard.
MECHANISMS: list[tuple[str, str, str, str, dict[str, Any] | str]] = [
    # --- negation reaches from the lead of the item, not from its first character
    ("inclusion", "Patients must not have received rituximab within 6 months", "exclusion",
     "drug_exposure", {"drugs": ["drug.rituximab"], "window_days": 183}),
    ("inclusion", "Subjects who have never received belimumab", "exclusion", "drug_exposure",
     {"drugs": ["drug.belimumab"], "window_days": None}),
    ("inclusion", "Participants should not have had a kidney transplant", "exclusion",
     "diagnosis", {"concepts": ["dx.transplant"]}),
    ("exclusion", "Patients who have not received cyclophosphamide", "exclusion", "manual",
     NOT_UNDERSTOOD + '"not"'),
    # --- compound items: both or manual, never one part alone
    ("inclusion", "Aged 12 years or older with SLE per 2019 EULAR/ACR", "inclusion", "manual",
     NOT_UNDERSTOOD + '"SLE"'),
    ("inclusion", "Age 18 to 65 years, ECOG 0-1", "inclusion", "manual", NOT_UNDERSTOOD),
    ("inclusion", "Children aged 14-17 years and adults", "inclusion", "manual",
     NOT_UNDERSTOOD + '"adults"'),
    ("exclusion", "Age < 18 or > 60 years", "inclusion", "age",
     {"min_years": 18, "max_years": 60}),
    # --- active / current / ongoing / requiring are not "ever": a current state is the
    # lookback, and the activity of a disease that flares is judged by a person when it is
    # documented (matcher.criteria.temporality)
    ("exclusion", "Active CNS lupus", "exclusion", "diagnosis",
     {"concepts": ["dx.cns_lupus"], "temporality": "current", "judged": ["active"]}),
    ("exclusion", "Current dialysis", "exclusion", "diagnosis",
     {"concepts": ["proc.dialysis"], "temporality": "current", "window_days": 90}),
    # (a drug taken now is read as such: its latest mention recent and not stopped)
    ("exclusion", "Patients currently receiving belimumab", "exclusion", "drug_exposure",
     {"drugs": ["drug.belimumab"], "current": True, "window_days": 90}),
    ("exclusion", "Ongoing treatment with tacrolimus", "exclusion", "drug_exposure",
     {"drugs": ["drug.tacrolimus"], "current": True, "window_days": 90}),
    ("exclusion", "Requiring hemodialysis at screening", "exclusion", "diagnosis",
     {"concepts": ["proc.dialysis"], "temporality": "current", "window_days": 90}),
    ("exclusion", "Active tuberculosis", "exclusion", "diagnosis",
     {"concepts": ["dx.tuberculosis"], "temporality": "current", "window_days": 90}),
    # ... unless a kind states the current state: serology judges a current hepatitis B by
    # its current markers, pregnancy by a statement in the last 90 days (criteria_kinds).
    ("exclusion", "Active hepatitis B infection", "exclusion", "serology",
     {"infections": ["dx.hbv"], "result": "positive", "ever": False}),
    ("exclusion", "Pregnant or breastfeeding", "exclusion", "pregnancy",
     {"states": ["dx.pregnancy", "dx.lactation"], "present": True, "window_days": 90}),
    # --- a lupus word inside a longer phrase is not the bare diagnosis
    ("exclusion", "Kidney disease unrelated to lupus", "exclusion", "manual",
     NOT_UNDERSTOOD + '"unrelated"'),
    ("exclusion", "Renal disease not consistent with lupus nephritis", "exclusion", "manual",
     NOT_UNDERSTOOD + '"not", "consistent"'),
    ("exclusion", "Seizures due to SLE", "exclusion", "manual", NOT_UNDERSTOOD + '"due"'),
    ("exclusion", "Severe active lupus nephritis", "exclusion", "manual",
     GUARD + "excludes the trial's own condition (lupus nephritis)"),
    ("inclusion", "Childhood-onset SLE", "inclusion", "manual", NOT_UNDERSTOOD),
    # --- exceptions and "other" keep the list as written
    ("exclusion", "Biologics except belimumab within 6 months", "exclusion", "drug_exposure",
     {"drugs": [d for d in load_vocabulary().expand("class.biologic") if d != "drug.belimumab"],
      "window_days": 183}),
    ("exclusion", "Other immunosuppressants within 3 months", "exclusion", "manual",
     NOT_UNDERSTOOD + '"Other"'),
    # a pulse is not any steroid: a documented steroid is left to a person (notes do not
    # say it was a pulse), none decides
    ("exclusion", "Pulse methylprednisolone within 3 months", "exclusion", "drug_exposure",
     {"drugs": ["drug.glucocorticoid"], "window_days": 91, "route": "as a pulse or bolus"}),
    ("exclusion", "Corticosteroids for asthma within 3 months", "exclusion", "manual",
     NOT_UNDERSTOOD + '"asthma"'),
    # (the class is data: "e.g., rituximab" names a member, it does not narrow the class)
    ("exclusion", "Any B-cell targeted therapy (e.g., rituximab) within 12 months", "exclusion",
     "drug_exposure",
     {"drugs": ["drug.rituximab", "drug.obinutuzumab", "drug.ocrelizumab", "drug.ofatumumab",
                "drug.belimumab", "drug.telitacicept"], "window_days": 365}),
    # --- a relative change is not a level
    ("exclusion", "A 3-fold increase in ALT to > 120 U/L", "exclusion", "manual",
     NOT_UNDERSTOOD + '"3-fold", "increase"'),
    ("exclusion", "A rise in serum creatinine ≥ 0.3 mg/dL", "exclusion", "manual",
     NOT_UNDERSTOOD + '"rise"'),
    ("exclusion", "ALT increase of more than 3 times ULN", "exclusion", "manual",
     NOT_UNDERSTOOD + '"increase"'),
    ("exclusion", "Increase in serum creatinine ≥ 0.3 mg/dL within 48 hours", "exclusion",
     "manual", NOT_UNDERSTOOD + '"Increase"'),
    # --- a definition is not a requirement
    ("inclusion", "Complete response is defined as proteinuria < 0.5 g/day", "inclusion",
     "manual", NOT_UNDERSTOOD + '"Complete", "response", "defined"'),
    # --- biopsy class sets
    ("inclusion", "Renal biopsy showing class III or IV LN with/without the presence of class V",
     "inclusion", "biopsy", {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Biopsy-proven lupus nephritis; class VI excluded", "inclusion", "biopsy",
     {"classes": ["I", "II", "III", "IV", "V"], "allowed_with": []}),
    ("inclusion", "ISN/RPS class III (A or A/C), IV-S (A) or IV-G (A) lupus nephritis on kidney "
     "biopsy", "inclusion", "biopsy", {"classes": ["III", "IV"], "allowed_with": []}),
    # with no class, the activity is a person's to judge when a biopsy shows lupus nephritis
    ("inclusion", "Active lupus nephritis confirmed on kidney biopsy", "inclusion", "biopsy",
     {"classes": ["I", "II", "III", "IV", "V", "VI"], "judged": ["active"]}),
    # --- washouts are never dropped
    ("inclusion", "Platelets ≥ 75 × 10^9/L without transfusion or G-CSF in the preceding 14 days",
     "inclusion", "manual", NOT_UNDERSTOOD + '"without", "transfusion", "G-CSF"'),
    ("inclusion", "ANC ≥ 1.0 × 10^9/L (without growth factor support)", "inclusion", "manual",
     NOT_UNDERSTOOD + '"without"'),
    # --- a judgement item is not a concept match on one keyword
    # (an intolerance, not an exposure: judged on the allergy record, never on MMF given)
    ("exclusion", "Intolerance to mycophenolate mofetil", "exclusion", "allergy",
     {"agents": ["drug.mycophenolate"], "intolerance": True}),
    ("exclusion", "Conditions requiring treatments such as IVIG or plasma exchange", "exclusion",
     "manual", NOT_UNDERSTOOD + '"Conditions", "requiring"'),
    # --- qualifiers: duration, onset, indication
    # (disease duration is its own kind, whose evaluator counts only an explicit diagnosis
    # date as the start: a first mention shows the disease existed then, not that it began)
    ("inclusion", "SLE diagnosed at least 1 year before screening", "inclusion",
     "diagnosis_timing", {"concepts": ["dx.sle"], "min_duration_days": 365}),
    ("inclusion", "Diagnosis of SLE within the past 3 years", "inclusion", "diagnosis_timing",
     {"concepts": ["dx.sle"], "max_duration_days": 1095, "min_duration_days": None}),
    ("inclusion", "Age ≥ 16 years at the time of diagnosis", "inclusion", "manual",
     "the age at diagnosis of a condition the item does not name"),
    # --- either/or and cohorts
    ("inclusion", "Proteinuria ≥ 1 g/day (Cohort 2 only)", "inclusion", "manual",
     GUARD + "applies to one cohort only (Cohort 2)"),
    ("inclusion", "For the LN cohort only: UPCR ≥ 1 g/g", "inclusion", "manual",
     GUARD + "applies to one cohort only"),
    # --- guards: implausible values and windows, inclusions no lupus trial requires
    ("inclusion", "Hemoglobin ≥ 9000 g/dL", "inclusion", "manual", GUARD + "implausible value"),
    ("inclusion", "Platelets ≥ 75000 × 10^9/L", "inclusion", "manual", GUARD + "implausible"),
    ("exclusion", "Rituximab within 80 years", "exclusion", "manual",
     GUARD + "implausible value (a window of 29200 days)"),
    ("inclusion", "Latent tuberculosis", "inclusion", "manual",
     GUARD + "an inclusion should not require latent tuberculosis"),
    ("inclusion", "Active tuberculosis", "inclusion", "manual",
     GUARD + "an inclusion should not require tuberculosis"),
    ("inclusion", "Patients with malignancy", "inclusion", "manual",
     GUARD + "an inclusion should not require malignancy"),
    # --- the trial's own condition is never excluded
    ("exclusion", "Systemic lupus erythematosus", "exclusion", "manual",
     GUARD + "excludes the trial's own condition (systemic lupus erythematosus)"),
    ("exclusion", "History of lupus nephritis", "exclusion", "manual",
     GUARD + "excludes the trial's own condition (lupus nephritis)"),
]


@pytest.mark.parametrize(("section", "text", "want_type", "kind", "expected"), MECHANISMS,
                         ids=[row[1][:60] for row in MECHANISMS])
def test_registry_sentence_is_read_safely(section: str, text: str, want_type: str, kind: str,
                                          expected: dict[str, Any] | str) -> None:
    criterion = parse_criterion(text, section, about=LN_TRIAL)
    assert (criterion.type, criterion.kind) == (want_type, kind), criterion.manual_reason
    if isinstance(expected, str):
        assert criterion.manual_reason is not None
        assert criterion.manual_reason.startswith(expected), criterion.manual_reason
        assert criterion.params == {}
    else:
        assert {k: criterion.params.get(k, "<missing>") for k in expected} == expected


def test_the_mechanism_table_has_forty_rows() -> None:
    assert len(MECHANISMS) >= 40


# Wordings a coordinator would call plain: accounted for by general grammar, they still
# compute (a guard that turned everything manual would pass the table above).
PLAIN: list[tuple[str, str, str, dict[str, Any]]] = [
    ("inclusion", "Age 6 to 17 years, inclusive", "age", {"min_years": 6, "max_years": 17}),
    ("inclusion", "Age 6-18 years old (including critical value)", "age",
     {"min_years": 6, "max_years": 18}),
    ("inclusion", "Male or female subjects aged 18 to 75 years.", "age",
     {"min_years": 18, "max_years": 75}),
    ("exclusion", "History of malignancy", "diagnosis", {"concepts": ["dx.malignancy"]}),
    ("exclusion", "Rituximab or another anti-CD20 antibody within 6 months before screening",
     "drug_exposure", {"drugs": ANTI_CD20, "window_days": 183}),
    ("exclusion", "Prior treatment with cyclophosphamide within 6 months prior to the signing of "
     "the informed consent form (Visit 1)", "drug_exposure",
     {"drugs": ["drug.cyclophosphamide"], "window_days": 183}),
    ("inclusion", "Total bilirubin ≤ 34 µmol/L (≤ 2.0 mg/dL)", "lab",
     {"analytes": ["lab.bilirubin_total"], "op": "<=", "value": 34.0}),
    ("inclusion", "UPCR > 1 g/g (113 mg/mmol) at screening", "lab",
     {"analytes": ["lab.upcr"], "op": ">", "value": 1.0}),
    ("inclusion", "Karnofsky (age ≥16) or Lansky (age <16) performance score ≥ 60", "score",
     {"op": ">=", "value": 60.0}),
    ("inclusion", "ECOG ≤ 2 or Lansky ≥ 50", "score", {"concept": "score.ecog", "op": "<="}),
    ("inclusion", "Creatinine clearance ≥ 60 mL/min", "lab", {"analytes": ["lab.egfr"]}),
    ("inclusion", "Positive ANA (1:80 or higher)", "ana", {"min_titre": 80}),
    ("inclusion", "White blood cell count 3.0 × 10⁹/L or above", "lab", {"value": 3.0}),
    ("exclusion", "ALT > 2 times upper normal limits and/or AST > 2 times upper normal limits",
     "lab", {"analytes": ["lab.alt", "lab.ast"], "op": ">", "uln_multiple": 2.0}),
    ("inclusion", "Diagnosis of SLE according to American College of Rheumatology criteria "
     "(1997)", "diagnosis", {"concepts": ["dx.sle"], "system": "ACR 1997"}),
]


@pytest.mark.parametrize(("section", "text", "kind", "expected"), PLAIN,
                         ids=[row[1][:60] for row in PLAIN])
def test_plain_wording_still_computes(section: str, text: str, kind: str,
                                      expected: dict[str, Any]) -> None:
    criterion = parse_criterion(text, section, about=LN_TRIAL)
    assert criterion.kind == kind, criterion.manual_reason
    assert {k: criterion.params.get(k, "<missing>") for k in expected} == expected
    assert criterion.trace[-1] == "coverage:ok"


# ===================================================================== structure


def test_a_cohort_block_is_manual_until_the_next_heading() -> None:
    text = ("Inclusion Criteria:\n* Age 18 to 65 years\n"
            "Inclusion criteria for the LN cohort:\n* UPCR ≥ 1 g/g\n* eGFR ≥ 30 mL/min/1.73m2\n"
            "Part B:\n* Hemoglobin ≥ 90 g/L\n"
            "For all:\n* Platelets ≥ 100 × 10^9/L\n"
            "Exclusion Criteria:\n* Hemoglobin < 70 g/L\n")
    got = [(c.type, c.kind, c.manual_reason) for c in parse_eligibility_text(text)]
    assert got == [
        ("inclusion", "age", None),
        ("inclusion", "manual", "guard: applies to one cohort only (LN cohort)"),
        ("inclusion", "manual", "guard: applies to one cohort only (LN cohort)"),
        ("inclusion", "manual", "guard: applies to one cohort only (Part B)"),
        ("inclusion", "lab", None),
        ("exclusion", "lab", None),
    ]


def test_population_headings_without_a_colon_scope_their_items() -> None:
    text = ("Exclusion Criteria:\nPopulations 1 & 2\n* Prior kidney transplant\n"
            "Population 3 & 4\n* History of malignancy\nFor all\n* Hemoglobin < 70 g/L\n")
    got = [(c.kind, c.manual_reason) for c in parse_eligibility_text(text)]
    assert got == [
        ("manual", "guard: applies to one cohort only (Populations 1 & 2)"),
        ("manual", "guard: applies to one cohort only (Population 3 & 4)"),
        ("lab", None),
    ]


def test_either_or_bullets_are_branches_not_requirements() -> None:
    text = ("Inclusion Criteria:\n* Positive ANA (1:80 or higher) or\n"
            "* Anti-dsDNA ≥ 30 IU/mL at screening\n* Age ≥ 18 years\n")
    got = [(c.kind, c.any_of and c.any_of.group) for c in parse_eligibility_text(text)]
    assert got == [("ana", 1), ("lab", 1), ("age", None)]


def test_one_of_the_following_heading_makes_branches() -> None:
    text = ("Inclusion Criteria:\n* At least one of the following:\n"
            "  * SLEDAI-2K ≥ 6\n  * UPCR ≥ 1 g/g\n")
    assert [c.any_of and c.any_of.group for c in parse_eligibility_text(text)] == [1, 1]


def test_a_collecting_parent_never_drops_its_sub_items() -> None:
    text = ("Inclusion Criteria:\n* Diagnosis of SLE per 2019 EULAR/ACR, with:\n"
            "  a. ANA ≥ 1:80\n  b. active lupus nephritis\n")
    (criterion,) = parse_eligibility_text(text)
    assert criterion.kind == "manual"
    assert criterion.manual_reason.startswith(NOT_UNDERSTOOD)


def test_a_heading_with_a_meaning_word_is_part_of_the_item() -> None:
    text = "Exclusion Criteria:\n* Current or recent use of the following:\n  * belimumab\n"
    (criterion,) = parse_eligibility_text(text)
    assert criterion.kind == "manual" and '"recent"' in criterion.manual_reason


def test_the_title_names_the_trials_own_condition() -> None:
    text = "Inclusion Criteria:\n* Age ≥ 18 years\nExclusion Criteria:\n* History of SLE\n"
    record = RegistryRecord("T", "Belimumab in systemic lupus erythematosus", text, None, None,
                            None, "test")
    excluded = parse_criteria(record)[-1]
    assert excluded.kind == "manual"
    assert excluded.manual_reason == (
        "guard: excludes the trial's own condition (systemic lupus erythematosus)")
    # With nothing saying what the trial is about, the same exclusion computes.
    assert parse_eligibility_text(text)[-1].kind == "diagnosis"


def test_an_inclusion_diagnosis_names_the_trials_own_condition() -> None:
    text = ("Inclusion Criteria:\n* Biopsy-proven lupus nephritis class III or IV\n"
            "Exclusion Criteria:\n* Systemic lupus erythematosus\n* Neuropsychiatric lupus\n")
    criteria = parse_eligibility_text(text)
    assert criteria[1].manual_reason.startswith(GUARD + "excludes the trial's own condition")
    # A narrower concept is no exclusion of the population.
    assert (criteria[2].kind, criteria[2].params["concepts"]) == ("diagnosis", ["dx.cns_lupus"])


@pytest.mark.parametrize(("max_age", "kind"), [(17.0, "diagnosis"), (None, "manual")])
def test_childhood_onset_is_implied_only_in_a_trial_for_children(max_age, kind) -> None:
    text = "Inclusion Criteria:\n* Childhood-onset systemic lupus erythematosus\n"
    record = RegistryRecord("T", "t", text, 6.0, max_age, None, "test")
    (sle,) = [c for c in parse_criteria(record) if c.key == "sle"]
    assert sle.kind == kind
    if kind == "manual":
        assert sle.manual_reason.startswith('not understood: "childhood-onset"')


def test_the_records_maximum_age_stays_when_the_text_gives_only_a_minimum() -> None:
    record = RegistryRecord("T", "t", "Inclusion Criteria:\n* Age ≥ 18 years\n", 18.0, 75.0,
                            None, "test")
    ages = [c.params for c in parse_criteria(record) if c.kind == "age"]
    assert ages == [{"min_years": None, "max_years": 75}, {"min_years": 18, "max_years": None}]


# ===================================================================== trace


def test_every_criterion_records_the_rules_that_produced_it() -> None:
    text = ("Inclusion Criteria:\n* No rituximab within 6 months\n* Seizures due to SLE\n"
            "Exclusion Criteria:\n* Hemoglobin ≥ 9000 g/dL\n")
    traces = [c.trace for c in parse_eligibility_text(text)]
    assert traces[0][:3] == ("section:inclusion", "polarity:negated", "kind:drug_exposure")
    assert "window" in traces[0] and traces[0][-1] == "coverage:ok"
    assert traces[1][0] == "section:inclusion" and traces[1][-1] == "coverage:manual"
    assert traces[2][-1] == "guard:implausible"


def test_trace_is_carried_in_json() -> None:
    criterion = parse_criterion("Hemoglobin < 70 g/L", "exclusion")
    data = criterion.to_json()
    assert data["trace"] == list(criterion.trace)
    assert data["trace"][:2] == ["section:exclusion", "kind:lab"]


# ===================================================================== plain words


def _criterion(kind: str, params: dict[str, Any], ctype: str = "inclusion",
               reason: str | None = None) -> Criterion:
    return Criterion("inc-1", "k", ctype, "registry words that must not be echoed", kind,
                     params, reason)


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (_criterion("age", {"min_years": 6, "max_years": 18}), "INCLUDE if: age 6 to 18 years"),
        (_criterion("age", {"min_years": 18, "max_years": None}), "INCLUDE if: age ≥ 18 years"),
        (_criterion("drug_exposure", {"drugs": ["drug.rituximab"], "window_days": 183},
                    "exclusion"),
         "EXCLUDE if: rituximab given within 183 days before screening"),
        (_criterion("drug_exposure", {"drugs": ["drug.belimumab"], "window_days": None},
                    "exclusion"),
         "EXCLUDE if: belimumab given at any time"),
        (_criterion("lab", {"analytes": ["lab.platelets"], "op": ">=", "value": 75.0,
                            "unit": "x10^9/L"}),
         "INCLUDE if: latest platelet count ≥ 75 ×10⁹/L"),
        (_criterion("lab", {"analytes": ["lab.alt", "lab.ast"], "op": "<=",
                            "uln_multiple": 3.0, "unit": "U/L",
                            "exceptions": [{"if": "dx.myositis", "then": "manual"}]}),
         "INCLUDE if: latest alanine aminotransferase and aspartate aminotransferase ≤ 3 × ULN;"
         " with inflammatory myopathy: investigator decides"),
        (_criterion("lab", {"analytes": ["lab.neutrophils"], "op": ">=", "value": 1.0,
                            "unit": "x10^9/L", "csf_free_days": 14}),
         "INCLUDE if: latest absolute neutrophil count ≥ 1 ×10⁹/L, with no colony-stimulating "
         "factor in the 14 days before"),
        (_criterion("biopsy", {"classes": ["III", "IV"], "allowed_with": ["V"],
                               "window_days": 183}),
         "INCLUDE if: latest kidney biopsy shows class III or IV (class V allowed alongside), "
         "within 183 days before screening"),
        (_criterion("score", {"concept": "score.sledai", "op": ">=", "value": 8.0}),
         "INCLUDE if: latest SLEDAI-2K ≥ 8"),
        (_criterion("diagnosis", {"concepts": ["dx.malignancy"], "window_days": 1825},
                    "exclusion"),
         "EXCLUDE if: malignancy documented within 1825 days before screening"),
        (_criterion("manual", {}, reason='not understood: "transfusion-independent"'),
         'MANUAL: not understood: "transfusion-independent"'),
        # the kinds of matcher.criteria.kinds
        (_criterion("diagnosis", {"concepts": ["dx.malignancy"], "window_days": 1825,
                                  "except_concepts": ["dx.nmsc"]}, "exclusion"),
         "EXCLUDE if: malignancy documented within 1825 days before screening (not counting "
         "non-melanoma skin cancer)"),
        (_criterion("vital", {"analytes": ["lab.sbp"], "op": ">=", "value": 160.0,
                              "unit": "mmHg", "combine": "or",
                              "alternatives": [{"analytes": ["lab.dbp"], "op": ">=",
                                                "value": 100.0, "unit": "mmHg"}]}, "exclusion"),
         "EXCLUDE if: latest systolic blood pressure ≥ 160 mmHg or latest diastolic blood "
         "pressure ≥ 100 mmHg"),
        (_criterion("lab", {"analytes": ["lab.urine_protein_24h"], "op": ">=", "value": 25.0,
                            "unit": "mg/kg/day", "per_weight": True}),
         "INCLUDE if: latest 24-hour urine protein ≥ 25 mg/kg/day (divided by the latest "
         "body weight)"),
        (_criterion("serology", {"markers": ["lab.hbsag"], "infections": ["dx.hbv"],
                                 "result": "positive", "ever": False, "needs_result": False},
                    "exclusion"),
         "EXCLUDE if: hepatitis B surface antigen or hepatitis B positive now (current markers "
         "or a diagnosis)"),
        (_criterion("serology", {"markers": [], "infections": ["dx.hbv"], "result": "positive",
                                 "ever": True, "needs_result": True}, "exclusion"),
         "EXCLUDE if: hepatitis B positive at any time (a test result is needed)"),
        (_criterion("serology", {"markers": ["lab.hbsag"], "infections": ["dx.hiv"],
                                 "result": "negative", "ever": False, "needs_result": True}),
         "INCLUDE if: hepatitis B surface antigen and HIV infection all negative now (a test "
         "result is needed)"),
        (_criterion("pregnancy", {"states": ["dx.pregnancy", "dx.lactation"], "present": True,
                                  "window_days": 90}, "exclusion"),
         "EXCLUDE if: pregnancy or lactation (breastfeeding) documented within 90 days before "
         "screening"),
        (_criterion("pregnancy", {"states": ["dx.pregnancy"], "present": False,
                                  "window_days": 90}),
         "INCLUDE if: documented not pregnancy within 90 days before screening"),
        (_criterion("dose_exposure", {"drugs": ["drug.glucocorticoid"], "dose_op": ">",
                                      "dose_value": 15.0, "dose_unit": "mg/day",
                                      "prednisone_equivalent": True, "cumulative": False,
                                      "window_days": 30, "min_duration_days": 10,
                                      "duration_strict": True}, "exclusion"),
         "EXCLUDE if: glucocorticoid > 15 mg/day (as prednisone) for more than 10 days, "
         "within 30 days before screening"),
        (_criterion("dose_exposure", {"drugs": ["drug.cyclophosphamide"], "dose_op": ">",
                                      "dose_value": 10.0, "dose_unit": "g",
                                      "prednisone_equivalent": False, "cumulative": True,
                                      "window_days": None, "min_duration_days": None,
                                      "duration_strict": False}, "exclusion"),
         "EXCLUDE if: cyclophosphamide cumulative dose > 10 g, at any time"),
        (_criterion("dose_exposure", {"drugs": ["drug.glucocorticoid"], "dose_op": "<=",
                                      "dose_value": 10.0, "dose_unit": "mg/day",
                                      "prednisone_equivalent": True, "cumulative": False,
                                      "window_days": None, "min_duration_days": None,
                                      "duration_strict": False}),
         "INCLUDE if: glucocorticoid ≤ 10 mg/day (as prednisone), the current dose"),
        (_criterion("diagnosis_timing", {"concepts": ["dx.sle"], "min_duration_days": 183,
                                         "max_duration_days": None, "duration_strict": False,
                                         "onset_op": None, "onset_age_years": None}),
         "INCLUDE if: systemic lupus erythematosus diagnosed at least 183 days before "
         "screening"),
        (_criterion("diagnosis_timing", {"concepts": ["dx.sle"], "min_duration_days": None,
                                         "max_duration_days": 1095, "duration_strict": False,
                                         "onset_op": "<", "onset_age_years": 16.0}),
         "INCLUDE if: systemic lupus erythematosus diagnosed at most 1095 days before "
         "screening, with onset at age < 16"),
    ],
    ids=lambda value: value.kind if isinstance(value, Criterion) else "",
)
def test_each_criterion_reads_back_in_plain_words(criterion: Criterion, words: str) -> None:
    assert reading(criterion) == words
    assert "must not be echoed" not in reading(criterion)


@pytest.mark.parametrize("kind", sorted(COMPUTABLE_KINDS))
def test_every_computable_kind_has_a_reading_of_its_own(kind: str) -> None:
    """A computed criterion read back as "MANUAL: a person must check" would tell the
    coordinator the engine leaves it alone when it gives a verdict."""
    assert kind in READING_KINDS


def test_trial_show_carries_the_reading_and_trace_and_matches_its_schema(shared: Path) -> None:
    trial = load_trial(shared / "registry" / "DEV-LN-2.txt")
    data = trial_to_json(trial)
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    jsonschema.validate(data, schema)
    first = data["criteria"][0]
    assert first["reading"] == "INCLUDE if: age 5 to 18 years"
    assert first["trace"][0] == "section:inclusion"
    table = format_criteria_table(trial).splitlines()
    assert "reading" in table[3].split()
    assert any(line.startswith("exc-1") and "given within 91 days before screening" in line
               for line in table)


def test_a_manual_trial_still_matches_the_schema() -> None:
    trial = Trial("T", "t", (parse_criterion("Active CNS lupus", "exclusion"),))
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    jsonschema.validate(trial_to_json(trial), schema)


def test_a_trial_of_the_new_kinds_matches_the_schema_with_a_reading_each() -> None:
    texts = [("Pregnant or breastfeeding", "exclusion"), ("BMI > 35 kg/m2", "exclusion"),
             ("Positive HBsAg or anti-HBc", "exclusion"),
             ("SLE diagnosed ≥ 6 months before screening", "inclusion"),
             ("Prednisone > 20 mg/day within 4 weeks before screening", "exclusion")]
    trial = Trial("T", "t", tuple(parse_criterion(t, c) for t, c in texts))
    assert {c.kind for c in trial.criteria} == {
        "pregnancy", "vital", "serology", "diagnosis_timing", "dose_exposure"}
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    data = trial_to_json(trial)
    jsonschema.validate(data, schema)
    assert not any(c["reading"].startswith("MANUAL") for c in data["criteria"])


# ===================================================================== grammar data


def _mutated(change) -> str:
    data = json.loads(criteria_data_text("criteria_grammar.json"))
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (lambda d: d.update(colour=["red"]), "colour", "unknown key"),
        (lambda d: d.pop("filler"), "filler", "missing key"),
        (lambda d: d.update(filler="patients"), "filler", "not a list"),
        (lambda d: d["filler"].append("patients"), "filler", "duplicate entry"),
        (lambda d: d["filler"].append("active"), "filler", "filler entry changes meaning"),
        (lambda d: d["filler"].append(""), "filler", "bad entry"),
        (lambda d: d["kinds"].update(weather=["sunny"]), "kinds.weather", "unknown kind"),
        (lambda d: d["kinds"]["lab"].append("count"), "kinds.lab", "duplicate entry"),
        (lambda d: d["inclusion_never_requires"].append("dx.unicorn"),
         "inclusion_never_requires", "unknown concept id"),
        (lambda d: d["plausible"].update({"lab.alt": [10, 1]}), "plausible.lab.alt",
         "bad range"),
        (lambda d: d.update(max_window_days=0), "max_window_days", "bad number"),
        (lambda d: d["manual_concepts"].update({"dx.sle": 3}), "manual_concepts",
         "not an object"),
    ],
    ids=["unknown-key", "missing-key", "wrong-type", "duplicate", "meaning-word-as-filler",
         "empty-entry", "unknown-kind", "duplicate-cue", "unknown-concept", "bad-range",
         "bad-window", "bad-reason"],
)
def test_a_bad_grammar_file_names_the_file_and_key(change, key: str, message: str) -> None:
    with pytest.raises(VocabularyError) as caught:
        read_grammar(_mutated(change), load_vocabulary())
    assert GRAMMAR_FILE in str(caught.value)
    assert caught.value.field == key
    assert message in str(caught.value)


def test_invalid_json_names_the_file_and_line() -> None:
    with pytest.raises(VocabularyError, match=r"criteria_grammar\.json, line 2: invalid JSON"):
        read_grammar('{\n "filler": [,]\n}', load_vocabulary())


def test_the_packaged_grammar_loads_and_keeps_meaning_words_out_of_filler() -> None:
    grammar = load_grammar()
    assert not grammar.filler.words & grammar.meaning_changing
    assert {"active", "current", "except", "due", "rise", "defined"} <= grammar.meaning_changing
