"""Words that name a diagnosis, a drug or a transplant without telling one of the patient.

Hold-out 20's referral threads: a registrar's signature "Lupus & Autoimmune Research Unit"
read as the patient's lupus, "Myositis & Vasculitis Clinic" as myositis; a coordinator's
"any RTX since 03/2025?" as rituximab given since 2025; "the boy on 7C I mentioned got
rituximab" as the patient's rituximab. And "kidney transplant (mother)" names the donor.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

DAY = dt.date(2026, 11, 7)


def _assertions(text: str, concept: str) -> list[str]:
    return [f.assertion.value for f in parse_text(text, DAY) if f.concept == concept]


@pytest.mark.parametrize(("text", "concept"), [
    ("Dr Bisi Adewale\nPaediatric Registrar\nLupus & Autoimmune Research Unit, LASUTH",
     "dx.sle"),
    ("Nadia Rahman, MD\nMyositis & Vasculitis Clinic", "dx.myositis"),
    ("Seen in the Lupus Clinic today; no new symptoms.", "dx.sle"),
    ("Letter copied to the Lupus Nephritis Service, Evelina.", "dx.lupus_nephritis"),
])
def test_a_diagnosis_in_a_clinics_name_is_no_diagnosis_of_the_patient(text, concept) -> None:
    assert _assertions(text, concept) == ["uncertain"]


@pytest.mark.parametrize(("text", "concept"), [
    ("SLE and renal clinic follow-up in 3 months.", "dx.sle"),
    ("Lupus nephritis, unit dose of MMF reviewed.", "dx.lupus_nephritis"),
])
def test_a_diagnosis_before_an_unrelated_clinic_word_stays_affirmed(text, concept) -> None:
    assert _assertions(text, concept) == ["affirmed"]


@pytest.mark.parametrize(("text", "concept"), [
    ("07/11/2026 11:00 trials: any RTX since 03/2025?", "drug.rituximab"),
    ("2026-10-20 16:02 Study coordinator: has she had rituximab?", "drug.rituximab"),
    ("Did she ever receive cyclophosphamide?", "drug.cyclophosphamide"),
])
def test_a_drug_asked_about_is_no_exposure(text, concept) -> None:
    assert _assertions(text, concept) == ["uncertain"]


def test_a_drug_beside_a_question_stays_given() -> None:
    assert _assertions("On MMF 1 g bd. Any side effects?", "drug.mycophenolate") == ["affirmed"]


@pytest.mark.parametrize(("text", "concept"), [
    ("unrelated - the boy on 7C I mentioned last week got rituximab 2026-10-02",
     "drug.rituximab"),
    ("2) my other girl, 11F, class II LN only, well controlled", "dx.lupus_nephritis"),
    ("Another patient on the ward has chickenpox; she was not in contact.", "dx.varicella"),
])
def test_another_patient_a_referrer_mentions_is_not_the_patient(text, concept) -> None:
    assert _assertions(text, concept) == ["family"]


@pytest.mark.parametrize(("text", "expected"), [
    ("ESKD 2021 -> living-donor kidney transplant (mother) 05/2022.", "affirmed"),
    ("Renal transplant (living-related donor: father) 2021.", "affirmed"),
    ("HSCT from her brother in 2019.", "affirmed"),
    # the relative before it is the one transplanted
    ("Her uncle had a kidney transplant (uncle) in 2018.", "family"),
])
def test_a_relative_named_as_the_donor_leaves_the_transplant_the_patients(text, expected):
    concept = "dx.hsct" if "HSCT" in text else "dx.transplant"
    assert _assertions(text, concept) == [expected]
