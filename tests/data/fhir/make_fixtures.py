"""Writes export.ndjson and bundle.json beside this file (run once; the outputs are committed).

export.ndjson: three patients, every resource type the reader reads, one it ignores
(Encounter), malformed lines, an Observation entered in error, unmapped codes, an unknown unit,
and a value given both in a note and an Observation (F-1's ALT 85 U/L on 2026-11-02).
bundle.json: a collection Bundle whose references are urn:uuid fullUrls.
Run: python tests/data/fhir/make_fixtures.py
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOINC, SNOMED, RXNORM, ATC = ("http://loinc.org", "http://snomed.info/sct",
                              "http://www.nlm.nih.gov/research/umls/rxnorm",
                              "http://www.whocc.no/atc")
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def cc(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def qty(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def obs(oid: str, pid: str, code: str, display: str, value: float | None, unit: str, day: str,
        status: str = "final", ref: tuple[float, float] | None = None) -> dict:
    resource = {"resourceType": "Observation", "id": oid, "status": status,
                "code": cc(LOINC, code, display), "subject": {"reference": f"Patient/{pid}"},
                "effectiveDateTime": f"{day}T09:30:00+01:00"}
    if value is not None:
        resource["valueQuantity"] = qty(value, unit)
    if ref:
        resource["referenceRange"] = [{"low": qty(ref[0], unit), "high": qty(ref[1], unit)}]
    return resource


def doc(did: str, pid: str, day: str, text: str, content_type: str = "text/plain",
        kind: str = "Progress note") -> dict:
    return {"resourceType": "DocumentReference", "id": did, "status": "current",
            "type": {"text": kind}, "subject": {"reference": f"Patient/{pid}"},
            "date": f"{day}T12:00:00Z",
            "content": [{"attachment": {"contentType": f"{content_type}; charset=utf-8",
                                        "data": b64(text)}}]}


NDJSON = [
    {"resourceType": "Patient", "id": "F-1", "gender": "female", "birthDate": "2012-05-19"},
    {"resourceType": "Patient", "id": "F-2", "gender": "male", "birthDate": "1985-03-04"},
    {"resourceType": "Patient", "id": "F-3", "gender": "unknown", "birthDate": "1990"},
    doc("doc-1", "F-1", "2026-11-02",
        "Paediatric nephrology review.\nALT 85 U/L today, other labs pending.\n"
        "Plan: repeat liver tests."),
    doc("doc-2", "F-2", "2026-10-15",
        "<html><body><h1>Clinic letter</h1><p>Known SLE.</p>"
        "<p>Creatinine 150 umol/L &amp; rising.</p><script>x()</script></body></html>",
        "text/html"),
    {"resourceType": "DiagnosticReport", "id": "dr-1", "status": "final",
     "code": {"text": "Renal pathology"}, "subject": {"reference": "Patient/F-1"},
     "effectiveDateTime": "2026-10-03",
     "presentedForm": [{"contentType": "text/plain",
                        "data": b64("RENAL BIOPSY\nCollected: 30-Sep-2026\nDiagnosis: "
                                    "diffuse proliferative lupus nephritis, ISN/RPS class IV.")}]},
    obs("obs-alt-1", "F-1", "1742-6", "ALT", 85, "U/L", "2026-11-02", ref=(7, 40)),
    obs("obs-cr-1", "F-1", "2160-0", "Creatinine", 1.2, "mg/dL", "2026-11-02"),
    obs("obs-alt-err", "F-1", "1742-6", "ALT", 850, "U/L", "2026-11-03",
        status="entered-in-error"),
    obs("obs-unmapped", "F-2", "99999-9", "Something local", 3, "mg/L", "2026-10-15"),
    obs("obs-odd-unit", "F-2", "2160-0", "Creatinine", 5, "mmol/mol", "2026-10-15"),
    {"resourceType": "Medication", "id": "med-1", "code": cc(RXNORM, "121191", "rituximab")},
    {"resourceType": "MedicationStatement", "id": "ms-1", "status": "active",
     "medicationCodeableConcept": cc(ATC, "L04AA06", "mycophenolic acid"),
     "subject": {"reference": "Patient/F-1"},
     "effectivePeriod": {"start": "2025-08-02"},
     "dosage": [{"doseAndRate": [{"doseQuantity": qty(600, "mg")}]}]},
    {"resourceType": "MedicationStatement", "id": "ms-2", "status": "active",
     "medicationCodeableConcept": cc(ATC, "H02AB06", "prednisolone"),
     "subject": {"reference": "Patient/F-1"}, "effectiveDateTime": "2025-08-01"},
    {"resourceType": "MedicationRequest", "id": "mr-1", "status": "active", "intent": "order",
     "medicationCodeableConcept": cc(RXNORM, "42316", "tacrolimus"),
     "subject": {"reference": "Patient/F-2"}, "authoredOn": "2026-03-01",
     "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {"start": "2026-03-02",
                                                                   "end": "2026-09-30"}}},
                            "doseAndRate": [{"doseQuantity": qty(2, "mg")}]}]},
    {"resourceType": "MedicationAdministration", "id": "ma-1", "status": "completed",
     "medicationReference": {"reference": "Medication/med-1"},
     "subject": {"reference": "Patient/F-1"}, "effectiveDateTime": "2026-05-01T10:00:00Z",
     "dosage": {"dose": qty(1000, "mg")}},
    {"resourceType": "Condition", "id": "c-1",
     "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active",
                          "Active"),
     "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                              "confirmed", "Confirmed"),
     "code": cc(SNOMED, "55464009", "Systemic lupus erythematosus"),
     "subject": {"reference": "Patient/F-1"}, "onsetDateTime": "2025-07-01"},
    {"resourceType": "Condition", "id": "c-2",
     "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/condition-ver-status",
                              "refuted", "Refuted"),
     "code": cc(SNOMED, "68815009", "Lupus nephritis"),
     "subject": {"reference": "Patient/F-2"}, "recordedDate": "2026-10-15"},
    {"resourceType": "Condition", "id": "c-3", "code": cc(ICD10, "M32.0", "Drug-induced SLE"),
     "subject": {"reference": "Patient/F-2"}, "recordedDate": "2024-01-10"},
    {"resourceType": "Procedure", "id": "p-1", "status": "completed",
     "code": cc(SNOMED, "9911007", "Kidney biopsy"), "subject": {"reference": "Patient/F-1"},
     "performedDateTime": "2026-09-30"},
    {"resourceType": "Encounter", "id": "enc-1", "status": "finished",
     "class": {"code": "AMB"}, "subject": {"reference": "Patient/F-1"}},
]
MALFORMED = [
    '{"resourceType": "Observation", "id": "broken", ',  # cut off
    json.dumps(obs("obs-bad-value", "F-1", "1742-6", "ALT", 85, "U/L", "2026-11-02")).replace(
        '"value": 85', '"value": "eighty-five"'),
    json.dumps({**obs("obs-no-subject", "F-1", "1742-6", "ALT", 85, "U/L", "2026-11-02"),
                "subject": None}),
    json.dumps({**doc("doc-url", "F-3", "2026-11-01", "x"),
                "content": [{"attachment": {"contentType": "text/plain",
                                            "url": "https://example.org/n.txt"}}]}),
]


def bundle() -> dict:
    patient = "urn:uuid:7a1b9c1e-0000-4000-8000-000000000001"
    entries = [
        {"fullUrl": patient, "resource": {"resourceType": "Patient", "id": "B-1",
                                          "gender": "female", "birthDate": "2001-02-03"}},
        {"fullUrl": "urn:uuid:7a1b9c1e-0000-4000-8000-000000000002",
         "resource": {**obs("b-alt", "B-1", "1742-6", "ALT", 30, "U/L", "2026-11-10",
                            ref=(7, 40)), "subject": {"reference": patient}}},
        {"fullUrl": "urn:uuid:7a1b9c1e-0000-4000-8000-000000000003",
         "resource": {**doc("b-doc", "B-1", "2026-11-10", "SLE since 2019. ALT 30 U/L."),
                      "subject": {"reference": patient}}},
        {"fullUrl": "urn:uuid:7a1b9c1e-0000-4000-8000-000000000004",
         "resource": {"resourceType": "Observation", "id": "b-bad", "status": "final",
                      "subject": {"reference": patient}}},  # no code: invalid
    ]
    return {"resourceType": "Bundle", "id": "bundle-1", "type": "collection", "entry": entries}


def write(folder: Path) -> None:
    lines = [json.dumps(r) for r in NDJSON]
    lines[8:8] = MALFORMED[:2]  # malformed lines among good ones
    lines += MALFORMED[2:]
    (folder / "export.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "bundle.json").write_text(json.dumps(bundle(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write(HERE)
