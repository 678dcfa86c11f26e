"""What changed between two nightly runs (issue 17): matcher.api.run_changes, the changes
digest (`matcher nightly --digest DIR`), the web page /changes and the JSON API's
/api/changes, on two real nights over the dev cohort and both dev trials.

Night 1 lacks the latest note of six patients the gold calls eligible for NCT06904729;
night 2 adds them (some become candidates), adds a kidney transplant to the history of two
DEV-LN-2 candidates (an exclusion: they stop being candidates), and brings a new patient,
whose id and the DEV-LN-2 title carry markup (escaped everywhere). The expected changes are
worked out here, independently, from the two runs' stored rows."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import warnings
from pathlib import Path

import pytest

from matcher import api
from matcher.criteria.render import reading
from matcher.jobs.digest import digest_name, write_atomic
from matcher.jobs.nightly import run_nightly
from matcher.judge.outcome import outcome_of
from matcher.store import Store
from matcher.store.web_tables import ensure_schema
from matcher.web.security import add_user
from tests.conftest import REPO, SHARED

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: F401  (app_clients makes them)

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)

AS_OF = dt.date(2026, 11, 20)
NCT = "NCT06904729"
DEV = "DEV-LN-2"
NEW_PATIENT = 'P<img src=x onerror=alert(1)>"new'
XSS_TITLE = '<script>alert("title")</script> CD19 CAR-T for refractory lupus nephritis'
TRANSPLANT = "Past history: kidney transplant in 2019, on tacrolimus since."
USER = ("rui", "rui-password-123")
CANDIDATES = ("eligible", "possible")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (SHARED / "dev_cohort" / "notes.jsonl").exists():
        pytest.skip("../shared/dev_cohort is not beside the repository")
    base = tmp_path_factory.mktemp("changes")
    rows = _rows(SHARED / "dev_cohort" / "notes.jsonl")
    gold = _rows(SHARED / "dev_cohort" / "gold.jsonl")
    eligible = sorted(g["patient_id"] for g in gold
                      if g["trial"] == NCT and g["status"] == "eligible")[:6]
    held = {max((r for r in rows if r["patient_id"] == pid),
                key=lambda r: (r["note_date"], r["note_id"]))["note_id"] for pid in eligible}
    dev_candidates = sorted(g["patient_id"] for g in gold if g["trial"] == DEV
                            and g["status"] == "eligible" and g["patient_id"] not in eligible)[:2]
    trials = base / "trials"
    trials.mkdir()
    shutil.copy(REPO / "registry_dumps" / f"{NCT}.txt", trials)
    dev_text = (SHARED / "registry" / f"{DEV}.txt").read_text(encoding="utf-8").split("\n", 1)
    (trials / f"{DEV}.txt").write_text(XSS_TITLE + "\n" + dev_text[1], encoding="utf-8")
    exports = base / "exports"
    exports.mkdir()
    _write(exports / "1.jsonl", [r for r in rows if r["note_id"] not in held])
    db, reports, digests = base / "m.db", base / "reports", base / "digests"

    def night() -> object:
        return run_nightly([exports], trials, db, AS_OF, reports, progress="quiet",
                           note_parser=api.parser(), all_trials=True, digest_dir=digests)

    first = night()
    template = next(r for r in rows if r["patient_id"] == eligible[0])
    added = [r for r in rows if r["note_id"] in held]
    added += [{**template, "note_id": f"{pid}-tx", "note_date": "2026-11-15",
               "note_type": "clinic", "text": TRANSPLANT, "patient_id": pid}
              for pid in dev_candidates]
    added += [{**r, "patient_id": NEW_PATIENT, "note_id": f"new-{r['note_id']}"}
              for r in rows if r["patient_id"] == eligible[0]]
    _write(exports / "2.jsonl", added)
    second = night()
    with Store(db) as store:
        ensure_schema(store.db)
        add_user(store.db, *USER, "referrer")
    return {"db": db, "first": first, "second": second, "digests": digests,
            "reports": reports, "dev_candidates": dev_candidates, "rows": rows}


def _stored(db: Path, run_id: int) -> dict[tuple[str, str], tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return {(t, p): (s, c) for t, p, s, c in conn.execute(
            "SELECT trial_id, patient_id, status, rc.criteria_json FROM results r LEFT JOIN "
            "result_criteria rc ON rc.digest = r.criteria_digest WHERE run_id = ?",
            [run_id])}
    finally:
        conn.close()


def expected_changes(db: Path, before: int, after: int) -> dict[tuple[str, str], tuple]:
    """(trial, patient) -> (direction, old, new, {criterion id: (old, new)}) worked out from
    the two runs' rows: into the candidates, out of them, or between eligible and possible."""
    old, new = _stored(db, before), _stored(db, after)
    out = {}
    for key in old.keys() | new.keys():
        was, now = old.get(key, (None, "[]")), new.get(key, (None, "[]"))
        direction = None
        if now[0] in CANDIDATES and was[0] not in CANDIDATES:
            direction = "became"
        elif was[0] in CANDIDATES and now[0] not in CANDIDATES:
            direction = "stopped"
        elif was[0] in CANDIDATES and now[0] != was[0]:
            direction = "moved"
        if direction is None:
            continue
        prior = {c["id"]: c["status"] for c in json.loads(was[1])}
        criteria = {} if was[0] is None else {
            c["id"]: (prior.get(c["id"]), c["status"]) for c in json.loads(now[1])
            if prior.get(c["id"]) != c["status"]}
        out[key] = (direction, was[0], now[0], criteria)
    return out


def test_run_changes_lists_exactly_the_patients_who_moved_with_the_criteria_that_changed(
        nights: dict):
    db, first, second = nights["db"], nights["first"], nights["second"]
    want = expected_changes(db, first.run_id, second.run_id)
    with Store(db) as store:
        got = api.run_changes(store)
        trials = {t.trial_id: api.protocol_in_use(store, t.trial_id).trial for t in got.trials}
    assert (got.run_id, got.previous_run) == (second.run_id, first.run_id)
    found = {(t.trial_id, p.patient_id): (p.direction, p.previous_status, p.status,
                                          {c.id: (c.previous_status, c.status)
                                           for c in p.criteria})
             for t in got.trials for p in t.patients}
    assert found == want
    directions = {(k[0], v[0]) for k, v in want.items()}
    # the nights were built so that each kind of change happens
    assert (NCT, "became") in directions and (DEV, "stopped") in directions
    assert {(DEV, pid) for pid in nights["dev_candidates"]} <= {
        k for k, v in want.items() if v[0] == "stopped"}
    assert want[(NCT, NEW_PATIENT)][:2] == ("became", None)
    vocab = api.vocabulary()
    for t in got.trials:
        by_id = {c.id: c for c in trials[t.trial_id].criteria}
        for p in t.patients:
            assert p.criteria or p.previous_status is None
            for c in p.criteria:
                assert c.reading == reading(by_id[c.id], vocab)
                assert c.outcome == outcome_of(c.type, c.status).code
                assert c.previous_outcome == outcome_of(c.type, c.previous_status).code
    # the nightly report of night 2 says the same (one comparison for both)
    for t in second.trials:
        assert {c["patient_id"] for c in t.status_changes} >= {
            pid for (tid, pid), v in want.items() if tid == t.trial_id and v[1] is not None}


def test_the_digest_names_patients_and_criteria_only_and_is_one_file_per_run(nights: dict):
    digests, second = nights["digests"], nights["second"]
    files = sorted(p.name for p in digests.iterdir())
    assert files == sorted([digest_name(AS_OF.isoformat(), nights["first"].run_id),
                            digest_name(AS_OF.isoformat(), second.run_id)])
    assert second.digest_file == str(digests / files[-1])
    text = (digests / digest_name(AS_OF.isoformat(), second.run_id)).read_text()
    with Store(nights["db"]) as store:
        got = api.run_changes(store)
    for t in got.trials:
        assert f"Trial {t.trial_id}" in text
        for p in t.patients:
            assert f"- {p.patient_id}: {p.previous_status or 'no result'} -> " \
                   f"{p.status or 'no result'}" in text
            for c in p.criteria:
                assert f"{c.type} {c.key}: {c.previous_outcome} -> {c.outcome}" in text
                assert c.reason not in text  # reasons quote clinical values
    for row in nights["rows"]:  # no line of any note
        for line in row["text"].splitlines():
            if len(line) > 25:
                assert line not in text
    assert TRANSPLANT not in text and "2019" not in text
    first_text = (digests / digest_name(AS_OF.isoformat(), nights["first"].run_id)).read_text()
    assert "No earlier completed nightly run" in first_text


def test_an_atomic_write_leaves_the_old_file_whole_when_it_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "changes.txt"
    target.write_text("old digest\n")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("matcher.jobs.digest.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new digest that never lands\n")
    assert target.read_text() == "old digest\n"
    assert sorted(os.listdir(tmp_path)) == ["changes.txt"]  # no temporary file left
    monkeypatch.undo()
    write_atomic(target, "new\n")
    assert target.read_text() == "new\n" and sorted(os.listdir(tmp_path)) == ["changes.txt"]


def test_an_unknown_run_is_an_error_naming_it_and_no_nightly_run_is_none(tmp_path: Path,
                                                                          nights: dict):
    from matcher.errors import StoreError

    with Store(nights["db"]) as store, pytest.raises(StoreError, match="run 999"):
        api.run_changes(store, 999)
    with Store(tmp_path / "empty.db") as store:
        assert api.run_changes(store) is None
        assert api.run_changes_to_json(None)["trials"] == []


# --- the web page and the JSON API -----------------------------------------------------------


@pytest.fixture
def client(nights: dict, tmp_path: Path):
    from tests.test_web_support import app_clients, copy_db, login

    db = copy_db(nights["db"], tmp_path / "web.db")
    with app_clients(db, warm=False, ranking_wait=0) as make:
        made = make()
        assert login(made, *USER).status_code == 303
        made.db = db
        yield made


def _audit(db: Path, action: str) -> list[tuple[str, list[str]]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, detail FROM web_audit WHERE action = ? ORDER BY id",
                            [action]).fetchall()
        return [(detail, sorted(p for (p,) in conn.execute(
            "SELECT patient_id FROM web_audit_patients WHERE audit_id = ?", [audit_id])))
            for audit_id, detail in rows]
    finally:
        conn.close()


def test_the_page_shows_every_change_escaped_with_links_and_is_audited(client, nights: dict):
    page = client.get("/changes")
    assert page.status_code == 200
    html = page.text
    with Store(client.db) as store:
        got = api.run_changes(store)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    for t in got.trials:
        for p in t.patients:
            assert f'data-patient="{escape(p.patient_id)}"' in html
            for c in p.criteria:
                assert escape(c.reading) in html
    href = f"/trials/{NCT}/patients/P%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%22new"
    assert escape(href) in html  # the new patient's link, its id quoted in the path
    [(detail, patients)] = _audit(client.db, "view_changes")
    assert patients == got.patient_ids and json.loads(detail)["run"] == got.run_id
    one = client.get("/changes", params={"trial": DEV})
    assert one.status_code == 200 and f'id="changes-{NCT}"' not in one.text
    assert f'id="changes-{DEV}"' in one.text
    assert client.get("/changes", params={"trial": "NOPE"}).status_code == 404
    assert client.get("/changes", params={"run": "999"}).status_code == 404
    assert client.get("/changes", params={"run": "x"}).status_code == 400
    assert 'href="/changes"' in client.get("/trials").text
    assert f'href="/changes?trial={DEV}"' in client.get(f"/trials/{DEV}").text


def test_the_api_gives_the_same_changes_as_the_library_and_is_audited(client, nights: dict):
    got = client.get("/api/changes")
    assert got.status_code == 200
    with Store(client.db) as store:
        assert got.json() == json.loads(json.dumps(api.run_changes_to_json(
            api.run_changes(store))))
    body = got.json()
    assert body["run_id"] == nights["second"].run_id
    [dev] = [t for t in body["trials"] if t["trial_id"] == DEV]
    assert {p["patient_id"] for p in dev["stopped"]} >= set(nights["dev_candidates"])
    [(_, patients)] = _audit(client.db, "api_changes")
    assert patients == sorted({p["patient_id"] for t in body["trials"]
                               for d in ("became", "stopped", "moved") for p in t[d]})
    assert client.get("/api/changes", params={"run": "999"}).json()["error"]


def escape(text: str) -> str:
    from markupsafe import escape as markup_escape

    return str(markup_escape(text))


def test_a_digest_folder_that_is_a_file_is_a_configuration_error_before_anything_is_written(
        tmp_path: Path):
    from matcher.errors import ConfigurationError

    notes = _write(tmp_path / "notes.jsonl", [])
    taken = tmp_path / "digests"
    taken.write_text("a file, not a folder\n")
    with pytest.raises(ConfigurationError, match="not a folder") as raised:
        run_nightly([notes], REPO / "registry_dumps" / f"{NCT}.txt", tmp_path / "m.db", AS_OF,
                    tmp_path / "reports", progress="quiet", note_parser=api.parser(),
                    digest_dir=taken)
    assert raised.value.field == "--digest"
    assert not (tmp_path / "m.db").exists() and not (tmp_path / "reports").exists()
