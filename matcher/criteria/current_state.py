"""Clauses that restate or bound a current condition's reading without changing it.

"Active tuberculosis, i.e. currently receiving anti-tuberculosis treatment (completed
treatment for past tuberculosis and isoniazid preventive therapy are permitted)": the
definition after "i.e." says the condition is current because it is treated now, and the
bracket lets through a past or prevented state, which a reading of the condition *now*
leaves out anyway. Read as current, the item means what it says; read as ever (the
bracket's "past" taken for the item's), it would exclude every child treated for TB years
ago. So the bracket is kept out of the temporality reading, and both clauses count as
understood only when the reading is current and every word of theirs is in the grammar's
`current_state_clauses` lists or names the item's own condition ("anti-" before it
too). Anything else ("latent TB without treatment is permitted", "on antiviral
treatment") stays for the coverage guard, so the item is `manual`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from matcher.criteria.grammar import Phrases, load_grammar
from matcher.nlp.vocab import Vocabulary

_WORD = re.compile(r"[^\W_]+")
_DEFINITION_CLAUSE = re.compile(r"[.\s,]*[^();]+")
_BRACKETED = re.compile(r"\((?P<inner>[^()]+)\)")
# "isoniazid preventive therapy": the agent of a prevention, whatever its name
_PREVENTION_AGENT = re.compile(r"([^\W\d_]+)\s+(?:preventive|preventative|prophylactic)\b", re.I)
_ANTI = "anti "


def _own_mask(text: str, concepts: Sequence[str], vocab: Vocabulary) -> bytearray:
    """Where the item names one of `concepts` ("anti-tuberculosis" included)."""
    plain = re.sub(r"(?i)\banti-", _ANTI, text)  # same length
    mask = bytearray(len(text))
    for term in vocab.find_terms(plain):
        if term.concept_id in concepts:
            start = term.start
            if plain[max(0, start - len(_ANTI)) : start].lower() == _ANTI:
                start -= len(_ANTI)
            mask[start : term.end] = b"\x01" * (term.end - start)
    return mask


def _phrase_spans(text: str, phrases: Phrases) -> list[tuple[int, int]]:
    spans = phrases.spans(text)
    spans += [(m.start(), m.end()) for m in _WORD.finditer(text) if m[0].lower() in phrases]
    return sorted(spans)


def _all_accounted(text: str, begin: int, end: int, mask: bytearray, *lists: Phrases) -> bool:
    covered = bytearray(mask)
    for phrases in lists:
        for a, b in phrases.spans(text[begin:end]):
            covered[begin + a : begin + b] = b"\x01" * (b - a)
    return all(all(covered[m.start() : m.end()]) or any(m[0].lower() in p for p in lists)
               for m in _WORD.finditer(text, begin, end))  # fmt: skip


def carve_out_spans(
    text: str, concepts: Sequence[str], vocab: Vocabulary
) -> list[tuple[int, int]]:
    """Brackets that let through a past or prevented state of the item's own condition:
    "(completed treatment for past tuberculosis and isoniazid preventive therapy are
    permitted)". Every word is a past/preventive word, carve-out glue, a permitting
    phrase at the end, the condition itself, or the agent of a prevention."""
    lists = load_grammar().current_state_clauses
    if not lists or "(" not in text:
        return []
    brackets = list(_BRACKETED.finditer(text))
    # Only a condition the item names outside its brackets: "(latent tuberculosis is
    # permitted)" names another condition, which the reading must not take in.
    outside = {t.concept_id for t in vocab.find_terms(text)
               if not any(b.start() <= t.start < b.end() for b in brackets)}  # fmt: skip
    own = _own_mask(text, [c for c in concepts if c in outside], vocab)
    found = []
    for bracket in brackets:
        begin, end = bracket.span("inner")
        permits = _phrase_spans(text[begin:end], lists["permitting"])
        if not permits or begin + permits[-1][1] != len(text[:end].rstrip(" .")):
            continue
        inner_end = begin + permits[-1][0]
        mask = bytearray(own)
        for m in _PREVENTION_AGENT.finditer(text, begin, inner_end):
            mask[m.start(1) : m.end(1)] = b"\x01" * (m.end(1) - m.start(1))
        past = _phrase_spans(text[begin:inner_end], lists["past_or_preventive"])
        if past and _all_accounted(text, begin, inner_end, mask, lists["past_or_preventive"],
                                   lists["carve_out_words"]):
            found.append(bracket.span())
    return found


def definition_spans(
    text: str, concepts: Sequence[str], vocab: Vocabulary
) -> list[tuple[int, int]]:
    """ "..., i.e. currently receiving anti-tuberculosis treatment": a definition that the
    condition is current because it is treated now; it must name the condition."""
    lists = load_grammar().current_state_clauses
    if not lists:
        return []
    own = _own_mask(text, concepts, vocab)
    found = []
    for start, end in _phrase_spans(text, lists["definers"]):
        clause = _DEFINITION_CLAUSE.match(text, end)
        if clause is None or not any(own[clause.start() : clause.end()]):
            continue
        if _all_accounted(text, clause.start(), clause.end(), own, lists["current_words"]):
            found.append((start, clause.end()))
    return found
