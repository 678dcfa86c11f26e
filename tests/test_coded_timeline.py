"""Coded facts and note facts on one timeline (matcher.judge.timeline.one_fact_per_day): the
same value on the same day is one fact with two sources; when they disagree, the coded value
wins for labs and the note for narrative facts, and the explanation says so."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from matcher import api
from matcher.judge.timeline import build_timeline, one_fact_per_day
from matcher.model import STRUCTURED, Assertion, Finding, Patient, Status, Trial
from tests.conftest import REPO

DAY = dt.date(2026, 11, 2)
NOTE_DATES = {"N-1": DAY, "Observation/1": DAY, "Procedure/2": dt.date(2026, 9, 30)}


def note_alt(value: float = 85.0) -> Finding:
    text = f"ALT {value:g} U/L"
    return Finding("lab.alt", "lab", "N-1", 10, 10 + len(text), text, value=value, unit="U/L",
                   date=DAY, date_source="text")  # fmt: skip


def coded_alt(value: float = 85.0) -> Finding:
    line = f"ALT {value:g} U/L (ref 7-40), 2026-11-02, Observation/1"
    return Finding("lab.alt", "lab", "Observation/1", 0, len(line), line, value=value,
                   unit="U/L", ref_low=7.0, ref_high=40.0, date=DAY, date_source=STRUCTURED,
                   attrs={"provenance": STRUCTURED, "source": "Observation/1"})  # fmt: skip


def test_the_same_lab_value_on_the_same_day_is_one_fact_with_two_sources() -> None:
    [kept] = one_fact_per_day([note_alt(), coded_alt()], NOTE_DATES)
    assert kept.note_id == "Observation/1"  # the coded one stands, with its range
    assert kept.attrs["also"] == [{"note_id": "N-1", "start": 10, "end": 20,
                                   "text": "ALT 85 U/L", "provenance": "note"}]  # fmt: skip
    assert "rule" not in kept.attrs


def test_a_value_in_another_unit_rounded_is_the_same_measurement() -> None:
    note = dataclasses.replace(note_alt(), concept="lab.creatinine", value=106.08, unit="umol/L")
    coded = dataclasses.replace(coded_alt(), concept="lab.creatinine", value=106.0, unit="umol/L")
    assert len(one_fact_per_day([note, coded], NOTE_DATES)) == 1
    assert "rule" not in one_fact_per_day([note, coded], NOTE_DATES)[0].attrs


def test_when_a_note_and_a_coded_lab_disagree_the_coded_value_wins_and_says_so() -> None:
    [kept] = one_fact_per_day([note_alt(130.0), coded_alt(85.0)], NOTE_DATES)
    assert kept.value == 85.0
    assert kept.attrs["rule"] == (
        "coded value used; the note N-1 said 130 U/L (the coded value wins for labs)"
    )


def test_when_a_note_and_a_coded_record_disagree_on_a_narrative_fact_the_note_wins() -> None:
    note = Finding("biopsy.kidney", "biopsy", "N-1", 0, 8, "class IV", value="IV",
                   date=dt.date(2026, 9, 30), date_source="text")  # fmt: skip
    coded = Finding("biopsy.kidney", "biopsy", "Procedure/2", 0, 30, "kidney biopsy class III",
                    value="III", date=dt.date(2026, 9, 30), date_source=STRUCTURED)  # fmt: skip
    [kept] = one_fact_per_day([note, coded], NOTE_DATES)
    assert kept.value == "IV"
    assert kept.attrs["rule"] == (
        "the note's reading used; Procedure/2 said III (the note wins for narrative facts)"
    )


@pytest.mark.parametrize(
    "other",
    [
        dataclasses.replace(coded_alt(), date=dt.date(2026, 11, 3)),  # another day
        dataclasses.replace(coded_alt(), concept="lab.ast"),  # another analyte
    ],
)
def test_facts_of_another_day_or_concept_both_stay(other: Finding) -> None:
    assert len(one_fact_per_day([note_alt(), other], NOTE_DATES)) == 2


def test_a_coded_procedure_without_a_class_joins_the_notes_biopsy_as_its_second_source() -> None:
    note = Finding("proc.kidney_biopsy", "procedure", "N-1", 0, 13, "Kidney biopsy",
                   date=dt.date(2026, 9, 30), date_source="text")  # fmt: skip
    coded = Finding("proc.kidney_biopsy", "procedure", "Procedure/2", 0, 20, "kidney biopsy ...",
                    date=dt.date(2026, 9, 30), date_source=STRUCTURED)  # fmt: skip
    [kept] = one_fact_per_day([note, coded], NOTE_DATES)
    assert kept.note_id == "N-1" and kept.attrs["also"][0]["note_id"] == "Procedure/2"


def test_the_evidence_shows_both_sources_and_the_reason_the_rule() -> None:
    seed = api.load_trial(REPO / "registry_dumps" / "NCT06904729.txt")
    [criterion] = [c for c in seed.criteria if c.text.startswith("ALT")]  # ALT<=3xULN
    trial = Trial(trial_id="T", title="t", criteria=(criterion,))
    patient = Patient("P1")
    findings = [note_alt(130.0), coded_alt(85.0)]
    result = api.evaluate_patient(trial, patient, findings, NOTE_DATES, dt.date(2026, 11, 20))
    [item] = result.results
    assert item.status is Status.MET
    assert [(e.note_id, e.provenance) for e in item.evidence] == [
        ("Observation/1", "structured"), ("N-1", "note")]
    assert item.reason.endswith(
        "; coded value used; the note N-1 said 130 U/L (the coded value wins for labs)"
    )


def test_a_timeline_without_coded_facts_is_built_as_before() -> None:
    findings = [note_alt(), dataclasses.replace(note_alt(90.0), start=30, end=40)]
    timeline = build_timeline(Patient("P1"), findings, NOTE_DATES, dt.date(2026, 11, 20))
    assert timeline.findings == tuple(findings)
    assert all(f.assertion is Assertion.AFFIRMED for f in timeline.findings)
