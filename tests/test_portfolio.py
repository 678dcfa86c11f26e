"""A site's whole portfolio of trials (issue 17): many trials imported at once (CT.gov API v2
`studies` lists, single studies, plain text, folders of them), each kept with its recruitment
status, phase, conditions, sites and last update; a changed record becomes a new record
version to review, an unchanged one changes nothing; `matcher trial list` shows them with
their review state; the nightly job evaluates the approved, recruiting ones."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from matcher import api
from matcher.store import Store
from tests.conftest import REPO

STUDIES = REPO / "tests" / "data" / "portfolio" / "studies.json"
DEV_TRIAL_TXT = REPO / "registry_dumps" / "NCT06904729.txt"
IDS = ["NCT90000001", "NCT90000002", "NCT90000003"]


def changed_studies(target: Path) -> Path:
    """studies.json with NCT90000002's criteria and last update changed (a sponsor's
    amendment), the other two studies byte for byte the same."""
    data = json.loads(STUDIES.read_text(encoding="utf-8"))
    study = data["studies"][1]["protocolSection"]
    study["eligibilityModule"]["eligibilityCriteria"] += "* Prior cyclophosphamide\n"
    study["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-11-02"
    target.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return target


def matcher(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MATCHER_DB": str(folder / "matcher.db")}
    return subprocess.run([sys.executable, "-m", "matcher.cli", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def ok(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = matcher(folder, *args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def lines_by_trial(output: str) -> dict[str, str]:
    return {line.split()[0].rstrip(":"): line for line in output.splitlines()
            if line.startswith("NCT")}


# --- import ------------------------------------------------------------------------------


def test_a_studies_list_imports_every_study_with_status_phase_conditions_sites_and_update(
        tmp_path: Path):
    with Store(tmp_path / "m.db") as store:
        imported = api.import_trials(store, [STUDIES])
        assert [(i.trial.trial_id, i.outcome, i.record_version) for i in imported.trials] == [
            (trial_id, "new", 1) for trial_id in IDS]
        listed = {row["trial_id"]: row for row in api.trial_portfolio(store)}
    first = listed["NCT90000001"]
    assert (first["status"], first["phase"], first["last_update"]) == (
        "RECRUITING", "PHASE2", "2026-09-01")
    assert first["conditions"] == ["Lupus Nephritis", "Systemic Lupus Erythematosus"]
    assert first["sites"] == ["Children's Hospital A, Lyon, France",
                              "Children's Hospital B, Leeds, United Kingdom"]
    assert listed["NCT90000003"]["phase"] == "PHASE1, PHASE2"
    assert listed["NCT90000002"]["status"] == "COMPLETED"
    assert {row["review"]["state"] for row in listed.values()} == {"not reviewed"}


@pytest.mark.parametrize(("line", "field", "value"), [
    ("Status: Recruiting", "status", "RECRUITING"),
    ("Overall Status: Active, not recruiting", "status", "ACTIVE_NOT_RECRUITING"),
    ("Study Phase: Phase 3", "phase", "Phase 3"),
    ("Conditions: Lupus Nephritis; SLE", "conditions", ("Lupus Nephritis", "SLE")),
    ("Last Update Posted: March 14, 2026", "last_update", "2026-03-14"),
    ("Last Update Posted: 2026-03-14", "last_update", "2026-03-14"),
])
def test_a_plain_text_page_keeps_the_portfolio_fields_it_states(line, field, value):
    from matcher.criteria.registry import read_registry_text

    text = f"A trial\n\n{line}\n\nInclusion Criteria:\n* Age 6 to 18 years\n"
    assert getattr(read_registry_text(text, "T.txt"), field) == value


def test_reimporting_a_studies_list_changes_only_the_changed_study_and_says_so(tmp_path: Path):
    shutil.copy(STUDIES, tmp_path / "studies.json")
    first = lines_by_trial(ok(tmp_path, "trial", "import", "studies.json").stdout)
    assert all(": imported, new (record version 1)" in first[i] for i in IDS), first

    before = sqlite3.connect(tmp_path / "matcher.db").execute(
        "SELECT trial_id, loaded_at FROM trials ORDER BY trial_id").fetchall()
    again = ok(tmp_path, "trial", "import", "studies.json")
    assert all("unchanged, nothing done" in line for line in lines_by_trial(again.stdout).values())
    assert "0 new, 0 changed, 3 unchanged" in again.stdout
    after = sqlite3.connect(tmp_path / "matcher.db").execute(
        "SELECT trial_id, loaded_at FROM trials ORDER BY trial_id").fetchall()
    assert after == before

    changed_studies(tmp_path / "studies.json")
    third = lines_by_trial(ok(tmp_path, "trial", "import", "studies.json").stdout)
    assert "changed: record version 2 to review" in third["NCT90000002"], third
    assert "unchanged" in third["NCT90000001"] and "unchanged" in third["NCT90000003"]
    with Store(tmp_path / "matcher.db") as store:
        versions = store.trial_records("NCT90000002")
        stored = store.trial("NCT90000002")
    assert [v["record_version"] for v in versions] == [1, 2]
    assert versions[-1]["last_update"] == "2026-11-02"
    assert any("cyclophosphamide" in c["text"] for c in stored["criteria"])


def test_a_folder_of_trials_loads_every_readable_file_and_names_the_one_that_is_not(
        tmp_path: Path):
    folder = tmp_path / "trials"
    folder.mkdir()
    shutil.copy(STUDIES, folder / "studies.json")
    shutil.copy(DEV_TRIAL_TXT, folder / "NCT06904729.txt")
    (folder / "broken.json").write_text('{"studies": [', encoding="utf-8")
    (folder / ".hidden.txt").write_text("not a trial", encoding="utf-8")
    result = matcher(tmp_path, "trial", "import", "trials")
    assert result.returncode == 1, result.stderr
    assert "broken.json" in result.stderr and "invalid JSON" in result.stderr
    assert ".hidden" not in result.stderr + result.stdout
    assert set(lines_by_trial(result.stdout)) == {*IDS, "NCT06904729"}
    with Store(tmp_path / "matcher.db") as store:
        assert sorted(t["trial_id"] for t in store.trials()) == sorted([*IDS, "NCT06904729"])


# --- trial list --------------------------------------------------------------------------


def test_trial_list_shows_each_trial_with_its_status_phase_and_review_state(tmp_path: Path):
    shutil.copy(STUDIES, tmp_path / "studies.json")
    ok(tmp_path, "trial", "import", "studies.json")
    ok(tmp_path, "trial", "review", "NCT90000002", "--approve", "inc-2", "--approve-trial",
       "--note", "checked")
    table = lines_by_trial(ok(tmp_path, "trial", "list").stdout)
    assert table["NCT90000001"].split()[1:3] == ["RECRUITING", "PHASE2"]
    assert "not reviewed (4 criteria)" in table["NCT90000001"]
    assert "approved v1 (2 not reviewed)" in table["NCT90000002"]

    changed_studies(tmp_path / "studies.json")
    ok(tmp_path, "trial", "import", "studies.json")
    table = lines_by_trial(ok(tmp_path, "trial", "list").stdout)
    assert "registry changed since v1: review" in table["NCT90000002"]
    rows = {r["trial_id"]: r for r in json.loads(
        ok(tmp_path, "trial", "list", "--format", "json").stdout)["trials"]}
    assert rows["NCT90000002"]["record_version"] == 2
    assert rows["NCT90000002"]["review"] == {
        "state": "approved", "protocol_version": 1, "unreviewed": 2,
        "registry_changed": True, "draft_reviewed": 1}
    assert rows["NCT90000003"]["review"]["protocol_version"] is None


def test_trial_list_of_a_database_without_trials_says_so(tmp_path: Path):
    Store(tmp_path / "matcher.db").close()
    assert "no trials" in ok(tmp_path, "trial", "list").stdout


def test_a_database_from_before_record_versions_gets_its_trials_as_version_1(tmp_path: Path):
    """The store step on a file of the previous schema: each stored trial's record becomes
    record version 1, so importing the same record again is unchanged, not a new version."""
    with Store(tmp_path / "matcher.db") as store:
        api.import_trials(store, [STUDIES])
        store.db.execute("DROP TABLE trial_records")
        store.db.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        store.db.conn.commit()
    with Store(tmp_path / "matcher.db") as store:
        assert [r["record_version"] for r in store.trial_records("NCT90000001")] == [1]
        assert store.latest_trial_records()["NCT90000001"]["status"] == "RECRUITING"
        again = api.import_trials(store, [STUDIES])
    assert [i.outcome for i in again.trials] == ["unchanged"] * 3
