"""Members of a diagnosis group named alone (issue 12, round 13): trials of every disease
area exclude one member of a group the vocabulary knew only as the group, and the reader
left them manual ("names 'schizophrenia', narrower than the vocabulary's 'psychiatric
illness'") or did not know them at all ("not understood: 'Breast'").

Each member is a concept of its own with a standard code, under its group (attrs
`implies`), read on both sides of the one vocabulary:

- an exclusion naming the member is read as the member, never as the whole group (a
  patient with depression is no patient with schizophrenia; a kidney recipient is no liver
  recipient);
- an exclusion naming the group still counts a note that names only the member (a note's
  "breast cancer" is a malignancy, its "liver transplant" a solid organ transplant);
- "other than" / "except" a member leaves that member out of the group.

Groups split: psychiatric illness (schizophrenia, bipolar disorder, anorexia nervosa),
heart disease (valvular disease, hypertrophic cardiomyopathy), portal hypertension
(oesophageal varices), substance abuse (opioids; alcohol and drug abuse stay the group's
narrower terms, since registry texts write "drug or alcohol abuse" as one finding),
bleeding disorders (haemophilia, von Willebrand disease), solid organ transplants (liver,
heart, lung; a kidney transplant stays the group's own term, as lupus nephritis trials and
their notes name it), and malignancy (cancers of the breast, prostate, colon and rectum,
lung and eleven more organs, and brain metastases). New findings: ascites, a bone
fracture, a spinal cord injury.

The sentences are written here in the ways sponsors and clinicians word them; none is
copied from a registry record.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary
from tests.parse_support import exclusions_of, judged_exclusion

TRIAL = ["A drug Z for adults with type 2 diabetes and obesity"]
WRITTEN = dt.date(2026, 10, 20)
AS_OF = dt.date(2026, 11, 1)


def _exclusions(item: str) -> list[Criterion]:
    return exclusions_of(item, "Type 2 diabetes", TRIAL)


def _one(item: str) -> Criterion:
    (criterion,) = _exclusions(item)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    return criterion


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ------------------------------------------------------------------ a member named alone
# (exclusion in a sponsor's words, the one concept it names)
MEMBERS: list[tuple[str, str]] = [
    ("Schizophrenia", "dx.schizophrenia"),
    ("History of schizophrenia", "dx.schizophrenia"),
    ("Bipolar disorder", "dx.bipolar"),
    ("Known bipolar affective disorder", "dx.bipolar"),
    ("Opioid dependence", "dx.opioid_use_disorder"),
    ("Current opioid use disorder", "dx.opioid_use_disorder"),
    ("Haemophilia", "dx.haemophilia"),
    ("Known hemophilia A or B", "dx.haemophilia"),
    ("von Willebrand disease", "dx.vwd"),
    ("Liver transplant", "dx.liver_transplant"),
    ("Prior liver transplantation", "dx.liver_transplant"),
    ("History of heart transplantation", "dx.heart_transplant"),
    ("Lung transplant recipients", "dx.lung_transplant"),
    ("Breast cancer", "dx.breast_cancer"),
    ("History of breast carcinoma", "dx.breast_cancer"),
    ("Prostate cancer", "dx.prostate_cancer"),
    ("Known prostate carcinoma", "dx.prostate_cancer"),
    ("Prior colorectal cancer", "dx.colorectal_cancer"),
    ("Bowel cancer", "dx.colorectal_cancer"),
    ("Lung cancer", "dx.lung_cancer"),
]


# More cancers of one organ, cancer spread to the brain, and members of the heart,
# eating-disorder and portal-hypertension groups; and findings of every clinic the
# vocabulary did not know (ascites, a fracture, a spinal cord injury).
MEMBERS += [
    ("Pancreatic cancer", "dx.pancreatic_cancer"),
    ("History of ovarian cancer", "dx.ovarian_cancer"),
    ("Gastric cancer", "dx.gastric_cancer"),
    ("Stomach cancer", "dx.gastric_cancer"),
    ("Hepatocellular carcinoma", "dx.hcc"),
    ("Bladder cancer", "dx.bladder_cancer"),
    ("Invasive cervical cancer", "dx.cervical_cancer"),
    ("Thyroid cancer", "dx.thyroid_cancer"),
    ("Melanoma", "dx.melanoma"),
    ("History of malignant melanoma", "dx.melanoma"),
    ("Kidney cancer", "dx.kidney_cancer"),
    ("Endometrial cancer", "dx.endometrial_cancer"),
    ("Oesophageal cancer", "dx.oesophageal_cancer"),
    ("Known brain metastases", "dx.brain_metastases"),
    ("Valvular heart disease", "dx.valvular_heart_disease"),
    ("Hypertrophic cardiomyopathy", "dx.hcm"),
    ("Anorexia nervosa", "dx.anorexia_nervosa"),
    ("Oesophageal varices", "dx.oesophageal_varices"),
    ("Ascites", "dx.ascites"),
    ("Bone fracture within the past 6 months", "dx.fracture"),
    ("Spinal cord injury", "dx.spinal_cord_injury"),
]


@pytest.mark.parametrize(("text", "concept"), MEMBERS, ids=[m[0] for m in MEMBERS])
def test_a_member_named_alone_is_read_as_the_member(text, concept):
    assert _one(text).params["concepts"] == [concept]


# A subtype of the member is narrower still: "bipolar I disorder" read as any bipolar
# disorder would exclude a patient with bipolar II; "colon cancer" read as colorectal
# cancer would exclude a patient with rectal cancer.
@pytest.mark.parametrize("text", [
    "History of LTx",
    "Diagnosis of bipolar I disorder",
    "Paranoid schizophrenia",
    "Haemophilia B",
    "Colon cancer",
    "History of rectal cancer",
    "Non-small cell lung cancer",
    "Invasive ductal carcinoma",
])
def test_a_subtype_of_a_member_is_not_read_as_the_whole_member(text):
    (criterion,) = _exclusions(text)
    assert criterion.kind == "manual"
    assert "narrower than" in (criterion.manual_reason or "")


@pytest.mark.parametrize(("text", "temporality"), [
    ("History of schizophrenia", "ever"),
    ("Prior colorectal cancer", "ever"),
    ("Prior liver transplantation", "ever"),
    ("Current opioid use disorder", "current"),
])
def test_a_member_keeps_the_time_its_item_states(text, temporality):
    assert _one(text).params["temporality"] == temporality


FINDINGS = {"dx.ascites", "dx.fracture", "dx.spinal_cord_injury"}  # of no group


def test_every_member_has_a_standard_code_and_its_group():
    vocab = load_vocabulary()
    for _, concept in MEMBERS:
        assert vocab[concept].code, concept
        assert concept in FINDINGS or vocab[concept].attrs.get("implies"), concept


# ------------------------------------------------------------------ notes
# (exclusion, note sentence, status): the group counts its member's mention; a member's
# exclusion is not met by a sibling.
JUDGED: list[tuple[str, str, Status]] = [
    ("Psychiatric illness", "Known schizophrenia, stable on clozapine.", Status.MET),
    ("Schizophrenia", "Known schizophrenia, stable on clozapine.", Status.MET),
    ("Schizophrenia", "Major depression, treated with sertraline.", Status.NOT_MET),
    ("Bipolar disorder", "Bipolar disorder on lithium, euthymic.", Status.MET),
    ("Substance abuse", "Ongoing alcohol dependence, drinks daily.", Status.MET),
    ("Substance abuse", "Opioid use disorder, on buprenorphine maintenance.", Status.MET),
    ("Opioid dependence", "Opioid use disorder, on buprenorphine maintenance.", Status.MET),
    ("Bleeding disorder", "Haemophilia A, on factor VIII prophylaxis.", Status.MET),
    ("Solid organ transplant", "Liver transplant recipient since 2019.", Status.MET),
    ("Liver transplant", "Kidney transplant in 2015, on tacrolimus.", Status.NOT_MET),
    ("Solid organ transplant", "Kidney transplant in 2015, on tacrolimus.", Status.MET),
    # "LTx" is a liver or a lung transplant: either way a solid organ transplant
    ("Solid organ transplant", "Status post LTx in 2013 for biliary atresia.", Status.MET),
    ("History of organ transplantation", "s/p LTx (2019), on tacrolimus.", Status.MET),
    ("Malignancy", "Breast cancer diagnosed last month, starting chemotherapy.", Status.MET),
    ("Breast cancer", "Breast cancer diagnosed last month, starting chemotherapy.", Status.MET),
    ("Breast cancer", "Prostate cancer on androgen deprivation.", Status.NOT_MET),
    ("Malignancy", "Metastatic pancreatic cancer, on gemcitabine.", Status.MET),
    # a screening for a cancer is no cancer
    ("Malignancy", "Colorectal cancer screening up to date, FIT negative.", Status.NOT_MET),
    ("Lung cancer", "Lung cancer screening CT in March was normal.", Status.NOT_MET),
    ("Breast cancer", "Breast cancer screening mammogram due next year.", Status.NOT_MET),
    ("Malignancy", "Known brain metastases, treated with radiosurgery.", Status.MET),
    ("Heart disease", "Hypertrophic cardiomyopathy on echo, on bisoprolol.", Status.MET),
    ("Eating disorder", "Anorexia nervosa, BMI 15.", Status.MET),
    ("Cardiomyopathy", "Dilated left ventricle, no hypertrophic cardiomyopathy.", Status.NOT_MET),
]


@pytest.mark.parametrize(("item", "sentence", "status"), JUDGED,
                         ids=[f"{j[0]} / {j[1]}" for j in JUDGED])
def test_a_member_on_a_note_is_judged_within_its_group(parser, item, sentence, status):
    assert judged_exclusion(parser, item, [sentence], WRITTEN, AS_OF) is status


# ------------------------------------------------------------------ "other than" a member
# "Other malignancy" in a trial about one cancer leaves that cancer out, now that the
# vocabulary names it (before, the trial's own condition was the whole group and the
# item stayed with a person).
@pytest.mark.parametrize(("about", "inclusion", "own"), [
    (("Breast cancer",), "Age 18 or over", "dx.breast_cancer"),
    (("Metastatic prostate cancer",), "Histologically confirmed prostate cancer",
     "dx.prostate_cancer"),
])
def test_other_malignancy_in_a_trial_about_one_cancer_leaves_that_cancer_out(about, inclusion,
                                                                               own):
    text = (f"Inclusion Criteria:\n- {inclusion}\nExclusion Criteria:\n"
            "- History of other malignancy\n")
    (criterion,) = [c for c in parse_eligibility_text(text, about=about) if c.type == "exclusion"]
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.malignancy"]
    assert own in criterion.params["except_concepts"]



@pytest.mark.parametrize(("text", "concept", "left_out"), [
    ("Organ transplant other than a heart transplant", "dx.transplant", "dx.heart_transplant"),
    ("Solid organ transplant, except liver transplantation", "dx.transplant",
     "dx.liver_transplant"),
    ("History of malignancy other than prostate cancer", "dx.malignancy", "dx.prostate_cancer"),
    ("Any cancer except breast cancer", "dx.malignancy", "dx.breast_cancer"),
])
def test_other_than_a_member_leaves_the_member_out(text, concept, left_out):
    criterion = _one(text)
    assert criterion.params["concepts"] == [concept]
    assert left_out in criterion.params.get("except_concepts", [])


# ------------------------------------------------------------------ exacerbations, morbid obesity
# An exacerbation is an event of its own in a window ("COPD exacerbation in the last 3
# weeks"), never the standing disease: a patient with stable COPD is not excluded; morbid
# obesity is the obesity of its own grade (BMI ≥ 40), not any obesity.
@pytest.mark.parametrize(("text", "concept", "days"), [
    ("COPD exacerbation in the last 3 weeks", "dx.copd_exacerbation", 21),
    ("Acute exacerbation of COPD within 4 weeks before screening", "dx.copd_exacerbation", 28),
    ("Asthma exacerbation within 4 weeks", "dx.asthma_exacerbation", 28),
    ("Asthma attack within the past 3 months", "dx.asthma_exacerbation", 91),
    ("Morbid obesity", "dx.morbid_obesity", 90),  # current: the 90-day lookback
])
def test_an_exacerbation_or_a_grade_is_read_as_its_own_concept(text, concept, days):
    (criterion,) = _exclusions(text)
    assert criterion.params["concepts"] == [concept], criterion.manual_reason
    assert criterion.params.get("window_days") == days


@pytest.mark.parametrize(("item", "sentence", "status"), [
    ("COPD exacerbation in the last 3 weeks", "Admitted with an exacerbation of COPD, on "
     "prednisolone.", Status.MET),
    ("COPD exacerbation in the last 3 weeks", "Stable COPD on tiotropium.", Status.NOT_MET),
    ("COPD", "Admitted with an exacerbation of COPD.", Status.MET),
    ("Morbid obesity", "Morbid obesity, BMI 43.", Status.MET),
    ("Obesity", "Morbid obesity, BMI 43.", Status.MET),
])
def test_an_exacerbation_is_judged_as_the_event_and_counts_for_its_disease(parser, item,
                                                                           sentence, status):
    assert judged_exclusion(parser, item, [sentence], WRITTEN, AS_OF) is status


# ------------------------------------------------------------------ "never"
# "Never had cancer" asks about all time: a cancer five years ago makes the patient
# ineligible. Read as a current state (the standing-state default of cancer, heart failure,
# diabetes), a past cancer would have let the patient through.
@pytest.mark.parametrize("text", [
    "Never diagnosed with depression",
    "Never had cancer",
    "Has never been diagnosed with heart failure",
    "Patients who have never had a malignancy",
])
def test_never_asks_about_all_time(text):
    body = f"Inclusion Criteria:\n- {text}\n"
    (criterion,) = parse_eligibility_text(body, about=["Knee osteoarthritis"])
    # a negated inclusion excludes what it names
    assert (criterion.type, criterion.kind) == ("exclusion", "diagnosis"), criterion.manual_reason
    assert criterion.params["temporality"] == "ever"
    assert criterion.params.get("window_days") is None
