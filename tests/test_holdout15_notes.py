"""Issue 15: the note-reading mechanisms behind the fifteenth hold-out's misses.

The fifteenth hold-out is transition-of-care paperwork: insurers' prior-authorization requests
and approvals for a drug the child may never get, intensive-care notes listing a vasopressor
infusion beside an antibiotic, templated notes whose unfilled fields keep their "***", medicine
tables with a route and a bare year after the drug, and clinic letters numbering their
diagnoses. Each block names a mechanism and tests it with sentences written for these tests,
in several phrasings, with ones that must not fire. No hold-out sentence is used.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Assertion
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.parse_support import found


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _one(parser: NoteParser, text: str, concept: str):
    hits = found(parser, text, concept)
    assert len(hits) == 1, hits
    return hits[0]


# ------------------------------------ a dose noun of the thing listed before the drug
# "Infusion" right before "and" belongs to what precedes it (a vasopressor, insulin,
# saline); the antibiotic after the conjunction is a course from its date, not one dose.
@pytest.mark.parametrize("text", [
    "Admitted 2026-11-05 with sepsis, on adrenaline infusion and IV meropenem.",
    "PICU 2026-11-05: insulin infusion and IV cefotaxime for DKA with pneumonia.",
    "Since 2026-11-05 on milrinone infusion plus IV piperacillin-tazobactam.",
])
def test_another_things_infusion_makes_no_single_dose_of_the_drug(
    parser: NoteParser, text: str
) -> None:
    drugs = [f for f in parser.parse(text, "n", dt.date(2026, 11, 10))
             if f.category == "drug" and f.attrs.get("route") == "intravenous"]  # fmt: skip
    assert drugs
    assert not any(f.attrs.get("single_dose") for f in drugs)


@pytest.mark.parametrize(("text", "concept"), [
    ("Rituximab 750 mg/m2 infusion 2026-10-02.", "drug.rituximab"),
    ("2026-11-05: fluids given and IV ceftriaxone.", "drug.ceftriaxone"),
    ("Single infusion of rituximab on 2026-10-02 and hydrocortisone premedication.",
     "drug.rituximab"),
])
def test_a_dose_word_of_the_drug_itself_still_makes_one_dose(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _one(parser, text, concept).attrs.get("single_dose") is True


# ------------------------------------- an insurer's request or approval is no exposure
@pytest.mark.parametrize(("text", "concept"), [
    ("Request: obinutuzumab 1000 mg IV x 2 doses two weeks apart.", "drug.obinutuzumab"),
    ("We are requesting belimumab 10 mg/kg IV monthly for this patient.", "drug.belimumab"),
    ("Insurer letter 2026-07-20: rituximab approved for 2 infusions.", "drug.rituximab"),
    ("Voclosporin prior auth #5521 authorized for 6 months.", "drug.voclosporin"),
    ("Appeal against denial of rituximab dated 2026-06-12.", "drug.rituximab"),
])
def test_an_authorization_request_or_approval_is_not_a_dose(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _one(parser, text, concept).assertion is not Assertion.AFFIRMED


@pytest.mark.parametrize(("text", "concept"), [
    ("Rituximab 750 mg/m2 IV given 2026-07-10, tolerated well.", "drug.rituximab"),
    ("Belimumab started 2026-08-01 after coverage came through.", "drug.belimumab"),
])
def test_a_given_drug_in_insurance_paperwork_stays_a_dose(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _one(parser, text, concept).assertion is Assertion.AFFIRMED


# ------------------------------------------------ a template's field left unfilled
@pytest.mark.parametrize(("text", "concept"), [
    ("Pregnancy status: *** . Breastfeeding: ***", "dx.lactation"),
    ("Lactating: ***", "dx.lactation"),
    ("Breastfeeding status: ______", "dx.lactation"),
    ("Active infection: ***", "dx.active_infection"),
])
def test_an_unfilled_template_field_states_nothing(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert found(parser, text, concept) == []


@pytest.mark.parametrize(("text", "concept"), [
    ("Breastfeeding: yes, 4 months postpartum.", "dx.lactation"),
    ("*** Breastfeeding her 3-month-old daughter ***", "dx.lactation"),
])
def test_a_filled_field_or_starred_banner_is_still_read(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _one(parser, text, concept).assertion is Assertion.AFFIRMED


# -------------------------------------- a route word between a drug and its bare year
@pytest.mark.parametrize(("text", "concept", "year"), [
    ("Past medicines:\n - Cyclophosphamide IV 2022 - completed", "drug.cyclophosphamide", 2022),
    ("Previous: cyclophosphamide i.v. 2024, then MMF since 2024.", "drug.cyclophosphamide",
     2024),
    ("Rituximab IV 2023 - B-cell depletion achieved", "drug.rituximab", 2023),
])
def test_a_year_after_the_drugs_route_dates_the_course(
    parser: NoteParser, text: str, concept: str, year: int
) -> None:
    assert _one(parser, text, concept).attrs.get("given_in_year") == year


@pytest.mark.parametrize(("text", "concept"), [
    ("Cyclophosphamide IV 2026 - ongoing monthly pulses", "drug.cyclophosphamide"),
    ("On rituximab IV since 2025 - maintenance", "drug.rituximab"),
])
def test_a_course_said_to_run_on_is_not_dated_to_one_year(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _one(parser, text, concept).attrs.get("given_in_year") is None


# --------------------------------------- a diagnosis list's number is not a class
@pytest.mark.parametrize("text", [
    "Diagnoses: 1. Juvenile SLE (2022). 2. Lupus nephritis class IV-G, biopsy 2026-06-01.",
    "Diagnosis: 1) SLE 2) Lupus nephritis ISN/RPS class IV, kidney biopsy 2026-06-01",
])
def test_a_numbered_diagnosis_list_is_not_a_class_one_biopsy(
    parser: NoteParser, text: str
) -> None:
    classes = [c for f in found(parser, text, "biopsy.kidney") for c in f.attrs["classes"]]
    assert "I" not in classes
    assert "IV" in classes


def test_a_report_diagnosis_line_without_the_word_class_is_still_read(
    parser: NoteParser,
) -> None:
    text = "RENAL BIOPSY REPORT 2026-06-01\nDIAGNOSIS: IV-G (A) + V"
    classes = [c for f in found(parser, text, "biopsy.kidney") for c in f.attrs["classes"]]
    assert set(classes) == {"IV", "V"}
