"""The diagnosis and procedure vocabulary registry exclusions name (REGISTRY.md #12):
herpes zoster, chronic and serious infection, hypogammaglobulinaemia and IgA deficiency,
hepatic failure, end-stage renal disease, pancreatitis, gastrointestinal bleeding, peptic
ulcer, lymphoproliferative disease, heart failure, arrhythmia, myocarditis, psychosis,
other autoimmune diseases, and the drugs blinatumomab and warfarin.

One vocabulary serves both readers, so each concept is tested on both sides: a registry
item in several sponsors' wordings is read as the concept (matcher.criteria), and a clinic
note sentence yields the finding with the right assertion (matcher.nlp), including the
traps a broad synonym would fall into ("peptic ulcer prophylaxis", "sinus arrhythmia",
"zoster vaccine"). The evaluator decides an exclusion from those findings, and says
"unknown" rather than "not met" for a concept notes seldom name in those words.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

NOTE_DATE = dt.date(2026, 11, 15)
AS_OF = dt.date(2026, 11, 20)


def _read(ctype: str, text: str) -> Criterion:
    return parse_criterion(text, ctype)


def _exclusion(text: str, kind: str = "diagnosis") -> Criterion:
    """The item read as an exclusion, which must be of `kind`."""
    criterion = _read("exclusion", text)
    assert criterion.kind == kind, criterion.manual_reason
    return criterion


# ------------------------------------------------------------------ registry items
# (section, item in a sponsor's words, concepts, extra params that must hold)
ITEMS: list[tuple[str, str, list[str], dict[str, Any]]] = [
    ("exclusion", "Shingles within the past 3 months", ["dx.herpes_zoster"],
     {"window_days": 91}),
    ("exclusion", "Herpes zoster infection in the last 12 weeks", ["dx.herpes_zoster"],
     {"window_days": 84}),
    ("exclusion", "History of hypogammaglobulinaemia", ["dx.hypogammaglobulinemia"], {}),
    ("exclusion", "Known selective IgA deficiency", ["dx.iga_deficiency"], {}),
    ("exclusion", "Hypogammaglobulinemia or IgA deficiency",
     ["dx.hypogammaglobulinemia", "dx.iga_deficiency"], {}),
    ("exclusion", "Liver failure", ["dx.hepatic_failure"], {}),
    ("exclusion", "Subjects with end stage kidney disease", ["dx.esrd"], {}),
    ("exclusion", "ESRD", ["dx.esrd"], {}),
    ("exclusion", "Acute pancreatitis within the previous 6 months", ["dx.pancreatitis"],
     {"window_days": 183}),
    ("exclusion", "History of GI bleeding or peptic ulcer disease",
     ["dx.gi_bleeding", "dx.peptic_ulcer"], {}),
    ("exclusion", "Prior gastrointestinal haemorrhage", ["dx.gi_bleeding"], {}),
    ("exclusion", "Known lymphoproliferative disorder", ["dx.lymphoproliferative"], {}),
    ("exclusion", "History of congestive heart failure", ["dx.heart_failure"], {}),
    ("exclusion", "Myocarditis in the last year", ["dx.myocarditis"], {"window_days": 365}),
    ("exclusion", "History of cardiac arrhythmia", ["dx.arrhythmia"], {}),
    ("exclusion", "Known atrial fibrillation", ["dx.atrial_fibrillation"], {}),
    ("exclusion", "History of psychosis", ["dx.psychosis"], {}),
    ("exclusion", "History of chronic infection", ["dx.chronic_infection"], {}),
    ("exclusion", "Chronic or recurrent infections within the past 6 months",
     ["dx.chronic_infection"], {"window_days": 183}),
    ("exclusion", "Infection requiring hospitalisation or intravenous antibiotics within 8 weeks",
     ["dx.serious_infection"], {"window_days": 56}),
    ("exclusion", "Any infections that required hospitalization within the last 30 days",
     ["dx.serious_infection"], {"window_days": 30}),
    ("exclusion", "Diagnosis of rheumatoid arthritis", ["dx.rheumatoid_arthritis"], {}),
    ("exclusion", "Systemic sclerosis or mixed connective tissue disease",
     ["dx.systemic_sclerosis", "dx.mctd"], {}),
    ("exclusion", "Known intracardiac thrombus", ["dx.intracardiac_thrombus"], {}),
    ("exclusion", "Previous total lymphoid irradiation", ["proc.total_lymphoid_irradiation"], {}),
    ("inclusion", "Diagnosis of primary Sjögren's syndrome", ["dx.sjogren"], {}),
]


@pytest.mark.parametrize(("ctype", "text", "concepts", "extra"), ITEMS,
                         ids=[r[1] for r in ITEMS])
def test_a_registry_item_naming_the_condition_is_read_as_it(ctype, text, concepts, extra):
    criterion = _read(ctype, text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.type == ctype
    assert criterion.params["concepts"] == concepts
    assert {k: criterion.params.get(k) for k in extra} == extra


DRUG_ITEMS = [
    ("Prior treatment with blinatumomab", ["drug.blinatumomab"]),
    ("Warfarin within 14 days before screening", ["drug.warfarin"]),
    ("Received rituximab, obinutuzumab, ofatumumab or blinatumomab at any time",
     ["drug.rituximab", "drug.obinutuzumab", "drug.ofatumumab", "drug.blinatumomab"]),
]


@pytest.mark.parametrize(("text", "drugs"), DRUG_ITEMS, ids=[r[0] for r in DRUG_ITEMS])
def test_a_registry_item_naming_the_drug_is_a_drug_exposure(text, drugs):
    assert _exclusion(text, "drug_exposure").params["drugs"] == drugs


# A condition joined to another by "with" narrows it: "myocarditis with heart failure" is
# not "myocarditis or heart failure"; read as either, the exclusion would refuse a patient
# with heart failure alone.
QUALIFIED = [
    "Myocarditis with congestive heart failure",
    "Pancreatitis with gastrointestinal bleeding",
    "Heart failure with arrhythmia",
]


@pytest.mark.parametrize("text", QUALIFIED)
def test_a_condition_qualified_by_another_is_left_to_a_person(text):
    assert "with" in (_exclusion(text, "manual").manual_reason or "")


def test_the_autoimmune_diseases_named_imply_another_autoimmune_disease():
    """An exclusion of "other autoimmune disease" is met by rheumatoid arthritis, systemic
    sclerosis or MCTD; Sjögren's is not implied (secondary Sjögren's is common in lupus and
    many trials allow it), nor myositis (its terms include lupus myositis)."""
    vocab = load_vocabulary()
    implying = {c.id for c in vocab.concepts.values()
                if "dx.autoimmune_other" in c.attrs.get("implies", ())}
    assert {"dx.rheumatoid_arthritis", "dx.systemic_sclerosis", "dx.mctd"} <= implying
    assert not {"dx.sjogren", "dx.myositis"} & implying


def test_every_new_condition_has_a_standard_code():
    vocab = load_vocabulary()
    coded = ["dx.herpes_zoster", "dx.hypogammaglobulinemia", "dx.iga_deficiency",
             "dx.hepatic_failure", "dx.esrd", "dx.pancreatitis", "dx.gi_bleeding",
             "dx.peptic_ulcer", "dx.lymphoproliferative", "dx.heart_failure",
             "dx.arrhythmia", "dx.atrial_fibrillation", "dx.myocarditis", "dx.psychosis",
             "dx.sjogren", "dx.systemic_sclerosis", "dx.rheumatoid_arthritis", "dx.mctd",
             "dx.renal_failure", "dx.intracardiac_thrombus", "drug.blinatumomab",
             "drug.warfarin"]
    assert [c for c in coded if not vocab[c].code] == []


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _found(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [f.assertion.value for f in parser.parse(text, "n", NOTE_DATE)
            if f.concept == concept]


# (note sentence in a clinician's words, concept, assertions expected for it)
NOTES: list[tuple[str, str, list[str]]] = [
    ("Shingles (herpes zoster) treated with valaciclovir in March.", "dx.herpes_zoster",
     ["affirmed", "affirmed"]),
    ("Developed herpes zoster of the T10 dermatome last month.", "dx.herpes_zoster",
     ["affirmed"]),
    ("No history of shingles.", "dx.herpes_zoster", ["negated"]),
    ("Recombinant zoster vaccine given today.", "dx.herpes_zoster", []),
    ("Shingles vaccination discussed.", "dx.herpes_zoster", []),
    ("Varicella zoster IgG positive.", "dx.herpes_zoster", []),
    ("Mother had shingles last year.", "dx.herpes_zoster", ["family"]),
    ("Known hypogammaglobulinaemia after rituximab, on IVIG replacement.",
     "dx.hypogammaglobulinemia", ["affirmed"]),
    ("No IgA deficiency on immunoglobulin screen.", "dx.iga_deficiency", ["negated"]),
    ("Admitted with acute pancreatitis on azathioprine in 2024.", "dx.pancreatitis",
     ["affirmed"]),
    ("Omeprazole for peptic ulcer prophylaxis while on prednisolone.", "dx.peptic_ulcer", []),
    ("Duodenal ulcer found at endoscopy.", "dx.peptic_ulcer", ["affirmed"]),
    ("Upper GI bleed in 2023 requiring transfusion.", "dx.gi_bleeding", ["affirmed"]),
    ("Denies melaena or haematemesis.", "dx.gi_bleeding", ["negated", "negated"]),
    ("Sinus arrhythmia on ECG, otherwise normal.", "dx.arrhythmia", []),
    ("Paroxysmal atrial fibrillation, on apixaban.", "dx.atrial_fibrillation", ["affirmed"]),
    ("SpO2 98% on RA.", "dx.rheumatoid_arthritis", []),
    ("No signs of heart failure.", "dx.heart_failure", ["negated"]),
    ("Counselled about the risk of progression to end-stage renal disease.", "dx.esrd", []),
    ("ESRD on haemodialysis since 2021.", "dx.esrd", ["affirmed"]),
    ("Lupus psychosis in 2019, resolved.", "dx.psychosis", []),
    ("Schizoaffective disorder, followed by psychiatry.", "dx.psychosis", ["affirmed"]),
    ("Secondary Sjögren's syndrome with dry eyes.", "dx.sjogren", ["affirmed"]),
    ("Previously treated with blinatumomab for ALL.", "drug.blinatumomab", ["historical"]),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES,
                         ids=[f"{r[0]}-{r[1]}" for r in NOTES])
def test_a_note_sentence_yields_the_finding_with_its_assertion(parser, text, concept,
                                                              assertions):
    assert _found(parser, text, concept) == assertions


# The traps of words the older vocabulary already had, read beside the new concepts.
TRAPS = [
    ("No history of TB.", "dx.tuberculosis", ["negated"]),
    ("TB test negative.", "dx.tuberculosis", ["negated"]),
    ("Cancer screening normal.", "dx.malignancy", []),
    ("Tumour lysis labs sent as a precaution.", "dx.malignancy", []),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), TRAPS, ids=[r[0] for r in TRAPS])
def test_a_broad_word_in_a_note_does_not_become_the_condition(parser, text, concept,
                                                             assertions):
    assert _found(parser, text, concept) == assertions


# ------------------------------------------------------------------ evaluation
def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.date or AS_OF for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


def _mention(concept: str, date: dt.date, assertion: Assertion = Assertion.AFFIRMED) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id=f"n{date}", start=0, end=4,
                   text="text", assertion=assertion, value=None, unit=None, date=date,
                   date_source="text", attrs={})


ZOSTER = "Herpes zoster within the last 90 days"
SERIOUS = "Infection requiring hospitalization within the past 60 days"
AUTOIMMUNE = "Other autoimmune disease"
EVALUATED = [
    (ZOSTER, [_mention("dx.herpes_zoster", dt.date(2026, 10, 1))], Status.MET),
    (ZOSTER, [_mention("dx.herpes_zoster", dt.date(2025, 3, 1))], Status.NOT_MET),
    (ZOSTER, [_mention("dx.herpes_zoster", dt.date(2026, 10, 1), Assertion.NEGATED)],
     Status.NOT_MET),
    (ZOSTER, [], Status.NOT_MET),
    # Notes name the infection (pneumonia, cellulitis), seldom "infection requiring
    # hospitalisation": no infection of any kind documented in the window decides; a
    # documented one is left to a person (tests/test_criteria_infection.py).
    (SERIOUS, [], Status.NOT_MET),
    (SERIOUS, [_mention("dx.infection", dt.date(2026, 11, 1))], Status.MANUAL),
    (SERIOUS, [_mention("dx.serious_infection", dt.date(2026, 11, 1))], Status.MET),
    (AUTOIMMUNE, [_mention("dx.rheumatoid_arthritis", dt.date(2025, 1, 1))], Status.MET),
    (AUTOIMMUNE, [_mention("dx.sjogren", dt.date(2025, 1, 1))], Status.NOT_MET),
]


@pytest.mark.parametrize(("text", "findings", "expected"), EVALUATED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(EVALUATED)])
def test_an_exclusion_of_the_condition_is_decided_from_the_findings(text, findings, expected):
    assert _status(_exclusion(text), *findings) is expected


# ------------------------------------------------------------------ standing states
# "Hepatic failure patients", "end-stage renal failure": a state the patient is in now,
# not any mention ever; "history of heart failure" is ever. A mention older than the
# lookback cannot tell whether the state persists: unknown, never "not met".
STATES = [
    ("Hepatic failure patients", ["dx.hepatic_failure"], 90),
    ("End-stage renal failure", ["dx.esrd"], 90),
    ("Subjects with congestive cardiac failure", ["dx.heart_failure"], 90),
    ("Intracardiac thrombus", ["dx.intracardiac_thrombus"], 90),
    ("History of heart failure", ["dx.heart_failure"], None),
    ("Prior liver failure", ["dx.hepatic_failure"], None),
    ("Renal failure within the past 6 months", ["dx.renal_failure"], 183),
]


@pytest.mark.parametrize(("text", "concepts", "window"), STATES, ids=[r[0] for r in STATES])
def test_a_standing_state_is_read_as_current_unless_its_history_is_asked(text, concepts,
                                                                        window):
    criterion = _exclusion(text)
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("window_days") == window
    assert (criterion.params.get("temporality") == "current") is (window == 90)


HEPATIC = "Hepatic failure patients"
STATE_EVALUATED = [
    (HEPATIC, [_mention("dx.hepatic_failure", dt.date(2026, 10, 20))], Status.MET),
    (HEPATIC, [_mention("dx.hepatic_failure", dt.date(2024, 6, 1))], Status.UNKNOWN),
    (HEPATIC, [], Status.NOT_MET),
    (HEPATIC, [_mention("dx.hepatic_failure", dt.date(2026, 10, 20), Assertion.NEGATED)],
     Status.NOT_MET),
]


@pytest.mark.parametrize(("text", "findings", "expected"), STATE_EVALUATED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(STATE_EVALUATED)])
def test_an_older_mention_of_a_standing_state_is_unknown(text, findings, expected):
    criterion = _read("exclusion", text)
    assert _status(criterion, *findings) is expected


def test_the_plain_words_reading_says_a_standing_state_is_current():
    criterion = _read("exclusion", "Hepatic failure patients")
    assert "as current" in reading(criterion)


# ------------------------------------------------------------------ "other than SLE"
# "Other autoimmune disease" already leaves lupus out; a clause saying so ("apart from
# SLE") restates it and is honoured, in the plain-words reading too. An item naming any
# autoimmune disease without "other" is not this concept.
OTHER_THAN = [
    "Other autoimmune disease apart from SLE",
    "Other autoimmune diseases (other than systemic lupus erythematosus)",
    "Another autoimmune disease, except lupus nephritis",
    "History of another autoimmune disorder other than lupus",
]


@pytest.mark.parametrize("text", OTHER_THAN)
def test_other_autoimmune_disease_other_than_lupus_is_read_with_lupus_left_out(text):
    criterion = _exclusion(text)
    assert criterion.params["concepts"] == ["dx.autoimmune_other"]
    assert set(criterion.params["except_concepts"]) <= {"dx.sle", "dx.lupus_nephritis"}
    assert "not counting" in reading(criterion)


def test_an_exclusion_of_other_autoimmune_disease_does_not_count_lupus_itself():
    criterion = _read("exclusion", OTHER_THAN[0])
    assert _status(criterion, _mention("dx.sle", dt.date(2026, 10, 1))) is Status.NOT_MET
    ra = _mention("dx.rheumatoid_arthritis", dt.date(2026, 10, 1))
    assert _status(criterion, ra) is Status.MET


# A degree a person judges ("uncontrolled", "severe") on a standing state: the state now,
# decided only when absent; a past asked for ("prior to screening") stays ever.
JUDGED_STATES = [
    ("Uncontrolled cardiac arrhythmia", ["dx.arrhythmia"], "current"),
    ("Severe psychiatric illness such as schizophrenia or psychosis",
     ["dx.psychiatric", "dx.psychosis", "dx.schizophrenia"], "current"),
    # (A degree no measure defines, "severe" or "clinically significant" alone, is left to a
    # person since round 12: tests/test_criteria_own_forms.py.)
    ("Uncontrolled substance abuse prior to screening", ["dx.substance_abuse"], "ever"),
    # A standing state in the list makes it current: an older mention of either is for a
    # person, never a decision.
    ("Uncontrolled psychiatric illness or substance abuse",
     ["dx.psychiatric", "dx.substance_abuse"], "current"),
]


@pytest.mark.parametrize(("text", "concepts", "temporality"), JUDGED_STATES,
                         ids=[r[0] for r in JUDGED_STATES])
def test_a_judged_standing_state_is_current_unless_its_past_is_asked(text, concepts,
                                                                    temporality):
    criterion = _exclusion(text)
    assert set(criterion.params["concepts"]) == set(concepts)
    assert criterion.params["temporality"] == temporality
    assert criterion.params.get("judged")


def test_the_bench_counts_a_judged_degree_as_read():
    """Gold "severe psychiatric disease" against a reading that carries "severe" as a
    judged qualifier: the degree is kept (only absence is decided), not narrowed away."""
    from benchmarks import bench_criteria as bench

    text = "Exclusion Criteria:\n\n* Severe psychiatric disease\n"
    row = {"nct": "NCT00000000", "row": 1, "source": "Severe psychiatric disease",
           "category": "diagnosis", "section": "exclusion", "computable": True, "meaning": "",
           "notes": "", "essentials": {"concept": "severe psychiatric disease",
                                       "effect": "exclude", "temporality": "current"}}
    params = {"concepts": ["dx.psychiatric"], "system": None, "temporality": "current",
              "window_days": 90}
    judged = Criterion("exc-1", "x_psych", "exclusion", "Severe psychiatric disease",
                       "diagnosis", {**params, "judged": ["severe"]})
    plain = Criterion("exc-1", "x_psych", "exclusion", "Severe psychiatric disease",
                      "diagnosis", params)
    assert bench.score_trial("NCT00000000", text, [row], [judged]).rows[0].outcome == bench.CORRECT
    assert bench.score_trial("NCT00000000", text, [row], [plain]).rows[0].outcome == bench.WRONG


def test_a_standing_state_under_a_history_heading_is_ever():
    from matcher.criteria import parse_eligibility_text

    body = ("Exclusion Criteria:\n* Past medical history of:\n"
            "  * Hepatic failure\n  * Uncontrolled arrhythmia\n")
    liver, rhythm = parse_eligibility_text(body)
    assert (liver.kind, liver.params.get("temporality")) == ("diagnosis", "ever")
    assert (rhythm.kind, rhythm.params.get("temporality")) == ("diagnosis", "ever")


# (Bipolar disorder, schizophrenia and a liver transplant are members of their own since
# round 13, read as the member: tests/test_criteria_families13.py.)
@pytest.mark.parametrize(("text", "section", "named"), [
    ("Diagnosis of bipolar I disorder", "exclusion", "bipolar i disorder"),
    ("Alcoholism", "exclusion", "alcoholism"),
    ("Paranoid schizophrenia", "exclusion", "paranoid schizophrenia"),
    ("Major depressive disorder", "inclusion", "major depressive disorder"),
    ("Haemophilia B", "exclusion", "haemophilia b"),
])
def test_an_item_naming_one_member_of_a_group_concept_is_not_read_as_the_whole_group(
    text: str, section: str, named: str
) -> None:
    criterion = parse_criterion(text, section)
    assert criterion.kind == "manual"
    assert "narrower than" in criterion.manual_reason
    assert named in criterion.manual_reason.lower()
    assert criterion.unread  # keeps a patient possible, never eligible


@pytest.mark.parametrize("text", ["Psychiatric illness", "Organ transplantation",
                                  "Drug or alcohol abuse"])
def test_an_item_naming_the_group_itself_is_still_read(text: str) -> None:
    assert parse_criterion(text, "exclusion").kind == "diagnosis"


def test_a_narrower_term_that_is_not_the_concepts_own_term_is_refused() -> None:
    from matcher.errors import VocabularyError
    from matcher.nlp.vocab import read_concepts

    row = {"id": "dx.x", "category": "diagnosis", "label": "x", "code": None,
           "terms": ["group disease"], "abbreviations": [], "key": "x",
           "attrs": {"narrower_terms": ["something else"]}}
    with pytest.raises(VocabularyError, match="narrower"):
        read_concepts(json.dumps(row) + "\n", "concepts.jsonl")
