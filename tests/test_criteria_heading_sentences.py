"""A list heading that carries a requirement of its own before it announces its list:
"We excluded participants with rheumatoid arthritis, SLE or scleroderma. Any patient with
any of the following conditions is excluded:". The sentence before the heading is a
criterion; before this, its words only made the items under it manual and its conditions
were no criterion at all (dropped)."""

from __future__ import annotations

import pytest

from matcher.criteria.reader import parse_eligibility_text

HEADINGS = [
    ("Exclusion Criteria:\n\n* We excluded participants with rheumatoid arthritis, systemic "
     "sclerosis or sarcoidosis. Any patient with prior diagnosis of any of the following "
     "conditions is excluded:\n  * Hepatitis C infection\n  * Amyloidosis\n",
     "We excluded participants with rheumatoid arthritis", ["hepatitis C", "amyloidosis"]),
    ("Exclusion Criteria:\n\n* Patients with psoriasis are not eligible. In addition, the "
     "following are excluded:\n  * Amyloidosis\n  * Sarcoidosis\n",
     "Patients with psoriasis", ["amyloidosis", "sarcoidosis"]),
]


@pytest.mark.parametrize(("text", "lead", "children"), HEADINGS)
def test_the_sentence_before_a_list_heading_is_a_criterion_and_the_list_is_read(
    text, lead, children
):
    criteria = parse_eligibility_text(text)
    shown = [(c.key, c.kind, c.manual_reason, c.text) for c in criteria]
    # The sentence is a criterion of its own (read, or manual naming its words): never
    # dropped, and its words no longer make every item under the heading manual.
    assert [c for c in criteria if c.text.startswith(lead)], shown
    readings = " ".join(c.text for c in criteria if c.kind != "manual").lower()
    assert all(child.lower() in readings for child in children), shown


def test_a_heading_of_one_sentence_is_still_only_a_heading():
    text = ("Exclusion Criteria:\n\n* Any of the following conditions:\n  * Amyloidosis\n"
            "  * Sarcoidosis\n")
    criteria = parse_eligibility_text(text)
    assert [c.key for c in criteria] == ["x_amyloidosis", "x_sarcoidosis"]
