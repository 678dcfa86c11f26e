"""When a drug course ran, as notes write it: a length, an end, a start and a stop.

Three ways a note dates a course that the NLP must keep apart:

- a length is not a date. "Meningitis in 2023, received IV ceftriaxone 14 days" is a
  course of 2023 that lasted 14 days, not the 14 days before the note; with no date
  written at all ("received IV ceftriaxone for 14 days") the course's start is unknown
  (the evaluator leaves it to a person), while a course still running ("on IV ceftriaxone
  for the past 5 days") is counted back from the note;
- "completed 7 days of meropenem on 12/11" ends the course on 12/11 (it started about 7
  days before), it does not start it then;
- "from 03/11, stopped 10/11", "03/11-10/11" give the course's start and its end.

The code serves every drug, so the table holds non-anti-infectives too. Sentences are
written here in several styles, not copied from a note. Notes that write yearless or
ambiguous numeric dates set their day order elsewhere in the note ("Review 14/11/2026.").
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 14)
DAY_FIRST = "Review 14/11/2026. "


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _course(parser: NoteParser, text: str, concept: str) -> dict:
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert len(found) == 1, [f.concept for f in found]
    return found[0].attrs


# (note text, drug concept, start, stop)
DURATION_IS_NOT_A_DATE = [
    # a date in the clause places the course; the length bounds it
    ("Meningitis in 2023, received IV ceftriaxone 14 days.", "drug.ceftriaxone",
     "2023-07-01", "2023-07-15"),
    ("IV ceftriaxone x14d (Mar 2023).", "drug.ceftriaxone", "2023-03-15", "2023-03-29"),
    ("Received IV ceftriaxone for 14 days in March 2023.", "drug.ceftriaxone",
     "2023-03-15", "2023-03-29"),
    ("Pneumonia treated with IV meropenem x 10 days in 2024.", "drug.meropenem",
     "2024-07-01", "2024-07-11"),
    ("IV aciclovir 10 days for zoster in Jan 2025.", "drug.aciclovir",
     "2025-01-15", "2025-01-25"),
    ("Endocarditis in 2022 treated with IV vancomycin x 6 weeks.", "drug.vancomycin",
     "2022-07-01", "2022-08-12"),
    # no date at all: a finished course's start is unknown
    ("Received IV ceftriaxone for 14 days.", "drug.ceftriaxone", None, None),
    ("Meningitis, received IV ceftriaxone 14 days.", "drug.ceftriaxone", None, None),
    ("Treated with IV vancomycin for 3 weeks.", "drug.vancomycin", None, None),
    ("Had a 10-day course of IV cefuroxime.", "drug.cefuroxime", None, None),
    ("Completed 7 days of IV meropenem.", "drug.meropenem", None, None),
    ("Was given oral prednisolone for 5 days.", "drug.glucocorticoid", None, None),
    # a course still running is counted back from the note
    ("On IV ceftriaxone for the past 5 days.", "drug.ceftriaxone", "2026-11-09", None),
    ("Currently on mycophenolate for 6 months.", "drug.mycophenolate", "2026-05-15", None),
]

COURSE_ENDS_ON_ITS_DATE = [
    ("Completed 7 days of IV meropenem on 12/11.", "drug.meropenem",
     "2026-11-05", "2026-11-12"),
    (DAY_FIRST + "Completed a 5-day course of oral amoxicillin on 02/11.", "drug.amoxicillin",
     "2026-10-28", "2026-11-02"),
    ("Finished 10 days of IV ceftriaxone on 13 November 2026.", "drug.ceftriaxone",
     "2026-11-03", "2026-11-13"),
    ("Completed 14 days of IV vancomycin on 2026-11-10.", "drug.vancomycin",
     "2026-10-27", "2026-11-10"),
    ("Completed a 7 day course of IV cefuroxime on 8 Nov 2026.", "drug.cefuroxime",
     "2026-11-01", "2026-11-08"),
    (DAY_FIRST + "Finished a 2-week course of IV aciclovir on 01/11/2026.", "drug.aciclovir",
     "2026-10-18", "2026-11-01"),
    ("IV cefazolin for 6 weeks, completed on 30/10/2026.", "drug.cefazolin",
     "2026-09-18", "2026-10-30"),
    ("Completed 5 days of oral azithromycin on 13/11.", "drug.azithromycin",
     "2026-11-08", "2026-11-13"),
    ("Completed 3 days of IV methylprednisolone on 10 Nov 2026.", "drug.glucocorticoid",
     "2026-11-07", "2026-11-10"),
]

START_AND_STOP = [
    (DAY_FIRST + "Inj. meropenem 1 g IV tds from 03/11/2026, stopped 10/11/2026.",
     "drug.meropenem", "2026-11-03", "2026-11-10"),
    (DAY_FIRST + "Meropenem 03/11-10/11.", "drug.meropenem", "2026-11-03", "2026-11-10"),
    (DAY_FIRST + "On IV piperacillin-tazobactam since 04/11, stopped 09/11.",
     "drug.piperacillin_tazobactam", "2026-11-04", "2026-11-09"),
    ("IV ceftriaxone from 3 November 2026, stopped 10 November 2026.", "drug.ceftriaxone",
     "2026-11-03", "2026-11-10"),
    (DAY_FIRST + "IV vancomycin started 01/11/2026 and stopped 08/11/2026.",
     "drug.vancomycin", "2026-11-01", "2026-11-08"),
    (DAY_FIRST + "IV meropenem 03/11/2026 to 10/11/2026.", "drug.meropenem",
     "2026-11-03", "2026-11-10"),
    (DAY_FIRST + "Inj. amikacin from 13/10/2026 till 20/10/2026.", "drug.amikacin",
     "2026-10-13", "2026-10-20"),
    (DAY_FIRST + "IV ceftriaxone 02/11-09/11 for pyelonephritis.", "drug.ceftriaxone",
     "2026-11-02", "2026-11-09"),
    (DAY_FIRST + "Meropenem 3/11 to 10/11.", "drug.meropenem", "2026-11-03", "2026-11-10"),
]


@pytest.mark.parametrize(("text", "concept", "start", "stop"), DURATION_IS_NOT_A_DATE)
def test_a_course_length_is_not_its_date(parser, text, concept, start, stop):
    attrs = _course(parser, text, concept)
    assert (attrs.get("start_date"), attrs.get("stop_date")) == (_d(start), _d(stop))
    assert attrs.get("duration_days")


@pytest.mark.parametrize(("text", "concept", "start", "stop"), COURSE_ENDS_ON_ITS_DATE)
def test_a_completed_course_ends_on_its_date(parser, text, concept, start, stop):
    attrs = _course(parser, text, concept)
    assert (attrs.get("start_date"), attrs.get("stop_date")) == (_d(start), _d(stop))


@pytest.mark.parametrize(("text", "concept", "start", "stop"), START_AND_STOP)
def test_from_and_stopped_give_start_and_end(parser, text, concept, start, stop):
    attrs = _course(parser, text, concept)
    assert (attrs.get("start_date"), attrs.get("stop_date")) == (_d(start), _d(stop))


# ------------------------------------------------------- end to end: the IV-course exclusion
AS_OF = dt.date(2026, 11, 20)
IV_COURSE_EXCLUSION = parse_criterion(
    "Active infection requiring intravenous anti-infective treatment within 4 weeks before "
    "screening", "exclusion")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a 2023 course read in this month's note is not in the 4 weeks
        ("Meningitis in 2023, received IV ceftriaxone 14 days.", Status.NOT_MET),
        ("IV ceftriaxone x14d (Mar 2023).", Status.NOT_MET),
        # a finished course with no date may be last week's or years old: a person checks
        ("Received IV ceftriaxone for 14 days.", Status.MANUAL),
        ("Treated with IV vancomycin for 3 weeks.", Status.MANUAL),
        # a course that ended before the window, by its end date and length
        ("Completed 14 days of IV vancomycin on 2026-10-20.", Status.NOT_MET),
        (DAY_FIRST + "IV meropenem 01/10-15/10.", Status.NOT_MET),
        # courses in the window
        (DAY_FIRST + "Inj. meropenem 1 g IV tds from 03/11/2026, stopped 10/11/2026.",
         Status.MET),
        ("Completed 7 days of IV meropenem on 12/11.", Status.MET),
    ],
)
def test_a_course_is_placed_in_the_exclusion_window_by_its_own_dates(parser, text, expected):
    findings = parser.parse(text, "n1", NOTE_DATE)
    timeline = build_timeline(Patient("P1", None), findings, {"n1": NOTE_DATE}, AS_OF)
    result = evaluate(IV_COURSE_EXCLUSION, timeline)
    assert result.status is expected, result.reason
