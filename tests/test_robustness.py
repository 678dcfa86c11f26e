"""Text nobody here wrote, and text nobody should write, never breaks the parser."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def test_every_public_patient_description_parses(parser: NoteParser, shared: Path):
    rows = [json.loads(line) for line in
            (shared / "realworld" / "patient_descriptions.jsonl").open(encoding="utf-8")]
    assert len(rows) == 184
    parsed = list(parser.parse_many((r["text"], r["note_id"], NOTE_DATE) for r in rows))
    assert len(parsed) == 184
    for row, findings in zip(rows, parsed, strict=True):
        for finding in findings:
            assert row["text"][finding.start:finding.end] == finding.text


# Negation and family read by hand on the public descriptions, written here as sentences
# of the same shape (the descriptions themselves stay in ../shared).
@pytest.mark.parametrize(
    ("text", "concept", "assertion"),
    [
        ("History is significant for asthma in his father and sister.  He currently uses "
         "inhaled corticosteroids.", "drug.glucocorticoid", "affirmed"),
        ("According to his mother, he didn't respond to the usual corticosteroid inhaler.",
         "drug.glucocorticoid", "affirmed"),
        ("She takes no medications.  Height is 160 cm.", "lab.height", "affirmed"),
        ("Her pregnancy test is negative and she is not breastfeeding.", "dx.pregnancy",
         "negated"),
        ("Beta hCG: negative for pregnancy.", "dx.pregnancy", "negated"),
        ("He was treated with plasma exchange and corticosteroids.", "drug.glucocorticoid",
         "affirmed"),
    ],
)
def test_spot_checked_realworld_phrasings(parser, text, concept, assertion):
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert found and str(found[0].assertion) == assertion


PATHOLOGICAL = {
    "empty": "",
    "only whitespace": " \n\t \n" * 100,
    "control characters": "Hb\x00 98\x07 g/L\x1b[31m; WBC\x0c 4.2",
    "right to left": "المريض يعاني من الذئبة Hb 98 g/L \u202eL/g 89 bH\u202c",
    "unbalanced brackets": "ALT (((((( 85 [[[ U/L )) (ref 7-40 " * 200,
    "ten thousand numbers": " ".join(str(i) for i in range(10_000)),
    "numbers and slashes": "1/2/3/4/5/" * 5_000,
    "emoji and symbols": "🙂 Hb ≥≤ 98 g/L ±±± 10⁹/L ×× µµ",
    "one long word": "a" * 100_000,
    "many colons": "Labs:" * 10_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_never_crashes(parser: NoteParser, name: str):
    text = PATHOLOGICAL[name]
    for finding in parser.parse(text, "n", NOTE_DATE):
        assert 0 <= finding.start <= finding.end <= len(text)


def test_two_megabyte_note_parses_in_linear_time(parser: NoteParser):
    unit = ("Renal biopsy 02/10/2026: lupus nephritis class IV-G (A). On MMF since 03/2025. "
            "Hb 98 g/L; WBC 4.2 x10^9/L; ALT 85 U/L (7-40). No prior rituximab.\n")
    small = unit * (200_000 // len(unit))
    large = unit * (2_000_000 // len(unit))
    started = time.perf_counter()
    parser.parse(small, "s", NOTE_DATE)
    small_time = time.perf_counter() - started
    started = time.perf_counter()
    findings = parser.parse(large, "l", NOTE_DATE)
    large_time = time.perf_counter() - started
    assert len(findings) > 10_000
    # Ten times the text may take at most ~25 times as long: linear with slack for noise,
    # far from the hundredfold a quadratic step would show.
    assert large_time < 25 * max(small_time, 0.05)


@pytest.mark.parametrize(
    ("text", "concept", "assertion"),
    [
        ("Admitted for non-ruptured ectopic pregnancy.", "dx.pregnancy", "affirmed"),
        ("Non-Hodgkin lymphoma of the orbit diagnosed in 2019.", "dx.malignancy", "affirmed"),
        # colon cancer is its own concept (a member of malignancy) since round 13
        ("Her husband was diagnosed with colon cancer a year ago.", "dx.colorectal_cancer",
         "family"),
    ],
)
def test_prefix_non_and_other_people(parser, text, concept, assertion):
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    assert found and str(found[0].assertion) == assertion


@pytest.mark.parametrize(
    "text",
    ["Muscle biopsy shows perifascicular atrophy.", "Biopsy of the skin lesion shows granulomas.",
     "Underwent EUS with biopsy of the mass."],
)
def test_other_organ_biopsies_are_not_kidney_biopsies(parser, text):
    assert not [f for f in parser.parse(text, "n", NOTE_DATE)
                if f.concept == "proc.kidney_biopsy"]
