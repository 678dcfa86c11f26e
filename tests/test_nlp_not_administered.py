"""A dose the same note says was not administered, or returned unused, is no exposure: neither
the pharmacy worksheet that names it nor the sentence that says so counts as the drug given."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher import api

DAY = dt.date(2026, 9, 15)


def _assertions(text: str, concept: str) -> list[str]:
    return [str(f.assertion) for f in api.parse_text(text, DAY) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept"), [
    ("INFUSION WORKSHEET - RITUXIMAB\nDose calculated 375 mg/m2, prepared 09:00.\n"
     "Temperature 39.1 C. Rituximab not administered; to rebook.", "drug.rituximab"),
    ("Pharmacy worksheet: cyclophosphamide IV 500 mg.\nPatient unwell on arrival. "
     "Cyclophosphamide was not administered and the bag was returned unused.",
     "drug.cyclophosphamide"),
    ("Belimumab worksheet. Belimumab never administered - family declined on the day.",
     "drug.belimumab"),
    ("Rituximab 1 g prescribed for today. Rituximab not administered: cannula could not be "
     "sited.", "drug.rituximab"),
    ("Afebrile now. Rituximab not yet given; to be reconsidered at the next clinic.",
     "drug.rituximab"),
    ("Belimumab not yet started - awaiting funding.", "drug.belimumab"),
])
def test_a_dose_the_note_says_was_not_administered_is_no_exposure(text, concept):
    found = _assertions(text, concept)
    assert found and set(found) == {"negated"}, found


@pytest.mark.parametrize(("text", "concept"), [
    ("INFUSION WORKSHEET - RITUXIMAB\nDose prepared 09:00. Rituximab administered 10:00-14:30, "
     "no reaction.", "drug.rituximab"),
    ("Cyclophosphamide given in 2025 (six pulses). Today cyclophosphamide not administered: "
     "course complete.", "drug.cyclophosphamide"),
])
def test_a_dose_given_or_a_course_dated_before_stays(text, concept):
    found = _assertions(text, concept)
    assert "affirmed" in found, found
