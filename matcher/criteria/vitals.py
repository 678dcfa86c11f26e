"""Reader of vital-sign thresholds: blood pressure, BMI, SpO2, LVEF, weight.

"Uncontrolled hypertension (SBP ≥ 160 mmHg or DBP ≥ 100 mmHg)" is systolic ≥ 160 with
the alternative diastolic ≥ 100; "BMI between 18 and 35 kg/m2" is a range (≥ 18 and
≤ 35), read like a lab from the latest value within the lookback.
"""

from __future__ import annotations

import re
from typing import Any

from matcher.criteria.kind_item import _I, KindReading, _Item, _take_common
from matcher.criteria.labs import _unit_at
from matcher.criteria.lexicon import _NUM, _OP, _comparisons, _op_of, _tidy
from matcher.nlp.units import normalize

# =====================================================================================
# vitals
# =====================================================================================

_BP_PAIR = re.compile(
    rf"(?P<op>{_OP})\s*(?P<s>\d{{2,3}})\s*/\s*(?P<d>\d{{2,3}})\s*(?P<unit>mm\s*Hg)?", _I
)
_RANGE = re.compile(
    # "Body mass index (BMI) 18-32": the abbreviation in brackets before the range.
    rf"^\s*(?:\([^()\d]{{1,12}}\)\s*)?(?:(?:with\s+)?(?:counts?|levels?|values?)\s+)?"
    rf"(?:of\s+|:\s*|=\s*)?"
    # "proteinuria range from 0.75 to 3.5 g/d", "ranging from 1 to 3 g/day"
    rf"(?:(?:in\s+the\s+)?range\s+(?:from\s+|of\s+|between\s+)?|ranging\s+(?:from\s+|between\s+))?"
    rf"(?P<between>between\s+|from\s+|"
    # "in the normal range (35-50 g/L)", "within normal range( 8.5-10.5 mg/dl)"
    rf"(?:within|in)\s+(?:the\s+)?(?:normal\s+)?(?:range\s*)?(?:of\s+)?)?(?:\(\s*)?(?P<a>{_NUM})\s*"
    rf"(?P<ua>[^\s\d~-]{{1,14}}\s*)?(?:-|~|to|and)\s*(?P<b>{_NUM})(?![\d.])",
    _I,
)
_VITAL_WORDS = re.compile(
    r"\b(?:cardiac\s+function|heart\s+function|function|uncontrolled\s+hypertension|"
    r"hypertension|resting|measured|on\s+room\s+air|room\s+air|at\s+rest|by\s+"
    r"echocardiograph\w*|echocardiograph\w*|echo|MUGA|inclusive)\b",
    _I,
)


_DEFINED_BY_VITALS = frozenset({"dx.hypertension"})


def _vital(item: _Item) -> KindReading | None:
    vocab = item.vocab
    outside: list[bool] = []  # a vital's pair read as "outside the range" ("<20 or >35")
    vitals = [t for t in item.of("lab") if vocab[t.concept_id].attrs.get("vital")]
    if not vitals:
        return None
    # "Uncontrolled hypertension (SBP ≥ 160 mmHg or DBP ≥ 100 mmHg)": the thresholds define
    # the diagnosis the item names, so the diagnosis does not hand the item to another reader.
    if [t for t in item.terms if t not in vitals and t.concept_id not in _DEFINED_BY_VITALS]:
        return None  # "LVEF ≥ 50% and eGFR ≥ 30": the lab reader's
    groups: list[dict[str, Any]] = []
    read_concepts: set[str] = set()
    for index, term in enumerate(vitals):
        concept = vocab[term.concept_id]
        if term.concept_id in read_concepts:
            continue  # "Body mass index (BMI) ...": the abbreviation of a vital already read
        # The threshold lies before the next *other* vital: "body mass index (BMI) 18-32"
        # names one vital twice before its range.
        later = [v.start for v in vitals[index + 1 :] if v.concept_id != term.concept_id]
        stop = later[0] if later else len(item.main)
        if concept.attrs.get("pair"):
            pair = _BP_PAIR.search(item.main, term.end, stop)
            if pair is None:
                continue
            sbp, dbp = concept.attrs["pair"]
            op = _op_of(pair["op"])
            groups += [
                {"analytes": [sbp], "op": op, "value": float(pair["s"]), "unit": "mmHg"},
                {"analytes": [dbp], "op": op, "value": float(pair["d"]), "unit": "mmHg"},
            ]
            read_concepts.add(term.concept_id)
            item.take(pair.start(), pair.end())
            continue
        found = _threshold(item, term.concept_id, term.end, stop, outside)
        if found:
            groups += found
            read_concepts.add(term.concept_id)
    if not groups:
        return item.manual("the vital sign's threshold is not recognised",
                           vocab[vitals[0].concept_id].key, "vital:unread")  # fmt: skip
    if outside and len(read_concepts) > 1:
        # "BMI <18 or >35 and SBP ≥ 160": one vital's either-or beside another's limit is
        # (A or B) and C, which one list of alternatives cannot say
        return item.manual("a vital sign outside a range beside another vital sign is not read",
                           vocab[vitals[0].concept_id].key, "vital:unread")  # fmt: skip
    item.take_terms(read_concepts)  # "Left ventricular ejection fraction (LVEF) ≥55%"
    item.take_all(_VITAL_WORDS)
    _take_common(item)
    params: dict[str, Any] = dict(groups[0])
    if len(groups) > 1:
        params["alternatives"] = groups[1:]
        ranged = len({tuple(g["analytes"]) for g in groups}) == 1
        either = bool(re.search(r"\bor\b", item.main, _I)) or item.exclusion
        # "BMI <20 or >35 kg/m2": one vital outside its range is an either-or, never a range
        params["combine"] = "or" if outside or (either and not ranged) else "and"
        item.take_all(re.compile(r"\bor\b|\band\b", _I))
    keys = sorted({vocab[a].key for g in groups for a in g["analytes"]})
    key = "bp" if set(keys) == {"sbp", "dbp"} else "".join(keys)
    return item.reading("vital", key, params, "vital:threshold")


def _threshold(
    item: _Item, concept_id: str, start: int, stop: int, outside: list[bool] | None = None
) -> list[dict[str, Any]]:
    """ "≥ 92%" → [≥ 92 %]; "between 18 and 35 kg/m2", "15–60" → [≥ 18, ≤ 35]; "<20 or
    >35 kg/m2" → [< 20, > 35] with True appended to `outside` (the two are an either-or),
    read only for a caller that passes `outside` (a lab's forms combine their own pairs)."""
    concept = item.vocab[concept_id]
    family, canonical = concept.attrs.get("family", ""), concept.canonical_unit
    tail = item.main[start:stop]
    ranged = _RANGE.match(tail)
    if ranged and not re.match(rf"\s*{_OP}", tail, _I):
        written, unit_end = _unit_at(item.main, start + ranged.end())
        low = normalize(family, float(ranged["a"]), written, analyte=concept.key)
        high = normalize(family, float(ranged["b"]), written, analyte=concept.key)
        if low is None or high is None or low[0] > high[0]:
            return []
        item.take(start + ranged.start(), max(unit_end, start + ranged.end()))
        return [
            {"analytes": [concept_id], "op": ">=", "value": _tidy(low[0]), "unit": low[1]},
            {"analytes": [concept_id], "op": "<=", "value": _tidy(high[0]), "unit": high[1]},
        ]
    cmps = [c for c in _comparisons(item.main, start) if c.start < min(stop, start + 60)]
    if not cmps or cmps[0].uln:
        return []
    bounded = _two_sided(item, concept_id, cmps, stop)
    if bounded:
        return bounded
    beyond = _outside(item, concept_id, cmps, stop) if outside is not None else []
    if beyond and outside is not None:
        outside.append(True)
        return beyond
    cmp = cmps[0]
    written, unit_end = _unit_at(item.main, cmp.num_end)
    converted = normalize(family, cmp.value, written, analyte=concept.key)
    if converted is None or converted[1] != canonical:
        return []
    item.take(cmp.start, max(unit_end, cmp.stop))  # "25 kg (55 lbs) or more": the suffix too
    return [{"analytes": [concept_id], "op": cmp.op, "value": _tidy(converted[0]),
             "unit": converted[1]}]  # fmt: skip


# "eGFR ≥ 15 and < 30 mL/min/1.73 m2", "eGFR < 30 but > 15 mL/min", "BMI > 18, < 35": two
# limits on opposite sides, the unit written once (after the second) or after each. "Or"
# between them is an either-or, not a range, and is not read here.
_BOUND_JOIN = re.compile(r"\s*,?\s*(?:and|but)?\s*(?:also\s+)?$", _I)
_LOWER_OPS, _UPPER_OPS = frozenset({">", ">="}), frozenset({"<", "<="})


def _two_sided(item: _Item, concept_id: str, cmps: list[Any], stop: int) -> list[dict[str, Any]]:
    pair = _opposite_limits(item, concept_id, cmps, stop, _BOUND_JOIN, unit_last=True)
    if pair is None:
        return []
    first, a, second, b, end = pair
    low, high = (a, b) if first.op in _LOWER_OPS else (b, a)
    if low[0] >= high[0]:
        return []
    return _take_limits(item, concept_id, (first, a), (second, b), end)


def _opposite_limits(item: _Item, concept_id: str, cmps: list[Any], stop: int,
                     join: re.Pattern[str], unit_last: bool) -> tuple[Any, ...] | None:
    """The item's first two comparisons when they are limits on opposite sides joined by
    `join`, each with its value in the concept's unit (a unit written once serves both;
    `unit_last`: it must be written after the second): (first, its value, second, its
    value, where the second's unit ends), else None."""
    if len(cmps) < 2 or cmps[1].uln or cmps[1].start >= stop:
        return None
    first, second = cmps[0], cmps[1]
    if {first.op in _LOWER_OPS, second.op in _LOWER_OPS} != {True, False}:
        return None
    concept = item.vocab[concept_id]
    family = concept.attrs.get("family", "")
    written_b, end_b = _unit_at(item.main, second.num_end)
    written_a, end_a = _unit_at(item.main, first.num_end)
    if (unit_last and written_b is None) or not join.match(
            item.main[max(end_a, first.stop):second.start]):  # fmt: skip
        return None
    a = normalize(family, first.value, written_a or written_b, analyte=concept.key)
    b = normalize(family, second.value, written_b or written_a, analyte=concept.key)
    if a is None or b is None or a[1] != concept.canonical_unit or b[1] != a[1]:
        return None
    return first, a, second, b, end_b


def _take_limits(item: _Item, concept_id: str, *limits: Any) -> list[dict[str, Any]]:
    """Account for two limits' words and read them: (comparison, value) each, then where
    the last unit ends."""
    (first, a), (second, b), end = limits
    item.take(first.start, max(end, second.stop))
    return [
        {"analytes": [concept_id], "op": c.op, "value": _tidy(v[0]), "unit": v[1]}
        for c, v in ((first, a), (second, b))
    ]


# "BMI <20 or >35 kg/m2", "systolic ≥140 or <100 mmHg": two limits on opposite sides joined
# by "or", the value outside the range between them. Only this shape: "<35 or >20" would be
# every value (no limit at all) and stays unread, as does a unit that differs between them.
_EITHER_JOIN = re.compile(r"\s*,?\s*or\s*$", _I)


def _outside(item: _Item, concept_id: str, cmps: list[Any], stop: int) -> list[dict[str, Any]]:
    pair = _opposite_limits(item, concept_id, cmps, stop, _EITHER_JOIN, unit_last=False)
    if pair is None:
        return []
    first, a, second, b, end = pair
    above, below = (a, b) if first.op in _LOWER_OPS else (b, a)
    if above[0] <= below[0]:
        return []  # "<35 or >20": every value, not a limit
    return _take_limits(item, concept_id, (first, a), (second, b), end)
