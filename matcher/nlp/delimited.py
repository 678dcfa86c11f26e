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
from functools import lru_cache

from matcher.nlp.units import canonical_unit

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


# A registry export's row of fields: "lab_date=2026-10-12 | lab_wbc=7.1 | lab_anc=4.6". A
# field is a code of lower-case words joined by underscores, "=", and its value.
_FIELD = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)=(?P<value>[^|=\n]*)")
_MIN_FIELDS = 3
# The export's data dictionary, on a comment line, gives the fields' units: "# data
# dictionary (units): lab_wbc/lab_anc 10^9/L; lab_hgb g/dL; lab_alt U/L (site ULN 40)".
_DICTIONARY = re.compile(r"^\s*#.*\bunits?\b[^:\n]*:(?P<body>[^\n]*)$", re.I | re.M)
_DICTIONARY_ENTRY = re.compile(
    r"^\s*(?P<keys>[A-Za-z][\w]*(?:\s*/\s*[A-Za-z][\w]*)*)\s+(?P<unit>[^\s(;]+)"
)


def field_units(text: str) -> dict[str, str]:
    """{field code: unit} from the data dictionary lines of an export pasted into a note;
    empty where there is none. "lab_wbc/lab_anc 10^9/L" gives both fields that unit."""
    units: dict[str, str] = {}
    for line in _DICTIONARY.finditer(text):
        for entry in line["body"].split(";"):
            match = _DICTIONARY_ENTRY.match(entry)
            if match is None:
                continue
            for key in re.split(r"\s*/\s*", match["keys"]):
                units[key.lower()] = match["unit"]
    return units


def as_field_rows(text: str) -> str:
    """The text with the measured fields of an export's rows readable as lab names (same
    length): in a note whose data dictionary gives a field its unit, the field's code
    "lab_anc" is read as "LAB ANC" (a space for each underscore, in the capitals the
    codes' abbreviations are written in), so "lab_anc=4.6" reads as the ANC with the
    dictionary's unit (matcher.nlp.values). A field without a unit in the dictionary (a
    coded answer, "dx_sle=0", a date) is left as it is: "=0" is a code, not a negation."""
    if "=" not in text or "#" not in text:
        return text
    units = field_units(text)
    if not units:
        return text
    lines = text.split("\n")
    changed = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue
        fields = list(_FIELD.finditer(line))
        if len(fields) < _MIN_FIELDS or line.count("|") < _MIN_FIELDS - 1:
            continue
        chars = list(line)
        for field in fields:
            if field["key"].lower() not in units:
                continue
            start, end = field.span("key")
            words = field["key"].split("_")
            if _unit_word_last(words):
                # "lab_pt_sec=12.1": the unit's word in the code is no word of the name
                words[-1] = " " * len(words[-1])
            chars[start:end] = " ".join(words).upper()
            changed = True
        lines[index] = "".join(chars)
    return "\n".join(lines) if changed else text


def _field_name(key: str) -> str:
    """A field code as the rewritten row reads it: "lab_pt_sec" and "LAB PT    " are both
    "lab_pt" (the unit's word dropped)."""
    words = [w for w in re.split(r"[_\s]+", key.strip().lower()) if w]
    if _unit_word_last(words):
        words = words[:-1]
    return "_".join(words)


def field_unit(text: str, position: int) -> str | None:
    """The data dictionary's unit of the export field whose code holds `position` ("LAB
    ANC=4.6" read by as_field_rows: 10^9/L), else None."""
    line_start = text.rfind("\n", 0, position) + 1
    start = max(line_start, text.rfind("|", 0, position) + 1)
    equals = text.find("=", position)
    line_end = text.find("\n", position)
    if equals < 0 or (0 <= line_end < equals) or "|" in text[position:equals]:
        return None
    return _units_by_name(text).get(_field_name(text[start:equals]))


@lru_cache(maxsize=8)
def _units_by_name(text: str) -> dict[str, str]:
    """field_units by the name as rewritten, once per note (a str caches its hash, so a
    long note with many "ANC = 0.8" is scanned once, not once per value)."""
    return {_field_name(k): u for k, u in field_units(text).items()}


def _unit_word_last(words: list[str]) -> bool:
    """Whether a code ends in its unit's word after two words of name: "lab_pt_sec",
    "lab_hgb_gdl". After one word it may be the name itself ("lab_inr": INR is also a
    unit's name), so it stays."""
    return len(words) > 2 and canonical_unit(words[-1]) is not None
