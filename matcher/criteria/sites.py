"""Body sites a registry item names for a procedure: "head and neck radiotherapy",
"radiotherapy to the pelvis", "previous irradiation of the thorax region".

Notes record that a patient had radiotherapy, and often not where it was given; an item
asking for radiotherapy at one site is narrower than any radiotherapy. The site is read
here as a qualifier a person judges (the diagnosis params' `judged`): the criterion
decides when no such procedure is documented, and a documented one is left to a person
with the site named. Only procedures whose vocabulary entry says `body_site: true`, or
that the data's `procedures` name with a phrase of their own (surgery is "done on the knee
region"), take a site; the regions and the words that join them are data
(matcher/criteria/data/body_sites.json, validated on load).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from matcher.criteria.grammar import (
    criteria_data_text,
    phrase_alternation,
    read_data_object,
    words_of,
)
from matcher.errors import VocabularyError
from matcher.nlp.vocab import TermMatch, Vocabulary

__all__ = ["BODY_SITES_FILE", "SiteReading", "check_sites_concepts", "load_sites", "read_sites",
           "sites_of"]

BODY_SITES_FILE = "matcher/criteria/data/body_sites.json"
_LISTS = ("sites", "before", "region_nouns")
_KEYS = frozenset({"version", "description", *_LISTS})
# `procedures` (optional): procedures that take a site besides those whose vocabulary
# entry says `body_site: true`, each with how its site is said ("done on the {site}
# region": "knee surgery" is surgery "done on the knee region").
_OPTIONAL = ("procedures",)
# How a site is said of a procedure whose vocabulary entry says `body_site: true`
# (radiotherapy: "given to the pelvic region").
DEFAULT_READING = "given to the {site} region"


@dataclass(frozen=True)
class SiteReading:
    """One site named for a procedure's term: where it was read and the site as written."""

    start: int
    end: int
    site: str
    reading: str = DEFAULT_READING  # how the site is said of the procedure


@dataclass(frozen=True)
class _Sites:
    before_term: re.Pattern[str]  # anchored at the end of the text before a term
    after_term: re.Pattern[str]  # anchored at the end of a term
    # concept id → how its site is said (`procedures`)
    procedures: dict[str, str] = field(default_factory=dict)


def read_sites(text: str, source: str = BODY_SITES_FILE) -> _Sites:
    """The patterns of a body-site file, validated: each list a non-empty list of
    phrases with a letter, none twice; `procedures` an object of concept ids, each with a
    phrase holding "{site}"."""
    data = read_data_object(text, source, _KEYS, _OPTIONAL)
    procedures = data.get("procedures", {})
    if not isinstance(procedures, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and "{site}" in v
            for k, v in procedures.items()):  # fmt: skip
        raise VocabularyError("bad procedure readings", file=source, field="procedures",
                              received=procedures,
                              expected='concept id → a phrase with "{site}" in it')
    lists: dict[str, list[str]] = {}
    for key in _LISTS:
        values = data[key]
        if not isinstance(values, list) or not values:
            raise VocabularyError("not a non-empty list", file=source, field=key,
                                  received=values, expected="a list of words or phrases")
        seen: set[tuple[str, ...]] = set()
        for value in values:
            words = tuple(words_of(value)) if isinstance(value, str) else ()
            if not words or words in seen:
                raise VocabularyError("bad or repeated entry", file=source, field=key,
                                      received=value, expected="each phrase once, with a letter")
            seen.add(words)
        lists[key] = values
    # "Hip or knee surgery", "surgery of the hip, knee or ankle": sites joined by "or",
    # "and" or a comma name one site each, any of which a person checks.
    one = phrase_alternation(lists["sites"])
    joined = r"(?:\s*,\s*(?:(?:and/)?or\s+|and\s+)?|\s+(?:and/or|or|and)\s+|\s*/\s*)"
    site = rf"(?P<site>(?:{one})(?:{joined}(?:{one}))*)"
    region = rf"(?:\s+(?:{phrase_alternation(lists['region_nouns'])}))?"
    # "head and neck radiotherapy", "pelvic radiation therapy": the region right before.
    before_term = re.compile(rf"{site}{region}\s*$", re.IGNORECASE)
    # "radiotherapy to the head and neck region", "irradiation of pelvis".
    after_term = re.compile(rf"\s+(?:{phrase_alternation(lists['before'])})\s+{site}{region}"
                            r"(?![^\W_])", re.IGNORECASE)
    return _Sites(before_term, after_term, dict(procedures))


@cache
def load_sites() -> _Sites:
    """The packaged body-site data, read and validated once."""
    return read_sites(criteria_data_text("body_sites.json"))


def sites_of(text: str, terms: Sequence[TermMatch], concepts: Sequence[str],
             vocab: Vocabulary) -> list[SiteReading]:  # fmt: skip
    """The sites named right before or after a term of `concepts` that takes one: "head
    and neck" in "History of head and neck radiation treatment"."""
    patterns = load_sites()
    found: list[SiteReading] = []
    for term in terms:
        if term.concept_id not in concepts:
            continue
        reading = patterns.procedures.get(term.concept_id)
        if reading is None and vocab[term.concept_id].attrs.get("body_site"):
            reading = DEFAULT_READING
        if reading is None:
            continue
        before = patterns.before_term.search(text, max(0, term.start - 60), term.start)
        if before is not None:
            found.append(SiteReading(before.start(), before.end(), before["site"], reading))
        after = patterns.after_term.match(text, term.end)
        if after is not None:
            found.append(SiteReading(after.start(), after.end(), after["site"], reading))
    return found


def check_sites_concepts(vocabulary: Vocabulary) -> None:
    """The procedures the site data name are `vocabulary`'s, else VocabularyError naming
    the file (matcher.criteria.data_check)."""
    for concept_id in load_sites().procedures:
        if concept_id not in vocabulary:
            raise VocabularyError("unknown concept", file=BODY_SITES_FILE, field="procedures",
                                  received=concept_id, expected="a procedure of the vocabulary")
