"""Body sites a registry item names for a procedure: "head and neck radiotherapy",
"radiotherapy to the pelvis", "previous irradiation of the thorax region".

Notes record that a patient had radiotherapy, and often not where it was given; an item
asking for radiotherapy at one site is narrower than any radiotherapy. The site is read
here as a qualifier a person judges (the diagnosis params' `judged`): the criterion
decides when no such procedure is documented, and a documented one is left to a person
with the site named. Only procedures whose vocabulary entry says `body_site: true` take a
site; the regions and the words that join them are data
(matcher/criteria/data/body_sites.json, validated on load).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from matcher.criteria.grammar import (
    criteria_data_text,
    phrase_alternation,
    read_data_object,
    words_of,
)
from matcher.errors import VocabularyError
from matcher.nlp.vocab import TermMatch, Vocabulary

__all__ = ["BODY_SITES_FILE", "SiteReading", "load_sites", "read_sites", "sites_of"]

BODY_SITES_FILE = "matcher/criteria/data/body_sites.json"
_LISTS = ("sites", "before", "region_nouns")
_KEYS = frozenset({"version", "description", *_LISTS})


@dataclass(frozen=True)
class SiteReading:
    """One site named for a procedure's term: where it was read and the site as written."""

    start: int
    end: int
    site: str


@dataclass(frozen=True)
class _Sites:
    before_term: re.Pattern[str]  # anchored at the end of the text before a term
    after_term: re.Pattern[str]  # anchored at the end of a term


def read_sites(text: str, source: str = BODY_SITES_FILE) -> _Sites:
    """The patterns of a body-site file, validated: each list a non-empty list of
    phrases with a letter, none twice."""
    data = read_data_object(text, source, _KEYS)
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
    site = rf"(?P<site>{phrase_alternation(lists['sites'])})"
    region = rf"(?:\s+(?:{phrase_alternation(lists['region_nouns'])}))?"
    # "head and neck radiotherapy", "pelvic radiation therapy": the region right before.
    before_term = re.compile(rf"{site}{region}\s*$", re.IGNORECASE)
    # "radiotherapy to the head and neck region", "irradiation of pelvis".
    after_term = re.compile(rf"\s+(?:{phrase_alternation(lists['before'])})\s+{site}{region}"
                            r"(?![^\W_])", re.IGNORECASE)
    return _Sites(before_term, after_term)


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
        if term.concept_id not in concepts or not vocab[term.concept_id].attrs.get("body_site"):
            continue
        before = patterns.before_term.search(text, max(0, term.start - 60), term.start)
        if before is not None:
            found.append(SiteReading(before.start(), before.end(), before["site"]))
        after = patterns.after_term.match(text, term.end)
        if after is not None:
            found.append(SiteReading(after.start(), after.end(), after["site"]))
    return found
