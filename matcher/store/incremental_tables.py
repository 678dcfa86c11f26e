"""What a stored result depends on (store migration 8, issue 17: incremental nights).

- `patient_versions`: a counter per patient that SQLite triggers raise on every write to the
  patient's row, notes or findings (a note added, changed, re-parsed or deleted; a coded fact
  loaded or dropped, which is a note row; a birth date corrected). Triggers, not the writers:
  every path that writes (ingest, FHIR and OMOP loads, the parser, the web app, a site's own
  SQL) bumps it, and a writer added later cannot forget to. A patient without a row is at
  version 0.
- `results.findings_version`: the patient's version when the row was computed (read before
  the evaluation read the findings, so a write during the run makes it older, never newer:
  the next night re-evaluates).
- `results.holds_until`: the first as-of date on which the row may differ (NULL: it does
  not depend on the as-of), from matcher.judge.validity.
- `results.refresh_json`: the as-of-free parts of the score and of P(eligible), which the
  nightly job recomputes for a row it carries forward (NULL: never carried).
- `result_sets.evaluator_version`: a digest of the evaluator's code and vocabulary (a new
  matcher release re-evaluates everyone).

Plain rows in and out, as the other table modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlite_utils import Database

from matcher.errors import StoreError

_RESULT_COLUMNS = (
    ("findings_version", "INTEGER"),
    ("holds_until", "TEXT"),
    ("refresh_json", "TEXT"),
)

_BUMP = ("INSERT INTO patient_versions (patient_id, version) SELECT {who}.patient_id, 1 "
         "WHERE {when} ON CONFLICT (patient_id) DO UPDATE SET version = version + 1;")

# (table, event, [(whose version, when)]): an UPDATE bumps the new patient, and the old one
# too when they differ (a note moved from one patient to another changes both records).
_TRIGGERS = tuple(
    (table, event, bumps)
    for table in ("patients", "notes", "findings")
    for event, bumps in (
        ("INSERT", (("NEW", "1"),)),
        ("UPDATE", (("NEW", "1"), ("OLD", "OLD.patient_id IS NOT NEW.patient_id"))),
        ("DELETE", (("OLD", "1"),)),
    )
)


def create(db: Database) -> None:
    """Migration 8: the table, the triggers and the columns above (idempotent)."""
    db.execute("CREATE TABLE IF NOT EXISTS patient_versions ("
               "patient_id TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    for table, event, bumps in _TRIGGERS:
        body = " ".join(_BUMP.format(who=who, when=when) for who, when in bumps)
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_version "
                   f"AFTER {event} ON {table} BEGIN {body} END")
    have = {r[1] for r in db.execute("PRAGMA table_info(results)").fetchall()}
    for name, kind in _RESULT_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE results ADD COLUMN {name} {kind}")
    if "evaluator_version" not in {
            r[1] for r in db.execute("PRAGMA table_info(result_sets)").fetchall()}:
        db.execute("ALTER TABLE result_sets ADD COLUMN evaluator_version TEXT")


def patient_versions(db: Database) -> dict[str, int]:
    """Every patient's findings version (0: never written since migration 8)."""
    return dict(db.execute(
        "SELECT p.patient_id, COALESCE(v.version, 0) FROM patients p "
        "LEFT JOIN patient_versions v ON v.patient_id = p.patient_id").fetchall())


def last_nightly_set(db: Database, trial_id: str) -> dict[str, Any] | None:
    """The newest result set of `trial_id` written by a completed nightly run, or None."""
    rows = list(db.query(
        "SELECT s.* FROM result_sets s JOIN runs r ON r.run_id = s.run_id "
        "WHERE s.trial_id = ? AND s.finished_at IS NOT NULL AND r.status = 'completed' "
        "AND (r.kind IS NULL OR r.kind = 'nightly') ORDER BY s.run_id DESC LIMIT 1",
        [trial_id]))
    return rows[0] if rows else None


# What tonight does with each patient of a trial whose earlier set can be built on.
FINDINGS, EXPIRED, CARRY = "findings", "expired", "carry"


def classify(db: Database, run_id: int, trial_id: str, as_of: str,
             versions: dict[str, int]) -> dict[str, list[str]]:
    """Each current patient of `trial_id` against the rows of set (`run_id`, `trial_id`):
    FINDINGS (no row that can be carried: a new patient, a row from before migration 8, or
    a findings version other than `versions`' now), EXPIRED (holds_until <= `as_of`), or
    CARRY. Patient ids in id order per outcome."""
    stored = {pid: (version, until, refresh) for pid, version, until, refresh in db.execute(
        "SELECT patient_id, findings_version, holds_until, refresh_json IS NOT NULL "
        "FROM results WHERE run_id = ? AND trial_id = ?", [run_id, trial_id])}
    out: dict[str, list[str]] = {FINDINGS: [], EXPIRED: [], CARRY: []}
    for pid in sorted(versions):
        row = stored.get(pid)
        if row is None or row[0] is None or not row[2] or row[0] != versions[pid]:
            out[FINDINGS].append(pid)
        elif row[1] is not None and row[1] <= as_of:
            out[EXPIRED].append(pid)
        else:
            out[CARRY].append(pid)
    return out


# The columns of a carried-forward row: (column, what it takes): the earlier row's own
# ("r.<column>") or tonight's (a parameter, or the score and P computed for tonight). The
# same columns result_tables.insert_rows writes for an evaluated row, so a carried row is
# the row a full evaluation would store.
_CARRY = (
    ("run_id", ":run_id"), ("trial_id", "r.trial_id"), ("patient_id", "r.patient_id"),
    ("as_of", ":as_of"), ("status", "r.status"), ("score", "c.score"), ("rank", "c.rank"),
    ("criteria_digest", "r.criteria_digest"), ("protocol_version", ":protocol_version"),
    ("p_eligible", "c.p_eligible"), ("relevance", "r.relevance"), ("met", "r.met"),
    ("not_met", "r.not_met"), ("unknown", "r.unknown"), ("manual", "r.manual"),
    ("statuses", "r.statuses"), ("outcomes", "r.outcomes"), ("why_json", "r.why_json"),
    ("why_kinds", "r.why_kinds"), ("cohorts_json", "r.cohorts_json"), ("age", "r.age"),
    ("sex", "r.sex"),
    # Same findings version (classify's CARRY), so the same notes: the digest of them and
    # the version are the earlier row's.
    ("record_digest", "r.record_digest"), ("findings_version", "r.findings_version"),
    # The criteria text and the refresh inputs are the earlier row's, by their digests
    # (criteria_payloads, migrations 10 and 11): never read nor written again.
    ("holds_until", "r.holds_until"), ("refresh_json", "r.refresh_json"),
)

# Per carried patient of a batch: tonight's score, P(eligible) and rank. A temp table (this
# connection only, never in the database file), so the rows are copied by one INSERT ...
# SELECT. A copied row references the earlier row's criteria text (criteria_payloads): the
# ~4.5 KB of JSON is neither read nor written again.
_CARRIED = "carried_results"


def carried_keys(db: Database, kept_run_id: int, trial_id: str, patient_ids: Sequence[str],
                 refresh: Callable[[Sequence[str | bytes]],
                                   Sequence[tuple[float, float | None]]],
                 batch: int) -> Iterator[tuple[str, str, int, float, float | None]]:
    """The ranking key (patient id, status, relevance, score, P(eligible)) of each row of
    `patient_ids` (classify's CARRY) in set (`kept_run_id`, `trial_id`), with tonight's
    score and P: `refresh` maps the rows' refresh inputs (their numbers as float64 bytes,
    criteria_payloads.refresh_numbers, else their refresh_json text), `batch` at a time
    and in order, to (score, P). Reads only: the ranking needs every row's key before a
    carried row is written with its rank (copy_carried)."""
    wanted = set(patient_ids)
    # The refresh inputs by their key (migration 11: kept beside the criteria text, not in
    # the row), looked up in key order: neighbouring lookups read neighbouring pages of
    # result_refresh (in patient order each read a page of its own, ~60 us a row).
    # (MATERIALIZED: the set's rows put in key order first, then looked up in that order;
    # an ORDER BY on the join would sort after the lookups.)
    cursor = db.execute(
        "WITH r AS MATERIALIZED (SELECT patient_id, status, relevance, criteria_digest, "
        "refresh_json FROM results WHERE run_id = ? AND trial_id = ? "
        "ORDER BY criteria_digest, refresh_json) "
        "SELECT r.patient_id, r.status, r.relevance, coalesce(rf.numbers, rf.refresh_json) "
        "FROM r LEFT JOIN result_refresh rf ON rf.criteria_digest = r.criteria_digest "
        "AND rf.digest = r.refresh_json", [kept_run_id, trial_id])
    found = 0
    while chunk := cursor.fetchmany(batch):
        kept = [row for row in chunk if row[0] in wanted]
        found += len(kept)
        numbers = refresh([row[3] for row in kept])
        yield from ((pid, status, relevance, score, p) for (pid, status, relevance, _), (
            score, p) in zip(kept, numbers, strict=True))
    if found != len(wanted):
        raise _not_stored(len(wanted) - found, kept_run_id, trial_id)


def _not_stored(missing: int, kept_run_id: int, trial_id: str) -> StoreError:
    # Deleted since classify read them (a site's own SQL): the run stops unfinished, and
    # the next one, not finding them, evaluates those patients.
    return StoreError(f"{missing} result(s) to carry forward are no longer stored",
                      field="results", received=f"run {kept_run_id}, trial {trial_id}",
                      expected="the rows of the earlier nightly set")


def copy_carried(db: Database, run_id: int, kept_run_id: int, trial_id: str, as_of: str,
                 protocol_version: int | None,
                 ranked: Sequence[tuple[str, float, float | None, int]]) -> None:
    """Copy the rows of set (`kept_run_id`, `trial_id`) of `ranked`'s patients into set
    (`run_id`, `trial_id`) at `as_of`, each with its (patient id, score, P(eligible), rank)
    of tonight: the row a full evaluation would store, ranked (written once: a rank set
    afterwards would rewrite every row). Inside the caller's transaction."""
    db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_CARRIED} ("
               "patient_id TEXT PRIMARY KEY, score REAL, p_eligible REAL, rank INTEGER)")
    db.execute(f"DELETE FROM temp.{_CARRIED}")
    db.conn.executemany(f"INSERT INTO temp.{_CARRIED} (patient_id, score, p_eligible, rank) "
                        "VALUES (?, ?, ?, ?)", ranked)
    copied = db.conn.execute(
        f"INSERT OR REPLACE INTO results ({', '.join(c for c, _ in _CARRY)}) "
        f"SELECT {', '.join(v for _, v in _CARRY)} FROM temp.{_CARRIED} c JOIN results r "
        "ON r.run_id = :kept AND r.trial_id = :trial_id AND r.patient_id = c.patient_id",
        {"run_id": run_id, "as_of": as_of, "protocol_version": protocol_version,
         "kept": kept_run_id, "trial_id": trial_id}).rowcount
    db.execute(f"DELETE FROM temp.{_CARRIED}")
    if copied != len(ranked):
        raise _not_stored(len(ranked) - copied, kept_run_id, trial_id)
