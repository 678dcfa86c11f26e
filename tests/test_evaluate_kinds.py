"""The evaluators of the kinds in matcher.criteria.kinds: a criterion and a small timeline
give a status. Each table holds the traps the issue names: a past pregnancy, a negated one,
a dose that cannot be read, an anti-HBc positive alone against an HBsAg criterion."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.judge.evaluate import evaluate
from matcher.judge.timeline import build_timeline
from matcher.model import Assertion, Criterion, Finding, Patient, Status

AS_OF = dt.date(2026, 11, 20)
D = dt.date
RECENT = D(2026, 11, 1)


def finding(concept: str, value=None, *, date: dt.date | None = RECENT, note: str = "n1",
            assertion: Assertion = Assertion.AFFIRMED, category: str = "lab", unit=None,
            text: str = "text", date_source: str = "text", **attrs) -> Finding:
    return Finding(concept=concept, category=category, note_id=note, start=0, end=4,
                   text=text, assertion=assertion, value=value, unit=unit, date=date,
                   date_source=date_source, attrs=attrs)


def status(criterion: Criterion, *findings: Finding, birth: dt.date | None = None,
           note_dates: dict[str, dt.date] | None = None) -> Status:
    dates = dict(note_dates or {})
    for f in findings:
        dates.setdefault(f.note_id, f.date or AS_OF)
    timeline = build_timeline(Patient("P1", birth), findings, dates, AS_OF)
    return evaluate(criterion, timeline).status


def crit(kind: str, type_: str = "exclusion", **params) -> Criterion:
    return Criterion(id="c-1", key=kind, type=type_, text="t", kind=kind, params=params)


# ------------------------------------------------------------------------------ vitals
BP_EXCLUSION = crit("vital", analytes=["lab.sbp"], op=">=", value=160.0, unit="mmHg",
                    alternatives=[{"analytes": ["lab.dbp"], "op": ">=", "value": 100.0,
                                   "unit": "mmHg"}], combine="or")
SPO2 = crit("vital", "inclusion", analytes=["lab.spo2"], op=">=", value=92.0, unit="%")


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        (SPO2, [finding("lab.spo2", 97.0)], Status.MET),
        (SPO2, [finding("lab.spo2", 88.0)], Status.NOT_MET),
        (SPO2, [finding("lab.spo2", 97.0, date=D(2026, 5, 1))], Status.UNKNOWN),  # stale
        (SPO2, [], Status.UNKNOWN),
        (SPO2, [finding("lab.spo2", 97.0, date=D(2026, 9, 1), note="a"),
                finding("lab.spo2", 90.0, date=D(2026, 11, 10), note="b")], Status.NOT_MET),
        (BP_EXCLUSION, [finding("lab.sbp", 150.0), finding("lab.dbp", 105.0)], Status.MET),
        (BP_EXCLUSION, [finding("lab.sbp", 128.0), finding("lab.dbp", 76.0)], Status.NOT_MET),
        (BP_EXCLUSION, [], Status.UNKNOWN),
    ],
)
def test_vitals_use_the_latest_value_in_the_lookback(criterion, findings, expected):
    assert status(criterion, *findings) is expected


# ------------------------------------------------------------------------------ serology
def result(marker: str, polarity: str, date: dt.date = RECENT, note: str = "s") -> Finding:
    return finding(marker, date=date, note=note, result=polarity)


HBSAG = crit("serology", markers=["lab.hbsag"], infections=[], result="positive", ever=False,
             needs_result=True)
HBSAG_OR_HBC = crit("serology", markers=["lab.hbsag", "lab.anti_hbc"], infections=[],
                    result="positive", ever=False, needs_result=True)
HBV_INFECTION = crit("serology", markers=[], infections=["dx.hbv"], result="positive",
                     ever=False, needs_result=False)
HCV_INFECTION = crit("serology", markers=[], infections=["dx.hcv"], result="positive",
                     ever=False, needs_result=False)
HIV_NEGATIVE = crit("serology", "inclusion", markers=[], infections=["dx.hiv"],
                    result="negative", ever=False, needs_result=True)
HISTORY_HBV = crit("serology", markers=[], infections=["dx.hbv"], result="positive",
                   ever=True, needs_result=False)


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        # anti-HBc positive alone is a past infection, not a positive HBsAg ...
        (HBSAG, [result("lab.hbsag", "negative"), result("lab.anti_hbc", "positive")],
         Status.NOT_MET),
        (HBSAG, [result("lab.hbsag", "positive")], Status.MET),
        # ... but an exclusion that names anti-HBc excludes on it alone.
        (HBSAG_OR_HBC, [result("lab.hbsag", "negative"), result("lab.anti_hbc", "positive")],
         Status.MET),
        (HBSAG_OR_HBC, [result("lab.hbsag", "negative"), result("lab.anti_hbc", "negative")],
         Status.NOT_MET),
        # a named test with no result in the lookback is unknown, never "not documented"
        (HBSAG, [], Status.UNKNOWN),
        (HBSAG, [result("lab.hbsag", "negative", date=D(2025, 1, 1))], Status.UNKNOWN),
        # a positive HBsAg can clear: an old one is stale; anti-HBc never clears
        (HBSAG, [result("lab.hbsag", "positive", date=D(2025, 1, 1))], Status.UNKNOWN),
        (HBSAG_OR_HBC, [result("lab.anti_hbc", "positive", date=D(2023, 1, 1))], Status.MET),
        # an infection: markers that show it, or a current diagnosis; nothing: confirm later
        (HBV_INFECTION, [], Status.NOT_MET),
        (HBV_INFECTION, [result("lab.hbsag", "positive")], Status.MET),
        (HBV_INFECTION, [result("lab.anti_hbc", "positive")], Status.NOT_MET),
        (HBV_INFECTION, [finding("dx.hbv", category="diagnosis", note="d")], Status.MET),
        (HBV_INFECTION, [finding("dx.hbv", category="diagnosis", note="d",
                                 assertion=Assertion.NEGATED)], Status.NOT_MET),
        # anti-HCV positive is confirmed or refuted by HCV RNA
        (HCV_INFECTION, [result("lab.anti_hcv", "positive", date=D(2026, 10, 1))], Status.MET),
        (HCV_INFECTION, [result("lab.anti_hcv", "positive", date=D(2026, 10, 1), note="a"),
                         result("lab.hcv_rna", "negative", date=D(2026, 10, 20), note="b")],
         Status.NOT_MET),
        # an inclusion that asks for a negative test
        (HIV_NEGATIVE, [result("lab.hiv", "negative")], Status.MET),
        (HIV_NEGATIVE, [result("lab.hiv", "positive")], Status.NOT_MET),
        (HIV_NEGATIVE, [], Status.UNKNOWN),
        # history: a past infection shown by anti-HBc years ago, or a historical mention
        (HISTORY_HBV, [result("lab.anti_hbc", "positive", date=D(2019, 3, 1))], Status.MET),
        (HISTORY_HBV, [finding("dx.hbv", category="diagnosis", date=D(2015, 1, 1),
                               assertion=Assertion.HISTORICAL)], Status.MET),
        (HISTORY_HBV, [], Status.NOT_MET),
    ],
)
def test_serology(criterion, findings, expected):
    assert status(criterion, *findings) is expected


# ------------------------------------------------------------------------------ pregnancy
PREGNANT_OR_NURSING = crit("pregnancy", states=["dx.pregnancy", "dx.lactation"],
                           present=True, window_days=90)
PREGNANT = crit("pregnancy", states=["dx.pregnancy"], present=True, window_days=90)
NOT_PREGNANT = crit("pregnancy", "inclusion", states=["dx.pregnancy"], present=False,
                    window_days=90)


OCTOBER = D(2026, 10, 20)
COURSE_START = D(2026, 10, 1)
NOTE_DAY = D(2026, 11, 15)


def pregnancy(date=OCTOBER, assertion=Assertion.AFFIRMED, concept="dx.pregnancy",
              **attrs) -> Finding:
    return finding(concept, category="diagnosis", date=date, assertion=assertion, note="p",
                   **attrs)


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        (PREGNANT_OR_NURSING, [pregnancy()], Status.MET),
        (PREGNANT_OR_NURSING, [pregnancy(concept="dx.lactation")], Status.MET),
        (PREGNANT, [pregnancy(concept="dx.lactation")], Status.NOT_MET),
        # "pregnancy in 2019": dated years before screening
        (PREGNANT_OR_NURSING, [pregnancy(date=D(2019, 7, 1))], Status.NOT_MET),
        # "previous pregnancy", "G2P2": written in a recent note, but past
        (PREGNANT_OR_NURSING, [pregnancy(past=True)], Status.NOT_MET),
        # "not pregnant", "pregnancy test negative": documented not pregnant
        (PREGNANT_OR_NURSING, [pregnancy(assertion=Assertion.NEGATED, test="negative")],
         Status.NOT_MET),
        (PREGNANT_OR_NURSING, [], Status.NOT_MET),
        # pregnant 5 months before screening may still be: a person must ask
        (PREGNANT_OR_NURSING, [pregnancy(date=D(2026, 6, 20))], Status.UNKNOWN),
        # the most recent statement decides
        (PREGNANT, [pregnancy(date=D(2026, 9, 1)),
                    pregnancy(date=D(2026, 11, 10), assertion=Assertion.NEGATED)],
         Status.NOT_MET),
        (NOT_PREGNANT, [pregnancy(assertion=Assertion.NEGATED)], Status.MET),
        (NOT_PREGNANT, [pregnancy()], Status.NOT_MET),
        (NOT_PREGNANT, [], Status.UNKNOWN),
        # counselling ("avoid pregnancy while on MMF") is a topic, not her state
        (PREGNANT, [pregnancy(topic=True)], Status.NOT_MET),
        # someone else's pregnancy or a planned one is not the patient's state
        (PREGNANT, [pregnancy(assertion=Assertion.FAMILY)], Status.NOT_MET),
        (PREGNANT, [pregnancy(assertion=Assertion.HYPOTHETICAL)], Status.NOT_MET),
    ],
)
def test_pregnancy_is_a_current_state(criterion, findings, expected):
    assert status(criterion, *findings) is expected


# ------------------------------------------------------------------------------ doses
def steroid(text: str, dose: dict | None, start: dt.date | None = COURSE_START,
            stop: dt.date | None = None, note_date: dt.date = NOTE_DAY,
            note: str = "m", **attrs) -> Finding:
    if dose is not None:
        attrs["dose"] = dose
    return finding("drug.glucocorticoid", category="drug", text=text, note=note,
                   date=start or note_date, start_date=start, stop_date=stop,
                   documented_by=note_date, **attrs)


def mg(amount: float, per_day: float | None = None, basis: str | None = None) -> dict:
    return {"amount": amount, "unit": "mg", "basis": basis,
            "per_day": amount if per_day is None else per_day}


OVER_15 = crit("dose_exposure", drugs=["drug.glucocorticoid"], dose_op=">", dose_value=15.0,
               dose_unit="mg/day", prednisone_equivalent=True, cumulative=False,
               window_days=30, min_duration_days=10, duration_strict=True)
OVER_HALF_MG_KG = crit("dose_exposure", drugs=["drug.glucocorticoid"], dose_op=">",
                       dose_value=0.5, dose_unit="mg/kg/day", prednisone_equivalent=True,
                       cumulative=False, window_days=None, min_duration_days=None,
                       duration_strict=False)
CYC_OVER_6G = crit("dose_exposure", drugs=["drug.cyclophosphamide"], dose_op=">",
                   dose_value=6.0, dose_unit="g", prednisone_equivalent=False,
                   cumulative=True, window_days=None, min_duration_days=None,
                   duration_strict=False)


def cyc(**attrs) -> Finding:
    return finding("drug.cyclophosphamide", category="drug", text="cyclophosphamide",
                   date=D(2025, 1, 15), note="c", start_date=D(2025, 1, 15), **attrs)


def weight(kg: float) -> Finding:
    return finding("lab.weight", kg, unit="kg", note="w", date=D(2026, 11, 1))


@pytest.mark.parametrize(
    ("criterion", "findings", "expected"),
    [
        (OVER_15, [steroid("prednisolone", mg(20))], Status.MET),
        (OVER_15, [steroid("prednisolone", mg(10))], Status.NOT_MET),
        # a dose that cannot be read is unknown, never met
        (OVER_15, [steroid("prednisolone", None)], Status.UNKNOWN),
        (OVER_15, [steroid("steroids", mg(20))], Status.UNKNOWN),  # which steroid?
        # prednisone equivalents: methylprednisolone ×1.25, dexamethasone ×6.67,
        # hydrocortisone ×0.25
        (OVER_15, [steroid("methylprednisolone", mg(16))], Status.MET),  # = 20
        (OVER_15, [steroid("Medrol", mg(12))], Status.NOT_MET),  # = 15, not > 15
        (OVER_15, [steroid("dexamethasone", mg(3))], Status.MET),  # = 20
        (OVER_15, [steroid("hydrocortisone", mg(40))], Status.NOT_MET),  # = 10
        # > 10 days in the window: a course stopped after 5 days is not enough ...
        (OVER_15, [steroid("prednisolone", mg(20), start=D(2026, 11, 1),
                           stop=D(2026, 11, 5))], Status.NOT_MET),
        # ... an open course documented 3 days ago may have gone on: unknown
        (OVER_15, [steroid("prednisolone", mg(20), start=None, note_date=D(2026, 11, 18))],
         Status.UNKNOWN),
        # an exposure that ended before the window does not count
        (OVER_15, [steroid("prednisolone", mg(40), start=D(2026, 5, 1), stop=D(2026, 6, 1),
                           note_date=D(2026, 6, 2))], Status.NOT_MET),
        (OVER_15, [], Status.NOT_MET),
        # mg/kg/day needs the weight, unless the note gives mg/kg
        (OVER_HALF_MG_KG, [steroid("prednisone", mg(30)), weight(40.0)], Status.MET),
        (OVER_HALF_MG_KG, [steroid("prednisone", mg(15)), weight(40.0)], Status.NOT_MET),
        (OVER_HALF_MG_KG, [steroid("prednisone", mg(30))], Status.UNKNOWN),
        (OVER_HALF_MG_KG, [steroid("prednisone", mg(1, basis="kg"))], Status.MET),
        # cumulative cyclophosphamide
        (CYC_OVER_6G, [cyc(cumulative_dose={"amount": 7.5, "unit": "g"})], Status.MET),
        (CYC_OVER_6G, [cyc(dose={"amount": 500.0, "unit": "mg", "basis": None,
                                 "per_day": None}, dose_count=6)], Status.NOT_MET),
        (CYC_OVER_6G, [cyc(dose={"amount": 1.0, "unit": "g", "basis": None,
                                 "per_day": None}, dose_count=7)], Status.MET),
        (CYC_OVER_6G, [cyc()], Status.UNKNOWN),
        (CYC_OVER_6G, [cyc(dose={"amount": 750.0, "unit": "mg", "basis": "m2",
                                 "per_day": None}, dose_count=6)], Status.UNKNOWN),
        (CYC_OVER_6G, [], Status.NOT_MET),
    ],
)
def test_dose_qualified_exposure(criterion, findings, expected):
    assert status(criterion, *findings) is expected


# ------------------------------------------------------------------------------ timing
SIX_MONTHS = crit("diagnosis_timing", "inclusion", concepts=["dx.sle"], min_duration_days=183,
                  max_duration_days=None, duration_strict=False, onset_op=None,
                  onset_age_years=None)
EARLY_SLE = crit("diagnosis_timing", "inclusion", concepts=["dx.sle"], min_duration_days=None,
                 max_duration_days=1095, duration_strict=False, onset_op=None,
                 onset_age_years=None)
CHILDHOOD_ONSET = crit("diagnosis_timing", "inclusion", concepts=["dx.sle"],
                       min_duration_days=None, max_duration_days=None, duration_strict=False,
                       onset_op="<", onset_age_years=16.0)


def sle(date: dt.date, source: str = "note", concept: str = "dx.sle", **kw) -> Finding:
    return finding(concept, category="diagnosis", date=date, date_source=source,
                   note=f"n{date.isoformat()}", **kw)


def diagnosed(date: dt.date) -> Finding:
    """ "Diagnosed with SLE in <date>": the diagnosis date itself."""
    return sle(date, source="text", diagnosed=True)


@pytest.mark.parametrize(
    ("criterion", "findings", "birth", "expected"),
    [
        # any mention dated 6 months back shows the disease was there by then
        (SIX_MONTHS, [sle(D(2025, 1, 1))], None, Status.MET),
        (SIX_MONTHS, [diagnosed(D(2026, 9, 1))], None, Status.NOT_MET),
        # only mentioned in recent notes, no diagnosis date: it may be older
        (SIX_MONTHS, [sle(D(2026, 10, 1))], None, Status.UNKNOWN),
        # lupus nephritis implies SLE
        (SIX_MONTHS, [sle(D(2024, 3, 1), concept="dx.lupus_nephritis")], None, Status.MET),
        (SIX_MONTHS, [], None, Status.UNKNOWN),
        (EARLY_SLE, [diagnosed(D(2024, 6, 15))], None, Status.MET),
        (EARLY_SLE, [diagnosed(D(2024, 6, 15)), sle(D(2020, 1, 1))], None, Status.NOT_MET),
        (EARLY_SLE, [sle(D(2026, 10, 1))], None, Status.UNKNOWN),
        (CHILDHOOD_ONSET, [sle(D(2022, 1, 1))], D(2010, 1, 1), Status.MET),
        (CHILDHOOD_ONSET, [diagnosed(D(2019, 7, 1))], D(2000, 1, 1), Status.NOT_MET),
        (CHILDHOOD_ONSET, [sle(D(2026, 10, 1))], D(2000, 1, 1), Status.UNKNOWN),
        (CHILDHOOD_ONSET, [sle(D(2022, 1, 1))], None, Status.UNKNOWN),
        # "diagnosed at age 12" read by the NLP is the onset age itself
        (CHILDHOOD_ONSET, [sle(D(2026, 10, 1), onset_age=12.0)], None, Status.MET),
        (CHILDHOOD_ONSET, [sle(D(2026, 10, 1), onset_age=17.0)], None, Status.NOT_MET),
    ],
)
def test_disease_duration_and_onset(criterion, findings, birth, expected):
    assert status(criterion, *findings, birth=birth) is expected


# ------------------------------------------------------------------------------ lab forms
def test_weight_based_proteinuria_divides_by_the_latest_weight():
    c = crit("lab", "inclusion", analytes=["lab.urine_protein_24h"], op=">=", value=25.0,
             unit="mg/kg/day", per_weight=True, exceptions=[], csf_free_days=None,
             below_manual=None)
    protein = finding("lab.urine_protein_24h", 1.2, unit="g/day", note="u")
    assert status(c, protein, weight(40.0)) is Status.MET  # 30 mg/kg/day
    assert status(c, protein, weight(60.0)) is Status.NOT_MET  # 20 mg/kg/day
    assert status(c, protein) is Status.UNKNOWN


def test_a_malignancy_exception_keeps_the_excepted_cancer_out():
    c = crit("diagnosis", concepts=["dx.malignancy"], system=None, ruled_out_not_met=False,
             except_concepts=["dx.nmsc"])
    skin = finding("dx.nmsc", category="diagnosis", note="k")
    lymphoma = finding("dx.malignancy", category="diagnosis", note="l")
    assert status(c, skin) is Status.NOT_MET
    assert status(c, skin, lymphoma) is Status.MET
    without_exception = crit("diagnosis", concepts=["dx.malignancy"], system=None,
                             ruled_out_not_met=False)
    assert status(without_exception, skin) is Status.MET  # a skin cancer is a malignancy
