"""The params of every criterion kind are declared once (matcher.criteria.params): the reader's
output is checked against them, and the evaluator reads unstated fields as their declared
default, so the two cannot mean different things by a missing field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from matcher.criteria import reader as criteria_reader
from matcher.criteria import trial_to_json
from matcher.criteria.params import KIND_PARAMS, param, params_json_schema, validate
from matcher.criteria.registry import load_trial
from matcher.errors import CriterionParamsError
from matcher.judge.evaluate import _EVALUATORS
from matcher.model import Criterion
from tests.conftest import REPO

CORPUS = REPO / "tests" / "data" / "registry_corpus"


def test_every_kind_the_evaluator_judges_has_declared_params_and_no_more():
    assert set(KIND_PARAMS) == set(_EVALUATORS)


@pytest.mark.parametrize(
    "path",
    [*sorted((REPO / "registry_dumps").glob("*.txt")), *sorted(CORPUS.glob("NCT0[0-3]*.txt"))],
    ids=lambda p: Path(p).stem,
)
def test_every_criterion_the_reader_gives_keeps_its_kinds_contract(path):
    for criterion in load_trial(path).criteria:
        validate(criterion.kind, criterion.params)  # raises naming the field


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        # a field no kind declares: a typo would otherwise be silently ignored
        ("refractory", {"agents": [], "min_agents": 1, "min_duration_days": 0,
                        "duration_strict": False, "requires_active_proteinuria": True,
                        "min_agent": 2}, "min_agent"),
        # a field the reader always writes, missing
        ("refractory", {"agents": ["drug.mycophenolate"], "min_duration_days": 0,
                        "duration_strict": False, "requires_active_proteinuria": True},
         "min_agents"),
        # a wrong type: a count of agents written as text
        ("refractory", {"agents": [], "min_agents": "two", "min_duration_days": 0,
                        "duration_strict": False, "requires_active_proteinuria": True},
         "min_agents"),
        ("sex", {"sex": "women"}, "sex"),
        ("lab", {"analytes": ["lab.alt"], "op": "=>", "unit": "U/L"}, "op"),
        ("lab", {"analytes": ["lab.alt"], "op": ">=", "unit": "U/L",
                 "alternatives": [{"analytes": ["lab.ast"], "cutoff": 3}]},
         "alternatives[0].cutoff"),
        ("age", {"min_years": True}, "min_years"),  # a bool is not a whole number
        ("pregnancy", {"states": ["dx.pregnancy"], "present": True, "window_days": None},
         "window_days"),
        ("a_new_kind", {}, "kind"),
    ],
)  # fmt: skip
def test_params_that_break_the_contract_are_refused_naming_the_field(kind, params, field):
    with pytest.raises(CriterionParamsError) as caught:
        validate(kind, params)
    assert caught.value.field == field
    assert f"field {field!r}" in str(caught.value) and kind in str(caught.value)


def _criterion(kind: str, **params) -> Criterion:
    return Criterion(id="inc-1", key=kind, type="inclusion", text="t", kind=kind, params=params)


def test_an_unstated_optional_field_is_its_declared_default():
    refractory = _criterion("refractory", agents=[], min_agents=1, min_duration_days=0,
                            duration_strict=False, requires_active_proteinuria=True)  # fmt: skip
    assert param(refractory, "proteinuria_threshold") == 0.5
    assert param(_criterion("ana"), "min_titre") == 80
    assert param(_criterion("diagnosis", concepts=["dx.sle"]), "temporality") == "ever"


def test_asking_for_an_undeclared_or_missing_required_field_is_an_error_not_none():
    with pytest.raises(CriterionParamsError, match="min_agent"):
        param(_criterion("refractory"), "min_agent")
    with pytest.raises(CriterionParamsError, match="min_agents"):
        param(_criterion("refractory"), "min_agents")


def test_a_reading_that_breaks_its_contract_is_left_to_a_person_with_the_field_named():
    broken = criteria_reader._Parsed("lab", "alt", {"analytes": ["lab.alt"], "op": "≥"})
    item = criteria_reader._Item("inclusion", "inclusion", "ALT ≥ 2", broken)
    criterion = criteria_reader._criterion(item, "inc-1", "alt", "ALT ≥ 2")
    assert criterion.kind == "manual"
    assert "op" in (criterion.manual_reason or "")
    assert "guard:params" in criterion.trace
    assert criterion.unread


def test_the_trial_show_schema_documents_each_kinds_params_from_the_declared_table():
    # Regenerate after changing the table:
    #   python -c "import json; from matcher.criteria.params import params_json_schema as s;
    #              print(json.dumps(s(), indent=2))"  (into criteria.items.allOf)
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    assert schema["properties"]["criteria"]["items"]["allOf"] == params_json_schema()


@pytest.mark.parametrize("path", sorted(CORPUS.glob("NCT0[4-7]*.txt"))[:6], ids=lambda p: p.stem)
def test_trial_show_json_of_a_real_text_keeps_the_documented_logical_form(path):
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    jsonschema.validate(trial_to_json(load_trial(path)), schema)


def test_the_schema_refuses_a_params_field_no_kind_declares():
    schema = json.loads((REPO / "matcher" / "schema" / "trial_show.schema.json").read_text())
    shown = trial_to_json(load_trial(REPO / "registry_dumps" / "NCT06904729.txt"))
    computed = next(c for c in shown["criteria"] if c["kind"] == "age")
    computed["params"]["min_yrs"] = 12
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(shown, schema)
