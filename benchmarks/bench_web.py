"""Referrer queries over HTTP: candidates page, patient page and note search, p50/p95.

    python benchmarks/bench_web.py --db matcher.db --trial NCT06904729 [--requests 300]

Starts the web app (uvicorn, 127.0.0.1, a throw-away referrer account), waits for the
first (cold) ranking, then times warm requests of three kinds, interleaved:

- candidates: the list with filters, sorts and deep pages (matcher.tools.web.bench.VIEWS
  without a search term);
- search: the candidates list with a full-text note search (SQLite FTS5);
- patient: one patient's checklist with evidence and timeline, for random patients.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from matcher.store import Store
from matcher.tools.web.bench import VIEWS, Server, _rss_mb, login
from matcher.web.app import create_app
from matcher.web.security import add_user, remove_user

SEARCHES = (
    "tacrolimus",
    "class IV",
    "rituximab",
    "nephrotic",
    "asthma",
    "CD19",
    "MMF",
    "biopsy",
    "seizure",
    "proteinuria",
)


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    one = len(ordered) == 1
    q = ordered * 99 if one else statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "max_ms": round(ordered[-1], 1),
    }


def run(db: str, trial: str, as_of: str, requests: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with Store(db) as store:
        add_user(store.db, username, password, "referrer")
        patient_ids = [r[0] for r in store.db.execute("SELECT patient_id FROM patients")]
    try:
        app = create_app(db, warm=False, ranking_wait=3600)
        with Server(app) as server, httpx.Client(base_url=server.url, timeout=3600) as client:
            login(client, username, password)
            path = f"/trials/{trial}"
            began = time.perf_counter()
            first = client.get(path, params={"as_of": as_of})
            cold = time.perf_counter() - began
            if first.status_code != 200:
                raise RuntimeError(f"candidates page answered {first.status_code}")
            began = time.perf_counter()
            client.get(path, params={"as_of": as_of, "q": "lupus"})
            cold_search = time.perf_counter() - began  # builds the FTS index if needed
            timings: dict[str, list[float]] = {"candidates": [], "search": [], "patient": []}
            lists = [v for v in VIEWS if "q" not in v]
            for i in range(requests):
                kind = ("candidates", "search", "patient")[i % 3]
                if kind == "candidates":
                    url = f"{path}?{urlencode({'as_of': as_of, **lists[i % len(lists)]})}"
                elif kind == "search":
                    url = f"{path}?{urlencode({'as_of': as_of, 'q': rng.choice(SEARCHES)})}"
                else:
                    url = f"{path}/patients/{quote(rng.choice(patient_ids))}?as_of={as_of}"
                t0 = time.perf_counter()
                response = client.get(url)
                timings[kind].append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{kind} answered {response.status_code}")
    finally:
        with Store(db) as store:
            remove_user(store.db, username)
    return {
        "patients": len(patient_ids),
        "cold_first_page_s": round(cold, 1),
        "cold_first_search_s": round(cold_search, 2),
        "rss_mb_after": round(_rss_mb() or 0),
        **{kind: percentiles(ms) for kind, ms in timings.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--trial", required=True, help="trial id, e.g. NCT06904729")
    ap.add_argument("--as-of", default="2026-11-20")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    out = run(args.db, args.trial, args.as_of, args.requests)
    print(
        f"web, {out['patients']:,} patients: cold first page {out['cold_first_page_s']} s, "
        f"first search {out['cold_first_search_s']} s, RSS {out['rss_mb_after']} MB"
    )
    for kind in ("candidates", "search", "patient"):
        p = out[kind]
        print(
            f"  {kind:10s} {p['n']:4d} requests: p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms, "
            f"max {p['max_ms']} ms"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
