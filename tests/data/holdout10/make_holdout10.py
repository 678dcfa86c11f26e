"""Write hold-out 10 (notes.jsonl, gold.jsonl) deterministically.

Style: paediatric nephrology / rheumatology in Eastern Europe, Turkey, Israel,
Iran, Egypt and the Maghreb; clinical English by non-native writers,
voice-recognition dictations, and parent-clinic portal messages quoted in notes.

Note texts are hand-written below (lab blocks rendered from one set of values
per visit by small helpers). Criterion labels are hand-written per patient
(defaults + overrides); only the overall status and relevance are derived,
following shared/GUIDELINE.md. Run: python3 make_holdout10.py
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 20)
LOOKBACK_START = AS_OF - dt.timedelta(days=90)  # 2026-08-22

NCT = "NCT06904729"
HO = "HO-LN-12"
NCT_KEYS = [
    "age",
    "sle",
    "biopsy",
    "sledai",
    "refractory",
    "cd19",
    "venous",
    "consent",
    "lymph",
    "wbc",
    "anc",
    "hb",
    "alt",
    "ast",
    "tbil",
    "egfr",
    "inr",
    "pt",
    "hemo",
    "ana",
    "ecog",
]
NCT_MANUAL_DEFAULT = {"venous", "consent", "hemo"}
HO_INCL = ["age", "sle", "biopsy", "uprot", "egfr", "plt", "alt", "consent"]
HO_EXCL = ["x_rtx", "x_baff", "x_inf", "x_hb", "x_tx", "x_malig"]
HO_KEYS = HO_INCL + HO_EXCL

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# ---------------------------------------------------------------- helpers


def d(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def dot(s: str) -> str:
    x = d(s)
    return f"{x.day:02d}.{x.month:02d}.{x.year}"


def slash(s: str) -> str:
    x = d(s)
    return f"{x.day:02d}/{x.month:02d}/{x.year}"


def roman(s: str) -> str:
    x = d(s)
    return f"{x.day}-{ROMAN[x.month - 1]}-{x.year}"


ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words_int(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    rest = n % 100
    head = ONES[n // 100] + " hundred"
    return head if rest == 0 else head + " and " + words_int(rest)


def words(x: float | int | str) -> str:
    """Spell a number the way a dictation engine writes it: 1.04 -> 'one point zero four'."""
    s = str(x)
    if "." in s:
        whole, frac = s.split(".")
        return words_int(int(whole)) + " point " + " ".join(ONES[int(c)] for c in frac)
    return words_int(int(s))


BASE = dict(
    wbc=5.8,
    anc=3.6,
    lym=1.3,
    hb=108,
    plt=214,
    alt=22,
    alt_ref="0-40",
    ast=27,
    ast_ref="0-40",
    tbil=7.2,
    cr=49,
    height=None,
    egfr=112,
    inr=1.04,
    pt=12.6,
    pt_ref="10.5-14.0",
)


def L(**kw):
    v = dict(BASE)
    v.update(kw)
    return v


def mgdl_bili(umol: float) -> str:
    return f"{umol / 17.1:.2f}"


def mgdl_cr(umol: float) -> str:
    return f"{umol / 88.4:.2f}"


def gfr_part(v, style: str) -> str:
    if v["egfr"] is None:
        return (
            f"height {v['height']} cm"
            if style != "dict"
            else f"height {words(v['height'])} centimeters"
        )
    if style == "pl":
        return f"GFR by Schwartz {v['egfr']} ml/min/1.73m2"
    if style == "ru":
        return f"GFR (Schwartz) {v['egfr']} ml/min/1.73 m²"
    if style == "dict":
        return f"GFR by Schwartz {words(v['egfr'])}"
    return f"eGFR (bedside Schwartz) {v['egfr']} mL/min/1.73m²"


def labs(style: str, v: dict) -> str:
    """Render one visit's lab values in the house style of a region."""
    if style == "pl":
        out = (
            f"Morphology: leucocytes {v['wbc']} G/L, neutrophils {v['anc']} G/L, lymphocytes "
            f"{v['lym']} G/L, Hb {v['hb'] / 10:.1f} g/dl, PLT {v['plt']} G/L, RBC 4.1 T/L. "
            f"Biochemistry: ALAT {v['alt']} U/l (N: {v['alt_ref']}), ASAT {v['ast']} U/l "
            f"(N: {v['ast_ref']}), total bilirubin {v['tbil']} umol/l (N: 3-21), creatinine "
            f"{v['cr']} umol/l, {gfr_part(v, style)}. Coagulation: PT {v['pt']} s "
            f"(N: {v['pt_ref']}), INR {v['inr']}."
        )
    elif style == "ru":
        out = (
            f"CBC: leucocytes {v['wbc']}×10⁹/L, neutrophils abs. {v['anc']}×10⁹/L, lymphocytes "
            f"abs. {v['lym']}×10⁹/L, haemoglobin {v['hb']} g/L, thrombocytes {v['plt']}×10⁹/L. "
            f"Biochemistry: ALAT {v['alt']} U/L (ref. {v['alt_ref']}), ASAT {v['ast']} U/L "
            f"(ref. {v['ast_ref']}), total bilirubin {v['tbil']} µmol/L (ref. 3.4-20.5), "
            f"creatinine {v['cr']} µmol/L, {gfr_part(v, style)}. Coagulogram: PT {v['pt']} s "
            f"(ref. {v['pt_ref']}), INR {v['inr']}, fibrinogen 3.1 g/L."
        )
    elif style == "tr":
        out = (
            f"Hemogram: WBC {v['wbc']} x10³/µL, NEU {v['anc']} x10³/µL, LYM {v['lym']} x10³/µL, "
            f"HGB {v['hb'] / 10:.1f} g/dL, PLT {v['plt']} x10³/µL. ALT {v['alt']} U/L "
            f"({v['alt_ref']}), AST {v['ast']} U/L ({v['ast_ref']}), T.bil "
            f"{mgdl_bili(v['tbil'])} mg/dL (0.2-1.2), creatinine {mgdl_cr(v['cr'])} mg/dL, "
            f"{gfr_part(v, style)}. PT {v['pt']} s ({v['pt_ref']}), INR {v['inr']}."
        )
    elif style == "mena":
        out = (
            f"CBC: TLC {int(round(v['wbc'] * 1000))}/mm3, neutrophils "
            f"{int(round(v['anc'] * 1000))}/mm3, lymphocytes {int(round(v['lym'] * 1000))}/mm3, "
            f"Hb {v['hb'] / 10:.1f} g/dl, platelets {v['plt'] * 1000:,}/mm3. SGPT {v['alt']} IU/L "
            f"(N: {v['alt_ref']}), SGOT {v['ast']} IU/L (N: {v['ast_ref']}), total bilirubin "
            f"{mgdl_bili(v['tbil'])} mg/dl (N: up to 1.2), S. creatinine {mgdl_cr(v['cr'])} mg/dl, "
            f"{gfr_part(v, style)}. PT {v['pt']} sec (control 12.0, N: {v['pt_ref']}), "
            f"INR {v['inr']}."
        )
    elif style == "dict":
        lo, hi = v["alt_ref"].split("-")
        out = (
            f"labs today white cells {words(v['wbc'])} G per liter comma neutrophils "
            f"{words(v['anc'])} comma lymphocytes {words(v['lym'])} full stop hemoglobin "
            f"{words(v['hb'])} grams per liter comma platelets {words(v['plt'])} full stop ALT "
            f"{words(v['alt'])} units per liter reference {words(lo)} to {words(hi)} comma AST "
            f"{words(v['ast'])} same reference comma total bilirubin {words(v['tbil'])} micro "
            f"moles per liter full stop creatinine {words(v['cr'])} micro moles per liter "
            f"{gfr_part(v, style)} full stop INR {words(v['inr'])} comma PT "
            f"{words(v['pt'])} seconds full stop"
        )
    else:
        raise ValueError(style)
    return out


# ---------------------------------------------------------------- cohort

VISITS: list[tuple[str, str, str, dict]] = []


def visit(pid: str, date: str, style: str, v: dict) -> str:
    """A visit's lab block; the values are kept so that check() can re-derive the lab labels."""
    VISITS.append((pid, date, style, v))
    return labs(style, v)


PATIENTS: list[dict] = []
NOTES: list[dict] = []


def patient(
    pid, archetype, birth_date=None, sex=None, stated_age=None, text_dob=None, nct=None, ho=None
):
    """stated_age = (age, note_date) when the age is only given in a note's text;
    text_dob = a birth date written in a note ('DOB ...'), not structured."""
    PATIENTS.append(
        dict(
            pid=pid,
            archetype=archetype,
            birth_date=birth_date,
            sex=sex,
            stated_age=stated_age,
            text_dob=text_dob,
            nct=nct or {},
            ho=ho or {},
        )
    )


def note(pid, date, ntype, text):
    NOTES.append(dict(patient_id=pid, note_date=date, note_type=ntype, text=text))


# V001 — Poland, eligible for both.
patient("V001", "eligible", birth_date="2012-03-04", sex="F")
note(
    "V001",
    "2026-06-12",
    "pathology report",
    "Department of Pathomorphology, Warsaw. Material: kidney core biopsy (2 cores), received "
    "10.06.2026. Glomeruli: 24, of which 11 with endocapillary hypercellularity, 3 cellular "
    "crescents, wire loops. IF: full house. Conclusion: lupus nephritis ISN/RPS class IV-G (A), "
    "activity index 11/24, chronicity index 1/12.",
)
note(
    "V001",
    "2026-06-20",
    "discharge epicrisis",
    "EPICRISIS. Girl hospitalised 08.06.2026-20.06.2026 in Clinic of Paediatric Nephrology. "
    "Diagnosis: childhood-onset systemic lupus erythematosus (M32.1) with lupus nephritis class "
    "IV. ANA 1:640 homogeneous pattern, anti-dsDNA 310 IU/ml, C3 0.41 g/l. Treatment before "
    "admission: methylprednisolone pulses 3 x 500 mg 14-16.01.2026, then Encorton 40 mg/day "
    "tapered; CellCept 2 x 500 mg from 02.2026. In spite of treatment proteinuria persisting. "
    "Family history: mother with Hashimoto thyroiditis. Discharged in good general condition.",
)
note(
    "V001",
    "2026-10-28",
    "outpatient visit",
    "Control visit 28.10.2026. Patient without fever, oedemas of shanks small. Continues "
    "Encorton 10 mg and CellCept 2 x 750 mg. "
    + visit("V001", "2026-10-28", "pl", L(wbc=6.1, anc=3.9, lym=1.4, hb=114, plt=245, egfr=118))
    + " UPCR 1.6 g/g. Lymphocyte subpopulations (flow cytometry): CD3+ 71%, CD19+ 11.2% "
    "(0.16 G/L), NK 9%. SLEDAI-2K 12 points. Lansky scale 80. Rituximab not given so far - to "
    "consider in case of no response. Qualified for CAR-T programme discussion.",
)

# V002 — Turkey, rituximab in June: CD19 depleted (NCT fails), anti-CD20 washout (HO fails).
patient(
    "V002",
    "rtx_depleted",
    stated_age=(13, "2026-09-05"),
    nct={"cd19": "not_met"},
    ho={"x_rtx": "met"},
)
note(
    "V002",
    "2026-05-29",
    "pathology report",
    "Pathology report (university hospital, Ankara). Renal biopsy 28/05/2026: 19 glomeruli, "
    "segmental endocapillary proliferation in 7 (37%), subepithelial deposits. Diagnosis: "
    "lupus nephritis class III (A) + V (ISN/RPS).",
)
note(
    "V002",
    "2026-06-18",
    "consultation",
    "Pediatric Rheumatology consultation 18/06/2026. SLE since 11/2025 (malar rash, arthritis, "
    "ANA 1:320 speckled, anti-Sm positive). Steroid (prednisolone) started 11/2025, MMF "
    "(CellCept) since 12/2025. Because of ongoing nephritis rituximab (MabThera) 375 mg/m2 was "
    "given on 10/06/2026 and 17/06/2026. Hydroxychloroquine 200 mg continues.",
)
note(
    "V002",
    "2026-09-05",
    "outpatient visit",
    "13-year-old girl, SLE with LN class III+V. Complaints: fatigue. "
    + visit("V002", "2026-09-05", "tr", L(wbc=4.9, anc=3.1, lym=1.1, hb=104, plt=188, egfr=97))
    + " Spot urine protein/creatinine 1.9 mg/mg. Flow cytometry: CD19+ B cells 0% (depleted "
    "after rituximab). SLEDAI-2K 10. ECOG 1.",
)

# V003 — Russia, eligible for CAR-T; belimumab earlier (HO excludes any BAFF agent).
patient("V003", "eligible_prior_belimumab", birth_date="2010-12-01", sex="M", ho={"x_baff": "met"})
note(
    "V003",
    "2026-07-02",
    "discharge epicrisis",
    "Epicrisis. Boy, SLE since 03.2025, lupus nephritis. Nephrobiopsy 25-VI-2026: diffuse "
    "proliferative lupus nephritis, class IV-S with membranous component (IV+V), AI 9, CI 2. "
    "Therapy: prednisolone since 03.2025 (started 1 mg/kg), cyclophosphamide IV by Euro-Lupus "
    "protocol 6 infusions 04.2025-06.2025, afterwards mycophenolate mofetil from 07.2025. "
    "Belimumab (Benlysta) 10 mg/kg monthly 09.2025-02.2026, cancelled because of no effect. "
    "ANF (ANA) on HEp-2 1:1280, homogeneous.",
)
note(
    "V003",
    "2026-10-20",
    "outpatient visit",
    "Examination 20-X-2026. Condition of moderate severity due to nephrotic syndrome. "
    + visit(
        "V003",
        "2026-10-20",
        "ru",
        L(
            wbc=7.4,
            anc=5.0,
            lym=1.6,
            hb=118,
            plt=301,
            alt=35,
            alt_ref="0-41",
            ast=31,
            ast_ref="0-37",
            tbil=9.8,
            cr=64,
            egfr=101,
        ),
    )
    + " Daily proteinuria 2.1 g/24h. Immunophenotyping: B-lymphocytes (CD19+) 9% (0.14×10⁹/L). "
    "SLEDAI-2K = 16. Karnofsky 70%.",
)
note(
    "V003",
    "2026-11-09",
    "referral letter",
    "Referral abroad for CAR-T. Dear colleagues, we ask to consider our patient for CD19 CAR-T "
    "therapy for refractory lupus nephritis (see epicrisis). Mother informed, agrees to travel.",
)

# V004 — Israel, labs drawn in July only (stale); portal message says new ones not uploaded.
STALE = dict(
    lymph="unknown",
    wbc="unknown",
    anc="unknown",
    hb="unknown",
    alt="unknown",
    ast="unknown",
    tbil="unknown",
    egfr="unknown",
    inr="unknown",
    pt="unknown",
)
patient(
    "V004",
    "stale_labs",
    stated_age=(17, "2026-10-01"),
    nct=STALE,
    ho={"age": "unknown", "egfr": "unknown", "plt": "unknown", "alt": "unknown", "x_hb": "unknown"},
)
note(
    "V004",
    "2026-06-16",
    "pathology report",
    "Pathology, Tel Aviv. Percutaneous renal biopsy performed 15/06/2026. 22 glomeruli; diffuse "
    "global endocapillary proliferation (>50%). Final diagnosis: Lupus nephritis, ISN/RPS class "
    "IV, active lesions, no chronicity of significance.",
)
note(
    "V004",
    "2026-07-30",
    "lab report",
    "Laboratory 30/07/2026 (Maccabi lab). "
    + visit("V004", "2026-07-30", "tr", L(wbc=6.3, anc=4.0, lym=1.5, hb=121, plt=260, egfr=124)),
)
note(
    "V004",
    "2026-10-01",
    "clinic note",
    "Ped Rheum clinic 01/10/2026. 17 y/o female with SLE/LN class IV dx 09/2025. Meds: "
    "prednisone since 09/2025, tacrolimus (Prograf) since 10/2025, Plaquenil. ANA 1:160 at "
    "diagnosis. Today: UPCR 1.2 g/g. Lymphocyte subsets: CD19 18% of lymphocytes. SLEDAI-2K 10. "
    "ECOG 0. Blood counts and chemistry - see July, patient refused venipuncture today.",
)
note(
    "V004",
    "2026-11-12",
    "portal message",
    "Message from parent via patient portal (12/11/2026): 'Hello Dr, we did the blood tests in "
    "the kupat holim lab last Sunday but the results still not uploaded to the system, can you "
    "see them?' Reply by nurse: 'Not yet visible, we will call you.'",
)

# V005 — Egypt, voice-recognition dictation, eligible for both; eGFR from height + creatinine.
patient("V005", "eligible_dictation", birth_date="2013-07-19", sex="F")
note(
    "V005",
    "2026-06-30",
    "pathology report",
    "Ain Shams pathology. Specimen: renal biopsy dated 24/06/2026. Light microscopy: 18 "
    "glomeruli, 12 show diffuse endocapillary proliferation with 2 fibrocellular crescents. "
    "Diagnosis: lupus nephritis class IV-G (A/C), ISN/RPS.",
)
note(
    "V005",
    "2026-09-14",
    "dictation",
    "this is a thirteen year old female known case of lupus nephritis class four on biopsy in "
    "June comma she came today for follow up full stop she is on prednisolone since December "
    "2025 and mycophenolate mofetil since January 2026 full stop mom asked about Endoxan we "
    "discussed cyclophosphamide but no decision new paragraph "
    + visit(
        "V005",
        "2026-09-14",
        "dict",
        L(
            wbc=4.8,
            anc=2.9,
            lym=1.1,
            hb=98,
            plt=162,
            alt=31,
            ast=29,
            tbil=6,
            cr=58,
            height=144,
            egfr=None,
            inr=1.1,
            pt=13.1,
        ),
    )
    + " urine protein creatinine ratio one point four grams per gram full stop ANA one to three "
    "hundred twenty from diagnosis full stop flow cytometry CD19 eight percent full stop "
    "SLEDAI two K twelve full stop Lansky seventy full stop plan continue same",
)
note(
    "V005",
    "2026-10-30",
    "portal message",
    "Patient portal (30/10/2026), mother writes: 'Doctor my daughter has small fever 37.8 "
    "yesterday, no cough, is it ok to give paracetamol?' Reply: 'Yes, paracetamol, come if "
    "fever above 38.5 or more than 2 days.' No further contact.",
)

# V006 — Morocco, 19 years old (structured birth date): fails age for both trials.
patient(
    "V006",
    "age_over",
    birth_date="2007-08-02",
    sex="M",
    nct={"age": "not_met"},
    ho={"age": "not_met"},
)
note(
    "V006",
    "2026-07-10",
    "pathology report",
    "Service d'anatomie pathologique, Rabat. Ponction-biopsie rénale du 08/07/2026. Lupus "
    "nephritis class IV-S (A), ISN/RPS 2018. Activity 10/24, chronicity 2/12.",
)
note(
    "V006",
    "2026-10-15",
    "consultation",
    "Consultation of paediatric nephrology 15/10/2026. Young man followed since age 15 for SLE "
    "(ANA 1/640, anti-DNA positive). Treatments: prednisone since 04/2025, mycophenolate "
    "(CellCept) since 05/2025, tacrolimus added 01/2026. Persistent proteinuria. "
    + visit(
        "V006", "2026-10-15", "mena", L(wbc=6.6, anc=4.4, lym=1.2, hb=126, plt=233, cr=80, egfr=88)
    )
    + " UPCR 2.8 g/g. CD19+ B lymphocytes 12%. SLEDAI-2K 11. ECOG 1. Transition to adult "
    "nephrology is discussed.",
)

# V007 — Iran, biopsy 9 months old: CAR-T needs a repeat biopsy (unknown); HO accepts 12 months.
patient("V007", "old_biopsy", stated_age=(11, "2026-10-10"), nct={"biopsy": "unknown"})
note(
    "V007",
    "2026-02-12",
    "pathology report",
    "Pathology report, Tehran. Kidney biopsy 10/02/2026: lupus nephritis class IV + V "
    "(ISN/RPS). 21 glomeruli, 2 cellular crescents.",
)
note(
    "V007",
    "2026-10-10",
    "outpatient visit",
    "11-year-old boy, SLE diagnosed 10/2025. Drugs: prednisolone since 10/2025, MMF since "
    "11/2025, HCQ. No re-biopsy done since February. "
    + visit("V007", "2026-10-10", "mena", L(wbc=5.2, anc=3.0, lym=1.0, hb=102, plt=190, egfr=96))
    + " 24-hour urine protein 1.45 g/day. ANA 1:320. CD19 B cells 15%. SLEDAI-2K 12. ECOG 1.",
)
note(
    "V007",
    "2026-11-02",
    "portal message",
    "E-mail from father (02/11/2026), quoted: 'Dear professor, my son's cousin also has lupus "
    "and received CAR-T in Germany, is it possible for him?' Answer: 'We will discuss in the "
    "board.'",
)

# V008 — Ukraine, eligible for CAR-T; platelets 85 G/L fail HO's haematology floor.
patient("V008", "eligible_low_platelets", birth_date="2016-02-11", sex="F", ho={"plt": "not_met"})
note(
    "V008",
    "2026-07-23",
    "pathology report",
    "Pathology, Lviv. Nephrobiopsy 21.07.2026. Lupus nephritis class III (A/C), focal, 8/20 "
    "glomeruli with segmental proliferation.",
)
note(
    "V008",
    "2026-09-30",
    "discharge epicrisis",
    "Epicrisis. Girl with SLE (ANA 1:640), lupus nephritis class III. Therapy: Medrol since "
    "12.2025, Prograf (tacrolimus) since 01.2026. Thrombocytopenia persists. "
    + visit(
        "V008",
        "2026-09-30",
        "ru",
        L(wbc=4.1, anc=2.4, lym=1.1, hb=97, plt=85, cr=41, egfr=None, height=131),
    )
    + " Daily proteinuria 1.3 g/24h. B-lymphocytes CD19+ 7%. SLEDAI-2K 14. ECOG 1.",
)
note(
    "V008",
    "2026-10-06",
    "referral letter",
    "Referral letter abroad (Poland) for CAR-T therapy consideration. Refractory LN, see "
    "epicrisis 30.09.2026. Family displaced, mother is the legal guardian.",
)

# V009 — Czechia, new biopsy is pure class V (old one was IV): biopsy not met for both.
patient(
    "V009",
    "class_v_rebiopsy",
    stated_age=(16, "2026-11-03"),
    nct={"biopsy": "not_met"},
    ho={"biopsy": "not_met"},
)
note(
    "V009",
    "2024-04-20",
    "pathology report",
    "Pathology Prague, renal biopsy 18.04.2024: lupus nephritis class IV-G (A).",
)
note(
    "V009",
    "2026-08-04",
    "pathology report",
    "Repeat renal biopsy 01.08.2026 (for persistent proteinuria): membranous lupus nephritis, "
    "ISN/RPS class V. No endocapillary proliferation, no crescents. Activity index 0/24.",
)
note(
    "V009",
    "2026-11-03",
    "consultation",
    "A 16-year-old girl, SLE since 2024 (ANA 1:320). Prednisone since 04.2024, MMF since "
    "05.2024. "
    + visit("V009", "2026-11-03", "pl", L(wbc=5.5, anc=3.3, lym=1.2, hb=120, plt=222, egfr=104))
    + " UPCR 2.2 g/g. CD19+ 10%. SLEDAI-2K 8. ECOG 0.",
)

# V010 — Turkey, complete renal remission (latest UPCR 0.3): refractory and HO proteinuria fail.
patient(
    "V010",
    "remission",
    birth_date="2011-05-05",
    sex="M",
    nct={"refractory": "not_met"},
    ho={"uprot": "not_met"},
)
note(
    "V010",
    "2026-06-03",
    "pathology report",
    "Renal biopsy 01/06/2026: diffuse proliferative lupus nephritis (class IV), activity 8/24.",
)
note(
    "V010",
    "2026-09-01",
    "outpatient visit",
    "SLE-LN, prednisolone since 2025-10, MMF since 2025-12, cyclophosphamide IV 6 doses "
    "finished 03/2026. UPCR 1.1 mg/mg today. ANA 1:160.",
)
note(
    "V010",
    "2026-11-02",
    "outpatient visit",
    "Control 02/11/2026. Good response. "
    + visit("V010", "2026-11-02", "tr", L(wbc=6.9, anc=4.5, lym=1.7, hb=131, plt=276, egfr=121))
    + " UPCR 0.3 mg/mg. CD19 B cells 13%. SLEDAI-2K = 8 (rash, alopecia, low complement, "
    "anti-dsDNA). ECOG 0.",
)

# V011 — Israel, DOB only in the text; ALT 95 against the lab's own range 0-35:
# within 3xULN (CAR-T) but above 2.5xULN (HO).
patient("V011", "alt_lab_range", text_dob="2014-02-14", ho={"alt": "not_met"})
note(
    "V011",
    "2026-07-05",
    "pathology report",
    "Renal biopsy 02/07/2026 (Schneider). Focal proliferative lupus nephritis, ISN/RPS class "
    "III (A), 6 of 17 glomeruli, no membranous component.",
)
note(
    "V011",
    "2026-10-19",
    "clinic note",
    "Pediatric nephrology, Petah Tikva. Pt: girl, DOB 14/02/2014. SLE since 2025 (ANA 1:2560 "
    "homogeneous, dsDNA high). Prednisone since 08/2025; mycophenolic acid (Myfortic) since "
    "10/2025. Persistent nephrotic-range proteinuria, non-responder. Transaminases up since "
    "starting atorvastatin, statin stopped. "
    + visit(
        "V011",
        "2026-10-19",
        "tr",
        L(
            wbc=8.2,
            anc=5.9,
            lym=1.3,
            hb=109,
            plt=340,
            alt=95,
            alt_ref="0-35",
            ast=60,
            ast_ref="0-35",
            egfr=107,
        ),
    )
    + " UPCR 3.4 g/g. CD19 positive B cells 6.5%. SLEDAI-2K 18. ECOG 1. No myositis, CK normal.",
)

# V012 — Egypt, filgrastim 6 days before the neutrophil count (CAR-T anc not met).
patient("V012", "anc_gcsf", stated_age=(8, "2026-09-20"), nct={"anc": "not_met"})
note(
    "V012",
    "2026-06-08",
    "pathology report",
    "Cairo University pathology. Renal biopsy 06/06/2026: lupus nephritis class IV-G (A) with "
    "superimposed class V. 15 glomeruli.",
)
note(
    "V012",
    "2026-09-20",
    "outpatient visit",
    "An 8-year-old boy, SLE with LN (ANA 1:640). On prednisolone since 11/2025, "
    "cyclophosphamide IV monthly 12/2025-05/2026 (6 pulses), then MMF since 06/2026. "
    "Proteinuria persisting, no remission. SLEDAI-2K 14 today.",
)
note(
    "V012",
    "2026-10-30",
    "inpatient note",
    "Admitted 28-X-2026 with febrile neutropenia, ANC 0.4 x10^9/L on 28/10. Filgrastim "
    "(Neupogen) 5 mcg/kg SC given 30/10/2026 once. Blood culture negative. IV cefepime 3 days.",
)
note(
    "V012",
    "2026-11-05",
    "outpatient visit",
    "Follow up after discharge 05/11/2026, afebrile, antibiotics completed. "
    + visit("V012", "2026-11-05", "mena", L(wbc=5.1, anc=1.8, lym=1.1, hb=99, plt=205, egfr=115))
    + " UPCR 1.7 g/g. Lymphocyte subsets: CD19+ 10%. Lansky 70.",
)

# V013 — Poland, turns 18 five days after the as-of; no SLEDAI documented (only BILAG).
patient("V013", "no_sledai_bilag", birth_date="2008-11-25", sex="F", nct={"sledai": "unknown"})
note(
    "V013",
    "2026-08-10",
    "pathology report",
    "Renal biopsy 07.08.2026, Kraków: lupus nephritis class IV (A) + V, ISN/RPS 2018, AI 7/24, "
    "CI 3/12.",
)
note(
    "V013",
    "2026-11-04",
    "outpatient visit",
    "Patient 17 years, cSLE from 2024 (ANA 1:320 speckled). Medrol since 03.2024, Endoxan "
    "6 x 500 mg (Euro-Lupus) 2024, CellCept since 09.2024. "
    + visit(
        "V013",
        "2026-11-04",
        "pl",
        L(wbc=4.4, anc=2.6, lym=1.0, hb=101, plt=178, alt=19, alt_ref="0-33", egfr=92),
    )
    + " UPCR 2.6 g/g. Flow: CD19+ 8.1%. Disease activity: BILAG renal A, general B. "
    "ECOG 1. SLEDAI not calculated this visit.",
)

# V014 — Romania, family history of kidney transplant (uncle), not the patient's; eligible.
patient("V014", "eligible_family_tx", stated_age=(15, "2026-10-12"))
note(
    "V014",
    "2026-06-29",
    "pathology report",
    "Buletin histopatologic, Cluj. Kidney biopsy 26.06.2026: lupus nephritis class III + V "
    "(ISN/RPS), activity 6/24.",
)
note(
    "V014",
    "2026-10-12",
    "consultation",
    "15-year-old girl, LES (SLE) diagnosed 2025, ANA 1:1280. Medication: prednisone since "
    "05.2025, mycophenolate mofetil since 06.2025, Plaquenil. Family history: paternal uncle "
    "underwent renal transplantation for polycystic kidneys; no transplant in the patient. "
    + visit("V014", "2026-10-12", "pl", L(wbc=7.0, anc=4.8, lym=1.5, hb=117, plt=256, egfr=110))
    + " 24h urine protein 1.8 g/24h. CD19+ B cells 12%. SLEDAI-2K 10. ECOG 0.",
)

# V015 — Russia, total bilirubin printed with an unreadable unit (12 could be umol/L or mg/dL).
patient(
    "V015", "unreadable_bilirubin_unit", birth_date="2012-01-30", sex="M", nct={"tbil": "unknown"}
)
note(
    "V015",
    "2026-07-15",
    "pathology report",
    "Nephrobiopsy 13-VII-2026, Saint Petersburg: lupus nephritis, class IV-G (A/C).",
)
note(
    "V015",
    "2026-10-27",
    "outpatient visit",
    "Examination 27.10.2026. SLE since 2025 (ANF 1:640). Prednisolone from 02.2025, tacrolimus "
    "from 03.2025, mycophenolate from 09.2025. CBC: leucocytes 6.8×10⁹/L, neutrophils abs. "
    "4.6×10⁹/L, lymphocytes abs. 1.2×10⁹/L, haemoglobin 112 g/L, thrombocytes 230×10⁹/L. "
    "Biochemistry: ALAT 28 U/L (ref. 0-41), ASAT 30 U/L (ref. 0-37), total bilirubin 12 "
    "mkmol/dl?? (ref. —), creatinine 55 µmol/L, GFR (Schwartz) 109 ml/min/1.73 m². "
    "Coagulogram: PT 12.9 s (ref. 9.8-14.4), INR 1.06. Daily proteinuria 1.6 g/24h. "
    "CD19+ 11%. SLEDAI-2K 12. ECOG 1.",
)

# V016 — Iran, 6 years old (CAR-T yes, HO no); ANA 'positive' without titre.
patient(
    "V016",
    "ana_no_titre_age6",
    stated_age=(6, "2026-09-01"),
    nct={"ana": "unknown"},
    ho={"age": "not_met"},
)
note(
    "V016",
    "2026-06-20",
    "pathology report",
    "Mofid Children's Hospital pathology. Renal biopsy 17/06/2026: lupus nephritis class IV-S (A).",
)
note(
    "V016",
    "2026-09-01",
    "outpatient visit",
    "6-year-old boy with SLE (ANA positive, anti-dsDNA positive, titre not available from "
    "outside lab). Prednisolone since 10/2025, MMF since 11/2025. "
    + visit(
        "V016",
        "2026-09-01",
        "mena",
        L(wbc=6.0, anc=3.2, lym=2.1, hb=105, plt=260, cr=30, egfr=None, height=115, pt=12.1),
    )
    + " UPCR 2.0 g/g. Flow: CD19 20%. SLEDAI-2K 12. Lansky 80.",
)

# V017 — Morocco, board minutes recommend CAR-T; now inpatient on IV antibiotics (HO x_inf).
patient("V017", "eligible_active_infection", birth_date="2014-09-09", sex="F", ho={"x_inf": "met"})
note(
    "V017",
    "2026-06-05",
    "pathology report",
    "Anatomie pathologique, Casablanca. Biopsie rénale 03/06/2026: lupus nephritis class IV-G "
    "(A), ISN/RPS.",
)
note(
    "V017",
    "2026-11-10",
    "board minutes",
    "Multidisciplinary board (RCP) 10/11/2026. Girl 12 years, SLE (ANA 1/1280). Treatments "
    "received: prednisone since 09/2025, cyclophosphamide IV 6 pulses 10/2025-03/2026, MMF "
    "since 04/2026. Persistent proteinuria (UPCR 2.3 g/g 09/11/2026). "
    + visit("V017", "2026-11-10", "mena", L(wbc=6.2, anc=4.1, lym=1.2, hb=110, plt=199, egfr=99))
    + " CD19+ 14%. SLEDAI-2K 13. ECOG 1. Decision: refer for CD19 CAR-T.",
)
note(
    "V017",
    "2026-11-17",
    "inpatient note",
    "Hospitalised since 15/11/2026 for right lower lobe pneumonia. On ceftriaxone IV 75 mg/kg/d "
    "day 3, still febrile 38.6. Continue IV antibiotics.",
)

# V018 — Turkey, only glucocorticoid + azathioprine + HCQ: one listed agent (refractory unknown).
patient("V018", "one_listed_agent", stated_age=(14, "2026-10-22"), nct={"refractory": "unknown"})
note(
    "V018",
    "2026-07-01",
    "pathology report",
    "Renal biopsy 29/06/2026: LN class IV-G (A), 20 glomeruli.",
)
note(
    "V018",
    "2026-10-22",
    "outpatient visit",
    "14 yaşında kız hasta (14-year-old girl). SLE since 08/2025, ANA 1:1000 granular. Drugs: "
    "steroid (methylprednisolone pulse then oral) since 08/2025, azathioprine (Imuran) since "
    "10/2025, Plaquenil. MMF planned if no improvement. "
    + visit("V018", "2026-10-22", "tr", L(wbc=5.9, anc=3.8, lym=1.2, hb=115, plt=240, egfr=117))
    + " Spot urine protein/creatinine 1.5 mg/mg. CD19 17%. SLEDAI-2K 11. ECOG 1.",
)

# V019 — Ukraine, SLEDAI-2K 6 (CAR-T not met); HO has no activity-score item.
patient("V019", "low_sledai", birth_date="2009-04-22", sex="F", nct={"sledai": "not_met"})
note(
    "V019",
    "2026-09-02",
    "pathology report",
    "Kyiv, nephrobiopsy 31.08.2026: lupus nephritis class III (A), 5/16 glomeruli.",
)
note(
    "V019",
    "2026-10-25",
    "outpatient visit",
    "Girl 17 years. SLE since 2024, ANA 1:320. Medrol from 10.2024, CellCept from 11.2024, "
    "Advagraf added 06.2026. "
    + visit("V019", "2026-10-25", "ru", L(wbc=5.0, anc=3.0, lym=1.1, hb=119, plt=215, egfr=98))
    + " Daily proteinuria 1.1 g/24h. CD19+ 9%. SLEDAI-2K 6. ECOG 1.",
)

# V020 — Czechia, dictation; eGFR 38 (>= 30 for CAR-T, < 45 for HO).
patient("V020", "egfr_38", stated_age=(12, "2026-10-14"), ho={"egfr": "not_met"})
note(
    "V020",
    "2026-06-24",
    "pathology report",
    "Renal biopsy 22.06.2026 Brno: diffuse proliferative lupus nephritis class IV-G (A/C), 30% "
    "crescents, chronicity 3/12.",
)
note(
    "V020",
    "2026-10-14",
    "dictation",
    "twelve years old boy with lupus nephritis class for full stop treated with prednisone "
    "since November twenty twenty five and cyclophosphamide Endoxan pulses six doses finished "
    "in April comma now on CellCept since May fifth twenty twenty six full stop "
    + visit(
        "V020",
        "2026-10-14",
        "dict",
        L(wbc=6.4, anc=4.2, lym=1.2, hb=92, plt=170, cr=121, egfr=38, alt_ref="0-40"),
    )
    + " UPCR two point one grams per gram full stop ANA one to six hundred forty full stop CD "
    "nineteen positive B cells six percent full stop SLEDAI two K fourteen full stop ECOG one "
    "full stop",
)

# V021 — Egypt, eGFR 24 (CAR-T: manual, still eligible); HO fails eGFR and Hb < 80 g/L.
patient(
    "V021",
    "egfr_low_manual",
    birth_date="2011-10-10",
    sex="M",
    nct={"egfr": "manual"},
    ho={"egfr": "not_met", "x_hb": "met"},
)
note(
    "V021",
    "2026-08-27",
    "pathology report",
    "Alexandria pathology. Kidney biopsy done 25/08/2026: lupus nephritis class IV-G (A/C), "
    "cellular crescents 6/22, AI 14/24, CI 2/12.",
)
note(
    "V021",
    "2026-11-08",
    "inpatient note",
    "Boy 15 y, SLE (ANA 1:640), rapidly progressive LN. Methylprednisolone pulses then "
    "prednisolone since 01/2026, cyclophosphamide IV since 02/2026 (NIH), tacrolimus since "
    "05/2026. Not on dialysis. Haemodynamically stable, BP 135/85. "
    + visit(
        "V021",
        "2026-11-08",
        "mena",
        L(wbc=4.2, anc=3.0, lym=1.0, hb=76, plt=150, cr=220, egfr=24, ast=38),
    )
    + " UPCR 4.1 g/g. CD19+ 5%. SLEDAI-2K 20. ECOG 2.",
)

# V022 — Israel, '18-year-old' in October: 18 or 19 at the as-of (CAR-T unknown, HO not met).
patient(
    "V022",
    "age_18_stated",
    stated_age=(18, "2026-10-05"),
    nct={"age": "unknown"},
    ho={"age": "not_met"},
)
note(
    "V022",
    "2026-07-28",
    "pathology report",
    "Renal biopsy 26/07/2026 (Haifa): LN class IV (A), 14 glomeruli.",
)
note(
    "V022",
    "2026-10-05",
    "clinic note",
    "18-year-old female, SLE since age 15, LN class IV. ANA 1:640. Prednisone since 01/2025, "
    "MMF since 02/2025, tacrolimus since 08/2025. "
    + visit("V022", "2026-10-05", "tr", L(wbc=5.4, anc=3.5, lym=1.1, hb=113, plt=205, egfr=96))
    + " UPCR 1.9 g/g. CD19 B cells 11%. SLEDAI-2K 12. ECOG 1. Still followed in pediatric clinic "
    "until transition.",
)

# V023 — Poland, PICU on noradrenaline in October (haemodynamic instability); infection treated
# and finished before the as-of (HO x_inf not met).
patient(
    "V023", "hemodynamic_instability", birth_date="2013-02-14", sex="M", nct={"hemo": "not_met"}
)
note(
    "V023",
    "2026-07-30",
    "pathology report",
    "Renal biopsy 28.07.2026, Gdańsk: lupus nephritis class IV-S (A) + V.",
)
note(
    "V023",
    "2026-10-25",
    "PICU note",
    "PICU 25.10.2026. Septic shock, source abdominal? Noradrenaline 0.1 ug/kg/min from 24.10, "
    "meropenem IV. MAP 52 mmHg before vasopressor.",
)
note(
    "V023",
    "2026-11-12",
    "outpatient visit",
    "After PICU stay. Meropenem finished 05.11.2026, afebrile, no vasopressors since 28.10. "
    "cSLE since 2025, ANA 1:320; Encorton since 06.2025, CellCept since 07.2025. "
    + visit("V023", "2026-11-12", "pl", L(wbc=9.1, anc=6.3, lym=1.3, hb=103, plt=312, egfr=99))
    + " UPCR 1.3 g/g. CD19+ 8%. SLEDAI-2K 10. Lansky 60.",
)

# V024 — Romania, ALT 110 vs the lab's own range 0-45 (within 2.5x and 3x ULN); rituximab course
# ended in February (outside the 6-month washout); mother has SLE (family).
patient("V024", "eligible_alt_boundary_old_rtx", birth_date="2015-06-30", sex="F")
note(
    "V024",
    "2026-06-18",
    "pathology report",
    "Buletin histopatologic, Bucharest. Biopsie renală 16.06.2026: lupus nephritis class IV-G "
    "(A), ISN/RPS 2018.",
)
note(
    "V024",
    "2026-10-08",
    "consultation",
    "Girl 11 years, SLE since 2025 (ANA 1:640). Mother also has SLE. Prednisone since 04.2025, "
    "cyclophosphamide Euro-Lupus 05-07.2025, MMF since 08.2025. Rituximab (MabThera) 2 doses, "
    "last dose 24.02.2026. "
    + visit(
        "V024",
        "2026-10-08",
        "ru",
        L(
            wbc=6.7,
            anc=4.0,
            lym=1.9,
            hb=112,
            plt=244,
            alt=110,
            alt_ref="0-45",
            ast=70,
            ast_ref="0-45",
            egfr=105,
        ),
    )
    + " Daily proteinuria 1.2 g/24h. CD19+ B cells 4% (recovered). SLEDAI-2K 12. ECOG 1.",
)

# V025 — Iran, new-onset LN (all drug starts within 183 days): refractory not met.
patient("V025", "new_onset", stated_age=(13, "2026-09-10"), nct={"refractory": "not_met"})
note(
    "V025",
    "2026-07-06",
    "pathology report",
    "Renal biopsy 03/07/2026, Shiraz: diffuse proliferative lupus nephritis, class IV (A).",
)
note(
    "V025",
    "2026-09-10",
    "outpatient visit",
    "13 y girl, new diagnosis of SLE 06/2026 (ANA 1:640). Prednisolone started 05/07/2026, MMF "
    "started 20/07/2026. No history of malignancy, never received belimumab or rituximab. "
    + visit("V025", "2026-09-10", "mena", L(wbc=5.5, anc=3.4, lym=1.1, hb=104, plt=222, egfr=111))
    + " UPCR 2.9 g/g. CD19 16%. SLEDAI-2K 16. Lansky 80.",
)

# V026 — Morocco, Lansky 40 (ECOG >= 3): CAR-T not met.
patient("V026", "lansky_40", birth_date="2012-12-12", sex="F", nct={"ecog": "not_met"})
note(
    "V026",
    "2026-07-20",
    "pathology report",
    "Biopsie rénale du 17/07/2026, Fès: lupus nephritis class III (A/C) + V.",
)
note(
    "V026",
    "2026-10-29",
    "consultation",
    "Girl 13 years, SLE since 2025 (ANA 1/320), severe neuropsychiatric lupus and nephritis. "
    "Prednisone since 06/2025, cyclophosphamide IV 07/2025-12/2025, mycophenolate since 01/2026. "
    + visit("V026", "2026-10-29", "mena", L(wbc=6.1, anc=4.2, lym=1.1, hb=96, plt=198, egfr=87))
    + " UPCR 2.4 g/g. CD19 12%. SLEDAI-2K 22. Lansky 40 (bedridden most of day).",
)

# V027 — Russia, leukaemia in early childhood (HO x_malig met); eligible for CAR-T.
patient("V027", "eligible_past_malignancy", stated_age=(9, "2026-10-03"), ho={"x_malig": "met"})
note(
    "V027",
    "2026-06-30",
    "pathology report",
    "Nephrobiopsy 26-VI-2026, Kazan: lupus nephritis class IV-G (A).",
)
note(
    "V027",
    "2026-10-03",
    "discharge epicrisis",
    "Epicrisis. A 9-year-old boy. Anamnesis: acute lymphoblastic leukaemia diagnosed 2019, "
    "chemotherapy by ALL-MB protocol, in remission since 2021. SLE since 2025 (ANA 1:640). "
    "Prednisolone since 08.2025, mycophenolate since 09.2025. "
    + visit(
        "V027",
        "2026-10-03",
        "ru",
        L(wbc=4.6, anc=2.8, lym=1.2, hb=106, plt=190, cr=38, egfr=None, height=133),
    )
    + " Daily proteinuria 1.1 g/24h. B-lymphocytes CD19+ 10%. SLEDAI-2K 12. Lansky 70.",
)

# V028 — Turkey, poor venous access, apheresis not feasible (venous not met); rituximab only
# discussed and declined (HO x_rtx not met).
patient("V028", "poor_venous_access", birth_date="2010-03-03", sex="M", nct={"venous": "not_met"})
note("V028", "2026-07-08", "pathology report", "Renal biopsy 06/07/2026: LN class IV-G (A) + V.")
note(
    "V028",
    "2026-10-16",
    "outpatient visit",
    "SLE-LN since 2024, ANA 1:320. Prednisolone since 2024-06, MMF since 2024-07, tacrolimus "
    "since 2025-09. Rituximab was discussed, parents declined. "
    + visit("V028", "2026-10-16", "tr", L(wbc=6.0, anc=4.0, lym=1.3, hb=120, plt=260, egfr=103))
    + " UPCR 1.4 mg/mg. CD19 13%. SLEDAI-2K 10. ECOG 1.",
)
note(
    "V028",
    "2026-11-06",
    "consultation",
    "Apheresis unit consultation 06/11/2026: very difficult venous access (multiple failed "
    "cannulations, obese), peripheral veins not suitable, leukapheresis not feasible without "
    "central line; parents refuse central line.",
)

# V029 — Egypt, no flow cytometry ever done; only a stale UPCR, relapse stated with dipstick 3+.
patient(
    "V029",
    "no_flow_dipstick",
    stated_age=(10, "2026-10-18"),
    nct={"cd19": "unknown"},
    ho={"uprot": "unknown"},
)
note(
    "V029",
    "2026-06-11",
    "pathology report",
    "Renal biopsy 09/06/2026, Mansoura: lupus nephritis class III (A), 5/14 glomeruli.",
)
note("V029", "2026-07-10", "lab report", "Urine protein/creatinine ratio 10/07/2026: 2.4 g/g.")
note(
    "V029",
    "2026-10-18",
    "outpatient visit",
    "Aged 10, boy, SLE 2025 (ANA 1:160). Prednisolone since 09/2025, MMF since 10/2025. Renal "
    "relapse with persistent proteinuria (dipstick 3+), UPCR not sent. Lymphocyte subsets "
    "never done - not available in our lab. "
    + visit("V029", "2026-10-18", "mena", L(wbc=5.9, anc=3.9, lym=1.4, hb=110, plt=230, egfr=108))
    + " SLEDAI-2K 12. ECOG 1.",
)

# V030 — Israel, class III stated with no biopsy date (report not available): biopsy unknown.
patient(
    "V030",
    "undated_biopsy",
    birth_date="2014-04-01",
    sex="F",
    nct={"biopsy": "unknown"},
    ho={"biopsy": "unknown"},
)
note(
    "V030",
    "2026-10-21",
    "referral letter",
    "Referral to pediatric nephrology (from Nazareth). 12 y girl, SLE diagnosed 2024, ANA 1:640, "
    "known biopsy-proven class III lupus nephritis (biopsy in another hospital, report not "
    "available). Prednisone since 2024, MMF since 2024. "
    + visit("V030", "2026-10-21", "tr", L(wbc=5.2, anc=3.1, lym=1.2, hb=111, plt=215, egfr=113))
    + " UPCR 1.5 g/g. CD19 10%. SLEDAI-2K 10. ECOG 1. Please consider repeat biopsy.",
)

# V031 — Russia, autologous HSCT for SLE in 2023 (HO x_tx met); eligible for CAR-T.
patient("V031", "eligible_prior_hsct", stated_age=(14, "2026-09-25"), ho={"x_tx": "met"})
note(
    "V031",
    "2026-08-30",
    "pathology report",
    "Nephrobiopsy 28-VIII-2026, Moscow: lupus nephritis class IV-G (A) with membranous component.",
)
note(
    "V031",
    "2026-09-25",
    "discharge epicrisis",
    "Epicrisis. Girl 14 years. SLE since 2021, ANA 1:1280. Autologous haematopoietic stem cell "
    "transplantation performed 2023 (refractory SLE), relapse 2025. Prednisolone since 2025-02, "
    "mycophenolate since 2025-03. "
    + visit("V031", "2026-09-25", "ru", L(wbc=5.3, anc=3.3, lym=1.1, hb=109, plt=201, egfr=102))
    + " Daily proteinuria 2.0 g/24h. CD19+ 7%. SLEDAI-2K 14. ECOG 1.",
)

# V032 — Poland, coagulation never checked (INR and PT unknown).
patient(
    "V032",
    "no_coagulation",
    birth_date="2011-08-15",
    sex="M",
    nct={"inr": "unknown", "pt": "unknown"},
)
note(
    "V032",
    "2026-07-24",
    "pathology report",
    "Renal biopsy 22.07.2026, Wrocław: lupus nephritis class IV-G (A).",
)
note(
    "V032",
    "2026-11-02",
    "outpatient visit",
    "Boy 15 years, cSLE since 2025 (ANA 1:640). Encorton since 03.2025, CellCept since 04.2025. "
    "Morphology: leucocytes 6.4 G/L, neutrophils 4.0 G/L, lymphocytes 1.3 G/L, Hb 12.1 g/dl, "
    "PLT 251 G/L. ALAT 21 U/l (N: 0-40), ASAT 25 U/l (N: 0-40), total bilirubin 8.0 umol/l "
    "(N: 3-21), creatinine 58 umol/l, GFR by Schwartz 106 ml/min/1.73m2. Coagulation not "
    "performed (no tube). UPCR 1.7 g/g. CD19+ 9%. SLEDAI-2K 10. ECOG 0.",
)


# ---------------------------------------------------------------- further notes (correspondence,
# older visits, plans); none of them changes a label, several are there to be ignored.

note(
    "V001",
    "2026-03-02",
    "portal message",
    "Message from mother (02.03.2026): 'Good morning Doctor, Zosia urine is still foamy and "
    "she has swollen eyes in morning. Should we increase the CellCept?' Answer by doctor: "
    "'Please come for control, do not change dose alone.'",
)
note(
    "V002",
    "2026-11-14",
    "portal message",
    "E-mail from mother 14/11/2026: 'Hocam, we read about CAR-T for lupus in China, is our "
    "daughter candidate? Her aunt had breast cancer, is this a problem?' Answer: 'The aunt's "
    "illness is not relevant. We will discuss options at next visit.'",
)
note(
    "V003",
    "2025-09-20",
    "outpatient visit",
    "Examination 20-IX-2025. Belimumab first infusion today. CBC: leucocytes 3.1×10⁹/L, "
    "haemoglobin 94 g/L, thrombocytes 120×10⁹/L. Daily proteinuria 3.4 g/24h. SLEDAI-2K 18.",
)
note(
    "V005",
    "2026-01-08",
    "dictation",
    "follow up visit full stop lupus nephritis suspected new paragraph started mycophenolate "
    "mofetil today January eighth two thousand twenty six comma continue prednisolone full stop "
    "biopsy to be arranged",
)
note(
    "V006",
    "2026-11-05",
    "portal message",
    "Message from the patient (05/11/2026): 'Bonjour docteur, I am 19 years now, can I still be "
    "in the study for children?' Answer: 'We will check the age limits, see you on 20/11.'",
)
note(
    "V007",
    "2025-10-25",
    "outpatient visit",
    "New patient, 10 years old boy. Malar rash, arthritis, proteinuria. ANA 1:320, anti-dsDNA "
    "positive. SLE diagnosed. Prednisolone started 20/10/2025. Plan: kidney biopsy.",
)
note(
    "V008",
    "2026-11-16",
    "portal message",
    "E-mail from mother (16.11.2026): 'Dear doctor, we have documents translated to Polish. "
    "Daughter feels ok, no fever, no cough.' Answer: 'Thank you, the centre will contact you.'",
)
note(
    "V009",
    "2026-09-10",
    "board minutes",
    "Nephrology-rheumatology board 10.09.2026: repeat biopsy shows pure membranous LN (class V) "
    "- CAR-T study for proliferative LN not applicable at present. Continue MMF, add "
    "tacrolimus to consider.",
)
note(
    "V010",
    "2026-07-15",
    "lab report",
    "Laboratory 15/07/2026: HGB 10.2 g/dL, WBC 3.9 x10³/µL, PLT 198 x10³/µL, creatinine "
    "0.71 mg/dL, UPCR 2.5 mg/mg.",
)
note(
    "V011",
    "2026-11-15",
    "portal message",
    "Portal message from father (15/11/2026): 'Shalom, the statin was stopped as you said. Do "
    "we need to repeat the liver tests?' Reply: 'Yes, repeat ALT/AST in two weeks in the kupah "
    "lab.'",
)
note(
    "V012",
    "2026-11-12",
    "portal message",
    "Mother writes (12/11/2026): 'Doctor, the injection of Neupogen, does he need another one?' "
    "Reply: 'No more injections are planned, neutrophils recovered.'",
)
note(
    "V013",
    "2026-11-18",
    "portal message",
    "Message from mother 18.11.2026: 'Her 18th birthday is on 25 November, can she still be "
    "treated in the children's department?' Answer: 'Yes, until transition, we will talk.'",
)
note(
    "V014",
    "2026-11-02",
    "dictation",
    "patient seen in the clinic today comma mother present full stop no new complaints comma "
    "no fever comma no infections since last visit full stop continue the same treatment full "
    "stop next control in four weeks",
)
note(
    "V015",
    "2026-11-10",
    "lab report",
    "Laboratory comment 10.11.2026: repeat of total bilirubin requested because of unit error "
    "in the LIS export of 27.10; result not yet available.",
)
note(
    "V016",
    "2026-03-10",
    "lab report",
    "Outside laboratory 10/03/2026: ANA (ELISA) positive, index 3.2 (cut-off 1.0). Anti-dsDNA "
    "positive.",
)
note(
    "V017",
    "2026-11-19",
    "inpatient note",
    "Day 5 of ceftriaxone IV, afebrile since this morning, CRP falling. Plan: 7 days IV then "
    "oral switch.",
)
note(
    "V018",
    "2026-11-05",
    "portal message",
    "Mother (05/11/2026): 'Hocam, can we start the MMF medicine now, the urine is still foamy?' "
    "Reply: 'We plan to start MMF at the next visit after the tests.'",
)
note(
    "V019",
    "2026-06-20",
    "outpatient visit",
    "Girl 17 years, flare of SLE: arthritis, rash, low C3, proteinuria. SLEDAI-2K 14. Medrol "
    "dose increased. Biopsy planned.",
)
note(
    "V020",
    "2026-11-10",
    "portal message",
    "E-mail from father (10.11.2026): 'Good day, Tomáš feels better, the urine less foamy. Is "
    "the kidney function still low?' Reply: 'Yes, still reduced, we will repeat the tests in "
    "December.'",
)
note(
    "V021",
    "2026-09-15",
    "outpatient visit",
    "Control 15/09/2026: creatinine 1.6 mg/dl, eGFR (bedside Schwartz) 52, Hb 9.4 g/dl. "
    "Rising creatinine, biopsy done in August.",
)
note(
    "V022",
    "2026-11-10",
    "portal message",
    "Portal message (10/11/2026) from the patient: 'Hi, I moved to Beer Sheva for studies, can "
    "I continue follow up in your clinic?' Reply: 'Yes, until we arrange adult nephrology.'",
)
note(
    "V023",
    "2026-10-28",
    "PICU note",
    "PICU 28.10.2026: noradrenaline weaned off this morning, haemodynamically stable, "
    "meropenem continues.",
)
note(
    "V024",
    "2026-02-24",
    "infusion note",
    "Day unit 24.02.2026: MabThera (rituximab) 2nd dose given, premedication Medrol, no "
    "infusion reaction.",
)
note(
    "V025",
    "2026-11-12",
    "portal message",
    "Message from father (12/11/2026): 'Doctor, is it true the new study medicine is a "
    "injection under the skin? My daughter is afraid of needles.' Reply: 'We will explain at "
    "the visit.'",
)
note(
    "V026",
    "2026-11-15",
    "physiotherapy note",
    "Physiotherapy 15/11/2026: still mostly in bed, sits with support 10 minutes. Continue "
    "exercises.",
)
note(
    "V027",
    "2026-11-01",
    "referral letter",
    "Referral abroad for CD19 CAR-T (to a European centre). Boy 9 years, refractory lupus "
    "nephritis class IV. Past history: ALL 2019, in remission. Epicrisis attached.",
)
note(
    "V028",
    "2026-11-18",
    "portal message",
    "Father writes (18/11/2026): 'We are still thinking about the central catheter, we are "
    "afraid of infection.' Reply: 'We understand, no decision is needed today.'",
)
note(
    "V029",
    "2026-11-10",
    "portal message",
    "Mother writes (10/11/2026): 'A private lab can do the flow test (lymphocytes) for money, "
    "should we do it?' Reply: 'Not necessary now, we will discuss.'",
)
note(
    "V030",
    "2026-11-12",
    "portal message",
    "E-mail from mother (12/11/2026): 'The other hospital says the biopsy report was lost in "
    "the old computer system.' Reply: 'Thank you, we will plan a new biopsy.'",
)
note(
    "V031",
    "2026-11-05",
    "consultation",
    "Infectious diseases consultation 05.11.2026: no active infection, QuantiFERON negative, "
    "HBsAg negative. No malignancy in history.",
)
note(
    "V032",
    "2026-11-16",
    "portal message",
    "Message from mother (16.11.2026): 'We will do the coagulation test next week as you "
    "asked.' Answer: 'Thank you.'",
)

note(
    "V012",
    "2026-10-31",
    "dictation",
    "inpatient dictation day three full stop eight year old boy with febrile neutropenia full "
    "stop he received new Poggen Neupogen yesterday comma tolerated well full stop cefepime IV "
    "continues today comma stop tomorrow if culture stays negative full stop",
)
note(
    "V019",
    "2026-11-16",
    "dictation",
    "seventeen year old girl came for review comma joint pains better full stop SLEDAI two K "
    "today six comma unchanged full stop continue Medrol CellCept and Advagraf full stop",
)
note(
    "V027",
    "2026-11-15",
    "dictation",
    "dictation start nine year old boy seen for follow up full stop past history of acute "
    "lymphoblastic leukemia in two thousand nineteen comma in remission full stop lupus "
    "nefritis class for on biopsy in June full stop plaque Neil not given full stop no change "
    "in treatment full stop end of dictation",
)


# ---------------------------------------------------------------- labels and output

STATUSES = {"met", "not_met", "unknown", "manual"}


def nct_labels(p: dict) -> dict:
    labels = {k: ("manual" if k in NCT_MANUAL_DEFAULT else "met") for k in NCT_KEYS}
    labels.update(p["nct"])
    return labels


def ho_labels(p: dict) -> dict:
    labels = {k: "met" for k in HO_INCL}
    labels["consent"] = "manual"
    labels.update({k: "not_met" for k in HO_EXCL})
    labels.update(p["ho"])
    return labels


def overall(labels: dict, disease_keys: tuple[str, ...]) -> tuple[str, int]:
    """GUIDELINE.md 'Patient status' and 'Ranking' (relevance)."""
    incl = {k: v for k, v in labels.items() if not k.startswith("x_")}
    excl = {k: v for k, v in labels.items() if k.startswith("x_")}
    if "not_met" in incl.values() or "met" in excl.values():
        return "ineligible", 0
    if all(v in ("met", "manual") for v in incl.values()) and all(
        v in ("not_met", "manual") for v in excl.values()
    ):
        return "eligible", 3
    if all(labels[k] == "met" for k in disease_keys):
        return "possible", 2
    return "possible", 1


def completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_label(lo_age: int, hi_age: int, lo: int, hi: int) -> str:
    """Age lies in [lo_age, hi_age]; the criterion wants lo..hi inclusive."""
    if lo <= lo_age and hi_age <= hi:
        return "met"
    if hi_age < lo or lo_age > hi:
        return "not_met"
    return "unknown"


# Lab-derived labels that the notes' text (not the values) decides; check_labs() skips them.
TEXT_DECIDES = {("V012", "anc"): "filgrastim 6 days before the count"}
# ULN of total bilirubin in umol/L as each house style prints it (mg/dL 1.2 = 20.5 umol/L).
TBIL_ULN = {"pl": 21.0, "ru": 20.5, "tr": 20.5, "mena": 20.5, "dict": 21.0}


def check_labs(errors: list[str]) -> None:
    """Re-derive the lab criteria from the latest visit in the lookback and compare with the
    hand-written labels (a second look, not the source of the labels)."""
    latest: dict[str, tuple[str, str, dict]] = {}
    for pid, date, style, v in VISITS:
        if LOOKBACK_START <= d(date) < AS_OF and (pid not in latest or date > latest[pid][0]):
            latest[pid] = (date, style, v)
    visited = {pid for pid, *_ in VISITS}
    for p in PATIENTS:
        pid = p["pid"]
        if pid not in visited:
            continue
        nct, ho = nct_labels(p), ho_labels(p)
        if pid not in latest:
            want_n = {
                k: "unknown"
                for k in ("lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt")
            }
            want_h = {"egfr": "unknown", "plt": "unknown", "alt": "unknown", "x_hb": "unknown"}
        else:
            _, style, v = latest[pid]
            uln = lambda ref: float(ref.split("-")[1])  # noqa: E731
            egfr = v["egfr"] if v["egfr"] is not None else 36.5 * v["height"] / v["cr"]
            ok = lambda b: "met" if b else "not_met"  # noqa: E731
            want_n = {
                "lymph": ok(v["lym"] >= 1.0),
                "wbc": ok(v["wbc"] >= 3.0),
                "anc": ok(v["anc"] >= 1.0),
                "hb": ok(v["hb"] >= 60),
                "alt": ok(v["alt"] <= 3 * uln(v["alt_ref"])),
                "ast": ok(v["ast"] <= 3 * uln(v["ast_ref" if style != "dict" else "alt_ref"])),
                "tbil": ok(v["tbil"] <= 1.5 * TBIL_ULN[style]),
                "egfr": "met" if egfr >= 30 else "manual",
                "inr": ok(v["inr"] <= 1.5 * 1.2),
                "pt": ok(v["pt"] <= 1.5 * (uln(v["pt_ref"]) if style != "dict" else 13.5)),
            }
            want_h = {
                "egfr": ok(egfr >= 45),
                "plt": ok(v["plt"] >= 100),
                "alt": ok(v["alt"] <= 2.5 * uln(v["alt_ref"])),
                "x_hb": "met" if v["hb"] < 80 else "not_met",
            }
        for labels, want in ((nct, want_n), (ho, want_h)):
            for key, status in want.items():
                if (pid, key) not in TEXT_DECIDES and labels[key] != status:
                    errors.append(f"{pid} {key}: label {labels[key]}, values give {status}")


def check(notes: list[dict]) -> None:
    errors = []
    ids = [p["pid"] for p in PATIENTS]
    if ids != [f"V{i:03d}" for i in range(1, len(ids) + 1)]:
        errors.append("patient ids are not V001.. in order")
    if len(ids) < 30 or len(notes) < 100:
        errors.append(f"too small: {len(ids)} patients, {len(notes)} notes")
    note_ids = [n["note_id"] for n in notes]
    if len(set(note_ids)) != len(note_ids):
        errors.append("duplicate note ids")
    by_pid: dict[str, list[dict]] = {}
    for n in notes:
        if not d(n["note_date"]) < AS_OF:
            errors.append(f"{n['note_id']} not before the as-of")
        if n["patient_id"] not in ids:
            errors.append(f"{n['note_id']} has no patient")
        by_pid.setdefault(n["patient_id"], []).append(n)
    structured = 0
    for p in PATIENTS:
        pid = p["pid"]
        if pid not in by_pid:
            errors.append(f"{pid} has no notes")
            continue
        nct, ho = nct_labels(p), ho_labels(p)
        for lab, keys in ((nct, NCT_KEYS), (ho, HO_KEYS)):
            if list(lab) != keys or not set(lab.values()) <= STATUSES:
                errors.append(f"{pid}: bad label keys or statuses {lab}")
        born = p["birth_date"] or p["text_dob"]
        if p["birth_date"]:
            structured += 1
        if p["text_dob"]:
            x = d(p["text_dob"])
            if not any(f"{x.day:02d}/{x.month:02d}/{x.year}" in n["text"] for n in by_pid[pid]):
                errors.append(f"{pid}: text DOB not written in any note")
        if born:
            age = completed_years(d(born), AS_OF)
            want = (age_label(age, age, 6, 18), age_label(age, age, 8, 17))
        elif p["stated_age"]:
            stated, on = p["stated_age"]
            if not any(n["note_date"] == on for n in by_pid[pid]):
                errors.append(f"{pid}: no note on the stated-age date {on}")
            lo = stated + completed_years(d(on), AS_OF)
            want = (age_label(lo, lo + 1, 6, 18), age_label(lo, lo + 1, 8, 17))
        else:
            errors.append(f"{pid}: no age source")
            continue
        if (nct["age"], ho["age"]) != want:
            errors.append(f"{pid}: age labels {(nct['age'], ho['age'])} but the age gives {want}")
    check_labs(errors)
    if not 0.35 <= structured / len(PATIENTS) <= 0.65:
        errors.append(f"structured demographics on {structured} of {len(PATIENTS)} patients")
    if errors:
        sys.exit("self-check failed:\n  " + "\n  ".join(errors))


def build() -> tuple[list[dict], list[dict]]:
    demo = {p["pid"]: p for p in PATIENTS}
    notes = []
    counter: dict[str, int] = {}
    for n in sorted(NOTES, key=lambda n: (n["patient_id"], n["note_date"])):
        pid = n["patient_id"]
        counter[pid] = counter.get(pid, 0) + 1
        row = {
            "patient_id": pid,
            "note_id": f"{pid}-N{counter[pid]:02d}",
            "note_date": n["note_date"],
            "note_type": n["note_type"],
            "text": n["text"],
        }
        p = demo.get(pid)
        if p and p["birth_date"]:
            row["birth_date"] = p["birth_date"]
            row["sex"] = p["sex"]
        notes.append(row)
    gold = []
    for p in PATIENTS:
        for trial, labels, disease in (
            (NCT, nct_labels(p), ("sle", "biopsy", "refractory")),
            (HO, ho_labels(p), ("sle", "biopsy", "uprot")),
        ):
            status, relevance = overall(labels, disease)
            gold.append(
                {
                    "trial": trial,
                    "patient_id": p["pid"],
                    "status": status,
                    "relevance": relevance,
                    "criteria": labels,
                    "archetype": p["archetype"],
                }
            )
    return notes, gold


def main() -> None:
    notes, gold = build()
    check(notes)
    for name, rows in (("notes.jsonl", notes), ("gold.jsonl", gold)):
        with open(HERE / name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for g in gold:
        counts[(g["trial"], g["status"])] = counts.get((g["trial"], g["status"]), 0) + 1
    print(f"{len(PATIENTS)} patients, {len(notes)} notes")
    for trial in (NCT, HO):
        print(trial, {s: counts.get((trial, s), 0) for s in ("eligible", "possible", "ineligible")})


if __name__ == "__main__":
    main()
