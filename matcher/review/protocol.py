"""A trial's reviewed protocol, pure (no I/O): the criteria in force with the review state of
each, the edits a person makes (validated against the kind's params), version comparison,
and the exported JSON file.

A criterion's review state says who vouches for its reading:
- `auto`: the engine's reading, nobody checked it (an "unreviewed" criterion);
- `approved`: a person confirmed the engine's reading;
- `edited`: a person's reading replaces the engine's ("Hb < 9 g/dL" read manual because of
  its unit, edited into a lab threshold);
- `manual`: a person set it manual with a reason (always checked at screening);
- `added`: a criterion the reader missed, written by a person.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from matcher.criteria.params import KIND_PARAMS
from matcher.criteria.params import validate as validate_declared
from matcher.criteria.render import reading
from matcher.errors import CriterionParamsError, ReviewError
from matcher.model import AnyOf, CohortScope, Criterion, Trial
from matcher.nlp.units import normalize
from matcher.nlp.vocab import Vocabulary

FORMAT = "matcher-protocol/1"  # the `format` of an exported protocol file
TYPES = ("inclusion", "exclusion")
# The params every kind carries for the population it addresses (matcher.criteria.params):
# a criterion a person sets manual keeps them, so "healthy controls" items stay others'.
_POPULATION_PARAMS = ("cohort", "cohort_is_patients")
# The drug-id lists of the kinds kinds.validate_params does not check ("drug.rituximab").
_DRUG_LISTS = {"drug_exposure": ("drugs",), "refractory": ("agents",)}
_DRUG_CATEGORIES = ("drug", "procedure")  # "plasma exchange within 3 months" is one too


class ReviewState(StrEnum):
    AUTO = "auto"
    APPROVED = "approved"
    EDITED = "edited"
    MANUAL = "manual"
    ADDED = "added"


@dataclass(frozen=True)
class ReviewedCriterion:
    """One criterion of a protocol: the reading in force and who vouches for it."""

    criterion: Criterion  # the reading in force
    state: ReviewState
    auto: Criterion | None  # the engine's reading (None for an added criterion)
    reason: str | None = None  # the person's reason (manual) or note (edit)
    by: str | None = None
    at: str | None = None  # ISO timestamp

    @property
    def unreviewed(self) -> bool:
        return self.state is ReviewState.AUTO


@dataclass(frozen=True)
class Protocol:
    """A trial as matching uses it: `trial.criteria` are the readings in force, in order."""

    trial: Trial
    criteria: tuple[ReviewedCriterion, ...]
    version: int | None  # None: the draft, or the auto reading of a never-approved trial
    approved_by: str | None = None
    approved_at: str | None = None
    note: str | None = None
    source_sha256: str | None = None
    changes: tuple[CriterionChange, ...] = field(default=(), compare=False)

    @property
    def unreviewed(self) -> tuple[ReviewedCriterion, ...]:
        return tuple(c for c in self.criteria if c.unreviewed)

    def criterion(self, criterion_id: str) -> ReviewedCriterion:
        for c in self.criteria:
            if c.criterion.id == criterion_id:
                return c
        raise ReviewError(
            f"trial {self.trial.trial_id} has no criterion {criterion_id!r}",
            field="criterion_id",
            received=criterion_id,
            expected="one of " + ", ".join(c.criterion.id for c in self.criteria),
        )


@dataclass(frozen=True)
class CriterionChange:
    """One difference between two protocols: `change` is added / removed / changed; the
    readings are in plain words ("EXCLUDE if: ALT > 3 × ULN")."""

    criterion_id: str
    change: str
    text: str
    before: str | None
    after: str | None
    before_state: str | None
    after_state: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion_id": self.criterion_id,
            "change": self.change,
            "text": self.text,
            "before": self.before,
            "after": self.after,
            "before_state": self.before_state,
            "after_state": self.after_state,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CriterionChange:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


# --- readings --------------------------------------------------------------------------


def criterion_from_json(data: Mapping[str, Any]) -> Criterion:
    """A Criterion from its `to_json()` (the trials table, a version, an export file)."""
    return Criterion(
        id=str(data["id"]),
        key=str(data.get("key") or data["id"]),
        type=str(data["type"]),
        text=str(data.get("text") or ""),
        kind=str(data["kind"]),
        params=dict(data.get("params") or {}),
        manual_reason=data.get("manual_reason"),
        trace=tuple(data.get("trace") or ()),
        any_of=AnyOf.from_json(data.get("any_of")),
        cohort=CohortScope.from_json(data.get("cohort")),
    )


def trial_from_stored(row: Mapping[str, Any]) -> Trial:
    """The auto reading of a trial from its row (Store.trial / Store.trials)."""
    record = row.get("record") if isinstance(row.get("record"), dict) else {}
    return Trial(
        trial_id=row["trial_id"],
        title=row.get("title") or row["trial_id"],
        criteria=tuple(criterion_from_json(c) for c in row["criteria"]),
        min_age_years=record.get("min_age_years"),
        max_age_years=record.get("max_age_years"),
        sex=record.get("sex"),
        source=row.get("source"),
    )


def auto_reading_sha256(trial: Trial) -> str:
    """sha256 of the engine's reading of the registry text (each criterion's JSON, in
    order): a version records the reading it was reviewed against, and a re-import whose
    reading differs is told apart ("registry text changed since version 2 was approved")."""
    data = [trial.title, trial.min_age_years, trial.max_age_years, trial.sex]
    data += [c.to_json() for c in trial.criteria]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()


def _reading_json(c: Criterion) -> str:
    return json.dumps(
        {"type": c.type, "kind": c.kind, "params": c.to_json()["params"],
         "manual_reason": c.manual_reason, "text": c.text},
        sort_keys=True,
    )


def manual_criterion(auto: Criterion, reason: str) -> Criterion:
    """The engine's criterion set manual by a person: kind manual, the person's reason."""
    kept = {k: v for k, v in auto.params.items() if k in _POPULATION_PARAMS}
    return replace(auto, kind="manual", params=kept, manual_reason=reason,
                   trace=(*auto.trace, "review:manual"))


def edited_criterion(
    current: Criterion, changes: Mapping[str, Any], vocabulary: Vocabulary,
    trial_id: str | None = None,
) -> Criterion:
    """`current` with `changes` applied and validated. Keys are the kind's param names
    ("value", "unit", "analytes", ...) plus "kind", "type" (inclusion/exclusion), "text",
    "manual_reason" (kind manual) and "key"; a changed kind starts from empty params. A
    value None removes the param (its declared default applies). Raises ReviewError naming
    the trial, criterion, field and what was expected: `--set E3 value=abc` ->
    "trial T criterion E3: field 'value': ... expected a number"."""
    where = f"trial {trial_id} criterion {current.id}" if trial_id else f"criterion {current.id}"

    def wrong(name: str, value: Any, expected: str) -> ReviewError:
        return ReviewError(f"{where}: the edit is not a valid reading", field=name,
                           received=value, expected=expected)

    kind = changes.get("kind", current.kind)
    if not isinstance(kind, str) or kind not in KIND_PARAMS:
        raise wrong("kind", kind, "one of " + ", ".join(sorted(KIND_PARAMS)))
    ctype = changes.get("type", current.type)
    if ctype not in TYPES:
        raise wrong("type", ctype, "inclusion or exclusion")
    text = changes.get("text", current.text)
    if not isinstance(text, str) or not text.strip():
        raise wrong("text", text, "the criterion's words, not empty")
    key = changes.get("key", current.key)
    if not isinstance(key, str) or not key.strip():
        raise wrong("key", key, "a short name such as 'alt'")
    if kind == current.kind:
        params = dict(current.params)
    else:
        params = {k: v for k, v in current.params.items() if k in _POPULATION_PARAMS}
    declared = KIND_PARAMS[kind]
    own = {"kind", "type", "text", "key", "manual_reason"}
    for name, value in changes.items():
        if name in own:
            continue
        if name not in declared:
            raise wrong(name, value, f"a field of kind {kind}: " + ", ".join(sorted(declared)))
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    manual_reason = None
    if kind == "manual":
        manual_reason = changes.get("manual_reason", current.manual_reason)
        if not isinstance(manual_reason, str) or not manual_reason.strip():
            raise wrong("manual_reason", manual_reason, "why a person must check it")
    elif "manual_reason" in changes and changes["manual_reason"] is not None:
        raise wrong("manual_reason", changes["manual_reason"], "only for kind manual")
    if kind in ("lab", "vital"):
        params = _in_canonical_unit(params, vocabulary, wrong)
    try:
        _validate(kind, params, vocabulary)
    except CriterionParamsError as exc:
        raise wrong(exc.field or "params", exc.received, exc.expected or exc.detail) from exc
    return replace(current, kind=kind, type=ctype, text=text, key=key, params=params,
                   manual_reason=manual_reason, trace=(*current.trace, "review:edited"))


def _in_canonical_unit(params: dict[str, Any], vocabulary: Vocabulary, wrong: Any
                       ) -> dict[str, Any]:
    """A lab threshold as the evaluator compares it: in the analyte's canonical unit, as
    the reader writes it. A person types "value=9 unit=g/dL" for hemoglobin; the reading
    becomes 90 g/L (compared with 9 g/L, every anaemic patient would pass). A multiple of
    the ULN/LLN carries the canonical unit. A missing unit, or one that is not one of the
    analyte's, is refused, naming the field."""
    analytes = params.get("analytes")
    if not isinstance(analytes, list) or not analytes or analytes[0] not in vocabulary:
        return params  # validation names the field
    concept = vocabulary[analytes[0]]
    family, canonical = concept.attrs.get("family"), concept.canonical_unit
    if canonical is None:
        return params
    if params.get("uln_multiple") is not None or params.get("lln_multiple") is not None:
        return {**params, "unit": canonical}
    value, unit = params.get("value"), params.get("unit")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or unit == canonical:
        return params
    if not isinstance(unit, str) or not unit.strip():
        # A threshold without its unit is refused, never read in the canonical unit:
        # "value=9" meant as g/dL would become 9 g/L and let every anaemic patient pass.
        # (An edit of the value alone keeps the criterion's own unit: it is in params.)
        raise wrong("unit", unit, f"a unit of {concept.label} such as {canonical}")
    converted = normalize(family, float(value), unit) if family else None
    if converted is None or converted[1] != canonical:
        raise wrong("unit", unit, f"a unit of {concept.label} such as {canonical}")
    return {**params, "value": converted[0], "unit": converted[1]}


def _validate(kind: str, params: dict[str, Any], vocabulary: Vocabulary | None) -> None:
    # Without a vocabulary (a version read back from the store) the declared fields only.
    if vocabulary is None:
        validate_declared(kind, params)
        return
    # kinds.validate_params covers the kinds whose concept ids it checks; the others (age,
    # consent, manual, ...) by their declared fields, and the drug lists of the drug kinds
    # here: a person typing "drug.rituximb" must hear it, not get a criterion that never
    # matches anyone. (Imported here: kinds brings the whole criteria grammar, which the web
    # server's start, reading stored protocols, does not need.)
    from matcher.criteria.kinds import validate_params

    try:
        validate_params(kind, params, vocabulary)
    except CriterionParamsError as exc:
        if exc.field != "kind" or kind not in KIND_PARAMS:
            raise
        validate_declared(kind, params)
    for name in _DRUG_LISTS.get(kind, ()):
        for item in params.get(name) or ():
            if item not in vocabulary or vocabulary[item].category not in _DRUG_CATEGORIES:
                raise CriterionParamsError(f"{kind} criterion params break the contract",
                                           field=name, received=item,
                                           expected="drug (or procedure) concept ids of the "
                                                    "vocabulary")


def added_criterion(
    spec: Mapping[str, Any], criterion_id: str, vocabulary: Vocabulary, trial_id: str
) -> Criterion:
    """A criterion the reader missed, from a person's `spec` (type, kind, text, params;
    key and manual_reason optional), validated as an edit is."""
    if not isinstance(spec, Mapping):
        raise ReviewError(f"trial {trial_id}: an added criterion is an object", field="spec",
                          received=spec, expected='{"type", "kind", "text", "params"}')
    unknown = set(spec) - {"type", "kind", "text", "params", "key", "manual_reason"}
    if unknown:
        raise ReviewError(f"trial {trial_id}: unknown field of an added criterion",
                          field=sorted(unknown)[0], expected="type, kind, text, params, key")
    params = spec.get("params", {})
    if not isinstance(params, Mapping):
        raise ReviewError(f"trial {trial_id} criterion {criterion_id}: params is an object",
                          field="params", received=params, expected="an object")
    kind = spec.get("kind")
    blank = Criterion(id=criterion_id, key=str(spec.get("key") or kind or criterion_id),
                      type="inclusion", text="-", kind="manual", manual_reason="-",
                      trace=("review:added",))
    changes = {
        "type": spec.get("type"),
        "kind": kind,
        "text": spec.get("text"),
        **({"manual_reason": spec.get("manual_reason")} if kind == "manual" else {}),
        **params,
    }
    return replace(edited_criterion(blank, changes, vocabulary, trial_id), trace=("review:added",))


def parse_assignments(pairs: Sequence[str]) -> dict[str, Any]:
    """`key=value` pairs of `--set`: the value is JSON when it parses ("75" -> 75,
    '["lab.alt"]' -> a list, "true", "null"), else text ("10^9/L")."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ReviewError("an edit is key=value", field="--set", received=pair,
                              expected="key=value, e.g. value=75 or unit=10^9/L")
        try:
            out[name.strip()] = json.loads(value)
        except ValueError:
            out[name.strip()] = value
    return out


# --- protocols -------------------------------------------------------------------------


def build_protocol(
    auto: Trial,
    entries: Mapping[str, ReviewedCriterion],
    added: Sequence[ReviewedCriterion] = (),
    *,
    version: int | None = None,
    approved_by: str | None = None,
    approved_at: str | None = None,
    note: str | None = None,
    source_sha256: str | None = None,
) -> Protocol:
    """The protocol of an auto reading with a person's review applied: each engine
    criterion with its draft entry (`entries`, by criterion id; none: auto), then the
    added ones."""
    criteria: list[ReviewedCriterion] = []
    for c in auto.criteria:
        entry = entries.get(c.id)
        criteria.append(entry if entry is not None else ReviewedCriterion(c, ReviewState.AUTO, c))
    criteria += added
    return _protocol(auto, criteria, version, approved_by, approved_at, note, source_sha256)


def _protocol(trial: Trial, criteria: Sequence[ReviewedCriterion], version: int | None,
              approved_by: str | None = None, approved_at: str | None = None,
              note: str | None = None, source_sha256: str | None = None,
              changes: Sequence[CriterionChange] = ()) -> Protocol:
    in_force = replace(trial, criteria=tuple(c.criterion for c in criteria))
    return Protocol(in_force, tuple(criteria), version, approved_by, approved_at, note,
                    source_sha256, tuple(changes))


def compare(
    a: Protocol, b: Protocol, vocabulary: Vocabulary | None = None
) -> list[CriterionChange]:
    """What changed from `a` to `b`: criteria added, removed, or whose reading or review
    state differs (matched by criterion id), in `b`'s order then `a`'s removed ones."""
    before = {c.criterion.id: c for c in a.criteria}
    after_ids = {c.criterion.id for c in b.criteria}
    out = []
    for now in b.criteria:
        was = before.get(now.criterion.id)
        after_words = reading(now.criterion, vocabulary)
        if was is None:
            out.append(CriterionChange(now.criterion.id, "added", now.criterion.text, None,
                                       after_words, None, str(now.state)))
        elif (_reading_json(was.criterion) != _reading_json(now.criterion)
              or was.state != now.state):
            out.append(CriterionChange(now.criterion.id, "changed", now.criterion.text,
                                       reading(was.criterion, vocabulary), after_words,
                                       str(was.state), str(now.state)))
    for was in a.criteria:
        if was.criterion.id not in after_ids:
            out.append(CriterionChange(was.criterion.id, "removed", was.criterion.text,
                                       reading(was.criterion, vocabulary), None,
                                       str(was.state), None))
    return out


# --- the protocol file -----------------------------------------------------------------


def reviewed_to_json(c: ReviewedCriterion) -> dict[str, Any]:
    return {
        "state": str(c.state),
        "criterion": c.criterion.to_json(),
        "auto": c.auto.to_json() if c.auto is not None else None,
        "reason": c.reason,
        "by": c.by,
        "at": c.at,
    }


def protocol_to_json(p: Protocol, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """The exported protocol file (and a version's stored form): the trial's header, every
    criterion with its state, reading in force and the engine's reading; `record`: the
    registry record, so that a database that never saw the trial can import it."""
    t = p.trial
    return {
        "format": FORMAT,
        "trial": {"trial_id": t.trial_id, "title": t.title, "min_age_years": t.min_age_years,
                  "max_age_years": t.max_age_years, "sex": t.sex, "source": t.source},
        "version": p.version,
        "approved_by": p.approved_by,
        "approved_at": p.approved_at,
        "note": p.note,
        "source_sha256": p.source_sha256,
        "changes": [c.to_json() for c in p.changes],
        "criteria": [reviewed_to_json(c) for c in p.criteria],
        "record": record,
    }


def _need(data: Any, path: str, kind: type | tuple[type, ...], expected: str) -> Any:
    if not isinstance(data, kind):
        raise ReviewError("the protocol file does not read", field=path, received=data,
                          expected=expected)
    return data


def _criterion_at(data: Any, path: str, vocabulary: Vocabulary | None) -> Criterion:
    _need(data, path, dict, "a criterion object")
    for name in ("id", "type", "kind", "text"):
        _need(data.get(name), f"{path}.{name}", str, "text")
    if data["type"] not in TYPES:
        raise ReviewError("the protocol file does not read", field=f"{path}.type",
                          received=data["type"], expected="inclusion or exclusion")
    _need(data.get("params", {}), f"{path}.params", dict, "an object")
    try:
        criterion = criterion_from_json(data)
        if criterion.kind in KIND_PARAMS:
            _validate(criterion.kind, criterion.params, vocabulary)
        else:
            raise CriterionParamsError("unknown kind", field="kind", received=criterion.kind,
                                       expected="a kind of matcher.criteria.params")
    except CriterionParamsError as exc:
        where = "kind" if exc.field == "kind" else f"params.{exc.field}"
        raise ReviewError("the protocol file does not read", field=f"{path}.{where}",
                          received=exc.received, expected=exc.expected) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ReviewError("the protocol file does not read", field=path, received=str(exc),
                          expected="a criterion as matcher exports it") from exc
    return criterion


def protocol_from_json(data: Any, vocabulary: Vocabulary | None) -> Protocol:
    """An exported protocol file read back and validated; ReviewError names the JSON path
    of the first problem ("criteria[2].criterion.params.value"). Concept ids are checked
    against `vocabulary`; None checks the declared fields only (a stored version, read
    back with a later vocabulary, stays readable)."""
    _need(data, "$", dict, "a JSON object")
    if data.get("format") != FORMAT:
        raise ReviewError("not a matcher protocol file", field="format",
                          received=data.get("format"), expected=FORMAT)
    head = _need(data.get("trial"), "trial", dict, "an object")
    _need(head.get("trial_id"), "trial.trial_id", str, "the trial id")
    version = data.get("version")
    if version is not None:
        _need(version, "version", int, "a version number or null")
    criteria = []
    for i, item in enumerate(_need(data.get("criteria"), "criteria", list, "a list")):
        path = f"criteria[{i}]"
        _need(item, path, dict, "an object")
        try:
            state = ReviewState(item.get("state"))
        except ValueError as exc:
            raise ReviewError("the protocol file does not read", field=f"{path}.state",
                              received=item.get("state"),
                              expected=", ".join(s.value for s in ReviewState)) from exc
        # A person's reading is checked against the vocabulary as an edit is; the engine's
        # (auto, approved, manual) by its declared fields, as the reader checks it.
        personal = state in (ReviewState.EDITED, ReviewState.ADDED)
        criterion = _criterion_at(item.get("criterion"), f"{path}.criterion",
                                  vocabulary if personal else None)
        auto = item.get("auto")
        if auto is None and state is not ReviewState.ADDED:
            raise ReviewError("the protocol file does not read", field=f"{path}.auto",
                              expected="the engine's reading (only an added criterion has none)")
        auto_c = _criterion_at(auto, f"{path}.auto", None) if auto is not None else None
        criteria.append(ReviewedCriterion(criterion, state, auto_c, item.get("reason"),
                                          item.get("by"), item.get("at")))
    ids = [c.criterion.id for c in criteria]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ReviewError("the protocol file does not read", field="criteria",
                          received=duplicate, expected="each criterion id once")
    trial = Trial(
        trial_id=head["trial_id"], title=str(head.get("title") or head["trial_id"]),
        criteria=(), min_age_years=head.get("min_age_years"),
        max_age_years=head.get("max_age_years"), sex=head.get("sex"), source=head.get("source"),
    )
    changes = [CriterionChange.from_json(c) for c in data.get("changes") or ()
               if isinstance(c, dict)]
    return _protocol(trial, criteria, version, data.get("approved_by"),
                     data.get("approved_at"), data.get("note"), data.get("source_sha256"),
                     changes)


def auto_trial_of(p: Protocol) -> Trial:
    """The engine's reading a protocol was reviewed against (its criteria's `auto`)."""
    return replace(p.trial, criteria=tuple(c.auto for c in p.criteria if c.auto is not None))
