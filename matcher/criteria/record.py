"""A trial's registry record as read from a file: the contract between reading a registry
(matcher.criteria.registry) and reading its criteria (matcher.criteria.reader), below both."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryRecord:
    trial_id: str
    title: str
    eligibility_text: str
    min_age_years: float | None
    max_age_years: float | None
    sex: str | None  # "all" | "female" | "male" | None (not stated)
    source: str
