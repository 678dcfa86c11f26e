"""A vital sign outside a range (round 15): "BMI <20 or >35 kg/m2", "LVEF <40% or >70%" are
two limits on opposite sides joined by "or", met by a value below the lower or above the
upper one. They were left manual ("not understood: 35, kg/m2"); a pair joined by "and" stays
a range, and a pair that is no limit at all ("<35 or >20": every value) stays unread.

The sentences are written for these tests, as other sponsors word them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text
from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Patient

OUTSIDE: list[tuple[str, str, list[tuple[str, str, float]]]] = [
    # (section, item, the limits as (analyte, op, value))
    ("exclusion", "BMI <20 or >35 kg/m2", [("lab.bmi", "<", 20.0), ("lab.bmi", ">", 35.0)]),
    ("exclusion", "Body mass index >32 or <17.5 Kg/m2",
     [("lab.bmi", ">", 32.0), ("lab.bmi", "<", 17.5)]),
    ("exclusion", "BMI < 18.5 or ≥ 30", [("lab.bmi", "<", 18.5), ("lab.bmi", ">=", 30.0)]),
    ("exclusion", "LVEF <40% or >75%", [("lab.lvef", "<", 40.0), ("lab.lvef", ">", 75.0)]),
    ("exclusion", "Body weight <45 kg or >110 kg",
     [("lab.weight", "<", 45.0), ("lab.weight", ">", 110.0)]),
    ("inclusion", "BMI ≤ 18 or ≥ 40 kg/m2", [("lab.bmi", "<=", 18.0), ("lab.bmi", ">=", 40.0)]),
]


@pytest.mark.parametrize(("section", "item", "limits"), OUTSIDE)
def test_two_limits_joined_by_or_on_opposite_sides_are_an_either_or(section, item, limits):
    criterion = parse_criterion(item, section)
    assert criterion.kind == "vital", criterion.manual_reason
    groups = [criterion.params, *criterion.params.get("alternatives", [])]
    assert [(g["analytes"][0], g["op"], g["value"]) for g in groups] == limits
    assert criterion.params["combine"] == "or"


NOT_OUTSIDE = [
    "BMI <35 or >20 kg/m2",  # every value: no limit
    "BMI <20 or <35 kg/m2",  # two limits on one side
    "BMI <20 or >35 mmHg",  # a unit that is not the vital's
    "BMI <18 or >35 kg/m2 and SBP ≥ 160 mmHg",  # (A or B) and C: not one list of alternatives
]


@pytest.mark.parametrize("item", NOT_OUTSIDE)
def test_two_limits_that_are_not_outside_a_range_are_not_read(item):
    criterion = parse_criterion(item, "exclusion")
    assert criterion.kind == "manual"


def test_two_limits_joined_by_and_stay_a_range():
    criterion = parse_criterion("BMI >18 and <30 kg/m2", "inclusion")
    assert criterion.kind == "vital"
    assert criterion.params["combine"] == "and"


AS_OF = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Clinic 01/11/2026. Weight 50 kg. BMI 18.2 kg/m2.", "met"),
        ("Clinic 01/11/2026. Weight 80 kg. BMI 26 kg/m2.", "not_met"),
        ("Clinic 01/11/2026. Weight 120 kg. BMI 38.5 kg/m2.", "met"),
    ],
)
def test_an_exclusion_outside_the_range_is_met_on_either_side(note, expected):
    findings = parse_text(note, AS_OF)
    timeline = build_timeline(Patient("P1", None), findings,
                              {f.note_id: f.date for f in findings}, AS_OF)  # fmt: skip
    criterion = parse_criterion("BMI <20 or >35 kg/m2", "exclusion")
    result = evaluate(criterion, timeline)
    assert result.status == expected, result.reason
