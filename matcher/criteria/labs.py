"""Reader of lab thresholds: analytes, units, ULN and LLN multiples, alternatives, exceptions
and repeated values.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import (
    Iterable,
)
from dataclasses import (
    dataclass,
)
from functools import (
    cache,
)
from typing import (
    Any,
)

from matcher.criteria import ckd_stage
from matcher.criteria.grammar import (
    load_grammar,
)
from matcher.criteria.item_context import (
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.lab_methods import take_method_clauses
from matcher.criteria.lexicon import (
    _I,
    _NUM,
    _OP,
    _comparisons,
    _number,
    _op_of,
    _phrase_pattern,
    _tidy,
    _window,
    _window_match,
)
from matcher.criteria.scores import (
    _UNREAD_THRESHOLD_RULE,
)
from matcher.nlp.units import (
    canonical_unit,
    convert_factor,
    normalize,
)
from matcher.nlp.vocab import (
    Concept,
    Vocabulary,
)

# ---------------------------------------------------------------- labs

_GENERIC_PROTEIN = re.compile(
    r"\b(?:proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion)\b", _I
)
# "Creatinine clearance >= 60 mL/min" is a GFR requirement. The vocabulary no longer reads
# "creatinine" before "clearance" as a creatinine (in a note a measured clearance is not
# a serum creatinine, and not an eGFR either), so the criterion names it here.
_CREATININE_CLEARANCE = re.compile(r"\bcreatinine[\s-]*clearance(?:\s+rate)?\b", _I)
_SLE_CAUSE = re.compile(r"\bSLE\b|lupus|disease\s+activity|nephritis", _I)
_NOT_THRESHOLD_LABS = frozenset({"lab.cd19", "lab.ana", "lab.height"})


@dataclass(frozen=True)
class _Mention:
    concept: str
    start: int
    end: int
    # A condition's name standing for its analyte ("Thrombocytopenia (< 50,000/µL)"): the
    # side of the limit the name says ("<" for "-penia", ">" for "hyper-"), and whether the
    # item is the bare name ("Anaemia": below the lower limit of normal). See _named_limits.
    side: str = ""
    bare: bool = False


def _lab_mentions(ctx: _Ctx) -> list[_Mention]:
    """Analyte mentions in text order. "Proteinuria ≥ 1 g/24h" names no analyte term, so
    its unit decides: per creatinine → UPCR, per day → 24-hour protein."""
    found = [
        _Mention(_analyte_at(ctx.main, t.concept_id, t.end), t.start, t.end)
        for t in ctx.mentions("lab")
        if t.concept_id not in _NOT_THRESHOLD_LABS
    ]
    found = _with_ratio_phrases(ctx.main, found)
    # Vocabulary mentions do not overlap and are in text order: the one starting at or
    # before a generic mention, and the next one, are the only ones it can overlap.
    starts = [f.start for f in found]
    named = len(found)
    for m in _GENERIC_PROTEIN.finditer(ctx.main):
        at = bisect.bisect_right(starts, m.start())
        if (at > 0 and m.start() < found[at - 1].end) or (at < named and starts[at] < m.end()):
            continue
        found.append(_Mention(_analyte_at(ctx.main, "lab.upcr", m.end()), m.start(), m.end()))
    starts = [f.start for f in found]
    named = len(found)
    for m in _CREATININE_CLEARANCE.finditer(ctx.main):
        at = bisect.bisect_right(starts, m.start())
        if (at > 0 and m.start() < found[at - 1].end) or (at < named and starts[at] < m.end()):
            continue
        found.append(_Mention("lab.egfr", m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    starts = [f.start for f in found]
    named = len(found)
    for m in _RED_CELLS.finditer(ctx.main):
        # "RBC > 5 /HPF": red cells counted per high-power field are the urine sediment's.
        at = bisect.bisect_right(starts, m.start())
        if (at > 0 and m.start() < found[at - 1].end) or (at < named and starts[at] < m.end()):
            continue
        if _PER_FIELD.match(ctx.main, m.end()):
            found.append(_Mention("lab.urine_rbc", m.start(), m.end()))
    found = _with_named_limits(ctx, found)
    found.sort(key=lambda f: f.start)
    return _until_next(found, ctx.main)


def _with_named_limits(ctx: _Ctx, found: list[_Mention]) -> list[_Mention]:
    """ "Thrombocytopenia (< 50,000/µL)", "Anaemia < 8 g/dL", "Hypercalcaemia (> 10.4
    mg/dL)": a condition named by one analyte's limit, the limit written right after it
    with no analyte between (then the name is the analyte's mention); or a cytopenia named
    alone ("Leucopenia", "Low platelet count": below the lower limit of normal). A limit
    on the other side of the name ("thrombocytopenia (> 50,000)") is not its definition."""
    names = _named_limit_pattern(ctx.vocab)
    if names is None or not _NAMED_LIMIT_HINT.search(ctx.main):
        return found
    bare = _BARE_NAME.fullmatch(ctx.main)
    if bare is not None:
        owner, side = _named_limit_owner(ctx.vocab, bare["name"])
        if owner is not None and side == "<" and _CYTOPENIA.search(bare["name"]):
            # The bare name is the whole item: the analyte's own words in it are the name's.
            return [_Mention(owner, bare.start("name"), bare.end("name"), side, bare=True)]
        return found
    for m in names.finditer(ctx.main):
        owner, side = _named_limit_owner(ctx.vocab, m["name"])
        cmps = ctx.comparisons_between(m.end(), m.end() + 4)
        if owner is None or not cmps or cmps[0].uln or cmps[0].op[0] != side:
            continue
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue  # "Vitamin D deficiency (< 20 ng/mL)": the analyte's own mention reads it
        found.append(_Mention(owner, m.start(), m.end(), side))
    return found


@cache
def _named_limit_pattern(vocab: Vocabulary) -> re.Pattern[str] | None:
    owners, _ = _condition_names(vocab)
    sided = [n for n in owners if _named_limit_owner(vocab, n)[0] is not None]
    if not sided:
        return None
    names = "|".join(_phrase_pattern(n) for n in sorted(sided, key=len, reverse=True))
    # The severity a limit defines ("severe thrombocytopenia (< 50,000/µL)") is part of the
    # name; the gap to the limit is a bracket, a colon or a space ("defined as" and an
    # analyte's own name are the defined-condition rule's, `_defined_condition`).
    return re.compile(rf"(?:\bsevere\s+)?(?P<name>{names})\s*[(\[:]?\s*", _I)


@cache
def _named_limit_owner(vocab: Vocabulary, name: str) -> tuple[str | None, str]:
    """(the one analyte whose limit `name` names, "<" or ">"); (None, "") for a name two
    analytes share ("hepatic impairment") or one that says no side ("myositis")."""
    owners, _ = _condition_names(vocab)
    owner = owners.get(" ".join(name.casefold().split()), frozenset())
    low = _LOW_NAME.search(name) is not None
    high = _HIGH_NAME.search(name) is not None
    if len(owner) != 1 or low == high:
        return None, ""
    return next(iter(owner)), "<" if low else ">"


_LOW_NAME = re.compile(r"penia|paenia|an(?:a)?emia|^hypo|^low\b|deficien", _I)
_HIGH_NAME = re.compile(r"^hyper|^elevated\b|^high\b", _I)
_CYTOPENIA = re.compile(r"penia|paenia|an(?:a)?emia|^low\b.*\bcount", _I)
_NAMED_LIMIT_HINT = re.compile(r"penia|paenia|aemia|emia|\blow\b|deficien", _I)
_COUNT_NAME = re.compile(r"\blow\b.*\b(?:count|level|value)s?\b", _I)
_BARE_NAME = re.compile(r"\W*(?P<name>\w[\w\s-]*?)[\s.,;:]*", _I)


_RED_CELLS = re.compile(r"\b(?:RBCs?|red\s+(?:blood\s+)?cells?|erythrocytes)\b", _I)
# The count's unit, within a few words: "RBC > 5 /HPF", "red cells ≥ 10 per high-power field".
_PER_FIELD = re.compile(
    rf"[^.;,()]{{0,20}}?{_NUM}\s*(?:cells?\s*)?(?:/\s*HPF\b|per\s+(?:HPF|high[\s-]+power\s+field))",
    _I,
)


# "Morning proteinuria /creatinine ratio", "uP/C ratio", "Urine protein: creatinine ratio":
# a protein-to-creatinine ratio however it is spaced or abbreviated. It replaces the
# vocabulary's "proteinuria" and "creatinine" inside it (neither is the analyte).
_RATIO_PHRASE = re.compile(
    r"\b(?:(?:urine|urinary)\s+)?(?:protein(?:uria)?|uP|uPr)\s*(?:[:/]|-?\s*to\s*-?)\s*"
    r"(?:creatinine|creat|Cr|C)\s+ratio\b",
    _I,
)


def _with_ratio_phrases(text: str, found: list[_Mention]) -> list[_Mention]:
    phrases = [_Mention("lab.upcr", m.start(), m.end()) for m in _RATIO_PHRASE.finditer(text)]
    if not phrases:
        return found
    kept = [f for f in found if not any(f.start < p.end and p.start < f.end for p in phrases)]
    return sorted(kept + phrases, key=lambda f: f.start)


def _until_next(found: list[_Mention], text: str) -> list[_Mention]:
    # A protein mention's unit is read only up to the next analyte: in "proteinuria ≥
    # 0.5 g/day or UPCR ≥ 0.5 g/g" the g/g belongs to the UPCR.
    out: list[_Mention] = []
    for index, mention in enumerate(found):
        named_ratio = _PER_CREATININE.search(text, mention.start, mention.end)
        if mention.concept in _PROTEIN_ANALYTES and not named_ratio:
            # ("Proteinuria/creatinine ratio > 1.0 or 24 hours proteinuria > 1 g" names its
            # ratio: the "24 hours" after it is the other analyte's.)
            stop = found[index + 1].start if index + 1 < len(found) else len(text)
            # Only the words right after the mention are read (one short slice each).
            near = text[mention.start : min(stop, mention.end + 60)]
            concept = _analyte_at(near, mention.concept, mention.end - mention.start)
            mention = _Mention(concept, mention.start, mention.end)
        out.append(mention)
    return out


_PROTEIN_ANALYTES = ("lab.upcr", "lab.urine_protein_24h")
_PER_DAY = re.compile(r"/\s*(?:24|d\b|day)|per\s+day|daily|24\s*-?\s*h|\d\s*m?g\b(?!\s*/)", _I)
_PER_CREATININE = re.compile(r"mg/mmol|\bg/g\b|mg/mg|mg/g\b|g/mmol|creatinine|ratio", _I)


def _analyte_at(text: str, concept: str, end: int) -> str:
    """The analyte a mention stands for, corrected by what follows it: "urine protein ≥
    50 mg/mmol" is a UPCR; "creatinine clearance ≥ 60 mL/min" is a GFR, not a creatinine."""
    tail = text[end : end + 60]
    if concept == "lab.creatinine" and re.match(r"\s*clearance", tail, _I):
        return "lab.egfr"
    if concept not in _PROTEIN_ANALYTES:
        return concept
    per_day = _PER_DAY.search(tail)
    per_creatinine = _PER_CREATININE.search(tail)
    if per_creatinine and not (per_day and per_day.start() < per_creatinine.start()):
        return "lab.upcr"
    if per_day:
        return "lab.urine_protein_24h"
    return concept


# "9 grams per deciliter (g/dL)", "30 milliliters per minute per 1.73 square meter (mL/min/
# 1.73 m^2)": a unit spelled out, then its symbol in brackets, which is read. Only unit
# words may stand before the bracket, so no other word is passed over.
_UNIT_WORDS = (
    r"(?:kilo|milli|micro|deci|nano|pico)?(?:grams?|liters?|litres?|meters?|metres?|moles?)|"
    r"minutes?|hours?|days?|square|sq|cubic|international|units?|cells?|per|body|surface|"
    r"area|of|mercury|1\.73|m2"
)
_SPELLED_UNIT = re.compile(
    rf"\s{{0,2}}(?:(?:{_UNIT_WORDS})(?![\w.])\s*){{1,12}}\(\s*(?P<unit>[^()]{{1,24}}?)\s*\)",
    _I,
)


_UNIT_AGAIN = re.compile(r"\s*\(\s*(?P<unit>[^()]{1,24}?)\s*\)")


def _unit_at(text: str, end: int) -> tuple[str | None, int]:
    """The unit written right after a number ("×109/L", "g/dL", "mL/min/1.73 m2"), read
    by matcher.nlp.units, or spelled out before its symbol in brackets; returns (unit, end
    of unit)."""
    m = re.match(r"\s{0,2}", text[end:])
    begin = end + (m.end() if m else 0)
    window = text[begin : begin + 28]  # "kilograms per square metre" is 26 characters
    for size in range(len(window), 0, -1):
        candidate = window[:size]
        following = window[size : size + 1]
        if following and (following.isalnum() or candidate[-1].isspace()):
            continue
        unit = canonical_unit(candidate)
        if unit is not None:
            # "35 kilograms per square metre (kg/m²)": the same unit again, as a symbol.
            again = _UNIT_AGAIN.match(text, begin + size)
            same = again is not None and canonical_unit(again["unit"]) == unit
            return candidate.strip(), again.end() if same and again else begin + size
    spelled = _SPELLED_UNIT.match(text, end)
    if spelled is not None and canonical_unit(spelled["unit"]) is not None:
        return spelled["unit"], spelled.end()
    return None, end


def _lab_reading(
    ctx: _Ctx,
    mention: _Mention,
    stop: int | None = None,
    spans: list[tuple[int, int]] | None = None,
) -> dict[str, Any] | None:
    """Operator and threshold for one analyte, in its canonical unit, read before `stop`.
    `spans` collects where the threshold was read (with its unit and any restatement)."""
    end = mention.end
    method = _METHOD.match(ctx.main, end) if mention.concept == "lab.egfr" else None
    if method is not None:
        # "eGFR as calculated by the Chronic Kidney Disease Epidemiology Collaboration
        # equation of ≤ 45": the threshold follows the equation's name.
        end = method.end()
        if spans is not None:
            spans.append((method.start(), method.end()))
    if mention.bare:
        # "Anaemia", "Leucopenia": below the lower limit of normal.
        return {"op": "<", "lln_multiple": 1.0, "unit": ctx.vocab[mention.concept].canonical_unit}
    limit = min(end + 80, stop if stop is not None else len(ctx.main))
    cmps = ctx.comparisons_between(mention.end, limit)
    if not cmps:
        return _normal_range(ctx, mention, spans)
    cmp = cmps[0]
    concept = ctx.vocab[mention.concept]
    unit = concept.canonical_unit
    if cmp.uln:
        if spans is not None:
            spans.append((cmp.start, cmp.stop))
        return {"op": cmp.op, "uln_multiple": float(cmp.value), "unit": unit}
    lln = _LLN_TAIL.match(ctx.main, cmp.num_end)
    if lln is not None:
        # "Neutrophils < 0.8 × LLN": a multiple of the lower limit of normal.
        if spans is not None:
            spans.append((cmp.start, lln.end()))
        return {"op": cmp.op, "lln_multiple": float(cmp.value), "unit": unit}
    written, unit_end = _unit_at(ctx.main, cmp.num_end)
    if written is None:
        written, unit_end = _unit_after_analyte(ctx, concept, cmp.num_end)
    bare_mass = re.match(r"\s*(mg|g)\b", ctx.main[cmp.num_end :], _I)
    if written is None and concept.id == "lab.urine_protein_24h" and bare_mass:
        # "24-hour urine protein ≥ 500 mg": a mass in a day's collection is per day.
        written, unit_end = f"{bare_mass[1].lower()}/day", cmp.num_end + bare_mass.end()
    square = _COUNT_PER_SQUARE.match(ctx.main, cmp.num_end) if written is None else None
    if square is not None and concept.attrs.get("family") == "count":
        # "Lymphocyte count < 500/mm2": blood has no area, the square is a slip for the
        # cube. (Only here: in a biopsy report cells/mm² is a real tissue density.)
        written, unit_end = "/mm3", square.end()
    bracketed = _BRACKETED_UNIT.match(ctx.main, cmp.num_end) if written is None else None
    if bracketed is not None and canonical_unit(bracketed["unit"]) is not None:
        # "uP/C ratio ≥ 1 (expressed in mg/mg)": the unit said in brackets.
        written, unit_end = bracketed["unit"], bracketed.end()
    if written is None and concept.id == "lab.upcr" and 0 < cmp.value <= _UPCR_RATIO_MAX:
        # "Proteinuria/creatinine ratio > 1.0": a ratio of a few units is mg/mg. In
        # mg/mmol it would sit inside the normal range (< 15 mg/mmol), which no trial
        # uses as a proteinuria limit.
        written = "g/g"
    if written is None and _UNIT_LIKE.match(ctx.main, cmp.num_end):
        return None  # "Hemoglobin < 9 mmol/dL": a unit is written but unreadable; no guess
    family = concept.attrs.get("family", "")
    converted = normalize(family, cmp.value, written, analyte=concept.key)
    if converted is None:
        return None
    if spans is not None:
        spans.append((cmp.start, max(unit_end, cmp.stop)))
        restated = _restatement_end(ctx.main, unit_end, family, concept.key, converted[0])
        if restated is not None:
            spans.append((unit_end, restated))
        named = _equation_bracket(ctx.main, restated or unit_end)
        if named is not None and concept.id == "lab.egfr":
            spans.append(named)
    return {"op": cmp.op, "value": _tidy(converted[0]), "unit": converted[1]}


# A bracket after an eGFR threshold that names the equation(s) to estimate it with, by age
# group: "(bedside Schwartz for those under 18; CKD-EPI from 18 years)". Its numbers may
# only be ages.
_EQUATION_NAME = re.compile(
    r"\b(?:schwartz|ckd[-\s]?epi|mdrd|cockcroft|equation|formula)\b", _I
)
# "eGFR ≥ 30 mL/min/1.73 m² at screening (bedside Schwartz ...)": the visit the value is
# taken at may sit between the threshold and the bracket; it is read by its own rule.
_EQUATION_BRACKET = re.compile(
    r"(?:\s*,?\s*(?:at|during|on)\s+(?:the\s+)?(?:screening|baseline|randomi[sz]ation|"
    r"enrol?ment|study\s+entry|entry)(?:\s+visit)?)?"
    r"\s*(?P<bracket>[(\[](?P<inner>[^()\[\]]{1,200})[)\]])",
    _I,
)
_AGE_NUMBER = re.compile(
    rf"(?:[<>≤≥]=?\s*)?(?:{_NUM})\s*(?:years?|yrs?|y)\b(?:\s+(?:of\s+age|old|or\s+older))?", _I
)


def _equation_bracket(text: str, end: int) -> tuple[int, int] | None:
    """Where a bracket naming only how the eGFR is estimated sits after its threshold
    ("eGFR >= 45 mL/min/1.73 m2 (bedside Schwartz formula for participants younger than
    18 years; CKD-EPI for participants 18 years or older)"). The notes' eGFR is judged as
    written, whichever equation it names, so the bracket changes no reading. A bracket
    with a comparison sign or a number that is not an age ("(CKD-EPI; >= 30 if over 65
    years)") states another threshold and is not taken."""
    m = _EQUATION_BRACKET.match(text, end)
    if m is None or _EQUATION_NAME.search(m["inner"]) is None:
        return None
    rest = re.sub(r"ckd[-\s]?epi(?:[-\s]?\(?20(?:09|12|21)\)?)?", " ", m["inner"], flags=_I)
    rest = _EQUATION_NAME.sub(" ", _AGE_NUMBER.sub(" ", rest))
    if re.search(r"[<>≤≥=]|\d", rest):
        return None
    return m.start("bracket"), m.end("bracket")


# A written unit, read or not: a word with a slash right after the number ("mmol/dL",
# "IU/mL", "cells/microL"). When matcher.nlp.units cannot read it, the number's magnitude must
# not pick a unit instead ("Hb < 9 mmol/dL" is not 9 g/dL).
_UNIT_LIKE = re.compile(r"\s{0,2}(?P<unit>[A-Za-zµμ][\w.^*µμ²³-]*/[\w.^*µμ²³-]+)")


def _unread_threshold(ctx: _Ctx, mention: _Mention, label: str) -> str:
    """Why an analyte's threshold was not read, for the person who reads it instead: a
    unit matcher.nlp.units cannot read ("< 9 mmol/dL"), or a value printed without its
    comparison sign ("Estimated GFR 35 mL/min/1.73 m2": ≥ is likely, but a lost ≤ reads
    the same, so the value is not used)."""
    reason = f"{label} threshold not recognised"
    end = min(mention.end + 80, len(ctx.main))
    cmps = ctx.comparisons_between(mention.end, end)
    if cmps:
        unit = None if cmps[0].uln else _UNIT_LIKE.match(ctx.main, cmps[0].num_end)
        if unit is not None and canonical_unit(unit["unit"]) is None:
            return f'{reason}: its unit "{unit["unit"]}" cannot be read; checked by a person'
        family = ctx.vocab[mention.concept].attrs.get("family", "")
        if unit is not None and convert_factor(family, unit["unit"]) is None:
            # "Haemoglobin ≥ 10 mg/dL": a real unit, but never haemoglobin's (10 mg/dL
            # would be 0.1 g/L); the printed value is not trusted.
            return f'{reason}: its unit "{unit["unit"]}" is not a unit of {label}; ' \
                "checked by a person"
        return reason
    bare = _BARE_VALUE.match(ctx.main, mention.end, end)
    if bare is not None and _unit_at(ctx.main, bare.end("num"))[0] is not None:
        return f"{reason}: the value is printed with no comparison sign (at least or at " \
            "most?); checked by a person"
    return reason


# "eGFR 35 mL/min", "Estimated glomerular filtration rate (eGFR): 35 mL/min/1.73 m2":
# a number right after the analyte's name, with no operator before it.
_BARE_VALUE = re.compile(
    rf"\s*(?:\([^()\d]{{1,12}}\)\s*)?(?:(?:level|value|count)\s+)?(?:of\s+|:\s*|=\s*)?"
    rf"(?P<num>{_NUM})(?![\d])",
    _I,
)


def _unit_after_analyte(ctx: _Ctx, concept: Concept, end: int) -> tuple[str | None, int]:
    """ "< 50,000 platelets/mm3", "≥ 1500 neutrophils/µL": the analyte's own name between
    the number and the rest of its unit, which is then read as written after it."""
    m = _WORD_BEFORE_SLASH.match(ctx.main, end)
    if m is None or m["word"].casefold() not in _analyte_words(concept):
        return None, end
    written, unit_end = _unit_at(ctx.main, m.end("word"))
    return (written, unit_end) if written is not None and written.startswith("/") else (None, end)


_WORD_BEFORE_SLASH = re.compile(r"\s{0,2}(?P<word>[A-Za-z]{3,20})(?=\s{0,2}/)")


def _analyte_words(concept: Concept) -> frozenset[str]:
    return frozenset(t.casefold() for t in (*concept.terms, *concept.abbreviations))


_COUNT_PER_SQUARE = re.compile(r"\s{0,2}(?:cells?\s*)?/\s*mm(?:2|\^2|²)(?![\w^])", _I)
# "(expressed in mg/mg)", "(mg/mg)", "(as mg/g)": a unit given apart from its number.
_BRACKETED_UNIT = re.compile(
    r"\s*\(\s*(?:(?:expressed|measured|reported)\s+)?(?:(?:in|as)\s+)?(?P<unit>[^()\s]{1,12})\s*\)",
    _I,
)
_UPCR_RATIO_MAX = 10.0
# How an eGFR was estimated, between its name and its threshold.
_METHOD = re.compile(
    r"\s*(?:\([^()]{1,12}\))?\s*(?:,\s*)?(?:as\s+)?(?:calculated|estimated|measured|determined|"
    r"assessed)\s+"
    r"(?:by|using|with|according\s+to)\s+(?:the\s+)?[^,;.<>≤≥=\d]{2,90}?"
    r"\b(?:equation|formula)\b\s*,?",
    _I,
)

_RESTATEMENT = re.compile(
    rf"\s*[,;]?\s*[(\[]\s*(?P<approx>(?:approximately|approx\.?|about|around|roughly|circa|"
    rf"ca\.|~|≈|equivalent\s+to|corresponding\s+to)\s*)?(?:(?:{_OP})\s*)?(?P<num>{_NUM})",
    _I,
)


def _restatement_end(text: str, end: int, family: str, analyte: str, value: float) -> int | None:
    """ "Total bilirubin ≤ 34 µmol/L (≤ 2.0 mg/dL)", "UPCR > 1 g/g (113 mg/mmol)": the same
    threshold in another unit (within 1 %, or 5 % after "approximately") is part of the
    reading; a different number is not, and stays for the coverage guard to see."""
    m = _RESTATEMENT.match(text, end)
    if m is None:
        return None
    number = _number(m["num"])
    written, unit_end = _unit_at(text, m.end("num"))
    close = re.match(r"\s*[)\]]", text[unit_end:])
    if number is None or written is None or close is None:
        return None
    converted = normalize(family, number, written, analyte=analyte)
    if converted is None:
        return None
    rounded = _CONVENTIONAL_FACTORS.get((family, canonical_unit(written)))
    candidates = [converted[0]] + ([number * rounded] if rounded is not None else [])
    # "≥ 100 mg/mmol (approximately 0.9 g/g)": a gloss said to be near is a rounding of it
    # (0.88 g/g), so within 5 %; a plain restatement is the same threshold, within 1 %.
    tolerance = 0.05 if m["approx"] else 0.01
    if all(abs(c - value) > tolerance * abs(value) for c in candidates):
        return None
    return unit_end + close.end()


# Restatements that use the clinical rule of thumb rather than the exact factor: a
# protein/creatinine ratio of 1 g/g is "about 100 mg/mmol" (exactly 113), so "≥ 3000 mg/g
# (300 mg/mmol)" states one threshold twice. (family, unit) → canonical value per unit.
_CONVENTIONAL_FACTORS: dict[tuple[str, str | None], float] = {("upcr", "mg/mmol"): 0.01}


_LLN_WORDS = (
    r"(?:the\s+)?(?:institutional\s+)?(?:lower\s+limits?\s+of\s+(?:the\s+)?normal"
    r"(?:\s+(?:range|values?))?|lower\s+normal\s+(?:limits?|levels?|values?)|\(?LLN\)?)"
)
_LLN_TAIL = re.compile(rf"\s*(?:[x×*✕]|times|-?\s*fold(?:\s+of)?)?\s*{_LLN_WORDS}", _I)
# "IgG below the lower limit of normal", "(below normal range)", "< LLN", "above the normal
# range": a limit at the edge of the reference range, with no number. Only words without
# digits may stand between the analyte and the operator ("IgA level (below normal range)").
_BEYOND_NORMAL = re.compile(
    rf"[^.;\d<>≤≥]{{0,30}}?(?P<op>{_OP})\s*(?:(?P<lower>{_LLN_WORDS})|(?:the\s+)?"
    r"(?:institutional\s+)?(?:reference|normal)(?:\s+(?:range|limits?|values?|levels?))?\b)",
    _I,
)


def _beyond_normal(
    ctx: _Ctx, mention: _Mention, spans: list[tuple[int, int]] | None
) -> dict[str, Any] | None:
    """ "Below normal range" is < 1×LLN and "above the normal range" > 1×ULN; "below the
    lower limit of normal" and "< LLN" name the lower limit. The evaluator takes the limit
    from the value's printed range (or the analyte's default), else says it is unknown."""
    m = _BEYOND_NORMAL.match(ctx.main, mention.end, min(len(ctx.main), mention.end + 90))
    if m is None:
        return None
    op = _op_of(m["op"])
    unit = ctx.vocab[mention.concept].canonical_unit
    below = bool(m["lower"]) or op in ("<", "<=")
    if spans is not None:
        spans.append((m.start("op"), m.end()))
        # "Reduced serum IgG (below normal range)", "elevated ALT (above the normal range)":
        # the word before the analyte says the same as the limit.
        same = _LOW_WORD if below else _HIGH_WORD
        spans.extend(w.span() for w in same.finditer(ctx.main, 0, mention.start))
    if below:
        return {"op": op, "lln_multiple": 1.0, "unit": unit}
    return {"op": op, "uln_multiple": 1.0, "unit": unit}


_LOW_WORD = re.compile(r"\b(?:reduced|low|lowered|decreased|diminished)\b", _I)
_HIGH_WORD = re.compile(r"\b(?:elevated|raised|increased|high)\b", _I)


def _normal_range(
    ctx: _Ctx, mention: _Mention, spans: list[tuple[int, int]] | None = None
) -> dict[str, Any] | None:
    """ "Bilirubin within normal limits" is ≤ 1×ULN for analytes that have a ULN."""
    beyond = _beyond_normal(ctx, mention, spans)
    if beyond is not None:
        return beyond
    concept = ctx.vocab[mention.concept]
    tail = ctx.main[mention.end : mention.end + 60]
    if concept.attrs.get("default_uln") is None:
        return None
    # "within normal limits", "normal range", "WNL"; never the "normal" of "upper normal
    # limit", which belongs to a multiple of the ULN that was not read.
    m = re.search(r"(?:\b(?:within|in)\s+(?:the\s+)?)?(?<!upper )\bnormal\b"
                  r"(?:\s+(?:range|limits?))?|\bWNL\b", tail, _I)  # fmt: skip
    if m and not re.search(r"upper\s+normal|normal\s+level", tail, _I) and not _comparisons(tail):
        if spans is not None:
            spans.append((mention.end + m.start(), mention.end + m.end()))
        return {"op": "<=", "uln_multiple": 1.0, "unit": concept.canonical_unit}
    return None


def _group_readings(ctx: _Ctx) -> list[tuple[list[str], dict[str, Any]]]:
    """Analytes that share a threshold: "AST and ALT <= 3.0 x ULN" and "ALT ≤ 3 × ULN and
    AST ≤ 3 × ULN" are one group each. A mention with no threshold of its own
    ("platelets ≥ 100, no platelet transfusion in 7 days") adds nothing."""
    groups: list[tuple[list[str], dict[str, Any]]] = []
    group_of: dict[tuple[Any, ...], int] = {}  # threshold → its group, one lookup each
    mentions = _lab_mentions(ctx)
    stops = _reading_stops(ctx.main, mentions)
    read_spans: list[tuple[int, int]] = []
    for index, mention in enumerate(mentions):
        if any(start <= mention.start < end for start, end in read_spans):
            # "eGFR >= 45 (bedside Schwartz under 18 years)": the equation's name inside
            # the threshold just read is no analyte with a threshold of its own.
            continue
        spans: list[tuple[int, int]] = []
        reading = _lab_reading(ctx, mention, stops[index], spans)
        if reading is None:
            # "Alanine aminotransferase (ALT) ...": the abbreviation restates the name.
            previous = mentions[index - 1] if index else None
            if (previous is not None and previous.concept == mention.concept
                    and re.fullmatch(r"\s*\(\s*", ctx.main[previous.end : mention.start])):
                ctx.take(mention.start, mention.end, "term")
            continue
        ctx.take(mention.start, mention.end, "term")
        side = _side_word(ctx.main, mention.start, reading)
        if side is not None:
            ctx.take(side[0], side[1], "lab:side-word")
        day_lead = _DAY_LEAD.search(ctx.main, max(0, mention.start - 16), mention.start)
        if day_lead and mention.concept == "lab.urine_protein_24h":
            ctx.take(day_lead.start(), day_lead.end(), "lab:24-hour")  # "24 hours Proteinuria"
        clearance = _CLEARANCE.match(ctx.main, mention.end)
        if clearance and mention.concept == "lab.egfr":
            ctx.take(mention.end, clearance.end(), "lab:clearance")
        for start, end in spans:
            ctx.take(start, end, "lab:threshold")
        read_spans += spans
        key = _threshold_key(reading)
        if key in group_of:
            analytes = groups[group_of[key]][0]
            if mention.concept not in analytes:
                analytes.append(mention.concept)
        else:
            group_of[key] = len(groups)
            groups.append(([mention.concept], reading))
    return groups


# "Elevated serum creatinine (≥ 140 µmol/L)", "elevation of ALT > 2 x ULN", "low
# platelets (< 50,000/µL)": a word right before the analyte that says the side its limit
# states adds nothing to the limit. Only the level's words: "increase in creatinine ≥ 0.3"
# or "a fall in eGFR > 25 %" is a change (never read as a level), and a word on the other
# side than its limit ("elevated creatinine < 1.5") stays not understood.
_HIGH_WORD = re.compile(
    r"\b(?:elevated|raised|high|abnormally\s+high|elevation\s+(?:of|in))\s+"
    r"(?:(?:the|serum|plasma|blood|baseline)\s+)*$", _I)
_LOW_WORD = re.compile(
    r"\b(?:low|reduced|decreased|abnormally\s+low)\s+(?:(?:the|serum|plasma|blood|baseline)\s+)*$",
    _I)


def _side_word(text: str, start: int, reading: dict[str, Any]) -> tuple[int, int] | None:
    """The span of the side word before the analyte at `start` that agrees with the
    reading's operator, else None."""
    op = reading.get("op") or ""
    pattern = _HIGH_WORD if op.startswith(">") else _LOW_WORD if op.startswith("<") else None
    if pattern is None:
        return None
    m = pattern.search(text, max(0, start - 40), start)
    return (m.start(), m.end()) if m is not None and m.end() == start else None


def _threshold_key(reading: dict[str, Any]) -> tuple[Any, ...]:
    # A multiple of the ULN is unit-free: "ALT, AST and bilirubin ≤ 2 × ULN" is one limit
    # for three analytes, each against its own ULN.
    if "uln_multiple" in reading:
        return ("uln", reading["op"], reading["uln_multiple"])
    return ("value", *sorted(reading.items()))


# Matched from the end of one analyte to the start of the next (match() anchors it).
_ANALYTE_LIST_GAP = re.compile(
    r"[\s,/&+]*(?:\([^()]{1,15}\))?[\s,/&+]*(?:and/or|and|or)?[\s,/&+]*$", _I
)
# "24 hours proteinuria", "24h urinary": the collection named before the analyte.
_DAY_LEAD = re.compile(r"\b24\s*-?\s*(?:h|hrs?|hours?)\s*(?:(?:urine|urinary)\s+)?$", _I)
# Matched where an analyte mention ends, without copying the rest of the item.
_CLEARANCE = re.compile(r"\s*clearance(?:\s+rate)?\b", _I)


def _reading_stops(text: str, mentions: list[_Mention]) -> list[int | None]:
    """Where each analyte's threshold must have appeared: before the next analyte, unless
    the two are listed together ("AST and ALT ≤ 3 × ULN", "AST/ALT ≤ 3 × ULN"), when it is
    the next one's stop. Computed from the last mention back, so that a list of a thousand
    analytes takes one pass (no rescan, no recursion)."""
    stops: list[int | None] = [None] * len(mentions)
    following: int | None = None  # the first later mention of another analyte
    for index in reversed(range(len(mentions))):
        mention = mentions[index]
        if index + 1 < len(mentions) and mentions[index + 1].concept != mention.concept:
            following = index + 1
        # else the same analyte again ("International normalised ratio (INR) ≤ 1.5"): the
        # next other analyte is the one after it.
        if following is None:
            continue
        later = mentions[following]
        if _ANALYTE_LIST_GAP.match(text, mention.end, later.start):
            stops[index] = stops[following]
        else:
            stops[index] = later.start
    return stops


# "Creatinine ≥ 1.5 times baseline", "ALT > 3x baseline", "eGFR < 70% of baseline": a
# multiple of, or a change from, the patient's own earlier value, which the words around
# it ("times", "baseline") would otherwise let pass as a level.
_RELATIVE_TO_BASELINE = re.compile(
    r"(?:\b(?:times|fold|from|above|over|below|under|of|than|versus|vs)|[x×%]|\bpercent)"
    r"\.?\s+(?:the\s+)?(?:(?:patient|subject|participant)'?s?\s+)?(?:own\s+)?"
    r"(?:baseline|pre-?treatment)\s*(?:values?|levels?|measurements?)?"
    r"(?!\s*(?:visit|period|phase))\b",
    _I,
)


# "confirmed at randomization (W-2)", "at screening (visit 1)": the protocol's name for
# the visit just named, after the visit.
_VISIT_LABEL = re.compile(
    r"\b(?:screening|randomi[sz]ation|baseline|enrol(?:l)?ment|inclusion)\s*"
    r"(?P<label>\(\s*(?:w|wk|week|d|day|v|visit|m|month)\s*-?\s*\d{1,3}\s*\))",
    _I,
)
# A limit that must hold on more than one measurement.
_REPEATED = re.compile(
    r"\b(?:persistent(?:ly)?|persisting|confirmed|repeated(?:ly)?)\b|"
    r"\b(?:on|in|for)\s+(?:at\s+least\s+)?(?:two|2)\s+(?:consecutive\s+|separate\s+)?"
    r"(?:occasions|samples|measurements|collections|determinations|specimens)\b",
    _I,
)


# A limit stated for one sex: "< 11 g/dL in females", "for men", "in males and females
# respectively".
_BY_SEX = re.compile(
    r"\b(?:in|for)\s+(?:(?:fe)?males?|wom[ae]n|m[ae]n|girls?|boys?)\b(?!\s+(?:and|or)\s+"
    r"(?:(?:fe)?males?|wom[ae]n|m[ae]n)\b(?!\s+respectively))",
    _I,
)


def _lab(ctx: _Ctx) -> _Parsed | None:
    mentions = _lab_mentions(ctx)
    staged = ckd_stage.ckd_stage(ctx.main)
    if not mentions:
        return None
    concept = ctx.vocab[mentions[0].concept]
    first = mentions[0]
    if first.bare and not _COUNT_NAME.search(ctx.main, first.start, first.end):
        # "Anaemia", "Leucopenia" alone name a condition, not a threshold: registries'
        # coordinators read them as a documented diagnosis as often as a value below the
        # normal range, and the two exclude different patients. "Low platelet count"
        # names the count itself and stays its lower limit of normal.
        name = " ".join(ctx.main[first.start:first.end].split()).lower()
        reason = (f"{name} names a condition with no threshold: whether a documented {name} "
                  f"or a {concept.label} below the normal range is meant is checked by a "
                  "person")  # fmt: skip
        return _manual(reason, ctx.key(concept.key))
    if _BY_SEX.search(ctx.main):
        # "Creatinine ≥1.5 and ≥1.4 mg/dL in males and females respectively": one limit
        # read for both sexes would misjudge one of them.
        reason = f"{concept.label}: the limit is given by sex (men and women differ); " \
            "checked by a person"
        return _manual(reason, ctx.key(concept.key))
    if _RELATIVE_TO_BASELINE.search(ctx.main):
        reason = f"{concept.label}: a change from the patient's own baseline must be checked " \
            "by a person"
        return _manual(reason, ctx.key(concept.key))
    groups = _group_readings(ctx)
    if not groups:
        ctx.taken.append((0, 0, _UNREAD_THRESHOLD_RULE))  # named in the trace: see `_policy`
        return _manual(_unread_threshold(ctx, mentions[0], concept.label), ctx.key(concept.key))
    analytes, reading = groups[0]
    stage_span = None
    if staged is not None and len(groups) == 1 and "value" in reading and ckd_stage.agrees(
            staged, analytes, reading["op"], reading["value"]):  # fmt: skip
        # "CKD stage 4 or 5 (eGFR < 30)": the eGFR given is the stage's own, and the
        # disease named in it is that eGFR, not an alternative to it.
        ctx.take(staged.start, staged.end, ckd_stage.RULE)
        stage_span = (staged.start, staged.end)
    named = _defined_condition(ctx, mentions, [a for group, _ in groups for a in group])
    labelled = _labelled_definitions(ctx, [a for group, _ in groups for a in group], named)
    params: dict[str, Any] = {"analytes": analytes, "op": reading["op"]}
    for name in ("value", "uln_multiple", "lln_multiple"):
        if name in reading:
            params[name] = reading[name]
    params["unit"] = reading["unit"]
    params["exceptions"], params["below_manual"] = _lab_exceptions(ctx, analytes)
    params["csf_free_days"] = _csf_free_days(ctx)
    if not params["exceptions"] and len(groups) == 1:
        # "UPCR ≥ 100 mg/mmol (quantified laboratory measurement; dipstick or 24-hour
        # collection not acceptable)": the ratio the notes record is that measurement.
        take_method_clauses(ctx, analytes, mentions[0].start)
    ctx.take_study_start_window("lab:screening-window")
    for m in _VISIT_LABEL.finditer(ctx.main):
        ctx.take(m.start("label"), m.end(), "lab:visit-label")
    repeated = [m for m in _REPEATED.finditer(ctx.main)]
    if repeated:
        # "Persistent proteinuria ≥ 1 g/24h", "confirmed on two occasions": one value is
        # not enough; the value before the latest must meet the limit too.
        for m in repeated:
            ctx.take(m.start(), m.end(), "lab:repeated")
        params["repeat"] = 2
    if len(groups) > 1:
        params["alternatives"] = [_alternative(a, r) for a, r in groups[1:]]
        # Listed exclusions exclude on any one ("ANC < 1.0, lymphocytes < 0.5"); listed
        # inclusions need all, unless the text says "or".
        either = ctx.exclusion and not re.search(r"\band\b", ctx.main, _I)
        params["combine"] = "or" if either or re.search(r"\bor\b", ctx.main, _I) else "and"
    conditions = [
        t.concept_id for t in ctx.mentions("diagnosis", "procedure")
        if not any(span[0] <= t.start < span[1]
                   for span in (named, stage_span, *labelled) if span)
    ]
    # A condition a person checks (grammar "manual_concepts") is not an alternative the
    # notes decide: left over, it makes the item be read piece by piece.
    manual = load_grammar().manual_concepts
    conditions = [c for c in dict.fromkeys(conditions) if c not in manual]
    if ctx.exclusion and conditions and re.search(r"\bor\b", ctx.main, _I):
        # "eGFR < 30 mL/min or on dialysis or renal transplant": either excludes.
        params.setdefault("alternatives", []).append({"concepts": conditions})
        params["combine"] = "or"
        ctx.take_terms(conditions)
    keys = sorted(ctx.vocab[a].key for a in analytes)
    return _Parsed("lab", ctx.key("".join(keys)), params)


def _kidney_stage(ctx: _Ctx) -> _Parsed | None:
    """ "CKD stage 4 or 5" with no eGFR written: the eGFR the stage stands for. Tried before
    the condition readers, which would read "CKD stage 4" as chronic kidney disease and
    leave it to a person as narrower than the disease (matcher.criteria.ckd_stage)."""
    if _lab_mentions(ctx):
        return None
    staged = ckd_stage.ckd_stage(ctx.main)
    if staged is None:
        return None
    ctx.take(staged.start, staged.end, ckd_stage.RULE)
    params = ckd_stage.egfr_params(staged)
    params["exceptions"], params["below_manual"] = _lab_exceptions(ctx, params["analytes"])
    params["csf_free_days"] = _csf_free_days(ctx)
    return _Parsed("lab", ctx.key(ctx.vocab[ckd_stage.analyte()].key), params)


# "Thrombocytopenia (platelets < 50 x10^9/L)", "Renal impairment defined as eGFR < 30",
# "anaemia with haemoglobin below 9 g/dL": a condition named at the start of the item and
# defined by the threshold that follows. Between the name and the analyte only definition
# words may stand ("Renal failure as evidenced by GFR < 60" as "defined by"); "e.g." gives
# an example, not the definition, and is not among them.
_DEFINITION_LEAD = (
    r"^\W*(?:(?:patients?|subjects?|participants?)\s+with\s+)?(?:known\s+)?"
    # "Diagnosed with severe kidney dysfunction (defined by creatinine clearance < 30)":
    # the diagnosis is the one the threshold defines.
    r"(?:(?:diagnosed\s+with|(?:a\s+)?diagnosis\s+of)\s+)?"
    r"(?:(?:clinically\s+)?significant\s+|severe\s+|moderate\s+(?:or|to)\s+severe\s+)?"
)
_DEFINITION_GAP = re.compile(
    r"\s*(?:[(\[]\s*|,\s*|:\s*|\s)\s*(?:(?:as\s+)?(?:defined|characteri[sz]ed|evidenced|"
    r"manifested|confirmed|indicated|shown)\s+(?:as|by)\s*:?\s*|i\.\s*e\.?\s*,?\s*|with\s+)?"
    r"(?:(?:an?|the)\s+)?",
    _I,
)
# Lab words that may open the analyte's own name ("serum creatinine", "a serum albumin").
_SAMPLE_WORDS = re.compile(r"(?:(?:serum|plasma|blood|calculated|estimated)\s+)?", _I)


@cache
def _condition_names(vocab: Vocabulary
                     ) -> tuple[dict[str, frozenset[str]], re.Pattern[str] | None]:  # fmt: skip
    """name (lower case) → the analytes whose threshold defines it, and one pattern of
    every name at the start of an item (longest first)."""
    owners: dict[str, set[str]] = {}
    for concept in vocab.concepts.values():
        for name in concept.attrs.get("condition_names", ()):
            owners.setdefault(name.casefold(), set()).add(concept.id)
    if not owners:
        return {}, None
    names = "|".join(_phrase_pattern(n) for n in sorted(owners, key=len, reverse=True))
    pattern = re.compile(rf"{_DEFINITION_LEAD}(?P<name>{names})", _I)
    return {n: frozenset(ids) for n, ids in owners.items()}, pattern


def named_condition(text: str, analytes: Iterable[str], vocab: Vocabulary
                    ) -> tuple[int, int, int] | None:  # fmt: skip
    """(start, end of the name, end of the definition words) of a condition named at the
    start of `text` that one of `analytes` defines ("Renal insufficiency (" for creatinine);
    None when the item names none, or one another analyte defines ("anaemia (platelets <
    50)" stays unread). The analyte itself must follow the returned end."""
    owners, pattern = _condition_names(vocab)
    m = pattern.match(text) if pattern is not None else None
    if m is None or not owners[" ".join(m["name"].casefold().split())] & set(analytes):
        return None
    gap = _DEFINITION_GAP.match(text, m.end("name"))
    return None if gap is None else (m.start(), m.end("name"), gap.end())


def _defined_condition(
    ctx: _Ctx, mentions: list[_Mention], analytes: list[str]
) -> tuple[int, int] | None:
    """The span of a condition the item defines by its thresholds, taken as their name."""
    named = named_condition(ctx.main, analytes, ctx.vocab)
    if named is None:
        return None
    start, name_end, gap_end = named
    # The first analyte after the name ("Vitamin D deficiency (25-OH vitamin D < 20
    # ng/mL)": the name holds a mention of its own analyte) must follow the gap.
    after = next((x for x in mentions if x.start >= name_end), None)
    if after is None or gap_end > after.start:
        return None
    if not _SAMPLE_WORDS.fullmatch(ctx.main, gap_end, after.start):
        return None
    ctx.take(start, gap_end, "lab:defined-condition")
    return start, gap_end


# "Metabolic derangement defined as ALT > 3 x ULN, or severe renal disease defined as
# creatinine clearance < 30 mL/min": each alternative of a list opens with the name of what
# its threshold defines. Where an alternative opens: the item's start, or after "or" / ";".
_ALTERNATIVE_START = re.compile(r"(?:^|[;,]?\s+or\s+|;\s*)", _I)
_EXPLICIT_DEFINER = re.compile(
    r"\s*,?\s*\(?\s*(?:as\s+)?(?:defined|characteri[sz]ed|evidenced|manifested|indicated)"
    r"\s+(?:as|by)\s*:?\s*(?:(?:an?|the)\s+)?", _I)
# A name no vocabulary concept holds ("metabolic derangement", "organ dysfunction"): at most
# four words, letters only; its grade words are what the threshold defines.
_LABEL = re.compile(
    r"\W*(?P<label>[^\W\d_]+(?:[\s-]+[^\W\d_]+){0,3}?)(?=\s*,?\s*\(?\s*(?:as\s+)?"
    r"(?:defined|characteri[sz]ed|evidenced|manifested|indicated)\s+(?:as|by)\b)", _I)
_LABEL_GRADES = frozenset({"severe", "significant", "clinically", "marked", "moderate"})
_CAUSE_WORD = re.compile(r"\w-(?:induced|related|associated|mediated)\b|\b(?:induced|caused)\b",
                         _I)


def _labelled_definitions(ctx: _Ctx, analytes: list[str], named: tuple[int, int] | None
                          ) -> list[tuple[int, int]]:  # fmt: skip
    """The spans of the names that open the alternatives of a lab item, each followed by
    "defined as" and the threshold that defines it ("Metabolic derangement defined as
    ...", "... or severe renal disease defined as creatinine clearance < 30"): the
    threshold is the requirement. A name is taken when a condition the item's analytes
    define (`named_condition`), or when the vocabulary knows nothing in it and it holds no
    word that changes a meaning (a time, a negation, a cause) but a grade the threshold
    defines. Its words are taken; the item's first name, if `named`, is already."""
    spans: list[tuple[int, int]] = []
    for m in _ALTERNATIVE_START.finditer(ctx.main):
        start = m.end()
        if named is not None and named[0] <= start < named[1]:
            continue
        rest = ctx.main[start:]
        found = named_condition(rest, analytes, ctx.vocab)
        if found is not None and _EXPLICIT_DEFINER.match(rest, found[1]) is not None:
            spans.append((start, start + found[2]))
            continue
        label = defined_label(rest, ctx.vocab)
        if label is not None:
            spans.append((start + label[0], start + label[1]))
    for begin, end in spans:
        ctx.take(begin, end, "lab:defined-condition")
    return spans


def defined_label(text: str, vocab: Vocabulary) -> tuple[int, int] | None:
    """(start, end) of a name no vocabulary concept holds and its definer at the start of
    `text` ("Metabolic derangement defined as "), when the name holds no word that
    changes a meaning but a grade the threshold after it defines; else None."""
    label = _LABEL.match(text)
    if label is None:
        return None
    grammar = load_grammar()
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", label["label"])]
    if any(w in grammar.meaning_changing and w not in _LABEL_GRADES for w in words):
        return None
    if _CAUSE_WORD.search(label["label"]) or any(
            w in grammar.subtype_qualifiers for w in words):  # fmt: skip
        return None  # "drug-induced liver injury": a cause the threshold does not show
    if vocab.find_terms(label["label"]):
        return None
    definer = _EXPLICIT_DEFINER.match(text, label.end())
    return None if definer is None else (label.start("label"), definer.end())


def _alternative(analytes: list[str], reading: dict[str, Any]) -> dict[str, Any]:
    return {"analytes": analytes, **reading}


def _lab_exceptions(ctx: _Ctx, analytes: list[str]) -> tuple[list[dict[str, Any]], str | None]:
    """ "(except elevated ALT caused by inflammatory myopathy)" → manual for myositis;
    "(except Gilbert syndrome, total bilirubin ≤3.0×ULN)" → a looser limit for Gilbert;
    "(except abnormal renal function by SLE)" → below the limit the investigator decides,
    since every patient in a lupus trial has SLE."""
    exceptions: list[dict[str, Any]] = []
    below_manual: str | None = None
    for clause, (begin, end) in zip(ctx.exceptions, ctx.exception_spans, strict=True):
        terms = ctx.vocab.find_terms(clause)
        conditions = [
            t.concept_id
            for t in terms
            if ctx.vocab[t.concept_id].category in ("diagnosis", "procedure")
        ]
        lupus = [c for c in conditions if c in ("dx.sle", "dx.lupus_nephritis")]
        others = [c for c in dict.fromkeys(conditions) if c not in lupus]
        if lupus or (not others and _SLE_CAUSE.search(clause)):
            below_manual = _below_manual_reason(analytes, ctx.vocab)
        for condition in others:
            exceptions.append(_exception_rule(condition, clause, analytes, ctx.vocab))
        # The clause is honoured: its conditions, the analytes it is about and its own
        # limits are read; its other words must be exception grammar ("caused by").
        ctx.honoured.append((begin, end))
        for term in terms:
            if term.concept_id in conditions or term.concept_id in analytes:
                ctx.take(begin + term.start, begin + term.end, "exception:term")
        for cmp in _comparisons(clause):
            _, unit_end = _unit_at(clause, cmp.num_end)
            ctx.take(begin + cmp.start, begin + max(cmp.stop, unit_end), "exception:limit")
        for m in _SLE_CAUSE.finditer(clause):
            ctx.take(begin + m.start(), begin + m.end(), "exception:term")
        if not conditions and not _SLE_CAUSE.search(clause):
            below_manual = f"the registry allows an exception ({clause.strip(' ,;()')}); "
            below_manual += "investigator decides"
            ctx.take(begin, end, "exception:investigator")  # below the limit: manual
    return exceptions, below_manual


def _below_manual_reason(analytes: list[str], vocab: Vocabulary) -> str:
    if any(a in ("lab.egfr", "lab.creatinine") for a in analytes):
        return "renal impairment caused by SLE is allowed; investigator decides"
    names = " and ".join(vocab[a].label for a in analytes)
    return f"abnormal {names} caused by SLE is allowed; investigator decides"


def _exception_rule(
    condition: str, clause: str, analytes: list[str], vocab: Vocabulary
) -> dict[str, Any]:
    cmps = _comparisons(clause)
    if cmps and cmps[0].uln:
        return {"if": condition, "uln_multiple": float(cmps[0].value)}
    if cmps:
        concept = vocab[analytes[0]]
        written, _ = _unit_at(clause, cmps[0].num_end)
        family = concept.attrs.get("family", "")
        converted = normalize(family, cmps[0].value, written, analyte=concept.key)
        if converted is not None:
            return {"if": condition, "value": _tidy(converted[0])}
    return {"if": condition, "then": "manual"}


# "no colony-stimulating factor treatment within 2 weeks": the words around a G-CSF
# washout. Anything else there ("no transfusion or G-CSF") is left to the coverage guard.
_CSF_LEAD = re.compile(
    r"\b(?:no|without|not\s+(?:on|receiving|received))\s+(?:(?:prior|previous|recent|any|the|use|"
    r"of|treatment|with|administration|support)\s+){0,3}$",
    _I,
)
_CSF_GAP = re.compile(
    r"^(?:\s*(?:treatment|therapy|support|use|administration|injection|given|received|was|has|"
    r"been|the|in|for|with)\b)*\s*$",
    _I,
)


def _csf_free_days(ctx: _Ctx) -> int | None:
    """ "Neutrophils ≥ 1×10⁹/L (no colony-stimulating factor within 2 weeks)": a count
    propped up by G-CSF does not show the marrow's own reserve."""
    mention = next((t for t in ctx.terms if t.concept_id == "drug.gcsf"), None)
    if mention is None:
        return None
    found = _window_match(ctx.text[mention.start :])
    if found is None:
        return _window(ctx.text)
    days, start, end = found
    lead = _CSF_LEAD.search(ctx.text[max(0, mention.start - 40) : mention.start])
    gap = ctx.text[mention.end : mention.start + start]
    if lead is not None and _CSF_GAP.match(gap):
        begin = mention.start - (min(40, mention.start) - lead.start())
        ctx.take(begin, mention.start + end, "csf:washout")
    return days
