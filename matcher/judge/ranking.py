"""Patient status and ranking (GUIDELINE: Patient status, Ranking)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from matcher.judge.validity import plain
from matcher.model import (
    CriterionResult,
    Finding,
    NoteDates,
    Patient,
    PatientResult,
    PatientStatus,
    Status,
    Trial,
)
from matcher.nlp.vocab import Vocabulary

# Criteria about the disease itself (diagnosis, biopsy class, refractoriness)
# decide whether a "possible" patient is a strong candidate: an unknown CD19
# flow is routinely positive in lupus, an unknown biopsy class is not.
DISEASE_KINDS = frozenset({"diagnosis", "biopsy", "refractory"})
_GROUP_ORDER = {PatientStatus.ELIGIBLE: 0, PatientStatus.POSSIBLE: 1, PatientStatus.INELIGIBLE: 2}


@dataclass(frozen=True)
class Verdict:
    """A patient's status, and in a trial with cohorts the cohorts that give it."""

    status: PatientStatus
    cohorts: tuple[str, ...] = ()


def patient_status(results: Iterable[CriterionResult]) -> PatientStatus:
    return verdict(results).status


def verdict(results: Iterable[CriterionResult]) -> Verdict:
    """The patient's status over criteria and their groups (GUIDELINE: Patient status).

    A criterion in no group counts alone. An any-of group ("at least one of the
    following") holds when `at_least` members hold, fails when too few can still hold,
    and is otherwise undecided, which keeps the patient "possible": a member left manual
    may be the one that holds, so a group never fails on criteria the engine did not
    read, and holds only on members it did. In a trial with cohorts the patient is judged
    on the shared criteria plus each cohort's own, and gets the best of those statuses
    with the cohorts that give it ("Population 2"); none when ineligible for all."""
    results = list(results)
    cohorts = list(dict.fromkeys(
        c for r in results if r.criterion.cohort for c in r.criterion.cohort.cohorts
    ))  # fmt: skip
    if not cohorts:
        return Verdict(_status_of(results))
    by_cohort = {c: _status_of(in_cohort(results, (c,))) for c in cohorts}
    best = min(by_cohort.values(), key=_GROUP_ORDER.__getitem__)
    if best is PatientStatus.INELIGIBLE:
        return Verdict(best)
    return Verdict(best, tuple(c for c in cohorts if by_cohort[c] is best))


def in_cohort(results: Iterable[CriterionResult], cohorts: Sequence[str]) -> list[CriterionResult]:
    """The results that apply to a patient of these cohorts: the shared ones and theirs."""
    wanted = set(cohorts)
    return [r for r in results
            if r.criterion.cohort is None or wanted.intersection(r.criterion.cohort.cohorts)]


def _holds(result: CriterionResult) -> bool | None:
    """Does the criterion let the patient in (True), keep them out (False), or neither
    yet (None: unknown, or manual)?"""
    inclusion = result.criterion.type == "inclusion"
    if result.status is (Status.MET if inclusion else Status.NOT_MET):
        return True
    if result.status is (Status.NOT_MET if inclusion else Status.MET):
        return False
    return None


def _any_of(members: Sequence[CriterionResult]) -> bool | None:
    """An any-of group: True when at least `at_least` members hold, False when too few
    can still hold, None otherwise."""
    needed = members[0].criterion.any_of.at_least  # type: ignore[union-attr]
    holds = [_holds(m) for m in members]
    if holds.count(True) >= needed:
        return True
    if len(holds) - holds.count(False) < needed:
        return False
    return None


def _status_of(results: list[CriterionResult]) -> PatientStatus:
    groups: dict[int, list[CriterionResult]] = {}
    alone: list[CriterionResult] = []
    for result in results:
        any_of = result.criterion.any_of
        if any_of is None:
            alone.append(result)
        else:
            groups.setdefault(any_of.group, []).append(result)
    decided = [_any_of(members) for members in groups.values()]
    status = _status_alone(alone)
    if status is PatientStatus.INELIGIBLE or False in decided:
        return PatientStatus.INELIGIBLE
    if status is PatientStatus.POSSIBLE or None in decided:
        return PatientStatus.POSSIBLE
    return PatientStatus.ELIGIBLE


def _status_alone(results: list[CriterionResult]) -> PatientStatus:
    for result in results:
        inclusion = result.criterion.type == "inclusion"
        if inclusion and result.status is Status.NOT_MET:
            return PatientStatus.INELIGIBLE
        if not inclusion and result.status is Status.MET:
            return PatientStatus.INELIGIBLE
    for result in results:
        criterion = result.criterion
        if result.status is Status.MANUAL and not criterion.unread and criterion.cohort is None:
            # Checked by a person at screening (consent): not the engine's to decide. A
            # cohort's own item is not skipped: whether the patient belongs to the cohort
            # may turn on it ("Part A: referred for biopsy").
            continue
        wanted = Status.MET if result.criterion.type == "inclusion" else Status.NOT_MET
        if result.status is not wanted:
            return PatientStatus.POSSIBLE
    return PatientStatus.ELIGIBLE


def is_disease_criterion(result: CriterionResult) -> bool:
    criterion = result.criterion
    return criterion.type == "inclusion" and criterion.kind in DISEASE_KINDS


def relevance(
    status: PatientStatus, results: Iterable[CriterionResult], cohorts: Sequence[str] = ()
) -> int:
    """Graded relevance (GUIDELINE): eligible 3; possible with every disease criterion
    met 2; other possible 1; ineligible 0. In a trial with cohorts, the disease criteria
    are those of the cohorts the patient fits (`cohorts`, PatientResult.cohorts); a
    branch of an either/or is no disease criterion the patient must meet."""
    if status is PatientStatus.ELIGIBLE:
        return 3
    if status is PatientStatus.INELIGIBLE:
        return 0
    results = list(results)
    if any(r.criterion.cohort for r in results):
        results = in_cohort(results, cohorts) if cohorts else []
    disease = [r for r in results if is_disease_criterion(r) and r.criterion.any_of is None]
    if disease and all(r.status is Status.MET for r in disease):
        return 2
    return 1


def score(status: PatientStatus, results: tuple[CriterionResult, ...], as_of: dt.date) -> float:
    """Orders patients within a status group: more met (disease criteria weigh most),
    fewer unknown, more recent evidence. Range 0-100 per group band."""
    return score_at(*score_parts(status, results), as_of)


def score_at(base: float, newest: dt.date | None, as_of: dt.date) -> float:
    """The score from its as-of-free part and the newest evidence date: the recency term
    changes every day (evidence of 2026-11-01 weighs less on 12-08 than on 12-07), so an
    incremental night recomputes it for a carried-forward result from these two alone."""
    recency = 0.0
    if newest is not None:
        newest_age = max(0, (plain(as_of) - newest).days)
        recency = 1.0 / (1.0 + newest_age / 30.0)
    return round(base + recency, 4)


def score_parts(status: PatientStatus,
                results: tuple[CriterionResult, ...]) -> tuple[float, dt.date | None]:
    """(band and strength, newest evidence date): everything of the score but recency."""
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
    return band * 25 + 10 * (max(strength, -1.0) + 1), newest


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
        tier = relevance(p.status, p.results, p.cohorts)
        return rank_key(p.status, tier, probability.get(p.patient_id, 0.0), p.score, p.patient_id)

    ordered = sorted(results, key=key)
    return [replace(p, rank=i + 1) for i, p in enumerate(ordered)]


def judge_patient(
    trial: Trial,
    patient: Patient,
    findings: Iterable[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
    vocabulary: Vocabulary | None = None,
) -> PatientResult:
    """Timeline, every criterion, the verdict and the score: one patient, one trial, as of
    a date. Pure: the API, the engines and the eligibility model's training all call it.
    `vocabulary`: the run's (matcher.api.vocabulary; the packaged one by default)."""
    return judge_timeline(trial, patient_timeline(patient, findings, note_dates, as_of,
                                                  vocabulary))


def patient_timeline(patient: Patient, findings: Iterable[Finding],
                     note_dates: Mapping[str, dt.date], as_of: dt.date,
                     vocabulary: Vocabulary | None = None) -> Any:
    """The timeline judge_patient judges against (matcher.judge.timeline.Timeline): the same
    for every trial at one as-of, so a caller judging one patient against many trials
    builds it once and gives each trial `timeline.at(its own as-of)` (judge_timeline)."""
    findings = list(findings)
    # Only this patient's notes: copying every note's date per patient is quadratic. With
    # NoteDates, every note the patient has (a note with no finding is still a note written
    # in the lookback); with a plain dict, the notes of the findings.
    own_dates = {f.note_id: note_dates[f.note_id] for f in findings if f.note_id in note_dates}
    if isinstance(note_dates, NoteDates):
        own_dates.update(note_dates.of_patient(patient.patient_id))
    # Imported here: the web server reads stored rankings (rank, relevance) at start and
    # must not wait for the evaluator's criteria grammar to compile until it judges someone.
    from matcher.judge.timeline import build_timeline

    return build_timeline(patient, findings, own_dates, as_of, vocabulary=vocabulary)


def judge_timeline(trial: Trial, timeline: Any) -> PatientResult:
    """Every criterion, the verdict and the score of the timeline's patient at the
    timeline's as-of: judge_patient once the timeline is built."""
    from matcher.judge.evaluate import evaluate_all

    results = evaluate_all(trial.criteria, timeline)
    found = verdict(results)
    status = found.status
    return PatientResult(timeline.patient.patient_id, status,
                         score(status, results, timeline.as_of), results,
                         cohorts=found.cohorts)  # fmt: skip


# ------------------------------------------------------------------ stored rows and metrics
# One result row whatever the engine (embedded, Spark) and whoever stores it: the store
# saves what this builds, so the two engines compare byte for byte.


@dataclass(frozen=True)
class ResultRow:
    """One patient's result for one trial, as stored in `results` (rank set after all)."""

    trial_id: str
    patient_id: str
    status: str
    score: float
    relevance: int  # ranking tier (ranking.relevance): possible-with-disease-met first
    criteria_json: str
    p_eligible: float | None = None  # the eligibility model's probability, when there is one
    age: int | None = None  # completed years at as-of (demographics.patient_age)
    sex: str | None = None
    statuses: str = ""  # STATUS_CODES, one per criterion: "MMNUX"
    outcomes: str = ""  # OUTCOME_CODES, one per criterion: "PPPUC"
    why_json: str = "[]"  # [WhyChip.to_json(), ...] (judge.outcome.why_chips)
    cohorts_json: str = "[]"  # PatientResult.cohorts
    # Issue 17 (incremental nights): the first as-of on which the row may differ (ISO date;
    # None: never, as far as the as-of goes), and what recomputes its score and P(eligible)
    # at a later as-of without evaluating (None: a row that cannot be carried forward).
    holds_until: str | None = None
    refresh_json: str | None = None


def rank_order(rows: Iterable[tuple[str, str, int, float, float | None]]) -> list[str]:
    """Patient ids in rank order from (patient_id, status, relevance, score, p_eligible):
    the order of ranking.rank (with the eligibility model's probabilities when given)."""
    ordered = sorted(rows, key=lambda r: rank_key(PatientStatus(r[1]), r[2], r[4] or 0.0, r[3],
                                                  r[0]))
    return [r[0] for r in ordered]


def dcg(gains: Sequence[float]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked_gains: Sequence[float], k: int | None = None) -> float:
    ideal = sorted(ranked_gains, reverse=True)
    if k is not None:
        ranked_gains, ideal = ranked_gains[:k], ideal[:k]
    best = dcg(ideal)
    return dcg(ranked_gains) / best if best else 1.0
