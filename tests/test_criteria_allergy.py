"""Allergy, hypersensitivity and intolerance exclusions decided on the notes' allergy record
(issue 12, round 5): "Known hypersensitivity to rituximab", "History of HCQ allergy",
"Known intolerance to MMF", "Known drug allergy". The reader reads them (kind `allergy`),
the note NLP finds allergy lists, statements and "NKDA", the evaluator decides: a
documented allergy to the agent excludes, an allergy record that does not name it (NKDA, a
list of other agents) does not, no allergy record at all stays with a person.

The sentences are written for these tests, as other sponsors and clinicians word them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.allergy import STUDY_DRUG_REASON
from matcher.criteria.render import reading
from matcher.judge.allergy import NO_RECORD_REASON
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status, UnknownCause
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 9, 1)
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _allergies(parser: NoteParser, text: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n1", NOTE_DATE) if f.category == "allergy"]


# ---------------------------------------------------------------- the reader
READINGS: list[tuple[str, set[str], bool, bool]] = [
    # (exclusion text, agents as named, intolerance counts, severe)
    ("Known hypersensitivity to rituximab", {"drug.rituximab"}, False, False),
    ("History of hydroxychloroquine allergy", {"drug.hydroxychloroquine"}, False, False),
    ("Patients with a documented HCQ allergy", {"drug.hydroxychloroquine"}, False, False),
    ("Allergy to MMF, azathioprine or tacrolimus",
     {"drug.mycophenolate", "drug.azathioprine", "drug.tacrolimus"}, False, False),
    ("Prior allergic reaction to belimumab (Benlysta)", {"drug.belimumab"}, False, False),
    ("Known allergy to corticosteroids", {"drug.glucocorticoid"}, False, False),
    ("Hypersensitivity to cyclophosphamide and leflunomide",
     {"drug.cyclophosphamide", "drug.leflunomide"}, False, False),
    ("Known intolerance to mycophenolate mofetil", {"drug.mycophenolate"}, True, False),
    ("Intolerant of azathioprine", {"drug.azathioprine"}, True, False),
    ("Allergy or adverse reaction to chloroquine or hydroxychloroquine",
     {"drug.chloroquine", "drug.hydroxychloroquine"}, True, False),
    ("History of severe allergic reaction to a biologic agent", {"class.biologic"}, False, True),
    ("Previous anaphylaxis to an anti-CD20 antibody", {"class.anti_cd20"}, False, True),
]


@pytest.mark.parametrize(("text", "agents", "intolerance", "severe"), READINGS)
def test_an_allergy_exclusion_naming_known_drugs_is_read_as_an_allergy(
    text, agents, intolerance, severe
):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "allergy", criterion.manual_reason
    assert set(criterion.params["agents"]) == agents
    assert criterion.params["intolerance"] is intolerance
    assert criterion.params["severe"] is severe


WHOLE: list[tuple[str, set[str]]] = [
    # a reaction word before "or" is the same drug's reaction: one criterion, never a
    # diagnosis of anaphylaxis beside an exposure to rituximab
    ("Anaphylaxis or hypersensitivity to rituximab", {"drug.rituximab"}),
    ("Known hypersensitivity to rituximab or cyclophosphamide",
     {"drug.rituximab", "drug.cyclophosphamide"}),
    ("Intolerance or allergy to mycophenolate mofetil", {"drug.mycophenolate"}),
]


@pytest.mark.parametrize(("item", "agents"), WHOLE)
def test_an_allergy_item_is_one_allergy_criterion(item, agents):
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {item}\n")
    assert [(c.kind, set(c.params.get("agents", ()))) for c in criteria] == [
        ("allergy", agents)]


def test_an_allergy_clause_after_a_finding_is_its_own_criterion():
    criteria = parse_eligibility_text(
        "Exclusion Criteria:\n- History of malignancy, or known hypersensitivity to belimumab\n")
    assert [(c.kind, c.manual_reason) for c in criteria] == [
        ("diagnosis", None), ("allergy", None)]


def test_a_dose_qualified_intolerance_stays_manual_with_the_drug_readers_reason():
    criterion = parse_criterion("Documented intolerance of azathioprine at 2 mg/kg/day",
                                "exclusion")  # fmt: skip
    assert criterion.kind == "manual" and "intolerance" in (criterion.manual_reason or "")


def test_an_inclusion_stating_no_allergy_is_the_exclusion_of_that_allergy():
    criterion = parse_criterion("No known allergy to hydroxychloroquine", "inclusion")
    assert (criterion.type, criterion.kind) == ("exclusion", "allergy")
    assert criterion.params["agents"] == ["drug.hydroxychloroquine"]


STUDY_DRUG = [
    "Known hypersensitivity to the study drug or any of its excipients",
    "Allergy to the investigational product",
    "Hypersensitivity to belimumab or to any component of the formulation",
    "History of allergic reaction to any ingredient of the trial medication",
    "Known allergy to the IMP or placebo",
    "Patients allergic to any drugs in the protocol",
]


@pytest.mark.parametrize("text", STUDY_DRUG)
def test_an_allergy_to_the_study_drug_stays_manual_and_says_the_record_does_not_name_it(text):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "manual"
    assert criterion.manual_reason == STUDY_DRUG_REASON


UNREAD = [
    "History of hypersensitivity reactions to contrast agents",  # not in the vocabulary
    "Known hypersensitivity to rituximab or murine proteins",  # a part not named
    "Allergy to hydroxychloroquine or to 4-aminoquinolines",
    "Known intolerance to 1.0 g/day of MMF",  # a dose the allergy record does not hold
    "Allergy to penicillin",
    "Allergic rhinitis requiring treatment",  # an allergic disease, not an allergy to a drug
    "Known drug allergy",  # any drug: the allergy list names agents the vocabulary lacks
    "History of hypersensitivity to any medication",
]


@pytest.mark.parametrize("text", UNREAD)
def test_an_allergy_to_an_agent_the_vocabulary_does_not_name_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind != "allergy"


def test_an_intolerance_required_by_an_inclusion_is_not_an_allergy_exclusion():
    criterion = parse_criterion("Refractory to or intolerant of mycophenolate", "inclusion")
    assert criterion.kind != "allergy"


def test_the_plain_words_reading_says_what_decides_and_what_a_person_checks():
    text = reading(parse_criterion("History of severe allergic reaction to rituximab",
                                   "exclusion"))  # fmt: skip
    assert text.startswith("EXCLUDE if: allergy to rituximab documented")
    assert "NKDA" in text and "severity" in text


# ---------------------------------------------------------------- the notes
NOTES: list[tuple[str, list[tuple[str, str | None, str, str]]]] = [
    # (note text, [(concept, agent, reaction, assertion)])
    ("Allergies: rituximab (anaphylaxis), penicillin (rash).",
     [("allergy.agent", "drug.rituximab", "allergy", "affirmed"),
      ("allergy.agent", None, "allergy", "affirmed")]),
    ("ALLERGIES\nHCQ - urticaria\n\nPlan: continue MMF.",
     [("allergy.agent", "drug.hydroxychloroquine", "allergy", "affirmed")]),
    ("Allergies: NKDA", [("allergy.none", None, "", "affirmed")]),
    ("Allergy: none known.", [("allergy.none", None, "", "affirmed")]),
    ("No known drug allergies. On prednisone 5 mg daily.",
     [("allergy.none", None, "", "affirmed")]),
    ("She is allergic to belimumab (infusion reaction in 2024).",
     [("allergy.agent", "drug.belimumab", "allergy", "affirmed")]),
    ("Known hypersensitivity to rituximab; switched to obinutuzumab.",
     [("allergy.agent", "drug.rituximab", "allergy", "affirmed")]),
    ("HCQ allergy (rash) noted in 2019.",
     [("allergy.agent", "drug.hydroxychloroquine", "allergy", "affirmed")]),
    ("Intolerant of MMF (GI upset), now on azathioprine.",
     [("allergy.agent", "drug.mycophenolate", "intolerance", "affirmed")]),
    ("Could not tolerate azathioprine because of nausea.",
     [("allergy.agent", "drug.azathioprine", "intolerance", "affirmed")]),
    ("Not allergic to hydroxychloroquine; restarted it today.",
     [("allergy.agent", "drug.hydroxychloroquine", "allergy", "negated")]),
    ("?allergy to tacrolimus - to be reviewed.",
     [("allergy.agent", "drug.tacrolimus", "allergy", "uncertain")]),
    ("Mother is allergic to penicillin.", []),
    ("Family history: allergic to rituximab, lupus.\n\nNKDA.",
     [("allergy.none", None, "", "affirmed")]),
    # a sentence after the list is prose; a drug taken is no allergy
    ("Allergies: NKDA. Tolerating rituximab well.", [("allergy.none", None, "", "affirmed")]),
    ("Allergic to penicillin and on rituximab.",
     [("allergy.agent", None, "allergy", "affirmed")]),
    ("Allergies: rituximab, now on belimumab",
     [("allergy.agent", "drug.rituximab", "allergy", "affirmed"),
      ("allergy.agent", None, "allergy", "affirmed")]),
    # a reaction of no stated kind: never an allergy's proof, never its absence
    ("Had a reaction to rituximab in 2023, premedicated since.",
     [("allergy.agent", "drug.rituximab", "unspecified", "affirmed")]),
    ("Rituximab infusion reaction (2023).",
     [("allergy.agent", "drug.rituximab", "unspecified", "affirmed")]),
    ("Good reaction to treatment.", []),
    ("Allergy clinic review booked for hay fever.", []),
    ("Mycophenolate was discontinued due to persistent diarrhoea.",
     [("allergy.agent", "drug.mycophenolate", "intolerance", "affirmed")]),
    ("Stopped tacrolimus after a rise in creatinine.", []),
    ("Intolerances: methotrexate (mouth ulcers)",
     [("allergy.agent", "drug.methotrexate", "intolerance", "affirmed")]),
]


@pytest.mark.parametrize(("text", "expected"), NOTES)
def test_a_clinic_note_yields_its_allergies_intolerances_and_nkda(parser, text, expected):
    found = [
        (f.concept, f.attrs.get("agent"), f.attrs.get("reaction", ""), f.assertion.value)
        for f in _allergies(parser, text)
    ]
    assert found == expected


def test_an_allergy_list_entry_is_marked_as_listed_and_a_statement_is_not(parser):
    (listed,) = _allergies(parser, "Allergies: azathioprine (pancreatitis)")
    (stated,) = _allergies(parser, "She reports an allergy to azathioprine.")
    assert listed.attrs["listed"] is True and stated.attrs["listed"] is False


def test_a_medication_line_after_an_allergy_line_is_not_an_allergy(parser):
    found = _allergies(parser, "Allergies: sulfa\nPrednisone 10 mg daily\nHCQ 200 mg bd")
    assert [f.attrs.get("agent") for f in found] == [None]


def test_a_list_under_a_heading_keeps_an_entry_labelled_with_a_drug(parser):
    found = _allergies(parser, "ALLERGIES\nazathioprine - pancreatitis\nRituximab: anaphylaxis")
    assert [(f.attrs["agent"], f.attrs["severe"]) for f in found] == [
        ("drug.azathioprine", False), ("drug.rituximab", True)]  # fmt: skip


# ---------------------------------------------------------------- the evaluation
def _judge(parser: NoteParser, criterion: Criterion, *notes: str) -> tuple[Status, str]:
    findings: list[Finding] = []
    dates: dict[str, dt.date] = {}
    for index, text in enumerate(notes):
        note_id = f"n{index}"
        dates[note_id] = NOTE_DATE
        findings += parser.parse(text, note_id, NOTE_DATE)
    timeline = build_timeline(Patient("P1"), findings, dates, AS_OF)
    result = evaluate(criterion, timeline)
    if result.status in (Status.MET, Status.NOT_MET):
        assert result.evidence, "a decided allergy criterion carries its evidence"
    if result.status is Status.UNKNOWN:
        # The eligibility model reads why: an open allergy answer has something documented.
        assert result.unknown_cause is UnknownCause.AMBIGUOUS
    return result.status, result.reason


RITUXIMAB = "Known hypersensitivity to rituximab or other anti-CD20 antibodies"
HCQ = "History of allergy to hydroxychloroquine"
MMF = "Known intolerance to MMF"
SEVERE = "History of anaphylaxis or severe allergic reaction to a biologic agent"

JUDGEMENTS: list[tuple[str, tuple[str, ...], Status]] = [
    (RITUXIMAB, ("Allergies: rituximab (infusion reaction, 2023).",), Status.MET),
    (RITUXIMAB, ("Known allergy to Rituxan.",), Status.MET),
    (RITUXIMAB, ("Allergies: NKDA.",), Status.NOT_MET),
    (RITUXIMAB, ("Allergies: azathioprine (pancreatitis)",), Status.NOT_MET),
    (RITUXIMAB, ("Not allergic to rituximab, not allergic to obinutuzumab, ofatumumab or "
                 "ocrelizumab.",), Status.NOT_MET),
    (RITUXIMAB, ("Seen in clinic. Creatinine 88.",), Status.MANUAL),  # no allergy record
    (RITUXIMAB, ("Allergies: sulfa drugs (rash).",), Status.UNKNOWN),  # not named: may be any
    (RITUXIMAB, ("Allergic to biologics.",), Status.UNKNOWN),  # a class wider than asked
    (RITUXIMAB, ("?allergy to rituximab",), Status.UNKNOWN),
    (RITUXIMAB, ("NKDA.", "Allergies: rituximab (urticaria)"), Status.MET),
    (RITUXIMAB, ("Mother allergic to rituximab. NKDA.",), Status.NOT_MET),
    (RITUXIMAB, ("Had a reaction to rituximab in 2023. NKDA.",), Status.UNKNOWN),
    (RITUXIMAB, ("Allergies: NKDA. Tolerating rituximab well.",), Status.NOT_MET),
    (HCQ, ("Intolerant of hydroxychloroquine (nausea).",), Status.UNKNOWN),  # not an allergy
    (HCQ, ("Not allergic to HCQ.",), Status.NOT_MET),
    (MMF, ("Intolerant of MMF (GI upset), switched to AZA.",), Status.MET),
    (MMF, ("Allergies: mycophenolate (rash)",), Status.MET),
    (MMF, ("No known allergies.",), Status.MANUAL),  # an allergy list holds no intolerance
    (MMF, ("MMF stopped in 2024 due to GI side effects. NKDA.",), Status.MET),
    (MMF, ("Started azathioprine after MMF was discontinued because of nausea.",),
     Status.UNKNOWN),  # two drugs in the clause: which one is not read
    (MMF, ("MMF stopped in 2024 due to pregnancy planning. NKDA.",), Status.MANUAL),
    (SEVERE, ("Allergies: belimumab (rash)",), Status.UNKNOWN),  # the severity not written
    (SEVERE, ("Allergies: belimumab - anaphylaxis",), Status.MET),
    (SEVERE, ("NKDA",), Status.NOT_MET),
]


@pytest.mark.parametrize(("text", "notes", "expected"), JUDGEMENTS)
def test_an_allergy_exclusion_is_decided_on_the_allergy_record(parser, text, notes, expected):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "allergy", criterion.manual_reason
    status, reason = _judge(parser, criterion, *notes)
    assert status is expected, reason


def test_with_no_allergy_record_the_criterion_stays_with_a_person_and_says_why(parser):
    criterion = parse_criterion(RITUXIMAB, "exclusion")
    status, reason = _judge(parser, criterion, "Lupus nephritis class IV, on MMF 1 g bd.")
    assert (status, reason) == (Status.MANUAL, NO_RECORD_REASON)


def test_a_documented_allergy_is_not_an_exposure_the_evaluator_needs(parser):
    """The allergy decides alone: a rituximab course in the notes without an allergy,
    beside "NKDA", is not an allergy."""
    criterion = parse_criterion(RITUXIMAB, "exclusion")
    status, _ = _judge(parser, criterion, "Rituximab 1 g given 03/2025. Allergies: NKDA")
    assert status is Status.NOT_MET


def test_an_allergy_finding_of_another_assertion_is_not_the_patients_allergy():
    criterion = parse_criterion(HCQ, "exclusion")
    family = Finding(concept="allergy.agent", category="allergy", note_id="n1", start=0,
                     end=3, text="HCQ", assertion=Assertion.FAMILY, date=NOTE_DATE,
                     attrs={"agent": "drug.hydroxychloroquine", "reaction": "allergy",
                            "severe": False, "listed": False})  # fmt: skip
    timeline = build_timeline(Patient("P1"), [family], {"n1": NOTE_DATE}, AS_OF)
    assert evaluate(criterion, timeline).status is Status.MANUAL


# A drug named as the allergen is not an exposure the note dates: "allergic to rituximab"
# written today must not read as rituximab given today (an exclusion "rituximab within 6
# months" would hide the patient). A drug in an allergy list already reads so.
ALLERGEN_NOT_EXPOSURE = [
    ("She is allergic to rituximab (anaphylaxis 2023).", "drug.rituximab"),
    ("Known hypersensitivity to hydroxychloroquine.", "drug.hydroxychloroquine"),
    ("Rituximab allergy.", "drug.rituximab"),
    ("Allergies: rituximab (rash).", "drug.rituximab"),
]


@pytest.mark.parametrize(("text", "drug"), ALLERGEN_NOT_EXPOSURE)
def test_a_drug_named_as_the_allergen_is_no_dated_exposure(parser, text, drug):
    findings = parser.parse(text, "n1", dt.date(2026, 11, 1))
    assert [f for f in findings if f.concept == drug and f.is_patient_fact] == []
    assert any(f.concept == "allergy.agent" and f.attrs.get("agent") == drug for f in findings)


@pytest.mark.parametrize(("text", "drug"), [
    # An intolerance or a withdrawal tells of a course the patient took.
    ("MMF stopped in June because of diarrhoea.", "drug.mycophenolate"),
    ("Intolerant of MMF (GI upset), switched to AZA.", "drug.azathioprine"),
])
def test_a_course_stopped_for_a_side_effect_is_still_an_exposure(parser, text, drug):
    findings = parser.parse(text, "n1", dt.date(2026, 11, 1))
    assert any(f.concept == drug and f.category == "drug" for f in findings)


def test_a_drug_given_beside_an_allergy_to_another_is_still_an_exposure(parser):
    findings = parser.parse("Allergic to penicillin. Rituximab 1 g given 03/2025.", "n1",
                            dt.date(2026, 11, 1))
    assert [f.concept for f in findings if f.category == "drug" and f.is_patient_fact] == [
        "drug.rituximab"]
