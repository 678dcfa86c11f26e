"""The shared lexical grammar of registry texts: glyphs, numbers, comparisons, units, windows,
durations and words of time, as every reader of an item uses them.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import (
    dataclass,
)
from functools import (
    cache,
)

from matcher.criteria.grammar import (
    load_grammar,
    phrase_pattern,
)
from matcher.nlp.dates import (
    window_to_days,
)

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
    space), unified dashes and comparison glyphs, and a value between two limits written
    as a double inequality turned round (`_between_limits`). The criterion keeps its
    original text."""
    text = unicodedata.normalize("NFKC", text.translate(_MARKS)).translate(_GLYPHS)
    return _DOUBLE_INEQUALITY.sub(_between_limits, text) if _SANDWICH_HINT.search(text) else text


# "40kg ≤ Weight ≤ 100kg", "18 < BMI < 30 kg/m2", "0.5 g/24h ≤ proteinuria ≤ 3 g/24h": a
# measure between two limits written the mathematical way, both limits on the same side.
_SANDWICH_HINT = re.compile(r"[<≤>≥]")
_LIMIT = r"\d{1,6}(?:\.\d+)?(?:\s*[A-Za-zµμ%][\w/.^²µμ%-]*)?"
_DOUBLE_INEQUALITY = re.compile(
    rf"(?<![\w.])(?P<a>{_LIMIT})(?P<w1>\s*)(?P<op1><=|≤|<|>=|≥|>)(?P<w2>\s*)"
    r"(?P<name>[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,3})"
    rf"(?P<w3>\s*)(?P<op2><=|≤|<|>=|≥|>)(?P<w4>\s*)(?P<b>{_LIMIT})",
)
_FLIPPED = {"<=": ">=", "≤": "≥", "<": ">", ">=": "<=", "≥": "≤", ">": "<"}


def _between_limits(m: re.Match[str]) -> str:
    """The double inequality as the name and its two limits, "Weight ≥40kg, ≤100kg", in
    as many characters (positions after it survive). Limits that face each other ("40 <
    x > 100") or do not rise the way the signs point are left as written."""
    lower_first = m["op1"] in ("<=", "≤", "<")
    if lower_first != (m["op2"] in ("<=", "≤", "<")):
        return m[0]
    a, b = (float(re.match(r"[\d.]+", m[x])[0]) for x in ("a", "b"))  # type: ignore[index]
    if (a >= b) if lower_first else (a <= b):
        return m[0]
    spaces = len(m["w1"]) + len(m["w2"]) + len(m["w3"])
    gap = " " if spaces >= 1 else ""
    joint = "," + " " * (spaces - 2) if spaces >= 2 else ""
    return f"{m['name']}{gap}{_FLIPPED[m['op1']]}{m['a']}{joint}{m['op2']}{m['w4']}{m['b']}"


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
    # "equal" first and a comparative of place or age: "equal or above 18", "equal to or
    # older than 18 years"
    "equal or above": ">=", "equal to or above": ">=", "equal or over": ">=",
    "equal to or over": ">=", "equal or older than": ">=", "equal to or older than": ">=",
    "equal or more than": ">=",
    # "at or above 40 kg": "at" makes it inclusive; read as "above" alone, a weight of
    # exactly 40 kg failed the limit.
    "at or above": ">=", "at or over": ">=", "at or higher than": ">=",
    "at or greater than": ">=", "at or more than": ">=",
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
    "equal or below": "<=", "equal to or below": "<=", "equal or under": "<=",
    "equal to or under": "<=", "equal or younger than": "<=", "equal to or younger than": "<=",
    "equal or lower than": "<=",
    "at or below": "<=", "at or under": "<=", "at or lower than": "<=", "at or less than": "<=",
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
# "greater than or equal to (>=) 6": the sign said again in brackets (a house style of
# ClinicalTrials.gov records); a sign that disagrees with the words is no comparison.
_PREFIX_CMP = re.compile(
    rf"(?P<op>{_OP})\s*(?:\(\s*(?P<sign>[<>≤≥]=?|=)\s*\)\s*)?(?:of\s+|a\s+|:\s*|=\s*)?"
    rf"(?P<num>{_NUM})(?![\d])",
    _I,
)
_ULN_WORDS = (
    r"(?:the\s+)?(?:institutional\s+)?(?:upper\s+limits?\s+of\s+(?:the\s+)?normal"
    r"(?:\s+range)?|upper\s+normal\s+(?:limits?|levels?|values?|range)|\(?ULN\)?|\bUNL\b"
    # "the normal upper limit": the other word order (texts translated from Chinese,
    # Korean, Japanese)
    r"|normal\s+upper\s+(?:limits?|levels?|values?))"
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
# The multiple before its comparative: "twice more than the normal upper limit", "3 times
# higher than ULN", "2.5-fold greater than the ULN" (texts translated from Chinese, Korean,
# Japanese): the same "> 2 × ULN". A limit must follow, so "twice longer than" is none.
_MULTIPLE_OP_ULN = re.compile(
    rf"(?<![\w.])(?P<mult>twice|thrice|(?:{_NUM}|{_WORD_NUM})\s*(?:[x×]|times|-?\s*fold))"
    r"\s+(?P<op>more|greater|higher|above)(?:\s+than)?(?=\s)",
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
        if value is None or (m["sign"] and _OP_PHRASES.get(m["sign"]) != _op_of(m["op"])):
            continue
        uln = _ULN_TAIL.match(text, m.end("num"))
        stop = uln.end() if uln else m.end("num")
        found.append(_Cmp(_op_of(m["op"]), value, m.start(), m.end("num"), bool(uln), stop))
        taken.append((m.start("num"), m.end("num")))
    # "twice more than the ULN": the comparative inside is not "> 1 × ULN" as well.
    multiples: list[tuple[int, int]] = []
    for m in _MULTIPLE_OP_ULN.finditer(text, start):
        uln = _AFTER_TWICE.match(text, m.end())
        if uln is None:
            continue
        mult = m["mult"].lower()
        count = re.match(rf"{_NUM}|{_WORD_NUM}", mult, _I)
        value = _WORD_MULTIPLE.get(mult) or (
            None if count is None else _number(count[0]) or _NUMBER_WORDS.get(count[0])
        )
        if value is not None:
            found.append(_Cmp(">", float(value), m.start(), m.end(), True, uln.end()))
            multiples.append((m.start(), uln.end()))
    for m in _OP_ULN.finditer(text, start):
        if any(a <= m.start() < b for a, b in multiples):
            continue
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
# "6 months (180 days)": the same length said again in another unit.
_AGAIN = r"(?:\s*\(\s*(?P<again>\d{1,4})\s*(?P<again_unit>days?|weeks?|months?|years?)\s*\))?"
_WINDOWS = (
    # "within 3 months", "in the past 6 months", "during the last year"
    # "in the recent 3 months", "in the most recent 6 months": "recent" is the window's
    # own word; "in <= 30 days" bounds the same window.
    re.compile(
        rf"\b(?:within|in|during|over)\s+(?:the\s+)?"
        rf"(?:last|past|previous|preceding|prior|(?:most\s+)?recent)?"
        rf"\s*(?:(?:≤|<=|<)\s*(?=\d))?(?:{_AMOUNT}\s*)?{_UNIT}{_AGAIN}",
        _I,
    ),
    # "6 months before screening", "≤ 12 weeks prior to randomisation". The amount does
    # not start inside a longer number (a run of digits would be rescanned from each one).
    re.compile(
        rf"(?<![\d.,]){_AMOUNT}\s*{_UNIT}{_AGAIN}\s*(?:\w+\s+)?(?:before|prior\s+to|preceding|of|from)"
        r"\s+(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?"
        r"(?:screening|enrol|enroll|randomi|baseline|first|day|study|signing|consent|"
        r"infusion|lymphodepletion|cell|apheresis|leuka?pheresis|inclusion|recruit|visit|entry|"
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
    r"\bwithin(?:\s+the)?|"
    # "Recent (within 4 weeks) use of ...", "recently, in the past 6 months,": the window
    # says how recent.
    r"\brecent(?:ly)?\s*[(,]?)\s*$",
    _I,
)
# "Recent stroke (within the past 3 months)": "recent" before a term, its window in
# brackets right after it (no comma, no other clause between).
_RECENT_BEFORE = re.compile(r"\brecent(?:ly)?\b(?=[^(),;.:]{1,60}\(\s*$)", _I)


@cache
def _anchor_tail() -> re.Pattern[str]:
    anchors = sorted(load_grammar().window_anchors, key=len, reverse=True)
    alternation = "|".join(phrase_pattern(a) for a in anchors)
    return re.compile(
        # "in the 12 months prior to or during screening": the window runs into screening.
        rf"\s*(?:,\s*)?(?:(?:before|prior\s+to|preceding|of|from|until|at)"
        r"(?:\s+or\s+(?:during|at))?\s+)?"
        rf"(?:(?:the|signing|signing\s+of|date\s+of)\s+)*(?:{alternation})(?:\s+(?:period|phase))?"
        r"(?:\s*\(\s*(?:visit|day|week|v)\s*[\w.-]{1,4}\s*\))?"
        # "... prior to signing ICF or during the screening period"
        r"(?:\s*(?:,\s*)?or\s+(?:during|at|within)\s+(?:the\s+)?screening(?:\s+(?:period|phase|visit))?)?"
        r"|\w*",
        _I,
    )


def _recent_before(text: str, window_start: int) -> tuple[int, int] | None:
    """The span of a "recent" that a bracketed window starting at `window_start` makes
    exact ("Recent stroke (within the past 3 months)"), else None."""
    m = _RECENT_BEFORE.search(text[:window_start])
    return (m.start(), m.end()) if m else None


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
            if amount is not None and not same_length(amount, m["unit"], m["again"],
                                                      m["again_unit"]):
                return None  # "6 months (90 days)": which one is meant is for a person
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
                return said_days(amount, m["unit"], m["again"], m["again_unit"]), start, end
    return None


_ANCHOR_LEAD = re.compile(r"\b(?:before|prior\s+to|preceding|of|from|until|at)\b", _I)


# A length said as how long something lasts, just before a window ("for 3 months before
# screening", "for at least 6 weeks prior to randomisation", "persisting over the 3 months").
_DURATION_LEAD = re.compile(r"\b(?:for|over|throughout|persist(?:ing|ent|s)?(?:\s+for)?)"
                            r"(?:\s+(?:at\s+least|a\s+minimum\s+of|the|a|an))*\s*$", re.I)
_DURATION_OPEN = re.compile(r"(?:for|over|throughout)\b", re.I)  # a window that opens so


def study_start_window(text: str) -> tuple[int, int] | None:
    """The span of the first window when it ends at the study's start ("within 14 days prior
    to randomisation", "within 7 days before the first dose of study drug"), else None: a
    window from another event ("before the index surgery") or of the past ("in the past 6
    months") is none. For a lab or a score it says when the screening sample is taken."""
    found = _window_match(text)
    if found is None:
        return None
    _, start, end = found
    if _DURATION_LEAD.search(text[:start]) or _DURATION_OPEN.match(text, start):
        # "UPCR ≥ 100 mg/mmol for 3 months before screening": a value held through the whole
        # period (persistence), not the latest value in it; left to the item's other rules
        # (or to a person, the words unread).
        return None
    span = text[start:end]
    lead = _ANCHOR_LEAD.search(span)
    tail = None if lead is None else _anchor_tail().match(span, lead.start())
    if tail is None or tail.end() < len(span.rstrip()):
        return None
    return start, end


def same_length(amount: float, unit: str, again: str | None, again_unit: str | None) -> bool:
    """Does a length said again in brackets ("6 months (180 days)") agree with the first,
    within the rounding of a month (30 or 31 days, 4 weeks for a month)? True with none."""
    if again is None or again_unit is None:
        return True
    first, second = window_to_days(amount, unit), window_to_days(float(again), again_unit)
    return abs(first - second) <= 0.1 * max(first, second)


def said_days(amount: float, unit: str, again: str | None, again_unit: str | None) -> int:
    """Days of a length, taking the trial's own count where it says it again in days: "at
    least 6 months (180 days)" is 180 days, not six months of 30.44 (183); the lengths
    must agree first (`same_length`)."""
    if again is not None and again_unit is not None and again_unit.lower().startswith("day"):
        return int(again)
    return _days(amount, unit)


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


# "Currently receiving", "ongoing", "at (the time of) screening": the drug is taken now.
_CURRENT_DRUG = re.compile(
    r"\b(?:currently|current|ongoing|still|maintenance)\b|"
    # "Already on lipid-lowering therapy", "already receiving MMF": on it now.
    r"\balready\s+(?=(?:on|receiving|taking|using)\b)|"
    # "Being treated with an IL-1 inhibitor", "under treatment with AZA": the present
    # progressive, a course running now (read as "treated with", any course ever).
    r"\bbeing\s+(?:treated|given|administered|prescribed)\b|\bunder\s+treatment\b|"
    r"\bat\s+(?:(?:the\s+)?time\s+of\s+)?(?:the\s+)?"
    r"(?:screening|baseline|enrol\w*|randomi[sz]ation|study\s+entry|inclusion|recruitment)"
    r"(?:\s+visit)?\b",
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
