"""Read an OMOP CDM v5.4 database: its tables as CSV files in a folder, or a SQLite file.

The tables read are `person`, `note`, `measurement`, `drug_exposure`, `condition_occurrence`
and `procedure_occurrence` (any other file or table is left alone). A person becomes a
`Patient`, a note a `Row` (checked exactly as a JSONL note row is), and each event row a
`CodedFact` (matcher.interchange.records) whose concept comes from the bundled concept map
(matcher.interchange.omop_map) or, failing that, from the row's `*_source_value` when it is
a code the vocabulary carries ("1742-6" -> lab.alt). A row whose concept neither names is
kept with `concept=None` and counted, never guessed. Each bad row is a `Reject` naming the
table file, the line (or row number in SQLite), the row's id and the field, never its value.

Ids: a person is known by `person_source_value` (the hospital's own id, so a patient whose
notes also come as JSONL is one patient) or, when that is empty, by `person_id`; a note by
`note_source_value`, else `note_id`. Every event row refers to its person by `person_id`.

Dates: "YYYY-MM-DD", or a datetime whose date part is that ("2026-11-02 08:30:00"). A date
after the run date (by more than the day time zones allow) is a typo and the row a reject.
A birth date needs `birth_datetime` or all of year, month and day: a year alone (how many
de-identified exports give it) leaves the birth date unknown rather than invent 1 July.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import ConfigurationError, InputRowError
from matcher.interchange.omop_map import ConceptMap, MappedConcept, load_concept_map
from matcher.interchange.records import CodedFact, InterchangeItem
from matcher.model import Patient
from matcher.store.ingest import (
    FUTURE_TOLERANCE,
    MAX_AGE_YEARS,
    MAX_ID_LENGTH,
    Reject,
    file_label,
    note_row,
    read_table,
)

TABLES = (
    "person", "note", "measurement", "drug_exposure", "condition_occurrence",
    "procedure_occurrence",
)  # fmt: skip
# The export's own vocabulary tables, when it carries them (a CDM database usually holds them
# beside the clinical tables): a concept id the bundled map does not list is looked up by its
# code (CONCEPT: LOINC 1742-6) and by its nearest mapped ancestor (CONCEPT_ANCESTOR: the
# clinical drug "prednisone 5 MG Oral Tablet" is a kind of the ingredient prednisone).
VOCABULARY_TABLES = ("concept", "concept_ancestor")
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")
_SQLITE_MAGIC = b"SQLite format 3\x00"
# How a coded fact names its source, as a person looks the row up: "measurement 4567".
OMOP_SYSTEM = "omop"
SOURCE_SYSTEM = "source"  # an unmapped row with no concept id: its source value is its code
MAX_SOURCE_VALUE = 64  # a source value longer than any code is free text, not a code
_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\S*)?")
_INT_RE = re.compile(r"[+-]?\d+(?:\.0*)?")


@dataclass(frozen=True)
class _Event:
    """How one event table becomes coded facts."""

    id_field: str
    concept_field: str
    source_field: str
    date_field: str
    # A bare source value is read as a code of these systems, each by the shape of its codes
    # ("1742-6" is LOINC, "M32.14" ICD-10); an explicit "SYSTEM:code" works in any table.
    bare_systems: tuple[str, ...]


EVENTS: dict[str, _Event] = {
    "measurement": _Event(
        "measurement_id", "measurement_concept_id", "measurement_source_value",
        "measurement_date", ("LOINC",),
    ),
    "drug_exposure": _Event(
        "drug_exposure_id", "drug_concept_id", "drug_source_value",
        "drug_exposure_start_date", ("RxNorm", "ATC"),
    ),
    "condition_occurrence": _Event(
        "condition_occurrence_id", "condition_concept_id", "condition_source_value",
        "condition_start_date", ("ICD10", "SNOMED"),
    ),
    "procedure_occurrence": _Event(
        "procedure_occurrence_id", "procedure_concept_id", "procedure_source_value",
        "procedure_date", ("SNOMED",),
    ),
}  # fmt: skip
REQUIRED: dict[str, tuple[str, ...]] = {
    "concept": ("concept_id", "concept_name", "vocabulary_id", "concept_code"),
    "concept_ancestor": (
        "ancestor_concept_id",
        "descendant_concept_id",
        "min_levels_of_separation",
    ),
    "person": ("person_id",),
    "note": ("note_id", "person_id", "note_date", "note_text"),
    **{t: (e.id_field, "person_id", e.concept_field, e.date_field) for t, e in EVENTS.items()},
}
# Codes by their shape. SNOMED ids have 6 to 18 digits; RxNorm's are shorter, and a longer
# string of digits in drug_source_value is an NDC (10-11 digits), which no vocabulary of ours
# carries.
_CODE_SHAPES = {
    "LOINC": re.compile(r"\d{1,7}-\d"),
    "ICD10": re.compile(r"[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?"),
    "SNOMED": re.compile(r"\d{6,18}"),
    "RxNorm": re.compile(r"\d{1,7}"),
    "ATC": re.compile(r"[A-Z](?:\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?)?"),
}
# OMOP vocabulary_id -> the code system our vocabulary writes (ICD-10-CM extends ICD-10).
_OMOP_VOCABULARIES = {
    "LOINC": "LOINC", "SNOMED": "SNOMED", "RxNorm": "RxNorm", "ICD10": "ICD10",
    "ICD10CM": "ICD10", "ATC": "ATC",
}  # fmt: skip
_SYSTEM_NAMES = {
    "loinc": "LOINC", "snomed": "SNOMED", "snomedct": "SNOMED", "sct": "SNOMED",
    "icd10": "ICD10", "icd10cm": "ICD10", "icd-10": "ICD10", "icd-10-cm": "ICD10",
    "rxnorm": "RxNorm", "atc": "ATC",
}  # fmt: skip


class _BadRow(Exception):
    """A row-level problem; its message becomes the reject reason."""


def find_tables(source: str | Path) -> dict[str, Path]:
    """The OMOP table files of a folder, by table name: "person.csv", "PERSON.csv" or
    "person.tsv" is the person table. Two files for one table is a ConfigurationError
    (which one is meant cannot be known)."""
    folder = Path(source)
    found: dict[str, Path] = {}
    for child in sorted(folder.iterdir()):
        if not child.is_file() or child.suffix.lower() not in TABLE_SUFFIXES:
            continue
        table = child.stem.lower()
        if table not in TABLES and table not in VOCABULARY_TABLES:
            continue
        if table in found:
            raise ConfigurationError(
                f"two files hold the OMOP table {table!r} ({found[table].name}, {child.name})",
                file=str(folder),
                expected="one file per table",
            )
        found[table] = child
    return found


def is_sqlite(path: str | Path) -> bool:
    try:
        with Path(path).open("rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


def is_omop(source: str | Path) -> bool:
    """Whether `source` looks like an OMOP CDM export: a folder holding a person table file,
    or a SQLite file with a person table (how `ingest` tells the format without --format)."""
    path = Path(source)
    if path.is_dir():
        try:
            return "person" in find_tables(path)
        except ConfigurationError:
            return True  # an OMOP folder, wrongly laid out: reading it says why
    if path.is_file() and is_sqlite(path):
        try:
            return "person" in _sqlite_tables(path)
        except sqlite3.Error:
            return False
    return False


def read_omop(
    source: str | Path,
    *,
    codes: Mapping[str, str] | None = None,
    concept_map: ConceptMap | None = None,
    today: dt.date | None = None,
    counts: Counter[str] | None = None,
) -> Iterator[InterchangeItem]:
    """Every person, note and event row of an OMOP CDM folder or SQLite file, as the
    interchange contract's items, persons first.

    `codes` maps our vocabulary's own codes ("LOINC:1742-6", "ICD10:M32.0") to concept ids:
    the fallback for a row whose concept id the map does not list (codes_from_vocabulary
    builds it). `concept_map` defaults to the bundled one. `today` (default: the machine's
    date) is the run date no fact may be after. `counts`, when given, gathers what was left
    out or could not be used, by reason ("birth date: year only", "value: censored").
    """
    path = Path(source)
    reader = _Reader(
        concept_map if concept_map is not None else load_concept_map(),
        dict(codes or {}),
        today or dt.date.today(),
        counts if counts is not None else Counter(),
    )
    if path.is_dir():
        tables = find_tables(path)
        if "person" not in tables:
            raise ConfigurationError(
                "the folder holds no OMOP person table",
                file=str(path),
                expected="person.csv beside the other tables (note, measurement, ...)",
            )
        if "concept" in tables:
            reader.learn(
                _csv_rows(tables["concept"], "concept"),
                _csv_rows(tables["concept_ancestor"], "concept_ancestor")
                if "concept_ancestor" in tables
                else None,
            )
        for table in TABLES:
            if table in tables:
                yield from reader.table(table, _csv_rows(tables[table], table))
    elif path.is_file() and is_sqlite(path):
        present = _sqlite_tables(path)
        if "person" not in present:
            raise ConfigurationError(
                "the SQLite file holds no OMOP person table", file=str(path),
                expected="an OMOP CDM database with a person table",
            )  # fmt: skip
        if "concept" in present:
            reader.learn(
                _sqlite_rows(path, present["concept"], "concept"),
                _sqlite_rows(path, present["concept_ancestor"], "concept_ancestor")
                if "concept_ancestor" in present
                else None,
            )
        for table in TABLES:
            if table in present:
                yield from reader.table(table, _sqlite_rows(path, present[table], table))
    else:
        raise ConfigurationError(
            "not an OMOP CDM export", file=str(path),
            expected="a folder of OMOP table CSV files, or a SQLite file of OMOP tables",
        )  # fmt: skip


def codes_from_vocabulary(concepts: Mapping[str, Any]) -> dict[str, str]:
    """Our vocabulary's codes -> concept ids, for read_omop's source-value fallback: each
    concept's `code` and `attrs.also_codes`. A code two concepts carry (SNOMED 85828009 is
    both "autoimmune disease" and "other autoimmune disease") decides nothing and is left
    out, so a row coded with it stays unmapped instead of getting one of the two by chance.
    `concepts` is matcher.nlp.vocab.Vocabulary.concepts (passed in: the interchange layer
    reads the vocabulary, it does not load it)."""
    owners: dict[str, set[str]] = {}
    for concept_id, concept in concepts.items():
        listed = [
            getattr(concept, "code", None),
            *getattr(concept, "attrs", {}).get("also_codes", ()),
        ]
        for code in listed:
            if isinstance(code, str) and ":" in code:
                system, _, value = code.partition(":")
                owners.setdefault(f"{system}:{value.strip().upper()}", set()).add(concept_id)
    return {code: next(iter(ids)) for code, ids in owners.items() if len(ids) == 1}


# --- table sources ------------------------------------------------------------------------

_Row = tuple[str, int, dict[str, str | None], bytes]  # file label, line, fields, raw bytes


def _csv_rows(path: Path, table: str) -> Iterator[_Row | Reject]:
    """A table file's rows; tab-separated when its header line has tabs and no commas
    (Athena and many CDM exports write TSV whatever the suffix)."""
    with path.open("rb") as fh:
        header = fh.readline().decode("utf-8", "replace")
    delimiter = "\t" if "\t" in header and "," not in header else ","
    name = file_label(path)
    for item in read_table(path, REQUIRED[table], delimiter=delimiter):
        if isinstance(item, Reject):
            yield item
            continue
        line, fields, raw = item
        yield name, line, {k: (v if v.strip() else None) for k, v in fields.items()}, raw


def _sqlite_tables(path: Path) -> dict[str, str]:
    """Table names of a SQLite file, lower-cased -> as written."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        known = (*TABLES, *VOCABULARY_TABLES)
        return {name.lower(): name for (name,) in rows if name.lower() in known}


def _sqlite_rows(path: Path, name: str, table: str) -> Iterator[_Row | Reject]:
    label = f"{file_label(path)}:{table}"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = conn.execute(f'SELECT * FROM "{name}"')  # noqa: S608 - a name SQLite listed
        columns = [d[0].lower() for d in cursor.description]
        missing = [c for c in REQUIRED[table] if c not in columns]
        if missing:
            raise ConfigurationError(
                f"the table lacks column(s) {', '.join(missing)}", file=label,
                expected=f"the OMOP CDM v5.4 {table} columns",
            )  # fmt: skip
        for number, values in enumerate(cursor, start=1):
            fields: dict[str, str | None] = {}
            bad = None
            for column, value in zip(columns, values, strict=True):
                if isinstance(value, bytes):
                    bad = column
                    break
                fields[column] = _sqlite_text(value)
            if bad is not None:
                yield Reject(label, number, f"field {bad!r} holds binary data, not text")
                continue
            yield label, number, fields, b""
    finally:
        conn.close()


def _sqlite_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    return text if text.strip() else None


# --- rows ---------------------------------------------------------------------------------


class _Reader:
    def __init__(
        self, concept_map: ConceptMap, codes: dict[str, str], today: dt.date, counts: Counter[str]
    ) -> None:
        self.map = concept_map
        self.codes = {**codes, **concept_map.source_codes}
        self.today = today
        self.counts = counts
        self.by_code: dict[int, MappedConcept] = {}  # from the export's concept table
        self.by_ancestor: dict[int, MappedConcept] = {}  # from its concept_ancestor table
        self.people: dict[int, Patient] = {}
        self.patient_ids: dict[str, int] = {}  # patient id -> the person_id that took it

    def table(self, table: str, rows: Iterator[_Row | Reject]) -> Iterator[InterchangeItem]:
        read: Callable[[str, int, dict[str, str | None], bytes], InterchangeItem]
        read = {"person": self._person, "note": self._note}.get(table) or (
            lambda file, line, fields, raw: self._event(table, file, line, fields)
        )
        id_field = "person_id" if table == "person" else REQUIRED[table][0]
        seen: dict[int, tuple[int, int]] = {}  # row id -> (content digest, first line)
        for item in rows:
            if isinstance(item, Reject):
                yield item
                continue
            file, line, fields, raw = item
            try:
                row_id = _int(fields, id_field)
                digest = hash(tuple(sorted(fields.items())))
                first = seen.get(row_id)
                if first is not None:
                    if first[0] == digest:
                        continue  # the same row twice: one fact
                    raise _BadRow(
                        f"{id_field} {row_id} comes twice with different content "
                        f"(first on line {first[1]})"
                    )
                result = read(file, line, fields, raw)
                seen[row_id] = (digest, line)
            except _BadRow as exc:
                yield Reject(file, line, _with_id(table, fields, str(exc)), raw)
                continue
            except InputRowError as exc:
                yield Reject(file, line, _with_id(table, fields, exc.detail), raw)
                continue
            yield result

    # -- person and note

    def _person(self, file: str, line: int, fields: dict[str, str | None], raw: bytes) -> Patient:
        person_id = _int(fields, "person_id")
        patient_id = _ident(fields, "person_source_value") or str(person_id)
        other = self.patient_ids.get(patient_id)
        if other is not None and other != person_id:
            raise _BadRow(f"person_source_value is also person_id {other}'s")
        birth = self._birth(fields)
        if birth is not None:
            if birth > self.today + FUTURE_TOLERANCE:
                raise _BadRow(f"the birth date is after the run date {self.today}")
            if birth.year < self.today.year - MAX_AGE_YEARS:
                raise _BadRow(f"the birth date is more than {MAX_AGE_YEARS} years ago")
        patient = Patient(patient_id, birth, self._sex(fields))
        self.people[person_id] = patient
        self.patient_ids[patient_id] = person_id
        return patient

    def _birth(self, fields: dict[str, str | None]) -> dt.date | None:
        if fields.get("birth_datetime"):
            return _date(fields, "birth_datetime")
        parts = [fields.get(k) for k in ("year_of_birth", "month_of_birth", "day_of_birth")]
        if not any(parts):
            return None
        if not all(parts):
            self.counts["birth date: year or month only"] += 1
            return None
        year, month, day = (
            _int(fields, k) for k in ("year_of_birth", "month_of_birth", "day_of_birth")
        )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _BadRow(
                "year_of_birth, month_of_birth and day_of_birth are not a real date"
            ) from None

    def _sex(self, fields: dict[str, str | None]) -> str | None:
        concept = _concept_id(fields, "gender_concept_id")
        if concept in self.map.genders:
            return self.map.genders[concept]
        stated = (fields.get("gender_source_value") or "").strip().upper()
        return {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}.get(stated)

    def _person_of(self, fields: dict[str, str | None]) -> Patient:
        person_id = _int(fields, "person_id")
        patient = self.people.get(person_id)
        if patient is None:
            raise _BadRow(f"person_id {person_id} is not in the person table")
        return patient

    def _note(self, file: str, line: int, fields: dict[str, str | None], raw: bytes) -> Any:
        patient = self._person_of(fields)
        note_id = _ident(fields, "note_source_value") or str(_int(fields, "note_id"))
        when = _date(fields, "note_date") if fields.get("note_date") else None
        return note_row(file, line, {
            "patient_id": patient.patient_id,
            "note_id": note_id,
            "note_date": when.isoformat() if when else None,
            "text": fields.get("note_text"),
            "note_type": fields.get("note_title"),
            "birth_date": patient.birth_date.isoformat() if patient.birth_date else None,
            "sex": patient.sex,
        }, self.today, raw)  # fmt: skip

    # -- events

    def _event(self, table: str, file: str, line: int, fields: dict[str, str | None]) -> CodedFact:
        spec = EVENTS[table]
        patient = self._person_of(fields)
        row_id = _int(fields, spec.id_field)
        when = self._fact_date(fields, spec.date_field)
        concept_id = _concept_id(fields, spec.concept_field)
        source_code = _source_code(fields.get(spec.source_field), spec.bare_systems)
        concept, display, mapped_by = self._concept(concept_id, source_code)
        attrs: dict[str, Any] = {"mapped_by": mapped_by} if mapped_by else {}
        if source_code is not None:
            attrs["source_code"] = source_code
        if concept_id:
            code_system, code = OMOP_SYSTEM, str(concept_id)
        elif source_code is not None:
            code_system, _, code = source_code.partition(":")
        else:
            # Neither a concept id nor a code: the source value is all there is to count
            # the row by ("unknown code ... 12 rows"). It is a code or a lab's name in an
            # OMOP table, never the patient's data; cut to the length of a code.
            code_system = SOURCE_SYSTEM
            code = (fields.get(spec.source_field) or "").strip()[:MAX_SOURCE_VALUE]
        value: float | str | None = None
        unit = ref_low = ref_high = None
        if table == "measurement":
            value, unit = self._measured(fields, attrs)
            ref_low, ref_high = _number(fields, "range_low"), _number(fields, "range_high")
        elif table == "drug_exposure":
            attrs.update(self._exposure(fields, when))
        elif table == "condition_occurrence":
            end = self._optional_date(fields, "condition_end_date")
            attrs.update({"onset": when.isoformat(), "abatement": end.isoformat() if end else None})
        return CodedFact(
            patient_id=patient.patient_id,
            source=f"{table} {row_id}",
            file=file,
            line=line,
            code_system=code_system,
            code=code,
            concept=concept,
            date=when,
            value=value,
            unit=unit,
            ref_low=ref_low,
            ref_high=ref_high,
            display=display,
            attrs=attrs,
        )

    def _concept(
        self, concept_id: int, source_code: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """(our concept, the name shown, how it was found), or Nones. In order: the bundled
        map; the export's own concept table (the id's code is one of our vocabulary's); the
        id's nearest mapped ancestor in its concept_ancestor table; the row's source code."""
        for mapped, how in (
            (self.map.concepts.get(concept_id), "map"),
            (self.by_code.get(concept_id), "concept table"),
            (self.by_ancestor.get(concept_id), "concept_ancestor"),
        ):
            if mapped is not None:
                return mapped.concept, mapped.name, how
        if source_code is None:
            return None, None, None
        found = self.codes.get(source_code)
        if found is None and source_code.startswith("ICD10:"):
            found = self._icd10_parent(source_code)
        if found is None:
            return None, None, None
        return found, source_code.replace(":", " ", 1), "source value"

    def learn(
        self, concepts: Iterator[_Row | Reject], ancestors: Iterator[_Row | Reject] | None
    ) -> None:
        """Read the export's vocabulary tables. A concept whose code is one of our
        vocabulary's maps to it ("LOINC 1742-6" -> lab.alt); a concept then maps to its
        nearest mapped ancestor (fewest levels of separation), unless two ancestors at that
        distance map to different concepts, which decides nothing. Only what maps is kept:
        a full vocabulary's millions of rows stream past. A vocabulary row that does not
        read is skipped and counted, never a patient's reject."""
        for fields in self._vocabulary_rows(concepts):
            system = _OMOP_VOCABULARIES.get((fields.get("vocabulary_id") or "").strip())
            code = (fields.get("concept_code") or "").strip().upper()
            concept = self.codes.get(f"{system}:{code}") if system and code else None
            if concept is None:
                continue
            name = (fields.get("concept_name") or "").strip()[:MAX_SOURCE_VALUE]
            self.by_code[_int(fields, "concept_id")] = MappedConcept(concept, name or code)
        if ancestors is None:
            return
        nearest: dict[int, tuple[int, MappedConcept | None]] = {}
        for fields in self._vocabulary_rows(ancestors):
            ancestor = _int(fields, "ancestor_concept_id")
            mapped = self.map.concepts.get(ancestor) or self.by_code.get(ancestor)
            descendant = _int(fields, "descendant_concept_id")
            if mapped is None or descendant == ancestor:
                continue
            level = _int(fields, "min_levels_of_separation")
            known = nearest.get(descendant)
            if known is None or level < known[0]:
                nearest[descendant] = (level, mapped)
            elif level == known[0] and known[1] is not None and known[1].concept != mapped.concept:
                nearest[descendant] = (level, None)
        self.by_ancestor = {d: m for d, (_, m) in nearest.items() if m is not None}

    def _vocabulary_rows(self, rows: Iterator[_Row | Reject]) -> Iterator[dict[str, str | None]]:
        for item in rows:
            if isinstance(item, Reject):
                self.counts["vocabulary: row skipped (unreadable)"] += 1
                continue
            fields = item[2]
            try:
                for key in ("concept_id", "ancestor_concept_id", "descendant_concept_id",
                            "min_levels_of_separation"):  # fmt: skip
                    if key in fields:
                        _int(fields, key)
            except _BadRow:
                self.counts["vocabulary: row skipped (unreadable)"] += 1
                continue
            yield fields

    def _icd10_parent(self, code: str) -> str | None:
        """ICD-10 is a hierarchy written into its codes: M32.14 is a kind of M32.1, which is
        a kind of M32. A code the vocabulary lacks takes its nearest listed ancestor's
        concept (the longest prefix ending at a character boundary of the code)."""
        text = code.removeprefix("ICD10:")
        while len(text) > 3:
            text = text[:-1].rstrip(".")
            found = self.codes.get(f"ICD10:{text}")
            if found is not None:
                return found
        return None

    def _fact_date(self, fields: dict[str, str | None], key: str) -> dt.date:
        when = self._optional_date(fields, key)
        if when is None:
            raise _BadRow(f"missing field {key!r}")
        return when

    def _optional_date(self, fields: dict[str, str | None], key: str) -> dt.date | None:
        if not fields.get(key):
            return None
        when = _date(fields, key)
        if when > self.today + FUTURE_TOLERANCE:
            raise _BadRow(
                f"field {key!r} is after the run date {self.today} (by more than the "
                f"{FUTURE_TOLERANCE.days} day allowed for time zones)"
            )
        return when

    def _measured(
        self, fields: dict[str, str | None], attrs: dict[str, Any]
    ) -> tuple[float | str | None, str | None]:
        number = _number(fields, "value_as_number")
        value: float | str | None = number
        if number is not None:
            operator_id = _concept_id(fields, "operator_concept_id")
            operator = self.map.operators.get(operator_id) if operator_id else "="
            if operator != "=":
                # "<0.3": a bound, not a value. Taken as 0.3 it would pass "creatinine
                # < 0.3" and fail "> 0.2" on a number nobody measured.
                attrs["bound"] = number
                attrs["operator"] = operator or f"operator_concept_id {operator_id}"
                self.counts["value: censored (an operator other than =)"] += 1
                value = None
        else:
            answer_id = _concept_id(fields, "value_as_concept_id")
            value = self.map.values.get(answer_id)
            if answer_id and value is None:
                attrs["value_concept_id"] = answer_id
                self.counts["value: unknown value_as_concept_id"] += 1
        unit_id = _concept_id(fields, "unit_concept_id")
        unit = self.map.units.get(unit_id)
        if unit is None:
            stated = (fields.get("unit_source_value") or "").strip()
            unit = stated[:32] or None
            if unit_id and unit is None:
                attrs["unit_concept_id"] = unit_id
                self.counts["unit: unknown unit_concept_id"] += 1
        return value, unit

    def _exposure(self, fields: dict[str, str | None], start: dt.date) -> dict[str, Any]:
        stop = self._optional_date(fields, "drug_exposure_end_date")
        if stop is not None and stop < start:
            raise _BadRow("drug_exposure_end_date is before drug_exposure_start_date")
        exposure: dict[str, Any] = {
            "start": start.isoformat(),
            "stop": stop.isoformat() if stop else None,
        }
        for key in ("quantity", "days_supply"):
            amount = _number(fields, key)
            if amount is not None:
                exposure[key] = amount
        for key, name in (("route_source_value", "route"), ("dose_unit_source_value", "dose_unit")):
            stated = (fields.get(key) or "").strip()
            if stated:
                exposure[name] = stated[:MAX_SOURCE_VALUE]
        return exposure


# --- fields -------------------------------------------------------------------------------


def _with_id(table: str, fields: dict[str, str | None], reason: str) -> str:
    """A reject reason with the row's id first, when the id itself reads: "measurement_id
    4567: field 'measurement_date' is not a YYYY-MM-DD date (text of 9 characters)". The
    file (or SQLite file:table) already names the table."""
    id_field = "person_id" if table == "person" else REQUIRED[table][0]
    raw = (fields.get(id_field) or "").strip()
    if not _INT_RE.fullmatch(raw) or reason.startswith(id_field):
        return reason
    return f"{id_field} {int(float(raw))}: {reason}"


def _length(value: str) -> str:
    return f"text of {len(value)} character{'' if len(value) == 1 else 's'}"


def _int(fields: dict[str, str | None], key: str) -> int:
    raw = fields.get(key)
    if raw is None:
        raise _BadRow(f"missing field {key!r}")
    if raw.isdigit() and raw.isascii():  # the common case, five times a row: no regex
        return int(raw)
    text = raw.strip()
    if not _INT_RE.fullmatch(text):
        raise _BadRow(f"field {key!r} is not an integer ({_length(text)})")
    return int(float(text))


def _concept_id(fields: dict[str, str | None], key: str) -> int:
    """A concept id; empty is 0, OMOP's "no matching concept"."""
    return 0 if not fields.get(key) else _int(fields, key)


def _number(fields: dict[str, str | None], key: str) -> float | None:
    raw = fields.get(key)
    if raw is None:
        return None
    try:
        number = float(raw.strip())
    except ValueError:
        raise _BadRow(f"field {key!r} is not a number ({_length(raw.strip())})") from None
    if not math.isfinite(number):
        raise _BadRow(f"field {key!r} is not a finite number")
    return number


def _date(fields: dict[str, str | None], key: str) -> dt.date:
    text = (fields.get(key) or "").strip()
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise _BadRow(f"field {key!r} is not a YYYY-MM-DD date ({_length(text)})")
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise _BadRow(
            f"field {key!r} is not a real date (YYYY-MM-DD with the month or day out of range)"
        ) from None


def _ident(fields: dict[str, str | None], key: str) -> str | None:
    """An id given as text (person_source_value), or None when empty. One that could not be
    an id (too long, a control character) is a reject: it would be the patient's id."""
    text = (fields.get(key) or "").strip()
    if not text:
        return None
    if len(text) > MAX_ID_LENGTH:
        raise _BadRow(
            f"field {key!r} is {len(text)} characters long, more than an id's {MAX_ID_LENGTH}"
        )
    if not text.isprintable():
        raise _BadRow(f"field {key!r} holds a control or other non-printable character")
    return text


def _source_code(raw: str | None, bare_systems: tuple[str, ...]) -> str | None:
    """A `*_source_value` read as "SYSTEM:code" when it is one: written so ("LOINC:1742-6",
    "ICD-10-CM M32.14") or a bare code of a shape only one of the table's systems has
    ("1742-6" in measurement). Anything else (a local code, a lab's name) is None."""
    if raw is None:
        return None
    text = raw.strip()
    prefixed = re.fullmatch(r"([A-Za-z][A-Za-z0-9-]*)\s*[: ]\s*(\S+)", text)
    if prefixed is not None:
        system = _SYSTEM_NAMES.get(prefixed.group(1).lower())
        code = prefixed.group(2).upper()
        if system is not None and _CODE_SHAPES[system].fullmatch(code):
            return f"{system}:{code}"
        return None
    shapes = [s for s in bare_systems if _CODE_SHAPES[s].fullmatch(text.upper())]
    return f"{shapes[0]}:{text.upper()}" if len(shapes) == 1 else None
