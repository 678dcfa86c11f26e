"""Measure the candidates page over HTTP on a large database.

    python -m matcher.tools.web.synth --db /tmp/big.db --patients 10000 \
        --trial registry_dumps/NCT06904729.txt
    python -m matcher.tools.web.bench --db /tmp/big.db --trial NCT06904729 --as-of 2026-11-20

Starts the app with uvicorn on a free 127.0.0.1 port, logs in as a throw-away user,
waits for the first (cold) ranking, then times `--requests` candidate-page requests that
cycle through typical views (default, status filter, criterion filter, age range, sort,
deep page, note search) and prints the cold time and p50/p95/max of the warm ones.
"""

from __future__ import annotations

import argparse
import re
import secrets
import socket
import statistics
import threading
import time
from urllib.parse import urlencode

import httpx
import uvicorn

from matcher.store import Store
from matcher.web.app import create_app
from matcher.web.security import add_user, remove_user

VIEWS = (
    {},
    {"status": "eligible"},
    {"status": "possible", "sort": "score", "dir": "desc"},
    {"crit": "inc-4", "crit_status": "unknown"},
    {"age_min": "8", "age_max": "14"},
    {"sort": "unknown"},
    {"page": "120"},
    {"per_page": "200", "page": "3"},
    {"q": "tacrolimus"},
    {"q": "class IV", "status": "possible"},
    {"referral": "none", "sort": "age", "dir": "desc"},
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn in a background thread (for the benchmark and the browser tests)."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="uvicorn")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def login(client: httpx.Client, username: str, password: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": username, "password": password,
                                           "login_token": token, "next": "/trials"})
    if response.status_code not in (200, 303) or "matcher_session" not in client.cookies:
        raise RuntimeError(f"login failed ({response.status_code})")


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--trial", required=True)
    ap.add_argument("--as-of", default="2026-11-20")
    ap.add_argument("--requests", type=int, default=220)
    args = ap.parse_args(argv)
    username, password = f"bench-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with Store(args.db) as store:
        add_user(store.db, username, password, "referrer")
        patients = store.db.execute("SELECT count(*) FROM patients").fetchone()[0]
    try:
        app = create_app(args.db, warm=False, ranking_wait=600)
        with Server(app) as server, httpx.Client(base_url=server.url, timeout=600) as client:
            login(client, username, password)
            path = f"/trials/{args.trial}"
            started = time.perf_counter()
            first = client.get(path, params={"as_of": args.as_of})
            cold = time.perf_counter() - started
            assert first.status_code == 200, first.status_code
            client.get(path, params={"as_of": args.as_of, "q": "x"})  # builds the FTS index
            timings: dict[str, list[float]] = {}
            for i in range(args.requests):
                view = VIEWS[i % len(VIEWS)]
                query = urlencode({"as_of": args.as_of, **view})
                t0 = time.perf_counter()
                response = client.get(f"{path}?{query}")
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200 and "candidates" in response.text
                timings.setdefault(query, []).append(elapsed)
            every = sorted(t for ts in timings.values() for t in ts)
            p = statistics.quantiles(every, n=100)
            print(f"{patients} patients; cold first page {cold:.1f} s (ranking + data load)")
            print(f"warm candidates page over HTTP, {len(every)} requests: "
                  f"p50 {p[49]:.0f} ms, p95 {p[94]:.0f} ms, max {every[-1]:.0f} ms")
            rss = _rss_mb()
            if rss:
                print(f"process resident memory after ranking: {rss:.0f} MB")
            for query, ts in timings.items():
                print(f"  {statistics.median(ts):7.1f} ms  {query}")
    finally:
        with Store(args.db) as store:
            remove_user(store.db, username)


if __name__ == "__main__":
    main()
