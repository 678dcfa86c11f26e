"""An age limit anchored at the consent ("younger than 80 years at the time of obtaining
consent") is an age limit: the consent words date it, they are no consent item (which took
the upper bound away and left only the lower one)."""

from __future__ import annotations

import pytest

from matcher.criteria.reader import parse_eligibility_text

AGES = [
    ("Age 18 years or older and younger than 80 years at the time of obtaining consent",
     18, 79),
    ("Age 6 to 17 years at the time of giving written informed consent", 6, 17),
    ("Aged 12 years or older at the time of providing informed consent", 12, None),
]


@pytest.mark.parametrize(("item", "low", "high"), AGES)
def test_an_age_limit_dated_at_the_consent_keeps_both_bounds(item, low, high):
    criteria = parse_eligibility_text(f"Inclusion Criteria:\n\n* {item}\n")
    assert [(c.kind, c.params.get("min_years"), c.params.get("max_years")) for c in criteria] \
        == [("age", low, high)], [(c.kind, c.manual_reason) for c in criteria]


def test_the_ability_to_consent_is_still_a_consent_item():
    criteria = parse_eligibility_text(
        "Inclusion Criteria:\n\n* Patients must be able to give informed consent\n")
    assert [c.kind for c in criteria] == ["consent"]
