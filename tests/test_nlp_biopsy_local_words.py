"""Kidney biopsies as German, Dutch and Nordic services write them in English letters.

A letter from Vienna, Utrecht or Gothenburg names the biopsy and the disease in its own
language ("Nierenbiopsie", "nierbiopt", "njurbiopsi", "nyrebiopsi"; "Lupusnephritis",
"lupus nefritis", "lupusnefrit", "lupusnefritt") and the class with the local word for
class ("Klasse IV-G (A)", "klass III", "ISN/RPS-Klasse V"). The same biopsy written in
English is read: its classes and its own date. Written in those words, it was not read
at all, and every proliferative-LN patient went to `unknown` on the biopsy item.

A pathology report's conclusion line uses the local label ("Beurteilung:", "Conclusie:",
"Utlåtande:", "Diagnose:"); and a biopsy showing another disease with the local denial
("kein Anhalt für eine Lupusnephritis") is a biopsy without a class.

The sentences are written here, in several services' styles; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Finding
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _biopsies(parser: NoteParser, text: str, note_type: str | None = None) -> list[Finding]:
    return [f for f in parser.parse(text, "n1", NOTE_DATE, note_type)
            if f.concept == "biopsy.kidney"]  # fmt: skip


# (sentence in a clinic letter, classes, the biopsy's own date)
LETTER_SENTENCES = [
    ("Nierenbiopsie am 14.05.2026: Lupusnephritis Klasse III (A), ISN/RPS 2018.",
     ["III"], dt.date(2026, 5, 14)),
    ("Diagnosen: SLE mit Lupusnephritis Klasse IV-S (A/C) + V (Nierenbiopsie 02.03.2026).",
     ["IV", "V"], dt.date(2026, 3, 2)),
    ("Nierbiopt d.d. 18-04-2026: lupus nefritis klasse IV-G (A).", ["IV"], dt.date(2026, 4, 18)),
    ("Njurbiopsi 2026-02-11 visade lupusnefrit klass III (A/C).", ["III"], dt.date(2026, 2, 11)),
    ("Nyrebiopsi 03.06.2026: lupusnefritt klasse IV-G (A/C), 2 cellulære halvmåner.",
     ["IV"], dt.date(2026, 6, 3)),
    ("Kjent SLE; lupus nefritis klasse V ved nyrebiopsi 20.01.2026.", ["V"], dt.date(2026, 1, 20)),
    ("Re-Biopsie der Niere vom 07.04.2026: membranöse Lupusnephritis, ISN/RPS-Klasse V.",
     ["V"], dt.date(2026, 4, 7)),
    ("Z.n. Lupusnephritis Klasse III + V (Biopsie 12.02.2026), weiter Proteinurie.",
     ["III", "V"], dt.date(2026, 2, 12)),
    ("Wij zien een meisje met lupus nefritis klasse IV (nierbiopt 22-05-2026).",
     ["IV"], dt.date(2026, 5, 22)),
    ("Pojke med lupusnefrit klass IV-G (A), njurbiopsi 2026-05-08, kvarstående proteinuri.",
     ["IV"], dt.date(2026, 5, 8)),
    ("Pige med lupus nefritis klasse III (A) + V (nyrebiopsi 15.04.2026).",
     ["III", "V"], dt.date(2026, 4, 15)),
    ("Lupusnephritis ISN/RPS-Klasse IV-G (A) in der Nierenbiopsie vom 09.06.2026.",
     ["IV"], dt.date(2026, 6, 9)),
]


@pytest.mark.parametrize(("text", "classes", "date"), LETTER_SENTENCES)
def test_a_biopsy_in_local_words_gives_its_classes_and_its_own_date(
    parser: NoteParser, text: str, classes: list[str], date: dt.date
) -> None:
    found = _biopsies(parser, text)
    assert [(f.attrs["classes"], f.date) for f in found] == [(classes, date)]


# (pathology report, its note type, classes, date)
REPORTS = [
    ("Institut für Pathologie\nEinsendung: Nierenbiopsie rechts, entnommen am 11.05.2026\n"
     "Beurteilung: Lupusnephritis ISN/RPS Klasse IV-G (A), Aktivitätsindex 9/24.",
     "Pathologiebefund", ["IV"], dt.date(2026, 5, 11)),
    ("Nierbiopt (23-06-2026): 27 glomeruli, 8 met endocapillaire proliferatie.\n"
     "Conclusie: lupus nefritis klasse III (A) volgens ISN/RPS.",
     "Pathologieverslag", ["III"], dt.date(2026, 6, 23)),
    ("Njurbiopsi tagen 2026-04-14.\nUtlåtande: lupusnefrit ISN/RPS klass IV-S (A) + V.",
     "Patologisvar", ["IV", "V"], dt.date(2026, 4, 14)),
    ("Nierenbiopsie vom 21.05.2026: 16 Glomeruli, 4 mit Halbmonden.\n"
     "Diagnose: Lupusnephritis Klasse IV-G (A/C) nach ISN/RPS 2018.",
     "Pathologiebefund", ["IV"], dt.date(2026, 5, 21)),
]


@pytest.mark.parametrize(("text", "note_type", "classes", "date"), REPORTS)
def test_a_local_pathology_report_gives_its_class_and_its_date(
    parser: NoteParser, text: str, note_type: str, classes: list[str], date: dt.date
) -> None:
    found = _biopsies(parser, text, note_type)
    assert {(tuple(f.attrs["classes"]), f.date) for f in found} == {(tuple(classes), date)}


OTHER_DISEASE = [
    "Nierenbiopsie 21.03.2026: IgA-Nephropathie (Oxford M1 E0 S1 T0). Kein Anhalt für eine "
    "Lupusnephritis.",
    "Nierbiopt 21-03-2026: IgA-nefropathie, geen aanwijzingen voor lupus nefritis.",
]


@pytest.mark.parametrize("text", OTHER_DISEASE)
def test_a_local_biopsy_of_another_disease_is_a_biopsy_without_a_class(
    parser: NoteParser, text: str
) -> None:
    found = _biopsies(parser, text, "Pathologiebefund")
    assert found and all(f.attrs["classes"] == [] for f in found), found
    assert {f.date for f in found} == {dt.date(2026, 3, 21)}
