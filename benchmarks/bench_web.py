"""The referrer web app at hospital scale, over HTTP, as a separate server process (issue 16).

    python benchmarks/bench_web.py --db big.db [--db small.db] --trial NCT06904729 \
        [--as-of 2026-11-20] [--requests 300] [--prepare] [--json out.json]

For each database (several: memory must be flat in the number of patients):

1. `--prepare` (not timed as a page): when the trial has no stored ranking at the as-of date,
   it is computed and stored the way `matcher nightly` does (EmbeddedEngine, 2 workers,
   api.store_ranking); the notes' full-text index is brought up to date. Both are timed
   and reported apart: they are the nightly job's work, not the server's.
2. `matcher serve` is started as its own process; timed from the spawn to the first
   candidates page (interpreter, imports, migrations check, login, page), and from the
   moment it answers /login to that first page.
3. Warm requests, interleaved: the candidates list with filters, sorts and deep pages
   (matcher.tools.web.bench.VIEWS without a search term), the list with a note search,
   and the patient page (live evaluation of that one patient, evidence, timeline) for
   random patients. p50 / p95 / max per kind.
4. The server's resident memory (psutil, the server process alone), sampled through the
   run: its peak and its value at the end.
5. The server's CPU seconds to its first page and its mean CPU per page of each kind: on a
   shared, loaded machine wall-clock figures measure the neighbours too; CPU time much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import psutil

from matcher.store import Store
from matcher.tools.web.bench import VIEWS, free_port, login
from matcher.web.security import add_user, remove_user

REPO = Path(__file__).resolve().parents[1]
SEARCHES = ("tacrolimus", "class IV", "rituximab", "nephrotic", "asthma", "CD19", "MMF",
            "biopsy", "seizure", "proteinuria")


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    q = ordered * 99 if len(ordered) == 1 else statistics.quantiles(
        ordered, n=100, method="inclusive")
    return {"n": len(ordered), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "max_ms": round(ordered[-1], 1)}


def prepare(db: str, trial_id: str, as_of: dt.date) -> dict[str, Any]:
    """The stored ranking (as the nightly job stores it) and the search index, timed."""
    from matcher import api
    from matcher.jobs.engine import EmbeddedEngine
    from matcher.store import result_tables
    from matcher.web.service import Engine

    out: dict[str, Any] = {}
    engine = Engine(db)
    trial = engine.trial(trial_id)
    if trial is None:
        raise SystemExit(f"no trial {trial_id} in {db}")
    with Store(db) as store:
        found = result_tables.latest_set(store.db, trial_id, as_of.isoformat(),
                                         api.trial_digest(trial))
        if found is None or found["data_version"] != engine.version():
            began = time.perf_counter()
            evaluator = EmbeddedEngine(workers=2)
            try:
                with store.transaction():
                    run_id = store.start_run(as_of, evaluator.version, "nightly")
                model = api.eligibility_model()
                api.store_ranking(store, run_id, [trial], as_of,
                                  evaluator.evaluate(Path(db), [trial], as_of, model),
                                  {trial_id: engine.protocol(trial_id).version},
                                  model_version=model.version if model else None,
                                  pipeline_version=evaluator.version)
                with store.transaction():
                    store.finish_run(run_id, "completed", {})
            finally:
                evaluator.close()
            out["store_ranking_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    indexed = engine.sync_search_index()
    out["search_index_s"] = round(time.perf_counter() - began, 1)
    out["search_index_notes"] = indexed
    return out


class Sampler:
    """The server process's RSS every 0.1 s: peak and last."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.last = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last = self.process.memory_info().rss
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, self.last)
            time.sleep(0.1)

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        return round(self.peak / 2**20), round(self.last / 2**20)


def run(db: str, trial: str, as_of: str, requests: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with Store(db) as store:
        add_user(store.db, username, password, "referrer")
        patient_ids = [r[0] for r in store.db.execute("SELECT patient_id FROM patients")]
        with_findings = [r[0] for r in store.db.execute(
            "SELECT DISTINCT patient_id FROM findings")]
    # The server runs as a deployed one does: its bytecode compiled (pip compiles an
    # installed package's; this machine's environment sets PYTHONDONTWRITEBYTECODE, which
    # would make every start compile every module again) and its template cache kept
    # between starts. Started twice: the first start after the install (template cache
    # empty), then a restart, whose server the requests below use.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "matcher")],
                   check=True)
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    first_start = _start(db, env, username, password, trial, as_of)
    first_start["server"].terminate()
    first_start["server"].wait(30)
    started = _start(db, env, username, password, trial, as_of)
    server, port = started["server"], started["port"]
    sampler = Sampler(server.pid)
    try:
        base = f"http://127.0.0.1:{port}"
        path = f"/trials/{quote(trial, safe='')}"
        with httpx.Client(base_url=base, timeout=600, cookies=started["cookies"]) as client:
            timings: dict[str, list[float]] = {"candidates": [], "search": [], "patient": []}
            # The server's CPU per kind of page: on a loaded machine the wall-clock figures
            # grow with every other process, the CPU a page costs does not (much).
            cpu: dict[str, float] = dict.fromkeys(timings, 0.0)
            load_before = os.getloadavg()[0]
            lists = [v for v in VIEWS if "q" not in v]
            for i in range(requests):
                kind = ("candidates", "search", "patient")[i % 3]
                if kind == "candidates":
                    url = f"{path}?{urlencode({'as_of': as_of, **lists[i % len(lists)]})}"
                elif kind == "search":
                    url = f"{path}?{urlencode({'as_of': as_of, 'q': rng.choice(SEARCHES)})}"
                else:
                    # Half with parsed notes (a full checklist and timeline), half any patient.
                    pool = with_findings if (i // 3) % 2 == 0 and with_findings else patient_ids
                    url = f"{path}/patients/{quote(rng.choice(pool), safe='')}?as_of={as_of}"
                c0 = _cpu_seconds(sampler.process)
                t0 = time.perf_counter()
                response = client.get(url)
                timings[kind].append((time.perf_counter() - t0) * 1000)
                cpu[kind] += _cpu_seconds(sampler.process) - c0
                if response.status_code != 200:
                    raise RuntimeError(f"{kind} answered {response.status_code}")
            load_after = os.getloadavg()[0]
        peak, last = sampler.stop()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        with Store(db) as store:
            remove_user(store.db, username)
    with Store(db) as store:
        notes = store.db.execute("SELECT count(*) FROM notes").fetchone()[0]
        findings = store.db.execute("SELECT count(*) FROM findings").fetchone()[0]
    return {
        "db": db, "patients": len(patient_ids), "notes": notes, "findings": findings,
        "patients_with_findings": len(with_findings),
        "first_start": {k: v for k, v in first_start.items()
                        if k not in ("server", "port", "cookies")},
        **{k: v for k, v in started.items() if k not in ("server", "port", "cookies")},
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "rss_peak_mb": peak, "rss_end_mb": last,
        **{kind: {**percentiles(ms),
                  "server_cpu_ms_mean": round(1000 * cpu[kind] / max(1, len(ms)), 1)}
           for kind, ms in timings.items()},
    }


def _start(db: str, env: dict[str, str], username: str, password: str, trial: str,
           as_of: str) -> dict[str, Any]:
    """`matcher serve` spawned, logged in to and its first candidates page read: the
    times from the spawn and from its first answer to /login, and its CPU seconds."""
    port = free_port()
    spawned = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "serve", "--db", db, "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process = psutil.Process(server.pid)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            while True:
                try:
                    if client.get("/login").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None:
                    raise RuntimeError("the server exited")
                time.sleep(0.02)
            listening = time.perf_counter()
            login(client, username, password)
            first = client.get(f"/trials/{quote(trial, safe='')}", params={"as_of": as_of})
            first_page = time.perf_counter()
            cpu = _cpu_seconds(process)
            if first.status_code != 200 or 'id="candidates"' not in first.text:
                raise RuntimeError(f"first candidates page: {first.status_code}, no list")
            cookies = dict(client.cookies)
    except BaseException:
        server.kill()
        raise
    return {"server": server, "port": port, "cookies": cookies,
            "spawn_to_first_page_s": round(first_page - spawned, 2),
            "listening_to_first_page_s": round(first_page - listening, 3),
            "server_cpu_to_first_page_s": round(cpu, 2)}


def _cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU seconds the server process has used so far (clock-tick grain)."""
    times = process.cpu_times()
    return times.user + times.system


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, action="append", help="repeatable")
    ap.add_argument("--trial", required=True, help="trial id, e.g. NCT06904729")
    ap.add_argument("--as-of", default="2026-11-20")
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--prepare", action="store_true",
                    help="store the ranking and build the search index first (timed apart)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    results = []
    for db in args.db:
        prepared = prepare(db, args.trial, dt.date.fromisoformat(args.as_of)) \
            if args.prepare else {}
        out = {**run(db, args.trial, args.as_of, args.requests), "prepare": prepared}
        results.append(out)
        print(f"web, {out['patients']:,} patients, {out['notes']:,} notes "
              f"({out['patients_with_findings']:,} patients with parsed findings): "
              f"first start: spawn to first candidates page "
              f"{out['first_start']['spawn_to_first_page_s']} s (server CPU "
              f"{out['first_start']['server_cpu_to_first_page_s']} s); restart: "
              f"spawn to first candidates page {out['spawn_to_first_page_s']} s "
              f"(listening to first page {out['listening_to_first_page_s']} s; server CPU "
              f"to it {out['server_cpu_to_first_page_s']} s); load average "
              f"{out['load_average_1min'][0]} -> {out['load_average_1min'][1]}; "
              f"server RSS peak {out['rss_peak_mb']} MB, end {out['rss_end_mb']} MB"
              + (f"; prepare {prepared}" if prepared else ""))
        for kind in ("candidates", "search", "patient"):
            p = out[kind]
            print(f"  {kind:10s} {p['n']:4d} requests: p50 {p['p50_ms']} ms, "
                  f"p95 {p['p95_ms']} ms, max {p['max_ms']} ms; server CPU "
                  f"{p['server_cpu_ms_mean']} ms per request (mean)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
