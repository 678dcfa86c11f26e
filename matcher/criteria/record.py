"""A trial's registry record as read from a file: the contract between reading a registry
(matcher.criteria.registry) and reading its criteria (matcher.criteria.reader), below both."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegistryRecord:
    trial_id: str
    title: str
    eligibility_text: str
    min_age_years: float | None
    max_age_years: float | None
    sex: str | None  # "all" | "female" | "male" | None (not stated)
    source: str
    # What a site's portfolio keeps of each trial (issue 17), None / empty when the record
    # does not say. `status` is the registry's recruitment status in CT.gov's spelling
    # ("RECRUITING", "COMPLETED"; "Status: Recruiting" in a page becomes "RECRUITING");
    # `phase` as the registry writes it ("PHASE3", "PHASE1, PHASE2", "Phase 3");
    # `sites` one "facility, city, country" each; `last_update` an ISO date.
    status: str | None = None
    phase: str | None = None
    conditions: tuple[str, ...] = field(default=())
    sites: tuple[str, ...] = field(default=())
    last_update: str | None = None
