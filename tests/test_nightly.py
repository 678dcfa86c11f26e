"""`matcher nightly` as cron runs it: real processes, a real SQLite file, SIGKILL.

The crash tests run the job on the dev cohort repeated to ~4,000 notes (a few seconds of
parsing), kill it with SIGKILL while it parses and while it evaluates (the phase is read
from the database, polled read-only beside the writer), run the same command again, and
compare the database and `matcher match --format json` with one clean run.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import json
import os
import pty
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import psutil
import pytest

from matcher.jobs.nightly import run_nightly
from tests.conftest import REPO

MATCHER = [sys.executable, "-m", "matcher.cli"]
AS_OF = "2026-11-20"
NCT = "NCT06904729"
COPIES = 7  # 7 x 580 = 4,060 notes, 560 patients: ~4 s of parsing on 2 cores
MARKER = "ZEBRA-PHI-7731"  # planted in note text: must never reach logs or reports


# --- helpers --------------------------------------------------------------------------------

_FROZEN: dict[str, str] = {}


def frozen_env() -> dict[str, str]:
    """The job's processes run a copy of the package taken once per test session, so that
    someone editing matcher/nlp (its code or its data) while the tests run (which changes the
    pipeline version, and rightly makes the job re-parse everything) cannot change the
    code between a killed run and its rerun."""
    if not _FROZEN:
        import atexit
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="matcher-frozen-"))
        atexit.register(shutil.rmtree, root, True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(REPO / "matcher", root / "matcher", ignore=ignore)
        if (REPO / "models").is_dir():
            shutil.copytree(REPO / "models", root / "models", ignore=ignore)
        env = {k: v for k, v in os.environ.items() if k not in ("MATCHER_DB", "MATCHER_MODELS")}
        env["PYTHONPATH"] = str(root)
        _FROZEN.update(env)
    return dict(_FROZEN)



def cohort(shared: Path) -> list[dict]:
    return [json.loads(line) for line in (shared / "dev_cohort" / "notes.jsonl").open()]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def trials_dir(shared: Path, base: Path) -> Path:
    folder = base / "trials"
    folder.mkdir(exist_ok=True)
    shutil.copy(REPO / "registry_dumps" / f"{NCT}.txt", folder)
    shutil.copy(shared / "registry" / "DEV-LN-2.txt", folder)
    return folder


def nightly_args(sources: list[Path], trials: Path, db: Path, report: Path) -> list[str]:
    args = [*MATCHER, "nightly"]
    for source in sources:
        args += ["--source", str(source)]
    return args + ["--trials", str(trials), "--db", str(db), "--as-of", AS_OF,
                   "--report", str(report), "--all-trials"]


def nightly(sources: list[Path], trials: Path, db: Path, report: Path,
            *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*nightly_args(sources, trials, db, report), *extra],
                          capture_output=True, text=True, timeout=300, env=frozen_env())


def report_json(report: Path) -> dict:
    return json.loads((report / f"{AS_OF}.json").read_text())


def match_json(db: Path, trial: Path) -> str:
    result = subprocess.run([*MATCHER, "match", str(trial), "--db", str(db), "--as-of", AS_OF,
                             "--format", "json"], capture_output=True, text=True, timeout=300,
                            env=frozen_env())
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def snapshot(db: Path) -> dict:
    """What one run must leave, without run ids and timestamps."""
    conn = sqlite3.connect(db)
    try:
        def rows(sql: str) -> list:
            return sorted(conn.execute(sql).fetchall(), key=repr)

        finding_cols = [r[1] for r in conn.execute("PRAGMA table_info(findings)") if r[1] != "id"]
        last = conn.execute(
            "SELECT max(run_id) FROM runs WHERE status = 'completed'").fetchone()[0]
        return {
            "patients": rows("SELECT * FROM patients"),
            "notes": rows("SELECT note_id, patient_id, note_date, note_type, text, content_hash, "
                          "parsed_version FROM notes"),
            "findings": rows("SELECT " + ", ".join(f'"{c}"' for c in finding_cols)
                             + " FROM findings"),
            "rejects": rows("SELECT source_file, line, reason, raw FROM rejects"),
            "trials": rows("SELECT trial_id, title, source, record_json, criteria_json "
                           "FROM trials"),
            "criteria": rows("SELECT * FROM criteria"),
            "results": rows("SELECT trial_id, patient_id, as_of, status, score, rank, "
                            "rc.criteria_json FROM results r LEFT JOIN result_criteria rc "
                            f"ON rc.digest = r.criteria_digest WHERE run_id = {int(last)}"),
            "results_of_unfinished_runs": conn.execute(
                "SELECT count(*) FROM results WHERE run_id NOT IN "
                "(SELECT run_id FROM runs WHERE status = 'completed')").fetchone()[0],
        }
    finally:
        conn.close()


def poll(db: Path, sql: str, ready, proc: subprocess.Popen, timeout: float = 120):
    """Read-only polls of the database beside the running job until ready(value)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the job ended before the moment to kill it"
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                value = conn.execute(sql).fetchone()[0]
            finally:
                conn.close()
        except sqlite3.OperationalError:
            value = None  # not created yet, or tables not there yet
        if value is not None and ready(value):
            return value
        time.sleep(0.01)
    raise AssertionError("timed out waiting for the job")


def start(args: list[str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=frozen_env())


# --- the crash tests, on ~4,000 notes -------------------------------------------------------


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict:
    shared = REPO.parent / "shared"
    if not shared.exists():
        pytest.skip("../shared is not beside the repository")
    base = tmp_path_factory.mktemp("nightly-big")
    rows = []
    for k in range(COPIES):
        rows += [dict(r, patient_id=f"{r['patient_id']}x{k}", note_id=f"{r['note_id']}x{k}")
                 for r in cohort(shared)]
    exports = base / "exports"
    exports.mkdir()
    half = len(rows) // 2  # a folder of two files, read in name order
    write_jsonl(exports / "a.jsonl", rows[:half])
    write_jsonl(exports / "b.jsonl", rows[half:])
    trials = trials_dir(shared, base)
    db = base / "clean.db"
    clean = nightly([exports], trials, db, base / "clean-report")
    assert clean.returncode == 0, clean.stderr
    return {"base": base, "exports": exports, "trials": trials, "notes": len(rows),
            "snapshot": snapshot(db), "match": match_json(db, trials / f"{NCT}.txt"),
            "report": report_json(base / "clean-report")}


def test_clean_run_parses_everything_and_reports_candidates(big: dict):
    report = big["report"]
    assert report["parsed"] == report["new"] == big["notes"]
    assert report["rejected"] == 0 and report["previous_run"] is None
    by_trial = {t["trial_id"]: t for t in report["trials"]}
    assert set(by_trial) == {NCT, "DEV-LN-2"}
    for t in by_trial.values():
        assert sum(t["counts"].values()) == report["patients"] == big["notes"] // 580 * 80
        # first run: every candidate is new
        assert len(t["new_candidates"]) == t["counts"]["eligible"] + t["counts"]["possible"] > 0
    assert big["snapshot"]["results_of_unfinished_runs"] == 0


def _kill_and_rerun(big: dict, name: str, sql: str, ready) -> tuple[Path, Path, int]:
    base = big["base"]
    db, report = base / f"{name}.db", base / f"{name}-report"
    args = nightly_args([big["exports"]], big["trials"], db, report)
    proc = start(args, base / f"{name}.log")
    try:
        seen = poll(db, sql, ready, proc)
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The job's worker processes do not outlive it (each would hold a pipeline in memory).
    assert workers or os.cpu_count() == 1, "the job ran without worker processes"
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, f"{len(alive)} worker process(es) outlived the killed job"
    [(status, finished)] = query(db, "SELECT status, finished FROM runs")
    assert (status, finished) == ("running", None), "the kill came after the run finished"
    parsed_at_kill = query(db, "SELECT count(*) FROM notes WHERE parsed_version IS NOT NULL")[0][0]
    rerun = subprocess.run(args, capture_output=True, text=True, timeout=300, env=frozen_env())
    assert rerun.returncode == 0, rerun.stderr
    assert seen
    return db, report, parsed_at_kill


def _same_as_clean(big: dict, db: Path) -> None:
    assert snapshot(db) == big["snapshot"]
    assert match_json(db, big["trials"] / f"{NCT}.txt") == big["match"]
    # `matcher match` stores its ranking as a run of its own kind (issue 16).
    runs = query(db, "SELECT run_id, status, finished FROM runs WHERE kind = 'nightly' "
                 "ORDER BY run_id")
    assert [r[1] for r in runs] == ["interrupted", "completed"]
    assert runs[0][2] is None  # the killed run is marked as not finished


def test_sigkill_mid_parse_then_rerun_equals_one_clean_run(big: dict):
    total = big["notes"]
    db, report, parsed_at_kill = _kill_and_rerun(
        big, "kill-parse",
        "SELECT count(*) FROM notes WHERE parsed_version IS NOT NULL",
        lambda parsed: 300 <= parsed <= total - 1000,
    )
    assert 0 < parsed_at_kill < total
    again = report_json(report)
    assert again["interrupted_runs"] == [1]
    assert again["parsed"] == total - parsed_at_kill  # what the killed run stored is kept
    _same_as_clean(big, db)
    # the report of the rerun says what the clean run's said
    strip = ("run_id", "started", "finished", "interrupted_runs", "report_files", "parsed",
             "parse_seconds", "parse_rate", "new", "unchanged", "skipped_files")
    assert ({k: v for k, v in again.items() if k not in strip}
            == {k: v for k, v in big["report"].items() if k not in strip})


def test_sigkill_mid_evaluation_then_rerun_equals_one_clean_run(big: dict):
    db, report, parsed_at_kill = _kill_and_rerun(
        big, "kill-eval",
        "SELECT count(*) FROM results JOIN runs USING (run_id) WHERE runs.finished IS NULL",
        lambda partial: partial > 0,
    )
    assert parsed_at_kill == big["notes"]
    again = report_json(report)
    assert again["parsed"] == 0 and again["interrupted_runs"] == [1]
    _same_as_clean(big, db)
    assert again["trials"] == big["report"]["trials"]


def test_second_run_while_one_holds_the_database_exits_4(big: dict):
    base = big["base"]
    db = base / "locked.db"
    args = nightly_args([big["exports"]], big["trials"], db, base / "locked-report")
    first = start(args, base / "locked.log")
    try:
        poll(db, "SELECT count(*) FROM runs WHERE finished IS NULL", lambda n: n > 0, first)
        second = subprocess.run(args, capture_output=True, text=True, timeout=60,
                                env=frozen_env())
        assert second.returncode == 4, second.stderr
        assert "another nightly run" in second.stderr and f"pid {first.pid}" in second.stderr
        # It gave up while the first still ran (no waiting on the lock); how fast is a
        # benchmark's business, not a test's: a wall-clock bound failed on a loaded machine.
        assert first.poll() is None
        assert query(db, "SELECT count(*) FROM runs")[0][0] == 1  # the second wrote nothing
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # the kernel released the dead process's lock: no stale lock
    fd = os.open(str(db) + ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_sigterm_stops_the_run_as_interrupted_with_exit_143(big: dict):
    base = big["base"]
    db = base / "term.db"
    proc = start(nightly_args([big["exports"]], big["trials"], db, base / "term-report"),
                 base / "term.log")
    try:
        poll(db, "SELECT count(*) FROM notes WHERE parsed_version IS NOT NULL",
             lambda parsed: parsed > 0, proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 143
    finally:
        proc.kill()
        proc.wait()
    assert query(db, "SELECT status, finished FROM runs") == [("interrupted", None)]
    assert "interrupted" in (base / "term.log").read_text()
    assert not (base / "term-report").exists()


# --- incremental runs, on the dev cohort ----------------------------------------------------


def test_second_run_on_the_same_input_parses_nothing_and_reports_no_change(
        shared: Path, tmp_path: Path):
    source = write_jsonl(tmp_path / "notes.jsonl", cohort(shared))
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    first = nightly([source], trials, db, report)
    assert first.returncode == 0, first.stderr
    assert report_json(report)["parsed"] == 580
    second = nightly([source], trials, db, report)
    assert second.returncode == 0, second.stderr
    again = report_json(report)
    assert (again["parsed"], again["new"], again["changed"], again["unchanged"]) == (0, 0, 0, 580)
    assert again["previous_run"] == 1
    for t in again["trials"]:
        assert t["new_candidates"] == [] and t["status_changes"] == []
        assert t["compared_with_run"] == 1
    assert "parsed 0" in second.stdout and "0 new candidate(s), 0 status change(s)" in second.stdout
    # the first run's report for the same date is kept, not overwritten
    assert report_json_run(report, 1)["run_id"] == 1
    runs = query(db, "SELECT run_id, status, as_of, pipeline_version, counts_json FROM runs")
    assert [(r[1], r[2]) for r in runs] == [("completed", AS_OF)] * 2
    assert json.loads(runs[1][4])["parsed"] == 0
    same = "SELECT trial_id, patient_id, status, score, rank, rc.criteria_json FROM " \
           "results r LEFT JOIN result_criteria rc ON rc.digest = r.criteria_digest " \
           "WHERE run_id = ? ORDER BY 1, 2"
    assert query(db, same, (1,)) == query(db, same, (2,))


def report_json_run(report: Path, run_id: int) -> dict:
    return json.loads((report / f"{AS_OF}.run-{run_id}.json").read_text())


def test_ten_new_notes_are_the_only_ones_parsed_and_the_report_shows_their_effect(
        shared: Path, tmp_path: Path):
    rows = cohort(shared)
    gold = [json.loads(line) for line in (shared / "dev_cohort" / "gold.jsonl").open()]
    eligible = sorted(g["patient_id"] for g in gold
                      if g["trial"] == NCT and g["status"] == "eligible")[:10]
    held = set()
    for pid in eligible:  # each one's latest note: without it, labs are stale
        mine = [r for r in rows if r["patient_id"] == pid]
        held.add(max(mine, key=lambda r: (r["note_date"], r["note_id"]))["note_id"])
    assert len(held) == 10
    exports = tmp_path / "exports"
    exports.mkdir()
    write_jsonl(exports / "2026-11-19.jsonl", [r for r in rows if r["note_id"] not in held])
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    assert nightly([exports], trials, db, report).returncode == 0
    before = json.loads(match_json(db, trials / f"{NCT}.txt"))

    write_jsonl(exports / "2026-11-20.jsonl", [r for r in rows if r["note_id"] in held])
    run = nightly([exports], trials, db, report)
    assert run.returncode == 0, run.stderr
    after = json.loads(match_json(db, trials / f"{NCT}.txt"))
    got = report_json(report)
    assert (got["parsed"], got["new"], got["unchanged"]) == (10, 10, 570)
    assert query(db, "SELECT count(*) FROM notes WHERE parsed_version IS NULL")[0][0] == 0

    # what `matcher match` says changed is exactly what the report says changed
    old = {p["patient_id"]: p for p in before["patients"]}
    new = {p["patient_id"]: p for p in after["patients"]}
    changed = {pid: (old[pid]["status"], p["status"]) for pid, p in new.items()
               if old[pid]["status"] != p["status"]}
    assert changed, "the ten notes should change someone's status"
    [trial] = [t for t in got["trials"] if t["trial_id"] == NCT]
    assert {c["patient_id"]: (c["previous_status"], c["status"])
            for c in trial["status_changes"]} == changed
    assert {c["patient_id"] for c in trial["new_candidates"]} == {
        pid for pid, (was, now) in changed.items()
        if now != "ineligible" and was == "ineligible"}
    markdown = (report / f"{AS_OF}.md").read_text()
    for change in trial["status_changes"]:
        old_criteria = {c["id"]: c["status"] for c in old[change["patient_id"]]["criteria"]}
        new_criteria = {c["id"]: c["status"] for c in new[change["patient_id"]]["criteria"]}
        assert {c["id"] for c in change["criteria"]} == {
            k for k in new_criteria if new_criteria[k] != old_criteria.get(k)}
        assert change["criteria"], "a status change names the criterion that changed"
        was, now = changed[change["patient_id"]]
        assert f"**{change['patient_id']}**: {was} → {now}" in markdown
        for c in change["criteria"]:
            assert f"`{c['key']}`" in markdown
    csv_rows = (report / f"{AS_OF}.csv").read_text().splitlines()
    assert csv_rows[0].split(",")[:3] == ["trial_id", "rank", "patient_id"]
    assert any(f",{pid}," in line and line.endswith(",status_changed")
               for pid in changed for line in csv_rows)


# --- bad input and bad configuration --------------------------------------------------------


def test_every_kind_of_bad_row_is_rejected_with_its_reason_and_every_good_row_lands(
        shared: Path, tmp_path: Path):
    good = [dict(r, text=r["text"] + f" {MARKER}") for r in cohort(shared)[:12]]
    bad = {"patient_id": "PX", "note_id": "NX", "note_date": "2026-01-02",
           "text": f"secret {MARKER}"}

    def line(obj: dict) -> bytes:
        return (json.dumps(obj) + "\n").encode()

    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "notes.jsonl").write_bytes(b"".join([
        line(good[0]),
        b'{"patient_id": "PX", "note_id": "NX1", "text": "' + MARKER.encode() + b"\n",
        line(good[1]),
        line({k: v for k, v in bad.items() if k != "note_date"} | {"note_id": "NX2"}),
        line(bad | {"note_id": "NX3", "note_date": "2026-02-30"}),
        line(bad | {"note_id": "NX4", "note_date": "20/01/2026"}),
        line(bad | {"note_id": "NX5"}).replace(b"secret", b"caf\xe9"),
        line(bad | {"note_id": "NX6", "text": ""}),
        line(bad | {"note_id": "NX7", "text": "   "}),
        b"[1, 2, 3]\n",
        *map(line, good[2:8]),
        line(good[3] | {"text": f"other content {MARKER}"}),
    ]))
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["patient_id", "note_id", "note_date", "note_type", "text"])
    for r in good[8:]:  # lines 2-5: one physical line each
        writer.writerow([r["patient_id"], r["note_id"], r["note_date"], r["note_type"],
                         r["text"].replace("\n", " ")])
    writer.writerow(["PX", "NX8", "2026-99-01", "lab", MARKER])
    writer.writerow(["PX", "NX9", "2026-01-01", "lab", MARKER, "extra"])
    (exports / "notes.csv").write_text(table.getvalue())
    (exports / "scan.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(64))
    (exports / "notes-old.jsonl").write_text(f"this is not JSON lines {MARKER}\n")
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"

    run = nightly([exports], trials, db, report)
    assert run.returncode == 0, run.stderr
    expected = [  # (file, line, part of the reason)
        ("notes-old.jsonl", 0, "not a note export: the file does not look like JSON lines"),
        ("notes.csv", 6, "field 'note_date' is not a real date"),
        ("notes.csv", 7, "the row has 6 fields, the header has 5"),
        ("notes.jsonl", 2, "invalid JSON"),
        ("notes.jsonl", 4, "missing field 'note_date'"),
        ("notes.jsonl", 5, "field 'note_date' is not a real date"),
        ("notes.jsonl", 6, "field 'note_date' is not a YYYY-MM-DD date (text of 10 characters)"),
        ("notes.jsonl", 7, "not valid UTF-8 (byte 0xe9"),
        ("notes.jsonl", 8, "field 'text' is empty"),
        ("notes.jsonl", 9, "field 'text' is empty (whitespace only)"),
        ("notes.jsonl", 10, "the row is a JSON array, not an object"),
        ("notes.jsonl", 17, "duplicate note_id"),
        ("scan.xlsx", 0, "not a note export: the file is compressed"),
    ]
    stored = query(db, "SELECT source_file, line, reason, raw FROM rejects ORDER BY source_file, "
                       "line")
    assert [(Path(f).name, n) for f, n, _, _ in stored] == [(f, n) for f, n, _ in expected]
    for (_, _, reason, _), (_, _, part) in zip(stored, expected, strict=True):
        assert part in reason
    assert any(MARKER in raw for *_, raw in stored)  # the raw rows are kept, in the database
    notes = {r[0] for r in query(db, "SELECT note_id FROM notes")}
    assert notes == {r["note_id"] for r in good}  # every good row landed
    got = report_json(report)
    assert got["rejected"] == got["new_rejects"] == len(expected)
    assert sorted((Path(r["file"]).name, r["line"]) for r in got["rejects"]) == [
        (f, n) for f, n, _ in expected]
    markdown = (report / f"{AS_OF}.md").read_text()
    assert f"## Rejects ({len(expected)})" in markdown
    assert "| 10 | the row is a JSON array" in markdown
    for text in (run.stdout, run.stderr, markdown, *(p.read_text() for p in report.iterdir())):
        assert MARKER not in text  # never note text in logs, stdout or reports

    again = nightly([exports], trials, db, report)
    assert again.returncode == 0, again.stderr
    got = report_json(report)
    assert got["rejected"] == len(expected) and got["new_rejects"] == 0 and got["parsed"] == 0
    assert query(db, "SELECT count(*) FROM rejects")[0][0] == len(expected)  # kept once


def _untouched(tmp_path: Path, db: Path, report: Path) -> None:
    assert not db.exists() and not Path(f"{db}.lock").exists() and not report.exists()
    assert not list(tmp_path.glob("*.db*"))


def test_missing_source_is_a_configuration_error_and_writes_nothing(
        shared: Path, tmp_path: Path):
    source = write_jsonl(tmp_path / "notes.jsonl", cohort(shared)[:5])
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    run = nightly([source, tmp_path / "missing.jsonl"], trials, db, report)
    assert run.returncode == 1
    assert "missing.jsonl" in run.stderr and "no such file" in run.stderr
    _untouched(tmp_path, db, report)


def test_trial_that_does_not_parse_is_a_configuration_error_and_writes_nothing(
        shared: Path, tmp_path: Path):
    source = write_jsonl(tmp_path / "notes.jsonl", cohort(shared)[:30])
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    (trials / "broken.txt").write_text("A trial\n\nLocations: somewhere\n")
    run = nightly([source], trials, db, report)
    assert run.returncode == 1
    assert "broken.txt" in run.stderr and "no eligibility criteria" in run.stderr
    _untouched(tmp_path, db, report)

    (trials / "broken.txt").unlink()
    assert nightly([source], trials, db, report).returncode == 0
    before = snapshot(db), query(db, "SELECT * FROM runs"), sorted(os.listdir(report))
    (trials / "broken.json").write_text("{not json")
    run = nightly([source], trials, db, report)
    assert run.returncode == 1 and "broken.json" in run.stderr
    assert (snapshot(db), query(db, "SELECT * FROM runs"), sorted(os.listdir(report))) == before


# --- pipeline version, parser failures, progress (in process) ------------------------------


class Versioned:
    """The real parser under another version name; optionally failing on one note."""

    def __init__(self, inner, version: str, fail_on: str | None = None) -> None:
        self.inner, self.version, self.fail_on = inner, version, fail_on

    def parse_many(self, notes, batch_size: int = 64):
        notes = list(notes)
        if any(n[1] == self.fail_on for n in notes):
            raise RuntimeError("parser bug")
        return self.inner.parse_many(notes, batch_size)


def test_new_pipeline_version_reparses_everything_once_and_a_changed_note_replaces_findings(
        shared: Path, tmp_path: Path):
    from matcher import api

    parser = api.parser()
    rows = cohort(shared)[:40]
    source = write_jsonl(tmp_path / "notes.jsonl", rows)
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    when = dt.date(2026, 11, 20)

    def run(version: str, fail_on: str | None = None):
        return run_nightly([source], trials, db, when, report, progress="quiet",
                           note_parser=Versioned(parser, version, fail_on), all_trials=True)

    assert run("v1").parsed == 40
    findings = query(db, "SELECT count(*) FROM findings")[0][0]
    assert run("v1").parsed == 0
    assert run("v2").parsed == 40  # a new pipeline: everything, once
    assert run("v2").parsed == 0
    assert query(db, "SELECT count(*) FROM findings")[0][0] == findings  # replaced, not added
    assert {r[0] for r in query(db, "SELECT DISTINCT parsed_version FROM notes")} == {"v2"}
    versions = [r[0] for r in query(db, "SELECT pipeline_version FROM runs ORDER BY run_id")]
    assert versions == ["v1", "v1", "v2", "v2"]

    target = rows[0]["note_id"]
    rows[0] = dict(rows[0], text="Seen today. No labs.")
    write_jsonl(source, rows)
    got = run("v2", fail_on=rows[1]["note_id"])  # the changed note parses; rows[1] is unchanged
    assert (got.changed, got.parsed, got.parse_failed) == (1, 1, [])
    expected = parser.parse(rows[0]["text"], target, dt.date.fromisoformat(rows[0]["note_date"]),
                            rows[0]["note_type"])
    assert query(db, "SELECT count(*) FROM findings WHERE note_id = ?", (target,)) == [
        (len(expected),)]

    got = run("v3", fail_on=rows[1]["note_id"])  # one note makes the parser raise
    assert got.parse_failed == [rows[1]["note_id"]] and got.parsed == 39
    assert (report / f"{AS_OF}.md").read_text().count(rows[1]["note_id"]) == 1
    unparsed = query(db, "SELECT note_id FROM notes WHERE parsed_version != 'v3'")
    assert unparsed == [(rows[1]["note_id"],)]  # tried again next run
    assert run("v3").parsed == 1


def test_progress_bar_on_a_terminal_and_one_line_per_phase_otherwise(
        shared: Path, tmp_path: Path):
    source = write_jsonl(tmp_path / "notes.jsonl", cohort(shared))
    trials = trials_dir(shared, tmp_path)
    args = nightly_args([source], trials, tmp_path / "tty.db", tmp_path / "reports")
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=terminal, env=frozen_env())
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the other end closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert proc.wait(timeout=120) == 0
    text = seen.decode("utf-8", "replace")
    assert "parse: 100%" in text and "580/580" in text and "note/s" in text

    plain = nightly([source], trials, tmp_path / "plain.db", tmp_path / "reports")
    assert plain.returncode == 0
    # Besides one line per phase, a warning per trial nobody reviewed (issue 14): those
    # are warnings, so --quiet keeps them and nothing else.
    unreviewed = [line for line in plain.stderr.splitlines() if "not reviewed" in line]
    lines = [line for line in plain.stderr.splitlines() if line not in unreviewed]
    assert unreviewed and all("WARNING" in line for line in unreviewed)
    assert "%|" not in plain.stderr and len(lines) <= 10
    for phase in ("load:", "parse: done", "evaluate: done", "report:"):
        assert sum(phase in line for line in lines) == 1, phase
    quiet = nightly([source], trials, tmp_path / "quiet.db", tmp_path / "reports", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == ""
    assert [line.split(" WARNING ")[1] for line in quiet.stderr.splitlines()] == [
        line.split(" WARNING ")[1] for line in unreviewed]


def test_an_export_loaded_in_full_is_skipped_by_digest_and_a_changed_one_is_read_again(
        shared: Path, tmp_path: Path):
    rows = cohort(shared)[:30]
    source = write_jsonl(tmp_path / "notes.jsonl", rows)
    trials = trials_dir(shared, tmp_path)
    db, report = tmp_path / "m.db", tmp_path / "reports"
    when = dt.date(2026, 11, 20)

    def run():
        return run_nightly([source], trials, db, when, report, progress="quiet", workers=1,
                           all_trials=True)

    first = run()
    assert (first.rows, first.new, first.skipped_files) == (30, 30, [])
    again = run()  # byte-identical file: not read, counted as 30 unchanged rows
    assert (again.rows, again.unchanged, again.new, again.skipped_files) == (
        30, 30, 0, [str(source)])
    assert [t.counts for t in again.trials] == [t.counts for t in first.trials]

    rows[3] = dict(rows[3], text=rows[3]["text"] + "\nSeen again today.")
    write_jsonl(source, rows)
    changed = run()
    assert (changed.skipped_files, changed.changed, changed.unchanged) == ([], 1, 29)
