"""The referrer web app over HTTP (Starlette's TestClient): pages, the JSON API, the
referral workflow, the cache, and every security requirement of issue #6.

The browser journey (real Chromium through Playwright) is in tests/test_web_browser.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import statistics
import time
import warnings
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from click.testing import CliRunner
from starlette.routing import Route

from matcher import api
from matcher.cli import cli
from matcher.judge.outcome import outcome_of
from matcher.model import Note
from matcher.store import SCHEMA_VERSION, Store
from matcher.tools.web import synth
from matcher.web import security
from matcher.web.app import CSP, create_app
from matcher.web.security import SessionPolicy
from matcher.web.service import Engine, fts_query
from tests.conftest import REPO
from tests.test_web_support import (
    ADMIN,
    AS_OF,
    REFERRER,
    TRIAL,
    XSS_NOTE,
    XSS_TRIAL,
    Clock,
    app_clients,
    build_template,
    copy_db,
    csrf_token,
    login,
    login_token,
)

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)

SCHEMA = json.loads((REPO / "matcher" / "schema" / "match_output.schema.json").read_text())
AS_OF_DATE = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("web-template"))


@pytest.fixture
def web_db(web_template: Path, tmp_path: Path) -> Path:
    return copy_db(web_template, tmp_path / "web.db")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(web_db: Path, clock: Clock):
    with app_clients(web_db, warm=False, ranking_wait=120, clock=clock) as make:
        yield make


@pytest.fixture
def anon(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def admin(make_client) -> TestClient:
    client = make_client()
    assert login(client, *ADMIN).status_code == 303
    return client


@pytest.fixture
def referrer(make_client) -> TestClient:
    client = make_client()
    assert login(client, *REFERRER).status_code == 303
    return client


def _csrf(client: TestClient) -> str:
    return csrf_token(client.get("/trials").text)


def _audit(db: Path, action: str) -> list[dict]:
    with Store(db) as store:
        return list(store.db.query("SELECT * FROM web_audit WHERE action = ? ORDER BY id",
                                   [action]))


PARAMS = {"trial_id": TRIAL, "patient_id": "P-001", "username": REFERRER[0],
          "session_id": "0123456789ab", "token_id": "0123456789ab", "criterion_id": "inc-1"}


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            path = route.path_format  # "{trial_id}", without the ":seg" convertor
            for name, value in PARAMS.items():
                path = path.replace("{" + name + "}", value)
            for method in sorted(route.methods - {"HEAD"}):
                found.append((method, path))
    return found


# --- access control -------------------------------------------------------------------


def test_every_page_and_api_route_needs_a_session(anon: TestClient):
    routes = _routes(anon.app)
    assert len(routes) >= 15
    checked = 0
    for method, path in routes:
        if path == "/login":
            continue
        response = anon.request(method, path, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.json() == {"error": "authentication required"}
        else:
            assert response.status_code == 303, (method, path)
            assert urlsplit(response.headers["location"]).path == "/login"
        assert "P-001" not in response.text and "lupus" not in response.text.lower()
        checked += 1
    assert checked == len(routes) - 2


def test_login_page_and_static_assets_are_public(anon: TestClient):
    assert anon.get("/login").status_code == 200
    css = anon.get("/static/app.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_a_bogus_or_forged_session_cookie_is_refused(anon: TestClient):
    anon.cookies.set("matcher_session", "forged-token")
    assert anon.get("/trials", follow_redirects=False).status_code == 303
    assert anon.get("/api/trials").status_code == 401


def test_login_cookie_is_httponly_samesite_strict_and_not_secure_over_http(anon: TestClient):
    response = login(anon, *REFERRER)
    assert response.status_code == 303 and response.headers["location"] == "/trials"
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("matcher_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    assert anon.get("/trials").status_code == 200


def test_session_cookie_is_secure_over_https(make_client):
    client = make_client(base_url="https://testserver")
    response = login(client, *REFERRER)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("matcher_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_login_redirects_only_to_local_paths(anon: TestClient):
    for target, expected in (("/admin/audit", "/admin/audit"), ("//evil.example/x", "/trials"),
                             ("https://evil.example/", "/trials"), ("/\\evil", "/trials")):
        page = anon.get("/login", params={"next": target})
        response = anon.post("/login", data={"username": REFERRER[0], "password": REFERRER[1],
                                             "login_token": login_token(page.text),
                                             "next": target}, follow_redirects=False)
        assert response.headers["location"] == expected, target


def test_login_needs_the_login_form_token(anon: TestClient):
    anon.get("/login")
    response = anon.post("/login", data={"username": REFERRER[0], "password": REFERRER[1],
                                         "next": "/trials"}, follow_redirects=False)
    assert response.status_code == 403 and "matcher_session" not in anon.cookies


def test_logout_ends_the_session_on_the_server(referrer: TestClient):
    stolen = referrer.cookies.get("matcher_session")
    response = referrer.post("/logout", data={"csrf_token": _csrf(referrer)},
                             follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert referrer.get("/trials", follow_redirects=False).status_code == 303
    referrer.cookies.set("matcher_session", stolen)  # replaying the old cookie
    assert referrer.get("/trials", follow_redirects=False).status_code == 303
    assert referrer.get("/api/trials").status_code == 401


def test_sessions_expire_when_idle(make_client, clock: Clock):
    client = make_client(policy=SessionPolicy(idle_seconds=600, max_seconds=3600))
    login(client, *REFERRER)
    clock.advance(599)
    assert client.get("/trials", follow_redirects=False).status_code == 200
    clock.advance(599)  # the request above refreshed it
    assert client.get("/trials", follow_redirects=False).status_code == 200
    clock.advance(601)
    assert client.get("/trials", follow_redirects=False).status_code == 303


def test_sessions_expire_after_their_lifetime_even_when_busy(make_client, clock: Clock):
    client = make_client(policy=SessionPolicy(idle_seconds=600, max_seconds=1800))
    login(client, *REFERRER)
    for _ in range(5):
        clock.advance(350)
        assert client.get("/trials", follow_redirects=False).status_code == 200
    clock.advance(300)  # 2050 s after login
    assert client.get("/trials", follow_redirects=False).status_code == 303


def test_removing_a_user_ends_their_sessions(referrer: TestClient, admin: TestClient):
    csrf = csrf_token(admin.get("/admin/users").text)
    response = admin.post(f"/admin/users/{REFERRER[0]}/remove", data={"csrf_token": csrf},
                          follow_redirects=False)
    assert response.status_code == 303
    assert referrer.get("/trials", follow_redirects=False).status_code == 303


# --- CSRF and origin ------------------------------------------------------------------


def _post_routes(app) -> list[str]:
    return [path for method, path in _routes(app) if method == "POST" and path != "/login"]


def test_every_form_that_changes_something_needs_the_csrf_token(admin: TestClient,
                                                                 web_db: Path):
    posts = _post_routes(admin.app)
    assert set(posts) == {
        "/logout", "/trials/import", f"/trials/{TRIAL}/patients/P-001/referral",
        "/admin/users", f"/admin/users/{REFERRER[0]}/remove",
        "/admin/sessions/0123456789ab/end", "/admin/tokens/0123456789ab/revoke",
        f"/trials/{TRIAL}/review/add", f"/trials/{TRIAL}/approve",
        *(f"/trials/{TRIAL}/review/inc-1/{action}"
          for action in ("approve", "manual", "reset", "edit")),
    }
    data = {"status": "contacted", "username": "mallory", "password": "mallory-password",
            "role": "admin"}
    for path in posts:
        for token in (None, "wrong-token"):
            form = dict(data, **({"csrf_token": token} if token else {}))
            files = {"file": ("x.txt", XSS_NOTE.encode())} if path == "/trials/import" else None
            response = admin.post(path, data=form, files=files, follow_redirects=False)
            assert response.status_code == 403, (path, token)
            assert "CSRF" in response.text
    with Store(web_db) as store:  # nothing changed
        assert security.get_user(store.db, REFERRER[0]) is not None
        assert security.get_user(store.db, "mallory") is None
        assert store.db.execute("SELECT count(*) FROM web_referrals").fetchone()[0] == 0
    assert admin.get("/trials", follow_redirects=False).status_code == 200  # still logged in


def test_every_form_on_every_page_carries_the_csrf_token(admin: TestClient):
    pages = ["/trials", f"/trials/{TRIAL}?as_of={AS_OF}",
             f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}", "/admin/users",
             "/admin/sessions"]
    for page in pages:
        html = admin.get(page).text
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            if re.search(r'method="post"', form, re.I):
                assert 'name="csrf_token"' in form, (page, form[:80])


def test_a_post_from_another_origin_is_refused(admin: TestClient):
    response = admin.post(f"/trials/{TRIAL}/patients/P-001/referral",
                          data={"csrf_token": _csrf(admin), "status": "contacted"},
                          headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 403


# --- roles ----------------------------------------------------------------------------


def test_only_admins_import_trials_or_manage_users(referrer: TestClient, web_db: Path):
    csrf = _csrf(referrer)
    trial = (REPO / "registry_dumps" / "NCT06904729.json").read_bytes()
    assert referrer.post("/trials/import", data={"csrf_token": csrf},
                         files={"file": ("t.json", trial)}).status_code == 403
    assert referrer.get("/admin/users").status_code == 403
    assert referrer.post("/admin/users", data={"csrf_token": csrf, "username": "eve",
                                               "password": "eve-password-1",
                                               "role": "admin"}).status_code == 403
    assert referrer.post(f"/admin/users/{ADMIN[0]}/remove",
                         data={"csrf_token": csrf}).status_code == 403
    assert referrer.get("/admin/audit").status_code == 403
    assert 'action="/trials/import"' not in referrer.get("/trials").text
    with Store(web_db) as store:
        assert security.get_user(store.db, "eve") is None
        assert security.get_user(store.db, ADMIN[0]) is not None


def test_an_admin_manages_users_from_the_page(admin: TestClient, make_client, web_db: Path):
    csrf = csrf_token(admin.get("/admin/users").text)
    weak = admin.post("/admin/users", data={"csrf_token": csrf, "username": "nia",
                                            "password": "short", "role": "referrer"})
    assert weak.status_code == 400 and "at least 10 characters" in weak.text
    added = admin.post("/admin/users", data={"csrf_token": csrf, "username": "nia",
                                             "password": "nia-password-1", "role": "referrer"})
    assert added.status_code == 200 and "Added nia" in added.text
    assert login(make_client(), "nia", "nia-password-1").status_code == 303
    assert admin.post(f"/admin/users/{ADMIN[0]}/remove",
                      data={"csrf_token": csrf}).status_code == 400  # not yourself
    assert [r["detail"] for r in _audit(web_db, "user_add")] == [
        '{"role": "referrer", "username": "nia"}']


# --- passwords and the CLI ------------------------------------------------------------


def test_passwords_are_stored_as_scrypt_hashes(web_db: Path):
    with Store(web_db) as store:
        stored = security.get_user(store.db, REFERRER[0])["password_hash"]
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")  # 16 MiB: memory-hard
    assert REFERRER[1] not in stored
    assert security.verify_password(REFERRER[1], stored)
    assert not security.verify_password(REFERRER[1] + "x", stored)
    assert security.hash_password(REFERRER[1]) != stored  # salted


def test_cli_user_add_list_token_remove(web_db: Path):
    runner = CliRunner()
    db = ["--db", str(web_db)]
    added = runner.invoke(cli, ["user", "add", "zoe", "--role", "admin", "--password-stdin", *db],
                          input="zoe-password-1\n")
    assert added.exit_code == 0, added.output
    prompted = runner.invoke(cli, ["user", "add", "yan", *db],
                             input="yan-password-1\nyan-password-1\n")
    assert prompted.exit_code == 0 and "yan-password-1" not in prompted.output
    again = runner.invoke(cli, ["user", "add", "zoe", "--password-stdin", *db],
                          input="zoe-password-2\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(cli, ["user", "add", "xu", "--password-stdin", *db], input="short\n")
    assert short.exit_code != 0 and "at least 10" in short.output
    replaced = runner.invoke(cli, ["user", "add", "yan", "--role", "admin", "--replace",
                                   "--password-stdin", *db], input="yan-password-2\n")
    assert replaced.exit_code == 0
    with Store(web_db) as store:
        assert security.authenticate(store.db, "yan", "yan-password-2").role == "admin"
        assert security.authenticate(store.db, "yan", "yan-password-1") is None
    listed = runner.invoke(cli, ["user", "list", *db]).output
    assert "zoe\tadmin" in listed and "yan\tadmin" in listed
    token = runner.invoke(cli, ["user", "token", "zoe", "--days", "1", *db]).output.strip()
    assert token.startswith("mt_")
    removed = runner.invoke(cli, ["user", "remove", "zoe", *db])
    assert removed.exit_code == 0
    with Store(web_db) as store:
        assert security.get_user(store.db, "zoe") is None
        assert security.token_user(store.db, token, time.time()) is None
    assert runner.invoke(cli, ["user", "remove", "zoe", *db]).exit_code != 0


def test_serve_binds_to_loopback_unless_told_otherwise():
    serve = cli.commands["serve"]
    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
    assert "127.0.0.1" in CliRunner().invoke(cli, ["serve", "--help"]).output


def test_api_bearer_tokens(anon: TestClient, web_db: Path, clock: Clock):
    with Store(web_db) as store:
        token = security.create_api_token(store.db, REFERRER[0], 1, clock())
    auth = {"authorization": f"Bearer {token}"}
    assert anon.get("/api/trials", headers=auth).status_code == 200
    assert anon.get("/api/trials", headers={"authorization": "Bearer mt_forged"}).status_code \
        == 401
    assert anon.get("/trials", headers=auth, follow_redirects=False).status_code == 303  # API only
    clock.advance(86401)
    assert anon.get("/api/trials", headers=auth).status_code == 401


# --- escaping ---------------------------------------------------------------------------


def _hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'(?:href|action|src)="([^"]*)"', html)]


def test_note_and_registry_text_are_escaped_everywhere(admin: TestClient):
    raw = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
           '<a href="javascript:alert(3)">', '<script>alert("title")</script>',
           "<script>alert(6)</script>", "<img src=x onerror=alert(7)>"]
    patient = admin.get(f"/trials/{TRIAL}/patients/P-XSS?as_of={AS_OF}")
    evidence = [h for h in _hrefs(patient.text) if "note=P-XSS-a" in h]
    assert evidence, "the XSS note is cited as evidence"
    pages = {
        "trials": admin.get(f"/trials?as_of={AS_OF}").text,
        "candidates": admin.get(f"/trials/{XSS_TRIAL}?as_of={AS_OF}").text,
        "search": admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&q=onerror").text,
        "patient": admin.get(f"/trials/{XSS_TRIAL}/patients/P-XSS?as_of={AS_OF}").text,
        "note": admin.get(evidence[0]).text,
        "audit": admin.get("/admin/audit").text,
    }
    for name, html in pages.items():
        for snippet in raw:
            assert snippet not in html, (name, snippet)
        assert not any(h.lower().startswith("javascript:") for h in _hrefs(html)), name
        assert "onerror=" not in re.sub(r"&lt;.*?&gt;", "", html), name
    note = pages["note"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in note
    assert "javascript:alert(3)" in note  # as text
    assert '<mark id="hl">' in note
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in pages["trials"]
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in pages["patient"]
    assert "P-XSS" in pages["search"]  # the search found the note by its markup


def test_every_response_has_a_strict_content_security_policy(admin: TestClient, anon):
    for client, path in ((admin, "/trials"), (admin, "/api/trials"), (anon, "/login")):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
        assert headers["referrer-policy"] == "same-origin"


def test_the_api_returns_text_as_data_not_markup(admin: TestClient):
    body = admin.get(f"/api/trials/{XSS_TRIAL}/patients/P-XSS?as_of={AS_OF}")
    assert body.headers["content-type"] == "application/json"
    quotes = [e["text"] for c in body.json()["patient"]["criteria"] for e in c["evidence"]]
    assert quotes and all("<" not in q for q in quotes)
    assert body.json()["trial"]["title"].startswith("<script>")  # JSON, for a program


# --- audit and privacy ----------------------------------------------------------------


def test_the_audit_trail_records_views_exports_and_referral_changes(
    referrer: TestClient, admin: TestClient, web_db: Path
):
    referrer.get(f"/trials/{TRIAL}/patients/P-002?as_of={AS_OF}")
    referrer.get(f"/trials/{TRIAL}/patients/P-002?as_of={AS_OF}&note=P-002-a")
    referrer.get(f"/trials/{TRIAL}/export.csv?as_of={AS_OF}&status=possible")
    referrer.post(f"/trials/{TRIAL}/patients/P-002/referral",
                  data={"csrf_token": _csrf(referrer), "status": "contacted"},
                  follow_redirects=False)
    referrer.get(f"/api/trials/{TRIAL}/patients/P-003?as_of={AS_OF}")
    views = _audit(web_db, "view_patient")
    assert [(v["username"], v["trial_id"], v["patient_id"]) for v in views] == [
        (REFERRER[0], TRIAL, "P-002")] * 2
    assert json.loads(views[1]["detail"]) == {"as_of": AS_OF, "note_id": "P-002-a",
                                              "timeline": True}
    export = _audit(web_db, "export_csv")[0]
    assert export["username"] == REFERRER[0]
    engine = referrer.app.state.web.engine
    possible = engine.ranking(engine.trial(TRIAL), AS_OF_DATE).counts["possible"]
    assert json.loads(export["detail"]) == {"as_of": AS_OF, "filters": {"status": "possible"},
                                            "rows": possible}
    change = _audit(web_db, "referral_status")[0]
    assert (change["patient_id"], json.loads(change["detail"])) == (
        "P-002", {"from": None, "to": "contacted"})
    assert dt.datetime.fromisoformat(change["at"]).tzinfo is not None
    assert _audit(web_db, "api_patient")[0]["patient_id"] == "P-003"
    page = admin.get("/admin/audit?username=rui")
    assert page.status_code == 200
    assert page.text.count("view_patient") == 2 and "export_csv" in page.text
    assert "referral_status" in page.text


def test_logs_and_links_carry_no_note_text(admin: TestClient, caplog):
    caplog.set_level(logging.DEBUG)
    pages = [
        admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&q=tacrolimus").text,
        admin.get(f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}").text,
        admin.get(f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}&note=P-001-b&start=40&end=90")
        .text,
    ]
    admin.get(f"/api/trials/{TRIAL}/candidates?as_of={AS_OF}&q=prednisolone")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert "GET /trials/{trial_id}/patients/{patient_id} 200" in logged
    for secret in ("P-001", TRIAL, "tacrolimus", "prednisolone", "lupus", "13-year-old"):
        assert secret not in logged, secret
    allowed = {"as_of", "status", "age_min", "age_max", "c", "q", "referral", "sort", "dir",
               "page", "per_page", "note", "start", "end",
               "trial", "run"}  # the What changed page's: a trial id and a run number
    for html in pages:
        for href in _hrefs(html):
            query = parse_qs(urlsplit(href).query)
            assert set(query) <= allowed, href
            for key, values in query.items():
                if key != "q":  # ids, dates, numbers, names of statuses: never words
                    assert all(re.fullmatch(r"[\w.:-]{1,40}", v) for v in values), href


# --- pages ------------------------------------------------------------------------------


def test_trials_page_lists_every_trial_with_counts_by_status(admin: TestClient):
    html = admin.get(f"/trials?as_of={AS_OF}").text
    assert TRIAL in html and XSS_TRIAL in html
    engine = admin.app.state.web.engine
    counts = engine.ranking(engine.trial(TRIAL), AS_OF_DATE).counts
    for status in ("eligible", "possible", "ineligible"):
        assert f'<span class="badge {status}">{counts[status]}</span>' in html


def test_an_admin_imports_a_registry_dump_from_the_page(admin: TestClient, web_db: Path):
    csrf = _csrf(admin)
    dump = (REPO / "registry_dumps" / "NCT06904729.json").read_bytes()
    response = admin.post("/trials/import", data={"csrf_token": csrf},
                          files={"file": ("NCT06904729.json", dump, "application/json")})
    assert response.status_code == 200 and "Imported NCT06904729" in response.text
    bad = admin.post("/trials/import", data={"csrf_token": csrf},
                     files={"file": ("<b>bad</b>.txt", b"no criteria <b>here</b>")})
    assert bad.status_code == 400 and "Cannot import" in bad.text and "<b>" not in bad.text
    assert [json.loads(r["detail"]) for r in _audit(web_db, "import_trial")] == [
        {"file": "NCT06904729.json", "trials": ["NCT06904729"]}]


def _rows(html: str) -> list[str]:
    return re.findall(r'class="patient-link" href="[^"]*">([^<]+)</a>', html)


def test_candidates_are_ranked_like_the_library_and_filtered(admin: TestClient, web_db: Path):
    trial = api.load_trial(REPO / "registry_dumps" / "NCT06904729.txt")
    with Store(web_db) as store:
        expected = api.match(trial, store, AS_OF_DATE, api.eligibility_model())
    page = admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text
    assert _rows(page) == [r.patient_id for r in expected]
    eligible = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&status=eligible&per_page=200")
                     .text)
    assert eligible == [r.patient_id for r in expected if r.status == "eligible"]
    biopsy = trial.criteria[2]
    unknown = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&crit={biopsy.id}"
                              f"&crit_status=unknown&per_page=200").text)
    assert unknown == [r.patient_id for r in expected if r.results[2].status == "unknown"]
    both = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&status=possible&c={biopsy.id}:met"
                           "&per_page=200").text)
    assert both == [r.patient_id for r in expected
                    if r.status == "possible" and r.results[2].status == "met"]


def test_age_filter_sorting_and_paging(admin: TestClient):
    engine = admin.app.state.web.engine
    rows = engine.ranking(engine.trial(TRIAL), AS_OF_DATE).rows
    teens = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&age_min=13&age_max=15"
                            "&per_page=200").text)
    assert teens == [r.patient_id for r in rows if r.age is not None and 13 <= r.age <= 15]
    assert teens
    by_score = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&sort=score&per_page=200").text)
    scores = {r.patient_id: r.score for r in rows}
    assert [scores[p] for p in by_score] == sorted(scores[p] for p in by_score)
    desc = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&sort=patient&dir=desc"
                           "&per_page=200").text)
    assert desc == sorted(desc, reverse=True)
    page1 = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=25").text)
    page3 = admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=25&page=3").text
    assert page1 == [r.patient_id for r in rows[:25]]
    assert _rows(page3) == [r.patient_id for r in rows[50:75]]
    assert f"{len(rows)} of {len(rows)} patients match; page 3 of 3" in page3


def test_text_search_over_notes_uses_fts5(admin: TestClient, web_db: Path):
    engine = admin.app.state.web.engine
    with Store(web_db) as store:
        holders = {n.patient_id for p in store.patients() for n in
                   store.notes_for_patient(p.patient_id) if "rituximab" in n.text.lower()}
    assert holders
    found = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&q=Rituximab&per_page=200").text)
    assert set(found) == holders
    assert engine.db.execute("SELECT count(*) FROM web_notes_fts").fetchone()[0] == \
        engine.db.execute("SELECT count(*) FROM notes").fetchone()[0]
    phrase = _rows(admin.get(f'/trials/{TRIAL}?as_of={AS_OF}&q="class+IV-G"&per_page=200').text)
    assert "P-001" in phrase
    # FTS5 syntax in the box is just words: no error, no injection.
    for hostile in ('"', "NEAR(a b", "a OR", "*", "col:x", "') OR 1=1 --"):
        assert admin.get(f"/trials/{TRIAL}", params={"as_of": AS_OF, "q": hostile}) \
            .status_code == 200
    assert fts_query('class "IV G" x*') == '"class" AND "IV G" AND "x" *'
    assert fts_query("NEAR(") == '"NEAR"'
    # only notes written by the as-of date count
    early = _rows(admin.get(f"/trials/{TRIAL}?as_of=2025-09-01&q=tacrolimus&per_page=200").text)
    assert "P-001" not in early


def test_a_search_counts_only_the_patients_of_the_stored_set(admin: TestClient, web_db: Path):
    # A patient whose notes match but whose row the stored set lacks (here removed by SQL)
    # is no candidate: the search's count (taken from its hits when no other filter
    # applies) and a filtered count agree with the rows listed.
    engine = admin.app.state.web.engine
    holders = sorted(engine.search("rituximab", AS_OF_DATE))
    assert len(holders) >= 2
    _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text)  # the set stored
    with Store(web_db) as store:
        store.db.execute("DELETE FROM results WHERE trial_id = ? AND patient_id = ?",
                         [TRIAL, holders[0]])
        store.db.conn.commit()
    page = admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&q=rituximab&per_page=200").text
    found = _rows(page)
    assert sorted(found) == holders[1:]
    assert f"{len(found)} of " in page
    for status in ("eligible", "possible", "ineligible"):
        narrowed = admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&q=rituximab&status={status}"
                             "&per_page=200").text
        assert f"{len(_rows(narrowed))} of " in narrowed


def test_two_connections_counting_different_searches_each_get_their_own_count(
        admin: TestClient, web_db: Path):
    # Each thread's connection numbers its searches from 1 in its own temporary table, so a
    # count remembered for one connection's search 1 must not answer another's search 1.
    import threading

    from matcher.web.service import Query

    engine = admin.app.state.web.engine
    _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text)  # the set stored
    trial = engine.trial(TRIAL)
    stored = engine.stored.current(trial, AS_OF_DATE)
    words = ("rituximab", "tacrolimus")
    expected = {w: len(engine.search(w, AS_OF_DATE)) for w in words}
    assert expected["rituximab"] != expected["tacrolimus"]
    counted: dict[str, int] = {}

    def count(word: str, status: str | None) -> None:
        params = {"q": word, **({"status": status} if status else {})}
        rows, total = engine.stored.select(stored, trial, Query.parse(params, trial))
        assert total == len(rows)
        counted[f"{word}/{status}"] = total

    for status in (None, "possible"):
        for word in words:  # one thread per search: each is its connection's search 1
            thread = threading.Thread(target=count, args=(word, status))
            thread.start()
            thread.join()
    assert counted["rituximab/None"] == expected["rituximab"]
    assert counted["tacrolimus/None"] == expected["tacrolimus"]
    for word in words:
        possible = [r for r in engine.stored.select(stored, trial, Query.parse({}, trial))[0]
                    if r.status == "possible" and r.patient_id in engine.search(word, AS_OF_DATE)]
        assert counted[f"{word}/possible"] == len(possible)


def test_the_search_index_follows_changed_and_new_notes(admin: TestClient, web_db: Path):
    engine = admin.app.state.web.engine
    assert engine.search("zebrafish", AS_OF_DATE) == set()
    with Store(web_db) as store:
        old = store.note("P-003-a")
        store.put_note(Note(old.patient_id, old.note_id, old.note_date,
                            old.text + " Zebrafish allergy.", old.note_type))
        store.put_note(Note("P-NEW", "P-NEW-a", dt.date(2026, 11, 2), "zebrafish keeper"))
    assert engine.search("zebrafish", AS_OF_DATE) == {"P-003", "P-NEW"}
    with Store(web_db) as store:
        store.put_note(old)
    assert engine.search("zebrafish", AS_OF_DATE) == {"P-NEW"}


def test_a_search_index_built_before_the_rows_table_existed_is_backfilled(
        admin: TestClient, web_db: Path):
    from matcher.store.web_tables import ensure_schema

    engine = admin.app.state.web.engine
    found = engine.search("tacrolimus", AS_OF_DATE)
    assert found
    with Store(web_db) as store:
        store.db.execute("DROP TABLE web_notes_fts_rows")
        ensure_schema(store.db)  # what the app does on start
        rows = store.db.execute("SELECT count(*) FROM web_notes_fts_rows").fetchone()[0]
        indexed = store.db.execute("SELECT count(*) FROM web_notes_fts").fetchone()[0]
    assert rows == indexed > 0
    assert engine.search("tacrolimus", AS_OF_DATE) == found


def test_each_search_hit_names_its_patient_by_its_rowid_and_a_bulk_build_is_one_segment(
        admin: TestClient, web_db: Path):
    from matcher.store.web_tables import FTS_NOTE_BITS

    engine = admin.app.state.web.engine
    assert engine.search("tacrolimus", AS_OF_DATE)
    db = engine.db
    pairs = db.execute(
        "SELECT p.patient_id, n.patient_id FROM web_notes_fts_map m "
        "JOIN notes n ON n.note_id = m.note_id "
        f"JOIN web_notes_fts_patients p ON p.pid = m.fts_rowid >> {FTS_NOTE_BITS}").fetchall()
    assert len(pairs) == db.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert all(by_rowid == by_note for by_rowid, by_note in pairs)
    # the first build indexed every note: merged into one segment ('optimize')
    assert db.execute("SELECT count(DISTINCT segid) FROM web_notes_fts_idx").fetchone()[0] == 1


def test_a_search_index_of_the_earlier_layout_is_built_again_by_migration_9(web_db: Path):
    engine = Engine(web_db)
    found = engine.search("tacrolimus", AS_OF_DATE)
    assert found
    with Store(web_db) as store:
        # A version-8 file: its notes numbered in the order indexed, no patients table.
        store.db.execute("DROP TABLE web_notes_fts_patients")
        store.db.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
        store.db.conn.commit()
    with Store(web_db) as store:  # opening migrates
        assert store.schema_version() == SCHEMA_VERSION
        assert store.db.execute("SELECT count(*) FROM web_notes_fts").fetchone()[0] == 0
        assert store.db.execute(
            "SELECT count(*) FROM web_meta WHERE key = 'fts_version'").fetchone()[0] == 0
    assert Engine(web_db).search("tacrolimus", AS_OF_DATE) == found


def test_a_patient_out_of_note_places_reuses_a_freed_one_then_says_so(tmp_path, monkeypatch):
    from matcher.errors import StoreError
    from matcher.web import service

    monkeypatch.setattr(service, "FTS_NOTE_BITS", 2)  # four places per patient
    with Store(tmp_path / "m.db") as store:
        db = store.db
        rowids = service._NoteRowids(db)
        placed = [rowids.next("P-1") for _ in range(4)]
        assert placed == [4, 5, 6, 7]  # patient number 1, places 0-3
        for rowid in placed:
            db.execute("INSERT INTO web_notes_fts_rows (fts_rowid, patient_id, note_date) "
                       "VALUES (?, 'P-1', '2026-01-01')", [rowid])
        assert rowids.next("P-2") == 8
        db.execute("DELETE FROM web_notes_fts_rows WHERE fts_rowid = 5")  # a changed note
        assert rowids.next("P-1") == 5
        db.execute("INSERT INTO web_notes_fts_rows (fts_rowid, patient_id, note_date) "
                   "VALUES (5, 'P-1', '2026-01-02')")
        with pytest.raises(StoreError, match="P-1"):
            rowids.next("P-1")


def test_new_data_invalidates_the_cached_ranking(admin: TestClient, web_db: Path):
    before = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text)
    assert "P-LATE" not in before
    notes = web_db.parent / "late.jsonl"
    notes.write_text(json.dumps({"patient_id": "P-LATE", "note_id": "P-LATE-a",
                                 "note_date": "2026-11-10", "text": "SLE. ANA 1:640."}) + "\n")
    with Store(web_db) as store:
        api.ingest([notes], store)
    after = _rows(admin.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text)
    assert "P-LATE" in after and len(after) == len(before) + 1


def test_a_ranking_not_ready_yet_is_computed_in_the_background(make_client):
    client = make_client(ranking_wait=0)
    login(client, *REFERRER)
    first = client.get(f"/trials/{TRIAL}?as_of=2026-06-01")
    assert first.status_code == 200
    if "Not computed yet" in first.text:  # the usual case: not ready within 0 s
        assert '<meta http-equiv="refresh" content="2">' in first.text
        assert 'id="queue-progress"' in first.text
    deadline = time.monotonic() + 60
    while "Not computed yet" in client.get(f"/trials/{TRIAL}?as_of=2026-06-01").text:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    ready = client.get(f"/trials/{TRIAL}?as_of=2026-06-01").text
    assert 'id="candidates"' in ready and "refresh" not in ready


def test_as_of_date_is_selectable(admin: TestClient):
    now = admin.get(f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}").text
    before = admin.get(f"/trials/{TRIAL}/patients/P-001?as_of=2025-09-01").text
    assert 'id="patient-status">eligible' in now
    assert 'id="patient-status">eligible' not in before
    assert "4 later note(s) not used" in before
    assert admin.get(f"/trials/{TRIAL}?as_of=2026-13-01").status_code == 400


def test_patient_page_shows_every_criterion_with_mark_reason_and_evidence(admin: TestClient):
    html = admin.get(f"/trials/{TRIAL}/patients/P-001?as_of={AS_OF}").text
    trial = admin.app.state.web.engine.trial(TRIAL)
    rows = re.findall(r'<tr class="v-(\w+)" id="crit-([\w-]+)">', html)
    assert [cid for _, cid in rows] == [c.id for c in trial.criteria]
    assert {verdict for verdict, _ in rows} <= {"pass", "fail", "unknown", "manual"}
    assert "✔" in html and "⚑" in html
    link = next(h for h in _hrefs(html) if "note=P-001-b" in h)
    query = parse_qs(urlsplit(link).query)
    assert set(query) == {"as_of", "note", "start", "end"}
    opened = admin.get(link).text
    start, end = int(query["start"][0]), int(query["end"][0])
    with Store(admin.app.state.web.engine.db_path) as store:
        span = store.note("P-001-b").text[start:end]
    assert f'<mark id="hl">{span}</mark>' in unescape(opened)
    assert "<svg" in html and 'class="lab-point' in html and 'class="drug-bar' in html
    assert admin.get(f"/trials/{TRIAL}/patients/P-001?note=P-002-a").status_code == 404
    assert admin.get(f"/trials/{TRIAL}/patients/NOPE").status_code == 404
    assert admin.get("/trials/NOPE").status_code == 404


def test_referral_workflow(admin: TestClient, referrer: TestClient, web_db: Path):
    url = f"/trials/{TRIAL}/patients/P-004"
    csrf = _csrf(referrer)
    for status in ("to_review", "contacted", "screening"):
        response = referrer.post(f"{url}/referral", data={"csrf_token": csrf, "status": status,
                                                          "as_of": AS_OF})
        assert response.status_code == 200
    missing = referrer.post(f"{url}/referral", data={"csrf_token": csrf,
                                                     "status": "not_suitable"})
    assert "Say why the patient is not suitable" in missing.text
    assert referrer.post(f"{url}/referral", data={"csrf_token": csrf, "status": "bogus"}) \
        .status_code == 400
    done = admin.post(f"{url}/referral", data={"csrf_token": _csrf(admin),
                                               "status": "not_suitable",
                                               "reason": "family declined <b>CAR-T</b>"})
    assert 'id="referral-status">Not suitable' in done.text
    assert "family declined &lt;b&gt;CAR-T&lt;/b&gt;" in done.text
    listing = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&referral=not_suitable").text
    assert _rows(listing) == ["P-004"] and f"{ADMIN[0]} · " in listing
    with Store(web_db) as store:
        history = [r["status"] for r in store.db.query(
            "SELECT status FROM web_referral_history ORDER BY id")]
        who = [r["username"] for r in store.db.query(
            "SELECT username FROM web_referral_history ORDER BY id")]
    assert history == ["to_review", "contacted", "screening", "not_suitable"]
    assert who == [REFERRER[0]] * 3 + [ADMIN[0]]


def test_csv_export_is_the_current_view(admin: TestClient):
    engine = admin.app.state.web.engine
    rows = engine.ranking(engine.trial(TRIAL), AS_OF_DATE).rows
    response = admin.get(f"/trials/{TRIAL}/export.csv?as_of={AS_OF}&status=ineligible"
                         "&sort=score&dir=desc")
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{TRIAL}-candidates-{AS_OF}.csv"' in response.headers[
        "content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    wanted = sorted((r for r in rows if r.status == "ineligible"), key=lambda r: -r.score)
    assert [t["patient_id"] for t in table] == [r.patient_id for r in wanted]
    trial = engine.trial(TRIAL)
    # Outcomes, the words a person reads: an exclusion whose condition is absent passes.
    assert list(table[0])[:8] == ["rank", "patient_id", "status", "score", "passes", "fails",
                                  "unknown", "to_check"]
    first = zip(trial.criteria[:3], wanted[0].statuses[:3], strict=True)
    assert [table[0][c.key] for c in trial.criteria[:3]] == [
        str(outcome_of(c.type, s)) for c, s in first]
    assert table[0]["why"].startswith("fails: ")  # an ineligible row says why


# --- JSON API ---------------------------------------------------------------------------


def test_api_candidates_keep_the_match_output_contract(admin: TestClient, web_db: Path):
    response = admin.get(f"/api/trials/{TRIAL}/candidates?as_of={AS_OF}&per_page=10&page=2")
    assert response.status_code == 200
    body = response.json()
    jsonschema.validate(body, SCHEMA)
    trial = api.load_trial(REPO / "registry_dumps" / "NCT06904729.txt")
    model = api.eligibility_model()  # as `matcher match` does
    with Store(web_db) as store:
        results, p_eligible = api.match_with_p(trial, store, AS_OF_DATE, model)
        texts = {n: store.note(n).text for n in {e.note_id for r in results[10:20]
                                                 for c in r.results for e in c.evidence}}
    expected = api.match_to_json(trial, results[10:20], AS_OF_DATE, texts, p_eligible,
                                 model.version if model else None)
    assert body == json.loads(json.dumps(expected))
    assert response.headers["x-total-count"] == str(len(results))
    assert 'rel="next"' in response.headers["link"] and "page=3" in response.headers["link"]
    filtered = admin.get(f"/api/trials/{TRIAL}/candidates?as_of={AS_OF}&status=eligible").json()
    assert {p["status"] for p in filtered["patients"]} == {"eligible"}
    assert admin.get(f"/api/trials/{TRIAL}/candidates?status=nope").status_code == 400


def test_api_trials_and_patient(admin: TestClient):
    trials = admin.get(f"/api/trials?as_of={AS_OF}").json()
    assert [t["id"] for t in trials["trials"]] == [XSS_TRIAL, TRIAL]
    seed = trials["trials"][1]
    assert sum(seed["counts"].values()) == seed["patients"]
    patient = admin.get(f"/api/trials/{TRIAL}/patients/P-001?as_of={AS_OF}").json()
    engine = admin.app.state.web.engine
    ranking = engine.ranking(engine.trial(TRIAL), AS_OF_DATE)
    rank = ranking.results[ranking.index["P-001"]].rank
    assert patient["patient"]["patient_id"] == "P-001" and patient["patient"]["rank"] == rank
    assert patient["referral"] is None
    assert admin.get(f"/api/trials/{TRIAL}/patients/NOPE").status_code == 404
    assert admin.get("/api/trials/NOPE/candidates").json() == {"error": "no such trial"}


# --- the engine and speed -------------------------------------------------------------


@pytest.mark.parametrize("with_model", [True, False], ids=["eligibility-model", "no-model"])
def test_the_web_ranking_is_the_library_ranking(web_db: Path, with_model: bool):
    model = api.eligibility_model() if with_model else None
    engine = Engine(web_db, model=model)
    trial = engine.trial(TRIAL)
    with Store(web_db) as store:
        expected, p_expected = api.match_with_p(trial, store, AS_OF_DATE, model)
    ranking = engine.ranking(trial, AS_OF_DATE)
    assert [(r.patient_id, r.rank, r.status, r.score, [c.status for c in r.results],
             [c.evidence for c in r.results]) for r in ranking.results] == \
        [(r.patient_id, r.rank, r.status, r.score, [c.status for c in r.results],
          [c.evidence for c in r.results]) for r in expected]
    assert ranking.p_eligible == p_expected
    single = engine.patient_result(trial, "P-002", dt.date(2026, 10, 30))  # not cached
    with Store(web_db) as store:
        alone = api.explain(trial, store, "P-002", dt.date(2026, 10, 30))
    assert single[0].results == alone.results and single[1] is None


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    from matcher.tools.web import demo

    path = tmp_path_factory.mktemp("web-big") / "big.db"
    synth.build(path, 1500).close()
    with Store(path) as store:
        demo.import_trial_file(store, demo.EXAMPLE_TRIAL)
    return path


def test_the_candidates_page_is_fast_once_ranked(big_db: Path, tmp_path: Path):
    with Store(big_db) as store:
        from matcher.store.web_tables import ensure_schema

        ensure_schema(store.db)
        security.add_user(store.db, "speed", "speed-password-1", "referrer")
    app = create_app(big_db, warm=False, ranking_wait=300, allowed_hosts=["testserver"])
    with TestClient(app) as client:
        login(client, "speed", "speed-password-1")
        assert client.get(f"/trials/{TRIAL}?as_of={AS_OF}").status_code == 200  # ranks
        views = ["", "&status=possible", "&sort=score&dir=desc", "&page=20",
                 "&crit=inc-4&crit_status=unknown", "&age_min=10&age_max=14", "&q=tacrolimus"]
        timings = []
        for i in range(42):
            started = time.perf_counter()
            response = client.get(f"/trials/{TRIAL}?as_of={AS_OF}{views[i % len(views)]}")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
    p95 = statistics.quantiles(timings, n=20)[18]
    assert p95 < 0.3, f"p95 {p95 * 1000:.0f} ms"


def test_the_login_page_renders_a_fresh_token(anon: TestClient):
    first, second = (login_token(anon.get("/login").text) for _ in range(2))
    assert first != second and len(first) >= 24
