"""Qualifier words on a condition (issue 12): what the notes can decide of each.

- A degree or control word ("uncontrolled", "poorly controlled", "severe", "serious",
  "clinically significant", "unstable", "major") says the condition holds NOW and names a
  judgement the notes rarely state: with no window and no history word the criterion is
  current (the 90-day lookback), and only the absence decides (a documented condition is
  manual, naming the word).
- "Chronic" ("chronic liver disease", "chronic infections") is the long-standing form of
  the condition now: current, judged, and `long_standing`: a condition documented before
  the lookback is never read as its absence.
- "Presence of", "existence of", "at study entry" are the state now.
- "Known or suspected X": a suspicion the notes record (an uncertain mention) is left to a
  person, never read as the absence (`suspected`).

The sentences are our own wordings, as other sponsors would write them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.params import validate
from matcher.criteria.render import reading
from matcher.criteria.temporality import load_temporality
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import LOOKBACK_DAYS, Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.test_criteria_temporality import AS_OF, OLD, RECENT, evaluated, finding

CURRENT = {"temporality": "current", "window_days": LOOKBACK_DAYS}
EVER = {"temporality": "ever", "window_days": None}


def subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k) for k in expected}  # a missing key reads None here


# ============================================================================ reading

# (text, concepts, judged, params subset)
NOW_AND_JUDGED: list[tuple[str, list[str], list[str], dict[str, Any]]] = [
    ("Uncontrolled infections", ["dx.infection"], ["uncontrolled"], CURRENT),
    ("Poorly controlled diabetes mellitus", ["dx.diabetes"], ["poorly controlled"], CURRENT),
    ("Diabetes that is not well controlled", ["dx.diabetes"], ["not well controlled"],
     CURRENT),
    ("Clinically significant infection", ["dx.infection"], ["clinically significant"],
     CURRENT),
    ("Unstable diabetes", ["dx.diabetes"], ["unstable"], CURRENT),
    ("Uncontrolled psychiatric illness", ["dx.psychiatric"], ["uncontrolled"], CURRENT),
    ("Serious infections", ["dx.infection"], ["serious"], CURRENT),
    ("Any serious infection, e.g. sepsis", ["dx.active_infection"], ["serious"], CURRENT),
    ("Unstable liver disease", ["dx.liver_disease"], ["unstable"], CURRENT),
    ("Progressive liver disease", ["dx.liver_disease"], ["progressive"], CURRENT),
    # the long-standing form of the condition now
    ("Chronic liver disease", ["dx.liver_disease"], ["chronic"],
     {**CURRENT, "long_standing": True}),
    ("Severe chronic liver disease", ["dx.liver_disease"], ["severe", "chronic"],
     {**CURRENT, "long_standing": True}),
    ("Patients with chronic infections", ["dx.chronic_infection"], ["chronic"],
     {**CURRENT, "long_standing": True}),
    ("Clinically significant active infection, including ongoing and chronic infections",
     ["dx.active_infection", "dx.chronic_infection"],
     ["clinically significant", "active", "ongoing", "chronic"], CURRENT),
    # a word that asks for the past, or a window, still decides when
    ("History of uncontrolled diabetes", ["dx.diabetes"], ["uncontrolled"], EVER),
    ("Past history of a serious infection", ["dx.active_infection"], ["serious"], EVER),
    ("Clinically significant infection within 30 days of screening", ["dx.infection"],
     ["clinically significant"], {"temporality": "within", "window_days": 30}),
    ("Existence of clinically significant infection within 1 month before screening",
     ["dx.infection"], ["clinically significant"],
     {"temporality": "within", "window_days": 30}),
    # a course over time is not a state now
    ("Recurrent infections", ["dx.infection"], ["recurrent"], EVER),
]


@pytest.mark.parametrize(("text", "concepts", "judged", "params"), NOW_AND_JUDGED)
def test_a_degree_or_control_word_is_the_state_now_and_names_the_judgement(
    text, concepts, judged, params
):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["judged"] == judged
    assert subset(criterion.params, params) == params


@pytest.mark.parametrize(
    ("text", "concepts", "judged"),
    [
        # the time of the trial's start is the state now
        ("Systemic infection requiring therapy at study entry", ["dx.active_infection"],
         ["requiring therapy", "present at study entry"]),
        ("Infection at screening", ["dx.infection"], ["present at screening"]),
        ("Diabetes mellitus at the screening visit", ["dx.diabetes"],
         ["present at the screening visit"]),
    ],
)
def test_at_study_entry_names_the_state_now(text, concepts, judged):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert subset(criterion.params, CURRENT) == CURRENT
    assert criterion.params["judged"] == judged


@pytest.mark.parametrize(
    ("text", "concepts"),
    [
        ("Presence of rapidly progressive glomerulonephritis", ["dx.rpgn"]),
        ("Rapidly progressive glomerulonephritis", ["dx.rpgn"]),
        ("Crescentic glomerulonephritis", ["dx.rpgn"]),
    ],
)
def test_a_rapidly_progressive_glomerulonephritis_is_the_state_now(text, concepts):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert subset(criterion.params, CURRENT) == CURRENT


def test_a_past_rapidly_progressive_glomerulonephritis_stays_ever():
    criterion = parse_criterion("History of rapidly progressive glomerulonephritis", "exclusion")
    assert subset(criterion.params, EVER) == EVER


@pytest.mark.parametrize(
    ("text", "concepts", "params"),
    [
        ("Known or suspected infection in the past 3 months", ["dx.infection"],
         {"temporality": "within", "window_days": 91}),
        # named with no time word in an exclusion: the disease now
        ("Documented or suspected liver disease", ["dx.liver_disease"], CURRENT),
        ("Suspected or confirmed tuberculosis", ["dx.tuberculosis"], CURRENT),
        # a dependence is a state: named bare, known or suspected, it is the state now
        ("Known or suspected drug or alcohol abuse", ["dx.substance_abuse"], CURRENT),
        ("Clinical suspicion of an active infection", ["dx.active_infection"], CURRENT),
    ],
)
def test_known_or_suspected_counts_a_recorded_suspicion(text, concepts, params):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["suspected"] is True
    assert subset(criterion.params, params) == params


def test_a_disease_name_holding_a_severity_word_stays_not_understood():
    # "severe combined immunodeficiency" is one disease, not a severe immunodeficiency:
    # the rest of the name is no term of the same condition, so nothing is judged.
    criterion = parse_criterion("Severe combined immunodeficiency", "exclusion")
    assert not criterion.params.get("judged")


# ============================================================================ evaluation


def crit(concepts: list[str], type_: str = "exclusion", **params: Any) -> Criterion:
    params = {"concepts": concepts, "system": None, "ruled_out_not_met": type_ == "inclusion",
              **params}  # fmt: skip
    validate("diagnosis", params)
    return Criterion(id="c-1", key="k", type=type_, text="t", kind="diagnosis", params=params)


UNCONTROLLED_INFECTION = crit(["dx.infection"], temporality="current",
                              window_days=LOOKBACK_DAYS, judged=["uncontrolled"])
CHRONIC_INFECTION = crit(["dx.chronic_infection"], temporality="current",
                         window_days=LOOKBACK_DAYS, judged=["chronic"], long_standing=True,
                         screen_concepts=["dx.infection"])
SUSPECTED_INFECTION = crit(["dx.infection"], temporality="within", window_days=91,
                           suspected=True)
SUSPECTED_LIVER = crit(["dx.liver_disease"], suspected=True)


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        # the absence decides; the condition documented leaves its degree to a person
        (UNCONTROLLED_INFECTION, [], Status.NOT_MET),
        (UNCONTROLLED_INFECTION, [finding("dx.infection", RECENT)], Status.MANUAL),
        # an infection long ago is not an uncontrolled infection now, but may still be one
        (UNCONTROLLED_INFECTION, [finding("dx.infection", OLD)], Status.UNKNOWN),
        # a long-standing condition documented before the lookback is no absence
        (CHRONIC_INFECTION, [], Status.NOT_MET),
        (CHRONIC_INFECTION, [finding("dx.infection", RECENT)], Status.MANUAL),
        (CHRONIC_INFECTION, [finding("dx.hbv", OLD)], Status.UNKNOWN),
        # a suspicion recorded in the window is left to a person
        (SUSPECTED_INFECTION, [], Status.NOT_MET),
        (SUSPECTED_INFECTION, [finding("dx.infection", RECENT)], Status.MET),
        (SUSPECTED_INFECTION, [finding("dx.infection", RECENT, Assertion.UNCERTAIN)],
         Status.MANUAL),
        (SUSPECTED_INFECTION, [finding("dx.infection", OLD, Assertion.UNCERTAIN)],
         Status.NOT_MET),
        (SUSPECTED_LIVER, [finding("dx.liver_disease", OLD, Assertion.UNCERTAIN)],
         Status.MANUAL),
        (SUSPECTED_LIVER, [finding("dx.liver_disease", OLD, Assertion.NEGATED)],
         Status.NOT_MET),
    ],
)
def test_a_qualified_condition_decides_only_what_the_notes_can_tell(criterion, findings,
                                                                    expected):  # fmt: skip
    assert evaluated(criterion, *findings).status is expected


def test_a_manual_result_names_the_qualifier_and_keeps_the_evidence():
    result = evaluated(UNCONTROLLED_INFECTION, finding("dx.infection", RECENT))
    assert "uncontrolled" in result.reason and result.evidence
    suspected = evaluated(SUSPECTED_INFECTION,
                          finding("dx.infection", RECENT, Assertion.UNCERTAIN))
    assert "suspect" in suspected.reason and suspected.evidence
    chronic = evaluated(CHRONIC_INFECTION, finding("dx.hbv", OLD))
    assert "long-standing" in chronic.reason and chronic.evidence


@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    return NoteParser(build_pipeline())


def timeline_of(note_parser: NoteParser, notes: list[tuple[str, int]]):
    """The timeline of notes written (text, days before AS_OF)."""
    findings: list[Finding] = []
    dates: dict[str, dt.date] = {}
    for index, (text, days_ago) in enumerate(notes):
        dates[f"n{index}"] = AS_OF - dt.timedelta(days=days_ago)
        findings += note_parser.parse(text, f"n{index}", dates[f"n{index}"])
    return build_timeline(Patient("P1", None), findings, dates, AS_OF)


@pytest.mark.parametrize(
    ("criterion_text", "note", "expected"),
    [
        ("Known or suspected infection in the past 3 months",
         "Suspected urinary tract infection, urine culture sent.", Status.MANUAL),
        ("Known or suspected infection in the past 3 months",
         "Well, no complaints today.", Status.NOT_MET),
        ("Uncontrolled infections", "Urinary tract infection, started nitrofurantoin.",
         Status.MANUAL),
        ("Uncontrolled infections", "History of urinary tract infection in 2015.",
         Status.NOT_MET),
    ],
)
def test_a_note_sentence_decides_a_qualified_condition(note_parser, criterion_text, note,
                                                       expected):  # fmt: skip
    timeline = timeline_of(note_parser, [(note, 20)])
    assert evaluate(parse_criterion(criterion_text, "exclusion"), timeline).status is expected


# ============================================================================ rendering


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (UNCONTROLLED_INFECTION, ["infection", "current", "only its absence is decided",
                                  "uncontrolled"]),
        (CHRONIC_INFECTION, ["long-standing", "before then"]),
        (SUSPECTED_INFECTION, ["suspicion", "91 days"]),
    ],
)
def test_the_plain_words_reading_says_what_is_decided_and_what_a_person_checks(criterion,
                                                                               words):  # fmt: skip
    text = reading(criterion)
    for word in words:
        assert word in text, text


# ============================================================================ the data


def test_the_packaged_qualifier_data_loads():
    rules = load_temporality()
    assert ("uncontrolled",) in rules.judged_current
    assert ("chronic",) in rules.long_standing
    assert rules.suspected.search("known or suspected infection")




def test_at_study_entry_beside_another_conditions_window_stays_not_understood():
    # two times, two conditions: which goes with which is not read
    criterion = parse_criterion(
        "History of malignancy within the past 2 years; infection requiring therapy at "
        "study entry", "exclusion")
    assert criterion.kind == "manual"
    assert "entry" in (criterion.manual_reason or "")


@pytest.mark.parametrize(
    ("text", "concepts", "params", "judged"),
    [
        ("Current diagnosis of a severe psychiatric disorder", ["dx.psychiatric"], CURRENT,
         ["current", "severe"]),
        ("Current episode of psychosis", ["dx.psychosis"], CURRENT, ["current"]),
        # now or ever, side by side, qualify every condition after them: ever
        ("Lifetime or current diagnosis of psychosis or substance abuse",
         ["dx.psychosis", "dx.substance_abuse"], EVER, None),
        ("Past or current psychosis or substance abuse",
         ["dx.psychosis", "dx.substance_abuse"], EVER, None),
        ("Lifetime history of psychiatric illness", ["dx.psychiatric"], EVER, None),
    ],
)
def test_a_time_phrase_before_the_condition_reads_now_or_ever(text, concepts, params, judged):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert subset(criterion.params, params) == params
    assert criterion.params.get("judged") == judged


@pytest.mark.parametrize(
    ("text", "concepts", "params"),
    [
        # the history word reaches over the current word and every condition after it
        ("Known or suspected history of an ongoing, chronic or recurrent infection, such as "
         "tuberculosis", ["dx.chronic_infection", "dx.tuberculosis"], EVER),
        # the condition's own name says "chronic": the word is never lost
        ("Chronic or recurrent infections", ["dx.chronic_infection"],
         {**CURRENT, "long_standing": True}),
    ],
)
def test_a_chronic_infection_named_with_its_course_is_read(text, concepts, params):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["judged"] == ["chronic"]
    assert subset(criterion.params, params) == params


def test_a_current_word_after_another_condition_still_stays_not_understood():
    criterion = parse_criterion("History of tuberculosis or ongoing dialysis", "exclusion")
    assert criterion.kind == "manual"
    assert '"ongoing"' in (criterion.manual_reason or "")


# ============================================================== a suspected pregnancy


@pytest.mark.parametrize("text", ["Pregnant or suspected pregnancy",
                                  "Known or suspected pregnancy",
                                  "Women who are pregnant or suspect they may be pregnant"])
def test_a_suspected_pregnancy_is_read_as_a_current_state_a_suspicion_counts(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "pregnancy", criterion.manual_reason
    assert criterion.params["states"] == ["dx.pregnancy"]
    assert criterion.params["suspected"] is True
    assert "suspicion" in reading(criterion)


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ([("Suspected pregnancy, beta-hCG ordered.", 10)], Status.MANUAL),
        ([("Possible early pregnancy; urine hCG pending.", 10)], Status.MANUAL),
        # a later negative test settles the suspicion
        ([("Suspected pregnancy, beta-hCG ordered.", 20),
          ("Not pregnant: serum beta-hCG negative.", 10)], Status.NOT_MET),
        # a suspicion long ago is no pregnancy now
        ([("Suspected pregnancy, beta-hCG ordered.", 400)], Status.NOT_MET),
        ([("Pregnant, 10 weeks.", 10)], Status.MET),
        ([("Seen for joint pain.", 10)], Status.NOT_MET),
    ],
)
def test_a_suspected_pregnancy_in_the_notes_is_left_to_a_person(note_parser, notes, expected):
    timeline = timeline_of(note_parser, notes)
    criterion = parse_criterion("Pregnant or suspected pregnancy", "exclusion")
    assert evaluate(criterion, timeline).status is expected


@pytest.mark.parametrize("text", ["Severe myocarditis with congestive heart failure",
                                  "Chronic liver disease with renal failure",
                                  "Known or suspected cirrhosis with hepatic failure"])
def test_a_qualified_condition_narrowed_by_another_is_never_a_list(text):
    # read as a list, a patient with heart failure alone would be excluded
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert "('with')" in (criterion.manual_reason or "")


def test_acute_or_chronic_names_both_courses_and_judges_neither():
    criterion = parse_criterion("Acute or chronic pancreatitis", "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["dx.pancreatitis"]
    assert subset(criterion.params, CURRENT) == CURRENT
    assert not criterion.params.get("judged")
    # documented in the lookback: it decides, there is no degree to judge
    assert evaluated(criterion, finding("dx.pancreatitis", RECENT)).status is Status.MET
