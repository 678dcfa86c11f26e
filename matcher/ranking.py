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
        if result.status is Status.MANUAL and not result.criterion.unread:
            continue  # checked by a person at screening (consent): not the engine's to decide
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
    # One pass over the results (this runs for every patient of every trial nightly).
    met = disease_met = unknown = countable = 0
    newest: dt.date | None = None
    for r in results:
        status_r = r.status
        criterion = r.criterion
        if status_r is Status.MET:
            if criterion.type == "inclusion":
                met += 1
                if criterion.kind in DISEASE_KINDS:
                    disease_met += 1
        elif status_r is Status.NOT_MET:
            if criterion.type == "exclusion":
                met += 1
        elif status_r is Status.UNKNOWN:
            unknown += 1
        if status_r is not Status.MANUAL:
            countable += 1
        for e in r.evidence:
            note_date = e.note_date
            if note_date and (newest is None or note_date > newest):
                newest = note_date
    countable = max(1, countable)
    recency = 0.0
    if newest is not None:
        newest_age = max(0, (as_of - newest).days)
        recency = 1.0 / (1.0 + newest_age / 30.0)
    strength = (met + 2 * disease_met - unknown) / (countable + 2 * len(DISEASE_KINDS))
    if status is PatientStatus.ELIGIBLE:
        band = 3
    elif status is PatientStatus.POSSIBLE:
        band = relevance(status, results)
    elif status is PatientStatus.INELIGIBLE:
        band = 0
    else:
        raise KeyError(status)
    # strength lies in [-1, 1]; shifted so that every score is positive.
    return round(band * 25 + 10 * (max(strength, -1.0) + 1) + recency, 4)


def rank_key(
    status: PatientStatus, tier: int, p_eligible: float, score: float, patient_id: str
) -> tuple:
    """Sort key of the ranking: status group, relevance tier, probability, score, id."""
    return (_GROUP_ORDER[status], -tier, -p_eligible, -score, patient_id)


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
        return rank_key(p.status, tier, probability.get(p.patient_id, 0.0), p.score, p.patient_id)

    ordered = sorted(results, key=key)
    return [
        PatientResult(p.patient_id, p.status, p.score, p.results, rank=i + 1)
        for i, p in enumerate(ordered)
    ]
