"""What the pages show, computed through the library API and cached.

Ranking every patient for a trial is the expensive step (seconds for 10,000 patients).
It runs once per (trial, criteria, as-of date, data version) and is kept in memory; the
candidates page then filters, sorts and pages the cached rows in milliseconds. The data
version is `web_data_version.n`, which triggers bump on any write to patients, notes or
findings (matcher.store.web_tables): an ingest or a nightly run invalidates the cache at once,
the web app's own writes (audit, sessions, referrals) never do.

The patient data the ranking reads (patients, findings, note dates) is loaded once per
data version and shared by every trial and as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher import api
from matcher.errors import StoreError
from matcher.judge.demographics import patient_age
from matcher.judge.outcome import CHIP_KINDS, outcome_counts, outcomes_of
from matcher.judge.ranking import rank
from matcher.model import (
    AnyOf,
    CohortScope,
    Criterion,
    Finding,
    NoteDates,
    Patient,
    PatientResult,
    Status,
    Trial,
)
from matcher.review.protocol import Protocol
from matcher.store import Store
from matcher.store.web_tables import FTS_NOTE_BITS, data_version, hits_query
from matcher.web import why_pages
from matcher.web.params import MAX_PAGE, ParameterError, choice, collect, integer, text
from matcher.web.rows import Row
from matcher.web.stored import AsOfQueue, StoredResults

STATUSES = ("eligible", "possible", "ineligible")
CRITERION_STATUSES = ("met", "not_met", "unknown", "manual")
REFERRAL_STATUSES = ("to_review", "contacted", "screening", "enrolled", "not_suitable")
REFERRAL_LABELS = {
    "to_review": "To review",
    "contacted": "Contacted",
    "screening": "Screening",
    "enrolled": "Enrolled",
    "not_suitable": "Not suitable",
}
# The referral steps a patient may take next, from each status (None: not marked yet).
# A patient is enrolled only after screening (a trial's consent and eligibility checks
# happen there); "not suitable" can end any step, with a reason; a patient found not
# suitable can be looked at again (to review), e.g. when a washout has passed.
REFERRAL_NEXT: dict[str | None, tuple[str, ...]] = {
    None: ("to_review", "contacted", "screening", "not_suitable"),
    "to_review": ("contacted", "screening", "not_suitable"),
    "contacted": ("to_review", "screening", "not_suitable"),
    "screening": ("contacted", "enrolled", "not_suitable"),
    "enrolled": ("not_suitable",),  # withdrawn after enrolment
    "not_suitable": ("to_review",),
}


def referral_refusal(current: str | None, wanted: str) -> str | None:
    """Why `wanted` cannot follow `current` (None when it can): "Enrolled cannot follow
    not marked yet: next can be To review, Contacted, Screening or Not suitable." The same
    status again is taken (a reason corrected)."""
    allowed = REFERRAL_NEXT.get(current, ())
    if wanted == current or wanted in allowed:
        return None
    now = REFERRAL_LABELS[current] if current else "not marked yet"
    labels = [REFERRAL_LABELS[s] for s in allowed]
    choices = ", ".join(labels[:-1]) + (" or " if len(labels) > 1 else "") + labels[-1]
    return f"{REFERRAL_LABELS[wanted]} cannot follow {now}: next can be {choices}."


SORT_KEYS = ("rank", "patient", "status", "score", "p", "met", "not_met", "unknown", "manual",
             "age", "referral", "passes", "fails", "to_check")
# Sorts by a count of outcomes (the page's columns; "unknown" is the same count either way).
OUTCOME_SORTS = ("passes", "fails", "to_check")
PER_PAGE_CHOICES = (25, 50, 100, 200)
_STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}
_REFERRAL_ORDER = {s: i for i, s in enumerate(REFERRAL_STATUSES)}


@dataclass(frozen=True)
class Dataset:
    """Everything the ranking reads, as of one data version."""

    version: int
    patients: tuple[Patient, ...]
    findings: dict[str, list[Finding]]
    note_dates: dict[str, dict[str, dt.date]]  # patient -> note -> date
    all_note_dates: dict[str, dt.date]  # note -> date


@dataclass
class Ranking:
    trial: Trial
    as_of: dt.date
    version: int
    results: list[PatientResult]
    rows: list[Row]
    index: dict[str, int]
    counts: dict[str, int]
    seconds: float
    p_eligible: dict[str, float] = field(default_factory=dict)
    model_version: str | None = None


@dataclass
class Query:
    """The candidates page's filters, sort and page (from the query string)."""

    status: str = ""
    age_min: int | None = None
    age_max: int | None = None
    criteria: list[tuple[str, str]] = field(default_factory=list)  # (criterion id, status)
    q: str = ""
    referral: str = ""
    why: str = ""  # a "why" chip kind (matcher.judge.outcome.CHIP_KINDS): rows with one
    sort: str = "rank"
    desc: bool = False
    page: int = 1
    per_page: int = 50
    errors: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params: Any, trial: Trial, per_page_max: int | None = None) -> Query:
        """The query string's filters, sort and page; every unusable value is a message in
        `errors` (naming the parameter) and is left out. `per_page_max`: any page size up
        to it (the JSON API), else one of PER_PAGE_CHOICES (the page's menu)."""
        query = cls()
        errors = query.errors
        query.status = collect(errors, choice, params, "status", STATUSES) or ""
        for name in ("age_min", "age_max"):
            setattr(query, name, collect(errors, integer, params, name, 0, 150))
        ids = {c.id for c in trial.criteria}
        pairs = list(params.getlist("c")) if hasattr(params, "getlist") else []
        crit = collect(errors, text, params, "crit")
        crit_status = collect(errors, choice, params, "crit_status", CRITERION_STATUSES)
        if crit and crit not in ids:
            errors.append(str(ParameterError("crit", "a criterion id of this trial")))
        elif crit and crit_status:
            pairs.append(f"{crit}:{crit_status}")
        if len(pairs) > 10:
            errors.append(str(ParameterError("c", "at most 10 criterion filters")))
        for pair in pairs[:10]:
            cid, _, wanted = pair.rpartition(":")
            if cid in ids and wanted in CRITERION_STATUSES:
                if (cid, wanted) not in query.criteria:
                    query.criteria.append((cid, wanted))
            elif pair:
                errors.append(str(ParameterError(
                    "c", "CRITERION:STATUS, a criterion id of this trial and one of "
                    + ", ".join(CRITERION_STATUSES))))
        query.q = collect(errors, text, params, "q") or ""
        query.referral = collect(errors, choice, params, "referral",
                                 (*REFERRAL_STATUSES, "none")) or ""
        query.why = collect(errors, choice, params, "why", CHIP_KINDS) or ""
        query.sort = collect(errors, choice, params, "sort", SORT_KEYS, "rank") or "rank"
        query.desc = collect(errors, choice, params, "dir", ("asc", "desc")) == "desc"
        query.page = collect(errors, integer, params, "page", 1, MAX_PAGE, 1) or 1
        if per_page_max is not None:
            per_page = collect(errors, integer, params, "per_page", 1, per_page_max, 50)
        else:
            per_page = collect(errors, choice, params, "per_page", PER_PAGE_CHOICES, 50)
        query.per_page = per_page or 50
        return query

    def filters(self) -> dict[str, Any]:
        """The active filters and sort (for links, the audit trail and exports)."""
        out: dict[str, Any] = {}
        if self.status:
            out["status"] = self.status
        if self.age_min is not None:
            out["age_min"] = self.age_min
        if self.age_max is not None:
            out["age_max"] = self.age_max
        if self.criteria:
            out["c"] = [f"{cid}:{s}" for cid, s in self.criteria]
        if self.q:
            out["q"] = self.q
        if self.referral:
            out["referral"] = self.referral
        if self.why:
            out["why"] = self.why
        if self.sort != "rank":
            out["sort"] = self.sort
        if self.desc:
            out["dir"] = "desc"
        return out


def trial_from_row(row: dict[str, Any]) -> Trial:
    """A Trial from its `trials` row (the criteria exactly as saved by Store.save_trial)."""
    record = row.get("record") or {}
    criteria = tuple(
        Criterion(
            id=c["id"],
            key=c["key"],
            type=c["type"],
            text=c["text"],
            kind=c["kind"],
            params=dict(c.get("params") or {}),
            manual_reason=c.get("manual_reason"),
            trace=tuple(c.get("trace") or ()),
            any_of=AnyOf.from_json(c.get("any_of")),
            cohort=CohortScope.from_json(c.get("cohort")),
        )
        for c in row["criteria"]
    )
    return Trial(
        trial_id=row["trial_id"],
        title=row["title"] or row["trial_id"],
        criteria=criteria,
        min_age_years=record.get("min_age_years") if isinstance(record, dict) else None,
        max_age_years=record.get("max_age_years") if isinstance(record, dict) else None,
        sex=record.get("sex") if isinstance(record, dict) else None,
        source=row.get("source"),
    )


trial_digest = api.trial_digest  # the web app's cache key and the stored sets' (one digest)


def rests_on_unreviewed(row: Row, positions: Iterable[int]) -> bool:
    """An eligible patient whose verdict an unreviewed computed criterion decides (met or
    not met by a reading nobody checked): shown eligible, with a warning, never silently."""
    return row.status == "eligible" and any(
        row.statuses[i] in ("met", "not_met") for i in positions)


def counts_of(result: PatientResult) -> dict[str, int]:
    counts = dict.fromkeys(CRITERION_STATUSES, 0)
    for item in result.results:
        counts[str(item.status)] += 1
    return counts


_PHRASE = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


# FTS5 snippet(): the hit between two private-use characters (a note does not hold them;
# one that did would only mark more words), then split into (text, is_hit) parts the page
# escapes one by one: the note's own markup never reaches the page as markup.
HIT_OPEN, HIT_CLOSE = "\ue000", "\ue001"
SNIPPET_TOKENS = 14


@dataclass(frozen=True)
class Snippet:
    """The words around a search hit in one note: `parts` are (text, is_hit) in order."""

    note_id: str
    note_date: str
    parts: tuple[tuple[str, bool], ...]


def snippet_parts(words: str) -> tuple[tuple[str, bool], ...]:
    """"a \ue000hit\ue001 b" -> (("a ", False), ("hit", True), (" b", False))."""
    parts: list[tuple[str, bool]] = []
    for i, piece in enumerate(re.split(f"[{HIT_OPEN}{HIT_CLOSE}]", words or "")):
        if piece:  # a note's line breaks read as spaces in one line of a list
            parts.append((re.sub(r"\s+", " ", piece), i % 2 == 1))
    return tuple(parts)


def fts_query(text: str) -> str | None:
    """A safe FTS5 query from what a referrer typed: every word or "quoted phrase" must
    occur (AND); a trailing * makes a prefix. FTS5 operators in the input are just words."""
    parts = []
    for phrase, word in _PHRASE.findall(text)[:12]:
        raw = phrase if phrase else word
        tokens = _WORD.findall(raw)
        if not tokens:
            continue
        quoted = '"' + " ".join(tokens) + '"'
        if not phrase and raw.endswith("*"):
            quoted += " *"
        parts.append(quoted)
    return " AND ".join(parts) if parts else None


class _NoteRowids:
    """The FTS rowid of each note a sync indexes: its patient's number (a new patient gets
    the next) and the next place among that patient's notes."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.next_place: dict[str, int] = {}
        self.pids: dict[str, int] = {}

    def next(self, patient_id: str) -> int:
        pid = self.pids.get(patient_id)
        if pid is None:
            self.db.execute("INSERT OR IGNORE INTO web_notes_fts_patients (patient_id) "
                            "VALUES (?)", [patient_id])
            pid = self.pids[patient_id] = self.db.execute(
                "SELECT pid FROM web_notes_fts_patients WHERE patient_id = ?",
                [patient_id]).fetchone()[0]
        low = pid << FTS_NOTE_BITS
        high = low + (1 << FTS_NOTE_BITS) - 1
        place = self.next_place.get(patient_id)
        if place is None:
            last = self.db.execute("SELECT max(fts_rowid) FROM web_notes_fts_rows "
                                   "WHERE fts_rowid BETWEEN ? AND ?", [low, high]).fetchone()[0]
            place = 0 if last is None else last - low + 1
        if place > high - low:
            # A patient whose notes were changed over a million times: the places freed by
            # the old versions are used again.
            used = {r[0] - low for r in self.db.execute(
                "SELECT fts_rowid FROM web_notes_fts_rows WHERE fts_rowid BETWEEN ? AND ?",
                [low, high])}
            place = next((i for i in range(high - low + 1) if i not in used), None)
            if place is None:
                raise StoreError(f"patient {patient_id!r}: more than {high - low + 1:,} "
                                 "notes to index for the note search")
            return low + place  # the next note of this patient looks for a free place too
        self.next_place[patient_id] = place + 1
        return low + place


class Engine:
    """The web app's view of one database file (thread-safe; one Store per thread)."""

    def __init__(
        self, db_path: str | Path, max_rankings: int = 6, model: Any = "default"
    ) -> None:
        """`model`: the eligibility model that orders patients inside a status group, as
        `matcher match` does: "default" (api.eligibility_model(): models/eligibility-v1 or
        $MATCHER_ELIGIBILITY_MODEL, None when there is none), None, or a loaded model."""
        self.db_path = str(db_path)
        if model == "default":
            model = api.eligibility_model() if hasattr(api, "eligibility_model") else None
        self.model = model
        self._local = threading.local()
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}
        self._dataset: Dataset | None = None
        self._rankings: OrderedDict[Any, Ranking] = OrderedDict()
        self._trials: dict[str, tuple[str, Trial]] = {}  # trial id -> (digest, trial)
        self._pending: dict[Any, threading.Thread] = {}
        self._failed: dict[Any, str] = {}
        self.max_rankings = max_rankings
        # Opening migrates: the web tables are the store's migration 3.
        Store.open_default(self.db_path).close()
        self.stored = StoredResults(self)  # what the candidates page, CSV and API read
        self.queue = AsOfQueue(self)  # computes and stores another as-of date

    # --- connections ---------------------------------------------------------------------

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store.open_default(self.db_path)
            # The search's hits (StoredResults._hits) and the sorts of a page in memory, not
            # in a temporary file: written and read again within one request.
            store.db.execute("PRAGMA temp_store = MEMORY")
            self._local.store = store
        return store

    @property
    def db(self):
        return self.store().db

    def version(self) -> int:
        return data_version(self.db)

    def _key_lock(self, key: Any) -> threading.Lock:
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())

    # --- trials --------------------------------------------------------------------------

    def trial_rows(self) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT trial_id, title, source, loaded_at, criteria_json FROM trials "
                "ORDER BY trial_id"
            )
        )

    def protocol(self, trial_id: str) -> Protocol | None:
        """The protocol matching uses for the trial (issue 14): its latest approved version,
        else the engine's reading with every criterion unreviewed; None: no such trial."""
        known = self.db.execute("SELECT 1 FROM trials WHERE trial_id = ?", [trial_id]).fetchone()
        if known is None:
            return None
        return api.protocol_in_use(self.store(), trial_id)

    def trial(self, trial_id: str) -> Trial | None:
        """The trial as matching uses it (the protocol in use's readings), one object per
        reading so that the cached ranking is found by identity."""
        protocol = self.protocol(trial_id)
        if protocol is None:
            return None
        digest = trial_digest(protocol.trial)
        cached = self._trials.get(trial_id)
        if cached is None or cached[0] != digest:
            cached = (digest, protocol.trial)
            self._trials[trial_id] = cached
        return cached[1]

    def digest(self, trial: Trial) -> str:
        """trial_digest of `trial`, from the per-trial cache when it is the cached object."""
        cached = self._trials.get(trial.trial_id)
        return cached[0] if cached is not None and cached[1] is trial else trial_digest(trial)

    def unreviewed(self, trial_id: str) -> tuple[str, ...]:
        """The ids of the criteria nobody reviewed in the protocol in use."""
        protocol = self.protocol(trial_id)
        return tuple(c.criterion.id for c in protocol.unreviewed) if protocol else ()

    def unreviewed_count(self, trial_id: str) -> int:
        return len(self.unreviewed(trial_id))

    def import_registry(self, text: str, filename: str) -> list[Trial]:
        """Every study in an uploaded registry file, parsed and saved (replacing older)."""
        return api.import_registry(self.store(), text, filename)

    # --- the data the ranking reads ------------------------------------------------------

    def dataset(self) -> Dataset:
        version = self.version()
        current = self._dataset
        if current is not None and current.version == version:
            return current
        with self._key_lock("dataset"):
            current = self._dataset
            if current is not None and current.version == self.version():
                return current
            store = self.store()
            # One read transaction: the data version and the rows agree.
            store.db.execute("BEGIN")
            try:
                version = self.version()
                patients = tuple(store.patients())
                findings = store.all_findings_by_patient()
                dates: dict[str, dict[str, dt.date]] = {}
                flat: dict[str, dt.date] = {}
                for r in store.db.execute("SELECT patient_id, note_id, note_date FROM notes"):
                    day = flat[r[1]] = dt.date.fromisoformat(r[2])
                    dates.setdefault(r[0], {})[r[1]] = day
            finally:
                store.db.execute("COMMIT")
            self._dataset = Dataset(version, patients, findings, dates, flat)
            return self._dataset

    # --- rankings ------------------------------------------------------------------------

    def _ranking_key(self, trial: Trial, as_of: dt.date) -> Any:
        return (trial.trial_id, self.digest(trial), as_of)

    def cached_ranking(self, trial: Trial, as_of: dt.date) -> Ranking | None:
        ranking = self._rankings.get(self._ranking_key(trial, as_of))
        if ranking is not None and ranking.version == self.version():
            return ranking
        return None

    def ranking(self, trial: Trial, as_of: dt.date) -> Ranking:
        """The ranked candidates, computed now if the cache does not have them."""
        key = self._ranking_key(trial, as_of)
        ranking = self.cached_ranking(trial, as_of)
        if ranking is not None:
            with self._lock:
                if key in self._rankings:
                    self._rankings.move_to_end(key)
            return ranking
        with self._key_lock(key):
            ranking = self.cached_ranking(trial, as_of)
            if ranking is not None:
                return ranking
            ranking = self._compute(trial, as_of)
            with self._lock:
                self._rankings[key] = ranking
                self._rankings.move_to_end(key)
                while len(self._rankings) > self.max_rankings:
                    self._rankings.popitem(last=False)
                self._failed.pop(key, None)
            return ranking

    def ranking_in_background(self, trial: Trial, as_of: dt.date) -> Ranking | None:
        """The ranking if cached; otherwise start computing it and return None."""
        ranking = self.cached_ranking(trial, as_of)
        if ranking is not None:
            return ranking
        key = self._ranking_key(trial, as_of)
        with self._lock:
            if key in self._failed:
                raise RuntimeError(self._failed.pop(key))
            thread = self._pending.get(key)
            if thread is None or not thread.is_alive():
                thread = threading.Thread(
                    target=self._background, args=(trial, as_of, key), daemon=True,
                    name=f"rank-{trial.trial_id}",
                )
                self._pending[key] = thread
                thread.start()
        return None

    def _background(self, trial: Trial, as_of: dt.date, key: Any) -> None:
        try:
            self.ranking(trial, as_of)
        except Exception as exc:  # shown to the next request, never lost
            with self._lock:
                self._failed[key] = f"ranking failed: {type(exc).__name__}"
        finally:
            with self._lock:
                self._pending.pop(key, None)

    def _compute(self, trial: Trial, as_of: dt.date) -> Ranking:
        started = time.perf_counter()
        data = self.dataset()
        results = []
        ages: dict[str, int | None] = {}
        for patient in data.patients:
            findings = data.findings.get(patient.patient_id, [])
            dates = NoteDates.of_patient_notes(patient.patient_id,
                                               data.note_dates.get(patient.patient_id, {}))
            # api.match_findings would pass every note's date to every patient; each
            # patient's own notes are all its timeline can use, and are far cheaper.
            results.append(api.evaluate_patient(trial, patient, findings, dates, as_of))
            ages[patient.patient_id] = patient_age(patient, findings, dates, as_of)
        p_eligible: dict[str, float] = {}
        if self.model is not None:
            from matcher.judge.eligibility import probabilities

            p_eligible = probabilities(self.model, results, data.findings, data.all_note_dates,
                                       as_of)
            ranked = rank(results, p_eligible)
        else:
            ranked = rank(results)
        sexes = {p.patient_id: p.sex for p in data.patients}
        rows = []
        counts = dict.fromkeys(STATUSES, 0)
        for r in ranked:
            c = counts_of(r)
            counts[str(r.status)] += 1
            rows.append(
                Row(
                    rank=r.rank,
                    patient_id=r.patient_id,
                    status=str(r.status),
                    score=r.score,
                    met=c["met"],
                    not_met=c["not_met"],
                    unknown=c["unknown"],
                    manual=c["manual"],
                    statuses=tuple(str(item.status) for item in r.results),
                    age=ages.get(r.patient_id),
                    sex=sexes.get(r.patient_id),
                    p=p_eligible.get(r.patient_id),
                )
            )
        return Ranking(
            trial=trial,
            as_of=as_of,
            version=data.version,
            results=ranked,
            rows=rows,
            index={r.patient_id: i for i, r in enumerate(ranked)},
            counts=counts,
            seconds=time.perf_counter() - started,
            p_eligible=p_eligible,
            model_version=self.model.version if self.model is not None else None,
        )

    def patient_result(
        self, trial: Trial, patient_id: str, as_of: dt.date
    ) -> tuple[PatientResult, int | None, float | None] | None:
        """One patient's result, rank and probability of eligibility: from the cached
        ranking when there is one, else evaluated alone (same library calls, same answer;
        the rank is then unknown)."""
        ranking = self.cached_ranking(trial, as_of)
        if ranking is not None:
            i = ranking.index.get(patient_id)
            if i is None:
                return None
            result = ranking.results[i]
            return result, result.rank, ranking.p_eligible.get(patient_id)
        store = self.store()
        patient = store.patient(patient_id)
        if patient is None:
            return None
        findings = store.findings_for_patient(patient_id)
        dates = NoteDates.of_patient_notes(
            patient_id, {n.note_id: n.note_date for n in store.notes_for_patient(patient_id)})
        result = api.evaluate_patient(trial, patient, findings, dates, as_of)
        p = None
        if self.model is not None:
            from matcher.judge.eligibility import probabilities

            p = probabilities(self.model, [result], {patient_id: findings}, dates,
                              as_of)[patient_id]
        return result, None, p

    # --- filters -------------------------------------------------------------------------

    def select(self, ranking: Ranking, query: Query, referrals: dict[str, dict]) -> list[Row]:
        rows: Iterable[Row] = ranking.rows
        if query.status:
            rows = [r for r in rows if r.status == query.status]
        if query.age_min is not None:
            rows = [r for r in rows if r.age is not None and r.age >= query.age_min]
        if query.age_max is not None:
            rows = [r for r in rows if r.age is not None and r.age <= query.age_max]
        if query.criteria:
            position = {c.id: i for i, c in enumerate(ranking.trial.criteria)}
            for cid, wanted in query.criteria:
                i = position[cid]
                rows = [r for r in rows if r.statuses[i] == wanted]
        if query.referral:
            if query.referral == "none":
                rows = [r for r in rows if r.patient_id not in referrals]
            else:
                rows = [
                    r
                    for r in rows
                    if referrals.get(r.patient_id, {}).get("status") == query.referral
                ]
        if query.q:
            matching = self.search(query.q, ranking.as_of)
            rows = [r for r in rows if r.patient_id in matching]
        if query.why:
            rows = why_pages.with_why(list(rows), query.why, ranking)
        rows = list(rows)
        key = _sort_key(query.sort, referrals)
        if query.sort in OUTCOME_SORTS:
            types = [c.type for c in ranking.trial.criteria]
            column = query.sort

            def key(r: Row) -> Any:
                return (outcome_counts(outcomes_of(types, r.statuses))[column], -r.rank)
        if key is not None:
            rows.sort(key=key, reverse=query.desc)
        elif query.desc:
            rows.reverse()
        return rows

    # --- full-text search over notes -----------------------------------------------------

    def sync_search_index(self) -> int:
        """Bring web_notes_fts up to date with the notes table; return notes (re)indexed."""
        db = self.db
        version = self.version()
        synced = db.execute("SELECT value FROM web_meta WHERE key = 'fts_version'").fetchone()
        if synced and synced[0] == str(version):
            return 0
        with self._key_lock("fts"):
            store = self.store()
            with store.transaction():
                version = self.version()
                synced = db.execute(
                    "SELECT value FROM web_meta WHERE key = 'fts_version'"
                ).fetchone()
                if synced and synced[0] == str(version):
                    return 0
                stale = db.execute(
                    "SELECT m.note_id, m.fts_rowid FROM web_notes_fts_map m "
                    "LEFT JOIN notes n ON n.note_id = m.note_id "
                    "WHERE n.note_id IS NULL OR n.content_hash != m.content_hash"
                ).fetchall()
                for note_id, rowid in stale:
                    db.execute("DELETE FROM web_notes_fts WHERE rowid = ?", [rowid])
                    db.execute("DELETE FROM web_notes_fts_rows WHERE fts_rowid = ?", [rowid])
                    db.execute("DELETE FROM web_notes_fts_map WHERE note_id = ?", [note_id])
                # Ids first, texts a page at a time: a million notes' text never sits in
                # memory at once, and no cursor reads a table this loop writes.
                fresh = [
                    r[0]
                    for r in db.execute(
                        "SELECT n.note_id FROM notes n "
                        "LEFT JOIN web_notes_fts_map m ON m.note_id = n.note_id "
                        "WHERE m.note_id IS NULL"
                    )
                ]
                rowids = _NoteRowids(db)
                for i in range(0, len(fresh), 1000):
                    page = fresh[i : i + 1000]
                    marks = ", ".join("?" * len(page))
                    for note_id, patient_id, note_date, text, digest in db.execute(
                        "SELECT note_id, patient_id, note_date, text, content_hash FROM notes "
                        f"WHERE note_id IN ({marks})",
                        page,
                    ).fetchall():
                        rowid = rowids.next(patient_id)
                        db.execute(
                            "INSERT INTO web_notes_fts (rowid, text, patient_id, note_date) "
                            "VALUES (?, ?, ?, ?)",
                            [rowid, text, patient_id, note_date],
                        )
                        db.execute(
                            "INSERT INTO web_notes_fts_rows (fts_rowid, patient_id, note_date) "
                            "VALUES (?, ?, ?)",
                            [rowid, patient_id, note_date],
                        )
                        db.execute(
                            "INSERT INTO web_notes_fts_map (note_id, fts_rowid, content_hash) "
                            "VALUES (?, ?, ?)",
                            [note_id, rowid, digest],
                        )
                indexed = db.execute("SELECT count(*) FROM web_notes_fts_map").fetchone()[0]
                if fresh and len(fresh) + len(stale) >= indexed / 4:
                    # A bulk load (the first build, a large reload) leaves the index in many
                    # segments, and every search then seeks in each: at a million notes 15
                    # segments made a page's snippets 5-10 times slower. Merged into one here;
                    # a night's few new notes are merged by FTS5's own automerge.
                    db.execute("INSERT INTO web_notes_fts (web_notes_fts) VALUES ('optimize')")
                db.execute(
                    "INSERT INTO web_meta (key, value) VALUES ('fts_version', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [str(version)],
                )
            return len(fresh)

    @staticmethod
    def search_match(text: str) -> str | None:
        """The FTS5 query for what a referrer typed (fts_query), None when it has no word."""
        return fts_query(text)

    def search(self, text: str, as_of: dt.date) -> set[str]:
        """Patients with a note written by as-of that has every word of `text`."""
        match = fts_query(text)
        if match is None:
            return set()
        self.sync_search_index()
        sql, params = hits_query(self.db, match, as_of.isoformat())
        return {r[0] for r in self.db.execute(f"SELECT patient_id FROM ({sql})", params)}

    def snippets(self, text: str, as_of: dt.date,
                 patient_ids: Sequence[str]) -> dict[str, Snippet]:
        """For each of `patient_ids` (one page of the list) with a note written by as-of
        that matches `text`: the words around the hit in its latest such note, from FTS5's
        snippet(). Read from each patient's own notes (the notes index, then the FTS rowid),
        so a page costs its patients' notes, not every note the search word matches."""
        match = fts_query(text)
        if match is None or not patient_ids:
            return {}
        self.sync_search_index()
        marks = ", ".join("?" for _ in patient_ids)
        # First which note is each patient's latest match, then the words of those notes
        # alone: snippet() re-reads and tokenizes a note, and a common word matches several
        # notes of most patients (at a million notes: 40 ms in one step, 12 in two).
        latest: dict[str, tuple[str, str, int]] = {}
        for patient_id, note_id, note_date, rowid in self.db.execute(
            "SELECT n.patient_id, n.note_id, n.note_date, m.fts_rowid FROM notes n "
            "CROSS JOIN web_notes_fts_map m ON m.note_id = n.note_id "
            "CROSS JOIN web_notes_fts f ON f.rowid = m.fts_rowid "
            f"WHERE n.patient_id IN ({marks}) AND n.note_date <= ? AND web_notes_fts MATCH ? "
            "ORDER BY n.patient_id, n.note_date DESC, n.note_id",
            [*patient_ids, as_of.isoformat(), match]):
            latest.setdefault(patient_id, (note_id, note_date, rowid))
        found: dict[str, Snippet] = {}
        if latest:
            rowids = [rowid for _, _, rowid in latest.values()]
            words = dict(self.db.execute(
                f"SELECT rowid, snippet(web_notes_fts, 0, ?, ?, '…', {SNIPPET_TOKENS}) "
                f"FROM web_notes_fts WHERE web_notes_fts MATCH ? "
                f"AND rowid IN ({', '.join('?' for _ in rowids)})",
                [HIT_OPEN, HIT_CLOSE, match, *rowids]).fetchall())
            for patient_id, (note_id, note_date, rowid) in latest.items():
                found[patient_id] = Snippet(note_id, note_date, snippet_parts(words.get(rowid)))
        self.db.conn.commit()  # no read snapshot left open (see StoredResults._hits)
        return found

    # --- what the loads did not take (admins) ---------------------------------------------

    def input_problems(self, limit: int = 20) -> dict[str, Any]:
        """Rejected rows (the latest `limit`: file, line, reason; never the raw row) and
        notes not parsed (the parser failed on them, e.g. "note 'N1': ... over the limit",
        or no parse ran since they were loaded; the next ingest or nightly run tries
        again), each with its count. Ids and reasons only, never note text."""
        db = self.db
        return {
            "rejected": db.execute("SELECT count(*) FROM rejects").fetchone()[0],
            "rejects": list(db.query(
                "SELECT source_file, line, reason, rejected_at FROM rejects "
                "ORDER BY id DESC LIMIT ?", [limit],
            )),
            "unparsed": db.execute(
                "SELECT count(*) FROM notes WHERE parsed_version IS NULL").fetchone()[0],
            "unparsed_ids": [r[0] for r in db.execute(
                "SELECT note_id FROM notes WHERE parsed_version IS NULL ORDER BY note_id "
                "LIMIT ?", [limit],
            )],
        }

    # --- referrals -----------------------------------------------------------------------

    def referrals(self, trial_id: str) -> dict[str, dict[str, Any]]:
        return {
            r["patient_id"]: r
            for r in self.db.query("SELECT * FROM web_referrals WHERE trial_id = ?", [trial_id])
        }

    def referral_history(self, trial_id: str, patient_id: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM web_referral_history WHERE trial_id = ? AND patient_id = ? "
                "ORDER BY id DESC",
                [trial_id, patient_id],
            )
        )

    def set_referral(
        self, trial_id: str, patient_id: str, status: str, reason: str, username: str
    ) -> None:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        values = [trial_id, patient_id, status, reason or None, username, at]
        with self.store().transaction():
            self.db.execute(
                "INSERT INTO web_referrals (trial_id, patient_id, status, reason, username, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, patient_id) DO UPDATE SET "
                "status = excluded.status, reason = excluded.reason, "
                "username = excluded.username, at = excluded.at",
                values,
            )
            self.db.execute(
                "INSERT INTO web_referral_history (trial_id, patient_id, status, reason, "
                "username, at) VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )


def _sort_key(sort: str, referrals: dict[str, dict]) -> Callable[[Row], Any] | None:
    if sort == "rank":
        return None
    if sort == "patient":
        return lambda r: r.patient_id
    if sort == "status":
        return lambda r: (_STATUS_ORDER[r.status], r.rank)
    if sort == "score":
        return lambda r: (r.score, -r.rank)
    if sort == "p":
        return lambda r: (r.p if r.p is not None else -1.0, -r.rank)
    if sort in ("met", "not_met", "unknown", "manual"):
        return lambda r: (getattr(r, sort), -r.rank)
    if sort == "age":
        return lambda r: (r.age is None, r.age or 0, r.rank)
    if sort == "referral":
        def by_referral(r: Row) -> Any:
            status = referrals.get(r.patient_id, {}).get("status")
            return (_REFERRAL_ORDER.get(status, len(REFERRAL_STATUSES)), r.rank)

        return by_referral
    return None


__all__ = [
    "CRITERION_STATUSES",
    "REFERRAL_STATUSES",
    "Engine",
    "Query",
    "Ranking",
    "Row",
    "Status",
    "counts_of",
    "fts_query",
]
