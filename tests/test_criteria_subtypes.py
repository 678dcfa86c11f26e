"""A subtype named by its cause or origin ("secondary hypertension", "primary
hypothyroidism") in an exclusion (issue 12, reader-b, round 10).

The reader keeps such a word as a judged qualifier (only the condition's absence decides).
Excluding "secondary X" excludes part of X, and X may be what the trial is about: in a
hypertension trial whose title and inclusions the reader could not read, "secondary
hypertension" excluded (or sent to a person) every patient of the trial. So, with the
trial's own condition unknown, such an exclusion is manual and says why; where the
vocabulary has the narrower concept, the item is read as it. Sentences are invented."""

from __future__ import annotations

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.criteria.render import reading

NO_CONDITION_KNOWN = "Inclusion Criteria:\n* Age 18 to 75 years\nExclusion Criteria:\n* {}\n"
LUPUS_TRIAL = ("Inclusion Criteria:\n* Systemic lupus erythematosus per the 2019 EULAR/ACR "
               "criteria\nExclusion Criteria:\n* {}\n")


@pytest.mark.parametrize("item", [
    "Secondary diabetes mellitus",
    "Known primary hypothyroidism",
    "History of secondary Sjogren's syndrome",
    "Patients with secondary osteoporosis",
])  # fmt: skip
def test_a_subtype_exclusion_is_manual_when_the_trials_own_condition_is_unknown(
    item: str,
) -> None:
    criterion = parse_eligibility_text(NO_CONDITION_KNOWN.format(item))[-1]
    assert criterion.kind == "manual", reading(criterion)
    assert "subtype" in criterion.manual_reason and "not known" in criterion.manual_reason


@pytest.mark.parametrize("item", [
    "Secondary diabetes mellitus",
    "Known primary hypothyroidism",
])  # fmt: skip
def test_a_subtype_exclusion_in_a_trial_of_another_disease_decides_its_absence(
    item: str,
) -> None:
    criterion = parse_eligibility_text(LUPUS_TRIAL.format(item), ["lupus"])[-1]
    assert criterion.kind == "diagnosis", reading(criterion)
    assert criterion.params["judged"]


@pytest.mark.parametrize("item", [
    "Patients with a definite diagnosis of secondary hypertension.",
    "Secondary hypertension",
    "Known hypertension secondary to renal disease",
    "History of secondary arterial hypertension",
])  # fmt: skip
def test_secondary_hypertension_is_read_as_its_own_concept(item: str) -> None:
    for text in (NO_CONDITION_KNOWN.format(item), LUPUS_TRIAL.format(item)):
        criterion = parse_eligibility_text(text)[-1]
        assert criterion.kind == "diagnosis", reading(criterion)
        assert criterion.params["concepts"] == ["dx.secondary_hypertension"]
        assert not criterion.params.get("judged")
