"""The value a stale criterion last found, for the people who act on it: a lab or score
documented before the lookback ("last ALC 2.1 x10^9/L on 2026-07-14"), a CD19 result, a
biopsy outside its window. The verdict stays unknown; this only says what was seen and when,
so that the to-do list can say "repeat FBC" with the value it repeats.

Run after evaluation on stale unknowns only (a few per patient), never on the hot path of
every criterion.
"""

from __future__ import annotations

from dataclasses import replace

from matcher.judge.eval_common import _latest, _value_text, _when
from matcher.judge.timeline import Timeline
from matcher.model import Criterion, CriterionResult, LastSeen, Status, UnknownCause

_PERFORMANCE = ("score.ecog", "score.lansky", "score.karnofsky")
_CD19 = ("lab.cd19", "status.b_cell_depleted")


def _concepts(criterion: Criterion) -> tuple[str, ...]:
    """The concepts whose latest finding is the stale value of this criterion."""
    params = criterion.params
    kind = criterion.kind
    if kind in ("lab", "vital"):
        found = list(params.get("analytes") or [])
        for alt in params.get("alternatives") or []:
            found += [a for a in alt.get("analytes") or [] if a not in found]
        return tuple(found)
    if kind == "score":
        concept = params.get("concept")
        if concept in _PERFORMANCE:
            return _PERFORMANCE
        return (concept,) if concept else ()
    if kind == "cd19":
        return _CD19
    if kind == "biopsy":
        return ("biopsy.kidney",)
    return ()


def last_seen(criterion: Criterion, timeline: Timeline) -> LastSeen | None:
    concepts = _concepts(criterion)
    if not concepts:
        return None
    findings = timeline.of(*concepts)
    if criterion.kind != "cd19" and criterion.kind != "biopsy":
        findings = [f for f in findings if isinstance(f.value, (int, float))]
    latest = _latest(findings, timeline)
    if latest is None:
        return None
    return LastSeen(latest.concept, _value_text(latest), _when(latest, timeline), latest.note_id)


def with_last_seen(
    results: tuple[CriterionResult, ...], timeline: Timeline
) -> tuple[CriterionResult, ...]:
    """`results` with each stale unknown's last value attached (the others untouched)."""
    if not any(r.unknown_cause is UnknownCause.STALE for r in results):
        return results
    return tuple(
        replace(r, last_seen=last_seen(r.criterion, timeline))
        if r.status is Status.UNKNOWN and r.unknown_cause is UnknownCause.STALE else r
        for r in results
    )
