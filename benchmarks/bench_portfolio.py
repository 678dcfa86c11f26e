"""A site's whole portfolio, night after night (issue 17): 20 real trial texts x N synthetic
patients through `matcher nightly`, three nights in a row.

    python benchmarks/bench_portfolio.py --patients 10000 --workdir /tmp/portfolio \
        [--trials 20] [--workers 2] [--json out.json]

- Trials: the first `--trials` registry texts of the repository (registry_dumps/, then
  tests/data/registry_corpus*/ in name order) whose text names lupus or a kidney disease
  (lupus, nephritis, glomerulonephritis, IgA nephropathy, ANCA vasculitis, kidney, renal):
  the portfolio of a paediatric lupus centre, whose criteria give the synthetic patients
  non-trivial verdicts. Imported trials are not approved, so every night runs with
  `--all-trials`.
- Patients: `matcher synth --patients N` (about 10 notes each).
- Night 1, as of D: everything is new (load, parse, evaluate every patient x trial).
- Night 2, as of D+1: 1 % of the patients (every 100th, at least one) get a new note dated
  D+1 (a copy of their latest note's text under a new id: new findings on a new date).
- Night 3, as of D+2: nothing new; only the date moves.

Each night runs `matcher nightly` as a subprocess of this repository's code and is timed as
a whole; the evaluate phase's seconds come from the job's log line "evaluate: done in X s"
(the report's JSON has no timing of its own: its tests compare two runs' reports field by
field, and a timing field would make them differ), the other figures from the report's JSON,
with the counts of results re-evaluated and carried forward when it gives them (keys naming
"evaluated" or "carried"). Prints one line per night and the ratios night2/night1 and
night3/night1 of the evaluate phase (the target of an incremental nightly: <= 10 %), and
writes every figure to `--json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# Lupus and the neighbouring kidney and autoimmune diseases a lupus centre also recruits for.
PORTFOLIO_WORDS = re.compile(
    r"\b(lupus|nephritis|glomerulonephritis|iga nephropathy|anca|kidney|renal)\b", re.I)
START = dt.date(2026, 11, 20)
EVALUATE_DONE = re.compile(r"evaluate: done in ([0-9.]+)s")


def trial_texts(count: int) -> list[Path]:
    """The first `count` portfolio texts (see the module docstring), one per trial id."""
    folders = [REPO / "registry_dumps",
               *sorted((REPO / "tests" / "data").glob("registry_corpus*"))]
    chosen: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            if path.stem in chosen or not PORTFOLIO_WORDS.search(
                    path.read_text(encoding="utf-8")):
                continue
            chosen[path.stem] = path
            if len(chosen) == count:
                return list(chosen.values())
    raise SystemExit(f"only {len(chosen)} portfolio trial texts in the repository, "
                     f"{count} asked for")


def new_notes(notes: Path, share: float, day: dt.date) -> list[dict[str, Any]]:
    """One new note dated `day` for every 1/share-th patient (at least one): their latest
    note's text under a new id."""
    latest: dict[str, dict[str, Any]] = {}
    with notes.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            known = latest.get(row["patient_id"])
            if known is None or (row["note_date"], row["note_id"]) > (
                    known["note_date"], known["note_id"]):
                latest[row["patient_id"]] = row
    patients = sorted(latest)
    step = max(1, round(1 / share))
    return [{**latest[pid], "note_id": f"{latest[pid]['note_id']}-n{day:%Y%m%d}",
             "note_date": day.isoformat()} for pid in patients[::step]]


def night(workdir: Path, as_of: dt.date, workers: int | None) -> dict[str, Any]:
    """One `matcher nightly` run, timed; the figures of its report's JSON."""
    reports = workdir / "reports"
    cmd = [sys.executable, "-m", "matcher.cli", "nightly", "--source", str(workdir / "exports"),
           "--trials", str(workdir / "trials"), "--db", str(workdir / "portfolio.db"),
           "--as-of", as_of.isoformat(), "--report", str(reports), "--all-trials"]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MATCHER_DB", None)
    began = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"matcher nightly failed ({done.returncode}):\n{done.stderr[-3000:]}")
    report = json.loads((reports / f"{as_of.isoformat()}.json").read_text(encoding="utf-8"))
    # Not a terminal: the job logs one line per phase to stderr (INFO without --quiet).
    evaluated = EVALUATE_DONE.search(done.stderr)
    if evaluated is None:
        raise SystemExit("no 'evaluate: done in X s' line in the nightly log")
    figures: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "wall_seconds": round(wall, 2),
        "evaluate_seconds": float(evaluated.group(1)),
        "parse_seconds": report.get("parse_seconds"),
        "notes_parsed": report.get("parsed"),
        "new_notes": report.get("new"),
        "patients": report.get("patients"),
        "trials": len(report.get("trials", [])),
        "status_changes": sum(len(t["status_changes"]) for t in report.get("trials", [])),
    }
    # The incremental nightly's counts: results evaluated tonight (any reason) and carried
    # forward, from the report's totals (issue 17), and any other key naming them.
    totals = report.get("evaluation_totals")
    if isinstance(totals, dict):
        figures["results_evaluated"] = sum(v for k, v in totals.items() if k != "carried")
        figures["results_carried"] = totals.get("carried", 0)
    for key, value in report.items():
        if re.search(r"evaluated|carried", key) and key != "evaluate_seconds":
            figures[key] = value
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--share", type=float, default=0.01,
                        help="share of patients given a new note on night 2")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    workdir: Path = args.workdir
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "exports").mkdir(parents=True)
    (workdir / "trials").mkdir()
    texts = trial_texts(args.trials)
    for path in texts:
        shutil.copy(path, workdir / "trials" / path.name)
    notes = workdir / "exports" / "night1.jsonl"
    synth = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "synth", "--patients", str(args.patients),
         "--out", str(notes), "--seed", str(args.seed)],
        env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    if synth.returncode != 0:
        raise SystemExit(f"matcher synth failed:\n{synth.stderr[-3000:]}")
    note_count = sum(1 for _ in notes.open(encoding="utf-8"))

    nights = [night(workdir, START, args.workers)]
    added = new_notes(notes, args.share, START + dt.timedelta(days=1))
    (workdir / "exports" / "night2.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in added), encoding="utf-8")
    nights.append(night(workdir, START + dt.timedelta(days=1), args.workers))
    nights.append(night(workdir, START + dt.timedelta(days=2), args.workers))

    first = nights[0]["evaluate_seconds"] or 0.0
    ratios = {f"night{i + 1}_over_night1": (round(n["evaluate_seconds"] / first, 4)
                                           if first else None)
              for i, n in enumerate(nights[1:], start=1)}
    result = {
        "patients": args.patients, "notes": note_count, "trials": [p.stem for p in texts],
        "new_notes_night2": len(added), "workers": args.workers, "nights": nights,
        "evaluate_ratio": ratios,
    }
    for i, n in enumerate(nights, start=1):
        extra = "".join(f", {k} {v}" for k, v in n.items() if re.search(r"evaluated|carried",
                                                                        k))
        print(f"night {i} (as of {n['as_of']}): {n['wall_seconds']:.1f} s wall, evaluate "
              f"{n['evaluate_seconds']:.1f} s, parsed {n['notes_parsed']} note(s), "
              f"{n['patients']} patients x {n['trials']} trials, {n['status_changes']} status "
              f"change(s){extra}")
    for name, ratio in ratios.items():
        shown = f"{ratio:.1%}" if ratio is not None else "n/a"
        print(f"evaluate {name.replace('_over_', '/')}: {shown} (target <= 10 %)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
