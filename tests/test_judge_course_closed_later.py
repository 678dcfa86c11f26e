"""An IV anti-infective course begun before the latest note and closed by a later one.

"Active infection requiring intravenous antibiotics at the time of screening" asks for a
course running at the latest note. A course begun in the weeks before it with no end
written is left to a person, unless a later note says the course is over: "meropenem
finished on 08/11" (the drug, with its end), "antibiotics completed" (its class, stopped).
A later note closing another drug, or an end before the course began (an older course),
does not close it. The findings are built here; none is copied from a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
NOTES = {"ward": dt.date(2026, 11, 3), "clinic": dt.date(2026, 11, 8),
         "portal": dt.date(2026, 11, 12)}
ITEM = ("Active infection requiring intravenous antibiotics, antivirals or antifungals at the "
        "time of screening")


def _mention(concept: str, note: str, **attrs: Any) -> Finding:
    category = "drug_class" if concept.startswith("class.") else "drug"
    return Finding(concept=concept, category=category, note_id=note, start=0, end=5,
                   text=concept, assertion=Assertion.AFFIRMED, date=NOTES[note],
                   date_source="note", attrs={"documented_by": NOTES[note].isoformat(),
                                              **attrs})  # fmt: skip


IV_MEROPENEM = _mention("drug.meropenem", "ward", route="intravenous", start_date="2026-11-02")


@pytest.mark.parametrize(
    ("later", "status"),
    [
        # the drug again, with its end written
        (_mention("drug.meropenem", "clinic", stop_date="2026-11-07"), Status.NOT_MET),
        # its class, stopped ("antibiotics completed")
        (_mention("class.antibiotic", "clinic", stopped=True), Status.NOT_MET),
        # the drug, stopped, no date
        (_mention("drug.meropenem", "clinic", stopped=True), Status.NOT_MET),
        # another drug stopped: the meropenem course may still run
        (_mention("drug.ceftriaxone", "clinic", stopped=True), Status.MANUAL),
        # an end before the course began is an older course's
        (_mention("drug.meropenem", "clinic", stop_date="2026-09-30"), Status.MANUAL),
        # no later word on it
        (None, Status.MANUAL),
    ],
)
def test_a_course_closed_by_a_later_note_is_not_running(
    later: Finding | None, status: Status
) -> None:
    findings = [IV_MEROPENEM] + ([later] if later else [])
    timeline = build_timeline(Patient("P1", None), findings, NOTES, AS_OF)
    result = evaluate(parse_criterion(ITEM, "exclusion"), timeline)
    assert result.status is status, result.reason


def test_a_class_stopped_in_the_latest_note_is_no_course_of_unknown_route() -> None:
    """ "Afebrile, antibiotics completed" in the latest note: nothing is running."""
    findings = [_mention("class.antibiotic", "portal", stopped=True)]
    timeline = build_timeline(Patient("P1", None), findings, NOTES, AS_OF)
    result = evaluate(parse_criterion(ITEM, "exclusion"), timeline)
    assert result.status is Status.NOT_MET, result.reason


def test_a_mention_in_the_latest_note_of_an_end_before_it_is_no_course_running() -> None:
    """ "Meropenem finished 05/11" written on 12/11, the latest note: over before it."""
    findings = [IV_MEROPENEM, _mention("drug.meropenem", "portal", stop_date="2026-11-05",
                                       stopped=True)]  # fmt: skip
    timeline = build_timeline(Patient("P1", None), findings, NOTES, AS_OF)
    result = evaluate(parse_criterion(ITEM, "exclusion"), timeline)
    assert result.status is Status.NOT_MET, result.reason
