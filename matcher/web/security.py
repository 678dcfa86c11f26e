"""Users, passwords, sessions, API tokens, the login throttle and the audit trail.

Passwords are hashed with scrypt (hashlib, memory-hard: N=2**14, r=8 → 16 MiB per hash).
Sessions live server-side in `web_sessions`, keyed by the SHA-256 of a random token (the
cookie holds the token, the database only its hash), with an idle timeout and an
absolute lifetime, so logout and expiry take effect at once. Every function takes the
sqlite-utils Database and, where time matters, `now` (seconds since the epoch) so tests
can move the clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from matcher.store.audit import write_audit
from matcher.store.web_tables import keyed_login_name

# A referrer finds and refers patients; a coordinator also reviews what the engine read from
# a trial's registry text (issue 14: approve, edit, set manual, approve the trial); an admin
# does both and manages users.
ROLES = ("referrer", "coordinator", "admin")
REVIEWER_ROLES = ("coordinator", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _DKLEN = 2**14, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024

log = logging.getLogger("matcher.web")


class UserError(ValueError):
    """A user-management request that cannot be done (message safe to show)."""


@dataclass(frozen=True)
class SessionPolicy:
    idle_seconds: float = 30 * 60
    max_seconds: float = 8 * 60 * 60


@dataclass(frozen=True)
class User:
    username: str
    role: str
    csrf_token: str = ""
    via: str = "session"  # "session" or "token"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_review(self) -> bool:
        """May review a trial's criteria (the review pages and their forms)."""
        return self.role in REVIEWER_ROLES


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- passwords ---------------------------------------------------------------------------


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=_SCRYPT_N,
        r=_SCRYPT_R,
        p=_SCRYPT_P,
        dklen=_DKLEN,
        maxmem=_MAXMEM,
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=_MAXMEM,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that a wrong username
    takes as long as a wrong password; made at the first such login, not at import (a
    scrypt hash is ~0.1 s of CPU that the server's start would otherwise wait for)."""
    return hash_password(secrets.token_urlsafe(16))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserError(f"the password must have at most {MAX_PASSWORD} characters")


# --- users -------------------------------------------------------------------------------


def add_user(db: Database, username: str, password: str, role: str, replace: bool = False) -> None:
    if not USERNAME.match(username or ""):
        raise UserError(
            "a username is 1-64 letters, digits or . _ @ - and starts with a letter or digit"
        )
    if role not in ROLES:
        raise UserError(f"the role must be one of {', '.join(ROLES)}")
    check_password(password)
    exists = get_user(db, username) is not None
    if exists and not replace:
        raise UserError(f"user {username!r} already exists")
    with db.conn:
        db.execute(
            "INSERT INTO web_users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, "
            "role = excluded.role",
            [username, hash_password(password), role, _now_iso()],
        )
        if exists:  # a new password ends every session of the old one
            _end_user_sessions(db, username)


def remove_user(db: Database, username: str) -> None:
    if get_user(db, username) is None:
        raise UserError(f"no user {username!r}")
    with db.conn:
        db.execute("DELETE FROM web_users WHERE username = ?", [username])
        _end_user_sessions(db, username)


def _end_user_sessions(db: Database, username: str) -> None:
    db.execute("DELETE FROM web_sessions WHERE username = ?", [username])
    db.execute("DELETE FROM web_api_tokens WHERE username = ?", [username])


def get_user(db: Database, username: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM web_users WHERE username = ?", [username]))
    return rows[0] if rows else None


def list_users(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT username, role, created_at FROM web_users ORDER BY username"))


def authenticate(db: Database, username: str, password: str) -> User | None:
    row = get_user(db, username)
    if row is None:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, row["password_hash"]):
        return None
    return User(row["username"], row["role"])


# --- login throttle ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins slow the next attempts down: growing delays, never a lock.

    An account's first `account_free_failures` failures cost nothing; after that every
    attempt waits for a delay that doubles with each further failure, from `first_delay` up
    to `account_max_delay` (5 failures: 1 s, 6: 2 s, ... 14: 512 s, 15 and more: 900 s). An
    attempt made during the wait is answered 429 with Retry-After and its password is not
    checked, so it neither counts nor lengthens the wait; once the wait is over the right
    password logs in, however many failures came before. A success starts the account afresh.

    A client address gets a larger budget and a shorter cap (50 failures, then 1 s ... 60 s):
    a hospital's NAT puts hundreds of people behind one address, and their failures must not
    keep the others out. A failure followed by that account's own login from the same address
    (a typo, then the right password) is forgiven. Failures older than `forget_after` count no
    more.
    """

    account_free_failures: int = 5
    account_max_delay: float = 15 * 60
    client_free_failures: int = 50
    client_max_delay: float = 60
    first_delay: float = 1
    forget_after: float = 24 * 3600
    # Refused attempts with pauses shorter than this share one audit row (see BlockedLog),
    # whose count is rewritten at most every `blocked_flush` seconds.
    blocked_window: float = 15 * 60
    blocked_flush: float = 10
    # scrypt hashes computed at once (16 MiB and ~40 ms each), and how long an attempt waits
    # for a turn before it is answered 503.
    password_checks: int = 2
    password_check_wait: float = 2.0


@dataclass(frozen=True)
class LoginAttempt:
    """One login attempt. `id`: its row in web_login_attempts, None when it was refused;
    `account`: the name it is counted under (login_account); `retry_after`: seconds to wait
    (0 when allowed); `by`: "account" or "client", whichever made it wait."""

    id: int | None
    account: str
    client: str
    retry_after: float = 0.0
    by: str = ""


_LOGIN_NAME_KEY = "login_name_key"


def _meta_secret(db: Database, key: str) -> bytes:
    """This installation's secret `key` in web_meta, made on first use. OR IGNORE: two
    first uses at once (two searches, two logins) agree on the first secret written."""
    query = "SELECT value FROM web_meta WHERE key = ?"
    row = db.execute(query, [key]).fetchone()
    if row is None:
        with db.conn:
            db.execute("INSERT OR IGNORE INTO web_meta (key, value) VALUES (?, ?)",
                       [key, secrets.token_hex(32)])
        row = db.execute(query, [key]).fetchone()
    return bytes.fromhex(row[0])


def login_name_key(db: Database) -> bytes:
    """This installation's secret for keyed login names (made by store migration 3, or here)."""
    return _meta_secret(db, _LOGIN_NAME_KEY)


def login_account(db: Database, typed: str) -> str:
    """The name a login attempt is throttled and audited under: the username when such a user
    exists, else a keyed hash of what was typed, because people type their password into the
    username field ("hunter2-password" must not sit in the audit trail)."""
    if get_user(db, typed) is not None:
        return typed
    return keyed_login_name(login_name_key(db), typed)


def _delay(failures: int, free: int, cap: float, first: float) -> float:
    if failures < free:
        return 0.0
    return min(cap, first * 2.0 ** min(failures - free, 60))


def _refusal(db: Database, account: str, client: str, now: float,
             policy: LoginPolicy) -> LoginAttempt | None:
    """The refused attempt when the account or the client must still wait, else None.
    Failures are the rows with ok = 0: an attempt whose password is being checked right now
    is one until the check says otherwise."""
    since = now - policy.forget_after
    last_ok = db.execute(
        "SELECT coalesce(max(id), 0) FROM web_login_attempts WHERE username = ? AND ok = 1",
        [account],
    ).fetchone()[0]
    failures, last = db.execute(
        "SELECT count(*), max(at) FROM web_login_attempts "
        "WHERE username = ? AND ok = 0 AND id > ? AND at > ?",
        [account, last_ok, since],
    ).fetchone()
    account_wait = (last or 0) + _delay(failures, policy.account_free_failures,
                                        policy.account_max_delay, policy.first_delay) - now
    failures, last = db.execute(
        "SELECT count(*), max(a.at) FROM web_login_attempts a "
        "WHERE a.client = ? AND a.ok = 0 AND a.at > ? AND NOT EXISTS ("
        "SELECT 1 FROM web_login_attempts b WHERE b.client = a.client "
        "AND b.username = a.username AND b.id > a.id AND b.ok = 1)",
        [client, since],
    ).fetchone()
    client_wait = (last or 0) + _delay(failures, policy.client_free_failures,
                                       policy.client_max_delay, policy.first_delay) - now
    wait = max(account_wait, client_wait)
    if wait <= 0:
        return None
    return LoginAttempt(None, account, client, wait,
                        "account" if account_wait >= client_wait else "client")


def begin_login_attempt(db: Database, account: str, client: str, now: float,
                        policy: LoginPolicy) -> LoginAttempt:
    """Refuse the attempt, or record it as a failure before its password is checked (the
    check turns it into a success): the look and the insert are one BEGIN IMMEDIATE
    transaction, so attempts made at once see each other (60 concurrent guesses at one
    account check 5 passwords; checked first and recorded after, 34 to 46 were checked). A
    lock-free look comes first, so that a flood of refused attempts takes no write lock
    from the ingest."""
    client = client[:64]
    refused = _refusal(db, account, client, now, policy)
    if refused is not None:
        return refused
    with _immediate(db):
        refused = _refusal(db, account, client, now, policy)
        if refused is not None:
            return refused
        cursor = db.execute(
            "INSERT INTO web_login_attempts (username, client, at, ok) VALUES (?, ?, ?, 0)",
            [account, client, now],
        )
        db.execute("DELETE FROM web_login_attempts WHERE at <= ?", [now - policy.forget_after])
    return LoginAttempt(cursor.lastrowid, account, client)


@contextmanager
def _immediate(db: Database) -> Iterator[None]:
    """One BEGIN IMMEDIATE transaction: it takes the write lock before its first read, so
    what it reads stays true until it commits (rolled back on an error)."""
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def cancel_login_attempt(db: Database, attempt: LoginAttempt) -> None:
    """Forget an attempt whose password was never checked (the server was busy)."""
    with db.conn:
        db.execute("DELETE FROM web_login_attempts WHERE id = ?", [attempt.id])


def finish_login_attempt(db: Database, attempt: LoginAttempt, ok: bool) -> None:
    """Record the check's outcome; a failure is audited in the same transaction."""
    with db.conn:
        db.execute("UPDATE web_login_attempts SET ok = ? WHERE id = ?", [int(ok), attempt.id])
        if not ok:
            audit(db, None, "login_failed", detail={"username": attempt.account,
                                                         "client": attempt.client})


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")


@dataclass
class _Block:
    """Refused attempts counted under one account or one client address."""

    by: str
    account: str
    client: str
    first: float
    last: float
    attempts: int = 0
    written: int = 0  # how many of them the audit row says
    row_id: int | None = None
    written_at: float = 0.0
    others: set[str] = field(default_factory=set)  # the clients (or accounts) seen, up to 1000

    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"by": self.by, "attempts": self.attempts,
                                  "first": _iso(self.first), "last": _iso(self.last)}
        if self.by == "account":
            detail.update(username=self.account, clients=len(self.others), client=self.client)
        else:
            detail.update(client=self.client, usernames=len(self.others))
        return detail


class BlockedLog:
    """Refused login attempts in the audit trail: one `login_blocked` row per account (or
    client address) and block, whose count is rewritten as it grows, instead of a row per
    attempt (a script makes 1,000 a second: the real trail would be buried, and the writes
    would compete with the ingest for the database's write lock).

    The counts are kept in memory. The first refusal of a block writes its row at once; the
    count is rewritten at most every `blocked_flush` seconds while refusals go on, and at
    every flush(): on each password check, before the audit page is read, and when the app
    stops. A pause of `blocked_window` starts a new block (a new row)."""

    def __init__(self, policy: LoginPolicy) -> None:
        self.policy = policy
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._blocks: dict[tuple[str, str], _Block] = {}
        self._ended: list[_Block] = []

    def record(self, db: Database, refused: LoginAttempt, now: float) -> None:
        by_account = refused.by == "account"
        key = (refused.by, refused.account if by_account else refused.client)
        with self._lock:
            block = self._blocks.get(key)
            if block is not None and now - block.last >= self.policy.blocked_window:
                self._ended.append(block)
                block = None
            if block is None:
                block = _Block(refused.by, refused.account, refused.client, now, now)
                self._blocks[key] = block
            block.attempts += 1
            block.last = now
            block.client = refused.client
            if len(block.others) < 1000:
                block.others.add(refused.client if by_account else refused.account)
            due = block.row_id is None or now - block.written_at >= self.policy.blocked_flush
        if due:
            self.flush(db, now)

    def flush(self, db: Database, now: float) -> None:
        """Write every count the trail does not have yet, in one transaction. When another
        thread is writing, return at once: its write or the next flush carries these."""
        if not self._writing.acquire(blocking=False):
            return
        try:
            with self._lock:
                todo = [(block, block.attempts, block.detail())
                        for block in [*self._ended, *self._blocks.values()]
                        if block.attempts > block.written]
            if todo:
                new_ids = self._write(db, todo)
                with self._lock:
                    for block, attempts, _ in todo:
                        block.written = attempts
                        block.written_at = now
                        block.row_id = new_ids.get(id(block), block.row_id)
            with self._lock:
                self._ended = [b for b in self._ended if b.attempts > b.written]
                for key, block in list(self._blocks.items()):
                    idle = now - block.last >= self.policy.blocked_window
                    if idle and block.attempts == block.written:
                        del self._blocks[key]
        except sqlite3.Error as exc:  # the counts stay in memory for the next flush
            log.warning("could not write refused login attempts to the audit trail: %s", exc)
        finally:
            self._writing.release()

    def _write(self, db: Database,
               todo: list[tuple[_Block, int, dict[str, Any]]]) -> dict[int, int]:
        new_ids: dict[int, int] = {}
        with _immediate(db):
            for block, _, detail in todo:
                if block.row_id is None:
                    new_ids[id(block)] = audit(db, None, "login_blocked", detail=detail)
                else:
                    db.execute("UPDATE web_audit SET detail = ? WHERE id = ?",
                               [json.dumps(detail, sort_keys=True), block.row_id])
        return new_ids


# --- sessions ----------------------------------------------------------------------------


def create_session(db: Database, username: str, now: float, policy: SessionPolicy) -> str:
    token = secrets.token_urlsafe(32)
    with db.conn:
        db.execute(
            "INSERT INTO web_sessions (token_hash, username, csrf_token, created_at, last_seen, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            [_sha256(token), username, secrets.token_urlsafe(32), now, now,
             now + policy.max_seconds],
        )
        db.execute("DELETE FROM web_sessions WHERE expires_at < ?", [now])
    return token


def session_user(db: Database, token: str, now: float, policy: SessionPolicy,
                 client: str | None = None) -> User | None:
    """The session's user, or None when the token is unknown, idle too long or too old.
    `client`: the address of this request (kept for the admin's list of sessions)."""
    if not token or len(token) > 200:
        return None
    key = _sha256(token)
    rows = list(
        db.query(
            "SELECT s.*, u.role FROM web_sessions s JOIN web_users u ON u.username = s.username "
            "WHERE s.token_hash = ?",
            [key],
        )
    )
    if not rows:
        return None
    row = rows[0]
    if now >= row["expires_at"] or now - row["last_seen"] >= policy.idle_seconds:
        with db.conn:
            db.execute("DELETE FROM web_sessions WHERE token_hash = ?", [key])
        return None
    _seen(db, "web_sessions", key, row, now, client)
    return User(row["username"], row["role"], row["csrf_token"], "session")


def _seen(db: Database, table: str, key: str, row: dict[str, Any], now: float,
          client: str | None) -> None:
    """Record a session's or token's latest request: at most one write per 30 s, unless
    the client changed."""
    moved = client is not None and client[:64] != row.get("client")
    if moved or now - (row.get("last_seen") or 0) > 30:
        with db.conn:
            db.execute(f"UPDATE {table} SET last_seen = ?, client = coalesce(?, client) "
                       "WHERE token_hash = ?", [now, client[:64] if client else None, key])


def end_session(db: Database, token: str) -> None:
    with db.conn:
        db.execute("DELETE FROM web_sessions WHERE token_hash = ?", [_sha256(token or "")])


# --- API tokens (for other hospital systems) ---------------------------------------------


def create_api_token(db: Database, username: str, days: int, now: float) -> str:
    if get_user(db, username) is None:
        raise UserError(f"no user {username!r}")
    token = "mt_" + secrets.token_urlsafe(32)
    with db.conn:
        db.execute(
            "INSERT INTO web_api_tokens (token_hash, username, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            [_sha256(token), username, _now_iso(), now + days * 86400],
        )
    return token


def token_user(db: Database, token: str, now: float, client: str | None = None) -> User | None:
    if not token or len(token) > 200:
        return None
    key = _sha256(token)
    rows = list(
        db.query(
            "SELECT t.expires_at, t.last_seen, t.client, u.username, u.role "
            "FROM web_api_tokens t JOIN web_users u ON u.username = t.username "
            "WHERE t.token_hash = ?",
            [key],
        )
    )
    if not rows or now >= rows[0]["expires_at"]:
        return None
    _seen(db, "web_api_tokens", key, rows[0], now, client)
    return User(rows[0]["username"], rows[0]["role"], "", "token")


# --- sessions and tokens, one by one (the admin's page) ------------------------------------

# A session or token is named by the first 12 hex digits of its hash (48 bits): enough to
# tell a site's sessions apart, and neither the token nor the key the database looks it up by.
SHORT_ID = re.compile(r"^[0-9a-f]{12}$")


def session_id(token: str) -> str:
    """The short id the admin's page shows for a session cookie's token."""
    return _sha256(token)[:12]


token_id = session_id  # API tokens are hashed the same way


def list_sessions(db: Database, now: float, policy: SessionPolicy) -> list[dict[str, Any]]:
    """The sessions still usable now (not expired, not idle too long), latest use first."""
    return list(db.query(
        "SELECT substr(token_hash, 1, 12) AS id, username, created_at, last_seen, client "
        "FROM web_sessions WHERE expires_at > ? AND last_seen > ? ORDER BY last_seen DESC",
        [now, now - policy.idle_seconds],
    ))


def list_api_tokens(db: Database, now: float) -> list[dict[str, Any]]:
    """The API tokens not expired yet, by user."""
    return list(db.query(
        "SELECT substr(token_hash, 1, 12) AS id, username, created_at, expires_at, last_seen, "
        "client FROM web_api_tokens WHERE expires_at > ? ORDER BY username, created_at",
        [now],
    ))


def end_session_by_id(db: Database, short_id: str) -> str:
    """End one session named by its short id; return its user."""
    return _delete_by_id(db, "web_sessions", short_id, "session")


def revoke_api_token(db: Database, short_id: str) -> str:
    """Revoke one API token named by its short id; return its user."""
    return _delete_by_id(db, "web_api_tokens", short_id, "API token")


def _delete_by_id(db: Database, table: str, short_id: str, what: str) -> str:
    if not SHORT_ID.match(short_id):
        raise UserError(f"no such {what}")
    with db.conn:
        rows = db.execute(f"SELECT token_hash, username FROM {table} "
                          "WHERE substr(token_hash, 1, 12) = ?", [short_id]).fetchall()
        if len(rows) != 1:  # two sharing 48 bits: refuse rather than end both
            raise UserError(f"no such {what} {short_id}" if not rows
                            else f"{what} id {short_id} is ambiguous")
        db.execute(f"DELETE FROM {table} WHERE token_hash = ?", [rows[0][0]])
    return rows[0][1]


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(expected) and isinstance(given, str) and hmac.compare_digest(expected, given)


# --- audit -------------------------------------------------------------------------------


# One line of the audit trail: the store's one writer (matcher.store.audit), which the
# CLI's review commands call too; a failed login's row goes with its attempt's transaction.
audit = write_audit


def search_term_digest(db: Database, term: str) -> str:
    """What the audit trail keeps of a typed note search: a keyed digest (HMAC-SHA256,
    first 128 bits in hex) of the words as the search reads them (case and spacing
    ignored: "Tacrolimus" and " tacrolimus " are one search).

    Not the words: a referrer types a name, a diagnosis, a phrase copied from a note, all
    PHI. Keyed, not a plain hash: a plain SHA-256 of a short term is undone by hashing a
    list of names. The key (web_meta `audit_search_key`, made on first use) is shown by no
    page, so an admin reading /admin/audit sees that two searches were the same, not what
    they were; whoever holds the database file (and can read the notes anyway) can test a
    guess during an investigation: search_term_digest(db, "smith")."""
    words = " ".join(term.casefold().split())
    return hmac.new(_audit_key(db), words.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _audit_key(db: Database) -> bytes:
    return _meta_secret(db, "audit_search_key")


def audit_rows(
    db: Database, limit: int, offset: int, filters: dict[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """The newest entries matching `filters`, with `patients`: how many patients a listing
    returned. A patient filter also finds the listings and exports that held the patient."""
    where, params = [], []
    for column in ("username", "action", "trial_id"):
        value = filters.get(column)
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    patient = filters.get("patient_id")
    if patient:
        where.append("(patient_id = ? OR id IN "
                     "(SELECT audit_id FROM web_audit_patients WHERE patient_id = ?))")
        params += [patient, patient]
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = db.execute(f"SELECT count(*) FROM web_audit {clause}", params).fetchone()[0]
    rows = list(
        db.query(
            "SELECT *, (SELECT count(*) FROM web_audit_patients p "
            f"WHERE p.audit_id = web_audit.id) AS patients FROM web_audit {clause} "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )
    return rows, int(total)
