"""Evaluation and ranking time: every patient of a database against one trial.

    python benchmarks/bench_eval.py --db matcher.db --trial registry_dumps/NCT06904729.txt \
        [--workers 1 2] [--as-of 2026-11-20] [--json out.json]

Times what the nightly job's evaluation phase computes, without its writes: the engine
reads each patient's findings from SQLite, builds the timeline, evaluates every criterion,
serialises the result row, and the ranking orders all patients (ranking.rank_order).
Reported per worker count, with the split between reading records and evaluating
measured in one process on the first 2,000 patients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from matcher import api
from matcher.jobs.engine import EmbeddedEngine, evaluate_records
from matcher.judge.ranking import rank_order
from matcher.store import Store


def split(db: Path, trial: Any, as_of: dt.date, patients: int = 2000) -> dict[str, float]:
    store = Store(db)
    first = next(store.patient_id_ranges(patients))
    began = time.perf_counter()
    records = list(store.patient_records(*first))
    loaded = time.perf_counter()
    evaluate_records(records, [trial], as_of)
    done = time.perf_counter()
    store.close()
    n = max(1, len(records))
    return {
        "patients": len(records),
        "load_us_per_patient": round((loaded - began) / n * 1e6, 1),
        "evaluate_us_per_patient": round((done - loaded) / n * 1e6, 1),
    }


def bench(db: Path, trial: Any, as_of: dt.date, workers: int) -> dict[str, Any]:
    engine = EmbeddedEngine(workers=workers)
    try:
        if workers > 1:  # start the worker processes outside the timing (a pool is reused)
            list(engine._executor().map(abs, range(workers)))
        began = time.perf_counter()
        keys = [
            (r.patient_id, r.status, r.relevance, r.score, r.p_eligible)
            for r in engine.evaluate(db, [trial], as_of)
        ]
        evaluated = time.perf_counter()
        order = rank_order(keys)
        ranked = time.perf_counter()
    finally:
        engine.close()
    return {
        "workers": workers,
        "patients": len(order),
        "evaluate_s": round(evaluated - began, 2),
        "rank_s": round(ranked - evaluated, 3),
        "total_s": round(ranked - began, 2),
        "patients_per_s": round(len(order) / (ranked - began), 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--trial", type=Path, required=True)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    trial = api.load_trial(args.trial)
    out: dict[str, Any] = {
        "db": str(args.db),
        "trial": trial.trial_id,
        "split": split(args.db, trial, args.as_of),
        "runs": [],
    }
    s = out["split"]
    print(
        f"eval split ({s['patients']} patients, 1 process): load "
        f"{s['load_us_per_patient']} us/patient, evaluate {s['evaluate_us_per_patient']} "
        "us/patient"
    )
    for workers in args.workers:
        r = bench(args.db, trial, args.as_of, workers)
        out["runs"].append(r)
        print(
            f"eval+rank {r['patients']:,} patients, {workers} worker(s): {r['total_s']} s "
            f"(evaluate {r['evaluate_s']} s, rank {r['rank_s']} s, "
            f"{r['patients_per_s']:.0f} patients/s)",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
