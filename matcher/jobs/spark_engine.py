"""The nightly job's heavy work on Apache Spark (`matcher nightly --engine spark`).

`SparkEngine` implements matcher.jobs.engine.Engine with the same per-note and per-patient
functions as the EmbeddedEngine (`parse_batch`, `evaluate_records`, `result_row`), so its
output is identical; only where the work runs differs. Each phase is one Spark job:

1. the driver (this process, next to the SQLite database) streams its input to a JSONL
   file in the work directory, one record a line, in constant memory;
2. executors read it with `textFile`, work through each partition in batches (the
   pipeline loaded once per Python worker, kept by worker reuse) and write JSON lines;
3. the driver reads the part files back one at a time, in partition order, and yields
   what the nightly job commits to SQLite in its usual batches; then it deletes the
   job's files, which hold note text.

Order is Spark's own guarantee here: `textFile` splits one file into partitions by byte
offset, `mapPartitions` keeps each partition's order and `saveAsTextFile` names part
files by partition index. The parse phase relies on it to pair each result with the
note re-read from the input file, and checks every pair's note id.

The work directory is a local path (local mode, or a shared mount such as NFS at the same
path on every node) or a Hadoop URI (hdfs://, s3a://, file://), which the driver writes
and reads through the JVM's Hadoop FileSystem. docs/SCALE.md says how to run on a cluster.

Logs name counts, paths and note ids, never note text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from matcher.errors import ConfigurationError, MatcherError, ModelError
from matcher.jobs.engine import (
    EVAL_TASK,
    PARSE_TASK,
    ResultRow,
    batched,
    evaluate_records,
    note_args,
    parse_batch,
    run_parser,
    run_vocabulary,
    vocabulary_fingerprint,
)
from matcher.model import Finding, Note, Patient, Trial

log = logging.getLogger(__name__)

JAVA_MIN = 17  # Spark 4 runs on Java 17 or 21
NOTES_PER_PARTITION = 2_000  # enough to amortise a task's start, small enough to balance
PATIENTS_PER_PARTITION = EVAL_TASK * 4
WRITE_CHUNK = 1 << 20  # bytes per write through the JVM (Hadoop work directories)
INSTALL_HINT = "pyspark installed: pip install 'matcher[spark]'"
MASTER_FORMS = "local, local[N], local[*], spark://host:port, yarn or k8s://https://host:port"
# Master URLs Spark accepts for the RDD API (Spark Connect, sc://, has no RDDs).
_MASTER = re.compile(
    r"^(local(\[(\d+|\*)(,\s*\d+)?\])?"
    r"|local-cluster\[\d+,\s*\d+,\s*\d+\]"
    r"|spark://[^\s/]+(/.*)?"
    r"|yarn"
    r"|k8s://\S+)$"
)


class SparkEngine:
    """Parse notes and evaluate patients with PySpark; output identical to EmbeddedEngine.

    One SparkSession for the engine's life (the JVM start costs seconds), stopped by
    `close()`. `workdir`: where job files go (default: a temporary local folder); the
    engine works in a fresh subfolder of it and deletes that on close. `ship_model`:
    send the pipeline folder to executors with `sc.addFile` (default: unless the master is
    local); executors read the model path directly when they can and fall back to the
    shipped copy otherwise.
    """

    name = "spark"

    def __init__(
        self,
        master: str = "local[2]",
        workdir: str | Path | None = None,
        model_path: str | Path | None = None,
        app_name: str = "matcher-nightly",
        spark_conf: dict[str, str] | None = None,
        ship_model: bool | None = None,
    ) -> None:
        master = master.strip()
        if not _MASTER.match(master):
            raise ConfigurationError(
                "not a Spark master URL this engine can use",
                field="--master",
                received=master,
                expected=MASTER_FORMS,
            )
        _require_pyspark()
        _require_java()
        self.master = master
        self.local = master.startswith("local")
        self._model = _model_ref(model_path)
        self.version = self._model.version
        self.spark: Any = None
        self._jobs = 0
        self._session(app_name, spark_conf or {})
        try:
            self.workdir = _Workdir.create(workdir, self.spark)
            if self._model.path is not None and (
                ship_model if ship_model is not None else not self.local
            ):
                # Executors that cannot read the driver's path get this copy (SparkFiles).
                self.spark.sparkContext.addFile(self._model.path, recursive=True)
        except BaseException:
            self.spark.stop()
            raise
        log.info(
            "spark engine: master %s, %d default parallelism, workdir %s, pipeline %s",
            master,
            self.spark.sparkContext.defaultParallelism,
            self.workdir.uri,
            self.version,
        )

    def _session(self, app_name: str, spark_conf: dict[str, str]) -> None:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        if SparkContext._active_spark_context is not None:
            # getOrCreate would hand back that session, whatever its master, and our
            # close() would stop it under its owner.
            raise ConfigurationError(
                "a Spark session is already running in this process",
                field="--engine",
                expected="one SparkEngine at a time: close() the other first",
            )
        if self.local:
            # Executors are this machine's processes: they must run this venv's Python.
            os.environ["PYSPARK_PYTHON"] = sys.executable
            os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        else:
            # On a cluster the nodes' Python may live elsewhere (spark.pyspark.python or
            # PYSPARK_PYTHON, set by the operator, win).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        conf: dict[str, str] = {
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",  # bars on stderr would fill the logs
            "spark.python.worker.reuse": "true",  # the pipeline stays loaded across tasks
            "spark.sql.shuffle.partitions": "4",  # nothing shuffles; keep SQL cheap anyway
        }
        if self.local:
            conf["spark.driver.host"] = "127.0.0.1"
            conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf.update(spark_conf)
        builder = SparkSession.builder.master(self.master).appName(app_name)
        for key, value in conf.items():
            builder = builder.config(key, value)
        began = time.monotonic()
        try:
            self.spark = builder.getOrCreate()
        except Exception as exc:
            raise ConfigurationError(
                f"Spark did not start: {_first_line(exc)}",
                field="--master",
                received=self.master,
                expected=MASTER_FORMS,
            ) from exc
        self.spark.sparkContext.setLogLevel("WARN")
        log.info("spark: session started in %.1fs", time.monotonic() - began)

    # --- parse ------------------------------------------------------------------------------

    def parse(self, notes: Iterable[Note]) -> Iterator[tuple[Note, list[Finding] | None]]:
        job = self._job("parse")
        source = f"{job}-notes.jsonl"
        output = f"{job}-findings"
        try:
            began = time.monotonic()
            count = self.workdir.write_lines(source, map(_note_line, notes))
            log.info("spark parse: %d note(s) exported to %s", count, self.workdir.uri_of(source))
            if count == 0:
                return
            sc = self.spark.sparkContext
            partitions = _partitions(count, NOTES_PER_PARTITION, sc.defaultParallelism)
            with _job_errors("parse"):
                (
                    sc.textFile(self.workdir.uri_of(source), minPartitions=partitions)
                    .mapPartitions(partial(_parse_partition, self._model))
                    .saveAsTextFile(self.workdir.uri_of(output))
                )
            log.info(
                "spark parse: %d note(s) parsed in %.1fs, reading %s",
                count,
                time.monotonic() - began,
                self.workdir.uri_of(output),
            )
            results = self.workdir.read_parts(output)
            for line in self.workdir.read_lines(source):
                note = _note_from_line(line)
                row = next(results, None)
                if row is None or row["note_id"] != note.note_id:
                    raise MatcherError(
                        "Spark's parse output is out of step with its input",
                        file=self.workdir.uri_of(output),
                        field="note_id",
                        received=None if row is None else row["note_id"],
                        expected=note.note_id,
                    )
                found = row["findings"]
                yield note, None if found is None else [Finding.from_json(f) for f in found]
            if next(results, None) is not None:
                raise MatcherError(
                    "Spark's parse output has more rows than notes went in",
                    file=self.workdir.uri_of(output),
                    expected=f"{count} row(s)",
                )
        finally:
            # The files hold note text: gone as soon as the results are back (or abandoned).
            self.workdir.remove(source)
            self.workdir.remove(output)

    # --- evaluate ---------------------------------------------------------------------------

    def evaluate(
        self, db_path: Path, trials: Sequence[Trial], as_of: dt.date, model: Any = None,
        wanted: Mapping[str, Collection[str]] | None = None,
    ) -> Iterator[ResultRow]:
        """`wanted` (an incremental night's patients per trial): the cluster still
        evaluates every exported patient; only the rows wanted come back."""
        job = self._job("evaluate")
        source = f"{job}-patients.jsonl"
        output = f"{job}-results"
        trials = list(trials)
        sc = self.spark.sparkContext
        shared = None
        try:
            began = time.monotonic()
            count = self.workdir.write_lines(source, map(_record_line, _records(db_path)))
            log.info(
                "spark evaluate: %d patient(s) x %d trial(s), exported to %s",
                count,
                len(trials),
                self.workdir.uri_of(source),
            )
            if count == 0 or not trials:
                return
            partitions = _partitions(count, PATIENTS_PER_PARTITION, sc.defaultParallelism)
            # Once per executor, not once per task: the trials and the eligibility model.
            shared = sc.broadcast((trials, model))
            with _job_errors("evaluate"):
                (
                    sc.textFile(self.workdir.uri_of(source), minPartitions=partitions)
                    .mapPartitions(partial(_evaluate_partition, self._model.vocabulary,
                                           shared, as_of))
                    .saveAsTextFile(self.workdir.uri_of(output))
                )
            log.info("spark evaluate: done in %.1fs", time.monotonic() - began)
            for row in self.workdir.read_parts(output):
                if wanted is None or row["patient_id"] in wanted.get(row["trial_id"], ()):
                    yield ResultRow(**row)
        finally:
            if shared is not None:
                shared.destroy()
            self.workdir.remove(source)
            self.workdir.remove(output)

    def close(self) -> None:
        if self.spark is None:
            return
        try:
            self.workdir.close()
        finally:
            self.spark.stop()
            self.spark = None

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _job(self, kind: str) -> str:
        if self.spark is None:
            raise ConfigurationError("the Spark engine is closed", field="--engine")
        self._jobs += 1
        return f"{self._jobs:03d}-{kind}"


# --- checks on the driver ---------------------------------------------------------------------


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise ConfigurationError(
            "the Spark engine needs PySpark, which is not installed",
            field="--engine",
            received="spark",
            expected=INSTALL_HINT,
        ) from exc


def _require_java() -> None:
    """Spark needs a JVM: say so plainly instead of PySpark's 'gateway exited'."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    where = "JAVA_HOME" if home else "PATH"
    if not java or not os.access(java, os.X_OK):
        raise ConfigurationError(
            f"no Java runtime found (looked in {where})",
            field="JAVA_HOME",
            received=home,
            expected=f"Java {JAVA_MIN} or later for Spark 4, e.g. "
            f"apt-get install openjdk-{JAVA_MIN}-jre-headless",
        )
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigurationError(
            f"cannot run Java: {exc}", field="JAVA_HOME", received=java
        ) from exc
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if found:
        major = int(found.group(1))
        if major == 1 and found.group(2):  # "1.8.0_392" is Java 8
            major = int(found.group(2))
        if major < JAVA_MIN:
            raise ConfigurationError(
                "Java is too old for Spark 4",
                field="JAVA_HOME",
                received=f"{java}: Java {major}",
                expected=f"Java {JAVA_MIN} or later",
            )


@dataclass(frozen=True)
class _ModelRef:
    """Which pipeline executors load: `path` (None: built from the package's rules, as
    load_pipeline does when the saved artifact is stale), the version they must get, and
    the fingerprint of the driver's vocabulary, which theirs must equal (executors parse
    and evaluate with their own copy: one run, one vocabulary)."""

    path: str | None
    version: str
    vocabulary: str


def _model_ref(model_path: str | Path | None) -> _ModelRef:
    from matcher.nlp.pipeline import default_model_path

    vocabulary = vocabulary_fingerprint(run_vocabulary())
    if model_path is not None:
        path = Path(model_path).expanduser().resolve()
        return _ModelRef(str(path), run_parser(path).version, vocabulary)
    # As EmbeddedEngine(model_path=None): the default artifact if it is current, else the
    # pipeline built from the package data. Loading it here names the version.
    version = run_parser(None).version
    default = default_model_path()
    try:
        meta = json.loads((default / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _ModelRef(None, version, vocabulary)
    if f"{meta.get('name')}-{meta.get('version')}" == version:
        return _ModelRef(str(default.resolve()), version, vocabulary)
    return _ModelRef(None, version, vocabulary)


def _partitions(count: int, per_partition: int, cores: int) -> int:
    """Whole waves of tasks (a multiple of the cores: a last wave of one task would leave
    the other cores idle), at least two waves so a slow partition has company."""
    waves = max(2, -(-count // (per_partition * max(1, cores))))
    return waves * max(1, cores)


@contextmanager
def _job_errors(phase: str) -> Iterator[None]:
    """A failed job as one MatcherError naming the executor's Python exception, instead of
    py4j's page of Java stack (the full text stays chained for debugging)."""
    try:
        yield
    except Exception as exc:
        if isinstance(exc, MatcherError):
            raise
        cause = _python_exception(str(exc))
        raise MatcherError(f"the Spark {phase} job failed: {cause or _first_line(exc)}") from exc


def _python_exception(text: str) -> str | None:
    """The exception of the first Python traceback in a py4j error's text, if any."""
    start = text.find("Traceback (most recent call last)")
    if start < 0:
        return None
    found = None
    for line in text[start:].splitlines()[1:]:
        if line.startswith(("\tat ", "\t", "  ")) or not line.strip():
            if found and line.startswith("\tat "):
                break
            continue
        name = re.match(r"^([\w.]+(Error|Exception|Exit|Interrupt))\b", line)
        if name:
            # Our own errors never quote note text; another exception's message might, so
            # only its type is kept.
            found = line.strip()[:300] if name.group(1).startswith("matcher.") else name.group(1)
    return found


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


# --- records as JSON lines --------------------------------------------------------------------
# ensure_ascii: every line is pure ASCII, so no Unicode line separator inside a note's text
# can split a record, whatever reads the file (Hadoop's LineReader, Python).


def _note_line(note: Note) -> str:
    return json.dumps(
        [note.patient_id, note.note_id, note.note_date.isoformat(), note.note_type, note.text],
        ensure_ascii=True,
    )


def _note_from_line(line: str) -> Note:
    patient_id, note_id, note_date, note_type, text = json.loads(line)
    return Note(
        patient_id=patient_id,
        note_id=note_id,
        note_date=dt.date.fromisoformat(note_date),
        text=text,
        note_type=note_type,
    )


def _records(db_path: Path) -> Iterator[tuple[Patient, list[Finding], dict[str, dt.date]]]:
    from matcher.store import Store

    with Store(db_path) as store:
        yield from store.iter_patient_records(EVAL_TASK)


def _record_line(record: tuple[Patient, list[Finding], dict[str, dt.date]]) -> str:
    patient, findings, note_dates = record
    return json.dumps(
        {
            "patient": [
                patient.patient_id,
                patient.birth_date.isoformat() if patient.birth_date else None,
                patient.sex,
            ],
            # Finding.to_json is also how the store keeps findings: what an executor
            # rebuilds equals what EmbeddedEngine reads from SQLite.
            "findings": [f.to_json() for f in findings],
            "note_dates": {k: v.isoformat() for k, v in note_dates.items()},
        },
        ensure_ascii=True,
    )


def _record_from_line(line: str) -> tuple[Patient, list[Finding], dict[str, dt.date]]:
    data = json.loads(line)
    patient_id, birth_date, sex = data["patient"]
    patient = Patient(
        patient_id=patient_id,
        birth_date=dt.date.fromisoformat(birth_date) if birth_date else None,
        sex=sex,
    )
    findings = [Finding.from_json(f) for f in data["findings"]]
    dates = {k: dt.date.fromisoformat(v) for k, v in data["note_dates"].items()}
    return patient, findings, dates


# --- what executors run -----------------------------------------------------------------------

# Per Python worker: the pipeline loads once and stays for every later task of the worker
# (spark.python.worker.reuse), keyed by model path, version and the driver's vocabulary.
_PARSERS: dict[tuple[str | None, str, str], Any] = {}


def _executor_parser(model: _ModelRef) -> Any:
    key = (model.path, model.version, model.vocabulary)
    parser = _PARSERS.get(key)
    if parser is None:
        path = _model_dir(model.path)
        parser = run_parser(path, model.vocabulary)
        if parser.version != model.version:
            raise ModelError(
                "an executor loaded another pipeline version than the driver",
                file=str(path) if path else None,
                received=parser.version,
                expected=f"{model.version}: the same matcher package and model on every node",
            )
        _PARSERS[key] = parser
    return parser


def _model_dir(path: str | None) -> Path | None:
    """The model folder as this executor can read it: the driver's path (shared storage,
    or local mode) or the copy shipped with sc.addFile."""
    if path is None:
        return None
    direct = Path(path)
    if os.access(direct / "meta.json", os.R_OK):
        return direct
    from pyspark import SparkFiles

    shipped = Path(SparkFiles.get(direct.name))
    if os.access(shipped / "meta.json", os.R_OK):
        return shipped
    raise ModelError(
        "the pipeline folder is not readable on this executor, nor shipped to it",
        file=path,
        expected="the model folder on shared storage, or shipped (ship_model / --files)",
    )


def _parse_partition(model: _ModelRef, lines: Iterable[str]) -> Iterator[str]:
    parser = _executor_parser(model)
    # PARSE_TASK notes per call, as EmbeddedEngine: the same batches, the same output.
    for notes in batched(map(_note_from_line, lines), PARSE_TASK):
        args = [note_args(n) for n in notes]
        for note, findings in zip(notes, parse_batch(parser, args), strict=True):
            yield json.dumps(
                {
                    "note_id": note.note_id,
                    "findings": None if findings is None else [f.to_json() for f in findings],
                },
                ensure_ascii=True,
            )


def _evaluate_partition(
    vocabulary: str, shared: Any, as_of: dt.date, lines: Iterable[str]
) -> Iterator[str]:
    """`vocabulary`: the driver's fingerprint; the evaluator here reads this executor's own
    copy (matcher.api.vocabulary()), which must equal it."""
    run_vocabulary(vocabulary)
    trials, model = shared.value
    for records in batched(map(_record_from_line, lines), EVAL_TASK):
        for row in evaluate_records(records, trials, as_of, model):
            yield json.dumps(asdict(row), ensure_ascii=True)


# --- the work directory -----------------------------------------------------------------------


class _Workdir:
    """A folder of this engine's job files: local (Python I/O) or a Hadoop URI (the JVM's
    FileSystem API, so hdfs:// and s3a:// work wherever Spark has their connectors)."""

    uri: str

    @staticmethod
    def create(workdir: str | Path | None, spark: Any) -> _Workdir:
        text = str(workdir) if workdir is not None else ""
        uri = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):/+", text)
        if workdir is None or uri is None:
            return _LocalWorkdir(workdir)
        scheme = uri.group(1)
        # Path("hdfs://nn:8020/x") is "hdfs:/nn:8020/x": put the authority back (file:/x is
        # a whole URI as it is).
        if isinstance(workdir, Path) and scheme.lower() != "file" and "://" not in text:
            text = f"{scheme}://{text[len(scheme) + 2 :]}"
        return _HadoopWorkdir(spark, text)

    def uri_of(self, name: str) -> str:
        return f"{self.uri.rstrip('/')}/{name}"

    def write_lines(self, name: str, lines: Iterable[str]) -> int:
        raise NotImplementedError

    def read_lines(self, name: str) -> Iterator[str]:
        raise NotImplementedError

    def part_files(self, name: str) -> list[str]:
        raise NotImplementedError

    def remove(self, name: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def read_parts(self, name: str) -> Iterator[dict[str, Any]]:
        """A job's output records, part file by part file in partition order: one file's
        buffer in memory at a time, never the whole output."""
        for part in self.part_files(name):
            for line in self.read_lines(part):
                if line.strip():
                    yield json.loads(line)


def _part_key(name: str) -> int:
    return int(name.rsplit("/", 1)[-1].split("-")[1])


def _is_part(name: str) -> bool:
    return re.fullmatch(r"part-\d+", name) is not None


class _LocalWorkdir(_Workdir):
    def __init__(self, parent: str | Path | None) -> None:
        base = Path(parent).expanduser().resolve() if parent is not None else None
        if base is not None:
            try:
                base.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigurationError(
                    f"cannot create the Spark work folder: {exc.strerror or exc}",
                    file=str(base),
                    field="--spark-workdir",
                ) from exc
        # Our own subfolder, mode 0700 (the job files hold note text); removed on close.
        self.path = Path(tempfile.mkdtemp(prefix="matcher-spark-", dir=base))
        self.uri = self.path.as_uri()

    def write_lines(self, name: str, lines: Iterable[str]) -> int:
        count = 0
        with open(self.path / name, "w", encoding="ascii", newline="\n") as fh:
            for line in lines:
                fh.write(line)
                fh.write("\n")
                count += 1
        return count

    def read_lines(self, name: str) -> Iterator[str]:
        with open(self.path / name, encoding="ascii", newline="\n") as fh:
            for line in fh:
                yield line.rstrip("\n")

    def part_files(self, name: str) -> list[str]:
        parts = [p.name for p in (self.path / name).iterdir() if _is_part(p.name)]
        return [f"{name}/{p}" for p in sorted(parts, key=_part_key)]

    def remove(self, name: str) -> None:
        target = self.path / name
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class _HadoopWorkdir(_Workdir):
    def __init__(self, spark: Any, parent: str) -> None:
        sc = spark.sparkContext
        self._jvm = sc._jvm
        hadoop = self._jvm.org.apache.hadoop
        self._root = hadoop.fs.Path(parent.rstrip("/") + f"/matcher-spark-{uuid.uuid4().hex}")
        self._fs = self._root.getFileSystem(sc._jsc.hadoopConfiguration())
        try:
            # 0700 set after mkdirs, which applies the umask: note text lives here.
            private = hadoop.fs.permission.FsPermission("700")
            self._fs.mkdirs(self._root, private)
            self._fs.setPermission(self._root, private)
        except Exception as exc:
            raise ConfigurationError(
                f"cannot create the Spark work folder: {_first_line(exc)}",
                file=str(self._root.toString()),
                field="--spark-workdir",
            ) from exc
        self.uri = str(self._root.toString())

    def _path(self, name: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(self._root, name)

    def write_lines(self, name: str, lines: Iterable[str]) -> int:
        # Through the JVM in chunks of WRITE_CHUNK bytes: a py4j call per line would cost
        # more than the line.
        out = self._fs.create(self._path(name), True)
        count = 0
        buffer = bytearray()
        try:
            for line in lines:
                buffer += line.encode("ascii")
                buffer += b"\n"
                count += 1
                if len(buffer) >= WRITE_CHUNK:
                    out.write(bytes(buffer))
                    buffer.clear()
            if buffer:
                out.write(bytes(buffer))
        finally:
            out.close()
        return count

    def read_lines(self, name: str) -> Iterator[str]:
        stream = self._fs.open(self._path(name))
        rest = b""
        try:
            while True:
                chunk = stream.readNBytes(WRITE_CHUNK)
                if not chunk:
                    break
                lines = (rest + bytes(chunk)).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    yield line.decode("ascii")
            if rest:
                yield rest.decode("ascii")
        finally:
            stream.close()

    def part_files(self, name: str) -> list[str]:
        parts = [s.getPath().getName() for s in self._fs.listStatus(self._path(name))]
        return [f"{name}/{p}" for p in sorted(filter(_is_part, parts), key=_part_key)]

    def remove(self, name: str) -> None:
        self._fs.delete(self._path(name), True)

    def close(self) -> None:
        self._fs.delete(self._root, True)
