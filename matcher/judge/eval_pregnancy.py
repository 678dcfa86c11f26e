"""Decides pregnancy and breastfeeding criteria: the latest statement within the window, and a
pregnancy documented earlier that may still go on (up to a term's length). Example: the
exclusion "pregnant or breastfeeding" is met by "12 weeks pregnant" recorded on 2026-10-01,
while "G2P2" or a pregnancy test ordered does not count.
"""

from __future__ import annotations

from matcher.criteria.params import param
from matcher.judge.eval_common import (
    _label,
    _latest,
    _result,
    _unknown,
    _when,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    Assertion,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)

# A pregnancy documented before the lookback may still go on: up to a term's length the
# state is unknown rather than over ("12 weeks pregnant" five months before screening).
_PREGNANCY_TERM_DAYS = 280


def _pregnancy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A current state: the latest statement within the window decides ("pregnant",
    "breastfeeding", "not pregnant", "pregnancy test negative"); past pregnancies ("G2P2",
    "previous pregnancy", one dated years ago), other people's, and pregnancy as a topic
    (counselling, plans, a test ordered) do not count."""
    states = param(criterion, "states")
    present = bool(param(criterion, "present"))
    window = int(param(criterion, "window_days"))
    names = " or ".join(_label(timeline.vocabulary, s) for s in states)
    statements = [
        f
        for f in timeline.of(*states, facts_only=False)
        if f.assertion in (Assertion.AFFIRMED, Assertion.NEGATED)
        and not f.attrs.get("past")
        and not f.attrs.get("topic")  # "counselled to avoid pregnancy on MMF"
    ]
    as_of = timeline.as_of
    current = [f for f in statements if 0 <= (as_of - _when(f, timeline)).days <= window]
    suspicion = _pregnancy_suspicion(criterion, timeline, window, current)
    if suspicion is not None:
        return suspicion
    if current:
        latest = _latest(current, timeline)
        is_state = latest.assertion is Assertion.AFFIRMED
        when = _when(latest, timeline)
        said = (
            f"{_label(timeline.vocabulary, latest.concept)} documented on {when}"
            if is_state
            else f"documented not {_label(timeline.vocabulary, latest.concept)} on {when} "
            f"('{latest.text}')"
        )
        status = Status.MET if is_state == present else Status.NOT_MET
        return _result(criterion, status, said, [latest], timeline)
    earlier = [
        f
        for f in statements
        if f.assertion is Assertion.AFFIRMED
        and window < (as_of - _when(f, timeline)).days <= _PREGNANCY_TERM_DAYS
    ]
    if earlier:
        latest = _latest(earlier, timeline)
        return _unknown(
            criterion,
            UnknownCause.STALE,
            f"{_label(timeline.vocabulary, latest.concept)} documented on "
            f"{_when(latest, timeline)}, before the "
            f"{window}-day window: it may still go on; confirm at screening",
        )
    if criterion.type == "exclusion" and present:
        return _result(
            criterion,
            Status.NOT_MET,
            f"{names} not documented in the {window} days before screening; confirm at "
            "screening",
        )
    return _unknown(criterion, UnknownCause.ABSENT, f"no {names} status documented in the lookback")


def _pregnancy_suspicion(criterion: Criterion, timeline: Timeline, window: int,
                         statements: list[Finding]) -> CriterionResult | None:  # fmt: skip
    """ "Pregnant or suspected pregnancy" (params `suspected`): a suspicion in the window
    ("possible early pregnancy, hCG pending": an uncertain mention) that no later statement
    settles ("beta-hCG negative") is left to a person, with it as the evidence."""
    if not criterion.params.get("suspected"):
        return None
    states = param(criterion, "states")
    suspicions = [f for f in timeline.of(*states, facts_only=False)
                  if f.assertion is Assertion.UNCERTAIN and not f.attrs.get("past")
                  and not f.attrs.get("topic")
                  and 0 <= (timeline.as_of - _when(f, timeline)).days <= window]  # fmt: skip
    latest = _latest(suspicions, timeline)
    settled = _latest(statements, timeline)
    if latest is None or (settled is not None
                          and _when(settled, timeline) >= _when(latest, timeline)):  # fmt: skip
        return None
    said = (f"{_label(timeline.vocabulary, latest.concept)} suspected on "
            f"{_when(latest, timeline)}; whether the "
            "suspicion counts must be checked by a person")  # fmt: skip
    return _result(criterion, Status.MANUAL, said, [latest], timeline)
