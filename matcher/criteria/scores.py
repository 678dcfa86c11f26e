"""Reader of disease-activity and performance scores: SLEDAI, BILAG grades, ECOG, Lansky,
Karnofsky.
"""

from __future__ import annotations

import re
from collections.abc import (
    Sequence,
)
from typing import (
    Any,
)

from matcher.criteria.item_context import (
    _CLOSED_PAREN,
    _Ctx,
    _manual,
    _Parsed,
)
from matcher.criteria.lexicon import (
    _I,
    _comparisons,
)
from matcher.nlp.vocab import (
    TermMatch,
)

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


# "UAS7 score (range 0-42) ≥ 16", "HSS7 (0–21) ≥ 8": the scale's own range, said in
# brackets, is no threshold when its bounds are the scale's (concepts.jsonl low/high).
_SCALE_ASIDE = re.compile(
    r"\(\s*(?:(?:possible\s+|score\s+)?range|scale|scored|scores?)?\s*:?\s*(?P<a>\d{1,3})\s*"
    r"(?:-|to)\s*(?P<b>\d{1,3})\s*(?:points?)?\s*\)",
    _I,
)


def _score_threshold(
    text: str, start: int, stop: int, spans: list[tuple[int, int]] | None = None,
    scale: tuple[Any, Any] = (None, None),
) -> dict[str, Any] | None:
    """The threshold written after a score's name; `spans` collects where (in `text`).
    `scale`: the score's (low, high), whose range said in brackets is passed over."""
    # "Karnofsky (age ≥16) or Lansky (age <16) ≥ 60": an age aside is no threshold.
    tail = _AGE_ASIDE.sub(lambda m: " " * len(m.group()), text[start:stop])
    found: list[tuple[int, int]] = []
    for aside in _SCALE_ASIDE.finditer(tail):
        if (float(aside["a"]), float(aside["b"])) == scale:
            tail = tail[: aside.start()] + " " * len(aside[0]) + tail[aside.end() :]
            found.append((aside.start(), aside.end()))
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
# ASA physical status runs to V ("ASA III-V"); a V on a four-class scale (NYHA) is read as 5
# and refused by the scale's range.
_ROMAN = re.compile(r"(?<![A-Za-z])(?:IV|V|III|II|I|Ⅳ|Ⅴ|Ⅲ|Ⅱ|Ⅰ)(?![A-Za-z])")
_ROMAN_VALUE = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "Ⅰ": "1", "Ⅱ": "2",
                "Ⅲ": "3", "Ⅳ": "4", "Ⅴ": "5"}  # fmt: skip
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
# The scale's name may be followed by its expansion in brackets ("NYHA (New York Heart
# Association) class IV") or the reverse.
_ONE_GRADE = re.compile(r"\s*(?:\(\s*(?:NYHA|New\s+York\s+Heart\s+Association)\s*\)\s*)?"
                        r"(?:functional\s+)?(?:class|grade|stage)?\s*"
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
# "Severe heart failure, defined as NYHA class IV", "heart failure, i.e. NYHA III-IV": a
# definition between the condition and its scale says the class is which heart failure.
_DEFINED_BY_SCALE = re.compile(
    r"\s*,?\s*(?:(?:as\s+)?defined\s+(?:as|by)|i\.\s*e\.,?|as\s+(?:evidenced|indicated)\s+by)"
    r"\s*:?\s*(?:(?:an?|the)\s+)?",
    _I,
)


def _take_scale_subject(ctx: _Ctx, mention: TermMatch, threshold: list[tuple[int, int]]) -> None:
    """The graded condition beside the scale, joined to no other: "NYHA class I or
    decompensated heart failure" names two conditions, and keeps both words unread. The
    threshold's own words are no join ("NYHA class III or IV heart failure")."""
    graded = ctx.vocab[mention.concept_id].attrs.get("grades")
    if not graded:
        return
    taken = [(a, b) for a, b, rule in ctx.taken if rule == "score:threshold"] + threshold
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
        defined = term.end <= mention.start and _DEFINED_BY_SCALE.fullmatch("".join(gap))
        if before or defined or not _JOINED.search("".join(gap)):
            subjects.append(term)
        if defined:
            ctx.take(a, b, "score:subject")
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
        attrs = ctx.vocab[mention.concept_id].attrs
        scale = (float(attrs["low"]), float(attrs["high"])) if "low" in attrs else (None, None)
        threshold = _score_threshold(text, mention.end, stop, spans, scale)
        if roman:
            if threshold is None:
                threshold = _one_grade(text, mention.end, stop, spans)
            spans = _whole_numerals(ctx.main, spans)
        readings.append((mention, threshold, spans))
    chosen = next((r for r in readings if r[1] is not None), None)
    if chosen is None:
        chosen = _score_named_after(ctx, mentions)
    if chosen is not None:
        mention, threshold, threshold_spans = chosen
        assert threshold is not None
        _take_activity_lead(ctx, mention)
        _take_scale_subject(ctx, mention, threshold_spans)
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
        ctx.take_study_start_window("score:screening-window")
        concept = ctx.vocab[mention.concept_id]
        params = {"concept": concept.id, **threshold}
        return _Parsed("score", ctx.key(concept.key), params)
    concept = ctx.vocab[mentions[0].concept_id]
    ctx.taken.append((0, 0, _UNREAD_THRESHOLD_RULE))  # named in the trace: see `_policy`
    return _manual(f"{concept.label} threshold not recognised", ctx.key(concept.key))
