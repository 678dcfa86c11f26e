"""A stored result's criteria JSON, kept once (store migration 10, issue 17: incremental nights).

A result row's criteria JSON (each criterion's status, reason and evidence: ~4.5 KB at the
portfolio's trials) is most of the row, and most of it does not change from one night to
the next: a result carried forward has the very same JSON as the night before. Each night
copying it again made an incremental night cost a full row per carried result (and the
database grow by a full copy of every result a night). So the JSON lives in
`result_criteria`, one row per distinct text keyed by its digest, and `results` holds the
digest (`criteria_digest`): a carried row copies 32 characters, never the JSON.

- `result_criteria (digest PRIMARY KEY, criteria_json)`: `digest` is the first 32 hex
  digits of the text's sha256 (128 bits: two different criteria texts of one site sharing
  one is not a practical concern).
- `results.criteria_digest` (indexed): the row's criteria text. The column
  `results.criteria_json` is gone: a reader that forgot the join fails loudly instead of
  reading NULL.
- A trigger drops a text when the last row that references it is deleted (a superseded set,
  an interrupted run's rows, a site's own DELETE), so the table holds only texts in use.
  An `INSERT OR REPLACE` that replaces a row does not fire it (SQLite fires delete triggers
  on REPLACE only with recursive triggers), but no writer replaces a row: every set is
  written under a new run id, and its rows once each.

Readers get the JSON back under its old name through `JOINED` / `joined_select`: the rows
they read are the rows they read before (a result's dict still has "criteria_json").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlite_utils import Database

# Joins a results row aliased `r` to its criteria text (a LEFT JOIN: a row always has one,
# and the planner drops the join for a query that reads no text).
JOINED = "results r LEFT JOIN result_criteria rc ON rc.digest = r.criteria_digest"
# The criteria text column of a results row aliased `r` under JOINED.
TEXT = "rc.criteria_json"


def digest(criteria_json: str) -> str:
    """The key of a criteria text: the first 32 hex digits of its sha256."""
    return hashlib.sha256(criteria_json.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def create(db: Database) -> None:
    """Migration 10: the table, the column, the index and the trigger; the existing rows'
    texts moved into the table (each distinct text once) and `results.criteria_json`
    dropped. Idempotent: a file whose version was rewound runs it again."""
    db.execute("CREATE TABLE IF NOT EXISTS result_criteria ("
               "digest TEXT PRIMARY KEY, criteria_json TEXT NOT NULL)")
    have = {r[1] for r in db.execute("PRAGMA table_info(results)").fetchall()}
    if "criteria_digest" not in have:
        db.execute("ALTER TABLE results ADD COLUMN criteria_digest TEXT")
    if "criteria_json" in have:
        db.conn.create_function("matcher_criteria_digest", 1, _sql_digest, deterministic=True)
        db.execute("UPDATE results SET criteria_digest = matcher_criteria_digest(criteria_json) "
                   "WHERE criteria_json IS NOT NULL")
        db.execute("INSERT OR IGNORE INTO result_criteria (digest, criteria_json) "
                   "SELECT criteria_digest, criteria_json FROM results "
                   "WHERE criteria_digest IS NOT NULL")
        db.execute("ALTER TABLE results DROP COLUMN criteria_json")
    db.execute("CREATE INDEX IF NOT EXISTS results_criteria_digest "
               "ON results (criteria_digest)")
    db.execute("CREATE TRIGGER IF NOT EXISTS results_release_criteria AFTER DELETE ON results "
               "WHEN OLD.criteria_digest IS NOT NULL BEGIN "
               "DELETE FROM result_criteria WHERE digest = OLD.criteria_digest AND NOT EXISTS "
               "(SELECT 1 FROM results WHERE criteria_digest = OLD.criteria_digest); END")


def _sql_digest(text: str | None) -> str | None:
    return None if text is None else digest(text)


def store_texts(db: Database, texts: Sequence[str]) -> list[str]:
    """Each text's digest, every text stored once (a text already kept is not written
    again). Inside the caller's transaction, with the rows that reference them."""
    digests = [digest(text) for text in texts]
    db.conn.executemany(
        "INSERT OR IGNORE INTO result_criteria (digest, criteria_json) VALUES (?, ?)",
        list(dict(zip(digests, texts, strict=True)).items()))
    return digests

