""""Other X" and the cardiovascular / heart disease groups.

"Other malignancy" in a diabetes trial is any malignancy; in a breast-cancer trial it is
every cancer but the trial's own, which the vocabulary cannot subtract: the reading is left
to a person. A trial whose own condition the reader does not know cannot be read either.
"Cardiovascular disease" and "heart disease" are groups whose members the notes name
("heart failure", "atrial fibrillation").

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.render import reading
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

AS_OF = dt.date(2025, 6, 1)
DIABETES_TRIAL = "Inclusion Criteria:\n- Type 2 diabetes mellitus\nExclusion Criteria:\n"
LUPUS_TRIAL = ("Inclusion Criteria:\n- Diagnosis of SLE per the 2019 EULAR/ACR criteria\n"
               "Exclusion Criteria:\n")  # fmt: skip


def _exclusion(text: str, trial: str = DIABETES_TRIAL, about: tuple[str, ...] = ()
               ) -> Criterion:  # fmt: skip
    criteria = parse_eligibility_text(f"{trial}- {text}\n", about)
    return [c for c in criteria if c.type == "exclusion"][-1]


# ------------------------------------------------------------------ "other X"

OTHER_DECIDED = [
    ("History of other malignancy within the past 5 years", "dx.malignancy"),
    ("Other malignancies", "dx.malignancy"),
    ("Any other malignant tumours", "dx.malignancy"),
    ("Another malignancy", "dx.malignancy"),
    ("Other active malignancy", "dx.malignancy"),
    ("History of other psychiatric disorder", "dx.psychiatric"),
    ("Other chronic liver disease", "dx.liver_disease"),
]


@pytest.mark.parametrize(("text", "concept"), OTHER_DECIDED)
@pytest.mark.parametrize("trial", [DIABETES_TRIAL, LUPUS_TRIAL])
def test_other_x_in_a_trial_about_something_else_is_x(text, concept, trial):
    criterion = _exclusion(text, trial)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["other_than_own"] is True
    assert "dx.sle" not in criterion.params["concepts"]


@pytest.mark.parametrize(
    ("trial", "about", "text"),
    [
        # (a cancer the vocabulary names, "breast cancer", is left out instead:
        # tests/test_criteria_families13.py)
        ("Inclusion Criteria:\n- Age 18 or over\nExclusion Criteria:\n", ("Cholangiocarcinoma",),
         "History of other malignancy"),
        ("Inclusion Criteria:\n- Compensated liver cirrhosis\nExclusion Criteria:\n", (),
         "Other liver disease"),
        ("Inclusion Criteria:\n- Non-melanoma skin cancer on the face\nExclusion Criteria:\n",
         (), "Any other cancer"),
    ],
)
def test_other_x_in_a_trial_about_x_is_never_computed(trial, about, text):
    criterion = _exclusion(text, trial, about)
    assert criterion.kind == "manual"
    assert criterion.manual_reason.startswith("guard: ")


@pytest.mark.parametrize("text", ["Other malignancy", "History of another malignant tumour"])
def test_other_x_in_a_trial_whose_own_condition_is_unknown_is_manual(text):
    criterion = _exclusion(text, "Inclusion Criteria:\n- Age 18 to 75\nExclusion Criteria:\n")
    assert criterion.kind == "manual"
    assert "other" in criterion.manual_reason and "own condition" in criterion.manual_reason


def test_other_x_says_so_in_its_reading():
    text = reading(_exclusion("Other malignancy"))
    assert "other than the trial's own condition" in text


# ------------------------------------------------------------------ cardiovascular, heart

GROUPS = [
    ("History of cardiovascular disease", "dx.cardiovascular_disease"),
    ("Cardiovascular diseases", "dx.cardiovascular_disease"),
    ("Known cardiovascular disorder", "dx.cardiovascular_disease"),
    ("Heart disease", "dx.heart_disease"),
    ("History of cardiac disease", "dx.heart_disease"),
    ("Patients with heart diseases", "dx.heart_disease"),
]


@pytest.mark.parametrize(("text", "concept"), GROUPS)
def test_cardiovascular_and_heart_disease_are_read_as_their_groups(text, concept):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]


def test_a_judged_cardiovascular_disease_decides_only_its_absence():
    # ("Clinically significant cardiovascular disease", a degree no measure defines, is left
    # to a person since round 12: tests/test_criteria_own_forms.py.)
    criterion = parse_criterion("Uncontrolled cardiovascular disease", "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["judged"]


@pytest.mark.parametrize("text", ["Coronary artery disease", "History of ischaemic heart disease"])
def test_one_kind_of_heart_disease_is_not_read_as_any_heart_disease(text):
    criterion = parse_criterion(text, "exclusion")
    assert "dx.heart_disease" not in criterion.params.get("concepts", [])


def _finding(concept: str) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED,
                   date=AS_OF - dt.timedelta(days=400), date_source="text")


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("History of heart disease", "dx.heart_failure"),
        ("History of cardiovascular disease", "dx.atrial_fibrillation"),
        # named bare, the disease now: coronary artery disease does not resolve (a
        # myocarditis 400 days ago may have, and is left to a person)
        ("Cardiovascular disease", "dx.cad"),
    ],
)
def test_a_member_documented_in_the_notes_meets_the_group_exclusion(text, member):
    criterion = parse_criterion(text, "exclusion")
    timeline = build_timeline(Patient("P1", None), [_finding(member)], {"n1": AS_OF}, AS_OF)
    assert evaluate(criterion, timeline).status is Status.MET
    empty = build_timeline(Patient("P1", None), [], {}, AS_OF)
    assert evaluate(criterion, empty).status is Status.NOT_MET


@pytest.mark.parametrize(
    ("sentence", "concept"),
    [
        ("Past medical history: heart disease, on aspirin.", "dx.heart_disease"),
        ("She has known cardiovascular disease.", "dx.cardiovascular_disease"),
    ],
)
def test_the_notes_find_the_groups_too(sentence, concept):
    parser = NoteParser(build_pipeline())
    found = [f for f in parser.parse(sentence, "n", AS_OF) if f.concept == concept]
    assert found and found[0].assertion is Assertion.AFFIRMED


# ------------------------------------------------------------------ "A or other B" (drugs)

# "Prednisone or other corticosteroids": "other" is bound by the conjunction to the drug
# named just before it, so the item means A or B (A and the rest of B): nothing is left out
# that a person would have to subtract. The same holds when A is not a member of B
# ("azathioprine or other biologics": the sponsor's "other" is loose, the union is not).
OR_OTHER_DRUGS = [
    ("Prednisone or other corticosteroids within 4 weeks before screening",
     {"drug.glucocorticoid"}),
    ("Dexamethasone or any other corticosteroid within the past month",
     {"drug.glucocorticoid"}),
    ("Methylprednisolone and other steroids in the last 30 days", {"drug.glucocorticoid"}),
    ("Use of an immunosuppressant or other biologic therapy within 3 months",
     {"drug.azathioprine", "drug.rituximab"}),
    ("Azathioprine or other biologics within 3 months", {"drug.azathioprine", "drug.rituximab"}),
    ("Atorvastatin, or other statins, within 8 weeks", {"drug.atorvastatin"}),
]


@pytest.mark.parametrize(("text", "some_drugs"), OR_OTHER_DRUGS)
def test_a_drug_or_other_drugs_reads_both(text, some_drugs):
    criterion = _exclusion(text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert some_drugs <= set(criterion.params["drugs"])


# With nothing named before it, "other" means other than something the item does not name
# (the study drug, the trial's background therapy): a person decides.
@pytest.mark.parametrize("text", [
    "History of other immunosuppressive agents in the last 3 months",
    "Use of other corticosteroids within 4 weeks",
])
def test_other_drugs_with_nothing_named_before_stay_manual(text):
    criterion = _exclusion(text)
    assert criterion.kind == "manual"
    assert '"other"' in criterion.manual_reason
