"""What changed for one trial between two stored runs, read from the stored results only
(never evaluated again): each patient's status in both runs and, for a patient whose status
changed, the criteria whose status changed, old and new.

One function for the nightly report (matcher.jobs.nightly), the library's "what changed"
(matcher.api.run_changes) and so the web page and the digest: they cannot disagree on who
changed or why. Plain rows in and out; the criteria JSON is decoded only for the patients
whose status changed (a night where 12 of 100,000 patients changed decodes 12 rows).

Rows carry patient ids, statuses and the engine's reasons, which quote clinical values
(PHI): callers show them only to authenticated users, and the digest leaves the reasons out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

CANDIDATE_STATUSES = ("eligible", "possible")
STATUSES = ("eligible", "possible", "ineligible")


@dataclass
class TrialChanges:
    """One trial's comparison: `counts` by status this run, the current candidates, those
    who were not candidates before (`new_candidates`) and every patient whose status
    changed with the criteria that changed (`status_changes`). `compared_with_run` is None
    when the earlier run has no results for the trial (every candidate is new)."""

    counts: dict[str, int]
    compared_with_run: int | None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    new_candidates: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)


def trial_changes(store: Any, trial_id: str, run_id: int, previous_run_id: int | None,
                  texts: Mapping[str, str]) -> TrialChanges:
    """Run `run_id`'s results for `trial_id` against run `previous_run_id`'s (None: no
    earlier run). `texts`: each criterion id's text, shown beside the criterion."""
    compared = previous_run_id is not None and store.has_results(previous_run_id, trial_id)
    before = previous_run_id if compared else None
    found = compare_rows(reported_rows(store.db, run_id, before, trial_id), before, texts)
    found.counts = status_counts(store.db, run_id, trial_id)
    return found


def reported_rows(db: Any, run_id: int, previous_run_id: int | None,
                  trial_id: str) -> Iterator[dict[str, Any]]:
    """The rows compare_rows reports (candidates, and patients whose status changed), in
    rank order: each with its rank, status and score, the earlier run's status (None: no
    row there) and, where the status changed, both runs' criteria JSON. Both runs' statuses
    are read from the candidates list's covering index and compared here; a row's criteria
    texts are read only when its status changed. (A join of each row with the earlier
    run's took 1.2 s at 10,000 patients x 20 trials, most of the changes report of an
    incremental night; these two scans take a tenth of it.)"""
    before = dict(db.execute("SELECT patient_id, status FROM results WHERE run_id = ? "
                             "AND trial_id = ?", [previous_run_id, trial_id])
                  ) if previous_run_id is not None else {}
    for patient_id, rank, status, score in db.execute(
            "SELECT patient_id, rank, status, score FROM results WHERE run_id = ? "
            "AND trial_id = ? ORDER BY rank, patient_id", [run_id, trial_id]):
        previous = before.get(patient_id)
        changed = previous is not None and previous != status
        if status not in CANDIDATE_STATUSES and not changed:
            continue
        texts: tuple[str | None, str | None] = (None, None)
        if changed:
            texts = tuple(_criteria_text(db, run, trial_id, patient_id)  # type: ignore[assignment]
                          for run in (run_id, previous_run_id))
        yield {"patient_id": patient_id, "rank": rank, "status": status, "score": score,
               "previous_status": previous, "criteria_json": texts[0],
               "previous_criteria_json": texts[1]}


def _criteria_text(db: Any, run_id: int | None, trial_id: str, patient_id: str) -> str | None:
    row = db.execute("SELECT rc.criteria_json FROM results r JOIN result_criteria rc "
                     "ON rc.digest = r.criteria_digest WHERE r.run_id = ? AND r.trial_id = ? "
                     "AND r.patient_id = ?", [run_id, trial_id, patient_id]).fetchone()
    return row[0] if row else None


def status_counts(db: Any, run_id: int, trial_id: str) -> dict[str, int]:
    """A run's results for one trial by patient status (every status, 0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in db.execute("SELECT status, count(*) FROM results WHERE run_id = ? "
                                "AND trial_id = ? GROUP BY status", [run_id, trial_id]):
        counts[status] = n
    return counts


def compare_rows(rows: Iterable[Mapping[str, Any]], compared_with_run: int | None,
                 texts: Mapping[str, str]) -> TrialChanges:
    """TrialChanges of reported_rows / changed_rows rows (rank order)."""
    out = TrialChanges(counts=dict.fromkeys(STATUSES, 0), compared_with_run=compared_with_run)
    for r in rows:
        status, old_status = r["status"], r["previous_status"]
        out.counts[status] += 1
        row = {
            "patient_id": r["patient_id"],
            "rank": r["rank"],
            "status": status,
            "score": r["score"],
            "previous_status": old_status,
        }
        if status in CANDIDATE_STATUSES:
            out.candidates.append(row)
            if old_status is None or old_status not in CANDIDATE_STATUSES:
                out.new_candidates.append(row)
        if old_status is not None and old_status != status:
            changed = changed_criteria(r["previous_criteria_json"], r["criteria_json"], texts)
            out.status_changes.append({**row, "criteria": changed})
    return out


def changed_criteria(previous_json: str, current_json: str,
                     texts: Mapping[str, str]) -> list[dict[str, Any]]:
    """The criteria of a stored row (`criteria_json`) whose status differs from the earlier
    row's, in the trial's order; a criterion the earlier row lacks (a new protocol version
    added it) has previous_status None."""
    was = {c["id"]: c for c in json.loads(previous_json)}
    changed = []
    for c in json.loads(current_json):
        prior = was.get(c["id"])
        prior_status = prior["status"] if prior else None
        if prior_status != c["status"]:
            changed.append(
                {
                    "id": c["id"],
                    "key": c["key"],
                    "type": c["type"],
                    "text": texts.get(c["id"], ""),
                    "previous_status": prior_status,
                    "status": c["status"],
                    "reason": c["reason"],
                }
            )
    return changed


def changed_rows(db: Any, run_id: int, previous_run_id: int,
                 trial_id: str) -> list[dict[str, Any]]:
    """reported_rows' rows of the patients whose status differs from the earlier
    run's (or who have no row there), in rank order: the join and the filter run in SQLite,
    so a page over 100,000 unchanged patients builds no Python row for them."""
    names = ("patient_id", "rank", "status", "score", "previous_status", "criteria_json",
             "previous_criteria_json")
    return [dict(zip(names, values, strict=True)) for values in db.execute(
        "SELECT c.patient_id, c.rank, c.status, c.score, p.status, cc.criteria_json, "
        "pc.criteria_json FROM results c LEFT JOIN results p ON p.run_id = ? "
        "AND p.trial_id = c.trial_id AND p.patient_id = c.patient_id "
        "LEFT JOIN result_criteria cc ON cc.digest = c.criteria_digest "
        "LEFT JOIN result_criteria pc ON pc.digest = p.criteria_digest "
        "WHERE c.run_id = ? AND c.trial_id = ? AND (p.status IS NULL OR p.status != c.status) "
        "ORDER BY c.rank, c.patient_id", [previous_run_id, run_id, trial_id])]


def trials_of_run(db: Any, run_id: int) -> list[dict[str, Any]]:
    """The finished result sets of a run (trial id, protocol version, as-of, counts by
    status), by trial id."""
    return [{**row, "counts": json.loads(row.pop("counts_json") or "{}")} for row in db.query(
        "SELECT trial_id, protocol_version, as_of, counts_json FROM result_sets "
        "WHERE run_id = ? AND finished_at IS NOT NULL ORDER BY trial_id", [run_id])]


def vanished_candidates(db: Any, run_id: int, previous_run_id: int,
                        trial_id: str) -> list[dict[str, Any]]:
    """The earlier run's candidates of the trial that have no result in `run_id` at all (a
    patient removed from the data): they stopped being candidates too, and are said so
    rather than dropped."""
    marks = ", ".join("?" * len(CANDIDATE_STATUSES))
    return list(db.query(
        "SELECT p.patient_id, p.status AS previous_status FROM results p "
        "LEFT JOIN results c ON c.run_id = ? AND c.trial_id = p.trial_id "
        "AND c.patient_id = p.patient_id "
        f"WHERE p.run_id = ? AND p.trial_id = ? AND p.status IN ({marks}) "
        "AND c.patient_id IS NULL ORDER BY p.patient_id",
        [run_id, previous_run_id, trial_id, *CANDIDATE_STATUSES]))
