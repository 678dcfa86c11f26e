"""The web app reads stored rankings (issue 16): the candidates page, CSV export and JSON API
never rank every patient in the web process; a date without a stored ranking says so and the
bounded as-of queue computes it; the patient page says when its live evaluation differs from
the stored row."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from matcher import api
from matcher.store import Store
from matcher.web.service import Engine, Query
from matcher.web.stored import AsOfQueue, QueueFull
from tests.test_web_support import (
    AS_OF,
    REFERRER,
    TRIAL,
    app_clients,
    build_template,
    copy_db,
    login,
)

AS_OF_DATE = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def stored_template(tmp_path_factory) -> Path:
    """The web fixture database with the trial's ranking stored at AS_OF (`matcher match`)."""
    path = build_template(tmp_path_factory.mktemp("web-stored"))
    engine = Engine(path)
    with Store(path) as store:
        api.match_and_store(engine.trial(TRIAL), store, AS_OF_DATE, engine.model)
    return path


@pytest.fixture
def db(stored_template: Path, tmp_path: Path) -> Path:
    return copy_db(stored_template, tmp_path / "web.db")


@pytest.fixture
def referrer(db: Path):
    with app_clients(db, warm=False, ranking_wait=0) as make:
        client = make()
        login(client, *REFERRER)
        yield client


def test_pages_read_the_stored_ranking_and_never_load_every_patient(referrer, db: Path):
    engine = referrer.app.state.web.engine
    page = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&sort=score&dir=desc")
    assert page.status_code == 200 and 'id="candidates"' in page.text
    csv_text = referrer.get(f"/trials/{TRIAL}/export.csv?as_of={AS_OF}").text
    listed = referrer.get(f"/api/trials/{TRIAL}/candidates?as_of={AS_OF}&per_page=5")
    assert listed.status_code == 200 and len(listed.json()["patients"]) == 5
    assert engine._dataset is None and not engine._rankings  # nothing ranked in-process
    with Store(db) as store:
        stored = [r[0] for r in store.db.execute(
            "SELECT patient_id FROM results ORDER BY rank")]
    assert [line.split(",")[1] for line in csv_text.splitlines()[1:]] == stored
    assert [p["patient_id"] for p in listed.json()["patients"]] == stored[:5]


QUERIES = [
    {}, {"status": "possible"}, {"sort": "score", "dir": "desc"}, {"sort": "p"},
    {"sort": "age"}, {"sort": "status", "dir": "desc"}, {"sort": "patient"},
    {"sort": "unknown", "dir": "desc"}, {"sort": "not_met"}, {"sort": "met"},
    {"sort": "manual", "dir": "desc"}, {"sort": "referral"}, {"age_min": "10", "age_max": "14"},
    {"crit": "inc-4", "crit_status": "unknown"}, {"q": "tacrolimus"}, {"referral": "none"},
    {"referral": "contacted", "sort": "referral", "dir": "desc"},
]


class _Params(dict):
    def getlist(self, key: str) -> list[str]:
        return []


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: "&".join(f"{k}={v}" for k, v in
                                                                     p.items()) or "rank")
def test_stored_filters_and_sorts_give_the_in_memory_order(db: Path, params: dict):
    """The SQL of every filter and sort gives what the page gave from the in-memory ranking
    (service.Engine.select): same patients, same order, same columns."""
    engine = Engine(db)
    trial = engine.trial(TRIAL)
    engine.set_referral(TRIAL, "P-001", "contacted", "", "rui")
    engine.set_referral(TRIAL, "P-002", "to_review", "", "rui")
    query = Query.parse(_Params(params), trial)
    assert not query.errors
    expected = engine.select(engine.ranking(trial, AS_OF_DATE), query,
                             engine.referrals(TRIAL))
    stored = engine.stored.current(trial, AS_OF_DATE)
    rows, total = engine.stored.select(stored, trial, query)
    assert total == len(expected) and total > 0 or params.get("referral") == "contacted"
    fields = ("rank", "patient_id", "status", "score", "met", "not_met", "unknown", "manual",
              "statuses", "age", "sex", "p")
    assert [[getattr(r, f) for f in fields] for r in rows] == \
        [[getattr(r, f) for f in fields] for r in expected]
    page, _ = engine.stored.select(stored, trial, query, limit=3, offset=2)
    assert [r.patient_id for r in page] == [r.patient_id for r in expected[2:5]]


def test_a_date_out_of_range_is_not_computed_and_says_how(referrer):
    old = "1970-01-01"
    page = referrer.get(f"/trials/{TRIAL}?as_of={old}")
    assert page.status_code == 200
    assert "Not computed yet for 1970-01-01" in page.text and 'id="queue-problem"' in page.text
    assert "matcher match TRIAL_FILE --as-of 1970-01-01" in page.text
    assert "refresh" not in page.text  # nothing is being computed: no endless reload
    export = referrer.get(f"/trials/{TRIAL}/export.csv?as_of={old}")
    assert export.status_code == 409 and "not computed yet" in export.text
    assert referrer.get(f"/api/trials/{TRIAL}/candidates?as_of={old}").status_code == 409


def test_another_date_is_computed_by_the_queue_stored_and_then_read(referrer, db: Path):
    other = dt.date(2026, 6, 1)
    engine = referrer.app.state.web.engine
    first = referrer.get(f"/trials/{TRIAL}?as_of={other}")
    assert "Not computed yet" in first.text or 'id="candidates"' in first.text
    job = engine.queue.job(engine.trial(TRIAL), other)
    assert job is not None and engine.queue.wait(job, 60) and job.state == "done"
    assert job.done == job.total > 0
    ready = referrer.get(f"/trials/{TRIAL}?as_of={other}")
    assert 'id="candidates"' in ready.text and "refresh" not in ready.text
    with Store(db) as store:
        kinds = [r[0] for r in store.db.execute(
            "SELECT r.kind FROM result_sets s JOIN runs r USING (run_id) WHERE s.as_of = ?",
            [other.isoformat()])]
        expected = api.match(engine.trial(TRIAL), store, other, engine.model)
        stored = [tuple(r) for r in store.db.execute(
            "SELECT patient_id, rank, status, score FROM results WHERE as_of = ? ORDER BY rank",
            [other.isoformat()])]
    assert kinds == ["web"]
    assert stored == [(r.patient_id, r.rank, str(r.status), r.score) for r in expected]
    assert engine._dataset is None


def test_the_queue_is_bounded_and_runs_one_job_on_one_thread(db: Path):
    engine = Engine(db)
    trial = engine.trial(TRIAL)
    queue = AsOfQueue(engine, max_waiting=2)
    jobs = [queue.submit(trial, dt.date(2026, 1, d)) for d in (1, 2)]
    # The same date again is the same job, not a second one.
    assert queue.submit(trial, dt.date(2026, 1, 1)) is jobs[0]
    started = [queue.submit(trial, dt.date(2026, 1, 3))] if jobs[0].state == "running" else []
    with pytest.raises(QueueFull):
        for day in range(4, 10):
            queue.submit(trial, dt.date(2026, 1, day))
    threads = [t for t in threading.enumerate() if t.name == queue.thread_name]
    assert len(threads) == 1
    with pytest.raises(ValueError):
        queue.submit(trial, dt.date(1970, 1, 1))
    for job in jobs + started:
        assert queue.wait(job, 120) and job.state == "done"


def test_the_patient_page_says_when_the_stored_row_differs(referrer, db: Path):
    here = f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}"
    page = referrer.get(here).text
    assert 'id="stored-differs"' not in page  # live and stored agree
    assert json.loads(referrer.get(f"/api{here}").text)["stored"]["agrees"] is True
    with Store(db) as store:  # as if the list was computed before a note changed P-001
        store.db.execute("UPDATE results SET status = 'ineligible', record_digest = 'old' "
                         "WHERE patient_id = 'P-001'")
        store.db.conn.commit()
    page = referrer.get(here).text
    assert 'id="stored-differs"' in page and "<strong>ineligible</strong>" in page
    assert "the notes changed since" in page
    stored = referrer.get(f"/api{here}").json()["stored"]
    assert stored["agrees"] is False and stored["notes_changed"] is True


def test_new_notes_make_the_stored_list_stale_and_it_is_recomputed(referrer, db: Path):
    engine = referrer.app.state.web.engine
    notes = db.parent / "late.jsonl"
    notes.write_text(json.dumps({"patient_id": "P-LATE", "note_id": "P-LATE-a",
                                 "note_date": "2026-11-10", "text": "SLE. ANA 1:640."}) + "\n")
    with Store(db) as store:
        api.ingest([notes], store)
    stale = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text
    assert "The notes changed since this list was computed" in stale
    job = engine.queue.job(engine.trial(TRIAL), AS_OF_DATE)
    assert job is not None and engine.queue.wait(job, 60) and job.state == "done"
    fresh = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text
    assert "P-LATE" in fresh and "The notes changed since" not in fresh
