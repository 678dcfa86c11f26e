"""An allergy exclusion naming a drug whose context filters drop it after an allergy phrase
(round 15): notes write "allergic to metformin" where a drug taken is not meant, so the
drug's "not_preceded_by" filters hold "allergy to", "hypersensitivity to". In an allergy
exclusion that phrase is what makes the drug the allergy's agent: "Known hypersensitivity
to metformin" is read as an allergy to metformin, not left "checked at screening".

The sentences are written for these tests, as other sponsors word them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 9, 1)
AS_OF = dt.date(2026, 11, 20)

READ: list[tuple[str, set[str], bool]] = [
    # (exclusion, agents, intolerance counts)
    ("Known hypersensitivity to metformin", {"drug.metformin"}, False),
    ("Documented allergy to paracetamol", {"drug.paracetamol"}, False),
    ("Patients allergic to acetaminophen", {"drug.paracetamol"}, False),
    ("History of intolerance to metformin", {"drug.metformin"}, True),
    ("Allergy to paracetamol or metformin", {"drug.paracetamol", "drug.metformin"}, False),
    ("Prior anaphylaxis to metformin", {"drug.metformin"}, False),
    # local anaesthetics and colchicine: named in the vocabulary with their ATC codes
    ("Allergic to bupivacaine or paracetamol", {"drug.bupivacaine", "drug.paracetamol"}, False),
    ("Allergy to lignocaine", {"drug.lidocaine"}, False),
    ("Known hypersensitivity to local anaesthetics", {"class.local_anaesthetic"}, False),
    ("Hypersensitivity to colchicine", {"drug.colchicine"}, False),
]


@pytest.mark.parametrize(("text", "agents", "intolerance"), READ)
def test_a_drug_filtered_after_an_allergy_phrase_is_the_allergys_agent(
    text, agents, intolerance
):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "allergy", criterion.manual_reason
    assert set(criterion.params["agents"]) == agents
    assert criterion.params["intolerance"] is intolerance


STAYS_MANUAL = [
    "Not allergic to metformin",  # a negation the reader does not account for
    "Known hypersensitivity to metformin or murine proteins",  # a part not named
    "Known intolerance to metformin at 2 g/day",  # a dose the allergy record does not hold
    "Hypersensitivity to the study drug or paracetamol",  # the study drug is not named
]


@pytest.mark.parametrize("text", STAYS_MANUAL)
def test_an_allergy_item_with_words_not_accounted_for_stays_manual(text):
    assert parse_criterion(text, "exclusion").kind != "allergy"


def test_an_inclusion_naming_an_allergy_is_not_an_allergy_exclusion():
    assert parse_criterion("Known hypersensitivity to metformin", "inclusion").kind != "allergy"


def test_a_drug_taken_is_still_not_an_allergy():
    """The filters still drop the mention where no allergy phrase stands before it."""
    criterion = parse_criterion("Patients on metformin", "exclusion")
    assert criterion.kind != "allergy"


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


JUDGED: list[tuple[str, str, Status]] = [
    ("Known hypersensitivity to metformin", "Allergies: metformin (rash).", Status.MET),
    ("Known hypersensitivity to metformin", "Allergies: NKDA.", Status.NOT_MET),
    ("Known hypersensitivity to metformin", "Allergies: azathioprine (pancreatitis)",
     Status.NOT_MET),
    ("Allergy to paracetamol", "Allergies: paracetamol (urticaria)", Status.MET),
    ("Allergy to paracetamol", "Takes paracetamol 1 g as needed. NKDA.", Status.NOT_MET),
    ("Known hypersensitivity to local anaesthetics", "Allergies: lidocaine (urticaria)",
     Status.MET),
    ("Known hypersensitivity to local anaesthetics", "Allergies: NKDA.", Status.NOT_MET),
]


@pytest.mark.parametrize(("text", "note", "expected"), JUDGED)
def test_the_allergy_is_decided_on_the_allergy_record(parser, text, note, expected):
    criterion = parse_criterion(text, "exclusion")
    findings: list[Finding] = parser.parse(note, "n0", NOTE_DATE)
    timeline = build_timeline(Patient("P1"), findings, {"n0": NOTE_DATE}, AS_OF)
    result = evaluate(criterion, timeline)
    assert result.status is expected, result.reason
