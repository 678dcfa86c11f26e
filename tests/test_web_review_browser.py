"""The criteria review in a real browser (headless Chromium through Playwright, as
tests/test_web_browser.py): a coordinator imports a trial whose platelet item the reader
cannot read, sees it unreviewed and manual, edits it into a lab threshold, sees how many
patients the edit moves, approves the trial, and the candidates list changes; a referrer is
refused the review page."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from matcher.store import Store  # noqa: E402
from matcher.tools.web.bench import Server  # noqa: E402
from matcher.web.app import create_app  # noqa: E402
from matcher.web.security import add_user  # noqa: E402
from tests.test_web_browser import browser  # noqa: E402, F401 (Chromium, one per module)
from tests.test_web_review import COORDINATOR, MISREAD, MISREAD_TEXT  # noqa: E402
from tests.test_web_support import AS_OF, REFERRER, build_template  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-browser")
    db = build_template(folder)
    with Store(db) as store:
        add_user(store.db, *COORDINATOR, "coordinator")
    (folder / f"{MISREAD}.txt").write_text(MISREAD_TEXT, encoding="utf-8")
    with Server(create_app(db, ranking_wait=60)) as running:
        running.db = db
        running.folder = folder
        yield running


@pytest.fixture
def page(browser: Browser):  # noqa: F811 (the imported fixture)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield opened
    context.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def _log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(f"{base}/trials")


def _eligible(page: Page) -> int:
    return int(page.locator(".status-line .badge.eligible").inner_text().split()[0])


def test_a_coordinator_fixes_a_misread_criterion_and_the_candidates_change(page: Page, server):
    base = server.url
    _log_in(page, base, *COORDINATOR)
    page.set_input_files("input[name=file]", str(server.folder / f"{MISREAD}.txt"))
    page.click(".import button[type=submit]")
    expect(page.locator(".notice")).to_have_text(f"Imported {MISREAD}.")

    page.goto(f"{base}/trials/{MISREAD}?as_of={AS_OF}")
    expect(page.locator("#unreviewed-banner")).to_contain_text(
        "4 criteria not reviewed: verdicts may be wrong")
    before = _eligible(page)
    page.click("#review-link")
    row = page.locator("#c-inc-3")
    expect(row).to_contain_text("Platelet count at least 100 thousand per cubic millimetre")
    expect(row).to_contain_text("MANUAL: not understood")
    expect(row.locator(".state")).to_have_text("auto")

    row.locator("a.edit").click()
    page.select_option("#kind-select", "lab")
    page.click("#change-kind")
    page.select_option("#f-analytes", "lab.platelets")
    page.select_option("#f-op", ">=")
    page.fill("#f-value", "100")
    page.fill("#f-unit", "x10^9/L")
    page.click("#preview")
    move = page.locator("#whatif li.move").first
    expect(move).to_have_text(re.compile(r"^\d+ patients? moves? from possible to eligible$"))
    moved = int(move.inner_text().split()[0])
    assert moved > 0
    page.click("#save")
    expect(page.locator("#review-done")).to_have_text("Saved the edit of inc-3.")
    expect(page.locator("#c-inc-3 .state")).to_have_text("edited")
    expect(page.locator("#c-inc-3")).to_contain_text("latest platelet count ≥ 100")

    for cid in ("inc-1", "inc-2", "exc-1"):
        page.locator(f"#c-{cid} button.approve").click()
        expect(page.locator(f"#c-{cid} .state")).to_have_text("approved")
    expect(page.locator("#unreviewed-count")).to_have_text("0 to review")
    page.fill("#approve-trial input[name=note]", "platelet item read by hand")
    page.click("#approve-trial-button")
    expect(page.locator("#review-done")).to_have_text("Approved the trial as version 1.")

    page.goto(f"{base}/trials/{MISREAD}?as_of={AS_OF}")
    expect(page.locator("#unreviewed-banner")).to_have_count(0)
    assert _eligible(page) == before + moved


def test_a_referrer_is_refused_the_review_page(page: Page, server):
    base = server.url
    _log_in(page, base, *REFERRER)
    response = page.goto(f"{base}/trials/{MISREAD}/review?as_of={AS_OF}")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("only a coordinator or an admin")
    assert page.locator("#review").count() == 0
