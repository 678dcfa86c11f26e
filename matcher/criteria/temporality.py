"""When a diagnosis or procedure criterion holds, and what in it a person must judge.

Registry items qualify a condition in time and in degree, and the qualifier changes who
matches: "Active tuberculosis" is not "history of tuberculosis"; "Severe active lupus
nephritis" excludes far fewer patients than "lupus nephritis". This module reads those
qualifiers into the diagnosis params (matcher.criteria's contract):

- `temporality`: "ever" (no time word, or "history of", "previous"), "within" (a window
  the item states: "within 6 months", read by matcher.criteria), or "current" ("active",
  "currently", "ongoing", "requiring dialysis", "dialysis-dependent"): then `window_days`
  is the 90-day lookback and matcher.judge.evaluate counts only affirmed mentions in it, never a
  past history ("history of TB, treated 2015").
- `judged`: the qualifiers the notes cannot decide, as written ("severe", "clinically
  significant", "requiring therapeutic intervention", and "active" on a disease that
  flares and remits, where a mention does not show activity). The criterion then decides
  only the absence case: when the condition is documented the evaluator returns manual
  and names them. That is what keeps "severe active lupus nephritis" from excluding every
  patient with lupus nephritis.

The words are data (matcher/criteria/data/criteria_temporality.json, validated on load). Each
word read here is returned with its span, so matcher.criteria's coverage guard counts it
as understood; a word this module does not read stays "not understood".
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from matcher.criteria.grammar import (
    criteria_data_text,
    load_grammar,
    phrase_alternation,
    phrase_pattern,
    words_of,
)
from matcher.errors import VocabularyError
from matcher.model import LOOKBACK_DAYS
from matcher.nlp.vocab import Vocabulary

__all__ = [
    "EITHER_COURSE",
    "TEMPORALITY_FILE",
    "TemporalReading",
    "TemporalityRules",
    "check_temporality_concepts",
    "load_temporality",
    "manual_reason",
    "narrowing_qualifiers",
    "need_joined",
    "read_temporality",
    "read_temporality_rules",
    "bare_current",
    "lifelong_params",
]

TEMPORALITY_FILE = "matcher/criteria/data/criteria_temporality.json"
CURRENT, EVER, WITHIN = "current", "ever", "within"
RULE = "temporal"  # the rule id of every span read here (Criterion.trace: "temporal")
_NEED_REACH = 60  # characters before a procedure's term where "currently requiring" sits

_PHRASE_LISTS = ("current", "at_time", "need_before", "need_after", "history", "judged",
                 "judged_current", "long_standing", "suspected", "head_nouns",
                 "procedure_head_nouns", "existing")  # fmt: skip
_CONCEPT_LISTS = ("state_concepts", "event_concepts", "lifelong_concepts")
_KEYS = frozenset({"version", "description", *_PHRASE_LISTS, *_CONCEPT_LISTS,
                   "manual_qualifiers"})  # fmt: skip


# "Acute or chronic infection", "chronic and/or acute pancreatitis" name both courses:
# neither word narrows the condition, so neither is a judgement (the coverage guard
# counts the pair as understood). The condition is still named as it is now.
EITHER_COURSE = re.compile(r"\bacute\s+(?:or|and/or|and)\s+chronic\b|"
                           r"\bchronic\s+(?:or|and/or|and)\s+acute\b", re.IGNORECASE)


@dataclass(frozen=True)
class TemporalityRules:
    """The validated data, with one regex per list."""

    source: dict[str, Any]
    current_words: frozenset[str]
    state_concepts: frozenset[str]
    # A bare one is ever ("myocardial infarction"); one that does not resolve ("diabetes").
    event_concepts: frozenset[str]
    lifelong_concepts: frozenset[str]
    current: re.Pattern[str]
    at_time: re.Pattern[str]
    need_before: re.Pattern[str]  # anchored at the end of the text before a term
    need_after: re.Pattern[str]  # anchored at the end of a term
    history: re.Pattern[str]
    judged: re.Pattern[str]
    # Judged words that also say the condition holds now ("uncontrolled", "severe"), and
    # those naming its long-standing form ("chronic"), as word tuples of `judged` entries.
    judged_current: frozenset[tuple[str, ...]]
    long_standing: frozenset[tuple[str, ...]]
    suspected: re.Pattern[str]
    head_nouns: re.Pattern[str]  # anchored at the end of a term
    # Anchored at the end of a procedure's term: "dialysis treatment" is dialysis.
    procedure_head_nouns: re.Pattern[str]
    existing: re.Pattern[str]  # "pre-existing": there at the trial's start, no history
    manual_qualifiers: tuple[tuple[re.Pattern[str], frozenset[str], str], ...]


def _fail(message: str, key: str, received: Any = None, expected: str = "") -> None:
    raise VocabularyError(message, file=TEMPORALITY_FILE, field=key, received=received,
                          expected=expected or None)  # fmt: skip


_FILLER_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with",
                           "and", "or"})  # fmt: skip


def _phrases(data: dict[str, Any], key: str) -> list[str]:
    values = data[key]
    if not isinstance(values, list):
        _fail("not a list", key, type(values).__name__, "a list of words or phrases")
    seen: set[tuple[str, ...]] = set()
    for value in values:
        if not isinstance(value, str) or not words_of(value):
            _fail("bad entry", key, value, "a word or phrase with a letter or digit")
        words = tuple(words_of(value))
        if words in seen:
            _fail("duplicate entry", key, value, "each word or phrase once")
        if set(words) <= _FILLER_WORDS:
            # "the" as a current word would mark every item current.
            _fail("entry carries no meaning", key, value, "a word that is not filler")
        seen.add(words)
    return list(values)


def read_temporality_rules(text: str, vocab: Vocabulary) -> TemporalityRules:
    """The rules from the text of a temporality file, validated: an unknown or missing
    key, a duplicate or meaningless entry, a phrase both current and judged, or an
    unknown concept id raises VocabularyError naming the file and the key."""
    rules = _rules_of(text)
    check_temporality_concepts(rules, vocab)
    return rules


def check_temporality_concepts(rules: TemporalityRules, vocab: Vocabulary) -> None:
    """Every concept the rules name is a diagnosis or procedure of `vocab` (an event or
    a lifelong disease a diagnosis), else VocabularyError naming the file and the key."""
    for key in _CONCEPT_LISTS:
        allowed = ("diagnosis", "procedure") if key == "state_concepts" else ("diagnosis",)
        for concept in rules.source[key]:
            if concept not in vocab or vocab[concept].category not in allowed:
                _fail("unknown concept id", key, concept,
                      f"a {' or '.join(allowed)} id of concepts.jsonl")  # fmt: skip
            if key == "event_concepts" and vocab[concept].attrs.get("current_unless_history"):
                # A standing state is the state now: it cannot also be ever when bare.
                _fail("a standing state listed as an event", key, concept,
                      "a concept without current_unless_history")  # fmt: skip


def _rules_of(text: str) -> TemporalityRules:
    """The temporality file's text read and validated, all but its concept ids, which are
    checked against the vocabulary it is read with (check_temporality_concepts)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VocabularyError(f"invalid JSON ({exc.msg})", file=TEMPORALITY_FILE,
                              line=exc.lineno) from exc  # fmt: skip
    if not isinstance(data, dict):
        _fail("not a JSON object", "(top level)", type(data).__name__, "an object")
    for key in data:
        if key not in _KEYS:
            _fail("unknown key", key, key, ", ".join(sorted(_KEYS)))
    for key in sorted(_KEYS - {"description"}):
        if key not in data:
            _fail("missing key", key, expected="the key to be present")
    if data["version"] != 1:
        _fail("unsupported version", "version", data["version"], "1")
    lists = {key: _phrases(data, key) for key in _PHRASE_LISTS}
    both = {tuple(words_of(p)) for p in lists["current"]} & {
        tuple(words_of(p)) for p in lists["judged"]}
    if both:
        _fail("entry both current and judged", "judged", " ".join(sorted(both)[0]),
              "a word is either a time or a judgement")  # fmt: skip
    judged_words = {tuple(words_of(p)) for p in lists["judged"]}
    for key in ("judged_current", "long_standing"):
        for phrase in lists[key]:
            if tuple(words_of(phrase)) not in judged_words:
                _fail("entry not in judged", key, phrase,
                      "a judged word or phrase (what the notes cannot decide)")  # fmt: skip
    times = {tuple(words_of(p)) for k in ("current", "judged", "history") for p in lists[k]}
    for phrase in lists["suspected"]:
        if tuple(words_of(phrase)) in times:
            _fail("entry also a time or a judgement", "suspected", phrase,
                  "a word that only makes a suspicion count")  # fmt: skip
    for key in _CONCEPT_LISTS:
        ids = data[key]
        if not isinstance(ids, list) or not all(isinstance(s, str) for s in ids):
            _fail("not a list", key, ids, "a list of concept ids")
        if len(set(ids)) != len(ids):
            _fail("duplicate entry", key, ids, "each concept id once")
    states = data["state_concepts"]
    if set(data["event_concepts"]) & set(data["lifelong_concepts"]):
        _fail("entry both an event and lifelong", "lifelong_concepts",
              sorted(set(data["event_concepts"]) & set(data["lifelong_concepts"]))[0],
              "a concept in one of the two lists")  # fmt: skip
    history_words = {tuple(words_of(p)) for p in lists["history"]}
    for phrase in lists["existing"]:
        if tuple(words_of(phrase)) in history_words:
            _fail("entry also a history word", "existing", phrase,
                  "a word that says the condition is there now, not ever")  # fmt: skip
    manual = data["manual_qualifiers"]
    if not isinstance(manual, dict) or not all(
        isinstance(k, str) and words_of(k) and isinstance(v, str) and v for k, v in manual.items()
    ):
        _fail("not an object", "manual_qualifiers", manual, "phrase → reason")
    ordered = sorted(manual.items(), key=lambda kv: len(kv[0]), reverse=True)
    return TemporalityRules(
        source=data,
        current_words=frozenset(w for p in lists["current"] for w in words_of(p)),
        state_concepts=frozenset(states),
        event_concepts=frozenset(data["event_concepts"]),
        lifelong_concepts=frozenset(data["lifelong_concepts"]),
        current=re.compile(phrase_alternation(lists["current"]), re.IGNORECASE),
        at_time=re.compile(phrase_alternation(lists["at_time"]), re.IGNORECASE),
        need_before=re.compile(rf"(?:(?:{phrase_alternation(lists['need_before'])})[\s-]+)+$",
                               re.IGNORECASE),  # fmt: skip
        need_after=re.compile(rf"[\s-]*(?:{phrase_alternation(lists['need_after'])})",
                              re.IGNORECASE),
        # "prior to screening" anchors a window; it is not a history.
        history=re.compile(rf"(?:{phrase_alternation(lists['history'])})(?!\s+to\b)",
                           re.IGNORECASE),
        judged=re.compile(phrase_alternation(lists["judged"]), re.IGNORECASE),
        judged_current=frozenset(tuple(words_of(p)) for p in lists["judged_current"]),
        long_standing=frozenset(tuple(words_of(p)) for p in lists["long_standing"]),
        suspected=re.compile(phrase_alternation(lists["suspected"]), re.IGNORECASE),
        head_nouns=re.compile(rf"\s+(?:{phrase_alternation(lists['head_nouns'])})", re.IGNORECASE),
        procedure_head_nouns=re.compile(
            rf"\s+(?:{phrase_alternation(lists['procedure_head_nouns'])})", re.IGNORECASE),
        existing=re.compile(phrase_alternation(lists["existing"]), re.IGNORECASE),
        manual_qualifiers=tuple(
            (re.compile(phrase_pattern(k), re.IGNORECASE), frozenset(words_of(k)), v)
            for k, v in ordered
        ),
    )


@cache
def load_temporality() -> TemporalityRules:
    """The packaged rules, read and validated once; the concept ids they name are checked
    against each vocabulary the reader is given (matcher.criteria.data_check)."""
    return _rules_of(criteria_data_text("criteria_temporality.json"))


# =====================================================================================
# Reading
# =====================================================================================


@dataclass
class TemporalReading:
    """What an item says about when and how its condition holds. `params` go into the
    diagnosis params; `spans` (start, end) of the item text were read here."""

    params: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


_WORD = re.compile(r"[^\W_]+")
_ALTERNATIVE = re.compile(r"\bor\b|/", re.IGNORECASE)


def _only_glue(text: str, start: int, end: int, glue: Sequence[tuple[int, int]],
               words: Container[str]) -> bool:  # fmt: skip
    """Is every word of text[start:end] one of `words` or inside a `glue` span?"""
    return all(m[0].lower() in words or _inside(m.start(), m.end(), glue)
               for m in _WORD.finditer(text, start, end))  # fmt: skip


def _attached(text: str, start: int, end: int, terms: Sequence[tuple[int, int]],
              glue: Sequence[tuple[int, int]]) -> bool:  # fmt: skip
    """Does the cue at [start, end) qualify a condition: inside its term ("active TB"), or
    next to it with only filler, other cues or terms between ("active, severe or unstable
    NPSLE", "currently on haemodialysis", "CNS lupus that is currently active")? After
    the term only auxiliaries may stand between: in "lupus per the current criteria" the
    word belongs to what follows it."""
    grammar = load_grammar()
    for term_start, term_end in terms:
        if _overlaps(start, end, [(term_start, term_end)]):
            return True
        if term_start >= end and _only_glue(text, end, term_start, glue, grammar.filler):
            return True
        if term_end <= start and _only_glue(text, term_end, start, glue,
                                            grammar.lead_auxiliaries):  # fmt: skip
            return True
    return False


def _as_written(text: str) -> str:
    return " ".join(text.lower().split())


def read_temporality(
    text: str,
    terms: Sequence[tuple[int, int, str]],
    window_days: int | None,
    concepts: Sequence[str] = (),
    *,
    vocab: Vocabulary,
    rules: TemporalityRules | None = None,
    headings: Sequence[str] = (),
    exclusion: bool = False,
) -> TemporalReading:
    """Temporality and judged qualifiers of an item naming conditions. `text` is the item
    with exception clauses blanked (positions kept), `terms` the (start, end, concept) of
    every condition it names, `window_days` the window the item states, if any,
    `concepts` the ones the criterion checks (default: those of `terms`), `headings` the
    headings that group it: under "Current or medical history of:" an "Active
    tuberculosis" is current or past, which is ever. `exclusion`: a bare disease an
    exclusion names ("Hypertension") is the disease now (`bare_current`)."""
    rules = rules or load_temporality()
    term_spans = [(s, e) for s, e, _ in terms]
    found = TemporalReading()
    concepts = list(concepts) or [c for _, _, c in terms]
    if any(vocab[c].attrs.get("state") for c in concepts):
        # Pregnancy and breastfeeding are current states (the pregnancy kind reads most
        # items). One that reaches this reader ("Currently nursing", "4. Pregnant women")
        # is the state now, never any pregnancy ever; only an item that asks for the past
        # ("a history of previous pregnancy") is ever.
        if window_days is not None:
            found.params["temporality"] = WITHIN
        elif asks_for_past(text, headings):
            found.params["temporality"] = EVER
        else:
            found.params["temporality"] = CURRENT
            found.params["window_days"] = LOOKBACK_DAYS
        return found
    judged: list[tuple[int, str]] = []
    # Judgement words outside the condition's name: "severe" in "severe combined
    # immunodeficiency" is the disease's name, not a degree; in "severe chronic liver
    # disease", "chronic" narrows the term's own condition (see `narrowing_qualifiers`).
    # "Chronic" touching a procedure ("chronic haemodialysis") is its current need, read
    # below.
    needs = _procedure_needs(text, terms, vocab, rules)
    narrowing = narrowing_qualifiers(text, terms, vocab, rules)
    for m in rules.judged.finditer(text):
        if _overlaps(m.start(), m.end(), needs):
            continue
        if not _overlaps(m.start(), m.end(), term_spans) or (m.start(), m.end()) in narrowing:
            judged.append((m.start(), _as_written(m[0])))
            found.spans.append((m.start(), m.end()))
    both = [(m.start(), m.end()) for m in EITHER_COURSE.finditer(text)]
    now_words = [w for _, w in judged if tuple(words_of(w)) in rules.judged_current]
    judged = [(at, w) for at, w in judged if not _inside(at, at + 1, both)]
    if any(tuple(words_of(w)) in rules.long_standing for w in now_words):
        found.params["long_standing"] = True
    cues = [m for m in rules.current.finditer(text)
            if not _overlaps(m.start(), m.end(), found.spans)]  # fmt: skip
    # "History of", "previous": ever, or inside a window the item states.
    history = [(m.start(), m.end()) for m in rules.history.finditer(text)]
    # "Pre-existing hypertension": there when the trial starts, read as a bare condition.
    found.spans += [(m.start(), m.end()) for m in rules.existing.finditer(text)
                    if _attached(text, m.start(), m.end(), term_spans, term_spans)]
    glue = found.spans + term_spans + history + [(m.start(), m.end()) for m in cues]
    # A status ("ACR criteria", "in remission") is not a condition a time word qualifies.
    conditions = [(s, e) for s, e, c in terms
                  if vocab[c].category in ("diagnosis", "procedure")]  # fmt: skip
    current: list[tuple[int, str]] = []
    for m in cues:
        # "current" must qualify a condition: "SLE according to the current ACR
        # criteria" names the criteria's edition, and stays not understood.
        if _attached(text, m.start(), m.end(), conditions, glue):
            # "current diagnosis of": the word a person judges is "current".
            current.append((m.start(), _CUE_TAIL.sub("", _as_written(m[0]))))
            found.spans.append((m.start(), m.end()))
    # "Known or suspected infection": a recorded suspicion counts (matcher.judge.evaluate).
    for m in rules.suspected.finditer(text):
        if _attached(text, m.start(), m.end(), conditions, glue + history):
            found.params["suspected"] = True
            found.spans.append((m.start(), m.end()))
    if not current and window_days is None:
        # "Infection at study entry": the state at the trial's start, which is now. Not
        # beside a window: in "malignancy within 2 years; infection at study entry" which
        # time goes with which condition is not read, and the words stay not understood.
        for m in rules.at_time.finditer(text):
            if _attached(text, m.start(), m.end(), conditions, glue + found.spans):
                current.append((m.start(), f"present {_as_written(m[0])}"))
                found.spans.append((m.start(), m.end()))
                break
    for start, end, concept in terms:
        if vocab[concept].category != "procedure":
            continue
        # Only the words touching the term: "requiring dialysis", not "requiring
        # antibiotics ... or dialysis". A bounded look back keeps this linear.
        offset = max(0, start - _NEED_REACH)
        before = rules.need_before.search(text[offset:start])
        if before is not None:
            begin = offset + before.start()
            current.append((begin, _as_written(before[0].strip(" -"))))
            found.spans.append((begin, offset + before.end()))
        after = rules.need_after.match(text, end)
        if after is not None and after.end() > end:
            current.append((end, _as_written(after[0].strip(" -"))))
            found.spans.append((end, after.end()))
    for _start, end, concept in terms:
        head = rules.head_nouns.match(text, end)
        if head is None and vocab[concept].category == "procedure":
            # "Receiving dialysis treatment", "plasma exchange sessions": the procedure
            # is the treatment. After a disease the same word names something else
            # ("cancer treatment" is not cancer), so only after a procedure.
            head = rules.procedure_head_nouns.match(text, end)
        if head is not None:
            found.spans.append((end, head.end()))
    if current:
        # "Requiring dialysis at screening": the time repeats the current word.
        found.spans += [(m.start(), m.end()) for m in rules.at_time.finditer(text)]
    found.spans += history
    if window_days is not None:
        temporality = WITHIN
    elif current and any(rules.history.search(h) for h in headings):
        temporality = EVER
    elif history and current:
        # "Active or past tuberculosis", "current or previous dialysis": either counts.
        temporality = EVER
        # "Current history of drug abuse" may mean now or ever: only "current or past"
        # (a current word before a history word only across "or") is read as either.
        unjoined = any(cue < h_start and not _ALTERNATIVE.search(text, cue, h_start)
                       for cue, _ in current for h_start, _ in history)  # fmt: skip
        cue_spans = [(m.start(), m.end()) for m in cues
                     if any(m.start() == at for at, _ in current)]  # fmt: skip
        several = len(set(concepts)) > 1 and not (
            _paired(text, cue_spans, history) or _scoped(cue_spans, history, conditions))
        if several or unjoined:
            # "History of TB or current dialysis": which time goes with which condition
            # is not read here; the current words stay not understood. "Lifetime or
            # current diagnosis of schizophrenia or psychosis": the two times side by side
            # qualify every condition after them, which is ever.
            spans = [(s, e) for s, e in found.spans
                     if not any(s == at for at, _ in current)]  # fmt: skip
            found.spans[:] = spans
            current = []
    elif current or (not history and standing_states(concepts, vocab, text, headings)):
        # "Uncontrolled arrhythmia", "hepatic failure patients": a standing state is the
        # state now unless the item asks for its history (concepts.jsonl
        # `current_unless_history`); an older mention is then for a person.
        temporality = CURRENT
    elif now_words and not history and not asks_for_past(text, headings):
        # "Uncontrolled infections", "severe heart failure", "chronic liver disease": the
        # degree or form of the condition now. Read as ever, an infection cured years ago
        # was an uncontrolled one for the exclusion (the dev gold reads it so too).
        temporality = CURRENT
    elif exclusion and not history and bare_current(concepts, vocab, text, headings, rules):
        temporality = CURRENT
        found.params["bare_current"] = True
    else:
        temporality = EVER
    if temporality == EVER and history:
        # "Previously received chronic dialysis": under a history word "chronic" is the
        # kind of the procedure, not its time; read as either time, one dialysis for an
        # acute kidney injury excluded. Only its absence is decided.
        judged += [(at, w) for at, w in current if tuple(words_of(w)) in rules.long_standing]
    if current and (window_days is not None or temporality == CURRENT) and not set(
        concepts
    ) <= rules.state_concepts:
        # "Active lupus nephritis": a mention in the lookback does not show activity.
        judged += current
    found.params["temporality"] = temporality
    if temporality == CURRENT:
        found.params["window_days"] = LOOKBACK_DAYS
        found.params.update(lifelong_params(concepts, vocab, rules))
    if judged:
        found.params["judged"] = list(dict.fromkeys(w for _, w in sorted(judged)))
    if temporality != CURRENT:
        # Long-standing is a reading of the state now; ever already counts any mention.
        found.params.pop("long_standing", None)
    return found


def narrowing_qualifiers(
    text: str,
    terms: Sequence[tuple[int, int, str]],
    vocab: Vocabulary,
    rules: TemporalityRules | None = None,
) -> list[tuple[int, int]]:
    """The (start, end) of judged words inside a vocabulary term that narrow the term's
    own condition: the term without the word is a whole term of the same condition or of
    one it implies ("chronic liver disease" → "liver disease"; "serious infection" →
    "infection", which active infection implies), or the condition's own label says the
    word ("chronic or recurrent infection", a term of chronic infection). Only words the
    coverage guard would otherwise leave over (grammar `term_qualifiers`) are read:
    "severe" in "severe combined immunodeficiency" is the disease's name ("combined
    immunodeficiency" is no term): nothing is judged."""
    rules = rules or load_temporality()
    qualifiers = load_grammar().term_qualifiers
    found: list[tuple[int, int]] = []
    for start, end, concept in terms:
        if concept not in vocab:
            continue
        wanted = {concept, *vocab[concept].attrs.get("implies", ())}
        for m in rules.judged.finditer(text, start, end):
            if not set(words_of(m[0])) <= qualifiers:
                continue
            if set(words_of(m[0])) <= set(words_of(vocab[concept].label)):
                # "chronic or recurrent infection" is a term of chronic infection: the
                # word is what the condition itself says, never lost.
                found.append((m.start(), m.end()))
                continue
            rest = " ".join(f"{text[start:m.start()]} {text[m.end():end]}".split())
            if rest and any(t.start == 0 and t.end == len(rest) and t.concept_id in wanted
                            for t in vocab.find_terms(rest)):  # fmt: skip
                found.append((m.start(), m.end()))
    return found


_CUE_TAIL = re.compile(r"\s+(?:diagnosis(?:\s+of)?|diagnosed\s+with|episode\s+of)$")
_OR_ONLY = re.compile(r"[\s,]*(?:or|and/or|/)[\s,]*", re.IGNORECASE)


def _paired(text: str, cues: Sequence[tuple[int, int]],
            history: Sequence[tuple[int, int]]) -> bool:  # fmt: skip
    """Does every current word stand beside a history word, only "or" between them
    ("current or past", "lifetime or current diagnosis of")?"""
    return bool(cues) and all(
        any(_OR_ONLY.fullmatch(text, h_end, start) or _OR_ONLY.fullmatch(text, end, h_start)
            for h_start, h_end in history)
        for start, end in cues
    )


def _scoped(cues: Sequence[tuple[int, int]], history: Sequence[tuple[int, int]],
            conditions: Sequence[tuple[int, int]]) -> bool:
    """Do the current words stand between the history word and every condition ("history
    of an ongoing, chronic or recurrent infection such as TB")? Then the history reaches
    over them and every condition: ever. "History of TB or current dialysis" has a
    condition before its current word."""
    return bool(cues and history and conditions) and (
        max(e for _, e in history) <= min(s for s, _ in cues)
        and max(e for _, e in cues) <= min(s for s, _ in conditions))


def _procedure_needs(text: str, terms: Sequence[tuple[int, int, str]], vocab: Vocabulary,
                     rules: TemporalityRules) -> list[tuple[int, int]]:  # fmt: skip
    """Where need words touch a procedure's term ("chronic dialysis", "requiring
    dialysis"): the spans of those words."""
    spans = []
    for start, _end, concept in terms:
        if vocab[concept].category == "procedure":
            offset = max(0, start - _NEED_REACH)
            before = rules.need_before.search(text[offset:start])
            if before is not None:
                spans.append((offset + before.start(), offset + before.end()))
    return spans


def need_joined(text: str, terms: Sequence[tuple[int, int, str]], vocab: Vocabulary,
                rules: TemporalityRules | None = None) -> bool:
    """Does a need word join a disease to a procedure it needs ("ESRD patients receiving
    haemodialysis", "lupus nephritis requiring dialysis")? Then the item asks for both at
    once; a reading of its concepts where either one counts does not say that. Only
    filler or the item's subject ("patients") may stand between the disease's term and
    the need word."""
    rules = rules or load_temporality()
    grammar = load_grammar()
    subjects = frozenset(w for p in grammar.lead_subjects for w in words_of(p))
    joiners = grammar.filler.words | subjects
    diseases = [(s, e) for s, e, c in terms if vocab[c].category == "diagnosis"]
    for start, _end, concept in terms:
        if vocab[concept].category != "procedure":
            continue
        offset = max(0, start - _NEED_REACH)
        before = rules.need_before.search(text[offset:start])
        if before is None:
            continue
        need_start = offset + before.start()
        if any(e <= need_start and _only_glue(text, e, need_start, (), joiners)
               for _s, e in diseases):
            return True
    return False


# Words that ask for the past of a standing state rather than the state now: "history of
# heart failure", "drug abuse prior to screening".
# "Never had cancer" asks about all time, as "ever" does: a cancer years ago counts.
STANDING_HISTORY = re.compile(
    r"\bhistory\b|\bprior\b|\bprevious(?:ly)?\b|\bpast\b|\b(?:n)?ever\b|\bat\s+any\s+time\b|"
    r"\bepisodes?\s+of\b",
    re.IGNORECASE,
)
# "Recurrent infections requiring hospitalisation": a course over time, not a state now.
_COURSE = re.compile(r"\brecurr(?:ent|ing|ences?)\b|\brepeated\b", re.IGNORECASE)


def standing_states(
    concepts: Sequence[str], vocab: Vocabulary, text: str, headings: Sequence[str] = ()
) -> bool:
    """A standing state among the concepts (concepts.jsonl `current_unless_history`:
    "hepatic failure patients" are in it now) and neither the item nor a heading grouping
    it asking for its past ("Medical history of:"). One is enough: "severe psychiatric
    illness or substance abuse" read as current leaves an older mention of either to a
    person; read as ever, an old psychosis would decide."""
    return any(
        vocab[c].attrs.get("current_unless_history") for c in concepts if c in vocab
    ) and not asks_for_past(text, headings) and not _COURSE.search(text)


def bare_current(
    concepts: Sequence[str],
    vocab: Vocabulary,
    text: str,
    headings: Sequence[str] = (),
    rules: TemporalityRules | None = None,
) -> bool:
    """Is a bare disease of an exclusion the disease now? "Hypertension", "Patients with
    diabetes mellitus", "Known coeliac disease": no time word, no window, no word or
    heading asking for the past. The registries' gold reads such items current about as
    often as ever; read as ever, an infection or an anaemia cured years ago would exclude,
    while read as current a mention in the lookback decides and an older one is left to
    a person (matcher.judge.eval_diagnosis), or holds for a disease that does not resolve
    (`lifelong_concepts`). Diagnoses only, and not when every one names an event
    ("myocardial infarction", "solid organ transplant": `event_concepts`, ever)."""
    rules = rules or load_temporality()
    named = [c for c in concepts if c in vocab]
    return (
        bool(named)
        and all(vocab[c].category == "diagnosis" for c in named)
        and not all(c in rules.event_concepts for c in named)
        and not asks_for_past(text, headings)
        and not _COURSE.search(text)
    )


def lifelong_params(concepts: Sequence[str], vocab: Vocabulary,
                    rules: TemporalityRules | None = None) -> dict[str, Any]:  # fmt: skip
    """The diagnosis params of a current reading: `lifelong` when a disease that does not
    resolve is among the concepts or their members ("Other autoimmune disease": Hashimoto
    thyroiditis). The evaluator (matcher.judge.eval_diagnosis) then counts one documented
    before the lookback as present now."""
    rules = rules or load_temporality()
    wanted = set(concepts)
    members = {c.id for c in vocab.concepts.values()
               if c.id in wanted or wanted & set(c.attrs.get("implies", ()))}  # fmt: skip
    return {"lifelong": True} if rules.lifelong_concepts & members else {}


def asks_for_past(text: str, headings: Sequence[str] = ()) -> bool:
    """Does the item, or a heading grouping it, ask for the past of a state ("history of
    heart failure", "Medical history of:") rather than the state now?"""
    return any(STANDING_HISTORY.search(t) for t in (text, *headings))


def manual_reason(text: str, words: Sequence[str], rules: TemporalityRules | None = None
                  ) -> str | None:  # fmt: skip
    """Why an item with a time word the reader cannot compute stays manual ("newly
    diagnosed", "persistent"): the reason of the first such phrase in `text` that holds
    one of the not-understood `words`, else None."""
    rules = rules or load_temporality()
    left = {w.lower() for word in words for w in words_of(word)}
    for pattern, phrase_words, reason in rules.manual_qualifiers:
        if phrase_words & left and pattern.search(text):
            return reason
    return None
