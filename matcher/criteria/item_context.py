"""One item being read: its text, the parts already accounted for, its exceptions, and the
manual result.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import (
    Iterable,
    Sequence,
)
from dataclasses import (
    dataclass,
    field,
)
from functools import (
    cached_property,
)
from typing import (
    Any,
)

from matcher.criteria.lexicon import (
    _I,
    EXCLUSION,
    _Cmp,
    _comparisons,
    _normalise,
    _recent_before,
    _window_match,
    study_start_window,
)
from matcher.nlp.vocab import (
    TermMatch,
    Vocabulary,
    in_context,
)

# =====================================================================================
# Step 2: classification
# =====================================================================================


@dataclass(frozen=True)
class _Parsed:
    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    manual_reason: str | None = None
    trace: tuple[str, ...] = ()  # the rules that produced it (Criterion.trace)


@dataclass(frozen=True)
class _Ctx:
    """One criterion being classified."""

    text: str  # normalised
    main: str  # normalised, with exception clauses blanked out (same length)
    exceptions: tuple[str, ...]
    type: str
    context: tuple[str, ...]
    vocab: Vocabulary
    terms: tuple[TermMatch, ...]  # vocabulary mentions in `main`
    exception_spans: tuple[tuple[int, int], ...] = ()  # where `exceptions` sit in `text`
    # What the reading consumed, for the coverage guard: (start, end, rule id) in `text`,
    # the exception clauses the kind honours, and spans read in a heading (index, s, e).
    taken: list[tuple[int, int, str]] = field(default_factory=list)
    honoured: list[tuple[int, int]] = field(default_factory=list)
    heading_taken: list[tuple[int, int, int]] = field(default_factory=list)
    # The trial is about lupus (its title or an inclusion item names it), so an item that
    # does not repeat the disease ("Refractory disease, defined as: failure of MMF") may
    # still be read with the lupus-nephritis rules.
    lupus_trial: bool = False

    def take(self, start: int, end: int, rule: str) -> None:
        if end > start:
            self.taken.append((start, end, rule))

    def take_study_start_window(self, rule: str) -> None:
        """ "ANC ≥ 1.5 within 14 days prior to randomisation", "ECOG 0-1 within 28 days of
        registration": the window says when the screening value is taken, as "at screening"
        does; before screening the latest value is the reading. A window some other rule
        read already (a growth factor's washout) is not taken again."""
        span = study_start_window(self.main)
        if span is not None and not any(a < span[1] and span[0] < b for a, b, _ in self.taken):
            self.take(span[0], span[1], rule)

    def take_terms(self, concepts: Iterable[str], rule: str = "term") -> None:
        """The mentions of these concepts are part of the reading."""
        wanted = set(concepts)
        for term in self.terms:
            if term.concept_id in wanted:
                self.take(term.start, term.end, rule)

    def concepts(self, *categories: str) -> list[str]:
        seen: list[str] = []
        for term in self.terms:
            category = self.vocab[term.concept_id].category
            if category in categories and term.concept_id not in seen:
                seen.append(term.concept_id)
        return seen

    def mentions(self, *categories: str) -> list[TermMatch]:
        return [t for t in self.terms if self.vocab[t.concept_id].category in categories]

    @property
    def exclusion(self) -> bool:
        return self.type == EXCLUSION

    def window(self) -> int | None:
        """The item's own window, else one set by its heading ("Any of the following
        within 6 months before screening:" + "• belimumab")."""
        own = _window_match(self.text)
        if own is not None:
            self.take(own[1], own[2], "window")
            recent = _recent_before(self.text, own[1])
            if recent is not None:
                self.take(*recent, "window:recent")
            return own[0]
        for index, heading in enumerate(self.context):
            found = _window_match(_normalise(heading))
            if found is not None:
                self.heading_taken.append((index, found[1], found[2]))
                self.taken.append((0, 0, "window:heading"))
                return found[0]
        return None

    def key(self, base: str) -> str:
        return f"x_{base}" if self.exclusion else base

    @cached_property
    def _comparisons(self) -> list[_Cmp]:
        return _comparisons(self.main)

    @cached_property
    def _comparison_starts(self) -> list[int]:
        return [c.start for c in self._comparisons]

    def comparisons_between(self, start: int, stop: int) -> list[_Cmp]:
        """The comparisons of `main` that start in [start, stop), found once per item and
        looked up by position: rescanning the rest of the item for each of its analytes
        would be quadratic. (A scan from `start` finds the same ones: an analyte mention
        ends before a non-word character, so no number starts where it ends.)"""
        first = bisect.bisect_left(self._comparison_starts, start)
        last = bisect.bisect_left(self._comparison_starts, stop)
        return self._comparisons[first:last]


# "(except elevated ALT caused by inflammatory myopathy)", ", unless due to Gilbert's".
# "rather than SLE", "besides Sjögren's syndrome": the same exception in other words.
_EXCEPTION_CUE = (r"(?:except|excluding|exception|unless|other\s+than|rather\s+than|besides|"
                  r"apart\s+from|if\s+due\s+to)")
# An opening bracket that is closed: checked first, so that an unclosed "(" is given up at
# once instead of being rescanned for every comparison or cue after it (quadratic).
_CLOSED_PAREN = r"\((?=[^()]*\))"
_EXCEPTION_PAREN = re.compile(rf"{_CLOSED_PAREN}[^()]*\b{_EXCEPTION_CUE}\b[^()]*\)", _I)
_EXCEPTION_TAIL = re.compile(rf"(?<=\S)[,;]?\s*\b{_EXCEPTION_CUE}\b[^;()]*", _I)
# "Other than SLE, any autoimmune disease": a leading exception runs to the comma.
_EXCEPTION_LEAD = re.compile(rf"^\s*{_EXCEPTION_CUE}\b[^,;()]*,", _I)



def _split_exceptions(text: str, vocab: Vocabulary
                      ) -> tuple[str, tuple[str, ...], tuple[tuple[int, int], ...]]:  # fmt: skip
    """The text with exception clauses blanked (positions kept), the clauses, and where
    they were."""
    main = text
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for pattern in (_EXCEPTION_PAREN, _EXCEPTION_LEAD, _EXCEPTION_TAIL, _CONDITIONAL_LIMIT):
        blank: list[tuple[int, int]] = []  # this pattern's clauses, blanked in one pass
        for m in pattern.finditer(main):
            clause = m[0]
            if pattern is _EXCEPTION_TAIL:
                # "unless due to Gilbert's syndrome (≤ 3 x ULN)": the limit in brackets
                # right after the clause belongs to it.
                limit = _LIMIT_PAREN.match(main, m.end())
                if limit is not None:
                    clause += limit[0]
                    m_end = limit.end()
                else:
                    m_end = m.end()
            else:
                m_end = m.end()
            if pattern is _CONDITIONAL_LIMIT and not _names_condition(clause, vocab):
                continue
            found.append(clause)
            spans.append((m.start(), m_end))
            blank.append((m.start(), m_end))
        main = _blanked(main, blank)
    return main, tuple(found), tuple(spans)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span (in order, possibly overlapping) replaced by spaces, in one
    pass: blanking a thousand clauses one copy at a time would be quadratic."""
    pieces: list[str] = []
    last = 0
    for begin, end in spans:
        begin = max(begin, last)
        if end > begin:
            pieces += [text[last:begin], " " * (end - begin)]
            last = end
    return "".join(pieces) + text[last:]


# "(Gilbert syndrome ≤3.0×ULN)", "(≤3.0×ULN for patients with Gilbert's)": a bracketed
# limit for a named condition is an exception even without "except".
_CONDITIONAL_LIMIT = re.compile(rf"{_CLOSED_PAREN}[^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")
_LIMIT_PAREN = re.compile(rf"\s*{_CLOSED_PAREN}[^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")


def _names_condition(clause: str, vocab: Vocabulary) -> bool:
    return any(vocab[t.concept_id].category == "diagnosis" and t.concept_id not in
               ("dx.sle", "dx.lupus_nephritis") for t in vocab.find_terms(clause))


def _context(
    raw: str, ctype: str, context: Sequence[str], lupus_trial: bool, vocab: Vocabulary
) -> _Ctx:
    text = _normalise(raw)
    main, exceptions, spans = _split_exceptions(text, vocab)
    # The vocabulary's context filters for homonyms, as for notes: "pelvic LN metastasis"
    # is a lymph node and "lupus anticoagulant" a coagulation test, not lupus. A procedure's
    # filters name other organs' biopsies for the bare word "biopsy", which `_biopsy` tells
    # apart itself; here they would also drop "subjects with kidney biopsy confirmed LN".
    terms = tuple(
        t for t in vocab.find_terms(main)
        if vocab[t.concept_id].category == "procedure"
        or in_context(main, t.start, t.end, vocab[t.concept_id])
    )
    terms = with_shared_modifiers(main, _with_bracketed_glosses(main, terms, vocab), vocab)
    return _Ctx(
        text, main, exceptions, ctype, tuple(context), vocab, terms, spans,
        lupus_trial=lupus_trial,
    )


# "Neisseria meningitidis (meningococcal) infection", "Pneumocystis jirovecii (PJP)
# pneumonia": a bracketed word restating the words before it, inside a term. Neither half
# is a term alone ("Neisseria meningitidis" is not an infection) and the bracket's word was
# left for the coverage guard, so the whole item went manual.
_GLOSS = re.compile(r"\((?P<gloss>[A-Za-z][A-Za-z' -]{1,40})\)[ \t]+(?P<head>[A-Za-z]+)")
_GLOSSED_WORDS = 4  # words before the bracket that the term may start at


def _whole_term(text: str, vocab: Vocabulary) -> str | None:
    """The concept of which `text` is exactly one term, else None."""
    found = vocab.find_terms(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        return found[0].concept_id
    return None


def _with_bracketed_glosses(main: str, terms: tuple[TermMatch, ...], vocab: Vocabulary
                            ) -> tuple[TermMatch, ...]:  # fmt: skip
    """Terms with a bracketed gloss inside one read as one mention: "A B (C) D" is one
    mention when "A B D" and "C D" are terms of one concept (the bracket restates A B)."""
    for m in _GLOSS.finditer(main):
        restated = _whole_term(f"{m['gloss'].strip()} {m['head']}", vocab)
        if restated is None:
            continue
        words = list(re.finditer(r"[^\s()]+", main[: m.start()]))[-_GLOSSED_WORDS:]
        for first in words:
            candidate = " ".join([*(w[0] for w in words[words.index(first):]), m["head"]])
            if _whole_term(candidate, vocab) != restated:
                continue
            start, end = first.start(), m.end()
            if not in_context(main, start, end, vocab[restated]):
                break
            kept = tuple(t for t in terms if t.end <= start or t.start >= end)
            mention = TermMatch(restated, start, end, main[start:end])
            terms = tuple(sorted((*kept, mention), key=lambda t: t.start))
            break
    return terms


# "meningococcal meningitis or septicaemia": the modifier is shared, the second noun is
# "meningococcal septicaemia" (a term of the same concept), not any septicaemia. Read alone,
# the bare noun was a generic infection, and the item would exclude every past sepsis.
_COORDINATED_NOUN = re.compile(r"\s*(?:,|/|\band/or\b|\bor\b|\band\b)\s*(?P<noun>[A-Za-z]+)\b")


def with_shared_modifiers(main: str, terms: Sequence[TermMatch], vocab: Vocabulary
                          ) -> tuple[TermMatch, ...]:  # fmt: skip
    """A term "A B" followed by "or C" where "A C" is a term of the same concept is one
    mention up to C."""
    result = tuple(terms)
    for term in terms:
        words = term.text.split()
        m = _COORDINATED_NOUN.match(main, term.end)
        if len(words) < 2 or m is None:
            continue
        if _whole_term(" ".join([*words[:-1], m["noun"]]), vocab) != term.concept_id:
            continue
        start, end = term.start, m.end()
        kept = tuple(t for t in result if t.end <= start or t.start >= end)
        mention = TermMatch(term.concept_id, start, end, main[start:end])
        result = tuple(sorted((*kept, mention), key=lambda t: t.start))
    return result


def _manual(reason: str, key: str = "manual") -> _Parsed:
    return _Parsed("manual", key, {}, reason)
