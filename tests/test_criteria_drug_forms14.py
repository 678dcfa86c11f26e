"""Drug items real registries write that the reader left manual (issue 12, round 14): a
drug's abbreviation defined in brackets, registry spellings of drug classes, and the classes
and drugs of non-lupus trials (antioxidants, anti-osteoporotic and psychotropic medication,
TTR silencers), each with its ATC code; and the item whose class examples name a drug the
vocabulary's class does not hold, which stays manual. Every sentence is written for this
file.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.model import Status
from matcher.nlp.vocab import load_vocabulary
from tests.parse_support import decided

# An abbreviation in brackets right after the term it spells names that term again; the
# letters of a route or a schedule ("(PO)", "(BID)") and letters that spell nothing before
# them stay for the coverage guard.
ABBREVIATED: list[tuple[str, list[str]]] = [
    ("Use of acetylsalicylic acid (ASA) within 4 weeks", ["drug.aspirin"]),
    ("Treatment with thioguanin (TG) in the past 3 months", ["drug.thioguanine"]),
    ("6-mercaptopurin (6-MP) within 3 months before screening", ["drug.mercaptopurine"]),
]


@pytest.mark.parametrize(("text", "concepts"), ABBREVIATED, ids=[a[0] for a in ABBREVIATED])
def test_an_abbreviation_in_brackets_that_spells_the_drug_names_it_again(
    text: str, concepts: list[str]
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    vocab = load_vocabulary()
    expected = {d for c in concepts for d in vocab.expand(c)}
    assert set(criterion.params["drugs"]) == expected


@pytest.mark.parametrize(("text", "word"), [
    ("Prednisone (PO) within 4 weeks before screening", "PO"),
    ("Methotrexate (BID) within 4 weeks before screening", "BID"),
    ("Use of acetylsalicylic acid (XYZ) within 4 weeks", "XYZ"),
    # "TG" spells thioguanine, not azathioprine: it follows the wrong term
    ("Thioguanine or azathioprine (TG) in the past 3 months", "TG"),
])
def test_bracketed_letters_that_are_no_abbreviation_of_the_term_stay_not_understood(
    text: str, word: str
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert word in (criterion.manual_reason or "")


CLASS_ITEMS: list[tuple[str, str, int]] = [
    ("Current medication with serotonin-selective re-uptake inhibitors", "class.ssri", 90),
    ("Current serotonin-noradrenaline re-uptake inhibitor", "class.snri", 90),
    ("Anti-TNF-alpha biologicals within 12 weeks", "class.anti_tnf", 84),
    ("Use of anti-mycotic drugs during 4 weeks before study entry", "class.antifungal", 28),
    ("Calcineurin antagonists in the previous 4 weeks", "class.cni", 28),
    ("Antioxidant supplements within 7 days before screening", "class.antioxidant", 7),
    ("Patients receiving an anti-osteoporotic treatment", "class.anti_osteoporotic", 90),
    ("Intake of psychotropic medication in the last four weeks", "class.psychotropic", 28),
    ("Already on lipid lowering therapy", "class.lipid_lowering", 90),
    ("Has previously received inotersen within 6 months", "drug.inotersen", 183),
    ("Patisiran in the last 3 months", "drug.patisiran", 91),
    ("Topical pimecrolimus within the past 4 weeks", "drug.pimecrolimus", 28),
]


@pytest.mark.parametrize(("text", "concept", "window"), CLASS_ITEMS,
                         ids=[c[0] for c in CLASS_ITEMS])
def test_a_drug_or_class_item_is_read_as_its_drugs(text: str, concept: str,
                                                   window: int) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    vocab = load_vocabulary()
    assert set(criterion.params["drugs"]) == set(vocab.expand(concept))
    assert criterion.params["window_days"] == window


@pytest.mark.parametrize(("cls", "code", "some"), [
    ("class.antioxidant", None, ["drug.vitamin_e", "drug.vitamin_c", "drug.selenium",
                                 "drug.beta_carotene", "drug.acetylcysteine"]),
    ("class.anti_osteoporotic", "ATC:M05B", ["drug.alendronate", "drug.denosumab",
                                             "drug.teriparatide", "drug.raloxifene"]),
    ("class.psychotropic", "ATC:N05", ["drug.sertraline", "drug.quetiapine", "drug.diazepam",
                                       "drug.zolpidem", "drug.venlafaxine"]),
])
def test_a_new_class_is_coded_and_its_members_too(cls: str, code: str | None,
                                                  some: list[str]) -> None:
    vocab = load_vocabulary()
    assert vocab[cls].code == code
    members = set(vocab.expand(cls))
    assert set(some) <= members
    for member in members:
        assert vocab[member].code, member


def test_already_treated_is_a_past_course_not_the_present() -> None:
    # "already treated with rituximab" says it was given, not that it is taken now
    criterion = parse_criterion("Patients already treated with rituximab", "exclusion")
    assert not criterion.params.get("current")


@pytest.mark.parametrize("text", [
    "Treatments with topical immunomodulators (tacrolimus or pimecrolimus) within 3 months",
    "Immunosuppressants such as pimecrolimus within 3 months",
])
def test_a_class_whose_examples_name_a_drug_outside_it_is_manual(text: str) -> None:
    # read as the vocabulary's immunomodulators plus the examples, it would exclude a
    # patient on oral prednisolone the trial does not mean
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "example" in (criterion.manual_reason or "")


def test_examples_inside_the_class_keep_the_class_reading() -> None:
    criterion = parse_criterion(
        "Calcineurin inhibitors (tacrolimus or cyclosporine) within 3 months", "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == set(load_vocabulary().expand("class.cni"))


@pytest.mark.parametrize("text", [
    "Vitamin C level 40 umol/L.",
    "Selenium levels were low.",
    "Vitamin E deficiency screen sent.",
])
def test_a_vitamin_level_in_a_note_is_no_supplement_taken(text: str) -> None:
    from matcher.api import parse_text
    from tests.parse_support import NOTE_DATE

    concepts = {f.concept for f in parse_text(text, NOTE_DATE, note_id="n1")}
    assert not concepts & {"drug.vitamin_c", "drug.selenium", "drug.vitamin_e"}


@pytest.mark.parametrize(("item", "sentence", "status"), [
    ("Current use of anti-osteoporotic treatment", "Denosumab 60 mg every 6 months.",
     Status.MET),
    ("Antioxidant supplements within 4 weeks before screening",
     "Takes vitamin E 400 IU daily.", Status.MET),
])
def test_a_note_with_a_member_drug_decides_the_class_item(item: str, sentence: str,
                                                          status: Status) -> None:
    assert decided("exclusion", item, sentence) is status


# ---------------------------------------------------------------- labs named by their organ


@pytest.mark.parametrize(("text", "analytes", "op", "value"), [
    ("Severe liver disease (AST or ALT >= 100 U/L)", {"lab.ast", "lab.alt"}, ">=", 100.0),
    ("Elevated liver enzymes (ALT > 150 U/L)", {"lab.alt"}, ">", 150.0),
])
def test_a_liver_condition_defined_by_its_enzymes_is_the_enzyme_limit(
    text: str, analytes: set[str], op: str, value: float
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert set(criterion.params["analytes"]) == analytes
    assert (criterion.params["op"], criterion.params["value"]) == (op, value)


def test_a_liver_disease_without_its_definition_stays_a_diagnosis() -> None:
    criterion = parse_criterion("History of liver disease", "exclusion")
    assert criterion.kind == "diagnosis"


@pytest.mark.parametrize("text", [
    "Impaired renal function (eGFR < 45 ml/min/1.73 m2) will be excluded.",
    "Impaired renal function (eGFR < 45 ml/min/1.73 m2) are excluded from the study",
])
def test_an_exclusion_that_says_excluded_again_is_read(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == ["lab.egfr"]


def test_an_inclusion_that_says_excluded_stays_not_understood() -> None:
    # among inclusions the words turn the item round; a person reads it
    criterion = parse_criterion(
        "Impaired renal function (eGFR < 45 ml/min/1.73 m2) will be excluded.", "inclusion")
    assert criterion.kind == "manual"
    assert "excluded" in (criterion.manual_reason or "")


# ---------------------------------------------------------------- scores of other specialties


@pytest.mark.parametrize(("text", "concept", "op", "value"), [
    ("QMG score >= 12 at screening", "score.qmg", ">=", 12.0),
    ("Full Mayo score < 3", "score.mayo", "<", 3.0),
    ("MMSE score below 24", "score.mmse", "<", 24.0),
])
def test_a_named_score_with_its_threshold_is_read(text: str, concept: str, op: str,
                                                  value: float) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "score", criterion.manual_reason
    assert (criterion.params["concept"], criterion.params["op"],
            criterion.params["value"]) == (concept, op, value)


def test_the_modified_mayo_score_is_not_the_full_one() -> None:
    # the modified Mayo score (0-9) leaves out the physician's global assessment: a
    # threshold on it is no threshold on the full score (0-12)
    criterion = parse_criterion("Modified Mayo score >= 5", "inclusion")
    assert criterion.params.get("concept") != "score.mayo"


@pytest.mark.parametrize(("text", "analyte", "op"), [
    ("Elevated serum creatinine (>= 140 umol/L)", "lab.creatinine", ">="),
    ("Persistent elevation of serum creatinine (>= 140 umol/L)", "lab.creatinine", ">="),
    ("Raised CRP (> 10 mg/L)", "lab.crp", ">"),
    ("Low platelets (< 50,000/uL)", "lab.platelets", "<"),
])
def test_a_word_that_says_the_side_of_the_limit_is_read_with_it(text: str, analyte: str,
                                                                 op: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == [analyte]
    assert criterion.params["op"] == op


@pytest.mark.parametrize(("text", "word"), [
    # the word says the other side than the limit: which one is meant is not known
    ("Elevated creatinine < 1.5 mg/dL", "Elevated"),
    # a rise is a change from the patient's own value, never a level
    ("Increase in creatinine >= 0.3 mg/dL", "Increase"),
])
def test_a_side_word_against_its_limit_or_a_change_stays_not_understood(text: str,
                                                                         word: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert word in (criterion.manual_reason or "")


# ---------------------------------------------------------------- a value between two limits


@pytest.mark.parametrize(("text", "kind", "analyte", "low", "high"), [
    ("40kg≤ Weight ≤100kg", "vital", "lab.weight", 40.0, 100.0),
    ("18 ≤ BMI ≤ 30 kg/m2", "vital", "lab.bmi", 18.0, 30.0),
    ("0.5 g/24h ≤ proteinuria ≤ 3 g/24h", "lab", "lab.urine_protein_24h", 0.5, 3.0),
])
def test_a_double_inequality_is_read_as_two_limits(text: str, kind: str, analyte: str,
                                                   low: float, high: float) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == kind, criterion.manual_reason
    params = criterion.params
    assert params["analytes"] == [analyte]
    assert (params["op"], params["value"]) == (">=", low)
    assert [(a["op"], a["value"]) for a in params["alternatives"]] == [("<=", high)]
    assert params["combine"] == "and"


def test_a_double_inequality_of_age_is_the_age_range() -> None:
    criterion = parse_criterion("18 ≤ age ≤ 65", "inclusion")
    assert criterion.kind == "age", criterion.manual_reason
    assert (criterion.params["min_years"], criterion.params["max_years"]) == (18, 65)


@pytest.mark.parametrize("text", [
    "65 ≤ age ≤ 18",  # limits that do not rise the way the signs point
    "40 < weight > 100 kg",  # signs that face each other
])
def test_a_double_inequality_that_does_not_hold_together_is_not_read(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


def test_the_criterion_keeps_the_double_inequality_as_written() -> None:
    criterion = parse_criterion("40kg≤ Weight ≤100kg", "inclusion")
    assert criterion.text == "40kg≤ Weight ≤100kg"


# ---------------------------------------------------------------- a length without the drug


@pytest.mark.parametrize(("text", "window"), [
    ("No rituximab for at least 6 months", 183),
    ("Not taking antibiotics for at least three months", 91),
    ("Have not received rituximab for at least 6 months before screening", 183),
])
def test_a_length_under_a_denying_lead_is_how_long_without_the_drug(text: str,
                                                                    window: int) -> None:
    # read as how long a course has run, "no rituximab for at least 6 months" excluded only
    # a patient on rituximab for 6 months and let one given it last week in
    [criterion] = [c for c in parse_eligibility_text(
        f"Inclusion Criteria:\n\n* {text}\n", vocabulary=load_vocabulary()) if c.text == text]
    assert criterion.type == "exclusion"
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == window
    assert not criterion.params.get("current")
    assert not criterion.params.get("min_duration_days")


def test_a_length_of_a_running_course_is_still_its_duration() -> None:
    criterion = parse_criterion("Receiving rituximab for at least 6 months", "inclusion")
    assert criterion.params["current"] is True
    assert criterion.params["min_duration_days"] == 183


def test_a_recent_course_breaks_the_length_without_the_drug() -> None:
    import datetime as dt

    from matcher.api import parse_text
    from matcher.judge.evaluate import evaluate
    from matcher.judge.timeline import build_timeline
    from matcher.model import Patient

    text = "No rituximab for at least 6 months"
    [criterion] = [c for c in parse_eligibility_text(
        f"Inclusion Criteria:\n\n* {text}\n", vocabulary=load_vocabulary()) if c.text == text]
    # given three weeks before the as-of date: inside the six months without it
    findings = parse_text("Rituximab 1 g IV given today.", dt.date(2026, 10, 30), note_id="n1")
    timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 10, 30)},
                              dt.date(2026, 11, 20))
    assert evaluate(criterion, timeline).status is Status.MET  # the exclusion applies


# ---------------------------------------------------------------- glucose-lowering drugs


@pytest.mark.parametrize(("cls", "code", "some"), [
    ("class.sglt2_inhibitor", "ATC:A10BK", ["drug.dapagliflozin", "drug.empagliflozin"]),
    ("class.dpp4_inhibitor", "ATC:A10BH", ["drug.sitagliptin", "drug.linagliptin"]),
    ("class.glp1_agonist", "ATC:A10BJ", ["drug.liraglutide", "drug.semaglutide"]),
    ("class.sulfonylurea", "ATC:A10BB", ["drug.gliclazide", "drug.glimepiride"]),
    ("class.antidiabetic", "ATC:A10", ["drug.metformin", "drug.insulin", "drug.semaglutide"]),
])
def test_a_glucose_lowering_class_is_coded_and_its_members_too(cls: str, code: str,
                                                               some: list[str]) -> None:
    vocab = load_vocabulary()
    assert vocab[cls].code == code
    members = set(vocab.expand(cls))
    assert set(some) <= members
    for member in members:
        assert vocab[member].code, member


def test_oral_glucose_lowering_drugs_leave_out_insulin_and_the_injected_agonists() -> None:
    criterion = parse_criterion("Patients on oral hypoglycemic agents", "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    drugs = set(criterion.params["drugs"])
    assert "drug.metformin" in drugs
    assert not drugs & {"drug.insulin", "drug.liraglutide", "drug.dulaglutide"}


@pytest.mark.parametrize(("text", "concept"), [
    ("Current use of SGLT2 inhibitors", "class.sglt2_inhibitor"),
    ("Use of DPP-4 inhibitors within 3 months", "class.dpp4_inhibitor"),
    ("Current sulfonylurea therapy", "class.sulfonylurea"),
])
def test_a_glucose_lowering_class_item_is_read_as_its_drugs(text: str, concept: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == set(load_vocabulary().expand(concept))


def test_a_note_with_empagliflozin_decides_the_sglt2_item() -> None:
    assert decided("exclusion", "Current use of SGLT2 inhibitors",
                   "Empagliflozin 10 mg daily for CKD.") is Status.MET


# ---------------------------------------------------------------- age wording


@pytest.mark.parametrize(("text", "low", "high"), [
    ("Eligible male and female participants, aged 18 to 75 years", 18, 75),
    ("18-44 years old at the time of recruitment", 18, 44),
])
def test_an_age_range_with_words_of_eligibility_or_recruitment_is_read(text: str, low: int,
                                                                        high: int) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "age", criterion.manual_reason
    assert (criterion.params["min_years"], criterion.params["max_years"]) == (low, high)


def test_a_liver_disease_defined_in_brackets_is_its_enzymes_not_also_the_diagnosis() -> None:
    # "liver disease is defined by the lab values" (corpus d's gold): a fatty liver with
    # normal enzymes does not exclude
    criterion = parse_criterion(
        "Liver disease (serum ALT, AST >2x normal) or total serum bilirubin >1.5x normal",
        "exclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert set(criterion.params["analytes"]) == {"lab.alt", "lab.ast"}
    assert {"concepts": ["dx.liver_disease"]} not in criterion.params["alternatives"]
