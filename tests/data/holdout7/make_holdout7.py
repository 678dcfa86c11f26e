#!/usr/bin/env python3
"""Write hold-out 7 (notes.jsonl, gold.jsonl) deterministically. Stdlib only.

Style: paediatric nephrology / rheumatology services in Australia, New Zealand and
Canada (some Quebec notes mix French), with machine formats: HL7 v2 ORU result
exports (OBX lines), ISBAR/ISOBAR handovers, telehealth reviews, medication
administration records and infusion charts, discharge summaries with numbered
"Issues:", nurse-led clinic notes.

Note texts are hand-written below; lab blocks are rendered from one set of values
per visit. Criterion labels are hand-written per patient (defaults + overrides);
only the overall status and the relevance are derived (GUIDELINE.md, "Patient
status" and "Ranking"). Run:  python3 make_holdout7.py   (it checks itself first).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 20)
HERE = Path(__file__).resolve().parent

NCT = "NCT06904729"
HO = "HO-LN-9"
NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
HO_INCLUSION = ["age", "sle", "biopsy", "upcr", "egfr", "mmf", "hb", "alt", "consent"]
HO_EXCLUSION = ["x_cyc", "x_bio", "x_preg", "x_infect", "x_mening", "x_tx", "x_plt"]
HO_KEYS = HO_INCLUSION + HO_EXCLUSION
MANUAL_BY_DEFAULT = {NCT: {"venous", "consent", "hemo"}, HO: {"consent"}}
# relevance 2 = possible with the disease criteria all met (GUIDELINE "Ranking":
# 2, 3 and 5 for NCT06904729; for HO-LN-9 we take SLE, biopsy and proteinuria).
DISEASE_KEYS = {NCT: ("sle", "biopsy", "refractory"), HO: ("sle", "biopsy", "upcr")}
AGE_RANGE = {NCT: (6, 18), HO: (8, 17)}


def default_labels(trial: str) -> dict[str, str]:
    keys = NCT_KEYS if trial == NCT else HO_KEYS
    labels = {}
    for key in keys:
        if key in MANUAL_BY_DEFAULT[trial]:
            labels[key] = "manual"
        elif key.startswith("x_"):
            labels[key] = "not_met"
        else:
            labels[key] = "met"
    return labels


# ---------------------------------------------------------------- lab rendering
# key: (code, coding system, English name, French name, unit, reference range, HL7 type)
ANALYTES = {
    "wbc": ("6690-2", "LN", "WBC", "Leucocytes", "x10^9/L", "4.0-11.0", "NM"),
    "neut": ("751-8", "LN", "Neutrophils", "Neutrophiles", "x10^9/L", "1.5-8.0", "NM"),
    "lymph": ("731-0", "LN", "Lymphocytes", "Lymphocytes", "x10^9/L", "1.0-4.0", "NM"),
    "hb": ("718-7", "LN", "Haemoglobin", "Hémoglobine", "g/L", "115-155", "NM"),
    "plt": ("777-3", "LN", "Platelets", "Plaquettes", "x10^9/L", "150-400", "NM"),
    "creat": ("14682-9", "LN", "Creatinine", "Créatinine", "umol/L", "30-70", "NM"),
    "alt": ("1742-6", "LN", "ALT", "ALAT", "U/L", "<40", "NM"),
    "ast": ("1920-8", "LN", "AST", "ASAT", "U/L", "<40", "NM"),
    "tbil": ("14631-6", "LN", "Bilirubin total", "Bilirubine totale", "umol/L", "<21", "NM"),
    "ck": ("2157-6", "LN", "Creatine kinase", "CK", "U/L", "<200", "NM"),
    "inr": ("6301-6", "LN", "INR", "RNI", "", "0.9-1.2", "NM"),
    "pt": ("5902-2", "LN", "Prothrombin time", "Temps de prothrombine", "s", "11.0-13.5", "NM"),
    "upcr": ("2890-2", "LN", "Urine protein/creatinine ratio", "Rapport protéine/créatinine urinaire",
             "mg/mmol", "<20", "NM"),
    "prot24": ("2889-4", "LN", "Urine protein 24h", "Protéinurie 24 h", "g/24h", "<0.15", "NM"),
    "cd19pct": ("CD19P", "L", "CD19+ B lymphocytes", "Lymphocytes B CD19+", "%", "6-23", "NM"),
    "cd19abs": ("CD19A", "L", "CD19+ B lymphocytes abs", "Lymphocytes B CD19+ abs", "cells/uL",
                "100-1200", "NM"),
    "ana": ("5048-4", "LN", "ANA titre (HEp-2 IIF)", "FAN titre (HEp-2)", "", "<1:80", "ST"),
    "height": ("8302-2", "LN", "Body height", "Taille", "cm", "", "NM"),
}
PANELS = [
    ("FBC^Full blood count^L", ["wbc", "neut", "lymph", "hb", "plt"]),
    ("EUC^Renal/liver function^L", ["creat", "alt", "ast", "tbil", "ck"]),
    ("COAG^Coagulation^L", ["inr", "pt"]),
    ("URPCR^Urine protein^L", ["upcr", "prot24"]),
    ("LSUB^Lymphocyte subsets^L", ["cd19pct", "cd19abs"]),
    ("IMM^Immunology^L", ["ana"]),
    ("OBS^Observations^L", ["height"]),
]
# One visit's values; a patient's visit overrides some of them.
BASE_LABS = {
    "wbc": "5.6", "neut": "3.4", "lymph": "1.4", "hb": "118", "plt": "236",
    "creat": "58", "alt": "24", "ast": "29", "tbil": "7",
    "inr": "1.0", "pt": "12.6", "upcr": "160", "cd19pct": "14", "cd19abs": "230",
}
FULL = ["wbc", "neut", "lymph", "hb", "plt", "creat", "alt", "ast", "tbil", "inr", "pt",
        "upcr", "cd19pct", "cd19abs"]


def _flag(value: str, ref: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return ""
    if match := re.fullmatch(r"([\d.]+)-([\d.]+)", ref):
        low, high = float(match[1]), float(match[2])
        return "H" if number > high else "L" if number < low else "N"
    if match := re.fullmatch(r"<([\d.]+)", ref):
        return "H" if number >= float(match[1]) else "N"
    return ""


# Every rendered lab block, for the cross-check of the hand-written lab labels.
LAB_VISITS: dict[str, list[tuple[date, dict]]] = {}


def hl7(pid: str, sent: date, collected: date, keys: list[str], values: dict | None = None,
        facility: str = "SCHN-PATH", french: bool = False) -> str:
    """An HL7 v2 ORU^R01 export. values[key] is a value, or a dict overriding
    value/unit/ref/flag for a deliberately odd line (a lab's own range, a flag with
    no range, an unreadable unit)."""
    merged = {**BASE_LABS, **(values or {})}
    LAB_VISITS.setdefault(pid, []).append((collected, {k: merged[k] for k in keys}))
    lines = [
        f"MSH|^~\\&|LIS|{facility}|EMR|PAEDS|{sent:%Y%m%d}1415||ORU^R01|{pid}{sent:%y%m%d}|P|2.5.1",
        f"PID|1||{pid}^^^{facility}^MR",
    ]
    set_id = 0
    for obr_number, (panel, members) in enumerate(PANELS, start=1):
        present = [k for k in members if k in keys]
        if not present:
            continue
        lines.append(f"OBR|{obr_number}|||{panel}|||{collected:%Y%m%d}0830")
        for key in present:
            code, system, name_en, name_fr, unit, ref, kind = ANALYTES[key]
            spec = merged[key]
            if isinstance(spec, dict):
                value = spec["v"]
                unit = spec.get("unit", unit)
                ref = spec.get("ref", ref)
                flag = spec.get("flag", _flag(value, ref))
            else:
                value, flag = spec, _flag(spec, ref)
            if kind == "ST" and not flag:
                flag = "A" if value.startswith("1:") and int(value[2:]) >= 80 else "N"
            set_id += 1
            name = name_fr if french else name_en
            lines.append(f"OBX|{set_id}|{kind}|{code}^{name}^{system}||{value}|{unit}|{ref}|{flag}"
                         f"|||F|||{collected:%Y%m%d}")
    return "\n".join(lines)


# ---------------------------------------------------------------- patients
PATIENTS: list[dict] = []


def patient(pid: str, archetype: str, notes: list[tuple[str, str, str]],
            nct: dict | None = None, ho: dict | None = None,
            dob: str | None = None, sex: str | None = None) -> None:
    PATIENTS.append({"pid": pid, "archetype": archetype, "notes": notes, "dob": dob, "sex": sex,
                     NCT: {**default_labels(NCT), **(nct or {})},
                     HO: {**default_labels(HO), **(ho or {})}})


def d(iso: str) -> date:
    return date.fromisoformat(iso)


# Z001 — eligible for both; HL7 export, ISBAR telehealth.
patient("Z001", "eligible", dob="2013-04-12", sex="F", notes=[
    ("2025-09-18", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Harbourside Children's Hospital (NSW)
Admitted 10/09/2025  Discharged 18/09/2025
Principal diagnosis: childhood-onset SLE with lupus nephritis (M32.14)
Issues:
1. Lupus nephritis — renal biopsy 12/09/2025: ISN/RPS class IV-G (A), AI 11/24, CI 1/12.
2. SLE — ANA 1:1280 speckled, anti-dsDNA 410 IU/mL, C3 0.42 g/L, C4 0.05 g/L.
3. Induction: IV methylprednisolone 30 mg/kg x3 (13-15/09/2025), then prednisolone 60 mg daily;
   CellCept 600 mg/m2 BD commenced 16/09/2025. Plaquenil 200 mg daily.
4. Hypertension — amlodipine 5 mg.
Follow-up: renal clinic 2 weeks."""),
    ("2026-07-08", "pathology_report", """ANATOMICAL PATHOLOGY — RENAL BIOPSY (native, left)
Clinical: cSLE, class IV LN 09/2025, persistent proteinuria despite MMF. Repeat biopsy.
Specimen received 08-Jul-26.
Light microscopy: 24 glomeruli, 9 with endocapillary hypercellularity, 2 cellular crescents;
subepithelial deposits with spikes.
Diagnosis: Lupus nephritis ISN/RPS class IV-S (A/C) + V. NIH activity index 10/24, chronicity 3/12."""),
    ("2026-10-14", "hl7_result_export", hl7("Z001", d("2026-10-14"), d("2026-10-14"), FULL)),
    ("2026-10-28", "isbar_telehealth", """ISBAR — telehealth review (video), renal fellow to trial coordinator
S: 13yo F, cSLE with class IV+V LN, nephrotic-range proteinuria persisting after >12 months of
   CellCept + pred. Referred for clinical trial screening.
B: Dx 09/2025. CellCept 900 mg BD (ongoing), prednisolone 10 mg daily, Plaquenil 200 mg.
A: Well on camera, no oedema reported. Ht 151.0 cm (measured at local GP 27/10). BP 118/76.
   SLEDAI-2K 14 (proteinuria, haematuria, low complement, dsDNA, rash). Lansky 80.
   Bloods 14/10: UPCR 160 mg/mmol, Cr 58 umol/L.
R: Trial screening visit to be booked; family keen. Continue CellCept."""),
])

# Z002 — eligible; Quebec, French mixed, RNI, ANA written 1/640.
patient("Z002", "eligible_quebec", notes=[
    ("2025-12-05", "clinic_letter", """CHU mère-enfant, Montréal — Néphrologie pédiatrique
Le 5 décembre 2025
Cher collègue,
Adolescente de 14 ans connue pour un LED (lupus érythémateux disséminé) à début pédiatrique
depuis mars 2025: FAN (ANA) 1/640 moucheté, anti-ADN db positifs, C3 bas.
Atteinte rénale: néphrite lupique, protéinurie 2.1 g/jour au diagnostic.
Traitement: prednisone depuis mars 2025 (actuellement 15 mg die), CellCept 1 g bid depuis
avril 2025, Plaquenil 200 mg die.
Suivi dans 3 mois."""),
    ("2026-06-03", "pathology_report", """Rapport de pathologie — biopsie rénale
Biopsie rénale le 3 juin 2026 (rein droit, 2 carottes, 19 glomérules).
Conclusion: néphrite lupique classe III (A) + V selon ISN/RPS 2018; indice d'activité 7/24,
indice de chronicité 2/12."""),
    ("2026-10-19", "hl7_result_export", hl7("Z002", d("2026-10-19"), d("2026-10-19"), FULL,
                                           {"creat": "71", "upcr": "168"}, facility="CHUME",
                                           french=True)),
    ("2026-10-30", "telehealth_review", """Téléconsultation / telehealth review — 30/10/2026
15 ans, LED + néphrite lupique III+V. 15y F, seen with mother.
Protéinurie persistante (~1.5 g/jour) malgré CellCept 1 g bid x 18 mois et prednisone.
Examen limité (vidéo). Taille 158 cm (clinique infirmière 19/10). créatinine 71 µmol/L.
SLEDAI-2K 10. Lansky 90.
Plan: poursuite CellCept 1 g bid, prednisone 7.5 mg die; référée pour l'étude."""),
])

# Z003 — eGFR 26 (SLE-related): manual for NCT (still eligible), below HO's floor of 45.
patient("Z003", "egfr_below_30", dob="2011-02-03", sex="M",
        ho={"egfr": "not_met"}, nct={"egfr": "manual"}, notes=[
    ("2025-08-20", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Renal Service, Te Whatu Ora Waikato (NZ)
Admission 02/08/2025 - 20/08/2025. 14-year-old boy.
Diagnosis: SLE with class IV lupus nephritis and AKI.
Issues:
1. SLE: ANA 1:2560 homogeneous, anti-dsDNA >300, anti-Sm positive.
2. Lupus nephritis, AKI (peak Cr 310 umol/L). No dialysis required.
3. Induction: IV methylpred pulses x3 then prednisone 1 mg/kg; Endoxan NIH regimen monthly IV
   x6 starting 08/08/2025.
4. Hypertension.
Plan: CellCept maintenance after cyclophosphamide course."""),
    ("2026-01-16", "infusion_chart", """INFUSION CHART — Day Stay, Paediatric Renal
Drug: cyclophosphamide (Endoxan) 750 mg/m2 IV (NIH regimen)
Dose 1 08/08/2025 | Dose 2 09/09/2025 | Dose 3 10/10/2025 | Dose 4 12/11/2025 |
Dose 5 12/12/2025 | Dose 6 14/01/2026 - course COMPLETED.
Mesna and hyperhydration given with each dose. Next: start CellCept 16/01/2026."""),
    ("2026-07-22", "pathology_report", """RENAL BIOPSY REPORT — native kidney
Date of biopsy: 2026-07-22
Findings: 18 glomeruli, 5 globally sclerosed; endocapillary proliferation in 60%; fibrocellular
crescents; moderate IFTA.
Diagnosis: lupus nephritis ISN/RPS class IV-G (A/C). AI 8/24, CI 6/12."""),
    ("2026-10-09", "hl7_result_export", hl7("Z003", d("2026-10-09"), d("2026-10-09"), FULL,
                                           {"creat": "230", "hb": "96", "upcr": "240"},
                                           facility="TWO-LAB")),
    ("2026-10-21", "nurse_clinic", """Nurse-led renal clinic (CNS) — 21/10/2026
15yo M with SLE / class IV LN. Ht 164 cm, Wt 52 kg. BP 128/82.
eGFR (bedside Schwartz) 26 mL/min/1.73m2 from Cr 230 umol/L on 09/10 - consultant notes
the impairment is due to active lupus nephritis.
SLEDAI-2K 16. Lansky 70.
Meds: CellCept 1 g BD (since 16/01/2026), prednisone 15 mg, amlodipine, enalapril.
Urine PCR 240 mg/mmol - persistent nephrotic-range proteinuria."""),
])

# Z004 — ALT/AST > 3xULN from myositis: NCT manual; HO has no exception -> not_met.
patient("Z004", "myositis_transaminases", nct={"alt": "manual", "ast": "manual"},
        ho={"alt": "not_met"}, notes=[
    ("2026-01-14", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Rheumatology, Perth
Admitted 05/01/2026 - discharged 14/01/2026
12-year-old girl. Diagnoses: childhood-onset SLE with overlap inflammatory myositis; lupus nephritis.
Issues:
1. Myositis: proximal weakness, CK 4200 U/L, MRI thighs - symmetrical muscle oedema.
2. SLE: ANA 1:320, dsDNA positive, low C3/C4.
3. Renal: UPCR 260 mg/mmol, active sediment - biopsy to be arranged.
4. Treatment: IV methylprednisolone 3 pulses 06-08/01/2026, then prednisolone 2 mg/kg;
   CellCept commenced 12/01/2026; IVIG for myositis."""),
    ("2026-06-10", "pathology_report", """RENAL BIOPSY — 10/06/2026
Diagnosis: diffuse proliferative lupus nephritis, ISN/RPS class IV (A). AI 9/24, CI 1/12.
No thrombotic microangiopathy."""),
    ("2026-10-06", "hl7_result_export", hl7("Z004", d("2026-10-06"), d("2026-10-06"),
                                           FULL + ["ck"],
                                           {"alt": "150", "ast": "160", "ck": "2900"},
                                           facility="PCH-PATH")),
    ("2026-10-20", "clinic_note", """Rheumatology/renal combined clinic 20/10/2026
12yo F, cSLE-myositis overlap, class IV LN.
Transaminases (ALT 150, AST 160) attributed to active myositis (CK 2900) - liver US normal,
GGT normal. Not hepatic.
SLEDAI-2K 18. Lansky 60. Ht 149 cm.
Meds: CellCept 800 mg BD, prednisolone 20 mg, Plaquenil.
Persistent proteinuria (UPCR 160 mg/mmol) despite 9 months of MMF + steroids."""),
])

# Z005 — Gilbert (TBIL <= 3xULN) and an AST judged against the lab's own range.
patient("Z005", "gilbert_lab_range", dob="2010-09-19", sex="M", notes=[
    ("2025-11-03", "clinic_letter", """Paediatric Nephrology, Vancouver — clinic letter 03/11/2025
Dear Dr Singh, I reviewed this young man with SLE diagnosed 2024 (ANA 1:640, dsDNA positive)
and class IV lupus nephritis (biopsy 2024).
Background: Gilbert syndrome (UGT1A1 genotype confirmed 2022) - isolated unconjugated
hyperbilirubinaemia.
Medications: prednisone 10 mg, CellCept 1 g BD since 06/2024, hydroxychloroquine 200 mg."""),
    ("2026-08-11", "pathology_report", """RENAL PATHOLOGY — 11-Aug-26
Native kidney biopsy. 21 glomeruli.
Diagnosis: lupus nephritis, class III (A) with class V (membranous) component (ISN/RPS)."""),
    ("2026-10-13", "hl7_result_export", hl7("Z005", d("2026-10-13"), d("2026-10-13"), FULL, {
        "tbil": "52", "ast": {"v": "125", "ref": "10-45"}, "creat": "72"}, facility="BCCH-LAB")),
    ("2026-10-27", "isobar_handover", """ISOBAR — renal ward to trial team, 27/10/2026
I: 16 yo M, SLE + class III/V LN.
S: referred for trial screening; persistent proteinuria on CellCept + pred.
O: Ht 171 cm, Wt 60 kg. Bili 52 (Gilbert, unconjugated); AST 125 (lab ref 10-45).
   SLEDAI 2K = 12. Karnofsky 80.
B: on CellCept 1 g BD, prednisone 10 mg.
A: stable.
R: screen this week."""),
])

# Z006 — INR/PT judged against the lab's own ranges (warfarin for renal vein thrombosis).
patient("Z006", "lab_range_coag", notes=[
    ("2025-10-07", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Brisbane
Boy with new SLE (ANA 1:320, anti-dsDNA 180, anti-Sm positive) and nephritis.
Issues:
1. Lupus nephritis, biopsy 02/10/2025 class IV.
2. Commenced prednisolone 2 mg/kg 02/10/2025 and mycophenolate mofetil 600 mg/m2 BD 04/10/2025.
3. Discharged 07/10/2025."""),
    ("2026-07-01", "pathology_report", """Renal biopsy (repeat) 01/07/2026: lupus nephritis ISN/RPS class IV-G (A).
Activity index 8/24, chronicity 2/12.
Incidental: thrombus in a segmental renal vein branch on the core."""),
    ("2026-10-12", "hl7_result_export", hl7("Z006", d("2026-10-12"), d("2026-10-12"), FULL, {
        "inr": {"v": "1.9", "ref": "0.8-1.3"}, "pt": {"v": "20.8", "ref": "11.0-14.5"},
        "creat": "55"}, facility="QCH-PATH")),
    ("2026-10-26", "telehealth_review", """Telehealth review (phone) 26/10/2026
11 yo boy, SLE + class IV LN; left renal vein thrombosis July 2026 - on warfarin, target INR
1.5-2.5; coags 12/10 in the lab export.
SLEDAI-2K 10. Lansky 90. Ht 143 cm (school nurse 20/10).
Meds: mycophenolate 700 mg BD, prednisolone 10 mg, warfarin. Non-responder: UPCR 160 mg/mmol."""),
])

# Z007 — 17 years old with Karnofsky; mother's transplant is family history.
patient("Z007", "karnofsky_family_tx", dob="2009-05-30", sex="F", notes=[
    ("2025-06-12", "clinic_letter", """Adolescent Rheumatology, Melbourne — 12/06/2025
New diagnosis of SLE (ANA 1:1280, anti-dsDNA 250, low C3) with nephritis.
Family history: mother has SLE with lupus nephritis and received a deceased-donor kidney
transplant in 2015. Maternal aunt - Sjogren.
Started prednisolone 40 mg (from 20/05/2025) and CellCept 750 mg BD from 10/06/2025."""),
    ("2026-09-02", "pathology_report", """RENAL BIOPSY — 2026-09-02
Class IV + V lupus nephritis (ISN/RPS 2018); AI 9, CI 2."""),
    ("2026-10-22", "hl7_result_export", hl7("Z007", d("2026-10-22"), d("2026-10-22"), FULL,
                                           {"plt": "95", "creat": "66"}, facility="RCH-LAB")),
    ("2026-11-05", "isbar_handover", """ISBAR handover 05/11/2026
S: 17yo F, SLE/LN class IV+V, referred for trial.
B: CellCept 1 g BD + prednisolone 10 mg since 2025; no transplant (mother is the transplant
   recipient).
A: Karnofsky 70. SLEDAI-2K 11. Ht 163 cm. Plt 95 on 22/10.
R: proceed to screening."""),
])

# Z008 — cyclophosphamide course ended long ago; belimumab only discussed.
patient("Z008", "cyc_ended_bio_hypothetical", notes=[
    ("2025-11-28", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Adelaide
Diagnosis: cSLE; lupus nephritis class IV (biopsy 24/11/2025).
Issues:
1. Induction: IV methylpred x3; prednisolone from 25/11/2025.
2. Endoxan Euro-Lupus 500 mg every 2 weeks x6 planned from 01/12/2025.
3. ANA 1:640, dsDNA 320."""),
    ("2026-03-20", "infusion_chart", """INFUSION CHART — cyclophosphamide (Endoxan) 500 mg IV, Euro-Lupus
01/12/2025 given | 15/12/2025 given | 29/12/2025 given | 12/01/2026 given |
26/01/2026 given | dose 6 given 17/03/2026 (delayed - URTI) - COURSE COMPLETE.
Maintenance CellCept to start 20/03/2026."""),
    ("2026-06-15", "pathology_report", """Repeat renal biopsy 15/06/2026: persistent active lupus nephritis,
ISN/RPS class IV-S (A/C). AI 10/24, CI 3/12."""),
    ("2026-10-08", "hl7_result_export", hl7("Z008", d("2026-10-08"), d("2026-10-08"), FULL,
                                           facility="WCH-LAB")),
    ("2026-10-23", "clinic_note", """Renal clinic 23/10/2026
aged 15, F. Non-responder to Euro-Lupus induction; now CellCept 1.25 g BD (since 20/03/2026) +
prednisolone 12.5 mg.
SLEDAI-2K 12. Lansky 80. Ht 160 cm.
Plan: discussed Benlysta with family - will consider if no response; not started.
No further cyclophosphamide planned."""),
])

# Z009 — filgrastim 7 weeks before the count (outside 14 days); old IV antibiotics.
patient("Z009", "gcsf_and_infection_old", dob="2012-01-25", sex="M", notes=[
    ("2025-07-30", "clinic_note", """Paediatric Renal clinic, Toronto — 30/07/2025
SLE (ANA 1:640) with lupus nephritis. Multitarget therapy: prednisone from 14/07/2025,
Prograf (tacrolimus) from 21/07/2025, CellCept 600 mg/m2 BD added 30/07/2025."""),
    ("2026-07-28", "pathology_report", """Kidney biopsy 28/07/2026 - lupus nephritis class IV (A), ISN/RPS 2018."""),
    ("2026-08-31", "mar", """MEDICATION ADMINISTRATION RECORD — Ward 8B, 27/08/2026 - 31/08/2026
Drug                         | Dose           | Route | Dates given
Filgrastim (Neupogen)        | 5 mcg/kg daily | SC    | 28/08/2026, 29/08/2026, 30/08/2026
Piperacillin-tazobactam      | 100 mg/kg q6h  | IV    | 27/08/2026 - 31/08/2026 (febrile neutropenia, ANC 0.4)
CellCept (MMF)               | 600 mg BD      | PO    | withheld 27-30/08, restarted 31/08/2026
Prograf                      | 2 mg BD        | PO    | given
Prednisone                   | 15 mg mane     | PO    | given"""),
    ("2026-10-20", "hl7_result_export", hl7("Z009", d("2026-10-20"), d("2026-10-20"), FULL,
                                           {"neut": "2.1", "creat": "60"}, facility="SK-LAB")),
    ("2026-11-03", "nurse_clinic", """Nurse-led clinic 03/11/2026
14 yo M. Well. No infections since August.
Ht 155 cm. SLEDAI-2K 9. Lansky 80.
Meds: CellCept 600 mg BD, Prograf 2 mg BD, prednisone 7.5 mg. UPCR 160 mg/mmol - persistent."""),
])

# Z010 — exact thresholds (>= boundaries) and many negated statements.
patient("Z010", "thresholds_negations", notes=[
    ("2025-10-14", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Christchurch
13 yo F. Diagnosis: SLE with lupus nephritis.
Issues:
1. ANA 1:160 homogeneous, dsDNA positive, low C3.
2. Prednisone commenced 06/10/2025; mycophenolate mofetil commenced 10/10/2025.
3. No prior rituximab. Never received cyclophosphamide."""),
    ("2026-08-25", "pathology_report", """Renal biopsy 25/08/2026: lupus nephritis class III (A); no membranous component."""),
    ("2026-10-16", "hl7_result_export", hl7("Z010", d("2026-10-16"), d("2026-10-16"), FULL, {
        "lymph": "1.0", "wbc": "3.0", "neut": "1.5", "hb": "90", "plt": "150", "upcr": "113",
        "creat": "62"}, facility="CDHB-LAB")),
    ("2026-11-02", "nurse_clinic", """Nurse-led clinic 02/11/2026
Ht 154 cm. BP 112/70. SLEDAI-2K = 8. Lansky 70.
Urine bHCG negative - not pregnant. Denies sexual activity.
No history of meningococcal disease; MenACWY and MenB vaccinations completed 2025.
Not on Benlysta; no rituximab ever. No transplant history.
Meds: mycophenolate mofetil 750 mg BD, prednisone 7.5 mg - ongoing."""),
])

# Z011 — cyclophosphamide rescue in the last 3 months: HO excluded; brother's meningococcal.
patient("Z011", "cyc_recent", dob="2014-03-08", sex="F", ho={"x_cyc": "met"}, notes=[
    ("2026-02-10", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Ottawa
Admitted 01/02/2026 - 10/02/2026
Diagnosis: SLE, lupus nephritis class IV (biopsy 04/02/2026).
Issues:
1. ANA 1:640, dsDNA 500.
2. Prednisone from 03/02/2026, CellCept from 06/02/2026.
3. Family history: brother had meningococcal B septicaemia in 2019. Patient never had it."""),
    ("2026-08-18", "pathology_report", """Repeat kidney biopsy 18-Aug-26: lupus nephritis ISN/RPS class IV-G (A), active."""),
    ("2026-10-02", "infusion_chart", """INFUSION CHART — IV cyclophosphamide (Endoxan) 750 mg/m2 rescue
Dose 1 20/08/2026 given | Dose 2 18/09/2026 given | Dose 3 02/10/2026 given."""),
    ("2026-10-15", "hl7_result_export", hl7("Z011", d("2026-10-15"), d("2026-10-15"), FULL,
                                           facility="CHEO-LAB")),
    ("2026-10-29", "isbar_handover", """ISBAR 29/10/2026
S: 12 yo F, class IV LN, refractory.
B: CellCept 1 g BD, prednisone 15 mg; IV Endoxan rescue Aug-Oct 2026.
A: SLEDAI-2K 16. Lansky 70. Ht 148 cm.
R: refer for trial."""),
])

# Z012 — labs exported inside the lookback but collected before it: stale. DOB only in text.
patient("Z012", "stale_labs_dob_in_text",
        nct={k: "unknown" for k in ("cd19", "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil",
                                    "egfr", "inr", "pt")},
        ho={"egfr": "unknown", "hb": "unknown", "alt": "unknown", "x_plt": "unknown"}, notes=[
    ("2025-09-10", "clinic_note", """Renal clinic, Hamilton (ON) 10/09/2025
DOB 21/02/2012. SLE with lupus nephritis; ANA 1:320.
Prednisone started 02/09/2025, CellCept started 08/09/2025."""),
    ("2026-07-14", "pathology_report", """Kidney biopsy 14/07/2026: lupus nephritis class IV (A)."""),
    ("2026-09-05", "hl7_result_export", "Cumulative export printed 05/09/2026. Specimens collected "
     "30-Jul-26.\n" + hl7("Z012", d("2026-09-05"), d("2026-07-30"),
                         [k for k in FULL if k != "upcr"], {"creat": "61"}, facility="HHS-LAB")),
    ("2026-10-10", "nurse_clinic", """Nurse-led clinic 10/10/2026
Spot urine today: UPCR 180 mg/mmol. Ht 150 cm (today).
Bloods not repeated - last FBC/LFT/coags/subsets 30/07/2026.
SLEDAI-2K 10. Lansky 80.
Meds: CellCept 1 g BD, prednisone 10 mg."""),
])

# Z013 — most recent biopsy 8 months old: NCT needs 6 months (unknown), HO 12 (met).
patient("Z013", "biopsy_8_months", dob="2012-06-14", sex="M", nct={"biopsy": "unknown"}, notes=[
    ("2025-08-05", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Sydney
Issues:
1. SLE (ANA 1:640) with nephritis.
2. Prednisolone from 28/07/2025 and CellCept from 01/08/2025."""),
    ("2026-03-10", "pathology_report", """Renal biopsy 10/03/2026: class IV-G (A) lupus nephritis; AI 7, CI 2."""),
    ("2026-10-07", "hl7_result_export", hl7("Z013", d("2026-10-07"), d("2026-10-07"), FULL)),
    ("2026-10-21", "telehealth_review", """Telehealth 21/10/2026
14yo M. Repeat biopsy not planned at present.
SLEDAI-2K 12, Lansky 90, Ht 158 cm. CellCept 1 g BD + prednisolone 10 mg.
Persistent proteinuria UPCR 160 mg/mmol."""),
])

# Z014 — flow cytometry and coagulation never done.
patient("Z014", "no_flow_no_coag", nct={"cd19": "unknown", "inr": "unknown", "pt": "unknown"}, notes=[
    ("2025-10-22", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Wellington
10-year-old girl, new SLE (ANA 1:1280) with lupus nephritis.
Issues:
1. Prednisolone commenced 15/10/2025.
2. CellCept commenced 18/10/2025."""),
    ("2026-07-29", "pathology_report", """Renal biopsy 29/07/2026: class III + V lupus nephritis."""),
    ("2026-10-05", "hl7_result_export", hl7("Z014", d("2026-10-05"), d("2026-10-05"),
                                           ["wbc", "neut", "lymph", "hb", "plt", "creat", "alt",
                                            "ast", "tbil", "upcr"], facility="CCDHB-LAB")),
    ("2026-10-19", "nurse_clinic", """Nurse-led clinic 19/10/2026
Ht 139 cm. SLEDAI-2K 12. Lansky 80.
Lymphocyte subsets not yet sent - to add at next bloods. Coags not indicated.
Meds: CellCept 600 mg BD, prednisolone 10 mg. Proteinuria persists."""),
])

# Z015 — ANA positive without a titre; SLEDAI only stale.
patient("Z015", "ana_no_titre_sledai_stale", dob="2011-11-30", sex="F",
        nct={"ana": "unknown", "sledai": "unknown"}, notes=[
    ("2025-12-02", "clinic_letter", """Paediatric Rheumatology, Calgary 02/12/2025
SLE: ANA positive (homogeneous pattern), anti-dsDNA 210, anti-Sm positive. Lupus nephritis.
Prednisone started 20/11/2025; CellCept started 01/12/2025."""),
    ("2026-06-24", "pathology_report", """Kidney biopsy 24/06/2026: lupus nephritis ISN/RPS class IV (A)."""),
    ("2026-07-08", "clinic_note", """Clinic 08/07/2026: SLEDAI-2K 14. Continue CellCept."""),
    ("2026-10-14", "hl7_result_export", hl7("Z015", d("2026-10-14"), d("2026-10-14"), FULL,
                                           facility="ACH-LAB")),
    ("2026-10-28", "telehealth_review", """Telehealth 28/10/2026 - no examination possible, SLEDAI not scored today.
Lansky 80. Ht 157 cm. CellCept 1 g BD, prednisone 10 mg. Persistent proteinuria."""),
])

# Z016 — the only UPCR in the lookback has an unreadable unit (mg/mmol or mg/g?).
patient("Z016", "upcr_unreadable_unit", nct={"refractory": "unknown"}, ho={"upcr": "unknown"}, notes=[
    ("2025-11-12", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Halifax
9 yo M, SLE (ANA 1:640) with nephritis.
Issues:
1. Prednisone from 04/11/2025.
2. CellCept from 07/11/2025."""),
    ("2026-06-30", "pathology_report", """Renal biopsy 30/06/2026: lupus nephritis class IV (A).
Clinical information: UPCR 310 mg/mmol (28/06/2026)."""),
    ("2026-10-13", "hl7_result_export", hl7("Z016", d("2026-10-13"), d("2026-10-13"), FULL, {
        "upcr": {"v": "150", "unit": "mg/??", "ref": "", "flag": ""}}, facility="IWK-LAB")),
    ("2026-10-27", "isbar_handover", """ISBAR 27/10/2026
S: referred for trial screening. B: CellCept 800 mg BD, prednisone 10 mg.
A: SLEDAI-2K 10. Lansky 90. Ht 136 cm. Urine protein:creatinine from 13/10 came through
   with a corrupted unit - lab asked to re-issue.
R: screen."""),
])

# Z017 — "18 yo" now: NCT unknown (18 or 19 at as-of), HO not_met (wholly above 17).
patient("Z017", "age_18_stated", nct={"age": "unknown"}, ho={"age": "not_met"}, notes=[
    ("2025-12-15", "clinic_letter", """Renal clinic letter, Auckland 15/12/2025
SLE with lupus nephritis; ANA 1:320. Prednisone and CellCept since 03/2024."""),
    ("2026-07-07", "pathology_report", """Renal biopsy 07/07/2026: class IV lupus nephritis, ISN/RPS 2018."""),
    ("2026-10-09", "hl7_result_export", hl7("Z017", d("2026-10-09"), d("2026-10-09"), FULL,
                                           {"creat": "80"}, facility="ADHB-LAB")),
    ("2026-10-30", "clinic_note", """Transition clinic 30/10/2026
18 yo M; transition to adult renal services planned 2027.
SLEDAI-2K 12. Karnofsky 80. Ht 176 cm.
CellCept 1.5 g BD, prednisone 7.5 mg. Persistent proteinuria."""),
])

# Z018 — 7-year-old (NCT met, HO 7 or 8: unknown); one listed agent only; MMF only planned.
patient("Z018", "age_7_one_agent", nct={"refractory": "unknown"},
        ho={"age": "unknown", "mmf": "unknown"}, notes=[
    ("2026-01-20", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Winnipeg
7-year-old girl, cSLE (ANA 1:640) with nephritis.
Issues:
1. Prednisone commenced 12/01/2026.
2. Plaquenil 5 mg/kg.
3. Parents prefer to defer mycophenolate."""),
    ("2026-06-02", "pathology_report", """Kidney biopsy 02/06/2026: lupus nephritis class III (A)."""),
    ("2026-10-08", "hl7_result_export", hl7("Z018", d("2026-10-08"), d("2026-10-08"), FULL,
                                           facility="HSC-LAB")),
    ("2026-10-22", "clinic_note", """Clinic 22/10/2026
SLEDAI-2K 10. Lansky 80. Ht 124 cm.
Meds: prednisone 10 mg, Plaquenil 150 mg.
Plan: start CellCept if proteinuria persists at 3 months."""),
])

# Z019 — height only from 17 months ago; no SLEDAI; ALT flagged H with no range printed.
patient("Z019", "height_stale_alt_flag", dob="2013-08-09", sex="M",
        nct={"egfr": "unknown", "sledai": "unknown"}, ho={"egfr": "unknown", "alt": "not_met"}, notes=[
    ("2025-06-18", "clinic_note", """Renal clinic, Brisbane 18/06/2025
SLE (ANA 1:640) with LN. Wt 38 kg, Ht 141 cm.
Prednisolone since 02/06/2025; CellCept since 10/06/2025."""),
    ("2026-08-12", "pathology_report", """Renal biopsy 12/08/2026: lupus nephritis class IV-G (A)."""),
    ("2026-10-15", "hl7_result_export", hl7("Z019", d("2026-10-15"), d("2026-10-15"), FULL, {
        "alt": {"v": "112", "ref": "", "flag": "H"}}, facility="QCH-PATH")),
    ("2026-10-29", "nurse_clinic", """Nurse-led clinic 29/10/2026
Wt 44 kg; height not measured (stadiometer out of service). Lansky 90.
CellCept 1 g BD, prednisolone 10 mg. Persistent proteinuria."""),
])

# Z020 — only biopsy from 2024; repeat biopsie rénale only planned.
patient("Z020", "old_biopsy_repeat_planned", nct={"biopsy": "unknown"}, ho={"biopsy": "unknown"},
        notes=[
    ("2024-10-03", "pathology_report", """Renal biopsy 03/10/2024: lupus nephritis ISN/RPS class IV-G (A)."""),
    ("2025-11-18", "clinic_letter", """Clinic letter, Québec City, 18/11/2025
LED (SLE), ANA 1:320. Néphrite lupique classe IV 2024. Prednisone + CellCept depuis octobre 2024."""),
    ("2026-10-05", "hl7_result_export", hl7("Z020", d("2026-10-05"), d("2026-10-05"), FULL,
                                           facility="CHUQ", french=True)),
    ("2026-10-26", "telehealth_review", """Télésanté / telehealth 26/10/2026
15yo F. SLEDAI-2K 12. Lansky 80. Taille 161 cm.
CellCept 1 g bid, prednisone 10 mg. Protéinurie persistante.
Plan: biopsie rénale de contrôle prévue le 25 novembre 2026."""),
])

# Z021 — proteinuria only as 24-h collection 0.8 g/day: >= 0.5 (NCT) but < 1.0 (HO).
patient("Z021", "prot24_between_thresholds", dob="2012-10-02", sex="M",
        nct={"sledai": "unknown"}, ho={"upcr": "not_met"}, notes=[
    ("2025-10-30", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, London (ON)
Issues:
1. SLE, ANA 1:640; lupus nephritis.
2. Prednisone from 20/10/2025; Prograf from 22/10/2025; CellCept from 28/10/2025."""),
    ("2026-06-20", "nurse_clinic", """Nurse clinic 20/06/2026: SLEDAI-2K 12. Meds unchanged."""),
    ("2026-07-16", "pathology_report", """Renal biopsy 16/07/2026: lupus nephritis class IV (A)."""),
    ("2026-10-12", "hl7_result_export", hl7("Z021", d("2026-10-12"), d("2026-10-12"),
                                           [k for k in FULL if k != "upcr"] + ["prot24"],
                                           {"prot24": "0.80"}, facility="LHSC-LAB")),
    ("2026-10-26", "clinic_note", """Clinic 26/10/2026
Lansky 80. Ht 160 cm. 24-h urine protein 0.80 g/day (12/10).
CellCept 1 g BD, Prograf 3 mg BD, prednisone 7.5 mg."""),
])

# Z022 — on Benlysta now (HO excluded); last flow cytometry stale.
patient("Z022", "belimumab_current_flow_stale", nct={"cd19": "unknown"}, ho={"x_bio": "met"}, notes=[
    ("2025-09-09", "clinic_letter", """Paediatric Rheumatology, Sydney 09/09/2025
SLE (ANA 1:1280) with LN; prednisolone and CellCept since 08/2025."""),
    ("2026-06-17", "pathology_report", """Renal biopsy 17/06/2026: class IV + V lupus nephritis."""),
    ("2026-07-20", "hl7_result_export", hl7("Z022", d("2026-07-20"), d("2026-07-20"),
                                           ["cd19pct", "cd19abs"], {"cd19pct": "11"},
                                           facility="SCHN-PATH")),
    ("2026-10-16", "hl7_result_export", hl7("Z022", d("2026-10-16"), d("2026-10-16"),
                                           [k for k in FULL if not k.startswith("cd19")],
                                           facility="SCHN-PATH")),
    ("2026-10-30", "infusion_chart", """INFUSION CHART — belimumab (Benlysta) 10 mg/kg IV
Loading: 21/08/2026, 04/09/2026, 18/09/2026. Monthly: 16/10/2026 given. Next due 13/11/2026."""),
    ("2026-11-06", "nurse_clinic", """Nurse-led clinic 06/11/2026
16 yo F. SLEDAI-2K 10. Karnofsky 80. Ht 165 cm.
CellCept 1 g BD, prednisolone 10 mg, Benlysta monthly. Persistent proteinuria."""),
])

# Z023 — CellCept ceased in September (HO not_met); no performance score; no platelets.
patient("Z023", "mmf_stopped_no_ecog", dob="2010-04-22", sex="F",
        nct={"ecog": "unknown"}, ho={"mmf": "not_met", "x_plt": "unknown"}, notes=[
    ("2025-05-14", "clinic_note", """Renal clinic, Dunedin 14/05/2025
SLE (ANA 1:640) with lupus nephritis. Prednisone and CellCept commenced 05/05/2025."""),
    ("2026-08-27", "pathology_report", """Renal biopsy 27/08/2026: lupus nephritis class IV (A)."""),
    ("2026-09-15", "discharge_summary", """DISCHARGE SUMMARY 15/09/2026
Issues:
1. GI intolerance to CellCept - ceased 10/09/2026.
2. Commenced Prograf (tacrolimus) 2 mg BD 11/09/2026.
3. Lupus nephritis class IV, ongoing proteinuria."""),
    ("2026-10-20", "hl7_result_export", hl7("Z023", d("2026-10-20"), d("2026-10-20"),
                                           [k for k in FULL if k != "plt"], facility="SDHB-LAB")),
    ("2026-11-04", "telehealth_review", """Telehealth 04/11/2026
SLEDAI-2K 12. Ht 166 cm.
Meds: Prograf 2 mg BD, prednisone 10 mg, Plaquenil. Remains off mycophenolate.
Persistent proteinuria."""),
])

# Z024 — ANA only 1:40 (SLE by SLICC): NCT ana not_met; HO does not test ANA.
patient("Z024", "ana_below_80", nct={"ana": "not_met"}, notes=[
    ("2025-11-26", "clinic_note", """Renal clinic, Vancouver 26/11/2025
DOB: 2014-07-09. M.
SLE (SLICC 2012: biopsy-proven lupus nephritis with anti-dsDNA positive); ANA 1:40 on HEp-2.
Prednisone started 10/11/2025; CellCept started 14/11/2025."""),
    ("2026-06-29", "pathology_report", """Renal biopsy 29/06/2026: lupus nephritis class IV-G (A)."""),
    ("2026-10-14", "hl7_result_export", hl7("Z024", d("2026-10-14"), d("2026-10-14"),
                                           FULL + ["ana"], {"ana": "1:40"}, facility="BCCH-LAB")),
    ("2026-10-28", "clinic_note", """Clinic 28/10/2026
SLEDAI-2K 12. Lansky 90. Ht 150 cm. CellCept 900 mg BD, prednisone 10 mg. Persistent proteinuria."""),
])

# Z025 — old class IV, new pure class V: NCT not_met; HO accepts pure V.
patient("Z025", "repeat_biopsy_pure_v", dob="2011-07-17", sex="M", nct={"biopsy": "not_met"}, notes=[
    ("2024-09-12", "pathology_report", """Renal biopsy 12/09/2024: lupus nephritis class IV-G (A)."""),
    ("2025-02-10", "clinic_note", """Renal clinic 10/02/2025: SLE (ANA 1:640). Prednisone + CellCept since 09/2024."""),
    ("2026-08-20", "pathology_report", """Repeat renal biopsy 20/08/2026
Diagnosis: membranous lupus nephritis, ISN/RPS class V only. No endocapillary or extracapillary
proliferation; no class III/IV lesions."""),
    ("2026-10-13", "hl7_result_export", hl7("Z025", d("2026-10-13"), d("2026-10-13"), FULL,
                                           facility="MCH-LAB")),
    ("2026-10-29", "isbar_handover", """ISBAR 29/10/2026
S: 15 yo M, SLE, LN now class V. B: CellCept 1 g BD, prednisone 10 mg.
A: SLEDAI-2K 10. Lansky 80. Ht 168 cm. UPCR 160 mg/mmol.
R: trial screening."""),
])

# Z026 — complete renal remission.
patient("Z026", "renal_remission", nct={"refractory": "not_met"}, ho={"upcr": "not_met"}, notes=[
    ("2025-08-27", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Perth
Issues:
1. SLE (ANA 1:640), lupus nephritis.
2. Prednisolone from 18/08/2025, CellCept from 22/08/2025."""),
    ("2026-06-09", "pathology_report", """Renal biopsy 09/06/2026: lupus nephritis class IV (A)."""),
    ("2026-10-06", "hl7_result_export", hl7("Z026", d("2026-10-06"), d("2026-10-06"), FULL,
                                           {"upcr": "30"}, facility="PCH-PATH")),
    ("2026-10-20", "nurse_clinic", """Nurse-led clinic 20/10/2026
14y F. Complete renal remission since Sept 2026 (UPCR 30 mg/mmol).
Arthritis and rash active. SLEDAI-2K 8. Lansky 90. Ht 159 cm.
CellCept 1 g BD, prednisolone 5 mg."""),
])

# Z027 — B cells still depleted after rituximab in January (outside HO's 6 months).
patient("Z027", "cd19_depleted_old_rtx", dob="2013-12-01", sex="M", nct={"cd19": "not_met"}, notes=[
    ("2025-07-08", "clinic_note", """Renal clinic, Melbourne 08/07/2025
SLE (ANA 1:320), LN. Prednisolone + CellCept since 01/07/2025."""),
    ("2026-01-22", "infusion_chart", """INFUSION CHART — rituximab (Mabthera) 750 mg/m2 IV
Dose 1 08/01/2026 given. Dose 2 22/01/2026 given. Course complete."""),
    ("2026-07-02", "pathology_report", """Renal biopsy 02/07/2026: lupus nephritis class IV (A)."""),
    ("2026-10-14", "hl7_result_export", hl7("Z027", d("2026-10-14"), d("2026-10-14"), FULL, {
        "cd19pct": "0.0", "cd19abs": "0"}, facility="RCH-LAB")),
    ("2026-10-28", "clinic_note", """Clinic 28/10/2026
12 yo M. B cells depleted since the rituximab in January. No further rituximab planned.
SLEDAI-2K 12. Lansky 80. Ht 146 cm. CellCept 800 mg BD, prednisolone 10 mg. Persistent proteinuria."""),
])

# Z028 — pegfilgrastim 7 days before the neutrophil count.
patient("Z028", "anc_after_gcsf", nct={"anc": "not_met"}, notes=[
    ("2025-10-01", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Auckland
12-year-old girl. Issues:
1. SLE (ANA 1:640), lupus nephritis.
2. Prednisone from 22/09/2025; CellCept from 26/09/2025."""),
    ("2026-07-21", "pathology_report", """Renal biopsy 21/07/2026: lupus nephritis class IV (A)."""),
    ("2026-10-10", "mar", """MEDICATION ADMINISTRATION RECORD — Day Unit 08/10/2026
Drug                       | Dose              | Route | Date       | Time  | Status
Pegfilgrastim (Neulasta)   | 2 mg (50 mcg/kg)  | SC    | 08/10/2026 | 09:10 | GIVEN
CellCept (MMF)             | 600 mg            | PO    | 08/10/2026 | 08:00 | GIVEN
Prednisone                 | 15 mg             | PO    | 08/10/2026 | 08:00 | GIVEN"""),
    ("2026-10-15", "hl7_result_export", hl7("Z028", d("2026-10-15"), d("2026-10-15"), FULL, {
        "neut": "1.4", "wbc": "3.6", "lymph": "1.1"}, facility="ADHB-LAB")),
    ("2026-10-29", "telehealth_review", """Telehealth 29/10/2026
13-year-old, SLE/LN. SLEDAI-2K 12. Lansky 80. Ht 150 cm.
CellCept continued 600 mg BD, prednisone 10 mg. Persistent proteinuria."""),
])

# Z029 — septic shock in PICU this month: unstable, on IV antibiotics within 2 weeks.
patient("Z029", "septic_shock", dob="2010-12-11", sex="M", nct={"hemo": "not_met"},
        ho={"x_infect": "met"}, notes=[
    ("2025-09-23", "clinic_note", """Renal clinic, Montreal 23/09/2025
SLE (ANA 1:640), LN. Prednisone + CellCept since 15/09/2025."""),
    ("2026-08-04", "pathology_report", """Renal biopsy 04/08/2026: lupus nephritis class IV (A)."""),
    ("2026-11-02", "clinic_note", """Clinic 02/11/2026
SLEDAI-2K 14. Lansky 80. Ht 170 cm. CellCept 1 g BD, prednisone 10 mg. Persistent proteinuria."""),
    ("2026-11-11", "isbar_handover", """ISBAR — PICU handover 11/11/2026 07:30
S: 15yo M with SLE/LN, septic shock from pneumococcal pneumonia.
B: Admitted 09/11/2026. IV ceftriaxone + vancomycin since 09/11/2026.
A: Noradrenaline 0.1 mcg/kg/min, MAP 58. Lactate 3.1.
R: Continue vasopressor and IV antibiotics; CellCept continued."""),
    ("2026-11-12", "hl7_result_export", hl7("Z029", d("2026-11-12"), d("2026-11-12"), FULL, {
        "wbc": "15.2", "neut": "12.8", "lymph": "1.1"}, facility="CHUSJ")),
])

# Z030 — not SLE: C3 glomerulopathy; ANA negative; mother has SLE.
patient("Z030", "sle_ruled_out",
        nct={"sle": "not_met", "biopsy": "not_met", "sledai": "unknown", "refractory": "not_met",
             "cd19": "unknown", "ana": "not_met"},
        ho={"sle": "not_met", "biopsy": "not_met"}, notes=[
    ("2026-06-15", "pathology_report", """Renal biopsy 15/06/2026
C3 glomerulonephritis (C3 glomerulopathy): dominant C3 staining, no immunoglobulin or C1q;
no features of lupus nephritis."""),
    ("2026-06-20", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Sydney
12 yo F with nephritic syndrome.
Issues:
1. ANA negative (<1:40) x2, dsDNA negative, low C3 with normal C4.
2. SLE ruled out - 2019 EULAR/ACR entry criterion not met. Mother has SLE.
3. C3 glomerulopathy - prednisolone and CellCept commenced 20/06/2026."""),
    ("2026-10-13", "hl7_result_export", hl7("Z030", d("2026-10-13"), d("2026-10-13"),
                                           [k for k in FULL if not k.startswith("cd19")],
                                           facility="SCHN-PATH")),
    ("2026-10-27", "clinic_note", """Clinic 27/10/2026
12 yo F, C3G. Lansky 90. Ht 150 cm. CellCept 800 mg BD, prednisolone 15 mg.
UPCR 160 mg/mmol."""),
])

# Z031 — Lansky 40 after a stroke; meningococcal meningitis in 2017.
patient("Z031", "lansky_40_mening_history", dob="2014-01-17", sex="F",
        nct={"ecog": "not_met"}, ho={"x_mening": "met"}, notes=[
    ("2025-08-12", "clinic_note", """Renal clinic, Adelaide 12/08/2025
SLE (ANA 1:640), LN. PMHx: meningococcal meningitis (N. meningitidis serogroup B) 2017, full
recovery. Prednisolone + CellCept since 01/08/2025."""),
    ("2026-07-09", "pathology_report", """Renal biopsy 09/07/2026: lupus nephritis class IV (A)."""),
    ("2026-09-28", "discharge_summary", """DISCHARGE SUMMARY 28/09/2026
Issues:
1. NPSLE - left MCA territory stroke 14/09/2026; right hemiparesis.
2. Lupus nephritis class IV - ongoing proteinuria.
Lansky 40 at discharge."""),
    ("2026-10-20", "hl7_result_export", hl7("Z031", d("2026-10-20"), d("2026-10-20"), FULL,
                                           facility="WCH-LAB")),
    ("2026-11-03", "nurse_clinic", """Nurse-led clinic 03/11/2026
Lansky 40 - mostly in wheelchair. SLEDAI-2K 20. Ht 148 cm.
CellCept 800 mg BD, prednisolone 15 mg."""),
])

# Z032 — pregnant (CellCept ceased); SLEDAI 6.
patient("Z032", "pregnant_sledai_low", nct={"sledai": "not_met"},
        ho={"mmf": "not_met", "x_preg": "met"}, notes=[
    ("2025-10-15", "clinic_note", """Renal clinic, Toronto 15/10/2025
SLE (ANA 1:320), LN. Prednisone + CellCept since 01/10/2025."""),
    ("2026-07-01", "pathology_report", """Renal biopsy 01/07/2026: lupus nephritis class III (A)."""),
    ("2026-10-20", "hl7_result_export", hl7("Z032", d("2026-10-20"), d("2026-10-20"), FULL,
                                           facility="SK-LAB")),
    ("2026-11-06", "isobar_handover", """ISOBAR 06/11/2026
I: 16 yo F, SLE/LN class III.
S: urine bHCG POSITIVE today; serum hCG 5400 IU/L; ~6/40 by dates.
O: SLEDAI-2K 6. Karnofsky 90. Ht 162 cm.
B: CellCept ceased today (teratogenic); azathioprine commenced.
A/R: obstetric referral."""),
])

# Z033 — kidney transplant (HO excluded); Hb 55 then 84 after transfusion.
patient("Z033", "graft_ln_transfused", dob="2009-03-03", sex="M",
        ho={"hb": "not_met", "x_tx": "met"}, notes=[
    ("2025-03-11", "clinic_letter", """Paediatric Renal Transplant clinic, Melbourne 11/03/2025
Class IV LN diagnosed 2019 -> ESKD 2021 -> living-donor kidney transplant (mother) 05/2022.
ANA 1:640. Recurrent lupus nephritis in the allograft suspected.
Meds: Prograf, CellCept, prednisolone since 05/2022."""),
    ("2026-09-09", "pathology_report", """Transplant kidney biopsy 09/09/2026: recurrent lupus nephritis class IV (A);
no rejection (Banff)."""),
    ("2026-10-23", "hl7_result_export", hl7("Z033", d("2026-10-23"), d("2026-10-23"), FULL, {
        "hb": "55", "creat": "110"}, facility="RCH-LAB")),
    ("2026-11-04", "discharge_summary", """DISCHARGE SUMMARY 04/11/2026
Issues:
1. Symptomatic anaemia: Hb 55 g/L on 23/10/2026; 2 units PRBC; Hb 84 g/L on 25/10/2026.
2. Recurrent LN class IV in graft; persistent proteinuria.
SLEDAI-2K 12. Karnofsky 70. Ht 171 cm.
Meds: Prograf 3 mg BD, CellCept 1 g BD, prednisolone 10 mg."""),
])

# Z034 — treated only since June 2026 (< 6 months): not refractory.
patient("Z034", "treatment_recent_start", nct={"refractory": "not_met"}, notes=[
    ("2026-06-25", "pathology_report", """Renal biopsy 25/06/2026: lupus nephritis class IV (A)."""),
    ("2026-06-28", "discharge_summary", """DISCHARGE SUMMARY — Paediatric Nephrology, Christchurch
10 yo M, new SLE (ANA 1:1280) with LN; treatment-naive before this admission.
Issues:
1. IV methylprednisolone 26-28/06/2026, then prednisone.
2. CellCept commenced 30/06/2026."""),
    ("2026-10-09", "hl7_result_export", hl7("Z034", d("2026-10-09"), d("2026-10-09"), FULL,
                                           facility="CDHB-LAB")),
    ("2026-10-23", "nurse_clinic", """Nurse-led clinic 23/10/2026
SLEDAI-2K 12. Lansky 90. Ht 140 cm. CellCept 600 mg BD, prednisone 10 mg. Persistent proteinuria."""),
])

# Z035 — leucopenia, lymphopenia, thrombocytopenia.
patient("Z035", "cytopenias", dob="2012-05-05", sex="F",
        nct={"wbc": "not_met", "lymph": "not_met"}, ho={"x_plt": "met"}, notes=[
    ("2025-09-30", "clinic_note", """Renal clinic, Wellington 30/09/2025
SLE (ANA 1:640), LN. Prednisone + CellCept since 20/09/2025."""),
    ("2026-08-06", "pathology_report", """Renal biopsy 06/08/2026: lupus nephritis class IV (A)."""),
    ("2026-10-19", "hl7_result_export", hl7("Z035", d("2026-10-19"), d("2026-10-19"), FULL, {
        "wbc": "2.4", "lymph": "0.6", "neut": "1.5", "plt": "42", "hb": "102"},
        facility="CCDHB-LAB")),
    ("2026-11-02", "isbar_handover", """ISBAR 02/11/2026
S: 14 yo F, SLE with cytopenias and LN.
A: SLEDAI-2K 16. Lansky 80. Ht 152 cm.
B: CellCept 600 mg BD, prednisone 10 mg. Persistent proteinuria."""),
])


# ---------------------------------------------------------------- derivation
def overall(trial: str, labels: dict[str, str]) -> tuple[str, int]:
    inclusion = {k: v for k, v in labels.items() if not k.startswith("x_")}
    exclusion = {k: v for k, v in labels.items() if k.startswith("x_")}
    if "not_met" in inclusion.values() or "met" in exclusion.values():
        return "ineligible", 0
    if (all(v in ("met", "manual") for v in inclusion.values())
            and all(v in ("not_met", "manual") for v in exclusion.values())):
        return "eligible", 3
    disease_met = all(labels[k] == "met" for k in DISEASE_KEYS[trial])
    return "possible", 2 if disease_met else 1


def completed_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


AGE_PATTERN = re.compile(r"\b(\d{1,2})(?:-year-old| ?yo\b| ?y\b| ans\b)|\baged (\d{1,2})\b")
DOB_PATTERN = re.compile(r"DOB:? (\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4})")


def parse_any(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def age_label_from_range(low: int, high: int, bounds: tuple[int, int]) -> str:
    if bounds[0] <= low and high <= bounds[1]:
        return "met"
    if high < bounds[0] or low > bounds[1]:
        return "not_met"
    return "unknown"


# Where a hand-written lab label differs on purpose from what the HL7 blocks alone
# give: the reason is elsewhere in the notes. The cross-check fails on any other
# difference, and on a listed one that does not occur.
EXPECTED_LAB_DIFFERENCES = {
    ("Z004", NCT, "alt"): "myositis: manual",
    ("Z004", NCT, "ast"): "myositis: manual",
    ("Z005", NCT, "tbil"): "Gilbert syndrome: 3xULN",
    ("Z012", HO, "upcr"): "UPCR 180 mg/mmol in the nurse note of 10/10",
    ("Z021", HO, "upcr"): "24-h protein 0.80 g/day",
    ("Z028", NCT, "anc"): "pegfilgrastim 7 days before the count",
    ("Z033", NCT, "hb"): "Hb 84 g/L after transfusion, in the discharge summary",
}
LOOKBACK_START = date(2026, 8, 22)
DEFAULT_ULN = {"alt": 40.0, "ast": 40.0, "tbil": 21.0, "inr": 1.2, "pt": 13.5}


def _latest(visits: list[tuple[date, dict]], key: str) -> tuple[float, float] | None:
    """(value, ULN) of the most recent readable value of key in the lookback."""
    for collected, values in sorted(visits, key=lambda v: v[0], reverse=True):
        if not LOOKBACK_START <= collected <= AS_OF or key not in values:
            continue
        spec = values[key]
        unit, ref = ANALYTES[key][4], ANALYTES[key][5]
        if isinstance(spec, dict):
            unit, ref, spec = spec.get("unit", unit), spec.get("ref", ref), spec["v"]
        if unit != ANALYTES[key][4]:
            return None  # unreadable unit: left out
        bound = re.search(r"([\d.]+)$", ref)
        return float(spec), float(bound[1]) if bound else DEFAULT_ULN.get(key, 0.0)
    return None


def cross_check_lab_labels(patients: list[dict]) -> list[str]:
    rules = {  # (trial, label key): (analyte, test on (value, ULN))
        (NCT, "lymph"): ("lymph", lambda v, u: v >= 1.0),
        (NCT, "wbc"): ("wbc", lambda v, u: v >= 3.0),
        (NCT, "anc"): ("neut", lambda v, u: v >= 1.0),
        (NCT, "hb"): ("hb", lambda v, u: v >= 60),
        (NCT, "alt"): ("alt", lambda v, u: v <= 3 * u),
        (NCT, "ast"): ("ast", lambda v, u: v <= 3 * u),
        (NCT, "tbil"): ("tbil", lambda v, u: v <= 1.5 * u),
        (NCT, "inr"): ("inr", lambda v, u: v <= 1.5 * u),
        (NCT, "pt"): ("pt", lambda v, u: v <= 1.5 * u),
        (NCT, "cd19"): ("cd19pct", lambda v, u: v > 0),
        (HO, "hb"): ("hb", lambda v, u: v >= 90),
        (HO, "alt"): ("alt", lambda v, u: v <= 2.5 * u),
        (HO, "upcr"): ("upcr", lambda v, u: v / 113 >= 1.0),
        (HO, "x_plt"): ("plt", lambda v, u: v < 50),
    }
    problems, seen = [], set()
    for p in patients:
        visits = LAB_VISITS.get(p["pid"], [])
        for (trial, label), (analyte, test) in rules.items():
            latest = _latest(visits, analyte)
            want = "unknown" if latest is None else "met" if test(*latest) else "not_met"
            got = p[trial][label]
            if got != want:
                if (p["pid"], trial, label) in EXPECTED_LAB_DIFFERENCES:
                    seen.add((p["pid"], trial, label))
                else:
                    problems.append(f"{p['pid']} {trial} {label}: label {got}, lab blocks give {want}")
    for unused in set(EXPECTED_LAB_DIFFERENCES) - seen:
        problems.append(f"expected lab difference {unused} does not occur")
    return problems


def check(patients: list[dict]) -> None:
    problems = []
    ids = [p["pid"] for p in patients]
    if len(ids) != len(set(ids)):
        problems.append("duplicate patient ids")
    if ids != sorted(ids) or len(ids) < 30:
        problems.append("patient ids must be sorted and >= 30")
    note_count = sum(len(p["notes"]) for p in patients)
    if note_count < 110:
        problems.append(f"only {note_count} notes")
    structured = 0
    for p in patients:
        pid = p["pid"]
        if list(p[NCT]) != NCT_KEYS or list(p[HO]) != HO_KEYS:
            problems.append(f"{pid}: criterion keys out of order or unknown")
        for trial in (NCT, HO):
            for key, value in p[trial].items():
                if value not in ("met", "not_met", "unknown", "manual"):
                    problems.append(f"{pid} {trial} {key}: bad status {value!r}")
        for note_date, _, text in p["notes"]:
            if not date.fromisoformat(note_date) < AS_OF:
                problems.append(f"{pid}: note dated {note_date} is not before the as-of")
            if not text.strip():
                problems.append(f"{pid}: empty note")
        # Ages: a structured or "DOB" birth date must give the labelled age status;
        # every stated age must agree with the birth date (when known) or, alone,
        # give the labelled status by the GUIDELINE's range rule.
        birth = date.fromisoformat(p["dob"]) if p["dob"] else None
        structured += birth is not None
        for _, _, text in p["notes"]:
            if match := DOB_PATTERN.search(text):
                text_birth = parse_any(match[1])
                if birth and text_birth != birth:
                    problems.append(f"{pid}: DOB in text disagrees with birth_date")
                birth = birth or text_birth
        for trial in (NCT, HO):
            if birth:
                age = completed_years(birth, AS_OF)
                want = "met" if AGE_RANGE[trial][0] <= age <= AGE_RANGE[trial][1] else "not_met"
                if p[trial]["age"] != want:
                    problems.append(f"{pid} {trial}: age label {p[trial]['age']} but age {age}")
        for note_date, _, text in p["notes"]:
            on = date.fromisoformat(note_date)
            for match in AGE_PATTERN.finditer(text):
                stated = int(match[1] or match[2])
                if birth and completed_years(birth, on) != stated:
                    problems.append(f"{pid}: stated age {stated} on {on} disagrees with birth date")
                if not birth:
                    low = stated + completed_years(on, AS_OF)
                    for trial in (NCT, HO):
                        got = age_label_from_range(low, low + 1, AGE_RANGE[trial])
                        if got != p[trial]["age"]:
                            problems.append(f"{pid} {trial}: stated age {stated} on {on} gives "
                                            f"{got}, label {p[trial]['age']}")
        # Stated ages must be possible together: each bounds the birth date to a year.
        earliest, latest = date.min, date.max
        for note_date, _, text in p["notes"]:
            on = date.fromisoformat(note_date)
            for match in AGE_PATTERN.finditer(text):
                stated = int(match[1] or match[2])
                born_after = on.replace(year=on.year - stated - 1)  # exclusive
                born_by = on.replace(year=on.year - stated)  # inclusive
                earliest, latest = max(earliest, born_after), min(latest, born_by)
        if earliest >= latest:
            problems.append(f"{pid}: stated ages contradict each other")
        if not birth and not any(AGE_PATTERN.search(t) for _, _, t in p["notes"]):
            problems.append(f"{pid}: no age anywhere")
    if not 0.35 <= structured / len(patients) <= 0.65:
        problems.append(f"structured demographics on {structured} of {len(patients)} patients")
    problems += cross_check_lab_labels(patients)
    if problems:
        sys.exit("make_holdout7: self-check failed:\n  " + "\n  ".join(problems))


def main() -> None:
    check(PATIENTS)
    note_lines, gold_lines = [], []
    for p in PATIENTS:
        for number, (note_date, note_type, text) in enumerate(sorted(p["notes"]), start=1):
            row = {"patient_id": p["pid"], "note_id": f"{p['pid']}-{number:02d}",
                   "note_date": note_date, "note_type": note_type, "text": text}
            if p["dob"]:
                row["birth_date"] = p["dob"]
                row["sex"] = p["sex"]
            note_lines.append(json.dumps(row, ensure_ascii=False))
        for trial in (NCT, HO):
            status, relevance = overall(trial, p[trial])
            gold_lines.append(json.dumps({"trial": trial, "patient_id": p["pid"], "status": status,
                                          "relevance": relevance, "criteria": p[trial],
                                          "archetype": p["archetype"]}, ensure_ascii=False))
    (HERE / "notes.jsonl").write_text("\n".join(note_lines) + "\n", encoding="utf-8")
    (HERE / "gold.jsonl").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    for trial in (NCT, HO):
        counts: dict[str, int] = {}
        for p in PATIENTS:
            status = overall(trial, p[trial])[0]
            counts[status] = counts.get(status, 0) + 1
        print(trial, dict(sorted(counts.items())))
    print(f"{len(PATIENTS)} patients, {len(note_lines)} notes")


if __name__ == "__main__":
    main()
