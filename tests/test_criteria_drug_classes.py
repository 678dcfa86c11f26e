"""Drug criteria the reader left manual although notes can decide them (issue 12, round 4):
drug classes named as a class ("biological therapy", "cytotoxic agents", "immunomodulators",
"bisphosphonates"), live vaccines within a window, forms the notes do not record ("IV
bolus", "pulse"), systemic routes ("oral or parenteral"), dose limits on a drug taken now
("maintenance prednisolone < 15 mg/day", "stable dose of prednisone ≤ 10 mg/day"), and
"with or without X", which neither requires nor excludes X.

The sentences are written for these tests, as other sponsors word the mechanisms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

BIOLOGICS = set(load_vocabulary().expand("class.biologic"))
IMMUNOSUPPRESSANTS = set(load_vocabulary().expand("class.immunosuppressant"))
CYTOTOXICS = {"drug.cyclophosphamide", "drug.chlorambucil", "drug.azathioprine",
              "drug.methotrexate", "drug.mycophenolate"}  # fmt: skip
LIVE_VACCINES = {
    "drug.mmr_vaccine", "drug.varicella_vaccine", "drug.live_zoster_vaccine",
    "drug.yellow_fever_vaccine", "drug.bcg_vaccine", "drug.laiv", "drug.oral_polio_vaccine",
    "drug.oral_typhoid_vaccine", "drug.rotavirus_vaccine",
}
BISPHOSPHONATES = {"drug.alendronate", "drug.risedronate", "drug.ibandronate",
                   "drug.zoledronate", "drug.pamidronate"}  # fmt: skip
PULSE = "as a pulse or bolus"


def _read(ctype: str, text: str) -> Criterion:
    return parse_criterion(text, ctype)


# ---------------------------------------------------------------- classes and windows
CLASS_READINGS: list[tuple[str, str, set[str], int | None, bool]] = [
    # (type, text, drugs, window_days, current)
    ("exclusion", "Use in the last 6 months of biological therapy", BIOLOGICS, 183, False),
    ("exclusion", "Biological treatments within 12 weeks before randomisation", BIOLOGICS, 84,
     False),
    ("exclusion", "Any biologic drug in the 3 months prior to day 1", BIOLOGICS, 91, False),
    ("exclusion", "Immunosuppressive treatment within 30 days of screening",
     IMMUNOSUPPRESSANTS, 30, False),
    ("exclusion", "Received immunosuppressive medications in the past 8 weeks",
     IMMUNOSUPPRESSANTS, 56, False),
    ("exclusion", "Treatment with cytotoxic drugs within 6 months before baseline", CYTOTOXICS,
     183, False),
    ("exclusion", "Patients given any cytotoxic therapy in the 12 weeks prior to enrolment",
     CYTOTOXICS, 84, False),
    ("exclusion", "Receipt of a live vaccine within 30 days before the first dose",
     LIVE_VACCINES, 30, False),
    ("exclusion", "Live attenuated vaccines in the 8 weeks prior to randomization",
     LIVE_VACCINES, 56, False),
    ("exclusion", "Vaccination with a live or live-attenuated vaccine within 1 month",
     LIVE_VACCINES, 30, False),
    ("exclusion", "MMR or yellow fever vaccine within 6 weeks",
     {"drug.mmr_vaccine", "drug.yellow_fever_vaccine"}, 42, False),
    ("exclusion", "Bisphosphonate therapy within the last 12 months", BISPHOSPHONATES, 365,
     False),
    ("exclusion", "Current use of oral or parenteral ciclosporin",
     {"drug.cyclosporine"}, 90, True),
    ("exclusion", "Parenteral methotrexate within 4 weeks", {"drug.methotrexate"}, 28, False),
]


@pytest.mark.parametrize(("ctype", "text", "drugs", "window", "current"), CLASS_READINGS)
def test_a_drug_class_named_as_a_class_is_read_with_its_members(ctype, text, drugs, window,
                                                                current):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs
    assert criterion.params.get("window_days") == window
    assert bool(criterion.params.get("current")) is current


def test_an_immunomodulator_class_holds_the_immunosuppressants_and_more():
    criterion = _read("exclusion", "Immunomodulatory therapy within 3 months before inclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    drugs = set(criterion.params["drugs"])
    assert IMMUNOSUPPRESSANTS | {"drug.hydroxychloroquine", "drug.belimumab"} <= drugs
    assert criterion.params["window_days"] == 91


def test_the_new_classes_carry_codes_on_their_members():
    vocab = load_vocabulary()
    for member in LIVE_VACCINES:
        assert (vocab[member].code or "").startswith("ATC:J07"), member
    for member in BISPHOSPHONATES:
        assert (vocab[member].code or "").startswith("ATC:M05BA"), member
    assert vocab["class.bisphosphonate"].code == "ATC:M05BA"


# Vaccinations the notes cannot tell apart, or that are not a past exposure, stay manual.
VACCINES_LEFT_MANUAL: list[tuple[str, str]] = [
    ("exclusion", "Any vaccination within 4 weeks before screening"),
    ("exclusion", "Received an inactivated vaccine in the last 2 weeks"),
    ("exclusion", "Live vaccines are not allowed during the study"),
    ("exclusion", "Live vaccine within 30 days or planned during the trial"),
    ("exclusion", "Treatment with a live vaccine within a certain period"),
]


@pytest.mark.parametrize(("ctype", "text"), VACCINES_LEFT_MANUAL)
def test_vaccinations_the_notes_cannot_decide_stay_manual(ctype, text):
    assert _read(ctype, text).kind == "manual"


# ---------------------------------------------------------------- the note side
@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    return NoteParser(build_pipeline())


NOTE_SENTENCES: list[tuple[str, str]] = [
    ("MMR vaccine given on 2026-10-20 before travel.", "drug.mmr_vaccine"),
    ("Received Zostavax three weeks ago.", "drug.live_zoster_vaccine"),
    ("Yellow fever vaccination last month for a trip.", "drug.yellow_fever_vaccine"),
    ("Had the nasal flu vaccine (FluMist) in October.", "drug.laiv"),
    ("Started alendronate 70 mg weekly for osteoporosis.", "drug.alendronate"),
]


@pytest.mark.parametrize(("sentence", "concept"), NOTE_SENTENCES)
def test_the_notes_find_the_vaccines_and_drugs_the_criteria_name(note_parser, sentence,
                                                                  concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found if f.assertion.value == "affirmed"}


@pytest.mark.parametrize("sentence", [
    "Advised to avoid live vaccines while on mycophenolate.",
    "Avoid MMR while on rituximab.",
    "Live vaccines are contraindicated.",
    "MMR vaccine should be avoided.",
])
def test_advice_to_avoid_a_vaccine_is_no_vaccination(note_parser, sentence):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    given = {f.concept for f in found if f.assertion.value == "affirmed"}
    assert not given & (LIVE_VACCINES | {"class.live_vaccine"})


# ---------------------------------------------------------------- evaluation
AS_OF = dt.date(2026, 11, 20)


def _finding(concept: str, on: dt.date, *, text: str | None = None, category: str = "drug",
             **attrs: Any) -> Finding:
    return Finding(concept=concept, category=category, note_id=f"n{on}", start=0, end=4,
                   text=text or concept, value=None, unit=None, date=on, date_source="text",
                   attrs={"start_date": on, "stop_date": None, "documented_by": on, **attrs})


def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.attrs["documented_by"] for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


def _steroid(on: dt.date, per_day: float | None, text: str = "prednisone") -> Finding:
    dose = None if per_day is None else {"amount": per_day, "unit": "mg", "basis": None,
                                         "per_day": per_day}  # fmt: skip
    return _finding("drug.glucocorticoid", on, text=text, dose=dose)


@pytest.mark.parametrize(("findings", "expected"), [
    ((_finding("drug.mmr_vaccine", dt.date(2026, 11, 5)),), Status.MET),
    ((_finding("drug.varicella_vaccine", dt.date(2026, 8, 1)),), Status.NOT_MET),
    # "avoid live vaccines": the class named in a note is advice, not a vaccine given
    ((_finding("class.live_vaccine", dt.date(2026, 11, 5), category="drug_class"),),
     Status.NOT_MET),
    ((), Status.NOT_MET),
])
def test_a_live_vaccine_washout_is_decided_from_the_notes(findings, expected):
    criterion = _read("exclusion", "Live or attenuated vaccine within 4 weeks prior to screening")
    assert _status(criterion, *findings) is expected


@pytest.mark.parametrize(("text", "findings", "expected"), [
    ("IV bolus of corticosteroids in the last 2 months", (_steroid(dt.date(2026, 11, 1), 10),),
     Status.UNKNOWN),
    ("IV bolus of corticosteroids in the last 2 months", (), Status.NOT_MET),
    ("Methylprednisolone pulses within 3 months", (_steroid(dt.date(2026, 6, 1), 500),),
     Status.NOT_MET),
    ("Steroid pulse therapy within 8 weeks before screening",
     (_steroid(dt.date(2026, 11, 10), 500, "methylprednisolone"),), Status.UNKNOWN),
])
def test_a_pulse_is_not_any_steroid_a_documented_one_goes_to_a_person(text, findings,
                                                                     expected):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["route"] == PULSE
    assert "pulse or bolus" in reading(criterion)
    assert _status(criterion, *findings) is expected


# ---------------------------------------------------------------- doses taken now
def test_a_dose_limit_in_an_exclusion_list_is_checked_on_the_current_dose():
    criterion = _read("exclusion", "Current use of prednisone > 15 mg/day or azathioprine")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["current"] is True
    assert criterion.params["dose_limits"]["drug.glucocorticoid"]["dose_value"] == 15.0
    assert "only at > 15 mg/day" in reading(criterion)
    today = dt.date(2026, 11, 15)
    assert _status(criterion, _steroid(today, 20)) is Status.MET
    assert _status(criterion, _steroid(today, 10)) is Status.NOT_MET
    assert _status(criterion, _steroid(today, None)) is Status.UNKNOWN
    assert _status(criterion, _steroid(today, 10),
                   _finding("drug.azathioprine", today)) is Status.MET
    assert _status(criterion) is Status.NOT_MET


def test_a_dose_limit_inside_an_inclusion_list_stays_manual():
    # any one of them, or a ceiling for whoever takes prednisone? A person decides.
    criterion = _read("inclusion", "On a stable regimen of prednisone (≤ 20 mg/day), "
                                   "antimalarials or azathioprine")
    assert criterion.kind == "manual"
    assert "dose limit" in (criterion.manual_reason or "")


DOSE_NOW: list[tuple[str, str, float]] = [
    # (type, text, limit in prednisone mg/day)
    ("inclusion", "On maintenance prednisolone < 15 mg/day", 15.0),
    ("inclusion", "Maintenance dose of prednisone not exceeding 10 mg/day", 10.0),
    ("inclusion", "Prednisone ≤ 10 mg/day with or without hydroxychloroquine", 10.0),
    ("inclusion", "Prednisolone < 15 mg/day, with or without other immunosuppressive drugs",
     15.0),
    ("exclusion", "Methylprednisolone > 1 g/day", 1250.0),
]


@pytest.mark.parametrize(("ctype", "text", "limit"), DOSE_NOW)
def test_a_dose_limit_is_the_current_dose_as_prednisone(ctype, text, limit):
    criterion = _read(ctype, text)
    assert criterion.kind == "dose_exposure", criterion.manual_reason
    assert criterion.params["drugs"] == ["drug.glucocorticoid"]
    assert criterion.params["dose_value"] == pytest.approx(limit)
    assert criterion.params["window_days"] is None


WITH_OR_WITHOUT: list[tuple[str, str, set[str]]] = [
    ("inclusion", "Mycophenolate mofetil with or without low-dose prednisone",
     {"drug.mycophenolate"}),
    ("exclusion", "Cyclophosphamide, with or without rituximab, within 6 months",
     {"drug.cyclophosphamide"}),
    ("inclusion", "Currently on azathioprine with or without antimalarials",
     {"drug.azathioprine"}),
]


@pytest.mark.parametrize(("ctype", "text", "drugs"), WITH_OR_WITHOUT)
def test_with_or_without_a_drug_neither_requires_nor_excludes_it(ctype, text, drugs):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs


def test_a_stable_dose_within_the_limit_goes_to_a_person_and_over_it_decides():
    criterion = _read("inclusion", "A stable dose of prednisone ≤ 10 mg/day")
    assert criterion.kind == "dose_exposure", criterion.manual_reason
    assert criterion.params["stable"] is True
    assert "stable" in reading(criterion)
    today = dt.date(2026, 11, 15)
    assert _status(criterion, _steroid(today, 5)) is Status.UNKNOWN
    assert _status(criterion, _steroid(today, 20)) is Status.NOT_MET
    assert _status(criterion) is Status.UNKNOWN  # an inclusion: absence is unknown


def test_a_stable_dose_over_a_limit_in_an_exclusion_stays_manual():
    assert _read("exclusion", "Stable dose of prednisone > 10 mg/day").kind == "manual"


@pytest.mark.parametrize(("text", "grams", "window"), [
    ("Received more than 2 g of methylprednisolone in the last 4 weeks", 2.0, 28),
    ("IV methylprednisolone > 1.5 g within the past 3 months", 1.5, 91),
])
def test_grams_of_a_steroid_over_a_window_are_a_cumulative_dose(text, grams, window):
    criterion = _read("exclusion", text)
    assert criterion.kind == "dose_exposure", criterion.manual_reason
    assert criterion.params["cumulative"] is True
    assert criterion.params["dose_unit"] == "g"
    assert criterion.params["dose_value"] == grams
    assert criterion.params["window_days"] == window
    pulses = _finding("drug.glucocorticoid", dt.date(2026, 11, 10), text="methylprednisolone",
                      dose={"amount": 1000.0, "unit": "mg", "basis": None, "per_day": None},
                      dose_count=3)
    assert _status(criterion, pulses) is Status.MET


# ---------------------------------------------------------------- round two of the family
MORE_CLASSES: list[tuple[str, str, set[str], int | None]] = [
    ("exclusion", "Use of anti-TNF therapy within 8 weeks",
     {"drug.infliximab", "drug.adalimumab", "drug.etanercept", "drug.certolizumab",
      "drug.golimumab"}, 56),
    ("exclusion", "Prior treatment with a Janus kinase inhibitor",
     {"drug.tofacitinib", "drug.baricitinib", "drug.upadacitinib", "drug.filgotinib"}, None),
    ("exclusion", "Intravenous immunoglobulins in the past 3 months", {"drug.ivig"}, 91),
    ("exclusion", "Vitamin D supplementation within 4 weeks before randomization",
     {"drug.vitamin_d"}, 28),
    ("exclusion", "Calcitriol or paricalcitol in the last 30 days", {"drug.active_vitamin_d"},
     30),
]


@pytest.mark.parametrize(("ctype", "text", "drugs", "window"), MORE_CLASSES)
def test_more_classes_and_drugs_are_read_with_their_members(ctype, text, drugs, window):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs
    assert criterion.params.get("window_days") == window


@pytest.mark.parametrize(("text", "held"), [
    ("On a stable lupus treatment regimen", None),
    ("Receiving stable background SLE therapy for at least 30 days", 30),
])
def test_a_stable_sle_regimen_is_any_lupus_drug_taken_now_its_stability_left_to_a_person(
    text, held
):
    criterion = _read("inclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert {"drug.hydroxychloroquine", "drug.glucocorticoid", "drug.mycophenolate",
            "drug.belimumab"} <= set(criterion.params["drugs"])  # fmt: skip
    assert criterion.params["current"] is True
    assert criterion.params["stable"] is True
    assert criterion.params.get("min_duration_days") == held
    long_ago = _finding("drug.hydroxychloroquine", dt.date(2025, 1, 10))
    taken = _finding("drug.hydroxychloroquine", dt.date(2026, 11, 10))
    assert _status(criterion, long_ago, taken) is Status.UNKNOWN  # stable? a person checks
    stopped = _finding("drug.hydroxychloroquine", dt.date(2026, 11, 10), stopped=True)
    assert _status(criterion, stopped) is Status.NOT_MET


def test_a_biologic_class_holds_the_tnf_inhibitors_and_other_biologics():
    members = set(load_vocabulary().expand("class.biologic"))
    assert {"drug.adalimumab", "drug.abatacept", "drug.tocilizumab", "drug.belimumab"} <= members
    assert "drug.tofacitinib" not in members  # a small molecule, not a biologic


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Takes vitamin D3 1000 IU daily.", "drug.vitamin_d"),
    ("Calcitriol 0.25 mcg daily for hyperparathyroidism.", "drug.active_vitamin_d"),
])
def test_the_notes_find_vitamin_d_given(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


def test_a_vitamin_d_level_is_no_vitamin_d_given(note_parser):
    found = note_parser.parse("25-OH vitamin D3 level 18 ng/mL, low.", "n", dt.date(2026, 11, 1))
    assert not {f.concept for f in found} & {"drug.vitamin_d", "drug.active_vitamin_d"}


STEROID_ROUTES: list[tuple[str, str | None, Status]] = [
    # (text, route kept, status with prednisone 10 mg/day documented 10 days ago)
    ("Systemic glucocorticoids within 8 weeks before screening or during the run-in period",
     "systemically", Status.MET),
    ("Any systemic corticosteroid in the past 30 days", "systemically", Status.MET),
    ("IV methylprednisolone within 3 months", "intravenously or intramuscularly",
     Status.UNKNOWN),
    ("Intramuscular corticosteroids within 4 weeks", "intravenously or intramuscularly",
     Status.UNKNOWN),
    ("Pulsed methylprednisolone in the past 6 weeks", PULSE, Status.UNKNOWN),
    ("Intra-articular, intramuscular or intravenous steroids within 6 weeks",
     "intra-articular or intravenously or intramuscularly", Status.UNKNOWN),
    ("Oral or IV corticosteroids within 2 weeks", None, Status.MET),
    ("Methylprednisolone within 4 weeks", None, Status.MET),
]


@pytest.mark.parametrize(("text", "route", "status"), STEROID_ROUTES)
def test_a_steroid_route_is_kept_where_notes_cannot_tell_it(text, route, status):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("route") == route
    assert _status(criterion, _steroid(dt.date(2026, 11, 10), 10)) is status
    assert _status(criterion) is Status.NOT_MET


def test_a_systemic_steroid_named_also_for_creams_goes_to_a_person():
    criterion = _read("exclusion", "Any systemic corticosteroid in the past 30 days")
    recent = dt.date(2026, 11, 10)
    assert _status(criterion, _steroid(recent, None, "steroids")) is Status.MET
    assert _status(criterion, _steroid(recent, None, "hydrocortisone")) is Status.UNKNOWN


def test_a_run_in_period_after_the_window_is_checked_at_the_visits():
    criterion = _read("exclusion", "Received mycophenolate 8 weeks before screening or during "
                                   "the run-in period")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == 56
    assert criterion.params["also_during_study"] is True


@pytest.mark.parametrize(("text", "conditional"), [
    ("≤ 7.5 mg/day prednisone", True),
    ("Prednisone dose ≤ 10 mg/day", True),
    ("On prednisone ≤ 10 mg/day", False),
    ("Receiving prednisolone < 15 mg/day", False),
    ("Prednisone ≥ 7.5 mg/day", False),
])
def test_a_bare_dose_ceiling_in_an_inclusion_is_met_by_taking_none(text, conditional):
    criterion = _read("inclusion", text)
    assert criterion.kind == "dose_exposure", criterion.manual_reason
    assert bool(criterion.params.get("conditional")) is conditional
    if conditional:
        assert _status(criterion) is Status.MET
        assert _status(criterion, _steroid(dt.date(2026, 11, 15), 30)) is Status.NOT_MET
