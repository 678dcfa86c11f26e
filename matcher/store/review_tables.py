"""The criteria review's tables (store migration 4, matcher.store.db.MIGRATIONS): a trial's
review draft, its approved protocol versions, and the protocol version each result was
computed with. Plain rows in and out; what they mean is matcher.review's.

- `review_draft`: one row per criterion a person has acted on (approved, edited, set manual,
  added); a criterion without a row is `auto`. `auto_type`/`auto_text` name the registry item
  the row belongs to, so a re-imported trial (new criterion ids) gets its draft back by
  (type, text) (`carry_over_draft`); `auto_json` is the engine's reading the person saw.
- `protocol_versions`: append-only, kept forever: triggers refuse UPDATE and DELETE, so an
  approved protocol cannot be rewritten behind the audit trail's back.
- `results.protocol_version`: NULL when the result used the auto reading.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

REVIEW_STATES = ("auto", "approved", "edited", "manual", "added")

_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS review_draft (
        trial_id TEXT NOT NULL,
        criterion_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ({", ".join(repr(s) for s in REVIEW_STATES)})),
        criterion_json TEXT,
        reason TEXT,
        username TEXT,
        at TEXT,
        auto_type TEXT,
        auto_text TEXT,
        auto_json TEXT,
        position INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (trial_id, criterion_id)
    )""",
    """CREATE TABLE IF NOT EXISTS protocol_versions (
        trial_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        approved_by TEXT,
        approved_at TEXT NOT NULL,
        note TEXT,
        source_sha256 TEXT,
        changes_json TEXT NOT NULL,
        protocol_json TEXT NOT NULL,
        PRIMARY KEY (trial_id, version)
    )""",
    """CREATE TRIGGER IF NOT EXISTS protocol_versions_no_update BEFORE UPDATE ON protocol_versions
        BEGIN SELECT RAISE(ABORT, 'protocol versions are append-only: add a new version'); END""",
    """CREATE TRIGGER IF NOT EXISTS protocol_versions_no_delete BEFORE DELETE ON protocol_versions
        BEGIN SELECT RAISE(ABORT, 'protocol versions are kept forever'); END""",
)

# web_users of a database made before the coordinator role: its CHECK names two roles.
_USERS_WITH_ROLES = """CREATE TABLE web_users_new (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('referrer', 'coordinator', 'admin')),
    created_at TEXT NOT NULL
)"""


def create(db: Database) -> None:
    """Migration 4, inside the migration's transaction (each step only if it is missing:
    a file whose version number was set back by hand is brought up again)."""
    conn = db.conn
    for statement in _SCHEMA:
        conn.execute(statement)
    if "protocol_version" not in {r[1] for r in conn.execute("PRAGMA table_info(results)")}:
        conn.execute("ALTER TABLE results ADD COLUMN protocol_version INTEGER")
    users = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'web_users'"
    ).fetchone()
    if users and "coordinator" not in users[0]:
        # SQLite cannot alter a CHECK: the table is copied into one that allows the role.
        conn.execute(_USERS_WITH_ROLES)
        conn.execute("INSERT INTO web_users_new SELECT username, password_hash, role, created_at "
                     "FROM web_users")
        conn.execute("DROP TABLE web_users")
        conn.execute("ALTER TABLE web_users_new RENAME TO web_users")


def draft_rows(db: Database, trial_id: str) -> list[dict[str, Any]]:
    return list(db.query(
        "SELECT * FROM review_draft WHERE trial_id = ? ORDER BY position, criterion_id",
        [trial_id],
    ))


def put_draft_row(db: Database, trial_id: str, criterion_id: str,
                  row: Mapping[str, Any] | None) -> None:
    """Set a criterion's draft row (`row`: the columns besides the key), or delete it
    (None: the criterion is back to auto)."""
    db.execute("DELETE FROM review_draft WHERE trial_id = ? AND criterion_id = ?",
               [trial_id, criterion_id])
    if row is not None:
        db.table("review_draft").insert({**row, "trial_id": trial_id,
                                         "criterion_id": criterion_id})


def carry_over_draft(db: Database, trial_id: str, criteria: Sequence[Mapping[str, Any]]) -> None:
    """After a trial's auto reading is replaced (`criteria`: the new criteria's JSON): each
    draft row moves to the new criterion of the same (type, text), in order when a text
    occurs twice; a row whose text is gone is dropped (it stays in the audit trail and the
    versions). An approval of the engine's reading is kept only when the engine still reads
    the item the same way: "approved" vouches for one reading, not for whatever the reader
    makes of the text next time. Added criteria are not tied to the text and stay."""
    rows = draft_rows(db, trial_id)
    if not rows:
        return
    free: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for c in criteria:
        free.setdefault((c["type"], c["text"]), []).append(c)
    moved = []
    for row in rows:
        if row["state"] == "added":
            moved.append(row)
            continue
        matches = free.get((row["auto_type"], row["auto_text"]))
        if not matches:
            continue
        new = matches.pop(0)
        if row["state"] == "approved" and _reading(json.loads(row["auto_json"])) != _reading(new):
            continue
        reading = row["criterion_json"]
        if reading:  # the person's reading goes to the new id with its row
            reading = json.dumps({**json.loads(reading), "id": new["id"]})
        moved.append({**row, "criterion_id": new["id"], "criterion_json": reading,
                      "auto_json": row["auto_json"] if row["state"] == "approved"
                      else json.dumps(new)})
    db.execute("DELETE FROM review_draft WHERE trial_id = ?", [trial_id])
    if moved:
        db.table("review_draft").insert_all(moved)


def _reading(criterion: Mapping[str, Any]) -> tuple[Any, ...]:
    return (criterion.get("kind"), json.dumps(criterion.get("params"), sort_keys=True),
            criterion.get("manual_reason"))


def version_rows(db: Database, trial_id: str) -> list[dict[str, Any]]:
    return list(db.query(
        "SELECT * FROM protocol_versions WHERE trial_id = ? ORDER BY version", [trial_id]
    ))


def add_version(db: Database, trial_id: str, row: Mapping[str, Any]) -> int:
    """Append version N+1 of the trial (call inside a transaction); its number."""
    latest = db.execute(
        "SELECT COALESCE(MAX(version), 0) FROM protocol_versions WHERE trial_id = ?", [trial_id]
    ).fetchone()[0]
    version = int(latest) + 1
    db.table("protocol_versions").insert({**row, "trial_id": trial_id, "version": version})
    return version
