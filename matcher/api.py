"""The library API: the CLI, the nightly job and the web app all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from matcher.evaluate import evaluate_all
from matcher.model import Finding, Note, Patient, PatientResult, Trial
from matcher.ranking import patient_status, rank, score
from matcher.timeline import build_timeline

OUTPUT_SCHEMA_VERSION = 1


def load_trial(path: str | Path) -> Trial:
    from matcher.registry import load_trial as _load

    return _load(path)


def parser():
    from matcher.nlp.pipeline import NoteParser

    return NoteParser()


def parse_text(text: str, note_date: dt.date, note_id: str = "note") -> list[Finding]:
    return parser().parse(text, note_id, note_date)


def evaluate_patient(
    trial: Trial,
    patient: Patient,
    findings: Iterable[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> PatientResult:
    timeline = build_timeline(patient, findings, dict(note_dates), as_of)
    results = evaluate_all(trial.criteria, timeline)
    status = patient_status(results)
    return PatientResult(patient.patient_id, status, score(status, results, as_of), results)


def match_findings(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, list[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> list[PatientResult]:
    """Evaluate and rank every patient: pure, no database."""
    results = [
        evaluate_patient(trial, p, findings_by_patient.get(p.patient_id, []), note_dates, as_of)
        for p in patients
    ]
    return rank(results)


def match(trial: Trial, store: Any, as_of: dt.date) -> list[PatientResult]:
    return match_findings(
        trial, store.patients(), store.all_findings_by_patient(), store.note_dates(), as_of
    )


def explain(trial: Trial, store: Any, patient_id: str, as_of: dt.date) -> PatientResult:
    from matcher.errors import MatcherError

    patient = store.patient(patient_id)
    if patient is None:
        raise MatcherError(
            "unknown patient",
            field="patient_id",
            received=patient_id,
            expected="a patient id in the database",
        )
    findings = store.findings_for_patient(patient_id)
    return evaluate_patient(trial, patient, findings, store.note_dates(), as_of)


def ingest(
    paths: Sequence[str | Path],
    store: Any,
    patients_file: str | Path | None = None,
    on_progress: Any = None,
) -> Any:
    from matcher.ingest import ingest_files

    note_parser = parser()

    def parse(note: Note) -> list[Finding]:
        return note_parser.parse(note.text, note.note_id, note.note_date, note.note_type)

    return ingest_files(
        store,
        [Path(p) for p in paths],
        patients_file=patients_file,
        parse=parse,
        pipeline_version=note_parser.version,
        on_progress=on_progress,
    )


def result_to_json(
    result: PatientResult, note_texts: Mapping[str, str] | None = None
) -> dict[str, Any]:
    criteria = []
    for item in result.results:
        evidence = []
        for e in item.evidence:
            text = e.text
            if note_texts is not None and e.note_id in note_texts:
                text = note_texts[e.note_id][e.start : e.end]
            row = e.to_json()
            row["text"] = text
            evidence.append(row)
        criteria.append(
            {
                "id": item.criterion.id,
                "key": item.criterion.key,
                "type": item.criterion.type,
                "text": item.criterion.text,
                "status": str(item.status),
                "reason": item.reason,
                "evidence": evidence,
            }
        )
    return {
        "patient_id": result.patient_id,
        "rank": result.rank,
        "status": str(result.status),
        "score": result.score,
        "criteria": criteria,
    }


def match_to_json(
    trial: Trial,
    results: Sequence[PatientResult],
    as_of: dt.date,
    note_texts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The stable output contract of `matcher match --format json` (schema in
    matcher/schema/match_output.schema.json)."""
    return {
        "trial": {"id": trial.trial_id, "title": trial.title},
        "as_of": as_of.isoformat(),
        "patients": [result_to_json(r, note_texts) for r in results],
    }
