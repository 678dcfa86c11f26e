"""Logging in under attack (issue #11, items 7, 9, 10 and 11): what a failed login leaves in the
database, how many passwords concurrent guesses get checked, how long a guessed account or a
guessing address waits (never locked), what a flood of refused attempts writes to the audit
trail, and which client address `matcher serve` believes.

Real SQLite, real HTTP: Starlette's TestClient with a clock the test moves, or uvicorn on a
free 127.0.0.1 port (in a thread, or `matcher serve` in its own process) for concurrency.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from matcher.store import Store
from matcher.store.web_tables import ensure_schema
from matcher.tools.web.bench import Server, free_port
from matcher.web import security
from matcher.web.app import create_app
from matcher.web.security import LoginPolicy
from tests.test_web_support import ADMIN, REFERRER, Clock, app_clients, login, login_token

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)

WRONG = "wrong-password-x"
TYPED_PASSWORD = "hunter2-password"  # typed into the username field by mistake
POLICY = LoginPolicy()


@pytest.fixture
def login_db(tmp_path: Path) -> Path:
    """An empty database with the web tables and two users (no patients are needed here)."""
    path = tmp_path / "web.db"
    with Store(path) as store:
        ensure_schema(store.db)
        security.add_user(store.db, *ADMIN, "admin")
        security.add_user(store.db, *REFERRER, "referrer")
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(login_db: Path, clock: Clock):
    with app_clients(login_db, warm=False, clock=clock) as make:
        yield make


@pytest.fixture
def anon(make_client) -> TestClient:
    return make_client()


def _audit(db: Path, action: str) -> list[dict]:
    with Store(db) as store:
        return [
            {**row, "detail": json.loads(row["detail"]) if row["detail"] else None}
            for row in store.db.query(
                "SELECT * FROM web_audit WHERE action = ? ORDER BY id", [action]
            )
        ]


def _attempt_rows(db: Path) -> list[dict]:
    with Store(db) as store:
        return list(store.db.query("SELECT * FROM web_login_attempts ORDER BY id"))


def _text_in_rows(db: Path, text: str) -> list[str]:
    """Every table and column where a stored value contains `text`."""
    found = []
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str | bytes) and text in (
                        value if isinstance(value, str) else value.decode("utf-8", "replace")
                    ):
                        found.append(f"{table}.{column}")
    conn.close()
    return found


def _bytes_on_disk(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


# --- item 7: the trail keeps known usernames, never what else was typed ----------------


def test_a_password_typed_as_the_username_is_stored_nowhere(anon: TestClient, login_db: Path):
    assert login(anon, TYPED_PASSWORD, "whatever-password").status_code == 401
    assert login(anon, TYPED_PASSWORD, "whatever-password").status_code == 401
    assert _text_in_rows(login_db, TYPED_PASSWORD) == []
    assert TYPED_PASSWORD.encode() not in _bytes_on_disk(login_db)
    failed = _audit(login_db, "login_failed")
    names = [row["detail"]["username"] for row in failed]
    assert len(names) == 2 and names[0] == names[1]  # the same text, the same keyed hash
    assert names[0].startswith("unknown:") and len(names[0]) == len("unknown:") + 16


def test_a_known_username_is_audited_as_it_is_and_unknown_ones_apart(anon: TestClient,
                                                                      login_db: Path):
    refused = login(anon, REFERRER[0], WRONG)
    assert refused.status_code == 401 and "Wrong username or password" in refused.text
    assert login(anon, "nobody", WRONG).status_code == 401
    assert login(anon, "nobody2", WRONG).status_code == 401
    assert "matcher_session" not in anon.cookies
    names = [row["detail"]["username"] for row in _audit(login_db, "login_failed")]
    assert names[0] == REFERRER[0]
    assert names[1].startswith("unknown:") and names[2].startswith("unknown:")
    assert names[1] != names[2]
    assert [row["detail"]["client"] for row in _audit(login_db, "login_failed")] == [
        "testclient"] * 3


def test_an_older_database_loses_the_usernames_typed_before_the_upgrade(login_db: Path):
    with Store(login_db) as store:
        db = store.db
        # What the app wrote before: the typed text in the attempts and in the audit detail.
        with db.conn:
            db.execute("DROP INDEX web_login_attempts_pair")  # an older schema lacks it
            for action in ("login_failed", "login_blocked"):
                for name in (TYPED_PASSWORD, REFERRER[0]):
                    db.execute(
                        "INSERT INTO web_audit (at, username, action, detail) VALUES (?, ?, ?, ?)",
                        ["2026-01-01T00:00:00", None, action,
                         json.dumps({"client": "10.0.0.1", "username": name})])
                    db.execute("INSERT INTO web_login_attempts (username, client, at, ok) "
                               "VALUES (?, '10.0.0.1', 1, 0)", [name])
        ensure_schema(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        kept = [r[0] for r in db.execute("SELECT username FROM web_login_attempts")]
    assert _text_in_rows(login_db, TYPED_PASSWORD) == []
    assert TYPED_PASSWORD.encode() not in _bytes_on_disk(login_db)
    assert kept == [REFERRER[0], REFERRER[0]]  # a known user's attempts still count
    names = [row["detail"]["username"] for row in _audit(login_db, "login_failed")]
    assert names[0].startswith("unknown:") and names[1] == REFERRER[0]
    with Store(login_db) as store:  # upgraded twice: the hash is not hashed again
        with store.db.conn:
            store.db.execute("DROP INDEX web_login_attempts_pair")
        ensure_schema(store.db)
    assert [row["detail"]["username"] for row in _audit(login_db, "login_failed")] == names


# --- item 9: the attempt is counted before the password is checked ----------------------


def _concurrent_posts(url: str, forms: list[dict[str, str]]) -> list[httpx.Response]:
    """POST each form to /login at once, each from its own client holding its login token."""
    clients = [httpx.Client(base_url=url, timeout=30) for _ in forms]
    try:
        tokens = [login_token(c.get("/login").text) for c in clients]
        start = threading.Barrier(len(forms))

        def post(i: int) -> httpx.Response:
            start.wait()
            return clients[i].post("/login", data={**forms[i], "login_token": tokens[i],
                                                   "next": "/trials"})

        with ThreadPoolExecutor(len(forms)) as pool:
            return list(pool.map(post, range(len(forms))))
    finally:
        for c in clients:
            c.close()


def test_sixty_concurrent_guesses_check_no_more_passwords_than_the_free_budget(
    login_db: Path, clock: Clock
):
    app = create_app(login_db, warm=False, clock=clock)  # the clock stands still
    with Server(app) as server:
        responses = _concurrent_posts(
            server.url, [{"username": REFERRER[0], "password": WRONG}] * 60)
    statuses = [r.status_code for r in responses]
    checked = len(_audit(login_db, "login_failed"))
    assert checked == POLICY.account_free_failures, statuses
    assert statuses.count(401) == checked and statuses.count(429) == 60 - checked
    assert len(_attempt_rows(login_db)) == checked


def test_password_checks_beyond_the_limit_are_refused_at_once_and_not_counted(
    login_db: Path, clock: Clock
):
    policy = LoginPolicy(password_checks=1, password_check_wait=0.0)
    app = create_app(login_db, warm=False, clock=clock, login_policy=policy)
    with Server(app) as server:
        responses = _concurrent_posts(
            server.url, [{"username": f"guest{i}", "password": WRONG} for i in range(40)])
    statuses = [r.status_code for r in responses]
    assert set(statuses) == {401, 503}, statuses
    busy = [r for r in responses if r.status_code == 503]
    assert all(r.headers["retry-after"] == "1" and "busy" in r.text for r in busy)
    checked = len(_audit(login_db, "login_failed"))
    assert checked == statuses.count(401) == len(_attempt_rows(login_db))


# --- item 10: delays that grow, never a lock on the right password -----------------------


def test_each_failure_past_five_doubles_the_wait_up_to_15_minutes_and_the_right_password_works(
    anon: TestClient, clock: Clock, login_db: Path
):
    for _ in range(5):
        assert login(anon, ADMIN[0], WRONG).status_code == 401
    waits = []
    for _ in range(12):
        early = login(anon, *ADMIN)  # the right password, before the wait is over
        assert early.status_code == 429 and "matcher_session" not in anon.cookies
        assert "Too many failed attempts" in early.text
        waits.append(int(early.headers["retry-after"]))
        clock.advance(waits[-1] - 1)
        assert login(anon, *ADMIN).status_code == 429  # a second early
        clock.advance(1)
        assert login(anon, ADMIN[0], WRONG).status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert len(_audit(login_db, "login_failed")) == 17  # refused attempts were not checked
    clock.advance(900)
    assert login(anon, *ADMIN).status_code == 303  # 17 failures: delayed, never locked
    assert anon.get("/trials", follow_redirects=False).status_code == 200


def test_a_success_starts_the_account_afresh(anon: TestClient, clock: Clock):
    for _ in range(5):
        assert login(anon, REFERRER[0], WRONG).status_code == 401
    clock.advance(1)
    assert login(anon, *REFERRER).status_code == 303
    for _ in range(5):
        assert login(anon, REFERRER[0], WRONG).status_code == 401


def test_failures_are_forgotten_after_a_day(anon: TestClient, clock: Clock):
    for _ in range(5):
        assert login(anon, REFERRER[0], WRONG).status_code == 401
    clock.advance(POLICY.forget_after)
    for _ in range(5):
        assert login(anon, REFERRER[0], WRONG).status_code == 401


def test_colleagues_failing_behind_one_address_do_not_lock_the_others_out(anon: TestClient):
    for i in range(20):  # the old per-address limit
        assert login(anon, f"colleague{i}", WRONG).status_code == 401
    assert login(anon, *ADMIN).status_code == 303


def test_an_address_past_its_budget_waits_at_most_a_minute(anon: TestClient, clock: Clock):
    budget = POLICY.client_free_failures
    for i in range(budget):  # spraying: never five failures on one name
        assert login(anon, f"spray{i // 4}", WRONG).status_code == 401
    waits = []
    for i in range(8):
        early = login(anon, *ADMIN)
        assert early.status_code == 429
        waits.append(int(early.headers["retry-after"]))
        clock.advance(waits[-1])
        assert login(anon, f"spray-late{i}", WRONG).status_code == 401
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    clock.advance(60)
    assert login(anon, *ADMIN).status_code == 303


def test_failures_of_an_account_that_then_logs_in_from_the_address_are_forgiven(
    make_client,
):
    client = make_client(login_policy=LoginPolicy(client_free_failures=3))
    for _ in range(2):
        assert login(client, REFERRER[0], WRONG).status_code == 401
    assert login(client, *REFERRER).status_code == 303  # a colleague's typos, then a success
    for i in range(2):
        assert login(client, f"nobody{i}", WRONG).status_code == 401
    assert login(client, *ADMIN).status_code == 303  # 2 failures count, not 4
    assert login(client, "nobody2", WRONG).status_code == 401
    assert login(client, *ADMIN).status_code == 429  # 3 unresolved failures: wait


# --- item 11: a flood of refused attempts is counted, not written row by row -------------


def test_a_flood_of_refused_attempts_writes_one_audit_row_with_the_count(
    login_db: Path, clock: Clock
):
    flood = 500
    with TestClient(create_app(login_db, warm=False, clock=clock,
                                allowed_hosts=["testserver"])) as client:
        for _ in range(5):
            assert login(client, ADMIN[0], WRONG).status_code == 401
        token = login_token(client.get("/login").text)
        for _ in range(flood):  # the clock stands still: every one is refused
            response = client.post("/login", data={"username": ADMIN[0], "password": WRONG,
                                                   "login_token": token, "next": "/trials"})
            assert response.status_code == 429
            token = login_token(response.text)
        assert len(_audit(login_db, "login_blocked")) == 1  # written at the first refusal
    # The app has stopped: what it counted is written.
    blocked = _audit(login_db, "login_blocked")
    assert len(blocked) == 1, [row["detail"] for row in blocked]
    assert blocked[0]["detail"]["attempts"] == flood
    assert blocked[0]["detail"]["by"] == "account"
    assert blocked[0]["detail"]["username"] == ADMIN[0]
    assert len(_audit(login_db, "login_failed")) == 5


def test_two_thousand_refused_attempts_make_a_handful_of_rows_each_block_its_own(
    login_db: Path, clock: Clock
):
    log = security.BlockedLog(POLICY)
    with Store(login_db) as store:
        db = store.db
        refusals = [security.LoginAttempt(None, ADMIN[0], "10.0.0.1", 30.0, "account"),
                    security.LoginAttempt(None, "unknown:0123456789abcdef", "10.0.0.2", 5.0,
                                          "client")]
        started = time.perf_counter()
        for i in range(2000):
            log.record(db, refusals[i % 2], clock())
        elapsed = time.perf_counter() - started
        log.flush(db, clock())
        assert len(_audit(login_db, "login_blocked")) == 2
        clock.advance(POLICY.blocked_window)  # a pause as long as the window: a new block
        log.record(db, refusals[0], clock())
        log.flush(db, clock())
    rows = _audit(login_db, "login_blocked")
    assert [(r["detail"]["by"], r["detail"]["attempts"]) for r in rows] == [
        ("account", 1000), ("client", 1000), ("account", 1)]
    assert rows[1]["detail"]["client"] == "10.0.0.2"
    assert elapsed < 2.0, f"{elapsed:.2f} s for 2,000 refusals"


def test_the_audit_page_shows_the_refusals_counted_so_far(make_client, login_db: Path):
    client = make_client()
    for _ in range(5):
        assert login(client, REFERRER[0], WRONG).status_code == 401
    for _ in range(3):
        assert login(client, REFERRER[0], WRONG).status_code == 429
    assert login(client, *ADMIN).status_code == 303
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "login_blocked" in page.text and "&#34;attempts&#34;: 3" in page.text


# --- the client address behind a proxy ---------------------------------------------------


@contextmanager
def _serve(db: Path, log: Path, *options: str) -> Iterator[str]:
    """`matcher serve` in its own process on a free port; yields its URL."""
    port = free_port()
    with log.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "matcher.cli", "serve", "--db", str(db), "--port", str(port),
             *options], stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/login", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text()) from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(("options", "client"), [
    ((), "127.0.0.1"),
    (("--forwarded-allow-ips", "127.0.0.1"), "203.0.113.7"),
], ids=["no proxy named: the header is ignored", "the proxy named: its header is believed"])
def test_serve_believes_x_forwarded_for_only_from_a_named_proxy(
    login_db: Path, tmp_path: Path, options: tuple[str, ...], client: str
):
    with _serve(login_db, tmp_path / "serve.log", *options) as url, httpx.Client(
        base_url=url
    ) as http:
        for spoofed in ("198.51.100.1", "198.51.100.2"):  # a new address per attempt
            http.headers["x-forwarded-for"] = "203.0.113.7" if options else spoofed
            assert login(http, "nobody", WRONG).status_code == 401
    expected = [client, client]
    assert [row["detail"]["client"] for row in _audit(login_db, "login_failed")] == expected
    assert [row["client"] for row in _attempt_rows(login_db)] == expected


def test_serve_refuses_a_proxy_address_that_is_not_one(login_db: Path):
    from click.testing import CliRunner

    from matcher.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--db", str(login_db),
                                      "--forwarded-allow-ips", "*"])
    assert result.exit_code == 2
    assert "'*' is not an IP address or network" in result.output  # not "trust everyone"
