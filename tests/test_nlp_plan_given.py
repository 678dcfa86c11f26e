"""A plan item that says the dose was given, and when, is an exposure, not an order.

Emergency and on-call notes write what they did under "plan:" ("plan: filgrastim 5 mcg/kg
SC given 11:55 PM; recheck CBC in 1 week"). Read as a plan, the G-CSF dose vanished and a
neutrophil count taken a week later counted as unsupported (hold-out 19: a false
eligible). An order still to be carried out names no time of giving, or says it will be.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

NOTE_DATE = dt.date(2026, 11, 8)


def _drug_assertions(text: str) -> list[tuple[str, str]]:
    return [(f.concept, f.assertion.value) for f in parse_text(text, NOTE_DATE)
            if f.category == "drug"]


GIVEN_IN_A_PLAN = [
    ("plan: filgrastim 5 mcg/kg SC given 11:55 PM; no focus; recheck CBC in 1 week.",
     "drug.gcsf"),
    ("Plan: IV methylprednisolone 500 mg administered at 0600h.", "drug.glucocorticoid"),
    ("Plan:\n- MP 30 mg/kg given in ED\n- admit to ward", "drug.glucocorticoid"),
    ("Imp: flare. Plan: IV cyclophosphamide 500 mg infused today, mesna.",
     "drug.cyclophosphamide"),
    ("Plan: G-CSF given 03 Nov 2026, repeat FBC.", "drug.gcsf"),
    ("PLAN: rituximab 375 mg/m2 given 14:30, observed 1 h, no reaction.", "drug.rituximab"),
    ("Plan: filgrastim given 06h00 on the ward.", "drug.gcsf"),
]


@pytest.mark.parametrize(("text", "concept"), GIVEN_IN_A_PLAN)
def test_a_plan_item_given_at_a_stated_time_is_an_exposure(text: str, concept: str) -> None:
    assert (concept, "affirmed") in _drug_assertions(text)


STILL_AN_ORDER = [
    ("Plan: rituximab to be given at 09:00 tomorrow.", "drug.rituximab"),
    ("Plan: rituximab will be given 10:00 on Monday.", "drug.rituximab"),
    ("Plan: rituximab given if CD19 > 1%.", "drug.rituximab"),
    ("Plan: methylprednisolone 1.25 g given over 2 hours tomorrow.", "drug.glucocorticoid"),
    ("Plan: filgrastim 06h00 daily x 3 days.", "drug.gcsf"),
    ("Plan: IV CYC given 1.00 g.", "drug.cyclophosphamide"),
    ("Plan: G-CSF given 12 Dec 2026, repeat FBC.", "drug.gcsf"),
    ("Plan: start MMF; rituximab given 14:30 last admission was tolerated.", "drug.mycophenolate"),
]


@pytest.mark.parametrize(("text", "concept"), STILL_AN_ORDER)
def test_a_plan_item_with_no_time_of_giving_stays_an_order(text: str, concept: str) -> None:
    assert (concept, "hypothetical") in _drug_assertions(text)
