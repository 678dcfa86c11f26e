"""Write hold-out 6 (notes.jsonl, gold.jsonl) deterministically.

Stdlib only. Note texts are hand-written below; lab blocks are rendered from one set of
values per collection by the small helpers. Criterion labels are hand-written per patient
(defaults + overrides); only the overall status and the relevance are derived, by
/work/shared/GUIDELINE.md ("Patient status", "Ranking").

Run:  python3 make_holdout6.py   (writes next to this file)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

AS_OF = dt.date(2026, 11, 20)
HERE = Path(__file__).resolve().parent

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
NCT_MANUAL_DEFAULT = {"venous", "consent", "hemo"}
HO_INCL = ["age", "sle", "biopsy", "upcr", "egfr", "anc", "alt", "weight", "consent"]
HO_EXCL = ["x_rtx", "x_cyc", "x_tb", "x_hiv", "x_preg", "x_tx", "x_plt"]
HO_KEYS = HO_INCL + HO_EXCL
STATUSES = {"met", "not_met", "unknown", "manual"}

# --------------------------------------------------------------------------- lab helpers

LIS_ROWS = [  # analyte key, printed test name, units, the lab's own reference range
    ("wbc", "WBC", "x10^9/L", "4.0-11.0"),
    ("neut", "NEUT#", "x10^9/L", "1.5-7.5"),
    ("lymph", "LYMPH#", "x10^9/L", "1.0-4.0"),
    ("hb", "HB", "g/L", "115-155"),
    ("plt", "PLT", "x10^9/L", "150-400"),
    ("creat", "CREATININE", "umol/L", "35-70"),
    ("egfr", "eGFR(SCHWARTZ)", "mL/min/1.73m2", ">90"),
    ("alt", "ALT", "U/L", "5-35"),
    ("ast", "AST", "U/L", "10-40"),
    ("bili", "BILIRUBIN TOTAL", "umol/L", "0-21"),
    ("inr", "INR", "", "0.8-1.2"),
    ("pt", "PT", "sec", "10.5-13.5"),
    ("upcr", "URINE PROT:CREAT", "mg/mmol", "0-20"),
]


def _flag(value: float, ref: str) -> str:
    if ref.startswith(">"):
        return "L" if value < float(ref[1:]) else ""
    if ref.startswith("<"):
        return "H" if value > float(ref[1:]) else ""
    low, high = (float(part) for part in ref.split("-"))
    return "H" if value > high else ("L" if value < low else "")


def _fmt(value) -> str:
    return "----" if value is None else str(value)


def lis(lab: str, mrn: str, loc: str, stamps: list[str], cols: list[dict],
        refs: dict | None = None, units: dict | None = None) -> str:
    """A fixed-width cumulative LIS export: RESULT/FLAG for the first collection, then the
    two earlier collections side by side. stamps are 'dd/mm/yyyy hh:mm' per column."""
    refs = refs or {}
    units = units or {}
    dates = [s.split()[0] for s in stamps]
    lines = [
        "=" * 96,
        f" {lab:<60}PATHOLOGY LIS - CUMULATIVE REPORT",
        f" HOSP NO: {mrn:<12} LOCATION: {loc:<22} REQ CLINICIAN: PAED RENAL",
        f" COLLECTED: {stamps[0]}   RECEIVED: {stamps[0][:10]}   STATUS: FINAL",
        f" CUMULATIVE: {dates[0]} (this request) | {' | '.join(dates[1:])}",
        "-" * 96,
        f" {'TEST':<18}{'RESULT':>8}  {'FLAG':<5}{'UNITS':<15}{'REF RANGE':<12}"
        + "".join(f"{d:>13}" for d in dates[1:]),
        "-" * 96,
    ]
    for key, name, unit, ref in LIS_ROWS:
        values = [c.get(key) for c in cols]
        if all(v is None for v in values):
            continue
        ref = refs.get(key, ref)
        unit = units.get(key, unit)
        current = values[0]
        flag = "" if current is None else _flag(float(current), ref)
        lines.append(
            f" {name:<18}{_fmt(current):>8}  {flag:<5}{unit:<15}{ref:<12}"
            + "".join(f"{_fmt(v):>13}" for v in values[1:])
        )
    lines += ["-" * 96, " *** END OF REPORT ***"]
    return "\n".join(lines)


def csv_labs(header: str, rows: list[tuple]) -> str:
    """CSV-like lab lines: date,test,value,unit,ref."""
    out = [header, "date,test,value,unit,ref"]
    for row in rows:
        out.append(",".join(str(x) for x in row))
    return "\n".join(out)


# --------------------------------------------------------------------------- patients

PATIENTS: list[dict] = []


def patient(pid: str, archetype: str, notes: list[tuple], nct: dict | None = None,
            ho: dict | None = None, ho_archetype: str | None = None,
            birth_date: str | None = None, sex: str | None = None) -> None:
    PATIENTS.append({
        "id": pid, "archetype": archetype, "ho_archetype": ho_archetype or archetype,
        "notes": notes, "nct": nct or {}, "ho": ho or {}, "birth_date": birth_date, "sex": sex,
    })

# ===================================================================== eligible (NCT)

# W001: a clean eligible patient from a London paediatric renal service (structured demographics).
patient("W001", "eligible", birth_date="2012-04-03", sex="F", notes=[
    ("2026-07-16", "pathology", """HISTOPATHOLOGY REPORT - RENAL
Specimen: native kidney, left, US-guided core biopsy x2. Procedure date 14/07/2026.
Light microscopy: 26 glomeruli, 2 globally sclerosed. Diffuse endocapillary proliferation in 17/26
glomeruli, wire loops, 3 cellular crescents. IF full house (IgG, IgA, IgM, C3, C1q).
CONCLUSION: Lupus nephritis, ISN/RPS 2018 class IV (diffuse), active lesions.
NIH activity index 11/24, chronicity index 2/12.
Reported by: Dr O. Adeyemi, consultant renal pathologist."""),
    ("2026-10-21", "pharmacy", """PHARMACY DISPENSING RECORD - OUTPATIENT
Dispensed 21/10/2026 (28 days supply)
- Prednisolone 5 mg EC tablets: 20 mg once daily (on prednisolone since 08/2025)
- Cellcept (mycophenolate mofetil) 500 mg tablets: 1 g twice daily (started 09/2025)
- Plaquenil (hydroxychloroquine) 200 mg: once daily
- Calcichew D3: one tablet twice daily
Previous: Endoxan (cyclophosphamide) IV Euro-Lupus course, 6 doses, last dose 10/12/2025.
Counselled on sun protection. Checked by: MA (pharmacist)."""),
    ("2026-11-04", "lab_report", lis(
        "SOUTH THAMES PAEDIATRIC PATHOLOGY", "RJ7-118204", "PAED RENAL OPD",
        ["03/11/2026 09:41", "13/10/2026 10:05", "15/09/2026 09:12"],
        [dict(wbc=6.1, neut=4.0, lymph=1.3, hb=108, plt=231, creat=61, egfr=88, alt=24, ast=30,
              bili=6, inr=1.0, pt=11.8, upcr=205),
         dict(wbc=5.4, neut=3.6, lymph=1.1, hb=104, plt=219, creat=63, alt=22, ast=28, bili=7,
              upcr=232),
         dict(wbc=7.0, neut=5.2, lymph=1.0, hb=101, plt=240, creat=66, upcr=260)])),
    ("2026-11-06", "mdt", """PAEDIATRIC LUPUS MDT - MINUTES 06/11/2026
Present: paed nephrology, paed rheumatology, renal pathology, pharmacy, CNS.
Case: 14F, SLE with lupus nephritis class IV (biopsy 14/07/2026).
Rx history: pred since Aug 2025; MMF (Cellcept) since Sep 2025; Euro-Lupus IV cyclophosphamide x6 completed Dec 2025.
Renal: UPCR 205 mg/mmol on 03/11/2026 - no remission despite >12 months combined therapy.
Disease activity: SLEDAI-2K 14 today (proteinuria, low complement, raised dsDNA, rash).
Flow cytometry 03/11/2026: CD19+ B cells 12% of lymphocytes (156 cells/uL).
Serology: ANA 1:640 speckled (Oct 2025). HIV, HBsAg, HCV negative 2025.
Function: Lansky 80. Weight 47.5 kg.
Outcome: refractory LN - refer for CAR-T / novel agent trial screening. Family keen to discuss."""),
])

# W002: Lagos; age only in a dictated letter; rituximab 4 months ago (B cells back at 2%).
patient("W002", "eligible_post_rituximab_cd19_back", ho={"x_rtx": "met"},
        ho_archetype="rituximab_washout", notes=[
    ("2026-03-10", "referral", """GENERAL HOSPITAL, IKORODU - DEPARTMENT OF PAEDIATRICS
10th March 2026
To: The Consultant Paediatric Nephrologist, LUTH, Idi-Araba
Dear Sir/Ma,
RE: F.A. (female), hospital no. GHI/PAED/2291
Kindly see this girl whom we diagnosed with systemic lupus erythematosus in October 2025
(malar rash, arthritis, pancytopenia, ANA 1:320 homogeneous, low C3).
She was commenced on oral prednisolone 2 mg/kg on 12/10/2025 and mycophenolate mofetil
(Cellcept) 600 mg/m2 twice daily from 03/11/2025. Despite this she has persistent frothy
urine and leg swelling. Urine dipstick protein 3+.
No known TB contact. Thank you for your kind help.
Yours faithfully, Dr B. Okonkwo, Medical Officer"""),
    ("2026-07-02", "pathology", """LUTH HISTOPATHOLOGY - RENAL BIOPSY
Date of biopsy: 30/06/2026
Diagnosis: focal proliferative lupus nephritis, ISN/RPS class III (A/C).
9 of 21 glomeruli show segmental endocapillary proliferation; 2 fibrocellular crescents.
No membranous component. Activity 7/24, chronicity 3/12."""),
    ("2026-07-29", "pharmacy", """LUTH PHARMACY - DAY CASE DISPENSING
29/07/2026  MABTHERA (rituximab) 500 mg IV infusion - dose 2 of 2 given (dose 1 on 22/07/2026).
Premedication: paracetamol, chlorphenamine, hydrocortisone. No infusion reaction."""),
    ("2026-10-14", "dictation", """this is doctor Adebayo dictating a clinic letter for F A hospital number G H I paed two two nine one full stop
new paragraph she is a thirteen year old girl with S L E and class three lupus nephritis on biopsy of thirtieth June twenty twenty six full stop
she remains on pred nisolone ten milligrams daily and my co phenolate six hundred milligrams twice daily comma she had two doses of rituximab in July full stop
urine is still frothy and U P C R today one point nine grams per gram comma so no remission full stop
sledai two K score twelve today full stop
lansky play performance score eighty full stop weight thirty eight kilograms full stop
no history of TB full stop H I V screening non reactive full stop
plan discuss at M D T regarding trial options full stop thank you"""),
    ("2026-10-16", "lab_report", """CLINA-LANCET LABORATORIES, VICTORIA ISLAND (private)  Report date: 16/10/2026
Sample collected: 16/10/2026 08:20
Haemoglobin          10.6   g/dL     (11.5-15.5)  L
WBC                  5,200  /mm3     (4,000-11,000)
Neutrophils (abs)    3,100  /mm3
Lymphocytes (abs)    1,400  /mm3
Platelets            198,000 /mm3    (150,000-400,000)
Creatinine           0.72   mg/dL    (0.5-1.0)
eGFR (bedside Schwartz) 96 mL/min/1.73m2
ALT (SGPT)           19     U/L      (0-40)
AST (SGOT)           27     U/L      (0-40)
Total bilirubin      0.6    mg/dL    (0.2-1.2)
Prothrombin time     12.9   sec      (11.0-14.0)
INR                  1.07            (0.8-1.2)
LYMPHOCYTE SUBSETS (flow cytometry): CD3 78%, CD4 41%, CD8 33%,
CD19+ B cells 2.1% (29 cells/uL) - early B-cell reconstitution post rituximab; CD16+56 14%."""),
])

# W003: Kenya; treated TB in 2023, HIV/HBsAg negative; 24-h protein; Karnofsky at 16.
patient("W003", "eligible_treated_tb", birth_date="2010-02-11", sex="M", notes=[
    ("2025-08-20", "referral", """JARAMOGI OGINGA ODINGA TEACHING & REFERRAL HOSPITAL, KISUMU
Paediatric Department - referral note, 20/08/2025
To: Paediatric Nephrology Unit, Kenyatta National Hospital
Re: J.O., male, IP no. 44810
Diagnosed systemic lupus erythematosus with lupus nephritis in 04/2025 (ANA 1:1280, anti-dsDNA
positive, nephrotic-range proteinuria). Started prednisolone 04/2025 and mycophenolate mofetil 05/2025.
Past history: pulmonary TB 2023, completed 6 months RHZE, declared cured 11/2023.
HIV test negative (06/2025). HBsAg negative. Sickle screen HbAA.
Referred for renal biopsy and specialist care."""),
    ("2026-08-25", "pathology", """KNH RENAL PATHOLOGY
Biopsy taken 20/08/2026 (repeat biopsy for persistent proteinuria).
Lupus nephritis ISN/RPS class IV + V: diffuse proliferative with membranous component.
Activity index 8/24, chronicity index 3/12."""),
    ("2026-10-30", "ward_round", """WARD ROUND - PAEDIATRIC RENAL (KNH) 30/10/2026
S: Admitted for review of ongoing proteinuria. No fevers, no cough, no night sweats.
O: Wt 54 kg, Ht 168 cm. BP 132/84. Mild pedal oedema. Karnofsky 80.
A: Refractory lupus nephritis class IV+V. On MMF 1 g BD, Prograf (tacrolimus) since 03/2026,
   prednisolone 15 mg. 24h urine protein 1.8 g/24h (29/10/2026). SLEDAI-2K 10.
P: Lymphocyte subsets sent. Discuss trial referral. Continue current therapy."""),
    ("2026-10-31", "lab_report", csv_labs("KNH LABORATORY - CSV EXPORT (collected 29/10/2026)", [
        ("2026-10-29", "WBC", 7.4, "x10^9/L", "4.0-11.0"),
        ("2026-10-29", "NEUT", 5.1, "x10^9/L", "2.0-7.5"),
        ("2026-10-29", "LYMPH", 1.6, "x10^9/L", "1.0-4.0"),
        ("2026-10-29", "HB", 131, "g/L", "130-170"),
        ("2026-10-29", "PLT", 264, "x10^9/L", "150-400"),
        ("2026-10-29", "CREAT", 88, "umol/L", "60-110"),
        ("2026-10-29", "EGFR_SCHWARTZ", 70, "mL/min/1.73m2", ""),
        ("2026-10-29", "ALT", 33, "U/L", "0-45"),
        ("2026-10-29", "AST", 29, "U/L", "0-40"),
        ("2026-10-29", "TBIL", 9, "umol/L", "3-21"),
        ("2026-10-29", "INR", 1.1, "", "0.8-1.2"),
        ("2026-10-29", "PT", 13.0, "s", "11.0-14.5"),
        ("2026-10-29", "24H_URINE_PROTEIN", 1.8, "g/24h", "<0.15"),
        ("2026-10-30", "FLOW_CD19_B_CELLS", "14.2% (227 cells/uL)", "", ""),
    ])),
])

# W004: Korle Bu, Accra; age as "11 yo"; CSV lab lines with no platelet count.
patient("W004", "eligible_no_platelets", ho={"x_plt": "unknown"},
        ho_archetype="platelets_never_done", notes=[
    ("2026-09-04", "pathology", """KORLE BU TEACHING HOSPITAL - DEPARTMENT OF PATHOLOGY
Renal biopsy. Date of procedure: 02/09/2026.
Diagnosis: Lupus nephritis, ISN/RPS class IV-S (A). 14 glomeruli, 9 with segmental proliferation."""),
    ("2026-09-20", "ward_round", """PAEDS RENAL WARD ROUND 20/09/2026
S: 11 yo F with SLE and lupus nephritis, less puffy, eating well.
O: Weight 33 kg. BP 118/76. Lansky 70.
A: Active class IV LN. Treatment so far: prednisolone since April 2025; NIH IV cyclophosphamide
   monthly x6 (May-Oct 2025); MMF since Nov 2025. UPCR 130 mg/mmol. SLEDAI-2K 16.
P: Repeat bloods in 2-3 weeks. Flow cytometry requested. HIV non-reactive at diagnosis (2025)."""),
    ("2026-10-08", "lab_report", csv_labs("KBTH CHEMICAL PATHOLOGY / HAEMATOLOGY - result lines", [
        ("08/10/2026", "WBC", 4.9, "x10^9/L", "4.0-12.0"),
        ("08/10/2026", "Neutrophils", 2.6, "x10^9/L", "1.5-8.0"),
        ("08/10/2026", "Lymphocytes", 1.5, "x10^9/L", "1.0-5.0"),
        ("08/10/2026", "Haemoglobin", 99, "g/L", "115-145"),
        ("08/10/2026", "Creatinine", 52, "umol/L", "30-60"),
        ("08/10/2026", "eGFR (bedside Schwartz)", 99, "mL/min/1.73m2", ""),
        ("08/10/2026", "ALT", 18, "U/L", "0-40"),
        ("08/10/2026", "AST", 25, "U/L", "0-40"),
        ("08/10/2026", "Bilirubin total", 5, "umol/L", "0-21"),
        ("08/10/2026", "INR", 1.0, "", "0.8-1.2"),
        ("08/10/2026", "PT", 12.4, "s", "11-14"),
        ("08/10/2026", "UPCR", 126, "mg/mmol", "<20"),
    ])),
    ("2026-10-10", "lab_report", """KBTH IMMUNOLOGY - LYMPHOCYTE SUBSET (flow cytometry), collected 08/10/2026
CD3+ T cells 70%; CD4+ 38%; CD8+ 29%; CD19+ B cells 18% (270 cells/uL); NK 9%.
Stored serology: ANA 1:160 (HEp-2), anti-dsDNA 210 IU/mL (2025)."""),
])

# W005: Birmingham; on Euro-Lupus Endoxan now (doses in the last 12 weeks).
patient("W005", "eligible_cyc_ongoing", birth_date="2013-08-19", sex="F", ho={"x_cyc": "met"},
        ho_archetype="cyclophosphamide_washout", notes=[
    ("2026-10-06", "pathology", """BIRMINGHAM CHILDREN'S - CELLULAR PATHOLOGY
Needle core renal biopsy, 05/10/2026.
Lupus nephritis ISN/RPS class IV (A/C) with superimposed class V (membranous) - i.e. IV + V.
NIH AI 10/24, CI 2/12."""),
    ("2026-11-13", "pharmacy", """PAEDIATRIC ONCOLOGY/RENAL DAY UNIT - CHEMOTHERAPY & IMMUNOSUPPRESSION DISPENSING
Endoxan (cyclophosphamide) 500 mg IV, Euro-Lupus protocol:
  dose 1 given 16/10/2026; dose 2 given 30/10/2026; dose 3 given 13/11/2026; doses 4-6 to follow.
Mesna not required at this dose. Ondansetron PRN.
Current oral meds: prednisolone 15 mg OD (since 12/2025); Plaquenil 200 mg OD.
Cellcept (mycophenolate) 750 mg BD Jan 2026 - Oct 2026, STOPPED 12/10/2026 on switch to cyclophosphamide."""),
    ("2026-11-13", "lab_report", lis(
        "BIRMINGHAM CHILDREN'S PATHOLOGY", "BCH-5520917", "RENAL DAY UNIT",
        ["13/11/2026 08:55", "30/10/2026 09:10", "16/10/2026 08:40"],
        [dict(wbc=5.0, neut=3.3, lymph=1.1, hb=112, plt=205, creat=57, egfr=94, alt=20, ast=26,
              bili=8, inr=1.1, pt=12.2, upcr=240),
         dict(wbc=6.6, neut=4.9, lymph=1.0, hb=109, plt=244, creat=60, upcr=255),
         dict(wbc=7.9, neut=6.0, lymph=1.2, hb=106, plt=260, creat=62, alt=17, ast=24, bili=7,
              inr=1.0, pt=11.9, upcr=290)])),
    ("2026-11-13", "mdt", """REGIONAL PAEDIATRIC LUPUS MDT 13/11/2026 - minutes (one line per item)
- 13F, SLE (2019 EULAR/ACR), LN class IV+V biopsy 05/10/2026.
- Pred since Dec 2025 + MMF Jan-Oct 2026: non-response, UPCR 240 mg/mmol today; now Euro-Lupus Endoxan (3 of 6 given).
- SLEDAI-2K 18 (renal + serology + alopecia). ANA 1:2560 homogeneous.
- Flow 13/11/2026: CD19 B cells 9% of lymphocytes.
- Lansky 90. Wt 44 kg. Urine beta-hCG negative 13/11/2026.
- Action: add to trial screening list; family given PIS."""),
])

# W006: Manchester transition clinic; 18 at screening (structured DOB) - inside 6-18, outside 10-17.
patient("W006", "eligible_age_18", birth_date="2008-05-02", sex="M", ho={"age": "not_met"},
        ho_archetype="age_over_17", notes=[
    ("2026-06-12", "letter", """ROYAL MANCHESTER CHILDREN'S HOSPITAL - PAEDIATRIC NEPHROLOGY (transition clinic)
Clinic date 12/06/2026
Diagnosis: SLE (2023) with lupus nephritis. Repeat renal biopsy 03/06/2026: ISN/RPS class III (A) + V.
Medication: prednisolone (since 11/2024), Advagraf (tacrolimus) since 02/2025, hydroxychloroquine.
ANA 1:160, anti-dsDNA 96 IU/mL, C3 0.62.
Plan: continue tacrolimus; consider adding MMF if proteinuria persists (not started)."""),
    ("2026-10-22", "ward_round", """SOAP - renal day case review 22/10/2026
S: Tired, ankles swollen in the evenings. Adherent per pill count.
O: Wt 71 kg, Ht 178 cm, BP 128/80. Karnofsky 90.
A: Class III+V LN, persistent proteinuria (UPCR 1.4 g/g), SLEDAI-2K 8.
P: Flow cytometry and bloods today. Trial discussion next visit."""),
    ("2026-10-22", "lab_report", lis(
        "MFT PATHOLOGY (PAEDIATRIC)", "RBS-330841", "TRANSITION CLINIC",
        ["22/10/2026 11:02", "03/09/2026 10:30", "11/06/2026 09:45"],
        [dict(wbc=6.8, neut=4.5, lymph=1.5, hb=132, plt=277, creat=84, egfr=77, alt=31, ast=27,
              bili=11, inr=1.0, pt=11.6, upcr=158),
         dict(wbc=7.1, neut=4.8, lymph=1.6, hb=130, plt=250, creat=86, alt=29, ast=25, bili=10,
              upcr=171),
         dict(wbc=8.2, neut=5.9, lymph=1.4, hb=127, plt=301, creat=90, upcr=203)],
        refs={"creat": "60-110", "hb": "130-170", "alt": "0-50"})),
    ("2026-10-25", "lab_report", """FLOW CYTOMETRY - LYMPHOCYTE SUBSETS (collected 22/10/2026)
CD3 74% | CD4 45% | CD8 27% | CD19 B cells 13% (195 /uL) | CD16/56 NK 10%"""),
])

# W007: Soweto; DOB only inside a note; eGFR 38 - above 30, below 45.
patient("W007", "eligible_egfr_38", ho={"egfr": "not_met"}, ho_archetype="egfr_below_45", notes=[
    ("2026-04-15", "referral", """ST AIDAN'S DISTRICT HOSPITAL, EASTERN CAPE - REFERRAL LETTER 15/04/2026
To: Paediatric Nephrology, Chris Hani Baragwanath Academic Hospital
Patient: N.M., DOB 22/01/2012, female.
SLE diagnosed 03/2025 (ANA 1:320, low C3/C4, proteinuria). Treated with prednisone from 03/2025 and
IV cyclophosphamide monthly (NIH) Mar 2025 - Aug 2025, then mycophenolate mofetil from 09/2025.
HIV ELISA negative 03/2025. No TB contacts. Creatinine rising - please review urgently."""),
    ("2026-08-28", "pathology", """NHLS ANATOMICAL PATHOLOGY - RENAL BIOPSY REPORT
Biopsy date 27/08/2026. Diffuse proliferative lupus nephritis (ISN/RPS class IV), with moderate
chronicity (CI 5/12, AI 9/24). Interstitial fibrosis ~25%."""),
    ("2026-11-09", "ward_round", """WARD 30 PAEDS RENAL - SOAP 09/11/2026
S: No new complaints. Mom at bedside.
O: Wt 36 kg. Ht 148 cm. BP 134/88. Lansky 70.
A: Refractory class IV LN - no response to CYC then MMF, UPCR 3.1 g/g. SLEDAI-2K 20.
   eGFR (bedside Schwartz) 38 mL/min/1.73m2 - CKD stage 3b.
P: Bloods/flow done today; present at MDT."""),
    ("2026-11-09", "lab_report", lis(
        "NHLS CHBAH", "CH-7729013", "WARD 30",
        ["09/11/2026 07:30", "12/10/2026 08:00", "14/09/2026 07:50"],
        [dict(wbc=5.9, neut=3.9, lymph=1.2, hb=96, plt=188, creat=142, egfr=38, alt=16, ast=22,
              bili=4, inr=1.1, pt=12.8, upcr=350),
         dict(wbc=6.3, neut=4.4, lymph=1.1, hb=98, plt=201, creat=136, upcr=362),
         dict(wbc=5.1, neut=3.2, lymph=1.2, hb=94, plt=176, creat=131, upcr=401)])),
    ("2026-11-10", "lab_report", """NHLS FLOW CYTOMETRY, collected 09/11/2026
CD19+ B lymphocytes: 15% (180 cells/uL). CD3+ 72%. CD4/CD8 1.3."""),
])

# W008: Abuja; no stated eGFR (Schwartz from height + creatinine); ALT 2.4 x the lab's ULN.
patient("W008", "eligible_computed_egfr", birth_date="2011-11-30", sex="F", ho={"alt": "not_met"},
        ho_archetype="alt_over_2x_lab_uln", notes=[
    ("2026-08-03", "pathology", """NATIONAL HOSPITAL ABUJA - HISTOPATHOLOGY
Renal biopsy 01/08/2026: lupus nephritis class IV-G (A), ISN/RPS. 11/18 glomeruli with global
endocapillary hypercellularity. No chronic lesions of note."""),
    ("2026-09-15", "ward_round", """SOAP 15/09/2026 - paediatric nephrology clinic
S: SLE with class IV LN, on prednisolone since 06/2025 and Myfortic (mycophenolate sodium) since 07/2025.
O: Ht 148 cm, Wt 41 kg. BP 120/78.
A: Persistent proteinuria.
P: Bloods at next visit. Height recorded for Schwartz."""),
    ("2026-11-05", "lab_report", lis(
        "NATIONAL HOSPITAL ABUJA - CHEMICAL PATHOLOGY", "NHA-06-2231", "PAED OPD",
        ["05/11/2026 08:15", "02/10/2026 08:40", "04/08/2026 09:00"],
        [dict(wbc=6.2, neut=3.8, lymph=1.7, hb=115, plt=215, creat=64, alt=84, ast=52, bili=9,
              inr=1.0, pt=12.1, upcr=160),
         dict(wbc=5.9, neut=3.4, lymph=1.6, hb=112, creat=66, alt=61, ast=44, upcr=181),
         dict(wbc=7.3, neut=5.0, lymph=1.4, hb=104, creat=70, alt=30, ast=33, upcr=240)])),
    ("2026-11-06", "dictation", """dictation for the paediatric nephrology file date sixth of November twenty twenty six full stop
fourteen year old girl with lupus nephritis class four on biopsy first of August full stop
she remains on pred nisolone and my fortic comma proteinuria is not in remission with U P C R one hundred and sixty milligrams per millimole full stop
sledai two K fourteen full stop lansky eighty full stop
flow today showed CD nineteen B cells present at eight percent full stop
A N A one in six hundred and forty on previous testing full stop
liver enzymes mildly up comma A L T eighty four comma no myositis comma no new drugs full stop
plan trial referral full stop"""),
])

# W009: Leeds; age as "15-year-old"; Gilbert syndrome (bilirubin 2.1 x ULN allowed); HbAS.
patient("W009", "eligible_gilbert", sex=None, notes=[
    ("2026-06-25", "pathology", """AIREDALE DGH CELLULAR PATHOLOGY - renal biopsy 24/06/2026 (reported 25/06/2026)
Lupus nephritis, ISN/RPS class III (A). 5/19 glomeruli with segmental endocapillary proliferation."""),
    ("2026-10-08", "letter", """LEEDS CHILDREN'S HOSPITAL - PAEDIATRIC RHEUMATOLOGY/NEPHROLOGY CLINIC 08/10/2026
Dear Dr Osei,
I reviewed this 15-year-old boy of Ghanaian heritage with SLE and class III lupus nephritis.
Background: sickle cell trait (HbAS); known Gilbert syndrome (UGT1A1 genotyped 2022).
Treatment: prednisolone since Feb 2025, mycophenolate (Cellcept) since Mar 2025, tacrolimus added Jul 2026.
Proteinuria persists (UPCR 150 mg/mmol) - not in remission. SLEDAI-2K 12.
ANA 1:640 at diagnosis. Lansky 90. Weight 58 kg. His father has hepatitis B; his own HBsAg is negative.
Plan: flow cytometry and full bloods before trial discussion."""),
    ("2026-11-02", "lab_report", lis(
        "LEEDS TEACHING HOSPITALS - BLOOD SCIENCES", "LTH-K88120", "PAED RENAL OPD",
        ["02/11/2026 10:20", "07/10/2026 09:55", "26/08/2026 10:05"],
        [dict(wbc=6.6, neut=4.1, lymph=1.6, hb=121, plt=288, creat=70, egfr=86, alt=26, ast=29,
              bili=45, inr=1.0, pt=12.0, upcr=138),
         dict(wbc=6.1, neut=3.9, lymph=1.4, hb=119, plt=270, creat=72, bili=39, upcr=150),
         dict(wbc=5.7, neut=3.5, lymph=1.3, hb=117, plt=259, creat=75, bili=41, upcr=171)])),
    ("2026-11-03", "lab_report", """LTH FLOW CYTOMETRY REPORT - collected 02/11/2026
Lymphocyte subsets: CD19+ B cells 10% (160 cells/microL). T and NK subsets within range."""),
])

# W010: Nairobi private hospital; boundary values; inflammatory myositis explains ALT/AST.
patient("W010", "eligible_boundaries_myositis", birth_date="2015-03-10", sex="F",
        nct={"alt": "manual", "ast": "manual"}, ho={"anc": "not_met", "alt": "not_met"},
        ho_archetype="anc_and_alt_fail", notes=[
    ("2026-09-19", "pathology", """PARKLANDS PRIVATE HOSPITAL, NAIROBI - HISTOPATHOLOGY
Kidney biopsy 18/09/2026: lupus nephritis ISN/RPS class IV, active (AI 12/24, CI 1/12)."""),
    ("2026-11-11", "mdt", """PAEDS RHEUM/RENAL MDT 11/11/2026
* 11F SLE (2025) - overlap with inflammatory myositis (proximal weakness, CK 5400 U/L, MRI thigh oedema 10/2026).
* LN class IV on biopsy 18/09/2026; pred since 01/11/2025, tacrolimus since 01/2026 -> UPCR 2.4 g/g today, non-responder.
* SLEDAI-2K 22. ANA 1:80 speckled (only titre ever done), anti-Sm positive.
* Transaminases raised from the myositis, not liver: ALT 190, AST 240.
* Lansky 50 (wheelchair for distances). Weight 30 kg.
* Flow 11/11/2026: CD19+ 21%.
* Plan: IVIG for myositis; trial referral."""),
    ("2026-11-11", "lab_report", """PARKLANDS PRIVATE HOSPITAL LABORATORY - collected 11/11/2026 07:45
TEST                 RESULT  FLAG  UNITS      REF RANGE
WBC                  3.0     L     x10^9/L    4.0-11.0
NEUTROPHILS          1.2     L     x10^9/L    1.5-7.0
LYMPHOCYTES          1.0           x10^9/L    1.0-4.0
HAEMOGLOBIN          62      L     g/L        115-150
PLATELETS            160           x10^9/L    150-400
CREATININE           48            umol/L     30-60
eGFR (Schwartz)      95            mL/min/1.73m2
ALT                  190     H     U/L        0-40
AST                  240     H     U/L        0-40
CK                   5400    H     U/L        0-170
BILIRUBIN TOTAL      8             umol/L     0-21
INR                  1.1           ratio      0.8-1.2
PT                   12.5          s          11.0-13.5
UPCR                 2.4     H     g/g        <0.2"""),
])

# ===================================================================== possible (NCT)

# W011: London; the newest LIS column has only creatinine and UPCR; full bloods only in July (stale).
patient("W011", "stale_labs", birth_date="2012-12-01", sex="M",
        nct={k: "unknown" for k in ("lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "inr", "pt")},
        ho={"anc": "unknown", "alt": "unknown", "x_plt": "unknown"}, notes=[
    ("2026-07-03", "pathology", """THAMESIDE CHILDREN'S RENAL PATHOLOGY, LONDON
Renal biopsy 01/07/2026: lupus nephritis ISN/RPS class IV-S (A). AI 9/24, CI 1/12."""),
    ("2026-10-28", "lab_report", lis(
        "NORTH LONDON PATHOLOGY PARTNERSHIP", "NLP-4410276", "PAED RENAL OPD",
        ["28/10/2026 09:30", "10/07/2026 10:10", "02/06/2026 09:00"],
        [dict(creat=58, upcr=176),
         dict(wbc=5.5, neut=3.6, lymph=1.3, hb=113, plt=240, creat=61, alt=21, ast=25, bili=6,
              inr=1.0, pt=11.9, upcr=230),
         dict(wbc=6.0, neut=4.1, lymph=1.2, hb=109, plt=262, creat=65, alt=19, ast=23, bili=7,
              inr=1.1, pt=12.3, upcr=301)])),
    ("2026-10-28", "ward_round", """SOAP - paediatric nephrology clinic 28/10/2026
S: 13M with SLE and class IV LN (biopsy 01/07/2026). Well. Occasional headaches.
O: Ht 158 cm, Wt 45 kg. BP 116/72. Lansky 90.
A: Prednisolone since 03/2025, MMF since 04/2025, tacrolimus added 06/2026 - UPCR still 176 mg/mmol,
   no remission. SLEDAI-2K 12. ANA 1:320 (2025).
   FBC, LFT and clotting sample haemolysed today - not processed; last full bloods July.
   Flow cytometry today: CD19+ B cells 11% (150/uL).
P: Repeat FBC/LFT/coag at next visit before trial screening."""),
])

# W012: Kumasi; class IV biopsy in February (279 days: outside 183, inside 365).
patient("W012", "old_biopsy_279d", nct={"biopsy": "unknown"}, ho_archetype="eligible_biopsy_within_12m",
        notes=[
    ("2026-02-16", "pathology", """KOMFO ANOKYE TEACHING HOSPITAL - PATHOLOGY
Renal biopsy performed 14/02/2026.
Diagnosis: lupus nephritis ISN/RPS class IV-G (A/C); 6 cellular crescents in 22 glomeruli."""),
    ("2026-11-03", "dictation", """this is doctor Mensah dictating for the renal clinic today third November twenty twenty six full stop
twelve year old boy with S L E and class for lupus nephritis on the February biopsy full stop no repeat biopsy has been done since comma repeat biopsy to be discussed full stop
on pred nisolone since March twenty twenty five and my co phenolate since May twenty twenty five comma still nephrotic with U P C R two point two grams per gram full stop
sledai two K sixteen full stop lansky ninety full stop weight forty kilograms full stop
he completed isoniazid preventive therapy in twenty twenty four after his uncle had TB comma no active TB full stop H I V negative last month full stop
no transplant history full stop bloods today see lab"""),
    ("2026-11-03", "lab_report", lis(
        "KATH CLINICAL LABORATORY", "KATH-26-00871", "PAEDS RENAL CLINIC",
        ["03/11/2026 08:05", "06/10/2026 08:20", "01/09/2026 08:30"],
        [dict(wbc=6.9, neut=4.4, lymph=1.8, hb=110, plt=230, creat=55, egfr=101, alt=17, ast=22,
              bili=5, inr=1.0, pt=12.0, upcr=250),
         dict(wbc=7.2, neut=4.9, lymph=1.6, hb=108, plt=251, creat=57, upcr=262),
         dict(wbc=6.4, neut=4.0, lymph=1.7, hb=104, plt=238, creat=60, upcr=281)])),
    ("2026-11-05", "lab_report", """KATH IMMUNOLOGY - collected 03/11/2026
Lymphocyte subsets by flow cytometry: CD19+ B cells 17% (306 cells/uL).
ANA (IIF, HEp-2): positive 1:640, homogeneous pattern."""),
])

# W013: Durban; old class II (2023) superseded by class IV (Aug 2026); CD19 flow never done.
patient("W013", "no_cd19_flow", birth_date="2009-09-09", sex="F", nct={"cd19": "unknown"},
        ho_archetype="eligible_repeat_biopsy", notes=[
    ("2023-05-18", "pathology", """IALCH ANATOMICAL PATHOLOGY - renal biopsy 16/05/2023
Lupus nephritis ISN/RPS class II (mesangial proliferative). No endocapillary proliferation."""),
    ("2026-08-27", "pathology", """IALCH ANATOMICAL PATHOLOGY - repeat renal biopsy 25/08/2026
Lupus nephritis ISN/RPS class IV-G (A): transformation from the class II lesion of 2023."""),
    ("2026-10-27", "letter", """INKOSI ALBERT LUTHULI CENTRAL HOSPITAL - PAEDIATRIC NEPHROLOGY, 27/10/2026
Dear colleague,
Our patient with SLE, now class IV lupus nephritis (repeat biopsy 25/08/2026).
Treatment: prednisone since 2023, mycophenolate mofetil since 01/2025; UPCR 150 mg/mmol today - not in remission.
SLEDAI-2K 11. Karnofsky 80. Weight 55 kg. ANA 1:640.
Her mother is HIV positive (PMTCT); she herself tested HIV negative on a rapid test 10/2026.
Urine pregnancy test negative 27/10/2026.
Flow cytometry for B-cell subsets is not available in our laboratory and has not been done.
Kindly consider her for a clinical trial."""),
    ("2026-10-27", "lab_report", lis(
        "NHLS IALCH", "IAL-0092318", "PAED NEPH OPD",
        ["27/10/2026 08:45", "29/09/2026 08:30", "25/08/2026 07:55"],
        [dict(wbc=5.8, neut=3.9, lymph=1.2, hb=118, plt=210, creat=72, egfr=80, alt=25, ast=28,
              bili=9, inr=1.0, pt=12.6, upcr=150),
         dict(wbc=6.1, neut=4.0, lymph=1.3, hb=117, plt=222, creat=70, upcr=166),
         dict(wbc=6.7, neut=4.4, lymph=1.1, hb=112, plt=231, creat=75, alt=27, ast=30, bili=8,
              inr=1.1, pt=12.9, upcr=210)])),
])

# W014: Ibadan; only one listed agent (prednisolone) + HCQ + azathioprine; MMF only planned.
patient("W014", "refractory_one_agent", nct={"refractory": "unknown"}, ho_archetype="eligible",
        notes=[
    ("2026-08-12", "pathology", """UNIVERSITY COLLEGE HOSPITAL, IBADAN - MORBID ANATOMY
Renal biopsy 10/08/2026: lupus nephritis, ISN/RPS class III (A). 7/20 glomeruli involved."""),
    ("2026-09-01", "referral", """STATE HOSPITAL, OYO - REFERRAL NOTE 01/09/2026
To the Paediatric Nephrologist, UCH Ibadan.
Re: A.O., 14 yrs female with SLE and lupus nephritis.
Drugs: prednisolone since 12/2025; hydroxychloroquine 200 mg daily; azathioprine since 02/2026.
She has never received cyclophosphamide. Her elder sister (also SLE) received cyclophosphamide at UCH in 2022.
HIV 1&2 screening: non-reactive. Not on any TB drugs."""),
    ("2026-10-20", "ward_round", """UCH PAEDIATRIC NEPHROLOGY CLINIC - SOAP 20/10/2026
S: Swelling of face in mornings. Compliant with drugs.
O: Wt 44 kg, BP 124/80. Lansky 80.
A: Class III LN not responding to prednisolone + azathioprine; UPCR 1.6 g/g today. SLEDAI-2K 10.
P: Plan to start mycophenolate (Cellcept) if funds allow; consider tacrolimus later.
   Flow cytometry sent (private lab)."""),
    ("2026-10-20", "lab_report", """DIVINE GRACE DIAGNOSTICS, IBADAN (private) - collected 20/10/2026
Hb 11.2 g/dL | WBC 6,800 /mm3 | Neutrophils 4,100 /mm3 | Lymphocytes 1,900 /mm3 | Platelets 245,000 /mm3
Creatinine 0.6 mg/dL (0.5-1.0) | eGFR (Schwartz) 105 mL/min/1.73m2
ALT 22 U/L (0-40) | AST 25 U/L (0-40) | Total bilirubin 0.4 mg/dL (0.2-1.2)
PT 13.1 s (11-14) | INR 1.05
Urine protein/creatinine ratio 1.6 mg/mg
Flow cytometry: CD19 positive B cells 12% | ANA 1:320 speckled"""),
])

# W015: Soweto; perinatal HIV on ART; last SLEDAI-2K in June (stale).
patient("W015", "sledai_stale", birth_date="2011-05-05", sex="M", nct={"sledai": "unknown"},
        ho={"x_hiv": "met"}, ho_archetype="hiv", notes=[
    ("2026-06-20", "letter", """CHBAH PAEDIATRIC RHEUMATOLOGY - clinic 20/06/2026
SLE flare with nephritis. SLEDAI-2K 16. Biopsy booked."""),
    ("2026-07-08", "pathology", """NHLS ANATOMICAL PATHOLOGY - renal biopsy 06/07/2026
Lupus nephritis ISN/RPS class IV (A). AI 10/24, CI 2/12."""),
    ("2026-11-02", "ward_round", """PAEDS RENAL SOAP 02/11/2026
S: Perinatally acquired HIV, on TLD (tenofovir/lamivudine/dolutegravir); VL <50 copies/mL (09/2026), CD4 820.
   Isoniazid preventive therapy completed 2019. No current TB symptoms.
O: Wt 50 kg. BP 126/82. Lansky 80.
A: SLE with class IV LN. Prednisone since 10/2025, MMF since 11/2025. UPCR 2.2 g/g - no remission.
   SLEDAI not rescored today. ANA 1:160.
P: Bloods + flow today; discuss trials (HIV status to be declared)."""),
    ("2026-11-02", "lab_report", lis(
        "NHLS CHBAH", "CH-6612054", "PAEDS RENAL OPD",
        ["02/11/2026 08:10", "05/10/2026 08:00", "07/09/2026 08:25"],
        [dict(wbc=5.2, neut=3.0, lymph=1.4, hb=119, plt=199, creat=66, egfr=84, alt=28, ast=31,
              bili=10, inr=1.1, pt=12.7, upcr=249),
         dict(wbc=5.6, neut=3.3, lymph=1.5, hb=116, plt=208, creat=68, upcr=260),
         dict(wbc=4.9, neut=2.9, lymph=1.2, hb=115, plt=190, creat=70, upcr=275)])
     + "\nADDENDUM 03/11/2026: lymphocyte subsets (flow) CD19+ B cells 8% (110/uL)."),
])

# W016: Croydon; coagulation never sent; positive pregnancy test this month.
patient("W016", "coag_never_done", birth_date="2010-01-20", sex="F",
        nct={"inr": "unknown", "pt": "unknown"}, ho={"x_preg": "met"}, ho_archetype="pregnant",
        notes=[
    ("2026-08-14", "pathology", """CROYDON UNIVERSITY HOSPITAL - CELLULAR PATHOLOGY
Renal biopsy 12/08/2026: lupus nephritis class III (A) + V (ISN/RPS 2018)."""),
    ("2026-11-10", "ward_round", """ADOLESCENT RENAL CLINIC - SOAP 10/11/2026
S: Missed period, nausea for 2 weeks.
O: Urine pregnancy test positive today (10/11/2026); USS - intrauterine pregnancy ~7 weeks.
   Wt 60 kg. BP 122/78. Karnofsky 90.
A: SLE, class III+V LN. Prednisolone since 09/2025; mycophenolate (Cellcept) 01/2026 - 10/11/2026, stopped today
   (teratogenic); tacrolimus since 01/2026 continues. UPCR 180 mg/mmol - persistent proteinuria. SLEDAI-2K 12.
   ANA 1:320.
P: Urgent obstetric medicine referral. Coagulation screen not sent (never done here)."""),
    ("2026-11-10", "lab_report", lis(
        "SOUTH WEST LONDON PATHOLOGY", "CUH-3308712", "ADOLESCENT RENAL",
        ["10/11/2026 10:40", "13/10/2026 10:15", "15/09/2026 09:50"],
        [dict(wbc=7.7, neut=5.2, lymph=1.6, hb=117, plt=266, creat=63, egfr=92, alt=19, ast=21,
              bili=8, upcr=180),
         dict(wbc=7.0, neut=4.8, lymph=1.5, hb=120, plt=254, creat=61, upcr=190),
         dict(wbc=6.6, neut=4.1, lymph=1.4, hb=118, plt=249, creat=64, upcr=214)])
     + "\nFLOW CYTOMETRY (same sample): CD19+ B cells 14% of lymphocytes."),
])

# W017: Mombasa; age "17-year-old" in March; dictated "class for"; ANA positive, titre never given.
patient("W017", "ana_no_titre", nct={"ana": "unknown"}, ho={"age": "unknown"},
        ho_archetype="age_17_or_18", notes=[
    ("2026-03-05", "referral", """COAST GENERAL TEACHING & REFERRAL HOSPITAL, MOMBASA - referral 05/03/2026
To: Paediatric Nephrology, Kenyatta National Hospital
A 17-year-old female with SLE (ANA positive - titre not reported by the lab; anti-dsDNA positive).
Prednisolone since 11/2025; mycophenolate mofetil since 01/2026. Proteinuria 3+ persists.
HIV negative. No history of TB."""),
    ("2026-09-22", "dictation", """dictated by doctor Wanjiru paediatric renal clinic twenty second September twenty twenty six full stop
renal biopsy on the ninth of September twenty twenty six showed class for lupus nephritis with active lesions full stop
she continues pred nisolone and my co phenolate comma no remission comma U P C R two point six grams per gram full stop
sledai two K fourteen full stop karnofsky eighty full stop weight fifty two kilograms full stop"""),
    ("2026-10-30", "lab_report", csv_labs("KNH LABORATORY - CSV EXPORT (collected 30/10/2026)", [
        ("2026-10-30", "WBC", 5.6, "x10^9/L", "4.0-11.0"),
        ("2026-10-30", "NEUT", 3.4, "x10^9/L", "2.0-7.5"),
        ("2026-10-30", "LYMPH", 1.3, "x10^9/L", "1.0-4.0"),
        ("2026-10-30", "HB", 114, "g/L", "120-150"),
        ("2026-10-30", "PLT", 233, "x10^9/L", "150-400"),
        ("2026-10-30", "CREAT", 71, "umol/L", "45-90"),
        ("2026-10-30", "EGFR_SCHWARTZ", 83, "mL/min/1.73m2", ""),
        ("2026-10-30", "ALT", 23, "U/L", "0-45"),
        ("2026-10-30", "AST", 26, "U/L", "0-40"),
        ("2026-10-30", "TBIL", 7, "umol/L", "3-21"),
        ("2026-10-30", "INR", 1.0, "", "0.8-1.2"),
        ("2026-10-30", "PT", 12.2, "s", "11.0-14.5"),
        ("2026-10-30", "UPCR", 2.5, "g/g", "<0.2"),
        ("2026-10-30", "FLOW_CD19_B_CELLS", "16% (210 cells/uL)", "", ""),
    ])),
])

# W018: Leeds transition; "18 yrs" stated in June - 18 or 19 at screening.
patient("W018", "age_18_or_19", nct={"age": "unknown"}, ho={"age": "not_met"},
        ho_archetype="age_over_17", notes=[
    ("2026-06-30", "letter", """LEEDS TEACHING HOSPITALS - YOUNG ADULT LUPUS TRANSITION CLINIC 30/06/2026
18 yrs old man with SLE (diagnosed age 14) and lupus nephritis, moving to adult services next year.
Prednisolone since 2022; MMF since 2023; Endoxan (Euro-Lupus) 2023 completed. ANA 1:1280.
Rising proteinuria: re-biopsy arranged."""),
    ("2026-07-20", "pathology", """LTH CELLULAR PATHOLOGY - renal biopsy 18/07/2026
Lupus nephritis ISN/RPS class IV (A/C), NIH AI 8/24, CI 4/12."""),
    ("2026-11-05", "ward_round", """TRANSITION CLINIC SOAP 05/11/2026
S: Feels OK. Working part-time.
O: Wt 68 kg. BP 130/84. Karnofsky 90.
A: Class IV LN on MMF + pred, UPCR 132 mg/mmol - not in remission. SLEDAI-2K 10.
P: Flow + bloods today."""),
    ("2026-11-05", "lab_report", lis(
        "LEEDS TEACHING HOSPITALS - BLOOD SCIENCES", "LTH-J22871", "TRANSITION CLINIC",
        ["05/11/2026 14:10", "08/10/2026 13:55", "10/09/2026 14:20"],
        [dict(wbc=6.4, neut=4.3, lymph=1.4, hb=138, plt=248, creat=92, egfr=74, alt=35, ast=30,
              bili=12, inr=1.0, pt=11.7, upcr=132),
         dict(wbc=6.9, neut=4.6, lymph=1.5, hb=136, plt=241, creat=90, upcr=140),
         dict(wbc=6.2, neut=4.0, lymph=1.3, hb=135, plt=255, creat=94, upcr=162)],
        refs={"hb": "130-170", "creat": "60-110", "alt": "0-50"})
     + "\nADDENDUM: flow cytometry 05/11/2026 - CD19+ B cells 12%."),
])

# W019: Kumasi; "9-year-old"; last flow cytometry in June (stale).
patient("W019", "cd19_stale", nct={"cd19": "unknown"}, ho={"age": "unknown"},
        ho_archetype="age_9_or_10", notes=[
    ("2026-06-16", "lab_report", """KATH IMMUNOLOGY - flow cytometry collected 15/06/2026
CD19+ B cells 16% (240 cells/uL). CD3 71%, CD4 40%, CD8 27%."""),
    ("2026-05-20", "referral", """BAWKU DISTRICT HOSPITAL, UPPER EAST REGION - REFERRAL 20/05/2026
To: Paediatric Unit, Komfo Anokye Teaching Hospital, Kumasi
This girl was diagnosed with SLE here in January 2026 (rash, arthritis, proteinuria 3+, ANA positive).
Oral prednisolone was started on 10/01/2026 and mycophenolate mofetil in 02/2026.
Sickle cell trait (HbAS). HIV negative. No TB contact. Please review for kidney biopsy."""),
    ("2026-07-30", "pathology", """KATH PATHOLOGY - renal biopsy 28/07/2026
Diffuse proliferative lupus nephritis, ISN/RPS class IV."""),
    ("2026-11-12", "ward_round", """PAEDS RENAL CLINIC - SOAP, Thursday 12/11/2026
S: Well. School attendance good.
O: Weight 28.5 kg. Bloods from last Tuesday (10/11/2026): Hb 103 g/L, WBC 6.8, neutrophils 4.3,
   lymphocytes 1.9 (x10^9/L), platelets 295, ALT 15 U/L, creatinine 41 umol/L, UPCR 160 mg/mmol.
A: Class IV LN, persistent proteinuria. Flow cytometry still not repeated (kit stock-out).
P: Review in 4 weeks."""),
    ("2026-10-12", "ward_round", """PAEDS WARD ROUND 12/10/2026
S: 9-year-old girl with SLE and class IV LN, sickle cell trait (HbAS). Mother well; maternal aunt has lupus.
O: Weight 28 kg. BP 112/70. Lansky 80.
A: Prednisolone since 10/01/2026, MMF since 02/2026. UPCR 1.5 g/g - persistent. SLEDAI-2K 12. ANA 1:320.
   No repeat flow cytometry since June.
P: Continue. Bloods today."""),
    ("2026-10-12", "lab_report", lis(
        "KATH CLINICAL LABORATORY", "KATH-26-01244", "PAEDS WARD",
        ["12/10/2026 07:50", "14/09/2026 08:00", "30/07/2026 08:15"],
        [dict(wbc=7.1, neut=4.6, lymph=2.0, hb=104, plt=301, creat=40, egfr=112, alt=14, ast=27,
              bili=4, inr=1.0, pt=12.1, upcr=170),
         dict(wbc=7.4, neut=5.0, lymph=1.9, hb=101, plt=289, creat=42, upcr=182),
         dict(wbc=8.0, neut=5.5, lymph=1.8, hb=99, plt=320, creat=45, upcr=240)])),
])

# W020: Enugu; eGFR 24 (manual for NCT: SLE-related impairment is allowed); no ECOG/Lansky ever.
patient("W020", "egfr_24_no_ecog", birth_date="2013-02-14", sex="F",
        nct={"egfr": "manual", "ecog": "unknown"}, ho={"egfr": "not_met"}, ho_archetype="egfr_below_45",
        notes=[
    ("2026-09-03", "pathology", """UNTH ENUGU - HISTOPATHOLOGY: renal biopsy 01/09/2026
Lupus nephritis, ISN/RPS class IV with moderate chronic changes (AI 7/24, CI 6/12)."""),
    ("2026-10-26", "ward_round", """UNTH PAEDIATRIC NEPHROLOGY - SOAP 26/10/2026
S: Reduced urine output last month, now improved.
O: Wt 39 kg, BP 138/90.
A: Class IV LN. Prednisolone since 08/2025, IV cyclophosphamide 09/2025 - 02/2026, MMF since 03/2026.
   UPCR 4.1 g/g - nephrotic, non-response. SLEDAI-2K 18. eGFR (bedside Schwartz) 24 mL/min/1.73m2.
P: Renal dietitian. Discuss trial eligibility given reduced GFR."""),
    ("2026-10-26", "lab_report", lis(
        "UNTH CHEMICAL PATHOLOGY", "UNTH-P-55102", "PAEDS NEPH",
        ["26/10/2026 09:20", "28/09/2026 09:00", "03/09/2026 08:45"],
        [dict(wbc=4.6, neut=3.0, lymph=1.1, hb=88, plt=176, creat=201, egfr=24, alt=12, ast=19,
              bili=5, inr=1.1, pt=13.0, upcr=462),
         dict(wbc=5.0, neut=3.2, lymph=1.0, hb=85, plt=181, creat=214, upcr=480),
         dict(wbc=5.5, neut=3.7, lymph=1.2, hb=90, plt=190, creat=188, upcr=505)])),
    ("2026-10-28", "lab_report", """UNTH IMMUNOLOGY - collected 26/10/2026
Flow cytometry: CD19+ B lymphocytes 10% (110 cells/uL).
ANA 1:640 homogeneous."""),
])

# ===================================================================== ineligible (NCT)

# W021: London; filgrastim 5-7 days before the neutrophil count that decides.
patient("W021", "anc_after_gcsf", nct={"anc": "not_met"}, ho={"x_cyc": "met"},
        ho_archetype="cyclophosphamide_washout", notes=[
    ("2026-07-24", "pathology", """DENMARK HILL PAEDIATRIC RENAL PATHOLOGY - renal biopsy 22/07/2026
Lupus nephritis ISN/RPS class IV-G (A). AI 13/24, CI 2/12."""),
    ("2026-10-01", "letter", """PAEDIATRIC NEPHROLOGY CLINIC LETTER 01/10/2026 (South London)
This 12-year-old boy of Nigerian heritage has SLE with class IV lupus nephritis.
Prednisolone since 09/2025; MMF 10/2025 - 09/2026 (failed, stopped); IV cyclophosphamide (Endoxan) started 22/09/2026.
ANA 1:640. HIV and hepatitis B serology negative at diagnosis."""),
    ("2026-11-06", "pharmacy", """PAEDIATRIC DAY UNIT - DISPENSING LOG
22/09/2026  Endoxan (cyclophosphamide) 750 mg IV - given
20/10/2026  Endoxan (cyclophosphamide) 750 mg IV - given
03/11/2026  Filgrastim (Zarxio) 300 micrograms SC once daily x3 (03/11 - 05/11/2026) for neutropenia, ANC 0.6 on 02/11/2026
06/11/2026  Prednisolone 20 mg OD, hydroxychloroquine 200 mg OD - 28 days"""),
    ("2026-11-10", "lab_report", lis(
        "SOUTH THAMES PAEDIATRIC PATHOLOGY", "RJ7-220931", "PAED DAY UNIT",
        ["10/11/2026 09:05", "02/11/2026 09:20", "20/10/2026 08:50"],
        [dict(wbc=4.4, neut=2.8, lymph=1.1, hb=109, plt=190, creat=54, egfr=97, alt=22, ast=27,
              bili=6, inr=1.0, pt=11.9, upcr=188),
         dict(wbc=1.9, neut=0.6, lymph=0.9, hb=104, plt=170, creat=55, upcr=205),
         dict(wbc=6.0, neut=4.2, lymph=1.2, hb=110, plt=215, creat=56, alt=19, ast=25, bili=7,
              inr=1.0, pt=12.0, upcr=230)])),
    ("2026-11-10", "ward_round", """SOAP 10/11/2026 - renal day unit
S: Well after G-CSF, no fevers.
O: Wt 40 kg. Lansky 80.
A: Refractory class IV LN, UPCR 188 mg/mmol - no remission. SLEDAI-2K 14. Flow today: CD19 B cells 7%.
P: Endoxan dose 3 due 17/11 if counts allow."""),
])

# W022: Nyeri/Nairobi; old class IV (2024) but the most recent biopsy is pure class V.
patient("W022", "biopsy_pure_class_v", birth_date="2012-07-07", sex="F", nct={"biopsy": "not_met"},
        ho={"biopsy": "not_met"}, notes=[
    ("2024-03-12", "pathology", """KNH RENAL PATHOLOGY - biopsy 10/03/2024
Lupus nephritis ISN/RPS class IV-G (A). AI 11/24."""),
    ("2026-10-02", "pathology", """KNH RENAL PATHOLOGY - repeat biopsy 30/09/2026
Pure membranous lupus nephritis, ISN/RPS class V. No endocapillary or extracapillary proliferation;
no class III/IV lesions. Subepithelial deposits on EM."""),
    ("2026-10-20", "ward_round", """PAEDS NEPHROLOGY SOAP 20/10/2026
S: Persistent oedema.
O: Wt 46 kg, BP 120/82. Lansky 90.
A: SLE, LN now class V on repeat biopsy. Pred since 03/2024, MMF since 03/2024, tacrolimus since 2025.
   UPCR 2.8 g/g - not in remission. SLEDAI-2K 10. ANA 1:320. Flow: CD19 B cells 13%.
P: Continue tacrolimus; ACE inhibitor."""),
    ("2026-10-20", "lab_report", csv_labs("KNH LABORATORY - CSV EXPORT (collected 20/10/2026)", [
        ("2026-10-20", "WBC", 6.3, "x10^9/L", "4.0-11.0"),
        ("2026-10-20", "NEUT", 4.0, "x10^9/L", "2.0-7.5"),
        ("2026-10-20", "LYMPH", 1.5, "x10^9/L", "1.0-4.0"),
        ("2026-10-20", "HB", 121, "g/L", "120-150"),
        ("2026-10-20", "PLT", 280, "x10^9/L", "150-400"),
        ("2026-10-20", "CREAT", 60, "umol/L", "45-90"),
        ("2026-10-20", "EGFR_SCHWARTZ", 96, "mL/min/1.73m2", ""),
        ("2026-10-20", "ALT", 18, "U/L", "0-45"),
        ("2026-10-20", "AST", 24, "U/L", "0-40"),
        ("2026-10-20", "TBIL", 8, "umol/L", "3-21"),
        ("2026-10-20", "INR", 1.0, "", "0.8-1.2"),
        ("2026-10-20", "PT", 12.0, "s", "11.0-14.5"),
        ("2026-10-20", "UPCR", 2.8, "g/g", "<0.2"),
    ])),
])

# W023: Cape Town; complete renal response (UPCR 22 mg/mmol); last Endoxan 86 days ago.
patient("W023", "complete_renal_remission", nct={"refractory": "not_met"}, ho={"upcr": "not_met"},
        ho_archetype="proteinuria_below_threshold", notes=[
    ("2026-06-12", "pathology", """NHLS GROOTE SCHUUR - renal biopsy 10/06/2026
Lupus nephritis ISN/RPS class IV (A), AI 10/24, CI 1/12."""),
    ("2026-11-05", "letter", """RONDEBOSCH CHILDREN'S SERVICE, CAPE TOWN - paediatric nephrology, 05/11/2026
Patient: Z.D.   DOB: 03/03/2013   Female
SLE with class IV LN (biopsy 10/06/2026). Prednisone since 08/2025 (tapering), MMF since 09/2025,
Euro-Lupus IV cyclophosphamide x6 from 17/06/2026 (every 2 weeks), last dose 26/08/2026.
Now in complete renal response: UPCR 22 mg/mmol, creatinine stable.
Extra-renal activity persists (arthritis, rash, low C3, raised dsDNA): SLEDAI-2K 10.
ANA 1:1280. Lansky 90. Weight 37 kg. HIV negative."""),
    ("2026-11-05", "lab_report", lis(
        "NHLS GROOTE SCHUUR", "GSH-9931702", "PAED NEPH OPD",
        ["05/11/2026 08:30", "08/10/2026 08:40", "26/08/2026 08:15"],
        [dict(wbc=5.1, neut=3.2, lymph=1.2, hb=118, plt=236, creat=49, egfr=104, alt=21, ast=26,
              bili=6, inr=1.0, pt=12.1, upcr=22),
         dict(wbc=4.8, neut=3.0, lymph=1.1, hb=115, plt=229, creat=50, upcr=41),
         dict(wbc=5.6, neut=3.8, lymph=1.0, hb=111, plt=244, creat=53, upcr=98)])
     + "\nADDENDUM 06/11/2026 - lymphocyte subsets (flow): CD19+ B cells 11%."),
])

# W024: London; rituximab in August, B cells undetectable now.
patient("W024", "cd19_depleted", birth_date="2011-10-10", sex="M", nct={"cd19": "not_met"},
        ho={"x_rtx": "met"}, ho_archetype="rituximab_washout", notes=[
    ("2026-07-01", "pathology", """BLOOMSBURY PAEDIATRIC HISTOPATHOLOGY - renal biopsy 29/06/2026
Lupus nephritis ISN/RPS class IV + V."""),
    ("2026-08-26", "pharmacy", """INFUSION UNIT DISPENSING
12/08/2026 MabThera (rituximab) 1 g IV - given
26/08/2026 MabThera (rituximab) 1 g IV - given (course complete)"""),
    ("2026-11-04", "mdt", """LONDON PAEDIATRIC LUPUS MDT 04/11/2026
- 15M SLE, LN IV+V (29/06/2026); pred since 2025, MMF since 2025, rituximab Aug 2026.
- UPCR 160 mg/mmol (04/11) - no renal response. SLEDAI-2K 12.
- Flow 04/11/2026: CD19+ B cells 0.0% (0 cells/uL) - undetectable post rituximab.
- ANA 1:640. Lansky 90. Wt 62 kg.
- Outcome: B-cell depleted; reconsider B-cell-directed options after reconstitution."""),
    ("2026-11-04", "lab_report", lis(
        "NORTH LONDON PATHOLOGY PARTNERSHIP", "NLP-5581123", "PAED RENAL OPD",
        ["04/11/2026 10:00", "07/10/2026 09:40", "09/09/2026 09:55"],
        [dict(wbc=5.7, neut=3.9, lymph=1.2, hb=126, plt=244, creat=75, egfr=83, alt=29, ast=28,
              bili=9, inr=1.0, pt=11.8, upcr=160),
         dict(wbc=5.9, neut=4.0, lymph=1.1, hb=124, plt=250, creat=77, upcr=171),
         dict(wbc=6.2, neut=4.4, lymph=1.0, hb=122, plt=262, creat=79, upcr=199)])),
])

# W025: Accra; SLEDAI-2K 6 now (14 in April, which no longer counts).
patient("W025", "sledai_below_8", nct={"sledai": "not_met"}, ho_archetype="eligible", notes=[
    ("2026-04-10", "letter", """KORLE BU PAEDIATRIC RHEUMATOLOGY 10/04/2026: SLE flare, SLEDAI-2K 14."""),
    ("2026-07-15", "pathology", """KORLE BU PATHOLOGY - renal biopsy 13/07/2026
Lupus nephritis ISN/RPS class III (A)."""),
    ("2026-09-14", "letter", """KORLE BU PAEDIATRIC NEPHROLOGY - clinic letter 14/09/2026
16 years old female with SLE and class III LN. Prednisolone since 09/2025, mycophenolate since 10/2025.
HIV non-reactive, HBsAg negative. No TB history. Not pregnant (urine hCG negative 14/09/2026)."""),
    ("2026-10-20", "ward_round", """SOAP 20/10/2026
S: Joint pains settled. Mild ankle swelling.
O: Wt 51 kg. BP 118/74. Karnofsky 90.
A: Class III LN, proteinuria persists (UPCR 1.2 g/g). SLEDAI-2K 6 (proteinuria 4, low complement 2).
   ANA 1:320.
P: Continue MMF. Flow cytometry today."""),
    ("2026-10-20", "lab_report", lis(
        "KBTH CLINICAL LABORATORY", "KB-26-110233", "PAEDS RENAL",
        ["20/10/2026 08:10", "22/09/2026 08:05", "14/09/2026 08:20"],
        [dict(wbc=6.0, neut=3.7, lymph=1.6, hb=117, plt=252, creat=66, egfr=91, alt=20, ast=23,
              bili=7, inr=1.0, pt=12.3, upcr=136),
         dict(wbc=6.4, neut=4.1, lymph=1.5, hb=115, plt=260, creat=68, upcr=150),
         dict(wbc=5.8, neut=3.4, lymph=1.4, hb=113, plt=248, creat=70, upcr=166)])
     + "\nFLOW (20/10/2026): CD19+ B cells 13% of lymphocytes."),
])

# W026: Manchester adult-transition; 19 at screening.
patient("W026", "age_19", birth_date="2007-09-15", sex="F", nct={"age": "not_met"},
        ho={"age": "not_met"}, notes=[
    ("2026-08-05", "pathology", """MFT CELLULAR PATHOLOGY - renal biopsy 03/08/2026
Lupus nephritis ISN/RPS class IV (A), AI 9/24, CI 2/12."""),
    ("2026-10-15", "ward_round", """YOUNG ADULT RENAL CLINIC - SOAP 15/10/2026
S: University student. Tired.
O: Wt 64 kg. BP 126/80. ECOG 1.
A: SLE with class IV LN. Prednisolone since 2024, MMF since 2024, tacrolimus since 03/2026.
   UPCR 1.5 g/g - no remission. SLEDAI-2K 12. ANA 1:640. Flow: CD19 B cells 10%.
P: Discuss trials."""),
    ("2026-10-15", "lab_report", lis(
        "MFT PATHOLOGY", "MFT-7790012", "YOUNG ADULT RENAL",
        ["15/10/2026 11:30", "17/09/2026 11:20", "05/08/2026 10:50"],
        [dict(wbc=5.9, neut=3.8, lymph=1.3, hb=123, plt=231, creat=70, egfr=93, alt=24, ast=22,
              bili=8, inr=1.0, pt=11.5, upcr=170),
         dict(wbc=6.1, neut=4.0, lymph=1.2, hb=121, plt=228, creat=72, upcr=181),
         dict(wbc=6.8, neut=4.6, lymph=1.1, hb=118, plt=240, creat=75, upcr=230)],
        refs={"alt": "0-33", "hb": "120-150", "creat": "45-84"})),
])

# W027: Port Harcourt; AIHA (Hb 5.5 g/dL) and platelets 40,000/mm3; private lab, conventional units.
patient("W027", "hb_below_60", nct={"hb": "not_met"}, ho={"x_plt": "met"},
        ho_archetype="platelets_below_50", notes=[
    ("2026-08-30", "pathology", """UPTH HISTOPATHOLOGY - renal biopsy 28/08/2026
Lupus nephritis ISN/RPS class IV-G (A)."""),
    ("2026-11-01", "dictation", """dictation paediatric nephrology U P T H first November twenty twenty six full stop
ten year old boy with S L E class four lupus nephritis comma now with autoimmune haemolytic anaemia and thrombocytopenia full stop
on pred nisolone since June twenty twenty five and my co phenolate since July twenty twenty five full stop
U P C R one hundred and eighty milligrams per millimole comma no remission full stop sledai two K twenty full stop
lansky sixty full stop weight twenty nine kilograms full stop
H I V non reactive full stop no TB full stop
plan transfuse if symptomatic comma repeat full blood count in one week"""),
    ("2026-11-02", "lab_report", """PEARL DIAGNOSTICS, PORT HARCOURT (private) - collected 02/11/2026
Haemoglobin 5.5 g/dL (11.5-15.5) LOW | Reticulocytes 9% | DAT positive (IgG, C3d)
WBC 4,800/mm3 | Neutrophils 3,000/mm3 | Lymphocytes 1,200/mm3 | Platelets 40,000/mm3 LOW
Creatinine 0.5 mg/dL | eGFR (bedside Schwartz) 110 mL/min/1.73m2
ALT 20 U/L (0-40) | AST 38 U/L (0-40) | Total bilirubin 1.4 mg/dL (0.2-1.2)
PT 13.0 s (11-14) | INR 1.1
Flow cytometry: CD19+ B cells 20% | ANA 1:320"""),
])

# W028: Cape Town; IgA nephropathy; mother has SLE; ANA negative; SLE ruled out.
patient("W028", "not_sle_iga_nephropathy", birth_date="2014-04-22", sex="F",
        nct={"sle": "not_met", "biopsy": "not_met", "sledai": "unknown", "refractory": "not_met",
             "cd19": "unknown", "ana": "not_met"},
        ho={"sle": "not_met", "biopsy": "not_met"}, notes=[
    ("2026-09-17", "pathology", """NHLS GROOTE SCHUUR - renal biopsy 15/09/2026
IgA nephropathy (Oxford MEST-C: M1 E1 S0 T0 C0). IF IgA-dominant mesangial deposits, C1q negative.
No features of lupus nephritis."""),
    ("2026-10-05", "letter", """PAEDIATRIC NEPHROLOGY, CAPE TOWN - clinic letter 05/10/2026
Referred as possible lupus nephritis because her mother has SLE (on hydroxychloroquine).
ANA negative (HEp-2, <1:40); anti-dsDNA negative; C3/C4 normal.
She does not fulfil the 2019 EULAR/ACR classification criteria - SLE ruled out.
Diagnosis: IgA nephropathy. Started prednisolone 01/10/2026 and ramipril. UPCR 140 mg/mmol.
Lansky 100. Weight 38 kg."""),
    ("2026-10-05", "lab_report", lis(
        "NHLS GROOTE SCHUUR", "GSH-1044289", "PAED NEPH OPD",
        ["05/10/2026 09:00", "15/09/2026 08:10", "28/08/2026 08:30"],
        [dict(wbc=7.5, neut=4.6, lymph=2.3, hb=124, plt=298, creat=51, egfr=108, alt=15, ast=21,
              bili=5, inr=1.0, pt=11.7, upcr=140),
         dict(wbc=7.9, neut=5.0, lymph=2.2, hb=122, plt=305, creat=53, upcr=162),
         dict(wbc=8.1, neut=5.2, lymph=2.1, hb=120, plt=290, creat=55, upcr=170)])),
])

# W029: Eldoret; new diagnosis, treatment-naive until last month (all starts within 183 days).
patient("W029", "treatment_naive_new_diagnosis", nct={"refractory": "not_met"},
        ho_archetype="eligible_new_diagnosis", notes=[
    ("2026-10-29", "ward_round", """MOI TEACHING & REFERRAL HOSPITAL - PAEDS WARD ROUND 29/10/2026
S: 13 year old boy, 3 weeks of facial puffiness and joint pains.
O: Wt 41 kg. BP 136/88. Lansky 70.
A: New SLE (ANA 1:640, anti-dsDNA positive, low C3) with nephrotic syndrome. Treatment-naive - no prior
   steroids or immunosuppression. Renal biopsy done 28/10/2026. SLEDAI-2K 20.
   HIV non-reactive. No TB contact; CXR clear.
P: Pulse methylprednisolone once histology back."""),
    ("2026-10-30", "pathology", """MTRH PATHOLOGY - renal biopsy 28/10/2026
Lupus nephritis ISN/RPS class IV-G (A). AI 14/24, CI 0/12."""),
    ("2026-11-02", "pharmacy", """MTRH PAEDIATRIC PHARMACY - dispensing
30/10/2026 - 01/11/2026  Methylprednisolone 600 mg IV daily x3
02/11/2026  Prednisolone 40 mg OD (started today)
02/11/2026  Mycophenolate mofetil 600 mg BD (started today)"""),
    ("2026-11-02", "lab_report", csv_labs("MTRH LAB - result lines (collected 02/11/2026)", [
        ("02/11/2026", "WBC", 8.8, "x10^9/L", "4.0-11.0"),
        ("02/11/2026", "Neutrophils", 6.1, "x10^9/L", "2.0-7.5"),
        ("02/11/2026", "Lymphocytes", 1.8, "x10^9/L", "1.0-4.0"),
        ("02/11/2026", "Haemoglobin", 112, "g/L", "120-160"),
        ("02/11/2026", "Platelets", 330, "x10^9/L", "150-400"),
        ("02/11/2026", "Creatinine", 70, "umol/L", "40-80"),
        ("02/11/2026", "eGFR (Schwartz)", 78, "mL/min/1.73m2", ""),
        ("02/11/2026", "ALT", 26, "U/L", "0-45"),
        ("02/11/2026", "AST", 35, "U/L", "0-40"),
        ("02/11/2026", "Total bilirubin", 6, "umol/L", "0-21"),
        ("02/11/2026", "INR", 1.0, "", "0.8-1.2"),
        ("02/11/2026", "PT", 12.8, "s", "11-14"),
        ("02/11/2026", "UPCR", 4.2, "g/g", "<0.2"),
        ("02/11/2026", "CD19 B cells (flow cytometry)", "25%", "", ""),
    ])),
])

# W030: Johannesburg; septic shock on noradrenaline last month; disseminated TB on RHZE now.
patient("W030", "haemodynamic_instability", birth_date="2012-01-30", sex="M",
        nct={"hemo": "not_met"}, ho={"x_tb": "met"}, ho_archetype="active_tb", notes=[
    ("2026-09-10", "pathology", """NHLS CMJAH - renal biopsy 08/09/2026
Lupus nephritis ISN/RPS class IV (A)."""),
    ("2026-10-19", "ward_round", """PICU SOAP 19/10/2026
S: Admitted overnight febrile, drowsy.
O: HR 162, BP 68/30, CRT 5 s. Septic shock - on noradrenaline 0.2 mcg/kg/min and adrenaline infusion.
A: Septic shock; ?TB meningitis; SLE on immunosuppression.
P: Cultures, LP, GeneXpert CSF, broad-spectrum antibiotics."""),
    ("2026-10-22", "mdt", """PICU/RENAL/ID MDT 22/10/2026
- Disseminated TB confirmed: GeneXpert Ultra CSF positive 20/10/2026, rifampicin-sensitive.
- Started RHZE 21/10/2026 (intensive phase 2 months, then 4 HR).
- Off inotropes 24/10 expected if stable; MMF held, prednisone continued.
- HIV negative."""),
    ("2026-11-09", "ward_round", """PAEDS RENAL WARD - SOAP 09/11/2026
S: Improving; on TB treatment (intensive phase, day 19).
O: Wt 38 kg. BP 112/70. Lansky 60.
A: SLE with class IV LN; prednisone since 04/2025, MMF since 05/2025 (held). UPCR 2.0 g/g, no remission.
   SLEDAI-2K 16. ANA 1:640. Flow 09/11: CD19 B cells 9%.
P: Continue RHZE. Not for trial screening until TB treated."""),
    ("2026-11-09", "lab_report", lis(
        "NHLS CMJAH", "CMJ-3301875", "PAEDS RENAL WARD",
        ["09/11/2026 06:30", "26/10/2026 06:15", "19/10/2026 02:40"],
        [dict(wbc=6.2, neut=4.5, lymph=1.1, hb=101, plt=220, creat=60, egfr=90, alt=30, ast=33,
              bili=10, inr=1.1, pt=12.9, upcr=226),
         dict(wbc=9.4, neut=7.9, lymph=0.8, hb=95, plt=160, creat=88, upcr=250),
         dict(wbc=18.2, neut=16.1, lymph=0.5, hb=92, plt=98, creat=120, upcr=280)])),
])

# W031: Birmingham; liver transplant in infancy; apheresis team says no (venous access).
patient("W031", "poor_venous_access", birth_date="2011-03-03", sex="F", nct={"venous": "not_met"},
        ho={"x_tx": "met"}, ho_archetype="prior_transplant", notes=[
    ("2026-08-07", "pathology", """BIRMINGHAM CHILDREN'S CELLULAR PATHOLOGY - native renal biopsy 05/08/2026
Lupus nephritis ISN/RPS class III (A) + V."""),
    ("2026-10-28", "letter", """BIRMINGHAM CHILDREN'S - PAEDIATRIC NEPHROLOGY LETTER 28/10/2026
Background: liver transplant in 2012 for biliary atresia (tacrolimus since). SLE from 2024; class III+V LN.
Prednisolone since 10/2024, MMF since 06/2025. UPCR 170 mg/mmol - persistent proteinuria.
SLEDAI-2K 10. ANA 1:640. Lansky 80. Weight 49 kg.
Venous access: extremely difficult - multiple failed cannulations, ultrasound-guided only. The apheresis
team reviewed her: not suitable for leukapheresis without a central line, which the family declines.
Flow cytometry today: CD19+ B cells 12%."""),
    ("2026-10-28", "lab_report", lis(
        "BIRMINGHAM CHILDREN'S PATHOLOGY", "BCH-1120844", "PAED NEPH OPD",
        ["28/10/2026 09:30", "30/09/2026 09:15", "05/08/2026 08:00"],
        [dict(wbc=5.3, neut=3.4, lymph=1.2, hb=114, plt=201, creat=62, egfr=89, alt=27, ast=30,
              bili=11, inr=1.1, pt=12.4, upcr=170),
         dict(wbc=5.6, neut=3.6, lymph=1.3, hb=113, plt=210, creat=63, upcr=182),
         dict(wbc=6.0, neut=3.9, lymph=1.2, hb=110, plt=219, creat=66, upcr=230)])),
])

# W032: Zaria; lymphocytes 0.6 (dictated and in the LIS report).
patient("W032", "lymphopenia", nct={"lymph": "not_met"}, ho_archetype="eligible", notes=[
    ("2026-07-10", "pathology", """ABUTH ZARIA - HISTOPATHOLOGY: renal biopsy 08/07/2026
Lupus nephritis ISN/RPS class IV-S (A)."""),
    ("2026-11-10", "dictation", """this is doctor Bello dictating tenth November twenty twenty six full stop
fifteen year old girl with S L E and class four lupus nephritis full stop
on pred nisolone since August twenty twenty five and tack rolimus since December twenty twenty five full stop
U P C R one hundred and forty milligrams per millimole comma not in remission full stop
sledai two K ten full stop lansky ninety full stop weight forty eight kilograms full stop
A N A one in three hundred and twenty full stop flow cytometry CD nineteen B cells six percent full stop
absolute lymphocyte count is low at nought point six full stop no history of T B full stop H I V negative full stop"""),
    ("2026-11-10", "lab_report", lis(
        "ABUTH HAEMATOLOGY & CHEMICAL PATHOLOGY", "ABU-26-3318", "PAED NEPH CLINIC",
        ["10/11/2026 08:25", "13/10/2026 08:30", "15/09/2026 08:40"],
        [dict(wbc=3.9, neut=2.9, lymph=0.6, hb=108, plt=215, creat=58, egfr=95, alt=18, ast=24,
              bili=6, inr=1.0, pt=12.2, upcr=140),
         dict(wbc=4.1, neut=3.0, lymph=0.7, hb=106, plt=220, creat=60, upcr=151),
         dict(wbc=4.5, neut=3.2, lymph=0.8, hb=103, plt=231, creat=61, upcr=177)])),
])

# W033: Kenya; isoniazid preventive therapy (allowed) causing ALT 4 x ULN, no myositis.
patient("W033", "alt_over_3x_no_myositis", birth_date="2012-06-06", sex="M", nct={"alt": "not_met"},
        ho={"alt": "not_met"}, ho_archetype="alt_over_2x_ipt_allowed", notes=[
    ("2026-08-21", "pathology", """KNH RENAL PATHOLOGY - biopsy date 2026/08/19
Lupus nephritis ISN/RPS class IV-G (A/C)."""),
    ("2026-09-10", "ward_round", """PAEDS NEPHROLOGY SOAP 10/09/2026
S: Grandmother diagnosed smear-positive pulmonary TB last month (household contact).
O: Well, no cough. CXR clear. Sputum GeneXpert negative.
A: TB infection excluded as active disease - household contact.
P: Isoniazid preventive therapy started 10/09/2026 for 6 months with pyridoxine."""),
    ("2026-11-06", "ward_round", """PAEDS NEPHROLOGY SOAP 06/11/2026
S: Nausea, no jaundice.
O: Wt 45 kg. Lansky 80. No muscle weakness; CK normal (90 U/L).
A: SLE, class IV LN; prednisolone since 03/2025, MMF since 04/2025; UPCR 1.9 g/g - no remission.
   SLEDAI-2K 12. ANA 1:160. ALT 168 - isoniazid hepatotoxicity likely; no myositis.
   Flow: CD19 B cells 12%.
P: Hold isoniazid, repeat LFT in 1 week."""),
    ("2026-11-06", "lab_report", csv_labs("KNH LABORATORY - CSV EXPORT (collected 06/11/2026)", [
        ("2026-11-06", "WBC", 6.0, "x10^9/L", "4.0-11.0"),
        ("2026-11-06", "NEUT", 3.9, "x10^9/L", "2.0-7.5"),
        ("2026-11-06", "LYMPH", 1.4, "x10^9/L", "1.0-4.0"),
        ("2026-11-06", "HB", 125, "g/L", "120-160"),
        ("2026-11-06", "PLT", 250, "x10^9/L", "150-400"),
        ("2026-11-06", "CREAT", 62, "umol/L", "45-90"),
        ("2026-11-06", "EGFR_SCHWARTZ", 92, "mL/min/1.73m2", ""),
        ("2026-11-06", "ALT", 168, "U/L", "0-42"),
        ("2026-11-06", "AST", 70, "U/L", "0-40"),
        ("2026-11-06", "TBIL", 15, "umol/L", "3-21"),
        ("2026-11-06", "INR", 1.1, "", "0.8-1.2"),
        ("2026-11-06", "PT", 13.2, "s", "11.0-14.5"),
        ("2026-11-06", "UPCR", 1.9, "g/g", "<0.2"),
        ("2026-11-06", "CK", 90, "U/L", "0-170"),
    ])),
])

# W034: Birmingham; antiphospholipid syndrome on warfarin: INR 2.6, PT 31 s.
patient("W034", "inr_pt_on_warfarin", nct={"inr": "not_met", "pt": "not_met"},
        ho_archetype="eligible", notes=[
    ("2026-07-30", "pathology", """BIRMINGHAM CHILDREN'S CELLULAR PATHOLOGY - renal biopsy 28/07/2026
Lupus nephritis ISN/RPS class IV (A), thrombotic microangiopathy absent."""),
    ("2026-10-19", "letter", """PAEDIATRIC RHEUMATOLOGY/NEPHROLOGY CLINIC LETTER 19/10/2026
14-year-old girl of Zimbabwean heritage with SLE and class IV LN; secondary antiphospholipid syndrome
(left femoral DVT 05/2026) - on warfarin, target INR 2-3.
Prednisolone since 01/2025, MMF since 02/2025. UPCR 200 mg/mmol - no remission. SLEDAI-2K 12.
ANA 1:1280. Lansky 90. Weight 53 kg. Flow cytometry today: CD19 B cells 11%."""),
    ("2026-10-19", "lab_report", lis(
        "BIRMINGHAM CHILDREN'S PATHOLOGY", "BCH-4478120", "PAED RHEUM OPD",
        ["19/10/2026 10:50", "21/09/2026 10:30", "27/07/2026 09:40"],
        [dict(wbc=6.7, neut=4.2, lymph=1.5, hb=119, plt=222, creat=64, egfr=90, alt=19, ast=24,
              bili=8, inr=2.6, pt=31.0, upcr=200),
         dict(wbc=6.4, neut=4.0, lymph=1.4, hb=117, plt=230, creat=66, inr=2.3, pt=27.5, upcr=214),
         dict(wbc=7.0, neut=4.7, lymph=1.3, hb=112, plt=251, creat=70, inr=1.0, pt=11.8, upcr=260)])),
])

# W035: Tamale; SLE by anti-dsDNA/anti-Sm with ANA only ever 1:40.
patient("W035", "ana_below_1_80", birth_date="2010-11-25", sex="F", nct={"ana": "not_met"},
        ho_archetype="eligible", notes=[
    ("2026-09-25", "pathology", """TAMALE TEACHING HOSPITAL - PATHOLOGY (reported 25/09/2026)
Biopsy taken 23 Sep 2026. Lupus nephritis ISN/RPS class III (A/C)."""),
    ("2026-10-30", "ward_round", """TTH PAEDS WARD ROUND 30/10/2026
S: Well, mild oedema.
O: Wt 49 kg. BP 120/80. Lansky 80.
A: SLE (anti-dsDNA 180 IU/mL, anti-Sm positive, low C3/C4); ANA 1:40 on two occasions (low titre).
   Class III LN. Prednisolone since 01/2026, MMF since 02/2026. UPCR 1.3 g/g - no remission. SLEDAI-2K 12.
   Sickle cell trait. HIV negative. Urine hCG negative.
P: Flow cytometry sent with today's bloods."""),
    ("2026-10-30", "lab_report", csv_labs("TTH LABORATORY - result lines (collected 30/10/2026)", [
        ("30/10/2026", "WBC", 5.4, "x10^9/L", "4.0-11.0"),
        ("30/10/2026", "Neutrophils", 3.2, "x10^9/L", "2.0-7.5"),
        ("30/10/2026", "Lymphocytes", 1.4, "x10^9/L", "1.0-4.0"),
        ("30/10/2026", "Haemoglobin", 113, "g/L", "120-150"),
        ("30/10/2026", "Platelets", 260, "x10^9/L", "150-400"),
        ("30/10/2026", "Creatinine", 63, "umol/L", "45-90"),
        ("30/10/2026", "eGFR (Schwartz)", 88, "mL/min/1.73m2", ""),
        ("30/10/2026", "ALT", 21, "U/L", "0-40"),
        ("30/10/2026", "AST", 25, "U/L", "0-40"),
        ("30/10/2026", "Total bilirubin", 7, "umol/L", "0-21"),
        ("30/10/2026", "INR", 1.0, "", "0.8-1.2"),
        ("30/10/2026", "PT", 12.5, "s", "11-14"),
        ("30/10/2026", "UPCR", 1.3, "g/g", "<0.2"),
        ("30/10/2026", "CD19 B cells (flow cytometry)", "15%", "", ""),
    ])),
])

# --------------------------------------------------------------------------- gold


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


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


def overall(labels: dict, exclusion_keys: set[str]) -> str:
    """GUIDELINE.md 'Patient status'."""
    inclusion = {k: v for k, v in labels.items() if k not in exclusion_keys}
    exclusion = {k: v for k, v in labels.items() if k in exclusion_keys}
    if "not_met" in inclusion.values() or "met" in exclusion.values():
        return "ineligible"
    if all(v in ("met", "manual") for v in inclusion.values()) and all(
            v in ("not_met", "manual") for v in exclusion.values()):
        return "eligible"
    return "possible"


def relevance(status: str, labels: dict, disease_keys: tuple[str, ...]) -> int:
    """GUIDELINE.md 'Ranking': eligible 3; possible with the disease criteria all met 2; other
    possible 1; ineligible 0. NCT06904729's disease criteria are 2, 3 and 5 (sle, biopsy,
    refractory); HO-LN-8 has no refractoriness item, so its disease criteria are sle and biopsy."""
    if status == "eligible":
        return 3
    if status == "possible":
        return 2 if all(labels[k] == "met" for k in disease_keys) else 1
    return 0


def build() -> tuple[list[dict], list[dict]]:
    notes, gold = [], []
    for p in PATIENTS:
        assert set(p["nct"]) <= set(NCT_KEYS), p["id"]
        assert set(p["ho"]) <= set(HO_KEYS), p["id"]
        assert (p["birth_date"] is None) == (p["sex"] is None), p["id"]
        ordered = sorted(p["notes"], key=lambda n: n[0])
        for i, (date, note_type, text) in enumerate(ordered, start=1):
            assert dt.date.fromisoformat(date) < AS_OF, (p["id"], date)
            row = {"patient_id": p["id"], "note_id": f"{p['id']}-N{i:02d}", "note_date": date,
                   "note_type": note_type, "text": text}
            if p["birth_date"]:
                row["birth_date"] = p["birth_date"]
                row["sex"] = p["sex"]
            notes.append(row)
        nct = nct_labels(p)
        ho = ho_labels(p)
        for labels in (nct, ho):
            assert set(labels.values()) <= STATUSES, p["id"]
        if p["birth_date"]:  # structured age: the label must follow from the date of birth
            age = age_on(dt.date.fromisoformat(p["birth_date"]), AS_OF)
            assert nct["age"] == ("met" if 6 <= age <= 18 else "not_met"), (p["id"], age)
            assert ho["age"] == ("met" if 10 <= age <= 17 else "not_met"), (p["id"], age)
        status = overall(nct, set())
        gold.append({"trial": "NCT06904729", "patient_id": p["id"], "status": status,
                     "relevance": relevance(status, nct, ("sle", "biopsy", "refractory")),
                     "criteria": nct, "archetype": p["archetype"]})
        status = overall(ho, set(HO_EXCL))
        gold.append({"trial": "HO-LN-8", "patient_id": p["id"], "status": status,
                     "relevance": relevance(status, ho, ("sle", "biopsy")),
                     "criteria": ho, "archetype": p["ho_archetype"]})
    ids = [p["id"] for p in PATIENTS]
    assert ids == sorted(set(ids)), "patient ids must be unique and in order"
    assert len(PATIENTS) >= 28 and len(notes) >= 110, (len(PATIENTS), len(notes))
    return notes, gold


def main() -> None:
    notes, gold = build()
    with open(HERE / "notes.jsonl", "w", encoding="utf-8") as fh:
        for row in notes:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as fh:
        for row in gold:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str], int] = {}
    for row in gold:
        counts[(row["trial"], row["status"])] = counts.get((row["trial"], row["status"]), 0) + 1
    print(f"{len(PATIENTS)} patients, {len(notes)} notes")
    for key in sorted(counts):
        print(key[0], key[1], counts[key])


if __name__ == "__main__":
    main()
