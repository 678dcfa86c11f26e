"""Decides dose criteria: a daily dose held over a duration (prednisone-equivalent for
steroids, scaled by a recent weight) and a cumulative dose over courses. Example:
"prednisone > 20 mg/day for more than 4 weeks" is met by prednisone 40 mg daily from
2026-08-01 to 2026-10-15, and a cyclophosphamide cumulative dose counts every course's
total.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.judge.eval_common import (
    _OPS,
    _fmt,
    _label,
    _result,
    _unknown,
)
from matcher.judge.eval_drugs import (
    _daily_dose,
    _exposure_span,
    _last_exposure,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.doses import grams


def _dose_exposure(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A drug above or below a dose: any exposure overlapping the window, or the current
    (latest) one when there is no window. A dose that cannot be read makes the criterion
    unknown, never met."""
    params = criterion.params
    names = ", ".join(sorted({_label(timeline.vocabulary, d) for d in params.get("drugs", [])}))
    if params.get("cumulative"):
        return _cumulative_dose(criterion, timeline, names)
    window = params.get("window_days")
    as_of = timeline.as_of
    first_day = as_of - dt.timedelta(days=window if window is not None else LOOKBACK_DAYS)
    courses = []
    for finding in timeline.of(*params.get("drugs", [])):
        start, end, closed = _exposure_span(finding, timeline)
        if end >= first_day and start <= as_of:
            courses.append((finding, start, end, closed))
    if params.get("conditional") and window is None:
        # "If on glucocorticoids, ≤ 10 mg/day": a course already ended is not taken now.
        courses = [c for c in courses if not (c[3] and c[2] < as_of)]
    if not courses:
        reason = f"no {names} exposure documented in the window"
        if params.get("conditional"):
            return _result(criterion, Status.MET,
                           f"{reason}: the condition does not apply; confirm at screening")
        if criterion.type == "exclusion":
            return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
        return _unknown(criterion, UnknownCause.ABSENT, reason)
    if window is None:
        # The current dose: the course documented last.
        courses = [max(courses, key=lambda c: (c[2], c[1], c[0].start))]
    op, limit = params["dose_op"], float(params["dose_value"])
    minimum = params.get("min_duration_days")
    verdicts: list[tuple[bool | None, str, list[Finding]]] = []
    for finding, start, end, closed in courses:
        dose, how, weight = _daily_dose(finding, params, timeline)
        evidence = [finding] + ([weight] if weight is not None else [])
        if dose is None:
            verdicts.append((None, how, []))
            continue
        ok = _OPS[op](dose, limit)
        reason = f"{finding.text} {how} = {_fmt(dose)} {params['dose_unit']} from {start}"
        if ok and minimum:
            days = (min(end, as_of) - max(start, first_day)).days + 1
            enough = days > minimum if params.get("duration_strict") else days >= minimum
            if not enough:
                verdicts.append(
                    (False if closed else None,
                     f"{reason}: {days} days in the window "
                     + ("(ended)" if closed else "documented; how long it went on is not known"),
                     evidence)
                )  # fmt: skip
                continue
        verdicts.append((ok, f"{reason} (needs {op} {_fmt(limit)})", evidence))
    reasons = "; ".join(v[1] for v in verdicts)
    if any(v[0] is True for v in verdicts):
        evidence = [f for v in verdicts if v[0] is True for f in v[2]]
        if params.get("stable"):
            # "A stable dose of prednisone ≤ 10 mg/day": within the limit now; whether it
            # stayed the same is not in the notes.
            return _unknown(criterion, UnknownCause.AMBIGUOUS,
                            f"{reasons}; was the dose stable? A person checks")  # fmt: skip
        return _result(criterion, Status.MET, reasons, evidence, timeline)
    if all(v[0] is False for v in verdicts):
        evidence = [f for v in verdicts for f in v[2]]
        return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
    # A course is documented; its dose or how long it went on is not.
    return _unknown(criterion, UnknownCause.AMBIGUOUS, reasons)


def _course_total(finding: Finding) -> float | None:
    """Grams given in the course a finding documents: a stated cumulative dose, or a dose
    times its count ("500 mg x 6" = 3 g)."""
    total = finding.attrs.get("cumulative_dose")
    if total:
        return grams(float(total["amount"]), str(total["unit"]))
    dose, count = finding.attrs.get("dose"), finding.attrs.get("dose_count")
    if dose and count and not dose.get("basis"):
        return grams(float(dose["amount"]) * int(count), str(dose["unit"]))
    return None


def _cumulative_dose(criterion: Criterion, timeline: Timeline, names: str) -> CriterionResult:
    params = criterion.params
    window = params.get("window_days")
    exposures = [
        f
        for f in timeline.of(*params.get("drugs", []))
        if window is None or (timeline.as_of - _last_exposure(f, timeline)).days <= window
    ]
    if not exposures:
        reason = f"no {names} exposure documented"
        if criterion.type == "exclusion":
            return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
        return _unknown(criterion, UnknownCause.ABSENT, reason)
    stated = [f for f in exposures if f.attrs.get("cumulative_dose")]
    courses: dict[tuple[Any, float], Finding] = {}
    unread = []
    for finding in exposures:
        total = _course_total(finding)
        if total is None:
            unread.append(finding)
        elif finding not in stated:
            # The same course is often copied into several notes: counted once per start.
            courses.setdefault((finding.attrs.get("start_date"), total), finding)
    summed = sum(k[1] for k in courses)
    best_stated = max((_course_total(f) or 0.0 for f in stated), default=0.0)
    best = max(summed, best_stated)
    evidence = list(courses.values()) + stated
    op, limit = params["dose_op"], float(params["dose_value"])
    holds = _OPS[op](best, limit)
    reason = f"documented cumulative {names} {_fmt(best)} g (needs {op} {_fmt(limit)} g)"
    if holds and op in (">", ">="):
        return _result(criterion, Status.MET, reason, evidence, timeline)
    if unread:
        return _unknown(
            criterion,
            UnknownCause.AMBIGUOUS,
            f"{reason}; {len(unread)} course(s) with no readable total dose",
        )
    status = Status.MET if holds else Status.NOT_MET
    return _result(criterion, status, reason, evidence, timeline)
