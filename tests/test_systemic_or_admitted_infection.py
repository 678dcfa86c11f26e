"""Infection exclusions worded by their treatment beyond "intravenous": a systemic course
("requiring systemic (oral or intravenous) antimicrobial treatment within 4 weeks") and a
hospital stay as the other branch ("requiring hospitalisation or intravenous anti-infective
treatment within 4 weeks, or known active tuberculosis").

- The criteria reader reads every word: "systemic" and a bracket restating it ("(oral or
  intravenous)") are the route; a bracket naming a route the item's does not contain stays
  unread; "hospitalisation or" is the item's other branch, read as the serious-infection
  concept, and its "or" cuts no list member, so a trailing "or active tuberculosis" is
  still its own criterion, also after "prior to screening".
- The evaluator: for a systemic item an oral course in the window is met, a topical one is
  not, an open-ended oral course begun long before (prophylaxis taken for years) is left to
  a person, never met.
- The fuzzy finder of misspelt terms does not read everyday words one letter from a
  diagnosis ("injection", "conclusion") as that diagnosis.

Sentences are written here, not copied from a trial or a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

AS_OF = dt.date(2026, 11, 20)
ALL = {"class.antibiotic", "class.antiviral", "class.antifungal"}


# ------------------------------------------------------------------ the criteria reader
# (item, concept, window days, classes, route)
READ_ITEMS = [
    ("Active infection requiring systemic (oral or intravenous) antimicrobial treatment "
     "within 4 weeks prior to screening", "dx.systemic_treated_infection", 28, ALL,
     "systemic"),
    ("Any infection requiring systemic antibiotics within 14 days before randomisation",
     "dx.systemic_treated_infection", 14, {"class.antibiotic"}, "systemic"),
    ("Infection needing oral or IV antibiotics within 2 weeks of screening",
     "dx.systemic_treated_infection", 14, {"class.antibiotic"}, "systemic"),
    ("Infection treated with systemic (intravenous) antifungals within 6 weeks before day 1",
     "dx.systemic_treated_infection", 42, {"class.antifungal"}, "systemic"),
    ("Infection requiring intravenous (IV) antibiotics within 30 days before enrolment",
     "dx.iv_treated_infection", 30, {"class.antibiotic"}, "intravenous"),
    ("Serious infection requiring hospitalisation or intravenous anti-infective therapy "
     "within 8 weeks before screening", "dx.serious_infection", 56, ALL, "intravenous"),
    ("Infection requiring hospital admission or IV antibiotics within 30 days of enrolment",
     "dx.serious_infection", 30, {"class.antibiotic"}, "intravenous"),
    ("Infection requiring intravenous antivirals or hospitalization within 3 weeks before "
     "the first dose", "dx.serious_infection", 21, {"class.antiviral"}, "intravenous"),
]


@pytest.mark.parametrize(("text", "concept", "window", "classes", "route"), READ_ITEMS)
def test_a_systemic_or_admission_branch_is_read_as_the_treated_infection(
    text: str, concept: str, window: int, classes: set[str], route: str
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["window_days"] == window
    assert set(criterion.params["course_classes"]) == classes
    assert criterion.params["course_route"] == route


@pytest.mark.parametrize("text", [
    # A bracket naming a route the item's does not contain: not this reading.
    "Infection requiring intravenous (oral) antibiotics within 4 weeks",
    # A qualifier the form does not know stays unread, never dropped.
    "Infection requiring prolonged systemic antibiotics within 4 weeks",
    # Topical treatment is not among the routes.
    "Infection requiring topical antibiotics within 4 weeks",
])
def test_other_worded_infection_items_are_not_read_as_a_treated_form(text: str) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert "course_route" not in criterion.params or criterion.params["course_route"] != (
        "systemic")
    assert criterion.params.get("concepts") != ["dx.systemic_treated_infection"]


def test_an_ongoing_infection_requiring_systemic_antibiotics_is_the_course_running_now():
    criterion = parse_criterion("Ongoing infection requiring systemic antibiotics",
                                "exclusion")
    assert criterion.params["concepts"] == ["dx.systemic_treated_infection"]
    assert criterion.params["temporality"] == "current"
    assert criterion.params["course_route"] == "systemic"
    assert criterion.params["window_days"] is None


def _trial_criteria(item: str) -> list[Any]:
    from matcher.criteria.registry import read_registry_text, record_to_trial

    text = ("A study in lupus nephritis\n\nExclusion Criteria:\n\n• " + item
            + ";\n\n• Pregnancy or breastfeeding.\n")
    return list(record_to_trial(read_registry_text(text, "T-1.txt")).criteria)


@pytest.mark.parametrize(("item", "concept"), [
    ("Active infection requiring hospitalisation or intravenous anti-infective treatment "
     "within 4 weeks prior to screening, or known active tuberculosis", "dx.serious_infection"),
    ("Active infection requiring intravenous antibiotics within 28 days prior to "
     "enrolment, or active tuberculosis", "dx.iv_treated_infection"),
    ("Infection needing hospital admission or IV anti-infectives within 6 weeks before "
     "screening, or active TB", "dx.serious_infection"),
])
def test_a_tuberculosis_branch_after_the_window_stays_its_own_criterion(item, concept):
    kinds = {(c.kind, tuple(c.params.get("concepts", ()))) for c in _trial_criteria(item)}
    assert ("diagnosis", (concept,)) in kinds
    assert ("diagnosis", ("dx.tuberculosis",)) in kinds


def test_a_list_governed_by_to_still_shares_its_preposition() -> None:
    # "intolerance to A, B or C": "to" governs the members after it (unchanged); only the
    # "to" of "prior to" has its object already.
    from matcher.criteria.lists import _governor

    assert _governor("Hypersensitivity to cefalexin") == "Hypersensitivity to"
    assert _governor("Infection within 4 weeks prior to screening") == ""


# ------------------------------------------------------------------ the evaluator
SYSTEMIC = parse_criterion(READ_ITEMS[0][0], "exclusion")
ADMISSION = parse_criterion(READ_ITEMS[5][0], "exclusion")
IN_WINDOW = dt.date(2026, 11, 8)


def _drug(concept: str, start: dt.date, stop: dt.date | None = None, *,
          route: str | None, seen: dt.date | None = None) -> Finding:  # fmt: skip
    attrs: dict[str, Any] = {"start_date": start, "stop_date": stop,
                             "documented_by": seen or start}
    if route:
        attrs["route"] = route
    return Finding(concept=concept, category="drug", note_id="n1", start=0, end=4,
                   text="text", date=start, date_source="text", attrs=attrs)


def _dx(concept: str, date: dt.date) -> Finding:
    return Finding(concept=concept, category="diagnosis", note_id="n1", start=0, end=4,
                   text="text", date=date, date_source="note")


def _status(criterion, *findings: Finding, note: dt.date = IN_WINDOW) -> Status:
    timeline = build_timeline(Patient("P1", None), list(findings), {"n1": note}, AS_OF)
    return evaluate(criterion, timeline).status


@pytest.mark.parametrize(("findings", "expected"), [
    # "Cephalexin by mouth for cellulitis from 8 November": a systemic course.
    ([_drug("drug.cefalexin", IN_WINDOW, dt.date(2026, 11, 15), route="oral")], Status.MET),
    ([_drug("drug.ceftriaxone", IN_WINDOW, route="intravenous")], Status.MET),
    ([_drug("drug.amikacin", IN_WINDOW, route="intramuscular")], Status.MET),
    # A cream is no systemic course; nothing else documented.
    ([_drug("class.antibiotic", IN_WINDOW, route="topical")], Status.NOT_MET),
    # No route written: whether it was systemic is for a person.
    ([_drug("drug.amoxicillin", IN_WINDOW, route=None)], Status.MANUAL),
    # Co-trimoxazole by mouth for two years, no end written: prophylaxis, or a course?
    # A person checks; it is never read as an infection's treatment in the window.
    ([_drug("drug.trimethoprim_sulfamethoxazole", dt.date(2024, 9, 1), route="oral",
            seen=IN_WINDOW)], Status.MANUAL),
    # An oral course over before the window.
    ([_drug("drug.amoxicillin", dt.date(2026, 9, 1), dt.date(2026, 9, 8), route="oral")],
     Status.NOT_MET),
    # An infection in the window with no course written: a person checks.
    ([_dx("dx.infection", IN_WINDOW)], Status.MANUAL),
    ([], Status.NOT_MET),
])
def test_a_systemic_item_is_met_by_a_course_given_any_way_but_on_the_skin(findings,
                                                                         expected):
    assert _status(SYSTEMIC, *findings) is expected


@pytest.mark.parametrize(("findings", "expected"), [
    ([_drug("drug.ceftriaxone", IN_WINDOW, route="intravenous")], Status.MET),
    # The oral course does not prove the IV branch, and the hospital branch is not
    # written: with no infection named it is not met.
    ([_drug("drug.cefalexin", IN_WINDOW, route="oral")], Status.NOT_MET),
    # "Admitted with pneumonia": an infection in the window, in hospital or not: a person.
    ([_dx("dx.infection", IN_WINDOW)], Status.MANUAL),
    ([], Status.NOT_MET),
])
def test_an_item_with_a_hospital_branch_is_decided_from_courses_and_left_to_a_person(
    findings, expected
):
    assert _status(ADMISSION, *findings) is expected


# ------------------------------------------------------------------ the fuzzy finder
@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("sentence", "concept", "expected"), [
    ("Filgrastim 1 injection subcutaneously today.", "dx.infection", False),
    ("Two injections of ceftriaxone were given.", "dx.infection", False),
    ("Conclusion: diffuse proliferative lupus nephritis.", "dx.tbi", False),
    # A real misspelling is still read.
    ("Urinary infektion last week, now better.", "dx.infection", True),
])
def test_everyday_words_near_a_diagnosis_are_not_read_as_it(parser, sentence, concept,
                                                            expected):
    found = {f.concept for f in parser.parse(sentence, "n", dt.date(2026, 11, 1))}
    assert (concept in found) is expected


# ------------------------------------------------------------------ prophylaxis
@pytest.mark.parametrize(("sentence", "concept", "expected"), [
    ("- co-trimoxazole (Septrin) 480 mg Mon/Wed/Fri (PCP prophylaxis)",
     "drug.trimethoprim_sulfamethoxazole", True),
    ("Prophylactic aciclovir 200 mg bd during induction.", "drug.aciclovir", True),
    ("Cotrimoxazole en prévention pendant le traitement.",
     "drug.trimethoprim_sulfamethoxazole", True),
    # A treatment course, and one beside a prophylaxis of another drug.
    ("Oral amoxicillin 500 mg tds for otitis from 10/11/2026.", "drug.amoxicillin", False),
    ("Valaciclovir prophylaxis continued; cefalexin for impetigo from 09/11/2026.",
     "drug.cefalexin", False),
])
def test_an_anti_infective_given_to_prevent_infection_is_marked_prophylaxis(
    parser, sentence, concept, expected
):
    found = [f for f in parser.parse(sentence, "n1", dt.date(2026, 11, 12))
             if f.concept == concept]
    assert found
    assert all(bool(f.attrs.get("prophylaxis")) is expected for f in found)


def test_a_prophylactic_course_in_the_window_is_no_treated_infection() -> None:
    course = _drug("drug.trimethoprim_sulfamethoxazole", IN_WINDOW, route="oral")
    prophylaxis = Finding(**{**course.__dict__, "attrs": {**course.attrs, "prophylaxis": True}})
    assert _status(SYSTEMIC, course) is Status.MET
    assert _status(SYSTEMIC, prophylaxis) is Status.NOT_MET


def test_the_plain_words_name_the_route_and_the_hospital_branch() -> None:
    from matcher.criteria.render import reading

    assert "given systemically" in reading(SYSTEMIC)
    assert "hospitalisation" in reading(ADMISSION) and "given intravenously" in reading(
        ADMISSION)
