"""`matcher nightly` as a whole process: wall time, peak memory and cores, by corpus size.

    python benchmarks/bench_nightly.py --notes synth-1m.jsonl --sizes 10000 100000 1000000 \
        --workdir /tmp/nightly-bench [--json out.json]

For each size N, the first N rows of `--notes` are a note export; `matcher nightly` runs
on it into a fresh database (the first run: load, parse every note, evaluate every
patient, report), then again on the same export (the rerun: nothing new to parse, every
patient re-evaluated for the day). Measured from outside, on the process tree:

- wall seconds;
- peak RSS: the largest sum over the parent and its worker processes, sampled every
  0.2 s with psutil (what the machine must hold), and the largest single process (what
  `/usr/bin/time -v` reports as "Maximum resident set size");
- cores used: (user + system CPU seconds of the tree) / wall.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]


def head(source: Path, rows: int, target: Path) -> int:
    """The first `rows` lines of a JSONL export (a patient cut at the edge keeps the notes
    that fit). Returns the number written."""
    written = 0
    with source.open("rb") as src, target.open("wb") as out:
        for line in src:
            if written >= rows:
                break
            out.write(line)
            written += 1
    return written


def run_measured(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    began = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_tree = peak_single = 0
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        total = 0
        try:
            procs = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in procs:
            try:
                rss = p.memory_info().rss
                times = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += rss
            peak_single = max(peak_single, rss)
            # Own time only: a reaped worker's time also shows in its parent's children_*
            # fields, and each process is already counted by its own last sample.
            cpu[p.pid] = times.user + times.system
        peak_tree = max(peak_tree, total)
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - began
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
        raise SystemExit(f"command failed with exit {proc.returncode}: {' '.join(cmd)}")
    return {
        "wall_s": round(wall, 2),
        "peak_rss_tree_mb": round(peak_tree / 2**20, 1),
        "peak_rss_single_mb": round(peak_single / 2**20, 1),
        "cpu_s": round(sum(cpu.values()), 1),
        "cores_used": round(sum(cpu.values()) / wall, 2) if wall else None,
        "summary": out.decode(errors="replace").strip().splitlines()[-6:],
    }


def bench_size(
    notes: Path, size: int, workdir: Path, trials: Path, as_of: str, extra: list[str]
) -> dict[str, Any]:
    here = workdir / f"n{size}"
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    export = here / "notes.jsonl"
    rows = head(notes, size, export)
    db = here / "matcher.db"
    cmd = [
        str(Path(sys.executable).with_name("matcher")),
        "nightly",
        "--source",
        str(export),
        "--trials",
        str(trials),
        "--db",
        str(db),
        "--as-of",
        as_of,
        "--report",
        str(here / "reports"),
        "--quiet",
        "--all-trials",  # the benchmark's trials are not reviewed: evaluate them all
        *extra,
    ]
    env = dict(os.environ)
    first = run_measured(cmd, env)
    rerun = run_measured(cmd, env)
    patients = _count(db, "patients")
    findings = _count(db, "findings")
    return {
        "notes": rows,
        "patients": patients,
        "findings": findings,
        "db": str(db),
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "first_run": {**first, "notes_per_s": round(rows / first["wall_s"], 1)},
        "rerun": rerun,
    }


def _count(db: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=Path, required=True, help="JSONL export (matcher synth)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--trials", type=Path, default=REPO / "registry_dumps")
    ap.add_argument("--as-of", default="2026-11-20")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("nightly_args", nargs="*", help="extra `matcher nightly` options, after --")
    args = ap.parse_args(argv)
    results = []
    for size in args.sizes:
        r = bench_size(args.notes, size, args.workdir, args.trials, args.as_of, args.nightly_args)
        first, rerun = r["first_run"], r["rerun"]
        print(
            f"nightly {r['notes']:>9,} notes ({r['patients']:,} patients): "
            f"{first['wall_s']:8.1f} s, {first['notes_per_s']:7.1f} notes/s, "
            f"peak RSS {first['peak_rss_tree_mb']:.0f} MB (tree) / "
            f"{first['peak_rss_single_mb']:.0f} MB (largest process), "
            f"{first['cores_used']} cores; rerun {rerun['wall_s']:.1f} s, "
            f"{rerun['peak_rss_tree_mb']:.0f} MB",
            flush=True,
        )
        results.append(r)
        if args.json:  # after every size: a 1M run that dies keeps the smaller ones
            args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
