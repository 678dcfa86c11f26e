"""Plain data passed between the layers.

spaCy objects never leave matcher.nlp; everything downstream (timeline,
evaluation, store, CLI, web) sees only these frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

_T = TypeVar("_T")


class Assertion(StrEnum):
    """How a mention relates to the patient (ConText categories)."""

    AFFIRMED = "affirmed"
    NEGATED = "negated"  # "no history of lupus nephritis", "ANA negative"
    FAMILY = "family"  # "mother has SLE"
    HYPOTHETICAL = "hypothetical"  # "plan to start tacrolimus", "consider rituximab"
    UNCERTAIN = "uncertain"  # "possible class IV", "r/o lupus"
    HISTORICAL = "historical"  # "history of ...": still the patient's fact


# Assertions that count as the patient's own fact (GUIDELINE: affirmed mentions).
PATIENT_ASSERTIONS = frozenset({Assertion.AFFIRMED, Assertion.HISTORICAL})
# GUIDELINE: a current state ("active", "currently on") counts within 90 days of as-of. A
# contract: the criteria reader writes it into windows and the judging layer applies it.
LOOKBACK_DAYS = 90
# "Systemic corticosteroids": the drug_exposure route the reader writes and the judging
# layer decides on the steroids notes name only for systemic use (prednisone, not a
# hydrocortisone that may be a cream). A contract like LOOKBACK_DAYS.
SYSTEMIC_ROUTE = "systemically"
# "ALAT 0,6 x N": a lab value written as a multiple of the laboratory's upper limit of
# normal. The note layer keeps it in this unit (its range's upper bound is 1); the judging
# layer compares it only with a limit that is itself a multiple of the ULN. A contract.
ULN_MULTIPLE_UNIT = "x ULN"
_ASSERTION_BY_VALUE = {a.value: a for a in Assertion}


def construct(cls: type[_T], fields: dict[str, Any]) -> _T:
    """An instance of one of these frozen dataclasses from every one of its fields, each
    already of its type: what cls(**fields) gives, without a frozen-dataclass setattr per
    field. For hot paths only (decoding 2 million stored findings a night); elsewhere call
    the class. The instance gets a materialised __dict__, one more object for the garbage
    collector to walk: a win for wide classes (Finding, 17 fields), a loss measured for
    small ones that live long (Evidence, CriterionResult)."""
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def as_assertion(value: str) -> Assertion:
    """Assertion(value) by a dict lookup: the Enum call costs more than a whole field of a
    stored finding, and a patient's record has a few dozen findings."""
    found = _ASSERTION_BY_VALUE.get(value)
    return found if found is not None else Assertion(value)


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    MANUAL = "manual"


# How a criterion's status is shown to a person, in the terminal and on the patient page
# alike (one place, so a referrer reading `matcher explain` and the web page sees one sign).
STATUS_MARKS: dict[Status, str] = {
    Status.MET: "✔", Status.NOT_MET: "✘", Status.UNKNOWN: "?", Status.MANUAL: "⚑",
}  # fmt: skip
STATUS_WORDS: dict[Status, str] = {
    Status.MET: "met", Status.NOT_MET: "not met", Status.UNKNOWN: "unknown",
    Status.MANUAL: "manual",
}  # fmt: skip


class UnknownCause(StrEnum):
    """Why a criterion is `unknown`, as a typed fact (the eligibility model's input, never
    the reason's English). ABSENT: nothing in the notes ("no kidney biopsy result
    documented"); every other cause means something is documented that cannot decide."""

    ABSENT = "absent"
    STALE = "stale"  # documented before the window or lookback: a UPCR from two years ago
    UNDATED = "undated"  # documented without a date that places it: "class IV LN" with no year
    AMBIGUOUS = "ambiguous"  # documented, does not decide: a stated age 17 or 18 at screening
    PARTIAL = "partial"  # part documented, the rest absent: one of the two agents needed


class PatientStatus(StrEnum):
    ELIGIBLE = "eligible"
    POSSIBLE = "possible"
    INELIGIBLE = "ineligible"


# A coded record's provenance (matcher.interchange): its finding's date_source, its notes
# row's provenance and note_type.
STRUCTURED = "structured"


@dataclass(frozen=True)
class Finding:
    """One dated, coded fact read from one note.

    `concept` is a vocabulary id ("lab.alt", "drug.tacrolimus", "dx.sle",
    "biopsy.kidney", "score.sledai", "flow.cd19", ...). `value` is normalised to
    the concept's canonical unit (`unit`); `raw_value`/`raw_unit` keep what the
    note said. `start`/`end` index the note text: note_text[start:end] is the
    evidence a referrer sees highlighted.
    """

    concept: str
    category: str
    note_id: str
    start: int
    end: int
    text: str
    assertion: Assertion = Assertion.AFFIRMED
    code: str | None = None
    value: float | str | None = None
    unit: str | None = None
    date: dt.date | None = None
    # "note" (took the note's date), "text", "heading", "relative"; STRUCTURED for a coded
    # record's finding (FHIR, OMOP), whose note_id is the record's source ("Observation/123")
    date_source: str = "note"
    raw_value: str | None = None
    raw_unit: str | None = None
    ref_low: float | None = None
    ref_high: float | None = None
    # Kind-specific details, JSON-serialisable: biopsy "classes", drug "start",
    # "stop", "duration_days", "regimen", remission "state", age "years", ...
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_patient_fact(self) -> bool:
        return self.assertion in PATIENT_ASSERTIONS

    def to_json(self) -> dict[str, Any]:
        return {
            "concept": self.concept,
            "category": self.category,
            "code": self.code,
            "value": self.value,
            "unit": self.unit,
            "raw_value": self.raw_value,
            "raw_unit": self.raw_unit,
            "ref_low": self.ref_low,
            "ref_high": self.ref_high,
            "date": self.date.isoformat() if self.date else None,
            "date_source": self.date_source,
            "assertion": str(self.assertion),
            "note_id": self.note_id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "attrs": _jsonable(self.attrs),
        }

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Finding:
        """A Finding from every field, each already of its type (a stored row, decoded):
        what __init__ gives, without its seventeen frozen-dataclass setattr calls. Loading
        100,000 patients' findings for the nightly run spent a quarter of its time there."""
        return construct(cls, fields)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Finding:
        attrs = dict(row.get("attrs") or {})
        for key in ("start_date", "stop_date"):
            if isinstance(attrs.get(key), str):
                attrs[key] = dt.date.fromisoformat(attrs[key])
        return cls(
            concept=row["concept"],
            category=row["category"],
            note_id=row["note_id"],
            start=int(row["start"]),
            end=int(row["end"]),
            text=row["text"],
            assertion=Assertion(row.get("assertion", "affirmed")),
            code=row.get("code"),
            value=row.get("value"),
            unit=row.get("unit"),
            date=dt.date.fromisoformat(row["date"]) if row.get("date") else None,
            date_source=row.get("date_source", "note"),
            raw_value=row.get("raw_value"),
            raw_unit=row.get("raw_unit"),
            ref_low=row.get("ref_low"),
            ref_high=row.get("ref_high"),
            attrs=attrs,
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return value


# The longest note text the engine takes, in characters (len of the str). Discharge
# summaries and copied-forward notes reach megabytes and are parsed in pieces
# (matcher.nlp.chunks) at about 300,000 characters a second, so a note at the limit costs
# about a minute and never more memory than one piece; 20 million characters is some
# 10,000 printed pages, which no note is: past it, the row is an export fault (notes
# concatenated, a file embedded) and a reject at ingest, with this reason.
MAX_NOTE_CHARS = 20_000_000


def note_too_long(note_id: str, length: int) -> str | None:
    """The reason a note of `length` characters is refused, or None when it is not.

    >>> note_too_long("N1", 20_000_001)
    "note 'N1': field 'text' has 20,000,001 characters, over the limit of 20,000,000"
    """
    if length <= MAX_NOTE_CHARS:
        return None
    return (
        f"note {note_id!r}: field 'text' has {length:,} characters, "
        f"over the limit of {MAX_NOTE_CHARS:,}"
    )


@dataclass(frozen=True)
class Note:
    patient_id: str
    note_id: str
    note_date: dt.date
    text: str
    note_type: str | None = None


class NoteDates(dict[str, dt.date]):
    """Each note's date by note id, knowing whose note each is. A timeline counts every note
    of its patient as a note written, not only the notes its findings came from: "Phone call:
    mother says she is well, no fevers" holds no finding, yet it is the note in the lookback
    that lets "no infection needing IV antibiotics now" apply. A plain dict of dates gives
    the notes of the findings only (what a caller that knows no patient's notes can give)."""

    def __init__(self, dates: Mapping[str, dt.date] | None = None,
                 notes_of: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(dates or {})
        self._notes_of: dict[str, list[str]] = {p: list(ids) for p, ids in (notes_of or {}).items()}

    @classmethod
    def of_notes(cls, notes: Iterable[tuple[str, str, dt.date]]) -> NoteDates:
        """From (patient id, note id, note date) triples."""
        out = cls()
        for patient_id, note_id, note_date in notes:
            out[note_id] = note_date
            out._notes_of.setdefault(patient_id, []).append(note_id)
        return out

    @classmethod
    def of_patient_notes(cls, patient_id: str, dates: Mapping[str, dt.date]) -> NoteDates:
        """Every note of one patient: `dates` holds that patient's notes and no other's."""
        return cls(dates, {patient_id: list(dates)})

    def of_patient(self, patient_id: str) -> dict[str, dt.date]:
        """The dates of every note of the patient (none known: {})."""
        return {n: self[n] for n in self._notes_of.get(patient_id, ()) if n in self}


@dataclass(frozen=True)
class Patient:
    patient_id: str
    birth_date: dt.date | None = None
    sex: str | None = None


@dataclass(frozen=True)
class AnyOf:
    """A criterion that is one branch of an either/or: "at least one of the following:"
    and the items under it, or items joined by a trailing "or" ("ANA ≥ 1:80; or" +
    "anti-dsDNA positive"). The members of one group share `group` (1, 2, ... within the
    trial); the group holds when at least `at_least` of them hold ("at least 2 of")."""

    group: int
    at_least: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "at_least": self.at_least}

    @classmethod
    def from_json(cls, data: Any) -> AnyOf | None:
        if not isinstance(data, dict):
            return None
        return cls(int(data["group"]), int(data.get("at_least", 1)))


@dataclass(frozen=True)
class CohortScope:
    """A criterion that applies to some cohorts of the trial only: the items under
    "Populations 1 & 2" or marked "(population 3)". `label` is the heading as printed,
    `cohorts` the cohorts it names ("Population 1", "Population 2"). A patient is judged
    on the trial's shared criteria plus one cohort's (matcher.judge.ranking)."""

    label: str
    cohorts: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "cohorts": list(self.cohorts)}

    @classmethod
    def from_json(cls, data: Any) -> CohortScope | None:
        if not isinstance(data, dict):
            return None
        return cls(str(data["label"]), tuple(str(c) for c in data["cohorts"]))


@dataclass(frozen=True)
class Criterion:
    """One computable eligibility criterion parsed from registry text.

    `kind` selects the evaluator; `params` holds its typed parameters (see
    matcher.criteria for each kind's keys). `key` is a short semantic name
    ("age", "biopsy", "alt", "x_rtx") used to line criteria up with labels.
    `trace` names the reader's rules that produced it ("section:exclusion",
    "kind:drug_exposure", "window", "coverage:ok"), so that a regression over many
    registry texts points at a rule.
    """

    id: str
    key: str
    type: str  # "inclusion" | "exclusion"
    text: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    manual_reason: str | None = None
    trace: tuple[str, ...] = field(default=(), compare=False, hash=False)
    # The groups it belongs to (None: a criterion every patient must meet on its own).
    any_of: AnyOf | None = field(default=None, compare=False, hash=False)
    cohort: CohortScope | None = field(default=None, compare=False, hash=False)

    @property
    def unread(self) -> bool:
        """Manual because the reader could not read the item whole, not because a person
        always checks it. "History of organ transplant (including kidney)" with a word left
        over, a cohort-only item, or an unrecognised threshold may well decide the patient,
        so such a criterion keeps a patient at "possible"; informed consent, checked at
        screening by nature, does not."""
        if self.manual_reason is None:
            return False
        return (
            any(rule == "coverage:manual" or rule.startswith("guard:") for rule in self.trace)
            or "not recognised" in self.manual_reason
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "type": self.type,
            "text": self.text,
            "kind": self.kind,
            "params": _jsonable(self.params),
            "manual_reason": self.manual_reason,
            "trace": list(self.trace),
            "any_of": self.any_of.to_json() if self.any_of else None,
            "cohort": self.cohort.to_json() if self.cohort else None,
        }


@dataclass(frozen=True)
class Trial:
    trial_id: str
    title: str
    criteria: tuple[Criterion, ...]
    min_age_years: float | None = None
    max_age_years: float | None = None
    sex: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Evidence:
    """What a person reads to check a verdict. A note fact: the note's id and date and the
    highlighted span note_text[start:end]. A coded fact (provenance STRUCTURED): its source
    as note_id ("Observation/123") and the evidence line as text, "ALT 85 U/L (ref 7-40),
    2026-11-02, Observation/123" (start 0, end its length)."""

    note_id: str
    note_date: dt.date | None
    start: int
    end: int
    text: str
    provenance: str = "note"  # or STRUCTURED

    def to_json(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "note_date": self.note_date.isoformat() if self.note_date else None,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "provenance": self.provenance,
        }


@dataclass(frozen=True)
class LastSeen:
    """The value a stale criterion last found, too old to count: "2.1 x10^9/L" of the
    absolute lymphocyte count on 2026-07-14 in note N-7. What a referrer needs to say "last
    ALC 2.1 on 14 Jul, 129 days ago: repeat FBC" (matcher.judge.outcome). Not evidence:
    evidence counts towards the verdict and the score, a stale value does not."""

    concept: str
    value: str  # as the engine reads it, unit included: "2.1 x10^9/L", "class IV", "ECOG 3"
    date: dt.date
    note_id: str

    def to_json(self) -> dict[str, Any]:
        return {"concept": self.concept, "value": self.value, "date": self.date.isoformat(),
                "note_id": self.note_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LastSeen:
        return cls(data["concept"], data["value"], dt.date.fromisoformat(data["date"]),
                   data["note_id"])


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: Status
    reason: str
    evidence: tuple[Evidence, ...] = ()
    # Set exactly when status is UNKNOWN (matcher.judge.evaluate gives every unknown its cause).
    unknown_cause: UnknownCause | None = None
    # Set when the cause is STALE and the stale value is a dated finding (judge.last_seen).
    last_seen: LastSeen | None = None


@dataclass(frozen=True)
class PatientResult:
    patient_id: str
    status: PatientStatus
    score: float
    results: tuple[CriterionResult, ...]
    rank: int = 0
    # In a trial with cohorts, the cohorts whose criteria give the patient its status
    # (matcher.judge.ranking.verdict); () when the trial has none or the patient fits none.
    cohorts: tuple[str, ...] = ()
