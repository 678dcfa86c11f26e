"""A patient's findings from every note, on one timeline, as of a screening date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.model import PATIENT_ASSERTIONS, Assertion, Finding, Patient
from matcher.nlp.vocab import Vocabulary, load_vocabulary

__all__ = ["Timeline", "build_timeline"]


@dataclass(frozen=True)
class Timeline:
    patient: Patient
    as_of: dt.date
    findings: tuple[Finding, ...]
    note_dates: dict[str, dt.date] = field(default_factory=dict, compare=False, hash=False)
    note_types: dict[str, str | None] = field(default_factory=dict, compare=False, hash=False)
    # The vocabulary the run read the notes and the criteria with: the evaluator names
    # concepts, expands classes and reads their attrs (serology, default limits) from it.
    vocabulary: Vocabulary = field(kw_only=True, compare=False, hash=False, repr=False)
    # Per concept, its findings and their positions in `findings`: every assertion, and
    # the patient's facts only. Built once: each of a trial's ~20 criteria asks for a few
    # concepts ("lab.alt", then "lab.ast", ...), and scanning every finding per question
    # was most of evaluation.
    _all: dict[str, tuple[list[Finding], list[int]]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _facts: dict[str, tuple[list[Finding], list[int]]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        every: dict[str, tuple[list[Finding], list[int]]] = {}
        mixed: set[str] = set()  # concepts with a mention that is not the patient's fact
        affirmed, historical = Assertion.AFFIRMED, Assertion.HISTORICAL
        for i, finding in enumerate(self.findings):
            concept = finding.concept
            entry = every.get(concept)
            if entry is None:
                every[concept] = ([finding], [i])
            else:
                entry[0].append(finding)
                entry[1].append(i)
            assertion = finding.assertion
            # `in PATIENT_ASSERTIONS` hashes a member in Python (Enum.__hash__); members are
            # singletons, so identity gives the same answer for them, at a fraction.
            if not (assertion is affirmed or assertion is historical) and (
                type(assertion) is Assertion or assertion not in PATIENT_ASSERTIONS
            ):
                mixed.add(concept)
        facts = every
        if mixed:
            # Most concepts are only ever affirmed; "no lupus nephritis" or "mother has SLE"
            # make a concept's facts a subset of its mentions.
            facts = dict(every)
            for concept in mixed:
                items, positions = every[concept]
                kept = [k for k, f in enumerate(items) if f.assertion in PATIENT_ASSERTIONS]
                facts[concept] = ([items[k] for k in kept], [positions[k] for k in kept])
        object.__setattr__(self, "_all", every)
        object.__setattr__(self, "_facts", facts)

    def of(self, *concepts: str, facts_only: bool = True) -> list[Finding]:
        """Findings of these concepts, oldest first; by default only the patient's own facts."""
        index = self._facts if facts_only else self._all
        if len(concepts) == 1:
            entry = index.get(concepts[0])
            return entry[0][:] if entry else []
        first: tuple[list[Finding], list[int]] | None = None
        merged: list[int] | None = None
        for concept in set(concepts):
            entry = index.get(concept)
            if entry is None or not entry[1]:
                continue
            if first is None:
                first = entry
            elif merged is None:
                merged = first[1] + entry[1]
            else:
                merged += entry[1]
        if merged is None:
            return first[0][:] if first is not None else []
        # Several concepts: back into timeline order, as one scan of `findings` would give.
        merged.sort()
        findings = self.findings
        return [findings[i] for i in merged]

    def note_date(self, finding: Finding) -> dt.date | None:
        return self.note_dates.get(finding.note_id)


def build_timeline(
    patient: Patient,
    findings: Iterable[Finding],
    note_dates: dict[str, dt.date],
    as_of: dt.date,
    note_types: dict[str, str | None] | None = None,
    vocabulary: Vocabulary | None = None,
) -> Timeline:
    """Keep what was written on or before as-of (GUIDELINE: later notes are ignored).
    `vocabulary`: the run's (the packaged one by default), which the evaluator reads."""
    if vocabulary is None:
        vocabulary = load_vocabulary()
    keyed = []
    for position, finding in enumerate(findings):
        written = note_dates.get(finding.note_id)
        if written is None or written > as_of:
            continue
        date = finding.date
        if date is not None and date > as_of:
            # A date in the future of screening ("biopsy booked for 2027-01-10") is a plan.
            continue
        # The position keeps the sort stable (ties stay in the order given) and stops the
        # comparison before it reaches the Finding itself.
        keyed.append((date or written, written, finding.start, position, finding))
    keyed.sort()
    kept = tuple(k[4] for k in keyed)
    return Timeline(patient, as_of, kept, dict(note_dates), dict(note_types or {}),
                    vocabulary=vocabulary)
