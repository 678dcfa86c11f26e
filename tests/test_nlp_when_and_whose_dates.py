"""When things happened in notes by other hands: which numeric convention a note dates by,
which dates are no clinical dates (a fax banner, a birth date), "on admission" in a
discharge summary, and ages written in French, Portuguese, Spanish or through OCR.

Every sentence was written for these tests (none is copied from a hold-out set); each
expectation is what GUIDELINE.md says is right: an undecidable date stays undecided.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from matcher.errors import VocabularyError
from matcher.nlp import dates
from matcher.nlp.dates import birth_label_start, find_dates, infer_day_first
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import data_text

D = dt.date


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ----------------------------------------------------------------- the note's convention


@pytest.mark.parametrize(
    ("text", "note_date", "expected"),
    [
        # The note prints its own date, and only one reading of it is that day.
        ("Renal clinic 07/08/2026: kidney biopsy 02/08/2026 class IV.", D(2026, 8, 7), True),
        ("07/08/2026 - kidney biopsy 02/08/2026 class IV.", D(2026, 7, 8), False),
        ("Seen 04/04/2026; biopsy 02/03/2026.", D(2026, 4, 4), None),  # same either way
        ("Biopsy 02/03/2026, reviewed today.", D(2026, 10, 1), None),  # no own date
        # The note's own date against an impossible field elsewhere: undecided.
        ("Clinic 07/08/2026. Bloods 08/25/2026.", D(2026, 8, 7), None),
        # A fax banner's date tells nothing where the writer's dates do.
        ("10/14/2026 09:05 FROM: WARD 3 TO: 5550100 P. 001/003\nAdmitted 20/09/2026, "
         "labs 02/10/2026.", D(2026, 10, 14), True),
        ("FAX 14/10/2026 09:05 CITY HOSPITAL\nSeen 10/02/2026; bloods 10/28/2026.",
         D(2026, 10, 14), False),
        # ... and decides only where nothing else does.
        ("FAX RECEIVED 10/14/2026 16:40 FROM NORTH CLINIC\nBiopsy 05/02/2026.",
         D(2026, 10, 14), False),
        # A specimen line's "Received" with a clock time is no transmission banner.
        ("Specimen collected: 10/02/2026 08:40   Received: 10/02/2026\nAST 30 (10/27/2026)",
         D(2026, 10, 29), False),
    ],
)
def test_the_notes_own_dates_tell_its_convention(
    text: str, note_date: dt.date, expected: bool | None
) -> None:
    assert infer_day_first(text, note_date) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contrôle de la PBR du 02/03/2026 : classe IV.", True),
        ("Biópsia renal em 02/03/2026, nefrite lúpica.", True),
        ("Biopsia renal del 02/03/2026, clase IV.", True),
        ("Nierenbiopsie 02/03/2026 mit Klasse IV.", True),
        ("Control puncture biopsy 02/03/2026: classe IV-G.", True),
        # English notes with capitalised or glued look-alikes stay undecided.
        ("Seen by Dr Du 02/03/2026, see www.clinic.com for the leaflet.", None),
        ("Biopsy 02/03/2026 (CON: consent signed), DEL mutation absent.", None),
    ],
)
def test_a_day_first_language_makes_the_note_day_first(text: str, expected: bool | None) -> None:
    assert infer_day_first(text) is expected


# ----------------------------------------------------------------- birth dates


@pytest.mark.parametrize(
    ("text", "is_birth"),
    [
        ("Re: J. K.  DOB: 04/02/2010", True),
        ("Menina nascida em 04/02/2010, LES", True),
        ("Garçon né le 04/02/2010.", True),
        ("Girl born the 04/02/2010, seen today", True),
        ("date of birth 04/02/2010", True),
        ("Biopsy 04/02/2010 (born at term, no issues)", False),
        ("Newborn screen 04/02/2010", False),
    ],
)
def test_a_birth_label_marks_the_date_after_it(text: str, is_birth: bool) -> None:
    mention = find_dates(text, D(2026, 10, 1), day_first=True)[0]
    assert (birth_label_start(text, mention) is not None) is is_birth


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Letter re: A. B.  DOB 05/06/2009\nActive nephritis. SLEDAI-2K 12.", "score.sledai"),
        ("Letter re: A. B.  DOB 05/06/2009\nActive nephritis. ECOG 1.", "score.ecog"),
        ("Patient: C. D. (DOB 14/03/2011)\nHeight 150 cm", "lab.height"),
    ],
)
def test_a_birth_date_dates_nothing_after_it(parser: NoteParser, text: str, concept: str) -> None:
    note_date = D(2026, 10, 1)
    found = [f for f in parser.parse(text, "n", note_date) if f.concept == concept]
    assert found and all(f.date == note_date for f in found)


@pytest.mark.parametrize(
    ("text", "birth"),
    [
        ("Patiente née le 14/03/2011. Lupus.", "2011-03-14"),
        ("Menino nascido em 25/10/2012, LES.", "2012-10-25"),
        ("Boy born the 14/03/2011.", "2011-03-14"),
        ("DOB: 14/03/2011", "2011-03-14"),
    ],
)
def test_birth_dates_in_other_languages_are_read(parser: NoteParser, text: str, birth: str) -> None:
    found = [f for f in parser.parse(text, "n", D(2026, 10, 1))
             if f.concept == "demographic.birth_date"]  # fmt: skip
    assert [f.value for f in found] == [birth]


# ----------------------------------------------------------------- ages


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Fillette de 8 ans suivie pour un lupus.", 8),
        ("Jeune fille de 15 ans, LES connu.", 15),
        ("Adolescente âgée de 14 ans.", 14),
        ("Paciente de 12 anos com nefrite lúpica.", 12),
        ("Niña de 11 años con lupus.", 11),
        ("l6 yo M with SLE (fax copy)", 16),
        ("I3-year-old girl, OCR copy", 13),
        # a duration, an onset, a time ago: no age
        ("LES depuis 3 ans.", None),
        ("Lupus depuis l'âge de 12 ans.", None),
        ("LES desde os 10 anos.", None),
        ("Diagnosed l5 yrs ago", None),
        ("Ward l7 yo", 17),
    ],
)
def test_ages_in_other_languages_and_ocr(parser: NoteParser, text: str, age: int | None) -> None:
    found = [f.value for f in parser.parse(text, "n", D(2026, 10, 1))
             if f.concept == "demographic.age"]  # fmt: skip
    assert found == ([] if age is None else [float(age)])


# ----------------------------------------------------------------- on admission


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Admitted 20/04/2026, discharged 02/05/2026.\nSLEDAI-2K on admission 16.", D(2026, 4, 20)),
        ("Date of admission: 20/04/2026.\nCRP on admission 80.", D(2026, 4, 20)),
        # no admission date, or two of them: the note's own day
        ("SLEDAI-2K on admission 16.", D(2026, 10, 1)),
        ("Admitted 20/04/2026 and admitted 13/06/2026.\nCRP on admission 80.", D(2026, 10, 1)),
    ],
)
def test_on_admission_is_the_stated_admission_day(text: str, expected: dt.date) -> None:
    mentions = [m for m in find_dates(text, D(2026, 10, 1)) if "admission" in m.text]
    assert [m.date for m in mentions if m.text.startswith("on")] == [expected]


# ----------------------------------------------------------------- copied panels, drug dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A recalled panel: its header line and the rows under it are of the panel's day.
        ("Visite du 15/10/2026.\nRappel du bilan du 02/08/2026 (rien de neuf depuis): "
         "CD19 9 %.\nHb 11,9 g/dL ; créatininémie 48 µmol/L", D(2026, 8, 2)),
        ("Seen today.\nRecall of the bloods of 14/08/2026 (none since): CRP 3.\n"
         "Hb 119 g/L, creatinine 48 umol/L", D(2026, 8, 14)),
        # ... until a line that speaks of now again, or a blank line.
        ("Rappel du bilan du 02/08/2026: CD19 9 %.\n\nHb 11,9 g/dL", D(2026, 10, 15)),
        ("Recall of the bloods of 14/08/2026: CRP 3.\nToday: Hb 119 g/L", D(2026, 10, 15)),
        # No recall cue: a dated label dates its sentence only.
        ("Bloods 14/08/2026: CRP 3.\nHb 119 g/L", D(2026, 10, 15)),
    ],
)
def test_a_recalled_panel_dates_the_rows_under_its_header(
    parser: NoteParser, text: str, expected: dt.date
) -> None:
    found = [f for f in parser.parse(text, "n", D(2026, 10, 15)) if f.concept == "lab.hemoglobin"]
    assert [f.date for f in found] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On prednisone (since 05/2025) and MMF (since 06/2025) with proteinuria (UPCR 1.9).",
         D(2026, 10, 15)),
        ("Tacrolimus (from 03/2026), UPCR 1.9 mg/mg.", D(2026, 10, 15)),
        # The date written with the value is the value's.
        ("UPCR 1.9 mg/mg (06/2025).", D(2025, 6, 15)),
        ("Proteinuria (UPCR 1.9 on 06/2025), MMF since 2024.", D(2025, 6, 15)),
    ],
)
def test_a_drugs_bracketed_start_date_is_not_the_values(
    parser: NoteParser, text: str, expected: dt.date
) -> None:
    found = [f for f in parser.parse(text, "n", D(2026, 10, 15)) if f.concept == "lab.upcr"]
    assert [f.date for f in found] == [expected]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Partial response only; proteinuria persistent.", True),
        ("Contrôle: protéinurie persistante.", True),
        ("Proteinúria persistente apesar do MMF.", True),
        ("Proteinuria resolved.", False),
    ],
)
def test_proteinuria_said_persistent_after_its_name(
    parser: NoteParser, text: str, found: bool
) -> None:
    got = [f for f in parser.parse(text, "n", D(2026, 10, 15))
           if f.concept == "status.persistent_proteinuria"]  # fmt: skip
    assert bool(got) is found


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        # A key=value export: a date field dates only itself.
        ("registry export | sledai=14 | mtx_start=2024-03-01 | ecog=1", "score.sledai",
         D(2026, 10, 15)),
        ("registry export | bx_date=2026-09-30 | sledai=14 | ecog=1", "score.sledai",
         D(2026, 10, 15)),
        ("registry export | sledai=14 | ecog=1 | mmf_start=2024-03-01", "score.ecog",
         D(2026, 10, 15)),
        # A prose sentence keeps the date written with the score.
        ("SLEDAI-2K 14 on 2026-09-30, stable since.", "score.sledai", D(2026, 9, 30)),
        # A stray bar of an OCR'd row separates no field.
        ("Haemoglobin |   118   g/L   (collected 2026-09-30)", "lab.hemoglobin", D(2026, 9, 30)),
    ],
)
def test_a_date_field_of_an_export_dates_only_itself(
    parser: NoteParser, text: str, concept: str, expected: dt.date
) -> None:
    found = [f for f in parser.parse(text, "n", D(2026, 10, 15)) if f.concept == concept]
    assert [f.date for f in found] == [expected]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.pop("transmission_words"), "transmission_words"),
        (lambda d: d.update(birth_date_labels=[]), "birth_date_labels"),
        (lambda d: d["day_first_language_words"].update(fr=["du", ""]), "day_first_language_words"),
        (lambda d: d["day_first_language_words"].update(de="mit"), "day_first_language_words"),
    ],
)
def test_malformed_date_convention_data_is_refused_naming_the_field(change, field) -> None:
    data = json.loads(data_text("date_conventions.json"))
    change(data)
    with pytest.raises(VocabularyError) as refused:
        dates._compiled(data)
    assert "date_conventions.json" in str(refused.value)
    assert field in str(refused.value)


def test_the_packaged_date_convention_data_is_valid() -> None:
    dates._compiled(json.loads(data_text("date_conventions.json")))
