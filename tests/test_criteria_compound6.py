"""An exclusion that lists independent conditions is read member by member: one member
the reader does not understand stays a manual criterion of its own, with its own reason,
and costs its siblings nothing; a member is never computed when a word elsewhere in the
list may narrow it (a lead, a tail, a time, examples of a head).

"Other autoimmune diseases" leaves the trial's own disease out, and reads its exception
in other words ("rather than SLE", "besides Sjögren's syndrome"); it never excludes the
trial's own population."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria.grammar import COMPUTABLE_KINDS
from matcher.criteria.reader import parse_eligibility_text
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline


def _read(section: str, item: str, title: str = "Systemic lupus erythematosus") -> list[Criterion]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    text = f"Inclusion Criteria:\n* Adults with SLE\n{heading}\n* {item}\n"
    return [c for c in parse_eligibility_text(text, about=(title,))
            if c.kind != "age" and c.text != "Adults with SLE" and c.text != "SLE"]  # fmt: skip


def _named(criterion: Criterion) -> set[str]:
    p = criterion.params
    return (set(p.get("concepts", [])) | set(p.get("drugs", [])) | set(p.get("agents", []))
            | set(p.get("analytes", [])) | set(p.get("infections", [])))  # fmt: skip


def _summary(criteria: list[Criterion]) -> list[tuple[str, str, str]]:
    return [(c.kind, c.text, c.manual_reason or str(c.params)) for c in criteria]


# ------------------------------------------------------------------------ one unknown member

UNKNOWN_MEMBER = [
    # (item, what the computed members name, words of the member left to a person)
    ("Epilepsy, alkaptonuria, or eGFR < 30 mL/min/1.73m2", {"dx.seizure", "lab.egfr"},
     "alkaptonuria"),
    ("Known G6PD deficiency, Kartagener syndrome or ALT > 3 x ULN",
     {"dx.g6pd_deficiency", "lab.alt"}, "Kartagener"),
    # the whole item read as "allergies are checked at screening": each piece is read (a
    # "history of" a creatinine clearance, ever or now, is left to a person)
    ("History of hydroxychloroquine allergy, G6PD deficiency, alkaptonuria or creatinine "
     "clearance below 30 mL/min", {"drug.hydroxychloroquine", "dx.g6pd_deficiency"},
     "alkaptonuria"),
    ("Hydroxychloroquine allergy, G6PD deficiency, alkaptonuria or creatinine clearance below "
     "30 mL/min", {"drug.hydroxychloroquine", "dx.g6pd_deficiency", "lab.egfr"}, "alkaptonuria"),
    ("Tuberculosis, HIV infection, ferritin elevation above 2-fold the upper normal limit, "
     "or platelets < 50,000/mm3", {"dx.tuberculosis", "lab.platelets"}, "ferritin"),
    ("Diabetes mellitus, Kartagener syndrome, or haemoglobin < 8 g/dL",
     {"dx.diabetes", "lab.hemoglobin"}, "Kartagener"),
]


@pytest.mark.parametrize(("item", "computed", "manual_words"), UNKNOWN_MEMBER)
def test_a_member_the_reader_does_not_understand_costs_its_siblings_nothing(
    item: str, computed: set[str], manual_words: str
) -> None:
    criteria = _read("exclusion", item)
    found = set().union(*(_named(c) for c in criteria if c.kind in COMPUTABLE_KINDS))
    assert computed <= found, _summary(criteria)
    # The unknown member is a criterion of its own, left to a person, never dropped.
    manual = [c for c in criteria if c.kind not in COMPUTABLE_KINDS]
    assert any(manual_words in c.text for c in manual), _summary(criteria)
    assert all(c.type == "exclusion" for c in criteria)


def test_a_measure_threshold_ending_a_list_reaches_no_diagnosis_before_it() -> None:
    # "< 50,000/mm3" is the platelet count's limit: "tuberculosis < 50,000/mm3" is no
    # reading, so tuberculosis is computed, not left asking whether the limit applies.
    criteria = _read("exclusion", "Tuberculosis, HIV infection, ferritin elevation above "
                                  "2-fold the upper normal limit, or platelets < 50,000/mm3")
    tb = [c for c in criteria if "dx.tuberculosis" in _named(c)]
    assert tb and tb[0].kind == "diagnosis" and tb[0].text == "Tuberculosis", _summary(criteria)


# --------------------------------------------------------- members that stay with the others

NEVER_ALONE = [
    # (item, a member a sibling's words may narrow: never computed without them)
    # a tail that may narrow every member
    ("Diabetes, alkaptonuria or galactose intolerance requiring treatment", "dx.diabetes"),
    ("Rituximab or belimumab treatment for less than 12 weeks", "drug.rituximab"),
    ("Atrial fibrillation, atrial flutter or alkaptonuria lasting longer than 30 seconds",
     "dx.atrial_fibrillation"),
    # examples of a head
    ("Seizure caused by perinatal factors such as alkaptonuria, infection or haemorrhage",
     "dx.infection"),
    ("Eye diseases such as Kartagener syndrome or Sjogren's syndrome", "dx.sjogren"),
    # a clause whose objects are the members after it
    ("Asthma that needs inhaled steroids, cromolyn or systemic corticosteroids",
     "drug.glucocorticoid"),
    # a lead that may reach every member
    ("Resting hypotension or hypertension", "dx.hypertension"),
    ("Sever chronic liver, kidney, lung or heart dysfunction", "dx.heart_disease"),
]


@pytest.mark.parametrize(("item", "concept"), NEVER_ALONE)
def test_no_member_is_computed_when_a_word_of_a_sibling_may_narrow_it(
    item: str, concept: str
) -> None:
    criteria = _read("exclusion", item)
    narrowed = [c for c in criteria if c.kind in COMPUTABLE_KINDS and concept in _named(c)]
    # Either the member stays with the others (one criterion of the whole item) or it is
    # left to a person.
    assert all(c.text == item for c in narrowed), _summary(criteria)


def test_a_value_sharing_the_analyte_before_it_is_no_member_of_its_own() -> None:
    # "> 100 mmHg" is the diastolic pressure's upper limit: no criterion of its own.
    criteria = _read("exclusion", "Diastolic blood pressure < 40 mmHg or > 100 mmHg, or "
                                  "alkaptonuria")
    assert not any(c.text.startswith(">") for c in criteria), _summary(criteria)


INCLUSION_EITHER = [
    # An inclusion "A or B" with B not understood: A alone would refuse the B-patients.
    "SLEDAI-2K >= 6 or an alkaptonuria flare",
    "Proteinuria > 0.5 g/day or Kartagener syndrome",
]


@pytest.mark.parametrize("item", INCLUSION_EITHER)
def test_an_inclusion_either_or_with_a_branch_not_understood_stays_whole(item: str) -> None:
    criteria = _read("inclusion", item)
    assert [c.kind for c in criteria] == ["manual"], _summary(criteria)


# ----------------------------------------------------------------- "other" diseases and own

def _diagnosis_on(criterion: Criterion, concept: str) -> Status:
    found = Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                    text="text", assertion=Assertion.AFFIRMED, value=None, unit=None,
                    date=dt.date(2026, 10, 1), date_source="text", attrs={})
    timeline = build_timeline(Patient("P1", None), [found], {"n1": dt.date(2026, 10, 1)},
                              dt.date(2026, 11, 20))
    return evaluate(criterion, timeline).status


OTHER_THAN_OWN = [
    # (trial title, item, a patient of the trial's own disease, a patient of another)
    ("Nintedanib in systemic sclerosis-associated interstitial lung disease",
     "Other autoimmune diseases", "dx.systemic_sclerosis", "dx.rheumatoid_arthritis"),
    ("Abatacept in early rheumatoid arthritis",
     "Patients with another systemic autoimmune disease", "dx.rheumatoid_arthritis",
     "dx.systemic_sclerosis"),
    ("Tocilizumab for giant cell arteritis", "History of other autoimmune disorders",
     "dx.gca", "dx.rheumatoid_arthritis"),
    ("Rituximab in granulomatosis with polyangiitis",
     "Other autoimmune disease apart from granulomatosis with polyangiitis", "dx.gpa",
     "dx.graves"),
    # a group the own disease belongs to, the own disease named as the exception
    ("Dupilumab in severe asthma", "Diagnosed with any other respiratory disease besides "
     "asthma", "dx.asthma", "dx.copd"),
    ("Levodopa timing in Parkinson's disease", "Neurological disease other than Parkinson's "
     "disease", "dx.parkinson", "dx.seizure"),
]


@pytest.mark.parametrize(("title", "item", "own", "another"), OTHER_THAN_OWN)
def test_other_autoimmune_disease_leaves_the_trial_s_own_disease_out(
    title: str, item: str, own: str, another: str
) -> None:
    # Read whole, the exclusion would refuse every patient of the trial (the guard kept it
    # manual); the words say "other": the own disease is left out and the rest decides.
    criteria = _read("exclusion", item, title)
    assert [c.kind for c in criteria] == ["diagnosis"], _summary(criteria)
    criterion = criteria[0]
    assert own in criterion.params["except_concepts"]
    # The own disease never excludes (a group whose absence notes cannot show may still
    # leave the criterion to a person); another disease of the group does.
    assert _diagnosis_on(criterion, own) is not Status.MET
    assert _diagnosis_on(criterion, another) is Status.MET


EXCEPTED_IN_OTHER_WORDS = [
    # (title, item, the condition let through)
    ("Systemic lupus erythematosus", "Any other autoimmune disease rather than SLE", "dx.sle"),
    ("Primary Sjögren's syndrome", "Other auto-immune disorders besides Sjögren's syndrome",
     "dx.sjogren"),
    ("Primary Sjögren's syndrome", "Presence of other systemic auto-immune diseases", None),
    ("Systemic lupus erythematosus", "Other autoimmune diseases, excluding Sjogren's "
     "syndrome", "dx.sjogren"),
]


@pytest.mark.parametrize(("title", "item", "let_through"), EXCEPTED_IN_OTHER_WORDS)
def test_an_other_autoimmune_exclusion_reads_its_exception_and_spelling(
    title: str, item: str, let_through: str | None
) -> None:
    criteria = _read("exclusion", item, title)
    assert [c.kind for c in criteria] == ["diagnosis"], _summary(criteria)
    criterion = criteria[0]
    assert criterion.params["concepts"] == ["dx.autoimmune_other"]
    if let_through is not None:
        assert let_through in criterion.params["except_concepts"]
        assert _diagnosis_on(criterion, let_through) is Status.NOT_MET
    assert _diagnosis_on(criterion, "dx.mctd") is Status.MET


def test_an_other_exclusion_of_a_basket_trial_stays_with_a_person() -> None:
    # A trial of many autoimmune diseases: which are "other" to a patient is not one
    # disease to leave out.
    criteria = _read("exclusion", "Other autoimmune diseases",
                     "Basket trial in systemic sclerosis, rheumatoid arthritis, mixed connective "
                     "tissue disease, polymyalgia rheumatica, giant cell arteritis, Takayasu "
                     "arteritis, polyarteritis nodosa, Behcet's disease and psoriatic arthritis")
    assert [c.kind for c in criteria] == ["manual"], _summary(criteria)


NOTE_SENTENCES = [
    "Known SLE with a coexisting autoimmune disease (Hashimoto thyroiditis).",
    "No other auto-immune disease reported.",
]


@pytest.mark.parametrize("sentence", NOTE_SENTENCES)
def test_the_other_autoimmune_wordings_are_found_in_clinic_notes(sentence: str) -> None:
    parser = NoteParser(build_pipeline())
    found = [f for f in parser.parse(sentence, "n", dt.date(2026, 11, 15))
             if f.concept == "dx.autoimmune_other"]
    assert found, sentence


def test_other_stays_with_a_person_when_the_title_does_not_name_the_own_disease() -> None:
    # The population known only from an inclusion ("psoriasis or a topic dermatitis", a
    # typo the reader does not read) may hold more than the reader found: leaving only
    # psoriasis out would exclude the atopic dermatitis patients the trial enrols.
    text = ("Inclusion Criteria:\n* Patients with psoriasis or a topic dermatitis\n"
            "* Patients with psoriasis\nExclusion Criteria:\n* Another dermatological disease\n")
    criteria = [c for c in parse_eligibility_text(text, about=("A topical cream study",))
                if c.type == "exclusion"]
    assert [c.kind for c in criteria] == ["manual"], _summary(criteria)


CURRENT_WITH_EXCEPTION = [
    # (item, the condition, the one let through): a current state with an exception
    ("Active malignancy except non-melanoma skin cancer", "dx.malignancy", "dx.nmsc"),
    ("Concomitant malignancies, excluding basal cell carcinoma of the skin", "dx.malignancy",
     "dx.nmsc"),
    ("Coexisting autoimmune diseases, excluding Sjogren's syndrome", "dx.autoimmune_other",
     "dx.sjogren"),
    ("Concomitant other systemic autoimmune disease besides Sjögren's syndrome",
     "dx.autoimmune_other", "dx.sjogren"),
]


@pytest.mark.parametrize(("item", "concept", "let_through"), CURRENT_WITH_EXCEPTION)
def test_a_current_condition_keeps_its_exception(item: str, concept: str,
                                                 let_through: str) -> None:
    criteria = _read("exclusion", item)
    assert [c.kind for c in criteria] == ["diagnosis"], _summary(criteria)
    criterion = criteria[0]
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["temporality"] == "current"
    assert let_through in criterion.params["except_concepts"]
    assert _diagnosis_on(criterion, let_through) is not Status.MET
