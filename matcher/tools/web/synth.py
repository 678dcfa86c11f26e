"""A synthetic database of many patients, for the web app's speed measurement.

Template notes (by default the bundled examples/notes.jsonl) are parsed once with the
saved pipeline; every synthetic patient copies one template patient's notes and findings
with its dates shifted, its birth date moved and its lab values jittered, so the cohort
spreads over every status. Writes go straight through Store (no re-parsing), so 10,000
patients take seconds, not the hours real parsing would.

    python -m matcher.tools.web.synth --db /tmp/big.db --patients 10000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from matcher import api
from matcher.model import Finding, Note, Patient
from matcher.store import Store
from matcher.store.ingest import read_rows

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[3] / "examples" / "notes.jsonl"


def _templates(path: Path) -> list[tuple[Patient, list[tuple[Note, list[Finding]]]]]:
    parser = api.parser()
    patients: dict[str, Patient] = {}
    notes: dict[str, list[Note]] = defaultdict(list)
    for row in read_rows(path):
        if getattr(row, "reason", None) is not None:
            continue
        notes[row.note.patient_id].append(row.note)
        known = patients.get(row.patient.patient_id)
        if known is None or (known.birth_date is None and row.patient.birth_date):
            patients[row.patient.patient_id] = row.patient
    out = []
    for pid, patient_notes in notes.items():
        parsed = parser.parse_many(
            (n.text, n.note_id, n.note_date, n.note_type) for n in patient_notes
        )
        out.append((patients[pid], list(zip(patient_notes, parsed, strict=True))))
    return out


def _shift(value: object, delta: dt.timedelta) -> object:
    if isinstance(value, dt.date):
        return value + delta
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return (dt.date.fromisoformat(value) + delta).isoformat()
        except ValueError:
            return value
    return value


def _copy_finding(f: Finding, note_id: str, delta: dt.timedelta, rng: random.Random) -> Finding:
    value = f.value
    if f.category == "lab" and isinstance(value, float | int) and not isinstance(value, bool):
        value = round(float(value) * rng.uniform(0.7, 1.3), 2)
    if f.concept == "demographic.birth_date":
        value = _shift(value, delta)
    attrs = {k: _shift(v, delta) for k, v in f.attrs.items()}
    return dataclasses.replace(
        f,
        note_id=note_id,
        value=value,
        date=f.date + delta if f.date else None,
        attrs=attrs,
    )


def build(
    db: str | Path,
    patients: int,
    templates: Path = DEFAULT_TEMPLATES,
    seed: int = 7,
    extra_notes: list[Note] | None = None,
) -> Store:
    """Write `patients` synthetic patients into `db` (created if missing); return the Store."""
    rng = random.Random(seed)
    store = Store(db)
    tpl = _templates(templates)
    version = "synthetic-" + api.parser().version
    batch = 250
    for first in range(0, patients, batch):
        with store.transaction():
            for i in range(first, min(patients, first + batch)):
                patient, notes = tpl[i % len(tpl)]
                pid = f"SYN-{i:05d}"
                delta = dt.timedelta(days=rng.randint(-150, 20))
                birth = patient.birth_date
                if birth is not None:
                    birth = birth + dt.timedelta(days=rng.randint(-2500, 2500))
                store.upsert_patient(Patient(pid, birth, patient.sex))
                for k, (note, findings) in enumerate(notes):
                    note_id = f"{pid}-{k}"
                    store.put_note(
                        Note(pid, note_id, note.note_date + delta, note.text, note.note_type)
                    )
                    store.replace_findings(
                        note_id,
                        pid,
                        [_copy_finding(f, note_id, delta, rng) for f in findings],
                        version,
                    )
    for note in extra_notes or []:
        with store.transaction():
            store.upsert_patient(Patient(note.patient_id))
            store.put_note(note)
            store.replace_findings(note.note_id, note.patient_id, api.parse_text(
                note.text, note.note_date, note.note_id), version)
    return store


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES)
    ap.add_argument("--trial", type=Path, action="append", default=[])
    args = ap.parse_args(argv)
    store = build(args.db, args.patients, args.templates)
    for path in args.trial:
        api.import_registry_file(store, path)
    print(store.counts())


if __name__ == "__main__":
    main()
