"""Synthetic clinic notes for benchmarks and load tests (`matcher synth`).

Writes a note export in the format `matcher ingest` reads (JSONL rows with patient_id,
note_id, note_date, note_type, text, birth_date, sex) for any number of invented
patients: about 30% childhood lupus nephritis, 15% SLE without nephritis and 55% other
paediatric conditions, each with 3-20 dated notes (clinic letters, lab reports, renal
biopsy reports, flow cytometry, referrals, discharge summaries) in varied wording.

The output exists to make the engine work at realistic volume and text shape (ingest,
parse, match and web-app speed, memory, crash tests). It has no gold labels and its
wording comes from this module's own templates, so it is NEVER evidence of accuracy:
accuracy is measured on notes written by other hands (../shared, hold-out sets).

Generation streams one patient at a time, each from a `random.Random` seeded by (seed,
patient number): memory stays constant however many notes are written, the same seed
always gives the same bytes, and patient k is the same whatever `patients` is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from matcher.tools.synth.labs import _Lab
from matcher.tools.synth.notes import (
    _context,
    _lupus_clinic,
)
from matcher.tools.synth.patients import (
    _make_patient,
    _Patient,
)
from matcher.tools.synth.phrases import NOTE_TYPES, REFERENCE_DATE
from matcher.tools.synth.reports import (
    _discharge,
    _flow,
    _ln_pathology,
    _lupus_lab,
    _other_clinic,
    _other_lab,
    _other_pathology,
    _referral,
    _skin_pathology,
)

__all__ = [
    "NOTE_TYPES",
    "REFERENCE_DATE",
    "SynthStats",
    "cohort",
    "generate_notes",
    "write_notes",
]

# --- streaming ----------------------------------------------------------------------------


def _target(rng: Random, note_type: str) -> int:
    """Words to aim for: clinic letters average about 300, discharge letters 600-900."""
    if note_type == "clinic":
        return int(rng.triangular(110, 620, 200))
    if note_type == "discharge":
        return int(rng.triangular(600, 900, 680))
    if note_type == "referral":
        return int(rng.triangular(140, 420, 220))
    return 0


def _text(
    rng: Random, p: _Patient, on: dt.date, note_type: str, labs: list[_Lab] | None = None
) -> tuple[str, int]:
    """The note's text and word count; `labs` receives a lab report's values (the same
    draws: the text is the same with or without it)."""
    c = _context(rng, p, on)
    lupus = p.condition is None
    if note_type == "clinic":
        return (_lupus_clinic if lupus else _other_clinic)(c, _target(rng, note_type))
    if note_type == "referral":
        return _referral(c, _target(rng, note_type))
    if note_type == "discharge":
        return _discharge(c, _target(rng, note_type))
    if note_type == "lab":
        text = _lupus_lab(c, labs) if lupus else _other_lab(c, labs)
    elif note_type == "flow":
        text = _flow(c)
    elif p.kind == "ln":
        text = _ln_pathology(c)
    else:
        text = _skin_pathology(c) if lupus else _other_pathology(c)
    return text, len(text.split())


def _patient(rng: Random, seed: int, no: int) -> tuple[_Patient, list[tuple[dt.date, str]]]:
    # Reseeding per patient (a str seed is hashed with SHA-512: stable across runs and
    # processes) makes patient k independent of how many patients come before it.
    rng.seed(f"matcher-synth:{seed}:{no}")
    return _make_patient(rng, no)


def cohort(patient_no: int, seed: int = 0) -> str:
    """What synthetic patient `patient_no` was drawn as: "lupus_nephritis", "sle", or the
    key of a non-lupus condition ("asthma", "nephrotic", ...). For benchmarks and tests
    that need to know the mix; the notes themselves never say it."""
    p, _notes = _patient(Random(), seed, patient_no)
    if p.condition is not None:
        return p.condition.key
    return "lupus_nephritis" if p.kind == "ln" else "sle"


def _rows(patients: int, seed: int, start_id: int) -> Iterator[tuple[dict, int]]:
    """(row, word count) for every note; the count comes free from building the text."""
    for _p, notes in synthetic_patients(patients, seed, start_id):
        for row, words, _labs in notes:
            yield row, words


def synthetic_patients(
    patients: int, seed: int, start_id: int = 0, *, labs: bool = False
) -> Iterator[tuple[_Patient, list[tuple[dict, int, list[_Lab]]]]]:
    """Each patient with its notes as (row, word count, lab values), one patient at a
    time; the lab values (of lab reports) only when `labs` is asked for."""
    if patients < 0:
        raise ValueError("patients must be 0 or more")
    rng = Random()
    for no in range(start_id + 1, start_id + patients + 1):
        p, notes = _patient(rng, seed, no)
        demographics = {"birth_date": p.birth.isoformat(), "sex": p.sex} if p.structured else {}
        rows = []
        for k, (on, note_type) in enumerate(notes, start=1):
            found: list[_Lab] | None = [] if labs else None
            text, words = _text(rng, p, on, note_type, found)
            row = {
                "patient_id": p.pid,
                "note_id": f"S{no:07d}-{k:02d}",
                "note_date": on.isoformat(),
                "note_type": note_type,
                "text": text,
                **demographics,
            }
            rows.append((row, words, found or []))
        yield p, rows


def generate_notes(patients: int, seed: int = 0, start_id: int = 0) -> Iterator[dict]:
    """Yield note rows for patients start_id+1 .. start_id+patients, one patient at a time.

    Deterministic for (seed, patient number); only one patient is held in memory.
    """
    for row, _words in _rows(patients, seed, start_id):
        yield row


@dataclass
class SynthStats:
    """Counts gathered while writing (for the CLI summary and benchmarks)."""

    notes: int = 0
    patients: int = 0
    words: int = 0
    notes_by_type: dict[str, int] = field(default_factory=dict)
    words_by_type: dict[str, int] = field(default_factory=dict)

    def mean_words(self) -> dict[str, float]:
        """Average words per note, by note type."""
        return {t: self.words_by_type[t] / n for t, n in sorted(self.notes_by_type.items())}


def write_notes(
    path: str | Path,
    patients: int,
    seed: int = 0,
    *,
    start_id: int = 0,
    stats: SynthStats | None = None,
    on_patient: Callable[[], None] | None = None,
) -> int:
    """Write the notes of `patients` synthetic patients to `path` (JSONL); return the count.

    The rows go to a hidden sibling file that is renamed into place at the end, so an
    interrupted run never leaves a partial export where `matcher ingest` would read it
    (ingest and the nightly job skip the ".partial" suffix and hidden files).
    """
    stats = stats if stats is not None else SynthStats()
    by_type, words_by_type = stats.notes_by_type, stats.words_by_type
    # ASCII escapes (json's default) encode twice as fast as raw UTF-8 here, and readers
    # decode both to the same text.
    encode = json.JSONEncoder().encode

    def lines() -> Iterator[str]:
        current = ""
        for row, words in _rows(patients, seed, start_id):
            yield encode(row) + "\n"
            note_type = row["note_type"]
            by_type[note_type] = by_type.get(note_type, 0) + 1
            words_by_type[note_type] = words_by_type.get(note_type, 0) + words
            if row["patient_id"] != current:
                current = row["patient_id"]
                stats.patients += 1
                if on_patient is not None:
                    on_patient()

    write_atomically(path, lines())
    stats.notes = sum(by_type.values())
    stats.words = sum(words_by_type.values())
    return stats.notes


def write_atomically(path: str | Path, lines: Iterable[str]) -> None:
    """Write `lines` to a hidden sibling file renamed into place at the end, so an
    interrupted run never leaves a partial export where `matcher ingest` would read it
    (ingest and the nightly job skip the ".partial" suffix and hidden files)."""
    target = Path(path)
    temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with temp.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())  # the rename must never publish unwritten data
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
