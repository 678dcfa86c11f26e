"""Criterion evaluation as a pure function of (criterion, timeline, as-of)."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.judge.evaluate import evaluate
from matcher.judge.ranking import patient_status, relevance
from matcher.judge.timeline import build_timeline
from matcher.model import (
    Assertion,
    Criterion,
    Finding,
    Patient,
    PatientStatus,
    Status,
    UnknownCause,
)

AS_OF = dt.date(2026, 11, 20)
D = dt.date
RECENT = dt.date(2026, 11, 1)


def finding(concept: str, value=None, *, date: dt.date = RECENT, note: str = "n1",
            assertion: Assertion = Assertion.AFFIRMED, category: str = "lab", unit=None,
            ref_high=None, **attrs) -> Finding:
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text="text", assertion=assertion, value=value, unit=unit, date=date,
                   ref_high=ref_high, attrs=attrs)


def timeline(*findings: Finding, birth: dt.date | None = None, note_dates=None):
    dates = note_dates or {f.note_id: f.date or AS_OF for f in findings}
    return build_timeline(Patient("P1", birth), findings, dates, AS_OF)


def crit(kind: str, type_: str = "inclusion", **params) -> Criterion:
    return Criterion(id="inc-1", key=kind, type=type_, text="t", kind=kind, params=params)


def status(c: Criterion, *findings: Finding, **kw) -> Status:
    return evaluate(c, timeline(*findings, **kw)).status


# ------------------------------------------------------------------------ age
@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (D(2014, 3, 7), Status.MET),  # 12
        (D(2008, 11, 21), Status.MET),  # turns 18 tomorrow? no: 17 today -> met
        (D(2007, 11, 21), Status.MET),  # 18 until the 19th birthday
        (D(2007, 11, 20), Status.NOT_MET),  # 19th birthday on as-of
        (D(2020, 11, 21), Status.NOT_MET),  # 5
        (D(2020, 11, 20), Status.MET),  # 6th birthday on as-of
    ],
)
def test_age_from_birth_date_counts_completed_years(birth, expected):
    assert status(crit("age", min_years=6, max_years=18), birth=birth) is expected


@pytest.mark.parametrize(
    ("stated", "note_date", "expected"),
    [
        (12, D(2026, 10, 1), Status.MET),  # 12 or 13
        (18, D(2026, 10, 1), Status.UNKNOWN),  # 18 or 19: straddles the limit
        (5, D(2026, 10, 1), Status.UNKNOWN),  # 5 or 6
        (4, D(2026, 10, 1), Status.NOT_MET),  # 4 or 5
        (17, D(2024, 10, 1), Status.NOT_MET),  # two years on: 19 or 20
    ],
)
def test_stated_age_gives_a_range_at_screening(stated, note_date, expected):
    age = finding("demographic.age", float(stated), date=note_date, category="demographic")
    assert status(crit("age", min_years=6, max_years=18), age) is expected


# ------------------------------------------------------------------ diagnosis
def test_lupus_nephritis_implies_sle():
    c = crit("diagnosis", concepts=["dx.sle"])
    assert status(c, finding("dx.lupus_nephritis", category="diagnosis")) is Status.MET


@pytest.mark.parametrize(
    ("assertion", "expected"),
    [
        (Assertion.NEGATED, Status.NOT_MET),  # "SLE was ruled out"
        (Assertion.FAMILY, Status.UNKNOWN),  # "mother has SLE"
        (Assertion.HYPOTHETICAL, Status.UNKNOWN),
        (Assertion.UNCERTAIN, Status.UNKNOWN),  # "possible lupus"
        (Assertion.HISTORICAL, Status.MET),
    ],
)
def test_sle_mention_counts_only_when_it_is_the_patients(assertion, expected):
    c = crit("diagnosis", concepts=["dx.sle"])
    assert status(c, finding("dx.sle", category="diagnosis", assertion=assertion)) is expected


def test_history_exclusion_not_documented_is_not_met():
    c = crit("diagnosis", "exclusion", concepts=["dx.transplant"])
    result = evaluate(c, timeline())
    assert result.status is Status.NOT_MET
    assert "not documented" in result.reason


def test_history_exclusion_met_when_affirmed():
    c = crit("diagnosis", "exclusion", concepts=["dx.transplant"])
    assert status(c, finding("dx.transplant", category="diagnosis")) is Status.MET


# --------------------------------------------------------------------- biopsy
def biopsy(classes, date, **attrs):
    return finding("biopsy.kidney", "+".join(classes), date=date, category="biopsy",
                   classes=list(classes), **attrs)


@pytest.mark.parametrize(
    ("classes", "date", "expected"),
    [
        (["IV"], D(2026, 10, 24), Status.MET),
        (["III", "V"], D(2026, 6, 1), Status.MET),  # 172 days
        (["IV"], D(2026, 5, 20), Status.UNKNOWN),  # 184 days: repeat biopsy needed
        (["II"], D(2026, 10, 1), Status.NOT_MET),
        (["V"], D(2026, 10, 1), Status.NOT_MET),  # pure membranous
        ([], D(2026, 10, 1), Status.NOT_MET),  # IgA nephropathy
    ],
)
def test_biopsy_class_and_window(classes, date, expected):
    c = crit("biopsy", classes=["III", "IV"], allowed_with=["V"], window_days=183)
    assert status(c, biopsy(classes, date)) is expected


def test_most_recent_biopsy_decides():
    c = crit("biopsy", classes=["III", "IV"], allowed_with=["V"], window_days=183)
    old = biopsy(["IV"], D(2024, 2, 1), note="a")
    new = biopsy(["II"], D(2026, 10, 1), note="b")
    assert status(c, old, new) is Status.NOT_MET


def test_undated_class_iv_is_unknown():
    c = crit("biopsy", classes=["III", "IV"], allowed_with=["V"], window_days=183)
    assert status(c, biopsy(["IV"], D(2026, 11, 1), undated=True)) is Status.UNKNOWN


# ----------------------------------------------------------------------- labs
@pytest.mark.parametrize(
    ("value", "date", "expected"),
    [
        (1.2, D(2026, 11, 1), Status.MET),
        (1.0, D(2026, 11, 1), Status.MET),  # >= keeps its equality
        (0.9, D(2026, 11, 1), Status.NOT_MET),
        (1.5, D(2026, 8, 21), Status.MET),  # 91 days: outside? 2026-08-21 is 91 days
    ],
)
def test_lab_threshold_uses_latest_value_in_lookback(value, date, expected):
    c = crit("lab", analytes=["lab.lymphocytes"], op=">=", value=1.0)
    got = status(c, finding("lab.lymphocytes", value, date=date))
    if (AS_OF - date).days > 90:
        assert got is Status.UNKNOWN
    else:
        assert got is expected


def test_stale_lab_is_unknown_and_says_so():
    c = crit("lab", analytes=["lab.hemoglobin"], op=">=", value=60)
    result = evaluate(c, timeline(finding("lab.hemoglobin", 110, date=D(2026, 5, 1))))
    assert result.status is Status.UNKNOWN
    assert "stale" in result.reason


def test_uln_comes_from_the_printed_reference_range():
    c = crit("lab", analytes=["lab.alt"], op="<=", uln_multiple=3.0)
    assert status(c, finding("lab.alt", 100, ref_high=35)) is Status.MET  # limit 105
    assert status(c, finding("lab.alt", 110, ref_high=35)) is Status.NOT_MET
    assert status(c, finding("lab.alt", 110)) is Status.MET  # default ULN 40 -> 120


def test_alt_above_limit_with_myositis_is_manual():
    c = crit("lab", analytes=["lab.alt"], op="<=", uln_multiple=3.0,
             exceptions=[{"if": "dx.myositis", "then": "manual"}])
    myositis = finding("dx.myositis", category="diagnosis", note="n2")
    assert status(c, finding("lab.alt", 300), myositis) is Status.MANUAL


def test_gilbert_raises_the_bilirubin_limit():
    c = crit("lab", analytes=["lab.bilirubin_total"], op="<=", uln_multiple=1.5,
             exceptions=[{"if": "dx.gilbert", "uln_multiple": 3.0}])
    high = finding("lab.bilirubin_total", 50, ref_high=21)  # 2.4 x ULN
    assert status(c, high) is Status.NOT_MET
    assert status(c, high, finding("dx.gilbert", category="diagnosis", note="g")) is Status.MET


def test_gcsf_within_14_days_of_the_count_fails_neutrophils():
    c = crit("lab", analytes=["lab.neutrophils"], op=">=", value=1.0, csf_free_days=14)
    count = finding("lab.neutrophils", 2.5, date=D(2026, 11, 10), note="lab")
    dose = finding("drug.gcsf", date=D(2026, 11, 1), note="clin", category="drug",
                   start_date=D(2026, 11, 1))
    assert status(c, count) is Status.MET
    assert status(c, count, dose) is Status.NOT_MET


def test_egfr_by_bedside_schwartz_when_not_stated():
    c = crit("lab", analytes=["lab.egfr"], op=">=", value=30, below_manual="SLE allowed")
    creatinine = finding("lab.creatinine", 300.0, note="c")  # 36.5*150/300 = 18.25
    height = finding("lab.height", 150.0, note="h", date=D(2026, 6, 1))
    assert status(c, creatinine, height) is Status.MANUAL
    assert status(c, finding("lab.creatinine", 60.0, note="c"), height) is Status.MET


def test_exclusion_lab_is_met_when_the_patient_has_the_condition():
    c = crit("lab", "exclusion", analytes=["lab.hemoglobin"], op="<", value=70)
    assert status(c, finding("lab.hemoglobin", 65)) is Status.MET
    assert status(c, finding("lab.hemoglobin", 95)) is Status.NOT_MET
    assert status(c) is Status.UNKNOWN


# ----------------------------------------------------------------- refractory
REFRACTORY = crit("refractory", agents=["drug.glucocorticoid", "drug.mycophenolate",
                                        "drug.tacrolimus"], min_agents=2,
                  min_duration_days=183, duration_strict=True)


def drug(concept, start, note="d"):
    return finding(concept, category="drug", date=start, note=note, start_date=start)


def test_refractory_met_with_two_agents_long_treatment_and_proteinuria():
    result = evaluate(REFRACTORY, timeline(
        drug("drug.glucocorticoid", D(2024, 2, 1), "a"),
        drug("drug.mycophenolate", D(2025, 1, 1), "b"),
        finding("lab.upcr", 1.2, note="u"),
    ))
    assert result.status is Status.MET
    assert len(result.evidence) == 3


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (finding("lab.upcr", 0.3, note="u"), Status.NOT_MET),  # remission by number
        (finding("status.complete_remission", category="status", note="r"), Status.NOT_MET),
        (finding("status.persistent_proteinuria", category="status", note="p"), Status.MET),
    ],
)
def test_refractory_proteinuria_state(extra, expected):
    base = [drug("drug.glucocorticoid", D(2024, 2, 1), "a"),
            drug("drug.tacrolimus", D(2025, 1, 1), "b")]
    assert status(REFRACTORY, *base, extra) is expected


def test_refractory_short_treatment_is_not_met():
    assert status(REFRACTORY, drug("drug.glucocorticoid", D(2026, 8, 1), "a"),
                  drug("drug.tacrolimus", D(2026, 9, 1), "b"),
                  finding("lab.upcr", 2.0, note="u")) is Status.NOT_MET


def test_refractory_one_agent_is_unknown():
    assert status(REFRACTORY, drug("drug.glucocorticoid", D(2024, 1, 1), "a"),
                  finding("lab.upcr", 2.0, note="u")) is Status.UNKNOWN


def test_planned_drug_does_not_count():
    planned = finding("drug.tacrolimus", category="drug", note="b",
                      assertion=Assertion.HYPOTHETICAL)
    assert status(REFRACTORY, drug("drug.glucocorticoid", D(2024, 1, 1), "a"), planned,
                  finding("lab.upcr", 2.0, note="u")) is Status.UNKNOWN


# ------------------------------------------------------------ flow, ANA, misc
@pytest.mark.parametrize(
    ("present", "expected"), [(True, Status.MET), (False, Status.NOT_MET)]
)
def test_cd19(present, expected):
    c = crit("cd19")
    assert status(c, finding("lab.cd19", 10.0 if present else 0.0, present=present)) is expected


@pytest.mark.parametrize(
    ("value", "result", "expected"),
    [(640.0, "positive", Status.MET), (80.0, "positive", Status.MET),
     (40.0, "positive", Status.NOT_MET), (None, "negative", Status.NOT_MET),
     (None, "positive", Status.UNKNOWN)],
)
def test_ana_titre(value, result, expected):
    assert status(crit("ana", min_titre=80), finding("lab.ana", value, result=result)) is expected


def test_lansky_counts_as_ecog():
    c = crit("score", concept="score.ecog", low=0, high=2)
    assert status(c, finding("score.lansky", 60.0, category="score")) is Status.MET
    assert status(c, finding("score.lansky", 40.0, category="score")) is Status.NOT_MET


def test_drug_exposure_exclusion_window():
    c = crit("drug_exposure", "exclusion", drugs=["drug.rituximab"], window_days=91)
    recent = finding("drug.rituximab", category="drug", date=D(2026, 10, 1), note="r",
                     start_date=D(2026, 10, 1), single_dose=True)
    old = finding("drug.rituximab", category="drug", date=D(2026, 3, 1), note="r",
                  start_date=D(2026, 3, 1), single_dose=True)
    assert status(c, recent) is Status.MET
    assert status(c, old) is Status.NOT_MET
    assert status(c) is Status.NOT_MET


def test_notes_after_as_of_are_ignored():
    c = crit("lab", analytes=["lab.hemoglobin"], op=">=", value=60)
    late = finding("lab.hemoglobin", 50, date=D(2026, 11, 25))
    assert status(c, late) is Status.UNKNOWN


# -------------------------------------------------------------------- status
def test_patient_status_and_relevance():
    inc = crit("diagnosis", concepts=["dx.sle"])
    tl = timeline(finding("dx.sle", category="diagnosis"))
    met = evaluate(inc, tl)
    manual = evaluate(crit("consent"), tl)
    unknown = evaluate(crit("cd19"), tl)
    assert patient_status([met, manual]) is PatientStatus.ELIGIBLE
    assert patient_status([met, unknown]) is PatientStatus.POSSIBLE
    assert relevance(PatientStatus.POSSIBLE, [met, unknown]) == 2


def test_either_proteinuria_measure_can_meet_an_or_criterion():
    c = crit("lab", analytes=["lab.urine_protein_24h"], op=">=", value=0.5,
             alternatives=[{"analytes": ["lab.upcr"], "op": ">=", "value": 0.5}], combine="or")
    assert status(c, finding("lab.upcr", 1.1)) is Status.MET
    assert status(c, finding("lab.upcr", 0.2)) is Status.NOT_MET  # measured and below
    assert status(c) is Status.UNKNOWN  # nothing measured
    assert status(c, finding("lab.upcr", 0.2, note="a"),
                  finding("lab.urine_protein_24h", 0.3, note="b")) is Status.NOT_MET


def test_and_thresholds_on_two_analytes():
    c = crit("lab", analytes=["lab.platelets"], op=">=", value=50,
             alternatives=[{"analytes": ["lab.hemoglobin"], "op": ">=", "value": 80}],
             combine="and")
    assert status(c, finding("lab.platelets", 120, note="a"),
                  finding("lab.hemoglobin", 70, note="b")) is Status.NOT_MET
    assert status(c, finding("lab.platelets", 120, note="a"),
                  finding("lab.hemoglobin", 95, note="b")) is Status.MET


def test_history_exclusion_with_a_window_ignores_older_mentions():
    c = crit("diagnosis", "exclusion", concepts=["dx.malignancy"], window_days=1825)
    old = finding("dx.malignancy", category="diagnosis", date=D(2019, 1, 1))
    recent = finding("dx.malignancy", category="diagnosis", date=D(2024, 1, 1))
    assert status(c, old) is Status.NOT_MET
    assert status(c, recent) is Status.MET


@pytest.mark.parametrize(
    ("finding_concept", "value", "expected"),
    [("score.lansky", 70.0, Status.MET), ("score.karnofsky", 50.0, Status.NOT_MET),
     ("score.ecog", 1.0, Status.MET), ("score.ecog", 2.0, Status.UNKNOWN),
     ("score.ecog", 3.0, Status.NOT_MET)],
)
def test_lansky_karnofsky_threshold_reads_every_performance_scale(finding_concept, value,
                                                                   expected):
    c = crit("score", concept="score.lansky", op=">=", value=60)
    assert status(c, finding(finding_concept, value, category="score")) is expected


def test_refractory_without_a_proteinuria_clause_needs_only_agents_and_time():
    c = crit("refractory", agents=["drug.mycophenolate", "drug.rituximab"], min_agents=2,
             min_duration_days=91, duration_strict=False, requires_active_proteinuria=False)
    assert status(c, drug("drug.mycophenolate", D(2026, 1, 1), "a"),
                  drug("drug.rituximab", D(2026, 3, 1), "b")) is Status.MET


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [({"present": True, "count_per_ul": 250.0}, Status.NOT_MET),
     ({"present": False, "count_per_ul": 0.0}, Status.MET),
     ({"present": True}, Status.UNKNOWN)],
)
def test_cd19_count_exclusion(attrs, expected):
    c = crit("cd19", "exclusion", op="<", value=5, unit="/uL")
    assert status(c, finding("lab.cd19", 12.0, unit="%", **attrs)) is expected


def test_condition_beside_an_exclusion_threshold():
    c = crit("lab", "exclusion", analytes=["lab.egfr"], op="<", value=30,
             alternatives=[{"concepts": ["proc.dialysis"]}], combine="or")
    dialysis = finding("proc.dialysis", category="procedure", note="d")
    assert status(c, dialysis) is Status.MET
    assert status(c) is Status.UNKNOWN  # no eGFR: unknown, dialysis not documented
    assert status(c, finding("lab.egfr", 80.0)) is Status.NOT_MET


@pytest.mark.parametrize(("text", "section"), [
    # a word the reader could not account for: the transplant may well exclude her
    ("History of organ transplant (excluding kidney)", "exclusion"),
    # applies to one cohort only: which cohort she is in is not known
    ("Cohort B only: prior rituximab within 12 months", "exclusion"),
])
def test_an_unread_criterion_keeps_a_patient_possible_never_eligible(
    text: str, section: str
) -> None:
    from matcher.criteria import parse_criterion

    criterion = parse_criterion(text, section)
    assert criterion.kind == "manual" or criterion.manual_reason is not None
    assert criterion.unread
    tl = timeline(finding("dx.sle", category="diagnosis"))
    met = evaluate(crit("diagnosis", concepts=["dx.sle"]), tl)
    unread = evaluate(criterion, tl)
    assert unread.status is Status.MANUAL
    assert patient_status([met, unread]) is PatientStatus.POSSIBLE


def test_a_criterion_a_person_checks_at_screening_does_not_hold_back_eligible() -> None:
    from matcher.criteria import parse_criterion

    consent = parse_criterion("Written informed consent from the parent", "inclusion")
    assert consent.manual_reason is not None and not consent.unread


# ------------------------------------------------------- why a criterion is unknown
_BIOPSY = {"classes": ["III", "IV"], "allowed_with": ["V"], "window_days": 183}


@pytest.mark.parametrize(
    ("criterion", "findings", "cause"),
    [
        # Nothing in the notes at all.
        (crit("biopsy", **_BIOPSY), [], UnknownCause.ABSENT),
        (crit("lab", analytes=["lab.hemoglobin"], op=">=", value=60), [], UnknownCause.ABSENT),
        (crit("cd19"), [], UnknownCause.ABSENT),
        (crit("ana", min_titre=80), [], UnknownCause.ABSENT),
        # Documented, but older than the window or the lookback.
        (crit("biopsy", **_BIOPSY), [biopsy(["IV"], D(2024, 2, 1))], UnknownCause.STALE),
        (crit("lab", analytes=["lab.hemoglobin"], op=">=", value=60),
         [finding("lab.hemoglobin", 110, date=D(2026, 5, 1))], UnknownCause.STALE),
        # "Class IV lupus nephritis" with no year: documented, not placed in time.
        (crit("biopsy", **_BIOPSY), [biopsy(["IV"], D(2026, 11, 1), undated=True)],
         UnknownCause.UNDATED),
        # Documented, and it does not decide: a positive ANA with no titre; an ALT
        # against 3×ULN with no reference range and no default.
        (crit("ana", min_titre=80),
         [finding("lab.ana", None, result="positive")], UnknownCause.AMBIGUOUS),
        (crit("lab", analytes=["lab.cd19"], op="<=", uln_multiple=3.0),
         [finding("lab.cd19", 40)], UnknownCause.AMBIGUOUS),
    ],
)
def test_an_unknown_criterion_carries_its_cause_as_a_typed_fact(criterion, findings, cause):
    result = evaluate(criterion, timeline(*findings))
    assert result.status is Status.UNKNOWN
    assert result.unknown_cause is cause


@pytest.mark.parametrize(
    ("criterion", "findings"),
    [
        (crit("biopsy", **_BIOPSY), [biopsy(["IV"], D(2026, 10, 1))]),
        (crit("lab", analytes=["lab.hemoglobin"], op=">=", value=60),
         [finding("lab.hemoglobin", 110)]),
        (crit("diagnosis", "exclusion", concepts=["dx.transplant"]), []),
    ],
)
def test_a_decided_criterion_has_no_unknown_cause(criterion, findings):
    result = evaluate(criterion, timeline(*findings))
    assert result.status in (Status.MET, Status.NOT_MET)
    assert result.unknown_cause is None


@pytest.mark.parametrize(
    ("folder", "trials"),
    [("holdout", ["registry_dumps/NCT06904729.txt", "tests/data/holdout/trial_HO-LN-3.txt"]),
     ("holdout2", ["tests/data/holdout2/HO-LN-4.json"]),
     ("holdout3", ["tests/data/holdout3/trial_HO-LN-5.txt"]),
     ("holdout4", ["registry_dumps/NCT06904729.txt", "tests/data/holdout4/trial_HO-LN-6.txt"])],
)
def test_every_unknown_in_a_held_out_cohort_names_its_cause(folder, trials):
    """The eligibility model reads the cause; an evaluator path that forgets to give one
    would silently count as 'documented'."""
    from matcher import api
    from tests.conftest import REPO

    parsed = api.parse_note_files([REPO / "tests" / "data" / folder / "notes.jsonl"])
    dates = {n.note_id: n.note_date for n in parsed.notes}
    unknowns = []
    for path in trials:
        trial = api.load_trial(REPO / path)
        for patient in parsed.patients:
            result = api.evaluate_patient(trial, patient,
                                          parsed.findings_by_patient.get(patient.patient_id, []),
                                          dates, AS_OF)  # fmt: skip
            unknowns += [r for r in result.results if r.status is Status.UNKNOWN]
    assert unknowns
    assert [r.criterion.kind for r in unknowns if r.unknown_cause is None] == []
