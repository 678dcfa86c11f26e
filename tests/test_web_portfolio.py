"""One patient, every trial, in the web app (issue 17), over HTTP (Starlette's TestClient):
the patient page's "Other trials" section, the patient's own page reached by the search box
of any page, and the JSON API's /api/patients/{id}/trials, all equal to what
matcher.api.trials_for gives, escaped and audited."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from matcher import api
from matcher.store import Store
from tests.conftest import REPO
from tests.test_web_support import (
    AS_OF,
    REFERRER,
    TRIAL,
    XSS_TITLE,
    XSS_TRIAL,
    app_clients,
    build_template,
    copy_db,
    login,
)

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)
SCHEMA = json.loads((REPO / "matcher" / "schema" / "trials_for.schema.json").read_text())
AS_OF_DATE = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("web-portfolio"))


@pytest.fixture
def web_db(template: Path, tmp_path: Path) -> Path:
    return copy_db(template, tmp_path / "web.db")


@pytest.fixture
def referrer(web_db: Path):
    with app_clients(web_db, warm=False, ranking_wait=120) as make:
        client = make()
        assert login(client, *REFERRER).status_code == 303
        yield client


def expected(db: Path, patient_id: str) -> list[tuple[int, str, str]]:
    """(rank, trial id, status) of every stored trial for the patient, from the library."""
    with Store(db) as store:
        judged = api.trials_for(store, patient_id, AS_OF_DATE, api.eligibility_model())
    return [(t.rank, t.trial["trial_id"], str(t.result.status)) for t in judged]


def section_rows(html: str) -> list[tuple[int, str, str]]:
    section = html.split('id="other-trials"', 1)[1].split("</section>", 1)[0]
    return [(int(rank), unescape(trial_id), status) for rank, trial_id, status in re.findall(
        r'<tr id="other-[^"]*"[^>]*>\s*<td>(\d+)</td>\s*<td><a href="[^"]*">([^<]*)</a>.*?'
        r'<span class="badge (\w+)">', section, re.S)]


def audit_rows(db: Path, action: str) -> list[dict]:
    with Store(db) as store:
        return list(store.db.query("SELECT * FROM web_audit WHERE action = ? ORDER BY id",
                                   [action]))


def test_the_patient_page_lists_other_trials_ranked_as_the_library_ranks_them(
        referrer: TestClient, web_db: Path):
    page = referrer.get(f"/trials/{TRIAL}/patients/P-001", params={"as_of": AS_OF})
    assert page.status_code == 200
    rows = section_rows(page.text)
    assert rows == expected(web_db, "P-001")
    assert {trial_id for _, trial_id, _ in rows} == {TRIAL, XSS_TRIAL}
    assert "<h2>Other trials</h2>" in page.text and "(this trial)" in page.text
    # A trial title is the registry's text: escaped like everything else.
    assert XSS_TITLE not in page.text and "&lt;script&gt;" in page.text
    audited = audit_rows(web_db, "other_trials")
    assert [(a["patient_id"], json.loads(a["detail"])) for a in audited] == [
        ("P-001", {"as_of": AS_OF, "trials": [trial_id for _, trial_id, _ in rows]})]


def test_the_search_box_on_any_page_finds_a_patient_by_id(referrer: TestClient, web_db: Path):
    trials_page = referrer.get("/trials").text
    assert 'action="/patients"' in trials_page and 'name="id"' in trials_page
    found = referrer.get("/patients", params={"id": " P-001 ", "as_of": AS_OF},
                         follow_redirects=False)
    assert found.status_code == 303
    target = urlsplit(found.headers["location"])
    assert (target.path, target.query) == ("/patients/P-001", f"as_of={AS_OF}")
    page = referrer.get(found.headers["location"])
    assert page.status_code == 200
    assert section_rows(page.text) == expected(web_db, "P-001")
    assert audit_rows(web_db, "other_trials")[-1]["patient_id"] == "P-001"
    missing = referrer.get("/patients", params={"id": "<b>NOBODY</b>"})
    assert missing.status_code == 404
    assert "no patient with id" in missing.text and "<b>NOBODY</b>" not in missing.text
    assert referrer.get("/patients/NOBODY").status_code == 404


def test_the_json_api_gives_every_trial_for_a_patient_per_its_schema(referrer: TestClient,
                                                                      web_db: Path):
    response = referrer.get("/api/patients/P-001/trials", params={"as_of": AS_OF})
    assert response.status_code == 200
    payload = response.json()
    jsonschema.validate(payload, SCHEMA)
    assert [(t["rank"], t["trial"]["id"], t["status"]) for t in payload["trials"]] == expected(
        web_db, "P-001")
    assert payload["patient_id"] == "P-001" and payload["as_of"] == AS_OF
    assert audit_rows(web_db, "api_patient_trials")[0]["patient_id"] == "P-001"
    assert referrer.get("/api/patients/NOBODY/trials").status_code == 404
