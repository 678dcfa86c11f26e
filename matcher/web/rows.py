"""One row of the candidates list, as the templates, the CSV export and the filters read it
(built from a stored result row by matcher.web.stored, or from the in-memory ranking the
review pages use, matcher.web.service)."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.judge.outcome import Outcome, WhyChip


@dataclass(frozen=True)
class Row:
    rank: int
    patient_id: str
    status: str
    score: float
    met: int
    not_met: int
    unknown: int
    manual: int
    statuses: tuple[str, ...]  # one per trial criterion, in the trial's order
    age: int | None
    sex: str | None
    p: float | None = None  # the eligibility model's probability, when there is a model
    # Read from the stored row (matcher.web.stored): one Outcome per criterion, the chips.
    outcomes: tuple[Outcome, ...] = ()
    why: tuple[WhyChip, ...] = ()
