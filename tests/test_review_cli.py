"""`matcher trial review / versions / diff / export / import` as a coordinator runs them (real
processes, a real SQLite file), and what matching does with a reviewed protocol: `match`,
`explain` and `nightly` judge with the latest approved version, warn about unreviewed
criteria, and record the version with the results."""

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
from matcher.jobs.nightly import run_nightly
from matcher.store import Store
from tests.conftest import REPO
from tests.test_review_protocol import TRIAL_ID, TRIAL_TEXT

AS_OF = "2026-11-20"
# P-1's hemoglobin (10.5 g/dL) passes the trial's "at least 9" once a coordinator reads it as
# 9 g/dL; P-2's (7.9 g/dL) does not. The reader leaves the item manual (its unit is a typo).
NOTES = [
    {"patient_id": "P-1", "note_id": "P-1-a", "note_date": "2026-10-01", "note_type": "clinic",
     "text": "12-year-old girl with systemic lupus erythematosus. Labs today: hemoglobin "
             "10.5 g/dL, ALT 20 U/L.", "birth_date": "2014-03-01", "sex": "F"},
    {"patient_id": "P-2", "note_id": "P-2-a", "note_date": "2026-10-02", "note_type": "clinic",
     "text": "10-year-old boy with systemic lupus erythematosus. Labs today: hemoglobin "
             "7.9 g/dL, ALT 25 U/L.", "birth_date": "2016-01-01", "sex": "M"},
]
HB_SET = ["--set", "inc-3", "kind=lab", 'analytes=["lab.hemoglobin"]', "op=>=", "value=9",
          "unit=g/dL"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review-cli")
    notes = folder / "notes.jsonl"
    notes.write_text("".join(json.dumps(n) + "\n" for n in NOTES), encoding="utf-8")
    (folder / "trial.txt").write_text(TRIAL_TEXT, encoding="utf-8")
    with Store(folder / "template.db") as store:
        api.ingest([notes], store)
    return folder


@pytest.fixture
def work(template: Path, tmp_path: Path) -> Path:
    """A folder with notes.jsonl, trial.txt and matcher.db (notes ingested, no trial)."""
    for name in ("notes.jsonl", "trial.txt"):
        shutil.copy(template / name, tmp_path / name)
    shutil.copy(template / "template.db", tmp_path / "matcher.db")
    return tmp_path


def matcher(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MATCHER_DB": str(folder / "matcher.db")}
    return subprocess.run([sys.executable, "-m", "matcher.cli", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


def ok(folder: Path, *args: str) -> subprocess.CompletedProcess:
    result = matcher(folder, *args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def rows(output: str) -> dict[str, list[str]]:
    """The criteria rows of `trial review`: id -> [type, state, kind, ...]."""
    out = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) > 3 and (cells[0].startswith(("inc-", "exc-")) or cells[0] == "A1"):
            out[cells[0]] = cells[1:4]
    return out


def draft_rows(folder: Path) -> list[tuple]:
    with sqlite3.connect(folder / "matcher.db") as conn:
        return conn.execute("SELECT criterion_id, state FROM review_draft").fetchall()


def test_review_lists_the_criteria_and_takes_each_action(work: Path) -> None:
    imported = ok(work, "trial", "import", "trial.txt")
    assert f"{TRIAL_ID}: imported, new (record version 1), 5 criteria, 5 not reviewed" in (
        imported.stdout)
    listed = ok(work, "trial", "review", TRIAL_ID)
    assert rows(listed.stdout) == {
        "inc-1": ["inc", "auto", "age"], "inc-2": ["inc", "auto", "diagnosis"],
        "inc-3": ["inc", "auto", "manual"], "exc-1": ["exc", "auto", "lab"],
        "exc-2": ["exc", "auto", "drug_exposure"]}
    assert "5 criteria not reviewed" in listed.stdout
    assert "Hemoglobin at least 9 mmol/furlong" in listed.stdout
    acted = ok(work, "trial", "review", TRIAL_ID, "--user", "cora", "--approve", "inc-1",
               "--approve", "inc-2", "--manual", "exc-2", "--why", "asked at screening",
               *HB_SET, "--add", json.dumps({"type": "exclusion", "kind": "manual",
                                            "text": "Pregnancy", "manual_reason": "asked"}))
    assert rows(acted.stdout) == {
        "inc-1": ["inc", "approved", "age"], "inc-2": ["inc", "approved", "diagnosis"],
        "inc-3": ["inc", "edited", "lab"], "exc-1": ["exc", "auto", "lab"],
        "exc-2": ["exc", "manual", "manual"], "A1": ["exc", "added", "manual"]}
    assert "INCLUDE if: latest hemoglobin ≥ 90 g/L" in acted.stdout
    assert "draft: 6 criteria, 1 not reviewed" in acted.stdout
    reset = ok(work, "trial", "review", TRIAL_ID, "--reset", "inc-2", "--reset", "A1")
    assert rows(reset.stdout)["inc-2"][1] == "auto" and "A1" not in rows(reset.stdout)
    with sqlite3.connect(work / "matcher.db") as conn:
        audit = conn.execute("SELECT username, action FROM web_audit ORDER BY id").fetchall()
    assert audit[:5] == [("cora", "review_approve"), ("cora", "review_approve"),
                         ("cora", "review_manual"), ("cora", "review_edit"),
                         ("cora", "review_add")]
    assert [action for _user, action in audit[5:]] == ["review_reset", "review_reset"]


@pytest.mark.parametrize(
    ("assignments", "field"),
    [
        (["uln_multiple=three"], "uln_multiple"),
        (["op=about"], "op"),
        (['analytes=["lab.no_such_test"]'], "analytes"),
        (["analytes=lab.alt"], "analytes"),  # text, not a list
        (["unit=furlongs"], "unit"),  # with a value: not a unit of ALT
        (["colour=red"], "colour"),
        (["type=sometimes"], "type"),
        (["kind=astrology"], "kind"),
        (["kind=manual"], "manual_reason"),
        (["value"], "--set"),
    ],
)
def test_an_invalid_set_value_fails_naming_the_field_and_applies_nothing(
    work: Path, assignments: list[str], field: str
) -> None:
    ok(work, "trial", "import", "trial.txt")
    if assignments == ["unit=furlongs"]:
        assignments = ["uln_multiple=null", "value=60", "unit=furlongs"]
    result = matcher(work, "trial", "review", TRIAL_ID, "--approve", "inc-1",
                     "--set", "exc-1", *assignments)
    assert result.returncode == 1, result.stderr
    assert f"field {field!r}" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert draft_rows(work) == []  # the --approve of the same command was undone too


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trial", "review", TRIAL_ID, "--manual", "inc-1"], "--why"),
        (["trial", "review", TRIAL_ID, "value=3"], "--set"),
        (["trial", "review", TRIAL_ID, "--set", "exc-1"], "KEY=VALUE"),
        (["trial", "diff", TRIAL_ID, "1", "draft"], "expected draft, auto or a version"),
    ],
)
def test_usage_mistakes_are_exit_2(work: Path, args: list[str], message: str) -> None:
    ok(work, "trial", "import", "trial.txt")
    result = matcher(work, *args)
    assert result.returncode == 2 and message in result.stderr


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["trial", "review", "NCT00000000"], "trial_id"),
        (["trial", "review", TRIAL_ID, "--approve", "exc-9"], "criterion_id"),
        (["trial", "export", TRIAL_ID, "--version", "3"], "--version"),
    ],
)
def test_an_unknown_trial_criterion_or_version_is_exit_1_naming_it(
    work: Path, args: list[str], field: str
) -> None:
    ok(work, "trial", "import", "trial.txt")
    result = matcher(work, *args)
    assert result.returncode == 1 and f"field {field!r}" in result.stderr


def test_versions_are_listed_and_compared(work: Path) -> None:
    ok(work, "trial", "import", "trial.txt")
    assert "no approved version" in ok(work, "trial", "versions", TRIAL_ID).stdout
    ok(work, "trial", "review", TRIAL_ID, "--user", "cora", "--approve", "inc-1",
       "--approve-trial", "--note", "ages checked")
    ok(work, "trial", "review", TRIAL_ID, "--user", "dan", *HB_SET)
    ok(work, "trial", "review", TRIAL_ID, "--user", "dan", "--approve-trial")
    listed = ok(work, "trial", "versions", TRIAL_ID).stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["1", "2"]
    assert "cora" in listed[0] and "1 change(s), 4 not reviewed  ages checked" in listed[0]
    assert "dan" in listed[1] and "1 change(s), 3 not reviewed" in listed[1]
    diff = ok(work, "trial", "diff", TRIAL_ID, "1", "2").stdout
    assert diff.splitlines() == [
        "inc-3 changed [auto -> edited]: Hemoglobin at least 9 mmol/furlong",
        '    - MANUAL: hemoglobin threshold not recognised: its unit "mmol/furlong" cannot be '
        "read; checked by a person",
        "    + INCLUDE if: latest hemoglobin ≥ 90 g/L",
    ]
    assert "are the same protocol" in ok(work, "trial", "diff", TRIAL_ID, "2", "draft").stdout
    from_auto = ok(work, "trial", "diff", TRIAL_ID, "auto", "2").stdout
    assert "inc-1 changed [auto -> approved]" in from_auto and "inc-3 changed" in from_auto
    ok(work, "trial", "review", TRIAL_ID, "--reset", "inc-1")
    assert "inc-1 changed [approved -> auto]" in ok(
        work, "trial", "diff", TRIAL_ID, "2", "draft").stdout


def test_export_then_import_into_a_fresh_database_reproduces_the_protocol(work: Path) -> None:
    ok(work, "trial", "import", "trial.txt")
    ok(work, "trial", "review", TRIAL_ID, "--user", "cora", "--approve", "inc-1", *HB_SET,
       "--manual", "exc-2", "--why", "asked", "--approve-trial", "--note", "site A")
    ok(work, "trial", "export", TRIAL_ID, "--out", "protocol.json")
    exported = json.loads((work / "protocol.json").read_text(encoding="utf-8"))
    assert exported["format"] == "matcher-protocol/1" and exported["version"] == 1
    assert ok(work, "trial", "export", TRIAL_ID).stdout == (work / "protocol.json").read_text()
    here = ok(work, "trial", "review", TRIAL_ID).stdout

    fresh = work / "site-b"
    fresh.mkdir()
    shutil.copy(work / "protocol.json", fresh / "protocol.json")
    result = ok(fresh, "trial", "import", "protocol.json", "--user", "bo")
    assert f"{TRIAL_ID}: imported as version 1" in result.stdout
    there = ok(fresh, "trial", "review", TRIAL_ID).stdout
    assert rows(there) == rows(here)
    assert [line for line in there.splitlines() if "INCLUDE" in line or "EXCLUDE" in line
            or "MANUAL" in line] == [line for line in here.splitlines()
                                     if "INCLUDE" in line or "EXCLUDE" in line
                                     or "MANUAL" in line]
    assert "same protocol" in ok(fresh, "trial", "diff", TRIAL_ID, "1", "draft").stdout
    assert "imported from protocol.json (version 1, approved by cora" in ok(
        fresh, "trial", "versions", TRIAL_ID).stdout


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda d: d.update(format="matcher-protocol/9"), "format"),
        (lambda d: d["criteria"][2]["criterion"]["params"].update(op="about"),
         "criteria[2].criterion.params.op"),
        (lambda d: d["criteria"].append(dict(d["criteria"][0])), "criteria"),
    ],
)
def test_a_damaged_protocol_file_is_exit_1_naming_the_json_path(
    work: Path, damage, field: str
) -> None:
    ok(work, "trial", "import", "trial.txt")
    ok(work, "trial", "review", TRIAL_ID, *HB_SET, "--approve-trial")
    data = json.loads(ok(work, "trial", "export", TRIAL_ID).stdout)
    damage(data)
    (work / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    result = matcher(work, "trial", "import", "bad.json")
    assert result.returncode == 1 and f"field {field!r}" in result.stderr
    assert ok(work, "trial", "versions", TRIAL_ID).stdout.count("\n") == 1


def _match(folder: Path) -> tuple[dict, str]:
    result = ok(folder, "match", "trial.txt", "--as-of", AS_OF, "--format", "json",
                "--no-model")
    return json.loads(result.stdout), result.stderr


def _statuses(payload: dict) -> dict[str, tuple[str, str]]:
    """patient -> (status, the hemoglobin criterion's status)."""
    return {p["patient_id"]: (p["status"], next(c["status"] for c in p["criteria"]
                                                if c["id"] == "inc-3"))
            for p in payload["patients"]}


def test_an_unreviewed_trial_matches_with_its_auto_reading_and_warns(work: Path) -> None:
    for imported in (False, True):  # a trial the database does not know, then one it does
        if imported:
            ok(work, "trial", "import", "trial.txt")
        payload, warnings = _match(work)
        assert _statuses(payload) == {"P-1": ("possible", "manual"),
                                      "P-2": ("possible", "manual")}
        assert payload["trial"]["protocol_version"] is None
        assert payload["trial"]["unreviewed"] == 5
        assert {c["review_state"] for p in payload["patients"] for c in p["criteria"]} == {
            "auto"}
        assert f"warning: {TRIAL_ID}: 5 criteria not reviewed: verdicts may be wrong" in warnings
    table = ok(work, "match", "trial.txt", "--as-of", AS_OF, "--no-model").stdout
    assert "protocol: auto reading, never approved; 5 criteria not reviewed" in table


def test_a_draft_edit_not_yet_approved_changes_nothing(work: Path) -> None:
    ok(work, "trial", "import", "trial.txt")
    before = _match(work)
    ok(work, "trial", "review", TRIAL_ID, *HB_SET, "--approve", "inc-1")
    assert _match(work) == before


def test_after_an_edit_is_approved_matching_uses_it_and_results_record_the_version(
    work: Path,
) -> None:
    ok(work, "trial", "import", "trial.txt")
    ok(work, "trial", "review", TRIAL_ID, *HB_SET, "--approve", "inc-1", "--approve", "inc-2",
       "--approve-trial")
    payload, warnings = _match(work)
    assert _statuses(payload) == {"P-1": ("eligible", "met"), "P-2": ("ineligible", "not_met")}
    assert payload["trial"]["protocol_version"] == 1 and payload["trial"]["unreviewed"] == 2
    states = {c["id"]: c["review_state"] for c in payload["patients"][0]["criteria"]}
    assert states == {"inc-1": "approved", "inc-2": "approved", "inc-3": "edited",
                      "exc-1": "auto", "exc-2": "auto"}
    assert "2 criteria not reviewed" in warnings
    # P-1 is eligible on, among others, the ALT and rituximab exclusions nobody reviewed.
    assert "warning: 1 eligible patient(s) rest on criteria nobody reviewed: P-1" in warnings
    csv_lines = ok(work, "match", "trial.txt", "--as-of", AS_OF, "--format", "csv",
                   "--no-model").stdout.splitlines()
    assert csv_lines[0].endswith(",protocol_version,unreviewed")
    assert csv_lines[1].endswith(",1,x_alt;x_rtx")
    explained = ok(work, "explain", "trial.txt", "P-1", "--as-of", AS_OF)
    assert "(not reviewed)" in explained.stdout and "protocol: version 1" in explained.stdout
    assert "eligible rests on criteria nobody reviewed" in explained.stderr

    report = run_nightly([work / "notes.jsonl"], work / "trial.txt", work / "matcher.db",
                         api.dt.date.fromisoformat(AS_OF), work / "reports", progress="quiet",
                         workers=1, all_trials=True)
    assert [(t.protocol_version, t.unreviewed) for t in report.trials] == [(1, 2)]
    with sqlite3.connect(work / "matcher.db") as conn:
        recorded = conn.execute("SELECT patient_id, status, protocol_version FROM results "
                                "ORDER BY patient_id").fetchall()
    assert recorded == [("P-1", "eligible", 1), ("P-2", "ineligible", 1)]
    markdown = (work / "reports" / f"{AS_OF}.md").read_text(encoding="utf-8")
    assert "## Trials with unreviewed criteria (1)" in markdown
    assert f"| {TRIAL_ID} | 2 | version 1 |" in markdown
    listed = json.loads((work / "reports" / f"{AS_OF}.json").read_text())["unreviewed_trials"]
    assert listed == [{"trial_id": TRIAL_ID, "unreviewed": 2, "protocol_version": 1}]


def test_a_registry_text_changed_since_approval_is_warned(work: Path) -> None:
    ok(work, "trial", "import", "trial.txt")
    ok(work, "trial", "review", TRIAL_ID, *HB_SET, "--approve-trial")
    (work / "trial.txt").write_text(TRIAL_TEXT.replace("3 months", "6 months"))
    _payload, warnings = _match(work)
    assert f"{TRIAL_ID}: registry text changed since version 1 was approved: review it" in (
        warnings)


def test_a_fully_reviewed_trial_matches_without_a_warning(work: Path) -> None:
    ok(work, "trial", "import", "trial.txt")
    ok(work, "trial", "review", TRIAL_ID, *HB_SET, "--approve", "inc-1", "--approve", "inc-2",
       "--approve", "exc-1", "--manual", "exc-2", "--why", "asked", "--approve-trial")
    payload, warnings = _match(work)
    assert warnings == "" and payload["trial"]["unreviewed"] == 0
    assert _statuses(payload)["P-1"] == ("eligible", "met")
