"""Drug findings in notes.
"""

from __future__ import annotations

import bisect
import dataclasses
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
    Assertion,
    Finding,
)
from matcher.nlp.dates import (
    DateMention,
    DurationMention,
    find_durations,
    window_to_days,
)
from matcher.nlp.mentions import (
    _Context,
    _context_date,
    _finding,
    _line_end,
    _sentence_bounds,
)
from matcher.nlp.routes import drug_route, route_word_after
from matcher.nlp.vocab import (
    Concept,
    Vocabulary,
)

_DRUG_STOP = re.compile(
    r"\b(stopped|discontinued|ceased|held|until|till|to|completed|off|"
    r"withdrawn|tapered\s+off|finished)\b",
    re.I,
)
_REGIMEN = re.compile(
    r"\b(?:x\s?(?P<n>\d{1,2})(?:\s*doses)?|(?P<n2>\d{1,2})\s*doses|"
    r"q\s?\d+\s?(?:w|wk|weeks|d|days|h)|monthly|weekly|fortnightly|daily|"
    r"bid|tds|tid|od|induction|maintenance|pulses?)\b",
    re.I,
)
# "Inj." is how Indian charts write an injection: "Inj. Rituximab 500 mg on 01/03 and 15/03";
# "x 2 doses on 01/03/26 and 15/03/26" gives each dose its day.
_SINGLE_DOSE = re.compile(
    r"\b(given|received|administered|infusion|injection|inj|dose|"
    r"doses(?=\s+(?:given\s+)?on\s+\d{1,2}[/.-]\d{1,2}))\b",
    re.I,
)
# "On norepinephrine infusion and IV ceftriaxone": a dose noun before the drug with a
# conjunction after it is the dose of the thing listed before (the vasopressor), not of this
# drug; a verb ("given X and ceftriaxone") still governs the whole list.
_OTHERS_DOSE_NOUN = re.compile(
    r"\b(?:infusion|injection|inj|dose)s?\s*(?:,\s*)?(?:and|&|plus|with|\+)\s", re.I
)


def _others_doses_blanked(item: str, drug_at: int) -> str:
    """The item with the dose nouns of things listed before the drug blanked out."""
    head = _OTHERS_DOSE_NOUN.sub(lambda m: " " * len(m.group()), item[:drug_at])
    return head + item[drug_at:]


_ONGOING = re.compile(
    r"\b(since|for\s+(?:the\s+)?(?:past|last)?|currently|continue[sd]?|"
    r"ongoing|maintenance|daily|weekly|monthly)\b",
    re.I,
)
_LAB_LIKE = frozenset({"lab", "score"})
# How long after its date a short counted course may run: two rituximab doses 14 days apart
# written with the month only ("03/2025", read as the 15th) end by mid-April at the latest.
_SHORT_COURSE_DAYS = 31
_COURSE_FREQUENCY = re.compile(
    r"\b(?:q\s?\d+\s?(?:w|wk|wks|weeks?|d|days?|h|m|mo|months?)|every\s+\d*\s*(?:days?|weeks?|"
    r"months?)|monthly|weekly|fortnightly|daily|bd|bid|tds|tid|od|qd|twice|per\s+(?:day|week|"
    r"month))\b",
    re.I,
)
_ITEM_BREAK = re.compile(r"[;\n]|,\s+(?=[A-Za-z])")


_STOP_LEAD = re.compile(
    r"\b(stopped|discontinued|ceased|held|until|till|completed|withdrawn|"
    r"finished|off\s+since|tapered\s+off|d/c|"
    # "(last pulse 09/2025)", "last dose given 14/11/2025": the course's end
    r"(?:last|final)\s+(?:doses?|pulses?|infusions?|cycles?|bolus(?:es)?)"
    r"(?:\s+(?:given|administered|received))?)\b[\s:]*(?:on|in|at)?\s*$",
    re.I,
)
# "Belimumab weaned off over the summer, no infusion since July": nothing given since that
# date, so it is the last dose's (the course's end), not a start. Only before "since" (in
# the lead or held by the date mention): "no infusion in July" says the opposite.
_NO_DOSE_BEFORE_SINCE = re.compile(
    r"\bno\s+(?:further\s+|more\s+|new\s+)?(?:doses?|pulses?|infusions?|injections?|cycles?)"
    r"(?:\s+(?:given|administered|received))?\s*(?P<since>since\s*)?$",
    re.I,
)
_SINCE_WORD = re.compile(r"since\b", re.I)
# "last (6th) monthly Endoxan pulse ... given 14/11/2025", "the final dose of rituximab on
# 02/03/2026": the one date written is the course's last dose.
_LAST_DOSE_BEFORE = re.compile(
    # "final Euro-Lupus cyclophosphamide pulse": a hyphenated regimen name between
    r"\b(?:last|final)\s+(?:\(\s*\w+\s*\)\s+)?(?:[\w-]+\s+)?"
    r"(?:(?:doses?|pulses?|infusions?|cycles?|bolus(?:es)?)\s+of\s+(?:(?:IV|oral)\s+)?)?$",
    re.I,
)
# "Last rituximab 01-12-2025": "last" alone right before the drug, and a date right after it
# (a colon, "given" or "on" may stand between).
_LAST_LABEL = re.compile(r"(?:last|final)\s+", re.I)
_DATE_RIGHT_AFTER = re.compile(
    r"\s*(?:[:\-\u2013]\s*|(?:was\s+)?(?:given\s+)?(?:on\s+)?)"
    r"(?=\d{1,4}[/.\-]\d{1,2}|\d{1,2}\s+[A-Za-z]{3}|[A-Za-z]{3,9}\.?\s+\d)",
)
# "final Euro-Lupus cyclophosphamide pulse": the regimen's name, then the drug's, then the
# dose word (one word may stand between)
_DOSE_WORD_AFTER = re.compile(
    r"(?:\s+[\w-]+)?\s+(?:doses?|pulses?|infusions?|cycles?|bolus(?:es)?)\b", re.I
)
# "rituximab 200 mg single dose for desensitisation": one dose, whatever follows; "1 dose"
# too (so written, or "one dose" of a dictation read as a number: matcher.nlp.spoken).
_EXPLICIT_SINGLE_DOSE = re.compile(
    r"(?:\b(?:single|one|one-off|unique)|(?<![\w.,])1)[\s-]+"
    r"(?:dose|infusion|injection|pulse|shot)\b",
    re.I,
)
# "B cells depleted since the rituximab in January", "flare after the CYC pulse in May":
# the drug named as the point another state is counted from is a dose on that date, not a
# course running from it to the note ("since" after the drug, "MMF since 2024", is one).
_AS_AN_EVENT = re.compile(
    r"\b(?:since|after|following)\s+(?:the|her|his|their)\s+(?:(?:last|first|previous|"
    r"final|second)\s+)?(?:(?:IV|i\.v\.|intravenous)\s+)?$",
    re.I,
)
# "Stopped tacrolimus 2026-06-01": the verb before the drug makes its date a stop.
_STOP_BEFORE = re.compile(
    r"\b(stopped|discontinued|ceased|held|withdrew|withdrawn|"
    r"weaned\s+off|tapered\s+off|came\s+off|d/c)\s+(?:the\s+|her\s+|"
    r"his\s+)?$",
    re.I,
)
# "Antibiotics completed", "IV cefepime course finished", "meropenem has been completed":
# right after the drug, the course is over (its date, if any, is read as its end).
_COURSE_OVER_AFTER = re.compile(
    r"^\s*(?:(?:course|therapy|treatment)\s+)?"
    r"(?:(?:was|were|is|are|has\s+been|have\s+been)\s+)?(?:completed|finished)\b",
    re.I,
)
# "completed 6 doses of IV CTX in 2025", "finished a course of rituximab in March": the
# verb before the drug says its course is over; a single date then places the whole course.
# "completed 7 days of IV meropenem on 12/11", "finished a 5-day course of amoxicillin":
# the course's length may stand before the drug.
_COURSE_DONE_BEFORE = re.compile(
    r"\b(?:completed|finished)\s+(?:(?:a|the|her|his|all)\s+)?"
    r"(?:(?:\w+[\s-]?(?:days?|weeks?|wks?|months?)|\w+)\s+)?"
    r"(?:(?:doses?|pulses?|cycles?|infusions?|courses?|treatment|therapy)\s+(?:of|with)\s+"
    r"|of\s+)?"
    r"(?:(?:IV|i\.v\.|intravenous|oral|po)\s+)?$",
    re.I,
)
# "B cells recovering after rituximab (Nov 2025)", "relapse following IV CTX in 2024": a
# drug that is the event something came after was given at its one date, not since then.
_EVENT_OBJECT_BEFORE = re.compile(
    r"\b(?:after|following|post)\s+(?:(?:the|her|his|a|last|first|final)\s+)*"
    r"(?:(?:courses?|doses?|infusions?|pulses?|cycles?)\s+of\s+)?(?:(?:IV|intravenous)\s+)?$",
    re.I,
)
_SWITCH_FROM = re.compile(
    r"\b(switch(?:ed)?|chang(?:ed|e)|convert(?:ed)?|transition(?:ed)?|"
    r"mov(?:ed|e))\s+(?:\w+\s+)?from\s*$",
    re.I,
)


_COORDINATOR = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\+\s*|/\s*|plus\s+|or\s+)$", re.I)


def _coordinated(ctx: _Context, span: Span, lo: int, hi: int) -> set[int]:
    """Start offsets of the drugs listed together with this one, joined only by 'and',
    ',', '&', '+', '/', 'plus' or 'or': "prednisolone and mycophenolate since 02/2026"."""
    first = bisect.bisect_left(ctx.drug_starts, lo)
    drugs = ctx.drug_spans[first : bisect.bisect_left(ctx.drug_starts, hi)]
    # Found by bisection, not by a walk: a long medication list holds many drugs per line.
    position = bisect.bisect_left(ctx.drug_starts, span.start_char) - first
    if not 0 <= position < len(drugs) or drugs[position].start_char != span.start_char:
        return set()
    chain = {span.start_char}
    for step in (1, -1):
        i = position
        while 0 <= i + step < len(drugs):
            left, right = sorted((drugs[i], drugs[i + step]), key=lambda d: d.start_char)
            if not _COORDINATOR.match(ctx.text[left.end_char : right.start_char]):
                break
            i += step
            chain.add(drugs[i].start_char)
    return chain


_FOLLOWED_BY = re.compile(r"^\s*(?:x\s?\d+\s+|pulses?\s+)*followed\s+by\s+$", re.I)
_SHARED_START = re.compile(
    r"^\s*(?:was|were|has\s+been|have\s+been)\s+(?:started|commenced|initiated|begun|given)\b",
    re.I,
)


def _started_together(ctx: _Context, span: Span, lo: int, hi: int) -> set[int]:
    """A sequence that is the subject of one start: in "induction with IV MP pulses x3
    followed by MMF was started on 12/02/2026" the date is the regimen's, so the pulses
    (which open it) take it too. "Pulses, followed by MMF from 06/2025" stays two dates."""
    first = bisect.bisect_left(ctx.drug_starts, span.end_char)
    if first >= len(ctx.drug_spans) or ctx.drug_spans[first].start_char >= hi:
        return set()
    following = ctx.drug_spans[first]
    if not _FOLLOWED_BY.match(ctx.text[span.end_char : following.start_char]):
        return set()
    if not _SHARED_START.match(ctx.text[following.end_char : hi]):
        return set()
    return {following.start_char}


def _drug_dates(
    ctx: _Context, span: Span, lo: int, hi: int
) -> tuple[dt.date | None, dt.date | None]:
    """Start and stop of one drug from the dates of its own clause.

    The nearest date after the drug (else before it) belongs to it unless another
    drug stands between: in "IVCY Jan-Jun 2024, then MMF since July 2024" the range
    is cyclophosphamide's and July 2024 is MMF's. "Switched from tacrolimus to
    ciclosporin in May 2026" stops tacrolimus and starts ciclosporin then.
    """
    first = bisect.bisect_left(ctx.date_starts, lo)
    last = bisect.bisect_left(ctx.date_starts, hi)
    mentions = [
        d
        for d in ctx.dates[first:last]
        if d.end <= hi and d.date and not _closed_aside_before(ctx, d, span.start_char, lo)
    ]
    first = bisect.bisect_left(ctx.drug_starts, lo)
    last = bisect.bisect_left(ctx.drug_starts, hi)
    others = [s for s in ctx.drug_spans[first:last] if s.label_ != span.label_]

    chain = _coordinated(ctx, span, lo, hi) | _started_together(ctx, span, lo, hi)

    def blocked(a: int, b: int) -> bool:
        # A drug listed with this one ("prednisolone and MMF since 02/2026") shares its
        # date; any other drug between this one and a date owns that date instead.
        return any(a <= o.start_char < b for o in others if o.start_char not in chain)

    after = sorted((d for d in mentions if d.start >= span.end_char), key=lambda d: d.start)
    before = sorted((d for d in mentions if d.end <= span.start_char), key=lambda d: -d.end)
    if (
        _SWITCH_FROM.search(ctx.text[lo : span.start_char])
        and re.match(r"\s+to\b", ctx.text[span.end_char : hi])
        and after
    ):
        return None, after[0].date
    stopped = bool(_STOP_BEFORE.search(ctx.text[max(lo, span.start_char - 30) : span.start_char]))
    ordered = [d for d in after if not blocked(span.end_char, d.start)]
    # "...cyclophosphamide (last dose 20 Jan 2026); maintenance azathioprine since.": a bare
    # "since" points back to the last date written, whoever's it is.
    since_then = _BARE_SINCE.match(ctx.text, span.end_char, hi) is not None
    ordered += [
        d
        for d in before
        if not blocked(d.end, span.start_char)
        and (
            since_then
            or not _dates_earlier_drug(
                d, mentions, [o for o in others if o.start_char not in chain]
            )
        )
    ]
    start = stop = None
    for mention in ordered:
        if mention.end_date is not None:
            if start is None:
                return mention.date, mention.end_date
            continue
        lead = ctx.text[max(lo, mention.start - 24) : mention.start]
        no_dose = _NO_DOSE_BEFORE_SINCE.search(lead)
        if stopped or _STOP_LEAD.search(lead) or (no_dose is not None and (
                no_dose.group("since") or _SINCE_WORD.match(ctx.text, mention.start))):  # fmt: skip
            stop = stop or mention.date
        elif start is None:
            start = mention.date
    return start, stop


def _closed_aside_before(ctx: _Context, mention: DateMention, position: int, lo: int) -> bool:
    """Is the date inside a bracketed aside, about no drug, that closes before `position`?
    In "Lupus nephritis (biopsy 03/2026 - class IV+V), on MMF 1 g bd" the date is the
    biopsy's; the MMF after the bracket does not start then. An aside right after a drug
    ("cyclophosphamide (last dose 20 Jan 2026); azathioprine since") is that drug's, and
    whose its date is, is for the drug-history rules to say."""
    text = ctx.text
    opened = text.rfind("(", lo, mention.start)
    if opened == -1 or text.find(")", opened, mention.start) != -1:
        return False
    closed = text.find(")", mention.end, position)
    if closed == -1:
        return False
    if (not text[opened + 1 : mention.start].strip() and not text[mention.end : closed].strip()
            and _LABEL_AFTER.match(text, closed + 1)):  # fmt: skip
        # "Endocarditis (2022): IV vancomycin x 6 weeks": a date alone in brackets before a
        # colon labels what follows; the course is of that year.
        return False
    at = bisect.bisect_left(ctx.drug_starts, lo)
    return not any(
        lo <= drug.end_char <= opened and not text[drug.end_char : opened].strip()
        for drug in ctx.drug_spans[at : bisect.bisect_left(ctx.drug_starts, opened)]
    )


_LABEL_AFTER = re.compile(r"\s*(?::|[-–—]\s)")


# "8 months after rituximab", "3 months post-CYC", "a year after stopping MMF": an
# interval that ends in the sentence's own time and starts at a drug event.
_AFTER_EVENT = re.compile(r"[\s,]*(?:(?:after|following)\b|post\b[\s-]*)", re.I)
# Where the event clause ends: a pause, or the main clause's subject ("... after rituximab
# she remains well on azathioprine": azathioprine is now, not 8 months back).
_EVENT_CLAUSE_END = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:she|he|they|her|his|the\s+patient|pt|now|currently|"
    r"remains?|is|are|has|have|was|were)\b(?!\s+(?:switched|changed|converted|stopped|"
    r"discontinued|started|commenced|withdrawn|completed|given))",
    re.I,
)
# Between "after" and the first drug: a pause or another event means the interval is not
# the drug's ("3 months after diagnosis, MMF was started"; "after the biopsy she had MMF").
_EVENT_OTHER = re.compile(
    r"[,;:()\[\]]|\s[-–—]\s|\b(?:diagnos\w*|presentation|admission|discharge|onset|biops\w*|"
    r"surgery|transplant\w*|delivery|birth|relapse|flare)\b",
    re.I,
)
# Words between "after" and the drug that make the event its start: "after starting MMF".
_EVENT_START = re.compile(
    r"\b(?:start(?:ing|ed)?|initiat\w*|commenc\w*|introduc\w*|beginning|begun|adding|"
    r"addition\s+of|switch(?:ing|ed)?\s+to)\b",
    re.I,
)
_OWN_DURATION = re.compile(r"(?:for|over|during|x|×)\b", re.I)
# A drug named after another in the event clause that the event starts:
# "9 months after tacrolimus was switched to MMF".
_EVENT_STARTS_NEXT = re.compile(r"\b(?:to|started|starting|adding|added|then)\s+$", re.I)


# "a year after stopping tacrolimus": an article for "one", which find_durations leaves to
# prose ("a month" alone says nothing); before "after" it is the interval to a drug event.
_ARTICLE_INTERVAL = re.compile(
    r"\b(?:a|an)\s+(?P<unit>day|week|month|year)(?=\s+(?:after|following|post)\b)", re.I
)


def _article_intervals(sentence: str) -> list[DurationMention]:
    return [
        DurationMention(m.start(), m.end(), m.group(0), window_to_days(1, m["unit"]))
        for m in _ARTICLE_INTERVAL.finditer(sentence)
    ]


@dataclass(frozen=True)
class _AfterEvent:
    """A drug event dated by an interval counted back from its sentence's time."""

    point: dt.date
    starts: bool  # the event started the drug ("after starting MMF"); else it ended a course


def _after_event(
    ctx: _Context, span: Span, lo: int, hi: int, durations: list[DurationMention]
) -> tuple[_AfterEvent | None, set[int]]:
    """The event this drug is dated by, and the starts (in the sentence) of the intervals
    that date some drug's event, which no other drug may take as its own duration.

    "On 10 March 2026, two months after the last rituximab infusion, IgG was 4.1": the
    course ended about 10 January 2026, two months before the sentence's own date (its
    date outside the event clause, else the heading's or the note's). It is not rituximab
    taken from two months before the note up to it.
    """
    sentence = ctx.text[lo:hi]
    owned: set[int] = set()
    found: _AfterEvent | None = None
    for duration in durations:
        lead = _AFTER_EVENT.match(sentence, duration.end)
        if lead is None or _OWN_DURATION.match(duration.text):
            continue  # "MMF for 6 months after cyclophosphamide": MMF's own length
        clause_start = lo + lead.end()
        first = bisect.bisect_left(ctx.drug_starts, clause_start)
        if first >= len(ctx.drug_spans) or ctx.drug_spans[first].start_char >= hi:
            continue
        head = ctx.drug_spans[first]
        between = ctx.text[clause_start : head.start_char]
        if _EVENT_OTHER.search(between):
            continue  # "3 months after diagnosis, she started MMF": no drug event
        stop = _EVENT_CLAUSE_END.search(ctx.text, head.end_char, hi)
        clause_end = stop.start() if stop else hi
        if any(clause_start <= d.start < clause_end for d in ctx.dates if d.date):
            continue  # the drug's own date is written: it wins
        owned.add(duration.start)
        if not clause_start <= span.start_char < clause_end:
            continue
        starts = bool(_EVENT_START.search(between))
        if span.start_char != head.start_char:
            gap = ctx.text[head.end_char : span.start_char]
            if not _EVENT_STARTS_NEXT.search(gap):
                continue
            starts = True
        reference = _sentence_time(ctx, lo, hi, lo + duration.start, clause_end)
        found = _AfterEvent(reference - dt.timedelta(days=duration.days), starts)
    return found, owned


def _sentence_time(ctx: _Context, lo: int, hi: int, clause_start: int, clause_end: int) -> dt.date:
    """The time a sentence speaks of: a date written in it outside the given clause (the
    nearest), else the date governing it (heading or note)."""
    outside = [
        d
        for d in ctx.dates
        if lo <= d.start and d.end <= hi and d.date and not clause_start <= d.start < clause_end
    ]
    if outside:
        nearest = min(
            outside, key=lambda d: min(abs(d.end - clause_start), abs(d.start - clause_end))
        )
        return nearest.date
    return _context_date(ctx, clause_start)[0]


def _drug_item(ctx: _Context, span: Span, lo: int, hi: int) -> tuple[int, int]:
    """The part of a drug history that speaks of this drug (and the drugs listed with it):
    from the previous drug or clause break to the next drug. In "NIH cyclophosphamide x6
    (2023), rituximab x2 (Oct 2024), belimumab since 2025" each "xN" is its own drug's,
    and "since" makes belimumab ongoing without making rituximab so."""
    chain = _coordinated(ctx, span, lo, hi)
    # "final Euro-Lupus cyclophosphamide pulse": two names of one drug side by side are one
    # mention, so the item of either runs over both ("final" and "pulse" are its words)
    same = {d.start_char for d in _same_drug_beside(ctx, span)}
    first = bisect.bisect_left(ctx.drug_starts, lo)
    last = bisect.bisect_left(ctx.drug_starts, hi)
    drugs = [
        d
        for d in ctx.drug_spans[first:last]
        if d.start_char not in chain and d.start_char not in same
        and not (d.start_char < span.end_char and d.end_char > span.start_char)
    ]
    members = [d for d in ctx.drug_spans[first:last]
               if d.start_char in chain or d.start_char in same] or [span]
    head = min(d.start_char for d in members)
    tail = max(d.end_char for d in members)
    start = max([lo] + [d.end_char for d in drugs if d.end_char <= head])
    clause = _CLAUSE_BREAK_BEFORE.search(ctx.text, start, head)
    while clause is not None:
        start = clause.end()
        clause = _CLAUSE_BREAK_BEFORE.search(ctx.text, start, head)
    end = min([hi] + [d.start_char for d in drugs if d.start_char >= tail])
    return start, end


# A pause that ends one drug's part of a history: "... (2021); tacrolimus", ", then MMF".
_CLAUSE_BREAK_BEFORE = re.compile(r"[;:]|,\s*(?:then|and|followed\s+by)?|\bthen\b", re.I)


_SINCE_ONSET = re.compile(
    r"\ball\s+along\b|\bthroughout\b(?!\s+(?:the\s+)?(?:day|night|week|admission|stay))|"
    r"\bsince\s+(?:the\s+)?(?:onset|disease\s+onset|start|beginning)\b|"
    r"\bfrom\s+the\s+(?:start|beginning|onset)\b",
    re.I,
)
_BARE_SINCE = re.compile(r"\s*(?:ever\s+)?since(?:\s+then)?\s*(?:[.;,)]|$)", re.I)


def _dates_earlier_drug(
    mention: DateMention, mentions: list[DateMention], others: list[Span]
) -> bool:
    """Is a date written before this drug the first date after an earlier drug? Then it is
    that drug's: in "azathioprine (2019-2020) and tacrolimus for the past 5 months" the
    range is azathioprine's, and tacrolimus's start comes from its own duration."""
    earlier = [o for o in others if o.end_char <= mention.start]
    if not earlier:
        return False
    owner = max(earlier, key=lambda o: o.end_char)
    return not any(owner.end_char <= m.start and m.end <= mention.start for m in mentions)


# What may stand between a drug's name and a length written for it alone: "steroids >6
# mo", "prednisolone 2 years", "MMF ~8 months"; "for", "x" or "over" make it the list's.
_BARE_DURATION_GAP = re.compile(r"\s*(?:[<>≥≤~]=?|approx\.?|about|nearly|almost)?\s*", re.I)


_SHARED_DURATION_LEAD = re.compile(r"(?:for|over|x|since|during|in|throughout)\b", re.I)


def _own_duration(
    ctx: _Context, span: Span, item_lo: int, item_hi: int, lo: int, duration: DurationMention
) -> bool:
    """Is a length of treatment (found in the sentence starting at `lo`) this drug's? It
    must stand in the drug's own part of the history ("MMF 8 months, tacrolimus 3 months,
    now belimumab": neither is belimumab's), and not right after another name of its list
    ("CTX, MMF, steroids >6 mo": the steroids' only; "MMF and steroids for 6 months":
    both's)."""
    start = lo + duration.start
    if not item_lo <= start < item_hi:
        return False
    if _SHARED_DURATION_LEAD.match(duration.text):
        return True
    first = bisect.bisect_left(ctx.drug_starts, item_lo)
    before = [d for d in ctx.drug_spans[first:] if d.end_char <= start and d.start_char < start]
    if not before:
        return True
    owner = max(before, key=lambda d: d.end_char)
    if owner.start_char == span.start_char:
        return True
    return _BARE_DURATION_GAP.fullmatch(ctx.text, owner.end_char, start) is None


# A year written right after a drug's name, bare or in brackets, that ends the drug's part
# of the history: "CYC 2024.", "cyclophosphamide 2023, MMF since 2024", "cyclophosphamide
# (2024) then MMF". Not "MMF 2000 mg" (a unit follows) nor "from 2022" (a word between).
_YEAR_RIGHT_AFTER = re.compile(
    # "cyclophosphamide completed 2024", "IV CYC finished 2023": the course ended that year.
    r"\s{1,3}(?:(?:completed|finished|stopped|discontinued|ceased|ended)\s{1,3})?"
    r"(?:\(\s{0,2})?((?:19|20)[0-9]{2})(?:\s{0,2}\))?"
    r"(?=\s*(?:[,;.:+|]|\bthen\b|\band\b|\bfollowed\b|$)|\s+[-\u2013\u2014]\s)",
    re.I,
)
# Words of the drug's own part that say its course runs on from that year, or began then:
# "on CYC 2024", "started MMF (2025)", "MMF (2025) ongoing".
_RUNS_ON = re.compile(
    r"\b(?:since|from|on|started|starting|commenced|began|begun|initiated|continu\w*|"
    r"ongoing|current(?:ly)?|still|now|remains?|maintenance|maintained)\b",
    re.I,
)
# An anti-infective given to prevent an infection: "PJP prophylaxis", "prophylactic
# valaciclovir", "en prévention", "profilaxia".
_PROPHYLAXIS = re.compile(
    r"\b(?:prophyla\w*|profila\w*|pr[ée]vention|preventive|preventative|chemoprophyla\w*)",
    re.I,
)
# What ends the drug before this one's part of a list: its bracket, a comma, "and", "then".
_JOINT = re.compile(r"[,;)+]|\band\b|\bthen\b", re.I)
# How many years before the note a bare year may be: older "years" are doses ("MMF 2000").
_YEARS_BACK = 25


def _year_given(ctx: _Context, span: Span, item_lo: int, item_hi: int,
                start: dt.date | None, stop: dt.date | None) -> int | None:  # fmt: skip
    """The year a drug was given, where the only date written for it is a year right after
    its name and no word of its part says it ran on ("Prior CYC 2025", "cyclophosphamide
    (2024) then MMF (2025)"); None otherwise. A course dated only so was given some time
    that year: the evaluator places it on 1 July and leaves a window that the year reaches
    to a person."""
    if stop is not None or (start is not None and (start.month, start.day) != (7, 1)):
        return None
    # "Cyclophosphamide IV 2023 - completed": the route may stand between name and year.
    routed = route_word_after(ctx.text, span.end_char, item_hi)
    found = _YEAR_RIGHT_AFTER.match(ctx.text, routed or span.end_char, item_hi)
    if found is None:
        return None
    year = int(found[1])
    if not ctx.note_date.year - _YEARS_BACK <= year <= ctx.note_date.year:
        return None
    if start is not None and start.year != year:
        return None
    # Its own words only: in "prednisone (since 2024) and cyclophosphamide (2024)" the
    # "since" is prednisone's.
    at = bisect.bisect_left(ctx.drug_starts, span.start_char)
    own_lo = max([item_lo] + [d.end_char for d in ctx.drug_spans[:at]
                              if d.end_char <= span.start_char])
    for joint in _JOINT.finditer(ctx.text, own_lo, span.start_char):
        own_lo = joint.end()
    if _RUNS_ON.search(ctx.text, own_lo, span.start_char) or _RUNS_ON.search(
            ctx.text, found.end(), item_hi):  # fmt: skip
        return None
    return year


def _day_written(ctx: _Context, lo: int, hi: int, day: dt.date) -> bool:
    """A date of the item text[lo:hi] names `day` to the day, not only its month."""
    first = bisect.bisect_left(ctx.date_starts, lo)
    last = bisect.bisect_left(ctx.date_starts, hi)
    return any(m.date == day and m.precision == "day" for m in ctx.dates[first:last])


def _last_dose_named(ctx: _Context, span: Span, lead_lo: int, item_hi: int) -> bool:
    """Is this the course's last dose: "last (6th) monthly Endoxan pulse", "final dose of
    rituximab"? A dose word must name it, before the drug or right after it ("in the last
    month MMF was started" names no dose)."""
    lead = _LAST_DOSE_BEFORE.search(ctx.text, lead_lo, span.start_char)
    if lead is None:
        return False
    if re.search(r"\b(?:doses?|pulses?|infusions?|cycles?|bolus(?:es)?)\b", lead[0], re.I):
        return True
    if _LAST_LABEL.fullmatch(lead[0]) and _DATE_RIGHT_AFTER.match(ctx.text, span.end_char,
                                                                   item_hi):
        # "Last rituximab 01-12-2025", "last CYC: 03/2026": a history line's label, the
        # date its last dose (a running drug is "since", not "last").
        return True
    return _DOSE_WORD_AFTER.match(ctx.text, span.end_char, item_hi) is not None


# Words that say a course with a length is still running at the sentence's time: "on MMF
# since 2024 for the past 2 years", "currently on prednisolone x 6 months".
_COURSE_RUNNING = re.compile(
    r"\b(?:since|currently|current|ongoing|continu\w*|still|now|to\s+date|till\s+date|"
    r"so\s+far|past|last|previous|preceding|remains?)\b",
    re.I,
)
# A summary of treatment that did not work, before the drugs it lists: "despite CYC, MMF and
# steroids over >2 years", "refractory to MMF and tacrolimus for 3 years".
_DESPITE_BEFORE = re.compile(
    r"\b(?:despite|in\s+spite\s+of|refractory\s+to|resistant\s+to|unresponsive\s+to|"
    r"failed|failure\s+of)\b",
    re.I,
)


def _despite_summary(ctx: _Context, lo: int, span: Span) -> bool:
    """The drug is listed in a summary of treatment that failed, with no word of giving
    between ("despite CYC, MMF and steroids"; not "despite the rash, on MMF")."""
    cues = list(_DESPITE_BEFORE.finditer(ctx.text, lo, span.start_char))
    return bool(cues) and not _GIVEN_NOW.search(ctx.text, cues[-1].end(), span.start_char)


# Words that say a course was given and is over: "received IV ceftriaxone for 14 days",
# "treated with IV vancomycin for 3 weeks", "had a 10-day course of cefuroxime".
_FINISHED_COURSE = re.compile(
    r"\b(?:received|completed|finished|given|treated\s+with|took|had\s+(?:a|an|the)\s+"
    r"(?:\S+\s+)?course|course\s+of)\b",
    re.I,
)


# A chart named by its heading line: "INFUSION CHART — cyclophosphamide 500 mg IV",
# "MAR: rituximab", "Medication administration record - belimumab".
_CHART_HEADING = re.compile(
    r"\b(?:infusion|administration|medication|drug|dosing)\s+(?:chart|record|log)\b|"
    r"\bMAR\b",
    re.I,
)
# A chart cell that says the dose of its date was given: "12/01/2026 given", "given
# 17/03/2026", "03/02 administered".
_GIVEN_AFTER_DATE = re.compile(r"\s*[:-]?\s*(?:given|administered|infused|done)\b", re.I)
_GIVEN_BEFORE_DATE = re.compile(r"\b(?:given|administered|infused)\s*(?:on\s+)?$", re.I)


def _charted_doses(ctx: _Context, span: Span) -> tuple[dt.date, dt.date] | None:
    """(first, last) dose of a drug named in a chart's heading line, from the dated
    "given" cells of the lines under it (up to the first line without one). "INFUSION
    CHART — cyclophosphamide" over "01/12/2025 given | 15/12/2025 given | ..." documents
    the course from its first to its last given dose; read as a mention on the chart's
    date, the course seemed to run up to every later note."""
    line_start = ctx.text.rfind("\n", 0, span.start_char) + 1
    line_end = _line_end(ctx.text, span.end_char)
    # A heading names the chart ("INFUSION CHART - cyclophosphamide"), or is a line that
    # begins with the drug and has no date of its own, over rows that name no other drug
    # ("EURO-LUPUS IV CYCLOPHOSPHAMIDE 500 mg" over "Pulse 1  11/06/2026  given");
    # "Plan: rituximab 750 mg IV" is a plan's line, not a chart's heading.
    named = _CHART_HEADING.search(ctx.text, line_start, line_end) is not None
    if not named:
        first = min([span.start_char] + [o.start_char for o in _same_drug_beside(ctx, span)])
        if (_HEADING_LEAD.fullmatch(ctx.text, line_start, first) is None
                or ":" in ctx.text[first:line_end]
                or _dates_between(ctx, line_start, line_end)):  # fmt: skip
            return None
    given: list[dt.date] = []
    start = line_end + 1
    while start < len(ctx.text):
        end = _line_end(ctx.text, start)
        if not named and _drugs_between(ctx, start, end, span.label_):
            break
        first = bisect.bisect_left(ctx.date_starts, start)
        last = bisect.bisect_left(ctx.date_starts, end)
        cells = [m.date for m in ctx.dates[first:last]
                 if m.date is not None and m.end <= end
                 and (_GIVEN_AFTER_DATE.match(ctx.text, m.end, end)
                      or _GIVEN_BEFORE_DATE.search(ctx.text, max(start, m.start - 20),
                                                   m.start))]  # fmt: skip
        if not cells:
            break
        # "Pulse 6  20/08/2026  given  Y [ ] N [x]": the row's answer is no, its dose
        # was not given; the chart goes on under it
        if not _ticked_no(ctx.text[start:end]):
            given += cells
        start = end + 1
    return (min(given), max(given)) if given else None


# What may stand before the drug on a chart's heading line: a bullet, a route.
_HEADING_LEAD = re.compile(r"[\s\-–•*#]*(?:(?:IV|i\.v\.|intravenous|oral|PO|inj\.?)\s+)*", re.I)
# A chart row's ticked box: "given  Y [ ] N [x]", "Yes [] No [X]", "N (✓)".
_TICKED = re.compile(r"(?<![\w])(?P<answer>Y|Yes|N|No)\s*[\[(]\s*[xX✓✔]\s*[\])]")


def _ticked_no(text: str) -> bool:
    """Is the row's ticked answer no, and no yes ticked beside it?"""
    answers = {m.group("answer").lower()[0] for m in _TICKED.finditer(text)}
    return answers == {"n"}


def _dates_between(ctx: _Context, start: int, end: int) -> bool:
    first = bisect.bisect_left(ctx.date_starts, start)
    return any(m.end <= end and (m.date is not None or m.ambiguous)
               for m in ctx.dates[first:bisect.bisect_left(ctx.date_starts, end)])  # fmt: skip


def _drugs_between(ctx: _Context, start: int, end: int, concept_id: str) -> bool:
    """Does a drug other than `concept_id` stand between the offsets?"""
    first = bisect.bisect_left(ctx.drug_starts, start)
    last = bisect.bisect_left(ctx.drug_starts, end)
    return any(s.label_ != concept_id for s in ctx.drug_spans[first:last])


def _drug(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    sentence = ctx.text[lo:hi]
    rel_start, rel_end = span.start_char - lo, span.end_char - lo
    attrs: dict = {}
    before_text = sentence[:rel_start]
    after_text = sentence[rel_end:]
    start_date, stop_date = _drug_dates(ctx, span, lo, hi)
    if start_date is None and stop_date is None:
        # "Euro-Lupus cyclophosphamide ... since 2025": two names of one drug are one
        # mention, and the dates written for it are read from the name nearer to them
        for other in _same_drug_beside(ctx, span):
            start_date, stop_date = _drug_dates(ctx, other, lo, hi)
            if start_date is not None or stop_date is not None:
                break
    if stop_date is None:
        # the chart's first cell may have been read as the drug's own (start) date
        charted = _charted_doses(ctx, span)
        if charted is not None:
            start_date, stop_date = charted
    written = start_date is not None and stop_date is None  # one date written for it
    durations = find_durations(sentence)
    event, owned = _after_event(ctx, span, lo, hi, durations + _article_intervals(sentence))
    if event is not None:
        start_date = event.point
        stop_date = None if event.starts else event.point
        durations = []
    else:
        durations = [d for d in durations if d.start not in owned]
    item_lo, item_hi = _drug_item(ctx, span, lo, hi)
    durations = [d for d in durations if _own_duration(ctx, span, item_lo, item_hi, lo, d)]
    item = ctx.text[item_lo:item_hi]
    lead_lo = max(item_lo, span.start_char - 60)
    given_in = _year_given(ctx, span, item_lo, item_hi, start_date, stop_date)
    if given_in is not None:
        # "Pred since 2023, CYC 2023, MMF since 2024": the year is when cyclophosphamide
        # was given (1 July by the guideline), not the note's date; nothing says it ran on.
        attrs["given_in_year"] = given_in
        start_date = start_date or dt.date(given_in, 7, 1)
    # A course that is over, by one date: "completed 6 doses of IV CTX in 2025",
    # "completed 7 days of meropenem on 12/11": the date is its end (or when it ran).
    ended_on_date = bool(written and start_date and stop_date is None and (
        _COURSE_DONE_BEFORE.search(ctx.text, lead_lo, span.start_char)
        or _EVENT_OBJECT_BEFORE.search(ctx.text, lead_lo, span.start_char)
        or _last_dose_named(ctx, span, lead_lo, item_hi)
    ))  # fmt: skip
    if durations:
        duration = min(durations, key=lambda d: abs(d.start - rel_end))
        attrs["duration_days"] = duration.days
        length = dt.timedelta(days=duration.days)
        running = _COURSE_RUNNING.search(item) or _COURSE_RUNNING.search(duration.text)
        if start_date is None and stop_date is not None:
            start_date = stop_date - length  # "for 6 weeks, completed on 30/10"
        elif start_date is None and not running and _FINISHED_COURSE.search(item):
            # "received IV ceftriaxone for 14 days", no date: a length is not a date. The
            # course is over and when it ran is not written; counting it back from the
            # note would place a 2023 course in this month's window.
            attrs["start_unknown"] = True
        elif start_date is None and not running and _despite_summary(ctx, lo, span):
            # "nephrotic proteinuria despite CYC, MMF and steroids over >2 years": the
            # length is the treatment history's, not a course of each drug up to the note.
            attrs["start_unknown"] = True
        elif start_date is None:
            start_date = ctx.note_date - length  # "on MMF for the past 6 months"
        elif ended_on_date:
            start_date, stop_date = start_date - length, start_date
        elif stop_date is None and not running:
            # "IV ceftriaxone x14d (Mar 2023)": the date is the course's, the length ends it.
            stop_date = start_date + length
    elif ended_on_date:
        stop_date = start_date
    regimen = _REGIMEN.search(ctx.text, span.end_char, item_hi) or _REGIMEN.search(
        ctx.text, item_lo, span.start_char
    )
    if regimen:
        attrs["regimen"] = regimen.group(0)
        count = regimen["n"] or regimen["n2"]
        own = ctx.text[span.start_char : item_hi]  # "SLE since 2022 ... Rituximab": SLE's
        if (count and int(count) <= 4 and start_date and stop_date is None
                and not _ONGOING.search(own) and not _COURSE_FREQUENCY.search(own)
                and not _day_written(ctx, item_lo, item_hi, start_date)):
            # "Rituximab 03/2025 (2 doses)": a short counted course in its month, over within
            # the month after it; not a drug taken from then on. A longer count ("6 pulses")
            # or a frequency ("monthly x6") runs on and keeps no end; a course dated to the
            # day ("two doses given 20/08/2026") keeps the reading of that day.
            stop_date = start_date + dt.timedelta(days=_SHORT_COURSE_DAYS)
    if start_date is None and _SINCE_ONSET.search(item):
        attrs["since_onset"] = True  # dated by _date_from_onset once the note is read
    if re.search(
        r"\b(stopped|discontinued|ceased|withdrawn|held|off)\b",
        after_text[:40] + before_text[-30:],
        re.I,
    ):
        attrs["stopped"] = True
    if _COURSE_OVER_AFTER.match(after_text):
        attrs["stopped"] = True
    if start_date and stop_date is None and (
            _EXPLICIT_SINGLE_DOSE.search(item)
            or _AS_AN_EVENT.search(ctx.text, max(item_lo, span.start_char - 30), span.start_char)
            or _SINGLE_DOSE.search(_others_doses_blanked(item, span.start_char - item_lo))
            and not _ONGOING.search(item)):  # fmt: skip
        # "Rituximab given 20/08/2026": the exposure is that day, not every later note's.
        attrs["single_dose"] = True
    attrs["start_date"] = start_date
    attrs["stop_date"] = stop_date
    attrs["documented_by"] = ctx.note_date
    attrs.update(_dose(ctx, span, lo, hi))
    if concept.attrs.get("routes_unrecorded") and _prophylaxis(ctx, span, item_lo, item_hi, lo,
                                                               hi):
        # "co-trimoxazole 480 mg MWF (PJP prophylaxis)": given to prevent an infection, no
        # treatment of one (an infection exclusion defined by its treatment ignores it).
        attrs["prophylaxis"] = True
    if concept.attrs.get("routes_unrecorded"):
        # "Inj. ceftriaxone 75 mg/kg/day IV": an antibiotic's name does not say how it was
        # given; the route written beside it does.
        following = bisect.bisect_right(ctx.drug_starts, span.start_char)
        next_drug = ctx.drug_starts[following] if following < len(ctx.drug_starts) else None
        route = drug_route(ctx.text, span.start_char, span.end_char, item_hi, next_drug)
        if route is not None:
            attrs["route"] = route
    if _recap(ctx, span, attrs, item_lo, item_hi):
        attrs["recap"] = True
    date, source = (start_date, "text") if start_date else _context_date(ctx, span.start_char)
    # A class in a note ("anti-CD20 therapy", "immunosuppressants") stays a class:
    # expanding it would invent exposures to every member drug.
    finding = Finding(
        concept=concept.id,
        category="drug",
        note_id=ctx.note_id,
        start=span.start_char,
        end=span.end_char,
        text=span.text,
        assertion=Assertion(_charted_not_given(ctx, span) or _one_mention_assertion(ctx, span)),
        code=concept.code,
        date=date,
        date_source=source,
        attrs=attrs,
    )
    yield finding
    yield from _listed_doses(ctx, finding, hi)
    if concept.category == "drug_class" and _naive_by_negated_class(ctx, span, lo, hi):
        naive = ctx.vocabulary["status.treatment_naive"]
        yield _finding(
            ctx,
            naive,
            span.start_char,
            span.end_char,
            "affirmed",
            date=date,
            date_source=source,
            attrs={"from_negated_class": concept.id},
        )


# Words that say a drug is given or taken at the time of the sentence: "on", "restarted",
# "given", "continue", "today", a dose or a cycle.
_GIVEN_NOW = re.compile(
    r"\b(?:on|started|starting|restarted|re-started|commenced|resumed|given|giving|received|"
    r"receiving|administered|continue[sd]?|continuing|ongoing|current(?:ly)?|now|today|added|"
    r"adding|increased?|reduced?|switched|new|doses?|infusions?|cycles?|pulses?)\b",
    re.I,
)


def _recap(ctx: _Context, span: Span, attrs: dict, item_lo: int, item_hi: int) -> bool:
    """A drug named in a summary of past treatment, with no date, dose, regimen or word of
    giving of its own: "refractory despite steroids, CTX and MMF", "(Pred, CTX, RTX)". It
    says the drug was given some time up to the note, not on the note's date; the
    evaluator places it on a course of that drug documented with its end, if any."""
    if attrs.get("start_date") or attrs.get("stop_date") or attrs.get("since_onset"):
        return False
    if _PAST_COURSE_BEFORE.search(ctx.text, max(item_lo, span.start_char - 30), span.start_char):
        # "post Euro-Lupus, on MMF": the course is over, MMF is the one given. A regimen
        # named ("non-responder to Euro-Lupus induction") is still that past course.
        return True
    if attrs.get("regimen") or attrs.get("dose"):
        return False
    return not _GIVEN_NOW.search(ctx.text, item_lo, item_hi)


# A course named as over, right before the drug: "post Euro-Lupus", "s/p IV CYC",
# "status post rituximab", "after completing cyclophosphamide".
# A course named for how it answered is over too: "non-responder to Euro-Lupus", "failed
# MMF", "refractory to CYC", "inadequate response to rituximab".
_PAST_COURSE_BEFORE = re.compile(
    r"(?:\bpost|\bs/p|\bstatus\s+post|\bafter\s+(?:completing|completion\s+of)|"
    r"\bcompleted|\bnon-?\s?respon(?:der|se|ding)\s+to|\bno\s+response\s+to|"
    r"\b(?:inadequate|poor|partial|incomplete|suboptimal|insufficient)\s+response\s+to|"
    r"\bfailed|\bfailure\s+of|\brefractory\s+to|\bresistant\s+to|\bunresponsive\s+to)"
    r"\s+(?:(?:the|a|an|her|his)\s+)?(?:(?:IV|i\.v\.|intravenous|oral)\s+)?$",
    re.I,
)


# A medication chart's status cell: "| Lenograstim 263 mcg SC | held |".
_NOT_GIVEN_CELL = re.compile(
    r"\|\s*(?:held|omitted|not\s+given|not\s+administered|refused|declined|missed|"
    r"withheld|cancel+ed|skipped)\b",
    re.I,
)
# Dates listed one after another: "given on 12/6/26 and 13/6/26", "28/10, 29/10 and 30/10".
_DATE_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\+\s*)(?:on\s+)?$", re.I)


# Between two names of one drug written as one mention: "Endoxan Euro-Lupus", "MMF
# (CellCept)", "cyclophosphamide/Endoxan".
_SAME_DRUG_GAP = re.compile(r"\s{0,2}\)?\s{0,2}[(/]?\s{0,2}")


def _one_mention_assertion(ctx: _Context, span: Span) -> str:
    """The assertion of a drug's name, shared with another name of the same drug written
    right beside it as one mention: in "Endoxan Euro-Lupus discussed" the cue after the
    regimen reaches only "Euro-Lupus", yet the cyclophosphamide discussed is the Endoxan
    too. A cue on either name (planned, negated) is the mention's; an affirmed name takes
    its neighbour's."""
    own = str(span._.assertion)
    if own != "affirmed":
        return own
    for other in _same_drug_beside(ctx, span):
        if str(other._.assertion) != "affirmed":
            return str(other._.assertion)
    return own


def _same_drug_beside(ctx: _Context, span: Span) -> list[Span]:
    """Another name of the same drug written right before or after this one, as one
    mention ("Endoxan Euro-Lupus", "co-trimoxazole (Bactrim)")."""
    beside = []
    at = bisect.bisect_left(ctx.drug_starts, span.start_char)
    for index in (at - 1, at + 1):
        if not 0 <= index < len(ctx.drug_spans):
            continue
        other = ctx.drug_spans[index]
        if other.label_ != span.label_:
            continue
        left, right = (other, span) if other.start_char < span.start_char else (span, other)
        if left.end_char <= right.start_char and _SAME_DRUG_GAP.fullmatch(
                ctx.text, left.end_char, right.start_char):  # fmt: skip
            beside.append(other)
    return beside


def _prophylaxis(ctx: _Context, span: Span, item_lo: int, item_hi: int, lo: int,
                 hi: int) -> bool:  # fmt: skip
    """Is the drug named as prophylaxis in its part of the history, or in that of its
    other name beside it ("trimethoprim-sulfamethoxazole (Bactrim) ... (PJP prophylaxis)")?"""
    if _PROPHYLAXIS.search(ctx.text, item_lo, item_hi):
        return True
    for other in _same_drug_beside(ctx, span):
        other_lo, other_hi = _drug_item(ctx, other, lo, hi)
        if _PROPHYLAXIS.search(ctx.text, other_lo, other_hi):
            return True
    return False


# An administration record's status written after the drug on its line, alone after a
# dash or colon and closing its clause (or naming who): "IV methylprednisolone 500 mg, 08:00
# - REFUSED by the parents.",
# "Inj. ceftriaxone 1 g due 14:00: omitted (NPO)". A dose held is a dose not given; "MMF
# held since the infection" (no dash: a course paused) is not this form.
_NOT_GIVEN_STATUS = re.compile(
    r"(?:\s[-\u2013\u2014]|:)\s*(?:dose\s+)?(?:held|omitted|not\s+given|not\s+administered|"
    r"refused|declined|missed|withheld|skipped)\s*(?:[.;,(]|by\b|$)",
    re.I,
)
# An order is not a dose: "Rituximab 500 mg IV order received, verification pending",
# "cyclophosphamide order discontinued by the prescriber" (pharmacy and ward workflow). The
# mention is what was ordered, a plan, unless a dose given is written elsewhere.
_ORDER_ONLY = re.compile(
    r"[^.;\n]{0,40}?\border\s+(?:was\s+|is\s+|has\s+been\s+)?(?:received|placed|pending|"
    r"written|raised|sent|discontinued|cancel+ed|withdrawn|on\s+hold|held|not\s+dispensed|"
    r"awaiting|rejected|declined)\b",
    re.I,
)


def _charted_not_given(ctx: _Context, span: Span) -> str | None:
    """ "negated" for a dose a chart row marks as held, omitted or not given (a table's
    cell, or a status after a dash on the drug's line); "hypothetical" for a drug named
    only as an order ("order received", "order discontinued")."""
    line_end = _line_end(ctx.text, span.end_char)
    if _NOT_GIVEN_CELL.search(ctx.text, span.end_char, line_end):
        return "negated"
    following = bisect.bisect_right(ctx.drug_starts, span.start_char)
    if following < len(ctx.drug_starts):
        # Another drug on the line has its own status: "Pred 10 mg given; MMF - held".
        line_end = min(line_end, max(ctx.drug_starts[following], span.end_char))
    if _NOT_GIVEN_STATUS.search(ctx.text[span.end_char:line_end]):
        return "negated"
    if _ORDER_ONLY.match(ctx.text, span.end_char, line_end):
        return "hypothetical"
    return None


def _listed_doses(ctx: _Context, finding: Finding, hi: int) -> Iterable[Finding]:
    """A single dose given on several listed dates is one dose per date: "filgrastim 300
    mcg given on 12/6/26 and 13/6/26" is two doses, each with its own day."""
    if not finding.attrs.get("single_dose") or finding.date_source != "text":
        return
    first = bisect.bisect_left(ctx.date_starts, finding.end)
    last = bisect.bisect_left(ctx.date_starts, hi)
    mentions = [m for m in ctx.dates[first:last] if m.end <= hi]
    previous = next((m for m in mentions if m.date == finding.date), None)
    if previous is None:
        return
    for mention in mentions[mentions.index(previous) + 1 :]:
        if mention.date is None or not _DATE_LIST_GAP.match(
            ctx.text[previous.end : mention.start]
        ):
            return
        attrs = dict(finding.attrs, start_date=mention.date)
        yield dataclasses.replace(finding, date=mention.date, attrs=attrs)
        previous = mention


# "Not on any immunosuppressant" says nothing of the past unless the words reach back:
# "not on any immunosuppressants till date" is treatment-naive, "not on any now" is not.
# "not on", and "no immunosuppression at present": a state of now, not a history of never.
_CURRENT_ONLY = re.compile(
    r"\bnot\s+(?:currently\s+)?(?:on|taking|receiving)\b|"
    r"\b(?:at\s+present|presently|currently|at\s+the\s+moment|right\s+now)\b",
    re.I,
)
# "No other immunosuppressant given": the negation spares one already named. "Steroids or
# other immunosuppressants" (both negated) is no such exception.
_OTHER_BEFORE = re.compile(
    r"\b(?:no|nor|without|not\s+(?:\w+\s+)?any)\s+(?:other|further|additional|more)\s+$", re.I
)
_EVER = re.compile(
    r"\b(?:to|till|until)\s+date\b|\bso\s+far\b|\byet\b|\bever\b|\buntil\s+now\b|"
    r"\bprior\b|\bprevious(?:ly)?\b|\bbefore\b",
    re.I,
)
# "no immunosuppression other than prednisolone": the exception was taken.
_EXCEPTION = re.compile(
    r"\b(?:other\s+than|except(?:\s+for)?|apart\s+from|aside\s+from|besides|save\s+for|but)\b", re.I
)


def _naive_by_negated_class(ctx: _Context, span: Span, lo: int, hi: int) -> bool:
    """Treatment-naive stated as a negated class: "she has never been given an
    immunosuppressant", "no prior steroid or DMARD", "Immunosuppression: nil". The drugs
    and classes negated in the sentence must together cover every immunosuppressant (a
    negated sub-class, "no calcineurin inhibitor", is not naivety), and no exception may
    name one ("no immunosuppression other than oral prednisolone")."""
    if span._.assertion != "negated":
        return False
    if _OTHER_BEFORE.search(ctx.text, max(lo, span.start_char - 30), span.start_char):
        return False
    global_classes = [
        c
        for c in ctx.vocabulary.by_category("drug_class")
        if c.attrs.get("treatment_naive_when_negated")
    ]
    if not global_classes:
        return False
    first = bisect.bisect_left(ctx.drug_starts, lo)
    sentence_drugs = ctx.drug_spans[first : bisect.bisect_left(ctx.drug_starts, hi)]
    negated: set[str] = set()
    for drug in sentence_drugs:
        if drug._.assertion == "negated":
            negated |= set(ctx.vocabulary[drug.label_].members)
    if not any(set(c.members) <= negated for c in global_classes):
        return False
    sentence = ctx.text[lo:hi]
    if _CURRENT_ONLY.search(sentence) and not _EVER.search(sentence):
        return False
    exception = _EXCEPTION.search(ctx.text, span.end_char, hi)
    if exception is not None:
        members = set().union(*(c.members for c in global_classes))
        if any(d.start_char >= exception.end() and d.label_ in members for d in sentence_drugs):
            return False
    return True


_DOSE_LEAD = (
    r"^[\s:,(]*(?:(?:iv|po|oral|orally|intravenous|sc|tablets?|tabs?|at|dose(?:\s+of)?|"
    r"of|was|is|now|reduced\s+to|increased\s+to|tapered\s+to|weaned\s+to|on|pulses?(?:\s+of)?|"
    r"cumulative(?:\s+dose)?(?:\s+of)?)\s+)*"
)
_AMOUNT = (
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>mg|g|gm|grams?|mcg|µg|μg|ug)\b"
    r"(?:\s*/\s*(?P<basis>kg|m2|m²|m\^2|sqm)\b)?"
)
_DOSE_AFTER = re.compile(_DOSE_LEAD + _AMOUNT, re.I)
_DOSE_BEFORE = re.compile(_AMOUNT + r"\s*(?:of\s+)?$", re.I)
_FREQUENCY = re.compile(
    r"^\s*(?:(?:iv|po|orally|oral|sc)\s+)?(?:/\s*(?P<day>d|day|24\s*h)\b|(?P<word>"
    r"once\s+(?:daily|a\s+day)|a\s+day|per\s+day|daily|od|o\.d\.?|qd|mane|nocte|"
    r"twice\s+(?:daily|a\s+day)|bd|b\.d\.?|bid|"
    r"three\s+times\s+(?:daily|a\s+day)|tds|t\.d\.s\.?|tid|"
    r"four\s+times\s+(?:daily|a\s+day)|qds|qid|"
    r"every\s+other\s+day|alternate\s+days?|on\s+alternate\s+days|qod|eod|"
    r"weekly|once\s+weekly|q\s?w(?:k|eek)?|monthly|q\s?[2-4]\s?w(?:ks?|eeks?)?)\b)",
    re.I,
)
_PER_DAY = {
    "once daily": 1.0, "once a day": 1.0, "a day": 1.0, "per day": 1.0, "daily": 1.0,
    "od": 1.0, "o.d": 1.0, "o.d.": 1.0, "qd": 1.0, "mane": 1.0, "nocte": 1.0,
    "twice daily": 2.0, "twice a day": 2.0, "bd": 2.0, "b.d": 2.0, "b.d.": 2.0, "bid": 2.0,
    "three times daily": 3.0, "three times a day": 3.0, "tds": 3.0, "t.d.s": 3.0,
    "t.d.s.": 3.0, "tid": 3.0, "four times daily": 4.0, "four times a day": 4.0, "qds": 4.0,
    "qid": 4.0, "every other day": 0.5, "alternate day": 0.5, "alternate days": 0.5,
    "on alternate days": 0.5, "qod": 0.5, "eod": 0.5,
}  # fmt: skip
_COUNT = re.compile(
    r"(?:\bx|×|\*)\s?(?P<a>\d{1,2})\b|\b(?P<b>\d{1,2})\s*(?:doses|pulses|infusions|cycles)\b",
    re.I,
)
_CUMULATIVE = re.compile(r"\bcumulative\b|\btotal\s+dose\b", re.I)
_UNITS = {"gm": "g", "gram": "g", "grams": "g", "µg": "mcg", "μg": "mcg", "ug": "mcg"}


def _dose(ctx: _Context, span: Span, lo: int, hi: int) -> dict:
    """The dose written with a drug, in the drug's own clause (up to the next drug):
    "prednisolone 5 mg bd" → {"dose": {"amount": 5, "unit": "mg", "basis": None,
    "per_day": 10}}; "CYC 500 mg q2w x6" adds "dose_count": 6; "cumulative
    cyclophosphamide dose 7.5 g" gives "cumulative_dose". No number, no dose: a dose that
    cannot be read is left out, never guessed."""
    next_drug = bisect.bisect_right(ctx.drug_starts, span.start_char)
    stop = hi
    if next_drug < len(ctx.drug_starts):
        stop = min(stop, ctx.drug_starts[next_drug])
    clause_end = re.search(r"[;\n]", ctx.text[span.end_char : stop])
    if clause_end is not None:
        stop = span.end_char + clause_end.start()
    after = ctx.text[span.end_char : stop]
    found = _DOSE_AFTER.match(after)
    tail_start = found.end() if found else 0
    if found is None:
        previous = bisect.bisect_left(ctx.drug_starts, span.start_char) - 1
        start = lo
        if previous >= 0:
            start = max(start, ctx.drug_spans[previous].end_char)
        found = _DOSE_BEFORE.search(ctx.text[start : span.start_char])
    if found is None:
        return {}
    unit = found["unit"].lower()
    unit = _UNITS.get(unit, unit)
    amount = float(found["amount"])
    clause = ctx.text[max(lo, span.start_char - 30) : stop]
    if _CUMULATIVE.search(clause):
        return {"cumulative_dose": {"amount": amount, "unit": unit}}
    basis = {"m²": "m2", "m^2": "m2", "sqm": "m2"}.get(
        (found["basis"] or "").lower(), (found["basis"] or "").lower() or None
    )
    tail = after[tail_start:]
    frequency = _FREQUENCY.match(tail)
    per_day = None
    if frequency is not None:
        if frequency["day"]:
            per_day = amount
        else:
            times = _PER_DAY.get(" ".join(frequency["word"].lower().split()))
            per_day = amount * times if times is not None else None
    attrs: dict = {"dose": {"amount": amount, "unit": unit, "basis": basis, "per_day": per_day}}
    count = _COUNT.search(tail)
    if count is not None:
        attrs["dose_count"] = int(count["a"] or count["b"])
    return attrs


def _other_kidney_disease(vocabulary: Vocabulary, concept_id: str) -> bool:
    """A kidney disease other than lupus nephritis, named as the group or as one of its own
    concepts ("IgA nephropathy" implies the group): a biopsy showing it has no ISN/RPS class."""
    group = "dx.other_kidney_disease"
    return concept_id == group or (
        concept_id in vocabulary and group in vocabulary[concept_id].attrs.get("implies", ())
    )
