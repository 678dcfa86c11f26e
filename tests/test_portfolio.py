"""A site's whole portfolio of trials (issue 17): many trials imported at once (CT.gov API v2
`studies` lists, single studies, plain text, folders of them), each kept with its recruitment
status, phase, conditions, sites and last update; a changed record becomes a new record
version to review, an unchanged one changes nothing; `matcher trial list` shows them with
their review state; the nightly job evaluates the approved, recruiting ones."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from matcher import api
from matcher.store import Store
from tests.conftest import REPO
from tests.test_review_cli import matcher, ok

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


def test_a_folder_without_registry_files_is_exit_1_naming_it(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.csv").write_text("not a trial", encoding="utf-8")
    result = matcher(tmp_path, "trial", "import", "empty")
    assert result.returncode == 1
    assert "empty: no registry files in the folder" in result.stderr


def test_the_same_trial_in_two_formats_in_one_folder_is_read_once(tmp_path: Path):
    """registry_dumps/ holds NCT06904729 as .json and .txt, read the same way: one trial,
    one record version (the first file's), and nothing to complain about."""
    result = ok(tmp_path, "trial", "import", str(REPO / "registry_dumps"))
    assert list(lines_by_trial(result.stdout)) == ["NCT06904729"]
    with Store(tmp_path / "matcher.db") as store:
        assert [r["source"] for r in store.trial_records("NCT06904729")] == [
            str(REPO / "registry_dumps" / "NCT06904729.json")]


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


# --- nightly -----------------------------------------------------------------------------

EXAMPLE_NOTES = REPO / "examples" / "notes.jsonl"


def approve(store: Store, trial_id: str) -> None:
    api.approve_protocol(store, trial_id, "cora", "portfolio test")


def test_the_nightly_job_evaluates_the_approved_recruiting_trials_and_a_flag_adds_the_rest(
        tmp_path: Path):
    from matcher.jobs.nightly import render_markdown, run_nightly

    db = tmp_path / "matcher.db"
    with Store(db) as store:
        api.import_trials(store, [STUDIES])
        approve(store, "NCT90000001")  # recruiting
        approve(store, "NCT90000002")  # completed
    as_of = api.dt.date(2026, 11, 20)
    report = run_nightly([EXAMPLE_NOTES], None, db, as_of, tmp_path / "r1", progress="quiet",
                         workers=1)
    assert [t.trial_id for t in report.trials] == ["NCT90000001"]
    assert report.skipped_trials == [
        {"trial_id": "NCT90000002", "reason": "not recruiting (COMPLETED)"},
        {"trial_id": "NCT90000003",
         "reason": "no approved protocol version; not recruiting (NOT_YET_RECRUITING)"},
    ]
    markdown = render_markdown(report)
    assert "## Trials not evaluated (2)" in markdown
    assert "| NCT90000002 | not recruiting (COMPLETED) |" in markdown
    everything = run_nightly([EXAMPLE_NOTES], None, db, as_of, tmp_path / "r2",
                             progress="quiet", workers=1, all_trials=True)
    assert [t.trial_id for t in everything.trials] == IDS
    assert everything.skipped_trials == []


def test_the_nightly_job_keeps_each_trials_registry_record_so_export_carries_it(
        tmp_path: Path):
    from matcher.jobs.nightly import run_nightly

    db = tmp_path / "matcher.db"
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(STUDIES, trials / "studies.json")
    run_nightly([EXAMPLE_NOTES], trials, db, api.dt.date(2026, 11, 20), tmp_path / "r",
                progress="quiet", workers=1, all_trials=True)
    with Store(db) as store:
        exported = api.export_protocol(store, "NCT90000001")
        listed = {r["trial_id"]: r for r in api.trial_portfolio(store)}
    assert exported["record"]["trial_id"] == "NCT90000001"
    assert exported["record"]["status"] == "RECRUITING"
    assert listed["NCT90000001"]["record_version"] == 1
    # A second night with the same download writes no new record version.
    run_nightly([EXAMPLE_NOTES], trials, db, api.dt.date(2026, 11, 21), tmp_path / "r",
                progress="quiet", workers=1, all_trials=True)
    with Store(db) as store:
        assert [r["record_version"] for r in store.trial_records("NCT90000001")] == [1]


# --- one patient, every trial ------------------------------------------------------------

AS_OF = "2026-11-20"
TRIALS_FOR_SCHEMA = json.loads(
    (REPO / "matcher" / "schema" / "trials_for.schema.json").read_text(encoding="utf-8"))
GROUP = {"eligible": 0, "possible": 1, "ineligible": 2}


@pytest.fixture(scope="module")
def dev_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dev cohort ingested as the README says (`matcher ingest
    ../shared/dev_cohort/notes.jsonl`), with both dev trials imported: built once."""
    shared = REPO.parent / "shared"
    if not (shared / "dev_cohort").exists():
        pytest.skip("../shared is not beside the repository")
    folder = tmp_path_factory.mktemp("dev-portfolio")
    with Store(folder / "matcher.db") as store:
        api.ingest([shared / "dev_cohort" / "notes.jsonl"], store)
        api.import_trials(store, [DEV_TRIAL_TXT, shared / "registry" / "DEV-LN-2.txt"])
    return folder


@pytest.fixture
def dev(dev_template: Path, tmp_path: Path) -> Path:
    shutil.copy(dev_template / "matcher.db", tmp_path / "matcher.db")
    return tmp_path


def test_trials_for_gives_every_dev_patient_the_gold_status_for_both_dev_trials(dev: Path):
    gold = {(r["trial"], r["patient_id"]): r["status"] for r in map(
        json.loads, (REPO.parent / "shared" / "dev_cohort" / "gold.jsonl").open())}
    got = {}
    with Store(dev / "matcher.db") as store:
        for patient in store.patients():
            judged = api.trials_for(store, patient.patient_id, api.dt.date(2026, 11, 20))
            assert [t.rank for t in judged] == [1, 2]
            groups = [GROUP[str(t.result.status)] for t in judged]
            assert groups == sorted(groups), patient.patient_id
            for t in judged:
                got[(t.trial["trial_id"], patient.patient_id)] = str(t.result.status)
                blocked = {i.criterion.id for i in t.blockers}
                assert bool(blocked) == (str(t.result.status) == "ineligible") or any(
                    i.criterion.any_of for i in t.result.results), (patient.patient_id, t)
    assert got == gold


def test_trials_for_json_follows_its_schema_with_blockers_missing_and_evidence(dev: Path):
    import jsonschema

    out = json.loads(ok(dev, "trials-for", "D01000", "--as-of", AS_OF, "--format", "json",
                        "--no-model").stdout)
    jsonschema.validate(out, TRIALS_FOR_SCHEMA)
    by_trial = {t["trial"]["id"]: t for t in out["trials"]}
    assert set(by_trial) == {"NCT06904729", "DEV-LN-2"}
    dev_ln_2 = by_trial["DEV-LN-2"]
    assert dev_ln_2["status"] == "possible" and dev_ln_2["trial"]["recruitment_status"] is None
    assert [m["key"] for m in dev_ln_2["missing"]] == ["sledai"]
    assert by_trial["NCT06904729"]["trial"]["recruitment_status"] == "RECRUITING"
    quoted = [e["text"] for c in dev_ln_2["criteria"] for e in c["evidence"]]
    assert "Lupus nephritis, class IV-G (A)" in quoted
    assert {c["review_state"] for c in dev_ln_2["criteria"]} == {"auto"}


def test_trials_for_table_and_csv_rank_the_trials_and_an_unknown_patient_is_exit_1(dev: Path):
    table = ok(dev, "trials-for", "D01000", "--as-of", AS_OF, "--no-model").stdout
    assert table.startswith("D01000 as of 2026-11-20: 2 trial(s)")
    # Both possible, neither blocked: without the model, the higher score first.
    assert "  1. NCT06904729: possible  score 70.00  [RECRUITING]" in table
    assert "  2. DEV-LN-2: possible  score 68.17  [status not stated]" in table
    assert "missing: sledai (no SLEDAI-2K score documented)" in table
    assert '↳ D01000-02 (2026-10-24) [31:62] "Lupus nephritis, class IV-G (A)"' in table
    csv_lines = ok(dev, "trials-for", "D01000", "--as-of", AS_OF, "--format", "csv",
                   "--no-model").stdout.splitlines()
    assert csv_lines[0] == ("rank,trial_id,status,recruitment_status,phase,protocol_version,"
                            "unreviewed,score,blockers,missing")
    assert csv_lines[1:] == ["1,NCT06904729,possible,RECRUITING,Phase 3,,21,70.0,,sledai",
                             "2,DEV-LN-2,possible,,,,11,68.1734,,sledai"]
    unknown = matcher(dev, "trials-for", "NOBODY", "--as-of", AS_OF)
    assert unknown.returncode == 1 and "unknown patient" in unknown.stderr
