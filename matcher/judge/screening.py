"""The screening to-do list of one patient for one trial: each open criterion as an action
(the test to order, the item to confirm) with the last value seen and how old it is, ranked
by how much each would settle.

    last ALC 1.5 x10^9/L, WBC 4.4 x10^9/L on 1 Mar, 264 days ago: repeat FBC (settles 4)

One FBC decides every blood-count criterion at once, so it ranks above a single score; a
criterion about the disease itself (diagnosis, biopsy, refractoriness) weighs double, as
in the ranking score, because it decides the relevance tier. Pure: no I/O, no clock.
Texts carry clinical values (PHI): authenticated pages only, never logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from matcher.judge.outcome import (
    SHORT_NAMES,
    Outcome,
    _decisive,
    needs_checking,
    result_outcome,
    short_date,
    subject,
)
from matcher.judge.ranking import DISEASE_KINDS
from matcher.model import CriterionResult, PatientResult, PatientStatus, UnknownCause

# The test a screening team orders to measure an analyte: one blood draw settles a panel.
PANELS: dict[str, str] = {
    **dict.fromkeys(("lab.lymphocytes", "lab.wbc", "lab.neutrophils", "lab.hemoglobin",
                     "lab.platelets"), "FBC"),
    **dict.fromkeys(("lab.alt", "lab.ast", "lab.bilirubin_total", "lab.bilirubin_direct",
                     "lab.albumin", "lab.alp", "lab.ggt"), "LFTs"),
    **dict.fromkeys(("lab.creatinine", "lab.egfr", "lab.urea", "lab.potassium",
                     "lab.sodium"), "renal profile (creatinine, eGFR)"),
    **dict.fromkeys(("lab.inr", "lab.pt", "lab.aptt"), "coagulation screen"),
    **dict.fromkeys(("lab.upcr", "lab.urine_protein_24h"), "urine protein:creatinine ratio"),
    **dict.fromkeys(("lab.c3", "lab.c4"), "complement C3/C4"),
}  # fmt: skip


@dataclass(frozen=True)
class TodoAction:
    """One thing to do before referral, and the criteria it would settle."""

    action: str  # "repeat FBC", "order CD19 flow cytometry", "confirm: History of ..."
    criterion_ids: tuple[str, ...]
    weight: int  # criteria it settles, disease criteria counted twice
    last_seen: str = ""  # "last ALC 1.5 x10^9/L on 1 Mar, 264 days ago"

    @property
    def text(self) -> str:
        settles = len(self.criterion_ids)
        tail = f" (settles {settles} criteria)" if settles > 1 else ""
        return f"{self.last_seen}: {self.action}{tail}" if self.last_seen else \
            f"{self.action}{tail}"

    def to_json(self) -> dict[str, object]:
        return {"action": self.action, "criterion_ids": list(self.criterion_ids),
                "weight": self.weight, "last_seen": self.last_seen, "text": self.text}


def _age(day: dt.date, as_of: dt.date) -> str:
    days = (as_of - day).days
    return f"{short_date(day, as_of)}, {days} day{'' if days == 1 else 's'} ago"


def _action(result: CriterionResult) -> tuple[str, str]:
    """(grouping key, action) of one open criterion."""
    criterion = result.criterion
    stale = result.unknown_cause is UnknownCause.STALE
    verb = "repeat" if stale else "order"
    kind = criterion.kind
    analytes = list(criterion.params.get("analytes") or [])
    if kind in ("lab", "vital") and analytes:
        panel = PANELS.get(analytes[0])
        if panel is not None and all(PANELS.get(a) == panel for a in analytes):
            return panel, f"{verb} {panel}"
        return "lab:" + ",".join(analytes), f"{verb} {subject(result)}"
    if kind == "cd19":
        return "cd19", f"{verb} CD19 flow cytometry"
    if kind == "biopsy":
        return "biopsy", ("repeat kidney biopsy (outside the trial's window)" if stale
                          else "find the kidney biopsy report (class and date)")
    if kind == "score":
        concept = criterion.params.get("concept")
        name = SHORT_NAMES.get(concept, criterion.key)
        if concept in ("score.ecog", "score.lansky", "score.karnofsky"):
            return "performance", "record performance status (ECOG or Lansky/Karnofsky)"
        return f"score:{concept}", f"score {name} at a visit"
    if kind == "age":
        return "age", "confirm date of birth"
    if kind == "sex":
        return "sex", "record sex"
    text = " ".join(criterion.text.split())
    clipped = text if len(text) <= 90 else text[:89].rstrip() + "…"
    return f"confirm:{criterion.id}", f"confirm: {clipped}"


def todo_actions(result: PatientResult, as_of: dt.date) -> tuple[TodoAction, ...]:
    """The patient's open criteria as actions, the one that settles most first (ties by
    action). An ineligible patient has none: nothing to order settles a failure. Open: an
    unknown, or a manual item the reader could not read or that decides a cohort
    (outcome.needs_checking); consent and the other screening-day checks are every
    patient's and not listed."""
    if result.status is PatientStatus.INELIGIBLE:
        return ()
    groups: dict[str, list[CriterionResult]] = {}
    actions: dict[str, str] = {}
    for r in _decisive(result):
        outcome = result_outcome(r)
        if outcome is Outcome.UNKNOWN or (outcome is Outcome.TO_CHECK and needs_checking(r)):
            key, action = _action(r)
            groups.setdefault(key, []).append(r)
            if key not in actions or "repeat" in action:
                actions[key] = action  # one stale member makes the panel a repeat
    out = []
    for key, members in groups.items():
        weight = sum(2 if r.criterion.type == "inclusion" and r.criterion.kind in DISEASE_KINDS
                     else 1 for r in members)
        out.append(TodoAction(actions[key], tuple(r.criterion.id for r in members), weight,
                              _last_seen(members, as_of)))
    return tuple(sorted(out, key=lambda a: (-a.weight, a.action)))


def _last_seen(members: list[CriterionResult], as_of: dt.date) -> str:
    """"last ALC 1.5 x10^9/L, WBC 4.4 x10^9/L on 1 Mar, 264 days ago", one clause per date
    (most recent first); "" when nothing was seen."""
    by_date: dict[dt.date, list[str]] = {}
    for r in members:
        seen = r.last_seen
        if seen is not None:
            name = SHORT_NAMES.get(seen.concept, subject(r))
            value = seen.value if seen.value.startswith(name) else f"{name} {seen.value}"
            by_date.setdefault(seen.date, []).append(value)
    clauses = [f"{', '.join(dict.fromkeys(values))} on {_age(day, as_of)}"
               for day, values in sorted(by_date.items(), reverse=True)]
    return "last " + "; ".join(clauses) if clauses else ""
