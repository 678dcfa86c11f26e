"""A value or a course takes the date of its own event, not a neighbour's (issue 15).

Three mechanisms seen on the sixth hold-out, tested with sentences written here:
- a date written for a drug ("tacrolimus added 06/2026") is the drug's: a lab value after
  a pause in the same sentence ("- UPCR still 176 mg/mmol") was dated by it;
- a lab report's collection date ("COLLECTED: 03/11/2026") dates the results printed under
  it; they took the date the note was filed;
- a date alone in brackets before a colon labels what follows ("Endocarditis (2022): IV
  vancomycin x 6 weeks"): the course is of that year, not counted back from the note.
Note date 2026-11-10; every sentence states its day-first convention with a date > 12.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.nlp.pipeline import NoteParser
from tests import test_nlp_round2_holdout3 as _round2

NOTE_DATE = _round2.NOTE_DATE
parser = _round2.parser
D = dt.date
DAY_FIRST = "Review 14/10/2026. "


def _dates(parser: NoteParser, text: str, concept: str) -> list[dt.date | None]:
    return [f.date for f in parser.parse(text, "n", NOTE_DATE)
            if f.concept == concept and f.value is not None]  # fmt: skip


# ------------------------------------------------ a drug's date is not a later value's
# (text, lab concept, the value's date)
DRUG_DATE_THEN_VALUE = [
    ("Tacrolimus started 02/2026, UPCR 1.2 g/g.", "lab.upcr", NOTE_DATE),
    ("Prednisolone since 03/2025, MMF since 04/2025, tacrolimus added 06/2026 - "
     "creatinine 61 umol/L.", "lab.creatinine", NOTE_DATE),
    ("Azathioprine from 2023, switched to MMF in May 2026, Hb 104 g/L.", "lab.hemoglobin",
     NOTE_DATE),
    ("On hydroxychloroquine since 2022, ALT 30 U/L, platelets 250.", "lab.alt", NOTE_DATE),
    ("MMF 1 g bd since September 2026 - urine PCR 180 mg/mmol.", "lab.upcr", NOTE_DATE),
    # a date of the value's own still dates it
    (DAY_FIRST + "On 25/10/2026 Hb 98 g/L.", "lab.hemoglobin", D(2026, 10, 25)),
    (DAY_FIRST + "Bloods 29/10/2026: Hb 101 g/L, creatinine 55 umol/L.", "lab.creatinine",
     D(2026, 10, 29)),
    ("Rituximab in March 2026, UPCR 0.4 g/g in September 2026.", "lab.upcr",
     D(2026, 9, 15)),
    (DAY_FIRST + "Hb 98 g/L (25/10/2026), on MMF since 2024.", "lab.hemoglobin",
     D(2026, 10, 25)),
]


@pytest.mark.parametrize(("text", "concept", "date"), DRUG_DATE_THEN_VALUE)
def test_a_drugs_date_does_not_date_a_value_after_a_pause(
    parser: NoteParser, text: str, concept: str, date: dt.date
) -> None:
    assert _dates(parser, text, concept) == [date]


# ------------------------------------------------ a lab report's collection date
# (text, lab concept, the value's date)
COLLECTION_DATES = [
    (DAY_FIRST + "PATHOLOGY LIS\nCOLLECTED: 03/11/2026 09:41   RECEIVED: 04/11/2026\n"
     "HB                     108  L    g/L            115-155\n", "lab.hemoglobin",
     D(2026, 11, 3)),
    (DAY_FIRST + "\nSpecimen collected 02/11/2026\nCreatinine 58 umol/L (35-70)\n",
     "lab.creatinine", D(2026, 11, 2)),
    ("Chemistry\nDate of collection: 2026-11-01\nWBC 6.1 x10^9/L\nPlt 250 x10^9/L\n",
     "lab.platelets", D(2026, 11, 1)),
    # a reporting step dates the paper, not the sample; a blank line ends the report
    (DAY_FIRST + "Received: 05/11/2026\nHb 99 g/L\n", "lab.hemoglobin", NOTE_DATE),
    (DAY_FIRST + "Sample collected 02/11/2026 for CMV PCR.\n\nClinic review: Hb 101 g/L.",
     "lab.hemoglobin", NOTE_DATE),
    # a collection date inside one result's line dates that result, not the lines after it
    (DAY_FIRST + "24-h urine protein 1.2 g/day (collected 30/10/2026).\nLansky 90. Hb 104 g/L.",
     "lab.hemoglobin", NOTE_DATE),
    (DAY_FIRST + "Urine sent, collected 30/10/2026.\nLansky 90. Hb 104 g/L.", "lab.hemoglobin",
     NOTE_DATE),
]


@pytest.mark.parametrize(("text", "concept", "date"), COLLECTION_DATES)
def test_a_collection_date_dates_the_results_under_it(
    parser: NoteParser, text: str, concept: str, date: dt.date
) -> None:
    assert _dates(parser, text, concept) == [date]


# ------------------------------------------------ a bracketed date labelling a course
# (text, drug, start, stop)
LABELLED_COURSES = [
    ("Endocarditis (2022): IV vancomycin x 6 weeks.", "drug.vancomycin",
     D(2022, 7, 1), D(2022, 8, 12)),
    ("Septic arthritis (03/2024): IV cefazolin x 4 weeks.", "drug.cefazolin",
     D(2024, 3, 15), D(2024, 4, 12)),
    ("Pneumonia (Jan 2025) - IV ceftriaxone x 7 days.", "drug.ceftriaxone",
     D(2025, 1, 15), D(2025, 1, 22)),
]


@pytest.mark.parametrize(("text", "concept", "start", "stop"), LABELLED_COURSES)
def test_a_bracketed_date_before_a_colon_dates_the_course_after_it(
    parser: NoteParser, text: str, concept: str, start: dt.date, stop: dt.date
) -> None:
    (course,) = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert (course.attrs.get("start_date"), course.attrs.get("stop_date")) == (start, stop)


# A bracket with more than a date, or not before a colon, stays the aside's own.
@pytest.mark.parametrize(
    "text",
    ["Lupus nephritis (biopsy 03/2026 - class IV+V), on MMF 1 g bd.",
     "Lupus nephritis (03/2026), on MMF 1 g bd."],
)
def test_an_aside_date_does_not_start_the_drug_after_it(parser: NoteParser, text: str) -> None:
    (course,) = [f for f in parser.parse(text, "n", NOTE_DATE)
                 if f.concept == "drug.mycophenolate"]  # fmt: skip
    assert course.attrs.get("start_date") != D(2026, 3, 15)


# ------------------------------------------------ the method in brackets after the name
# "CD19 B cells (flow cytometry) 12 %": flow cytometry is how the count was measured, as
# "(venous)" or "(enzymatic)" are; the value after the bracket is the name's.
# (text, concept, value)
FLOW_QUALIFIED = [
    ("CD19 B cells (flow cytometry) 12 %", "lab.cd19", 12.0),
    ("CD19+ B cells (FACS): 3 %", "lab.cd19", 3.0),
    ("B lymphocytes (flow) 8% of lymphocytes", "lab.cd19", 8.0),
    ("Lymphocytes (flow cytometry) 1.4 x10^9/L", "lab.lymphocytes", 1.4),
    ("date,test,value,unit,ref\n02/11/2026,CD19 B cells (flow cytometry),25%,,\n",
     "lab.cd19", 25.0),
]


@pytest.mark.parametrize(("text", "concept", "value"), FLOW_QUALIFIED)
def test_flow_cytometry_in_brackets_keeps_the_value(
    parser: NoteParser, text: str, concept: str, value: float
) -> None:
    found = [f.value for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert found == [value]


# A disease state after a drug's dated clause is of the note's day too: "MMF since May
# 2025, still nephrotic" is nephrotic now, not in May 2025.
# (text, status concept, its date)
STATE_AFTER_DRUG_DATE = [
    ("MMF since May 2025, still nephrotic.", "status.persistent_proteinuria", NOTE_DATE),
    ("Tacrolimus added 06/2026 - no remission.", "status.nonresponse", NOTE_DATE),
    ("Rituximab in March 2026, persistent proteinuria despite it.",
     "status.persistent_proteinuria", NOTE_DATE),
    # the state's own date still dates it
    ("Persistent proteinuria in September 2026, on MMF since 2024.",
     "status.persistent_proteinuria", D(2026, 9, 15)),
]


@pytest.mark.parametrize(("text", "concept", "date"), STATE_AFTER_DRUG_DATE)
def test_a_drugs_date_does_not_date_a_state_after_a_pause(
    parser: NoteParser, text: str, concept: str, date: dt.date
) -> None:
    found = [f.date for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert found == [date]
