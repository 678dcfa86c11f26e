"""The pages' meaning in real Chromium (Debian's /usr/bin/chromium via Playwright, against
uvicorn on 127.0.0.1): exclusion outcomes on DEV-LN-2, the why column and its filter, the
pinned summary and to-do list, previous/next, and the print view (print media: the
header, navigation and footer are gone, the summary is all there)."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from matcher.store import Store  # noqa: E402
from matcher.tools.web.bench import Server  # noqa: E402
from matcher.web.app import create_app  # noqa: E402
from tests.conftest import SHARED  # noqa: E402
from tests.test_web_browser import browser  # noqa: E402, F401  (the fixture: one Chromium)
from tests.test_web_support import AS_OF, REFERRER, TRIAL  # noqa: E402
from tests.test_web_why import DEV, build_why_template  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_why_template(tmp_path_factory.mktemp("why-browser"))
    app = create_app(db, ranking_wait=60)
    with Server(app) as running:
        running.db = db
        yield running


@pytest.fixture
def page(browser: Browser, server):  # noqa: F811  (browser: the imported fixture)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    opened.goto(f"{server.url}/trials")
    opened.fill("input[name=username]", REFERRER[0])
    opened.fill("input[name=password]", REFERRER[1])
    opened.click("button:has-text('Log in')")
    expect(opened).to_have_url(f"{server.url}/trials")
    yield opened
    context.close()


def test_exclusions_whose_condition_is_absent_read_as_passes_on_dev_ln_2(page: Page, server):
    if not (SHARED / "registry" / f"{DEV}.txt").exists():
        pytest.skip("../shared/registry/DEV-LN-2.txt is not beside the repository")
    page.goto(f"{server.url}/trials/{DEV}/patients/P-001?as_of={AS_OF}")
    expect(page.locator("#patient-status")).to_have_text("eligible")
    for cid in ("exc-1", "exc-2", "exc-3"):
        row = page.locator(f"#crit-{cid}")
        expect(row.locator("td.outcome")).to_contain_text("passes")
        expect(row.locator("td.mark")).to_have_text("✔")
    expect(page.locator(".summary .count.fail")).to_have_text("✘ 0 fail")
    expect(page.locator("#pinned-clear")).to_be_visible()


def test_the_why_filter_leaves_only_rows_with_that_kind_of_chip(page: Page, server):
    page.goto(f"{server.url}/trials/{TRIAL}?as_of={AS_OF}&per_page=200")
    expect(page.locator("#candidates td.why .why-chip").first).to_be_visible()
    page.select_option("#f-why", "stale")
    page.click("#apply")
    expect(page).to_have_url(re.compile(r"why=stale"))
    rows = page.locator("#candidates tbody tr")
    expect(rows.first.locator(".why-chip").first).to_be_visible()
    for i in range(rows.count()):
        kinds = rows.nth(i).locator(".why-chip").evaluate_all(
            "chips => chips.map(c => c.dataset.kind)")
        assert "stale" in kinds
    expect(page.locator("#f-why")).to_have_value("stale")


def test_the_pinned_summary_comes_first_and_previous_next_walk_the_list(page: Page, server):
    page.goto(f"{server.url}/trials/{TRIAL}?as_of={AS_OF}&status=ineligible&per_page=200")
    first = page.locator("a.patient-link").nth(0).inner_text()
    second = page.locator("a.patient-link").nth(1).inner_text()
    page.locator("a.patient-link").nth(0).click()
    pinned = page.locator("#pinned")
    expect(pinned.locator("h2").first).to_have_text("Ineligible because:")
    box, checklist = pinned.bounding_box(), page.locator("#checklist").bounding_box()
    assert box["y"] + box["height"] <= checklist["y"]  # on top, before the checklist
    link = page.locator("#pinned-fails a").first
    target = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.locator("h1 .patient-id")).to_have_text(first)
    page.click("#next-patient")
    expect(page.locator("h1 .patient-id")).to_have_text(second)
    expect(page.locator("#prev-next")).to_contain_text("2 of")
    page.click("#back-to-list")
    expect(page).to_have_url(re.compile(r"status=ineligible"))


def test_the_print_view_is_the_summary_on_paper_and_is_audited(page: Page, server):
    page.goto(f"{server.url}/trials/{TRIAL}/patients/P-004?as_of={AS_OF}")
    expect(page.locator("#todo li").first).to_contain_text("repeat FBC")
    page.click("#print-link")
    expect(page.locator("#referral-summary h1")).to_contain_text("P-004")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator("#print-todo li").first).to_contain_text("repeat FBC")
    expect(page.locator("#print-criteria tbody tr")).to_have_count(21)
    expect(page.locator("#printed-by")).to_contain_text(f"Printed by {REFERRER[0]} on ")
    pdf = page.pdf()  # Chromium lays it out for paper
    assert pdf.startswith(b"%PDF")
    with Store(server.db) as store:
        printed = store.db.execute(
            "SELECT count(*) FROM web_audit WHERE action = 'print_summary' AND patient_id = ?",
            ["P-004"]).fetchone()[0]
    assert printed >= 1
