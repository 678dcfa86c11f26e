"""Breadth grammar of round 11: phrasings common across disease areas that left an item
`manual` although every word of it has a reading.

"Including, but not limited to" only says a list is illustrative: the item means what it
means with "including" ("Chronic infections, including but not limited to tuberculosis" is
chronic infection, tuberculosis among them). Its "not" negates nothing.

Sentences are invented, in the shapes registry sponsors use.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.grammar import GRAMMAR_FILE, _grammar_of, criteria_data_text
from matcher.errors import MatcherError
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Patient, Status

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 11, 1)
DIABETES_TRIAL = "Inclusion Criteria:\n- Type 2 diabetes mellitus\nExclusion Criteria:\n"


def _exclusion(text: str, trial: str = DIABETES_TRIAL) -> Criterion:
    criteria = parse_eligibility_text(f"{trial}- {text}\n", ())
    return [c for c in criteria if c.type == "exclusion"][-1]


def _status(criterion: Criterion, findings: list) -> Status:
    dates = {f.note_id: f.date or AS_OF for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


# ------------------------------------------------ "including, but not limited to"

# (the item with the idiom, the same item with plain "including"/"such as")
ILLUSTRATIVE_LISTS = [
    ("Chronic or recurrent infections, including, but not limited to, tuberculosis, HIV or "
     "hepatitis B",
     "Chronic or recurrent infections, including tuberculosis, HIV or hepatitis B"),
    ("Active infection including but not limited to tuberculosis",
     "Active infection including tuberculosis"),
    ("Autoimmune disease, including (but not limited to) rheumatoid arthritis, multiple "
     "sclerosis or psoriasis",
     "Autoimmune disease, such as rheumatoid arthritis, multiple sclerosis or psoriasis"),
    ("Cardiovascular disease including but not limited to myocardial infarction, stroke or "
     "heart failure",
     "Cardiovascular disease including myocardial infarction, stroke or heart failure"),
    ("Immunosuppressive drugs, including without limitation methotrexate, azathioprine or "
     "mycophenolate, within 3 months",
     "Immunosuppressive drugs, including methotrexate, azathioprine or mycophenolate, "
     "within 3 months"),
    ("Cardiovascular disease such as, but not limited to, myocardial infarction or stroke",
     "Cardiovascular disease such as myocardial infarction or stroke"),
]


@pytest.mark.parametrize(("idiom", "plain"), ILLUSTRATIVE_LISTS)
def test_including_but_not_limited_to_reads_as_including(idiom, plain):
    expected = _exclusion(plain)
    assert expected.kind != "manual", expected.manual_reason  # the plain item is read
    criterion = _exclusion(idiom)
    assert criterion.kind == expected.kind, criterion.manual_reason
    assert criterion.params == expected.params


@pytest.mark.parametrize(
    "text",
    [
        # The "not" of the idiom is no negation, but a real one still is not understood.
        "Infections not limited to the lungs",
        "Tuberculosis, but not latent tuberculosis",
    ],
)
def test_a_real_not_beside_a_list_is_still_not_read_away(text):
    criterion = _exclusion(text)
    assert criterion.kind == "manual"


def test_an_idiom_without_a_meaning_word_belongs_to_filler_and_is_refused():
    grammar = criteria_data_text("criteria_grammar.json")
    broken = grammar.replace('"example_idioms": [', '"example_idioms": ["such as for example", ', 1)
    assert broken != grammar
    with pytest.raises(MatcherError, match="example_idioms"):
        _grammar_of(broken, GRAMMAR_FILE)


# ------------------------------------------------------------ ASA physical status
# The American Society of Anesthesiologists' physical status class (I healthy, II mild
# systemic disease, III severe systemic disease, IV a constant threat to life, V moribund)
# gates most anaesthesia and surgery trials; pre-operative notes record it.

ASA_ITEMS = [
    ("ASA physical status I or II", {"low": 1.0, "high": 2.0}),
    ("ASA class I-III", {"low": 1.0, "high": 3.0}),
    ("American Society of Anesthesiologists physical status 1 or 2", {"low": 1.0, "high": 2.0}),
    ("American Society of Anaesthesiologists (ASA) class I to II", {"low": 1.0, "high": 2.0}),
    ("ASA score ≤ 2", {"op": "<=", "value": 2.0}),
    ("ASA grade ≥ 3", {"op": ">=", "value": 3.0}),
    ("ASA physical status III-V", {"low": 3.0, "high": 5.0}),
    ("ASA physical status > III", {"op": ">", "value": 3.0}),
]


@pytest.mark.parametrize(("text", "threshold"), ASA_ITEMS)
def test_an_asa_physical_status_is_read_as_its_score(text, threshold):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "score", criterion.manual_reason
    assert criterion.params == {"concept": "score.asa", **threshold}


@pytest.mark.parametrize(
    "text",
    [
        # "ASA" alone is also acetylsalicylic acid ("ASA 81 mg"): without its scale word the
        # numeral is not read as a class.
        "ASA I-II",
        "ASA 3 or 4",
        "Current use of ASA or NSAIDs",
    ],
)
def test_a_bare_asa_is_not_read_as_the_physical_status(text):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind != "score"


@pytest.mark.parametrize(
    ("note", "value"),
    [
        ("Pre-anaesthetic assessment: ASA physical status II.", 2.0),
        ("ASA class III, scheduled for elective hernia repair.", 3.0),
        ("American Society of Anesthesiologists physical status I.", 1.0),
        ("ASA II-III.", None),  # a range is not one class
        ("ASA 81 mg daily.", None),  # aspirin
    ],
)
def test_the_notes_give_the_asa_physical_status(note, value):
    from matcher.api import parse_text

    found = [f.value for f in parse_text(note, RECENT) if f.concept == "score.asa"]
    assert found == ([] if value is None else [value])


def test_an_asa_inclusion_decides_from_a_note():
    from matcher.api import parse_text

    criterion = parse_criterion("ASA physical status I or II", "inclusion")
    assert _status(criterion, parse_text("ASA physical status II.", RECENT)) is Status.MET
    assert _status(criterion, parse_text("ASA class III.", RECENT)) is Status.NOT_MET
    assert _status(criterion, parse_text("Fit and well.", RECENT)) is Status.UNKNOWN


# ------------------------------------------- general-medicine vocabulary (breadth)
# Conditions, procedures and drug classes that trials of every area exclude and notes
# record: a coronary revascularisation, a bariatric operation, diabetic
# ketoacidosis, claustrophobia (MRI trials), blood-pressure medication.

VOCABULARY_ITEMS = [
    ("Coronary artery bypass grafting (CABG) within 6 months", ["proc.cabg"], 183),
    ("History of CABG", ["proc.cabg"], None),
    ("Prior coronary artery bypass surgery", ["proc.cabg"], None),
    ("Percutaneous coronary intervention within the past 3 months", ["proc.pci"], 91),
    ("Previous PTCA or coronary stenting", ["proc.pci"], None),
    ("Coronary angiography within 30 days before screening", ["proc.coronary_angiography"], 30),
    ("History of bariatric surgery", ["proc.bariatric_surgery"], None),
    ("Prior gastric bypass or sleeve gastrectomy", ["proc.bariatric_surgery"], None),
    ("Diabetic ketoacidosis within the past 6 months", ["dx.dka"], 183),
    ("History of DKA", ["dx.dka"], None),
    # a phobia is a state the patient is in: named bare, it is the state now (the reader's
    # 90-day lookback); "history of claustrophobia" would be ever
    ("Claustrophobia", ["dx.claustrophobia"], 90),
    ("Known claustrophobia", ["dx.claustrophobia"], 90),
]


@pytest.mark.parametrize(("text", "concepts", "window"), VOCABULARY_ITEMS)
def test_general_medicine_conditions_and_procedures_are_read(text, concepts, window):
    criterion = _exclusion(text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("window_days") == window


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("Use of antihypertensive medication within 4 weeks before screening", 28),
        ("Prior treatment with antihypertensive drugs", None),
        ("Currently taking anti-hypertensive agents", 90),  # the reader's current lookback
        ("Blood pressure lowering medication within the last 3 months", 91),
    ],
)
def test_antihypertensive_medication_is_every_blood_pressure_drug(text, window):
    criterion = _exclusion(text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    drugs = set(criterion.params["drugs"])
    # the five main classes and the older agents a patient may take alone
    assert {"drug.lisinopril", "drug.losartan", "drug.amlodipine", "drug.metoprolol",
            "drug.hydrochlorothiazide", "drug.clonidine", "drug.hydralazine",
            "drug.doxazosin"} <= drugs  # fmt: skip
    assert criterion.params.get("window_days") == window


@pytest.mark.parametrize(
    ("note", "concept"),
    [
        ("s/p CABG x3 in 2019, stable since.", "proc.cabg"),
        ("Underwent percutaneous coronary intervention to the LAD last year.", "proc.pci"),
        ("Previous Roux-en-Y gastric bypass.", "proc.bariatric_surgery"),
        ("Admitted with diabetic ketoacidosis in March.", "dx.dka"),
        ("Clonidine 0.1 mg twice daily.", "drug.clonidine"),
    ],
)
def test_the_notes_name_the_new_concepts(note, concept):
    from matcher.api import parse_text

    assert concept in {f.concept for f in parse_text(note, RECENT)}


# ------------------------------------------------------------ CKD stages as eGFR
# A CKD stage from 3 on is an eGFR category (KDIGO 2012: G3a 45-59, G3b 30-44, G4 15-29,
# G5 < 15 mL/min/1.73 m²); notes give the eGFR far more often than the stage. Stages 1
# and 2 also need a marker of kidney damage, which the eGFR alone does not show.

EGFR = {"analytes": ["lab.egfr"], "unit": "mL/min/1.73m2"}

CKD_STAGE_BELOW = [
    ("Chronic kidney disease stage 4 or 5", 30.0),
    ("CKD stage 4-5", 30.0),
    ("CKD stages 3b to 5", 45.0),
    ("Stage IV or V chronic kidney disease", 30.0),
    ("CKD G4-G5", 30.0),
    ("CKD stage ≥ 4", 30.0),
    ("Chronic kidney disease (CKD) stage 4 or higher", 30.0),
    ("Known CKD stage 3 or above", 60.0),
]


@pytest.mark.parametrize(("text", "below"), CKD_STAGE_BELOW)
def test_a_ckd_stage_exclusion_is_its_egfr_category(text, below):
    criterion = _exclusion(text)
    assert criterion.kind == "lab", criterion.manual_reason
    params = criterion.params
    assert {k: params[k] for k in ("analytes", "unit", "op", "value")} == {
        **EGFR, "op": "<", "value": below}
    assert "alternatives" not in params


@pytest.mark.parametrize(
    ("text", "low", "below"),
    [
        ("CKD stage 3 or 4", 15.0, 60.0),
        ("CKD stage 3", 30.0, 60.0),  # its category, never any chronic kidney disease
        ("Chronic kidney disease stage 3b-4", 15.0, 45.0),
        ("Patients with CKD stage 3a", 45.0, 60.0),
        ("Stage 3 to 4 chronic kidney disease", 15.0, 60.0),
    ],
)
def test_a_ckd_stage_inclusion_is_its_egfr_range(text, low, below):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    params = criterion.params
    assert (params["op"], params["value"]) == (">=", low)
    assert params["alternatives"] == [{**EGFR, "op": "<", "value": below}]
    assert params["combine"] == "and"


def test_a_ckd_stage_restated_as_its_egfr_reads_the_egfr():
    criterion = _exclusion("Chronic kidney disease stage 4 or 5 (eGFR < 30 mL/min/1.73 m2)")
    assert criterion.kind == "lab", criterion.manual_reason
    assert (criterion.params["op"], criterion.params["value"]) == ("<", 30.0)
    # the disease the stage names is that eGFR, not any chronic kidney disease beside it
    assert "alternatives" not in criterion.params


@pytest.mark.parametrize(
    "text",
    [
        "CKD stage 1 or 2",  # needs a marker of kidney damage beside the eGFR
        "CKD stage 3 (eGFR < 15 mL/min/1.73 m2)",  # the stage and the eGFR disagree
        "CKD stage 2 or higher",
    ],
)
def test_a_ckd_stage_the_egfr_cannot_stand_for_stays_manual(text):
    assert _exclusion(text).kind == "manual"


def test_ckd_stage_5_alone_stays_end_stage_renal_disease():
    criterion = _exclusion("CKD stage 5")
    assert criterion.kind == "diagnosis"
    assert criterion.params["concepts"] == ["dx.esrd"]


def test_a_ckd_stage_exclusion_decides_from_the_notes_egfr():
    from matcher.api import parse_text

    criterion = parse_criterion("CKD stage 4 or 5", "exclusion")
    assert _status(criterion, parse_text("eGFR 24 mL/min/1.73m2.", RECENT)) is Status.MET
    assert _status(criterion, parse_text("eGFR 52 mL/min/1.73m2.", RECENT)) is Status.NOT_MET


@pytest.mark.parametrize(
    ("text", "field"),
    [
        # stage 4 does not end where stage 3b begins
        ('{"version": 1, "description": "x", "analyte": "lab.egfr", "unit": "u", '
         '"stages": [{"stage": "3b", "egfr": [30, 45]}, {"stage": "4", "egfr": [10, 25]}], '
         '"from_egfr_alone": "3b", "names": ["CKD"], "stage_words": ["stage"], '
         '"higher": ["or higher"]}', "stages[1]"),
        ('{"version": 1, "description": "x", "analyte": "lab.egfr", "unit": "u", '
         '"stages": [{"stage": "4", "egfr": [15, 30]}], "from_egfr_alone": "3a", '
         '"names": ["CKD"], "stage_words": ["stage"], "higher": ["or higher"]}',
         "from_egfr_alone"),
    ],
)
def test_a_bad_ckd_stage_file_is_refused_naming_the_file_and_field(monkeypatch, text, field):
    from matcher.criteria import ckd_stage
    from matcher.errors import VocabularyError

    monkeypatch.setattr(ckd_stage, "criteria_data_text", lambda name: text)
    ckd_stage._grammar.cache_clear()
    try:
        with pytest.raises(VocabularyError) as raised:
            ckd_stage.ckd_stage("CKD stage 4")
    finally:
        ckd_stage._grammar.cache_clear()
    assert "ckd_stages.json" in str(raised.value)
    assert field in str(raised.value)


# ------------------------------------------------------------- "Adult <condition>"
# "Adult type 2 diabetes patients": "adult" is an age of 18 or more (as in "Adult patients
# with SLE"), and the rest of the item is read on its own.


def _inclusions(text: str) -> list[Criterion]:
    criteria = parse_eligibility_text(f"Inclusion Criteria:\n- {text}\n", ())
    return [c for c in criteria if c.type == "inclusion"]


@pytest.mark.parametrize(
    ("text", "kind", "concepts"),
    [
        ("Adult psoriatic arthritis patients", "diagnosis", ["dx.psoriatic_arthritis"]),
        ("Adult type 2 diabetes patients", "diagnosis", ["dx.diabetes_t2"]),
        ("Adult asthma patients", "diagnosis", ["dx.asthma"]),
    ],
)
def test_adult_before_a_condition_is_an_age_of_18_and_the_condition(text, kind, concepts):
    age, condition = _inclusions(text)
    assert (age.kind, age.params) == ("age", {"min_years": 18, "max_years": None})
    assert condition.kind == kind, condition.manual_reason
    assert condition.params["concepts"] == concepts


@pytest.mark.parametrize(
    "text",
    [
        "Adult onset Still's disease",  # a disease's own name
        "Adult healthy volunteers",
        "Adult patients able to swallow tablets",
    ],
)
def test_adult_before_words_that_are_not_a_condition_is_not_split(text):
    criteria = _inclusions(text)
    assert not any(c.kind == "age" and len(criteria) == 2
                   and criteria[1].kind in ("diagnosis", "drug_exposure") for c in criteria)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Medical diagnosis of type 2 diabetes", "dx.diabetes_t2"),
        ("Patients with a medical diagnosis of hypertension", "dx.hypertension"),
        ("Established medical diagnosis of asthma", "dx.asthma"),
    ],
)
def test_a_medical_diagnosis_is_the_diagnosis(text, concept):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
