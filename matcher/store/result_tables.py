"""Stored results the pages read (store migration 5): every ranking computed (`matcher match`,
`matcher nightly`, the web app's as-of queue) is kept as a *result set*, one per (run, trial),
so that a page of 50 candidates out of 100,000 is one indexed query, never a re-ranking.

- `result_sets`: what a set was computed with and from: the trial's reading (`trial_digest`,
  `protocol_version`), the as-of date, the data version of the notes it read
  (`web_data_version.n` when it started), the NLP pipeline and eligibility model versions,
  when it started and finished, and its counts. A set without `finished_at` is being
  written (or was abandoned) and is never read.
- `results` gains the columns the candidates page filters and sorts on: P(eligible), the
  ranking tier, the per-status counts, one letter per criterion for its status and its
  outcome (`ranking.STATUS_CODES`, `ranking.OUTCOME_CODES`), the why chips and their kinds,
  age and sex at as-of, and `record_digest`: a digest of the patient's notes (ids, content
  hashes, parse versions) when the row was computed, so the patient page can tell that the
  notes changed since.
- `runs.kind`: `nightly` (NULL in rows written before this step), `match` or `web`.

Plain rows in and out: what a result means is the judging layer's (store never imports web).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

from sqlite_utils import Database

from matcher.store import criteria_payloads

RUN_KINDS = ("nightly", "match", "web")

_RESULT_COLUMNS = (
    ("p_eligible", "REAL"),
    ("relevance", "INTEGER"),
    ("met", "INTEGER"),
    ("not_met", "INTEGER"),
    ("unknown", "INTEGER"),
    ("manual", "INTEGER"),
    ("statuses", "TEXT"),
    ("outcomes", "TEXT"),
    ("why_json", "TEXT"),
    ("why_kinds", "TEXT"),  # ",fails,missing," : a LIKE '%,missing,%' filter
    ("cohorts_json", "TEXT"),
    ("age", "INTEGER"),
    ("sex", "TEXT"),
    ("record_digest", "TEXT"),
)

# The candidates list's columns, in the covering index's order (run and trial first, then
# rank: the default order is the index's own).
LIST_COLUMNS = criteria_payloads.LIST_COLUMNS

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS result_sets (
        run_id INTEGER NOT NULL REFERENCES runs (run_id),
        trial_id TEXT NOT NULL,
        trial_digest TEXT NOT NULL,
        protocol_version INTEGER,
        as_of TEXT NOT NULL,
        data_version INTEGER NOT NULL,
        pipeline_version TEXT,
        model_version TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        patients INTEGER,
        counts_json TEXT,
        PRIMARY KEY (run_id, trial_id)
    )""",
    "CREATE INDEX IF NOT EXISTS result_sets_lookup "
    "ON result_sets (trial_id, as_of, trial_digest, finished_at)",
    # Every column the list filters, sorts and shows but the JSON, in rank order: the list
    # as ranked is the index's own order, and a filter or a sort over 100,000 rows reads
    # this index (~100 bytes a row), never the rows themselves, whose criteria JSON is
    # kilobytes (a scan of them took seconds at 100k patients).
    f"CREATE INDEX IF NOT EXISTS results_list ON results ({', '.join(LIST_COLUMNS)})",
)


def create(db: Database) -> None:
    """Migration 5: the columns and the table above (idempotent)."""
    have = {r[1] for r in db.execute("PRAGMA table_info(results)").fetchall()}
    for name, kind in _RESULT_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE results ADD COLUMN {name} {kind}")
    if "kind" not in {r[1] for r in db.execute("PRAGMA table_info(runs)").fetchall()}:
        db.execute("ALTER TABLE runs ADD COLUMN kind TEXT")
    for statement in _SCHEMA:
        db.execute(statement)


def record_digests(db: Database, patient_ids: Sequence[str]) -> dict[str, str]:
    """Each patient's notes as a digest (note ids, content hashes, parse versions, in id
    order): equal digests, same notes read the same way. 16 hex digits; "" for no notes."""
    out: dict[str, Any] = {}  # patient id -> its running sha256
    for i in range(0, len(patient_ids), 900):
        chunk = list(patient_ids[i: i + 900])
        marks = ", ".join("?" * len(chunk))
        for pid, note_id, digest, version in db.execute(
            "SELECT patient_id, note_id, content_hash, parsed_version FROM notes "
            f"WHERE patient_id IN ({marks}) ORDER BY patient_id, note_id", chunk,
        ):
            h = out.get(pid)
            if h is None:
                h = out[pid] = hashlib.sha256()
            h.update(f"{note_id}\x1f{digest}\x1f{version or ''}\x1e".encode(
                "utf-8", "surrogatepass"))
    return {pid: (out[pid].hexdigest()[:16] if pid in out else "") for pid in patient_ids}


def begin_set(db: Database, run_id: int, trial_id: str, trial_digest: str,
              protocol_version: int | None, as_of: str, data_version: int,
              pipeline_version: str | None, model_version: str | None, at: str,
              evaluator_version: str | None = None) -> None:
    db.execute(
        "INSERT OR REPLACE INTO result_sets (run_id, trial_id, trial_digest, protocol_version, "
        "as_of, data_version, pipeline_version, model_version, started_at, evaluator_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, trial_id, trial_digest, protocol_version, as_of, data_version,
         pipeline_version, model_version, at, evaluator_version],
    )


def insert_rows(db: Database, run_id: int, as_of: str, rows: Sequence[Any],
                protocol_versions: Mapping[str, int | None],
                digests: Mapping[str, str],
                findings_versions: Mapping[str, int] | None = None) -> None:
    """judge.ranking.ResultRow rows (rank NULL: `finish_set` ranks them); with
    `findings_versions` (migration 8), each row's patient findings version."""
    versions = findings_versions or {}
    # The criteria texts go to their own table once each (migration 10; keyed by trial and
    # patient, migration 12), the refresh inputs once beside them (migration 11): the row
    # keeps their digests.
    criteria = criteria_payloads.store_set_texts(
        db, [(r.trial_id, r.patient_id, r.criteria_json) for r in rows])
    refresh = criteria_payloads.store_refresh(
        db, [(text_digest, r.refresh_json) for text_digest, r in zip(criteria, rows,
                                                                      strict=True)])
    db.conn.executemany(
        "INSERT OR REPLACE INTO results (run_id, trial_id, patient_id, as_of, status, score, "
        "rank, criteria_digest, protocol_version, p_eligible, relevance, met, not_met, "
        "unknown, manual, statuses, outcomes, why_json, why_kinds, cohorts_json, age, sex, "
        "record_digest, findings_version, holds_until, refresh_json) VALUES (?, ?, ?, ?, ?, "
        "?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, r.trial_id, r.patient_id, as_of, r.status, r.score, text_digest,
             protocol_versions.get(r.trial_id), r.p_eligible, r.relevance,
             r.statuses.count("M"), r.statuses.count("N"), r.statuses.count("U"),
             r.statuses.count("X"), r.statuses, r.outcomes, r.why_json, _kinds(r.why_json),
             r.cohorts_json, r.age, r.sex, digests.get(r.patient_id),
             versions.get(r.patient_id), r.holds_until, refresh_key)
            for r, text_digest, refresh_key in zip(rows, criteria, refresh, strict=True)
        ],
    )


def _kinds(why_json: str) -> str:
    kinds = sorted({chip["kind"] for chip in json.loads(why_json)})
    return "," + ",".join(kinds) + "," if kinds else ""


def finish_set(db: Database, run_id: int, trial_id: str, ordered: Iterable[str], at: str,
               statuses: Sequence[str], ranked: Container[str] = frozenset()) -> dict[str, int]:
    """Rank the set's rows (`ordered`: patient ids in rank order; `ranked`: patients whose
    rows were written with their rank already), record its counts and mark it finished;
    return the counts by patient status."""
    db.conn.executemany(
        "UPDATE results SET rank = ? WHERE run_id = ? AND trial_id = ? AND patient_id = ?",
        [(i + 1, run_id, trial_id, pid) for i, pid in enumerate(ordered) if pid not in ranked],
    )
    counts = dict.fromkeys(statuses, 0)
    for status, n in db.execute(
        "SELECT status, count(*) FROM results WHERE run_id = ? AND trial_id = ? GROUP BY status",
        [run_id, trial_id],
    ):
        counts[status] = n
    db.execute(
        "UPDATE result_sets SET finished_at = ?, patients = ?, counts_json = ? "
        "WHERE run_id = ? AND trial_id = ?",
        [at, sum(counts.values()), json.dumps(counts), run_id, trial_id],
    )
    return counts


def drop_superseded(db: Database, run_id: int, trial_id: str, as_of: str) -> int:
    """Older finished sets of the same trial and as-of date written by `matcher match` or the
    web app's queue (not the nightly job's: its next run compares with them): their rows go,
    the runs stay in the history. Returns the sets dropped."""
    old = [r[0] for r in db.execute(
        "SELECT s.run_id FROM result_sets s JOIN runs r ON r.run_id = s.run_id "
        "WHERE s.trial_id = ? AND s.as_of = ? AND s.run_id < ? AND s.finished_at IS NOT NULL "
        "AND r.kind IN ('match', 'web')",
        [trial_id, as_of, run_id],
    )]
    for old_run in old:
        db.execute("DELETE FROM results WHERE run_id = ? AND trial_id = ?", [old_run, trial_id])
        db.execute("DELETE FROM result_sets WHERE run_id = ? AND trial_id = ?",
                   [old_run, trial_id])
    return len(old)


def latest_set(db: Database, trial_id: str, as_of: str,
               trial_digest: str | None = None) -> dict[str, Any] | None:
    """The newest finished set of a trial at an as-of date (with `trial_digest`: computed
    with that reading of the trial), or None."""
    where = "trial_id = ? AND as_of = ? AND finished_at IS NOT NULL"
    params: list[Any] = [trial_id, as_of]
    if trial_digest is not None:
        where += " AND trial_digest = ?"
        params.append(trial_digest)
    rows = list(db.query(
        f"SELECT * FROM result_sets WHERE {where} ORDER BY finished_at DESC, run_id DESC "
        "LIMIT 1", params))
    if not rows:
        return None
    row = rows[0]
    return {**row, "counts": json.loads(row["counts_json"] or "{}")}
