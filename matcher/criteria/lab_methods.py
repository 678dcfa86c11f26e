"""What measurement a lab item counts: "UPCR ≥ 100 mg/mmol (quantified laboratory
measurement; urine dipstick or 24-hour collection not acceptable)".

A criterion may restrict the method behind its value. Where the restriction only refuses
measurements the notes record as something else (a dipstick "+++" is no ratio; a 24-hour
protein is its own analyte) and names the measurement the analyte already is, the reading
of the analyte alone is exactly what the criterion asks, and the clause is accounted for.
Any other restriction ("spot urine not acceptable", "24-hour collection required") is
left unread, so the coverage guard leaves the item to a person. The words are data
(matcher/criteria/data/lab_methods.json), validated when first read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from matcher.criteria.grammar import criteria_data_text, phrase_alternation, read_data_object
from matcher.criteria.item_context import _Ctx
from matcher.errors import VocabularyError

__all__ = ["lab_method_grammar", "take_method_clauses"]

_SOURCE = "matcher/criteria/data/lab_methods.json"
_KEYS = frozenset({"version", "description", "refusals", "analytes"})
_ANALYTE_KEYS = frozenset({"is", "other_measures"})
RULE = "lab:method"


@dataclass(frozen=True)
class _Methods:
    """One analyte's clause: a whole bracket (or semicolon tail) of its method phrases."""

    bracket: re.Pattern[str]
    tail: re.Pattern[str]


def _phrases(data: dict, key: str, field: str) -> list[str]:
    values = data.get(key)
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v.strip() for v in values):  # fmt: skip
        raise VocabularyError("bad phrase list", file=_SOURCE, field=field, received=values,
                              expected="a non-empty list of phrases")
    if len({v.casefold() for v in values}) != len(values):
        raise VocabularyError("duplicate phrase", file=_SOURCE, field=field, received=values,
                              expected="each phrase once")
    return values


@cache
def lab_method_grammar() -> dict[str, _Methods]:
    """Per analyte id, the patterns of a clause that only restates its method."""
    data = read_data_object(criteria_data_text("lab_methods.json"), _SOURCE, _KEYS)
    refusals = _phrases(data, "refusals", "refusals")
    analytes = data["analytes"]
    if not isinstance(analytes, dict) or not analytes:
        raise VocabularyError("not an object", file=_SOURCE, field="analytes",
                              received=analytes, expected="analyte id → {is, other_measures}")
    out: dict[str, _Methods] = {}
    refused = phrase_alternation(refusals)
    for analyte, entry in analytes.items():
        field = f"analytes.{analyte}"
        if not isinstance(entry, dict) or set(entry) != _ANALYTE_KEYS:
            raise VocabularyError("bad analyte entry", file=_SOURCE, field=field,
                                  received=entry, expected="an object with is and other_measures")
        own = phrase_alternation(_phrases(entry, "is", f"{field}.is"))
        other = phrase_alternation(_phrases(entry, "other_measures", f"{field}.other_measures"))
        # "dipstick results are not acceptable": the measure's results are the measure.
        other = rf"(?:{other})(?:\s+(?:results?|readings?|values?|measurements?))?"
        # "urine dipstick or 24-hour collection not acceptable", "dipstick, test strips and
        # timed collections are not accepted"
        refused_list = (rf"(?:{other})(?:\s*(?:,|/)\s*(?:or\s+|and\s+)?(?:{other})|"
                        rf"\s+(?:or|and|and/or|nor)\s+(?:{other}))*\s+(?:{refused})")
        lead = r"(?:by\s+|on\s+|as\s+|using\s+|from\s+)?(?:an?\s+|the\s+)?"
        part = rf"(?:{lead}(?:{own})|{refused_list})"
        parts = rf"{part}(?:\s*[;,]\s*{part})*\s*\.?"
        out[analyte] = _Methods(
            re.compile(rf"\s*\(\s*{parts}\s*\)", re.IGNORECASE),
            re.compile(rf"\s*;\s*{parts}\s*[.;]?\s*$", re.IGNORECASE),
        )
    return out


def take_method_clauses(ctx: _Ctx, analytes: list[str], after: int) -> bool:
    """Account for the clauses after `after` (the reading's end) that restrict the method
    of the item's one analyte to the measurement it already is; True if one was read."""
    if len(analytes) != 1:
        return False  # "UPCR or 24-h protein (dipstick not acceptable)": not this reader's
    methods = lab_method_grammar().get(analytes[0])
    if methods is None:
        return False
    read = False
    for pattern in (methods.bracket, methods.tail):
        for found in pattern.finditer(ctx.main, after):
            ctx.take(found.start(), found.end(), RULE)
            read = True
    return read
