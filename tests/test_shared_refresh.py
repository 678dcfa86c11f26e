"""Store migration 11 (issue 17): a carried row copies a digest of its refresh inputs, not
the inputs; results is a WITHOUT ROWID table; and the nightly parent names the note
pipeline's version without loading the pipeline."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from matcher.store import SCHEMA_VERSION, Store, criteria_payloads
from matcher.store.db import MIGRATIONS

CRITERIA = '[{"id": "I1", "status": "met", "reason": "SLE on 2026-01-01"}]'
OTHER = '[{"id": "I1", "status": "unknown", "reason": "no lupus diagnosis found"}]'
REFRESH_A = "[95.0, 739926, 739926, 0, 0, 1.0, 0.0]"
REFRESH_B = "[80.0, 739900, 0, 0, 0, 2.0, 1.0]"

# (run, patient, criteria text, refresh text): two nights of P-1 with the same verdict
# (the second carried: same texts), P-2 with the same criteria text and other evidence
# dates, P-3 evaluated by `matcher match` (no refresh inputs).
ROWS = (
    (1, "P-1", CRITERIA, REFRESH_A),
    (2, "P-1", CRITERIA, REFRESH_A),
    (2, "P-2", CRITERIA, REFRESH_B),
    (3, "P-3", OTHER, None),
)


def _database_at_version_10(path: Path) -> None:
    db = Database(sqlite3.connect(path))
    db.table("meta").create({"key": str, "value": str}, pk="key")
    for migration in MIGRATIONS[:10]:
        migration(db)
    db.execute("INSERT INTO meta VALUES ('schema_version', '10')")
    db.execute("INSERT INTO runs (run_id, status, kind) VALUES (1, 'completed', 'nightly'), "
               "(2, 'completed', 'nightly'), (3, 'completed', 'match')")
    for run, patient, criteria, refresh in ROWS:
        db.execute("INSERT OR IGNORE INTO result_criteria VALUES (?, ?)",
                   [criteria_payloads.digest(criteria), criteria])
        db.execute("INSERT INTO results (run_id, trial_id, patient_id, status, rank, why_json, "
                   "holds_until, refresh_json, criteria_digest) VALUES (?, 'T-1', ?, "
                   "'eligible', 1, '[]', '2026-12-01', ?, ?)",
                   [run, patient, refresh, criteria_payloads.digest(criteria)])
    db.conn.commit()
    db.conn.close()


def test_migration_11_keeps_every_row_readable_as_before_with_its_refresh_inputs_once(
        tmp_path: Path):
    path = tmp_path / "v10.db"
    _database_at_version_10(path)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 11
        read = [(r["run_id"], r["patient_id"], r["criteria_json"], r["refresh_json"],
                 r["why_json"], r["holds_until"])
                for run in (1, 2, 3) for r in store.results(run)]
        assert read == [(run, patient, criteria, refresh, "[]", "2026-12-01")
                        for run, patient, criteria, refresh in ROWS]
        assert "refresh_text" not in store.results(1)[0]
        # The row holds the digest of its refresh inputs; the text is kept once.
        stored = dict(store.db.execute(
            "SELECT patient_id || '@' || run_id, refresh_json FROM results").fetchall())
        assert stored == {"P-1@1": criteria_payloads.refresh_digest(REFRESH_A),
                          "P-1@2": criteria_payloads.refresh_digest(REFRESH_A),
                          "P-2@2": criteria_payloads.refresh_digest(REFRESH_B),
                          "P-3@3": None}
        assert sorted(store.db.execute(
            "SELECT refresh_json FROM result_refresh").fetchall()) == sorted(
            [(REFRESH_A,), (REFRESH_B,)])
        table = store.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'results'").fetchone()[0]
        assert "WITHOUT ROWID" in table
        indexes = {r[1] for r in store.db.execute("PRAGMA index_list(results)")}
        assert {"results_list", "results_criteria_digest"} <= indexes
        assert "idx_results_trial_id_patient_id" not in indexes
        # Texts go when the last row of their criteria text goes, not before.
        store.drop_results(1)
        assert store.db.execute("SELECT count(*) FROM result_refresh").fetchone() == (2,)
        store.drop_results(2)
        assert store.db.execute("SELECT count(*) FROM result_refresh").fetchone() == (0,)
        assert store.db.execute("SELECT criteria_json FROM result_criteria").fetchall() == [
            (OTHER,)]


def test_migration_11_run_again_on_an_upgraded_file_changes_nothing(tmp_path: Path):
    path = tmp_path / "v10.db"
    _database_at_version_10(path)
    with Store(path) as store:
        before = [store.results(run) for run in (1, 2, 3)]
        with store.transaction():
            MIGRATIONS[10](store.db)
        assert [store.results(run) for run in (1, 2, 3)] == before
        assert store.db.execute("SELECT count(*) FROM result_refresh").fetchone() == (2,)


def test_the_engine_names_the_pipeline_version_without_loading_the_pipeline():
    from matcher.jobs.engine import EmbeddedEngine, run_parser, saved_version

    engine = EmbeddedEngine(workers=2)
    if saved_version() is None:  # no saved artifact of this code: it had to load one
        assert engine._parser is not None  # noqa: SLF001
    else:
        assert engine._parser is None  # noqa: SLF001
    assert engine.version == run_parser(None).version
    assert engine.parser.version == engine.version  # loaded on first use
