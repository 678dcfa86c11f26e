"""Criterion evaluation: a pure function of (criterion, timeline, as-of).

No I/O and no clock: the same inputs always give the same status, reason and
evidence. Each kind of criterion (see matcher.criteria) has one evaluator; the rules
are GUIDELINE.md's. This module is the entry point and the dispatch by kind; the
evaluators live in one module per concern: eval_person (age, sex), eval_diagnosis
(conditions, biopsies), eval_scores, eval_drugs (exposure, current use, refractory),
eval_labs (labs, vitals, CD19, ANA), eval_in_person (venous access, haemodynamic
stability, consent), eval_serology, eval_pregnancy, eval_doses, eval_disease_timing,
over eval_common (results, unknown causes, dates, latest values); allergy is
matcher.judge.allergy's.
"""

from __future__ import annotations

from collections.abc import (
    Callable,
    Iterable,
)

from matcher.judge.allergy import decide as decide_allergy
from matcher.judge.eval_common import _result
from matcher.judge.eval_diagnosis import (
    _qualified_biopsy,
    _qualified_diagnosis,
)
from matcher.judge.eval_disease_timing import _diagnosis_timing
from matcher.judge.eval_doses import _dose_exposure
from matcher.judge.eval_drugs import (
    _drug_exposure,
    _refractory,
)
from matcher.judge.eval_in_person import (
    _consent,
    _hemodynamic,
    _venous,
)
from matcher.judge.eval_labs import (
    _ana,
    _cd19,
    _lab,
)
from matcher.judge.eval_person import (
    _age,
    _sex,
)
from matcher.judge.eval_pregnancy import _pregnancy
from matcher.judge.eval_scores import _score
from matcher.judge.eval_serology import _serology
from matcher.judge.last_seen import with_last_seen
from matcher.judge.timeline import Timeline
from matcher.model import (
    Criterion,
    CriterionResult,
    Status,
    UnknownCause,
)
from matcher.nlp.allergy import AGENT as ALLERGY_AGENT
from matcher.nlp.allergy import NONE as NO_ALLERGY

Evaluator = Callable[[Criterion, Timeline], CriterionResult]


def evaluate(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    evaluator = _EVALUATORS.get(criterion.kind, _manual)
    return with_last_seen((evaluator(criterion, timeline),), timeline)[0]


def evaluate_all(criteria: Iterable[Criterion], timeline: Timeline) -> tuple[CriterionResult, ...]:
    evaluator = _EVALUATORS.get
    results = tuple([evaluator(c.kind, _manual)(c, timeline) for c in criteria])
    # A stale unknown keeps the value it found and its date, for the screening to-do list.
    return with_last_seen(results, timeline)


# The two kinds decided here: a criterion no evaluator reads goes to a person, and allergy
# is matcher.judge.allergy's.
def _manual(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    reason = criterion.manual_reason or "cannot be decided from notes; a person must check"
    return _result(criterion, Status.MANUAL, reason)


def _allergy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """matcher.judge.allergy: the allergy record decides; none at all leaves it manual."""
    found = timeline.of(ALLERGY_AGENT, NO_ALLERGY, facts_only=False)
    status, reason, evidence = decide_allergy(criterion, found, timeline.vocabulary)
    # Every open allergy answer has something documented that does not decide: a reaction
    # not called an allergy, a drug group wider than the one named, a possible allergy.
    cause = UnknownCause.AMBIGUOUS if status is Status.UNKNOWN else None
    return _result(criterion, status, reason, evidence, timeline if evidence else None, cause)


_EVALUATORS: dict[str, Evaluator] = {
    "age": _age,
    "sex": _sex,
    "diagnosis": _qualified_diagnosis,
    "biopsy": _qualified_biopsy,
    "score": _score,
    "refractory": _refractory,
    "drug_exposure": _drug_exposure,
    "lab": _lab,
    "cd19": _cd19,
    "ana": _ana,
    "venous": _venous,
    "hemodynamic": _hemodynamic,
    "consent": _consent,
    "manual": _manual,
    # matcher.criteria.kinds
    "vital": _lab,
    "serology": _serology,
    "pregnancy": _pregnancy,
    "dose_exposure": _dose_exposure,
    "diagnosis_timing": _diagnosis_timing,
    # matcher.criteria.allergy
    "allergy": _allergy,
}
