"""The "What changed" page in real Chromium (Debian's /usr/bin/chromium via Playwright, against
uvicorn on 127.0.0.1), on the two nights of tests/test_changes.py: reached from the trials
list and from a trial's candidates page, each change with its criteria old → new, the link to
the patient's page, the markup in a patient id and a trial title shown as text, and a
390 px wide phone screen on which the changes do not spill sideways."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from matcher import api  # noqa: E402
from matcher.store import Store  # noqa: E402
from matcher.tools.web.bench import Server  # noqa: E402
from matcher.web.app import create_app  # noqa: E402
from tests.test_changes import DEV, NCT, NEW_PATIENT, USER, XSS_TITLE, nights  # noqa: E402, F401
from tests.test_web_browser import (  # noqa: E402, F401  (browser: the fixture, one Chromium)
    _log_in,
    browser,
)

WORDS = {"pass": "passes", "fail": "fails", "unknown": "unknown", "manual": "to check"}


@pytest.fixture(scope="module")
def server(nights: dict):  # noqa: F811  (nights: the imported fixture)
    app = create_app(nights["db"], ranking_wait=60, warm=False)
    with Server(app) as running:
        running.db = nights["db"]
        yield running


def _login(browser: Browser, server, width: int) -> Page:  # noqa: F811
    """A new browser context `width` px wide, logged in as the referrer, on /trials."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    opened = context.new_page()
    _log_in(opened, server.url, *USER)
    return opened


def test_the_trials_list_links_to_what_changed_and_each_change_links_to_its_patient(
        browser: Browser, server):  # noqa: F811
    page = _login(browser, server, 1400)
    with Store(server.db) as store:
        changes = api.run_changes(store)
    page.click("#changes-link")
    expect(page).to_have_url(f"{server.url}/changes")
    expect(page.locator("h1")).to_have_text("What changed")
    expect(page.locator("#changes-runs")).to_contain_text(
        f"Nightly run {changes.run_id} (as of {changes.as_of}) against run "
        f"{changes.previous_run}")
    for trial in changes.trials:
        section = page.locator(f"#changes-{trial.trial_id}")
        expect(section.locator("tr.patient-change")).to_have_count(len(trial.patients))
    # markup in a title and a patient id is text, not markup
    expect(page.locator(f"#changes-{DEV} .trial-title")).to_have_text(XSS_TITLE)
    new_row = page.locator(f"#changes-{NCT} table.became tr.patient-change",
                           has_text=NEW_PATIENT)
    expect(new_row.locator("a.patient-link")).to_have_text(NEW_PATIENT)
    # a patient who stopped: the criterion that changed, old → new, then their page
    [dev] = [t for t in changes.trials if t.trial_id == DEV]
    stopped = dev.of("stopped")[0]
    row = page.locator(f"#changes-{DEV} table.stopped tr[data-patient='{stopped.patient_id}']")
    for c in stopped.criteria:
        expect(row.locator(".criterion-change", has_text=c.key)).to_contain_text(
            f"{WORDS[c.previous_outcome]} → {WORDS[c.outcome]}")
    row.locator("a.patient-link").click()
    expect(page).to_have_url(f"{server.url}/trials/{DEV}/patients/{stopped.patient_id}"
                             f"?as_of={changes.as_of}")
    expect(page.locator("#patient-status")).to_have_text(stopped.status)
    page.context.close()


def test_a_trials_candidates_page_opens_its_own_changes_and_a_phone_screen_fits(
        browser: Browser, server):  # noqa: F811
    page = _login(browser, server, 390)
    page.goto(f"{server.url}/trials/{DEV}")
    page.click("#changes-link")
    expect(page).to_have_url(f"{server.url}/changes?trial={DEV}")
    expect(page.locator(f"#changes-{DEV}")).to_be_visible()
    expect(page.locator(f"#changes-{NCT}")).to_have_count(0)
    # The changes fit the screen: a wide table scrolls inside its own container. (The
    # page header is every page's, base.html: not this page's to fit.)
    spill = page.evaluate("""() => [...document.querySelectorAll('main .trial-changes')]
        .map(e => e.getBoundingClientRect().right - window.innerWidth)""")
    assert spill and max(spill) <= 0, f"a trial's changes spill {max(spill)} px off the screen"
    scroller = page.locator(f"#changes-{DEV} .table-scroll").first
    assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.context.close()
