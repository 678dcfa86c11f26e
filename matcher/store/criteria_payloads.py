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

Readers get the JSON back under its old name through `JOINED` / `TEXT`: the rows they read
are the rows they read before (a result's dict still has "criteria_json").

Store migration 11 (issue 17: a night with few changes must cost little) takes out of a
carried row what it copied for nothing, so a night that carries 200,000 results writes
about half of what it did per row:

- `result_refresh (criteria_digest, digest, refresh_json, numbers)`: a nightly row's
  refresh inputs (matcher.jobs.engine.refresh_text, ~340 bytes, a third of a row), kept
  once per criteria text and refresh text, with their numbers as float64s (what a night
  decodes). The column `results.refresh_json` holds the text's `digest` (NULL:
  none, as before), so an incremental night's row and a full night's are still equal
  column for column, and a carried row copies 32 characters.
- `results` is a WITHOUT ROWID table (its primary key is the row: one b-tree fewer to
  write per row), without the (trial_id, patient_id) index no reader used.
- A refresh text goes with its criteria text, when the last row that references that goes.
  It can outlive the last row that references it while the criteria text is in use (two
  patients with the same criteria text and other refresh inputs): it is never read then.

Readers get every column back under its old name through `JOINED` / `TEXT`; the refresh
text, which no page reads, through `REFRESH_TEXT` (Store.results gives it under its old
name, refresh_json).
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence

from sqlite_utils import Database

# Joins a results row aliased `r` to its criteria text and refresh text (LEFT JOINs: a row
# always has a criteria text, and the planner drops a join for a query that reads none of
# its columns).
JOINED = ("results r LEFT JOIN result_criteria rc ON rc.digest = r.criteria_digest "
          "LEFT JOIN result_refresh rf ON rf.criteria_digest = r.criteria_digest "
          "AND rf.digest = r.refresh_json")
# The criteria text column of a results row aliased `r` under JOINED.
TEXT = "rc.criteria_json"
# The refresh text under JOINED (the row's own refresh_json is its key): only the nightly
# job reads it, and Store.results gives it under its old name.
REFRESH_TEXT = "rf.refresh_json AS refresh_text"


def digest(criteria_json: str) -> str:
    """The key of a criteria text: the first 32 hex digits of its sha256."""
    return hashlib.sha256(criteria_json.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def refresh_digest(refresh_json: str) -> str:
    """The key of a refresh text beside its criteria text (results.refresh_json)."""
    return hashlib.sha256(refresh_json.encode("utf-8", "surrogatepass")).hexdigest()[:32]


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
    again), kept for good (not scoped: the rows of `Store.save_results`, which belong to
    no result set, may share it). Inside the caller's transaction, with the rows that
    reference them."""
    digests = [digest(text) for text in texts]
    db.conn.executemany(
        "INSERT OR IGNORE INTO result_criteria (digest, criteria_json) VALUES (?, ?)",
        list(dict(zip(digests, texts, strict=True)).items()))
    return digests


def scoped_digest(trial_id: str, patient_id: str, criteria_json: str) -> str:
    """The key of a result set's criteria text (migration 12): its digest with the trial and
    the patient, so only that patient's rows of that trial can share it."""
    return digest(f"{trial_id}\x1f{patient_id}\x1f{criteria_json}")


def store_set_texts(db: Database, texts: Sequence[tuple[str, str, str]]) -> list[str]:
    """Each (trial id, patient id, criteria text)'s key (scoped_digest), every text stored
    once and released with the last row of its trial and patient that references it
    (RELEASE). Inside the caller's transaction, with the rows that reference them."""
    keys = [scoped_digest(*text) for text in texts]
    db.conn.executemany(
        "INSERT OR IGNORE INTO result_criteria (digest, criteria_json, scoped) VALUES (?, ?, 1)",
        list({key: text for key, (_, _, text) in zip(keys, texts, strict=True)}.items()))
    return keys


def store_refresh(db: Database, texts: Sequence[tuple[str, str | None]]) -> list[str | None]:
    """Each (criteria digest, refresh_json)'s results.refresh_json (None for None), every
    text stored once beside its criteria text, with its numbers. Inside the caller's
    transaction, with the rows that reference them."""
    keys = [None if text is None else refresh_digest(text) for _, text in texts]
    kept = {(payload, key): text for (payload, text), key in zip(texts, keys, strict=True)
            if key is not None}
    db.conn.executemany(
        "INSERT OR IGNORE INTO result_refresh (criteria_digest, digest, refresh_json, numbers) "
        "VALUES (?, ?, ?, ?)", [(payload, key, text, refresh_numbers(text))
                                for (payload, key), text in kept.items()])
    return keys


def refresh_numbers(refresh_json: str) -> bytes | None:
    """A refresh text's numbers as little-endian float64s, the values json.loads reads (a
    number of JSON is a double: the same bits either way), so a night decodes 200,000 of
    them with one numpy.frombuffer instead of parsing their text (9 % of a 10,000-patient
    incremental night). None when the text is not a flat array of numbers (another
    layout: the text is then read, and refused, as before)."""
    try:
        values = json.loads(refresh_json)
    except ValueError:
        return None
    if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    try:
        return struct.pack(f"<{len(values)}d", *values)
    except (OverflowError, struct.error):  # an integer beyond a double
        return None


# results as migration 11 leaves it: the columns in their earlier order.
_COLUMNS = (
    ("run_id", "INTEGER REFERENCES runs (run_id)"), ("trial_id", "TEXT"),
    ("patient_id", "TEXT"), ("as_of", "TEXT"), ("status", "TEXT"), ("score", "REAL"),
    ("rank", "INTEGER"), ("protocol_version", "INTEGER"), ("p_eligible", "REAL"),
    ("relevance", "INTEGER"), ("met", "INTEGER"), ("not_met", "INTEGER"),
    ("unknown", "INTEGER"), ("manual", "INTEGER"), ("statuses", "TEXT"),
    ("outcomes", "TEXT"), ("why_json", "TEXT"), ("why_kinds", "TEXT"),
    ("cohorts_json", "TEXT"), ("age", "INTEGER"), ("sex", "TEXT"),
    ("record_digest", "TEXT"), ("findings_version", "INTEGER"), ("holds_until", "TEXT"),
    ("refresh_json", "TEXT"), ("criteria_digest", "TEXT"),
)

_RELEASE = (
    "CREATE TRIGGER IF NOT EXISTS results_release_criteria AFTER DELETE ON results "
    "WHEN OLD.criteria_digest IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM results WHERE criteria_digest = OLD.criteria_digest) BEGIN "
    "DELETE FROM result_criteria WHERE digest = OLD.criteria_digest; "
    "DELETE FROM result_refresh WHERE criteria_digest = OLD.criteria_digest; END")


# Migration 12: a criteria text keyed by trial and patient (scoped_digest) goes when the
# last row of that trial and patient that references it goes, found through the trial's
# result sets (each a primary-key lookup): no index of every row by its text. That index
# took an entry at a random place for every row a night carried forward, and its pages,
# written again at every commit, were a fifth of an incremental night (10,000 patients x
# 20 trials: 12.3 s -> 9.9 s without it). Texts stored before (scoped = 0) may be shared
# by other patients' rows, which this check does not see: they are kept, never released
# by it. A row outside any result set (Store.save_results) keeps its text for good too.
RELEASE = (
    "CREATE TRIGGER IF NOT EXISTS results_release_criteria AFTER DELETE ON results "
    "WHEN OLD.criteria_digest IS NOT NULL AND NOT EXISTS (SELECT 1 FROM result_sets s "
    "JOIN results r ON r.run_id = s.run_id AND r.trial_id = s.trial_id "
    "AND r.patient_id = OLD.patient_id WHERE s.trial_id = OLD.trial_id "
    "AND r.criteria_digest = OLD.criteria_digest) BEGIN "
    "DELETE FROM result_refresh WHERE criteria_digest = OLD.criteria_digest AND EXISTS "
    "(SELECT 1 FROM result_criteria WHERE digest = OLD.criteria_digest AND scoped = 1); "
    "DELETE FROM result_criteria WHERE digest = OLD.criteria_digest AND scoped = 1; END")


def scope(db: Database) -> None:
    """Migration 12 (see RELEASE): result_criteria.scoped (0 for every text stored before),
    the index of rows by their text dropped, the trigger that releases a text replaced.
    Idempotent."""
    if "scoped" not in {r[1] for r in db.execute("PRAGMA table_info(result_criteria)")}:
        db.execute("ALTER TABLE result_criteria ADD COLUMN scoped INTEGER NOT NULL DEFAULT 0")
    db.execute("DROP TRIGGER IF EXISTS results_release_criteria")
    db.execute("DROP INDEX IF EXISTS results_criteria_digest")
    db.execute(RELEASE)


# The covering index of a candidates list row (result_tables re-exports it): kept here, below
# result_tables, because migration 11 rebuilds the table and must create the index again.
LIST_COLUMNS = ("run_id", "trial_id", "rank", "patient_id", "status", "score", "p_eligible",
                "met", "not_met", "unknown", "manual", "statuses", "outcomes", "why_kinds",
                "age", "sex")


def share(db: Database) -> None:
    """Migration 11 (see the module docstring): result_refresh, and results rebuilt (WITHOUT
    ROWID) with each row's refresh text moved there. Idempotent: a file whose version was
    rewound runs it again (a table already rebuilt is left as it is)."""
    # A rowid table: a night's new texts are appended in the order they come, and only
    # their small key entries go to random places (WITHOUT ROWID, keyed by a digest, every
    # ~700-byte row went to a random page: a full night wrote most pages of the table
    # again at every commit).
    db.execute("CREATE TABLE IF NOT EXISTS result_refresh (criteria_digest TEXT NOT NULL, "
               "digest TEXT NOT NULL, refresh_json TEXT NOT NULL, numbers BLOB, "
               "PRIMARY KEY (criteria_digest, digest))")
    table = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' "
                       "AND name = 'results'").fetchone()[0]
    rebuilt = "WITHOUT ROWID" in table.upper()
    db.execute("DROP TRIGGER IF EXISTS results_release_criteria")
    if rebuilt:
        db.execute(_RELEASE)
        return
    db.conn.create_function("matcher_refresh_digest", 1, _sql_refresh, deterministic=True)
    db.conn.create_function("matcher_refresh_numbers", 1, _sql_numbers, deterministic=True)
    names = [name for name, _ in _COLUMNS]
    db.execute("DROP TABLE IF EXISTS results_v11")
    db.execute(f"CREATE TABLE results_v11 ({', '.join(f'{n} {t}' for n, t in _COLUMNS)}, "
               "PRIMARY KEY (run_id, trial_id, patient_id)) WITHOUT ROWID")
    db.execute("INSERT OR IGNORE INTO result_refresh (criteria_digest, digest, refresh_json, "
               "numbers) SELECT criteria_digest, matcher_refresh_digest(refresh_json), "
               "refresh_json, matcher_refresh_numbers(refresh_json) FROM results "
               "WHERE refresh_json IS NOT NULL AND criteria_digest IS NOT NULL")
    taken = {"refresh_json": "matcher_refresh_digest(refresh_json)"}
    db.execute(f"INSERT INTO results_v11 ({', '.join(names)}) "
               f"SELECT {', '.join(taken.get(n, n) for n in names)} FROM results")
    db.execute("DROP TABLE results")
    db.execute("ALTER TABLE results_v11 RENAME TO results")
    db.execute(f"CREATE INDEX IF NOT EXISTS results_list ON results ({', '.join(LIST_COLUMNS)})")
    db.execute("CREATE INDEX IF NOT EXISTS results_criteria_digest "
               "ON results (criteria_digest)")
    db.execute(_RELEASE)


def _sql_refresh(text: str | None) -> str | None:
    return None if text is None else refresh_digest(text)


def _sql_numbers(text: str | None) -> bytes | None:
    return None if text is None else refresh_numbers(text)
