"""Patient status and ranking (GUIDELINE: Patient status, Ranking)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from matcher.model import CriterionResult, PatientResult, PatientStatus, Status

# Criteria about the disease itself (diagnosis, biopsy class, refractoriness)
# decide whether a "possible" patient is a strong candidate: an unknown CD19
# flow is routinely positive in lupus, an unknown biopsy class is not.
DISEASE_KINDS = frozenset({"diagnosis", "biopsy", "refractory"})
_GROUP_ORDER = {PatientStatus.ELIGIBLE: 0, PatientStatus.POSSIBLE: 1, PatientStatus.INELIGIBLE: 2}


def patient_status(results: Iterable[CriterionResult]) -> PatientStatus:
    results = list(results)
    for result in results:
        inclusion = result.criterion.type == "inclusion"
        if inclusion and result.status is Status.NOT_MET:
            return PatientStatus.INELIGIBLE
        if not inclusion and result.status is Status.MET:
            return PatientStatus.INELIGIBLE
    for result in results:
        if result.status is Status.MANUAL:
            continue
        wanted = Status.MET if result.criterion.type == "inclusion" else Status.NOT_MET
        if result.status is not wanted:
            return PatientStatus.POSSIBLE
    return PatientStatus.ELIGIBLE


def is_disease_criterion(result: CriterionResult) -> bool:
    criterion = result.criterion
    return criterion.type == "inclusion" and criterion.kind in DISEASE_KINDS


def relevance(status: PatientStatus, results: Iterable[CriterionResult]) -> int:
    """Graded relevance (GUIDELINE): eligible 3; possible with every disease criterion
    met 2; other possible 1; ineligible 0."""
    if status is PatientStatus.ELIGIBLE:
        return 3
    if status is PatientStatus.INELIGIBLE:
        return 0
    disease = [r for r in results if is_disease_criterion(r)]
    if disease and all(r.status is Status.MET for r in disease):
        return 2
    return 1


def score(status: PatientStatus, results: tuple[CriterionResult, ...], as_of: dt.date) -> float:
    """Orders patients within a status group: more met (disease criteria weigh most),
    fewer unknown, more recent evidence. Range 0-100 per group band."""
    met = sum(1 for r in results if r.status is Status.MET and r.criterion.type == "inclusion")
    met += sum(1 for r in results if r.status is Status.NOT_MET and r.criterion.type == "exclusion")
    disease_met = sum(1 for r in results if is_disease_criterion(r) and r.status is Status.MET)
    unknown = sum(1 for r in results if r.status is Status.UNKNOWN)
    countable = max(1, sum(1 for r in results if r.status is not Status.MANUAL))
    dates = [e.note_date for r in results for e in r.evidence if e.note_date]
    recency = 0.0
    if dates:
        newest_age = max(0, (as_of - max(dates)).days)
        recency = 1.0 / (1.0 + newest_age / 30.0)
    strength = (met + 2 * disease_met - unknown) / (countable + 2 * len(DISEASE_KINDS))
    band = {
        PatientStatus.ELIGIBLE: 3,
        PatientStatus.POSSIBLE: relevance(status, results),
        PatientStatus.INELIGIBLE: 0,
    }[status]
    # strength lies in [-1, 1]; shifted so that every score is positive.
    return round(band * 25 + 10 * (max(strength, -1.0) + 1) + recency, 4)


def rank(
    results: list[PatientResult], p_eligible: Mapping[str, float] | None = None
) -> list[PatientResult]:
    """Status group first (eligible, possible, ineligible). Within a group, the relevance
    tier (possible with every disease criterion met before other possible), then, when
    the eligibility model's probabilities are given, the more probable patient, then the
    score. Without probabilities this is the order of the score alone (the score's band
    is the tier)."""
    probability = p_eligible or {}

    def key(p: PatientResult) -> tuple:
        tier = relevance(p.status, p.results)
        return (_GROUP_ORDER[p.status], -tier, -probability.get(p.patient_id, 0.0), -p.score,
                p.patient_id)

    ordered = sorted(results, key=key)
    return [
        PatientResult(p.patient_id, p.status, p.score, p.results, rank=i + 1)
        for i, p in enumerate(ordered)
    ]
