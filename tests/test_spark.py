"""SparkEngine on a real local[2] Spark (no mocks) gives exactly EmbeddedEngine's output.

One engine for the module: the JVM and the Python workers start once (~15 s here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")

from matcher.api import load_trial  # noqa: E402
from matcher.errors import ConfigurationError, MatcherError  # noqa: E402
from matcher.jobs.engine import EmbeddedEngine  # noqa: E402
from matcher.jobs.nightly import run_nightly  # noqa: E402
from matcher.jobs.spark_engine import SparkEngine, _model_dir, _Workdir  # noqa: E402
from matcher.model import Note  # noqa: E402
from matcher.store import Store  # noqa: E402
from matcher.store.ingest import IngestReport, Row, load_rows, read_rows  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO / "examples" / "notes.jsonl"
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # ship_model: executors get the pipeline through sc.addFile, as on a cluster.
    engine = SparkEngine("local[2]", workdir=tmp_path_factory.mktemp("spark-work"), ship_model=True)
    yield engine
    engine.close()
    assert not engine.workdir.path.exists()  # the job files (note text) are gone


@pytest.fixture(scope="module")
def embedded() -> Any:
    engine = EmbeddedEngine(workers=1)
    yield engine
    engine.close()


def example_notes() -> list[Note]:
    notes = [r.note for r in read_rows(NOTES) if isinstance(r, Row)]
    assert len(notes) >= 10
    empty = Note(patient_id="P-001", note_id="P-001-empty", note_date=dt.date(2026, 1, 5), text="")
    return notes + [empty]


def as_json(parsed: list) -> list:
    return [
        (note, None if found is None else [f.to_json() for f in found]) for note, found in parsed
    ]


def test_parse_gives_the_embedded_engines_findings(spark: SparkEngine, embedded: EmbeddedEngine):
    notes = example_notes()
    assert spark.version == embedded.version
    ours = as_json(list(spark.parse(iter(notes))))
    theirs = as_json(list(embedded.parse(iter(notes))))
    assert [n for n, _ in ours] == notes  # every note once, in order, intact
    assert ours == theirs
    assert sum(len(f or []) for _, f in ours) > 20
    assert list(spark.workdir.path.iterdir()) == []  # nothing left with note text
    assert list(spark.parse(iter([]))) == []


def fixture_db(path: Path, embedded: EmbeddedEngine) -> Path:
    with Store(path) as store:
        load_rows(store, read_rows(NOTES), IngestReport(), lambda reject: None)
        parsed = list(embedded.parse(store.notes_to_parse(embedded.version)))
        with store.transaction():
            for note, findings in parsed:
                store.replace_findings(note.note_id, note.patient_id, findings, embedded.version)
    return path


def test_evaluate_gives_the_embedded_engines_rows(
    spark: SparkEngine, embedded: EmbeddedEngine, tmp_path: Path
):
    db = fixture_db(tmp_path / "x.db", embedded)
    trial = load_trial(TRIAL)
    ours = list(spark.evaluate(db, [trial], AS_OF))
    theirs = list(embedded.evaluate(db, [trial], AS_OF))
    assert len(theirs) >= 3
    assert ours == theirs  # every field, criteria_json byte for byte
    # With the eligibility model each row carries P(eligible), the same on both engines
    # (the web app's pages read the stored rows: issue 16).
    from matcher.api import eligibility_model

    model = eligibility_model()
    ours = list(spark.evaluate(db, [trial], AS_OF, model))
    theirs = list(embedded.evaluate(db, [trial], AS_OF, model))
    assert ours == theirs and all(r.p_eligible is not None for r in ours)
    assert any(r.why_json != "[]" for r in ours) and all(r.statuses for r in ours)


def table(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_nightly_run_on_spark_equals_the_embedded_run(
    spark: SparkEngine, tmp_path: Path, embedded: EmbeddedEngine
):
    source = tmp_path / "notes.jsonl"
    shutil.copy(NOTES, source)
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(TRIAL, trials / TRIAL.name)
    reports = {}
    for name, engine in (("spark", spark), ("embedded", embedded)):
        reports[name] = run_nightly(
            [source],
            trials,
            db_path=tmp_path / f"{name}.db",
            as_of=AS_OF,
            report_dir=tmp_path / f"report-{name}",
            progress="quiet",
            engine=engine,
            all_trials=True,
        )
    cols = [r[1] for r in table(tmp_path / "spark.db", "PRAGMA table_info(findings)")]
    findings_sql = (
        "SELECT " + ", ".join(f'"{c}"' for c in cols if c != "id") + " FROM findings "
        "ORDER BY note_id, id"
    )
    results_sql = (
        "SELECT trial_id, patient_id, as_of, status, score, rank, rc.criteria_json FROM "
        "results r LEFT JOIN result_criteria rc ON rc.digest = r.criteria_digest "
        "ORDER BY trial_id, patient_id"
    )
    for sql in (findings_sql, results_sql):
        spark_rows = table(tmp_path / "spark.db", sql)
        assert spark_rows, sql
        assert spark_rows == table(tmp_path / "embedded.db", sql)

    def report(name: str) -> dict:
        return json.loads((tmp_path / f"report-{name}" / "2026-11-20.json").read_text())

    ours, theirs = report("spark"), report("embedded")
    assert ours["pipeline_version"] == theirs["pipeline_version"]
    assert reports["spark"].counts() == reports["embedded"].counts()
    assert ours["parsed"] == theirs["parsed"] > 0
    assert ours["trials"] == theirs["trials"]  # counts, candidates, ranks, changes
    assert ours["trials"][0]["candidates"]


def test_an_executor_with_another_pipeline_version_fails_the_job_by_name(
    spark: SparkEngine, monkeypatch: pytest.MonkeyPatch
):
    # What a node with an older matcher install would load: the driver's check catches it.
    monkeypatch.setattr(spark, "_model",
                        dataclasses.replace(spark._model, version="clinical-nlp-0.0.0+old"))
    with pytest.raises(
        MatcherError, match=r"parse job failed: matcher\.errors\.ModelError.*0\.0\.0"
    ):
        list(spark.parse(iter(example_notes()[:2])))
    assert list(spark.workdir.path.iterdir()) == []


@pytest.mark.parametrize("job", ["parse", "evaluate"])
def test_an_executor_with_another_vocabulary_than_the_drivers_fails_the_job_by_name(
    spark: SparkEngine, embedded: EmbeddedEngine, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, job: str,
):  # fmt: skip
    # What a node whose matcher install has other concepts would read with: the driver's
    # fingerprint of its vocabulary is checked where the executor parses and evaluates.
    db = fixture_db(tmp_path / "x.db", embedded) if job == "evaluate" else None
    monkeypatch.setattr(spark, "_model", dataclasses.replace(spark._model, vocabulary="0" * 64))
    with pytest.raises(
        MatcherError, match=rf"{job} job failed: matcher\.errors\.ModelError.*vocabulary"
    ):
        if job == "parse":
            list(spark.parse(iter(example_notes()[:2])))
        else:
            list(spark.evaluate(db, [load_trial(TRIAL)], AS_OF))
    assert list(spark.workdir.path.iterdir()) == []


def test_executors_fall_back_to_the_shipped_model_folder(spark: SparkEngine):
    # A driver path that no executor can read: the copy from sc.addFile is used instead.
    missing = "/nonexistent/shared/storage/" + Path(spark._model.path).name
    found = (
        spark.spark.sparkContext.parallelize([0], 1)
        .mapPartitions(lambda _: [str(_model_dir(missing))])
        .collect()
    )
    assert found[0] != missing
    assert (Path(found[0]) / "meta.json").is_file()


def test_hadoop_uri_workdir_round_trips_lines(spark: SparkEngine, tmp_path: Path):
    # file:// goes through the JVM's Hadoop FileSystem, as hdfs:// and s3a:// do.
    workdir = _Workdir.create(tmp_path.as_uri(), spark.spark)
    lines = [json.dumps({"i": i, "pad": "x" * (i * 300_000)}) for i in range(6)]
    assert workdir.write_lines("in.jsonl", lines) == len(lines)  # crosses 1 MiB chunks
    assert list(workdir.read_lines("in.jsonl")) == lines
    sc = spark.spark.sparkContext
    sc.textFile(workdir.uri_of("in.jsonl"), minPartitions=3).saveAsTextFile(workdir.uri_of("out"))
    assert [r["i"] for r in workdir.read_parts("out")] == list(range(6))
    workdir.remove("in.jsonl")
    workdir.close()
    assert list(tmp_path.iterdir()) == []


def test_bad_master_url_is_a_configuration_error_naming_it():
    with pytest.raises(ConfigurationError, match="nonsense://cluster:7077"):
        SparkEngine("nonsense://cluster:7077")
