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
    condition has `status`; ValueError for any other type or status.

    >>> outcome_of("exclusion", "not_met")
    <Outcome.PASSES: 'passes'>
    """
    # A dict lookup: the chips of 100,000 stored rows call this 20 times each, and the
    # Status(...) call costs more than the rest of a chip. A Status hashes as its str.
    found = _OUTCOMES.get((criterion_type, status))
    if found is None:
        raise ValueError(f"criterion type {criterion_type!r} with status {status!r}: expected "
                         f"'inclusion' or 'exclusion' and one of {[str(s) for s in Status]}")
    return found


_OUTCOMES: dict[tuple[str, str], Outcome] = {
    **{(t, str(Status.UNKNOWN)): Outcome.UNKNOWN for t in ("inclusion", "exclusion")},
    **{(t, str(Status.MANUAL)): Outcome.TO_CHECK for t in ("inclusion", "exclusion")},
    ("inclusion", str(Status.MET)): Outcome.PASSES,
    ("inclusion", str(Status.NOT_MET)): Outcome.FAILS,
    ("exclusion", str(Status.MET)): Outcome.FAILS,
    ("exclusion", str(Status.NOT_MET)): Outcome.PASSES,
}


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

# What a clinician writes for the common screening tests: a chip reads "ALC 0.9", not
# "absolute lymphocyte count 0.9". Concepts not here keep the vocabulary's label (from
# the reason).
SHORT_NAMES: dict[str, str] = {
    "lab.lymphocytes": "ALC", "lab.wbc": "WBC", "lab.neutrophils": "ANC",
    "lab.hemoglobin": "Hb", "lab.platelets": "platelets", "lab.alt": "ALT", "lab.ast": "AST",
    "lab.bilirubin_total": "bilirubin", "lab.bilirubin_direct": "direct bilirubin",
    "lab.albumin": "albumin", "lab.creatinine": "creatinine", "lab.egfr": "eGFR",
    "lab.inr": "INR", "lab.pt": "PT", "lab.aptt": "APTT", "lab.upcr": "UPCR",
    "lab.urine_protein_24h": "24-h urine protein", "lab.cd19": "CD19 flow",
    "status.b_cell_depleted": "CD19 flow", "lab.c3": "C3", "lab.c4": "C4",
    "lab.anti_dsdna": "anti-dsDNA", "lab.ana": "ANA", "lab.igg": "IgG",
    "score.sledai": "SLEDAI-2K", "score.ecog": "ECOG", "score.lansky": "Lansky",
    "score.karnofsky": "Karnofsky", "biopsy.kidney": "kidney biopsy",
}  # fmt: skip
# The long labels the reasons use, to their short names ("absolute lymphocyte count 0.9").
_LONG_LABELS = (
    ("absolute lymphocyte count", "ALC"), ("white blood cell count", "WBC"),
    ("absolute neutrophil count", "ANC"), ("hemoglobin", "Hb"), ("platelet count", "platelets"),
    ("alanine aminotransferase", "ALT"), ("aspartate aminotransferase", "AST"),
    ("total bilirubin", "bilirubin"), ("international normalized ratio", "INR"),
    ("prothrombin time", "PT"), ("estimated GFR", "eGFR"), ("serum creatinine", "creatinine"),
    ("CD19 flow cytometry result", "CD19 flow"), ("ECOG performance status", "ECOG"),
    ("Lansky play-performance scale", "Lansky"), ("Karnofsky performance status", "Karnofsky"),
    ("urine protein/creatinine ratio", "UPCR"), ("kidney biopsy result", "kidney biopsy"),
    ("systemic lupus erythematosus", "SLE"),
)  # fmt: skip


def short_date(day: dt.date, as_of: dt.date) -> str:
    """'14 Jul' within the as-of year, '14 Jul 2025' otherwise."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == as_of.year else f"{text} {day.year}"


def first_date(text: str) -> dt.date | None:
    """The first ISO date a reason names ("... on 2026-03-01, older than ...")."""
    found = _ISO_DATE.search(text)
    if found is None:
        return None
    try:
        return dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def shorten(text: str) -> str:
    """A reason's long test names in their short clinical form."""
    for long, short in _LONG_LABELS:
        text = text.replace(long, short)
    return text


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _CHIP_MAX else text[: _CHIP_MAX - 1].rstrip() + "…"


def subject(result: CriterionResult) -> str:
    """What a criterion is about in a clinician's short words: the stale value's test
    ("ALC"), a one-analyte lab item's, a score's, else the criterion's key."""
    criterion = result.criterion
    if result.last_seen is not None and result.last_seen.concept in SHORT_NAMES:
        return SHORT_NAMES[result.last_seen.concept]
    params = criterion.params
    analytes = params.get("analytes") or []
    if criterion.kind in ("lab", "vital") and len(analytes) == 1 and analytes[0] in SHORT_NAMES:
        return SHORT_NAMES[analytes[0]]
    if criterion.kind == "score" and params.get("concept") in SHORT_NAMES:
        return SHORT_NAMES[params["concept"]]
    if criterion.kind in ("cd19", "biopsy"):
        return SHORT_NAMES["lab.cd19" if criterion.kind == "cd19" else "biopsy.kidney"]
    found = _ABSENT.match(result.reason) or _NOT_DOCUMENTED.match(result.reason)
    if found:
        return shorten(found["what"])
    return criterion.key


# "no CD19 flow cytometry result documented", "no SLEDAI-2K score documented: ...".
_ABSENT = re.compile(r"^no (?P<what>.+?) (?:score |status )?documented\b", re.IGNORECASE)
_NOT_DOCUMENTED = re.compile(r"^(?P<what>.+?) not documented\b", re.IGNORECASE)
_HEAD_END = re.compile(r" \(| on \d{4}-| at \d{4}-| at the as-of date|; |, not | is \d+ days")


def _fails_text(result: CriterionResult) -> str:
    """The reason's head in short words: "ALC 0.9 x10^9/L", "CD19+ B cells absent",
    "age 19", "ANA negative", "most recent biopsy shows class II"."""
    head = _HEAD_END.split(result.reason, maxsplit=1)[0]
    return _clip(shorten(head))


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


def stale_since(result: CriterionResult) -> dt.date | None:
    """The date of the value a stale criterion last found."""
    if result.last_seen is not None:
        return result.last_seen.date
    return first_date(result.reason)


def needs_checking(result: CriterionResult) -> bool:
    """A manual criterion that keeps a patient "possible": the reader could not read it
    whole (criterion.unread) or it decides a cohort. Consent and other screening-day
    checks are every patient's, and no reason on a row."""
    return result.status is Status.MANUAL and (
        result.criterion.unread or result.criterion.cohort is not None)


def why_chips(result: PatientResult, as_of: dt.date) -> tuple[WhyChip, ...]:
    """The short reasons for a patient's row: every failing criterion ("fails": "ALC 0.9
    x10^9/L"), and when the patient is not ineligible, what the notes lack ("missing":
    "no eGFR, INR", lab items grouped), what they hold too old to count ("stale", grouped
    by date: "6 labs stale since 1 Mar") and the items a person must check ("to check").
    An eligible patient has none but its unread items."""
    decisive = _decisive(result)
    chips = [WhyChip("fails", r.criterion.id, _fails_text(r))
             for r in decisive if result_outcome(r) is Outcome.FAILS]
    if result.status is PatientStatus.INELIGIBLE:
        return tuple(chips)
    missing_labs: list[CriterionResult] = []
    stale: dict[tuple[bool, dt.date | None], list[CriterionResult]] = {}
    for r in decisive:
        outcome = result_outcome(r)
        is_lab = r.criterion.kind in ("lab", "vital")
        if outcome is Outcome.UNKNOWN and r.unknown_cause is UnknownCause.STALE:
            stale.setdefault((is_lab, stale_since(r)), []).append(r)
        elif outcome is Outcome.UNKNOWN and is_lab and r.unknown_cause is UnknownCause.ABSENT:
            missing_labs.append(r)
        elif outcome is Outcome.UNKNOWN:
            chips.append(WhyChip("missing", r.criterion.id, _clip(_missing_text(r))))
        elif outcome is Outcome.TO_CHECK and needs_checking(r):
            chips.append(WhyChip("to check", r.criterion.id, _clip(r.criterion.text)))
    if missing_labs:
        names = ", ".join(dict.fromkeys(subject(r) for r in missing_labs))
        chips.append(WhyChip("missing", missing_labs[0].criterion.id, _clip(f"no {names}")))
    for (is_lab, since), members in stale.items():
        if is_lab and len(members) > 1:
            what = f"{len(members)} labs"
        else:
            what = ", ".join(dict.fromkeys(subject(r) for r in members))
        when = f" since {short_date(since, as_of)}" if since else ""
        chips.append(WhyChip("stale", members[0].criterion.id, _clip(f"{what} stale{when}")))
    order = {kind: i for i, kind in enumerate(CHIP_KINDS)}
    return tuple(sorted(chips, key=lambda c: order[c.kind]))


def _missing_text(result: CriterionResult) -> str:
    """"no CD19 flow", "no SLEDAI-2K"; an unknown that is documented but does not decide
    keeps its reason's head ("ANA positive but no titre documented")."""
    if result.unknown_cause is UnknownCause.ABSENT:
        return f"no {subject(result)}"
    return shorten(result.reason.split(";")[0].split(": ")[0])


# ------------------------------------------------------------------ tables and spreadsheets
# The count columns of `matcher match --format csv|table` and the web export, in outcome
# words: a referrer reading "not_met 3" on an eligible patient took it for three failures.
OUTCOME_COLUMNS = ("passes", "fails", "unknown", "to_check")


def outcomes_of(types: Sequence[str], statuses: Sequence[str]) -> list[Outcome]:
    """Each criterion's outcome from its type and status, in the trial's order."""
    return [outcome_of(t, s) for t, s in zip(types, statuses, strict=True)]


def outcome_counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """{"passes": n, "fails": n, "unknown": n, "to_check": n}."""
    counts = dict.fromkeys(OUTCOME_COLUMNS, 0)
    for outcome in outcomes:
        counts[str(outcome).replace(" ", "_")] += 1
    return counts
