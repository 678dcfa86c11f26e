"""Reader of the lab forms the general lab reader does not read: a range ("eGFR 15–60"),
the liver function group ("liver function > 2×ULN" is ALT and AST) and a weight-based
amount ("proteinuria ≥ 25 mg/kg/day", divided by the latest weight).
"""

from __future__ import annotations

import re
from typing import Any

from matcher.criteria.kind_item import (
    _I,
    KindReading,
    _concept_ids,
    _in_context,
    _Item,
    _take_common,
)
from matcher.criteria.labs import defined_label, named_condition
from matcher.criteria.lexicon import _comparisons
from matcher.criteria.vitals import _threshold
from matcher.nlp.vocab import TermMatch

# =====================================================================================
# lab forms: ranges, "liver function", weight-based amounts
# =====================================================================================

_LIVER_FUNCTION = re.compile(
    r"\b(?:liver|hepatic)\s+function(?:\s+tests?)?(?:\s+\(LFTs?\))?|\bLFTs?\b|"
    # "transaminases > 3N", "serum aminotransferases > 2 × ULN": the group's name for the two
    # aminotransferases, ALT and AST.
    r"\b(?:(?:serum|liver|hepatic)\s+)?(?:trans-?aminases?|aminotransferases)\b", _I
)
_PROTEIN_WORDS = re.compile(r"\bproteinuria\b|\burin(?:e|ary)\s+protein(?:\s+excretion)?\b", _I)
_PER_KG_DAY = re.compile(r"\s*mg\s*/\s*kg\s*(?:/\s*(?:d|day|24\s*h)\b|per\s+day|daily)", _I)


def _lab_forms(item: _Item) -> KindReading | None:
    # "eGFR 20-60 by CKD-EPI(Cr)": the equation's creatinine is no analyte of the item.
    labs = [t for t in item.of("lab") if _in_context(t, item)]
    # A term its context rules out is no other concept: "eGFR by CKD-EPI" names no CKD.
    others = [t for t in item.terms if t not in labs and _in_context(t, item)]
    if not labs:
        liver = _LIVER_FUNCTION.search(item.main)
        named = _liver_condition(item, liver) if liver else None
        if liver and all(named and named[0] <= t.start < named[1] for t in others):
            if named:
                item.take(*named)  # "hepatic insufficiency (transaminases > 3N)"
            return _liver_function(item, liver)
    if others:
        return None
    if not labs:
        protein = _PROTEIN_WORDS.search(item.main)
        return _per_weight(item, "lab.urine_protein_24h", protein) if protein else None
    ids = _concept_ids(labs)
    if len(ids) != 1:
        return None
    concept_id = ids[0]
    if concept_id in ("lab.urine_protein_24h", "lab.upcr"):
        per_kg = _per_weight(item, "lab.urine_protein_24h", labs[0])
        if per_kg is not None:
            return per_kg
    found = _threshold(item, concept_id, labs[-1].end, len(item.main))
    if len(found) != 2:
        return None  # one plain threshold: matcher.criteria's lab reader
    item.take_terms(ids)
    item.take_all(re.compile(r"\b(?:between|and|to|from)\b", _I))
    _take_common(item)
    params = _lab_params(found[0]) | {"alternatives": found[1:], "combine": "and"}
    return item.reading("lab", item.vocab[concept_id].key, params, "lab:range")


def _liver_condition(item: _Item, liver: re.Match) -> tuple[int, int] | None:
    """ "Hepatic insufficiency (transaminases > 3N)": the condition the aminotransferase
    limit defines, named right before it (the lab reader's definition grammar)."""
    named = named_condition(item.main, ("lab.alt", "lab.ast"), item.vocab)
    if named is None or named[2] != liver.start():
        # "Metabolic derangement defined as liver function tests > 3x ULN": a name the
        # vocabulary does not know, defined by the limit.
        label = defined_label(item.main, item.vocab)
        return label if label is not None and label[1] == liver.start() else None
    return named[0], named[2]


def _lab_params(group: dict[str, Any]) -> dict[str, Any]:
    return dict(group) | {"exceptions": [], "csf_free_days": None, "below_manual": None}


def _liver_function(item: _Item, liver: re.Match) -> KindReading | None:
    cmps = [c for c in _comparisons(item.main, liver.end()) if c.uln]
    if not cmps:
        return None
    cmp = cmps[0]
    item.take(liver.start(), liver.end())
    tail = re.match(r"\s*(?:[x×*✕]|times|-?\s*fold(?:\s+of)?)?\s*(?:the\s+)?(?:upper\s+limits?\s+"
                    r"of\s+(?:the\s+)?normal|ULN|upper\s+normal\s+(?:limits?|levels?))",
                    item.main[cmp.num_end :], _I)  # fmt: skip
    item.take(cmp.start, max(cmp.stop, cmp.num_end + (tail.end() if tail else 0)))
    item.take_all(re.compile(r"\b(?:abnormal|elevated|tests?|values?|levels?|concentrations?)\b",
                             _I))
    _take_common(item)
    params = {"analytes": ["lab.alt", "lab.ast"], "op": cmp.op, "uln_multiple": cmp.value,
              "unit": "U/L"} | {"exceptions": [], "csf_free_days": None, "below_manual": None}
    return item.reading("lab", "altast", params, "lab:liver-function")


def _per_weight(item: _Item, concept_id: str, mention: Any) -> KindReading | None:
    end = mention.end if isinstance(mention, TermMatch) else mention.end()
    start = mention.start if isinstance(mention, TermMatch) else mention.start()
    for cmp in _comparisons(item.main, end):
        unit = _PER_KG_DAY.match(item.main, cmp.num_end)
        if unit is None:
            continue
        item.take(start, end)
        item.take(cmp.start, unit.end())
        _take_common(item)
        params = {"analytes": [concept_id], "op": cmp.op, "value": float(cmp.value),
                  "unit": "mg/kg/day", "per_weight": True}  # fmt: skip
        return item.reading("lab", "uprot24", _lab_params(params), "lab:per-weight")
    return None
