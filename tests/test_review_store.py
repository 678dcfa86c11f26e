"""The criteria review's tables (store migration 4): protocol versions are append-only, a
database at the previous schema version is migrated with its data kept, and review actions
write the same audit rows as the web app (matcher.store.audit)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from matcher import api
from matcher.model import Patient
from matcher.store import SCHEMA_VERSION, Store
from matcher.store.db import MIGRATIONS
from matcher.web import security
from tests.conftest import AS_OF
from tests.test_review_protocol import TRIAL_ID, imported_store


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE protocol_versions SET note = 'rewritten'",
        "UPDATE protocol_versions SET protocol_json = '{}' WHERE version = 1",
        "DELETE FROM protocol_versions",
        "DELETE FROM protocol_versions WHERE version = 1",
    ],
)
def test_protocol_versions_are_append_only(tmp_path: Path, statement: str) -> None:
    with imported_store(tmp_path) as store:
        api.review_approve(store, TRIAL_ID, "inc-1", "cora")
        api.approve_protocol(store, TRIAL_ID, "cora", "first")
        with pytest.raises(sqlite3.IntegrityError, match="append-only|kept forever"):
            store.db.execute(statement)
        rows = store.protocol_versions(TRIAL_ID)
        assert [(r["version"], r["note"]) for r in rows] == [(1, "first")]
        # A second approval appends version 2; version 1 is untouched.
        api.approve_protocol(store, TRIAL_ID, "cora", "second")
        assert [r["version"] for r in store.protocol_versions(TRIAL_ID)] == [1, 2]


def _database_at_version_3(path: Path) -> None:
    """A file as the release before the criteria review wrote it: migrations 1-3 only,
    with a patient, a note, a trial, a finished run's result, a user and an audit row."""
    db = Database(sqlite3.connect(path))
    db.table("meta").create({"key": str, "value": str}, pk="key")
    for migration in MIGRATIONS[:3]:
        migration(db)
    conn = db.conn
    # web_users as that release made it (today's migration 3 allows the coordinator role).
    conn.execute("DROP TABLE web_users")
    conn.execute("CREATE TABLE web_users (username TEXT PRIMARY KEY, password_hash TEXT NOT "
                 "NULL, role TEXT NOT NULL CHECK (role IN ('referrer', 'admin')), created_at "
                 "TEXT NOT NULL)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    conn.execute("INSERT INTO patients VALUES ('P-1', '2012-01-01', 'F')")
    conn.execute("INSERT INTO notes (note_id, patient_id, note_date, text, content_hash) "
                 "VALUES ('N-1', 'P-1', '2026-01-01', 'SLE.', 'h')")
    conn.execute("INSERT INTO trials (trial_id, title, criteria_json) VALUES ('T-1', 't', '[]')")
    conn.execute("INSERT INTO runs (run_id, status) VALUES (1, 'completed')")
    conn.execute("INSERT INTO results (run_id, trial_id, patient_id, status, criteria_json) "
                 "VALUES (1, 'T-1', 'P-1', 'eligible', '[]')")
    conn.execute("INSERT INTO web_users VALUES ('ada', 'hash', 'admin', '2026-01-01')")
    conn.execute("INSERT INTO web_audit (at, username, action) VALUES ('x', 'ada', 'login')")
    conn.commit()
    conn.close()


def test_a_database_at_the_previous_schema_version_is_migrated_with_its_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    _database_at_version_3(path)
    old = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):  # the old role CHECK: two roles only
        old.execute("INSERT INTO web_users VALUES ('cy', 'h', 'coordinator', 'x')")
    old.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 12
        assert [p.patient_id for p in store.patients()] == ["P-1"]
        assert store.note("N-1") is not None
        assert [t["trial_id"] for t in store.trials()] == ["T-1"]
        result = store.results(1)
        assert [(r["patient_id"], r["status"], r["protocol_version"]) for r in result] == [
            ("P-1", "eligible", None)]
        users = store.db.execute("SELECT username, role FROM web_users").fetchall()
        assert users == [("ada", "admin")]
        assert store.db.execute("SELECT action FROM web_audit").fetchall() == [("login",)]
        # The coordinator role is now allowed; an unknown role still is not.
        store.db.execute("INSERT INTO web_users VALUES ('cy', 'h', 'coordinator', 'x')")
        with pytest.raises(sqlite3.IntegrityError):
            store.db.execute("INSERT INTO web_users VALUES ('zed', 'h', 'owner', 'x')")
        assert store.protocol_versions("T-1") == [] and store.review_draft("T-1") == []


def test_results_record_the_protocol_version_they_were_computed_with(tmp_path: Path) -> None:
    with imported_store(tmp_path) as store:
        trial = api.protocol_in_use(store, TRIAL_ID).trial
        run = store.start_run(None, "test")
        store.upsert_patient(Patient("P-1", None, None))
        store.upsert_patient(Patient("P-2", None, None))
        results = api.match(trial, store, AS_OF)
        store.save_results(run, TRIAL_ID, AS_OF, results[:1], protocol_version=3)
        store.save_results(run, "other", AS_OF, results[1:])
        assert [(r["trial_id"], r["protocol_version"]) for r in store.results(run)] == [
            (TRIAL_ID, 3), ("other", None)]


def test_review_actions_write_the_web_apps_audit_rows(tmp_path: Path) -> None:
    with imported_store(tmp_path) as store:
        api.review_manual(store, TRIAL_ID, "exc-2", "checked at the screening visit", "cora")
        security.audit(store.db, "ada", "view_patient", TRIAL_ID, "P-1")
        rows = list(store.db.query("SELECT username, action, trial_id, detail FROM web_audit "
                                   "ORDER BY id"))
    assert [(r["username"], r["action"], r["trial_id"]) for r in rows] == [
        ("cora", "review_manual", TRIAL_ID), ("ada", "view_patient", TRIAL_ID)]
    detail = json.loads(rows[0]["detail"])
    assert detail["criterion_id"] == "exc-2"
    assert detail["before"]["state"] == "auto" and detail["after"]["state"] == "manual"
    assert detail["after"]["criterion"]["kind"] == "manual"
    assert detail["before"]["criterion"]["kind"] == "drug_exposure"
