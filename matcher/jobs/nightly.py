"""The nightly match job: load the day's note exports, parse what is new, match every
patient against every open trial, and report what changed since the last finished run.

The job is meant to run unattended (cron, a systemd timer) and to be killed at any
moment without harm:

- One run at a time: an exclusive `flock` on `<db>.lock`, taken before anything else and
  released by the kernel when the process ends, however it ends (no stale lock).
- Configuration first: every source path must be readable and every trial file must
  parse before the database is opened; otherwise ConfigurationError (exit 1), nothing
  written.
- Every write is a committed batch: notes (content hash, so a reread note is a no-op),
  findings (replace_findings, so a reparsed note is a swap), results (one transaction
  per trial, under this run's id). A killed run leaves committed batches that the next
  run simply does not redo, and partial results that the next run drops before
  starting (the killed run stays `finished IS NULL`, status `interrupted`).
- Rejects are kept once per (file, line, reason, raw row): reading the same exports
  again adds nothing.
- "Changes" compare this run's statuses with the last *finished* run's.

Logs name files, lines, note and patient ids and counts; never note text.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from matcher.errors import ConfigurationError, LockHeldError
from matcher.interchange.fhir import FhirReader, looks_like_fhir
from matcher.interchange.load import load_items
from matcher.interchange.omop import codes_from_vocabulary, find_tables, is_omop, read_omop
from matcher.interchange.omop_map import load_concept_map
from matcher.jobs.digest import write_atomic, write_digest
from matcher.jobs.engine import EmbeddedEngine, Engine, evaluator_version, refreshed_scores_and_ps
from matcher.model import Finding, Note, Trial
from matcher.store import DEFAULT_DB, Store
from matcher.store.changes import STATUSES, trial_changes
from matcher.store.csvout import csv_text
from matcher.store.ingest import IngestReport, Reject, file_label, load_rows, read_rows

log = logging.getLogger(__name__)

LOAD_BATCH = 500  # note rows per transaction while loading
PARSE_BATCH = 256  # notes per transaction while storing findings
TRIAL_SUFFIXES = frozenset({".txt", ".json"})
FILE_LINE = 0  # the `line` of a reject that concerns a whole file

ProgressMode = Literal["auto", "bar", "log", "quiet"]


# --- report ---------------------------------------------------------------------------------


@dataclass
class RejectEntry:
    file: str
    line: int
    reason: str


@dataclass
class TrialReport:
    trial_id: str
    title: str
    source: str | None
    counts: dict[str, int]
    compared_with_run: int | None  # None: the trial was never in a finished run before
    # The protocol the patients were judged with (None: the auto reading, never approved)
    # and how many of its criteria nobody reviewed (matcher.review).
    protocol_version: int | None = None
    unreviewed: int = 0
    new_candidates: list[dict[str, Any]] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # eligible + possible now
    # Results evaluated tonight by reason (REEVALUATION_REASONS) and "carried" forward.
    evaluation: dict[str, int] = field(default_factory=dict)


@dataclass
class NightlyReport:
    run_id: int
    as_of: dt.date
    started: str
    finished: str | None
    pipeline_version: str
    previous_run: int | None
    previous_as_of: str | None
    source_files: list[str] = field(default_factory=list)
    trial_files: list[str] = field(default_factory=list)
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    parsed: int = 0
    parse_seconds: float = 0.0
    parse_failed: list[str] = field(default_factory=list)
    rejects: list[RejectEntry] = field(default_factory=list)
    new_rejects: int = 0
    patients: int = 0
    trials: list[TrialReport] = field(default_factory=list)
    interrupted_runs: list[int] = field(default_factory=list)
    # Stored trials not evaluated tonight and why ("not recruiting (COMPLETED)", "no
    # approved protocol version"): never silently left out (--all-trials includes them).
    skipped_trials: list[dict[str, str]] = field(default_factory=list)
    report_files: list[str] = field(default_factory=list)
    digest_file: str | None = None  # --digest: the changes digest of this run
    skipped_files: list[str] = field(default_factory=list)  # loaded in full by an earlier run
    # Coded facts of FHIR sources (matcher.interchange): "facts" read, then by outcome
    # ("timeline", "unmapped", "undated"), "values_left_out", "skipped" (entered-in-error,
    # resource types not read).
    coded: dict[str, int] = field(default_factory=dict)
    # Per trial id: results evaluated tonight by reason, and carried forward (issue 17).
    evaluation: dict[str, dict[str, int]] = field(default_factory=dict)
    full: bool = False  # --full: nothing carried forward

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def parse_rate(self) -> float:
        return self.parsed / self.parse_seconds if self.parse_seconds > 0 else 0.0

    def counts(self) -> dict[str, Any]:
        """The run's counts as stored in runs.counts_json."""
        return {
            "files": len(self.source_files),
            "rows": self.rows,
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "parsed": self.parsed,
            "parse_failed": len(self.parse_failed),
            "rejected": self.rejected,
            "new_rejects": self.new_rejects,
            "patients": self.patients,
            "evaluation": self.evaluation_totals(),
            **({"coded": dict(self.coded)} if self.coded else {}),
            "trials": {
                t.trial_id: {
                    **t.counts,
                    "new_candidates": len(t.new_candidates),
                    "status_changes": len(t.status_changes),
                }
                for t in self.trials
            },
        }

    def evaluation_totals(self) -> dict[str, int]:
        """Results evaluated tonight by reason, and carried forward, over every trial."""
        totals: Counter[str] = Counter()
        for counts in self.evaluation.values():
            totals.update(counts)
        return {k: totals[k] for k in (*REEVALUATION_REASONS, "carried")}

    @property
    def unreviewed_trials(self) -> list[TrialReport]:
        return [t for t in self.trials if t.unreviewed]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["unreviewed_trials"] = [
            {"trial_id": t.trial_id, "unreviewed": t.unreviewed,
             "protocol_version": t.protocol_version} for t in self.unreviewed_trials
        ]
        data["rejected"] = self.rejected
        data["evaluation_totals"] = self.evaluation_totals()
        data["parse_rate"] = round(self.parse_rate, 1)
        data["parse_seconds"] = round(self.parse_seconds, 3)
        return data


# --- configuration --------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Everything a run needs, checked before anything is written."""

    files: tuple[Path, ...]
    not_exports: dict[Path, RejectEntry]  # readable files that are not JSONL/CSV at all
    trials: tuple[Trial, ...]  # of --trials: stored (with their records) before evaluating
    trial_files: tuple[Path, ...]
    db: Path
    lock: Path
    report_dir: Path
    records: tuple[Any, ...] = ()  # the registry records of `trials`, in the same order
    all_trials: bool = False  # evaluate every stored trial, not only approved recruiting ones
    digest_dir: Path | None = None  # --digest: where the changes digest goes


def plan_run(
    sources: Sequence[str | Path],
    trials: str | Path | None,
    db_path: str | Path | None = None,
    report_dir: str | Path = "reports",
    all_trials: bool = False,
    digest_dir: str | Path | None = None,
) -> Plan:
    """Check the configuration without writing anything; ConfigurationError if unusable."""
    if not sources:
        raise ConfigurationError("no --source given", expected="a note export file or folder")
    db = Path(db_path or os.environ.get("MATCHER_DB") or DEFAULT_DB).expanduser()
    if str(db) == ":memory:":
        raise ConfigurationError(
            "the nightly job needs a database file", field="--db", expected="a file path"
        )
    if not db.resolve().parent.is_dir():
        raise ConfigurationError(
            "the database's folder does not exist",
            file=str(db),
            expected="a path in an existing folder",
        )
    if db.exists() and not db.is_file():
        raise ConfigurationError("the database path is not a file", file=str(db))
    lock = Path(str(db) + ".lock")
    ours = {Path(str(db) + s).resolve() for s in ("", "-wal", "-shm", "-journal", ".lock")}
    files = _source_files(sources, ours)
    not_exports = {}
    for path in files:
        problem = _format_problem(path)
        if problem is not None:
            not_exports[path] = problem
    loaded, trial_files = _load_trials(Path(trials)) if trials is not None else ([], [])
    report = Path(report_dir).expanduser()
    _check_writable_dir(report, "--report")
    digest = Path(digest_dir).expanduser() if digest_dir is not None else None
    if digest is not None:
        _check_writable_dir(digest, "--digest")
    return Plan(
        files=tuple(files),
        not_exports=not_exports,
        trials=tuple(t for t, _ in loaded),
        trial_files=tuple(trial_files),
        db=db,
        lock=lock,
        report_dir=report,
        records=tuple(r for _, r in loaded),
        all_trials=all_trials,
        digest_dir=digest,
    )


def _source_files(sources: Sequence[str | Path], skip: set[Path]) -> list[Path]:
    """Files as given; a folder stands for every regular, non-hidden file directly in it,
    in name order (the format is told by content: a file that is not a note export
    becomes a reject, not silence), except an OMOP CDM folder (one holding a person
    table), which is one source. The same file named twice is read once."""
    found: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        try:
            with path.open("rb") as fh:
                fh.read(1)
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the source file: {exc.strerror or exc}", file=str(path)
            ) from exc
        key = path.resolve()
        if key not in seen and key not in skip:
            seen.add(key)
            found.append(path)

    for source in map(Path, sources):
        if source.is_dir() and is_omop(source):
            # An OMOP CDM folder is one export (its tables refer to each other's rows).
            if source.resolve() not in seen:
                seen.add(source.resolve())
                found.append(source)
        elif source.is_dir():
            try:
                children = sorted(source.iterdir(), key=lambda p: p.name)
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot list the source folder: {exc.strerror or exc}", file=str(source)
                ) from exc
            for child in children:
                if child.name.startswith(".") or not child.is_file():
                    continue
                add(child)
        elif source.is_file():
            add(source)
        elif source.exists():
            raise ConfigurationError("the source is neither a file nor a folder", file=str(source))
        else:
            raise ConfigurationError(
                "no such file or folder", file=str(source), expected="a note export or a folder"
            )
    return found


def _format_problem(path: Path) -> RejectEntry | None:
    """Why a readable file cannot be read as a note export at all, or None. A FHIR file
    (told by its content) is an export: its resources are read one by one, each bad one a
    reject."""
    if looks_like_fhir(path) or is_omop(path):
        return None
    try:
        next(read_rows(path), None)
    except ConfigurationError as exc:
        reason = f"not a note export: {exc.detail}"
        if exc.expected:
            reason += f" (expected {exc.expected})"
        return RejectEntry(file_label(path), exc.line or FILE_LINE, reason)
    return None


def _load_trials(path: Path) -> tuple[list[tuple[Trial, Any]], list[Path]]:
    from matcher import api
    from matcher.criteria.registry import read_registry_all, record_to_trial

    if path.is_dir():
        files = sorted(
            (
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in TRIAL_SUFFIXES
            ),
            key=lambda p: p.name,
        )
        if not files:
            raise ConfigurationError(
                "no registry files in the folder",
                file=str(path),
                expected="registry dumps named *.txt or *.json",
            )
    elif path.is_file():
        files = [path]
    else:
        raise ConfigurationError(
            "no such file or folder", file=str(path), expected="a registry dump or a folder of them"
        )
    trials: dict[str, tuple[Trial, Path, Any]] = {}
    for file in files:
        for record in read_registry_all(file):  # RegistryError (exit 1) names the file
            trial = record_to_trial(record, api.vocabulary())
            known = trials.get(trial.trial_id)
            if known is None:
                trials[trial.trial_id] = (trial, file, record)
            elif _trial_key(known[0]) != _trial_key(trial):
                raise ConfigurationError(
                    f"trial {trial.trial_id} is also in {known[1]} with other criteria; "
                    "which one is current cannot be known",
                    file=str(file),
                    expected="one registry record per trial id",
                )
            # else: the same trial in two formats (registry_dumps/ has .json and .txt)
    return [(t, record) for t, _, record in trials.values()], files


def _trial_key(trial: Trial) -> str:
    return json.dumps(
        [trial.title, trial.min_age_years, trial.max_age_years, trial.sex]
        + [c.to_json() for c in trial.criteria],
        sort_keys=True,
    )


def _check_writable_dir(path: Path, option: str) -> None:
    if path.exists():
        if not path.is_dir():
            raise ConfigurationError("not a folder", file=str(path), field=option)
        if not os.access(path, os.W_OK | os.X_OK):
            raise ConfigurationError("the folder is not writable", file=str(path), field=option)
        return
    parent = path.resolve().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigurationError("cannot create the folder", file=str(path), field=option)


# --- lock -----------------------------------------------------------------------------------


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """flock(LOCK_EX | LOCK_NB) on a sidecar file for the whole run.

    The kernel drops the lock when the descriptor closes, including on SIGKILL, so a
    killed run never leaves a stale lock. The file itself stays (removing a lock file
    that another process may be opening is a race); it holds the owner's pid.
    """
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot open the lock file: {exc.strerror or exc}", file=str(path)
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise LockHeldError(
                "another nightly run"
                + (f" (pid {holder})" if holder.isdigit() else "")
                + " holds the database; this run did nothing",
                file=str(path),
                expected="one nightly run at a time: try again when the other has finished",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


# --- progress -------------------------------------------------------------------------------


class _Progress:
    """A tqdm bar (rate, ETA) on a terminal; otherwise nothing: phases log one line each."""

    def __init__(self, mode: ProgressMode) -> None:
        if mode == "auto":
            mode = "bar" if _stderr_is_tty() else "log"
        self.mode = mode

    @contextmanager
    def bar(self, total: int, unit: str, desc: str) -> Iterator[Callable[[int], None]]:
        if self.mode != "bar" or total == 0:
            yield lambda n: None
            return
        from tqdm import tqdm

        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except (OSError, AttributeError, ValueError):
            columns = 0
        # A terminal that reports no width (some ptys) would get an empty bar.
        width: dict[str, Any] = {"dynamic_ncols": True}
        if columns <= 0:
            width = {"ncols": 100, "nrows": 24}
        with tqdm(
            total=total, unit=unit, desc=desc, file=sys.stderr, smoothing=0.1, **width
        ) as bar:
            yield bar.update


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# --- the run --------------------------------------------------------------------------------


def run_nightly(
    sources: Sequence[str | Path],
    trials: str | Path,
    db_path: str | Path | None = None,
    as_of: dt.date | None = None,
    report_dir: str | Path = "reports",
    *,
    progress: ProgressMode = "auto",
    note_parser: Any = None,
    engine: Engine | None = None,
    workers: int | None = None,
    all_trials: bool = False,
    digest_dir: str | Path | None = None,
    full: bool = False,
) -> NightlyReport:
    """One nightly run; see the module docstring. Raises ConfigurationError (nothing
    written) or LockHeldError (another run holds the database).

    `trials` (a registry file or folder, or None) are stored first, with their records; the
    run then evaluates every stored trial that has an approved protocol version and is
    recruiting (`all_trials`: every stored trial). `engine` does the parsing and evaluation
    (default: an EmbeddedEngine with `workers` processes, one per core); `note_parser` runs
    in this process instead (tests). `digest_dir`: write the changes digest there too
    (matcher.jobs.digest). `full`: every patient is evaluated for every trial, no earlier
    result carried forward (see _evaluate)."""
    clock = time.monotonic()
    plan = plan_run(sources, trials, db_path, report_dir, all_trials, digest_dir)
    as_of = as_of or dt.date.today()
    shown = _Progress(progress)
    with exclusive_lock(plan.lock):
        owned = engine is None
        if engine is None:
            engine = EmbeddedEngine(workers=workers, parser=note_parser)
        store = Store(plan.db)
        _large_cache(store)
        try:
            report = _run(store, plan, as_of, engine, shown, clock, full)
        finally:
            store.close()
            if owned:
                engine.close()
    return report


# The nightly job's own connection reads the file through a memory map and keeps more pages
# (the web app's connections keep SQLite's defaults, and their small resident memory). A
# night that carries 200,000 results reads each carried row's refresh inputs by key and
# adds an entry per row to the criteria-digest index, whose pages lie all over the file:
# through read() calls into a 2 MB cache, each such page was read again and again.
MMAP_BYTES = 4 << 30  # address space, not memory: pages are the OS's file cache
CACHE_KIB = 256 << 10  # dirty pages kept until a commit instead of spilled mid-transaction


def _large_cache(store: Store) -> None:
    if store.path != ":memory:":
        store.db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    store.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def _run(
    store: Store, plan: Plan, as_of: dt.date, engine: Engine, shown: _Progress, clock: float,
    full: bool = False,
) -> NightlyReport:
    interrupted = store.abandon_unfinished_runs()
    if interrupted:
        log.warning(
            "run(s) %s did not finish (killed?): marked interrupted, partial results dropped",
            ", ".join(map(str, interrupted)),
        )
    with store.transaction():
        run_id = store.start_run(as_of, engine.version)
        started = store.run(run_id)["started"]
    previous = store.last_finished_run(before=run_id)
    report = NightlyReport(
        run_id=run_id,
        as_of=as_of,
        started=started,
        finished=None,
        pipeline_version=engine.version,
        previous_run=previous["run_id"] if previous else None,
        previous_as_of=previous["as_of"] if previous else None,
        source_files=[file_label(p) for p in plan.files],
        trial_files=[file_label(p) for p in plan.trial_files],
        interrupted_runs=interrupted,
        full=full,
    )
    log.info(
        "nightly run %d as of %s: %d source file(s), %d trial(s), pipeline %s, engine %s",
        run_id,
        as_of,
        len(plan.files),
        len(plan.trials),
        engine.version,
        engine.name,
    )
    try:
        _store_trials(store, plan)
        tonight = _trials_to_evaluate(store, plan.all_trials, report)
        _load(store, plan, report)
        _parse(store, engine, report, shown)
        _evaluate(store, engine, plan, tonight, as_of, report, previous, shown, full)
        report.finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if plan.digest_dir is not None:  # before the report, which names it
            _write_digest(store, plan.digest_dir, run_id, previous, report)
        # The files first, the run's "completed" last: a run killed in between is redone
        # and rewrites the same report; a completed run always has its report.
        report.report_files = write_report(report, plan.report_dir, store)
        log.info("report: %s", ", ".join(report.report_files))
        with store.transaction():
            store.finish_run(run_id, "completed", report.counts())
    except BaseException as exc:
        try:
            if isinstance(exc, Exception):  # a bug or the database: recorded as failed
                store.drop_results(run_id)
                with store.transaction():
                    store.finish_run(
                        run_id, "failed", {**report.counts(), "error": type(exc).__name__}
                    )
            else:  # SIGTERM / Ctrl-C: as if killed, without waiting for the next run
                store.abandon_unfinished_runs()
        except Exception:  # the database itself may be what failed; the next run cleans up
            log.warning("could not record how run %d ended", run_id)
        raise
    log.info("run %d completed in %.1fs", run_id, time.monotonic() - clock)
    return report


def _write_digest(store: Store, folder: Path, run_id: int, previous: dict[str, Any] | None,
                  report: NightlyReport) -> None:
    """The changes digest (matcher.jobs.digest) of tonight's trials, from the stored
    results as the web page's "What changed" reads them."""
    from matcher import api

    changes = api.changes_between(store, store.run(run_id), previous,
                                  [t.trial_id for t in report.trials])
    report.digest_file = str(write_digest(changes, folder))
    log.info("digest: %s", report.digest_file)


def _store_trials(store: Store, plan: Plan) -> None:
    """The --trials records, each with its registry record (so `trial export` carries it)
    and as a new record version only when it changed (matcher.api.import_records)."""
    from matcher import api

    read = list(zip(plan.records, plan.trials, strict=True))
    outcomes = [t.outcome for t in api.import_read(store, read)]
    if outcomes:
        log.info("trials: %d stored: %d new, %d changed, %d unchanged", len(outcomes),
                 outcomes.count("new"), outcomes.count("changed"), outcomes.count("unchanged"))


# CT.gov statuses under which a trial takes patients: a nightly run evaluates these.
OPEN_STATUSES = ("RECRUITING", "ENROLLING_BY_INVITATION")


def _trials_to_evaluate(store: Store, all_trials: bool, report: NightlyReport) -> list[Trial]:
    """Every stored trial (its auto reading; _evaluate judges with the protocol in use)
    that has an approved protocol version and an open recruitment status, or every one with
    `all_trials`. The others go to report.skipped_trials with their reasons."""
    from matcher.review.protocol import trial_from_stored

    records = store.latest_trial_records()
    chosen = []
    for row in store.trials():
        trial = trial_from_stored(row)
        status = records.get(trial.trial_id, {}).get("status")
        reasons = []
        if not store.protocol_versions(trial.trial_id):
            reasons.append("no approved protocol version")
        if status not in OPEN_STATUSES:
            reasons.append(f"not recruiting ({status})" if status
                           else "recruitment status not stated")
        if reasons and not all_trials:
            report.skipped_trials.append({"trial_id": trial.trial_id, "reason": "; ".join(reasons)})
        else:
            chosen.append(trial)
    if report.skipped_trials:
        log.warning("%d stored trial(s) not evaluated (not approved or not recruiting; "
                    "--all-trials includes them): %s", len(report.skipped_trials),
                    ", ".join(t["trial_id"] for t in report.skipped_trials))
    return chosen


def _load(store: Store, plan: Plan, report: NightlyReport) -> None:
    began = time.monotonic()
    for path in plan.files:
        problem = plan.not_exports.get(path)
        if problem is not None:
            _reject(store, report, Reject(problem.file, problem.line, problem.reason))
            continue
        digest = file_digest(path)
        known = store.loaded_file(digest)
        if known is not None:
            # Loaded in full before, byte for byte: every row would be "unchanged".
            # Its rejects are listed again (they are still there), not stored again.
            rejects = _stored_rejects(store, path)
            report.rows += known["rows"]
            report.unchanged += known["rows"] - len(rejects)  # a reject is not a note
            report.rejects += [
                RejectEntry(r["source_file"], r["line"], r["reason"]) for r in rejects
            ]
            report.skipped_files.append(file_label(path))
            continue
        rows_before = report.rows
        if is_omop(path):
            _load_omop(store, path, report)
        elif looks_like_fhir(path):
            _load_fhir(store, path, report)
        else:
            load_rows(
                store,
                read_rows(path),
                report,
                lambda reject: _reject(store, report, reject),
                source=path,
            )
        # After every batch is committed: a run killed mid-file reads the file again.
        rows = report.rows - rows_before
        store.mark_file_loaded(digest, file_label(path), _source_size(path), rows)
    log.info(
        "load: %d file(s) (%d already loaded, skipped), %d row(s) in %.1fs: %d new, %d changed, "
        "%d unchanged, %d rejected (%d not seen before)",
        len(plan.files),
        len(report.skipped_files),
        report.rows,
        time.monotonic() - began,
        report.new,
        report.changed,
        report.unchanged,
        report.rejected,
        report.new_rejects,
    )


def _load_fhir(store: Store, path: Path, report: NightlyReport) -> None:
    """A FHIR file (Bundle or NDJSON) through the interchange loader, as `matcher ingest`
    loads it; its counts join the run's."""
    counts = IngestReport()
    from matcher import api

    vocabulary = api.vocabulary()
    reader = FhirReader(vocabulary)
    load_items(store, reader.read(path), counts, vocabulary=vocabulary,
               reject=lambda reject: _reject(store, report, reject), source=path)  # fmt: skip
    _join_coded(report, counts, skipped=sum(reader.ignored.values()))


def _load_omop(store: Store, path: Path, report: NightlyReport) -> None:
    """An OMOP CDM export (folder of table files, or SQLite file) through the interchange
    loader with the bundled concept map, as `matcher ingest` loads it; what the reader
    leaves out (censored values, unknown unit concepts, a birth year alone) is counted
    with the values left out."""
    from matcher import api

    vocabulary = api.vocabulary()
    counts = IngestReport()
    left_out: Counter[str] = Counter()
    items = read_omop(
        path,
        codes=codes_from_vocabulary(vocabulary.concepts),
        concept_map=load_concept_map(known_concepts=vocabulary.concepts),
        counts=left_out,
    )
    load_items(store, items, counts, vocabulary=vocabulary,
               reject=lambda reject: _reject(store, report, reject), source=path)  # fmt: skip
    _join_coded(report, counts, left_out=sum(left_out.values()))


def _join_coded(
    report: NightlyReport, counts: IngestReport, *, skipped: int = 0, left_out: int = 0
) -> None:
    """An interchange load's counts (notes, coded facts) added to the run's."""
    report.rows += counts.rows
    report.new += counts.new
    report.changed += counts.changed
    report.unchanged += counts.unchanged
    coded = report.coded
    coded["facts"] = coded.get("facts", 0) + counts.facts
    for outcome, n in counts.fact_outcomes.items():
        coded[outcome] = coded.get(outcome, 0) + n
    left_out += sum(counts.values_left_out.values())
    skipped += sum(counts.skipped.values())
    for key, n in (("values_left_out", left_out), ("skipped", skipped)):
        if n:
            coded[key] = coded.get(key, 0) + n


def _omop_files(path: Path) -> list[Path]:
    """The table files an OMOP folder source is read from (none for a SQLite file)."""
    return sorted(find_tables(path).values()) if path.is_dir() else []


def _source_size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in _omop_files(path))
    return path.stat().st_size


def _stored_rejects(store: Store, path: Path) -> list[dict[str, Any]]:
    """The stored rejects of a source: its file's, or every table's of an OMOP folder
    ("cdm/measurement.csv") or SQLite file ("cdm.sqlite:measurement")."""
    if path.is_dir():
        return [r for table in _omop_files(path) for r in store.rejects(file_label(table))]
    if is_omop(path):
        prefix = f"{file_label(path)}:"
        return [r for r in store.rejects() if r["source_file"].startswith(prefix)]
    return store.rejects(file_label(path))


def file_digest(path: Path) -> str:
    """sha256 of a source's bytes; of an OMOP folder, of its table files' names and bytes
    (a changed table is a changed source, a file beside them that is no table is not)."""
    sha = hashlib.sha256()
    for file in _omop_files(path) if path.is_dir() else [path]:
        if path.is_dir():
            sha.update(file.name.lower().encode() + b"\0")
        with file.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                sha.update(chunk)
    return sha.hexdigest()


def _reject(store: Store, report: NightlyReport, reject: Reject) -> None:
    if store.add_reject_once(reject.file, reject.line, reject.reason, reject.raw):
        report.new_rejects += 1
    report.rejects.append(RejectEntry(reject.file, reject.line, reject.reason))


def _parse(store: Store, engine: Engine, report: NightlyReport, shown: _Progress) -> None:
    version = engine.version
    total = store.count_notes_to_parse(version)
    log.info("parse: %d note(s) to parse with %s", total, version)
    began = time.monotonic()
    batch: list[tuple[Note, list[Finding]]] = []

    def commit() -> None:
        # Parsing happens outside the transaction (slow, in workers); a batch of notes'
        # findings is stored in one (fast), so a kill loses at most one batch of work.
        with store.transaction():
            for note, findings in batch:
                store.replace_findings(note.note_id, note.patient_id, findings, version)
        report.parsed += len(batch)
        batch.clear()

    with shown.bar(total, "note", "parse") as advance:
        for note, findings in engine.parse(store.notes_to_parse(version)):
            if findings is None:  # stays unparsed: retried next run
                report.parse_failed.append(note.note_id)
            else:
                batch.append((note, findings))
            if len(batch) >= PARSE_BATCH:
                commit()
            advance(1)
        if batch:
            commit()
    report.parse_seconds = time.monotonic() - began
    log.info(
        "parse: done, %d note(s) in %.1fs (%.0f notes/s), %d failed",
        report.parsed,
        report.parse_seconds,
        report.parse_rate,
        len(report.parse_failed),
    )


def _evaluate(
    store: Store,
    engine: Engine,
    plan: Plan,
    tonight: Sequence[Trial],
    as_of: dt.date,
    report: NightlyReport,
    previous: dict[str, Any] | None,
    shown: _Progress,
    full: bool = False,
) -> None:
    """Results are written in batches as the engine yields them (memory stays flat at
    100k patients); ranks are set once every patient of a trial has a result, from a
    small key per patient.

    Incremental (issue 17): a patient is evaluated again for a trial only when the trial's
    last nightly set cannot be built on (another protocol version or reading, pipeline,
    eligibility model or evaluator, or a later as-of), when the patient's findings version
    changed (or the patient is new), or when the stored result's validity ended
    (holds_until <= tonight's as-of); every other result is carried forward: its row
    copied inside SQLite (api.store_ranking's `carried`), its score and P(eligible)
    recomputed for tonight from refresh_json in batches (engine.refreshed_scores_and_ps;
    no criteria decoded, nobody evaluated). `full`: everyone is evaluated."""
    from matcher import api
    from matcher.store import incremental_tables

    began = time.monotonic()
    protocols = _protocols(store, tonight)
    trials = [protocols[t.trial_id].trial for t in tonight]
    versions = {t.trial_id: protocols[t.trial_id].version for t in tonight}
    # The eligibility model orders patients inside a status group, as `matcher match` and
    # the web app order them (the pages read what this run stores).
    model = api.eligibility_model()
    model_version = model.version if model else None
    evaluator = evaluator_version()
    # Read before anything is evaluated: a write from now on leaves rows older.
    with store.transaction():
        findings_versions = incremental_tables.patient_versions(store.db)
    report.patients = len(findings_versions)
    wanted: dict[str, list[str]] = {}
    carried: dict[str, tuple[int, list[str]]] = {}  # trial id -> (earlier run, patients)
    reasons: dict[str, dict[str, str]] = {}  # trial id -> patient id -> why evaluated
    for trial in trials:
        kept = None if full else _earlier_set(store, trial, versions, as_of, engine.version,
                                              model_version, evaluator)
        counts = dict.fromkeys(REEVALUATION_REASONS, 0)
        if kept is None:
            wanted[trial.trial_id] = sorted(findings_versions)
            reason = "full" if full else "trial"
            counts[reason] = len(findings_versions)
            counts["carried"] = 0
            reasons[trial.trial_id] = dict.fromkeys(findings_versions, reason)
        else:
            split = incremental_tables.classify(store.db, kept, trial.trial_id,
                                                as_of.isoformat(), findings_versions)
            wanted[trial.trial_id] = sorted(split[incremental_tables.FINDINGS]
                                            + split[incremental_tables.EXPIRED])
            carried[trial.trial_id] = (kept, split[incremental_tables.CARRY])
            counts["findings"] = len(split[incremental_tables.FINDINGS])
            counts["expired"] = len(split[incremental_tables.EXPIRED])
            counts["carried"] = len(split[incremental_tables.CARRY])
            reasons[trial.trial_id] = {
                **dict.fromkeys(split[incremental_tables.FINDINGS], "findings"),
                **dict.fromkeys(split[incremental_tables.EXPIRED], "expired")}
        report.evaluation[trial.trial_id] = counts
    evaluated = sum(len(p) for p in wanted.values())
    log.info("evaluate: %d trial(s) x %d patient(s): %d result(s) to evaluate, %d carried "
             "forward", len(trials), report.patients, evaluated,
             sum(len(p) for _, p in carried.values()))
    everyone = all(len(p) == report.patients for p in wanted.values())
    rows = engine.evaluate(plan.db, trials, as_of, model,
                           None if everyone else {t: frozenset(p) for t, p in wanted.items()})
    with shown.bar(report.patients * len(trials), "result", "evaluate") as advance:
        api.store_ranking(store, report.run_id, trials, as_of, rows, versions,
                          model_version=model_version, pipeline_version=engine.version,
                          on_rows=advance, evaluator_version=evaluator,
                          findings_versions=findings_versions, carried=carried,
                          refresh=functools.partial(refreshed_scores_and_ps, as_of=as_of,
                                                    model=model))
    for trial in trials:
        compared = _compare(store, trial, report.run_id, previous)
        compared.protocol_version = versions[trial.trial_id]
        compared.unreviewed = len(protocols[trial.trial_id].unreviewed)
        compared.evaluation = report.evaluation[trial.trial_id]
        why = reasons[trial.trial_id]
        for row in compared.candidates:
            row["evaluated"] = why.get(row["patient_id"], "carried")
        report.trials.append(compared)
    log.info("evaluate: done in %.1fs", time.monotonic() - began)


# Why a result was evaluated tonight (the report counts each, and those carried forward):
# "trial": the trial's last nightly set cannot be built on (none yet, another protocol
# version or reading, NLP pipeline, eligibility model or evaluator, an earlier as-of);
# "findings": the patient's findings version changed, or the patient is new; "expired":
# the stored result's validity ended (a finding left a window, a birthday); "full": --full.
REEVALUATION_REASONS = ("trial", "findings", "expired", "full")


def _earlier_set(store: Store, trial: Trial, versions: dict[str, int | None], as_of: dt.date,
                 pipeline: str, model_version: str | None, evaluator: str) -> int | None:
    """The run id of the trial's last nightly set that tonight can build on, or None."""
    from matcher import api
    from matcher.store import incremental_tables

    kept = incremental_tables.last_nightly_set(store.db, trial.trial_id)
    if kept is None:
        return None
    same = (kept["trial_digest"] == api.trial_digest(trial)
            and kept["protocol_version"] == versions[trial.trial_id]
            and kept["pipeline_version"] == pipeline
            and kept["model_version"] == model_version
            and kept["evaluator_version"] == evaluator
            and kept["as_of"] <= as_of.isoformat())
    return kept["run_id"] if same else None


def _protocols(store: Store, trials: Sequence[Trial]) -> dict[str, Any]:
    """Each trial's protocol in use (its latest approved version, else tonight's auto
    reading), with a warning for every trial a person has not fully reviewed."""
    from matcher import api

    protocols = {}
    for trial in trials:
        protocol, warnings = api.protocol_for_trial(store, trial)
        for warning in warnings:
            log.warning("%s", warning)
        protocols[trial.trial_id] = protocol
    return protocols


def _compare(
    store: Store, trial: Trial, run_id: int, previous: dict[str, Any] | None
) -> TrialReport:
    """This run's statuses for one trial against the last finished run's, from the stored
    results (matcher.store.changes, which the web page's "What changed" reads too)."""
    found = trial_changes(store, trial.trial_id, run_id,
                          previous["run_id"] if previous else None,
                          {c.id: c.text for c in trial.criteria})
    return TrialReport(
        trial_id=trial.trial_id,
        title=trial.title,
        source=trial.source,
        counts=found.counts,
        compared_with_run=found.compared_with_run,
        new_candidates=found.new_candidates,
        status_changes=found.status_changes,
        candidates=found.candidates,
    )


# --- report files -------------------------------------------------------------------------


def write_report(report: NightlyReport, report_dir: Path, store: Store | None = None) -> list[str]:
    """Write YYYY-MM-DD.md, .json and .csv (as-of date) atomically; return their paths.

    A report of the same date from another *completed* run is kept under
    YYYY-MM-DD.run-N.* rather than overwritten (a second run the same day reports no
    changes, and must not erase the morning's report).
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    stem = report.as_of.isoformat()
    _keep_earlier_report(report_dir, stem, report.run_id, store)
    for stale in report_dir.glob(f".{stem}.*.tmp"):  # left by a killed run (we hold the lock)
        stale.unlink(missing_ok=True)
    payload = {
        ".md": render_markdown(report),
        ".json": json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n",
        ".csv": render_csv(report),
    }
    written = []
    for suffix, text in payload.items():
        target = report_dir / f"{stem}{suffix}"
        write_atomic(target, text)
        written.append(str(target))
    return written


def _keep_earlier_report(report_dir: Path, stem: str, run_id: int, store: Store | None) -> None:
    existing = report_dir / f"{stem}.json"
    if store is None or not existing.is_file():
        return
    try:
        old_run = int(json.loads(existing.read_text(encoding="utf-8"))["run_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if old_run == run_id:
        return
    superseded = store.run(old_run)
    if superseded is None or superseded["status"] != "completed":
        return  # a killed run's report: this run redoes it
    for suffix in (".md", ".json", ".csv"):
        old = report_dir / f"{stem}{suffix}"
        if old.exists():
            os.replace(old, report_dir / f"{stem}.run-{old_run}{suffix}")


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: NightlyReport) -> str:
    out: list[str] = [f"# Nightly match report — {report.as_of.isoformat()}", ""]
    out.append(
        f"Run {report.run_id}, as of {report.as_of.isoformat()}, started {report.started}, "
        f"finished {report.finished or '-'}; pipeline `{report.pipeline_version}`."
    )
    if report.previous_run is None:
        out.append("No earlier finished run: every candidate is listed as new.")
    else:
        out.append(
            f"Changes are against run {report.previous_run} (as of {report.previous_as_of or '-'})."
        )
    if report.interrupted_runs:
        out.append(
            "Run(s) " + ", ".join(map(str, report.interrupted_runs)) + " did not finish "
            "(killed?); this run redid their work."
        )
    out += ["", "## Input", ""]
    out.append(
        f"- {len(report.source_files)} source file(s): "
        + (", ".join(f"`{f}`" for f in report.source_files) or "none")
    )
    out.append(
        f"- {report.rows} row(s) read: {report.new} new note(s), {report.changed} changed, "
        f"{report.unchanged} unchanged"
    )
    out.append(
        f"- {report.parsed} note(s) parsed"
        + (f" ({report.parse_rate:.0f} notes/s)" if report.parsed else "")
    )
    out.append(f"- {report.rejected} row(s) rejected ({report.new_rejects} not seen before)")
    if report.coded:
        c = report.coded
        out.append(
            f"- {c.get('facts', 0)} coded fact(s) read: {c.get('timeline', 0)} on the timeline, "
            f"{c.get('unmapped', 0)} unmapped code(s), {c.get('undated', 0)} undated, "
            f"{c.get('values_left_out', 0)} value(s) left out (unit), {c.get('skipped', 0)} "
            "skipped (entered in error, or a resource type not read)"
        )
    if report.parse_failed:
        out.append(
            f"- {len(report.parse_failed)} note(s) the parser could not read (tried again next "
            "run): " + ", ".join(report.parse_failed)
        )
    out.append(f"- {report.patients} patient(s), {len(report.trials)} trial(s)")
    out += ["", "## Evaluation", "", evaluation_sentence(report.evaluation_totals(),
                                                         report.full)]
    out += _trial_table(
        "Trials not evaluated", "Stored trials that are not approved or not recruiting "
        "(`matcher nightly --all-trials` includes them).", "| trial | why |\n|---|---|",
        [f"| {_cell(t['trial_id'])} | {_cell(t['reason'])} |" for t in report.skipped_trials])
    out += _trial_table(
        "Trials with unreviewed criteria", "Their verdicts may be wrong until a coordinator "
        "reviews them (`matcher trial review TRIAL_ID`).",
        "| trial | criteria not reviewed | protocol |\n|---|---:|---|",
        [f"| {_cell(t.trial_id)} | {t.unreviewed} | {_protocol_words(t)} |"
         for t in report.unreviewed_trials])
    for t in report.trials:
        out += ["", f"## {t.trial_id} — {t.title}", ""]
        out.append(f"Protocol: {_protocol_words(t)}"
                   + (f"; **{t.unreviewed} criteria not reviewed: verdicts may be wrong**"
                      if t.unreviewed else "") + ".")
        out.append("")
        out.append("| eligible | possible | ineligible |")
        out.append("|---:|---:|---:|")
        out.append(" | ".join(["", *(str(t.counts[s]) for s in STATUSES), ""]).strip())
        if t.evaluation:
            out += ["", evaluation_sentence(t.evaluation, report.full)]
        if t.compared_with_run is None and report.previous_run is not None:
            out += ["", "First run with this trial: every candidate is new."]
        out += ["", f"### New candidates ({len(t.new_candidates)})", ""]
        if t.new_candidates:
            out.append("| rank | patient | status | score | previous |")
            out.append("|---:|---|---|---:|---|")
            for c in t.new_candidates:
                out.append(
                    f"| {c['rank']} | {_cell(c['patient_id'])} | {c['status']} | "
                    f"{c['score']:.1f} | {c['previous_status'] or 'new'} |"
                )
        else:
            out.append("None.")
        out += ["", f"### Status changes ({len(t.status_changes)})", ""]
        if not t.status_changes:
            out.append("None.")
        for c in t.status_changes:
            out.append(
                f"- **{_cell(c['patient_id'])}**: {c['previous_status']} → {c['status']} "
                f"(rank {c['rank']})"
            )
            for k in c["criteria"]:
                out.append(
                    f"  - {k['type']} `{k['key']}` ({_cell(k['text'])}): "
                    f"{k['previous_status'] or 'not evaluated'} → {k['status']}: "
                    f"{_cell(k['reason'])}"
                )
    out += ["", f"## Rejects ({report.rejected})", ""]
    if report.rejects:
        out.append(
            "Rows of tonight's sources that were not loaded (line 0: the whole file); "
            "the raw rows are in the database's `rejects` table."
        )
        out += ["", "| file | line | reason |", "|---|---:|---|"]
        for r in report.rejects:
            out.append(f"| `{_cell(r.file)}` | {r.line} | {_cell(r.reason)} |")
    else:
        out.append("None.")
    return "\n".join(out) + "\n"


def evaluation_sentence(counts: dict[str, int], full: bool = False) -> str:
    """"12 result(s) evaluated (2 of a trial with a new protocol ..., 7 of patients with
    new or changed findings, 3 whose validity ended); 9,988 carried forward." """
    parts = [f"{counts.get(reason, 0)} {words}" for reason, words in (
        ("trial", "of a trial with no earlier nightly result to build on, or a new protocol "
         "version, reading, NLP pipeline, eligibility model or evaluator"),
        ("findings", "of patients with new or changed findings"),
        ("expired", "whose validity ended (a finding left a window, a birthday)"),
        ("full", "because of --full"),
    ) if counts.get(reason, 0) or (reason == "full" and full)]
    evaluated = sum(counts.get(reason, 0) for reason in REEVALUATION_REASONS)
    return (f"{evaluated} result(s) evaluated" + (f" ({'; '.join(parts)})" if parts else "")
            + f"; {counts.get('carried', 0)} carried forward unchanged (score and "
            "P(eligible) recomputed for the as-of).")


def _trial_table(heading: str, intro: str, header: str, rows: list[str]) -> list[str]:
    """A report section listing trials ("## Trials not evaluated (2)", a sentence, a
    table), or nothing when there are no rows."""
    if not rows:
        return []
    return ["", f"## {heading} ({len(rows)})", "", intro, "", *header.split("\n"), *rows]


def _protocol_words(t: TrialReport) -> str:
    if t.protocol_version is None:
        return "auto reading (never approved)"
    return f"version {t.protocol_version}"


CSV_COLUMNS = (
    "trial_id",
    "rank",
    "patient_id",
    "status",
    "score",
    "previous_status",
    "evaluated",  # why evaluated tonight (REEVALUATION_REASONS), or "carried" forward
    "change",
)


def render_csv(report: NightlyReport) -> str:
    """Every current candidate (eligible or possible) of every trial."""
    rows = []
    for t in report.trials:
        for c in t.candidates:
            if c["previous_status"] is None:
                change = "new"
            elif c["previous_status"] != c["status"]:
                change = "status_changed"
            else:
                change = "unchanged"
            rows.append(
                [
                    t.trial_id,
                    c["rank"],
                    c["patient_id"],
                    c["status"],
                    c["score"],
                    c["previous_status"] or "",
                    c.get("evaluated", ""),
                    change,
                ]
            )
    return csv_text(CSV_COLUMNS, rows)


def summary_lines(report: NightlyReport) -> list[str]:
    """The stdout summary of a run."""
    lines = [
        f"nightly run {report.run_id} as of {report.as_of.isoformat()}: completed"
        + (
            f", compared with run {report.previous_run}"
            if report.previous_run
            else ", first finished run"
        ),
        f"notes: {report.rows} row(s) read from {len(report.source_files)} file(s): "
        f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged; "
        f"parsed {report.parsed}; rejected {report.rejected} ({report.new_rejects} new)"
        + (f"; parser failed on {len(report.parse_failed)}" if report.parse_failed else ""),
    ]
    totals = report.evaluation_totals()
    lines.append("evaluation: " + ", ".join(
        f"{totals[k]} {words}" for k, words in (
            ("trial", "evaluated (trial version)"), ("findings", "evaluated (findings changed)"),
            ("expired", "evaluated (validity ended)"), ("full", "evaluated (--full)"),
            ("carried", "carried forward"))))
    for t in report.trials:
        lines.append(
            f"{t.trial_id}: "
            + ", ".join(f"{t.counts[s]} {s}" for s in STATUSES)
            + f"; {len(t.new_candidates)} new candidate(s), "
            f"{len(t.status_changes)} status change(s)"
        )
    if report.skipped_trials:
        lines.append(f"{len(report.skipped_trials)} trial(s) not evaluated (not approved or not "
                     "recruiting; --all-trials includes them): "
                     + ", ".join(t["trial_id"] for t in report.skipped_trials))
    if report.report_files:
        lines.append("report: " + ", ".join(report.report_files))
    if report.digest_file:
        lines.append(f"digest: {report.digest_file}")
    return lines
