"""What every evaluator shares: the result and unknown-result builders (an unknown always
carries its cause), the date a finding counts from, the latest finding in the lookback, the
current value of an analyte, number formatting and concept labels. Example: two creatinine
values on 2026-09-01 and 2026-11-02 with a 90-day lookback give the 2026-11-02 one as the
latest, and the criterion's evidence is stamped with its date.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import (
    Callable,
    Iterable,
)
from functools import cache
from typing import Any

from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    STRUCTURED,
    Criterion,
    CriterionResult,
    Evidence,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.vocab import Vocabulary

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


# ------------------------------------------------------------------- helpers
# Evaluation runs ~20 criteria for each of 100,000 patients a night, so what depends only
# on the criterion (its label text, the concepts that imply "dx.sle", a lab item's groups)
# is worked out once per criterion object, and the helpers below read the timeline's
# fields directly instead of going through small methods.
_PREPARED: dict[tuple[int, Callable[..., Any]], tuple[Criterion, Any]] = {}
_PREPARED_MAX = 4096  # criteria of every loaded trial, with room to spare


def _prepared(criterion: Criterion, build: Callable[..., Any], *given: Any) -> Any:
    """`build(criterion, *given)`, computed once per criterion object (and vocabulary, when
    given one). Keyed on identity, not equality: a Criterion's params take no part in its
    equality, so two trials' "c3" could compare equal with different thresholds. The entry
    holds the criterion, so its id is not reused while cached; `given` is held by the key."""
    key = (id(criterion), build, given)
    entry = _PREPARED.get(key)
    if entry is not None and entry[0] is criterion:
        return entry[1]
    value = build(criterion, *given)
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.clear()
    _PREPARED[key] = (criterion, value)
    return value


def _result(
    criterion: Criterion,
    status: Status,
    reason: str,
    findings: Iterable[Finding] = (),
    timeline: Timeline | None = None,
    cause: UnknownCause | None = None,
) -> CriterionResult:
    # Plain constructors, not model.construct: results stay alive until their rows are
    # written, and a materialised __dict__ per object doubles what the garbage collector
    # walks (measured: slower with GC on, as in a worker).
    note_dates = timeline.note_dates if timeline is not None else {}
    findings = tuple(findings)
    evidence = tuple(
        Evidence(f.note_id, note_dates.get(f.note_id), f.start, f.end, f.text)
        if f.date_source != STRUCTURED
        else Evidence(f.note_id, note_dates.get(f.note_id), f.start, f.end, f.text, STRUCTURED)
        for f in findings
    )
    if any("also" in f.attrs for f in findings):
        evidence, reason = _with_second_sources(findings, evidence, reason, note_dates)
    return CriterionResult(criterion, status, reason, evidence, cause)


def _with_second_sources(
    findings: tuple[Finding, ...],
    evidence: tuple[Evidence, ...],
    reason: str,
    note_dates: dict[str, dt.date],
) -> tuple[tuple[Evidence, ...], str]:
    """A fact a note and a coded record both gave (matcher.judge.timeline.one_fact_per_day)
    shows both sources as evidence, and a disagreement's rule in the reason: "...; ALT:
    coded value used; the note DocumentReference/7 said 90 U/L (the coded value wins for
    labs)"."""
    more: list[Evidence] = []
    rules: list[str] = []
    for f in findings:
        for other in f.attrs.get("also", ()):
            note_id = other["note_id"]
            more.append(Evidence(note_id, note_dates.get(note_id), other["start"], other["end"],
                                 other["text"], other.get("provenance", "note")))  # fmt: skip
        if f.attrs.get("rule") and f.attrs["rule"] not in rules:
            rules.append(f.attrs["rule"])
    shown = [e for e in more if e not in evidence]
    return evidence + tuple(dict.fromkeys(shown)), "; ".join([reason, *rules])


def _unknown(
    criterion: Criterion,
    cause: UnknownCause,
    reason: str,
    findings: Iterable[Finding] = (),
    timeline: Timeline | None = None,
) -> CriterionResult:
    """An unknown with its typed cause (the eligibility model reads the cause, a person
    reads the reason)."""
    return _result(criterion, Status.UNKNOWN, reason, findings, timeline, cause)


def _when(finding: Finding, timeline: Timeline) -> dt.date:
    return finding.date or timeline.note_dates.get(finding.note_id) or timeline.as_of


def _in_lookback(finding: Finding, timeline: Timeline) -> bool:
    as_of = timeline.as_of
    when = finding.date or timeline.note_dates.get(finding.note_id) or as_of
    return 0 <= (as_of - when).days <= LOOKBACK_DAYS


def _latest(findings: list[Finding], timeline: Timeline) -> Finding | None:
    """The finding with the greatest (date, note date, offset); the first of equals, as
    max() gives."""
    if not findings:
        return None
    if len(findings) == 1:
        return findings[0]
    note_dates = timeline.note_dates
    as_of = timeline.as_of
    best = findings[0]
    written = note_dates.get(best.note_id)
    best_key = (best.date or written or as_of, written or as_of, best.start)
    for finding in findings[1:]:
        written = note_dates.get(finding.note_id)
        key = (finding.date or written or as_of, written or as_of, finding.start)
        if key > best_key:
            best, best_key = finding, key
    return best


def _fmt(value: float) -> str:
    """Readable numbers in reasons: 2.74336 -> 2.74, 1280.0 -> 1280, 0.98 -> 0.98."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def _current(
    findings: list[Finding], timeline: Timeline, label: str
) -> tuple[Finding | None, str | None]:
    """The most recent value within the lookback, or why there is none."""
    if not findings:
        return None, f"no {label} documented"
    as_of = timeline.as_of
    note_dates = timeline.note_dates
    recent = [
        f
        for f in findings
        if 0 <= (as_of - (f.date or note_dates.get(f.note_id) or as_of)).days <= LOOKBACK_DAYS
    ]
    if recent:
        return _latest(recent, timeline), None
    older = _latest(findings, timeline)
    return None, (
        f"most recent {label} is from {_when(older, timeline)}, older than the "
        f"{LOOKBACK_DAYS}-day lookback (stale)"
    )


@cache
def _label(vocabulary: Vocabulary, concept_id: str) -> str:
    return vocabulary[concept_id].label if concept_id in vocabulary else concept_id


def _has_condition(timeline: Timeline, concept_id: str) -> list[Finding]:
    return timeline.of(concept_id)


_WEIGHT_DAYS = 365  # a weight a year old still scales a dose or a protein amount


def _recent_weight(timeline: Timeline) -> Finding | None:
    weights = [
        f
        for f in timeline.of("lab.weight")
        if isinstance(f.value, (int, float))
        and f.value > 0
        and 0 <= (timeline.as_of - _when(f, timeline)).days <= _WEIGHT_DAYS
    ]
    return _latest(weights, timeline)
