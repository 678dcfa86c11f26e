"""Throughput and peak memory of `matcher nightly` against corpus size, as a PNG.

python benchmarks/plot.py benchmarks/results/<commit>.json --out docs/performance.png
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402


def plot(result: dict, out: Path) -> None:
    runs = result["nightly"]
    notes = [r["notes"] for r in runs]
    rate = [r["first_run"]["notes_per_s"] for r in runs]
    tree = [r["first_run"]["peak_rss_tree_mb"] for r in runs]
    single = [r["first_run"]["peak_rss_single_mb"] for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    left.plot(notes, rate, "o-", label="nightly, first run (load+parse+evaluate)")
    parse = result.get("parse", {}).get("methods", {}).get("matcher_pipeline")
    if parse:
        left.axhline(
            parse["notes_per_s"],
            color="grey",
            linestyle="--",
            label=f"parse only, 1 process (~{result['parse']['words_per_note']:.0f} words/note)",
        )
    left.axhline(1_000_000 / 900, color="red", linestyle=":", label="target: 1M notes in 15 min")
    left.set_xscale("log")
    left.set_xlabel("notes in the corpus")
    left.set_ylabel("notes / s")
    left.set_title("Throughput")
    left.legend(fontsize=8)
    right.plot(notes, tree, "o-", label="whole process tree")
    right.plot(notes, single, "s--", label="largest process")
    right.axhline(1024, color="red", linestyle=":", label="target: 1 GB")
    right.set_xscale("log")
    right.set_ylim(bottom=0)
    right.set_xlabel("notes in the corpus")
    right.set_ylabel("peak RSS (MB)")
    right.set_title("Memory")
    right.legend(fontsize=8)
    fig.suptitle(f"matcher nightly, commit {result['commit']}, {result['machine']['cpus']} cores")
    fig.savefig(out, dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("result", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    plot(json.loads(args.result.read_text()), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
