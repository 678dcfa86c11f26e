"""What the handlers need from stored rankings (matcher.web.stored), kept out of app.py:
finding the stored set a page reads (and queueing its computation when there is none or it
is stale), and checking a patient's live evaluation against their stored row."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from matcher.judge.stored_row import STATUS_CODES
from matcher.model import PatientResult, Trial
from matcher.store import result_tables
from matcher.web.stored import FUTURE_DAYS, PAST_DAYS, AsOfQueue, Job, QueueFull, StoredSet


@dataclass
class StoredView:
    """A page's stored set (None: not computed yet) and, when one is being computed, its job.
    `problem`: why none is being computed ("range", "full", "failed")."""

    stored: StoredSet | None
    job: Job | None = None
    position: int = 0
    problem: str | None = None

    @property
    def computing(self) -> bool:
        return self.job is not None and self.job.state in ("queued", "running")

    def template(self) -> dict[str, Any]:
        job = self.job
        return {
            "stored": self.stored,
            "job": {"state": job.state, "done": job.done, "total": job.total,
                    "position": self.position} if job is not None else None,
            "problem": self.problem,
            "earliest": (dt.date.today() - dt.timedelta(days=PAST_DAYS)).isoformat(),
            "latest": (dt.date.today() + dt.timedelta(days=FUTURE_DAYS)).isoformat(),
        }


def stored_view(engine: Any, trial: Trial, as_of: dt.date, wait: float,
                submit: bool = True) -> StoredView:
    """The stored set of `trial` at `as_of`. When there is none, or the notes changed since
    it was computed, the queue computes it (`submit`) and this waits up to `wait` seconds
    for it; a stale set is still shown meanwhile (the page says so)."""
    stored = engine.stored.current(trial, as_of)
    if stored is not None and not stored.stale:
        return StoredView(stored)
    if not submit:
        return StoredView(stored)
    queue: AsOfQueue = engine.queue
    if not queue.in_range(as_of):
        return StoredView(stored, problem="range")
    ended = queue.job(trial, as_of)
    try:
        job = queue.submit(trial, as_of, again=ended is not None and (
            ended.state == "failed" or stored is not None))
    except QueueFull:
        return StoredView(stored, problem="full")
    if queue.wait(job, wait) and job.state == "done":
        stored = engine.stored.current(trial, as_of)
    if job.state == "failed":
        return StoredView(stored, job, problem="failed")
    return StoredView(stored, job if job.state != "done" else None, queue.position(job))


def wait_all(engine: Any, trials: list[Trial], as_of: dt.date, wait: float) -> list[StoredView]:
    """stored_view of every trial, all queued first, then waited for within `wait` seconds
    in all (the trials page)."""
    views = [stored_view(engine, t, as_of, 0.0) for t in trials]
    deadline = time.monotonic() + wait
    out = []
    for trial, view in zip(trials, views, strict=True):
        if view.computing:
            view = stored_view(engine, trial, as_of, max(0.0, deadline - time.monotonic()))
        out.append(view)
    return out


def stored_check(engine: Any, trial: Trial, patient_id: str, as_of: dt.date,
                 live: PatientResult) -> dict[str, Any] | None:
    """The patient's stored row against the live evaluation the patient page shows: its
    rank, when it was computed, whether it agrees (status and every criterion's status) and
    whether the notes changed since (their digest). None: no stored set for the date."""
    stored = engine.stored.current(trial, as_of)
    if stored is None:
        return None
    row = engine.stored.row(stored, patient_id)
    if row is None:
        return {"computed_at": stored.computed_at, "rank": None, "agrees": False,
                "notes_changed": True, "status": None}
    statuses = "".join(STATUS_CODES[str(c.status)] for c in live.results)
    now = result_tables.record_digests(engine.db, [patient_id])[patient_id]
    return {
        "computed_at": stored.computed_at,
        "rank": row["rank"],
        "status": row["status"],
        "agrees": row["status"] == str(live.status) and row["statuses"] == statuses,
        "notes_changed": row["record_digest"] != now,
    }
