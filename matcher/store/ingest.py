"""Read note exports (JSONL or CSV), load the good rows, keep the bad ones as rejects.

A bad row never stops a load: it becomes a `Reject` (file, 1-based physical line,
reason) and the rest continues. Only a file that cannot be read as a note export at
all raises (ConfigurationError), naming the file.

Files are read as bytes and decoded row by row, so one row with broken encoding is
rejected on its own instead of failing the whole file. A value that cannot be stored (a
lone UTF-16 surrogate, a NUL, a control character or 129+ characters in an id), an
impossible date and a duplicate JSON key are rejects too, and so is a row on which
anything unexpected goes wrong: one bad row never costs a good one.

Reasons describe a bad value by field, type and length ("field 'birth_date' is not a
YYYY-MM-DD date (text of 17 characters)") and never echo it: a misplaced value may be
note text or a birth date (PHI). Only a row's patient_id and note_id, once valid, are
named. The raw row is kept in the database's rejects table, not in messages or logs.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal, TypeVar

from matcher.errors import ConfigurationError, InputRowError, StoreError
from matcher.model import Finding, Note, Patient, note_too_long
from matcher.store import Store, content_hash, encodable

log = logging.getLogger(__name__)

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json", ".jsonlines"})
CSV_SUFFIXES = frozenset({".csv"})
NOTE_FIELDS = ("patient_id", "note_id", "note_date", "text")
PATIENT_FIELDS = ("patient_id",)
KNOWN_FIELDS = frozenset({*NOTE_FIELDS, "note_type", "birth_date", "sex"})
# An id is a key, not text: 128 characters is far above any EHR's ids, and a longer one is
# a shifted column or pasted note text (which a reason must not echo, nor a page show).
MAX_ID_LENGTH = 128
# A note may carry tomorrow's date (an export written in a time zone ahead of this
# machine's), never a later one: "2062-03-01" for "2026-03-01" is a typo, not a fact.
FUTURE_TOLERANCE = dt.timedelta(days=1)
MAX_AGE_YEARS = 130  # a birth_date further back than this before its note is a typo
LOAD_BATCH = 500  # rows per transaction while loading notes
PARSE_BATCH = 200  # notes per transaction while storing findings
_SNIFF_BYTES = 8192
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-32 BOMs begin with these or a NUL
# SQLite text is UTF-8: a lone surrogate ("\ud83d" in JSON without its pair) cannot be
# written at all, and a NUL is cut off by most tools that read the database back.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The csv module's default 128 kB field limit would reject long notes (discharge summaries
# run to megabytes); raising a process-wide limit is harmless to other csv users.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))

_T = TypeVar("_T")
Format = Literal["jsonl", "csv"]
Progress = Callable[[str, int, int | None], None]  # (stage, done, total or None)
# A loader for a format the store does not read itself (FHIR, OMOP: matcher.interchange,
# which imports the store): given a path it loads it into the report and returns True, or
# returns False to leave it to the JSONL/CSV reader. A folder is offered whole first (an
# OMOP folder of tables), then each of its files.
OtherFormat = Callable[["Store", Path, "IngestReport"], bool]


@dataclass(frozen=True)
class Reject:
    """A row that was not loaded. `raw` (the row's bytes) is for the database only."""

    file: str
    line: int
    reason: str
    raw: bytes = field(default=b"", repr=False, compare=False)


@dataclass(frozen=True)
class Row:
    """A good note row: the note and the demographics it carried (possibly none)."""

    file: str
    line: int
    note: Note
    patient: Patient
    raw: bytes = field(default=b"", repr=False, compare=False)


RowOrReject = Row | Reject


@dataclass
class IngestReport:
    files: list[str] = field(default_factory=list)
    rows: int = 0  # data rows read from note files, good and rejected
    new: int = 0
    unchanged: int = 0
    changed: int = 0
    parsed: int = 0
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    patients: int = 0  # rows loaded from the --patients file
    parse_failed: list[str] = field(default_factory=list)  # note ids the parser raised on
    # Coded facts (FHIR, OMOP; matcher.interchange.load): read, and by outcome ("timeline",
    # "unmapped", "undated"), by store outcome ("new", "changed", "unchanged"), unmapped
    # codes ("http://loinc.org|9999-9": n), values left out by reason (an unknown unit),
    # records skipped by status ("entered-in-error": n).
    facts: int = 0
    fact_outcomes: dict[str, int] = field(default_factory=dict)
    fact_loads: dict[str, int] = field(default_factory=dict)
    unmapped_codes: dict[str, int] = field(default_factory=dict)
    values_left_out: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


class _BadRow(Exception):
    """A row-level problem; its message becomes the reject reason."""


@dataclass(frozen=True)
class _Record:
    line: int
    fields: dict[str, Any]
    raw: bytes


# --- reading ------------------------------------------------------------------------------


_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1


def file_label(path: str | Path) -> str:
    """A file's name as it is stored and reported. A name that is not UTF-8 (a Latin-1
    share: b"notes\xe9.jsonl") keeps its bytes readable as "notes\\xe9.jsonl" instead of
    failing every write of the name to SQLite, the report or the terminal."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_rows(path: str | Path, *, today: dt.date | None = None) -> Iterator[RowOrReject]:
    """Every data row of a note export, as a Row or a Reject, in file order.

    A note id that comes again in the same file is rejected if its content differs
    (which one is right cannot be known); an identical repeat is dropped silently.
    `today` (default: the machine's date) is the run date that no note may be after.
    """
    name = file_label(path)
    run_date = today or dt.date.today()
    # note id -> one int packing (content digest, demographics, line): a million-row
    # export keeps ~150 bytes a row here instead of ~450 (a digest string, a Patient
    # and a tuple each), so the nightly job's memory stays flat as exports grow.
    seen: dict[str, int] = {}
    for item in _records(Path(path), NOTE_FIELDS):
        if isinstance(item, Reject):
            yield item
            continue
        try:
            row = _note_row(name, item, run_date)
        except _BadRow as exc:
            yield Reject(name, item.line, str(exc), item.raw)
            continue
        except Exception as exc:  # a bug the row trips must not end the file: see load_rows
            yield Reject(name, item.line, _unexpected(name, item.line, "read", exc), item.raw)
            continue
        digest = int(content_hash(row.note)[:16], 16)
        who = hash(row.patient) & _MASK64
        first = seen.get(row.note.note_id)
        if first is None:
            seen[row.note.note_id] = (digest << 96) | (who << 32) | (row.line & _MASK32)
            yield row
        elif first >> 96 != digest:
            yield Reject(
                name,
                row.line,
                f"duplicate note_id {row.note.note_id!r} (first on line {first & _MASK32}) "
                "with different content",
                item.raw,
            )
        elif (first >> 32) & _MASK64 != who:
            yield row  # same note, other demographics: let the store merge them
        # else: an exact repeat, nothing to do


def read_patients(path: str | Path, *, today: dt.date | None = None) -> Iterator[Patient | Reject]:
    """Demographics rows (patient_id, birth_date, sex) from a JSONL or CSV file; a birth
    date after `today` (the run date) or more than MAX_AGE_YEARS before it is a reject."""
    for item in _patient_rows(Path(path), today or dt.date.today()):
        yield item if isinstance(item, Reject) else item[2]


def _patient_rows(path: Path, run_date: dt.date) -> Iterator[tuple[int, bytes, Patient] | Reject]:
    name = file_label(path)
    for item in _records(path, PATIENT_FIELDS):
        if isinstance(item, Reject):
            yield item
            continue
        try:
            patient = _patient(item.fields, _ident(item.fields, "patient_id"))
            if patient.birth_date is not None:
                when = f"the run date {run_date}"
                _possible_birth(patient.birth_date, run_date, when, slack=FUTURE_TOLERANCE)
        except _BadRow as exc:
            yield Reject(name, item.line, str(exc), item.raw)
            continue
        except Exception as exc:  # a bug the row trips must not end the file
            yield Reject(name, item.line, _unexpected(name, item.line, "read", exc), item.raw)
            continue
        yield item.line, item.raw, patient


def _open_export(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read the file: {exc.strerror or exc}", file=str(path)
        ) from exc


def _records(path: Path, required: tuple[str, ...]) -> Iterator[_Record | Reject]:
    with _open_export(path) as fh:
        try:
            head = fh.read(_SNIFF_BYTES)
            fmt = _detect_format(path, head, required)
            fh.seek(0)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the file: {exc.strerror or exc}", file=str(path)
            ) from exc
        if fmt == "jsonl":
            yield from _jsonl_records(path, fh)
        else:
            yield from _csv_records(path, fh, required)


def _detect_format(path: Path, head: bytes, required: tuple[str, ...]) -> Format:
    if head.startswith(b"\x1f\x8b") or head.startswith(b"PK\x03\x04"):
        raise ConfigurationError(
            "the file is compressed (gzip/zip/xlsx), not a text export",
            file=str(path),
            expected="JSONL or CSV, UTF-8",
        )
    # Told by the first bytes only: UTF-16/32 text starts with a byte-order mark or has a
    # NUL beside its first character, while a NUL further in is one bad row's (a reject).
    if head.startswith(_UTF16_32_BOMS) or b"\x00" in head[:2]:
        raise ConfigurationError(
            "the file is binary or UTF-16, not a UTF-8 text export",
            file=str(path),
            expected="JSONL or CSV, UTF-8",
        )
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        first = head.removeprefix(_BOM).lstrip()[:1]
        if first not in (b"", b"{", b"["):
            raise ConfigurationError(
                "the file does not look like JSON lines",
                file=str(path),
                expected="one JSON object per line",
            )
        _refuse_single_json_document(path, head)
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    text = head.removeprefix(_BOM).lstrip()
    if not text:
        return "jsonl"  # empty: nothing to read either way
    if text[:1] in (b"{", b"["):
        _refuse_single_json_document(path, head)
        return "jsonl"
    first_line = text.split(b"\n", 1)[0].decode("utf-8", "replace")
    header = {h.strip().lower() for h in next(csv.reader([first_line]), [])}
    if set(required) <= header:
        return "csv"
    raise ConfigurationError(
        "cannot tell the file's format",
        file=str(path),
        expected=f"JSON lines, or CSV with a header naming {', '.join(required)}",
    )


def _refuse_single_json_document(path: Path, head: bytes) -> None:
    """A pretty-printed JSON array/object would otherwise give one reject per line."""
    first = next((ln for ln in head.removeprefix(_BOM).split(b"\n") if ln.strip()), b"")
    if first.strip() not in (b"[", b"{"):
        return
    try:
        json.loads(path.read_bytes().removeprefix(_BOM))
    except (ValueError, RecursionError):
        return  # not one document either: let the rows be rejected one by one
    raise ConfigurationError(
        "the file is one JSON document, not JSON lines",
        file=str(path),
        expected="one JSON object per line",
    )


def _jsonl_records(path: Path, fh: BinaryIO) -> Iterator[_Record | Reject]:
    name = file_label(path)
    for number, raw in enumerate(fh, start=1):
        data = raw.removeprefix(_BOM) if number == 1 else raw
        if not data.strip():
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(name, number, _utf8_reason(data, exc), raw)
            continue
        try:
            # strict=False: tabs inside strings are ok
            obj = json.loads(text, strict=False, object_pairs_hook=_object)
        except _BadRow as exc:
            yield Reject(name, number, str(exc), raw)
            continue
        except json.JSONDecodeError as exc:
            # Not the part after ": ": the pure-Python decoder appends the bad escape there.
            message = exc.msg.partition(": ")[0]
            yield Reject(name, number, f"invalid JSON: {message} at column {exc.colno}", raw)
            continue
        except (ValueError, RecursionError) as exc:
            yield Reject(name, number, f"invalid JSON: {type(exc).__name__}", raw)
            continue
        except Exception as exc:  # a bug the row trips must not end the file
            yield Reject(name, number, _unexpected(name, number, "read", exc), raw)
            continue
        if not isinstance(obj, dict):
            yield Reject(name, number, f"the row is a JSON {_json_type(obj)}, not an object", raw)
            continue
        yield _Record(number, obj, raw)


def _csv_records(
    path: Path, fh: BinaryIO, required: tuple[str, ...], delimiter: str = ","
) -> Iterator[_Record | Reject]:
    name = file_label(path)
    pending: list[bytes] = []  # the physical lines of the record being read

    def lines() -> Iterator[str]:
        for number, raw in enumerate(fh, start=1):
            pending.append(raw)
            # surrogateescape keeps undecodable bytes visible so that only their row is
            # rejected; the csv module needs text.
            text = raw.decode("utf-8", "surrogateescape")
            yield text.removeprefix("\ufeff") if number == 1 else text

    reader = csv.reader(lines(), delimiter=delimiter)
    header: list[str] | None = None
    consumed = 0  # physical lines read so far: the next record starts on consumed + 1
    while True:
        start = consumed + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            consumed = reader.line_num
            raw = b"".join(pending)
            pending.clear()
            yield Reject(name, start, f"malformed CSV: {exc}", raw)
            continue
        consumed = reader.line_num
        raw = b"".join(pending)
        pending.clear()
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if header is None:
            header = [cell.strip().lower() for cell in record]
            missing = [f for f in required if f not in header]
            if missing:
                raise ConfigurationError(
                    f"the CSV header lacks column(s) {', '.join(missing)}",
                    file=name,
                    line=start,
                    expected=f"a header naming {', '.join(required)}",
                )
            twice = sorted({h for h in header if h and header.count(h) > 1})
            if twice:
                # "text,Text": which column is the note cannot be known, and a dict of the
                # row would silently keep the last one.
                raise ConfigurationError(
                    f"the CSV header names column {twice[0]!r} twice",
                    file=name,
                    line=start,
                    expected="each column named once",
                )
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(name, start, _utf8_reason(raw, exc), raw)
            continue
        if len(record) != len(header):
            yield Reject(
                name, start, f"the row has {len(record)} fields, the header has {len(header)}", raw
            )
            continue
        yield _Record(start, dict(zip(header, record, strict=True)), raw)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused if a key comes twice: of {"note_date": "2026-03-01",
    "note_date": "2026-03-02"} json keeps the last silently, and which one the export
    meant cannot be known."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                # Only a field name is named: any other key may be a misplaced value.
                named = repr(key) if key in KNOWN_FIELDS else f"({_length(key)})"
                raise _BadRow(f"duplicate JSON key {named}: which value is meant cannot be known")
            seen.add(key)
    return obj


def _utf8_reason(data: bytes, exc: UnicodeDecodeError) -> str:
    line_start = data.rfind(b"\n", 0, exc.start) + 1
    physical = data.count(b"\n", 0, exc.start)
    where = f"column {exc.start - line_start + 1}"
    if physical:
        where += f" of the row's line {physical + 1}"
    return f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at {where})"


def _json_type(obj: Any) -> str:
    if isinstance(obj, list):
        return "array"
    if isinstance(obj, str):
        return "string"
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "boolean"
    return "number"


def read_table(
    path: str | Path, required: tuple[str, ...], *, delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str], bytes] | Reject]:
    """The data rows of a delimited table with a header (an OMOP CDM table export) by the
    rules of a note CSV: the header must name `required` (else ConfigurationError), its
    names are lower-cased, a row that is not UTF-8 or has the wrong number of fields is a
    Reject, and each other row comes as (first physical line, fields, raw bytes)."""
    path = Path(path)
    with _open_export(path) as fh:
        for item in _csv_records(path, fh, required, delimiter):
            yield item if isinstance(item, Reject) else (item.line, item.fields, item.raw)


def note_row(
    file: str, line: int, fields: dict[str, Any], run_date: dt.date, raw: bytes = b""
) -> Row:
    """A note row from `fields` (patient_id, note_id, note_date, text, and optionally
    note_type, birth_date, sex) by exactly the checks a JSONL or CSV note row gets, for
    readers of other exports (an OMOP note table). A bad row raises InputRowError whose
    detail is the reject reason (it never quotes a value)."""
    try:
        return _note_row(file, _Record(line, fields, raw), run_date)
    except _BadRow as exc:
        raise InputRowError(str(exc)) from None


# --- validating ---------------------------------------------------------------------------


def _note_row(name: str, record: _Record, run_date: dt.date) -> Row:
    f = record.fields
    patient_id = _ident(f, "patient_id")
    note_id = _ident(f, "note_id")
    note_date = _required_date(f, "note_date")
    if note_date > run_date + FUTURE_TOLERANCE:
        raise _BadRow(
            f"field 'note_date' is after the run date {run_date} (by more than the "
            f"{FUTURE_TOLERANCE.days} day allowed for time zones)"
        )
    text = f.get("text")
    if text is None or text == "":
        raise _BadRow("missing field 'text'" if text is None else "field 'text' is empty")
    if not isinstance(text, str):
        raise _BadRow(f"field 'text' is a {_json_type(text)}, not a string")
    if not text.strip():
        raise _BadRow("field 'text' is empty (whitespace only)")
    # Past MAX_NOTE_CHARS a note is an export fault, not a note: refused here, with its id
    # and length, rather than stored and failed by the parser on every run.
    too_long = note_too_long(note_id, len(text))
    if too_long is not None:
        raise _BadRow(too_long)
    _check_storable("text", text)
    note = Note(
        patient_id=patient_id,
        note_id=note_id,
        note_date=note_date,
        text=text,
        note_type=_optional_text(f, "note_type"),
    )
    patient = _patient(f, patient_id)
    if patient.birth_date is not None:
        _possible_birth(patient.birth_date, note_date, "the note's note_date")
    return Row(name, record.line, note, patient, record.raw)


def _patient(f: dict[str, Any], patient_id: str) -> Patient:
    return Patient(
        patient_id=patient_id, birth_date=_date(f, "birth_date"), sex=_optional_text(f, "sex")
    )


def _possible_birth(
    birth: dt.date, reference: dt.date, what: str, *, slack: dt.timedelta = dt.timedelta(0)
) -> None:
    """A birth date after `reference` (the note, or the run date) or more than MAX_AGE_YEARS
    before it is a typo ("age -7974" from 9999-01-01), never a fact to screen on."""
    if birth > reference + slack:
        raise _BadRow(f"field 'birth_date' is after {what}")
    if birth < _years_before(reference, MAX_AGE_YEARS):
        raise _BadRow(f"field 'birth_date' is more than {MAX_AGE_YEARS} years before {what}")


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def _ident(f: dict[str, Any], key: str) -> str:
    value = f.get(key)
    if value is None:
        raise _BadRow(f"missing field {key!r}")
    # Some exports write numeric ids as JSON numbers; a bool or object is a mistake.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _BadRow(f"field {key!r} is a {_json_type(value)}, not a string")
    text = str(value).strip()
    if not text:
        raise _BadRow(f"field {key!r} is empty")
    _check_storable(key, text)
    if len(text) > MAX_ID_LENGTH:
        raise _BadRow(
            f"field {key!r} is {len(text)} characters long, more than the {MAX_ID_LENGTH} allowed"
        )
    if not text.isprintable():
        # A control, format or line-separator character inside an id ("P1\x1b[31m",
        # "N2\u202e") would garble logs and pages and match no other system's id.
        at = next(i for i, ch in enumerate(text) if not ch.isprintable())
        raise _BadRow(
            f"field {key!r} holds a control or other non-printable character "
            f"(U+{ord(text[at]):04X}) at character {at + 1} ({_length(text)})"
        )
    return text


def _check_storable(key: str, text: str) -> None:
    """A lone surrogate or a NUL anywhere, note text included, is a reject: the first
    cannot be written as UTF-8 at all, the second would be cut off by readers of the
    database, and a silently altered note is worse than a visible reject."""
    # Two fast scans (memchr; an ASCII string has no surrogate) before the slow exact one.
    if "\x00" not in text and (text.isascii() or encodable(text)):
        return
    bad = _UNSTORABLE.search(text)
    if bad is None:  # cannot happen: only a surrogate fails to encode
        return
    what = "a NUL character" if bad.group() == "\x00" else "a lone UTF-16 surrogate"
    raise _BadRow(
        f"field {key!r} holds {what} at character {bad.start() + 1}, which cannot be stored "
        f"({_length(text)})"
    )


def _required_date(f: dict[str, Any], key: str) -> dt.date:
    value = _date(f, key)
    if value is None:
        raise _BadRow(f"missing field {key!r}" if f.get(key) is None else f"field {key!r} is empty")
    return value


def _date(f: dict[str, Any], key: str) -> dt.date | None:
    value = f.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise _BadRow(f"field {key!r} is a {_json_type(value)}, not a YYYY-MM-DD date")
    text = value.strip()
    # fromisoformat alone would also take "20260220" or "2026-W08-5".
    if not _DATE_RE.fullmatch(text):
        raise _BadRow(f"field {key!r} is not a YYYY-MM-DD date ({_length(text)})")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _BadRow(
            f"field {key!r} is not a real date (YYYY-MM-DD with the month or day out of range)"
        ) from None


def _optional_text(f: dict[str, Any], key: str) -> str | None:
    value = f.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadRow(f"field {key!r} is a {_json_type(value)}, not a string")
    _check_storable(key, value)
    return value.strip() or None


def _length(value: str) -> str:
    # How a reason describes a value it must not show (it may be misplaced note text).
    return f"text of {len(value)} character{'' if len(value) == 1 else 's'}"


def _unexpected(file: str, line: int, doing: str, exc: Exception) -> str:
    """The reject reason for an error nobody foresaw on one row; logged by type only (an
    exception's message may quote the row)."""
    log.warning("%s, line %d: unexpected %s; the row is rejected", file, line, type(exc).__name__)
    return f"the row could not be {doing}: unexpected {type(exc).__name__}"


# --- loading ------------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the JSONL/CSV files directly inside it."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(
                sorted(
                    c
                    for c in p.iterdir()
                    if c.is_file() and c.suffix.lower() in JSONL_SUFFIXES | CSV_SUFFIXES
                )
            )
        elif p.is_file():
            found.append(p)
        else:
            raise ConfigurationError("no such file", file=str(p))
    return found


def ingest_files(
    store: Store,
    paths: Iterable[str | Path],
    *,
    patients_file: str | Path | None = None,
    parse: Callable[[Note], list[Finding]] | None = None,
    pipeline_version: str = "none",
    on_progress: Progress | None = None,
    today: dt.date | None = None,
    other_format: OtherFormat | None = None,
) -> IngestReport:
    """Load note files (then a demographics file), then parse every note that needs it.
    `other_format` loads the files of another format (FHIR, OMOP) instead (OtherFormat).

    Loading and parsing commit in batches: a crash loses at most the open batch, and a
    rerun skips what is stored (content hash) and parses what is not yet parsed.
    `today` (default: the machine's date) is the run date no note or birth may be after.
    """
    run_date = today or dt.date.today()
    paths = list(paths)
    files = expand_paths(paths)  # fail on a mistyped name before anything is written
    if patients_file is not None and not Path(patients_file).is_file():
        raise ConfigurationError("no such file", file=str(patients_file))
    report = IngestReport(files=[str(f) for f in files])
    progress = on_progress or (lambda stage, done, total: None)
    for path in files if other_format is None else _unclaimed(store, paths, report, other_format):
        _load_notes(store, read_rows(path, today=run_date), report, progress)
    if patients_file is not None:
        # After the notes: a dedicated demographics file outranks values on note rows.
        rows = _patient_rows(Path(patients_file), run_date)
        _load_patients(store, str(patients_file), rows, report)
    if parse is not None:
        _parse_pending(store, parse, pipeline_version, report, progress)
    log.info(
        "ingest: %d rows, %d new, %d changed, %d unchanged, %d parsed, %d rejected",
        report.rows,
        report.new,
        report.changed,
        report.unchanged,
        report.parsed,
        report.rejected,
    )
    return report


def _unclaimed(
    store: Store, paths: Iterable[str | Path], report: IngestReport, other_format: OtherFormat
) -> Iterator[Path]:
    """The note files among `paths` that `other_format` did not load itself."""
    for given in map(Path, paths):
        if other_format(store, given, report):
            continue
        for path in expand_paths([given]) if given.is_dir() else [given]:
            if path == given or not other_format(store, path, report):
                yield path


def _reject(store: Store, report: IngestReport, reject: Reject) -> None:
    store.add_reject(reject.file, reject.line, reject.reason, reject.raw)
    report.rejects.append(reject)
    report.rejected += 1


def _load_notes(
    store: Store, rows: Iterator[RowOrReject], report: IngestReport, progress: Progress
) -> None:
    load_rows(store, rows, report, lambda reject: _reject(store, report, reject))


def load_rows(
    store: Store,
    rows: Iterator[RowOrReject],
    counts: Any,
    reject: Callable[[Reject], None],
    source: Path | None = None,
) -> None:
    """Store rows in batches of LOAD_BATCH per transaction; one shared loader for
    `matcher ingest` and the nightly job.

    `counts` has rows/new/changed/unchanged attributes to add to; `reject` takes every
    bad row. With `source`, a file that turns out mid-way not to be an export is a
    reject of that file (the nightly job goes on); without it, it is raised.

    Each row is stored in its own savepoint: whatever goes wrong on one row (a trigger,
    a value the checks missed, a bug) undoes that row only and makes it a reject, and the
    batch's other rows commit. A failing database is raised instead (see _store_row).
    """
    load_in_batches(
        store, rows, lambda item: load_row(store, item, counts, reject), reject, source,
        "a note export",
    )  # fmt: skip


def load_row(
    store: Store, item: RowOrReject, counts: Any, reject: Callable[[Reject], None]
) -> None:
    """Store one note row in its own savepoint (or take its reject); count it in `counts`
    (rows, and new/changed/unchanged)."""
    counts.rows += 1
    if isinstance(item, Reject):
        reject(item)
        return
    try:
        outcome = _store_row(store, item.file, item.line, _put_row, item)
    except _BadRow as exc:
        reject(Reject(item.file, item.line, str(exc), item.raw))
        return
    setattr(counts, outcome, getattr(counts, outcome) + 1)


def load_in_batches(
    store: Store,
    items: Iterator[_T],
    handle: Callable[[_T], None],
    reject: Callable[[Reject], None],
    source: Path | None,
    what: str,
) -> None:
    """`handle` every item, LOAD_BATCH per transaction (handle stores each in its own
    savepoint). A ConfigurationError from the reader mid-way (the file turns out not to be
    `what`) is a reject of `source`, or raised when there is none."""
    done = False
    while not done:
        with store.transaction():
            for _ in range(LOAD_BATCH):
                try:
                    item = next(items, None)
                except ConfigurationError as exc:
                    if source is None:
                        raise
                    reject(Reject(str(source), exc.line or 0, f"not {what}: {exc.detail}"))
                    item = None
                if item is None:
                    done = True
                    break
                handle(item)


def _put_row(store: Store, row: Row) -> str:
    outcome = store.put_note(row.note)
    # After put_note: a rejected row must not create or alter its patient.
    store.upsert_patient(row.patient)
    return outcome


def _store_row(store: Store, file: str, line: int, write: Callable[..., _T], *args: Any) -> _T:
    """`write(store, *args)` in a savepoint of the open transaction. A failure undoes this
    row only and is raised as _BadRow (the row's reject reason), except a failing database
    (locked, full, read-only, corrupt): every later row would fail the same way, so it is
    raised as is, the batch rolls back, and the rerun completes the load."""
    try:
        with store.savepoint():
            return write(store, *args)
    except _BadRow:
        raise
    except InputRowError as exc:
        raise _BadRow(str(exc)) from None
    except Exception as exc:
        if _database_failed(exc) or not store.db.conn.in_transaction:
            raise
        raise _BadRow(_unexpected(file, line, "stored", exc)) from None


def _database_failed(exc: Exception) -> bool:
    # StoreError is the store's word for a file problem (full, read-only, I/O, corrupt);
    # "database is locked" stays an OperationalError. IntegrityError, DataError,
    # ProgrammingError, UnicodeEncodeError ... are the row's.
    return isinstance(exc, StoreError | sqlite3.OperationalError | MemoryError) or (
        type(exc) is sqlite3.DatabaseError  # "database disk image is malformed"
    )


def _load_patients(
    store: Store,
    file: str,
    rows: Iterator[tuple[int, bytes, Patient] | Reject],
    report: IngestReport,
) -> None:
    with store.transaction():
        for item in rows:
            if isinstance(item, Reject):
                _reject(store, report, item)
                continue
            line, raw, patient = item
            try:
                _store_row(store, file, line, _put_patient, patient)
            except _BadRow as exc:
                _reject(store, report, Reject(file, line, str(exc), raw))
                continue
            report.patients += 1


def _put_patient(store: Store, patient: Patient) -> None:
    if patient.birth_date is not None:
        first = store.first_note(patient.patient_id)
        if first is not None and patient.birth_date > first[1]:
            raise _BadRow(
                f"field 'birth_date' is after the patient's first note (note_id {first[0]!r})"
            )
    store.upsert_patient(patient)


def _parse_pending(
    store: Store,
    parse: Callable[[Note], list[Finding]],
    pipeline_version: str,
    report: IngestReport,
    progress: Progress,
) -> None:
    total = store.count_notes_to_parse(pipeline_version)
    batch: list[tuple[Note, list[Finding]]] = []

    def flush() -> None:
        # Parse outside the transaction (slow), store the batch inside one (fast).
        with store.transaction():
            for note, findings in batch:
                store.replace_findings(note.note_id, note.patient_id, findings, pipeline_version)
        report.parsed += len(batch)
        batch.clear()
        progress("parse", report.parsed, total)

    for note in store.notes_to_parse(pipeline_version):
        try:
            findings = parse(note)
        except Exception as exc:  # one bad note must not stop the others
            # Type only: an exception message may quote the note's text.
            log.warning("parser failed on note %s: %s", note.note_id, type(exc).__name__)
            report.parse_failed.append(note.note_id)
            continue
        batch.append((note, findings))
        if len(batch) >= PARSE_BATCH:
            flush()
    if batch:
        flush()
