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

The file is validated once on load (unknown key, wrong type, unknown body, an empty list
where one is needed): VocabularyError naming the file and the key; the conditions it names
are checked the same way against the vocabulary the reader is given, once per vocabulary
(matcher.criteria.data_check).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, TypeVar

from matcher.criteria.grammar import (
    Phrases,
    _fail,
    criteria_data_text,
    phrase_pattern,
    read_data_object,
)
from matcher.nlp.vocab import Vocabulary

__all__ = [
    "SYSTEMS_FILE", "Citation", "Systems", "check_systems_concepts", "implied_conditions",
    "load_systems",
    "outside_citations", "read_citation", "read_systems",
]

SYSTEMS_FILE = "matcher/criteria/data/classification_systems.json"
_KEYS = frozenset({"version", "description", "bodies", "sets", "cumulative", "not_now",
                   "by_entry"})
_SET_KEYS = frozenset({"label", "bodies", "years", "conditions", "counts", "scores", "own_terms"})
_YEAR = r"(?:19|20)\d{2}"
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eleven": 11, "seventeen": 17}  # fmt: skip
_NUMBER = r"(?:\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
# Between the parts of a joint body: "ACR/EULAR", "EULAR-ACR", "ACR and EULAR".
_JOINER = re.compile(r"\s*(?:/|-|–|&|\band\b)\s*$", re.IGNORECASE)
# Words a citation's year may stand after: "ACR revised classification criteria (1997)".
_AFTER_YEAR = re.compile(
    rf"^(?:[\s(),-]|\b(?:revised|updated|modified|classification|diagnostic|criteria|of|in)\b)*?"
    rf"(?P<year>{_YEAR})\b\)?",
    re.IGNORECASE,
)
_BEFORE_YEAR = re.compile(rf"\b(?P<year>{_YEAR})\s+(?:(?:revised|updated|modified)\s+)?$",
                          re.IGNORECASE)  # fmt: skip
# "at least 4 of the 11", "≥ 4 of 11", "4 or more of the 11", "a minimum of 4 out of 11".
# Sponsors write "> 4" for the set's own "4 or more" as often as "≥ 4" ("ACR criteria >
# 4/11"); the notes cannot tell 4 criteria from 5, a documented diagnosis stands for
# either, so ">" is read only with the set's own count ("> 3 of 11" is not SLE's).
_AT_LEAST = r"(?:\b(?:at\s+least|a\s+minimum\s+of|minimum\s+of|any)\s+|>=\s*|[≥>]\s*|\b)"
_COUNT = re.compile(
    rf"{_AT_LEAST}"
    rf"(?P<n>{_NUMBER})\s+(?:or\s+more\s+)?(?:of|out\s+of)\s+(?:the\s+)?"
    rf"(?:(?P<m>{_NUMBER})(?![^\W_]))?"
    # "(at least 4 criteria, including ...)", "by meeting 4 criteria of the ACR": the
    # count with no total
    # ("at least 4 diagnostic criteria for SLE defined by the ACR": a word on the kind)
    rf"|{_AT_LEAST}(?P<alone>{_NUMBER})\s+(?:or\s+more\s+)?"
    r"(?:(?:diagnostic|classification|clinical)\s+)?criteria\b"
    # "ACR classification criteria > 4/11", "(≥4/11)": the count over its total
    rf"|(?:>=\s*|[≥>]\s*|\b)(?P<sn>\d{{1,2}})\s*/\s*(?P<sm>\d{{1,2}})(?![\d/])",
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
    by_entry: Phrases  # "fulfilled ... criteria at the time of study entry": by then, ever
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
    # Criteria named for a place or their authors ("Sapporo", "Bohan and Peter") have no
    # abbreviation.
    abbreviations = (_strings(spec["abbreviations"], source, f"{key}.abbreviations")
                     if spec["abbreviations"] != [] else [])  # fmt: skip
    full = "|".join(_name_pattern(n) for n in sorted(names, key=len, reverse=True))
    if not abbreviations:
        return re.compile(rf"(?i:{full})")
    abbr = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    # "EULAR (European League Against Rheumatism)": the abbreviation with its name in
    # brackets; "SLICC-2012" is the body and its year, "ACR-50" a response criterion and
    # "ARA-C" a drug (cytarabine).
    return re.compile(
        rf"(?:(?i:{full})(?:\s*\(\s*(?:{abbr})\s*\))?|(?<![^\W_])(?:{abbr})"
        rf"(?![^\W_]|-(?!{_YEAR}\b)\d|-[^\W\d_](?![^\W_]))(?:\s*\(\s*(?i:{full})\s*\))?)"
    )


def _name_pattern(name: str) -> str:
    """A body's name as a regex: its words with "&" allowed between them too ("Bohan &
    Peter" is the name "Bohan Peter")."""
    return phrase_pattern(name).replace(r"[\s\-/.]*", r"[\s\-/.&]*")


def _set(spec: Any, source: str, key: str, bodies: Iterable[str]) -> ClassificationSet:
    if not isinstance(spec, dict) or set(spec) != _SET_KEYS:
        _fail("bad set", source, key, spec, ", ".join(sorted(_SET_KEYS)))
    if not isinstance(spec["label"], str) or not spec["label"].strip():
        _fail("bad label", source, f"{key}.label", spec["label"], "a non-empty string")
    named = _strings(spec["bodies"], source, f"{key}.bodies")
    for body in named:
        if body not in bodies:
            _fail("unknown body", source, f"{key}.bodies", body, "a key of bodies")
    conditions = _strings(spec["conditions"], source, f"{key}.conditions")
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


def read_systems(text: str, vocab: Vocabulary, source: str = SYSTEMS_FILE) -> Systems:
    """Systems from the text of a classification file, validated (module docstring); the
    conditions it names must be `vocab`'s."""
    systems = _systems_of(text, source)
    check_systems_concepts(systems, vocab, source)
    return systems


def check_systems_concepts(systems: Systems, vocab: Vocabulary,
                           source: str = SYSTEMS_FILE) -> None:  # fmt: skip
    """Every condition a classification set names is a concept of `vocab`, else
    VocabularyError naming the file and the set ("sets[3].conditions")."""
    for index, spec in enumerate(systems.sets):
        for concept in sorted(spec.conditions):
            if concept not in vocab:
                _fail("unknown concept id", source, f"sets[{index}].conditions", concept,
                      "a concept id of concepts.jsonl")  # fmt: skip


def _systems_of(text: str, source: str) -> Systems:
    """The classification file's text read and validated, all but its conditions'
    existence, checked against the vocabulary it is read with (check_systems_concepts)."""
    data = read_data_object(text, source, _KEYS)
    if not isinstance(data["bodies"], dict) or not data["bodies"]:
        _fail("not an object", source, "bodies", data["bodies"], "body → names")
    bodies = {name: _body_pattern(spec, source, f"bodies.{name}")
              for name, spec in data["bodies"].items()}  # fmt: skip
    if not isinstance(data["sets"], list) or not data["sets"]:
        _fail("not a list", source, "sets", data["sets"], "a non-empty list of sets")
    sets = tuple(_set(s, source, f"sets[{i}]", bodies) for i, s in enumerate(data["sets"]))
    not_now = _strings(data["not_now"], source, "not_now")
    phrases = "|".join(_phrase(p) for p in sorted(not_now, key=len, reverse=True))
    return Systems(
        bodies=bodies,
        sets=sets,
        cumulative=Phrases(_strings(data["cumulative"], source, "cumulative")),
        by_entry=Phrases(_strings(data["by_entry"], source, "by_entry")),
        # "The 4 criteria need not be present at the time of study enrolment".
        not_now=re.compile(
            rf"(?:\b(?:the|these|all|such)\s+)?(?:(?P<n>{_NUMBER})\s+)?\bcriteria\s+"
            rf"(?:{phrases}){_NOT_NOW_ANCHOR}",
            re.IGNORECASE,
        ),
    )


@cache
def load_systems() -> Systems:
    """The packaged classification data, read and validated once; the conditions it names
    are checked against each vocabulary the reader is given (matcher.criteria.data_check)."""
    return _systems_of(criteria_data_text("classification_systems.json"), SYSTEMS_FILE)


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


def _stated_count(m: re.Match[str]) -> tuple[int | None, int | None]:
    """(count, total) of a _COUNT match: "4 of the 11" → (4, 11), "4/11" → (4, 11),
    "at least 4 criteria" → (4, None)."""
    return _number(m["n"] or m["alone"] or m["sn"]), _number(m["m"] or m["sm"])


def _number(token: str | None) -> int | None:
    if token is None:
        return None
    return int(token) if token.isdigit() else _NUMBER_WORDS[token.lower()]


def _label(sets: Sequence[ClassificationSet], mention: _Mention, year: int | None) -> str:
    """The set's own label when the edition is named ("2019 EULAR/ACR"), else the body
    as written ("ACR", "EULAR/ACR"), with a year no set of the data has ("ACR 2009")."""
    if year is not None and any(year in s.years for s in sets):
        return sets[0].label
    written = "/".join(mention.bodies)
    return f"{written} {year}" if year is not None else written


def _dated(text: str, mention: _Mention) -> tuple[int, int, int | None, tuple[int, int] | None]:
    """(start, end, year, the year's span after the body) of a body mention: "1997 ACR"
    (the year in the start), "ACR (1997)", "SLICC-2012"."""
    start, end = mention.start, mention.end
    before = _BEFORE_YEAR.search(text[max(0, start - 20) : start])
    after = _AFTER_YEAR.match(text[end : end + 50])
    if before is not None:
        # "the modified 1997 ARA 1982 criteria": the original edition's year right after
        # it too ("1982 ACR criteria, updated in 2005" is a later edition, read apart)
        right_after = after is not None and not text[end : end + after.start("year")].strip(" ()")
        span = (end + after.start("year"), end + after.end("year")) if right_after else None
        return start - (min(20, start) - before.start()), end, int(before["year"]), span
    if after is not None:
        span = (end + after.start("year"), end + after.end("year"))
        return start, end, int(after["year"]), span
    return start, end, None, None


def _editions(systems: Systems, mention: _Mention, year: int | None,
              wanted: set[str]) -> list[ClassificationSet] | None:  # fmt: skip
    """The sets a body mention cites for these conditions, or None when it cites none.
    A year picks the edition: of the body as written, else of a joint set the text names
    by one of its bodies ("2013 ACR criteria" for systemic sclerosis is the 2013
    ACR/EULAR set) or with a body added ("2012 SLICC/ACR": SLICC 2012). A year that is an
    edition of the body (alone or in a joint set) for another disease ("1997 ACR criteria
    for Sjögren's") is not understood; a year no set of the body has ("ACR criteria
    (2009)") is read as written:
    the notes cannot check the edition, a documented diagnosis stands for it."""
    bodies = set(mention.bodies)
    own = [s for s in systems.sets if s.bodies == bodies]
    sets = [s for s in own if s.conditions & wanted]
    if year is None:
        return sets or None
    dated = [s for s in sets if year in s.years] or [
        s for s in systems.sets
        if s.conditions & wanted and year in s.years and (s.bodies < bodies or bodies < s.bodies)
    ]
    if dated:
        return dated
    if not sets or any(year in s.years for s in systems.sets if s.bodies & bodies):
        return None  # "2013 ACR" for SLE: the 2013 ACR/EULAR set is systemic sclerosis'
    return sets


# "the 11 modified ACR revised criteria", "ACR revised diagnostic guidelines": edition
# words beside a body, and "guidelines" for its criteria.
_EDITION_BEFORE = re.compile(r"\b(?:(?:revised|modified|updated|amended)\s+)+$", re.IGNORECASE)
_EDITION_AFTER = re.compile(
    r"^(?:\s+(?:revised|modified|updated|amended|classification|diagnostic))*"
    r"(?:\s+(?:revised|modified|updated|amended|guidelines)\b)",
    re.IGNORECASE,
)


# "criteria issued by EULAR/ACR in 2019", "as proposed by Bohan and Peter": who set the
# criteria, said before the body.
_ISSUED_BY = re.compile(
    r"\b(?:issued|published|proposed|developed|established|endorsed|defined|described)\s+"
    r"(?:jointly\s+)?by\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _edition_words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    found = []
    before = _EDITION_BEFORE.search(text[max(0, start - 40) : start])
    if before is not None:
        found.append((start - (min(40, start) - before.start()), start))
    issued = _ISSUED_BY.search(text[max(0, start - 40) : start])
    if issued is not None:
        found.append((start - (min(40, start) - issued.start()), start))
    after = _EDITION_AFTER.match(text[end : end + 60])
    if after is not None:
        found.append((end, end + after.end()))
    return found


# "at least 4 ACR classification criteria", "≥ 4 of the 1997 ACR criteria": a count stated
# before the body, the total left out.
_COUNT_BEFORE = re.compile(
    rf"{_AT_LEAST}(?P<n>{_NUMBER})"
    rf"\s+(?:or\s+more\s+)?(?:of\s+)?(?:the\s+)?(?:{_YEAR}\s+)?"
    rf"(?:(?:revised|modified|updated)\s+)?$",
    re.IGNORECASE,
)


def _count_before(text: str, mention: _Mention) -> tuple[int, int] | None:
    """(the count, where it starts) stated just before a body mention, or None."""
    m = _COUNT_BEFORE.search(text[max(0, mention.start - 40) : mention.start])
    if m is None:
        return None
    return _number(m["n"]) or 0, mention.start - (min(40, mention.start) - m.start())


def _counts_before(text: str, counts: set[tuple[int, int]],
                   systems: Systems) -> list[tuple[int, int]]:  # fmt: skip
    found = []
    for mention in _mentions(text, systems):
        count = _count_before(text, mention)
        if count is not None and any(count[0] == c[0] for c in counts):
            found.append((count[1], mention.start))
    return found


# "the 1997 ACR (17) or the 2012 SLICC criteria for SLE (18)": a reference number after a
# cited body (or its year), or after the disease its criteria are for.
_REFERENCE = re.compile(
    r"(?:\b(?:criteria|classification)\s+(?:for|of)\s+(?:the\s+)?[^()\d,;:]{1,40}?|)"
    r"\s*(?P<ref>\(\s*(?:refs?\.?\s*|reference\s+)?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\s*\)"
    # "(Bottai et al., 2017; Lundberg et al., 2017)": the publications by author and year
    r"|\((?:\s*[A-Z][^\W\d_]+(?:\s+(?:et\s+al\.?|(?:and|&)\s+[A-Z][^\W\d_]+))?,?\s+"
    r"(?:19|20)\d{2}[a-z]?\s*[;,]?)+\s*\))",
    re.IGNORECASE,
)


def implied_conditions(text: str, vocab: Vocabulary, systems: Systems | None = None
                       ) -> list[str]:  # fmt: skip
    """The conditions a citation stands for when the item names none: "fulfils 4 of the
    11 ACR criteria" (the 1982 and 1997 ACR sets: SLE), "meets the SLICC criteria". Every
    set the citation may be (its body, its edition, a count it states) is a candidate;
    a condition implied by another candidate's (lupus nephritis implies SLE) is left
    out. More than one condition means the citation alone does not say which disease
    ("at least 4 ACR criteria": SLE's 4 of 11 or rheumatoid arthritis' 4 of 7)."""
    systems = systems or load_systems()
    stated = [_stated_count(m) for m in _COUNT.finditer(text)]
    stated += [(count[0], None) for x in _mentions(text, systems)
               if (count := _count_before(text, x)) is not None]  # fmt: skip
    candidates: list[ClassificationSet] = []
    everything = {c for s in systems.sets for c in s.conditions}
    for mention in _mentions(text, systems):
        _, _, year, _ = _dated(text, mention)
        sets = _editions(systems, mention, year, everything) or []
        if stated:
            sets = [s for s in sets if any(
                n == c[0] and of_m in (None, c[1]) for n, of_m in stated for c in s.counts)]
        candidates += sets
    conditions = list(dict.fromkeys(c for s in candidates for c in s.conditions))
    implying = _implying(conditions, vocab)
    return [c for c in conditions if c not in implying]


def _implying(conditions: list[str], vocab: Vocabulary) -> set[str]:
    """The conditions that imply another of the list: lupus nephritis (it implies SLE)."""
    return {c for c in conditions if set(vocab[c].attrs.get("implies", ())) & set(conditions)}


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
        start, end, year, year_span = _dated(text, mention)
        sets = _editions(systems, mention, year, wanted)
        if sets is None:
            continue  # "SLICC criteria for systemic sclerosis": not this body's
        family += [s for s in systems.sets
                   if s.bodies == set(mention.bodies) and s.conditions & wanted]  # fmt: skip
        spans += [(start, end), *([year_span] if year_span else [])]
        spans += _edition_words(text, start, end)
        cited += sets
        label = label or _label(sets, mention, year)
    if label is None:
        return None
    counts = {c for s in cited for c in s.counts}
    spans += _counts_before(text, counts, systems)
    spans += [(m.start("ref"), m.end("ref")) for m in _REFERENCE.finditer(text)
              if any(a <= m.start() <= b + 1 for a, b in spans)]  # fmt: skip
    for m in _COUNT.finditer(text):
        n, of_m = _stated_count(m)
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
    spans += systems.by_entry.spans(text)
    for m in systems.not_now.finditer(text):
        if m["n"] is None or any(_number(m["n"]) == c[0] for c in counts):
            spans.append((m.start(), m.end()))
    return Citation(label, tuple(spans))


_Term = TypeVar("_Term", bound="_Spanned")


class _Spanned(Protocol):
    start: int
    end: int
    concept_id: str


def outside_citations(text: str, terms: Sequence[_Term]) -> list[_Term]:
    """The terms not inside a citation the item makes for them: in "Type 1 diabetes
    according to the American Diabetes Association criteria" the "diabetes" of the body's
    name names no condition of the item. All of them when no citation covers one, or
    when every term is inside one."""
    concepts = list(dict.fromkeys(t.concept_id for t in terms))
    citation = read_citation(text, concepts) if len(concepts) > 1 else None
    if citation is None:
        return list(terms)
    outside = [t for t in terms
               if not any(a <= t.start and t.end <= b for a, b in citation.spans)]  # fmt: skip
    return outside or list(terms)
