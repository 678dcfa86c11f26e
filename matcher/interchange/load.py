"""Store what an interchange reader yields (FHIR, OMOP), exactly as a JSONL note export is
stored, plus coded facts on the timeline.

`load_items(store, items, report, vocabulary=...)` takes any mix of the contract's items
(`matcher.interchange.records`): a `Patient` is merged into the patients table (a later
known value replaces an earlier one, never by None), a `Row` is a note stored as JSONL
ingest stores it (content hash: the same note twice is one note, a changed one is re-parsed
by the same parser afterwards), a `Reject` is kept with its file, line and reason, and a
`CodedFact` is stored by its source ("Observation/123"): the same resource twice is one fact,
a changed resource replaces its old fact, and a resource now `entered-in-error` removes it.

Items are written LOAD_BATCH per transaction, each in its own savepoint: a bad item becomes
a reject and the rest of the batch commits; a failing database is raised (the rerun
completes the load, everything already stored being unchanged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from matcher.interchange.facts import NOT_FACT_STATUSES, Placed, on_timeline
from matcher.interchange.records import CodedFact, InterchangeItem
from matcher.model import Patient
from matcher.nlp.vocab import Vocabulary
from matcher.store import Store
from matcher.store.ingest import (
    IngestReport,
    Reject,
    Row,
    _BadRow,
    _put_patient,
    _reject,
    _store_row,
    load_in_batches,
    load_row,
)

__all__ = ["load_items"]


def load_items(
    store: Store,
    items: Iterable[InterchangeItem],
    report: IngestReport,
    *,
    vocabulary: Vocabulary,
    reject: Callable[[Reject], None] | None = None,
    source: Path | None = None,
) -> None:
    """Store every item of one reader's output; counts go to `report` (rows, new, changed,
    unchanged, rejected for notes; patients; facts, fact_outcomes, unmapped_codes,
    values_left_out, skipped for coded facts). Notes are parsed afterwards by the caller
    (`ingest_files`' parse step), as for JSONL.

    `reject` takes every bad item (default: kept in the store's rejects and the report, as
    `matcher ingest` does; the nightly job passes its own). With `source`, a file that
    turns out mid-way not to be an export is a reject of that file (the nightly job goes
    on); without it, it is raised.
    """
    vocab = vocabulary
    on_reject = reject or (lambda bad: _reject(store, report, bad))
    load_in_batches(
        store,
        iter(items),
        lambda item: _load_one(store, item, report, vocab, on_reject),
        on_reject,
        source,
        "an interchange export",
    )


def _load_one(
    store: Store,
    item: InterchangeItem,
    report: IngestReport,
    vocab: Vocabulary,
    reject: Callable[[Reject], None],
) -> None:
    if isinstance(item, Reject | Row):
        load_row(store, item, report, reject)
    elif isinstance(item, Patient):
        try:
            _store_row(store, "", 0, _put_patient, item)
        except _BadRow as exc:
            # A Patient item carries no line: the reader rejects what it can see itself;
            # what only the store sees (a birth date after a stored note) is named by id.
            reason = f"patient {item.patient_id!r}: {exc}"
            reject(Reject(source_label(item), 0, reason))
            return
        report.patients += 1
    elif isinstance(item, CodedFact):
        _load_fact(store, item, report, vocab, reject)
    else:  # a reader bug: never silently dropped
        raise TypeError(f"not an interchange item: {type(item).__name__}")


def source_label(patient: Patient) -> str:
    return f"Patient/{patient.patient_id}"


def _load_fact(
    store: Store,
    fact: CodedFact,
    report: IngestReport,
    vocab: Vocabulary,
    reject: Callable[[Reject], None],
) -> None:
    report.facts += 1
    if fact.status in NOT_FACT_STATUSES:
        _count(report.skipped, fact.status or "")
        try:
            _store_row(store, fact.file, fact.line, _drop_fact, fact)
        except _BadRow as exc:
            reject(Reject(fact.file, fact.line, f"{fact.source}: {exc}"))
        return
    try:
        placed = on_timeline(fact, vocab)
        outcome = _store_row(store, fact.file, fact.line, _put_fact, placed)
    except _BadRow as exc:
        reject(Reject(fact.file, fact.line, f"{fact.source}: {exc}"))
        return
    except (ValueError, TypeError) as exc:  # a value the reader let through: this fact only
        reason = f"{fact.source}: the fact could not be placed ({type(exc).__name__})"
        reject(Reject(fact.file, fact.line, reason))
        return
    _count(report.fact_outcomes, placed.outcome)
    _count(report.fact_loads, outcome)
    if placed.outcome == "unmapped":
        _count(report.unmapped_codes, f"{fact.code_system}|{fact.code}")
    elif placed.reason is not None:
        _count(report.values_left_out, placed.reason)


def _put_fact(store: Store, placed: Placed) -> str:
    return store.put_coded(placed.record, placed.note, placed.findings)


def _drop_fact(store: Store, fact: CodedFact) -> bool:
    return store.drop_coded(fact.source, fact.patient_id)


def _count(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


def summary(report: IngestReport) -> dict[str, object]:
    """The coded-fact part of a load report, for the CLI and the nightly job's counts."""
    return {
        "facts": report.facts,
        "fact_outcomes": dict(report.fact_outcomes),
        "fact_loads": dict(report.fact_loads),
        "unmapped_codes": dict(report.unmapped_codes),
        "values_left_out": dict(report.values_left_out),
        "skipped": dict(report.skipped),
    }
