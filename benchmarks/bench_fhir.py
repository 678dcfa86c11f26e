"""Reading FHIR R4: resources per second and peak memory, up to a million resources.

    python benchmarks/bench_fhir.py --workdir DIR [--resources 1000000] [--seed 1]
        [--stages read load reload] [--json out.json]

The input is `matcher synth --format fhir` (a bulk NDJSON export: Patients, notes as
DocumentReference / DiagnosticReport attachments, lab values as Observations, Conditions,
Procedures, MedicationStatements; about 40 resources a patient), cut to its first
`--resources` lines. Each stage runs in a fresh process, so that its peak RSS is its own:

- `read`: the FHIR reader alone (matcher.interchange.fhir: JSON, R4B model validation, codes
  to concepts, note text decoding), every item drawn and dropped;
- `load`: reader and loader into a fresh SQLite file (matcher.interchange.load: patients, note
  rows, coded facts on the timeline), what `matcher ingest` does before parsing the notes;
- `reload`: the same file loaded again into that database: every resource unchanged.

Parsing the notes (spaCy) is not part of it: that is the nightly benchmark's figure, and the
notes here are the JSONL corpus's notes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESOURCES_PER_PATIENT = 40  # about: sized so that the file has enough lines to cut


def make_input(workdir: Path, resources: int, seed: int) -> Path:
    """The first `resources` lines of a synthetic FHIR export (written once per size)."""
    path = workdir / f"synth-fhir-{resources}.ndjson"
    if path.exists():
        return path
    from matcher import api
    from matcher.tools.synth.fhir import write_fhir

    full = workdir / f"synth-fhir-{resources}-full.ndjson"
    patients = resources // RESOURCES_PER_PATIENT + 10
    while write_fhir(full, patients, seed, vocabulary=api.vocabulary()) < resources:
        patients = int(patients * 1.2) + 1
    with full.open("rb") as source, path.open("wb") as out:
        for n, line in enumerate(source):
            if n == resources:
                break
            out.write(line)
    full.unlink()
    return path


def run_stage(stage: str, path: Path, db: Path) -> dict[str, Any]:
    """One stage in this process: its seconds, resources per second and peak RSS."""
    from matcher.interchange.fhir import FhirReader
    from matcher.interchange.load import load_items
    from matcher.nlp.vocab import load_vocabulary
    from matcher.store import Store
    from matcher.store.ingest import IngestReport

    vocabulary = load_vocabulary()
    reader = FhirReader(vocabulary)
    lines = sum(1 for _ in path.open("rb"))
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.perf_counter()
    counts: dict[str, Any] = {}
    if stage == "read":
        kinds: dict[str, int] = {}
        for item in reader.read(path):
            kinds[type(item).__name__] = kinds.get(type(item).__name__, 0) + 1
        counts = {"items": kinds}
    else:
        report = IngestReport()
        with Store(db) as store:
            load_items(store, reader.read(path), report, vocabulary=vocabulary)
        counts = {"notes": {"new": report.new, "unchanged": report.unchanged},
                  "patients": report.patients, "rejected": report.rejected,
                  "facts": report.facts, "fact_outcomes": report.fact_outcomes,
                  "fact_loads": report.fact_loads}  # fmt: skip
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    # CPU seconds as well as wall: on a shared machine the wall clock measures the neighbours.
    return {"stage": stage, "resources": lines, "seconds": round(seconds, 2),
            "resources_per_s": round(lines / seconds, 1) if seconds else None,
            "cpu_seconds": round(cpu, 2),
            "resources_per_cpu_s": round(lines / cpu, 1) if cpu else None,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), **counts}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--resources", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stages", nargs="+", default=["read", "load", "reload"],
                        choices=["read", "load", "reload"])  # fmt: skip
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--stage", default=None, help=argparse.SUPPRESS)  # the child's
    parser.add_argument("--input", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"fhir-{args.resources}.db"
    if args.stage:  # a child: one stage, its figures as one JSON line
        print(json.dumps(run_stage(args.stage, args.input, db)))
        return 0
    started = time.perf_counter()
    path = make_input(args.workdir, args.resources, args.seed)
    made = time.perf_counter() - started
    print(f"input: {path} ({path.stat().st_size / 1e6:.0f} MB, made in {made:.0f} s)")
    if "load" in args.stages:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    results = []
    for stage in args.stages:
        done = subprocess.run(
            [sys.executable, __file__, "--workdir", str(args.workdir), "--resources",
             str(args.resources), "--stage", stage, "--input", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{stage}: {result['resources']:,} resources in {result['seconds']:.1f} s, "
              f"{result['resources_per_s']:,.0f} resources/s ({result['cpu_seconds']:.0f} CPU s, "
              f"{result['resources_per_cpu_s']:,.0f} resources per CPU second), peak RSS "
              f"{result['peak_rss_mb']:.0f} MB")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"resources": args.resources, "stages": results},
                                        indent=2) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
