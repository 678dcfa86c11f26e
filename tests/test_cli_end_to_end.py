"""The CLI as a user runs it: real processes, a real SQLite file, a slice of the dev cohort."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import REPO

MATCHER = shutil.which("matcher") or str(Path(sys.executable).parent / "matcher")
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
SCHEMA = json.loads((REPO / "matcher" / "schema" / "match_output.schema.json").read_text())


def run(*args: str, db: Path | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    uses_db = db is not None and args[0] in ("ingest", "match", "explain")
    env_db = ["--db", str(db)] if uses_db else []
    return subprocess.run([MATCHER, *args, *env_db], capture_output=True, text=True,
                          input=stdin, timeout=300)


@pytest.fixture
def cohort_slice(shared: Path, tmp_path: Path) -> Path:
    """The notes of the first twelve dev-cohort patients."""
    rows = [json.loads(line) for line in (shared / "dev_cohort" / "notes.jsonl").open()]
    wanted = sorted({r["patient_id"] for r in rows})[:12]
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["patient_id"] in wanted))
    return path


def test_ingest_match_explain_through_the_cli(cohort_slice: Path, db_path: Path):
    ingest = run("ingest", str(cohort_slice), db=db_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "rejected 0" in ingest.stdout

    again = run("ingest", str(cohort_slice), db=db_path)
    assert "0 new" in again.stdout and "parsed 0" in again.stdout

    result = run("match", str(TRIAL), "--as-of", "2026-11-20", "--format", "json", db=db_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["trial"]["id"] == "NCT06904729"
    assert len(payload["patients"]) == 12
    assert [p["rank"] for p in payload["patients"]] == list(range(1, 13))
    order = {"eligible": 0, "possible": 1, "ineligible": 2}
    statuses = [order[p["status"]] for p in payload["patients"]]
    assert statuses == sorted(statuses)

    notes = {json.loads(line)["note_id"]: json.loads(line)["text"]
             for line in cohort_slice.open()}
    spans = 0
    for patient in payload["patients"]:
        assert len(patient["criteria"]) == 21
        for criterion in patient["criteria"]:
            decided = criterion["status"] in ("met", "not_met")
            # A structured birth date has no note span; everything else decided shows one.
            if decided and "structured" not in criterion["reason"] and \
                    criterion["type"] == "inclusion":
                assert criterion["evidence"], criterion
            for evidence in criterion["evidence"]:
                assert notes[evidence["note_id"]][evidence["start"]:evidence["end"]] == \
                    evidence["text"]
                spans += 1
    assert spans > 100

    patient_id = payload["patients"][0]["patient_id"]
    explain = run("explain", str(TRIAL), patient_id, "--as-of", "2026-11-20", db=db_path)
    assert explain.returncode == 0, explain.stderr
    assert patient_id in explain.stdout and "↳" in explain.stdout

    csv_out = run("match", str(TRIAL), "--as-of", "2026-11-20", "--format", "csv",
                  "--limit", "3", db=db_path)
    assert csv_out.stdout.splitlines()[0].startswith("rank,patient_id,status")
    assert len(csv_out.stdout.splitlines()) == 4


def test_eval_on_a_slice_reports_every_metric(cohort_slice: Path, shared: Path):
    result = run("eval", "--gold", str(shared / "dev_cohort" / "gold.jsonl"), "--notes",
                 str(cohort_slice), "--trial", str(TRIAL), "--as-of", "2026-11-20",
                 "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["patients"] == 12
    for key in ("criterion_accuracy", "status_accuracy", "ndcg@10", "ndcg",
                "gold_ineligible_called_eligible", "evidence_exact", "per_criterion"):
        assert key in report
    assert report["evidence_exact"] == report["evidence_spans"]


def test_parse_prints_findings_as_json():
    result = run("parse", "-", "--note-date", "2026-10-05",
                 stdin="Renal biopsy 02/10/2026: lupus nephritis class IV-G (A). "
                       "No prior rituximab.")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    biopsy = [f for f in findings if f["concept"] == "biopsy.kidney"]
    assert biopsy and biopsy[0]["attrs"]["classes"] == ["IV"]
    rituximab = [f for f in findings if f["concept"] == "drug.rituximab"]
    assert rituximab[0]["assertion"] == "negated"


def test_trial_show_json_lists_the_criteria():
    result = run("trial", "show", str(TRIAL), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "inc-1" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("match", "no/such/trial.txt"), 1, "no/such/trial.txt"),
        (("ingest", "no/such/notes.jsonl"), 1, "no/such/notes.jsonl"),
        (("parse", "no/such/note.txt"), 1, "no/such/note.txt: no such file"),
        (("match",), 2, "Missing argument"),
        (("match", str(TRIAL), "--as-of", "20/11/2026"), 2, "YYYY-MM-DD"),
        (("frobnicate",), 2, "No such command"),
    ],
)
def test_exit_codes_and_messages(args, code, message, db_path: Path):
    result = run(*args, db=db_path)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr


def test_parse_of_a_file_that_is_not_utf8_is_exit_1_naming_the_file(tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_bytes("Créatinine 80 µmol/L".encode("latin-1"))
    result = run("parse", str(note))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.splitlines() == [f"error: {note}: not UTF-8 text (byte 2) "
                                          "(expected UTF-8 text)"]


def test_bad_rows_are_rejected_with_file_and_line_and_good_rows_load(tmp_path: Path,
                                                                     db_path: Path):
    path = tmp_path / "mixed.jsonl"
    good = {"patient_id": "P1", "note_id": "N1", "note_date": "2026-10-01",
            "text": "SLEDAI-2K 10."}
    lines = [
        json.dumps(good).encode(),
        b"{not json",
        json.dumps({"patient_id": "P1", "note_id": "N2", "text": "x"}).encode(),
        json.dumps(dict(good, note_id="N3", note_date="2026-02-30")).encode(),
        json.dumps(dict(good, note_id="N4")).encode()[:-2] + b'\xff"}',
        json.dumps(dict(good, note_id="N5", text="   ")).encode(),
        json.dumps(dict(good, text="other content")).encode(),
        json.dumps(dict(good, note_id="N6", text="ANA 1:640.")).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = run("ingest", str(path), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "2 new" in result.stdout and "rejected 6" in result.stdout
    for line in (2, 3, 4, 5, 6, 7):
        assert f"mixed.jsonl:{line}:" in result.stderr
    assert "SLEDAI" not in result.stderr and "ANA 1:640" not in result.stderr  # no note text
