"""Decides score criteria (ECOG, Karnofsky, Lansky, SLEDAI and other scales) against a
threshold, converting between the performance scales. Example: "ECOG 0-2" is met by a
Karnofsky of 70 (ECOG 1) and not met by a Karnofsky of 40 (ECOG 3).
"""

from __future__ import annotations

from matcher.judge.eval_common import (
    _OPS,
    _current,
    _fmt,
    _label,
    _prepared,
    _result,
    _unknown,
    _when,
)
from matcher.judge.eval_labs import _stale_or_absent
from matcher.judge.timeline import Timeline
from matcher.model import (
    Criterion,
    CriterionResult,
    Status,
    UnknownCause,
)

_PERFORMANCE_TO_ECOG = ((90, 0), (70, 1), (50, 2), (30, 3), (10, 4), (0, 5))
_SCALE_FROM_ECOG = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}
_PERFORMANCE = ("score.ecog", "score.lansky", "score.karnofsky")


def _ecog_from_scale(value: float) -> int:
    """Lansky/Karnofsky 0-100 to ECOG (DOMAIN): 90-100 -> 0, 70-80 -> 1, 50-60 -> 2, ..."""
    for floor, ecog in _PERFORMANCE_TO_ECOG:
        if value >= floor:
            return ecog
    return 5


def _compare(params: dict, value: float) -> bool:
    if "low" in params or "high" in params:
        low, high = params.get("low"), params.get("high")
        return (low is None or value >= low) and (high is None or value <= high)
    return _OPS[params["op"]](value, float(params["value"]))


def _describe_threshold(params: dict) -> str:
    if "low" in params or "high" in params:
        return f"{_fmt(params.get('low', 0))} to {_fmt(params.get('high', 0))}"
    return f"{params['op']} {_fmt(float(params['value']))}"


def _score(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    concept = criterion.params["concept"]
    concepts = [concept]
    if concept in _PERFORMANCE:
        # ECOG, Lansky (under 16) and Karnofsky (16 and over) answer one question.
        concepts = list(_PERFORMANCE)
    scores = [
        f
        for f in timeline.of(*concepts)
        if isinstance(f.value, (int, float)) and not f.attrs.get("at_diagnosis")
    ]
    label = _label(timeline.vocabulary, concept)
    latest, why = _current(scores, timeline, f"{label} score")
    if latest is None:
        return _unknown(criterion, _stale_or_absent(scores), why or "")
    value = float(latest.value)
    # The label, then the value; a value read on another scale names its own scale and the
    # criterion's ("Lansky play-performance scale 80 (≈ ECOG 1)"), so it takes no label:
    # "ECOG performance status Lansky play-performance scale 80" read twice.
    shown = f"{label} {_fmt(value)}"
    if latest.concept != concept and concept == "score.ecog":
        value = float(_ecog_from_scale(value))
        shown = (f"{_label(timeline.vocabulary, latest.concept)} {_fmt(float(latest.value))} "
                 f"(≈ ECOG {_fmt(value)})")  # fmt: skip
    elif latest.concept == "score.ecog" and concept != "score.ecog":
        # ECOG 1 ≈ Lansky/Karnofsky 70-80: decided only when the whole band agrees.
        low, high = _SCALE_FROM_ECOG.get(int(value), (0, 0))
        answers = {_compare(criterion.params, low), _compare(criterion.params, high)}
        if len(answers) > 1:
            return _unknown(
                criterion,
                UnknownCause.AMBIGUOUS,
                f"ECOG {_fmt(value)} ≈ {_label(timeline.vocabulary, concept)} {low}-{high}, "
                "which "
                f"straddles {_describe_threshold(criterion.params)}",
            )
        shown = f"ECOG {_fmt(value)} (≈ {_label(timeline.vocabulary, concept)} {low}-{high})"
        value = float(low)
    ok = _compare(criterion.params, value)
    status = Status.MET if ok == (criterion.type == "inclusion") else Status.NOT_MET
    if criterion.type == "exclusion":
        status = Status.MET if ok else Status.NOT_MET
    return _result(
        criterion,
        status,
        f"{shown} on {_when(latest, timeline)} "
        f"(needs {_prepared(criterion, _criterion_threshold)})",
        [latest],
        timeline,
    )


def _criterion_threshold(criterion: Criterion) -> str:
    return _describe_threshold(criterion.params)
