"""Issue 15 (hold-out 16): printed tables whose header line names each column's role.

A cumulative lab print-out ("Test | Units | Ref range | <one column per date>") and a
medication list ("Medication | Dose | Start | Stop | Status"), pipe-separated or fixed
width. Layouts, words and values here are written for these tests; no hold-out note is used.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Assertion, Finding
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.role_tables import status_code
from tests.parse_support import judged_exclusion

WRITTEN = dt.date(2026, 11, 10)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _labs(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return sorted((f for f in parser.parse(text, "n", WRITTEN) if f.concept == concept),
                  key=lambda f: f.date)  # fmt: skip


# ------------------------------------------------------------- cumulative lab tables
# (layout, concept, [(date, value in the canonical unit, ULN in the canonical unit)])
NEWEST_RIGHT_BARS = (
    "Kidney clinic - result history (ISO dates)\n"
    "Analyte              | Unit      | Reference range | 2026-08-30 | 2026-10-28\n"
    "---------------------+-----------+-----------------+------------+-----------\n"
    "Absolute lymphocytes | x10^9/L   | 1.0-4.8         | 2.0        | 0.7 L\n"
    "ALT                  | U/L       | 0-30            | 28         | 66 H\n"
    "Total bilirubin      | mg/dL     | 0.1-1.0         | 0.5        | 1.4 H\n"
    "eGFR                 | mL/min/1.73m2 | >60         | 88         | 71\n"
)
NEWEST_LEFT_FIXED_WIDTH = (
    "RESULTS BY DATE (most recent first)\n"
    "Investigation        Units       Ref            2026-11-03    2026-09-21\n"
    "====================================================================\n"
    "Haemoglobin          g/L         120-160        97 L          118 L\n"
    "ALT                  U/L         10-35          41 H          30\n"
    "Neutrophils (abs)    x10^9/L     2.0-7.5        1.4 L         2.6\n"
)
BRACKETED_ROWS = (
    "| Test | Units | Ref range | 2026-07-14 | 2026-10-30 |\n"
    "|------|-------|-----------|------------|------------|\n"
    "| Haemoglobin | g/dL | 11.0-14.5 | 12.1 | 9.6 L |\n"
    "| UPCR | mg/mmol | <30 | 145 H | 212 HH |\n"
)

TABLE_VALUES = [
    (NEWEST_RIGHT_BARS, "lab.lymphocytes",
     [(dt.date(2026, 8, 30), 2.0, 4.8), (dt.date(2026, 10, 28), 0.7, 4.8)]),
    (NEWEST_RIGHT_BARS, "lab.alt",
     [(dt.date(2026, 8, 30), 28.0, 30.0), (dt.date(2026, 10, 28), 66.0, 30.0)]),
    (NEWEST_RIGHT_BARS, "lab.bilirubin_total",
     [(dt.date(2026, 8, 30), 8.55, 17.1), (dt.date(2026, 10, 28), 23.94, 17.1)]),
    (NEWEST_RIGHT_BARS, "lab.egfr",
     [(dt.date(2026, 8, 30), 88.0, None), (dt.date(2026, 10, 28), 71.0, None)]),
    (NEWEST_LEFT_FIXED_WIDTH, "lab.hemoglobin",
     [(dt.date(2026, 9, 21), 118.0, 160.0), (dt.date(2026, 11, 3), 97.0, 160.0)]),
    (NEWEST_LEFT_FIXED_WIDTH, "lab.alt",
     [(dt.date(2026, 9, 21), 30.0, 35.0), (dt.date(2026, 11, 3), 41.0, 35.0)]),
    (NEWEST_LEFT_FIXED_WIDTH, "lab.neutrophils",
     [(dt.date(2026, 9, 21), 2.6, 7.5), (dt.date(2026, 11, 3), 1.4, 7.5)]),
    (BRACKETED_ROWS, "lab.hemoglobin",
     [(dt.date(2026, 7, 14), 121.0, 145.0), (dt.date(2026, 10, 30), 96.0, 145.0)]),
    (BRACKETED_ROWS, "lab.upcr",
     [(dt.date(2026, 7, 14), 145 * 0.00884, 30 * 0.00884),
      (dt.date(2026, 10, 30), 212 * 0.00884, 30 * 0.00884)]),
]


@pytest.mark.parametrize(("text", "concept", "expected"), TABLE_VALUES)
def test_each_value_of_a_cumulative_table_takes_its_columns_date_and_its_rows_unit_and_range(
    parser: NoteParser, text: str, concept: str, expected: list
) -> None:
    found = _labs(parser, text, concept)
    assert [f.date for f in found] == [date for date, _v, _u in expected]
    for finding, (_date, value, uln) in zip(found, expected, strict=True):
        assert finding.value == pytest.approx(value, rel=1e-2)
        assert finding.ref_high == (None if uln is None else pytest.approx(uln, rel=1e-2))


@pytest.mark.parametrize("cell", ["pending", "cancelled", "haemolysed", "Hemolyzed",
                                  "see comment", "----", "QNS", ""])
def test_a_cell_without_a_number_is_no_result_and_the_other_dates_still_read(
    parser: NoteParser, cell: str
) -> None:
    text = (
        "Test        | Units | Ref range | 2026-11-02 | 2026-09-15\n"
        "------------+-------+-----------+------------+-----------\n"
        f"AST         | U/L   | 10-40     | {cell:<10} | 128 H\n"
        f"INR         |       | 0.8-1.2   | {cell:<10} | 1.05\n"
    )
    ast = _labs(parser, text, "lab.ast")
    assert [(f.date, f.value) for f in ast] == [(dt.date(2026, 9, 15), 128.0)]
    inr = _labs(parser, text, "lab.inr")
    # the range column is never a value ("0.8" of "0.8-1.2" was read as the INR)
    assert [(f.date, f.value) for f in inr] == [(dt.date(2026, 9, 15), 1.05)]


def test_a_row_that_does_not_fit_its_headers_columns_reads_no_value(parser: NoteParser) -> None:
    text = (
        "Test   | Units | Ref range | 2026-11-02 | 2026-09-15\n"
        "INR    | 0.8-1.2 | 1.05\n"  # a cell short: which number is of which day?
    )
    assert _labs(parser, text, "lab.inr") == []


@pytest.mark.parametrize(
    "text",
    [
        # a header that names no test column is not a role table: the older readings apply
        "Result  | 2026-11-02 | 2026-09-15\nALT 64 U/L (ref 0-40)\n",
        # a prose line with a date above a lab line is no header
        "Seen 2026-11-02 with her mother.\nALT 64 U/L (ref 0-40)\n",
    ],
)
def test_a_lab_line_under_no_role_header_is_read_as_before(parser: NoteParser,
                                                           text: str) -> None:  # fmt: skip
    (alt,) = _labs(parser, text, "lab.alt")
    assert alt.value == 64.0
    assert alt.ref_high == 40.0


# ------------------------------------------------------------- medication lists
MEDICATION_LISTS = [
    # (table, drug concept, assertion, stop date)
    ("Medication      | Route | Start      | Stop       | Status\n"
     "Tacrolimus      | PO    |            |            | Not started\n", "drug.tacrolimus",
     Assertion.NEGATED, None),
    ("Drug            | Status        | Start      | Stop\n"
     "Azathioprine    | Declined      |            |\n", "drug.azathioprine",
     Assertion.NEGATED, None),
    ("Medication      | Start      | Stop       | Status\n"
     "Belimumab       | 2025-01-05 | 2025-07-20 | Discontinued\n", "drug.belimumab",
     Assertion.AFFIRMED, dt.date(2025, 7, 20)),
    ("Medication        Start        Stop         Status\n"
     "Rituximab         2025-02-02   2025-02-16   Completed\n", "drug.rituximab",
     Assertion.AFFIRMED, dt.date(2025, 2, 16)),
    ("Medication      | Dose   | Start      | Stop | Status\n"
     "Prednisolone    | 40 mg  |            |      | On hold, to start after biopsy\n",
     "drug.glucocorticoid", Assertion.HYPOTHETICAL, None),
    # held with no start written and no plan: a drug taken before, not now
    ("Medication      | Dose   | Start      | Stop | Status\n"
     "Lansoprazole    | 15 mg  |            |      | Held (reflux settled)\n",
     "drug.lansoprazole", Assertion.AFFIRMED, None),
    ("Medication      | Dose   | Start      | Stop | Status\n"
     "Lansoprazole    | 15 mg  |            |      | Held - never given\n",
     "drug.lansoprazole", Assertion.NEGATED, None),
    ("Medication      | Dose   | Start      | Stop | Status\n"
     "Hydroxychloroquine | 200 mg | 2025-03-01 |   | Active\n", "drug.hydroxychloroquine",
     Assertion.AFFIRMED, None),
]


@pytest.mark.parametrize(("text", "concept", "assertion", "stop"), MEDICATION_LISTS)
def test_a_medication_lists_status_and_stop_columns_decide_the_drugs_course(
    parser: NoteParser, text: str, concept: str, assertion: Assertion, stop: dt.date | None
) -> None:
    (drug,) = [f for f in parser.parse(text, "n", WRITTEN) if f.concept == concept]
    assert drug.assertion == assertion
    got = drug.attrs.get("stop_date")
    assert (dt.date.fromisoformat(got) if isinstance(got, str) else got) == stop


def test_a_drug_named_outside_a_medication_lists_name_column_is_left_alone(
    parser: NoteParser,
) -> None:
    text = ("Medication      | Start      | Stop       | Status\n"
            "Prednisone      | 2025-05-01 |            | Active\n"
            "Comment: mycophenolate never started.\n")  # fmt: skip
    (pred,) = [f for f in parser.parse(text, "n", WRITTEN) if f.concept == "drug.glucocorticoid"]
    assert pred.assertion == Assertion.AFFIRMED
    assert pred.attrs.get("stop_date") is None


def test_a_never_started_row_undoes_the_notes_prescription_of_that_drug(
    parser: NoteParser,
) -> None:
    text = ("Medication        | Start      | Stop | Status\n"
            "Cyclophosphamide  |            |      | Never started\n"
            "Note: cyclophosphamide prescribed 03/2026, not dispensed (parents declined).\n")
    drugs = [f for f in parser.parse(text, "n", WRITTEN) if f.concept == "drug.cyclophosphamide"]
    assert drugs
    assert all(f.assertion == Assertion.NEGATED for f in drugs)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the course ended more than three months before: not a recent exposure
        ("Cyclophosphamide | 2025-11-01 | 2026-01-20 | Completed course\n", "not_met"),
        # still running on the day the list was printed
        ("Cyclophosphamide | 2026-10-01 |            | Active\n", "met"),
        # never given
        ("Cyclophosphamide |            |            | Never started\n", "not_met"),
    ],
)
def test_a_recent_cyclophosphamide_exclusion_reads_the_lists_stop_date_and_status(
    parser: NoteParser, rows: str, expected: str
) -> None:
    note = "Medication       | Start      | Stop       | Status\n" + rows
    status = judged_exclusion(parser, "Cyclophosphamide within the past 3 months",
                              [note], WRITTEN, dt.date(2026, 11, 20))  # fmt: skip
    assert status.value == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Never started", "not-taken"), ("On hold - planned", "on-hold"),
     ("Completed course", "completed"), ("completed", "completed"), ("Active", "active"),
     ("Entered in error", "entered-in-error"), ("Discontinued (rash)", "stopped"),
     ("Activated", None), ("", None)],
)
def test_a_status_cell_is_read_from_its_start(cell: str, code: str | None) -> None:
    assert status_code(cell) == code


# ------------------------------------------------------------- more header shapes
UNTITLED_AND_TIMED = [
    # the names' column has no title; each date carries the time of collection
    ("                     2026-10-31 07:45   2026-08-19 10:05\n"
     "Lymphocytes abs      0.6 L              1.9\n"),
    ("       | 31/10/2026 0745h | 19/08/2026 1005h\n"
     "ALC    | 0.6 L            | 1.9\n"),
]


@pytest.mark.parametrize("text", UNTITLED_AND_TIMED)
def test_an_untitled_names_column_and_timed_date_columns_still_date_each_value(
    parser: NoteParser, text: str
) -> None:
    found = _labs(parser, text, "lab.lymphocytes")
    assert [(f.date, f.value) for f in found] == [(dt.date(2026, 8, 19), 1.9),
                                                  (dt.date(2026, 10, 31), 0.6)]


# ------------------------------------------------------------- dispensing and holds
def _drug(parser: NoteParser, text: str, concept: str) -> list[Finding]:
    return [f for f in parser.parse(text, "n", WRITTEN) if f.concept == concept]


def test_a_fill_with_its_days_of_supply_covers_those_days(parser: NoteParser) -> None:
    text = ("Drug                   | Fill date  | Qty | Days supply\n"
            "Tacrolimus 1 mg cap    | 2026-07-02 | 60  | 30\n"
            "Tacrolimus 1 mg cap    | 2026-11-01 | 60  | 30\n")  # fmt: skip
    fills = sorted(_drug(parser, text, "drug.tacrolimus"), key=lambda f: f.date)
    stops = [f.attrs.get("stop_date") for f in fills]
    stops = [dt.date.fromisoformat(s) if isinstance(s, str) else s for s in stops]
    # the July fill ran out on 31 July; November's runs past the note: left open
    assert stops == [dt.date(2026, 7, 31), None]


@pytest.mark.parametrize("status", ["On hold", "Discontinued", "Completed", "Held"])
def test_a_course_on_hold_or_ended_without_a_stop_date_is_not_taken_now(
    parser: NoteParser, status: str
) -> None:
    text = ("Medication      | Start      | Stop | Status\n"
            f"Tacrolimus      | 2025-04-01 |      | {status}\n")
    (drug,) = _drug(parser, text, "drug.tacrolimus")
    assert drug.assertion == Assertion.AFFIRMED
    assert drug.attrs.get("stopped") is True


def test_an_active_course_is_not_marked_stopped(parser: NoteParser) -> None:
    text = ("Medication      | Start      | Stop | Status\n"
            "Tacrolimus      | 2025-04-01 |      | Active\n")
    (drug,) = _drug(parser, text, "drug.tacrolimus")
    assert not drug.attrs.get("stopped")


def test_the_start_cell_starts_the_course_whatever_the_column_order(parser: NoteParser) -> None:
    text = ("Medication      | Stop       | Start      | Status\n"
            "Belimumab       | 2026-03-30 | 2025-09-14 | Discontinued\n"
            "Azathioprine    | 2026-02-01 |            | Discontinued\n")
    (bel,) = _drug(parser, text, "drug.belimumab")
    as_date = {k: dt.date.fromisoformat(v) if isinstance(v, str) else v
               for k, v in bel.attrs.items() if k in ("start_date", "stop_date")}
    assert as_date == {"start_date": dt.date(2025, 9, 14), "stop_date": dt.date(2026, 3, 30)}
    (aza,) = _drug(parser, text, "drug.azathioprine")
    assert aza.attrs.get("start_date") is None  # its Stop date is not its start


def test_date_columns_of_no_known_day_month_order_read_no_value(parser: NoteParser) -> None:
    # 04/05 and 06/07: day or month first? Nothing in the note says; no value is dated
    # (and the range cell is still no value)
    text = ("Test   | Units | Ref range | 04/05/2026 | 06/07/2026\n"
            "INR    |       | 0.9-1.2   | 1.1        | 1.0\n")
    assert _labs(parser, text, "lab.inr") == []


def test_the_stop_cell_ends_the_course_where_the_prose_reading_took_another_date(
    parser: NoteParser,
) -> None:
    # fixed width, day-first dates, a remark after the stop date
    text = ("DRUG                 STATUS         START        STOP\n"
            "Belimumab            STOPPED        03/02/2025   17/06/2025 (no response)\n")
    (bel,) = _drug(parser, text, "drug.belimumab")
    got = {k: dt.date.fromisoformat(v) if isinstance(v, str) else v
           for k, v in bel.attrs.items() if k in ("start_date", "stop_date")}
    assert got == {"start_date": dt.date(2025, 2, 3), "stop_date": dt.date(2025, 6, 17)}


def test_a_prose_line_under_fixed_width_columns_is_read_as_prose(parser: NoteParser) -> None:
    text = ("Test        2026-11-02   2026-09-15\n"
            "ALT         30           28\n"
            "Repeat ALT 64 U/L (ref 0-40) on 2026-11-05, patient unwell\n")
    found = _labs(parser, text, "lab.alt")
    assert 64.0 in [f.value for f in found]  # not dropped as a row that does not fit
    assert (dt.date(2026, 9, 15), 28.0) in [(f.date, f.value) for f in found]


def test_a_comment_line_under_a_bar_table_is_read_as_prose(parser: NoteParser) -> None:
    text = ("Test | Units | Ref range | 2026-11-02\n"
            "ALT  | U/L   | 0-40      | 30\n"
            "Comment: repeat ALT 64 U/L on 2026-11-05.\n")
    found = _labs(parser, text, "lab.alt")
    assert [(f.date, f.value) for f in found] == [(dt.date(2026, 11, 2), 30.0),
                                                  (dt.date(2026, 11, 5), 64.0)]


@pytest.mark.parametrize(("name", "cell", "bounds"),
                         [("Hb (g/dL)", "9.6 L", "11.5-15.5"), ("Hb (g/L)", "96 L", "115-155"),
                          ("Hb (mmol/L)", "5.96 L", "7.1-9.6")])
def test_a_unit_in_the_name_cell_is_the_rows_unit_without_a_unit_column(
    parser: NoteParser, name: str, cell: str, bounds: str
) -> None:
    text = ("Test        | Ref range | 2026-10-30\n"
            f"{name:<11} | {bounds:<9} | {cell}\n")
    (hb,) = _labs(parser, text, "lab.hemoglobin")
    assert hb.value == pytest.approx(96.0, rel=1e-2)
    assert hb.ref_high == pytest.approx(155.0, rel=1e-2)


@pytest.mark.parametrize("cell", ["128 (haemolysed)", "128 hemolyzed", "128 see note", "~128"])
def test_a_number_with_a_remark_in_its_cell_is_no_result(parser: NoteParser, cell: str) -> None:
    # a haemolysed sample's AST is no value; a remark after a number is not a flag
    text = ("Test   | Units | Ref range | 2026-11-02        | 2026-09-15\n"
            f"AST    | U/L   | 10-40     | {cell:<17} | 22\n")
    found = _labs(parser, text, "lab.ast")
    assert [(f.date, f.value) for f in found] == [(dt.date(2026, 9, 15), 22.0)]
