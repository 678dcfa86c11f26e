"""Loading interchange items (matcher.interchange.load): patients, note rows, rejects and coded
facts from any reader, stored as JSONL ingest stores notes, with coded facts on the
timeline as structured findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from matcher import api
from matcher.interchange.load import load_items
from matcher.interchange.records import CodedFact
from matcher.model import Assertion, Note, Patient
from matcher.store import Store
from matcher.store.ingest import IngestReport, Reject, Row

LOINC = "http://loinc.org"


def alt(value: float = 85.0, unit: str | None = "U/L", **changes: object) -> CodedFact:
    fact = CodedFact(
        patient_id="P-001",
        source="Observation/123",
        file="export.ndjson",
        line=3,
        code_system=LOINC,
        code="1742-6",
        concept="lab.alt",
        date=dt.date(2026, 11, 2),
        value=value,
        unit=unit,
        ref_low=7.0,
        ref_high=40.0,
        status="final",
    )
    return dataclasses.replace(fact, **changes)


def note_row(text: str = "Seen today. ALT 85 U/L.") -> Row:
    note = Note("P-001", "DocumentReference/9", dt.date(2026, 11, 2), text, "progress")
    return Row("export.ndjson", 2, note, Patient("P-001"))


def load(db_path: Path, items: list) -> IngestReport:
    report = IngestReport()
    with Store(db_path) as store:
        load_items(store, items, report, vocabulary=api.vocabulary())
    return report


def test_items_of_every_kind_are_stored_as_jsonl_ingest_stores_them(db_path: Path) -> None:
    items = [
        Patient("P-001", dt.date(1990, 5, 1), "female"),
        note_row(),
        Reject("export.ndjson", 4, "Observation/124: field 'valueQuantity.value' is not a number"),
        alt(),
    ]
    report = load(db_path, items)
    assert (report.patients, report.new, report.rejected, report.facts) == (1, 1, 1, 1)
    with Store(db_path) as store:
        assert store.patient("P-001") == Patient("P-001", dt.date(1990, 5, 1), "female")
        # The note waits for the parser; the coded record never goes to it.
        assert [n.note_id for n in store.notes_to_parse("v1")] == ["DocumentReference/9"]
        assert store.count_notes_to_parse("v1") == 1
        [reject] = store.rejects()
        assert (reject["source_file"], reject["line"]) == ("export.ndjson", 4)
        [finding] = store.findings_for_patient("P-001")
    assert finding.note_id == "Observation/123"
    assert finding.attrs["provenance"] == "structured"
    assert finding.attrs["source"] == "Observation/123"
    assert (finding.value, finding.unit, finding.ref_low, finding.ref_high) == (85.0, "U/L", 7, 40)
    assert finding.text == "ALT 85 U/L (ref 7-40), 2026-11-02, Observation/123"
    assert finding.text[finding.start : finding.end] == finding.text


def test_the_same_resource_twice_is_one_fact_and_a_changed_one_replaces_it(
    db_path: Path,
) -> None:
    first = load(db_path, [alt(), alt()])
    assert first.fact_loads == {"new": 1, "unchanged": 1}
    again = load(db_path, [alt()])
    assert again.fact_loads == {"unchanged": 1}
    changed = load(db_path, [alt(value=120.0)])
    assert changed.fact_loads == {"changed": 1}
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
        assert finding.value == 120.0
        assert len(store.coded_facts()) == 1


def test_a_resource_now_entered_in_error_removes_its_fact_and_is_counted(db_path: Path) -> None:
    load(db_path, [alt()])
    report = load(db_path, [alt(status="entered-in-error")])
    assert report.skipped == {"entered-in-error": 1}
    with Store(db_path) as store:
        assert store.findings_for_patient("P-001") == []
        assert store.coded_facts() == []
        assert store.note("Observation/123") is None


@pytest.mark.parametrize(
    ("value", "unit", "expected_value", "expected_unit", "left_out"),
    [
        (1.2, "mg/dL", 106.08, "umol/L", None),  # converted to the canonical unit
        (106.0, "umol/L", 106.0, "umol/L", None),
        (1.2, "furlongs", None, None, "unit 'furlongs' is not a unit of serum creatinine"),
    ],
)
def test_a_coded_value_is_put_in_its_concepts_canonical_unit_or_left_out_with_the_reason(
    db_path: Path,
    value: float,
    unit: str,
    expected_value: float | None,
    expected_unit: str | None,
    left_out: str | None,
) -> None:
    fact = alt(value=value, unit=unit, code="2160-0", concept="lab.creatinine", ref_low=None,
               ref_high=None)  # fmt: skip
    report = load(db_path, [fact])
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
    assert (finding.value, finding.unit) == (expected_value, expected_unit)
    assert (float(finding.raw_value), finding.raw_unit) == (value, unit)
    assert report.values_left_out == ({left_out: 1} if left_out else {})


def test_the_reference_range_follows_the_value_into_the_canonical_unit(db_path: Path) -> None:
    fact = alt(value=1.2, unit="mg/dL", code="2160-0", concept="lab.creatinine", ref_low=0.5,
               ref_high=1.1)  # fmt: skip
    load(db_path, [fact])
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
    assert finding.ref_low == pytest.approx(44.2)
    assert finding.ref_high == pytest.approx(97.24)
    assert "(ref 0.5-1.1)" in finding.text  # the evidence shows the range as exported


def test_an_unmapped_code_is_kept_and_counted_never_put_on_the_timeline(db_path: Path) -> None:
    report = load(db_path, [alt(code="9999-9", concept=None)])
    assert report.unmapped_codes == {"http://loinc.org|9999-9": 1}
    with Store(db_path) as store:
        assert store.findings_for_patient("P-001") == []
        [record] = store.coded_facts()
    assert (record["code"], record["outcome"], record["concept"]) == ("9999-9", "unmapped", None)


def test_a_refuted_condition_is_a_negated_finding(db_path: Path) -> None:
    condition = CodedFact(
        patient_id="P-001", source="Condition/7", file="x.ndjson", line=1,
        code_system="http://snomed.info/sct", code="68815009", concept="dx.lupus_nephritis",
        date=dt.date(2025, 1, 10), status="active", attrs={"assertion": "negated"},
    )  # fmt: skip
    load(db_path, [condition])
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
    assert finding.assertion is Assertion.NEGATED
    assert finding.text == "not: lupus nephritis (SNOMED 68815009), 2025-01-10, Condition/7"


def test_a_resource_id_of_another_patient_is_a_reject_and_the_rest_loads(db_path: Path) -> None:
    report = load(db_path, [alt(), alt(patient_id="P-002", line=9), note_row()])
    assert report.rejected == 1
    assert report.rejects[0].line == 9
    assert "already stored for patient 'P-001'" in report.rejects[0].reason
    assert report.new == 1


def test_the_same_record_giving_another_finding_replaces_the_stored_one(
    db_path: Path,
) -> None:
    # The export did not change; what the engine makes of it did (the loader's content
    # hash covers the finding, not only the record as exported).
    from matcher.interchange.facts import on_timeline
    from matcher.nlp.vocab import load_vocabulary

    fact = alt()
    placed = on_timeline(fact, load_vocabulary())
    with Store(db_path) as store:
        assert store.put_coded(placed.record, placed.note, placed.findings) == "new"
        moved = dataclasses.replace(placed.findings[0], value=86.0)
        assert store.put_coded(placed.record, placed.note, (moved,)) == "changed"
        [finding] = store.findings_for_patient("P-001")
    assert finding.value == 86.0


@pytest.mark.parametrize(
    ("answer", "result"),
    [("Negative", "negative"), ("positive", "positive"), ("Not detected", "negative"),
     ("Reactive", "positive"), ("Non-reactive", "negative"), ("Equivocal", "equivocal"),
     ("Indeterminate", "equivocal")],
)  # fmt: skip
def test_a_coded_qualitative_answer_is_the_result_a_serology_criterion_reads(
    db_path: Path, answer: str, result: str
) -> None:
    # Notes give "HBsAg negative" as attrs["result"] with no value; eval_serology reads that.
    fact = alt(code="5196-1", concept="lab.hbsag", value=answer, unit=None, ref_low=None,
               ref_high=None)  # fmt: skip
    load(db_path, [fact])
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
    assert (finding.value, finding.attrs["result"]) == (None, result)
    assert finding.raw_value == answer
    assert finding.text.startswith(f"{finding.text.split()[0]} {answer}, 2026-11-02")


def test_a_free_text_answer_stays_a_value_and_is_no_result(db_path: Path) -> None:
    load(db_path, [alt(code="5196-1", concept="lab.hbsag", value="see comment", unit=None)])
    with Store(db_path) as store:
        [finding] = store.findings_for_patient("P-001")
    assert finding.value == "see comment" and "result" not in finding.attrs
