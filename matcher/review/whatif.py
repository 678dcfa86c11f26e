"""What an edit of a trial's criteria would change for the stored patients, before it is
saved: "3 patients move from eligible to ineligible".

Pure: it evaluates in-memory timelines (the patients, their findings and their notes' dates,
as the web app's dataset or `Store.all_findings_by_patient` already hold them) against the
trial as it is and as it would be, and counts who changes status. Nothing is read or
written; the caller audits the listing (the patient ids it shows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matcher.judge.ranking import judge_patient
from matcher.model import (
    Finding,
    NoteDates,
    Patient,
    PatientResult,
    PatientStatus,
    Status,
    Trial,
)
from matcher.nlp.vocab import Vocabulary

__all__ = ["Move", "WhatIf", "criterion_counts", "evaluate_patients", "what_if"]

CRITERION_STATUSES = tuple(str(s) for s in Status)  # met, not_met, unknown, manual
_STATUS_ORDER = {str(s): i for i, s in enumerate(PatientStatus)}  # eligible first


@dataclass(frozen=True)
class Move:
    """Patients whose status goes from `before` to `after` (never equal)."""

    before: str
    after: str
    patient_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.patient_ids)

    def sentence(self) -> str:
        """ "3 patients move from eligible to ineligible", "1 patient moves from ..."."""
        n = self.count
        noun, verb = ("patient", "moves") if n == 1 else ("patients", "move")
        return f"{n} {noun} {verb} from {self.before} to {self.after}"


@dataclass(frozen=True)
class WhatIf:
    """Every status transition with its patients, and how many keep their status."""

    moves: tuple[Move, ...]
    unchanged: int
    counts_before: Mapping[str, int]  # patients by status, as the trial is
    counts_after: Mapping[str, int]  # as it would be

    @property
    def moved(self) -> int:
        return sum(m.count for m in self.moves)

    def sentences(self) -> list[str]:
        """One sentence per transition, or "No patient changes status"."""
        return [m.sentence() for m in self.moves] or ["No patient changes status"]


def evaluate_patients(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, Sequence[Finding]],
    note_dates_by_patient: Mapping[str, Mapping[str, dt.date]],
    as_of: dt.date,
    vocabulary: Vocabulary | None = None,
) -> list[PatientResult]:
    """Every patient against `trial`, in the order given (unranked). Each patient's own
    notes' dates only: passing every note's date to every patient would be quadratic."""
    return [
        judge_patient(trial, p, findings_by_patient.get(p.patient_id, ()),
                      NoteDates.of_patient_notes(p.patient_id,
                                                 note_dates_by_patient.get(p.patient_id, {})),
                      as_of, vocabulary)
        for p in patients
    ]


def what_if(
    before: Trial,
    after: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, Sequence[Finding]],
    note_dates_by_patient: Mapping[str, Mapping[str, dt.date]],
    as_of: dt.date,
    vocabulary: Vocabulary | None = None,
    before_results: Sequence[PatientResult] | None = None,
) -> WhatIf:
    """The status transitions from `before` to `after` over `patients` as of `as_of`.
    `before_results`: the results of `before` already computed (the web app's cached
    ranking), so only `after` is evaluated."""
    if before_results is None:
        before_results = evaluate_patients(before, patients, findings_by_patient,
                                           note_dates_by_patient, as_of, vocabulary)
    was = {r.patient_id: str(r.status) for r in before_results}
    after_results = evaluate_patients(after, patients, findings_by_patient,
                                      note_dates_by_patient, as_of, vocabulary)
    moving: dict[tuple[str, str], list[str]] = {}
    unchanged = 0
    for result in after_results:
        old, new = was.get(result.patient_id), str(result.status)
        if old is None or old == new:
            unchanged += old is not None
            continue
        moving.setdefault((old, new), []).append(result.patient_id)
    moves = sorted(
        (Move(old, new, tuple(sorted(ids))) for (old, new), ids in moving.items()),
        key=lambda m: (-m.count, _STATUS_ORDER.get(m.before, 9), _STATUS_ORDER.get(m.after, 9)),
    )
    return WhatIf(tuple(moves), unchanged, _by_status(before_results),
                  _by_status(after_results))


def _by_status(results: Sequence[PatientResult]) -> dict[str, int]:
    counts = {str(s): 0 for s in PatientStatus}
    for r in results:
        counts[str(r.status)] += 1
    return counts


def criterion_counts(results: Sequence[PatientResult]) -> dict[str, dict[str, int]]:
    """criterion id -> how many patients it finds met / not_met / unknown / manual: what a
    criterion currently decides (the review page's counts, `trial review --counts`)."""
    counts: dict[str, dict[str, int]] = {}
    for result in results:
        for item in result.results:
            row = counts.setdefault(item.criterion.id, dict.fromkeys(CRITERION_STATUSES, 0))
            row[str(item.status)] += 1
    return counts
