"""Hostile input (issue 11): one bad row never costs a good one, and no reason echoes a value.

Every test writes a small export with good rows around the bad ones and checks that the good
rows land, that each bad row is a reject naming its file, line and field, and that nothing
crashes: in process (`ingest_files`), through `matcher ingest` and through `matcher nightly`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import StoreError
from matcher.model import Patient
from matcher.store import Store
from matcher.store.ingest import MAX_ID_LENGTH, ingest_files, read_patients
from tests.conftest import REPO

TODAY = dt.date(2026, 3, 10)  # the run date handed to ingest_files in process
SECRET = "Qx7-SECRET-value"  # planted in bad fields: must never reach a message or a report
FIELDS = ("patient_id", "note_id", "note_date", "text", "note_type", "birth_date", "sex")


@pytest.fixture
def store(db_path: Path) -> Store:
    opened = Store(db_path)
    yield opened
    opened.close()


def good(note_id: str, patient_id: str = "P1", **extra: Any) -> dict[str, Any]:
    return {"patient_id": patient_id, "note_id": note_id, "note_date": "2026-03-01",
            "note_type": "clinic", "text": f"Hb 10 g/dL in {note_id}", **extra}


def line(obj: Any) -> bytes:
    # ensure_ascii: a lone surrogate is written as the JSON escape "\ud83d", NUL as "\u0000".
    return json.dumps(obj).encode()


def write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(raw + b"\n" for raw in lines))
    return path


def stored_note_ids(store: Store) -> set[str]:
    return {r["note_id"] for r in store.db.query("SELECT note_id FROM notes")}


def matcher(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MATCHER_DB"}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "matcher.cli", *args], capture_output=True,
                          text=True, timeout=300, env=env)


def stored(db: Path) -> tuple[set[str], list[tuple[str, int, str, str]]]:
    """The note ids and the rejects (file, line, reason, raw) a run left in `db`."""
    with Store(db) as store:
        rejects = [(r["source_file"], r["line"], r["reason"], r["raw"]) for r in store.rejects()]
        return stored_note_ids(store), rejects


# --- values that cannot be stored -------------------------------------------------------------

UNSTORABLE = [  # (field, value, what the reason says)
    ("text", "pain \ud83d here", "lone UTF-16 surrogate at character 6"),
    ("patient_id", "P\ud83d", "lone UTF-16 surrogate at character 2"),
    ("note_id", "\udc00N2", "lone UTF-16 surrogate at character 1"),
    ("note_type", "clinic\ud83d", "lone UTF-16 surrogate"),
    ("sex", "F\udfff", "lone UTF-16 surrogate"),
    ("text", "Hb 10\x00 g/dL", "NUL character at character 6"),
    ("patient_id", "P\x001", "NUL character at character 2"),
    ("note_id", "N\x002", "NUL character"),
    ("note_type", "lab\x00", "NUL character"),
    ("sex", "\x00F", "NUL character"),
    ("patient_id", "P\x1b[31m1", "non-printable character (U+001B) at character 2"),
    ("note_id", "N\n2", "non-printable character (U+000A)"),
    ("note_id", "N2\u202e", "non-printable character (U+202E)"),
    ("patient_id", "P" * (MAX_ID_LENGTH + 1), f"{MAX_ID_LENGTH + 1} characters long"),
    ("note_id", "N" * 1000, f"more than the {MAX_ID_LENGTH} allowed"),
]


@pytest.mark.parametrize(("field", "value", "says"), UNSTORABLE)
def test_a_value_that_cannot_be_stored_is_a_reject_naming_the_field_and_the_rest_load(
        tmp_path: Path, store: Store, field: str, value: str, says: str) -> None:
    path = write(tmp_path / "notes.jsonl",
                 [line(good("N1")), line(good("N2") | {field: value}), line(good("N3", "P2"))])
    report = ingest_files(store, [path], today=TODAY)
    assert stored_note_ids(store) == {"N1", "N3"}
    assert [(r.file, r.line) for r in report.rejects] == [(str(path), 2)]
    reason = report.rejects[0].reason
    assert f"field {field!r}" in reason and says in reason
    assert value.strip() not in reason  # described, never echoed
    kept = store.rejects()
    assert [(r["source_file"], r["line"], r["reason"]) for r in kept] == [(str(path), 2, reason)]
    assert kept[0]["raw"] == line(good("N2") | {field: value}).decode() + "\n"  # row kept


def test_an_id_of_exactly_the_limit_loads(tmp_path: Path, store: Store) -> None:
    long_id = "N" * MAX_ID_LENGTH
    path = write(tmp_path / "notes.jsonl", [line(good(long_id, "P" * MAX_ID_LENGTH))])
    report = ingest_files(store, [path], today=TODAY)
    assert report.rejected == 0 and stored_note_ids(store) == {long_id}


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_a_raw_nul_byte_in_one_row_rejects_that_row_not_the_file(
        tmp_path: Path, store: Store, suffix: str) -> None:
    if suffix == "jsonl":
        rows = [line(good("N1")), line(good("N2")).replace(b" in N2", b" \x00 in N2"),
                line(good("N3"))]
    else:
        rows = [b"patient_id,note_id,note_date,text", b"P1,N1,2026-03-01,Hb 10",
                b"P1,N2,2026-03-01,Hb \x00 11", b"P1,N3,2026-03-01,Hb 12"]
    path = write(tmp_path / f"notes.{suffix}", rows)
    report = ingest_files(store, [path], today=TODAY)
    assert stored_note_ids(store) == {"N1", "N3"}
    assert [(r.line, "field 'text' holds a NUL character" in r.reason)
            for r in report.rejects] == [(3 if suffix == "csv" else 2, True)]


# --- unexpected errors while storing one row --------------------------------------------------


def test_an_unexpected_error_while_storing_a_note_rejects_that_row_only(
        tmp_path: Path, store: Store) -> None:
    # A real SQLite failure on one row (a trigger stands in for any bug the row trips).
    store.db.execute("CREATE TRIGGER refuse_n2 BEFORE INSERT ON notes WHEN NEW.note_id = 'N2' "
                     "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    path = write(tmp_path / "notes.jsonl",
                 [line(good("N1")), line(good("N2", "P9")), line(good("N3"))])
    report = ingest_files(store, [path], today=TODAY)
    assert stored_note_ids(store) == {"N1", "N3"}
    assert [(r.line, r.reason) for r in report.rejects] == [
        (2, "the row could not be stored: unexpected IntegrityError")]
    assert store.patient("P9") is None  # nothing of the failed row stays
    assert [r["line"] for r in store.rejects()] == [2]


def test_a_failure_after_the_note_is_written_undoes_the_whole_row(
        tmp_path: Path, store: Store) -> None:
    store.db.execute("CREATE TRIGGER refuse_sex BEFORE UPDATE ON patients WHEN NEW.sex = 'bad' "
                     "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    path = write(tmp_path / "notes.jsonl",
                 [line(good("N1", sex="F")), line(good("N2", sex="bad")), line(good("N3"))])
    report = ingest_files(store, [path], today=TODAY)
    assert [r.line for r in report.rejects] == [2]
    assert stored_note_ids(store) == {"N1", "N3"}  # N2's note went with its patient update
    assert store.patient("P1") == Patient("P1", None, "F")


def test_a_failing_database_is_raised_not_turned_into_rejects(tmp_path: Path,
                                                              store: Store) -> None:
    # Every insert fails the same way: the database, not a row, is at fault, so the load
    # stops (exit 1, nothing half-written) instead of rejecting every row of the export.
    store.db.execute("CREATE TRIGGER broken BEFORE INSERT ON notes "
                     "BEGIN INSERT INTO no_such_table VALUES (1); END")
    path = write(tmp_path / "notes.jsonl", [line(good("N1")), line(good("N2"))])
    with pytest.raises(sqlite3.OperationalError):
        ingest_files(store, [path], today=TODAY)
    assert store.counts()["notes"] == 0 and store.counts()["rejects"] == 0


def test_a_full_database_stops_the_load_instead_of_rejecting_rows(tmp_path: Path,
                                                                   store: Store) -> None:
    # SQLITE_FULL for real: this connection's page limit plays the disk, with room for a
    # reject (its raw row is cut to 10 kB) but not for the 60 kB note. The row must not be
    # "rejected" for it (a nightly run would then mark the export loaded and lose it).
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 8}")
    path = write(tmp_path / "notes.jsonl", [line(good("N1", text="ALT 40 U/L. " * 5000))])
    with pytest.raises(StoreError, match="the disk is full"):
        ingest_files(store, [path], today=TODAY)
    assert store.counts()["notes"] == 0 and store.counts()["rejects"] == 0


def test_add_reject_stores_any_text_it_is_given(store: Store) -> None:
    store.add_reject("exports/caf\udce9.jsonl", 3, "reason \ud83d with NUL \x00", "raw \ud83d")
    assert store.add_reject_once("exports/caf\udce9.jsonl", 3, "reason \ud83d with NUL \x00",
                                 "raw \ud83d") is False  # the same reject, found again
    (kept,) = store.rejects()
    assert kept["line"] == 3 and "\ufffd" in kept["source_file"] and "\ufffd" in kept["reason"]


# --- impossible dates and duplicate keys ------------------------------------------------------


@pytest.mark.parametrize(("changes", "says"), [
    ({"birth_date": "2026-03-02"}, "field 'birth_date' is after the note's note_date"),
    ({"birth_date": "1895-01-01"}, "field 'birth_date' is more than 130 years before the note"),
    ({"note_date": "2026-03-12"}, "field 'note_date' is after the run date 2026-03-10"),
    ({"note_date": "9999-12-31", "birth_date": "2001-01-01"}, "field 'note_date' is after"),
    ({"birth_date": "9999-01-01"}, "field 'birth_date' is after the note's note_date"),
    ({"birth_date": "0001-01-01"}, "field 'birth_date' is more than 130 years before the note"),
])
def test_impossible_dates_are_rejects(tmp_path: Path, store: Store, changes: dict,
                                      says: str) -> None:
    path = write(tmp_path / "notes.jsonl",
                 [line(good("N1")), line(good("N2", "P2") | changes), line(good("N3"))])
    report = ingest_files(store, [path], today=TODAY)
    assert [r.line for r in report.rejects] == [2]
    assert says in report.rejects[0].reason
    assert not any(v in report.rejects[0].reason for v in changes.values())
    assert stored_note_ids(store) == {"N1", "N3"} and store.patient("P2") is None


@pytest.mark.parametrize("changes", [
    {"note_date": "2026-03-11"},  # one day ahead: another time zone
    {"birth_date": "2026-03-01"},  # born the day of the note (a neonatal note)
    {"birth_date": "1896-03-02"},  # 129 years old
])
def test_dates_at_the_edge_of_possible_load(tmp_path: Path, store: Store,
                                            changes: dict) -> None:
    path = write(tmp_path / "notes.jsonl", [line(good("N1") | changes)])
    report = ingest_files(store, [path], today=TODAY)
    assert report.rejected == 0 and stored_note_ids(store) == {"N1"}


def test_impossible_birth_dates_in_a_patients_file_are_rejects(tmp_path: Path,
                                                               store: Store) -> None:
    notes = write(tmp_path / "notes.jsonl", [line(good("N1", "P1")), line(good("N2", "P2"))])
    patients = tmp_path / "patients.csv"
    patients.write_text("patient_id,birth_date,sex\n"
                        "P1,2026-03-05,F\n"  # 2: born after the patient's first note
                        "P2,2016-05-01,M\n"  # 3: fine
                        "P3,2026-04-01,F\n"  # 4: born after the run date
                        "P4,1800-01-01,F\n"  # 5: more than 130 years before the run date
                        "P5,2020-01-01,M\n")  # 6: fine, no notes yet
    report = ingest_files(store, [notes], patients_file=patients, today=TODAY)
    reasons = {r.line: r.reason for r in report.rejects}
    assert sorted(reasons) == [2, 4, 5]
    assert "field 'birth_date' is after the patient's first note (note_id 'N1')" in reasons[2]
    assert "field 'birth_date' is after the run date 2026-03-10" in reasons[4]
    assert "field 'birth_date' is more than 130 years before the run date" in reasons[5]
    assert store.patient("P1") == Patient("P1")
    assert store.patient("P2") == Patient("P2", dt.date(2016, 5, 1), "M")
    assert store.patient("P3") is None and store.patient("P4") is None
    assert report.patients == 2


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"patient_id": "P1", "note_id": "N2", "note_date": "2026-03-01", "text": "Hb 10", '
     b'"note_date": "2026-03-02"}', "duplicate JSON key 'note_date'"),
    (b'{"patient_id": "P1", "note_id": "N2", "note_date": "2026-03-01", "text": "Hb 10", '
     b'"extra": {"' + SECRET.encode() + b'": 1, "' + SECRET.encode() + b'": 2}}',
     f"duplicate JSON key (text of {len(SECRET)} characters)"),
])
def test_a_duplicate_json_key_is_a_reject(tmp_path: Path, store: Store, raw: bytes,
                                          says: str) -> None:
    path = write(tmp_path / "notes.jsonl", [line(good("N1")), raw, line(good("N3"))])
    report = ingest_files(store, [path], today=TODAY)
    assert [(r.line, says in r.reason) for r in report.rejects] == [(2, True)]
    assert SECRET not in report.rejects[0].reason
    assert stored_note_ids(store) == {"N1", "N3"}


def test_a_duplicate_json_key_in_a_patients_file_is_a_reject(tmp_path: Path) -> None:
    patients = write(tmp_path / "patients.jsonl", [
        b'{"patient_id": "P1", "sex": "F"}',
        b'{"patient_id": "P2", "sex": "F", "sex": "M"}',
    ])
    got = list(read_patients(patients, today=TODAY))
    assert got[0] == Patient("P1", None, "F")
    assert (got[1].line, got[1].reason) == (
        2, "duplicate JSON key 'sex': which value is meant cannot be known")


# --- no value in any message --------------------------------------------------------------------


def secret_rows() -> list[bytes]:
    """Good rows 1, 5 and 12; every other line plants SECRET in one field of a bad row."""
    return [
        line(good("N1")),
        line(good("N2") | {"note_date": SECRET}),
        line(good("N3") | {"birth_date": SECRET}),
        line(good("N4") | {"birth_date": f"{SECRET} 2014-03-07 and some more note text"}),
        line(good("N5", "P2")),
        line(good("N6") | {"patient_id": f"{SECRET}\x1b"}),
        line(good("N7") | {"note_id": SECRET * 10}),
        line(good("N8") | {"note_type": f"{SECRET}\ud83d", "sex": f"{SECRET}\x00"}),
        line(good("N9") | {"text": f"{SECRET}\x00"}),
        b'{"patient_id": "P1", "note_id": "N10", "text": "' + SECRET.encode(),
        b'{"patient_id": "P1", "note_id": "N11", "note_date": "2026-03-01", "text": "x", '
        b'"' + SECRET.encode() + b'": 1, "' + SECRET.encode() + b'": 2}',
        line(good("N12")),
        line(good("N13") | {"note_date": "2026-02-30"}),
    ]


def test_no_reject_reason_echoes_a_field_value(tmp_path: Path, store: Store) -> None:
    path = write(tmp_path / "notes.jsonl", secret_rows())
    report = ingest_files(store, [path], today=TODAY)
    assert stored_note_ids(store) == {"N1", "N5", "N12"}
    assert [r.line for r in report.rejects] == [2, 3, 4, 6, 7, 8, 9, 10, 11, 13]
    for reject in report.rejects:
        assert SECRET not in reject.reason and SECRET[:10] not in reject.reason
        assert "2026-02-30" not in reject.reason and "2014-03-07" not in reject.reason
    assert dict((r.line, r.reason) for r in report.rejects)[3] == (
        f"field 'birth_date' is not a YYYY-MM-DD date (text of {len(SECRET)} characters)")


def test_ingest_cli_keeps_the_good_rows_of_a_hostile_file_and_echoes_no_value(
        tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path / "notes.jsonl", secret_rows())
    run = matcher("ingest", str(path), "--db", str(db_path))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "3 new" in run.stdout and "rejected 10 row(s)" in run.stdout
    assert SECRET not in run.stdout + run.stderr and "2026-02-30" not in run.stderr
    notes, kept = stored(db_path)
    assert notes == {"N1", "N5", "N12"}
    assert [(f, n) for f, n, _, _ in kept] == [
        (str(path), n) for n in (2, 3, 4, 6, 7, 8, 9, 10, 11, 13)]
    assert all("field '" in reason or "JSON" in reason for _, _, reason, _ in kept)
    assert not any(SECRET in reason for _, _, reason, _ in kept)
    assert sum(SECRET in raw for *_, raw in kept) >= 9  # the raw rows are kept, values and all


def test_nightly_cli_keeps_the_good_rows_of_a_hostile_file_and_echoes_no_value(
        tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    path = write(exports / "notes.jsonl", secret_rows())
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(REPO / "registry_dumps" / "NCT06904729.txt", trials)
    db, reports = tmp_path / "m.db", tmp_path / "reports"
    args = ("nightly", "--source", str(exports), "--trials", str(trials), "--db", str(db),
            "--as-of", "2026-03-10", "--report", str(reports), "--workers", "1",
            "--all-trials")
    run = matcher(*args)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    notes, kept = stored(db)
    assert notes == {"N1", "N5", "N12"}
    assert [(f, n) for f, n, _, _ in kept] == [
        (str(path), n) for n in (2, 3, 4, 6, 7, 8, 9, 10, 11, 13)]
    got = json.loads((reports / "2026-03-10.json").read_text())
    assert got["rejected"] == 10 and got["new"] == 3
    shown = [run.stdout, run.stderr, *(p.read_text() for p in reports.iterdir()),
             *(reason for _, _, reason, _ in kept)]
    assert not any(SECRET in text or "2026-02-30" in text for text in shown)

    again = matcher(*args)  # the file is not retried for ever, and nothing piles up
    assert again.returncode == 0, again.stderr
    assert len(stored(db)[1]) == 10


# --- any JSON in any field ----------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=12),  # surrogates, NUL ...
    st.sampled_from(["\ud83d", "\x00", "N\x1b1", "\u202e", "x" * 200, " ", "", "2026-02-30",
                     "9999-12-31", "1800-01-01", "2026-03-01", "20260301", "P1", "F"]),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)
_BAD_ROW = st.one_of(
    st.tuples(  # a good row with some fields (and extra keys) given arbitrary JSON values
        st.dictionaries(st.sampled_from(FIELDS) | _TEXT, _JSON, min_size=1, max_size=4),
        st.booleans(),  # ensure_ascii: False writes a surrogate as raw (invalid) UTF-8
    ),
    st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" ")),  # any bytes at all
    _JSON,  # a line that is any JSON value, object or not
)


def _bad_line(i: int, bad: Any) -> bytes:
    if isinstance(bad, bytes):
        return bad
    if isinstance(bad, tuple):
        changes, ascii_only = bad
        row = good(f"B{i}", "PB") | changes
        return json.dumps(row, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    return json.dumps(bad).encode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bad_rows=st.lists(_BAD_ROW, min_size=1, max_size=6))
def test_any_json_in_any_field_never_costs_a_good_row(bad_rows: list[Any]) -> None:
    goods = [good(f"good-row-{i}", f"good-patient-{i % 2}") for i in range(3)]
    lines = [line(goods[0])]  # a file's first bytes tell its format: start with a good row
    for i, bad in enumerate(bad_rows):
        lines += [_bad_line(i, bad), *([line(goods[1])] if i == 0 else [])]
    lines.append(line(goods[2]))
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "notes.jsonl", lines)
        with Store(Path(folder) / "m.db") as store:
            report = ingest_files(store, [path], today=TODAY)
            for g in goods:  # every good row landed, as written
                note = store.note(g["note_id"])
                assert note is not None and note.text == g["text"]
            assert report.rows == report.new + report.changed + report.unchanged + report.rejected
            numbers = [r.line for r in report.rejects]
            assert len(numbers) == len(set(numbers)) and set(numbers) <= set(
                range(2, len(lines)))
            assert [r["line"] for r in store.rejects()] == numbers
            for number, raw in enumerate(lines, start=1):  # any other row landed
                if number not in numbers and raw.strip():  # a blank line is no row
                    note_id = str(json.loads(raw.decode(), strict=False)["note_id"]).strip()
                    assert store.note(note_id) is not None
            again = ingest_files(store, [path], today=TODAY)  # a rerun changes nothing
            assert (again.new, again.changed) == (0, 0)


# --- a file name that is not UTF-8 ----------------------------------------------------------


@pytest.mark.parametrize("command", ["ingest", "nightly"])
def test_a_file_named_in_another_encoding_loads_and_is_reported_by_a_readable_name(
        tmp_path: Path, command: str) -> None:
    # Latin-1 file names still come off old Windows shares: b"notes\xe9.jsonl" ("notesé").
    exports = tmp_path / "exports"
    exports.mkdir()
    name = os.fsdecode(b"notes\xe9.jsonl")
    write(exports / name, [line(good("N1", "P1")), line({"patient_id": "P2"})])
    db, reports = tmp_path / "m.db", tmp_path / "reports"
    if command == "ingest":
        run = matcher("ingest", str(exports), "--db", str(db))
    else:
        trials = tmp_path / "trials"
        trials.mkdir()
        shutil.copy(REPO / "registry_dumps" / "NCT06904729.txt", trials)
        run = matcher("nightly", "--source", str(exports), "--trials", str(trials), "--db",
                      str(db), "--as-of", "2026-03-10", "--report", str(reports),
                      "--workers", "1", "--all-trials")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    notes, kept = stored(db)
    assert notes == {"N1"}
    assert [(f, n) for f, n, _, _ in kept] == [(str(exports / "notes\\xe9.jsonl"), 2)]
