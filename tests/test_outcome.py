"""Outcomes (passes / fails / unknown / to check) and the candidates list's "why" chips
(matcher.judge.outcome), on hand-built results: pure functions, no store."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.judge.outcome import Outcome, WhyChip, outcome_from_code, outcome_of, why_chips
from matcher.model import (
    AnyOf,
    Criterion,
    CriterionResult,
    Evidence,
    PatientResult,
    PatientStatus,
    Status,
    UnknownCause,
)

AS_OF = dt.date(2026, 11, 20)


@pytest.mark.parametrize(("kind", "status", "outcome", "code"), [
    ("inclusion", "met", Outcome.PASSES, "pass"),
    ("inclusion", "not_met", Outcome.FAILS, "fail"),
    ("exclusion", "not_met", Outcome.PASSES, "pass"),  # condition absent: lets them in
    ("exclusion", "met", Outcome.FAILS, "fail"),
    ("inclusion", "unknown", Outcome.UNKNOWN, "unknown"),
    ("exclusion", "unknown", Outcome.UNKNOWN, "unknown"),
    ("inclusion", "manual", Outcome.TO_CHECK, "manual"),
    ("exclusion", "manual", Outcome.TO_CHECK, "manual"),
])  # fmt: skip
def test_an_exclusion_whose_condition_is_absent_passes(kind, status, outcome, code):
    assert outcome_of(kind, status) is outcome
    assert outcome.code == code
    assert outcome_from_code(code) is outcome


@pytest.mark.parametrize(("kind", "status"), [("other", "met"), ("inclusion", "maybe")])
def test_an_unknown_type_or_status_is_an_error_not_a_guess(kind, status):
    with pytest.raises(ValueError):
        outcome_of(kind, status)


def _c(cid: str, ctype: str = "inclusion", kind: str = "lab", text: str = "item",
       manual: str | None = None, trace: tuple[str, ...] = (), any_of: AnyOf | None = None,
       **params) -> Criterion:
    return Criterion(cid, cid, ctype, text, kind, params, manual_reason=manual, trace=trace,
                     any_of=any_of)


def _r(criterion: Criterion, status: Status, reason: str, evidence: str | None = None,
       cause: UnknownCause | None = None) -> CriterionResult:
    found = (Evidence("N1", dt.date(2026, 10, 28), 0, len(evidence), evidence),) if evidence \
        else ()
    return CriterionResult(criterion, status, reason, found, cause)


def _patient(status: PatientStatus, *results: CriterionResult) -> PatientResult:
    return PatientResult("P-1", status, 50.0, results, rank=1)


def test_an_ineligible_patient_has_a_fails_chip_per_failing_criterion_in_the_notes_words():
    result = _patient(
        PatientStatus.INELIGIBLE,
        _r(_c("inc-1"), Status.NOT_MET,
           "absolute lymphocyte count 0.9 x10^9/L on 2026-10-28 (needs >= 1)", "ALC 0.9 x10^9/L"),
        _r(_c("exc-1", "exclusion", "drug_exposure"), Status.MET,
           "rituximab on 2026-10-01", "rituximab"),
        _r(_c("inc-3", kind="score", concept="score.ecog"), Status.NOT_MET,
           "ECOG performance status 3 on 2026-11-02 (needs 0 to 2)", "ECOG 3"),
        _r(_c("inc-4", kind="age"), Status.NOT_MET,
           "age 19 at the as-of date (structured birth date 2007-07-22)"),
        _r(_c("exc-2", "exclusion", "drug_exposure"), Status.NOT_MET, "no rituximab documented"),
        _r(_c("inc-2"), Status.UNKNOWN, "no CD19 flow cytometry result documented",
           cause=UnknownCause.ABSENT),
    )
    assert why_chips(result, AS_OF) == (
        WhyChip("fails", "inc-1", "ALC 0.9 x10^9/L"),
        WhyChip("fails", "exc-1", "rituximab"),
        WhyChip("fails", "inc-3", "ECOG 3"),
        WhyChip("fails", "inc-4", "age 19"),
    )


def test_a_possible_patient_shows_what_is_missing_stale_labs_grouped_by_date_and_unread_items():
    result = _patient(
        PatientStatus.POSSIBLE,
        _r(_c("inc-1", kind="cd19"), Status.UNKNOWN, "no CD19 flow cytometry result documented",
           cause=UnknownCause.ABSENT),
        *(_r(_c(f"lab-{i}"), Status.UNKNOWN,
             f"last {name} 100 on 2026-03-01, older than the 90-day lookback (stale)",
             cause=UnknownCause.STALE)
          for i, name in enumerate(["hemoglobin", "total bilirubin"])),
        _r(_c("inc-9", kind="score", concept="score.sledai"), Status.UNKNOWN,
           "last SLEDAI-2K score 12 on 2025-07-15, older than the 90-day lookback (stale)",
           cause=UnknownCause.STALE),
        _r(_c("inc-5", kind="lab", analytes=["lab.egfr"]), Status.UNKNOWN,
           "no estimated GFR documented", cause=UnknownCause.ABSENT),
        _r(_c("inc-6", kind="lab", analytes=["lab.inr"]), Status.UNKNOWN,
           "no international normalized ratio documented", cause=UnknownCause.ABSENT),
        _r(_c("inc-3", kind="manual", text="History of organ transplant (including kidney)",
              manual="not recognised", trace=("coverage:manual",)), Status.MANUAL, "unread"),
        _r(_c("inc-4", kind="consent", manual="checked at screening"), Status.MANUAL, "consent"),
        _r(_c("exc-1", "exclusion", "drug_exposure"), Status.NOT_MET, "no rituximab documented"),
    )
    assert why_chips(result, AS_OF) == (
        WhyChip("missing", "inc-1", "no CD19 flow"),
        WhyChip("missing", "inc-5", "no eGFR, INR"),
        WhyChip("stale", "lab-0", "2 labs stale since 1 Mar"),
        WhyChip("stale", "inc-9", "SLEDAI-2K stale since 15 Jul 2025"),
        WhyChip("to check", "inc-3", "History of organ transplant (including kidney)"),
    )


def test_a_failing_member_of_an_either_or_that_holds_is_no_reason():
    group = AnyOf(1)
    result = _patient(
        PatientStatus.ELIGIBLE,
        _r(_c("inc-1", any_of=group), Status.NOT_MET, "ANA negative", "ANA negative"),
        _r(_c("inc-2", any_of=group), Status.MET, "anti-dsDNA positive", "dsDNA +"),
    )
    assert why_chips(result, AS_OF) == ()


@pytest.mark.parametrize("chip", [
    WhyChip("fails", "inc-1", "ECOG 3"),
    WhyChip("to check", "inc-2", 'quotes " and <b>markup</b> stay text'),
])
def test_a_chip_round_trips_through_json(chip):
    assert WhyChip.from_json(chip.to_json()) == chip


def test_a_chip_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        WhyChip("bad", "inc-1", "x")


def test_the_json_keeps_status_and_gains_each_criterions_outcome_in_the_schema():
    import json

    import jsonschema

    from matcher import api
    from matcher.model import Trial
    from tests.conftest import REPO

    result = _patient(
        PatientStatus.ELIGIBLE,
        _r(_c("inc-1"), Status.MET, "ALC 1.2", "ALC 1.2"),
        _r(_c("exc-1", "exclusion", "drug_exposure"), Status.NOT_MET, "no rituximab documented"),
        _r(_c("inc-2", kind="consent"), Status.MANUAL, "checked at screening"),
    )
    payload = api.match_to_json(Trial("T1", "t", ()), [result], AS_OF)
    criteria = payload["patients"][0]["criteria"]
    assert [(c["status"], c["outcome"]) for c in criteria] == [
        ("met", "pass"), ("not_met", "pass"), ("manual", "manual")]
    schema = json.loads((REPO / "matcher/schema/match_output.schema.json").read_text())
    jsonschema.validate(payload, schema)
    del criteria[0]["outcome"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schema)
