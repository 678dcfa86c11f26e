"""Store migration 12 (issue 17): a result set's criteria text is keyed by its trial and
patient and released through the trial's result sets, so a carried row adds no entry to an
index of every row by its text; texts stored before are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.store import Store, criteria_payloads

TEXT = '[{"id": "I1", "status": "met", "reason": "SLE on 2026-01-01"}]'
OTHER = '[{"id": "I1", "status": "unknown", "reason": "no lupus diagnosis found"}]'


def _set(store: Store, run: int, trial: str, rows: list[tuple[str, str]],
         kind: str = "nightly") -> None:
    """A finished result set of `trial` in run `run`: (patient id, criteria text) rows,
    their texts stored as the nightly job and `matcher match` store them."""
    db = store.db
    with store.transaction():
        db.execute("INSERT OR IGNORE INTO runs (run_id, status, kind) VALUES (?, 'completed', ?)",
                   [run, kind])
        db.execute("INSERT INTO result_sets (run_id, trial_id, trial_digest, as_of, "
                   "data_version, started_at, finished_at) VALUES (?, ?, 'd', '2026-11-20', 0, "
                   "'t', 't')", [run, trial])
        keys = criteria_payloads.store_set_texts(db, [(trial, p, text) for p, text in rows])
        for (patient, _), key in zip(rows, keys, strict=True):
            db.execute("INSERT INTO results (run_id, trial_id, patient_id, status, why_json, "
                       "criteria_digest) VALUES (?, ?, ?, 'eligible', '[]', ?)",
                       [run, trial, patient, key])
            db.execute("INSERT OR IGNORE INTO result_refresh (criteria_digest, digest, "
                       "refresh_json) VALUES (?, 'r', '[1.0]')", [key])


def _texts(store: Store) -> list[tuple[str, int]]:
    return sorted(store.db.execute("SELECT criteria_json, scoped FROM result_criteria"))


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "matcher.db") as opened:
        yield opened


def test_a_text_is_kept_while_any_set_of_its_trial_holds_a_row_of_its_patient_with_it(
        store: Store):
    # Night 1 evaluates P-1; night 2 carries the row forward (same text, same key); a
    # `matcher match` run gets the same verdict again.
    _set(store, 1, "T-1", [("P-1", TEXT)])
    _set(store, 2, "T-1", [("P-1", TEXT)])
    _set(store, 3, "T-1", [("P-1", TEXT)], kind="match")
    assert _texts(store) == [(TEXT, 1)]
    for run in (1, 3):
        store.drop_results(run)
        assert _texts(store) == [(TEXT, 1)], run
    assert [r["criteria_json"] for r in store.results(2)] == [TEXT]
    store.drop_results(2)
    assert _texts(store) == []
    assert store.db.execute("SELECT count(*) FROM result_refresh").fetchone() == (0,)


def test_two_patients_or_two_trials_with_the_same_text_keep_a_copy_each(store: Store):
    _set(store, 1, "T-1", [("P-1", TEXT), ("P-2", TEXT)])
    _set(store, 1, "T-2", [("P-1", TEXT)])
    assert _texts(store) == [(TEXT, 1)] * 3
    store.db.execute("DELETE FROM results WHERE run_id = 1 AND trial_id = 'T-1' "
                     "AND patient_id = 'P-1'")
    assert _texts(store) == [(TEXT, 1)] * 2
    assert [r["criteria_json"] for r in store.results(1)] == [TEXT, TEXT]


def test_a_text_stored_before_migration_12_is_kept_when_its_rows_go(store: Store):
    # Migration 10 keyed a text by its content alone: another patient's row may share it,
    # and the release check through one patient's rows would not see that row.
    key = criteria_payloads.store_texts(store.db, [OTHER])[0]
    with store.transaction():
        store.db.execute("INSERT INTO runs (run_id, status, kind) VALUES (1, 'completed', "
                         "'match')")
        store.db.execute("INSERT INTO result_sets (run_id, trial_id, trial_digest, as_of, "
                         "data_version, started_at) VALUES (1, 'T-1', 'd', '2026-11-20', 0, "
                         "'t')")
        store.db.execute("INSERT INTO results (run_id, trial_id, patient_id, status, "
                         "why_json, criteria_digest) VALUES (1, 'T-1', 'P-1', 'eligible', "
                         "'[]', ?)", [key])
    store.drop_results(1)
    assert _texts(store) == [(OTHER, 0)]


def test_no_index_of_every_row_by_its_text_is_kept(store: Store):
    indexes = {r[1] for r in store.db.execute("PRAGMA index_list(results)")}
    assert "results_criteria_digest" not in indexes
    assert "results_list" in indexes
