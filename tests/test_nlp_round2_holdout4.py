"""Issue 15, round 2: the mechanisms behind the fourth hold-out's misses.

The fourth hold-out is notes written in English at Southern European and Latin American
centres: local analyte names in pasted lab tables, decimal commas, counts per mm³ grouped
with dots, brand names. Each block names a mechanism found by reading the engine's misses
there, and tests it with sentences written for these tests (other analytes, other
languages' spellings, other layouts). No hold-out sentence is used. Where a shape stays
ambiguous the value is left out (a misread value is worse than a missing one).

Note date for all notes: 2026-11-10.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.reader import parse_eligibility_text
from matcher.model import Finding
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _found(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    for f in found:
        assert text[f.start : f.end] == f.text, "span does not index the note text"
    return found


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-3 * max(1.0, abs(b))


# ------------------------------------------------------ analyte names of local lab systems
# A lab table pasted from a Spanish, Portuguese or Italian lab system names its analytes in
# that language ("Linfocitos", "Piastrine", "T. protrombina", "Relação proteína/creatinina").
# None of them was known, so the counts, PT and UPCR of a whole cohort went unknown.
# (text, concept, value in the canonical unit)
LOCAL_NAMES = [
    ("Leucócitos: 7,3 x 10^3/µL", "lab.wbc", 7.3),
    ("Globuli bianchi 5.4 x10^9/L", "lab.wbc", 5.4),
    ("LEUCOCITOS   8,90   x10^3/uL   4,00-11,00", "lab.wbc", 8.9),
    ("Neutrófilos 3,4 x10^3/uL", "lab.neutrophils", 3.4),
    ("neutrofili 2.9 x10^9/L (2.0-7.5)", "lab.neutrophils", 2.9),
    ("Linfócitos 1,6 x10^9/L", "lab.lymphocytes", 1.6),
    ("linfociti 0.8 x10^9/L", "lab.lymphocytes", 0.8),
    ("Piastrine 245 x10^9/L", "lab.platelets", 245.0),
    ("Plaquetas: 310 x10^3/µL", "lab.platelets", 310.0),
    ("Emoglobina 11,2 g/dL", "lab.hemoglobin", 112.0),
    ("Tiempo de protrombina 13,1 s", "lab.pt", 13.1),
    ("Tempo di protrombina 12.4 sec", "lab.pt", 12.4),
    ("TP 13,4 seg (10,5-13,5)", "lab.pt", 13.4),
    ("Razón proteína/creatinina 1,9 g/g", "lab.upcr", 1.9),
    ("Índice proteína/creatinina 2,3 mg/mg", "lab.upcr", 2.3),
    ("RPC 1,1 g/g", "lab.upcr", 1.1),
    ("TFG estimada 64 mL/min/1.73m2", "lab.egfr", 64.0),
    ("FGe (CKD-EPI) 77 ml/min", "lab.egfr", 77.0),
    ("Bilirubina totale 1,1 mg/dl", "lab.bilirubin_total", 1.1 * 17.1),
    ("Creatinina sérica 0,71 mg/dL", "lab.creatinine", 0.71 * 88.4),
]


@pytest.mark.parametrize(("text", "concept", "value"), LOCAL_NAMES)
def test_a_local_lab_systems_analyte_name_is_read_as_the_analyte(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    found = _found(parser, text, concept)
    assert len(found) == 1, found
    assert _close(found[0].value, value), found[0]


# Guards for the new names (nothing read here before the fix either): the same languages
# put a subset or another fluid AFTER the cell's name ("linfocitos T
# CD4+", "leucocitos en orina"), and "TP" is total protein as often as prothrombin time:
# none of these is the blood count or the PT.
LOCAL_NAMES_LEFT_OUT = [
    ("Linfocitos T CD4+ 0,45 x10^9/L", "lab.lymphocytes"),
    ("Linfócitos B 0,12 x10^9/L", "lab.lymphocytes"),
    ("leucocitos en orina 25 /uL", "lab.wbc"),
    ("Hemoglobina glicosilada 6,1 %", "lab.hemoglobin"),
    ("TP 7.2", "lab.pt"),
    ("TP 6,8 g/dL", "lab.pt"),
]


@pytest.mark.parametrize(("text", "concept"), LOCAL_NAMES_LEFT_OUT)
def test_a_local_name_for_another_measurement_is_not_the_analyte(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _found(parser, text, concept) == []


# --------------------------------------------- counts per mm³ grouped with dot thousands
# "Leucocitos 4.100 /mm3", "Plaquetas 198.000 /mm3 (150.000 - 450.000)": a count per mm³
# with dot thousands. Read as decimals they became 0.0041 and 0.198 ×10⁹/L, a misread that
# made a platelet exclusion true. Where the printed unit fits only one reading, that one is
# taken, and its range is read the same way; where both fit ("ALT 1.200 U/L"), nothing.
# (text, concept, value ×10⁹/L or canonical, ULN or None)
DOT_THOUSANDS = [
    ("WBC 6.800/mm3", "lab.wbc", 6.8, None),
    ("Platelets 87.000 /µL", "lab.platelets", 87.0, None),
    ("Neutrófilos 2.350 cells/mm³ (1.800 - 7.700)", "lab.neutrophils", 2.35, 7.7),
    ("Plaquetas 254.000 /mm3 (150.000 - 400.000)", "lab.platelets", 254.0, 400.0),
    ("Linfocitos   950   /mm3", "lab.lymphocytes", 0.95, None),
    ("lymphocytes 1.050/mm3", "lab.lymphocytes", 1.05, None),
]


@pytest.mark.parametrize(("text", "concept", "value", "uln"), DOT_THOUSANDS)
def test_a_count_grouped_with_dot_thousands_takes_the_reading_its_unit_fits(
    parser: NoteParser, text: str, concept: str, value: float, uln: float | None
) -> None:
    found = _found(parser, text, concept)
    assert len(found) == 1, found
    assert _close(found[0].value, value), found[0]
    assert _close(found[0].ref_high, uln), found[0]


# Guards (these read so before the fix too): where the unit makes the decimal reading the
# only one, it stays the reading.
DOT_DECIMALS_KEPT = [
    ("WBC 5.300 x10^9/L", "lab.wbc", 5.3),
    ("Creatinine 1.100 mg/dL", "lab.creatinine", 1.1 * 88.4),
    ("Hb 12.500 g/dL", "lab.hemoglobin", 125.0),
]


@pytest.mark.parametrize(("text", "concept", "value"), DOT_DECIMALS_KEPT)
def test_a_dot_grouped_value_whose_unit_fits_only_the_decimal_stays_a_decimal(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    (found,) = _found(parser, text, concept)
    assert _close(found.value, value), found


DOT_THOUSANDS_LEFT_OUT = [
    ("ALT 1.200 U/L", "lab.alt"),  # 1.2 or 1200 U/L: both are liver enzymes seen
    ("Plaquetas 1.250.000 /mm3", "lab.platelets"),  # two groups the value grammar cuts
]


@pytest.mark.parametrize(("text", "concept"), DOT_THOUSANDS_LEFT_OUT)
def test_a_dot_grouped_value_both_readings_fit_stays_out(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert _found(parser, text, concept) == []


# ------------------------------------------ the eGFR equation named by age after the limit
# "eGFR >= 45 mL/min/1.73 m2 (bedside Schwartz formula for participants younger than 18
# years; CKD-EPI for those 18 years or older)": the bracket only says how the eGFR is
# estimated, and a note's eGFR is judged as written. Its ages were left over as words not
# understood (the criterion went manual for every patient), and the Schwartz name inside it
# was read as a second eGFR with "younger than 18" as its limit.
EQUATION_BRACKETS = [
    ("eGFR >= 60 mL/min/1.73 m2 (Schwartz equation for children under 18 years, "
     "CKD-EPI from 18 years)", ">=", 60.0),
    ("Estimated GFR of at least 30 mL/min/1.73m² (bedside Schwartz if < 18 years old)",
     ">=", 30.0),
    ("eGFR >= 30 mL/min/1.73 m2 (Schwartz equation in children, CKD-EPI 2021 in adults)",
     ">=", 30.0),
    ("eGFR < 40 mL/min/1.73 m2 (MDRD formula; Cockcroft-Gault not accepted)", "<", 40.0),
    ("Glomerular filtration rate > 50 ml/min/1.73m2 (CKD-EPI for participants aged 18 "
     "years or older; updated Schwartz below 18 years)", ">", 50.0),
]


@pytest.mark.parametrize(("text", "op", "value"), EQUATION_BRACKETS)
def test_a_bracket_naming_the_egfr_equation_by_age_changes_no_threshold(
    text: str, op: str, value: float
) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "lab", criterion.manual_reason
    assert criterion.params["analytes"] == ["lab.egfr"]
    assert (criterion.params["op"], criterion.params["value"]) == (op, value)
    assert not criterion.params.get("alternatives"), criterion.params


# Guard: a bracket that states another limit is not just the equation: it stays for a
# person (manual before the fix too, and must stay so).
EQUATION_BRACKETS_WITH_A_LIMIT = [
    "eGFR > 60 mL/min/1.73m2 (CKD-EPI; >= 30 if over 65 years)",
    "eGFR ≥ 50 mL/min/1.73 m² (MDRD for adults over 18 years, or 40 for children)",
]


@pytest.mark.parametrize("text", EQUATION_BRACKETS_WITH_A_LIMIT)
def test_an_equation_bracket_with_another_limit_stays_manual(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


# ---------------------------------------------- a modifier sharing the next member's noun
# "History of solid organ or hematopoietic stem cell transplantation": "solid organ" shares
# "transplantation" with the stem-cell member. Split at "or", "History of solid organ" named
# nothing and the exclusion went manual for every patient. The head taken is the fewest
# last words of the next member that make a vocabulary term with the bare member.
SHARED_NOUNS = [
    ("Prior solid organ or stem cell transplant", ["dx.transplant", "dx.hsct"]),
    ("History of kidney or haematopoietic stem cell transplantation",
     ["dx.transplant", "dx.hsct"]),
    ("Recipients of a solid organ or bone marrow transplantation", ["dx.transplant", "dx.hsct"]),
    ("Previous renal or hematopoietic stem cell transplant", ["dx.transplant", "dx.hsct"]),
]


@pytest.mark.parametrize(("text", "concepts"), SHARED_NOUNS)
def test_a_bare_modifier_takes_the_noun_of_the_member_after_it(
    text: str, concepts: list[str]
) -> None:
    criteria = parse_eligibility_text(f"Exclusion Criteria:\n- {text}\n", ["lupus nephritis"])
    assert [c.kind for c in criteria] == ["diagnosis"] * len(concepts), [
        (c.kind, c.manual_reason, c.text) for c in criteria]
    assert [c.params["concepts"] for c in criteria] == [[c] for c in concepts]
