"""Round-17 vocabulary gaps (issue 12): heart rate as a vital sign, back pain, and a
diagnosis group listed among other diagnoses.

- Heart rate (LOINC 8867-4) is read like the other vital signs: "resting heart rate > 100
  bpm" is the latest heart rate within the lookback against 100 beats per minute. Its unit
  family is beats per minute in the spellings registries and notes use (bpm, beats/min,
  /min, beats per minute). A fetal heart rate, heart rate variability, a limit that is not
  a number, and "HR" meaning a hormone receptor or "24 HR" meaning hours are not it.
- Back pain (SNOMED 161891005) and low back pain (SNOMED 279039007, which implies back
  pain) are conditions a patient has now: "Patient has low back pain" is a mention in the
  lookback. "Chronic", "non-specific", "secondary" low back pain, or one that must have
  lasted a stated time ("persistent ... of at least 1 month"), is left to a person.
- "HIV, viral hepatitis or tuberculosis": the diagnosis evaluator counts the members of a
  group it is given (concepts.jsonl "members"), so a note's "chronic hepatitis B" meets an
  exclusion of viral hepatitis; before, no note named the group and the exclusion was not
  met, a patient with hepatitis B called eligible.

Sentences are invented, in the shapes registries and clinic notes use.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status
from matcher.nlp.units import canonical_unit, normalize
from matcher.nlp.vocab import load_vocabulary

AS_OF = dt.date(2026, 11, 20)
NOTE_DAY = dt.date(2026, 11, 1)


def _status(criterion: Criterion, findings: list[Finding]) -> Status:
    dates = {f.note_id: f.date or AS_OF for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


def _note(text: str) -> list[Finding]:
    from matcher.api import parse_text

    return list(parse_text(text, NOTE_DAY))


# ------------------------------------------------------------------------------ heart rate
@pytest.mark.parametrize(
    ("text", "effect", "limits"),
    [
        ("Resting heart rate above 110 bpm", "exclusion", [(">", 110.0)]),
        ("Pulse rate < 50 beats per minute", "exclusion", [("<", 50.0)]),
        ("HR ≥ 120/min", "exclusion", [(">=", 120.0)]),
        ("HR >100 beats/min", "exclusion", [(">", 100.0)]),
        ("Heart rate between 45 and 105 beats/min", "inclusion", [(">=", 45.0), ("<=", 105.0)]),
        ("Heart rate of 50-100 bpm at screening", "inclusion", [(">=", 50.0), ("<=", 100.0)]),
    ],
)
def test_a_heart_rate_limit_is_read_as_a_vital_sign_in_beats_per_minute(text, effect, limits):
    criterion = parse_criterion(text, effect)
    assert criterion.kind == "vital", criterion.manual_reason
    groups = [criterion.params, *criterion.params.get("alternatives", [])]
    assert [(g["op"], g["value"]) for g in groups] == limits
    assert {a for g in groups for a in g["analytes"]} == {"lab.heart_rate"}
    assert {g["unit"] for g in groups} == {"/min"}


@pytest.mark.parametrize(
    "text",
    [
        "Fetal heart rate below 110 bpm",  # the baby's, not the patient's
        "Heart rate variability under 15 ms",  # a different measure
        "Medicines that slow the heart rate",  # no limit
        "Normal blood pressure and resting heart rate without medication",  # no number
        "Heart rate > 100 beats/min despite beta-blockers",  # a condition on treatment
        "Tachycardia with heart rate > 120 bpm",  # a diagnosis word not accounted for
    ],
)
def test_a_heart_rate_item_with_a_word_not_accounted_for_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind == "manual"


@pytest.mark.parametrize(
    "text",
    [
        "HR-positive breast cancer",  # hormone receptor
        "Hormone receptor (HR) positive breast cancer",
        "24 HR urine protein > 3 g",  # hours
    ],
)
def test_hr_that_means_something_else_is_never_a_heart_rate_limit(text):
    criterion = parse_criterion(text, "exclusion")
    assert "lab.heart_rate" not in str(criterion.params)


@pytest.mark.parametrize(
    ("written", "unit"),
    [("bpm", "/min"), ("beats/min", "/min"), ("beats per minute", "/min"), ("/min", "/min"),
     ("beats/minute", "/min"), ("mL/min", "mL/min")],
)
def test_beats_per_minute_in_its_spellings_is_one_unit(written, unit):
    assert canonical_unit(written) == unit


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(88, None, 88.0), (88, "bpm", 88.0), (2, None, None), (88, "mmHg", None)],
)
def test_a_heart_rate_without_a_unit_is_placed_only_in_a_plausible_range(value, unit, expected):
    placed = normalize("heart_rate", value, unit)
    assert (placed[0] if placed else None) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Vitals: BP 128/76, HR 112 bpm, SpO2 98% RA.", Status.MET),
        ("Pulse rate 72 beats/min, regular.", Status.NOT_MET),
        ("HR 64.", Status.NOT_MET),
        # none of these is the patient's heart rate
        ("24 HR urine protein 1.2 g.", Status.UNKNOWN),
        ("Fetal heart rate 150 bpm on CTG.", Status.UNKNOWN),
        ("Target heart rate 150 during cardiac rehab.", Status.UNKNOWN),
        ("Heart rate variability 45 ms on Holter.", Status.UNKNOWN),
    ],
)
def test_a_heart_rate_exclusion_is_decided_by_the_heart_rate_a_note_records(note, expected):
    criterion = parse_criterion("Resting heart rate > 100 bpm", "exclusion")
    assert _status(criterion, _note(note)) is expected


# ------------------------------------------------------------------------------- back pain
@pytest.mark.parametrize(
    ("text", "effect", "concept"),
    [
        ("Patient has low back pain", "inclusion", "dx.low_back_pain"),
        ("Subjects with lower back pain", "inclusion", "dx.low_back_pain"),
        ("Lumbago", "exclusion", "dx.low_back_pain"),
        ("Patients with preexisting back pain.", "exclusion", "dx.back_pain"),
        ("Backache", "exclusion", "dx.back_pain"),
    ],
)
def test_back_pain_in_its_spellings_is_a_condition_now(text, effect, concept):
    criterion = parse_criterion(text, effect)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["temporality"] == "current"


@pytest.mark.parametrize(
    "text",
    [
        "Chronic low back pain",  # how long is chronic: a person judges
        "Non-specific low back pain",
        "secondary low back pain",
        "Patients must have persistent low back pain of at least 1 month's duration.",
        "Low back pain associated with menstruation",
        "Currently seeking active treatment for low back pain",
        "Current neck/back pain or history of chronic neck/back pain",
    ],
)
def test_a_qualified_back_pain_is_left_to_a_person(text):
    # Read manual, or with the qualifier kept for a person ("judged": secondary): a note's
    # plain "low back pain" decides neither way.
    note = _note("Complains of low back pain for 2 weeks.")
    for effect in ("inclusion", "exclusion"):
        assert _status(parse_criterion(text, effect), note) is Status.MANUAL


@pytest.mark.parametrize(
    ("note", "low_back", "any_back"),
    [
        ("Complains of low back pain for 2 weeks.", Status.MET, Status.MET),
        ("Lumbago since lifting boxes last week.", Status.MET, Status.MET),
        # thoracic back pain is back pain, not low back pain
        ("Thoracic back pain after a fall.", Status.UNKNOWN, Status.MET),
        ("Denies back pain.", Status.UNKNOWN, Status.NOT_MET),
        ("No complaints today.", Status.UNKNOWN, Status.NOT_MET),
    ],
)
def test_a_back_pain_item_is_decided_by_the_pain_a_note_names(note, low_back, any_back):
    required = parse_criterion("Patient has low back pain", "inclusion")
    excluded = parse_criterion("Patients with preexisting back pain.", "exclusion")
    assert _status(required, _note(note)) is low_back
    assert _status(excluded, _note(note)) is any_back


# ---------------------------------------------------------------- a group in a diagnosis list
@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("Chronic hepatitis B, on entecavir.", Status.MET),
        ("Hepatitis C, genotype 1, on treatment.", Status.MET),
        ("Viral hepatitis, followed by hepatology.", Status.MET),
        ("Pulmonary tuberculosis on RIPE therapy.", Status.MET),
        ("No known liver disease.", Status.NOT_MET),
        ("Hepatitis B ruled out.", Status.NOT_MET),
    ],
)
def test_a_viral_hepatitis_exclusion_in_a_list_counts_hepatitis_b_and_c(note, expected):
    criterion = parse_criterion("HIV, viral hepatitis or tuberculosis", "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert "dx.viral_hepatitis" in criterion.params["concepts"]
    assert _status(criterion, _note(note)) is expected


def test_a_listed_diagnosis_without_members_still_counts_only_itself():
    criterion = parse_criterion("Hepatitis C, tuberculosis or malignancy", "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert _status(criterion, _note("Chronic hepatitis B, on entecavir.")) is Status.NOT_MET


@pytest.mark.parametrize(
    ("concept", "code"),
    [("lab.heart_rate", "LOINC:8867-4"), ("dx.back_pain", "SNOMED:161891005"),
     ("dx.low_back_pain", "SNOMED:279039007")],
)
def test_the_new_concepts_carry_their_standard_codes(concept, code):
    assert load_vocabulary()[concept].code == code


def test_a_drug_class_in_a_diagnosis_item_is_not_met_by_its_drugs():
    # Only a diagnosis group's members count: a drug class's members are drugs, and a
    # lidocaine order is no diagnosis.
    criterion = Criterion(id="exc-1", key="x", type="exclusion", text="local anaesthetics",
                          kind="diagnosis",
                          params={"concepts": ["class.local_anaesthetic"], "temporality": "ever"})
    assert _status(criterion, _note("Lidocaine 1% 5 mL infiltrated before the biopsy.")) \
        is Status.NOT_MET
