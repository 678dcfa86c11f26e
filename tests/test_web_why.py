"""The pages' meaning (issue 16, part 2) over HTTP: outcomes instead of statuses (an
exclusion whose condition is absent passes, on DEV-LN-2), the why column and its filter,
the pinned summary, the screening to-do list, outcomes in every loaded trial,
previous/next, and the printable referral summary, which is audited.

The same in real Chromium: tests/test_web_why_browser.py.
"""

from __future__ import annotations

import re
import warnings
from html import unescape
from pathlib import Path

import pytest

from matcher.store import Store
from matcher.tools.web import demo
from matcher.web import stored as stored_module
from tests.conftest import SHARED
from tests.test_web_support import (
    ADMIN,
    AS_OF,
    REFERRER,
    TRIAL,
    app_clients,
    build_template,
    copy_db,
    login,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.filterwarnings(
    "ignore::starlette.exceptions.StarletteDeprecationWarning"
)
DEV = "DEV-LN-2"


def build_why_template(folder: Path) -> Path:
    """The web tests' database, with DEV-LN-2 (a trial with exclusions) when ../shared is
    beside the repository."""
    path = build_template(folder)
    dev = SHARED / "registry" / f"{DEV}.txt"
    if dev.exists():
        with Store(path) as store:
            demo.import_trial_file(store, dev)
    return path


@pytest.fixture(scope="module")
def why_template(tmp_path_factory) -> Path:
    return build_why_template(tmp_path_factory.mktemp("why-template"))


@pytest.fixture
def why_db(why_template: Path, tmp_path: Path) -> Path:
    return copy_db(why_template, tmp_path / "why.db")


@pytest.fixture
def referrer(why_db: Path):
    with app_clients(why_db, warm=False, ranking_wait=120) as make:
        client = make()
        assert login(client, *REFERRER).status_code == 303
        yield client


def _rows(html: str) -> list[str]:
    return re.findall(r'class="patient-link" href="[^"]*">([^<]+)</a>', html)


def _row_chips(html: str) -> dict[str, list[str]]:
    """patient id -> the kinds of its why chips, in the candidates table."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        found = re.search(r'class="patient-link" href="[^"]*">([^<]+)</a>', row)
        if found:
            out[found[1]] = re.findall(r'data-kind="([^"]+)"', row)
    return out


def test_an_exclusion_whose_condition_is_absent_passes_on_the_pages(referrer: TestClient):
    if not (SHARED / "registry" / f"{DEV}.txt").exists():
        pytest.skip("../shared/registry/DEV-LN-2.txt is not beside the repository")
    page = referrer.get(f"/trials/{DEV}/patients/P-001?as_of={AS_OF}").text
    assert 'id="patient-status">eligible' in page
    for cid in ("exc-1", "exc-2", "exc-3"):
        row = re.search(rf'<tr class="v-(\w+)" id="crit-{cid}">(.*?)</tr>', page, re.S)
        assert row[1] == "pass", cid
        assert "passes" in row[2] and "condition absent" in row[2]
    assert "✘ 0 fail" in page and "not met" not in page
    listing = referrer.get(f"/trials/{DEV}?as_of={AS_OF}&status=eligible").text
    assert 'class="num c-fail">0<' in listing and "Not met" not in listing


def test_the_why_column_says_why_and_filters_by_kind(referrer: TestClient):
    everyone = _row_chips(referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200").text)
    assert any("fails" in kinds for kinds in everyone.values())
    page = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&per_page=200&why=stale").text
    stale = _row_chips(page)
    assert stale and all("stale" in kinds for kinds in stale.values())
    assert set(stale) == {p for p, kinds in everyone.items() if "stale" in kinds}
    assert 'option value="stale" selected' in page
    assert "P-002" in everyone and "CD19+ B cells absent" in unescape(
        referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&why=fails&per_page=200").text)
    bad = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&why=everything")
    assert bad.status_code == 400 and "why" in bad.text


def test_the_patient_page_pins_the_failures_then_the_checklist(referrer: TestClient):
    page = unescape(referrer.get(f"/trials/{TRIAL}/patients/P-002?as_of={AS_OF}").text)
    pinned = page.index("Ineligible because:")
    assert pinned < page.index('id="checklist"')
    fails = page[pinned:page.index("</ul>", pinned)]
    assert "CD19+ B cells absent" in fails and "ALC 0.9 x10^9/L" in fails
    assert 'id="todo"' not in page  # nothing to order settles a failure


def test_a_possible_patient_has_what_to_confirm_and_a_ranked_to_do_list(referrer: TestClient):
    page = unescape(referrer.get(f"/trials/{TRIAL}/patients/P-004?as_of={AS_OF}").text)
    assert page.index("To confirm before referral:") < page.index('id="checklist"')
    todo = re.findall(r"<li data-criteria=[^>]*>(.*?)</li>", page, re.S)
    first = re.sub(r"<[^>]+>", "", todo[0])
    assert first.startswith("last ALC 1.5 x10^9/L, WBC 4.4 x10^9/L, ANC 2.1 x10^9/L, "
                            "Hb 119 g/L on 1 Mar, 264 days ago: repeat FBC")
    assert "settles 4 criteria" in first
    assert "last seen: 1.5 x10^9/L on 2026-03-01" in page  # the stale value, in the checklist


def test_the_patient_page_lists_every_loaded_trial_and_its_neighbours(referrer: TestClient):
    listing = referrer.get(f"/trials/{TRIAL}?as_of={AS_OF}&status=ineligible&per_page=200")
    ids = _rows(listing.text)
    page = referrer.get(f"/trials/{TRIAL}/patients/{ids[1]}?as_of={AS_OF}&status=ineligible")
    html = unescape(page.text)
    previous = re.search(r'id="prev-patient" href="([^"]+)"', html)[1]
    following = re.search(r'id="next-patient" href="([^"]+)"', html)[1]
    assert f"/patients/{ids[0]}?" in previous and "status=ineligible" in previous
    assert f"/patients/{ids[2]}?" in following
    assert f"2 of {len(ids)} in the list" in html
    others = html[html.index('id="other-trials"'):]
    assert f'id="other-{TRIAL}" class="this-trial"' in others
    assert re.search(r'href="/trials/NCT00000042/patients/[^"]+"', others)


@pytest.mark.parametrize("sort", ["rank", "patient", "status", "score", "p", "unknown", "age",
                                  "referral"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_previous_and_next_follow_the_list_in_every_sort(referrer: TestClient, sort: str,
                                                         direction: str):
    """The patient page's neighbours are read from the patient's own sort key (counted and
    looked up in SQLite, not by listing every id): they must be the list's, whatever the
    sort, its direction and the ties the sort breaks on rank."""
    query = f"as_of={AS_OF}&sort={sort}&dir={direction}"
    ids = _rows(referrer.get(f"/trials/{TRIAL}?{query}&per_page=200").text)
    assert len(ids) > 3
    for i in sorted({0, 1, len(ids) // 2, len(ids) - 1}):
        html = unescape(referrer.get(f"/trials/{TRIAL}/patients/{ids[i]}?{query}").text)
        previous = re.search(r'id="prev-patient" href="/trials/[^/]+/patients/([^?"]+)', html)
        following = re.search(r'id="next-patient" href="/trials/[^/]+/patients/([^?"]+)', html)
        assert (previous[1] if previous else None) == (ids[i - 1] if i > 0 else None)
        assert (following[1] if following else None) == (ids[i + 1] if i + 1 < len(ids)
                                                          else None)
        assert f"{i + 1} of {len(ids)} in the list" in html


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_a_position_read_from_the_rank_holds_only_while_the_ranks_have_no_gap(
        referrer: TestClient, direction: str):
    """In rank order with no filter the patient's place is read from its rank; once a row
    is gone (a site's own SQL), ranks skip a number and the place is counted again."""
    query = f"as_of={AS_OF}&sort=rank&dir={direction}"
    referrer.get(f"/trials/{TRIAL}?{query}")  # the ranking stored
    engine = referrer.app.state.web.engine
    assert engine.db.execute("DELETE FROM results WHERE trial_id = ? AND rank = 2",
                             [TRIAL]).rowcount
    engine.db.conn.commit()
    engine.stored._counts.clear()  # the list's count remembered before the row went
    ids = _rows(referrer.get(f"/trials/{TRIAL}?{query}&per_page=200").text)
    assert len(ids) > 4
    for i in (0, 1, len(ids) - 1):
        html = unescape(referrer.get(f"/trials/{TRIAL}/patients/{ids[i]}?{query}").text)
        assert f"{i + 1} of {len(ids)} in the list" in html


@pytest.mark.parametrize("sort", sorted(stored_module._ORDER))
@pytest.mark.parametrize("desc", [False, True])
def test_the_rows_before_a_patient_are_those_its_sort_puts_before_it(sort: str, desc: bool):
    """stored._precedes against SQLite's own ORDER BY, on rows with ties in every term but
    the last and with missing ages (the age sort's "r.age IS NULL" term must be bracketed
    in a comparison, or it reads as "r.age IS (NULL = ?)")."""
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE results (patient_id TEXT, rank INTEGER, status TEXT, score REAL, "
               "p_eligible REAL, met INT, not_met INT, unknown INT, manual INT, age REAL)")
    db.execute("CREATE TABLE web_referrals (trial_id TEXT, patient_id TEXT, status TEXT)")
    rows = [(f"P{i:02d}", i, ("eligible", "possible", "ineligible")[i % 3], float(i % 4),
             None if i % 5 == 0 else (i % 3) / 4, i % 2, i % 3, i % 4, 0,
             None if i % 4 == 0 else float(8 + i % 3)) for i in range(1, 25)]
    db.executemany("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    terms = [(term, desc != flip) for term, flip in stored_module._ORDER[sort]]
    order = ", ".join(f"{t} {'DESC' if d else 'ASC'}" for t, d in terms)
    join = ("LEFT JOIN web_referrals w ON w.trial_id = 'T' AND w.patient_id = r.patient_id"
            if sort == "referral" else "")
    listed = [r[0] for r in db.execute(f"SELECT r.patient_id FROM results r {join} "
                                       f"ORDER BY {order}")]
    for position, patient in enumerate(listed):
        key = db.execute(f"SELECT {', '.join(t for t, _ in terms)} FROM results r {join} "
                         "WHERE r.patient_id = ?", [patient]).fetchone()
        if any(v is None for v in key):
            continue  # the page lists such a patient's neighbours (_neighbours_by_listing)
        before, params = stored_module._precedes(terms, key, earlier=True)
        after, after_params = stored_module._precedes(terms, key, earlier=False)
        assert [r[0] for r in db.execute(f"SELECT r.patient_id FROM results r {join} "
                                         f"WHERE {before} ORDER BY {order}", params)] \
            == listed[:position]
        assert [r[0] for r in db.execute(f"SELECT r.patient_id FROM results r {join} "
                                         f"WHERE {after} ORDER BY {order}", after_params)] \
            == listed[position + 1:]


def test_the_printed_summary_has_everything_and_is_audited(referrer: TestClient, why_db: Path):
    page = referrer.get(f"/trials/{TRIAL}/patients/P-004/print?as_of={AS_OF}")
    assert page.status_code == 200
    html = unescape(page.text)
    for part in ("Referral summary", TRIAL, 'id="print-status">possible', "repeat FBC",
                 "To confirm before referral", f"Printed by {REFERRER[0]} on ", "“"):
        assert part in html, part
    assert html.count('<tr class="v-') == 21  # every criterion, with its outcome
    with Store(why_db) as store:
        audit = list(store.db.query(
            "SELECT username, action, trial_id, patient_id FROM web_audit "
            "WHERE action = 'print_summary'"))
    assert audit == [{"username": REFERRER[0], "action": "print_summary", "trial_id": TRIAL,
                      "patient_id": "P-004"}]


def test_the_why_filter_reaches_the_csv_export(referrer: TestClient):
    export = referrer.get(f"/trials/{TRIAL}/export.csv?as_of={AS_OF}&why=missing").text
    lines = export.splitlines()
    assert len(lines) > 1 and all("missing: " in line for line in lines[1:])


def test_admin_sees_the_same_pages(why_db: Path):
    with app_clients(why_db, warm=False, ranking_wait=120) as make:
        client = make()
        assert login(client, *ADMIN).status_code == 303
        assert "Ineligible because:" in client.get(
            f"/trials/{TRIAL}/patients/P-002?as_of={AS_OF}").text


def test_the_patient_api_gives_the_why_chips_and_the_to_do_list(referrer: TestClient):
    body = referrer.get(f"/api/trials/{TRIAL}/patients/P-004?as_of={AS_OF}").json()
    assert {"kind": "stale", "criterion_id": "inc-9", "text": "6 labs stale since 1 Mar"} \
        in body["why"]
    first = body["todo"][0]
    assert first["action"] == "repeat FBC"
    assert first["criterion_ids"] == ["inc-9", "inc-10", "inc-11", "inc-12"]
    assert first["last_seen"].startswith("last ALC 1.5 x10^9/L")
    assert [c["outcome"] for c in body["patient"]["criteria"]][:1] == ["pass"]
