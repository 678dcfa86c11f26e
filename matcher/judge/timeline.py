"""A patient's findings from every note, on one timeline, as of a screening date."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from matcher.model import PATIENT_ASSERTIONS, STRUCTURED, Assertion, Finding, Patient
from matcher.nlp.past_values import TOLD_AS_PAST
from matcher.nlp.vocab import Vocabulary, load_vocabulary

__all__ = ["Timeline", "build_timeline", "one_fact_per_day"]

# Two lab values this close (relative) are one measurement written twice: 1.2 mg/dL in a
# note is 106.08 umol/L, the coded record says 106.
_SAME_VALUE = 0.005


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

    def at(self, as_of: dt.date) -> Timeline:
        """This timeline with `as_of` in place of its own: the same day, read through
        another tracker (matcher.judge.validity), sharing the findings and their indexes.
        One patient's timeline is built once for every trial at an as-of, and each trial
        is judged against `timeline.at(its own tracked as-of)`, so its reads of the as-of
        go to its own Validity ("HbA1c within 90 days" of one trial does not shorten how
        long another trial's result holds)."""
        if dt.date.toordinal(as_of) != dt.date.toordinal(self.as_of):  # untracked reads
            raise ValueError("Timeline.at: another day than the timeline was built for")
        twin = copy.copy(self)
        object.__setattr__(twin, "as_of", as_of)
        return twin


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
    findings = list(findings)
    if any(f.date_source == STRUCTURED for f in findings):
        findings = one_fact_per_day(findings, note_dates)
    keyed = []
    for position, finding in enumerate(findings):
        written = note_dates.get(finding.note_id)
        if written is None or written > as_of:
            continue
        if finding.attrs.get(TOLD_AS_PAST):
            # "Lymphocyte subsets then showed CD19 0%": a value of an earlier, unnamed day
            # (matcher.nlp.past_values) is no value of the note's day; its note still counts
            # as written (note_dates), the value is left out.
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


def one_fact_per_day(findings: list[Finding], note_dates: dict[str, dt.date]) -> list[Finding]:
    """A note fact and a coded fact of one concept on one day, as one finding.

    The same value (a lab within _SAME_VALUE; anything else equal, or the coded record
    giving none) is one fact with two sources: the finding kept names the other in
    attrs["also"] (its note id, span and text), so the evidence shows both. When they
    disagree, the rule decides and attrs["rule"] says which was dropped and why: the coded
    value wins for labs (a lab system's number, unit and range are exact; a note's is
    copied), the note wins for narrative facts (a biopsy class, a diagnosis: the note is
    where the clinician wrote them). Example: note "ALT 90" and Observation ALT 85 on
    2026-11-02 keep the Observation's 85 with the rule "coded value used; the note
    DocumentReference/7 said 90 U/L (the coded value wins for labs)".
    """
    coded: dict[tuple[str, dt.date], list[int]] = {}
    for i, f in enumerate(findings):
        if f.date_source == STRUCTURED and f.date is not None:
            coded.setdefault((f.concept, f.date), []).append(i)
    replaced: dict[int, Finding] = {}
    dropped: set[int] = set()
    for i, note_fact in enumerate(findings):
        if note_fact.date_source == STRUCTURED:
            continue
        day = note_fact.date or note_dates.get(note_fact.note_id)
        for j in coded.get((note_fact.concept, day), ()):  # type: ignore[arg-type]
            if j in dropped:
                continue
            code_fact = replaced.get(j, findings[j])
            lab = code_fact.category == "lab"
            if _same(note_fact, code_fact, lab):
                keep, drop, rule = (j, i, None) if lab else (i, j, None)
            elif lab:
                keep, drop = j, i
                rule = (f"coded value used; the note {note_fact.note_id} said "
                        f"{_shown(note_fact)} (the coded value wins for labs)")
            else:
                keep, drop = i, j
                rule = (f"the note's reading used; {code_fact.note_id} said "
                        f"{_shown(code_fact)} (the note wins for narrative facts)")
            kept = replaced.get(keep, findings[keep])
            replaced[keep] = _with_source(kept, replaced.get(drop, findings[drop]), rule)
            replaced.pop(drop, None)
            dropped.add(drop)
            break
    if not replaced:
        return findings
    return [replaced.get(i, f) for i, f in enumerate(findings) if i not in dropped]


def _same(note_fact: Finding, code_fact: Finding, lab: bool) -> bool:
    if note_fact.assertion != code_fact.assertion:
        return False
    a, b = note_fact.value, code_fact.value
    if lab:
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return a == b
        return abs(a - b) <= _SAME_VALUE * max(abs(a), abs(b))
    return b is None or a == b


def _shown(finding: Finding) -> str:
    if finding.assertion is Assertion.NEGATED:
        return "not present"
    if finding.value is None:
        return "no value"
    number = finding.value
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number} {finding.unit}" if finding.unit else str(number)


def _with_source(kept: Finding, other: Finding, rule: str | None) -> Finding:
    attrs: dict[str, Any] = dict(kept.attrs)
    attrs["also"] = [*attrs.get("also", ()),
                     {"note_id": other.note_id, "start": other.start, "end": other.end,
                      "text": other.text,
                      "provenance": STRUCTURED if other.date_source == STRUCTURED else "note"}]
    if rule is not None:
        attrs["rule"] = rule
    return dataclasses.replace(kept, attrs=attrs)
