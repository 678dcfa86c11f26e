"""Allergy, hypersensitivity and intolerance exclusions that name a drug the notes can know.

"Known hypersensitivity to rituximab", "History of hydroxychloroquine allergy", "Allergy to
LEF, CTX or AZA", "Known intolerance to MMF": clinic notes keep an
allergy list ("Allergies: penicillin (rash)", "NKDA"), so such an exclusion is judged on it
(matcher.nlp.allergy finds the entries; matcher.judge.evaluate `_allergy` decides).

What stays with a person, with the reason:
- an allergy to the study drug, the investigational product, its excipients or "any
  component of the formulation": the registry record names no ingredient the notes could
  match (it carries the intervention's type, "Biological", not its name);
- an agent the vocabulary does not name ("contrast agents", "murine proteins", "macrolide
  antibiotics", "monoclonal antibodies", "amide-type local anaesthetics"): the item's words
  are then not understood and the coverage guard keeps it manual;
- an inclusion ("intolerant of, or refractory to, MMF") is a treatment history, not this;
- "known drug allergy" (any drug at all): an allergy list names many agents the vocabulary
  does not know (penicillin, sulfa), so it is left to a person.

Severity ("severe allergic reaction", "anaphylaxis", "clinically significant
hypersensitivity") is read into `severe`: notes seldom grade a reaction, so a documented
allergy to the agent is left to a person, and the absence still decides.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher.nlp.vocab import TermMatch, Vocabulary, in_context

__all__ = ["AllergyReading", "STUDY_DRUG_REASON", "read"]

_I = re.IGNORECASE

# The item is about an allergy: an allergy to an agent, not an allergic disease ("allergic
# rhinitis", "hypersensitivity pneumonitis": the diagnosis readers' business).
_CUE = re.compile(
    r"\ballerg(?:y|ies|ic(?!\s+(?:rhinitis|rhino|asthma|diseases?|disorders?|conjunctivitis|"
    r"bronchopulmonary|dermatitis|diathesis)))\b|"
    r"\bhypersensitiv(?:e|ity|ities)\b(?!\s+(?:pneumonitis|vasculitis))|"
    r"\bintoleran(?:t|ce|ces)\b|\banaphyla(?:xis|ctic|ctoid)\b|"
    r"\b(?:adverse\s+(?:drug\s+)?(?:reactions?|events?)|side[\s-]effects?)\b|"
    r"\b(?:unable\s+to|could\s+not|cannot|not\s+able\s+to)\s+tolerate\b",
    _I,
)
# Words that make the reaction broader than an allergy: an intolerance or an adverse event
# to the drug counts too ("Allergy or adverse event to hydroxychloroquine").
_BROADER = re.compile(
    r"intoleran|adverse|side[\s-]effect|tolerate", _I
)
# The reaction graded: notes seldom say how bad it was.
_SEVERE = re.compile(
    r"\b(?:severe|serious|life[\s-]threatening|major|(?:clinically\s+)?significant|"
    r"anaphyla(?:xis|ctic|ctoid)(?:\s+(?:reactions?|shock))?)\b",
    _I,
)
# "... to the study drug", "investigational product", "any of its excipients", "any
# component of the formulation", "the trial medication": names no drug the notes know.
_STUDY_DRUG = re.compile(
    r"\b(?:study|trial|investigational|test|experimental)\s+(?:drugs?|medications?|"
    r"medicines?|products?|agents?|treatments?|therap(?:y|ies)|interventions?|"
    r"compounds?|articles?|vaccines?)\b|\bIMPs?\b|\bexcipients?\b|\bcomponents?\b|"
    r"\bingredients?\b|\bformulations?\b|\bconstituents?\b|\bplacebo\b|\bdrugs?\s+used\s+in\b|"
    r"\b(?:any\s+)?(?:of\s+)?the\s+(?:drugs?|products?|medications?)\s+(?:used|given|"
    r"administered)\b|\bprotocol\b|\bsimilar\s+(?:chemical|biologic)",
    _I,
)
STUDY_DRUG_REASON = (
    "an allergy to the study drug or its ingredients: the registry record does not name "
    "them, so the notes cannot be matched; checked at screening"
)
_CLASSES_OF_DRUG = ("drug", "drug_class")
_NUMBER = re.compile(r"(?<![\w-])\d")  # a dose or a count, not "anti-CD20"


# "drug allergies (aspirin, antibiotics, etc.)", "allergy to medications such as NSAIDs":
# an allergy to any drug, the drugs named only examples. Read as an allergy to them, a
# documented allergy to another drug would be no allergy; like "known drug allergy", it is
# left to a person (an allergy list names agents the vocabulary does not know).
_ANY_DRUG = re.compile(
    r"\b(?:drugs?|medications?|medicines?)\s+(?:allerg|hypersensitiv|intoleran)|"
    r"\b(?:allerg\w*|hypersensitiv\w*|intoleran\w*)\s+(?:to\s+)?(?:any\s+)?"
    r"(?:drugs?|medications?|medicines?)\b(?!\s+(?:to|of)\b)",
    _I,
)
_EXAMPLES = re.compile(
    r"\b(?:such\s+as|including|includes?|e\.\s?g\b|eg\b|for\s+(?:example|instance)|like)|"
    r"\betc\b",
    _I,
)
EXAMPLES_REASON = (
    "an allergy to any drug (the drugs named are examples) must be checked by a person: an "
    "allergy list names agents the vocabulary does not know"
)
_OTHER_BEFORE = re.compile(r"\b(?:any\s+)?other\s+$", _I)


def _other_members(
    main: str, drugs: Sequence[TermMatch], vocab: Vocabulary
) -> list[tuple[int, int, str]]:
    """ "rituximab or other anti-CD20 antibodies": "other" before a class that holds a drug
    named before it adds nothing to the class (the drug is one of its members)."""
    found: list[tuple[int, int, str]] = []
    for index, term in enumerate(drugs):
        other = _OTHER_BEFORE.search(main, 0, term.start)
        if other is None or vocab[term.concept_id].category != "drug_class":
            continue
        members = set(vocab.expand(term.concept_id))
        if any(d.concept_id in members for d in drugs[:index]):
            found.append((other.start(), other.end(), "allergy:other-members"))
    return found


# The allergy phrase right before a drug: "hypersensitivity to metformin", "allergic to
# paracetamol". Notes write "allergic to metformin" in a medication list, so a drug's context
# filters (attrs "not_preceded_by") drop the mention there: it is not a drug taken. Here the
# phrase is what makes the drug the agent of the allergy.
_CUE_BEFORE = re.compile(
    r"\b(?:allerg(?:y|ies|ic)|hypersensitiv(?:e|ity|ities)|intoleran(?:t|ce|ces)|"
    r"anaphyla(?:xis|ctic(?:\s+reactions?)?))\s+(?:to|of|towards?|with)\s+(?:known\s+)?$",
    _I,
)


def _agents_after_cue(
    main: str, terms: Sequence[TermMatch], vocab: Vocabulary
) -> list[TermMatch]:
    """Drug mentions the item's context filters dropped only because an allergy phrase
    stands right before them ("Known hypersensitivity to metformin"): the agents of the
    allergy. A mention the other filters drop ("non-", "avoid", a phrase after it) or one
    overlapping a kept term stays out."""
    kept: list[TermMatch] = []
    for term in vocab.find_terms(main):
        concept = vocab[term.concept_id]
        if concept.category not in _CLASSES_OF_DRUG:
            continue
        if any(t.start < term.end and term.start < t.end for t in terms):
            continue
        if not _CUE_BEFORE.search(main, 0, term.start):
            continue
        # the drug's other filters still apply: only the allergy phrase is set aside
        unfiltered = dataclasses.replace(concept, attrs={
            k: v for k, v in concept.attrs.items() if k != "not_preceded_by"
        })
        if in_context(main, term.start, term.end, unfiltered):
            kept.append(term)
    return kept


@dataclass(frozen=True)
class AllergyReading:
    """An item read as an allergy exclusion (`kind` "allergy") or left manual with its
    reason; `spans` index the item's text (what the reading consumed, for the guard)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    spans: tuple[tuple[int, int, str], ...] = ()
    manual_reason: str | None = None


def read(
    text: str, main: str, exclusion: bool, terms: Sequence[TermMatch], vocab: Vocabulary
) -> AllergyReading | None:
    """The allergy reading of one item, or None when the item is not an allergy exclusion
    (the manual cues then say "allergies are checked at screening")."""
    cues = list(_CUE.finditer(main))
    if not cues or not exclusion:
        return None
    if _STUDY_DRUG.search(main):
        return AllergyReading("manual", manual_reason=STUDY_DRUG_REASON)
    if _NUMBER.search(main):
        return None  # "intolerance of azathioprine at 2 mg/kg/day": a dose, a window

    drugs = [t for t in terms if vocab[t.concept_id].category in _CLASSES_OF_DRUG]
    drugs = sorted(drugs + _agents_after_cue(main, terms, vocab), key=lambda t: t.start)
    if not drugs:
        return None
    if _ANY_DRUG.search(main) and _EXAMPLES.search(main):
        return AllergyReading("manual", manual_reason=EXAMPLES_REASON)
    spans = [(m.start(), m.end(), "allergy:cue") for m in cues]
    spans += [(t.start, t.end, "allergy:agent") for t in drugs]
    severe = [(m.start(), m.end(), "allergy:severity") for m in _SEVERE.finditer(main)]
    spans += severe
    spans += _other_members(main, drugs, vocab)
    named: list[str] = []
    for term in drugs:
        if term.concept_id not in named:
            named.append(term.concept_id)
    params: dict[str, Any] = {
        # as named (a class stays a class: the evaluator expands it to its members)
        "agents": named,
        "intolerance": bool(_BROADER.search(main)),
        "severe": bool(severe),
    }
    return AllergyReading("allergy", params, tuple(spans))
