"""Lab values in notes: the value grammar, units, reference ranges, decimal commas, values
shared across a line or a table.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from collections.abc import (
    Iterable,
)

from spacy.tokens import (
    Span,
)

from matcher.model import (
    ULN_MULTIPLE_UNIT,
    Finding,
)
from matcher.nlp.dates import infer_day_first, recent_numeric_day
from matcher.nlp.delimited import field_unit
from matcher.nlp.mentions import (
    _EARLIER_CUE,
    _PER_FIELD,
    _Context,
    _context_date,
    _dates_between,
    _finding,
    _in_date,
    _item_end,
    _line_end,
    _part_of_a_count,
    _read_value,
    _sentence_bounds,
    _trim,
    _value_date,
)
from matcher.nlp.role_tables import row_cells, table_columns
from matcher.nlp.units import (
    canonical_unit,
    canonical_unit_in_family,
    convert_factor,
    fits_unit,
    guess_unit,
    parse_reference_range,
)
from matcher.nlp.value_grammar import (
    _BARE_RANGE,
    _FLAG_RE,
    _PAIR_VALUES,
    _REF_RE,
    _SHARED_UNIT_RE,
    _UNIT_CHUNK,
    _VALUE_RE,
)
from matcher.nlp.vocab import (
    Concept,
)


def _lab(ctx: _Context, span: Span, concept: Concept) -> Iterable[Finding]:
    table = _role_table_values(ctx, span, concept)
    if table is not None:
        # "ALT | U/L | 5-40 | cancelled | 26": a cumulative report's row, read by its
        # columns (its range cell is no value, its "cancelled" cell no result)
        yield from table
        return
    read = _read_value(ctx, span)
    base, name_unit = span.end_char, None
    if read is None:
        read, base, name_unit = _value_after_name_unit(ctx, span, concept)
    own_date = None
    if read is None:
        read, base, own_date = _value_after_own_date(ctx, span)
    if read is None:
        return
    match, limit = read
    if _bar_range_cell(ctx.text, base + match.start("num"), base + match.end("num")):
        # The result is the next cell: "| 0.9-1.2 | 1.90 H" reads 1.90.
        cell_end = _RANGE_CELL_REST.match(ctx.text, base + match.end("num")).end()
        result = _VALUE_RE.match(ctx.text[cell_end:limit]) if cell_end < limit else None
        if result is None or ctx.text[cell_end - 1] != "|":
            return
        match, base = result, cell_end
    per_field = _PER_FIELD.match(ctx.text, base + match.end(), limit)
    if per_field and concept.attrs.get("family") != "urine_cells":
        return  # a blood count's name on a urine microscopy line; urine RBC is its own

    if _part_of_a_count(ctx, span, concept):
        return
    number, value_end = match.group("num"), base + match.end()
    group = _SPACE_GROUP.match(ctx.text, value_end, limit)
    if group and number.isdigit() and len(number) <= 3:
        number = _space_grouped(concept, number, group[1], ctx.text[group.end() : limit])
        if number is None:
            return
        value_end = group.end()
    current = list(
        _lab_value(
            ctx,
            span,
            concept,
            number,
            match.group("cmp"),
            value_end,
            limit,
            span.start_char,
            fallback_unit=name_unit,
        )
    )
    column_date = own_date or _own_column_date(ctx, span, value_end - len(number), value_end)
    if column_date is not None:
        current = [dataclasses.replace(f, date=column_date, date_source="text") for f in current]
    yield from current
    if current:
        yield from _earlier_lab_value(ctx, span, concept, current[0], limit)
        yield from _next_sentence_value(ctx, span, concept, current[-1])
        yield from _dated_column_values(ctx, span, concept, current[-1])


# The rest of a table cell that holds a range: "0.9-1.2 |", "0.9 - 1.2" ending its line.
_RANGE_CELL_REST = re.compile(r"[ \t]*[-\u2013][ \t]*\d+(?:[.,]\d+)?[ \t]*(?:\||$)", re.M)


def _bar_range_cell(text: str, num_start: int, num_end: int) -> bool:
    """Is the number the low end of a bar-delimited cell that holds a range? In
    "INR  |        | 0.9-1.2 | 1.90 H" the blank units cell leaves the reference range
    as the first number after the name; read as the result, the INR was 0.9 (normal) where
    the row prints 1.90 (high). A range cell is never the row's result."""
    i = num_start - 1
    while i >= 0 and text[i] in " \t":  # no copy of the note before every value
        i -= 1
    return i >= 0 and text[i] == "|" and _RANGE_CELL_REST.match(text, num_end) is not None


# A cell of a cumulative report's dated column: a number, a comparator, a flag after it
# ("1.1 L", "226 HH", "<0.2", "5,0" with a decimal comma). Anything else ("cancelled",
# "pending", "haemolysed", "see comment", "----") is no result that day.
_TABLE_CELL = re.compile(
    r"(?P<cmp>[<>≤≥]=?)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+,\d{1,2}|\d+(?:\.\d+)?)"
    r"(?:\s*\(?(?P<flag>HH|LL|H|L|A|high|low|critical|\*{1,2})\)?)?",
    re.I,
)
# Columns a cumulative report's rows may hold besides the test's name and its dates
_LAB_TABLE_ROLES = frozenset({"name", "unit", "range", "flag", "date", ""})


def _role_table_values(ctx: _Context, span: Span, concept: Concept) -> list[Finding] | None:
    """The results of a cumulative report's row whose header names its columns ("Test |
    Units | Ref range | 04/11/2026 | 10/09/2026", either order of dates, bars or fixed
    width: matcher.nlp.role_tables): each number is of its column's date, in the row's
    unit, with the row's range (its upper bound the ULN). None when the row stands under
    no such header, so that the other readings apply; [] when it does but this name is
    not the row's test (the second name of "ALT (SGPT)", a name in another cell)."""
    found = table_columns(ctx.text, span.start_char, ctx.dates, ctx.date_starts)
    if found is None:
        return None
    columns, bars, _header_start = found
    if not any(c.role == "date" for c in columns) or any(
            c.role not in _LAB_TABLE_ROLES for c in columns):  # fmt: skip
        return None
    if any(c.role == "date" and c.date is None for c in columns):
        return []  # "04/05/2026" over a column in a note of no day-month convention
    if bars and "|" not in ctx.text[ctx.text.rfind("\n", 0, span.start_char) + 1 :
                                     _line_end(ctx.text, span.start_char)]:
        return None  # "Comment: ALT repeated on 05/11: 64 U/L" under the table: prose
    cells = row_cells(ctx.text, span.start_char, columns, bars)
    if cells is None:
        # a bar row with another number of cells: which cell is whose? A line that does
        # not fit fixed-width columns is prose under the table ("Hb 98 g/L, repeat
        # Friday"), read as prose.
        return [] if bars else None
    name = [(a, b) for column, a, b in cells if column.role == "name"]
    if len(name) != 1 or not name[0][0] <= span.start_char < name[0][1]:
        return []
    if any(name[0][0] <= start < span.start_char for start in ctx.lab_names):
        return []  # "ALT (SGPT)": the first name reads the row
    text = ctx.text
    unit = next((text[a:b] for c, a, b in cells if c.role == "unit" and b > a), None)
    in_name = _NAME_UNIT.match(text, span.end_char, name[0][1])
    if unit is None and in_name is not None:
        unit = in_name["u"]  # "Hb (g/dL) | 11.5-15.5 | 9.6 L": the unit in the name cell
    ranges = [text[a:b] for c, a, b in cells if c.role == "range" and b > a]
    bounds = _range_cell(ranges[0]) if len(ranges) == 1 else None
    out: list[Finding] = []
    for column, a, b in cells:
        if column.role != "date" or b <= a:
            continue
        cell = _TABLE_CELL.fullmatch(text, a, b)
        if cell is None:
            continue  # "cancelled", "haemolysed", "pending": no result that day
        for finding in _lab_value(ctx, span, concept, cell["num"], cell["cmp"], cell.end("num"),
                                  cell.end("num"), a, fallback_unit=unit):  # fmt: skip
            attrs = dict(finding.attrs)
            if cell["flag"] and cell["flag"][0] != "*":
                attrs["flag"] = cell["flag"].upper()[:1]
            low = high = None
            factor = _range_factor(concept, finding)
            if bounds is not None and factor is not None:
                low = None if bounds[0] is None else round(bounds[0] * factor, 6)
                high = None if bounds[1] is None else round(bounds[1] * factor, 6)
            out.append(dataclasses.replace(finding, date=column.date, date_source="text",
                                           ref_low=low, ref_high=high, attrs=attrs))
    return out


# A range cell holding one bound: "<20", ">90", "≤ 0.2"
_ONE_BOUND_CELL = re.compile(r"(?P<cmp>[<>≤≥])=?\s*(?P<num>\d+(?:\.\d+)?)")


def _range_cell(cell: str) -> tuple[float | None, float | None] | None:
    """The bounds a range column's cell prints: "4.0-11.0", "<20" (ULN 20), ">90"."""
    one = _ONE_BOUND_CELL.fullmatch(cell.strip())
    if one is not None:
        bound = float(one["num"])
        return (None, bound) if one["cmp"] in "<≤" else (bound, None)
    return parse_reference_range(cell)


def _range_factor(concept: Concept, finding: Finding) -> float | None:
    """The factor that took the value to its canonical unit, for its row's range."""
    if finding.raw_unit:
        unit = canonical_unit(finding.raw_unit)
        if unit is not None:
            factor = convert_factor(concept.attrs.get("family", ""), unit)
            if factor is not None:
                return factor
    try:
        raw = float(str(finding.raw_value).replace(",", "."))
    except ValueError:
        return None
    if not raw or not isinstance(finding.value, float | int):
        return None
    return float(finding.value) / raw


# A unit in brackets after the name, in a cumulative table's name cell: "WBC(/uL)",
# "Cre (mg/dL)", "U-P/C(g/gCr)".
_NAME_UNIT = re.compile(r"[ \t]?\((?P<u>[^()\s]{1,16})\)")


def _value_after_name_unit(
    ctx: _Context, span: Span, concept: Concept
) -> tuple[tuple[re.Match[str], int] | None, int, str | None]:
    """((value match, item limit), where the match starts, the unit) for a value after a
    name cell that carries the row's unit: "WBC(/uL)   4,770   5,010" reads 4,770 /uL.
    A bracket that is not a unit of the analyte's family ("Plt (mg/dL) 180") reads
    nothing: (None, 0, None)."""
    cell = _NAME_UNIT.match(ctx.text, span.end_char)
    if cell is None:
        return None, 0, None
    unit = canonical_unit(cell["u"])
    if unit is None or convert_factor(concept.attrs.get("family", ""), unit) is None:
        return None, 0, None
    _lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, cell.end(), hi)
    match = _VALUE_RE.match(ctx.text[cell.end() : limit])
    if match is None:
        return None, 0, None
    return (match, limit), cell.end(), cell["u"]


# A date of its own between a lab's name and its value: "UPC ratio (11/16) 2.9 mg/mg",
# "Hb [14/11/2026] 10.4 g/dL", "Hb on 14 Nov 2026: 10.4". The value is that day's.
_OWN_DATE_OPEN = re.compile(r"[ \t]*(?P<bracket>[(\[])?[ \t]*(?:(?<=[(\[ \t])on[ \t]+)?", re.I)
_OWN_DATE_CLOSE = re.compile(r"[ \t]*[)\]]")
# A day and month with no year in the bracket: "(11/16)", "(16/11)".
_YEARLESS_DAY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?=[ \t]*[)\]])")


def _value_after_own_date(
    ctx: _Context, span: Span
) -> tuple[tuple[re.Match[str], int] | None, int, dt.date | None]:
    """((value match, item limit), where the match starts, the value's date) for a value
    after a date that stands between the name and it, in brackets or after "on";
    (None, 0, None) otherwise. A yearless day is read in the note's own day order, as the
    latest such day on or before the note; one that stays ambiguous ("(04/05)" in a note
    with no day order) reads nothing."""
    nothing = None, 0, None
    opening = _OWN_DATE_OPEN.match(ctx.text, span.end_char)
    if opening is None or opening.end() == span.end_char:
        return nothing
    bracketed = opening["bracket"] is not None
    if not bracketed and not opening.group(0).strip().lower().startswith("on"):
        return nothing
    at = bisect.bisect_left(ctx.date_starts, opening.end())
    if at < len(ctx.dates) and ctx.dates[at].start == opening.end():
        mention = ctx.dates[at]
        if mention.date is None or mention.end_date is not None:
            return nothing
        date, end = mention.date, mention.end
    elif bracketed and (day := _YEARLESS_DAY.match(ctx.text, opening.end())) is not None:
        date = recent_numeric_day(int(day[1]), int(day[2]), ctx.note_date,
                                  infer_day_first(ctx.text, ctx.note_date))  # fmt: skip
        if date is None:
            return nothing
        end = day.end()
    else:
        return nothing
    if bracketed:
        close = _OWN_DATE_CLOSE.match(ctx.text, end)
        if close is None:
            return nothing
        end = close.end()
    _lo, hi = _sentence_bounds(ctx, span)
    limit = _item_end(ctx, end, hi)
    match = _VALUE_RE.match(ctx.text[end:limit]) if end < limit else None
    if match is None:
        return nothing
    return (match, limit), end, date


def _own_column_date(ctx: _Context, span: Span, value_start: int, value_end: int):
    """The date over the current value's own column in a cumulative table that dates every
    column ("項目  2026/05/20  2026/11/12" over "Cre(mg/dL)  0.70  0.62": 0.70 is of 20
    May, not the note's day); None when the value stands under no date of such a header."""
    row_start = ctx.text.rfind("\n", 0, span.start_char) + 1
    header = _column_header(ctx, row_start, None)
    at, to = value_start - row_start, value_end - row_start
    dates = [d for offset, end, d in header if at < end + 2 and offset - 2 < to]
    return dates[0] if len(dates) == 1 else None


# A group of three digits after a value, apart by one space (or a no-break or thin space):
# "Lymphozyten 1 300/µl", "Thrombozyten 238 000/µl" (thousands grouped with a space, as
# German, French and Nordic reports print them).
_SPACE_GROUP = re.compile(r"[ \u00a0\u202f](\d{3})(?!\d)(?![.,]\d)")


def _space_grouped(concept: Concept, head: str, group: str, rest: str) -> str | None:
    """The number "1 300" stands for, where its printed unit confirms the thousands
    grouping (1300 cells/µl is a count; "1" with the unit "300/µl" is nothing); None when
    the grouped number fits no unit, printed or alone ("Hb 12 130 g/L": two numbers
    or a typo, left out rather than read as 12)."""
    unit_text, _consumed = _lab_unit_after(concept, rest)
    grouped = head + group
    family = concept.attrs.get("family", "")
    if unit_text is None:
        # "Thrombozyten 238 000": the grouped number where only one unit fits it
        return grouped if guess_unit(family, float(grouped), concept.id) else None
    unit = canonical_unit(unit_text)
    if unit is None or convert_factor(family, unit) is None:
        return None
    return grouped if fits_unit(family, float(grouped), unit, concept.id) else None


# A cell of a cumulative report's earlier column: a number, or dashes for no result.
_COLUMN_CELL = re.compile(r"\S+")
# "5,200" (thousands grouped, a white count per uL) is read as the current value is: a
# grouping that fits no unit, or two readings that both fit, leave the cell out.
_COLUMN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
# What a cumulative row holds after the current result: cells apart by two spaces or more
_ONLY_CELLS = re.compile(r"(?:\s{2,}(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|-+|\*+))+\s*")
# How far up a cumulative report's column header may stand above a row (its rows and rules)
_HEADER_REACH = 40


def _dated_column_values(
    ctx: _Context, span: Span, concept: Concept, current: Finding
) -> Iterable[Finding]:
    """Earlier results in a cumulative report's dated columns, each with its column's
    date: under " TEST  RESULT FLAG UNITS  REF RANGE   13/10/2026   15/09/2026", the row
    " CREATININE   61   umol/L   35-70     63     66" holds 63 of 13 October and 66 of 15
    September. The header is the nearest line above, in the same block of lines (no blank
    line between), that holds whole-day dates right of the current value; a cell counts
    when it stands under a date's columns, in the current value's unit (the row prints
    one unit and one range, both the current result's)."""
    text = ctx.text
    row_start = text.rfind("\n", 0, span.start_char) + 1
    row_end = _line_end(text, span.end_char)
    if current.end >= row_end:
        return
    if not _ONLY_CELLS.fullmatch(text, current.end, row_end):
        return  # "Hb 98 g/L; Lymphocytes 2.2": the row goes on in prose, not in columns
    header = _column_header(ctx, row_start, current.end - row_start)
    if not header and current.date_source == "text":
        # every column dated, the current value's too ("2026/05/20  2026/11/12"): the
        # cells after it are matched to the dates over them
        header = _column_header(ctx, row_start, None)
    if not header:
        return
    for cell in _COLUMN_CELL.finditer(text, current.end, row_end):
        at, to = cell.start() - row_start, cell.end() - row_start
        dates = [d for offset, end, d in header if at < end + 2 and offset - 2 < to]
        number = _COLUMN_NUMBER.fullmatch(cell[0])
        if len(dates) != 1 or number is None:
            continue  # "----": no result that day; a cell under no date column is no result
        for finding in _lab_value(ctx, span, concept, cell[0], None, cell.end(), cell.end(),
                                  cell.start(), fallback_unit=current.raw_unit):  # fmt: skip
            yield dataclasses.replace(finding, date=dates[0], date_source="text",
                                      ref_low=current.ref_low, ref_high=current.ref_high)


def _column_header(ctx: _Context, row_start: int, value_column: int | None) -> list:
    """(start column, end column, date) of each date of the cumulative header above the
    row that starts at `row_start`; [] without one. With `value_column`, the header counts
    only when all its dates stand right of it (the current result before dated columns)."""
    text = ctx.text
    end = row_start - 1
    for _ in range(_HEADER_REACH):
        if end <= 0:
            return []
        start = text.rfind("\n", 0, end) + 1
        if not text[start:end].strip():
            return []  # a blank line ends the table
        i = bisect.bisect_left(ctx.date_starts, start)
        dates = []
        while i < len(ctx.dates) and ctx.dates[i].start < end:
            dates.append(ctx.dates[i])
            i += 1
        if dates:
            if any((value_column is not None and d.start - start <= value_column)
                   or d.date is None or d.precision != "day" for d in dates):  # fmt: skip
                return []
            if value_column is None and not _only_dates(text, dates, end):
                return []  # "LN IV (rebx 10/8/26)": a date in prose is no column header
            return [(d.start - start, d.end - start, d.date) for d in dates]
        end = start - 1
    return []


def _only_dates(text: str, dates: list, line_end: int) -> bool:
    """Does the line hold, from its first date on, two dates or more apart by column gaps
    and nothing else ("Item      2026/05/20   2026/11/12")?"""
    if len(dates) < 2:
        return False
    cursor = dates[0].start
    for mention in dates:
        if text[cursor : mention.start].strip() or (
            mention is not dates[0] and mention.start - cursor < 2
        ):
            return False
        cursor = mention.end
    return not text[cursor:line_end].strip()


# The time a sentence that continues a lab gives: "Today 79.", "Repeat this week: 1.2."
_NOW_WORD = re.compile(
    r"\b(?:today|now|currently|this\s+(?:week|morning|visit|admission)|latest|"
    r"repeat(?:ed)?|recheck(?:ed)?)\b",
    re.I,
)
# Words that make a bare number something other than a reading: "Target below 0.5",
# "not repeated", "if over 2", "due in 2".
_NOT_A_READING = re.compile(
    r"\b(?:no|not|never|target|goal|aim|below|above|under|over|less|more|than|if|should|"
    r"would|needs?|pending|awaited|planned|due|expected|until|within)\b|[<>≤≥]",
    re.I,
)
_READING_LEAD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|[\s,:=\-–—]+")
_READING_TAIL = re.compile(r"[\s.!,;)]*")


def _next_sentence_value(
    ctx: _Context, span: Span, concept: Concept, current: Finding
) -> Iterable[Finding]:
    """A value whose analyte the next sentence leaves out: "Creatinine 88 umol/L in June.
    Today 79." The next sentence, on the same line, names nothing, holds one number (a
    date apart) after at most six words, and gives a time of its own that is not the first
    value's; the one analyte of this sentence is then its analyte, read in its unit unless
    it prints one. "Today 3 weeks post-partum" and "Target below 0.5" are not readings."""
    _s, sent_end, lo, hi = ctx.sentences.of(span.start)
    if sent_end >= len(ctx.doc):
        return
    _ns, _ne, next_lo, next_hi = ctx.sentences.of(sent_end)
    line_end = _line_end(ctx.text, span.end_char)
    next_hi = min(next_hi, line_end)
    if next_lo >= next_hi or _NOT_A_READING.search(ctx.text, next_lo, next_hi):
        return
    for starts in (ctx.lab_starts, ctx.drug_starts):
        if bisect.bisect_left(starts, next_hi) != bisect.bisect_left(starts, next_lo):
            return  # the sentence names an analyte or a drug of its own
    if bisect.bisect_left(ctx.lab_starts, hi) - bisect.bisect_left(ctx.lab_starts, lo) != 1:
        return  # "Hb 92 and platelets 150 in June. Today 104": whose is 104?
    position, words = next_lo, 0
    dates: list = []
    while position < next_hi:
        i = bisect.bisect_right(ctx.date_starts, position) - 1
        if i >= 0 and ctx.dates[i].start <= position < ctx.dates[i].end:
            dates.append(ctx.dates[i])
            position = ctx.dates[i].end
            continue
        lead = _READING_LEAD.match(ctx.text, position, next_hi)
        if lead is None:
            break
        words += not lead.group(0)[0].isspace() and lead.group(0)[0] not in ",:=-–—"
        position = lead.end()
    number = _VALUE_NUMBER.match(ctx.text, position, next_hi)
    if number is None or words > 6 or len(dates) > 1:
        return
    unit_text, consumed = _lab_unit_after(concept, ctx.text[number.end() : next_hi])
    tail = _READING_TAIL.match(ctx.text, number.end() + consumed, next_hi)
    if tail is None or tail.end() != next_hi:
        return  # more after the value: "Today 3 weeks post-partum"
    if dates and dates[0].date is not None:
        date, source = dates[0].date, "text"
    elif not dates and _NOW_WORD.search(ctx.text, next_lo, number.start()):
        date, source = _context_date(ctx, next_lo)
    else:
        return
    if date == current.date or date > ctx.note_date:
        return
    for finding in _lab_value(ctx, span, concept, number.group(0), None, number.end(),
                              number.end() + consumed, next_lo,
                              fallback_unit=current.raw_unit):  # fmt: skip
        yield dataclasses.replace(finding, date=date, date_source=source)


_VALUE_NUMBER = re.compile(r"\d+(?:\.\d+)?(?![\d/])")


def _earlier_lab_value(
    ctx: _Context, span: Span, concept: Concept, current: Finding, limit: int
) -> Iterable[Finding]:
    """The earlier value beside the current one, in the current one's unit unless it
    prints its own, and only with a date of its own after it: an undated "down from 2.6"
    says nothing usable of when."""
    cue = _EARLIER_CUE.search(ctx.text, current.end, limit)
    if cue is None or _in_date(ctx, cue.start("num")):
        return  # "ALT 40 U/L, prior 3 days ago": the 3 is part of a date
    _lo, hi = _sentence_bounds(ctx, span)
    own_end = max(limit, min(hi, _line_end(ctx.text, cue.end())))
    if not _dates_between(ctx, cue.end(), own_end):
        return
    yield from _lab_value(
        ctx,
        span,
        concept,
        cue.group("num"),
        None,
        cue.end(),
        own_end,
        span.start_char,
        fallback_unit=current.raw_unit,
    )


_DIPSTICK_GRADE = re.compile(r"\+(?![\d(])")


def _lab_value(
    ctx: _Context,
    span: Span,
    concept: Concept,
    raw_number: str,
    comparator: str | None,
    cursor: int,
    limit: int,
    start: int,
    fallback_unit: str | None = None,
) -> Iterable[Finding]:
    """Read [flag] [unit] [flag] [reference range] after a value, normalise, emit.

    Covers inline ("ALT 85 U/L (7-40)"), flagged ("Hb 98 L"), and fixed-width
    printouts ("HGB   98   L   g/L   115-155") alike.
    """
    value_end = cursor
    if _DIPSTICK_GRADE.match(ctx.text, cursor, limit):
        # "Urinalysis: protein 2+, glucose 1+": a dipstick grade, no concentration (read as
        # 1 mmol/L, a urine glucose of 1+ would be a blood hypoglycaemia).
        return
    multiple = _ULN_MULTIPLE.match(ctx.text, cursor, limit)
    if multiple is not None:
        yield from _uln_multiple_value(ctx, span, concept, raw_number, comparator, multiple, start)
        return
    flags: list[str] = []
    flag = _FLAG_RE.match(ctx.text[cursor:limit])
    unit_text, consumed = _lab_unit_after(concept, ctx.text[cursor:limit])
    if unit_text is None:
        unit_text, consumed = _daily_amount_unit(ctx, concept, span, cursor, limit)
    if unit_text is None and _PER_DAY_UNIT.match(ctx.text, cursor, limit):
        return  # "creatinine 6.2 mmol/24 h": a urine excretion, not the serum level
    if unit_text is None and _unreadable_hl7_unit(ctx.text, cursor):
        # "OBX|12|NM|2890-2^UPCR^LN||150|mg/??|": the unit field holds a unit that
        # cannot be read. Guessed from the magnitude (mg/mmol in an SI note), 150 became
        # 1.33 g/g where mg/g gives 0.15: left out, as GUIDELINE asks, never guessed.
        return
    if unit_text is None and _GARBLED_UNIT.match(ctx.text, cursor, limit):
        # "Protein/Kreatinin-Quotient 96 ▯▯/▯▯▯" (a fax, a lost code page): a unit was
        # printed and cannot be read. Guessed from the magnitude, 96 could be mg/mmol or
        # mg/g: left out, never guessed.
        return
    if unit_text is None and _UNREADABLE_MULTIPLIER.match(ctx.text, cursor, limit):
        # "Plt 23.1 x10/uL" (the exponent lost on a fax), "Lym 12.4 %/uL": a count unit was
        # printed and cannot be read. Guessed from the magnitude, 23.1 would be x10^9/L
        # where the lab may have meant x10^4/uL (231 x10^9/L): left out, never guessed.
        return
    if unit_text is None and flag:
        # The flag stands between value and unit in printouts: "98  L  g/L".
        flags.append(flag.group("flag") or "*")
        cursor += flag.end()
        unit_text, consumed = _lab_unit_after(concept, ctx.text[cursor:limit])
    cursor += consumed
    flag = _FLAG_RE.match(ctx.text[cursor:limit])
    if flag:
        flags.append(flag.group("flag") or "*")
        cursor += flag.end()
    ref_low = ref_high = None
    ref_text: str | None = None
    # In a bar-delimited row (an HL7 OBX segment: value|unit|range|flag) the range is
    # the next field: "...|10.9|g/dL|11.5-15.5|L", one bound alone included ("|<21|").
    bar = _FIELD_BAR.match(ctx.text, cursor, limit)
    ref_at = bar.end() if bar else cursor
    comma = ctx.decimal_comma or bool(_DECIMAL_COMMA.match(raw_number))
    rest = ctx.text[ref_at:limit]
    if comma:
        # "12,4  s  10,5-13,5", "0,41  mg/dl  <1,20": the range in the value's convention
        # (the same length, so positions hold)
        rest = _comma_to_point(rest)
    ref = (
        _REF_RE.match(rest)
        or _BARE_RANGE.match(rest)
        or (bar and _BOUND_CELL.match(rest))
        or (unit_text is not None and _COLUMN_BOUND.match(rest))
    )
    if ref:
        groups = ref.groupdict()
        if "cmp" in groups:
            bound = float(ref.group("num"))
            parsed = (None, bound) if ref.group("cmp") in "<≤" else (bound, None)
        elif "lo" in groups:
            parsed = (float(ref.group("lo")), float(ref.group("hi")))
        else:
            parsed = parse_reference_range(
                _comma_to_point(ref.group(0)) if comma else ref.group(0)
            )
        if parsed:
            ref_low, ref_high = parsed
            ref_text = ref.group(0)
            cursor = ref_at + ref.end()
    if unit_text is None:
        column = _unit_column(concept, ctx.text[cursor:limit], ref_high is not None)
        if column is not None:
            unit_text, consumed, bound = column
            cursor += consumed
            if bound is not None:
                ref_low, ref_high = bound
    if unit_text is None:
        # "lab_anc=4.6" under "# data dictionary (units): lab_anc 10^9/L": printed too
        unit_text = field_unit(ctx.text, span.start_char)
    printed_unit = unit_text is not None
    if not printed_unit and span.text in concept.attrs.get("abbreviations_needing_unit", ()):
        # "TP 12,9 s" is the prothrombin time of a Spanish or Portuguese lab, but a bare
        # "TP 7.2" may be total protein: such an abbreviation counts only with its unit.
        return
    if unit_text is None:
        unit_text = _shared_unit(ctx, span) or fallback_unit
    readings = _comma_readings(raw_number, printed_unit, ctx.decimal_comma)
    readings += _dot_thousands_reading(raw_number, printed_unit)
    placed = [
        read
        for number in readings
        if (
            read := _place_value(
                ctx, concept, number, unit_text, len(readings) > 1, _uk_ratio_name(span)
            )
        )
    ]
    if not placed:
        return
    if any(abs(p[2] - placed[0][2]) > 0.01 * max(abs(placed[0][2]), 1e-9) for p in placed):
        # "ALT 1,200 U/L": 1.2 or 1200, both plausible and not the same value: left out.
        return
    concept, value, normalised, factor = placed[0]
    if ref_text is not None and "." in raw_number and value == float(raw_number.replace(".", "")):
        # "1.900 /mm3 (1.500 - 8.000)": the range is grouped as the value is.
        ref_low, ref_high = _dot_thousands_range(ref_text)
    if ref_low is not None:
        ref_low = round(ref_low * factor, 6)
    if ref_high is not None:
        ref_high = round(ref_high * factor, 6)
    date, source = _value_date(ctx, span, cursor)
    end = _trim(ctx.text, start, max(cursor, value_end))
    attrs: dict = {}
    if comparator:
        attrs["comparator"] = comparator
    if flags and flags[0] != "*":
        attrs["flag"] = flags[0].upper()[:1]
    yield _finding(
        ctx,
        concept,
        start,
        end,
        span._.assertion,
        value=normalised,
        unit=concept.canonical_unit,
        raw_value=raw_number,
        raw_unit=unit_text,
        ref_low=ref_low,
        ref_high=ref_high,
        date=date,
        date_source=source,
        attrs=attrs,
    )


# A value written as a multiple of the upper limit of normal: "ALAT 2 x N", "ASAT 3,5 × N",
# "ALT 1.5 x ULN", "TGP 2 vezes o normal", "bilirubine 1,2 fois la normale", "ALT 3xLSN".
_ULN_MULTIPLE = re.compile(
    r"[ \t]*(?:[x×*][ \t]*(?:N|LSN|ULN|LNS|LSR|VN|LSVN|VRS|normale?|la\s+normale|"
    r"o\s+normal|the\s+normal|upper\s+limit(?:\s+of\s+normal)?)(?![\w/])"
    r"|(?:fois|times|vezes|veces|volte)[ \t]+(?:la\s+|o\s+|the\s+|el\s+|il\s+)?"
    r"(?:N|LSN|ULN|LNS|VN|normale?|normal|upper\s+limit(?:\s+of\s+normal)?)(?![\w/]))",
    re.IGNORECASE,
)


def _uln_multiple_value(
    ctx: _Context,
    span: Span,
    concept: Concept,
    raw_number: str,
    comparator: str | None,
    multiple: re.Match[str],
    start: int,
) -> Iterable[Finding]:
    """ "ALAT 0,6 x N": 0.6 times the laboratory's upper limit of normal, which the note
    does not print. Kept in multiples (unit "x ULN", the range's upper bound 1), so that a
    "≤ 2.5 × ULN" criterion compares multiple with multiple; an absolute limit ("ALT < 100
    U/L") cannot be judged from it (matcher.judge.eval_labs says unknown). Only for an
    analyte the vocabulary gives a ULN: "créatinine 1,5 x N" stays unread, never 1.5 µmol/L
    in a Schwartz eGFR."""
    if concept.attrs.get("default_uln") is None:
        return
    readings = _comma_readings(raw_number, True, ctx.decimal_comma)
    if len(readings) != 1:
        return
    end = multiple.end()
    date, source = _value_date(ctx, span, end)
    attrs: dict = {"uln_multiple": True}
    if comparator:
        attrs["comparator"] = comparator
    yield _finding(
        ctx,
        concept,
        start,
        _trim(ctx.text, start, end),
        span._.assertion,
        value=readings[0],
        unit=ULN_MULTIPLE_UNIT,
        raw_value=raw_number,
        raw_unit=multiple.group(0).strip(),
        ref_high=1.0,
        date=date,
        date_source=source,
        attrs=attrs,
    )


# A printout's range column holding one bound, after the unit column and apart from it by
# a column gap, ending the row or followed by a flag: "Bilirubin  0.41  mg/dl  <1.20  H".
_COLUMN_BOUND = re.compile(
    r"[ \t]{2,}(?P<cmp>[<≤>≥])=?[ \t]*(?P<num>\d+(?:\.\d+)?)(?=[ \t]*(?:$|\n|[ \t]{2,}\S))"
)
# A unit whose characters were lost: "▯▯/▯▯▯", "mg/??", "�mol/l", "###".
_GARBLED_UNIT = re.compile(r"[ \t]*[^\s,;()\[\]]*(?:[▯□■�]|\?{2,}|#{2,})")
# A count's unit that cannot be read: a power of ten whose exponent is lost or unknown
# ("x10/uL", "x10^?/uL", "x10 /uL", "10^/L") or a per-volume unit with an unknown
# numerator ("%/uL"). The readable ones ("x10^9/L", "x10^4/uL") are read before this.
_UNREADABLE_MULTIPLIER = re.compile(
    r"[ \t]*(?:[x×*][ \t]?10(?![\d.,]*[ \t]*(?:days?|times|weeks?|months?|years?|mg|g)\b)"
    r"|10[ \t]?[\^*])[^\s,;()\[\]]*(?:[ \t]?/[ \t]?[^\s,;()\[\]]+)?"
    r"|[ \t]*[^\s,;()\[\]/\d]{1,8}/(?:u|µ|μ|mc)?l\b|[ \t]*[^\s,;()\[\]/\d]{1,8}/mm3\b",
    re.IGNORECASE,
)
# The field bar of a bar-delimited row, with the empty fields after it ("||").
_FIELD_BAR = re.compile(r"[ \t]*\|[ \t|]*")
# A range column holding one bound: "UPCR  2.10  H  <0.20  g/g", "eGFR  82  L  >90  mL/min".
_BOUND_CELL = re.compile(r"^\s*(?P<cmp>[<≤>≥])=?\s*(?P<num>\d+(?:\.\d+)?)(?!\d|\.\d|,\d)")


def _unit_column(
    concept: Concept, rest: str, range_read: bool
) -> tuple[str, int, tuple[float | None, float | None] | None] | None:
    """The unit of a printout that puts the reference range before the unit ("TBIL  7.6
    0-21.0  umol/L", "Total bilirubin 2.4 (ref 0.1-1.0) mg/dL"): (unit, characters
    consumed, the bound read from a one-bound range column or None).

    `rest` starts after the value, its flags and any range already read. With no range
    read, a one-bound cell ("<0.20") counts as the range only when a unit follows it:
    then the row is a printout's columns; a lone "<0.20" is left alone. A flag may stand
    after the range ("3.5  0.3-1.2  H  mg/dL")."""
    cursor, bound = 0, None
    if not range_read:
        cell = _BOUND_CELL.match(rest)
        if cell is None:
            return None
        number = float(cell.group("num"))
        bound = (None, number) if cell.group("cmp") in "<≤" else (number, None)
        cursor = cell.end()
    flag = _FLAG_RE.match(rest[cursor:])
    if flag:
        cursor += flag.end()
    unit_text, consumed = _lab_unit_after(concept, rest[cursor:])
    if unit_text is None:
        return None
    return unit_text, cursor + consumed, bound


# "24h-UTP 4.2 g", "24-hour urine protein 640 mg": a bare mass after a name that says the
# collection ran 24 hours is that day's amount. Without it in the name ("proteinuria
# 2.4 g") a mass says nothing of the period and is left to the unit rules.
_BARE_MASS = re.compile(r"\s*(?P<u>g|gms?|grams?|mgs?|milligrams?)\b(?!\s*/)", re.I)
_NAMES_A_DAY = re.compile(r"\b24\s*-?\s*h(?:rs?|ours?)?\b|\bdaily\b", re.I)


# A unit per day the analyte's family cannot read: "mmol/24 h", "mmol/d", "umol per day".
_PER_DAY_UNIT = re.compile(
    r"\s*[a-zµμ]{1,6}\s*(?:/|per)\s*(?:24\s*-?\s*h(?:rs?|ours?)?|days?|d)\b", re.I
)


# OBX-6, the unit field after the value (OBX-5), up to the next bar.
_HL7_UNIT_FIELD = re.compile(r"\|(?P<unit>[^|\r\n]*)\|")


def _unreadable_hl7_unit(text: str, cursor: int) -> bool:
    """Does the value stand in an HL7 OBX segment whose unit field is filled but is no unit
    ("||150|mg/??|", "||7.1|###|")? An empty field is no unit at all (INR, a ratio)."""
    field = _HL7_UNIT_FIELD.match(text, cursor)
    if field is None or not field["unit"].strip():
        return False
    line_start = max(text.rfind("\n", 0, cursor), text.rfind("\r", 0, cursor)) + 1
    segment = text.rfind("OBX|", line_start, cursor)
    return segment != -1 and (segment == line_start or text[segment - 1].isspace())


def _daily_amount_unit(
    ctx: _Context, concept: Concept, span: Span, cursor: int, limit: int
) -> tuple[str | None, int]:
    """(unit per day, characters consumed) for a bare mass after a 24-hour protein whose
    name (or the word just before it: "24h-UTP") says 24 hours; else (None, 0)."""
    if concept.attrs.get("family") != "protein24h":
        return None, 0
    mass = _BARE_MASS.match(ctx.text, cursor, limit)
    if mass is None:
        return None, 0
    item_start = max(ctx.text.rfind(ch, 0, span.start_char) for ch in ";,\n") + 1
    name = ctx.text[max(item_start, span.start_char - 8) : cursor]
    if not _NAMES_A_DAY.search(name):
        return None, 0
    unit = "mg/day" if mass.group("u").lower().startswith("m") else "g/day"
    return unit, mass.end() - cursor


def _place_value(
    ctx: _Context,
    concept: Concept,
    value: float,
    unit_text: str | None,
    check_fit: bool,
    uk_name: bool = False,
) -> tuple[Concept, float, float, float] | None:
    """(concept, value, normalised value, factor) of one reading of a printed number, or
    None when its unit cannot be read or guessed. With `check_fit`, a reading is kept only
    where its magnitude is plausible in that unit ("4,500/mm3" is not 4.5 cells/mm3).
    `uk_name`: the analyte is named as UK labs name it (_uk_ratio_name)."""
    family = concept.attrs.get("family", "")
    unit = canonical_unit_in_family(unit_text, family) if unit_text else None
    if unit is None and family == "upcr":
        unit = _unitless_ratio_unit(value, _prints_si_units(ctx), uk_name)
        if unit is None:
            return None
    if unit is None:
        if concept.attrs.get("unit_alternative"):
            # "proteinuria 2.1" could be g/day or a ratio: without a unit it is left out.
            return None
        unit = guess_unit(family, value, concept.id)
        if unit is None:
            # GUIDELINE: a unit that cannot be read and a magnitude that fits two
            # units is left out, never guessed ("UPCR 2.3" could be g/g or mg/mmol).
            return None
        if concept.id == "lab.platelets" and value < 100 and not float(value).is_integer():
            # "Plt 17.3": x10^9/L platelets are printed whole; a decimal below 100 is the
            # x10^4/uL of a Japanese lab (173 x10^9/L) as often as not: left out.
            return None
    factor = convert_factor(family, unit)
    if factor is None and concept.attrs.get("unit_alternative"):
        # The unit names the analyte: "proteinuria 150 mg/mmol" is a ratio.
        concept = ctx.vocabulary[concept.attrs["unit_alternative"]]
        family = concept.attrs.get("family", "")
        factor = convert_factor(family, unit)
    if factor is None:
        return None
    if check_fit and not fits_unit(family, value, unit, concept.id):
        return None
    return concept, value, round(value * factor, 6), factor


# The units a UK or European note prints: in such a note a unitless protein/creatinine
# ratio may be mg/mmol.
_SI_UNIT = re.compile(r"(?:[uµμ]|mc|micro)?mol\s*/\s*l\b|\bmg\s*/\s*mmol\b", re.I)


def _prints_si_units(ctx: _Context) -> bool:
    """The note prints umol/L, mmol/L or mg/mmol: looked for once, when first asked."""
    if ctx.si_units is None:
        ctx.si_units = _SI_UNIT.search(ctx.text) is not None
    return ctx.si_units


# What may stand before the UK's "PCR": a urine word, or nothing of the clause ("PCR: 88",
# ". PCR 57"); "CMV PCR 450 copies" is a viral load.
_UK_RATIO_LEAD = re.compile(r"(?:(?:^|[.:;,(\n])\s*|\b(?:urine|urinary|spot)\s+)$", re.I)


def _uk_ratio_name(span: Span) -> bool:
    """Is the ratio named "PCR"? That is the UK's name (NICE's "urine PCR", reported in
    mg/mmol); a US note writes UPCR or UPC and keeps "PCR" for polymerase chain reaction.
    So "urine PCR 186" is 186 mg/mmol, where "UPCR 186" could as well be 186 mg/g."""
    if span.text.casefold() != "pcr":
        return False
    text = span.doc.text
    return _UK_RATIO_LEAD.search(text[max(0, span.start_char - 20) : span.start_char]) is not None


def _unitless_ratio_unit(value: float, si_note: bool, uk_name: bool = False) -> str | None:
    """A protein/creatinine ratio printed without a unit ("uPCR 2.4") is the
    dimensionless mg/mg ratio, i.e. g/g, where that magnitude fits (0.01-25 g/g).

    Below 1 only g/g fits (a normal UPCR is 5-20 mg/mmol). In a note that prints SI
    units (umol/L, mmol/L, mg/mmol) a value from 1 to 25 fits mg/mmol as well ("uPCR 12":
    12 g/g or 0.11 g/g), and one over 25 only mg/mmol; outside such a note a value over
    25 could be mg/mmol or mg/g, unless its name is the UK's ("PCR 186": mg/mmol). What
    fits two units is left out (None)."""
    if value < 1:
        return "g/g" if fits_unit("upcr", value, "g/g") else None
    if si_note:
        return "mg/mmol" if value > 25 and fits_unit("upcr", value, "mg/mmol") else None
    if uk_name and value > 25:
        return "mg/mmol" if fits_unit("upcr", value, "mg/mmol") else None
    return "g/g" if fits_unit("upcr", value, "g/g") else None


# ------------------------------------------------------------------ decimal commas
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")
_ONE_THOUSANDS_GROUP = re.compile(r"^\d,\d{3}$")
_LEADING_ZERO_COMMA = re.compile(r"^0,\d{3}$")
# "0,82, PT 12,4 s": a comma after the number may close its item of a list
_COMMA_NUMBER = re.compile(r"(?<![\d,.])(\d+),(\d{1,2})(?!\d|,\d)")


def _uses_decimal_commas(text: str) -> bool:
    """Does the note print decimals with a comma? A comma followed by one or two digits
    and a unit ("Hb 11,4 g/dL", "PT 12,8 s"), or after a leading zero ("0,82"), says so."""
    for match in _COMMA_NUMBER.finditer(text):
        if match.group(1) == "0" or _unit_after(text[match.end() : match.end() + 30])[0]:
            return True
    return False


def _comma_to_point(text: str) -> str:
    """ "(ref 10,0-13,5)" → "(ref 10.0-13.5)", in a note that writes decimal commas."""
    return _COMMA_NUMBER.sub(r"\1.\2", text)


def _comma_readings(raw: str, unit_printed: bool, note_uses_commas: bool) -> list[float]:
    """The values a printed number can stand for.

    "11,4 g/dL", "0,82", or "1,1" in a note that writes "12,8 s": a decimal comma.
    "11,4" with no unit in a note that never shows its convention: nothing (it may be
    a decimal or two values; cutting it to 11 would be a misread). "1,130": a decimal
    (1.13) or thousands grouping (1130), both returned for the caller to weigh by
    plausibility; "12,500" and "1,250,000": thousands only.
    """
    if "," not in raw:
        return [float(raw)]
    if _LEADING_ZERO_COMMA.match(raw):
        # "RPC 0,085 g/mmol": no thousands group starts with 0, so three decimals too.
        return [float(raw.replace(",", "."))]
    if _DECIMAL_COMMA.match(raw):
        if unit_printed or raw.startswith("0,") or note_uses_commas:
            return [float(raw.replace(",", "."))]
        return []
    thousands = float(raw.replace(",", ""))
    if _ONE_THOUSANDS_GROUP.match(raw):
        return [thousands, float(raw.replace(",", "."))]
    return [thousands]


# "4.100", "198.000", "1.250.000": dot thousands, as Brazilian, Spanish and Italian labs
# print a count per mm³, or a decimal point with three decimals.
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _dot_thousands_reading(raw: str, unit_printed: bool) -> list[float]:
    """The thousands reading of a number grouped with dots, beside its decimal one.

    "Leucocitos 4.100 /mm3" is 4100 cells/mm³ (4.1 cells/mm³ is no blood count), and
    "Hb 12.500 g/dL" can only be 12.5: with a unit printed, the caller keeps the reading
    whose magnitude fits that unit, and leaves the value out when both fit and differ.
    Without a unit neither reading is added (the decimal one stays, as before)."""
    if not unit_printed or not _DOT_THOUSANDS.match(raw):
        return []
    return [float(raw.replace(".", ""))]


def _dot_thousands_range(text: str) -> tuple[float | None, float | None]:
    """A printed range whose numbers are grouped with dots ("(150.000 - 450.000)") read as
    thousands; (None, None) when any of its numbers is not so grouped ("(1.5 - 8.000)")."""
    numbers = re.findall(r"\d[\d.]*", text)
    if not numbers or not all(_DOT_THOUSANDS.match(n) for n in numbers):
        return None, None
    parsed = parse_reference_range(text.replace(".", ""))
    return parsed if parsed else (None, None)


def _paired_labs(ctx: _Context, concepts: list[Span]) -> tuple[list[Finding], set[int]]:
    """'AST/ALT 45/60 U/L': two analytes, two values, one shared unit."""
    findings: list[Finding] = []
    handled: set[int] = set()
    labs = [s for s in concepts if ctx.vocabulary[s.label_].category == "lab"]
    for first, second in zip(labs, labs[1:], strict=False):
        if ctx.text[first.end_char : second.start_char].strip() != "/":
            continue
        lo, hi = _sentence_bounds(ctx, second)
        limit = min(hi, _line_end(ctx.text, second.end_char))
        pair = _PAIR_VALUES.match(ctx.text[second.end_char : limit])
        if pair is None:
            continue
        cursor = second.end_char + pair.end()
        for span, group in ((first, "a"), (second, "b")):
            concept = ctx.vocabulary[span.label_]
            findings.extend(
                _lab_value(
                    ctx, span, concept, pair.group(group), None, cursor, limit, first.start_char
                )
            )
            handled.add(span.start_char)
    return findings, handled


_CHUNK_WORD = re.compile(r"\S+")


def _unit_after(rest: str) -> tuple[str | None, int]:
    """The longest 1-3 word chunk right after a value that reads as a unit."""
    chunk = _UNIT_CHUNK.match(rest)
    if not chunk:
        return None, 0
    words = chunk.group("u").split()
    lead = chunk.start("u")
    for n in range(len(words), 0, -1):
        candidate = " ".join(words[:n])
        trimmed = candidate.rstrip(".,:")
        if canonical_unit(trimmed):
            # the end of the chunk's n-th word: "gram" is found inside "grams" of "grams
            # per gram", so the words are counted, not searched for
            pos = lead + [m.end() for m in _CHUNK_WORD.finditer(chunk.group("u"))][n - 1]
            pos -= len(candidate) - len(trimmed)
            return trimmed, pos
    return None, 0


def _lab_unit_after(concept: Concept, rest: str) -> tuple[str | None, int]:
    """_unit_after, where "in" is a preposition unless the analyte is a length:
    "down from 2.1 in March" is not 2.1 inches."""
    unit_text, consumed = _unit_after(rest)
    inches = unit_text is not None and canonical_unit(unit_text) == "in"
    if inches and concept.attrs.get("family") != "height":
        return None, 0
    return unit_text, consumed


def _shared_unit(ctx: _Context, span: Span) -> str | None:
    """'WBC 4.6, neutrophils 3.1, lymphocytes 1.05 (all x10^9/L)'."""
    lo, hi = _sentence_bounds(ctx, span)
    match = _SHARED_UNIT_RE.search(ctx.text, span.end_char, hi)
    return match.group("u").strip() if match else None
