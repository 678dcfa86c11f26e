"""Criterion evaluation: a pure function of (criterion, timeline, as-of).

No I/O and no clock: the same inputs always give the same status, reason and
evidence. Each kind of criterion (see matcher.criteria) has one evaluator here;
the rules are GUIDELINE.md's.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from matcher.criteria.params import param
from matcher.judge.allergy import decide as decide_allergy
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    SYSTEMIC_ROUTE,
    Assertion,
    Criterion,
    CriterionResult,
    Evidence,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.allergy import AGENT as ALLERGY_AGENT
from matcher.nlp.allergy import NONE as NO_ALLERGY
from matcher.nlp.dates import completed_years
from matcher.nlp.doses import grams, milligrams, steroid_factor, systemic_steroid
from matcher.nlp.vocab import Vocabulary

Evaluator = Callable[[Criterion, Timeline], CriterionResult]

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_PROTEINURIA = ("lab.upcr", "lab.urine_protein_24h")
_ACTIVE_STATEMENTS = ("status.persistent_proteinuria", "status.nonresponse", "status.renal_relapse")


def evaluate(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    evaluator = _EVALUATORS.get(criterion.kind, _manual)
    return evaluator(criterion, timeline)


def evaluate_all(criteria: Iterable[Criterion], timeline: Timeline) -> tuple[CriterionResult, ...]:
    evaluator = _EVALUATORS.get
    return tuple([evaluator(c.kind, _manual)(c, timeline) for c in criteria])


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
    evidence = tuple(
        Evidence(f.note_id, note_dates.get(f.note_id), f.start, f.end, f.text) for f in findings
    )
    return CriterionResult(criterion, status, reason, evidence, cause)


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


# ----------------------------------------------------------------- evaluators
def _manual(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    reason = criterion.manual_reason or "cannot be decided from notes; a person must check"
    return _result(criterion, Status.MANUAL, reason)


def _age(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    low = criterion.params.get("min_years")
    high = criterion.params.get("max_years")

    def inside(years: int) -> bool:
        return (low is None or years >= low) and (high is None or years <= high)

    birth = timeline.patient.birth_date
    evidence: list[Finding] = []
    if birth is None:
        stated = timeline.of("demographic.birth_date")
        if stated:
            latest = _latest(stated, timeline)
            birth = dt.date.fromisoformat(str(latest.value))
            evidence = [latest]
    elif stated := timeline.of("demographic.birth_date", "demographic.age"):
        # A structured birth date decides; the note's own mention is shown beside it.
        evidence = [_latest(stated, timeline)]
    if birth is not None:
        years = completed_years(birth, timeline.as_of)
        status = Status.MET if inside(years) else Status.NOT_MET
        structured = timeline.patient.birth_date is not None
        source = "structured birth date" if structured else "date of birth in the note"
        return _result(
            criterion,
            status,
            f"age {years} at {timeline.as_of} ({source} {birth})",
            evidence,
            timeline,
        )
    ages = timeline.of("demographic.age")
    if not ages:
        return _unknown(criterion, UnknownCause.ABSENT, "no birth date or stated age documented")
    latest = max(ages, key=lambda f: (timeline.note_date(f), f.start))
    written = timeline.note_date(latest) or timeline.as_of
    elapsed = completed_years(written, timeline.as_of)
    youngest = int(latest.value) + elapsed
    oldest = youngest + 1
    if inside(youngest) and inside(oldest):
        status = Status.MET
    elif not inside(youngest) and not inside(oldest):
        status = Status.NOT_MET
    else:
        status = Status.UNKNOWN
    reason = (
        f"stated age {int(latest.value)} on {written}; at {timeline.as_of} the age is "
        f"{youngest} or {oldest}"
    )
    if status is Status.UNKNOWN:
        reason += "; a birth date is needed to decide"
        return _unknown(criterion, UnknownCause.AMBIGUOUS, reason)
    return _result(criterion, status, reason, [latest], timeline)




def _sex(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    wanted = str(criterion.params.get("sex", "")).lower()[:1]
    sex = (timeline.patient.sex or "").lower()[:1]
    if not sex:
        return _unknown(criterion, UnknownCause.ABSENT, "sex not recorded")
    status = Status.MET if sex == wanted else Status.NOT_MET
    return _result(criterion, status, f"recorded sex {timeline.patient.sex}")


@cache
def _implied_by(vocabulary: Vocabulary, concept_id: str) -> frozenset[str]:
    """Concepts whose presence implies this one: lupus nephritis implies SLE."""
    implied = {concept_id}
    for concept in vocabulary.concepts.values():
        if concept_id in concept.attrs.get("implies", ()):
            implied.add(concept.id)
    return frozenset(implied)


def _diagnosis_concepts(criterion: Criterion, vocabulary: Vocabulary
                        ) -> tuple[tuple[str, ...], str]:  # fmt: skip
    """Every concept that affirms the diagnosis, in a fixed order, and its names."""
    concepts: set[str] = set()
    for concept_id in criterion.params.get("concepts", []):
        concepts |= _implied_by(vocabulary, concept_id)
    # "Malignancy, except non-melanoma skin cancer": a skin cancer implies malignancy but
    # the item lets it through.
    concepts -= set(criterion.params.get("except_concepts", ()))
    names = ", ".join(_label(vocabulary, c) for c in criterion.params.get("concepts", []))
    return tuple(sorted(concepts)), names


def _absence_unknown(criterion: Criterion, vocabulary: Vocabulary) -> str | None:
    """Why no mention of a listed condition does not show it absent, or None. Notes name
    "pneumonia treated with IV ceftriaxone", seldom "infection requiring hospitalisation":
    such a concept says so in its data (concepts.jsonl attrs "absence_unknown")."""
    for concept_id in criterion.params.get("concepts", []):
        if concept_id in vocabulary:
            reason = vocabulary[concept_id].attrs.get("absence_unknown")
            if reason:
                return str(reason)
    return None


def _screened(criterion: Criterion, timeline: Timeline, window: int | None
              ) -> CriterionResult | None:  # fmt: skip
    """An exclusion whose condition the notes seldom name in its words ("infection
    requiring hospitalisation") decided from the broader finding that screens it (params
    `screen_concepts`: any infection, with what implies it: pneumonia, herpes zoster): one
    affirmed in the window (`window` days, None: ever) is left to a person, with it as the
    evidence; none decides the absence. None when the criterion names no screen."""
    screens = criterion.params.get("screen_concepts")
    if not screens:
        return None
    names = ", ".join(_label(timeline.vocabulary, c) for c in criterion.params.get("concepts", []))
    concepts = sorted(set().union(*(_implied_by(timeline.vocabulary, c) for c in screens)))
    found = [f for f in timeline.of(*concepts)
             if window is None or (timeline.as_of - _when(f, timeline)).days <= window]  # fmt: skip
    label = " or ".join(_label(timeline.vocabulary, c) for c in screens)
    span = "ever" if window is None else f"in the {window} days before screening"
    if found:
        latest = _latest(found, timeline)
        return _result(criterion, Status.MANUAL,
                       f"{label} documented on {_when(latest, timeline)}; whether it was "
                       f"{names} must be checked by a person", [latest], timeline)  # fmt: skip
    return _result(criterion, Status.NOT_MET,
                   f"no {label} documented {span}; confirm at screening")  # fmt: skip


def _diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    affirmed = timeline.of(*concepts)
    if "dx.lupus_nephritis" in concepts or "dx.sle" in concepts:
        # A biopsy read as lupus nephritis class III/IV affirms the disease.
        affirmed += [f for f in timeline.of("biopsy.kidney") if f.attrs.get("classes")]
    ruled_out = [
        f
        for f in timeline.of(*criterion.params.get("concepts", []), facts_only=False)
        if f.assertion == "negated"
    ]
    if "dx.sle" in concepts:
        ruled_out += [
            f
            for f in timeline.of("status.sle_criteria", facts_only=False)
            if f.assertion == "negated"
        ]
    window = criterion.params.get("window_days")
    if window is not None:
        # "Malignancy within 5 years": only mentions dated inside the window count.
        affirmed = [f for f in affirmed if (timeline.as_of - _when(f, timeline)).days <= window]
    if criterion.type == "exclusion":
        if affirmed:
            latest = _latest(affirmed, timeline)
            return _result(criterion, Status.MET, f"{names} documented", [latest], timeline)
        screened = _screened(criterion, timeline, window)
        if screened is not None:
            return screened
        unsure = _absence_unknown(criterion, timeline.vocabulary)
        if unsure is not None:
            return _unknown(criterion, UnknownCause.ABSENT, f"{names} not documented: {unsure}")
        return _result(criterion, Status.NOT_MET, f"{names} not documented; confirm at screening")
    latest_ruled_out = _latest(ruled_out, timeline)
    if latest_ruled_out is not None:
        # "SLE was considered but ruled out" stands unless the diagnosis itself is affirmed
        # again later; a later biopsy read as lupus nephritis does not overturn it by itself.
        listed = criterion.params.get("concepts", [])
        latest_direct = _latest([f for f in affirmed if f.concept in listed], timeline)
        ruled_out_on = _when(latest_ruled_out, timeline)
        if latest_direct is None or ruled_out_on >= _when(latest_direct, timeline):
            return _result(
                criterion,
                Status.NOT_MET,
                f"{names} ruled out or criteria not fulfilled",
                [latest_ruled_out],
                timeline,
            )
    latest_affirmed = _latest(affirmed, timeline)
    if latest_affirmed is not None:
        return _result(criterion, Status.MET, f"{names} documented", [latest_affirmed], timeline)
    return _unknown(criterion, UnknownCause.ABSENT, f"{names} not documented")


def _current_diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A current state ("active tuberculosis", "currently requiring dialysis"): an
    affirmed mention in the lookback. A past history ("history of TB", "previously on
    dialysis") does not count; an affirmed mention older than the lookback may or may not
    still hold, so a person checks it."""
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    window = int(criterion.params.get("window_days") or LOOKBACK_DAYS)
    as_of = timeline.as_of
    mentions = timeline.of(*concepts, facts_only=False)
    if "dx.lupus_nephritis" in concepts or "dx.sle" in concepts:
        # A biopsy read as lupus nephritis class III/IV affirms the disease, as for `_diagnosis`.
        mentions += [f for f in timeline.of("biopsy.kidney") if f.attrs.get("classes")]
    affirmed = [f for f in mentions if f.assertion == Assertion.AFFIRMED]
    now = [f for f in affirmed if (as_of - _when(f, timeline)).days <= window]
    if now:
        latest = _latest(now, timeline)
        return _result(criterion, Status.MET,
                       f"{names} documented on {_when(latest, timeline)}, within the "
                       f"{window}-day lookback", [latest], timeline)  # fmt: skip
    if affirmed:
        latest = _latest(affirmed, timeline)
        return _unknown(criterion, UnknownCause.STALE,
                        f"{names} last documented on {_when(latest, timeline)}, before the "
                        f"{window}-day lookback: whether it is current must be checked",
                        [latest], timeline)  # fmt: skip
    if criterion.type == "exclusion":
        screened = _screened(criterion, timeline, window)
        if screened is not None and screened.status is Status.MANUAL:
            return screened
        older = _long_standing_before(criterion, timeline, window)
        if older is not None:
            return older
        unsure = _absence_unknown(criterion, timeline.vocabulary)
        if unsure is not None:
            # "Active neurological disease": silence is no more telling now than ever.
            return _unknown(criterion, UnknownCause.ABSENT,
                            f"no current {names} documented: {unsure}")  # fmt: skip
        return _result(criterion, Status.NOT_MET,
                       f"no current {names} documented in the {window}-day lookback; "
                       "confirm at screening")  # fmt: skip
    ruled_out = [f for f in mentions if f.assertion == Assertion.NEGATED
                 and (as_of - _when(f, timeline)).days <= window]  # fmt: skip
    if ruled_out:
        latest = _latest(ruled_out, timeline)
        return _result(criterion, Status.NOT_MET, f"{names} documented as absent",
                       [latest], timeline)  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT,
                    f"no current {names} documented in the {window}-day lookback")


def _long_standing_before(criterion: Criterion, timeline: Timeline, window: int
                          ) -> CriterionResult | None:  # fmt: skip
    """ "Chronic infections" read as the long-standing form now (params `long_standing`):
    a hepatitis B documented two years ago, before the lookback, is no evidence of its
    absence, so a person checks whether it is the chronic infection now. None when the
    criterion is not long-standing or nothing screens it before the lookback."""
    if not criterion.params.get("long_standing"):
        return None
    ever = _screened(criterion, timeline, None)
    if ever is None or ever.status is not Status.MANUAL:
        return None
    names = ", ".join(_label(timeline.vocabulary, c) for c in criterion.params.get("concepts", []))
    return CriterionResult(criterion, Status.UNKNOWN,
                           f"{ever.reason.split(';')[0]}, before the {window}-day lookback: "
                           f"whether it is the long-standing {names} now must be checked",
                           ever.evidence, UnknownCause.STALE)  # fmt: skip


def _qualified_diagnosis(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A diagnosis criterion with its temporality and the qualifiers a person judges
    (matcher.criteria.temporality): "severe active lupus nephritis" is decided only when
    lupus nephritis is absent; when it is documented the result is manual, with the
    mention as evidence and the qualifiers named."""
    current = criterion.params.get("temporality") == "current"
    result = (_current_diagnosis if current else _diagnosis)(criterion, timeline)
    return _judged(_suspicion(result, timeline))


def _suspicion(result: CriterionResult, timeline: Timeline) -> CriterionResult:
    """ "Known or suspected infection in the past 3 months" (params `suspected`): a
    suspicion the notes record in the window ("suspected UTI, culture sent": an uncertain
    mention) is not the absence the verdict would read; a person checks it, with the
    mention as evidence. A documented condition already decides; so does a suspicion
    outside the window."""
    criterion = result.criterion
    if not criterion.params.get("suspected") or result.status not in (Status.NOT_MET,
                                                                       Status.UNKNOWN):
        return result
    concepts, names = _prepared(criterion, _diagnosis_concepts, timeline.vocabulary)
    window = criterion.params.get("window_days")
    suspicions = [f for f in timeline.of(*concepts, facts_only=False)
                  if f.assertion == Assertion.UNCERTAIN
                  and (window is None or (timeline.as_of - _when(f, timeline)).days <= window)]
    latest = _latest(suspicions, timeline)
    if latest is None:
        return result
    return _result(criterion, Status.MANUAL,
                   f"{names} suspected on {_when(latest, timeline)}; whether the suspicion "
                   "counts must be checked by a person", [latest], timeline)  # fmt: skip


def _qualified_biopsy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "Biopsy-confirmed active lupus nephritis": a biopsy showing lupus nephritis leaves
    its activity to a person; none, or another disease, decides."""
    return _judged(_biopsy(criterion, timeline))


def _judged(result: CriterionResult) -> CriterionResult:
    """A met result of a criterion with qualifiers the notes cannot decide ("severe",
    "active") is manual, naming them, with the same evidence."""
    judged = result.criterion.params.get("judged")
    if judged and result.status is Status.MET:
        reason = (f"{result.reason}; whether it is {' and '.join(judged)} must be checked "
                  "by a person")  # fmt: skip
        return CriterionResult(result.criterion, Status.MANUAL, reason, result.evidence)
    return result


def _biopsy(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    wanted = set(param(criterion, "classes"))
    allowed = wanted | set(param(criterion, "allowed_with"))
    window = criterion.params.get("window_days")
    biopsies = [f for f in timeline.of("biopsy.kidney")]
    if not biopsies:
        # "Excluded: patients without renal biopsy or class I, II or VI": the notes may
        # just not hold the biopsy, so no biopsy stays unknown; the reason says why.
        if criterion.params.get("or_no_biopsy"):
            return _unknown(criterion, UnknownCause.ABSENT, "no kidney biopsy result documented "
                            "(the trial also excludes patients without one: confirm it exists)")
        return _unknown(criterion, UnknownCause.ABSENT, "no kidney biopsy result documented")
    dated = [f for f in biopsies if not f.attrs.get("undated")]
    latest = _latest(dated, timeline) if dated else _latest(biopsies, timeline)
    classes = set(latest.attrs.get("classes", []))
    label = (
        "class " + "+".join(latest.attrs.get("classes", []))
        if classes
        else (latest.attrs.get("other_disease") or "another kidney disease")
    )
    if not classes or not (classes & wanted) or not classes <= allowed:
        return _result(
            criterion,
            Status.NOT_MET,
            f"most recent biopsy shows {label}, not class {' or '.join(sorted(wanted))}",
            [latest],
            timeline,
        )
    if latest.attrs.get("undated"):
        return _unknown(
            criterion,
            UnknownCause.UNDATED,
            f"{label} lupus nephritis stated but the biopsy date is not documented",
        )
    when = _when(latest, timeline)
    age = (timeline.as_of - when).days
    if window is not None and age > window:
        return _unknown(
            criterion,
            UnknownCause.STALE,
            f"biopsy ({label}) dated {when} is {age} days before screening, outside "
            f"the {window}-day window: a repeat biopsy would be needed",
        )
    return _result(criterion, Status.MET, f"biopsy {when}: {label}", [latest], timeline)


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
    shown = _fmt(value)
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
        f"{label} {shown} on {_when(latest, timeline)} "
        f"(needs {_prepared(criterion, _criterion_threshold)})",
        [latest],
        timeline,
    )


def _criterion_threshold(criterion: Criterion) -> str:
    return _describe_threshold(criterion.params)


def _drug_start(finding: Finding, timeline: Timeline) -> dt.date:
    start = finding.attrs.get("start_date")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    return start or timeline.note_dates.get(finding.note_id) or timeline.as_of


def _refractory(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    params = criterion.params
    agents = params.get("agents", [])
    min_agents = int(param(criterion, "min_agents"))
    min_days = int(param(criterion, "min_duration_days"))
    strict = param(criterion, "duration_strict")
    exposures = timeline.of(*agents)
    naive = timeline.of("status.treatment_naive")
    if naive and not exposures:
        return _result(
            criterion,
            Status.NOT_MET,
            "documented as treatment-naive",
            [_latest(naive, timeline)],
            timeline,
        )
    # The first-started exposure of each agent (the first of equal starts), and its start.
    by_agent: dict[str, Finding] = {}
    started: dict[str, dt.date] = {}
    for finding in exposures:
        start = _drug_start(finding, timeline)
        concept = finding.concept
        if concept not in started or start < started[concept]:
            by_agent[concept] = finding
            started[concept] = start
    earliest = min(by_agent.values(), key=lambda f: started[f.concept], default=None)
    # c. proteinuria not in remission
    measures = [f for f in timeline.of(*_PROTEINURIA) if isinstance(f.value, (int, float))]
    threshold = float(param(criterion, "proteinuria_threshold"))
    latest_measure = _latest([f for f in measures if _in_lookback(f, timeline)], timeline)
    remission = timeline.of("status.complete_remission")
    active_statements = timeline.of(*_ACTIVE_STATEMENTS)
    negated_remission = [
        f
        for f in timeline.of("status.complete_remission", facts_only=False)
        if f.assertion == "negated"
    ]
    active_statements += negated_remission
    if latest_measure is not None and float(latest_measure.value) < threshold:
        return _result(
            criterion,
            Status.NOT_MET,
            f"latest proteinuria {_fmt(float(latest_measure.value))} "
            f"{latest_measure.unit} on {_when(latest_measure, timeline)} is below "
            f"{_fmt(threshold)} (remission)",
            [latest_measure],
            timeline,
        )
    latest_remission = _latest(remission, timeline)
    latest_active = _latest(active_statements, timeline)
    if (
        latest_measure is None
        and latest_remission is not None
        and (
            latest_active is None
            or _when(latest_remission, timeline) >= _when(latest_active, timeline)
        )
    ):
        return _result(
            criterion,
            Status.NOT_MET,
            "documented as in complete renal remission",
            [latest_remission],
            timeline,
        )
    if earliest is not None:
        days = (timeline.as_of - started[earliest.concept]).days
        long_enough = days > min_days if strict else days >= min_days
        if not long_enough:
            return _result(
                criterion,
                Status.NOT_MET,
                f"earliest documented start of a listed agent "
                f"({_label(timeline.vocabulary, earliest.concept)}, {started[earliest.concept]}) "
                "is "
                f"{days} days before screening, not more than {min_days}",
                [earliest],
                timeline,
            )
    if len(by_agent) < min_agents:
        named = ", ".join(sorted(_label(timeline.vocabulary, a) for a in by_agent)) or "none"
        # None documented is absence; some documented is treatment the notes speak of,
        # only not enough of it to decide (one agent where two are needed).
        return _unknown(
            criterion,
            UnknownCause.PARTIAL if by_agent else UnknownCause.ABSENT,
            f"{len(by_agent)} listed agent(s) documented ({named}); {min_agents} needed",
        )
    evidence = sorted(by_agent.values(), key=lambda f: started[f.concept])
    if latest_measure is not None:
        proteinuria = (
            f"latest proteinuria {_fmt(float(latest_measure.value))} "
            f"{latest_measure.unit} on {_when(latest_measure, timeline)}"
        )
        evidence.append(latest_measure)
    elif latest_active is not None:
        proteinuria = f"'{latest_active.text}' on {_when(latest_active, timeline)}"
        evidence.append(latest_active)
    elif not param(criterion, "requires_active_proteinuria"):
        # "Inadequate response to two standard therapies for ≥ 3 months": no proteinuria
        # clause to satisfy; a documented remission was already ruled out above.
        proteinuria = "no proteinuria requirement"
    else:
        # The agents are documented: a proteinuria never measured leaves it partial.
        return _unknown(
            criterion,
            UnknownCause.STALE if measures else UnknownCause.PARTIAL,
            f"{len(by_agent)} agents documented, but no proteinuria measure in the lookback "
            "or statement of non-remission",
        )
    agents_text = ", ".join(
        f"{_label(timeline.vocabulary, f.concept)} from {started[f.concept]}"
        for f in sorted(by_agent.values(), key=lambda f: started[f.concept])
    )
    return _result(criterion, Status.MET, f"{agents_text}; {proteinuria}", evidence, timeline)


def _last_exposure(finding: Finding, timeline: Timeline) -> dt.date:
    stop = finding.attrs.get("stop_date")
    if stop:
        return stop if isinstance(stop, dt.date) else dt.date.fromisoformat(stop)
    start = finding.attrs.get("start_date")
    if start and finding.attrs.get("single_dose"):
        return start if isinstance(start, dt.date) else dt.date.fromisoformat(start)
    return timeline.note_date(finding) or timeline.as_of


def _recap_last_exposure(
    finding: Finding, exposures: list[Finding], timeline: Timeline
) -> dt.date:
    """The last exposure of a drug named only in a summary of past treatment ("refractory
    despite steroids, CTX and MMF": the note NLP's `recap`): the end of the course of that
    drug the notes document with its end (a stop date or dated doses) up to that note.
    With no such course it stays the note's date, as any undated mention: nothing then
    says the drug was not given just before."""
    last = _last_exposure(finding, timeline)
    if not finding.attrs.get("recap"):
        return last
    ends = [
        _last_exposure(f, timeline)
        for f in exposures
        if f.concept == finding.concept
        and not f.attrs.get("recap")
        and (f.attrs.get("stop_date") or f.attrs.get("single_dose"))
    ]
    documented = [end for end in ends if end <= last]
    return max(documented) if documented else last


def _exposure_concepts(criterion: Criterion, vocabulary: Vocabulary
                       ) -> tuple[str, tuple[str, ...]]:  # fmt: skip
    """The drugs' names, and the concepts that count as exposure: the drugs and the
    classes that stand for them."""
    drugs = criterion.params.get("drugs", [])
    names = ", ".join(sorted({_label(vocabulary, d) for d in drugs}))
    wanted = set(drugs)
    # "anti-CD20 therapy" in a note is a class finding: it counts for an exclusion that
    # names any of its members.
    # Only a class wholly inside the criterion's list: "anti-CD20 therapy" counts for
    # "rituximab or another anti-CD20"; "immunosuppression" says nothing of cyclophosphamide.
    # "Avoid live vaccines" is the advice most notes give, not a vaccine given: such a
    # class counts only through the vaccines a note names ("MMR given 02/10").
    classes = [c.id for c in vocabulary.by_category("drug_class")
               if set(c.members) <= wanted and not c.attrs.get("class_mention_is_advice")]
    return names, (*drugs, *classes)


def _drug_exposure(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    result = _drug_exposure_as_read(criterion, timeline)
    unless = criterion.params.get("exception_manual")
    # "Rituximab, unless B cells have returned to normal": the exception can only turn an
    # excluded patient into an eligible one (or an unmet inclusion into a met one); that
    # case is left to a person, the other stands.
    changeable = Status.MET if criterion.type == "exclusion" else Status.NOT_MET
    if unless and result.status is changeable:
        return _unknown(criterion, UnknownCause.AMBIGUOUS,
                        f"{result.reason}; {unless}: a person checks")  # fmt: skip
    return result


def _drug_exposure_as_read(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    if criterion.params.get("current"):
        return _current_drug(criterion, timeline)
    if criterion.params.get("started_within"):
        return _started_within(criterion, timeline)
    window = criterion.params.get("window_days")
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    exposures = timeline.of(*concepts)
    ever = exposures
    if window is not None:
        exposures = [
            f
            for f in exposures
            if (timeline.as_of - _recap_last_exposure(f, exposures, timeline)).days <= window
        ]
    if criterion.params.get("half_lives") and ever and not exposures:
        # "Belimumab within 3 months or 5 half-lives, whichever is longer": given before
        # the 3 months, it may still be within 5 half-lives, which the notes do not give.
        latest = _latest(ever, timeline)
        assert latest is not None
        return _result(criterion, Status.UNKNOWN,
                       f"{_label(timeline.vocabulary, latest.concept)} on "
                       f"{_when(latest, timeline)}, before the "
                       f"{window} days: is it within 5 half-lives? A person checks")  # fmt: skip
    if any(criterion.params.get(k) for k in ("dose_limits", "indication", "route")):
        return _qualified_exposure(criterion, timeline, exposures, names)
    if exposures:
        latest = _latest(exposures, timeline)
        span = f"within {window} days" if window is not None else "documented"
        status = Status.MET if criterion.type == "exclusion" else Status.MET
        return _result(
            criterion, status, f"{_label(timeline.vocabulary, latest.concept)} exposure {span}",
            [latest], timeline
        )
    if criterion.type == "exclusion":
        return _result(
            criterion, Status.NOT_MET, f"no {names} exposure documented; confirm at screening"
        )
    return _unknown(criterion, UnknownCause.ABSENT, f"no {names} exposure documented")


def _started_within(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "HCQ started within 3 months before screening": a course of a listed drug whose
    first day is in the window. A start date written in the window counts. A drug taken
    in the window whose course already ran before it (a mention before the window, not
    ended then) was not started in it. A drug first taken in the window, or again after a
    course that ended before it, with no start date written, is unknown."""
    window = int(criterion.params["window_days"])
    first_day = timeline.as_of - dt.timedelta(days=window)
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    by_concept: dict[str, list[Finding]] = {}
    for finding in timeline.of(*concepts):
        by_concept.setdefault(finding.concept, []).append(finding)
    started: list[Finding] = []
    before: list[str] = []
    unknown: list[str] = []
    for concept, findings in by_concept.items():
        written = [f for f in findings if f.attrs.get("start_date")
                   and first_day <= _drug_start(f, timeline) <= timeline.as_of]  # fmt: skip
        if written:
            started.extend(written)
            continue
        in_window = [f for f in findings if _exposure_span(f, timeline)[1] >= first_day]
        if not in_window:
            continue  # not taken in the window at all
        prior = [f for f in findings if _drug_start(f, timeline) < first_day]
        last_prior = max(prior, key=lambda f: _exposure_span(f, timeline)[1], default=None)
        label = _label(timeline.vocabulary, concept)
        if last_prior is not None:
            _, end, closed = _exposure_span(last_prior, timeline)
            if not (closed and end < first_day) and not last_prior.attrs.get("stopped"):
                before.append(f"{label} taken since {_drug_start(last_prior, timeline)} or "
                              "earlier, before the window")  # fmt: skip
                continue
        first = min(in_window, key=lambda f: _drug_start(f, timeline))
        unknown.append(f"{label} documented from {_drug_start(first, timeline)}; when that "
                       "course was started is not written")  # fmt: skip
    if started:
        latest = _latest(started, timeline)
        assert latest is not None
        return _result(criterion, Status.MET,
                       f"{_label(timeline.vocabulary, latest.concept)} started "
                       f"{_drug_start(latest, timeline)}, "
                       f"within {window} days", [latest], timeline)  # fmt: skip
    if unknown:
        return _result(criterion, Status.UNKNOWN, "; ".join(unknown))
    reason = "; ".join(before) or f"no {names} started in the window documented"
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
    return _result(criterion, Status.NOT_MET if before else Status.UNKNOWN, reason)


def _qualified_exposure(
    criterion: Criterion, timeline: Timeline, exposures: list[Finding], names: str
) -> CriterionResult:
    """A drug list whose members carry their own qualifiers: "hemodialysis,
    cyclophosphamide, or high-dose prednisone (> 100 mg/day) for active lupus nephritis
    within 90 days". A drug with a dose limit counts only at that dose (a dose not written
    is unknown); with an indication, an exposure that counts is left to a person, since
    notes do not reliably say what a drug was given for. None counting decides."""
    params = criterion.params
    limits = params.get("dose_limits") or {}
    counting: list[Finding] = []
    unread: list[str] = []
    for finding in exposures:
        limit = limits.get(finding.concept)
        if limit is None:
            counting.append(finding)
            continue
        dose, how, _ = _daily_dose(finding, limit, timeline)
        if dose is None:
            unread.append(how)
        elif _OPS[limit["dose_op"]](dose, float(limit["dose_value"])):
            counting.append(finding)
    if counting:
        decided = [f for f in counting if _route_decided(params, f)]
        latest = _latest(decided or counting, timeline)
        assert latest is not None
        found = f"{_label(timeline.vocabulary, latest.concept)} on {_when(latest, timeline)}"
        unread_qualifier = _person_checks(params)
        if unread_qualifier and not decided:
            return _unknown(criterion, UnknownCause.AMBIGUOUS, f"{found}: {unread_qualifier}")
        return _result(criterion, Status.MET, f"{found} counts", [latest], timeline)
    if unread:
        return _unknown(criterion, UnknownCause.AMBIGUOUS, "; ".join(unread))
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET,
                       f"no {names} documented that counts; confirm at screening")  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT, f"no {names} documented that counts")


def _person_checks(params: dict[str, Any]) -> str | None:
    """What notes do not say about a documented exposure that the item asks for: what
    it was given for ("for active lupus nephritis"), or how ("topical", "intralesional":
    a prednisone course in the notes is no intralesional injection)."""
    if params.get("indication"):
        return f"whether it was for {params['indication']} must be checked by a person"
    if params.get("route"):
        return (f"whether it was given {params['route']} must be checked by a person (notes "
                "do not record the route)")
    return None


def _route_decided(params: dict[str, Any], finding: Finding) -> bool:
    """A "systemic" route the finding itself shows: a drug other than a glucocorticoid
    (azathioprine is taken systemically), or a steroid named only for systemic use
    ("prednisone"; "hydrocortisone" may be a cream)."""
    if params.get("route") != SYSTEMIC_ROUTE or params.get("indication"):
        return False
    return finding.concept != "drug.glucocorticoid" or systemic_steroid(finding.text)


def _stopped(finding: Finding, timeline: Timeline) -> bool:
    """The mention says the drug was stopped, or gives a stop date already passed."""
    _, end, closed = _exposure_span(finding, timeline)
    ended = closed and not finding.attrs.get("single_dose") and end < timeline.as_of
    return bool(finding.attrs.get("stopped")) or ended


def _taking_now(
    findings: list[Finding], timeline: Timeline, window: int
) -> tuple[bool | None, Finding, dt.date, bool]:
    """Is the drug taken at as-of, judged by its latest mention: (True / False / None,
    that mention, the first day of the course, whether that day is written in a note).
    A stop date passed or "stopped" says no; a mention older than the window, or a
    single dose ("belimumab given 1 Nov", maybe one of a series), does not tell."""
    latest = _latest(findings, timeline)
    assert latest is not None
    if _stopped(latest, timeline):
        return False, latest, _drug_start(latest, timeline), True
    stale = (timeline.as_of - _last_exposure(latest, timeline)).days > window
    if stale or latest.attrs.get("single_dose"):
        return None, latest, _drug_start(latest, timeline), False
    # The course began at the earliest mention after the last stop: a later note that
    # repeats "on HCQ" does not restart it, an earlier course that ended is not it. A
    # note's date is only an upper bound of the start; a written start date is the start.
    stops = [_drug_start(f, timeline) for f in findings if _stopped(f, timeline)]
    after = max(stops, default=dt.date.min)
    course = [f for f in findings if not _stopped(f, timeline)
              and _drug_start(f, timeline) > after] or [latest]  # fmt: skip
    first = min(course, key=lambda f: _drug_start(f, timeline))
    return True, latest, _drug_start(first, timeline), first.attrs.get("start_date") is not None


def _current_drug(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """ "Currently on AZA or MMF", "stable antimalarial for ≥ 3 months", "if using HCQ,
    stable for ≥ 2 months": the drug taken now (its latest mention in the window and not
    stopped), held at least `min_duration_days`. Whether a dose was `stable` is not in
    the notes: a course long enough is unknown, for a person to check. `conditional`:
    a patient not taking the drug meets the item."""
    params = criterion.params
    window = params.get("window_days") or LOOKBACK_DAYS
    minimum = params.get("min_duration_days")
    names, concepts = _prepared(criterion, _exposure_concepts, timeline.vocabulary)
    by_concept: dict[str, list[Finding]] = {}
    for finding in timeline.of(*concepts):
        by_concept.setdefault(finding.concept, []).append(finding)
    limits = params.get("dose_limits") or {}
    # (met|short|over|off|unknown, why, evidence)
    states: list[tuple[str, str, list[Finding]]] = []
    for findings in by_concept.values():
        taking, latest, start, written = _taking_now(findings, timeline, window)
        label, when = _label(timeline.vocabulary, latest.concept), _when(latest, timeline)
        held = (timeline.as_of - start).days
        dose_state = _current_dose_state(latest, limits.get(latest.concept), timeline)
        if taking and dose_state is not None:
            # "On azathioprine or prednisone ≤ 10 mg/day": prednisone counts only at that
            # dose, read on its latest mention; a dose not written is unknown.
            states.append(dose_state)
        elif taking is False:
            states.append(("off", f"{label} stopped (mention of {when})", [latest]))
        elif taking is None:
            states.append(("unknown", f"{label}: latest mention {when} does not tell whether "
                                      "it is taken now", []))  # fmt: skip
        elif minimum and held < minimum and written:
            states.append(("short", f"{label} started {start}: {held} days, needs {minimum}",
                           [latest]))  # fmt: skip
        elif minimum and held < minimum:
            states.append(("undated", f"{label} documented since {start}; when it was "
                                      "started is not written", []))  # fmt: skip
        elif params.get("stable") or params.get("dose_judged"):
            # "a stable dose", "a maximally tolerated dose": not in the notes.
            dose = "stable" if params.get("stable") else params["dose_judged"]
            why = f"{label} taken since {start} or earlier; is its dose {dose}? A person checks"
            states.append(("unknown", why, []))
        else:
            states.append(("met", f"{label} taken now (mention of {when})", [latest]))
    unread_qualifier = _person_checks(params)
    if unread_qualifier:
        # "Lupus nephritis requiring ongoing belimumab", "currently using topical
        # tacrolimus": what it is given for, or how, is not in the notes; taking it now is
        # left to a person.
        states = [("unknown", f"{why}: {unread_qualifier}", [])
                  if state == "met" and not all(_route_decided(params, f) for f in found)
                  else (state, why, found) for state, why, found in states]  # fmt: skip
    reasons = "; ".join(why for _, why, _ in states)
    evidence = [f for _, _, found in states for f in found]
    kinds = {state for state, _, _ in states}
    if params.get("conditional"):
        if kinds & {"short", "over"}:
            return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
        if kinds & {"unknown", "undated"}:
            return _unknown(criterion, _drug_state_cause(kinds), reasons)
        if "met" in kinds:
            return _result(criterion, Status.MET, reasons, evidence, timeline)
        why = reasons or f"no {names} documented"
        return _result(criterion, Status.MET, f"{why}: the condition does not apply; confirm "
                                              "at screening", evidence, timeline)  # fmt: skip
    if "met" in kinds:
        return _result(criterion, Status.MET, reasons, evidence, timeline)
    if kinds & {"unknown", "undated"}:
        return _unknown(criterion, _drug_state_cause(kinds), reasons)
    if kinds:
        return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
    if criterion.type == "exclusion":
        return _result(criterion, Status.NOT_MET,
                       f"no current {names} documented; confirm at screening")  # fmt: skip
    return _unknown(criterion, UnknownCause.ABSENT, f"no current {names} documented")


def _drug_state_cause(kinds: set[str]) -> UnknownCause:
    """A drug taken now whose start is not written is undated; any other open state (a
    dose not written, a stable dose to confirm) is documented but does not decide."""
    return UnknownCause.AMBIGUOUS if "unknown" in kinds else UnknownCause.UNDATED


def _current_dose_state(
    latest: Finding, limit: dict[str, Any] | None, timeline: Timeline
) -> tuple[str, str, list[Finding]] | None:
    """The state of a drug taken now under its dose limit: None when it has no limit or
    the dose meets it (judged as any drug taken now), "over" when the dose does not (the
    drug does not count), "unknown" when no daily dose is written."""
    if limit is None:
        return None
    dose, how, _ = _daily_dose(latest, limit, timeline)
    if dose is None:
        return "unknown", how, []
    if _OPS[limit["dose_op"]](dose, float(limit["dose_value"])):
        return None
    op, value = limit["dose_op"], _fmt(float(limit["dose_value"]))
    return "over", f"{latest.text} {how}: not {op} {value} {limit['dose_unit']}", [latest]


def _uln(finding: Finding, concept_id: str, vocabulary: Vocabulary) -> tuple[float | None, str]:
    if finding.ref_high is not None:
        return finding.ref_high, "printed reference range"
    return _default_uln(vocabulary, concept_id), "default ULN"


def _default_uln(vocabulary: Vocabulary, concept_id: str) -> float | None:
    return _default_limit(vocabulary, concept_id, "default_uln")


@cache
def _default_limit(vocabulary: Vocabulary, concept_id: str, key: str) -> float | None:
    """The vocabulary's default_uln / default_lln of an analyte, looked up once."""
    return vocabulary[concept_id].attrs.get(key)


def _lln(finding: Finding, concept_id: str, vocabulary: Vocabulary) -> tuple[float | None, str]:
    """The lower limit of normal: the printed range's lower bound, else the vocabulary's
    default_lln (none is set today: "IgG below normal" without a printed range is unknown)."""
    if finding.ref_low is not None:
        return finding.ref_low, "printed reference range"
    return _default_limit(vocabulary, concept_id, "default_lln"), "default LLN"


def _lab_groups(criterion: Criterion) -> list[dict]:
    """The item's own thresholds, then each alternative with the item's exceptions."""
    params = criterion.params
    return [params] + [
        alt if "concepts" in alt else dict(params, **alt, exceptions=params.get("exceptions", []))
        for alt in params.get("alternatives", [])
    ]


def _lab(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """Lab thresholds. One item may state several ("proteinuria ≥ 0.5 g/day or UPCR ≥
    0.5 g/g"): each group gives true, false or unknown and `combine` joins them in
    three-valued logic. For an inclusion, true is met; for an exclusion ("Hemoglobin <
    70 g/L"), true means the patient has the excluding condition: met."""
    params = criterion.params
    analytes = params.get("analytes")
    if analytes and len(analytes) == 1 and not params.get("alternatives"):
        # One analyte, no alternatives ("ALT ≤ 3×ULN"), most lab items: its verdict is the
        # item's, as the general path below would combine it.
        truth, reasons, found = _lab_one(criterion, params, analytes[0], timeline)
        if truth is None:
            return _unknown(criterion, _lab_unknown_cause(analytes, timeline), reasons)
        if criterion.type == "exclusion":
            status = Status.MET if truth else Status.NOT_MET
            return _result(criterion, status, reasons, found, timeline)
        if truth:
            return _result(criterion, Status.MET, reasons, found, timeline)
        return _lab_failure(criterion, timeline, reasons, list(found))
    groups = _prepared(criterion, _lab_groups)
    outcomes = [_lab_group(criterion, group, timeline) for group in groups]
    measured = [o[0] for o, g in zip(outcomes, groups, strict=True) if "analytes" in g]
    truth = _combine(measured, param(criterion, "combine"))
    if any(o[0] for o, g in zip(outcomes, groups, strict=True) if "analytes" not in g):
        # A documented condition beside the thresholds ("or on dialysis") excludes by
        # itself; its absence decides nothing about the unmeasured value.
        truth = True
    reasons = "; ".join(o[1] for o in outcomes)
    evidence = [f for o in outcomes for f in o[2]]
    if truth is None:
        listed = [a for group in groups for a in group.get("analytes", [])]
        return _unknown(criterion, _lab_unknown_cause(listed, timeline), reasons)
    if criterion.type == "exclusion":
        return _result(
            criterion, Status.MET if truth else Status.NOT_MET, reasons, evidence, timeline
        )
    if truth:
        return _result(criterion, Status.MET, reasons, evidence, timeline)
    failing = [f for o in outcomes if o[0] is False for f in o[2]]
    return _lab_failure(criterion, timeline, reasons, failing)


def _stale_or_absent(findings: list[Finding]) -> UnknownCause:
    """Why no current value decides: none documented at all, or only older ones."""
    return UnknownCause.STALE if findings else UnknownCause.ABSENT


def _lab_unknown_cause(analytes: list[str], timeline: Timeline) -> UnknownCause:
    """A lab item left unknown: no value of any listed analyte is absence; values all
    older than the lookback are stale; a current value that cannot be compared (no
    reference range for "≤ 3×ULN", no weight for mg/kg/day) is ambiguous."""
    values = [f for f in timeline.of(*analytes) if isinstance(f.value, (int, float))]
    if not values:
        return UnknownCause.ABSENT
    return UnknownCause.AMBIGUOUS if any(_in_lookback(f, timeline) for f in values) \
        else UnknownCause.STALE


def _combine(values: list[bool | None], how: str) -> bool | None:
    """Three-valued join of thresholds stated together. For "or", a measured alternative
    that fails decides unless another holds: "UPCR ≥ 1.0 g/g or 24-h protein ≥ 1.0 g"
    with a UPCR of 0.8 and no 24-hour collection is not met; it is unknown only when
    nothing was measured."""
    if how == "or":
        if any(v is True for v in values):
            return True
        return False if any(v is False for v in values) else None
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _lab_group(
    criterion: Criterion, params: dict, timeline: Timeline
) -> tuple[bool | None, str, list[Finding]]:
    """Whether the stated condition holds for one group of analytes. "AST and ALT ≤ 3×ULN"
    holds when both do; an exclusion holds when any analyte meets it."""
    if "concepts" in params and "analytes" not in params:
        # A condition beside the thresholds ("... or on dialysis"): documented or not.
        found = timeline.of(*params["concepts"])
        names = ", ".join(_label(timeline.vocabulary, c) for c in params["concepts"])
        if found:
            return True, f"{names} documented", [_latest(found, timeline)]
        return False, f"{names} not documented", []
    verdicts = [
        _lab_one(criterion, params, analyte, timeline) for analyte in params.get("analytes", [])
    ]
    reasons = "; ".join(v[1] for v in verdicts)
    if criterion.type == "exclusion":
        holding = [f for v in verdicts if v[0] is True for f in v[2]]
        if holding:
            return True, reasons, holding
        if any(v[0] is None for v in verdicts):
            return None, reasons, []
        return False, reasons, [f for v in verdicts for f in v[2]]
    failing = [f for v in verdicts if v[0] is False for f in v[2]]
    if any(v[0] is False for v in verdicts):
        return False, reasons, failing
    if any(v[0] is None for v in verdicts):
        return None, reasons, []
    return True, reasons, [f for v in verdicts for f in v[2]]


def _lab_failure(
    criterion: Criterion, timeline: Timeline, reasons: str, evidence: list[Finding]
) -> CriterionResult:
    params = criterion.params
    for exception in params.get("exceptions", []):
        if exception.get("then") == "manual" and _has_condition(timeline, exception["if"]):
            return _result(
                criterion,
                Status.MANUAL,
                f"{reasons}; patient has {_label(timeline.vocabulary, exception['if'])}, which the "
                "criterion exempts: investigator decides",
                evidence,
                timeline,
            )
    if params.get("below_manual"):
        return _result(
            criterion, Status.MANUAL, f"{reasons}; {params['below_manual']}", evidence, timeline
        )
    return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)


def _lab_one(
    criterion: Criterion, params: dict, analyte: str, timeline: Timeline
) -> tuple[bool | None, str, tuple[Finding, ...]]:
    """One analyte against the group's limit: the latest value, and with "repeat" (a
    persistent or confirmed limit) the value before it as well."""
    truth, reason, found = _lab_latest(criterion, params, analyte, timeline)
    if not params.get("repeat") or truth is not True or not found:
        return truth, reason, found
    return _lab_repeated(params, analyte, timeline, found[0], reason)


def _lab_repeated(
    params: dict, analyte: str, timeline: Timeline, latest: Finding, reason: str
) -> tuple[bool | None, str, tuple[Finding, ...]]:
    """ "Persistent proteinuria ≥ 1 g/24h": the latest value met the limit; the one
    before it (another day, within LOOKBACK_DAYS of it) must too. None without one."""
    when = _when(latest, timeline)
    earlier = [
        f
        for f in timeline.of(analyte)
        if isinstance(f.value, (int, float))
        and 0 < (when - _when(f, timeline)).days <= LOOKBACK_DAYS
    ]
    if not earlier:
        return None, f"{reason}; persistent: no earlier value within {LOOKBACK_DAYS} days", ()
    previous = _latest(earlier, timeline)
    limit = _limit(params, analyte, previous, timeline)
    if limit is None:
        return None, f"{reason}; the earlier value has no reference range", ()
    ok = _OPS[params["op"]](float(previous.value), limit)
    shown = f"earlier {_fmt(float(previous.value))} on {_when(previous, timeline)}"
    return ok, f"{reason}; {shown} {'also meets it' if ok else 'does not'}", (latest, previous)


def _limit(params: dict, analyte: str, finding: Finding, timeline: Timeline) -> float | None:
    """The number a value is compared with: the stated value, or the multiple of the ULN
    (its exception's multiple for a patient with that condition) of the finding's range."""
    if "lln_multiple" in params:
        lln, _ = _lln(finding, analyte, timeline.vocabulary)
        return None if lln is None else float(params["lln_multiple"]) * lln
    if "uln_multiple" not in params:
        return float(params["value"])
    uln, _ = _uln(finding, analyte, timeline.vocabulary)
    return None if uln is None else _uln_multiple(params, timeline) * uln


def _uln_multiple(params: dict, timeline: Timeline) -> float:
    multiple = float(params["uln_multiple"])
    for exception in params.get("exceptions", []):
        if "uln_multiple" in exception and _has_condition(timeline, exception["if"]):
            multiple = float(exception["uln_multiple"])
    return multiple


def _lab_latest(
    criterion: Criterion, params: dict, analyte: str, timeline: Timeline
) -> tuple[bool | None, str, tuple[Finding, ...]]:
    label = _label(timeline.vocabulary, analyte)
    values = [f for f in timeline.of(analyte) if isinstance(f.value, (int, float))]
    latest, why = _current(values, timeline, label)
    if latest is None and analyte == "lab.egfr":
        computed = _schwartz(timeline)
        if computed is not None:
            value, creatinine, height = computed
            ok = _OPS[params["op"]](value, float(params["value"]))
            return (
                ok,
                f"eGFR {value:.0f} by bedside Schwartz (creatinine "
                f"{_fmt(float(creatinine.value))} µmol/L on {_when(creatinine, timeline)}, "
                f"height {_fmt(float(height.value))} cm on {_when(height, timeline)})",
                (creatinine, height),
            )
    if latest is None:
        return None, why or f"no {label}", ()
    value = float(latest.value)
    when = _when(latest, timeline)
    if params.get("per_weight"):
        # "Proteinuria ≥ 25 mg/kg/day": the day's amount (canonical g/day) per kg of the
        # most recent weight.
        weight = _recent_weight(timeline)
        if weight is None:
            return None, f"{label} {_fmt(value)} {latest.unit or ''} on {when}; no body weight "\
                f"in the last {_WEIGHT_DAYS} days to divide it by", ()
        per_kg = value * 1000.0 / float(weight.value)
        ok = _OPS[params["op"]](per_kg, float(params["value"]))
        reason = (
            f"{label} {_fmt(value)} {latest.unit or ''} on {when} / weight "
            f"{_fmt(float(weight.value))} kg = {_fmt(per_kg)} mg/kg/day "
            f"{_needs(params['op'], params['value'])}"
        )
        return ok, reason, (latest, weight)
    if "lln_multiple" in params:
        multiple = float(params["lln_multiple"])
        lln, source = _lln(latest, analyte, timeline.vocabulary)
        if lln is None:
            return None, f"{label} {_fmt(value)} has no reference range to give its lower " \
                "limit", ()
        limit = multiple * lln
        ok = _OPS[params["op"]](value, limit)
        reason = (
            f"{label} {_fmt(value)} {latest.unit or ''} on {when}; limit "
            f"{_fmt(multiple)}×LLN = {_fmt(round(limit, 3))} ({source} {_fmt(lln)})"
        )
        return ok, reason, (latest,)
    if "uln_multiple" in params:
        multiple = _uln_multiple(params, timeline)
        uln, source = _uln(latest, analyte, timeline.vocabulary)
        if uln is None:
            return None, f"{label} {_fmt(value)} has no reference range and no default ULN", ()
        limit = multiple * uln
        ok = _OPS[params["op"]](value, limit)
        reason = (
            f"{label} {_fmt(value)} {latest.unit or ''} on {when}; limit "
            f"{_fmt(multiple)}×ULN = {_fmt(round(limit, 3))} ({source} {_fmt(uln)})"
        )
        return ok, reason, (latest,)
    ok = _OPS[params["op"]](value, float(params["value"]))
    needs = _needs(params["op"], params["value"])
    reason = f"{label} {_fmt(value)} {latest.unit or ''} on {when} {needs}"
    if ok and params.get("csf_free_days") is not None:
        window = int(params["csf_free_days"])
        doses = [
            f
            for f in timeline.of("drug.gcsf")
            if 0 <= (when - _drug_start(f, timeline)).days <= window
        ]
        if doses:
            dose = _latest(doses, timeline)
            return (
                False,
                f"{reason}, but a colony-stimulating factor was given on "
                f"{_drug_start(dose, timeline)}, within {window} days before the count",
                (latest, dose),
            )
    return ok, reason, (latest,)


@cache
def _needs(op: str, threshold: float) -> str:
    """ "(needs >= 1)": the same few thresholds for every patient."""
    return f"(needs {op} {_fmt(float(threshold))})"


def _schwartz(timeline: Timeline) -> tuple[float, Finding, Finding] | None:
    """Bedside Schwartz: eGFR = 36.5 × height (cm) / creatinine (µmol/L)."""
    creatinines = [
        f
        for f in timeline.of("lab.creatinine")
        if isinstance(f.value, (int, float)) and f.value > 0 and _in_lookback(f, timeline)
    ]
    heights = [
        f
        for f in timeline.of("lab.height")
        if isinstance(f.value, (int, float))
        and 0 <= (timeline.as_of - _when(f, timeline)).days <= 365
    ]
    creatinine, height = _latest(creatinines, timeline), _latest(heights, timeline)
    if creatinine is None or height is None:
        return None
    return 36.5 * float(height.value) / float(creatinine.value), creatinine, height


def _cd19(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    results = [f for f in timeline.of("lab.cd19") if "present" in f.attrs]
    results += [f for f in timeline.of("status.b_cell_depleted")]
    latest, why = _current(results, timeline, "CD19 flow cytometry result")
    if latest is None:
        return _unknown(criterion, _stale_or_absent(results), why or "")
    if "op" in criterion.params:
        return _cd19_threshold(criterion, timeline, latest)
    present = latest.attrs.get("present", False) if latest.concept == "lab.cd19" else False
    status = Status.MET if present else Status.NOT_MET
    described = "present" if present else "absent"
    return _result(
        criterion,
        status,
        f"CD19+ B cells {described} on {_when(latest, timeline)} ('{latest.text}')",
        [latest],
        timeline,
    )


def _cd19_threshold(criterion: Criterion, timeline: Timeline, latest: Finding) -> CriterionResult:
    """ "CD19+ B-cell count < 5 cells/µL": compare the count (or percent) the flow gave;
    a depleted panel ("B cells 0%", "undetectable") is a count of zero."""
    params = criterion.params
    if params.get("unit") == "/uL":
        value = latest.attrs.get("count_per_ul")
    else:
        value = (
            latest.value
            if latest.unit == "%"
            else (0.0 if latest.attrs.get("present") is False else None)
        )
    if value is None:
        return _unknown(
            criterion,
            UnknownCause.AMBIGUOUS,
            f"latest CD19 result on {_when(latest, timeline)} gives no value in "
            f"{params.get('unit')}",
        )
    holds = _OPS[params["op"]](float(value), float(params["value"]))
    status = Status.MET if holds else Status.NOT_MET
    return _result(
        criterion,
        status,
        f"CD19+ B cells {_fmt(float(value))} {params.get('unit')} on "
        f"{_when(latest, timeline)} (condition {params['op']} "
        f"{_fmt(float(params['value']))})",
        [latest],
        timeline,
    )


def _ana(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    minimum = float(param(criterion, "min_titre"))
    results = timeline.of("lab.ana", facts_only=False)
    results = [f for f in results if f.assertion in ("affirmed", "historical", "negated")]
    titres = [f for f in results if isinstance(f.value, (int, float))]
    high = [f for f in titres if f.value >= minimum]
    if high:
        best = max(high, key=lambda f: f.value)
        return _result(
            criterion,
            Status.MET,
            f"ANA 1:{int(best.value)} on {_when(best, timeline)}",
            [best],
            timeline,
        )
    negative = [
        f
        for f in results
        if f.attrs.get("result") == "negative" and f.value is None or f.assertion == "negated"
    ]
    low = [f for f in titres if f.value < minimum]
    if low or negative:
        latest = _latest(low + negative, timeline)
        shown = f"1:{int(latest.value)}" if latest.value else "negative"
        return _result(
            criterion,
            Status.NOT_MET,
            f"ANA {shown} (needs ≥ 1:{int(minimum)}), no higher titre documented",
            [latest],
            timeline,
        )
    if results:
        return _unknown(criterion, UnknownCause.AMBIGUOUS, "ANA positive but no titre documented")
    return _unknown(criterion, UnknownCause.ABSENT, "no ANA result documented")


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


# ----------------------------------------------------- kinds of matcher.criteria.kinds
_WEIGHT_DAYS = 365  # a weight a year old still scales a dose or a protein amount
# A pregnancy documented before the lookback may still go on: up to a term's length the
# state is unknown rather than over ("12 weeks pregnant" five months before screening).
_PREGNANCY_TERM_DAYS = 280


def _recent_weight(timeline: Timeline) -> Finding | None:
    weights = [
        f
        for f in timeline.of("lab.weight")
        if isinstance(f.value, (int, float))
        and f.value > 0
        and 0 <= (timeline.as_of - _when(f, timeline)).days <= _WEIGHT_DAYS
    ]
    return _latest(weights, timeline)


def _and3(values: Iterable[bool | None]) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


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


def _infection_check(timeline: Timeline, infection: str, ever: bool) -> _Check:
    """An infection (dx.hbv, dx.hcv, dx.hiv) from its markers (concepts.jsonl: current or
    past ones) and from diagnosis mentions. A positive anti-HCV with a later negative HCV
    RNA is a cleared infection, not a current one."""
    attrs = timeline.vocabulary[infection].attrs
    markers = attrs.get("past_markers" if ever else "current_markers", [])
    checks = [_marker_check(timeline, m, ever) for m in markers]
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
        and (ever or persistent or _in_lookback(f, timeline))
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
    checks = [_marker_check(timeline, m, ever, window, equivocal)
              for m in params.get("markers", [])]  # fmt: skip
    checks += [_infection_check(timeline, i, ever) for i in params.get("infections", [])]
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


def _exposure_span(finding: Finding, timeline: Timeline) -> tuple[dt.date, dt.date, bool]:
    """(first day, last known day, whether the course is known to have ended there)."""
    start = _drug_start(finding, timeline)
    stop = finding.attrs.get("stop_date")
    if isinstance(stop, str):
        stop = dt.date.fromisoformat(stop)
    if stop:
        return start, max(start, stop), True
    if finding.attrs.get("single_dose"):
        return start, start, True
    documented = finding.attrs.get("documented_by")
    if isinstance(documented, str):
        documented = dt.date.fromisoformat(documented)
    seen = documented or timeline.note_dates.get(finding.note_id) or start
    return start, max(start, seen), False


def _daily_dose(
    finding: Finding, params: dict[str, Any], timeline: Timeline
) -> tuple[float | None, str, Finding | None]:
    """The finding's daily dose in the criterion's unit (prednisone-equivalent when asked),
    or None and why it cannot be read, and the weight used, if any."""
    dose = finding.attrs.get("dose")
    when = _when(finding, timeline)
    if not dose:
        return None, f"{finding.text} on {when}: dose not documented", None
    if dose.get("basis") == "m2":
        return None, f"{finding.text} on {when}: dose per body surface", None
    per_day = dose.get("per_day")
    if per_day is None and finding.concept == "drug.glucocorticoid":
        per_day = dose.get("amount")  # a steroid pulse is that day's dose
    daily = milligrams(float(per_day), str(dose.get("unit"))) if per_day is not None else None
    if daily is None:
        return None, f"{finding.text} on {when}: no daily dose", None
    if params.get("prednisone_equivalent"):
        factor = steroid_factor(finding.text)
        if factor is None:
            return None, f"'{finding.text}' on {when}: which steroid is not said", None
        daily *= factor
    per_kg = dose.get("basis") == "kg"
    if params.get("dose_unit") == "mg/kg/day" and not per_kg:
        weight = _recent_weight(timeline)
        if weight is None:
            return None, f"{finding.text} on {when}: no weight to scale the dose by", None
        kg = float(weight.value)
        return daily / kg, f"{_fmt(daily)} mg/day / {_fmt(kg)} kg", weight
    if params.get("dose_unit") == "mg/day" and per_kg:
        weight = _recent_weight(timeline)
        if weight is None:
            return None, f"{finding.text} on {when}: dose per kg and no weight", None
        kg = float(weight.value)
        return daily * kg, f"{_fmt(daily)} mg/kg x {_fmt(kg)} kg", weight
    return daily, f"{_fmt(daily)} {params.get('dose_unit')}", None


def _dose_exposure(criterion: Criterion, timeline: Timeline) -> CriterionResult:
    """A drug above or below a dose: any exposure overlapping the window, or the current
    (latest) one when there is no window. A dose that cannot be read makes the criterion
    unknown, never met."""
    params = criterion.params
    names = ", ".join(sorted({_label(timeline.vocabulary, d) for d in params.get("drugs", [])}))
    if params.get("cumulative"):
        return _cumulative_dose(criterion, timeline, names)
    window = params.get("window_days")
    as_of = timeline.as_of
    first_day = as_of - dt.timedelta(days=window if window is not None else LOOKBACK_DAYS)
    courses = []
    for finding in timeline.of(*params.get("drugs", [])):
        start, end, closed = _exposure_span(finding, timeline)
        if end >= first_day and start <= as_of:
            courses.append((finding, start, end, closed))
    if params.get("conditional") and window is None:
        # "If on glucocorticoids, ≤ 10 mg/day": a course already ended is not taken now.
        courses = [c for c in courses if not (c[3] and c[2] < as_of)]
    if not courses:
        reason = f"no {names} exposure documented in the window"
        if params.get("conditional"):
            return _result(criterion, Status.MET,
                           f"{reason}: the condition does not apply; confirm at screening")
        if criterion.type == "exclusion":
            return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
        return _unknown(criterion, UnknownCause.ABSENT, reason)
    if window is None:
        # The current dose: the course documented last.
        courses = [max(courses, key=lambda c: (c[2], c[1], c[0].start))]
    op, limit = params["dose_op"], float(params["dose_value"])
    minimum = params.get("min_duration_days")
    verdicts: list[tuple[bool | None, str, list[Finding]]] = []
    for finding, start, end, closed in courses:
        dose, how, weight = _daily_dose(finding, params, timeline)
        evidence = [finding] + ([weight] if weight is not None else [])
        if dose is None:
            verdicts.append((None, how, []))
            continue
        ok = _OPS[op](dose, limit)
        reason = f"{finding.text} {how} = {_fmt(dose)} {params['dose_unit']} from {start}"
        if ok and minimum:
            days = (min(end, as_of) - max(start, first_day)).days + 1
            enough = days > minimum if params.get("duration_strict") else days >= minimum
            if not enough:
                verdicts.append(
                    (False if closed else None,
                     f"{reason}: {days} days in the window "
                     + ("(ended)" if closed else "documented; how long it went on is not known"),
                     evidence)
                )  # fmt: skip
                continue
        verdicts.append((ok, f"{reason} (needs {op} {_fmt(limit)})", evidence))
    reasons = "; ".join(v[1] for v in verdicts)
    if any(v[0] is True for v in verdicts):
        evidence = [f for v in verdicts if v[0] is True for f in v[2]]
        if params.get("stable"):
            # "A stable dose of prednisone ≤ 10 mg/day": within the limit now; whether it
            # stayed the same is not in the notes.
            return _unknown(criterion, UnknownCause.AMBIGUOUS,
                            f"{reasons}; was the dose stable? A person checks")  # fmt: skip
        return _result(criterion, Status.MET, reasons, evidence, timeline)
    if all(v[0] is False for v in verdicts):
        evidence = [f for v in verdicts for f in v[2]]
        return _result(criterion, Status.NOT_MET, reasons, evidence, timeline)
    # A course is documented; its dose or how long it went on is not.
    return _unknown(criterion, UnknownCause.AMBIGUOUS, reasons)


def _course_total(finding: Finding) -> float | None:
    """Grams given in the course a finding documents: a stated cumulative dose, or a dose
    times its count ("500 mg x 6" = 3 g)."""
    total = finding.attrs.get("cumulative_dose")
    if total:
        return grams(float(total["amount"]), str(total["unit"]))
    dose, count = finding.attrs.get("dose"), finding.attrs.get("dose_count")
    if dose and count and not dose.get("basis"):
        return grams(float(dose["amount"]) * int(count), str(dose["unit"]))
    return None


def _cumulative_dose(criterion: Criterion, timeline: Timeline, names: str) -> CriterionResult:
    params = criterion.params
    window = params.get("window_days")
    exposures = [
        f
        for f in timeline.of(*params.get("drugs", []))
        if window is None or (timeline.as_of - _last_exposure(f, timeline)).days <= window
    ]
    if not exposures:
        reason = f"no {names} exposure documented"
        if criterion.type == "exclusion":
            return _result(criterion, Status.NOT_MET, f"{reason}; confirm at screening")
        return _unknown(criterion, UnknownCause.ABSENT, reason)
    stated = [f for f in exposures if f.attrs.get("cumulative_dose")]
    courses: dict[tuple[Any, float], Finding] = {}
    unread = []
    for finding in exposures:
        total = _course_total(finding)
        if total is None:
            unread.append(finding)
        elif finding not in stated:
            # The same course is often copied into several notes: counted once per start.
            courses.setdefault((finding.attrs.get("start_date"), total), finding)
    summed = sum(k[1] for k in courses)
    best_stated = max((_course_total(f) or 0.0 for f in stated), default=0.0)
    best = max(summed, best_stated)
    evidence = list(courses.values()) + stated
    op, limit = params["dose_op"], float(params["dose_value"])
    holds = _OPS[op](best, limit)
    reason = f"documented cumulative {names} {_fmt(best)} g (needs {op} {_fmt(limit)} g)"
    if holds and op in (">", ">="):
        return _result(criterion, Status.MET, reason, evidence, timeline)
    if unread:
        return _unknown(
            criterion,
            UnknownCause.AMBIGUOUS,
            f"{reason}; {len(unread)} course(s) with no readable total dose",
        )
    status = Status.MET if holds else Status.NOT_MET
    return _result(criterion, status, reason, evidence, timeline)


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
            parts.append((at_least, f"{names} documented on {first_seen}, {seen_days} days ago"))
        elif diagnosed_on is not None:
            days = (as_of - diagnosed_on).days
            parts.append((not at_least, f"{names} diagnosed on {diagnosed_on}, {days} days ago"))
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
