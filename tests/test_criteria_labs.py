"""Lab, score and serology criteria the reader used to leave manual or misread (issue 12,
REGISTRY.md #9, #12 lab part, #14).

Every sentence here is written for this file in the ways other sponsors word the same
requirement: unit spellings of eGFR and cell counts, an estimating equation named between
the analyte and its threshold, misspelt creatinine, proteinuria named by its collection,
repeated ("persistent") values, and ranges. Each reading must account for every word, or
the item stays manual with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from matcher.api import parse_text
from matcher.criteria import parse_criterion


def subset(params: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: params.get(k, "<missing>") for k in expected}


def _check(ctype: str, text: str, kind: str, params: dict[str, Any]) -> None:
    criterion = parse_criterion(text, ctype)
    assert criterion.kind == kind, criterion.manual_reason
    assert subset(criterion.params, params) == params


EGFR = "lab.egfr"

# ------------------------------------------------------------------ units and equations
UNITS_AND_EQUATIONS: list[tuple[str, str, dict[str, Any]]] = [
    ("exclusion", "eGFR below 50 mL/minute/1.73 m2 at screening",
     {"analytes": [EGFR], "op": "<", "value": 50.0}),
    ("inclusion", "Estimated GFR ≥ 40 mL/minute/1.73m² at the screening visit",
     {"analytes": [EGFR], "op": ">=", "value": 40.0}),
    ("exclusion", "Absolute neutrophil count < 1,000 cell/mm3",
     {"analytes": ["lab.neutrophils"], "op": "<", "value": 1.0, "unit": "x10^9/L"}),
    ("exclusion", "Estimated glomerular filtration rate (eGFR) as calculated by the "
     "Modification of Diet in Renal Disease study equation of < 30 mL/min/1.73 m2",
     {"analytes": [EGFR], "op": "<", "value": 30.0}),
    ("inclusion", "eGFR, estimated using the Chronic Kidney Disease Epidemiology "
     "Collaboration (CKD-EPI) formula, of at least 25 mL/min/1.73 m2",
     {"analytes": [EGFR], "op": ">=", "value": 25.0}),
    ("exclusion", "Creatinine clearance calculated with the Cockcroft-Gault formula "
     "below 40 mL/minute",
     {"analytes": [EGFR], "op": "<", "value": 40.0}),
    # The equations by age group, after the visit the value is taken at.
    ("inclusion", "Estimated GFR ≥ 30 mL/min/1.73 m² at screening (bedside Schwartz "
     "equation for participants under 18 years, CKD-EPI for participants 18 years or older)",
     {"analytes": [EGFR], "op": ">=", "value": 30.0}),
    ("exclusion", "eGFR < 60 mL/min/1.73m2 at the screening visit [Schwartz formula if "
     "younger than 18 years; CKD-EPI 2021 otherwise]",
     {"analytes": [EGFR], "op": "<", "value": 60.0}),
    ("inclusion", "eGFR of at least 45 mL/min/1.73 m2, during screening (calculated by the "
     "CKD-EPI equation)",
     {"analytes": [EGFR], "op": ">=", "value": 45.0}),
]


# A gloss of the threshold in another unit said to be near it is a rounding of it.
@pytest.mark.parametrize(("text", "analyte", "value"), [
    ("UPCR ≥ 100 mg/mmol (approximately 0.9 g/g) on a spot urine sample at screening",
     "lab.upcr", 0.8849557522),
    ("Serum creatinine ≤ 1.5 mg/dL (about 133 µmol/L)", "lab.creatinine", 132.6),
    ("Haemoglobin ≥ 9 g/dL (≈ 90 g/L)", "lab.hemoglobin", 90.0),
])
def test_an_approximate_restatement_in_another_unit_is_part_of_the_threshold(
    text: str, analyte: str, value: float
) -> None:
    _check("inclusion", text, "lab", {"analytes": [analyte], "value": value})


@pytest.mark.parametrize("text", [
    "UPCR ≥ 100 mg/mmol (approximately 1.5 g/g)",
    "Serum creatinine ≤ 1.5 mg/dL (about 150 µmol/L)",
])
def test_an_approximate_restatement_that_is_another_number_stays_manual(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


@pytest.mark.parametrize(
    "text",
    [
        # A bracket with a second threshold after the visit is no equation's name.
        "eGFR ≥ 45 mL/min/1.73 m2 at screening (CKD-EPI; >= 30 if over 65 years)",
        "eGFR ≥ 45 mL/min/1.73 m2 at baseline (Schwartz; 60 for those on dialysis)",
    ],
)
def test_an_equation_bracket_with_another_threshold_stays_manual(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


@pytest.mark.parametrize(("ctype", "text", "params"), UNITS_AND_EQUATIONS)
def test_a_lab_limit_is_read_through_unit_spellings_and_a_named_equation(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


# ------------------------------------------------------------------ misspelt creatinine
CREATININE = [
    ("exclusion", "Serum creatine above 2.0 mg/dL", 176.8),
    ("exclusion", "serum creatine >= 1.8 mg/dl at screening", 159.12),
    ("inclusion", "Serum creatine ≤ 150 µmol/L", 150.0),
]


@pytest.mark.parametrize(("ctype", "text", "umol"), CREATININE)
def test_serum_creatine_written_for_creatinine_is_read_as_creatinine(
    ctype: str, text: str, umol: float
) -> None:
    _check(ctype, text, "lab", {"analytes": ["lab.creatinine"], "value": umol})


# Guards for the "serum creatine" spelling above: the muscle enzyme creatine kinase (and
# its common slip "creatinine kinase") must never become a creatinine limit.
@pytest.mark.parametrize(
    "text",
    [
        "Serum creatine kinase > 5 × ULN",
        "serum creatine phosphokinase above 3 times the upper limit of normal",
        "Creatinine kinase > 10 x ULN at screening",
        "Creatinine kinase (CK) above 1000 at screening",
    ],
)
def test_creatine_kinase_is_never_read_as_creatinine(text: str) -> None:
    # Creatine kinase is an analyte of its own (lab.ck) since round 4.
    criterion = parse_criterion(text, "exclusion")
    assert "lab.creatinine" not in (criterion.params.get("analytes") or [])
    assert criterion.params.get("analytes") == ["lab.ck"], criterion.manual_reason


@pytest.mark.parametrize(
    ("note", "creatinine"),
    [
        ("Labs today: serum creatine 1.4 mg/dL, Hb 118 g/L.", [123.76]),
        ("Serum creatine kinase 1200 U/L; serum creatine 90 umol/L.", [90.0]),
        ("Creatinine kinase 350 U/L after the fall.", []),
    ],
)
def test_the_note_side_reads_serum_creatine_as_creatinine_and_never_creatine_kinase(
    note: str, creatinine: list[float]
) -> None:
    # The vocabulary is shared: the criteria reader's "serum creatine" is the notes' too.
    findings = parse_text(note, dt.date(2024, 3, 2))
    assert [f.value for f in findings if f.concept == "lab.creatinine"] == creatinine


# ------------------------------------------------------------------ proteinuria wordings
UPCR, PROT24 = "lab.upcr", "lab.urine_protein_24h"
NONE = "<missing>"  # the key is absent: no second analyte read inside the ratio's name
PROTEINURIA: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "24 hours proteinuria ≥ 0.5 g",
     {"analytes": [PROT24], "op": ">=", "value": 0.5, "unit": "g/day"}),
    ("inclusion", "24 hrs proteinuria of 1.0 g or more",
     {"analytes": [PROT24], "op": ">=", "value": 1.0}),
    ("inclusion", "Spot proteinuria / creatinine ratio ≥ 0.5",
     {"analytes": [UPCR], "op": ">=", "value": 0.5, "unit": "g/g", "alternatives": NONE}),
    ("inclusion", "uP/C ratio > 0.5 (expressed in mg/mg) measured on a 24-hour urine "
     "collection",
     {"analytes": [UPCR], "op": ">", "value": 0.5, "unit": "g/g"}),
    ("inclusion", "Urine protein: creatinine ratio ≥ 1000 mg/g (113 mg/mmol)",
     {"analytes": [UPCR], "op": ">=", "value": 1.0, "unit": "g/g", "alternatives": NONE}),
    ("inclusion", "Proteinuria ≥ 0.5 g/24h at the screening stage",
     {"analytes": [PROT24], "op": ">=", "value": 0.5}),
    ("inclusion", "Urine protein ≥ 750 mg/24 hours, assessed on a 24 hour urine "
     "collection at the screening stage",
     {"analytes": [PROT24], "op": ">=", "value": 0.75}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), PROTEINURIA)
def test_proteinuria_is_read_in_the_ways_sponsors_word_it(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


# ------------------------------------------------------------------ ranges
RANGES: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "Platelet count within 20-100×109/L at baseline",
     {"analytes": ["lab.platelets"], "op": ">=", "value": 20.0,
      "alternatives": [{"analytes": ["lab.platelets"], "op": "<=", "value": 100.0,
                        "unit": "x10^9/L"}]}),
    ("inclusion", "Haemoglobin within the range of 80 to 120 g/L",
     {"analytes": ["lab.hemoglobin"], "op": ">=", "value": 80.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), RANGES)
def test_a_lab_range_written_with_within_is_both_bounds(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


# ------------------------------------------------------------------ restatements and asides
ASIDES: list[tuple[str, str, dict[str, Any]]] = [
    # 2000 mg/g is 2 g/g; "200 mg/mmol" is the rule-of-thumb restatement (exactly 226).
    ("inclusion", "Urine protein:creatinine ratio ≥ 2000 mg/g (200 mg/mmol) at screening",
     {"analytes": [UPCR], "op": ">=", "value": 2.0}),
    ("inclusion", "UPCR > 0.5 g/g (50 mg/mmol)", {"analytes": [UPCR], "op": ">", "value": 0.5}),
    ("inclusion", "Proteinuria ≥ 1 g/day, with or without haematuria (≥ 10 RBC per high "
     "power field)", {"analytes": [PROT24], "op": ">=", "value": 1.0}),
    ("inclusion", "Baseline platelet counts within 50-150 x10^9/L",
     {"analytes": ["lab.platelets"], "op": ">=", "value": 50.0}),
    ("inclusion", "UPCR ≥ 1.5 (mg/mg), measured on a 24-h urine collection",
     {"analytes": [UPCR], "op": ">=", "value": 1.5}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), ASIDES)
def test_a_restated_unit_or_an_optional_aside_leaves_the_limit_readable(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "lab", params)


def test_a_restatement_far_from_the_limit_is_not_the_same_threshold() -> None:
    # 1000 mg/g is 1 g/g; "300 mg/mmol" is neither 113 nor the rule-of-thumb 100.
    criterion = parse_criterion("UPCR ≥ 1000 mg/g (300 mg/mmol)", "inclusion")
    assert criterion.kind == "manual"
    assert "300" in (criterion.manual_reason or "")


# ------------------------------------------------------------------ the bench judges a range
RANGE_TEXT = """Synthetic trial of a platelet-sparing drug

Conditions: Immune Thrombocytopenia
Sex: All
Minimum Age: 18 Years

Inclusion Criteria:

* Platelet count between 20 and 60 x10^9/L
"""


def _range_row() -> dict[str, Any]:
    essentials = {
        "concept": "platelets", "effect": "require", "temporality": "current",
        "window_days": None, "anchor": None, "operator": "between", "value": 20,
        "value_high": 60, "unit": "x10^9/L", "uln_multiple": None, "classes": None,
        "qualifiers": [], "alternatives": None, "cohort": None,
    }  # fmt: skip
    return {"nct": "NCT00000000", "row": 1, "source": "Platelet count between 20 and 60 x10^9/L",
            "category": "lab", "section": "inclusion", "computable": True, "meaning": "",
            "notes": "", "essentials": essentials}  # fmt: skip


@pytest.mark.parametrize(("high", "outcome"), [(60.0, "correct"), (80.0, "wrong")])
def test_the_bench_judges_a_range_read_as_two_bounds_as_the_range(high: float, outcome: str):
    from benchmarks import bench_criteria as bench
    from matcher.model import Criterion

    params = {"analytes": ["lab.platelets"], "op": ">=", "value": 20.0, "unit": "x10^9/L",
              "alternatives": [{"analytes": ["lab.platelets"], "op": "<=", "value": high,
                                "unit": "x10^9/L"}], "combine": "and"}  # fmt: skip
    criterion = Criterion("inc-1", "plt", "inclusion", _range_row()["source"], "lab", params,
                          None)
    scored = bench.score_trial("NCT00000000", RANGE_TEXT, [_range_row()], [criterion]).rows[0]
    assert scored.outcome == outcome, scored.reason


# ------------------------------------------------------------------ scores
SCORES: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "SLE-2K score of at least 6 at screening",
     {"concept": "score.sledai", "op": ">=", "value": 6.0}),
    ("inclusion", "CLASI-A score ≥ 8 at screening",
     {"concept": "score.clasi_a", "op": ">=", "value": 8.0}),
    ("inclusion", "CLASI activity score of 10 or more",
     {"concept": "score.clasi_a", "op": ">=", "value": 10.0}),
    ("inclusion", "ESSPRI ≥ 5 at the screening visit",
     {"concept": "score.esspri", "op": ">=", "value": 5.0}),
    ("exclusion", "ESSDAI score > 13", {"concept": "score.essdai", "op": ">", "value": 13.0}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), SCORES)
def test_disease_activity_scores_are_read_by_their_names(
    ctype: str, text: str, params: dict[str, Any]
) -> None:
    _check(ctype, text, "score", params)


@pytest.mark.parametrize(
    ("note", "concept", "value"),
    [
        ("Skin exam today: CLASI-A 14, CLASI-D 3.", "score.clasi_a", 14.0),
        ("ESSPRI 6.3 at this visit; dryness dominant.", "score.esspri", 6.3),
        ("ESSDAI 9 (glandular and articular domains).", "score.essdai", 9.0),
    ],
)
def test_the_notes_record_the_same_scores(note: str, concept: str, value: float) -> None:
    findings = parse_text(note, dt.date(2024, 3, 2))
    assert [f.value for f in findings if f.concept == concept] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "SLEDAI-2K > 6 or BILAG A/B in at least one organ system",
        "No BILAG A and no more than one BILAG B domain score at screening",
        "At least one British Isles Lupus Assessment Group (BILAG) A or two BILAG B scores",
        "BILAG-2004 grade A in the renal domain",
    ],
)
def test_a_bilag_grade_is_manual_with_the_reason_never_a_number(text: str) -> None:
    criterion = parse_criterion(text, "inclusion")
    assert criterion.kind == "manual"
    assert "BILAG organ-domain grades" in (criterion.manual_reason or "")


# ------------------------------------------------------------------ autoantibodies
DSDNA, SM, RO, PLA2R, ANA = (
    "lab.anti_dsdna", "lab.anti_sm", "lab.anti_ro", "lab.anti_pla2r", "lab.ana"
)
AUTOANTIBODIES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("inclusion", "Positive anti-dsDNA or anti-Smith antibodies", "inclusion",
     {"markers": [DSDNA, SM], "result": "positive", "ever": False}),
    ("inclusion", "ANA and/or anti-dsDNA antibody positive at screening", "inclusion",
     {"markers": [ANA, DSDNA], "result": "positive", "ever": False}),
    ("inclusion", "Current or historical positive anti-dsDNA or ANA", "inclusion",
     {"markers": [DSDNA, ANA], "result": "positive", "ever": True}),
    ("inclusion", "Seropositive for anti-SSA/Ro antibodies", "inclusion",
     {"markers": [RO], "result": "positive"}),
    ("inclusion", "Anti-Ro antibody seropositive at or within 2 months prior to screening",
     "inclusion", {"markers": [RO], "result": "positive", "ever": False, "window_days": 61}),
    ("inclusion", "Patient had anti-Sm or anti-dsDNA positive", "inclusion",
     {"markers": [SM, DSDNA], "result": "positive", "ever": True}),
    ("exclusion", "Anti-PLA2R antibody positive", "exclusion",
     {"markers": [PLA2R], "result": "positive"}),
    ("inclusion", "Anti-SSA antibodies positive within 6 months before screening", "inclusion",
     {"markers": [RO], "result": "positive", "window_days": 183}),
    # A negative marker asked for is never read as requiring the marker.
    ("inclusion", "Anti-PLA2R antibodies negative", "inclusion",
     {"markers": [PLA2R], "result": "negative"}),
]


@pytest.mark.parametrize(("ctype", "text", "want_type", "params"), AUTOANTIBODIES)
def test_autoantibody_positivity_is_a_serology_criterion(
    ctype: str, text: str, want_type: str, params: dict[str, Any]
) -> None:
    criterion = parse_criterion(text, ctype)
    assert (criterion.type, criterion.kind) == (want_type, "serology"), criterion.manual_reason
    assert subset(criterion.params, params) == params


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("Anti-PLA2R antibody titre ≥ 20 RU/mL at screening",
         {"analytes": [PLA2R], "op": ">=", "value": 20.0, "unit": "RU/mL"}),
        ("High titer anti-dsDNA (> 75 U/mL)", {"analytes": [DSDNA], "op": ">", "value": 75.0}),
    ],
)
def test_an_autoantibody_level_is_a_lab_limit(text: str, params: dict[str, Any]) -> None:
    _check("inclusion", text, "lab", params)


@pytest.mark.parametrize(
    "text",
    [
        # both markers required: the any-of reading would widen it
        "Positive ANA and positive anti-dsDNA antibodies",
    ],
)
def test_autoantibody_items_the_notes_cannot_decide_stay_manual(text: str) -> None:
    assert parse_criterion(text, "inclusion").kind == "manual"


@pytest.mark.parametrize(
    ("note", "concept", "polarity"),
    [
        ("Serology: anti-dsDNA positive, C3 low.", DSDNA, "positive"),
        ("Anti-Smith antibody negative.", SM, "negative"),
        ("Anti-Ro/SSA positive; anti-La negative.", RO, "positive"),
        ("PLA2R antibody negative on ELISA.", PLA2R, "negative"),
    ],
)
def test_the_notes_record_an_autoantibody_result(note: str, concept: str, polarity: str):
    findings = [f for f in parse_text(note, dt.date(2024, 3, 2)) if f.concept == concept]
    assert [f.attrs.get("result") for f in findings] == [polarity]


def test_a_measured_anti_dsdna_stays_a_number_in_the_notes() -> None:
    findings = parse_text("anti-dsDNA 85 IU/mL on 01/03/2024.", dt.date(2024, 3, 2))
    assert [f.value for f in findings if f.concept == DSDNA] == [85.0]


def _autoantibody_status(criterion_text: str, ctype: str, *results: tuple[str, str, dt.date]):
    from matcher.judge.evaluate import evaluate
    from matcher.judge.timeline import build_timeline
    from matcher.model import Assertion, Finding, Patient

    as_of = dt.date(2026, 11, 20)
    findings = [
        Finding(concept=c, category="lab", note_id=f"n{i}", start=0, end=4, text="t",
                assertion=Assertion.AFFIRMED, value=None, unit=None, date=d,
                date_source="text", attrs={"result": r})
        for i, (c, r, d) in enumerate(results)
    ]  # fmt: skip
    dates = {f.note_id: f.date for f in findings}
    timeline = build_timeline(Patient("P1", None), findings, dates, as_of)
    return evaluate(parse_criterion(criterion_text, ctype), timeline).status


RECENT, YEARS_AGO = dt.date(2026, 11, 1), dt.date(2019, 5, 1)


@pytest.mark.parametrize(
    ("text", "results", "expected"),
    [
        ("Positive anti-dsDNA or anti-Smith antibodies", [(DSDNA, "negative", RECENT),
                                                          (SM, "positive", RECENT)], "met"),
        ("Positive anti-dsDNA or anti-Smith antibodies", [(DSDNA, "negative", RECENT),
                                                          (SM, "negative", RECENT)], "not_met"),
        ("Positive anti-dsDNA or anti-Smith antibodies", [], "unknown"),
        # a positive years ago is not "positive" now; "current or historical" takes it
        ("Positive anti-dsDNA or anti-Smith antibodies", [(DSDNA, "positive", YEARS_AGO)],
         "unknown"),
        ("Current or historical positive anti-dsDNA or ANA", [(DSDNA, "positive", YEARS_AGO)],
         "met"),
        ("Anti-PLA2R antibodies negative", [(PLA2R, "positive", RECENT)], "not_met"),
        # the item's own window, not the 90-day lookback
        ("Anti-SSA antibodies positive within 6 months before screening",
         [(RO, "positive", dt.date(2026, 7, 1))], "met"),
        ("Anti-SSA antibodies positive within 6 months before screening",
         [(RO, "positive", dt.date(2026, 1, 1))], "unknown"),
        ("Anti-PLA2R antibodies negative", [(PLA2R, "negative", RECENT)], "met"),
    ],
)
def test_an_autoantibody_criterion_is_decided_by_documented_results(text, results, expected):
    assert _autoantibody_status(text, "inclusion", *results).value == expected


@pytest.mark.parametrize(
    ("ctype", "text", "words"),
    [
        ("inclusion", "Positive anti-dsDNA or anti-Smith antibodies",
         "INCLUDE if: anti-dsDNA antibody or anti-Smith antibody positive now (the latest "
         "result)"),
        ("inclusion", "Current or historical positive anti-dsDNA or ANA",
         "positive at any time"),
        ("inclusion", "Anti-SSA antibodies positive within 6 months before screening",
         "anti-Ro/SSA antibody positive within 183 days before screening (the latest result)"),
    ],
)
def test_an_autoantibody_criterion_reads_back_in_plain_words(ctype, text, words) -> None:
    from matcher.criteria.render import reading

    assert words in reading(parse_criterion(text, ctype))


# ------------------------------------------------------------------ a change is not a level
@pytest.mark.parametrize(
    ("ctype", "text"),
    [
        ("exclusion", "Creatinine ≥ 1.5 times baseline"),
        ("exclusion", "Serum creatinine ≥ 2 × baseline value"),
        ("exclusion", "ALT > 3x baseline"),
        ("exclusion", "eGFR < 70% of baseline"),
        ("inclusion", "Proteinuria ≥ 50% above the baseline level"),
        ("exclusion", "Serum creatinine more than 1.5-fold over the patient's baseline"),
    ],
)
def test_a_multiple_of_or_a_change_from_baseline_is_never_read_as_a_level(ctype, text) -> None:
    criterion = parse_criterion(text, ctype)
    assert criterion.kind == "manual"
    assert "baseline" in (criterion.manual_reason or "")


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("Platelets ≥ 100 x10^9/L at baseline", {"analytes": ["lab.platelets"], "value": 100.0}),
        ("Creatinine ≥ 1.5 x ULN at baseline",
         {"analytes": ["lab.creatinine"], "uln_multiple": 1.5}),
    ],
)
def test_a_limit_measured_at_baseline_is_still_a_level(text: str, params: dict[str, Any]):
    _check("inclusion", text, "lab", params)


# ------------------------------------------------------------------ persistent limits
PERSISTENT: list[tuple[str, str, dict[str, Any]]] = [
    ("inclusion", "Persistent proteinuria ≥ 0.5 g/24h",
     {"analytes": [PROT24], "op": ">=", "value": 0.5, "repeat": 2}),
    ("inclusion", "UPCR ≥ 1 g/g confirmed on two occasions",
     {"analytes": [UPCR], "op": ">=", "value": 1.0, "repeat": 2}),
    ("exclusion", "ALT persistently > 3 × ULN", {"analytes": ["lab.alt"], "uln_multiple": 3.0,
                                                 "repeat": 2}),
    ("inclusion", "Spot UPCR > 0.5 mg/mg in at least two samples",
     {"analytes": [UPCR], "op": ">", "value": 0.5, "repeat": 2}),
]


@pytest.mark.parametrize(("ctype", "text", "params"), PERSISTENT)
def test_a_persistent_or_confirmed_limit_asks_for_two_values(ctype, text, params) -> None:
    _check(ctype, text, "lab", params)


def _lab_status(text: str, ctype: str, *values: tuple[float, dt.date]) -> str:
    from matcher.judge.evaluate import evaluate
    from matcher.judge.timeline import build_timeline
    from matcher.model import Assertion, Finding, Patient

    criterion = parse_criterion(text, ctype)
    analyte = criterion.params["analytes"][0]
    unit = criterion.params["unit"]
    findings = [
        Finding(concept=analyte, category="lab", note_id=f"n{i}", start=0, end=4, text="t",
                assertion=Assertion.AFFIRMED, value=v, unit=unit, date=d, date_source="text")
        for i, (v, d) in enumerate(values)
    ]  # fmt: skip
    timeline = build_timeline(Patient("P1", None), findings, {f.note_id: f.date for f in
                              findings}, dt.date(2026, 11, 20))  # fmt: skip
    return evaluate(criterion, timeline).status.value


NOV, SEP, MAR = dt.date(2026, 11, 1), dt.date(2026, 9, 15), dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([(1.2, NOV), (0.9, SEP)], "met"),
        ([(1.2, NOV), (0.3, SEP)], "not_met"),  # the value before did not meet it
        ([(0.3, NOV), (0.9, SEP)], "not_met"),  # the latest does not
        ([(1.2, NOV)], "unknown"),  # one value cannot show persistence
        ([(1.2, NOV), (0.9, MAR)], "unknown"),  # the earlier one is too far back
    ],
)
def test_a_persistent_limit_needs_the_value_before_the_latest_too(values, expected) -> None:
    assert _lab_status("Persistent proteinuria ≥ 0.5 g/24h", "inclusion", *values) == expected


def test_a_persistent_limit_reads_back_in_plain_words() -> None:
    from matcher.criteria.render import reading

    text = reading(parse_criterion("Persistent proteinuria ≥ 0.5 g/24h", "inclusion"))
    assert "value before it too (persistent" in text


@pytest.mark.parametrize(
    ("text", "params"),
    [
        ("UPCR ≥ 0.5 g/g measured at screening (V1)", {"analytes": [UPCR], "value": 0.5}),
        ("24-hour urine protein ≥ 1 g, confirmed at randomisation (week -1)",
         {"analytes": [PROT24], "value": 1.0, "repeat": 2}),
    ],
)
def test_a_visit_label_after_the_visit_asks_for_nothing_more(text: str, params) -> None:
    _check("inclusion", text, "lab", params)
