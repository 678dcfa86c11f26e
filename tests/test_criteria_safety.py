"""Readings that decided wrongly on unseen registry texts: a multiple of the normal value read
as an absolute value, and a sex word in an exclusion list read as an exclusion of that sex.
Each is now read right or left to a person, never a verdict on a misread."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.render import reading

LUPUS = ["lupus nephritis"]


@pytest.mark.parametrize(
    ("text", "multiple"),
    [
        ("ALT higher than 3 times the normal value", 3.0),
        ("AST greater than 2 X normal value", 2.0),
        ("ALT above 2.5 times normal", 2.5),
        ("Total bilirubin > 1.5 times the normal range", 1.5),
        ("ALT or AST more than 3x the upper normal limit", 3.0),
        ("ALT > 2 fold of the normal value", 2.0),
    ],
)
def test_a_multiple_of_the_normal_value_is_a_multiple_of_the_upper_limit(text, multiple):
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params.get("uln_multiple") == multiple
    assert "value" not in criterion.params
    assert "× ULN" in reading(criterion)


@pytest.mark.parametrize(
    "text", ["ALT > 3 times", "Serum creatinine more than 2 fold", "AST above 3 times"]
)
def test_a_multiplier_with_nothing_to_multiply_is_not_read_as_a_value(text):
    # "> 3 times" of what? Read as "> 3 U/L" it excluded every patient.
    criterion = parse_criterion(text, "exclusion", about=LUPUS)
    assert criterion.kind == "manual"


@pytest.mark.parametrize(
    "item",
    [
        "Pregnant or nursing women, male or female who plan a pregnancy during the study",
        "Pregnant women or men",
        "Breastfeeding women; men who intend to father a child",
        "Women who are pregnant, or men",
    ],
)
def test_a_sex_word_in_an_exclusion_list_never_excludes_that_sex(item):
    criteria = parse_eligibility_text("Exclusion Criteria:\n- " + item, LUPUS)
    assert all(c.kind != "sex" for c in criteria), [reading(c) for c in criteria]


@pytest.mark.parametrize(
    "item",
    [
        "Immunosuppressive drugs",
        "Anticoagulant drugs",
        "Use of methotrexate",
        "Systemic corticosteroid therapy",
        "Hydroxychloroquine",
    ],
)
def test_a_drug_named_with_no_word_of_time_in_an_exclusion_is_the_drug_taken_now(item):
    # Read as any exposure ever, a prednisone course finished years ago excluded a patient.
    criterion = parse_criterion(item, "exclusion", about=LUPUS)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("current") is True
    assert "currently taken" in reading(criterion)


@pytest.mark.parametrize(
    "item",
    [
        "Treated with rituximab",
        "Patients previously treated with cyclophosphamide",
        "Exposure to belimumab",
        "Prior use of rituximab",
        "Rituximab at any time",
    ],
)
def test_a_drug_named_as_a_history_in_an_exclusion_stays_any_exposure(item):
    criterion = parse_criterion(item, "exclusion", about=LUPUS)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert not criterion.params.get("current")


@pytest.mark.parametrize(
    ("paragraph", "whole"),
    [
        ("Exclusion Criteria:\nPregnancy. Patients with any clinically significant or unstable "
         "medical or\npsychiatric disorder.",
         "clinically significant or unstable medical or psychiatric disorder"),
        ("Exclusion Criteria:\nKnown allergy. Symptomatic heart failure with\nreduced ejection "
         "fraction.", "heart failure with reduced ejection fraction"),
        ("Exclusion Criteria:\nSmokers. Any uncontrolled illness, including\nactive infection.",
         "including active infection"),
    ],
)  # fmt: skip
def test_a_hard_wrapped_line_that_stops_on_a_connective_continues_on_the_next(paragraph, whole):
    # Read alone, "psychiatric disorder." excluded any psychiatric illness and lost
    # "clinically significant or unstable".
    texts = [c.text for c in parse_eligibility_text(paragraph, LUPUS)]
    assert any(whole in t for t in texts), texts
