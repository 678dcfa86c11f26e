"""Every benchmark of docs/PERFORMANCE.md in one run, on one machine and one commit.

    python benchmarks/run_all.py --out benchmarks/results [--patients 100000] \
        [--sizes 10000 100000 1000000] [--workdir /tmp/matcher-bench]

1. `matcher synth --patients P` writes the corpus (P = 100,000 gives about a million notes);
2. bench_parse: parse throughput against the bare tokenizer and sentencizer + EntityRuler;
3. bench_nightly: `matcher nightly` on the first 10k / 100k / 1M notes, and a rerun;
4. bench_eval: evaluation + ranking of every patient of the two largest nightly databases;
5. bench_web: referrer queries on the largest database;
6. plot.py: throughput and memory against corpus size (docs/performance.png).

Writes `<out>/<commit>.json` with every figure, the machine and the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def sh(cmd: list[str], log: list[str]) -> None:
    printable = " ".join(cmd)
    log.append(printable)
    print(f"$ {printable}", flush=True)
    subprocess.run(cmd, check=True)


def commit() -> str:
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True, capture_output=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        text=True,
        capture_output=True,
    ).stdout.strip()
    return rev + ("-dirty" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/matcher-bench"))
    ap.add_argument("--patients", type=int, default=102_000)  # about 1.0M notes
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--trial", type=Path, default=REPO / "registry_dumps" / "NCT06904729.txt")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--skip", nargs="*", default=[], choices=["parse", "nightly", "eval", "web"])
    args = ap.parse_args(argv)
    py = sys.executable
    matcher = str(Path(py).with_name("matcher"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    rev = commit()
    parts: dict[str, Path] = {
        k: args.workdir / f"{k}.json"
        for k in ("parse", "nightly", "eval_small", "eval_large", "web")
    }
    commands: list[str] = []
    corpus = args.workdir / f"synth-{args.patients}.jsonl"
    if not corpus.exists():
        sh(
            [
                matcher,
                "synth",
                "--patients",
                str(args.patients),
                "--out",
                str(corpus),
                "--seed",
                "1",
            ],
            commands,
        )
    if "parse" not in args.skip:
        sh(
            [
                py,
                str(HERE / "bench_parse.py"),
                "--notes",
                str(corpus),
                "--json",
                str(parts["parse"]),
            ],
            commands,
        )
    if "nightly" not in args.skip:
        sh(
            [
                py,
                str(HERE / "bench_nightly.py"),
                "--notes",
                str(corpus),
                "--workdir",
                str(args.workdir / "nightly"),
                "--json",
                str(parts["nightly"]),
                "--sizes",
                *map(str, args.sizes),
            ],
            commands,
        )
    nightly = json.loads(parts["nightly"].read_text()) if parts["nightly"].exists() else []
    dbs = [r["db"] for r in nightly]
    if "eval" not in args.skip and dbs:
        for key, db in (("eval_small", dbs[-2] if len(dbs) > 1 else None), ("eval_large", dbs[-1])):
            if db:
                sh(
                    [
                        py,
                        str(HERE / "bench_eval.py"),
                        "--db",
                        db,
                        "--trial",
                        str(args.trial),
                        "--json",
                        str(parts[key]),
                    ],
                    commands,
                )
    if "web" not in args.skip and dbs:
        trial_id = args.trial.stem
        sh(
            [
                py,
                str(HERE / "bench_web.py"),
                # Every size: the server's memory must be flat in the number of patients.
                *[arg for db in dbs for arg in ("--db", db)],
                "--prepare",
                "--trial",
                trial_id,
                "--requests",
                str(args.requests),
                "--json",
                str(parts["web"]),
            ],
            commands,
        )
    result: dict[str, Any] = {
        "commit": rev,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "commands": commands,
    }
    for key, path in parts.items():
        if path.exists():
            result[key] = json.loads(path.read_text())
    target = args.out / f"{rev}.json"
    target.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {target}")
    if nightly:
        sh(
            [
                py,
                str(HERE / "plot.py"),
                str(target),
                "--out",
                str(REPO / "docs" / "performance.png"),
            ],
            commands,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
