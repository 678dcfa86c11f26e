"""A patient's age at an as-of date, as the candidates list shows and filters it.

Here (the judging layer) rather than in the web app: the stored result rows carry the age,
so the engines compute it where they evaluate the patient (workers, Spark executors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from matcher.model import Finding, Patient


def completed_years(birth: dt.date, on: dt.date) -> int:
    """Age in completed years, as matcher.nlp.dates.completed_years counts it (born
    2012-09-02: 13 on 2026-09-01, 14 on 2026-09-02; born 29 February: a year older on
    1 March of a common year), by comparing `on` with the birthday as a date rather than
    (month, day) pairs: an as-of that notes what it is compared with (matcher.judge.
    validity) then knows the age holds until the birthday, not just until tomorrow. Here,
    not in matcher.nlp: a change there is a new pipeline version, and every note would be
    parsed again."""
    year = on.year
    try:
        birthday = dt.date(year, birth.month, birth.day)
    except ValueError:  # born 29 February, a common year
        birthday = dt.date(year, 3, 1)
    return year - birth.year - (on < birthday)


def completed_months(birth: dt.date, on: dt.date) -> int:
    """Age in completed months (born 2026-01-31: 0 on 2026-02-28, 1 on 2026-03-01; born
    2026-01-15: 5 on 2026-07-14, 6 on 2026-07-15), comparing `on` with the month's
    birthday as a date like `completed_years` (a day past the month's end is its 1st
    day after)."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    try:
        day = dt.date(on.year, on.month, birth.day)
    except ValueError:  # born the 31st, a shorter month: the month is complete the day after
        day = dt.date(on.year + on.month // 12, on.month % 12 + 1, 1)
    return months - (on < day)


def patient_age(
    patient: Patient, findings: Iterable[Finding], dates: Mapping[str, dt.date], as_of: dt.date
) -> int | None:
    """Age in completed years at as-of: structured birth date, else a birth date or an age
    stated in a note written by then (the youngest the patient can be)."""
    if patient.birth_date is not None:
        return completed_years(patient.birth_date, as_of)
    best: tuple[dt.date, int] | None = None
    for f in findings:
        if f.concept not in ("demographic.birth_date", "demographic.age") or not f.is_patient_fact:
            continue
        written = dates.get(f.note_id)
        if written is None or written > as_of:
            continue
        try:
            if f.concept == "demographic.birth_date":
                years = completed_years(dt.date.fromisoformat(str(f.value)), as_of)
            else:
                years = int(float(str(f.value))) + completed_years(written, as_of)
        except ValueError:
            continue
        if best is None or written >= best[0]:
            best = (written, years)
    return best[1] if best else None
