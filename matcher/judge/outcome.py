"""What a criterion's result means to a person: passes, fails, unknown, to check; and the
short "why" chips a referrer reads on the candidates list without opening the patient.

The engine's `Status` says whether a criterion's *condition* holds: an exclusion "prior
rituximab" whose condition is absent is `not_met`, which a referrer reads as a failure
although it lets the patient in. People think in outcomes: that exclusion *passes*. This
module is the one place that turns statuses into outcomes and results into chips.

Pure: no I/O, no clock, no store, no web (the web, CLI and stored rows all call it).
Chips and their texts carry clinical values (PHI): show them only in authenticated pages
and never log them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from matcher.judge.ranking import in_cohort
from matcher.model import CriterionResult, PatientResult, PatientStatus, Status, UnknownCause


class Outcome(StrEnum):
    """What a person reads; the JSON keeps `status` and gains `outcome` (`Outcome.code`)."""

    PASSES = "passes"  # inclusion met, or exclusion whose condition is absent (not_met)
    FAILS = "fails"  # inclusion not met, or exclusion whose condition is present (met)
    UNKNOWN = "unknown"  # the notes do not decide it (missing, stale)
    TO_CHECK = "to check"  # manual: a person must check it

    @property
    def code(self) -> str:
        """The JSON contract's word (issue 16): `pass` | `fail` | `unknown` | `manual`."""
        return _CODES[self]


_CODES = {Outcome.PASSES: "pass", Outcome.FAILS: "fail", Outcome.UNKNOWN: "unknown",
          Outcome.TO_CHECK: "manual"}  # fmt: skip
_BY_CODE = {code: outcome for outcome, code in _CODES.items()}
# Signs beside each outcome, in the terminal and on the pages alike.
OUTCOME_MARKS: dict[Outcome, str] = {
    Outcome.PASSES: "✔", Outcome.FAILS: "✘", Outcome.UNKNOWN: "?", Outcome.TO_CHECK: "⚑",
}  # fmt: skip


def outcome_from_code(code: str) -> Outcome:
    """The outcome a JSON `outcome` code names ("pass" -> PASSES); ValueError otherwise."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise ValueError(f"outcome {code!r} is not one of {sorted(_BY_CODE)}") from None


def outcome_of(criterion_type: str, status: str) -> Outcome:
    """The outcome of a criterion of `criterion_type` ("inclusion"/"exclusion") whose
    condition has `status`.

    >>> outcome_of("exclusion", "not_met")
    <Outcome.PASSES: 'passes'>
    """
    status = Status(status)
    if status is Status.UNKNOWN:
        return Outcome.UNKNOWN
    if status is Status.MANUAL:
        return Outcome.TO_CHECK
    if criterion_type == "inclusion":
        return Outcome.PASSES if status is Status.MET else Outcome.FAILS
    if criterion_type == "exclusion":
        return Outcome.FAILS if status is Status.MET else Outcome.PASSES
    raise ValueError(f"criterion type {criterion_type!r} is not 'inclusion' or 'exclusion'")


def result_outcome(result: CriterionResult) -> Outcome:
    return outcome_of(result.criterion.type, result.status)


# ------------------------------------------------------------------------------- chips
CHIP_KINDS = ("fails", "missing", "stale", "to check")


@dataclass(frozen=True)
class WhyChip:
    """One short reason on a candidates row: "ALC 0.9", "no CD19 flow cytometry result",
    "labs stale since 1 Mar". `kind` is what the page filters on."""

    kind: str  # "fails" | "missing" | "stale" | "to check"
    criterion_id: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in CHIP_KINDS:
            raise ValueError(f"why chip kind {self.kind!r} is not one of {CHIP_KINDS}")

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "criterion_id": self.criterion_id, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> WhyChip:
        return cls(str(data["kind"]), str(data["criterion_id"]), str(data["text"]))


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CHIP_MAX = 48  # characters: a chip is a glance, the patient page holds the whole reason


def short_date(day: dt.date, as_of: dt.date) -> str:
    """'14 Jul' within the as-of year, '14 Jul 2025' otherwise."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == as_of.year else f"{text} {day.year}"


def first_date(text: str) -> dt.date | None:
    """The first ISO date a reason names ("... is from 2026-03-01, older than ...")."""
    found = _ISO_DATE.search(text)
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _CHIP_MAX else text[: _CHIP_MAX - 1].rstrip() + "…"


# "no CD19 flow cytometry result documented", "no current rituximab documented: ...".
_ABSENT = re.compile(r"^no (?P<what>.+?) (?:status )?documented\b", re.IGNORECASE)
_NOT_DOCUMENTED = re.compile(r"^(?P<what>.+?) not documented\b", re.IGNORECASE)
# "most recent white blood cell count is from 2026-03-01, ..." (eval_common._current)
_STALE_LABEL = re.compile(r"^most recent (?P<what>.+?) (?:score )?is from ", re.IGNORECASE)


def _missing_text(result: CriterionResult) -> str:
    reason = result.reason
    for pattern in (_ABSENT, _NOT_DOCUMENTED):
        found = pattern.match(reason)
        if found:
            return _clip(f"no {found['what']}")
    return _clip(reason.split(";")[0].split(":")[0])


def _subject(result: CriterionResult) -> str:
    """What a stale criterion is about, in the reason's own words ("white blood cell
    count", "biopsy"), else the criterion's key."""
    found = _STALE_LABEL.match(result.reason)
    if found:
        return found["what"]
    head = result.reason.split(" (")[0].split(" dated ")[0].split(" on ")[0]
    return head if len(head.split()) <= 4 else result.criterion.key


def _fails_text(result: CriterionResult) -> str:
    """The note's own words for the failing finding ("ALC 0.9 x10^9/L", "ECOG 3"), else the
    reason's head ("age 19 at 2026-11-20")."""
    if result.evidence:
        return _clip(result.evidence[0].text)
    return _clip(result.reason.split(" (")[0].split(";")[0])


def _decisive(result: PatientResult) -> list[CriterionResult]:
    """The results that bear on the patient's status: in a trial with cohorts, the shared
    criteria and those of the cohorts the patient fits; an any-of group's members only when
    the group is undecided or fails (a member that fails in a group that holds is no
    reason)."""
    results = list(result.results)
    if result.cohorts:
        results = in_cohort(results, result.cohorts)
    groups: dict[int, list[CriterionResult]] = {}
    for r in results:
        if r.criterion.any_of is not None:
            groups.setdefault(r.criterion.any_of.group, []).append(r)
    holding = {g for g, members in groups.items() if _group_holds(members)}
    return [r for r in results
            if r.criterion.any_of is None or r.criterion.any_of.group not in holding]


def _group_holds(members: Sequence[CriterionResult]) -> bool:
    needed = members[0].criterion.any_of.at_least  # type: ignore[union-attr]
    return sum(result_outcome(m) is Outcome.PASSES for m in members) >= needed


def why_chips(result: PatientResult, as_of: dt.date) -> tuple[WhyChip, ...]:
    """The short reasons for a patient's row: every failing criterion ("fails"), and when
    the patient is not ineligible, what the notes lack ("missing"), what they hold too old
    to count ("stale", grouped by date: "6 labs stale since 1 Mar") and the items the reader
    could not read that a person must check ("to check"). An eligible patient has none but
    its unread items; consent and other screening-day checks are never chips."""
    decisive = _decisive(result)
    chips = [WhyChip("fails", r.criterion.id, _fails_text(r))
             for r in decisive if result_outcome(r) is Outcome.FAILS]
    if result.status is PatientStatus.INELIGIBLE:
        return tuple(chips)
    stale: dict[tuple[str, dt.date | None], list[CriterionResult]] = {}
    for r in decisive:
        outcome = result_outcome(r)
        if outcome is Outcome.UNKNOWN and r.unknown_cause is UnknownCause.STALE:
            kind = "labs" if r.criterion.kind == "lab" else _subject(r)
            stale.setdefault((kind, first_date(r.reason)), []).append(r)
        elif outcome is Outcome.UNKNOWN:
            chips.append(WhyChip("missing", r.criterion.id, _missing_text(r)))
        elif outcome is Outcome.TO_CHECK and r.criterion.unread:
            chips.append(WhyChip("to check", r.criterion.id, _clip(r.criterion.text)))
    for (subject, since), members in stale.items():
        if subject == "labs":
            subject = _subject(members[0]) if len(members) == 1 else f"{len(members)} labs"
        when = f" since {short_date(since, as_of)}" if since else ""
        chips.append(WhyChip("stale", members[0].criterion.id, _clip(f"{subject} stale{when}")))
    order = {kind: i for i, kind in enumerate(CHIP_KINDS)}
    return tuple(sorted(chips, key=lambda c: order[c.kind]))
