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
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline

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
     {"lab.hbsag", "lab.anti_hcv", "lab.hiv", "lab.syphilis_ab"}, {"dx.hiv", "dx.syphilis"}),
    ("HBsAg, anti-HCV, anti-HIV or anti-Treponema pallidum antibody positive",
     {"lab.hbsag", "lab.anti_hcv", "lab.hiv", "lab.syphilis_ab"}, {"dx.hiv", "dx.syphilis"}),
    ("Positive serology for syphilis", set(), {"dx.syphilis"}),
    ("Syphilis, HIV or hepatitis C infection", set(), {"dx.syphilis", "dx.hiv", "dx.hcv"}),
    ("Treponema pallidum antibody positive", {"lab.syphilis_ab"}, {"dx.syphilis"}),
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


# ------------------------------------------------------ infection: what the notes decide
# A note names the infection itself ("pneumonia treated with co-amoxiclav", "UTI"), so a
# general infection concept is read from notes; an item that says how bad or how treated it
# was ("requiring hospitalisation", "clinically significant", "active") is decided only when
# no infection at all is documented in its window; a documented one is left to a person.
INFECTION_ITEMS = [
    ("Active acute or chronic infections.", ["dx.infection"], "current", None),
    ("Any acute or chronic infection within the past 30 days", ["dx.infection"], "within", 30),
    ("Clinically significant infection within 4 weeks before screening", ["dx.infection"],
     "within", 28),
    ("History of recurrent, clinically significant infections", ["dx.infection"], "ever", None),
    # ("Ongoing infection requiring systemic antibiotics" is read as the course running now:
    # tests/test_systemic_or_admitted_infection.py.)
    ("Infection that required management within the last 8 weeks", ["dx.infection"],
     "within", 56),
    ("Active infection requiring antimicrobial therapy", ["dx.active_infection"], "current",
     None),
]


@pytest.mark.parametrize(("text", "concepts", "temporality", "window"), INFECTION_ITEMS)
def test_an_infection_item_is_read_with_its_time(text, concepts, temporality, window):
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == concepts
    assert criterion.params.get("temporality") == temporality
    if window is not None:
        assert criterion.params["window_days"] == window


@pytest.mark.parametrize(
    ("text", "judged"),
    [
        ("Infection that required management within the last 8 weeks", "required management"),
        ("Active infection requiring antimicrobial therapy", "requiring antimicrobial therapy"),
        ("Clinically significant infection within 4 weeks before screening",
         "clinically significant"),
    ],
)
def test_how_an_infection_was_treated_is_left_to_a_person(text, judged):
    criterion = parse_criterion(text, "exclusion")
    assert judged in criterion.params.get("judged", []), criterion.params


@pytest.mark.parametrize(
    "text",
    [
        "History of chronic infection active within the last 6 months",
        "Any infection requiring hospitalisation or IV antibiotics within 3 months",
        "Active infection requiring antimicrobial therapy",
    ],
)
def test_a_specific_infection_item_names_the_infection_that_screens_it(text):
    """"Chronic infection", "infection requiring hospitalisation": the notes seldom use
    these words; any documented infection is what a person must then look at."""
    criterion = parse_criterion(text, "exclusion")
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["screen_concepts"] == ["dx.infection"]


@pytest.mark.parametrize(
    ("sentence", "assertion"),
    [
        ("Admitted with community-acquired pneumonia, treated with IV ceftriaxone.", "affirmed"),
        ("Urinary tract infection last week, finished nitrofurantoin.", "affirmed"),
        ("Cellulitis of the left leg.", "affirmed"),
        ("No signs of infection.", "negated"),
    ],
)
def test_a_documented_infection_in_a_note_is_an_infection_finding(parser, sentence, assertion):
    found = [f for f in parser.parse(sentence, "n", RECENT) if f.concept == "dx.infection"]
    assert [f.assertion.value for f in found] == [assertion]


def test_a_risk_or_a_prophylaxis_of_infection_is_not_an_infection(parser):
    text = "Counselled on infection risk; on PJP prophylaxis."
    assert not [f for f in parser.parse(text, "n", RECENT) if f.concept == "dx.infection"]


def _diagnosis(concepts: list[str], **params: Any) -> Criterion:
    return Criterion(id="c-1", key="inf", type="exclusion", text="t", kind="diagnosis",
                     params={"concepts": concepts, "system": None, "ruled_out_not_met": False,
                             **params})  # fmt: skip


SERIOUS_60 = _diagnosis(["dx.serious_infection"], screen_concepts=["dx.infection"],
                        window_days=60, temporality="within")
ACTIVE = _diagnosis(["dx.active_infection"], screen_concepts=["dx.infection"],
                    window_days=90, temporality="current", judged=["active"])
ANY_30 = _diagnosis(["dx.infection"], window_days=30, temporality="within",
                    judged=["clinically significant"])
ZOSTER_90 = _diagnosis(["dx.herpes_zoster"], window_days=90, temporality="within")


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        # No infection of any kind documented in the window: the exclusion does not apply.
        (SERIOUS_60, [], Status.NOT_MET),
        (SERIOUS_60, [_finding("dx.infection", date=dt.date(2026, 3, 1))], Status.NOT_MET),
        # An infection in the window: whether it needed hospital is for a person.
        (SERIOUS_60, [_finding("dx.infection")], Status.MANUAL),
        (SERIOUS_60, [_finding("dx.herpes_zoster")], Status.MANUAL),
        (SERIOUS_60, [_finding("dx.infection", assertion=Assertion.NEGATED)], Status.NOT_MET),
        # The notes say it in these words: it is documented.
        (SERIOUS_60, [_finding("dx.serious_infection")], Status.MET),
        (ACTIVE, [], Status.NOT_MET),
        (ACTIVE, [_finding("dx.infection")], Status.MANUAL),
        (ACTIVE, [_finding("dx.infection", date=dt.date(2025, 1, 1))], Status.NOT_MET),
        (ANY_30, [], Status.NOT_MET),
        (ANY_30, [_finding("dx.infection")], Status.MANUAL),
        (ANY_30, [_finding("dx.tuberculosis")], Status.MANUAL),
        (ZOSTER_90, [_finding("dx.herpes_zoster")], Status.MET),
        (ZOSTER_90, [_finding("dx.infection")], Status.NOT_MET),
    ],
)
def test_an_infection_exclusion_decides_absence_and_leaves_a_documented_one_to_a_person(
    criterion, findings, expected
):
    got, reason = _status(criterion, *findings)
    assert got is expected, reason


def test_a_documented_infection_names_what_a_person_must_check():
    got, reason = _status(SERIOUS_60, _finding("dx.infection"))
    assert got is Status.MANUAL
    assert "infection requiring hospitalisation" in reason and "2026-11-01" in reason
