"""The CLI's table, CSV and explain speak in outcomes (issue 16): an exclusion whose
condition is absent passes, where the table used to count it under "not met"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import cli
from tests.conftest import REPO

AS_OF = "2026-11-20"
TRIAL_TEXT = """Outcome words trial T-OUT

Inclusion Criteria:

* Age 5 years or older and no older than 18 years

Exclusion Criteria:

* Rituximab within 3 months before enrollment
"""


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _setup(tmp_path: Path) -> tuple[str, str]:
    db = str(tmp_path / "m.db")
    trial = tmp_path / "trial.txt"
    trial.write_text(TRIAL_TEXT, encoding="utf-8")
    _run("ingest", str(REPO / "examples" / "notes.jsonl"), "--db", db)
    return db, str(trial)


def test_the_csv_counts_outcomes_and_an_absent_exclusion_passes(tmp_path: Path):
    db, trial = _setup(tmp_path)
    out = _run("match", trial, "--db", db, "--as-of", AS_OF, "--format", "csv", "--no-model")
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0])[:8] == ["rank", "patient_id", "status", "score", "passes", "fails",
                                  "unknown", "to_check"]
    p1 = next(r for r in table if r["patient_id"] == "P-001")
    assert p1["status"] == "eligible"
    assert (p1["age"], p1["x_rtx"]) == ("passes", "passes")
    assert (p1["passes"], p1["fails"]) == ("2", "0")


def test_the_table_and_explain_say_passes_for_an_absent_exclusion(tmp_path: Path):
    db, trial = _setup(tmp_path)
    table = _run("match", trial, "--db", db, "--as-of", AS_OF, "--no-model")
    assert "pass/fail/unk/chk" in table
    row = next(line for line in table.splitlines() if " P-001 " in line)
    assert row.split()[-1] == "2/0/0/0"
    explain = _run("explain", trial, "P-001", "--db", db, "--as-of", AS_OF)
    exclusion = explain.splitlines().index(
        next(line for line in explain.splitlines() if "[exc]" in line))
    assert explain.splitlines()[exclusion + 1].strip().startswith("passes (not_met):")
