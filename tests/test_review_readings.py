"""The blind review of computed readings (benchmarks/review_readings.py): it samples only
readings that decide something, and scores a reviewer's verdicts honestly."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import review_readings  # noqa: E402

TRIAL = """A trial

Conditions: Obesity
Sex: All
Minimum Age: 18 Years

Inclusion Criteria:

* Body mass index ≥ 35 kg/m2
* Willing to give written informed consent

Exclusion Criteria:

* Known hypersensitivity to the study drug's excipients
* Systolic blood pressure > 160 mmHg
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "NCT00000001.txt").write_text(TRIAL, encoding="utf-8")
    return tmp_path


def test_the_sample_holds_only_readings_that_decide(folder: Path) -> None:
    rows = review_readings.sample(folder, n=50, seed=1)
    assert sorted((r["section"], r["kind"]) for r in rows) == [("exclusion", "vital"),
                                                                ("inclusion", "vital")]
    assert all(r["reading"].startswith(("INCLUDE", "EXCLUDE")) for r in rows)


def test_precision_counts_right_against_wrong_and_names_the_wrong(folder: Path) -> None:
    rows = review_readings.sample(folder, n=50, seed=1)
    verdicts = [
        {"file": rows[0]["file"], "id": rows[0]["id"], "verdict": "right"},
        {"file": rows[1]["file"], "id": rows[1]["id"], "verdict": "wrong", "why": "x"},
    ]
    result = review_readings.score(rows, verdicts)
    assert result["precision"] == 0.5
    assert [w["id"] for w in result["wrong"]] == [rows[1]["id"]]


def test_an_unknown_verdict_is_refused_with_its_row(folder: Path) -> None:
    rows = review_readings.sample(folder, n=50, seed=1)
    verdicts = [{"file": rows[0]["file"], "id": rows[0]["id"], "verdict": "maybe"}]
    with pytest.raises(SystemExit, match=rows[0]["id"]):
        review_readings.score(rows, verdicts)


def test_the_command_line_writes_and_scores(folder: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "sample.jsonl"
    assert review_readings.main(["sample", str(folder), "--n", "5", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    verdicts = tmp_path / "verdicts.jsonl"
    verdicts.write_text("".join(json.dumps({"file": r["file"], "id": r["id"],
                                            "verdict": "right"}) + "\n" for r in rows))
    assert review_readings.main(["score", str(out), str(verdicts)]) == 0
    assert "precision 1.000" in capsys.readouterr().out
