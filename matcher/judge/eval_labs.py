"""Decides laboratory criteria: one analyte or groups of them against a fixed limit, a multiple
of the upper or lower limit of normal (the value's printed range, else the vocabulary's
default), repeated values, the Schwartz eGFR, the CD19 B-cell count and the ANA titre.
Example: "ALT <= 2.5 x ULN" with ALT 96 U/L and a printed ULN of 40 is met (2.4 x ULN); with
no ALT in the lookback it is unknown (absent).
"""

from __future__ import annotations

from functools import cache

from matcher.criteria.params import param
from matcher.judge.eval_common import (
    _OPS,
    _WEIGHT_DAYS,
    _current,
    _fmt,
    _has_condition,
    _in_lookback,
    _label,
    _latest,
    _prepared,
    _recent_weight,
    _result,
    _unknown,
    _when,
)
from matcher.judge.eval_drugs import _drug_start
from matcher.judge.timeline import Timeline
from matcher.model import (
    LOOKBACK_DAYS,
    ULN_MULTIPLE_UNIT,
    Criterion,
    CriterionResult,
    Finding,
    Status,
    UnknownCause,
)
from matcher.nlp.vocab import Vocabulary


def _uln(finding: Finding, concept_id: str, vocabulary: Vocabulary) -> tuple[float | None, str]:
    if finding.ref_high is not None:
        return finding.ref_high, "printed reference range"
    return _default_uln(vocabulary, concept_id), "default ULN"


# How far back a value restated without its range may find the printing it restates.
_RESTATED_DAYS = 14


def _printed_before_restated(latest: Finding, analyte: str, timeline: Timeline) -> Finding | None:
    """The earlier printing, with its reference range, of the value `latest` restates
    without one: the lab sheet of the 25th prints "GPT/ALT 98 U/L 0-30", the letter of the
    27th says "ALT 98, more than 3 times our upper limit". It is one measurement, and its
    range is the printed one: the default ULN (ALT 40) would let 98 pass a 2.5×ULN limit
    the lab's 30 fails. Only the same value, printed within _RESTATED_DAYS before."""
    if latest.ref_high is not None or latest.value is None:
        return None
    when = _when(latest, timeline)
    for finding in reversed(timeline.of(analyte)):
        if finding is latest or finding.ref_high is None or finding.value is None:
            continue
        gap = (when - _when(finding, timeline)).days
        if 0 <= gap <= _RESTATED_DAYS and float(finding.value) == float(latest.value):
            return finding
    return None


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
    # Each clause once: "BMI < 18 or BMI > 35" reads one missing BMI, not "no body mass
    # index documented; no body mass index documented".
    reasons = "; ".join(dict.fromkeys(part for o in outcomes for part in o[1].split("; ")))
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
    if previous.unit == ULN_MULTIPLE_UNIT and "uln_multiple" not in params:
        return None, f"{reason}; the earlier value is written as a multiple of the ULN", ()
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
    if latest.unit == ULN_MULTIPLE_UNIT and "uln_multiple" not in params:
        # "ALAT 2 x N" against "ALT < 100 U/L": the lab's ULN is not printed, so the value
        # in U/L is not known (2 × 40 would guess it).
        return None, (
            f"{label} written as {_fmt(value)} × the upper limit of normal on {when}, "
            "without the laboratory's limit: cannot be compared with an absolute limit"
        ), ()
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
        evidence: tuple[Finding, ...] = (latest,)
        printed = _printed_before_restated(latest, analyte, timeline)
        if printed is not None:
            uln = printed.ref_high
            source = f"reference range printed with the same value on {_when(printed, timeline)}"
            evidence = (latest, printed)
        if uln is None:
            return None, f"{label} {_fmt(value)} has no reference range and no default ULN", ()
        if latest.unit == ULN_MULTIPLE_UNIT:
            # "ASAT 3,5 x N" against "≤ 3 × ULN": multiple with multiple.
            ok = _OPS[params["op"]](value, multiple)
            return ok, (
                f"{label} {_fmt(value)} × ULN on {when} (written as a multiple of the upper "
                f"limit of normal); limit {_fmt(multiple)}×ULN"
            ), evidence
        limit = multiple * uln
        ok = _OPS[params["op"]](value, limit)
        reason = (
            f"{label} {_fmt(value)} {latest.unit or ''} on {when}; limit "
            f"{_fmt(multiple)}×ULN = {_fmt(round(limit, 3))} ({source} {_fmt(uln)})"
        )
        return ok, reason, evidence
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
