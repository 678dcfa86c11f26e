"""Comma-separated result lines pasted into a note, read as a table.

A lab system's CSV export ("date,test,value,unit,ref" then "2026-10-29,WBC,7.4,x10^9/L,
4.0-11.0") prints no space anywhere a reader of prose expects one: the comma glues the
test to its value and a test code joins its words with underscores ("EGFR_SCHWARTZ",
"24H_URINE_PROTEIN"). Under a header line that names the columns, every row with the
header's number of cells is rewritten, character for character, with a cell border (the
"|" of an EHR table, which the value grammar reads) for each comma and a space for each
underscore. The text keeps its length, so every offset still indexes the note as written.
A row with a quote or a comma followed by a space is not a plain CSV row and is left as
it is (a quoted "1,8" may be a decimal comma).
"""

from __future__ import annotations

import re

# A header cell: a column name of words ("test", "result", "ref range", "unit(s)").
_HEADER_CELL = re.compile(r"\s*[A-Za-z][A-Za-z _/#().-]{0,30}")
# The header must name a column of values, so a list of words is not taken for one.
_VALUE_COLUMN = re.compile(r"^\s*(?:value|result|res|reading|numeric\s+value)\s*$", re.I)
_MIN_CELLS = 3


def _header_cells(line: str) -> int:
    """The number of cells of a CSV header line, else 0."""
    if ", " in line or '"' in line:
        return 0
    cells = line.split(",")
    if len(cells) < _MIN_CELLS or not all(_HEADER_CELL.fullmatch(c) for c in cells):
        return 0
    return len(cells) if any(_VALUE_COLUMN.match(c) for c in cells) else 0


def _is_row(line: str, cells: int) -> bool:
    return line.count(",") == cells - 1 and ", " not in line and '"' not in line


def as_table_rows(text: str) -> str:
    """The text with each CSV block under a header line written as table rows (same
    length; see the module's doc)."""
    if "," not in text:
        return text
    lines = text.split("\n")
    changed = False
    cells = 0
    for index, line in enumerate(lines):
        if cells and _is_row(line, cells):
            lines[index] = line.replace(",", "|").replace("_", " ")
            changed = True
            continue
        cells = _header_cells(line)
        if cells:
            lines[index] = line.replace(",", "|").replace("_", " ")
            changed = True
    return "\n".join(lines) if changed else text
