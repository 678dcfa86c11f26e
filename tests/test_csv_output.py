"""Every CSV the project writes goes through one writer (matcher.store.csvout), which neutralises
a cell a spreadsheet would run as a formula: `matcher match --format csv`, the nightly
report's YYYY-MM-DD.csv and the web app's Export CSV, each checked through its real path
(a CLI process, a nightly run, an HTTP request)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from matcher.model import Note
from matcher.store import Store
from tests.conftest import REPO
from tests.test_web_support import ADMIN, login

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MATCHER = [sys.executable, "-m", "matcher.cli"]
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
AS_OF = "2026-11-20"
# What Excel, LibreOffice and Google Sheets read as the start of a formula (OWASP "CSV
# injection"): "=1+1" in a patient id must reach the spreadsheet as text.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# An export's ids are stripped of surrounding white space on ingest: tab and CR can only
# lead an id that reached the database another way.
INGESTIBLE_LEADS = ("=", "+", "-", "@")
PLAIN = "P-plain"


def formula_ids(leads: tuple[str, ...]) -> list[str]:
    return [f"{lead}HYPERLINK(1)" for lead in leads]


def neutralised(ids: list[str]) -> set[str]:
    return {"'" + pid for pid in ids} | {PLAIN}


def csv_column(data: bytes, column: str) -> list[str]:
    """A column of CSV bytes as written (no newline translation: a CR in a cell stays)."""
    return [row[column] for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))]


def store_patients(db: Path, ids: list[str]) -> None:
    with Store(db) as store:
        for number, pid in enumerate([*ids, PLAIN]):
            store.put_note(Note(patient_id=pid, note_id=f"N{number}",
                                note_date=dt.date(2026, 10, 1), text="Seen in clinic."))


@pytest.mark.parametrize("lead", FORMULA_LEADS, ids=repr)
def test_a_text_cell_starting_like_a_formula_gets_a_leading_quote(lead: str):
    from matcher.store.csvout import csv_text, safe_cell

    assert safe_cell(f"{lead}SUM(A1)") == f"'{lead}SUM(A1)"
    rows = list(csv.reader(io.StringIO(csv_text(["id"], [[f"{lead}SUM(A1)"]]), newline="")))
    assert rows == [["id"], [f"'{lead}SUM(A1)"]]


def test_numbers_and_other_text_are_written_as_they_are():
    """A negative number is a number, not a formula: only text is quoted (the web export's
    rule since it first neutralised cells). Text that merely looks like one is quoted."""
    from matcher.store.csvout import csv_text, safe_cell

    assert safe_cell(-0.5) == -0.5 and safe_cell(3) == 3 and safe_cell(None) is None
    assert safe_cell("P-001") == "P-001" and safe_cell("") == ""
    assert safe_cell("-0.5") == "'-0.5"
    assert csv_text(["rank", "score"], [[1, -0.5]]) == "rank,score\r\n1,-0.5\r\n"


def test_match_csv_neutralises_formula_cells(tmp_path: Path):
    db = tmp_path / "matcher.db"
    ids = formula_ids(FORMULA_LEADS)
    store_patients(db, ids)
    result = subprocess.run(
        [*MATCHER, "match", str(TRIAL), "--db", str(db), "--as-of", AS_OF, "--format", "csv",
         "--no-model"], capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert set(csv_column(result.stdout, "patient_id")) == neutralised(ids)


def test_the_nightly_report_csv_neutralises_formula_cells(tmp_path: Path):
    ids = formula_ids(INGESTIBLE_LEADS)
    export = tmp_path / "notes.jsonl"
    export.write_text("".join(
        json.dumps({"patient_id": pid, "note_id": f"N{n}", "note_date": "2026-10-01",
                    "birth_date": "2014-01-01", "text": "Lupus nephritis on renal biopsy."})
        + "\n" for n, pid in enumerate([*ids, PLAIN])))
    trials = tmp_path / "trials"
    trials.mkdir()
    shutil.copy(TRIAL, trials)
    report = tmp_path / "reports"
    result = subprocess.run(
        [*MATCHER, "nightly", "--source", str(export), "--trials", str(trials), "--db",
         str(tmp_path / "matcher.db"), "--as-of", AS_OF, "--report", str(report),
         "--workers", "1", "--quiet", "--all-trials"], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    written = (report / f"{AS_OF}.csv").read_bytes()
    assert set(csv_column(written, "patient_id")) == neutralised(ids)


def test_the_web_export_neutralises_formula_cells(tmp_path: Path):
    from matcher.store.web_tables import ensure_schema
    from matcher.tools.web.demo import import_trial_file
    from matcher.web.app import create_app
    from matcher.web.security import add_user

    db = tmp_path / "web.db"
    ids = formula_ids(FORMULA_LEADS)
    store_patients(db, ids)
    with Store(db) as store:
        ensure_schema(store.db)
        import_trial_file(store, TRIAL)
        add_user(store.db, *ADMIN, "admin")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with TestClient(create_app(db, warm=False, ranking_wait=120,
                                    allowed_hosts=["testserver"])) as client:
            assert login(client, *ADMIN).status_code == 303
            response = client.get(f"/trials/NCT06904729/export.csv?as_of={AS_OF}")
    assert response.status_code == 200
    assert set(csv_column(response.content, "patient_id")) == neutralised(ids)
