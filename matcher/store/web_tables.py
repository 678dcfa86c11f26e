"""The web app's tables in the engine's SQLite file: users, sessions, API tokens, login
attempts, the audit trail, referrals, and the full-text index of notes.

They are the store's numbered migration 3 (matcher.store.db.MIGRATIONS), so every database
has them whoever opened it first, and `create_or_upgrade` also brings the tables of a
database written by an earlier release to today's shape (added columns, keyed login names).
Every table is prefixed `web_` so that it never collides with the engine's own. Nothing here
alters the engine's tables except three sets of triggers (`web_dv_*`) that bump
`web_data_version.n` whenever patients, notes or findings change: the web app's caches
compare that one number instead of re-reading the data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

_DATA_TABLES = ("patients", "notes", "findings")
_KEYED = re.compile(r"^unknown:[0-9a-f]{16}$")  # keyed_login_name's output


def keyed_login_name(key: bytes, typed: str) -> str:
    """`unknown:` and 16 hex digits of HMAC-SHA256(key, typed): the same text always gives the
    same name (repeated attempts are counted together), and the text cannot be read back."""
    digest = hmac.new(key, typed.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return "unknown:" + digest.hexdigest()[:16]


# A note's FTS rowid: its patient's number (web_notes_fts_patients.pid) shifted left by
# this many bits, plus the note's place among the patient's notes (up to 2**20 - 1 of them).
FTS_NOTE_BITS = 20

# The patients with a note written by the as-of date (second parameter) that matches the
# FTS5 query (first): from the hits' rowids alone (FTS_NOTE_BITS), leaving out
# the few notes written after the date through web_notes_fts_rows' date index.
HITS_SQL = (
    f"SELECT p.patient_id FROM (SELECT DISTINCT rowid >> {FTS_NOTE_BITS} AS pid "
    "FROM web_notes_fts WHERE web_notes_fts MATCH ? AND rowid NOT IN (SELECT fts_rowid "
    "FROM web_notes_fts_rows WHERE note_date > ?)) h "
    "JOIN web_notes_fts_patients p ON p.pid = h.pid"
)
# The same when no indexed note is written after the date (a search as of today): the test
# of each hit against the notes after the date cost ~15 ms for a common word at a million
# notes even when there were none.
_HITS_ANY_DATE_SQL = (
    f"SELECT p.patient_id FROM (SELECT DISTINCT rowid >> {FTS_NOTE_BITS} AS pid "
    "FROM web_notes_fts WHERE web_notes_fts MATCH ?) h "
    "JOIN web_notes_fts_patients p ON p.pid = h.pid"
)


def hits_query(db: Database, match: str, as_of: str) -> tuple[str, list[str]]:
    """HITS_SQL and its parameters for FTS5 query `match` as of the ISO date `as_of`,
    without the date test when the index holds no note written after that date."""
    latest = db.execute("SELECT max(note_date) FROM web_notes_fts_rows").fetchone()[0]
    if latest is None or latest <= as_of:
        return _HITS_ANY_DATE_SQL, [match]
    return HITS_SQL, [match, as_of]


_TABLES = """
CREATE TABLE IF NOT EXISTS web_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('referrer', 'coordinator', 'admin')),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL,
    expires_at REAL NOT NULL,
    client TEXT
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions (username);
CREATE TABLE IF NOT EXISTS web_api_tokens (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at REAL NOT NULL,
    last_seen REAL,
    client TEXT
);
CREATE TABLE IF NOT EXISTS web_login_attempts (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    at REAL NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS web_login_attempts_user ON web_login_attempts (username, at);
CREATE INDEX IF NOT EXISTS web_login_attempts_client ON web_login_attempts (client, at);
CREATE INDEX IF NOT EXISTS web_login_attempts_at ON web_login_attempts (at);
-- A failure followed by the same account's login from the same address is forgiven
-- (security._refusal looks for that login by client, username and id).
CREATE INDEX IF NOT EXISTS web_login_attempts_pair ON web_login_attempts (client, username, id);
CREATE TABLE IF NOT EXISTS web_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    username TEXT,
    action TEXT NOT NULL,
    trial_id TEXT,
    patient_id TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS web_audit_patient ON web_audit (patient_id);
-- The patients an audited listing, export or note search returned, one row each: "who saw
-- P-001?" is one indexed query over single-patient views and listings alike.
CREATE TABLE IF NOT EXISTS web_audit_patients (
    audit_id INTEGER NOT NULL,
    patient_id TEXT NOT NULL,
    PRIMARY KEY (audit_id, patient_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS web_audit_patients_patient ON web_audit_patients (patient_id);
CREATE TABLE IF NOT EXISTS web_referrals (
    trial_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    username TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (trial_id, patient_id)
);
CREATE TABLE IF NOT EXISTS web_referral_history (
    id INTEGER PRIMARY KEY,
    trial_id TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    username TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS web_referral_history_patient
    ON web_referral_history (trial_id, patient_id);
CREATE TABLE IF NOT EXISTS web_data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT OR IGNORE INTO web_data_version (id, n) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS web_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS web_notes_fts USING fts5(
    text, patient_id UNINDEXED, note_date UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS web_notes_fts_map (
    note_id TEXT PRIMARY KEY,
    fts_rowid INTEGER NOT NULL,
    content_hash TEXT NOT NULL
);
-- Who wrote each indexed note when, keyed by the FTS rowid: a search reads these narrow rows
-- instead of the FTS content rows that carry the whole note text (a common word matches
-- tens of thousands of notes at 100k patients: 140 ms through the content table, 70 here).
CREATE TABLE IF NOT EXISTS web_notes_fts_rows (
    fts_rowid INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL,
    note_date TEXT NOT NULL
);
-- The notes written after a search's as-of date are left out through this index (at the
-- latest date there are none).
CREATE INDEX IF NOT EXISTS web_notes_fts_rows_date ON web_notes_fts_rows (note_date);
-- The search index's number for each patient. A note's FTS rowid is its patient's number
-- shifted left by FTS_NOTE_BITS plus the note's place among that patient's notes, so the
-- patients a search word matches are read from the rowids alone: "biopsy" matches 170,000
-- of a million notes, and looking up each hit's row to learn its patient cost ~110 ms.
CREATE TABLE IF NOT EXISTS web_notes_fts_patients (
    pid INTEGER PRIMARY KEY,
    patient_id TEXT NOT NULL UNIQUE
);
"""


# Columns added to tables of an earlier release (CREATE TABLE IF NOT EXISTS leaves an
# existing table as it is): the client and time of a session's or token's latest request.
_ADDED_COLUMNS = (
    ("web_sessions", "client", "TEXT"),
    ("web_api_tokens", "last_seen", "REAL"),
    ("web_api_tokens", "client", "TEXT"),
)


def _missing_columns(db: Database) -> list[tuple[str, str, str]]:
    missing = []
    for table, column, declaration in _ADDED_COLUMNS:
        present = {r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}
        if present and column not in present:
            missing.append((table, column, declaration))
    return missing


def _triggers() -> str:
    sql = []
    for table in _DATA_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            sql.append(
                f"CREATE TRIGGER IF NOT EXISTS web_dv_{table}_{event.lower()} "
                f"AFTER {event} ON {table} BEGIN "
                "UPDATE web_data_version SET n = n + 1 WHERE id = 1; END;"
            )
    return "\n".join(sql)


def _wanted() -> set[str]:
    names = set(re.findall(r"CREATE (?:VIRTUAL )?(?:TABLE|INDEX) IF NOT EXISTS (\w+)", _TABLES))
    names |= {f"web_dv_{t}_{e}" for t in _DATA_TABLES for e in ("insert", "update", "delete")}
    return names


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one (executescript would commit the migration's
    transaction half way)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""


def _present(db: Database) -> set[str]:
    return {
        r[0]
        for r in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'web_%'").fetchall()
    }


def create_or_upgrade(db: Database) -> None:
    """Inside the caller's transaction: create what is missing and bring an earlier
    release's tables to today's shape."""
    present = _present(db)
    conn = db.conn
    if "web_notes_fts" in present and "web_notes_fts_patients" not in present:
        # An index of an earlier release numbered its notes in the order indexed: it is
        # dropped (derived data; DROP is instant where deleting a million FTS rows is not)
        # and the next search builds it again in today's layout.
        for table in ("web_notes_fts", "web_notes_fts_rows", "web_notes_fts_map"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        if "web_meta" in present:
            conn.execute("DELETE FROM web_meta WHERE key = 'fts_version'")
        present = _present(db)
    for statement in [*_statements(_TABLES), *_triggers().splitlines()]:
        conn.execute(statement)
    if "web_notes_fts" in present and "web_notes_fts_rows" not in present:
        # A database indexed before web_notes_fts_rows existed gets its rows filled in.
        conn.execute(
            "INSERT OR IGNORE INTO web_notes_fts_rows (fts_rowid, patient_id, note_date) "
            "SELECT rowid, patient_id, note_date FROM web_notes_fts"
        )
    # This installation's secret for keyed login names (security.login_account).
    conn.execute(
        "INSERT OR IGNORE INTO web_meta (key, value) VALUES ('login_name_key', ?)",
        [secrets.token_hex(32)],
    )
    if "web_login_attempts" in present and "web_login_attempts_pair" not in present:
        _key_typed_login_names(db)
    for table, column, declaration in _missing_columns(db):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def ensure_schema(db: Database) -> None:
    """Create what is missing; a no-op (no write lock taken) when everything is there. Store
    migration 3 does this when a database is opened; a database changed behind the store's
    back (an index dropped by hand, tables of an older release) is repaired here."""
    if _wanted() <= _present(db) and not _missing_columns(db):
        return
    conn = db.conn
    if conn.in_transaction:
        conn.commit()
    try:
        conn.execute("BEGIN IMMEDIATE")
        create_or_upgrade(db)  # looked at again under the write lock
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _key_typed_login_names(db: Database) -> None:
    """A database written before login names were keyed holds what people typed as a
    username on a failed login (sometimes their password) in web_login_attempts and in the
    audit detail of `login_failed` and `login_blocked`. The attempts under unknown names go
    (they only fed the throttle); the audit keeps the keyed hash in place of the text.
    secure_delete zeroes the old text instead of leaving it in free space in the file."""
    conn = db.conn
    secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
    conn.execute("PRAGMA secure_delete = ON")
    try:
        key = bytes.fromhex(
            conn.execute("SELECT value FROM web_meta WHERE key = 'login_name_key'").fetchone()[0]
        )
        known = {row[0] for row in conn.execute("SELECT username FROM web_users")}
        conn.execute(
            "DELETE FROM web_login_attempts WHERE username NOT IN (SELECT username FROM web_users)"
        )
        rows = conn.execute(
            "SELECT id, detail FROM web_audit WHERE action IN ('login_failed', 'login_blocked') "
            "AND detail IS NOT NULL"
        ).fetchall()
        for row_id, detail in rows:
            try:
                parsed = json.loads(detail)
            except ValueError:
                continue
            name = parsed.get("username") if isinstance(parsed, dict) else None
            if isinstance(name, str) and name not in known and not _KEYED.match(name):
                parsed["username"] = keyed_login_name(key, name)
                conn.execute("UPDATE web_audit SET detail = ? WHERE id = ?",
                             [json.dumps(parsed, sort_keys=True), row_id])
    finally:
        conn.execute(f"PRAGMA secure_delete = {int(secure)}")


def data_version(db: Database) -> int:
    row = db.execute("SELECT n FROM web_data_version WHERE id = 1").fetchone()
    return int(row[0]) if row else 0
