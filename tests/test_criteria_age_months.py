"""Age limits in months (issue 12): "Children aged 6-36 months", "Age < 6 months".

A limit in months that does not fall on a birthday is kept in completed months: read as
completed years, "≥ 6 months" became "≥ 1 year" (a 9-month-old the trial admits refused)
and "< 6 months" "under 1 year" (a 9-month-old excluded). A limit on a birthday ("< 36
months", "12 months to 17 years") stays in years. A range from months to years ("8 months to
7 years") is left to a person: the 7th birthday or through 7 years 11 months.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.params import validate
from matcher.criteria.reader import parse_criteria
from matcher.criteria.record import RegistryRecord
from matcher.judge.demographics import completed_months
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Patient, Status

AS_OF = dt.date(2026, 7, 15)
LIMITS = ("min_years", "max_years", "min_months", "max_months")


def limits(params: dict) -> tuple:
    return tuple(params.get(k) for k in LIMITS)


# (section, text, effective (min_years, max_years, min_months, max_months))
READINGS = [
    ("inclusion", "Children aged 6-36 months", (None, None, 6, 36)),
    ("inclusion", "Infants aged 6 to 36 months", (None, None, 6, 36)),
    ("inclusion", "Age >= 6 months", (None, None, 6, None)),
    ("inclusion", "Age under 18 months", (None, None, None, 17)),
    ("exclusion", "Age < 6 months", (None, None, None, 5)),
    ("exclusion", "age > 36 months,", (None, None, 37, None)),
    # on a birthday: completed years as before
    ("exclusion", "Age < 36 months", (None, 2, None, None)),
    ("inclusion", "Age 12 months to 17 years", (1, 17, None, None)),
    ("inclusion", "Age 18-65 years", (18, 65, None, None)),
    ("exclusion", "Age < 18 years", (None, 17, None, None)),
]


@pytest.mark.parametrize(("section", "text", "expected"), READINGS)
def test_an_age_limit_in_months_is_read_in_completed_months(section, text, expected):
    c = parse_criterion(text, section)
    assert c.kind == "age", c.manual_reason
    assert limits(c.params) == expected
    validate("age", c.params)


def test_an_exclusion_outside_a_month_range_is_the_range_required():
    c = parse_criterion("Age < 6 months or > 36 months", "exclusion")
    assert (c.type, limits(c.params)) == ("inclusion", (None, None, 6, 36))


@pytest.mark.parametrize("text", ["Age between 8 months to 7 years",
                                  "Children from 2 months to 17 years",
                                  "Between the age of 6 months and 5 years"])
def test_a_range_from_months_to_years_is_left_to_a_person(text):
    c = parse_criterion(text, "inclusion")
    assert c.kind == "manual"


@pytest.mark.parametrize(("birth", "on", "months"), [
    (dt.date(2026, 1, 15), dt.date(2026, 7, 14), 5),
    (dt.date(2026, 1, 15), dt.date(2026, 7, 15), 6),
    (dt.date(2026, 1, 31), dt.date(2026, 2, 28), 0),
    (dt.date(2026, 1, 31), dt.date(2026, 3, 1), 1),
    (dt.date(2025, 12, 31), dt.date(2026, 12, 31), 12),
    (dt.date(2023, 7, 15), dt.date(2026, 7, 15), 36),
])
def test_completed_months_count_the_monthly_birthday(birth, on, months):
    assert completed_months(birth, on) == months


def judged(text: str, section: str, birth: dt.date | None) -> Status:
    c = parse_criterion(text, section)
    timeline = build_timeline(Patient("P1", birth), [], {}, AS_OF)
    return evaluate(c, timeline).status


NINE_MONTHS = dt.date(2025, 10, 15)
FIVE_MONTHS = dt.date(2026, 2, 15)
FORTY_MONTHS = dt.date(2023, 3, 15)


@pytest.mark.parametrize(("text", "section", "birth", "status"), [
    ("Children aged 6-36 months", "inclusion", NINE_MONTHS, Status.MET),
    ("Children aged 6-36 months", "inclusion", FIVE_MONTHS, Status.NOT_MET),
    ("Children aged 6-36 months", "inclusion", FORTY_MONTHS, Status.NOT_MET),
    # the exclusion's criterion is met when the child is that young
    ("Age < 6 months", "exclusion", NINE_MONTHS, Status.NOT_MET),
    ("Age < 6 months", "exclusion", FIVE_MONTHS, Status.MET),
    ("age > 36 months", "exclusion", FORTY_MONTHS, Status.MET),
    ("age > 36 months", "exclusion", NINE_MONTHS, Status.NOT_MET),
    ("Age >= 6 months", "inclusion", None, Status.UNKNOWN),
])
def test_a_child_is_judged_on_completed_months(text, section, birth, status):
    assert judged(text, section, birth) is status


def test_a_record_age_limit_in_months_stays_in_months():
    record = RegistryRecord("T1", "A trial", "", 0.5, 17.0, None, "test")
    (age,) = [c for c in parse_criteria(record) if c.kind == "age"]
    assert limits(age.params) == (None, None, 6, 215)
    timeline = build_timeline(Patient("P1", NINE_MONTHS), [], {}, AS_OF)
    assert evaluate(age, timeline).status is Status.MET


def test_a_record_age_limit_in_whole_years_stays_in_years():
    record = RegistryRecord("T1", "A trial", "", 18.0, 65.0, None, "test")
    (age,) = [c for c in parse_criteria(record) if c.kind == "age"]
    assert limits(age.params) == (18, 65, None, None)
