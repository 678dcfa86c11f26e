"""Numbered types that share one noun: "type 1 or type 2 diabetes".

An exclusion that names two numbered types of one disease and writes the disease once
("type I and/or type II diabetes mellitus") names both types; each is a vocabulary term of
its own, so each is read; so is one type word over two numerals ("type 1 or 2 diabetes",
"diabetes mellitus (type 1 or 2)"), which names the two types and not diabetes of any
other kind. A numbered type the vocabulary does not know ("type 3 diabetes") leaves the
item to a person.

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion

BOTH_TYPES = {"dx.diabetes_t1", "dx.diabetes_t2"}


@pytest.mark.parametrize("text", [
    "Type 1 or type 2 diabetes",
    "History of type I and/or type II diabetes mellitus",
    "Known type 1, or type 2 diabetes mellitus",
    "Patients with type 2 or type 1 diabetes",
    "Type 1/type 2 diabetes",
    "Type 1 or 2 diabetes mellitus",
    "Diabetes mellitus (type 1 or 2)",
    "Known diabetes (type I or type II)",
    "History of type 1 and/or 2 diabetes",
])
def test_two_numbered_types_of_one_disease_are_both_read(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert set(criterion.params["concepts"]) == BOTH_TYPES


@pytest.mark.parametrize("text", [
    "Type 3 or type 2 diabetes",  # no such term: the first type is unread
    "Type 1 or 3 diabetes",
    "Diabetes mellitus (type 2 or 4)",
])
def test_an_unknown_numbered_type_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind == "manual"
