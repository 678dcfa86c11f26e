"""The route written with a drug in a note: "Inj. ceftriaxone 75 mg/kg/day IV" was given by
vein, "oral cefuroxime x 5 days" by mouth, "Tab. fluconazole" by mouth.

Only drugs the vocabulary marks `routes_unrecorded` (antibiotics, antivirals, antifungals)
are asked: their name alone does not say how they were given, and a criterion such as
"infection requiring intravenous anti-infective treatment" turns on it. The words are data
(matcher/nlp/data/drug_routes.json), validated when first read. A drug with no route word
beside it has none; nothing is guessed.
"""

from __future__ import annotations

import re
from functools import cache

from matcher.errors import VocabularyError
from matcher.nlp.vocab import versioned_rule_file

__all__ = ["drug_route", "route_words"]

_SOURCE = "matcher/nlp/data/drug_routes.json"
_KEYS = frozenset({"version", "description", "routes", "forms"})
# How far after a drug its route may be written: past a dose and its basis
# ("piperacillin-tazobactam 90 mg/kg/dose IV"), not into the next sentence part.
_AFTER_CHARS = 40
_WORD = re.compile(r"[^\W_]+")


def _phrase(entry: str) -> str:
    words = _WORD.findall(entry)
    body = r"[\s./]*".join(re.escape(w) for w in words)
    return rf"(?<![^\W_])\(?\s*{body}\.?\s*\)?(?![^\W_])"


def _table(data: object, key: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict) or not data:
        raise VocabularyError("not an object of route -> words", file=_SOURCE, field=key,
                              received=type(data).__name__, expected="an object")
    table: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for route, words in data.items():
        if not isinstance(words, list) or not words or not all(
                isinstance(w, str) and _WORD.search(w) for w in words):
            raise VocabularyError("bad word list", file=_SOURCE, field=f"{key}.{route}",
                                  received=words, expected="a list of words or phrases")
        for word in words:
            folded = " ".join(_WORD.findall(word.casefold()))
            if folded in seen:
                raise VocabularyError("duplicate word", file=_SOURCE, field=f"{key}.{route}",
                                      received=word, expected="each word once")
            seen.add(folded)
        table[route] = tuple(words)
    return table


@cache
def route_words() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(routes, forms) of the data file, checked: exactly its keys, version 1, and for
    each route a non-empty list of words, each word once."""
    data = versioned_rule_file("drug_routes.json", _KEYS)
    return _table(data["routes"], "routes"), _table(data["forms"], "forms")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, str]]:
    routes, forms = route_words()
    names: dict[str, str] = {}
    for table in (routes, forms):
        for route, words in table.items():
            for word in words:
                names.setdefault(_key(word), route)
    route_alt = "|".join(_phrase(w) for w in sorted(
        (w for ws in routes.values() for w in ws), key=len, reverse=True))
    form_alt = "|".join(_phrase(w) for w in sorted(
        (w for ws in forms.values() for w in ws), key=len, reverse=True))
    # Right before the drug: "IV ceftriaxone", "Inj. IV meropenem", "Tab. fluconazole".
    before = re.compile(rf"(?:(?P<route>{route_alt})|(?P<form>{form_alt}))[\s-]*$", re.I)
    after = re.compile(route_alt, re.I)
    return before, after, re.compile(form_alt, re.I), names


_BLANKS = re.compile(r"[ \t]+")


def route_word_after(text: str, pos: int, end: int) -> int | None:
    """Where a route word written right after `pos` ends ("cyclophosphamide IV 2023"), or
    None when the text there is not a route word."""
    _, after, _, _ = _patterns()
    lead = _BLANKS.match(text, pos, end)
    if lead is None:
        return None
    found = after.match(text, lead.end(), end)
    return None if found is None else found.end()


def _key(words: str) -> str:
    """The lookup key of a route as written: its letters without the stops and spaces
    between them, since the pattern lets those go ("s.c.", "s c" and "sc" are one route)."""
    return "".join(_WORD.findall(words.casefold()))


def _name(names: dict[str, str], found: str) -> str:
    return names[_key(found)]


def drug_route(text: str, start: int, end: int, item_end: int, next_drug: int | None
               ) -> str | None:  # fmt: skip
    """The route of the drug at text[start:end]: a route word right before it, else the
    first one after it in its own item (up to `item_end`, where the next drug's part
    begins, and at most a dose's length), else a dose form right before it. A route word
    right before the next drug (`next_drug`: its start) is that drug's: in "cefuroxime,
    changed to IV ceftriaxone" the "IV" is ceftriaxone's."""
    before, after, _, names = _patterns()
    lead = text[max(0, start - 24):start]
    # A route ends its own line: in "methotrexate 15 mg/m2 weekly sc\n- co-trimoxazole" the
    # "sc" is methotrexate's, not the next line's drug's.
    lead = lead[lead.rfind("\n") + 1:]
    found = before.search(lead)
    if found is not None and found["route"]:
        return _name(names, found["route"])
    stop = min(item_end, end + _AFTER_CHARS)
    clause = re.search(r"[;\n]", text[end:stop])
    if clause is not None:
        stop = end + clause.start()
    for match in after.finditer(text, end, stop):
        if next_drug is not None and not text[match.end():next_drug].strip():
            break
        return _name(names, match.group(0))
    if found is not None and found["form"]:
        return _name(names, found["form"])
    return None
