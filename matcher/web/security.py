"""Users, passwords, sessions, API tokens, login rate limits and the audit trail.

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
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

ROLES = ("referrer", "admin")
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _DKLEN = 2**14, 8, 1, 32
_MAXMEM = 64 * 1024 * 1024

# Login rate limits: failures counted over a sliding window.
WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20


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


# A hash to verify against when the user does not exist, so that a wrong username
# takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


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
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, row["password_hash"]):
        return None
    return User(row["username"], row["role"])


# --- login rate limit --------------------------------------------------------------------


def login_blocked(db: Database, username: str, client: str, now: float) -> bool:
    """Too many failures for this username (since its last success) or from this client."""
    since = now - WINDOW_SECONDS
    last_ok = db.execute(
        "SELECT max(at) FROM web_login_attempts WHERE username = ? AND ok = 1", [username]
    ).fetchone()[0]
    user_failures = db.execute(
        "SELECT count(*) FROM web_login_attempts WHERE username = ? AND ok = 0 AND at > ?",
        [username, max(since, last_ok or 0)],
    ).fetchone()[0]
    client_failures = db.execute(
        "SELECT count(*) FROM web_login_attempts WHERE client = ? AND ok = 0 AND at > ?",
        [client, since],
    ).fetchone()[0]
    return user_failures >= MAX_FAILURES_PER_USER or client_failures >= MAX_FAILURES_PER_CLIENT


def record_login_attempt(db: Database, username: str, client: str, ok: bool, now: float) -> None:
    with db.conn:
        db.execute(
            "INSERT INTO web_login_attempts (username, client, at, ok) VALUES (?, ?, ?, ?)",
            [username[:64], client[:64], now, int(ok)],
        )
        db.execute("DELETE FROM web_login_attempts WHERE at < ?", [now - 7 * 24 * 3600])


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


def audit(
    db: Database,
    username: str | None,
    action: str,
    trial_id: str | None = None,
    patient_id: str | None = None,
    detail: dict[str, Any] | None = None,
    patients: Iterable[str] = (),
) -> int:
    """One line of the audit trail; `patients`: the ids a listing, export or search
    returned (kept in web_audit_patients). `detail` never holds note text. Returns the id."""
    with db.conn:
        cursor = db.execute(
            "INSERT INTO web_audit (at, username, action, trial_id, patient_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                username,
                action,
                trial_id,
                patient_id,
                json.dumps(detail, sort_keys=True) if detail else None,
            ],
        )
        audit_id = int(cursor.lastrowid)
        db.conn.executemany(
            "INSERT OR IGNORE INTO web_audit_patients (audit_id, patient_id) VALUES (?, ?)",
            ((audit_id, p) for p in patients),
        )
    return audit_id


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
    row = db.execute("SELECT value FROM web_meta WHERE key = 'audit_search_key'").fetchone()
    if row is None:
        with db.conn:  # OR IGNORE: two first searches at once agree on the first key
            db.execute("INSERT OR IGNORE INTO web_meta (key, value) VALUES "
                       "('audit_search_key', ?)", [secrets.token_hex(32)])
        row = db.execute("SELECT value FROM web_meta WHERE key = 'audit_search_key'").fetchone()
    return bytes.fromhex(row[0])


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
