"""A patient given as FHIR and the same patient given as notes get the same verdicts on the
seed trial (NCT06904729): examples/notes.jsonl's P-001, whose lab note becomes LOINC-coded
Observations (values, UCUM units, reference ranges as the note prints them) and whose other
notes become DocumentReference / DiagnosticReport attachments."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest

from matcher import api
from matcher.model import STRUCTURED
from matcher.store import Store
from tests.conftest import REPO

AS_OF = dt.date(2026, 11, 20)
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
LAB_NOTE = "P-001-d"  # "Bloods 05/11/2026: WBC 5.2, ..." given as Observations instead
# (LOINC, value, UCUM unit, reference range) of the lab note, one Observation each.
LABS = [
    ("6690-2", 5.2, "10*9/L", None), ("751-8", 3.4, "10*9/L", None),
    ("731-0", 1.3, "10*9/L", None), ("718-7", 10.4, "g/dL", None),
    ("1742-6", 32, "U/L", (5, 35)), ("1920-8", 41, "U/L", (10, 40)),
    ("1975-2", 8, "umol/L", (3, 21)), ("2160-0", 61, "umol/L", None),
    ("6301-6", 1.0, "{INR}", None), ("5902-2", 12.1, "s", (10.5, 13.5)),
    ("2890-2", 310, "mg/mmol{creat}", None),
]  # fmt: skip


def notes_of(patient_id: str) -> list[dict]:
    rows = [json.loads(line) for line in (REPO / "examples" / "notes.jsonl").open()]
    return [r for r in rows if r["patient_id"] == patient_id]


def as_fhir(rows: list[dict], path: Path, keep_lab_note: bool = False) -> Path:
    first = rows[0]
    resources: list[dict] = [{"resourceType": "Patient", "id": first["patient_id"],
                              "gender": "female" if first["sex"] == "F" else "male",
                              "birthDate": first["birth_date"]}]  # fmt: skip
    subject = {"reference": f"Patient/{first['patient_id']}"}
    for row in rows:
        data = base64.b64encode(row["text"].encode()).decode()
        if row["note_id"] == LAB_NOTE and not keep_lab_note:
            continue
        if row["note_type"] == "pathology":
            resources.append({"resourceType": "DiagnosticReport", "id": row["note_id"],
                              "status": "final", "code": {"text": "pathology"},
                              "subject": subject, "effectiveDateTime": row["note_date"],
                              "presentedForm": [{"contentType": "text/plain", "data": data}]})
        else:
            resources.append({"resourceType": "DocumentReference", "id": row["note_id"],
                              "status": "current", "type": {"text": row["note_type"]},
                              "subject": subject, "date": row["note_date"] + "T12:00:00Z",
                              "content": [{"attachment": {"contentType": "text/plain",
                                                          "data": data}}]})
    lab_day = next(r["note_date"] for r in rows if r["note_id"] == LAB_NOTE)
    for n, (loinc, value, unit, ref) in enumerate(LABS, start=1):
        quantity = {"value": value, "system": "http://unitsofmeasure.org", "code": unit}
        obs = {"resourceType": "Observation", "id": f"lab-{n}", "status": "final",
               "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
               "subject": subject, "effectiveDateTime": lab_day, "valueQuantity": quantity}
        if ref:
            obs["referenceRange"] = [{"low": {"value": ref[0]}, "high": {"value": ref[1]}}]
        resources.append(obs)
    path.write_text("".join(json.dumps(r) + "\n" for r in resources))
    return path


def verdicts(paths: list[Path], db: Path) -> tuple[str, dict[str, str], object]:
    with Store(db) as store:
        api.ingest(paths, store)
        result = api.explain(api.load_trial(TRIAL), store, "P-001", AS_OF)
    return str(result.status), {r.criterion.id: str(r.status) for r in result.results}, result


@pytest.mark.parametrize("keep_lab_note", [False, True])
def test_a_patient_given_as_fhir_gets_the_verdicts_it_gets_as_notes(
    tmp_path: Path, keep_lab_note: bool
) -> None:
    # keep_lab_note: the lab note is also sent, so every lab is in a note and an Observation
    # on the same day: one fact with two sources, the same verdicts.
    rows = notes_of("P-001")
    notes = tmp_path / "notes.jsonl"
    notes.write_text("".join(json.dumps(r) + "\n" for r in rows))
    fhir = as_fhir(rows, tmp_path / "export.ndjson", keep_lab_note)
    as_notes = verdicts([notes], tmp_path / "notes.db")
    as_fhir_ = verdicts([fhir], tmp_path / "fhir.db")
    assert as_fhir_[0] == as_notes[0]
    assert as_fhir_[1] == as_notes[1]
    # The labs were decided on the coded values, not on a note.
    coded = {e.note_id for r in as_fhir_[2].results for e in r.evidence
             if e.note_id.startswith("Observation/")}  # fmt: skip
    assert len(coded) >= 8
    if keep_lab_note:  # ... and the note's span is their second source
        seconds = [e.note_id for r in as_fhir_[2].results for e in r.evidence]
        assert seconds.count(f"DocumentReference/{LAB_NOTE}") >= 8
    with Store(tmp_path / "fhir.db") as store:
        assert all(f.date_source == STRUCTURED for f in store.findings_for_patient("P-001")
                   if f.category == "lab" and f.note_id.startswith("Observation/"))


def test_the_output_contract_documents_both_evidence_forms(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((REPO / "matcher" / "schema" / "match_output.schema.json").read_text())
    fhir = as_fhir(notes_of("P-001"), tmp_path / "export.ndjson")
    with Store(tmp_path / "fhir.db") as store:
        api.ingest([fhir], store)
        trial = api.load_trial(TRIAL)
        results = api.match(trial, store, AS_OF)
        texts = {n.note_id: n.text for n in store.notes_for_patient("P-001")}
    patient = api.result_to_json(results[0], texts)
    evidence = [e for c in patient["criteria"] for e in c["evidence"]]
    assert {e["provenance"] for e in evidence} == {"note", "structured"}
    [alt] = [e for e in evidence if e["note_id"] == "Observation/lab-5"]
    assert alt["text"] == "ALT 32 U/L (ref 5-35), 2026-11-05, Observation/lab-5"
    item_schema = schema["properties"]["patients"]["items"]["properties"]["criteria"]["items"][
        "properties"]["evidence"]["items"]
    for e in evidence:
        jsonschema.validate(e, item_schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**alt, "provenance": "guessed"}, item_schema)
