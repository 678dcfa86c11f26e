"""Drug fields of a coded registry export pasted into a note.

A REDCap (or alike) export prints one record as `field=value` cells ("rtx_given=1 |
rtx_last_dose=2026-03-10 | mmf_start=2025-09-10") and, often, its data dictionary on a
line of its own ("# dictionary: rtx_given 0=no 1=yes 2=planned/not given"). No drug name
stands in the text as prose writes it, so the concept finder reads none: here a field whose
name is a drug's abbreviation or term joined to a known suffix is read as that drug, its
coded answer through the note's own dictionary ("2" is "planned/not given": a plan, no
exposure), its dates as the course's start or last dose. The words are data
(matcher/nlp/data/coded_fields.json), validated when first read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache

from matcher.model import Finding
from matcher.nlp.mentions import _Context, _finding
from matcher.nlp.vocab import Vocabulary, versioned_rule_file

__all__ = ["coded_drug_fields"]

_LISTS = ("given", "start", "last", "yes", "no", "planned")
_KEYS = frozenset({"version", "description", *_LISTS})

# "rtx_given=1": a field name with an underscore, "=", and its value up to the next cell.
_CELL = re.compile(r"(?<![\w.])(?P<field>[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+)[ \t]*=[ \t]*"
                   r"(?P<value>[^|\n=]*?)[ \t]*(?=\||\n|$)")
# "# dictionary: rtx_given 0=no 1=yes 2=planned/not given | bx_class 1=I 2=II"
_DICTIONARY = re.compile(r"^[ \t]*#?[ \t]*(?:data[ \t]+)?dictionary\b[^:\n]*:(?P<body>[^\n]*)$",
                         re.I | re.M)
_ENTRY = re.compile(r"^\s*(?P<field>[A-Za-z][A-Za-z0-9_]*)\s+(?P<codes>-?\d+\s*=.*)$")
_CODE = re.compile(r"(-?\d+)\s*=\s*(.+?)\s*(?=-?\d+\s*=|$)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@cache
def _words() -> dict[str, tuple[str, ...]]:
    data = versioned_rule_file("coded_fields.json", _KEYS, _LISTS)
    return {key: tuple(w.casefold() for w in data[key]) for key in _LISTS}


def _dictionary(text: str) -> dict[str, dict[str, str]]:
    """field → code → label, from the note's dictionary lines."""
    table: dict[str, dict[str, str]] = {}
    for line in _DICTIONARY.finditer(text):
        for entry in line["body"].split("|"):
            found = _ENTRY.match(entry)
            if found is not None:
                table[found["field"].casefold()] = {
                    code: label.strip().casefold() for code, label in _CODE.findall(found["codes"])
                }
    return table


@cache
def _drug_names(vocabulary: Vocabulary) -> dict[str, str]:
    """A drug's abbreviations and one-word terms, folded → its concept id; a name two
    drugs share names neither."""
    names: dict[str, set[str]] = {}
    for concept in vocabulary.concepts.values():
        if concept.category != "drug":
            continue
        for name in (*concept.abbreviations, *concept.terms):
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                names.setdefault(name.casefold(), set()).add(concept.id)
    return {name: next(iter(ids)) for name, ids in names.items() if len(ids) == 1}


def _split(field: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(concept id, the suffix's kind) of a drug field ("rtx_last_dose"), or None."""
    words = _words()
    prefix, _, suffix = field.casefold().partition("_")
    concept = _drug_names(vocabulary).get(prefix)
    if concept is None:
        return None
    for kind in ("given", "start", "last"):
        if suffix in words[kind]:
            return concept, kind
    return None


def _answer(field: str, value: str, dictionary: dict[str, dict[str, str]]) -> str | None:
    """The assertion a coded given-field's value says, or None."""
    words = _words()
    label = value.strip().casefold()
    codes = dictionary.get(field.casefold())
    if codes is not None:
        label = codes.get(label, "")
    elif label in ("0", "1"):
        label = {"0": "no", "1": "yes"}[label]  # a yes/no field's own codes
    for assertion, key in (("hypothetical", "planned"), ("negated", "no"), ("affirmed", "yes")):
        if label in words[key]:
            return assertion
    return None


def _iso(value: str) -> dt.date | None:
    found = _ISO_DATE.match(value.strip())
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def coded_drug_fields(ctx: _Context) -> Iterable[Finding]:
    """The drugs a coded export's cells give: one finding per drug and record line, its
    evidence the cell that decides it ("rtx_given=1" planned, given or not), dated by
    its start or last-dose cell, else by the note."""
    if "=" not in ctx.text:
        return
    dictionary = _dictionary(ctx.text)
    lines: dict[tuple[int, str], dict[str, tuple[int, int, str]]] = {}
    for cell in _CELL.finditer(ctx.text):
        found = _split(cell["field"], ctx.vocabulary)
        if found is None or not cell["value"].strip():
            continue
        line = ctx.text.rfind("\n", 0, cell.start()) + 1
        concept, kind = found
        cells = lines.setdefault((line, concept), {})
        cells[kind] = (cell.start(), cell.end("value"), cell["value"])
        lines[(line, concept)].setdefault("field:" + kind, (0, 0, cell["field"]))
    for (_, concept_id), cells in lines.items():
        concept = ctx.vocabulary[concept_id]
        assertion = "affirmed"
        start, end = min(c[0] for k, c in cells.items() if not k.startswith("field:")), 0
        if "given" in cells:
            answer = _answer(cells["field:given"][2], cells["given"][2], dictionary)
            if answer is None:
                continue  # a code the dictionary does not give, or an unknown label
            assertion = answer
            start, end = cells["given"][0], cells["given"][1]
        begun = _iso(cells["start"][2]) if "start" in cells else None
        last = _iso(cells["last"][2]) if "last" in cells else None
        if assertion == "affirmed" and last is not None:
            start, end = cells["last"][0], cells["last"][1]
        elif assertion == "affirmed" and begun is not None and "given" not in cells:
            start, end = cells["start"][0], cells["start"][1]
        if not end:
            continue
        if assertion != "affirmed":
            begun = last = None
        attrs = {"start_date": begun or last, "stop_date": last if begun is None else None,
                 "documented_by": ctx.note_date, "coded_field": True}
        if last is not None and begun is None:
            # "rtx_last_dose=2026-03-10": a dose that day, the course's last.
            attrs["single_dose"] = True
        elif last is not None:
            attrs["stop_date"] = last
        date = attrs["start_date"] or ctx.note_date
        yield _finding(ctx, concept, start, end, assertion, date=date,
                       date_source="text" if attrs["start_date"] else "note", attrs=attrs)
