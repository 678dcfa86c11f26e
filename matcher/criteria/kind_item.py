"""One item as the kind readers see it (matcher.criteria.kinds): its text, the spans a
reader has consumed, and the reading it becomes, with the words and windows every reader
may consume around its own.

"Patients who are currently pregnant": `_take_common` consumes "Patients" and
"currently" for whichever reader reads the state; "within 4 weeks before screening"
(`_WINDOW_SPAN`) is consumed by the dose, autoantibody and condition readers alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from matcher.criteria.lexicon import _NUM, _WORD_NUM
from matcher.nlp.vocab import TermMatch, Vocabulary, in_context

__all__ = ["EXCLUSION", "INCLUSION", "KindReading"]

_I = re.IGNORECASE
INCLUSION, EXCLUSION = "inclusion", "exclusion"


@dataclass(frozen=True)
class KindReading:
    """One item read as one kind. `spans` index `text` (the item's matching text);
    `key` is the base key (matcher.criteria prefixes "x_" for an exclusion)."""

    kind: str
    key: str
    params: dict[str, Any]
    text: str
    spans: tuple[tuple[int, int], ...] = ()
    rule: str = ""
    manual_reason: str | None = None
    # A manual reading made because a computed one left words unexplained: that reading.
    partial: KindReading | None = None


@dataclass
class _Item:
    text: str  # normalised item text
    main: str  # the same, exception clauses blanked (positions kept)
    type: str
    context: tuple[str, ...]
    vocab: Vocabulary
    terms: list[TermMatch]
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def exclusion(self) -> bool:
        return self.type == EXCLUSION

    def take(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def take_all(self, pattern: re.Pattern[str], text: str | None = None) -> list[re.Match]:
        found = list(pattern.finditer(self.main if text is None else text))
        for m in found:
            self.take(m.start(), m.end())
        return found

    def take_terms(self, concepts: Iterable[str]) -> None:
        wanted = set(concepts)
        for term in self.terms:
            if term.concept_id in wanted:
                self.take(term.start, term.end)

    def of(self, *categories: str) -> list[TermMatch]:
        return [t for t in self.terms if self.vocab[t.concept_id].category in categories]

    def reading(self, kind: str, key: str, params: dict[str, Any], rule: str) -> KindReading:
        return KindReading(kind, key, params, self.text, _merged(self.spans), rule)

    def manual(self, reason: str, key: str, rule: str) -> KindReading:
        return KindReading("manual", key, {}, self.text, (), rule, reason)


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def _concept_ids(terms: Iterable[TermMatch]) -> list[str]:
    return list(dict.fromkeys(t.concept_id for t in terms))


# Words every reader may consume around its own: who the item is about and how it says
# so ("Patients who are", "Known", "at screening"). Articles and prepositions are the
# coverage guard's filler and are not listed.
_SUBJECT = re.compile(
    r"\b(?:patients?|subjects?|participants?|individuals?|persons?|women|woman|females?|"
    r"girls?|mothers?|children|adolescents?|those)\b",
    _I,
)
_STATED = re.compile(
    r"\b(?:currently|current|known|documented|confirmed|evidence|presence|diagnosed|"
    r"diagnosis|at\s+screening|screening|at\s+baseline|baseline|at\s+the\s+time\s+of\s+"
    r"screening|during\s+screening)\b",
    _I,
)
_LEAD_NEGATION = re.compile(
    r"^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must|should|may|shall)\s+"
    r"not\s+(?:be|have)|must\s+not\s+(?:be|have)|no|not|never|without|free\s+of|"
    r"absence\s+of|non)\b[\s-]*",
    _I,
)


def _take_common(item: _Item) -> None:
    item.take_all(_SUBJECT)
    item.take_all(_STATED)


def _exception_text(item: _Item) -> str:
    """The exception clauses of the item, in place (the rest blanked): what `main` blanked."""
    return "".join(
        t if m == " " and t != " " else " " for t, m in zip(item.text, item.main, strict=True)
    )


_REFRACTORY_CUES = re.compile(
    r"\bdespite\b|\bfail\w*|\brefractory\b|\bresistan\w*|\binadequate\b|\bnon-?respon\w*|"
    r"\binsufficient\b|\bintoleran\w*",
    _I,
)


_WINDOW_SPAN = re.compile(
    rf"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|prior)?\s*"
    rf"(?:(?:{_NUM}|{_WORD_NUM}|a|an)\s*)?(?:days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
    rf"(?:\s+(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?(?:screening|enrol\w*|"
    rf"randomi\w*|baseline|day\s+[01]|study\s+entry|first\s+dose|consent)(?:\s+visit)?)?"
    rf"|\b(?:{_NUM}|{_WORD_NUM})\s*(?:days?|weeks?|months?|years?)\s+(?:before|prior\s+to|"
    rf"preceding)\s+(?:the\s+)?(?:screening|enrol\w*|randomi\w*|baseline|day\s+[01]|"
    rf"study\s+entry|first\s+dose|consent)(?:\s+visit)?",
    _I,
)


def _take_window(item: _Item, text: str) -> None:
    m = _WINDOW_SPAN.search(text)
    if m is not None:
        item.take(m.start(), m.end())


def _in_context(term: TermMatch, item: _Item) -> bool:
    concept = item.vocab[term.concept_id]
    return concept.category == "procedure" or in_context(item.main, term.start, term.end, concept)
