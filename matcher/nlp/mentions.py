"""What every extractor of a note shares: the mention's context, its sentence, its date and
copied blocks.
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
    Doc,
    Span,
)

from matcher.model import (
    PATIENT_ASSERTIONS,
    Assertion,
    Finding,
)
from matcher.nlp.components import (
    SECTIONS_KEY,
    Sentences,
)
from matcher.nlp.dates import (
    DateMention,
)
from matcher.nlp.value_grammar import (
    _NUMBER,
    _SERO_NEGATIVE,
    _SERO_POSITIVE,
    _VALUE_RE,
)
from matcher.nlp.vocab import (
    Concept,
    Vocabulary,
    in_context,
)


@dataclass
class _Context:
    doc: Doc
    text: str
    note_id: str
    note_date: dt.date
    dates: list[DateMention]
    date_starts: list[int]
    # (label-line intervals, heading-block intervals), each sorted and non-overlapping
    heading_dates: tuple[list[tuple[int, int, dt.date]], list[tuple[int, int, dt.date]]]
    vocabulary: Vocabulary
    lab_starts: list[int]
    drug_spans: list[Span]
    drug_starts: list[int]
    sentences: Sentences
    is_report: bool | None = None
    decimal_comma: bool = False  # the note prints decimals with a comma ("Hb 11,4 g/dL")
    # The note prints umol/L, mmol/L or mg/mmol; None until a unitless ratio asks
    # (matcher.nlp.values._prints_si_units): most notes have none, and the scan of the
    # whole note for it cost a fiftieth of the parse.
    si_units: bool | None = None
    # start offset → concept ids of the lab and score names starting there
    lab_names: dict[int, set[str]] = dataclasses.field(default_factory=dict)
    # Birth dates as written ("DOB 03/06/2007"): in `dates` they keep their place (no value
    # is read from their digits) but carry no date, so that they date nothing else.
    birth_dates: list[DateMention] = dataclasses.field(default_factory=list)


# The disease whose onset "all along" points to: lupus and its kidney involvement.
_ONSET_CONCEPTS = frozenset({"dx.sle", "dx.lupus_nephritis"})


def _date_from_onset(findings: list[Finding]) -> list[Finding]:
    """A drug given "all along" or "throughout" started when the disease began: the
    earliest dated diagnosis of lupus written in the note ("SLE diagnosed 04/2021 ...
    low-dose prednisolone all along" starts prednisolone in April 2021). With no such date
    the drug keeps its note's date."""
    onsets = [
        f.date
        for f in findings
        if f.concept in _ONSET_CONCEPTS
        and f.date_source == "text"
        and f.date is not None
        and f.assertion in PATIENT_ASSERTIONS
    ]
    if not onsets:
        return findings
    onset = min(onsets)
    result = []
    for finding in findings:
        attrs = finding.attrs
        if attrs.get("since_onset") and attrs.get("start_date") is None:
            attrs = {**attrs, "start_date": onset}
            finding = dataclasses.replace(finding, date=onset, date_source="text", attrs=attrs)
        result.append(finding)
    return result


def _in_context(text: str, span: Span, concept: Concept) -> bool:
    """Vocabulary context filters: "Cervical LN 1.5 cm" is a lymph node, "Dr Gilbert" a
    person, "MP joint" a knuckle, "lupus anticoagulant" a lab test, "muscle biopsy" not
    the kidney's (matcher.nlp.vocab.in_context, which the criteria reader applies too)."""
    return in_context(text, span.start_char, span.end_char, concept)


def _concept_record(concept: Concept) -> dict:
    record = {
        "id": concept.id,
        "category": concept.category,
        "label": concept.label,
        "code": concept.code,
        "terms": list(concept.terms),
        "abbreviations": list(concept.abbreviations),
        "key": concept.key,
    }
    if concept.attrs:
        record["attrs"] = concept.attrs
    return record


# ------------------------------------------------------------------------ helpers
def _heading_dates(
    doc: Doc, text: str, dates: list[DateMention]
) -> tuple[list[tuple[int, int, dt.date]], list[tuple[int, int, dt.date]]]:
    """Dates that govern other text, as (start, end, date) intervals, first match wins.

    A heading that is only a label and a date ("LAB RESULTS 24/10/2026", "Bloods
    24/10/2026:", "Collected: 15-Nov-2026") dates the lines below it, until the next
    such heading, a section heading or a blank line. A label that opens a line with
    content after it ("14.03.2026: creatinine 52", "Labs (copied forward from
    07/15/2026 visit): WBC 6.1 ...") dates the rest of that line only: "Renal biopsy
    (Feb 10, 2024): class IV" says nothing of the lines after it.
    """
    section_starts = {s.start_char for s in doc.spans.get(SECTIONS_KEY, [])}
    blocks: list[tuple[int, int, dt.date]] = []
    lines: list[tuple[int, int, dt.date]] = []
    open_date: tuple[int, dt.date] | None = None
    # An open copied block (a header with a copy cue) and its lines' indent or quote mark
    # ("> ", "    "), read from its first line: None until then, "" when they have none.
    copying = False
    prefix: str | None = None
    index = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        line_end = offset + len(line)
        body_start = offset + len(line) - len(line.lstrip())
        while index < len(dates) and dates[index].start < offset:
            index += 1
        first = dates[index] if index < len(dates) and dates[index].start < line_end else None
        # Copied text keeps its own headings ("Diagnosis:" in a pasted discharge summary):
        # they do not end the copied block, a blank line or its end marker does.
        heading = body_start in section_starts and not (open_date is not None and copying)
        closes = bool(not line.strip() or heading or _BLOCK_END.match(line))
        if open_date is not None and copying and not closes:
            closes = _leaves_copied_block(line, prefix)
        role = _date_role(text, body_start, line_end, first) if first and first.date else None
        if first is not None and first.date and _copy_header(text, first.end, line_end):
            role = "copied"
        if (closes or role in ("heading", "copied")) and open_date is not None:
            blocks.append((open_date[0], offset, open_date[1]))
            open_date = None
        if open_date is not None and copying and prefix is None:
            prefix = _LINE_PREFIX.match(line).group(0)
        if role in ("heading", "copied"):
            open_date = (first.start, first.date)
            copying, prefix = role == "copied", None
        elif role == "label":
            end = _continued_end(text, line_end)
            if not _SAMPLE_DATE_BEFORE.search(text, max(body_start, first.start - 30), first.start):
                end = min(end, _label_sentence_end(text, first.end))
            lines.append((first.start, end, first.date))
            if _COPY_CUE.search(text, body_start, first.start) and end <= line_end:
                # "Rappel du bilan du 09/08/2026 (nothing new since): CD19 7 %" and the
                # panel's rows under it: the label dates its own sentence, and the rows
                # below are the copied panel's, until a blank line or a line of now.
                open_date = (line_end, first.date)
                copying, prefix = True, None
        offset = line_end
    if open_date is not None:
        blocks.append((open_date[0], len(text), open_date[1]))
    # A line's own label is more specific than the block heading above it.
    return lines, blocks


# "=== Copied from clinic letter 19/05/2026 ===", "[Previous note 2026-02-03 -
# auto-populated]", "Results carried forward from 12 Aug 2026:", "I reproduce the results
# from her last admission (June 2026):": a header over text from an earlier date.
_COPY_CUE = re.compile(
    r"\b(?:cop(?:ied|y)(?:[-\s]forward(?:ed)?)?|carried\s+(?:forward|over)|carry[-\s]forward|"
    r"reproduc\w*|auto-?populated|pasted|appended|imported|pulled\s+(?:in|forward)|"
    r"for\s+reference|previous\s+(?:note|letter|discharge|summary|admission|results?|"
    r"opd|clinic|visit|labs?)|last\s+(?:admission|visit|clinic|letter)|"
    # A panel recalled from an earlier day: "Rappel du bilan du 09/08/2026", "recall of
    # the bloods of 9 Aug", "résultats recopiés du 09/08".
    r"rappel\s+(?:du|des|de\s+la)\s+(?:bilan|biologie|résultats?|NFS)|recopi\w*|"
    r"(?:recall|reminder)\s+of\s+the\s+(?:labs?|bloods?|results?|panel))\b|"
    # An email's quote header over the earlier message: "On 2026-08-31, Dr. Okafor wrote:",
    # "Am 12.10.2026 schrieb Dr. Weber:", "Le 12/10/2026, Dr Diallo a écrit :".
    r"\b(?:wrote|schrieb|a\s+écrit|escribió|escreveu)\b[^\n:]{0,40}:[ \t]*(?:\r?\n|$)",
    re.I,
)
# What may follow the header's date: words and decoration, no value ("=== ", ") appended
# ***", ") reproduced below:"); "copied labs 08/2026: Hb 98" is a label line instead.
# A clock time may stand in it: "On 12 Oct 2026, at 09:14, Dr Mehta wrote:".
_COPY_HEADER_TAIL = re.compile(r"(?:[^\d\n]|(?<!\d)\d{1,2}[:.]\d{2}(?!\d)){0,60}$")
# The end of a block: "=== End of copied text ===", "[/Previous note]", "---- end ----",
# "*** end of appended summary ***", or a bare rule ("----", "~~~~~~").
_BLOCK_END = re.compile(
    r"[ \t]*(?:[=\-*#<>\[\]_~ ]*(?:/|end\b)[^\n]{0,60}|[=\-*#_~]{3,}[ \t]*)\r?\n?$", re.I
)
_LINE_PREFIX = re.compile(r"[ \t]*(?:>[ \t]*)?")
# A line that speaks of now again: "Today: Hb 11.8", "Since discharge ...", "Current review".
_NOW_AGAIN = re.compile(
    r"[ \t]*(?:today|now|currently|current|this\s+(?:visit|review|admission|clinic)|"
    r"since|interval|at\s+this\s+visit)\b",
    re.I,
)


def _copy_header(text: str, date_end: int, line_end: int) -> bool:
    """A line that announces copied-forward text with its date and holds no value after
    that date ("Past results (copied 2026-01-05): UPCR 4.2" is a label line instead)."""
    line_start = text.rfind("\n", 0, date_end) + 1
    if _COPY_CUE.search(text, line_start, line_end) is None:
        return False
    return bool(_COPY_HEADER_TAIL.match(text[date_end:line_end]))


def _leaves_copied_block(line: str, prefix: str | None) -> bool:
    """A copied block ends where a line speaks of now again, or where its lines stop
    carrying the indent or quote mark its first line had."""
    if _NOW_AGAIN.match(line):
        return True
    return bool(prefix) and not line.startswith(prefix)


# A full stop that ends a sentence: ". " before a capital or a digit; not a decimal point
# ("Hb 9.8"), nor the last dot of a dotted abbreviation ("filgrastim s.c. Day 3").
_SENTENCE_STOP = re.compile(r"(?<![A-Za-z]\.[A-Za-z])[.!?]\s+(?=[A-Z0-9])")


def _label_sentence_end(text: str, position: int) -> int:
    """Where the sentence a label opens ends: "Renal biopsy 14/02/2026: class IV-G. Hb 98
    g/L." dates the biopsy only; Hb, the next sentence, is the note's own."""
    line_end = text.find("\n", position)
    line_end = len(text) if line_end == -1 else line_end
    stop = _SENTENCE_STOP.search(text, position, line_end)
    return stop.end() if stop else len(text)


def _last_char(text: str, end: int) -> str:
    """The last non-blank character before `end`, looking back a short way only."""
    position = end - 1
    while position >= 0 and text[position] in " \t\r\n" and end - position < 200:
        position -= 1
    return text[position] if position >= 0 else ""


def _continued_end(text: str, line_end: int) -> int:
    """A labelled list that wraps ("...Hgb 11.8, Plt 250,\nALT 19, AST 22") goes on while
    each line ends with a comma or semicolon."""
    end = line_end
    while end < len(text) and _last_char(text, end) in (",", ";"):
        following = text.find("\n", end)
        following = len(text) if following == -1 else following + 1
        if not text[end:following].strip():
            break
        end = following
    return end


_LABEL_BEFORE_DATE = re.compile(r"^[A-Za-z /&().,#:\-]{0,40}$")
# A report header that names the sample may run longer: "Lymphocyte subsets (flow
# cytometry, EDTA, collected 14/09/2026):". Its date is the sample's, so it dates every
# result on the line, not only the sentence the header opens.
_LONG_LABEL_BEFORE_DATE = re.compile(r"^[A-Za-z /&().,#:\-]{0,80}$")
_SAMPLE_DATE_BEFORE = re.compile(
    r"\b(?:collected|drawn|taken|sampled|collection\s+date|date\s+of\s+collection|"
    r"sample\s+date|specimen\s+date)\b[^\d\n]{0,6}$",
    re.I,
)
# "Lab Results (collected 07/30/2026 10:05)": a clock time may follow the date.
_NOTHING_AFTER = re.compile(
    r"^\s*(?:(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*h(?:rs)?)?)?"
    r"\s*\)?\s*[:\-–—]?\s*$",
    re.I,
)
_COLON_AFTER = re.compile(r"^[^\d:;.]{0,30}?\)?\s*:")


_QUOTE_MARKS = re.compile(r"^(?:[ \t]*>)+[ \t]*")


def _date_role(text: str, body_start: int, line_end: int, mention: DateMention) -> str | None:
    """'heading' when the line is only a label and this date, 'label' when the label and
    date end in a colon and content follows on the line, else None."""
    # "> Bloods 2026-06-10: WBC 5.4": a label inside an email's quoted message
    before = _QUOTE_MARKS.sub("", text[body_start : mention.start])
    if not _LABEL_BEFORE_DATE.match(before) and not (
        _LONG_LABEL_BEFORE_DATE.match(before) and _SAMPLE_DATE_BEFORE.search(before)
    ):
        return None
    after = text[mention.end : line_end]
    if _NOTHING_AFTER.match(after):
        return "heading"
    if _COLON_AFTER.match(after) or before.rstrip().endswith(":"):
        return "label"
    return None


def _sentence_bounds(ctx: _Context, span: Span) -> tuple[int, int]:
    """(start char, end char) of span.sent, from the doc's sentence table."""
    _start, _end, lo, hi = ctx.sentences.of(span.start)
    return lo, hi


def _finding(
    ctx: _Context, concept: Concept, start: int, end: int, assertion: str, **fields
) -> Finding:
    return Finding(
        concept=concept.id,
        category=concept.category,
        note_id=ctx.note_id,
        start=start,
        end=end,
        text=ctx.text[start:end],
        assertion=Assertion(assertion),
        code=concept.code,
        **fields,
    )


def _date_near(ctx: _Context, start: int, end: int, lo: int, hi: int) -> DateMention | None:
    """The date written with a mention: inside the same sentence, the closest one
    after it, else the closest before it ("Renal biopsy (Feb 10, 2024): class IV")."""
    i = bisect.bisect_left(ctx.date_starts, lo)
    candidates = []
    while i < len(ctx.dates) and ctx.dates[i].start < hi:
        mention = ctx.dates[i]
        if mention.end <= hi and (mention.date is not None or mention.ambiguous):
            candidates.append(mention)
        i += 1
    if not candidates:
        return None
    if len(candidates) > 1:
        # "collected 05/04/2026, reported 09/04/2026: CD19 12 %": the result is the
        # sample's; the dates of reporting, receipt or sign-out only date the paper.
        events = [m for m in candidates if not _reporting_step(ctx.text, m.start)]
        candidates = events or candidates
    after = [m for m in candidates if m.start >= end]
    before = [m for m in candidates if m.end <= start]
    if after:
        return min(after, key=lambda m: m.start - end)
    if before:
        return min(before, key=lambda m: start - m.end)
    return None


# What a lab or pathology service does after the sample is taken: a date these words
# label dates the paper, not the sample or the procedure.
_REPORT_STEP_BEFORE = re.compile(
    r"\b(?:reported|report\s+date|date\s+reported|received|receipt|signed(?:\s+out)?|"
    r"sign-?out|verified|authori[sz]ed|validated|printed|issued|typed|dictated|transcribed|"
    r"resulted|reviewed(?:\s+here)?|re-?reviewed|seen\s+here)\b[^\d\n]{0,12}$",
    re.I,
)
# Words that label the event itself: "Date of procedure:", "Collected:", "Date of biopsy".
_EVENT_DATE_BEFORE = re.compile(
    r"\b(?:date\s+of\s+(?:procedure|biopsy|collection|sampling|specimen|sample)|"
    r"(?:procedure|biopsy|collection|specimen|sample|sampling)\s+date|"
    r"(?:specimen\s+|sample\s+|date\s+)?(?:collected|obtained|taken|sampled)|"
    r"date\s+performed|performed|"
    # In a pathology report, a date right after the biopsy's own name is the procedure's:
    # "Renal biopsy (03/06/2026):", "Nierenbiopsie vom", "Nierbiopt d.d.", "Njurbiopsi
    # tagen"; and the local labels "entnommen am", "Entnahme", "afname", "tagen", "taget".
    r"\w*biops\w*|\w*biopt\w*|entnommen(?:\s+am)?|entnahme\w*|afname\w*|tagen|taget)"
    r"\b[^\d\n]{0,6}$",
    re.I,
)


def _reporting_step(text: str, position: int) -> bool:
    """Is the date at `position` labelled as a reporting step ("reported 09/04/2026")?"""
    return bool(_REPORT_STEP_BEFORE.search(text, max(0, position - 30), position))


def _report_event_date(ctx: _Context, position: int) -> dt.date | None:
    """The date a report's header gives the procedure or the sample ("Date of procedure:
    2026-04-02", "Collected: 03/09/2026"): the last one before `position` in the same
    block of lines (no blank line between), or None."""
    block_start = ctx.text.rfind("\n\n", 0, position)
    first = bisect.bisect_left(ctx.date_starts, max(block_start, 0))
    last = bisect.bisect_left(ctx.date_starts, position)
    for mention in reversed(ctx.dates[first:last]):
        if mention.date is not None and _EVENT_DATE_BEFORE.search(
            ctx.text, max(0, mention.start - 30), mention.start
        ):
            return mention.date
    return None


def _context_date(ctx: _Context, position: int) -> tuple[dt.date, str]:
    """The date governing a position: its line's label, else its heading block, else the
    note's own date."""
    governing = _governing_date(ctx, position)
    return (governing[0], "heading") if governing else (ctx.note_date, "note")


def _governing_date(ctx: _Context, position: int) -> tuple[dt.date, bool] | None:
    """(date, whether a line's label gives it) of the label or heading block over a
    position, None under neither. Intervals are sorted, so each lookup is a bisection."""
    for intervals in ctx.heading_dates:
        at = bisect.bisect_right(intervals, (position, float("inf"))) - 1
        if at >= 0 and intervals[at][0] <= position < intervals[at][1]:
            return intervals[at][2], intervals is ctx.heading_dates[0]
    return None


_VALUE_STOP = re.compile(r"[;\n]|\s\|\s{1,3}(?=[A-Za-z_]\w{0,40}\s?=)")
# A field separator of a key=value export ("sledai2k=12 | gc_start=2025-09-15 | ecog=1"):
# each field is an item of its own, and a date field dates only itself. A stray bar in an
# OCR'd table row ("Lymphocytes (abs) |  1.6") has no key after it and separates nothing.
_FIELD_SEPARATOR = re.compile(r"\s\|\s{1,3}(?=[A-Za-z_]\w{0,40}\s?=)")


def _item_end(ctx: _Context, span_end: int, sentence_end: int) -> int:
    """Where this mention's value can end: the next lab name, ';', or the line end.

    "PT 11.4 s (11-13.5); Hgb 11.7" — PT's value must not run into Hb's.
    """
    i = bisect.bisect_right(ctx.lab_starts, span_end)
    next_lab = ctx.lab_starts[i] if i < len(ctx.lab_starts) else len(ctx.text)
    match = _VALUE_STOP.search(ctx.text, span_end, sentence_end)
    stop = match.start() if match else sentence_end
    return min(next_lab, stop, sentence_end)


_SCREEN_AFTER = re.compile(r"\s*(?:screen(?:ing|ed)?|test(?:ing|ed|s)?|serology)\b", re.I)


def _untested_screen(ctx: _Context, span: Span) -> bool:
    """ "TB screening done", "cervical cancer screening up to date": a condition named for
    its screen is a fact only with the screen's result ("TB screen (IGRA) negative")."""
    screen = _SCREEN_AFTER.match(ctx.text, span.end_char)
    if screen is None:
        return False
    _lo, hi = _sentence_bounds(ctx, span)
    result = ctx.text[screen.end() : _item_end(ctx, screen.end(), hi)][:40]
    return not (_SERO_NEGATIVE.search(result) or _SERO_POSITIVE.search(result))


def _mention(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    lo, hi = _sentence_bounds(ctx, span)
    # A state of the disease after a drug's dated clause is now, as a lab value is: "MMF
    # since May 2025, still nephrotic".
    near_lo = _past_drug_dates(ctx, lo, span.start_char) if concept.category == "status" else lo
    mention = _date_near(ctx, span.start_char, span.end_char, near_lo, hi)
    if mention is not None and mention.date is not None:
        date, source = mention.date, "text"
    else:
        date, source = _context_date(ctx, span.start_char)
    attrs: dict = {}
    if concept.category == "diagnosis":
        attrs = _diagnosis_timing(ctx.text[lo:hi], source)
    assertion = span._.assertion
    if concept.category == "procedure" and source == "text" and date > ctx.note_date:
        # "Leukapheresis scheduled for 2026-12-01" in a note of 20 Nov: not done yet.
        assertion = "hypothetical" if assertion in ("affirmed", "historical") else assertion
    yield _finding(
        ctx,
        concept,
        span.start_char,
        span.end_char,
        assertion,
        date=date,
        date_source=source,
        attrs=attrs,
    )


def _read_value(ctx: _Context, span: Span) -> tuple[re.Match[str], int] | None:
    lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, span.end_char, hi)
    window = ctx.text[span.end_char : limit]
    match = _VALUE_RE.match(window)
    if match is None:
        return None
    return match, limit


def _in_its_block(ctx: _Context, position: int, mention: DateMention) -> dt.date:
    """A relative date ("today", "2 weeks ago") inside a dated block counts from the block's
    date, not the note's: in a forward of 2 November, "On 04/07/2026, Dr Eze wrote: > SLEDAI-2K
    14 today" is July's SLEDAI."""
    assert mention.date is not None
    if mention.kind != "relative":
        return mention.date
    governing = _governing_date(ctx, position)
    if governing is None:
        return mention.date
    block, by_label = governing
    if by_label or block in (ctx.note_date, mention.date):
        # "Yesterday: Hb 95 g/L": a line's label governs its line, and a relative date
        # that is the label's own is counted already
        return mention.date
    return mention.date + (block - ctx.note_date)


def _value_date(ctx: _Context, span: Span, value_end: int) -> tuple[dt.date, str]:
    """A lab value's date: a date in its own item ("Hb 98 on 12/03/2026"), else the
    block heading's date, else the note's date."""
    observed = _hl7_observation_date(ctx.text, span.start_char, ctx.note_date)
    if observed is not None:
        return observed, "text"
    lo, hi = _sentence_bounds(ctx, span)
    item_end = _item_end(ctx, span.end_char, hi)
    # The item runs from the previous ';' or line break: "2 weeks ago ALT was 60 U/L".
    breaks = [ctx.text.rfind(ch, lo, span.start_char) for ch in ";\n"]
    # (The look-ahead for the key reads past the name: the search ends beyond it.)
    fields = [m.end() for m in _FIELD_SEPARATOR.finditer(ctx.text, lo, span.end_char + 2)
              if m.end() <= span.start_char]  # fmt: skip
    item_start = _past_drug_dates(ctx, max([lo] + [b + 1 for b in breaks if b != -1] + fields),
                                  span.start_char)  # fmt: skip
    earlier = _EARLIER_CUE.search(ctx.text, value_end, item_end)
    if earlier is not None:
        # "UPCR 0.6 mg/mg, down from 2.1 in March": March dates the 2.1, not the 0.6.
        item_end = earlier.start()
    lead = [m for m in _dates_between(ctx, span.end_char, value_end) if m.end < value_end]
    if lead and _VALUE_AFTER_DATE.match(ctx.text, lead[-1].end, value_end):
        # "ANC today 2.4", "SLEDAI-2K on 4 March: 10": a date between the name and the
        # value is the value's own.
        return _in_its_block(ctx, span.start_char, lead[-1]), "text"
    mention = _date_near(ctx, span.start_char, value_end, item_start, item_end)
    if mention is not None and mention.date is not None:
        return _in_its_block(ctx, span.start_char, mention), "text"
    date, source = _context_date(ctx, span.start_char)
    if source == "note":
        # "COLLECTED: 03/11/2026 09:41" over a lab report's rows: the sample's date, not
        # the day the report was filed as a note.
        collected = _collection_date(ctx, span.start_char)
        if collected is not None:
            return collected, "heading"
    return date, source


# A line that a lab report's collection date opens: "COLLECTED: 03/11/2026 09:41",
# "Specimen collected 02/11/2026", "Date of collection: 2026-11-01".
_COLLECTION_LABEL = re.compile(
    r"[ \t]*(?:(?:specimen|sample)[ \t]+)?(?:collected|collection(?:[ \t]+date)?|"
    r"date[ \t]+(?:of[ \t]+)?collection|date[ \t]+collected|sampled|sample[ \t]+date|"
    r"specimen[ \t]+date|"
    # The same label in German, Dutch and Nordic reports: "Provtagning 2026-11-02",
    # "Prøvetaking 03.11.2026", "Blutentnahme vom 03.11.2026", "Afname 28-10-2026"
    r"provtag(?:ning|en)(?:sdatum)?|prøve(?:taking|tagning|tatt)(?:sdato)?|prøvedato|"
    r"blodprov(?:stagning|tagning)?|blodprøve(?:r|taking|tagning)?|"
    r"(?:blut|material)?entnahme(?:datum)?|abnahme(?:datum)?|(?:bloed|monster)?afname(?:datum)?)"
    r"(?:[ \t]+(?:vom|am|den|d\.|op|van))?[ \t]*[:=\-]?[ \t]*",
    re.I,
)


def _collection_date(ctx: _Context, position: int) -> dt.date | None:
    """The collection date a report's header line gives the rows under it, in the same
    block of lines (no blank line between). Only a line the label opens: "(collected
    10/30/2026)" after one result dates that result, not the lines after it."""
    block_start = max(ctx.text.rfind("\n\n", 0, position), 0)
    line_start = ctx.text.rfind("\n", 0, position) + 1
    first = bisect.bisect_left(ctx.date_starts, block_start)
    last = bisect.bisect_left(ctx.date_starts, line_start)
    for mention in reversed(ctx.dates[first:last]):
        head = ctx.text.rfind("\n", 0, mention.start) + 1
        if mention.date is not None and _COLLECTION_LABEL.fullmatch(ctx.text, head,
                                                                     mention.start):
            return mention.date
    return None


# A pause between two parts of a sentence: "tacrolimus added 06/2026 - UPCR 176".
_PAUSE = re.compile(r",|\s[-–—]\s")
# After a drug's date its closing bracket is a pause too: "mycophenolate (since 07/2025)
# with persistent proteinuria (UPCR 2.4)" - the UPCR is of the note's day, not July 2025.
_PAUSE_AFTER_DATE = re.compile(r",|\s[-–—]\s|\)")
_DRUG_TO_ITS_DATE = 40  # characters: "MMF 1 g bd since", "switched to MMF in"


def _past_drug_dates(ctx: _Context, item_start: int, position: int) -> int:
    """Where a lab value's own part of a sentence starts, past the drugs' dated clauses
    before it: in "Prednisolone since 03/2025, tacrolimus added 06/2026 - UPCR still 176
    mg/mmol" the dates are the drugs' (when each began), and the UPCR is of the note's
    day. A date is a drug's when a drug is named just before it in its clause and a pause
    stands between the date and the value."""
    start = item_start
    at = bisect.bisect_left(ctx.date_starts, item_start)
    while at < len(ctx.dates) and ctx.dates[at].end <= position:
        mention = ctx.dates[at]
        at += 1
        pause = _PAUSE_AFTER_DATE.search(ctx.text, mention.end, position)
        if mention.date is None or pause is None:
            continue
        first = bisect.bisect_left(ctx.drug_starts, start)
        last = bisect.bisect_left(ctx.drug_starts, mention.start)
        owners = [d for d in ctx.drug_spans[first:last] if d.end_char <= mention.start]
        if not owners:
            continue
        owner = max(owners, key=lambda d: d.end_char)
        gap = ctx.text[owner.end_char : mention.start]
        if len(gap) <= _DRUG_TO_ITS_DATE and _PAUSE.search(gap) is None and ";" not in gap:
            start = pause.end()
    return start


# An HL7 v2 timestamp: YYYYMMDD, then optionally the time and a zone ("202607300830+1000").
_HL7_TIMESTAMP = re.compile(
    r"\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\d{2,6})?(?:\.\d+)?(?:[+-]\d{4})?\s*"
)
_HL7_OBSERVED_FIELD = {"OBX": 14, "OBR": 7}  # OBX-14 / OBR-7: date/time of the observation


def _hl7_timestamp(field: str) -> dt.date | None:
    m = _HL7_TIMESTAMP.fullmatch(field)
    if m is None:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def _hl7_observation_date(text: str, position: int, note_date: dt.date) -> dt.date | None:
    """The date an HL7 v2 result was observed: its OBX segment's OBX-14, else OBR-7 of the
    order segment above it. An export printed in September of specimens collected in July
    ("OBX|4|NM|718-7^Hb^LN||118|g/L|...|F|||20260730") dates the values in July, not on the
    day the export was filed; a date after the note's is no observation date, so ignored."""
    lo = max(0, position - _HL7_REACH)
    starts = [m.start() for m in _SEGMENT_START.finditer(text, lo, position + 1)]
    if not starts or not text.startswith("OBX|", starts[-1]):
        return None
    line = _SEGMENT_END.search(text, position)
    ends = [*starts[1:], line.start() if line else len(text)]
    segments = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    observed = _observed(segments[-1], note_date)
    for segment in reversed(segments[:-1]):
        if observed is not None:
            break
        # Up the message to the order segment (OBR) this result belongs to.
        if segment.startswith("OBR|"):
            return _observed(segment, note_date)
        if not segment.startswith(("OBX|", "NTE|")):
            return None
    return observed


# Segments start a line, or follow a space where the carriage returns HL7 puts between
# them were read as spaces; the message is read back a few thousand characters at most.
_SEGMENT_START = re.compile(r"(?:^|(?<=\s))(?:MSH|PID|PV1|ORC|OBR|OBX|NTE|SPM)\|", re.M)
_SEGMENT_END = re.compile(r"\n|\s(?=(?:MSH|PID|PV1|ORC|OBR|OBX|NTE|SPM)\|)")
_HL7_REACH = 4000


def _observed(segment: str, note_date: dt.date) -> dt.date | None:
    fields = segment.split("|")
    index = _HL7_OBSERVED_FIELD.get(fields[0], len(fields))
    observed = _hl7_timestamp(fields[index]) if len(fields) > index else None
    return observed if observed is not None and observed <= note_date else None


# "UPC ratio (11/16) 2.9": a date's closing bracket before the value.
_VALUE_AFTER_DATE = re.compile(r"[\s:=\-–)\]]*(?:(?:is|was|of|at)\s+)?[<>≤≥]?=?\s*\d", re.I)


# An earlier value printed after the current one: "(previously 3.1 g/g in April)",
# "down from 2.1 in March", "vs 92 g/L in August".
_EARLIER_CUE = re.compile(
    r"\b(?:previously|previous|prior|earlier|down\s+from|up\s+from|fell\s+from|rose\s+from|"
    r"from|was|vs\.?|versus|compared\s+(?:to|with))\s*[:=]?\s*"
    rf"(?P<num>{_NUMBER})(?!\d|\.\d|,\d)",
    re.I,
)


# "WBC 25-30 /hpf": a count per microscope field is urine (or CSF) microscopy.
_PER_FIELD = re.compile(
    r"\s*(?:[-–]\s*\d+(?:\.\d+)?\s*)?(?:/|per\s+)\s*(?:hpf|lpf|high[-\s]power\s+field)",
    re.I,
)


def _part_of_a_count(ctx: _Context, span: Span, concept: Concept) -> bool:
    """ "ANC 2.7 K/uL (segs 2.1, bands 0.6)": a mention of the same analyte inside the
    parenthesis that follows its value is a part of that count, not the count."""
    open_at = ctx.text.rfind("(", max(0, span.start_char - 60), span.start_char)
    if open_at == -1 or ")" in ctx.text[open_at : span.start_char]:
        return False
    lead = ctx.text[max(0, open_at - 60) : open_at]
    names = [m for m in re.finditer(r"[^\W\d_][\w#]*", lead)]
    for name in reversed(names):
        position = max(0, open_at - 60) + name.start()
        if position in ctx.lab_names:
            return concept.id in ctx.lab_names[position] and bool(
                re.search(r"\d", ctx.text[position:open_at])
            )
    return False


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t,;:.":
        end -= 1
    return end


def _in_date(ctx: _Context, position: int) -> bool:
    i = bisect.bisect_right(ctx.date_starts, position) - 1
    return i >= 0 and ctx.dates[i].start <= position < ctx.dates[i].end


def _dates_between(ctx: _Context, start: int, end: int) -> list[DateMention]:
    i = bisect.bisect_left(ctx.date_starts, start)
    found = []
    while i < len(ctx.dates) and ctx.dates[i].start < end:
        if ctx.dates[i].end <= end and ctx.dates[i].date is not None:
            found.append(ctx.dates[i])
        i += 1
    return found


def _window_after(ctx: _Context, span: Span) -> str:
    """The text a result can be read from: up to the next lab name, ';' or line end."""
    _lo, hi = _sentence_bounds(ctx, span)
    return ctx.text[span.end_char : _item_end(ctx, span.end_char, hi)]


_DIAGNOSED = re.compile(r"\bdiagnos(?:ed|is)\b|\bdx(?:'?d)?\b", re.I)
_ONSET_AGE = re.compile(
    r"\b(?:diagnos\w*|onset|presented|dx'?d?)\b[^.;\n]{0,40}?\bat\s+(?:the\s+)?age\s+(?:of\s+)?"
    r"(?P<a>\d{1,2})\b|\b(?:onset|diagnosis)\s+(?:at\s+)?age\s+(?P<b>\d{1,2})\b|"
    r"\bage\s+at\s+(?:onset|diagnosis)\s*[:=]?\s*(?P<c>\d{1,2})\b",
    re.I,
)
# The age an event happened at, not the age now: "diagnosed at age 12", "onset age 9".
# "diagnosed at age 12", "onset age 9", "SLE (diagnosed age 14)": an event's age, not now.
_AT_AN_EVENT = re.compile(
    r"\b(?:at|since|from|by|before|after|onset|diagnosis|diagnosed|presented|presenting)\s+"
    r"(?:the\s+)?$", re.I
)


def _diagnosis_timing(sentence: str, date_source: str) -> dict:
    """ "Diagnosed with SLE in March 2021" dates the diagnosis itself; "SLE diagnosed at
    age 12" gives the onset age."""
    attrs: dict = {}
    if date_source == "text" and _DIAGNOSED.search(sentence):
        attrs["diagnosed"] = True
    onset = _ONSET_AGE.search(sentence)
    if onset is not None:
        attrs["onset_age"] = float(onset["a"] or onset["b"] or onset["c"])
    return attrs
