"""Cohort blocks named by words (issue 12, reader-b, round 10): a list cut whole into
blocks whose headings name their cohort in words ("Inclusion Criteria (ESRD group):",
"Inclusion criteria for the LN cohort:", "For outpatients:") is read into cohort scopes,
as numbered cohorts are. Every item sits in a named block, each block has inclusion items
of its own, so the text itself says who each cohort is; before, every item of such a
trial stayed manual. Sentences are invented, in the ways sponsors write these lists."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.render import reading

COHORT_ONLY = "guard: applies to one cohort only"

NAMED_BLOCKS = [
    pytest.param(
        "Inclusion Criteria (ESRD group):\n\n* Age ≥ 18 years\n* Past history of lupus "
        "nephritis\n\nExclusion Criteria (ESRD group):\n\n* Active tuberculosis\n\n"
        "Inclusion criteria (non ESRD group):\n\n* Age ≥ 18 years\n* Diabetes mellitus\n\n"
        "Exclusion criteria (non ESRD group) :\n\n* Rituximab within 6 months\n",
        {"Age ≥ 18 years": {"ESRD group", "non ESRD group"},
         "Active tuberculosis": {"ESRD group"}, "Rituximab within 6 months": {"non ESRD group"}},
        id="bracketed-groups-in-section-headings",
    ),
    pytest.param(
        "Inclusion criteria for the LN cohort:\n* Age 18 to 65 years\n* UPCR ≥ 1 g/g\n"
        "Exclusion criteria for the LN cohort:\n* HIV infection\n"
        "Inclusion criteria for the SLE cohort:\n* Age 12 to 65 years\n* SLEDAI-2K ≥ 6\n"
        "Exclusion criteria for the SLE cohort:\n* Active tuberculosis\n",
        {"UPCR ≥ 1 g/g": {"LN cohort"}, "SLEDAI-2K ≥ 6": {"SLE cohort"},
         "HIV infection": {"LN cohort"}},
        id="for-the-x-cohort",
    ),
    pytest.param(
        "For outpatients:\nInclusion Criteria:\n- Age >= 18 years\nExclusion Criteria:\n"
        "- Active tuberculosis\nFor inpatients:\nInclusion Criteria:\n- Age >= 40 years\n"
        "Exclusion Criteria:\n- HIV infection\n",
        {"Age >= 18 years": {"outpatients"}, "HIV infection": {"inpatients"}},
        id="label-lines-over-repeated-sections",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NAMED_BLOCKS)
def test_a_list_cut_whole_into_named_cohort_blocks_is_read_into_cohort_scopes(
    text: str, expected: dict[str, set[str]]
) -> None:
    criteria = parse_eligibility_text(text)
    assert criteria and all(c.cohort is not None for c in criteria), [
        reading(c) for c in criteria]
    assert not any(COHORT_ONLY in (c.manual_reason or "") for c in criteria)
    for item, cohorts in expected.items():
        read = [c for c in criteria if c.text == item]
        assert read and all(c.kind != "manual" for c in read), [reading(c) for c in read]
        assert {c.cohort.label for c in read} == cohorts


KEPT = [
    pytest.param(
        "Inclusion Criteria:\n- Women aged 18-50\nExclusion Criteria:\n- Current smoker\n"
        "Inclusion Criteria:\n- Men aged 18-50\nExclusion Criteria:\n- Hepatitis B infection\n",
        id="blocks-with-no-name: a repeated heading may continue the list",
    ),
    pytest.param(
        "Inclusion Criteria:\n* Age 18 to 65 years\nInclusion criteria for the LN cohort:\n"
        "* UPCR ≥ 1 g/g\nInclusion criteria for the SLE cohort:\n* SLEDAI-2K ≥ 6\n",
        id="an-item-in-no-block: a block heading may have been missed",
    ),
    pytest.param(
        "Inclusion criteria for the LN cohort:\n* UPCR ≥ 1 g/g\n"
        "Exclusion criteria for the LN cohort:\n* HIV infection\n"
        "Exclusion criteria for the SLE cohort:\n* Active tuberculosis\n",
        id="a-cohort-with-no-inclusion-item: who belongs is said elsewhere",
    ),
    pytest.param(
        "Inclusion criteria for the LN cohort:\n* UPCR ≥ 1 g/g\n"
        "Inclusion criteria for the SLE cohort:\n* SLEDAI-2K ≥ 6\n"
        "* Does not meet the criteria for the LN cohort\n",
        id="a-cohort-that-names-another",
    ),
]


@pytest.mark.parametrize("text", KEPT)
def test_named_blocks_whose_reach_is_unsure_keep_the_cohort_guard(text: str) -> None:
    criteria = parse_eligibility_text(text)
    scoped = [c for c in criteria if c.cohort is not None]
    assert not scoped, [reading(c) for c in scoped]
    assert any(COHORT_ONLY in (c.manual_reason or "") for c in criteria)


FIRST_BLOCK_NAMED_BY_ITS_DISEASE = [
    pytest.param("Sjögren's syndrome", "Health Subjects", id="disease-then-health-subjects"),
    pytest.param("Rheumatoid arthritis", "Healthy volunteers", id="disease-then-volunteers"),
    pytest.param("Systemic lupus erythematosus", "Normal controls", id="disease-then-controls"),
]


@pytest.mark.parametrize(("first", "second"), FIRST_BLOCK_NAMED_BY_ITS_DISEASE)
def test_the_first_block_keeps_a_label_that_names_its_disease(first: str, second: str) -> None:
    """The line over the first block has no block above it whose last exclusion it could
    be, so a label naming the disease is the block's name ("Sjögren's syndrome"), and the
    second block's people ("Health Subjects", a common non-native wording) are no
    patients: their exclusions never apply to a patient."""
    text = (f"{first}\n\nInclusion Criteria:\n\n* (1) aged between 20 and 75 years\n\n"
            "Exclusion Criteria:\n\n* (1) diabetes mellitus\n\n"
            f"{second}\n\nInclusion Criteria:\n\n* (1) aged 20 to 75 years\n\n"
            "Exclusion Criteria:\n\n* (1) pregnancy or breastfeeding\n")
    criteria = parse_eligibility_text(text)
    by_text = {c.text: c for c in criteria}
    assert by_text["(1) aged between 20 and 75 years"].kind == "age"
    assert by_text["(1) diabetes mellitus"].kind == "diagnosis"
    volunteers = [by_text["(1) aged 20 to 75 years"], by_text["(1) pregnancy or breastfeeding"]]
    assert all("never applied to a patient" in (c.manual_reason or "") for c in volunteers)
    assert first not in by_text and second not in by_text  # labels are no criteria
