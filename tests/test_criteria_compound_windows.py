"""Compound exclusion items that give each of their pieces its own window ("History of
shingles within 3 months, or infection requiring hospitalisation or IV antibiotics within
30 days"): each piece is one criterion with its own window.

- The cutter never cuts inside a vocabulary term: "infection requiring hospitalisation or
  IV antibiotics" is one concept, its "or" is no connective of the item.
- A lead "history of" that reads the same in every piece distributes over pieces that
  each state their own window; where a piece has no window of its own the item is not
  cut.

The sentences are written here in the wordings many sponsors use, not copied from a trial.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.reader import _pieces
from matcher.nlp.vocab import load_vocabulary


def _exclusions(item: str) -> list[tuple[str, tuple[str, ...], int | None]]:
    text = f"Exclusion Criteria:\n* {item}\n"
    return [
        (c.kind, tuple(c.params.get("concepts") or ()), c.params.get("window_days"))
        for c in parse_eligibility_text(text, ["systemic lupus erythematosus"])
    ]


# (item, [(concept, window_days), ...]) — one criterion per piece, in order.
DISTRIBUTED = [
    ("History of herpes zoster within 6 months, or infection requiring hospitalisation or "
     "IV antibiotics within 30 days before screening",
     [("dx.herpes_zoster", 183), ("dx.serious_infection", 30)]),
    ("History of shingles within the past 3 months or any infection that required "
     "hospitalization or intravenous antibiotics within the last 8 weeks",
     [("dx.herpes_zoster", 91), ("dx.serious_infection", 56)]),
    ("Prior shingles within 1 year, or an infection needing hospitalisation or IV "
     "antibiotics within 14 days of randomisation",
     [("dx.herpes_zoster", 365), ("dx.serious_infection", 14)]),
]


@pytest.mark.parametrize(("item", "expected"), DISTRIBUTED)
def test_a_history_lead_distributes_over_pieces_that_each_state_their_window(
    item: str, expected: list[tuple[str, int]]
) -> None:
    read = _exclusions(item)
    assert [k for k, _, _ in read] == ["diagnosis"] * len(expected), read
    assert [(c[0], w) for _, c, w in read] == expected


# Items that mean one thing per piece but whose lead or window reach is not bounded.
NOT_CUT = [
    # the first piece has no window of its own: "within 60 days" may reach it
    "History of herpes zoster, or infection requiring hospitalisation or IV antibiotics "
    "within 60 days",
    # the middle piece has no window: the last one's may reach it
    "History of herpes zoster within 3 months, tuberculosis, or infection requiring "
    "IV antibiotics within 30 days",
]


@pytest.mark.parametrize("item", NOT_CUT)
def test_a_lead_that_does_not_reach_every_piece_alike_leaves_the_item_whole(item: str) -> None:
    read = _exclusions(item)
    assert len(read) == 1, read


CUT_NOT_INSIDE_TERM = [
    ("Herpes zoster within 90 days or infection requiring hospitalisation or IV antibiotics "
     "within 60 days",
     ["Herpes zoster within 90 days",
      "infection requiring hospitalisation or IV antibiotics within 60 days"]),
    ("Shingles in the last 2 months, an infection that requires hospitalization or "
     "intravenous medication within 4 weeks",
     ["Shingles in the last 2 months",
      "an infection that requires hospitalization or intravenous medication within 4 weeks"]),
]


@pytest.mark.parametrize(("item", "expected"), CUT_NOT_INSIDE_TERM)
def test_the_compound_cutter_never_cuts_inside_a_vocabulary_term(
    item: str, expected: list[str]
) -> None:
    assert _pieces(item, "exclusion", load_vocabulary()) == expected


def test_a_term_kept_whole_reads_as_its_concept_with_its_own_window() -> None:
    read = _exclusions(CUT_NOT_INSIDE_TERM[0][0])
    assert [(c[0], w) for _, c, w in read] == [("dx.herpes_zoster", 90),
                                                ("dx.serious_infection", 60)]  # fmt: skip
