"""Stored rankings (issue 16): `matcher match` and `matcher nightly` store what they compute
through one library function (api.store_ranking), and what is stored is what the library
computes: rank, P(eligible), per-criterion statuses and outcomes, why chips, age."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher import api
from matcher.cli import cli
from matcher.jobs.nightly import run_nightly
from matcher.judge.outcome import outcome_of, why_chips
from matcher.judge.stored_row import OUTCOME_CODES, STATUS_CODES
from matcher.store import Store, criteria_payloads, result_tables
from tests.conftest import AS_OF, REPO

TRIAL_FILE = REPO / "registry_dumps" / "NCT06904729.txt"
NOTES = REPO / "examples" / "notes.jsonl"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stored") / "template.db"
    with Store(path) as store:
        api.ingest([NOTES], store)
    return path


@pytest.fixture
def db(ingested: Path, tmp_path: Path) -> Path:
    target = tmp_path / "matcher.db"
    shutil.copy(ingested, target)
    return target


def _stored(db: Path, run_id: int | None = None) -> list[dict]:
    with Store(db) as store:
        where = "WHERE r.run_id = ?" if run_id is not None else ""
        return list(store.db.query(
            f"SELECT r.*, {criteria_payloads.TEXT} FROM {criteria_payloads.JOINED} {where} "
            "ORDER BY r.rank", [run_id] if run_id is not None else []))


@pytest.mark.parametrize("with_model", [True, False], ids=["eligibility-model", "no-model"])
def test_matcher_match_stores_the_ranking_it_computes(db: Path, with_model: bool):
    args = ["match", str(TRIAL_FILE), "--db", str(db), "--as-of", AS_OF.isoformat(),
            "--format", "json"] + ([] if with_model else ["--no-model"])
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    printed = json.loads(out.output[out.output.index("{"):])["patients"]
    trial = api.load_trial(TRIAL_FILE)
    model = api.eligibility_model() if with_model else None
    with Store(db) as store:
        results, p = api.match_with_p(trial, store, AS_OF, model)
        found = result_tables.latest_set(store.db, trial.trial_id, AS_OF.isoformat(),
                                         api.trial_digest(trial))
    rows = _stored(db)
    assert found is not None and found["finished_at"] and found["patients"] == len(rows)
    assert found["model_version"] == (model.version if model else None)
    assert [(r["patient_id"], r["rank"], r["status"], r["score"]) for r in rows] == \
        [(r["patient_id"], r["rank"], r["status"], r["score"]) for r in printed] == \
        [(r.patient_id, r.rank, str(r.status), r.score) for r in results]
    assert [r["p_eligible"] for r in rows] == [p.get(r.patient_id) for r in results]
    for row, result in zip(rows, results, strict=True):
        assert row["statuses"] == "".join(STATUS_CODES[c.status] for c in result.results)
        assert row["outcomes"] == "".join(
            OUTCOME_CODES[outcome_of(c.criterion.type, c.status).code] for c in result.results)
        assert json.loads(row["why_json"]) == [c.to_json() for c in why_chips(result, AS_OF)]
        assert row["met"] + row["not_met"] + row["unknown"] + row["manual"] == len(trial.criteria)
        assert len(row["record_digest"]) == 16
        assert api.stored_result(trial, row).results == result.results


def test_nightly_stores_the_same_rows_as_match(db: Path, tmp_path: Path):
    """One path: the nightly run's stored rows equal `matcher match`'s, column for column
    (the run and the time it was stored apart, and the incremental bookkeeping: a night
    records until when each result holds and the as-of-free parts of its score, so that the
    next night can carry it forward; a match's set is never built on, so it records none)."""
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(TRIAL_FILE, trials)
    report = run_nightly([NOTES], trials, db, AS_OF, tmp_path / "reports", progress="quiet",
                         workers=1, all_trials=True)
    assert CliRunner().invoke(cli, ["match", str(TRIAL_FILE), "--db", str(db), "--as-of",
                                    AS_OF.isoformat()]).exit_code == 0
    with Store(db) as store:
        match_run = store.db.execute("SELECT max(run_id) FROM runs WHERE kind = 'match'"
                                     ).fetchone()[0]
    nightly, match = _stored(db, report.run_id), _stored(db, match_run)
    assert nightly and len(nightly) == len(match)
    for a, b in zip(nightly, match, strict=True):
        a.pop("run_id"), b.pop("run_id")
        for bookkeeping in ("holds_until", "refresh_json"):
            assert b.pop(bookkeeping) is None
            a.pop(bookkeeping)
        assert a == b


def test_a_set_being_written_is_never_read_and_a_new_one_replaces_the_old(db: Path):
    trial = api.load_trial(TRIAL_FILE)
    with Store(db) as store:
        _, _, first = api.match_and_store(trial, store, AS_OF)
        run = store.start_run(AS_OF, "v", "match")
        result_tables.begin_set(store.db, run, trial.trial_id, api.trial_digest(trial), None,
                                AS_OF.isoformat(), 0, None, None, "2030-01-01T00:00:00+00:00")
        found = result_tables.latest_set(store.db, trial.trial_id, AS_OF.isoformat())
        assert found["run_id"] == first  # the unfinished set is not read
        _, _, second = api.match_and_store(trial, store, AS_OF)
        found = result_tables.latest_set(store.db, trial.trial_id, AS_OF.isoformat())
        assert found["run_id"] == second
        kept = {r[0] for r in store.db.execute("SELECT DISTINCT run_id FROM results")}
    assert kept == {second}  # the superseded match run's rows are gone


def test_another_as_of_date_is_another_set(db: Path):
    trial = api.load_trial(TRIAL_FILE)
    earlier = dt.date(2025, 9, 1)
    with Store(db) as store:
        api.match_and_store(trial, store, AS_OF)
        api.match_and_store(trial, store, earlier)
        now = result_tables.latest_set(store.db, trial.trial_id, AS_OF.isoformat())
        then = result_tables.latest_set(store.db, trial.trial_id, earlier.isoformat())
    assert now["run_id"] != then["run_id"] and now["counts"] != then["counts"]
