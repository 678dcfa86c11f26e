"""Refusal and reluctance cues are assertion-cue data (issue 15).

"Parents declined cyclophosphamide", "family reluctant about steroids": the drug was not
given, and the parent deciding is no family history. The cue words lived in a regex in
the code; they are now the `declined` block of context_rules.json (category, direction,
reach, the concepts they apply to, the categories they override), validated on load like
every ConText rule. Sentences are written for these tests; note date 2026-10-15.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import spacy

from matcher.errors import VocabularyError
from matcher.nlp.components import ClinicalContext
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import data_text

NOTE_DATE = dt.date(2026, 10, 15)
RULES = json.loads(data_text("context_rules.json"))


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _assertions(parser: NoteParser, text: str, concept: str) -> list[str]:
    return [f.assertion.value for f in parser.parse(text, "n", NOTE_DATE)
            if f.concept == concept]  # fmt: skip


# Refusals in the present tense and in other words than "declined"/"refused".
REFUSED = [
    ("Parents decline rituximab for now.", "drug.rituximab"),
    ("Both parents refuse IV cyclophosphamide.", "drug.cyclophosphamide"),
    ("Family turned down mycophenolate after the counselling.", "drug.mycophenolate"),
    ("Mother objects to tacrolimus because of the monitoring.", "drug.tacrolimus"),
    ("The family declined further cyclophosphamide.", "drug.cyclophosphamide"),
    ("Grandmother is hesitant about rituximab.", "drug.rituximab"),
]


@pytest.mark.parametrize(("sentence", "concept"), REFUSED)
def test_a_refused_drug_is_negated_and_no_relatives(
    parser: NoteParser, sentence: str, concept: str
) -> None:
    assert _assertions(parser, sentence, concept) == ["negated"]


# A refusal cue that is no refusal of the drug named after it.
NOT_REFUSED = [
    ("eGFR decline on tacrolimus noted, level 9.", "drug.tacrolimus"),
    ("Renal function declined despite mycophenolate.", "drug.mycophenolate"),
    ("She refused the biopsy, so prednisolone 30 mg was started.", "drug.glucocorticoid"),
]


@pytest.mark.parametrize(("sentence", "concept"), NOT_REFUSED)
def test_a_refusal_of_something_else_leaves_the_drug(
    parser: NoteParser, sentence: str, concept: str
) -> None:
    assert _assertions(parser, sentence, concept) == ["affirmed"]


def _context(rules: dict) -> ClinicalContext:
    return ClinicalContext(spacy.blank("en"), rules)


def test_the_refusal_cues_are_read_from_the_rules() -> None:
    """A cue added to the data is a cue: nothing of the list stays in the code."""
    rules = copy.deepcopy(RULES)
    rules["declined"]["cues"].append("balked at")
    context = _context(rules)
    text = "Parents balked at the cyclophosphamide."
    assert context.declined_before(text, 0, text.index("cyclophosphamide"), "drug.x")
    assert not _context(RULES).declined_before(text, 0, text.index("cyclophosphamide"),
                                               "drug.x")  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("cues"), "declined"),
        (lambda d: d.update(category="refused"), "category"),
        (lambda d: d.update(direction="backward"), "direction"),
        (lambda d: d.update(max_chars=0), "max_chars"),
        (lambda d: d.update(applies_to=["drug"]), "applies_to"),
        (lambda d: d.update(overrides=["relatives"]), "overrides"),
        (lambda d: d["fillers"].append(""), "fillers"),
        (lambda d: d.update(verbs="start"), "verbs"),
    ],
)
def test_malformed_refusal_cues_are_refused_naming_the_field(change, field) -> None:
    rules = copy.deepcopy(RULES)
    change(rules["declined"])
    with pytest.raises(VocabularyError) as refused:
        _context(rules)
    assert "context_rules.json" in str(refused.value)
    assert field in str(refused.value)
