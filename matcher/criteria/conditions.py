"""Reader of the conditions of issue 12's vocabulary (malignancy, diabetes, tuberculosis,
splenectomy, liver disease ...) and of concepts whose data names this reader: current or
ever, a window, and the exceptions the item honours.

"History of malignancy except non-melanoma skin cancer" is malignancy ever with skin
cancer let through; "active or recent cancer < 3 years" is a 3-year window; "myocarditis
with congestive heart failure" (one condition narrowing another) is manual.
"""

from __future__ import annotations

import re
from typing import Any

from matcher.criteria.citation import outside_citations, read_citation
from matcher.criteria.kind_item import (
    _I,
    KindReading,
    _concept_ids,
    _exception_text,
    _in_context,
    _Item,
    _take_common,
    _take_window,
)
from matcher.criteria.lexicon import _NUM, _WORD_NUM, _number, _window
from matcher.criteria.other import left_out, other_spans
from matcher.criteria.temporality import (
    bare_current,
    lifelong_params,
    load_temporality,
    narrowing_qualifiers,
    standing_states,
)
from matcher.model import LOOKBACK_DAYS
from matcher.nlp.dates import window_to_days
from matcher.nlp.vocab import TermMatch

# =====================================================================================
# conditions of issue 12's vocabulary: current or ever, exceptions honoured
# =====================================================================================

# The conditions this module reads itself (the rest stay matcher.criteria's): "Active
# tuberculosis" is a current state, "History of malignancy" is ever, "malignancy except
# non-melanoma skin cancer" keeps the skin cancer out.
_CONDITIONS = frozenset({
    "dx.malignancy", "dx.nmsc", "dx.cervical_cis", "dx.diabetes", "dx.diabetes_t1",
    "dx.diabetes_t2", "dx.rpgn", "dx.psychiatric", "dx.substance_abuse", "dx.immunodeficiency",
    "proc.splenectomy", "dx.autoimmune_other", "dx.thromboembolism", "dx.dvt", "dx.pe",
    "dx.liver_disease", "dx.cirrhosis", "dx.tuberculosis", "dx.latent_tb",
})  # fmt: skip
_NOW = re.compile(
    r"\b(?:active|current|currently|ongoing|concomitant|concurrent|present|existing|"
    r"coexisting|co-existing)\b",
    _I,
)
_HISTORY = re.compile(
    r"\bhistory\s+of\b|\bmedical\s+history\b|\bprior\b|\bprevious(?:ly)?\b|\bpast\b|"
    r"\bever\b|\bat\s+any\s+time\b|\bknown\b|\bdocumented\b|\bdiagnos(?:ed|is)\s+(?:with|of)\b|"
    r"\bdiagnosed\b|\bpre-?\s?existing\b",
    _I,
)
# "recent cancer < 3 years", "≤ 5 years ago": a bound on how long ago, read as a window.
_RECENT = re.compile(
    rf"(?:<|≤|<=|less\s+than|under)\s*(?P<n>{_NUM}|{_WORD_NUM})\s*"
    rf"(?P<unit>days?|weeks?|months?|years?|yrs?)\b(?:\s+ago)?",
    _I,
)
# Words inside an honoured exception clause ("except adequately treated cervical carcinoma
# in situ"): they qualify what is let through.
_EXCEPTION_WORDS = re.compile(
    r"\b(?:except(?:ion)?|excluding|other\s+than|rather\s+than|besides|apart\s+from|unless|"
    r"with\s+the\s+exception\s+"
    r"of|adequately|curatively|successfully|completely|treated|resected|excised|cured|"
    r"localized|localised|no\s+evidence\s+of\s+(?:recurrence|disease)|without\s+recurrence|"
    r"that\s+has\s+been|which\s+has\s+been|has\s+been|been|in\s+situ)\b",
    _I,
)


def _is_condition(concept_id: str, item: _Item) -> bool:
    """One of the conditions above, or a concept whose data says so ("reader":
    "condition" in concepts.jsonl: herpes zoster, heart failure, pancreatitis ...)."""
    return concept_id in _CONDITIONS or item.vocab[concept_id].attrs.get("reader") == "condition"


# "Myocarditis with congestive heart failure": the second condition narrows the first.
# Read as a list, the exclusion would refuse a patient with heart failure alone.
_WITH = re.compile(r"\b(?:with|complicated\s+by|accompanied\s+by|causing|leading\s+to)\b", _I)


# "... prior to the stroke", "after the onset of the myocardial infarction": a condition
# that anchors the time of another, right before the condition's term.
_ANCHORED = re.compile(
    r"\b(?:prior\s+to|before|after|following|since|until)\s+(?:the\s+|his\s+|her\s+|"
    r"their\s+|a\s+|an\s+)?(?:onset\s+of\s+(?:the\s+|a\s+)?)?$",
    _I,
)


def _qualified_by_another(item: _Item, conditions: list[TermMatch]) -> str | None:
    for first, second in zip(conditions, conditions[1:], strict=False):
        between = item.main[first.end : second.start]
        if _WITH.search(between):
            return (
                f"{item.vocab[first.concept_id].label} qualified by "
                f"{item.vocab[second.concept_id].label} ('with') must be checked by a person"
            )
    return None


def _qualified_in_words(item: _Item, conditions: list[TermMatch]) -> bool:
    """Does the item qualify its condition in a way matcher.criteria.temporality reads
    and this reader does not: a judged word inside the term ("chronic liver disease":
    the long-standing disease now, not any liver disease ever), a suspicion that counts
    ("known or suspected TB"), or the state at the trial's start ("infection at study
    entry")? Then the general diagnosis reader reads it, as it reads "active TB"."""
    rules = load_temporality()
    terms = [(t.start, t.end, t.concept_id) for t in conditions]
    # A judged word outside the terms ("major psychiatric disorder") this reader would
    # leave over: the general reader reads it, and when neither reads the whole item its
    # reason names only the words left over there.
    outside = any(not any(t.start < m.end() and m.start() < t.end for t in item.terms)
                  for m in rules.judged.finditer(item.main))  # fmt: skip
    return bool(outside or narrowing_qualifiers(item.main, terms, item.vocab, rules)
                or rules.suspected.search(item.main) or rules.at_time.search(item.main))


def _condition(item: _Item) -> KindReading | None:
    conditions = item.of("diagnosis", "procedure")
    if not conditions or [t for t in item.terms if t not in conditions]:
        return None
    conditions = outside_citations(item.main, conditions)
    if not all(_in_context(t, item) for t in conditions):
        # "History of smoking" is not the current smoker the concept means, "stroke
        # volume" not a stroke: the general reader, which applies the vocabulary's context
        # filters as the note reader does, reads what is left.
        return None
    concepts = _concept_ids(conditions)
    if not all(_is_condition(c, item) for c in concepts):
        return None
    qualified = _qualified_by_another(item, conditions)
    if qualified is not None:
        return item.manual(qualified, item.vocab[concepts[0]].key, "condition:with")
    if _qualified_in_words(item, conditions):
        # After the "with" rule: "severe myocarditis with heart failure" stays one
        # condition narrowed by another, never a list the general reader would make.
        return None


    anchor = next((t for t in conditions if _ANCHORED.search(item.main, 0, t.start)), None)
    if anchor is not None:
        # "Dementia prior to the stroke": the stroke is when, not what, the item excludes.
        return item.manual(
            f"{item.vocab[anchor.concept_id].label} is the time the item is anchored to "
            "('prior to', 'after'): checked by a person",
            item.vocab[concepts[0]].key, "condition:anchor",
        )
    blanked = _exception_text(item)
    excepted = [t for t in item.vocab.find_terms(blanked) if left_out(concepts, t.concept_id,
                                                                         item.vocab)]
    # "Sjögren's syndrome per the 2002 AECG criteria": the standard cited for it.
    citation = read_citation(item.main, concepts)
    params: dict[str, Any] = {
        "concepts": concepts,
        "system": citation.label if citation else None,
        "ruled_out_not_met": not item.exclusion,
    }
    for start, end in citation.spans if citation else ():
        item.take(start, end)
    if excepted:
        params["except_concepts"] = _concept_ids(excepted)
        for term in excepted:
            item.take(term.start, term.end)
        item.take_all(_EXCEPTION_WORDS, blanked)
    window = _window(item.main)
    recent = _RECENT.search(item.main)
    if window is not None:
        _take_window(item, item.main)
        item.take_all(re.compile(r"\b(?:within|in|during)\s+the\s+(?:last|past|previous)\b|"
                                 r"\bwithin\b", _I))  # fmt: skip
    elif recent is not None and _number(recent["n"]) is not None:
        # "Active or recent cancer < 3 years": within the last 3 years, active included.
        window = window_to_days(_number(recent["n"]) or 0.0, recent["unit"])
        item.take(recent.start(), recent.end())
        item.take_all(re.compile(r"\brecent(?:ly)?\b", _I))
    if window is None and _NOW.search(item.main):
        # "Active tuberculosis", "current drug abuse", "concomitant other autoimmune
        # disease" name a current state: not this reader's; the general diagnosis reader
        # reads it with matcher.criteria.temporality (the lookback, never a past history).
        return None
    standing = standing_states(concepts, item.vocab, item.main, item.context)
    if window is None and not standing and item.exclusion and bare_current(
            concepts, item.vocab, item.main, item.context):  # fmt: skip
        params["bare_current"] = True
    if window is None and (standing or params.get("bare_current")):
        # "Hepatic failure patients", "end-stage renal failure": the state now, as "active
        # tuberculosis" is (a mention in the lookback; an older one is for a person).
        # "History of heart failure" stays ever. An exclusion's bare "Diabetes mellitus"
        # is the disease now too, and one that does not resolve holds from any mention.
        window = LOOKBACK_DAYS
        params["temporality"] = "current"
        params.update(lifelong_params(concepts, item.vocab))
    if window is not None:
        params["window_days"] = window
        # "Active or recent cancer < 3 years": the active one falls in the window too.
        item.take_all(_NOW)
    item.take_terms(concepts)
    if item.exclusion:
        # "History of other malignancy": the guard weighs it against the trial's own
        # condition (matcher.criteria.other).
        others = other_spans(item.main, [t.start for t in conditions])
        for start, end in others:
            item.take(start, end)
        if others:
            params["other_than_own"] = True
    item.take_all(_HISTORY)
    item.take_all(re.compile(r"\b(?:or|and|and/or|/|either)\b", _I))
    _take_common(item)
    key = item.vocab[concepts[0]].key
    rule = "condition:except" if excepted else "condition"
    return item.reading("diagnosis", key, params, rule)
