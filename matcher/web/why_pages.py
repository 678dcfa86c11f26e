"""What the pages say a result means (issue 16, part 2): outcomes instead of statuses, the
"why" chips of the candidates list and their filter, the patient page's pinned summary,
screening to-do list, outcomes in every loaded trial and previous/next patient, and the
printable referral summary.

Kept apart from app.py so the web layer's other changes (the stored results) merge
cleanly. Chips and to-do texts carry clinical values: authenticated pages only, never logs.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from matcher.judge.outcome import (
    CHIP_KINDS,
    OUTCOME_COLUMNS,
    OUTCOME_MARKS,
    Outcome,
    WhyChip,
    needs_checking,
    outcome_counts,
    outcomes_of,
    result_outcome,
    why_chips,
)
from matcher.judge.screening import TodoAction, todo_actions
from matcher.model import PatientResult, Trial

# How an outcome reads on a page, and its CSS class (the colours of pass/fail/unknown/manual).
OUTCOME_WORDS = {o: str(o) for o in Outcome}
OUTCOME_CLASS = {Outcome.PASSES: "pass", Outcome.FAILS: "fail", Outcome.UNKNOWN: "unknown",
                 Outcome.TO_CHECK: "manual"}  # fmt: skip
CHIP_LABELS = {"fails": "fails", "missing": "missing", "stale": "stale",
               "to check": "to check"}  # fmt: skip

_CACHE_SIZE = 8
_cache: OrderedDict[int, tuple[Any, dict[str, tuple[WhyChip, ...]]]] = OrderedDict()
_cache_lock = threading.Lock()


def template_globals() -> dict[str, Any]:
    return {"OUTCOME_MARKS": {str(k): v for k, v in OUTCOME_MARKS.items()},
            "OUTCOME_CLASS": {str(k): v for k, v in OUTCOME_CLASS.items()},
            "CHIP_KINDS": CHIP_KINDS, "OUTCOME_COLUMNS": OUTCOME_COLUMNS}


def chips_by_patient(ranking: Any) -> dict[str, tuple[WhyChip, ...]]:
    """Every ranked patient's chips, worked out once per ranking (a few milliseconds per
    thousand patients) and kept beside it: the why filter of an in-memory ranking
    (service.Engine.select); the pages filter the stored rows' chips in SQL instead."""
    key = id(ranking)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is ranking:
            _cache.move_to_end(key)
            return hit[1]
    chips = {r.patient_id: why_chips(r, ranking.as_of) for r in ranking.results}
    with _cache_lock:
        _cache[key] = (ranking, chips)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return chips


def with_why(rows: Sequence[Any], kind: str, ranking: Any) -> list[Any]:
    """The rows with at least one chip of `kind` ("" keeps every row): the stored chips
    when the rows carry them, else every ranked patient's, worked out once per ranking."""
    if not kind:
        return list(rows)
    rows = list(rows)
    if rows and hasattr(rows[0], "why"):
        return [r for r in rows if any(c.kind == kind for c in r.why)]
    chips = chips_by_patient(ranking)
    return [r for r in rows if any(c.kind == kind for c in chips.get(r.patient_id, ()))]


def row_outcomes(trial: Trial, statuses: Sequence[str]) -> dict[str, int]:
    """A candidates row's counts by outcome, from its per-criterion statuses."""
    return outcome_counts(outcomes_of([c.type for c in trial.criteria], statuses))


# ------------------------------------------------------------------------- patient page


def pinned_summary(result: PatientResult, as_of: dt.date) -> dict[str, list[dict[str, str]]]:
    """"Ineligible because: ..." (every failing criterion, in its chip's short words),
    "To confirm before referral: ..." (every unknown, and the manual items the reader could
    not read) and the checks every patient has at screening (consent, venous access), each
    anchored to its criterion."""
    chips = {c.criterion_id: c for c in why_chips(result, as_of) if c.kind == "fails"}
    failing, confirm, screening = [], [], []
    for r in result.results:
        outcome = result_outcome(r)
        entry = {"id": r.criterion.id, "text": r.criterion.text, "reason": r.reason}
        if outcome is Outcome.FAILS and r.criterion.id in chips:
            failing.append({**entry, "text": chips[r.criterion.id].text})
        elif outcome is Outcome.UNKNOWN or (outcome is Outcome.TO_CHECK and needs_checking(r)):
            confirm.append(entry)
        elif outcome is Outcome.TO_CHECK:
            screening.append(entry)
    return {"failing": failing, "confirm": confirm, "screening": screening}


def todo(result: PatientResult, as_of: dt.date) -> tuple[TodoAction, ...]:
    return todo_actions(result, as_of)


def criterion_items(result: PatientResult, payload_criteria: Iterable[dict[str, Any]]
                    ) -> list[dict[str, Any]]:
    """The checklist rows: the JSON criteria with their outcome word, mark and class, and
    the stale value last seen."""
    items = []
    for item, row in zip(result.results, payload_criteria, strict=True):
        outcome = result_outcome(item)
        seen = item.last_seen
        items.append({**row, "outcome_word": str(outcome), "mark": OUTCOME_MARKS[outcome],
                      "verdict": OUTCOME_CLASS[outcome],
                      "last_seen": seen.to_json() if seen is not None else None})
    return items


# ------------------------------------------------------------------------ candidates page


def candidates_context(trial: Trial, shown: Sequence[Any]) -> dict[str, Any]:
    """The shown rows' chips and outcome counts, as their stored rows carry them."""
    counts = {}
    for r in shown:
        stored = getattr(r, "outcomes", ())
        counts[r.patient_id] = outcome_counts(stored) if len(stored) == len(trial.criteria) \
            and stored else row_outcomes(trial, r.statuses)
    return {"why": {r.patient_id: tuple(r.why) for r in shown}, "outcomes": counts}


def why_cell(row: Any) -> str:
    """The stored chips of a CSV row: "fails: ALC 0.9 x10^9/L; missing: no eGFR"."""
    return "; ".join(f"{c.kind}: {c.text}" for c in row.why)


def list_params(query: Any, as_of: dt.date) -> dict[str, Any]:
    """The candidates list's filters and sort as query parameters (no page): what the
    patient page carries to find its neighbours and to link back."""
    params = {"as_of": as_of.isoformat(), **query.filters()}
    if query.per_page != 50:
        params["per_page"] = query.per_page
    return params


def patient_context(engine: Any, trial: Trial, result: PatientResult, as_of: dt.date,
                    query: Any) -> dict[str, Any]:
    """The patient page's meaning: the pinned summary, the to-do list, the outcome counts,
    the patient's status in every loaded trial, and previous/next in the list the referrer
    came from (its filters are in the URL; read from the stored list only, never
    computed for this: a date with no stored list has none). `query`: the list's
    service.Query, parsed from the page's URL."""
    previous = following = None
    position = total = 0
    stored = engine.stored.current(trial, as_of)
    if stored is not None and not query.errors:
        previous, following, position, total = engine.stored.neighbours(
            stored, trial, query, result.patient_id)
    outcomes = [result_outcome(r) for r in result.results]
    return {
        "pinned": pinned_summary(result, as_of),
        "todo": todo_actions(result, as_of),
        "outcome_counts": outcome_counts(outcomes),
        "nav": {"previous": previous, "next": following, "position": position,
                "total": total, "params": list_params(query, as_of)},
    }


def patient_json(result: PatientResult, as_of: dt.date) -> dict[str, Any]:
    """The patient API's "why" chips and screening to-do list."""
    return {"why": [c.to_json() for c in why_chips(result, as_of)],
            "todo": [a.to_json() for a in todo_actions(result, as_of)]}
