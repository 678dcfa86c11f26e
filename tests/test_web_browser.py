"""The web app in a real browser: headless Chromium (Debian's /usr/bin/chromium, installed by
.ci/run; no browser download) driven by Playwright against uvicorn on 127.0.0.1.

A referrer logs in, opens the trial, filters, opens a patient, clicks evidence and sees the
highlighted span, marks a referral status, exports CSV and logs out; a note and a trial
record full of markup stay inert; a logged-out browser reaches no page and no API route.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402
from starlette.routing import Route  # noqa: E402

from matcher.store import Store  # noqa: E402
from matcher.tools.web.bench import Server  # noqa: E402
from matcher.web.app import create_app  # noqa: E402
from tests.test_web_support import (  # noqa: E402
    ADMIN,
    AS_OF,
    REFERRER,
    TRIAL,
    XSS_TRIAL,
    build_template,
)

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_template(tmp_path_factory.mktemp("browser"))
    app = create_app(db, ranking_wait=60)
    with Server(app) as running:
        running.db = db
        running.app = app
        yield running


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("the browser tests need Debian's chromium: apt-get install -y chromium "
                    "(.ci/run installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    opened.on("dialog", on_dialog)
    yield opened
    context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def _log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/trials")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Ftrials$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(f"{base}/trials")


def test_a_referrer_finds_checks_marks_exports_and_logs_out(page: Page, server):
    base = server.url
    _log_in(page, base, *REFERRER)
    expect(page.locator(".username")).to_have_text(REFERRER[0])

    page.click(f"a.trial-link:has-text('{TRIAL}')")
    expect(page.locator("h1")).to_contain_text(TRIAL)
    page.fill("input[name=as_of]", AS_OF)
    page.select_option("select[name=status]", "eligible")
    page.fill("input[name=q]", '"class IV"')
    page.click("#apply")
    expect(page).to_have_url(re.compile(r"status=eligible"))
    badges = page.locator("#candidates tbody .badge")
    expect(badges.first).to_be_visible()
    assert set(badges.all_inner_texts()) == {"eligible"}
    expect(page.locator("#candidates")).to_contain_text("P-001")

    page.click("a.patient-link:text-is('P-001')")
    expect(page.locator("#patient-status")).to_have_text("eligible")
    expect(page.locator("#checklist tbody tr")).to_have_count(21)
    evidence = page.locator("a.evidence-link[href*='note=P-001-b']").first
    href = evidence.get_attribute("href")
    start, end = (int(re.search(rf"{k}=(\d+)", href)[1]) for k in ("start", "end"))
    evidence.click()
    with Store(server.db) as store:
        span = store.note("P-001-b").text[start:end]
    highlight = page.locator("#note-text mark#hl")
    expect(highlight).to_be_visible()
    expect(highlight).to_have_text(span)
    expect(page.locator("#note h2")).to_have_text("Note P-001-b")

    page.select_option("#referral-select", "contacted")
    page.fill("textarea[name=reason]", "Family called; interested.")
    page.click("#referral-form button[type=submit]")
    expect(page.locator("#referral-status")).to_have_text("Contacted")
    expect(page.locator(".referral")).to_contain_text("Family called; interested.")

    page.click(f".crumbs a:has-text('{TRIAL}')")
    row = page.locator("#candidates tr", has=page.locator("a.patient-link:text-is('P-001')"))
    expect(row).to_contain_text("Contacted")
    expect(row).to_contain_text(REFERRER[0])

    page.select_option("select[name=status]", "eligible")
    page.click("#apply")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename == f"{TRIAL}-candidates-{AS_OF}.csv"
    with open(download.value.path(), encoding="utf-8") as exported:
        table = list(csv.DictReader(exported))
    assert table and {r["status"] for r in table} == {"eligible"}
    assert next(r for r in table if r["patient_id"] == "P-001")["referral_status"] == "contacted"

    page.click("#logout")
    expect(page).to_have_url(f"{base}/login")
    page.goto(f"{base}/trials/{TRIAL}/patients/P-001")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    api = page.goto(f"{base}/api/trials")
    assert api.status == 401


def test_markup_in_notes_and_registry_text_stays_inert(page: Page, server):
    base = server.url
    _log_in(page, base, *ADMIN)
    page.goto(f"{base}/trials?as_of={AS_OF}")
    expect(page.locator("td.title").first).to_have_text(
        '<script>alert("title")</script> Trial <img src=x onerror=alert(5)> NCT00000042')
    page.goto(f"{base}/trials/{XSS_TRIAL}?as_of={AS_OF}&q=onerror")
    expect(page.locator("#candidates")).to_contain_text("P-XSS")
    page.click("a.patient-link:text-is('P-XSS')")
    expect(page.locator("#checklist")).to_contain_text("<script>alert(6)</script>")
    page.locator("a.evidence-link[href*='note=P-XSS-a']").first.click()
    note = page.locator("#note-text")
    expect(note).to_contain_text("<script>alert(1)</script><img src=x onerror=alert(2)>")
    expect(note).to_contain_text('<a href="javascript:alert(3)">link</a> javascript:alert(3)')
    for tag in ("script", "img", "a"):
        assert note.locator(tag).count() == 0
    assert page.locator("main script, main img, main iframe").count() == 0
    assert page.evaluate("() => document.scripts.length") == 0


def _get_routes(app) -> list[str]:
    paths = []
    values = {"trial_id": TRIAL, "patient_id": "P-001", "username": REFERRER[0],
              "criterion_id": "inc-1"}
    for route in app.routes:
        if isinstance(route, Route) and "GET" in route.methods and route.path != "/login":
            path = route.path_format
            for name, value in values.items():
                path = path.replace("{" + name + "}", value)
            paths.append(path)
    return paths


def test_a_logged_out_browser_reaches_no_page_and_no_api_route(page: Page, server):
    base = server.url
    paths = _get_routes(server.app)
    assert "/api/trials" in paths and f"/trials/{TRIAL}/patients/P-001" in paths
    for path in paths:
        response = page.goto(f"{base}{path}?as_of={AS_OF}")
        if path.startswith("/api/"):
            assert response.status == 401, path
            assert "P-001" not in page.content()
        else:
            expect(page).to_have_url(re.compile(r"/login\?next="))
            expect(page.locator("h1")).to_have_text("Log in")
    for route in server.app.routes:
        if isinstance(route, Route) and "POST" in route.methods and route.path != "/login":
            path = route.path_format.replace("{trial_id}", TRIAL).replace("{patient_id}", "P-001")
            path = path.replace("{username}", ADMIN[0]).replace("{criterion_id}", "inc-1")
            response = page.request.post(f"{base}{path}", form={"status": "enrolled"},
                                         max_redirects=0)
            assert response.status == 303, path
            assert response.headers["location"].startswith("/login")
    with Store(server.db) as store:
        assert store.db.execute("SELECT count(*) FROM web_referrals WHERE status = 'enrolled'") \
            .fetchone()[0] == 0
