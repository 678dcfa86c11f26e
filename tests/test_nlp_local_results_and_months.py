"""Test results, classification statements and month names of German, Dutch and Nordic
letters.

- "ANA negativ (<1:80)" was read as a *positive* ANA of 1:80 (the English polarity words
  only); "positiv", "positief", "negatief", "negativt" are the same results.
- "Familienanamnese: Mutter ANA 1:160" (and "Family history: mother ANA 1:160") is the
  mother's titre, not the patient's: a test result was affirmed whoever it belonged to.
- "EULAR/ACR-Klassifikationskriterien nicht erfüllt" denies the classification, as
  "EULAR/ACR criteria not met" does.
- "U-hCG negativ" was read as a pregnancy (the test's name alone, not known as a test);
  "U-hCG positiv", "graviditet" are one; "Beratung zur Schwangerschaft" is counselling.
- Month names "februar–juli 2025", "maart 2024", "januari 2026", "Okt." and the German
  ordinal dot "20. Okt. 2026" date drug courses and biopsies (an Endoxan course
  "februar–juli 2025" had no dates and counted as given at the note); so does a run of
  days "26.-29.10.2026" (an IV course that ended read as begun on its last day, no end).

Sentences written here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.dates import find_dates
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _found(parser: NoteParser, text: str, concept: str) -> list[tuple[str, object]]:
    return [(f.assertion.value, f.attrs.get("result", f.attrs.get("test")))
            for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == concept]  # fmt: skip


# (sentence, concept, [(assertion, result)])
RESULTS = [
    ("ANA negativ (<1:80), anti-dsDNA negativ.", "lab.ana", [("affirmed", "negative")]),
    ("ANA negatief bij herhaling.", "lab.ana", [("affirmed", "negative")]),
    ("ANA positiv, Titer nicht angegeben.", "lab.ana", [("affirmed", "positive")]),
    ("Anti-dsDNA positief (ELISA).", "lab.anti_dsdna", [("affirmed", "positive")]),
    ("Familienanamnese: Mutter ANA 1:160, kein SLE.", "lab.ana", [("family", "positive")]),
    ("Family history: mother ANA 1:320.", "lab.ana", [("family", "positive")]),
    ("U-hCG negativ.", "dx.pregnancy", [("negated", "negative")]),
    ("Urine hCG negatief.", "dx.pregnancy", [("negated", "negative")]),
    ("U-hCG positivt i dag.", "dx.pregnancy", [("affirmed", "positive")]),
]


@pytest.mark.parametrize(("text", "concept", "expected"), RESULTS)
def test_a_local_result_word_gives_the_result(
    parser: NoteParser, text: str, concept: str, expected: list
) -> None:
    assert _found(parser, text, concept) == expected


@pytest.mark.parametrize("text", ["ANA negativ (<1:80).", "ANA negative (< 1:80)",
                                  "ANA <1:80 (negatief)"])
def test_a_titre_below_the_screening_dilution_is_no_titre(parser: NoteParser, text: str
                                                          ) -> None:  # fmt: skip
    found = [f for f in parser.parse(text, "n1", NOTE_DATE) if f.concept == "lab.ana"]
    assert [(f.value, f.attrs["result"], f.attrs["below_titre"]) for f in found] == [
        (None, "negative", 80.0)]


def test_a_pregnancy_named_with_a_clue_is_a_state_and_counselling_is_not(
    parser: NoteParser,
) -> None:
    state = parser.parse("Graviditet bekräftad, vecka 9 (9 weeks).", "n1", NOTE_DATE)
    topic = parser.parse("Beratung zur Schwangerschaft unter MMF.", "n1", NOTE_DATE)
    assert [f.attrs.get("topic") for f in state if f.concept == "dx.pregnancy"] == [None]
    assert [f.attrs.get("topic") for f in topic if f.concept == "dx.pregnancy"] == [True]


CRITERIA_DENIED = [
    "EULAR/ACR-Klassifikationskriterien nicht erfüllt.",
    "EULAR/ACR-classificatiecriteria niet vervuld.",
    "Klassifikationskriterier ikke opfyldt.",
]


@pytest.mark.parametrize("text", CRITERIA_DENIED)
def test_classification_criteria_not_fulfilled_in_local_words_are_denied(
    parser: NoteParser, text: str
) -> None:
    assert [f.assertion.value for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept == "status.sle_criteria"] == ["negated"]  # fmt: skip


# (text, first day, last day or None)
MONTHS = [
    ("Endoxan i.v. månedlig februar–juli 2025.", dt.date(2025, 2, 15), dt.date(2025, 7, 15)),
    ("Prednisolon sinds maart 2024.", dt.date(2024, 3, 15), None),
    ("Benlysta sinds januari 2026.", dt.date(2026, 1, 15), None),
    ("Remission seit Mai 2026.", dt.date(2026, 5, 15), None),
    ("MabThera 2x im Dez 2025.", dt.date(2025, 12, 15), None),
    ("Nierenbiopsie (20. Okt. 2026).", dt.date(2026, 10, 20), None),
    ("Aufnahme am 3. Nov. 2026.", dt.date(2026, 11, 3), None),
    ("Siden augusti 2026 takrolimus.", dt.date(2026, 8, 15), None),
    # a run of days as German letters write a course
    ("Ceftriaxon i.v. 26.-29.10.2026, dann oral.", dt.date(2026, 10, 26), dt.date(2026, 10, 29)),
    ("MP-Stoß 14.–16.10.2026.", dt.date(2026, 10, 14), dt.date(2026, 10, 16)),
    ("Methylprednisolon (3.-5.7.25).", dt.date(2025, 7, 3), dt.date(2025, 7, 5)),
]


@pytest.mark.parametrize(("text", "first", "last"), MONTHS)
def test_a_local_month_name_dates_the_text(text: str, first: dt.date, last: dt.date | None
                                           ) -> None:  # fmt: skip
    assert [(m.date, m.end_date) for m in find_dates(text, NOTE_DATE)] == [(first, last)]
