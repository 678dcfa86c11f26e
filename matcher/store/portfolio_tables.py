"""A site's portfolio of trials (issue 17): every registry record a trial was imported with,
as numbered record versions (`trial_records`), with what the trial list shows of it:
recruitment status, phase, conditions, sites, last update. Plain rows in and out.

A record version is added when the record or the engine's reading of it changed; importing
the same record again (a nightly download that did not change) adds nothing. Two digests
decide it, both computed here from JSON so that the store needs nothing of the engine:
- `record_sha256`: the record without its `source` (the same study read from `studies.json`
  tonight and `NCT...json` last week is the same record);
- `reading_sha256`: the criteria the engine read from it (a new reader may read the same
  text otherwise: that is a new auto reading to review too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlite_utils import Database

_SCHEMA = """CREATE TABLE IF NOT EXISTS trial_records (
    trial_id TEXT NOT NULL,
    record_version INTEGER NOT NULL CHECK (record_version >= 1),
    record_sha256 TEXT NOT NULL,
    reading_sha256 TEXT NOT NULL,
    status TEXT,
    phase TEXT,
    conditions_json TEXT NOT NULL DEFAULT '[]',
    sites_json TEXT NOT NULL DEFAULT '[]',
    last_update TEXT,
    source TEXT,
    record_json TEXT,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (trial_id, record_version)
)"""


def create(db: Database) -> None:
    """The store step (planned as migration 7; needs only the `trials` table of step 1),
    inside the migration's transaction. Every trial already stored gets its record as
    version 1, so a re-import of it is told unchanged, not new."""
    conn = db.conn
    conn.execute(_SCHEMA)
    known = {r[0] for r in conn.execute("SELECT DISTINCT trial_id FROM trial_records")}
    rows = conn.execute(
        "SELECT trial_id, record_json, criteria_json, loaded_at FROM trials").fetchall()
    for trial_id, record_json, criteria_json, loaded_at in rows:
        if trial_id in known:
            continue
        record = json.loads(record_json) if record_json else None
        criteria = json.loads(criteria_json or "[]")
        add_row(db, trial_id, record, criteria, loaded_at or "")


def digests(record: Mapping[str, Any] | None, criteria: Sequence[Any]) -> tuple[str, str]:
    """(record_sha256, reading_sha256) of a record (its `source` left out) and its criteria."""
    kept = {k: v for k, v in (record or {}).items() if k != "source"} if record else None
    return _sha(kept), _sha(list(criteria))


def _sha(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def latest(db: Database, trial_id: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT record_version, record_sha256, reading_sha256 FROM trial_records "
        "WHERE trial_id = ? ORDER BY record_version DESC LIMIT 1", [trial_id]).fetchone()
    if row is None:
        return None
    return {"record_version": row[0], "record_sha256": row[1], "reading_sha256": row[2]}


def add_row(db: Database, trial_id: str, record: Mapping[str, Any] | None,
            criteria: Sequence[Any], imported_at: str) -> int:
    """Append the trial's next record version (call inside a transaction); its number."""
    record_sha, reading_sha = digests(record, criteria)
    top = db.execute("SELECT COALESCE(MAX(record_version), 0) FROM trial_records "
                     "WHERE trial_id = ?", [trial_id]).fetchone()[0]
    version = int(top) + 1
    data = dict(record or {})
    db.execute(
        "INSERT INTO trial_records (trial_id, record_version, record_sha256, reading_sha256, "
        "status, phase, conditions_json, sites_json, last_update, source, record_json, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [trial_id, version, record_sha, reading_sha, _text(data.get("status")),
         _text(data.get("phase")), json.dumps(_texts(data.get("conditions"))),
         json.dumps(_texts(data.get("sites"))), _text(data.get("last_update")),
         _text(data.get("source")), json.dumps(record) if record is not None else None,
         imported_at],
    )
    return version


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def record_rows(db: Database, trial_id: str) -> list[dict[str, Any]]:
    """Every record version of the trial, oldest first."""
    return [_decoded(r) for r in db.query(
        "SELECT * FROM trial_records WHERE trial_id = ? ORDER BY record_version", [trial_id])]


def latest_rows(db: Database) -> dict[str, dict[str, Any]]:
    """Each trial's latest record version, by trial id."""
    return {r["trial_id"]: _decoded(r) for r in db.query(
        "SELECT r.* FROM trial_records r WHERE r.record_version = (SELECT MAX(record_version) "
        "FROM trial_records x WHERE x.trial_id = r.trial_id) ORDER BY r.trial_id")}


def _decoded(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k not in ("conditions_json", "sites_json")}
    out["conditions"] = json.loads(row["conditions_json"] or "[]")
    out["sites"] = json.loads(row["sites_json"] or "[]")
    return out
