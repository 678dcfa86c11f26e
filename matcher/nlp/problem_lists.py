"""An EHR problem list's Status column decides its rows: "Ruled out", "Entered in error",
"Resolved", "Under evaluation".

A problem list prints each problem on a row with its code, its status and its onset:

    Code   | Problem                      | Status           | Onset
    M32.14 | Lupus nephritis class IV     | Entered in error | 2026-08-20

Read as prose, "Lupus nephritis class IV" was affirmed (a class IV biopsy dated by the
onset cell), though the entry is void. The header names the status column; each row's
status cell then re-asserts the diagnoses, states and biopsy results on that row (drugs
are the medication readers'): ruled out negates, entered in error drops (no finding),
resolved or inactive is history, under evaluation is uncertain. A status the data does not
list ("Active") leaves the row alone. Cells are split by "|" or by runs of two or more
spaces; the words are data (matcher/nlp/data/problem_list_status.json), validated when
first read.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from matcher.model import Assertion, Finding
from matcher.nlp.role_tables import is_rule_line, table_cells
from matcher.nlp.vocab import versioned_rule_file

__all__ = ["problem_list_statuses"]

_LISTS = ("headers", "negated", "dropped", "historical", "uncertain")
_KEYS = frozenset({"version", "description", *_LISTS})
# The categories a status cell speaks for: a drug on a problem row ("Infusion reaction to
# rituximab | Historical") is a course the medication readers date, not this cell's.
_DECIDED = frozenset({"diagnosis", "status", "biopsy"})
_DROP = "drop"


@dataclasses.dataclass(frozen=True)
class _Statuses:
    headers: frozenset[str]
    verdicts: dict[str, Assertion | str]


@cache
def _statuses() -> _Statuses:
    data = versioned_rule_file("problem_list_status.json", _KEYS, _LISTS)
    verdicts: dict[str, Assertion | str] = {}
    for key, verdict in (("negated", Assertion.NEGATED), ("dropped", _DROP),
                         ("historical", Assertion.HISTORICAL),
                         ("uncertain", Assertion.UNCERTAIN)):  # fmt: skip
        for word in data[key]:
            verdicts[_fold(word)] = verdict
    return _Statuses(frozenset(_fold(w) for w in data["headers"]), verdicts)


def _fold(cell: str) -> str:
    return " ".join(cell.casefold().split())


def _cells(text: str, start: int, line: str, piped: bool) -> list[tuple[int, int]]:
    """(start, end) of each non-blank cell of the line `line` that starts at `start`."""
    return [(a, b) for a, b in table_cells(text, start, start + len(line), piped) if b > a]


def _status_cells(text: str) -> list[tuple[int, int, str]]:
    """(row start, row end, status cell) for every row under a header naming a status
    column."""
    statuses = _statuses()
    rows: list[tuple[int, int, str]] = []
    lines = [(m.start(), m.group()) for m in re.finditer(r"^[^\n]*", text, re.M)]
    k = 0
    while k < len(lines):
        start, line = lines[k]
        k += 1
        piped = "|" in line
        cells = _cells(text, start, line, piped)
        names = [_fold(text[a:b]) for a, b in cells]
        column = next((i for i, name in enumerate(names) if name in statuses.headers), None)
        if column is None or len(cells) < 2:
            continue
        header_start = cells[column][0] - start
        while k < len(lines):
            row_start, row = lines[k]
            if not row.strip():
                break
            if is_rule_line(row):
                k += 1
                continue
            if ("|" in row) != piped:
                break
            k += 1
            if piped:
                row_cells = [text[a:b] for a, b in _cells(text, row_start, row, True)]
                if len(row_cells) != len(cells):
                    continue  # a row of another shape: its columns cannot be told
                cell = row_cells[column]
            else:
                # A space-aligned list: the status cell starts where its header does.
                found = re.match(r"\S+(?: \S+)*", row[header_start:])
                if found is None or (header_start and row[header_start - 1] != " "):
                    continue
                cell = found.group()
            rows.append((row_start, row_start + len(row), _fold(cell)))
    return rows


def problem_list_statuses(text: str, findings: list[Finding]) -> list[Finding]:
    """`findings` with each diagnosis, state and biopsy on a problem list's row
    re-asserted (or dropped) by the row's status cell."""
    if "status" not in text.casefold():
        return findings
    statuses = _statuses()
    rows = [(lo, hi, statuses.verdicts[cell]) for lo, hi, cell in _status_cells(text)
            if cell in statuses.verdicts]  # fmt: skip
    if not rows:
        return findings
    out = []
    for finding in findings:
        verdict = next((v for lo, hi, v in rows if lo <= finding.start and finding.end <= hi),
                       None)  # fmt: skip
        if verdict is None or finding.category not in _DECIDED:
            out.append(finding)
        elif verdict != _DROP:
            out.append(dataclasses.replace(finding, assertion=verdict))
    return out
