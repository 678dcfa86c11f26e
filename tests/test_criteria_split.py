"""One exclusion that lists several conditions is several criteria (matcher.criteria.lists):
"A, B or C" excludes A, B and C each, so a condition the reader does not know becomes its
own manual criterion naming its words, and costs the conditions it does know nothing.

What a member keeps: its own qualifiers ("previous malignancy (except ...)", "uncontrolled
hypertension"); a history lead ("History of A, B or C") read with every member; examples
named under a head the reader cannot read ("other severe comorbidities (HIV, ...)") read as
instances of that head, the head itself left to a person. What never happens: a member
computed without a qualifier that may reach it (a trailing window, a lead that changes its
reading, a piece that qualifies its neighbour: "diabetes, poorly controlled"), nor an
inclusion's "or" read as several requirements.

The rare conditions used as "unknown to the reader" (alkaptonuria, pachyonychia congenita,
Kartagener syndrome) stand for any word the vocabulary lacks."""

from __future__ import annotations

import re

import pytest

from matcher.criteria.grammar import COMPUTABLE_KINDS
from matcher.criteria.reader import parse_eligibility_text
from matcher.model import Criterion


def _read(section: str, item: str) -> list[Criterion]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    return [c for c in parse_eligibility_text(f"{heading}\n* {item}\n") if c.kind != "age"]


def _concepts(criterion: Criterion) -> set[str]:
    p = criterion.params
    return (set(p.get("concepts", [])) | set(p.get("infections", [])) | set(p.get("states", []))
            | set(p.get("drugs", [])))  # fmt: skip


def _computed(criteria: list[Criterion]) -> dict[str, Criterion]:
    """Concept → the computed criterion naming it."""
    return {c_id: c for c in criteria if c.kind in COMPUTABLE_KINDS for c_id in _concepts(c)}


SPLIT = [
    # (item, concepts computed, words each left-manual member names)
    (
        "Patients with alkaptonuria, pachyonychia congenita, pregnancy, diabetes mellitus "
        "or tuberculosis.",
        {"dx.diabetes", "dx.pregnancy", "dx.tuberculosis"},
        ["alkaptonuria", "pachyonychia congenita"],
    ),
    (
        "Known epilepsy, Kartagener syndrome, alkaptonuria, diabetes mellitus",
        {"dx.seizure", "dx.diabetes"},
        ["Kartagener syndrome", "alkaptonuria"],
    ),
    (
        # an exception in a bracket is its member's own: it costs the others nothing
        "Kartagener syndrome, previous malignancy (except basal cell carcinoma of the skin), "
        "pregnancy or tuberculosis",
        {"dx.malignancy", "dx.pregnancy", "dx.tuberculosis"},
        ["Kartagener syndrome"],
    ),
    (
        "Epilepsy, diabetes mellitus, alkaptonuria (except mild forms)",
        {"dx.seizure", "dx.diabetes"},
        ["alkaptonuria (except mild forms)"],
    ),
]


@pytest.mark.parametrize(("item", "concepts", "manual_words"), SPLIT)
def test_each_listed_condition_of_an_exclusion_is_a_criterion_of_its_own(
    item: str, concepts: set[str], manual_words: list[str]
) -> None:
    criteria = _read("exclusion", item)
    assert concepts <= set(_computed(criteria)), [(c.kind, c.text) for c in criteria]
    manual = [c for c in criteria if c.kind not in COMPUTABLE_KINDS]
    for words in manual_words:
        assert any(words in c.text for c in manual), [(c.kind, c.text) for c in criteria]
    # read as list members, or as the pieces of a compound each read alone
    assert all(c.type == "exclusion" and ("list:member" in c.trace
                                          or "compound:any-of" in c.trace) for c in criteria)
    # a bracket stays with the member it follows
    for bracket in re.findall(r"\([^()]*\)", item):
        assert any(c.text.endswith(bracket) for c in criteria), bracket
    # one criterion per listed condition, ids in list order
    assert len(criteria) == len(concepts) + len(manual_words)
    assert [c.id for c in criteria] == [f"exc-{i}" for i in range(1, len(criteria) + 1)]


HISTORY = [
    ("History of alkaptonuria, diabetes mellitus or tuberculosis",
     {"dx.diabetes", "dx.tuberculosis"}),
    ("Any history of Kartagener syndrome, epilepsy, or HIV", {"dx.seizure", "dx.hiv"}),
    ("Past history of alkaptonuria, hepatitis B or diabetes mellitus", {"dx.hbv", "dx.diabetes"}),
]


@pytest.mark.parametrize(("item", "concepts"), HISTORY)
def test_a_history_lead_is_read_with_every_listed_condition(item: str, concepts: set[str]) -> None:
    criteria = _read("exclusion", item)
    computed = _computed(criteria)
    assert concepts <= set(computed), [(c.kind, c.text, c.manual_reason) for c in criteria]
    for concept in concepts:
        # "History of ..., HIV" is a history of HIV: at any time, not only now
        params = computed[concept].params
        assert params.get("temporality", "ever") == "ever" or params.get("window_days") is None
        assert params.get("temporality") != "current", params
    assert any(c.kind == "manual" for c in criteria)


NOT_SPLIT_ON_A_GUESS = [
    # (item, concept that must not be computed alone)
    # a piece that qualifies the condition before it
    ("Alkaptonuria, diabetes mellitus, poorly controlled", "dx.diabetes"),
    ("Alkaptonuria, epilepsy, refractory to treatment", "dx.seizure"),
    ("Diabetes mellitus, well controlled, or alkaptonuria", "dx.diabetes"),
    ("Epilepsy, not controlled by medication, or alkaptonuria", "dx.seizure"),
    # a window after an unknown last member may reach every member
    ("Diabetes mellitus, epilepsy or alkaptonuria within 6 months", "dx.diabetes"),
    # a lead that may change the reading of a later member
    ("Uncontrolled alkaptonuria, diabetes mellitus or epilepsy", "dx.diabetes"),
    # "and" may join conditions that must come together
    ("Alkaptonuria, epilepsy and diabetes mellitus", "dx.diabetes"),
    # the members after "intolerance to" are its objects, not drugs taken
    ("Hypersensitivity or intolerance to bupivacaine, lidocaine or prednisone",
     "drug.prednisone"),
    ("Alkaptonuria, allergy to penicillin, amoxicillin or prednisone", "drug.prednisone"),
    # "hepatitis A, B or C": a lone letter is a head left out, no finding of its own
    ("Alkaptonuria, hepatitis B, C or HIV", "dx.hbv"),
    # a lead before an unknown first member may reach the others
    ("Active rheumatic or infectious disease, or malignancy", "dx.malignancy"),
    # two members of one concept: the bare one is the current one by contrast
    ("Tuberculosis or history of tuberculosis treated less than 2 years ago", "dx.tuberculosis"),
]


@pytest.mark.parametrize(("item", "concept"), NOT_SPLIT_ON_A_GUESS)
def test_a_member_is_never_computed_without_a_qualifier_that_may_reach_it(
    item: str, concept: str
) -> None:
    criteria = _read("exclusion", item)
    computed = _computed(criteria)
    if concept in computed:
        # computed only whole, or with the qualifier read (a judged or windowed reading)
        criterion = computed[concept]
        assert criterion.text == item.rstrip(".") or criterion.params.get("judged") or (
            criterion.params.get("window_days")), (criterion.text, criterion.params)


def test_an_inclusion_either_or_is_not_cut_into_requirements() -> None:
    criteria = _read("inclusion", "Diagnosis of diabetes mellitus, alkaptonuria or epilepsy")
    assert not any(set(_concepts(c)) == {"dx.diabetes"} for c in criteria
                   if c.kind in COMPUTABLE_KINDS)  # fmt: skip


def test_a_member_with_its_own_history_lead_does_not_take_the_list_s_again() -> None:
    criteria = _read("exclusion", "History of alkaptonuria, stroke, or a history of seizures")
    assert [c.text for c in criteria] == [
        "History of alkaptonuria", "History of stroke", "a history of seizures"]


EXAMPLES = [
    # (item, concepts computed, the head left to a person)
    ("Other serious comorbidities (HIV, tuberculosis, Kartagener syndrome)",
     {"dx.hiv", "dx.tuberculosis"}, "Other serious comorbidities"),
    ("Other medical conditions such as diabetes mellitus, alkaptonuria or HIV",
     {"dx.diabetes", "dx.hiv"}, "Other medical conditions"),
    ("Concomitant diseases, e.g. epilepsy, pachyonychia congenita, tuberculosis",
     {"dx.seizure", "dx.tuberculosis"}, "Concomitant diseases"),
    # a history lead of the head reaches each example
    ("History of other illnesses (e.g. epilepsy, Kartagener syndrome)",
     {"dx.seizure"}, "History of other illnesses"),
]


@pytest.mark.parametrize(("item", "concepts", "head"), EXAMPLES)
def test_examples_under_a_head_the_reader_cannot_read_are_each_excluded(
    item: str, concepts: set[str], head: str
) -> None:
    criteria = _read("exclusion", item)
    assert concepts <= set(_computed(criteria)), [(c.kind, c.text) for c in criteria]
    first = criteria[0]
    assert first.kind == "manual" and first.text == head and "list:example-head" in first.trace
    assert all("list:example" in c.trace for c in criteria[1:])
    # the head's qualifiers reach every example: "serious HIV" is judged by a person
    for criterion in _computed(criteria).values():
        if "serious" in head:
            assert criterion.params.get("judged"), criterion.params


@pytest.mark.parametrize(
    "item",
    [
        # the examples are themselves categories: their severity is a judgement
        "Other severe comorbidities (e.g. severe cardiac, hepatic or neurological disorders)",
        # a head with words beyond qualifiers narrows what its examples stand for
        "Comorbidities limiting walking (epilepsy, tuberculosis)",
        # an organ narrows them too: a tumour of the spine is no malignancy anywhere
        "History of other spinal diseases (disc herniation, tumour, tuberculosis)",
    ],
)
def test_examples_are_not_computed_where_the_head_narrows_or_judges_them(item: str) -> None:
    criteria = _read("exclusion", item)
    for criterion in _computed(criteria).values():
        assert not {"dx.heart_disease", "dx.neurological", "dx.seizure", "dx.tuberculosis",
                    "dx.malignancy"} & _concepts(criterion), criterion.text  # fmt: skip
