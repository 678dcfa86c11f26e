"""A note with no finding in it is still a note written: every note of the patient counts as
"a note in the lookback" (matcher.model.NoteDates), on every path that judges a patient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from matcher import api
from matcher.model import Note, NoteDates, Patient, Status
from matcher.store import Store

AS_OF = dt.date(2026, 11, 20)
TRIAL_TEXT = """A Study of Something in Lupus Nephritis

Inclusion Criteria:

• Diagnosis of systemic lupus erythematosus;

Exclusion Criteria:

• Active infection requiring systemic antimicrobial therapy at the time of screening;
"""

# An old note that documents the disease, and a recent one that documents nothing the parser
# turns into a finding: only the second is in the 90-day lookback.
OLD = Note("P1", "P1-a", dt.date(2025, 12, 1), "Systemic lupus erythematosus. ANA 1:320.")
QUIET = [
    "Telephone call: family moved house last month; child well.",
    "Phone call from mother, all fine, next clinic in January.",
    "Administrative: appointment letter sent to the family.",
]


def _trial(tmp_path: Path):
    path = tmp_path / "trial.txt"
    path.write_text(TRIAL_TEXT, encoding="utf-8")
    return api.load_trial(path)


def _infection(result):
    return next(r for r in result.results if r.criterion.id.startswith("exc"))


@pytest.mark.parametrize("text", QUIET)
def test_a_note_with_no_finding_in_the_lookback_lets_the_current_infection_exclusion_pass(
        tmp_path: Path, text: str):
    trial = _trial(tmp_path)
    recent = Note("P1", "P1-b", dt.date(2026, 10, 30), text)
    findings = [*api.parse_text(OLD.text, OLD.note_date, OLD.note_id),
                *api.parse_text(recent.text, recent.note_date, recent.note_id)]
    assert not [f for f in findings if f.note_id == recent.note_id]  # the note holds no finding
    patient = Patient("P1", dt.date(2012, 1, 1), "F")
    every_note = NoteDates.of_notes([(n.patient_id, n.note_id, n.note_date) for n in (OLD, recent)])
    judged = api.evaluate_patient(trial, patient, findings, every_note, AS_OF)
    assert _infection(judged).status == Status.NOT_MET
    # A caller that knows the findings' notes only (a plain dict) has no note in the lookback.
    plain = api.evaluate_patient(trial, patient, findings, dict(every_note), AS_OF)
    assert _infection(plain).status == Status.UNKNOWN


def test_no_note_at_all_in_the_lookback_still_leaves_the_exclusion_unknown(tmp_path: Path):
    trial = _trial(tmp_path)
    findings = api.parse_text(OLD.text, OLD.note_date, OLD.note_id)
    patient = Patient("P1", dt.date(2012, 1, 1), "F")
    dates = NoteDates.of_notes([("P1", OLD.note_id, OLD.note_date)])
    assert _infection(api.evaluate_patient(trial, patient, findings, dates, AS_OF)).status \
        == Status.UNKNOWN


def test_another_patients_recent_note_is_not_this_patients(tmp_path: Path):
    trial = _trial(tmp_path)
    findings = api.parse_text(OLD.text, OLD.note_date, OLD.note_id)
    patient = Patient("P1", dt.date(2012, 1, 1), "F")
    dates = NoteDates.of_notes([("P1", OLD.note_id, OLD.note_date),
                                ("P2", "P2-a", dt.date(2026, 11, 1))])
    assert dates.of_patient("P1") == {OLD.note_id: OLD.note_date}
    assert _infection(api.evaluate_patient(trial, patient, findings, dates, AS_OF)).status \
        == Status.UNKNOWN


def test_the_nightly_rows_and_the_explanation_judge_the_quiet_note_alike(tmp_path: Path):
    # The nightly path (each patient's record from the store) and `explain` (the store's
    # note dates) both count the quiet note.
    from matcher.jobs.engine import evaluate_records
    from matcher.judge.stored_row import STATUS_CODES

    trial = _trial(tmp_path)
    with Store(tmp_path / "m.db") as store:
        store.save_trial(trial)
        for note in (OLD, Note("P1", "P1-b", dt.date(2026, 10, 30), QUIET[0])):
            store.put_note(note)
            store.replace_findings(note.note_id, note.patient_id,
                                   api.parse_text(note.text, note.note_date, note.note_id),
                                   "test")
        explained = api.explain(trial, store, "P1", AS_OF)
        rows = evaluate_records(store.patient_records("P1", "P1"), [trial], AS_OF)
    assert _infection(explained).status == Status.NOT_MET
    position = next(i for i, c in enumerate(trial.criteria) if c.id.startswith("exc"))
    assert rows[0].statuses[position] == STATUS_CODES["not_met"]
