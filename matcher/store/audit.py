"""The audit trail's one writer (table `web_audit`, made by store migration 3): the web app
(matcher.web.security.audit) and the CLI's review commands (matcher.api) write the same rows,
so "who changed criterion E3 of this trial?" has one answer whichever way it was changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database


def write_audit(
    db: Database,
    username: str | None,
    action: str,
    trial_id: str | None = None,
    patient_id: str | None = None,
    detail: dict[str, Any] | None = None,
    patients: Iterable[str] = (),
) -> int:
    """One line of the audit trail (its id); `patients`: the ids a listing, export or
    search returned (web_audit_patients, one row each). `detail` never holds note text.
    Written in the caller's transaction when one is open (a review edit's row goes with the
    edit), else committed at once."""
    row = [dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), username, action,
           trial_id, patient_id, json.dumps(detail, sort_keys=True) if detail else None]
    if db.conn.in_transaction:
        return _audit_row(db, row, patients)
    with db.conn:
        return _audit_row(db, row, patients)


def _audit_row(db: Database, row: list[Any], patients: Iterable[str]) -> int:
    audit_id = int(db.execute(
        "INSERT INTO web_audit (at, username, action, trial_id, patient_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)", row).lastrowid)
    db.conn.executemany(
        "INSERT OR IGNORE INTO web_audit_patients (audit_id, patient_id) VALUES (?, ?)",
        ((audit_id, p) for p in patients),
    )
    return audit_id
