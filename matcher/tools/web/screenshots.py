"""The README's screenshots of the web app, taken with Playwright and Debian's chromium
on the demonstration database (synthetic patients only).

    python -m matcher.tools.web.screenshots --out docs/
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from matcher.store import Store
from matcher.tools.web import demo
from matcher.tools.web.bench import Server
from matcher.web.app import create_app
from matcher.web.security import add_user
from matcher.web.service import Engine

AS_OF = "2026-11-20"
TRIAL = "NCT06904729"
USER = ("dr.lee", "screenshot-password")
ZONE = "Europe/London"  # the times on the pages are shown in a named zone


def take(out: Path, chromium: str = "/usr/bin/chromium") -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.db"
        demo.build(db, synthetic=400, followed=True)
        with Store(db) as store:
            add_user(store.db, *USER, "admin")
        engine = Engine(db)
        trial = engine.trial(TRIAL)
        ranking = engine.ranking(trial, dt.date.fromisoformat(AS_OF))
        marks = ["enrolled", "screening", "contacted", "contacted", "to_review", "not_suitable"]
        for row, status in zip(ranking.rows[1:], marks, strict=False):
            reason = "declined apheresis" if status == "not_suitable" else ""
            if status == "enrolled":  # enrolled only after screening, as the page allows
                engine.set_referral(TRIAL, row.patient_id, "screening", "", "dr.kim")
            engine.set_referral(TRIAL, row.patient_id, status, reason, "dr.kim")
        shots = []
        app = create_app(db, ranking_wait=120, time_zone=ZONE)
        with Server(app) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 980})
            page.goto(f"{server.url}/login")
            page.fill("input[name=username]", USER[0])
            page.fill("input[name=password]", USER[1])
            page.click("button:has-text('Log in')")
            page.wait_for_url(f"{server.url}/trials")
            # The possible patients: each row says why (what is missing, stale, to check).
            page.goto(f"{server.url}/trials/{TRIAL}?as_of={AS_OF}&per_page=25&status=possible")
            shots.append(out / "web-candidates.png")
            page.screenshot(path=str(shots[-1]))
            # A note search: each patient found with the matching words of its notes.
            page.goto(f"{server.url}/trials/{TRIAL}?as_of={AS_OF}&per_page=25&q=tacrolimus")
            shots.append(out / "web-search.png")
            page.screenshot(path=str(shots[-1]))
            shots.append(_phone_shot(browser, page, server.url, out))
            page.goto(f"{server.url}/trials/{TRIAL}/patients/P-001?as_of={AS_OF}")
            page.locator("a.evidence-link[href*='note=P-001-b']").first.click()
            page.wait_for_selector("mark#hl")
            page.evaluate("() => window.scrollTo(0, 0)")
            shots.append(out / "web-patient.png")
            page.screenshot(path=str(shots[-1]))
            # A possible patient: what to confirm, pinned, and the screening to-do list.
            page.goto(f"{server.url}/trials/{TRIAL}/patients/P-004?as_of={AS_OF}")
            shots.append(out / "web-patient-todo.png")
            page.screenshot(path=str(shots[-1]))
            page.goto(f"{server.url}/trials/{TRIAL}/patients/P-004/print?as_of={AS_OF}")
            page.emulate_media(media="print")
            shots.append(out / "web-print.png")
            page.screenshot(path=str(shots[-1]), full_page=False)
            page.emulate_media(media="screen")
            page.goto(f"{server.url}/trials/{TRIAL}/patients/P-DEMO?as_of={AS_OF}")
            shots.append(out / "web-timeline.png")
            page.locator(".timeline-card").screenshot(path=str(shots[-1]))
            shots += _review_shots(page, server.url, trial, out)
            browser.close()
    return shots


def _phone_shot(browser, page, base: str, out: Path) -> Path:
    """The candidates list on a 390 × 844 phone (the same login's cookies)."""
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  storage_state=page.context.storage_state())
    phone = context.new_page()
    phone.goto(f"{base}/trials/{TRIAL}?as_of={AS_OF}&per_page=25&status=possible")
    phone.wait_for_selector("#candidates")
    path = out / "web-mobile.png"
    # From the header down to the first rows: the filters wrap, the table scrolls in its box.
    bottom = phone.evaluate("() => document.querySelector('#candidates tbody tr:nth-child(4)')"
                            ".getBoundingClientRect().bottom + window.scrollY")
    phone.screenshot(path=str(path), full_page=True,
                     clip={"x": 0, "y": 0, "width": 390, "height": int(bottom) + 8})
    context.close()
    return path


def _review_shots(page, base: str, trial, out: Path) -> list[Path]:
    """The review page (two criteria approved, the rest still to review) and an edit of
    the first lab threshold with its what-if, before it is saved."""
    review = f"{base}/trials/{TRIAL}/review?as_of={AS_OF}"
    page.goto(review)
    for criterion in trial.criteria[:2]:
        page.locator(f"#c-{criterion.id} button.approve").click()
        page.wait_for_selector("#review-done")
    page.evaluate("() => window.scrollTo(0, 0)")
    shots = [out / "web-review.png"]
    page.screenshot(path=str(shots[-1]))
    lab = next(c for c in trial.criteria if c.kind == "lab" and "value" in c.params)
    page.goto(f"{base}/trials/{TRIAL}/review/{lab.id}/edit?as_of={AS_OF}")
    page.fill("#f-value", str(lab.params["value"] * 2))
    page.click("#preview")
    page.wait_for_selector("#whatif")
    shots.append(out / "web-review-whatif.png")
    page.screenshot(path=str(shots[-1]))
    return shots


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("docs"))
    args = ap.parse_args(argv)
    for path in take(args.out):
        print(path)


if __name__ == "__main__":
    main()
