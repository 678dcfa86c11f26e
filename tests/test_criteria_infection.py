"""Infection criteria as registries word them: what clinic notes can decide, and what is
left to a person.

- Serology lists that name syphilis beside hepatitis and HIV ("HBsAg, anti-HCV, HIV
  antibody or syphilis antibody positive"): syphilis is a serology marker like the others,
  read from the notes' results ("TPPA reactive").

The sentences are written here in the wordings many sponsors use, not copied from a trial.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.evaluate import evaluate
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.timeline import build_timeline

AS_OF = dt.date(2026, 11, 20)
RECENT = dt.date(2026, 11, 1)


def _subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k, "<missing>") for k in expected}


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _finding(concept: str, *, date: dt.date = RECENT, category: str = "diagnosis",
             assertion: Assertion = Assertion.AFFIRMED, note: str = "n1",
             **attrs: Any) -> Finding:  # fmt: skip
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=assertion, value=None, unit=None, date=date,
                   date_source="text", attrs=attrs)  # fmt: skip


def _status(criterion: Criterion, *findings: Finding) -> tuple[Status, str]:
    dates = {f.note_id: f.date for f in findings}
    timeline = build_timeline(Patient("P1", None), list(findings), dates, AS_OF)
    result = evaluate(criterion, timeline)
    return result.status, result.reason


# ------------------------------------------------------------------- syphilis serology
SYPHILIS_LISTS = [
    ("Positive hepatitis B surface antigen, hepatitis C antibody, HIV antibody or syphilis "
     "antibody at screening",
     {"lab.hbsag", "lab.anti_hcv", "lab.hiv", "lab.syphilis_ab"}, set()),
    ("HBsAg, anti-HCV, anti-HIV or anti-Treponema pallidum antibody positive",
     {"lab.hbsag", "lab.anti_hcv", "lab.hiv", "lab.syphilis_ab"}, set()),
    ("Positive serology for syphilis", set(), {"dx.syphilis"}),
    ("Syphilis, HIV or hepatitis C infection", set(), {"dx.syphilis", "dx.hiv", "dx.hcv"}),
    ("Treponema pallidum antibody positive", {"lab.syphilis_ab"}, set()),
]


@pytest.mark.parametrize(("text", "markers", "infections"), SYPHILIS_LISTS)
def test_a_serology_list_naming_syphilis_is_read_whole(text, markers, infections):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "serology", criterion.manual_reason
    assert set(criterion.params["markers"]) == markers
    assert set(criterion.params["infections"]) == infections
    assert criterion.params["result"] == "positive"


@pytest.mark.parametrize(
    ("sentence", "result"),
    [
        ("TPPA reactive.", "positive"),
        ("Treponema pallidum antibody negative.", "negative"),
        ("Syphilis antibody: positive", "positive"),
    ],
)
def test_a_syphilis_test_result_in_a_note_is_a_marker_finding(parser, sentence, result):
    found = [f for f in parser.parse(sentence, "n", RECENT) if f.concept == "lab.syphilis_ab"]
    assert [f.attrs.get("result") for f in found] == [result]


SYPHILIS = Criterion(id="c-1", key="syph", type="exclusion", text="t", kind="serology",
                     params={"markers": ["lab.syphilis_ab"], "infections": [],
                             "result": "positive", "ever": False, "needs_result": True})


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ([_finding("lab.syphilis_ab", category="lab", result="positive")], Status.MET),
        ([_finding("lab.syphilis_ab", category="lab", result="negative")], Status.NOT_MET),
        # A treponemal antibody stays positive for life: an old positive still shows it.
        ([_finding("lab.syphilis_ab", category="lab", result="positive",
                   date=dt.date(2019, 3, 1))], Status.MET),
        ([], Status.UNKNOWN),
    ],
)
def test_a_syphilis_antibody_exclusion_is_decided_from_results(findings, expected):
    assert _status(SYPHILIS, *findings)[0] is expected
