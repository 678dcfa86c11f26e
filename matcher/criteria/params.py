"""The params of every criterion kind, declared once: the reader's output contract and the
evaluator's input.

Each kind lists its fields with a type, whether the reader always writes it, and the
default the evaluator uses when it is absent. The reader checks every computed criterion
against this table before handing it out (`validate`), and the evaluator reads an optional
field through `param`, so the two can no longer disagree on what an unstated field means:
the evaluator once took a refractory criterion without "min_agents" to need two agents
while the reader writes 1 for "refractory to treatment" with no count. Fields the reader
always writes are `required` and have no default.

The meaning of each field is documented where it is read: matcher.criteria.reader (the core
kinds) and matcher.criteria.kinds (vital, serology, pregnancy, dose_exposure,
diagnosis_timing); their semantic checks (which concept ids a field may hold) stay in
`matcher.criteria.kinds.validate_params`, which starts with this table's checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matcher.errors import CriterionParamsError
from matcher.model import Criterion

__all__ = ["KIND_PARAMS", "OPS", "Param", "fail", "param", "validate"]

OPS = (">=", ">", "<=", "<")

# Field types: "int" (a whole number), "number" (int or float), "bool", "text", "texts" (a
# list of strings: concept ids, class names, qualifier words), "choice" (one of `choices`),
# "object" (a mapping), "alternatives" (a list of objects with the kind's own alternative
# fields: "≥ 160/100 mmHg" is systolic ≥ 160 or diastolic ≥ 100).
_TYPES = ("int", "number", "bool", "text", "texts", "choice", "object", "alternatives")


@dataclass(frozen=True)
class Param:
    """One field of a kind's params. `nullable`: None is a value ("max_years": None, no upper
    limit); `default`: what an absent optional field means."""

    type: str
    required: bool = False
    default: Any = None
    nullable: bool = False
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"param type {self.type!r}: expected one of {', '.join(_TYPES)}")
        if self.type == "choice" and not self.choices:
            raise ValueError("a choice param needs its choices")
        if self.required and self.default is not None:
            raise ValueError("a required param has no default: the reader always writes it")


def _req(type_: str, **kw: Any) -> Param:
    return Param(type_, required=True, **kw)


def _opt(type_: str, default: Any = None, **kw: Any) -> Param:
    return Param(type_, default=default, nullable=default is None, **kw)


_WINDOW = _opt("int")
_OP = _req("choice", choices=OPS)
_STRICT = _req("bool")

# A lab or vital threshold's alternative ("eGFR < 30 or on dialysis": {"concepts": [...]}).
_THRESHOLD_ALTERNATIVE: dict[str, Param] = {
    "analytes": _opt("texts", ()),
    "concepts": _opt("texts", ()),
    "op": _opt("choice", choices=OPS),
    "value": _opt("number"),
    "uln_multiple": _opt("number"),
    "lln_multiple": _opt("number"),
    "unit": _opt("text"),
}

_LAB: dict[str, Param] = {
    "analytes": _req("texts"),
    "op": _OP,
    "value": _opt("number"),
    "uln_multiple": _opt("number"),
    # "IgG below the lower limit of normal": a multiple of the printed range's lower bound
    # (or the analyte's default_lln), the twin of uln_multiple.
    "lln_multiple": _opt("number"),
    "unit": _req("text"),
    "exceptions": _opt("alternatives", ()),
    "csf_free_days": _opt("int"),
    "below_manual": _opt("text"),
    "alternatives": _opt("alternatives", ()),
    "combine": _opt("choice", "and", choices=("and", "or")),
    "repeat": _opt("int"),
    "per_weight": _opt("bool", False),
}

KIND_PARAMS: dict[str, dict[str, Param]] = {
    # "6-36 months": completed months where a limit does not fall on a birthday.
    "age": {"min_years": _opt("int"), "max_years": _opt("int"), "min_months": _opt("int"),
            "max_months": _opt("int")},
    "sex": {"sex": _req("choice", choices=("female", "male"))},
    "diagnosis": {
        "concepts": _req("texts"),
        "system": _opt("text"),
        "ruled_out_not_met": _opt("bool", False),
        "temporality": _opt("choice", "ever", choices=("ever", "within", "current")),
        "window_days": _WINDOW,
        "judged": _opt("texts", ()),
        "except_concepts": _opt("texts", ()),
        # "Active infection requiring systemic antimicrobials at screening, including active
        # tuberculosis": infections the item names as part of it (also in `concepts`); one
        # affirmed within the lookback is met before any course is looked at.
        "included": _opt("texts", ()),
        # "Other malignancy": the condition less the trial's own, which the guard checks
        # is not among them (matcher.criteria.other).
        "other_than_own": _opt("bool", False),
        # "Infection requiring hospitalisation": decided only when no infection of these
        # broader concepts is documented in the window (concepts.jsonl screened_by).
        "screen_concepts": _opt("texts", ()),
        # "Chronic liver disease", "chronic infections": the long-standing form of the
        # condition now (matcher.criteria.temporality `long_standing`): one documented
        # before the lookback may still hold, so it is never read as the absence.
        "long_standing": _opt("bool", False),
        # "Diabetes mellitus" read as current: the concepts that do not resolve, of which
        # one documented before the lookback still holds (criteria_temporality.json
        # `lifelong_concepts`) unless a later note rules it out.
        "lifelong": _opt("bool", False),
        # "Hypertension" in an exclusion, read as the disease now for want of a time word
        # (matcher.criteria.temporality `bare_current`): an older mention, or a broader
        # one that screens it, is left to a person, never read as the absence.
        "bare_current": _opt("bool", False),
        # "Known or suspected infection": a suspicion the notes record (an uncertain
        # mention in the window) is left to a person, never read as the absence.
        "suspected": _opt("bool", False),
        # "Infection requiring intravenous anti-infective treatment": the drug classes
        # whose course proves the infection, and the route it must have been given by
        # ("intravenous"; "parenteral" admits an intramuscular course too; "systemic" any
        # course but one on the skin: "systemic (oral or intravenous) antimicrobials").
        "course_classes": _opt("texts", ()),
        "course_route": _opt("choice", None, choices=("intravenous", "parenteral", "systemic")),
    },
    "biopsy": {
        "classes": _req("texts"),
        "allowed_with": _opt("texts", ()),
        "window_days": _WINDOW,
        "judged": _opt("texts", ()),
        # "Patients without a renal biopsy, or with class I, II or VI" (an exclusion): with
        # no biopsy documented the criterion is unknown and says the trial excludes that too.
        "or_no_biopsy": _opt("bool", False),
    },
    "score": {
        "concept": _req("text"),
        "op": _opt("choice", choices=OPS),
        "value": _opt("number"),
        "low": _opt("number"),
        "high": _opt("number"),
    },
    "refractory": {
        "agents": _req("texts"),
        "min_agents": _req("int"),
        "min_duration_days": _req("int"),
        "duration_strict": _STRICT,
        "requires_active_proteinuria": _req("bool"),
        # UPCR in g/g at or above which proteinuria is "not in remission" (GUIDELINE.md).
        "proteinuria_threshold": _opt("number", 0.5),
    },
    "drug_exposure": {
        "drugs": _req("texts"),
        "window_days": _WINDOW,
        "current": _opt("bool", False),
        "min_duration_days": _opt("int"),
        "stable": _opt("bool", False),
        "conditional": _opt("bool", False),
        "dose_limits": _opt("object", {}),
        "indication": _opt("text"),
        # "Topical or intralesional corticosteroids": a route notes do not record; a
        # documented exposure is left to a person, none decides.
        "route": _opt("text"),
        # "... within 1 week before screening and during the study": the window is read,
        # use during the study is checked at study visits.
        "also_during_study": _opt("bool", False),
        "exception_manual": _opt("text"),
        # "... within 3 months or 5 half-lives, whichever is longer": the window is the
        # shortest meant; an exposure before it is left to a person.
        "half_lives": _opt("bool", False),
        # "a maximally tolerated dose of an ACE inhibitor" (a drug taken now): the dose is
        # the prescriber's judgement; a course long enough is left to a person.
        "dose_judged": _opt("text"),
        # "HCQ started within 3 months": a course whose first day is in the window.
        "started_within": _opt("bool", False),
        # "currently or within the past 3 months": the drug taken now (latest mention in
        # the lookback, not stopped) or given in the window; either counts.
        "or_current": _opt("bool", False),
    },
    "lab": _LAB,
    "vital": _LAB,
    "ana": {"min_titre": _opt("int", 80)},
    # "CD19+ B-cell count < 5 cells/µL": a threshold; none: CD19 expression documented.
    "cd19": {"op": _opt("choice", choices=OPS), "value": _opt("number"), "unit": _opt("text")},
    "venous": {},
    "hemodynamic": {},
    "consent": {},
    "manual": {},
    "serology": {
        "markers": _req("texts"),
        "infections": _req("texts"),
        "result": _req("choice", choices=("positive", "negative")),
        "ever": _req("bool"),
        "needs_result": _req("bool"),
        "window_days": _WINDOW,
        # "anti-dsDNA positive or equivocal": an equivocal result counts as positive.
        "equivocal": _opt("bool", False),
        # "Known HIV infection or positive HBsAg": the latest result of any date decides,
        # and none documented is "not documented" (a history exclusion).
        "known": _opt("bool", False),
    },
    "pregnancy": {
        "states": _req("texts"),
        "present": _req("bool"),
        "window_days": _req("int"),
        # "Pregnant or suspected pregnancy": a suspicion documented in the window after
        # the latest statement ("possible early pregnancy, hCG pending") is left to a person.
        "suspected": _opt("bool", False),
    },
    "dose_exposure": {
        "drugs": _req("texts"),
        "dose_op": _OP,
        "dose_value": _req("number"),
        "dose_unit": _req("choice", choices=("mg/day", "mg/kg/day", "g")),
        "prednisone_equivalent": _req("bool"),
        "cumulative": _req("bool"),
        "window_days": _WINDOW,
        "min_duration_days": _opt("int"),
        "duration_strict": _STRICT,
        "conditional": _opt("bool", False),
        # "A stable dose of prednisone ≤ 10 mg/day": a dose within the limit is left to a
        # person (was it unchanged?); a dose over it still decides.
        "stable": _opt("bool", False),
    },
    # matcher.criteria.allergy: "Known hypersensitivity to rituximab" (agents as named, a
    # class expanded by the evaluator); an intolerance or adverse event counts too; a
    # graded reaction ("severe", "anaphylaxis") leaves a documented allergy to a person.
    "allergy": {
        "agents": _req("texts"),
        "intolerance": _req("bool"),
        "severe": _req("bool"),
    },
    "diagnosis_timing": {
        "concepts": _req("texts"),
        "min_duration_days": _opt("int"),
        "max_duration_days": _opt("int"),
        "duration_strict": _STRICT,
        "onset_op": _opt("choice", choices=OPS),
        "onset_age_years": _opt("number"),
    },
}

# Any kind: the population a block of a trial that takes patients and others addresses
# (matcher.criteria.groups `populations`): "cohort": "patients" on the patients' criteria;
# "cohort_is_patients": False on a manual item addressed to others ("healthy controls"),
# which never applies to a patient.
for _fields in KIND_PARAMS.values():
    _fields.setdefault("cohort", _opt("text"))
    _fields.setdefault("cohort_is_patients", _opt("bool", True))

# The fields an alternative or exception of a lab-like kind may carry.
_ALTERNATIVE_FIELDS = {
    **_THRESHOLD_ALTERNATIVE,
    "if": _opt("text"),
    "then": _opt("choice", choices=("manual",)),
}


def fail(kind: str, name: str, received: Any, expected: str) -> CriterionParamsError:
    """The error for field `name` of a `kind` criterion's params."""
    return CriterionParamsError(
        f"{kind} criterion params break the contract",
        field=name,
        received=received,
        expected=expected,
    )


def _check(kind: str, name: str, spec: Param, value: Any) -> None:
    if value is None:
        if not spec.nullable:
            raise fail(kind, name, value, f"a {spec.type}, not null")
        return
    ok = {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "text": lambda v: isinstance(v, str),
        "texts": lambda v: isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v),
        "choice": lambda v: v in spec.choices,
        "object": lambda v: isinstance(v, Mapping),
        "alternatives": lambda v: isinstance(v, (list, tuple))
        and all(isinstance(x, Mapping) for x in v),
    }[spec.type](value)
    if not ok:
        wanted = f"one of {', '.join(spec.choices)}" if spec.type == "choice" else f"a {spec.type}"
        raise fail(kind, name, value, wanted)
    if spec.type == "alternatives":
        for index, alternative in enumerate(value):
            for key, sub in alternative.items():
                if key not in _ALTERNATIVE_FIELDS:
                    raise fail(kind, f"{name}[{index}].{key}", sub, "a declared field")
                _check(kind, f"{name}[{index}].{key}", _ALTERNATIVE_FIELDS[key], sub)


def validate(kind: str, params: Mapping[str, Any]) -> None:
    """Raise CriterionParamsError naming the first field of `params` that is undeclared for
    `kind`, missing though the reader always writes it, or of the wrong type."""
    declared = KIND_PARAMS.get(kind)
    if declared is None:
        raise fail(kind, "kind", kind, f"one of {', '.join(sorted(KIND_PARAMS))}")
    if not isinstance(params, Mapping):
        raise fail(kind, "params", params, "an object")
    for name, value in params.items():
        if name not in declared:
            raise fail(kind, name, value, "a declared field (matcher.criteria.params)")
        _check(kind, name, declared[name], value)
    for name, spec in declared.items():
        if spec.required and name not in params:
            raise fail(kind, name, None, "present: the reader always writes it")


def param(criterion: Criterion, name: str) -> Any:
    """`criterion.params[name]`, or the declared default when the optional field is absent.
    A name not declared for the kind is a programming error, never a silent None."""
    declared = KIND_PARAMS.get(criterion.kind, {})
    spec = declared.get(name)
    if spec is None:
        raise fail(criterion.kind, name, None, "a declared field (matcher.criteria.params)")
    if name in criterion.params:
        return criterion.params[name]
    if spec.required:
        raise fail(criterion.kind, name, None, "present: the reader always writes it")
    return spec.default


_JSON_TYPES = {
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "bool": {"type": "boolean"},
    "text": {"type": "string"},
    "texts": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object"},
}


def _json_schema_of(spec: Param, fields: dict[str, Param] | None = None) -> dict[str, Any]:
    if spec.type == "choice":
        schema: dict[str, Any] = {"enum": [*spec.choices, *([None] if spec.nullable else [])]}
    elif spec.type == "alternatives":
        schema = {"type": "array", "items": _object_schema(fields or _ALTERNATIVE_FIELDS)}
    else:
        schema = dict(_JSON_TYPES[spec.type])
        if spec.nullable:
            schema["type"] = [schema["type"], "null"]
    if not spec.required and spec.default is not None:
        schema["default"] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    return schema


def _object_schema(fields: dict[str, Param]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: _json_schema_of(spec) for name, spec in fields.items()},
        "required": [name for name, spec in fields.items() if spec.required],
        "additionalProperties": False,
    }


def params_json_schema() -> list[dict[str, Any]]:
    """The `allOf` of trial_show.schema.json's criterion: for each kind, the JSON schema of its
    params (the logical form's fields, their types, enums and defaults), from the table above."""
    return [
        {
            "if": {"properties": {"kind": {"const": kind}}},
            "then": {"properties": {"params": _object_schema(fields)}},
        }
        for kind, fields in KIND_PARAMS.items()
    ]
