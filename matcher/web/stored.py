"""The pages' view of stored rankings (issue 16): the candidates page, its CSV export and the
JSON API read the rows `matcher match`, `matcher nightly` or the as-of queue stored
(matcher.store.result_tables); the web process never ranks every patient for them.

- `StoredResults.current(trial, as_of)`: the newest finished result set computed with the
  trial's reading in use at that date, and whether the notes changed since (stale).
- `StoredResults.select(...)`: one indexed query per page: filters, sort, page in SQL.
- `AsOfQueue`: another as-of date (or a stale set) is computed by one background thread,
  one job at a time, from a short bounded queue, for dates within a sane range; its
  progress is shown on the page; what it computes is stored (api.store_ranking) like a
  nightly run. Never a thread per request.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matcher import api
from matcher.judge.outcome import CHIP_KINDS, WhyChip, outcome_from_code
from matcher.judge.stored_row import OUTCOME_CODES, STATUS_CODES
from matcher.model import PatientResult, Trial
from matcher.store import criteria_payloads, result_tables
from matcher.store.web_tables import hits_query
from matcher.web.rows import Row

log = logging.getLogger("matcher.web")

_STATUS_OF_CODE = {code: status for status, code in STATUS_CODES.items()}
_OUTCOME_OF_CODE = {code: outcome_from_code(word) for word, code in OUTCOME_CODES.items()}
# What a list row reads, all in the covering index result_tables.LIST_COLUMNS (the chips,
# JSON, are read for the shown page only).
_ROW_COLUMNS = ("rank", "patient_id", "status", "score", "met", "not_met", "unknown", "manual",
                "statuses", "outcomes", "age", "sex", "p_eligible")
# The queue computes dates this close to today only (its "sane range"): screening looks
# back a few years at most, and forward only to plan a visit.
PAST_DAYS = 20 * 365
FUTURE_DAYS = 366


@dataclass(frozen=True)
class StoredSet:
    """A finished result set: which run wrote it, for what, and whether it is stale."""

    run_id: int
    trial_id: str
    as_of: dt.date
    computed_at: str
    patients: int
    counts: dict[str, int]
    model_version: str | None
    protocol_version: int | None
    stale: bool  # the notes changed after it was computed (the data version moved)


# The rows of one stored set, before any filter.
_BASE_WHERE = "r.run_id = ? AND r.trial_id = ?"


class StoredResults:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple, int] = OrderedDict()  # _count's memory
        self._covers: OrderedDict[tuple, bool] = OrderedDict()  # _covers_search_index's
        self._local = threading.local()  # per connection (thread): the searches held

    def current(self, trial: Trial, as_of: dt.date) -> StoredSet | None:
        db = self.engine.db
        row = result_tables.latest_set(db, trial.trial_id, as_of.isoformat(),
                                       self.engine.digest(trial))
        if row is None:
            return None
        return StoredSet(
            run_id=row["run_id"], trial_id=row["trial_id"], as_of=as_of,
            computed_at=row["finished_at"], patients=row["patients"] or 0,
            counts={s: row["counts"].get(s, 0) for s in ("eligible", "possible", "ineligible")},
            model_version=row["model_version"], protocol_version=row["protocol_version"],
            stale=row["data_version"] != self.engine.version(),
        )

    # --- the candidates list -----------------------------------------------------------

    def _where(self, stored: StoredSet, trial: Trial, query: Any, counting: bool = False
               ) -> tuple[str, list[Any]]:
        """The WHERE of the list `query` asks for. A note search is written two ways, each
        the faster for its use (a million notes, a word in 45,000 patients): a page tests
        its rows one by one as the sort reaches them (EXISTS: ~50 probes for a page), a
        count over every row of the set reads the hits once as a list (IN)."""
        where = [_BASE_WHERE]
        params: list[Any] = [stored.run_id, stored.trial_id]
        others, other_params = self._filters(stored, trial, query)
        where += others
        params += other_params
        if query.q:
            match = self.engine.search_match(query.q)
            if match is None:
                where.append("0")
            elif counting:
                where.append("r.patient_id IN (SELECT patient_id FROM temp.web_hits "
                             "WHERE key = ?)")
                params.append(self._hits(match, stored.as_of)[0])
            else:
                where.append("EXISTS (SELECT 1 FROM temp.web_hits h WHERE h.key = ? "
                             "AND h.patient_id = r.patient_id)")
                params.append(self._hits(match, stored.as_of)[0])
        return " AND ".join(where), params

    def _filters(self, stored: StoredSet, trial: Trial, query: Any
                 ) -> tuple[list[str], list[Any]]:
        """The list's filters other than the note search (status, age, criteria, why chips,
        referral), as SQL conditions on results r and their parameters."""
        where: list[str] = []
        params: list[Any] = []
        if query.status:
            where.append("r.status = ?")
            params.append(query.status)
        if query.age_min is not None:
            where.append("r.age >= ?")
            params.append(query.age_min)
        if query.age_max is not None:
            where.append("r.age <= ?")
            params.append(query.age_max)
        position = {c.id: i + 1 for i, c in enumerate(trial.criteria)}
        for cid, wanted in query.criteria:
            where.append("substr(r.statuses, ?, 1) = ?")
            params += [position[cid], STATUS_CODES[wanted]]
        if query.why in CHIP_KINDS:  # rows with a chip of that kind ("missing", "stale")
            where.append("r.why_kinds LIKE ?")
            params.append(f"%,{query.why},%")
        if query.referral == "none":
            where.append("NOT EXISTS (SELECT 1 FROM web_referrals w WHERE w.trial_id = ? "
                         "AND w.patient_id = r.patient_id)")
            params.append(stored.trial_id)
        elif query.referral:
            where.append("EXISTS (SELECT 1 FROM web_referrals w WHERE w.trial_id = ? "
                         "AND w.patient_id = r.patient_id AND w.status = ?)")
            params += [stored.trial_id, query.referral]
        return where, params

    def select(self, stored: StoredSet, trial: Trial, query: Any,
               limit: int | None = None, offset: int = 0) -> tuple[list[Row], int]:
        """The rows of one page (all rows: limit None) in the query's order, and how many
        rows match the filters."""
        where, params = self._where(stored, trial, query)
        db = self.engine.db
        join, order = _join_and_order(query)
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        columns = ", ".join(f"r.{c}" for c in _ROW_COLUMNS)
        # The page alone (SQLite keeps only the top offset + limit rows of a sort), then the
        # count on the covering index: far cheaper than a window over every filtered row.
        found = db.execute(f"SELECT {columns} FROM results r {join} WHERE {where} "
                           f"ORDER BY {order}{page}", params).fetchall()
        total = self._count(stored, trial, query)
        chips = self._chips(stored, [values[1] for values in found])
        return [row_of(values, chips.get(values[1])) for values in found], total

    def neighbours(self, stored: StoredSet, trial: Trial, query: Any, patient_id: str
                   ) -> tuple[str | None, str | None, int, int]:
        """(previous, next, position from 1, total) of `patient_id` in the list `query`
        gives: what the patient page's previous/next reads. From the patient's own sort key:
        the rows before it are counted and the nearest one each side read with LIMIT 1, all
        in SQLite on the covering index (handing every id of a 100,000-patient list to Python
        for each patient page cost more than the rest of the page; a window function over
        the list, more still)."""
        where, params = self._where(stored, trial, query)
        join, forward = _join_and_order(query)
        terms = _order_terms(query)
        total = self._count(stored, trial, query)
        db = self.engine.db
        key = db.execute(
            f"SELECT {', '.join(t for t, _ in terms)} FROM results r {join} "
            f"WHERE {where} AND r.patient_id = ?", [*params, patient_id]).fetchone()
        if key is None:
            return None, None, 0, total
        if any(value is None for value in key):  # NULL sorts apart: no comparison holds
            return self._neighbours_by_listing(where, params, query, patient_id, total)
        before, before_params = _precedes(terms, key, earlier=True)
        after, after_params = _precedes(terms, key, earlier=False)
        ahead = self._ahead_by_rank(stored, query, where, key[0], total)
        if ahead is None:
            ahead = db.execute(
                f"SELECT count(*) FROM results r {join} WHERE {where} AND {before}",
                [*params, *before_params]).fetchone()[0]
        reverse = ", ".join(f"{t} {'ASC' if desc else 'DESC'}" for t, desc in terms)
        previous = db.execute(
            f"SELECT r.patient_id FROM results r {join} WHERE {where} AND {before} "
            f"ORDER BY {reverse} LIMIT 1", [*params, *before_params]).fetchone()
        following = db.execute(
            f"SELECT r.patient_id FROM results r {join} WHERE {where} AND {after} "
            f"ORDER BY {forward} LIMIT 1", [*params, *after_params]).fetchone()
        return (previous[0] if previous else None, following[0] if following else None,
                ahead + 1, total)

    def _ahead_by_rank(self, stored: StoredSet, query: Any, where: str, rank: int,
                       total: int) -> int | None:
        """How many rows precede the one ranked `rank` in the unfiltered list in rank order,
        read from the rank itself when the set's ranks are 1..total (finish_set numbers them
        so; distinct ranks whose largest is their count are exactly 1..total), else None.
        Counting them on the index read up to every row of the set: a patient ranked
        90,000th cost 10-20 ms of each patient page at 100,000 patients."""
        if query.sort != "rank" or where != _BASE_WHERE:
            return None
        highest = self.engine.db.execute(
            "SELECT max(rank) FROM results WHERE run_id = ? AND trial_id = ?",
            [stored.run_id, stored.trial_id]).fetchone()[0]
        if highest != total:
            return None
        return total - rank if query.desc else rank - 1

    def _neighbours_by_listing(self, where: str, params: list[Any], query: Any,
                               patient_id: str, total: int
                               ) -> tuple[str | None, str | None, int, int]:
        join, order = _join_and_order(query)
        ids = [row[0] for row in self.engine.db.execute(
            f"SELECT r.patient_id FROM results r {join} WHERE {where} ORDER BY {order}",
            params)]
        if patient_id not in ids:
            return None, None, 0, total
        i = ids.index(patient_id)
        return (ids[i - 1] if i > 0 else None, ids[i + 1] if i + 1 < len(ids) else None,
                i + 1, total)

    def _hits(self, match: str, as_of: dt.date) -> tuple[int, int]:
        """The patients with a note written by `as_of` matching the FTS5 query `match`, put
        once in this connection's temporary table `web_hits` under the key returned with
        their number: the page's query and its count then read them instead of searching a
        million notes twice, and a search repeated (the next page, another sort) reads them
        again. The key holds the data version: new notes are searched anew."""
        self.engine.sync_search_index()
        key = f"{self.engine.version()}\x1f{as_of.isoformat()}\x1f{match}"
        held: OrderedDict[str, tuple[int, int]] | None = getattr(self._local, "hits", None)
        db = self.engine.db
        if held is None:
            # Keyed by a small number, not the search's text: the key is stored with every
            # one of the tens of thousands of patients a common word matches.
            db.execute("CREATE TEMP TABLE IF NOT EXISTS web_hits (key INTEGER NOT NULL, "
                       "patient_id TEXT NOT NULL, PRIMARY KEY (key, patient_id)) WITHOUT ROWID")
            held = self._local.hits = OrderedDict()
            self._local.next_key = 0
        if key in held:
            held.move_to_end(key)
            return held[key]
        number = self._local.next_key = self._local.next_key + 1
        try:
            sql, params = hits_query(db, match, as_of.isoformat())
            found = db.execute(f"INSERT OR IGNORE INTO temp.web_hits (key, patient_id) "
                               f"SELECT ?, patient_id FROM ({sql})", [number, *params]).rowcount
            held[key] = (number, found)
            while len(held) > 16:  # the searches of the last few minutes
                _, (old, _) = held.popitem(last=False)
                db.execute("DELETE FROM temp.web_hits WHERE key = ?", [old])
        finally:
            # Only the temporary table was written; the read snapshot of the notes must
            # not stay open (a reader holding one would not see the next nightly run).
            db.conn.commit()
        return held[key]

    def _covers_search_index(self, stored: StoredSet) -> bool:
        """Whether every patient the note search can find has a row in the set: then the
        number of a search's hits is the number of rows it keeps, with no count over the
        set (a common word at 100,000 patients: 70 ms a first search). Not so when the set
        was computed for some patients only or before new patients' notes were loaded.
        Asked once per set and data version."""
        key = (stored.run_id, stored.trial_id, self.engine.version())
        with self._lock:
            if key in self._covers:
                return self._covers[key]
        missing = self.engine.db.execute(
            "SELECT EXISTS (SELECT 1 FROM web_notes_fts_patients p WHERE NOT EXISTS ("
            "SELECT 1 FROM results r WHERE r.run_id = ? AND r.trial_id = ? "
            "AND r.patient_id = p.patient_id))", [stored.run_id, stored.trial_id]).fetchone()[0]
        self.engine.db.conn.commit()  # no read snapshot left open (see _hits)
        with self._lock:
            self._covers[key] = not missing
            while len(self._covers) > 64:
                self._covers.popitem(last=False)
        return not missing

    def _count(self, stored: StoredSet, trial: Trial, query: Any) -> int:
        """How many stored rows the filters keep, remembered per stored set, data version
        and referral change (the list's pages of one filter share one count)."""
        match = self.engine.search_match(query.q) if query.q else None
        if match is not None and not self._filters(stored, trial, query)[0] \
                and self._covers_search_index(stored):
            return self._hits(match, stored.as_of)[1]
        where, params = self._where(stored, trial, query, counting=True)
        db = self.engine.db
        marks = db.execute("SELECT count(*), max(id) FROM web_referral_history").fetchone()
        # The search's words are part of the key: its hits' number in `params` is this
        # connection's own, and another thread's connection may hold another search under
        # the same number.
        key = (stored.run_id, stored.trial_id, where, tuple(params), match,
               self.engine.version(), tuple(marks))
        with self._lock:
            if key in self._counts:
                self._counts.move_to_end(key)
                return self._counts[key]
        total = db.execute(f"SELECT count(*) FROM results r WHERE {where}", params).fetchone()[0]
        with self._lock:
            self._counts[key] = total
            while len(self._counts) > 512:
                self._counts.popitem(last=False)
        return total

    def _chips(self, stored: StoredSet, patient_ids: list[str]) -> dict[str, str]:
        """The why chips (JSON) of these patients, by the primary key."""
        out: dict[str, str] = {}
        for i in range(0, len(patient_ids), 900):
            chunk = patient_ids[i: i + 900]
            marks = ", ".join("?" * len(chunk))
            out.update(self.engine.db.execute(
                "SELECT patient_id, why_json FROM results WHERE run_id = ? AND trial_id = ? "
                f"AND patient_id IN ({marks})", [stored.run_id, stored.trial_id, *chunk]))
        return out

    def row(self, stored: StoredSet, patient_id: str) -> dict[str, Any] | None:
        rows = list(self.engine.db.query(
            f"SELECT r.*, {criteria_payloads.TEXT} FROM {criteria_payloads.JOINED} "
            "WHERE r.run_id = ? AND r.trial_id = ? AND r.patient_id = ?",
            [stored.run_id, stored.trial_id, patient_id]))
        return rows[0] if rows else None

    def results(self, stored: StoredSet, trial: Trial,
                patient_ids: list[str]) -> tuple[list[PatientResult], dict[str, float]]:
        """The stored PatientResults of these patients (in this order) and their P(eligible):
        what the JSON API prints through api.match_to_json."""
        if not patient_ids:
            return [], {}
        marks = ", ".join("?" * len(patient_ids))
        found = {r["patient_id"]: r for r in self.engine.db.query(
            f"SELECT r.*, {criteria_payloads.TEXT} FROM {criteria_payloads.JOINED} "
            f"WHERE r.run_id = ? AND r.trial_id = ? AND r.patient_id IN ({marks})",
            [stored.run_id, stored.trial_id, *patient_ids])}
        rows = [found[p] for p in patient_ids]
        p = {r["patient_id"]: r["p_eligible"] for r in rows if r["p_eligible"] is not None}
        return [api.stored_result(trial, r) for r in rows], p


def row_of(values: tuple, why_json: str | None) -> Row:
    (rank, patient_id, status, score, met, not_met, unknown, manual, statuses, outcomes,
     age, sex, p) = values
    return Row(
        rank=rank, patient_id=patient_id, status=status, score=score, met=met,
        not_met=not_met, unknown=unknown, manual=manual,
        statuses=tuple(_STATUS_OF_CODE[c] for c in statuses or ""), age=age, sex=sex, p=p,
        outcomes=tuple(_OUTCOME_OF_CODE[c] for c in outcomes or ""),
        why=tuple(WhyChip.from_json(c) for c in json.loads(why_json or "[]")),
    )


_STATUS_RANK = "CASE r.status WHEN 'eligible' THEN 0 WHEN 'possible' THEN 1 ELSE 2 END"
_REFERRAL_RANK = ("CASE w.status WHEN 'to_review' THEN 0 WHEN 'contacted' THEN 1 "
                  "WHEN 'screening' THEN 2 WHEN 'enrolled' THEN 3 WHEN 'not_suitable' THEN 4 "
                  "ELSE 5 END")
# Each sort as SQL terms, (expression, reversed against the sort's direction): the order of
# service._sort_key (ties broken by rank, which is unique, so the order is total).
_ORDER: dict[str, tuple[tuple[str, bool], ...]] = {
    "rank": (("r.rank", False),),
    "patient": (("r.patient_id", False),),
    "status": ((_STATUS_RANK, False), ("r.rank", False)),
    "score": (("r.score", False), ("r.rank", True)),
    "p": (("coalesce(r.p_eligible, -1.0)", False), ("r.rank", True)),
    **{k: ((f"r.{k}", False), ("r.rank", True)) for k in ("met", "not_met", "unknown", "manual")},
    "age": (("r.age IS NULL", False), ("coalesce(r.age, 0)", False), ("r.rank", False)),
    "referral": ((_REFERRAL_RANK, False), ("r.rank", False)),
}


# --- the as-of queue ---------------------------------------------------------------------


@dataclass
class Job:
    trial_id: str
    digest: str
    as_of: dt.date
    state: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    error: str | None = None
    queued_at: float = field(default_factory=time.monotonic)

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.trial_id, self.digest, self.as_of)


class QueueFull(Exception):
    """More jobs are waiting than the queue takes: the page says to try again later."""


class AsOfQueue:
    """One background thread computing and storing rankings, one job at a time, from a
    queue of at most `max_waiting` jobs (the same trial, reading and date only once)."""

    def __init__(self, engine: Any, max_waiting: int = 4) -> None:
        self.engine = engine
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._waiting: deque[Job] = deque()
        self._jobs: dict[tuple[str, str, dt.date], Job] = {}  # queued, running or ended
        self._wake = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    @property
    def thread_name(self) -> str:
        return f"as-of-queue-{id(self):x}"

    @staticmethod
    def in_range(as_of: dt.date, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return (today - dt.timedelta(days=PAST_DAYS) <= as_of
                <= today + dt.timedelta(days=FUTURE_DAYS))

    def job(self, trial: Trial, as_of: dt.date) -> Job | None:
        with self._lock:
            return self._jobs.get((trial.trial_id, self.engine.digest(trial), as_of))

    def position(self, job: Job) -> int:
        """0: running; n: n-th in line."""
        with self._lock:
            if job.state == "running":
                return 0
            return next((i + 1 for i, j in enumerate(self._waiting) if j is job), 0)

    def submit(self, trial: Trial, as_of: dt.date, again: bool = False) -> Job:
        """The job computing `trial` at `as_of`: the one queued or running, else a new one
        (`again`: also when one has ended, e.g. the set went stale). Raises QueueFull, or
        ValueError for a date outside the sane range."""
        if not self.in_range(as_of):
            raise ValueError(f"as-of {as_of.isoformat()} is outside the computable range")
        key = (trial.trial_id, self.engine.digest(trial), as_of)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and (job.state in ("queued", "running") or not again):
                return job
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull()
            job = Job(*key)
            if len(self._jobs) >= 256:  # forget ended jobs: the stored sets remain
                for old_key in [k for k, j in self._jobs.items()
                                if j.state in ("done", "failed")]:
                    del self._jobs[old_key]
            self._jobs[key] = job
            self._waiting.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, daemon=True,
                                                name=self.thread_name)
                self._thread.start()
            self._wake.notify()
            return job

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._waiting:
                    if not self._wake.wait(timeout=30):
                        self._thread = None  # idle: the next submit starts a new one
                        return
                job = self._waiting.popleft()
                job.state = "running"
            try:
                self._run(job)
                job.state = "done"
            except Exception as exc:  # shown on the page, never lost, never the data
                job.state, job.error = "failed", type(exc).__name__
                log.warning("as-of job failed: %s", type(exc).__name__)

    def _run(self, job: Job) -> None:
        from matcher.jobs.engine import evaluate_in_process
        from matcher.store import Store

        engine = self.engine
        trial = engine.trial(job.trial_id)
        if trial is None or engine.digest(trial) != job.digest:
            raise LookupError("the trial's reading changed while the job waited")
        protocol = engine.protocol(job.trial_id)
        model = engine.model
        with Store(engine.db_path) as store:
            job.total = store.count_patients()
            pipeline = ",".join(store.parsed_versions()) or None
            with store.transaction():
                run_id = store.start_run(job.as_of, pipeline or "", "web")

            def progress(n: int) -> None:
                job.done += n

            try:
                # In this process, one batch of patients at a time: memory stays flat.
                counts = api.store_ranking(
                    store, run_id, [trial], job.as_of,
                    evaluate_in_process(engine.db_path, [trial], job.as_of, model),
                    {trial.trial_id: protocol.version if protocol else None},
                    model_version=model.version if model is not None else None,
                    pipeline_version=pipeline, on_rows=progress)
                with store.transaction():
                    store.finish_run(run_id, "completed", {"trials": counts})
            except BaseException:
                store.drop_results(run_id)
                with store.transaction():
                    store.finish_run(run_id, "failed", {})
                raise

    def wait(self, job: Job, seconds: float) -> bool:
        """Wait up to `seconds` for the job to end; True when it has."""
        deadline = time.monotonic() + seconds
        while job.state in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
        return job.state not in ("queued", "running")


def _precedes(terms: list[tuple[str, bool]], key: Sequence[Any], earlier: bool
              ) -> tuple[str, list[Any]]:
    """SQL that holds for the rows sorted before (`earlier`) or after a row whose sort key
    is `key`, for ORDER BY `terms` (each term and whether it sorts descending): the
    lexicographic comparison, one term at a time. Every order ends on a unique term (the
    rank or the patient id), so no row ties with the patient's."""
    clauses, params = [], []
    for i, (term, desc) in enumerate(terms):
        sign = ">" if desc == earlier else "<"
        # Each term in brackets: "r.age IS NULL = ?" would read as "r.age IS (NULL = ?)".
        equal = [f"({t}) = ?" for t, _ in terms[:i]]
        clauses.append("(" + " AND ".join([*equal, f"({term}) {sign} ?"]) + ")")
        params += [*key[:i], key[i]]
    return "(" + " OR ".join(clauses) + ")", params


def _order_terms(query: Any) -> list[tuple[str, bool]]:
    """The ORDER BY terms of the query's sort, each with whether it sorts descending."""
    return [(term, query.desc != flip) for term, flip in _ORDER[query.sort]]


def _join_and_order(query: Any) -> tuple[str, str]:
    """The join a sort needs (referral status lives in web_referrals) and the ORDER BY terms
    of the query's sort and direction."""
    order = ", ".join(f"{term} {'DESC' if desc else 'ASC'}" for term, desc in _order_terms(query))
    join = ""
    if query.sort == "referral":
        join = "LEFT JOIN web_referrals w ON w.trial_id = r.trial_id " \
               "AND w.patient_id = r.patient_id"
    return join, order
