"""A trial's own condition and the narrower forms of a disease, in registry criteria.

- **Narrower forms**: "ulcerative proctitis" is ulcerative colitis limited to the rectum. In
  a note it is ulcerative colitis (a patient with proctitis has UC); in a criterion it must
  not silently become the parent: "Exclusion: ulcerative proctitis" in a trial of left-sided
  or total UC read as any UC would refuse the trial's whole population. The same holds for
  an acute or chronic form ("acute renal failure" is no exclusion of chronic renal failure)
  and a site-limited one ("Crohn's ileitis"). Such an item is left to a person.
- **Own condition by its short name**: a trial without a title or conditions whose
  inclusions say only "UC" (and are left to a person) is still about ulcerative colitis;
  an exclusion of ulcerative colitis there must not be computed.

The sentences are written the way sponsors word them; none is copied from a registry record.
"""

from __future__ import annotations

import json

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.errors import VocabularyError
from matcher.nlp.vocab import load_vocabulary, read_concepts

GOUT_TRIAL = ["A urate-lowering drug in adults with gout"]
NARROWER = "narrower than the vocabulary's"
OWN = "guard: excludes the trial's own condition"

NARROWER_FORMS = [
    ("Ulcerative proctitis", "ulcerative colitis"),
    ("History of ulcerative proctitis", "ulcerative colitis"),
    ("Ulcerative pancolitis", "ulcerative colitis"),
    ("Crohn's ileitis", "crohn's disease"),
    ("Known Crohn's colitis", "crohn's disease"),
    ("Acute renal failure within the last 3 months", "renal failure"),
    ("History of acute kidney failure", "renal failure"),
    ("Chronic renal failure", "renal failure"),
    ("Active acute GVHD", "graft-versus-host disease"),
    ("Chronic graft-versus-host disease requiring systemic treatment",
     "graft-versus-host disease"),
    ("Acute liver failure", "hepatic failure"),
    ("History of fulminant hepatic failure", "hepatic failure"),
]


@pytest.mark.parametrize(("item", "parent"), NARROWER_FORMS, ids=[r[0] for r in NARROWER_FORMS])
def test_an_exclusion_naming_a_narrower_form_is_left_to_a_person(item, parent):
    criterion = parse_criterion(item, "exclusion", about=GOUT_TRIAL)
    assert criterion.kind == "manual", criterion.params
    reason = criterion.manual_reason.casefold()
    assert NARROWER in reason and parent in reason


PARENTS = [
    ("Ulcerative colitis", "dx.ulcerative_colitis"),
    ("Crohn's disease", "dx.crohn"),
    ("Renal failure", "dx.renal_failure"),
    ("Graft-versus-host disease", "dx.gvhd"),
    ("Liver failure", "dx.hepatic_failure"),
]


@pytest.mark.parametrize(("item", "concept"), PARENTS, ids=[r[0] for r in PARENTS])
def test_the_parent_disease_is_still_read(item, concept):
    criterion = parse_criterion(item, "exclusion", about=GOUT_TRIAL)
    assert (criterion.kind, criterion.params.get("concepts")) == ("diagnosis", [concept])


@pytest.mark.parametrize("term", ["ulcerative proctitis", "Crohn's ileitis", "acute renal failure"])
def test_a_note_keeps_the_parent_of_a_narrower_form(term):
    # A patient with ulcerative proctitis has ulcerative colitis: the vocabulary's notes
    # reading is unchanged, only a criterion refuses to widen the term.
    vocab = load_vocabulary()
    (found,) = vocab.find_terms(f"Known {term}, stable.")
    assert vocab[found.concept_id].attrs["narrower_terms"]


def _trial(inclusions: list[str], exclusions: list[str]) -> str:
    return ("Inclusion Criteria:\n" + "".join(f"* {i}\n" for i in inclusions)
            + "Exclusion Criteria:\n" + "".join(f"* {e}\n" for e in exclusions))


OWN_BY_SHORT_NAME = [
    (["Diagnosis of UC confirmed by endoscopy and histology", "Age 18-75 years"],
     "Ulcerative colitis", "ulcerative colitis"),
    (["Mild to moderately active UC", "Stable 5-ASA dose"],
     "Inflammatory bowel disease", "inflammatory bowel disease"),
    (["Established CD for at least 3 months"], "Crohn's disease", "crohn's disease"),
    (["Seropositive RA per the ACR/EULAR 2010 criteria"], "Rheumatoid arthritis",
     "rheumatoid arthritis"),
    (["Relapsing MS with at least one relapse in the last year"], "Multiple sclerosis",
     "multiple sclerosis"),
]


@pytest.mark.parametrize(("inclusions", "exclusion", "label"), OWN_BY_SHORT_NAME,
                         ids=[r[1] for r in OWN_BY_SHORT_NAME])
def test_an_inclusion_naming_the_disease_by_its_short_name_makes_it_the_trials_own(
    inclusions, exclusion, label
):
    criteria = parse_eligibility_text(_trial(inclusions, [exclusion]))
    excluded = criteria[-1]
    assert excluded.kind == "manual", excluded.params
    assert excluded.manual_reason.startswith(OWN)
    assert label in excluded.manual_reason.casefold()


def test_a_short_name_only_among_the_exclusions_says_nothing_of_the_trial():
    # "UC" among the exclusions is what the trial refuses, not what it is about.
    criteria = parse_eligibility_text(
        _trial(["Adults with moderate asthma"], ["Known UC", "Ulcerative colitis"]))
    assert (criteria[-1].kind, criteria[-1].params["concepts"]) == (
        "diagnosis", ["dx.ulcerative_colitis"])


def test_a_short_name_inside_a_longer_word_names_nothing():
    criteria = parse_eligibility_text(
        _trial(["UCLA score of 3 or more", "CD4 count above 200 cells/µL"],
               ["Ulcerative colitis", "Crohn's disease"]))
    assert [c.kind for c in criteria[-2:]] == ["diagnosis", "diagnosis"]


@pytest.mark.parametrize("bad", [["SLE"], [""], "UC", [3]])
def test_own_condition_abbreviations_are_validated_on_load(bad):
    row = {"id": "dx.x", "category": "diagnosis", "label": "x", "code": None,
           "terms": ["x disease"], "abbreviations": ["SLE"], "key": "x",
           "attrs": {"own_condition_abbreviations": bad}}
    with pytest.raises(VocabularyError, match="own-condition abbreviations"):
        read_concepts(json.dumps(row) + "\n", "concepts.jsonl")


# A disease graded only by a word no note decides, with no measure, grade or example, is the
# investigator's call: "Exclusion: severe liver disease" computed as liver disease (severity
# judged) would settle every patient without liver disease and still mean nothing defined.
UNDEFINED_SEVERITY = [
    "Severe hepatic impairment",
    "Clinically significant cardiac disease",
    "Significant heart disease",
    "Severe mental illness",
    "Clinically significant hypertension",
    "Severe coexisting kidney disease",
    "Serious concomitant liver disease",
    "Severe renal impairment",  # these three were read with "severe" judged until round 12
    "Severe depression",
    "Clinically significant cardiovascular disease",  # and these, until round 12
    "Major psychiatric illness",
    "Severe liver disease",
    "History of severe psychiatric illness",
    "Serious psychiatric disorder within the past year",
    "Significant cardiac disease",
]


@pytest.mark.parametrize("item", UNDEFINED_SEVERITY)
def test_an_exclusion_of_a_disease_of_undefined_severity_is_left_to_a_person(item):
    criterion = parse_criterion(item, "exclusion", about=GOUT_TRIAL)
    assert criterion.kind == "manual", criterion.params
    assert criterion.manual_reason.startswith("guard: how '")
    assert "a person judges it" in criterion.manual_reason


def test_each_organ_of_a_shared_undefined_severity_is_left_to_a_person():
    text = "Exclusion Criteria:\n* Severe liver or kidney impairment\n"
    criteria = parse_eligibility_text(text, about=GOUT_TRIAL)
    assert len(criteria) == 2
    assert all(c.manual_reason.startswith("guard: how 'severe'") for c in criteria)


DEFINED_OR_DECIDABLE = [
    ("Severe infection requiring hospitalisation", "diagnosis"),  # an infection
    ("Serious bacterial infections", "diagnosis"),
    ("Severe psychiatric illness such as schizophrenia or bipolar disorder", "diagnosis"),
    ("Uncontrolled hypertension", "diagnosis"),  # "uncontrolled" is read, not judged away
    ("Coexisting liver disease", "diagnosis"),  # no severity word at all
]


@pytest.mark.parametrize(("item", "kind"), DEFINED_OR_DECIDABLE,
                         ids=[r[0] for r in DEFINED_OR_DECIDABLE])
def test_a_severity_the_text_defines_or_an_infection_still_computes(item, kind):
    criterion = parse_criterion(item, "exclusion", about=GOUT_TRIAL)
    assert criterion.kind == kind, criterion.manual_reason


# Breadth vocabulary: conditions unseen registry texts name (paediatric, neurological,
# vasculitis), and an organ adjective's other spelling ("cardiologic").
BREADTH = [
    ("Cerebral palsy", ["dx.cerebral_palsy"]),
    ("Children with spastic cerebral palsy", ["dx.cerebral_palsy"]),
    ("Down's syndrome", ["dx.down_syndrome"]),
    ("Trisomy 21", ["dx.down_syndrome"]),
    ("History of Kawasaki disease", ["dx.kawasaki"]),
    ("History of cardiologic disease", ["dx.heart_disease"]),
    ("Attention deficit", ["dx.adhd"]),
]


@pytest.mark.parametrize(("item", "concepts"), BREADTH, ids=[r[0] for r in BREADTH])
def test_a_breadth_condition_is_read(item, concepts):
    criterion = parse_criterion(item, "exclusion", about=GOUT_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
