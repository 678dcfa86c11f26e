"""The pages on a phone and for every reader, in real Chromium (Debian's /usr/bin/chromium via
Playwright, against uvicorn on 127.0.0.1), issue 16's last items:

- a 390 × 844 viewport: no page scrolls sideways, wide tables scroll inside their own box,
  the header and the filters fit and still work;
- a "Skip to content" link first on every page, `aria-sort` on the sortable headers, a label
  on every input, select and textarea, and text contrast of at least 4.5:1 (WCAG 2 relative
  luminance, computed from the browser's own styles);
- the note search shows the matching words beside each patient, escaped, the hit in <mark>;
- times a person reads in the site's zone (here Asia/Kolkata, +05:30 and no DST), named;
- the referral workflow refuses a jump (unmarked → enrolled) and keeps the choice.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from matcher.store import Store  # noqa: E402
from matcher.tools.web.bench import Server  # noqa: E402
from matcher.web.app import create_app  # noqa: E402
from tests.test_web_browser import browser  # noqa: E402, F401  (the fixture: one Chromium)
from tests.test_web_support import ADMIN, AS_OF, REFERRER, TRIAL  # noqa: E402
from tests.test_web_why import build_why_template  # noqa: E402

ZONE = "Asia/Kolkata"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}

# Every page a referrer reads, as (name, path): the trials list, the candidates list, a note
# search, a patient, another trial's view of a patient, the print page and the review page.
REFERRER_PAGES = [
    ("trials", f"/trials?as_of={AS_OF}"),
    ("candidates", f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200"),
    ("search", f"/trials/{TRIAL}?as_of={AS_OF}&q=tacrolimus"),
    ("patient", f"/trials/{TRIAL}/patients/P-004?as_of={AS_OF}"),
    ("patient-note", f"/trials/{TRIAL}/patients/P-XSS?as_of={AS_OF}&note=P-XSS-a&start=0&end=6"),
    ("patient-trials", f"/patients/P-004?as_of={AS_OF}"),
    ("print", f"/trials/{TRIAL}/patients/P-004/print?as_of={AS_OF}"),
    ("no-such-patient", "/patients?id=NOPE-1"),  # the header's search, finding nobody
]
ADMIN_PAGES = [
    ("review", f"/trials/{TRIAL}/review?as_of={AS_OF}"),
    ("versions", f"/trials/{TRIAL}/versions"),
    ("users", "/admin/users"),
    ("sessions", "/admin/sessions"),
    ("audit", "/admin/audit"),
]
ALL_PAGES = [(REFERRER, *p) for p in REFERRER_PAGES] + [(ADMIN, *p) for p in ADMIN_PAGES]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_why_template(tmp_path_factory.mktemp("access-browser"))
    app = create_app(db, ranking_wait=60, time_zone=ZONE)
    with Server(app) as running:
        running.db = db
        yield running


def _open(browser: Browser, server, who: tuple[str, str], viewport: dict) -> Page:  # noqa: F811
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(20_000)
    page = context.new_page()
    scripts: list[str] = []
    page.on("dialog", lambda dialog: (scripts.append(dialog.message), dialog.dismiss()))
    page.scripts = scripts
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(re.compile(r"/trials"))
    return page


@pytest.fixture(scope="module")
def pages(browser: Browser, server):  # noqa: F811  (browser: the imported fixture)
    """One logged-in page per (user, viewport), kept for the module (logging in is slow)."""
    opened: dict[tuple[str, str], Page] = {}

    def get(who: tuple[str, str], viewport: dict) -> Page:
        key = (who[0], f"{viewport['width']}")
        if key not in opened:
            opened[key] = _open(browser, server, who, viewport)
        return opened[key]

    yield get
    for page in opened.values():
        assert page.scripts == [], f"a script ran: {page.scripts}"
        page.context.close()


def _visit(page: Page, server, path: str) -> None:
    page.goto(server.url + path)
    # The candidates list may be computing (the page refreshes itself): wait for the table.
    if "/trials/" in path and "/patients/" not in path and "/review" not in path \
            and "/versions" not in path:
        expect(page.locator("#candidates")).to_be_visible(timeout=60_000)


# --- 1. a 390 px phone ----------------------------------------------------------------------

@pytest.mark.parametrize(("who", "name", "path"), ALL_PAGES, ids=[p[1] for p in ALL_PAGES])
def test_no_page_scrolls_sideways_on_a_390px_phone(pages, server, who, name, path):
    page = pages(who, PHONE)
    _visit(page, server, path)
    widths = page.evaluate("({scroll: document.scrollingElement.scrollWidth, inner: innerWidth})")
    assert widths["scroll"] <= widths["inner"] + 1, f"{name}: the page scrolls sideways: {widths}"
    # Whatever is wider than the screen scrolls inside its own box, all of it reachable.
    for box in page.locator("table").all():
        if not box.is_visible():
            continue
        scroller = box.evaluate(
            """t => { for (let e = t.parentElement; e; e = e.parentElement) {
                        const s = getComputedStyle(e).overflowX;
                        if (s === 'auto' || s === 'scroll') return true; }
                      return false; }""")
        fits = box.evaluate("t => t.getBoundingClientRect().right <= innerWidth + 1")
        assert scroller or fits, f"{name}: a table is cut off at 390 px"


def test_the_header_and_the_filters_fit_a_phone_and_still_work(pages, server):
    page = pages(REFERRER, PHONE)
    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}")
    for selector in ("header.top .brand", "header.top input[name=id]", "#logout",
                     "#f-status", "#f-why", "#f-q", "#apply"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 391, \
            f"{selector} is outside the 390 px screen: {box}"
    page.select_option("#f-status", "eligible")
    page.click("#apply")
    expect(page).to_have_url(re.compile(r"status=eligible"))
    statuses = page.locator("#candidates tbody .badge").all_inner_texts()
    assert statuses and set(statuses) == {"eligible"}
    wrap = page.locator("#candidates").evaluate(
        "t => ({client: t.parentElement.clientWidth, scroll: t.parentElement.scrollWidth})")
    assert wrap["scroll"] > wrap["client"]  # the list is wider: it scrolls in its box


# --- 2. accessibility -----------------------------------------------------------------------

@pytest.mark.parametrize(("who", "name", "path"), ALL_PAGES, ids=[p[1] for p in ALL_PAGES])
def test_every_page_starts_with_a_skip_link_to_its_main_content(pages, server, who, name, path):
    page = pages(who, DESKTOP)
    _visit(page, server, path)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent.trim(),"
                            " href: document.activeElement.getAttribute('href')})")
    assert focused["text"] == "Skip to content", name
    target = focused["href"]
    assert re.fullmatch(r"#[\w-]+", target)
    expect(page.locator(f"main{target}")).to_have_count(1)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == target


def test_sortable_headers_say_their_sort_in_aria_sort(pages, server):
    page = pages(REFERRER, DESKTOP)
    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}")
    headers = page.locator("#candidates thead th[aria-sort]")
    assert headers.count() >= 10
    sorts = dict(zip(headers.all_inner_texts(), headers.evaluate_all(
        "hs => hs.map(h => h.getAttribute('aria-sort'))"), strict=True))
    assert sorts.pop(next(k for k in sorts if k.startswith("RANK"))) == "ascending"
    assert set(sorts.values()) == {"none"}
    page.click("#candidates thead th >> text=Score")
    score = page.locator("#candidates thead th", has_text="Score")
    expect(score).to_have_attribute("aria-sort", "descending")
    page.click("#candidates thead th >> text=Score")
    expect(score).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#candidates thead th", has_text="Rank")).to_have_attribute(
        "aria-sort", "none")


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(e => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button')
  .filter(e => {
    const named = (e.getAttribute('aria-label') || '').trim()
      || [...(e.labels || [])].some(l => l.textContent.trim())
      || (e.getAttribute('aria-labelledby') || '').split(/\\s+/).some(
           id => id && document.getElementById(id)
                 && document.getElementById(id).textContent.trim());
    return !named; })
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize(("who", "name", "path"), ALL_PAGES, ids=[p[1] for p in ALL_PAGES])
def test_every_input_select_and_textarea_has_a_label(pages, server, who, name, path):
    page = pages(who, DESKTOP)
    _visit(page, server, path)
    for details in page.locator("details").all():  # folded forms count too
        details.evaluate("d => d.open = true")
    assert page.evaluate(UNLABELLED) == [], name


# WCAG 2 contrast of each element that shows text of its own, against the first opaque
# background behind it (a translucent one is blended over it).
CONTRAST = """() => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number);
                      return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = c => { const f = v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const over = (top, under) => [0, 1, 2].map(
    i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const background = e => {
    const layers = [];
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const low = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('svg, script, style, option, [hidden]')) continue;
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    if (style.visibility !== 'visible' || box.width === 0 || box.height === 0) continue;
    const bg = background(e), fg = over(rgba(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) low.push(`${e.tagName.toLowerCase()}.${e.className}: ` +
      `${ratio.toFixed(2)} (${style.color} on rgb(${bg.slice(0, 3).join(', ')}))`);
  }
  return [...new Set(low)];
}"""


@pytest.mark.parametrize(("who", "name", "path"), ALL_PAGES, ids=[p[1] for p in ALL_PAGES])
def test_text_contrast_is_at_least_4_5_to_1(pages, server, who, name, path):
    page = pages(who, DESKTOP)
    _visit(page, server, path)
    links = page.locator("main a:visible")
    if links.count():
        links.first.hover()  # a hovered row or link is read too
    assert page.evaluate(CONTRAST) == [], name


def test_the_login_page_fits_a_phone_and_reads_for_everyone(browser: Browser, server):  # noqa: F811
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/login")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth + 1")
    # The username field has autofocus; the skip link is still the first stop of the page.
    first = page.evaluate("""[...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
        .filter(e => e.tabIndex >= 0)[0].textContent.trim()""")
    assert first == "Skip to content"
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(CONTRAST) == []
    context.close()


# --- 3. the note search shows the matching words ----------------------------------------------

def test_the_note_search_shows_each_patients_matching_words_escaped(pages, server):
    page = pages(REFERRER, DESKTOP)
    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}&q=alert")
    row = page.locator("#candidates tbody tr", has=page.locator("a.patient-link",
                                                                has_text="P-XSS"))
    snippet = row.locator(".snippet")
    expect(snippet).to_be_visible()
    expect(snippet.locator("mark").first).to_have_text("alert")
    assert snippet.locator("script, img, a").count() == 0  # the note's markup is text
    expect(snippet).to_contain_text("<script>alert(1)</script>")
    # Every other row found by the search shows its own words, the hit marked.
    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}&q=tacrolimus&per_page=200")
    rows = page.locator("#candidates tbody tr")
    assert rows.count() >= 2
    for i in range(rows.count()):
        marks = rows.nth(i).locator(".snippet mark").all_inner_texts()
        assert marks and {m.lower() for m in marks} == {"tacrolimus"}
    with Store(server.db) as store:
        searched = store.db.execute(
            "SELECT count(*) FROM web_audit WHERE action = 'note_search'").fetchone()[0]
    assert searched >= 2


# --- 4. times in the site's zone --------------------------------------------------------------

def _local(utc_iso: str) -> str:
    moment = dt.datetime.fromisoformat(utc_iso)
    return moment.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M")


def test_times_show_in_the_sites_zone_with_its_name(pages, server):
    page = pages(REFERRER, DESKTOP)
    patient = f"/trials/{TRIAL}/patients/P-002"
    page.goto(f"{server.url}{patient}?as_of={AS_OF}")
    _mark(page, "contacted")
    expect(page.locator("#referral-status")).to_have_text("Contacted")
    with Store(server.db) as store:
        at = store.db.execute("SELECT at FROM web_referral_history WHERE patient_id = 'P-002' "
                              "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert at.endswith("+00:00")  # stored in UTC
    expect(page.locator("#referral")).to_contain_text(f"{_local(at)} IST")
    page.locator("#referral details summary").click()
    expect(page.locator("#referral .history li").first).to_contain_text(f"{_local(at)} IST")

    page.goto(f"{server.url}{patient}/print?as_of={AS_OF}")
    printed = page.locator("#printed-by").inner_text()
    now = dt.datetime.now(ZoneInfo(ZONE))
    assert re.search(r"on \d{4}-\d\d-\d\d \d\d:\d\d IST", printed), printed
    stamp = dt.datetime.strptime(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", printed)[0],
                                 "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(ZONE))
    assert abs((now - stamp).total_seconds()) < 180

    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}")
    expect(page.locator(".status-line")).to_contain_text(re.compile(r"computed [\d-]+ [\d:]+ IST"))
    expect(page.locator(".status-line")).not_to_contain_text("UTC")

    admin = pages(ADMIN, DESKTOP)
    admin.goto(f"{server.url}/admin/audit")
    expect(admin.locator("table thead")).to_contain_text(ZONE)
    first = admin.locator("table tbody tr").first.locator("td").first.inner_text()
    with Store(server.db) as store:
        latest = store.db.execute("SELECT at FROM web_audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert first.startswith(_local(latest)), (first, latest)


# --- 5. the referral workflow -----------------------------------------------------------------

def _mark(page: Page, status: str, reason: str | None = None) -> None:
    """Choose a referral status (and type a reason) in the patient page's form, and save."""
    page.select_option("#referral-select", status)
    if reason is not None:
        page.fill("#referral-form textarea[name=reason]", reason)
    page.click("#referral-form button[type=submit]")


def test_a_jump_from_unmarked_to_enrolled_is_refused_and_the_form_keeps_the_choice(pages, server):
    page = pages(REFERRER, DESKTOP)
    patient = f"{server.url}/trials/{TRIAL}/patients/P-003?as_of={AS_OF}"
    page.goto(patient)
    expect(page.locator("#referral-status")).to_have_text("Not marked yet.")
    _mark(page, "enrolled", "consented at clinic")
    expect(page.locator("#referral .error")).to_contain_text("Enrolled")
    expect(page.locator("#referral .error")).to_contain_text("Screening")
    expect(page.locator("#referral-select")).to_have_value("enrolled")
    expect(page.locator("#referral-form textarea[name=reason]")).to_have_value(
        "consented at clinic")
    assert page.evaluate(CONTRAST) == []  # the error box is read too
    expect(page.locator("#referral-status")).to_have_text("Not marked yet.")
    with Store(server.db) as store:
        assert store.db.execute("SELECT count(*) FROM web_referrals WHERE patient_id = 'P-003'"
                                ).fetchone()[0] == 0
    # Through screening, the same choice is taken.
    _mark(page, "screening")
    expect(page.locator("#referral-status")).to_have_text("Screening")
    _mark(page, "enrolled")
    expect(page.locator("#referral-status")).to_have_text("Enrolled")
    # A reason still required for "not suitable": the error keeps that choice too.
    _mark(page, "not_suitable")
    expect(page.locator("#referral .error")).to_contain_text("Say why")
    expect(page.locator("#referral-select")).to_have_value("not_suitable")
    expect(page.locator("#referral-status")).to_have_text("Enrolled")
    # The marks as the list shows them (chips of every status marked in this module).
    _visit(page, server, f"/trials/{TRIAL}?as_of={AS_OF}&referral=enrolled")
    expect(page.locator("#candidates .ref.enrolled")).to_have_count(1)
    assert page.evaluate(CONTRAST) == []
