"""A registry page copied as flat text: the classic ClinicalTrials.gov page put its
structured limits on one line ("Minimum Age: 18 Years Maximum Age: 99 Years Sex: All")
and its criteria after a "Criteria:" label on the heading's own line ("Criteria:
Inclusion Criteria:"). Nothing of either may be lost: an inclusion section not found is
every inclusion dropped, an age limit not read is a patient of 104 years admitted.

Records are invented, in the shape of such pages.
"""

from __future__ import annotations

import pytest

from matcher.criteria.registry import read_registry_text, record_to_trial

_PAGE = """Statin use after kidney transplant

Conditions: Kidney Transplant

{fields}

{heading}

* Kidney transplant recipients
* Taking a statin

Exclusion Criteria:

* Pregnancy
"""


@pytest.mark.parametrize("heading", [
    "Criteria: Inclusion Criteria:",
    "Eligibility Criteria: Inclusion Criteria:",
    "Criteria:  Inclusion criteria:",
])
def test_a_criteria_label_before_the_inclusion_heading_keeps_the_inclusions(heading):
    text = _PAGE.format(fields="Minimum Age: 18 Years", heading=heading)
    trial = record_to_trial(read_registry_text(text, "page.txt"))
    texts = [(c.type, c.text) for c in trial.criteria if not c.text.startswith("Age")]
    assert texts == [
        ("inclusion", "Kidney transplant recipients"),
        ("inclusion", "Taking a statin"),
        ("exclusion", "Pregnancy"),
    ]


@pytest.mark.parametrize(("fields", "low", "high", "sex"), [
    ("Minimum Age: 18 Years Maximum Age: 99 Years Sex: All Gender Based: No", 18, 99, "all"),
    ("Minimum Age: 40 Years Maximum Age: 75 Years Sex: Female", 40, 75, "female"),
    ("Minimum Age: 12 Years Maximum Age: N/A Sex: Male Healthy Volunteers: No", 12, None,
     "male"),
    ("Ages Eligible for Study: 18 Years to 65 Years Sexes Eligible for Study: All", 18, 65,
     "all"),
])
def test_structured_fields_on_one_line_are_each_read(fields, low, high, sex):
    text = _PAGE.format(fields=fields, heading="Inclusion Criteria:")
    record = read_registry_text(text, "page.txt")
    assert (record.min_age_years, record.max_age_years) == (low, high)
    assert record.sex == sex
