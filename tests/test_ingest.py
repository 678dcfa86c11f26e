"""matcher.store.ingest: reading exports, rejecting bad rows, loading and parsing into a real DB."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from matcher.errors import ConfigurationError
from matcher.model import Finding, Note, Patient
from matcher.store import Store, ingest
from matcher.store.ingest import Reject, Row, ingest_files, read_patients, read_rows

SECRET = "Confidential narrative"  # note text that must never reach a reason


@pytest.fixture
def store(db_path: Path) -> Store:
    opened = Store(db_path)
    yield opened
    opened.close()


class FirstWord:
    """A trivial parse callback: one finding spanning the note's first word."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, n: Note) -> list[Finding]:
        self.calls.append(n.note_id)
        word = n.text.split()[0]
        start = n.text.index(word)
        return [Finding(concept="test.word", category="test", note_id=n.note_id, start=start,
                        end=start + len(word), text=word, date=n.note_date)]


def row(note_id: str, patient_id: str = "P1", text: str | None = None, **extra: object
        ) -> dict[str, object]:
    return {"patient_id": patient_id, "note_id": note_id, "note_date": "2026-03-01",
            "note_type": "clinic",
            "text": f"{SECRET} of {note_id}" if text is None else text, **extra}


def write_jsonl(path: Path, rows: list[dict[str, object] | bytes]) -> Path:
    lines = [r if isinstance(r, bytes) else json.dumps(r).encode() for r in rows]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_good_file_loads_and_reingesting_it_is_a_no_op(tmp_path: Path, store: Store) -> None:
    path = write_jsonl(tmp_path / "notes.jsonl", [row("N1"), row("N2"), row("N3", "P2")])
    parse = FirstWord()
    report = ingest_files(store, [path], parse=parse, pipeline_version="v1")
    assert (report.rows, report.new, report.parsed, report.rejected) == (3, 3, 3, 0)
    assert store.counts() == {"patients": 2, "notes": 3, "findings": 3, "rejects": 0}

    again = ingest_files(store, [path], parse=parse, pipeline_version="v1")
    assert (again.rows, again.new, again.unchanged, again.changed, again.parsed) == (
        3, 0, 3, 0, 0)
    assert store.counts() == {"patients": 2, "notes": 3, "findings": 3, "rejects": 0}
    assert sorted(parse.calls) == ["N1", "N2", "N3"]


def test_each_kind_of_bad_row_is_rejected_and_the_good_rows_load(tmp_path: Path,
                                                                 store: Store) -> None:
    path = write_jsonl(tmp_path / "mixed.jsonl", [
        row("N1"),                                                     # 1
        b'{"patient_id": "P1", "note_id": "N2", "text": ' + SECRET.encode(),  # 2 bad JSON
        {k: v for k, v in row("N3").items() if k != "note_date"},      # 3 missing field
        row("N4", note_date="2026-02-30"),                             # 4 not a real date
        json.dumps(row("N5")).encode().replace(b"narrative", b"narr\xffative"),  # 5 bytes
        row("N6", text=""),                                            # 6 empty text
        row("N7", text=" \n\t "),                                      # 7 whitespace only
        row("N1", text="Other content for the same id"),               # 8 duplicate id
        row("N1"),                                                     # 9 identical repeat
        b'["not", "an", "object"]',                                    # 10
        row("N11", birth_date="03/07/2014"),                           # 11 bad birth_date
        row("N12", "P2"),                                              # 12
    ])
    report = ingest_files(store, [path])
    got = {(r.line, r.reason) for r in report.rejects}
    expected_lines = {2, 3, 4, 5, 6, 7, 8, 10, 11}
    assert {line for line, _ in got} == expected_lines
    reasons = dict(got)
    assert reasons[2].startswith("invalid JSON")
    assert reasons[3] == "missing field 'note_date'"
    assert reasons[4] == (  # described, not echoed: a date may be PHI
        "field 'note_date' is not a real date (YYYY-MM-DD with the month or day out of range)")
    assert "UTF-8" in reasons[5] and "0xff" in reasons[5]
    assert reasons[6] == "field 'text' is empty"
    assert "whitespace" in reasons[7]
    assert "duplicate note_id 'N1'" in reasons[8] and "line 1" in reasons[8]
    assert "object" in reasons[10]
    assert reasons[11] == "field 'birth_date' is not a YYYY-MM-DD date (text of 10 characters)"
    assert not any(SECRET in reason for reason in reasons.values())

    stored = store.rejects()
    assert [(r["source_file"], r["line"]) for r in stored] == [
        (str(path), line) for line in sorted(expected_lines)]
    assert all(r["reason"] and r["raw"] and r["rejected_at"] for r in stored)
    assert "narr\ufffdative" in stored[3]["raw"]  # the raw row kept, decoded with replace
    assert (report.rejected, report.new, report.rows) == (9, 2, 11)  # the repeat is not a row
    assert sorted(n.note_id for p in ("P1", "P2") for n in store.notes_for_patient(p)) == [
        "N1", "N12"]
    assert store.note("N1").text == f"{SECRET} of N1"


def test_reject_repr_never_shows_the_raw_row() -> None:
    reject = Reject("f.jsonl", 3, "invalid JSON", raw=SECRET.encode())
    assert SECRET not in repr(reject)


def test_csv_with_multiline_quoted_text_keeps_physical_line_numbers(tmp_path: Path,
                                                                    store: Store) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        b"\xef\xbb\xbfpatient_id,note_id,note_date,note_type,text,birth_date,sex\r\n"  # 1
        b'P1,N1,2026-01-05,clinic,"Line one\r\n'                                       # 2
        b"line two, with a comma\r\n"                                                  # 3
        b'and ""quotes"" on three",2014-03-07,F\r\n'                                   # 4
        b"P1,N2,2026-13-01,lab,ALT 40,,\r\n"                                           # 5
        b"\r\n"                                                                        # 6
        b"P2,N3,2026-01-06,lab,\"Hb \xff 10\",,\r\n"                                   # 7
        b"P2,N4,2026-01-07,lab,Hb 10\r\n"                                              # 8
        b'P2,N5,2026-01-08,lab,"WBC 4.1\n'                                             # 9
        b'ANC 2.0",2001-01-01,M\r\n'                                                   # 10
    )
    rows = list(read_rows(path))
    assert [(type(r).__name__, r.line) for r in rows] == [
        ("Row", 2), ("Reject", 5), ("Reject", 7), ("Reject", 8), ("Row", 9)]
    first = rows[0]
    assert isinstance(first, Row)
    assert first.note.text == 'Line one\r\nline two, with a comma\r\nand "quotes" on three'
    assert first.patient == Patient("P1", dt.date(2014, 3, 7), "F")
    assert "field 'note_date' is not a real date" in rows[1].reason
    assert "UTF-8" in rows[2].reason
    assert "fields" in rows[3].reason

    report = ingest_files(store, [path])
    assert (report.new, report.rejected) == (2, 3)
    assert store.patient("P2") == Patient("P2", dt.date(2001, 1, 1), "M")
    assert [r["line"] for r in store.rejects()] == [5, 7, 8]


def test_demographics_merge_from_any_row(tmp_path: Path, store: Store) -> None:
    path = write_jsonl(tmp_path / "notes.jsonl", [
        row("N1"),
        row("N2", birth_date="2012-04-01"),
        row("N3", sex="F"),
        row("N4"),  # no demographics: erases nothing
        row("N5", "P2"),
    ])
    ingest_files(store, [path])
    assert store.patient("P1") == Patient("P1", dt.date(2012, 4, 1), "F")
    assert store.patient("P2") == Patient("P2")


def test_patients_file_fills_demographics(tmp_path: Path, store: Store) -> None:
    notes = write_jsonl(tmp_path / "notes.jsonl", [row("N1"), row("N2", "P2", sex="M")])
    patients = tmp_path / "patients.csv"
    patients.write_text("patient_id,birth_date,sex\nP1,2011-02-03,F\nP2,2011-02-30,M\n"
                        "P2,,\nP3,2000-01-01,M\n")
    assert [type(p).__name__ for p in read_patients(patients)] == [
        "Patient", "Reject", "Patient", "Patient"]
    report = ingest_files(store, [notes], patients_file=patients)
    assert report.patients == 3
    assert [(r.line, "field 'birth_date' is not a real date" in r.reason)
            for r in report.rejects] == [(3, True)]
    assert store.patient("P1") == Patient("P1", dt.date(2011, 2, 3), "F")
    assert store.patient("P2") == Patient("P2", None, "M")
    assert store.patient("P3") == Patient("P3", dt.date(2000, 1, 1), "M")


def test_parse_runs_once_per_new_note_and_again_after_a_version_change(tmp_path: Path,
                                                                      store: Store) -> None:
    path = write_jsonl(tmp_path / "notes.jsonl", [row("N1"), row("N2")])
    parse = FirstWord()
    ingest_files(store, [path], parse=parse, pipeline_version="v1")
    ingest_files(store, [path], parse=parse, pipeline_version="v1")
    assert sorted(parse.calls) == ["N1", "N2"]

    report = ingest_files(store, [path], parse=parse, pipeline_version="v2")
    assert report.parsed == 2 and sorted(parse.calls) == ["N1", "N1", "N2", "N2"]

    write_jsonl(path, [row("N1"), row("N2", text="Edited second note")])
    parse.calls.clear()
    report = ingest_files(store, [path], parse=parse, pipeline_version="v2")
    assert (report.changed, report.unchanged, parse.calls) == (1, 1, ["N2"])
    assert [f.text for f in store.findings_for_patient("P1")] == [SECRET.split()[0], "Edited"]


def test_a_crash_while_parsing_loses_only_the_open_batch(tmp_path: Path, store: Store,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "PARSE_BATCH", 2)
    path = write_jsonl(tmp_path / "notes.jsonl", [row(f"N{i}") for i in range(5)])
    parse = FirstWord()

    def crashing(n: Note) -> list[Finding]:
        if len(parse.calls) == 3:
            raise KeyboardInterrupt  # not an Exception: a real interruption, not a bad note
        return parse(n)

    with pytest.raises(KeyboardInterrupt):
        ingest_files(store, [path], parse=crashing, pipeline_version="v1")
    assert store.counts()["notes"] == 5
    assert store.counts()["findings"] == 2  # the first batch committed, the open one lost
    report = ingest_files(store, [path], parse=parse, pipeline_version="v1")
    assert report.parsed == 3 and store.counts()["findings"] == 5


def test_a_parser_error_on_one_note_does_not_stop_the_others(tmp_path: Path,
                                                            store: Store) -> None:
    path = write_jsonl(tmp_path / "notes.jsonl", [row("N1"), row("N2"), row("N3")])
    parse = FirstWord()

    def flaky(n: Note) -> list[Finding]:
        if n.note_id == "N2":
            raise ValueError(n.text)
        return parse(n)

    report = ingest_files(store, [path], parse=flaky, pipeline_version="v1")
    assert (report.parsed, report.parse_failed) == (2, ["N2"])
    assert [n.note_id for n in store.notes_to_parse("v1")] == ["N2"]  # retried next run


def test_a_note_id_of_another_patient_in_a_later_file_is_rejected(tmp_path: Path,
                                                                  store: Store) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [row("N1", "P1")])
    second = write_jsonl(tmp_path / "b.jsonl", [row("N1", "P2", sex="F"), row("N2", "P2")])
    report = ingest_files(store, [first, second])
    assert [(r.file, r.line) for r in report.rejects] == [(str(second), 1)]
    assert "P1" in report.rejects[0].reason
    assert store.note("N1").patient_id == "P1"
    assert store.patient("P2") == Patient("P2")  # the rejected row's demographics not kept


def test_format_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "export", [row("N1")])
    csv_file = tmp_path / "export2"
    csv_file.write_text("patient_id,note_id,note_date,text\nP1,N1,2026-01-01,Hb 10\n")
    assert [r.line for r in read_rows(jsonl)] == [1]
    assert [r.line for r in read_rows(csv_file)] == [2]


@pytest.mark.parametrize(("name", "content", "match"), [
    ("notes.txt", b"Patient seen today.\nDoing well.\n", "format"),
    ("notes.jsonl", b"\x1f\x8b\x08\x00compressed", "compressed"),
    ("notes.csv", b"patient_id,text\nP1,x\n", "note_id"),
    ("notes.jsonl", b"[\n  {\"patient_id\": \"P1\"}\n]\n", "JSON lines"),
    ("notes.jsonl", "a,b\n1,2\n".encode("utf-16"), "UTF-16"),
    # Two "text" columns: which one is the note cannot be known (the CSV twin of a
    # duplicate JSON key), so the file is refused rather than silently keeping the last.
    ("notes.csv", b"patient_id,note_id,note_date,text,Text\nP1,N1,2026-01-01,a,b\n",
     "column 'text' twice"),
])
def test_a_file_that_is_not_an_export_is_a_configuration_error(
        tmp_path: Path, name: str, content: bytes, match: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigurationError, match=match) as info:
        list(read_rows(path))
    assert name in str(info.value)


def test_a_missing_file_fails_before_anything_is_written(tmp_path: Path, store: Store) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [row("N1")])
    with pytest.raises(ConfigurationError, match="absent.jsonl"):
        ingest_files(store, [good, tmp_path / "absent.jsonl"])
    assert store.counts()["notes"] == 0


def test_a_folder_stands_for_its_export_files(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [row("N1")])
    write_jsonl(folder / "b.ndjson", [row("N2")])
    (folder / "README.txt").write_text("not an export")
    report = ingest_files(store, [folder])
    assert [Path(f).name for f in report.files] == ["a.jsonl", "b.ndjson"]
    assert report.new == 2


def test_the_dev_cohort_loads_without_rejects(shared: Path, store: Store) -> None:
    report = ingest_files(store, [shared / "dev_cohort" / "notes.jsonl"], parse=FirstWord(),
                          pipeline_version="v1")
    assert (report.rows, report.new, report.rejected, report.parsed) == (580, 580, 0, 580)
    assert store.counts()["patients"] == 80
