"""The FHIR R4 reader (matcher.interchange.fhir) on fixtures written for it
(tests/data/fhir: make_fixtures.py writes export.ndjson and bundle.json), and FHIR through
`matcher ingest`."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher import api
from matcher.cli import cli
from matcher.errors import ConfigurationError
from matcher.interchange.fhir import FhirReader, html_to_text, looks_like_fhir
from matcher.interchange.records import CodedFact
from matcher.model import Assertion, Patient
from matcher.nlp.vocab import load_vocabulary
from matcher.store import Store
from matcher.store.ingest import Reject, Row
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "data" / "fhir"
EXPORT = FIXTURES / "export.ndjson"
BUNDLE = FIXTURES / "bundle.json"
TODAY = dt.date(2026, 11, 20)


def read(path: Path) -> list:
    return list(FhirReader(load_vocabulary(), today=TODAY).read(path))


def by_source(items: list) -> dict[str, CodedFact]:
    return {i.source: i for i in items if isinstance(i, CodedFact)}


def test_the_fixtures_are_what_make_fixtures_writes(tmp_path: Path) -> None:
    # The committed fixtures and their generator must not drift apart.
    import runpy

    runpy.run_path(str(FIXTURES / "make_fixtures.py"))["write"](tmp_path)
    for name in ("export.ndjson", "bundle.json"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_every_resource_type_of_an_ndjson_export_becomes_its_item() -> None:
    items = read(EXPORT)
    patients = [i for i in items if isinstance(i, Patient)]
    assert patients == [
        Patient("F-1", dt.date(2012, 5, 19), "F"),
        Patient("F-2", dt.date(1985, 3, 4), "M"),
        Patient("F-3", None, None),  # gender "unknown", a birth year only: nothing guessed
    ]
    notes = {i.note.note_id: i.note for i in items if isinstance(i, Row)}
    assert set(notes) == {"DocumentReference/doc-1", "DocumentReference/doc-2",
                          "DiagnosticReport/dr-1"}  # fmt: skip
    assert notes["DiagnosticReport/dr-1"].note_date == dt.date(2026, 10, 3)
    assert "class IV" in notes["DiagnosticReport/dr-1"].text
    assert notes["DocumentReference/doc-2"].text == (
        "Clinic letter\n\nKnown SLE.\n\nCreatinine 150 umol/L & rising."
    )
    facts = by_source(items)
    alt = facts["Observation/obs-alt-1"]
    assert (alt.patient_id, alt.concept, alt.value, alt.unit, alt.ref_low, alt.ref_high, alt.date) \
        == ("F-1", "lab.alt", 85.0, "U/L", 7.0, 40.0, dt.date(2026, 11, 2))
    assert facts["MedicationStatement/ms-1"].concept == "drug.mycophenolate"
    assert facts["MedicationStatement/ms-1"].attrs["dose"] == 600.0
    assert facts["MedicationRequest/mr-1"].attrs["stop"] == dt.date(2026, 9, 30)
    # A Medication given by reference elsewhere in the file.
    assert facts["MedicationAdministration/ma-1"].concept == "drug.rituximab"
    assert facts["Condition/c-1"].concept == "dx.sle"
    assert facts["Condition/c-2"].attrs["assertion"] == "negated"  # refuted
    assert facts["Procedure/p-1"].concept == "proc.kidney_biopsy"  # not the biopsy finding
    assert facts["Observation/obs-alt-err"].status == "entered-in-error"
    assert facts["Observation/obs-unmapped"].concept is None


@pytest.mark.parametrize(
    ("system", "code", "concept"),
    [
        ("http://www.whocc.no/atc", "H02AB06", "drug.glucocorticoid"),  # prednisolone's class
        ("http://hl7.org/fhir/sid/icd-10-cm", "M32.0", "dx.drug_induced_lupus"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "M32.14", None),  # no parent in our vocabulary
        ("http://loinc.org", "99999-9", None),
        ("http://example.org/local", "ALT", None),
    ],
)
def test_codes_map_through_the_vocabulary_and_their_parents_never_by_guess(
    system: str, code: str, concept: str | None
) -> None:
    reader = FhirReader(load_vocabulary(), today=TODAY)
    kind = "Medication" if "atc" in system else "Condition" if "icd" in system else "Observation"
    assert reader._concept(system, code, kind) == concept


def test_bad_resources_are_rejects_naming_file_line_resource_and_field_never_the_value() -> None:
    rejects = {i.line: i.reason for i in read(EXPORT) if isinstance(i, Reject)}
    assert rejects == {
        9: "invalid JSON: Expecting property name enclosed in double quotes at column 1",
        10: "Observation/obs-bad-value: field 'valueQuantity.value' is not valid (value_error)",
        24: "Observation/obs-no-subject: missing field 'subject.reference'",
        25: "DocumentReference/doc-url: attachment given by 'url' only; nothing is fetched",
    }
    assert not any("eighty-five" in reason for reason in rejects.values())


def test_a_bundle_resolves_urn_uuid_references_and_numbers_entries() -> None:
    items = read(BUNDLE)
    assert Patient("B-1", dt.date(2001, 2, 3), "F") in items
    assert by_source(items)["Observation/b-alt"].patient_id == "B-1"
    [row] = [i for i in items if isinstance(i, Row)]
    assert (row.note.patient_id, row.line) == ("B-1", 3)
    [reject] = [i for i in items if isinstance(i, Reject)]
    assert (reject.line, reject.reason) == (4, "Observation/b-bad: field 'code' is not valid "
                                               "(missing)")  # fmt: skip


@pytest.mark.parametrize(
    ("path", "fhir"),
    [(EXPORT, True), (BUNDLE, True), (REPO / "examples" / "notes.jsonl", False)],
)
def test_the_format_is_told_from_the_content(path: Path, fhir: bool) -> None:
    assert looks_like_fhir(path) is fhir


def test_a_note_row_quoting_a_resource_type_is_still_a_note_export(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    row = {"patient_id": "P1", "note_id": "N1", "note_date": "2026-01-01",
           "text": 'pasted {"resourceType": "Observation"}'}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    assert not looks_like_fhir(path)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>ALT 85</p><p>AST 40</p>", "ALT 85\n\nAST 40"),  # paragraphs apart
        ("ALT 85<br>AST 40", "ALT 85\nAST 40"),
        ("<div>a &lt; b &amp;amp; c</div>", "a < b &amp; c"),  # entities decoded once
        ("<style>p{}</style><script>x()</script><b>SLE</b>", "SLE"),
        ("<table><tr><td>Hb</td><td>98</td></tr></table>", "Hb 98"),
    ],
)
def test_html_notes_are_read_as_a_person_reads_them(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_a_note_attachment_in_another_charset_is_decoded_by_it(tmp_path: Path) -> None:
    text = "Créatinine 80 µmol/L"
    doc = {"resourceType": "DocumentReference", "id": "d1", "status": "current",
           "subject": {"reference": "Patient/P1"}, "date": "2026-01-02T00:00:00Z",
           "content": [{"attachment": {"contentType": "text/plain; charset=iso-8859-1",
                                       "data": base64.b64encode(text.encode("latin-1")).decode()}}]}
    path = tmp_path / "x.ndjson"
    path.write_text(json.dumps(doc) + "\n")
    [row] = read(path)
    assert row.note.text == text


def test_fhir_through_matcher_ingest_loads_notes_and_coded_facts(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(EXPORT), str(BUNDLE), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "rejected 5 row(s)" in result.output
    assert "coded facts 14: 12 on the timeline (13 new), 1 unmapped" in result.output
    assert "skipped: entered-in-error 1, resourceType Encounter 1" in result.output
    with Store(db_path) as store:
        assert store.patient("F-1") == Patient("F-1", dt.date(2012, 5, 19), "F")
        concepts = {f.concept for f in store.findings_for_patient("F-2")}
        negated = [f for f in store.findings_for_patient("F-2") if f.concept ==
                   "dx.lupus_nephritis" and f.attrs.get("provenance") == "structured"]  # fmt: skip
    assert {"drug.tacrolimus", "dx.drug_induced_lupus", "lab.creatinine"} <= concepts
    assert [f.assertion for f in negated] == [Assertion.NEGATED]
    again = CliRunner().invoke(cli, ["ingest", str(EXPORT), "--db", str(db_path)])
    assert "0 new" in again.output and "(12 unchanged)" in again.output


def test_format_fhir_reads_a_file_whatever_its_name(db_path: Path, tmp_path: Path) -> None:
    odd = tmp_path / "export.txt"
    odd.write_bytes(BUNDLE.read_bytes())
    result = CliRunner().invoke(cli, ["ingest", str(odd), "--format", "fhir", "--db",
                                      str(db_path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "coded facts 1: 1 on the timeline" in result.output


def test_format_notes_reads_every_file_as_a_note_export(db_path: Path) -> None:
    with Store(db_path) as store, pytest.raises(ConfigurationError, match="one JSON document"):
        api.ingest([BUNDLE], store, fmt="notes")


def test_nightly_reads_a_folder_of_fhir_and_note_exports_by_content(tmp_path: Path) -> None:
    from matcher.jobs.nightly import run_nightly

    sources = tmp_path / "exports"
    sources.mkdir()
    for fixture in (EXPORT, BUNDLE, REPO / "examples" / "notes.jsonl"):
        (sources / fixture.name).write_bytes(fixture.read_bytes())
    trials = tmp_path / "trials"
    trials.mkdir()
    (trials / "NCT06904729.txt").write_bytes((REPO / "registry_dumps" / "NCT06904729.txt")
                                             .read_bytes())  # fmt: skip
    db, reports = tmp_path / "m.db", tmp_path / "reports"

    def run() -> object:
        return run_nightly([sources], trials, db, TODAY, reports, progress="quiet", workers=1,
                           all_trials=True)

    first = run()
    assert first.rejected == 5
    assert first.coded == {"facts": 14, "timeline": 12, "unmapped": 1, "values_left_out": 1,
                           "skipped": 2}  # fmt: skip
    [trial] = first.trials
    with Store(db) as store:
        assert {"F-1", "F-2", "B-1", "P-001"} <= {p.patient_id for p in store.patients()}
        assert store.count_notes_to_parse(first.pipeline_version) == 0
    assert "14 coded fact(s) read: 12 on the timeline" in (
        reports / f"{TODAY.isoformat()}.md").read_text()
    again = run()  # byte-identical files are skipped by digest
    assert again.new == 0 and again.coded == {}


def test_the_readme_fhir_example_loads_without_a_reject(db_path: Path) -> None:
    example = str(REPO / "examples" / "fhir.ndjson")
    result = CliRunner().invoke(cli, ["ingest", example, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "rejected 0 row(s)" in result.output
    assert "coded facts 11: 11 on the timeline (11 new)" in result.output
    assert "matcher ingest examples/fhir.ndjson" in (REPO / "README.md").read_text()
