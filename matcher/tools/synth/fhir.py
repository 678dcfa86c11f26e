"""Synthetic patients as a FHIR R4 bulk export (`matcher synth --format fhir`): NDJSON, one
resource a line, for benchmarks and load tests of the FHIR reader (never accuracy evidence).

The same patients and notes as the JSONL output of the same seed (the same draws), as FHIR:
- a `Patient` (birthDate, gender);
- each note a `DocumentReference` with its text as a base64 text/plain attachment, a lab
  report a `DiagnosticReport` with the text as its presentedForm;
- each value of a lab report an `Observation`: coded with the LOINC code our vocabulary gives
  the analyte the lab's name stands for ("Hgb" -> lab.hemoglobin -> LOINC 718-7), or, for an
  analyte without one (urea, sodium, eGFR), with the name under a local code system, which
  the reader keeps as an unmapped code (as a hospital's local codes would be);
  `valueQuantity` with the unit as printed, the printed reference range, "H" flags;
- the SLE / lupus nephritis diagnoses as `Condition`s (SNOMED CT), each kidney biopsy a
  `Procedure`, each drug course a `MedicationStatement` (RxNorm or ATC, from the vocabulary).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from matcher.nlp.units import parse_reference_range
from matcher.nlp.vocab import Vocabulary
from matcher.tools.synth import SynthStats, synthetic_patients, write_atomically
from matcher.tools.synth.drugs import _DRUGS
from matcher.tools.synth.labs import _Lab
from matcher.tools.synth.patients import _Patient

LOCAL_LABS = "urn:matcher:synth:lab"  # the synthetic lab system's own codes (unmapped)
_SYSTEMS = {
    "LOINC": "http://loinc.org",
    "SNOMED": "http://snomed.info/sct",
    "RxNorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "ATC": "http://www.whocc.no/atc",
    "ICD10": "http://hl7.org/fhir/sid/icd-10",
}
_GENDER = {"F": "female", "M": "male"}


@dataclass
class FhirStats(SynthStats):
    resources: int = 0
    resources_by_type: dict[str, int] | None = None


def write_fhir(
    path: str | Path,
    patients: int,
    seed: int = 0,
    *,
    start_id: int = 0,
    stats: FhirStats | None = None,
    on_patient: Callable[[], None] | None = None,
    vocabulary: Vocabulary,
) -> int:
    """Write `patients` synthetic patients to `path` as FHIR NDJSON; return the resources
    written. Written whole to a hidden file renamed at the end, as the JSONL output is."""
    stats = stats if stats is not None else FhirStats()
    by_type: dict[str, int] = {}
    stats.resources_by_type = by_type
    encode = json.JSONEncoder().encode

    def lines() -> Iterator[str]:
        for p, notes in synthetic_patients(patients, seed, start_id, labs=True):
            stats.patients += 1
            for resource in _resources(p, notes, vocabulary):
                kind = resource["resourceType"]
                by_type[kind] = by_type.get(kind, 0) + 1
                yield encode(resource) + "\n"
            stats.notes += len(notes)
            stats.words += sum(words for _row, words, _labs in notes)
            if on_patient is not None:
                on_patient()

    write_atomically(path, lines())
    stats.resources = sum(by_type.values())
    return stats.resources


def _resources(
    p: _Patient, notes: list[tuple[dict, int, list[_Lab]]], vocabulary: Vocabulary
) -> Iterator[dict[str, Any]]:
    subject = {"reference": f"Patient/{p.pid}"}
    yield {"resourceType": "Patient", "id": p.pid, "gender": _GENDER.get(p.sex, "unknown"),
           "birthDate": p.birth.isoformat()}  # fmt: skip
    for row, _words, labs in notes:
        note_id, day = row["note_id"], row["note_date"]
        attachment = {"contentType": "text/plain; charset=utf-8",
                      "data": base64.b64encode(row["text"].encode("utf-8")).decode("ascii")}
        if row["note_type"] == "lab":
            yield {"resourceType": "DiagnosticReport", "id": note_id, "status": "final",
                   "code": {"text": "lab report"}, "subject": subject,
                   "effectiveDateTime": day, "presentedForm": [attachment]}  # fmt: skip
        else:
            yield {"resourceType": "DocumentReference", "id": note_id, "status": "current",
                   "type": {"text": row["note_type"]}, "subject": subject,
                   "date": f"{day}T12:00:00Z", "content": [{"attachment": attachment}]}
        for n, lab in enumerate(labs, start=1):
            yield _observation(f"{note_id}-{n}", lab, subject, day, vocabulary)
    yield from _conditions(p, subject, vocabulary)
    for n, (day, _class) in enumerate(p.biopsies, start=1):
        yield {"resourceType": "Procedure", "id": f"{p.pid}-bx{n}", "status": "completed",
               "code": _coded(vocabulary, "proc.kidney_biopsy", "kidney biopsy"),
               "subject": subject, "performedDateTime": day.isoformat()}  # fmt: skip
    for n, drug in enumerate(p.drugs, start=1):
        concept = _drug_concept(drug.key, vocabulary)
        if concept is None:
            continue
        period = {"start": drug.start.isoformat()}
        if drug.stop is not None:
            period["end"] = drug.stop.isoformat()
        yield {"resourceType": "MedicationStatement", "id": f"{p.pid}-rx{n}",
               "status": "completed" if drug.stop else "active",
               "medicationCodeableConcept": _coded(vocabulary, concept, _DRUGS[drug.key].names[0]),
               "subject": subject, "effectivePeriod": period,
               "dosage": [{"text": drug.dose}]}  # fmt: skip


def _observation(
    oid: str, lab: _Lab, subject: dict, day: str, vocabulary: Vocabulary
) -> dict[str, Any]:
    concept = _lab_concept(lab.name, vocabulary)
    code = vocabulary[concept].code if concept else None
    if code and code.startswith("LOINC:"):
        coding = {"system": _SYSTEMS["LOINC"], "code": code.split(":", 1)[1], "display": lab.name}
    else:
        coding = {"system": LOCAL_LABS, "code": lab.name, "display": lab.name}
    resource: dict[str, Any] = {"resourceType": "Observation", "id": oid, "status": "final",
                                "code": {"coding": [coding]}, "subject": subject,
                                "effectiveDateTime": day}  # fmt: skip
    try:
        number = float(lab.value)
    except ValueError:
        resource["valueString"] = lab.value  # a titre "1:640", "positive"
    else:
        resource["valueQuantity"] = {"value": number, **({"unit": lab.unit} if lab.unit else {})}
    bounds = parse_reference_range(lab.ref) if lab.ref else None
    if bounds is not None:
        low, high = bounds
        resource["referenceRange"] = [{
            **({"low": {"value": low}} if low is not None else {}),
            **({"high": {"value": high}} if high is not None else {}),
        }]  # fmt: skip
    if lab.flag:
        resource["interpretation"] = [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": lab.flag}]}]  # fmt: skip
    return resource


def _conditions(p: _Patient, subject: dict, vocabulary: Vocabulary) -> Iterator[dict[str, Any]]:
    found: list[tuple[str, dt.date]] = []
    if p.condition is None:
        found.append(("dx.sle", p.dx))
        if p.ln_onset is not None:
            found.append(("dx.lupus_nephritis", p.ln_onset))
    for n, (concept, onset) in enumerate(found, start=1):
        yield {"resourceType": "Condition", "id": f"{p.pid}-dx{n}",
               "clinicalStatus": {"coding": [{
                   "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                   "code": "active"}]},
               "code": _coded(vocabulary, concept, vocabulary[concept].label),
               "subject": subject, "onsetDateTime": onset.isoformat()}  # fmt: skip


def _coded(vocabulary: Vocabulary, concept: str, display: str) -> dict[str, Any]:
    system, _, code = (vocabulary[concept].code or "").partition(":")
    return {"coding": [{"system": _SYSTEMS[system], "code": code, "display": display}]}


@cache
def _lab_concept(name: str, vocabulary: Vocabulary) -> str | None:
    """The lab concept a printed name stands for, by the vocabulary's own terms."""
    for match in vocabulary.find_terms(name):
        if vocabulary[match.concept_id].category == "lab":
            return match.concept_id
    return None


@cache
def _drug_concept(key: str, vocabulary: Vocabulary) -> str | None:
    for name in _DRUGS[key].names:
        for match in vocabulary.find_terms(name):
            concept = vocabulary[match.concept_id]
            if concept.category == "drug" and concept.code:
                return concept.id
    return None
