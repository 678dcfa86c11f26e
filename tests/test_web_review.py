"""The criteria review pages over HTTP (Starlette's TestClient): who may review, the
validation messages, CSRF, escaping, the what-if, the audit trail, the banner and marks.

The coordinator's journey in a real browser is in tests/test_web_review_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import pytest
from starlette.routing import Route

from matcher.store import Store
from matcher.web.security import add_user
from tests.test_web_support import (
    ADMIN,
    AS_OF,
    REFERRER,
    TRIAL,
    XSS_TRIAL,
    app_clients,
    build_template,
    copy_db,
    csrf_token,
    login,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)

COORDINATOR = ("cora", "cora-password-123")
# A registry text whose platelet item the reader cannot read ("thousand per cubic
# millimetre"): it is left manual, and a person edits it into a lab threshold.
MISREAD = "NCT09999991"
MISREAD_TEXT = f"""Browser Trial {MISREAD}

Inclusion Criteria:

* Age 5 years or older and no older than 18 years
* Diagnosis of systemic lupus erythematosus
* Platelet count at least 100 thousand per cubic millimetre

Exclusion Criteria:

* Rituximab within 3 months before enrollment
"""
PLATELETS = {"kind": "lab", "type": "inclusion", "analytes": "lab.platelets", "op": ">=",
             "value": "100", "unit": "x10^9/L"}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    db = build_template(tmp_path_factory.mktemp("review"))
    trial = db.parent / "misread.txt"
    trial.write_text(MISREAD_TEXT, encoding="utf-8")
    from matcher import api

    with Store(db) as store:
        api.import_registry_file(store, trial)
        add_user(store.db, *COORDINATOR, "coordinator")
    return db


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_db(template, tmp_path / "web.db")


@pytest.fixture
def make(db: Path):
    with app_clients(db, warm=False, ranking_wait=120) as make_client:
        yield make_client


def _client(make, user: tuple[str, str]) -> TestClient:
    client = make()
    assert login(client, *user).status_code == 303
    return client


@pytest.fixture
def coordinator(make) -> TestClient:
    return _client(make, COORDINATOR)


@pytest.fixture
def referrer(make) -> TestClient:
    return _client(make, REFERRER)


def _csrf(client: TestClient, path: str = "/trials") -> str:
    return csrf_token(client.get(path).text)


def _audit(db: Path, action: str) -> list[dict]:
    with Store(db) as store:
        return list(store.db.query("SELECT * FROM web_audit WHERE action = ? ORDER BY id",
                                   [action]))


def _review_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, Route):
            continue
        path = route.path_format
        if not any(w in path for w in ("/review", "/approve", "/versions", "/protocol.json")):
            continue
        path = path.replace("{trial_id}", MISREAD).replace("{criterion_id}", "inc-3")
        found += [(m, path) for m in sorted(route.methods - {"HEAD"})]
    return found


def _draft_states(db: Path) -> list[tuple]:
    with Store(db) as store:
        return list(store.db.execute("SELECT criterion_id, state FROM review_draft"))


# --- who may review ---------------------------------------------------------------------


def test_a_referrer_is_refused_every_review_page_and_form(referrer: TestClient, db: Path):
    routes = _review_routes(referrer.app)
    assert len(routes) == 11
    csrf = _csrf(referrer)
    for method, path in routes:
        data = {"csrf_token": csrf, "reason": "x", "note": "x", **PLATELETS, "confirm": "1"}
        response = referrer.request(method, path, data=data if method == "POST" else None,
                                    follow_redirects=False)
        assert response.status_code == 403, (method, path)
        assert "Review criteria" not in response.text
    assert _draft_states(db) == []
    page = referrer.get(f"/trials/{MISREAD}?as_of={AS_OF}").text
    assert 'id="review-link"' not in page and 'id="unreviewed-banner"' in page


@pytest.mark.parametrize(("user", "reviews"), [(COORDINATOR, True), (ADMIN, True),
                                               (REFERRER, False)])
def test_coordinators_and_admins_review_referrers_do_not(make, user, reviews):
    client = _client(make, user)
    assert client.get(f"/trials/{MISREAD}/review?as_of={AS_OF}").status_code == (
        200 if reviews else 403)
    assert ('action="/trials/import"' in client.get("/trials").text) is reviews


def test_a_coordinator_does_not_manage_users(coordinator: TestClient):
    assert coordinator.get("/admin/users").status_code == 403
    assert coordinator.get("/admin/audit").status_code == 403


# --- the page ---------------------------------------------------------------------------


def test_the_review_page_shows_text_reading_kind_state_and_patient_counts(
        coordinator: TestClient, db: Path):
    html = coordinator.get(f"/trials/{MISREAD}/review?as_of={AS_OF}").text
    row = re.search(r'<tr id="c-inc-3".*?</tr>', html, re.S).group(0)
    assert "Platelet count at least 100 thousand per cubic millimetre" in row
    assert "MANUAL: not understood" in row and '<code class="kind">manual</code>' in row
    assert '<span class="state auto">auto</span>' in row
    engine = coordinator.app.state.web.engine
    ranking = engine.ranking(engine.trial(MISREAD), dt.date.fromisoformat(AS_OF))
    patients = len(ranking.rows)
    assert f"⚑ {patients}</span>" in row  # manual for every stored patient
    age_row = re.search(r'<tr id="c-inc-1".*?</tr>', html, re.S).group(0)
    assert "INCLUDE if: age 5 to 18 years" in age_row and "min_years" in age_row
    assert '4 criteria not reviewed: verdicts may be wrong' in html
    assert _audit(db, "view_review")[0]["trial_id"] == MISREAD


def test_registry_text_is_escaped_on_every_review_page(coordinator: TestClient):
    pages = [f"/trials/{XSS_TRIAL}/review", f"/trials/{XSS_TRIAL}/versions",
             f"/trials/{XSS_TRIAL}/review/inc-2/edit", f"/trials/{XSS_TRIAL}/review/add"]
    for path in pages:
        html = coordinator.get(path, params={"as_of": AS_OF}).text
        for raw in ("<script>alert(6)</script>", "<img src=x onerror=alert(7)>",
                    '<script>alert("title")</script>'):
            assert raw not in html, (path, raw)
    review = coordinator.get(f"/trials/{XSS_TRIAL}/review?as_of={AS_OF}").text
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in review


def test_every_review_form_needs_the_csrf_token(coordinator: TestClient, db: Path):
    for method, path in _review_routes(coordinator.app):
        if method != "POST":
            continue
        for token in (None, "wrong"):
            data = {"reason": "x", **PLATELETS, "confirm": "1",
                    **({"csrf_token": token} if token else {})}
            response = coordinator.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403 and "CSRF" in response.text, (path, token)
    assert _draft_states(db) == []
    html = coordinator.get(f"/trials/{MISREAD}/review?as_of={AS_OF}").text
    edit = coordinator.get(f"/trials/{MISREAD}/review/inc-3/edit?kind=lab").text
    for page in (html, edit):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", page, re.S):
            if 'method="post"' in form:
                assert 'name="csrf_token"' in form, form[:80]


# --- actions ----------------------------------------------------------------------------


def test_approve_as_read_is_one_post_back_to_the_same_row_and_audited(
        coordinator: TestClient, db: Path):
    response = coordinator.post(f"/trials/{MISREAD}/review/inc-1/approve",
                                data={"csrf_token": _csrf(coordinator), "as_of": AS_OF},
                                follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith("#c-inc-1")
    page = coordinator.get(response.headers["location"]).text
    assert "Approved inc-1." in page and "3 to review" in page
    assert ("inc-1", "approved") in _draft_states(db)
    row = _audit(db, "review_approve")[0]
    assert row["username"] == COORDINATOR[0] and row["trial_id"] == MISREAD
    detail = json.loads(row["detail"])
    assert detail["criterion_id"] == "inc-1" and detail["before"] and detail["after"]


def test_a_done_message_says_only_what_is_true(coordinator: TestClient):
    html = coordinator.get(f"/trials/{MISREAD}/review",
                           params={"as_of": AS_OF, "done": "approve:<b>everything</b>"}).text
    assert 'id="review-done"' not in html and "everything" not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "abc"}, "field 'value': expected a number"),
        ({"value": ""}, "'value'"),
        ({"analytes": ""}, "'analytes'"),
        ({"op": "=="}, "'op'"),
        ({"unit": ""}, "'unit'"),
    ],
)
def test_an_edit_that_does_not_read_is_refused_naming_the_field(coordinator: TestClient,
                                                                db: Path, fields, message):
    data = {"csrf_token": _csrf(coordinator), "as_of": AS_OF, **PLATELETS, **fields}
    response = coordinator.post(f"/trials/{MISREAD}/review/inc-3/edit", data=data)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")
    assert _draft_states(db) == []


def test_set_manual_needs_a_reason(coordinator: TestClient, db: Path):
    path = f"/trials/{MISREAD}/review/inc-1/manual"
    empty = coordinator.post(path, data={"csrf_token": _csrf(coordinator), "reason": " "})
    assert empty.status_code == 400 and "field &#39;reason&#39;" in empty.text
    done = coordinator.post(path, data={"csrf_token": _csrf(coordinator),
                                        "reason": "the age is checked at screening"})
    assert done.status_code == 200 and ("inc-1", "manual") in _draft_states(db)


def test_an_edit_shows_its_what_if_then_saves_on_confirm(coordinator: TestClient, db: Path):
    path = f"/trials/{MISREAD}/review/inc-3/edit"
    data = {"csrf_token": _csrf(coordinator), "as_of": AS_OF, **PLATELETS}
    preview = coordinator.post(path, data=data)
    assert preview.status_code == 200
    moves = re.findall(r'<li class="move">(.*?)</li>', preview.text)
    assert moves and re.fullmatch(r"\d+ patients? moves? from possible to eligible", moves[0])
    assert "INCLUDE if: latest platelet count ≥ 100 ×10⁹/L" in preview.text
    assert _draft_states(db) == []  # nothing saved by a preview
    listing = _audit(db, "review_whatif")[0]
    with Store(db) as store:
        listed = [r[0] for r in store.db.execute(
            "SELECT patient_id FROM web_audit_patients WHERE audit_id = ?", [listing["id"]])]
    moved = int(moves[0].split()[0])
    assert len(listed) == moved
    saved = coordinator.post(path, data={**data, "confirm": "1"}, follow_redirects=False)
    assert saved.status_code == 303 and ("inc-3", "edited") in _draft_states(db)
    detail = json.loads(_audit(db, "review_edit")[0]["detail"])
    assert "lab.platelets" in json.dumps(detail["after"])


def test_a_criterion_the_engine_missed_is_added_from_the_form(coordinator: TestClient,
                                                             db: Path):
    form = coordinator.get(f"/trials/{MISREAD}/review/add?kind=manual&as_of={AS_OF}")
    assert form.status_code == 200 and 'name="manual_reason"' in form.text
    data = {"csrf_token": csrf_token(form.text), "as_of": AS_OF, "kind": "manual",
            "type": "exclusion", "text": "Participation in another trial",
            "manual_reason": "asked at screening"}
    assert coordinator.post(f"/trials/{MISREAD}/review/add", data=data).status_code == 200
    saved = coordinator.post(f"/trials/{MISREAD}/review/add", data={**data, "confirm": "1"})
    assert saved.status_code == 200 and "Participation in another trial" in saved.text
    assert [s for _, s in _draft_states(db)] == ["added"]


def test_approving_the_trial_makes_a_version_that_the_candidates_use(
        coordinator: TestClient, db: Path):
    csrf = _csrf(coordinator)
    before = coordinator.get(f"/trials/{MISREAD}?as_of={AS_OF}").text
    assert 'id="unreviewed-banner"' in before
    coordinator.post(f"/trials/{MISREAD}/review/inc-3/edit",
                     data={"csrf_token": csrf, "as_of": AS_OF, **PLATELETS, "confirm": "1"})
    for cid in ("inc-1", "inc-2", "exc-1"):
        coordinator.post(f"/trials/{MISREAD}/review/{cid}/approve", data={"csrf_token": csrf})
    approved = coordinator.post(f"/trials/{MISREAD}/approve",
                                data={"csrf_token": csrf, "note": "checked", "as_of": AS_OF})
    assert "Approved the trial as version 1." in approved.text
    after = coordinator.get(f"/trials/{MISREAD}?as_of={AS_OF}").text
    assert 'id="unreviewed-banner"' not in after
    eligible = int(re.search(r'badge eligible">(\d+) eligible', after).group(1))
    assert int(re.search(r'badge eligible">(\d+) eligible', before).group(1)) < eligible
    versions = coordinator.get(f"/trials/{MISREAD}/versions?a=1&b=draft").text
    assert "checked" in versions and COORDINATOR[0] in versions
    assert _audit(db, "protocol_approve")


def test_unreviewed_criteria_are_marked_and_an_eligible_patient_on_them_is_warned(
        coordinator: TestClient):
    engine = coordinator.app.state.web.engine
    ranking = engine.ranking(engine.trial(TRIAL), dt.date.fromisoformat(AS_OF))
    eligible = next(r.patient_id for r in ranking.rows if r.status == "eligible")
    page = coordinator.get(f"/trials/{TRIAL}/patients/{eligible}?as_of={AS_OF}").text
    assert 'id="unreviewed-banner"' in page
    assert page.count('class="unreviewed-mark"') == len(engine.trial(TRIAL).criteria)
    assert 'id="rests-on-unreviewed"' in page
    listing = coordinator.get(f"/trials/{TRIAL}?as_of={AS_OF}&status=eligible").text
    assert "rests on unreviewed criteria" in listing


def test_an_exported_protocol_imports_into_another_database(coordinator: TestClient,
                                                           template: Path, tmp_path: Path,
                                                           db: Path):
    csrf = _csrf(coordinator)
    coordinator.post(f"/trials/{MISREAD}/review/inc-3/edit",
                     data={"csrf_token": csrf, **PLATELETS, "confirm": "1"})
    coordinator.post(f"/trials/{MISREAD}/approve", data={"csrf_token": csrf, "note": "v1"})
    exported = coordinator.get(f"/trials/{MISREAD}/protocol.json?version=1")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    assert _audit(db, "protocol_export")
    other_site = copy_db(template, tmp_path / "other.db")  # knows the trial, no version
    with app_clients(other_site, warm=False, ranking_wait=120) as make_other:
        admin = _client(make_other, ADMIN)
        assert "No version approved yet" in admin.get(f"/trials/{MISREAD}/versions").text
        imported = admin.post("/trials/import", data={"csrf_token": _csrf(admin)},
                              files={"file": ("p.json", exported.content, "application/json")},
                              follow_redirects=False)
        assert imported.status_code == 303, imported.text[:300]
        assert imported.headers["location"].startswith(f"/trials/{MISREAD}/review")
        versions = admin.get(f"/trials/{MISREAD}/versions").text
        assert "No version approved yet" not in versions
        page = admin.get(f"/trials/{MISREAD}/review?as_of={AS_OF}").text
        assert '<tr id="c-inc-3" class="state-edited">' in page
