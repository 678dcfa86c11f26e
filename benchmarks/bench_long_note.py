"""Parse time and memory of one long note against its length: linear, memory flat.

    python benchmarks/bench_long_note.py --notes synth.jsonl \
        [--sizes 250000 500000 1000000 2000000 4000000] [--whole-up-to 2000000] \
        [--chunk-chars N] [--json out.json]

The long note is the export's notes one after the other, blank lines between, cut to each
size: what a copied-forward record or a long discharge summary looks like, findings and
all. Each size is parsed in a fresh process (so that its peak memory is its own) with the
saved pipeline, two ways:

- `pieces`: NoteParser as the engine runs it, in pieces of CHUNK_CHARS (matcher.nlp.chunks;
  `--chunk-chars` sets another size);
- `whole`: the same pipeline with max_length raised and one doc for the whole note, what
  parsing without pieces would cost (up to `--whole-up-to` characters only: its memory
  grows with the note).

Reported per size: seconds, characters per second, findings, the process's peak RSS, and
the time against the previous size's (a linear parser doubles its time when the note
doubles its length).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

NOTE_DATE = dt.date(2026, 11, 6)


def long_text(path: Path, size: int) -> str:
    """The export's texts joined by blank lines, repeated until `size` characters, cut."""
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip()]
    parts, length = [], 0
    while length < size:
        for text in texts:
            parts.append(text)
            length += len(text) + 2
            if length >= size:
                break
    return "\n\n".join(parts)[:size]


def measure_one(path: Path, size: int, mode: str, chunk_chars: int) -> dict[str, Any]:
    """Parse one note of `size` characters in this process; its time, findings, peak RSS."""
    from matcher.nlp.pipeline import NoteParser, load_pipeline

    nlp = load_pipeline()
    parser = NoteParser(nlp, chunk_chars=chunk_chars)
    if mode == "whole":
        nlp.max_length = size + 1
        parser.chunk_chars = size + 1
    text = long_text(path, size)
    parser.parse(text[:5000], "warm-up", NOTE_DATE)
    began = time.perf_counter()
    findings = parser.parse(text, "long", NOTE_DATE)
    seconds = time.perf_counter() - began
    assert all(text[f.start : f.end] == f.text for f in findings)
    return {
        "chars": len(text),
        "mode": mode,
        "seconds": round(seconds, 3),
        "chars_per_s": round(len(text) / seconds),
        "findings": len(findings),
        # ru_maxrss is in kilobytes on Linux.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def measure(
    path: Path, sizes: list[int], whole_up_to: int, chunk_chars: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for mode in ("pieces", "whole"):
        previous = None
        for size in sorted(sizes):
            if mode == "whole" and size > whole_up_to:
                continue
            done = subprocess.run(
                [sys.executable, __file__, "--notes", str(path), "--one", str(size), mode,
                 "--chunk-chars", str(chunk_chars)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            row = json.loads(done.stdout)
            if previous is not None:
                row["time_ratio_to_previous"] = round(row["seconds"] / previous["seconds"], 2)
                row["size_ratio_to_previous"] = round(row["chars"] / previous["chars"], 2)
            rows.append(row)
            previous = row
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=Path, required=True, help="JSONL note export")
    ap.add_argument(
        "--sizes", type=int, nargs="+", default=[250_000, 500_000, 1_000_000, 2_000_000, 4_000_000]
    )
    ap.add_argument("--whole-up-to", type=int, default=2_000_000)
    ap.add_argument("--chunk-chars", type=int, default=None, help="piece size (CHUNK_CHARS)")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here")
    ap.add_argument("--one", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.chunk_chars is None:
        from matcher.nlp.chunks import CHUNK_CHARS

        args.chunk_chars = CHUNK_CHARS
    if args.one:
        size, mode = int(args.one[0]), args.one[1]
        print(json.dumps(measure_one(args.notes, size, mode, args.chunk_chars)))
        return 0
    rows = measure(args.notes, args.sizes, args.whole_up_to, args.chunk_chars)
    print("long note: one note per size, fresh process each, saved pipeline")
    for r in rows:
        ratio = ""
        if "time_ratio_to_previous" in r:
            ratio = f"  x{r['time_ratio_to_previous']} time for x{r['size_ratio_to_previous']} size"
        print(
            f"  {r['mode']:6s} {r['chars']:>10,d} chars {r['seconds']:8.2f} s "
            f"{r['chars_per_s']:>9,d} chars/s {r['findings']:>7,d} findings "
            f"{r['peak_rss_mb']:>7.0f} MB peak{ratio}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
