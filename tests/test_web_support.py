"""Shared set-up for the web app's tests (no tests here): a fixture database built once
per session and copied per test, users, TestClients, a login helper and a clock the tests
move."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from matcher import api
from matcher.store import Store
from matcher.store.web_tables import ensure_schema
from matcher.tools.web import demo
from matcher.web.app import create_app
from matcher.web.security import add_user

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

AS_OF = "2026-11-20"
TRIAL = "NCT06904729"
XSS_TRIAL = "NCT00000042"
ADMIN = ("ada", "ada-password-123")
REFERRER = ("rui", "rui-password-123")
SYNTHETIC = 60

# A note a hostile or careless export could hold: markup, an event handler, a script URL.
XSS_NOTE = (
    'Clinic review. <script>alert(1)</script><img src=x onerror=alert(2)> '
    '<a href="javascript:alert(3)">link</a> javascript:alert(3)\n'
    "13-year-old with SLE and lupus nephritis class IV on renal biopsy 01/10/2026.\n"
    "SLEDAI-2K score = 12. Tacrolimus since 01/02/2026."
)
XSS_TITLE = '<script>alert("title")</script> Trial <img src=x onerror=alert(5)> NCT00000042'
XSS_TRIAL_TEXT = f"""{XSS_TITLE}

Inclusion Criteria:

* Age 5 years or older and no older than 18 years
* Diagnosis of systemic lupus erythematosus <script>alert(6)</script>
* SLEDAI-2K score > 6

Exclusion Criteria:

* Rituximab within 3 months before enrollment <img src=x onerror=alert(7)>
"""


def build_template(folder: Path) -> Path:
    """The examples, SYNTHETIC synthetic patients, the XSS note and trial, two users."""
    path = folder / "template.db"
    demo.build(path, synthetic=SYNTHETIC)
    notes = folder / "xss.jsonl"
    notes.write_text(
        json.dumps({"patient_id": "P-XSS", "note_id": "P-XSS-a", "note_date": "2026-11-01",
                    "note_type": "clinic", "text": XSS_NOTE, "birth_date": "2013-03-01",
                    "sex": "F"}) + "\n",
        encoding="utf-8",
    )
    trial_file = folder / "xss-trial.txt"
    trial_file.write_text(XSS_TRIAL_TEXT, encoding="utf-8")
    with Store(path) as store:
        ensure_schema(store.db)
        api.ingest([notes], store)
        demo.import_trial_file(store, trial_file)
        add_user(store.db, *ADMIN, "admin")
        add_user(store.db, *REFERRER, "referrer")
    return path


def copy_db(source: Path, target: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def login_token(html: str) -> str:
    return re.search(r'name="login_token" value="([^"]+)"', html).group(1)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, username: str, password: str, follow: bool = False):
    """Log in through the form (login token cookie and all); return the response."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "login_token": login_token(page.text),
              "next": "/trials"},
        follow_redirects=follow,
    )


class Clock:
    """A clock the tests move by hand (sessions, rate limits)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@contextmanager
def app_clients(db: Path, **defaults: Any) -> Iterator[Callable[..., TestClient]]:
    """`make(base_url=..., **options)`: a started TestClient on a new app of `db` (the options
    over `defaults`; the app serves the base URL's host name); every client made is closed
    at the end."""
    clients: list[TestClient] = []

    def make(base_url: str = "http://testserver", **options: Any) -> TestClient:
        options = {"allowed_hosts": [urlsplit(base_url).hostname], **defaults, **options}
        client = TestClient(create_app(db, **options), base_url=base_url)
        client.__enter__()
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.__exit__(None, None, None)
