"""The library API: the CLI, the nightly job and the web app all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.judge.eligibility import EligibilityModel, load_default, probabilities
from matcher.judge.ranking import judge_patient, rank
from matcher.model import Finding, Note, Patient, PatientResult, Trial
from matcher.nlp.vocab import Vocabulary, load_vocabulary


def vocabulary() -> Vocabulary:
    """The run's vocabulary: the packaged concepts (matcher/nlp/data/concepts.jsonl), read
    and checked once. The one place a run gets it: the note pipeline (whose saved copy must
    equal it), the criteria reader, the evaluator and the web plot are all given this one."""
    return load_vocabulary()


def load_trial(path: str | Path) -> Trial:
    from matcher.criteria.registry import load_trial as _load

    return _load(path, vocabulary=vocabulary())


def import_registry(store: Any, text: str, filename: str) -> list[Trial]:
    """Every study of a registry file's text (plain or CT.gov JSON, told by `filename`),
    parsed and saved with its record in one transaction (a study already stored is
    replaced). The web app's upload and the demo database both come through here."""
    from matcher.criteria.registry import read_registry_text_all

    return _save_records(store, read_registry_text_all(text, filename))


def import_registry_file(store: Any, path: str | Path) -> list[Trial]:
    """`import_registry` of a file on disk (a missing or unreadable file is a
    RegistryError naming it)."""
    from matcher.criteria.registry import read_registry_all

    return _save_records(store, read_registry_all(path))


def _save_records(store: Any, records: Sequence[Any]) -> list[Trial]:
    from dataclasses import asdict

    from matcher.criteria.registry import record_to_trial

    trials = []
    with store.transaction():
        for record in records:
            trial = record_to_trial(record, vocabulary())
            store.save_trial(trial, asdict(record))
            trials.append(trial)
    return trials


def parser():
    from matcher.nlp.pipeline import NoteParser

    return NoteParser(vocabulary=vocabulary())


def parse_text(text: str, note_date: dt.date, note_id: str = "note") -> list[Finding]:
    return parser().parse(text, note_id, note_date)


def evaluate_patient(
    trial: Trial,
    patient: Patient,
    findings: Sequence[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> PatientResult:
    """One patient against one trial: every criterion's status, reason and evidence, the
    patient's status and score (matcher.judge.ranking.judge_patient, with the run's
    vocabulary)."""
    return judge_patient(trial, patient, findings, note_dates, as_of, vocabulary())


def match_findings(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, list[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
    model: EligibilityModel | None = None,
) -> list[PatientResult]:
    """Evaluate and rank every patient: pure, no database. With an eligibility model,
    patients are ordered by its probability inside each status group (ranking.rank)."""
    return match_findings_with_p(trial, patients, findings_by_patient, note_dates, as_of, model)[0]


def match_findings_with_p(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, list[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
    model: EligibilityModel | None = None,
) -> tuple[list[PatientResult], dict[str, float]]:
    """The ranking and each patient's probability of eligibility ({} without a model)."""
    results = [
        evaluate_patient(trial, p, findings_by_patient.get(p.patient_id, []), note_dates, as_of)
        for p in patients
    ]
    if model is None:
        return rank(results), {}
    p_eligible = probabilities(model, results, findings_by_patient, note_dates, as_of)
    return rank(results, p_eligible), p_eligible


def match(
    trial: Trial, store: Any, as_of: dt.date, model: EligibilityModel | None = None
) -> list[PatientResult]:
    return match_with_p(trial, store, as_of, model)[0]


def match_with_p(
    trial: Trial, store: Any, as_of: dt.date, model: EligibilityModel | None = None
) -> tuple[list[PatientResult], dict[str, float]]:
    return match_findings_with_p(
        trial,
        store.patients(),
        store.all_findings_by_patient(),
        store.note_dates(),
        as_of,
        model,
    )


def eligibility_model() -> EligibilityModel | None:
    """The default eligibility model (models/eligibility-v1, or $MATCHER_ELIGIBILITY_MODEL),
    or None when there is none."""
    return load_default()


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
    from matcher.store.ingest import ingest_files

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
    result: PatientResult,
    note_texts: Mapping[str, str] | None = None,
    p_eligible: float | None = None,
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
    out = {
        "patient_id": result.patient_id,
        "rank": result.rank,
        "status": str(result.status),
        "score": result.score,
    }
    if p_eligible is not None:
        out["p_eligible"] = round(p_eligible, 4)
    if result.cohorts:
        out["cohorts"] = list(result.cohorts)
    out["criteria"] = criteria
    return out


def match_to_json(
    trial: Trial,
    results: Sequence[PatientResult],
    as_of: dt.date,
    note_texts: Mapping[str, str] | None = None,
    p_eligible: Mapping[str, float] | None = None,
    model_version: str | None = None,
) -> dict[str, Any]:
    """The stable output contract of `matcher match --format json` (schema in
    matcher/schema/match_output.schema.json). With an eligibility model, each patient
    has `p_eligible` and the output names the model's version."""
    out: dict[str, Any] = {
        "trial": {"id": trial.trial_id, "title": trial.title},
        "as_of": as_of.isoformat(),
    }
    if model_version:
        out["eligibility_model"] = model_version
    p_eligible = p_eligible or {}
    out["patients"] = [result_to_json(r, note_texts, p_eligible.get(r.patient_id)) for r in results]
    return out


@dataclass
class ParsedNotes:
    """Notes read from export files and parsed in memory (no database): what `eval` and
    `train` work on."""

    notes: list[Note]
    patients: list[Patient]
    findings_by_patient: dict[str, list[Finding]]
    pipeline_version: str

    @property
    def note_dates(self) -> dict[str, dt.date]:
        return {n.note_id: n.note_date for n in self.notes}

    @property
    def note_texts(self) -> dict[str, str]:
        return {n.note_id: n.text for n in self.notes}

    @property
    def note_ids_by_patient(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for note in self.notes:
            grouped.setdefault(note.patient_id, []).append(note.note_id)
        return grouped


def parse_note_files(paths: Sequence[str | Path], on_reject: Any = None) -> ParsedNotes:
    """Read JSONL/CSV note exports and parse every good row; bad rows go to `on_reject`
    (file, line, reason). A patient's birth date may come on any of its rows."""
    from matcher.store.ingest import Reject, read_rows

    notes: list[Note] = []
    patients: dict[str, Patient] = {}
    for path in paths:
        for row in read_rows(Path(path)):
            if isinstance(row, Reject):
                if on_reject is not None:
                    on_reject(row.file, row.line, row.reason)
                continue
            notes.append(row.note)
            known = patients.get(row.patient.patient_id)
            if known is None or (known.birth_date is None and row.patient.birth_date):
                patients[row.patient.patient_id] = row.patient
    note_parser = parser()
    findings: dict[str, list[Finding]] = {}
    parsed = note_parser.parse_many((n.text, n.note_id, n.note_date, n.note_type) for n in notes)
    for note, note_findings in zip(notes, parsed, strict=True):
        findings.setdefault(note.patient_id, []).extend(note_findings)
    return ParsedNotes(notes, list(patients.values()), findings, note_parser.version)
