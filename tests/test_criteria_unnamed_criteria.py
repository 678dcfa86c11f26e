"""A diagnosis "confirmed by specific criteria" names no system (issue 12): like "as confirmed
by protocol criteria" the words say how the site made the diagnosis, not which patients
count, and the rest of the item is read. A word "specific" elsewhere stays unread."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion


@pytest.mark.parametrize(("text", "concept", "days"), [
    ("Diagnosed with Myasthenia Gravis at least 6 months (180 days) prior to the date of the "
     "Screening Visit as confirmed by specific criteria.", "dx.myasthenia_gravis", 180),
    ("SLE diagnosed at least 6 months before screening as confirmed by protocol-specific "
     "criteria", "dx.sle", 183),
])
def test_a_duration_confirmed_by_unnamed_criteria_is_read(text, concept, days):
    c = parse_criterion(text, "inclusion")
    assert c.kind == "diagnosis_timing", c.manual_reason
    assert (c.params["concepts"], c.params["min_duration_days"]) == ([concept], days)


@pytest.mark.parametrize("text", [
    "Disease-specific antibodies",
    "SLE diagnosed at least 6 months before screening with specific organ involvement",
])
def test_specific_outside_the_phrase_is_not_understood(text):
    assert parse_criterion(text, "inclusion").kind not in ("diagnosis_timing", "serology")
