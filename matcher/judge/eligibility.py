"""The eligibility model: how likely a patient is to pass screening, from the criterion table.

The engine's status answers "what do the notes show?"; among many `possible` patients the
referrer's question is "how likely is this one to be eligible once everything is checked?".
This module turns one patient's evaluated criteria (and how much, and how recent, the
notes are) into a calibrated probability.

- **Features are trial-agnostic**: counts and fractions of states, by criterion *kind*
  (age, diagnosis, biopsy, score, lab, ...), never by a trial's criterion ids, so the
  model applies to trials it was not trained on.
- **Labels**: a patient whose notes decide the trial (eligible or ineligible on the full
  notes, or a gold label, or a site's screening outcome) has a known answer. Several
  random *masked views* hide 20-70% of that patient's notes; each view is re-evaluated
  and labelled with the known answer, so the model learns what a partial view says
  about the full one.
- **Model**: standardised features, L2 logistic regression, and Platt (sigmoid)
  calibration fitted on out-of-fold scores (scikit-learn's CalibratedClassifierCV with
  ensemble=False, folds grouped by patient). Metrics are cross-validated by patient.
- **Stored as JSON** (`model.json`: feature names, scaling, coefficients, intercept,
  calibration a/b): loading reads numbers and computes a dot product; nothing is
  unpickled or executed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.errors import ModelError
from matcher.judge.ranking import is_disease_criterion, judge_patient, relevance
from matcher.judge.validity import plain
from matcher.model import (
    Finding,
    NoteDates,
    Patient,
    PatientResult,
    PatientStatus,
    Status,
    Trial,
    UnknownCause,
)
from matcher.nlp.vocab import Vocabulary

MODEL_FORMAT = "matcher-eligibility-logreg"
FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "eligibility-v1"
MODEL_FILE = "model.json"
ENV_MODEL = "MATCHER_ELIGIBILITY_MODEL"

# Criterion kinds the features are aggregated by; any other kind (venous access,
# haemodynamics, consent, free-text manual items) counts as "other".
KINDS = (
    "age",
    "sex",
    "diagnosis",
    "biopsy",
    "score",
    "refractory",
    "drug_exposure",
    "lab",
    "cd19",
    "ana",
    "other",
)
_MAX_YEARS = 10.0  # ages of evidence beyond this are clipped


# ------------------------------------------------------------------ features
def feature_names() -> tuple[str, ...]:
    names = [
        "status_eligible",
        "status_possible",
        "fail",
        "inc_met_frac",
        "inc_unknown_frac",
        "inc_manual_frac",
        "inc_unknown_n",
        "exc_unknown_n",
        "unknown_absent_n",
        "unknown_documented_n",
        "disease_all_met",
        "disease_unknown_n",
        "evidence_newest_years",
        "evidence_oldest_years",
        "no_evidence",
        "notes_log",
        "note_span_years",
        "note_newest_years",
    ]
    for kind in KINDS:
        names += [f"inc_met:{kind}", f"inc_unknown:{kind}", f"exc_unknown:{kind}"]
    return tuple(names)


def _kind(kind: str) -> str:
    return kind if kind in KINDS else "other"


def _years(days: int) -> float:
    return min(max(days, 0) / 365.0, _MAX_YEARS)


def features(
    result: PatientResult,
    findings: Iterable[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> dict[str, float]:
    """The model's inputs for one evaluated patient (every name in feature_names())."""
    values, anchors = steady_features(result, findings, note_dates, as_of)
    return aged_features(values, anchors, as_of)


# The inputs that grow a little every day: how old the newest and oldest evidence and the
# newest note are at the as-of (evidence of 2026-11-01 is 0.1 year old on 2026-12-07).
AGED_FEATURES = ("evidence_newest_years", "evidence_oldest_years", "note_newest_years")


def aged_features(values: Mapping[str, float], anchors: Sequence[dt.date | None],
                  as_of: dt.date) -> dict[str, float]:
    """`values` (steady_features) with the AGED_FEATURES at `as_of` from their `anchors`
    (newest evidence, oldest evidence, newest note; None: none, the value stays as set):
    what an incremental night recomputes for a carried-forward result."""
    out = dict(values)
    as_of = plain(as_of)
    for name, anchor in zip(AGED_FEATURES, anchors, strict=True):
        if anchor is not None:
            out[name] = _years((as_of - anchor).days)
    return out


def aged_columns(matrix: Any, anchor_days: Any, as_of: dt.date) -> None:
    """aged_features of many rows at once, in place: `matrix` (float64, a column per name of
    feature_names(), each row a steady_features) gets, for each of the AGED_FEATURES whose
    anchor is known, its age at `as_of`; `anchor_days` holds the anchors as proleptic
    ordinals (date.toordinal(); 0: none, the value stays as set), a column per
    AGED_FEATURES. The same IEEE operations as _years on each value (a whole number of days
    made a float exactly, divided by 365.0, clipped), so every value equals aged_features'
    bit for bit."""
    import numpy as np

    names = feature_names()
    today = plain(as_of).toordinal()
    for j, name in enumerate(AGED_FEATURES):
        anchors = anchor_days[:, j]
        known = anchors != 0
        years = np.minimum(np.maximum(today - anchors, 0.0) / 365.0, _MAX_YEARS)
        matrix[known, names.index(name)] = years[known]


def steady_features(
    result: PatientResult,
    findings: Iterable[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> tuple[dict[str, float], tuple[dt.date | None, dt.date | None, dt.date | None]]:
    """The model's inputs but the AGED_FEATURES, and the dates those are ages of. `as_of`
    only decides which evidence and notes count (those written by then): a change the
    as-of's Validity notes (matcher.judge.validity)."""
    values = dict.fromkeys(feature_names(), 0.0)
    status = result.status
    values["status_eligible"] = float(status is PatientStatus.ELIGIBLE)
    values["status_possible"] = float(status is PatientStatus.POSSIBLE)
    inclusions = [r for r in result.results if r.criterion.type == "inclusion"]
    exclusions = [r for r in result.results if r.criterion.type != "inclusion"]
    fail = any(r.status is Status.NOT_MET for r in inclusions) or any(
        r.status is Status.MET for r in exclusions
    )
    values["fail"] = float(fail)
    if inclusions:
        states = Counter(r.status for r in inclusions)
        values["inc_met_frac"] = states[Status.MET] / len(inclusions)
        values["inc_unknown_frac"] = states[Status.UNKNOWN] / len(inclusions)
        values["inc_manual_frac"] = states[Status.MANUAL] / len(inclusions)
    for item in result.results:
        kind = _kind(item.criterion.kind)
        inclusion = item.criterion.type == "inclusion"
        if item.status is Status.UNKNOWN:
            values["inc_unknown_n" if inclusion else "exc_unknown_n"] += 1
            values[f"{'inc' if inclusion else 'exc'}_unknown:{kind}"] += 1
            # The typed cause, never the reason's words: rewording a reason must not move
            # a trained model's inputs.
            absent = item.unknown_cause is UnknownCause.ABSENT
            values["unknown_absent_n" if absent else "unknown_documented_n"] += 1
        elif item.status is Status.MET and inclusion:
            values[f"inc_met:{kind}"] += 1
    disease = [r for r in result.results if is_disease_criterion(r)]
    all_met = bool(disease) and all(r.status is Status.MET for r in disease)
    values["disease_all_met"] = float(all_met)
    values["disease_unknown_n"] = float(sum(r.status is Status.UNKNOWN for r in disease))

    evidence_dates = [e.note_date for r in result.results for e in r.evidence if e.note_date]
    evidence_dates = [d for d in evidence_dates if d <= as_of]
    anchors: list[dt.date | None] = [None, None, None]
    if evidence_dates:
        anchors[0], anchors[1] = max(evidence_dates), min(evidence_dates)
    else:
        values["no_evidence"] = 1.0
        values["evidence_newest_years"] = values["evidence_oldest_years"] = _MAX_YEARS
    dates = {}
    for finding in findings:
        written = note_dates.get(finding.note_id)
        if written is not None and written <= as_of:
            dates[finding.note_id] = written
    values["notes_log"] = math.log1p(len(dates))
    if dates:
        values["note_span_years"] = _years((max(dates.values()) - min(dates.values())).days)
        anchors[2] = max(dates.values())
    else:
        values["note_newest_years"] = _MAX_YEARS
    return values, (anchors[0], anchors[1], anchors[2])


# --------------------------------------------------------------------- model
def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class EligibilityModel:
    """Standardised logistic regression with Platt calibration, as plain numbers.

    p = 1 / (1 + exp(a * s + b)) with s = intercept + sum(coef_i * (x_i - mean_i) / scale_i).
    """

    name: str
    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    calibration_a: float
    calibration_b: float
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def decision(self, values: Mapping[str, float]) -> float:
        """The uncalibrated score (log-odds of the logistic regression)."""
        total = self.intercept
        for name, mean, scale, coef in zip(
            self.feature_names, self.mean, self.scale, self.coef, strict=True
        ):
            total += coef * (float(values[name]) - mean) / scale
        return total

    def calibrate(self, decision: float) -> float:
        return _sigmoid(-(self.calibration_a * decision + self.calibration_b))

    def predict(self, values: Mapping[str, float]) -> float:
        return self.calibrate(self.decision(values))

    def predict_many(self, rows: Sequence[Mapping[str, float]]) -> list[float]:
        """`predict` of each row, bit for bit, at numpy's speed (predict_matrix)."""
        import numpy as np

        return self.predict_matrix(np.array(
            [[float(row[name]) for name in self.feature_names] for row in rows],
            dtype=np.float64).reshape(len(rows), len(self.feature_names)))

    def predict_matrix(self, matrix: Any) -> list[float]:
        """`predict` of each row of `matrix` (a float64 numpy array, a column per name of
        feature_names, in order), bit for bit: an incremental night recomputes P(eligible)
        for 200,000 carried results at once. The sum is taken feature by feature in
        `decision`'s order, each step the same IEEE operations as there, so no
        reassociation can move the last bit; the calibration stays math.exp's."""
        import numpy as np

        total = np.full(matrix.shape[0], self.intercept, dtype=np.float64)
        for column, (mean, scale, coef) in enumerate(
                zip(self.mean, self.scale, self.coef, strict=True)):
            total = total + coef * (matrix[:, column] - mean) / scale
        return [self.calibrate(float(decision)) for decision in total]

    def predict_result(
        self,
        result: PatientResult,
        findings: Iterable[Finding],
        note_dates: Mapping[str, dt.date],
        as_of: dt.date,
    ) -> float:
        return self.predict(features(result, findings, note_dates, as_of))

    # ------------------------------------------------------------- storage
    def _params(self) -> dict[str, Any]:
        return {
            "features": list(self.feature_names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "calibration": {"method": "sigmoid", "a": self.calibration_a,
                            "b": self.calibration_b},
        }

    @property
    def digest(self) -> str:
        canonical = json.dumps(self._params(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    @property
    def version(self) -> str:
        """Recorded with results: the artifact's name and a hash of its numbers."""
        return f"{self.name}+{self.digest}"

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "digest": self.digest,
            **self._params(),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: Any, source: str = "model.json") -> EligibilityModel:
        def bad(field_name: str, received: Any, expected: str) -> ModelError:
            return ModelError("not a usable eligibility model", file=source, field=field_name,
                              received=received, expected=expected)

        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise bad("format", got, MODEL_FORMAT)
        if data.get("format_version") != FORMAT_VERSION:
            raise bad("format_version", data.get("format_version"), str(FORMAT_VERSION))
        names = data.get("features")
        known = set(feature_names())
        if not isinstance(names, list) or not names or not all(n in known for n in names):
            unknown = [n for n in names if n not in known] if isinstance(names, list) else names
            raise bad("features", unknown, "names this version of matcher computes")

        def numbers(key: str) -> tuple[float, ...]:
            row = data.get(key)
            if not isinstance(row, list) or len(row) != len(names):
                raise bad(key, None if row is None else len(row) if isinstance(row, list) else row,
                          f"a list of {len(names)} numbers")
            return tuple(_finite(v, key, bad) for v in row)

        calibration = data.get("calibration") or {}
        if calibration.get("method") != "sigmoid":
            raise bad("calibration.method", calibration.get("method"), "sigmoid")
        scale = numbers("scale")
        if any(s <= 0 for s in scale):
            raise bad("scale", min(scale), "positive numbers")
        model = cls(
            name=str(data.get("name") or DEFAULT_MODEL_NAME),
            feature_names=tuple(names),
            mean=numbers("mean"),
            scale=scale,
            coef=numbers("coef"),
            intercept=_finite(data.get("intercept"), "intercept", bad),
            calibration_a=_finite(calibration.get("a"), "calibration.a", bad),
            calibration_b=_finite(calibration.get("b"), "calibration.b", bad),
            meta=dict(data.get("meta") or {}),
        )
        if data.get("digest") not in (None, model.digest):
            raise bad("digest", data.get("digest"), f"{model.digest} (the file was edited)")
        return model

    def save(self, directory: str | Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=False) + "\n",
                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> EligibilityModel:
        """Read model.json (or a directory holding it). Plain JSON: no code runs."""
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ModelError("eligibility model not found", file=str(path),
                             expected=f"a directory with {MODEL_FILE} (matcher train)") from exc
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"cannot read the eligibility model ({exc})",
                             file=str(path)) from exc
        return cls.from_json(data, str(path))


def _finite(value: Any, key: str, bad: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad(key, value, "a finite number")
    return float(value)


def default_model_path() -> Path:
    """$MATCHER_ELIGIBILITY_MODEL, else models/eligibility-v1 (models/ as for the pipeline:
    $MATCHER_MODELS or the repository's)."""
    configured = os.environ.get(ENV_MODEL)
    if configured:
        return Path(configured)
    from matcher.nlp.locations import models_dir

    return models_dir() / DEFAULT_MODEL_NAME


def load_default() -> EligibilityModel | None:
    """The default model, or None when there is none (an explicitly configured path that
    is missing, or any unreadable file, is an error)."""
    path = default_model_path()
    if not os.environ.get(ENV_MODEL) and not (path / MODEL_FILE).exists():
        return None
    return EligibilityModel.load(path)


def probabilities(
    model: EligibilityModel,
    results: Iterable[PatientResult],
    findings_by_patient: Mapping[str, Sequence[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> dict[str, float]:
    return {
        r.patient_id: model.predict_result(
            r, findings_by_patient.get(r.patient_id, ()), note_dates, as_of
        )
        for r in results
    }


# ------------------------------------------------------------------ metrics
def brier(probs: Sequence[float], labels: Sequence[int]) -> float:
    return sum((p - y) ** 2 for p, y in zip(probs, labels, strict=True)) / max(1, len(labels))


def reliability(
    probs: Sequence[float], labels: Sequence[int], bins: int = 10
) -> list[dict[str, Any]]:
    """Per probability bin: how many, the mean predicted probability, the observed rate."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [
            (p, y) for p, y in zip(probs, labels, strict=True)
            if lo <= p < hi or (b == bins - 1 and p == 1.0)
        ]
        if inside:
            rows.append({
                "bin": f"{lo:.1f}-{hi:.1f}",
                "n": len(inside),
                "mean_p": round(sum(p for p, _ in inside) / len(inside), 4),
                "observed": round(sum(y for _, y in inside) / len(inside), 4),
            })
    return rows


def format_reliability(rows: Sequence[Mapping[str, Any]], indent: str = "    ") -> list[str]:
    lines = [f"{indent}{'p bin':<9} {'n':>6} {'mean p':>7} {'observed':>8}"]
    for row in rows:
        lines.append(
            f"{indent}{row['bin']:<9} {row['n']:>6} {row['mean_p']:>7.3f} {row['observed']:>8.3f}"
        )
    return lines


# ----------------------------------------------------------------- training
LABELS = {"eligible": 1, "enrolled": 1, "ineligible": 0, "not_suitable": 0}


@dataclass(frozen=True)
class Case:
    """One patient for one trial, with a known answer or none (label None)."""

    trial: Trial
    trial_id: str
    patient: Patient
    findings: tuple[Finding, ...]
    note_ids: tuple[str, ...]  # the patient's notes written on or before as_of
    as_of: dt.date
    label: int | None = None  # None: the engine's full-view status decides, if it can
    label_source: str = "engine"
    gold_relevance: float | None = None


@dataclass(frozen=True)
class Example:
    trial_id: str
    patient_id: str
    view: int  # 0: every note; 1..: a masked view
    kept_notes: int
    total_notes: int
    status: str
    values: tuple[float, ...]
    label: int


@dataclass
class TrainingSet:
    examples: list[Example]
    # Every case's full view (labelled or not), for ranking metrics.
    full: list[tuple[Case, PatientResult, tuple[float, ...]]]
    label_sources: Counter = field(default_factory=Counter)
    gold_disagreements: int = 0
    undecided: int = 0


def _view_result(case: Case, findings: Sequence[Finding], note_dates: Mapping[str, dt.date],
                 vocabulary: Vocabulary | None) -> PatientResult:  # fmt: skip
    return judge_patient(case.trial, case.patient, findings, note_dates, case.as_of, vocabulary)


def build_training_set(
    cases: Iterable[Case],
    note_dates: Mapping[str, dt.date],
    views: int = 8,
    seed: int = 0,
    mask: tuple[float, float] = (0.2, 0.7),
    vocabulary: Vocabulary | None = None,
) -> TrainingSet:
    """Full and masked views of every case, labelled with the case's known answer, judged
    with `vocabulary` (the run's; the packaged one by default)."""
    names = feature_names()
    out = TrainingSet(examples=[], full=[])
    for case in cases:
        # Each view's notes are the notes it keeps, every one of them (NoteDates): a note
        # dropped from a view is not a note written in its lookback either.
        own = {n: note_dates[n] for n in case.note_ids if n in note_dates}
        full = _view_result(case, case.findings,
                            NoteDates.of_patient_notes(case.patient.patient_id, own), vocabulary)
        full_values = features(full, case.findings, note_dates, case.as_of)
        full_vector = tuple(full_values[n] for n in names)
        out.full.append((case, full, full_vector))
        engine_label = LABELS.get(str(full.status))
        label = case.label if case.label is not None else engine_label
        if case.label is not None and engine_label is not None and case.label != engine_label:
            out.gold_disagreements += 1
        if label is None:
            out.undecided += 1
            continue
        out.label_sources[case.label_source if case.label is not None else "engine"] += 1
        out.examples.append(
            Example(case.trial_id, case.patient.patient_id, 0, len(case.note_ids),
                    len(case.note_ids), str(full.status), full_vector, label)
        )
        pool = sorted(case.note_ids)
        if len(pool) < 2:
            continue
        seen: set[frozenset[str]] = set()
        for view in range(1, views + 1):
            rng = random.Random(f"{seed}:{case.trial_id}:{case.patient.patient_id}:{view}")
            fraction = rng.uniform(*mask)
            drop = min(len(pool) - 1, max(1, round(fraction * len(pool))))
            kept = frozenset(rng.sample(pool, len(pool) - drop))
            if kept in seen:
                continue
            seen.add(kept)
            masked = [f for f in case.findings if f.note_id in kept]
            result = _view_result(case, masked, NoteDates.of_patient_notes(
                case.patient.patient_id, {n: own[n] for n in kept if n in own}), vocabulary)
            values = features(result, masked, note_dates, case.as_of)
            out.examples.append(
                Example(case.trial_id, case.patient.patient_id, view, len(kept), len(pool),
                        str(result.status), tuple(values[n] for n in names), label)
            )
    return out


def patient_folds(patient_ids: Iterable[str], folds: int, seed: int) -> dict[str, int]:
    """Every patient in one fold (all its trials and views together), seeded."""
    ids = sorted(set(patient_ids))
    random.Random(f"folds:{seed}").shuffle(ids)
    return {pid: i % folds for i, pid in enumerate(ids)}


def _splits(groups: Sequence[str], labels: Sequence[int], folds: int, seed: int) -> list:
    """Grouped folds whose training parts hold both classes (fewer folds if need be)."""
    import numpy as np

    y = np.asarray(labels)
    for k in range(min(folds, len(set(groups))), 1, -1):
        fold_of = patient_folds(groups, k, seed)
        assignment = np.asarray([fold_of[g] for g in groups])
        splits = [
            (np.flatnonzero(assignment != f), np.flatnonzero(assignment == f)) for f in range(k)
        ]
        if all(len(set(y[train])) == 2 and len(test) for train, test in splits):
            return splits
    raise ModelError(
        "too few labelled patients to cross-validate",
        expected="eligible and not-eligible patients in more than one fold",
    )


def fit_sklearn(
    examples: Sequence[Example], folds: int = 5, seed: int = 0, c: float = 1.0
) -> tuple[Any, Any, Any]:
    """The scikit-learn fit behind fit(): (CalibratedClassifierCV, mean, scale)."""
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([e.values for e in examples], dtype=float)
    y = np.asarray([e.label for e in examples], dtype=int)
    if len(set(y.tolist())) < 2:
        raise ModelError("every training label is the same",
                         received=int(y[0]) if len(y) else None,
                         expected="both eligible and not-eligible patients")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    splits = _splits([e.patient_id for e in examples], y.tolist(), folds, seed)
    calibrated = CalibratedClassifierCV(
        LogisticRegression(C=c, max_iter=5000),
        method="sigmoid",
        cv=splits,
        ensemble=False,
    ).fit((x - mean) / scale, y)
    return calibrated, mean, scale


def fit(
    examples: Sequence[Example],
    name: str = DEFAULT_MODEL_NAME,
    folds: int = 5,
    seed: int = 0,
    c: float = 1.0,
    meta: dict[str, Any] | None = None,
) -> EligibilityModel:
    """Logistic regression on standardised features; Platt scaling fitted on its
    out-of-fold scores (folds grouped by patient); the regression refitted on all data.
    Reduced to plain numbers."""
    calibrated, mean, scale = fit_sklearn(examples, folds, seed, c)
    inner = calibrated.calibrated_classifiers_[0]
    regression = inner.estimator
    sigmoid = inner.calibrators[0]
    return EligibilityModel(
        name=name,
        feature_names=feature_names(),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
        calibration_a=float(sigmoid.a_),
        calibration_b=float(sigmoid.b_),
        meta=dict(meta or {}),
    )


def predict_vector(model: EligibilityModel, vector: Sequence[float]) -> float:
    return model.predict(dict(zip(feature_names(), vector, strict=True)))


def _metrics(probs: Sequence[float], labels: Sequence[int]) -> dict[str, Any]:
    from sklearn.metrics import log_loss, roc_auc_score

    if not labels:
        return {"n": 0}
    positives = sum(labels)
    out: dict[str, Any] = {
        "n": len(labels),
        "eligible_rate": round(positives / len(labels), 4),
        "brier": round(brier(probs, labels), 4),
        "log_loss": round(float(log_loss(labels, probs, labels=[0, 1])), 4),
        "auc": round(float(roc_auc_score(labels, probs)), 4)
        if 0 < positives < len(labels) else None,
    }
    prior = positives / len(labels)
    out["brier_prior"] = round(brier([prior] * len(labels), labels), 4)
    return out


def cross_validate(
    data: TrainingSet, folds: int = 5, seed: int = 0, c: float = 1.0
) -> dict[str, Any]:
    """Out-of-fold probabilities (outer folds grouped by patient, each fold's model
    calibrated by its own inner folds) and the metrics computed on them."""
    from matcher.judge.ranking import ndcg, rank

    examples = data.examples
    patients = {e.patient_id for e in examples} | {c_.patient.patient_id for c_, _, _ in data.full}
    k = min(folds, len({e.patient_id for e in examples}))
    fold_of = patient_folds(patients, k, seed + 1)
    models = []
    for f in range(k):
        train = [e for e in examples if fold_of[e.patient_id] != f]
        models.append(fit(train, folds=folds, seed=seed, c=c))
    probs = [predict_vector(models[fold_of[e.patient_id]], e.values) for e in examples]
    labels = [e.label for e in examples]

    def subset(keep: Any) -> dict[str, Any]:
        chosen = [i for i, e in enumerate(examples) if keep(e)]
        return _metrics([probs[i] for i in chosen], [labels[i] for i in chosen])

    report: dict[str, Any] = {
        "folds": k,
        "all_views": _metrics(probs, labels),
        "full_views": subset(lambda e: e.view == 0),
        "masked_views": subset(lambda e: e.view > 0),
        "possible_views": subset(lambda e: e.status == "possible"),
        "reliability": reliability(probs, labels),
        "reliability_possible": reliability(
            [p for p, e in zip(probs, examples, strict=True) if e.status == "possible"],
            [e.label for e in examples if e.status == "possible"],
        ),
    }
    # Ranking each trial's full views with out-of-fold probabilities, against no model.
    ranking: dict[str, Any] = {}
    by_trial: dict[str, list] = {}
    for case, result, vector in data.full:
        by_trial.setdefault(case.trial_id, []).append((case, result, vector))
    for trial_id, rows in by_trial.items():
        results = [r for _, r, _ in rows]
        gains = {
            case.patient.patient_id: case.gold_relevance
            if case.gold_relevance is not None else float(relevance(r.status, r.results, r.cohorts))
            for case, r, _ in rows
        }
        p = {
            case.patient.patient_id: predict_vector(models[fold_of[case.patient.patient_id]], v)
            for case, _, v in rows
        }
        without = [gains[r.patient_id] for r in rank(results)]
        with_model = [gains[r.patient_id] for r in rank(results, p_eligible=p)]
        ranking[trial_id] = {
            "patients": len(rows),
            "ndcg@10_without": round(ndcg(without, 10), 4),
            "ndcg@10_with": round(ndcg(with_model, 10), 4),
            "ndcg_without": round(ndcg(without), 4),
            "ndcg_with": round(ndcg(with_model), 4),
        }
    report["ranking"] = ranking
    return report


def coefficient_table(model: EligibilityModel) -> list[tuple[str, float]]:
    """Per feature, its weight on the standardised scale, largest magnitude first."""
    rows = list(zip(model.feature_names, model.coef, strict=True))
    return sorted(rows, key=lambda r: (-abs(r[1]), r[0]))
