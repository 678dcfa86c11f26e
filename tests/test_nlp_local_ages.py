"""A child's age as German, Dutch and Nordic letters state it.

"12-jähriger Bub (12 J.)", "14 J. alter Patient", "16-jarig meisje", "13 jaar oud",
"11-årig pojke", "13 år gammel jente", "15 år gammal flicka": the age in years, dated by
the note. Without a birth date in the record, these were the only ages stated, and the
age item went to `unknown`. A duration in the same words ("seit 2 J.", "sinds 3 jaar",
"i 2 år") is no age.

Sentences written here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _ages(parser: NoteParser, text: str) -> list[float]:
    return [f.value for f in parser.parse(text, "n1", NOTE_DATE)
            if f.concept == "demographic.age"]  # fmt: skip


AGES = [
    ("Anamnese: 12-jähriger Bub mit SLE seit 2024.", 12),
    ("Wir berichten über die 15-jährige Patientin mit Lupusnephritis.", 15),
    ("Telefonat mit dem Vater des 9 J. alten Patienten.", 9),
    ("Vorstellung eines 16 Jahre alten Mädchens.", 16),
    ("Wij zagen uw patiënte, een 14-jarig meisje met SLE.", 14),
    ("Betreft: jongen, 11 jaar oud, bekend met lupus nefritis.", 11),
    ("10-årig pojke med SLE och nefrit.", 10),
    ("13 år gammel jente med SLE, henvist fra lokalsykehus.", 13),
    ("Flicka, 15 år gammal, kontroll.", 15),
    ("17-årig kvinde med lupus nefritis.", 17),
    ("Junge (8 J.), SLE seit 2025.", 8),
]


@pytest.mark.parametrize(("text", "years"), AGES)
def test_a_locally_worded_age_is_read(parser: NoteParser, text: str, years: int) -> None:
    assert _ages(parser, text) == [years]


DURATIONS = [
    "SLE seit 2 J. bekannt, CellCept seit 12 Jahren? nein, seit 1 J.",
    "Prednisolon sinds 3 jaar.",
    "Behandlet med prednisolon i 2 år.",
    "MMF für 2 J. gegeben.",
]


@pytest.mark.parametrize("text", DURATIONS)
def test_a_duration_in_the_same_words_is_no_age(parser: NoteParser, text: str) -> None:
    assert _ages(parser, text) == []
