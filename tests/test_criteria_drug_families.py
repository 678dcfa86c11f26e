"""Drug families the criteria reader leaves manual today although notes can decide them
(issue 12, REGISTRY.md #5 and #12): anticoagulants as a class with its members, the
B-cell depleting class under every head noun sponsors put after it, and route words
("topical", "intralesional", "inhaled") that the notes do not record - a documented
exposure is left to a person, none decides.

The sentences are written for these tests, as other sponsors would word the mechanisms.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.criteria import parse_criterion
from matcher.criteria.render import reading
from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Criterion, Finding, Patient, Status
from matcher.nlp.pipeline import NoteParser, build_pipeline
from matcher.nlp.vocab import load_vocabulary

ORAL_ANTICOAGULANTS = {
    "drug.warfarin", "drug.acenocoumarol", "drug.phenprocoumon", "drug.dabigatran",
    "drug.rivaroxaban", "drug.apixaban", "drug.edoxaban",
}
LMWH = {"drug.enoxaparin", "drug.dalteparin", "drug.tinzaparin", "drug.nadroparin"}
ANTICOAGULANTS = ORAL_ANTICOAGULANTS | LMWH | {
    "drug.heparin", "drug.fondaparinux", "drug.argatroban", "drug.bivalirudin",
}
ANTI_CD20 = {"drug.rituximab", "drug.obinutuzumab", "drug.ocrelizumab", "drug.ofatumumab"}


def _read(ctype: str, text: str) -> Criterion:
    return parse_criterion(text, ctype)


def _drugs(criterion: Criterion) -> set[str]:
    return set(criterion.params.get("drugs", []))


# ---------------------------------------------------------------- the classes as data
def test_the_anticoagulant_classes_are_data_with_their_members():
    vocab = load_vocabulary()
    assert set(vocab.expand("class.anticoagulant")) == ANTICOAGULANTS
    assert set(vocab.expand("class.oral_anticoagulant")) == ORAL_ANTICOAGULANTS
    assert set(vocab.expand("class.lmwh")) == LMWH
    for member in ANTICOAGULANTS:
        assert (vocab[member].code or "").startswith("ATC:B01A"), member


ANTICOAGULANT_READINGS: list[tuple[str, str, set[str], int | None, bool]] = [
    # (type, text, drugs, window_days, current)
    ("exclusion", "Treated with warfarin or any other anticoagulant in the past 2 weeks",
     ANTICOAGULANTS, 14, False),
    ("exclusion", "Anticoagulant therapy within 30 days before randomisation",
     ANTICOAGULANTS, 30, False),
    ("exclusion", "Currently on anticoagulation", ANTICOAGULANTS, 90, True),
    ("exclusion", "Patients receiving anticoagulants", ANTICOAGULANTS, 90, True),
    # oral anticoagulants leave the heparins out
    ("exclusion", "Use of oral anticoagulants in the last 7 days", ORAL_ANTICOAGULANTS, 7,
     False),
    ("exclusion", "Apixaban, rivaroxaban or dabigatran within 5 days before screening",
     {"drug.apixaban", "drug.rivaroxaban", "drug.dabigatran"}, 5, False),
    ("exclusion", "Low molecular weight heparin within the past 3 days", LMWH, 3, False),
]


@pytest.mark.parametrize(("ctype", "text", "drugs", "window", "current"),
                         ANTICOAGULANT_READINGS)
def test_anticoagulants_are_read_as_the_class_and_its_members(ctype, text, drugs, window,
                                                               current):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert _drugs(criterion) == drugs
    assert criterion.params.get("window_days") == window
    assert bool(criterion.params.get("current")) is current


B_CELL_DEPLETING: list[str] = [
    "Rituximab or other B cell depleting drug within 12 months",
    "Rituximab or another B-cell depleting medication in the previous 12 months",
    "B cell depleting therapies within 12 months before screening",
    "Any B-cell-depleting treatment in the last 12 months",
    "Ocrelizumab or other B cell depleting agent within the past 12 months",
]


@pytest.mark.parametrize("text", B_CELL_DEPLETING)
def test_the_b_cell_depleting_class_is_read_under_any_head_noun(text):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert _drugs(criterion) == ANTI_CD20
    assert criterion.params["window_days"] == 365


# ---------------------------------------------------------------- the note side
NOTE_SENTENCES: list[tuple[str, str]] = [
    ("Started apixaban 5 mg twice daily for the DVT.", "drug.apixaban"),
    ("Bridging with enoxaparin 80 mg SC BID until INR therapeutic.", "drug.enoxaparin"),
    ("Remains on anticoagulation for the pulmonary embolism.", "class.anticoagulant"),
    ("Rivaroxaban stopped before the kidney biopsy.", "drug.rivaroxaban"),
    ("On LMWH during pregnancy for APS.", "class.lmwh"),
    ("Received two doses of a B cell depleting drug in 2023.", "class.anti_cd20"),
]


@pytest.fixture(scope="module")
def note_parser() -> NoteParser:
    return NoteParser(build_pipeline())


@pytest.mark.parametrize(("sentence", "concept"), NOTE_SENTENCES)
def test_the_notes_find_the_anticoagulants_the_criteria_name(note_parser, sentence, concept):
    found = note_parser.parse(sentence, "n", dt.date(2026, 11, 1))
    assert concept in {f.concept for f in found}


@pytest.mark.parametrize("sentence", [
    "Lupus anticoagulant positive on two occasions.",
    "Circulating anticoagulant screen was negative.",
    "History of heparin-induced thrombocytopenia.",
])
def test_a_lupus_anticoagulant_test_or_a_heparin_reaction_is_no_anticoagulant_use(
    note_parser, sentence
):
    found = {f.concept for f in note_parser.parse(sentence, "n", dt.date(2026, 11, 1))}
    assert not found & (ANTICOAGULANTS | {"class.anticoagulant"})


# ---------------------------------------------------------------- evaluation
AS_OF = dt.date(2026, 11, 20)


def _finding(concept: str, on: dt.date, category: str = "drug", **attrs: Any) -> Finding:
    return Finding(concept=concept, category=category, note_id="n", start=0, end=4,
                   text=concept, value=None, unit=None, date=on, date_source="text",
                   attrs={"start_date": on, "stop_date": None, "documented_by": on, **attrs})


def _status(criterion: Criterion, *findings: Finding) -> Status:
    dates = {f.note_id: f.attrs["documented_by"] for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


@pytest.mark.parametrize(("finding", "expected"), [
    (_finding("class.anticoagulant", dt.date(2026, 11, 15), category="drug_class"),
     Status.MET),
    (_finding("drug.apixaban", dt.date(2026, 11, 12)), Status.MET),
    (_finding("drug.apixaban", dt.date(2026, 9, 1)), Status.NOT_MET),
    (_finding("drug.hydroxychloroquine", dt.date(2026, 11, 15)), Status.NOT_MET),
])
def test_an_anticoagulant_washout_is_decided_from_the_notes(finding, expected):
    criterion = _read("exclusion", "Warfarin or other anticoagulants within the last 14 days")
    assert _status(criterion, finding) is expected


# ---------------------------------------------------------------- the benchmark's reading
@pytest.mark.parametrize(("phrase", "concept"), [
    ("other B-cell depleting drug", "class.anti_cd20"),
    ("another anticoagulant", "class.anticoagulant"),
])
def test_the_benchmark_reads_other_before_a_drug_class_as_the_class(phrase, concept):
    # "rituximab or other B-cell depleting drug": the gold's second part is the class
    # itself (rituximab is in it), not a narrower concept
    from benchmarks import bench_criteria as bench

    mapper = bench.ConceptMapper(load_vocabulary())
    (part,) = mapper.map_phrase(phrase)
    assert (part.ids, part.how) == (frozenset({concept}), "exact")


# ---------------------------------------------------------------- routes the notes do not record
ROUTES: list[tuple[str, str, set[str], int | None, str]] = [
    ("exclusion", "Use of intralesional corticosteroids within 1 week prior to screening",
     {"drug.glucocorticoid"}, 7, "intralesional"),
    ("exclusion", "Topical steroids applied to the target lesion in the last 2 weeks",
     {"drug.glucocorticoid"}, 14, "topical"),
    ("exclusion", "Received inhaled corticosteroids within 30 days",
     {"drug.glucocorticoid"}, 30, "inhaled"),
    ("exclusion", "Has used a topical corticosteroid on an active lesion",
     {"drug.glucocorticoid"}, None, "topical"),
    ("exclusion", "Intra-articular glucocorticoid injection in the past 6 weeks",
     {"drug.glucocorticoid"}, 42, "intra-articular"),
    ("exclusion", "Topical tacrolimus or topical steroid on the lesions within 14 days",
     {"drug.glucocorticoid", "drug.tacrolimus"}, 14, "topical"),
]


@pytest.mark.parametrize(("ctype", "text", "drugs", "window", "route"), ROUTES)
def test_a_route_the_notes_do_not_record_is_kept_as_a_qualifier(ctype, text, drugs, window,
                                                                route):
    criterion = _read(ctype, text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert _drugs(criterion) == drugs
    assert criterion.params.get("window_days") == window
    assert criterion.params.get("route") == route
    assert route in reading(criterion)


def test_systemic_is_the_route_notes_record():
    # a glucocorticoid in the notes is the prednisone a patient takes: "systemic" is kept
    # (it narrows: a hydrocortisone cream is a glucocorticoid too) but decides on it
    criterion = _read("exclusion", "Systemic corticosteroids within 8 weeks")
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params.get("window_days") == 56
    assert criterion.params.get("route") == "systemically"
    steroids = _finding("drug.glucocorticoid", dt.date(2026, 11, 10))
    assert _status(criterion, steroids) is Status.MET


@pytest.mark.parametrize(("text", "finding", "expected"), [
    # a documented steroid may have been given another way: a person checks
    ("Use of intralesional corticosteroids within 1 week prior to screening",
     _finding("drug.glucocorticoid", dt.date(2026, 11, 17)), Status.UNKNOWN),
    # none documented in the window decides
    ("Use of intralesional corticosteroids within 1 week prior to screening",
     _finding("drug.glucocorticoid", dt.date(2026, 10, 1)), Status.NOT_MET),
    ("Use of intralesional corticosteroids within 1 week prior to screening",
     _finding("drug.hydroxychloroquine", dt.date(2026, 11, 17)), Status.NOT_MET),
    ("Currently using topical tacrolimus",
     _finding("drug.tacrolimus", dt.date(2026, 11, 10)), Status.UNKNOWN),
    ("Currently using topical tacrolimus",
     _finding("drug.azathioprine", dt.date(2026, 11, 10)), Status.NOT_MET),
])
def test_a_route_qualified_exposure_decides_only_its_absence(text, finding, expected):
    assert _status(_read("exclusion", text), finding) is expected


_ROUTE_TEXT = """Synthetic trial

Exclusion Criteria:

* Topical corticosteroids on the target lesion within 2 weeks
"""
_ROUTE_ROW = {
    "nct": "NCT00000000", "row": 1, "section": "exclusion", "computable": True,
    "source": "Topical corticosteroids on the target lesion within 2 weeks",
    "category": "drug", "meaning": "", "notes": "",
    "essentials": {"concept": "topical corticosteroid", "effect": "exclude",
                   "temporality": "within", "window_days": 14, "anchor": "screening",
                   "operator": None, "value": None, "value_high": None, "unit": None,
                   "uln_multiple": None, "classes": None, "qualifiers": [],
                   "alternatives": None, "cohort": None},
}  # fmt: skip


@pytest.mark.parametrize(("params", "outcome"), [
    ({"route": "topical"}, "correct"),
    ({}, "wrong"),  # any glucocorticoid: the route lost
])
def test_the_benchmark_counts_a_kept_route_as_the_narrower_concept(params, outcome):
    from benchmarks import bench_criteria as bench

    criterion = Criterion("exc-1", "x_glucocorticoid", "exclusion",
                          _ROUTE_ROW["source"], "drug_exposure",
                          {"drugs": ["drug.glucocorticoid"], "window_days": 14, **params})
    result = bench.score_trial("NCT00000000", _ROUTE_TEXT, [_ROUTE_ROW], [criterion]).rows[0]
    assert result.outcome == outcome, result.reason


# ---------------------------------------------------------------- "and during the study"
DURING_STUDY: list[tuple[str, int]] = [
    ("Use of intralesional corticosteroids within 1 week prior to screening and during the "
     "study", 7),
    ("Rituximab within 6 months before randomisation or during the trial", 183),
    ("Belimumab in the past 3 months and throughout the study period", 91),
]


@pytest.mark.parametrize(("text", "window"), DURING_STUDY)
def test_use_during_the_study_is_no_screening_question_and_the_window_stands(text, window):
    criterion = _read("exclusion", text)
    assert criterion.kind == "drug_exposure", criterion.manual_reason
    assert criterion.params["window_days"] == window
    assert criterion.params.get("also_during_study") is True
    assert "during the study" in reading(criterion)
