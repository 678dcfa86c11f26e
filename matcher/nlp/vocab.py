"""Vocabularies as data: loaded from matcher/nlp/data with importlib.resources, validated once.

Each record of concepts.jsonl is one concept:
  {"id": "drug.tacrolimus", "category": "drug", "label": "tacrolimus",
   "code": "RxNorm:42316", "terms": [...], "abbreviations": [...], "key": "tac",
   "attrs": {...}}
`terms` match case-insensitively and may be found by fuzzy lookup when they are
five letters or longer; `abbreviations` match only with the case written
("TAC" is tacrolimus, "tac" in "tachycardia" is not).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from matcher.errors import VocabularyError

CATEGORIES = frozenset({"diagnosis", "procedure", "drug", "drug_class", "lab", "score", "status"})
CODE_SYSTEMS = ("SNOMED", "RxNorm", "LOINC", "ICD10", "ATC")
_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class Concept:
    id: str
    category: str
    label: str
    code: str | None
    terms: tuple[str, ...]
    abbreviations: tuple[str, ...]
    key: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def canonical_unit(self) -> str | None:
        return self.attrs.get("unit")

    @property
    def members(self) -> tuple[str, ...]:
        """Concept ids a drug class stands for (a drug stands for itself)."""
        return tuple(self.attrs.get("members", (self.id,)))


@dataclass(frozen=True)
class TermMatch:
    concept_id: str
    start: int
    end: int
    text: str


_FOUND_CACHE_SIZE = 4096  # texts whose terms are kept (items of a few trials)


class Vocabulary:
    """All concepts, indexed by id, with a term finder over plain text."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in self.concepts:
                raise VocabularyError("duplicate concept id", field="id", received=concept.id)
            self.concepts[concept.id] = concept
        self._term_re, self._abbr_re, self._by_term = self._compile()
        # The criteria reader asks for the terms of one item's text many times (the whole
        # item, its compound pieces, each kind reader): one alternation scan of every term
        # is the reader's largest cost, so the answers of recent texts are kept.
        self._found: dict[str, tuple[TermMatch, ...]] = {}

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def by_category(self, category: str) -> list[Concept]:
        return [c for c in self.concepts.values() if c.category == category]

    def expand(self, concept_id: str) -> tuple[str, ...]:
        """A drug class expands to its members; anything else to itself."""
        return self.concepts[concept_id].members

    def _compile(self) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
        by_term: dict[str, str] = {}
        abbr: dict[str, str] = {}
        for concept in self.concepts.values():
            for term in concept.terms:
                by_term.setdefault(term.lower(), concept.id)
            for term in concept.abbreviations:
                abbr.setdefault(term, concept.id)
        by_term.update({f"\x00{k}": v for k, v in abbr.items()})

        alternation = _trie_alternation
        # A term must not start or end inside a word: "LN" in "LNG" is not lupus nephritis.
        term_re = re.compile(
            rf"(?<![\w-])(?:{alternation(k for k in by_term if not k.startswith(chr(0)))})(?![\w])",
            re.IGNORECASE,
        )
        abbr_re = re.compile(rf"(?<![\w-])(?:{alternation(abbr)})(?![\w])")
        return term_re, abbr_re, by_term

    def find_terms(self, text: str) -> list[TermMatch]:
        """Longest non-overlapping vocabulary mentions in `text`, left to right."""
        known = self._found.get(text)
        if known is None:
            if len(self._found) >= _FOUND_CACHE_SIZE:
                self._found.clear()
            known = self._found[text] = tuple(self._find_terms(text))
        return list(known)

    def _find_terms(self, text: str) -> list[TermMatch]:
        found: list[TermMatch] = []
        for match in self._term_re.finditer(text):
            concept_id = self._by_term[match.group(0).lower()]
            found.append(TermMatch(concept_id, match.start(), match.end(), match.group(0)))
        for match in self._abbr_re.finditer(text):
            concept_id = self._by_term["\x00" + match.group(0)]
            found.append(TermMatch(concept_id, match.start(), match.end(), match.group(0)))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[TermMatch] = []
        last_end = -1
        for match in found:
            if match.start >= last_end:
                kept.append(match)
                last_end = match.end
        return kept


def _trie_alternation(terms: Iterable[str]) -> str:
    """One pattern matching any of `terms`, longest first, with their common prefixes
    shared: "lupus|lupus nephritis|lupus nephropathy" becomes "lupus(?: nephr(?:itis|opathy))?".
    A flat alternation of four thousand terms is tried term by term at every position of
    every item, and the reader's term scan grew with the vocabulary; the shared prefixes
    make a failed position cost a few characters. A greedy optional tail tries the longer
    term first, so each position matches what the length-ordered alternation matched."""
    trie: dict[str, Any] = {}
    for term in set(terms):
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(child)
                    for char, child in sorted(node.items()) if char]  # fmt: skip
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    # No terms (a vocabulary without abbreviations) matches nothing, never the empty string.
    return pattern(trie) or "(?!)"


def in_context(text: str, start: int, end: int, concept: Concept) -> bool:
    """The concept's context filters allow the mention text[start:end]: "Cervical LN 1.5
    cm" is a lymph node, "lupus anticoagulant" a lab test, "muscle biopsy" not the kidney's.
    Each listed phrase (attrs "not_preceded_by" / "not_followed_by") must end right before,
    or start right after, the mention, as whole words. Notes and registry criteria alike."""
    before_phrases = concept.attrs.get("not_preceded_by")
    after_phrases = concept.attrs.get("not_followed_by")
    if before_phrases:
        before = " ".join(text[max(0, start - 40) : start].lower().split())
        if any(before == p or before.endswith(" " + p) for p in before_phrases):
            return False
    if after_phrases:
        after = " ".join(text[end : end + 40].lower().split())
        after = after.lstrip(".,;: ")
        # The phrase ends at a word's end: "infection risk;" as "infection risk." does.
        if any(
            after.startswith(p) and not after[len(p) : len(p) + 1].isalnum()
            for p in after_phrases
        ):
            return False
    return True


def _validate(record: Any, source: str, line: int) -> Concept:
    if not isinstance(record, dict):
        raise VocabularyError(
            "record is not an object",
            file=source,
            line=line,
            received=type(record).__name__,
            expected="a JSON object",
        )
    for name in ("id", "category", "label"):
        if not isinstance(record.get(name), str) or not record[name]:
            raise VocabularyError(
                "missing field",
                file=source,
                line=line,
                field=name,
                received=record.get(name),
                expected="a non-empty string",
            )
    if not _ID_RE.match(record["id"]):
        raise VocabularyError(
            "bad concept id",
            file=source,
            line=line,
            field="id",
            received=record["id"],
            expected="'category.name' in lower case",
        )
    if record["category"] not in CATEGORIES:
        raise VocabularyError(
            "unknown category",
            file=source,
            line=line,
            field="category",
            received=record["category"],
            expected=", ".join(sorted(CATEGORIES)),
        )
    code = record.get("code")
    if code is not None and (not isinstance(code, str) or code.split(":")[0] not in CODE_SYSTEMS):
        raise VocabularyError(
            "bad code",
            file=source,
            line=line,
            field="code",
            received=code,
            expected=f"SYSTEM:code with SYSTEM one of {', '.join(CODE_SYSTEMS)}",
        )
    terms = record.get("terms", [])
    abbreviations = record.get("abbreviations", [])
    for name, values in (("terms", terms), ("abbreviations", abbreviations)):
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise VocabularyError(
                "bad term list",
                file=source,
                line=line,
                field=name,
                received=values,
                expected="a list of non-empty strings",
            )
    if not terms and not abbreviations:
        raise VocabularyError(
            "concept has no terms",
            file=source,
            line=line,
            field="terms",
            received=record["id"],
            expected="at least one term",
        )
    attrs = record.get("attrs", {})
    if not isinstance(attrs, dict):
        raise VocabularyError(
            "bad attrs", file=source, line=line, field="attrs", received=attrs, expected="an object"
        )
    _check_condition_attrs(attrs, source, line)
    # "narrower_terms": terms that name one condition of the concept's group ("bipolar
    # disorder" is a psychiatric illness, but "Diagnosis of bipolar disorder" does not ask
    # for any psychiatric illness); each must be one of the concept's own terms.
    narrower = attrs.get("narrower_terms", [])
    own_terms = {t.casefold() for t in (*terms, *abbreviations)}
    if not isinstance(narrower, list) or any(
        not isinstance(t, str) or t.casefold() not in own_terms for t in narrower
    ):
        raise VocabularyError(
            "bad narrower terms",
            file=source,
            line=line,
            field="attrs.narrower_terms",
            received=narrower,
            expected="a list of the concept's own terms",
        )
    # "own_condition_abbreviations": what a trial about the condition calls it in its
    # title and inclusions ("Diagnosis of UC confirmed by biopsy"), too ambiguous to read as
    # a diagnosis ("UC" is also urothelial carcinoma, usual care) but safe for knowing what
    # the trial is about: a wrong guess only leaves an exclusion to a person.
    own_abbreviations = attrs.get("own_condition_abbreviations", [])
    if not isinstance(own_abbreviations, list) or any(
        not isinstance(a, str) or not a.strip() or a in abbreviations for a in own_abbreviations
    ):
        raise VocabularyError(
            "bad own-condition abbreviations",
            file=source,
            line=line,
            field="attrs.own_condition_abbreviations",
            received=own_abbreviations,
            expected="a list of non-empty strings that are not already the concept's abbreviations",
        )
    return Concept(
        id=record["id"],
        category=record["category"],
        label=record["label"],
        code=code,
        terms=tuple(terms),
        abbreviations=tuple(abbreviations),
        key=record.get("key") or record["id"].split(".", 1)[1],
        attrs=attrs,
    )


# attrs of a condition the criteria reader reads as one (matcher.criteria.kinds): "reader":
# "condition" routes an item naming it to the condition reader (history, window, current
# state, exceptions); "absence_unknown" is the reason an exclusion of it stays unknown when
# no note names it ("infection requiring hospitalisation": notes name the pneumonia);
# "current_unless_history" marks a standing state ("hepatic failure patients" are in it now);
# "organ_group" marks a whole organ's diseases ("renal disease"), which an exclusion may name
# only when the trial's own condition is known (matcher.criteria.guard).
_READERS = ("condition",)


def _check_condition_attrs(attrs: dict[str, Any], source: str, line: int) -> None:
    # A lab's "condition_names": the conditions a registry defines by its threshold
    # ("thrombocytopenia (platelets < 50 x10^9/L)"), read as the threshold's name.
    names = attrs.get("condition_names")
    if names is not None and (
        not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names)
    ):
        raise VocabularyError(
            "bad condition names",
            file=source,
            line=line,
            field="attrs.condition_names",
            received=names,
            expected="a list of non-empty names",
        )
    reader = attrs.get("reader")
    if reader is not None and reader not in _READERS:
        raise VocabularyError(
            "unknown reader",
            file=source,
            line=line,
            field="attrs.reader",
            received=reader,
            expected=" or ".join(_READERS),
        )
    for flag in ("current_unless_history", "organ_group"):
        value = attrs.get(flag)
        if value is not None and not isinstance(value, bool):
            raise VocabularyError(
                "bad flag",
                file=source,
                line=line,
                field=f"attrs.{flag}",
                received=value,
                expected="true or false",
            )
    absence = attrs.get("absence_unknown")
    if absence is not None and (not isinstance(absence, str) or not absence.strip()):
        raise VocabularyError(
            "bad absence reason",
            file=source,
            line=line,
            field="attrs.absence_unknown",
            received=absence,
            expected="a non-empty reason why no mention does not mean absent",
        )


def read_concepts(text: str, source: str) -> list[Concept]:
    concepts = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise VocabularyError(f"invalid JSON ({exc.msg})", file=source, line=line_no) from exc
        concepts.append(_validate(record, source, line_no))
    return concepts


def data_text(name: str, package: str = "matcher.nlp") -> str:
    """Text of a packaged data file: PACKAGE's data/NAME (matcher/nlp/data/NAME by default)."""
    try:
        found = resources.files(package).joinpath("data", name)
        return found.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        folder = package.replace(".", "/") + "/data"
        raise VocabularyError("packaged data file missing", file=f"{folder}/{name}") from exc


def phrase_pattern(phrases: list[str], gap: str = r"\s+") -> re.Pattern[str]:
    """One case-insensitive pattern for whole-word phrases of a rule file's word list, the
    longest first; the words of a phrase apart by `gap` ("not  dispensed" over a line's
    spaces). A hyphen joins words: "stock" inside "stock-out" is no match."""
    return re.compile(
        r"(?<![\w-])(?:"
        + "|".join(gap.join(map(re.escape, p.split())) for p in sorted(phrases, key=len,
                                                                        reverse=True))
        + r")(?![\w-])",
        re.I,
    )


def versioned_rule_file(name: str, keys: frozenset[str] | set[str],
                        word_lists: tuple[str, ...] = ()) -> dict[str, Any]:
    """A version-1 JSON rule file of matcher/nlp/data, checked once for every reader: valid
    JSON, exactly `keys` at the top, "version" 1, and each of `word_lists` a non-empty list of
    non-blank strings. Errors name the file, the field and what was expected."""
    source = f"matcher/nlp/data/{name}"
    try:
        data = json.loads(data_text(name))
    except json.JSONDecodeError as exc:
        raise VocabularyError(f"invalid JSON ({exc.msg})", file=source, line=exc.lineno) from exc
    if not isinstance(data, dict) or set(data) != set(keys):
        raise VocabularyError("wrong keys", file=source, field="(top level)",
                              received=sorted(data) if isinstance(data, dict) else data,
                              expected=", ".join(sorted(keys)))
    if data["version"] != 1:
        raise VocabularyError("unsupported version", file=source, field="version",
                              received=data["version"], expected="1")
    for key in word_lists:
        words = data[key]
        if not isinstance(words, list) or not words or not all(
                isinstance(w, str) and w.strip() for w in words):  # fmt: skip
            raise VocabularyError("bad word list", file=source, field=key, received=words,
                                  expected="a non-empty list of words or phrases")
    return data


@cache
def load_vocabulary() -> Vocabulary:
    vocabulary = Vocabulary(
        read_concepts(data_text("concepts.jsonl"), "matcher/nlp/data/concepts.jsonl")
    )
    check_references(vocabulary, "matcher/nlp/data/concepts.jsonl")
    return vocabulary


# attrs that name other concepts: a drug class's members, what a diagnosis implies (lupus
# nephritis → SLE), an infection's serology markers, the marker that confirms another
# (HCV RNA for anti-HCV), the test a word after an infection names ("hepatitis C
# antibody"), the two values a blood pressure is written as, what "other" already leaves
# out ("other autoimmune disease" is not SLE) and the whole group it is part of (autoimmune
# disease, read less the trial's own outside a lupus trial), the broader finding whose
# absence shows a condition absent ("infection requiring hospitalisation" is screened by
# any infection).
_REFERENCE_ATTRS = ("members", "implies", "current_markers", "past_markers", "pair", "other_than",
                    "screened_by", "other_of")


def check_references(vocabulary: Vocabulary, source: str) -> None:
    """Every concept id an attr names exists, and every extra code is SYSTEM:code."""
    for concept in vocabulary.concepts.values():
        attrs = concept.attrs
        named = [(name, ref) for name in _REFERENCE_ATTRS for ref in attrs.get(name, ())]
        serology = attrs.get("serology") or {}
        named += [(f"serology.{name}", serology[name]) for name in ("infection", "confirmed_by")
                  if name in serology]  # fmt: skip
        named += [("marker_words", ref) for ref in (attrs.get("marker_words") or {}).values()]
        for name, ref in named:
            if ref not in vocabulary:
                raise VocabularyError(
                    f"{concept.id} names an unknown concept",
                    file=source,
                    field=name,
                    received=ref,
                    expected="a concept id in the file",
                )
        for code in attrs.get("also_codes", ()):
            if not isinstance(code, str) or code.split(":")[0] not in CODE_SYSTEMS:
                raise VocabularyError(
                    f"{concept.id} has a bad extra code",
                    file=source,
                    field="also_codes",
                    received=code,
                    expected=f"SYSTEM:code with SYSTEM one of {', '.join(CODE_SYSTEMS)}",
                )
