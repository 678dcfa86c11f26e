"""A biopsy of a listed class with class V alongside, against an item that does not say.

"Proliferative lupus nephritis (ISN/RPS class III or IV)" names the proliferative classes
and is silent on a membranous component: whether a III+V or IV+V biopsy qualifies is the
sponsor's to say (most proliferative-LN trials take it, some want pure III/IV). Refusing it
would hide a child from the trial on a reading the text does not make, so a person
decides. An item that says "with or without class V" takes it; a biopsy without any
listed class still fails.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
BIOPSY_DATE = dt.date(2026, 9, 1)

SILENT_ON_V = [
    "Biopsy-proven lupus nephritis class III or IV",
    "Diagnosis of proliferative lupus nephritis (ISN/RPS class III or IV)",
    "Kidney biopsy showing ISN/RPS 2018 class III or class IV LN within 12 months",
    "Renal biopsy-confirmed LN, WHO/ISN class III or IV",
]
SAYS_V_ALLOWED = [
    "Biopsy-proven lupus nephritis class III or IV, with or without class V",
    "Biopsy-proven lupus nephritis, ISN/RPS class III or IV (a class V component is allowed)",
]


def _biopsy(*classes: str) -> Finding:
    return Finding(concept="biopsy.kidney", category="biopsy", note_id="n1", start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED, date=BIOPSY_DATE,
                   date_source="text", attrs={"classes": list(classes)})  # fmt: skip


def _status(item: str, *classes: str) -> tuple[Status, str]:
    criterion = parse_criterion(item, "inclusion")
    assert criterion.kind == "biopsy", criterion
    timeline = build_timeline(Patient("P1", None), [_biopsy(*classes)], {"n1": BIOPSY_DATE},
                              AS_OF)
    result = evaluate(criterion, timeline)
    return result.status, result.reason


@pytest.mark.parametrize("item", SILENT_ON_V)
@pytest.mark.parametrize("classes", [("III", "V"), ("IV", "V")])
def test_a_mixed_biopsy_against_an_item_silent_on_class_v_goes_to_a_person(item, classes):
    status, reason = _status(item, *classes)
    assert status is Status.MANUAL, reason
    assert "class V" in reason


@pytest.mark.parametrize("item", SILENT_ON_V + SAYS_V_ALLOWED)
def test_a_pure_listed_class_still_meets_the_item(item):
    assert _status(item, "IV")[0] is Status.MET


@pytest.mark.parametrize("item", SAYS_V_ALLOWED)
@pytest.mark.parametrize("classes", [("III", "V"), ("IV", "V")])
def test_an_item_that_allows_class_v_takes_the_mixed_biopsy(item, classes):
    assert _status(item, *classes)[0] is Status.MET


@pytest.mark.parametrize("item", SILENT_ON_V)
@pytest.mark.parametrize("classes", [("V",), ("II",), ("II", "V")])
def test_a_biopsy_without_a_listed_class_still_fails(item, classes):
    assert _status(item, *classes)[0] is Status.NOT_MET


@pytest.mark.parametrize("item", [
    "Biopsy-proven lupus nephritis class III or IV; mixed classes III+V or IV+V are excluded",
    "Lupus nephritis ISN/RPS class III or IV on biopsy (class III+V and IV+V not eligible)",
])
def test_an_item_that_refuses_the_mixed_classes_still_wants_its_pure_classes(item):
    # The refused list names mixes, not whole classes: it must not turn the item into
    # "any class but III, IV and V" (it read as classes I, II or VI: a wrong ineligible).
    criterion = parse_criterion(item, "inclusion")
    assert criterion.params["classes"] == ["III", "IV"], criterion.params
    assert "V" not in criterion.params["allowed_with"]
    assert _status(item, "IV")[0] is Status.MET
    assert _status(item, "IV", "V")[0] is not Status.MET
    assert _status(item, "II")[0] is Status.NOT_MET
