"""Long notes (issue 11, item 2): a note of any length up to MAX_NOTE_CHARS is parsed to its
end, in pieces that never exceed what spaCy takes, with offsets into the whole note; a note
over the limit is a reject naming its id and length; a note the parser fails on is said so
by `matcher ingest`, in the nightly report and in the web app.

Pieces are forced in most tests by lowering the pipeline's `max_length` (a piece is never
longer than it), so that a 20,000-character note exercises what a 2-megabyte discharge
summary does; one test parses a 1.2-million-character note with the saved pipeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher import api
from matcher.errors import InputRowError
from matcher.jobs.nightly import run_nightly
from matcher.model import MAX_NOTE_CHARS, Finding, Note
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.store import Store
from tests.conftest import REPO

with warnings.catch_warnings():  # "use httpx2": the TestClient still works with httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

MATCHER = [sys.executable, "-m", "matcher.cli"]
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
NOTE_DATE = dt.date(2026, 11, 6)
AS_OF = dt.date(2026, 11, 20)
MARKER = "ZEBRA-PHI-4417"  # planted in note text: must never reach an output

# One paragraph of a long letter: it opens with a section heading, so every copy of it
# reads the same whatever precedes it.
PARAGRAPH = (
    "History: clinic review 13/03/2026.\n"
    "Renal biopsy (Feb 10, 2024): lupus nephritis class IV-G (A).\n"
    "Bloods: creatinine 61 umol/L, ALT 32 U/L (ref 5-35) on 02/03/2026.\n"
    "Medications: continue mycophenolate mofetil 1 g bd since 01/08/2025; "
    "no history of hepatitis B.\n"
    "Family history: mother with SLE."
)

# Padding that reads like the days of a long admission and holds no finding and no date
# (a piece must not learn the note's date convention from its own padding).
WARD_DAYS = (
    "Ward round (consultant present). Comfortable overnight, afebrile, eating "
    "and drinking well. Mobilising with the physiotherapist along the corridor. Mother at "
    "the bedside, questions answered. Continue current management and review tomorrow.",
    "Nursing evening summary: observations within normal limits throughout the shift. "
    "Slept well after the evening meal. Play specialist visited in the afternoon; school "
    "work done on the ward. No concerns raised by the family tonight.",
    "Dietitian review: appetite good, weight stable since admission. Encouraged to keep "
    "up fluids and to choose from the ward menu. Will see again later this week.",
)

# What ends a long discharge summary: a report heading, a class, a dated block of bloods.
TAIL = (
    "RENAL BIOPSY REPORT\n"
    "Diagnosis: diffuse proliferative lupus nephritis, ISN/RPS class IV-G (A/C).\n\n"
    "Bloods 04/11/2026:\n"
    "Creatinine 61 umol/L\n"
    "ALT 32 U/L (ref 5-35)"
)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def in_pieces(parser: NoteParser, text: str, piece: int) -> list[Finding]:
    """Parse with a pipeline that takes at most `piece` characters at a time."""
    saved = parser.nlp.max_length
    parser.nlp.max_length = piece
    try:
        return parser.parse(text, "n", NOTE_DATE)
    finally:
        parser.nlp.max_length = saved


def whole(parser: NoteParser, text: str) -> list[Finding]:
    saved = parser.nlp.max_length
    parser.nlp.max_length = len(text) + 1
    try:
        return parser.parse(text, "n", NOTE_DATE)
    finally:
        parser.nlp.max_length = saved


def as_json(findings: list[Finding]) -> list[dict]:
    return sorted((f.to_json() for f in findings), key=lambda f: (f["start"], f["concept"]))


def padding(chars: int) -> str:
    """Ward-round paragraphs, blank lines between, at least `chars` characters long."""
    parts, size, day = [], 0, 0
    while size < chars:
        part = WARD_DAYS[day % len(WARD_DAYS)]
        parts.append(part)
        size += len(part) + 2
        day += 1
    return "\n\n".join(parts)


# --- parsing in pieces -------------------------------------------------------------------


def test_a_pipeline_that_takes_3000_characters_reads_40_copies_of_a_paragraph_to_the_end(
        parser: NoteParser):
    one = parser.parse(PARAGRAPH, "n", NOTE_DATE)
    copies = 40
    note = "\n\n".join([PARAGRAPH] * copies)
    assert len(note) > 3 * 3000

    got = in_pieces(parser, note, 3000)

    assert len(got) == copies * len(one)
    stride = len(PARAGRAPH) + 2
    for finding in got:
        assert note[finding.start:finding.end] == finding.text
    by_copy: dict[int, list[Finding]] = {}
    for finding in got:
        by_copy.setdefault(finding.start // stride, []).append(finding)
    assert sorted(by_copy) == list(range(copies))
    for k, found in by_copy.items():
        back = [dataclasses.replace(f, start=f.start - k * stride, end=f.end - k * stride)
                for f in found]
        assert as_json(back) == as_json(one), f"copy {k}"


def examples_note() -> str:
    """Every bundled example note, one after the other, as one long letter."""
    rows = [json.loads(line) for line in (REPO / "examples" / "notes.jsonl").open()]
    return "\n\n".join(r["text"] for r in rows) + "\n\n" + padding(4000) + "\n\n" + TAIL


@pytest.mark.parametrize("piece", [800, 1500, 3000])
def test_a_note_read_in_pieces_gives_the_findings_of_the_whole_note(parser: NoteParser,
                                                                    piece: int):
    note = examples_note()
    assert len(note) > 2 * piece
    expected = whole(parser, note)
    assert expected
    assert as_json(in_pieces(parser, note, piece)) == as_json(expected)


# (what the note says early, what it says after a paragraph break far below, the finding
#  read from the later text, and what it must show of the earlier context)
CONTEXT_ACROSS_PIECES = [
    pytest.param(
        "Plan:\nRepeat bloods in two weeks.",
        "Rituximab 1 g.",
        "drug.rituximab",
        lambda f: f.assertion == "hypothetical",
        id="the-open-section-goes-on",
    ),
    pytest.param(
        # Issue 15 (9): a family history ends with its paragraph, in a piece as in the note.
        "Family history:\nMaternal aunt with rheumatoid arthritis.",
        "Systemic lupus erythematosus in her twenties.",
        "dx.sle",
        lambda f: f.assertion != "family",
        id="a-family-history-ends-with-its-paragraph",
    ),
    pytest.param(
        "Seen 13/03/2026 in clinic.",
        "Creatinine 61 umol/L on 04/05/2026.",
        "lab.creatinine",
        lambda f: (f.date, f.date_source) == (dt.date(2026, 5, 4), "text"),
        id="the-note's-day-first-dates",
    ),
    pytest.param(
        "RENAL BIOPSY REPORT\nSpecimen: kidney, needle core.",
        "Lupus nephritis ISN/RPS class IV-G (A).",
        "biopsy.kidney",
        lambda f: "undated" not in f.attrs and f.date == NOTE_DATE,
        id="a-report-heading-dates-the-class",
    ),
]


@pytest.mark.parametrize(("early", "late", "concept", "shows"), CONTEXT_ACROSS_PIECES)
def test_what_a_note_says_early_still_applies_in_a_later_piece(parser: NoteParser, early: str,
                                                               late: str, concept: str, shows):
    note = early + "\n\n" + padding(6000) + "\n\n" + late
    got = [f for f in in_pieces(parser, note, 2000) if f.concept == concept]
    assert got and all(shows(f) for f in got), [f.to_json() for f in got]
    assert as_json(got) == as_json([f for f in whole(parser, note) if f.concept == concept])


@pytest.mark.parametrize("separator", ["\n", " ", ""])
def test_a_note_without_paragraph_breaks_is_still_read_to_the_end(parser: NoteParser,
                                                                 separator: str):
    """Pieces fall back to a line end, then a space, then a hard cut: nothing is lost and
    every offset points into the whole note."""
    filler = "x" * 50 if separator == "" else "Observations stable, comfortable overnight."
    note = separator.join([filler] * 200) + "\nALT 32 U/L (ref 5-35)"
    got = in_pieces(parser, note, 1500)
    alt = [f for f in got if f.concept == "lab.alt"]
    assert [(note[f.start:f.end], f.value) for f in alt] == [("ALT 32 U/L (ref 5-35)", 32.0)]


def test_a_short_note_is_parsed_as_one_doc_exactly_as_before(parser: NoteParser):
    """Below the piece size nothing changes: the findings are those of the pipeline run on
    the whole text (what NoteParser did before long notes were cut)."""
    from matcher.nlp.components import remember_text
    from matcher.nlp.delimited import as_table_rows
    from matcher.nlp.spoken import spoken_as_written

    rows = [json.loads(line) for line in (REPO / "examples" / "notes.jsonl").open()]
    # A note NoteParser reads from a rewritten text (CSV rows as table rows, numbers said
    # as words: "two doses" as "2 doses") is not the pipeline run on the text as written;
    # those readings have tests of their own (test_nlp_spoken_numbers, the hold-outs).
    rows = [r for r in rows
            if spoken_as_written(as_table_rows(r["text"]), parser._spelled) == r["text"]]
    assert len(rows) >= 10
    for r in rows:
        date = dt.date.fromisoformat(r["note_date"])
        doc = parser.nlp.make_doc(r["text"])
        remember_text(doc, r["text"])
        doc._.note_id, doc._.note_date, doc._.note_type = r["note_id"], date, r["note_type"]
        expected = list(parser.nlp(doc)._.findings)
        got = parser.parse(r["text"], r["note_id"], date, r["note_type"])
        assert [f.to_json() for f in got] == [f.to_json() for f in expected]


def test_the_parser_refuses_a_note_over_the_hard_limit_naming_the_note_not_its_text(
        parser: NoteParser):
    text = MARKER + " " + "a" * MAX_NOTE_CHARS
    with pytest.raises(InputRowError) as caught:
        parser.parse(text, "BIG-1", NOTE_DATE)
    message = str(caught.value)
    assert "BIG-1" in message and f"{len(text):,}" in message and f"{MAX_NOTE_CHARS:,}" in message
    assert MARKER not in message


# --- through the library and the CLI, real size ------------------------------------------


def long_note_row(note_id: str = "LONG-1-a", patient_id: str = "LONG-1") -> dict:
    text = f"Admitted 13/10/2026. {MARKER}\n\n" + padding(1_200_000) + "\n\n" + TAIL
    assert len(text) > 1_200_000
    return {"patient_id": patient_id, "note_id": note_id, "note_date": NOTE_DATE.isoformat(),
            "note_type": "discharge summary", "text": text, "birth_date": "2012-05-19",
            "sex": "F"}


GOOD = {"patient_id": "P-1", "note_id": "P-1-a", "note_date": "2026-11-01",
        "text": "Creatinine 61 umol/L. ALT 32 U/L (ref 5-35)."}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_end_of_a_note_of_1_2_million_characters_is_stored_and_explained(tmp_path: Path):
    row = long_note_row()
    source = write_jsonl(tmp_path / "notes.jsonl", [row])
    with Store(tmp_path / "m.db") as store:
        report = api.ingest([source], store)
        assert (report.parsed, report.parse_failed, report.rejected) == (1, [], 0)
        findings = store.findings_for_patient("LONG-1")
        result = api.explain(api.load_trial(TRIAL), store, "LONG-1", AS_OF)

    text = row["text"]
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
    tail_start = text.index(TAIL)
    tail = {f.concept: f for f in findings if f.start >= tail_start}
    assert tail["biopsy.kidney"].value == "IV" and tail["biopsy.kidney"].date == NOTE_DATE
    # 04/11/2026 is day first: "Admitted 13/10/2026" decided it a megabyte earlier.
    assert (tail["lab.alt"].value, tail["lab.alt"].date) == (32.0, dt.date(2026, 11, 4))
    by_key = {r.criterion.key: r for r in result.results}
    biopsy = by_key["biopsy"]
    assert str(biopsy.status) == "met"
    assert [(e.note_id, text[e.start:e.end]) for e in biopsy.evidence] == [
        ("LONG-1-a", tail["biopsy.kidney"].text)]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*MATCHER, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def over_limit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export of a good note and a note one character over the hard limit."""
    folder = tmp_path_factory.mktemp("over-limit")
    big = {"patient_id": "BIG", "note_id": "BIG-1", "note_date": "2026-11-01",
           "text": MARKER + "a" * (MAX_NOTE_CHARS + 1 - len(MARKER))}
    return write_jsonl(folder / "notes.jsonl", [GOOD, big])


def too_long_reason() -> str:
    return (f"note 'BIG-1': field 'text' has {MAX_NOTE_CHARS + 1:,} characters, over the "
            f"limit of {MAX_NOTE_CHARS:,}")


def test_a_note_over_the_hard_limit_is_a_reject_of_matcher_ingest(over_limit: Path,
                                                                  tmp_path: Path):
    db = tmp_path / "m.db"
    done = run_cli("ingest", str(over_limit), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "2 rows" in done.stdout and "rejected 1 row(s)" in done.stdout
    assert f"rejected {over_limit}:2: {too_long_reason()}" in done.stderr
    assert MARKER not in done.stdout + done.stderr
    with Store(db) as store:
        assert [r["reason"] for r in store.rejects()] == [too_long_reason()]
        assert store.note("BIG-1") is None
        assert {f.concept for f in store.findings_for_patient("P-1")} == {
            "lab.creatinine", "lab.alt"}


def test_a_note_over_the_hard_limit_is_a_reject_of_the_nightly_report(over_limit: Path,
                                                                      tmp_path: Path):
    reports = tmp_path / "reports"
    report = run_nightly([over_limit], TRIAL, tmp_path / "m.db", AS_OF, reports,
                         progress="quiet", note_parser=api.parser(), all_trials=True)
    assert [(r.line, r.reason) for r in report.rejects] == [(2, too_long_reason())]
    markdown = (reports / f"{AS_OF}.md").read_text()
    assert f"| 2 | {too_long_reason()} |" in markdown
    data = json.loads((reports / f"{AS_OF}.json").read_text())
    assert [(r["line"], r["reason"]) for r in data["rejects"]] == [(2, too_long_reason())]
    for name in (f"{AS_OF}.md", f"{AS_OF}.json", f"{AS_OF}.csv"):
        assert MARKER not in (reports / name).read_text()


# --- a note the parser fails on ----------------------------------------------------------


def stored_over_limit_note(db: Path) -> None:
    """A note stored before the limit existed (put straight into the database): every
    parse of it fails."""
    with Store(db) as store:
        store.put_note(Note("OLD", "OLD-1", dt.date(2026, 1, 5), MARKER + "a" * MAX_NOTE_CHARS))


@pytest.fixture
def unparseable(tmp_path: Path) -> tuple[Path, Path]:
    """A database holding a note the parser fails on, and an export of one good note."""
    db = tmp_path / "m.db"
    stored_over_limit_note(db)
    return db, write_jsonl(tmp_path / "notes.jsonl", [GOOD])


def test_matcher_ingest_says_which_notes_the_parser_failed_on(unparseable: tuple[Path, Path]):
    db, good = unparseable
    done = run_cli("ingest", str(good), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "parsed 1 note(s)" in done.stdout
    assert "parser failed on 1 note(s)" in done.stdout
    assert "parser failed on note OLD-1" in done.stderr
    assert MARKER not in done.stdout + done.stderr


def test_the_nightly_report_lists_the_notes_the_parser_failed_on(
        unparseable: tuple[Path, Path], tmp_path: Path):
    db, good = unparseable
    reports = tmp_path / "reports"
    report = run_nightly([good], TRIAL, db, AS_OF, reports, progress="quiet",
                         note_parser=api.parser(), all_trials=True)
    assert (report.parsed, report.parse_failed) == (1, ["OLD-1"])
    assert "could not read (tried again next run): OLD-1" in (reports / f"{AS_OF}.md").read_text()
    assert json.loads((reports / f"{AS_OF}.json").read_text())["parse_failed"] == ["OLD-1"]


# --- the web app -------------------------------------------------------------------------


@pytest.fixture
def web(over_limit: Path, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    from matcher.store.web_tables import ensure_schema
    from matcher.web import security
    from matcher.web.app import create_app
    from tests.test_web_support import ADMIN, REFERRER, login

    db = tmp_path / "web.db"
    stored_over_limit_note(db)
    hostile = tmp_path / "<img src=x onerror=alert(1)>.jsonl"
    hostile.write_text('{"patient_id": "P-9", "note_id": "<script>x</script>"}\n')
    with Store(db) as store:
        ensure_schema(store.db)
        api.ingest([over_limit, hostile], store)
        security.add_user(store.db, *ADMIN, "admin")
        security.add_user(store.db, *REFERRER, "referrer")
    clients = []
    for user in (ADMIN, REFERRER):
        client = TestClient(create_app(db, warm=False, ranking_wait=120,
                                        allowed_hosts=["testserver"]))
        client.__enter__()
        assert login(client, *user).status_code == 303
        clients.append(client)
    yield clients[0], clients[1]
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.filterwarnings("ignore::starlette.exceptions.StarletteDeprecationWarning")
def test_admins_see_rejected_rows_and_unparsed_notes_on_the_trials_page(web, over_limit: Path):
    from markupsafe import escape

    admin, referrer = web
    page = admin.get("/trials")
    assert page.status_code == 200
    html = page.text
    assert 'id="input-problems"' in html
    assert "2 rejected row(s)" in html
    assert str(escape(too_long_reason())) in html
    assert str(escape(str(over_limit))) in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;.jsonl" in html
    assert "1 note(s) not parsed" in html and "OLD-1" in html
    assert MARKER not in html

    assert 'id="input-problems"' not in referrer.get("/trials").text
