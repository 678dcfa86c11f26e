"""What a list heading says reaches the bare items under it (matcher.criteria.heading_frame).

Registry authors put the time, the exposure and the population in a heading and list bare
concepts under it: "Current diagnosis of any of the following:" then "* Sarcoidosis". Read
alone, "Sarcoidosis" is a diagnosis at any time; under that heading it is a current one.
"History of any of the following:" then "* rituximab" is any past rituximab, not the drug
taken now. Each sub-item is read as the heading's lead and the item together, so it gets
the same reading (and the same plain words) as the single sentence "Current diagnosis of
sarcoidosis"; a lead word the reader does not understand still makes the item manual and
names the word (the coverage guard), nothing is dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria.reader import parse_eligibility_text
from matcher.criteria.render import reading
from matcher.model import Criterion
from matcher.nlp.vocab import load_vocabulary

VOCABULARY = load_vocabulary()


def _items(section: str, heading: str, items: list[str]) -> list[Criterion]:
    title = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    lines = "".join(f"  * {item}\n" for item in items)
    return parse_eligibility_text(f"{title}\n\n* {heading}\n{lines}", vocabulary=VOCABULARY)


# (section, heading, the bare sub-item, kind, params that must hold, words of the reading)
FRAMED: list[tuple[str, str, str, str, dict[str, Any], str]] = [
    # a current frame: the condition as it is now, not any past mention
    ("exclusion", "Current diagnosis of any of the following:", "Sarcoidosis",
     "diagnosis", {"temporality": "current", "window_days": 90}, "current"),
    ("exclusion", "Current diagnosis of any of the following conditions:",
     "Diabetes mellitus", "diagnosis", {"temporality": "current", "window_days": 90},
     "current"),
    ("exclusion", "Participants currently diagnosed with any of the following:",
     "Amyloidosis", "diagnosis", {"temporality": "current", "window_days": 90}, "current"),
    ("exclusion", "Subjects with current diagnosis of:", "Sarcoidosis",
     "diagnosis", {"temporality": "current", "window_days": 90}, "current"),
    # a history frame: any past exposure to a drug, not the drug taken now
    ("exclusion", "History of any of the following:", "rituximab",
     "drug_exposure", {"window_days": None}, "at any time"),
    ("exclusion", "Prior use of any of the following medications:", "Belimumab",
     "drug_exposure", {"window_days": None}, "at any time"),
    ("exclusion", "Previous treatment with any of the following:", "cyclophosphamide",
     "drug_exposure", {"window_days": None}, "at any time"),
    # a history frame over an infection: a past diagnosis, not positive markers now
    ("exclusion", "Any patient with prior diagnosis of any of the following conditions is "
     "excluded:", "Hepatitis C infection", "serology", {}, "at any time"),
    ("exclusion", "Known history of:", "Hepatitis B infection", "serology", {},
     "at any time"),
]


@pytest.mark.parametrize(("section", "heading", "item", "kind", "params", "words"), FRAMED)
def test_the_frame_of_a_list_heading_reaches_each_bare_item_under_it(
    section, heading, item, kind, params, words
):
    criteria = _items(section, heading, [item])
    shown = [(c.key, c.kind, c.params, c.manual_reason) for c in criteria]
    assert len(criteria) == 1, shown
    criterion = criteria[0]
    assert criterion.kind == kind, shown
    for name, value in params.items():
        assert criterion.params.get(name) == value, (name, shown)
    assert words in reading(criterion, VOCABULARY), reading(criterion, VOCABULARY)


def test_every_item_of_the_list_gets_the_frame_not_only_the_first():
    criteria = _items("exclusion", "Current diagnosis of any of the following:",
                      ["Sarcoidosis", "Amyloidosis", "Diabetes mellitus"])
    assert [c.kind for c in criteria] == ["diagnosis"] * 3
    assert [c.params.get("temporality") for c in criteria] == ["current"] * 3


def test_a_choice_heading_with_a_frame_gives_each_branch_the_frame():
    criteria = _items("inclusion", "Current diagnosis of at least one of the following:",
                      ["Sarcoidosis", "Amyloidosis"])
    assert [c.kind for c in criteria] == ["diagnosis"] * 2, [c.manual_reason for c in criteria]
    assert [c.params.get("temporality") for c in criteria] == ["current"] * 2
    assert all(c.any_of is not None for c in criteria)


# A heading whose lead the reader does not understand: every item under it is manual and
# its reason names the words, as the heading's words did before; none is dropped or read
# without them.
UNREAD = [
    ("exclusion", "Couples in whom the male partner has a history of:",
     ["Sarcoidosis", "Amyloidosis"], "partner"),
    ("exclusion", "Newly diagnosed within the last year with any of the following:",
     ["Sarcoidosis", "Diabetes mellitus"], "Newly"),
    # a negated lead is never read into its items: among exclusions "No history of
    # hepatitis B" would be read as requiring negative markers
    ("exclusion", "No history of any of the following:", ["Hepatitis B", "Sarcoidosis"],
     "No"),
]


@pytest.mark.parametrize(("section", "heading", "items", "word"), UNREAD)
def test_a_heading_lead_not_understood_leaves_each_item_manual_naming_it(
    section, heading, items, word
):
    criteria = _items(section, heading, items)
    assert len(criteria) == len(items)
    assert all(c.kind == "manual" and word in (c.manual_reason or "") for c in criteria), [
        (c.kind, c.manual_reason) for c in criteria]


@pytest.mark.parametrize("heading", [
    "Any of the following conditions:",
    "Subjects with any of the following medical conditions:",
    "Any of the following diseases:",
])
def test_a_heading_naming_what_its_list_is_of_only_groups_its_items(heading):
    # "conditions" / "diseases" say what the list holds, no more: before, the word was
    # not understood and every item under such a heading was manual.
    criteria = _items("exclusion", heading, ["Sarcoidosis", "Amyloidosis"])
    # named with no time word in an exclusion, each is the disease now
    assert [(c.kind, c.params.get("temporality")) for c in criteria] == [
        ("diagnosis", "current"), ("diagnosis", "current")], [c.manual_reason for c in criteria]
