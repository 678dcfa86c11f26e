"""Drug cells of a registry export pasted into a note ("REDCap export"): `field=value`
cells, coded answers read through the note's own dictionary line.

"abx_given=2" with "# dictionary: abx_given 0=no 1=yes 2=planned/not given" is a plan, no
exposure; "tac_given=1 | tac_last_dose=2026-04-02" a dose on that day; "mmf_start=..." a
course started then; a field left empty, a code the dictionary does not give, or a field
of no drug the vocabulary knows says nothing. Records are written here, not copied.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE = dt.date(2026, 10, 1)
DICTIONARY = "# dictionary: rtx_given 0=no 1=yes 2=planned/not given | cyc_ever 0=no 1=yes"


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _drugs(parser: NoteParser, text: str) -> dict[str, tuple[str, dt.date | None]]:
    return {f.concept: (str(f.assertion), f.attrs.get("stop_date") or f.attrs.get("start_date"))
            for f in parser.parse(text, "n1", NOTE) if f.category == "drug"}


@pytest.mark.parametrize(("record", "expected"), [
    ("rtx_given=1 | rtx_last_dose=2026-04-02 | sledai=6\n" + DICTIONARY,
     {"drug.rituximab": ("affirmed", dt.date(2026, 4, 2))}),
    ("rtx_given=2 | rtx_last_dose= | ecog=1\n" + DICTIONARY,
     {"drug.rituximab": ("hypothetical", None)}),
    ("rtx_given=0\n" + DICTIONARY, {"drug.rituximab": ("negated", None)}),
    # A code the dictionary does not give: nothing read.
    ("rtx_given=7\n" + DICTIONARY, {}),
    # No dictionary: a yes/no field's own 0 and 1.
    ("cyc_ever=1 | mmf_start=2025-02-01",
     {"drug.cyclophosphamide": ("affirmed", None),
      "drug.mycophenolate": ("affirmed", dt.date(2025, 2, 1))}),
    ("cyc_ever=2", {}),
    # Not a drug's field, or no known suffix.
    ("bx_class=4 | lab_hgb=10.2 | rtx_dose=375", {}),
])
def test_coded_drug_cells_are_read_through_the_notes_dictionary(parser, record, expected):
    assert _drugs(parser, record) == expected


def test_the_evidence_is_the_deciding_cell(parser) -> None:
    text = "rtx_given=1 | rtx_last_dose=2026-04-02\n" + DICTIONARY
    (found,) = [f for f in parser.parse(text, "n1", NOTE) if f.concept == "drug.rituximab"]
    assert text[found.start:found.end] == found.text == "rtx_last_dose=2026-04-02"


@pytest.mark.parametrize(("text", "field"), [
    ('{"version": 1}', "(top level)"),
    ('{"version": 2, "description": "", "given": ["given"], "start": ["start"], '
     '"last": ["last"], "yes": ["yes"], "no": ["no"], "planned": ["planned"]}', "version"),
    ('{"version": 1, "description": "", "given": [], "start": ["start"], '
     '"last": ["last"], "yes": ["yes"], "no": ["no"], "planned": ["planned"]}', "given"),
])
def test_a_bad_coded_fields_file_is_refused_naming_the_file_and_field(monkeypatch, text,
                                                                      field):
    from matcher.errors import VocabularyError
    from matcher.nlp import coded_fields, vocab

    monkeypatch.setattr(vocab, "data_text", lambda name: text)
    coded_fields._words.cache_clear()
    try:
        with pytest.raises(VocabularyError) as raised:
            coded_fields._words()
    finally:
        coded_fields._words.cache_clear()
    assert "coded_fields.json" in str(raised.value) and field in str(raised.value)
