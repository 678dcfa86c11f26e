"""A heading that sends each item to its own window: "Use of the following within the time
period specified below:". The heading adds nothing to the items but that each gives its
window; the items are read as they stand, and an item the heading's words do not cover
stays manual.

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text

HEADINGS = [
    "Use of the following within the time period specified below:",
    "Treatment with any of the following within the time periods specified below:",
    "Receipt of the following within the period specified below:",
    "Use of any of the following medications within the time frames specified below:",
]


@pytest.mark.parametrize("heading", HEADINGS)
def test_items_under_a_heading_of_own_windows_keep_their_windows(heading):
    text = (f"Exclusion Criteria:\n- {heading}\n"
            "  * Rituximab within 6 months of screening\n"
            "  * Intravenous immunoglobulin within 4 weeks of randomization\n")
    criteria = parse_eligibility_text(text)
    assert [c.kind for c in criteria] == ["drug_exposure", "drug_exposure"], \
        [c.manual_reason for c in criteria]
    assert [c.params["window_days"] for c in criteria] == [183, 28]


def test_a_heading_period_with_another_word_stays_manual():
    text = ("Exclusion Criteria:\n- Use of the following within the time period specified "
            "below, unless stable:\n  * Rituximab within 6 months of screening\n")
    assert [c.kind for c in parse_eligibility_text(text)] == ["manual"]
