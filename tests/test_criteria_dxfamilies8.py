"""Diagnosis families registry authors write again and again that the reader left manual
(issue 12, round 8), read on both sides of the one vocabulary: the registry item and the
clinic-note sentence.

- **connective tissue disease** as a group: "other connective tissue disease",
  "coexisting collagen vascular disease", "another CTD" in an SLE, Sjögren's or systemic
  sclerosis trial. SLE, systemic sclerosis, Sjögren's syndrome, inflammatory myopathy and
  mixed/undifferentiated CTD are its members (they imply it); "other" leaves the trial's
  own disease out, and in a trial whose own condition is unknown the group waits for a
  person (it may be the trial's own disease).
- an **overlap syndrome** of the rheumatic diseases ("SLE/scleroderma overlap") is read as
  the mixed connective tissue disease concept; an asthma-COPD or autoimmune-hepatitis
  overlap is not.
- **systemic** infections: "systemic infections" is an infection present now (as "systemic
  infection" already was), "systemic bacterial, fungal or viral infection" is infection.
- **IgG4-related disease**, and end-stage renal disease in the European wording
  "terminal renal failure".
- **autoimmune disease** with no "other": the whole group, SLE included (the vocabulary's
  "other autoimmune disease" leaves lupus out). Notes name the disease, seldom the group,
  and the vocabulary does not know every autoimmune disease, so a patient with no member
  documented is unknown rather than "not met"; in a trial of an autoimmune disease the
  group holds the trial's own and waits for a person unless its words leave it out.
- **central nervous system (CNS) disorders** with the abbreviation bracketed inside the
  name, and **post-herpetic neuralgia** (a zoster complication).

- **two organs sharing one head** with "and" or a slash ("severe liver and kidney disease",
  "heart/lung disease", "neurological and psychiatric disorders"): in an exclusion each
  organ's disease excludes on its own, as in "liver or kidney disease".
- **stability** qualifiers ("clinically stable SLE", "inactive or stable lupus",
  "well-controlled hypertension", "quiescent disease"): the notes cannot tell a stable
  disease from an active one, so the qualifier is judged like "severe": without the
  disease the criterion decides, with it a person checks.

The sentences are written here in the ways sponsors and clinicians word them; none is
copied from a registry record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Assertion, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.test_criteria_vocabulary import _found, _mention, _status

SLE_TRIAL = ["A study of drug X in adults with systemic lupus erythematosus"]
SSC_TRIAL = ["Drug Y for skin fibrosis in diffuse cutaneous systemic sclerosis"]
SJOGREN_TRIAL = ["Hydroxychloroquine for dry eyes in primary Sjögren's syndrome"]
ASTHMA_TRIAL = ["An inhaled drug Z in adults with moderate asthma"]
APS_TRIAL = ["Hydroxychloroquine for thrombosis prevention in antiphospholipid syndrome"]
ON = dt.date(2026, 9, 1)


def _exclusions(item: str, about: list[str]) -> list[Any]:
    return parse_eligibility_text(f"Exclusion Criteria:\n\n* {item}\n", about=about)


# ------------------------------------------------------------------ registry items
# (exclusion in a sponsor's words, trial, concepts, params that must hold)
ITEMS: list[tuple[str, list[str], list[str], dict[str, Any]]] = [
    # connective tissue disease: "other" leaves the trial's own disease out
    ("Other connective tissue disease", SLE_TRIAL, ["dx.ctd"],
     {"except_concepts": ["dx.lupus_nephritis", "dx.sle"]}),
    ("Any other connective tissue disorder", SSC_TRIAL, ["dx.ctd"],
     {"except_concepts": ["dx.systemic_sclerosis"]}),
    ("Coexisting connective tissue disease other than Sjögren's syndrome", SJOGREN_TRIAL,
     ["dx.ctd"], {"except_concepts": ["dx.sjogren"]}),
    ("Connective tissue disease other than systemic sclerosis", SSC_TRIAL, ["dx.ctd"],
     {"except_concepts": ["dx.systemic_sclerosis"]}),
    ("Another collagen vascular disease", SJOGREN_TRIAL, ["dx.ctd"],
     {"except_concepts": ["dx.sjogren"]}),
    ("History of connective tissue disease", ASTHMA_TRIAL, ["dx.ctd"], {}),
    ("Known collagen disease", ASTHMA_TRIAL, ["dx.ctd"], {}),
    # overlap syndromes of the rheumatic diseases
    ("Overlap syndrome", SLE_TRIAL, ["dx.mctd"], {}),
    ("Patients with an overlap syndrome", SSC_TRIAL, ["dx.mctd"], {}),
    # systemic infections
    ("Systemic infections", ASTHMA_TRIAL, ["dx.active_infection"], {}),
    ("History of systemic fungal infection", ASTHMA_TRIAL, ["dx.infection"], {}),
    ("Active systemic bacterial infection", ASTHMA_TRIAL, ["dx.infection"],
     {"temporality": "current"}),
    # IgG4-related disease
    ("IgG4-related disease", SJOGREN_TRIAL, ["dx.igg4rd"], {}),
    ("History of IgG4-RD", SJOGREN_TRIAL, ["dx.igg4rd"], {}),
    ("IgG4 related sclerosing disease", SJOGREN_TRIAL, ["dx.igg4rd"], {}),
    # end-stage renal disease as European sponsors word it
    ("Terminal renal failure", ASTHMA_TRIAL, ["dx.esrd"], {}),
    ("Chronic terminal renal disease", ASTHMA_TRIAL, ["dx.esrd"], {}),
    # autoimmune disease, the whole group
    ("History of autoimmune disease", ASTHMA_TRIAL, ["dx.autoimmune"], {}),
    ("Known auto-immune disorders", ASTHMA_TRIAL, ["dx.autoimmune"], {}),
    ("Systemic autoimmune disease", ASTHMA_TRIAL, ["dx.autoimmune"], {}),
    # the trial's disease named, and the groups it belongs to, left out with it
    ("Autoimmune disease other than systemic sclerosis", SSC_TRIAL, ["dx.autoimmune"],
     {"except_concepts": ["dx.autoimmune_other", "dx.ctd", "dx.systemic_sclerosis"]}),
    # ... but not the group's other members: Sjögren's syndrome still counts
    ("Autoimmune disease other than SLE", SLE_TRIAL, ["dx.autoimmune"],
     {"except_concepts": ["dx.ctd", "dx.lupus_nephritis", "dx.sle"]}),
    # "other autoimmune disease" means lupus is the trial's own only in a lupus trial
    ("Other autoimmune diseases", SLE_TRIAL, ["dx.autoimmune_other"], {}),
    ("Other autoimmune diseases", APS_TRIAL, ["dx.autoimmune_other"], {}),
    ("Other systemic autoimmune diseases", SJOGREN_TRIAL, ["dx.autoimmune"],
     {"except_concepts": ["dx.ctd", "dx.sjogren"]}),
    ("Any other autoimmune disease", SSC_TRIAL, ["dx.autoimmune"],
     {"except_concepts": ["dx.autoimmune_other", "dx.ctd", "dx.systemic_sclerosis"]}),
    # lupus of the central nervous system, as lupus trials word it
    ("Central nervous system (CNS) involvement of SLE", SLE_TRIAL, ["dx.cns_lupus"], {}),
    ("CNS manifestations of lupus", SLE_TRIAL, ["dx.cns_lupus"], {}),
    ("Neuropsychiatric manifestations of SLE", SLE_TRIAL, ["dx.cns_lupus"], {}),
    ("Lupus-related CNS disease", SLE_TRIAL, ["dx.cns_lupus"], {}),
    ("Active neuropsychiatric involvement of lupus", SLE_TRIAL, ["dx.cns_lupus"],
     {"temporality": "current"}),
    # catastrophic antiphospholipid syndrome, a form of APS
    ("History of catastrophic antiphospholipid syndrome", SLE_TRIAL, ["dx.caps"], {}),
    ("Catastrophic APS", SLE_TRIAL, ["dx.caps"], {}),
    # CAPS is also the cryopyrin-associated periodic syndromes: the bare abbreviation is
    # no antiphospholipid syndrome
    # central nervous system disorders, abbreviation bracketed inside the name
    ("Central nervous system (CNS) disorders", ASTHMA_TRIAL, ["dx.neurological_disease"],
     {}),
    ("Central nervous system (CNS) disease", ASTHMA_TRIAL, ["dx.neurological_disease"], {}),
    # post-herpetic neuralgia, a zoster complication
    ("Post-herpetic neuralgia", ASTHMA_TRIAL, ["dx.herpes_zoster"], {}),
    ("History of postherpetic neuralgia within the past year", ASTHMA_TRIAL,
     ["dx.herpes_zoster"], {"window_days": 365}),
]


@pytest.mark.parametrize(("text", "about", "concepts", "extra"), ITEMS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(ITEMS)])
def test_an_exclusion_naming_a_family_member_is_read_as_its_concept(text, about, concepts,
                                                                   extra):
    (criterion,) = _exclusions(text, about)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    got = {k: sorted(v) if isinstance(v, list) else v
           for k, v in ((k, criterion.params.get(k)) for k in extra)}
    assert got == extra


# A group that holds the trial's own disease: excluding it whole would refuse every
# patient of the trial, and in a trial of unknown condition it may be the trial's own.
@pytest.mark.parametrize(("text", "about"), [
    ("Connective tissue disease", SLE_TRIAL),
    ("Collagen vascular disease", SSC_TRIAL),
    ("Connective tissue disease", []),
    ("Autoimmune disease", SLE_TRIAL),
    ("History of autoimmune disorders", SJOGREN_TRIAL),
    ("Autoimmune disease", []),
])
def test_a_connective_tissue_disease_exclusion_never_refuses_the_trial_s_own_population(
        text, about):
    (criterion,) = _exclusions(text, about)
    assert criterion.kind == "manual"


# "Overlap" of other diseases is no rheumatic overlap syndrome.
def test_caps_alone_is_not_read_as_catastrophic_antiphospholipid_syndrome():
    criteria = _exclusions("History of CAPS", SLE_TRIAL)
    assert all("dx.caps" not in c.params.get("concepts", ()) for c in criteria)


@pytest.mark.parametrize("text", ["Asthma-COPD overlap syndrome",
                                  "Autoimmune hepatitis overlap syndrome"])
def test_a_non_rheumatic_overlap_syndrome_is_not_read_as_mixed_ctd(text):
    criteria = _exclusions(text, ASTHMA_TRIAL)
    assert all("dx.mctd" not in c.params.get("concepts", ()) for c in criteria)


# (exclusion, the concepts of its criteria)
ORGAN_PAIRS: list[tuple[str, list[list[str]]]] = [
    ("Unstable liver and kidney disease", [["dx.liver_disease"], ["dx.kidney_disease"]]),
    ("Liver and renal failure", [["dx.hepatic_failure"], ["dx.renal_failure"]]),
    ("Neurological and psychiatric disorders",
     [["dx.neurological_disease"], ["dx.psychiatric"]]),
    ("Unstable heart and pulmonary failure", [["dx.heart_failure"], ["dx.respiratory_failure"]]),
    ("Unstable heart/lung disease", [["dx.heart_disease"], ["dx.lung_disease"]]),
    ("Uncontrolled cardiac & hepatic disease", [["dx.heart_disease"], ["dx.liver_disease"]]),
]


@pytest.mark.parametrize(("text", "concepts"), ORGAN_PAIRS, ids=[r[0] for r in ORGAN_PAIRS])
def test_two_organs_sharing_one_head_exclude_each_on_its_own(text, concepts):
    criteria = _exclusions(text, SJOGREN_TRIAL)
    assert all(c.kind == "diagnosis" for c in criteria), [c.manual_reason for c in criteria]
    assert [c.params["concepts"] for c in criteria] == concepts
    assert len({c.params.get("judged", ()) and tuple(c.params["judged"]) for c in criteria}) == 1


# "And" between findings that are not organs before one head may join what must come
# together: the item stays one.
@pytest.mark.parametrize("text", ["Heart failure and diabetes requiring insulin",
                                  "Liver cirrhosis and portal hypertension"])
def test_and_between_other_findings_is_not_split_as_an_organ_pair(text):
    criteria = _exclusions(text, SJOGREN_TRIAL)
    assert all("list:organ-pair" not in c.trace for c in criteria)


# "At least 18 years of age with a diagnosis of SLE" is the patient's age and the diagnosis,
# never a disease known for 18 years.
@pytest.mark.parametrize("text", [
    "Patients at least 18 years of age with a confirmed diagnosis of SLE",
    "At least 16 years of age with a diagnosis of lupus nephritis",
    "Subjects ≥ 18 years old with a documented diagnosis of SLE",
])
def test_an_age_before_a_diagnosis_is_no_disease_duration(text):
    criteria = parse_eligibility_text(f"Inclusion Criteria:\n\n* {text}\n", about=SLE_TRIAL)
    assert all(c.kind != "diagnosis_timing" for c in criteria), [c.params for c in criteria]


def test_a_disease_duration_is_still_read():
    (criterion,) = parse_eligibility_text(
        "Inclusion Criteria:\n\n* SLE diagnosed at least 6 months before screening\n",
        about=SLE_TRIAL)
    assert criterion.kind == "diagnosis_timing"
    assert criterion.params["min_duration_days"] == 183


# (inclusion in a sponsor's words, trial, concepts, judged words)
STABLE: list[tuple[str, list[str], list[str], list[str]]] = [
    ("Clinically stable SLE", SLE_TRIAL, ["dx.sle"], ["clinically stable"]),
    ("Inactive or stable lupus", SLE_TRIAL, ["dx.sle"], ["inactive", "stable"]),
    ("Quiescent systemic lupus erythematosus", SLE_TRIAL, ["dx.sle"], ["quiescent"]),
    ("Well-controlled hypertension", ASTHMA_TRIAL, ["dx.hypertension"], ["well-controlled"]),
    ("Medically stable heart failure", ASTHMA_TRIAL, ["dx.heart_failure"],
     ["medically stable"]),
]


@pytest.mark.parametrize(("text", "about", "concepts", "judged"), STABLE,
                         ids=[r[0] for r in STABLE])
def test_a_stability_qualifier_is_judged_and_the_disease_still_read(text, about, concepts,
                                                                    judged):
    (criterion,) = parse_eligibility_text(f"Inclusion Criteria:\n\n* {text}\n", about=about)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["judged"] == judged


# As "moderate to severe SLE" is: SLE ruled out decides, SLE documented is for a person.
@pytest.mark.parametrize("text", ["Clinically stable SLE", "Moderate to severe SLE"])
@pytest.mark.parametrize(("findings", "status"), [
    ([], Status.UNKNOWN),
    ([_mention("dx.sle", ON, Assertion.NEGATED)], Status.NOT_MET),
    ([_mention("dx.sle", ON)], Status.MANUAL),
])
def test_stable_sle_is_decided_when_sle_is_ruled_out_and_left_to_a_person_with_it(
        text, findings, status):
    (criterion,) = parse_eligibility_text(f"Inclusion Criteria:\n\n* {text}\n",
                                          about=SLE_TRIAL)
    assert _status(criterion, *findings) is status


# ------------------------------------------------------------------ the evaluator
OTHER_CTD = "Other connective tissue disease"
EVALUATED = [
    ([_mention("dx.sle", ON)], Status.NOT_MET),
    ([_mention("dx.sle", ON), _mention("dx.lupus_nephritis", ON)], Status.NOT_MET),
    ([_mention("dx.sle", ON), _mention("dx.systemic_sclerosis", ON)], Status.MET),
    ([_mention("dx.sle", ON), _mention("dx.sjogren", ON)], Status.MET),
    ([_mention("dx.sle", ON), _mention("dx.myositis", ON)], Status.MET),
    ([_mention("dx.sle", ON), _mention("dx.mctd", ON)], Status.MET),
    ([_mention("dx.sle", ON), _mention("dx.ctd", ON)], Status.MET),
    ([_mention("dx.sle", ON), _mention("dx.ctd", ON, Assertion.NEGATED)], Status.NOT_MET),
]


@pytest.mark.parametrize(("findings", "status"), EVALUATED,
                         ids=[str(i) for i in range(len(EVALUATED))])
def test_other_connective_tissue_disease_in_an_sle_trial_is_decided_by_the_other_members(
        findings, status):
    (criterion,) = _exclusions(OTHER_CTD, SLE_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is status


AUTOIMMUNE = "History of autoimmune disease"
AUTOIMMUNE_EVALUATED = [
    ([], Status.UNKNOWN),
    ([_mention("dx.sle", ON)], Status.MET),
    ([_mention("dx.hashimoto", ON)], Status.MET),
    ([_mention("dx.sjogren", ON)], Status.MET),
    ([_mention("dx.autoimmune", ON)], Status.MET),
]


@pytest.mark.parametrize(("findings", "status"), AUTOIMMUNE_EVALUATED,
                         ids=[str(i) for i in range(len(AUTOIMMUNE_EVALUATED))])
def test_an_autoimmune_disease_exclusion_is_met_by_any_member_and_unknown_without_one(
        findings, status):
    (criterion,) = _exclusions(AUTOIMMUNE, ASTHMA_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is status


# "Other autoimmune disease" in a Sjögren's trial: lupus is another autoimmune disease there.
OTHER_IN_SJOGREN = [
    ([_mention("dx.sjogren", ON), _mention("dx.sle", ON)], Status.MET),
    ([_mention("dx.sjogren", ON), _mention("dx.rheumatoid_arthritis", ON)], Status.MET),
    ([_mention("dx.sjogren", ON)], Status.UNKNOWN),
]


@pytest.mark.parametrize(("findings", "status"), OTHER_IN_SJOGREN,
                         ids=[str(i) for i in range(len(OTHER_IN_SJOGREN))])
def test_other_autoimmune_disease_outside_a_lupus_trial_counts_lupus(findings, status):
    (criterion,) = _exclusions("Other autoimmune diseases", SJOGREN_TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, *findings) is status


# ------------------------------------------------------------------ clinic notes
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


NOTES: list[tuple[str, str, list[str]]] = [
    ("Connective tissue disease with Raynaud's and arthralgia, ANA 1:640.",
     "dx.ctd", ["affirmed"]),
    ("No features of a connective tissue disease.", "dx.ctd", ["negated"]),
    ("CTD-associated interstitial lung disease, on MMF.", "dx.ctd", ["affirmed"]),
    ("SLE/systemic sclerosis overlap syndrome diagnosed in 2019.", "dx.mctd", ["affirmed"]),
    ("Asthma-COPD overlap syndrome, on inhaled steroids.", "dx.mctd", []),
    ("Admitted with a systemic fungal infection in May.", "dx.infection", ["affirmed"]),
    ("IgG4-related disease with submandibular gland swelling.", "dx.igg4rd", ["affirmed"]),
    ("Serum IgG4 normal; no evidence of IgG4-RD.", "dx.igg4rd", ["negated"]),
    ("Persistent post-herpetic neuralgia on gabapentin.", "dx.herpes_zoster", ["affirmed"]),
    ("No known autoimmune disease.", "dx.autoimmune", ["negated"]),
    ("Neuropsychiatric manifestations of SLE: seizures in 2019.", "dx.cns_lupus",
     ["affirmed"]),
    ("Admitted to ICU with catastrophic antiphospholipid syndrome.", "dx.caps", ["affirmed"]),
    ("Mother has autoimmune disease.", "dx.autoimmune", ["family"]),
    ("Terminal renal failure, on haemodialysis since 2021.", "dx.esrd", ["affirmed"]),
]


@pytest.mark.parametrize(("text", "concept", "assertions"), NOTES,
                         ids=[f"{r[0]}-{r[1]}" for r in NOTES])
def test_a_note_sentence_yields_the_family_finding(parser, text, concept, assertions):
    assert _found(parser, text, concept) == assertions


def test_the_connective_tissue_disease_concept_carries_a_standard_code():
    from matcher.nlp.vocab import load_vocabulary
    vocab = load_vocabulary()
    assert vocab["dx.ctd"].code and vocab["dx.igg4rd"].code and vocab["dx.autoimmune"].code
