"""Write hold-out 9 (East / South-East Asian paediatric nephrology notes) deterministically.

Stdlib only.  Run:  python3 make_holdout9.py   (writes notes.jsonl and gold.jsonl beside it)

Note texts are written by hand below; lab blocks are rendered from one set of values per visit
by small helpers.  Criterion labels are hand-written per patient (defaults + overrides); only the
overall status and the relevance are derived, by GUIDELINE.md's rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 20)

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph",
            "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
NCT_MANUAL = {"venous": "manual", "consent": "manual", "hemo": "manual"}
HO_INCL = ["age", "sle", "biopsy", "upcr", "egfr", "plt", "alt", "consent"]
HO_EXCL = ["x_rtx", "x_inf", "x_dial", "x_hb", "x_tx", "x_malig"]
HO_KEYS = HO_INCL + HO_EXCL


# ----------------------------------------------------------------------------- lab renderers
# Values per visit: wbc/neut/lym in /uL, hb g/dL, plt x10^4/uL, ast/alt IU/L, tbil mg/dL,
# cre mg/dL, egfr mL/min/1.73m2, inr, pt sec, upcr g/gCr.  A key mapped to a string is printed
# verbatim (used for odd units and printed reference ranges); a missing key is not printed.
DEFAULT_LABS = {"wbc": 5200, "neut": 3100, "lym": 1400, "hb": 11.2, "plt": 24.5, "ast": 24,
                "alt": 19, "tbil": 0.5, "bun": 13, "ua": 5.2, "cre": 0.62, "egfr": 96, "inr": 1.02, "pt": 11.8,
                "upcr": 2.4}


def _fmt(v):
    return v if isinstance(v, str) else (f"{v:,}" if isinstance(v, int) and v >= 1000 else str(v))


def jp_block(v: dict) -> str:
    """Japanese style, one line per analyte, Japanese abbreviations and units."""
    rows = [("wbc", "WBC", "/uL"), ("neut", "Neut", "/uL"), ("lym", "Lym", "/uL"),
            ("hb", "Hb", "g/dL"), ("plt", "Plt", "x10^4/uL"), ("ast", "AST", "IU/L"),
            ("alt", "ALT", "IU/L"), ("tbil", "T-Bil", "mg/dL"), ("bun", "BUN", "mg/dL"),
            ("ua", "UA", "mg/dL"), ("cre", "Cre", "mg/dL"), ("egfr", "eGFR", "mL/min/1.73m2"), ("pt", "PT", "sec"), ("inr", "PT-INR", ""),
            ("upcr", "U-P/C", "g/gCr")]
    out = []
    for key, name, unit in rows:
        if key in v:
            val = v[key]
            out.append(f"  {name} {val}" if isinstance(val, str) else f"  {name} {_fmt(val)} {unit}".rstrip())
    return "\n".join(out)


def jp_cumulative(dates: list[str], cols: list[dict]) -> str:
    """Cumulative table, one column per date (oldest left), as copied from the EMR."""
    rows = [("wbc", "WBC(/uL)"), ("neut", "Neut(/uL)"), ("lym", "Lym(/uL)"), ("hb", "Hb(g/dL)"),
            ("plt", "Plt(x10^4/uL)"), ("ast", "AST(IU/L)"), ("alt", "ALT(IU/L)"),
            ("tbil", "T-Bil(mg/dL)"), ("cre", "Cre(mg/dL)"), ("egfr", "eGFR"), ("pt", "PT(sec)"),
            ("inr", "PT-INR"), ("upcr", "U-P/C(g/gCr)")]
    head = "項目/Item".ljust(16) + "".join(d.rjust(13) for d in dates)
    out = [head]
    for key, name in rows:
        if any(key in c for c in cols):
            out.append(name.ljust(16) + "".join(_fmt(c.get(key, "-")).rjust(13) for c in cols))
    return "\n".join(out)


def kr_line(v: dict) -> str:
    """Korean EMR lab line."""
    parts = []
    names = [("wbc", "WBC", "/uL"), ("neut", "ANC", "/uL"), ("lym", "ALC", "/uL"), ("hb", "Hb", "g/dL"),
             ("plt", "PLT", "x10^4/uL"), ("ast", "AST", "IU/L"), ("alt", "ALT", "IU/L"),
             ("tbil", "T.bil", "mg/dL"), ("cre", "sCr", "mg/dL"), ("egfr", "eGFR(Schwartz)", ""),
             ("pt", "PT", "sec"), ("inr", "INR", ""), ("upcr", "UPCR", "g/gCr")]
    for key, name, unit in names:
        if key in v:
            val = v[key]
            parts.append(f"{name} {val}" if isinstance(val, str) else f"{name} {_fmt(val)} {unit}".rstrip())
    return ", ".join(parts)


def sg_block(v: dict) -> str:
    """Singapore / Malaysia discharge-summary style in SI units (values converted by hand here)."""
    out = []
    if "hb" in v:
        out.append(f"Hb {v['hb']}" if isinstance(v["hb"], str) else f"Hb {round(v['hb'] * 10)} g/L")
    if "wbc" in v:
        out.append(f"TW {v['wbc']}" if isinstance(v["wbc"], str) else f"TW {v['wbc'] / 1000:.1f} x10^9/L")
    if "neut" in v:
        out.append(f"ANC {v['neut']}" if isinstance(v["neut"], str) else f"ANC {v['neut'] / 1000:.2f} x10^9/L")
    if "lym" in v:
        out.append(f"Lymph {v['lym']}" if isinstance(v["lym"], str) else f"Lymph {v['lym'] / 1000:.2f} x10^9/L")
    if "plt" in v:
        out.append(f"Plt {v['plt']}" if isinstance(v["plt"], str) else f"Plt {round(v['plt'] * 10)} x10^9/L")
    fbc = "FBC: " + ", ".join(out) if out else ""
    rp = []
    if "cre" in v:
        rp.append(f"Cr {v['cre']}" if isinstance(v["cre"], str) else f"Cr {round(v['cre'] * 88.4)} umol/L")
    if "egfr" in v:
        rp.append(f"eGFR {v['egfr']} mL/min/1.73m2")
    if "upcr" in v:
        rp.append(f"uPCR {v['upcr']}" if isinstance(v["upcr"], str) else f"uPCR {round(v['upcr'] * 113)} mg/mmol")
    lft = []
    if "alt" in v:
        lft.append(f"ALT {v['alt']}" if isinstance(v["alt"], str) else f"ALT {v['alt']} U/L")
    if "ast" in v:
        lft.append(f"AST {v['ast']}" if isinstance(v["ast"], str) else f"AST {v['ast']} U/L")
    if "tbil" in v:
        lft.append(f"bilirubin {v['tbil']}" if isinstance(v["tbil"], str) else f"bilirubin {round(v['tbil'] * 17.1)} umol/L")
    coag = []
    if "pt" in v:
        coag.append(f"PT {v['pt']} s")
    if "inr" in v:
        coag.append(f"INR {v['inr']}")
    lines = [fbc] if fbc else []
    if rp:
        lines.append("RP: " + ", ".join(rp))
    if lft:
        lines.append("LFT: " + ", ".join(lft))
    if coag:
        lines.append("Coag: " + ", ".join(coag))
    return "\n".join(lines)


_CURRENT = {"pid": "X000"}


def patient(pid: str) -> None:
    """Name the patient whose notes follow, so that their routine labs differ from the others'."""
    _CURRENT["pid"] = pid


def routine_labs() -> dict:
    """The patient's unremarkable values: varied per patient, all well clear of every threshold
    of both trials (WBC >= 4.2, neutrophils >= 2.5, lymphocytes >= 1.26 x10^9/L, Hb >= 9.8 g/dL,
    Plt >= 16.0 x10^4/uL, ALT <= 31, AST <= 33 IU/L, T-Bil <= 0.8 mg/dL, PT <= 12.5 s, INR <= 1.09)."""
    k = int(_CURRENT["pid"][1:])
    wbc = 4200 + (k * 370) % 3600
    d = dict(DEFAULT_LABS)
    d.update(wbc=wbc, neut=round(wbc * 0.6 / 10) * 10, lym=round(wbc * 0.3 / 10) * 10,
             hb=round(9.8 + ((k * 7) % 30) / 10, 1), plt=round(16.0 + ((k * 13) % 190) / 10, 1),
             ast=16 + (k * 5) % 18, alt=10 + (k * 7) % 22, tbil=round(0.3 + ((k * 3) % 6) / 10, 1),
             pt=round(10.8 + ((k * 3) % 18) / 10, 1), inr=round(0.92 + ((k * 7) % 18) / 100, 2))
    return d


def labs(v: dict | None = None, drop: tuple = (), **over) -> dict:
    d = routine_labs() if v is None else dict(v)
    d.update(over)
    for k in drop:
        d.pop(k, None)
    return d


# ----------------------------------------------------------------------------- patients
# Each patient: id, archetype, optional birth_date/sex, notes [(date, type, text)],
# nct overrides, ho overrides.  Defaults: every NCT criterion met except the manual ones;
# every HO-LN-11 inclusion met (consent manual), every exclusion not_met.
P: list[dict] = []


def add(pid, archetype, notes, nct=None, ho=None, birth_date=None, sex=None):
    P.append({"id": pid, "archetype": archetype, "notes": notes, "nct": nct or {}, "ho": ho or {},
              "birth_date": birth_date, "sex": sex})


# ---- X001 Japan, eligible, structured DOB (14 y)
patient("X001")
add("X001", "eligible", [
    ("2025-04-16", "referral", "紹介状 / Referral letter  2025/04/16\nTo: Dept. of Pediatric Nephrology\n"
     "12-year-old girl. Malar rash, arthralgia, proteinuria since 2025/02. ANA 1:640 (homogeneous), "
     "anti-dsDNA 88 IU/mL, C3 42 mg/dL, C4 4 mg/dL. Diagnosed as SLE (2019 EULAR/ACR 26 points).\n"
     "Started PSL 40 mg/day on 2025/04/10. Kindly admit for renal biopsy."),
    ("2026-08-05", "pathology", "病理診断報告書 Pathology report\nSpecimen: kidney, needle biopsy (R8.8.4)\n"
     "Glomeruli 28, global sclerosis 1.\nDiagnosis: Lupus nephritis, ISN/RPS class IV-G (A/C)\n"
     "Activity index 10/24, chronicity index 2/12. IF full house."),
    ("2026-08-22", "infusion", "看護記録 Nursing infusion record R8.8.20-R8.8.22\nmPSL pulse 1000 mg/day IV x3 days "
     "(R8.8.20, R8.8.21, R8.8.22). BP stable, no infusion reaction. Vital signs q1h. Urine output adequate."),
    ("2026-11-10", "progress", "2026/11/10 外来 SOAP\n#1 LN class IV-G (A/C) refractory\n#2 SLE\n"
     "S) Leg edema ++, foamy urine.\nO) BW 44 kg, Ht 152 cm, BP 128/80.\n" + jp_block(labs()) + "\n"
     "SLEDAI-2K 14. Lansky 80. Lymphocyte subset (FCM): CD19+ 9.2%, 130/uL.\n"
     "A) Persistent nephrotic-range proteinuria despite PSL since 2025/04 and MMF 1000 mg/day since 2025/06 "
     "(mPSL pulse x3 in 2026/08). No history of malignancy, transplant or dialysis. Never received RTX.\n"
     "P) Refer for cell therapy trial screening."),
], birth_date="2012-06-30", sex="F")

# ---- X002 Korea, eligible, age in text only
patient("X002")
add("X002", "eligible_text_age", [
    ("2025.03.02".replace(".", "-"), "clinic", "2025.03.02 소아청소년과 초진\nC.C.) facial rash, gross hematuria\n"
     "P.I.) 14세 여아 (14-year-old F). ANA 1:1280 speckled, anti-dsDNA (+), low C3. SLE diagnosed.\n"
     "Tx) PSL 1 mg/kg 시작 2025.03.02. Tacrolimus (TAC) 2 mg/day added 2025.04.20."),
    ("2026-09-01", "pathology", "Renal biopsy 2026.08.28\nDx: Lupus nephritis, ISN/RPS class III (A) + V.\n"
     "Crescents 3/22. AI 8, CI 3."),
    ("2026-10-22", "clinic", "2026.10.22 OPD\nC.C.) f/u LN\nP.I.) 15-year-old girl with SLE/LN class III+V. "
     "Still proteinuria on PSL 10 mg + TAC (trough 6.2). Not in remission.\nP/E) BP 118/76, no edema. Karnofsky 80.\n"
     "Lab) " + kr_line(labs(upcr=1.9, egfr=88)) + "\nSLEDAI-2K = 12. FACS: CD19 B cell 11% (154 cells/uL).\n"
     "ANA 1:1280. Denies TB contact. No fever, no infection. Not pregnant (u-hCG negative)."),
])

# ---- X003 Singapore, eligible, family history of transplant (father)
patient("X003")
add("X003", "eligible_family_tx", [
    ("2024-11-18", "clinic", "Paediatric Renal Clinic, Singapore  18-Nov-24\n12 yo Chinese girl, "
     "new SLE (ANA 1:320, anti-Sm +). Started prednisolone 18-Nov-24, MMF 500 mg bd from 2-Dec-24.\n"
     "FHx: father s/p renal transplant 2015 for IgA nephropathy; maternal aunt with lymphoma."),
    ("2026-07-15", "pathology", "Histopathology report 15-Jul-26\nRenal biopsy: focal proliferative lupus "
     "nephritis (ISN/RPS class III), active lesions, no significant chronicity."),
    ("2026-11-03", "discharge", "DISCHARGE SUMMARY  Admitted 31-Oct-26  Discharged 3-Nov-26\n"
     "Dx: 1. SLE with LN class III, refractory (PSL + MMF > 18 months, persistent proteinuria)\n"
     "Inv:\n" + sg_block(labs(upcr=2.0)) + "\nSLEDAI-2K 10. Lansky 90. Flow: CD19+ B cells 7.5%.\n"
     "IVMP 500 mg x3 given 31-Oct-26 to 2-Nov-26. No infection during stay. No personal history of "
     "transplant or cancer. TCU 4 weeks."),
], birth_date="2012-03-02", sex="F")

# ---- X004 Taiwan, eligible NCT; 10 y -> too young for HO-LN-11
patient("X004")
add("X004", "eligible_nct_too_young_ho", [
    ("2025-09-10", "clinic", "(dates in ROC calendar, 民國)\n114/09/10 門診 OPD note\n9-year-old boy, SLE "
     "(ANA 1:640, dsDNA +, hypocomplement). PSL started 114/09/10; IVCY monthly x6 from 114/10/01 (completed 115/03)."),
    ("2026-08-20", "pathology", "115/08/19 Renal biopsy: diffuse proliferative lupus nephritis, WHO class IV. "
     "No membranous component."),
    ("2026-11-12", "clinic", "115/11/12 OPD\nDx: SLE with LN class IV, relapse after IVCY, on PSL + MMF (since 115/03/20).\n"
     "Ht 138 cm.\n" + jp_block(labs(upcr=1.6, cre=0.45, egfr=127)) + "\n  U-TP 2.1 g/day (24h)\nSLEDAI-2K 16. Lansky 90. "
     "Flow cytometry: CD19 14%.\nRenal relapse. Plan: screening for CAR-T study."),
], ho={"age": "not_met"})

# ---- X005 Japan (Reiwa dates), 17 y stated -> NCT met, HO unknown
patient("X005")
add("X005", "eligible_nct_age_edge_ho", [
    ("2025-01-20", "clinic", "R7.1.20 初診\n16歳女性 (16 y/o F). SLE dx R6.12 (ANA 1:160). Started PSL R7.1.20, "
     "MZR 150 mg added R7.3.1, changed to MMF R7.9.1 (MZR ineffective)."),
    ("2026-07-02", "pathology", "腎生検 R8.7.1\nISN/RPS class IV-S (A) + V. AI 7, CI 1."),
    ("2026-09-18", "progress", "R8.9.18 SOAP\n#1 LN class IV+V\n#2 SLE\nS) 17-year-old. Fatigue.\nO)\n"
     + jp_block(labs(upcr=3.1)) + "\nSLEDAI-2K 12, ECOG 1. FCM CD19 6.1%.\n"
     "A) Non-response to PSL + MMF.\nP) Discuss trial."),
    ("2026-09-18", "lab", "累積検査結果 cumulative results (copied from EMR)\n"
     + jp_cumulative(["2026/06/01", "2026/09/18"], [labs(upcr=3.8, alt=31), labs(upcr=3.1)])),
], nct={}, ho={"age": "unknown"})

# ---- X006 Philippines, eligible NCT; Plt 8.5 x10^4/uL = 85 x10^9/L -> HO plt not_met
patient("X006")
add("X006", "eligible_nct_low_plt_ho", [
    ("2025-02-14", "referral", "Referral letter from Manila to Tokyo, February 2025\nDear Dr. Sato, 13 y/o Filipina "
     "with SLE diagnosed January 2025 (ANA 1:640 homogeneous, anti-dsDNA +). Given prednisone since Feb 2025 and "
     "cyclophosphamide (Euro-Lupus) completed May 2025, then MMF."),
    ("2026-09-30", "pathology", "Kidney biopsy 30-Sep-26: lupus nephritis ISN/RPS class IV-G (A)."),
    ("2026-11-05", "clinic", "Clinic 5-Nov-26\n14-year-old female, LN class IV, persistent proteinuria on "
     "prednisone + MMF.\n" + jp_block(labs(plt=8.5, upcr=2.2)) + "\nSLEDAI-2K 18 (incl. thrombocytopenia). "
     "Lansky 70. B cells (CD19+) 10.4%.\nNo active infection."),
], ho={"plt": "not_met"})

# ---- X007 Malaysia, eligible NCT; UPCR 0.8 -> HO upcr (>=1.0) not_met
patient("X007")
add("X007", "eligible_nct_upcr_below_ho", [
    ("2025-03-01", "clinic", "Paediatric Nephrology Clinic, Kuala Lumpur  1-Mar-25\n12 yo Malay boy, SLE + LN (ANA 1:320). "
     "Prednisolone from 1-Mar-25; tacrolimus from April 2025."),
    ("2026-06-25", "pathology", "HPE 25-Jun-26: LN class III (A/C)."),
    ("2026-10-28", "discharge", "Discharge summary 28-Oct-26\n13 year old boy with LN class III, partial response only.\n"
     + sg_block(labs(upcr=0.8)) + "\nSLEDAI-2K 10. Lansky 80. CD19+ 12%.\n"
     "Mother has SLE and received rituximab; patient himself never received rituximab."),
], ho={"upcr": "not_met"})

# ---- X008 Vietnam, eligible NCT; RTX July 2026 -> HO x_rtx met
patient("X008")
add("X008", "eligible_nct_recent_rtx_ho", [
    ("2025-05-10", "referral", "Referral letter, Ho Chi Minh City, 10/05/2025\n14-year-old girl, SLE with LN. "
     "Treated with methylprednisolone pulse then PSL since May 2025 and MMF since June 2025."),
    ("2026-07-08", "infusion", "Nursing infusion record 2026/07/08\nRituximab (RTX) 375 mg/m2 = 500 mg IV, "
     "start 09:10 end 14:30. Premed given. No infusion reaction. Dose 1 of 2.\n2026/07/22 dose 2 given, uneventful."),
    ("2026-08-12", "pathology", "Renal biopsy 2026/08/11: ISN/RPS class IV-G (A/C) + V."),
    ("2026-11-14", "clinic", "2026/11/14 OPD\n15 yo F, LN IV+V, refractory, no remission after RTX.\n"
     + jp_block(labs(upcr=2.7)) + "\nSLEDAI-2K 10. Lansky 80. CD19 B cells repopulating: 2.4% (31/uL)."),
], ho={"x_rtx": "met"})

# ---- X009 Japan, eligible NCT; ALT 110 with lab ULN 42: <=3x (126) but >2.5x (105)
patient("X009")
add("X009", "eligible_nct_alt_ref_range_ho", [
    ("2025-06-01", "clinic", "2025/06/01 初診\n13歳男児 13-year-old boy. SLE (ANA 1:2560). PSL + TAC since 2025/06."),
    ("2026-10-02", "pathology", "Renal biopsy 2026/10/01: lupus nephritis class IV-G (A)."),
    ("2026-11-16", "progress", "2026/11/16\n#1 LN IV-G\n#2 drug-induced liver injury? (TAC)\nO)\n"
     + jp_block(labs(alt="110 IU/L (ref 7-42)", ast="64 IU/L (ref 13-30)", upcr=1.8)) + "\n"
     "SLEDAI-2K 9. Lansky 90. CD19+ 8%.\nNo myositis (CK 88)."),
], birth_date="2011-10-20", sex="M", ho={"alt": "not_met"})

# ---- X010 Japan, eligible NCT; childhood Hodgkin lymphoma -> HO x_malig met
patient("X010")
add("X010", "eligible_nct_past_malignancy_ho", [
    ("2025-04-01", "referral", "Referral R7.4.1\n13-year-old girl. PMH: Hodgkin lymphoma age 8, ABVD, in remission "
     "since 2020. SLE dx 2025/03 (ANA 1:640). PSL started 2025/03/25, MMF 2025/05."),
    ("2026-09-09", "pathology", "腎生検 R8.9.8: LN ISN/RPS class III (A)."),
    ("2026-11-02", "progress", "R8.11.2 SOAP\n#1 LN class III refractory\n#2 s/p Hodgkin lymphoma\n"
     + jp_block(labs(upcr=1.3)) + "\nSLEDAI-2K 8. Lansky 80. CD19 5.5%. Persistent proteinuria."),
], birth_date="2011-12-01", sex="F", ho={"x_malig": "met"})

# ============ possible for NCT
# ---- X011 Korea, stale labs (last labs 2026-07-30)
patient("X011")
add("X011", "stale_labs", [
    ("2025-02-10", "clinic", "2025.02.10 C.C.) arthritis\nP.I.) 13-year-old boy, SLE. ANA 1:320. PSL + MMF 시작 2025.02.10."),
    ("2026-07-01", "pathology", "2026.06.30 Kidney Bx: LN class IV-G (A) ISN/RPS."),
    ("2026-07-30", "clinic", "2026.07.30 Lab) " + kr_line(labs(upcr=2.2)) + "\nFACS: CD19 9%."),
    ("2026-10-25", "clinic", "2026.10.25 OPD\nP.I.) 14-year-old boy, LN IV. Labs not drawn today (patient refused).\n"
     "SLEDAI-2K 12. Karnofsky 80."),
], nct={"refractory": "unknown", "cd19": "unknown", "lymph": "unknown", "wbc": "unknown", "anc": "unknown",
        "hb": "unknown", "alt": "unknown", "ast": "unknown", "tbil": "unknown", "egfr": "unknown",
        "inr": "unknown", "pt": "unknown"},
    ho={"upcr": "unknown", "egfr": "unknown", "plt": "unknown", "alt": "unknown", "x_hb": "unknown"})

# ---- X012 Thailand, biopsy 2026-02 (283 d): NCT unknown, HO met; RTX in 2025 ended
patient("X012")
add("X012", "old_biopsy", [
    ("2025-01-15", "clinic", "Bangkok, 15 Jan 2025\n13 y/o Thai girl with SLE (ANA 1:640). Pred + CYC (NIH) started Jan 2025. "
     "Rituximab x2 given March 2025 (course completed)."),
    ("2026-02-10", "pathology", "Renal biopsy 10 Feb 2026: lupus nephritis class IV-S (A/C) + V."),
    ("2026-10-30", "clinic", "30-Oct-26 Follow-up\n14 yo F, LN IV+V on pred + MMF, persistent proteinuria.\n"
     + jp_block(labs(upcr=2.9)) + "\nSLEDAI-2K 14. Lansky 80. CD19+ 6%.\nNo repeat biopsy yet."),
    ("2026-11-02", "phone", "2-Nov-26 telephone review with mother. Rituximab offered again, family declined. "
     "Plan to start belimumab if proteinuria persists. No fever, no cough."),
], birth_date="2011-11-25", sex="F", nct={"biopsy": "unknown"})

# ---- X013 Japan, flow never done + stated eGFR 28 (NCT manual, HO not_met)
patient("X013")
add("X013", "no_flow_low_egfr", [
    ("2025-03-03", "clinic", "2025/03/03 15-year-old girl, SLE (ANA 1:160), LN. PSL + IVCY x6 (2025/03-2025/08), then TAC."),
    ("2026-08-30", "pathology", "2026/08/29 腎生検: ISN/RPS class IV-G (A/C), AI 14 CI 5."),
    ("2026-11-11", "progress", "2026/11/11\n#1 LN IV, refractory, CKD G4\nO)\n"
     + jp_block(labs(cre=1.95, bun=41, egfr=28, upcr=4.2)) + "\nSLEDAI-2K 16. Karnofsky 70.\n"
     "Lymphocyte subset not done (FCM not available)."),
    ("2026-11-14", "discharge", "Discharge summary 2026/11/14\nAdmitted for mPSL pulse x3 (2026/11/11-13). "
     "No dialysis required. No infection. If no response, will add RTX; belimumab discussed with parents."),
], nct={"cd19": "unknown", "egfr": "manual"}, ho={"egfr": "not_met"})

# ---- X014 Singapore, no SLEDAI
patient("X014")
add("X014", "no_sledai", [
    ("2025-05-05", "clinic", "5-May-25 new case: 13 y/o Indian girl, SLE (ANA 1:1280). Prednisolone + MMF started 5-May-25."),
    ("2026-08-25", "pathology", "Histopathology 25-Aug-26: lupus nephritis, ISN/RPS class III (A/C)."),
    ("2026-11-09", "clinic", "9-Nov-26 Renal clinic\n15 y/o, LN III, persistent proteinuria.\n" + sg_block(labs(upcr=1.5))
     + "\nDisease activity not scored today. Lansky 90. CD19 B cells 9%."),
], birth_date="2011-07-19", sex="F", nct={"sledai": "unknown"})

# ---- X015 Korea, ANA positive without titre
patient("X015")
add("X015", "ana_no_titre", [
    ("2025-04-04", "clinic", "2025.04.04 P.I.) 12-year-old girl, SLE: ANA (+), anti-dsDNA 450 IU/mL, C3 low. "
     "PSL 2025.04.04~, MMF 2025.05.01~."),
    ("2026-09-15", "pathology", "2026.09.14 Kidney Bx: class IV-G (A) + V lupus nephritis."),
    ("2026-11-06", "clinic", "2026.11.06 OPD\n13-year-old girl, LN IV+V, persistent proteinuria.\nLab) "
     + kr_line(labs()) + "\nSLEDAI-2K 14, Lansky 80, CD19 B 10%.\nFever 2 days, r/o UTI: cefixime PO started. No IV antibiotics."),
], nct={"ana": "unknown"})

# ---- X016 Japan, unreadable lymph unit + ambiguous Plt unit
patient("X016")
add("X016", "unreadable_units", [
    ("2025-02-20", "referral", "2025/02/20 紹介 14-year-old boy, SLE (ANA 1:640), LN. PSL + MMF since 2025/02."),
    ("2026-08-26", "pathology", "2026/08/25 Renal biopsy: LN ISN/RPS class IV-G (A/C)."),
    ("2026-11-13", "progress", "2026/11/13 SOAP\n#1 LN IV refractory\nO)\n"
     + jp_block(labs(lym="12.4 %/uL", plt="23.1 x10/uL")) + "\nSLEDAI-2K 12. ECOG PS 1. CD19 7%.\n"
     "(lab sheet partly illegible, fax copy)"),
], nct={"lymph": "unknown"}, ho={"plt": "unknown"})

# ---- X017 Korea, DOB in text, only one listed agent (MMF only planned)
patient("X017")
add("X017", "one_agent_only", [
    ("2025-11-10", "clinic", "2025.11.10 C.C.) edema\nP.I.) DOB 2009.12.25, girl. SLE, ANA 1:640. PSL 시작 2025.11.10. HCQ 200 mg."),
    ("2026-08-28", "pathology", "2026.08.27 Renal Bx: LN class III (A) + V."),
    ("2026-11-17", "clinic", "2026.11.17 OPD\nP.I.) SLE/LN III+V on PSL + HCQ, proteinuria persists.\nLab) "
     + kr_line(labs(upcr=1.6)) + "\nSLEDAI-2K 10. Karnofsky 90. CD19 12%.\nPlan: consider MMF if no response."),
], nct={"refractory": "unknown"})

# ---- X018 Malaysia, coagulation never done
patient("X018")
add("X018", "no_coag", [
    ("2025-01-08", "clinic", "8-Jan-25 12 yo Chinese boy, SLE (ANA 1:320), LN. Prednisolone + tacrolimus since January 2025."),
    ("2026-07-20", "pathology", "HPE 20-Jul-26: LN ISN/RPS class IV-G (A)."),
    ("2026-11-04", "discharge", "Discharge summary 4-Nov-26\n14 y/o boy, refractory LN IV.\n"
     + sg_block(labs(drop=("pt", "inr"))) + "\nCoagulation profile: not sent.\nSLEDAI-2K 12. Lansky 80. CD19 8%."),
], birth_date="2012-01-15", sex="M", nct={"inr": "unknown", "pt": "unknown"})

# ---- X019 Taiwan, no ECOG/Lansky; eGFR computed from Ht + Cre (Schwartz)
patient("X019")
add("X019", "no_ecog_schwartz", [
    ("2025-03-12", "clinic", "114/03/12 OPD 12-year-old girl, SLE (ANA 1:1280). PSL + MMF 114/03/12 起."),
    ("2026-09-05", "pathology", "115/09/04 Renal biopsy: lupus nephritis ISN/RPS class III (A/C) + V."),
    ("2026-11-18", "clinic", "115/11/18 OPD\n13 y/o F, LN III+V, persistent proteinuria. Ht 150 cm.\n"
     + jp_block(labs(cre=0.70, drop=("egfr",))) + "\nSLEDAI-2K 10. FCM CD19 9%."),
], nct={"ecog": "unknown"})

# ---- X020 Philippines, 18 y stated in June 2026 -> NCT age unknown, HO age not_met
patient("X020")
add("X020", "age_edge_18", [
    ("2025-02-01", "referral", "Cebu, February 2025. 17-year-old female, SLE with LN (ANA 1:640). Prednisone since Feb 2025, MMF since March 2025."),
    ("2026-06-10", "clinic", "10-Jun-26 18-year-old female, LN follow-up. Left cervical lymphadenopathy, r/o lymphoma; "
     "excisional biopsy: reactive hyperplasia, no malignancy."),
    ("2026-08-30", "pathology", "Renal biopsy 30-Aug-26: LN class IV-G (A) + V."),
    ("2026-11-08", "clinic", "8-Nov-26 Persistent proteinuria on prednisone + MMF.\n" + jp_block(labs(upcr=2.0))
     + "\nSLEDAI-2K 12. Karnofsky 80. CD19 10%."),
], nct={"age": "unknown"}, ho={"age": "not_met"})

# ============ ineligible for NCT
# ---- X021 Japan, repeat biopsy pure class V after old class IV
patient("X021")
add("X021", "biopsy_pure_v", [
    ("2024-06-01", "pathology", "2024/06/01 腎生検: LN class IV-G (A)."),
    ("2024-06-10", "clinic", "2024/06/10 13歳女児, SLE (ANA 1:640). PSL + MMF started 2024/06/10."),
    ("2026-08-24", "pathology", "2026/08/23 Repeat renal biopsy: membranous lupus nephritis, ISN/RPS class V. "
     "No endocapillary proliferation. Class IV no longer seen."),
    ("2026-11-12", "progress", "2026/11/12\n#1 LN class V (transformed from IV)\n" + jp_block(labs(upcr=2.1))
     + "\nSLEDAI-2K 8. Lansky 90. CD19 8%."),
    ("2026-11-12", "lab", "Cumulative lab table (EMR copy)\n"
     + jp_cumulative(["2026/05/20", "2026/11/12"], [labs(upcr=3.0), labs(upcr=2.1)])),
], birth_date="2011-02-11", sex="F", nct={"biopsy": "not_met"}, ho={"biopsy": "not_met"})

# ---- X022 Korea, new onset (treatment < 6 months)
patient("X022")
add("X022", "treatment_recent", [
    ("2026-07-15", "clinic", "2026.07.15 초진 C.C.) edema\nP.I.) 13-year-old girl, new SLE (ANA 1:640). Treatment-naive until today. "
     "mPSL pulse then PSL 2026.07.15~, MMF 2026.07.29~."),
    ("2026-07-20", "pathology", "2026.07.18 Kidney Bx: ISN/RPS class IV-G (A)."),
    ("2026-11-02", "clinic", "2026.11.02 OPD\nLab) " + kr_line(labs(upcr=1.4)) + "\nSLEDAI-2K 12. Lansky 90. CD19 11%."),
], birth_date="2013-03-03", sex="F", nct={"refractory": "not_met"})

# ---- X023 Singapore, complete renal remission
patient("X023")
add("X023", "remission", [
    ("2024-10-01", "clinic", "1-Oct-24 11 y/o Malay girl, SLE with LN (ANA 1:320). Prednisolone + MMF from 1-Oct-24."),
    ("2026-06-01", "pathology", "Histopathology 1-Jun-26: LN class III (A)."),
    ("2026-11-10", "clinic", "10-Nov-26\n13 y/o, LN III. Complete renal remission.\n" + sg_block(labs(upcr=0.21))
     + "\nSLEDAI-2K 8 (serology). Lansky 100. CD19 10%."),
], birth_date="2013-05-05", sex="F", nct={"refractory": "not_met"}, ho={"upcr": "not_met"})

# ---- X024 Vietnam, CD19 depleted after RTX in June 2026
patient("X024")
add("X024", "cd19_depleted", [
    ("2025-01-20", "referral", "Ha Noi, 20/01/2025: 13 y/o boy, SLE (ANA 1:640), LN. PSL + CYC started January 2025, MMF from 07/2025."),
    ("2026-06-10", "infusion", "Infusion record 10/06/2026: rituximab 500 mg IV given, tolerated."),
    ("2026-08-01", "pathology", "Renal biopsy 01/08/2026: LN ISN/RPS class IV-G (A/C)."),
    ("2026-11-15", "clinic", "15/11/2026 OPD. 14 y/o boy, refractory LN IV.\n" + jp_block(labs(upcr=2.5))
     + "\nSLEDAI-2K 12. Lansky 80. Flow: CD19+ B cells 0% (depleted)."),
], nct={"cd19": "not_met"}, ho={"x_rtx": "met"})

# ---- X025 Thailand, ANC with G-CSF 6 days before; resolved IV-treated infection
patient("X025")
add("X025", "anc_gcsf", [
    ("2025-02-02", "clinic", "2 Feb 2025 13 y/o Thai girl, SLE (ANA 1:640), LN. Prednisolone + IVCY Feb 2025, then MMF."),
    ("2026-08-15", "pathology", "Renal biopsy 15 Aug 2026: LN class III (A/C) + V."),
    ("2026-09-20", "discharge", "Discharge 20-Sep-26: pneumonia treated with IV ceftriaxone 7 days, completed, resolved."),
    ("2026-10-30", "infusion", "Nursing record 30-Oct-26: filgrastim (G-CSF) 150 mcg SC given for neutropenia."),
    ("2026-11-05", "clinic", "5-Nov-26\n" + jp_block(labs(neut=1450, wbc=3300, lym=1310, upcr=1.8))
     + "\nSLEDAI-2K 10. Lansky 80. CD19 6%. Afebrile, no current infection."),
], birth_date="2011-09-09", sex="F", nct={"anc": "not_met"})

# ---- X026 Japan, age 5
patient("X026")
add("X026", "too_young", [
    ("2026-02-01", "clinic", "2026/02/01 SLE (ANA 1:1280) in a 4-year-old girl. PSL + MMF started 2026/02/01; "
     "MMF stopped for diarrhoea, TAC from 2026/03."),
    ("2026-08-01", "pathology", "2026/07/31 腎生検: LN class IV-G (A)."),
    ("2026-11-01", "progress", "2026/11/01\n" + jp_block(labs(upcr=2.2)) + "\nSLEDAI-2K 14. Lansky 80. CD19 20%."),
], birth_date="2021-04-01", sex="F", nct={"age": "not_met"}, ho={"age": "not_met"})

# ---- X027 Korea, Hb 5.8 g/dL
patient("X027")
add("X027", "hb_low", [
    ("2025-03-10", "clinic", "2025.03.10 P.I.) 14-year-old girl, SLE (ANA 1:640), LN. PSL + TAC 2025.03.10~."),
    ("2026-09-02", "pathology", "2026.09.01 Renal Bx: LN class IV-G (A) + V."),
    ("2026-11-09", "clinic", "2026.11.09 OPD\nAIHA flare.\nLab) " + kr_line(labs(hb=5.8, upcr=2.3))
     + "\nSLEDAI-2K 16. Lansky 60. CD19 15%."),
    ("2026-11-10", "nursing", "2026.11.10 간호기록 Nursing record\npRBC transfusion 200 mL over 3 h for AIHA, "
     "pre-Tx Hb 5.8 g/dL. No transfusion reaction. V/S stable."),
], birth_date="2010-11-30", sex="F", nct={"hb": "not_met"}, ho={"x_hb": "met"})

# ---- X028 Taiwan, SLEDAI 4
patient("X028")
add("X028", "sledai_low", [
    ("2025-04-01", "clinic", "114/04/01 OPD 12 y/o M, SLE (ANA 1:320), LN. PSL + MMF since 114/04."),
    ("2026-08-31", "pathology", "115/08/30 Renal biopsy: LN class III (A)."),
    ("2026-11-16", "clinic", "115/11/16 OPD\n" + jp_block(labs(upcr=1.2)) + "\nSLEDAI-2K 4. Lansky 90. CD19 7%."),
], birth_date="2012-08-08", sex="M", nct={"sledai": "not_met"})

# ---- X029 Malaysia, PICU: shock on noradrenaline, sepsis on IV meropenem, CRRT
patient("X029")
add("X029", "haemodynamic_instability", [
    ("2025-01-05", "clinic", "5-Jan-25 12 y/o girl, SLE (ANA 1:640), LN. Prednisolone + MMF from January 2025."),
    ("2026-07-10", "pathology", "HPE 10-Jul-26: LN class IV-G (A/C)."),
    ("2026-11-15", "discharge", "PICU summary 15-Nov-26\n14 y/o F, septic shock on noradrenaline, IV meropenem ongoing. "
     "CRRT started 12-Nov-26.\n" + sg_block(labs(upcr=3.5, cre=2.1, drop=("egfr",))) + "\nSLEDAI-2K 20. Lansky 30. CD19 9%."),
], birth_date="2012-04-04", sex="F", nct={"hemo": "not_met", "ecog": "not_met", "egfr": "unknown"},
    ho={"x_inf": "met", "x_dial": "met", "egfr": "unknown"})

# ---- X030 Japan, ANA 1:40 only; allogeneic HSCT history
patient("X030")
add("X030", "ana_low_hsct", [
    ("2025-02-02", "referral", "2025/02/02 Referral: 13-year-old boy, s/p allogeneic HSCT 2018 for aplastic anaemia. "
     "SLE diagnosed 2025/01 (ANA 1:40, anti-dsDNA +, anti-Sm +). PSL + MMF since 2025/02."),
    ("2026-09-10", "pathology", "2026/09/09 腎生検: LN ISN/RPS class IV-G (A)."),
    ("2026-11-10", "progress", "2026/11/10 SOAP\n" + jp_block(labs(upcr=2.0))
     + "\nSLEDAI-2K 12. Lansky 80. CD19 8%. ANA 1:40 (repeat)."),
], nct={"ana": "not_met"}, ho={"x_tx": "met"})


# ----------------------------------------------------------------------------- derivation
def nct_labels(p):
    lab = {k: "met" for k in NCT_KEYS}
    lab.update(NCT_MANUAL)
    lab.update(p["nct"])
    return lab


def ho_labels(p):
    lab = {k: "met" for k in HO_INCL}
    lab["consent"] = "manual"
    lab.update({k: "not_met" for k in HO_EXCL})
    lab.update(p["ho"])
    return lab


def status_of(labels: dict, excl: set) -> str:
    for k, s in labels.items():
        if (k in excl and s == "met") or (k not in excl and s == "not_met"):
            return "ineligible"
    for k, s in labels.items():
        if s == "manual":
            continue
        if (k in excl and s != "not_met") or (k not in excl and s != "met"):
            return "possible"
    return "eligible"


def relevance(status, labels, disease):
    if status == "eligible":
        return 3
    if status == "ineligible":
        return 0
    return 2 if all(labels[k] == "met" for k in disease) else 1


def age_at(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def main():
    notes, gold = [], []
    ids = set()
    for p in P:
        assert p["id"] not in ids, p["id"]
        ids.add(p["id"])
        for i, (date, ntype, text) in enumerate(p["notes"], 1):
            d = dt.date.fromisoformat(date)
            assert d < AS_OF, (p["id"], date)
            row = {"patient_id": p["id"], "note_id": f"{p['id']}-N{i}", "note_date": date,
                   "note_type": ntype, "text": text}
            if p["birth_date"]:
                row["birth_date"] = p["birth_date"]
                row["sex"] = p["sex"]
            notes.append(row)
        nl, hl = nct_labels(p), ho_labels(p)
        assert set(nl) == set(NCT_KEYS) and set(hl) == set(HO_KEYS), p["id"]
        assert all(v in {"met", "not_met", "unknown", "manual"} for v in [*nl.values(), *hl.values()])
        if p["birth_date"]:
            age = age_at(dt.date.fromisoformat(p["birth_date"]), AS_OF)
            assert nl["age"] == ("met" if 6 <= age <= 18 else "not_met"), (p["id"], age)
            assert hl["age"] == ("met" if 12 <= age <= 17 else "not_met"), (p["id"], age)
        ns = status_of(nl, set())
        hs = status_of(hl, set(HO_EXCL))
        gold.append({"trial": "NCT06904729", "patient_id": p["id"], "status": ns,
                     "relevance": relevance(ns, nl, ("sle", "biopsy", "refractory")),
                     "criteria": {k: nl[k] for k in NCT_KEYS}, "archetype": p["archetype"]})
        gold.append({"trial": "HO-LN-11", "patient_id": p["id"], "status": hs,
                     "relevance": relevance(hs, hl, ("sle", "biopsy", "upcr")),
                     "criteria": {k: hl[k] for k in HO_KEYS}, "archetype": p["archetype"]})
    assert len({n["note_id"] for n in notes}) == len(notes)
    assert len(P) >= 30 and len(notes) >= 100, (len(P), len(notes))
    with open(HERE / "notes.jsonl", "w", encoding="utf-8") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as f:
        for g in gold:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    print("patients", len(P), "notes", len(notes))
    for t in ("NCT06904729", "HO-LN-11"):
        print(t, dict(Counter(g["status"] for g in gold if g["trial"] == t)))


if __name__ == "__main__":
    main()
