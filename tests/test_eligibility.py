"""The eligibility model: features, JSON storage, calibration, ranking, CLI and training."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sqlite3
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from matcher import api
from matcher.cli import cli
from matcher.errors import ModelError
from matcher.judge import eligibility as elig
from matcher.judge.ranking import patient_status, rank, score
from matcher.model import (
    Criterion,
    CriterionResult,
    Evidence,
    Finding,
    PatientResult,
    PatientStatus,
    Status,
    UnknownCause,
)
from tests.conftest import AS_OF, REPO

TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
SCHEMA = json.loads((REPO / "matcher" / "schema" / "match_output.schema.json").read_text())


# ------------------------------------------------------------------ helpers
def _criterion(cid: str, kind: str, type_: str = "inclusion") -> Criterion:
    return Criterion(id=cid, key=cid, type=type_, text=cid, kind=kind)


def _item(cid: str, kind: str, status: Status, reason: str = "", type_: str = "inclusion",
          dates: tuple[dt.date, ...] = (), cause: UnknownCause | None = None) -> CriterionResult:
    evidence = tuple(Evidence(f"n{i}", d, 0, 1, "x") for i, d in enumerate(dates))
    return CriterionResult(_criterion(cid, kind, type_), status, reason, evidence, cause)


def _patient(pid: str, *items: CriterionResult) -> PatientResult:
    status = patient_status(items)
    return PatientResult(pid, status, score(status, items, AS_OF), tuple(items))


def _finding(note_id: str) -> Finding:
    return Finding("lab.alt", "lab", note_id, 0, 1, "x")


def _examples(n_patients: int = 40, seed: int = 3) -> list[elig.Example]:
    """Synthetic examples: eligibility falls with the number of unknown labs."""
    rng = random.Random(seed)
    names = elig.feature_names()
    out = []
    for p in range(n_patients):
        for view in range(4):
            values = dict.fromkeys(names, 0.0)
            unknown = rng.randint(0, 6)
            values["inc_unknown:lab"] = values["inc_unknown_n"] = float(unknown)
            values["status_possible"] = float(unknown > 0)
            values["status_eligible"] = float(unknown == 0)
            values["notes_log"] = math.log1p(rng.randint(1, 9))
            label = int(rng.random() < 1 / (1 + math.exp(unknown - 3)))
            out.append(elig.Example("T", f"P{p}", view, 3, 5, "possible",
                                    tuple(values[n] for n in names), label))
    return out


# ----------------------------------------------------------------- features
def test_features_aggregate_states_by_kind_and_side():
    result = _patient(
        "P1",
        _item("age", "age", Status.MET, dates=(dt.date(2026, 10, 1),)),
        _item("sle", "diagnosis", Status.MET, dates=(dt.date(2024, 11, 20),)),
        _item("biopsy", "biopsy", Status.UNKNOWN,
              "biopsy (class IV) dated 2025-01-01 is 688 days before screening, outside "
              "the 183-day window: a repeat biopsy would be needed", cause=UnknownCause.STALE),
        _item("cd19", "cd19", Status.UNKNOWN, "no CD19 flow cytometry documented",
              cause=UnknownCause.ABSENT),
        _item("alt", "lab", Status.MET, dates=(dt.date(2026, 11, 10),)),
        _item("consent", "consent", Status.MANUAL),
        _item("x_rtx", "drug_exposure", Status.NOT_MET, type_="exclusion"),
        _item("x_hb", "lab", Status.UNKNOWN, "no hemoglobin documented", type_="exclusion",
              cause=UnknownCause.ABSENT),
    )
    findings = [_finding("a"), _finding("a"), _finding("b"), _finding("late")]
    note_dates = {"a": dt.date(2026, 5, 20), "b": dt.date(2026, 11, 10),
                  "late": dt.date(2027, 1, 1)}
    values = elig.features(result, findings, note_dates, AS_OF)
    assert set(values) == set(elig.feature_names())
    assert result.status is PatientStatus.POSSIBLE
    assert values["status_possible"] == 1 and values["status_eligible"] == 0
    assert values["fail"] == 0
    assert values["inc_unknown_n"] == 2 and values["exc_unknown_n"] == 1
    assert values["inc_unknown:cd19"] == 1 and values["inc_unknown:biopsy"] == 1
    assert values["exc_unknown:lab"] == 1 and values["inc_unknown:lab"] == 0
    assert values["inc_met:lab"] == 1 and values["inc_met:diagnosis"] == 1
    assert values["unknown_absent_n"] == 2  # cd19, hemoglobin
    assert values["unknown_documented_n"] == 1  # the biopsy outside its window
    assert values["inc_met_frac"] == pytest.approx(3 / 6)
    assert values["inc_manual_frac"] == pytest.approx(1 / 6)
    assert values["disease_all_met"] == 0 and values["disease_unknown_n"] == 1
    assert values["evidence_newest_years"] == pytest.approx(10 / 365)
    assert values["evidence_oldest_years"] == pytest.approx(730 / 365)
    # Two notes written by as-of (the note dated after it is ignored).
    assert values["notes_log"] == pytest.approx(math.log1p(2))
    assert values["note_span_years"] == pytest.approx(174 / 365)
    assert values["note_newest_years"] == pytest.approx(10 / 365)


def test_features_of_a_failing_patient_with_no_evidence():
    result = _patient("P2", _item("age", "age", Status.NOT_MET),
                      _item("x_tx", "diagnosis", Status.MET, type_="exclusion"))
    values = elig.features(result, [], {}, AS_OF)
    assert values["fail"] == 1 and values["status_possible"] == values["status_eligible"] == 0
    assert values["no_evidence"] == 1 and values["notes_log"] == 0


@pytest.mark.parametrize(("reason", "cause", "absent"), [
    # The reason's words do not count, the typed cause does: a biopsy whose date "is not
    # documented" was documented (undated), and a reason that starts "no ..." may name a
    # stale value.
    ("class IV lupus nephritis stated but the biopsy date is not documented",
     UnknownCause.UNDATED, 0),
    ("no UPCR documented; most recent 24-hour urine protein is from 2025-01-02 (stale)",
     UnknownCause.STALE, 0),
    ("ANA positive but no titre documented", UnknownCause.AMBIGUOUS, 0),
    ("most recent ALT is from 2026-01-02, older than the 90-day lookback",
     UnknownCause.ABSENT, 1),
])
def test_unknowns_with_nothing_documented_are_told_apart_by_their_typed_cause(
    reason, cause, absent
):
    result = _patient("P3", _item("x", "lab", Status.UNKNOWN, reason, cause=cause))
    values = elig.features(result, [], {}, AS_OF)
    assert values["unknown_absent_n"] == absent
    assert values["unknown_documented_n"] == 1 - absent


# -------------------------------------------------------- model and storage
@pytest.fixture(scope="module")
def fitted() -> tuple[elig.EligibilityModel, list[elig.Example]]:
    examples = _examples()
    return elig.fit(examples, name="test-model", folds=4, seed=0), examples


def test_json_model_predicts_what_scikit_learn_predicts(fitted, tmp_path):
    import numpy as np

    model, examples = fitted
    calibrated, mean, scale = elig.fit_sklearn(examples, folds=4, seed=0)
    x = (np.asarray([e.values for e in examples]) - mean) / scale
    expected = calibrated.predict_proba(x)[:, 1]
    got = [elig.predict_vector(model, e.values) for e in examples]
    assert got == pytest.approx(expected.tolist(), abs=1e-9)

    model.save(tmp_path / "m")
    loaded = elig.EligibilityModel.load(tmp_path / "m")
    assert loaded == model and loaded.version == model.version
    assert [elig.predict_vector(loaded, e.values) for e in examples] == got
    # Plain JSON: no pickle, nothing to execute.
    raw = (tmp_path / "m" / "model.json").read_bytes()
    assert json.loads(raw)["format"] == elig.MODEL_FORMAT and b"\x80" not in raw[:2]


def test_probabilities_stay_in_0_1_and_calibration_is_monotonic(fitted):
    model, _ = fitted
    rng = random.Random(7)
    names = elig.feature_names()
    for _ in range(200):
        values = {n: rng.uniform(-50, 50) for n in names}
        assert 0.0 <= model.predict(values) <= 1.0
    assert model.calibration_a < 0  # a higher score never means a lower probability
    grid = [model.calibrate(s / 4) for s in range(-80, 81)]
    assert grid == sorted(grid)
    # More unknown labs, less likely to be eligible (what the synthetic data says).
    base = dict.fromkeys(names, 0.0)
    probs = [model.predict({**base, "inc_unknown:lab": k, "inc_unknown_n": k}) for k in range(7)]
    assert probs == sorted(probs, reverse=True)


def test_a_batch_of_probabilities_is_each_row_predicted_alone_bit_for_bit():
    # An incremental night computes P(eligible) for 200,000 carried results in one batch,
    # and a carried row must be byte for byte the row a full evaluation stores: equal, not
    # approximately equal (a sum taken in another order moves the last bit).
    model = elig.EligibilityModel.load(REPO / "models" / "eligibility-v1")
    rng = random.Random(17)
    names = elig.feature_names()
    rows = []
    for _ in range(2000):
        values = dict.fromkeys(names, 0.0)
        for name in rng.sample(names, 12):
            values[name] = rng.choice([float(rng.randint(0, 6)), rng.random(),
                                       rng.uniform(0.0, 10.0), math.log1p(rng.randint(1, 40))])
        rows.append(values)
    assert model.predict_many(rows) == [model.predict(values) for values in rows]
    assert model.predict_many([]) == []


def test_loading_rejects_files_that_are_not_a_model(fitted, tmp_path):
    model, _ = fitted
    good = model.to_json()
    cases = [
        {**good, "format": "pickle"},
        {**good, "coef": good["coef"][:-1]},
        {**good, "intercept": float("nan")},
        {**good, "features": [*good["features"][:-1], "os.system"]},
        {**good, "coef": [v + 1 for v in good["coef"]]},  # edited: digest no longer matches
    ]
    for i, data in enumerate(cases):
        path = tmp_path / f"bad{i}"
        path.mkdir()
        (path / "model.json").write_text(json.dumps(data))
        with pytest.raises(ModelError):
            elig.EligibilityModel.load(path)
    with pytest.raises(ModelError):
        elig.EligibilityModel.load(tmp_path / "missing")


def test_default_model_is_optional_unless_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_MODELS", str(tmp_path))
    monkeypatch.delenv(elig.ENV_MODEL, raising=False)
    assert elig.load_default() is None
    monkeypatch.setenv(elig.ENV_MODEL, str(tmp_path / "nowhere"))
    with pytest.raises(ModelError):
        elig.load_default()


def test_the_shipped_model_loads_and_its_card_reports_cross_validation():
    path = REPO / "models" / "eligibility-v1"
    model = elig.EligibilityModel.load(path)
    assert model.feature_names == elig.feature_names(), "retrain: features changed"
    card = (path / "MODEL_CARD.md").read_text()
    for heading in ("## What it is", "## Data it was built from", "## Metrics (cross-validated",
                    "## Intended use", "## Limits", "## Reproduce"):
        assert heading in card
    assert "matcher train " in card
    for trial_id, r in model.meta["cv"]["ranking"].items():
        assert r["ndcg@10_with"] >= r["ndcg@10_without"], trial_id


# ------------------------------------------------------------------ ranking
def test_probability_orders_patients_inside_status_group_and_tier():
    disease = (_item("sle", "diagnosis", Status.MET), _item("bx", "biopsy", Status.MET))
    strong = _patient("A", *disease, _item("cd19", "cd19", Status.UNKNOWN))
    strong2 = _patient("B", *disease, _item("lab", "lab", Status.UNKNOWN),
                       _item("lab2", "lab", Status.UNKNOWN))
    weak = _patient("C", _item("sle", "diagnosis", Status.MET),
                    _item("bx", "biopsy", Status.UNKNOWN))
    good = _patient("D", *disease, _item("lab", "lab", Status.MET))
    out = _patient("E", *disease, _item("lab", "lab", Status.NOT_MET))
    results = [strong, strong2, weak, good, out]
    assert [r.patient_id for r in rank(results)] == ["D", "A", "B", "C", "E"]
    assert [r.patient_id for r in rank(results, None)] == \
        [r.patient_id for r in sorted(results, key=lambda r: ({"eligible": 0, "possible": 1,
                                                               "ineligible": 2}[r.status],
                                                              -r.score))]
    p = {"A": 0.2, "B": 0.9, "C": 0.99, "D": 0.1, "E": 1.0}
    # B overtakes A inside the tier; C (a disease criterion unknown) stays below;
    # nothing crosses a status group.
    assert [r.patient_id for r in rank(results, p)] == ["D", "B", "A", "C", "E"]
    assert [r.rank for r in rank(results, p)] == [1, 2, 3, 4, 5]


# ---------------------------------------------------------------------- CLI
@pytest.fixture
def example_db(tmp_path: Path) -> Path:
    from matcher.store import Store

    path = tmp_path / "matcher.db"
    with Store(path) as store:
        api.ingest([REPO / "examples" / "notes.jsonl"], store)
    return path


def test_match_shows_the_probability_and_no_model_turns_it_off(example_db, fitted, tmp_path,
                                                               monkeypatch):
    model, _ = fitted
    model.save(tmp_path / "eligibility-test")
    monkeypatch.setenv(elig.ENV_MODEL, str(tmp_path / "eligibility-test"))
    runner = CliRunner()
    base = ["match", str(TRIAL), "--db", str(example_db), "--as-of", AS_OF.isoformat()]

    table = runner.invoke(cli, base)
    assert table.exit_code == 0, table.output
    assert model.version in table.stdout and table.stdout.splitlines()[2].endswith("p")

    payload = json.loads(runner.invoke(cli, [*base, "--format", "json"]).stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["eligibility_model"] == model.version
    assert all(0 <= p["p_eligible"] <= 1 for p in payload["patients"])

    csv_out = runner.invoke(cli, [*base, "--format", "csv"]).stdout
    assert csv_out.splitlines()[0].endswith(",p_eligible")

    off = runner.invoke(cli, [*base, "--no-model", "--format", "json"])
    assert off.exit_code == 0, off.output
    payload_off = json.loads(off.stdout)
    assert "eligibility_model" not in payload_off
    assert all("p_eligible" not in p for p in payload_off["patients"])
    assert "p =" not in runner.invoke(cli, [*base, "--no-model"]).output
    # Same status groups either way.
    assert [p["status"] for p in payload_off["patients"]] == \
        [p["status"] for p in payload["patients"]]


def test_eval_reports_ndcg_with_and_without_brier_and_reliability(shared, tmp_path):
    rows = [json.loads(line) for line in (shared / "dev_cohort" / "notes.jsonl").open()]
    wanted = sorted({r["patient_id"] for r in rows})[:12]
    notes = tmp_path / "slice.jsonl"
    notes.write_text("".join(json.dumps(r) + "\n" for r in rows if r["patient_id"] in wanted))
    args = ["eval", "--gold", str(shared / "dev_cohort" / "gold.jsonl"), "--notes", str(notes),
            "--trial", str(TRIAL), "--as-of", AS_OF.isoformat()]
    runner = CliRunner()
    text = runner.invoke(cli, args)
    assert text.exit_code == 0, text.output
    assert "(without the eligibility model)" in text.output
    assert "(with the eligibility model eligibility-v1" in text.output
    assert "Brier" in text.output and "observed" in text.output
    report = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert report["ndcg@10_with_model"] >= report["ndcg@10_without_model"]
    assert 0 <= report["brier"] <= 1 and report["reliability"]
    off = json.loads(runner.invoke(cli, [*args, "--format", "json", "--no-model"]).output)
    assert "brier" not in off and off["ndcg@10"] == report["ndcg@10_without_model"]


# ----------------------------------------------------------------- training
def _slice(shared: Path, tmp_path: Path, n: int) -> Path:
    rows = [json.loads(line) for line in (shared / "dev_cohort" / "notes.jsonl").open()]
    wanted = sorted({r["patient_id"] for r in rows})[:n]
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows if r["patient_id"] in wanted))
    return path


def test_train_on_a_slice_of_the_dev_cohort(shared, tmp_path):
    notes = _slice(shared, tmp_path, 30)
    out = tmp_path / "models" / "eligibility-slice"
    args = ["train", "--gold", str(shared / "dev_cohort" / "gold.jsonl"), "--notes", str(notes),
            "--trial", str(TRIAL), "--trial", str(shared / "registry" / "DEV-LN-2.txt"),
            "--as-of", AS_OF.isoformat(), "--out", str(out), "--views", "3", "--folds", "3"]
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 30
    assert "cross-validated (3 folds by patient)" in result.output
    model = elig.EligibilityModel.load(out)
    assert model.name == "eligibility-slice" and model.meta["C"] == 1.0
    card = (out / "MODEL_CARD.md").read_text()
    assert "Metrics (cross-validated: 3 folds grouped by patient)" in card
    assert f"--out {out}" in card
    # Deterministic: the same command gives the same numbers.
    again_args = [tmp_path.joinpath("again").as_posix() if a == str(out) else a for a in args]
    again = CliRunner().invoke(cli, again_args)
    assert again.exit_code == 0, again.output
    assert elig.EligibilityModel.load(tmp_path / "again").digest == model.digest


def test_masked_views_hide_notes_and_keep_the_full_view_label(shared, tmp_path):
    from matcher.tools.train import _load_notes, build_cases, read_label_rows

    notes = _slice(shared, tmp_path, 6)
    patients, findings, note_dates, note_ids = _load_notes([notes])
    labels = [("gold", r) for r in read_label_rows(shared / "dev_cohort" / "gold.jsonl")]
    trials = [(api.load_trial(TRIAL), TRIAL)]
    cases, _ = build_cases(trials, patients, findings, note_dates, note_ids, labels, AS_OF)
    data = elig.build_training_set(cases, note_dates, views=4, seed=1)
    by_pair: dict[str, list[elig.Example]] = {}
    for e in data.examples:
        by_pair.setdefault(e.patient_id, []).append(e)
    assert by_pair
    for views in by_pair.values():
        full = [e for e in views if e.view == 0]
        assert len(full) == 1
        assert {e.label for e in views} == {full[0].label}
        for e in views:
            if e.view:
                assert 1 <= e.kept_notes < e.total_notes
                assert e.total_notes * 0.2 - 1 <= e.total_notes - e.kept_notes


def test_site_referral_outcomes_become_labels(shared, tmp_path):
    """A site refits from its own database: notes already ingested, outcomes recorded by
    the referral workflow (enrolled / not suitable)."""
    from matcher.store import Store
    from matcher.tools.train import referral_outcomes

    db = tmp_path / "site.db"
    with Store(db) as store:
        api.ingest([_slice(shared, tmp_path, 24)], store)
        patients = [p.patient_id for p in store.patients()]
    conn = sqlite3.connect(db)  # the referral tables are the store's (migration 3)
    for i, pid in enumerate(patients[:8]):
        outcome = "enrolled" if i % 2 else "not_suitable"
        for status, at in (("to_review", "2026-11-02T09:00:00+00:00"),
                           (outcome, "2026-11-19T10:00:00+00:00")):
            conn.execute("INSERT INTO web_referral_history (trial_id, patient_id, status, "
                         "username, at) VALUES ('NCT06904729', ?, ?, 'u', ?)", (pid, status, at))
        conn.execute("INSERT INTO web_referrals VALUES ('NCT06904729', ?, ?, NULL, 'u', ?)",
                     (pid, outcome, "2026-11-19T10:00:00+00:00"))
    conn.execute("INSERT INTO web_referrals VALUES ('NCT06904729', ?, 'contacted', NULL, 'u', "
                 "'2026-11-19')", (patients[9],))
    conn.commit()
    conn.close()

    rows = referral_outcomes(str(db))
    assert len(rows) == 8  # open referrals are not outcomes
    assert {r["as_of"] for r in rows} == {"2026-11-02"}  # the view the referrer had
    assert {r["outcome"] for r in rows} == {"enrolled", "not_suitable"}

    out = tmp_path / "eligibility-site"
    result = CliRunner().invoke(cli, ["train", "--referrals", "--db", str(db), "--trial",
                                      str(TRIAL), "--as-of", AS_OF.isoformat(), "--out",
                                      str(out), "--views", "2", "--folds", "3"])
    assert result.exit_code == 0, result.output
    model = elig.EligibilityModel.load(out)
    assert model.meta["label_sources"]["referral"] == 8
    assert "referral outcomes in" in (out / "MODEL_CARD.md").read_text()
