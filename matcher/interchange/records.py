"""What an interchange reader hands to the store: the contract between the FHIR and OMOP readers
and the loader.

A reader yields, in file order, any mix of
- `matcher.model.Patient` (demographics: a FHIR Patient, an OMOP person row),
- `matcher.store.ingest.Row` (a note with its patient, exactly as a JSONL note row becomes one:
  a FHIR DocumentReference's text attachment, an OMOP note row),
- `CodedFact` (a coded, dated value: a FHIR Observation / MedicationStatement / Condition /
  Procedure, an OMOP measurement / drug_exposure / condition_occurrence / procedure_occurrence row),
- `matcher.store.ingest.Reject` (a resource or row that could not be read: file, line, reason
  naming the resource id and the field; never the field's value, which may be PHI).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from matcher.model import Patient
from matcher.store.ingest import Reject, Row


@dataclass(frozen=True)
class CodedFact:
    """One coded fact as the export gave it, before it is put on the patient's timeline.

    `concept` is our vocabulary id ("lab.alt", "drug.rituximab", "dx.sle", "biopsy.kidney") when the
    reader could map the code, or None: an unmapped code is kept (and counted in the report), never
    guessed. `value`/`unit` are as exported (UCUM for FHIR, the unit concept's code for OMOP);
    conversion to the concept's canonical unit happens when the fact becomes a Finding, and a unit
    that cannot be converted leaves the value out with the reason, as for notes.

    Example: FHIR `Observation/123`, LOINC 1742-6, 85 U/L, reference 7-40, 2026-11-02 becomes
    CodedFact(patient_id="P-001", source="Observation/123", code_system="http://loinc.org",
    code="1742-6", concept="lab.alt", value=85.0, unit="U/L", ref_low=7.0, ref_high=40.0,
    date=dt.date(2026, 11, 2), ...).
    """

    patient_id: str
    source: str  # the record's own id, as a person looks it up: "Observation/123"
    file: str  # the file it came from, for rejects and the evidence line
    line: int  # 1-based line (NDJSON line, CSV row) or resource index within a Bundle
    code_system: str  # "http://loinc.org", "http://snomed.info/sct", RxNorm URI, "omop"
    code: str
    concept: str | None  # our vocabulary id, None when unmapped
    date: dt.date | None
    value: float | str | None = None  # a quantity's number, or a coded/text answer ("positive")
    unit: str | None = None
    ref_low: float | None = None
    ref_high: float | None = None
    display: str | None = None  # the code's display text as exported
    status: str | None = None  # FHIR status ("final", "amended"); OMOP has none
    # Kind-specific details, JSON-serialisable: a drug's "start"/"stop"/"dose"/"dose_unit",
    # a condition's "onset"/"abatement", an interpretation flag ("H").
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


InterchangeItem = Patient | Row | CodedFact | Reject
