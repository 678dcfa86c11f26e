"""A coded fact as it sits on the timeline: a `Finding` with provenance "structured".

`on_timeline(fact, vocabulary)` turns one `CodedFact` into what the store keeps: the record
as exported (always, mapped or not), and, when the fact maps to a concept and has a date,
the evidence line a person reads and the Finding the evaluator reads. Example: FHIR
Observation/123, LOINC 1742-6, 85 U/L, reference 7-40, 2026-11-02 gives the evidence line
"ALT 85 U/L (ref 7-40), 2026-11-02, Observation/123" and a Finding lab.alt 85.0 U/L with
ref 7.0-40.0, note_id "Observation/123" (the structured record stands where a note would),
start 0, end the line's length, attrs {"provenance": "structured", "source": ...}.

A value is put in the concept's canonical unit with `matcher.nlp.units.normalize`, as a
note's is; a unit that cannot be placed leaves the value out (the finding stays, as for a
note) and says why in `reason`, which the load report counts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from matcher.interchange.records import CodedFact
from matcher.model import STRUCTURED, Assertion, Finding, Note
from matcher.nlp.units import normalize
from matcher.nlp.vocab import Concept, Vocabulary

PROVENANCE = DATE_SOURCE = NOTE_TYPE = STRUCTURED
# Statuses under which a record is no fact at all (FHIR Observation/Procedure/Medication*):
# the loader skips and counts it, and removes a fact stored from an earlier version.
NOT_FACT_STATUSES = frozenset({"entered-in-error", "cancelled", "not-done"})

# Code systems as a person reads them ("LOINC 1742-6") and as our vocabulary writes codes.
_SYSTEM_NAMES = {
    "http://loinc.org": "LOINC",
    "http://snomed.info/sct": "SNOMED",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://www.whocc.no/atc": "ATC",
    "http://hl7.org/fhir/sid/icd-10": "ICD10",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD10",
}
# UCUM annotations ("g/g{creat}", "mL/min/{1.73_m2}") and bracketed units ("[iU]/mL"), as
# the units module spells them.
_UCUM_BSA = re.compile(r"\{1\.73_?m2\}", re.IGNORECASE)
_UCUM_ANNOTATION = re.compile(r"\{[^}]*\}")
_UCUM_BRACKETS = {"[iU]": "IU", "[IU]": "IU", "[arb'U]": "U"}


@dataclass(frozen=True)
class Placed:
    """One coded fact, ready for the store."""

    record: dict[str, Any]  # the coded_facts row (as exported, plus outcome and reason)
    note: Note | None  # the structured notes row, when it reached the timeline
    findings: tuple[Finding, ...]
    outcome: str  # "timeline", "unmapped" (no concept), "undated"
    reason: str | None  # why the value was left out or the fact kept off the timeline


def system_name(code_system: str) -> str:
    return _SYSTEM_NAMES.get(code_system, code_system)


def ucum_to_unit(unit: str | None) -> str | None:
    """A UCUM code in the spelling matcher.nlp.units reads: "10*9/L" stays (it is read),
    "g/g{creat}" -> "g/g", "mL/min/{1.73_m2}" -> "mL/min/1.73m2", "[iU]/mL" -> "IU/mL"."""
    if unit is None:
        return None
    text = _UCUM_BSA.sub("1.73m2", unit.strip())
    for code, spelled in _UCUM_BRACKETS.items():
        text = text.replace(code, spelled)
    return _UCUM_ANNOTATION.sub("", text) or None


def on_timeline(fact: CodedFact, vocabulary: Vocabulary) -> Placed:
    record = _record(fact)
    concept = vocabulary.concepts.get(fact.concept) if fact.concept else None
    if concept is None:
        why = "no concept for the code" if fact.concept is None else "concept not in vocabulary"
        return Placed(_with(record, "unmapped", why), None, (), "unmapped", why)
    if fact.date is None:
        return Placed(_with(record, "undated", "no date"), None, (), "undated", "no date")
    value, unit, ref_low, ref_high, reason = _value(fact, concept)
    line = evidence_line(fact, concept, value, unit)
    attrs = _finding_attrs(fact)
    finding = Finding(
        concept=concept.id,
        category=concept.category,
        note_id=fact.source,
        start=0,
        end=len(line),
        text=line,
        assertion=_assertion(fact),
        code=f"{system_name(fact.code_system)}:{fact.code}",
        value=value,
        unit=unit,
        date=fact.date,
        date_source=DATE_SOURCE,
        raw_value=None if fact.value is None else _number_text(fact.value),
        raw_unit=fact.unit,
        ref_low=ref_low,
        ref_high=ref_high,
        attrs=attrs,
    )
    note = Note(fact.patient_id, fact.source, fact.date, line, NOTE_TYPE)
    return Placed(_with(record, "timeline", reason), note, (finding,), "timeline", reason)


def evidence_line(
    fact: CodedFact, concept: Concept, value: float | str | None, unit: str | None
) -> str:
    """What a person reads as the fact's evidence: name, value as exported with its unit,
    reference range, date, source. "ALT 85 U/L (ref 7-40), 2026-11-02, Observation/123";
    "not: lupus nephritis (SNOMED 68815009), 2025-01-10, Condition/7" for a refuted one."""
    name = concept.abbreviations[0] if concept.category == "lab" and concept.abbreviations else (
        concept.label
    )
    parts = [name]
    if fact.value is not None:
        parts.append(_number_text(fact.value) + (f" {fact.unit}" if fact.unit else ""))
    elif concept.category != "lab":
        parts.append(f"({system_name(fact.code_system)} {fact.code})")
    if fact.ref_low is not None or fact.ref_high is not None:
        low = "" if fact.ref_low is None else _number_text(fact.ref_low)
        high = "" if fact.ref_high is None else _number_text(fact.ref_high)
        bounds = f"{low}-{high}" if low and high else (f">={low}" if low else f"<={high}")
        parts.append(f"(ref {bounds})")
    dose = fact.attrs.get("dose")
    if dose is not None:
        parts.append(f"{_number_text(dose)} {fact.attrs.get('dose_unit') or ''}".rstrip())
    head = " ".join(parts)
    if _assertion(fact) is Assertion.NEGATED:
        head = f"not: {head}"
    when = fact.date.isoformat() if fact.date else "undated"
    stop = _as_date(fact.attrs.get("stop"))
    if stop is not None and stop != fact.date:
        when += f" to {stop.isoformat()}"
    return f"{head}, {when}, {fact.source}"


def _value(
    fact: CodedFact, concept: Concept
) -> tuple[float | str | None, str | None, float | None, float | None, str | None]:
    """(value, unit, ref_low, ref_high) in the concept's canonical unit, and the reason a
    value was left out (None when it was not)."""
    if fact.value is None or isinstance(fact.value, str):
        return fact.value, fact.unit, fact.ref_low, fact.ref_high, None
    family = concept.attrs.get("family")
    if not family:
        return fact.value, fact.unit, fact.ref_low, fact.ref_high, None
    unit = ucum_to_unit(fact.unit)
    placed = normalize(family, float(fact.value), unit, analyte=concept.key)
    if placed is None or (concept.canonical_unit and placed[1] != concept.canonical_unit):
        written = "no unit" if not fact.unit else f"unit {fact.unit!r}"
        return None, None, None, None, f"{written} is not a unit of {concept.label}"
    low = _in_unit(family, fact.ref_low, unit, concept.key)
    high = _in_unit(family, fact.ref_high, unit, concept.key)
    return placed[0], placed[1], low, high, None


def _in_unit(family: str, bound: float | None, unit: str | None, key: str) -> float | None:
    if bound is None or unit is None:  # a range without its unit is never guessed
        return None
    placed = normalize(family, float(bound), unit, analyte=key)
    return placed[0] if placed else None


def _assertion(fact: CodedFact) -> Assertion:
    # A Condition whose verification status is refuted (or entered in error) is the
    # patient's negated fact: "lupus nephritis refuted" must not count as lupus nephritis.
    written = fact.attrs.get("assertion")
    return Assertion(written) if written else Assertion.AFFIRMED


def _finding_attrs(fact: CodedFact) -> dict[str, Any]:
    """The attrs the evaluator reads, named as the note NLP names them (drug start_date /
    stop_date / dose), plus the provenance and source."""
    attrs: dict[str, Any] = {"provenance": PROVENANCE, "source": fact.source}
    start, stop = _as_date(fact.attrs.get("start")), _as_date(fact.attrs.get("stop"))
    if start is not None or stop is not None or "dose" in fact.attrs:
        attrs["start_date"] = start
        attrs["stop_date"] = stop
    if fact.attrs.get("dose") is not None:
        attrs["dose"] = {
            "amount": float(fact.attrs["dose"]),
            "unit": fact.attrs.get("dose_unit"),
            "basis": None,
            "per_day": fact.attrs.get("per_day"),
        }
    for key in ("interpretation", "onset", "abatement", "route"):
        if fact.attrs.get(key) is not None:
            attrs[key] = fact.attrs[key]
    return attrs


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _number_text(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _record(fact: CodedFact) -> dict[str, Any]:
    return {
        "source": fact.source,
        "patient_id": fact.patient_id,
        "file": fact.file,
        "line": fact.line,
        "code_system": fact.code_system,
        "code": fact.code,
        "concept": fact.concept,
        "date": fact.date.isoformat() if fact.date else None,
        "value": fact.value,
        "unit": fact.unit,
        "ref_low": fact.ref_low,
        "ref_high": fact.ref_high,
        "display": fact.display,
        "status": fact.status,
        "attrs": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                  for k, v in fact.attrs.items()},
    }  # fmt: skip


def _with(record: dict[str, Any], outcome: str, reason: str | None) -> dict[str, Any]:
    return {**record, "outcome": outcome, "reason": reason}
