"""An exclusion cut at its connectives where a piece after a pregnancy names nothing alone
(issue 12): "Women who are pregnant or nursing or who intend to be during the study
period". "nursing" is breastfeeding and "who intend to be ..." a plan to become pregnant
(asked at screening, manual), said of the pregnancy before them; the current states are
computed. A piece with any other word keeps its own reading."""

from __future__ import annotations

import pytest

from matcher.criteria.reader import parse_eligibility_text


def read(item: str) -> list[tuple[str, tuple[str, ...]]]:
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n\n* {item}\n")
    return [(c.kind, tuple(c.params.get("states") or ())) for c in criteria]


PREGNANT = ("pregnancy", ("dx.pregnancy",))
NURSING = ("pregnancy", ("dx.lactation",))
PLAN = ("manual", ())


@pytest.mark.parametrize(("item", "expected"), [
    ("Women who are pregnant or nursing or who intend to be during the study period.",
     [PREGNANT, NURSING, PLAN]),
    ("Patients who are pregnant or nursing or who intend to be", [PREGNANT, NURSING, PLAN]),
    ("Women who are pregnant or nursing, or who plan to become pregnant during the study",
     [PREGNANT, NURSING, PLAN]),
    ("Women who are pregnant or who plan to be so during the trial", [PREGNANT, PLAN]),
])
def test_an_elliptic_piece_after_a_pregnancy_is_its_sibling(item, expected):
    assert read(item) == expected


def test_the_plan_stays_manual_with_its_reason():
    criteria = parse_eligibility_text(
        "Exclusion Criteria:\n\n* Women who are pregnant or nursing or who intend to be "
        "during the study period.\n")
    assert "planned pregnancy" in (criteria[-1].manual_reason or "")


@pytest.mark.parametrize("item", [
    "Nursing home residents",
    "Pregnancy or nursing home residence",
])
def test_nursing_with_other_words_is_no_breastfeeding(item):
    assert NURSING not in read(item)


def test_an_inclusion_is_not_cut_into_siblings():
    criteria = parse_eligibility_text(
        "Inclusion Criteria:\n\n* Women who are not pregnant or nursing or who intend to be\n")
    assert all(c.kind != "pregnancy" or c.params.get("present") is False for c in criteria)
