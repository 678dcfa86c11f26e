"""Where the nightly job's heavy work runs: parsing notes and evaluating patients.

An engine turns notes into findings (`parse`) and a database's patients into result rows
(`evaluate`); the nightly job (matcher.jobs.nightly) reads its input from the store, hands it
to an engine, and commits what comes back in batches. Two engines give identical output:

- `EmbeddedEngine` (default): this machine's cores. With more than one worker, worker
  processes load the saved pipeline once each and take notes in batches (a round trip
  per note would cost more than parsing a short lab note); evaluation workers read their
  patients' findings straight from the SQLite file (WAL allows readers beside the one
  writer), so findings are never pickled across processes.
- `matcher.jobs.spark_engine.SparkEngine` (`--engine spark`): Apache Spark through PySpark,
  for more notes than one machine can parse overnight.

Result rows carry the criteria as the JSON that `result_criteria` stores, built by
one function (`matcher.judge.ranking.result_row`) whatever the engine, so a Spark run and an
embedded run can be compared byte for byte.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from matcher.errors import MatcherError, ModelError, StoreError
from matcher.judge.demographics import patient_age
from matcher.judge.eligibility import (
    AGED_FEATURES,
    aged_columns,
    aged_features,
    feature_names,
    steady_features,
)
from matcher.judge.ranking import (
    ResultRow,
    judge_timeline,
    patient_timeline,
    score_at,
    score_parts,
)
from matcher.judge.stored_row import result_row
from matcher.judge.validity import Validity, plain
from matcher.model import Finding, Note, NoteDates, Trial
from matcher.nlp.vocab import Vocabulary

log = logging.getLogger(__name__)

PARSE_TASK = 64  # notes per worker task: big enough to amortise pickling, small for balance
EVAL_TASK = 500  # patients per worker task
IN_FLIGHT_PER_WORKER = 3  # tasks queued per worker: keeps cores busy, memory bounded


class Engine(Protocol):
    name: str
    version: str  # the pipeline version stamped on parsed notes

    def parse(self, notes: Iterable[Note]) -> Iterator[tuple[Note, list[Finding] | None]]:
        """Each note once, with its findings, or None where the parser failed on it
        (the note stays unparsed and is retried next run)."""
        ...

    def evaluate(
        self, db_path: Path, trials: Sequence[Trial], as_of: dt.date, model: Any = None,
        wanted: Mapping[str, Collection[str]] | None = None,
    ) -> Iterator[ResultRow]:
        """A row per (trial, patient) for every patient in the database (`model`: the
        eligibility model whose probability each row carries, None for none); with
        `wanted`, only for the patients it names per trial id (an incremental night)."""
        ...

    def close(self) -> None: ...


# --- parsing and evaluating in one process (also what each worker runs) ----------------------


def note_args(note: Note) -> tuple:
    return (note.text, note.note_id, note.note_date, note.note_type)


def parse_batch(parser: Any, notes: Sequence[tuple]) -> list[list[Finding] | None]:
    """Parse (text, note_id, note_date, note_type) tuples; a note the parser fails on
    gives None and the others still count."""
    try:
        return list(parser.parse_many(notes))
    except Exception:  # find the note(s) at fault
        pass
    out: list[list[Finding] | None] = []
    for args in notes:
        try:
            out.append(next(iter(parser.parse_many([args]))))
        except Exception as exc:
            # Type only: an exception's message may quote the note's text.
            log.warning("parser failed on note %s: %s", args[1], type(exc).__name__)
            out.append(None)
    return out


def evaluate_records(
    records: Iterable[tuple[Any, list[Finding], dict[str, dt.date]]],
    trials: Sequence[Trial],
    as_of: dt.date,
    model: Any = None,
    wanted: Mapping[str, Collection[str]] | None = None,
) -> list[ResultRow]:
    """Each patient's stored row for each trial: statuses, why chips, age, and with an
    eligibility `model` its probability (what orders patients inside a status group, as
    `matcher match` and the web app order them). `wanted`: per trial id, the patients to
    evaluate (an incremental night); None: every patient for every trial.

    The evaluator reads a tracked as-of (matcher.judge.validity), so each row says until
    when it holds, and carries what recomputes its score and probability later
    (refresh_json): an incremental night carries it forward instead of evaluating again."""
    from matcher import api

    vocabulary = api.vocabulary()
    rows = []
    for patient, findings, note_dates in records:
        age_read = Validity(as_of)
        age = patient_age(patient, findings, note_dates, age_read.date())
        # The patient's timeline, built once for all of its trials (building it per trial
        # was 6.1 s of 10.0 s of judging in an incremental night's profile: ~7 expired
        # results a patient). What building it read of the as-of (a note dated after it)
        # joins each trial's Validity, as when each trial built its own.
        timeline_read = Validity(as_of)
        timeline = None
        for trial in trials:
            if wanted is not None and patient.patient_id not in wanted.get(trial.trial_id, ()):
                continue
            if timeline is None:
                timeline = patient_timeline(patient, findings,
                                            NoteDates.of_patient_notes(patient.patient_id,
                                                                       note_dates),
                                            timeline_read.date(), vocabulary)
            read = Validity(as_of)
            read.join(age_read)
            read.join(timeline_read)
            result = judge_timeline(trial, timeline.at(read.date()))
            steady, anchors = steady_features(result, findings, note_dates, read.date())
            p = model.predict(aged_features(steady, anchors, as_of)) if model is not None else None
            row = result_row(trial.trial_id, result, read.date(), p, age, patient.sex)
            base, newest = score_parts(result.status, result.results)
            until = read.holds_until
            rows.append(replace(row, holds_until=until.isoformat() if until else None,
                                refresh_json=refresh_text(base, newest, anchors, steady)))
    return rows


# refresh_json's layout (REFRESH_FORMAT, part of evaluator_version: a night never carries
# a row of another layout): one JSON array of numbers, [score base, newest evidence day,
# the AGED_FEATURES' anchor days, then every model input in feature_names() order], days
# as proleptic ordinals (date.toordinal(); 0: none). Numbers in fixed places, so a night
# decodes 200,000 of them in one json.loads and puts them in a numpy matrix as they come:
# no name looked up, no dict built per row (a dict of names per row was most of the cost
# of carrying a result forward).
REFRESH_FORMAT = "2: [base, newest, anchors..., features...]"
_FIXED = 2 + len(AGED_FEATURES)  # the numbers before the model inputs


def refresh_text(base: float, newest: dt.date | None, anchors: Sequence[dt.date | None],
                 steady: Mapping[str, float]) -> str:
    """The refresh_json of an evaluated result (layout above): what recomputes its score
    (score_at) and its model inputs (aged_features) at a later as-of."""
    return json.dumps([base, _day(newest), *(_day(a) for a in anchors),
                       *(steady[name] for name in feature_names())])


def _day(day: dt.date | None) -> int:
    return plain(day).toordinal() if day is not None else 0


def refreshed_scores_and_ps(refresh_jsons: Sequence[str | bytes], as_of: dt.date,
                            model: Any) -> list[tuple[float, float | None]]:
    """Carried-forward rows' scores and P(eligible) at `as_of`, from their refresh inputs
    (the refresh_json text, or its numbers as stored since migration 11): the same numbers
    evaluate_records would compute tonight (recency and ages of evidence are the only
    parts of them that read the as-of once the verdict holds). In one batch: each distinct
    input once (patients with the same verdict and evidence dates share it), all of them
    decoded at once into one numpy matrix (_refresh_table), the aged inputs
    set for the as-of column by column (eligibility.aged_columns), and the probabilities
    computed in one vectorised call (predict_matrix, bit for bit predict's)."""
    import numpy as np

    distinct = list(dict.fromkeys(refresh_jsons))
    if not distinct:
        return []
    names = feature_names()
    width = _FIXED + len(names)
    table = _refresh_table(distinct, width)
    if table is None or table.shape != (len(distinct), width):
        # Never misread: the evaluator version keeps other layouts from being carried.
        raise StoreError("a stored refresh_json is not of this release's layout",
                         field="results.refresh_json",
                         expected=f"{width} numbers a row ({REFRESH_FORMAT})")
    # score_at itself, per row: Python's round(), which numpy's does not equal bit for bit.
    scores = [score_at(base, dt.date.fromordinal(int(newest)) if newest else None, as_of)
              for base, newest in table[:, :2].tolist()]
    if model is None:
        probabilities: list[float | None] = [None] * len(distinct)
    else:
        inputs = table[:, _FIXED:]
        aged_columns(inputs, table[:, 2:_FIXED], as_of)
        # The model's inputs in its own order; one it names that evaluation does not
        # compute is 0.0, as the dict evaluate_records builds would give it.
        where = {name: j for j, name in enumerate(names)}
        matrix = np.zeros((len(distinct), len(model.feature_names)), dtype=np.float64)
        for k, name in enumerate(model.feature_names):
            if name in where:
                matrix[:, k] = inputs[:, where[name]]
        probabilities = list(model.predict_matrix(matrix))
    refreshed = dict(zip(distinct, zip(scores, probabilities, strict=True), strict=True))
    return [refreshed[text] for text in refresh_jsons]


def _refresh_table(distinct: Sequence[str | bytes], width: int) -> Any:
    """The rows' numbers as one float64 matrix, or None when one is not `width` numbers:
    stored numbers (bytes: float64s, criteria_payloads.refresh_numbers) by one frombuffer,
    texts by one json.loads (a row stored before its numbers were). The same values either
    way: JSON's numbers are doubles."""
    import numpy as np

    blobs = [i for i, item in enumerate(distinct) if isinstance(item, bytes)]
    texts = [i for i, item in enumerate(distinct) if not isinstance(item, bytes)]
    table = np.empty((len(distinct), width), dtype=np.float64)
    if blobs:
        joined = b"".join(distinct[i] for i in blobs)
        if any(len(distinct[i]) != 8 * width for i in blobs):
            return None
        table[blobs] = np.frombuffer(joined, dtype="<f8").reshape(len(blobs), width)
    if texts:
        try:
            decoded = np.array(json.loads("[" + ",".join(distinct[i] for i in texts) + "]"),
                               dtype=np.float64)
        except (TypeError, ValueError):  # not numbers, or rows of unequal lengths
            return None
        if decoded.shape != (len(texts), width):
            return None
        table[texts] = decoded
    return table


def evaluate_in_process(
    db_path: Path, trials: Sequence[Trial], as_of: dt.date, model: Any = None,
    wanted: Mapping[str, Collection[str]] | None = None,
) -> Iterator[ResultRow]:
    """Every patient's rows, evaluated in this process EVAL_TASK patients at a time (memory
    stays flat), on one connection closed at the end: the one-worker engine, and the web
    app's as-of queue (which must not load the note pipeline to evaluate)."""
    from matcher.store import Store

    with Store(db_path) as store:
        if wanted is None:
            records = store.iter_patient_records(EVAL_TASK)
        else:
            records = (record for ids in batched(wanted_patients(wanted), EVAL_TASK)
                       for record in store.patient_records_of(ids))
        for batch in batched(records, EVAL_TASK):
            yield from evaluate_records(batch, trials, as_of, model, wanted)


def task_size(patients: int, workers: int) -> int:
    """Patients per task when `patients` are wanted: EVAL_TASK, or fewer so that every
    worker gets at least two tasks. An incremental night wants a few hundred patients
    (10,000 patients x 20 trials, a day later: ~400): in tasks of EVAL_TASK they were one
    task, judged by one worker while the other waited (3.6 s of a 10.7 s evaluate phase)."""
    return max(1, min(EVAL_TASK, -(-patients // (2 * workers))))


def wanted_patients(wanted: Mapping[str, Collection[str]]) -> list[str]:
    """Every patient some trial wants evaluated, in id order."""
    return sorted(set().union(*wanted.values())) if wanted else []


def evaluate_range(
    db_path: Path, first: str, last: str, trials: Sequence[Trial], as_of: dt.date,
    model: Any = None,
) -> list[ResultRow]:

    store = _worker_store(db_path)
    return evaluate_records(store.patient_records(first, last), trials, as_of, model)


def evaluate_wanted(
    db_path: Path, ids: list[str], trials: Sequence[Trial], as_of: dt.date, model: Any,
    wanted: Mapping[str, Collection[str]],
) -> list[ResultRow]:
    """The rows an incremental night wants of the patients `ids` (a worker's task)."""
    store = _worker_store(db_path)
    return evaluate_records(store.patient_records_of(ids), trials, as_of, model, wanted)


def vocabulary_fingerprint(vocabulary: Vocabulary) -> str:
    """sha256 of `vocabulary` as a saved pipeline carries it (concepts.jsonl): how a job's
    parent names its vocabulary to worker processes, which each load their own copy and
    must find it equal (run_vocabulary). Here, not in matcher.nlp: a change to the NLP
    code changes the pipeline version, and every note would be parsed again."""
    from matcher.nlp.extract import vocabulary_text

    return hashlib.sha256(vocabulary_text(vocabulary).encode("utf-8")).hexdigest()


def _judge_code_digest() -> str:
    """sha256 of the judging code's files (matcher/judge, matcher/model.py)."""
    import matcher.judge
    import matcher.model

    sha = hashlib.sha256()
    judge = Path(matcher.judge.__file__).parent
    for path in [*sorted(judge.glob("*.py")), Path(matcher.model.__file__)]:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


# Read when this module is imported, right after the judging code it imports: the digest
# of the code this process runs. Read at evaluation time instead, a release installed
# during a run would give results of the old code the new code's version, and the next
# night would carry them forward as if the new code had computed them.
JUDGE_CODE = _judge_code_digest()


def evaluator_version() -> str:
    """A digest of what judges a patient besides the trial and the findings: the judging
    code this process runs (JUDGE_CODE) and the run's vocabulary. A stored result is
    carried forward only into a night of the same evaluator (a new matcher release, or a
    concept added to the vocabulary, re-evaluates everyone), and of the same
    REFRESH_FORMAT (a row of another layout cannot be refreshed). 16 hex digits."""
    sha = hashlib.sha256(vocabulary_fingerprint(run_vocabulary()).encode())
    sha.update(JUDGE_CODE.encode())
    sha.update(REFRESH_FORMAT.encode())
    return sha.hexdigest()[:16]


def run_vocabulary(fingerprint: str | None = None) -> Vocabulary:
    """The run's vocabulary in this process (matcher.api.vocabulary(): what the criteria
    reader and the evaluator read with). `fingerprint`: the vocabulary_fingerprint of the
    one the job's parent (or Spark driver) reads with. A worker process loads its own copy,
    and a worker started after the package's concepts changed on disk, or on a node with
    another install, would find concepts the parent's trials do not name: it is refused
    (ModelError) instead."""
    from matcher import api

    vocabulary = api.vocabulary()
    if fingerprint is not None:
        own = vocabulary_fingerprint(vocabulary)
        if own != fingerprint:
            raise ModelError(
                "this worker's vocabulary is not the run's",
                file="matcher/nlp/data/concepts.jsonl",
                received=own[:12],
                expected=f"{fingerprint[:12]}, the vocabulary of the job's parent process: "
                "the same matcher package in every worker",
            )
    return vocabulary


def run_parser(model_path: str | Path | None, fingerprint: str | None = None) -> Any:
    """The note parser of a run: the pipeline saved at `model_path` (the default artifact
    when None) reading with the run's vocabulary (`run_vocabulary(fingerprint)`), the one
    object the evaluator reads with too; a saved pipeline built from another vocabulary is
    refused (matcher.nlp.pipeline.load_pipeline)."""
    from matcher.nlp.pipeline import NoteParser, load_pipeline

    vocabulary = run_vocabulary(fingerprint)
    pipeline = load_pipeline(Path(model_path) if model_path else None, vocabulary)
    return NoteParser(pipeline, vocabulary=vocabulary)


def saved_version() -> str | None:
    """The version `run_parser(None)` would load, read without loading it: the default
    saved pipeline's (models/clinical-nlp/meta.json) when load_pipeline would load that
    artifact (it exists, is of this package's rules, and was built from the run's
    vocabulary); None when it would build the pipeline from the package data instead (ask
    the loaded pipeline then). The same tests as load_pipeline's, in the same order."""
    from matcher.nlp import pipeline

    path = pipeline.default_model_path()
    meta_file = path / "meta.json"
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text())
    if meta.get("version") != f"1.0.0+{pipeline._rules_fingerprint()}":  # noqa: SLF001
        return None
    if not pipeline._same_vocabulary(path, run_vocabulary()):  # noqa: SLF001
        return None
    return f"{meta.get('name')}-{meta.get('version')}"


# Per-process state of a worker: the pipeline is loaded once, not once per task.
_WORKER: dict[str, Any] = {}


def _init_worker(model_path: str | None, parent: int, vocabulary: str,
                 judge_code: str | None = None) -> None:
    """`vocabulary`: the fingerprint of the parent's vocabulary, which this worker's must
    equal (run_vocabulary); `judge_code`: the parent's JUDGE_CODE, which this worker's
    must equal (a worker started after a release was installed runs other code)."""
    # The parent's pid comes from the parent: a parent killed while this worker was still
    # starting would make os.getppid() here already answer 1, and the watch never end.
    _exit_with_parent(parent)

    try:
        if judge_code is not None and judge_code != JUDGE_CODE:
            raise ModelError("this worker's judging code is not the run's",
                             file="matcher/judge", received=JUDGE_CODE[:12],
                             expected=f"{judge_code[:12]}, the code of the job's parent "
                             "process: the same matcher package in every worker")
        # The vocabulary now (every task reads with it), the note pipeline on the first
        # parse task (_worker_parser): a night with nothing to parse, whose pool only
        # evaluates the results that expired, does not load it in every worker (~120 MB
        # and seconds each, most of such a pool's start).
        run_vocabulary(vocabulary)
        _WORKER["pipeline"] = (model_path, vocabulary)
    except MatcherError as exc:
        # Raised from here it would only break the pool ("a process in the process pool
        # was terminated abruptly") and the job would stop without saying why: every task
        # of this worker raises it instead, and the parent reports it.
        _WORKER["refused"] = exc
    # A worker allocates millions of short-lived findings and results; with the default
    # thresholds the cyclic collector walked the loaded pipeline over and over (25-60 us
    # per evaluated patient). The pipeline is frozen out of collection, and collections
    # are rarer; reference counting still frees almost everything at once.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _exit_with_parent(parent: int) -> None:
    """A nightly job killed with SIGKILL cannot stop its pool; its workers would otherwise
    wait forever on the task pipe, each holding a loaded pipeline (~120 MB). Once the
    parent is gone (the worker is re-parented), the worker exits."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _worker_ready() -> None:
    """Raise what refused this worker's start (another vocabulary than the parent's)."""
    if "refused" in _WORKER:
        raise _WORKER["refused"]


def _worker_parser() -> Any:
    """This worker's note parser, loaded on its first parse task (_init_worker)."""
    if "parser" not in _WORKER:
        try:
            _WORKER["parser"] = run_parser(*_WORKER["pipeline"])
        except MatcherError as exc:
            _WORKER["refused"] = exc  # every later task says so too
            raise
        gc.freeze()  # the pipeline out of the cyclic collector's walks, as at start
    return _WORKER["parser"]


def _worker_parse(notes: list[tuple]) -> list[list[Finding] | None]:
    _worker_ready()
    return parse_batch(_worker_parser(), notes)


def _worker_store(db_path: Path) -> Any:
    from matcher.store import Store

    key = f"store:{db_path}"
    if key not in _WORKER:
        _WORKER[key] = Store(db_path)
    return _WORKER[key]


class EmbeddedEngine:
    """Parse and evaluate on this machine, with `workers` processes (1: in this process).

    The default is one worker per core: the parent only reads notes and commits batches,
    which costs little next to parsing."""

    name = "embedded"

    def __init__(
        self,
        workers: int | None = None,
        model_path: str | Path | None = None,
        parser: Any = None,
    ) -> None:
        """`parser`: any object with `version` and `parse_many` to run in this process
        instead of the saved pipeline (then parsing uses no workers); one that says its
        `vocabulary` must read with the run's."""
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.model_path = str(model_path) if model_path else None
        # The parent parses in-process when there is one worker (tests, small runs, a
        # one-core machine), and names the version either way. The version of the default
        # saved pipeline is read from its meta.json without loading it (saved_version): a
        # night with nothing to parse never loads spaCy's pipeline in the parent (~10 % of
        # such a night's wall time at 10,000 patients). The pipeline itself is loaded on
        # first use (`parser`).
        self._parser = parser
        version = None if parser is not None or model_path else saved_version()
        if parser is None and version is None:
            self._parser = run_parser(model_path)
        given = getattr(self._parser, "vocabulary", None)
        if given is not None and given is not run_vocabulary():
            raise ModelError(
                "the parser given reads notes with another vocabulary than the run's",
                expected="a parser of matcher.api.vocabulary() (matcher.api.parser())",
            )
        self.version = version or self._parser.version
        self._parse_in_process = parser is not None or self.workers == 1
        self._pool: ProcessPoolExecutor | None = None

    @property
    def parser(self) -> Any:
        """The note parser in this process, loaded on first use: it must be of the version
        this engine named (the package's rules or models/ changed on disk mid-run: refused,
        never a run whose notes carry two versions)."""
        if self._parser is None:
            from matcher.nlp.pipeline import default_model_path

            loaded = run_parser(self.model_path)
            if loaded.version != self.version:
                raise ModelError("the note pipeline changed on disk during the run",
                                 file=str(default_model_path()), received=loaded.version,
                                 expected=f"{self.version}, the version the run started with")
            self._parser = loaded
        return self._parser

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent holds SQLite connections and maybe threads.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.model_path, os.getpid(),
                          vocabulary_fingerprint(run_vocabulary()), JUDGE_CODE),
            )
        return self._pool

    def parse(self, notes: Iterable[Note]) -> Iterator[tuple[Note, list[Finding] | None]]:
        batches = batched(notes, PARSE_TASK)
        if self._parse_in_process:
            for batch in batches:
                yield from zip(
                    batch, parse_batch(self.parser, [note_args(n) for n in batch]), strict=True
                )
            return
        pool = self._executor()
        tasks = ((batch, [note_args(n) for n in batch]) for batch in batches)
        for batch, parsed in _bounded_map(pool, _worker_parse, tasks, self.workers):
            yield from zip(batch, parsed, strict=True)

    def evaluate(
        self, db_path: Path, trials: Sequence[Trial], as_of: dt.date, model: Any = None,
        wanted: Mapping[str, Collection[str]] | None = None,
    ) -> Iterator[ResultRow]:
        """The rows, streamed. With workers, their first tasks are submitted before this
        returns: the caller can do its own work while they are judged (an incremental
        night reads the ranking keys of the results it carries forward meanwhile)."""
        from matcher.store import Store

        trials = list(trials)
        if self.workers == 1:
            return evaluate_in_process(db_path, trials, as_of, model, wanted)
        pool = self._executor()
        if wanted is not None:
            # Only the trials' wanted sets travel to the workers, each task's own share.
            everyone = wanted_patients(wanted)
            wanted_tasks = (
                (None, (db_path, ids, trials, as_of, model,
                        {t: frozenset(ids).intersection(p) for t, p in wanted.items()}))
                for ids in batched(everyone, task_size(len(everyone), self.workers)))
            return _rows_of(_bounded_map(pool, _star_evaluate_wanted, wanted_tasks,
                                         self.workers))
        with Store(db_path) as store:
            ranges = list(store.patient_id_ranges(EVAL_TASK))
        tasks = ((None, (db_path, first, last, trials, as_of, model)) for first, last in ranges)
        return _rows_of(_bounded_map(pool, _star_evaluate_range, tasks, self.workers))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _star_evaluate_range(args: tuple) -> list[ResultRow]:
    _worker_ready()
    return evaluate_range(*args)


def _star_evaluate_wanted(args: tuple) -> list[ResultRow]:
    _worker_ready()
    return evaluate_wanted(*args)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows_of(results: Iterator[tuple[Any, list[ResultRow]]]) -> Iterator[ResultRow]:
    for _, rows in results:
        yield from rows


def _bounded_map(
    pool: ProcessPoolExecutor, fn: Any, tasks: Iterable[tuple[Any, Any]], workers: int
) -> Iterator[tuple[Any, Any]]:
    """pool.map in submission order with at most a few tasks per worker outstanding, so a
    million notes never sit in memory at once (Executor.map submits everything first).
    The first tasks are submitted when this is called, not when the first result is
    asked for."""
    window: deque[tuple[Any, Future]] = deque()
    limit = workers * IN_FLIGHT_PER_WORKER
    tasks = iter(tasks)
    for tag, arg in itertools.islice(tasks, limit):
        window.append((tag, pool.submit(fn, arg)))
    return _drain(pool, fn, tasks, window, limit)


def _drain(pool: ProcessPoolExecutor, fn: Any, tasks: Iterator[tuple[Any, Any]],
           window: deque[tuple[Any, Future]], limit: int) -> Iterator[tuple[Any, Any]]:
    for tag, arg in tasks:
        if len(window) >= limit:
            tag0, fut = window.popleft()
            yield tag0, fut.result()
        window.append((tag, pool.submit(fn, arg)))
    while window:
        tag0, fut = window.popleft()
        yield tag0, fut.result()
