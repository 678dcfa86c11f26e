"""Registry eligibility text → computable criteria (matcher.model.Criterion).

The parser knows clinical language, never a particular trial: it is run on lupus and
lupus-nephritis trials nobody here has read. Three steps:

1. **Sections and items** (`_drafts`). "Inclusion Criteria:", "Key exclusion criteria",
   "Subjects meeting any of the following will be excluded" switch sections; with no
   heading everything is inclusion. Items are bullets in any glyph, numbered or lettered
   items, or plain lines. A sub-item that qualifies its parent ("defined as ...",
   "accompanied by ...") is merged into it; a parent that is only a heading ("Liver
   function:") groups its children and each child is its own criterion.
2. **Classification** (`_classify`): each item becomes one kind with typed params.
3. **Structured limits** (`parse_criteria`): the record's age limits and sex become
   criteria when the text does not state them.

`params` contract per kind (the evaluator in matcher.judge.evaluate relies on it; the fields, their
types and the defaults of optional ones are declared once in matcher.criteria.params and every
criterion is checked against them before it leaves the reader):

- age: {"min_years": int|None, "max_years": int|None}, inclusive completed years.
- sex: {"sex": "female"|"male"}.
- diagnosis: {"concepts": [ids], "system": str|None, "ruled_out_not_met": bool,
  "temporality": "ever"|"within"|"current"} (+ "window_days" when the text sets one:
  "malignancy within 5 years"; for "current", "active tuberculosis", the 90-day lookback)
  (+ "judged": [qualifiers as written] the notes cannot decide, "severe", "active" lupus
  nephritis: the criterion decides only their absence; matcher.criteria.temporality).
- biopsy: {"classes": ["III", "IV"], "allowed_with": ["V"], "window_days": int|None}
  (+ "judged": ["active"] when no class is named: "biopsy-confirmed active lupus
  nephritis" is decided only when no biopsy shows lupus nephritis).
- score: {"concept": id, "op": ">=", "value": float} or {"concept": id, "low": a, "high": b}.
- refractory: {"agents": [drug ids], "min_agents": int, "min_duration_days": int,
  "duration_strict": bool, "requires_active_proteinuria": bool}
  (+ "proteinuria_threshold" in g/g when the text gives one).
- drug_exposure: {"drugs": [drug ids, classes expanded; treatment procedures listed with
  them], "window_days": int|None} (+ "current": true, the drug taken now, its latest mention
  within window_days and not stopped, with "min_duration_days": int, "stable": true (the
  dose's stability is left to a person), "conditional": true ("if on X, ...": not taking
  it meets the item); "dose_limits": {drug id: {"dose_op", "dose_value", "dose_unit",
  "prednisone_equivalent"}} (that drug counts only at that daily dose); "indication": words
  (a documented exposure is left to a person); "exception_manual": words (an exception the
  notes cannot check: the case it could change is left to a person)).
- lab: {"analytes": [ids], "op": str, "value": float | "uln_multiple": float, "unit": str,
  "exceptions": [{"if": id, "then": "manual"} | {"if": id, "uln_multiple": k} |
  {"if": id, "value": v}], "csf_free_days": int|None, "below_manual": str|None}
  (+ "alternatives": [{"analytes", "op", "value"|"uln_multiple", "unit"} | {"concepts"}] and
  "combine": "or"|"and" when one item states thresholds for several analytes, or an
  exclusion adds conditions: "eGFR < 30 or on dialysis").
- cd19, venous, hemodynamic: {}; ana: {"min_titre": int}; consent: {} + manual_reason.
- manual: {} + manual_reason saying why it cannot be computed.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

from matcher.criteria import groups as criteria_groups
from matcher.criteria import guard
from matcher.criteria import lists as criteria_lists
from matcher.criteria import params as declared_params
from matcher.criteria.citation import implied_conditions, outside_citations, read_citation
from matcher.criteria.drug_headings import ceiling_heading_spans
from matcher.criteria.grammar import COMPUTABLE_KINDS, load_grammar, phrase_pattern
from matcher.criteria.other import other_spans
from matcher.criteria.record import RegistryRecord
from matcher.criteria.render import format_number, reading
from matcher.criteria.temporality import EITHER_COURSE, load_temporality, read_temporality
from matcher.criteria.temporality import RULE as TEMPORAL_RULE
from matcher.criteria.temporality import manual_reason as temporal_manual_reason
from matcher.errors import CriterionParamsError
from matcher.model import LOOKBACK_DAYS, SYSTEMIC_ROUTE, AnyOf, CohortScope, Criterion, Trial
from matcher.nlp.dates import window_to_days
from matcher.nlp.doses import steroid_factor
from matcher.nlp.units import canonical_unit, normalize
from matcher.nlp.vocab import Concept, TermMatch, Vocabulary, in_context, load_vocabulary

__all__ = [
    "format_criteria_table",
    "parse_criteria",
    "parse_criterion",
    "parse_eligibility_text",
    "trial_to_json",
]

INCLUSION = "inclusion"
EXCLUSION = "exclusion"
_I = re.IGNORECASE

# =====================================================================================
# Text helpers
# =====================================================================================

# One-to-one replacements so that positions survive: dashes and minus signs become "-",
# the less common comparison glyphs become the common ones.
_GLYPHS = str.maketrans(
    {"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-", "⩾": "≥", "≧": "≥", "⩽": "≤", "≦": "≤",
     # The modifier-letter arrowheads some word processors put for "<" and ">" ("Age ˂ 35").
     "˂": "<", "˃": ">"}
)


# Trade-mark signs are not part of a name: NFKC would make "Cytoxan™" "CytoxanTM", which
# no vocabulary term matches.
_MARKS = str.maketrans({"™": " ", "®": " ", "©": " "})


def _normalise(text: str) -> str:
    """Matching form of registry text: NFKC (full-width "＞" → ">", "⁹" → "9", NBSP →
    space), unified dashes and comparison glyphs. The criterion keeps its original text."""
    return unicodedata.normalize("NFKC", text.translate(_MARKS)).translate(_GLYPHS)


_NUMBER_WORDS = {
    "half": 0.5, "half a": 0.5, "half an": 0.5,  # "within the past half year"
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12,
}  # fmt: skip
_WORD_NUM = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


def _number(text: str) -> float | None:
    text = " ".join(text.strip().lower().replace(",", "").split())
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    try:
        return float(text)
    except ValueError:
        return None


def _tidy(value: float) -> float:
    return float(f"{value:.10g}")


# =====================================================================================
# Comparisons: "≥ 6", "at least 6", "6 or more", "≤ 3 × ULN", "< upper limit of normal"
# =====================================================================================

_OP_PHRASES: dict[str, str] = {
    # ≥: "6 or more" is handled as a suffix below.
    "≥": ">=", ">=": ">=", "=>": ">=", "> or =": ">=", ">/=": ">=", "at least": ">=",
    "no less than": ">=", "not less than": ">=", "no fewer than": ">=",
    "not fewer than": ">=", "greater than or equal to": ">=", "more than or equal to": ">=",
    "higher than or equal to": ">=", "equal to or greater than": ">=",
    "equal to or more than": ">=", "equal to or higher than": ">=",
    "equal or greater than": ">=", "a minimum of": ">=", "minimum of": ">=",
    "minimum": ">=", "no younger than": ">=", "not younger than": ">=",
    # "than" or "to" dropped, "or =" followed by "to": "greater or equal to 18", "> or = to 65"
    "greater or equal to": ">=", "greater or equal": ">=", "more or equal to": ">=",
    "higher or equal to": ">=", "superior or equal to": ">=", "> or = to": ">=",
    "more or equal": ">=", "higher or equal": ">=", "superior or equal": ">=",
    # ≤
    "≤": "<=", "<=": "<=", "=<": "<=", "< or =": "<=", "</=": "<=", "no more than": "<=",
    "not more than": "<=", "no greater than": "<=", "not greater than": "<=",
    "no higher than": "<=", "not higher than": "<=", "not exceeding": "<=",
    "not to exceed": "<=", "not exceed": "<=", "does not exceed": "<=", "up to": "<=",
    "at most": "<=", "a maximum of": "<=", "maximum of": "<=", "maximum": "<=",
    "less than or equal to": "<=", "lower than or equal to": "<=",
    "equal to or less than": "<=", "equal to or lower than": "<=",
    "equal or less than": "<=", "no older than": "<=", "not older than": "<=",
    "less or equal to": "<=", "less or equal": "<=", "lower or equal to": "<=",
    "inferior or equal to": "<=", "< or = to": "<=", "lower or equal": "<=",
    "inferior or equal": "<=",
    # >
    ">": ">", "greater than": ">", "more than": ">", "higher than": ">", "above": ">",
    "over": ">", "exceeding": ">", "exceeds": ">", "in excess of": ">",
    "older than": ">", "larger than": ">",
    # The slips "then" and "that" for "than" ("creatinine more then 2 mg/dL"): a number
    # must follow, so prose ("more, then ...") does not match.
    "more then": ">", "greater then": ">", "higher then": ">", "greater that": ">",
    "more that": ">",
    # <
    "<": "<", "less than": "<", "lower than": "<", "fewer than": "<", "below": "<",
    "under": "<", "younger than": "<", "smaller than": "<",
    "less then": "<", "lower then": "<", "less that": "<", "lower that": "<",
}  # fmt: skip


def _phrase_pattern(phrase: str) -> str:
    if phrase[0].isalpha():
        # Not followed by a letter, but a digit may follow: "greater than100 g/L".
        return r"\b" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?![^\W\d_])"
    return re.escape(phrase).replace(r"\ ", r"\s*")


_OP = "(?:" + "|".join(_phrase_pattern(p) for p in sorted(_OP_PHRASES, key=len, reverse=True)) + ")"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A number that is not part of a unit or a name: "10^9", "mm3", "1.73m2", "CD19", "2K".
_FREE_NUM = rf"(?<![A-Za-zμµ^×*/.,\d])(?<!x )(?<!X )(?<!× )(?<!\* ){_NUM}(?![\d])"
_PREFIX_CMP = re.compile(rf"(?P<op>{_OP})\s*(?:of\s+|a\s+|:\s*|=\s*)?(?P<num>{_NUM})(?![\d])", _I)
_ULN_WORDS = (
    r"(?:the\s+)?(?:institutional\s+)?(?:upper\s+limits?\s+of\s+(?:the\s+)?normal"
    r"(?:\s+range)?|upper\s+normal\s+(?:limits?|levels?|values?|range)|\(?ULN\)?|\bUNL\b)"
)
# "3 × ULN", "2 times the ULN", "2 fold of upper normal level"; after a multiplier, "the
# normal value" is the upper limit too ("ALT higher than 3 times the normal value", "2 X
# normal range"): read without it, "> 3 times the normal value" became "> 3 U/L".
_NORMAL_AS_ULN = r"(?:the\s+)?(?:upper\s+)?normal(?:\s+(?:values?|range|levels?|limits?))?\b"
# After a multiplier, "upper limit" needs no "of normal" ("3 times upper limit"), and the
# reference range's top is the ULN ("twice the highest reference value", "3 × the upper
# limit of the reference range").
_UPPER_REFERENCE = (
    r"(?:the\s+)?(?:upper\s+(?:limits?|reference\s+(?:limits?|values?))(?:\s+of\s+(?:the\s+)?"
    r"(?:normal|reference)(?:\s+(?:range|values?))?)?|highest\s+(?:reference|normal)\s+"
    r"(?:values?|limits?))\b"
)
_ULN_TAIL = re.compile(
    # "> 3N" (French and Chinese texts: 3 times normal), written right after the number
    r"(?:[x×*]\s?)?(?-i:N)(?![\w-])|"
    rf"\s*(?:(?:[x×*✕]|times|-?\s*fold(?:\s+of)?)?\s*{_ULN_WORDS}"
    rf"|(?:[x×*✕]|times|-?\s*fold(?:\s+(?:of|the))?)\s*(?:{_UPPER_REFERENCE}|{_NORMAL_AS_ULN}))",
    _I,
)
_OP_ULN = re.compile(rf"(?P<op>{_OP})\s*{_ULN_WORDS}", _I)
# "more than twice the upper limit of normal", "> three times ULN": a multiplier in words.
_WORD_MULTIPLE = {"twice": 2.0, "thrice": 3.0}
_OP_WORD_ULN = re.compile(
    rf"(?P<op>{_OP})\s*(?P<mult>twice|thrice|{_WORD_NUM}(?=\s*(?:times|-?\s*fold)))",
    _I,
)
# After "twice"/"thrice" (the multiplier and its "times" in one word) the limit follows.
_AFTER_TWICE = re.compile(rf"\s*(?:{_ULN_WORDS}|{_UPPER_REFERENCE}|{_NORMAL_AS_ULN})", _I)
# "Weight of 25 kg (55 lbs) or more": the same value in another unit may stand between the
# number and its suffix; only a number and a unit word, so that "(or 16 with consent)" does
# not pass.
_RESTATED = r"(?:\(\s*\d[\d.,]*\s*[A-Za-z%/]{1,8}\.?\s*\)\s*)?"
_SUFFIX_GE = re.compile(
    rf"^[^,;()]{{0,30}}?{_RESTATED}\b(?:or|and)\s+(?:more|greater|higher|above|over|older|"
    r"bigger|larger|longer)\b|^\s*\+",
    _I,
)
_SUFFIX_LE = re.compile(
    rf"^[^,;()]{{0,30}}?{_RESTATED}\b(?:or|and)\s+(?:less|lower|below|fewer|younger|under|"
    r"smaller|shorter)\b",
    _I,
)


# Every comparison has a number or names the upper limit of normal ("< ULN").
_MAY_COMPARE = re.compile(r"\d|ULN|UNL|upper\s+(?:limits?|normal)|\b(?:twice|thrice|times)\b", _I)


@dataclass(frozen=True)
class _Cmp:
    """One comparison in a criterion: op and number, where they sit, and whether the
    number is a multiple of the upper limit of normal ("≤ 3×ULN")."""

    op: str
    value: float
    start: int
    num_end: int
    uln: bool = False
    end: int = -1  # end of the whole phrase: "≤ 3 × ULN", "6 or more" (the coverage guard)

    @property
    def stop(self) -> int:
        return self.end if self.end >= 0 else self.num_end


def _op_of(phrase: str) -> str:
    key = " ".join(phrase.lower().split())
    return _OP_PHRASES.get(key) or _OP_PHRASES[re.sub(r"\s+", "", key)]


def _comparisons(text: str, start: int = 0) -> list[_Cmp]:
    """Every comparison from `start` on, in text order. A bare number counts only with a
    suffix operator ("5 years or older", "6 or more")."""
    if not _MAY_COMPARE.search(text, start):
        return []  # the common case, found at the speed of a character scan
    found: list[_Cmp] = []
    taken: list[tuple[int, int]] = []
    for m in _PREFIX_CMP.finditer(text, start):
        value = _number(m["num"])
        if value is None:
            continue
        uln = _ULN_TAIL.match(text, m.end("num"))
        stop = uln.end() if uln else m.end("num")
        found.append(_Cmp(_op_of(m["op"]), value, m.start(), m.end("num"), bool(uln), stop))
        taken.append((m.start("num"), m.end("num")))
    for m in _OP_ULN.finditer(text, start):
        found.append(_Cmp(_op_of(m["op"]), 1.0, m.start(), m.end(), True, m.end()))
    for m in _OP_WORD_ULN.finditer(text, start):
        word = m["mult"].lower()
        uln = (_AFTER_TWICE if word in _WORD_MULTIPLE else _ULN_TAIL).match(text, m.end())
        if uln is not None:  # "twice as long" is no multiple of a limit
            value = _WORD_MULTIPLE.get(word) or float(_NUMBER_WORDS[word])
            found.append(_Cmp(_op_of(m["op"]), value, m.start(), m.end(), True, uln.end()))
    taken_starts = [a for a, _ in taken]  # in text order: finditer does not overlap
    for m in re.finditer(_FREE_NUM, text[start:]):
        begin, end = m.start() + start, m.end() + start
        before = bisect.bisect_right(taken_starts, begin) - 1
        if before >= 0 and begin < taken[before][1]:
            continue
        tail = text[end : end + 60]
        suffix = _SUFFIX_GE.match(tail) or _SUFFIX_LE.match(tail)
        op = ">=" if _SUFFIX_GE.match(tail) else "<=" if _SUFFIX_LE.match(tail) else None
        value = _number(m[0])
        if op and value is not None and suffix is not None:
            uln = _ULN_TAIL.match(tail)
            stop = end + max(suffix.end(), uln.end() if uln else 0)
            found.append(_Cmp(op, value, begin, end, bool(uln), stop))
    found.sort(key=lambda c: c.start)
    return found


# =====================================================================================
# Windows and durations: "within 6 months prior to screening" → 183 days
# =====================================================================================

_UNIT = r"(?P<unit>days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?)\b"
_AMOUNT = rf"(?P<n>{_NUM}|{_WORD_NUM}|half\s+an?|half|a|an)"
_WINDOWS = (
    # "within 3 months", "in the past 6 months", "during the last year"
    re.compile(
        rf"\b(?:within|in|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding|prior)?"
        rf"\s*(?:{_AMOUNT}\s*)?{_UNIT}",
        _I,
    ),
    # "6 months before screening", "≤ 12 weeks prior to randomisation". The amount does
    # not start inside a longer number (a run of digits would be rescanned from each one).
    re.compile(
        rf"(?<![\d.,]){_AMOUNT}\s*{_UNIT}\s*(?:\w+\s+)?(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?"
        r"(?:screening|enrol|enroll|randomi|baseline|first|day|study|signing|consent|"
        r"infusion|lymphodepletion|cell|apheresis|leuka?pheresis|inclusion|visit|entry|"
        r"treatment|dosing)",
        _I,
    ),
)


# "Diagnosed at least 6 months before screening" sets a minimum time since the event,
# not a lookback window.
_MINIMUM_BEFORE = re.compile(
    r"(?:at\s+least|more\s+than|longer\s+than|over|no\s+less\s+than|not\s+less\s+than|"
    r"minimum\s+of|≥|>=|>)\s*$",
    _I,
)


def _window(text: str) -> int | None:
    """Days of the first time window in the text ("within 1 year" → 365), else None."""
    found = _window_match(text)
    return found[0] if found else None


# A window's own lead and anchor belong to it: "no more than 6 months prior to day 1",
# "up to 12 weeks before the signing of the informed consent form (Visit 1)".
_WINDOW_LEAD = re.compile(
    r"(?:\b(?:no|not)\s+(?:more|longer)\s+than|\bup\s+to|\bat\s+most|\bless\s+than|"
    r"\bwithin(?:\s+the)?)\s*$",
    _I,
)


@cache
def _anchor_tail() -> re.Pattern[str]:
    anchors = sorted(load_grammar().window_anchors, key=len, reverse=True)
    alternation = "|".join(phrase_pattern(a) for a in anchors)
    return re.compile(
        # "in the 12 months prior to or during screening": the window runs into screening.
        rf"\s*(?:,\s*)?(?:(?:before|prior\s+to|preceding|of|from|until|at)"
        r"(?:\s+or\s+(?:during|at))?\s+)?"
        rf"(?:(?:the|signing|signing\s+of)\s+)*(?:{alternation})(?:\s+(?:period|phase))?"
        r"(?:\s*\(\s*(?:visit|day|week|v)\s*[\w.-]{1,4}\s*\))?"
        # "... prior to signing ICF or during the screening period"
        r"(?:\s*(?:,\s*)?or\s+(?:during|at|within)\s+(?:the\s+)?screening(?:\s+(?:period|phase|visit))?)?"
        r"|\w*",
        _I,
    )


def _window_match(text: str) -> tuple[int, int, int] | None:
    """(days, start, end) of the first time window, the span with its lead and anchor."""
    for pattern in _WINDOWS:
        for m in pattern.finditer(text):
            lead = text[max(0, m.start() - 24) : m.start()]
            minimum = _MINIMUM_BEFORE.search(lead)
            # "no more than 6 months prior to day 1" is a window, not a minimum.
            if minimum and not re.search(r"\b(?:no|not)\s+$", lead[: minimum.start()]):
                continue
            amount = _number(m["n"]) if m["n"] else 1.0
            if amount is not None:
                own_lead = _WINDOW_LEAD.search(lead)
                start = m.start() - (len(lead) - own_lead.start()) if own_lead else m.start()
                # "6 months prior to day 1": the pattern stops inside the anchor; read
                # the anchor again from its preposition.
                inner = re.search(r"(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?",
                                  m[0][m.end("unit") - m.start() :], _I)  # fmt: skip
                anchor_at = m.end("unit") + inner.end() if inner else m.end()
                tail = _anchor_tail().match(text, anchor_at)
                end = max(tail.end() if tail else m.end(), m.end())
                return _days(amount, m["unit"]), start, end
    return None


def _days(amount: float, unit: str) -> int:
    """Days of a window; half a year is six months (183 days), as a sponsor means it,
    not 182.5 rounded down."""
    if amount == 0.5 and unit.lower().startswith("y"):
        return window_to_days(6, "months")
    return window_to_days(amount, unit)


_DURATION = re.compile(
    rf"(?P<lead>more\s+than|longer\s+than|over|exceeding|in\s+excess\s+of|>|at\s+least|"
    rf"no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of|minimum\s+of|≥|>=|for|after|"
    rf"lasting)\s*(?:the\s+)?(?:(?:at\s+least|more\s+than|≥|>=|>)\s*)?{_AMOUNT}\s*{_UNIT}"
    r"(?P<tail>\s+(?:or|and)\s+(?:more|longer))?",
    _I,
)
_STRICT_LEADS = ("more", "longer", "over", "exceeding", "in excess", ">")


def _duration(text: str, spans: list[tuple[int, int]] | None = None) -> tuple[int, bool] | None:
    """Minimum treatment length: "for more than 6 months" → (183, strict). `spans`
    collects where it was read."""
    m = _DURATION.search(text)
    if m is None:
        return None
    amount = _number(m["n"])
    if amount is None:
        return None
    lead = " ".join(m[0].lower().split())
    strict = any(lead.startswith(s) or f"for {s}" in lead for s in _STRICT_LEADS)
    strict = strict and not lead.startswith((">=", "≥"))
    if spans is not None:
        spans.append((m.start(), m.end()))
    return window_to_days(amount, m["unit"]), strict


# =====================================================================================
# Step 1: sections and items
# =====================================================================================

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    r"(?P<glyph>[•∙‣⁃·●○◦▪■□➢►⦁➤▸✓]|[*\-–—](?=\s))"
    r"|(?P<num>\(?\d{1,2}(?:\.\d{1,2})*[.)、](?!\d)|\(\d{1,2}\))"
    r"|(?P<roman>\(?(?i:i{1,3}|iv|vi{0,3}|ix|x)[.)](?=\s))"
    r"|(?P<alpha>\(?[a-zA-Z][.)](?=\s))"
    r")\s*(?P<rest>.*)$"
)


@dataclass
class _Line:
    indent: int
    marker: str  # "" (plain line), the glyph, or "num" / "roman" / "alpha"
    text: str


# A sentence end inside a paragraph: "...(57); Age at enrolment ≤ 18 years. Female of
# child-bearing potential ..." holds three criteria a coordinator screens separately. The
# end is a full stop or semicolon after a lower-case word, a number, ")" or "%", followed
# by a capital; "e.g. Crohn's", "vs. MMF", "U.S. Food" and "1.5" are not ends.
_SENTENCE_END = re.compile(
    r"(?<![A-Za-z][.])(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\betc)(?<!\bapprox)"
    r"(?<!\bincl)(?<!\bca)(?<!\bcf)(?<!\bNo)(?<!\bDr)(?<!\bSt)"
    r"(?<=[a-z0-9)\]%])[.;]\s+(?=[A-Z(\"“])"
)


def _sentences(text: str) -> list[str]:
    """The sentences of one plain paragraph line, in order (one line if it has one)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.start() + 1].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.expandtabs(4).splitlines():
        if not raw.strip():
            continue
        m = _MARKER.match(raw)
        if m is None or not m["rest"].strip():
            indent = len(raw) - len(raw.lstrip())
            lines.extend(_Line(indent, "", sentence) for sentence in _sentences(raw.strip()))
            continue
        family = m["glyph"] or ("num" if m["num"] else "roman" if m["roman"] else "alpha")
        lines.append(_Line(len(m["indent"]), family, m["rest"].strip()))
    return lines


_SECTION_PREFIX = (
    # A bilingual record may put the heading in another script first: "入选标准 Inclusion".
    r"(?:[^\x00-\x7F]+[\s:：]*)?"
    r"(?:(?:key|main|major|primary|principal|general|other|additional|specific|study|subject|"
    r"patient|participant)\s+)?"
)
_SECTION_SHORT = re.compile(
    rf"^{_SECTION_PREFIX}(?P<kind>non-inclusion|inclusion|exclusion)(?:\s+criteri(?:a|on))?"
    r"(?:\s+(?:include|includes|are|is)|\s+for\s+[^:]{1,40})?\s*(?::\s*(?P<rest>.*))?$",
    _I,
)
_EXCLUSION_CUE = re.compile(
    r"\bexclu|\bineligible\b|\bnot\s+(?:be\s+)?eligible\b|\bnot\s+be\s+(?:enrolled|included|"
    r"randomi[sz]ed)\b|\bnot\s+qualify\b",
    _I,
)
_INCLUSION_CUE = re.compile(
    r"\binclu|\beligible\b|\bmust\s+(?:meet|fulfil|fulfill|satisfy|have)\s+all\b|"
    r"\bqualify\b|\bto\s+be\s+enrolled\b",
    _I,
)


def _section_heading(text: str) -> tuple[str, str] | None:
    """("inclusion"|"exclusion", rest of the line) when this line opens a section."""
    clean = _normalise(text).strip().strip("*#_ ").strip()
    m = _SECTION_SHORT.match(clean)
    if m:
        kind = EXCLUSION if m["kind"].lower() != "inclusion" else INCLUSION
        return kind, (m["rest"] or "").strip()
    # Sentence form: "Subjects meeting any of the following will be excluded".
    if len(clean) > 200 or not ("following" in clean.lower() or clean.endswith(":")):
        return None
    if _EXCLUSION_CUE.search(clean):
        return EXCLUSION, ""
    if _INCLUSION_CUE.search(clean) and "following" in clean.lower():
        return INCLUSION, ""
    return None


_NOISE = re.compile(
    r"^(?:eligibility(?:\s+criteria)?|criteria|participation\s+requirements|view)\s*:?\s*$"
    r"|^(?:sex|gender|sexes\s+eligible(?:\s+for\s+study)?|genders?\s+eligible(?:\s+for\s+study)?"
    r"|minimum\s+age|maximum\s+age|ages?\s+eligible(?:\s+for\s+study)?|accepts\s+healthy\s+"
    r"volunteers|healthy\s+volunteers|sampling\s+method|study\s+population)\s*:",
    _I,
)

# Sub-items that only make sense as part of their parent: "∙ defined as treatment with
# two or more immunosuppressants ...", "‣ accompanied by proteinuria without remission".
_STRONG_QUALIFIER = re.compile(
    r"^(?:defined\s+(?:as|by)|as\s+defined|accompanied\s+by|i\.\s?e\.|e\.\s?g\.|including|"
    r"includes|such\s+as|with\s+or\s+without|which|whose|in\s+whom|as\s+(?:evidenced|"
    r"documented|confirmed|shown)|characteri[sz]ed\s+by|namely|that\s+is)\b",
    _I,
)
# Continue a parent that has not ended its sentence: "Proteinuria ≥ 1 g/day," + "with
# active urinary sediment".
_WEAK_QUALIFIER = re.compile(
    r"^(?:with|without|and|or|who|that|despite|after|due\s+to|caused\s+by|except|excluding|"
    r"unless|plus|but|where|when|if)\b",
    _I,
)
# A parent whose own text ends by announcing its definition: "Active LN, defined as:".
_DEFINING_END = re.compile(
    r"(?:defined\s+(?:as|by)|as\s+defined\s+by|characteri[sz]ed\s+by|evidenced\s+by|"
    r"confirmed\s+by|documented\s+by|meeting|fulfilling|with|including|i\.\s?e\.|such\s+as|"
    r"accompanied\s+by|as\s+shown\s+by|based\s+on)\s*[:：]\s*$",
    _I,
)
# A requirement that ends by joining the next items to it: "..., AND:", "plus:".
_CONJUNCTION_END = re.compile(r"(?:^|[\s,;])(?:and|plus)\s*[:：]\s*$", _I)
# "Refractory disease, defined as:" names a state (status concept) that its sub-items
# define; "Adequate organ function as follows:" names nothing and only groups them.
_COMPUTABLE = frozenset({"diagnosis", "procedure", "lab", "score", "drug", "drug_class", "status"})


@dataclass
class _Draft:
    section: str
    text: str
    indent: int
    marker: str
    context: tuple[str, ...] = ()
    heading: bool = False  # "Liver function:": dropped when items follow it
    collects: bool = False  # "Active LN defined as:": absorbs its sub-items
    followed: bool = False
    head: str | None = None  # a collecting parent's own text: it decides the kind
    cohort: str | None = None  # "Part B": the item applies to one cohort only
    ordinal: int = -1  # its place among the drafts (headings included), for `heads`
    heads: tuple[int, ...] = ()  # the ordinals of the headings in `context`


def _ends_with_colon(text: str) -> bool:
    return text.rstrip().endswith((":", "："))


def _has_content(text: str) -> bool:
    """Does the text name something computable itself ("eGFR", "SLE", "≥ 30")?"""
    vocab = load_vocabulary()
    norm = _normalise(text)
    if any(vocab[t.concept_id].category in _COMPUTABLE for t in vocab.find_terms(norm)):
        return True
    return bool(_comparisons(norm))


def _is_sub_item(line: _Line, parent: _Draft) -> bool:
    """Does `line` sit under `parent`? Deeper indentation, or the same indentation with
    another marker ("1." then "a."; "•" then "∙"). Glyphs alone are unreliable (registry
    exports switch glyphs mid-list), so this only scopes headings, never splits items."""
    if line.indent != parent.indent:
        return line.indent > parent.indent
    return line.marker != parent.marker


def _starts_prose_continuation(text: str) -> bool:
    """A lower-case start that is not itself a named analyte or drug: "prothrombin time
    (PT) ≤1.5×ULN" is a new item, "and no evidence of ..." continues the last one."""
    if not text[:1].islower():
        return False
    terms = load_vocabulary().find_terms(_normalise(text))
    return not (terms and terms[0].start == 0)


def _continues(line: _Line, last: _Draft) -> bool:
    if _STRONG_QUALIFIER.match(line.text):
        return True
    if line.marker == "" and line.indent > last.indent:
        return True  # a hard-wrapped line of the item above
    if last.text.rstrip().endswith((".", ";", ":", "：", "。")):  # not a rescan of the item
        return False
    if _WEAK_QUALIFIER.match(line.text):
        return True  # "• Hemoglobin ≥ 80 g/L," + "• and no transfusion in the past month"
    if line.marker == "" and _DANGLING_END.search(last.text):
        # A hard-wrapped paragraph: "... any clinically significant or unstable medical or"
        # + "psychiatric disorder." is one item; read alone, the second line excluded any
        # psychiatric illness and lost "clinically significant or unstable".
        return True
    # A sibling bullet is its own item even when it starts in lower case: "* have active
    # DLE ..." then "* have a confirmed diagnosis of SLE ..." are two criteria.
    sibling = bool(line.marker) and line.marker == last.marker and line.indent == last.indent
    return not sibling and _starts_prose_continuation(line.text)


# A line that stops on a word that needs what follows: a connective, a preposition, an
# article, a comma or an open bracket.
_DANGLING_END = re.compile(
    r"(?:\b(?:or|and|and/or|nor|of|with|without|to|than|the|a|an|any|in|for|by|from|on|at|"
    r"as|such|other|including|except|unless|who|which|that)|[,(/\-])\s*$",
    _I,
)


def _join(first: str, second: str) -> str:
    return f"{first.rstrip()} {second.strip()}"


class _Builder:
    """Turns the lines of one eligibility text into criterion drafts, in order."""

    def __init__(self, populations: dict[str, str] | None = None) -> None:
        # "For patients:" / "For control subjects:": block headings naming a population
        # (matcher.criteria.groups.population_headings), each a cohort of its own.
        self.populations = populations or {}
        self.drafts: list[_Draft] = []
        self.section = INCLUSION
        self.open: list[_Draft] = []  # headings / collecting parents still in scope
        self.last: _Draft | None = None  # what a continuation line joins
        self.pending: list[_Draft] = []  # headings of this section with nothing after yet
        self.cohort: tuple[str, int] | None = None  # ("Part B", indent of its heading)

    def feed(self, line: _Line) -> None:
        opened = _section_heading(line.text)
        if opened is not None:
            self.section, rest = opened
            self.open, self.last, self.pending = [], None, []
            cohort = guard.cohort_heading(_normalise(line.text), in_section_heading=True)
            self.cohort = (cohort, line.indent) if cohort else None
            if not rest:
                return
            line = _Line(line.indent, line.marker, rest)
        if _NOISE.match(_normalise(line.text).strip()):
            return
        if self._cohort_line(line):
            return
        self._close_scopes(line)
        collector = next((p for p in reversed(self.open) if p.collects), None)
        if collector is not None:
            collector.text = _join(collector.text, line.text)
            return
        if self.last is not None and _continues(line, self.last):
            self.last.text = _join(self.last.text, line.text)
            return
        self._add(line)

    def _cohort_line(self, line: _Line) -> bool:
        """ "Part B:", "Populations 1 & 2", "For all": a heading that scopes the items
        after it to one cohort (or to everyone again). The heading itself is no
        criterion. A cohort ends at the next such heading, a section heading, or a line
        less indented than its heading."""
        if self.cohort is not None and line.indent < self.cohort[1]:
            self.cohort = None
        text = _normalise(line.text)
        if guard.cohort_reset(text):
            self.cohort, self.last = None, None
            return True
        cohort = guard.cohort_heading(text) or self.populations.get(
            line.text.strip().strip("*#_ ").strip()
        )
        if cohort is None:
            return False
        self.cohort, self.last = (cohort, line.indent), None
        return True

    def _close_scopes(self, line: _Line) -> None:
        kept: list[_Draft] = []
        # "* Adequate organ function:" after "Refractory LN:" at the same indentation
        # opens a new group of its own: a heading that only groups is no sub-heading.
        grouping = _ends_with_colon(line.text) and _groups_only(line.text.rstrip().rstrip(":："))
        for parent in self.open:
            if not _is_sub_item(line, parent) or (grouping and parent.heading
                                                  and parent.indent >= line.indent):  # fmt: skip
                break
            kept.append(parent)
        self.open = kept

    def _add(self, line: _Line) -> None:
        for heading in self.pending:
            # A heading groups the items under it; one whose next item is its sibling
            # ("2. SLE per ACR, at least one of which must be:" then "3. ANA ≥ 1:40")
            # groups nothing and stays an item, so its requirement is not dropped.
            heading.followed = heading.marker == "" or _is_sub_item(line, heading)
        self.pending = []
        context = tuple(p.text for p in self.open if p.heading)
        draft = _Draft(self.section, line.text, line.indent, line.marker, context,
                       cohort=self.cohort[0] if self.cohort else None,
                       ordinal=len(self.drafts),
                       heads=tuple(p.ordinal for p in self.open if p.heading))  # fmt: skip
        self.drafts.append(draft)
        self.last = draft
        if not _ends_with_colon(line.text):
            return
        if _CONJUNCTION_END.search(line.text):
            # "Persistent active nephritis after two induction regimens, AND:": a
            # requirement joined to the items after it, not a heading over them.
            return
        if _DEFINING_END.search(line.text) and _has_content(line.text):
            draft.collects = True
            draft.head = line.text
        else:
            draft.heading = True
            self.last = None
            self.pending.append(draft)
        self.open.append(draft)

    def result(self) -> list[_Draft]:
        # A heading that groups items is not a criterion; one with nothing after it
        # stays (as whatever it classifies to), so nothing is dropped silently.
        return [d for d in self.drafts if not (d.heading and d.followed)]


def _drafts(text: str) -> list[_Draft]:
    lines = list(_lines(text))
    builder = _Builder(criteria_groups.population_headings([line.text for line in lines]))
    for line in lines:
        builder.feed(line)
    return builder.result()


# =====================================================================================
# Step 2: classification
# =====================================================================================


@dataclass(frozen=True)
class _Parsed:
    kind: str
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    manual_reason: str | None = None
    trace: tuple[str, ...] = ()  # the rules that produced it (Criterion.trace)


@dataclass(frozen=True)
class _Ctx:
    """One criterion being classified."""

    text: str  # normalised
    main: str  # normalised, with exception clauses blanked out (same length)
    exceptions: tuple[str, ...]
    type: str
    context: tuple[str, ...]
    vocab: Vocabulary
    terms: tuple[TermMatch, ...]  # vocabulary mentions in `main`
    exception_spans: tuple[tuple[int, int], ...] = ()  # where `exceptions` sit in `text`
    # What the reading consumed, for the coverage guard: (start, end, rule id) in `text`,
    # the exception clauses the kind honours, and spans read in a heading (index, s, e).
    taken: list[tuple[int, int, str]] = field(default_factory=list)
    honoured: list[tuple[int, int]] = field(default_factory=list)
    heading_taken: list[tuple[int, int, int]] = field(default_factory=list)
    # The trial is about lupus (its title or an inclusion item names it), so an item that
    # does not repeat the disease ("Refractory disease, defined as: failure of MMF") may
    # still be read with the lupus-nephritis rules.
    lupus_trial: bool = False

    def take(self, start: int, end: int, rule: str) -> None:
        if end > start:
            self.taken.append((start, end, rule))

    def take_terms(self, concepts: Iterable[str], rule: str = "term") -> None:
        """The mentions of these concepts are part of the reading."""
        wanted = set(concepts)
        for term in self.terms:
            if term.concept_id in wanted:
                self.take(term.start, term.end, rule)

    def concepts(self, *categories: str) -> list[str]:
        seen: list[str] = []
        for term in self.terms:
            category = self.vocab[term.concept_id].category
            if category in categories and term.concept_id not in seen:
                seen.append(term.concept_id)
        return seen

    def mentions(self, *categories: str) -> list[TermMatch]:
        return [t for t in self.terms if self.vocab[t.concept_id].category in categories]

    @property
    def exclusion(self) -> bool:
        return self.type == EXCLUSION

    def window(self) -> int | None:
        """The item's own window, else one set by its heading ("Any of the following
        within 6 months before screening:" + "• belimumab")."""
        own = _window_match(self.text)
        if own is not None:
            self.take(own[1], own[2], "window")
            return own[0]
        for index, heading in enumerate(self.context):
            found = _window_match(_normalise(heading))
            if found is not None:
                self.heading_taken.append((index, found[1], found[2]))
                self.taken.append((0, 0, "window:heading"))
                return found[0]
        return None

    def key(self, base: str) -> str:
        return f"x_{base}" if self.exclusion else base

    @cached_property
    def _comparisons(self) -> list[_Cmp]:
        return _comparisons(self.main)

    @cached_property
    def _comparison_starts(self) -> list[int]:
        return [c.start for c in self._comparisons]

    def comparisons_between(self, start: int, stop: int) -> list[_Cmp]:
        """The comparisons of `main` that start in [start, stop), found once per item and
        looked up by position: rescanning the rest of the item for each of its analytes
        would be quadratic. (A scan from `start` finds the same ones: an analyte mention
        ends before a non-word character, so no number starts where it ends.)"""
        first = bisect.bisect_left(self._comparison_starts, start)
        last = bisect.bisect_left(self._comparison_starts, stop)
        return self._comparisons[first:last]


# "(except elevated ALT caused by inflammatory myopathy)", ", unless due to Gilbert's".
_EXCEPTION_CUE = r"(?:except|excluding|exception|unless|other\s+than|apart\s+from|if\s+due\s+to)"
# An opening bracket that is closed: checked first, so that an unclosed "(" is given up at
# once instead of being rescanned for every comparison or cue after it (quadratic).
_CLOSED_PAREN = r"\((?=[^()]*\))"
_EXCEPTION_PAREN = re.compile(rf"{_CLOSED_PAREN}[^()]*\b{_EXCEPTION_CUE}\b[^()]*\)", _I)
_EXCEPTION_TAIL = re.compile(rf"(?<=\S)[,;]?\s*\b{_EXCEPTION_CUE}\b[^;()]*", _I)
# "Other than SLE, any autoimmune disease": a leading exception runs to the comma.
_EXCEPTION_LEAD = re.compile(rf"^\s*{_EXCEPTION_CUE}\b[^,;()]*,", _I)


def _split_exceptions(text: str) -> tuple[str, tuple[str, ...], tuple[tuple[int, int], ...]]:
    """The text with exception clauses blanked (positions kept), the clauses, and where
    they were."""
    main = text
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for pattern in (_EXCEPTION_PAREN, _EXCEPTION_LEAD, _EXCEPTION_TAIL, _CONDITIONAL_LIMIT):
        blank: list[tuple[int, int]] = []  # this pattern's clauses, blanked in one pass
        for m in pattern.finditer(main):
            clause = m[0]
            if pattern is _EXCEPTION_TAIL:
                # "unless due to Gilbert's syndrome (≤ 3 x ULN)": the limit in brackets
                # right after the clause belongs to it.
                limit = _LIMIT_PAREN.match(main, m.end())
                if limit is not None:
                    clause += limit[0]
                    m_end = limit.end()
                else:
                    m_end = m.end()
            else:
                m_end = m.end()
            if pattern is _CONDITIONAL_LIMIT and not _names_condition(clause):
                continue
            found.append(clause)
            spans.append((m.start(), m_end))
            blank.append((m.start(), m_end))
        main = _blanked(main, blank)
    return main, tuple(found), tuple(spans)


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span (in order, possibly overlapping) replaced by spaces, in one
    pass: blanking a thousand clauses one copy at a time would be quadratic."""
    pieces: list[str] = []
    last = 0
    for begin, end in spans:
        begin = max(begin, last)
        if end > begin:
            pieces += [text[last:begin], " " * (end - begin)]
            last = end
    return "".join(pieces) + text[last:]


# "(Gilbert syndrome ≤3.0×ULN)", "(≤3.0×ULN for patients with Gilbert's)": a bracketed
# limit for a named condition is an exception even without "except".
_CONDITIONAL_LIMIT = re.compile(rf"{_CLOSED_PAREN}[^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")
_LIMIT_PAREN = re.compile(rf"\s*{_CLOSED_PAREN}[^()]*(?:≤|<=|<|≥|>=|>|\bup\s+to\b)[^()]*\)")


def _names_condition(clause: str) -> bool:
    vocab = load_vocabulary()
    return any(vocab[t.concept_id].category == "diagnosis" and t.concept_id not in
               ("dx.sle", "dx.lupus_nephritis") for t in vocab.find_terms(clause))


def _context(
    raw: str, ctype: str, context: Sequence[str] = (), lupus_trial: bool = False
) -> _Ctx:
    vocab = load_vocabulary()
    text = _normalise(raw)
    main, exceptions, spans = _split_exceptions(text)
    # The vocabulary's context filters for homonyms, as for notes: "pelvic LN metastasis"
    # is a lymph node and "lupus anticoagulant" a coagulation test, not lupus. A procedure's
    # filters name other organs' biopsies for the bare word "biopsy", which `_biopsy` tells
    # apart itself; here they would also drop "subjects with kidney biopsy confirmed LN".
    terms = tuple(
        t for t in vocab.find_terms(main)
        if vocab[t.concept_id].category == "procedure"
        or in_context(main, t.start, t.end, vocab[t.concept_id])
    )
    return _Ctx(
        text, main, exceptions, ctype, tuple(context), vocab, terms, spans,
        lupus_trial=lupus_trial,
    )


def _manual(reason: str, key: str = "manual") -> _Parsed:
    return _Parsed("manual", key, {}, reason)


# ---------------------------------------------------------------- consent, venous, hemo

_CONSENT = re.compile(
    r"informed\s+consent|\bconsent\b|\bassent\b|\bwilling|\bunwilling|\bcomply\b|"
    r"\bcompliance\b|\bable\s+to\s+(?:understand|follow|adhere|attend|complete)|"
    r"voluntar|\bsign(?:ed|s)?\b.{0,30}\b(?:icf|consent|form)\b",
    _I,
)


# "within 3 months before leukapheresis", "prior to signing informed consent": the event
# only anchors a window; the criterion is about the drug or condition before it.
_TIME_ANCHOR = re.compile(
    r"\b(?:before|prior\s+to|preceding|until|after|at\s+the\s+time\s+of|of)\s+(?:the\s+)?"
    r"(?:signing\s+(?:of\s+)?(?:the\s+)?(?:informed\s+)?consent(?:\s+form)?|(?:informed\s+)?"
    r"consent(?:\s+form)?|leuka?pheresis|leukaphoresis|apheresis|cell\s+collection)\b",
    _I,
)


def _unanchored(text: str) -> str:
    return _TIME_ANCHOR.sub(" ", text)


def _consent(ctx: _Ctx) -> _Parsed | None:
    if not _CONSENT.search(_unanchored(ctx.text)):
        return None
    return _Parsed(
        "consent",
        ctx.key("consent"),
        {},
        "informed consent/assent and willingness to take part are confirmed at screening",
    )


_VENOUS = re.compile(
    r"venous\s+access|vascular\s+access|peripheral\s+access|cell\s+collection|"
    r"\b(?:apheresis|leuka?pheresis|leukaphoresis)\b|"
    r"collection\s+of\s+(?:cells|lymphocytes|pbmc)",
    _I,
)


def _venous(ctx: _Ctx) -> _Parsed | None:
    """CAR-T trials need apheresis: "good venous access, no contraindication to cell
    collection". As an exclusion ("contraindication to leukapheresis") the patient
    must *have* the problem, so it is a documented-condition check instead."""
    if not _VENOUS.search(_unanchored(ctx.text)):
        return None
    for m in _VENOUS.finditer(ctx.text):
        ctx.take(m.start(), m.end(), "venous")
    if ctx.exclusion:
        params = _diagnosis_params(["status.poor_venous_access"], ctx)
        return _Parsed("diagnosis", "x_venous", params)
    return _Parsed("venous", "venous", {})


_HEMO_STABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+stab|heart\s+function|cardiac\s+function|"
    r"cardiovascular(?:ly)?\s+stab",
    _I,
)
_HEMO_UNSTABLE = re.compile(
    r"ha?emodynamic(?:ally)?\s+(?:instab|unstab|compromise)|\bshock\b|vasopressor|inotrop",
    _I,
)


def _hemodynamic(ctx: _Ctx) -> _Parsed | None:
    for pattern in (_HEMO_STABLE, _HEMO_UNSTABLE):
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "hemodynamic")
    ctx.take_terms(["status.hemodynamic_instability", "status.hemodynamic_stability"])
    if ctx.exclusion and _HEMO_UNSTABLE.search(ctx.text):
        params = _diagnosis_params(["status.hemodynamic_instability"], ctx)
        return _Parsed("diagnosis", "x_hemo", params)
    if ctx.exclusion or not _HEMO_STABLE.search(ctx.text):
        return None
    if _comparisons(ctx.text):
        return None  # "Cardiac function: LVEF ≥ 50%" is a measurement, not stability
    return _Parsed("hemodynamic", "hemo", {})


# ---------------------------------------------------------------- manual cues

# "Expected to require dialysis during the study", "transplant planned within the trial":
# notes record what was done, not what is planned or expected (a plan is not the
# procedure). Beside a finding ("currently on dialysis, or expected to need it") an
# exclusion is cut in two (`_compound`): the finding computed, the plan for a person.
_PLAN = re.compile(
    r"\b(?:expected|anticipated|likely|planned|planning|scheduled|intend(?:s|ed|ing)?)\s+to\s+"
    r"(?:require|need|undergo|receive|start|begin)\b|"
    r"\b(?:planned|scheduled|anticipated|expected)\s+(?:[\w-]+\s+){0,3}?(?:during|within|in)\s+"
    r"(?:the\s+)?(?:course\s+of\s+(?:the\s+)?)?(?:study|trial)\b",
    _I,
)
_PLAN_REASON = (
    "a plan or an expectation (to need or undergo something during the study) is not in "
    "the notes: a plan is not the procedure; checked by a person"
)

_VACCINE = re.compile(r"vaccin", _I)
_CONTRACEPTION_REASON = "pregnancy testing and contraception are checked at screening"
_MANUAL_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"contracept|birth\s+control|pregnancy\s+test|child-?bearing\s+potential|"
            r"\bb?-?hcg\b|β-?hcg",
            _I,
        ),
        _CONTRACEPTION_REASON,
    ),
    (
        re.compile(
            r"\b(?:opinion|judg(?:e)?ment|discretion|assessment)\s+of\s+the\s+(?:treating\s+)?"
            r"investigator|investigator'?s?\s+(?:opinion|judg|discretion|assessment)|"
            r"(?:judged|considered|deemed)\s+(?:by\s+the\s+investigator|unsuitable|"
            r"inappropriate)",
            _I,
        ),
        "requires the investigator's judgement",
    ),
    # An allergy to an agent (before other studies: "hypersensitivity to the investigational
    # product" is an allergy), not an allergic disease ("other than allergic rhinitis",
    # "allergic bronchopulmonary aspergillosis", "hypersensitivity pneumonitis"), an
    # allergen challenge or an allergist.
    (re.compile(
        r"allerg(?!en|ist|olog|ic\s+(?:rhinitis|rhino|asthma|diseases?|disorders?|"
        r"conjunctivitis|bronchopulmonary|dermatitis))|"
        r"hypersensitiv(?!ity\s+(?:pneumonitis|vasculitis))",
        _I,
    ), "allergies are checked at screening"),
    (
        re.compile(
            # "... and other study procedures", "other study visits": this study's own.
            r"(?:another|other)\s+(?:interventional\s+)?(?:clinical\s+)?(?:trial|study)"
            r"(?!\s+(?:procedures?|visits?|requirements?|assessments?|activities|schedule))|"
            r"investigational\s+(?:drug|product|agent|medicinal|therapy)",
            _I,
        ),
        "participation in other studies is checked at screening",
    ),
    (
        re.compile(
            r"\b(?:eligible|candidate|suitable|indicated|planned|scheduled)\s+(?:for|to)\s+"
            r"(?:receive\s+|start\s+|undergo\s+)?(?:treatment|therapy|induction|the\s+study)",
            _I,
        ),
        "suitability for the study treatment is the investigator's decision",
    ),
    (_PLAN, _PLAN_REASON),
    (re.compile(r"life\s+expectancy", _I), "life expectancy is an investigator's estimate"),
    (_VACCINE, "vaccination history is checked at screening"),
    (re.compile(r"contraindicat", _I), "contraindications are judged by the investigator"),
)


def _manual_cues(ctx: _Ctx) -> _Parsed | None:
    for pattern, reason in _MANUAL_CUES:
        if pattern.search(ctx.text) and not (pattern is _VACCINE and _named_vaccines_only(ctx)):
            return _manual(reason, ctx.key("manual"))
    return None


def _named_vaccines_only(ctx: _Ctx) -> bool:
    """ "Live or attenuated vaccine within 4 weeks", "MMR or varicella vaccine in the last
    30 days": every vaccine word sits in a vocabulary term (the live vaccines and their
    class, which notes document like any drug: "MMR vaccine given 02/10"), so the item is
    a drug exposure with a window (GUIDELINE: an exclusion about an exposure is not met
    when the notes affirm none). "Any vaccination within 4 weeks" names no such vaccine
    and stays with a person."""
    spans = [(t.start, t.end) for t in ctx.mentions("drug", "drug_class")]
    words = list(_VACCINE.finditer(ctx.text))
    for lead in _VACCINATED_WITH.finditer(ctx.text):
        # "Vaccination with a live vaccine": the lead word names the vaccine that follows
        if any(s == lead.end() for s, _ in spans):
            spans.append((lead.start(), lead.end()))
    return bool(words) and all(any(s <= m.start() and m.end() <= e for s, e in spans)
                               for m in words)  # fmt: skip


_VACCINATED_WITH = re.compile(
    r"\b(?:vaccinations?|vaccinated|immuni[sz](?:ations?|ed))\s+(?:with|against\s+\w+\s+with)"
    r"\s+(?:an?\s+|any\s+|the\s+)?",
    _I,
)


# ---------------------------------------------------------------- age

_AGE_CUE = re.compile(r"\b(?:age[ds]?|years?[\s-]+old|years?\s+of\s+age|yrs?\s+old|yo)\b", _I)
_AGE_UNIT = r"(?:years?|yrs?|y|months?|mos?)"
_AGE_RANGE = re.compile(
    # "between the ages of 18 and 70", "between the age group of 6 and 12", "Between18 and 80"
    rf"(?P<between>\bbetween\s*(?:the\s+)?(?:ages?\s+(?:group\s+)?(?:of\s+)?)?|\bfrom\s+)?(?<![\d.])(?P<a>\d{{1,3}}(?:\.\d+)?)\s*"
    rf"(?P<ua>{_AGE_UNIT})?\b\s*(?:of\s+age\s*|old\s*)?(?P<sep>-|~|\bto\b|\bthrough\b|\band\b)"
    rf"\s*(?P<op><=|≤|<)?\s*(?P<b>\d{{1,3}}(?:\.\d+)?)(?!\d|\.\d)\s*(?P<ub>{_AGE_UNIT})?",
    _I,
)


_OP_THE_AGE_OF = re.compile(rf"(?P<op>{_OP})\s+(?:the\s+)?age\s+(?:of\s+)?(?=\d)", _I)


def _years(value: float, unit: str | None) -> float:
    return value / 12 if unit and unit.lower().startswith("m") else value


def _age_unit_after(text: str, end: int) -> str | None:
    m = re.match(rf"\s*({_AGE_UNIT})\b", text[end:], _I)
    return m[1] if m else None


def _age_bounds(
    text: str, spans: list[tuple[int, int]] | None = None
) -> tuple[int | None, int | None]:
    """Inclusive completed-year limits: "6-18 years" → (6, 18); "< 18" → (None, 17);
    "> 5" → (6, None); "≥ 2 and < 18" → (2, 17). `spans` collects where they were read."""
    low: int | None = None
    high: int | None = None
    rest = text
    read: list[tuple[int, int]] = []
    for m in _AGE_RANGE.finditer(text):
        if m["sep"].lower() == "and" and not m["between"]:
            continue
        a, b = _years(float(m["a"]), m["ua"] or m["ub"]), _years(float(m["b"]), m["ub"])
        if a > b or b > 120:
            continue
        if abs(a - round(a)) > 1e-6:
            # "Between the age of 6 months and 5 years": limits are whole completed years,
            # and a lower limit of 1 year would refuse a 9-month-old the trial admits.
            continue
        low = math.ceil(a - 1e-9)
        high = math.ceil(b) - 1 if m["op"] == "<" else math.floor(b + 1e-9)
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
        read.append((m.start(), m.end()))
        break
    # "under the age of 18", "over the age of 65": the words between the operator and its
    # number are blanked (same length), and read with the comparison.
    rest = _OP_THE_AGE_OF.sub(lambda m: m["op"] + " " * (m.end() - m.end("op")), rest)
    for cmp in _comparisons(rest):
        years = _years(cmp.value, _age_unit_after(rest, cmp.num_end))
        if years > 120:
            continue
        read.append((cmp.start, cmp.stop))
        if cmp.op == ">=":
            low = math.ceil(years - 1e-9)
        elif cmp.op == ">":
            low = math.floor(years) + 1
        elif cmp.op == "<=":
            high = math.floor(years + 1e-9)
        else:
            high = math.ceil(years) - 1
    if spans is not None:
        spans.extend(read)
    return low, high


# "Adults aged 18-65", "children 6 to 17": the group agrees with the limits read. In
# "children 14-17 and adults" it does not, and the word stays unaccounted.
_ADULTS = re.compile(r"\badults?\b", _I)
_CHILDREN = re.compile(r"\b(?:children|child|adolescents?|paediatric|pediatric|kids)\b", _I)


# "< 18 years" alone, with no time-window wording, is an age limit too.
# So is "Male and female subjects <18 or >69 years": a subject lead, two bounds, one unit.
_BARE_YEARS = re.compile(
    r"^\W*(?:(?:males?|females?|men|women|subjects?|patients?|participants?|and|or)\s+)*"
    rf"(?:{_OP}\s*)?\d{{1,3}}\s*(?:or\s*{_OP}\s*\d{{1,3}}\s*)?(?:years?|yrs?)\b",
    _I,
)


_AGE_IN_EXCEPTION = re.compile(rf"\d{{1,3}}\s*{_AGE_UNIT}\b|\bage", _I)


def _age(ctx: _Ctx) -> _Parsed | None:
    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if cue is None:
        return _age_group(ctx)
    if re.search(r"child-?bearing", ctx.text, _I):
        return None
    if any(t.start <= cue.start() < t.end for t in ctx.terms):
        return None  # "Age-related macular degeneration": the word is a disease's name
    others = ctx.concepts("diagnosis", "drug", "drug_class", "lab", "score", "procedure")
    if others and cue.start() > 25:
        return None  # "SLE diagnosed before age 16" is about the disease
    if ctx.concepts("score"):
        # "Karnofsky (age ≥16) or Lansky (age <16) score ≥ 60": the age picks the scale.
        return None
    if any(_AGE_IN_EXCEPTION.search(e) for e in ctx.exceptions):
        # "Age ≥ 15 (except if the local ethics committee imposes ≥ 18)": computing 15
        # would admit 15-17-year-olds where 18 applies, computing 18 would refuse them
        # where it does not; which rule a site follows is not in the notes.
        return _manual(
            "the age limit has a local exception (another age applies at some sites): "
            "checked by a person",
            ctx.key("age"),
        )
    spans: list[tuple[int, int]] = []
    low, high = _age_bounds(ctx.text, spans)
    if low is None and high is None:
        return _manual("age limits not recognised", ctx.key("age"))
    for start, end in spans:
        ctx.take(start, end, "age:limits")
    ctx.take(cue.start(), cue.end(), "age:cue")
    if low is not None and low >= 18:
        for m in _ADULTS.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "age:group")
    if high is not None and high <= 18 and (low is None or low < 18):
        for m in _CHILDREN.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "age:group")
    return _Parsed("age", ctx.key("age"), {"min_years": low, "max_years": high})


# "Adults", "Adult patients", "Minors", "Underage", "The patient is a minor": an age group
# named with no number, the whole item. Adult and minor are 18 and over / under 18 (the
# age of majority in most registries' countries); any other word ("adults unable to
# consent", "minor surgery", "adult healthy volunteers") leaves the item to other readers.
_SUBJECT_NOUNS = r"(?:patients?|subjects?|participants?|persons?|individuals?|people)"
_ADULT_GROUP = re.compile(
    rf"\W*(?:adults?|adult\s+(?:{_SUBJECT_NOUNS}|(?:men|males?)\s+(?:and|or)\s+"
    r"(?:women|females?)|(?:women|females?)\s+(?:and|or)\s+(?:men|males?)))[\s.,;:]*",
    _I,
)
_MINOR_GROUP = re.compile(
    rf"\W*(?:(?:the\s+)?{_SUBJECT_NOUNS}\s+(?:is|are)\s+(?:an?\s+)?)?"
    rf"(?:minors?|under-?age|minor\s+{_SUBJECT_NOUNS})[\s.,;:]*",
    _I,
)


def _age_group(ctx: _Ctx) -> _Parsed | None:
    if len(ctx.text) > 60:
        return None
    if _ADULT_GROUP.fullmatch(ctx.text):
        low, high = 18, None
    elif _MINOR_GROUP.fullmatch(ctx.text):
        low, high = None, 17
    else:
        return None
    ctx.take(0, len(ctx.text), "age:group-word")
    return _Parsed("age", ctx.key("age"), {"min_years": low, "max_years": high})


# ---------------------------------------------------------------- sex

_FEMALE = re.compile(r"^(?:only\s+)?(?:females?|women|woman|girls?)\b", _I)
_MALE = re.compile(r"^(?:only\s+)?(?:males?|men|man|boys?)\b", _I)
# Both sexes named, in either order. The first male (female) word is held (an atomic
# group): a female word after any later one is after it too, and "men men men ..." is not
# rescanned from every "men" (quadratic).
_BOTH = re.compile(
    r"^(?>.*?\b(?:males?|men|boys?)\b).*\b(?:females?|women|girls?)\b|^(?>.*?\bfemales?\b).*"
    r"\b(?:males?|men|boys?)\b|both\s+sex|either\s+sex|all\s+sex",
    _I,
)


def _sex(ctx: _Ctx) -> _Parsed | None:
    if _BOTH.search(ctx.text):
        return _manual("no sex restriction stated", ctx.key("sex")) if len(ctx.text) < 40 else None
    for pattern, sex in ((_FEMALE, "female"), (_MALE, "male")):
        m = pattern.search(ctx.text.lstrip())
        if m:
            offset = len(ctx.text) - len(ctx.text.lstrip())
            ctx.take(m.start() + offset, m.end() + offset, "sex")
            return _Parsed("sex", ctx.key("sex"), {"sex": sex})
    return None


# ---------------------------------------------------------------- CD19, ANA

_CD19 = re.compile(r"\bCD\s?19\b", _I)
_CD19_TARGET = re.compile(r"CAR|target|directed|therap|antibod|engager", _I)
_CD19_ABSENT = re.compile(r"negative|absent|absence|undetectable|depleted|depletion|aplasia", _I)


def _cd19(ctx: _Ctx) -> _Parsed | None:
    """ "Positive expression of CD19 in peripheral blood B cells determined by flow
    cytometry": the CAR target must be there to kill."""
    mentioned = _CD19.search(ctx.text) or "lab.cd19" in ctx.concepts("lab")
    if not mentioned or _CD19_TARGET.search(ctx.text):
        return None
    for m in _CD19.finditer(ctx.text):
        ctx.take(m.start(), m.end(), "cd19")
    ctx.take_terms(["lab.cd19"])
    spans: list[tuple[int, int]] = []
    threshold = _cd19_threshold(ctx.text, spans)
    for start, end in spans:
        ctx.take(start, end, "cd19:threshold")
    if threshold is not None:
        # "CD19+ B-cell count < 5 cells/µL" (exclusion), "CD19+ B cells ≥ 1%" (inclusion)
        return _Parsed("cd19", ctx.key("cd19"), threshold)
    if ctx.exclusion:
        if _CD19_ABSENT.search(ctx.text):
            for m in _CD19_ABSENT.finditer(ctx.text):
                ctx.take(m.start(), m.end(), "cd19:absent")
            params = _diagnosis_params(["status.b_cell_depleted"], ctx)
            return _Parsed("diagnosis", "x_cd19", params)
        return None
    if _comparisons(ctx.text) and not re.search(r"positiv|express|detect|present", ctx.text, _I):
        return None
    return _Parsed("cd19", "cd19", {})


_CD19_UNIT = re.compile(r"^\s*(?P<u>%|percent|cells?\s*/\s*(?:µl|μl|ul|mcl|mm3|mm³|cmm)|"
                        r"/\s*(?:µl|μl|ul|mm3|mm³))", _I)


def _cd19_threshold(
    text: str, spans: list[tuple[int, int]] | None = None
) -> dict[str, Any] | None:
    for comparison in _comparisons(text):
        unit = _CD19_UNIT.match(text[comparison.num_end :])
        if unit is not None:
            if spans is not None:
                spans.append((comparison.start, comparison.num_end + unit.end()))
            per_volume = not unit["u"].lower().startswith(("%", "percent"))
            return {"op": comparison.op, "value": float(comparison.value),
                    "unit": "/uL" if per_volume else "%"}
    return None


_TITRE = re.compile(rf"(?P<op>{_OP})?\s*1\s*[:/]\s*(?P<n>\d{{2,5}})", _I)


def _ana(ctx: _Ctx) -> _Parsed | None:
    """ "ANA ≥ 1:80": titres double, so "> 1:80" means at least 1:160."""
    if "lab.ana" not in ctx.concepts("lab") or ctx.exclusion:
        return None
    ctx.take_terms(["lab.ana"])
    m = _TITRE.search(ctx.text)
    if m is None:
        if re.search(r"positiv", ctx.text, _I):
            return _Parsed("ana", "ana", {"min_titre": 80})  # EULAR/ACR entry criterion
        return None
    ctx.take(m.start(), m.end(), "titre")
    suffix = _SUFFIX_GE.match(ctx.text[m.end() :])
    if suffix is not None and not m["op"]:
        ctx.take(m.end(), m.end() + suffix.end(), "titre")  # "1:40 or higher"
    titre = int(m["n"])
    if m["op"] and _op_of(m["op"]) == ">":
        titre *= 2
    return _Parsed("ana", "ana", {"min_titre": titre})


# ---------------------------------------------------------------- refractory

_REFRACTORY = re.compile(
    r"refractory|resistant|despite|persist\w*|inadequate\s+response|insufficient\s+response|failed|failure|"
    r"non-?respon|did\s+not\s+respond|not\s+responded|unresponsive|intoleran",
    _I,
)
_TREATMENT = re.compile(r"immunosuppress|treatment|therap|regimen|agent|drug|induction", _I)
_MIN_AGENTS = re.compile(
    rf"(?:(?:at\s+least|minimum\s+of|≥|>=)\s*(?P<a>\d+|{_WORD_NUM})|"
    rf"(?<!\d)(?P<b>\d+|{_WORD_NUM}|both)"
    r"\s*(?:or\s+more|\+)?)\s*(?:different\s+|distinct\s+|standard\s+|prior\s+|conventional\s+|"
    r"induction\s+|kinds?\s+of\s+)*(?:immunosuppress|agents?|drugs?|therap|regimens?|treatments?|lines?|"
    r"medications?|classes)",
    _I,
)
_PROTEINURIA = re.compile(
    r"proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion|remission|"
    r"active\s+nephritis",
    _I,
)


def _agents(ctx: _Ctx) -> list[str]:
    """The listed agents; classes expand. "two or more immunosuppressants (including
    glucocorticoids, cyclophosphamide, ...)": the list, not every immunosuppressant."""
    named = ctx.concepts("drug", "drug_class")
    specific = [c for c in named if c != "class.immunosuppressant"]
    chosen = specific or ["class.immunosuppressant"]
    return _expand(chosen, ctx.vocab)


def _expand(concepts: Iterable[str], vocab: Vocabulary) -> list[str]:
    out: list[str] = []
    for concept in concepts:
        for member in vocab.expand(concept):
            if member not in out:
                out.append(member)
    return out


# The refractory reading is the lupus-nephritis rule (the agents failed and proteinuria is
# not in remission). A treatment failure in another disease ("relapsed or refractory
# lymphoma", "LDL above target despite statin therapy") is not one: the item or its trial
# must be about lupus, or the item about proteinuria.
_LUPUS_OR_PROTEINURIA = re.compile(
    r"\b(?:SLE|LN)\b|(?i:lupus|\bnephritis\b|proteinuria|urin(?:e|ary)\s+protein|"
    r"protein\s+excretion)"
)


def _refractory(ctx: _Ctx) -> _Parsed | None:
    if ctx.exclusion or not _REFRACTORY.search(ctx.text):
        return None
    if not (ctx.lupus_trial or _LUPUS_OR_PROTEINURIA.search(ctx.text)):
        return None
    drugs = ctx.concepts("drug", "drug_class")
    if not drugs and not _TREATMENT.search(ctx.text):
        return None
    m = _MIN_AGENTS.search(ctx.text)
    count = _number((m["a"] or m["b"]) if m else "1") or 1.0
    spans: list[tuple[int, int]] = [(m.start(), m.end())] if m else []
    duration = _duration(ctx.text, spans) or (0, False)
    for pattern in (_REFRACTORY, _TREATMENT, _PROTEINURIA):
        spans += [(found.start(), found.end()) for found in pattern.finditer(ctx.text)]
    for start, end in spans:
        ctx.take(start, end, "refractory")
    ctx.take_terms([t.concept_id for t in ctx.mentions("drug", "drug_class", "status")])
    ctx.take_terms(["dx.sle", "dx.lupus_nephritis", *_PROTEIN_ANALYTES])
    params: dict[str, Any] = {
        "agents": _agents(ctx),
        "min_agents": int(count),
        "min_duration_days": duration[0],
        "duration_strict": duration[1],
        # "accompanied by proteinuria without remission": refractory means still active.
        "requires_active_proteinuria": bool(
            _PROTEINURIA.search(ctx.text)
            or {"lab.upcr", "lab.urine_protein_24h"} & set(ctx.concepts("lab"))
        ),
    }
    threshold = _proteinuria_threshold(ctx)
    if threshold is not None:
        params["proteinuria_threshold"] = threshold
    return _Parsed("refractory", "refractory", params)


def _proteinuria_threshold(ctx: _Ctx) -> float | None:
    for mention in _lab_mentions(ctx):
        if mention.concept in ("lab.upcr", "lab.urine_protein_24h"):
            spans: list[tuple[int, int]] = []
            reading = _lab_reading(ctx, mention, spans=spans)
            if reading is not None and "value" in reading:
                ctx.take(mention.start, mention.end, "term")
                for start, end in spans:
                    ctx.take(start, end, "lab:threshold")
                return reading["value"]
    return None


# ---------------------------------------------------------------- biopsy

_ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")
_CLASS_TOKEN = r"(?:VI|IV|V|III|II|I|[1-6])(?![\w])"
# ISN/RPS subclasses after a class name: "IV-S", "IV-G (A)", "III (A or A/C)". They do
# not change the class, so the list goes on after them: "III (A or A/C), IV (A) or V".
_SUBCLASS = (
    r"(?:\s*-\s*[SG](?![\w]))?(?:\s*\(\s*[ACSG](?:\s*/\s*C)?(?:\s*(?:or|and|/|,|;)\s*"
    r"[ACSG](?:\s*/\s*C)?)*\s*\))?"
)
_CLASS_SEP = r"\s*(?:,\s*(?:and/or|or|and)?|\band/or\b|\bor\b|\band\b|/|\+/-|\+|±|&|-)\s*"
_CLASS_LIST = re.compile(
    rf"\bclass(?:es)?\s*(?P<list>{_CLASS_TOKEN}{_SUBCLASS}(?:{_CLASS_SEP}(?:(?:pure\s+)?class\s*)?"
    rf"{_CLASS_TOKEN}{_SUBCLASS})*)",
    _I,
)
# "class VI excluded", "isolated class V is excluded", "excluding class VI".
_CLASS_EXCLUDED_AFTER = re.compile(
    # "isolated class V disease are not eligible", "pure class V LN is excluded"
    r"^\s*(?:(?:disease|lupus\s+nephritis|nephritis|glomerulonephritis|LN)\s+)?"
    r"(?:(?:is|are)\s+)?(?:excluded|not\s+(?:eligible|allowed|permitted|included|accepted))\b",
    _I,
)
# "..., but participants with isolated class V disease are not eligible": the words that
# lead to the ruled-out class belong to it.
_CLASS_EXCLUDED_LEAD = re.compile(
    r"(?:\bbut\s+)?(?:(?:patients|subjects|participants|those|individuals)\s+(?:with|who\s+"
    r"have)\s+)?(?:(?:pure|isolated)\s+)?$",
    _I,
)
_CLASS_EXCLUDED_BEFORE = re.compile(
    r"(?:\bexcluding|\bexcept(?:\s+for)?|\bother\s+than|\bnot|\bno)\s+(?:(?:pure|isolated)\s+)?$",
    _I,
)
_CLASS_ALONE_BEFORE = re.compile(r"\b(?:pure|isolated)\s+$", _I)
# "ISN/RPS 2003", "2018 ISN/RPS", "WHO 1995 classification": the edition, not a value.
_CLASSIFICATION_YEAR = re.compile(
    r"(?<![^\W_])ISN\s*/\s*RPS(?:19|20)\d{2}\b|(?<=ISN/RPS)\W{0,3}(?:19|20)\d{2}\b|(?<=WHO)\W{0,3}(?:19|20)\d{2}\b|"
    r"(?<=Society)\W{0,3}(?:19|20)\d{2}\b|\b(?:19|20)\d{2}(?=\W{0,3}(?:revised\s+)?(?:ISN|WHO|"
    r"International\s+Society|classification))",
    _I,
)
_OPTIONAL_BEFORE = re.compile(
    r"(?:with\s+or\s+without|with\s*/\s*without|±|\+/-|allow\w*|combined\s+with|in\s+combination\s+with|"
    r"concomitant|co-?exist\w*|co-?exhibit\w*|plus|mixed\s+with|may\s+(?:also\s+)?have)"
    r"\W*(?:(?:a|an|the|presence\s+of)\s+)*$",
    _I,
)
_OPTIONAL_AFTER = re.compile(
    r"^[^;(),]{0,40}?\b(?:allowed|permitted|optional|acceptable|may\s+be\s+present|"
    r"component|in\s+addition\s+to|in\s+combination\s+with|(?:may|can)\s+(?:also\s+)?"
    r"co-?exist|co-?exist(?:s|ing)?)\b",
    _I,
)
_OPTIONAL_V = re.compile(
    r"(?:with\s+or\s+without|with\s*/\s*without|±|\+/-|and/or)\s*(?:a\s+|an\s+|the\s+|"
    r"presence\s+of\s+|concomitant\s+|coexisting\s+|class\s+)*(?:V\b|membranous)",
    _I,
)
# A class list is an ISN/RPS (or older WHO) lupus-nephritis class when the item names the
# disease or its classification, or a biopsy, histology or pathology of the kidney. The
# acronyms are matched as written: "patients who have ..." is not WHO.
_LN_SYSTEM = re.compile(r"\b(?:ISN|RPS|LN)\b|(?i:nephritis|lupus)")
_BIOPSY_CONTEXT = re.compile(r"\bWHO\b|(?i:biops|histolog|patholog)")
_KIDNEY_WORD = re.compile(r"kidney|renal|nephr|glomerul", _I)
# Other classifications write their classes the same way: "NYHA class III", "ASA physical
# status class II", "WHO functional class III", "Child-Pugh class 2". A class list right
# after one of these names is that scale's.
_OTHER_SCALE = re.compile(
    r"(?:\b(?:NYHA|ASA|CCS|Killip|Child[-\s]?Pugh|Mallampati|Kennedy|Angle|Forrest|CEAP|"
    r"Rutherford)\b|heart\s+association|physical\s+status|functional)\W*(?:functional\W*)?$",
    _I,
)
_HISTOLOGY = re.compile(r"\b(?:proliferative|membranous)\b", _I)
_TISSUE_PROOF = re.compile(r"\b(?:histolog|histopatholog|patholog)\w*", _I)
# "Class III (Class V) or Class IV (Class V)": a class in brackets after another, with no
# sign, may mean "with V" or "with or without V" (a lost "±"); no exact class set is
# readable from it, so the item is left to a person.
_BRACKETED_CLASS = re.compile(
    rf"\bclass\s*{_CLASS_TOKEN}\s*\(\s*(?!class\s*V\s*\))(?:class\s*)?{_CLASS_TOKEN}\s*\)", _I
)
# Except "(class V)" after class III or IV: a membranous component, allowed alongside
# (`_classes`); pure class V is still refused.
_BRACKETED_V_BEFORE = re.compile(r"\bclass\s*(?:III|IV|[34])\s*(\()\s*$", _I)
# "Proliferative lupus nephritis without a membranous component": no V alongside.
_NO_MEMBRANOUS = re.compile(
    r"(?<!\bor\s)\b(?:without|no|excluding|except)\s+(?:an?\s+|any\s+)?(?:class\s*V\b|"
    r"membranous)",
    _I,
)
# "Patients without renal biopsy or with class I, II or VI" (an exclusion): with no
# biopsy documented the reading is `unknown` either way (a biopsy may exist unrecorded),
# so the branch is read as that, and said (params `or_no_biopsy`).
_OR_NO_BIOPSY = re.compile(
    r"\b(?:(?:patients|subjects|participants|those)\s+)?(?:without|with\s+no|who\s+have\s+"
    r"not\s+had|lacking)\s+(?:a\s+|an\s+)?(?:renal|kidney)\s+biops(?:y|ies)\s*,?\s+or\b",
    _I,
)
# "The biopsy report will be used to confirm eligibility": how the item is checked, not
# another requirement.
_REPORT_CONFIRMS = re.compile(
    r"\b(?:the\s+|a\s+)?(?:(?:renal|kidney)\s+)?(?:biopsy|pathology|histology|histopathology)"
    r"\s+report\s+(?:will|must|should|shall|may)\s+be\s+(?:used|reviewed|provided|available)"
    r"(?:\s+to\s+(?:confirm|verify|document)(?:\s+(?:the\s+)?(?:subject|patient|participant)"
    r"(?:'s|’s)?)?\s+eligibility)?",
    _I,
)


def _class_name(token: str) -> str:
    token = token.upper()
    return _ROMAN_CLASSES[int(token) - 1] if token.isdigit() else token


def _classes(
    text: str, spans: list[tuple[int, int]] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """ISN/RPS classes asked for, and those allowed alongside: "class III or IV (a class
    V component is allowed)" → (["III", "IV"], ["V"]); "III, IV, or V" → all three;
    "class VI excluded" → excluded (third). `spans` collects where they were read."""
    wanted: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    read: list[tuple[int, int]] = []
    for m in _lupus_class_lists(text):
        before = text[max(0, m.start() - 40) : m.start()]
        after = text[m.end() : m.end() + 60]
        start, end = m.start(), m.end()
        cue_before = _OPTIONAL_BEFORE.search(before)
        cue_after = _OPTIONAL_AFTER.search(after)
        out_after = _CLASS_EXCLUDED_AFTER.search(after)
        out_before = _CLASS_EXCLUDED_BEFORE.search(before)
        names = [_class_name(t) for t in re.findall(_CLASS_TOKEN, _strip_subclasses(m["list"]),
                                                     _I)]  # fmt: skip
        if out_after or out_before:
            # "isolated class V is excluded": never wanted (it may still be allowed
            # alongside, as "with or without V" says elsewhere).
            excluded += names
            alone_before = _CLASS_ALONE_BEFORE.search(before)
            lead = _CLASS_EXCLUDED_LEAD.search(before) if out_after else None
            if out_before:
                start = m.start() - (len(before) - out_before.start())
            elif lead and lead.end() > lead.start():
                start = m.start() - (len(before) - lead.start())
            elif alone_before:
                start = m.start() - (len(before) - alone_before.start())
            end = m.end() + out_after.end() if out_after else end
            read.append((start, end))
            continue
        bracketed_v = _BRACKETED_V_BEFORE.search(before)
        closing = re.match(r"\s*\)", after)
        if bracketed_v and closing and names == ["V"]:
            # "Class III (Class V) or Class IV (Class V)": a membranous component that may
            # be there (a "±" lost on the page); required, it would be written "III+V".
            if "V" not in optional:
                optional.append("V")
            read.append((m.start() - (len(before) - bracketed_v.start(1)),
                         m.end() + closing.end()))
            continue
        whole_optional = bool(cue_before or cue_after)
        if cue_before:
            start = m.start() - (len(before) - cue_before.start())
        if cue_after:
            end = m.end() + cue_after.end()
        alone = _CLASS_ALONE_BEFORE.search(before)
        if alone and not whole_optional:
            start = m.start() - (len(before) - alone.start())  # "or pure class V": wanted
        read.append((start, end))
        listed, after_previous = _strip_subclasses(m["list"]), 0
        for token in re.finditer(rf"(?P<sep>{_CLASS_SEP})?(?P<t>{_CLASS_TOKEN})", listed, _I):
            name = _class_name(token["t"])
            sep = (token["sep"] or "").strip()
            # "with or without class V, or pure class V": the pure one is wanted alone.
            pure = re.search(r"\b(?:pure|isolated)\b", listed[after_previous : token.start("t")],
                             _I)  # fmt: skip
            after_previous = token.end()
            optional_here = whole_optional or sep in ("+", "±", "+/-")
            target = optional if optional_here and not pure else wanted
            if name not in target:
                target.append(name)
    for m in _OPTIONAL_V.finditer(text):
        read.append((m.start(), m.end()))
        if "V" not in optional:
            optional.append("V")
    if not wanted:
        if re.search(r"proliferative", text, _I):
            # "Biopsy-proven proliferative lupus nephritis": class III or IV, and the
            # mixed III+V and IV+V are proliferative too (KDIGO, ISN/RPS).
            wanted = ["III", "IV"]
            if "V" not in excluded and not _NO_MEMBRANOUS.search(text):
                optional.append("V")
        elif re.search(r"membranous", text, _I) and "V" not in optional:
            wanted = ["V"]
    wanted = [c for c in wanted if c not in excluded]
    optional = [c for c in optional if c not in wanted]
    if spans is not None:
        spans.extend(read)
    return wanted, optional, excluded


def _strip_subclasses(classes: str) -> str:
    """ "III (A or A/C), IV-G (A)" → "III , IV": subclass letters are not classes."""
    return re.sub(_SUBCLASS, "", classes, flags=_I)


def _lupus_class_lists(text: str) -> list[re.Match[str]]:
    return [
        m for m in _CLASS_LIST.finditer(text)
        if not _OTHER_SCALE.search(text[max(0, m.start() - 40) : m.start()])
    ]


def _biopsy(ctx: _Ctx) -> _Parsed | None:
    """The ISN/RPS class of a lupus-nephritis kidney biopsy. Nothing else is one: in a
    registry item of any trial "biopsy" alone is not the kidney's ("biopsy-proven breast
    cancer"), and a kidney biopsy outside a lupus trial has no class to check."""
    kidney = _KIDNEY_WORD.search(ctx.text)
    has_biopsy = "proc.kidney_biopsy" in ctx.concepts("procedure") and bool(kidney)
    diagnoses = ctx.concepts("diagnosis")
    has_class = bool(_lupus_class_lists(ctx.text)) and bool(
        "dx.lupus_nephritis" in diagnoses
        or _LN_SYSTEM.search(ctx.text)
        or ((kidney or ctx.lupus_trial) and _BIOPSY_CONTEXT.search(ctx.text))
    )
    # "Renal biopsy: proliferative nephritis", not "membranous nephropathy" or IgA nephritis.
    nephritis = bool(re.search(r"\bnephritis\b", ctx.text, _I)) and not any(
        c == "dx.other_kidney_disease"
        or "dx.other_kidney_disease" in ctx.vocab[c].attrs.get("implies", ())
        for c in diagnoses
    )
    histology = re.search(r"proliferative|membranous", ctx.text, _I) and (
        "dx.lupus_nephritis" in diagnoses or (has_biopsy and nephritis)
    )
    # "Histological diagnosis of lupus nephritis", "LN confirmed by renal pathology": the
    # nephritis proven on tissue is a biopsy of it (any class unless one is named).
    histology = histology or (
        "dx.lupus_nephritis" in diagnoses and _TISSUE_PROOF.search(ctx.text) is not None
    )
    if not (has_class or histology or has_biopsy):
        return None
    bracketed = _BRACKETED_CLASS.search(ctx.text)
    if bracketed is not None and has_class:
        return _manual(
            f'a class in brackets after another ("{bracketed[0]}") does not say whether it '
            "is required or only allowed: the biopsy classes must be checked by a person",
            ctx.key("biopsy"),
        )
    finding = _BIOPSY_FINDING.search(ctx.text)
    if finding is not None and not has_class:
        # "Renal biopsy with a chronicity index above 4": notes give the class, not this.
        return _manual(f'the biopsy finding ("{finding[0]}") is not read from notes: a person '
                       "checks the biopsy report", ctx.key("biopsy"))
    if ctx.exclusion and not (has_class or histology):
        # "Sclerosis in > 50% of glomeruli on renal biopsy": a histology finding, not the
        # biopsy itself (every candidate has had one).
        return _manual("the biopsy finding must be read by a person", "x_biopsy")
    if not (has_class or histology or "dx.lupus_nephritis" in diagnoses or ctx.lupus_trial):
        return None  # "Renal biopsy performed" in a trial of another kidney disease
    unlisted = _unlisted_mix(ctx.text)
    if unlisted is not None:
        return _manual(
            f"the class list names mixed classes but not {unlisted}: whether a {unlisted} "
            "biopsy qualifies must be checked by a person", ctx.key("biopsy"))
    spans: list[tuple[int, int]] = []
    wanted, optional, excluded = _classes(ctx.text, spans)
    if not wanted:
        # "Biopsy-proven lupus nephritis": any ISN/RPS class will do ("class VI
        # excluded": any other).
        wanted = [c for c in _ROMAN_CLASSES if c not in optional and c not in excluded]
    for start, end in spans:
        ctx.take(start, end, "biopsy:classes")
    if spans or re.search(r"\bproliferative\b", ctx.text, _I):
        # "Active class III or IV": activity qualifies the proliferative classes named
        # (GUIDELINE: judged on the class). With no class ("active lupus nephritis on
        # biopsy") it would accept any class, so it is left unaccounted.
        for m in re.finditer(r"\bactive\b", ctx.text, _I):
            ctx.take(m.start(), m.end(), "biopsy:active-class")
    for pattern in (_HISTOLOGY, _CLASSIFICATION_YEAR, _REPORT_CONFIRMS):
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "biopsy:histology")
    ctx.take_terms(["dx.lupus_nephritis", "proc.kidney_biopsy"])
    params = {"classes": wanted, "allowed_with": optional, "window_days": ctx.window()}
    no_biopsy = _OR_NO_BIOPSY.search(ctx.text) if ctx.exclusion and spans else None
    if no_biopsy is not None:
        ctx.take(no_biopsy.start(), no_biopsy.end(), "biopsy:or-none")
        params["or_no_biopsy"] = True
    judged = _biopsy_judged(ctx) if not spans else []
    judged += _biopsy_qualifiers(ctx)
    if judged:
        params["judged"] = judged
    return _Parsed("biopsy", ctx.key("biopsy"), params)


_MIX = re.compile(rf"(?P<a>{_CLASS_TOKEN})\s*\+\s*(?P<b>{_CLASS_TOKEN})", _I)


def _unlisted_mix(text: str) -> str | None:
    """ "Class III, IV, V, III+IV or IV+V": a list that spells out the mixed classes it
    accepts leaves the others out, here III+V, which a reading of "III, IV or V" would
    accept. The first such mix of V with a proliferative class listed alone, else None."""
    for m in _lupus_class_lists(text):
        listed = _strip_subclasses(m["list"])
        mixes = {frozenset((_class_name(x["a"]), _class_name(x["b"])))
                 for x in _MIX.finditer(listed)}  # fmt: skip
        if not mixes:
            continue
        alone = {_class_name(t) for t in re.findall(_CLASS_TOKEN, _MIX.sub(" ", listed), _I)}
        if "V" not in alone:
            continue
        for proliferative in ("III", "IV"):
            if proliferative in alone and frozenset((proliferative, "V")) not in mixes:
                return f"{proliferative}+V"
    return None


# What a biopsy report says beyond the class, which the notes' biopsy findings do not hold
# (matcher.nlp.extract reads the ISN/RPS class): indices, sclerosis, crescents, fibrosis.
_BIOPSY_FINDING = re.compile(
    r"\b(?:chronicity|activity)\s+index\b|\b(?:glomerulo)?sclerosis\b|\bsclerosed\b|"
    r"\bcrescent(?:s|ic)?\b|\binterstitial\s+fibrosis\b|\btubular\s+atrophy\b|"
    r"\bfibrinoid\s+necrosis\b|\bnecrosis\b|\bmicrothromb\w*",
    _I,
)
# Qualifiers of a biopsy-proven nephritis that the class does not decide: how new it is,
# whether it was treated, whether its lesions are only chronic. With the class matching
# the criterion is left to a person; a biopsy of another class still decides.
# (label, pattern): "Newly diagnosed class III or IV LN", "untreated", "treatment-naive",
# "purely chronic class III (C) or IV (C), defined as the absence of active lesions".
_BIOPSY_QUALIFIERS = (
    ("newly diagnosed", re.compile(r"\b(?:newly|recently)\s+diagnosed\b|\bnew[-\s]onset\b|"
                                   r"\bde\s+novo\b", _I)),
    ("untreated", re.compile(r"\buntreated\b|\bnever\s+(?:been\s+)?treated\b", _I)),
    ("treatment-naive", re.compile(r"\b(?:treatment|therapy)[-\s]na[iï]ve\b", _I)),
    ("purely chronic (no active lesions)", re.compile(
        r"\b(?:purely|exclusively|only)\s+chronic\b|\b(?:III|IV|3|4)(?:\s*-\s*[SG])?\s*\(\s*C\s*\)|"
        r"(?:,\s*)?(?:defined\s+as\s+)?(?:the\s+)?(?:absence\s+of|no|without)\s+(?:any\s+)?"
        r"active\s+lesions?\b|\binactive\s+lesions?(?:\s+only)?\b|\bchronic\s+lesions?\s+only\b",
        _I)),
)


def _biopsy_qualifiers(ctx: _Ctx) -> list[str]:
    """The qualifiers of `_BIOPSY_QUALIFIERS` in the item, taken: ["newly diagnosed"]."""
    found: list[str] = []
    for label, pattern in _BIOPSY_QUALIFIERS:
        for m in pattern.finditer(ctx.text):
            ctx.take(m.start(), m.end(), "biopsy:judged")
            if label not in found:
                found.append(label)
    return found


def _biopsy_judged(ctx: _Ctx) -> list[str]:
    """ "Biopsy-confirmed active lupus nephritis" with no class: the activity (or a
    severity) of the nephritis is for a person to judge when a biopsy is documented
    (matcher.criteria.temporality); the biopsy decides only when there is none or it shows
    another disease."""
    terms = [(t.start, t.end, t.concept_id) for t in ctx.mentions("diagnosis", "procedure")
             if t.concept_id == "dx.lupus_nephritis"]  # fmt: skip
    if not terms:
        return []
    found = read_temporality(ctx.main, terms, None, ["dx.lupus_nephritis"])
    if found.params.get("temporality") == "ever" and not found.params.get("judged"):
        return []
    for start, end in found.spans:
        ctx.take(start, end, TEMPORAL_RULE)
    return list(found.params.get("judged", []))


# ---------------------------------------------------------------- scores

_SCORE_RANGE = re.compile(
    r"^\D{0,40}?(?<![\d.])(?P<a>\d{1,3})\s*(?:-|~|to|through)\s*(?P<b>\d{1,3})(?!\d|\.\d)", _I
)
_SCORE_LIST = re.compile(
    r"^\D{0,40}?(?<![\d.])(?P<list>\d{1,3}(?:\s*(?:,\s*(?:or\s+|and\s+)?|or|and)\s*\d{1,3})+)"
    r"(?!\d|\.\d)",
    _I,
)


_AGE_ASIDE = re.compile(rf"{_CLOSED_PAREN}[^()]*\bage[sd]?\b[^()]*\)", _I)


def _score_threshold(
    text: str, start: int, stop: int, spans: list[tuple[int, int]] | None = None
) -> dict[str, Any] | None:
    """The threshold written after a score's name; `spans` collects where (in `text`)."""
    # "Karnofsky (age ≥16) or Lansky (age <16) ≥ 60": an age aside is no threshold.
    tail = _AGE_ASIDE.sub(lambda m: " " * len(m.group()), text[start:stop])
    found: list[tuple[int, int]] = []
    threshold: dict[str, Any] | None = None
    cmps = [c for c in _comparisons(tail) if c.start <= 60]
    first_number = re.search(r"\d", tail)
    range_ = _SCORE_RANGE.match(tail)
    listed = _SCORE_LIST.match(tail)
    if cmps and (first_number is None or cmps[0].start <= first_number.start()):
        threshold = {"op": cmps[0].op, "value": float(cmps[0].value)}
        found.append((cmps[0].start, cmps[0].stop))
    elif range_ and int(range_["a"]) <= int(range_["b"]):
        threshold = {"low": float(range_["a"]), "high": float(range_["b"])}
        found.append((range_.start("a"), range_.end("b")))
    elif listed:
        values = [float(v) for v in re.findall(r"\d+", listed["list"])]
        threshold = {"low": min(values), "high": max(values)}
        found.append((listed.start("list"), listed.end("list")))
    elif cmps:
        threshold = {"op": cmps[0].op, "value": float(cmps[0].value)}
        found.append((cmps[0].start, cmps[0].stop))
    if spans is not None:
        spans.extend((start + a, start + b) for a, b in found)
    return threshold


# Performance scales answer one question (matcher.judge.evaluate converts between them): ECOG ≤ k
# is Lansky/Karnofsky ≥ the floor of ECOG k's band.
_PERFORMANCE_SCALES = ("score.ecog", "score.lansky", "score.karnofsky")
_ECOG_BAND_FLOOR = {0: 90.0, 1: 70.0, 2: 50.0, 3: 30.0, 4: 10.0}


def _as_scale_minimum(concept: str, threshold: dict[str, Any]) -> float | None:
    """The Lansky/Karnofsky minimum a performance threshold stands for, if it is one."""
    if concept == "score.ecog":
        top = threshold.get("high") if "low" in threshold else (
            threshold.get("value") if threshold.get("op") == "<=" else None
        )
        return _ECOG_BAND_FLOOR.get(int(top)) if top is not None and top == int(top) else None
    if threshold.get("op") == ">=":
        return float(threshold["value"])
    return None


def _shares_scale(ctx: _Ctx, other: TermMatch, chosen: TermMatch) -> bool:
    """ "Karnofsky (age ≥ 16) or Lansky (age < 16) score ≥ 60": a scale named with no
    threshold of its own, listed with one on the same range, shares its threshold. ECOG
    (0-5) never shares Lansky's 50."""
    first, second = ctx.vocab[other.concept_id], ctx.vocab[chosen.concept_id]
    same_range = (first.attrs.get("low"), first.attrs.get("high")) == (
        second.attrs.get("low"), second.attrs.get("high"))
    begin, end = min(other.end, chosen.end), max(other.start, chosen.start)
    if end - begin > 120:
        return False  # listed scales sit side by side (and a long gap is not rescanned)
    gap = _AGE_ASIDE.sub(" ", ctx.main[begin:end])
    listed = re.fullmatch(r"\W*(?:or|and/or|/)?\W*", gap, _I) is not None
    return same_range and listed and other.concept_id in _PERFORMANCE_SCALES


def _same_performance(first: tuple[str, dict], second: tuple[str, dict]) -> bool:
    """ "ECOG ≤ 2 or Lansky ≥ 50", "Karnofsky (age ≥ 16) or Lansky (age < 16) ≥ 60": one
    requirement stated on two scales."""
    if first[0] not in _PERFORMANCE_SCALES or second[0] not in _PERFORMANCE_SCALES:
        return False
    if first[1] == second[1]:
        return True
    a, b = _as_scale_minimum(*first), _as_scale_minimum(*second)
    return a is not None and a == b


# "no BILAG A", "BILAG score A/B", "(BILAG) A and no more than one BILAG B": organ-domain
# grades. Notes record BILAG, if at all, as prose per domain, not as a number to compare.
_BILAG_GRADE = re.compile(
    r"\bBILAG(?:[\s-]*2004)?\)?(?:\s+(?:score|grade|index|domain))?\s*(?:of\s+)?"
    r"[A-E](?:\s*(?:/|,|or|and)\s*[A-E])*(?![\w-])"
)
_BILAG_REASON = "BILAG organ-domain grades (A to E) are not read from notes; checked by a person"
# "Clinical SLEDAI-2K ≥ 4", "SLEDAI-2K ≥ 6 excluding points from serology", "with at least 4
# points from laboratory items": a part of the score. Notes give the total only, and a
# total of 6 may or may not hold 4 clinical points.
_PARTIAL_SLEDAI = re.compile(
    r"\bclinical\W{0,3}\s*(?:SELENA[\s-]*)?SLEDAI|"
    r"\b(?:excluding|excluded|exclusive\s+of|without|not\s+(?:counting|including))\b[^.;]{0,60}?"
    r"\b(?:serolog\w*|laborator\w*|lab|anti-?ds-?DNA|complement|alopecia|fever|CNS|"
    r"central\s+nervous|points?)\b|"
    r"\bpoints?\s+(?:derived|attributable|coming|obtained|from)\b",
    _I,
)
_PARTIAL_SLEDAI_REASON = (
    "a part of the SLEDAI (clinical points, points without serology or from some items) is "
    "not in the notes, which give the total; checked by a person"
)
_PARTIAL_SCORE_RULE = "score:partial"  # named in the trace: see `_policy`


# "A score of ≥ 6 on the SLEDAI-2K", "score ≤ 6 at screening on SELENA-SLEDAI": the
# threshold before the score's name ("score" and "at screening" are the score's cue words).
_SCORE_BEFORE = re.compile(
    r"\bscored?\b(?:\s+of)?(?P<body>[^;()]{0,40}?)(?:\s*at\s+screening)?"
    r"\s*(?P<tail>\b(?:on|in|by|using|per)\s+(?:the\s+)?)$",
    _I,
)


# Scales graded in Roman numerals (concepts.jsonl attr "roman": NYHA class I-IV): "class
# III or IV" is read as "3 or 4", each numeral replaced in place by a digit of the same
# width so that every offset still points into the item's text.
_ROMAN = re.compile(r"(?<![A-Za-z])(?:IV|III|II|I|Ⅳ|Ⅲ|Ⅱ|Ⅰ)(?![A-Za-z])")
_ROMAN_VALUE = {"I": "1", "II": "2", "III": "3", "IV": "4", "Ⅰ": "1", "Ⅱ": "2", "Ⅲ": "3",
                "Ⅳ": "4"}  # fmt: skip
# "≥ grade III NYHA": a grade word between the comparison and the numeral.
_GRADE_WORD = re.compile(r"(?<=[<>≤≥=])\s*(?:grade|class|stage)\b", _I)


def _whole_numerals(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans read on the romanised text, widened to the whole numeral ("IV" read as "4 ")."""
    out = []
    for start, end in spans:
        for m in _ROMAN.finditer(text, max(0, end - 4), end + 4):
            if m.start() < end <= m.end():
                end = m.end()
        out.append((start, end))
    return out


# "NYHA class IV": one grade named, no comparison.
_ONE_GRADE = re.compile(r"\s*(?:\(\s*NYHA\s*\)\s*)?(?:functional\s+)?(?:class|grade|stage)?\s*"
                        r"(?P<n>[1-4])\s*(?=$|[).,;]|\s+(?!or\b|and\b|to\b|-)\w)", _I)


def _one_grade(
    text: str, start: int, stop: int, spans: list[tuple[int, int]]
) -> dict[str, Any] | None:
    m = _ONE_GRADE.match(text, start, stop)
    if m is None:
        return None
    spans.append((m.start("n"), m.end("n")))
    value = float(m["n"])
    return {"low": value, "high": value}


def _romanised(text: str, start: int, stop: int) -> str:
    def digit(m: re.Match[str]) -> str:
        return _ROMAN_VALUE[m.group()].ljust(len(m.group()))

    return text[:start] + _ROMAN.sub(digit, text[start:stop]) + text[stop:]


# "Heart failure NYHA class III or IV", "severe congestive heart failure (NYHA IV)": the
# condition a functional class grades (concepts.jsonl attr "grades") is the scale's subject.
_SCALE_SUBJECT_DEGREE = re.compile(
    r"\b(?:severe|congestive|chronic|symptomatic|decompensated)\b", _I
)


_JOINED = re.compile(r"\bor\b|\band\b|[,;]|\bnot\b|\bwithout\b|\bother\b", _I)


def _take_scale_subject(ctx: _Ctx, mention: TermMatch) -> None:
    """The graded condition beside the scale, joined to no other: "NYHA class I or
    decompensated heart failure" names two conditions, and keeps both words unread."""
    graded = ctx.vocab[mention.concept_id].attrs.get("grades")
    if not graded:
        return
    taken = [(a, b) for a, b, rule in ctx.taken if rule == "score:threshold"]
    subjects = []
    for term in ctx.terms:
        if term.concept_id not in graded:
            continue
        a, b = sorted((term.end, mention.start)) if term.end <= mention.start else (
            mention.end, term.start)
        gap = list(ctx.main[a:b])
        for x, y in taken:
            for i in range(max(x, a), min(y, b)):
                gap[i - a] = " "
        # "Heart failure, NYHA class III or IV": a comma right before the scale's name.
        before = term.end <= mention.start and re.fullmatch(r"\s*,\s*", "".join(gap))
        if before or not _JOINED.search("".join(gap)):
            subjects.append(term)
    for term in subjects:
        ctx.take(term.start, term.end, "score:subject")
    if subjects:
        for m in _SCALE_SUBJECT_DEGREE.finditer(ctx.main):
            if any(0 <= t.start - m.end() <= 30 for t in subjects):
                ctx.take(m.start(), m.end(), "score:subject")


def _score_named_after(
    ctx: _Ctx, mentions: Sequence[TermMatch]
) -> tuple[TermMatch, dict[str, Any], list[tuple[int, int]]] | None:
    """A threshold written before the score's name, in the few words since "score"
    ("a score of 6 or more on the SLEDAI-2K"), or right before a graded scale's name
    ("≥ grade III NYHA")."""
    for mention in mentions:
        begin = max(0, mention.start - 80)
        roman = ctx.vocab[mention.concept_id].attrs.get("roman")
        main = _romanised(ctx.main, begin, mention.start) if roman else ctx.main
        if roman:
            graded = _graded_before(ctx, main, begin, mention)
            if graded is not None:
                return graded
        m = _SCORE_BEFORE.search(main[begin : mention.start])
        if m is None:
            continue
        body_start = begin + m.start("body")
        cmps = _comparisons(main[: begin + m.end("body")], body_start)
        if len(cmps) != 1:
            continue
        ctx.take(begin + m.start(), begin + m.start("body"), "score:before")
        ctx.take(begin + m.start("tail"), begin + m.end("tail"), "score:before")
        ctx.take(cmps[0].start, cmps[0].stop, "score:threshold")
        threshold = {"op": cmps[0].op, "value": float(cmps[0].value)}
        return mention, threshold, [(cmps[0].start, cmps[0].stop)]
    return None


def _graded_before(
    ctx: _Ctx, main: str, begin: int, mention: TermMatch
) -> tuple[TermMatch, dict[str, Any], list[tuple[int, int]]] | None:
    """ "(≥ grade III NYHA)": a comparison, a grade word and a numeral right before."""
    prefix = main[begin : mention.start]
    m = re.search(r"(?P<op>[<>≤≥]=?)\s*(?:(?:grade|class|stage)\s+)?(?P<n>[1-4])\s*$", prefix)
    if m is None:
        return None
    cmps = _comparisons(_GRADE_WORD.sub(lambda g: " " * len(g.group()), prefix))
    if len(cmps) != 1 or cmps[0].start != m.start():
        return None
    ctx.take(begin + m.start(), begin + m.end(), "score:threshold")
    return mention, {"op": cmps[0].op, "value": float(cmps[0].value)}, []


# "Active disease defined as SLEDAI-2K ≥ 6", "Clinically inactive disease with SELENA-SLEDAI
# score < 6", "Moderate or high disease activity, defined as ESSDAI ≥ 5": the activity words
# before a disease-activity score (concepts.jsonl attr "disease_activity") restate its
# threshold. They must open the item and lead straight to the score's name.
_DEGREE = (
    r"(?:clinically|moderately|severely|highly|mildly|persistently|moderate|severe|high|low|mild)"
)
_ACTIVITY_LEAD = re.compile(
    rf"\W*(?:{_DEGREE}\s+(?:(?:to|or|and|and/or)\s+{_DEGREE}\s+)?)?"
    r"(?:(?:in)?active\s+(?:disease|SLE|lupus|systemic\s+lupus\s+erythematosus)?"
    r"|(?:disease\s+)?activity(?:\s+of\s+(?:the\s+)?(?:disease|SLE|lupus))?)"
    r"(?:\s+at\s+(?:screening|baseline))?"
    r"\s*[,:(-]?\s*(?:which\s+(?:is|was)\s+)?"
    r"(?:(?:as\s+)?defined\s+(?:as|by)|as\s+(?:measured|evidenced|assessed)\s+by|with|by|"
    r"according\s+to|i\.e\.,?)?\s*(?:(?:a|an|the)\s+)?",
    _I,
)


def _take_activity_lead(ctx: _Ctx, mention: TermMatch) -> None:
    if not ctx.vocab[mention.concept_id].attrs.get("disease_activity"):
        return
    lead = _ACTIVITY_LEAD.fullmatch(ctx.main, 0, mention.start)
    if lead is not None and lead.end() > 0:
        ctx.take(0, lead.end(), "score:activity-lead")


# The trace mark of a threshold the reader recognised but could not read (an unknown
# unit, a lost comparison sign): a person checks that clause, and only that clause
# ("Hemoglobin < 9 mmol/dL or active hepatitis B": the hepatitis is still read).
_UNREAD_THRESHOLD_RULE = "lab:unread-threshold"


def _score(ctx: _Ctx) -> _Parsed | None:
    """ "SLEDAI-2K ≥ 6", "ECOG 0 to 2", "ECOG performance status 0-1". The threshold is
    read after the score's name, so "2K"/"2000" in the name is never a value, and before
    another score's name: in "ECOG ≤ 2 or Lansky ≥ 50" the 50 is Lansky's."""
    mentions = ctx.mentions("score")
    if not mentions:
        return None
    if any(m.concept_id == "score.bilag" for m in mentions) and _BILAG_GRADE.search(ctx.main):
        return _manual(_BILAG_REASON, ctx.key("bilag"))
    if any(m.concept_id == "score.sledai" for m in mentions) and _PARTIAL_SLEDAI.search(ctx.text):
        ctx.taken.append((0, 0, _PARTIAL_SCORE_RULE))
        return _manual(_PARTIAL_SLEDAI_REASON, ctx.key("sledai"))
    readings: list[tuple[TermMatch, dict[str, Any] | None, list[tuple[int, int]]]] = []
    for index, mention in enumerate(mentions):
        # A threshold is read within a few words of the name ("ECOG 0, 1 or 2"): a bounded
        # tail keeps an item that names a score a thousand times linear.
        stop = min(mention.end + 300, len(ctx.main))
        for later in range(index + 1, len(mentions)):
            if mentions[later].start >= stop:
                break
            if mentions[later].concept_id != mention.concept_id:
                stop = mentions[later].start
                break
        spans: list[tuple[int, int]] = []
        roman = ctx.vocab[mention.concept_id].attrs.get("roman")
        text = _romanised(ctx.main, mention.end, stop) if roman else ctx.main
        threshold = _score_threshold(text, mention.end, stop, spans)
        if roman:
            if threshold is None:
                threshold = _one_grade(text, mention.end, stop, spans)
            spans = _whole_numerals(ctx.main, spans)
        readings.append((mention, threshold, spans))
    chosen = next((r for r in readings if r[1] is not None), None)
    if chosen is None:
        chosen = _score_named_after(ctx, mentions)
    if chosen is not None:
        mention, threshold, _ = chosen
        assert threshold is not None
        _take_activity_lead(ctx, mention)
        _take_scale_subject(ctx, mention)
        for other, other_threshold, spans in readings:
            # The same score named twice ("SLEDAI-2K (SLEDAI) ≥ 6"), or the same
            # requirement on another performance scale, is part of this reading.
            same = other.concept_id == mention.concept_id and other_threshold in (None, threshold)
            shared = other_threshold is None and _shares_scale(ctx, other, mention)
            if same or shared or (other_threshold is not None and _same_performance(
                    (mention.concept_id, threshold), (other.concept_id, other_threshold))):
                ctx.take(other.start, other.end, "term")
                for start, end in spans:
                    ctx.take(start, end, "score:threshold")
        if any(r[0].concept_id in _PERFORMANCE_SCALES for r in readings):
            for m in _AGE_ASIDE.finditer(ctx.text):
                ctx.take(m.start(), m.end(), "score:age-picks-scale")
        concept = ctx.vocab[mention.concept_id]
        params = {"concept": concept.id, **threshold}
        return _Parsed("score", ctx.key(concept.key), params)
    concept = ctx.vocab[mentions[0].concept_id]
    ctx.taken.append((0, 0, _UNREAD_THRESHOLD_RULE))  # named in the trace: see `_policy`
    return _manual(f"{concept.label} threshold not recognised", ctx.key(concept.key))


# ---------------------------------------------------------------- labs

_GENERIC_PROTEIN = re.compile(
    r"\b(?:proteinuria|urine\s+protein|urinary\s+protein|protein\s+excretion)\b", _I
)
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
    names = _named_limit_pattern()
    if names is None or not _NAMED_LIMIT_HINT.search(ctx.main):
        return found
    bare = _BARE_NAME.fullmatch(ctx.main)
    if bare is not None:
        owner, side = _named_limit_owner(bare["name"])
        if owner is not None and side == "<" and _CYTOPENIA.search(bare["name"]):
            # The bare name is the whole item: the analyte's own words in it are the name's.
            return [_Mention(owner, bare.start("name"), bare.end("name"), side, bare=True)]
        return found
    for m in names.finditer(ctx.main):
        owner, side = _named_limit_owner(m["name"])
        cmps = ctx.comparisons_between(m.end(), m.end() + 4)
        if owner is None or not cmps or cmps[0].uln or cmps[0].op[0] != side:
            continue
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue  # "Vitamin D deficiency (< 20 ng/mL)": the analyte's own mention reads it
        found.append(_Mention(owner, m.start(), m.end(), side))
    return found


@cache
def _named_limit_pattern() -> re.Pattern[str] | None:
    owners, _ = _condition_names()
    sided = [n for n in owners if _named_limit_owner(n)[0] is not None]
    if not sided:
        return None
    names = "|".join(_phrase_pattern(n) for n in sorted(sided, key=len, reverse=True))
    # The severity a limit defines ("severe thrombocytopenia (< 50,000/µL)") is part of the
    # name; the gap to the limit is a bracket, a colon or a space ("defined as" and an
    # analyte's own name are the defined-condition rule's, `_defined_condition`).
    return re.compile(rf"(?:\bsevere\s+)?(?P<name>{names})\s*[(\[:]?\s*", _I)


@cache
def _named_limit_owner(name: str) -> tuple[str | None, str]:
    """(the one analyte whose limit `name` names, "<" or ">"); (None, "") for a name two
    analytes share ("hepatic impairment") or one that says no side ("myositis")."""
    owners, _ = _condition_names()
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


def _unit_at(text: str, end: int) -> tuple[str | None, int]:
    """The unit written right after a number ("×109/L", "g/dL", "mL/min/1.73 m2"), read
    by matcher.nlp.units; returns (unit, end of unit)."""
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
            return candidate.strip(), begin + size
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
    return {"op": cmp.op, "value": _tidy(converted[0]), "unit": converted[1]}


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

_RESTATEMENT = re.compile(rf"\s*[,;]?\s*[(\[]\s*(?:(?:{_OP})\s*)?(?P<num>{_NUM})", _I)


def _restatement_end(text: str, end: int, family: str, analyte: str, value: float) -> int | None:
    """ "Total bilirubin ≤ 34 µmol/L (≤ 2.0 mg/dL)", "UPCR > 1 g/g (113 mg/mmol)": the same
    threshold in another unit (within 1 %) is part of the reading; a different number is
    not, and stays for the coverage guard to see."""
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
    if all(abs(c - value) > 0.01 * abs(value) for c in candidates):
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
    for index, mention in enumerate(mentions):
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
        day_lead = _DAY_LEAD.search(ctx.main, max(0, mention.start - 16), mention.start)
        if day_lead and mention.concept == "lab.urine_protein_24h":
            ctx.take(day_lead.start(), day_lead.end(), "lab:24-hour")  # "24 hours Proteinuria"
        clearance = _CLEARANCE.match(ctx.main, mention.end)
        if clearance and mention.concept == "lab.egfr":
            ctx.take(mention.end, clearance.end(), "lab:clearance")
        for start, end in spans:
            ctx.take(start, end, "lab:threshold")
        key = _threshold_key(reading)
        if key in group_of:
            analytes = groups[group_of[key]][0]
            if mention.concept not in analytes:
                analytes.append(mention.concept)
        else:
            group_of[key] = len(groups)
            groups.append(([mention.concept], reading))
    return groups


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


def _lab(ctx: _Ctx) -> _Parsed | None:
    mentions = _lab_mentions(ctx)
    if not mentions:
        return None
    concept = ctx.vocab[mentions[0].concept]
    if _RELATIVE_TO_BASELINE.search(ctx.main):
        reason = f"{concept.label}: a change from the patient's own baseline must be checked " \
            "by a person"
        return _manual(reason, ctx.key(concept.key))
    groups = _group_readings(ctx)
    if not groups:
        ctx.taken.append((0, 0, _UNREAD_THRESHOLD_RULE))  # named in the trace: see `_policy`
        return _manual(_unread_threshold(ctx, mentions[0], concept.label), ctx.key(concept.key))
    analytes, reading = groups[0]
    named = _defined_condition(ctx, mentions, [a for group, _ in groups for a in group])
    params: dict[str, Any] = {"analytes": analytes, "op": reading["op"]}
    for name in ("value", "uln_multiple", "lln_multiple"):
        if name in reading:
            params[name] = reading[name]
    params["unit"] = reading["unit"]
    params["exceptions"], params["below_manual"] = _lab_exceptions(ctx, analytes)
    params["csf_free_days"] = _csf_free_days(ctx)
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
        if named is None or not named[0] <= t.start < named[1]
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


# "Thrombocytopenia (platelets < 50 x10^9/L)", "Renal impairment defined as eGFR < 30",
# "anaemia with haemoglobin below 9 g/dL": a condition named at the start of the item and
# defined by the threshold that follows. Between the name and the analyte only definition
# words may stand; "e.g." gives an example, not the definition, and is not among them.
_DEFINITION_LEAD = (
    r"^\W*(?:(?:patients?|subjects?|participants?)\s+with\s+)?(?:known\s+)?"
    r"(?:(?:clinically\s+)?significant\s+|severe\s+|moderate\s+(?:or|to)\s+severe\s+)?"
)
_DEFINITION_GAP = re.compile(
    r"\s*(?:[(\[]\s*|,\s*|:\s*|\s)\s*(?:(?:defined|characteri[sz]ed|evidenced|manifested|"
    r"confirmed|indicated)\s+(?:as|by)\s*:?\s*|i\.\s*e\.?\s*,?\s*|with\s+)?"
    r"(?:(?:an?|the)\s+)?",
    _I,
)
# Lab words that may open the analyte's own name ("serum creatinine", "a serum albumin").
_SAMPLE_WORDS = re.compile(r"(?:(?:serum|plasma|blood|calculated|estimated)\s+)?", _I)


@cache
def _condition_names() -> tuple[dict[str, frozenset[str]], re.Pattern[str] | None]:
    """name (lower case) → the analytes whose threshold defines it, and one pattern of
    every name at the start of an item (longest first)."""
    owners: dict[str, set[str]] = {}
    for concept in load_vocabulary().concepts.values():
        for name in concept.attrs.get("condition_names", ()):
            owners.setdefault(name.casefold(), set()).add(concept.id)
    if not owners:
        return {}, None
    names = "|".join(_phrase_pattern(n) for n in sorted(owners, key=len, reverse=True))
    pattern = re.compile(rf"{_DEFINITION_LEAD}(?P<name>{names})", _I)
    return {n: frozenset(ids) for n, ids in owners.items()}, pattern


def named_condition(text: str, analytes: Iterable[str]) -> tuple[int, int, int] | None:
    """(start, end of the name, end of the definition words) of a condition named at the
    start of `text` that one of `analytes` defines ("Renal insufficiency (" for creatinine);
    None when the item names none, or one another analyte defines ("anaemia (platelets <
    50)" stays unread). The analyte itself must follow the returned end."""
    owners, pattern = _condition_names()
    m = pattern.match(text) if pattern is not None else None
    if m is None or not owners[" ".join(m["name"].casefold().split())] & set(analytes):
        return None
    gap = _DEFINITION_GAP.match(text, m.end("name"))
    return None if gap is None else (m.start(), m.end("name"), gap.end())


def _defined_condition(
    ctx: _Ctx, mentions: list[_Mention], analytes: list[str]
) -> tuple[int, int] | None:
    """The span of a condition the item defines by its thresholds, taken as their name."""
    named = named_condition(ctx.main, analytes)
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


# ---------------------------------------------------------------- drugs

_DOSE = re.compile(r"\d\s*(?:mg|g|mcg|µg|μg|iu|units?)\b", _I)


def _drug_exposure(ctx: _Ctx) -> _Parsed | None:
    """ "Rituximab or another anti-CD20 antibody within 3 months before enrollment" →
    rituximab and every anti-CD20 antibody, 91 days. A treatment procedure listed with
    the drugs shares their window ("ciclosporin, IVIG or plasmapheresis within 90 days");
    "currently on", "stable for ≥ 3 months" and "if on X, ..." are read as params."""
    named = ctx.concepts("drug", "drug_class")
    optional = _optional_drugs(ctx)
    named = [c for c in named if c not in optional]
    if not named:
        return None
    first = ctx.vocab[named[0]]
    key = ctx.key(first.key)
    judged = _drug_judgement(ctx, first.label, key)
    if judged is not None:
        return judged
    limits = _dose_limits(ctx)
    if limits is None:
        # "Prednisone > 0.5 mg/kg/day within 4 weeks": the dose cannot be checked from a
        # mention of the drug, and reading it as any exposure would exclude most patients.
        return _manual(f"{first.label} dose limit must be checked by a person", key)
    indication = _indication(ctx)
    ctx.take_terms(named)
    route = _unrecorded_route(ctx)
    procedures = _treatment_procedures(ctx)
    drugs = [d for d in _expand(named, ctx.vocab) if d not in _excepted_drugs(ctx)]
    _take_other_members(ctx, named)
    for m in _ANY_SETTING.finditer(ctx.main):
        ctx.take(m.start(), m.end(), "drug:any-setting")
    window = ctx.window()
    half_lives = _half_lives(ctx)
    if half_lives is not None:
        window, longer = half_lives
        if not longer:
            # "within 3 months or 5 half-lives, whichever is shorter": the half-life may
            # make the window shorter than the months, and notes do not give it.
            return _manual("a window shortened by the drug's half-life must be checked by a "
                           "person", key)
    if window is not None and _ever_beside_window(ctx):
        # "Ever treated with cyclophosphamide or received rituximab in the last 6
        # months": the window is one drug's; read for all, a drug excluded ever would be
        # excluded only recently (and the "ever" drug of an inclusion required recently).
        return _manual("the item gives one drug 'ever' and another a window: which applies "
                       "to which must be checked by a person", key)
    params: dict[str, Any] = {"drugs": drugs + procedures, "window_days": window}
    if window is not None and _during_study(ctx):
        params["also_during_study"] = True
    params.update(_drug_temporality(ctx, window))
    if limits and window is None and not params.get("current") and not (
        _PAST_DRUG.search(ctx.main) or _EVER_BEFORE.search(ctx.main)
        or _EXPOSURE_HISTORY.search(ctx.main)
    ):
        # "Prednisone ≤ 10 mg/day with or without hydroxychloroquine": a dose limit with no
        # word of time is the dose taken now, as a lone drug's (matcher.criteria.kinds).
        params["current"] = True
    if params.get("current") and window is None:
        params["window_days"] = LOOKBACK_DAYS
    if limits and params.get("current") and not ctx.exclusion and len(drugs) > 1:
        # "A stable regimen of prednisone (≤ 20 mg/day), antimalarials or azathioprine":
        # any one of them, or a ceiling for whoever takes prednisone (on HCQ and 30 mg of
        # prednisone)? Read either way it would decide that patient; a person does.
        limited = ctx.vocab[next(iter(limits))].label
        return _manual(f"a dose limit on current {limited} use within a list of drugs "
                       "must be checked by a person", key)  # fmt: skip
    if _started(ctx):
        if window is None or params.get("current") or limits or params.get("half_lives"):
            # "Patients who have started HCQ", "currently on AZA started within 8 weeks at
            # > 2 mg/kg": a start with no window of its own, or beside another reading.
            return _manual("when the drug was started must be checked by a person", key)
        params["started_within"] = True
    judged_dose = _judged_dose(ctx)
    if judged_dose is not None:
        if not params.get("current") or params.get("conditional"):
            # "Previously treated with the maximum tolerated dose of an ARB": a past dose
            # notes do not judge, with nothing else to decide on.
            return _manual(f"the {judged_dose} dose must be checked by a person", key)
        params["dose_judged"] = judged_dose
    if half_lives is not None:
        if params.get("current"):
            return _manual("a window shortened by the drug's half-life must be checked by a "
                           "person", key)
        params["half_lives"] = True
    if limits:
        params["dose_limits"] = limits
    if indication:
        params["indication"] = indication
    if route:
        params["route"] = route
    unless = _manual_exception(ctx)
    if unless:
        params["exception_manual"] = unless
    return _Parsed("drug_exposure", key, params)


# "(including as part of a clinical trial or early access programme)", ", including in a
# clinical study", "(including compassionate use)": the exposure counts in any setting,
# which is how the notes record it (the drug, not the programme it came from).
_SETTING = (r"(?:(?:a|an|any)\s+)?(?:clinical\s+(?:trials?|stud(?:y|ies))|(?:early|expanded)\s+"
            r"access(?:\s+program(?:me)?s?)?|compassionate\s+use(?:\s+program(?:me)?s?)?)")
_ANY_SETTING = re.compile(
    rf"[,(]?\s*\b(?:including|incl\.)\s+(?:(?:as\s+)?part\s+of\s+|in\s+|within\s+|through\s+|"
    rf"via\s+|during\s+)?{_SETTING}(?:\s*(?:,|or|and|and/or)\s*(?:in\s+|as\s+part\s+of\s+)?"
    rf"{_SETTING})*\s*\)?",
    _I,
)


# "HCQ started within 3 months", "initiation of methotrexate within 12 weeks", "newly
# introduced": a course that began in the window, not any use in it.
_STARTED_WORDS = re.compile(
    r"\b(?:(?:newly|new)\s+)?(?:started|initiated|introduced|commenced|begun)\b|"
    r"\b(?:initiation|introduction|commencement|start)\s+of\b(?:\s+(?:an?\s+)?new\b)?",
    _I,
)
_NEW = re.compile(r"\bnew(?:ly)?\b", _I)


# "prior to the commencement of our study", "cannot be initiated during the trial": a
# start word about the study, not the drug.
_STUDY_START_AFTER = re.compile(
    r"\s*(?:of\s+)?(?:the\s+|our\s+|this\s+)?(?:study|trial|protocol|investigational|"
    r"screening|enrol|randomi|dosing|during|after|following)", _I)
_STUDY_START_BEFORE = re.compile(r"\b(?:prior\s+to|before|after|since|until)\s+(?:the\s+)?$", _I)


def _started(ctx: _Ctx) -> bool:
    """Does the item ask for a drug started (in its window)? Its start words are read."""
    found = [m for m in _STARTED_WORDS.finditer(ctx.main)
             if not _STUDY_START_AFTER.match(ctx.main, m.end())
             and not _STUDY_START_BEFORE.search(ctx.main[max(0, m.start() - 20) : m.start()])]
    if not found:
        return False
    for m in [*found, *_NEW.finditer(ctx.main)]:
        ctx.take(m.start(), m.end(), "drug:started")
    return True


# "a maximally tolerated dose of an ACE inhibitor", "ARB at the maximum recommended
# dose", "optimised RAS blockade": a dose only the prescriber can judge. Read on a drug
# taken now, the evaluator leaves a course long enough to a person (as a stable dose).
_JUDGED_DOSE = re.compile(
    r"\b(?:(?:at|to)\s+)?(?:an?\s+|the\s+)?(?P<what>maxim(?:al(?:ly)?|um)\s+(?:tolerated|"
    r"recommended|labell?ed|approved|allowed)(?:\s+or\s+(?:maxim(?:al(?:ly)?|um)\s+)?"
    r"(?:tolerated|recommended|labell?ed|approved|allowed))?|optimi[sz]ed|optimal)"
    r"(?:\s+(?:doses?|dosages?|dosing))?(?:\s+of\b)?",
    _I,
)


def _judged_dose(ctx: _Ctx) -> str | None:
    """The words of a dose the item leaves to the prescriber ("maximally tolerated"),
    read, or None."""
    found = list(_JUDGED_DOSE.finditer(ctx.main))
    if not found:
        return None
    for m in found:
        ctx.take(m.start(), m.end(), "drug:judged-dose")
    return " ".join(found[0]["what"].lower().split())


# "within 3 months or 5 half-lives, whichever is longer (prior to baseline)", "within 5
# half-lives or 12 weeks (whichever is greater)": the stated window is the shortest the
# item means; how long 5 half-lives are is not in the notes.
_HALF_LIFE = (r"(?:\d{1,2}|three|four|five|six)\s+(?:elimination\s+|pk\s+|plasma\s+|terminal\s+)?"
              r"half[\s-]*li(?:fe|ves)(?:\s+of\s+the\s+(?:drug|agent|medication|product|"
              r"therapy|treatment))?(?:\s*\(if\s+known\))?")
_WHICHEVER = (r"\s*[,(]?\s*(?:(?:before|prior\s+to)\s+[^,;()]{1,40}?\s*,?\s*)?whichever\s+is\s+"
              r"(?:the\s+)?(?P<which>longer|greater|later|shorter|sooner|earlier|lesser)\s*\)?")
_HALF_LIVES_AFTER = re.compile(rf"\s*\(?\s*,?\s*or\s+(?:within\s+)?{_HALF_LIFE}{_WHICHEVER}", _I)
_HALF_LIVES_FIRST = re.compile(
    rf"\b(?:within|in)\s+(?:the\s+)?{_HALF_LIFE}\s*,?\s*or\s+(?P<n>{_NUM}|{_WORD_NUM})\s*"
    rf"(?P<unit>days?|weeks?|months?|years?){_WHICHEVER}",
    _I,
)


_ANCHOR_LEAD = re.compile(r"\s*,?\s*(?:before|prior\s+to|preceding|of|from)\s+(?:the\s+)?", _I)


def _take_half_lives(ctx: _Ctx, start: int, end: int) -> None:
    """The clause, and the anchor right after it ("..., whichever is longer) prior to
    baseline")."""
    lead = _ANCHOR_LEAD.match(ctx.text, end)
    tail = _anchor_tail().match(ctx.text, lead.end()) if lead is not None else None
    ctx.take(start, tail.end() if tail is not None else end, "drug:half-lives")


def _half_lives(ctx: _Ctx) -> tuple[int | None, bool] | None:
    """(the stated window in days, whether the longer of the two is meant) of an item
    that gives a drug's window "or 5 half-lives, whichever is longer", or None. The
    evaluator leaves an exposure before the stated window to a person."""
    first = _HALF_LIVES_FIRST.search(ctx.main)
    if first is not None:
        amount = _number(first["n"])
        if amount is None:
            return None
        _take_half_lives(ctx, first.start(), first.end())
        days = _days(amount, first["unit"])
        longer = first["which"].lower() in ("longer", "greater", "later")
        return days, longer
    windows = [(start, end) for start, end, rule in ctx.taken if rule == "window"]
    if not windows:
        return None
    after = _HALF_LIVES_AFTER.match(ctx.main, windows[-1][1])
    if after is None:
        return None
    _take_half_lives(ctx, after.start(), after.end())
    days = _window_match(ctx.text)
    return (days[0] if days else None), after["which"].lower() in ("longer", "greater", "later")


# "ever", "at any time": words of a lifetime exposure, which no window can share.
_EVER_BESIDE_WINDOW = re.compile(r"\bever\b|\b(?:at\s+)?any\s*time\b", _I)
_COORDINATOR = re.compile(r"[,;]|\b(?:or|and)\b", _I)


def _ever_beside_window(ctx: _Ctx) -> bool:
    """ "Ever treated with cyclophosphamide, or rituximab in the last 6 months": a word
    of lifetime exposure and the item's window with another drug and a coordinator
    between them, so each belongs to its own drug. "Belimumab at any time in the previous
    year" and "ever received rituximab within 6 months" are one window."""
    windows = [(s, e) for s, e, rule in ctx.taken if rule == "window"]
    if not windows:
        return False
    begin, end = windows[-1]
    drugs = ctx.mentions("drug", "drug_class")
    for m in _EVER_BESIDE_WINDOW.finditer(ctx.main):
        low, high = (m.end(), begin) if m.end() <= begin else (end, m.start())
        between = [t for t in drugs if low <= t.start and t.end <= high]
        if between and _COORDINATOR.search(ctx.main, low, high):
            return True
    return False


def _optional_drugs(ctx: _Ctx) -> set[str]:
    """ "MMF with or without other immunosuppressants": the drugs after "with or
    without" are neither required nor excluded; the clause is read and they leave the
    item's list (matcher.criteria.kinds.optional_drugs)."""
    from matcher.criteria.kinds import optional_drugs

    found = optional_drugs(ctx.main, ctx.terms, ctx.vocab)
    if found is None:
        return set()
    (start, end), named = found
    ctx.take(start, end, "drug:optional")
    return {t.concept_id for t in named}


# "within 1 week prior to screening and during the study", "8 weeks before screening or
# during the run-in period": use after screening is checked at the study's visits, not
# from the notes; the window before it stands.
_DURING_STUDY = re.compile(
    r"^\s*,?\s*(?:and|or)\s+(?:during|throughout)\s+(?:the\s+)?(?:study|trial|run-?in|"
    r"screening)(?:\s+(?:period|phase))?\b",
    _I,
)


def _during_study(ctx: _Ctx) -> bool:
    ends = [end for _, end, rule in ctx.taken if rule == "window"]
    found = _DURING_STUDY.match(ctx.text[ends[-1] :]) if ends else None
    if found is None:
        return False
    ctx.take(ends[-1], ends[-1] + found.end(), "drug:during-study")
    return True


# "topical steroid on the target lesion": where a local route was applied is part of it.
_LESION_SITE = re.compile(
    r"^\s*(?:applied\s+)?(?:on|to|into)\s+(?:the\s+|an?\s+|any\s+)?(?:active\s+|target\s+|"
    r"study\s+|treated\s+)?(?:skin\s+)?lesions?\b",
    _I,
)
# "intra-articular, intramuscular or intravenous steroids": systemic routes between an
# unrecorded one and the drug join it (any documented steroid is then left to a person).
_ROUTE_GAP = re.compile(
    r"(?:[\s,/]|\bor\b|\band\b|\bof\b|\b(?:intravenous(?:ly)?|iv|intramuscular(?:ly)?|"
    r"oral(?:ly)?|subcutaneous(?:ly)?|sc|parenteral(?:ly)?|systemic(?:ally)?)\b)*",
    _I,
)
# "methylprednisolone pulses", "steroid pulse therapy": the form written right after the
# drug, one word apart at most.
_ROUTE_AFTER_GAP = re.compile(r"[\s-]*", _I)
_PULSE_FORM = re.compile(r"\bpulse|\bbolus", _I)


@cache
def _route_pattern() -> re.Pattern[str] | None:
    routes = sorted(load_grammar().unrecorded_routes, key=len, reverse=True)
    return re.compile("|".join(phrase_pattern(r) for r in routes), _I) if routes else None


def _unrecorded_route(ctx: _Ctx) -> str | None:
    """ "Intralesional corticosteroids within 1 week", "topical steroids on the target
    lesion": a route the notes do not record (the grammar's `unrecorded_routes`), written
    right before a drug of the item. It is kept as words; the evaluator leaves a documented
    exposure to a person (a prednisone course in the notes is no intralesional injection)
    and decides on none documented."""
    pattern = _route_pattern()
    drugs = ctx.mentions("drug", "drug_class")
    if pattern is None or not drugs:
        return None
    routes: list[str] = []
    for match in pattern.finditer(ctx.main):
        following = next((t for t in drugs if t.start >= match.end()), None)
        gap = pattern.sub(" ", ctx.main[match.end() : following.start]) if following else "-"
        before = next((t for t in reversed(drugs) if t.end <= match.start()), None)
        right_after = before is not None and _ROUTE_AFTER_GAP.fullmatch(
            ctx.main[before.end : match.start()])  # fmt: skip
        if not _ROUTE_GAP.fullmatch(gap) and not right_after:
            continue
        ctx.take(match.start(), match.end(), "drug:route")
        route = " ".join(match.group(0).lower().split())
        if _PULSE_FORM.search(route):
            route = "as a pulse or bolus"  # "IV bolus", "pulses": one form, said once
        if route not in routes:
            routes.append(route)
    parenteral = _parenteral_steroid(ctx, drugs)
    if parenteral and parenteral not in routes:
        routes.append(parenteral)
    if not routes and _SYSTEMIC.search(ctx.main):
        # "Systemic corticosteroids within 8 weeks": a note's "hydrocortisone" may be a
        # cream; the evaluator decides on the steroids named only for systemic use.
        routes.append(SYSTEMIC_ROUTE)
    if not routes:
        return None
    for term in drugs:
        site = _LESION_SITE.match(ctx.main[term.end :])
        if site is not None:
            ctx.take(term.end, term.end + site.end(), "drug:route")
    return " or ".join(routes)


# "IV methylprednisolone within 3 months", "intramuscular corticosteroids": a steroid is
# mostly taken by mouth, and a note's "methylprednisolone" does not keep its route, so an
# injected steroid is a route notes do not record. With "oral" or "systemic" beside it,
# any steroid counts.
_INJECTED_BEFORE = re.compile(
    r"\b(?:intravenous|iv|i\.v\.|intramuscular|im|i\.m\.)(?:[\s,/]|\bor\b|\band\b)*$", _I
)
_INJECTED_AFTER = re.compile(r"^\s*(?:intravenously|intramuscularly|iv|i\.v\.|im|i\.m\.)\b", _I)
_SYSTEMIC = re.compile(r"\bsystemic(?:ally)?\b", _I)
_INJECTED_IN_TERM = re.compile(r"\b(?:iv|ivmp|intravenous)\b", _I)
_ANY_STEROID_ROUTE = re.compile(r"\b(?:oral(?:ly)?|systemic(?:ally)?|by\s+mouth|per\s+os)\b", _I)


def _parenteral_steroid(ctx: _Ctx, drugs: list[TermMatch]) -> str | None:
    if _ANY_STEROID_ROUTE.search(ctx.main):
        return None
    for term in drugs:
        if term.concept_id != "drug.glucocorticoid":
            continue
        if _PULSE_FORM.search(term.text):
            return "as a pulse or bolus"  # the vocabulary's own "pulsed methylprednisolone"
        if _INJECTED_IN_TERM.search(term.text):
            return "intravenously or intramuscularly"  # "IV methylprednisolone", "IVMP"
        before = _INJECTED_BEFORE.search(ctx.main[max(0, term.start - 40) : term.start])
        if before is not None or _INJECTED_AFTER.match(ctx.main[term.end : term.end + 20]):
            return "intravenously or intramuscularly"
    return None


def _manual_exception(ctx: _Ctx) -> str | None:
    """ "Rituximab, unless B cells have returned to normal": an exception naming no drug
    is one the notes cannot check. It is kept as words, and the evaluator leaves to a
    person the case it could change (a documented exposure for an exclusion, none for an
    inclusion); the other case is decided whatever the exception says."""
    clauses = []
    for clause, (begin, end) in zip(ctx.exceptions, ctx.exception_spans, strict=True):
        if (begin, end) in ctx.honoured:
            continue
        ctx.honoured.append((begin, end))
        ctx.take(begin, end, "exception:manual")
        clauses.append(" ".join(clause.strip(" ,;()").split()))
    return "; ".join(clauses) or None


# "high-dose prednisone (> 100 mg/day)", "prednisone at a dose of ≥ 1 mg/kg/day": a dose
# limit bound to the glucocorticoid named right before it, inside a list of drugs.
_DOSE_GAP = re.compile(r"^[\s(]*(?:(?:at\s+)?(?:a\s+)?(?:daily\s+)?dose\s+(?:of\s+)?)?$", _I)
_HIGH_DOSE = re.compile(r"\bhigh[\s-]+dose\s*$", _I)


def _dose_limits(ctx: _Ctx) -> dict[str, dict[str, Any]] | None:
    """Per-drug daily dose limits of a drug list ("hemodialysis, cyclophosphamide, or
    high-dose prednisone (> 100 mg/day)"): {drug id: dose params of
    matcher.criteria.kinds' dose_exposure}, {} when the item names no dose, None when a
    dose is not one this reading can bind (not a glucocorticoid's daily dose, or not
    right after its drug): the caller leaves the item manual."""
    if not _DOSE.search(ctx.main):
        return {}
    from matcher.criteria.kinds import dose_unit_at

    limits: dict[str, dict[str, Any]] = {}
    drugs = [t for t in ctx.terms if ctx.vocab[t.concept_id].category == "drug"]
    for cmp in _comparisons(ctx.main):
        unit = dose_unit_at(ctx.main, cmp.num_end)
        if unit is None:
            continue
        before = [t for t in drugs if t.end <= cmp.start]
        if not before or before[-1].concept_id != "drug.glucocorticoid":
            return None
        term = before[-1]
        if not _DOSE_GAP.match(ctx.main[term.end : cmp.start]):
            return None
        amount, dose_unit, end = unit
        if dose_unit not in ("mg/day", "mg/kg/day") or term.concept_id in limits:
            return None
        # "methylprednisolone ≥ 500 mg/day" is 625 mg of prednisone: the limit is compared
        # as prednisone, like the notes' doses.
        amount *= steroid_factor(term.text) or 1.0
        limits[term.concept_id] = {"dose_op": cmp.op, "dose_value": _tidy(cmp.value * amount),
                                   "dose_unit": dose_unit, "prednisone_equivalent": True}
        close = re.match(r"\s*\)", ctx.main[end:])
        ctx.take(term.end, end + (close.end() if close else 0), "drug:dose-limit")
        high = _HIGH_DOSE.search(ctx.main[: term.start])
        if high is not None:
            ctx.take(high.start(), high.end(), "drug:dose-limit")
    return limits if limits and not _DOSE.search(_blanked(ctx.main, [
        (s, e) for s, e, r in ctx.taken if r == "drug:dose-limit"])) else None


# "Active lupus nephritis requiring hemodialysis or cyclophosphamide": the treatments
# count only when given for that disease, which the notes do not reliably say.
_INDICATION_LEAD = re.compile(
    r"^\W*(?P<state>(?:active|current|ongoing)\s+)?(?P<dx>.+?)\s+(?:requiring|that\s+"
    r"required?|needing|treated\s+with)\b",
    _I,
)


def _indication(ctx: _Ctx) -> str | None:
    """The disease a drug list is given for, as words ("active lupus nephritis"), when
    the item leads with it; the evaluator leaves a documented exposure to a person."""
    m = _INDICATION_LEAD.match(ctx.main)
    if m is None:
        return None
    lead = [t for t in ctx.terms if t.end <= m.end("dx")]
    if not lead or any(ctx.vocab[t.concept_id].category != "diagnosis" for t in lead):
        return None
    if ctx.main[lead[0].start - (len(m["state"] or "")) :].find(
        ctx.main[m.start("dx") : m.end("dx")]) < 0:  # fmt: skip
        return None
    covered = _blanked(ctx.main[: m.end("dx")], [(t.start, t.end) for t in lead])
    if re.search(r"\w", covered[m.start("dx") :]):
        return None  # words in the disease phrase that are not the disease
    ctx.take(m.start(), m.end(), "drug:indication")
    return " ".join(ctx.main[m.start("state") if m["state"] else m.start("dx") : m.end("dx")]
                    .lower().split())  # fmt: skip


# What notes cannot tell about a drug: a reaction to it, a failed response, a change of
# its dose. "Known intolerance to MMF" read as any MMF exposure would exclude everyone
# who tolerates it; each stays manual with a reason that names what a person checks.
_DRUG_JUDGEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bintoleran\w*|\bnot\s+tolerat\w*|\bunable\s+to\s+tolerate\b", _I),
     "intolerance to {drug} must be checked by a person (notes name the drug, not reliably "
     "the reaction)"),
    # (an allergy is a manual cue read before any drug; "steroid-resistant nephrotic
    # syndrome" and "refractory" are diseases the other readers name)
    (re.compile(r"\bfail\w*\s+to\s+respond|\bfailure\s+(?:of|on|with)\b|\bnon-?respon\w*|"
                r"\b(?:inadequate|insufficient|lack\s+of|no|poor)\s+(?:clinical\s+)?"
                r"respon\w*", _I),
     "a failed response to {drug} must be checked by a person (how the response was "
     "judged is not in the notes)"),
    (re.compile(r"\bdose\s+(?:change|adjust\w*|escalat\w*|increase|reduc\w*|taper\w*)|"
                r"\bchang\w*\s+(?:in|of)\s+(?:the\s+)?(?:dose|dosage|dosing)\b", _I),
     "a change of the {drug} dose must be checked by a person (notes do not record every "
     "dose change)"),
)


def _drug_judgement(ctx: _Ctx, label: str, key: str) -> _Parsed | None:
    for pattern, reason in _DRUG_JUDGEMENTS:
        if pattern.search(ctx.main):
            return _Parsed("manual", key, {}, reason.format(drug=label), ("drug:judgement",))
    return None


def _treatment_procedures(ctx: _Ctx) -> list[str]:
    """Procedures the vocabulary marks as treatments ("plasmapheresis", "dialysis"),
    listed with drugs: exposures like them."""
    found = [c for c in ctx.concepts("procedure") if ctx.vocab[c].attrs.get("treatment")]
    ctx.take_terms(found)
    return found


# "Currently receiving", "ongoing", "at (the time of) screening": the drug is taken now.
_CURRENT_DRUG = re.compile(
    r"\b(?:currently|current|ongoing|still|maintenance)\b|\bat\s+(?:the\s+time\s+of\s+)?(?:the\s+)?"
    r"(?:screening|baseline|enrol\w*|randomi[sz]ation|study\s+entry|inclusion)"
    r"(?:\s+visit)?\b",
    _I,
)
# "Subjects receiving tacrolimus", "On MMF", "Patients who are taking methotrexate": a
# present participle at the lead is use now ("Patients who received" is ever).
_CURRENT_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|those|individuals?)\s+(?:who\s+are\s+)?)?"
    r"(?:currently\s+)?(?:on|using|taking|receiving)\b",
    _I,
)
# Words of a past exposure ("history of", "previous", "prior" that is not "prior to").
_PAST_DRUG = re.compile(
    r"\b(?:history|previous(?:ly)?|ever|formerly|past)\b|\bprior\b(?!\s+to\b)", _I
)
# "Stable treatment", "a stable dose of", "on stable doses", "a fixed regimen".
_STABLE_DRUG = re.compile(
    r"\b(?:stable|fixed|unchanged)(?:\s+(?:doses?|dosages?|dosing|regimens?|treatments?|"
    r"therapy))?\b|\b(?:doses?|dosages?|regimens?)\s+(?:must\s+)?(?:have\s+)?(?:been\s+)?"
    r"(?:stable|unchanged)\b",
    _I,
)
# "If on GC,", "if using hydroxychloroquine or chloroquine,": the item binds only patients
# taking the drug. Read up to the comma after the drug.
_IF_ON = re.compile(
    r"^\W*(?:if|when|for\s+(?:patients?|subjects?|participants?)\s+(?:who\s+are\s+)?)\s+"
    r"(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+)?(?:(?:is|are)\s+)?"
    r"(?:on|using|taking|receiving|treated\s+with|prescribed)\b",
    _I,
)
# "(for) at least 2 months (prior to screening)": how long the current drug was held.
_HELD_ANCHOR = re.compile(
    r"\s*(?:(?:before|prior\s+to|preceding)\s+(?:the\s+)?(?:screening|baseline|enrol\w*|"
    r"randomi[sz]ation|day\s+[01]|study\s+entry|inclusion)(?:\s+visit)?)?",
    _I,
)


# "anytime before randomisation", "at any time prior to screening": ever, up to the anchor.
# Words that tell of an exposure in the patient's history rather than the drug now.
_EXPOSURE_HISTORY = re.compile(
    r"\b(?:treated|exposed|given|administered|received|had|taken|used|undergone)\b"
    r"|\b(?:treatment|therapy|exposure|courses?)\s+(?:with|to|of)\b",
    _I,
)
_EVER_BEFORE = re.compile(
    r"\b(?:at\s+)?any\s*time(?:\s+(?:before|prior\s+to|preceding)\s+(?:the\s+)?"
    r"(?:screening|baseline|enrol\w*|randomi[sz]ation|day\s+[01]|study\s+entry|inclusion|"
    r"(?:signing\s+(?:of\s+)?(?:the\s+)?)?(?:informed\s+)?consent(?:\s+form)?|"
    r"(?:the\s+)?first\s+dose)(?:\s+visit)?)?\b",
    _I,
)


def _drug_temporality(ctx: _Ctx, window: int | None) -> dict[str, Any]:
    """Current, stable and conditional drug use: "currently on AZA" → current;
    "stable antimalarials for ≥ 3 months" → current, held ≥ 91 days, stability left to a
    person; "if using HCQ, stable for ≥ 2 months" → the same, and only if on it."""
    params: dict[str, Any] = {}
    ever = False
    if window is None:
        for m in _EVER_BEFORE.finditer(ctx.main):
            ctx.take(m.start(), m.end(), "drug:ever")
            ever = True
    if window is not None or _PAST_DRUG.search(ctx.main):
        # Use now is read only without a window and without words of a past exposure:
        # "currently or within 3 months", "previous belimumab, as documented at
        # screening", "if receiving rituximab within 6 months", "stable over the past
        # year" are not one reading, and their cue words stay for the coverage guard.
        return params
    conditional = _IF_ON.search(ctx.main)
    stable = list(_STABLE_DRUG.finditer(ctx.main))
    current = list(_CURRENT_DRUG.finditer(ctx.main))
    if conditional is None:
        current += list(_CURRENT_LEAD.finditer(ctx.main))
    if not (stable or current or conditional):
        if ctx.exclusion and not ever and not _EXPOSURE_HISTORY.search(ctx.main):
            # "Immunosuppressive drugs", "Anticoagulant drugs", "Use of methotrexate" as an
            # exclusion: a drug named with no word of time is the drug taken now. Read as
            # any exposure ever, a finished prednisone course years ago excluded a patient
            # (two blind reviews of unseen texts found it; the dev gold reads it so too).
            # "Treated with", "treatment with", "exposure to" tell of a history: left ever.
            params["current"] = True
            ctx.taken.append((0, 0, "drug:bare-current"))
        return params
    for m in [*stable, *current, *([conditional] if conditional else [])]:
        ctx.take(m.start(), m.end(), "drug:current")
    params["current"] = True
    if conditional is not None:
        params["conditional"] = True
    if stable:
        params["stable"] = True
    spans: list[tuple[int, int]] = []
    held = _duration(ctx.main, spans)
    if held is not None and not held[1]:
        params["min_duration_days"] = held[0]
        start, end = spans[0]
        tail = _HELD_ANCHOR.match(ctx.main, end)
        ctx.take(start, tail.end() if tail else end, "drug:held")
    return params


def _excepted_drugs(ctx: _Ctx) -> set[str]:
    """ "Biologics except belimumab": the drugs an exception clause names are not part of
    the criterion. A clause that names no drug is not honoured (the coverage guard sees
    its words)."""
    excepted: set[str] = set()
    for clause, (begin, end) in zip(ctx.exceptions, ctx.exception_spans, strict=True):
        terms = [t for t in ctx.vocab.find_terms(clause)
                 if ctx.vocab[t.concept_id].category in ("drug", "drug_class")]  # fmt: skip
        if not terms:
            continue
        ctx.honoured.append((begin, end))
        for term in terms:
            excepted.update(ctx.vocab.expand(term.concept_id))
            ctx.take(begin + term.start, begin + term.end, "exception:drug")
    return excepted


_OTHER_BEFORE = re.compile(r"\b(?:any\s+)?(?:an)?others?\s+$", _I)


def _take_other_members(ctx: _Ctx, named: list[str]) -> None:
    """ "Rituximab or another anti-CD20 antibody": "another" is read when a drug named
    before it belongs to the class; "other immunosuppressants" with no such drug says
    "other than something not named here" and stays for the coverage guard."""
    seen: set[str] = set()
    for term in ctx.terms:
        concept = ctx.vocab[term.concept_id]
        if concept.category not in ("drug", "drug_class"):
            continue
        lead = _OTHER_BEFORE.search(ctx.text[max(0, term.start - 16) : term.start])
        if lead is not None and concept.category == "drug_class" and seen & set(concept.members):
            ctx.take(term.start - (min(16, term.start) - lead.start()), term.start, "drug:other")
        seen.update(concept.members)


# ---------------------------------------------------------------- diagnoses

def _system(text: str, concepts: Sequence[str],
            spans: list[tuple[int, int]] | None = None) -> str | None:  # fmt: skip
    """The classification standard an item cites for its diagnosis: "2019 EULAR/ACR",
    "ACR 1997", "SLICC 2012", "2002 AECG" (matcher.criteria.citation, from data). `spans`
    collects where the citations, their own thresholds ("at least 4 of the 11") and their
    "over the disease's course" words ("serially or simultaneously") were read."""
    citation = read_citation(text, concepts)
    if citation is None:
        return None
    if spans is not None:
        spans.extend(citation.spans)
    return citation.label


# "Meets the SLICC criteria for SLE": the criteria's term ("criteria for SLE") holds the
# disease's name, so the disease is named even though the longer term won.
_CRITERIA_NAME_DISEASE = re.compile(r"\b(?:SLE|lupus)\b", _I)


def _criteria_named_disease(ctx: _Ctx) -> list[str]:
    return ["dx.sle"] if any(
        t.concept_id == "status.sle_criteria"
        and _CRITERIA_NAME_DISEASE.search(ctx.text[t.start : t.end])
        for t in ctx.terms
    ) else []


def _without_cited_criteria(concepts: list[str], ctx: _Ctx) -> list[str]:
    """ "Other systemic autoimmune diseases diagnosed by ACR classification criteria":
    beside another diagnosis, "ACR classification criteria" (a term of meeting SLE's
    criteria) cites that diagnosis' criteria, so it is no condition of its own. A term
    naming lupus ("SLE criteria") stays."""
    concepts = _outside_citations(concepts, ctx)
    if "status.sle_criteria" not in concepts or len(concepts) < 2 or _criteria_named_disease(ctx):
        return concepts
    return [c for c in concepts if c != "status.sle_criteria"]


def _outside_citations(concepts: list[str], ctx: _Ctx) -> list[str]:
    """ "Type 1 diabetes according to the American Diabetes Association criteria": a
    disease named only inside the cited body's name is not a condition of the item."""
    named = {t.concept_id for t in outside_citations(
        ctx.main, [t for t in ctx.terms if t.concept_id in concepts])}
    return [c for c in concepts if c in named]


def _implied_by_citation(ctx: _Ctx) -> list[str]:
    """The disease an inclusion names only by its classification criteria: "fulfils 4 of
    the 11 ACR criteria" is SLE (matcher.criteria.citation.implied_conditions). When the
    citation fits several diseases ("at least 4 ACR classification criteria": SLE's or
    rheumatoid arthritis'), a lupus trial's is SLE; any other stays unread."""
    conditions = implied_conditions(ctx.text)
    if len(conditions) > 1 and ctx.lupus_trial and "dx.sle" in conditions:
        return ["dx.sle"]
    return conditions if len(conditions) == 1 else []


def _diagnosis_params(concepts: list[str], ctx: _Ctx) -> dict[str, Any]:
    spans: list[tuple[int, int]] = []
    params: dict[str, Any] = {
        "concepts": concepts,
        "system": _system(ctx.text, concepts, spans),
        "ruled_out_not_met": not ctx.exclusion,
    }
    for start, end in spans:
        ctx.take(start, end, "diagnosis:system")
    window = ctx.window()
    if window is not None:
        params["window_days"] = window
    params.update(_temporality(concepts, window, ctx))
    return params


def _temporality(concepts: list[str], window: int | None, ctx: _Ctx) -> dict[str, Any]:
    """ "Active tuberculosis" is current, "history of" ever, "severe" a qualifier a person
    judges (matcher.criteria.temporality); the words it read count as understood."""
    named = ctx.mentions("diagnosis", "procedure", "status")  # "hemodynamically unstable"
    terms = [(t.start, t.end, t.concept_id) for t in named]
    found = read_temporality(ctx.main, terms, window, concepts,
                             headings=[_normalise(h) for h in ctx.context])  # fmt: skip
    for start, end in found.spans:
        ctx.take(start, end, TEMPORAL_RULE)
    return found.params


def _most_specific(concepts: list[str], vocab: Vocabulary) -> list[str]:
    """An inclusion needs the patient to have all of it: "SLE with lupus nephritis" is
    lupus nephritis, which implies SLE; listing both would accept SLE alone."""
    implied = {i for c in concepts for i in vocab[c].attrs.get("implies", ())}
    return [c for c in concepts if c not in implied]


def _diagnosis(ctx: _Ctx) -> _Parsed | None:
    categories = (
        ("diagnosis", "procedure", "status") if ctx.exclusion else ("diagnosis", "procedure")
    )
    # Having had a kidney biopsy is never itself a condition to include or exclude on.
    concepts = _without_cited_criteria(
        [c for c in ctx.concepts(*categories) if c != "proc.kidney_biopsy"], ctx)
    named = _criteria_named_disease(ctx)
    if not concepts and not named and not ctx.exclusion:
        named = _implied_by_citation(ctx)
    if not concepts and not named:
        return None
    concepts += [c for c in named if c not in concepts]
    if named:
        ctx.take_terms(["status.sle_criteria"])
    ctx.take_terms(concepts)
    _take_restated_abbreviations(ctx, concepts)
    if not ctx.exclusion:
        concepts = _most_specific(concepts, ctx.vocab)
    else:
        concepts += [c for c in _elliptical_concepts(ctx) if c not in concepts]
    key = ctx.key(ctx.vocab[concepts[0]].key)
    params = _diagnosis_params(concepts, ctx)
    if ctx.exclusion and _take_other(ctx, concepts):
        params["other_than_own"] = True
    if _confirmed_by_tissue(ctx):
        params["judged"] = [*params.get("judged", []), _TISSUE_CONFIRMED]
    return _Parsed("diagnosis", key, params)


# "(PAPS)", "[JDM]", "(IgAN)": a short form in brackets right after the words it shortens.
_BRACKETED_SHORT_FORM = re.compile(r"\s*[(\[]\s*(?P<short>[A-Za-z][A-Za-z0-9-]{1,7})\s*[)\]]")
_LONG_FORM_WORDS = 4  # the short form's letters come from at most this many words before it


def _shortens(short: str, long: str) -> bool:
    """Does `short` abbreviate `long`? Its letters appear in `long` in order, the first at
    a word's start, and at least two of them (Schwartz & Hearst's test): "PAPS" shortens
    "primary antiphospholipid syndrome", "IgAN" "IgA nephropathy", "JDM" "juvenile
    dermatomyositis"; "SLE" does not shorten "polymyositis"."""
    letters = [c.lower() for c in short if c.isalnum()]
    text = long.lower()
    position = len(text)
    for index in range(len(letters) - 1, -1, -1):
        position = text.rfind(letters[index], 0, position)
        while index == 0 and position > 0 and text[position - 1].isalnum():
            position = text.rfind(letters[index], 0, position)
        if position < 0:
            return False
    return len(letters) >= 2 and position >= 0


def _take_restated_abbreviations(ctx: _Ctx, concepts: list[str]) -> None:
    """ "Primary antiphospholipid syndrome (PAPS)": a bracketed short form right after a
    term of the reading restates it (with the words before the term it also shortens)
    and adds nothing; a bracket that does not shorten the words before it stays for the
    coverage guard."""
    for term in ctx.terms:
        if term.concept_id not in concepts:
            continue
        m = _BRACKETED_SHORT_FORM.match(ctx.main, term.end)
        if m is None:
            continue
        words = list(re.finditer(r"\S+", ctx.main[max(0, term.start - 40) : term.end]))
        long = " ".join(w[0] for w in words[-_LONG_FORM_WORDS:])
        if _shortens(m["short"], long):
            ctx.take(m.start(), m.end(), "diagnosis:short-form")


# "IgA nephropathy confirmed by renal biopsy", "biopsy-proven myositis", "histologically
# confirmed malignancy": notes name the disease, and seldom how it was confirmed (a biopsy
# report naming it is one way among others). The diagnosis decides when it is absent; when
# documented, whether a biopsy confirmed it is left to a person.
_TISSUE_CONFIRMED = "confirmed by biopsy or histology"
_TISSUE = (
    r"(?:(?:renal|kidney|skin|liver|muscle|lung|lymph\s+node|bone\s+marrow|(?:minor\s+)?"
    r"salivary\s+gland|lip|tissue|pathological|histological|histopathological|core|needle|"
    r"surgical|endoscopic|previous|prior|a|an|the)\s+)*"
)
_TISSUE_WORD = re.compile(r"biops|histolog|histopatholog|patholog|cytolog", _I)
_CONFIRMED_BY_TISSUE = re.compile(
    rf"\b{_TISSUE}biops(?:y|ies)[-\s](?:proven|proved|confirmed|documented)\b|"
    rf"\b(?:confirmed|proven|proved|documented|diagnosed|demonstrated)\s+(?:by|on|with|through|"
    rf"via)\s+{_TISSUE}(?:biops(?:y|ies)|histology|histopathology|pathology)\b|"
    r"\b(?:histologically|histopathologically|pathologically)[-\s](?:confirmed|proven|proved|"
    r"documented|diagnosed)\b|"
    rf"\bbased\s+on\s+{_TISSUE}biops(?:y|ies)\b"
    # "... based on renal biopsy before or during screening": a biopsy at any time.
    r"(?:\s+(?:performed\s+|done\s+|obtained\s+)?(?:before|prior\s+to)\s+or\s+(?:during|at)\s+"
    r"(?:the\s+)?screening(?:\s+period)?)?",
    _I,
)


# "Clinical or pathologic diagnosis of polymyositis": either way of diagnosing it will do,
# so the diagnosis documented stands for it. "Histologically or cytologically confirmed",
# "pathological diagnosis of", "clinical and histological diagnosis": the tissue must
# have confirmed it.
_TISSUE_ADJ = r"(?:histo(?:patho)?logic|patho?logic|cytologic)(?:al)?(?:ly)?"
_CLINICAL_ADJ = r"clinical(?:ly)?"
_EVIDENCE = (r"(?:diagnos(?:is|ed)|confirm(?:ed|ation)|proven|proved|evidence|documented|"
             r"established)")  # fmt: skip
_CLINICAL_OR_TISSUE = re.compile(
    rf"\b(?:{_CLINICAL_ADJ}\s*,?\s*(?:or|and/or|/)\s*{_TISSUE_ADJ}|"
    rf"{_TISSUE_ADJ}\s*,?\s*(?:or|and/or|/)\s*{_CLINICAL_ADJ})\s+{_EVIDENCE}\b",
    _I,
)
_TISSUE_EVIDENCE = re.compile(
    rf"\b(?:{_CLINICAL_ADJ}\s+and\s+)?{_TISSUE_ADJ}(?:\s*(?:,|or|and/or|and|/)\s*{_TISSUE_ADJ})*"
    rf"\s+{_EVIDENCE}\b",
    _I,
)


def _confirmed_by_tissue(ctx: _Ctx) -> bool:
    """Does the item ask for a diagnosis confirmed by biopsy or histology? Its words are
    taken (and those of "clinical or pathological diagnosis", which asks for none)."""
    if not _TISSUE_WORD.search(ctx.text):
        return False  # most items: the full pattern tries every word as an organ
    either = [(m.start(), m.end()) for m in _CLINICAL_OR_TISSUE.finditer(ctx.text)]
    for start, end in either:
        ctx.take(start, end, "diagnosis:clinical-or-tissue")
    found = [*_CONFIRMED_BY_TISSUE.finditer(ctx.text), *(
        m for m in _TISSUE_EVIDENCE.finditer(ctx.text)
        if not any(a < m.end() and m.start() < b for a, b in either))]
    for m in found:
        ctx.take(m.start(), m.end(), "diagnosis:tissue-confirmed")
    return bool(found)


def _take_other(ctx: _Ctx, concepts: list[str]) -> bool:
    """ "Other malignancy": the word "other" before a term of the reading is taken; the
    guard decides whether the trial's own condition lets it stand (matcher.criteria.other)."""
    starts = [t.start for t in ctx.terms if t.concept_id in concepts]
    spans = other_spans(ctx.main, starts)
    for start, end in spans:
        ctx.take(start, end, "diagnosis:other")
    return bool(spans)


# "Active or latent TB", "active, latent or untreated tuberculosis": the words before the
# term share its noun. Each such word, one at a time, back from the term.
_SHARED_NOUN_WORD = re.compile(
    r"(?P<word>[^\W\d_]+)\s*(?:,\s*(?:or\s+|and/or\s+)?|\s(?:or|and/or)\s+)$", _I
)


def _elliptical_concepts(ctx: _Ctx) -> list[str]:
    """Concepts an exclusion names by sharing a term's noun: in "active or latent TB",
    "active [TB]" is a term of active tuberculosis, so a documented active TB excludes as
    latent TB does. Only a word that with the term's noun makes a whole vocabulary term of
    another concept counts ("acute or chronic X" adds nothing unless "acute X" is one)."""
    found: list[str] = []
    for term in ctx.mentions("diagnosis"):
        head = term.text.split(maxsplit=1)
        if len(head) < 2:
            continue
        before = ctx.main[max(0, term.start - 60) : term.start]
        nouns = head[1].split()
        while (shared := _SHARED_NOUN_WORD.search(before)) is not None:
            # "active and/or latent tuberculosis infection": "active tuberculosis" is the
            # term, so the noun may be the head's first words only.
            for size in range(len(nouns), 0, -1):
                candidate = " ".join([shared["word"], *nouns[:size]])
                whole = [t.concept_id for t in ctx.vocab.find_terms(candidate)
                         if t.start == 0 and t.end == len(candidate)]  # fmt: skip
                if whole:
                    found += [c for c in whole if c != term.concept_id]
                    break
            before = before[: shared.start()]
    return found


# ---------------------------------------------------------------- dispatch

def _kinds(ctx: _Ctx) -> _Parsed | None:
    """Vitals, serology, current pregnancy, dose limits, disease duration and onset age,
    lab ranges and diagnosis exceptions: read by matcher.criteria.kinds, which also names
    the spans each reading consumed. Imported here, not at the top: it reads this module's
    comparison and window grammar."""
    from matcher.criteria import kinds as criteria_kinds

    # Unguarded: the reading comes back whole with the spans it consumed, and the coverage
    # guard here (`_checked`) judges it like any other: "Positive HBsAg or syphilis
    # antibody" read as HBsAg leaves "syphilis" over and is manual.
    found = criteria_kinds.read(ctx.text, ctx.main, ctx.type, ctx.context, guard=False)
    if found is None:
        return None
    rule = f"kinds:{found.rule}" if found.rule else "kinds"
    for start, end in found.spans:
        ctx.take(start, end, rule)
    if not found.spans:
        ctx.taken.append((0, 0, rule))  # a manual reading still names its rule (trace)
    params = found.params
    if found.kind == "diagnosis" and "temporality" not in params:
        # Its conditions are ever or in the window it read; a current state ("active
        # tuberculosis") it leaves to `_diagnosis`.
        params = {**params, "temporality": "within" if params.get("window_days") else "ever"}
    return _Parsed(found.kind, ctx.key(found.key), params, found.manual_reason)


def _allergy(ctx: _Ctx) -> _Parsed | None:
    """An allergy, hypersensitivity or intolerance exclusion naming drugs the vocabulary
    knows (matcher.criteria.allergy); one to the study drug says why it stays manual."""
    from matcher.criteria import allergy

    found = allergy.read(ctx.text, ctx.main, ctx.exclusion, ctx.terms, ctx.vocab)
    if found is None:
        return None
    if found.kind == "manual":
        return _manual(found.manual_reason or "", ctx.key("manual"))
    for start, end, rule in found.spans:
        ctx.take(start, end, rule)
    return _Parsed("allergy", ctx.key("allergy"), found.params)


_Classifier = Callable[[_Ctx], "_Parsed | None"]

# Most specific first: the refractory item names drugs and proteinuria, the biopsy item
# names lupus nephritis, the neutrophil item names G-CSF; each must win over the
# generic drug / diagnosis / lab readings.
_CLASSIFIERS: tuple[_Classifier, ...] = (
    _venous,
    _hemodynamic,
    _allergy,
    _manual_cues,
    _consent,
    _kinds,
    _age,
    _cd19,
    _ana,
    _refractory,
    _biopsy,
    _score,
    _lab,
    _drug_exposure,
    _diagnosis,
    _sex,
)


def _age_first(ctx: _Ctx) -> _Parsed | None:
    """ "Age ≥ 18 at the time of signing informed consent" is an age limit; "able to
    give consent (assent if aged < 18)" is consent."""
    from matcher.criteria.kinds import is_onset_age

    cue = _AGE_CUE.search(ctx.text) or _BARE_YEARS.search(ctx.text)
    if is_onset_age(ctx.text):
        return None  # "onset before age 16" dates the disease, not the patient's age now
    return _age(ctx) if cue is not None and cue.start() <= 40 else None


def _classify(
    raw: str,
    ctype: str,
    context: Sequence[str] = (),
    only: str | None = None,
    lupus_trial: bool = False,
) -> tuple[str, _Parsed]:
    """(effective type, parsed). An inclusion whose lead states an absence ("No prior
    belimumab within 6 months", "Patients must not have received rituximab") is an
    exclusion of the thing named. `only` keeps the first reading of that kind."""
    lead = guard.lead_negation(_normalise(raw)) if ctype == INCLUSION else None
    if lead is not None and not _negation_in_term(_normalise(raw), lead):
        flipped = _classify_as(
            raw, EXCLUSION, context, only, negated=True, lupus_trial=lupus_trial
        )
        if flipped.kind in ("diagnosis", "drug_exposure", "allergy"):
            return EXCLUSION, flipped
    parsed = _classify_as(raw, ctype, context, only, lupus_trial=lupus_trial)
    low, high = parsed.params.get("min_years"), parsed.params.get("max_years")
    if ctype == EXCLUSION and parsed.kind == "age" and None not in (low, high) and low > high + 1:
        # "Age < 18 or > 60 years" as an exclusion: the two limits are alternatives,
        # which is an inclusion of 18 to 60.
        params = {"min_years": high + 1, "max_years": low - 1}
        trace = (*parsed.trace, "polarity:outside-age-range")
        return INCLUSION, replace(parsed, key="age", params=params, trace=trace)
    return ctype, parsed


def _negation_in_term(text: str, lead: tuple[int, int]) -> bool:
    """Is the lead's negation part of a vocabulary term ("not yet treated", "no prior
    immunosuppression": treatment-naive)? Then it names the concept, not its absence:
    flipping it would exclude what the item requires."""
    return any(t.start < lead[1] and t.end > lead[0] for t in load_vocabulary().find_terms(text))


def _readings(ctx: _Ctx, only: str | None) -> Iterator[tuple[str, _Parsed]]:
    """Each classifier's reading, most specific first, with the classifier's name."""
    if only in (None, "age"):
        yield "age", _age_first(ctx)  # type: ignore[misc]
    for classifier in _CLASSIFIERS:
        yield classifier.__name__.lstrip("_"), classifier(ctx)  # type: ignore[misc]


def _classify_as(
    raw: str,
    ctype: str,
    context: Sequence[str],
    only: str | None,
    negated: bool = False,
    lupus_trial: bool = False,
) -> _Parsed:
    """The first reading that accounts for every word of the item. A reading that leaves
    words over ("active CNS lupus" read as CNS lupus, ever) is not used: a later
    classifier may understand the whole item; if none does, the item is manual and says
    which words the first reading did not understand."""
    ctx = _context(raw, ctype, context, lupus_trial)
    if not ctx.text.strip():
        return _manual("empty criterion text")
    lead = guard.lead_negation(ctx.text) if negated else None
    first_partial: _Parsed | None = None
    for name, parsed in _readings(ctx, only):
        if parsed is not None and (only is None or parsed.kind == only):
            checked = _checked(parsed, ctx, name, lead)
            partial = checked.trace[-1:] == ("coverage:manual",)
            if checked.kind == "manual" and not partial and first_partial is not None:
                # "Positive HBsAg or anti-HBc, or syphilis": the serology reading that left
                # "syphilis" over says more than a later reader's "HBsAg threshold not
                # recognised"; both are manual.
                return first_partial
            if checked.kind != "manual" or not partial:
                return checked
            first_partial = first_partial or checked
        ctx.taken.clear()
        ctx.honoured.clear()
        ctx.heading_taken.clear()
    if first_partial is not None:
        return first_partial
    return _manual("no computable concept recognised", ctx.key("manual"))


# Spans any reading may pass over. "with or without microscopic haematuria" makes its
# object optional, so it asks for nothing; a literature reference asks for nothing either.
_OPTIONAL_OBJECT = re.compile(
    r"\bwith\s*(?:or|/)\s*without\s+(?:(?!and\b|or\b)[\w-]+\s*){1,4}"
    # "with or without microscopic haematuria (> 5 RBC/HPF)": the optional object's own
    # definition asks for nothing either.
    r"(?:\s*\([^()]{0,80}\))?",
    _I,
)
_CITATION = re.compile(
    rf"{_CLOSED_PAREN}[^()]*(?:\bdoi\b|\bet\s+al\b|\bPMID\b|\b(?:19|20)\d{{2}}\s*;)[^()]*\)", _I
)


# "3.1 Persistently active ...", "1. diagnosed as ...": an outline number left in the text.
# Never a bare leading number ("2 or more prior therapies" is a count).
_OUTLINE_NUMBER = re.compile(r"^\W*(?:\d{1,2}[.)](?=\s)|\d{1,2}\.\d{1,2}(?=\s+[A-Z]))")


# "the ACR revised classification criteria (57)", "(reference 23)": a reference number
# after the named criteria.
_CRITERIA_REFERENCE = re.compile(
    r"(?<=criteria)\s*\((?:ref(?:erence)?s?\.?\s*)?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\)", _I
)


# "..., at least one of which must be:" at the end of an item whose sub-requirements
# follow as items of their own (each guarded as one branch): it asks nothing itself.
_ANNOUNCES_ITEMS = re.compile(
    r",?\s*(?:at\s+least\s+(?:one|1)|one\s+or\s+more|all|any|each)\s+of\s+which\s+"
    r"(?:must|should|shall|will)\s+(?:be|include|have)\s*[:：]\s*$",
    _I,
)


# "Solid organ transplantation (including kidney)", "organ transplant, e.g. renal or
# lung": an example list after a vocabulary term. Only example cues: "excluding kidney"
# or a bare "(kidney only)" may narrow the group and stays not understood.
_EXAMPLE_CUE = re.compile(
    r"\s*[(,]?\s*(?:including|incl\.|e\.\s?g\.|eg|such\s+as|for\s+(?:example|instance))"
    r"[\s,:]*",
    _I,
)
_ANY_EXAMPLE_CUE = re.compile(
    r"\b(?:including|incl\.|e\.\s?g\.|eg|such\s+as|for\s+(?:example|instance))", _I
)
_EXAMPLE_GAP = re.compile(r"\s*(?:,\s*(?:(?:and|or)\s+)?|/\s*|(?:and|or)\s+)", _I)
_EXAMPLE_WORD = re.compile(r"[^\W\d_]+")


def _elided_members(text: str) -> list[tuple[int, int, str]]:
    """Examples that name members of the group just named by their modifier alone, the
    head noun left out: "organ transplantation (including kidney)" names "kidney
    transplantation". Each example must, with the term's last word, be a vocabulary term
    of the same concept (data, not a list of organs here): then it adds nothing to the
    group's reading and is accounted for. "(including cornea)" is no term: not read."""
    if not _ANY_EXAMPLE_CUE.search(text):
        return []  # most items give no examples: no second scan for terms
    vocab = load_vocabulary()
    found: list[tuple[int, int, str]] = []
    for term in vocab.find_terms(text):
        cue = _EXAMPLE_CUE.match(text, term.end)
        if cue is None:
            continue
        head = term.text.split()[-1]
        position = cue.end()
        while member := _member_at(text, position, head, term.concept_id, vocab):
            found.append((position, member, "elided-member"))
            gap = _EXAMPLE_GAP.match(text, member)
            if gap is None:
                break
            position = gap.end()
    return found


def _member_at(text: str, position: int, head: str, concept_id: str, vocab: Vocabulary
               ) -> int | None:  # fmt: skip
    """The end of the one- or two-word modifier at `position` that, followed by `head`,
    is a whole term of `concept_id` ("bone marrow" + "transplantation"); else None."""
    words = []
    for word in _EXAMPLE_WORD.finditer(text, position):
        if text[position if not words else words[-1].end() : word.start()].strip():
            break  # only words separated by spaces make one modifier
        words.append(word)
        if len(words) == 2:
            break
    for count in (2, 1):
        if len(words) < count:
            continue
        candidate = f"{text[position : words[count - 1].end()]} {head}"
        matches = vocab.find_terms(candidate)
        if len(matches) == 1 and matches[0].concept_id == concept_id and (
            matches[0].start, matches[0].end) == (0, len(candidate)):  # fmt: skip
            return words[count - 1].end()
    return None


def _generic_spans(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), "optional-object") for m in _OPTIONAL_OBJECT.finditer(text)]
    found += _elided_members(text)
    found += [(m.start(), m.end(), "announces-items") for m in _ANNOUNCES_ITEMS.finditer(text)]
    found += [(m.start(), m.end(), "citation") for m in _CRITERIA_REFERENCE.finditer(text)]
    found += [(m.start(), m.end(), "outline-number") for m in _OUTLINE_NUMBER.finditer(text)]
    found += [(m.start(), m.end(), "citation") for m in _CITATION.finditer(text)]
    return found


# "Active lupus nephritis:" over "ACR criteria for SLE", "proteinuria ≥ 1 g/24 h", "class
# III or IV on biopsy": a heading that names the lupus trial's own disease, and the items
# under it say what it means; each is required as it reads.
_OWN_DISEASE_HEADING = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|with|a|an|the|of|(?:confirmed|established|"
    r"documented|active|current|biopsy[-\s](?:proven|confirmed))|diagnos(?:is|ed))\s+)*"
    r"(?P<term>[^:]+?)\s*(?:,\s*(?:defined\s+as|as\s+follows|including))?\s*:?\s*$",
    _I,
)
_LUPUS_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis"})


def _own_disease_heading(heading: str, ctx: _Ctx) -> list[tuple[int, int]]:
    """The whole heading's span when it only names the lupus trial's own disease, in an
    inclusion; else nothing (its words stay for the coverage guard)."""
    if ctx.exclusion or not ctx.lupus_trial or len(heading) > 80:
        return []
    m = _OWN_DISEASE_HEADING.match(heading)
    if m is None:
        return []
    term = m["term"]
    whole = [t for t in ctx.vocab.find_terms(term) if t.start == 0 and t.end == len(term)]
    return [(0, len(heading))] if any(t.concept_id in _LUPUS_CONCEPTS for t in whole) else []


def _checked(
    parsed: _Parsed, ctx: _Ctx, rule: str, lead: tuple[int, int] | None
) -> _Parsed:
    """`parsed` with its rule trace; `manual` when a computable kind left words over (in
    the item or in a heading that groups it) or names a current state (pregnancy)."""
    rules = ["polarity:negated"] if lead else []
    rules += [f"kind:{parsed.kind}", f"rule:{rule}"]
    rules += list(dict.fromkeys(r for _, _, r in ctx.taken))
    if parsed.kind not in COMPUTABLE_KINDS:
        return replace(parsed, trace=(*rules,))
    taken = [(s, e) for s, e, _ in ctx.taken] + ([lead] if lead else [])
    generic = _generic_spans(ctx.text)
    taken += [(s, e) for s, e, _ in generic]
    rules += list(dict.fromkeys(r for _, _, r in generic))
    # A reading built by a special rule ("contraindication to leukapheresis" → the
    # venous rule's documented-condition check) is judged on that rule's words too.
    kinds = (parsed.kind, rule) if rule in COMPUTABLE_KINDS else (parsed.kind,)
    words = guard.unaccounted(ctx.text, kinds, taken, ctx.honoured)
    for index, heading in enumerate(ctx.context):
        spans = [(s, e) for i, s, e in ctx.heading_taken if i == index]
        spans += _own_disease_heading(_normalise(heading), ctx)
        ceiling = ceiling_heading_spans(_normalise(heading), parsed.kind, parsed.params,
                                        ctx.text, ctx.exclusion)
        if ceiling:
            rules.append("drug:ceiling-heading")
        words += guard.heading_unaccounted(_normalise(heading), kinds, spans + ceiling)
    paediatric: list[str] = []
    if parsed.kind == "diagnosis":
        # "Active tuberculosis" is a vocabulary term of tuberculosis, but a diagnosis is
        # judged "ever": the qualifier inside the term is not understood. "Childhood-onset
        # SLE" is implied when the trial admits only children: decided with its age limits.
        grammar = load_grammar()
        # "active" in "active TB" read as a current state (matcher.criteria.temporality)
        # is understood.
        temporal = [(s, e) for s, e, r in ctx.taken if r == TEMPORAL_RULE]
        # "Acute or chronic infection" names both courses: neither word narrows it.
        temporal += [(m.start(), m.end()) for m in EITHER_COURSE.finditer(ctx.text)]
        qualifiers = [w[0] for s, e, r in ctx.taken if r == "term"
                      for w in re.finditer(r"[^\W_]+", ctx.text[s:e])
                      if w[0].lower() in grammar.term_qualifiers
                      and w[0].lower() not in grammar.cues("diagnosis")
                      and not any(a <= s + w.start() < b for a, b in temporal)]  # fmt: skip
        words += qualifiers
        paediatric = [w for w in words
                      if set(re.findall(r"[^\W_]+", w.lower())) <= grammar.paediatric_qualifiers]
        words = [w for w in words if w not in paediatric]
    if words:
        reason = guard.not_understood(list(dict.fromkeys(words)))
        # "Newly diagnosed", "persistent": a time word with no computable meaning says so.
        why = temporal_manual_reason(ctx.text, words)
        reason = f"{why}; {reason}" if why else reason
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:manual"))
    current = [c for c in parsed.params.get("concepts", []) if c in load_grammar().manual_concepts]
    if parsed.kind == "diagnosis" and current:
        reason = load_grammar().manual_concepts[current[0]]
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:ok", "manual:current"))
    if paediatric:
        rules.append(_PAEDIATRIC_ONSET)
    if (parsed.kind == "diagnosis" and not ctx.exclusion and parsed.params.get("window_days")
            and parsed.params.get("temporality") != "current"):
        # "SLE diagnosed within 3 years of screening" asks when the disease began; the
        # evaluator would count any mention dated in the window.
        reason = "when the diagnosis was made must be checked by a person"
        return _Parsed("manual", parsed.key, {}, reason, (*rules, "coverage:ok", "manual:onset"))
    if parsed.kind == "diagnosis":
        parsed = _with_screen(parsed)
    return replace(parsed, trace=(*rules, "coverage:ok"))


def _with_screen(parsed: _Parsed) -> _Parsed:
    """A condition the notes seldom name in the item's words ("infection requiring
    hospitalisation", "chronic infection") carries the broader finding that screens it
    (concepts.jsonl `screened_by`: any infection): none of it documented decides the
    absence; a documented one is left to a person."""
    vocab = load_vocabulary()
    screens = [s for c in parsed.params.get("concepts", []) if c in vocab
               for s in vocab[c].attrs.get("screened_by", ())]  # fmt: skip
    if not screens:
        return parsed
    params = {**parsed.params, "screen_concepts": list(dict.fromkeys(screens))}
    return replace(parsed, params=params)


def _classify_draft(draft: _Draft, text: str, lupus_trial: bool = False) -> tuple[str, _Parsed]:
    """A parent that collected its sub-items ("Diagnosis of SLE, with: a. ANA ≥ 1:80
    b. active nephritis") is the criterion its own words name; the sub-items refine the
    params where the same reading still applies."""
    section, context = draft.section, draft.context
    if draft.head:
        ctype, head = _classify(_clean_text(draft.head), section, context, None, lupus_trial)
        whole_type, whole = _classify(text, section, context, None, lupus_trial)
        if whole.kind == "refractory":
            # "Refractory LN, defined as: a. failure of two agents ... b. proteinuria":
            # the definition, not the disease named in the heading, is the criterion.
            return whole_type, whole
        if head.kind != "manual":
            whole = _classify(text, section, context, head.kind, lupus_trial)[1]
            if whole.kind == head.kind or "coverage:manual" in whole.trace:
                # A sub-item the reading cannot account for ("with: a. ANA ≥ 1:80 b.
                # active nephritis") makes the whole item manual: its requirements are
                # never dropped in favour of the heading alone.
                return ctype, whole
            return ctype, head
    return _classify(text, section, context, None, lupus_trial)


# =====================================================================================
# Step 3: criteria with ids, structured limits, unique keys
# =====================================================================================


@dataclass(frozen=True)
class _Item:
    section: str
    type: str
    text: str
    parsed: _Parsed
    any_of: AnyOf | None = None  # matcher.criteria.groups
    cohort: CohortScope | None = None


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(";,").strip()


_LUPUS_TRIAL_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis", "dx.cns_lupus"})


def _names_lupus(text: str) -> bool:
    """Does the text name lupus? The vocabulary's terms with their context filters
    ("lupus anticoagulant" is not lupus), and not the bare "LN" (also a lymph node)."""
    vocab = load_vocabulary()
    norm = _normalise(text)
    return any(
        t.concept_id in _LUPUS_TRIAL_CONCEPTS
        and t.text != "LN"
        and in_context(norm, t.start, t.end, vocab[t.concept_id])
        for t in vocab.find_terms(norm)
    )


def _items(text: str, about: Sequence[str] = (), max_age: float | None = None) -> list[_Item]:
    """The items of an eligibility text, classified and guarded. `about` names what the
    trial is about (its title, conditions): an exclusion of that is never computed;
    `max_age` is the record's maximum age."""
    return _items_of(_drafts(text or ""), about, max_age)


def _items_of(
    drafts: Iterable[_Draft],
    about: Sequence[str],
    max_age: float | None = None,
    compound: bool = True,
) -> list[_Item]:
    """`compound`: an item not understood whole may yield one criterion per requirement
    it states (off for `parse_criterion`, which reads one criterion)."""
    items: list[_Item] = []
    drafts_list = list(drafts)
    # A lupus trial names lupus in what it is about (its title) or in an inclusion item;
    # one that only excludes it ("SLE or another autoimmune disease") is about something
    # else.
    lupus_trial = any(_names_lupus(a) for a in about) or any(
        d.section == INCLUSION and _names_lupus(d.text) for d in drafts_list
    )
    shapes = [_shape(d) for d in drafts_list]
    headed = criteria_groups.heading_groups(shapes) if compound else {}
    cohorts = criteria_groups.cohort_scopes(shapes) if compound else None
    read: list[list[tuple[str, str, _Parsed]]] = []
    for index, draft in enumerate(drafts_list):
        clean = own = _clean_text(draft.text)
        if index in headed:
            # Under "At least one of the following:" the group reads the choice; the
            # rest of the heading is still the item's to account for.
            draft = replace(draft, context=(*draft.context[:-1], headed[index].heading))
        if cohorts and draft.cohort is None and (index in cohorts
                                                 or guard.everyone_prefix(clean)):
            # "Confirmed myositis (population 2)", "All groups: age ≥ 18": the cohort
            # scope reads its own words.
            own = guard.without_cohort_mention(clean)
        try:
            ctype, parsed = _classify_draft(draft, own, lupus_trial)
            parts = [(ctype, clean, parsed)]
            # "Adult patients with SLE", "Male or female subjects with lupus nephritis"
            lead_parts = (_subject_lead_parts(draft, own, lupus_trial)
                          if compound and draft.head is None
                          and parsed.kind not in COMPUTABLE_KINDS else None)  # fmt: skip
            if lead_parts:
                parts = lead_parts
            elif compound and draft.head is None and _compound_worth_trying(parsed):
                parts = _compound(draft, own, lupus_trial, _policy(parsed)) or _list_parts(
                    draft, own, lupus_trial) or parts
            elif compound and draft.head is None and parsed.kind not in COMPUTABLE_KINDS:
                # "Patients with other autoimmune diseases. ... Individuals who refuse to
                # provide informed consent.": one clause read as consent is not the item.
                parts = _clause_parts(draft, own, lupus_trial) or parts
        except Exception as exc:  # noqa: BLE001 - one odd item must not sink the trial
            # Nothing is dropped and nothing crashes: a person reads this one.
            reason = f"could not be computed ({type(exc).__name__}); check by hand"
            parts = [(draft.section, clean, _manual(reason))]
        read.append(parts)
        shapes[index] = replace(shapes[index], parts=len(parts))
    any_of = criteria_groups.any_of_groups(shapes, headed) if compound else {}
    for index, parts in enumerate(read):
        for ctype, part, parsed in parts:
            item = _guarded_part(drafts_list, index, ctype, part, parsed, any_of.get(index),
                                 (cohorts or {}).get(index) if cohorts is not None else None,
                                 cohorts is not None)  # fmt: skip
            items.append(item)
    return _guarded(_class_sets_read_together(items), about, max_age)


def _class_sets_read_together(items: list[_Item]) -> list[_Item]:
    """ "Class III or IV LN on a biopsy within 12 months" then "Class V may be present in
    addition to class III or IV": the second widens the first, which read alone would
    refuse III+V. An inclusion biopsy item that allows class V alongside classes it names
    lets V alongside in every other inclusion biopsy item of the same cohort asking for one
    of those classes and saying nothing of class V itself."""
    widening = [i for i in items if i.type == INCLUSION and i.parsed.kind == "biopsy"
                and "V" in i.parsed.params.get("allowed_with", ())]  # fmt: skip
    out: list[_Item] = []
    for item in items:
        params = item.parsed.params
        if (item.type == INCLUSION and item.parsed.kind == "biopsy"
                and "V" not in params.get("classes", ())
                and "V" not in params.get("allowed_with", ())
                and not _NAMES_CLASS_V.search(item.text)
                and any(w is not item and w.cohort == item.cohort
                        and set(w.parsed.params["classes"]) & set(params["classes"])
                        for w in widening)):  # fmt: skip
            widened = {**params, "allowed_with": [*params.get("allowed_with", ()), "V"]}
            parsed = replace(item.parsed, params=widened,
                             trace=(*item.parsed.trace, "biopsy:class-v-of-trial"))
            item = replace(item, parsed=parsed)
        out.append(item)
    return out


# An item that names class V (or membranous) decides on V for itself.
_NAMES_CLASS_V = re.compile(r"\bV\b|\b5\b|membranous", re.I)


def _shape(draft: _Draft) -> criteria_groups.DraftShape:
    """What grouping needs of a draft: its place under headings and its cohort."""
    text = _normalise(_clean_text(draft.text))
    return criteria_groups.DraftShape(
        draft.section, text, draft.heads, tuple(_normalise(h) for h in draft.context),
        draft.cohort or guard.cohort_mention(text),
    )


def _guarded_part(
    drafts: list[_Draft],
    index: int,
    ctype: str,
    clean: str,
    parsed: _Parsed,
    any_of: AnyOf | None = None,
    cohort_scope: CohortScope | None = None,
    cohorts_read: bool = False,
) -> _Item:
    """One criterion of draft `index` (an item, or one requirement of a compound item)
    with the guards of its place in the list: an either/or branch, a cohort block. A
    branch of an any-of group (`any_of`) and an item of a cohort the trial's cohorts
    were read into (`cohorts_read`, `cohort_scope`) need no guard: the ranking combines
    them (matcher.criteria.groups)."""
    draft = drafts[index]
    parsed = replace(parsed, trace=(f"section:{draft.section}", *parsed.trace))
    branch = _alternative_branch(drafts, index) if draft.section == INCLUSION else None
    if any_of is not None:
        parsed = replace(parsed, trace=(*parsed.trace, "group:any-of"))
    elif branch is not None and (parsed.kind in COMPUTABLE_KINDS
                                 or "coverage:manual" in parsed.trace):  # fmt: skip
        # "ANA ≥ 1:80; or" + "anti-dsDNA positive; or" + ...: each bullet is one
        # branch of an either/or; read alone, each would be made mandatory.
        parsed = _as_manual(parsed, f"{guard.GUARD_PREFIX}{branch}", "guard:alternative")
    # The whole item's words scope each of its criteria: "(Part B) Age 18-65, ECOG 0-1".
    cohort = draft.cohort or guard.cohort_mention(_normalise(_clean_text(draft.text)))
    if cohort_scope is not None:
        parsed = replace(parsed, trace=(*parsed.trace, "group:cohort"))
    elif cohort is not None and not cohorts_read:
        # "Inclusion criteria for the LN cohort:" applied to every patient would
        # include or exclude patients of the other cohorts on it.
        parsed = _as_manual(parsed, guard.cohort_reason(cohort), "guard:cohort")
    return _Item(draft.section, ctype, clean, parsed, any_of, cohort_scope)


# =====================================================================================
# Compound items: one item, several requirements
# =====================================================================================

# Where an item that is not understood whole may be cut into the requirements it states.
# An inclusion's "and", "with" and commas join requirements that must all hold ("Aged 12
# or older with SLE", "Age 18 to 65, ECOG 0-1"); an exclusion's "or" and commas join
# findings any one of which excludes ("Nursing mothers, pregnant women or ..."). A
# semicolon cuts both, and so does an age phrase after a subject ("Male or non-pregnant
# females | age 16 to 65"). "with or without" is never a cut.
# ... but never between an age group and its limits: "Children aged 5-17 with SLE".
_CUT_AGE = (r"(?<!\bchildren)(?<!\badults)(?<!\badolescents)"
            r"\s+(?=aged?\s+(?:(?:of|between|from)\s+)?[\d≥≤<>])")
_CUTS = {
    INCLUSION: re.compile(
        rf"\s*;\s*|{_CUT_AGE}|(?P<comma>,\s+(?:and\s+)?)|\s+and\s+"
        r"|(?P<with>\s+with\s+(?!or\b|/))",
        _I,
    ),
    EXCLUSION: re.compile(
        rf"\s*;\s*|{_CUT_AGE}|(?P<comma>,\s+(?:or\s+)?)|\s+(?:and/)?or\s+", _I
    ),
}
# A comma may be a list comma of the other connective: "ANA ≥ 1:80, anti-dsDNA or anti-Sm"
# is one either/or, so an inclusion's commas are no cuts when an "or" follows them, and
# an exclusion's none when an "and" follows.
_LIST_END = {INCLUSION: re.compile(r"\s(?:or|and/or)\s", _I),
             EXCLUSION: re.compile(r"\sand\s", _I)}  # fmt: skip
# Words whose reach the parse cannot bound: a condition ("if on steroids"), an exception,
# a choice ("either", "one of"), a widening ("or equivalent", "can be replaced by").
_UNSPLITTABLE = re.compile(
    r"\b(?:if|unless|except|excepting|excluding|other\s+than|apart\s+from|instead|replaced|"
    r"alternatively|either|one\s+or\s+more|one\s+of|any\s+of|at\s+least\s+(?:one|1)\s+of|"
    r"whichever|equivalent|otherwise|respectively|neither|nor)\b",
    _I,
)
# A piece may not start or end on a connective, nor end on a bare number whose unit
# follows in the next piece ("< 18 | or > 69 years").
# ... nor end on a colon: a label whose reach the parse cannot bound ("Key criteria for
# volunteers: aged 18 to 55; not pregnant").
# ... nor start a relative clause, which qualifies the piece before it ("..., who are
# not yet treated").
_DANGLING = re.compile(
    r"^(?:or|and|nor|but|and/or|who|whom|whose|which|that|where)\b|\b(?:or|and|and/or)$|[:：]$", _I
)
_SHARED_UNIT = re.compile(rf"^(?:{_OP}|\d)")
# A window that looks forward ("planning a pregnancy within 6 months after the last dose")
# dates a plan, not a finding: it cannot reach back over the items before it.
_FORWARD = re.compile(r"\b(?:after|during|following)\b", _I)
# An inline heading: "Adequate organ function: eGFR ≥ 30; ALT ≤ 3 × ULN" or a sub-heading
# "Renal function: ..." before a requirement.
_INLINE_HEADING = re.compile(r"^(?P<head>[^:;()]{3,80}?)\s*[:：]\s*(?=\S)")
_COMPOUND_MAX_PARTS = 8
_COMPOUND_MAX_CHARS = 600
# The sort of finding a piece names, for telling a list ("depression, bipolar disorder,
# and schizophrenia") from requirements of different sorts ("SLE and SLEDAI ≥ 6"): by the
# kind it was read as, else by its vocabulary terms' categories.
_SORT_OF_KIND = {"diagnosis": "diagnosis", "diagnosis_timing": "diagnosis", "biopsy": "biopsy",
                 "serology": "serology", "drug_exposure": "drug", "dose_exposure": "drug",
                 "pregnancy": "pregnancy"}  # fmt: skip
_SORT_OF_CATEGORY = {"diagnosis": "diagnosis", "procedure": "diagnosis", "drug": "drug",
                     "drug_class": "drug"}  # fmt: skip
_INCLUSION_OR = re.compile(r"\b(?:or|and/or)\b", _I)
# "with" joins two requirements after a complete phrase ("Aged 12 or older with SLE",
# "SLE with SLEDAI > 6"); after a verb it takes its object ("diagnosed with",
# "living with", "treated with").
# ("Adults with SSc", "Adult patients with SLE": the age group is a requirement of its own.)
_WITH_AFTER = re.compile(
    r"(?:\d|%|\)|\byears?|\bold|\bolder|\byounger|\bcriteria|\badults?"
    r"|\badult\s+(?:patients?|subjects?|participants?))\s*$",
    _I,
)
# Readings that decide a documented condition from a judgement wording ("no
# contraindication for cell collection" → poor venous access): beside "met the standards
# of leukapheresis" the item is the investigator's, so such an item is never cut.
_WHOLE_ITEM_RULES = ("venous", "hemodynamic")


def _top_level(text: str) -> list[bool]:
    """Per character: outside any bracket? "(hemodialysis or peritoneal dialysis)" is one
    term; its "or" is no cut."""
    return criteria_lists.top_level(text)


def _pieces(text: str, section: str) -> list[str]:
    """The item cut at every top-level connective of its section, content-free pieces
    ("Patients", "who") joined to the piece after them."""
    if len(text) > _COMPOUND_MAX_CHARS:
        return []  # a paragraph, not an item: read whole (and in linear time)
    top = _top_level(text)
    list_end = _LIST_END[section]
    # A biopsy class list is one term too: "class III, | IV +/- V" cut at its comma left
    # "class III" alone, read as requiring class III only.
    terms = _term_spans(text) + [(m.start(), m.end()) for m in _lupus_class_lists(text)]
    cuts = [
        m for m in _CUTS[section].finditer(text)
        if top[m.start()] and m.end() > m.start()
        and not _inside_term(m.start(), m.end(), terms)
        and not (m["comma"] and list_end.search(text, m.end()))
        and not (m.groupdict().get("with") and not _ends_a_phrase(text[: m.start()]))
    ]  # fmt: skip
    cuts += [m for m in _SENTENCE_END.finditer(text) if top[m.start()]]
    spans, start = [], 0
    for m in sorted(cuts, key=lambda c: c.start()):
        if m.start() < start:
            continue
        spans.append([start, m.start()])
        start = m.end()
    spans.append([start, len(text)])
    # A piece of filler words only joins the piece after it (the last joins the one
    # before), with the words between them: "Patients with | SLE" → "Patients with SLE".
    merged: list[list[int]] = []
    pending: int | None = None
    for begin, end in spans:
        if pending is not None:
            begin, pending = pending, None
        if _filler_only(text[begin:end]):
            pending = begin
            continue
        merged.append([begin, end])
    if pending is not None:
        if not merged:
            return []
        merged[-1][1] = len(text)
    return [p for p in (_clean_text(text[b:e]) for b, e in merged) if p]


def _term_spans(text: str) -> list[tuple[int, int]]:
    """Where vocabulary terms sit in `text`, in its own offsets (the terms are found in
    the normalised form, which NFKC may make longer or shorter per character)."""
    if text.isascii():
        # NFKC and the glyph and mark tables leave ASCII as it is: offsets are the text's.
        return [(t.start, t.end) for t in load_vocabulary().find_terms(text)]
    starts, parts = [], []
    for i, ch in enumerate(text):
        piece = _normalise(ch)
        starts.extend([i] * len(piece))
        parts.append(piece)
    norm = "".join(parts)
    starts.append(len(text))
    return [(starts[t.start], starts[t.end]) for t in load_vocabulary().find_terms(norm)]


def _inside_term(start: int, end: int, terms: list[tuple[int, int]]) -> bool:
    """Is the cut [start, end) inside a vocabulary term? "infection requiring
    hospitalisation or IV antibiotics" is one concept: its "or" joins no requirements."""
    return any(t_start < start and end < t_end for t_start, t_end in terms)


def _groups_only(heading: str) -> bool:
    """Is this a heading that only groups ("Adequate organ function", "Renal function")?
    Its words are all grouping words or filler."""
    return not guard.heading_unaccounted(_normalise(heading), ())


def _sorts(piece: str, parsed: _Parsed) -> set[str]:
    if parsed.kind in COMPUTABLE_KINDS:
        return {_SORT_OF_KIND[parsed.kind]} if parsed.kind in _SORT_OF_KIND else set()
    vocab = load_vocabulary()
    return {_SORT_OF_CATEGORY[c] for t in vocab.find_terms(_normalise(piece))
            if (c := vocab[t.concept_id].category) in _SORT_OF_CATEGORY}  # fmt: skip


def _categories(piece: str) -> set[str]:
    """The sorts of finding a piece names, outside brackets ("biopsy-proven lupus
    nephritis" is one: a condition); an age is one too."""
    vocab = load_vocabulary()
    norm = _masked_brackets(_normalise(piece))
    found = {(c := vocab[t.concept_id].category) and _SORT_OF_CATEGORY.get(c, c)
             for t in vocab.find_terms(norm)}  # fmt: skip
    return found | ({"age"} if _AGE_CUE.search(norm) else set())


def _masked_brackets(text: str) -> str:
    """The text with bracketed parts blanked: "(hemodialysis or peritoneal dialysis)"."""
    return "".join(ch if keep else " " for ch, keep in zip(text, _top_level(text), strict=True))


def _ends_a_phrase(left: str) -> bool:
    """Does `left` end on a value, an age, named criteria or a vocabulary term?"""
    left = _normalise(left[-80:]).rstrip()
    if _WITH_AFTER.search(left):
        return True
    return any(t.end == len(left) for t in load_vocabulary().find_terms(left))


def _filler_only(piece: str) -> bool:
    """A piece that cannot be a requirement of its own: "Patients", "Subjects who"."""
    return not guard.unaccounted(_normalise(piece), (), [])


def _reaching_lead(text: str) -> bool:
    """Does the item open with a word that may reach every piece ("Active hepatitis or
    tuberculosis", "Stable MMF and prednisone")?"""
    grammar = load_grammar()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    for word in re.findall(r"[^\W_]+(?:-[^\W_]+)*", text):
        low = word.lower()
        if low in skip:
            continue
        return low in grammar.meaning_changing or low.split("-")[0] in grammar.meaning_changing
    return False


def _lead_word_at(text: str) -> int | None:
    """Where the item's first word that is no filler, subject or auxiliary starts."""
    grammar = load_grammar()
    skip = grammar.filler.words | set(grammar.lead_subjects) | set(grammar.lead_auxiliaries)
    for word in re.finditer(r"[^\W_]+(?:-[^\W_]+)*", text):
        if word[0].lower() not in skip:
            return word.start()
    return None


def _lead_distributed(
    text: str, out: list[tuple[str, str, _Parsed]], section: str,
    context: tuple[str, ...], lupus_trial: bool,
) -> list[tuple[str, str, _Parsed]] | None:
    """The pieces of an item whose lead word is a history word that reads the same in
    every piece, or None. "History of chronic infection within 6 months, herpes zoster
    within 90 days or infection requiring IV antibiotics within 60 days": each piece states
    its own window, and "history of herpes zoster within 90 days" reads as "herpes zoster
    within 90 days" does. Every piece must be computed and carry its own window (a piece
    without one may be reached by a window elsewhere), and the lead put before each later
    piece must leave its reading unchanged ("history of active tuberculosis" is not
    "active tuberculosis")."""
    at = _lead_word_at(text)
    lead = load_temporality().history.match(text, at) if at is not None else None
    if lead is None or not re.match(r"\W|$", text[lead.end() : lead.end() + 1]):
        return None
    prefix = text[: lead.end()]
    for _, piece, parsed in out:
        if parsed.kind not in COMPUTABLE_KINDS or _window(piece) is None:
            return None
    for ctype, piece, parsed in out[1:]:
        with_lead = _classify(f"{prefix} {piece}", section, context, None, lupus_trial)
        if with_lead[0] != ctype or (with_lead[1].kind, with_lead[1].params) != (
            parsed.kind, parsed.params
        ):
            return None
    return [(t, p, replace(r, trace=(*r.trace, "compound:lead-distributed"))) for t, p, r in out]


def _reaching_time(text: str) -> bool:
    return (_window(text) is not None or _duration(text) is not None) and not _FORWARD.search(
        text
    )


_LOOSE_REASON = "no computable concept recognised"


def _loose(parsed: _Parsed) -> bool:
    """A manual reading that did not understand its words (as opposed to one that
    recognised a non-computable requirement: consent, a planned pregnancy)."""
    return "coverage:manual" in parsed.trace or parsed.manual_reason == _LOOSE_REASON


def _compound_worth_trying(parsed: _Parsed) -> bool:
    # "Pregnant or planning a pregnancy", "on dialysis or expected to need it": the plan
    # made the whole item manual. "Pregnant or nursing women, or women of childbearing
    # potential not using contraception": the policy reason made it manual.
    return parsed.kind not in COMPUTABLE_KINDS and (
        _loose(parsed) or _planned(parsed) or _policy(parsed)
    )


def _planned(parsed: _Parsed) -> bool:
    """A reading of a plan or expectation: "planning a pregnancy within a year"."""
    return "kinds:pregnancy:future" in parsed.trace or parsed.manual_reason == _PLAN_REASON


# The readers whose manual reason names something a person checks at screening:
# consent, contraception, an allergy, the investigator's judgement, another study.
_POLICY_RULES = ("rule:manual_cues", "rule:consent", "rule:allergy")  # allergy: the study drug


def _policy(parsed: _Parsed) -> bool:
    """A manual reading that recognised a requirement a person checks (a policy of the
    screening visit, a threshold the reader cannot read, BILAG grades), as opposed to one
    that did not understand its words. Its reason is about its own clause only."""
    if parsed.kind in COMPUTABLE_KINDS or _loose(parsed) or _planned(parsed):
        return False
    reason = parsed.manual_reason or ""
    return (
        any(rule in parsed.trace for rule in _POLICY_RULES)
        or _UNREAD_THRESHOLD_RULE in parsed.trace
        or _PARTIAL_SCORE_RULE in parsed.trace
        or reason == _BILAG_REASON
    )


@dataclass(frozen=True)
class _Reach:
    """An item cut around its policy clauses: the pieces to read (each policy clause one
    piece), and the text outside the policy clauses that may carry an exception ("if",
    "except") reaching the other pieces."""

    pieces: list[str]
    outside: str


# A clause that qualifies the words before it rather than stating a requirement of its
# own: "Significant liver disease, as judged by the investigator", "Heart failure, in the
# investigator's opinion severe", "..., which in the opinion of the investigator ...".
_QUALIFYING_START = re.compile(
    r"^(?:as|in|per|according|based|due|because|which|who|whom|whose|that|where|when|"
    r"if|unless|except|than|by|so|such|deemed|judged|considered|determined|assessed)\b",
    _I,
)
# "Anaphylaxis or hypersensitivity to rituximab", "malignancy or another illness with a
# life expectancy under 5 years": in an exclusion, what follows the policy words may be
# shared with the piece joined to them by a bare "or"/"and" (an anaphylaxis to rituximab,
# a malignancy with that life expectancy). Only after a comma, a semicolon or a sentence
# end does the clause stand alone; a contraception clause says whom it is about
# ("pregnant, lactating or of childbearing potential without contraception").
def _shares_object(parsed: _Parsed) -> bool:
    """May the words after this reading's cue belong to the piece before it too? A
    threshold belongs to its analyte ("dialysis or serum creatinine above 2.5": an
    unreadable value reaches no further back)."""
    return (any(rule in parsed.trace for rule in _POLICY_RULES)
            and parsed.manual_reason != _OWN_EXCEPTIONS_REASON)  # fmt: skip


_SEPARATE_CLAUSE = re.compile(r"[,;]\s*(?:(?:and/)?or|and)?\s*$", _I)
# A contraception clause's exceptions are about who must use it ("women of childbearing
# potential except if post-menopausal or surgically sterile"): they stay in the clause.
_OWN_EXCEPTIONS_REASON = _CONTRACEPTION_REASON
# A sentence that admits someone back ("... may be included", "are eligible") qualifies
# the sentences before it.
_READMITS = re.compile(
    r"\b(?:eligible|allowed|permitted|acceptable|included|enrolled|exempt(?:ed)?)\b", _I
)


def _policy_reach(
    text: str, section: str, context: tuple[str, ...], lupus_trial: bool
) -> _Reach | None:
    """The pieces of an item read whole as something a person checks, with the policy
    reason holding only the words it is about: its clause, from the cut before the words
    it was read from to the end of their sentence ("Pregnant or nursing women | or women
    of childbearing potential not using contraception"), and every other sentence read
    alone ("Patients with another autoimmune disease. | Pregnant or lactating women. |
    Patients who refuse to give consent."). None when the clause qualifies the words
    before it (`_QUALIFYING_START`), may share their object (`_SEPARATE_CLAUSE`), or
    a sentence admits someone back (`_READMITS`)."""
    top = _top_level(text)
    ends = [m for m in _SENTENCE_END.finditer(text) if top[m.start()]]
    bounds = [(0, ends[0].start() if ends else len(text))]
    bounds += [(a.end(), b.start()) for a, b in itertools.pairwise(ends)]
    bounds += [(ends[-1].end(), len(text))] if ends else []
    pieces: list[str] = []
    outside: list[str] = []
    found_policy = False
    for begin, end in bounds:
        sentence = text[begin:end].strip()
        if not sentence:
            continue
        if _READMITS.search(sentence):
            return None
        parts = _pieces(sentence, section) if len(sentence) <= _COMPOUND_MAX_CHARS else []
        if not parts:
            return None
        cursor, cut = 0, None
        for index, part in enumerate(parts):
            at = sentence.find(part, cursor)
            if at < 0:
                return None
            cursor = at + len(part)
            parsed = _classify(part, section, context, None, lupus_trial)[1]
            if _policy(parsed):
                cut = (index, at, parsed)
                break
        if cut is None:
            pieces += parts
            outside.append(sentence)
            continue
        index, at, parsed = cut
        found_policy = True
        clause, head = sentence[at:], sentence[:at]
        if index and (_QUALIFYING_START.match(clause) or (
                section == EXCLUSION and _shares_object(parsed)
                and not _SEPARATE_CLAUSE.search(head))):  # fmt: skip
            return None
        pieces += [*parts[:index], _clean_text(clause)]
        outside.append(head)
        if index and parsed.manual_reason != _OWN_EXCEPTIONS_REASON:
            outside.append(clause)
    if not found_policy:
        return None
    return _Reach(pieces, " ".join(outside))


def _compound(
    draft: _Draft, clean: str, lupus_trial: bool, policy: bool = False
) -> list[tuple[str, str, _Parsed]] | None:
    """The requirements of an item the reader could not take whole, each read alone:
    [(type, text, reading)], or None when the item is not cut (one piece, a piece an
    exclusion cannot account for, a connective whose reach the parse cannot bound).
    `policy`: the item was read whole as something a person checks (`_policy`); that
    reading keeps its own clause only (`_policy_reach`)."""
    section, context = draft.section, draft.context
    text = clean
    heading = _INLINE_HEADING.match(text)
    rule = "compound:all-of" if section == INCLUSION else "compound:any-of"
    reach = _policy_reach(text, section, context, lupus_trial) if policy and not heading else None
    if policy and reach is None:
        return None
    unreached = reach.outside if reach is not None else text
    if heading and _groups_only(heading["head"]):
        # "Important organs basically normal: Cardiac: LVEF ≥ 55%; Renal: eGFR ≥ 30":
        # the heading only groups the requirements after it.
        context = (*context, heading["head"])
        text, rule = text[heading.end() :], "compound:heading"
    elif heading or _UNSPLITTABLE.search(unreached) or guard.lead_negation(_normalise(text)):
        # "Diabetes group: age 30-70, type 2 diabetes": a label that may scope the item
        # to a cohort; "one or more of: ...", "if on steroids, ...": reach unknown.
        return None
    # "Active hepatitis or tuberculosis": the lead may reach every piece. Only pieces read
    # as something a person checks may lose it ("Currently on dialysis or expected to need
    # it", "currently pregnant or planning a pregnancy").
    reaching = _reaching_lead(text)
    pieces = reach.pieces if reach is not None else _pieces(text, section)
    if not 2 <= len(pieces) <= _COMPOUND_MAX_PARTS or any(_DANGLING.search(p) for p in pieces):
        return None
    if any(a[-1:].isdigit() and _SHARED_UNIT.match(b) for a, b in itertools.pairwise(pieces)):
        return None
    out: list[tuple[str, str, _Parsed]] = []
    timed = True  # every computed piece so far carries its own time
    for piece in pieces:
        own_context = context
        sub = _INLINE_HEADING.match(piece)
        if rule == "compound:heading" and sub and _groups_only(sub["head"]):
            own_context, piece = (*context, sub["head"]), piece[sub.end() :]
        ctype, parsed = _classify(piece, section, own_context, None, lupus_trial)
        computed = parsed.kind in COMPUTABLE_KINDS
        if any(f"rule:{k}" in parsed.trace for k in _WHOLE_ITEM_RULES):
            return None
        if not computed and section == EXCLUSION and _loose(parsed):
            return None  # "A or B requiring hospitalisation": the rest may narrow A
        if parsed.kind == "sex":
            # "Pregnant women, male or female who plan a pregnancy": a sex word in a list is
            # the subject of the next piece, not a requirement; read alone, "male" excluded
            # every man.
            return None
        if _reaching_time(piece) and not timed and not _planned(parsed):
            # "A, B or C within 90 days": the window reaches A and B. A plan's window
            # looks forward ("or planning a pregnancy within a year of entry"): its own.
            return None
        timed = timed and (not computed or _reaching_time(piece))
        parsed = replace(parsed, trace=(*parsed.trace, rule))
        out.append((ctype, piece, parsed))
    computed = [p for _, _, p in out if p.kind in COMPUTABLE_KINDS]
    if not computed:
        return None
    if reaching and any(p.kind in COMPUTABLE_KINDS or _loose(p) for _, _, p in out[1:]):
        distributed = _lead_distributed(text, out, section, context, lupus_trial)
        if distributed is None:
            return None
        out = distributed
    if section == INCLUSION and rule != "compound:heading":
        # "Diagnosis of depression, bipolar disorder, and schizophrenia", "tests for HIV,
        # HCV, HBV": findings of one sort listed together are alternatives, not each
        # required.
        sorts = [f for _, t, p in out for f in _sorts(t, p)]
        if len(sorts) != len(set(sorts)):
            return None
        # "HbA1c ≥ 8% or T2D and on medication": whether "or" or "and" binds first is
        # not in the words. An "or" between findings of one sort ("SLEDAI > 8 or BILAG
        # A", "positive ANA or anti-dsDNA") stays inside its piece; between sorts it may
        # be the outer connective.
        if any(_INCLUSION_OR.search(_masked_brackets(t)) and p.kind not in COMPUTABLE_KINDS
               and len(_categories(t)) > 1 for _, t, p in out):  # fmt: skip
            return None
    return out


# =====================================================================================
# One item, many criteria: clauses and list members (matcher.criteria.lists)
# =====================================================================================

_Part = tuple[str, str, _Parsed]


# The subject an inclusion item opens with: "Adult patients with", "Male or female
# subjects diagnosed with", "Adults", "Adult male and female patients". Both sexes named
# restrict nothing; "adult" is an age of 18 or more. A subject the rest of the item does
# not follow with "with" / "diagnosed with" / "having" is read only when it is the
# whole item ("Adult patients").
_BOTH_SEXES = (r"(?:(?:males?|men|boys)\s*(?:,|and|or|and/or|&|/)\s*(?:females?|women|girls)|"
               r"(?:females?|women|girls)\s*(?:,|and|or|and/or|&|/)\s*(?:males?|men|boys))")
_SUBJECT_LEAD = re.compile(
    rf"^\W*(?:(?P<adult>adults?)(?:\s+{_BOTH_SEXES})?|{_BOTH_SEXES}|(?P<adult2>adult)\s+"
    rf"{_BOTH_SEXES})?"
    r"(?:\s*(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?))?"
    r"(?P<tail>\s+(?:(?:who\s+(?:are|were|have\s+been)\s+|newly\s+|being\s+)?diagnosed\s+with|"
    r"with(?:\s+a\s+diagnosis\s+of)?|having|suffering\s+from)\s+(?=\S)|\s*[.;]?\s*$)",
    _I,
)


_AGED_SUBJECT_LEAD = re.compile(
    r"^(?P<lead>[^;:]{3,80}?\b(?:years?|yrs?)(?:\s+(?:old|of\s+age))?(?:\s*\([^()]{1,30}\))?)"
    r"\s+(?:(?:who\s+(?:are|were|have\s+been)|and|newly)\s+)?(?:diagnosed\s+with|"
    r"with\s+a\s+(?:confirmed\s+)?diagnosis\s+of|suffering\s+from)\s+(?P<rest>\S.*)$",
    _I,
)


def _read_all(draft: _Draft, pieces: list[str], lupus_trial: bool,
              kinds: tuple[str | None, ...]) -> list[_Part] | None:  # fmt: skip
    """Each piece read alone, all computable (and of the kind asked, None: any), else
    None."""
    parts: list[_Part] = []
    for piece, kind in zip(pieces, kinds, strict=True):
        piece = piece.strip()
        ctype, parsed = _classify_draft(replace(draft, text=piece), piece, lupus_trial)
        if parsed.kind not in COMPUTABLE_KINDS or kind not in (None, parsed.kind):
            return None
        parts.append((ctype, piece, parsed))
    return parts


def _subject_lead_parts(draft: _Draft, clean: str, lupus_trial: bool) -> list[_Part] | None:
    """An inclusion item opening with its subject: "Adults with active systemic sclerosis"
    is age ≥ 18 and the diagnosis; "Male or female patients with SLE" the diagnosis
    alone; "Adult patients" age ≥ 18. None when the item has no such subject, or it
    names no age and no sex (a plain "Patients with"), or the rest is not understood."""
    if draft.section != INCLUSION:
        return None
    aged = _AGED_SUBJECT_LEAD.match(clean)
    if aged is not None:
        # "Patients older than 18 years (of both sexes) diagnosed with RA per ...": the
        # age the subject is given, then the diagnosis
        return _read_all(draft, [aged["lead"], aged["rest"]], lupus_trial, ("age", None))
    m = _SUBJECT_LEAD.match(clean)
    if m is None or m.end("tail") == m.start("tail") and m.end() < len(clean):
        return None
    lead = clean[: m.start("tail")]
    adult = bool(m["adult"] or m["adult2"])
    if not adult and not re.search(_BOTH_SEXES, lead, _I):
        return None
    parts: list[_Part] = []
    if adult:
        age = _Parsed("age", "age", {"min_years": 18, "max_years": None})
        age = replace(age, trace=("kind:age", "rule:subject-lead"))
        parts.append((INCLUSION, lead.strip(), age))
    rest = clean[m.end() :].strip()
    if rest:
        read = _read_all(draft, [rest], lupus_trial, (None,))
        if read is None:
            return None
        parts += read
    return parts or None


def _list_parts(draft: _Draft, clean: str, lupus_trial: bool) -> list[_Part] | None:
    """The criteria of an item `_compound` could not cut: its clauses, each read on its
    own, else the members of its list. None when neither yields a computed criterion."""
    return (_clause_parts(draft, clean, lupus_trial) or _member_parts(draft, clean, lupus_trial)
            or _example_parts(draft, clean, lupus_trial))  # fmt: skip


def _clause_parts(draft: _Draft, clean: str, lupus_trial: bool) -> list[_Part] | None:
    """ "History of peptic ulcer or GI bleeding; treatment with warfarin within 14 days":
    each clause is a criterion of its own, read whole, else cut as any item is; a clause
    not understood stays manual with its own reason and costs the others nothing."""
    found = criteria_lists.clauses(clean, _top_level(clean), _SENTENCE_END)
    if found is None:
        return None
    out: list[_Part] = []
    for clause in found:
        ctype, parsed = _classify(clause, draft.section, draft.context, None, lupus_trial)
        parts = [(ctype, clause, parsed)]
        if _compound_worth_trying(parsed):
            sub = replace(draft, text=clause)
            parts = _compound(sub, clause, lupus_trial) or _member_parts(
                sub, clause, lupus_trial) or parts
        out += [(t, p, replace(r, trace=(*r.trace, "list:clause"))) for t, p, r in parts]
    return out if any(p.kind in COMPUTABLE_KINDS for _, _, p in out) else None


def _member_parts(draft: _Draft, clean: str, lupus_trial: bool) -> list[_Part] | None:
    """The members of an exclusion's list, each read with what reaches it (see
    matcher.criteria.lists): computed when every reading the list's words allow agrees,
    else manual naming the words that may reach it."""
    # "Serious infection such as bacteraemia, sepsis": examples of the lead, which is the
    # criterion; read alone, "sepsis" would lose "serious" and the other infections.
    # An exception in a bracket is its member's own: "previous malignancy (except skin
    # cancer), diabetes or HIV".
    if (draft.section != EXCLUSION or _UNSPLITTABLE.search(_masked_brackets(clean))
            or _ANY_EXAMPLE_CUE.search(clean) or _DEFINES.search(clean)
            or guard.lead_negation(_normalise(clean))):  # fmt: skip
        return None
    found = criteria_lists.members(clean, _term_spans(clean), _term_spans, _reaching_time)
    if found is None or not _members_apart(found):
        return None
    return _read_members(found, draft, lupus_trial)


def _read_members(found: list[criteria_lists.Member], draft: _Draft, lupus_trial: bool
                  ) -> list[_Part] | None:  # fmt: skip
    """Each member read with every reading its reach allows: computed when they agree,
    else manual naming the words that may reach it. None when a member may not be read
    apart (a sex word, a judgement rule, a window that may reach the others) or none is
    computed."""
    out: list[_Part] = []
    for member in found:
        read = [_classify(t, draft.section, draft.context, None, lupus_trial)
                for t in (member.own, *member.variants)]  # fmt: skip
        ctype, parsed = read[0]
        if parsed.kind == "sex" or any(f"rule:{k}" in p.trace for _, p in read
                                       for k in _WHOLE_ITEM_RULES):  # fmt: skip
            return None
        agree = all((t, p.kind, p.params) == (ctype, parsed.kind, parsed.params)
                    for t, p in read[1:])  # fmt: skip
        if not agree and _reaching_time(member.reach):
            return None  # "A, B or C within 90 days": the window reaches A and B
        text = member.shown if agree and parsed.kind in COMPUTABLE_KINDS else member.own
        if not agree and any(p.kind in COMPUTABLE_KINDS for _, p in read):
            reason = f'whether "{member.reach}" also applies to it is not stated'
            parsed = _manual(reason, parsed.key)
        out.append((ctype, text, replace(parsed, trace=(*parsed.trace, member.rule))))
    return out if any(p.kind in COMPUTABLE_KINDS for _, _, p in out) else None


# "Other severe comorbidities (HIV, hepatitis B, ...)", "other medical conditions such as
# diabetes or HIV": examples after a head that names a category of conditions.
_EXAMPLES = re.compile(
    r"^(?P<head>[^()]{3,160}?)\s*(?:\(\s*(?:(?:e\.\s?g\.|eg|such\s+as|including|incl\.|"
    r"for\s+example|for\s+instance)[\s,:]*)?(?P<bracket>[^()]+)\)|,?\s*(?:such\s+as|e\.\s?g\.|"
    r"eg|including|for\s+example|for\s+instance)[\s,:]+(?P<tail>[^()]+))$",
    _I,
)


def _example_parts(draft: _Draft, clean: str, lupus_trial: bool) -> list[_Part] | None:
    """ "Other severe active co-morbidities (HIV, hepatitis B, severe gastrointestinal,
    neurological or blood disorders)": under a head naming a category of conditions that
    the reader cannot read, each example named is an instance of it and is excluded, read
    with the head's qualifiers ("severe active HIV": only its absence decided); the head
    stays a criterion of its own, left to a person (it covers more than its examples). A
    head the reader reads ("Serious infection such as sepsis") keeps the item whole, and
    so does a head with any word beyond filler, qualifiers and category words
    ("Co-morbidity preventing exercise (...)")."""
    if draft.section != EXCLUSION or guard.lead_negation(_normalise(clean)):
        return None
    m = _EXAMPLES.match(clean.rstrip(" .;,"))
    if m is None:
        return None
    head, examples = m["head"].strip(" ,:"), (m["bracket"] or m["tail"]).strip(" ,;:")
    examples = re.sub(r"[,\s]*\betc\.?$", "", examples, flags=_I).strip(" ,")
    qualifiers = criteria_lists.category_qualifiers(head)
    if qualifiers is None or _UNSPLITTABLE.search(examples) or _DEFINES.search(examples):
        return None
    ctype, whole = _classify(head, draft.section, draft.context, None, lupus_trial)
    if whole.kind in COMPUTABLE_KINDS or _reaching_time(examples):
        return None
    found = criteria_lists.members(examples, _term_spans(examples), _term_spans, _reaching_time)
    if found is None or not _members_apart(found):
        return None
    found = [criteria_lists.with_qualifiers(member, qualifiers) for member in found]
    read = _read_members(found, draft, lupus_trial)
    if read is None:
        return None
    judged = qualifiers[criteria_lists.history_end(qualifiers):].strip()
    if judged:
        # "severe active ... neurological disorders": an example that is itself a category
        # is no instance; how severe a category of conditions is, a person judges.
        reason = (f'"{judged}" of a category of conditions: how severe or active it is, '
                  "a person judges")
        read = [(t, p, _as_manual(r, reason, "list:category-example")
                 if r.kind in COMPUTABLE_KINDS and criteria_lists.names_category(p) else r)
                for t, p, r in read]  # fmt: skip
        if not any(r.kind in COMPUTABLE_KINDS for _, _, r in read):
            return None
    head_part = (ctype, head, replace(whole, trace=(*whole.trace, "list:example-head")))
    return [head_part, *((t, p, replace(r, trace=(*r.trace, "list:example")))
                         for t, p, r in read)]  # fmt: skip


# "Substance abuse disorder (i.e., drugs, alcohol)": what follows defines the lead.
_DEFINES = re.compile(r"\bi\.\s?e\.|\bie\b|\bnamely\b|\bthat\s+is\b", _I)


def _members_apart(found: list[criteria_lists.Member]) -> bool:
    """Can the members be read apart? Not when two name one concept and one of them says
    no time of its own ("Cancer or history of cancer cured less than 5 years ago": the
    contrast makes the first a current cancer), nor when the last ends on a bracket
    stating a time ("hydroxychloroquine or another antimalarial (-3 months)": the time may
    reach every member)."""
    vocab = load_vocabulary()
    named = [{t.concept_id for t in vocab.find_terms(_normalise(m.own))} for m in found]
    for (a, first), (b, second) in itertools.combinations(zip(named, found, strict=True), 2):
        # "current smoker or former smoker (> 10 pack-years)": each says its own time.
        if a & b and not (criteria_lists.opens_on_time(first.own)
                          and criteria_lists.opens_on_time(second.own)):  # fmt: skip
            return False
    last = found[-1].own
    brackets = re.findall(r"\(([^()]*)\)", last)
    return not any(_reaching_time(b) or re.search(r"\d\s*(?:months?|weeks?|days?|years?)\b", b, _I)
                   for b in brackets)  # fmt: skip


_ONE_OF = re.compile(
    r"\b(?:at\s+least\s+(?:one|1|two|2|three|3)|(?:any\s+)?one\s+(?:or\s+more\s+)?of|either|"
    r"any\s+of)\b",
    _I,
)


def _alternative_branch(drafts: list[_Draft], index: int) -> str | None:
    """Why an inclusion item is one branch of an either/or, or None: it ends with "or",
    the one before it does, it starts with "or", or a heading over it says "at least one
    of the following"."""
    draft = drafts[index]
    text = _clean_text(draft.text)
    before = _clean_text(drafts[index - 1].text) if index > 0 else ""
    if (criteria_groups.ENDS_WITH_OR.search(text) or criteria_groups.STARTS_WITH_OR.match(text)
            or (before and drafts[index - 1].section == draft.section
                and criteria_groups.ENDS_WITH_OR.search(before))):  # fmt: skip
        return "one branch of an either/or"
    if any(_ONE_OF.search(_normalise(h)) for h in draft.context):
        return "one branch of \"one of the following\""
    return None


def _as_manual(parsed: _Parsed, reason: str, rule: str) -> _Parsed:
    return _Parsed("manual", parsed.key, {}, reason, (*parsed.trace, rule))


# The trace mark of a diagnosis whose term says "childhood-onset" / "juvenile".
_PAEDIATRIC_ONSET = "qualifier:paediatric-onset"


def _children_only(items: list[_Item], max_age: float | None) -> bool:
    """Does the trial admit only children (record or text maximum age ≤ 18)?"""
    highs = [i.parsed.params.get("max_years") for i in items
             if i.parsed.kind == "age" and i.type == INCLUSION]  # fmt: skip
    highs = [h for h in [*highs, max_age] if h is not None]
    return bool(highs) and min(highs) < 18


def _guarded(
    items: list[_Item], about: Sequence[str], max_age: float | None = None
) -> list[_Item]:
    """Items whose reading a guard refuses become manual with the guard's reason: an
    exclusion of the trial's own condition, an inclusion requiring tuberculosis, a value
    outside plausible bounds. A childhood-onset diagnosis stays computed only in a trial
    that admits children alone (`max_age`: the record's maximum age)."""
    children_only = _children_only(items, max_age)
    vocab = load_vocabulary()
    never = load_grammar().inclusion_never_requires
    required = [
        c
        for item in items
        if item.type == INCLUSION and item.parsed.kind in ("diagnosis", "biopsy")
        for c in item.parsed.params.get("concepts", ["dx.lupus_nephritis"])
        if c not in never
    ]
    own = guard.own_conditions(about, required, vocab)
    guarded: list[_Item] = []
    for item in items:
        parsed = item.parsed
        if parsed.kind in COMPUTABLE_KINDS and _PAEDIATRIC_ONSET in parsed.trace and not (
            children_only and item.type == INCLUSION
        ):
            reason = (guard.not_understood(["childhood-onset"])
                      + " (implied only in a trial that admits children alone)")
            parsed = _as_manual(parsed, reason, "coverage:manual")
        if parsed.kind in COMPUTABLE_KINDS:
            found = guard.guard_reason(parsed.kind, item.type, parsed.params, own, vocab)
            if found is None:
                found = _narrower_named(item.text, parsed.params, vocab)
            if found is not None:
                parsed = _as_manual(parsed, found[1], found[0])
        guarded.append(replace(item, parsed=parsed))
    return guarded


def _narrower_named(text: str, params: dict[str, Any], vocab: Vocabulary
                    ) -> tuple[str, str] | None:  # fmt: skip
    """A reading of a group concept that the item names only by one of its members
    (concepts.jsonl `narrower_terms`): "Diagnosis of bipolar disorder" read as any
    psychiatric illness would exclude a patient with depression; "liver transplant" read
    as any solid organ transplant would exclude a kidney recipient. (A kidney transplant
    is still read as the transplant group: lupus nephritis trials name it and notes name
    nothing else; a kidney-transplant concept under the group is the right fix.)"""
    groups = {
        concept_id: {t.casefold() for t in vocab[concept_id].attrs["narrower_terms"]}
        for concept_id in params.get("concepts") or []
        if vocab[concept_id].attrs.get("narrower_terms")
    }
    if not groups:
        return None  # most readings name no group concept: no second scan of the text
    norm = _normalise(text)
    # "Major depressive disorder per the Diagnostic and Statistical Manual of Mental
    # Disorders": a term its context rules out (the manual's name) names nothing.
    matches = [m for m in vocab.find_terms(norm)
               if in_context(norm, m.start, m.end, vocab[m.concept_id])]  # fmt: skip
    # "Severe psychiatric disease including ... suicidal depression": a member named as an
    # example of a broader group the item names whole is read within that group.
    whole = {m.concept_id for m in matches if m.text.casefold() not in groups.get(m.concept_id, ())}
    for concept_id, narrower in groups.items():
        if whole & set(vocab[concept_id].attrs.get("implies", ())):
            continue
        named = [m for m in matches if m.concept_id == concept_id]
        if named and all(m.text.casefold() in narrower for m in named):
            return "guard:narrower-term", (
                f"{guard.GUARD_PREFIX}names {named[0].text!r}, narrower than the vocabulary's "
                f"{vocab[concept_id].label!r}"
            )
    return None


def _structured(
    items: list[_Item], min_age: float | None, max_age: float | None, sex: str | None
) -> list[_Item]:
    """The record's age limits and sex, where the text does not state them. Structured
    ages are whole years in practice; a "18 Months" limit is rounded inwards."""
    added: list[_Item] = []
    ages = [i.parsed.params for i in items if i.parsed.kind == "age" and i.type == INCLUSION]
    # A text that states only a minimum age ("Age ≥ 18") leaves the record's maximum in
    # force: the record's limit is added for the side no text age item states.
    if ages and min_age is not None and any(a.get("min_years") is not None for a in ages):
        min_age = None
    if ages and max_age is not None and any(a.get("max_years") is not None for a in ages):
        max_age = None
    if min_age is not None or max_age is not None:
        low = math.ceil(min_age - 1e-9) if min_age is not None else None
        high = math.floor(max_age + 1e-9) if max_age is not None else None
        text = f"Age {_age_text(low, high)} (registry age limits)"
        params = {"min_years": low, "max_years": high}
        trace = ("section:structured", "kind:age", "rule:registry-age-limits")
        added.append(_Item(INCLUSION, INCLUSION, text, _Parsed("age", "age", params, None, trace)))
    wanted = (sex or "").strip().lower()
    if wanted in ("female", "male") and not any(i.parsed.kind == "sex" for i in items):
        text = f"Sex: {wanted} (registry sex restriction)"
        trace = ("section:structured", "kind:sex", "rule:registry-sex")
        added.append(_Item(INCLUSION, INCLUSION, text,
                           _Parsed("sex", "sex", {"sex": wanted}, None, trace)))  # fmt: skip
    return added + items


def _age_text(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high} years"
    return f"≥ {low} years" if low is not None else f"≤ {high} years"


def _criteria(items: list[_Item]) -> list[Criterion]:
    counters = {INCLUSION: 0, EXCLUSION: 0}
    used: dict[str, int] = {}
    criteria: list[Criterion] = []
    for item in items:
        counters[item.section] += 1
        prefix = "inc" if item.section == INCLUSION else "exc"
        key = item.parsed.key
        if item.type == EXCLUSION and not key.startswith("x_"):
            key = f"x_{key}"
        used[key] = used.get(key, 0) + 1
        if used[key] > 1:
            key = f"{key}_{used[key]}"
        criteria.append(_criterion(item, f"{prefix}-{counters[item.section]}", key, item.text))
    return criteria


def _criterion(item: _Item, criterion_id: str, key: str, text: str) -> Criterion:
    """The Criterion of a read item, its params checked against the kind's declared
    contract (matcher.criteria.params). A reading that breaks it is a reader fault the
    evaluator must never see: the item is left to a person with the field named, so one
    odd registry text cannot stop a trial from loading or decide on a malformed reading."""
    parsed = item.parsed
    try:
        declared_params.validate(parsed.kind, parsed.params)
    except CriterionParamsError as exc:
        parsed = _as_manual(
            parsed, f"{guard.GUARD_PREFIX}the reading broke its kind's contract ({exc})",
            "guard:params",
        )  # fmt: skip
    return Criterion(
        id=criterion_id,
        key=key,
        type=item.type,
        text=text,
        kind=parsed.kind,
        params=dict(parsed.params),
        manual_reason=parsed.manual_reason,
        trace=parsed.trace,
        any_of=item.any_of,
        cohort=item.cohort,
    )


# =====================================================================================
# Public API
# =====================================================================================


def parse_eligibility_text(text: str, about: Sequence[str] = ()) -> list[Criterion]:
    """Criteria of an eligibility text, in registry order: "inc-1", ..., "exc-1", ...
    `about`: what the trial is about (title, conditions), for the own-condition guard."""
    return _criteria(_items(text, about))


def parse_criteria(record: RegistryRecord) -> tuple[Criterion, ...]:
    """Criteria of a registry record: its text plus its structured age limits and sex."""
    items = _items(record.eligibility_text, [record.title], record.max_age_years)
    items = _structured(items, record.min_age_years, record.max_age_years, record.sex)
    return tuple(_criteria(items))


def parse_criterion(
    text: str,
    criterion_type: str = INCLUSION,
    criterion_id: str | None = None,
    about: Sequence[str] = (),
) -> Criterion:
    """One criterion sentence, classified on its own ("Hemoglobin < 70 g/L", exclusion).
    `about`: what the trial is about ("lupus nephritis"), for the guards."""
    draft = _Draft(criterion_type, text, 0, "")
    (item,) = _items_of([draft], about, compound=False)
    ctype, parsed = item.type, item.parsed
    key = parsed.key
    if ctype == EXCLUSION and not key.startswith("x_"):
        key = f"x_{key}"
    prefix = "inc" if criterion_type == INCLUSION else "exc"
    return _criterion(item, criterion_id or f"{prefix}-1", key, _clean_text(text))


def trial_to_json(trial: Trial) -> dict[str, Any]:
    """`matcher trial show --format json`."""
    return {
        "trial_id": trial.trial_id,
        "title": trial.title,
        "min_age_years": trial.min_age_years,
        "max_age_years": trial.max_age_years,
        "sex": trial.sex,
        "source": trial.source,
        "criteria": [{**c.to_json(), "reading": reading(c)} for c in trial.criteria],
    }


# ---------------------------------------------------------------- readable table


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_criteria_table(trial: Trial) -> str:
    """A readable listing for `matcher trial show`: each criterion's reading in plain
    words beside the registry's own words."""
    limits = f"age {format_number(trial.min_age_years)}..{format_number(trial.max_age_years)}"
    lines = [
        f"{trial.trial_id}  {trial.title}",
        f"{limits}, sex {trial.sex or 'not stated'}, {len(trial.criteria)} criteria"
        + (f", from {trial.source}" if trial.source else ""),
        "",
    ]
    rows = [("id", "type", "key", "kind", "reading", "text")]
    for c in trial.criteria:
        rows.append((c.id, c.type[:3], c.key, c.kind, _cut(reading(c), 110), _cut(c.text, 50)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:5])]
        lines.append("  ".join([*cells, row[5]]).rstrip())
    return "\n".join(lines)
