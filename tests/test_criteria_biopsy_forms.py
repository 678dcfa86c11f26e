"""Kidney-biopsy criteria in the many ways sponsors word them (issue 12): class sets in
other notations, biopsy windows that run into screening, "newly diagnosed" and "untreated"
left to a person once the class matches, and biopsy findings the notes do not hold.

The sentences are written for these tests in the manner of lupus-nephritis registry texts;
none is copied from the corpus.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion, parse_eligibility_text
from matcher.criteria.render import reading
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status

LN = ("lupus nephritis",)


def _read(ctype: str, text: str):
    return parse_criterion(text, ctype, about=LN)


def _subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k, "<missing>") for k in expected}


# ----------------------------------------------------------- class sets in other notations
CLASS_SETS: list[tuple[str, str, dict[str, Any]]] = [
    # "Proliferative" alone names the proliferative classes, which a membranous component
    # does not take away (III+V and IV+V are proliferative lupus nephritis).
    ("inclusion", "Kidney biopsy-proven proliferative lupus nephritis",
     {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Histologically confirmed proliferative LN",
     {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Proliferative lupus glomerulonephritis demonstrated on renal biopsy",
     {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    # A class in brackets after another: a membranous component that may be there.
    ("inclusion", "Class III (Class V) or Class IV (Class V) lupus nephritis on renal biopsy",
     {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Renal biopsy showing ISN/RPS class IV (class V) or class III (class V) LN",
     {"classes": ["IV", "III"], "allowed_with": ["V"]}),
    ("inclusion", "Kidney biopsy consistent with ISN/RPS2018 class III±V or IV±V lupus "
     "nephritis", {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Renal histology compatible with class IV lupus nephritis",
     {"classes": ["IV"], "allowed_with": []}),
    # Pure class V ruled out with a noun between the class and the verdict.
    ("inclusion", "Class V lupus nephritis may coexist with Class III or IV disease, but "
     "patients with isolated Class V disease are not eligible",
     {"classes": ["III", "IV"], "allowed_with": ["V"]}),
    ("inclusion", "Biopsy class III or IV lupus nephritis; subjects with pure class V LN are "
     "excluded", {"classes": ["III", "IV"], "allowed_with": []}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), CLASS_SETS)
def test_a_class_set_in_another_notation_is_read(ctype: str, text: str,
                                                 params: dict[str, Any]) -> None:
    criterion = _read(ctype, text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert _subset(criterion.params, params) == params


# A class list is one term: an item is never cut inside it ("class III, | IV +/- V"), where
# the first piece alone would require class III.
CLASS_LIST_ITEMS = [
    "Diagnosis of lupus nephritis class III, IV +/- V (biopsy-confirmed and graded per "
    "ISN/RPS, reviewed centrally)",
    "Biopsy-proven LN of class III, IV ± V (classified per the ISN/RPS revision)",
    "Lupus nephritis class IV, III +/- V on renal biopsy (graded and classified by ISN/RPS)",
]


@pytest.mark.parametrize("text", CLASS_LIST_ITEMS)
def test_an_item_is_not_cut_inside_its_class_list(text: str) -> None:
    criteria = parse_eligibility_text(f"Inclusion Criteria:\n* {text}\n", about=LN)
    for criterion in criteria:
        if criterion.kind == "biopsy":
            assert len(criterion.params["classes"]) > 1, criterion.text
    assert not any(c.text.lstrip().startswith(("IV", "III", "V ")) for c in criteria), [
        c.text for c in criteria
    ]


# --------------------------------------------------------------- windows into screening
WINDOWS: list[tuple[str, dict[str, Any]]] = [
    ("Class III or IV lupus nephritis on a kidney biopsy done in the 6 months prior to or "
     "during screening", {"window_days": 183}),
    ("Renal biopsy within 12 weeks before or during screening showing class III or IV LN",
     {"window_days": 84}),
    ("ISN/RPS class III or IV lupus nephritis on a renal biopsy performed before or during "
     "screening", {"window_days": None}),
    ("Renal biopsy showing class III or IV LN obtained in the 12 months before or during the "
     "screening period", {"window_days": 365}),
]


@pytest.mark.parametrize(("text", "params"), WINDOWS)
def test_a_biopsy_window_that_runs_into_screening_is_read(text: str,
                                                        params: dict[str, Any]) -> None:
    criterion = _read("inclusion", text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert _subset(criterion.params, params) == params


# ------------------------------------------- "history of", "newly diagnosed", "untreated"
HISTORY = [
    "History of biopsy-proven lupus nephritis",
    "Previous kidney biopsy confirming lupus nephritis",
    "A documented history of lupus nephritis proven by kidney biopsy",
]


@pytest.mark.parametrize("text", HISTORY)
def test_a_past_biopsy_proven_nephritis_is_any_class_at_any_time(text: str) -> None:
    criterion = _read("inclusion", text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert set(criterion.params["classes"]) >= {"III", "IV", "V"}
    assert criterion.params["window_days"] is None


JUDGED: list[tuple[str, dict[str, Any], str]] = [
    ("Newly diagnosed class III or IV lupus nephritis on kidney biopsy",
     {"classes": ["III", "IV"]}, "newly diagnosed"),
    ("Patients with newly diagnosed WHO class IV lupus nephritis",
     {"classes": ["IV"]}, "newly diagnosed"),
    ("Untreated, biopsy-proven class III or IV lupus nephritis",
     {"classes": ["III", "IV"]}, "untreated"),
    ("Treatment-naive lupus nephritis, ISN/RPS class III or IV on biopsy",
     {"classes": ["III", "IV"]}, "treatment-naive"),
]


@pytest.mark.parametrize(("text", "params", "judged"), JUDGED)
def test_newly_diagnosed_or_untreated_is_left_to_a_person_once_the_class_matches(
    text: str, params: dict[str, Any], judged: str
) -> None:
    criterion = _read("inclusion", text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert _subset(criterion.params, params) == params
    assert judged in criterion.params["judged"]


# ------------------------------------------------ biopsy findings the notes do not hold
# With a class named, the class is still read: a biopsy of another class decides, a
# matching one leaves the finding to a person (params "judged").
CHRONIC: list[tuple[str, str, dict[str, Any]]] = [
    ("exclusion", "Purely chronic class III (C) or IV (C) lupus nephritis on biopsy, with no "
     "active lesions", {"classes": ["III", "IV"]}),
    ("exclusion", "Class IV-G (C) lupus nephritis on the most recent renal biopsy, inactive "
     "lesions only", {"classes": ["IV"]}),
    ("exclusion", "Renal biopsy showing only chronic class III or IV lupus nephritis, defined "
     "as the absence of active lesions", {"classes": ["III", "IV"]}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), CHRONIC)
def test_purely_chronic_lesions_keep_the_class_and_are_left_to_a_person(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    criterion = _read(ctype, text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    assert _subset(criterion.params, params) == params
    assert criterion.params["judged"] == ["purely chronic (no active lesions)"]


FINDINGS: list[tuple[str, str, str]] = [
    ("exclusion", "Renal biopsy with a chronicity index above 4", "chronicity index"),
    ("inclusion", "Kidney biopsy showing an activity index of at least 2", "activity index"),
    ("exclusion", "Kidney biopsy demonstrating interstitial fibrosis involving more than half "
     "of the cortex", "interstitial fibrosis"),
    ("inclusion", "Renal biopsy with crescents in under a quarter of glomeruli", "crescents"),
]


@pytest.mark.parametrize(("ctype", "text", "finding"), FINDINGS)
def test_a_biopsy_finding_beyond_the_class_stays_manual_and_names_it(
    ctype: str, text: str, finding: str
) -> None:
    criterion = _read(ctype, text)
    assert criterion.kind == "manual"
    assert f'("{finding}")' in (criterion.manual_reason or "")


# ------------------------------------------------------------------- to the verdict
def _judged_on(criterion: Criterion, concept: str = "", **attrs: Any) -> Any:
    """The criterion judged on one finding of `concept` dated 2026-10-01 (none: no finding),
    screening on 2026-11-20."""
    category = "biopsy" if concept.startswith("biopsy") else "diagnosis"
    findings = [Finding(concept=concept, category=category, note_id="n1", start=0, end=4,
                        text="text", assertion=Assertion.AFFIRMED, value=None, unit=None,
                        date=dt.date(2026, 10, 1), date_source="text", attrs=attrs)
                ] if concept else []
    timeline = build_timeline(Patient("P1", None), findings, {"n1": dt.date(2026, 10, 1)},
                              dt.date(2026, 11, 20))
    return evaluate(criterion, timeline)


def _verdict(criterion: Criterion, *classes: str) -> Any:
    """The criterion judged on one kidney biopsy of these classes."""
    return _judged_on(criterion, "biopsy.kidney", classes=list(classes))


VERDICTS: list[tuple[str, str, tuple[str, ...], Status, str]] = [
    ("inclusion", "Newly diagnosed class III or IV lupus nephritis on kidney biopsy", ("IV",),
     Status.MANUAL, "newly diagnosed"),
    ("inclusion", "Newly diagnosed class III or IV lupus nephritis on kidney biopsy", ("V",),
     Status.NOT_MET, ""),
    ("inclusion", "Untreated, biopsy-proven class III or IV lupus nephritis", ("III",),
     Status.MANUAL, "untreated"),
    ("exclusion", "Purely chronic class III (C) or IV (C) lupus nephritis on biopsy",
     ("IV",), Status.MANUAL, "purely chronic"),
    ("exclusion", "Purely chronic class III (C) or IV (C) lupus nephritis on biopsy",
     ("V",), Status.NOT_MET, ""),
    ("inclusion", "Class III (Class V) or Class IV (Class V) lupus nephritis on renal biopsy",
     ("IV", "V"), Status.MET, ""),
    ("inclusion", "Class III (Class V) or Class IV (Class V) lupus nephritis on renal biopsy",
     ("V",), Status.NOT_MET, ""),
    ("inclusion", "Kidney biopsy-proven proliferative lupus nephritis", ("III", "V"),
     Status.MET, ""),
]


@pytest.mark.parametrize(("ctype", "text", "classes", "status", "why"), VERDICTS)
def test_a_biopsy_reading_decides_the_class_and_leaves_its_qualifier_to_a_person(
    ctype: str, text: str, classes: tuple[str, ...], status: Status, why: str
) -> None:
    criterion = _read(ctype, text)
    assert criterion.kind == "biopsy", criterion.manual_reason
    result = _verdict(criterion, *classes)
    assert result.status is status, result.reason
    assert why in result.reason
    assert why in reading(criterion)


TRIAL = (
    "Inclusion Criteria:\n"
    "* ISN/RPS class III or IV lupus nephritis on a renal biopsy done in the 6 months prior to "
    "or during screening\n"
    "* A class V component may coexist with class III or IV lupus nephritis, but patients "
    "with isolated class V disease are not eligible\n"
)


def test_a_sibling_item_allowing_class_v_alongside_widens_the_class_set() -> None:
    first, second = parse_eligibility_text(TRIAL, about=LN)
    assert (first.kind, second.kind) == ("biopsy", "biopsy"), first.manual_reason
    assert first.params["window_days"] == 183
    assert _verdict(first, "IV", "V").status is Status.MET
    assert _verdict(first, "V").status is Status.NOT_MET
    assert _verdict(second, "V").status is Status.NOT_MET


# ------------------------------------------- another disease confirmed by biopsy or histology
# Notes name the disease and seldom how it was confirmed: the diagnosis decides when absent,
# a documented one is left to a person (params "judged").
TISSUE_CONFIRMED: list[tuple[str, str, str]] = [
    ("inclusion", "Biopsy-proven myositis", "dx.myositis"),
    ("inclusion", "Cirrhosis confirmed by liver biopsy", "dx.cirrhosis"),
    ("inclusion", "Primary Sjogren's syndrome confirmed by minor salivary gland biopsy",
     "dx.sjogren"),
    ("inclusion", "Dermatomyositis diagnosed on muscle biopsy", "dx.myositis"),
    ("exclusion", "History of histologically confirmed malignancy", "dx.malignancy"),
]


@pytest.mark.parametrize(("ctype", "text", "concept"), TISSUE_CONFIRMED)
def test_a_diagnosis_confirmed_by_biopsy_keeps_the_confirmation_for_a_person(
    ctype: str, text: str, concept: str
) -> None:
    criterion = _read(ctype, text)
    assert criterion.kind == "diagnosis", criterion.manual_reason
    assert criterion.params["concepts"] == [concept]
    assert criterion.params["judged"] == ["confirmed by biopsy or histology"]
    assert "confirmed by biopsy or histology" in reading(criterion)


def test_a_documented_diagnosis_needing_biopsy_confirmation_is_left_to_a_person() -> None:
    criterion = _read("inclusion", "Cirrhosis confirmed by liver biopsy")
    shown = _judged_on(criterion, "dx.cirrhosis")
    assert shown.status is Status.MANUAL and "confirmed by biopsy" in shown.reason
    assert _judged_on(criterion).status in (Status.NOT_MET, Status.UNKNOWN)
