"""Round 14, second pass over the diagnoses the registries' exclusion lists name and the reader
left "no computable concept recognised" or with a lead word unread: prediabetes, gestational
diabetes, skin infection, infertility (male and any), registry spellings ("cardio vascular
disease", "malignant cancer", "thromboembolic diseases") and the leads "coded diagnoses of"
(exclusion lists drawn from coded health records) and "any form of".

Infertility has two senses in an inclusion: the diagnosis in a fertility trial, and "unable
to conceive" (surgically sterile) heading the contraception clause of a healthy volunteer's
trial. An inclusion naming it is left to a person with that reason; an exclusion reads it.

Gestational diabetes is an episode of a pregnancy: an exclusion of it counts a past
pregnancy's diagnosis (an event), not only one in the lookback.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.grammar import GRAMMAR_FILE, criteria_data_text, read_grammar
from matcher.errors import VocabularyError
from matcher.model import Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary
from tests.test_criteria_vocabulary import _found, _mention, _status

TRIAL = ["A trial of drug X in adults with active lupus nephritis"]

# (item in a sponsor's words, concepts, params that must hold); all exclusions
ITEMS: list[tuple[str, list[str], dict[str, Any]]] = [
    ("Coded diagnoses of prediabetes", ["dx.prediabetes"], {}),
    ("Pre-diabetes", ["dx.prediabetes"], {}),
    ("Coded diagnosis of type 1 diabetes", ["dx.diabetes_t1"], {}),
    ("Coded diagnoses of gestational diabetes", ["dx.gestational_diabetes"],
     {"temporality": "ever"}),
    ("Gestational diabetes mellitus", ["dx.gestational_diabetes"], {"temporality": "ever"}),
    ("History of GDM", ["dx.gestational_diabetes"], {"temporality": "ever"}),
    ("skin infections,", ["dx.skin_infection"], {"temporality": "current"}),
    ("Skin and soft tissue infection", ["dx.skin_infection"], {}),
    ("Diagnosed as infertile", ["dx.infertility"], {}),
    ("Prior diagnosis of male infertility", ["dx.male_infertility"], {"temporality": "ever"}),
    ("cardio vascular disease", ["dx.cardiovascular_disease"], {}),
    ("Cardio-vascular diseases", ["dx.cardiovascular_disease"], {}),
    ("History of malignant cancer within the last 5 years", ["dx.malignancy"],
     {"window_days": 1825}),
    ("Thromboembolic diseases", ["dx.thromboembolism"], {"temporality": "ever"}),
    ("Presence of any form of epilepsy", ["dx.seizure"], {}),
    ("Any form of vasculitis", ["dx.vasculitis"], {}),
]


@pytest.mark.parametrize(("text", "concepts", "extra"), ITEMS, ids=[r[0] for r in ITEMS])
def test_an_exclusion_naming_the_condition_is_read_as_it(text, concepts, extra):
    criterion = parse_criterion(text, "exclusion", about=TRIAL)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert {k: criterion.params.get(k) for k in extra} == extra


@pytest.mark.parametrize("text", ["Infertility", "Diagnosed as infertile",
                                  "Prior diagnosis of male infertility"])
def test_an_inclusion_naming_infertility_is_left_to_a_person(text):
    criterion = parse_criterion(text, "inclusion", about=TRIAL)
    assert criterion.kind == "manual"
    assert "unable to" in (criterion.manual_reason or "")


# A qualifier the vocabulary does not read keeps the item manual rather than widening it.
@pytest.mark.parametrize("text", ["Unexplained infertility", "Surgically infertile",
                                  "Infertility of unknown cause", "Skin infection risk"])
def test_an_unread_qualifier_leaves_the_item_to_a_person(text):
    criterion = parse_criterion(text, "exclusion", about=TRIAL)
    assert criterion.kind == "manual"


def test_gestational_diabetes_years_ago_still_excludes():
    criterion = parse_criterion("Gestational diabetes", "exclusion", about=TRIAL)
    assert _status(criterion, _mention("dx.gestational_diabetes", dt.date(2019, 5, 1))) \
        is Status.MET
    assert _status(criterion, _mention("dx.diabetes_t2", dt.date(2026, 11, 1))) \
        is not Status.MET


def test_male_infertility_counts_as_infertility():
    criterion = parse_criterion("Diagnosed as infertile", "exclusion", about=TRIAL)
    assert _status(criterion, _mention("dx.male_infertility", dt.date(2026, 11, 1))) \
        is Status.MET


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# (note sentence, concept, assertions); one vocabulary serves notes and registries
NOTES: list[tuple[str, str, list[str]]] = [
    ("Mother had gestational diabetes in her second pregnancy.", "dx.gestational_diabetes",
     ["family"]),
    ("Gestational diabetes in 2021, diet-controlled.", "dx.gestational_diabetes", ["affirmed"]),
    ("HbA1c 6.1 %, consistent with prediabetes.", "dx.prediabetes", ["affirmed"]),
    ("No skin infection at the cannula site.", "dx.skin_infection", ["negated"]),
    ("Couple seen for primary infertility.", "dx.infertility", ["affirmed"]),
    ("Skin clear, no rash.", "dx.skin_infection", []),
]


@pytest.mark.parametrize(("text", "concept", "expected"), NOTES, ids=[n[0] for n in NOTES])
def test_a_note_sentence_yields_the_finding(parser, text, concept, expected):
    assert _found(parser, text, concept) == expected


def _grammar_with(change) -> str:
    data = json.loads(criteria_data_text("criteria_grammar.json"))
    change(data["inclusion_manual_concepts"])
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [(lambda d: d.update({"dx.unicorn": "a person checks"}), "unknown concept id"),
     (lambda d: d.update({"dx.infertility": ""}), "not an object")],
    ids=["unknown-concept", "empty-reason"],
)
def test_a_bad_inclusion_manual_entry_names_the_file_and_key(change, message):
    with pytest.raises(VocabularyError) as caught:
        read_grammar(_grammar_with(change), load_vocabulary())
    assert GRAMMAR_FILE in str(caught.value)
    assert caught.value.field == "inclusion_manual_concepts"
    assert message in str(caught.value)
