"""The benchmark scripts run end to end on a tiny corpus and report every figure.

Not timed tests: the figures themselves live in docs/PERFORMANCE.md. These keep the
scripts that produce them working (a benchmark that no longer runs measures nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.tools.synth import write_notes

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "synth.jsonl"
    write_notes(path, patients=12, seed=3)
    return path


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_parse_benchmark_measures_the_pipeline_and_both_baselines_on_the_same_notes(
    corpus: Path, tmp_path: Path
):
    out = tmp_path / "parse.json"
    run(
        "bench_parse.py",
        "--notes",
        str(corpus),
        "--count",
        "15",
        "--repeat",
        "1",
        "--json",
        str(out),
    )
    result = json.loads(out.read_text())
    assert result["notes"] == 15 and result["words_per_note"] >= 250
    methods = result["methods"]
    assert set(methods) == {"bare_tokenizer", "sentencizer_entityruler", "matcher_pipeline"}
    assert methods["bare_tokenizer"]["slowdown_vs_bare_tokenizer"] == 1.0
    # Each method did its work: tokens, dictionary entities, findings.
    assert all(m["produced"] > 0 and m["notes_per_s"] > 0 for m in methods.values())


def test_nightly_benchmark_reports_wall_memory_cores_and_a_rerun(corpus: Path, tmp_path: Path):
    out = tmp_path / "nightly.json"
    lines = sum(1 for _ in corpus.open())
    run(
        "bench_nightly.py",
        "--notes",
        str(corpus),
        "--sizes",
        "20",
        str(lines),
        "--workdir",
        str(tmp_path / "work"),
        "--json",
        str(out),
        "--",
        "--workers",
        "1",
    )
    results = json.loads(out.read_text())
    assert [r["notes"] for r in results] == [20, lines]
    for r in results:
        assert r["patients"] > 0 and r["findings"] > 0
        assert r["first_run"]["wall_s"] > 0 and r["first_run"]["peak_rss_tree_mb"] > 50
        assert r["rerun"]["wall_s"] > 0
    assert Path(results[-1]["db"]).exists()


def test_eval_and_web_benchmarks_run_on_a_nightly_database(corpus: Path, tmp_path: Path):
    nightly = tmp_path / "nightly.json"
    run(
        "bench_nightly.py",
        "--notes",
        str(corpus),
        "--sizes",
        "60",
        "--workdir",
        str(tmp_path / "work"),
        "--json",
        str(nightly),
        "--",
        "--workers",
        "1",
    )
    db = json.loads(nightly.read_text())[0]["db"]
    out = tmp_path / "eval.json"
    run(
        "bench_eval.py",
        "--db",
        db,
        "--trial",
        str(REPO / "registry_dumps/NCT06904729.txt"),
        "--workers",
        "1",
        "2",
        "--json",
        str(out),
    )
    result = json.loads(out.read_text())
    patients = result["runs"][0]["patients"]
    assert patients > 0 and [r["patients"] for r in result["runs"]] == [patients, patients]
    out = tmp_path / "web.json"
    run("bench_web.py", "--db", db, "--trial", "NCT06904729", "--requests", "9", "--json", str(out))
    web = json.loads(out.read_text())  # one entry per --db (bench_web takes several)
    [one] = web
    assert {k: one[k]["n"] for k in ("candidates", "search", "patient")} == {
        "candidates": 3,
        "search": 3,
        "patient": 3,
    }
    assert one["patient"]["p95_ms"] <= one["patient"]["max_ms"]
    assert one["first_start"]["spawn_to_first_page_s"] > 0
    assert one["spawn_to_first_page_s"] > 0

    plot = tmp_path / "plot.png"
    merged = tmp_path / "all.json"
    merged.write_text(
        json.dumps(
            {
                "commit": "test",
                "machine": {"cpus": 2, "python": "3", "platform": "x"},
                "nightly": json.loads(nightly.read_text()),
                "eval_large": result,
                "web": web,
                "commands": ["matcher nightly ..."],
            }
        )
    )
    run("plot.py", str(merged), "--out", str(plot))
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = run("report.py", str(merged))
    assert "| nightly, 60 notes" in table and "| web: patient page" in table
    assert "matcher nightly ..." in table


def test_long_note_benchmark_times_one_note_per_size_in_pieces_and_whole(
    corpus: Path, tmp_path: Path
):
    out = tmp_path / "long.json"
    run(
        "bench_long_note.py",
        "--notes",
        str(corpus),
        "--sizes",
        "20000",
        "--whole-up-to",
        "20000",
        "--chunk-chars",
        "5000",
        "--json",
        str(out),
    )
    rows = json.loads(out.read_text())
    assert [(r["mode"], r["chars"]) for r in rows] == [("pieces", 20000), ("whole", 20000)]
    # The same note gives the same findings read in pieces or whole.
    assert rows[0]["findings"] == rows[1]["findings"] > 0
    assert all(r["peak_rss_mb"] > 0 and r["chars_per_s"] > 0 for r in rows)


def test_breadth_benchmark_times_every_file_and_reports_failures_and_lupus_gains(tmp_path: Path):
    folder = tmp_path / "breadth"
    folder.mkdir()
    texts = {
        "NCT00000001.txt": "Inclusion Criteria:\n  -  Age >= 18 years\nExclusion Criteria:\n"
                           "  -  Biopsy-proven breast cancer\n",
        "NCT00000002.txt": "Subjects will be included if:\n  -  They are 18 years or older\n",
        "NCT00000003.txt": "A trial\n\nSummary\nNo eligibility section.\nLocations\nSeattle\n",
        "NCT00000004.txt": "Inclusion Criteria:\n  -  Biopsy-proven lupus nephritis class IV\n",
        # Counted, to show the count works: a text that never writes lupus, read as one.
        "NCT00000005.txt": "Inclusion Criteria:\n  -  ISN/RPS class IV LN on kidney biopsy\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "breadth.json"
    printed = run("bench_breadth.py", str(folder), "--json", str(out))
    result = json.loads(out.read_text())
    assert result["files"] == 5 and result["files_per_s"] > 0
    assert [row["file"] for row in result["slowest"]] != []
    assert all(row["chars"] == len(texts[row["file"]]) for row in result["slowest"])
    assert list(result["failures"]) == ["NCT00000003.txt"]
    assert "no eligibility criteria found" in result["failures"]["NCT00000003.txt"]
    assert result["lupus_gains"] == {"NCT00000005.txt": [["inc-1", ["biopsy"]]]}
    assert "failures: 1" in printed and "gained a lupus criterion: 1" in printed


def test_fhir_benchmark_reads_loads_and_reloads_a_synthetic_export(tmp_path: Path):
    out = tmp_path / "fhir.json"
    run("bench_fhir.py", "--workdir", str(tmp_path / "w"), "--resources", "300", "--json",
        str(out))  # fmt: skip
    stages = {s["stage"]: s for s in json.loads(out.read_text())["stages"]}
    assert set(stages) == {"read", "load", "reload"}
    assert all(s["resources"] == 300 and s["resources_per_s"] > 0 and s["peak_rss_mb"] > 0
               for s in stages.values())  # fmt: skip
    assert stages["load"]["rejected"] == 0 and stages["load"]["facts"] > 0
    # The second load of the same file finds every resource unchanged.
    assert stages["reload"]["fact_loads"] == {"unchanged": stages["load"]["facts"]}
    assert stages["reload"]["notes"]["new"] == 0


def test_portfolio_benchmark_runs_three_nights_and_reports_the_evaluate_ratios(tmp_path: Path):
    """bench_portfolio.py on 30 patients x 3 trials: night 1 parses every note, night 2 only
    the 1 % new ones, night 3 nothing; every night evaluates every patient x trial, and the
    evaluate phase's ratios are printed."""
    out = tmp_path / "portfolio.json"
    printed = run("bench_portfolio.py", "--patients", "30", "--trials", "3", "--workers", "1",
                  "--workdir", str(tmp_path / "work"), "--json", str(out))
    result = json.loads(out.read_text())
    assert len(result["trials"]) == 3 and result["trials"][0] == "NCT06904729"
    first, second, third = result["nights"]
    assert result["new_notes_night2"] == 1  # 1 % of 30 patients, at least one
    assert (first["notes_parsed"], second["notes_parsed"], third["notes_parsed"]) == (
        result["notes"], 1, 0)
    assert [n["as_of"] for n in result["nights"]] == ["2026-11-20", "2026-11-21", "2026-11-22"]
    for n in result["nights"]:
        assert (n["patients"], n["trials"]) == (30, 3)
        assert 0 <= n["evaluate_seconds"] <= n["wall_seconds"]  # the log's 0.1 s resolution
    # Night 1 evaluates every result; the later ones evaluate some and carry the rest.
    assert (first["results_evaluated"], first["results_carried"]) == (90, 0)
    for n in (second, third):
        assert n["results_evaluated"] + n["results_carried"] == 90 and n["results_carried"] > 0
    assert "results_carried" in printed
    ratios = result["evaluate_ratio"]
    assert ratios["night2_over_night1"] == (round(
        second["evaluate_seconds"] / first["evaluate_seconds"], 4)
        if first["evaluate_seconds"] else None)
    assert "evaluate night2/night1: " in printed and "evaluate night3/night1: " in printed
