"""The figures table of docs/PERFORMANCE.md, from one run_all.py result file.

    python benchmarks/report.py benchmarks/results/<commit>.json

Every figure comes from the file; each line names its target and whether it is met, so the
table cannot drift from what was measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    out: list[tuple[str, str, str, str, str]] = []
    by = ""

    def add(cells: tuple[str, str, str, str]) -> None:
        out.append((*cells, by))  # by: the script that measured it (commands below)

    by = "bench_parse.py"
    parse = r.get("parse")
    if parse:
        m = parse["methods"]
        bare, ruler, ours = m["bare_tokenizer"], m["sentencizer_entityruler"], m["matcher_pipeline"]
        label = f"{parse['notes']} notes, {parse['words_per_note']:.0f} words/note, 1 process"
        add(
            (
                f"parse: spaCy bare tokenizer ({label})",
                f"{bare['notes_per_s']:,.0f} notes/s, {bare['words_per_s']:,} words/s",
                "baseline",
                "",
            )
        )
        add(
            (
                "parse: sentencizer + EntityRuler, same vocabulary",
                f"{ruler['notes_per_s']:,.0f} notes/s, {ruler['words_per_s']:,} words/s "
                f"(x{ruler['slowdown_vs_bare_tokenizer']} of bare)",
                "baseline",
                "",
            )
        )
        add(
            (
                "parse: matcher pipeline",
                f"{ours['notes_per_s']:,.0f} notes/s, {ours['words_per_s']:,} words/s "
                f"(x{ours['slowdown_vs_bare_tokenizer']} of bare)",
                ">= 1,000 notes/s/core, <= x14 of bare",
                f"x14: {verdict(ours['slowdown_vs_bare_tokenizer'] <= 14)}; 1,000/s: "
                f"{verdict(ours['notes_per_s'] >= 1000)}",
            )
        )
    by = "bench_nightly.py"
    for n in r.get("nightly", []):
        first, rerun = n["first_run"], n["rerun"]
        big = n["notes"] >= 1_000_000
        add(
            (
                f"nightly, {n['notes']:,} notes ({n['patients']:,} patients), first run",
                f"{first['wall_s']:,.0f} s, {first['notes_per_s']:,.0f} notes/s, "
                f"{first['cores_used']} cores, peak RSS {first['peak_rss_tree_mb']:,.0f} MB "
                f"tree / {first['peak_rss_single_mb']:,.0f} MB largest process",
                "1M: < 900 s; RSS < 1 GB" if big else "RSS < 1 GB",
                (f"time: {verdict(first['wall_s'] < 900)}; " if big else "")
                + f"RSS: {verdict(first['peak_rss_tree_mb'] < 1024)}",
            )
        )
        add(
            (
                f"nightly, {n['notes']:,} notes, rerun with nothing new",
                f"{rerun['wall_s']:,.1f} s, peak RSS {rerun['peak_rss_tree_mb']:,.0f} MB",
                "< 60 s",
                verdict(rerun["wall_s"] < 60),
            )
        )
    by = "bench_eval.py"
    for key in ("eval_small", "eval_large"):
        e = r.get(key)
        if not e:
            continue
        s = e["split"]
        for run in e["runs"]:
            target = run["patients"] >= 90_000
            add(
                (
                    f"evaluation + ranking, {run['patients']:,} patients, "
                    f"{run['workers']} worker(s)",
                    f"{run['total_s']} s ({run['patients_per_s']:,.0f} patients/s)",
                    "100k: < 5 s" if target else "",
                    verdict(run["total_s"] < 5) if target else "",
                )
            )
        add(
            (
                f"  of which, per patient (1 process, {s['patients']:,} patients)",
                f"read {s['load_us_per_patient']} us + evaluate {s['evaluate_us_per_patient']} us",
                "",
                "",
            )
        )
    by = "bench_web.py"
    web = r.get("web")
    # One entry per database (a list since issue 16; older result files hold one dict).
    for w in ([web] if isinstance(web, dict) else web or []):
        if "cold_first_page_s" in w:  # before issue 16: the web process ranked everyone
            add(("web: first (cold) candidates page, ranking every patient",
                 f"{w['cold_first_page_s']} s; process RSS after {w['rss_mb_after']:,} MB",
                 "", ""))
            continue
        size = f"{w['patients']:,} patients / {w['notes']:,} notes"
        targets = {"candidates": 50, "patient": 50, "search": 100}
        for kind in ("candidates", "patient", "search"):
            p = w[kind]
            add((f"web: {kind} page, {size} ({p['n']} warm requests)",
                 f"p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, max {p['max_ms']} ms",
                 f"p95 < {targets[kind]} ms", verdict(p["p95_ms"] < targets[kind])))
        add((f"web: server start to first candidates page, {size}",
             f"{w['spawn_to_first_page_s']} s from spawn; "
             f"{w['listening_to_first_page_s']} s from listening",
             "< 1 s", verdict(w["spawn_to_first_page_s"] < 1)))
        add((f"web: server RSS, {size}", f"peak {w['rss_peak_mb']} MB, end {w['rss_end_mb']} MB",
             "< 400 MB", verdict(w["rss_peak_mb"] < 400)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("result", type=Path)
    args = ap.parse_args(argv)
    r = json.loads(args.result.read_text())
    print(
        f"Commit `{r['commit']}`, {r['machine']['cpus']} cores, Python "
        f"{r['machine']['python']}, {r['machine']['platform']}.\n"
    )
    print("| measurement | figure | target | verdict | measured by |")
    print("|---|---|---|---|---|")
    for what, figure, target, ok, by in rows(r):
        print(f"| {what} | {figure} | {target} | {ok} | `{by}` |")
    print("\nCommands, in the order run:\n")
    for cmd in r.get("commands", []):
        print(f"    {cmd}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
