"""The engine's one SQLite database, reached through sqlite-utils.

Notes are stored with a content hash so that re-ingesting an export is a no-op,
findings are stored per note with the pipeline version that produced them so
that a new NLP pipeline re-parses exactly the notes it has not seen, and every
rejected input row is kept (raw) so that nothing a site sends is lost.

Every multi-row write goes through `Store.transaction()`: a crash or an error
leaves the database as it was before the block, never half-written.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from matcher.errors import InputRowError, ReadOnlyStoreError, StoreError
from matcher.judge.stored_row import result_row
from matcher.model import (
    STRUCTURED,
    Finding,
    Note,
    NoteDates,
    Patient,
    PatientResult,
    Trial,
    as_assertion,
)
from matcher.store import (
    audit,
    criteria_payloads,
    incremental_tables,
    portfolio_tables,
    result_tables,
    review_tables,
    web_tables,
)

DEFAULT_DB = "matcher.db"
RAW_LIMIT_BYTES = 10 * 1024  # a reject keeps at most this much of its raw row
_BUSY_TIMEOUT_S = 30.0  # another process (web UI, second ingest) may hold the write lock
_NOTE_CHUNK = 500  # notes fetched per query when streaming notes to parse


def content_hash(note: Note) -> str:
    """sha256 of everything that defines a note's content (not its demographics).

    The unit separator keeps fields from running into each other ("a"+"bc" vs "ab"+"c").
    """
    parts = (note.patient_id, note.note_date.isoformat(), note.note_type or "", note.text)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- migrations ---------------------------------------------------------------------------
# Each function moves the schema from version N-1 to N; they run in order, each in its own
# transaction together with the version bump, so a crash never leaves a half-applied step.


def _migration_1_initial(db: Database) -> None:
    db.table("patients").create({"patient_id": str, "birth_date": str, "sex": str}, pk="patient_id")
    db.table("notes").create(
        {
            "note_id": str,
            "patient_id": str,
            "note_date": str,
            "note_type": str,
            "text": str,
            "content_hash": str,
            "parsed_version": str,
            "ingested_at": str,
        },
        pk="note_id",
        not_null=["patient_id", "note_date", "text", "content_hash"],
        foreign_keys=[("patient_id", "patients", "patient_id")],
    )
    notes = db.table("notes")
    notes.create_index(["patient_id", "note_date"])
    notes.create_index(["parsed_version"])  # notes_to_parse
    db.table("findings").create(
        {
            "id": int,
            "note_id": str,
            "patient_id": str,
            "concept": str,
            "category": str,
            "code": str,
            "value": str,  # JSON text: keeps 1.0 a float and "1.0" a string
            "unit": str,
            "date": str,
            "date_source": str,
            "assertion": str,
            "start": int,
            "end": int,
            "text": str,
            "raw_value": str,
            "raw_unit": str,
            "ref_low": float,
            "ref_high": float,
            "attrs": str,  # JSON
        },
        pk="id",
        not_null=["note_id", "patient_id", "concept", "category"],
        foreign_keys=[("note_id", "notes", "note_id"), ("patient_id", "patients", "patient_id")],
    )
    findings = db.table("findings")
    findings.create_index(["patient_id"])
    findings.create_index(["note_id"])
    findings.create_index(["concept"])
    db.table("trials").create(
        {
            "trial_id": str,
            "title": str,
            "source": str,
            "record_json": str,
            "criteria_json": str,
            "loaded_at": str,
        },
        pk="trial_id",
    )
    db.table("criteria").create(
        {
            "trial_id": str,
            "criterion_id": str,
            "key": str,
            "type": str,
            "kind": str,
            "text": str,
            "params_json": str,
        },
        pk=("trial_id", "criterion_id"),
        foreign_keys=[("trial_id", "trials", "trial_id")],
    )
    db.table("runs").create(
        {
            "run_id": int,
            "started": str,
            "finished": str,
            "as_of": str,
            "status": str,
            "counts_json": str,
            "pipeline_version": str,
        },
        pk="run_id",
    )
    db.table("results").create(
        {
            "run_id": int,
            "trial_id": str,
            "patient_id": str,
            "as_of": str,
            "status": str,
            "score": float,
            "rank": int,
            "criteria_json": str,
        },
        pk=("run_id", "trial_id", "patient_id"),
        foreign_keys=[("run_id", "runs", "run_id")],
    )
    db.table("results").create_index(["trial_id", "patient_id"])
    db.table("rejects").create(
        {
            "id": int,
            "source_file": str,
            "line": int,
            "reason": str,
            "raw": str,
            "rejected_at": str,
        },
        pk="id",
    )
    db.table("rejects").create_index(["source_file", "line"])


def _migration_2_source_files(db: Database) -> None:
    """Export files loaded in full, by content digest: the nightly job skips a file it has
    already loaded (a folder of exports grows by one file a night; rereading a million
    old rows every night would cost minutes and find nothing new)."""
    db.table("source_files").create(
        {"sha256": str, "path": str, "size": int, "rows": int, "loaded_at": str},
        pk="sha256",
    )


def _migration_3_web_tables(db: Database) -> None:
    """The web app's tables (users, sessions, audit, referrals, the notes' full-text index):
    a numbered step like the engine's own, so no process creates tables on the side. A
    database the web app had already opened gets its older tables brought up to date."""
    web_tables.create_or_upgrade(db)


def _migration_4_review(db: Database) -> None:
    """The criteria review (matcher.review): each trial's review draft, its approved
    protocol versions (append-only), the version each result was computed with
    (results.protocol_version, NULL for the auto reading), and the coordinator role."""
    review_tables.create(db)


def _migration_5_stored_results(db: Database) -> None:
    """Stored results the pages read (matcher.store.result_tables): result sets, the
    results' filter and sort columns, and each run's kind (nightly, match, web)."""
    result_tables.create(db)


def _migration_6_coded_facts(db: Database) -> None:
    """Coded facts (issue 18): each
    FHIR resource or OMOP row as exported, in `coded_facts`, whether or not it reached the
    timeline (`outcome`: "timeline", "unmapped", "unit", "undated"), so an unknown code is
    kept and counted, never guessed. One that reached it is also a `notes` row with
    provenance "structured" (note_id = its source, "Observation/123"; text = the evidence
    line "ALT 85 U/L (ref 7-40), 2026-11-02, Observation/123"), so its finding sits on the
    timeline, in explanations and on the web pages exactly as a note's does. Needs only the
    tables of step 1."""
    # Idempotent, like step 3: a file whose version was rewound runs the step again.
    if "provenance" not in db.table("notes").columns_dict:
        db.execute("ALTER TABLE notes ADD COLUMN provenance TEXT")  # NULL: a note
    if db.table("coded_facts").exists():
        return
    db.table("coded_facts").create(
        {
            "source": str,  # "Observation/123", "measurement 4567"
            "patient_id": str,
            "file": str,
            "line": int,
            "code_system": str,
            "code": str,
            "concept": str,
            "date": str,
            "value": str,  # JSON text, as findings.value
            "unit": str,
            "ref_low": float,
            "ref_high": float,
            "display": str,
            "status": str,
            "attrs": str,  # JSON
            "outcome": str,
            "reason": str,
            "content_hash": str,
            "loaded_at": str,
        },
        pk="source",
        not_null=["patient_id", "code_system", "code", "outcome", "content_hash"],
        foreign_keys=[("patient_id", "patients", "patient_id")],
    )
    db.table("coded_facts").create_index(["patient_id"])
    db.table("coded_facts").create_index(["outcome"])


_CODED_COLUMNS = (
    "source", "patient_id", "file", "line", "code_system", "code", "concept", "date", "value",
    "unit", "ref_low", "ref_high", "display", "status", "attrs", "outcome", "reason",
    "content_hash", "loaded_at",
)  # fmt: skip
_CODED_INSERT = "INSERT INTO coded_facts ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _CODED_COLUMNS), ", ".join("?" * len(_CODED_COLUMNS))
)

def _migration_7_trial_records(db: Database) -> None:
    """A site's portfolio (issue 17; needs only the tables of step 1): every registry
    record a trial was imported with, as record versions, with its recruitment status,
    phase, conditions, sites and last update (matcher.store.portfolio_tables). Idempotent:
    a file whose version was rewound runs it again."""
    portfolio_tables.create(db)


def _migration_8_incremental(db: Database) -> None:
    """What each stored result depends on and until when it holds (issue 17, incremental
    nights; matcher.store.incremental_tables): patient findings versions kept by triggers,
    results.findings_version, holds_until and refresh_json, result_sets.evaluator_version.
    Rows written before have none of them and are evaluated again on the next night."""
    incremental_tables.create(db)


def _migration_9_search_index_layout(db: Database) -> None:
    """The notes' full-text index numbered by patient (web_tables.FTS_NOTE_BITS: a search
    reads its patients from the hits' rowids): an index of the earlier layout is dropped,
    and the next search builds it again (derived data)."""
    web_tables.create_or_upgrade(db)


def _migration_10_criteria_payloads(db: Database) -> None:
    """A result's criteria JSON kept once per distinct text (issue 17, incremental nights;
    matcher.store.criteria_payloads): results.criteria_digest references it, the existing
    rows' texts are moved there and results.criteria_json is dropped."""
    criteria_payloads.create(db)


def _migration_11_shared_payloads(db: Database) -> None:
    """A carried row shares what does not change while it holds (issue 17, an incremental
    night that costs little; matcher.store.criteria_payloads): the why chips and cohorts
    join the criteria text in the row's payload, the refresh inputs go to result_refresh,
    and results is rebuilt without them (WITHOUT ROWID, no unused index)."""
    criteria_payloads.share(db)


def _migration_12_scoped_payloads(db: Database) -> None:
    """A criteria text is released through its trial's result sets, not an index of every
    row by its text (issue 17: a carried row wrote an entry at a random place of it;
    matcher.store.criteria_payloads.RELEASE). Texts stored before are kept."""
    criteria_payloads.scope(db)


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    _migration_1_initial,
    _migration_2_source_files,
    _migration_3_web_tables,
    _migration_4_review,
    _migration_5_stored_results,
    _migration_6_coded_facts,
    _migration_7_trial_records,
    _migration_8_incremental,
    _migration_9_search_index_layout,
    _migration_10_criteria_payloads,
    _migration_11_shared_payloads,
    _migration_12_scoped_payloads,
)
SCHEMA_VERSION = len(MIGRATIONS)

# Runs of the nightly job: kind NULL is a run written before runs had a kind (migration 5).
_NIGHTLY = "(kind IS NULL OR kind = 'nightly')"

_FINDING_COLUMNS = (
    "note_id",
    "patient_id",
    "concept",
    "category",
    "code",
    "value",
    "unit",
    "date",
    "date_source",
    "assertion",
    "start",
    "end",
    "text",
    "raw_value",
    "raw_unit",
    "ref_low",
    "ref_high",
    "attrs",
)
_FINDING_SELECT = ", ".join(f'f."{c}"' for c in _FINDING_COLUMNS)
_FINDING_INSERT = "INSERT INTO findings ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _FINDING_COLUMNS), ", ".join("?" * len(_FINDING_COLUMNS))
)


# --- a database file the engine cannot use -----------------------------------------------
# SQLite's primary result codes that are about the file, not about a statement: each is
# told as what is wrong and what to do, wherever it happens (a migration, a batch of
# findings, sqlite-utils, the web app's tables). Any other error (a constraint, a bug)
# stays the sqlite3 error it is.
_FILE_PROBLEMS = {
    sqlite3.SQLITE_READONLY: (
        "the database is read-only; check the permissions of the file and its folder"
    ),
    sqlite3.SQLITE_FULL: (
        "the disk is full; free some space and run again: it resumes where it stopped"
    ),
    sqlite3.SQLITE_NOTADB: "not an SQLite database; check --db",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged; restore it from a backup",
    sqlite3.SQLITE_CANTOPEN: (
        "cannot open the database file; check the path and the permissions of its folder"
    ),
    sqlite3.SQLITE_IOERR: "reading or writing the database file failed; check the disk",
}


def _file_problem(exc: sqlite3.Error, path: str) -> StoreError | None:
    """The StoreError for an SQLite error about the database file itself, else None.

    "attempt to write a readonly database" (SQLITE_READONLY_DBMOVED and the other extended
    codes included) becomes "x.db: the database is read-only; check the permissions ...".
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = _FILE_PROBLEMS.get(primary) if primary is not None else None
    if message is None:
        return None
    if primary == sqlite3.SQLITE_READONLY:
        return ReadOnlyStoreError(message, file=path)
    return StoreError(message, file=path)


def _translating(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: _Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            problem = _file_problem(exc, self.store_path)
            if problem is None:
                raise
            raise problem from exc

    return call


class _Connection(sqlite3.Connection):
    """The store's connection: every statement, script and commit goes through
    _file_problem, so that a full disk mid-ingest or a read-only file met by `user add` is
    one line naming the file, never a traceback. Rows read from a cursor are not wrapped
    (the hot path of evaluation); the file problems above are met on a statement."""

    store_path = ":memory:"
    execute = _translating(sqlite3.Connection.execute)
    executemany = _translating(sqlite3.Connection.executemany)
    executescript = _translating(sqlite3.Connection.executescript)
    commit = _translating(sqlite3.Connection.commit)


class Store:
    """The database file: schema, notes, findings, trials, runs, results, rejects."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open (and migrate) the database at `path`; with create=False a file that does
        not exist, is empty or is not a matcher database is refused, and no file is made."""
        self.path = str(path)
        target, uri = self.path, False
        if not create and self.path != ":memory:":
            if not Path(self.path).exists():
                raise StoreError(
                    "no such database; check --db, or create it with `matcher ingest`",
                    file=self.path,
                )
            # mode=rw: SQLite itself never creates the file, even if it vanished just now.
            target, uri = Path(self.path).resolve().as_uri() + "?mode=rw", True
        try:
            # Our own connection so we choose the busy timeout; sqlite-utils wraps it.
            conn = sqlite3.connect(target, timeout=_BUSY_TIMEOUT_S, uri=uri, factory=_Connection)
        except sqlite3.Error as exc:
            raise _file_problem(exc, self.path) or StoreError(
                f"cannot open the database: {exc}", file=self.path
            ) from exc
        conn.store_path = self.path
        self.db = Database(conn)
        try:
            # The version first, before anything writes: enable_wal would rewrite the header
            # of another program's file, or of an empty file a reader was pointed at.
            if self._checked_version(create=False) == 0 and not create:
                raise StoreError(
                    "not a matcher database: the file is empty; check --db, or load notes "
                    "with `matcher ingest`",
                    file=self.path,
                )
            if self.path != ":memory:":
                self.db.enable_wal()  # readers (web UI) never block the ingest writer
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster
            self.migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(
                f"cannot use the database: {exc}",
                file=self.path,
                expected="a matcher SQLite database, not locked by another program",
            ) from exc
        except StoreError:
            conn.close()
            raise

    @classmethod
    def open_default(cls, path: str | Path | None = None) -> Store:
        """Open `path`, else $MATCHER_DB, else ./matcher.db; create it if it does not exist
        (for the commands that write: ingest, nightly, user add)."""
        chosen = _chosen_path(path)
        if str(chosen) != ":memory:" and not Path(chosen).resolve().parent.is_dir():
            raise StoreError(
                "the database's folder does not exist",
                file=str(chosen),
                expected="a path in an existing folder",
            )
        return cls(chosen)

    @classmethod
    def open_existing(cls, path: str | Path | None = None) -> Store:
        """As open_default, for the commands that only read (match, explain, serve, ...):
        a database that does not exist is refused and not created. `match --db typo.db`
        used to create an empty file, print 0 patients and exit 0, which a cron job never
        notices."""
        return cls(_chosen_path(path), create=False)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema -------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.db.table("meta").exists():
            return 0
        # A meta table of another shape ("no such column: value") or a value that is not
        # a number ("two", NULL): edited by hand, or another program's table.
        unreadable = (
            "the schema version is unreadable (table meta); restore the database from a "
            "backup, or check --db"
        )
        try:
            rows = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            row = rows.fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreError(unreadable, file=self.path) from exc
        if row is None:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError) as exc:
            raise StoreError(
                unreadable, file=self.path, received=row[0], expected="a whole number"
            ) from exc

    def _tables(self) -> list[str]:
        """Tables other than meta and SQLite's own."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'meta'"
            )
        ]

    def migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION; a no-op when it is already there."""
        if self._checked_version(create=False) == SCHEMA_VERSION:
            return  # the common case: no write lock taken just to open the file
        for target in range(1, SCHEMA_VERSION + 1):
            with self.transaction():
                # Re-read inside the (IMMEDIATE) transaction: two processes opening a
                # fresh file at once must not both run the same migration.
                if self._checked_version(create=True) >= target:
                    continue
                MIGRATIONS[target - 1](self.db)
                self.db.table("meta").upsert(
                    {"key": "schema_version", "value": str(target)}, pk="key"
                )

    def _checked_version(self, *, create: bool) -> int:
        if create and not self.db.table("meta").exists():
            self.db.table("meta").create({"key": str, "value": str}, pk="key")
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"schema version {version} is newer than this matcher knows (up to "
                f"{SCHEMA_VERSION}); upgrade matcher, or check --db",
                file=self.path,
            )
        if version == 0 and self._tables():
            # Another program's SQLite file: adding our tables to it would be a write
            # nobody asked for, and its own tables may clash with ours.
            raise StoreError(
                "not a matcher database: it has tables but no schema version; check --db",
                file=self.path,
            )
        return version

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One BEGIN ... COMMIT; ROLLBACK if the block raises. Nested blocks are savepoints.

        BEGIN IMMEDIATE takes the write lock up front: in WAL mode a deferred transaction
        that reads then writes can fail with SQLITE_BUSY without waiting for the lock.
        """
        if self.db.conn.in_transaction:
            with self.savepoint():
                yield self
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.db.rollback()
            raise
        try:
            self.db.execute("COMMIT")
        except BaseException:
            self.db.rollback()
            raise

    @contextmanager
    def savepoint(self) -> Iterator[Store]:
        """Inside transaction(): if the block raises, undo the block only (ROLLBACK TO) and
        keep the transaction; a nested transaction() is one. A load takes one or two per
        row, so they are cheap (~2 us, not the ~14 us of sqlite-utils' atomic(): no random
        name, one wrapper); nested savepoints may share the name, ROLLBACK TO and RELEASE
        name the innermost."""
        conn = self.db.conn
        if not conn.in_transaction:
            raise StoreError("a savepoint needs an open transaction", file=self.path)
        conn.execute("SAVEPOINT matcher_nested")
        try:
            yield self
        except BaseException:
            if conn.in_transaction:  # a RAISE(ROLLBACK) trigger ends the whole transaction
                conn.execute("ROLLBACK TO matcher_nested")
                conn.execute("RELEASE matcher_nested")
            raise
        conn.execute("RELEASE matcher_nested")

    # --- patients and notes -------------------------------------------------------------

    def upsert_patient(self, p: Patient) -> None:
        """Insert or merge: a known value is replaced by a later known one, never by None."""
        self.db.execute(
            """
            INSERT INTO patients (patient_id, birth_date, sex) VALUES (?, ?, ?)
            ON CONFLICT (patient_id) DO UPDATE SET
                birth_date = COALESCE(excluded.birth_date, patients.birth_date),
                sex = COALESCE(excluded.sex, patients.sex)
            """,
            [p.patient_id, p.birth_date.isoformat() if p.birth_date else None, p.sex],
        )

    def first_note(self, patient_id: str) -> tuple[str, dt.date] | None:
        """The patient's earliest note (note id, date), or None: a birth date after it is
        impossible."""
        row = self.db.execute(
            "SELECT note_id, note_date FROM notes WHERE patient_id = ? "
            "ORDER BY note_date, note_id LIMIT 1",
            [patient_id],
        ).fetchone()
        return (row[0], dt.date.fromisoformat(row[1])) if row else None

    def put_note(self, note: Note) -> str:
        """Store a note; return "new", "unchanged" or "changed".

        A changed note (same id, other content) loses its findings and is marked for
        re-parsing. A note id already stored for another patient raises InputRowError:
        silently moving a note between patients would mix two people's records.
        """
        digest = content_hash(note)
        with self.transaction():
            rows = list(
                self.db.query(
                    "SELECT patient_id, content_hash FROM notes WHERE note_id = ?", [note.note_id]
                )
            )
            if rows and rows[0]["patient_id"] != note.patient_id:
                raise InputRowError(
                    f"note_id is already stored for patient {rows[0]['patient_id']!r}",
                    field="note_id",
                    received=note.note_id,
                    expected=f"a note id not used by another patient than {note.patient_id!r}",
                )
            if rows and rows[0]["content_hash"] == digest:
                return "unchanged"
            self.db.execute(
                "INSERT INTO patients (patient_id) VALUES (?) ON CONFLICT DO NOTHING",
                [note.patient_id],
            )
            values = [
                note.patient_id,
                note.note_date.isoformat(),
                note.note_type,
                note.text,
                digest,
                _now(),
                note.note_id,
            ]
            if not rows:
                self.db.execute(
                    "INSERT INTO notes (patient_id, note_date, note_type, text, content_hash, "
                    "ingested_at, note_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    values,
                )
                return "new"
            self.db.execute("DELETE FROM findings WHERE note_id = ?", [note.note_id])
            self.db.execute(
                "UPDATE notes SET patient_id = ?, note_date = ?, note_type = ?, text = ?, "
                "content_hash = ?, ingested_at = ?, parsed_version = NULL WHERE note_id = ?",
                values,
            )
            return "changed"

    def put_coded(
        self, fact: Mapping[str, Any], note: Note | None, findings: Sequence[Finding]
    ) -> str:
        """Store one coded record (a `coded_facts` row, keyed by its source) and, when it
        reached the timeline, its structured notes row and findings; "new", "unchanged" or
        "changed". The same resource loaded twice is one fact; a changed one replaces its
        old record, notes row and findings. A source already stored for another patient
        raises InputRowError, as a note id does."""
        source, patient_id = fact["source"], fact["patient_id"]
        # The findings are part of the content: the same resource read by a newer vocabulary
        # or unit table (a code now mapped, a unit now converted) replaces its old finding.
        content = [fact, note.text if note else None, [f.to_json() for f in findings]]
        digest = hashlib.sha256(
            json.dumps(content, sort_keys=True, default=str).encode("utf-8", "surrogatepass")
        ).hexdigest()
        with self.transaction():
            old = self.db.execute(
                "SELECT patient_id, content_hash FROM coded_facts WHERE source = ?", [source]
            ).fetchone()
            clash = old[0] if old and old[0] != patient_id else None
            if clash is None and note is not None:
                row = self.db.execute(
                    "SELECT patient_id FROM notes WHERE note_id = ?", [note.note_id]
                ).fetchone()
                clash = row[0] if row and row[0] != patient_id else None
            if clash is not None:
                raise InputRowError(
                    f"source is already stored for patient {clash!r}",
                    field="id",
                    received=source,
                    expected=f"a resource id not used by another patient than {patient_id!r}",
                )
            if old and old[1] == digest:
                return "unchanged"
            if old:
                self._drop_coded(source)
            conn = self.db.conn
            conn.execute(
                "INSERT INTO patients (patient_id) VALUES (?) ON CONFLICT DO NOTHING", [patient_id]
            )
            row = {**fact, "content_hash": digest, "loaded_at": _now()}
            row["value"] = json.dumps(row.get("value"))
            row["attrs"] = json.dumps(row.get("attrs") or {}, sort_keys=True, default=str)
            # One fixed statement: sqlite-utils' insert rebuilt its SQL for every fact and
            # was a fifth of a FHIR load.
            conn.execute(_CODED_INSERT, [row.get(c) for c in _CODED_COLUMNS])
            if note is not None:
                self.db.execute(
                    "INSERT INTO notes (note_id, patient_id, note_date, note_type, text, "
                    "content_hash, parsed_version, ingested_at, provenance) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [note.note_id, patient_id, note.note_date.isoformat(), note.note_type,
                     note.text, digest, STRUCTURED, _now(), STRUCTURED],
                )  # fmt: skip
                self.db.conn.executemany(
                    _FINDING_INSERT,
                    [[r[c] for c in _FINDING_COLUMNS] for r in
                     (_finding_row(f, patient_id) for f in findings)],
                )  # fmt: skip
            return "changed" if old else "new"

    def drop_coded(self, source: str, patient_id: str) -> bool:
        """Remove a coded record, its notes row and findings (a resource now marked
        entered-in-error); True when there was one. Another patient's is left alone."""
        with self.transaction():
            old = self.db.execute(
                "SELECT patient_id FROM coded_facts WHERE source = ?", [source]
            ).fetchone()
            if old is None or old[0] != patient_id:
                return False
            self._drop_coded(source)
            return True

    def _drop_coded(self, source: str) -> None:
        structured = self.db.execute(
            "SELECT 1 FROM notes WHERE note_id = ? AND provenance = ?", [source, STRUCTURED]
        ).fetchone()
        if structured:
            self.db.execute("DELETE FROM findings WHERE note_id = ?", [source])
            self.db.execute("DELETE FROM notes WHERE note_id = ?", [source])
        self.db.execute("DELETE FROM coded_facts WHERE source = ?", [source])

    def coded_facts(self, patient_id: str | None = None) -> list[dict[str, Any]]:
        """Stored coded records (value and attrs decoded), by source."""
        where, params = ("WHERE patient_id = ?", [patient_id]) if patient_id else ("", [])
        rows = list(self.db.query(f"SELECT * FROM coded_facts {where} ORDER BY source", params))
        for r in rows:
            r["value"] = json.loads(r["value"]) if r["value"] else None
            r["attrs"] = json.loads(r["attrs"]) if r["attrs"] else {}
        return rows

    def notes_to_parse(self, pipeline_version: str) -> Iterator[Note]:
        """Notes never parsed, or parsed by another pipeline version, in note id order.

        Read in keyset pages (note_id > last seen), so memory stays flat for a million
        notes and the caller may write (replace_findings, commit) between pages.
        """
        after = ""
        while True:
            page = self._notes(
                "note_id > ? AND (parsed_version IS NULL OR parsed_version != ?) "
                "AND provenance IS NULL",
                [after, pipeline_version],
                order="note_id",
                limit=_NOTE_CHUNK,
            )
            if not page:
                return
            yield from page
            after = page[-1].note_id

    def count_notes_to_parse(self, pipeline_version: str) -> int:
        rows = self.db.execute(
            "SELECT count(*) FROM notes "
            "WHERE (parsed_version IS NULL OR parsed_version != ?) AND provenance IS NULL",
            [pipeline_version],
        ).fetchone()
        return int(rows[0])

    def replace_findings(
        self, note_id: str, patient_id: str, findings: Sequence[Finding], pipeline_version: str
    ) -> None:
        """Swap a note's findings for a new set and mark the note parsed, atomically."""
        rows = []
        for f in findings:
            if f.note_id != note_id:
                raise StoreError(
                    "a finding names another note than the one being stored",
                    field="note_id",
                    received=f.note_id,
                    expected=note_id,
                )
            rows.append(_finding_row(f, patient_id))
        with self.transaction():
            found = list(self.db.query("SELECT patient_id FROM notes WHERE note_id = ?", [note_id]))
            if not found or found[0]["patient_id"] != patient_id:
                raise StoreError(
                    "no such note for this patient",
                    field="note_id",
                    received=note_id,
                    expected=f"a note of {patient_id!r}",
                )
            self.db.execute("DELETE FROM findings WHERE note_id = ?", [note_id])
            # executemany with one fixed statement: this is the ingest hot path, and
            # Table.insert_all rebuilds its SQL and re-checks every value per call.
            self.db.conn.executemany(
                _FINDING_INSERT, [[r[c] for c in _FINDING_COLUMNS] for r in rows]
            )
            self.db.execute(
                "UPDATE notes SET parsed_version = ? WHERE note_id = ?", [pipeline_version, note_id]
            )

    def patients(self) -> list[Patient]:
        return [_patient(r) for r in self.db.query("SELECT * FROM patients ORDER BY patient_id")]

    def count_patients(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM patients").fetchone()[0])

    def patient(self, pid: str) -> Patient | None:
        rows = list(self.db.query("SELECT * FROM patients WHERE patient_id = ?", [pid]))
        return _patient(rows[0]) if rows else None

    def note(self, note_id: str) -> Note | None:
        notes = self._notes("note_id = ?", [note_id])
        return notes[0] if notes else None

    def notes_for_patient(self, pid: str) -> list[Note]:
        return self._notes("patient_id = ?", [pid])

    def _notes(
        self,
        where: str,
        params: Sequence[Any],
        order: str = "note_date, note_id",
        limit: int | None = None,
    ) -> list[Note]:
        return [
            Note(
                patient_id=r["patient_id"],
                note_id=r["note_id"],
                note_date=dt.date.fromisoformat(r["note_date"]),
                text=r["text"],
                note_type=r["note_type"],
            )
            for r in self.db.query(
                "SELECT note_id, patient_id, note_date, note_type, text FROM notes "
                f"WHERE {where} ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit else ""),
                list(params),
            )
        ]

    def findings_for_patient(self, pid: str) -> list[Finding]:
        return [
            _finding(r)
            for r in self.db.query(
                f"SELECT {_FINDING_SELECT} FROM findings f JOIN notes n ON n.note_id = f.note_id "
                "WHERE f.patient_id = ? ORDER BY n.note_date, f.note_id, f.id",
                [pid],
            )
        ]

    def all_findings_by_patient(self) -> dict[str, list[Finding]]:
        """Every finding grouped by patient, in one query (ranking reads all patients)."""
        grouped: dict[str, list[Finding]] = {}
        for r in self.db.query(
            f"SELECT {_FINDING_SELECT} FROM findings f JOIN notes n ON n.note_id = f.note_id "
            "ORDER BY f.patient_id, n.note_date, f.note_id, f.id"
        ):
            grouped.setdefault(r["patient_id"], []).append(_finding(r))
        return grouped

    def patient_id_ranges(self, size: int) -> Iterator[tuple[str, str]]:
        """(first, last) patient ids of consecutive groups of `size` patients: the unit of
        work of an evaluation worker."""
        after = ""
        while True:
            ids = [
                r[0]
                for r in self.db.execute(
                    "SELECT patient_id FROM patients WHERE patient_id > ? "
                    "ORDER BY patient_id LIMIT ?",
                    [after, size],
                ).fetchall()
            ]
            if not ids:
                return
            yield ids[0], ids[-1]
            after = ids[-1]

    def iter_patient_records(
        self, size: int
    ) -> Iterator[tuple[Patient, list[Finding], dict[str, dt.date]]]:
        """Every patient's record in patient id order, read `size` patients at a time."""
        for first, last in list(self.patient_id_ranges(size)):
            yield from self.patient_records(first, last)

    def patient_records(
        self, first: str, last: str
    ) -> Iterator[tuple[Patient, list[Finding], dict[str, dt.date]]]:
        """Each patient with id in [first, last], with their findings (note date order)
        and their notes' dates: what evaluation needs, a few hundred patients at a time."""
        # Plain tuples from the connection: sqlite-utils' dict per row cost as much as
        # decoding the row into a Finding.
        return self._records_where("BETWEEN ? AND ?", [first, last])

    def patient_records_of(
        self, patient_ids: Sequence[str]
    ) -> Iterator[tuple[Patient, list[Finding], dict[str, dt.date]]]:
        """As patient_records, for the patients named (at most 900: one query's
        parameters), in id order; an id no patient has is left out."""
        marks = ", ".join("?" * len(patient_ids))
        return self._records_where(f"IN ({marks})", list(patient_ids))

    def _records_where(
        self, which: str, params: list[Any]
    ) -> Iterator[tuple[Patient, list[Finding], dict[str, dt.date]]]:
        conn = self.db.conn
        patients = [
            _patient({"patient_id": pid, "birth_date": birth_date, "sex": sex})
            for pid, birth_date, sex in conn.execute(
                f"SELECT patient_id, birth_date, sex FROM patients WHERE patient_id {which} "
                "ORDER BY patient_id",
                params,
            )
        ]
        dates: dict[str, dict[str, dt.date]] = {}
        written: dict[str, str] = {}  # note id -> note_date as stored, the order of the join
        for pid, note_id, note_date in conn.execute(
            f"SELECT patient_id, note_id, note_date FROM notes WHERE patient_id {which}",
            params,
        ):
            dates.setdefault(pid, {})[note_id] = dt.date.fromisoformat(note_date)
            written[note_id] = note_date
        # Findings in index order (patient, id) and put in note order here: a join with
        # notes sorted by note date cost a quarter of the query. Within a note the ids keep
        # the order the parser gave.
        by_note: dict[str, dict[str, list[Finding]]] = {}
        current_pid = current_note = None
        current: list[Finding] = []
        for r in conn.execute(
            f"SELECT {_FINDING_SELECT} FROM findings f "
            f"WHERE f.patient_id {which} ORDER BY f.patient_id, f.id",
            params,
        ):
            if r[0] != current_note or r[1] != current_pid:  # note_id, patient_id
                current_note, current_pid = r[0], r[1]
                current = by_note.setdefault(current_pid, {}).setdefault(current_note, [])
            current.append(_finding(r))
        for p in patients:
            notes = by_note.get(p.patient_id)
            findings: list[Finding] = []
            if notes:
                keyed = []
                for note_id, items in notes.items():
                    note_date = written.get(note_id)
                    if note_date is None:  # another patient's note, or none (inner join)
                        row = conn.execute(
                            "SELECT note_date FROM notes WHERE note_id = ?", [note_id]
                        ).fetchone()
                        if row is None:
                            continue
                        note_date = row[0]
                    keyed.append((note_date, note_id, items))
                keyed.sort(key=lambda k: (k[0], k[1]))
                for _date_text, _note_id, items in keyed:
                    findings += items
            yield p, findings, dates.get(p.patient_id, {})

    def note_dates(self) -> NoteDates:
        """Every note's date, knowing whose note each is (matcher.model.NoteDates)."""
        return NoteDates.of_notes(
            (patient_id, note_id, dt.date.fromisoformat(note_date))
            for patient_id, note_id, note_date in self.db.conn.execute(
                "SELECT patient_id, note_id, note_date FROM notes"))

    # --- rejects ------------------------------------------------------------------------

    def add_reject(self, source_file: str, line: int, reason: str, raw: bytes | str | None) -> None:
        """Keep a rejected row (raw, up to 10 kB) so that nothing sent is lost.

        The raw row may hold PHI: it is stored, never logged or printed. Any text is
        storable here (a file name with undecodable bytes, a lone surrogate): keeping a
        reject must never fail the load that rejected the row.
        """
        self.db.table("rejects").insert(
            {
                "source_file": _storable(str(source_file)),
                "line": line,
                "reason": _storable(reason),
                "raw": _raw_text(raw),
                "rejected_at": _now(),
            }
        )

    def rejects(self, source_file: str | None = None) -> list[dict[str, Any]]:
        if source_file is None:
            return list(self.db.query("SELECT * FROM rejects ORDER BY id"))
        return list(
            self.db.query("SELECT * FROM rejects WHERE source_file = ? ORDER BY id", [source_file])
        )

    def loaded_file(self, sha256: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM source_files WHERE sha256 = ?", [sha256]))
        return rows[0] if rows else None

    def mark_file_loaded(self, sha256: str, path: str, size: int, rows: int) -> None:
        with self.transaction():
            self.db.table("source_files").upsert(
                {"sha256": sha256, "path": path, "size": size, "rows": rows, "loaded_at": _now()},
                pk="sha256",
            )

    # --- trials, runs, results ----------------------------------------------------------

    def save_trial(self, trial: Trial, record_json: dict[str, Any] | None = None) -> str:
        """Store a trial's record and auto reading: "new", "changed" (a new record version
        to review, matcher.store.portfolio_tables) or "unchanged" (the same record read the
        same way as the latest version: nothing is written, not even the load time)."""
        criteria = [c.to_json() for c in trial.criteria]
        with self.transaction():
            latest = portfolio_tables.latest(self.db, trial.trial_id)
            known = self.trial(trial.trial_id) is not None
            if known and latest is not None and (
                latest["record_sha256"], latest["reading_sha256"]
            ) == portfolio_tables.digests(record_json, criteria):
                return "unchanged"
            portfolio_tables.add_row(self.db, trial.trial_id, record_json, criteria, _now())
            self.db.table("trials").upsert(
                {
                    "trial_id": trial.trial_id,
                    "title": trial.title,
                    "source": trial.source,
                    "record_json": json.dumps(record_json) if record_json is not None else None,
                    "criteria_json": json.dumps(criteria),
                    "loaded_at": _now(),
                },
                pk="trial_id",
            )
            # Criteria are replaced wholesale: a re-parsed record may drop or renumber some.
            self.db.table("criteria").delete_where("trial_id = ?", [trial.trial_id])
            self.db.table("criteria").insert_all(
                [
                    {
                        "trial_id": trial.trial_id,
                        "criterion_id": c["id"],
                        "key": c["key"],
                        "type": c["type"],
                        "kind": c["kind"],
                        "text": c["text"],
                        "params_json": json.dumps(c["params"]),
                    }
                    for c in criteria
                ]
            )
            # A re-imported trial keeps its review: by (type, text) on the new ids.
            review_tables.carry_over_draft(self.db, trial.trial_id, criteria)
        return "changed" if known else "new"

    def trial_records(self, trial_id: str) -> list[dict[str, Any]]:
        """Every record version the trial was imported with, oldest first."""
        return portfolio_tables.record_rows(self.db, trial_id)

    def latest_trial_records(self) -> dict[str, dict[str, Any]]:
        """Each trial's latest record version (status, phase, ...), by trial id."""
        return portfolio_tables.latest_rows(self.db)

    def trial(self, trial_id: str) -> dict[str, Any] | None:
        """One trial as `trials()` gives it, or None when the database does not know it."""
        rows = list(self.db.query("SELECT * FROM trials WHERE trial_id = ?", [trial_id]))
        return _trial_row(rows[0]) if rows else None

    # --- criteria review (matcher.review) -----------------------------------------------

    def review_draft(self, trial_id: str) -> list[dict[str, Any]]:
        """The trial's draft rows (review_tables), in the order they were first written."""
        return review_tables.draft_rows(self.db, trial_id)

    def put_review_draft(
        self, trial_id: str, criterion_id: str, row: dict[str, Any] | None
    ) -> None:
        review_tables.put_draft_row(self.db, trial_id, criterion_id, row)

    def protocol_versions(self, trial_id: str) -> list[dict[str, Any]]:
        return review_tables.version_rows(self.db, trial_id)

    def add_protocol_version(self, trial_id: str, row: dict[str, Any]) -> int:
        with self.transaction():
            return review_tables.add_version(self.db, trial_id, row)

    def audit(
        self,
        username: str | None,
        action: str,
        trial_id: str | None = None,
        patient_id: str | None = None,
        detail: dict[str, Any] | None = None,
        patients: Sequence[str] = (),
    ) -> int:
        """A row of the audit trail (matcher.store.audit), in the open transaction if any."""
        return audit.write_audit(self.db, username, action, trial_id, patient_id, detail, patients)

    def trials(self) -> list[dict[str, Any]]:
        return [_trial_row(r) for r in self.db.query("SELECT * FROM trials ORDER BY trial_id")]

    def start_run(self, as_of: dt.date | None, pipeline_version: str,
                  kind: str = "nightly") -> int:
        """A new run (`kind`: nightly, match or web, result_tables.RUN_KINDS)."""
        if kind not in result_tables.RUN_KINDS:
            raise StoreError("unknown run kind", field="kind", received=kind,
                             expected=" or ".join(result_tables.RUN_KINDS))
        table = self.db.table("runs").insert(
            {
                "started": _now(),
                "as_of": as_of.isoformat() if as_of else None,
                "status": "running",
                "pipeline_version": pipeline_version,
                "kind": kind,
            }
        )
        return int(table.last_pk)

    def finish_run(self, run_id: int, status: str, counts: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE runs SET finished = ?, status = ?, counts_json = ? WHERE run_id = ?",
            [_now(), status, json.dumps(counts, default=str), run_id],
        )

    def runs(self) -> list[dict[str, Any]]:
        return [
            {**r, "counts": json.loads(r["counts_json"]) if r["counts_json"] else None}
            for r in self.db.query("SELECT * FROM runs ORDER BY run_id")
        ]

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run's row (started, as_of, status, ...), or None when there is no such run."""
        rows = list(self.db.query("SELECT * FROM runs WHERE run_id = ?", [run_id]))
        return rows[0] if rows else None

    def referral_outcomes(self) -> list[dict[str, Any]]:
        """The referral workflow's final outcomes as label rows: enrolled (eligible) and
        not_suitable (not eligible), dated by when the patient was first referred (what the
        referrer saw then is the view the outcome answers)."""
        rows = self.db.execute(
            "SELECT r.trial_id, r.patient_id, r.status, "
            "(SELECT MIN(h.at) FROM web_referral_history h WHERE h.trial_id = r.trial_id "
            " AND h.patient_id = r.patient_id) AS first_at, r.at "
            "FROM web_referrals r WHERE r.status IN ('enrolled', 'not_suitable') "
            "ORDER BY r.trial_id, r.patient_id"
        ).fetchall()
        return [
            {"trial": t, "patient_id": p, "outcome": s, "as_of": str(first or at)[:10]}
            for t, p, s, first, at in rows
        ]

    def parsed_versions(self) -> list[str]:
        """The pipeline versions the stored notes were parsed with, sorted (a model trained
        on this database records them)."""
        return sorted(
            str(r["parsed_version"])
            for r in self.db.query("SELECT DISTINCT parsed_version FROM notes")
            if r["parsed_version"]
        )

    def save_results(
        self,
        run_id: int,
        trial_id: str,
        as_of: dt.date,
        results: Sequence[PatientResult],
        protocol_version: int | None = None,
    ) -> None:
        """A ranked result set for one trial, in one transaction; `protocol_version`: the
        approved protocol the results were computed with (None: the auto reading)."""
        rows = [result_row(trial_id, r) for r in results]
        self.save_result_rows(run_id, as_of, rows, ranks=[r.rank for r in results],
                              protocol_versions={trial_id: protocol_version})

    def save_result_rows(
        self,
        run_id: int,
        as_of: dt.date,
        rows: Sequence[Any],
        ranks: Sequence[int | None] | None = None,
        protocol_versions: Mapping[str, int | None] | None = None,
    ) -> None:
        """engine.ResultRow rows (rank NULL unless given: set_ranks fills it once every
        patient is evaluated), in one transaction; `protocol_versions`: trial id -> the
        protocol version its rows were computed with (absent or None: the auto reading)."""
        ranks = ranks or [None] * len(rows)
        versions = protocol_versions or {}
        with self.transaction():
            digests = criteria_payloads.store_texts(self.db, [r.criteria_json for r in rows])
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO results (run_id, trial_id, patient_id, as_of, status, "
                "score, rank, criteria_digest, protocol_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        r.trial_id,
                        r.patient_id,
                        as_of.isoformat(),
                        r.status,
                        r.score,
                        rank,
                        text_digest,
                        versions.get(r.trial_id),
                    )
                    for r, rank, text_digest in zip(rows, ranks, digests, strict=True)
                ],
            )

    def has_results(self, run_id: int, trial_id: str) -> bool:
        return bool(
            self.db.execute(
                "SELECT 1 FROM results WHERE run_id = ? AND trial_id = ? LIMIT 1",
                [run_id, trial_id],
            ).fetchone()
        )

    def set_ranks(self, run_id: int, trial_id: str, ordered_patient_ids: Sequence[str]) -> None:
        with self.transaction():
            self.db.conn.executemany(
                "UPDATE results SET rank = ? WHERE run_id = ? AND trial_id = ? AND patient_id = ?",
                [(i + 1, run_id, trial_id, pid) for i, pid in enumerate(ordered_patient_ids)],
            )

    def results(self, run_id: int, trial_id: str | None = None) -> list[dict[str, Any]]:
        where, params = "r.run_id = ?", [run_id]
        if trial_id is not None:
            where, params = where + " AND r.trial_id = ?", [run_id, trial_id]
        # The refresh text under its old name (the row's refresh_json is its key since
        # migration 11).
        return [
            {**{k: v for k, v in r.items() if k != "refresh_text"},
             "refresh_json": r["refresh_text"], "criteria": json.loads(r["criteria_json"])}
            for r in self.db.query(
                f"SELECT r.*, {criteria_payloads.TEXT}, {criteria_payloads.REFRESH_TEXT} "
                f"FROM {criteria_payloads.JOINED} "
                f"WHERE {where} ORDER BY r.trial_id, r.rank, r.patient_id",
                params,
            )
        ]

    # --- nightly runs (matcher.jobs.nightly) -------------------------------------------------

    def add_reject_once(
        self, source_file: str, line: int, reason: str, raw: bytes | str | None
    ) -> bool:
        """add_reject unless this very row (file, line, reason, raw) is already kept.

        The nightly job reads the same exports again after a crash or on a rerun; its
        rejects must not pile up. Returns True when the reject is new.
        """
        text = _raw_text(raw)
        known = self.db.execute(
            "SELECT 1 FROM rejects WHERE source_file = ? AND line = ? AND reason = ? AND raw = ? "
            "LIMIT 1",
            [_storable(str(source_file)), line, _storable(reason), text],
        ).fetchone()
        if known:
            return False
        self.add_reject(source_file, line, reason, text)
        return True

    def abandon_unfinished_runs(self, status: str = "interrupted") -> list[int]:
        """Nightly runs that never finished (the process was killed): give them `status`,
        keep `finished` empty, and drop their partial results so that no reader mistakes
        them for a finished run's. Call it only while holding the nightly lock (a `match`
        or web run going on meanwhile is not the lock holder's to end)."""
        with self.transaction():
            ids = [
                int(r["run_id"])
                for r in self.db.query(
                    "SELECT run_id FROM runs WHERE finished IS NULL "
                    f"AND {_NIGHTLY} ORDER BY run_id"
                )
            ]
            for run_id in ids:
                self._drop_run_results(run_id)
                self.db.execute("UPDATE runs SET status = ? WHERE run_id = ?", [status, run_id])
        return ids

    def drop_results(self, run_id: int) -> None:
        with self.transaction():
            self._drop_run_results(run_id)

    def _drop_run_results(self, run_id: int) -> None:
        self.db.execute("DELETE FROM results WHERE run_id = ?", [run_id])
        self.db.execute("DELETE FROM result_sets WHERE run_id = ?", [run_id])

    def last_finished_run(
        self, before: int | None = None, status: str = "completed"
    ) -> dict[str, Any] | None:
        """The latest nightly run with `status` (and a finish time), optionally before run
        `before` (a `matcher match` or web run in between is not what the night compares
        with)."""
        where, params = f"status = ? AND finished IS NOT NULL AND {_NIGHTLY}", [status]
        if before is not None:
            where, params = where + " AND run_id < ?", [*params, before]
        rows = list(
            self.db.query(f"SELECT * FROM runs WHERE {where} ORDER BY run_id DESC LIMIT 1", params)
        )
        if not rows:
            return None
        r = rows[0]
        return {**r, "counts": json.loads(r["counts_json"]) if r["counts_json"] else None}

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("patients", "notes", "findings", "rejects")
        }


def _chosen_path(path: str | Path | None) -> str | Path:
    chosen = path or os.environ.get("MATCHER_DB") or DEFAULT_DB
    return chosen if str(chosen) == ":memory:" else Path(chosen).expanduser()


# --- row <-> model ----------------------------------------------------------------------


def _trial_row(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "trial_id": r["trial_id"],
        "title": r["title"],
        "source": r["source"],
        "loaded_at": r["loaded_at"],
        "record": json.loads(r["record_json"]) if r["record_json"] else None,
        "criteria": json.loads(r["criteria_json"] or "[]"),
    }


def _patient(row: dict[str, Any]) -> Patient:
    return Patient(
        patient_id=row["patient_id"], birth_date=_date(row["birth_date"]), sex=row["sex"]
    )


def _finding_row(f: Finding, patient_id: str) -> dict[str, Any]:
    data = f.to_json()
    row = {c: data.get(c) for c in _FINDING_COLUMNS}
    row["patient_id"] = patient_id
    row["value"] = json.dumps(data["value"])
    row["attrs"] = json.dumps(data["attrs"])
    return row


def _finding(row: dict[str, Any] | Sequence[Any]) -> Finding:
    """A stored finding from a row of _FINDING_COLUMNS: a dict (sqlite-utils) or a tuple
    (a raw cursor, as patient_records reads). Decodes as Finding.from_json(row) does, with
    short cuts for what nearly every row holds: `attrs` "{}", `value` "null", a number or a
    string without escapes (json.dumps wrote it, so "12.5" is 12.5 and "13" is 13)."""
    if isinstance(row, dict):
        row = [row[c] for c in _FINDING_COLUMNS]
    (
        note_id,
        _patient_id,
        concept,
        category,
        code,
        value,
        unit,
        date,
        date_source,
        assertion,
        start,
        end,
        text,
        raw_value,
        raw_unit,
        ref_low,
        ref_high,
        attrs,
    ) = row
    if value is not None:
        if value == "null":
            value = None
        elif value[:1] == '"' and "\\" not in value:
            value = value[1:-1]
        elif (
            value[:1] in "-0123456789"
            and value[-1:] in "0123456789"
            and value[:1]
            and "_" not in value
        ):
            is_float = "." in value or "e" in value or "E" in value
            value = float(value) if is_float else int(value)
        else:
            value = json.loads(value)
    if not attrs or attrs == "{}":
        attrs = {}
    else:
        attrs = json.loads(attrs)
        for key in ("start_date", "stop_date"):
            if isinstance(attrs.get(key), str):
                attrs[key] = dt.date.fromisoformat(attrs[key])
    return Finding.from_fields(
        {
            "concept": concept,
            "category": category,
            "note_id": note_id,
            "start": int(start),
            "end": int(end),
            "text": text,
            "assertion": as_assertion(assertion),
            "code": code,
            "value": value,
            "unit": unit,
            "date": dt.date.fromisoformat(date) if date else None,
            "date_source": date_source,
            "raw_value": raw_value,
            "raw_unit": raw_unit,
            "ref_low": ref_low,
            "ref_high": ref_high,
            "attrs": attrs,
        }
    )


def _raw_text(raw: bytes | str | None) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        raw = _utf8_bytes(raw)
    return raw[:RAW_LIMIT_BYTES].decode("utf-8", errors="replace")


def _utf8_bytes(text: str) -> bytes:
    # surrogateescape gives back the bytes of an undecodable file name ("caf\udce9");
    # any other lone surrogate ("\ud83d") becomes bytes that decode as U+FFFD.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def encodable(text: str) -> bool:
    """Whether SQLite can store `text` as it is (UTF-8: no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable(text: str) -> str:
    """`text` with every lone surrogate replaced (U+FFFD): SQLite stores UTF-8 only."""
    return text if encodable(text) else _utf8_bytes(text).decode("utf-8", errors="replace")
