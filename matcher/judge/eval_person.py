"""Decides the person's own criteria: age (completed years at the as-of date, from the date of
birth) and sex. Example: "aged 18 to 75" for a patient born 2010-12-01 is not met on
2026-11-20 (15 years), and with no date of birth it is unknown.
"""

from __future__ import annotations

import datetime as dt

from matcher.judge.demographics import completed_months, completed_years
from matcher.judge.eval_common import (
    _latest,
    _result,
    _unknown,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)


def _age(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    low = criterion.params.get("min_years")
    high = criterion.params.get("max_years")

    def inside(years: int) -> bool:
        return (low is None or years >= low) and (high is None or years <= high)

    birth = timeline.patient.birth_date
    evidence: list[Finding] = []
    if birth is None:
        stated = timeline.of("demographic.birth_date")
        if stated:
            latest = _latest(stated, timeline)
            birth = dt.date.fromisoformat(str(latest.value))
            evidence = [latest]
    elif stated := timeline.of("demographic.birth_date", "demographic.age"):
        # A structured birth date decides; the note's own mention is shown beside it.
        evidence = [_latest(stated, timeline)]
    in_months = (criterion.params.get("min_months") is not None
                 or criterion.params.get("max_months") is not None)  # fmt: skip
    if birth is not None and in_months:
        # "6-36 months": the age in completed months decides.
        low_m, high_m = criterion.params.get("min_months"), criterion.params.get("max_months")
        months = completed_months(birth, timeline.as_of)
        inside_m = (low_m is None or months >= low_m) and (high_m is None or months <= high_m)
        structured = timeline.patient.birth_date is not None
        source = "structured birth date" if structured else "date of birth in the note"
        return _result(
            criterion,
            Status.MET if inside_m else Status.NOT_MET,
            f"age {months} months at the as-of date ({source} {birth})",
            evidence,
            timeline,
        )
    if in_months:
        # A stated age in years cannot place a child within a limit in months.
        return _unknown(criterion, UnknownCause.AMBIGUOUS if timeline.of("demographic.age")
                        else UnknownCause.ABSENT,
                        "an age limit in months needs a birth date")  # fmt: skip
    if birth is not None:
        years = completed_years(birth, timeline.as_of)
        status = Status.MET if inside(years) else Status.NOT_MET
        structured = timeline.patient.birth_date is not None
        source = "structured birth date" if structured else "date of birth in the note"
        return _result(
            criterion,
            status,
            # "at the as-of date", not the date itself: the result carries its as-of, and
            # a reason naming the day would change every day (issue 17: a result whose
            # words change daily can never be carried forward to the next night).
            f"age {years} at the as-of date ({source} {birth})",
            evidence,
            timeline,
        )
    ages = timeline.of("demographic.age")
    if not ages:
        return _unknown(criterion, UnknownCause.ABSENT, "no birth date or stated age documented")
    latest = max(ages, key=lambda f: (timeline.note_date(f), f.start))
    written = timeline.note_date(latest) or timeline.as_of
    elapsed = completed_years(written, timeline.as_of)
    youngest = int(latest.value) + elapsed
    oldest = youngest + 1
    if inside(youngest) and inside(oldest):
        status = Status.MET
    elif not inside(youngest) and not inside(oldest):
        status = Status.NOT_MET
    else:
        status = Status.UNKNOWN
    reason = (
        f"stated age {int(latest.value)} on {written}; at the as-of date the age is "
        f"{youngest} or {oldest}"
    )
    if status is Status.UNKNOWN:
        reason += "; a birth date is needed to decide"
        return _unknown(criterion, UnknownCause.AMBIGUOUS, reason)
    return _result(criterion, status, reason, [latest], timeline)




def _sex(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    wanted = str(criterion.params.get("sex", "")).lower()[:1]
    sex = (timeline.patient.sex or "").lower()[:1]
    if not sex:
        return _unknown(criterion, UnknownCause.ABSENT, "sex not recorded")
    status = Status.MET if sex == wanted else Status.NOT_MET
    return _result(criterion, status, f"recorded sex {timeline.patient.sex}")
