"""The library API: the CLI, the nightly job and the web app all call these."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import ReadOnlyStoreError
from matcher.judge.eligibility import EligibilityModel, load_default, probabilities
from matcher.judge.outcome import result_outcome
from matcher.judge.ranking import judge_patient, rank
from matcher.model import Finding, Note, NoteDates, Patient, PatientResult, Trial
from matcher.nlp.vocab import Vocabulary, load_vocabulary


def vocabulary() -> Vocabulary:
    """The run's vocabulary: the packaged concepts (matcher/nlp/data/concepts.jsonl), read
    and checked once. The one place a run gets it: the note pipeline (whose saved copy must
    equal it), the criteria reader, the evaluator and the web plot are all given this one."""
    return load_vocabulary()


def load_trial(path: str | Path) -> Trial:
    from matcher.criteria.registry import load_trial as _load

    return _load(path, vocabulary=vocabulary())


def import_registry(store: Any, text: str, filename: str) -> list[Trial]:
    """Every study of a registry file's text (plain or CT.gov JSON, told by `filename`),
    parsed and saved with its record in one transaction (a study already stored is
    replaced). The web app's upload and the demo database both come through here."""
    from matcher.criteria.registry import read_registry_text_all

    return _save_records(store, read_registry_text_all(text, filename))


def import_registry_file(store: Any, path: str | Path) -> list[Trial]:
    """`import_registry` of a file on disk (a missing or unreadable file is a
    RegistryError naming it)."""
    from matcher.criteria.registry import read_registry_all

    return _save_records(store, read_registry_all(path))


def _save_records(store: Any, records: Sequence[Any]) -> list[Trial]:
    return [imported.trial for imported in import_records(store, records)]


@dataclass(frozen=True)
class ImportedTrial:
    """One study of an import: its trial (the auto reading), what the import did ("new",
    "changed": a new record version to review, "unchanged": nothing written) and the
    record version the database now holds."""

    trial: Trial
    outcome: str
    record_version: int
    source: str


@dataclass
class TrialImport:
    """What `import_trials` did: every study read, and every file that could not be read
    (file, the RegistryError's message) — the other files are loaded all the same."""

    trials: list[ImportedTrial]
    failed: list[tuple[str, str]]

    def count(self, outcome: str) -> int:
        return sum(1 for t in self.trials if t.outcome == outcome)


def import_records(store: Any, records: Sequence[Any]) -> list[ImportedTrial]:
    """Registry records parsed and saved with their record in one transaction. A record
    equal to the trial's latest record version, read the same way, changes nothing; any
    other becomes the trial's next record version (its auto reading, to review: the draft
    carries over by (type, text), and the approved version stays in use, flagged "registry
    changed since vN")."""
    from matcher.criteria.registry import record_to_trial

    return import_read(store, [(record, record_to_trial(record, vocabulary()))
                               for record in records])


def import_read(store: Any, read: Sequence[tuple[Any, Trial]]) -> list[ImportedTrial]:
    """import_records of records already read into trials (the nightly job's --trials),
    in one transaction."""
    from dataclasses import asdict

    done = []
    with store.transaction():
        for record, trial in read:
            outcome = store.save_trial(trial, asdict(record))
            version = store.trial_records(trial.trial_id)[-1]["record_version"]
            done.append(ImportedTrial(trial, outcome, version, record.source))
    return done


TRIAL_SUFFIXES = frozenset({".txt", ".json"})


def trial_files(path: str | Path) -> list[Path]:
    """A registry file as given, or a folder's registry files (*.txt, *.json, not hidden),
    in name order. A path that is neither is a RegistryError naming it."""
    from matcher.errors import RegistryError

    path = Path(path)
    if path.is_dir():
        found = sorted((p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                        and p.suffix.lower() in TRIAL_SUFFIXES), key=lambda p: p.name)
        if not found:  # a mistyped folder must not look like a portfolio with nothing new
            raise RegistryError("no registry files in the folder", file=str(path),
                                expected="registry records named *.txt or *.json")
        return found
    if not path.is_file():
        raise RegistryError("no such file or folder", file=str(path),
                            expected="a registry file or a folder of them (*.txt, *.json)")
    return [path]


def import_trials(store: Any, paths: Sequence[str | Path]) -> TrialImport:
    """Every study of registry files and folders (CT.gov `studies` lists, single studies,
    plain text), each file in its own transaction: a file that does not read is named in
    `failed` and the others load. A trial met again in the same import is read once when
    the engine reads it the same way (registry_dumps/ holds NCT06904729 as .json and .txt);
    read otherwise, its first record is kept and the later file is named in `failed`: which
    of two records is current cannot be known."""
    from matcher.criteria.registry import read_registry_all, record_to_trial
    from matcher.errors import RegistryError

    done = TrialImport([], [])
    seen: dict[str, tuple[str, str]] = {}  # trial id -> (file, its reading)
    for path in paths:
        for file in trial_files(path):
            try:
                records = read_registry_all(file)
            except RegistryError as exc:
                done.failed.append((str(file), str(exc)))
                continue
            fresh = []
            for record in records:
                trial = record_to_trial(record, vocabulary())
                reading = json.dumps([c.to_json() for c in trial.criteria], sort_keys=True)
                first = seen.get(trial.trial_id)
                if first is None:
                    seen[trial.trial_id] = (str(file), reading)
                    fresh.append((record, trial))
                elif first[1] != reading:
                    done.failed.append((str(file), f"{trial.trial_id} is also in {first[0]}, "
                                        "read otherwise: kept that record"))
            done.trials += import_read(store, fresh)
    return done


def trial_portfolio(store: Any) -> list[dict[str, Any]]:
    """Every stored trial, as `matcher trial list` and the web show them: its latest record
    version's status, phase, conditions, sites and last update, and its review state
    (`review`: state "not reviewed" / "in review" / "approved", the protocol version in use,
    how many of its criteria nobody reviewed, whether the registry text changed since that
    version was approved, how many criteria the draft has reviewed)."""
    from matcher.review.protocol import auto_reading_sha256, build_protocol, trial_from_stored

    records = store.latest_trial_records()
    out = []
    for row in store.trials():
        auto = trial_from_stored(row)
        versions = _version_protocols(store, auto.trial_id)
        in_use = versions[-1] if versions else build_protocol(auto, {})
        draft = draft_protocol(store, auto.trial_id)
        reviewed = len(draft.criteria) - len(draft.unreviewed)
        state = "approved" if versions else ("in review" if reviewed else "not reviewed")
        record = records.get(auto.trial_id, {})
        out.append({
            "trial_id": auto.trial_id,
            "title": auto.title,
            "status": record.get("status"),
            "phase": record.get("phase"),
            "conditions": record.get("conditions", []),
            "sites": record.get("sites", []),
            "last_update": record.get("last_update"),
            "record_version": record.get("record_version"),
            "imported_at": record.get("imported_at") or row["loaded_at"],
            "criteria": len(auto.criteria),
            "review": {
                "state": state,
                "protocol_version": in_use.version,
                "unreviewed": len(in_use.unreviewed),
                "registry_changed": bool(versions)
                and in_use.source_sha256 != auto_reading_sha256(auto),
                "draft_reviewed": reviewed,
            },
        })
    return out


def review_words(review: Mapping[str, Any], criteria: int) -> str:
    """A trial's review state in words: "not reviewed (4 criteria)", "in review (1 of 4
    reviewed, never approved)", "approved v2 (3 not reviewed); registry changed since v2:
    review"."""
    if review["state"] == "not reviewed":
        return f"not reviewed ({criteria} criteria)"
    if review["state"] == "in review":
        return f"in review ({review['draft_reviewed']} of {criteria} reviewed, never approved)"
    version = review["protocol_version"]
    words = f"approved v{version}"
    if review["unreviewed"]:
        words += f" ({review['unreviewed']} not reviewed)"
    if review["registry_changed"]:
        words += f"; registry changed since v{version}: review"
    return words


def parser():
    from matcher.nlp.pipeline import NoteParser

    return NoteParser(vocabulary=vocabulary())


def parse_text(text: str, note_date: dt.date, note_id: str = "note") -> list[Finding]:
    return parser().parse(text, note_id, note_date)


def evaluate_patient(
    trial: Trial,
    patient: Patient,
    findings: Sequence[Finding],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
) -> PatientResult:
    """One patient against one trial: every criterion's status, reason and evidence, the
    patient's status and score (matcher.judge.ranking.judge_patient, with the run's
    vocabulary)."""
    return judge_patient(trial, patient, findings, note_dates, as_of, vocabulary())


def match_findings(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, list[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
    model: EligibilityModel | None = None,
) -> list[PatientResult]:
    """Evaluate and rank every patient: pure, no database. With an eligibility model,
    patients are ordered by its probability inside each status group (ranking.rank)."""
    return match_findings_with_p(trial, patients, findings_by_patient, note_dates, as_of, model)[0]


def match_findings_with_p(
    trial: Trial,
    patients: Sequence[Patient],
    findings_by_patient: Mapping[str, list[Finding]],
    note_dates: Mapping[str, dt.date],
    as_of: dt.date,
    model: EligibilityModel | None = None,
) -> tuple[list[PatientResult], dict[str, float]]:
    """The ranking and each patient's probability of eligibility ({} without a model)."""
    results = [
        evaluate_patient(trial, p, findings_by_patient.get(p.patient_id, []), note_dates, as_of)
        for p in patients
    ]
    if model is None:
        return rank(results), {}
    p_eligible = probabilities(model, results, findings_by_patient, note_dates, as_of)
    return rank(results, p_eligible), p_eligible


def match(
    trial: Trial, store: Any, as_of: dt.date, model: EligibilityModel | None = None
) -> list[PatientResult]:
    return match_with_p(trial, store, as_of, model)[0]


def match_with_p(
    trial: Trial, store: Any, as_of: dt.date, model: EligibilityModel | None = None
) -> tuple[list[PatientResult], dict[str, float]]:
    return match_findings_with_p(
        trial,
        store.patients(),
        store.all_findings_by_patient(),
        store.note_dates(),
        as_of,
        model,
    )


def eligibility_model() -> EligibilityModel | None:
    """The default eligibility model (models/eligibility-v1, or $MATCHER_ELIGIBILITY_MODEL),
    or None when there is none."""
    return load_default()


def explain(trial: Trial, store: Any, patient_id: str, as_of: dt.date) -> PatientResult:
    from matcher.errors import MatcherError

    patient = store.patient(patient_id)
    if patient is None:
        raise MatcherError(
            "unknown patient",
            field="patient_id",
            received=patient_id,
            expected="a patient id in the database",
        )
    findings = store.findings_for_patient(patient_id)
    return evaluate_patient(trial, patient, findings, store.note_dates(), as_of)


# Input formats of `ingest` and `nightly --source`: "auto" tells each file by its content.
INPUT_FORMATS = ("auto", "notes", "fhir", "omop")


def ingest(
    paths: Sequence[str | Path],
    store: Any,
    patients_file: str | Path | None = None,
    on_progress: Any = None,
    fmt: str = "auto",
) -> Any:
    """Load note exports (JSONL/CSV), FHIR R4 files (Bundles, NDJSON) and OMOP CDM exports (a
    folder of table CSVs, a SQLite file) into `store`, then parse the notes. `fmt`: "auto"
    (by content), "notes", "fhir" or "omop" (every path)."""
    from matcher.store.ingest import ingest_files

    note_parser = parser()

    def parse(note: Note) -> list[Finding]:
        return note_parser.parse(note.text, note.note_id, note.note_date, note.note_type)

    return ingest_files(
        store,
        [Path(p) for p in paths],
        patients_file=patients_file,
        parse=parse,
        pipeline_version=note_parser.version,
        on_progress=on_progress,
        other_format=interchange_loader(fmt),
    )


def interchange_loader(fmt: str = "auto", today: dt.date | None = None) -> Any:
    """The store's OtherFormat hook for `fmt`: loads a FHIR file or an OMOP CDM export (a
    folder holding a person table, a SQLite file) through its reader and the interchange
    loader and returns True; returns False for a note export (or None when `fmt` is
    "notes": every file is a note export)."""
    from matcher.errors import ConfigurationError

    if fmt not in INPUT_FORMATS:
        raise ConfigurationError(f"unknown input format {fmt!r}", field="--format",
                                 expected=" or ".join(INPUT_FORMATS))  # fmt: skip
    if fmt == "notes":
        return None
    from matcher.interchange.fhir import FhirReader, looks_like_fhir
    from matcher.interchange.load import load_items

    reader = FhirReader(vocabulary(), today=today)
    load_omop = omop_loader(today)

    def load(store: Any, path: Path, report: Any) -> bool:
        if fmt == "omop" or (fmt == "auto" and _is_omop(path)):
            load_omop(store, path, report)
            return True
        if path.is_dir() or not (fmt == "fhir" or looks_like_fhir(path)):
            return False
        before = Counter(reader.ignored)
        load_items(store, reader.read(path), report, vocabulary=vocabulary())
        for kind, n in (reader.ignored - before).items():
            key = f"resourceType {kind}"  # read and counted, not loaded: Encounter, ...
            report.skipped[key] = report.skipped.get(key, 0) + n
        return True

    return load


def _is_omop(path: Path) -> bool:
    from matcher.interchange.omop import is_omop

    return is_omop(path)


def omop_loader(today: dt.date | None = None) -> Any:
    """Loads one OMOP CDM export (a folder of table CSVs or a SQLite file) into a store with
    the bundled concept map, checked against the vocabulary, and the vocabulary's own codes
    for source values. What the reader leaves out (a censored value, a unit concept it
    does not know, a birth year without month and day) is counted in the report's
    values_left_out; unmapped codes by the loader in unmapped_codes."""
    from matcher.interchange.load import load_items
    from matcher.interchange.omop import codes_from_vocabulary, read_omop
    from matcher.interchange.omop_map import load_concept_map

    concepts = vocabulary().concepts
    concept_map = load_concept_map(known_concepts=concepts)
    codes = codes_from_vocabulary(concepts)

    def load(store: Any, path: Path, report: Any) -> None:
        counts: Counter[str] = Counter()
        items = read_omop(path, codes=codes, concept_map=concept_map, today=today, counts=counts)
        load_items(store, items, report, vocabulary=vocabulary())
        for reason, n in counts.items():
            report.values_left_out[reason] = report.values_left_out.get(reason, 0) + n

    return load


def result_to_json(
    result: PatientResult,
    note_texts: Mapping[str, str] | None = None,
    p_eligible: float | None = None,
) -> dict[str, Any]:
    criteria = []
    for item in result.results:
        evidence = []
        for e in item.evidence:
            text = e.text
            if note_texts is not None and e.note_id in note_texts:
                text = note_texts[e.note_id][e.start : e.end]
            row = e.to_json()
            row["text"] = text
            evidence.append(row)
        criteria.append(
            {
                "id": item.criterion.id,
                "key": item.criterion.key,
                "type": item.criterion.type,
                "text": item.criterion.text,
                "status": str(item.status),
                # What the status means for the patient: an exclusion whose condition is
                # absent passes (issue 16). `pass` | `fail` | `unknown` | `manual`.
                "outcome": result_outcome(item).code,
                "reason": item.reason,
                "evidence": evidence,
            }
        )
    out = {
        "patient_id": result.patient_id,
        "rank": result.rank,
        "status": str(result.status),
        "score": result.score,
    }
    if p_eligible is not None:
        out["p_eligible"] = round(p_eligible, 4)
    if result.cohorts:
        out["cohorts"] = list(result.cohorts)
    out["criteria"] = criteria
    return out


def match_to_json(
    trial: Trial,
    results: Sequence[PatientResult],
    as_of: dt.date,
    note_texts: Mapping[str, str] | None = None,
    p_eligible: Mapping[str, float] | None = None,
    model_version: str | None = None,
    protocol: Any = None,
) -> dict[str, Any]:
    """The stable output contract of `matcher match --format json` (schema in
    matcher/schema/match_output.schema.json). With an eligibility model, each patient
    has `p_eligible` and the output names the model's version. With the `protocol` the
    patients were judged with (matcher.review), the trial names its version (null: the
    auto reading) and how many criteria are unreviewed, and each criterion its review
    state."""
    out: dict[str, Any] = {
        "trial": {"id": trial.trial_id, "title": trial.title},
        "as_of": as_of.isoformat(),
    }
    states: dict[str, str] = {}
    if protocol is not None:
        out["trial"]["protocol_version"] = protocol.version
        out["trial"]["unreviewed"] = len(protocol.unreviewed)
        states = {c.criterion.id: str(c.state) for c in protocol.criteria}
    if model_version:
        out["eligibility_model"] = model_version
    p_eligible = p_eligible or {}
    out["patients"] = [result_to_json(r, note_texts, p_eligible.get(r.patient_id)) for r in results]
    if states:
        for patient in out["patients"]:
            for criterion in patient["criteria"]:
                criterion["review_state"] = states.get(criterion["id"], "auto")
    return out


# --- stored rankings (issue 16): what the pages read -------------------------------------
STORE_BATCH = 2000  # result rows per transaction: memory stays flat at 100k patients
CARRY_BATCH = 5000  # carried-forward rows per statement (copied inside SQLite)


def trial_digest(trial: Trial) -> str:
    """A digest of everything a ranking reads from a trial: the reading in use, a review
    draft and an approved version of one trial each get their own stored (and cached)
    ranking, and two rankings of the same reading share one."""
    import hashlib

    content = {"criteria": [c.to_json() for c in trial.criteria], "sex": trial.sex,
               "ages": [trial.min_age_years, trial.max_age_years]}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def store_ranking(
    store: Any,
    run_id: int,
    trials: Sequence[Trial],
    as_of: dt.date,
    rows: Any,
    protocol_versions: Mapping[str, int | None] | None = None,
    *,
    model_version: str | None = None,
    pipeline_version: str | None = None,
    on_rows: Any = None,
    evaluator_version: str | None = None,
    findings_versions: Mapping[str, int] | None = None,
    carried: Mapping[str, tuple[int, Sequence[str]]] | None = None,
    refresh: Callable[[Sequence[str | bytes]],
                      Sequence[tuple[float, float | None]]] | None = None,
) -> dict[str, dict[str, int]]:
    """Store the rankings of `trials` at `as_of` from `rows` (judge.ranking.ResultRow, any
    order, one per trial and patient, streamed): the one path by which `matcher match`,
    `matcher nightly` and the web app's as-of queue store what the pages read.

    Rows go in batches of STORE_BATCH (each its own transaction, with each patient's notes
    digest); once every row is in, each trial's rows are ranked (ranking.rank_order: the
    order of ranking.rank, P(eligible) included) and its result set is marked finished,
    which is when a page starts reading it. A crash before that leaves an unfinished set
    no page reads. `on_rows(n)` is told of each batch stored (progress). Returns each
    trial's counts by patient status.

    Each row records its patient's findings version (`findings_versions`, else read here
    before any row is: a write during the run leaves the row older, so the next nightly
    run evaluates it again) and the set its `evaluator_version` (issue 17).

    `carried` (an incremental night): per trial id, (an earlier run, patient ids) whose
    rows are copied from that run's set inside SQLite, CARRY_BATCH at a time, with
    tonight's score and P(eligible) from `refresh` (their refresh inputs, in order, to
    (score, P): incremental_tables.carried_keys) and their rank: `rows` then holds only
    the results evaluated tonight."""
    from matcher.judge.ranking import rank_order
    from matcher.store import incremental_tables, result_tables
    from matcher.store.web_tables import data_version

    versions = dict(protocol_versions or {})
    day = as_of.isoformat()
    db = store.db
    with store.transaction():
        # The data version before reading: a write during the run makes the set stale.
        seen = data_version(db)
        if findings_versions is None:
            findings_versions = incremental_tables.patient_versions(db)
        for trial in trials:
            result_tables.begin_set(db, run_id, trial.trial_id, trial_digest(trial),
                                    versions.get(trial.trial_id), day, seen,
                                    pipeline_version, model_version, _stamp(),
                                    evaluator_version)
    keys: dict[str, list[tuple[str, str, int, float, float | None]]] = {
        t.trial_id: [] for t in trials}
    carried = carried or {}
    if carried and refresh is None:
        raise TypeError("store_ranking: `carried` rows need `refresh`")
    # The carried rows' keys first: an engine with workers is judging tonight's results
    # meanwhile (EmbeddedEngine.evaluate submits its first tasks before it returns), so
    # the parent's reads overlap the workers' judging instead of following it.
    for trial_id, (kept_run, patient_ids) in carried.items():
        keys[trial_id] += incremental_tables.carried_keys(db, kept_run, trial_id, patient_ids,
                                                          refresh, CARRY_BATCH)
    batch: list[Any] = []

    def flush() -> None:
        digests = result_tables.record_digests(db, sorted({r.patient_id for r in batch}))
        with store.transaction():
            result_tables.insert_rows(db, run_id, day, batch, versions, digests,
                                      findings_versions)
        if on_rows is not None:
            on_rows(len(batch))
        batch.clear()

    for row in rows:
        keys[row.trial_id].append(
            (row.patient_id, row.status, row.relevance, row.score, row.p_eligible))
        batch.append(row)
        if len(batch) >= STORE_BATCH:
            flush()
    if batch:
        flush()
    counts = {}
    for trial in trials:
        trial_keys = keys.pop(trial.trial_id)
        ordered = rank_order(trial_keys)
        kept_run, patient_ids = carried.get(trial.trial_id, (None, ()))
        # A trial's carried rows, its ranks and its set's end in one transaction: one commit
        # a trial, not one per CARRY_BATCH rows. Each carried row adds an entry to the
        # criteria-digest index, at a random place; every commit wrote again every index
        # page its rows had touched (most of them, at 5,000 rows), which was most of a
        # carried row's cost. A trial's transaction holds the write lock for seconds (at
        # 100,000 patients), well inside a waiting writer's busy timeout.
        with store.transaction():
            if kept_run is not None:
                # Written with their rank: a rank set afterwards rewrites the whole row.
                rank = {pid: i for i, pid in enumerate(ordered, start=1)}
                numbers = {key[0]: key[3:] for key in trial_keys}
                for i in range(0, len(patient_ids), CARRY_BATCH):
                    chunk = patient_ids[i: i + CARRY_BATCH]
                    incremental_tables.copy_carried(
                        db, run_id, kept_run, trial.trial_id, day, versions.get(trial.trial_id),
                        [(pid, *numbers[pid], rank[pid]) for pid in chunk])
                    if on_rows is not None:
                        on_rows(len(chunk))
            counts[trial.trial_id] = result_tables.finish_set(
                db, run_id, trial.trial_id, ordered, _stamp(),
                ("eligible", "possible", "ineligible"), ranked=frozenset(patient_ids))
            result_tables.drop_superseded(db, run_id, trial.trial_id, day)
    return counts


def result_rows(
    trial: Trial,
    results: Sequence[PatientResult],
    as_of: dt.date,
    patients: Mapping[str, Patient],
    findings_by_patient: Mapping[str, Sequence[Finding]],
    note_dates: Mapping[str, dt.date],
    p_eligible: Mapping[str, float] | None = None,
) -> list[Any]:
    """The stored rows of results computed in this process (what the engines' workers
    build with engine.evaluate_records, for the same patients the same rows)."""
    from matcher.judge.demographics import patient_age
    from matcher.judge.stored_row import result_row

    p_eligible = p_eligible or {}
    out = []
    for r in results:
        patient = patients[r.patient_id]
        age = patient_age(patient, findings_by_patient.get(r.patient_id, ()), note_dates, as_of)
        out.append(result_row(trial.trial_id, r, as_of, p_eligible.get(r.patient_id), age,
                              patient.sex))
    return out


def match_and_store(
    trial: Trial, store: Any, as_of: dt.date, model: EligibilityModel | None = None,
    protocol_version: int | None = None, kind: str = "match",
) -> tuple[list[PatientResult], dict[str, float], int | None]:
    """`match_with_p`, and the ranking stored (store_ranking) as a run of `kind`, so that
    a site without a nightly job gets the same pages. Returns (ranking, p, run id); the run
    id is None when the database is read-only (nothing was written: the ranking is still
    the answer, the caller says it was not stored)."""
    patients = store.patients()
    findings = store.all_findings_by_patient()
    dates = store.note_dates()
    results, p_eligible = match_findings_with_p(trial, patients, findings, dates, as_of, model)
    pipeline = ",".join(store.parsed_versions()) or None
    try:
        with store.transaction():
            run_id = store.start_run(as_of, pipeline or "", kind)
    except ReadOnlyStoreError:
        return results, p_eligible, None
    rows = result_rows(trial, results, as_of, {p.patient_id: p for p in patients}, findings,
                       dates, p_eligible)
    counts = store_ranking(store, run_id, [trial], as_of, rows,
                           {trial.trial_id: protocol_version},
                           model_version=model.version if model else None,
                           pipeline_version=pipeline)
    with store.transaction():
        store.finish_run(run_id, "completed", {"trials": counts})
    return results, p_eligible, run_id


def stored_result(trial: Trial, row: Mapping[str, Any]) -> PatientResult:
    """The PatientResult a stored `results` row holds, rebuilt against `trial` (the reading
    it was computed with: its result set's trial digest): what the JSON API and the
    patient page's comparison read without evaluating anyone."""
    from matcher.model import (
        CriterionResult,
        Evidence,
        LastSeen,
        PatientStatus,
        Status,
        UnknownCause,
    )

    by_id = {c.id: c for c in trial.criteria}
    items = []
    for c in json.loads(row["criteria_json"]):
        cause = c.get("unknown_cause")
        items.append(CriterionResult(
            criterion=by_id[c["id"]],
            status=Status(c["status"]),
            reason=c["reason"],
            evidence=tuple(
                Evidence(e["note_id"],
                         dt.date.fromisoformat(e["note_date"]) if e["note_date"] else None,
                         e["start"], e["end"], e["text"], e.get("provenance", "note"))
                for e in c["evidence"]),
            unknown_cause=UnknownCause(cause) if cause else None,
            last_seen=LastSeen.from_json(c["last_seen"]) if c.get("last_seen") else None,
        ))
    return PatientResult(
        patient_id=row["patient_id"],
        status=PatientStatus(row["status"]),
        score=row["score"],
        results=tuple(items),
        rank=row["rank"] or 0,
        cohorts=tuple(json.loads(row.get("cohorts_json") or "[]")),
    )


@dataclass
class ParsedNotes:
    """Notes read from export files and parsed in memory (no database): what `eval` and
    `train` work on."""

    notes: list[Note]
    patients: list[Patient]
    findings_by_patient: dict[str, list[Finding]]
    pipeline_version: str

    @property
    def note_dates(self) -> NoteDates:
        return NoteDates.of_notes((n.patient_id, n.note_id, n.note_date) for n in self.notes)

    @property
    def note_texts(self) -> dict[str, str]:
        return {n.note_id: n.text for n in self.notes}

    @property
    def note_ids_by_patient(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for note in self.notes:
            grouped.setdefault(note.patient_id, []).append(note.note_id)
        return grouped


def parse_note_files(paths: Sequence[str | Path], on_reject: Any = None) -> ParsedNotes:
    """Read JSONL/CSV note exports and parse every good row; bad rows go to `on_reject`
    (file, line, reason). A patient's birth date may come on any of its rows."""
    from matcher.store.ingest import Reject, read_rows

    notes: list[Note] = []
    patients: dict[str, Patient] = {}
    for path in paths:
        for row in read_rows(Path(path)):
            if isinstance(row, Reject):
                if on_reject is not None:
                    on_reject(row.file, row.line, row.reason)
                continue
            notes.append(row.note)
            known = patients.get(row.patient.patient_id)
            if known is None or (known.birth_date is None and row.patient.birth_date):
                patients[row.patient.patient_id] = row.patient
    note_parser = parser()
    findings: dict[str, list[Finding]] = {}
    parsed = note_parser.parse_many((n.text, n.note_id, n.note_date, n.note_type) for n in notes)
    for note, note_findings in zip(notes, parsed, strict=True):
        findings.setdefault(note.patient_id, []).extend(note_findings)
    return ParsedNotes(notes, list(patients.values()), findings, note_parser.version)


# --- criteria review (matcher.review; issue 14) --------------------------------------------
# Every action takes the acting user's name and writes its audit row (web_audit, the same
# rows the web app writes) in the transaction of the change: detail = the criterion id and
# its reading and state before and after (registry words only, never note text).


def _stored_trial(store: Any, trial_id: str) -> Trial:
    from matcher.errors import ReviewError
    from matcher.review.protocol import trial_from_stored

    row = store.trial(trial_id)
    if row is None:
        raise ReviewError(f"unknown trial {trial_id!r}", field="trial_id", received=trial_id,
                          expected="a trial in the database (matcher trial import FILE)")
    return trial_from_stored(row)


def draft_protocol(store: Any, trial_id: str) -> Any:
    """The trial's review draft: the auto reading with every review action applied
    (version None). It decides nothing until the trial is approved."""
    from matcher.review.protocol import (
        ReviewedCriterion,
        ReviewState,
        build_protocol,
        criterion_from_json,
    )

    auto = _stored_trial(store, trial_id)
    by_id = {c.id: c for c in auto.criteria}
    entries: dict[str, Any] = {}
    added = []
    for row in store.review_draft(trial_id):
        state = ReviewState(row["state"])
        engine = by_id.get(row["criterion_id"])
        reading = engine if state is ReviewState.APPROVED else None
        if reading is None and row["criterion_json"]:
            reading = criterion_from_json(json.loads(row["criterion_json"]))
        if reading is None:
            continue
        item = ReviewedCriterion(reading, state, engine, row["reason"], row["username"],
                                 row["at"])
        if state is ReviewState.ADDED:
            added.append(item)
        elif engine is not None:
            entries[engine.id] = item
    return build_protocol(auto, entries, added)


def _version_protocols(store: Any, trial_id: str) -> list[Any]:
    from dataclasses import replace

    from matcher.review.protocol import CriterionChange, protocol_from_json

    out = []
    for row in store.protocol_versions(trial_id):
        p = protocol_from_json(json.loads(row["protocol_json"]), None)
        out.append(replace(
            p, version=row["version"], approved_by=row["approved_by"],
            approved_at=row["approved_at"], note=row["note"], source_sha256=row["source_sha256"],
            changes=tuple(CriterionChange.from_json(c) for c in json.loads(row["changes_json"])),
        ))
    return out


def protocol_versions(store: Any, trial_id: str) -> list[Any]:
    """Every approved version of the trial's protocol, oldest first."""
    _stored_trial(store, trial_id)
    return _version_protocols(store, trial_id)


def auto_protocol(store: Any, trial_id: str) -> Any:
    """The engine's reading of the trial's registry text as stored, every criterion auto
    (what `trial diff TRIAL auto N` compares a version with)."""
    from matcher.review.protocol import build_protocol

    return build_protocol(_stored_trial(store, trial_id), {})


def protocol_in_use(store: Any, trial_id: str) -> Any:
    """What matching uses: the latest approved version, else the auto reading (version
    None, every criterion auto)."""
    from matcher.review.protocol import build_protocol

    auto = _stored_trial(store, trial_id)
    versions = _version_protocols(store, trial_id)
    return versions[-1] if versions else build_protocol(auto, {})


def protocol_for_trial(store: Any, trial: Trial) -> tuple[Any, list[str]]:
    """The protocol `match`/`explain`/`nightly` use for `trial` (read from a registry file
    just now) and the warnings to print: the database's latest approved version when there
    is one, else the file's own (auto) reading. Warned: "N criteria not reviewed: verdicts
    may be wrong", and "registry text changed since version N was approved: review it" when
    the file's reading differs from the one the version was reviewed against."""
    from matcher.review.protocol import auto_reading_sha256, build_protocol

    known = store.trial(trial.trial_id) is not None
    versions = _version_protocols(store, trial.trial_id) if known else []
    protocol = versions[-1] if versions else build_protocol(trial, {})
    warnings = []
    if versions and protocol.source_sha256 != auto_reading_sha256(trial):
        warnings.append(f"{trial.trial_id}: registry text changed since version "
                        f"{protocol.version} was approved: review it")
    unreviewed = len(protocol.unreviewed)
    if unreviewed:
        warnings.append(f"{trial.trial_id}: {unreviewed} criteria not reviewed: verdicts may "
                        "be wrong" + ("" if versions else " (no approved protocol version)"))
    return protocol, warnings


def rests_on_unreviewed(result: PatientResult, protocol: Any) -> bool:
    """Whether an `eligible` status rests on a criterion nobody reviewed: one the protocol
    holds as auto whose verdict was computed (met / not met). Such a patient is still shown
    eligible, with a warning, never silently (a misread criterion may have made it)."""
    if str(result.status) != "eligible":
        return False
    unreviewed = {c.criterion.id for c in protocol.unreviewed}
    return any(item.criterion.id in unreviewed and str(item.status) in ("met", "not_met")
               for item in result.results)


def _review_action(store: Any, trial_id: str, criterion_id: str, user: str, action: str,
                   change: Any) -> Any:
    """Apply `change` (ReviewedCriterion before -> after, or None to drop the draft row)
    to one criterion of the draft, with its audit row, in one transaction."""
    from matcher.review.protocol import reviewed_to_json

    with store.transaction():
        before = draft_protocol(store, trial_id).criterion(criterion_id)
        after = change(before)
        if after is None or after.state == "auto":
            store.put_review_draft(trial_id, criterion_id, None)
        else:
            store.put_review_draft(trial_id, criterion_id, _draft_row(after))
        store.audit(user, action, trial_id, detail={
            "criterion_id": criterion_id,
            "before": reviewed_to_json(before),
            "after": reviewed_to_json(after) if after is not None else None,
        })
    return after if after is not None else before


def _draft_row(item: Any) -> dict[str, Any]:
    auto = item.auto
    return {
        "state": str(item.state),
        "criterion_json": json.dumps(item.criterion.to_json()),
        "reason": item.reason,
        "username": item.by,
        "at": item.at,
        "auto_type": auto.type if auto else None,
        "auto_text": auto.text if auto else None,
        "auto_json": json.dumps(auto.to_json()) if auto else None,
        "position": 1 if auto is None else 0,
    }


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _engine_criterion(before: Any, trial_id: str, what: str) -> Any:
    from matcher.errors import ReviewError

    if before.auto is None:
        raise ReviewError(
            f"trial {trial_id} criterion {before.criterion.id} was added by a person: "
            f"{what} applies to the engine's criteria (edit it, or reset to remove it)",
            field="criterion_id", received=before.criterion.id)
    return before.auto


def review_approve(store: Any, trial_id: str, criterion_id: str, user: str) -> Any:
    """A person confirms the engine's reading of the criterion (state approved)."""
    from matcher.review.protocol import ReviewedCriterion, ReviewState

    def approve(before: Any) -> Any:
        auto = _engine_criterion(before, trial_id, "approve")
        return ReviewedCriterion(auto, ReviewState.APPROVED, auto, None, user, _stamp())

    return _review_action(store, trial_id, criterion_id, user, "review_approve", approve)


def review_manual(store: Any, trial_id: str, criterion_id: str, reason: str, user: str) -> Any:
    """A person sets the criterion manual (checked at screening), saying why."""
    from matcher.errors import ReviewError
    from matcher.review.protocol import ReviewedCriterion, ReviewState, manual_criterion

    if not isinstance(reason, str) or not reason.strip():
        raise ReviewError(f"trial {trial_id} criterion {criterion_id}: setting a criterion "
                          "manual needs a reason", field="reason", expected="why (--why TEXT)")

    def manual(before: Any) -> Any:
        auto = _engine_criterion(before, trial_id, "set manual")
        return ReviewedCriterion(manual_criterion(auto, reason.strip()), ReviewState.MANUAL,
                                 auto, reason.strip(), user, _stamp())

    return _review_action(store, trial_id, criterion_id, user, "review_manual", manual)


def review_edit(store: Any, trial_id: str, criterion_id: str, changes: Mapping[str, Any],
                user: str, note: str | None = None) -> Any:
    """A person's reading replaces the one in force: `changes` (param names, kind, type,
    text) applied and validated (matcher.review.protocol.edited_criterion). An added
    criterion stays `added`; any other becomes `edited`."""
    from matcher.review.protocol import ReviewedCriterion, ReviewState, edited_criterion

    def edit(before: Any) -> Any:
        reading = edited_criterion(before.criterion, changes, vocabulary(), trial_id)
        state = ReviewState.ADDED if before.auto is None else ReviewState.EDITED
        return ReviewedCriterion(reading, state, before.auto, note, user, _stamp())

    return _review_action(store, trial_id, criterion_id, user, "review_edit", edit)


def review_add(store: Any, trial_id: str, spec: Mapping[str, Any], user: str) -> Any:
    """A criterion the reader missed (spec: type, kind, text, params), id A1, A2, ..."""
    from matcher.review.protocol import ReviewedCriterion, ReviewState, added_criterion

    with store.transaction():
        draft = draft_protocol(store, trial_id)
        used = {c.criterion.id for c in draft.criteria}
        used |= {r["criterion_id"] for r in store.review_draft(trial_id)}
        number = 1
        while f"A{number}" in used:
            number += 1
        criterion = added_criterion(spec, f"A{number}", vocabulary(), trial_id)
        item = ReviewedCriterion(criterion, ReviewState.ADDED, None, None, user, _stamp())
        store.put_review_draft(trial_id, criterion.id, _draft_row(item))
        from matcher.review.protocol import reviewed_to_json

        store.audit(user, "review_add", trial_id, detail={
            "criterion_id": criterion.id, "before": None, "after": reviewed_to_json(item)})
    return item


def review_reset(store: Any, trial_id: str, criterion_id: str, user: str) -> Any:
    """Back to the engine's reading, unreviewed (auto). An added criterion is removed (the
    entry it had is returned)."""
    from matcher.review.protocol import ReviewedCriterion, ReviewState

    def reset(before: Any) -> Any:
        if before.auto is None:
            return None
        return ReviewedCriterion(before.auto, ReviewState.AUTO, before.auto)

    return _review_action(store, trial_id, criterion_id, user, "review_reset", reset)


def _add_version(store: Any, trial_id: str, protocol: Any, user: str, note: str,
                 auto: Trial) -> Any:
    """Append `protocol` as the trial's next version (inside the caller's transaction)."""
    from dataclasses import replace

    from matcher.review.protocol import auto_reading_sha256, build_protocol, compare

    versions = _version_protocols(store, trial_id)
    previous = versions[-1] if versions else build_protocol(auto, {})
    changes = compare(previous, protocol)
    stamp = _stamp()
    version = replace(protocol, version=None, approved_by=user, approved_at=stamp, note=note,
                      source_sha256=auto_reading_sha256(auto), changes=tuple(changes))
    from matcher.review.protocol import protocol_to_json

    number = store.add_protocol_version(trial_id, {
        "approved_by": user,
        "approved_at": stamp,
        "note": note,
        "source_sha256": version.source_sha256,
        "changes_json": json.dumps([c.to_json() for c in changes]),
        "protocol_json": json.dumps(protocol_to_json(version)),
    })
    return replace(version, version=number)


def approve_protocol(store: Any, trial_id: str, user: str, note: str = "") -> Any:
    """Freeze the draft as the trial's next protocol version (1, 2, ...): who, when, the
    note, what changed since the previous version, and the sha256 of the auto reading it was
    reviewed against. Criteria still auto stay marked unreviewed in it."""
    with store.transaction():
        draft = draft_protocol(store, trial_id)
        made = _add_version(store, trial_id, draft, user, note, _stored_trial(store, trial_id))
        store.audit(user, "protocol_approve", trial_id, detail={
            "version": made.version, "changes": [c.to_json() for c in made.changes],
            "unreviewed": len(made.unreviewed)})
    return made


def export_protocol(store: Any, trial_id: str, version: int | None = None,
                    user: str | None = None) -> dict[str, Any]:
    """The protocol file of version `version` (default: the protocol in use), with the
    trial's registry record when the database has it (so another site can import the trial
    and its review in one file)."""
    from matcher.errors import ReviewError
    from matcher.review.protocol import protocol_to_json

    if version is None:
        protocol = protocol_in_use(store, trial_id)
    else:
        chosen = [p for p in protocol_versions(store, trial_id) if p.version == version]
        if not chosen:
            raise ReviewError(f"trial {trial_id} has no version {version}", field="--version",
                              received=version, expected="an approved version number")
        protocol = chosen[0]
    record = store.trial(trial_id)["record"]
    store.audit(user, "protocol_export", trial_id, detail={"version": protocol.version})
    return protocol_to_json(protocol, record)


def import_protocol(store: Any, data: dict[str, Any], user: str, source: str) -> Any:
    """An exported protocol file as the trial's next version. A trial the database does not
    know is created first (from the file's registry record, else from the engine readings
    the file carries). The file's criteria are put on this database's criterion ids by
    (type, text), and the draft becomes the imported review, so that the next approval
    starts from it."""
    from dataclasses import replace

    from matcher.criteria.record import RegistryRecord
    from matcher.criteria.registry import record_to_trial
    from matcher.errors import ReviewError
    from matcher.review.protocol import auto_trial_of, protocol_from_json

    imported = protocol_from_json(data, vocabulary())
    trial_id = imported.trial.trial_id
    with store.transaction():
        if store.trial(trial_id) is None:
            record = data.get("record")
            if isinstance(record, dict):
                try:
                    trial = record_to_trial(RegistryRecord(**record), vocabulary())
                except TypeError as exc:
                    raise ReviewError("the protocol file's registry record does not read",
                                      field="record", received=str(exc),
                                      expected="a record as matcher exports it") from exc
                store.save_trial(trial, record)
            else:
                store.save_trial(auto_trial_of(imported))
        auto = _stored_trial(store, trial_id)
        free: dict[tuple[str, str], list[str]] = {}
        for c in auto.criteria:
            free.setdefault((c.type, c.text), []).append(c.id)
        local_ids = {c.id for c in auto.criteria}
        placed = []
        for item in imported.criteria:
            new_id = item.criterion.id
            if item.auto is not None and free.get((item.auto.type, item.auto.text)):
                new_id = free[(item.auto.type, item.auto.text)].pop(0)
            elif new_id in local_ids:
                new_id = f"{new_id}-imported"
            placed.append(replace(
                item, criterion=replace(item.criterion, id=new_id),
                auto=replace(item.auto, id=new_id) if item.auto is not None else None))
        protocol = replace(imported, criteria=tuple(placed),
                           trial=replace(imported.trial, criteria=tuple(
                               c.criterion for c in placed)))
        for row in store.review_draft(trial_id):
            store.put_review_draft(trial_id, row["criterion_id"], None)
        for item in placed:
            if not item.unreviewed and (item.auto is None or item.criterion.id in local_ids):
                store.put_review_draft(trial_id, item.criterion.id, _draft_row(item))
        origin = f"imported from {source}"
        if imported.version is not None:
            origin += (f" (version {imported.version}, approved by {imported.approved_by} "
                       f"at {imported.approved_at})")
        note = origin + (f": {imported.note}" if imported.note else "")
        made = _add_version(store, trial_id, protocol, user, note, auto)
        store.audit(user, "protocol_import", trial_id, detail={
            "version": made.version, "source": source,
            "changes": [c.to_json() for c in made.changes]})
    return made


# --- one patient, every trial (issue 17) ---------------------------------------------------


@dataclass(frozen=True)
class TrialForPatient:
    """One stored trial judged for one patient: the trial's portfolio row (status, phase,
    ...; see trial_portfolio), the protocol it was judged with, the patient's result, its
    P(eligible) (None without a model), the criteria that keep the patient out (blockers:
    an inclusion not met, an exclusion met) and those the record does not answer (missing:
    unknown)."""

    trial: dict[str, Any]
    protocol: Any
    result: PatientResult
    p_eligible: float | None
    blockers: tuple[Any, ...]
    missing: tuple[Any, ...]

    @property
    def rank(self) -> int:
        return self.result.rank


def trials_for(store: Any, patient_id: str, as_of: dt.date,
               model: EligibilityModel | None = None) -> list[TrialForPatient]:
    """Every stored trial for one patient, evaluated live with the trial's protocol in use
    (its latest approved version, else the auto reading), ranked as `match` ranks patients:
    eligible, possible, ineligible; within a group the relevance tier, P(eligible) when a
    model is given, the score, then the trial id. An unknown patient is a MatcherError."""
    from dataclasses import replace

    from matcher.errors import MatcherError
    from matcher.judge.ranking import rank_key, relevance
    from matcher.model import Status

    records = list(store.patient_records(patient_id, patient_id))
    if not records or records[0][0].patient_id != patient_id:
        raise MatcherError("unknown patient", field="patient_id", received=patient_id,
                           expected="a patient id in the database")
    patient, findings, own = records[0]
    dates = NoteDates.of_patient_notes(patient_id, own)
    judged = []
    for row in trial_portfolio(store):
        protocol = protocol_in_use(store, row["trial_id"])
        result = evaluate_patient(protocol.trial, patient, findings, dates, as_of)
        p = None
        if model is not None:
            p = probabilities(model, [result], {patient_id: findings}, dates, as_of)[patient_id]
        inclusion = {"inclusion": Status.NOT_MET, "exclusion": Status.MET}
        blockers = tuple(i for i in result.results if i.status is inclusion[i.criterion.type])
        missing = tuple(i for i in result.results if i.status is Status.UNKNOWN)
        judged.append(TrialForPatient(row, protocol, result, p, blockers, missing))

    def key(t: TrialForPatient) -> tuple:
        tier = relevance(t.result.status, t.result.results, t.result.cohorts)
        return rank_key(t.result.status, tier, t.p_eligible or 0.0, t.result.score,
                        t.trial["trial_id"])

    ordered = sorted(judged, key=key)
    return [replace(t, result=replace(t.result, rank=i + 1)) for i, t in enumerate(ordered)]


def _criterion_brief(item: Any) -> dict[str, Any]:
    return {"id": item.criterion.id, "key": item.criterion.key, "type": item.criterion.type,
            "text": item.criterion.text, "reason": item.reason}


def trials_for_to_json(patient_id: str, as_of: dt.date, judged: Sequence[TrialForPatient],
                       note_texts: Mapping[str, str] | None = None,
                       model_version: str | None = None) -> dict[str, Any]:
    """The output contract of `matcher trials-for --format json` and of the JSON API's
    /api/patients/{id}/trials (matcher/schema/trials_for.schema.json): each trial with its
    recruitment status, the protocol it was judged with, the patient's status, blockers,
    missing items, and every criterion with its review state and evidence (as `match`)."""
    out: dict[str, Any] = {"patient_id": patient_id, "as_of": as_of.isoformat()}
    if model_version:
        out["eligibility_model"] = model_version
    trials = []
    for t in judged:
        states = {c.criterion.id: str(c.state) for c in t.protocol.criteria}
        patient = result_to_json(t.result, note_texts, t.p_eligible)
        for criterion in patient["criteria"]:
            criterion["review_state"] = states.get(criterion["id"], "auto")
        entry: dict[str, Any] = {
            "rank": t.rank,
            "trial": {
                "id": t.trial["trial_id"],
                "title": t.trial["title"],
                "recruitment_status": t.trial["status"],
                "phase": t.trial["phase"],
                "last_update": t.trial["last_update"],
                "protocol_version": t.protocol.version,
                "unreviewed": len(t.protocol.unreviewed),
            },
            "status": patient["status"],
            "score": patient["score"],
        }
        if "p_eligible" in patient:
            entry["p_eligible"] = patient["p_eligible"]
        if "cohorts" in patient:
            entry["cohorts"] = patient["cohorts"]
        entry["blockers"] = [_criterion_brief(i) for i in t.blockers]
        entry["missing"] = [_criterion_brief(i) for i in t.missing]
        entry["criteria"] = patient["criteria"]
        trials.append(entry)
    out["trials"] = trials
    return out


# --- what changed between two nightly runs -------------------------------------------------

# Which way a patient moved: into the candidates (eligible or possible), out of them, or
# between eligible and possible.
BECAME, STOPPED, MOVED = "became", "stopped", "moved"


@dataclass(frozen=True)
class CriterionChange:
    """One criterion whose outcome changed for a patient: its plain-words reading (as
    `trial show --format table` prints it), the registry text, and both runs' status and
    outcome (`pass` | `fail` | `unknown` | `manual`; None: not in the earlier run's
    protocol). `reason` is the engine's reason now (it quotes values: PHI)."""

    id: str
    key: str
    type: str
    reading: str
    text: str
    previous_status: str | None
    status: str
    previous_outcome: str | None
    outcome: str
    reason: str


@dataclass(frozen=True)
class PatientChange:
    patient_id: str
    direction: str  # BECAME | STOPPED | MOVED
    previous_status: str | None  # None: no result in the earlier run (a new patient)
    status: str | None  # None: no result in this run (the patient left the data)
    rank: int | None
    criteria: tuple[CriterionChange, ...]


@dataclass(frozen=True)
class TrialChangeList:
    """One trial's changes between run `run_id` and `compared_with_run` (None: the earlier
    run did not evaluate the trial, so nothing is compared and nothing is listed)."""

    trial_id: str
    title: str
    protocol_version: int | None
    compared_with_run: int | None
    counts: dict[str, int]
    patients: tuple[PatientChange, ...]

    def of(self, direction: str) -> list[PatientChange]:
        return [p for p in self.patients if p.direction == direction]


@dataclass(frozen=True)
class RunChanges:
    run_id: int
    as_of: str
    previous_run: int | None
    previous_as_of: str | None
    trials: tuple[TrialChangeList, ...]

    @property
    def patient_ids(self) -> list[str]:
        return sorted({p.patient_id for t in self.trials for p in t.patients})


def _direction(previous: str | None, now: str | None) -> str | None:
    from matcher.store.changes import CANDIDATE_STATUSES

    was, is_ = previous in CANDIDATE_STATUSES, now in CANDIDATE_STATUSES
    if is_ and not was:
        return BECAME
    if was and not is_:
        return STOPPED
    if was and is_ and previous != now:
        return MOVED
    return None


def _run_trial(store: Any, trial_id: str, version: int | None) -> Trial | None:
    """The trial as run with protocol `version` (None: the auto reading), or None when the
    database no longer holds the trial."""
    from matcher.errors import ReviewError

    try:
        for protocol in _version_protocols(store, trial_id) if version is not None else ():
            if protocol.version == version:
                return protocol.trial
        return _stored_trial(store, trial_id)
    except ReviewError:
        return None


def _outcome_code(criterion_type: str, status: str | None) -> str | None:
    from matcher.judge.outcome import outcome_of

    return None if status is None else outcome_of(criterion_type, status).code


def run_changes(store: Any, run_id: int | None = None,
                trial_ids: Sequence[str] | None = None) -> RunChanges | None:
    """What changed between a completed nightly run (default: the latest) and the completed
    nightly run before it, per trial the run evaluated (`trial_ids`: only those): the
    patients who became eligible or possible, those who stopped being so, and those who
    moved between eligible and possible, each with the criteria whose outcome changed.

    Read from the stored results only, with the comparison the nightly report makes
    (matcher.store.changes): nothing is evaluated. None when there is no completed nightly
    run; a run id that is not one is a StoreError naming it."""
    from matcher.errors import StoreError

    if run_id is None:
        run = store.last_finished_run()
        if run is None:
            return None
    else:
        run = store.run(run_id)
        if run is None or run["status"] != "completed" or run.get("kind") not in (
                None, "nightly"):
            raise StoreError(f"run {run_id} is not a completed nightly run", field="run",
                             received=str(run_id), expected="a completed nightly run's id")
    return changes_between(store, run, store.last_finished_run(before=run["run_id"]),
                           trial_ids)


def changes_between(store: Any, run: Mapping[str, Any], previous: Mapping[str, Any] | None,
                    trial_ids: Sequence[str] | None = None) -> RunChanges:
    """run_changes of two given `runs` rows (`previous` None: nothing to compare with);
    the nightly job calls it for its digest before it marks its own run completed."""
    from matcher.criteria.render import reading
    from matcher.store.changes import (
        STATUSES,
        changed_rows,
        compare_rows,
        trials_of_run,
        vanished_candidates,
    )

    vocab = vocabulary()
    trials = []
    for row in trials_of_run(store.db, run["run_id"]):
        if trial_ids is not None and row["trial_id"] not in trial_ids:
            continue
        trial = _run_trial(store, row["trial_id"], row["protocol_version"])
        criteria = {c.id: c for c in trial.criteria} if trial is not None else {}
        before = previous["run_id"] if previous else None
        compared = before is not None and store.has_results(before, row["trial_id"])
        # Only the rows whose status changed (matcher.store.changes.changed_rows): their
        # comparison is the nightly report's (compare_rows); the counts are the set's own.
        found = compare_rows(
            changed_rows(store.db, run["run_id"], before, row["trial_id"]) if compared else (),
            before if compared else None, {cid: c.text for cid, c in criteria.items()})
        counts = {status: row["counts"].get(status, 0) for status in STATUSES}
        patients: list[PatientChange] = []
        if found.compared_with_run is not None:
            for change in found.status_changes + [
                    {**c, "criteria": []} for c in found.new_candidates
                    if c["previous_status"] is None]:  # a patient new to the data
                direction = _direction(change["previous_status"], change["status"])
                if direction is None:
                    continue
                patients.append(PatientChange(
                    change["patient_id"], direction, change["previous_status"],
                    change["status"], change["rank"], tuple(
                        CriterionChange(
                            c["id"], c["key"], c["type"],
                            reading(criteria[c["id"]], vocab) if c["id"] in criteria
                            else c["key"], c["text"], c["previous_status"], c["status"],
                            _outcome_code(c["type"], c["previous_status"]),
                            _outcome_code(c["type"], c["status"]), c["reason"])
                        for c in change["criteria"])))
            patients += [PatientChange(v["patient_id"], STOPPED, v["previous_status"], None,
                                       None, ())
                         for v in vanished_candidates(store.db, run["run_id"],
                                                      found.compared_with_run, row["trial_id"])]
        patients.sort(key=lambda p: (p.rank is None, p.rank or 0, p.patient_id))
        trials.append(TrialChangeList(
            row["trial_id"], trial.title if trial is not None else row["trial_id"],
            row["protocol_version"], found.compared_with_run, counts, tuple(patients)))
    return RunChanges(run["run_id"], run["as_of"], previous["run_id"] if previous else None,
                      previous["as_of"] if previous else None, tuple(trials))


def run_changes_to_json(changes: RunChanges | None) -> dict[str, Any]:
    """The JSON API's /api/changes: the run, the run compared with, and per trial the
    patients by direction with the criteria that changed (reasons included: PHI)."""
    from dataclasses import asdict

    if changes is None:
        return {"run_id": None, "as_of": None, "previous_run": None, "previous_as_of": None,
                "trials": []}
    out = asdict(changes)
    for trial in out["trials"]:
        patients = trial.pop("patients")
        for direction in (BECAME, STOPPED, MOVED):
            trial[direction] = [p for p in patients if p["direction"] == direction]
    return out
