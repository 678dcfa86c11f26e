"""Issue 15, hold-out 10: history, drugs and assertions in notes from many countries.

Mechanisms, each with a table of sentences written here (several styles and layouts):
- a parent's or a patient's question whether a drug may be started ("Can we start the
  azathioprine now?") names a drug not yet given: hypothetical, never a start (the rules'
  `requests` block in context_rules.json).
- brand names of Poland, Czechia, Russia, Ukraine, Turkey, Egypt and the Maghreb: Encorton,
  Encortolon, Metypred/Metipred, Prednol, Deltacortril, Cortancyl, Solupred
  (glucocorticoids), Arechin and Delagil (chloroquine), Immard (hydroxychloroquine). A brand
  missed leaves the refractory item one agent short.
- ANA as dictated ("ANA one to three hundred twenty", read "1 to 320": after "to" only a
  dilution of the laboratory series) and as Eastern European letters name it ("ANF 1:640",
  antinuclear factor).

The fragments are invented for these tests; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import spacy

from matcher.errors import VocabularyError
from matcher.model import Finding
from matcher.nlp.components import ClinicalContext
from matcher.nlp.dates import find_dates
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import data_text

NOTE_DATE = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _read(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == concept]


def _describe(found: list[Finding]) -> str:
    # Test output only: the fragments are invented.
    return "; ".join(f"{f.text!r} {f.assertion} {f.date}" for f in found) or "none"


# ------------------------------------------------------------ a question to start a drug
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Father asks: 'can we start the tacrolimus this week, she still has swelling?'",
         "drug.tacrolimus"),
        ("Message from mum - Could we start cyclophosphamide before the holidays, or is it "
         "too early?", "drug.cyclophosphamide"),
        ("Portal: could they give him the rituximab before school starts?", "drug.rituximab"),
        ("Patient writes: can I begin the mycophenolate already, my legs are puffy?",
         "drug.mycophenolate"),
        ("Parent: 'May we try rituximab instead, the other drugs did not help?'",
         "drug.rituximab"),
        ("Can he start the CellCept tablets now or wait for the results?", "drug.mycophenolate"),
        ("Question from grandmother: could she get the tacrolimus capsules soon?",
         "drug.tacrolimus"),
    ],
)
def test_a_question_whether_to_start_a_drug_is_not_a_start(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, concept)
    assert found, "drug not read"
    assert all(f.assertion == "hypothetical" for f in found), _describe(found)


# The same verbs in a statement, or a question about a drug already given, stay affirmed.
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("We started tacrolimus 2 mg twice daily on 12/09/2026.", "drug.tacrolimus"),
        ("Mycophenolate was begun in August; can we lower the dose?", "drug.mycophenolate"),
        ("She has been on cyclophosphamide since July.", "drug.cyclophosphamide"),
    ],
)
def test_a_drug_stated_as_given_stays_affirmed(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, concept)
    assert found and all(f.assertion == "affirmed" for f in found), _describe(found)


def _rules() -> dict:
    return json.loads(data_text("context_rules.json"))


def test_the_request_cues_are_read_from_the_rules() -> None:
    """A verb added to the data is a request: nothing of the list stays in the code."""
    rules = _rules()
    text = "Can we trial the tacrolimus now?"
    start = text.index("tacrolimus")
    assert not ClinicalContext(spacy.blank("en"), rules).requested_before(text, 0, start, "drug.x")
    rules["requests"]["verbs"].append("trial")
    assert ClinicalContext(spacy.blank("en"), rules).requested_before(text, 0, start, "drug.x")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("modals"), "requests"),
        (lambda d: d.update(category="asked"), "category"),
        (lambda d: d.update(max_chars=500), "max_chars"),
        (lambda d: d.update(applies_to=["drug"]), "applies_to"),
        (lambda d: d["subjects"].append("We"), "subjects"),
    ],
)
def test_malformed_request_cues_are_refused_naming_the_field(change, field) -> None:
    rules = _rules()
    change(rules["requests"])
    with pytest.raises(VocabularyError) as refused:
        ClinicalContext(spacy.blank("en"), rules)
    assert "context_rules.json" in str(refused.value)
    assert field in str(refused.value)


# ------------------------------------------------------------ brand names
GC, CQ, HCQ = "drug.glucocorticoid", "drug.chloroquine", "drug.hydroxychloroquine"
BRANDS = [
    ("Leki: Encorton 20 mg/d od 02.2025, stopniowo redukowany.", GC),
    ("Encortolon 5 mg daily since the spring.", GC),
    ("Pulses of Metypred 500 mg x3 in March 2025, then oral.", GC),
    ("Metipred 16 mg/day, tapering.", GC),
    ("Prednol 40 mg po since 01/2025.", GC),
    ("Deltacortril 5 mg tablets, 30 mg per day.", GC),
    ("Traitement: Cortancyl 30 mg/j depuis janvier 2025.", GC),
    ("Solupred 20 mg once daily.", GC),
    ("Arechin 250 mg every other day since 2024.", CQ),
    ("Delagil 125 mg daily for the skin rash.", CQ),
    ("Immard 200 mg once daily.", HCQ),
]


@pytest.mark.parametrize(("text", "concept"), BRANDS)
def test_a_brand_name_is_read_as_its_drug(parser: NoteParser, text: str, concept: str) -> None:
    found = _read(parser, text, concept)
    assert any(f.assertion == "affirmed" for f in found), _describe(found)


# ------------------------------------------------------------ ANA as written and dictated
ANA = "lab.ana"
ANA_TITRES = [
    ("ANA one to three hundred twenty at diagnosis full stop", 320.0),
    ("antinuclear antibodies one to six hundred forty speckled comma", 640.0),
    ("A N A one to one thousand two hundred eighty homogeneous full stop", 1280.0),
    ("Immunology: ANF 1:640, anti-dsDNA positive.", 640.0),
    ("ANF (IIF on HEp-2) 1/320, homogeneous pattern.", 320.0),
    ("Antinuclear factor positive 1:160.", 160.0),
    ("ANA-Hep2 1:320 speckled.", 320.0),
    ("ANA (IIF) 1:1000 fine speckled.", 1000.0),
]


@pytest.mark.parametrize(("text", "titre"), ANA_TITRES)
def test_an_ana_titre_written_or_dictated_is_read(
    parser: NoteParser, text: str, titre: float
) -> None:
    found = _read(parser, text, ANA)
    assert [f.value for f in found] == [titre], _describe(found)


# Not a titre: a count, a frequency, a hormone that shares the letters.
NO_TITRE = [
    "ANA was checked 1 to 2 times a year, last one positive.",
    "ANA positive; steroids tapered from 1 to 40 mg over the weeks.",
    "ANF 45 pg/mL in the cardiology work-up.",
]


@pytest.mark.parametrize("text", NO_TITRE)
def test_a_number_near_ana_that_is_no_titre_is_not_read_as_one(
    parser: NoteParser, text: str
) -> None:
    assert all(f.value is None for f in _read(parser, text, ANA)), _describe(
        _read(parser, text, ANA))


# ------------------------------------------------------------ infection: a service, a fear
INFECTION = "dx.infection"
NOT_AN_INFECTION = [
    "Infectious diseases consultation 02.11.2026: no focus found, QuantiFERON negative.",
    "Seen by the infectious disease team today; they advise no prophylaxis.",
    "Referred to the Infectious Diseases department for vaccination advice.",
    "Infection specialist opinion: no contraindication to rituximab.",
    "Mother: 'we are afraid of infection with the central line.'",
    "The family is scared of infections after the last admission.",
    "Fear of infection was the main reason to decline the line.",
]


@pytest.mark.parametrize("text", NOT_AN_INFECTION)
def test_an_infection_service_or_a_feared_infection_is_no_infection(
    parser: NoteParser, text: str
) -> None:
    found = _read(parser, text, INFECTION)
    assert not [f for f in found if f.assertion == "affirmed"], _describe(found)


STILL_AN_INFECTION = [
    "Admitted with a urinary tract infection, on IV ceftriaxone.",
    "Infection of the central line, blood cultures positive.",
    "Chest infection last week, treated by the GP.",
]


@pytest.mark.parametrize("text", STILL_AN_INFECTION)
def test_an_infection_stated_stays_affirmed(parser: NoteParser, text: str) -> None:
    found = _read(parser, text, INFECTION)
    assert any(f.assertion == "affirmed" for f in found), _describe(found)


# ------------------------------------------------------------ Roman-numeral months
ROMAN_DATES = [
    ("Nephrobiopsy 25-VI-2026: class IV-G (A).", dt.date(2026, 6, 25)),
    ("Admitted 28-X-2026 with fever.", dt.date(2026, 10, 28)),
    ("Kidney biopsy on 3.IX.2026, Kraków.", dt.date(2026, 9, 3)),
    ("Biopsja nerki 14 XII 2025 - klasa IV.", dt.date(2025, 12, 14)),
    ("Rituximab 1-IV-2026 and 15-IV-2026.", dt.date(2026, 4, 1)),
]


@pytest.mark.parametrize(("text", "date"), ROMAN_DATES)
def test_a_day_with_a_roman_numeral_month_is_a_date(text: str, date: dt.date) -> None:
    found = [m.date for m in find_dates(text, NOTE_DATE)]
    assert found and found[0] == date, found


# Not a date: a class range, a lower-case word, a month that does not exist.
NO_ROMAN_DATE = [
    "Biopsy: class III-IV 2026 revision of ISN/RPS.",
    "Mixed class IV-V 2026 biopsy series.",
    "Grade 3-XIII-2026 means nothing.",
    "Lupus 12-vi-2026 lower case stays unread.",
]


@pytest.mark.parametrize("text", NO_ROMAN_DATE)
def test_roman_numerals_that_are_no_month_give_no_date(text: str) -> None:
    assert not [m for m in find_dates(text, NOTE_DATE) if m.date and m.date.year == 2026
                and m.precision == "day"], text


def test_a_biopsy_dated_with_a_roman_month_is_dated(parser: NoteParser) -> None:
    found = _read(parser, "Epicrisis. Nephrobiopsy 25-VI-2026: diffuse proliferative lupus "
                  "nephritis, class IV-S.", "biopsy.kidney")
    assert [f.date for f in found] == [dt.date(2026, 6, 25)], _describe(found)


# ------------------------------------------------------------ a course said to be over
COURSE_OVER = [
    ("Afebrile, antibiotics completed.", "class.antibiotic"),
    ("Seen after discharge: IV cefepime course finished, no fever.", "drug.cefepime"),
    ("Meropenem has been completed and the line removed.", "drug.meropenem"),
    ("Antibiotic therapy was finished before discharge.", "class.antibiotic"),
]


@pytest.mark.parametrize(("text", "concept"), COURSE_OVER)
def test_a_course_said_completed_is_stopped(parser: NoteParser, text: str, concept: str) -> None:
    found = _read(parser, text, concept)
    assert found and all(f.attrs.get("stopped") or f.attrs.get("stop_date") for f in found), (
        _describe(found))


COURSE_GOING_ON = [
    ("IV ceftriaxone day 3; blood cultures completed and negative.", "drug.ceftriaxone"),
    ("Mycophenolate continues; the steroid taper was completed in May.", "drug.mycophenolate"),
]


@pytest.mark.parametrize(("text", "concept"), COURSE_GOING_ON)
def test_something_else_completed_leaves_the_course_running(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, concept)
    assert found and not any(f.attrs.get("stopped") for f in found), _describe(found)
