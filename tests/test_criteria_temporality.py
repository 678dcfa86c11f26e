"""Temporality and judged qualifiers of diagnosis and procedure criteria (issue 12,
REGISTRY.md mechanisms #1, #3, #4).

- "Active / current / ongoing / currently requiring / -dependent" name a CURRENT state: the
  criterion reads `temporality: current` with the 90-day lookback, and a past mention
  ("history of TB", a dialysis course years ago) never satisfies it.
- "History of / previous / prior" is ever; "within N" a window.
- A qualifier the notes cannot decide ("severe", "uncontrolled", "clinically significant",
  "requiring therapeutic intervention", the activity of a disease that flares and remits)
  lets the criterion decide only the absence case: when the condition is documented the
  result is `manual` and the reason names the qualifier.
- "Newly diagnosed" and "persistent" stay manual with a reason that says why.

The sentences are our own wordings, as other sponsors would write them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.render import reading
from matcher.criteria.temporality import load_temporality, read_temporality_rules
from matcher.errors import VocabularyError
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import LOOKBACK_DAYS, Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 10, 30)  # inside the 90-day lookback
OLD = dt.date(2024, 3, 1)  # long before it


def subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k, "<missing>") for k in expected}


# ============================================================================ reading

CURRENT = {"temporality": "current", "window_days": LOOKBACK_DAYS}

# (section, text, concepts, params subset)
CURRENT_STATES: list[tuple[str, str, list[str], dict[str, Any]]] = [
    ("exclusion", "Active tuberculosis at screening", ["dx.tuberculosis"], CURRENT),
    ("exclusion", "Currently active TB", ["dx.tuberculosis"], CURRENT),
    ("exclusion", "Ongoing pulmonary tuberculosis", ["dx.tuberculosis"], CURRENT),
    ("exclusion", "Patients currently on haemodialysis", ["proc.dialysis"], CURRENT),
    ("exclusion", "Currently requiring renal dialysis (haemodialysis or peritoneal dialysis)",
     ["proc.dialysis"], CURRENT),
    ("exclusion", "Dialysis-dependent", ["proc.dialysis"], CURRENT),
    ("exclusion", "Subjects who are dialysis dependent", ["proc.dialysis"], CURRENT),
    ("exclusion", "Requiring dialysis at screening", ["proc.dialysis"], CURRENT),
    ("exclusion", "Current drug or alcohol abuse", ["dx.substance_abuse"], CURRENT),
]


@pytest.mark.parametrize(("section", "text", "concepts", "params"), CURRENT_STATES)
def test_a_current_state_reads_as_the_lookback_not_ever(section, text, concepts, params):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert subset(criterion.params, params) == params
    assert not criterion.params.get("judged")  # nothing for a person to judge


# (section, text, concepts, judged qualifiers, params subset)
JUDGED: list[tuple[str, str, list[str], list[str], dict[str, Any]]] = [
    # the activity of a disease that flares and remits is not shown by a mention
    ("exclusion", "Active neuropsychiatric lupus", ["dx.cns_lupus"], ["active"], CURRENT),
    ("exclusion", "Ongoing CNS lupus", ["dx.cns_lupus"], ["ongoing"], CURRENT),
    ("inclusion", "Active SLE disease", ["dx.sle"], ["active"], CURRENT),
    ("exclusion", "Severe active lupus nephritis", ["dx.lupus_nephritis"],
     ["severe", "active"], CURRENT),
    ("exclusion", "Active, severe or unstable NPSLE", ["dx.cns_lupus"],
     ["active", "severe", "unstable"], CURRENT),
    ("exclusion", "Active CNS lupus needing therapeutic intervention within the last 8 weeks",
     ["dx.cns_lupus"], ["active", "needing therapeutic intervention"],
     {"temporality": "within", "window_days": 56}),
    # severity on a condition judged ever or in a window
    # a degree or control word is the state now (test_criteria_qualifiers)
    ("exclusion", "Uncontrolled substance abuse", ["dx.substance_abuse"],
     ["uncontrolled"], {"temporality": "current", "window_days": LOOKBACK_DAYS}),
    ("exclusion", "History of unstable psychiatric illness", ["dx.psychiatric"], ["unstable"],
     {"temporality": "ever"}),
    ("exclusion", "Uncontrolled diabetes mellitus", ["dx.diabetes"], ["uncontrolled"],
     {"temporality": "current"}),
    ("exclusion", "Recurrent venous thromboembolism", ["dx.thromboembolism"], ["recurrent"],
     {"temporality": "ever"}),
    ("exclusion", "Progressive liver disease", ["dx.liver_disease"], ["progressive"],
     {"temporality": "current"}),
    ("exclusion", "Uncontrolled psychiatric disorder within the past year", ["dx.psychiatric"],
     ["uncontrolled"], {"temporality": "within", "window_days": 365}),
]


@pytest.mark.parametrize(("section", "text", "concepts", "judged", "params"), JUDGED)
def test_a_qualifier_the_notes_cannot_decide_is_named_in_params(
    section, text, concepts, judged, params
):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["judged"] == judged
    assert subset(criterion.params, params) == params


EVER: list[tuple[str, str, list[str]]] = [
    ("exclusion", "History of tuberculosis", ["dx.tuberculosis"]),
    ("exclusion", "A previous organ transplant", ["dx.transplant"]),
    ("exclusion", "Prior splenectomy", ["proc.splenectomy"]),
    ("exclusion", "Known history of substance abuse", ["dx.substance_abuse"]),
    ("exclusion", "Past history of dialysis", ["proc.dialysis"]),
    # either one counts: the union of now and ever is ever
    ("exclusion", "Active or past tuberculosis", ["dx.tuberculosis"]),
    ("exclusion", "Current or previous dialysis", ["proc.dialysis"]),
    ("exclusion", "Current/prior substance abuse", ["dx.substance_abuse"]),
    ("exclusion", "History of active tuberculosis", ["dx.tuberculosis"]),
]


@pytest.mark.parametrize(("section", "text", "concepts"), EVER)
def test_history_of_reads_as_ever(section, text, concepts):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["temporality"] == "ever"
    assert criterion.params.get("window_days") is None
    assert not criterion.params.get("judged")


def test_a_current_item_under_a_history_heading_is_ever():
    # "Current or medical history of:" + "Active tuberculosis": now or in the past.
    body = ("Exclusion Criteria:\n* Current or past medical history of:\n"
            "  * Active tuberculosis\n  * Unstable psychiatric illness\n")
    tb, psych = parse_eligibility_text(body)
    assert (tb.kind, tb.params["temporality"], tb.params.get("judged")) == (
        "diagnosis", "ever", None)
    assert (psych.params["temporality"], psych.params["judged"]) == ("ever", ["unstable"])


# (section, text, words the reason must name)
STAY_MANUAL: list[tuple[str, str, str]] = [
    ("inclusion", "Newly diagnosed lupus nephritis", "newly diagnosed"),
    ("inclusion", "Patients with a new diagnosis of SLE", "new diagnosis"),
    ("exclusion", "Persistent lupus nephritis", "persistent"),
    ("inclusion", "Recently diagnosed SLE", "recently"),
]


@pytest.mark.parametrize(("section", "text", "named"), STAY_MANUAL)
def test_an_undecidable_time_qualifier_stays_manual_and_says_why(section, text, named):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "manual"
    assert named in (criterion.manual_reason or "")


@pytest.mark.parametrize(
    ("section", "text", "concepts"),
    [
        # "current" names the edition of the criteria, not a state of the disease
        ("inclusion", "Diagnosis of SLE according to the current ACR criteria", ["dx.sle"]),
        ("inclusion", "Lupus per the current SLICC classification criteria", ["dx.sle"]),
    ],
)
def test_a_time_or_degree_word_that_qualifies_something_else_changes_nothing(
    section, text, concepts
):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params["temporality"] == "ever"
    assert not criterion.params.get("judged")


@pytest.mark.parametrize(
    ("section", "text", "word"),
    [
        # which time goes with which condition is not read: never "current" for both
        ("exclusion", "History of tuberculosis or current dialysis", "current"),
        # now, or ever? "current history" does not say
        ("exclusion", "Current history of alcohol abuse", "Current"),
        # "current" far from any condition qualifies nothing the reader knows
        ("exclusion", "Tuberculosis, as shown by the current chest X-ray", "current"),
        # pregnancy is the pregnancy kind's current state, not read here
        ("exclusion", "Active pregnancy", "Active"),
    ],
)
def test_a_time_word_the_reader_cannot_place_stays_not_understood(section, text, word):
    criterion = parse_criterion(text, section)
    assert criterion.kind == "manual"
    assert f'"{word}"' in (criterion.manual_reason or "")


def test_a_term_qualifier_inside_a_disease_name_is_not_a_severity():
    # "severe combined immunodeficiency" names one disease: "severe" is part of the
    # name, so nothing is judged, and the item is still not read as bare immunodeficiency
    # with a severity the evaluator would honour.
    criterion = parse_criterion("Severe combined immunodeficiency", "exclusion")
    assert not criterion.params.get("judged")


# ============================================================== own condition and lupus


@pytest.mark.parametrize(
    "text",
    ["Active severe lupus nephritis", "Severe lupus nephritis", "Active lupus nephritis",
     "Lupus nephritis"],
)
def test_a_qualified_own_condition_never_excludes_the_trial_population(text):
    # In a lupus-nephritis trial no reading may exclude lupus nephritis, qualified or not.
    body = f"Inclusion Criteria:\n- Biopsy-proven lupus nephritis class III or IV\n" \
           f"Exclusion Criteria:\n- {text}\n"
    criteria = parse_eligibility_text(body, about=["A study in lupus nephritis"])
    (exclusion,) = [c for c in criteria if c.type == "exclusion"]
    assert exclusion.kind == "manual"
    assert (exclusion.manual_reason or "").startswith("guard: ")
    assert "lupus nephritis" in (exclusion.manual_reason or "")


@pytest.mark.parametrize(
    ("text", "judged"),
    [("Active severe lupus nephritis", ["active", "severe"]),
     ("Severe active CNS lupus", ["severe", "active"]),
     ("Active SLE", ["active"])],
)
def test_a_qualified_lupus_phrase_never_falls_back_to_the_bare_condition(text, judged):
    # In a trial of another disease the exclusion reads with its qualifiers, and never
    # as the bare diagnosis ("any lupus nephritis ever").
    criterion = parse_criterion(text, "exclusion", about=["A study in IgA nephropathy"])
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["judged"] == judged
    assert criterion.params["temporality"] == "current"


# ============================================================================ evaluation


def finding(concept: str, date: dt.date, assertion: Assertion = Assertion.AFFIRMED,
            note: str = "n1") -> Finding:
    category = "procedure" if concept.startswith("proc.") else "diagnosis"
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=assertion, date=date, date_source="text")


def evaluated(criterion: Criterion, *findings: Finding):
    dates = {f.note_id: f.date or AS_OF for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline)


def crit(type_: str, concepts: list[str], **params: Any) -> Criterion:
    return Criterion(id="c-1", key="k", type=type_, text="t", kind="diagnosis",
                     params={"concepts": concepts, "system": None,
                             "ruled_out_not_met": type_ == "inclusion", **params})


CURRENT_DIALYSIS = crit("exclusion", ["proc.dialysis"], temporality="current",
                        window_days=LOOKBACK_DAYS)
ACTIVE_TB = crit("exclusion", ["dx.tuberculosis"], temporality="current",
                 window_days=LOOKBACK_DAYS)
ACTIVE_SEVERE_LN = crit("exclusion", ["dx.lupus_nephritis"], temporality="current",
                        window_days=LOOKBACK_DAYS, judged=["active", "severe"])
SEVERE_PSYCH_EVER = crit("exclusion", ["dx.psychiatric"], temporality="ever",
                         judged=["severe"])
ACTIVE_SLE_REQUIRED = crit("inclusion", ["dx.sle"], temporality="current",
                           window_days=LOOKBACK_DAYS, judged=["active"])


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        # a current state: documented in the lookback, and not as past history
        (CURRENT_DIALYSIS, [finding("proc.dialysis", RECENT)], Status.MET),
        (CURRENT_DIALYSIS, [], Status.NOT_MET),
        (CURRENT_DIALYSIS, [finding("proc.dialysis", RECENT, Assertion.HISTORICAL)],
         Status.NOT_MET),
        (CURRENT_DIALYSIS, [finding("proc.dialysis", RECENT, Assertion.NEGATED)],
         Status.NOT_MET),
        # a course long ago may or may not still go on: a person checks
        (CURRENT_DIALYSIS, [finding("proc.dialysis", OLD)], Status.UNKNOWN),
        (ACTIVE_TB, [finding("dx.tuberculosis", OLD, Assertion.HISTORICAL)], Status.NOT_MET),
        (ACTIVE_TB, [finding("dx.tuberculosis", RECENT)], Status.MET),
        # judged: only the absence is decided
        (ACTIVE_SEVERE_LN, [], Status.NOT_MET),
        (ACTIVE_SEVERE_LN, [finding("dx.lupus_nephritis", RECENT)], Status.MANUAL),
        (ACTIVE_SEVERE_LN, [finding("dx.lupus_nephritis", OLD)], Status.UNKNOWN),
        (SEVERE_PSYCH_EVER, [], Status.NOT_MET),
        (SEVERE_PSYCH_EVER, [finding("dx.psychiatric", OLD)], Status.MANUAL),
        (ACTIVE_SLE_REQUIRED, [finding("dx.sle", RECENT)], Status.MANUAL),
        (ACTIVE_SLE_REQUIRED, [finding("dx.sle", RECENT, Assertion.NEGATED)], Status.NOT_MET),
    ],
)
def test_a_current_or_judged_diagnosis_evaluates_safely(criterion, findings, expected):
    assert evaluated(criterion, *findings).status is expected


def test_a_judged_result_names_the_qualifier_and_keeps_the_evidence():
    result = evaluated(ACTIVE_SEVERE_LN, finding("dx.lupus_nephritis", RECENT))
    assert "active" in result.reason and "severe" in result.reason
    assert result.evidence  # the mention a person reads to judge it


def test_the_evaluator_reads_a_parsed_current_state_end_to_end():
    criterion = parse_criterion("Currently requiring haemodialysis", "exclusion")
    assert evaluated(criterion, finding("proc.dialysis", OLD)).status is Status.UNKNOWN
    assert evaluated(criterion, finding("proc.dialysis", RECENT)).status is Status.MET


# ============================================================ biopsy-confirmed activity


@pytest.mark.parametrize(
    ("text", "judged"),
    [("Kidney biopsy confirmed active lupus nephritis", ["active"]),
     ("Renal biopsy-proven, currently active lupus nephritis", ["currently", "active"]),
     ("Severe lupus nephritis proven on kidney biopsy", ["severe"])],
)
def test_biopsy_confirmed_activity_with_no_class_is_judged(text, judged):
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert criterion.params["classes"] == ["I", "II", "III", "IV", "V", "VI"]
    assert criterion.params["judged"] == judged


def test_an_active_class_stays_the_class_not_a_judgement():
    # "active class III or IV" is judged on the class (the proliferative classes)
    criterion = parse_criterion("Active lupus nephritis, biopsy class III or IV", "inclusion")
    assert criterion.kind == "biopsy"
    assert criterion.params["classes"] == ["III", "IV"]
    assert not criterion.params.get("judged")


def biopsy(classes: list[str], date: dt.date = RECENT) -> Finding:
    return Finding(concept="biopsy.kidney", category="biopsy", note_id="b", start=0, end=4,
                   text="text", date=date, date_source="text", attrs={"classes": classes})


ACTIVE_LN_ON_BIOPSY = Criterion(
    id="c-1", key="biopsy", type="inclusion", text="t", kind="biopsy",
    params={"classes": ["I", "II", "III", "IV", "V", "VI"], "allowed_with": [],
            "window_days": None, "judged": ["active"]})


def test_a_biopsy_criterion_with_judged_activity_decides_only_without_lupus_nephritis():
    assert evaluated(ACTIVE_LN_ON_BIOPSY).status is Status.UNKNOWN  # no biopsy yet
    shown = evaluated(ACTIVE_LN_ON_BIOPSY, biopsy(["IV"]))
    assert shown.status is Status.MANUAL and "active" in shown.reason
    assert "active" in reading(ACTIVE_LN_ON_BIOPSY)


# ============================================================ from the note to the verdict


@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    # The pipeline built from the packaged data, as the other NLP tests do.
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(
    ("criterion_text", "note", "expected"),
    [
        ("Currently requiring renal dialysis", "She remains on renal dialysis three times a week.",
         Status.MET),
        ("Currently requiring renal dialysis", "Previously on haemodialysis in 2019, now off.",
         Status.NOT_MET),
        ("Active tuberculosis", "History of tuberculosis, treated in 2015.", Status.NOT_MET),
        ("Active tuberculosis", "Active pulmonary tuberculosis, started on treatment.",
         Status.MET),
        ("Severe active lupus kidney disease", "Lupus nephritis class IV, proteinuria 3 g/day.",
         Status.MANUAL),
    ],
)
def test_a_note_sentence_decides_a_current_or_judged_criterion(
    note_parser, criterion_text, note, expected
):
    written = AS_OF - dt.timedelta(days=20)
    findings = note_parser.parse(note, "n1", written)
    timeline = build_timeline(Patient("P1", None), findings, {"n1": written}, AS_OF)
    criterion = parse_criterion(criterion_text, "exclusion")
    assert evaluate(criterion, timeline).status is expected


# ============================================================================ rendering


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        (CURRENT_DIALYSIS, ["dialysis", "current", f"{LOOKBACK_DAYS} days"]),
        (ACTIVE_SEVERE_LN, ["lupus nephritis", "current", "only its absence is decided",
                            "active and severe"]),
        (SEVERE_PSYCH_EVER, ["psychiatric illness", "at any time", "severe"]),
    ],
)
def test_the_plain_words_reading_says_current_and_what_a_person_judges(criterion, words):
    text = reading(criterion)
    for word in words:
        assert word in text, text


# ============================================================================ the data


def test_the_packaged_temporality_data_loads():
    rules = load_temporality()
    assert "active" in rules.current_words
    assert "proc.dialysis" in rules.state_concepts


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(colour=1), "colour"),
        (lambda d: d["state_concepts"].append("dx.no_such_thing"), "state_concepts"),
        (lambda d: d["judged"].append("severe"), "judged"),
        (lambda d: d["current"].append("the"), "current"),
        (lambda d: d.pop("judged"), "judged"),
        # a word that is the state now must be a judgement too (test_criteria_qualifiers)
        (lambda d: d["judged_current"].append("lingering"), "judged_current"),
        (lambda d: d["long_standing"].append("lingering"), "long_standing"),
        (lambda d: d["suspected"].append("active"), "suspected"),
        (lambda d: d.pop("suspected"), "suspected"),
    ],
)
def test_bad_temporality_data_is_refused_naming_the_key(change, field):
    data = json.loads(json.dumps(load_temporality().source))
    change(data)
    with pytest.raises(VocabularyError) as caught:
        read_temporality_rules(json.dumps(data), load_vocabulary())
    assert field in str(caught.value)


@pytest.mark.parametrize(("text", "temporality"), [
    # a current state read by the condition reader is the state now, never any time ever
    ("Currently nursing", "current"),
    ("(2) pregnancy or breastfeeding", "current"),
    ("4. Pregnant women", "current"),
    ("Women with a history of previous pregnancy", "ever"),
    # a standing state in the vocabulary (current_unless_history)
    ("The patient is on dialysis.", "current"),
    ("Hemodynamic instability", "current"),
    # "unstable" is part of the state's own name, not a degree a person judges
    ("Hemodynamically unstable patients", "current"),
    ("History of dialysis", "ever"),
    # a phobia, a dependence, a sleep disorder: conditions a patient is in, named bare in an
    # exclusion, are the state now; "history of" asks for the past
    ("Claustrophobia", "current"),
    ("Patients who are claustrophobic", "current"),
    ("History of claustrophobia", "ever"),
    ("Substance abuse or dependence", "current"),
    ("Alcohol or drug abuse", "current"),
    ("Patients with drug or alcohol abuse", "current"),
    ("History of drug or alcohol abuse", "ever"),
    ("Insomnia", "current"),
    ("History of insomnia", "ever"),
])
def test_a_state_named_without_a_history_word_is_the_state_now(text: str, temporality: str
                                                               ) -> None:  # fmt: skip
    criterion = parse_criterion(text, "exclusion")
    assert criterion.manual_reason is None
    assert criterion.params.get("temporality", "ever") == temporality
    assert not criterion.params.get("judged")


# ===================================================== a bare condition of an exclusion

# (text, concepts, temporality, lifelong): a disease an exclusion names with no time word
# is the disease now (a mention in the lookback decides, an older one is for a person,
# or still holds for a disease that does not resolve); "pre-existing" is there at the
# trial's start, not any time ever; an event ("myocardial infarction") named bare is ever,
# and "history of" asks for the past.
BARE_EXCLUSIONS: list[tuple[str, list[str], str, list[str]]] = [
    ("Pre-existing hypertension", ["dx.hypertension"], "current", ["dx.hypertension"]),
    ("Patients with diabetes mellitus", ["dx.diabetes"], "current", ["dx.diabetes"]),
    ("Hypertension", ["dx.hypertension"], "current", ["dx.hypertension"]),
    ("celiac disease,", ["dx.celiac"], "current", ["dx.celiac"]),
    ("cystic fibrosis,", ["dx.cystic_fibrosis"], "current", ["dx.cystic_fibrosis"]),
    ("Heart valve disease", ["dx.valvular_heart_disease"], "current", []),
    ("immunodeficiency,", ["dx.immunodeficiency"], "current", []),
    ("Known aortic stenosis", ["dx.aortic_stenosis"], "current", []),
    ("Myocardial infarction", ["dx.mi"], "ever", []),
    ("Solid organ transplant recipients", ["dx.transplant"], "ever", []),
    ("History of diabetes mellitus", ["dx.diabetes"], "ever", []),
    ("Previous liver disease", ["dx.liver_disease"], "ever", []),
]


@pytest.mark.parametrize(("text", "concepts", "temporality", "lifelong"), BARE_EXCLUSIONS)
def test_a_bare_disease_of_an_exclusion_is_the_disease_now_unless_an_event_or_asked_for_past(
    text: str, concepts: list[str], temporality: str, lifelong: list[str]
) -> None:
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("temporality", "ever") == temporality
    # a disease that does not resolve among the concepts or their members
    assert bool(lifelong) == bool(criterion.params.get("lifelong"))
    assert not criterion.params.get("judged")


def test_a_bare_disease_of_an_inclusion_stays_ever():
    # "Patients with type 2 diabetes": the diagnosis documented at any time qualifies.
    criterion = parse_criterion("Patients with inflammatory bowel disease", "inclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params.get("temporality", "ever") == "ever"


BARE_INFECTION = crit("exclusion", ["dx.immunodeficiency"], temporality="current",
                      window_days=LOOKBACK_DAYS)
BARE_DIABETES = crit("exclusion", ["dx.diabetes"], temporality="current",
                     window_days=LOOKBACK_DAYS, lifelong=True)
BARE_LN = crit("exclusion", ["dx.lupus_nephritis"], temporality="current",
               window_days=LOOKBACK_DAYS, lifelong=True)


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        # a condition that may resolve, documented long ago: a person checks it
        (BARE_INFECTION, [finding("dx.immunodeficiency", OLD)], Status.UNKNOWN),
        (BARE_INFECTION, [finding("dx.immunodeficiency", RECENT)], Status.MET),
        (BARE_INFECTION, [], Status.NOT_MET),
        # a disease that does not resolve holds from an older mention, of a member too
        (BARE_DIABETES, [finding("dx.diabetes", OLD)], Status.MET),
        (BARE_DIABETES, [finding("dx.diabetes_t2", OLD)], Status.MET),
        (BARE_DIABETES, [], Status.NOT_MET),
        # ... unless a later note rules it out
        (BARE_DIABETES, [finding("dx.diabetes", OLD),
                         finding("dx.diabetes", dt.date(2025, 6, 1), Assertion.NEGATED, "n2")],
         Status.UNKNOWN),
        # lupus nephritis shows SLE, which does not resolve, but may itself remit
        (BARE_LN, [finding("dx.lupus_nephritis", OLD)], Status.UNKNOWN),
        # a past-history mention is no current disease, lifelong or not
        (BARE_DIABETES, [finding("dx.diabetes", OLD, Assertion.HISTORICAL)], Status.NOT_MET),
    ],
)
def test_a_bare_disease_read_as_current_never_hides_a_patient(criterion, findings, expected):
    assert evaluated(criterion, *findings).status is expected


def test_a_lifelong_disease_says_why_an_older_mention_still_counts():
    result = evaluated(BARE_DIABETES, finding("dx.diabetes", OLD))
    assert "does not resolve" in result.reason
    assert result.evidence
    assert "does not resolve" in reading(parse_criterion("Diabetes mellitus", "exclusion"))
    assert "no time word" in reading(parse_criterion("Heart valve disease", "exclusion"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["event_concepts"].append("dx.no_such_thing"), "event_concepts"),
        (lambda d: d["lifelong_concepts"].append("lab.hemoglobin"), "lifelong_concepts"),
        (lambda d: d["lifelong_concepts"].append("dx.mi"), "lifelong_concepts"),
        (lambda d: d["event_concepts"].append("dx.heart_failure"), "event_concepts"),
        (lambda d: d["existing"].append("history"), "existing"),
    ],
)
def test_bad_bare_condition_data_is_refused_naming_the_key(change, field):
    data = json.loads(json.dumps(load_temporality().source))
    change(data)
    with pytest.raises(VocabularyError) as caught:
        read_temporality_rules(json.dumps(data), load_vocabulary())
    assert field in str(caught.value)
