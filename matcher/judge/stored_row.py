"""The stored row of one patient's result for one trial (`results`, store migration 5):
one function whatever the engine (embedded workers, Spark executors, `matcher match`, the web
app's as-of queue), so that two engines' rows compare byte for byte."""

from __future__ import annotations

import datetime as dt
import json

from matcher.judge.outcome import outcome_of, why_chips
from matcher.judge.ranking import ResultRow, relevance
from matcher.model import PatientResult

# One letter per criterion, in the trial's order, so that a stored row can be filtered by
# one criterion's status in SQL (substr(statuses, 3, 1) = 'U') without decoding JSON.
STATUS_CODES = {"met": "M", "not_met": "N", "unknown": "U", "manual": "X"}
OUTCOME_CODES = {"pass": "P", "fail": "F", "unknown": "U", "manual": "C"}



def result_row(
    trial_id: str,
    result: PatientResult,
    as_of: dt.date | None = None,
    p_eligible: float | None = None,
    age: int | None = None,
    sex: str | None = None,
) -> ResultRow:
    """The stored row of `result`; with `as_of`, its why chips (they date stale evidence)."""
    criteria = [
        {
            "id": c.criterion.id,
            "key": c.criterion.key,
            "type": c.criterion.type,
            "status": str(c.status),
            "reason": c.reason,
            "evidence": [e.to_json() for e in c.evidence],
            "unknown_cause": str(c.unknown_cause) if c.unknown_cause is not None else None,
            "last_seen": c.last_seen.to_json() if c.last_seen is not None else None,
        }
        for c in result.results
    ]
    chips = why_chips(result, as_of) if as_of is not None else ()
    return ResultRow(
        trial_id=trial_id,
        patient_id=result.patient_id,
        status=str(result.status),
        score=result.score,
        relevance=relevance(result.status, result.results, result.cohorts),
        criteria_json=json.dumps(criteria, sort_keys=True),
        p_eligible=p_eligible,
        age=age,
        sex=sex,
        statuses="".join(STATUS_CODES[str(c.status)] for c in result.results),
        outcomes="".join(OUTCOME_CODES[outcome_of(c.criterion.type, str(c.status)).code]
                         for c in result.results),
        why_json=json.dumps([c.to_json() for c in chips], sort_keys=True, ensure_ascii=False),
        cohorts_json=json.dumps(list(result.cohorts)),
    )
