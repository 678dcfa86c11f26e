"""Dates and assertion cues of German, Dutch and Nordic letters written in English.

- A calendar week ("KW 10/2026", "Kalenderwoche 44", "v. 44/2026") is a run of seven
  days, Monday to Sunday. "KW 10/2026" was read as October 2026: a March biopsy became a
  recent one. A week number with no year counts only after a word that means nothing
  else ("KW"): "graviditet v. 9" is the ninth week of a pregnancy.
- "kein", "keine", "geen", "ingen" negate what follows as "no" does ("keine Remission",
  "ingen remission", "kein Anhalt für eine Lupusnephritis"); "nicht bestätigt",
  "niet bevestigd" after a diagnosis deny it; "ej", "ikke", "nicht" deny the one word
  after them ("(ej Gilbert)"); "V.a." (Verdacht auf) makes it uncertain; "Mutter",
  "moeder", "søster" make it a relative's.
- "septischer Schock", "Noradrenalin ... laufend" are haemodynamic instability.

Sentences written here, in several services' styles; none is copied from a note.
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


# (text, first day, last day) of the one date the text holds
CALENDAR_WEEKS = [
    ("Nierenbiopsie in KW 10/2026 durchgeführt.", dt.date(2026, 3, 2), dt.date(2026, 3, 8)),
    ("Aufnahme KW 44.", dt.date(2026, 10, 26), dt.date(2026, 11, 1)),
    ("Endoxan-Puls in Kalenderwoche 41 gegeben.", dt.date(2026, 10, 5), dt.date(2026, 10, 11)),
    ("Njurbiopsi v. 12/2026, klass IV.", dt.date(2026, 3, 16), dt.date(2026, 3, 22)),
    ("Biopsy done in week 20/2026.", dt.date(2026, 5, 11), dt.date(2026, 5, 17)),
    ("Rituximab uge 30 2026.", dt.date(2026, 7, 20), dt.date(2026, 7, 26)),
    ("Admitted KW 50 (last winter).", dt.date(2025, 12, 8), dt.date(2025, 12, 14)),
    ("Calendar week 2/2026: MP pulses.", dt.date(2026, 1, 5), dt.date(2026, 1, 11)),
]


@pytest.mark.parametrize(("text", "first", "last"), CALENDAR_WEEKS)
def test_a_calendar_week_is_its_seven_days(text: str, first: dt.date, last: dt.date) -> None:
    found = [(m.date, m.end_date) for m in find_dates(text, NOTE_DATE)]
    assert found == [(first, last)]


NOT_CALENDAR_WEEKS = [
    "U-hCG positiv, graviditet v. 9.",
    "Gravid i uge 36.",
    "Seen in week 12 of treatment.",
    "KW 0/2026 unleserlich.",
    "KW 60/2026",
]


@pytest.mark.parametrize("text", NOT_CALENDAR_WEEKS)
def test_a_week_of_pregnancy_or_treatment_is_no_date(text: str) -> None:
    assert [m.text for m in find_dates(text, NOTE_DATE)] == []


# (sentence, concept, assertion)
ASSERTIONS = [
    ("Keine Remission unter Prednisolon.", "status.nonresponse", "affirmed"),
    ("Keine komplette Remission erreicht.", "status.complete_remission", "negated"),
    ("Kein Anhalt für eine Lupusnephritis.", "dx.lupus_nephritis", "negated"),
    ("Geen aanwijzingen voor lupus nefritis.", "dx.lupus_nephritis", "negated"),
    ("Ingen tegn på lupusnefritt.", "dx.lupus_nephritis", "negated"),
    ("Bisher keine Nierentransplantation, kein SLE in der Familie.", "dx.sle", "negated"),
    ("V.a. SLE, Abklärung läuft.", "dx.sle", "uncertain"),
    ("SLE nicht bestätigt.", "dx.sle", "negated"),
    ("SLE niet bevestigd, ANA negatief.", "dx.sle", "negated"),
    ("Mutter mit SLE seit 2010.", "dx.sle", "family"),
    ("Familieanamnese: moeder heeft SLE.", "dx.sle", "family"),
    ("Søster har SLE.", "dx.sle", "family"),
    ("Inga tecken på lupusnefrit.", "dx.lupus_nephritis", "negated"),
    # an English word that is a Nordic relative's name is no family cue; a first name no
    # negation
    ("Proteinuria fell faster on MMF than on azathioprine.", "drug.mycophenolate", "affirmed"),
    ("Nurse Inga gave the MMF dose today.", "drug.mycophenolate", "affirmed"),
    # "not" right before the noun: "ej", "ikke", "nicht", "niet", "inte"
    ("Förhöjt bilirubin, UGT1A1 normal (ej Gilbert).", "dx.gilbert", "negated"),
    ("Pasienten har ikke SLE.", "dx.sle", "negated"),
    # ... and only that noun: the drug after a verb and a comma is given
    ("Prednisolon nicht reduziert, CellCept 1 g täglich.", "drug.mycophenolate", "affirmed"),
    ("Prograf niet gestopt, MMF 600 mg.", "drug.mycophenolate", "affirmed"),
    # shock and vasopressors in German and Nordic words
    ("Aufnahme mit septischem Schock.", "status.hemodynamic_instability", "affirmed"),
    ("Noradrenalin 0,1 µg/kg/min laufend.", "status.hemodynamic_instability", "affirmed"),
    ("Inlagd med septisk chock.", "status.hemodynamic_instability", "affirmed"),
]


@pytest.mark.parametrize(("text", "concept", "assertion"), ASSERTIONS)
def test_local_cue_words_set_the_assertion(
    parser: NoteParser, text: str, concept: str, assertion: str
) -> None:
    found = [f.assertion.value for f in parser.parse(text, "n1", NOTE_DATE)
             if f.concept == concept]  # fmt: skip
    assert found == [assertion]


CLASS_DENIED = [
    "Nierenbiopsie 02.09.2026: membranöse Lupusnephritis Klasse V, kein Anhalt für Klasse III "
    "oder IV.",
    "Nierbiopt 02-09-2026: lupus nefritis klasse V; geen klasse III of IV laesies.",
]


@pytest.mark.parametrize("text", CLASS_DENIED)
def test_a_class_denied_in_local_words_is_not_asserted(parser: NoteParser, text: str) -> None:
    classes = {c for f in parser.parse(text, "n1", NOTE_DATE, "Pathologiebefund")
               if f.concept == "biopsy.kidney" for c in f.attrs["classes"]}  # fmt: skip
    assert classes == {"V"}
