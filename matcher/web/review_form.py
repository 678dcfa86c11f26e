"""The edit form of a criterion, built from its kind's declared params
(matcher.criteria.params.KIND_PARAMS), and the form read back into the changes
`review.protocol.edited_criterion` validates.

One input per declared field: a select for a `choice` (and yes/no for a `bool`), a number
input for `int`/`number`, a multiple select of vocabulary concepts for a concept-id list
("analytes", "drugs", ...), a comma-separated text for other lists (biopsy classes), a JSON
textarea for objects and alternatives. Only the fields a person changed become changes, so
the audit's before/after and the what-if show that edit and nothing else. A value that cannot
be read is a FormProblem naming the field ("field 'value': a number, e.g. 75 or 1.5").
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matcher.criteria.params import KIND_PARAMS, Param
from matcher.nlp.vocab import Vocabulary

__all__ = ["CONCEPT_FIELDS", "Field", "FormProblem", "changes_from_form", "form_fields"]

# Fields that hold concept ids, and the vocabulary categories offered for them.
CONCEPT_FIELDS: dict[str, tuple[str, ...]] = {
    "analytes": ("lab",),
    "markers": ("lab",),
    "drugs": ("drug", "drug_class"),
    "agents": ("drug", "drug_class"),
    "concepts": ("diagnosis", "status", "procedure"),
    "except_concepts": ("diagnosis",),
    "screen_concepts": ("diagnosis",),
    "infections": ("diagnosis",),
    "states": ("diagnosis", "status"),
    "concept": ("score",),
}
# Fields a person does not edit here: which population a block addresses is the reader's
# structure, not a reading of one criterion.
_HIDDEN = ("cohort", "cohort_is_patients")
MAX_VALUE_CHARS = 4000


class FormProblem(ValueError):
    """A form value that cannot be read; the message names the field."""

    def __init__(self, field: str, expected: str) -> None:
        self.field = field
        super().__init__(f"field {field!r}: expected {expected}")


@dataclass(frozen=True)
class Field:
    """One input of the edit form."""

    name: str
    widget: str  # "select", "number", "concepts", "list", "json", "text"
    required: bool
    value: Any  # what the form shows: text, or the selected ids for "concepts"
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    step: str = "any"


def _shown(spec: Param, value: Any) -> Any:
    if value is None:
        return ""
    if spec.type == "bool":
        return "true" if value else "false"
    if spec.type in ("object", "alternatives"):
        return json.dumps(value, ensure_ascii=False) if value else ""
    if spec.type == "texts":
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_fields(kind: str, params: Mapping[str, Any], vocabulary: Vocabulary) -> list[Field]:
    """The inputs for a `kind` criterion showing `params` (another kind's params: empty)."""
    fields = []
    for name, spec in KIND_PARAMS.get(kind, {}).items():
        if name in _HIDDEN:
            continue
        value = params.get(name)
        if spec.type == "choice" or spec.type == "bool":
            choices = spec.choices if spec.type == "choice" else ("true", "false")
            blank = () if spec.required else (("", "(not stated)"),)
            fields.append(Field(name, "select", spec.required, _shown(spec, value),
                                blank + tuple((c, c) for c in choices)))
        elif spec.type in ("int", "number"):
            fields.append(Field(name, "number", spec.required, _shown(spec, value),
                                step="1" if spec.type == "int" else "any"))
        elif spec.type == "texts" and name in CONCEPT_FIELDS:
            chosen = tuple(value or ())
            offered = [c for cat in CONCEPT_FIELDS[name] for c in vocabulary.by_category(cat)]
            options = [(c.id, f"{c.label} ({c.id})")
                       for c in sorted(offered, key=lambda c: c.label.casefold())]
            known = {c for c, _ in options}
            options += [(c, c) for c in chosen if c not in known]  # kept, never dropped
            fields.append(Field(name, "concepts", spec.required, chosen, tuple(options)))
        elif spec.type == "text" and name in CONCEPT_FIELDS:
            options = sorted(((c.id, f"{c.label} ({c.id})") for cat in CONCEPT_FIELDS[name]
                              for c in vocabulary.by_category(cat)), key=lambda o: o[1].casefold())
            if value and value not in {o[0] for o in options}:
                options.append((value, value))
            blank = () if spec.required else (("", "(not stated)"),)
            fields.append(Field(name, "select", spec.required, value or "",
                                blank + tuple(options)))
        elif spec.type == "texts":
            fields.append(Field(name, "list", spec.required, _shown(spec, value)))
        elif spec.type in ("object", "alternatives"):
            fields.append(Field(name, "json", spec.required, _shown(spec, value)))
        else:
            fields.append(Field(name, "text", spec.required, _shown(spec, value)))
    return fields


def _read(name: str, spec: Param, raw: Any) -> Any:
    """One submitted value in the field's type; None for an empty input."""
    if isinstance(raw, list):  # a multiple select
        return [str(v) for v in raw if str(v)]
    text = str(raw).strip()
    if len(text) > MAX_VALUE_CHARS:
        raise FormProblem(name, f"at most {MAX_VALUE_CHARS} characters")
    if text == "":
        return None
    if spec.type == "bool":
        if text not in ("true", "false"):
            raise FormProblem(name, "yes or no (true or false)")
        return text == "true"
    if spec.type == "int":
        try:
            return int(text)
        except ValueError:
            raise FormProblem(name, "a whole number, e.g. 90") from None
    if spec.type == "number":
        try:
            number = float(text)
        except ValueError:
            raise FormProblem(name, "a number, e.g. 75 or 1.5") from None
        if not math.isfinite(number):
            raise FormProblem(name, "a finite number")
        return int(number) if number.is_integer() and "." not in text else number
    if spec.type == "texts":
        return [part.strip() for part in text.split(",") if part.strip()]
    if spec.type in ("object", "alternatives"):
        try:
            return json.loads(text)
        except ValueError:
            kind = "a JSON object" if spec.type == "object" else "a JSON list of objects"
            raise FormProblem(name, kind) from None
    return text


def changes_from_form(kind: str, current_kind: str, current: Mapping[str, Any],
                      form: Mapping[str, Any | Sequence[Any]]) -> dict[str, Any]:
    """The changes a submitted edit form asks for: `form` maps a field name to its value
    (a list for a multiple select). For the criterion's own kind only the fields that
    differ from `current` (an emptied optional field is dropped back to its default); for
    a new kind every filled field, with "kind". The validation of what is left (required
    fields, concept ids) is edited_criterion's; a FormProblem names an unreadable one."""
    changes: dict[str, Any] = {}
    same_kind = kind == current_kind
    if not same_kind:
        changes["kind"] = kind
    for name, spec in KIND_PARAMS.get(kind, {}).items():
        if name in _HIDDEN or name not in form:
            continue
        value = _read(name, spec, form[name])
        if spec.type == "texts" and value is not None and not value:
            value = None
        if not same_kind:
            if value is not None:
                changes[name] = value
            continue
        before = current.get(name)
        if value is None:
            if before is not None:  # emptied: None removes the param (its default applies;
                changes[name] = None  # a required one is named by the validation)
            continue
        if value != before and not (isinstance(before, (list, tuple)) and list(before) == value):
            changes[name] = value
    return changes
