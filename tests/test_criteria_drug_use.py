"""How registry authors word a drug's use, read so the notes can decide it (issue 12,
REGISTRY.md #3, #4, #5, #14), or left to a person when one item mixes two readings:

- "ever ... or ... within 6 months" in one item: the window belongs to one drug only;
  read as one window for all, a drug the item excludes *ever* was excluded only recently;
- a dose ceiling held for a time before an anchor ("≤ 10 mg/day for at least 4 weeks
  before randomisation");
- "(any dose)" after a drug: no dose limit, the drug itself;
- a heading that sets each listed drug's ceiling ("receiving doses of immunosuppressive
  agents exceeding the following:" over "azathioprine (> 100 mg/day)", "cyclophosphamide
  (any dose)"): each item is the drug taken now above its own dose;
- non-steroidal anti-inflammatory drugs as a class the notes find by its members;
- "routine treatment with X": the drug itself.

The sentences are written for these tests, as other sponsors would word the mechanisms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

AS_OF = dt.date(2026, 11, 20)
NSAIDS = {
    "drug.ibuprofen", "drug.naproxen", "drug.diclofenac", "drug.celecoxib",
    "drug.indomethacin", "drug.meloxicam", "drug.ketorolac", "drug.etoricoxib",
    "drug.piroxicam", "drug.nabumetone", "drug.ketoprofen",
}  # fmt: skip


def _read(ctype: str, text: str) -> Criterion:
    return parse_criterion(text, ctype)


def _finding(concept: str, on: dt.date, category: str = "drug", **attrs: Any) -> Finding:
    return Finding(concept=concept, category=category, note_id="n", start=0, end=4,
                   text=concept.split(".")[-1], value=None, unit=None, date=on,
                   date_source="text",
                   attrs={"start_date": on, "stop_date": None, "documented_by": on, **attrs})


def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.attrs["documented_by"] for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


# ------------------------------------------------- "ever" and a window in one item
@pytest.mark.parametrize("text", [
    "Patients ever treated with cyclophosphamide or who received rituximab in the last 6 months",
    "Cyclophosphamide at any time, or belimumab within 3 months before screening",
    "Ever received anifrolumab, or any biologic within 12 weeks prior to randomization",
])
def test_a_window_beside_an_ever_in_one_drug_item_is_left_to_a_person(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "manual"
    assert "ever" in (criterion.manual_reason or "")


@pytest.mark.parametrize(("text", "window"), [
    ("Rituximab at any time before screening", None),
    ("Previous treatment with rituximab within 12 months", 365),
    ("History of receiving cyclophosphamide within 90 days prior to screening", 90),
])
def test_one_temporality_for_the_whole_drug_item_still_reads(text, window):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("window_days") == window


# ------------------------------------------------- a dose ceiling held before an anchor
@pytest.mark.parametrize(("text", "value", "days", "stable"), [
    ("Prednisone ≤ 10 mg/day for at least 4 weeks before randomization", 10.0, 28, False),
    ("Stable prednisolone (or equivalent) dose ≤ 15 mg/day for ≥ 30 days prior to study "
     "entry", 15.0, 30, True),
    ("Stable prednisone (or equivalent corticosteroid) dose of 20 mg/day or less for at "
     "least 2 weeks preceding the screening visit", 20.0, 14, True),
])
def test_a_dose_ceiling_held_for_a_time_before_an_anchor_is_read(text, value, days, stable):
    criterion = _read("inclusion", text)
    assert criterion.kind in ("dose_exposure", "drug_exposure"), criterion.manual_reason
    params = criterion.params
    if criterion.kind == "drug_exposure":
        params = {**params, **params["dose_limits"]["drug.glucocorticoid"]}
    assert params["dose_value"] == value
    assert params["min_duration_days"] == days
    assert bool(params.get("stable")) is stable


# ------------------------------------------------- "(any dose)"
@pytest.mark.parametrize(("text", "drugs", "window", "current"), [
    ("Cyclophosphamide (any dose) within 6 months", {"drug.cyclophosphamide"}, 183, False),
    ("Current use of tacrolimus at any dose", {"drug.tacrolimus"}, 90, True),
    ("Rituximab, any dose, in the past 12 months", {"drug.rituximab"}, 365, False),
])
def test_any_dose_after_a_drug_is_the_drug_itself(text, drugs, window, current):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs
    assert criterion.params.get("window_days") == window
    assert bool(criterion.params.get("current")) is current
    assert not criterion.params.get("dose_limits")


# ------------------------------------------------- a heading that sets each drug's ceiling
CEILING_HEADINGS = [
    "Patients currently taking immunosuppressive drugs at doses above the following:",
    "Receiving doses of immunosuppressive agents exceeding the following:",
    "Current use of any of the following medications at doses higher than:",
]


def _ceiling_items(heading: str) -> dict[str, Criterion]:
    text = (
        "Inclusion Criteria:\n1. Systemic lupus erythematosus\n"
        f"Exclusion Criteria:\n1. {heading}\n"
        "  * Prednisone (>20 mg/day) or equivalent\n"
        "  * Azathioprine (>150 mg/day)\n"
        "  * Mycophenolate mofetil (> 2000 mg/day)\n"
        "  * Cyclophosphamide (any dose)\n"
        "2. Pregnancy\n"
    )
    criteria = [c for c in parse_eligibility_text(text) if c.type == "exclusion"]
    return {c.text.split(" (")[0].strip(): c for c in criteria}


@pytest.mark.parametrize("heading", CEILING_HEADINGS)
def test_a_heading_of_dose_ceilings_makes_each_item_its_drug_taken_now_above_its_dose(
    heading,
):
    items = _ceiling_items(heading)
    steroid, aza, mmf, cyc = (items["Prednisone"], items["Azathioprine"],
                              items["Mycophenolate mofetil"], items["Cyclophosphamide"])
    for criterion in (steroid, aza, mmf):
        assert criterion.kind == "dose_exposure", (criterion.text, criterion.manual_reason)
        assert criterion.params["dose_op"] == ">"
        assert criterion.params.get("window_days") is None  # the current dose
    assert steroid.params["dose_value"] == 20.0
    assert steroid.params["prednisone_equivalent"] is True
    assert aza.params["drugs"] == ["drug.azathioprine"]
    assert aza.params["dose_value"] == 150.0
    assert mmf.params["dose_value"] == 2000.0
    assert cyc.kind == "drug_exposure", cyc.manual_reason
    assert cyc.params["drugs"] == ["drug.cyclophosphamide"]
    assert cyc.params.get("current") is True


@pytest.mark.parametrize("heading", [
    # what the heading says is not one ceiling per item: a person reads it
    "Patients receiving immunosuppressive drugs other than the following:",
    "Patients whose doses of the following were changed in the last month:",
    "Patients receiving doses of immunosuppressive agents below the following:",
])
def test_a_heading_that_is_not_a_set_of_ceilings_leaves_the_items_to_a_person(heading):
    items = _ceiling_items(heading)
    for name in ("Azathioprine", "Mycophenolate mofetil"):
        assert items[name].kind == "manual", (heading, name, items[name].params)


@pytest.mark.parametrize(("dose", "expected"), [
    (200.0, Status.MET),
    (100.0, Status.NOT_MET),
])
def test_an_azathioprine_ceiling_is_decided_by_the_dose_taken_now(dose, expected):
    aza = _ceiling_items(CEILING_HEADINGS[1])["Azathioprine"]
    found = _finding("drug.azathioprine", dt.date(2026, 11, 1),
                     dose={"amount": dose, "unit": "mg", "basis": None, "per_day": dose})
    assert _status(aza, found) is expected


# ------------------------------------------------- NSAIDs
def test_the_nsaids_are_a_class_of_their_members_with_atc_codes():
    vocab = load_vocabulary()
    assert set(vocab.expand("class.nsaid")) == NSAIDS
    for member in NSAIDS:
        assert (vocab[member].code or "").startswith("ATC:M01A"), member
    # "avoid NSAIDs" is the advice lupus-nephritis notes give, not use
    assert vocab["class.nsaid"].attrs.get("class_mention_is_advice") is True


@pytest.mark.parametrize(("text", "window"), [
    ("Receiving nonsteroidal anti-inflammatory drugs (NSAIDs) within 1 month before the "
     "study", 30),
    ("Use of NSAIDs in the 2 weeks prior to screening", 14),
    ("Regular use of non-steroidal anti-inflammatory drugs within 14 days of randomisation",
     None),
])
def test_nsaid_use_in_a_window_is_read_as_the_class(text, window):
    criterion = _read("exclusion", text)
    if window is None:
        # "regular" use is a frequency the notes do not give: a person checks
        assert criterion.kind == "manual"
        return
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == NSAIDS
    assert criterion.params["window_days"] == window


@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Taking ibuprofen 400 mg tds for knee pain.", "drug.ibuprofen"),
    ("Started naproxen 500 mg bd last week.", "drug.naproxen"),
    ("Celecoxib 200 mg daily for back pain.", "drug.celecoxib"),
])
def test_the_notes_find_the_nsaids_the_criteria_name(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


def test_advice_to_avoid_nsaids_is_no_nsaid_use(note_parser):
    criterion = _read("exclusion", "Use of NSAIDs in the 2 weeks prior to screening")
    found = note_parser.parse("Advised to avoid NSAIDs given her kidneys.", "n",
                              dt.date(2026, 11, 15))
    timeline = build_timeline(Patient("P1", None), found, {"n": dt.date(2026, 11, 15)}, AS_OF)
    assert evaluate(criterion, timeline).status is Status.NOT_MET


# ------------------------------------------------- "routine treatment with"
@pytest.mark.parametrize("text", [
    "Receiving routine treatment with tacrolimus within 1 month",
    "Routine use of leflunomide in the past 30 days",
])
def test_routine_treatment_is_the_drug_itself(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == 30


# ------------------------------------------------- "or 5 half-lives, whichever is longer"
@pytest.mark.parametrize(("text", "drugs", "window"), [
    ("Belimumab within 3 months or 5 half-lives, whichever is longer, prior to baseline",
     {"drug.belimumab"}, 91),
    ("Treatment with abatacept within 5 half-lives or 12 weeks (whichever is longer) before "
     "randomization", {"drug.abatacept"}, 84),
    ("Received tocilizumab within 8 weeks (or five half-lives, whichever is greater) of "
     "screening", {"drug.tocilizumab"}, 56),
])
def test_a_window_or_five_half_lives_whichever_is_longer_keeps_the_stated_window(
    text, drugs, window
):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs
    assert criterion.params["window_days"] == window
    assert criterion.params.get("half_lives") is True


def test_whichever_is_shorter_is_left_to_a_person():
    criterion = _read("exclusion", "Belimumab within 3 months or 5 half-lives, whichever is "
                                   "shorter, prior to baseline")
    assert criterion.kind == "manual"


@pytest.mark.parametrize(("given", "expected"), [
    (dt.date(2026, 10, 1), Status.MET),  # inside the stated window: inside the longer too
    (dt.date(2026, 5, 1), Status.UNKNOWN),  # before it: maybe within 5 half-lives
    (None, Status.NOT_MET),
])
def test_an_exposure_before_the_stated_window_may_be_within_five_half_lives(given, expected):
    criterion = _read("exclusion", "Belimumab within 3 months or 5 half-lives, whichever is "
                                   "longer, prior to baseline")
    findings = [_finding("drug.belimumab", given, single_dose=True)] if given else []
    assert _status(criterion, *findings) is expected


# ------------------------------------------------- "vitamin D2 or D3"
@pytest.mark.parametrize("text", [
    "Use of vitamin D2 or D3 supplementation",
    "Taking vitamin D2/D3 supplements within 4 weeks of screening",
])
def test_vitamin_d2_or_d3_is_the_vitamin_d_supplement(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["drugs"] == ["drug.vitamin_d"]


# ------------------------------------------------- RAS blockade (kidney trials)
ACEI = {"drug.captopril", "drug.enalapril", "drug.lisinopril", "drug.perindopril",
        "drug.ramipril", "drug.quinapril", "drug.benazepril", "drug.fosinopril",
        "drug.trandolapril"}
ARB = {"drug.losartan", "drug.valsartan", "drug.irbesartan", "drug.candesartan",
       "drug.telmisartan", "drug.olmesartan", "drug.azilsartan", "drug.eprosartan"}


def test_ace_inhibitors_and_arbs_are_classes_with_atc_codes():
    vocab = load_vocabulary()
    assert set(vocab.expand("class.acei")) == ACEI
    assert set(vocab.expand("class.arb")) == ARB
    assert set(vocab.expand("class.ras_inhibitor")) == ACEI | ARB
    for member in ACEI:
        assert (vocab[member].code or "").startswith("ATC:C09AA"), member
    for member in ARB:
        assert (vocab[member].code or "").startswith("ATC:C09CA"), member


@pytest.mark.parametrize(("text", "days", "stable", "judged"), [
    ("Stable dose of ACE inhibitor or angiotensin receptor blocker for at least 3 months "
     "prior to screening", 91, True, None),
    ("Patients on ACEi or ARB at a stable dose for at least 12 weeks before screening", 84,
     True, None),
    ("Receiving a maximally tolerated dose of an ACE inhibitor or ARB for at least 3 months",
     91, False, "maximally tolerated"),
    ("On RAS blockade at the maximum tolerated dose for at least 90 days", 90, False,
     "maximum tolerated"),
])
def test_ras_blockade_held_for_a_time_is_read_with_what_a_person_checks(text, days, stable,
                                                                        judged):
    criterion = _read("inclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == ACEI | ARB
    assert criterion.params.get("current") is True
    assert criterion.params.get("min_duration_days") == days
    assert bool(criterion.params.get("stable")) is stable
    assert criterion.params.get("dose_judged") == judged


@pytest.mark.parametrize(("findings", "expected"), [
    # on ramipril since June: long enough; whether at the maximal dose is for a person
    ([_finding("drug.ramipril", dt.date(2026, 6, 1)),
      _finding("drug.ramipril", dt.date(2026, 11, 1))], Status.UNKNOWN),
    # started three weeks ago: too short whatever the dose
    ([_finding("drug.losartan", dt.date(2026, 10, 30))], Status.NOT_MET),
])
def test_a_maximally_tolerated_dose_is_left_to_a_person_and_a_short_course_is_not_met(
    findings, expected
):
    criterion = _read("inclusion", "Receiving a maximally tolerated dose of an ACE inhibitor "
                                   "or ARB for at least 3 months")
    assert _status(criterion, *findings) is expected


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Continues lisinopril 20 mg daily for proteinuria.", "drug.lisinopril"),
    ("Losartan 50 mg od started 01/03/2026.", "drug.losartan"),
    ("She remains on an ACE inhibitor.", "class.acei"),
])
def test_the_notes_find_the_ras_blockers(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


# ------------------------------------------------- a drug started within a window
@pytest.mark.parametrize(("text", "drugs", "window"), [
    ("Hydroxychloroquine started within 3 months before screening",
     {"drug.hydroxychloroquine"}, 91),
    ("Initiation of methotrexate within 12 weeks prior to randomization",
     {"drug.methotrexate"}, 84),
    ("Patients with glucocorticoids started in the last month", {"drug.glucocorticoid"}, 30),
    ("Azathioprine newly started within 8 weeks before baseline", {"drug.azathioprine"}, 56),
    ("Introduction of mycophenolate mofetil in the past 60 days", {"drug.mycophenolate"}, 60),
])
def test_a_drug_started_within_a_window_is_a_new_course_in_it(text, drugs, window):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == drugs
    assert criterion.params["window_days"] == window
    assert criterion.params.get("started_within") is True
    assert not criterion.params.get("current")


@pytest.mark.parametrize("text", [
    "Patients who have started hydroxychloroquine",  # no window: nothing to start within
    "Currently receiving azathioprine started within 8 weeks at a dose above 2 mg/kg",
])
def test_a_start_the_reading_cannot_place_is_left_to_a_person(text):
    assert _read("exclusion", text).kind == "manual"


def _course(concept: str, noted: dt.date, start: dt.date | None = None, **attrs: Any) -> Finding:
    """A mention in a note of `noted` (one note per date), with its written start."""
    found = replace(_finding(concept, noted, **attrs), note_id=f"n{noted.isoformat()}")
    found.attrs["start_date"] = start
    return found


@pytest.mark.parametrize(("findings", "expected"), [
    # a written start three weeks ago
    ([_course("drug.hydroxychloroquine", dt.date(2026, 11, 1), dt.date(2026, 10, 30))],
     Status.MET),
    # taken since a note of March, still taken: started before the window
    ([_course("drug.hydroxychloroquine", dt.date(2026, 3, 1)),
      _course("drug.hydroxychloroquine", dt.date(2026, 11, 1))], Status.NOT_MET),
    # first named in a note of this month, when it began is not written
    ([_course("drug.hydroxychloroquine", dt.date(2026, 11, 1))], Status.UNKNOWN),
    # stopped in March, restarted with a written date last month
    ([_course("drug.hydroxychloroquine", dt.date(2026, 3, 1), stopped=True),
      _course("drug.hydroxychloroquine", dt.date(2026, 11, 1), dt.date(2026, 10, 15))],
     Status.MET),
    ([], Status.NOT_MET),
])
def test_a_start_in_the_window_is_decided_from_the_first_day_of_the_course(findings,
                                                                           expected):
    criterion = _read("exclusion", "Hydroxychloroquine started within 3 months before "
                                   "screening")
    assert _status(criterion, *findings) is expected


@pytest.mark.parametrize("text", [
    "Steroid pulse therapy within three months prior to the commencement of the study",
    "Rituximab within 6 months before the start of study treatment",
])
def test_a_start_word_about_the_study_is_no_drug_start(text):
    criterion = _read("exclusion", text)
    assert not criterion.params.get("started_within")


# ------------------------------------------------- any setting of a past exposure
@pytest.mark.parametrize("text", [
    "Any previous exposure to anifrolumab (including as part of a clinical trial or early "
    "access programme)",
    "Prior treatment with belimumab, including in a clinical trial",
    "Previous obinutuzumab (including compassionate use)",
])
def test_an_exposure_in_any_setting_is_the_drug_ever(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("window_days") is None
    assert not criterion.params.get("current")


# ------------------------------------------------- regional immunosuppressants
@pytest.mark.parametrize(("text", "drug"), [
    ("Use of Tripterygium wilfordii within 3 months", "drug.tripterygium"),
    ("Tripterygium glycosides in the past 12 weeks", "drug.tripterygium"),
    ("Treatment with mizoribine within 90 days before screening", "drug.mizoribine"),
])
def test_regional_immunosuppressants_are_drugs(text, drug):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["drugs"] == [drug]


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Previously on tripterygium glycoside tablets 20 mg tid.", "drug.tripterygium"),
    ("Mizoribine 150 mg daily since 2024.", "drug.mizoribine"),
])
def test_the_notes_find_the_regional_immunosuppressants(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}
