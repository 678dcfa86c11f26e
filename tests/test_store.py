"""matcher.store against a real SQLite file per test (no mocks)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from matcher.errors import InputRowError, StoreError
from matcher.model import (
    Assertion,
    Criterion,
    CriterionResult,
    Evidence,
    Finding,
    Note,
    Patient,
    PatientResult,
    PatientStatus,
    Status,
    Trial,
)
from matcher.store import RAW_LIMIT_BYTES, SCHEMA_VERSION, Store

TABLES = {"meta", "patients", "notes", "findings", "trials", "criteria", "results", "rejects",
          "runs"}


@pytest.fixture
def store(db_path: Path) -> Store:
    opened = Store(db_path)
    yield opened
    opened.close()


def note(note_id: str = "N1", patient_id: str = "P1", text: str = "ALT 40 U/L today",
         day: int = 2) -> Note:
    return Note(patient_id=patient_id, note_id=note_id, note_date=dt.date(2026, 3, day),
                text=text, note_type="lab")


def first_word(n: Note) -> Finding:
    word = n.text.split()[0]
    start = n.text.index(word)
    return Finding(concept="test.word", category="test", note_id=n.note_id, start=start,
                   end=start + len(word), text=word, date=n.note_date)


def test_schema_is_created_versioned_and_reopened(db_path: Path) -> None:
    with Store(db_path) as s:
        assert set(s.db.table_names()) >= TABLES
        assert s.schema_version() == SCHEMA_VERSION
        assert s.db.journal_mode == "wal"
        assert s.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        indexed = {tuple(i.columns) for i in s.db.table("findings").indexes}
        assert {("patient_id",), ("note_id",)} <= indexed
        s.put_note(note())
    with Store(db_path) as s:
        s.migrate()  # idempotent
        assert s.schema_version() == SCHEMA_VERSION
        assert s.counts()["notes"] == 1


def test_the_web_tables_are_a_numbered_migration_not_a_side_creation(db_path: Path) -> None:
    # Whatever command opens a file first (ingest, nightly, serve), the web app's tables are
    # there: users, sessions, audit, referrals and the notes' index (schema version 3).
    with Store(db_path) as s:
        names = set(s.db.table_names())
        assert {"web_users", "web_sessions", "web_audit", "web_referrals",
                "web_notes_fts", "web_data_version"} <= names
        # A version-2 file without them (written before) gains them when next opened.
        with s.db.conn:
            for table in ("web_users", "web_referrals"):
                s.db.execute(f"DROP TABLE {table}")
            s.db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with Store(db_path) as s:
        assert {"web_users", "web_referrals"} <= set(s.db.table_names())
        assert s.schema_version() == SCHEMA_VERSION == 12


def test_newer_schema_version_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     [str(SCHEMA_VERSION + 7)])
    conn.close()
    with pytest.raises(StoreError) as info:
        Store(db_path)
    message = str(info.value)
    assert str(db_path) in message
    assert str(SCHEMA_VERSION + 7) in message and str(SCHEMA_VERSION) in message


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text('{"patient_id": "P1"}\n' * 200)
    with pytest.raises(StoreError, match="notes.jsonl"):
        Store(path)


def test_open_default_prefers_argument_then_env_then_cwd(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MATCHER_DB", raising=False)
    with Store.open_default(None) as s:
        assert Path(s.path).resolve() == tmp_path / "matcher.db"
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "env.db"))
    with Store.open_default(None) as s:
        assert Path(s.path).name == "env.db"
    with Store.open_default(str(tmp_path / "arg.db")) as s:
        assert Path(s.path).name == "arg.db"
    with pytest.raises(StoreError, match="missing"):
        Store.open_default(str(tmp_path / "missing" / "x.db"))


def test_put_note_new_unchanged_changed(store: Store) -> None:
    original = note()
    assert store.put_note(original) == "new"
    assert store.put_note(original) == "unchanged"
    store.replace_findings("N1", "P1", [first_word(original)], "v1")
    assert list(store.notes_to_parse("v1")) == []

    edited = note(text="AST 30 U/L today")
    assert store.put_note(edited) == "changed"
    assert store.note("N1") == edited
    assert store.findings_for_patient("P1") == []  # the old text's findings are gone
    assert list(store.notes_to_parse("v1")) == [edited]
    store.replace_findings("N1", "P1", [first_word(edited)], "v1")
    assert [f.text for f in store.findings_for_patient("P1")] == ["AST"]


def test_note_id_of_another_patient_is_an_input_row_error(store: Store) -> None:
    store.put_note(note(patient_id="P1"))
    with pytest.raises(InputRowError, match="note_id"):
        store.put_note(note(patient_id="P2"))
    assert store.note("N1").patient_id == "P1"
    assert store.patient("P2") is None


def test_findings_round_trip(store: Store) -> None:
    n = note()
    store.put_note(n)
    findings = [
        Finding(concept="lab.alt", category="lab", note_id="N1", start=0, end=10,
                text="ALT 40 U/L", code="1742-6", value=40.0, unit="U/L",
                date=dt.date(2026, 3, 1), date_source="text", raw_value="40", raw_unit="U/L",
                ref_low=7.0, ref_high=35.0, assertion=Assertion.AFFIRMED),
        Finding(concept="drug.tacrolimus", category="drug", note_id="N1", start=11, end=16,
                text="today", assertion=Assertion.HISTORICAL,
                attrs={"start_date": dt.date(2024, 2, 1), "stop_date": dt.date(2025, 6, 30),
                       "regimen": ["a", "b"], "duration_days": 515}),
        # A string that looks like a number must come back a string, not 1.0.
        Finding(concept="biopsy.kidney", category="biopsy", note_id="N1", start=0, end=3,
                text="ALT", value="1.0", assertion=Assertion.NEGATED, attrs={"classes": ["IV"]}),
        Finding(concept="dx.sle", category="dx", note_id="N1", start=0, end=3, text="ALT"),
    ]
    store.replace_findings("N1", "P1", findings, "v1")
    got = store.findings_for_patient("P1")
    assert got == findings
    assert [f.attrs for f in got] == [f.attrs for f in findings]  # attrs is compare=False
    assert isinstance(got[0].value, float) and isinstance(got[2].value, str)
    assert store.all_findings_by_patient() == {"P1": findings}
    assert store.note_dates() == {"N1": dt.date(2026, 3, 2)}


def test_replace_findings_refuses_a_finding_of_another_note(store: Store) -> None:
    store.put_note(note())
    stray = Finding(concept="x", category="x", note_id="OTHER", start=0, end=1, text="A")
    with pytest.raises(StoreError):
        store.replace_findings("N1", "P1", [stray], "v1")
    assert store.counts()["findings"] == 0


def test_a_transaction_that_raises_writes_nothing(store: Store) -> None:
    store.put_note(note("N0"))
    store.replace_findings("N0", "P1", [first_word(note("N0"))], "v1")
    before = store.counts()
    with pytest.raises(RuntimeError), store.transaction():
        store.put_note(note("N1", "P9"))
        store.upsert_patient(Patient("P9", dt.date(2001, 1, 1), "F"))
        store.replace_findings("N0", "P1", [], "v2")
        store.add_reject("f.jsonl", 3, "bad", b"raw")
        with store.transaction():  # nested: a savepoint inside the same transaction
            store.put_note(note("N2", "P9"))
        raise RuntimeError("crash in the middle")
    assert store.counts() == before
    assert store.patient("P9") is None
    assert len(store.findings_for_patient("P1")) == 1
    assert list(store.notes_to_parse("v1")) == []
    assert not store.db.conn.in_transaction


def test_a_savepoint_that_raises_undoes_itself_only(store: Store) -> None:
    with pytest.raises(StoreError, match="open transaction"), store.savepoint():
        pass
    with store.transaction():
        store.put_note(note("N1"))
        with store.savepoint():
            store.put_note(note("N2"))
            with pytest.raises(RuntimeError), store.savepoint():  # the same name, nested
                store.put_note(note("N3"))
                raise RuntimeError("this row only")
            store.put_note(note("N4"))
        with pytest.raises(RuntimeError), store.transaction():  # a nested transaction too
            store.put_note(note("N5"))
            raise RuntimeError("this row only")
    assert [n.note_id for n in store.notes_for_patient("P1")] == ["N1", "N2", "N4"]
    assert not store.db.conn.in_transaction


def test_a_full_database_is_a_store_error_naming_it_and_the_batch_writes_nothing(
    store: Store, db_path: Path
) -> None:
    """SQLITE_FULL for real, without root: the page limit of this connection plays the
    disk (tests/test_cli_database.py fills a real small file system through the CLI)."""
    store.put_note(note("N0"))
    before = store.counts()
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StoreError) as info, store.transaction():
        for number in range(1, 200):
            store.put_note(note(f"N{number}", text="ALT 40 U/L. " * 200))
    assert str(info.value).startswith(f"{db_path}: the disk is full; free some space")
    assert store.counts() == before
    assert not store.db.conn.in_transaction


def test_upsert_patient_never_erases_known_values(store: Store) -> None:
    store.upsert_patient(Patient("P1"))
    store.upsert_patient(Patient("P1", dt.date(2010, 5, 6), None))
    store.upsert_patient(Patient("P1", None, "F"))
    store.upsert_patient(Patient("P1"))
    assert store.patient("P1") == Patient("P1", dt.date(2010, 5, 6), "F")
    store.upsert_patient(Patient("P1", dt.date(2010, 5, 7), None))  # a correction wins
    assert store.patient("P1").birth_date == dt.date(2010, 5, 7)
    assert store.patients() == [Patient("P1", dt.date(2010, 5, 7), "F")]
    assert store.patient("nobody") is None


def test_notes_to_parse_follows_the_pipeline_version(store: Store) -> None:
    for i in range(3):
        store.put_note(note(f"N{i}", day=i + 1))
    assert [n.note_id for n in store.notes_to_parse("v1")] == ["N0", "N1", "N2"]
    store.replace_findings("N1", "P1", [], "v1")
    assert [n.note_id for n in store.notes_to_parse("v1")] == ["N0", "N2"]
    assert store.count_notes_to_parse("v2") == 3
    assert [n.note_id for n in store.notes_for_patient("P1")] == ["N0", "N1", "N2"]


def test_rejects_keep_the_raw_row_truncated(store: Store) -> None:
    store.add_reject("a.jsonl", 4, "invalid JSON", b'{"text": "caf\xe9"')
    store.add_reject("a.jsonl", 9, "too long", b"x" * (RAW_LIMIT_BYTES * 3))
    rows = store.rejects()
    assert [(r["source_file"], r["line"], r["reason"]) for r in rows] == [
        ("a.jsonl", 4, "invalid JSON"), ("a.jsonl", 9, "too long")]
    assert rows[0]["raw"] == '{"text": "caf\ufffd"'
    assert len(rows[1]["raw"]) == RAW_LIMIT_BYTES
    assert store.counts()["rejects"] == 2


def test_trials_runs_and_results(store: Store) -> None:
    crit = Criterion(id="I1", key="age", type="inclusion", text="Age 6 to 17", kind="age",
                     params={"min_years": 6, "max_years": 17})
    trial = Trial(trial_id="NCT0", title="A trial", criteria=(crit,), source="NCT0.txt")
    store.save_trial(trial, {"raw": "record"})
    store.save_trial(trial, {"raw": "record"})  # re-saving replaces, no duplicate criteria
    [saved] = store.trials()
    assert saved["trial_id"] == "NCT0" and saved["record"] == {"raw": "record"}
    assert saved["criteria"] == [crit.to_json()]
    assert store.db.table("criteria").count == 1

    as_of = dt.date(2026, 11, 20)
    run_id = store.start_run(as_of, "v1")
    evidence = Evidence(note_id="N1", note_date=dt.date(2026, 3, 2), start=0, end=3, text="ALT")
    result = PatientResult(
        patient_id="P1", status=PatientStatus.ELIGIBLE, score=96.5, rank=1,
        results=(CriterionResult(crit, Status.MET, "age 12", (evidence,)),),
    )
    store.save_results(run_id, "NCT0", as_of, [result])
    store.finish_run(run_id, "ok", {"patients": 1})
    [row] = store.results(run_id)
    assert (row["patient_id"], row["status"], row["score"], row["rank"]) == (
        "P1", "eligible", 96.5, 1)
    assert row["criteria"] == [{"id": "I1", "key": "age", "type": "inclusion", "status": "met",
                                "reason": "age 12", "evidence": [evidence.to_json()],
                                "unknown_cause": None, "last_seen": None}]
    [run] = store.runs()
    assert run["status"] == "ok" and run["counts"] == {"patients": 1} and run["finished"]
