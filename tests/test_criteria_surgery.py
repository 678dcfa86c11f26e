"""Surgery within a window (issue 12, round 13): "Major surgery within 4 weeks before
randomisation" is among the commonest exclusions of every disease area (wound healing,
bleeding, anaesthesia), and the reader knew no surgery at all ("no computable concept
recognised").

- "surgery" and "major surgery" are procedures of their own (SNOMED CT 387713003 surgical
  procedure; a major surgery is a surgery), read with the window the item states
  ("within 28 days", "in the past 3 months") or as ever ("history of major surgery");
- an item that states no time ("recent surgery") or plans one ("surgery planned during
  the study") stays with a person, as before;
- on the notes, "major" is the surgeon's judgement: a note naming a major surgery in the
  window decides the exclusion; a note naming only a surgery leaves "major" to a person,
  with the note as evidence; notes name the operation ("hemicolectomy", "hip
  replacement") more often than the word "surgery", so no mention is unknown, never
  "not met".

The sentences are written here in the ways sponsors and clinicians word them; none is
copied from a registry record.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.model import Criterion, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from tests.parse_support import exclusions_of, judged_exclusion

TRIAL = ["A drug Z for adults with rheumatoid arthritis"]
WRITTEN = dt.date(2026, 10, 20)
AS_OF = dt.date(2026, 11, 1)


def _exclusions(item: str) -> list[Criterion]:
    return exclusions_of(item, "Rheumatoid arthritis", TRIAL)


# (exclusion in a sponsor's words, concept, window in days or None for ever)
WINDOWED: list[tuple[str, str, int | None]] = [
    ("Major surgery within 4 weeks before randomization", "proc.major_surgery", 28),
    ("Major surgical procedure within 28 days prior to the first dose", "proc.major_surgery", 28),
    ("Had major surgery in the last 2 months", "proc.major_surgery", 61),
    ("Major surgery within 8 weeks of screening", "proc.major_surgery", 56),
    ("Surgery within the past 3 months", "proc.surgery", 91),
    ("Any surgery within 6 weeks of screening", "proc.surgery", 42),
    ("Surgical procedure within 14 days before enrolment", "proc.surgery", 14),
]


@pytest.mark.parametrize(("text", "concept", "days"), WINDOWED, ids=[w[0] for w in WINDOWED])
def test_a_surgery_in_a_window_is_read_with_its_window(text, concept, days):
    (criterion,) = _exclusions(text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params.get("window_days") == days


@pytest.mark.parametrize("text", [
    "History of major surgery",
    "Previous major surgery",
])
def test_a_past_major_surgery_is_read_as_ever(text):
    (criterion,) = _exclusions(text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == ["proc.major_surgery"]
    assert criterion.params.get("window_days") is None


@pytest.mark.parametrize("text", [
    "Recent major surgery",
    "Major surgery planned during the study period",
    "Surgery scheduled within the study period",
])
def test_a_surgery_without_a_time_or_only_planned_goes_to_a_person(text):
    assert [c.kind for c in _exclusions(text)] == ["manual"]


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


MAJOR = "Major surgery within 4 weeks before randomization"
ANY = "Surgery within the past 3 months"
# (exclusion, note sentences written 12 days before, status)
JUDGED: list[tuple[str, list[str], Status]] = [
    (MAJOR, ["Recovering well after major surgery, wound healing."], Status.MET),
    (MAJOR, ["Had surgery for a torn meniscus, walking with crutches."], Status.MANUAL),
    (MAJOR, ["Joint pain improved on methotrexate."], Status.UNKNOWN),
    (ANY, ["Had surgery for a torn meniscus, walking with crutches."], Status.MET),
    (ANY, ["Recovering well after major surgery, wound healing."], Status.MET),
    (ANY, ["Joint pain improved on methotrexate."], Status.UNKNOWN),
    (ANY, ["No surgery since the last visit."], Status.UNKNOWN),
]


@pytest.mark.parametrize(("item", "sentences", "status"), JUDGED,
                         ids=[f"{j[0]} / {j[1][0]}" for j in JUDGED])
def test_a_surgery_exclusion_is_judged_from_the_notes(parser, item, sentences, status):
    assert judged_exclusion(parser, item, sentences, WRITTEN, AS_OF) is status


# "Within 30 days prior to surgery": the surgery the trial is about anchors the window, as
# "prior to randomisation" does; it is no surgery the item excludes, and the window reaches
# every drug of the list.
@pytest.mark.parametrize("text", [
    "Antibiotics within 30 days before surgery",
    "Use of any antibiotic or antifungal therapy within 30 days prior to surgery",
    "Treatment with antibiotics in the 30 days before the surgery",
])
def test_a_surgery_that_anchors_a_window_is_no_surgery_excluded(text):
    criteria = _exclusions(text)
    assert [c.kind for c in criteria] == ["drug_exposure"] * len(criteria), [
        c.manual_reason for c in criteria]
    assert {c.params.get("window_days") for c in criteria} == {30}
