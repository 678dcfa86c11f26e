"""Each criterion read back in plain words, from its params alone.

`trial show` prints this reading beside the registry's own words so that a coordinator
can see at a glance what the engine will check: "EXCLUDE if: rituximab given within 183
days before screening" beside "Rituximab within 6 months". It is never an echo of the
text: a reading that says something the text does not is the bug to look for.

    INCLUDE if: age 6 to 18 years
    INCLUDE if: latest platelet count ≥ 75 ×10⁹/L
    EXCLUDE if: rituximab given within 183 days before screening
    MANUAL: not understood: "transfusion-independent"
    ANY OF (group 1): INCLUDE if: ANA titre ≥ 1:80 ever documented
    COHORT Population 3: INCLUDE if: ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from matcher.model import LOOKBACK_DAYS, SYSTEMIC_ROUTE, Criterion
from matcher.nlp.vocab import Vocabulary, load_vocabulary

__all__ = ["READING_KINDS", "reading"]

_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_UNITS = {"x10^9/L": "×10⁹/L", "umol/L": "µmol/L", "mL/min/1.73m2": "mL/min/1.73 m²",
          "kg/m2": "kg/m²", "ratio": "", "titre": ""}  # fmt: skip
_SHOWN_DRUGS = 6


def format_number(value: Any) -> str:
    """75.0 -> '75', 0.5 -> '0.5': a value as a reader writes it."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _label(concept_id: str, vocab: Vocabulary) -> str:
    return vocab[concept_id].label if concept_id in vocab else concept_id


def _either(items: Sequence[str], word: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _names(concepts: Sequence[str], vocab: Vocabulary, word: str = "or") -> str:
    names = [_label(c, vocab) for c in concepts]
    if len(names) > _SHOWN_DRUGS:
        shown = ", ".join(names[:_SHOWN_DRUGS])
        return f"{shown} {word} {len(names) - _SHOWN_DRUGS} more"
    return _either(names, word)


def _window(days: Any) -> str:
    return "at any time" if days is None else f"within {days} days before screening"


def _threshold(params: dict[str, Any]) -> str:
    if "low" in params or "high" in params:
        return f"{format_number(params.get('low'))} to {format_number(params.get('high'))}"
    op = _OPS.get(params.get("op", ""), params.get("op", "?"))
    if "uln_multiple" in params:
        return f"{op} {format_number(params['uln_multiple'])} × ULN"
    if "lln_multiple" in params:
        return f"{op} {format_number(params['lln_multiple'])} × LLN"
    unit = _UNITS.get(params.get("unit") or "", params.get("unit") or "")
    return f"{op} {format_number(params.get('value'))} {unit}".rstrip()


def _age(p: dict[str, Any], vocab: Vocabulary) -> str:
    low, high = p.get("min_years"), p.get("max_years")
    if p.get("min_months") is not None or p.get("max_months") is not None:
        low, high = p.get("min_months"), p.get("max_months")
        if low is not None and high is not None:
            return f"age {low} to {high} months (completed)"
        return f"age ≥ {low} months" if low is not None else f"age ≤ {high} months (completed)"
    if low is not None and high is not None:
        return f"age {low} to {high} years"
    return f"age ≥ {low} years" if low is not None else f"age ≤ {high} years"


def _diagnosis(p: dict[str, Any], vocab: Vocabulary) -> str:
    system = f" ({p['system']})" if p.get("system") else ""
    if p.get("temporality") == "current" and p.get("course_classes") and not p.get("window_days"):
        # "Active infection requiring IV antibiotics at screening": a course running now.
        when = "now (at the latest note before screening)"
    elif p.get("temporality") == "current":
        # "Active tuberculosis": the lookback, and never a past history.
        when = (f"as current (in the {p.get('window_days')} days before screening; a past "
                "history does not count)")  # fmt: skip
    else:
        when = _window(p.get("window_days"))
    text = f"{_names(p.get('concepts', []), vocab)}{system} documented {when}"
    if p.get("included"):
        # "..., including active tuberculosis": the named infection in the lookback.
        text += (f" ({_names(p['included'], vocab)} documented in the "
                 f"{p.get('window_days') or LOOKBACK_DAYS} days before screening counts)")
    if p.get("except_concepts"):
        text += f" (not counting {_names(p['except_concepts'], vocab)})"
    if p.get("other_than_own"):
        text += " (other than the trial's own condition, which is not one of them)"
    if p.get("course_classes"):
        # "Infection requiring IV anti-infective treatment": notes write the course.
        route = p.get("course_route") or "intravenous"
        how = "systemically" if route == "systemic" else f"{route}ly"
        text += (f", or a course of {_names(p['course_classes'], vocab)} given {how} "
                 "then (one of unknown route, or an infection, is checked by a person; with "
                 "no note in the lookback it is unknown)")  # fmt: skip
    elif p.get("screen_concepts"):
        # "Infection requiring hospitalisation": notes name the infection, not its course.
        text += (f"; decided only when no {_names(p['screen_concepts'], vocab)} is documented "
                 "then: a documented one is checked by a person")  # fmt: skip
    if p.get("bare_current"):
        # "Heart valve disease": named with no time word, read as the disease now.
        text += ("; named with no time word: one documented only before then is checked by "
                 "a person")  # fmt: skip
    if p.get("lifelong"):
        # "Diabetes mellitus": a disease that does not resolve holds from an older mention.
        text += ("; a disease that does not resolve (criteria_temporality.json) documented "
                 "before then still counts, unless a later note rules it out")
    if p.get("long_standing"):
        # "Chronic liver disease": one documented before the lookback may still hold.
        text += "; a long-standing condition: one documented before then is checked by a person"
    if p.get("suspected"):
        # "Known or suspected infection": the notes record a suspicion as uncertain.
        text += "; a suspicion documented then is checked by a person"
    return text + _judged(p)


def _biopsy(p: dict[str, Any], vocab: Vocabulary) -> str:
    classes = _either(p.get("classes", []))
    extra = f" (class {_either(p['allowed_with'], 'and')} allowed alongside)" if p.get(
        "allowed_with") else ""
    text = f"latest kidney biopsy shows class {classes}{extra}, {_window(p.get('window_days'))}"
    if p.get("or_no_biopsy"):
        text += "; or no kidney biopsy (with none documented: unknown, confirm at screening)"
    return text + _judged(p)


def _judged(p: dict[str, Any]) -> str:
    """ "Severe active lupus nephritis": the notes cannot tell the degree."""
    if not p.get("judged"):
        return ""
    return (f"; only its absence is decided: when documented, a person judges whether it is "
            f"{_either(p['judged'], 'and')}")  # fmt: skip


def _score(p: dict[str, Any], vocab: Vocabulary) -> str:
    return f"latest {_label(p.get('concept', ''), vocab)} {_threshold(p)}"


def _refractory(p: dict[str, Any], vocab: Vocabulary) -> str:
    duration = p.get("min_duration_days") or 0
    strict = "more than" if p.get("duration_strict") else "at least"
    text = f"at least {p.get('min_agents')} of {_names(p.get('agents', []), vocab)} given"
    if duration:
        text += f", the first started {strict} {duration} days before screening"
    if p.get("requires_active_proteinuria"):
        threshold = format_number(p.get("proteinuria_threshold", 0.5))
        text += f", and proteinuria not in remission (≥ {threshold})"
    return text


def _dose_limits(p: dict[str, Any], vocab: Vocabulary) -> str:
    """ "glucocorticoid only at > 100 mg/day (as prednisone)" per limited drug."""
    parts = []
    for drug, limit in (p.get("dose_limits") or {}).items():
        op = _OPS.get(limit.get("dose_op", ""), limit.get("dose_op", "?"))
        dose = f"{op} {format_number(limit.get('dose_value'))} {limit.get('dose_unit')}"
        parts.append(f"{_label(drug, vocab)} only at {dose} (as prednisone)")
    return f" ({'; '.join(parts)})" if parts else ""


def _drug_exposure(p: dict[str, Any], vocab: Vocabulary) -> str:
    text = _drug_use(p, vocab)
    if p.get("indication"):
        text += f"; one found is checked by a person: was it for {p['indication']}?"
    if p.get("also_during_study"):
        text += "; use during the study is checked at the study's visits"
    if p.get("route") == SYSTEMIC_ROUTE:
        # decided on prednisone and the like; "hydrocortisone" may be a cream
        text += ("; a steroid not named for systemic use only (hydrocortisone, 'steroids') "
                 "is checked by a person: was it given systemically?")
    elif p.get("route"):
        text += f"; one found is checked by a person: was it given {p['route']}?"
    if p.get("exception_manual"):
        text += f"; {p['exception_manual']}: a person checks"
    if p.get("half_lives"):
        text += ("; one given before that may still be within 5 half-lives (whichever is "
                 "longer): a person checks")
    return text


def _drug_use(p: dict[str, Any], vocab: Vocabulary) -> str:
    names = _names(p.get("drugs", []), vocab)
    if p.get("started_within"):
        return f"{names} started (a course whose first day is) {_window(p.get('window_days'))}"
    if not p.get("current"):
        given = f"{names}{_dose_limits(p, vocab)} given {_window(p.get('window_days'))}"
        return f"{given}, or taken now" if p.get("or_current") else given
    # "currently on", "stable for ≥ 3 months", "if using HCQ, ...": what is checked now.
    text = f"{names}{_dose_limits(p, vocab)} currently taken (latest mention within " \
        f"{p.get('window_days')} days, not stopped)"
    if p.get("min_duration_days"):
        text += f", for at least {p['min_duration_days']} days"
    if p.get("stable"):
        text += "; a stable dose is checked by a person"
    if p.get("dose_judged"):
        text += f"; the {p['dose_judged']} dose is checked by a person"
    return f"if on {names}: {text}" if p.get("conditional") else text


def _lab_group(group: dict[str, Any], vocab: Vocabulary) -> str:
    if "concepts" in group and "analytes" not in group:
        return f"{_names(group['concepts'], vocab)} documented"
    return f"latest {_names(group.get('analytes', []), vocab, 'and')} {_threshold(group)}"


def _lab(p: dict[str, Any], vocab: Vocabulary) -> str:
    groups = [_lab_group(p, vocab)] + [_lab_group(a, vocab) for a in p.get("alternatives", [])]
    text = _either(groups, p.get("combine", "and"))
    for exception in p.get("exceptions", []):
        then = "investigator decides" if exception.get("then") == "manual" else _threshold(
            {"op": p.get("op"), **{k: v for k, v in exception.items() if k != "if"},
             "unit": p.get("unit")})
        text += f"; with {_label(exception['if'], vocab)}: {then}"
    if p.get("csf_free_days"):
        text += f", with no colony-stimulating factor in the {p['csf_free_days']} days before"
    if p.get("below_manual"):
        text += f"; otherwise {p['below_manual']}"
    if p.get("per_weight"):
        text += " (divided by the latest body weight)"
    if p.get("repeat"):
        text += f", and on the value before it too (persistent: within {LOOKBACK_DAYS} days of it)"
    return text


def _cd19(p: dict[str, Any], vocab: Vocabulary) -> str:
    if "op" in p:
        unit = "/µL" if p.get("unit") == "/uL" else "%"
        op, value = _OPS.get(p["op"], p["op"]), format_number(p.get("value"))
        return f"latest CD19+ B cells {op} {value}{unit}"
    return "CD19+ B cells present on the latest flow cytometry"


# ---------------------------------------------------------------- matcher.criteria.kinds


def _is_autoantibody(concept_id: str, vocab: Vocabulary) -> bool:
    return bool(vocab[concept_id].attrs.get("autoantibody"))


def _serology(p: dict[str, Any], vocab: Vocabulary) -> str:
    negative = p.get("result") == "negative"
    names = _names([*p.get("markers", []), *p.get("infections", [])], vocab,
                   "and" if negative else "or")
    text = f"{names} {'all negative' if negative else 'positive'}"
    if p.get("equivocal") and not negative:
        text += " or equivocal"
    # "now": the current markers (HBsAg, HCV RNA) or a diagnosis in the lookback, not a
    # resolved infection; "at any time": past markers (anti-HBc) count too.
    if p.get("window_days") and not p.get("ever"):
        return f"{text} {_window(p['window_days'])} (the latest result)"
    if p.get("known"):
        return (f"{text} as known from the records (the latest result of any date; none "
                "documented: not documented, confirm at screening)")
    text += " at any time" if p.get("ever") else " now"
    autoantibodies = all(_is_autoantibody(m, vocab) for m in p.get("markers", []))
    if not p.get("ever") and not p.get("infections") and autoantibodies:
        text += " (the latest result)"  # an autoantibody has no "current marker"
    elif not negative and not p.get("ever"):
        text += " (current markers or a diagnosis)"
    if p.get("needs_result"):
        text += " (a test result is needed)"
    return text


def _pregnancy(p: dict[str, Any], vocab: Vocabulary) -> str:
    states = _names(p.get("states", []), vocab)
    window = _window(p.get("window_days"))
    if not p.get("present", True):
        return f"documented not {states} {window}"
    text = f"{states} documented {window}"
    if p.get("suspected"):
        # "Pregnant or suspected pregnancy": the notes record a suspicion as uncertain.
        text += "; a suspicion documented then, not settled since, is checked by a person"
    return text


def _dose_exposure(p: dict[str, Any], vocab: Vocabulary) -> str:
    op = _OPS.get(p.get("dose_op", ""), p.get("dose_op", "?"))
    dose = f"{op} {format_number(p.get('dose_value'))} {p.get('dose_unit')}"
    text = _names(p.get("drugs", []), vocab)
    text += f" cumulative dose {dose}" if p.get("cumulative") else f" {dose}"
    if p.get("prednisone_equivalent"):
        text += " (as prednisone)"
    if p.get("min_duration_days"):
        strict = "more than" if p.get("duration_strict") else "at least"
        text += f" for {strict} {p['min_duration_days']} days"
    if p.get("window_days") is not None or p.get("cumulative"):
        text = f"{text}, {_window(p.get('window_days'))}"
    else:
        text = f"{text}, the current dose"
    if p.get("stable"):
        text += "; whether the dose was stable is checked by a person"
    # "If on glucocorticoids, ≤ 10 mg/day": not taking the drug meets it.
    return f"if on {_names(p.get('drugs', []), vocab)}: {text}" if p.get("conditional") else text


def _diagnosis_timing(p: dict[str, Any], vocab: Vocabulary) -> str:
    parts = []
    strict = "more than" if p.get("duration_strict") else "at least"
    if p.get("min_duration_days") is not None:
        parts.append(f"diagnosed {strict} {p['min_duration_days']} days before screening")
    if p.get("max_duration_days") is not None:
        parts.append(f"diagnosed at most {p['max_duration_days']} days before screening")
    if p.get("onset_op") is not None:
        op = _OPS.get(p["onset_op"], p["onset_op"])
        parts.append(f"with onset at age {op} {format_number(p.get('onset_age_years'))}")
    return f"{_names(p.get('concepts', []), vocab)} {', '.join(parts)}"


def _allergy(p: dict[str, Any], vocab: Vocabulary) -> str:
    agent = _names(p.get("agents", []), vocab)
    reaction = "allergy, intolerance or adverse reaction" if p.get("intolerance") else "allergy"
    text = f"{reaction} to {agent} documented (an allergy list naming other agents only, or "
    text += "NKDA, is its absence; no allergy record at all is checked by a person)"
    if p.get("severe"):
        text += "; the severity of a documented reaction is checked by a person"
    return text


# Each phrase reads the params with the run's vocabulary (concept names, which marker is an
# autoantibody); most need it, so every one takes it.
_PHRASES: dict[str, Callable[[dict[str, Any], Vocabulary], str]] = {
    "age": _age,
    "sex": lambda p, _: f"sex is {p.get('sex')}",
    "diagnosis": _diagnosis,
    "biopsy": _biopsy,
    "score": _score,
    "refractory": _refractory,
    "drug_exposure": _drug_exposure,
    "lab": _lab,
    "cd19": _cd19,
    "ana": lambda p, _: f"ANA titre ≥ 1:{p.get('min_titre')} ever documented",
    "venous": lambda p, _: (
        "good venous access (a person confirms; poor access documented fails it)"
    ),
    "hemodynamic": lambda p, _: (
        "haemodynamically stable (a person confirms; instability documented fails it)"
    ),
    # matcher.criteria.kinds: a vital is read and evaluated like a lab
    "vital": _lab,
    "serology": _serology,
    "pregnancy": _pregnancy,
    "dose_exposure": _dose_exposure,
    "diagnosis_timing": _diagnosis_timing,
    "allergy": _allergy,
}
# The kinds with a reading of their own; any other kind reads "MANUAL: ...".
READING_KINDS = frozenset(_PHRASES)


def _groups(criterion: Criterion) -> str:
    """ "COHORT Populations 1 & 2: " and "ANY OF (group 2): " ("AT LEAST 2 OF (group 1):
    "): the groups the criterion is combined in (matcher.criteria.groups)."""
    out = ""
    population = criterion.params.get("cohort")
    if population and criterion.params.get("cohort_is_patients") is False:
        out += f"FOR {population}, NOT PATIENTS: "
    elif population:
        out += f"FOR {population}: "
    if criterion.cohort is not None:
        out += f"COHORT {criterion.cohort.label}: "
    if criterion.any_of is not None:
        n = criterion.any_of.at_least
        choice = "ANY OF" if n == 1 else f"AT LEAST {n} OF"
        out += f"{choice} (group {criterion.any_of.group}): "
    return out


def reading(criterion: Criterion, vocabulary: Vocabulary | None = None) -> str:
    """The criterion in plain words, from its kind and params (never its text), after
    the groups it belongs to; concepts named as `vocabulary` (the run's; the packaged one
    by default) names them."""
    phrase = _PHRASES.get(criterion.kind)
    if phrase is None:
        return f"{_groups(criterion)}MANUAL: {criterion.manual_reason or 'a person must check'}"
    verb = "INCLUDE if" if criterion.type == "inclusion" else "EXCLUDE if"
    if vocabulary is None:
        vocabulary = load_vocabulary()
    return f"{_groups(criterion)}{verb}: {phrase(criterion.params, vocabulary)}"
