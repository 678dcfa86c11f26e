"""A patient's findings from every note, on one timeline, as of a screening date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.model import Finding, Patient

LOOKBACK_DAYS = 90  # GUIDELINE: current-state findings count within 90 days of as-of


@dataclass(frozen=True)
class Timeline:
    patient: Patient
    as_of: dt.date
    findings: tuple[Finding, ...]
    note_dates: dict[str, dt.date] = field(default_factory=dict, compare=False, hash=False)
    note_types: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False)

    def of(self, *concepts: str, facts_only: bool = True) -> list[Finding]:
        """Findings of these concepts, oldest first; by default only the patient's own facts."""
        wanted = set(concepts)
        return [
            f
            for f in self.findings
            if f.concept in wanted and (f.is_patient_fact or not facts_only)
        ]

    def note_date(self, finding: Finding) -> dt.date | None:
        return self.note_dates.get(finding.note_id)


def build_timeline(
    patient: Patient,
    findings: Iterable[Finding],
    note_dates: dict[str, dt.date],
    as_of: dt.date,
    note_types: dict[str, str | None] | None = None,
) -> Timeline:
    """Keep what was written on or before as-of (GUIDELINE: later notes are ignored)."""
    kept = []
    for finding in findings:
        written = note_dates.get(finding.note_id)
        if written is None or written > as_of:
            continue
        if finding.date is not None and finding.date > as_of:
            # A date in the future of screening ("biopsy booked for 2027-01-10") is a plan.
            continue
        kept.append(finding)
    kept.sort(key=lambda f: (f.date or note_dates[f.note_id], note_dates[f.note_id], f.start))
    return Timeline(patient, as_of, tuple(kept), dict(note_dates), dict(note_types or {}))
