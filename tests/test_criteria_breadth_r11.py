"""Breadth grammar of round 11: phrasings common across disease areas that left an item
`manual` although every word of it has a reading.

"Including, but not limited to" only says a list is illustrative: the item means what it
means with "including" ("Chronic infections, including but not limited to tuberculosis" is
chronic infection, tuberculosis among them). Its "not" negates nothing.

Sentences are invented, in the shapes registry sponsors use.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.grammar import GRAMMAR_FILE, _grammar_of, criteria_data_text
from matcher.errors import MatcherError
from matcher.model import Criterion

DIABETES_TRIAL = "Inclusion Criteria:\n- Type 2 diabetes mellitus\nExclusion Criteria:\n"


def _exclusion(text: str, trial: str = DIABETES_TRIAL) -> Criterion:
    criteria = parse_eligibility_text(f"{trial}- {text}\n", ())
    return [c for c in criteria if c.type == "exclusion"][-1]


# ------------------------------------------------ "including, but not limited to"

# (the item with the idiom, the same item with plain "including"/"such as")
ILLUSTRATIVE_LISTS = [
    ("Chronic or recurrent infections, including, but not limited to, tuberculosis, HIV or "
     "hepatitis B",
     "Chronic or recurrent infections, including tuberculosis, HIV or hepatitis B"),
    ("Active infection including but not limited to tuberculosis",
     "Active infection including tuberculosis"),
    ("Autoimmune disease, including (but not limited to) rheumatoid arthritis, multiple "
     "sclerosis or psoriasis",
     "Autoimmune disease, such as rheumatoid arthritis, multiple sclerosis or psoriasis"),
    ("Cardiovascular disease including but not limited to myocardial infarction, stroke or "
     "heart failure",
     "Cardiovascular disease including myocardial infarction, stroke or heart failure"),
    ("Immunosuppressive drugs, including without limitation methotrexate, azathioprine or "
     "mycophenolate, within 3 months",
     "Immunosuppressive drugs, including methotrexate, azathioprine or mycophenolate, "
     "within 3 months"),
    ("Cardiovascular disease such as, but not limited to, myocardial infarction or stroke",
     "Cardiovascular disease such as myocardial infarction or stroke"),
]


@pytest.mark.parametrize(("idiom", "plain"), ILLUSTRATIVE_LISTS)
def test_including_but_not_limited_to_reads_as_including(idiom, plain):
    expected = _exclusion(plain)
    assert expected.kind != "manual", expected.manual_reason  # the plain item is read
    criterion = _exclusion(idiom)
    assert criterion.kind == expected.kind, criterion.manual_reason
    assert criterion.params == expected.params


@pytest.mark.parametrize(
    "text",
    [
        # The "not" of the idiom is no negation, but a real one still is not understood.
        "Infections not limited to the lungs",
        "Tuberculosis, but not latent tuberculosis",
    ],
)
def test_a_real_not_beside_a_list_is_still_not_read_away(text):
    criterion = _exclusion(text)
    assert criterion.kind == "manual"


def test_an_idiom_without_a_meaning_word_belongs_to_filler_and_is_refused():
    grammar = criteria_data_text("criteria_grammar.json")
    broken = grammar.replace('"example_idioms": [', '"example_idioms": ["such as for example", ', 1)
    assert broken != grammar
    with pytest.raises(MatcherError, match="example_idioms"):
        _grammar_of(broken, GRAMMAR_FILE)
