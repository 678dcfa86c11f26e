"""Values and time in registry criteria, round 10 (issue 12): mechanisms the blind corpora
h, i and j exposed, read as a sponsor would word them:

- how long a drug has been taken ("on a statin for more than 1 year", "use of a loop
  diuretic for at least one month"): the drug taken now, held that long;
- "recent" said beside a stated window ("recent (within 4 weeks)", "in the recent 3
  months"): the window is the time "recent" means; with no window it stays manual;

The sentences are written for these tests from clinical practice, not copied from a corpus.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)


def _read(ctype: str, text: str) -> Criterion:
    return parse_criterion(text, ctype)


def _drug(concept: str, started: dt.date, seen: dt.date, **attrs: Any) -> Finding:
    return Finding(concept=concept, category="drug", note_id=f"n{seen}", start=0, end=4,
                   text=concept.split(".")[-1], value=None, unit=None, date=seen,
                   date_source="text",
                   attrs={"start_date": started, "stop_date": None, "documented_by": seen,
                          **attrs})


def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.attrs["documented_by"] for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


# ------------------------------------------------- how long a drug has been taken
@pytest.mark.parametrize(("ctype", "text", "drug", "days"), [
    ("inclusion", "On a statin for more than 1 year", "drug.atorvastatin", 366),
    ("inclusion", "Use of an ACE inhibitor for at least 3 months", "drug.ramipril", 91),
    ("inclusion", "Patient takes hydroxychloroquine for at least 12 weeks",
     "drug.hydroxychloroquine", 84),
    ("inclusion", "Methotrexate use for 6 months or longer", "drug.methotrexate", 183),
    ("exclusion", "Furosemide therapy for > 6 months", "drug.furosemide", 184),
    ("exclusion", "Patient takes an opioid daily for longer than 3 months", "drug.morphine",
     92),
    ("exclusion", "Regular use of NSAIDs for at least 4 weeks", "drug.ibuprofen", 28),
])
def test_how_long_a_drug_has_been_taken_is_the_drug_now_held_that_long(ctype, text, drug,
                                                                        days):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert drug in criterion.params["drugs"]
    assert criterion.params.get("current") is True
    assert criterion.params.get("min_duration_days") == days
    assert criterion.params.get("window_days") in (None, 90)


@pytest.mark.parametrize("text", [
    # a past course's length: the notes date a course's mentions, not its every day
    "Treated with belimumab for at least 24 weeks",
    "Previously received mycophenolate for more than 6 months",
    # the perfect tense: a retrospective cohort's entry is any course that long
    "Patients who have been taking hydroxychloroquine for at least 12 weeks",
    "Has used an ACE inhibitor for 6 months or longer",
])
def test_how_long_a_past_course_lasted_is_not_read_as_the_drug_now(text):
    criterion = _read("inclusion", text)
    assert not (criterion.kind == "drug_exposure" and criterion.params.get("current")), (
        criterion.params)


@pytest.mark.parametrize(("started", "expected"), [
    (dt.date(2025, 3, 1), Status.MET),      # on it for well over a year
    (dt.date(2026, 2, 1), Status.NOT_MET),  # ten months: not long enough
])
def test_a_strict_duration_is_decided_from_the_first_day_of_the_course(started, expected):
    criterion = _read("inclusion", "Statin therapy for more than one year")
    seen = dt.date(2026, 11, 1)
    assert _status(criterion, _drug("drug.simvastatin", started, seen)) == expected


# ------------------------------------------------- "recent" beside a stated window
@pytest.mark.parametrize(("text", "kind", "concept", "window"), [
    ("Rituximab in the recent 3 months", "drug_exposure", "drug.rituximab", 91),
    ("Recent (within 4 weeks) use of systemic antibiotics", "drug_exposure",
     "drug.amoxicillin", 28),
    ("Recently (in the past 6 months) treated with cyclophosphamide", "drug_exposure",
     "drug.cyclophosphamide", 183),
    ("Myocardial infarction in the most recent 6 months", "diagnosis", "dx.mi",
     183),
    ("Recent stroke (within the past 3 months)", "diagnosis", "dx.stroke", 91),
    ("Receipt of a live vaccine in <= 30 days", "drug_exposure", "drug.mmr_vaccine", 30),
])
def test_recent_beside_a_stated_window_is_that_window(text, kind, concept, window):
    criterion = _read("exclusion", text)
    assert criterion.kind == kind, criterion.manual_reason
    listed = criterion.params.get("drugs") or criterion.params.get("concepts")
    assert concept in listed
    assert criterion.params["window_days"] == window


@pytest.mark.parametrize("text", [
    "Recent myocardial infarction",
    # the window belongs to rituximab; how recent the infection was is not said
    "Recent infection or rituximab within 6 months",
])
def test_recent_with_no_window_of_its_own_stays_manual(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "manual"
    assert "recent" in (criterion.manual_reason or "")
