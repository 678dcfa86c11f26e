"""One item line that holds several independent criteria: each criterion that stands
alone is read on its own, and a piece the reader does not understand stays a manual
criterion naming its own words, so it costs the others nothing.

A comparative age ("older than age 70 years", "under age 16") is one piece: the age
cut before "age" must not leave "older than" alone, or the whole item stays manual."""

from __future__ import annotations

import pytest

from matcher.criteria.reader import parse_eligibility_text
from matcher.model import Criterion


def _read(section: str, item: str) -> list[Criterion]:
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    text = f"Inclusion Criteria:\n* Diagnosis of gout\n{heading}\n* {item}\n"
    return [c for c in parse_eligibility_text(text, about=("Gout",))
            if c.text != "Diagnosis of gout"]  # fmt: skip


COMPARATIVE_AGE = [
    # (item, the age limits of the age criterion read from it, a word some other
    # criterion of the item keeps manual or None when every piece is computed)
    # "per self-reporting" is a lead the reader knows (a self-reported pregnancy is one)
    ("Patient is pregnant per self-reporting or older than age 70 years",
     {"min_years": 71, "max_years": None}, None),
    ("Breastfeeding per own report or younger than age 18 years",
     {"min_years": None, "max_years": 17}, "report"),
    ("Nursing mother per self-declaration or under the age of 18 years",
     {"min_years": None, "max_years": 17}, "self-declaration"),
    ("Pregnancy or older than age 75 years", {"min_years": 76, "max_years": None}, None),
]


@pytest.mark.parametrize(("item", "limits", "manual_word"), COMPARATIVE_AGE)
def test_a_comparative_age_after_another_exclusion_is_read_as_its_own_age_limit(
    item: str, limits: dict[str, int | None], manual_word: str | None
) -> None:
    criteria = _read("exclusion", item)
    ages = [c for c in criteria if c.kind == "age"]
    assert [{k: c.params[k] for k in limits} for c in ages] == [limits]
    manual = [c for c in criteria if c.kind == "manual"]
    if manual_word is None:
        assert manual == []
    else:
        assert len(manual) == 1 and manual_word in (manual[0].manual_reason or "")
        assert "age" not in manual[0].text


CURRENT_LEAD = [
    # (item, the kinds of its criteria in order, the manual reason's cue)
    ("Current pregnancy, breastfeeding, or planning a pregnancy",
     ["pregnancy", "pregnancy", "manual"], "planned pregnancy"),
    ("Currently pregnant, lactating or intending to conceive during the study",
     ["pregnancy", "pregnancy", "manual"], "planned pregnancy"),
    # trying to get pregnant is a plan, read as one
    ("Current pregnancy, breastfeeding, or actively trying to get pregnant",
     ["pregnancy", "pregnancy", "manual"], "planned pregnancy"),
]


@pytest.mark.parametrize(("item", "kinds", "manual_cue"), CURRENT_LEAD)
def test_a_current_lead_that_reads_the_same_on_every_state_leaves_only_the_plan_manual(
    item: str, kinds: list[str], manual_cue: str
) -> None:
    criteria = _read("exclusion", item)
    assert [c.kind for c in criteria] == kinds
    (manual,) = [c for c in criteria if c.kind == "manual"]
    assert manual_cue in (manual.manual_reason or "")
    # every computed state is a current one, as the lead says
    assert all(c.params.get("present") is True for c in criteria if c.kind == "pregnancy")


def test_a_current_lead_that_may_narrow_an_unknown_piece_keeps_the_item_whole() -> None:
    # A guard (it holds before and after): "currently active hepatitis" is not
    # understood, and "currently" may reach "tuberculosis" too; nothing is computed alone.
    criteria = _read("exclusion", "Currently active hepatitis, tuberculosis or planning surgery")
    assert [c.kind for c in criteria] == ["manual"]


PARALLEL_RELATIVES = [
    # (item, the kinds of its criteria in order)
    ("Women who are pregnant or who plan to become pregnant during the study",
     ["pregnancy", "manual"]),
    ("Female participants who are breastfeeding, or who intend to conceive within a year",
     ["pregnancy", "manual"]),
]


@pytest.mark.parametrize(("item", "kinds"), PARALLEL_RELATIVES)
def test_a_second_who_clause_on_a_bare_subject_is_a_criterion_of_its_own(
    item: str, kinds: list[str]
) -> None:
    criteria = _read("exclusion", item)
    assert [c.kind for c in criteria] == kinds


def test_a_second_who_clause_on_a_subject_with_a_finding_keeps_the_item_whole() -> None:
    # A guard (it holds before and after): "who had a transfusion" is said of the
    # patients with anaemia; read alone it would exclude every transfusion.
    criteria = _read("exclusion", "Patients with anaemia who are pregnant or who had a "
                     "red cell transfusion within 8 weeks")  # fmt: skip
    assert [c.kind for c in criteria] == ["manual"]
