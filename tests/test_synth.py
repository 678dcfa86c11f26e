"""matcher.tools.synth and `matcher synth`: synthetic notes for benchmarks and load tests.

The generator is not accuracy evidence; these tests check that its output is a valid,
deterministic, streamed note export that loads cleanly and exercises the NLP pipeline.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher import api
from matcher.cli import cli
from matcher.store import Store
from matcher.store.ingest import IngestReport, Reject, Row, load_rows, read_rows
from matcher.tools import synth
from matcher.tools.synth import (
    NOTE_TYPES,
    REFERENCE_DATE,
    SynthStats,
    cohort,
    generate_notes,
    write_notes,
)

LN_DIAGNOSIS = re.compile(r"(?:Diagnosis|Conclusion|DIAGNOSIS): Lupus nephritis, ")


def _by_patient(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = collections.defaultdict(list)
    for row in rows:
        grouped[row["patient_id"]].append(row)
    return grouped


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    """300 patients (about 3,000 notes), seed 0."""
    return list(generate_notes(300, seed=0))


def test_same_seed_gives_the_same_bytes_and_another_seed_differs(tmp_path: Path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert write_notes(a, 40, seed=5) == write_notes(b, 40, seed=5)
    write_notes(c, 40, seed=6)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert a.read_bytes().count(b"\n") > 40 * 3


def test_a_patient_does_not_depend_on_how_many_come_before_or_after():
    ten = list(generate_notes(10, seed=3))
    first_five = list(generate_notes(5, seed=3))
    assert ten[: len(first_five)] == first_five
    shifted = list(generate_notes(2, seed=3, start_id=7))
    assert [r for r in ten if r["patient_id"] in ("SYN0000008", "SYN0000009")] == shifted


def test_ids_dates_and_demographics(sample: list[dict]):
    note_ids = [r["note_id"] for r in sample]
    assert len(note_ids) == len(set(note_ids))
    patients = _by_patient(sample)
    assert len(patients) == 300
    assert set(patients) == {f"SYN{n:07d}" for n in range(1, 301)}
    counts = [len(notes) for notes in patients.values()]
    assert min(counts) >= 3 and max(counts) <= 20
    assert 8.5 <= sum(counts) / len(counts) <= 11.5  # about 10 notes per patient
    with_demographics = 0
    for pid, notes in patients.items():
        number = int(pid[3:])
        for k, row in enumerate(notes, start=1):
            assert row["note_id"] == f"S{number:07d}-{k:02d}"
            assert set(row) <= {
                "patient_id", "note_id", "note_date", "note_type", "text", "birth_date", "sex"
            }  # fmt: skip
            assert dt.date.fromisoformat(row["note_date"]) <= REFERENCE_DATE
        dates = [r["note_date"] for r in notes]
        assert dates == sorted(dates)
        if "birth_date" in notes[0]:
            with_demographics += 1
            birth = dt.date.fromisoformat(notes[0]["birth_date"])
            age = REFERENCE_DATE.year - birth.year
            age -= (REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth.month, birth.day)
            assert 2 <= age <= 25
            assert notes[0]["sex"] in ("F", "M")
            assert all(dt.date.fromisoformat(r["note_date"]) > birth for r in notes)
    # Most patients carry structured demographics; a few have their age only in the text.
    assert 0.8 * len(patients) <= with_demographics < len(patients)


def test_every_row_loads_through_the_engines_loader(tmp_path: Path):
    path = tmp_path / "synth.jsonl"
    written = write_notes(path, 200, seed=11)
    items = list(read_rows(path))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert rejects == []
    assert len(items) == written
    assert all(isinstance(i, Row) and i.note.note_type in NOTE_TYPES for i in items)
    store = Store(tmp_path / "t.db")
    try:
        report = IngestReport()
        load_rows(store, iter(read_rows(path)), report, rejects.append)
        assert rejects == []
        assert (report.rows, report.new) == (written, written)
        assert len(store.patients()) == 200
        again = IngestReport()
        load_rows(store, iter(read_rows(path)), again, rejects.append)
        assert again.unchanged == written  # same content: nothing to reload
    finally:
        store.close()


def test_mix_of_patients_and_note_types(sample: list[dict]):
    patients = _by_patient(sample)
    types = collections.Counter(r["note_type"] for r in sample)
    assert set(types) == set(NOTE_TYPES)
    assert types["clinic"] > types["discharge"] and types["lab"] > types["flow"]
    cohorts = {pid: cohort(int(pid[3:]), seed=0) for pid in patients}
    share = collections.Counter(
        c if c in ("lupus_nephritis", "sle") else "other" for c in cohorts.values()
    )
    assert 0.2 * 300 <= share["lupus_nephritis"] <= 0.4 * 300
    assert 0.08 * 300 <= share["sle"] <= 0.22 * 300
    assert 0.45 * 300 <= share["other"] <= 0.65 * 300
    assert len(set(cohorts.values())) >= 12  # many different non-lupus conditions
    # The notes agree with the cohort: only lupus nephritis patients have LN on a biopsy,
    # and every one of them has a renal biopsy report in the notes.
    for pid, notes in patients.items():
        has_ln_biopsy = any(LN_DIAGNOSIS.search(r["text"]) for r in notes)
        assert has_ln_biopsy == (cohorts[pid] == "lupus_nephritis"), pid
    texts = "\n".join(r["text"] for r in sample)
    for form in ("mg/mmol", "g/g", "mg/mg", "g/day", "MMF", "TAC", "RTX", "HCQ", "CYC"):
        assert form in texts, form
    assert re.search(r"\b\d{2}/\d{2}/20\d\d\b", texts)  # dd/mm/yyyy
    assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} 20\d\d\b", texts)  # 12 Mar 2026
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", texts)  # ISO
    for heading in ("HPI:", "Medications:", "Assessment:", "Plan:", "Family history:"):
        assert heading in texts, heading
    assert re.search(r"^Test +Result +Units +Reference$", texts, re.M)  # a fixed-width table


def test_note_lengths_by_type(tmp_path: Path, sample: list[dict]):
    stats = SynthStats()
    write_notes(tmp_path / "s.jsonl", 300, seed=0, stats=stats)
    words = collections.defaultdict(list)
    for row in sample:
        words[row["note_type"]].append(len(row["text"].split()))
    # The stats count words as str.split() does, for the very same notes.
    assert stats.words == sum(map(sum, words.values()))
    assert stats.notes == len(sample) and stats.patients == 300
    mean = {t: sum(w) / len(w) for t, w in words.items()}
    assert mean == pytest.approx(stats.mean_words())
    assert 200 <= mean["clinic"] <= 400
    assert max(words["clinic"]) >= 500 and min(words["clinic"]) <= 150
    assert min(words["discharge"]) >= 600 and max(words["discharge"]) <= 1000
    assert mean["lab"] <= 80
    # Varied wording: no two clinic notes are the same text.
    clinic = [r["text"] for r in sample if r["note_type"] == "clinic"]
    assert len(set(clinic)) == len(clinic)


def test_generation_streams(monkeypatch: pytest.MonkeyPatch):
    planned = []
    real = synth._make_patient

    def counting(rng, no):
        planned.append(no)
        return real(rng, no)

    monkeypatch.setattr(synth, "_make_patient", counting)
    notes = generate_notes(200, seed=0)
    assert planned == []  # nothing happens before the first row is asked for
    first = next(notes)
    assert first["patient_id"] == "SYN0000001" and planned == [1]
    monkeypatch.undo()
    # Memory stays flat: the peak while streaming 400 patients is far below their text.
    tracemalloc.start()
    try:
        total = sum(len(r["text"]) for r in generate_notes(400, seed=1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > 4_000_000
    assert peak < total / 4


def test_an_interrupted_write_leaves_no_partial_file(tmp_path: Path, monkeypatch):
    out = tmp_path / "notes.jsonl"
    out.write_text("previous export\n")
    real_rows = synth._rows

    def failing(*args):
        for n, item in enumerate(real_rows(*args)):
            if n == 25:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(synth, "_rows", failing)
    with pytest.raises(KeyboardInterrupt):
        write_notes(out, 50, seed=0)
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.jsonl"]


def test_cli_writes_the_file_and_prints_a_summary(tmp_path: Path):
    out = tmp_path / "synth.jsonl"
    result = CliRunner().invoke(
        cli, ["synth", "--patients", "12", "--out", str(out), "--seed", "4"]
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    words = sum(len(r["text"].split()) for r in rows)
    summary = result.output.strip()
    assert "\n" not in summary
    match = re.fullmatch(
        r"synth: wrote (\d+) notes for (\d+) patients \((\d+) words\) to (.+) in [\d.]+ s", summary
    )
    assert match, summary
    assert match.groups() == (str(len(rows)), "12", str(words), str(out))
    assert len({r["patient_id"] for r in rows}) == 12
    assert out.read_bytes() == _bytes(tmp_path / "again.jsonl", 12, 4)


def _bytes(path: Path, patients: int, seed: int) -> bytes:
    write_notes(path, patients, seed)
    return path.read_bytes()


def test_cli_refuses_no_patients(tmp_path: Path):
    result = CliRunner().invoke(cli, ["synth", "--patients", "0", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_the_pipeline_finds_lupus_nephritis_facts_in_synthetic_notes():
    rows = list(generate_notes(20, seed=0))
    parsed = api.parser().parse_many(
        (r["text"], r["note_id"], dt.date.fromisoformat(r["note_date"]), r["note_type"])
        for r in rows
    )
    affirmed: dict[str, set[str]] = collections.defaultdict(set)
    for row, findings in zip(rows, parsed, strict=True):
        for f in findings:
            if str(f.assertion) == "affirmed":
                affirmed[row["patient_id"]].add(f.concept)
    patients = _by_patient(rows)
    lupus_nephritis = [pid for pid in patients if cohort(int(pid[3:]), seed=0) == "lupus_nephritis"]
    assert len(lupus_nephritis) >= 3
    for pid in lupus_nephritis:
        concepts = affirmed[pid]
        assert {"dx.sle", "dx.lupus_nephritis", "proc.kidney_biopsy", "lab.upcr"} <= concepts, pid
        assert {"drug.glucocorticoid", "drug.mycophenolate", "drug.tacrolimus"} & concepts, pid
        assert "score.sledai" in concepts or "lab.cd19" in concepts, pid
    others = [pid for pid in patients if pid not in lupus_nephritis]
    assert any("lab.hemoglobin" in affirmed[pid] for pid in others)


def test_synth_format_fhir_writes_the_same_patients_as_fhir_that_load_without_a_reject(
    tmp_path: Path,
):
    from matcher import api
    from matcher.store import Store

    out = tmp_path / "synth.ndjson"
    result = CliRunner().invoke(
        cli, ["synth", "--patients", "6", "--out", str(out), "--seed", "4", "--format", "fhir"]
    )
    assert result.exit_code == 0, result.output
    resources = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    notes = [json.loads(line) for line in _bytes(tmp_path / "n.jsonl", 6, 4).splitlines()]
    kinds = {r["resourceType"] for r in resources}
    assert {"Patient", "DocumentReference", "DiagnosticReport", "Observation"} <= kinds
    # The notes are the JSONL output's, text for text.
    texts = [r for r in resources if r["resourceType"] in ("DocumentReference",
                                                          "DiagnosticReport")]  # fmt: skip
    assert [t["id"] for t in texts] == [n["note_id"] for n in notes]
    assert f"as {len(resources)} FHIR resources" in result.output
    with Store(tmp_path / "m.db") as store:
        report = api.ingest([out], store)
        by_note = {n.note_id.partition("/")[2]: n.text for p in store.patients()
                   for n in store.notes_for_patient(p.patient_id)
                   if n.note_type != "structured"}  # fmt: skip
    assert report.rejected == 0
    assert all(by_note[n["note_id"]] == n["text"] for n in notes)
    # Labs with a LOINC code in our vocabulary go on the timeline; a local code is kept.
    assert report.fact_outcomes["timeline"] > 0
    assert any(key.startswith("urn:matcher:synth:lab|") for key in report.unmapped_codes)


def test_synth_fhir_is_the_same_bytes_for_the_same_seed(tmp_path: Path):
    from matcher.tools.synth.fhir import write_fhir

    write_fhir(tmp_path / "a.ndjson", 5, 9, vocabulary=api.vocabulary())
    write_fhir(tmp_path / "b.ndjson", 5, 9, vocabulary=api.vocabulary())
    assert (tmp_path / "a.ndjson").read_bytes() == (tmp_path / "b.ndjson").read_bytes()
