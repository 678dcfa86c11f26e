"""Until when a result holds (issue 17): the evaluator, given a tracked as-of
(matcher.judge.validity), says the first later as-of on which the same criterion and
timeline could give another result. Each row of the table is checked against the evaluator
itself: the result is the same on every day before that date, and (where the boundary is a
real change: a window left, a birthday) different on it."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.judge.validity import Validity
from matcher.model import Assertion, Criterion, Finding, Patient

AS_OF = dt.date(2026, 11, 20)
D = dt.date


def finding(concept: str, value=None, *, date: dt.date, note: str = "n1",
            category: str = "lab", **attrs) -> Finding:
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=Assertion.AFFIRMED, value=value, unit=None,
                   date=date, attrs=attrs)


def crit(kind: str, type_: str = "inclusion", **params) -> Criterion:
    return Criterion(id="inc-1", key=kind, type=type_, text="t", kind=kind, params=params)


def judged(criterion: Criterion, findings: list[Finding], birth: dt.date | None,
           as_of: dt.date) -> tuple:
    dates = {f.note_id: f.date for f in findings}
    result = evaluate(criterion, build_timeline(Patient("P1", birth, "F"), findings, dates,
                                                as_of))
    return (result.status, result.reason, tuple(e.to_json().__repr__() for e in result.evidence))


AGE_6_TO_18 = crit("age", min_years=6, max_years=18)
BIOPSY = crit("biopsy", classes=["III", "IV"], allowed_with=["V"], window_days=183)
NO_RITUXIMAB = crit("drug_exposure", "exclusion", drugs=["drug.rituximab"], window_days=91)
SPO2 = crit("vital", analytes=["lab.spo2"], op=">=", value=92.0, unit="%")
FEMALE = crit("sex", sex="female")
MMF_SIX_MONTHS = crit("refractory", agents=["drug.mycophenolate"], min_agents=1,
                      min_duration_days=183, duration_strict=False,
                      requires_active_proteinuria=False)


def biopsy(day: dt.date) -> Finding:
    return finding("biopsy.kidney", "IV", category="biopsy", date=day, classes=["IV"])


def rituximab(day: dt.date) -> Finding:
    return finding("drug.rituximab", category="drug", date=day, note="r", start_date=day,
                   single_dose=True)


@pytest.mark.parametrize(
    ("case", "criterion", "findings", "birth", "holds_until", "changes_then"),
    [
        # 18 on the as-of, 19 on 2026-11-25: the age criterion fails from the birthday.
        ("age at a birthday", AGE_6_TO_18, [], D(2007, 11, 25), D(2026, 11, 25), True),
        # 17, 18 on 2026-11-25: still inside 6-18, but the reason's age changes.
        ("age at a birthday inside the range", AGE_6_TO_18, [], D(2008, 11, 25),
         D(2026, 11, 25), True),
        # A biopsy of 2026-10-01 is inside the 183-day window until 2027-04-02.
        ("window boundary", BIOPSY, [biopsy(D(2026, 10, 1))], None, D(2027, 4, 3), True),
        # Rituximab on 2026-10-05 excludes for 91 days: from 2027-01-05 it no longer does.
        ("lookback", NO_RITUXIMAB, [rituximab(D(2026, 10, 5))], None, D(2027, 1, 5), True),
        # SpO2 97 % of 2026-11-01 is current for the 90-day lookback, stale from 2027-01-31.
        ("stale lab", SPO2, [finding("lab.spo2", 97.0, date=D(2026, 11, 1))], None,
         D(2027, 1, 31), True),
        # A note written after the as-of is not read until its date.
        ("a note dated later", SPO2, [finding("lab.spo2", 97.0, date=D(2026, 12, 1))], None,
         D(2026, 12, 1), True),
        # Sex does not depend on the date at all.
        ("no date read", FEMALE, [], None, None, False),
        # A biopsy of 2026-01-01 is outside the 183-day window for good: the reason names its
        # date, not a day count, so the result holds until the findings change.
        ("a stale biopsy stays stale", BIOPSY, [biopsy(D(2026, 1, 1))], None, None, False),
        # Mycophenolate since 2026-09-01 is not yet 183 days: not met until 2027-03-04.
        ("a drug course not yet long enough", MMF_SIX_MONTHS,
         [finding("drug.mycophenolate", category="drug", date=D(2026, 9, 1), note="m",
                  start_date=D(2026, 9, 1))], None, D(2027, 3, 3), True),
    ],
)
def test_holds_until_is_the_first_as_of_on_which_the_result_can_differ(
        case, criterion, findings, birth, holds_until, changes_then):
    validity = Validity(AS_OF)
    tracked = judged(criterion, findings, birth, validity.date())
    now = judged(criterion, findings, birth, AS_OF)
    assert tracked == now, "tracking the as-of must not change the result"
    assert validity.holds_until == holds_until, case
    last = (holds_until or AS_OF + dt.timedelta(days=400)) - dt.timedelta(days=1)
    day = AS_OF
    while day <= last:  # the same result on every day it is said to hold
        assert judged(criterion, findings, birth, day) == now, (case, day)
        day += dt.timedelta(days=1)
    if changes_then:
        assert judged(criterion, findings, birth, holds_until) != now, case


def test_the_judges_age_in_years_counts_as_the_nlp_layers_does():
    import random

    from matcher.judge.demographics import completed_years
    from matcher.nlp.dates import completed_years as nlp_completed_years

    rng = random.Random(17)
    days = [D(2000, 2, 29), D(2001, 2, 28), D(2001, 3, 1), D(2004, 2, 29)] + [
        D(1920, 1, 1) + dt.timedelta(days=rng.randrange(40_000)) for _ in range(3_000)]
    for birth in days[:60]:
        for on in days:
            if on >= birth:
                assert completed_years(birth, on) == nlp_completed_years(birth, on), (birth, on)


def test_a_read_the_tracker_cannot_follow_holds_for_that_as_of_only():
    # The as-of printed, divided, hashed: each could change any day.
    for use in (str, lambda d: (d - D(2026, 1, 1)).days / 7, hash, lambda d: d.toordinal()):
        validity = Validity(AS_OF)
        use(validity.date())
        assert validity.holds_until == AS_OF + dt.timedelta(days=1)


# --- migration 8 ----------------------------------------------------------------------------


def _database_at_version_7(path) -> None:
    """A file as matcher wrote it before migration 8: migrations 1-7, a patient, a note, a
    finished nightly result."""
    import sqlite3

    from sqlite_utils import Database

    from matcher.store.db import MIGRATIONS

    db = Database(sqlite3.connect(path))
    db.table("meta").create({"key": str, "value": str}, pk="key")
    for migration in MIGRATIONS[:7]:
        migration(db)
    db.execute("INSERT INTO meta VALUES ('schema_version', '7')")
    db.execute("INSERT INTO patients VALUES ('P-1', '2010-01-01', 'F')")
    db.execute("INSERT INTO notes (note_id, patient_id, note_date, text, content_hash) "
               "VALUES ('N-1', 'P-1', '2026-01-01', 'SLE.', 'h')")
    db.execute("INSERT INTO runs (run_id, status, kind) VALUES (1, 'completed', 'nightly')")
    db.execute("INSERT INTO results (run_id, trial_id, patient_id, status, criteria_json) "
               "VALUES (1, 'T-1', 'P-1', 'eligible', '[]')")
    db.conn.commit()
    db.conn.close()


def test_migration_8_upgrades_a_version_7_file_and_its_rows_are_evaluated_again(tmp_path):
    from matcher.store import SCHEMA_VERSION, Store, incremental_tables

    path = tmp_path / "v7.db"
    _database_at_version_7(path)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 12
        [row] = store.results(1)
        # A row from before knows nothing of what it depends on: never carried forward.
        assert (row["findings_version"], row["holds_until"], row["refresh_json"]) == (
            None, None, None)
        versions = incremental_tables.patient_versions(store.db)
        assert versions == {"P-1": 0}
        assert incremental_tables.classify(store.db, 1, "T-1", "2026-11-20", versions) == {
            "findings": ["P-1"], "expired": [], "carry": []}
        # From now on every write to a patient's record raises the patient's version.
        with store.transaction():
            store.db.execute("UPDATE notes SET text = 'SLE, nephritis.' WHERE note_id = 'N-1'")
        assert incremental_tables.patient_versions(store.db) == {"P-1": 1}
        with store.transaction():
            store.db.execute("DELETE FROM notes WHERE note_id = 'N-1'")
            store.db.execute("UPDATE patients SET sex = 'M' WHERE patient_id = 'P-1'")
        assert incremental_tables.patient_versions(store.db) == {"P-1": 3}


# --- migration 10 ----------------------------------------------------------------------------


def _database_at_version_8(path) -> None:
    """A file as matcher wrote it before migration 10: each result row with its own copy of
    its criteria JSON (two nights of one patient with the same verdict, and another
    patient)."""
    import sqlite3

    from sqlite_utils import Database

    from matcher.store.db import MIGRATIONS

    db = Database(sqlite3.connect(path))
    db.table("meta").create({"key": str, "value": str}, pk="key")
    for migration in MIGRATIONS[:8]:
        migration(db)
    db.execute("INSERT INTO meta VALUES ('schema_version', '8')")
    db.execute("INSERT INTO runs (run_id, status, kind) VALUES (1, 'completed', 'nightly'), "
               "(2, 'completed', 'nightly')")
    for run, patient, criteria in ((1, "P-1", SAME), (2, "P-1", SAME), (2, "P-2", OTHER)):
        db.execute("INSERT INTO results (run_id, trial_id, patient_id, status, criteria_json) "
                   "VALUES (?, 'T-1', ?, 'eligible', ?)", [run, patient, criteria])
    db.conn.commit()
    db.conn.close()


SAME = '[{"id": "I1", "status": "met", "reason": "SLE on 2026-01-01"}]'
OTHER = '[{"id": "I1", "status": "unknown", "reason": "no lupus diagnosis found"}]'


def test_migration_10_keeps_each_criteria_text_once_and_every_row_reads_its_own(tmp_path):
    from matcher.store import SCHEMA_VERSION, Store, criteria_payloads

    path = tmp_path / "v8.db"
    _database_at_version_8(path)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 12
        assert [(r["patient_id"], r["criteria_json"]) for r in store.results(1)] == [
            ("P-1", SAME)]
        assert [(r["patient_id"], r["criteria_json"]) for r in store.results(2)] == [
            ("P-1", SAME), ("P-2", OTHER)]
        assert sorted(store.db.execute(
            "SELECT digest, criteria_json FROM result_criteria").fetchall()) == sorted(
            [(criteria_payloads.digest(SAME), SAME), (criteria_payloads.digest(OTHER), OTHER)])
        # The copy per row is gone: a reader that forgot the join fails, never reads NULL.
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(results)")}
        assert "criteria_json" not in columns and "criteria_digest" in columns
        # Texts stored before migration 12 may be shared by other patients' rows, which
        # its release check does not see: they stay when their rows go.
        store.drop_results(2)
        store.drop_results(1)
        assert sorted(store.db.execute("SELECT criteria_json, scoped FROM result_criteria")
                      .fetchall()) == sorted([(SAME, 0), (OTHER, 0)])


# --- refreshing a carried result ------------------------------------------------------------


def test_the_aged_inputs_of_many_rows_equal_aged_features_bit_for_bit():
    import random
    import struct

    import numpy as np

    from matcher.judge.eligibility import AGED_FEATURES, aged_columns, aged_features, feature_names

    names = feature_names()
    rng = random.Random(17)
    # Anchors from 15 years before the as-of (clipped at 10) to after it (0 years), some
    # unknown (the value stays as steady_features set it).
    days = [-5479, -3653, -3652, -3651, -366, -365, -364, -1, 0, 1, 30]
    rows = []
    for _ in range(400):
        values = {name: rng.choice([0.0, 1.0, rng.random() * 3]) for name in names}
        anchors = [rng.choice([None, AS_OF + dt.timedelta(days=rng.choice(days))])
                   for _ in AGED_FEATURES]
        rows.append((values, anchors))
    matrix = np.array([[values[n] for n in names] for values, _ in rows], dtype=np.float64)
    anchor_days = np.array([[a.toordinal() if a else 0 for a in anchors] for _, anchors in rows],
                           dtype=np.float64)
    aged_columns(matrix, anchor_days, AS_OF)
    for got, (values, anchors) in zip(matrix.tolist(), rows, strict=True):
        want = aged_features(values, anchors, AS_OF)
        assert [struct.pack("<d", v) for v in got] == [
            struct.pack("<d", float(want[n])) for n in names]


def test_a_refresh_json_of_another_layout_is_refused_not_misread():
    from matcher.errors import StoreError
    from matcher.jobs.engine import refreshed_scores_and_ps

    earlier_layout = ('{"anchors": [null, null, null], "features": {"fail": 1.0}, '
                      '"score": [12.5, null]}')
    with pytest.raises(StoreError, match="refresh_json"):
        refreshed_scores_and_ps([earlier_layout], AS_OF, None)


# --- one timeline per patient ---------------------------------------------------------------


def test_a_patients_trials_share_one_timeline_but_each_row_holds_as_if_judged_alone():
    """evaluate_records builds a patient's timeline once for all of its trials: each
    trial's row (verdict, evidence, until when it holds) is the row of that trial judged
    alone, so a window closing soon in one trial (rituximab leaving a 91-day exclusion
    window) does not shorten how long another trial's result holds (a biopsy's 183 days),
    and a note dated after the as-of still dates every row's validity."""
    from matcher.jobs.engine import evaluate_records
    from matcher.model import Trial

    # Boundaries before the 14th birthday on 10 December (the age read dates every row):
    # rituximab leaves its window on 2 December, the biopsy its window on 4 December, and
    # the note of 5 December enters the timeline that day (every row: the age and sex
    # trials read nothing else of the as-of before the birthday).
    later = AS_OF + dt.timedelta(days=15)
    findings = [biopsy(AS_OF - dt.timedelta(days=170)),
                rituximab(AS_OF - dt.timedelta(days=80)),
                finding("lab.alt", 30.0, date=later, note="later")]
    dates = {f.note_id: f.date for f in findings}
    patient = Patient("P1", D(2012, 12, 10), "F")
    trials = [Trial(f"T-{i}", "t", (criterion,)) for i, criterion in
              enumerate((BIOPSY, NO_RITUXIMAB, AGE_6_TO_18, FEMALE))]
    together = evaluate_records([(patient, findings, dates)], trials, AS_OF)
    alone = [row for trial in trials
             for row in evaluate_records([(patient, findings, dates)], [trial], AS_OF)]
    assert together == alone
    assert [row.holds_until for row in together] == [
        "2026-12-04", "2026-12-02", later.isoformat(), later.isoformat()]
