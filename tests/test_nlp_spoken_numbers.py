"""Dictated notes: numbers, dates, punctuation and letters said aloud (issue 15).

Speech recognition writes what was said: "weight thirty four kilograms", "U P C R one
point nine grams per gram", "since March twenty twenty five", "no remission full stop".
matcher.nlp.spoken reads them where a value, a year or a day of a month stands, and only
there: "one of the counts", "the second biopsy" and "SLEDAI two K" are no values. The
sentences are written for these tests (no hold-out sentence); note date 2026-11-10.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from matcher.errors import VocabularyError
from matcher.nlp import spoken
from matcher.nlp.pipeline import NoteParser
from tests import test_nlp_round2_holdout3 as _round2

NOTE_DATE, _close, _found = _round2.NOTE_DATE, _round2._close, _round2._found
parser = _round2.parser
D = dt.date


# ------------------------------------------------------------ values said as words
# (text, concept, value in the concept's canonical unit)
SPOKEN_VALUES = [
    ("weight thirty four kilograms full stop", "lab.weight", 34.0),
    ("Weighs forty-one point five kilos on the clinic scale.", "lab.weight", 41.5),
    ("ECOG one full stop plan review in clinic", "score.ecog", 1.0),
    ("Lansky play performance score seventy today", "score.lansky", 70.0),
    ("SLEDAI two K of twelve at this visit full stop", "score.sledai", 12.0),
    ("the SLEDAI two K score is nine today comma improving", "score.sledai", 9.0),
    ("U P C R one point nine grams per gram full stop", "lab.upcr", 1.9),
    ("uPCR nought point four two grams per gram on the spot sample", "lab.upcr", 0.42),
    ("urine protein creatinine ratio two hundred and twenty six milligrams per millimole",
     "lab.upcr", 226 / 113.12),
    ("creatinine forty two micromoles per litre comma stable", "lab.creatinine", 42.0),
    ("haemoglobin one hundred and four grams per litre full stop", "lab.hemoglobin", 104.0),
    ("A L T twenty eight units per litre", "lab.alt", 28.0),
    ("A N A one in six hundred and forty on the last screen", "lab.ana", 640.0),
    ("flow cytometry CD nineteen B cells four percent full stop", "lab.cd19", 4.0),
]


@pytest.mark.parametrize(("text", "concept", "value"), SPOKEN_VALUES)
def test_a_number_said_as_words_is_the_value(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    found = [f for f in _found(parser, text, concept) if f.value is not None]
    assert len(found) == 1, found
    assert _close(found[0].value, value) or _close(found[0].value, round(value, 2)), found[0]


def test_the_evidence_is_the_words_as_said(parser: NoteParser) -> None:
    text = "clinic today full stop weight thirty eight kilograms full stop"
    (weight,) = _found(parser, text, "lab.weight")
    assert weight.text == "weight thirty eight kilograms"
    (upcr,) = _found(parser, "U P C R two point two grams per gram", "lab.upcr")
    assert upcr.text == "U P C R two point two grams per gram"


@pytest.mark.parametrize(
    "text",
    ["UPCR 2.2 grams per gram", "Proteinuria: UPCR 0.8 mg per mg",
     "uPCR 1.4 g per g on the morning sample"],
)
def test_a_unit_said_in_words_is_quoted_whole(parser: NoteParser, text: str) -> None:
    """ "gram" was looked for in "grams per gram" and found inside "grams": the quote
    stopped there ("UPCR 2.2 gram")."""
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.value is not None]
    assert len(found) == 1 and found[0].raw_unit is not None, found
    assert found[0].text.endswith(found[0].raw_unit), found[0]


# ------------------------------------------------------------- dates said as words
# (text, concept, the finding's date or its course's start)
SPOKEN_DATES = [
    ("renal biopsy on the ninth of September twenty twenty six showed class four lupus "
     "nephritis", "biopsy.kidney", D(2026, 9, 9)),
    ("kidney biopsy of thirtieth June twenty twenty six colon class three lupus nephritis",
     "biopsy.kidney", D(2026, 6, 30)),
    ("on prednisolone since March twenty twenty five full stop", "drug.glucocorticoid",
     D(2025, 3, 15)),
    ("mycophenolate started in two thousand and twenty four comma tolerating it",
     "drug.mycophenolate", D(2024, 7, 1)),
    ("tacrolimus from the first of August full stop levels fine", "drug.tacrolimus",
     D(2026, 8, 1)),
]


@pytest.mark.parametrize(("text", "concept", "date"), SPOKEN_DATES)
def test_a_date_said_as_words_dates_the_fact(
    parser: NoteParser, text: str, concept: str, date: dt.date
) -> None:
    found = _found(parser, text, concept)
    assert found, text
    dated = found[0].attrs.get("start_date") or found[0].date
    assert dated == date, found[0]


# ------------------------------------------------------------ words that are no values
# (text, concept whose value must not be the spoken word)
NO_VALUE = [
    ("one of the platelet counts was clumped, repeat sent", "lab.platelets"),
    ("SLEDAI two K not repeated this visit", "score.sledai"),
    ("no one has weighed her since the admission", "lab.weight"),
    ("weight the one measured on the ward was lost", "lab.weight"),
]


@pytest.mark.parametrize(("text", "concept"), NO_VALUE)
def test_a_number_word_that_is_no_value_gives_none(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert all(f.value is None for f in _found(parser, text, concept))


def test_a_day_word_without_its_month_is_no_date(parser: NoteParser) -> None:
    text = "the second biopsy showed class four lupus nephritis"
    found = _found(parser, text, "biopsy.kidney")
    assert found and all(f.date in (None, NOTE_DATE) for f in found)
    assert "second" in spoken.spoken_as_written(text)


# ------------------------------------------------------- punctuation said aloud
# "full stop" ends the dictated sentence: a negation before it does not reach past it.
SPOKEN_STOPS = [
    ("no remission full stop sledai two K twenty full stop", "score.sledai", 20.0),
    ("not in remission full stop\nSLEDAI two K ten", "score.sledai", 10.0),
    ("no new symptoms full stop weight twenty nine kilograms", "lab.weight", 29.0),
]


@pytest.mark.parametrize(("text", "concept", "value"), SPOKEN_STOPS)
def test_a_spoken_full_stop_ends_the_sentence(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    found = [f for f in _found(parser, text, concept) if f.value is not None]
    assert len(found) == 1 and _close(found[0].value, value), found
    assert found[0].is_patient_fact, found[0]


# ------------------------------------------------------- letters said one by one
@pytest.mark.parametrize(
    ("text", "concept"),
    [("H I V screening non reactive", "dx.hiv"), ("S L E with nephritis", "dx.sle"),
     ("A N A positive at one in three hundred and twenty", "lab.ana")],
)  # fmt: skip
def test_letters_said_one_by_one_spell_the_abbreviation(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _found(parser, text, concept)


@pytest.mark.parametrize(
    ("text", "concept"),
    [("Re: T B, male, 14, referred by Dr M I Okafor", "dx.tuberculosis"),
     ("Re: T B, male, 14, referred by Dr M I Okafor", "dx.mi")],
)
def test_two_letters_are_initials_not_an_abbreviation(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert not _found(parser, text, concept)


def test_letters_that_spell_no_abbreviation_stay() -> None:
    text = "letter for F A hospital number G H I"
    assert spoken.spoken_as_written(text, frozenset({"HIV", "UPCR"})) is text


def test_the_reading_text_keeps_every_offset() -> None:
    text = "U P C R one hundred and sixty milligrams per millimole full stop weight forty"
    reading = spoken.spoken_as_written(text, frozenset({"UPCR"}))
    assert len(reading) == len(text)
    assert reading.split() == ["UPCR", "160", "milligrams", "per", "millimole.", "weight", "40"]


# ------------------------------------------------------------ the data is checked
@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d["units"].update(one="1"), "units"),
        (lambda d: d["tens"].update(Twenty=20), "tens"),
        (lambda d: d.pop("ordinals"), "(top level)"),
        (lambda d: d["ordinals"].update(one=1), "units/tens/scales/ordinals"),
        (lambda d: d.update(years_from=["hundred"]), "years_from"),
        (lambda d: d["spoken_marks"].update(stop="xx"), "spoken_marks"),
        (lambda d: d.update(not_before="of"), "not_before"),
    ],
)
def test_malformed_spoken_number_data_is_refused_naming_the_field(change, field) -> None:
    data = json.loads(spoken.data_text("spoken_numbers.json"))
    change(data)
    with pytest.raises(VocabularyError) as refused:
        spoken._validated(data)
    assert "spoken_numbers.json" in str(refused.value)
    assert field in str(refused.value)


# ------------------------------------------------------- a class said as a homophone
# Speech recognition writes "class four" as "class for": read as four only where a class
# of lupus nephritis goes on ("class for lupus nephritis", "class for plus five", "class
# for with active lesions"); "a class for teenagers" is a class of pupils.
@pytest.mark.parametrize(
    "text",
    ["renal biopsy colon class for lupus nephritis with active lesions",
     "Biopsy in September showed ISN/RPS class for LN.",
     "kidney biopsy class for plus five full stop"],
)
def test_class_for_is_class_four_where_a_class_of_nephritis_goes_on(
    parser: NoteParser, text: str
) -> None:
    found = [f for f in _found(parser, text, "biopsy.kidney") if f.attrs.get("classes")]
    assert found and "IV" in found[0].attrs["classes"], found


@pytest.mark.parametrize(
    "text",
    ["She attends a class for teenagers with lupus; biopsy pending.",
     "Biopsy booked; class for the parents on lupus nephritis next week."],
)
def test_class_for_before_other_words_is_no_class(parser: NoteParser, text: str) -> None:
    assert not [f for f in _found(parser, text, "biopsy.kidney") if f.attrs.get("classes")]


# "one dose" read as "1 dose" is still a single dose: the single-dose words take the digit
# too ("Rituximab 1 dose 03/2024" is written so as well).
@pytest.mark.parametrize(
    "text",
    ["Rituximab 500 mg, 1 dose for ITP 03/2024.",
     "rituximab one dose in March twenty twenty four for ITP full stop",
     "Obinutuzumab one infusion 04/2026 in a trial."],
)
def test_one_dose_said_or_written_is_a_single_dose(parser: NoteParser, text: str) -> None:
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.category == "drug"]
    assert found and found[0].attrs.get("single_dose"), found
