"""Section headings that name a group in brackets (issue 12, found by corpus h's first
measurement): "Inclusion Criteria (ESRD group):" opens an inclusion section for one
cohort. Before, the bracket kept the line from being read as a section heading, so the
items of a second cohort's inclusion section were read as exclusions of everyone ("Biopsy
proven ACTIVE lupus nephritis" excluding the trial's own patients), and a bracketed group
after "Exclusion criteria" was no cohort, so one group's exclusions ("Immunosuppressive
treatment") applied to the other group too."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text

TWO_GROUPS = [
    pytest.param(
        "Inclusion Criteria (ESRD group):\n\n* Age ≥ 18 years\n* History of lupus nephritis\n\n"
        "Exclusion Criteria (ESRD group):\n\n* Active infection\n\n"
        "Inclusion criteria (non ESRD group):\n\n* Biopsy proven active lupus nephritis\n\n"
        "Exclusion criteria (non ESRD group) :\n\n* Immunosuppressive treatment\n",
        {"ESRD group", "non ESRD group"}, id="esrd-and-non-esrd",
    ),
    pytest.param(
        "Inclusion criteria (paediatric cohort):\n* Age 6 to 17 years\n* Lupus nephritis\n"
        "Exclusion criteria (paediatric cohort):\n* Rituximab within 6 months\n"
        "Inclusion criteria (adult cohort):\n* Age 18 to 65 years\n* Lupus nephritis\n"
        "Exclusion criteria (adult cohort):\n* Pregnancy\n",
        {"paediatric cohort", "adult cohort"}, id="paediatric-and-adult",
    ),
]


@pytest.mark.parametrize(("text", "cohorts"), TWO_GROUPS)
def test_a_bracketed_group_in_a_section_heading_scopes_its_items_to_that_cohort(
    text: str, cohorts: set[str]
) -> None:
    criteria = parse_eligibility_text(text)
    # Every item belongs to one group: none may decide for a patient of the other group.
    # The list is cut whole into the two named blocks, so each item is read with its
    # cohort's scope (matcher.criteria.groups), never for everyone.
    assert all(c.cohort is not None and c.cohort.cohorts == (c.cohort.label,)
               for c in criteria), [(c.id, c.kind, c.manual_reason) for c in criteria]  # fmt: skip
    assert {c.cohort.label for c in criteria} == cohorts


@pytest.mark.parametrize(("text", "item"), [
    (TWO_GROUPS[0].values[0], "Biopsy proven active lupus nephritis"),
    (TWO_GROUPS[1].values[0], "Age 18 to 65 years"),
])
def test_a_bracketed_inclusion_heading_opens_an_inclusion_section(text: str, item: str) -> None:
    # The second group's inclusion heading follows an exclusion section: missed, its items
    # were exclusions.
    criteria = parse_eligibility_text(text)
    assert [c.type for c in criteria if c.text == item] == ["inclusion"]


@pytest.mark.parametrize("heading", [
    "Inclusion Criteria (all participants):", "Inclusion criteria (see protocol):",
])
def test_a_bracket_naming_no_group_scopes_nothing(heading: str) -> None:
    criteria = parse_eligibility_text(f"{heading}\n* Age 18 years or older\n"
                                      "Exclusion Criteria:\n* Active infection\n")
    assert [c.type for c in criteria] == ["inclusion", "exclusion"]
    assert all("cohort" not in (c.manual_reason or "") for c in criteria)
