"""Decides the criteria a person checks at screening unless the notes already say no: venous
access for cell collection, haemodynamic stability and consent. Example: "adequate venous
access" is not met when the notes record poor venous access, and manual otherwise.
"""

from __future__ import annotations

from matcher.judge.eval_common import (
    _in_lookback,
    _latest,
    _result,
    _when,
)
from matcher.judge.timeline import Timeline
from matcher.model import (
    Criterion,
    CriterionResult,
    Status,
)


def _venous(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    poor = timeline.of("status.poor_venous_access")
    if poor:
        latest = _latest(poor, timeline)
        return _result(
            criterion,
            Status.NOT_MET,
            "poor venous access or a contraindication to cell collection documented",
            [latest],
            timeline,
        )
    return _result(
        criterion,
        Status.MANUAL,
        "venous access and suitability for cell collection must be checked in person",
    )


def _hemodynamic(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    unstable = [
        f for f in timeline.of("status.hemodynamic_instability") if _in_lookback(f, timeline)
    ]
    if unstable:
        latest = _latest(unstable, timeline)
        return _result(
            criterion,
            Status.NOT_MET,
            f"haemodynamic instability documented on {_when(latest, timeline)}",
            [latest],
            timeline,
        )
    return _result(
        criterion,
        Status.MANUAL,
        "haemodynamic stability must be confirmed by the "
        "investigator; no instability documented in the lookback",
    )


def _consent(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    return _result(
        criterion,
        Status.MANUAL,
        criterion.manual_reason or "informed consent is obtained at screening",
    )
