"""The diagnoses real exclusion lists name that the vocabulary did not know, and the organ
groups ("renal disease", "gastrointestinal disease") they are gathered under.

Counted in the exclusion sections of the 1,500 breadth texts, these were the disease names
most often left "no computable concept recognised" (psoriasis, glaucoma, retinopathy,
coronary artery disease, peripheral neuropathy, sleep apnoea, IgA nephropathy, vasculitis,
G6PD deficiency, porphyria, Guillain-Barré syndrome ...). One vocabulary serves the
registry reader and the note reader, so each family is tested on both sides: an item in
several sponsors' wordings is read as the concept, and a clinic-note sentence yields the
finding with its assertion ("no history of psoriasis" is an absent psoriasis).

An organ group is a concept its members imply (lupus nephritis, IgA nephropathy and
end-stage renal disease imply kidney disease). Excluding a whole group must never refuse
the trial's own population: in a lupus-nephritis trial "renal disease" excludes its own
condition and is left to a person; in a trial whose own condition the reader does not know
the group is left to a person too (it may be the trial's disease); in any other trial it
decides, and since notes name the disease rather than its organ group, a patient with no
member documented is unknown rather than "not met".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.errors import VocabularyError
from matcher.model import Assertion, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import read_concepts

# The note reader and evaluation helpers of the vocabulary tests of round 3.
from tests.test_criteria_vocabulary import _found, _mention, _status

LN_TRIAL = ["A trial of drug X in adults with active lupus nephritis"]
SJOGREN_TRIAL = ["Hydroxychloroquine for dry eyes in primary Sjögren's syndrome"]
IGAN_TRIAL = ["A study of drug Y in primary IgA nephropathy"]

# ------------------------------------------------------------------ registry items
# (item in a sponsor's words, concepts, params that must hold), all exclusions of a
# Sjögren's trial (its own condition is known and is none of these).
ITEMS: list[tuple[str, list[str], dict[str, Any]]] = [
    # skin
    # named with no time word in an exclusion: the disease now (the lookback)
    ("Psoriasis", ["dx.psoriasis"], {"window_days": 90}),
    ("History of psoriasis", ["dx.psoriasis"], {}),
    ("Known psoriatic arthritis", ["dx.psoriatic_arthritis"], {}),
    ("Active skin disease", ["dx.skin_disease"], {"temporality": "current"}),
    # eye
    ("Angle closure glaucoma", ["dx.angle_closure_glaucoma"], {}),
    ("Narrow-angle glaucoma", ["dx.angle_closure_glaucoma"], {}),
    ("History of glaucoma", ["dx.glaucoma"], {}),
    ("Retinopathy", ["dx.retinal_disease"], {}),
    ("Pre-existing retinal disease", ["dx.retinal_disease"], {"window_days": 90}),
    ("Macular disease", ["dx.macular_disease"], {}),
    ("Disease of the macula", ["dx.macular_disease"], {}),
    ("Age-related macular degeneration", ["dx.amd"], {}),
    ("Diabetic retinopathy", ["dx.diabetic_retinopathy"], {}),
    ("Prior hydroxychloroquine retinal toxicity", ["dx.antimalarial_retinopathy"], {}),
    ("HCQ eye toxicity", ["dx.antimalarial_retinopathy"], {}),
    ("Active uveitis", ["dx.uveitis"], {"temporality": "current"}),
    # blood and metabolism
    ("Known glucose-6-phosphate dehydrogenase deficiency", ["dx.g6pd_deficiency"], {}),
    ("G6PD deficiency", ["dx.g6pd_deficiency"], {}),
    ("Porphyria", ["dx.porphyria"], {}),
    ("Known porphyria", ["dx.porphyria"], {}),
    ("Haemolytic anaemia", ["dx.haemolytic_anaemia"], {}),
    ("Hemolytic anemia", ["dx.haemolytic_anaemia"], {}),
    ("Bone marrow failure", ["dx.bone_marrow_failure"], {}),
    ("Bone marrow insufficiency", ["dx.bone_marrow_failure"], {}),
    ("Aplastic anemia", ["dx.aplastic_anaemia"], {}),
    ("Sickle cell disease", ["dx.sickle_cell"], {}),
    ("History of thrombotic thrombocytopenic purpura", ["dx.ttp"], {}),
    ("Hereditary galactose intolerance", ["dx.galactose_intolerance"], {}),
    ("Lactase deficiency", ["dx.lactose_intolerance"], {}),
    ("Glucose-galactose malabsorption", ["dx.glucose_galactose_malabsorption"], {}),
    # nerves
    ("History of Guillain-Barré syndrome", ["dx.gbs"], {}),
    ("Guillain Barre syndrome", ["dx.gbs"], {}),
    ("Myasthenia gravis", ["dx.myasthenia_gravis"], {}),
    ("Peripheral neuropathy", ["dx.neuropathy"], {}),
    ("Neuromuscular disease", ["dx.neuromuscular_disease"], {}),
    ("History of progressive multifocal leukoencephalopathy", ["dx.pml"], {}),
    ("Suicidal ideation within the past 6 months", ["dx.suicidality"], {"window_days": 183}),
    ("Sleep apnoea", ["dx.sleep_apnoea"], {}),
    # heart and vessels
    ("Coronary artery disease", ["dx.cad"], {}),
    ("Coronary heart disease", ["dx.cad"], {}),
    ("Unstable angina within 6 months", ["dx.unstable_angina"], {"window_days": 183}),
    ("Angina pectoris", ["dx.angina"], {}),
    ("Cardiomyopathy", ["dx.cardiomyopathy"], {}),
    ("Peripheral arterial disease", ["dx.pad"], {}),
    ("Malignant hypertension", ["dx.malignant_hypertension"], {"window_days": None}),
    ("History of thrombosis", ["dx.thrombosis"], {}),
    ("Arterial thrombosis", ["dx.arterial_thrombosis"], {}),
    ("Raynaud's phenomenon", ["dx.raynaud"], {}),
    # kidney, gut, liver
    ("IgA nephropathy", ["dx.iga_nephropathy"], {}),
    ("Thrombotic microangiopathy", ["dx.tma"], {}),
    ("Renal disease", ["dx.kidney_disease"], {}),
    ("Known kidney disease", ["dx.kidney_disease"], {}),
    ("Polycystic kidney disease", ["dx.pkd"], {}),
    ("Gastrointestinal disease", ["dx.gi_disease"], {}),
    ("Gastrointestinal disease (except GERD)", ["dx.gi_disease"],
     {"except_concepts": ["dx.gerd"]}),
    ("Coeliac disease", ["dx.celiac"], {}),
    ("Celiac disease", ["dx.celiac"], {}),
    ("Irritable bowel syndrome", ["dx.ibs"], {}),
    ("Primary biliary cholangitis", ["dx.pbc"], {}),
    ("Non-alcoholic fatty liver disease (NAFLD)", ["dx.nafld"], {}),
    # joints and vasculitis
    ("History of or current inflammatory joint disease", ["dx.inflammatory_arthritis"], {}),
    ("Inflammatory arthritis", ["dx.inflammatory_arthritis"], {}),
    ("Ankylosing spondylitis", ["dx.ankylosing_spondylitis"], {}),
    ("Gout", ["dx.gout"], {}),
    ("Systemic vasculitis", ["dx.vasculitis"], {}),
    ("Granulomatosis with polyangiitis", ["dx.gpa"], {}),
    ("Sarcoidosis", ["dx.sarcoidosis"], {}),
    ("Osteonecrosis", ["dx.osteonecrosis"], {}),
    # an infection at one site is its own concept, not the infection anywhere
    ("History of ocular herpes simplex", ["dx.ocular_hsv"], {}),
    ("Herpes simplex keratitis", ["dx.ocular_hsv"], {}),
]


@pytest.mark.parametrize(("text", "concepts", "extra"), ITEMS, ids=[r[0] for r in ITEMS])
def test_an_exclusion_naming_the_condition_is_read_as_it(text, concepts, extra):
    criterion = parse_criterion(text, "exclusion", about=SJOGREN_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert {k: criterion.params.get(k) for k in extra} == extra


# A subtype names less than the concept: excluding "plaque psoriasis" as any psoriasis
# would refuse a patient with guttate psoriasis. ("CKD stage 3", once here, is now read as
# its eGFR category, never as any CKD: tests/test_criteria_breadth_r11.py; "oesophageal
# varices" is a concept of its own since round 13: tests/test_criteria_families13.py.)
NARROWER = ["History of plaque psoriasis", "Proliferative diabetic retinopathy",
            "Autoimmune haemolytic anaemia", "Myelodysplastic syndrome", "Obstructive sleep apnoea",
            "Secondary hyperparathyroidism", "Gastric varices",
            "Acute intermittent porphyria"]


@pytest.mark.parametrize("text", NARROWER)
def test_an_exclusion_naming_a_subtype_is_left_to_a_person(text):
    criterion = parse_criterion(text, "exclusion", about=SJOGREN_TRIAL)
    assert criterion.kind == "manual"
    assert "narrower than the vocabulary's" in (criterion.manual_reason or "")


# A stage or kind that is a different disease is not read as the broader one.
@pytest.mark.parametrize(("text", "concept"), [("Unstable angina", "dx.angina"),
                                               ("Morbid obesity", "dx.obesity"),
                                               ("Aortic dissection", "dx.aortic_aneurysm"),
                                               ("Sickle cell trait", "dx.sickle_cell")])
def test_a_different_disease_is_not_read_as_its_neighbour(text, concept):
    criterion = parse_criterion(text, "exclusion", about=SJOGREN_TRIAL)
    assert concept not in criterion.params.get("concepts", [])


# "Pre-existing" is there when the trial starts: the disease now, as the registries' gold
# reads "Pre-existing hypertension"; a history word would count one cured years ago.
@pytest.mark.parametrize("text", ["Pre-existing diabetes mellitus", "preexisting coeliac disease",
                                  "Pre existing psoriasis"])
def test_pre_existing_is_read_as_the_disease_at_the_trial_s_start(text):
    criterion = parse_criterion(text, "exclusion", about=SJOGREN_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert (criterion.params["temporality"], criterion.params["window_days"]) == ("current", 90)
    assert criterion.params["lifelong"] is True  # none of the three resolves


def test_malignant_hypertension_is_not_any_hypertension():
    """A hypertension mention in the lookback is not the malignant kind: the exclusion is of
    malignant hypertension at any time, and its mention implies hypertension."""
    criterion = parse_criterion("Malignant hypertension", "exclusion", about=SJOGREN_TRIAL)
    assert criterion.params["concepts"] == ["dx.malignant_hypertension"]
    assert _status(criterion, _mention("dx.hypertension", dt.date(2026, 11, 1))) \
        is Status.NOT_MET
    assert _status(criterion, _mention("dx.malignant_hypertension", dt.date(2019, 1, 1))) \
        is Status.MET


# ------------------------------------------------------------------ organ groups and the trial
RENAL = ["Renal disease", "Any co-existing kidney disease", "Known kidney disease"]


@pytest.mark.parametrize("text", RENAL)
def test_a_renal_disease_exclusion_never_refuses_a_lupus_nephritis_trial_s_population(text):
    criterion = parse_criterion(text, "exclusion", about=LN_TRIAL)
    assert criterion.kind == "manual"
    assert "trial's own condition (kidney disease)" in (criterion.manual_reason or "")


@pytest.mark.parametrize("text", RENAL)
def test_a_renal_disease_exclusion_is_left_to_a_person_in_an_iga_nephropathy_trial(text):
    criterion = parse_criterion(text, "exclusion", about=IGAN_TRIAL)
    assert criterion.kind == "manual"
    assert "own condition" in (criterion.manual_reason or "")


@pytest.mark.parametrize("text", [*RENAL, "Gastrointestinal disease", "Skin disorder",
                                  "Inflammatory joint disease"])
def test_an_organ_group_exclusion_waits_for_a_person_when_the_trial_s_condition_is_unknown(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "own condition, which may belong to it, is not known" in (criterion.manual_reason or "")


def test_a_named_member_of_a_group_still_decides_in_a_trial_of_unknown_condition():
    criterion = parse_criterion("Psoriasis", "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason


RENAL_DISEASE = "Renal disease"
GI = "Gastrointestinal disease (except GERD)"
THROMBOSIS = "History of thrombosis"
ON = dt.date(2024, 5, 1)
NOW = dt.date(2026, 10, 1)  # inside the 90-day lookback
EVALUATED = [
    # a member of the group documented now excludes ("Renal disease" named bare is the
    # disease now); one documented long ago is for a person, unless it does not resolve
    (RENAL_DISEASE, [_mention("dx.lupus_nephritis", NOW)], Status.MET),
    (RENAL_DISEASE, [_mention("dx.iga_nephropathy", NOW)], Status.MET),
    (RENAL_DISEASE, [_mention("dx.esrd", NOW)], Status.MET),
    (RENAL_DISEASE, [_mention("dx.kidney_disease", NOW)], Status.MET),
    (RENAL_DISEASE, [_mention("dx.lupus_nephritis", ON)], Status.UNKNOWN),
    (RENAL_DISEASE, [_mention("dx.pkd", ON)], Status.MET),
    # notes name the disease, not its organ: silence is unknown, a denial rules nothing out
    (RENAL_DISEASE, [], Status.UNKNOWN),
    (RENAL_DISEASE, [_mention("dx.psoriasis", ON)], Status.UNKNOWN),
    (GI, [_mention("dx.crohn", ON)], Status.MET),
    (GI, [_mention("dx.peptic_ulcer", NOW)], Status.MET),
    (GI, [_mention("dx.peptic_ulcer", ON)], Status.UNKNOWN),
    (GI, [_mention("dx.gerd", ON)], Status.UNKNOWN),
    (THROMBOSIS, [_mention("dx.dvt", ON)], Status.MET),
    (THROMBOSIS, [_mention("dx.pe", ON)], Status.MET),
    (THROMBOSIS, [_mention("dx.arterial_thrombosis", ON)], Status.MET),
    (THROMBOSIS, [_mention("dx.thrombosis", ON, Assertion.NEGATED)], Status.NOT_MET),
    ("Coronary artery disease", [_mention("dx.mi", ON)], Status.MET),
    ("Psoriasis", [_mention("dx.psoriatic_arthritis", ON)], Status.MET),
    ("History of ocular herpes simplex", [_mention("dx.herpes_simplex", ON)], Status.NOT_MET),
    ("History of ocular herpes simplex", [_mention("dx.ocular_hsv", ON)], Status.MET),
    ("Psoriasis", [_mention("dx.psoriasis", ON, Assertion.NEGATED)], Status.NOT_MET),
]


@pytest.mark.parametrize(("text", "findings", "status"), EVALUATED,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(EVALUATED)])
def test_an_exclusion_of_a_group_is_decided_by_its_members(text, findings, status):
    criterion = parse_criterion(text, "exclusion", about=SJOGREN_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is status


def test_an_organ_group_flag_must_be_true_or_false():
    record = {"id": "dx.x", "category": "diagnosis", "label": "x", "terms": ["x disease"],
              "attrs": {"organ_group": "yes"}}
    with pytest.raises(VocabularyError, match="organ_group"):
        read_concepts(json.dumps(record), "concepts.jsonl")


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


NOTES: list[tuple[str, str, list[str]]] = [
    ("PMH: plaque psoriasis, on topical steroids.", "dx.psoriasis", ["affirmed"]),
    ("No history of psoriasis.", "dx.psoriasis", ["negated"]),
    ("Mother has psoriasis.", "dx.psoriasis", ["family"]),
    ("G6PD deficiency noted at age 5.", "dx.g6pd_deficiency", ["affirmed"]),
    ("Known angle-closure glaucoma, seen by ophthalmology.", "dx.angle_closure_glaucoma",
     ["affirmed"]),
    ("Annual eye review: no hydroxychloroquine retinopathy.", "dx.antimalarial_retinopathy",
     ["negated"]),
    ("Guillain-Barre syndrome in 2015, full recovery.", "dx.gbs", ["affirmed"]),
    ("Background: IgA nephropathy, biopsy 2021.", "dx.iga_nephropathy", ["affirmed"]),
    ("Autoimmune haemolytic anaemia in 2019, treated with prednisolone.",
     "dx.haemolytic_anaemia", ["affirmed"]),
    ("Denies any kidney disease.", "dx.kidney_disease", ["negated"]),
    ("Coeliac disease diagnosed on duodenal biopsy.", "dx.celiac", ["affirmed"]),
    ("Obstructive sleep apnoea on CPAP.", "dx.sleep_apnoea", ["affirmed"]),
    ("Coronary artery disease, stent 2020.", "dx.cad", ["affirmed"]),
    ("Screening for porphyria was negative.", "dx.porphyria", []),
    # An equation named after the disease is no diagnosis of it: "eGFR (CKD-EPI) 45" is a
    # lab value of a patient who may have no kidney disease at all.
    ("eGFR (CKD-EPI) 45 mL/min/1.73m2 on 01/11/2026.", "dx.ckd", []),
    ("Creatinine 80, eGFR by CKD EPI 62.", "dx.ckd", []),
    ("eGFR (CKD-EPI) 45 mL/min/1.73m2 on 01/11/2026.", "lab.egfr", ["affirmed"]),
    ("CKD stage 3 since 2022.", "dx.ckd", ["affirmed"]),
    ("eGFR MDRD 58 on 02/11/2026.", "lab.egfr", ["affirmed"]),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES,
                         ids=[f"{r[0]}-{r[1]}" for r in NOTES])
def test_a_note_sentence_yields_the_finding_with_its_assertion(parser, text, concept,
                                                              assertions):
    assert _found(parser, text, concept) == assertions


# ------------------------------------------------------------------ the term finder
def _vocab(terms_by_id: dict[str, list[str]]):
    from matcher.nlp.vocab import Vocabulary
    records = [json.dumps({"id": cid, "category": "diagnosis", "label": terms[0], "terms": terms})
               for cid, terms in terms_by_id.items()]
    return Vocabulary(read_concepts("\n".join(records), "concepts.jsonl"))


@pytest.mark.parametrize(("text", "found"), [
    ("Lupus nephritis class IV", ["lupus nephritis class iv"]),
    ("lupus nephritis", ["lupus nephritis"]),
    ("Lupus nephropathy or lupus", ["lupus nephropathy", "lupus"]),
    ("lupusnephritis", []),
    ("Lupus nephritisX and lupus", ["lupus", "lupus"]),
    ("Kidney disease, chronic kidney disease", ["kidney disease", "chronic kidney disease"]),
])
def test_the_term_finder_takes_the_longest_whole_term_where_terms_share_a_prefix(text, found):
    """The term pattern shares the prefixes of the vocabulary's four thousand terms (a flat
    alternation was the reader's largest cost); at each position the longest whole term still
    wins, as the length-ordered alternation made it."""
    vocab = _vocab({"dx.a": ["lupus"], "dx.b": ["lupus nephritis", "lupus nephropathy"],
                    "dx.c": ["lupus nephritis class IV"], "dx.d": ["kidney disease"],
                    "dx.e": ["chronic kidney disease"]})
    assert [m.text.lower() for m in vocab.find_terms(text)] == found
