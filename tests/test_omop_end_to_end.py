"""OMOP CDM exports through `matcher ingest` into the store and the evaluator: the format is
told from the folder (or given), a rerun changes nothing, a changed row replaces its fact, a
SQLite file loads as its folder does, and a patient given as OMOP tables gets the seed
trial's verdicts the same patient given as clinic notes gets."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher import api
from matcher.cli import cli
from matcher.errors import ConfigurationError
from matcher.store import Store
from tests.conftest import AS_OF, REPO

FIXTURE = REPO / "tests" / "data" / "omop"
E2E = REPO / "tests" / "data" / "omop_e2e"
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"


def _ingest(db_path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["ingest", *args, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return result.output


def _coded(db_path: Path) -> dict[str, tuple]:
    with Store(db_path) as store:
        rows = store.coded_facts()
    return {r["source"]: (r["concept"], r["value"], r["unit"], r["outcome"]) for r in rows}


@pytest.mark.parametrize("fmt", [[], ["--format", "omop"]], ids=["told-by-folder", "format-omop"])
def test_ingest_reads_an_omop_folder_into_notes_coded_facts_and_rejects(db_path, fmt):
    output = _ingest(db_path, *fmt, str(FIXTURE))
    assert "coded facts 16: 14 on the timeline (16 new), 2 unmapped; values left out 3" in output
    coded = _coded(db_path)
    assert coded["measurement 100"] == ("lab.alt", 85.0, "U/L", "timeline")
    assert coded["measurement 102"][0] is None and coded["measurement 102"][-1] == "unmapped"
    with Store(db_path) as store:
        assert store.patient("OMOP-001").birth_date.isoformat() == "1990-05-14"
        assert len(store.rejects()) == 10
        findings = store.findings_for_patient("OMOP-001")
    alt = [f for f in findings if f.concept == "lab.alt" and f.attrs.get("provenance")]
    assert [(f.value, f.unit, f.ref_high, f.note_id) for f in alt] == [
        (85.0, "U/L", 40.0, "measurement 100")
    ]
    assert alt[0].text.endswith("2026-11-02, measurement 100")
    # The note's own "ALT 85 U/L" is parsed from note 10 as for any note.
    assert any(f.concept == "lab.alt" and f.note_id == "10" for f in findings)


def test_a_rerun_changes_nothing_and_a_changed_row_replaces_its_fact(db_path, tmp_path):
    folder = tmp_path / "cdm"
    shutil.copytree(FIXTURE, folder)
    _ingest(db_path, str(folder))
    again = _ingest(db_path, str(folder))
    assert "0 new, 0 changed, 2 unchanged" in again
    assert "(16 unchanged)" in again
    measurement = folder / "measurement.csv"
    measurement.write_text(
        measurement.read_text(encoding="utf-8").replace(
            "100,1,3006923,2026-11-02,,32856,4172703,85,",
            "100,1,3006923,2026-11-02,,32856,4172703,95,",
        ),
        encoding="utf-8",
    )
    changed = _ingest(db_path, str(folder))
    assert "1 changed" in changed or "(1 changed" in changed
    assert _coded(db_path)["measurement 100"] == ("lab.alt", 95.0, "U/L", "timeline")
    with Store(db_path) as store:
        alt = [f for f in store.findings_for_patient("OMOP-001") if f.note_id == "measurement 100"]
    assert [f.value for f in alt] == [95.0]


def _sqlite(folder: Path, target: Path) -> Path:
    conn = sqlite3.connect(target)
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        rows = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
        header = rows[0]
        conn.execute(f'CREATE TABLE "{path.stem}" ({", ".join(header)})')
        marks = ", ".join("?" * len(header))
        typed = [[None if v == "" else v for v in r] for r in rows[1:]]
        conn.executemany(f'INSERT INTO "{path.stem}" VALUES ({marks})', typed)
    conn.commit()
    conn.close()
    return target


def test_an_omop_sqlite_file_loads_as_its_folder_does(tmp_path):
    folder_db, sqlite_db = tmp_path / "a.db", tmp_path / "b.db"
    _ingest(folder_db, str(FIXTURE))
    _ingest(sqlite_db, str(_sqlite(FIXTURE, tmp_path / "cdm.sqlite")))
    assert _coded(sqlite_db) == _coded(folder_db)


def test_format_omop_refuses_a_note_export_naming_the_file(db_path):
    result = CliRunner().invoke(
        cli, ["ingest", "--format", "omop", str(E2E / "notes.jsonl"), "--db", str(db_path)]
    )
    # `matcher` prints a MatcherError as "error: ..." and exits 1 (cli.main).
    assert isinstance(result.exception, ConfigurationError)
    assert result.exception.exit_code == 1
    assert "notes.jsonl: not an OMOP CDM export" in str(result.exception)


def _verdicts(db_path: Path) -> tuple[str, dict[str, str]]:
    trial = api.load_trial(TRIAL)
    with Store(db_path) as store:
        [result] = api.match(trial, store, AS_OF)
    return str(result.status), {r.criterion.id: str(r.status) for r in result.results}


def test_a_patient_as_omop_tables_and_as_notes_gets_the_same_verdicts_on_the_seed_trial(
    tmp_path,
):
    from_notes, from_omop = tmp_path / "notes.db", tmp_path / "omop.db"
    _ingest(from_notes, str(E2E / "notes.jsonl"))
    _ingest(from_omop, str(E2E / "omop"))
    notes_status, notes_criteria = _verdicts(from_notes)
    omop_status, omop_criteria = _verdicts(from_omop)
    assert omop_criteria == notes_criteria
    assert omop_status == notes_status
    # Not an empty agreement: the labs, drugs and diagnosis decide from coded rows alone
    # (the OMOP note holds none of them).
    met = {k for k, v in omop_criteria.items() if v == "met"}
    assert {"inc-2", "inc-9", "inc-10", "inc-11", "inc-12", "inc-13", "inc-16", "inc-17"} <= met
    with Store(from_omop) as store:
        coded = [f for f in store.findings_for_patient("E2E-001") if f.attrs.get("provenance")]
    assert {f.concept for f in coded} >= {"lab.wbc", "lab.egfr", "drug.tacrolimus", "dx.sle"}


def test_a_value_in_a_note_and_in_a_measurement_of_the_same_day_is_one_fact_with_two_sources(
    db_path,
):
    from matcher.judge.timeline import one_fact_per_day

    _ingest(db_path, str(FIXTURE))
    with Store(db_path) as store:
        findings = store.findings_for_patient("OMOP-001")
        dates = store.note_dates()
    # Note 10 says "ALT 85 U/L today" on 2026-11-02; measurement 100 is ALT 85 U/L that day.
    alt = [f for f in one_fact_per_day(findings, dates) if f.concept == "lab.alt"]
    assert [(f.note_id, f.value) for f in alt] == [("measurement 100", 85.0)]
    assert [a["note_id"] for a in alt[0].attrs["also"]] == ["10"]


def test_nightly_reads_an_omop_folder_as_one_source_and_skips_it_when_unchanged(tmp_path):
    from matcher.jobs.nightly import run_nightly

    folder = tmp_path / "cdm"
    shutil.copytree(FIXTURE, folder)
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(TRIAL, trials)
    db, reports = tmp_path / "m.db", tmp_path / "reports"

    def run():
        return run_nightly([folder], trials, db, AS_OF, reports, progress="quiet", workers=1,
                           all_trials=True)

    first = run()
    assert first.source_files == [str(folder)]
    assert first.coded["facts"] == 16
    assert (first.coded["timeline"], first.coded["unmapped"]) == (14, 2)
    assert first.coded["values_left_out"] == 3
    assert (first.new, len(first.rejects)) == (2, 10)
    assert _coded(db)["measurement 100"] == ("lab.alt", 85.0, "U/L", "timeline")
    again = run()  # byte-identical tables: not read again, their rejects listed again
    assert again.skipped_files == [str(folder)]
    assert len(again.rejects) == 10
    (folder / "measurement.csv").write_text(
        (folder / "measurement.csv").read_text(encoding="utf-8").replace(",85,", ",95,", 1),
        encoding="utf-8",
    )
    changed = run()
    assert changed.skipped_files == []
    assert _coded(db)["measurement 100"][1] == 95.0


def test_nightly_reads_an_omop_sqlite_file(tmp_path):
    from matcher.jobs.nightly import run_nightly

    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(TRIAL, trials)
    database = _sqlite(FIXTURE, tmp_path / "cdm.sqlite")
    report = run_nightly(
        [database], trials, tmp_path / "m.db", AS_OF, tmp_path / "r", progress="quiet", workers=1,
        all_trials=True,
    )
    assert report.coded["facts"] == 16
    assert {r.file for r in report.rejects} >= {f"{database}:measurement"}
