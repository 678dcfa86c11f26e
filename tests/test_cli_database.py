"""The CLI and a database it cannot use, through real processes on real files.

A command that only reads refuses a database that does not exist, and creates none. A
read-only database, a full disk, a file that is not SQLite (or not a matcher database),
a schema version that is newer or unreadable: each is exit 1 with one line naming the
database and what to do, never a traceback, and nothing half-written.

The tests run as root, where file permissions stop no write: a read-only file is made
with `chattr +i` (which binds root too), a full disk is a small tmpfs mounted for the
test. Where the machine allows neither, those tests are skipped (as a normal user the
read-only file is a plain chmod 0444).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from matcher.model import Note
from matcher.store import SCHEMA_VERSION, Store
from matcher.tools.synth import write_notes
from tests.conftest import REPO

MATCHER = [sys.executable, "-m", "matcher.cli"]
TRIAL = REPO / "registry_dumps" / "NCT06904729.txt"
AS_OF = "2026-11-20"
PASSWORD = "a-password-of-some-length\n"


def run(*args: str | Path, cwd: Path, stdin: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MATCHER_DB"}
    return subprocess.run([*MATCHER, *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, input=stdin, timeout=timeout, env=env)


def assert_one_line_error(result: subprocess.CompletedProcess, db: Path | str,
                          *phrases: str) -> None:
    """Exit 1; stderr is one line, `error: <db>: <what is wrong>; <what to do>`."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # no traceback, no second thought
    assert lines[0].startswith(f"error: {db}: "), lines[0]
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


def notes_file(folder: Path) -> Path:
    path = folder / "notes.jsonl"
    path.write_text(json.dumps({"patient_id": "P9", "note_id": "N9", "note_date": "2026-10-01",
                                "text": "ALT 40 U/L."}) + "\n")
    return path


def small_db(path: Path) -> Path:
    """A matcher database with one patient and one note (no parse: nothing here needs it)."""
    with Store(path) as store:
        store.put_note(Note(patient_id="P1", note_id="N1", note_date=dt.date(2026, 10, 1),
                            text="Seen in clinic."))
    return path


def dump(db: Path) -> list[str]:
    """Every row of every table, read beside whatever the commands did (WAL included)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a database that does not exist -------------------------------------------------------

READERS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "match": lambda db, tmp: ["match", TRIAL, "--db", db, "--as-of", AS_OF],
    "explain": lambda db, tmp: ["explain", TRIAL, "P1", "--db", db, "--as-of", AS_OF],
    "serve": lambda db, tmp: ["serve", "--db", db, "--port", str(free_port())],
    "user list": lambda db, tmp: ["user", "list", "--db", db],
    "user remove": lambda db, tmp: ["user", "remove", "dr.lee", "--db", db],
    "user token": lambda db, tmp: ["user", "token", "dr.lee", "--db", db],
    "train": lambda db, tmp: ["train", "--trial", TRIAL, "--db", db, "--out", tmp / "model"],
}


@pytest.mark.parametrize("command", READERS)
def test_a_command_that_reads_refuses_a_database_that_does_not_exist(command: str,
                                                                      tmp_path: Path):
    db = tmp_path / "typo.db"
    result = run(*READERS[command](db, tmp_path), cwd=tmp_path, timeout=60)
    assert_one_line_error(result, db, "no such database", "matcher ingest")
    assert not list(tmp_path.glob("typo.db*"))  # no file created, no -wal, no -shm


def test_the_default_database_is_refused_too_when_it_does_not_exist(tmp_path: Path):
    """A cron job that forgot --db: ./matcher.db is not created, the job does not exit 0."""
    result = run("match", TRIAL, "--as-of", AS_OF, cwd=tmp_path)
    assert_one_line_error(result, "matcher.db", "no such database")
    assert not list(tmp_path.glob("matcher.db*"))


@pytest.mark.parametrize(
    ("command", "stdin"),
    [
        (lambda db, tmp: ["ingest", notes_file(tmp), "--db", db], None),
        (lambda db, tmp: ["user", "add", "dr.lee", "--password-stdin", "--db", db], PASSWORD),
    ],
    ids=["ingest", "user add"],
)
def test_a_command_that_writes_creates_the_database(command, stdin, tmp_path: Path):
    db = tmp_path / "new.db"
    result = run(*command(db, tmp_path), cwd=tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert db.is_file()


@pytest.mark.parametrize("command", ["match", "explain"])
def test_an_empty_file_is_refused_by_a_command_that_reads(command: str, tmp_path: Path):
    db = tmp_path / "matcher.db"
    db.touch()  # `touch matcher.db`: a reader must not turn it into an empty database
    result = run(*READERS[command](db, tmp_path), cwd=tmp_path)
    assert_one_line_error(result, db, "not a matcher database", "matcher ingest")
    assert db.stat().st_size == 0


# --- a file that is not (or no longer) a usable matcher database --------------------------


def text_file(path: Path) -> None:
    path.write_text("patient_id,note_id,note_date,text\nP1,N1,2026-10-01,hello\n")


def set_schema_version(value: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        small_db(path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [value])
        conn.close()
    return make


def meta_without_a_value_column(path: Path) -> None:
    small_db(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE meta")
        conn.execute("CREATE TABLE meta (key TEXT)")
    conn.close()


def another_programs_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO accounts (name) VALUES ('x')")
    conn.close()


NEWER = SCHEMA_VERSION + 7
BROKEN = {
    "not SQLite": (text_file, ["not an SQLite database", "check --db"]),
    "newer schema": (set_schema_version(str(NEWER)),
                     [f"schema version {NEWER} is newer than this matcher knows "
                      f"(up to {SCHEMA_VERSION})", "upgrade matcher"]),
    "schema version not a number": (set_schema_version("two"),
                                    ["schema version is unreadable", "'two'"]),
    "meta table of another shape": (meta_without_a_value_column,
                                    ["schema version is unreadable"]),
    "another program's database": (another_programs_database,
                                   ["not a matcher database", "check --db"]),
}


@pytest.mark.parametrize("command", ["match", "ingest"])
@pytest.mark.parametrize("case", BROKEN)
def test_an_unusable_database_is_one_line_and_left_as_it_was(case: str, command: str,
                                                             tmp_path: Path):
    make, phrases = BROKEN[case]
    db = tmp_path / "x.db"
    make(db)
    before = digest(db)
    args = (["match", TRIAL, "--as-of", AS_OF] if command == "match"
            else ["ingest", notes_file(tmp_path)])
    result = run(*args, "--db", db, cwd=tmp_path)
    assert_one_line_error(result, db, *phrases)
    assert digest(db) == before


# --- a read-only database -----------------------------------------------------------------


@pytest.fixture
def read_only_db(tmp_path: Path) -> Iterator[Path]:
    db = small_db(tmp_path / "ro.db")
    if os.geteuid() == 0:  # root writes through any mode bits; the immutable flag binds it
        made = subprocess.run(["chattr", "+i", str(db)], capture_output=True)
        if made.returncode != 0:
            pytest.skip(f"chattr +i is not available here: {made.stderr.decode().strip()}")
        undo = ["chattr", "-i", str(db)]
    else:
        db.chmod(0o444)
        undo = ["chmod", "0644", str(db)]
    try:
        yield db
    finally:
        subprocess.run(undo, check=True)


WRITERS = {
    "ingest": (lambda db, tmp: ["ingest", notes_file(tmp), "--db", db], None),
    "nightly": (lambda db, tmp: ["nightly", "--source", notes_file(tmp), "--trials", TRIAL,
                                 "--db", db, "--as-of", AS_OF, "--report", tmp / "reports",
                                 "--workers", "1", "--quiet", "--all-trials"], None),
    "user add": (lambda db, tmp: ["user", "add", "dr.lee", "--password-stdin", "--db", db],
                 PASSWORD),
}


@pytest.mark.parametrize("command", WRITERS)
def test_a_command_that_writes_to_a_read_only_database_exits_1_and_writes_nothing(
    command: str, read_only_db: Path, tmp_path: Path
):
    before = dump(read_only_db)
    make, stdin = WRITERS[command]
    result = run(*make(read_only_db, tmp_path), cwd=tmp_path, stdin=stdin)
    assert_one_line_error(result, read_only_db, "the database is read-only",
                          "check the permissions")
    assert dump(read_only_db) == before


def test_a_command_that_reads_works_on_a_read_only_database(read_only_db: Path,
                                                           tmp_path: Path):
    result = run("match", TRIAL, "--db", read_only_db, "--as-of", AS_OF, "--no-model",
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 patient(s)" in result.stdout
    # The ranking is printed; storing it for the web pages is what a read-only file refuses,
    # and the referrer is told so rather than losing the answer to it.
    assert f"not stored: {read_only_db}: the database is read-only" in result.stderr


# --- a full disk --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 750 kB tmpfs: room for creating an empty database (340 kB with the web app's, review,
    result, coded-fact and portfolio tables and the notes' full-text index; its ten migrations
    pass through the write-ahead log, ~580 kB at the peak) and the test's notes, not for their
    findings as well. At 600 kB the migrations alone filled it once migration 10 came."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=750k", "tmpfs", str(disk)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def stored(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            "notes": sorted(conn.execute(
                "SELECT note_id, patient_id, content_hash, parsed_version FROM notes")),
            "findings": sorted(conn.execute(
                'SELECT note_id, concept, start, "end", value, assertion FROM findings'),
                key=repr),
            "orphans": conn.execute(
                "SELECT count(*) FROM findings f JOIN notes n ON n.note_id = f.note_id "
                "WHERE n.parsed_version IS NULL").fetchall(),
        }
    finally:
        conn.close()


def test_a_full_disk_stops_ingest_with_one_line_and_the_rerun_resumes(small_disk: Path,
                                                                      tmp_path: Path):
    export = tmp_path / "synth.jsonl"
    write_notes(export, 4, seed=3)
    db = small_disk / "matcher.db"
    full = run("ingest", export, "--db", db, cwd=tmp_path)
    assert_one_line_error(full, db, "the disk is full", "free some space and run again")
    half = stored(db)
    assert half["orphans"] == [(0,)]  # no findings of a note not marked parsed
    assert not all(parsed for *_, parsed in half["notes"])  # it did stop part-way

    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    again = run("ingest", export, "--db", db, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    reference = tmp_path / "reference.db"
    clean = run("ingest", export, "--db", reference, cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert stored(db) == stored(reference)
