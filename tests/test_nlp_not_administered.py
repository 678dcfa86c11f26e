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


# A sentence that says the dose was not supplied without naming the drug speaks of the one
# drug of the sentence before it (hold-out 18: a filgrastim dose dispensed to the ward, "Dose
# NOT given", returned unused; read as given, it voided the next week's neutrophil count).
@pytest.mark.parametrize(("text", "concept"), [
    ("PHARMACY\nFilgrastim 150 mcg dispensed to ward 14 Sep 2026. Dose NOT given (ANC 1.2 on "
     "repeat). Returned to pharmacy unused 15 Sep 2026.", "drug.gcsf"),
    ("Rituximab 500 mg dispensed to day unit. Patient febrile on arrival. Returned to pharmacy "
     "unused.", "drug.rituximab"),
    ("INFUSION PHARMACY WORKSHEET - CYCLOPHOSPHAMIDE IV\nDose calculated 650 mg. HELD pending "
     "labs.\nNot compounded; order cancelled. No CYC given this cycle.", "drug.cyclophosphamide"),
    ("MAR\nFilgrastim 5 mcg/kg SC\n 14/09/2026 09:00 - NOT GIVEN: refused by parent.",
     "drug.gcsf"),
])
def test_a_later_sentence_naming_no_drug_undoes_the_dose_before_it(text, concept):
    found = _assertions(text, concept)
    assert found and set(found) == {"negated"}, found


@pytest.mark.parametrize(("text", "concept"), [
    # the dose before was given; only a second one was not
    ("Filgrastim given 14 Sep 2026. Second dose not given (ANC recovered).", "drug.gcsf"),
    # the sentence before names another drug, booked: the refusal is not about MMF
    ("MMF 500 mg bd dispensed. Rituximab infusion booked. Dose not given.",
     "drug.mycophenolate"),
    # a blank line ends the paragraph the later sentence could refer back to
    ("Filgrastim dispensed 14 Sep 2026.\n\nDose not given.", "drug.gcsf"),
    # a code legend's "not given" says nothing of a dose
    ("rtx_given=1 | rtx_last_dose=2026-09-02\n# dictionary: rtx_given 0=no 1=yes "
     "2=planned/not given", "drug.rituximab"),
])
def test_a_drugless_refusal_does_not_reach_a_dose_given_or_another_paragraph(text, concept):
    found = _assertions(text, concept)
    assert "affirmed" in found, found
