"""`matcher train`: fit the eligibility model (matcher.judge.eligibility) and write its model card.

Labels, first that applies for a patient and trial: the web app's referral outcome
(`--referrals`: enrolled = eligible, not suitable = not), a row of `--gold` (`status`
eligible/ineligible or `outcome` enrolled/not_suitable), else the engine's status on the
patient's full notes when it is decided (eligible or ineligible). Patients left `possible`
have no known answer and are not training examples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from matcher.errors import ConfigurationError, InputRowError
from matcher.judge import eligibility as elig
from matcher.model import Finding, Patient, Trial


def _date(value: Any, source: str, line: int | None = None) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise InputRowError("not a date", file=source, line=line, field="as_of",
                            received=value, expected="YYYY-MM-DD") from exc


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _gold_name(named: set[str], trial: Trial, trial_file: Path) -> str | None:
    """The label file's name for this trial: the record's id, else the file's stem."""
    for candidate in (trial.trial_id, trial_file.stem, trial_file.stem.split(".")[0]):
        if candidate in named:
            return candidate
    return None


def read_label_rows(path: Path) -> list[dict[str, Any]]:
    from matcher.tools.evalgold import read_jsonl

    rows = read_jsonl(path)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or "patient_id" not in row or "trial" not in row:
            raise InputRowError("a label row needs trial and patient_id", file=str(path),
                                line=number, received=row if not isinstance(row, dict) else
                                sorted(row), expected='{"trial", "patient_id", "status"}')
    return rows


def referral_outcomes(db_path: str) -> list[dict[str, Any]]:
    """The referral workflow's final outcomes as label rows (Store.referral_outcomes)."""
    from matcher.store import Store

    with Store.open_existing(db_path) as store:
        return store.referral_outcomes()


def _load_notes(
    notes_files: Sequence[Path],
) -> tuple[list[Patient], dict[str, list[Finding]], dict[str, dt.date], dict[str, list[str]]]:
    """Parse note exports once: patients, findings by patient, note dates, note ids."""
    patients, findings, note_dates, note_ids, _version = _parse_notes(notes_files)
    return patients, findings, note_dates, note_ids


def _parse_notes(notes_files: Sequence[Path]) -> tuple[Any, ...]:
    from matcher import api

    parsed = api.parse_note_files(
        notes_files,
        on_reject=lambda file, line, reason: click.echo(f"rejected {file}:{line}: {reason}",
                                                        err=True),
    )
    return (parsed.patients, parsed.findings_by_patient, parsed.note_dates,
            parsed.note_ids_by_patient, parsed.pipeline_version)


def _load_store(db: str | None) -> tuple[Any, ...]:
    from matcher.store import Store

    store = Store.open_existing(db)
    patients = store.patients()
    note_ids = {p.patient_id: [n.note_id for n in store.notes_for_patient(p.patient_id)]
                for p in patients}
    versions = store.parsed_versions()
    return (patients, store.all_findings_by_patient(), store.note_dates(), note_ids,
            ", ".join(versions) or "none")


def build_cases(
    trials: Sequence[tuple[Trial, Path]],
    patients: Iterable[Patient],
    findings: dict[str, list[Finding]],
    note_dates: dict[str, dt.date],
    note_ids: dict[str, list[str]],
    labels: Sequence[tuple[str, dict[str, Any]]],
    as_of: dt.date,
) -> tuple[list[elig.Case], list[str]]:
    """One case per trial and patient; `labels` are (source, row) pairs, first wins."""
    warnings = []
    named = {str(row.get("trial")) for _, row in labels}
    patients = list(patients)
    cases = []
    for trial, trial_file in trials:
        name = _gold_name(named, trial, trial_file)
        if labels and name is None:
            warnings.append(f"no labels for {trial.trial_id} ({trial_file}): the engine's "
                            "decided statuses label it")
        chosen: dict[str, tuple[str, dict[str, Any]]] = {}
        for source, row in labels:
            if str(row.get("trial")) == name and str(row["patient_id"]) not in chosen:
                chosen[str(row["patient_id"])] = (source, row)
        for patient in patients:
            pid = patient.patient_id
            source, row = chosen.get(pid, ("engine", {}))
            answer = row.get("outcome", row.get("status"))
            label = elig.LABELS.get(str(answer)) if answer is not None else None
            when = _date(row["as_of"], source) if row.get("as_of") else as_of
            relevance = row.get("relevance")
            cases.append(
                elig.Case(
                    trial=trial,
                    trial_id=name or trial.trial_id,
                    patient=patient,
                    findings=tuple(findings.get(pid, ())),
                    note_ids=tuple(
                        n for n in note_ids.get(pid, ())
                        if note_dates.get(n) is not None and note_dates[n] <= when
                    ),
                    as_of=when,
                    label=label,
                    label_source=source if label is not None else "engine",
                    gold_relevance=float(relevance) if relevance is not None else None,
                )
            )
    return cases, warnings


# -------------------------------------------------------------------- card
def _metric_rows(cv: dict[str, Any]) -> list[str]:
    rows = [
        "| views | n | eligible rate | Brier | Brier of the base rate | log loss | AUC |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "all_views": "all (full and masked)",
        "full_views": "full notes",
        "masked_views": "masked (20-70% of notes hidden)",
        "possible_views": "views the engine calls `possible`",
    }
    for key, label in labels.items():
        m = cv[key]
        if not m.get("n"):
            rows.append(f"| {label} | 0 | | | | | |")
            continue
        auc = "n/a" if m["auc"] is None else f"{m['auc']:.3f}"
        rows.append(
            f"| {label} | {m['n']} | {m['eligible_rate']:.3f} | {m['brier']:.4f} | "
            f"{m['brier_prior']:.4f} | {m['log_loss']:.4f} | {auc} |"
        )
    return rows


def _reliability_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    out = ["| predicted p | n | mean predicted | observed eligible |", "|---|---:|---:|---:|"]
    out += [f"| {r['bin']} | {r['n']} | {r['mean_p']:.3f} | {r['observed']:.3f} |" for r in rows]
    return out


def model_card(model: elig.EligibilityModel, cv: dict[str, Any], info: dict[str, Any]) -> str:
    ranking = [
        "| trial | patients | NDCG@10 without | NDCG@10 with | NDCG without | NDCG with |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for trial_id, r in cv["ranking"].items():
        ranking.append(
            f"| {trial_id} | {r['patients']} | {r['ndcg@10_without']:.4f} | "
            f"{r['ndcg@10_with']:.4f} | {r['ndcg_without']:.4f} | {r['ndcg_with']:.4f} |"
        )
    weights = ["| feature | weight (per standard deviation) |", "|---|---:|"]
    weights += [f"| `{n}` | {w:+.3f} |" for n, w in elig.coefficient_table(model)[:15]]
    sources = ", ".join(f"{n} {s}" for s, n in sorted(info["label_sources"].items()))
    data_lines = [f"- notes: {f}" for f in info["notes"][:-1]]
    data_lines.append(f"- {info['notes'][-1]}")
    data_lines += [f"- labels: {f}" for f in info["labels"]]
    data_lines += [f"- trial {t}: `{f}` ({n} criteria)" for t, f, n in info["trials"]]
    return "\n".join([
        f"# Eligibility model `{model.name}`",
        "",
        f"Version `{model.version}` (name + SHA-256 of its numbers; recorded with the "
        "results it ranks, e.g. `eligibility_model` in `matcher match --format json`).",
        "Files: `model.json` (feature names, scaling, coefficients, intercept, calibration: "
        "plain JSON, loaded without executing code) and this card. Rebuilt, with this card, "
        "by the command under *Reproduce*.",
        "",
        "## What it is",
        "",
        "The probability that a patient is eligible at screening, given what the engine "
        "reads from the notes today. Inputs are trial-agnostic: the patient status, counts "
        "and fractions of inclusion criteria met / unknown / manual, unknown exclusions, "
        "unknowns with nothing documented vs something documented but unusable (stale, "
        "outside a window, no titre), the same states aggregated by criterion kind "
        f"({', '.join(elig.KINDS)}), whether the disease criteria (diagnosis, biopsy, "
        "refractory) are all met, the age of the newest and oldest evidence, the number of "
        "notes and the span and recency of their dates "
        f"({len(model.feature_names)} features). Model: standardised features, L2 logistic "
        f"regression (C={info['c']}), and Platt (sigmoid) calibration fitted on "
        "out-of-fold scores (scikit-learn `CalibratedClassifierCV(method='sigmoid', "
        "ensemble=False)` with folds grouped by patient), the regression refitted on all "
        f"data; scikit-learn {info['sklearn']}.",
        "",
        "## Data it was built from",
        "",
        *data_lines,
        f"- screening date (as-of) {info['as_of']}; {info['patients']} patients, "
        f"{info['cases']} patient-trial pairs: labelled {sources}; "
        f"{info['undecided']} left `possible` on their full notes (no known answer, not used "
        f"as examples); {info['disagreements']} labels disagreeing with the engine's "
        "full-view status.",
        f"- examples: {info['full_examples']} full views and {info['masked_examples']} masked "
        f"views (up to {info['views']} per labelled pair; each hides a random 20-70% of the "
        f"patient's notes, at least one kept, duplicates dropped; seed {info['seed']}). "
        "Each masked view is re-evaluated and labelled with the pair's known answer.",
        "",
        f"## Metrics (cross-validated: {cv['folds']} folds grouped by patient)",
        "",
        "Every figure below is on patients held out of the fit that produced it (each "
        "outer fold's model calibrated by its own inner folds); no figure is measured on "
        "data the scored model was trained on.",
        "",
        *_metric_rows(cv),
        "",
        "Reliability, all views:",
        "",
        *_reliability_rows(cv["reliability"]),
        "",
        "Reliability, views the engine calls `possible` (where the probability matters):",
        "",
        *_reliability_rows(cv["reliability_possible"]),
        "",
        "Ranking each trial's patients (full notes) with out-of-fold probabilities, graded "
        "relevance as in GUIDELINE.md (gold relevance where given):",
        "",
        *ranking,
        "",
        "The ranking keeps the status groups and, inside `possible`, the guideline's tier "
        "(every disease criterion met first); the probability orders patients within a "
        "tier, the engine's score breaks ties.",
        "",
        "## Largest weights",
        "",
        *weights,
        "",
        "## Intended use",
        "",
        "Ordering and annotating candidates for a referrer: within a status group, who is "
        "most likely to pass screening. It is not a verdict: eligibility is decided at "
        "screening by a person, and the criterion table with its evidence stays the "
        "explanation. `--no-model` on `matcher match` and `matcher eval` turns it off.",
        "",
        "## Limits",
        "",
        "- Built from a small synthetic development cohort and its trials; the rate of "
        "eligible patients, and so the calibration, is that cohort's. A site's own "
        "screening outcomes are better labels: refit with `matcher train --referrals` "
        "(README, *Eligibility model*).",
        "- Masked views simulate missing notes at random; real missingness is not random "
        "(e.g. a flow cytometry never ordered).",
        "- Labels from the engine's full-view status inherit the engine's reading errors; "
        "`manual` criteria (consent, venous access, ...) are assumed to pass.",
        "- Features aggregate by criterion kind, so trials with kinds not seen here (e.g. "
        "`sex`, many exclusions) are extrapolation.",
        "- The probability is relative to the notes in the database at the as-of date; it "
        "says nothing about criteria the registry text does not state.",
        "",
        "## Reproduce",
        "",
        "```sh",
        info["command"],
        "```",
        "",
    ])


# --------------------------------------------------------------------- CLI
@click.command()
@click.option("--gold", "gold_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="Labels JSONL: {trial, patient_id, status|outcome[, as_of]}.")
@click.option("--notes", "notes_files", multiple=True,
              type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Note export (JSONL or CSV); repeatable. Default: the notes in --db.")
@click.option("--trial", "trial_files", multiple=True, required=True,
              type=click.Path(path_type=Path), help="Registry record; repeatable.")
@click.option("--referrals", is_flag=True,
              help="Label with the referral outcomes recorded in --db (enrolled / not "
                   "suitable).")
@click.option("--db", "db", envvar="MATCHER_DB", default=None,
              help="SQLite database for --referrals or notes (env MATCHER_DB).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Screening date for rows without their own (default: today).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Directory to write model.json and MODEL_CARD.md, e.g. models/eligibility-v1.")
@click.option("--views", type=click.IntRange(0, 100), default=8, show_default=True,
              help="Masked views per labelled patient.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Cross-validation folds (grouped by patient).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
def train(
    gold_file: Path | None,
    notes_files: tuple[Path, ...],
    trial_files: tuple[Path, ...],
    referrals: bool,
    db: str | None,
    as_of: dt.datetime | None,
    out: Path,
    views: int,
    folds: int,
    seed: int,
) -> None:
    """Fit the eligibility model and write model.json and MODEL_CARD.md to --out."""
    import sklearn

    from matcher import api

    when = as_of.date() if as_of else dt.date.today()
    trials = [(api.load_trial(path), path) for path in trial_files]
    labels: list[tuple[str, dict[str, Any]]] = []
    label_files = []
    if referrals:
        db_path = db or "matcher.db"
        if not Path(db_path).exists():
            raise ConfigurationError("database not found", file=db_path,
                                     expected="--db with the web app's referrals")
        outcomes = referral_outcomes(db_path)
        labels += [("referral", row) for row in outcomes]
        label_files.append(f"referral outcomes in `{db_path}` ({len(outcomes)} rows)")
    if gold_file is not None:
        labels += [("gold", row) for row in read_label_rows(gold_file)]
        label_files.append(f"`{gold_file}` (sha256 {_sha256(gold_file)[:16]})")
    if notes_files:
        patients, findings, note_dates, note_ids, pipeline = _parse_notes(notes_files)
        notes_info = [f"`{p}` (sha256 {_sha256(p)[:16]})" for p in notes_files]
    else:
        patients, findings, note_dates, note_ids, pipeline = _load_store(db)
        notes_info = [f"notes in the database `{db or 'matcher.db'}`"]
    notes_info.append(f"read by the NLP pipeline `{pipeline}`")
    cases, warnings = build_cases(trials, patients, findings, note_dates, note_ids, labels, when)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    data = elig.build_training_set(cases, note_dates, views=views, seed=seed,
                                   vocabulary=api.vocabulary())
    if not data.examples:
        raise ConfigurationError("no patient has a known answer to learn from",
                                 expected="labels, or patients the engine decides")
    c = 1.0
    cv = elig.cross_validate(data, folds=folds, seed=seed, c=c)
    command = ["matcher train"]
    if gold_file:
        command.append(f"--gold {gold_file}")
    command += [f"--notes {p}" for p in notes_files]
    command += [f"--trial {p}" for p in trial_files]
    if referrals:
        command.append("--referrals" + (f" --db {db}" if db else ""))
    command += [f"--as-of {when}", f"--out {out}"]
    if views != 8:
        command.append(f"--views {views}")
    if folds != 5:
        command.append(f"--folds {folds}")
    if seed:
        command.append(f"--seed {seed}")
    info = {
        "notes": notes_info,
        "labels": label_files or ["the engine's decided full-view statuses"],
        "trials": [(t.trial_id, str(p), len(t.criteria)) for t, p in trials],
        "as_of": when.isoformat(),
        "patients": len(patients),
        "cases": len(cases),
        "label_sources": dict(data.label_sources),
        "undecided": data.undecided,
        "disagreements": data.gold_disagreements,
        "full_examples": sum(1 for e in data.examples if e.view == 0),
        "masked_examples": sum(1 for e in data.examples if e.view > 0),
        "views": views,
        "seed": seed,
        "c": c,
        "sklearn": sklearn.__version__,
        "command": " ".join(command),
    }
    model = elig.fit(
        data.examples,
        name=out.name or elig.DEFAULT_MODEL_NAME,
        folds=folds,
        seed=seed,
        c=c,
        meta={
            "as_of": info["as_of"],
            "pipeline": pipeline,
            "trials": [t for t, _, _ in info["trials"]],
            "examples": len(data.examples),
            "label_sources": info["label_sources"],
            "views": views,
            "seed": seed,
            "C": c,
            "sklearn": info["sklearn"],
            "cv": {k: cv[k] for k in ("folds", "all_views", "possible_views", "ranking")},
        },
    )
    model.save(out)
    (out / "MODEL_CARD.md").write_text(model_card(model, cv, info), encoding="utf-8")
    m = cv["all_views"]
    p = cv["possible_views"]
    click.echo(f"saved {model.version} to {out} ({len(data.examples)} examples, "
               f"{len({e.patient_id for e in data.examples})} patients)")
    click.echo(f"cross-validated ({cv['folds']} folds by patient): Brier {m['brier']:.4f} "
               f"(base rate {m['brier_prior']:.4f}), log loss {m['log_loss']:.4f}, AUC "
               f"{m['auc']}; possible views: n {p.get('n', 0)}, Brier {p.get('brier')}, "
               f"AUC {p.get('auc')}")
    for trial_id, r in cv["ranking"].items():
        click.echo(f"  {trial_id}: NDCG@10 {r['ndcg@10_without']:.4f} -> {r['ndcg@10_with']:.4f}"
                   f", NDCG {r['ndcg_without']:.4f} -> {r['ndcg_with']:.4f} (without -> with)")
