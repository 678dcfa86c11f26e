"""Issue 15: the lab-value mechanisms behind the ninth hold-out's misses.

The ninth hold-out is paediatric notes from Japan, Korea, Taiwan and South-East Asia:
Japanese SOAP notes and cumulative lab tables (platelets in x10^4/uL, "Cre", "T-Bil",
"Lym", "U-P/C g/gCr"), Korean inline "Lab)" lines. Each block names a mechanism found by
reading the engine's misses there and tests it with sentences written for these tests,
in several phrasings and layouts. No hold-out sentence is used.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.units import canonical_unit, convert_factor
from tests.parse_support import found as _found
from tests.parse_support import only as _only


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())




# ------------------------------------------------ counts printed per 10^4 or 10^2 per uL
# Japanese (and some Korean and Taiwanese) labs print platelets in ten-thousands per
# microlitre ("Plt 8.5 x10^4/uL" is 85,000/uL = 85 x10^9/L) and some print white counts in
# hundreds per microlitre ("WBC 56 x10^2/uL" = 5.6 x10^9/L). The unit was unreadable, so the
# platelet value fell back to a unitless guess and 8.5 x10^4/uL became 8.5 x10^9/L: ten
# times too low, a platelet criterion failed on a normal count. (text, concept, x10^9/L)
COUNTS_PER_POWER_OF_TEN = [
    ("Plt 8.5 x10^4/uL", "lab.platelets", 85.0),
    ("PLT 21.4 ×10⁴/μL (15.8-34.8)", "lab.platelets", 214.0),
    ("Plt 12.0 万/μL", "lab.platelets", 120.0),
    ("platelets 30.2 x 10^4/µL, Hb 11.9 g/dL", "lab.platelets", 302.0),
    ("Plt    4.6    x10^4/uL    L", "lab.platelets", 46.0),
    ("Platelet count 19.7 10^4/mm3", "lab.platelets", 197.0),
    ("WBC 56 x10^2/uL", "lab.wbc", 5.6),
    ("WBC 38 ×10²/μL, Plt 22.1 ×10⁴/μL", "lab.wbc", 3.8),
    ("WBC 38 ×10²/μL, Plt 22.1 ×10⁴/μL", "lab.platelets", 221.0),
]


@pytest.mark.parametrize(("text", "concept", "expected"), COUNTS_PER_POWER_OF_TEN)
def test_a_count_printed_per_ten_thousand_or_hundred_per_microlitre_is_converted(
    parser: NoteParser, text: str, concept: str, expected: float
) -> None:
    finding = _only(parser, text, concept)
    assert finding.unit == "x10^9/L"
    assert finding.value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("spelling", "factor"),
    [("x10^4/uL", 10.0), ("×10⁴/µL", 10.0), ("x10*4/ul", 10.0), ("万/uL", 10.0),
     ("x10^2/uL", 0.1), ("×10²/μL", 0.1)],
)
def test_per_power_of_ten_spellings_convert_counts(spelling: str, factor: float) -> None:
    unit = canonical_unit(spelling)
    assert unit is not None
    assert convert_factor("count", unit) == pytest.approx(factor)


# A count whose printed multiplier cannot be read ("x10/uL" with the exponent lost on a
# fax, "x10^5?/uL", "%/uL") is left out: read as a unitless count it would be a guess,
# and a guessed 23.1 x10^9/L platelets is a wrong number, worse than none.
UNREADABLE_COUNT_UNITS = [
    ("Plt 23.1 x10/uL", "lab.platelets"),
    ("PLT 15.2 x10^?/uL", "lab.platelets"),
    ("Lym 12.4 %/uL", "lab.lymphocytes"),
    ("platelets 9.9 x10 /uL", "lab.platelets"),
    ("WBC 4.4 x10^/L", "lab.wbc"),
]


@pytest.mark.parametrize(("text", "concept"), UNREADABLE_COUNT_UNITS)
def test_a_count_with_an_unreadable_multiplier_is_left_out(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert [f for f in _found(parser, text, concept) if f.value is not None] == []


# ------------------------------------------------ analyte names of Japanese, Korean, SE-Asian labs
# "Lym" (Japanese and Korean CBC rows), "Cre" (Japanese chemistry), "T.bil" (Korean inline
# lab lines), "U-P/C" (Japanese urine protein/creatinine ratio, "g/gCr") and "TW" (total
# white count, Singapore and Malaysia) were not names of their analyte: whole patients had
# no lymphocyte count, creatinine, bilirubin, UPCR or white count. (text, concept, value in
# the canonical unit)
EAST_ASIAN_NAMES = [
    ("  Lym   1,420 /uL", "lab.lymphocytes", 1.42),
    ("WBC 5,300 /uL (Neut 3,100, Lym 1,650 /uL)", "lab.lymphocytes", 1.65),
    ("Lym 0.9 x10^3/uL", "lab.lymphocytes", 0.9),
    ("  Cre      0.54 mg/dL", "lab.creatinine", 47.736),
    ("BUN 11 mg/dL, Cre 0.48 mg/dL, UA 4.9 mg/dL", "lab.creatinine", 42.432),
    ("Lab) Hb 11.0 g/dL, T.bil 0.4 mg/dL, ALT 19 IU/L", "lab.bilirubin_total", 6.84),
    ("T.Bil 1.1 mg/dL", "lab.bilirubin_total", 18.81),
    ("  U-P/C   1.7 g/gCr", "lab.upcr", 1.7),
    ("U-P/C 0.35 g/g・Cr (<0.15)", "lab.upcr", 0.35),
    ("U-P/Cr 2.6 g/gCr", "lab.upcr", 2.6),
    ("FBC: Hb 121 g/L, TW 6.1 x10^9/L, Plt 240 x10^9/L", "lab.wbc", 6.1),
    ("TWC 4.2 x10^9/L", "lab.wbc", 4.2),
]


@pytest.mark.parametrize(("text", "concept", "expected"), EAST_ASIAN_NAMES)
def test_an_east_asian_lab_name_reads_its_analyte(
    parser: NoteParser, text: str, concept: str, expected: float
) -> None:
    assert _only(parser, text, concept).value == pytest.approx(expected)


# What those names must not take: a lymphocyte percentage is not a count, direct bilirubin
# is not total, urine creatinine is not serum creatinine, and "TW" without a count unit is
# not read (it is also "this week", a tooth, a ward).
NOT_THOSE_ANALYTES = [
    ("Lym 31.5 %", "lab.lymphocytes"),
    ("D-Bil 0.2 mg/dL", "lab.bilirubin_total"),
    ("D.bil 0.1 mg/dL", "lab.bilirubin_total"),
    ("U-Cre 88 mg/dL", "lab.creatinine"),
    ("seen TW 2, review next week", "lab.wbc"),
    ("TW 5.6", "lab.wbc"),
]


@pytest.mark.parametrize(("text", "concept"), NOT_THOSE_ANALYTES)
def test_a_neighbouring_measurement_is_not_read_as_the_analyte(
    parser: NoteParser, text: str, concept: str
) -> None:
    assert [f for f in _found(parser, text, concept) if f.value is not None] == []


# ------------------------------------------------ cumulative tables: every column dated
# A Japanese EMR's cumulative print-out puts the unit in the name cell ("WBC(/uL)") and a
# date over every column, the current result included ("項目/Item  2026/05/20  2026/11/12").
# The rows were not read at all (the unit stood between name and value), and a row without
# a unit ("eGFR  96  88") gave its first column's value the note's date, though the first
# column is the oldest. Each value now carries its own column's date.
CUMULATIVE = (
    "検査結果 cumulative\n"
    "項目/Item          2026/03/02   2026/10/27\n"
    "WBC(/uL)              3,900        5,200\n"
    "Plt(x10^4/uL)          18.4         24.1\n"
    "Cre (mg/dL)            0.71         0.58\n"
    "eGFR                     81          104\n"
)
CUMULATIVE_ROWS = [
    ("lab.wbc", [(dt.date(2026, 3, 2), 3.9), (dt.date(2026, 10, 27), 5.2)]),
    ("lab.platelets", [(dt.date(2026, 3, 2), 184.0), (dt.date(2026, 10, 27), 241.0)]),
    ("lab.creatinine", [(dt.date(2026, 3, 2), 62.764), (dt.date(2026, 10, 27), 51.272)]),
    ("lab.egfr", [(dt.date(2026, 3, 2), 81.0), (dt.date(2026, 10, 27), 104.0)]),
]


@pytest.mark.parametrize(("concept", "expected"), CUMULATIVE_ROWS)
def test_each_column_of_a_fully_dated_cumulative_table_keeps_its_own_date(
    parser: NoteParser, concept: str, expected: list[tuple[dt.date, float]]
) -> None:
    found = sorted((f.date, f.value) for f in _found(parser, CUMULATIVE, concept))
    assert [d for d, _v in found] == [d for d, _v in expected]
    assert [v for _d, v in found] == pytest.approx([v for _d, v in expected])


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        ("Cre(mg/dL) 0.66", "lab.creatinine", 58.344),
        ("Lym (/uL)   1,210", "lab.lymphocytes", 1.21),
        ("U-P/C(g/gCr)   1.4", "lab.upcr", 1.4),
    ],
)
def test_a_unit_in_the_name_cell_is_the_value_unit(
    parser: NoteParser, text: str, concept: str, expected: float
) -> None:
    assert _only(parser, text, concept).value == pytest.approx(expected)


def test_a_name_cell_in_brackets_that_is_no_unit_is_not_taken_for_one(
    parser: NoteParser,
) -> None:
    # "(venous)" is a specimen, read as before; "(repeat)" is no unit: 4.1 is read unitless
    assert _only(parser, "Hb (venous) 98 g/L", "lab.hemoglobin").value == 98.0
    assert _found(parser, "Plt (mg/dL) 180", "lab.platelets") == []


# ------------------------------------------------ a unitless platelet count with a decimal
# A platelet count in x10^9/L is printed whole ("Plt 85"); one printed with a decimal
# below 100 ("Plt 17.3") is the x10^4/uL of a Japanese lab (173 x10^9/L) as often as not.
# Without its unit it is left out, not guessed ten times too low; a whole number is read
# as before.
@pytest.mark.parametrize("text", ["Plt 17.3", "platelets 8.5, Hb 10.9 g/dL", "PLT: 24.6"])
def test_a_unitless_platelet_count_with_a_decimal_is_not_guessed(
    parser: NoteParser, text: str
) -> None:
    assert [f for f in _found(parser, text, "lab.platelets") if f.value is not None] == []


@pytest.mark.parametrize(("text", "expected"), [("Plt 85", 85.0), ("platelets 240", 240.0)])
def test_a_unitless_whole_platelet_count_is_still_read(
    parser: NoteParser, text: str, expected: float
) -> None:
    assert _only(parser, text, "lab.platelets").value == expected
