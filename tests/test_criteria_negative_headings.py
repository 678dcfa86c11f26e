"""Sentence headings that open the exclusions by saying none of what follows may hold
(issue 12, reader-b, round 10): "None of the following criteria must be fulfilled for a
subject to be eligible:" names eligibility, and was read as an inclusion heading, so
every exclusion under it (pregnancy, intracranial bleeding) became a requirement.
Sentences are invented, in the ways sponsors write these headings."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text

HEADINGS = [
    "None of the following criteria must be fulfilled for a subject to be eligible:",
    "None of the following may apply:",
    "Subjects must not meet any of the following criteria:",
    "Patients must have none of the following:",
    "Participants may not have any of the following conditions:",
]


@pytest.mark.parametrize("heading", HEADINGS)
def test_a_heading_saying_none_of_the_following_may_hold_opens_the_exclusions(
    heading: str,
) -> None:
    text = (f"Each of the following criteria must be fulfilled for a subject to be eligible:\n"
            f"  1. Age >= 18 years\n  2. Systemic lupus erythematosus\n{heading}\n"
            "  1. Pregnancy\n  2. Active tuberculosis\n")
    criteria = parse_eligibility_text(text, ["lupus"])
    assert [(c.type, c.text) for c in criteria] == [
        ("inclusion", "Age >= 18 years"), ("inclusion", "Systemic lupus erythematosus"),
        ("exclusion", "Pregnancy"), ("exclusion", "Active tuberculosis"),
    ]


def test_the_same_heading_under_an_exclusion_heading_keeps_the_items_exclusions() -> None:
    text = ("Inclusion Criteria:\n  1. Age >= 18 years\nExclusion Criteria:\n"
            f"{HEADINGS[0]}\n  1. Pregnancy\n  2. Active tuberculosis\n")
    criteria = parse_eligibility_text(text, ["lupus"])
    assert [c.type for c in criteria] == ["inclusion", "exclusion", "exclusion"]


def test_a_bulleted_none_of_the_following_heads_a_list_inside_the_inclusions() -> None:
    text = ("Inclusion Criteria:\n* Age >= 18 years\n* None of the following within 3 months:\n"
            "  - rituximab\n  - cyclophosphamide\n* Systemic lupus erythematosus\n"
            "Exclusion Criteria:\n* Pregnancy\n")
    criteria = parse_eligibility_text(text, ["lupus"])
    by_text = {c.text: c.type for c in criteria}
    assert by_text["Age >= 18 years"] == by_text["Systemic lupus erythematosus"] == "inclusion"
    assert by_text["Pregnancy"] == "exclusion"
