"""A classification count with a word between the number and "criteria" (issue 12,
reader-b, round 10): "at least 4 diagnostic criteria for SLE defined by the American
College of Rheumatology" is the ACR set's own count, as "at least 4 criteria" is; the
count left over made the item manual. Counts that are not the cited set's stay manual."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading

LUPUS = ["systemic lupus erythematosus"]


@pytest.mark.parametrize("text", [
    "Fulfill at least 4 diagnostic criteria for SLE defined by American College of Rheumatology",
    "SLE with at least 4 classification criteria of the American College of Rheumatology",
    "Systemic lupus erythematosus meeting 4 or more ACR clinical criteria",
])  # fmt: skip
def test_the_cited_sets_own_count_with_a_qualifying_word_is_read(text: str) -> None:
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "diagnosis", reading(criterion)
    assert criterion.params["concepts"] == ["dx.sle"]


def test_a_count_that_is_not_the_cited_sets_stays_manual() -> None:
    text = "SLE with at least 3 diagnostic criteria of the American College of Rheumatology"
    criterion = parse_criterion(text, "inclusion", about=LUPUS)
    assert criterion.kind == "manual", reading(criterion)
