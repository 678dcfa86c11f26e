"""Conditions registry texts exclude (or require) that the shared vocabulary did not know:
current smoking, stroke / TIA / cerebrovascular disease, myocardial infarction,
hypertension, seizure disorder, chronic lung disease (COPD, asthma, interstitial lung
disease), inflammatory bowel disease, thyroid disease (Hashimoto, Graves), haematological
malignancy and solid tumour, drug-induced lupus, nephrolithiasis, inclusion body myositis,
varicella, respiratory tract infection, and wordings of known groups ("immunodeficiency
syndrome", "organ transplants", "neoplasia").

Counted across the 1,500 breadth texts, these were the disease names most often left
"no computable concept recognised". One vocabulary serves both readers, so each family is
tested on both sides: registry items in several sponsors' wordings are read as the concept,
a clinic note's sentence yields the finding with its assertion (negated, family, the traps a
broad word falls into: "stroke volume", "CVA tenderness", "ex-smoker"), and the evaluator
decides the exclusion from those findings. A concept that stands for only part of what
notes name (a "solid tumour": notes name the breast cancer) is decided only when no
malignancy at all is documented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.model import Assertion, Criterion, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

# The note reader and evaluation helpers of the vocabulary tests of round 3.
from tests.test_criteria_vocabulary import _found, _mention, _status

# ------------------------------------------------------------------ registry items
# (section, item in a sponsor's words, concepts, params that must hold)
ITEMS: list[tuple[str, str, list[str], dict[str, Any]]] = [
    # current smoking: a standing state, read as current
    ("exclusion", "Current smoker", ["dx.smoking"], {"temporality": "current"}),
    ("exclusion", "Smokers", ["dx.smoking"], {"temporality": "current"}),
    ("exclusion", "Smoking.", ["dx.smoking"], {"temporality": "current"}),
    ("exclusion", "Active cigarette smokers", ["dx.smoking"], {"temporality": "current"}),
    ("inclusion", "Current tobacco use", ["dx.smoking"], {"temporality": "current"}),
    # stroke, TIA, cerebrovascular disease, myocardial infarction
    ("exclusion", "History of stroke", ["dx.stroke"], {}),
    ("exclusion", "Cerebrovascular accident within the past 6 months", ["dx.stroke"],
     {"window_days": 183}),
    ("exclusion", "Acute stroke or transient ischaemic attack (TIA) within 3 months",
     ["dx.stroke", "dx.tia"], {"window_days": 91}),
    ("exclusion", "Prior CVA", ["dx.stroke"], {}),
    ("exclusion", "Known cerebrovascular disease", ["dx.cerebrovascular_disease"], {}),
    ("exclusion", "Myocardial infarction within 6 months", ["dx.mi"], {"window_days": 183}),
    ("exclusion", "Patients with a history of myocardial infarction", ["dx.mi"], {}),
    ("exclusion", "Heart attack in the last year", ["dx.mi"], {"window_days": 365}),
    # hypertension; a degree a person judges is decided only when absent
    ("exclusion", "Hypertension", ["dx.hypertension"], {}),
    ("exclusion", "Uncontrolled hypertension", ["dx.hypertension"],
     {"judged": ["uncontrolled"], "temporality": "current"}),
    ("exclusion", "History of hypertension", ["dx.hypertension"], {"temporality": "ever"}),
    ("inclusion", "Stroke/TIA", ["dx.stroke", "dx.tia"], {}),
    ("exclusion", "Pulmonary arterial hypertension", ["dx.pulmonary_hypertension"], {}),
    # seizure disorder
    ("exclusion", "History of epilepsy", ["dx.seizure"], {}),
    ("exclusion", "Seizure disorder", ["dx.seizure"], {}),
    ("exclusion", "Seizures within the last 2 years", ["dx.seizure"], {"window_days": 730}),
    # lung disease
    ("exclusion", "Asthma or COPD", ["dx.asthma", "dx.copd"], {}),
    ("exclusion", "Chronic obstructive pulmonary disease", ["dx.copd"], {}),
    ("exclusion", "Interstitial lung disease", ["dx.ild"], {}),
    ("inclusion", "Diagnosis of SSc-ILD", ["dx.ild"], {}),
    ("exclusion", "Idiopathic pulmonary fibrosis", ["dx.ild"], {}),
    # inflammatory bowel disease
    ("exclusion", "Crohn's disease or ulcerative colitis", ["dx.crohn", "dx.ulcerative_colitis"],
     {}),
    ("exclusion", "Inflammatory bowel disease", ["dx.ibd"], {}),
    # thyroid
    ("exclusion", "Hashimoto thyroiditis", ["dx.hashimoto"], {}),
    ("exclusion", "History of thyroid disease", ["dx.thyroid_disease"], {}),
    ("exclusion", "Hyperthyroidism", ["dx.hyperthyroidism"], {}),
    ("exclusion", "Graves' disease", ["dx.graves"], {}),
    # malignancy wordings
    ("exclusion", "History of neoplasia", ["dx.malignancy"], {}),
    ("exclusion", "Malignant haematological diseases", ["dx.haem_malignancy"],
     {"screen_concepts": ["dx.malignancy"]}),
    ("exclusion", "History of hematologic malignancy", ["dx.haem_malignancy"],
     {"screen_concepts": ["dx.malignancy"]}),
    ("exclusion", "Solid tumours within 5 years", ["dx.solid_tumour"],
     {"window_days": 1825, "screen_concepts": ["dx.malignancy"]}),
    ("exclusion", "Multiple myeloma", ["dx.haem_malignancy"], {}),
    # other gaps
    ("exclusion", "Drug-induced lupus", ["dx.drug_induced_lupus"], {}),
    ("exclusion", "History of nephrolithiasis", ["dx.nephrolithiasis"], {}),
    ("exclusion", "Kidney stones", ["dx.nephrolithiasis"], {}),
    ("exclusion", "Sporadic inclusion body myositis", ["dx.ibm"], {}),
    ("inclusion", "History of chickenpox", ["dx.varicella"], {}),
    ("exclusion", "A history of immunodeficiency syndrome", ["dx.immunodeficiency"], {}),
    ("exclusion", "Subjects who have received organ transplants", ["dx.transplant"], {}),
    ("exclusion", "Solid organ transplant recipients", ["dx.transplant"], {}),
    ("exclusion", "Upper respiratory tract infection within 2 weeks", ["dx.infection"],
     {"window_days": 14}),
    # a need for a procedure is its current state
    ("exclusion", "Need for dialysis;", ["proc.dialysis"], {"temporality": "current"}),
    ("exclusion", "Patients who need dialysis", ["proc.dialysis"], {"temporality": "current"}),
    # depression, neurological disease and its members, bleeding disorders
    ("exclusion", "History of depression", ["dx.depression"], {"temporality": "ever"}),
    ("exclusion", "Any neurological disorder", ["dx.neurological_disease"], {}),
    ("exclusion", "Multiple sclerosis or Parkinson's disease",
     ["dx.multiple_sclerosis", "dx.parkinson"], {}),
    ("exclusion", "Dementia", ["dx.dementia"], {}),
    ("exclusion", "Known bleeding diathesis", ["dx.bleeding_disorder"], {}),
    ("exclusion", "Coagulopathy", ["dx.bleeding_disorder"], {}),
    # substance abuse as sponsors write it
    ("exclusion", "Alcohol- and/or drug abuse.", ["dx.substance_abuse"], {}),
    ("exclusion", "Alcohol or substance abuse", ["dx.substance_abuse"], {}),
    ("exclusion", "Drug or alcohol dependence", ["dx.substance_abuse"], {}),
    # lipids, bone, parathyroid
    ("exclusion", "Familial hypercholesterolemia", ["dx.familial_hypercholesterolemia"], {}),
    ("exclusion", "Known dyslipidaemia", ["dx.hyperlipidaemia"], {}),
    # (primary hyperparathyroidism is read, then left to a person: surgery cures it, and
    # registries mean "known" both now and ever; tests/test_criteria_numeric_forms.py)
    ("exclusion", "History of vertebral compression fractures", ["dx.vertebral_fracture"], {}),
    ("exclusion", "Osteoporosis", ["dx.osteoporosis"], {}),
    # a central nervous system disease is a neurological disease; an opportunistic infection
    # is screened by any infection
    ("exclusion", "Active central nervous system disease", ["dx.neurological_disease"],
     {"judged": ["active"]}),
    ("exclusion", "History of severe opportunistic infection", ["dx.opportunistic_infection"],
     {"judged": ["severe"], "screen_concepts": ["dx.infection"]}),
]


@pytest.mark.parametrize(("ctype", "text", "concepts", "extra"), ITEMS,
                         ids=[r[1] for r in ITEMS])
def test_a_registry_item_naming_the_condition_is_read_as_it(ctype, text, concepts, extra):
    criterion = parse_criterion(text, ctype)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.type == ctype
    assert criterion.params["concepts"] == concepts
    assert {k: criterion.params.get(k) for k in extra} == extra


# The concept is the current smoker: an item asking for a past ("history of smoking",
# "former smoker > 10 pack-years") cannot be decided from notes that write "ex-smoker",
# and stays with a person. Homonyms are not the condition.
NOT_THE_CONDITION = [
    ("exclusion", "History of smoking", "dx.smoking"),
    ("exclusion", "Smoking history of more than 10 pack-years", "dx.smoking"),
    ("exclusion", "Former smoker (greater than 10 pack years)", "dx.smoking"),
    ("inclusion", "Non-smoker", "dx.smoking"),
    ("exclusion", "Participation in a smoking cessation programme", "dx.smoking"),
    ("exclusion", "Stroke volume below 40 mL", "dx.stroke"),
    ("exclusion", "High risk of stroke", "dx.stroke"),
    ("exclusion", "Cervical intraepithelial neoplasia", "dx.malignancy"),
    ("exclusion", "Portal hypertension", "dx.hypertension"),
]


@pytest.mark.parametrize(("ctype", "text", "concept"), NOT_THE_CONDITION,
                         ids=[r[1] for r in NOT_THE_CONDITION])
def test_an_item_the_concept_does_not_mean_is_not_read_as_it(ctype, text, concept):
    criterion = parse_criterion(text, ctype)
    assert concept not in criterion.params.get("concepts", [])


def test_a_vital_threshold_defining_hypertension_is_still_read_as_the_threshold():
    criterion = parse_criterion("Uncontrolled hypertension (SBP ≥ 160 mmHg or DBP ≥ 100 mmHg)",
                                "exclusion")
    assert criterion.kind == "vital", criterion.manual_reason
    assert criterion.params["analytes"] == ["lab.sbp"]


def test_drug_induced_lupus_is_not_the_lupus_trial_s_own_condition():
    """An SLE trial's exclusion of drug-induced lupus is computed (it is not SLE), and a
    note naming it does not affirm SLE."""
    vocab = load_vocabulary()
    assert "dx.sle" not in vocab["dx.drug_induced_lupus"].attrs.get("implies", ())
    criterion = parse_criterion("Drug-induced lupus", "exclusion")
    assert criterion.params["concepts"] == ["dx.drug_induced_lupus"]


NEW_CONCEPTS = ["dx.smoking", "dx.cerebrovascular_disease", "dx.stroke", "dx.tia", "dx.mi",
                "dx.hypertension", "dx.pulmonary_hypertension", "dx.lung_disease", "dx.copd",
                "dx.asthma", "dx.ild", "dx.seizure", "dx.ibd", "dx.crohn",
                "dx.ulcerative_colitis", "dx.thyroid_disease", "dx.hypothyroidism",
                "dx.hyperthyroidism", "dx.hashimoto", "dx.graves", "dx.drug_induced_lupus",
                "dx.haem_malignancy", "dx.nephrolithiasis", "dx.ibm", "dx.varicella",
                "dx.neurological_disease", "dx.multiple_sclerosis", "dx.parkinson",
                "dx.dementia", "dx.depression", "dx.bleeding_disorder", "dx.hyperlipidaemia",
                "dx.familial_hypercholesterolemia", "dx.primary_hyperparathyroidism",
                "dx.osteoporosis", "dx.vertebral_fracture"]


def test_every_new_condition_has_a_standard_code_and_is_read_as_a_condition():
    vocab = load_vocabulary()
    assert [c for c in NEW_CONCEPTS if not vocab[c].code] == []
    assert [c for c in NEW_CONCEPTS if vocab[c].attrs.get("reader") != "condition"] == []


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# (note sentence in a clinician's words, concept, assertions expected for it)
NOTES: list[tuple[str, str, list[str]]] = [
    ("Social history: current smoker, 20 pack-years.", "dx.smoking", ["affirmed"]),
    ("Smokes 10 cigarettes a day.", "dx.smoking", ["affirmed"]),
    ("Denies smoking or alcohol.", "dx.smoking", ["negated"]),
    ("Ex-smoker, quit 2015.", "dx.smoking", []),
    ("Former smoker.", "dx.smoking", []),
    ("Non-smoker, occasional alcohol.", "dx.smoking", []),
    ("Non smoker.", "dx.smoking", []),
    ("Never smoker.", "dx.smoking", []),
    ("Smoking: never.", "dx.smoking", []),
    ("Quit smoking in 2010.", "dx.smoking", []),
    ("Smoking cessation discussed.", "dx.smoking", []),
    ("Smoking - quit 2012.", "dx.smoking", []),
    ("Smoker? No.", "dx.smoking", []),
    ("Smoking: yes, 5/day.", "dx.smoking", ["affirmed"]),
    ("Left MCA stroke in 2019 with residual weakness.", "dx.stroke", ["affirmed"]),
    ("No history of stroke or TIA.", "dx.stroke", ["negated"]),
    ("No history of stroke or TIA.", "dx.tia", ["negated"]),
    ("Father had a stroke at 60.", "dx.stroke", ["family"]),
    ("Stroke volume normal on echo.", "dx.stroke", []),
    ("Abdomen soft, no CVA tenderness.", "dx.stroke", []),
    ("Counselled about stroke risk on the pill.", "dx.stroke", []),
    ("Previous MI in 2018, two stents.", "dx.mi", ["historical"]),
    ("Echo: mild MI, normal LV function.", "dx.mi", []),
    ("Hypertension, on amlodipine 5 mg.", "dx.hypertension", ["affirmed"]),
    ("Pulmonary hypertension on echo, RVSP 45.", "dx.hypertension", []),
    ("Pulmonary hypertension on echo, RVSP 45.", "dx.pulmonary_hypertension", ["affirmed"]),
    ("Epilepsy, on levetiracetam.", "dx.seizure", ["affirmed"]),
    ("No seizures since 2020.", "dx.seizure", ["negated"]),
    ("Tramadol lowers the seizure threshold.", "dx.seizure", []),
    ("Crohn's disease, on adalimumab.", "dx.crohn", ["affirmed"]),
    ("Hashimoto's thyroiditis on levothyroxine.", "dx.hashimoto", ["affirmed"]),
    ("Known asthma since childhood.", "dx.asthma", ["affirmed"]),
    ("Interstitial lung disease on HRCT.", "dx.ild", ["affirmed"]),
    ("Haematological malignancy ruled out.", "dx.haem_malignancy", ["negated"]),
    ("Multiple myeloma diagnosed in 2022.", "dx.haem_malignancy", ["affirmed"]),
    ("Cervical intraepithelial neoplasia grade 2.", "dx.malignancy", []),
    ("Drug-induced lupus from hydralazine in 2015.", "dx.drug_induced_lupus", ["affirmed"]),
    ("Drug-induced lupus from hydralazine in 2015.", "dx.sle", []),
    ("Chickenpox as a child.", "dx.varicella", ["affirmed"]),
    ("Varicella zoster IgG positive.", "dx.varicella", []),
    ("Kidney stones in 2020.", "dx.nephrolithiasis", ["affirmed"]),
    ("URTI last week, resolved.", "dx.infection", ["affirmed"]),
    ("Low mood; depression screen (PHQ-9) 4.", "dx.depression", []),
    ("ECG: 1 mm ST depression in V5.", "dx.depression", []),
    ("Depression, on sertraline since 2021.", "dx.depression", ["affirmed"]),
    ("Relapsing-remitting multiple sclerosis on ocrelizumab.", "dx.multiple_sclerosis",
     ["affirmed"]),
    ("No known bleeding disorder.", "dx.bleeding_disorder", ["negated"]),
    ("Hyperlipidaemia on atorvastatin.", "dx.hyperlipidaemia", ["affirmed"]),
    ("Familial hypercholesterolaemia on rosuvastatin.", "dx.familial_hypercholesterolemia",
     ["affirmed"]),
    ("DEXA booked for osteoporosis screening.", "dx.osteoporosis", []),
    ("T12 vertebral compression fracture after a fall in 2023.", "dx.vertebral_fracture",
     ["affirmed"]),
    ("Co-trimoxazole as prophylaxis against opportunistic infection.",
     "dx.opportunistic_infection", []),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES,
                         ids=[f"{r[0]}-{r[1]}" for r in NOTES])
def test_a_note_sentence_yields_the_finding_with_its_assertion(parser, text, concept,
                                                              assertions):
    assert _found(parser, text, concept) == assertions


# ------------------------------------------------------------------ evaluation
RECENT, OLD = dt.date(2026, 10, 1), dt.date(2023, 3, 1)
EVALUATED = [
    # a current state: a mention in the lookback decides, an older one is for a person
    ("Current smoker", [_mention("dx.smoking", RECENT)], Status.MET),
    ("Current smoker", [_mention("dx.smoking", OLD)], Status.UNKNOWN),
    ("Current smoker", [_mention("dx.smoking", RECENT, Assertion.NEGATED)], Status.NOT_MET),
    ("Current smoker", [], Status.NOT_MET),
    # a member implies its group
    ("Known cerebrovascular disease", [_mention("dx.tia", OLD)], Status.MET),
    ("Known cerebrovascular disease", [_mention("dx.stroke", OLD)], Status.MET),
    ("History of heart disease", [_mention("dx.mi", OLD)], Status.MET),
    ("History of thyroid disease", [_mention("dx.hashimoto", OLD)], Status.MET),
    ("Other autoimmune disease", [_mention("dx.hashimoto", OLD)], Status.MET),
    # "chronic": the long-standing disease now; a mention before the lookback is for a
    # person to confirm (an old ILD note is no proof of lung disease today)
    ("Chronic lung disease", [_mention("dx.ild", OLD)], Status.UNKNOWN),
    ("Inflammatory bowel disease", [_mention("dx.crohn", OLD)], Status.MET),
    ("History of malignancy", [_mention("dx.haem_malignancy", OLD)], Status.MET),
    ("Myocardial infarction within 6 months", [_mention("dx.mi", OLD)], Status.NOT_MET),
    ("Myocardial infarction within 6 months", [_mention("dx.mi", RECENT)], Status.MET),
    # notes name the lymphoma or the breast cancer, seldom "haematological malignancy" or
    # "solid tumour": a documented malignancy is for a person, none decides
    ("History of haematological malignancy", [_mention("dx.malignancy", OLD)], Status.MANUAL),
    ("History of haematological malignancy", [], Status.NOT_MET),
    ("History of haematological malignancy", [_mention("dx.haem_malignancy", OLD)], Status.MET),
    # "Solid tumour" named bare is the tumour now: a malignancy of no named kind
    # documented before the lookback may be one still present, for a person
    ("Solid tumour", [_mention("dx.malignancy", OLD)], Status.UNKNOWN),
    ("Solid tumour", [_mention("dx.malignancy", RECENT)], Status.MANUAL),
    ("Solid tumour", [], Status.NOT_MET),
    # a judged degree: decided only when the condition is absent
    ("Uncontrolled hypertension", [], Status.NOT_MET),
    ("Uncontrolled hypertension", [_mention("dx.hypertension", RECENT)], Status.MANUAL),
    # drug-induced lupus is not SLE
    ("Drug-induced lupus", [_mention("dx.sle", OLD)], Status.NOT_MET),
    # notes name the stroke or the epilepsy, seldom "neurological disease", and the
    # vocabulary does not know every one: a member decides, silence does not
    ("Neurological disease", [_mention("dx.stroke", RECENT)], Status.MET),
    # named bare, the disease now: a stroke years ago is for a person; multiple sclerosis
    # does not resolve
    ("Neurological disease", [_mention("dx.stroke", OLD)], Status.UNKNOWN),
    ("Neurological disease", [_mention("dx.multiple_sclerosis", OLD)], Status.MET),
    ("Neurological disease", [], Status.UNKNOWN),
    ("Active neurological disease", [], Status.UNKNOWN),
    ("Neurological disorders other than epilepsy", [_mention("dx.seizure", OLD)],
     Status.UNKNOWN),
    ("History of depression", [_mention("dx.depression", OLD)], Status.MET),
    ("Psychiatric illness", [_mention("dx.depression", RECENT)], Status.MET),
    # a bare disease of an exclusion is the disease now: one that may resolve (an
    # acquired coagulopathy), documented long ago, is for a person; one in the lookback
    # decides, and so does an old one of a disease that does not resolve (haemophilia)
    ("Bleeding disorder", [_mention("dx.bleeding_disorder", OLD)], Status.UNKNOWN),
    ("Bleeding disorder", [_mention("dx.bleeding_disorder", RECENT)], Status.MET),
    ("Bleeding disorder", [_mention("dx.haemophilia", OLD)], Status.MET),
    ("History of opportunistic infection", [_mention("dx.infection", OLD)], Status.MANUAL),
    ("History of opportunistic infection", [], Status.NOT_MET),
    ("Hyperlipidaemia", [_mention("dx.familial_hypercholesterolemia", OLD)], Status.MET),
]


@pytest.mark.parametrize(("text", "findings", "expected"), EVALUATED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(EVALUATED)])
def test_an_exclusion_of_the_condition_is_decided_from_the_findings(text, findings, expected):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is expected


# ------------------------------------------------------------------ the bench's reading of gold
def test_the_bench_reads_a_concept_with_its_kinds_in_brackets_as_one_concept():
    """Gold "substance abuse (drug | alcohol)" is substance abuse, of either kind: a reading
    of substance abuse is correct, not "alcohol)" lost."""
    from benchmarks import bench_criteria as bench

    text = "Exclusion Criteria:\n\n* Current drug or alcohol abuse\n"
    row = {"nct": "NCT00000000", "row": 1, "source": "Current drug or alcohol abuse",
           "category": "diagnosis", "section": "exclusion", "computable": True, "meaning": "",
           "notes": "", "essentials": {"concept": "substance abuse (drug | alcohol)",
                                       "effect": "exclude", "temporality": "current"}}
    criterion = Criterion("exc-1", "x_substance", "exclusion", "Current drug or alcohol abuse",
                          "diagnosis", {"concepts": ["dx.substance_abuse"], "system": None,
                                        "temporality": "current", "window_days": 90})
    scored = bench.score_trial("NCT00000000", text, [row], [criterion]).rows[0]
    assert scored.outcome == bench.CORRECT, scored.reason


# ------------------------------------------------------------------ populations
# A case-control text lists each population's criteria under "For patients:" and "For
# control subjects:": each heading scopes its items to that population (a cohort, left to
# a person by the cohort guard), never to everyone. One "For X:" heading alone is a
# condition heading, not a population.
CASE_CONTROL = """Inclusion Criteria:

For patients:

* Systemic lupus erythematosus
* Aged 18 years or older

For healthy volunteers:

* Aged 18 years or older

Exclusion Criteria:

For patients:

* Hashimoto thyroiditis
* Current smoker

For healthy volunteers:

* Any autoimmune disease
"""


def test_for_whom_headings_of_a_case_control_text_scope_their_items_to_that_population():
    from matcher.criteria import parse_eligibility_text

    # The patients' block is the patients' criteria; the volunteers' never applies to a
    # patient (round 6: the engine matches patients).
    scoped = {(c.type, c.text): c for c in parse_eligibility_text(CASE_CONTROL)}
    for key in (("exclusion", "Hashimoto thyroiditis"),
                ("inclusion", "Systemic lupus erythematosus")):
        assert scoped[key].kind == "diagnosis" and scoped[key].params["cohort"] == "patients"
    volunteers = scoped[("exclusion", "Any autoimmune disease")]
    assert volunteers.kind == "manual" and not volunteers.unread
    assert volunteers.params == {"cohort": "healthy volunteers", "cohort_is_patients": False}


def test_a_single_for_whom_heading_is_no_population():
    from matcher.criteria import parse_eligibility_text

    text = ("Exclusion Criteria:\n\n* Current smoker\n\nFor women of childbearing potential:\n\n"
            "* Pregnancy\n")
    reasons = [c.manual_reason or "" for c in parse_eligibility_text(text)]
    assert len(reasons) == 2
    assert not any("cohort" in reason for reason in reasons)


# A member a group names narrowly ("major depressive disorder" is one depression) is no
# reading of the whole group, unless the item names a broader group whole and the member
# is its example.
@pytest.mark.parametrize(("text", "kind"), [
    ("Major depressive disorder", "manual"),
    ("Haemophilia A", "manual"),  # one haemophilia (tests/test_criteria_families13.py)
    ("Psychiatric disorders such as major depressive disorder", "diagnosis"),
    ("Severe psychiatric disease including schizophrenia, psychosis, suicidal depression, or "
     "substance abuse disorder", "diagnosis"),
])
def test_a_narrow_member_is_read_only_as_the_example_of_a_group_named_whole(text, kind):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == kind, criterion.manual_reason
    if kind == "manual":
        assert "narrower than" in (criterion.manual_reason or "")


# A condition after "prior to", "before", "following" is the time the item is anchored
# to, not a condition it excludes: "dementia prior to the stroke" does not exclude every
# stroke patient of a stroke trial.
@pytest.mark.parametrize("text", [
    "Had a diagnosis of dementia prior to the stroke.",
    "Depression before the onset of stroke",
    "Seizures following the myocardial infarction",
])
def test_a_condition_that_anchors_the_time_is_not_excluded_itself(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "stroke" not in str(criterion.params) and "dx.mi" not in str(criterion.params)
