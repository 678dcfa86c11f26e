"""Reader of a disease's timing: how long ago it was diagnosed, or at what age it began.

"SLE diagnosed at least 6 months before screening" is a minimum duration, "diagnosed
within the last three years" a maximum, "SLE with onset before age 16" an onset age. `is_onset_age`
tells an age that dates the onset from the patient's age now, for the age reader.
"""

from __future__ import annotations

import re
from typing import Any

from matcher.criteria.citation import read_citation
from matcher.criteria.kind_item import (
    _I,
    _REFRACTORY_CUES,
    KindReading,
    _concept_ids,
    _Item,
    _take_common,
)
from matcher.criteria.lexicon import (
    _AGAIN,
    _NUM,
    _OP,
    _WORD_NUM,
    _comparisons,
    _number,
    _op_of,
    said_days,
    same_length,
)
from matcher.nlp.dates import window_to_days

__all__ = ["is_onset_age"]

# =====================================================================================
# disease duration and onset age
# =====================================================================================

_ONSET_CUE = re.compile(
    r"\b(?:age\s+(?:at|of)\s+(?:onset|diagnosis|disease\s+onset)|(?:disease\s+)?onset|"
    r"diagnos(?:ed|is)\s+(?:at|before|prior\s+to|under|by)\s+(?:the\s+)?age|"
    # "SLE arising before the age of 16", "symptoms that began before age 18"
    r"(?:aris(?:ing|en)|arose|began|beginning|started|starting|manifest(?:ed|ing)|"
    r"develop(?:ed|ing)|presenting|occurr(?:ed|ing))\s+(?:before|prior\s+to|under|after|by)"
    r"\s+(?:the\s+)?age|"
    r"at\s+the\s+time\s+of\s+(?:the\s+)?diagnosis)\b",
    _I,
)
_ONSET_AGE = re.compile(
    r"\b(?P<word>before|prior\s+to|under|after|by|at\s+or\s+before|at)\s+(?:the\s+)?age\s+"
    r"(?:of\s+)?(?P<n>\d{1,2})(?:\s+(?:years?|yrs?)(?:\s+(?:of\s+age|old))?)?",
    _I,
)
_ONSET_WORDS = {"before": "<", "prior to": "<", "under": "<", "after": ">", "by": "<=",
                "at or before": "<="}  # fmt: skip
_TIME_UNIT = r"(?P<unit>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
_ELAPSED = re.compile(
    rf"(?:(?P<op>{_OP})\s*(?:of\s+)?)?(?P<n>{_NUM}|{_WORD_NUM})\s*{_TIME_UNIT}{_AGAIN}"
    r"(?P<tail>\s+(?:or|and)\s+(?:more|longer|less|shorter))?",
    _I,
)
_WITHIN = re.compile(
    rf"\bwithin\s+(?:the\s+(?:last|past|previous)\s+)?(?P<n>{_NUM}|{_WORD_NUM})\s*{_TIME_UNIT}",
    _I,
)
# "At least 18 years of age with a diagnosis of SLE": the years are the patient's age.
_PATIENT_AGE = re.compile(r"\s*(?:of\s+age|old|of\s+life)\b", _I)
_DURATION_CUE = re.compile(r"\b(?:diagnos\w*|disease\s+duration|duration|onset)\b", _I)
_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|from|of|until)\s+(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?"
    r"(?:signing\s+(?:of\s+)?"
    r"(?:the\s+)?(?:informed\s+)?consent(?:\s+form)?|screening(?:\s+visit)?|enrol\w*|"
    r"randomi[sz]ation|baseline|study\s+entry|day\s+[01]|first\s+dose|visit\s+1|"
    r"(?:study\s+)?inclusion(?:\s+in(?:to)?\s+the\s+(?:study|trial))?)\b",
    _I,
)
# "Type 1 diabetes for at least 6 months", "SLE for more than 1 year", "history of SLE of
# at least 6 months": the time right after the condition's name is how long it has been
# known. (A qualifier before the name, "stable SLE for 3 months", is another duration and
# stays for the coverage guard.)
_FOR_ELAPSED = re.compile(
    rf"\s*(?:\([^()]{{1,15}}\)\s*)?(?:for|of)\s+(?:a\s+(?:minimum|period)\s+of\s+)?"
    rf"(?:at\s+least|more\s+than|longer\s+than|over|≥|>=|>)\s*(?:{_NUM}|{_WORD_NUM})\s*"
    r"(?:days?|weeks?|months?|years?)\b",
    _I,
)
_TIMING_WORDS = re.compile(
    r"\b(?:diagnos\w*|disease\s+duration|duration|disease|history|established|onset|ago|"
    r"childhood|juvenile|age|aged|years?\s+of\s+age|at\s+the\s+time\s+of|according\s+to|"
    r"aris(?:ing|en)|arose|began|beginning|started|starting|manifest(?:ed|ing)|"
    r"develop(?:ed|ing)|presenting|occurr(?:ed|ing)|"
    r"newly|recently|new|"
    r"criteria|classification|fulfill?(?:ing|s)?|meeting|for|"
    # "Diagnosis of type 1 diabetes for a period of less than 4 months"
    r"(?:a\s+)?(?:time\s+)?period(?:\s+of)?)\b",
    _I,
)


def is_onset_age(text: str) -> bool:
    """Does an age in this item date the disease's onset ("onset before age 16", "Age ≥ 16
    years at the time of diagnosis") rather than give the patient's age now?"""
    return bool(_ONSET_CUE.search(text) or _ONSET_AGE.search(text)) and bool(
        re.search(r"\bage\b|\bage[ds]\b|\byears?\s+old\b", text, _I)
    )


def _timing(item: _Item) -> KindReading | None:
    diagnoses = item.of("diagnosis")
    onset = is_onset_age(item.main)
    cue = _DURATION_CUE.search(item.main) or any(
        _FOR_ELAPSED.match(item.main, t.end) for t in diagnoses
    )
    if (not onset and not cue) or (item.exclusion and not _recent_diagnosis(item)):
        return None
    # "according to the EULAR/ACR criteria" names how the diagnosis was made.
    systems = [t for t in item.terms if t.concept_id == "status.sle_criteria"]
    if [t for t in item.terms if t not in diagnoses and t not in systems] or re.search(
        r"biops|class\s+(?:I|V|[1-6])", item.main, _I
    ) or _REFRACTORY_CUES.search(item.main):
        return None
    concepts = [c for c in _concept_ids(diagnoses)]
    if onset:
        if not concepts:
            return item.manual(
                "the age at diagnosis of a condition the item does not name must be checked "
                "by a person",
                "onset",
                "timing:unnamed",
            )
        found = _onset(item)
        if found is None:
            return item.manual("the onset age is not recognised",
                               f"{item.vocab[concepts[0]].key}_onset", "timing:onset")  # fmt: skip
        op, years = found
        params = _timing_params(concepts, onset_op=op, onset_age_years=years)
        rule, suffix = "timing:onset", "onset"
    else:
        if not concepts:
            return None
        found_duration = _elapsed(item)
        if found_duration is None:
            return None
        params = _timing_params(concepts, **found_duration)
        rule, suffix = "timing:duration", "duration"
    item.take_terms([*concepts, "status.sle_criteria"])
    item.take_all(_TIMING_WORDS)
    item.take_all(_ANCHOR)
    citation = read_citation(item.main, concepts)
    for start, end in citation.spans if citation else ():
        item.take(start, end)
    _take_common(item)
    key = f"{item.vocab[concepts[0]].key}_{suffix}"
    return item.reading("diagnosis_timing", key, params, rule)


# "Diagnosed less than 6 months before screening", "a disease duration of < 1 year": as an
# exclusion, a maximum time since the diagnosis. Read as any mention in that time (the
# diagnosis reader's window), a patient diabetic for ten years and seen last month was
# excluded. ("Diagnosed within the last 3 months" stays that window over the mentions.)
_SHORTER_THAN = re.compile(
    rf"\b(?:diagnos\w*|(?:disease\s+)?duration)\b[^,;()]{{0,30}}?"
    rf"(?:less\s+than|shorter\s+than|fewer\s+than|under|<|≤|<=)\s*(?:{_NUM}|{_WORD_NUM})\s*"
    r"(?:days?|weeks?|months?|years?)\b",
    _I,
)


def _recent_diagnosis(item: _Item) -> bool:
    """Is the exclusion a disease diagnosed less than a stated time ago?"""
    return (not is_onset_age(item.main) and _WITHIN.search(item.main) is None
            and _SHORTER_THAN.search(item.main) is not None)  # fmt: skip


def _timing_params(concepts: list[str], **given: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "concepts": concepts,
        "min_duration_days": None,
        "max_duration_days": None,
        "duration_strict": False,
        "onset_op": None,
        "onset_age_years": None,
    }
    params.update(given)
    return params


def _onset(item: _Item) -> tuple[str, float] | None:
    m = _ONSET_AGE.search(item.main)
    if m is not None and m["word"].lower() != "at":
        item.take(m.start(), m.end())
        word = " ".join(m["word"].lower().split())
        return _ONSET_WORDS[word], float(m["n"])
    for cmp in _comparisons(item.main):
        if cmp.uln or not 0 < cmp.value < 120:
            continue
        unit = re.match(r"\s*(?:years?|yrs?)(?:\s+(?:of\s+age|old))?", item.main[cmp.num_end :],
                        _I)  # fmt: skip
        item.take(cmp.start, cmp.num_end + (unit.end() if unit else 0))
        return cmp.op, float(cmp.value)
    return None


def _elapsed(item: _Item) -> dict[str, Any] | None:
    within = _WITHIN.search(item.main)
    if within is not None:
        amount = _number(within["n"])
        if amount is None:
            return None
        item.take(within.start(), within.end())
        return {"max_duration_days": window_to_days(amount, within["unit"])}
    for m in _ELAPSED.finditer(item.main):
        amount = _number(m["n"])
        if amount is None or _PATIENT_AGE.match(item.main, m.end()):
            continue
        if not same_length(amount, m["unit"], m["again"], m["again_unit"]):
            return None  # "6 months (90 days)": which one is meant is for a person
        tail = (m["tail"] or "").lower()
        op = _op_of(m["op"]) if m["op"] else (
            ">=" if "more" in tail or "longer" in tail else "<=" if tail else None
        )
        if op is None:
            continue
        item.take(m.start(), m.end())
        days = said_days(amount, m["unit"], m["again"], m["again_unit"])
        if op in (">=", ">"):
            return {"min_duration_days": days, "duration_strict": op == ">"}
        return {"max_duration_days": days, "duration_strict": op == "<"}
    return None
