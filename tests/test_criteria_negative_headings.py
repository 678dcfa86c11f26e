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


# "Key Criteria for <population>: ..." opens the criteria of one population, its first
# requirement on the same line (no "Inclusion Criteria:" heading in the whole text).
KEY_CRITERIA = [
    pytest.param(
        "Key Criteria for Healthy Volunteers: Subject must be between the ages of 18 and 55 "
        "years;\nnot pregnant or breastfeeding.\n"
        "Key Criteria for Immune Thrombocytopenic Purpura (ITP) Patients: Patient must be "
        "between\nthe ages of 18 to 64 years.\n",
        id="volunteers-then-patients-hard-wrapped",
    ),
    pytest.param(
        "Criteria for healthy controls: aged 18 to 55 years.\n"
        "Criteria for SLE patients: aged 18 to 64 years.\n",
        id="criteria-for-without-key",
    ),
]


@pytest.mark.parametrize("text", KEY_CRITERIA)
def test_key_criteria_for_a_population_open_that_populations_criteria(text: str) -> None:
    criteria = parse_eligibility_text(text)
    assert criteria, "no eligibility criteria found"
    ages = [c for c in criteria if c.kind == "age"]
    # The patients' age is read as theirs; the volunteers' items never apply to a patient.
    assert len(ages) == 1 and ages[0].params["max_years"] == 64, [
        (c.kind, c.manual_reason) for c in criteria]
    others = [c for c in criteria if c is not ages[0] and c.kind == "manual"]
    assert others and all("never applied to a patient" in c.manual_reason for c in others)


def test_a_record_whose_criteria_open_with_key_criteria_for_a_population_is_read() -> None:
    # Before, the record was refused: "no eligibility criteria found".
    from matcher.criteria.registry import read_registry_text, record_to_trial

    text = "Some trial\n\nConditions: Systemic lupus erythematosus\n\n" + KEY_CRITERIA[0].values[0]
    trial = record_to_trial(read_registry_text(text, "key-criteria.txt"))
    assert [c.kind for c in trial.criteria if c.kind == "age"] == ["age"]


def test_a_description_line_naming_criteria_for_something_opens_nothing_early() -> None:
    from matcher.criteria.registry import read_registry_text

    text = ("Some trial\n\nCriteria for response: as in the protocol\n\nInclusion Criteria:\n"
            "* Age >= 18 years\n")
    record = read_registry_text(text, "t.txt")
    assert record.eligibility_text.startswith("Inclusion Criteria:")


@pytest.mark.parametrize(("item", "kind"), [
    ("(1)a history of diabetes mellitus", "diagnosis"),
    ("(2)pregnancy or breastfeeding", "diagnosis"),
    ("(3) active tuberculosis", "diagnosis"),
])  # fmt: skip
def test_a_bracketed_item_number_glued_to_its_first_word_is_no_word_of_the_item(
    item: str, kind: str
) -> None:
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n* {item}\n", ["lupus"])
    assert [c.kind for c in criteria] == [kind], [c.manual_reason for c in criteria]
