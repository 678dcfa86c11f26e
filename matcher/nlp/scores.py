"""Scores in notes: SLEDAI, BILAG, ECOG, Lansky, read before or after their name and across
gaps.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import (
    Iterable,
)
from dataclasses import (
    dataclass,
)

from spacy.tokens import (
    Span,
)

from matcher.model import (
    Finding,
)
from matcher.nlp.mentions import (
    _VALUE_STOP,
    _Context,
    _context_date,
    _dates_between,
    _finding,
    _in_date,
    _item_end,
    _line_end,
    _sentence_bounds,
    _value_date,
)
from matcher.nlp.value_grammar import (
    _AT_DIAGNOSIS,
    _SCORE_RE,
)
from matcher.nlp.vocab import (
    Concept,
)

# "NYHA class III", "NYHA functional class II", "NYHA: 2": a scale graded in Roman numerals
# (concepts.jsonl attr "roman") is read only right after its name; a range ("II-III") or a
# sub-class ("IIIb") is not one grade.
_ROMAN_GRADE = re.compile(
    r"^\s*(?:\(\s*NYHA\s*\)\s*)?(?:functional\s+)?(?:class(?:ification)?|grade|stage)?\s*"
    r"[:=]?\s*(?P<n>IV|III|II|I|Ⅳ|Ⅲ|Ⅱ|Ⅰ|[1-4])(?![A-Za-z0-9])(?!\s*(?:[-–/~]|to\b)\s*\w)",
    re.I,
)
_ROMAN_VALUES = {"i": 1.0, "ii": 2.0, "iii": 3.0, "iv": 4.0, "ⅰ": 1.0, "ⅱ": 2.0, "ⅲ": 3.0,
                 "ⅳ": 4.0, "1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0}  # fmt: skip


def _roman_grade(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    m = _ROMAN_GRADE.match(ctx.text[span.end_char : hi])
    if m is None or (m["n"].upper() == "I" and m["n"] != m["n"].upper()):
        return
    end = span.end_char + m.end()
    date, source = _value_date(ctx, span, end)
    yield _finding(ctx, concept, span.start_char, end, span._.assertion,
                   value=_ROMAN_VALUES[m["n"].lower()], raw_value=m["n"], date=date,
                   date_source=source, attrs={})  # fmt: skip


def _score(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    if concept.attrs.get("roman"):
        yield from _roman_grade(ctx, span, concept)
        return
    lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, span.end_char, hi)
    match = _SCORE_RE.match(ctx.text[span.end_char : limit])
    if match is not None and (
        _in_date(ctx, span.end_char + match.start("num"))
        or _NOT_A_SCORE_AFTER.match(ctx.text, span.end_char + match.end(), limit + 8)
    ):
        # "ECOG on 4/10: 1", "ECOG at 3 months 1": a date or a duration, not the score.
        match = None
    # The gap reader stops at another name itself, so that a name inside a parenthesis
    # ("SLEDAI-2K (excluding low complement and anti-dsDNA) 8") does not end the item.
    stop = _VALUE_STOP.search(ctx.text, span.end_char, hi)
    gap_limit = stop.start() if stop else hi
    readings: list[_ScoreReading] = []
    if match is not None:
        first = _ScoreReading(
            match.group("num"), span.end_char + match.start("num"), span.end_char + match.end()
        )
        readings = [first, *_later_scores(ctx, span, first)]
    else:
        readings = _scores_after_gap(ctx, span, gap_limit) or _score_before_name(ctx, span)
    answer = _checklist_answer(ctx, span)
    if answer and all(r.start < answer[0].start for r in readings):
        # "SLEDAI-2K of 8 or more: Y (11)": the number in the question is its threshold.
        readings = answer
    low, high = concept.attrs.get("low", 0), concept.attrs.get("high", 1000)
    for reading in readings:
        value = float(reading.number)
        if not low <= value <= high:
            continue
        end = reading.end
        tail = ctx.text[end : end + 40]
        attrs = {}
        if _AT_DIAGNOSIS.search(tail):
            # "SLEDAI-2K 23 at diagnosis" copied forward is a past score, not today's.
            attrs["at_diagnosis"] = True
        if reading.date is not None:
            date, source = reading.date, "text"
        elif len(readings) > 1:
            date, source = _context_date(ctx, span.start_char)
        else:
            date, source = _value_date(ctx, span, end)
        points = re.match(r"^\s*(?:points?|pts)\b", tail, re.I)
        if points:
            end += points.end()
        start = min(span.start_char, reading.start)
        yield _finding(
            ctx,
            concept,
            start,
            max(end, span.end_char),
            span._.assertion,
            value=value,
            raw_value=reading.number,
            date=date,
            date_source=source,
            attrs=attrs,
        )


# ------------------------------------------------------------ scores inside sentences
@dataclass
class _ScoreReading:
    number: str
    start: int
    end: int
    date: dt.date | None = None


# What may stand between a score's name and its value: words, commas, dashes, a colon or
# "=", a parenthesis, a date ("SLEDAI-2K on review 12", "SLEDAI-2K (excluding serology)
# 9", "ECOG PS (physio 2 days ago) 2", "SLEDAI 2K recorded on 4 March: 10").
_GAP_TOKEN = re.compile(
    r"\s+|\((?P<paren>[^()\n]{0,80})\)|(?P<num>\d+(?:\.\d+)?)|(?P<word>[^\W\d_]+(?:['’-][^\W\d_]+)*)"
    r"|(?P<punct>[,:=\-–—])|(?P<other>.)",
    re.S,
)
# A gap with one of these words names a threshold, a change or a plan, not the value:
# "SLEDAI-2K needs to be at least 8", "dropped by 6 points", "not repeated for 3 months".
_GAP_STOP_WORDS = frozenset(
    {
        "than", "least", "most", "above", "below", "over", "under", "less", "more",
        "greater", "exceed", "exceeds", "exceeded", "exceeding", "target", "targets", "goal",
        "aim", "threshold", "cutoff", "cut-off", "criterion", "criteria", "inclusion",
        "eligibility", "eligible", "need", "needs", "needed", "require", "required",
        "requires", "if", "unless", "should", "would", "could", "will", "not", "no",
        "never", "without", "for", "out", "max", "maximum", "minimum", "min",
        "item", "items", "each", "descriptor", "descriptors", "weight", "weighted", "x",
        # a new clause with its own subject: "Karnofsky was discussed, she is 16"
        "she", "he", "they", "we", "patient", "pt", "child", "girl", "boy",
    }
)  # fmt: skip
# The number right after one of these is what it counts, not the score: "on day 3",
# "cycle 2", "aged 12", "grade 3".
_COUNTED_BY = frozenset(
    {
        "day", "days", "week", "weeks", "month", "months", "year", "years", "cycle", "cycles",
        "dose", "doses", "pulse", "pulses", "age", "aged", "number", "no", "grade", "stage",
        "class", "type", "version", "bed", "room", "visit",
    }
)  # fmt: skip
# Where one reading ends and the next begins: "from 18 in June to 6 now", "was 12 in
# August and is 4 today", "on 2 September: 14; today: 5".
_CHAIN_WORDS = frozenset({"to", "and", "then", "but", "now", "while", "whereas"})
_FROM_WORDS = frozenset({"from"})
_CHANGE_WORDS = frozenset({"by"})
# A number followed by one of these is a duration, a dose or a count, not a score.
_NOT_A_SCORE_AFTER = re.compile(
    r"\s*(?:[/:]\s*\d|(?:days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y|hours?|hrs?|h|"
    r"mg|g|mcg|ug|ml|mL|kg|cm|mm|times|x|doses?|pulses?|cycles?|siblings?|children|"
    r"patients?|am|pm|o'clock|yo)\b|\.\d)",
    re.I,
)
_SCORE_GAP_WORDS = 12


def _name_starts_at(ctx: _Context, position: int) -> bool:
    i = bisect.bisect_left(ctx.lab_starts, position)
    return i < len(ctx.lab_starts) and ctx.lab_starts[i] == position


def _next_score_number(
    ctx: _Context, start: int, limit: int, max_words: int
) -> tuple[re.Match[str] | None, list[str], int]:
    """The first number after `start` that can be a score, skipping dates and
    parentheses; with the gap's words and the offset where the last connector ended.
    (None, ...) when the gap holds a stop word, another number, or too many words."""
    words: list[str] = []
    split = start
    position = start
    adjacent: str | None = None  # the word right before, with only spaces between
    while position < limit:
        i = bisect.bisect_right(ctx.date_starts, position) - 1
        if i >= 0 and ctx.dates[i].start <= position < ctx.dates[i].end:
            position = ctx.dates[i].end  # a date in the gap is not the value
            adjacent = None
            continue
        token = _GAP_TOKEN.match(ctx.text, position, limit)
        if token is None:
            return None, words, split
        kind = token.lastgroup
        if kind == "word" and _name_starts_at(ctx, token.start()):
            return None, words, split  # another lab or score: "SLEDAI-2K, C3 0.6 ..."
        if kind == "num":
            if adjacent in _CHANGE_WORDS or adjacent in _COUNTED_BY:
                return None, words, split  # "dropped by 6 points", "on day 3": not the score
            return token, words, split
        if kind is not None:
            adjacent = token.group("word").lower() if kind == "word" else None
        if kind == "word":
            word = token.group("word").lower()
            if word in _GAP_STOP_WORDS:
                return None, words, split
            words.append(word)
            if len(words) > max_words:
                return None, words, split
            if word in _CHAIN_WORDS or word in _FROM_WORDS:
                split = token.end()
        elif kind == "punct" and token.group("punct") == ",":
            split = token.end()
        elif kind == "other":
            if token.group(0) not in ";.":
                return None, words, split
            if token.group(0) == "." and ctx.text[token.end() : token.end() + 1].isspace():
                return None, words, split  # a sentence ends
            split = token.end()
        # A parenthesis is skipped whole: "(excluding serology)", "(rash 2, alopecia 2)".
        position = token.end()
    return None, words, split


def _scores_after_gap(ctx: _Context, span: Span, limit: int) -> list[_ScoreReading]:
    """ "SLEDAI-2K on review 12", "Karnofsky performance status at this visit was 60 %":
    the first clean number after a short gap of words, dates and parentheses."""
    number, words, _split = _next_score_number(ctx, span.end_char, limit, _SCORE_GAP_WORDS)
    if number is None or _NOT_A_SCORE_AFTER.match(ctx.text, number.end(), limit + 8):
        return []
    gap_dates = _dates_between(ctx, span.end_char, number.start())
    first = _ScoreReading(number.group("num"), number.start(), number.end())
    if gap_dates:  # "SLEDAI 2K recorded on 4 March: 10" is the 4 March score
        first.date = gap_dates[-1].date
    readings = [first, *_later_scores(ctx, span, first)]
    if words and words[-1] in _FROM_WORDS:
        # "fell from 18 to 6": the first value is the old one, kept only with its own date.
        first.date = first.date or _part_date(ctx, first, readings)
        if first.date is None:
            readings = readings[1:]
    return readings


def _later_scores(ctx: _Context, span: Span, first: _ScoreReading) -> list[_ScoreReading]:
    """Readings after the first in the same sentence and line, each with its own date:
    "was 6 three months ago and is 10 today", "from 16 in February to 4 now". A later
    number is a reading only when the readings end up on different dates."""
    lo, hi = _sentence_bounds(ctx, span)
    limit = min(hi, _line_end(ctx.text, first.end))
    readings = [first]
    cuts: list[int] = []  # where each reading's own text ends and the next one's begins
    position = first.end
    while True:
        number, words, split = _next_score_number(ctx, position, limit, 8)
        if number is None or not (set(words) & _CHAIN_WORDS or split > position):
            break
        if _NOT_A_SCORE_AFTER.match(ctx.text, number.end(), limit + 8):
            break
        cuts.append(split)
        readings.append(_ScoreReading(number.group("num"), number.start(), number.end()))
        position = number.end()
    if len(readings) == 1:
        return []
    cuts.append(limit)
    starts = [span.end_char, *cuts[:-1]]
    dates: list[dt.date | None] = []
    for reading, begin, cut in zip(readings, starts, cuts, strict=True):
        after = _dates_between(ctx, reading.end, cut)
        before = _dates_between(ctx, begin, reading.start)
        mention = after[0] if after else (before[-1] if before else None)
        dates.append(mention.date if mention else None)
    undated = _context_date(ctx, span.start_char)[0]
    effective = {date or undated for date in dates}
    if all(date is None for date in dates) or len(effective) < len(readings):
        return []  # "11 rather than 7", "12, 14": which is current is not said
    for reading, date in zip(readings, dates, strict=True):
        reading.date = date
    return readings[1:]


def _part_date(
    ctx: _Context, reading: _ScoreReading, readings: list[_ScoreReading]
) -> dt.date | None:
    """The date written right after a reading, before the next one: "from 18 in June"."""
    end = readings[1].start if len(readings) > 1 else reading.end + 40
    mentions = _dates_between(ctx, reading.end, end)
    return mentions[0].date if mentions else None


_SCORED_BEFORE = re.compile(
    r"\bscor(?:e|es|ed|ing)\s+(?:of\s+)?(?P<num>\d{1,3})\s+(?:points?\s+)?"
    r"(?:on|in)\s+(?:the\s+|her\s+|his\s+)?$",
    re.I,
)


def _score_before_name(ctx: _Context, span: Span) -> list[_ScoreReading]:
    """ "She scores 8 on the SLEDAI-2K": the value stated before the scale's name."""
    lo, _hi = _sentence_bounds(ctx, span)
    match = _SCORED_BEFORE.search(ctx.text, max(lo, span.start_char - 40), span.start_char)
    if match is None:
        return []
    return [_ScoreReading(match.group("num"), match.start("num"), match.end("num"))]


# A pre-screening checklist row asks a question about the score and answers it, the value
# after the answer: "SLEDAI-2K of 8 or more .... Yes (11)", "SLEDAI-2K in the last 90 days:
# Y - score 9 (02/10/2026)". The question's own number ("8 or more", "90 days") is no value;
# only a yes answer carries one ("N" in a coordinator's log is "not done", "NA" not asked).
_CHECKLIST_ANSWER = re.compile(
    r"[^\n;|]{0,80}?(?::|\.{2,}|…|\?)[ \t.…]*(?:Y|YES|Yes|yes)(?![\w/])[ \t]*"
    r"(?:[-–:,][ \t]*(?:score[ \t]*(?:of[ \t]*)?)?(?P<a>\d{1,3})(?![\d.,/%])"
    r"|\([ \t]*(?:score[ \t]*(?:of[ \t]*)?)?(?P<b>\d{1,3})(?![\d.,/%])"
    r"(?=[ \t]*(?:\)|on\b|[,;]|at\b)))",
)


def _checklist_answer(ctx: _Context, span: Span) -> list[_ScoreReading]:
    """The value a checklist row's yes answer gives the score its question names."""
    end = _line_end(ctx.text, span.end_char)
    match = _CHECKLIST_ANSWER.match(ctx.text, span.end_char, end)
    if match is None:
        return []
    group = "a" if match["a"] is not None else "b"
    if _in_date(ctx, match.start(group)) or _NOT_A_SCORE_AFTER.match(
        ctx.text, match.end(group), end
    ):
        return []
    reading = _ScoreReading(match[group], match.start(group), match.end(group))
    # "Y (10 on 11/11/2026)", "Y - score 14 (28/10/2026)": the date after the value is its own.
    after = _dates_between(ctx, match.end(group), min(end, match.end(group) + 24))
    if after and after[0].date is not None:
        reading.date = after[0].date
    return [reading]
