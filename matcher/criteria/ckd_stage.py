"""Chronic kidney disease stages read as the eGFR they stand for.

"CKD stage 4 or 5" is a kidney function: KDIGO's GFR categories define stages 3a to 5 by
the eGFR alone (G4 is 15-29 mL/min/1.73 m²), and notes give the eGFR far more often than a
stage. So the stage is read as a lab criterion on the eGFR: "stage 4 or 5" is eGFR < 30,
"stage 3 or 4" is 15 ≤ eGFR < 60. Stages 1 and 2 also need a marker of kidney damage
(albuminuria, a biopsy), which the eGFR cannot show: an item naming them is not read
this way. An item that restates the stage as its eGFR ("CKD stage 4 or 5 (eGFR < 30)") is
read from the eGFR it gives, the stage words accounted for only when they agree with it.
The stages, names and words are data (matcher/criteria/data/ckd_stages.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from matcher.criteria.grammar import criteria_data_text, phrase_alternation, read_data_object
from matcher.errors import VocabularyError
from matcher.nlp.vocab import Vocabulary

__all__ = ["RULE", "CkdStage", "agrees", "analyte", "check_ckd_stage_concepts", "ckd_stage",
           "egfr_params"]

_SOURCE = "matcher/criteria/data/ckd_stages.json"
_LISTS = ("names", "stage_words", "higher")
_KEYS = frozenset({"version", "description", "analyte", "unit", "stages", "from_egfr_alone",
                   *_LISTS})  # fmt: skip
RULE = "lab:ckd-stage"
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5"}


@dataclass(frozen=True)
class _Grammar:
    analyte: str
    unit: str
    order: tuple[str, ...]  # stages from the mildest: "1", "2", "3a", "3b", "4", "5"
    bounds: dict[str, tuple[float | None, float | None]]
    first_alone: int  # index in `order` of the mildest stage the eGFR alone defines
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class CkdStage:
    """A stage phrase of an item: its span and the eGFR range it stands for."""

    start: int
    end: int
    low: float | None  # eGFR ≥ low
    high: float | None  # eGFR < high


def _fail(message: str, field: str, received: Any, expected: str) -> None:
    raise VocabularyError(message, file=_SOURCE, field=field, received=received,
                          expected=expected)  # fmt: skip


def _words(data: dict[str, Any], key: str) -> list[str]:
    values = data[key]
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v.strip() for v in values):  # fmt: skip
        _fail("bad word list", key, values, "a non-empty list of words or phrases")
    return values


def _bound(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        _fail("bad eGFR bound", field, value, "a number ≥ 0 or null")
    return float(value)


@cache
def _grammar() -> _Grammar:
    data = read_data_object(criteria_data_text("ckd_stages.json"), _SOURCE, _KEYS)
    for key in ("analyte", "unit", "from_egfr_alone"):
        if not isinstance(data[key], str) or not data[key]:
            _fail("not a word", key, data[key], "a non-empty string")
    stages = data["stages"]
    if not isinstance(stages, list) or not stages:
        _fail("not a list", "stages", stages, "a list of {stage, egfr}")
    order: list[str] = []
    bounds: dict[str, tuple[float | None, float | None]] = {}
    previous_low: float | None = None
    for index, entry in enumerate(stages):
        field = f"stages[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"stage", "egfr"} or not (
                isinstance(entry["egfr"], list) and len(entry["egfr"]) == 2):  # fmt: skip
            _fail("bad stage", field, entry, 'an object {"stage": "4", "egfr": [15, 30]}')
        low = _bound(entry["egfr"][0], f"{field}.egfr")
        high = _bound(entry["egfr"][1], f"{field}.egfr")
        # From the mildest stage on, each stage's range ends where the previous one began.
        if index and high != previous_low:
            _fail("stages not contiguous", field, entry, "high = the previous stage's low")
        stage = str(entry["stage"]).lower()
        if stage in bounds:
            _fail("duplicate stage", field, entry, "each stage once")
        order.append(stage)
        bounds[stage] = (low, high)
        previous_low = low
    if data["from_egfr_alone"].lower() not in bounds:
        _fail("unknown stage", "from_egfr_alone", data["from_egfr_alone"], "one of the stages")
    lists = {key: _words(data, key) for key in _LISTS}
    # A stage: "4", "3b", "IV", "IIIa", "G4" (the prefix "G" may stand without a space).
    one = r"(?:[1-5][ab]?|(?:IV|V|I{1,3})[ab]?)(?!\w)"

    def stage(name: str) -> str:
        return rf"(?:(?:G\s*)?(?P<{name}>{one}))"

    words = phrase_alternation(lists["stage_words"])
    joiner = r"(?:\s*(?:-|–|to|through|or|and|and/or|/|,)\s*)"
    higher = phrase_alternation(lists["higher"])
    expr = (rf"(?:(?P<op>≥|>=|>)\s*)?{stage('first')}"
            rf"(?:{joiner}(?:(?:{words})\s*)?{stage('last')})?"
            rf"(?P<higher>\s*(?:{higher}))?")  # fmt: skip
    names = phrase_alternation(lists["names"])
    name_part = rf"(?:{names})(?:\s*\(\s*CKD\s*\))?"
    # "CKD stage 4 or 5", "chronic kidney disease (CKD) stages 3b-5"; "stage IV CKD".
    patterns = (
        re.compile(rf"(?<![\w-])(?:{name_part})\s*,?\s*(?:(?:{words})\s*)?{expr}(?!\w)", re.I),
        re.compile(rf"(?<![\w-])(?:{words})\s*{expr}\s+(?:{name_part})(?!\w)", re.I),
    )
    return _Grammar(data["analyte"], data["unit"], tuple(order), bounds,
                    order.index(data["from_egfr_alone"].lower()), patterns)  # fmt: skip


def _stage_indices(grammar: _Grammar, written: str) -> list[int]:
    """The stages (indices in order) one written stage names: "3" is 3a and 3b."""
    text = written.lower()
    numeral = re.match(r"(iv|v|i{1,3})([ab]?)$", text)
    if numeral:
        text = _ROMAN[numeral[1]] + numeral[2]
    return [i for i, s in enumerate(grammar.order) if s == text or s.rstrip("ab") == text]


def ckd_stage(text: str) -> CkdStage | None:
    """The first CKD stage phrase of `text` the eGFR alone can stand for, else None."""
    grammar = _grammar()
    found = sorted((m for p in grammar.patterns for m in p.finditer(text)),
                   key=lambda m: (m.start(), -m.end()))  # fmt: skip
    for m in found:
        first = _stage_indices(grammar, m["first"])
        last = _stage_indices(grammar, m["last"]) if m["last"] else first
        if not first or not last:
            continue
        begin, end = min(first), max(last)
        if m["op"] == ">":
            begin = max(first) + 1
        if m["op"] or m["higher"]:
            end = len(grammar.order) - 1
        if begin > end or begin < grammar.first_alone:
            return None
        if begin == end == len(grammar.order) - 1:
            # "CKD stage 5" alone is end-stage renal disease, a diagnosis of the vocabulary:
            # a patient on dialysis has no eGFR to read it from.
            return None
        low = grammar.bounds[grammar.order[end]][0]
        high = grammar.bounds[grammar.order[begin]][1]
        return CkdStage(m.start(), m.end(), low, high)
    return None


def egfr_params(stage: CkdStage) -> dict[str, Any]:
    """The lab reading's threshold fields: "eGFR < 30", or "15 ≤ eGFR < 60" as a first limit
    and an alternative both must meet."""
    grammar = _grammar()
    analytes = [grammar.analyte]
    if stage.low is None:
        return {"analytes": analytes, "op": "<", "value": stage.high, "unit": grammar.unit}
    params: dict[str, Any] = {"analytes": analytes, "op": ">=", "value": stage.low,
                              "unit": grammar.unit}  # fmt: skip
    if stage.high is not None:
        params["alternatives"] = [{"analytes": analytes, "op": "<", "value": stage.high,
                                   "unit": grammar.unit}]  # fmt: skip
        params["combine"] = "and"
    return params


def agrees(stage: CkdStage, analytes: list[str], op: str, value: float) -> bool:
    """Does an eGFR limit the item gives restate its stage ("stage 4 or 5 (eGFR < 30)")?
    Its value is one of the stage range's ends, within 1 ("≤ 29")."""
    grammar = _grammar()
    if analytes != [grammar.analyte]:
        return False
    ends = [b for b in (stage.low, stage.high) if b is not None]
    if op in ("<", "<="):
        ends = [stage.high] if stage.high is not None else []
    elif op in (">", ">="):
        ends = [stage.low] if stage.low is not None else []
    return any(abs(value - end) <= 1 for end in ends)


def analyte() -> str:
    """The lab the stages stand for (lab.egfr)."""
    return _grammar().analyte


def check_ckd_stage_concepts(vocabulary: Vocabulary) -> None:
    """The lab the stages stand for is `vocabulary`'s, else VocabularyError naming the file
    (matcher.criteria.data_check)."""
    grammar = _grammar()
    if grammar.analyte not in vocabulary:
        _fail("unknown concept", "analyte", grammar.analyte, "a lab concept of the vocabulary")
