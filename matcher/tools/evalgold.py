"""`matcher eval`: measure the engine against gold per-criterion labels.

Gold rows: {"trial", "patient_id", "status", "relevance", "criteria": {key: status}}.
Criteria are lined up with gold keys by their semantic key first, then by
registry order (gold keys follow the registry's order, inclusion then exclusion).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.api import match_findings_with_p
from matcher.errors import InputRowError
from matcher.judge.eligibility import (
    LABELS,
    EligibilityModel,
    brier,
    format_reliability,
    reliability,
)
from matcher.judge.ranking import ndcg, rank
from matcher.model import Criterion, Finding, Patient, PatientResult, Trial


@dataclass
class EvalReport:
    trial_id: str
    as_of: dt.date
    patients: int = 0
    criterion_total: int = 0
    criterion_correct: int = 0
    per_criterion: dict[str, Counter] = field(default_factory=dict)
    confusions: dict[str, Counter] = field(default_factory=dict)
    status_correct: int = 0
    ineligible_called_eligible: list[str] = field(default_factory=list)
    ndcg10: float = 0.0
    ndcg_all: float = 0.0
    evidence_total: int = 0
    evidence_exact: int = 0
    unmatched_gold_keys: list[str] = field(default_factory=list)
    status_confusion: Counter = field(default_factory=Counter)
    errors: list[dict[str, str]] = field(default_factory=list)
    # With an eligibility model: the ranking it gives, and its probabilities scored
    # against the gold statuses that are decided (eligible 1, ineligible 0).
    model_version: str | None = None
    model_trained_on_trial: bool = False
    model_ndcg10: float | None = None
    model_ndcg_all: float | None = None
    brier: float | None = None
    brier_patients: int = 0
    reliability: list[dict[str, Any]] = field(default_factory=list)

    @property
    def criterion_accuracy(self) -> float:
        return self.criterion_correct / self.criterion_total if self.criterion_total else 0.0

    @property
    def status_accuracy(self) -> float:
        return self.status_correct / self.patients if self.patients else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "trial": self.trial_id,
            "as_of": self.as_of.isoformat(),
            "patients": self.patients,
            "criterion_accuracy": round(self.criterion_accuracy, 4),
            "criterion_total": self.criterion_total,
            "per_criterion": {
                k: round(c["correct"] / c["total"], 4) if c["total"] else None
                for k, c in self.per_criterion.items()
            },
            "confusions": {k: dict(v) for k, v in self.confusions.items() if v},
            "status_accuracy": round(self.status_accuracy, 4),
            "status_confusion": {f"{g}->{p}": n for (g, p), n in self.status_confusion.items()},
            "gold_ineligible_called_eligible": self.ineligible_called_eligible,
            "ndcg@10": round(self.ndcg10, 4),
            "ndcg": round(self.ndcg_all, 4),
            "evidence_spans": self.evidence_total,
            "evidence_exact": self.evidence_exact,
            "unmatched_gold_keys": self.unmatched_gold_keys,
            **self._model_json(),
        }

    def _model_json(self) -> dict[str, Any]:
        if self.model_version is None:
            return {}
        return {
            "eligibility_model": self.model_version,
            "ndcg@10_without_model": round(self.ndcg10, 4),
            "ndcg_without_model": round(self.ndcg_all, 4),
            "ndcg@10_with_model": round(self.model_ndcg10 or 0.0, 4),
            "ndcg_with_model": round(self.model_ndcg_all or 0.0, 4),
            "brier": None if self.brier is None else round(self.brier, 4),
            "brier_patients": self.brier_patients,
            "model_trained_on_this_trial": self.model_trained_on_trial,
            "reliability": self.reliability,
        }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputRowError(
                    f"invalid JSON ({exc.msg})", file=str(path), line=number
                ) from exc
    return rows


def align_keys(criteria: Sequence[Criterion], gold_keys: Sequence[str]) -> dict[str, Criterion]:
    """Gold key -> criterion: equal semantic keys first; then a gold key that is the
    start of exactly one criterion's key or of one of its words, or the other way round
    ("x_preg" and "x_pregnancy", "x_inf" and "x_hosp_inf"), or of a word of its concept
    ("x_malig" and dx.malignancy read as "x_cancer"); then registry order.

    Registry order is kept as order, not as a queue: a gold key left over takes the first
    free criterion of its type after the criterion of the gold key before it. The reader
    may split one registry item into two criteria ("solid organ or haematopoietic stem
    cell transplantation" gives x_tx and x_hsct); a plain queue then handed every later
    gold key the criterion of the item before its own (x_liver met x_hsct)."""
    mapping: dict[str, Criterion] = {}
    used: set[str] = set()
    by_key = {}
    for criterion in criteria:
        by_key.setdefault(criterion.key, criterion)
    for key in gold_keys:
        if key in by_key and by_key[key].id not in used:
            mapping[key] = by_key[key]
            used.add(by_key[key].id)
    for key in gold_keys:
        if key in mapping:
            continue
        free = [c for c in criteria if c.id not in used and _same_type(c, key)]
        # A key's own name first: a concept's name only where no key answers to it, and
        # the words of the item's text only where neither does ("x_investigator" and "in
        # the opinion of the investigator").
        starts = ([c for c in free if _one_starts_the_other(c.key, key)]
                  or [c for c in free if _names_its_concept(c, key)]
                  or [c for c in free if _in_its_text(c, key)])  # fmt: skip
        if len({_NUMBERED.sub("", c.key) for c in starts}) == 1:
            # "Pregnant or breastfeeding" read as x_pregnancy and x_pregnancy_2: the gold
            # key of the item is its first criterion's.
            mapping[key] = starts[0]
            used.add(starts[0].id)
    position = {criterion.id: index for index, criterion in enumerate(criteria)}
    after = -1
    for key in gold_keys:
        if key in mapping:
            after = position[mapping[key].id]
            continue
        free = [c for c in criteria if c.id not in used and _same_type(c, key)]
        later = [c for c in free if position[c.id] > after]
        chosen = (later or free or [None])[0]
        if chosen is not None:
            mapping[key] = chosen
            used.add(chosen.id)
            after = position[chosen.id]
    return mapping


def _split_alternatives(criteria: Sequence[Criterion]) -> dict[str, list[Criterion]]:
    """Exclusion id -> the criteria the reader split off the same item after it, as
    alternatives ("Pregnant or breastfeeding": x_pregnancy, then x_pregnancy_2, both traced
    "compound:any-of"). A gold key labels the item, which is met when any part is."""
    found: dict[str, list[Criterion]] = {}
    for index, first in enumerate(criteria):
        if first.type != "exclusion" or "compound:any-of" not in first.trace:
            continue
        if _NUMBERED.search(first.key):
            continue
        parts = []
        for later in criteria[index + 1 :]:
            if ("compound:any-of" not in later.trace or later.type != "exclusion"
                    or _NUMBERED.sub("", later.key) != first.key
                    or not _NUMBERED.search(later.key)):  # fmt: skip
                break
            parts.append(later)
        if parts:
            found[first.id] = parts
    return found


def _same_type(criterion: Criterion, gold_key: str) -> bool:
    """Gold keys of exclusions start with "x_"; every other key is an inclusion's."""
    return (criterion.type == "exclusion") == gold_key.startswith("x_")


def _one_starts_the_other(criterion_key: str, gold_key: str) -> bool:
    """ "x_preg" starts "x_pregnancy", "x_inf" is a word of "x_hosp_inf": the same name cut
    short, or one word of a longer name. At least three letters must be shared, so "x_a"
    names nothing."""
    ours, theirs = criterion_key.removeprefix("x_"), gold_key.removeprefix("x_")
    if ours == theirs or min(len(ours), len(theirs)) < 3:
        return False
    if ours.startswith(theirs) or theirs.startswith(ours):
        return True
    return any(word.startswith(theirs) for word in ours.split("_")[1:]) or any(
        word.startswith(ours) for word in theirs.split("_")[1:]
    )


# The number the reader adds to a key it has already given in the trial: "x_pregnancy_2".
_NUMBERED = re.compile(r"_\d+$")


def _in_its_text(criterion: Criterion, gold_key: str) -> bool:
    """Every word of the gold key (of six letters or more) starts a word of the item's
    text: "x_investigator" and "in the opinion of the investigator"."""
    words = [w for w in gold_key.removeprefix("x_").split("_") if len(w) >= 6]
    if not words:
        return False
    text = re.findall(r"[a-z]+", criterion.text.lower())
    return all(any(t.startswith(w) for t in text) for w in words)


def _names_its_concept(criterion: Criterion, gold_key: str) -> bool:
    """ "x_malig" names the criterion read as dx.malignancy whatever key the reader gave it
    ("x_cancer"): the gold key starts a word of one of its concepts' names. At least three
    letters, as for keys."""
    theirs = gold_key.removeprefix("x_")
    if len(theirs) < 3:
        return False
    concepts = criterion.params.get("concepts") or []
    words = [w for c in concepts if isinstance(c, str) for w in c.split(".")[-1].split("_")]
    return any(word.startswith(theirs) for word in words)


def evaluate_gold(
    trial: Trial,
    gold_rows: list[dict[str, Any]],
    patients: Sequence[Patient],
    findings_by_patient: dict[str, list[Finding]],
    note_dates: dict[str, dt.date],
    note_texts: dict[str, str],
    as_of: dt.date,
    trial_id: str | None = None,
    model: EligibilityModel | None = None,
) -> tuple[EvalReport, list[PatientResult]]:
    """The report, and the ranking (with the model's order when a model is given; the
    NDCG without it is reported as well)."""
    wanted_id = trial_id or trial.trial_id
    gold = {row["patient_id"]: row for row in gold_rows if row.get("trial") == wanted_id}
    report = EvalReport(trial_id=wanted_id, as_of=as_of)
    scoped = [p for p in patients if p.patient_id in gold]
    ranked, p_eligible = match_findings_with_p(
        trial, scoped, findings_by_patient, note_dates, as_of, model
    )
    if model is not None:
        _score_model(report, model, ranked, p_eligible, gold)
        ranked_without = rank(list(ranked))
    else:
        ranked_without = ranked
    gold_keys: list[str] = []
    for row in gold.values():
        for key in row.get("criteria", {}):
            if key not in gold_keys:
                gold_keys.append(key)
    mapping = align_keys(trial.criteria, gold_keys)
    alternatives = _split_alternatives(trial.criteria)
    report.unmatched_gold_keys = [k for k in gold_keys if k not in mapping]
    for key in gold_keys:
        report.per_criterion[key] = Counter()
        report.confusions[key] = Counter()
    for result in ranked:
        row = gold[result.patient_id]
        report.patients += 1
        by_id = {r.criterion.id: r for r in result.results}
        for key, expected in row.get("criteria", {}).items():
            criterion = mapping.get(key)
            if criterion is not None:
                # "Pregnant or breastfeeding" read as x_pregnancy and x_pregnancy_2: the
                # item's exclusion is met when any of its parts is.
                met = [c for c in (criterion, *alternatives.get(criterion.id, ()))
                       if str(by_id[c.id].status) == "met"]
                criterion = met[0] if met else criterion
            got = str(by_id[criterion.id].status) if criterion else "missing"
            report.criterion_total += 1
            report.per_criterion[key]["total"] += 1
            if got == expected:
                report.criterion_correct += 1
                report.per_criterion[key]["correct"] += 1
            else:
                report.confusions[key][f"{expected}->{got}"] += 1
                report.errors.append(
                    {
                        "patient_id": result.patient_id,
                        "criterion": key,
                        "gold": expected,
                        "got": got,
                        "reason": by_id[criterion.id].reason if criterion else "",
                    }
                )
        if str(result.status) == row.get("status"):
            report.status_correct += 1
        report.status_confusion[(row.get("status"), str(result.status))] += 1
        if row.get("status") == "ineligible" and str(result.status) == "eligible":
            report.ineligible_called_eligible.append(result.patient_id)
        for item in result.results:
            for evidence in item.evidence:
                report.evidence_total += 1
                text = note_texts.get(evidence.note_id, "")
                if (
                    0 <= evidence.start < evidence.end <= len(text)
                    and text[evidence.start : evidence.end] == evidence.text
                ):
                    report.evidence_exact += 1
    gains = [float(gold[r.patient_id].get("relevance", 0)) for r in ranked_without]
    report.ndcg10 = ndcg(gains, 10)
    report.ndcg_all = ndcg(gains)
    return report, ranked


def _score_model(
    report: EvalReport,
    model: EligibilityModel,
    ranked: Sequence[PatientResult],
    p_eligible: dict[str, float],
    gold: dict[str, dict[str, Any]],
) -> None:
    report.model_version = model.version
    report.model_trained_on_trial = report.trial_id in model.meta.get("trials", [])
    gains = [float(gold[r.patient_id].get("relevance", 0)) for r in ranked]
    report.model_ndcg10 = ndcg(gains, 10)
    report.model_ndcg_all = ndcg(gains)
    probs, labels = [], []
    for result in ranked:
        label = LABELS.get(str(gold[result.patient_id].get("status")))
        if label is not None:
            probs.append(p_eligible[result.patient_id])
            labels.append(label)
    report.brier_patients = len(labels)
    report.brier = brier(probs, labels) if labels else None
    report.reliability = reliability(probs, labels, bins=5)


def format_report(report: EvalReport) -> str:
    lines = [
        f"trial {report.trial_id} as of {report.as_of}: {report.patients} patients",
        f"  per-criterion accuracy  {report.criterion_accuracy:.4f} "
        f"({report.criterion_correct}/{report.criterion_total})",
        f"  patient-status accuracy {report.status_accuracy:.4f} "
        f"({report.status_correct}/{report.patients})",
        f"  gold-ineligible called eligible: {len(report.ineligible_called_eligible)}"
        + (
            f" ({', '.join(report.ineligible_called_eligible)})"
            if report.ineligible_called_eligible
            else ""
        ),
        f"  NDCG@10 {report.ndcg10:.4f}   NDCG {report.ndcg_all:.4f}"
        + ("   (without the eligibility model)" if report.model_version else ""),
    ]
    if report.model_version:
        lines.append(
            f"  NDCG@10 {report.model_ndcg10:.4f}   NDCG {report.model_ndcg_all:.4f}"
            f"   (with the eligibility model {report.model_version})"
        )
        if report.brier is not None:
            lines.append(
                f"  Brier {report.brier:.4f} over {report.brier_patients} patients with a "
                "decided gold status (eligible 1, ineligible 0); reliability:"
            )
            lines += format_reliability(report.reliability)
            if report.model_trained_on_trial:
                lines.append(
                    "    (the model was trained on this trial: these are not held-out figures;"
                    " its MODEL_CARD.md has the cross-validated ones)"
                )
    lines += [
        f"  evidence spans exact {report.evidence_exact}/{report.evidence_total}",
        "  per criterion:",
    ]
    for key, counts in report.per_criterion.items():
        total = counts["total"]
        accuracy = counts["correct"] / total if total else 0.0
        confusion = ", ".join(f"{k} x{v}" for k, v in report.confusions[key].most_common())
        lines.append(f"    {key:<12} {accuracy:.3f}" + (f"   {confusion}" if confusion else ""))
    if report.unmatched_gold_keys:
        lines.append(f"  gold keys with no criterion: {', '.join(report.unmatched_gold_keys)}")
    return "\n".join(lines)

