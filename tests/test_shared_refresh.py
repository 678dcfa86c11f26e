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
        assert store.schema_version() == SCHEMA_VERSION == 12
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
            "SELECT refresh_json, numbers FROM result_refresh").fetchall()) == sorted(
            [(t, criteria_payloads.refresh_numbers(t)) for t in (REFRESH_A, REFRESH_B)])
        table = store.db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'results'").fetchone()[0]
        assert "WITHOUT ROWID" in table
        indexes = {r[1] for r in store.db.execute("PRAGMA index_list(results)")}
        # Migration 12 dropped the index of rows by their criteria text.
        assert "results_list" in indexes and "results_criteria_digest" not in indexes
        assert "idx_results_trial_id_patient_id" not in indexes
        # Texts stored before migration 12 are kept when their rows go (another patient's
        # rows may share them: the release check of migration 12 would not see those).
        store.drop_results(1)
        store.drop_results(2)
        assert store.db.execute("SELECT count(*) FROM result_refresh").fetchone() == (2,)
        assert sorted(store.db.execute("SELECT criteria_json FROM result_criteria")) == sorted(
            [(CRITERIA,), (OTHER,)])


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


def test_a_carried_rows_stored_numbers_give_the_score_and_p_its_text_gives_bit_for_bit():
    import datetime as dt
    import json
    import random

    from matcher import api
    from matcher.jobs.engine import _FIXED, refreshed_scores_and_ps
    from matcher.judge.eligibility import feature_names

    rng = random.Random(11)
    day = dt.date(2026, 11, 20).toordinal()
    texts = []
    for _ in range(40):
        numbers = [rng.choice([0.0, 35.0, 95.0]), rng.choice([0, day - rng.randrange(400)])]
        numbers += [rng.choice([0, day - rng.randrange(900)]) for _ in range(_FIXED - 2)]
        numbers += [rng.choice([0.0, 1.0, rng.random(), float(rng.randrange(30))])
                    for _ in feature_names()]
        texts.append(json.dumps(numbers))
    stored = [criteria_payloads.refresh_numbers(t) for t in texts]
    assert all(isinstance(b, bytes) for b in stored)
    model = api.eligibility_model()
    for as_of in (dt.date(2026, 11, 21), dt.date(2027, 3, 1)):
        from_text = refreshed_scores_and_ps(texts, as_of, model)
        assert refreshed_scores_and_ps(stored, as_of, model) == from_text
        mixed = [b if i % 2 else t for i, (t, b) in enumerate(zip(texts, stored, strict=True))]
        assert refreshed_scores_and_ps(mixed, as_of, model) == from_text


def test_refresh_numbers_of_a_text_that_is_not_a_flat_array_of_numbers_are_none():
    assert criteria_payloads.refresh_numbers('{"base": 95}') is None
    assert criteria_payloads.refresh_numbers("[1, [2]]") is None
    assert criteria_payloads.refresh_numbers("[1, true]") is None
    assert criteria_payloads.refresh_numbers("not json") is None
