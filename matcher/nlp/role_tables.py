"""Printed tables whose header line names the role of each column.

A cumulative laboratory report prints one row per test and one column per collection date,
after the row's unit and reference range:

    Test          | Units   | Ref range | 04/11/2026 | 10/09/2026
    --------------+---------+-----------+------------+-----------
    Lymphocytes   | x10^9/L | 1.2-4.0   | 1.1 L      | 1.2
    ALT           | U/L     | 5-40      | cancelled  | 26

Each value is of its column's date, in its row's unit, and its row's range gives the ULN;
a cell that holds no number ("cancelled", "pending", "haemolysed", "see comment") is no
result. A medication list prints "Medication | Dose | Start | Stop | Status": a drug
"Never started" is no exposure, a stop date ends the course. The cells are apart by "|"
(an EHR export) or, without one, by runs of two spaces or more (a fixed-width print-out).
The column names and status words are data: matcher/nlp/data/table_columns.json.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import re
from functools import cache
from typing import Any

from matcher.errors import VocabularyError
from matcher.model import Assertion, Finding
from matcher.nlp.vocab import versioned_rule_file

__all__ = ["Column", "medication_table_rows", "table_columns", "table_cells"]

_ROLES = ("name", "unit", "range", "flag", "start", "stop", "status", "supply")
_LISTS = (*_ROLES, "drug_names")
_KEYS = frozenset({"version", "description", "statuses", *_LISTS})
_STATUS_CODES = ("not-taken", "entered-in-error", "intended", "on-hold", "completed",
                 "stopped", "active")  # fmt: skip
# The blanks a fixed-width header opens with where its names' column has no title (a
# narrower indent is the header's own margin)
_UNTITLED_WIDTH = 4
# How far up a header may stand above a row (rows and rules between).
_HEADER_REACH = 60
# A rule line under a header: dashes, equals signs, "+" at the column borders.
_RULE = re.compile(r"[\s\-=_+|:]*")
# A time after a column's date: "2026-11-03 08:15", "03/11/2026 0815h", "11/03/2026 7:40 AM"
_TIME_AFTER = re.compile(r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?|\d{4}\s*h(?:rs)?)?(?:\s*[ap]\.?m\.?)?\s*",
                         re.I)
# A whole number of days in a dispensing history's supply cell: "30", "14 d", "28 days"
_DAYS = re.compile(r"(?P<n>\d{1,3})\s*(?:d|days?)?", re.I)


@dataclasses.dataclass(frozen=True)
class Column:
    """One header cell: its characters within the line, its role ("name", "unit", "range",
    "flag", "start", "stop", "status", "supply", "date", "other", or "" for an empty cell)
    and, for "date", the date (None where the note gives no day-month order)."""

    start: int
    end: int
    role: str
    date: dt.date | None = None


def _normal(cell: str) -> str:
    return " ".join(cell.strip().rstrip(":.").lower().split())


@cache
def _data() -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    data = versioned_rule_file("table_columns.json", _KEYS, _LISTS)
    statuses = data["statuses"]
    if not isinstance(statuses, dict) or set(statuses) != set(_STATUS_CODES) or not all(
            isinstance(v, list) and v and all(isinstance(w, str) and w.strip() for w in v)
            for v in statuses.values()):  # fmt: skip
        raise VocabularyError("bad status lists", file="matcher/nlp/data/table_columns.json",
                              field="statuses", received=statuses,
                              expected=f"lists of words for {', '.join(_STATUS_CODES)}")
    roles = {key: frozenset(_normal(w) for w in data[key]) for key in _LISTS}
    # longest words first: "completed course" before "completed", "not started" before ...
    words = {code: tuple(sorted((_normal(w) for w in statuses[code]), key=len, reverse=True))
             for code in _STATUS_CODES}  # fmt: skip
    return roles, words


def table_cells(text: str, start: int, end: int, bars: bool) -> list[tuple[int, int]]:
    """(start, end) of each cell of the line text[start:end], in note offsets, blanks
    trimmed: cells apart by "|" when `bars`, else by runs of two blanks or more. An empty
    cell between bars is kept (start == end) so that columns still count."""
    if bars:
        cells, at = [], start
        line = text[start:end]
        edges = [start + i for i, ch in enumerate(line) if ch == "|"]
        for edge in [*edges, end]:
            piece = text[at:edge]
            lead = len(piece) - len(piece.lstrip())
            cells.append((at + lead, at + len(piece.rstrip()) if piece.strip() else at + lead))
            at = edge + 1
        if line.startswith("|"):
            # "| WBC | 5.0 |": a bar opens the row and one closes it. Blanks before the
            # first bar are an untitled first column ("      | 2026-10-31 | 2026-08-19").
            cells = cells[1:]
        line = line.strip()
        if line.endswith("|") and len(line) > 1:
            cells = cells[:-1]  # (an empty last column ends in blanks, not in a bar)
        return cells
    return [(start + m.start(), start + m.end())
            for m in re.finditer(r"\S+(?: \S+)*", text[start:end])]  # fmt: skip


def is_rule_line(line: str) -> bool:
    """A line that only draws the table ("-----+------", "====", "|---|---|")."""
    return _RULE.fullmatch(line) is not None


def _line_bounds(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end == -1 else end


def _header(text: str, start: int, end: int, dates: list, date_starts: list[int]
            ) -> tuple[list[Column], bool] | None:  # fmt: skip
    """The columns of the line text[start:end] when it is a header that names its columns
    (its first cell a name role), and whether its cells are apart by bars."""
    roles, _words = _data()
    bars = "|" in text[start:end]
    cells = table_cells(text, start, end, bars)
    if len(cells) < 2:
        return None
    columns = []
    untitled = False
    if not bars and cells[0][0] - start >= _UNTITLED_WIDTH:
        # a fixed-width header whose first column, the tests' names, has no title:
        # "                 2026-11-03   2026-09-21" over "Haemoglobin      97 L  118 L"
        columns.append(Column(0, cells[0][0] - start - 2, "name"))
        untitled = True
    for index, (a, b) in enumerate(cells):
        cell = _normal(text[a:b])
        i = bisect.bisect_left(date_starts, a)
        if (i < len(dates) and dates[i].start == a and cell
                and _TIME_AFTER.fullmatch(text, dates[i].end, b)):  # fmt: skip
            mention = dates[i]
            if mention.precision != "day":
                return None  # "Oct 2026" over a column: not a collection day
            # (None: "04/05/2026" in a note that gives no day-month convention)
            columns.append(Column(a - start, b - start, "date", mention.date))
            continue
        role = next((r for r in _ROLES if cell in roles[r]), "other" if cell else "")
        if index == 0 and bars and not cell:
            role, untitled = "name", True  # "      | 2026-11-03 | 2026-09-21"
        columns.append(Column(a - start, b - start, role))
    if columns[0].role != "name" or len(columns) < 2:
        return None
    if untitled and not any(c.role == "date" for c in columns):
        return None  # an untitled first column only where the other columns are dates
    return columns, bars


def table_columns(text: str, at: int, dates: list, date_starts: list[int]
                  ) -> tuple[list[Column], bool, int] | None:  # fmt: skip
    """The header over the row holding character `at`: (its columns, whether cells are
    apart by bars, the header line's start), or None when no line above it, in the same
    block of lines (no blank line between), names its columns."""
    row_start, _row_end = _line_bounds(text, at)
    end = row_start - 1
    for _ in range(_HEADER_REACH):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if not line.strip():
            return None  # a blank line ends the table
        if not _RULE.fullmatch(line):
            found = _header(text, start, end, dates, date_starts)
            if found is not None:
                return found[0], found[1], start
        end = start - 1
    return None


def row_cells(text: str, at: int, columns: list[Column], bars: bool
              ) -> list[tuple[Column, int, int]] | None:  # fmt: skip
    """(column, cell start, cell end) for each cell of the row holding `at`, or None when
    the row does not fit the header (another number of cells between bars, a cell under
    no column or under two)."""
    start, end = _line_bounds(text, at)
    cells = table_cells(text, start, end, bars)
    if bars:
        if len(cells) != len(columns):
            return None
        return [(c, a, b) for c, (a, b) in zip(columns, cells, strict=True)]
    out = []
    for a, b in cells:
        # a fixed-width cell stands under the header cell whose span it starts in, or
        # overlaps (a number right-aligned under its date)
        under = [c for c in columns if a - start < c.end + 1 and c.start - 1 < b - start]
        if len(under) != 1:
            return None
        out.append((under[0], a, b))
    return out


def status_code(cell: str) -> str | None:
    """The FHIR MedicationStatement status a status cell begins with, or None."""
    _roles, words = _data()
    cell = _normal(cell)
    best: tuple[int, str] | None = None
    for code, phrases in words.items():
        for phrase in phrases:
            begins = cell == phrase or (cell.startswith(phrase) and cell[len(phrase)] in " -,(")
            if begins and (best is None or len(phrase) > best[0]):
                best = (len(phrase), code)
    return None if best is None else best[1]


def _says(cell: str, code: str) -> bool:
    """Does the status cell say, anywhere, a word of the status `code` ("On hold - planned
    after biopsy" is also planned: not yet given; "Held - never given" never taken)?"""
    _roles, words = _data()
    cell = _normal(cell)
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", cell) for w in words[code])


def _iso(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return None


def medication_table_rows(text: str, findings: list[Finding], dates: list,
                          date_starts: list[int], note_date: dt.date) -> list[Finding]:  # fmt: skip
    """`findings` with each drug named in the name cell of a medication list's row read
    with its row's Status and Stop cells: "Never started", "Declined", "Entered in error"
    are no exposure (negated); a planned drug ("Planned", or "On hold" with no start date:
    "Prednisone | | | | On hold - planned after biopsy") is a plan (hypothetical); a date
    in the Stop cell ends the course ("Rituximab | 2024-06-03 | 2024-06-24 | Completed
    course" was last given in June 2024, not on the day the list was printed); a course
    "Completed", "Discontinued" or "On hold" with no stop date is not taken now; a fill of
    a dispensing history ("Drug | Fill date | Qty | Days supply") covers its days of
    supply, when they ended by the note's day."""
    roles, _words = _data()
    if not any(f.category == "drug" for f in findings):
        return findings
    out = []
    cache: dict[int, Any] = {}
    for f in findings:
        if f.category != "drug" or not (f.is_patient_fact or f.assertion == Assertion.NEGATED):
            out.append(f)
            continue
        row_start, _end = _line_bounds(text, f.start)
        if row_start not in cache:
            cache[row_start] = _medication_row(text, f.start, dates, date_starts, roles)
        row = cache[row_start]
        if row is None or not (row["name"][0] <= f.start < row["name"][1] + 1):
            out.append(f)
            continue
        if f.assertion == Assertion.NEGATED:
            if row["status"] not in _TAKEN_BEFORE or row["not_taken"]:
                out.append(f)
                continue
            # "Tacrolimus | 2025-04-01 | | Held": the status column says the drug was taken
            # and is held now, which the word "held" read as a negation cue lost
            f = dataclasses.replace(f, assertion=Assertion.AFFIRMED)
        out.append(_read_row(f, row, note_date))
    return out


# Statuses of a drug the patient took, whatever its course is now
_TAKEN_BEFORE = frozenset({"on-hold", "completed", "stopped"})


def _medication_row(text: str, at: int, dates: list, date_starts: list[int],
                    roles: dict) -> dict | None:  # fmt: skip
    found = table_columns(text, at, dates, date_starts)
    if found is None:
        return None
    columns, bars, header_start = found
    name_cell = _normal(text[header_start + columns[0].start : header_start + columns[0].end])
    if name_cell not in roles["drug_names"] or not any(
            c.role in ("status", "stop", "supply") for c in columns):  # fmt: skip
        return None
    cells = row_cells(text, at, columns, bars)
    if cells is None:
        return None
    row: dict[str, Any] = {"name": None, "status": None, "stop": None, "start": None,
                           "supply": None, "planned": False, "not_taken": False,
                           "has_start": any(c.role == "start" for c in columns)}
    for column, a, b in cells:
        if column.role == "name":
            row["name"] = (a, b)
        elif column.role == "status":
            row["status"] = status_code(text[a:b]) if b > a else None
            row["planned"] = b > a and _says(text[a:b], "intended")
            row["not_taken"] = b > a and _says(text[a:b], "not-taken")
        elif column.role == "supply":
            days = _DAYS.fullmatch(text, a, b)
            row["supply"] = int(days["n"]) if days and int(days["n"]) > 0 else None
        elif column.role in ("stop", "start"):
            i = bisect.bisect_left(date_starts, a)
            inside = [d for d in dates[i:] if d.start < b and d.end <= b]
            if (b > a and len(inside) == 1 and inside[0].date is not None
                    and inside[0].precision == "day"):  # fmt: skip
                row[column.role] = inside[0].date
    return row if row["name"] is not None else None


def _read_row(f: Finding, row: dict, note_date: dt.date) -> Finding:
    status, stop = row["status"], row["stop"]
    if status in ("not-taken", "entered-in-error"):
        # the list's status kept (a FHIR MedicationStatement.status code): a prescription
        # of the same drug the note's prose writes as not supplied is undone with it
        # (matcher.nlp.dispensing)
        return dataclasses.replace(f, assertion=Assertion.NEGATED,
                                   attrs={**f.attrs, "list_status": status})
    start = _iso(f.attrs.get("start_date"))
    if status == "intended" or (status == "on-hold" and row["planned"] and start is None
                                and row["start"] is None):  # fmt: skip
        # "Planned", "On hold - planned after biopsy" with no start: not yet given
        return dataclasses.replace(f, assertion=Assertion.HYPOTHETICAL)
    attrs = dict(f.attrs)
    date, source = f.date, f.date_source
    if row["start"] is not None and row["start"] != start:
        # "Medication | Stop | Start": the Start cell's date, not the first date after the
        # drug's name, starts the course
        attrs["start_date"] = start = date = row["start"]
        source = "text"
    elif row["has_start"] and row["start"] is None and start is not None and start == stop:
        attrs["start_date"] = start = None  # the Stop cell's date read as its start
        date, source = note_date, "note"
    if stop is not None and (start is None or stop >= start):
        attrs["stop_date"] = stop  # the Stop cell's date, whatever the prose reading took
    elif row["supply"] is not None and start is not None and f.attrs.get("stop_date") is None:
        # "Mycophenolate 500 mg | 2026-08-28 | 120 | 30": supplied from the fill through
        # 26 September, not that one day. The fill stays an event (single_dose): whether
        # it was refilled after is not for the list to say, so it does not tell that the
        # drug is not taken now. A supply that runs past the note's day is left open.
        last = start + dt.timedelta(days=row["supply"] - 1)
        if last <= note_date:
            attrs["stop_date"] = last
            attrs["single_dose"] = True
    if status in ("on-hold", "completed", "stopped") and attrs.get("stop_date") is None:
        attrs["stopped"] = True  # "On hold", "Discontinued" with no date: not taken now
    if attrs == f.attrs and date == f.date:
        return f
    return dataclasses.replace(f, attrs=attrs, date=date, date_source=source)
