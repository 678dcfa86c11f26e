"""Classification-standard citations in a diagnosis criterion, read from data.

Registry texts establish a diagnosis by citing a published set of classification
criteria: "fulfils at least 4 of the 11 ACR 1997 revised criteria for SLE", "Systemic
sclerosis per the 2013 ACR/EULAR criteria", "Sjögren's syndrome according to the 2002
American-European Consensus Group criteria", "meeting 4 of 11 ACR criteria, serially or
simultaneously". Clinic notes cannot re-check such a citation, but a documented
diagnosis stands for it (GUIDELINE.md part B, criterion 2), so the diagnosis reader
accounts for the citation's words, and only for those the data names
(matcher/criteria/data/classification_systems.json): a known body citing a set that classifies the
item's condition, that set's own threshold ("4 of the 11", "a total score ≥ 10"), and the
phrases that say the criteria count over the disease's course. "At least 3 of the 11 ACR
criteria", "a EULAR/ACR score ≥ 20" or "SLICC criteria for systemic sclerosis" are left
unaccounted, so the coverage guard makes the item manual and names the words.

The file is validated once on load (unknown key, wrong type, unknown body or concept id,
an empty list where one is needed): VocabularyError naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from matcher.criteria.grammar import (
    Phrases,
    _fail,
    criteria_data_text,
    phrase_pattern,
    read_data_object,
)
from matcher.nlp.vocab import Vocabulary, load_vocabulary

__all__ = ["SYSTEMS_FILE", "Citation", "Systems", "load_systems", "read_citation", "read_systems"]

SYSTEMS_FILE = "matcher/criteria/data/classification_systems.json"
_KEYS = frozenset({"version", "description", "bodies", "sets", "cumulative", "not_now"})
_SET_KEYS = frozenset({"label", "bodies", "years", "conditions", "counts", "scores", "own_terms"})
_YEAR = r"(?:19|20)\d{2}"
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eleven": 11, "seventeen": 17}  # fmt: skip
_NUMBER = r"(?:\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
# Between the parts of a joint body: "ACR/EULAR", "EULAR-ACR", "ACR and EULAR".
_JOINER = re.compile(r"\s*(?:/|-|–|&|\band\b)\s*$", re.IGNORECASE)
# Words a citation's year may stand after: "ACR revised classification criteria (1997)".
_AFTER_YEAR = re.compile(
    rf"^(?:[\s(),]|\b(?:revised|updated|modified|classification|diagnostic|criteria|of|in)\b)*?"
    rf"(?P<year>{_YEAR})\b\)?",
    re.IGNORECASE,
)
_BEFORE_YEAR = re.compile(rf"\b(?P<year>{_YEAR})\s+(?:(?:revised|updated|modified)\s+)?$",
                          re.IGNORECASE)  # fmt: skip
# "at least 4 of the 11", "≥ 4 of 11", "4 or more of the 11", "a minimum of 4 out of 11".
_COUNT = re.compile(
    rf"(?:\b(?:at\s+least|a\s+minimum\s+of|minimum\s+of|any)\s+|[≥]\s*|>=\s*|\b)"
    rf"(?P<n>{_NUMBER})\s+(?:or\s+more\s+)?(?:of|out\s+of)\s+(?:the\s+)?"
    rf"(?:(?P<m>{_NUMBER})(?![^\W_]))?"
    # "(at least 4 criteria, including ...)": the count with no total
    rf"|(?:\b(?:at\s+least|a\s+minimum\s+of)\s+|[≥]\s*|>=\s*)(?P<alone>{_NUMBER})\s+"
    rf"(?:or\s+more\s+)?criteria\b",
    re.IGNORECASE,
)
# "the 1982 revised ACR criteria, updated in 1997": a later edition of the same set.
_LATER_EDITION = re.compile(
    rf",?\s*\b(?:and\s+|as\s+)?(?:updated|revised|modified)\s+(?:in\s+)?(?P<year>{_YEAR})\b",
    re.IGNORECASE,
)
# "with a total score ≥ 10", "(score of at least 6 points)", "total score of 10 or more".
_SCORE = re.compile(
    r"(?:\bwith\s+)?(?:\ba\s+)?(?:\btotal\s+)?(?:\bclassification\s+)?\bscore\s+(?:of\s+)?"
    r"(?:(?:≥|>=|at\s+least)\s*(?P<s>\d{1,2})|(?P<s2>\d{1,2})\s+or\s+more)(?![\d.])"
    r"(?:\s+points)?",
    re.IGNORECASE,
)
# "... or patients with only 3 criteria but SLE diagnosed by the treating physician": an
# alternative to the standard with fewer criteria than its own count and a clinician's
# diagnosis, which a documented diagnosis stands for. The clinician's words are the
# diagnosis reader's (criteria_grammar.json); anything else left over keeps it manual.
_FEWER = re.compile(
    rf"\bor\s+(?:(?:patients|subjects|participants|those)\s+)?(?:with|meeting|fulfill?ing)\s+"
    rf"(?:only\s+)?(?P<n>{_NUMBER})\s+(?:of\s+(?:the\s+)?(?:{_NUMBER}\s+)?)?criteria\s+"
    rf"(?:but|and|plus|with)\b",
    re.IGNORECASE,
)
_NOT_NOW_ANCHOR = (
    r"(?:\s+the)?(?:\s+time\s+of)?(?:\s+the)?(?:\s+study)?\s+(?:enrol{1,2}ment|screening|"
    r"entry|inclusion|randomi[sz]ation|baseline)\b"
)


def _phrase(entry: str) -> str:
    """A phrase as a regex, as matcher.criteria_grammar.phrase_pattern, with an apostrophe
    allowed between its words too: "doesn't need to be present at"."""
    return phrase_pattern(entry).replace(r"[\s\-/.]*", r"[\s\-/.'’]*")


@dataclass(frozen=True)
class ClassificationSet:
    """One published set: "2019 EULAR/ACR" classifies SLE, its own threshold a score ≥ 10."""

    label: str
    bodies: frozenset[str]
    years: frozenset[int]
    conditions: frozenset[str]
    counts: frozenset[tuple[int, int]]
    scores: frozenset[int]
    own_terms: Phrases  # the set's own definition restated: "at least one clinical criterion"


@dataclass(frozen=True)
class Systems:
    """The classification data, compiled: one pattern per body, the sets, the phrases."""

    bodies: dict[str, re.Pattern[str]]
    sets: tuple[ClassificationSet, ...]
    cumulative: Phrases
    not_now: re.Pattern[str]


@dataclass(frozen=True)
class Citation:
    """What an item cites: the first set's label ("ACR 1997") and every span the
    citations, their thresholds and their "over the disease's course" phrases cover."""

    label: str
    spans: tuple[tuple[int, int], ...]


def _strings(value: Any, source: str, key: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        _fail("bad list", source, key, value, "a non-empty list of words or phrases")
    if len(set(value)) != len(value):
        _fail("duplicate entry", source, key, value, "each entry once")
    return list(value)


def _numbers(value: Any, source: str, key: str) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    ):
        _fail("bad list", source, key, value, "a list of positive whole numbers")
    return list(value)


def _body_pattern(spec: Any, source: str, key: str) -> re.Pattern[str]:
    """A body's names (any case) and abbreviations (as written: "ACR", never "acr"), each
    optionally followed by its bracketed abbreviation: "European League Against
    Rheumatism (EULAR)". "ACR20" and "ACR-50" are response criteria, not the body."""
    if not isinstance(spec, dict) or set(spec) != {"names", "abbreviations"}:
        _fail("bad body", source, key, spec, 'an object with "names" and "abbreviations"')
    names = _strings(spec["names"], source, f"{key}.names")
    abbreviations = _strings(spec["abbreviations"], source, f"{key}.abbreviations")
    abbr = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    full = "|".join(phrase_pattern(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"(?:(?i:{full})(?:\s*\(\s*(?:{abbr})\s*\))?|(?<![^\W_])(?:{abbr})(?![^\W_]|-\d))"
    )


def _set(spec: Any, source: str, key: str, bodies: Iterable[str],
         vocab: Vocabulary) -> ClassificationSet:  # fmt: skip
    if not isinstance(spec, dict) or set(spec) != _SET_KEYS:
        _fail("bad set", source, key, spec, ", ".join(sorted(_SET_KEYS)))
    if not isinstance(spec["label"], str) or not spec["label"].strip():
        _fail("bad label", source, f"{key}.label", spec["label"], "a non-empty string")
    named = _strings(spec["bodies"], source, f"{key}.bodies")
    for body in named:
        if body not in bodies:
            _fail("unknown body", source, f"{key}.bodies", body, "a key of bodies")
    conditions = _strings(spec["conditions"], source, f"{key}.conditions")
    for concept in conditions:
        if concept not in vocab:
            _fail("unknown concept id", source, f"{key}.conditions", concept,
                  "a concept id of concepts.jsonl")  # fmt: skip
    years = _numbers(spec["years"], source, f"{key}.years")
    counts = spec["counts"]
    if not isinstance(counts, list) or not all(
        isinstance(c, list) and len(c) == 2 and _numbers(c, source, f"{key}.counts")
        and c[0] <= c[1] for c in counts
    ):
        _fail("bad counts", source, f"{key}.counts", counts, "[[n, of_m], ...] with n ≤ m")
    return ClassificationSet(
        label=spec["label"],
        bodies=frozenset(named),
        years=frozenset(years),
        conditions=frozenset(conditions),
        counts=frozenset((c[0], c[1]) for c in counts),
        scores=frozenset(_numbers(spec["scores"], source, f"{key}.scores")),
        own_terms=Phrases(_strings(spec["own_terms"], source, f"{key}.own_terms")
                          if spec["own_terms"] else ()),
    )


def read_systems(text: str, source: str = SYSTEMS_FILE,
                 vocab: Vocabulary | None = None) -> Systems:  # fmt: skip
    """Systems from the text of a classification file, validated (module docstring)."""
    data = read_data_object(text, source, _KEYS)
    vocab = vocab or load_vocabulary()
    if not isinstance(data["bodies"], dict) or not data["bodies"]:
        _fail("not an object", source, "bodies", data["bodies"], "body → names")
    bodies = {name: _body_pattern(spec, source, f"bodies.{name}")
              for name, spec in data["bodies"].items()}  # fmt: skip
    if not isinstance(data["sets"], list) or not data["sets"]:
        _fail("not a list", source, "sets", data["sets"], "a non-empty list of sets")
    sets = tuple(_set(s, source, f"sets[{i}]", bodies, vocab) for i, s in enumerate(data["sets"]))
    not_now = _strings(data["not_now"], source, "not_now")
    phrases = "|".join(_phrase(p) for p in sorted(not_now, key=len, reverse=True))
    return Systems(
        bodies=bodies,
        sets=sets,
        cumulative=Phrases(_strings(data["cumulative"], source, "cumulative")),
        # "The 4 criteria need not be present at the time of study enrolment".
        not_now=re.compile(
            rf"(?:\b(?:the|these|all|such)\s+)?(?:(?P<n>{_NUMBER})\s+)?\bcriteria\s+"
            rf"(?:{phrases}){_NOT_NOW_ANCHOR}",
            re.IGNORECASE,
        ),
    )


@cache
def load_systems() -> Systems:
    """The packaged classification data, read and validated once."""
    return read_systems(criteria_data_text("classification_systems.json"), SYSTEMS_FILE)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    bodies: tuple[str, ...]  # as written: ("ACR", "EULAR") for "ACR/EULAR"


def _mentions(text: str, systems: Systems) -> list[_Mention]:
    """Body names in the text; parts joined by "/", "-" or "and" are one joint body."""
    atoms = sorted(
        (m.start(), m.end(), body)
        for body, pattern in systems.bodies.items()
        for m in pattern.finditer(text)
    )
    merged: list[_Mention] = []
    for start, end, body in atoms:
        if merged and start < merged[-1].end:
            continue  # "American-European Consensus Group" inside a longer name
        last = merged[-1] if merged else None
        if last is not None and body not in last.bodies and _JOINER.match(text[last.end:start]):
            merged[-1] = _Mention(last.start, end, (*last.bodies, body))
        else:
            merged.append(_Mention(start, end, (body,)))
    return merged


def _number(token: str | None) -> int | None:
    if token is None:
        return None
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def _label(sets: Sequence[ClassificationSet], mention: _Mention, year: int | None) -> str:
    """The set's own label when the edition is named ("2019 EULAR/ACR"), else the body
    as written ("ACR", "EULAR/ACR")."""
    if year is not None:
        return sets[0].label
    return "/".join(mention.bodies)


def read_citation(text: str, conditions: Iterable[str],
                  systems: Systems | None = None) -> Citation | None:  # fmt: skip
    """The classification citations of an item about these conditions, or None when it
    cites none the data knows for them. Thresholds and "over the disease's course"
    phrases are read only with a citation, and only the cited sets' own thresholds."""
    systems = systems or load_systems()
    wanted = set(conditions)
    spans: list[tuple[int, int]] = []
    cited: list[ClassificationSet] = []
    family: list[ClassificationSet] = []  # every set of the bodies cited, any edition
    label: str | None = None
    for mention in _mentions(text, systems):
        sets = [s for s in systems.sets
                if s.bodies == set(mention.bodies) and s.conditions & wanted]  # fmt: skip
        if not sets:
            continue  # "SLICC criteria for systemic sclerosis": not this body's
        family += sets
        start, end, year = mention.start, mention.end, None
        before = _BEFORE_YEAR.search(text[max(0, start - 20) : start])
        after = _AFTER_YEAR.match(text[end : end + 50])
        year_span: tuple[int, int] | None = None
        if before is not None:
            year, start = int(before["year"]), start - (min(20, start) - before.start())
        elif after is not None:
            year = int(after["year"])
            year_span = (end + after.start("year"), end + after.end("year"))
        if year is not None:
            # "1997 ACR criteria for Sjögren's": no such edition for this disease, so the
            # citation is not understood and the item stays manual.
            sets = [s for s in sets if year in s.years]
            if not sets:
                continue
        spans += [(start, end), *([year_span] if year_span else [])]
        cited += sets
        label = label or _label(sets, mention, year)
    if label is None:
        return None
    counts = {c for s in cited for c in s.counts}
    for m in _COUNT.finditer(text):
        n, of_m = _number(m["n"] or m["alone"]), _number(m["m"])
        if any(n == c[0] and of_m in (None, c[1]) for c in counts):
            spans.append((m.start(), m.end()))
    for m in _LATER_EDITION.finditer(text):
        if any(int(m["year"]) in s.years for s in family):
            spans.append((m.start(), m.end()))
    for found in cited:
        spans += found.own_terms.spans(text)
    scores = {score for s in cited for score in s.scores}
    for m in _SCORE.finditer(text):
        if int(m["s"] or m["s2"]) in scores:
            spans.append((m.start(), m.end()))
    for m in _FEWER.finditer(text):
        if any(_number(m["n"]) < c[0] for c in counts):
            spans.append((m.start(), m.end()))
    spans += systems.cumulative.spans(text)
    for m in systems.not_now.finditer(text):
        if m["n"] is None or any(_number(m["n"]) == c[0] for c in counts):
            spans.append((m.start(), m.end()))
    return Citation(label, tuple(spans))
