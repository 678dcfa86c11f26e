"""Decides serology and infection criteria: hepatitis B and C, HIV, tuberculosis and other
infections from their markers, ever or in the lookback, one by one or by group. Example: the
exclusion "positive HBsAg or anti-HBc" is met by an anti-HBc positive years ago (a marker
that never clears); with neither tested it is not met, to be confirmed at screening.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from matcher.judge.eval_common import (
    _in_lookback,
    _label,
    _latest,
    _result,
    _unknown,
    _when,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    Assertion,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.vocab import Vocabulary


class _Check:
    """One serology test or infection: positive (True), negative (False) or not known
    (None), the finding that says so, why, and whether a stale positive was seen."""

    __slots__ = ("cause", "evidence", "reason", "stale_positive", "state")

    def __init__(
        self,
        state: bool | None,
        evidence: Finding | None,
        reason: str,
        stale_positive: bool = False,
        cause: UnknownCause | None = None,
    ) -> None:
        self.state, self.evidence, self.reason = state, evidence, reason
        self.stale_positive = stale_positive
        # Why the state is None; an open state with no cause named is ambiguous (equivocal).
        self.cause = cause or (UnknownCause.AMBIGUOUS if state is None else None)


@cache
def _serology_attrs(vocabulary: Vocabulary, concept_id: str) -> dict[str, Any]:
    return vocabulary[concept_id].attrs.get("serology", {})


def _marker_check(
    timeline: Timeline,
    marker: str,
    ever: bool,
    window: int | None = None,
    equivocal: bool = False,
    known: bool = False,
) -> _Check:
    """The marker's state: any positive ever (`ever`); else the latest result within the
    lookback (or the criterion's own `window` of days: "anti-Ro positive within 3 months"),
    or an older positive of a marker that never clears (anti-HBc, anti-HCV, HIV). An
    equivocal result is positive where the criterion accepts it (`equivocal`: "positive or
    equivocal"), else neither: a person decides."""
    label = _label(timeline.vocabulary, marker)
    polar = ("positive", "negative", "equivocal")
    results = [f for f in timeline.of(marker) if f.attrs.get("result") in polar]
    if not results:
        return _Check(None, None, f"no {label} result documented", cause=UnknownCause.ABSENT)

    def state(finding: Finding) -> bool | None:
        result = finding.attrs["result"]
        return None if result == "equivocal" and not equivocal else result != "negative"

    if ever:
        positives = [f for f in results if state(f) is True]
        unsure = [f for f in results if state(f) is None]
        latest = _latest(positives or unsure or results, timeline)
        result = latest.attrs["result"]
        found = True if positives else (None if unsure else False)
        return _Check(found, latest, f"{label} {result} on {_when(latest, timeline)}")
    days = LOOKBACK_DAYS if window is None else window
    recent = [f for f in results if 0 <= (timeline.as_of - _when(f, timeline)).days <= days]
    if known:
        # "Known ... positive HBsAg": what the records know, the latest result of any
        # date (a positive of 2025 not followed by a negative is still known).
        recent = [f for f in results if _when(f, timeline) <= timeline.as_of]
    if recent:
        latest = _latest(recent, timeline)
        result = latest.attrs["result"]
        return _Check(state(latest), latest, f"{label} {result} on {_when(latest, timeline)}")
    latest = _latest(results, timeline)
    when = _when(latest, timeline)
    if (latest.attrs["result"] == "positive"
            and _serology_attrs(timeline.vocabulary, marker).get("persistent")):  # fmt: skip
        return _Check(True, latest, f"{label} positive on {when} (it stays positive)")
    return _Check(
        None,
        None,
        f"most recent {label} ({latest.attrs['result']}) is from {when}, older than the "
        f"{days}-day {'lookback' if window is None else 'window'} (stale)",
        stale_positive=latest.attrs["result"] == "positive",
        cause=UnknownCause.STALE,
    )


def _infection_check(timeline: Timeline, infection: str, ever: bool,
                     known: bool = False) -> _Check:
    """An infection (dx.hbv, dx.hcv, dx.hiv) from its markers (concepts.jsonl: current or
    past ones) and from diagnosis mentions. A positive anti-HCV with a later negative HCV
    RNA is a cleared infection, not a current one."""
    attrs = timeline.vocabulary[infection].attrs
    markers = attrs.get("past_markers" if ever else "current_markers", [])
    checks = [_marker_check(timeline, m, ever, known=known) for m in markers]
    if not ever:
        for index, (marker, check) in enumerate(zip(markers, checks, strict=True)):
            confirm = _serology_attrs(timeline.vocabulary, marker).get("confirmed_by")
            if check.state is True and confirm and check.evidence is not None:
                refuting = _marker_check(timeline, confirm, False)
                if refuting.state is False and refuting.evidence is not None and _when(
                    refuting.evidence, timeline
                ) >= _when(check.evidence, timeline):
                    checks[index] = _Check(
                        False,
                        refuting.evidence,
                        f"{check.reason}, but {refuting.reason}: not a current infection",
                    )
    persistent = bool(attrs.get("persistent"))
    mentions = timeline.of(infection, facts_only=False)
    affirmed = [
        f
        for f in mentions
        if (f.assertion is Assertion.AFFIRMED or (ever and f.assertion is Assertion.HISTORICAL))
        and (ever or persistent or known or _in_lookback(f, timeline))
    ]
    negated = [
        f
        for f in mentions
        if f.assertion is Assertion.NEGATED and (ever or _in_lookback(f, timeline))
    ]
    label = _label(timeline.vocabulary, infection)
    if affirmed:
        latest = _latest(affirmed, timeline)
        checks.append(_Check(True, latest, f"{label} documented on {_when(latest, timeline)}"))
    elif negated:
        latest = _latest(negated, timeline)
        checks.append(_Check(False, latest, f"{label} negative on {_when(latest, timeline)}"))
    positive = [c for c in checks if c.state is True]
    if positive:
        return _Check(True, positive[0].evidence, "; ".join(c.reason for c in positive))
    negative = [c for c in checks if c.state is False]
    stale = any(c.stale_positive for c in checks)
    if negative:
        return _Check(False, negative[0].evidence, "; ".join(c.reason for c in negative))
    reasons = "; ".join(c.reason for c in checks) or f"no {label} result documented"
    return _Check(None, None, reasons, stale, _open_cause(checks))


def _open_cause(checks: list[_Check]) -> UnknownCause:
    """Why checks that decide nothing are open: absence only when every one is absent."""
    causes = [c.cause for c in checks if c.state is None and c.cause is not None]
    documented = [c for c in causes if c is not UnknownCause.ABSENT]
    return documented[0] if documented else UnknownCause.ABSENT


@cache
def _groups_listed(vocabulary: Vocabulary, listed: frozenset[str]) -> tuple[str, ...]:
    """The vocabulary's group diagnoses whose every member is listed: a property of the
    criterion, found once, not for every patient."""
    return tuple(c.id for c in vocabulary.by_category("diagnosis")
                 if c.attrs.get("members") and set(c.members) <= listed)  # fmt: skip


def _group_checks(timeline: Timeline, infections: list[str], ever: bool) -> list[_Check]:
    """ "Chronic viral hepatitis" in a note names no virus: it is positive for a criterion
    that lists every member of the group (hepatitis B and C), and decides nothing for one
    that lists only one of them."""
    out = []
    for group in _groups_listed(timeline.vocabulary, frozenset(infections)):
        affirmed = [
            f for f in timeline.of(group, facts_only=False)
            if (f.assertion is Assertion.AFFIRMED
                or (ever and f.assertion is Assertion.HISTORICAL))
            and (ever or _in_lookback(f, timeline))
        ]  # fmt: skip
        if affirmed:
            latest = _latest(affirmed, timeline)
            out.append(_Check(True, latest, f"{_label(timeline.vocabulary, group)} documented on "
                              f"{_when(latest, timeline)}"))  # fmt: skip
    return out


def _serology(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """HBsAg, anti-HBc, anti-HCV, HCV RNA, HIV and the infections they show. A result
    positive condition holds when any listed test or infection is positive; a negative one
    when every one is negative."""
    params = criterion.params
    ever = bool(params.get("ever"))
    window = params.get("window_days")
    equivocal = bool(params.get("equivocal"))
    known = bool(params.get("known"))
    checks = [_marker_check(timeline, m, ever, window, equivocal, known)
              for m in params.get("markers", [])]  # fmt: skip
    checks += [_infection_check(timeline, i, ever, known) for i in params.get("infections", [])]
    checks += _group_checks(timeline, params.get("infections", []), ever)
    reasons = "; ".join(c.reason for c in checks)
    states = [c.state for c in checks]
    if params.get("result") == "negative":
        holds = False if True in states else (True if all(s is False for s in states) else None)
    else:
        holds = True if True in states else (False if all(s is False for s in states) else None)
    if holds is not None:
        deciding = [c for c in checks if c.state is (holds if params.get("result") != "negative"
                                                     else not holds)] or checks  # fmt: skip
        evidence = [c.evidence for c in deciding if c.evidence is not None]
        status = Status.MET if holds else Status.NOT_MET
        return _result(criterion, status, reasons, evidence, timeline)
    untested = not params.get("needs_result") and not any(c.stale_positive for c in checks)
    if criterion.type == "exclusion" and params.get("result") != "negative" and untested:
        return _result(criterion, Status.NOT_MET, f"{reasons}; not documented, confirm at "
                       "screening")  # fmt: skip
    return _unknown(criterion, _open_cause(checks), reasons)
