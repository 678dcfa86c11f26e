"""A biopsy of "proliferative or membranous lupus nephritis" (issue 12): class III, IV or V,
alone or mixed (III+V and IV+V lie inside the classes named). Before, the proliferative
reading alone refused a pure class V biopsy the item names."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
BIOPSY_DATE = dt.date(2026, 9, 1)
ITEMS = [
    "Kidney biopsy within 12 months prior to baseline with a histological diagnosis of "
    "proliferative or membranous Lupus Nephritis (LN)",
    "Biopsy-proven membranous or proliferative lupus nephritis",
]


def _status(item: str, *classes: str) -> Status:
    criterion = parse_criterion(item, "inclusion")
    assert criterion.kind == "biopsy", criterion.manual_reason
    finding = Finding(concept="biopsy.kidney", category="biopsy", note_id="n1", start=0, end=4,
                      text="text", assertion=Assertion.AFFIRMED, date=BIOPSY_DATE,
                      date_source="text", attrs={"classes": list(classes)})  # fmt: skip
    timeline = build_timeline(Patient("P1", None), [finding], {"n1": BIOPSY_DATE}, AS_OF)
    return evaluate(criterion, timeline).status


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("classes", [("III",), ("IV",), ("V",), ("III", "V"), ("IV", "V")])
def test_either_histology_takes_every_class_named(item, classes):
    assert _status(item, *classes) is Status.MET


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("classes", [("II",), ("VI",)])
def test_either_histology_refuses_a_class_not_named(item, classes):
    assert _status(item, *classes) is Status.NOT_MET


def test_proliferative_alone_still_wants_iii_or_iv():
    c = parse_criterion("Biopsy-proven proliferative lupus nephritis", "inclusion")
    assert (c.params["classes"], c.params.get("allowed_with")) == (["III", "IV"], ["V"])
