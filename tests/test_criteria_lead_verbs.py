"""Lead words that only say how a condition is held or known.

"Patients suffering from diabetes mellitus" is "patients with diabetes mellitus"; "pregnant
per self-report" and "self-reported asthma" name the condition as the patient reports it,
which is how clinic notes record it too. These words change nothing in the reading; an item
with any other unread word still stays manual.

Sentences are invented, in the shapes other sponsors use.
"""

from __future__ import annotations

import pytest

from matcher.criteria import parse_criterion

LEADS = [
    ("Patients suffering from diabetes mellitus", "dx.diabetes"),
    ("Subjects who suffer from hypertension", "dx.hypertension"),
    ("Participant suffers from active tuberculosis", "dx.tuberculosis"),
    ("Self-reported diagnosis of diabetes mellitus", "dx.diabetes"),
    ("Patient is pregnant per self-report", "dx.pregnancy"),
    ("Pregnancy per self-reporting", "dx.pregnancy"),
    ("Pregnant by self-report", "dx.pregnancy"),
]


@pytest.mark.parametrize(("text", "concept"), LEADS)
def test_a_lead_that_says_how_the_condition_is_known_is_read_through(text, concept):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert concept in criterion.params["concepts"]


@pytest.mark.parametrize("text", [
    "Patients suffering from frequent migraines",  # "frequent" says more
    "Self-reported poor adherence to medication",
])
def test_a_lead_does_not_account_for_the_words_after_it(text):
    assert parse_criterion(text, "exclusion").kind == "manual"
