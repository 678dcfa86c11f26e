"""Incremental nights (issue 17): a night evaluates again only the results whose inputs
changed (the patient's findings, the trial's protocol version) or whose validity ended, and
carries every other result forward. The proof: over a sequence of nights on the dev cohort
(the first night; notes added for some patients; a note changed; the as-of moved past window
boundaries; a new protocol version) each incremental night's stored rows are byte for byte
those of a full evaluation of the same database on the same as-of, and the counts of
results evaluated are the ones the changes imply: the test fails if a night silently
evaluates everyone, and fails if it skips a result that had to be evaluated again."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from matcher import api
from matcher.jobs.nightly import render_csv, render_markdown, run_nightly, summary_lines
from matcher.store import Store
from tests.conftest import REPO

PATIENTS = 12  # the dev cohort's first patients: small enough for many nights
TRIALS = ("DEV-LN-2", "NCT06904729")
# Columns of a stored result that differ between two runs by construction.
RUN_COLUMNS = {"run_id"}


@pytest.fixture
def cohort(shared: Path, tmp_path: Path) -> dict:
    notes = [json.loads(line) for line in
             (shared / "dev_cohort" / "notes.jsonl").read_text(encoding="utf-8").splitlines()]
    keep = list(dict.fromkeys(n["patient_id"] for n in notes))[:PATIENTS]
    sources = tmp_path / "exports"
    sources.mkdir()
    first = sources / "night1.jsonl"
    first.write_text("".join(json.dumps(n) + "\n" for n in notes if n["patient_id"] in keep),
                     encoding="utf-8")
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(REPO / "registry_dumps" / "NCT06904729.txt", trials)
    shutil.copy(shared / "registry" / "DEV-LN-2.txt", trials)
    by_patient: dict[str, list[dict]] = {}
    for n in notes:
        if n["patient_id"] in keep:
            by_patient.setdefault(n["patient_id"], []).append(n)
    return {"sources": sources, "trials": trials, "patients": keep, "notes": by_patient,
            "db": tmp_path / "matcher.db", "tmp": tmp_path, "parser": api.parser()}


def night(cohort: dict, as_of: dt.date, db: Path | None = None, *, full: bool = False,
          workers: int = 1):
    return run_nightly([cohort["sources"]], cohort["trials"], db or cohort["db"], as_of,
                       cohort["tmp"] / ("full-reports" if full else "reports"),
                       progress="quiet", note_parser=cohort["parser"], workers=workers,
                       all_trials=True, full=full)


def stored_rows(db: Path, run_id: int) -> dict[tuple[str, str], dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    # sqlite3.Row iterates over its values: its column names are keys().
    rows = {(r["trial_id"], r["patient_id"]): {k: r[k] for k in r.keys()  # noqa: SIM118
                                               if k not in RUN_COLUMNS}
            for r in conn.execute(
                "SELECT r.*, rc.criteria_json FROM results r LEFT JOIN result_criteria rc "
                "ON rc.digest = r.criteria_digest WHERE run_id = ?", [run_id])}
    conn.close()
    return rows


def full_rows_of_the_same_night(cohort: dict, as_of: dt.date, name: str) -> dict:
    """A copy of the database as the incremental night left it, evaluated in full on the
    same as-of (its sources are already loaded, so nothing else changes)."""
    copy = cohort["tmp"] / f"{name}.db"
    source = sqlite3.connect(cohort["db"])
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    report = night(cohort, as_of, copy, full=True)
    assert report.evaluation_totals()["full"] == PATIENTS * len(TRIALS)
    assert report.evaluation_totals()["carried"] == 0
    return stored_rows(copy, report.run_id)


def assert_incremental_equals_full(cohort: dict, report, name: str) -> dict:
    incremental = stored_rows(cohort["db"], report.run_id)
    full = full_rows_of_the_same_night(cohort, report.as_of, name)
    assert len(incremental) == PATIENTS * len(TRIALS)
    assert incremental.keys() == full.keys()
    for key, row in incremental.items():
        assert row == full[key], key  # every column a reader sees, byte for byte
    return incremental


def add_lab_notes(cohort: dict, patients: int, text: str) -> list[str]:
    """A night-2 export: one lab note dated 2026-11-21 for each of the first `patients`
    patients; returns their ids."""
    added = cohort["patients"][:patients]
    with (cohort["sources"] / "night2.jsonl").open("w", encoding="utf-8") as out:
        for i, pid in enumerate(added):
            template = cohort["notes"][pid][0]
            out.write(json.dumps({**template, "note_id": f"{pid}-new-{i}",
                                  "note_date": "2026-11-21", "note_type": "lab",
                                  "text": text}) + "\n")
    return added


def expected_split(before: dict, changed: set[str], as_of: dt.date) -> dict[str, dict]:
    """From the earlier night's stored rows: per trial, how many results the changes imply
    evaluating (findings changed, validity ended) and carrying."""
    out = {t: {"findings": 0, "expired": 0, "carried": 0} for t in TRIALS}
    for (trial, patient), row in before.items():
        if patient in changed:
            out[trial]["findings"] += 1
        elif row["holds_until"] is not None and row["holds_until"] <= as_of.isoformat():
            out[trial]["expired"] += 1
        else:
            out[trial]["carried"] += 1
    return out


def counts(report) -> dict[str, dict]:
    return {t: {k: report.evaluation[t][k] for k in ("findings", "expired", "carried")}
            for t in TRIALS}


VERDICT = ("status", "criteria_json", "statuses", "outcomes", "why_json", "age")


def test_incremental_nights_store_what_a_full_evaluation_stores(cohort: dict):
    # Night 1: nothing to build on: every result is evaluated ("trial").
    first = night(cohort, dt.date(2026, 11, 20))
    assert {t: first.evaluation[t]["trial"] for t in TRIALS} == dict.fromkeys(TRIALS, PATIENTS)
    rows = assert_incremental_equals_full(cohort, first, "night1")

    # Night 2, a day later: notes added for three patients.
    added = add_lab_notes(cohort, 3, "LAB RESULTS\nUPCR 3.4 g/g\neGFR 72")
    as_of = dt.date(2026, 11, 21)
    second = night(cohort, as_of)
    expected = expected_split(rows, set(added), as_of)
    assert counts(second) == expected
    assert all(expected[t]["findings"] == 3 for t in TRIALS)
    assert sum(e["carried"] for e in expected.values()) > 0, "a night must carry something"
    rows = assert_incremental_equals_full(cohort, second, "night2")

    # Night 3: one note changed (same id, new text): that patient only.
    changed_patient = cohort["patients"][5]
    note = cohort["notes"][changed_patient][-1]
    (cohort["sources"] / "night3.jsonl").write_text(json.dumps(
        {**note, "text": note["text"] + "\nRituximab 1 g given today."}) + "\n",
        encoding="utf-8")
    as_of = dt.date(2026, 11, 22)
    third = night(cohort, as_of)
    assert counts(third) == expected_split(rows, {changed_patient}, as_of)
    assert all(third.evaluation[t]["findings"] == 1 for t in TRIALS)
    rows = assert_incremental_equals_full(cohort, third, "night3")

    # Night 4: the as-of moves five weeks, past window boundaries: results age out. Every
    # result whose verdict changed must have been evaluated again.
    as_of = dt.date(2026, 12, 31)
    fourth = night(cohort, as_of)
    assert counts(fourth) == expected_split(rows, set(), as_of)
    after = assert_incremental_equals_full(cohort, fourth, "night4")
    aged = {key for key in rows if any(rows[key][c] != after[key][c] for c in VERDICT)}
    assert aged, "some result should change when its findings leave their windows"
    for key in aged:
        assert rows[key]["holds_until"] <= as_of.isoformat(), key
    assert sum(fourth.evaluation[t]["carried"] for t in TRIALS) > 0
    rows = after

    # Night 5: a new protocol version of one trial: all its results; the other trial's
    # results are carried or evaluated as their validity says (a new year: a date shown
    # with its year, an age counted from the year, hold until 1 January).
    with Store(cohort["db"]) as store:
        api.approve_protocol(store, "NCT06904729", "cora", "incremental test")
    as_of = dt.date(2027, 1, 1)
    fifth = night(cohort, as_of)
    assert fifth.evaluation["NCT06904729"]["trial"] == PATIENTS
    assert fifth.evaluation["NCT06904729"]["carried"] == 0
    assert fifth.evaluation["DEV-LN-2"]["trial"] == 0
    assert (counts(fifth)["DEV-LN-2"]
            == expected_split(rows, set(), as_of)["DEV-LN-2"])
    assert_incremental_equals_full(cohort, fifth, "night5")

    # The report says it: markdown, JSON, CSV and the summary line.
    totals = fifth.evaluation_totals()
    assert totals["trial"] == PATIENTS
    markdown = render_markdown(fifth)
    assert "## Evaluation" in markdown
    assert f"{totals['carried']} carried forward" in markdown
    assert fifth.to_json()["evaluation_totals"] == totals
    evaluation_line = [line for line in summary_lines(fifth) if line.startswith("evaluation:")]
    assert evaluation_line == [
        f"evaluation: {totals['trial']} evaluated (trial version), {totals['findings']} "
        f"evaluated (findings changed), {totals['expired']} evaluated (validity ended), "
        f"0 evaluated (--full), {totals['carried']} carried forward"]
    csv_lines = render_csv(fifth).splitlines()
    assert "evaluated" in csv_lines[0].split(",")
    evaluated = {line.split(",")[0]: set() for line in csv_lines[1:]}
    for line in csv_lines[1:]:
        evaluated[line.split(",")[0]].add(line.split(",")[6])
    assert evaluated.get("NCT06904729", {"trial"}) == {"trial"}


def test_a_night_after_a_change_of_findings_version_by_any_writer(cohort: dict):
    # The findings version is kept by triggers: a write that no nightly code made (a
    # site's own SQL correcting a birth date) still re-evaluates the patient.
    night(cohort, dt.date(2026, 11, 20))
    patient = cohort["patients"][2]
    conn = sqlite3.connect(cohort["db"])
    with conn:
        conn.execute("UPDATE patients SET birth_date = '2000-01-01' WHERE patient_id = ?",
                     [patient])
    conn.close()
    as_of = dt.date(2026, 11, 21)
    report = night(cohort, as_of)
    assert all(report.evaluation[t]["findings"] == 1 for t in TRIALS)
    assert_incremental_equals_full(cohort, report, "birth")


def test_a_carried_result_is_scored_for_tonight_not_for_the_night_it_was_evaluated(
        cohort: dict):
    # Nothing new a day later: every result whose validity holds is carried forward, and
    # its score (recency of the newest evidence) and P(eligible) (ages of the evidence) are
    # tonight's. Evidence of 2026-11-01 is 19 days old on 11-20 and 20 on 11-21: a carried
    # row that kept 11-20's numbers would differ from a full evaluation of 11-21.
    first = night(cohort, dt.date(2026, 11, 20))
    before = stored_rows(cohort["db"], first.run_id)
    second = night(cohort, dt.date(2026, 11, 21))
    assert sum(second.evaluation[t]["carried"] for t in TRIALS) > 0
    after = assert_incremental_equals_full(cohort, second, "next-day")
    carried = [key for key, row in before.items() if row["holds_until"] is None
               or row["holds_until"] > "2026-11-21"]
    assert carried
    # Not vacuous: the day moved the numbers of carried rows, both of them.
    assert any(after[key]["score"] != before[key]["score"] for key in carried)
    assert any(after[key]["p_eligible"] != before[key]["p_eligible"] for key in carried)


def test_an_incremental_night_judged_by_two_worker_processes_stores_what_a_full_night_stores(
        cohort: dict):
    # The workers judge tonight's few results (in tasks split between them) while the parent
    # reads the carried rows' ranking keys; the rows stored are a full night's all the same.
    rows = assert_incremental_equals_full(cohort, night(cohort, dt.date(2026, 11, 20)),
                                          "night1")
    added = add_lab_notes(cohort, 2, "LAB RESULTS\nUPCR 2.9 g/g\neGFR 64")
    as_of = dt.date(2026, 12, 31)  # past window boundaries: expired results too
    second = night(cohort, as_of, workers=2)
    assert counts(second) == expected_split(rows, set(added), as_of)
    assert sum(second.evaluation[t]["carried"] for t in TRIALS) > 0
    assert sum(second.evaluation[t]["expired"] for t in TRIALS) > 0
    assert_incremental_equals_full(cohort, second, "night2")


@pytest.mark.parametrize(("patients", "workers", "size"), [
    (471, 2, 118),      # a night with few results: every worker gets two tasks
    (10_000, 2, 500),   # a full night: tasks of EVAL_TASK
    (1, 2, 1),
    (3, 4, 1),
    (0, 2, 1),
])
def test_a_few_wanted_patients_are_split_between_the_workers(patients: int, workers: int,
                                                             size: int):
    from matcher.jobs.engine import EVAL_TASK, task_size

    assert EVAL_TASK == 500
    assert task_size(patients, workers) == size
