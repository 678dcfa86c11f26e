"""Antibiotics as a drug class the criteria name and the notes find (issue 12, REGISTRY.md
#12): "Use of antibiotics within 4 weeks prior to screening" is one of the washouts real
registry authors write most often (microbiome, vaccine, periodontal, infection and
inflammatory-disease trials), and a clinic note records the course by its drug
("amoxicillin 500 mg tds for 7 days") or as "a course of antibiotics".

- the class is ATC J01 (antibacterials for systemic use) with its common members, each
  with its ATC code; a note's drug or the class word counts for the criterion;
- a route written beside an antibiotic ("intravenous antibiotics", "oral antibiotics",
  "systemic antibiotics") is one notes do not keep (clindamycin and metronidazole are also
  gels): a documented antibiotic goes to a person, none decides;
- an allergy list ("Allergies: amoxicillin (rash)") and a drug level ("vancomycin trough
  15") are no antibiotic given.

The sentences are written for these tests, as other sponsors would word them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _status(criterion: Criterion, note_parser: NoteParser, sentence: str,
            written: dt.date) -> Status:  # fmt: skip
    found = note_parser.parse(sentence, "n", written)
    timeline = build_timeline(Patient("P1", None), found, {"n": written}, AS_OF)
    return evaluate(criterion, timeline).status


def test_the_antibiotics_are_a_class_of_coded_members():
    vocab = load_vocabulary()
    members = set(vocab.expand("class.antibiotic"))
    assert vocab["class.antibiotic"].code == "ATC:J01"
    assert {"drug.amoxicillin", "drug.doxycycline", "drug.ciprofloxacin",
            "drug.trimethoprim_sulfamethoxazole", "drug.ceftriaxone"} <= members  # fmt: skip
    for member in members:
        assert (vocab[member].code or "").startswith("ATC:J01"), member


# ------------------------------------------------- the criteria
@pytest.mark.parametrize(("text", "window"), [
    ("Use of antibiotics within 4 weeks prior to screening", 28),
    ("Antibiotic treatment in the 3 months before randomisation", 91),
    ("Receipt of antibiotics in the past 30 days", 30),
    ("Has taken any antibacterial agents within 14 days before baseline", 14),
    ("Patients who have used antibiotics in the last 6 months", 183),
])
def test_antibiotic_use_in_a_window_is_read_as_the_class(text, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == set(load_vocabulary().expand("class.antibiotic"))
    assert criterion.params["window_days"] == window
    assert not criterion.params.get("route")


@pytest.mark.parametrize("text", [
    "Treatment with intravenous antibiotics within 30 days of screening",
    "Oral antibiotics within 14 days prior to the first dose",
    "Systemic antibiotics during the 4 weeks before screening",
    "IV antibiotics in the previous 2 weeks",
])
def test_an_antibiotic_route_is_kept_for_a_person(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("route")


# ------------------------------------------------- the notes
@pytest.mark.parametrize(("sentence", "concept"), [
    ("Completed a 7-day course of amoxicillin for sinusitis.", "drug.amoxicillin"),
    ("Started doxycycline 100 mg bd for cellulitis.", "drug.doxycycline"),
    ("She was treated with antibiotics for a UTI last month.", "class.antibiotic"),
    ("Bactrim DS three times weekly for PJP prophylaxis.",
     "drug.trimethoprim_sulfamethoxazole"),
    ("Given co-amoxiclav 625 mg tds.", "drug.amoxicillin_clavulanate"),
    ("Ciprofloxacin 500 mg bd for 3 days.", "drug.ciprofloxacin"),
])
def test_the_notes_find_the_antibiotics_the_criteria_name(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


@pytest.mark.parametrize(("sentence", "status"), [
    ("Started doxycycline 100 mg bd for cellulitis.", Status.MET),
    ("Finished a course of antibiotics for a chest infection.", Status.MET),
    ("Allergies: amoxicillin (rash).", Status.NOT_MET),
    ("Vancomycin trough 15 on the ward.", Status.NOT_MET),
    ("No recent infections.", Status.NOT_MET),
])
def test_an_antibiotic_washout_is_decided_on_the_notes(note_parser, sentence, status):
    criterion = parse_criterion("Use of antibiotics within 4 weeks prior to screening",
                                "exclusion")
    assert _status(criterion, note_parser, sentence, dt.date(2026, 11, 10)) is status


def test_an_antibiotic_course_before_the_window_does_not_count(note_parser):
    criterion = parse_criterion("Use of antibiotics within 4 weeks prior to screening",
                                "exclusion")
    sentence = "Completed a 7-day course of amoxicillin for sinusitis."
    assert _status(criterion, note_parser, sentence, dt.date(2026, 6, 1)) is Status.NOT_MET


@pytest.mark.parametrize(("sentence", "status"), [
    ("Started doxycycline 100 mg bd for cellulitis.", Status.UNKNOWN),
    ("Metronidazole gel to the face.", Status.UNKNOWN),
    ("No recent infections.", Status.NOT_MET),
])
def test_a_routed_antibiotic_documented_goes_to_a_person(note_parser, sentence, status):
    criterion = parse_criterion("Intravenous antibiotics within 30 days of screening",
                                "exclusion")
    assert _status(criterion, note_parser, sentence, dt.date(2026, 11, 10)) is status


# ------------------------------------------------- anchors registry authors write
@pytest.mark.parametrize(("text", "window"), [
    ("Received rituximab within 6 months of recruitment", 183),
    ("Belimumab 3 months before recruitment", 91),
    ("Use of antibiotics within 4 weeks prior to the time of screening", 28),
    ("Cyclophosphamide within 90 days before the baseline visit", 90),
])
def test_recruitment_and_the_time_of_screening_anchor_a_window(text, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == window


@pytest.mark.parametrize("text", [
    "Currently taking antibiotics at time of enrollment",
    "Currently receiving tacrolimus at recruitment",
])
def test_at_time_of_enrollment_is_taken_now(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("current") is True


def test_a_subcutaneous_antibiotic_keeps_its_route():
    criterion = parse_criterion("Subcutaneous administration of ceftriaxone in the past week",
                                "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["route"] == "subcutaneously"


# ------------------------------------------------- "infection requiring antibiotics"
@pytest.mark.parametrize("text", [
    "Ongoing infection requiring systemic antibiotics",
    "Active infection requiring antibiotics",
    "Any infection requiring antibiotic treatment within 4 weeks",
    "Pneumonia that required intravenous antibiotics within 2 months",
])
def test_a_condition_requiring_antibiotics_is_the_condition(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind in ("diagnosis", "manual"), criterion.params
    assert "drugs" not in criterion.params


# ------------------------------------------------- "the dose must be stable"
@pytest.mark.parametrize(("text", "days"), [
    ("If taking an antimalarial, the dose must be stable for at least one month before "
     "baseline", 30),
    ("If receiving hydroxychloroquine, dose has remained unchanged for at least 12 weeks", 84),
    ("If on methotrexate, the dose should be stable for at least 8 weeks prior to screening",
     56),
    ("If on an ACE inhibitor, the dosage must have been constant for at least 3 months", 91),
])
def test_a_dose_said_to_be_stable_is_a_stable_dose(text, days):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("stable") is True
    assert criterion.params.get("conditional") is True
    assert criterion.params["min_duration_days"] == days


# ------------------------------------------------- opioids, the same way
OPIOID_USE = [
    ("Used opioids in the past 6 months", 183),
    ("Any opioid use during the previous 30 days", 30),
    ("Patients who have taken opioid pain medications within 3 months prior to screening", 91),
]


def test_the_opioids_are_a_class_of_coded_members():
    vocab = load_vocabulary()
    members = set(vocab.expand("class.opioid"))
    assert {"drug.morphine", "drug.oxycodone", "drug.tramadol", "drug.codeine"} <= members
    assert all(vocab[m].code for m in members)


@pytest.mark.parametrize(("text", "window"), OPIOID_USE)
def test_opioid_use_in_a_window_is_read_as_the_class(text, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert set(criterion.params["drugs"]) == set(load_vocabulary().expand("class.opioid"))
    assert criterion.params["window_days"] == window


@pytest.mark.parametrize("text", [
    "History of opioid abuse",
    "Opioid use disorder",
    "Opioid-naive patients",
])
def test_an_opioid_word_naming_no_opioid_taken_is_not_the_drug(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind != "drug_exposure"


@pytest.mark.parametrize(("sentence", "status"), [
    ("Tramadol 50 mg twice daily for knee pain.", Status.MET),
    ("Taking oxycodone 5 mg at night since the fracture.", Status.MET),
    ("Pain managed with non-opioid analgesics.", Status.NOT_MET),
    ("Oral morphine equivalent dose not applicable.", Status.NOT_MET),
])
def test_an_opioid_washout_is_decided_on_the_notes(note_parser, sentence, status):
    criterion = parse_criterion("Any opioid use during the previous 30 days", "exclusion")
    assert _status(criterion, note_parser, sentence, dt.date(2026, 11, 10)) is status


# ------------------------------------------------- "currently or within 3 months"
@pytest.mark.parametrize(("text", "window"), [
    ("Patient is receiving immunomodulators currently or within the past three months", 91),
    ("Prednisone use currently or within the past one month", 30),
    ("Current or prior (within 3 months) use of immunosuppressive drugs", 91),
    ("Rituximab currently or in the previous 6 months", 183),
    ("Belimumab, either currently or within the 6 months before screening", 183),
])
def test_now_or_within_a_window_is_one_reading(text, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == window
    assert criterion.params.get("or_current") is True
    assert not criterion.params.get("current")


@pytest.mark.parametrize("text", [
    "Current or prior treatment with rituximab",
    "Current or previous use of cyclophosphamide",
    "Current or past use of belimumab",
])
def test_current_or_prior_with_no_window_is_ever(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] is None
    assert not criterion.params.get("current")


@pytest.mark.parametrize(("sentence", "written", "status"), [
    # a course mentioned 2 months ago, not stopped: taken now, though outside the month
    ("On prednisolone 5 mg daily.", dt.date(2026, 9, 20), Status.MET),
    # within the month
    ("Prednisolone 5 mg daily.", dt.date(2026, 11, 10), Status.MET),
    # stopped 2 months ago: neither now nor within the month
    ("Prednisolone stopped 2026-09-01.", dt.date(2026, 9, 20), Status.NOT_MET),
    ("No steroids.", dt.date(2026, 11, 10), Status.NOT_MET),
])
def test_now_or_within_counts_either(note_parser, sentence, written, status):
    criterion = parse_criterion("Prednisone use currently or within the past one month",
                                "exclusion")
    assert _status(criterion, note_parser, sentence, written) is status


# ------------------------------------------------- probiotics, often listed with antibiotics
@pytest.mark.parametrize(("text", "window"), [
    ("Antibiotic or probiotic use in the previous 90 days", 90),
    ("Use of probiotics within 4 weeks before screening", 28),
])
def test_probiotics_are_a_drug_the_criteria_name(text, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert "drug.probiotic" in criterion.params["drugs"]
    assert criterion.params["window_days"] == window


@pytest.mark.parametrize(("sentence", "found"), [
    ("Taking a daily probiotic since the antibiotics.", True),
    ("Started Florastor for diarrhoea.", True),
    ("Urine culture grew Lactobacillus, likely contaminant.", False),
])
def test_the_notes_find_probiotics_not_their_organisms(note_parser, sentence, found):
    concepts = {f.concept for f in note_parser.parse(sentence, "n", dt.date(2026, 11, 1))}
    assert ("drug.probiotic" in concepts) is found


# ------------------------------------------------- antiplatelets
@pytest.mark.parametrize(("text", "drugs"), [
    ("Use of antiplatelet agents within 7 days before screening", None),
    ("Aspirin within 2 weeks prior to randomization", {"drug.aspirin"}),
    ("Clopidogrel or ticagrelor within 14 days of screening",
     {"drug.clopidogrel", "drug.ticagrelor"}),
])
def test_antiplatelet_use_in_a_window_is_read(text, drugs):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    wanted = drugs or set(load_vocabulary().expand("class.antiplatelet"))
    assert set(criterion.params["drugs"]) == wanted
    assert criterion.params["window_days"] == 14 if drugs else 7


@pytest.mark.parametrize("text", [
    "Dual antiplatelet therapy",
    "Aspirin-exacerbated respiratory disease",
])
def test_dual_antiplatelet_therapy_is_not_any_antiplatelet(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind != "drug_exposure"


@pytest.mark.parametrize(("sentence", "concept"), [
    ("Aspirin 81 mg daily for antiphospholipid syndrome.", "drug.aspirin"),
    ("Clopidogrel 75 mg od since the stent.", "drug.clopidogrel"),
    ("Remains on antiplatelet therapy.", "class.antiplatelet"),
])
def test_the_notes_find_the_antiplatelets(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


# ------------------------------------------------- drug allergies with examples
@pytest.mark.parametrize("text", [
    "Those with a history of drug allergies (aspirin, antibiotics, etc.)",
    "History of drug allergies such as rituximab or belimumab",
    "Known drug allergy (e.g. to penicillin or amoxicillin)",
    "Allergy to medications including NSAIDs and opioids",
])
def test_drug_allergies_named_by_examples_are_any_drug_allergy(text):
    # the drugs named are examples: read as an allergy to them only, a documented allergy
    # to another drug would call the patient eligible
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "example" in (criterion.manual_reason or "")


@pytest.mark.parametrize("text", [
    "Known hypersensitivity to rituximab or other anti-CD20 antibodies",
    "Drug allergy to amoxicillin",
])
def test_an_allergy_to_named_drugs_still_reads(text):
    assert parse_criterion(text, "exclusion").kind == "allergy"
