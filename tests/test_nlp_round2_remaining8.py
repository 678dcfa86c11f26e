"""Issue 15, round 2: the mechanisms behind the last sentence-table rows still failing, and
behind the third hold-out's last wrong patients. Every sentence here is written for these
tests (other wordings than the tables' and the hold-out's, several styles); none is copied
from a note or from the tables.

Note date for all: 2026-11-10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import PATIENT_ASSERTIONS, Finding
from matcher.nlp.dates import infer_day_first
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.test_nlp_round2_remaining import NOTE_DATE, _assert_values, _describe, _read

D = dt.date


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


# ------------------------------------------- "PCR": the UK's name for the ratio, in mg/mmol
# NICE's "urine PCR" is reported in mg/mmol; a US note writes UPCR/UPC and keeps "PCR" for
# polymerase chain reaction. So a unitless "PCR" above the g/g range (over 25) is mg/mmol
# (÷ 113), where a unitless "UPCR 186" could as well be mg/g and stays out.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spot urine PCR 240 this morning, BP 138/86.", [(2.124, NOTE_DATE)]),
        ("PCR: 88 on the early-morning sample.", [(0.779, NOTE_DATE)]),
        ("Urinary PCR 410 on 2 November 2026, albumin 24.", [(3.628, D(2026, 11, 2))]),
        ("Renal clinic. PCR 57, was 130 in September.", [(0.504, NOTE_DATE),
                                                          (1.15, D(2026, 9, 15))]),
    ],
)
def test_a_unitless_pcr_above_the_g_per_g_range_is_mg_per_mmol(
    parser: NoteParser, text: str, expected: list
) -> None:
    _assert_values(parser, text, "lab.upcr", expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UPCR 186 today.", []),  # mg/mmol or mg/g: not guessed
        ("uPCR 240 on the spot sample.", []),
        ("PCR 1.8 today.", [(1.8, NOTE_DATE)]),  # the g/g range: mg/mg as before
        ("CMV PCR 450 copies/mL last week.", []),  # polymerase chain reaction
    ],
)
def test_other_unitless_ratios_keep_their_reading(
    parser: NoteParser, text: str, expected: list
) -> None:
    """Guard: the name decides only between mg/mmol and mg/g above 25."""
    _assert_values(parser, text, "lab.upcr", expected)


# ------------------------------------------- British spelling: numeric dates are day first
# "haematuria", "oedema", "anaemia", "paediatric": a writer who spells so writes dates
# day first (UK, Ireland, Commonwealth, Europe). With no impossible-field date to decide,
# such a note's "05/03/2026" is 5 March, not left undecided.
@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        ("Anaemia improving: Hb 104 g/L on 05/03/2026.", "lab.hemoglobin",
         [(104.0, D(2026, 3, 5))]),
        ("Paediatric renal review. Creatinine 48 umol/L (07/08/2026).", "lab.creatinine",
         [(48.0, D(2026, 8, 7))]),
        ("Mild ankle oedema. ALT 31 U/L on 02/10/2026.", "lab.alt", [(31.0, D(2026, 10, 2))]),
        ("SLEDAI-2K on admission (04/09/2026) - 12 (haematuria 4, pyuria 4, proteinuria 4).",
         "score.sledai", [(12.0, D(2026, 9, 4))]),
    ],
)
def test_a_british_spelling_makes_the_notes_numeric_dates_day_first(
    parser: NoteParser, text: str, concept: str, expected: list
) -> None:
    _assert_values(parser, text, concept, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anemia improving: Hb 10.4 g/dL on 05/03/2026.", None),  # US spelling: undecided
        ("Haemophilus influenzae grown; WBC 12.1 on 05/03/2026.", None),  # a genus, not a dialect
        ("Anaemia. Hb 104 g/L on 05/03/2026; ALT 20 U/L on 10/25/2026.", False),  # mm/dd shown
        ("Haematuria since 13/03/2026.", True),
    ],
)
def test_the_spelling_decides_only_where_no_date_does(text: str, expected: bool | None) -> None:
    """Guard: an impossible-field date still decides, and a US spelling decides nothing."""
    assert infer_day_first(text) is expected


# ------------------------------------------------- a "Plan:" label inside a line: its line
# "Class IV LN. Plan: pulses x3; IV cyclophosphamide monthly" plans every item of the rest
# of the line, the ones after a semicolon too; a plan list is written with semicolons.
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Reviewed with parents. Plan: HCQ 200 mg daily; rituximab 375 mg/m2 weekly x4 "
         "after consent.", "drug.rituximab"),
        ("BP 118/72. Plan: admit; IV CTX 0.5 g/m2 monthly.", "drug.cyclophosphamide"),
        ("Stable. Plan: continue MMF 1 g bd; repeat labs; start belimumab.", "drug.belimumab"),
        ("Nephrotic again. Management plan: biopsy first; then tacrolimus 0.05 mg/kg bd.",
         "drug.tacrolimus"),
    ],
)
def test_a_plan_label_inside_a_line_plans_the_rest_of_that_line(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, concept)
    assert found and all(f.assertion == "hypothetical" for f in found), _describe(found)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("On MMF 1 g bd. Plan: repeat UPCR in 4 weeks.", "drug.mycophenolate"),
        ("Stable. Plan: continue MMF 1 g bd; repeat labs.", "drug.mycophenolate"),
        ("Plan reviewed.\nTacrolimus 2 mg bd since March.", "drug.tacrolimus"),
    ],
)
def test_a_drug_before_the_plan_label_or_continued_in_it_stays_given(
    parser: NoteParser, text: str, concept: str
) -> None:
    """Guard: the label plans what follows it on its line, and "continue" is taken now."""
    found = _read(parser, text, concept)
    assert found and all(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)


# --------------------------------------------------- a duration belongs to its own drug
# In a drug history each drug keeps its own length of treatment: "MMF 8 months, tacrolimus
# 3 months, now belimumab" says nothing of how long belimumab has run, and a length written
# right after one name of a list ("CTX, MMF, steroids >6 mo") is that drug's, so the
# others are not placed on a course running up to the note. "For 6 months" after a
# coordinated list is still the whole list's.
def _started(found: list[Finding]) -> list[dt.date | None]:
    return sorted((f.attrs.get("start_date") for f in found), key=str)


@pytest.mark.parametrize(
    ("text", "concept", "starts"),
    [
        ("Previously MMF 8 months, tacrolimus 3 months, now belimumab.", "drug.belimumab",
         [None]),
        ("Refractory despite cyclophosphamide, MMF, tacrolimus, steroids >6 mo.",
         "drug.cyclophosphamide", [None]),
        ("Treated with azathioprine, prednisolone 2 years.", "drug.azathioprine", [None]),
        ("Sirolimus 4 months; afterwards rituximab.", "drug.rituximab", [None]),
    ],
)
def test_a_duration_written_for_another_drug_does_not_date_this_one(
    parser: NoteParser, text: str, concept: str, starts: list
) -> None:
    found = _read(parser, text, concept)
    assert found and _started(found) == starts, _describe(found)


@pytest.mark.parametrize(
    ("text", "concept", "starts"),
    [
        ("On prednisolone and MMF for 6 months.", "drug.glucocorticoid", [D(2026, 5, 11)]),
        ("On prednisolone and MMF for 6 months.", "drug.mycophenolate", [D(2026, 5, 11)]),
        ("On azathioprine, prednisolone 2 years.", "drug.glucocorticoid",
         [D(2024, 11, 10)]),
        # a course that is over, with no date: its length is its own, its start unknown
        ("Treated with azathioprine, prednisolone 2 years.", "drug.glucocorticoid", [None]),
        ("Tacrolimus for the last 3 months.", "drug.tacrolimus", [D(2026, 8, 11)]),
    ],
)
def test_a_drug_keeps_its_own_duration_and_a_listed_one_shares_it(
    parser: NoteParser, text: str, concept: str, starts: list
) -> None:
    """Guard: the duration still dates the drug it is written for."""
    found = _read(parser, text, concept)
    assert found and _started(found) == starts, _describe(found)


# ------------------------------------ a value whose analyte the next sentence leaves out
# "Creatinine 88 umol/L in June. Today 79.": the second sentence gives a new time and a
# bare value of the one analyte just named; it is that analyte's, at that time. Only where
# the sentence names nothing else, holds one number and a time of its own that is not the
# first value's.
@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        ("Creatinine 88 umol/L in June. Today 79.", "lab.creatinine",
         [(79.0, NOTE_DATE), (88.0, D(2026, 6, 15))]),
        ("Hb 92 g/L on 2 October 2026. On 6 November 2026, 104.", "lab.hemoglobin",
         [(92.0, D(2026, 10, 2)), (104.0, D(2026, 11, 6))]),
        ("UPCR 3.1 in August. Repeat this week: 1.2.", "lab.upcr",
         [(1.2, NOTE_DATE), (3.1, D(2026, 8, 15))]),
        ("ALT 85 U/L on 1 November. Now 40 U/L.", "lab.alt",
         [(40.0, NOTE_DATE), (85.0, D(2026, 11, 1))]),
    ],
)
def test_a_bare_value_in_the_next_sentence_continues_the_analyte_just_named(
    parser: NoteParser, text: str, concept: str, expected: list
) -> None:
    _assert_values(parser, text, concept, expected)


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        ("Creatinine 88 umol/L in June. Today 3 weeks post-partum.", "lab.creatinine",
         [(88.0, D(2026, 6, 15))]),
        ("UPCR 3.1 in August. Target below 0.5.", "lab.upcr", [(3.1, D(2026, 8, 15))]),
        ("Creatinine 88 umol/L in June. WBC today 5.2.", "lab.creatinine",
         [(88.0, D(2026, 6, 15))]),
        ("UPCR 3.1 today. Earlier 1.2.", "lab.upcr", [(3.1, NOTE_DATE)]),
        ("Creatinine 88 umol/L in June.\nToday 79.", "lab.creatinine", [(88.0, D(2026, 6, 15))]),
        ("Creatinine 88 umol/L in June. Not repeated today, 2 samples haemolysed.",
         "lab.creatinine", [(88.0, D(2026, 6, 15))]),
    ],
)
def test_a_next_sentence_that_is_not_a_bare_reading_adds_nothing(
    parser: NoteParser, text: str, concept: str, expected: list
) -> None:
    """Guard: a duration, a target, another analyte, no time of its own, another line."""
    _assert_values(parser, text, concept, expected)


# ---------------------------------------------------- a disease or drug one reads about
# "She read about CAR-T for lupus online": what someone read about is a topic; it
# documents neither the patient's diagnosis nor a drug given.
@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Parents have been reading about CAR-T for lupus on a forum.", "dx.sle"),
        ("Has looked up belimumab for lupus nephritis online.", "dx.lupus_nephritis"),
        ("Has looked up belimumab for lupus nephritis online.", "drug.belimumab"),
        ("They googled SLE after the last visit.", "dx.sle"),
        ("Given a leaflet about lupus nephritis to read before the biopsy.",
         "dx.lupus_nephritis"),
    ],
)
def test_what_someone_reads_about_is_no_fact_of_the_patient(
    parser: NoteParser, text: str, concept: str
) -> None:
    found = _read(parser, text, concept)
    assert found and not any(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)


def test_a_diagnosis_named_before_the_reading_stays_the_patients(parser: NoteParser) -> None:
    """Guard: the cue reaches forward only."""
    found = _read(parser, "Known SLE since 2022; mum has read about CAR-T.", "dx.sle")
    assert found and all(f.assertion in PATIENT_ASSERTIONS for f in found), _describe(found)
