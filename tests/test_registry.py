"""Registry reader: plain text as received and ClinicalTrials.gov API v2 JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from matcher.criteria.registry import (
    RegistryRecord,
    load_trial,
    parse_age,
    read_registry,
    read_registry_all,
    read_registry_text,
)
from matcher.errors import RegistryError
from matcher.model import Trial
from tests.conftest import REPO

DUMPS = REPO / "registry_dumps"
NCT_JSON = DUMPS / "NCT06904729.json"
NCT_TXT = DUMPS / "NCT06904729.txt"


def study(nct: str, criteria: str, **eligibility: object) -> dict:
    """A minimal API v2 study object."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": f"Trial {nct}"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "eligibilityModule": {"eligibilityCriteria": criteria, **eligibility},
        }
    }


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the two real texts


def test_seed_trial_plain_text(shared: Path) -> None:
    record = read_registry(shared / "registry" / "NCT06904729.txt")
    assert record.trial_id == "NCT06904729"  # from the file stem: the text has no NCT number
    assert record.title.startswith("An Exploratory Clinical Study of the Safety")
    assert (record.min_age_years, record.max_age_years, record.sex) == (6.0, 18.0, "all")
    text = record.eligibility_text
    assert text.startswith("• Age 6-18 years old")
    assert text.endswith("physical status score 0 to 2.")
    for furniture in ("Participation Requirements", "Sex: All", "Minimum Age", "View:",
                      "Locations", "Guangzhou", "Time Frame"):
        assert furniture not in text


def test_development_trial_plain_text(shared: Path) -> None:
    record = read_registry(shared / "registry" / "DEV-LN-2.txt")
    assert record.trial_id == "DEV-LN-2"
    assert record.title.startswith("CD19-directed CAR-T Therapy")
    assert (record.min_age_years, record.max_age_years, record.sex) == (None, None, None)
    assert record.eligibility_text.startswith("Inclusion Criteria:")
    assert "Exclusion Criteria:" in record.eligibility_text
    assert record.eligibility_text.rstrip().endswith("including kidney transplantation")


def test_repository_dump_is_the_shared_text(shared: Path) -> None:
    ours = NCT_TXT.read_text(encoding="utf-8")
    assert ours == (shared / "registry" / "NCT06904729.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------ JSON form


def test_json_dump_reads_like_the_text() -> None:
    from_json, from_text = read_registry(NCT_JSON), read_registry(NCT_TXT)
    assert from_json.trial_id == from_text.trial_id == "NCT06904729"
    assert from_json.title == from_text.title
    assert (from_json.min_age_years, from_json.max_age_years, from_json.sex) == (6.0, 18.0, "all")
    assert from_json.eligibility_text.startswith("Inclusion Criteria:")


def test_json_dump_gives_the_same_criteria_as_the_text() -> None:
    from_json, from_text = load_trial(NCT_JSON), load_trial(NCT_TXT)
    assert [c.to_json() for c in from_json.criteria] == [c.to_json() for c in from_text.criteria]
    assert len(from_json.criteria) == 21


def test_json_dump_is_api_v2_shaped() -> None:
    data = json.loads(NCT_JSON.read_text(encoding="utf-8"))
    section = data["protocolSection"]
    assert section["identificationModule"]["nctId"] == "NCT06904729"
    assert section["statusModule"]["overallStatus"] == "RECRUITING"
    eligibility = section["eligibilityModule"]
    assert (eligibility["minimumAge"], eligibility["maximumAge"]) == ("6 Years", "18 Years")
    assert eligibility["sex"] == "ALL" and eligibility["healthyVolunteers"] is False
    bullets = NCT_TXT.read_text(encoding="utf-8")
    assert eligibility["eligibilityCriteria"].split("\n", 2)[2] in bullets


def test_studies_list(tmp_path: Path) -> None:
    seed = json.loads(NCT_JSON.read_text(encoding="utf-8"))
    other = study("NCT00000002", "Inclusion Criteria:\n\n* Female\n* SLEDAI-2K >= 6",
                  minimumAge="12 Years", maximumAge="N/A", sex="FEMALE")
    path = write(tmp_path, "search.json", json.dumps({"studies": [seed, other]}))
    records = read_registry_all(path)
    assert [r.trial_id for r in records] == ["NCT06904729", "NCT00000002"]
    assert (records[1].min_age_years, records[1].max_age_years) == (12.0, None)
    assert records[1].sex == "female"
    with pytest.raises(RegistryError, match=r"search\.json.*2 studies.*NCT06904729"):
        read_registry(path)
    assert read_registry(path, "NCT00000002").title == "Trial NCT00000002"
    trial = load_trial(f"{path}#NCT00000002")
    assert [c.key for c in trial.criteria] == ["age", "sex", "sledai"]
    with pytest.raises(RegistryError, match=r"search\.json.*NCT09999999"):
        read_registry(path, "NCT09999999")


def test_top_level_list_of_studies(tmp_path: Path) -> None:
    path = write(tmp_path, "list.json", json.dumps([study("NCT00000003", "* Age 6-18 years")]))
    assert read_registry(path).trial_id == "NCT00000003"


def test_study_without_nct_id_takes_the_org_id(tmp_path: Path) -> None:
    data = study("", "* Age 6-18 years")
    data["protocolSection"]["identificationModule"]["orgStudyIdInfo"] = {"id": "GZ-2025-01"}
    path = write(tmp_path, "org.json", json.dumps(data))
    assert read_registry(path).trial_id == "GZ-2025-01"


# ------------------------------------------------------------------ plain-text variants

PLAIN = """Tacrolimus in Childhood Lupus Nephritis
NCT Number: NCT01234567
Brief Summary
A study that mentions NCT07654321 in passing.
Eligibility Criteria
Sexes Eligible for Study: Female
Ages Eligible for Study: 5 Years to 17 Years (Child)
Accepts Healthy Volunteers: No
Inclusion Criteria:
- SLEDAI-2K >= 6
Exclusion Criteria:
- Prior rituximab
Contacts and Locations
Somewhere
"""


def test_plain_text_with_classic_field_names(tmp_path: Path) -> None:
    record = read_registry(write(tmp_path, "classic.txt", PLAIN))
    assert record.trial_id == "NCT01234567"
    assert (record.min_age_years, record.max_age_years, record.sex) == (5.0, 17.0, "female")
    assert record.eligibility_text.splitlines()[0] == "Inclusion Criteria:"
    assert "Somewhere" not in record.eligibility_text
    assert "Sexes Eligible" not in record.eligibility_text
    trial = load_trial(tmp_path / "classic.txt")
    assert [(c.key, c.kind) for c in trial.criteria] == [
        ("age", "age"), ("sex", "sex"), ("sledai", "score"), ("x_rtx", "drug_exposure")
    ]
    assert trial.criteria[0].params == {"min_years": 5, "max_years": 17}


def test_nct_number_in_text_beats_a_non_nct_stem() -> None:
    text = "Title\nThis is NCT05550001.\nEligibility\n• Age 6-18 years\n"
    assert read_registry_text(text, "dump-42.txt").trial_id == "NCT05550001"


def test_registry_text_in_memory_with_json() -> None:
    text = json.dumps(study("NCT00000004", "Inclusion Criteria:\n* eGFR >= 30"))
    record = read_registry_text(text, "inline")
    assert isinstance(record, RegistryRecord)
    assert record.eligibility_text == "Inclusion Criteria:\n* eGFR >= 30"


@pytest.mark.parametrize(
    ("value", "years"),
    [
        ("6 Years", 6.0),
        ("18 Years", 18.0),
        ("6", 6.0),
        ("18 Months", 1.5),
        ("26 Weeks", 0.5),
        ("1 Year", 1.0),
        ("N/A", None),
        ("", None),
        (None, None),
        ("No limit", None),
    ],
)
def test_parse_age(value: str | None, years: float | None) -> None:
    assert parse_age(value) == years


def test_structured_age_is_added_when_the_text_has_none(tmp_path: Path) -> None:
    data = study("NCT00000005", "Inclusion Criteria:\n* SLEDAI-2K >= 6",
                 minimumAge="6 Years", maximumAge="18 Years", sex="ALL")
    trial = load_trial(write(tmp_path, "s.json", json.dumps(data)))
    assert isinstance(trial, Trial)
    assert [c.key for c in trial.criteria] == ["age", "sledai"]
    assert trial.criteria[0].params == {"min_years": 6, "max_years": 18}
    assert trial.criteria[0].id == "inc-1"


def test_text_age_is_kept_and_not_duplicated(tmp_path: Path) -> None:
    data = study("NCT00000006", "* Aged 12 to 17 years\n* SLEDAI-2K >= 6",
                 minimumAge="10 Years", maximumAge="18 Years")
    trial = load_trial(write(tmp_path, "s.json", json.dumps(data)))
    ages = [c for c in trial.criteria if c.kind == "age"]
    assert len(ages) == 1 and ages[0].params == {"min_years": 12, "max_years": 17}
    assert trial.min_age_years == 10.0


# ------------------------------------------------------------------ bad input

VALID = json.dumps(study("NCT00000007", "* Age 6-18 years"))


def _without_protocol() -> str:
    return json.dumps({"studies": [{"derivedSection": {}}]})


def _without_criteria() -> str:
    data = copy.deepcopy(study("NCT00000008", ""))
    return json.dumps(data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", "empty registry record"),
        ("blank.txt", "  \n\n \t\n", "empty registry record"),
        ("empty.json", "", "empty registry record"),
        ("broken.json", '{"studies": [', r"line 1: invalid JSON"),
        ("scalar.json", "42", "JSON is not a study"),
        ("noproto.json", '{"hasResults": false}', "JSON without protocolSection"),
        ("noproto2.json", _without_protocol(), r"studies\[0\]\.protocolSection"),
        ("nocriteria.json", _without_criteria(), "NCT00000008 has no eligibility text"),
        ("nostudies.json", '{"studies": []}', "no studies in the file"),
        ("dictstudies.json", '{"studies": {}}', "'studies' is not a list"),
        ("summary.txt", "Title\n\nJust a summary.\nLocations\nX\n", "no eligibility criteria"),
        ("headingonly.txt", "Title\nEligibility\nLocations\nChina\n", "no eligibility criteria"),
        ("latin1.txt", b"Title\nEligibility\n\xb7 Age \xe9\xff\n", "not UTF-8"),
    ],
)
def test_bad_input_names_the_file(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(RegistryError, match=message) as caught:
        read_registry(path)
    assert name in str(caught.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=r"nothere\.txt: file not found"):
        read_registry(tmp_path / "nothere.txt")
    with pytest.raises(RegistryError, match="not a file"):
        read_registry(tmp_path)


def test_load_trial_reports_registry_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "x.json", VALID.replace("protocolSection", "protocol"))
    with pytest.raises(RegistryError, match=r"x\.json.*protocolSection"):
        load_trial(path)
