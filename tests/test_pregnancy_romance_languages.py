"""Pregnancy and breastfeeding as French, Portuguese, Spanish and Italian notes write them
(and as translated notes leave them), with their tests' results and the negations those
languages put before a finding.

- "grossesse de 9 SA" is a pregnancy (weeks of amenorrhoea are its age); a bare noun with
  no clue ("désir de grossesse") stays a topic, never her state;
- "bêta-HCG positifs" / "négatifs" is the test's result; "allaite", "amamentando" is
  breastfeeding now;
- "pas", "sans", "aucun", "absence de", "não", "sem", "sin", "senza" negate the few words
  after them, and no further than that ("LES sans atteinte rénale, sous MMF": the MMF is
  taken).

Sentences are written here, not copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _states(parser: NoteParser, text: str, concept: str) -> list[tuple[str, bool]]:
    """(assertion, topic) of each mention of `concept`."""
    return [(str(f.assertion), bool(f.attrs.get("topic")))
            for f in parser.parse(text, "n1", NOTE) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept", "expected"), [
    # Her state now: affirmed.
    ("Test sanguin: bêta-HCG positifs ce jour.", "dx.pregnancy", "affirmed"),
    ("Grossesse de 9 SA confirmée à l'échographie.", "dx.pregnancy", "affirmed"),
    ("Gravidez de 12 semanas, acompanhamento pré-natal.", "dx.pregnancy", "affirmed"),
    ("Depuis l'accouchement elle allaite sa fille.", "dx.lactation", "affirmed"),
    ("Mãe refere que está amamentando o bebê.", "dx.lactation", "affirmed"),
    # Negated: a negative test, a negation before the finding.
    ("Bêta-HCG négatifs le 02/11.", "dx.pregnancy", "negated"),
    ("Pas de grossesse en cours.", "dx.pregnancy", "negated"),
    ("Elle n'est pas enceinte.", "dx.pregnancy", "negated"),
    ("Não gestante.", "dx.pregnancy", "negated"),
    ("Sem amamentação desde junho.", "dx.lactation", "negated"),
])
def test_pregnancy_and_breastfeeding_in_romance_languages(parser, text, concept, expected):
    found = _states(parser, text, concept)
    assert found, f"{concept} not read"
    assert found[0][0] == expected
    assert not found[0][1]


@pytest.mark.parametrize(("text", "concept"), [
    # A wish, counselling: a topic, not her state.
    ("Désir de grossesse discuté avec la patiente.", "dx.pregnancy"),
    ("Contraception: éviter une grossesse sous MMF.", "dx.pregnancy"),
])
def test_a_bare_noun_with_no_clue_is_a_topic(parser, text, concept):
    found = _states(parser, text, concept)
    assert all(topic or assertion != "affirmed" for assertion, topic in found)


def test_a_romance_negation_reaches_only_the_words_after_it(parser) -> None:
    found = {f.concept: str(f.assertion)
             for f in parser.parse("LES sans atteinte rénale, sous MMF.", "n1", NOTE)
             if f.category == "drug"}
    assert found == {"drug.mycophenolate": "affirmed"}


@pytest.mark.parametrize("text", [
    "Urine hCG tests give false positives on this assay.",
    "Beta-hCG screen had false negatives last year.",
])
def test_english_plural_results_are_no_test_result(parser, text):
    assert not [f for f in parser.parse(text, "n1", NOTE)
                if f.concept == "dx.pregnancy" and f.attrs.get("test")]
