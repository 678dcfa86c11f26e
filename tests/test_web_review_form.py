"""The criterion edit form built from a kind's declared params, and the submitted form read
back into the changes (matcher.web.review_form): pure, no app."""

from __future__ import annotations

import pytest

from matcher import api
from matcher.criteria.params import KIND_PARAMS
from matcher.web.review_form import FormProblem, changes_from_form, form_fields

LAB = {"analytes": ["lab.platelets"], "op": ">=", "value": 75, "unit": "x10^9/L"}


def _by_name(kind: str, params: dict) -> dict:
    return {f.name: f for f in form_fields(kind, params, api.vocabulary())}


def test_every_declared_field_of_every_kind_gets_an_input():
    for kind, declared in KIND_PARAMS.items():
        shown = set(_by_name(kind, {}))
        assert shown == set(declared) - {"cohort", "cohort_is_patients"}, kind


def test_the_widgets_follow_the_param_types():
    fields = _by_name("lab", LAB)
    assert fields["op"].widget == "select" and fields["op"].value == ">="
    assert [v for v, _ in fields["op"].options] == [">=", ">", "<=", "<"]  # required: no blank
    assert fields["value"].widget == "number" and fields["value"].value == "75"
    assert fields["analytes"].widget == "concepts" and fields["analytes"].value == (
        "lab.platelets",)
    assert ("lab.platelets", "platelet count (lab.platelets)") in fields["analytes"].options
    assert fields["per_weight"].widget == "select"  # a bool: yes/no, blank when not stated
    assert fields["exceptions"].widget == "json"
    assert _by_name("biopsy", {"classes": ["III", "IV"]})["classes"].value == "III, IV"


def test_a_concept_id_outside_the_offered_categories_is_kept_not_dropped():
    field = _by_name("lab", {**LAB, "analytes": ["lab.unheard_of"]})["analytes"]
    assert ("lab.unheard_of", "lab.unheard_of") in field.options


@pytest.mark.parametrize(
    ("form", "changes"),
    [
        ({"value": "75", "op": ">=", "unit": "x10^9/L", "analytes": ["", "lab.platelets"]}, {}),
        ({"value": "100"}, {"value": 100}),
        ({"value": "1.5"}, {"value": 1.5}),
        ({"analytes": ["", "lab.hemoglobin"]}, {"analytes": ["lab.hemoglobin"]}),
        ({"analytes": [""]}, {"analytes": None}),  # nothing selected: the validation names it
        ({"uln_multiple": "3"}, {"uln_multiple": 3}),
        ({"per_weight": "true"}, {"per_weight": True}),
        ({"per_weight": ""}, {}),
    ],
)
def test_only_the_fields_a_person_changed_become_changes(form, changes):
    assert changes_from_form("lab", "lab", LAB, form) == changes


def test_an_emptied_optional_field_is_removed():
    assert changes_from_form("lab", "lab", {**LAB, "repeat": 2}, {"repeat": ""}) == {
        "repeat": None}


def test_another_kind_sends_the_kind_and_every_filled_field():
    form = {"analytes": ["", "lab.platelets"], "op": ">=", "value": "100", "unit": "x10^9/L",
            "per_weight": "", "exceptions": ""}
    assert changes_from_form("lab", "manual", {}, form) == {
        "kind": "lab", "analytes": ["lab.platelets"], "op": ">=", "value": 100,
        "unit": "x10^9/L"}


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("value", "abc", "field 'value': expected a number, e.g. 75 or 1.5"),
        ("value", "nan", "field 'value': expected a finite number"),
        ("repeat", "2.5", "field 'repeat': expected a whole number, e.g. 90"),
        ("per_weight", "maybe", "field 'per_weight': expected yes or no"),
        ("exceptions", "[{", "field 'exceptions': expected a JSON list of objects"),
        ("unit", "x" * 5000, "field 'unit': expected at most 4000 characters"),
    ],
)
def test_a_value_that_does_not_read_names_its_field(field, raw, message):
    with pytest.raises(FormProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        changes_from_form("lab", "lab", LAB, {field: raw})
