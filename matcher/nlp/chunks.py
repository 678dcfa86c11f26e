"""Long notes, cut into pieces the pipeline reads one at a time.

spaCy refuses a text longer than `nlp.max_length` (1,000,000 characters unless set; a
pipeline loaded from models/ gets that default back), and a discharge summary or a
copied-forward note runs to megabytes. NoteParser hands such a note to the pipeline in
pieces of at most CHUNK_CHARS characters and shifts every finding's offsets by its piece's
start, so that note_text[finding.start:finding.end] is the evidence as before. A note no
longer than a piece is one doc, exactly as it always was.

Where a piece ends, best first, in the last half of the window (so that each character
is scanned a bounded number of times: linear in the note):

1. after a blank line (a paragraph break): no sentence, no dated block ("Bloods
   04/11/2026:" and the lines under it), no wrapped list runs across one;
2. before a section heading ("Family history:"): it opens a sentence and closes a dated
   block too;
3. after a line break; 4. after a space; 5. anywhere (a 100,000-character word).

What a piece cannot see of the text before it is carried into it (NoteContext): the
section open where it starts ("Plan:" three paragraphs up still makes "rituximab 1 g" a
plan; a family history ends with its paragraph, so it is not carried past a blank line),
the note's numeric date convention (one "13/03/2026" anywhere makes every
"04/05/2026" day first) and whether a heading makes the note a biopsy report. Not carried,
so only a cut of kinds 3-5 can change a finding: a dated block or a sentence that a line
or word cut splits, and the 40 characters a vocabulary context filter looks back
("Cervical LN"); kinds 3-5 are only used where a half-piece has no blank line and no
heading.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from matcher.nlp.dates import infer_day_first

CHUNK_CHARS = 100_000  # a piece of a long note: ~0.3 s of parsing, ~7 MB of doc
# Sections whose effect (family, negated) ends where the section ends, not at the next
# heading: one inline "Family hx: aunt with lupus." must not make every later lab the
# family's. A blank line ends them, so a piece cut after one does not carry them.
BOUNDED_SECTIONS = frozenset({"family_history", "allergies"})

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"[ \t]")


@dataclass(frozen=True)
class NoteContext:
    """What a piece of a long note needs to know of the rest of the note."""

    section: str | None  # category of the section open where the piece starts
    report: bool  # a heading of the note names a biopsy/pathology report
    day_first: bool | None  # the whole note's numeric date convention (None: undecided)


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    context: NoteContext


def split_note(
    text: str,
    limit: int,
    classify_line: Callable[[str], str | None] | None,
    is_report_heading: Callable[[str], bool],
    note_date: dt.date | None = None,
) -> list[Piece]:
    """Pieces of at most `limit` characters covering `text` end to end, in order.

    `classify_line` is the pipeline's section classifier (ClinicalSections.classify_line;
    None when the pipeline has none); `is_report_heading` tells a biopsy report heading.
    """
    headings: list[int] = []
    categories: list[str] = []
    report = False
    offset = 0
    # The same lines the section component reads (str.splitlines, so "\u2028" ends one).
    for line in text.splitlines(keepends=True) if classify_line else ():
        category = classify_line(line)
        if category is not None:
            headings.append(offset)
            categories.append(category)
            report = report or is_report_heading(line)
        offset += len(line)
    day_first = infer_day_first(text, note_date)
    pieces = []
    start = 0
    while start < len(text):
        end = len(text) if len(text) - start <= limit else _cut(text, start, limit, headings)
        # The last heading before the piece: the piece's own headings it reads itself.
        at = bisect.bisect_left(headings, start) - 1
        section = categories[at] if at >= 0 else None
        if section in BOUNDED_SECTIONS and _BLANK_LINE.search(text, headings[at], start):
            section = None
        pieces.append(Piece(start, end, NoteContext(section, report, day_first)))
        start = end
    return pieces


def _cut(text: str, start: int, limit: int, headings: list[int]) -> int:
    """Where the piece starting at `start` ends: in (start + limit/2, start + limit]."""
    lo, hi = start + max(1, limit // 2), start + limit
    blank = _last(_BLANK_LINE, text, lo, hi)
    if blank is not None:
        return blank
    at = bisect.bisect_right(headings, hi) - 1
    if at >= 0 and headings[at] > lo:
        return headings[at]
    newline = text.rfind("\n", lo, hi)
    if newline != -1:
        return newline + 1
    space = _last(_SPACE, text, lo, hi)
    return space if space is not None else hi


def _last(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """The end of the last match of `pattern` inside text[lo:hi], or None."""
    end = None
    for match in pattern.finditer(text, lo, hi):
        end = match.end()
    return end
