"""Decides disease-timing criteria: how long ago a condition was diagnosed, or at what age it
began. Any dated mention shows the disease existed then; only an explicit diagnosis date
shows it did not exist before. Example: "SLE for at least 6 months" is met by an SLE mention
dated 2024-03-01, and unknown (absent) when SLE is not documented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from matcher.judge.eval_common import (
    _OPS,
    _fmt,
    _latest,
    _prepared,
    _result,
    _unknown,
    _when,
)
from matcher.judge.eval_diagnosis import _diagnosis_concepts
from matcher.judge.timeline import Timeline
from matcher.model import (
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.dates import completed_years


def _and3(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _diagnosis_timing(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """How long ago the disease was diagnosed, or at what age it began. Any mention dated
    N days back shows the disease existed then; only an explicit diagnosis date ("diagnosed
    in March 2021") shows it did not exist before."""
    params = criterion.params
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    mentions = timeline.of(*concepts)
    if not mentions:
        return _unknown(criterion, UnknownCause.ABSENT, f"{names} not documented")
    as_of = timeline.as_of
    earliest = min(mentions, key=lambda f: (_when(f, timeline), f.start))
    first_seen = _when(earliest, timeline)
    dated = [f for f in mentions if f.attrs.get("diagnosed") and f.date_source == "text"]
    diagnosis = min(dated, key=lambda f: _when(f, timeline), default=None)
    diagnosed_on = _when(diagnosis, timeline) if diagnosis is not None else None
    if diagnosed_on is not None and diagnosed_on > first_seen:
        diagnosed_on = None  # mentioned before the "diagnosis": that date is not the first
    parts: list[tuple[bool | None, str]] = []
    strict = bool(params.get("duration_strict"))
    seen_days = (as_of - first_seen).days
    for name, at_least in (("min_duration_days", True), ("max_duration_days", False)):
        if params.get(name) is None:
            continue
        bound = int(params[name])
        # Beyond the bound: a minimum is met, a maximum broken, by any dated mention.
        beyond = seen_days > bound or (seen_days == bound and strict != at_least)
        if beyond:
            # Bounds, not day counts: a count would change the reason every night.
            than = "more than" if seen_days > bound else "exactly"
            parts.append((at_least, f"{names} documented on {first_seen}, {than} {bound} "
                                    "days before screening"))  # fmt: skip
        elif diagnosed_on is not None:
            parts.append((not at_least, f"{names} diagnosed on {diagnosed_on}, within "
                                        f"{bound} days before screening"))  # fmt: skip
        else:
            parts.append((None, f"{names} first documented on {first_seen}; the diagnosis "
                                "date is not documented"))  # fmt: skip
    if params.get("onset_op") is not None:
        parts.append(_onset_part(params, mentions, earliest, diagnosed_on, timeline))
    truth = _and3(p[0] for p in parts)
    reasons = "; ".join(p[1] for p in parts)
    evidence = [diagnosis or earliest]
    if truth is None:
        # The disease is documented; when it began (or at what age) is not.
        return _unknown(criterion, UnknownCause.UNDATED, reasons)
    return _result(criterion, Status.MET if truth else Status.NOT_MET, reasons, evidence,
                   timeline)  # fmt: skip


def _onset_part(
    params: dict[str, Any],
    mentions: list[Finding],
    earliest: Finding,
    diagnosed_on: dt.date | None,
    timeline: Timeline,
) -> tuple[bool | None, str]:
    op, limit = params["onset_op"], float(params["onset_age_years"])
    stated = [float(f.attrs["onset_age"]) for f in mentions if "onset_age" in f.attrs]
    if stated:
        age = min(stated)
        return _OPS[op](age, limit), f"onset at age {_fmt(age)} (needs {op} {_fmt(limit)})"
    birth = timeline.patient.birth_date
    if birth is None:
        born = timeline.of("demographic.birth_date")
        birth = dt.date.fromisoformat(str(_latest(born, timeline).value)) if born else None
    if birth is None:
        return None, "no birth date to place the onset age"
    first_seen = _when(earliest, timeline)
    age_seen = completed_years(birth, first_seen)
    # The disease began no later than its first mention: an age then below an upper
    # bound decides; above a lower bound it does not (it may have begun earlier).
    seen = f"documented on {first_seen} at age {age_seen} (needs onset {op} {_fmt(limit)})"
    if op in ("<", "<=") and _OPS[op](age_seen, limit):
        return True, seen
    if op in (">", ">=") and not _OPS[op](age_seen, limit):
        return False, seen
    if diagnosed_on is not None:
        age = completed_years(birth, diagnosed_on)
        return _OPS[op](age, limit), f"diagnosed on {diagnosed_on} at age {age}"
    return None, f"first documented at age {age_seen}; the age at onset is not documented"
