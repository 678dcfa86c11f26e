"""Clinic notes written by other hands: referral letters, discharge summaries, fixed-width lab
printouts, copy-forward text, British and American spelling, analyser codes, brand names and
typos. Every snippet was written for these tests from clinical knowledge (none is copied from
the dev cohort); each expectation is what GUIDELINE.md and DOMAIN.md say is right.

Note date for all: 2026-11-10. A month-only date means the 15th, a year-only date 1 July.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher.nlp.pipeline import NoteParser, build_pipeline

NOTE_DATE = dt.date(2026, 11, 10)
D = dt.date

# "patient" = the patient's own fact, either current (affirmed) or past (historical).
ALIASES = {"patient": {"affirmed", "historical"}}


@pytest.fixture(scope="module")
def parser() -> NoteParser:
    return NoteParser(build_pipeline())


def _slug(text: str, width: int = 48) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"[^A-Za-z0-9/#.:+?()<>=%-]+", "_", text)
    return text[:width]


def _findings(parser: NoteParser, text: str, concept: str) -> list:
    found = [f for f in parser.parse(text, "n", NOTE_DATE) if f.concept == concept]
    for f in found:
        assert text[f.start:f.end] == f.text, "span does not index the note text"
    return found


def _pick(parser: NoteParser, text: str, concept: str, anchor: str | None) -> list:
    """Findings of `concept`, restricted to those overlapping the first `anchor` occurrence."""
    found = _findings(parser, text, concept)
    if anchor is None:
        return found
    i = text.index(anchor)
    j = i + len(anchor)
    return [f for f in found if f.start < j and f.end > i]


def _describe(found: list) -> str:
    return "; ".join(
        f"{f.text!r}={f.value!r} {f.unit or ''} {f.assertion} date={f.date} attrs={f.attrs}"
        for f in found
    ) or "nothing"


def _within(actual, expected) -> bool:
    if isinstance(expected, tuple):
        low, high = expected
        return actual is not None and low <= actual <= high
    return actual == expected


# ---------------------------------------------------------------------------------------------
# 1-2. Assertions and sections: (text, concept, expected assertion, anchor or None)
# expected: an assertion name, "patient" (affirmed or historical), or "a|b" (either).
# ---------------------------------------------------------------------------------------------
ASSERTIONS = [
    # negation, cue before the concept
    ("No history of lupus nephritis.", "dx.lupus_nephritis", "negated", None),
    ("Has never had Rituxan.", "drug.rituximab", "negated", None),
    ("Denies prior cyclophosphamide exposure.", "drug.cyclophosphamide", "negated", None),
    ("Has not had tacrolimus.", "drug.tacrolimus", "negated", None),
    ("Without evidence of myositis on MRI.", "dx.myositis", "negated", None),
    ("Free of malignancy.", "dx.malignancy", "negated", None),
    ("No TB contact.", "dx.tuberculosis", "negated", None),
    ("She is negative for hepatitis B.", "dx.hbv", "negated", None),
    ("Not pregnant.", "dx.pregnancy", "negated", None),
    ("No prior exposure to CYC or MMF.", "drug.cyclophosphamide", "negated", "CYC"),
    ("No prior exposure to CYC or MMF.", "drug.mycophenolate", "negated", "MMF"),
    ("Negative for HIV, hepatitis B and hepatitis C.", "dx.hcv", "negated", None),
    ("Ruled out: septic shock.", "status.hemodynamic_instability", "negated", None),
    ("Not in remission.", "status.complete_remission", "negated", None),
    ("Not treatment-naive.", "status.treatment_naive", "negated", None),
    # negation, cue after the concept
    ("Renal transplant: none.", "dx.transplant", "negated", None),
    ("Previous kidney transplant: no", "dx.transplant", "negated", None),
    ("HIV - negative", "dx.hiv", "negated", None),
    ("Hepatitis C antibody not detected.", "dx.hcv", "negated", None),
    ("Hepatitis B, hepatitis C and HIV all negative.", "dx.hbv", "negated", None),
    ("ANCA vasculitis excluded.", "dx.aav", "negated", None),
    ("TB screen (IGRA) negative.", "dx.tuberculosis", "negated", None),
    ("Myositis: none.", "dx.myositis", "negated", None),
    ("Poor venous access: no", "status.poor_venous_access", "negated", None),
    # scope ends
    ("No rash but SLE confirmed on serology.", "dx.sle", "affirmed", None),
    ("No fever; LN class IV on repeat biopsy.", "dx.lupus_nephritis", "patient", None),
    ("Denies joint pain, however tacrolimus caused tremor.", "drug.tacrolimus", "patient",
     None),
    ("- No transplant\n- Mycophenolate 600 mg/m2 bd", "drug.mycophenolate", "affirmed", None),
    ("- No transplant\n- Gilbert syndrome", "dx.gilbert", "affirmed", None),
    ("No rituximab.\nCyclophosphamide x6 in 2024.", "drug.cyclophosphamide", "patient", None),
    ("No infections. Prednisolone 5 mg daily.", "drug.glucocorticoid", "affirmed", None),
    ("No proteinuria at diagnosis; however, nephrotic-range proteinuria since June.",
     "status.persistent_proteinuria", "affirmed", "nephrotic-range"),
    ("Mother has SLE; patient has Gilbert syndrome.", "dx.gilbert", "affirmed", None),
    # pseudo-cues that do not negate
    ("No change in MMF dose.", "drug.mycophenolate", "affirmed", None),
    ("No increase in prednisolone dose.", "drug.glucocorticoid", "affirmed", None),
    ("No improvement in proteinuria on MMF.", "drug.mycophenolate", "affirmed", None),
    ("She has not only lupus nephritis but also myositis.", "dx.myositis", "affirmed", None),
    ("She has not only lupus nephritis but also myositis.", "dx.lupus_nephritis", "affirmed",
     None),
    ("No longer nephrotic on tacrolimus.", "drug.tacrolimus", "affirmed", None),
    # family
    ("Mother: SLE.", "dx.sle", "family", None),
    ("Father has psoriasis; paternal grandmother had lupus.", "dx.sle", "family", None),
    ("Her older sister has lupus nephritis.", "dx.lupus_nephritis", "family", None),
    ("Maternal aunt - SLE on hydroxychloroquine.", "dx.sle", "family", None),
    ("Cousin with juvenile dermatomyositis.", "dx.myositis", "family", None),
    ("Sibling with Gilbert syndrome.", "dx.gilbert", "family", None),
    ("Brother had a kidney transplant in 2015.", "dx.transplant", "family", None),
    ("FH: grandmother lupus.", "dx.sle", "family", None),
    ("Father: lupus nephritis, on dialysis.", "dx.lupus_nephritis", "family", None),
    ("Mother's lupus is well controlled.", "dx.sle", "family", None),
    ("Family history\nMother - SLE", "dx.sle", "family", None),
    ("Family history of lupus.", "dx.sle", "family", None),
    ("No family history of lupus.", "dx.sle", "negated|family", None),
    ("FAMILY HISTORY\nSLE in mother.\nNo renal disease.", "dx.sle", "family", None),
    ("Family History - paternal cousin with lupus nephritis", "dx.lupus_nephritis", "family",
     None),
    ("Family history:\nAunt with SLE.\n\nPast medical history:\nLupus nephritis class IV.",
     "dx.lupus_nephritis", "patient", None),
    ("Family history: nil relevant.\nPMH: SLE since 2022.", "dx.sle", "patient", None),
    # planned / hypothetical
    ("Consider switching to tacrolimus.", "drug.tacrolimus", "hypothetical", None),
    ("Plan to add leflunomide.", "drug.leflunomide", "hypothetical", None),
    ("Will start rituximab if proteinuria persists.", "drug.rituximab", "hypothetical", None),
    ("Discussed cyclophosphamide with parents.", "drug.cyclophosphamide", "hypothetical", None),
    ("Kidney biopsy booked for next week.", "proc.kidney_biopsy", "hypothetical", None),
    ("Belimumab to be considered at next visit.", "drug.belimumab", "hypothetical", None),
    ("Options include MMF or Euro-Lupus cyclophosphamide.", "drug.mycophenolate",
     "hypothetical", None),
    ("Options include MMF or Euro-Lupus cyclophosphamide.", "drug.cyclophosphamide",
     "hypothetical", "cyclophosphamide"),
    ("Referral for CAR-T.", "proc.car_t", "hypothetical", None),
    ("If neutropenic, give G-CSF.", "drug.gcsf", "hypothetical", None),
    ("Awaiting funding approval for obinutuzumab.", "drug.obinutuzumab", "hypothetical", None),
    ("Plan:\n- continue MMF 600 mg/m2 bd", "drug.mycophenolate", "affirmed", None),
    ("Plan:\n- start tacrolimus 0.05 mg/kg bd", "drug.tacrolimus", "hypothetical", None),
    ("PLAN\n1. Increase prednisolone to 20 mg\n2. Add hydroxychloroquine",
     "drug.glucocorticoid", "affirmed", None),
    ("PLAN\n1. Increase prednisolone to 20 mg\n2. Add hydroxychloroquine",
     "drug.hydroxychloroquine", "hypothetical", None),
    ("Plan:\n- continue CellCept\n- start Prograf", "drug.mycophenolate", "affirmed", None),
    ("Plan:\n- continue CellCept\n- start Prograf", "drug.tacrolimus", "hypothetical", None),
    ("Plan: continue tacrolimus, start leflunomide.", "drug.tacrolimus", "affirmed", None),
    ("Plan: continue tacrolimus, start leflunomide.", "drug.leflunomide", "hypothetical",
     None),
    ("Plan: stop cyclophosphamide after dose 6.", "drug.cyclophosphamide", "patient", None),
    ("Recommendations:\nwean steroids by 2.5 mg a week", "drug.glucocorticoid", "affirmed",
     None),
    ("Plan: repeat renal biopsy in 3 months.", "proc.kidney_biopsy", "hypothetical", None),
    ("PLAN\nStart Myfortic 360 mg bd", "drug.mycophenolate", "hypothetical", None),
    ("Assessment/Plan:\nClass IV LN on MMF; consider RTX.", "drug.mycophenolate", "affirmed",
     None),
    ("Assessment/Plan:\nClass IV LN on MMF; consider RTX.", "drug.rituximab", "hypothetical",
     None),
    # uncertain
    ("Suspected lupus nephritis.", "dx.lupus_nephritis", "uncertain", None),
    ("Possible myositis (CK mildly raised).", "dx.myositis", "uncertain", None),
    ("?Gilbert's syndrome", "dx.gilbert", "uncertain", None),
    ("? lupus nephritis", "dx.lupus_nephritis", "uncertain", None),
    ("R/O tuberculosis.", "dx.tuberculosis", "uncertain", None),
    ("r/o myositis - check CK", "dx.myositis", "uncertain", None),
    ("Cannot exclude septic shock.", "status.hemodynamic_instability", "uncertain", None),
    ("Likely Gilbert syndrome given unconjugated hyperbilirubinaemia.", "dx.gilbert",
     "uncertain", None),
    ("Query SLE.", "dx.sle", "uncertain", None),
    ("Probable lupus.", "dx.sle", "uncertain", None),
    ("Differential includes dermatomyositis.", "dx.myositis", "uncertain", None),
    ("Impression: ?lupus nephritis", "dx.lupus_nephritis", "uncertain", None),
    # the patient's own facts, current or past
    ("History of renal transplant (2018).", "dx.transplant", "patient", None),
    ("PMH: SLE diagnosed 2022, class IV LN 2023.", "dx.sle", "patient", None),
    ("Previously treated with Endoxan.", "drug.cyclophosphamide", "patient", None),
    ("s/p IVCY x6.", "drug.cyclophosphamide", "patient", None),
    ("Prior MMF, now on tacrolimus.", "drug.mycophenolate", "patient", None),
    ("Prior MMF, now on tacrolimus.", "drug.tacrolimus", "affirmed", None),
    ("MMF stopped in June because of diarrhoea.", "drug.mycophenolate", "patient", None),
    ("Tacrolimus held for AKI.", "drug.tacrolimus", "patient", None),
    ("Achieved complete renal remission in 2025.", "status.complete_remission", "patient",
     None),
    ("Treatment-naive at referral.", "status.treatment_naive", "affirmed", None),
    ("Non-responder to MMF.", "status.nonresponse", "affirmed", None),
    ("Haemodynamically unstable, on inotropes.", "status.hemodynamic_instability", "affirmed",
     None),
    ("Difficult IV access; needed ultrasound-guided cannulation.",
     "status.poor_venous_access", "affirmed", None),
    ("MEDICATIONS\nTacrolimus 2 mg bd\nPrednisolone 5 mg od", "drug.tacrolimus", "affirmed",
     None),
    ("MEDICATIONS\nTacrolimus 2 mg bd\nPrednisolone 5 mg od", "drug.glucocorticoid",
     "affirmed", None),
    ("Problem list:\n1. SLE\n2. Class IV LN", "dx.lupus_nephritis", "patient", None),
    # one-line-per-result blocks: a negation on one line does not reach the next
    ("HBsAg negative\nHb 102 g/L", "lab.hemoglobin", "affirmed", None),
    ("G-CSF: none\nNEUT# 0.9 x10^9/L", "lab.neutrophils", "affirmed", None),
    ("G-CSF: none\nNEUT# 0.9 x10^9/L", "drug.gcsf", "negated", None),
    ("ANCA negative\nWBC 3.1 x10^9/L", "lab.wbc", "affirmed", None),
    ("HIV Ab: not detected\nCD19 12 %", "lab.cd19", "affirmed", None),
    ("Hep B sAg  Not detected\nCreatinine  48  umol/L", "lab.creatinine", "affirmed", None),
]


@pytest.mark.parametrize(
    ("text", "concept", "expected", "anchor"),
    [pytest.param(*c, id=f"{c[1]}:{c[2]}:{_slug(c[0])}") for c in ASSERTIONS],
)
def test_assertion(parser, text, concept, expected, anchor):
    found = _pick(parser, text, concept, anchor)
    assert found, f"{concept} not found in {text!r}"
    allowed = set()
    for name in expected.split("|"):
        allowed |= ALIASES.get(name, {name})
    assert all(str(f.assertion) in allowed for f in found), _describe(found)


# ---------------------------------------------------------------------------------------------
# 3. Dates of labs, biopsies and events: (text, concept, expected finding.date, anchor)
# A tuple (low, high) accepts any date in that range (relative phrases such as "last month").
# ---------------------------------------------------------------------------------------------
DATES = [
    ("Bloods 2026-10-28: Hb 104 g/L", "lab.hemoglobin", D(2026, 10, 28), None),
    ("Hb 104 g/L on 28/10/2026", "lab.hemoglobin", D(2026, 10, 28), None),
    ("Hb 104 g/L on 10/28/2026", "lab.hemoglobin", D(2026, 10, 28), None),
    ("Creatinine 53 umol/L on 28/10/2026", "lab.creatinine", D(2026, 10, 28), None),
    ("Creatinine 0.6 mg/dL on 10/28/2026", "lab.creatinine", D(2026, 10, 28), None),
    ("14.03.2026: creatinine 52 umol/L", "lab.creatinine", D(2026, 3, 14), None),
    ("Collected: 05-Nov-2026\nWBC 4.1 x10^9/L", "lab.wbc", D(2026, 11, 5), None),
    ("Bloods 24/10/2026:\nALT 35 U/L\nAST 30 U/L", "lab.ast", D(2026, 10, 24), None),
    ("Results 14.10.2026\nCreatinine 48 umol/L", "lab.creatinine", D(2026, 10, 14), None),
    ("Bloods 20/09/2026:\nHb 90 g/L\n\nBloods 03/11/2026:\nHb 110 g/L", "lab.hemoglobin",
     D(2026, 11, 3), "110"),
    ("Bloods 20/09/2026:\nHb 90 g/L\n\nBloods 03/11/2026:\nHb 110 g/L", "lab.hemoglobin",
     D(2026, 9, 20), "90"),
    ("Hb 98 g/L (2026-10-12); Hb 110 g/L (2026-11-05)", "lab.hemoglobin", D(2026, 11, 5),
     "110"),
    ("UPCR 2.1 g/g 3 days ago", "lab.upcr", D(2026, 11, 7), None),
    ("2 weeks ago ALT was 60 U/L", "lab.alt", D(2026, 10, 27), None),
    ("Yesterday: Hb 95 g/L", "lab.hemoglobin", D(2026, 11, 9), None),
    ("Renal biopsy 14 Mar 2026: class IV-G (A).", "biopsy.kidney", D(2026, 3, 14), None),
    ("Kidney biopsy on Mar 14, 2026 showed class III lupus nephritis.", "biopsy.kidney",
     D(2026, 3, 14), None),
    ("Biopsy (March 2026): lupus nephritis class IV+V.", "biopsy.kidney", D(2026, 3, 15),
     None),
    ("Renal biopsy 2026-03: class III lupus nephritis.", "biopsy.kidney", D(2026, 3, 15),
     None),
    ("Renal biopsy 06/2025: class IV lupus nephritis.", "biopsy.kidney", D(2025, 6, 15), None),
    ("Date of renal biopsy: 2 Sept 2026. Class IV-S (A/C) LN.", "biopsy.kidney",
     D(2026, 9, 2), None),
    ("Renal biopsy 21st October 2026: class III (A) lupus nephritis.", "biopsy.kidney",
     D(2026, 10, 21), None),
    ("Renal biopsy 2024: class IV lupus nephritis.", "biopsy.kidney", D(2024, 7, 1), None),
    ("Renal biopsy in September showed class IV lupus nephritis.", "biopsy.kidney",
     D(2026, 9, 15), None),
    ("Renal biopsy last month: class III lupus nephritis.", "biopsy.kidney",
     (D(2026, 10, 1), D(2026, 10, 31)), None),
    ("Kidney biopsy 6 months ago showed class IV LN.", "biopsy.kidney",
     (D(2026, 5, 8), D(2026, 5, 12)), None),
    ("Renal flare in August 2026.", "status.renal_relapse", D(2026, 8, 15), None),
    ("15-Nov-2025 ALT 44 U/L", "lab.alt", D(2025, 11, 15), None),
]


@pytest.mark.parametrize(
    ("text", "concept", "expected", "anchor"),
    [pytest.param(*c, id=f"{c[1]}:{_slug(c[0])}") for c in DATES],
)
def test_date(parser, text, concept, expected, anchor):
    found = _pick(parser, text, concept, anchor)
    assert found, f"{concept} not found in {text!r}"
    assert _within(found[0].date, expected), _describe(found)


# ---------------------------------------------------------------------------------------------
# 4. Lab layouts: (text, concept, value in canonical unit, unit, ref_high or None, anchor)
# ---------------------------------------------------------------------------------------------
FBC_PRINTOUT = (
    "FULL BLOOD COUNT\n"
    "Test        Result  Flag  Units      Reference\n"
    "WBC         2.8     L     x10^9/L    4.0-11.0\n"
    "NEUT#       1.10    L     x10^9/L    1.5-8.0\n"
    "LYM#        0.62    L     x10^9/L    1.0-4.0\n"
    "HGB         98      L     g/L        115-155\n"
    "PLT         145     L     x10^9/L    150-400\n"
)
CHEM_PRINTOUT = (
    "BIOCHEMISTRY\n"
    "Test         Result   Flag   Units     Reference\n"
    "ALT          85       H      U/L       7-40\n"
    "AST          62       H      U/L       10-40\n"
    "TBIL         9               umol/L    0-21\n"
    "CREA         48              umol/L    35-80\n"
    "INR          1.3      H                0.8-1.2\n"
)
LABS = [
    # inline, with units in many spellings
    ("Hb 10.4 g/dl", "lab.hemoglobin", 104.0, "g/L", None, None),
    ("Haemoglobin 101g/L", "lab.hemoglobin", 101.0, "g/L", None, None),
    ("Hgb: 8.9 g/dL (L)", "lab.hemoglobin", 89.0, "g/L", None, None),
    ("WBC 4,600/mm3", "lab.wbc", 4.6, "x10^9/L", None, None),
    ("Leucocytes 3.1 G/L", "lab.wbc", 3.1, "x10^9/L", None, None),
    ("TLC 5200 cells/cmm", "lab.wbc", 5.2, "x10^9/L", None, None),
    ("Neutrophils 2.1 x 109/L", "lab.neutrophils", 2.1, "x10^9/L", None, None),
    ("Lymphocytes 0.9 10*9/L", "lab.lymphocytes", 0.9, "x10^9/L", None, None),
    ("ALC 650/µL", "lab.lymphocytes", 0.65, "x10^9/L", None, None),
    ("lymphs 1.2 x10³/µL", "lab.lymphocytes", 1.2, "x10^9/L", None, None),
    ("PLT 98 x10^3/uL", "lab.platelets", 98.0, "x10^9/L", None, None),
    ("Plt 145 K/µL", "lab.platelets", 145.0, "x10^9/L", None, None),
    ("T bili 12 µmol/L", "lab.bilirubin_total", 12.0, "umol/L", None, None),
    ("Creatinine 45 µmol/L", "lab.creatinine", 45.0, "umol/L", None, None),
    ("creat 45 micromol/L", "lab.creatinine", 45.0, "umol/L", None, None),
    ("Cr 0.52 mg/dl", "lab.creatinine", 45.968, "umol/L", None, None),
    ("UPCR 150 mg/mmol", "lab.upcr", 150 / 113, "g/g", None, None),
    ("Urine PCR 85 mg/mmol", "lab.upcr", 85 / 113, "g/g", None, None),
    ("UPCR 1850 mg/g", "lab.upcr", 1.85, "g/g", None, None),
    ("UPC ratio 0.8 mg/mg", "lab.upcr", 0.8, "g/g", None, None),
    ("protein:creatinine ratio 3.1 g/g", "lab.upcr", 3.1, "g/g", None, None),
    ("24-hour urine protein 2.4 g/24h", "lab.urine_protein_24h", 2.4, "g/day", None, None),
    ("24h urine protein 850 mg/24h", "lab.urine_protein_24h", 0.85, "g/day", None, None),
    ("Proteinuria 1.2 g/24 h", "lab.urine_protein_24h", 1.2, "g/day", None, None),
    ("INR 1.05", "lab.inr", 1.05, "ratio", None, None),
    ("Prothrombin time 12.5 seconds", "lab.pt", 12.5, "s", None, None),
    ("eGFR (bedside Schwartz) 88 mL/min/1.73 m²", "lab.egfr", 88.0, "mL/min/1.73m2", None,
     None),
    ("estimated GFR 64 ml/min/1.73m2", "lab.egfr", 64.0, "mL/min/1.73m2", None, None),
    ("Ht 1.52 m", "lab.height", 152.0, "cm", None, None),
    ("Height: 152.5cm", "lab.height", 152.5, "cm", None, None),
    # reference ranges give the ULN
    ("ALT 85 U/L (ref 7-40)", "lab.alt", 85.0, "U/L", 40.0, None),
    ("AST 60 U/L [N <40]", "lab.ast", 60.0, "U/L", 40.0, None),
    ("AST 46 U/L (ref ≤40)", "lab.ast", 46.0, "U/L", 40.0, None),
    ("ALT 52 IU/L [0 - 33]", "lab.alt", 52.0, "U/L", 33.0, None),
    ("SGPT 120 U/L (<35)", "lab.alt", 120.0, "U/L", 35.0, None),
    ("INR 1.3 (0.8–1.2)", "lab.inr", 1.3, "ratio", 1.2, None),
    ("PT 14.2 s (11.0–13.5)", "lab.pt", 14.2, "s", 13.5, None),
    ("Bilirubin (total) 30 umol/L (3-21)", "lab.bilirubin_total", 30.0, "umol/L", 21.0, None),
    ("TBil 1.8 mg/dL (0.2-1.2)", "lab.bilirubin_total", 30.78, "umol/L", 20.52, None),
    ("ALT 130 H (7-40)", "lab.alt", 130.0, "U/L", 40.0, None),
    # no unit: the one unit the magnitude fits
    ("Hb 98", "lab.hemoglobin", 98.0, "g/L", None, None),
    ("Hb 9.8", "lab.hemoglobin", 98.0, "g/L", None, None),
    ("creatinine 53", "lab.creatinine", 53.0, "umol/L", None, None),
    ("creatinine 0.6", "lab.creatinine", 53.04, "umol/L", None, None),
    ("ANC 1500", "lab.neutrophils", 1.5, "x10^9/L", None, None),
    ("Platelets 250", "lab.platelets", 250.0, "x10^9/L", None, None),
    ("Height 148", "lab.height", 148.0, "cm", None, None),
    ("LYM# 1.30", "lab.lymphocytes", 1.3, "x10^9/L", None, None),
    ("HGB 121", "lab.hemoglobin", 121.0, "g/L", None, None),
    ("NEUT# 0.95 10^9/L", "lab.neutrophils", 0.95, "x10^9/L", None, None),
    # semicolon and comma lists
    ("Hb 112, WBC 6.3, plt 301", "lab.hemoglobin", 112.0, "g/L", None, None),
    ("Hb 112, WBC 6.3, plt 301", "lab.wbc", 6.3, "x10^9/L", None, None),
    ("Hb 112, WBC 6.3, plt 301", "lab.platelets", 301.0, "x10^9/L", None, None),
    ("Na 138; K 4.1; creatinine 51 umol/L; ALT 22 U/L", "lab.creatinine", 51.0, "umol/L",
     None, None),
    ("Na 138; K 4.1; creatinine 51 umol/L; ALT 22 U/L", "lab.alt", 22.0, "U/L", None, None),
    ("Lymphocytes 0.62 L x10^9/L, neutrophils 2.0", "lab.lymphocytes", 0.62, "x10^9/L", None,
     None),
    # units shared by a list
    ("WBC 3.4, neutrophils 1.2, lymphocytes 0.9 (all x10^9/L)", "lab.wbc", 3.4, "x10^9/L",
     None, None),
    ("WBC 3.4, neutrophils 1.2, lymphocytes 0.9 (all x10^9/L)", "lab.neutrophils", 1.2,
     "x10^9/L", None, None),
    ("WBC 3.4, neutrophils 1.2, lymphocytes 0.9 (all x10^9/L)", "lab.lymphocytes", 0.9,
     "x10^9/L", None, None),
    ("ANC/ALC 800/450 per µL", "lab.neutrophils", 0.8, "x10^9/L", None, None),
    ("ANC/ALC 800/450 per µL", "lab.lymphocytes", 0.45, "x10^9/L", None, None),
    # combined values
    ("AST/ALT 45/60 U/L", "lab.ast", 45.0, "U/L", None, None),
    ("AST/ALT 45/60 U/L", "lab.alt", 60.0, "U/L", None, None),
    ("ALT/AST: 110/75", "lab.alt", 110.0, "U/L", None, None),
    ("ALT/AST: 110/75", "lab.ast", 75.0, "U/L", None, None),
    # fixed-width printouts
    (FBC_PRINTOUT, "lab.wbc", 2.8, "x10^9/L", 11.0, None),
    (FBC_PRINTOUT, "lab.neutrophils", 1.1, "x10^9/L", 8.0, None),
    (FBC_PRINTOUT, "lab.lymphocytes", 0.62, "x10^9/L", 4.0, None),
    (FBC_PRINTOUT, "lab.hemoglobin", 98.0, "g/L", 155.0, None),
    (FBC_PRINTOUT, "lab.platelets", 145.0, "x10^9/L", 400.0, None),
    (CHEM_PRINTOUT, "lab.alt", 85.0, "U/L", 40.0, None),
    (CHEM_PRINTOUT, "lab.ast", 62.0, "U/L", 40.0, None),
    (CHEM_PRINTOUT, "lab.bilirubin_total", 9.0, "umol/L", 21.0, None),
    (CHEM_PRINTOUT, "lab.creatinine", 48.0, "umol/L", 80.0, None),
    (CHEM_PRINTOUT, "lab.inr", 1.3, "ratio", 1.2, None),
    # misspelt analyte names (other hands type fast)
    ("haemoglobine 102 g/L", "lab.hemoglobin", 102.0, "g/L", None, None),
    ("heamoglobin 9.8 g/dL", "lab.hemoglobin", 98.0, "g/L", None, None),
    ("creatinin 50 umol/L", "lab.creatinine", 50.0, "umol/L", None, None),
    ("lymphocites 1.2 x10^9/L", "lab.lymphocytes", 1.2, "x10^9/L", None, None),
    ("neutrophills 2.0 x10^9/L", "lab.neutrophils", 2.0, "x10^9/L", None, None),
]


@pytest.mark.parametrize(
    ("text", "concept", "value", "unit", "ref_high", "anchor"),
    [pytest.param(*c, id=f"{c[1]}:{_slug(c[0])}") for c in LABS],
)
def test_lab(parser, text, concept, value, unit, ref_high, anchor):
    found = [f for f in _pick(parser, text, concept, anchor) if f.value is not None]
    assert found, f"{concept} value not found in {text!r}"
    f = found[0]
    assert f.value == pytest.approx(value, rel=1e-3), _describe(found)
    assert f.unit == unit, _describe(found)
    if ref_high is not None:
        assert f.ref_high == pytest.approx(ref_high, rel=1e-3), _describe(found)


# ---------------------------------------------------------------------------------------------
# 5-6. Drug names: brand names, abbreviations and misspellings, each read as the patient's.
# ---------------------------------------------------------------------------------------------
DRUG_NAMES = [
    ("CellCept 500 mg bd", "drug.mycophenolate"),
    ("Myfortic 360 mg bd", "drug.mycophenolate"),
    ("MPA 720 mg bd", "drug.mycophenolate"),
    ("Prograf 1 mg bd", "drug.tacrolimus"),
    ("Advagraf 3 mg od", "drug.tacrolimus"),
    ("FK506 trough 6.2", "drug.tacrolimus"),
    ("TAC 2 mg bd", "drug.tacrolimus"),
    ("Tac 3 mg bd", "drug.tacrolimus"),
    ("Neoral 75 mg bd", "drug.cyclosporine"),
    ("CsA 3 mg/kg/day", "drug.cyclosporine"),
    ("Solu-Medrol 500 mg IV x3", "drug.glucocorticoid"),
    ("IVMP 30 mg/kg x3", "drug.glucocorticoid"),
    ("pred 10 mg od", "drug.glucocorticoid"),
    ("PSL 15 mg/day", "drug.glucocorticoid"),
    ("Medrol 16 mg daily", "drug.glucocorticoid"),
    ("Endoxan 500 mg IV", "drug.cyclophosphamide"),
    ("CYC 750 mg/m2 monthly", "drug.cyclophosphamide"),
    ("CTX pulses x6", "drug.cyclophosphamide"),
    ("Arava 10 mg od", "drug.leflunomide"),
    ("LEF 20 mg od", "drug.leflunomide"),
    ("Rituxan 375 mg/m2 weekly x4", "drug.rituximab"),
    ("RTX 750 mg/m2 x2", "drug.rituximab"),
    ("MabThera 1 g x2", "drug.rituximab"),
    ("HCQ 200 mg od", "drug.hydroxychloroquine"),
    ("Plaquenil 200 mg", "drug.hydroxychloroquine"),
    ("Neupogen 5 mcg/kg sc daily x3", "drug.gcsf"),
    ("Neulasta 6 mg sc once", "drug.gcsf"),
    ("methotrexate 15 mg weekly", "drug.methotrexate"),
    ("Imuran 50 mg od", "drug.azathioprine"),
    ("Benlysta 10 mg/kg monthly", "drug.belimumab"),
    # misspellings
    ("mycophenolat 1 g bd", "drug.mycophenolate"),
    ("mycophenalate mofetil 600 mg/m2 bd", "drug.mycophenolate"),
    ("tacrolimous 2 mg bd", "drug.tacrolimus"),
    ("tacrolimis 1.5 mg bd", "drug.tacrolimus"),
    ("cyclophosphamid 500 mg IV", "drug.cyclophosphamide"),
    ("cyclophospamide 500 mg IV", "drug.cyclophosphamide"),
    ("prednisolon 10 mg od", "drug.glucocorticoid"),
    ("prednisalone 20 mg od", "drug.glucocorticoid"),
    ("methylprednisolon 500 mg IV", "drug.glucocorticoid"),
    ("rituximib 375 mg/m2", "drug.rituximab"),
    ("hydroxychloroqine 200 mg od", "drug.hydroxychloroquine"),
    ("leflunamide 10 mg od", "drug.leflunomide"),
    ("ciclosporine 3 mg/kg", "drug.cyclosporine"),
    ("Cellcept 750 mg bd", "drug.mycophenolate"),
]


@pytest.mark.parametrize(
    ("text", "concept"), [pytest.param(*c, id=f"{c[1]}:{_slug(c[0])}") for c in DRUG_NAMES]
)
def test_drug_name(parser, text, concept):
    found = _findings(parser, text, concept)
    assert found, f"{concept} not found in {text!r}"
    assert str(found[0].assertion) in ALIASES["patient"], _describe(found)


# ---------------------------------------------------------------------------------------------
# 6. Words that must NOT be read as a concept ("*" = no finding at all).
# ---------------------------------------------------------------------------------------------
ABSENT = [
    ("Had an asthma attack last winter.", "drug.tacrolimus"),
    ("Keen cyclist, plays football twice a week.", "drug.cyclosporine"),
    ("Keen cyclist, plays football twice a week.", "drug.cyclophosphamide"),
    ("The plan was explained to the family.", "*"),
    ("Screened for hemoglobinopathy: normal.", "lab.hemoglobin"),
    ("Predicted adult height 162 cm.", "drug.glucocorticoid"),
    ("Pregnancy test negative.", "drug.glucocorticoid"),
    ("Synovitis of the 2nd MP joint.", "drug.glucocorticoid"),
    ("CT abdomen normal.", "drug.cyclophosphamide"),
    ("Seen by PT for deconditioning.", "lab.pt"),
    ("HT, on amlodipine 5 mg.", "lab.height"),
    ("COVID-19 PCR negative.", "lab.upcr"),
    ("EBV PCR 1200 copies/mL.", "lab.upcr"),
    ("ALP 310 U/L", "lab.alt"),
    ("ASOT 400 IU/mL", "lab.ast"),
    ("GGT 45 U/L", "lab.alt"),
    ("GGT 45 U/L", "lab.ast"),
    ("RBC 4.2 x10^12/L", "lab.wbc"),
    ("HbA1c 36 mmol/mol", "lab.hemoglobin"),
    ("MCHC 330 g/L", "lab.hemoglobin"),
    ("PTT 34 s", "lab.pt"),
    ("APTT 38 s", "lab.pt"),
    ("PT/INR 1.1", "lab.pt"),
    ("Creatine kinase 250 U/L", "lab.creatinine"),
    ("CK 2300 U/L", "lab.creatinine"),
    ("ENA screen negative.", "lab.ana"),
    ("Anaemia of chronic disease.", "lab.ana"),
    ("CD4 count 650 cells/uL", "lab.cd19"),
    ("Reviewed with Dr Gilbert in clinic.", "dx.gilbert"),
    ("Lupus anticoagulant positive.", "dx.sle"),
    ("Cervical LN 1.5 cm, non-tender.", "dx.lupus_nephritis"),
    ("Mycoplasma IgM negative.", "drug.mycophenolate"),
    ("Cyclizine 25 mg for nausea.", "drug.cyclophosphamide"),
    ("Cyclizine 25 mg for nausea.", "drug.cyclosporine"),
    ("Antenatal scan: neural tube normal.", "drug.cyclosporine"),
    ("Enrolled in a school exercise program.", "drug.tacrolimus"),
    ("Lymphoma excluded.", "lab.lymphocytes"),
    ("The family were shocked by the diagnosis.", "status.hemodynamic_instability"),
    ("At the height of the flare she needed a transfusion.", "lab.height"),
    ("Diagnosed with SLE 3 years ago.", "demographic.age"),
    ("On MMF for 2 years.", "demographic.age"),
    ("ciclosporin 3 mg/kg/day", "drug.cyclophosphamide"),
    ("methotrexate 15 mg weekly", "drug.glucocorticoid"),
    ("She got better after IV fluids.", "lab.ast"),
    ("RTX 375 mg/m2 weekly x4", "dx.transplant"),
    ("Neutrophils 65% on the differential.", "lab.neutrophils"),
]


@pytest.mark.parametrize(
    ("text", "concept"), [pytest.param(*c, id=f"{c[1]}:{_slug(c[0])}") for c in ABSENT]
)
def test_absent(parser, text, concept):
    found = parser.parse(text, "n", NOTE_DATE)
    if concept != "*":
        found = [f for f in found if f.concept == concept]
    if concept == "lab.neutrophils":  # a percentage is not an absolute count
        found = [f for f in found if f.unit == "x10^9/L"]
    assert not found, _describe(found)


# ---------------------------------------------------------------------------------------------
# 5. Drug histories: (text, concept, attribute, expected, anchor)
# ---------------------------------------------------------------------------------------------
DRUG_TIMES = [
    ("MMF since Feb 2025.", "drug.mycophenolate", "start_date", D(2025, 2, 15), None),
    ("Tacrolimus from 03/2025 to 09/2025.", "drug.tacrolimus", "start_date", D(2025, 3, 15),
     None),
    ("Tacrolimus from 03/2025 to 09/2025.", "drug.tacrolimus", "stop_date", D(2025, 9, 15),
     None),
    ("MMF 2024-01-10 to 2025-02-01, stopped for leucopenia.", "drug.mycophenolate",
     "stop_date", D(2025, 2, 1), None),
    ("Cyclophosphamide Apr-Sep 2023.", "drug.cyclophosphamide", "start_date", D(2023, 4, 15),
     None),
    ("Cyclophosphamide Apr-Sep 2023.", "drug.cyclophosphamide", "stop_date", D(2023, 9, 15),
     None),
    ("Prednisolone Feb 2025 - Jun 2026.", "drug.glucocorticoid", "start_date", D(2025, 2, 15),
     None),
    ("Prednisolone Feb 2025 - Jun 2026.", "drug.glucocorticoid", "stop_date", D(2026, 6, 15),
     None),
    ("On CellCept for the past 8 months.", "drug.mycophenolate", "start_date",
     (D(2026, 3, 8), D(2026, 3, 13)), None),
    ("On pred 10 mg for 2 years.", "drug.glucocorticoid", "start_date",
     (D(2024, 11, 8), D(2024, 11, 12)), None),
    ("Tacrolimus for 18 months.", "drug.tacrolimus", "duration_days", (545, 551), None),
    ("MMF started 3 months ago.", "drug.mycophenolate", "start_date",
     (D(2026, 8, 8), D(2026, 8, 12)), None),
    ("Started CellCept in September.", "drug.mycophenolate", "start_date", D(2026, 9, 15),
     None),
    ("Euro-Lupus CYC 500 mg q2w x6 from 15-Jan-2025.", "drug.cyclophosphamide",
     "start_date", D(2025, 1, 15), None),
    ("Monthly IVCY x6 from January 2025.", "drug.cyclophosphamide", "start_date",
     D(2025, 1, 15), None),
    ("IVMP 30 mg/kg x3 on 2026-02-02.", "drug.glucocorticoid", "start_date", D(2026, 2, 2),
     None),
    ("Stopped tacrolimus 2026-06-01 (tremor).", "drug.tacrolimus", "stop_date", D(2026, 6, 1),
     None),
    ("Switched from tacrolimus to ciclosporin in May 2026 because of tremor.",
     "drug.cyclosporine", "start_date", D(2026, 5, 15), None),
    ("Switched from tacrolimus to ciclosporin in May 2026 because of tremor.",
     "drug.tacrolimus", "stop_date", D(2026, 5, 15), None),
    ("Induction IVCY (NIH) Jan-Jun 2024, then maintenance MMF since July 2024.",
     "drug.cyclophosphamide", "start_date", D(2024, 1, 15), None),
    ("Induction IVCY (NIH) Jan-Jun 2024, then maintenance MMF since July 2024.",
     "drug.cyclophosphamide", "stop_date", D(2024, 6, 15), None),
    ("Induction IVCY (NIH) Jan-Jun 2024, then maintenance MMF since July 2024.",
     "drug.mycophenolate", "start_date", D(2024, 7, 15), None),
    ("Neoral started 13/04/2026.", "drug.cyclosporine", "start_date", D(2026, 4, 13), None),
    ("Prograf commenced 04/13/2026.", "drug.tacrolimus", "start_date", D(2026, 4, 13), None),
    ("Leflunomide (Arava) 10 mg od added 2026-06-01.", "drug.leflunomide", "start_date",
     D(2026, 6, 1), None),
    ("Neupogen 5 mcg/kg given 05.11.2026.", "drug.gcsf", "start_date", D(2026, 11, 5), None),
    ("G-CSF x3 days last week.", "drug.gcsf", "start_date", (D(2026, 11, 1), D(2026, 11, 7)),
     None),
    ("s/p rituximab (2025).", "drug.rituximab", "start_date", D(2025, 7, 1), None),
]


@pytest.mark.parametrize(
    ("text", "concept", "attr", "expected", "anchor"),
    [pytest.param(*c, id=f"{c[1]}:{c[2]}:{_slug(c[0])}") for c in DRUG_TIMES],
)
def test_drug_time(parser, text, concept, attr, expected, anchor):
    found = _pick(parser, text, concept, anchor)
    assert found, f"{concept} not found in {text!r}"
    assert _within(found[0].attrs.get(attr), expected), _describe(found)


# ---------------------------------------------------------------------------------------------
# 7. Scores, ANA, CD19, biopsy classes, ages, dates of birth
# ---------------------------------------------------------------------------------------------
SCORES = [
    ("SLEDAI-2K: 16", "score.sledai", 16.0),
    ("SLEDAI 2K = 10", "score.sledai", 10.0),
    ("SLEDAI2K 8", "score.sledai", 8.0),
    ("SLEDAI-2K score 12 (high activity)", "score.sledai", 12.0),
    ("SLEDAI 4 points", "score.sledai", 4.0),
    ("SLEDAI-2K 18/105", "score.sledai", 18.0),
    ("Disease activity (SLEDAI-2K) 11", "score.sledai", 11.0),
    ("SELENA SLEDAI: 6", "score.sledai", 6.0),
    ("SLEDAI-2000 score of 14", "score.sledai", 14.0),
    ("ECOG 0", "score.ecog", 0.0),
    ("ECOG performance status: 1", "score.ecog", 1.0),
    ("ECOG=2", "score.ecog", 2.0),
    ("WHO performance status 1", "score.ecog", 1.0),
    ("Lansky play-performance score 80%", "score.lansky", 80.0),
    ("Lansky 60", "score.lansky", 60.0),
    ("KPS 90", "score.karnofsky", 90.0),
    ("Karnofsky 70%", "score.karnofsky", 70.0),
]


@pytest.mark.parametrize(
    ("text", "concept", "value"), [pytest.param(*c, id=f"{c[1]}:{_slug(c[0])}") for c in SCORES]
)
def test_score(parser, text, concept, value):
    found = _findings(parser, text, concept)
    assert found, f"{concept} not found in {text!r}"
    assert found[0].value == value, _describe(found)


# (text, titre or None, result or None to skip)
ANA = [
    ("ANA 1:320 speckled", 320.0, "positive"),
    ("ANA (IIF, HEp-2): positive, titre 1/640, homogeneous", 640.0, "positive"),
    ("ANA >1:1280", 1280.0, "positive"),
    ("ANA positive at 1:160", 160.0, "positive"),
    ("FANA 1:2560", 2560.0, "positive"),
    ("ANA titer 1:80", 80.0, "positive"),
    ("Anti-nuclear antibodies positive 1 in 320", 320.0, "positive"),
    ("ANA 1:40 (low)", 40.0, None),
    ("ANA: negative", None, "negative"),
    ("ANA neg", None, "negative"),
    ("Antinuclear antibody not detected", None, "negative"),
    ("dsDNA: negative\nANA: 1:320", 320.0, "positive"),
]


@pytest.mark.parametrize(
    ("text", "value", "result"), [pytest.param(*c, id=_slug(c[0])) for c in ANA]
)
def test_ana(parser, text, value, result):
    found = _findings(parser, text, "lab.ana")
    assert found, f"lab.ana not found in {text!r}"
    assert found[0].value == value, _describe(found)
    if result is not None:
        assert found[0].attrs.get("result") == result, _describe(found)


CD19 = [
    ("CD19+ B cells 0.0% (0 cells/uL)", False),
    ("B cells (CD19+) 8.5%, 142 cells/µL", True),
    ("CD19: 0 cells/mcL", False),
    ("CD19 absolute 210 /uL", True),
    ("Lymphocyte subsets: B cells depleted (CD19 0%)", False),
    ("CD19+ B lymphocytes: not detected", False),
    ("CD19 15 %", True),
    ("CD19+ B cells 5 cells/µL (0.4%)", True),
    ("Flow cytometry: CD19+ B cells depleted", False),
    ("CD19 negative", False),
    ("LYMPHOCYTE SUBSETS\nCD3   1650 /uL\nCD4    820 /uL\nCD19     0 /uL", False),
    ("LYMPHOCYTE SUBSETS\nCD3   1650 /uL\nCD19   310 /uL\nNK     150 /uL", True),
    # a state word between the marker and its value: the value still decides
    ("CD19 B cells repopulating: 3.1% (44/uL)", True),
    ("CD19+ cells recovering, 1.8 %", True),
    ("B cells (CD19) reconstituted: 6 %", True),
    ("CD19 B-cells returning 0.9% of lymphocytes", True),
    ("CD19 repopulated 0 cells/uL", False),
]


@pytest.mark.parametrize(("text", "present"), [pytest.param(*c, id=_slug(c[0])) for c in CD19])
def test_cd19(parser, text, present):
    found = _findings(parser, text, "lab.cd19")
    assert found, f"lab.cd19 not found in {text!r}"
    assert found[0].attrs.get("present") is present, _describe(found)


BIOPSIES = [
    ("Renal biopsy: ISN/RPS class IV-G (A) lupus nephritis.", ["IV"]),
    ("Renal biopsy: class IV-S (A/C) lupus nephritis.", ["IV"]),
    ("Renal biopsy: class III (A/C) + V lupus nephritis.", ["III", "V"]),
    ("Kidney biopsy: LN class III+V.", ["III", "V"]),
    ("Renal biopsy: lupus nephritis class IV and V.", ["IV", "V"]),
    ("Renal biopsy: mixed class IV/V lupus nephritis.", ["IV", "V"]),
    ("Renal biopsy: WHO class III lupus nephritis.", ["III"]),
    ("Renal biopsy: diffuse proliferative LN.", ["IV"]),
    ("Renal biopsy: focal proliferative lupus nephritis.", ["III"]),
    ("Renal biopsy: mesangial proliferative LN (class II).", ["II"]),
    ("Renal biopsy: membranous LN, pure class V.", ["V"]),
    ("Renal biopsy: class VI, advanced sclerosing LN (>90% glomeruli globally sclerosed).",
     ["VI"]),
    ("Renal biopsy: class I (minimal mesangial) lupus nephritis.", ["I"]),
    ("Renal biopsy: class 4 lupus nephritis.", ["IV"]),
    ("Renal biopsy: lupus nephritis ISN/RPS III(A).", ["III"]),
    ("Renal biopsy: class III-A lupus nephritis.", ["III"]),
    ("Kidney biopsy: class IV-G (A/C) + V, activity index 9/24, chronicity 2/12.",
     ["IV", "V"]),
    ("Renal biopsy: class IV LN, AI 10/24, CI 3/12.", ["IV"]),
    ("RENAL BIOPSY REPORT\nDiagnosis: Lupus nephritis, ISN/RPS class IV-G (A).", ["IV"]),
    ("Renal biopsy: IgA nephropathy, no lupus nephritis.", []),
    ("Renal biopsy: minimal change disease; no evidence of LN.", []),
]


@pytest.mark.parametrize(("text", "classes"), [pytest.param(*c, id=_slug(c[0])) for c in BIOPSIES])
def test_biopsy_classes(parser, text, classes):
    found = _findings(parser, text, "biopsy.kidney")
    assert found, f"biopsy.kidney not found in {text!r}"
    assert sorted(found[0].attrs.get("classes") or []) == classes, _describe(found)


AGES = [
    ("12-year-old girl with SLE.", 12),
    ("aged 12 years, referred by the GP", 12),
    ("12y F with class IV LN", 12),
    ("12 y/o F", 12),
    ("13 yr old boy with lupus", 13),
    ("Age: 11", 11),
    ("Age 15 years", 15),
    ("An 11-yr-old girl", 11),
    ("a 9 year old girl with nephritis", 9),
    ("10y 4m old boy", 10),
    ("17-year-old male", 17),
    ("She is 16 years old.", 16),
    ("Fourteen-year-old girl with lupus nephritis.", 14),
]


@pytest.mark.parametrize(("text", "years"), [pytest.param(*c, id=_slug(c[0])) for c in AGES])
def test_age(parser, text, years):
    found = _findings(parser, text, "demographic.age")
    assert found, f"demographic.age not found in {text!r}"
    assert found[0].value == years, _describe(found)


BIRTH_DATES = [
    ("DOB 14/03/2013", "2013-03-14"),
    ("D.O.B.: 2012-08-30", "2012-08-30"),
    ("Date of birth: 03/14/2013", "2013-03-14"),
    ("DOB: 14-Mar-2013", "2013-03-14"),
    ("Born 5 June 2014.", "2014-06-05"),
    ("DOB 25.06.2014", "2014-06-25"),
]


@pytest.mark.parametrize(("text", "iso"), [pytest.param(*c, id=_slug(c[0])) for c in BIRTH_DATES])
def test_birth_date(parser, text, iso):
    found = _findings(parser, text, "demographic.birth_date")
    assert found, f"demographic.birth_date not found in {text!r}"
    assert found[0].value == iso, _describe(found)
