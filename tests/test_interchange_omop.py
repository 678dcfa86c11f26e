"""The OMOP CDM v5.4 reader (matcher.interchange.omop) and its concept map
(matcher/interchange/data/omop_concepts.jsonl): tables as CSV files or a SQLite file become
patients, note rows, coded facts and rejects; unknown codes are kept and counted, never guessed.
The fixture is tests/data/omop (its README says what each row is for)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import ConfigurationError, VocabularyError
from matcher.interchange.omop import (
    TABLES,
    codes_from_vocabulary,
    is_omop,
    read_omop,
)
from matcher.interchange.omop_map import MAP_FILE, bundled_map_text, parse_concept_map
from matcher.interchange.records import CodedFact
from matcher.model import Patient
from matcher.nlp.vocab import load_vocabulary
from matcher.store.ingest import Reject, Row
from tests.conftest import AS_OF, REPO

FIXTURE = REPO / "tests" / "data" / "omop"


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    return codes_from_vocabulary(load_vocabulary().concepts)


def _read(source: Path, codes: dict[str, str], counts: Counter[str] | None = None) -> list:
    return list(read_omop(source, codes=codes, today=AS_OF, counts=counts))


def _facts(items: list) -> dict[str, CodedFact]:
    return {i.source: i for i in items if isinstance(i, CodedFact)}


# --- what the fixture becomes ---------------------------------------------------------------


def test_persons_become_patients_known_by_their_source_value_else_their_person_id(codes):
    patients = [i for i in _read(FIXTURE, codes) if isinstance(i, Patient)]
    assert patients == [
        Patient("OMOP-001", dt.date(1990, 5, 14), "F"),
        Patient("2", dt.date(1985, 2, 1), "M"),
        # Year of birth only: the birth date is unknown, not 1 July 1970.
        Patient("OMOP-003", None, "F"),
    ]


def test_a_note_row_becomes_a_note_of_its_person_with_the_persons_demographics(codes):
    rows = [i for i in _read(FIXTURE, codes) if isinstance(i, Row)]
    notes = [r.note for r in rows]
    assert [(n.note_id, n.patient_id, n.note_date, n.note_type) for n in notes] == [
        ("10", "OMOP-001", dt.date(2026, 11, 2), "clinic"),
        ("N-11", "2", dt.date(2026, 10, 15), "clinic"),
    ]  # fmt: skip
    assert rows[0].note.text == "Rheumatology clinic.\nALT 85 U/L today. Continue tacrolimus."
    assert rows[0].patient == Patient("OMOP-001", dt.date(1990, 5, 14), "F")
    assert (rows[0].file, rows[0].line) == (str(FIXTURE / "note.csv"), 2)


@pytest.mark.parametrize(
    ("source", "patient", "concept", "date", "value", "unit"),
    [
        # mapped by the concept id the map lists
        ("measurement 100", "OMOP-001", "lab.alt", "2026-11-02", 85.0, "U/L"),
        ("measurement 104", "2", "lab.creatinine", "2026-10-15", None, "mg/dL"),
        ("drug_exposure 200", "OMOP-001", "drug.tacrolimus", "2026-06-01", None, None),
        ("drug_exposure 201", "OMOP-001", "drug.glucocorticoid", "2026-01-01", None, None),
        ("condition_occurrence 300", "OMOP-001", "dx.sle", "2020-03-01", None, None),
        ("condition_occurrence 303", "OMOP-003", "dx.pregnancy", "2026-08-01", None, None),
        ("procedure_occurrence 400", "OMOP-001", "proc.kidney_biopsy", "2026-03-01", None, None),
        # concept id 0: mapped by the source value, a code of our vocabulary
        ("measurement 101", "OMOP-001", "lab.creatinine", "2026-11-02", 1.1, "mg/dL"),
        ("measurement 103", "2", "lab.hbsag", "2026-10-15", "negative", None),
        ("drug_exposure 202", "2", "drug.methotrexate", "2026-09-01", None, None),
        ("condition_occurrence 301", "OMOP-001", "dx.lupus_nephritis", "2026-03-01", None, None),
        ("condition_occurrence 302", "2", "dx.sle", "2024-05-01", None, None),
        ("procedure_occurrence 401", "OMOP-001", "proc.kidney_biopsy", "2026-03-01", None, None),
        # unknown to the map and without a usable source code: kept, unmapped
        ("measurement 102", "OMOP-001", None, "2026-11-02", 12.0, None),
        ("procedure_occurrence 402", "2", None, "2026-02-01", None, None),
    ],
)  # fmt: skip
def test_each_event_row_becomes_a_coded_fact(codes, source, patient, concept, date, value, unit):
    fact = _facts(_read(FIXTURE, codes))[source]
    assert (fact.patient_id, fact.concept, fact.date, fact.value, fact.unit) == (
        patient, concept, dt.date.fromisoformat(date), value, unit,
    )  # fmt: skip


def test_a_measurement_keeps_its_reference_range_code_and_name(codes):
    fact = _facts(_read(FIXTURE, codes))["measurement 100"]
    assert (fact.ref_low, fact.ref_high) == (7.0, 40.0)
    assert (fact.code_system, fact.code) == ("omop", "3006923")
    assert fact.display == "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"
    assert fact.attrs["source_code"] == "LOINC:1742-6"
    assert (fact.file, fact.line) == (str(FIXTURE / "measurement.csv"), 2)


def test_a_drug_exposure_keeps_its_period_and_a_steroid_its_ingredient_name(codes):
    facts = _facts(_read(FIXTURE, codes))
    assert facts["drug_exposure 201"].attrs["start"] == "2026-01-01"
    assert facts["drug_exposure 201"].attrs["stop"] == "2026-10-01"
    # The note parser converts steroid doses by the steroid's name: the fact names it.
    assert facts["drug_exposure 201"].display == "prednisone"
    assert facts["drug_exposure 200"].attrs["stop"] is None


def test_a_value_with_an_operator_other_than_equals_is_a_bound_not_a_value(codes):
    counts: Counter[str] = Counter()
    fact = _facts(_read(FIXTURE, codes, counts))["measurement 104"]
    # "<0.3" read as 0.3 would pass "creatinine < 0.3" on a number nobody measured.
    assert fact.value is None
    assert (fact.attrs["operator"], fact.attrs["bound"]) == ("<", 0.3)
    assert counts["value: censored (an operator other than =)"] == 1


def test_an_unknown_unit_concept_leaves_the_unit_out_and_is_counted(codes):
    counts: Counter[str] = Counter()
    fact = _facts(_read(FIXTURE, codes, counts))["measurement 108"]
    assert fact.unit is None
    assert fact.attrs["unit_concept_id"] == 9999
    assert counts["unit: unknown unit_concept_id"] == 1


def test_unknown_codes_are_kept_unmapped_with_their_code(codes):
    facts = _facts(_read(FIXTURE, codes))
    unmapped = sorted(
        (f.source, f.code_system, f.code) for f in facts.values() if f.concept is None
    )
    assert unmapped == [
        ("measurement 102", "omop", "3012345"),
        ("procedure_occurrence 402", "omop", "4012345"),
    ]


def test_an_identical_repeated_row_is_one_fact(codes):
    sources = [i.source for i in _read(FIXTURE, codes) if isinstance(i, CodedFact)]
    assert sources.count("measurement 100") == 1


# --- rejects ------------------------------------------------------------------------------


REJECTS = [
    ("person.csv", 5, "field 'person_id' is not an integer (text of 3 characters)", "abc"),
    ("person.csv", 6, "person_id 5: the birth date is after the run date 2026-11-20", "2090"),
    ("note.csv", 5, "note_id 12: person_id 99 is not in the person table", None),
    ("note.csv", 6, "note_id 13: missing field 'text'", None),
    ("measurement.csv", 7, "measurement_id 105: field 'measurement_date' is not a real date "
     "(YYYY-MM-DD with the month or day out of range)", "2026-13-40"),
    ("measurement.csv", 8, "measurement_id 106: field 'value_as_number' is not a number "
     "(text of 6 characters)", "eighty"),
    ("measurement.csv", 9, "measurement_id 107: field 'measurement_date' is after the run date "
     "2026-11-20 (by more than the 1 day allowed for time zones)", "2030"),
    ("measurement.csv", 11, "measurement_id 101 comes twice with different content "
     "(first on line 3)", "1.4"),
    ("drug_exposure.csv", 5, "drug_exposure_id 203: drug_exposure_end_date is before "
     "drug_exposure_start_date", "2026-08-01"),
    ("condition_occurrence.csv", 6, "condition_occurrence_id 304: missing field 'person_id'", None),
]  # fmt: skip


def test_each_bad_row_is_a_reject_naming_file_line_id_and_field_and_the_rest_loads(codes):
    items = _read(FIXTURE, codes)
    rejects = [(Path(r.file).name, r.line, r.reason) for r in items if isinstance(r, Reject)]
    assert rejects == [(file, line, reason) for file, line, reason, _ in REJECTS]
    assert sum(isinstance(i, CodedFact) for i in items) == 16


@pytest.mark.parametrize(("file", "line", "reason", "value"), REJECTS)
def test_a_reject_reason_never_echoes_the_rows_value(codes, file, line, reason, value):
    if value is not None:
        assert value not in reason


# --- source codes -------------------------------------------------------------------------


def _one_table(tmp_path: Path, table: str, header: str, row: str) -> Path:
    folder = tmp_path / "cdm"
    folder.mkdir()
    (folder / "person.csv").write_text("person_id,person_source_value\n1,P1\n", encoding="utf-8")
    (folder / f"{table}.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("table", "source_value", "concept"),
    [
        ("measurement", "1742-6", "lab.alt"),
        ("measurement", "LOINC:1742-6", "lab.alt"),
        ("measurement", "loinc 1742-6", "lab.alt"),
        ("measurement", "ALT", None),  # a name, not a code: never matched by words
        ("measurement", "99999-9", None),  # a LOINC code our vocabulary lacks
        ("condition_occurrence", "55464009", "dx.sle"),  # SNOMED
        ("condition_occurrence", "ICD-10-CM M32.14", "dx.lupus_nephritis"),
        ("condition_occurrence", "M32.0", "dx.drug_induced_lupus"),  # the vocabulary's own
        ("condition_occurrence", "M32.19", "dx.sle"),  # its nearest listed ancestor, M32.1
        ("condition_occurrence", "Z94.0", "dx.transplant"),  # ancestor Z94
        ("condition_occurrence", "1742-6", None),  # a LOINC code is no condition code
        ("condition_occurrence", "85828009", None),  # two concepts carry it: decides nothing
        ("drug_exposure", "42316", "drug.tacrolimus"),  # RxNorm
        ("drug_exposure", "L04AA06", "drug.mycophenolate"),  # ATC
        ("drug_exposure", "00378350401", None),  # an NDC: no vocabulary of ours
        ("procedure_occurrence", "9911007", "proc.kidney_biopsy"),
    ],
)
def test_a_source_value_that_is_a_vocabulary_code_maps_when_the_concept_id_is_unlisted(
    tmp_path, codes, table, source_value, concept
):
    headers = {
        "measurement": "measurement_id,person_id,measurement_concept_id,measurement_date,"
        "measurement_source_value",
        "condition_occurrence": "condition_occurrence_id,person_id,condition_concept_id,"
        "condition_start_date,condition_source_value",
        "drug_exposure": "drug_exposure_id,person_id,drug_concept_id,drug_exposure_start_date,"
        "drug_source_value",
        "procedure_occurrence": "procedure_occurrence_id,person_id,procedure_concept_id,"
        "procedure_date,procedure_source_value",
    }
    folder = _one_table(tmp_path, table, headers[table], f'7,1,0,2026-01-05,"{source_value}"')
    [fact] = [i for i in _read(folder, codes) if isinstance(i, CodedFact)]
    assert fact.concept == concept


def test_codes_from_vocabulary_leaves_out_a_code_two_concepts_carry():
    vocabulary = load_vocabulary()
    codes = codes_from_vocabulary(vocabulary.concepts)
    assert codes["LOINC:1742-6"] == "lab.alt"
    assert codes["ICD10:N20.0"] == "dx.nephrolithiasis"  # an also_codes entry
    shared = [c.id for c in vocabulary.concepts.values() if c.code == "SNOMED:85828009"]
    assert len(shared) == 2 and "SNOMED:85828009" not in codes


# --- other layouts: SQLite, TSV, upper-case names -------------------------------------------


def _sqlite_copy(folder: Path, target: Path) -> Path:
    """The fixture's tables in a SQLite file, each column as the CSV gives it (empty -> NULL,
    whole numbers as INTEGER, as an OMOP database holds them)."""
    conn = sqlite3.connect(target)
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        rows = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
        header, body = rows[0], rows[1:]
        conn.execute(f'CREATE TABLE "{path.stem}" ({", ".join(header)})')
        typed = [[None if v == "" else int(v) if v.isdigit() else v for v in r] for r in body]
        conn.executemany(
            f'INSERT INTO "{path.stem}" VALUES ({", ".join("?" * len(header))})', typed
        )
    conn.commit()
    conn.close()
    return target


def _essentials(items: list) -> list:
    out = []
    for item in items:
        if isinstance(item, CodedFact):
            out.append(
                (item.source, item.patient_id, item.concept, item.date, item.value, item.unit)
            )
        elif isinstance(item, Row):
            out.append((item.note.note_id, item.note.text, item.patient))
        elif isinstance(item, Reject):
            # A SQLite row's "line" is its row number: a header line fewer than in the CSV.
            out.append(("reject", re.sub(r"first on line \d+", "first on line N", item.reason)))
        else:
            out.append(item)
    return out


def test_the_same_tables_in_a_sqlite_file_read_the_same(tmp_path, codes):
    database = _sqlite_copy(FIXTURE, tmp_path / "cdm.sqlite")
    assert is_omop(database)
    from_sqlite = _read(database, codes)
    assert _essentials(from_sqlite) == _essentials(_read(FIXTURE, codes))
    fact = _facts(from_sqlite)["measurement 100"]
    assert (fact.file, fact.line) == (f"{database}:measurement", 1)


def test_a_tab_separated_upper_case_table_file_is_read(tmp_path, codes):
    folder = tmp_path / "cdm"
    folder.mkdir()
    (folder / "PERSON.TSV").write_text("PERSON_ID\tPERSON_SOURCE_VALUE\n1\tP1\n", encoding="utf-8")
    assert _read(folder, codes) == [Patient("P1")]


def test_two_files_for_one_table_are_a_configuration_error(tmp_path, codes):
    folder = tmp_path / "cdm"
    folder.mkdir()
    for name in ("person.csv", "PERSON.tsv"):
        (folder / name).write_text("person_id\n1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="two files hold the OMOP table 'person'"):
        _read(folder, codes)


def test_a_folder_without_a_person_table_is_a_configuration_error(tmp_path, codes):
    folder = tmp_path / "cdm"
    folder.mkdir()
    shutil.copy(FIXTURE / "measurement.csv", folder)
    with pytest.raises(ConfigurationError, match="no OMOP person table"):
        _read(folder, codes)
    assert not is_omop(folder)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.jsonl", '{"patient_id": "P1"}\n', False),
        ("notes.csv", "patient_id,note_id,note_date,text\n", False),
        ("empty.sqlite", None, False),
    ],
)
def test_is_omop_tells_an_omop_export_from_a_note_export(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:
        sqlite3.connect(path).close()
    else:
        path.write_text(content, encoding="utf-8")
    assert is_omop(path) is expected
    assert is_omop(FIXTURE)


def test_a_table_without_its_required_columns_is_a_configuration_error(tmp_path, codes):
    folder = _one_table(tmp_path, "measurement", "measurement_id,person_id", "7,1")
    with pytest.raises(ConfigurationError, match="measurement_concept_id, measurement_date"):
        _read(folder, codes)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(max_size=12), min_size=4, max_size=4))
def test_any_measurement_row_is_a_fact_or_a_reject_and_never_stops_the_read(tmp_path_factory, row):
    folder = tmp_path_factory.mktemp("cdm")
    (folder / "person.csv").write_text("person_id\n1\n", encoding="utf-8")
    with (folder / "measurement.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["measurement_id", "person_id", "measurement_concept_id", "measurement_date"]
        )
        writer.writerow(row)
        writer.writerow(["9", "1", "3006923", "2026-01-05"])
    items = list(read_omop(folder, today=AS_OF))
    assert items[0] == Patient("1")
    assert isinstance(items[-1], CodedFact) and items[-1].source == "measurement 9"
    assert all(isinstance(i, CodedFact | Reject) for i in items[1:])


# --- the concept map ------------------------------------------------------------------------


def test_the_bundled_map_names_only_concepts_of_the_vocabulary_and_cites_every_id():
    concept_map = parse_concept_map(bundled_map_text(), MAP_FILE, load_vocabulary().concepts)
    assert concept_map.concepts[3006923].concept == "lab.alt"
    assert concept_map.units[8840] == "mg/dL"
    assert concept_map.source_codes["ICD10:M32.14"] == "dx.lupus_nephritis"


def test_a_map_line_giving_a_vocabulary_code_agrees_with_the_concept_that_carries_it():
    codes = codes_from_vocabulary(load_vocabulary().concepts)
    disagreeing = []
    for line in bundled_map_text().splitlines():
        row = json.loads(line)
        if row["kind"] != "concept" or "code" not in row:
            continue
        carrier = codes.get(f"{row['vocabulary']}:{row['code']}")
        if carrier is not None and carrier != row["concept"]:
            disagreeing.append((row["omop_concept_id"], row["concept"], carrier))
    assert disagreeing == []


_GOOD_SOURCE = '{"kind": "source", "id": "s", "title": "t", "url": "u"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 2: not JSON"),
        ('["a list"]', "line 2: not a JSON object"),
        ('{"kind": "colour"}', "line 2, field 'kind': unknown kind"),
        ('{"kind": "concept", "omop_concept_id": "3006923", "omop_name": "ALT", '
         '"concept": "lab.alt", "source": "s"}', "line 2, field 'omop_concept_id': not a concept id"),  # noqa: E501
        ('{"kind": "concept", "omop_concept_id": 1, "omop_name": "x", "concept": "lab.nope", '
         '"source": "s"}', "line 2, field 'concept': maps to a concept the vocabulary does not have"),  # noqa: E501
        ('{"kind": "concept", "omop_concept_id": 1, "omop_name": "x", "concept": "lab.alt", '
         '"source": "elsewhere"}', "line 2, field 'source': names a source no source line defines"),
        ('{"kind": "unit", "unit_concept_id": 8840, "ucum": "", "source": "s"}',
         "line 2, field 'ucum': missing or empty text"),
        ('{"kind": "operator", "operator_concept_id": 5, "operator": "~", "source": "s"}',
         "line 2, field 'operator': unknown value"),
        ('{"kind": "source_code", "vocabulary": "CPT4", "code": "50200", "concept": "lab.alt", '
         '"source": "s"}', "line 2, field 'vocabulary': unknown value"),
    ],
)  # fmt: skip
def test_a_bad_map_line_is_an_error_naming_the_file_line_and_field(line, message):
    with pytest.raises(VocabularyError) as caught:
        parse_concept_map(f"{_GOOD_SOURCE}\n{line}\n", "omop.jsonl", load_vocabulary().concepts)
    assert str(caught.value).startswith(f"omop.jsonl, {message}")


def test_an_id_listed_twice_in_the_map_is_an_error_naming_both_lines():
    row = '{"kind": "unit", "unit_concept_id": 8840, "ucum": "mg/dL", "source": "s"}'
    with pytest.raises(
        VocabularyError,
        match=r"line 3, field 'unit_concept_id': unit listed twice \(first on line 2\)",
    ):
        parse_concept_map(f"{_GOOD_SOURCE}\n{row}\n{row}\n", "omop.jsonl")


def test_every_table_the_reader_knows_is_in_the_fixture():
    assert {p.stem for p in FIXTURE.glob("*.csv")} == set(TABLES)


# --- the export's own vocabulary tables ------------------------------------------------------


def _with_vocabulary(tmp_path: Path, concepts: str, ancestors: str | None) -> Path:
    """Four drug exposures and two measurements whose concept ids the bundled map does not
    list, beside the export's concept (and concept_ancestor) table. The ids above 2e9 are
    in OMOP's local range: this test's own, no real vocabulary's."""
    folder = tmp_path / "cdm"
    folder.mkdir()
    (folder / "person.csv").write_text("person_id\n1\n", encoding="utf-8")
    (folder / "drug_exposure.csv").write_text(
        "drug_exposure_id,person_id,drug_concept_id,drug_exposure_start_date\n"
        "1,1,2000000001,2026-01-05\n2,1,2000000002,2026-01-05\n"
        "3,1,2000000003,2026-01-05\n4,1,2000000004,2026-01-05\n",
        encoding="utf-8",
    )
    (folder / "measurement.csv").write_text(
        "measurement_id,person_id,measurement_concept_id,measurement_date\n"
        "1,1,2000000011,2026-01-05\n2,1,2000000012,2026-01-05\n",
        encoding="utf-8",
    )
    (folder / "concept.csv").write_text(concepts, encoding="utf-8")
    if ancestors is not None:
        (folder / "concept_ancestor.csv").write_text(ancestors, encoding="utf-8")
    return folder


CONCEPTS = (
    "concept_id\tconcept_name\tdomain_id\tvocabulary_id\tconcept_class_id\tstandard_concept"
    "\tconcept_code\n"
    "2000000001\tprednisone 5 MG Oral Tablet\tDrug\tRxNorm\tClinical Drug\tS\t312617\n"
    "2000000002\ttacrolimus 1 MG Oral Capsule\tDrug\tRxNorm\tClinical Drug\tS\t198378\n"
    "2000000003\tsome combination\tDrug\tRxNorm\tClinical Drug\tS\t999999\n"
    "2000000004\ttacrolimus\tDrug\tRxNorm\tIngredient\tS\t42316\n"
    "2000000011\tUPCR\tMeasurement\tLOINC\tLab Test\tS\t2890-2\n"
    "2000000012\tTotal protein\tMeasurement\tLOINC\tLab Test\tS\t2885-2\n"
    "not-a-number\tbroken row\tDrug\tRxNorm\tIngredient\tS\t1\n"
)
ANCESTORS = (
    "ancestor_concept_id,descendant_concept_id,min_levels_of_separation,max_levels_of_separation\n"
    # prednisone (1551099, in the bundled map) is the clinical drug's ingredient
    "1551099,2000000001,1,1\n"
    # tacrolimus' ingredient concept maps by its RxNorm code (42316, the vocabulary's)
    "2000000004,2000000002,1,1\n"
    # two ingredients at one distance, mapping to different concepts: decides nothing
    "1551099,2000000003,1,1\n950637,2000000003,1,1\n"
)


def test_the_exports_concept_table_maps_an_unlisted_id_by_its_code(tmp_path, codes):
    folder = _with_vocabulary(tmp_path, CONCEPTS, None)
    counts: Counter[str] = Counter()
    facts = _facts(_read(folder, codes, counts))
    assert facts["measurement 1"].concept == "lab.upcr"
    assert facts["measurement 1"].attrs["mapped_by"] == "concept table"
    assert facts["measurement 2"].concept is None  # a LOINC code our vocabulary lacks
    assert facts["drug_exposure 4"].concept == "drug.tacrolimus"
    assert facts["drug_exposure 1"].concept is None  # its ingredient needs the ancestor table
    assert counts["vocabulary: row skipped (unreadable)"] == 1


def test_the_exports_concept_ancestor_table_maps_a_clinical_drug_to_its_ingredient(tmp_path, codes):
    folder = _with_vocabulary(tmp_path, CONCEPTS, ANCESTORS)
    facts = _facts(_read(folder, codes))
    assert (facts["drug_exposure 1"].concept, facts["drug_exposure 1"].display) == (
        "drug.glucocorticoid",
        "prednisone",
    )
    assert facts["drug_exposure 1"].attrs["mapped_by"] == "concept_ancestor"
    assert facts["drug_exposure 2"].concept == "drug.tacrolimus"
    assert facts["drug_exposure 3"].concept is None  # two ingredients, two concepts: no guess


def test_vocabulary_tables_in_a_sqlite_file_are_read_as_in_a_folder(tmp_path, codes):
    folder = _with_vocabulary(tmp_path, CONCEPTS.replace("not-a-number", "7"), ANCESTORS)
    database = tmp_path / "cdm.sqlite"
    conn = sqlite3.connect(database)
    for path in sorted(folder.glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        delimiter = "\t" if "\t" in text.splitlines()[0] else ","
        rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
        conn.execute(f'CREATE TABLE "{path.stem}" ({", ".join(rows[0])})')
        marks = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO "{path.stem}" VALUES ({marks})', rows[1:])
    conn.commit()
    conn.close()
    from_sqlite = {s: f.concept for s, f in _facts(_read(database, codes)).items()}
    assert from_sqlite == {s: f.concept for s, f in _facts(_read(folder, codes)).items()}
    assert from_sqlite["drug_exposure 1"] == "drug.glucocorticoid"
