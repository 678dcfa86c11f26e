"""An independent hold-out set (tests/data/holdout, written by a helper who never saw the
engine or the dev cohort's notes) guards against fitting the dev cohort's wording."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

HOLDOUT = REPO / "tests" / "data" / "holdout"
MATCHER = shutil.which("matcher") or str(Path(sys.executable).parent / "matcher")


@pytest.mark.parametrize(
    ("trial", "trial_id"),
    [(REPO / "registry_dumps" / "NCT06904729.txt", "NCT06904729"),
     (HOLDOUT / "trial_HO-LN-3.txt", "HO-LN-3")],
)
def test_holdout_cohort_stays_accurate(trial: Path, trial_id: str):
    result = subprocess.run(
        [MATCHER, "eval", "--gold", str(HOLDOUT / "gold.jsonl"), "--notes",
         str(HOLDOUT / "notes.jsonl"), "--trial", str(trial), "--trial-id", trial_id,
         "--as-of", "2026-11-20", "--format", "json"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["patients"] == 30
    assert report["criterion_accuracy"] >= 0.97
    assert report["status_accuracy"] >= 0.95
    assert report["gold_ineligible_called_eligible"] == []
    assert report["evidence_exact"] == report["evidence_spans"]
