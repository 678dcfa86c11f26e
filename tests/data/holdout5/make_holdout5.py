"""Writes notes.jsonl and gold.jsonl for hold-out 5 (helper holdout5).

Note texts are written by hand below; lab blocks are rendered by small helpers
(so that the same value appears in HL7, LIS-column, SI or inline form).
Gold criterion labels are hand-written per patient (defaults + overrides);
only the patient status and relevance are derived, by GUIDELINE.md's rules.
As-of date: 2026-11-20.
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- lab helpers
def _fmt(v, comma=False):
    s = ("%g" % v) if isinstance(v, float) else str(v)
    return s.replace(".", ",") if comma else s

def hl7(stamp, L):
    """HL7-ish OBX lines, conventional units. stamp 'YYYYMMDDHHMM'."""
    rows, i = [], 0
    def add(code, name, val, unit, rng, flag=""):
        nonlocal i
        i += 1
        rows.append(f"OBX|{i}|NM|{code}^{name}||{val}|{unit}|{rng}|{flag}|||F|||{stamp}")
    if "wbc" in L: add("WBC", "White cell count", L["wbc"], "10*3/uL", "4.5-13.5", "L" if L["wbc"] < 4.5 else "N")
    if "anc" in L: add("NEUT#", "Neutrophils absolute", L["anc"], "10*3/uL", "1.5-8.0", "L" if L["anc"] < 1.5 else "N")
    if "alc" in L: add("LYM#", "Lymphocytes absolute", L["alc"], "10*3/uL", "1.5-6.5", "L" if L["alc"] < 1.5 else "N")
    if "hb" in L: add("HGB", "Haemoglobin", L["hb"], "g/dL", "11.5-15.5", "L" if L["hb"] < 11.5 else "N")
    if "plt" in L: add("PLT", "Platelets", L["plt"], "10*3/uL", "150-450", "L" if L["plt"] < 150 else "N")
    if "creat" in L: add("CREA", "Creatinine serum", L["creat"], "mg/dL", "0.3-0.7", "H" if L["creat"] > 0.7 else "N")
    if "egfr" in L: add("EGFR", "eGFR bedside Schwartz", L["egfr"], "mL/min/1.73m2", ">90", "")
    if "alt" in L: add("ALT", "ALT (SGPT)", L["alt"][0], "U/L", f"0-{L['alt'][1]}", "H" if L["alt"][0] > L["alt"][1] else "N")
    if "ast" in L: add("AST", "AST (SGOT)", L["ast"][0], "U/L", f"0-{L['ast'][1]}", "H" if L["ast"][0] > L["ast"][1] else "N")
    if "tbil" in L: add("TBIL", "Bilirubin total", L["tbil"][0], "mg/dL", f"0.2-{L['tbil'][1]}", "H" if L["tbil"][0] > L["tbil"][1] else "N")
    if "pt" in L: add("PT", "Prothrombin time", L["pt"], "sec", "11.0-14.5", "N")
    if "inr" in L: add("INR", "INR", L["inr"], "", "0.8-1.2", "N")
    if "upcr" in L: add("UPCR", "Urine protein/creatinine ratio", L["upcr"], "mg/mg", "0.0-0.2", "H" if L["upcr"] > 0.2 else "N")
    return "\n".join(rows)

def lis(L, head="LABORATORY INFORMATION SYSTEM - FINAL REPORT"):
    """Indian LIS column printout: /cumm, lakh/cumm, g/dL, mg/dL, own ranges."""
    out = [head, "TEST                         RESULT     FLAG  UNITS          BIO. REF. INTERVAL",
           "-" * 78]
    def row(name, val, flag, unit, rng):
        out.append(f"{name:<29}{val:<11}{flag:<6}{unit:<15}{rng}")
    if "hb" in L: row("Haemoglobin (Hb%)", _fmt(L["hb"]), "L" if L["hb"] < 11.5 else "", "g/dL", "11.5 - 15.5")
    if "wbc" in L: row("Total Leucocyte Count (TLC)", f"{int(round(L['wbc']*1000)):,}", "L" if L["wbc"] < 4.0 else "", "/cumm", "4,000 - 11,000")
    if "anc" in L: row("Absolute Neutrophil Count", f"{int(round(L['anc']*1000)):,}", "L" if L["anc"] < 1.5 else "", "/cumm", "1,500 - 8,000")
    if "alc" in L: row("Absolute Lymphocyte Count", f"{int(round(L['alc']*1000)):,}", "L" if L["alc"] < 1.5 else "", "/cumm", "1,500 - 6,500")
    if "plt" in L: row("Platelet Count", _fmt(round(L["plt"]/100, 2)), "L" if L["plt"] < 150 else "", "lakh/cumm", "1.5 - 4.5")
    if "creat" in L: row("S. Creatinine", _fmt(L["creat"]), "H" if L["creat"] > 0.7 else "", "mg/dL", "0.3 - 0.7")
    if "egfr" in L: row("eGFR (bedside Schwartz)", _fmt(L["egfr"]), "", "mL/min/1.73m2", "> 90")
    if "alt" in L: row("SGPT (ALT)", _fmt(L["alt"][0]), "H" if L["alt"][0] > L["alt"][1] else "", "IU/L", f"5 - {L['alt'][1]}")
    if "ast" in L: row("SGOT (AST)", _fmt(L["ast"][0]), "H" if L["ast"][0] > L["ast"][1] else "", "IU/L", f"5 - {L['ast'][1]}")
    if "tbil" in L: row("Bilirubin - Total", _fmt(L["tbil"][0]), "H" if L["tbil"][0] > L["tbil"][1] else "", "mg/dL", f"0.2 - {L['tbil'][1]}")
    if "pt" in L: row("Prothrombin Time (PT)", _fmt(L["pt"]), "", "seconds", "11.0 - 14.0")
    if "inr" in L: row("INR", _fmt(L["inr"]), "", "", "0.8 - 1.2")
    if "upcr" in L: row("Urine Protein/Creatinine", _fmt(round(L["upcr"]*113)), "H", "mg/mmol", "< 20")
    return "\n".join(out)

def si(L, comma=False):
    """Gulf SI-unit block: g/L, x10^9/L, umol/L, mg/mmol."""
    c = lambda v: _fmt(v, comma)
    out = []
    if "hb" in L: out.append(f"Hb {c(int(round(L['hb']*10)))} g/L (115-155)")
    if "wbc" in L: out.append(f"WBC {c(L['wbc'])} x10^9/L (4.5-13.5)")
    if "anc" in L: out.append(f"ANC {c(L['anc'])} x10^9/L (1.5-8.0)")
    if "alc" in L: out.append(f"ALC {c(L['alc'])} x10^9/L (1.5-6.5)")
    if "plt" in L: out.append(f"Plt {c(L['plt'])} x10^9/L (150-450)")
    if "creat" in L: out.append(f"Creatinine {c(int(round(L['creat']*88.4)))} {'umol/L' if comma else 'µmol/L'} (27-62)")
    if "egfr" in L: out.append(f"eGFR (Schwartz) {c(L['egfr'])} mL/min/1.73m2")
    if "alt" in L: out.append(f"ALT {c(L['alt'][0])} U/L (0-{L['alt'][1]})")
    if "ast" in L: out.append(f"AST {c(L['ast'][0])} U/L (0-{L['ast'][1]})")
    if "tbil" in L: out.append(f"T. bilirubin {c(int(round(L['tbil'][0]*17.1)))} {'umol/L' if comma else 'µmol/L'} (3-{int(round(L['tbil'][1]*17.1))})")
    if "inr" in L: out.append(f"INR {c(L['inr'])} ({c(0.8)}-{c(1.2)})")
    if "pt" in L: out.append(f"PT {c(L['pt'])} s ({c(10.5)}-{c(13.5)})")
    if "upcr" in L: out.append(f"UPCR {c(int(round(L['upcr']*113)))} mg/mmol (<20)")
    return "\n".join(out)

def inline(L):
    """Indian OPD inline shorthand."""
    p = []
    if "hb" in L: p.append(f"Hb% {_fmt(L['hb'])} g/dL")
    if "wbc" in L: p.append(f"TLC {int(round(L['wbc']*1000))}/cumm")
    if "anc" in L: p.append(f"ANC {int(round(L['anc']*1000))}/cumm")
    if "alc" in L: p.append(f"ALC {int(round(L['alc']*1000))}/cumm")
    if "plt" in L: p.append(f"Plt {_fmt(round(L['plt']/100, 2))} lakh/cumm")
    if "creat" in L: p.append(f"S. creat {_fmt(L['creat'])} mg/dL")
    if "egfr" in L: p.append(f"eGFR {_fmt(L['egfr'])} ml/min/1.73m2 (Schwartz)")
    if "alt" in L and "ast" in L:
        p.append(f"SGPT/SGOT {_fmt(L['alt'][0])}/{_fmt(L['ast'][0])} IU/L (ref <{L['alt'][1]} / <{L['ast'][1]})")
    if "tbil" in L: p.append(f"T. bil {_fmt(L['tbil'][0])} mg/dL (ref 0.2-{L['tbil'][1]})")
    if "pt" in L and "inr" in L: p.append(f"PT {_fmt(L['pt'])} s (ref 11-14) / INR {_fmt(L['inr'])} (ref 0.8-1.2)")
    if "upcr" in L: p.append(f"Urine P/C ratio {_fmt(L['upcr'])} mg/mg")
    return ", ".join(p)

def flow(date_txt, lymph_abs, cd19_pct, cd19_abs, cd3=None, extra=""):
    cd3 = cd3 or (round(lymph_abs * 0.7))
    return (f"LYMPHOCYTE SUBSET ANALYSIS (TBNK) - FLOW CYTOMETRY (BD FACSLyric)\n"
            f"Sample collected: {date_txt}   Specimen: EDTA whole blood\n"
            f"Parameter                 %Lymph    Abs (cells/µL)   Ref (%) / Ref (abs)\n"
            f"Total lymphocytes           -        {lymph_abs}             - / 1500-6500\n"
            f"CD3+ T cells               {round(cd3/lymph_abs*100)}        {cd3}             55-78 / 1000-4000\n"
            f"CD19+ B cells              {cd19_pct}        {cd19_abs}             6-23 / 110-570\n"
            f"CD16+56+ NK cells          {round(100-round(cd3/lymph_abs*100)-float(cd19_pct))}        -               4-26 / -\n"
            f"{extra}\nReported by: Dr. ***, Dept. of Lab Immunology").strip()

NOTES, GOLD_IN = [], {}

def note(pid, nid, date, ntype, text, demo=None):
    row = {"patient_id": pid, "note_id": f"{pid}-{nid}", "note_date": date, "note_type": ntype, "text": text.strip("\n")}
    if demo:
        row["birth_date"], row["sex"] = demo
    NOTES.append(row)

ROS = """Review of systems:
[ ] Fever  [ ] Weight loss  [ ] Seizures  [ ] Psychosis  [ ] Visual disturbance
[ ] Oral ulcers  [ ] Alopecia  [ ] Chest pain  [ ] Haemoptysis  [ ] Abdominal pain
Pertinent negatives: no headache, no blurring of vision, no joint swelling, no bleeding, no jaundice."""

# ======================================================================= V001
P, D = "V001", ("2012-04-09", "F")
note(P, "N1", "2025-01-08", "discharge summary", f"""
DISCHARGE SUMMARY - Dept. of Paediatric Nephrology
Name: Baby *** (girl)    UHID: 20250108***   Age/Sex: 12 yr / F
DOA: 18/12/24   DOD: 08/01/25
Diagnosis: Childhood-onset SLE with lupus nephritis, ISN/RPS class IV-G (A) (renal biopsy 20.12.2024)
k/c/o: nil significant past history. Immunisation up to date.
Family h/o: maternal aunt k/c/o SLE, ESRD - s/p renal transplant 2019. Mother k/c/o hypothyroidism. No h/o TB contact.
Investigations: ANA (IIF, HEp-2) 1:640 homogeneous; anti-dsDNA 312 IU/mL; C3 38 mg/dL (L), C4 4 mg/dL (L).
 Hb% 8.9 g/dL, TLC 3900/cumm, DLC N78 L18 M3 E1, Plt 1.1 lakh/cumm, S. creat 0.9 mg/dL, UPCR 4.1 mg/mg (on 19/12/24);
 24-h urine protein 62 mg/m2/h (nephrotic range), 20/12/24.
Treatment given: Inj. MP pulse 30 mg/kg x 3 days (21/12/24 - 23/12/24) followed by T. Wysolone 40 mg OD.
 Inj. cyclophosphamide 500 mg IV (Euro-Lupus) started 26/12/24, to be given 2-weekly x 6 doses.
 Tab. HCQS 200 mg OD, Tab. Enalapril 2.5 mg BD, calcium/vit D.
Allergies: NKDA
Advice on discharge: review in day-care on 09/01/25 for 2nd dose Euro-Lupus.
""", D)
note(P, "N2", "2025-04-15", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD - FOLLOW-UP
12 yr old girl, k/c/o SLE with LN class IV (Dec'24).
Euro-Lupus cyclophosphamide completed - 6/6 doses, last dose 06/03/25.
Problem list (copied forward):
 1. cSLE with LN class IV-G (A)
 2. Hypertension - controlled
 3. Steroid-induced cushingoid habitus
Current: T. Wysolone 15 mg OD (tapering), Tab. MMF (Mycofit) 500 mg BD started today 15/4/25, HCQS 200 mg OD.
UPCR today 0.9 mg/mg (partial response).
Plan: continue MMF maintenance; review 3 months.
""", D)
note(P, "N3", "2026-09-18", "renal biopsy report", """
RENAL PATHOLOGY REPORT
Specimen: Percutaneous renal biopsy (left), date of procedure: 15/09/2026
Clinical details: k/c/o SLE, LN class IV (2024); relapse with nephrotic-range proteinuria on MMF.
Light microscopy: 24 glomeruli, 2 globally sclerosed. 15 show endocapillary hypercellularity with
 karyorrhexis; 3 cellular crescents. Subepithelial deposits with spikes on silver stain.
IF: IgG 3+, IgA 2+, IgM 2+, C3 3+, C1q 3+ ("full house").
IMPRESSION: Lupus nephritis, ISN/RPS 2018 class IV-G (A) + V.
 NIH activity index 10/24, chronicity index 2/12.
""", D)
L1 = dict(wbc=6.9, anc=4.6, alc=1.6, hb=10.9, plt=265, creat=0.62, egfr=88, alt=(24, 40), ast=(30, 40),
          tbil=(0.4, 1.2), pt=13.2, inr=1.04, upcr=2.4)
note(P, "N4", "2026-11-02", "OPD note", f"""
PEDIATRIC RHEUMATOLOGY / NEPHROLOGY COMBINED CLINIC   Visit date: 02-11-2026
CC: frothy urine, pedal oedema x 3 weeks
HPI: 14 yr old girl, k/c/o cSLE with LN (class IV, 2024) on Tab. MMF 1 g BD + T. Wysolone 10 mg OD + HCQS.
Renal relapse; repeat biopsy 15/09/26 showed class IV-G (A) + V. Inj. MP pulse x 3 given 20/09/26-22/09/26.
Not in remission despite MMF + steroids > 18 months.
PMH: [x] Hypertension  [ ] Seizures  [ ] Thrombosis  [ ] Diabetes  [x] Lupus nephritis
Allergies: NKDA
{ROS}
Family history: maternal aunt with SLE (renal transplant 2019). No sibling affected.
Exam: Wt 41 kg, Ht 151 cm, BP 124/82, mild pedal oedema, malar rash +.
SLEDAI-2K: 14 (proteinuria 4, haematuria 4, low complement 2, anti-dsDNA 2, rash 2)
Lansky play-performance: 80
Urine pregnancy test: negative.
LABS (collected 02/11/2026 08:40):
{hl7('202611020840', L1)}
Assessment: refractory LN with active proteinuria.
Plan: screening for CAR-T trial; flow cytometry sent. Inj. Rituximab *** (discuss if trial not feasible).
""", D)
note(P, "N5", "2026-11-03", "flow cytometry report", flow("03/11/2026", 2140, "9.8", 210), D)

# ======================================================================= V002
P, D = "V002", None
note(P, "N1", "2025-03-20", "referral letter", """
DISTRICT HOSPITAL, SIKAR - REFERRAL SLIP
To: The HOD, Paediatric Nephrology, tertiary centre
Respected Sir/Madam,
Referring Master ***, 11 yrs male, c/o facial puffiness and frothy urine x 3 weeks, joint pains x 1 month.
Urine albumin 3+, RBC 20-25/hpf. ? Nephrotic syndrome ? Lupus nephritis. ANA sent - report awaited.
Started T. Wysolone 30 mg/day on 18/03/25. No h/o TB. No h/o blood transfusion.
Kindly evaluate and do the needful. Thanking you.
""")
note(P, "N2", "2025-05-06", "discharge summary", """
DISCHARGE SUMMARY
Master ***, 11 yr / M.  DOA 28/04/2025  DOD 06/05/2025
Final diagnosis: SLE with lupus nephritis ISN/RPS class III (A) - renal biopsy 02/05/2025.
ANA (IIF) positive 1:320 speckled; anti-dsDNA positive; C3 low.
Treatment: T. Wysolone continued (1 mg/kg), Tacrolimus (Pangraf) 1 mg BD started 04/05/25 (trough target 5-8),
 Tab. HCQS 200 mg OD, Tab. Ramipril.
Allergies: NKDA.  Follow-up: Nephrology OPD in 2 weeks with Tac trough.
""")
note(P, "N3", "2026-07-02", "renal biopsy report", """
HISTOPATHOLOGY - RENAL BIOPSY   Lab No. RB/26/0412
Date of biopsy: 30-06-2026   Received: 30-06-2026
Clinical: 12 yr boy, LN class III (2025), persistent proteinuria on tacrolimus + steroids.
Microscopy: 18 glomeruli; 6 (33%) show segmental endocapillary proliferation, 2 fibrocellular crescents.
 No membranous component. Tubular atrophy ~10%.
DIAGNOSIS: Focal proliferative lupus nephritis, ISN/RPS class III (A/C). AI 7/24, CI 3/12.
""")
note(P, "N4", "2026-07-10", "day-care nursing note", """
DAY-CARE INFUSION - NURSING NOTES    Date: 10.07.2026
Pt: Master ***, 12/M, Bed DC-4. Diagnosis: LN class III.
09:50 Premedication: Inj. hydrocortisone 100 mg IV, T. PCM 500 mg, Inj. pheniramine 22.75 mg IV given.
10:30 Inj. Rituximab (Reditux) 500 mg in 500 mL NS started at 25 mL/h, stepped up per protocol.
12:00 Vitals: HR 96, BP 110/70, SpO2 99% RA, T 98.4F. No rash, no rigors.
15:10 Infusion completed. No adverse reaction. Pt discharged stable with attendant.
Signature: SN ***
""")
L2 = dict(hb=11.4, wbc=7.1, anc=4.3, alc=2.0, plt=232, creat=0.55, egfr=94, alt=(31, 45), ast=(27, 40),
          tbil=(0.5, 1.0), pt=12.6, inr=0.98, upcr=1.59)
note(P, "N5", "2026-10-20", "OPD note", f"""
NEPHROLOGY OPD   20/10/26
12 yr/M, k/c/o SLE with LN class III (A/C) (rebiopsy 30/6/26).
Rx: T. Wysolone 10 mg OD since Mar'25, Tacrolimus (Pangraf) 1.5 mg BD since May'25, Tab. MMF (Mycofit) 500 mg BD added Jul'26,
 HCQS 200 mg OD. s/p Inj. Rituximab 500 mg (10/07/26).
Still 2+ albumin; oedema mild. ECOG 1.
SLEDAI-2K 10.
Allergies: NKDA      Immunisation: ***
Labs (18.10.2026):
{lis(L2)}
Flow cytometry (18/10/26): CD19+ B cells 2.1 % (35 cells/uL) - early B-cell repopulation.
Impression: refractory LN (not in remission after > 1 yr of steroid + CNI, MMF added).
Plan: refer for CAR-T screening. Continue present Rx.
""")

# ======================================================================= V003
P, D = "V003", None
note(P, "N1", "2024-06-10", "discharge summary", """
DISCHARGE SUMMARY - Paediatric Rheumatology, Dubai
Patient: *** (female)   DOB: 03.02.2007   MRN: DXB-***
Admission: 28/05/2024 - 10/06/2024
Diagnosis: Juvenile-onset SLE with lupus nephritis, class IV (biopsy 30/05/2024).
ANA 1:1280 (HEp-2, homogeneous); anti-Sm positive; C3/C4 low.
Treatment: IV methylprednisolone 500 mg x 3 (31/05-02/06/24), oral prednisolone 40 mg daily,
 mycophenolate mofetil 750 mg BD from 05/06/2024, hydroxychloroquine 200 mg daily.
Allergies: Penicillin (rash).
""")
note(P, "N2", "2026-09-25", "renal biopsy report", """
ANATOMIC PATHOLOGY - KIDNEY BIOPSY
Procedure date: 22/09/2026 (10 Rabi al-Akhir 1448 AH)
History: SLE, LN class IV 2024; nephritic flare on MMF.
Findings: 21 glomeruli; segmental endocapillary proliferation in 12/21 (57%); wire loops; no crescents.
Final diagnosis: Lupus nephritis ISN/RPS class IV-S (A). Activity 8/24, chronicity 1/12.
""")
L3 = dict(hb=11.8, wbc=5.9, anc=3.6, alc=1.5, plt=198, creat=0.78, egfr=101, alt=(19, 41), ast=(23, 40),
          tbil=(0.5, 1.2), inr=1.05, pt=12.4, upcr=1.9)
note(P, "N3", "2026-10-30", "OPD note", f"""
RHEUMATOLOGY CLINIC - TRANSITION CLINIC   Date: 30/10/2026 (19 Jumada al-Ula 1448 AH)
*** 19-year-old woman (DOB 03/02/2007), jSLE with LN IV, on MMF 1 g BD + prednisolone 10 mg + HCQ since 2024.
Now proteinuric flare; rebiopsy 22/09/26 class IV-S (A).
SLEDAI-2K = 12.  Karnofsky 80%.
Labs today:
{si(L3)}
Flow cytometry 30/10/26: CD19+ B cells 10.4 % of lymphocytes, 156 cells/uL.
Urine beta-hCG negative.
Plan: discuss options incl. adult CAR-T programmes. Transfer to adult rheumatology ***.
""")

# ======================================================================= V004
P, D = "V004", ("2011-08-22", "M")
note(P, "N1", "2025-12-12", "renal biopsy report", """
DEPARTMENT OF PATHOLOGY - RENAL BIOPSY REPORT
Biopsy no.: R-1187/25     Date of biopsy: 10/12/2025
Clinical: 14 yr boy, new-onset nephrotic-nephritic syndrome, ANA positive.
LM: 26 glomeruli, diffuse global endocapillary proliferation in 19; subepithelial deposits.
IF: full-house pattern.  EM: subendothelial and subepithelial deposits.
Diagnosis: Lupus nephritis class IV-G (A) + V (ISN/RPS 2018). AI 11/24, CI 1/12.
""", D)
note(P, "N2", "2025-12-20", "discharge summary", """
DISCHARGE SUMMARY
Diagnosis: SLE with LN class IV + V (bx 10/12/25). ANA 1:320 (speckled), anti-dsDNA 480 IU/mL.
Rx in hospital: Inj. MP pulse 500 mg x 3 (11/12 - 13/12/25); T. Wysolone 1 mg/kg/day; Tab. MMF 500 mg BD from 18/12/25.
Inj. cyclophosphamide NOT given i/v/o parental refusal (fertility concerns).
Allergies: NKDA. Pertinent negatives: no seizures, no psychosis, no serositis.
""", D)
note(P, "N3", "2026-06-14", "tele-consultation note", """
TELE-CONSULTATION (video)   14.06.2026
Father connected. Child 14 yr, LN IV+V on MMF 750 mg BD + Wysolone 10 mg.
UPCR (12/06/26, local lab) 0.9 mg/mg; 24-h urine protein 0.85 g/day (24 mg/m²/h) - partial response. No oedema per father.
Advice: continue; next visit Oct'26 with full labs.
""", D)
L4 = dict(wbc=8.2, anc=5.5, alc=1.9, hb=12.2, plt=301, creat=0.7, egfr=92, alt=(29, 40), ast=(26, 40),
          tbil=(0.6, 1.2), pt=12.1, inr=0.97, upcr=1.4)
note(P, "N4", "2026-10-08", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   08-10-2026
15 yr old boy, k/c/o SLE with LN IV+V (biopsy Dec'25).
Rx: Tab. MMF 1 g BD, T. Wysolone 7.5 mg OD, HCQS 200 mg OD since Dec'25.
Proteinuria increasing again after partial response -> no remission at 10 months.
SLEDAI-2K: 10     Lansky: 90
{ROS}
Labs 08/10/2026:
{hl7('202610080900', L4)}
Plan: repeat renal biopsy if proteinuria persists at next visit. Screening for clinical trials.
""", D)
note(P, "N5", "2026-10-09", "flow cytometry report", flow("09/10/2026", 1880, "14.0", 263), D)
# ======================================================================= V005
P, D = "V005", ("2013-01-15", "F")
note(P, "N1", "2025-02-10", "discharge summary", """
DISCHARGE SUMMARY
Kum. ***, 12 yr/F.  DOA 30/01/25  DOD 10/02/25
Dx: SLE, LN class IV-G (A) (biopsy 03/02/25). ANA 1:160 (IIF), dsDNA +, low C3.
Rx: Inj. MP pulse x 3, T. Wysolone 40 mg OD, Tab. MMF 500 mg BD from 12/02/25, HCQS.
""", D)
note(P, "N2", "2026-06-20", "renal biopsy report", """
RENAL BIOPSY REPORT       Date of biopsy: 18/06/2026
Clinical: relapse of LN (class IV 2025) on MMF.
LM: 22 glomeruli, 14 with global endocapillary proliferation, 4 cellular and 2 fibrocellular crescents.
Impression: Lupus nephritis ISN/RPS class IV-G (A/C). AI 12/24, CI 3/12.
""", D)
note(P, "N3", "2026-06-25", "discharge summary", """
DISCHARGE SUMMARY (relapse admission)  DOA 17/06/26  DOD 25/06/26
13 yr/F with LN class IV relapse (rebiopsy 18/6/26).
Tab. MMF withheld. Inj. cyclophosphamide 500 mg IV (Euro-Lupus) 1st dose given 24/06/26; to continue 2-weekly x 6 in day-care.
T. Wysolone 30 mg OD. HCQS 200 mg OD.
""", D)
note(P, "N4", "2026-10-22", "day-care nursing note", """
DAY CARE - CHEMO/IMMUNOSUPPRESSION INFUSION RECORD    22.10.2026
Kum. ***  13/F  Wt 36 kg
Pre-infusion: TLC 4800/cumm - fit for infusion per Dr. ***.
11:15 Inj. Ondansetron 4 mg IV. 11:30 Inj. cyclophosphamide 500 mg in 250 mL NS over 1 h (Euro-Lupus dose 6/6;
 doses delayed twice for low counts). Mesna as per protocol. Hydration 2x maintenance.
12:40 completed. Vitals stable. Sent home.
""", D)
L5 = dict(wbc=5.4, anc=2.8, alc=1.1, hb=9.8, plt=180, creat=0.58, egfr=90, alt=(34, 40), ast=(38, 40),
          tbil=(0.4, 1.2), pt=12.8, inr=1.02, upcr=2.2)
note(P, "N5", "2026-11-10", "inpatient progress note", f"""
PROGRESS NOTE - Paed Ward 3   10/11/2026
13 yr/F, LN IV-G (A/C), post Euro-Lupus CYC (6th dose 22/10/26).
Febrile neutropenia excluded - afebrile throughout, no focus of infection. CBC 03/11/26: TLC 1900/cumm, ANC 600/cumm.
Inj. G-CSF (filgrastim, Grafeel) 300 mcg SC OD given on 05/11/26 and 06/11/26.
Repeat CBC today (10/11/26): {inline(dict(hb=9.8, wbc=5.4, anc=2.8, alc=1.1, plt=180))}
RFT/LFT/coag (10/11/26): {inline(dict(creat=0.58, egfr=90, alt=(34, 40), ast=(38, 40), tbil=(0.4, 1.2), pt=12.8, inr=1.02))}
UPCR 2.2 mg/mg.  SLEDAI-2K 12.  ECOG 1.
Flow (10/11/26): CD19+ 6.0 %, 66 cells/uL.
Plan: MMF to be restarted 2 weeks post-CYC; refer for CAR-T if not in remission.
""", D)

# ======================================================================= V006
P, D = "V006", None
note(P, "N1", "2025-09-01", "referral letter", """
Sultanate of Oman - Regional Hospital Referral
Date: 01/09/2025 (9 Rabi al-Awwal 1447 AH)
Dear Colleague, kindly see this girl, 9 years old, with SLE and nephritis (proteinuria 3+, haematuria).
ANA 1:1280, anti-dsDNA strongly positive. Prednisolone 2 mg/kg started 10/08/2025;
mycophenolate mofetil 400 mg BD started 28/08/2025. Please assess for renal biopsy.
""")
note(P, "N2", "2026-07-05", "renal biopsy report", """
KIDNEY BIOPSY REPORT   Biopsy date: 01/07/2026
History: SLE with nephritis on MMF and steroids; biopsy for activity assessment.
Light microscopy: 19 glomeruli, 15 with global endocapillary hypercellularity, wire loops, hyaline thrombi.
Diagnosis: Diffuse proliferative lupus nephritis, ISN/RPS class IV-G (A). AI 13/24, CI 2/12.
""")
L6 = dict(hb=9.6, wbc=6.1, anc=4.0, alc=1.5, plt=210, creat=0.5, egfr=105, alt=(22, 40), ast=(28, 40),
          tbil=(0.3, 1.2), inr=1.0, pt=12.0, upcr=3.1)
note(P, "N3", "2026-07-30", "OPD note", f"""
PAEDIATRIC NEPHROLOGY CLINIC   30-07-2026
10/F, SLE with LN IV (bx 1/7/26) on MMF 600 mg/m2 BD + prednisolone 1 mg/kg.
SLEDAI-2K 16.  Lansky 70.
Labs (28/07/2026):
{si(L6)}
Flow cytometry (28/07/26): CD19+ 20 %, 300 cells/uL.
Plan: continue; consider add-on tacrolimus next visit.
""")
note(P, "N4", "2026-10-15", "tele-consultation note", """
TELE-CONSULTATION (audio)   15/10/2026
Informant: mother. Child 10 yr, LN class IV.
Mother reports child active, attending school, mild facial puffiness in mornings.
Labs: ***  (mother to share reports on WhatsApp - not received yet)
Last available labs (28/07/26): Hb 96 g/L, UPCR 350 mg/mmol, creatinine 44 umol/L.
SLEDAI-2K: ***
Advice: get CBC, RFT, LFT, UPCR, coagulation and lymphocyte subsets done and review in clinic.
""")

# ======================================================================= V007
P, D = "V007", ("2010-05-30", "F")
note(P, "N1", "2023-11-20", "renal biopsy report", """
RENAL BIOPSY   Date: 18/11/2023
13 yr girl, new-onset SLE. 20 glomeruli; segmental endocapillary proliferation in 5 (25%).
Diagnosis: Lupus nephritis class III (A) (ISN/RPS).
""", D)
note(P, "N2", "2024-01-10", "discharge summary", """
DISCHARGE SUMMARY   DOD 10/01/2024
Dx: SLE with LN class III (A). ANA 1:320 homogeneous.
Rx: Inj. cyclophosphamide 500 mg (Euro-Lupus) x 6 (Nov'23 - Jan'24), T. Wysolone taper,
 then Tab. MMF (Mycofit) 500 mg BD from 12/01/24. HCQS.
""", D)
note(P, "N3", "2026-08-28", "renal biopsy report", """
RENAL PATHOLOGY   Date of biopsy: 26/08/2026
Clinical: 16 yr F, SLE, LN III (2023); now persistent sub-nephrotic proteinuria on MMF.
LM: 23 glomeruli. Diffuse uniform GBM thickening with spikes; no endocapillary proliferation,
 no crescents, no necrosis. One glomerulus with a segmental scar - ? old class III lesion; no active proliferative lesion.
IF: IgG 3+ granular capillary wall, C3 2+, C1q 1+.
FINAL DIAGNOSIS: Membranous lupus nephritis, ISN/RPS class V (pure). No class III/IV component.
""", D)
L7 = dict(wbc=6.4, anc=4.1, alc=1.6, hb=12.5, plt=240, creat=0.6, egfr=99, alt=(18, 40), ast=(21, 40),
          tbil=(0.5, 1.2), pt=12.5, inr=1.0, upcr=1.8)
note(P, "N4", "2026-10-12", "OPD note", f"""
NEPHROLOGY OPD   12/10/26
16/F, k/c/o SLE; LN class V (pure) on rebiopsy 26/8/26; earlier class III (2023).
Rx: Tab. MMF 1 g BD, T. Wysolone 5 mg, HCQS, Tab. Losartan 25 mg.
SLEDAI-2K 8.  ECOG 0.
Labs (12/10/26):
{hl7('202610120830', L7)}
Flow: CD19+ B cells 12 % / 190 cells/uL (12/10/26).
Plan: add tacrolimus (multitarget) for membranous LN. Not a candidate for proliferative-LN trials.
""", D)

# ======================================================================= V008
P, D = "V008", None
note(P, "N1", "2026-09-12", "OPD note", """
PAEDIATRIC OPD   12.09.2026
9 yr old boy c/o cola-coloured urine x 4 days, 2 days after a sore throat. No rash, no joint pain, no oral ulcers.
Family h/o: mother k/c/o SLE (on HCQS), maternal uncle on maintenance haemodialysis.
BP 118/76. Urine: RBC plenty, protein 2+.
Impression: ? lupus nephritis  r/o IgA nephropathy / post-infectious GN.
Plan: ANA, dsDNA, C3/C4, ASO; renal biopsy if persistent.
""")
note(P, "N2", "2026-09-20", "renal biopsy report", """
RENAL BIOPSY REPORT   Biopsy date: 18/09/2026
LM: 16 glomeruli with mesangial hypercellularity; no endocapillary proliferation, no crescents.
IF: dominant mesangial IgA 3+, C3 2+, IgG neg, C1q NEGATIVE.
Diagnosis: IgA nephropathy (Oxford MEST-C: M1 E0 S0 T0 C0). No features of lupus nephritis.
""")
L8 = dict(hb=12.1, wbc=8.2, anc=4.8, alc=2.6, plt=310, creat=0.5, egfr=102, alt=(18, 40), ast=(22, 40),
          tbil=(0.3, 1.2))
note(P, "N3", "2026-10-05", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   05-10-2026
9/M, biopsy-proven IgA nephropathy (18/9/26).
Immunology: ANA (IIF) weakly positive 1:40 (negative at 1:80 screening dilution); anti-dsDNA negative; C3, C4 normal.
SLE ruled out - does not fulfil 2019 EULAR/ACR classification criteria. Mother's SLE noted (family history only).
Labs (05/10/26): {inline(L8)}
Rx: Tab. Enalapril 2.5 mg BD. No immunosuppression at present.
""")
note(P, "N4", "2026-11-01", "tele-consultation note", """
TELE-CONSULT   01/11/2026
9 yr boy, IgAN on enalapril. Local lab UPCR 0.7 mg/mg (30/10/26). No gross haematuria.
Plan: continue ACEi, review in 3 months.
""")
# ======================================================================= V009
P, D = "V009", ("2014-11-02", "M")
note(P, "N1", "2025-10-10", "discharge summary", """
DISCHARGE SUMMARY   DOA 29/09/25  DOD 10/10/25
Master ***, 10 yr/M. Dx: cSLE with LN class IV (biopsy 01/10/25, outside report).
ANA 1:640 speckled, dsDNA 220 IU/mL, C3 41.
Rx: Inj. MP pulse x 3 (02-04/10/25), T. Wysolone 30 mg OD, Tab. MMF 400 mg BD from 05/10/25, HCQS 100 mg OD.
""", D)
note(P, "N2", "2026-06-10", "renal biopsy report", """
RENAL BIOPSY   Procedure: 08.06.2026
Clinical: LN IV (Oct'25), non-response at 8 months.
LM: 20 glomeruli; segmental endocapillary proliferation in 11 (55%), subepithelial deposits.
Impression: Lupus nephritis, ISN/RPS class IV-S (A) + V. AI 9/24, CI 2/12.
""", D)
note(P, "N3", "2026-06-29", "day-care nursing note", """
DAY CARE NURSING RECORD   29/06/2026
11/M, Wt 34 kg, BSA 1.15 m2.  Inj. Rituximab (Reditux) 375 mg/m2 = 430 mg IV - DOSE 2 of 2 (dose 1 given 15/06/26).
Premed given (hydrocortisone, cetirizine, PCM). Infusion 10:05-14:20. Mild throat itching at 11:00 - rate halved, settled.
Discharged stable.
""", D)
note(P, "N4", "2026-10-28", "flow cytometry report", flow("28/10/2026", 1450, "0.0", 0, cd3=1180,
     extra="Comment: CD19+ B cells not detected (0 cells/uL) - B-cell depletion, consistent with prior anti-CD20 therapy."), D)
L9 = dict(wbc=5.6, anc=3.5, alc=1.5, hb=11.1, plt=205, creat=0.52, egfr=104, alt=(26, 40), ast=(31, 40),
          tbil=(0.4, 1.2), pt=13.0, inr=1.03, upcr=1.2)
note(P, "N5", "2026-10-30", "OPD note", f"""
NEPHROLOGY OPD   30/10/2026
12 yr/M, LN IV-S (A)+V (bx 8/6/26), s/p Rituximab x 2 (Jun'26), on MMF 600 mg BD + Wysolone 7.5 mg since Oct'25.
Proteinuria persists - UPCR 1.2 mg/mg. SLEDAI-2K 10. ECOG 1.
{lis(L9)}
Flow 28/10/26: CD3+ 1180 cells/uL, CD19+ 0 cells/uL (depleted).
Plan: 3rd dose Inj. Rituximab if CD19 repopulates with persistent proteinuria. CAR-T not possible while B cells depleted.
""", D)

# ======================================================================= V010
P, D = "V010", ("2009-12-25", "F")
note(P, "N1", "2025-02-16", "discharge summary", """
KING *** HOSPITAL, RIYADH - DISCHARGE SUMMARY
Admission: 05/02/2025 (6 Sha'ban 1446)   Discharge: 16/02/2025 (17 Sha'ban 1446)
15-year-old Saudi girl with new SLE and lupus nephritis class IV-G (A) (biopsy 10/02/2025).
ANA 1:1280 homogeneous; anti-dsDNA >300; low C3/C4.
Treatment: IV methylprednisolone 30 mg/kg x 3, prednisolone 1 mg/kg, mycophenolate mofetil (CellCept) 600 mg/m2 BD from 14/02/2025, HCQ.
Allergies: NKDA
""", D)
note(P, "N2", "2026-07-20", "renal biopsy report", """
HISTOPATHOLOGY - NATIVE KIDNEY   Biopsy date: 18/07/2026
Clinical: LN IV 2025, persistent proteinuria on MMF/steroid.
LM: 25 glomeruli; 7 (28%) with segmental endocapillary proliferation, 1 cellular crescent; GBM spikes.
Diagnosis: Lupus nephritis ISN/RPS class III (A) + V. AI 6/24, CI 2/12.
""", D)
note(P, "N3", "2026-09-14", "medical board summary", """
MULTIDISCIPLINARY MEDICAL BOARD - SUMMARY   14/09/2026
Members: Paed Nephrology, Paed Rheumatology, Renal Pathology, Clinical Pharmacy.
Case: 16 yr F, LN III+V (rebiopsy 18/07/26), not in remission after 19 months of MMF + prednisolone;
 tacrolimus added 01/08/2026 (multitarget).
Discussion: Rituximab discussed - deferred. IV cyclophosphamide considered but not recommended (fertility).
Recommendation: refer for CAR-T trial screening. Plan: Inj. Rituximab 375 mg/m2 x 2 if not in remission by 3 months
 and trial not available.
""", D)
L10 = dict(wbc=7.7, anc=5.0, alc=1.7, hb=11.9, plt=276, creat=0.68, egfr=97, alt=(21, 40), ast=(24, 40),
           tbil=(0.5, 1.2), pt=12.7, inr=1.01, upcr=1.28)
note(P, "N4", "2026-11-05", "OPD note", f"""
PAEDIATRIC NEPHROLOGY CLINIC (EHR template)   05/11/2026
Chief complaint: follow-up LN
Active problems (carried forward): 1) SLE with LN III+V  2) HTN  3) Vitamin D deficiency  4) ***
Medications: mycophenolate 1 g BD; tacrolimus 2 mg BD; prednisolone 10 mg; HCQ 200 mg; amlodipine 5 mg.
Allergies: No Known Drug Allergies
{ROS}
SLEDAI-2K: 12          Karnofsky: 80
Urine hCG: negative
Results (05/11/2026):
{hl7('202611050800', L10)}
Flow cytometry 05/11/26: CD19+ 18 % (300 cells/uL).
A/P: refractory LN - proceed with trial screening.
""", D)

# ======================================================================= V011
P, D = "V011", None
note(P, "N1", "2025-04-02", "discharge summary", """
DISCHARGE SUMMARY   DOA 24/03/25  DOD 02/04/25
Kum. ***, 14 yr/F. Dx: SLE with LN class IV (renal biopsy 28/03/25).
ANA by ELISA: positive (index 4.2). IIF: positive - titre not reported. Anti-dsDNA 250 IU/mL. Anti-Sm positive.
Rx: Inj. MP pulse, T. Wysolone 40 mg, Tab. MMF 500 mg BD from 30/03/25, HCQS 200 mg.
""")
note(P, "N2", "2026-06-18", "OPD note", f"""
OPD   18/06/26
15/F on MMF + Wysolone. UPCR 2.1 mg/mg. {inline(dict(hb=10.4, plt=140))}. Plan: rebiopsy.
""")
note(P, "N3", "2026-08-30", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 27/08/2026
LM: 18 glomeruli; 12 global endocapillary proliferation; 2 cellular crescents.
Impression: Lupus nephritis class IV-G (A), ISN/RPS 2018. AI 11/24, CI 2/12.
""")
L11 = dict(hb=10.8, wbc=6.3, anc=4.2, alc=1.4, creat=0.66, egfr=89, alt=(25, 40), ast=(29, 40),
           tbil=(0.6, 1.2), pt=13.4, inr=1.1, upcr=2.8)
note(P, "N4", "2026-10-03", "OPD note", f"""
PAEDIATRIC RHEUMATOLOGY OPD   03/10/2026
15 yrs/F, k/c/o SLE with LN IV-G (A) (rebx 27/8/26). On MMF 1 g BD + Wysolone 15 mg OD + HCQS since Mar'25.
Persistent nephrotic-range proteinuria. SLEDAI-2K 14. Lansky 80.
Labs (03/10/26): {inline(L11)}
(Platelet count not reported - sample clotted.)
Flow (03/10/26): CD19+ B cells 8.4 %, 118 cells/uL.
Plan: trial screening; repeat CBC.
""")

# ======================================================================= V012
P, D = "V012", ("2011-03-03", "F")
note(P, "N1", "2025-01-20", "referral letter", """
TALUK HOSPITAL - REFERRAL LETTER   20/01/2025
Referred: Kum. ***, 13 yrs F, c/o fever 2 weeks, malar rash, joint pains, pedal oedema. ? SLE ? nephritis.
Urine protein 3+. Started Tab. prednisolone 20 mg on 12/01/25. Referred for further management.
""", D)
note(P, "N2", "2025-02-05", "discharge summary", """
DISCHARGE SUMMARY   DOD 05.02.2025
Dx: SLE (2019 EULAR/ACR score 26) with LN class IV-G (A) (biopsy 01.02.2025).
ANA 1:160 (IIF), dsDNA positive.
Rx: Inj. cyclophosphamide 500 mg IV (Euro-Lupus) from 03/02/25 x 6 doses, T. Wysolone, HCQS; MMF to follow.
""", D)
note(P, "N3", "2026-08-05", "renal biopsy report", """
RENAL BIOPSY REPORT   Date of procedure: 04.08.2026
Clinical: LN IV (2025) on MMF since May'25; nephrotic relapse.
LM: 21 glomeruli; 13 with global endocapillary hypercellularity, 3 cellular crescents.
Final: Lupus nephritis ISN/RPS class IV-G (A). Activity 11/24, chronicity 3/12.
""", D)
L12 = dict(wbc=9.1, anc=6.4, alc=1.8, hb=10.2, plt=350, creat=0.6, egfr=95, alt=(33, 40), ast=(35, 40),
           tbil=(0.5, 1.2), pt=13.1, inr=1.06, upcr=1.9)
note(P, "N4", "2026-11-14", "discharge summary", f"""
DISCHARGE SUMMARY   DOA 07/11/2026   DOD 14/11/2026
15 yr/F, k/c/o SLE with LN IV-G (A) (rebx 4/8/26) on MMF 1 g BD + Wysolone 10 mg since 2025.
Admitted with fever, cough, right lower lobe pneumonia (CXR consolidation).
Inj. ceftriaxone 75 mg/kg/day IV 08/11/26 to 14/11/26. Blood culture sterile. Mantoux negative; no TB.
Haemodynamically stable throughout - no inotropes required.
Discharge labs (13/11/26):
{lis(L12)}
SLEDAI-2K 12 (renal items). ECOG 1.
Flow cytometry (13/11/26): CD19+ B cells 11 %, 198 cells/uL.
Advice: oral cefuroxime x 5 days; OPD review 1 week; trial screening after infection settles.
""", D)
# ======================================================================= V013
P, D = "V013", None
note(P, "N1", "2025-06-10", "discharge summary", """
DISCHARGE SUMMARY   DOD 10/06/2025
Master ***, 12 yr/M. Dx: SLE with LN class III (A) + V (biopsy 05/06/2025).
ANA 1:320, dsDNA +, C3 low. UPCR 3.2 mg/mg (06/06/25).
Rx: Inj. MP pulse x 3, T. Wysolone 1 mg/kg, Tab. MMF 500 mg BD from 08/06/25, HCQS.
""")
note(P, "N2", "2026-01-15", "OPD note", """
OPD 15/1/26. 12 yr boy, LN III+V. UPCR 0.8 mg/mg - partial response. Continue MMF 750 BD, Wysolone 10 mg.
""")
note(P, "N3", "2026-05-20", "tele-consultation note", """
TELECONSULT 20.05.2026
UPCR 0.3 mg/mg (16/05/26). Complete renal remission achieved Apr'26. Wysolone tapered to 5 mg.
""")
L13 = dict(hb=13.2, wbc=6.8, anc=3.9, alc=2.2, plt=280, creat=0.55, egfr=110, alt=(20, 40), ast=(24, 40),
           tbil=(0.4, 1.2), pt=12.3, inr=0.99, upcr=0.18)
note(P, "N4", "2026-10-22", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   22-10-2026
13 yr old boy, k/c/o SLE with LN III+V (2025).
Problem list (copied forward from 06/2025): LN III+V, nephrotic-range proteinuria (UPCR 3.2, 06/06/25), HTN.
Current status: in complete renal remission since Apr'26. No oedema. BP 104/66.
SLEDAI-2K 2 (low complement).  Lansky 100.
Labs (22/10/26):
{hl7('202610220900', L13)}
Plan: continue MMF maintenance; taper steroids. Not a candidate for refractory LN trials.
""")

# ======================================================================= V014
P, D = "V014", ("2015-07-19", "M")
note(P, "N1", "2025-08-01", "discharge summary", """
DISCHARGE SUMMARY   DOA 22/07/25  DOD 01/08/25
Master ***, 10/M. Dx: SLE with LN class IV-G (A) (biopsy 28/07/25). ANA 1:320 (IIF).
Rx: Inj. MP pulse x 3 (29-31/07/25), T. Wysolone 30 mg, Tab. Tacrolimus (Pangraf) 0.5 mg BD from 01/08/25, HCQS.
""", D)
note(P, "N2", "2026-09-03", "renal biopsy report", """
RENAL BIOPSY   Date: 01-09-2026
Clinical: LN IV on tacrolimus + steroid, rising proteinuria.
LM: 17 glomeruli, segmental endocapillary proliferation in 10 with fibrocellular crescents in 2; GBM spikes.
Diagnosis: Lupus nephritis ISN/RPS class IV-S (A/C) + V. AI 8/24, CI 4/12.
""", D)
L14 = dict(wbc=7.0, anc=4.4, alc=1.9, hb=11.5, plt=255, creat=0.48, egfr=100, pt=12.9, inr=1.04, upcr=2.0)
note(P, "N3", "2026-10-26", "OPD note", f"""
PEDS NEPHRO CLINIC NOTE (template)   26/10/2026
Subjective: 11 yr old boy, LN IV+V (rebx 01/09/26), on Tac 1 mg BD + Wysolone 15 mg + HCQS since Aug'25. Puffy face.
Allergies: NKDA
PMH: [x] Lupus nephritis  [ ] Seizures  [ ] Hypertension  [ ] TB
SLEDAI-2K: ***
Performance: Lansky 90
Labs (26/10/26):
{hl7('202610260930', L14)}
LFT: pending (sample sent 26/10/26).
Flow cytometry (26/10/26): CD19+ 7 %, 133 cells/uL.
Assessment: LN not in remission after > 1 year (Tac + steroid).
Plan: add MMF ***; trial referral.
""", D)
note(P, "N4", "2026-11-09", "tele-consultation note", """
TELE-CONSULT 09/11/26: parents report child well. LFT report still not uploaded to portal. SLEDAI to be scored at next visit.
""", D)

# ======================================================================= V015
P, D = "V015", None
note(P, "N1", "2025-03-12", "discharge summary", """
DISCHARGE SUMMARY   DOD 12/03/25
Kum. ***, 12 yr/F. Dx: SLE with AIHA, immune thrombocytopenia and LN class IV (biopsy 05/03/25).
ANA 1:1280 homogeneous. Direct Coombs positive.
Rx: Inj. MP pulse x 3, T. Wysolone 2 mg/kg, Tab. MMF 500 mg BD from 09/03/25, HCQS.
""")
note(P, "N2", "2026-07-25", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 22/07/2026
LM: 24 glomeruli; 17 with global endocapillary proliferation; wire loops.
Impression: Lupus nephritis ISN/RPS class IV-G (A). AI 12/24, CI 1/12.
""")
L15 = dict(hb=8.4, wbc=4.2, anc=2.6, alc=1.2, plt=62, creat=0.71, egfr=84, alt=(30, 45), ast=(36, 45),
           tbil=(0.9, 1.2), pt=13.6, inr=1.12, upcr=2.6)
note(P, "N3", "2026-10-28", "OPD note", f"""
PAEDIATRIC RHEUMATOLOGY OPD   28/10/2026
14/F, SLE - LN IV-G (A) (rebx 22/7/26), ITP component. On MMF 1 g BD + Wysolone 10 mg since Mar'25.
Proteinuria not in remission. SLEDAI-2K 16. ECOG 2.
{lis(L15, head='*** DIAGNOSTICS PVT LTD - HAEMATOLOGY / BIOCHEMISTRY')}
Peripheral smear: thrombocytopenia confirmed, no clumps.
Plan: flow cytometry; trial screening.
""")
note(P, "N4", "2026-10-29", "flow cytometry report", flow("29/10/2026", 1150, "5.2", 60), None)

# ======================================================================= V016
P, D = "V016", ("2012-12-01", "F")
note(P, "N1", "2025-05-20", "discharge summary", """
DISCHARGE SUMMARY   DOD 20/05/2025
12 yr/F, SLE with LN class IV (biopsy 12/05/25). ANA 1:640.
Rx: Inj. MP x 3, T. Wysolone 40 mg OD, Tab. MMF 500 mg BD from 15/05/25, HCQS.
""", D)
note(P, "N2", "2026-09-10", "renal biopsy report", """
RENAL BIOPSY   Date: 08/09/2026
LM: 19 glomeruli; segmental endocapillary proliferation in 6 (32%).
Diagnosis: Lupus nephritis class III (A), ISN/RPS 2018. AI 5/24, CI 1/12.
""", D)
L16 = dict(wbc=6.0, anc=3.8, alc=1.5, hb=11.0, plt=230, creat=0.6, egfr=93, alt=(128, 45), ast=(118, 37),
           tbil=(0.7, 1.0), pt=12.9, inr=1.05, upcr=1.7)
note(P, "N3", "2026-11-09", "OPD note", f"""
NEPHROLOGY OPD   09/11/2026
13 yr old girl, LN III (A) (rebx 8/9/26), on MMF 1 g BD + Wysolone 10 mg since May'25. Proteinuria persists.
Transaminitis noted - ? drug-induced (? MMF / ? HCQS); r/o viral hepatitis (HAV IgM, HBsAg, anti-HCV sent).
No e/o myositis: no proximal weakness, CPK 85 U/L (N: 26-140).
SLEDAI-2K 10.  Lansky 80.
Labs (09/11/26) - lab reference ranges as printed:
{hl7('202611090800', L16)}
Flow (09/11/26): CD19+ 9 %, 135 cells/uL.
Plan: repeat LFT in 2 weeks; trial screening after LFT normalises.
""", D)

# ======================================================================= V017
P, D = "V017", None
note(P, "N1", "2026-10-15", "referral letter", """
DISTRICT HOSPITAL - TRANSFER / REFERRAL LETTER   15th October 2026
Referring Kum. ***, 11 yr old girl, k/c/o SLE with lupus nephritis.
Renal biopsy (2025, private lab, Jaipur): diffuse proliferative lupus nephritis - report copy not enclosed.
Treatment so far: T. Wysolone since Nov'25 (currently 20 mg OD), Tab. HCQS 200 mg OD,
 Inj. Rituximab (Ristova) 500 mg x 2 doses on 01/03/26 and 15/03/26.
No other immunosuppressant given (MMF not affordable at that time).
Persistent proteinuria. Referred for further management.
""")
L17 = dict(wbc=6.6, anc=4.0, alc=1.8, hb=10.5, plt=220, creat=0.5, egfr=102, alt=(27, 40), ast=(30, 40),
           tbil=(0.4, 1.2), pt=12.6, inr=1.0, upcr=1.6)
note(P, "N2", "2026-10-25", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   25/10/26
11/F, referred from DH. SLE + LN (bx 2025 outside - class IV as per referral).
ANA 1:320 (IIF) repeated here. SLEDAI-2K 12. Lansky 80.
{inline(L17)}
Plan: repeat renal biopsy (scheduled 24/11/26); start Tab. MMF 600 mg/m2 BD after biopsy.
""")
note(P, "N3", "2026-11-02", "flow cytometry report", flow("02/11/2026", 1760, "4.0", 70), None)
note(P, "N4", "2026-11-10", "tele-consultation note", """
TELE-CONSULT 10-11-2026. Mother informed biopsy date 24/11/26. Continue Wysolone 20 mg + HCQS. No fever.
""")
# ======================================================================= V018
P, D = "V018", ("2010-10-10", "M")
note(P, "N1", "2025-03-03", "discharge summary", """
ROYAL HOSPITAL, MUSCAT - CHILD HEALTH - DISCHARGE SUMMARY
Admitted 20/02/2025 (21 Sha'ban 1446 AH); discharged 03/03/2025 (3 Ramadan 1446 AH).
14-year-old Omani boy. Diagnosis: SLE with lupus nephritis class IV-G (A) (biopsy 24/02/2025).
ANA 1:640 (HEp-2), anti-dsDNA 410 IU/mL, C3 0,31 g/L.
Treatment: IV methylprednisolone 500 mg x 3, prednisolone 50 mg daily, mycophenolate mofetil 500 mg BD from 05/03/2025 (on discharge),
 hydroxychloroquine 200 mg daily.  Consanguinity: parents first cousins. Sister (8 y) healthy.
""", D)
note(P, "N2", "2026-06-16", "renal biopsy report", """
DEPARTMENT OF PATHOLOGY - RENAL BIOPSY
Date of biopsy: 14.06.2026
LM: 28 glomeruli; 18 show global endocapillary proliferation; 3 cellular, 2 fibrocellular crescents; spikes.
Diagnosis: Lupus nephritis, ISN/RPS class IV-G (A/C) + V. Activity index 12/24, chronicity 3/12.
""", D)
note(P, "N3", "2026-09-20", "medical board summary", """
MEDICAL BOARD SUMMARY   20/09/2026 (8 Rabi al-Akhir 1448 AH)
Patient: 15-year-old boy, SLE with LN IV+V.
Course: MMF + prednisolone since March 2025; rebiopsy 14/06/2026 IV-G (A/C)+V; tacrolimus added 20/06/2026.
Persistent nephrotic-range proteinuria - no remission.
Board decision: eligible for referral to a CAR-T programme abroad; funding approved by MoH.
""", D)
L18 = dict(hb=11.2, wbc=7.4, anc=5.1, alc=1.3, plt=212, creat=0.69, egfr=96, alt=(22, 41), ast=(25, 40),
           tbil=(0.4, 1.2), inr=1.02, pt=12.9, upcr=2.09)
note(P, "N4", "2026-11-11", "OPD note", f"""
PAEDIATRIC NEPHROLOGY CLINIC   11/11/2026 (1 Jumada al-Akhirah 1448 AH)
16-year-old boy, LN IV+V, on MMF 1 g BD, tacrolimus 2 mg BD, prednisolone 10 mg, HCQ.
SLEDAI-2K 14. Karnofsky 90. Quantiferon-TB Gold: negative. No current infection.
Laboratory (11/11/2026):
{si(L18, comma=True)}
Plan: complete CAR-T screening (flow sent).
""", D)
note(P, "N5", "2026-11-12", "flow cytometry report", """
FLOW CYTOMETRY - LYMPHOCYTE SUBSETS   12/11/2026
Total lymphocytes 1,32 x10^9/L
CD3+ 71,0 % (937 cells/uL)   CD4+ 40,2 %   CD8+ 27,9 %
CD19+ B cells 13,5 % (178 cells/uL)
CD16+56+ 14,8 %
""", D)

# ======================================================================= V019
P, D = "V019", None
note(P, "N1", "2026-10-12", "referral letter", """
COMMUNITY HEALTH CENTRE - REFERRAL   12/10/26
8 yr old girl c/o fever x 3 wks, rash over cheeks, pain both knees, puffiness of face x 1 wk.
Urine albumin 3+. Hb% 8.9 g/dL. No steroids given here. ? SLE.
Referred to tertiary centre for evaluation.
""")
note(P, "N2", "2026-10-17", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 16/10/2026
LM: 22 glomeruli, 16 with diffuse global endocapillary proliferation, wire loops, 2 cellular crescents.
IF: full house.  Diagnosis: Lupus nephritis class IV-G (A), ISN/RPS 2018. AI 14/24, CI 0/12.
""")
note(P, "N3", "2026-10-22", "discharge summary", """
DISCHARGE SUMMARY   DOA 13/10/26   DOD 22/10/26
8/F. Final diagnosis: SLE (new onset) with LN class IV-G (A) (biopsy 16/10/26).
ANA 1:640 (IIF), dsDNA 380 IU/mL, C3 22 mg/dL.
Treatment-naive at admission. Inj. MP pulse 30 mg/kg x 3 (19/10 - 21/10/26), then T. Wysolone 2 mg/kg.
Plan: Inj. cyclophosphamide (Euro-Lupus) after infection screen vs MMF - to decide at OPD.
""")
L19 = dict(wbc=8.8, anc=6.2, alc=1.6, hb=9.9, plt=198, creat=0.44, egfr=107, alt=(35, 40), ast=(33, 40),
           tbil=(0.3, 1.2), pt=12.4, inr=1.0, upcr=3.4)
note(P, "N4", "2026-11-15", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   15/11/2026
8 yr girl, new-onset SLE with LN IV-G (A). Parents preferred oral therapy - Euro-Lupus cyclophosphamide NOT started;
Tab. MMF 300 mg BD started 01/11/26. T. Wysolone 40 mg OD. HCQS 100 mg.
SLEDAI-2K 18. Lansky 70.
{lis(L19)}
Flow (15/11/26): CD19+ B cells 22 %, 352 cells/uL.
Plan: continue induction; eligible for new-onset LN trials.
""")

# ======================================================================= V020
P, D = "V020", ("2009-06-14", "F")
note(P, "N1", "2024-12-01", "discharge summary", """
DISCHARGE SUMMARY   DOD 01/12/2024
15/F, SLE with crescentic LN class IV-G (A) (biopsy 18/11/2024). ANA 1:2560.
Rx: Inj. MP pulse x 3, NIH IV cyclophosphamide 500 mg/m2 monthly x 6 (Nov'24 - Apr'25), T. Wysolone.
""", D)
note(P, "N2", "2025-05-10", "OPD note", """
OPD 10.05.2025. CYC 6/6 completed 20/04/25. Started Tab. MMF 750 mg BD. S. creat 1.1 mg/dL.
""", D)
note(P, "N3", "2026-08-12", "renal biopsy report", """
RENAL BIOPSY   Procedure: 10/08/2026
LM: 20 glomeruli; 4 globally sclerosed; 12 with endocapillary proliferation; 6 (30%) cellular crescents.
Interstitial fibrosis 20%.
Diagnosis: Lupus nephritis ISN/RPS class IV-G (A/C). NIH AI 14/24, CI 5/12.
""", D)
L20 = dict(wbc=6.1, anc=4.2, alc=1.1, hb=9.1, plt=190, creat=2.6, alt=(17, 40), ast=(22, 40),
           tbil=(0.3, 1.2), pt=13.0, inr=1.08, upcr=3.8)
note(P, "N4", "2026-11-04", "OPD note", f"""
NEPHROLOGY OPD   04/11/2026
17 yr/F, LN IV-G (A/C) (rebx 10/8/26), renal impairment due to active LN. On MMF 1 g BD + Wysolone 15 mg + HCQS.
Ht 152 cm, Wt 48 kg, BP 130/84 (on amlodipine). Haemodynamically stable.
S. creat 2.6 mg/dL (230 umol/L) -> eGFR (bedside Schwartz) 24 ml/min/1.73m2.
SLEDAI-2K 20. Karnofsky 70.
{hl7('202611040800', L20)}
Flow (04/11/26): CD19+ 9 %, 99 cells/uL.
Plan: CAR-T screening (renal impairment attributed to SLE). Nephrology to consider dialysis only if further decline.
""", D)

# ======================================================================= V021
P, D = "V021", ("2016-02-27", "F")
note(P, "N1", "2025-09-20", "discharge summary", """
DISCHARGE SUMMARY   DOD 20/09/25
9 yr/F. Dx: SLE with LN class III (A) (biopsy 12/09/25). ANA 1:320.
Rx: Inj. MP pulse x 3 (13-15/09/25), T. Wysolone 1.5 mg/kg, Tab. MMF 250 mg BD from 16/09/25, HCQS.
""", D)
note(P, "N2", "2026-06-20", "OPD note", """
OPD 20/06/26: Plt 1.2 lakh/cumm, UPCR 1.1 mg/mg. Continue MMF 500 BD + Wysolone 10 mg.
""", D)
note(P, "N3", "2026-08-25", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 22-08-2026
LM: 15 glomeruli; 5 (33%) with segmental endocapillary proliferation; GBM spikes.
Diagnosis: Lupus nephritis class III (A) + V (ISN/RPS 2018). AI 6/24, CI 1/12.
""", D)
L21 = dict(hb=10.1, wbc=5.6, anc=3.2, alc=1.9, creat=0.42, alt=(20, 40), ast=(27, 40), tbil=(0.3, 1.2),
           pt=12.2, inr=0.99, upcr=1.9)
note(P, "N4", "2026-11-07", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   07/11/2026
10 yr old girl, LN III+V (rebx 22/8/26), on MMF 600 mg BD + Wysolone 10 mg + HCQS since Sep'25.
Height 134 cm, weight 29 kg. BP 108/70.
SLEDAI-2K 10. Lansky 80.
{lis(L21)}
Platelet count: ---- (platelet clumps on smear, count unreliable; repeat in citrate tube advised)
Plan: trial screening.
""", D)
note(P, "N5", "2026-11-08", "flow cytometry report", flow("08/11/2026", 1900, "15.0", 285), D)

# ======================================================================= V022
P, D = "V022", None
note(P, "N1", "2025-12-01", "discharge summary", """
DISCHARGE SUMMARY   DOD 01/12/2025
Mr. ***, 18 yrs/M, k/c/o SLE since age 14 with LN class IV (2022).
Admitted with nephrotic relapse. On Tab. MMF 1 g BD + T. Wysolone since 2022. ANA 1:320.
""")
note(P, "N2", "2026-07-30", "renal biopsy report", """
RENAL BIOPSY   Date: 28/07/2026
LM: 22 glomeruli; 14 global endocapillary proliferation.
Diagnosis: Lupus nephritis class IV-G (A). AI 10/24, CI 3/12.
""")
L22 = dict(wbc=6.9, anc=4.5, alc=1.5, hb=12.8, plt=240, creat=0.9, egfr=78, alt=(28, 40), ast=(26, 40),
           tbil=(0.6, 1.2), pt=12.8, inr=1.02, upcr=1.5)
note(P, "N3", "2026-10-20", "OPD note", f"""
NEPHROLOGY OPD (adolescent clinic)   20/10/2026
k/c/o SLE with LN IV-G (A) (rebx 28/7/26); refractory to MMF + steroids (> 4 yrs). Tacrolimus added Aug'26.
SLEDAI-2K 12. ECOG 1.
{hl7('202610200800', L22)}
Flow (20/10/26): CD19+ 10 %, 150 cells/uL.
Plan: CAR-T referral.
""")

# ======================================================================= V023
P, D = "V023", None
note(P, "N1", "2025-04-01", "discharge summary", """
DISCHARGE SUMMARY   DOD 01/04/25
12 yo F. SLE with LN class IV (biopsy 24/03/25). ANA 1:640.
Rx: Inj. MP pulse, T. Wysolone 40 mg, Tacrolimus (Pangraf) 1 mg BD from 28/03/25, HCQS.
Note: difficult IV cannulation during admission.
""")
note(P, "N2", "2026-07-05", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 03/07/2026
Diagnosis: Lupus nephritis class IV-S (A), ISN/RPS 2018. AI 9/24, CI 2/12.
""")
note(P, "N3", "2026-10-01", "day-care nursing note", """
DAY CARE NURSING NOTE   01/10/2026
13 yo F for Inj. MP pulse (dose 1/3).
Difficult venous access - 4 unsuccessful attempts; peripheral veins thrombosed/sclerosed. USG-guided cannulation by
 anaesthetist successful at 5th attempt. Anaesthesia advises PICC / central line for future infusions.
Inj. MP 500 mg IV over 2 h given. Vitals stable.
""")
L23 = dict(wbc=7.2, anc=4.9, alc=1.4, hb=10.7, plt=260, alt=(25, 40), ast=(28, 40), tbil=(0.5, 1.2),
           pt=12.6, inr=1.01, upcr=2.2)
note(P, "N4", "2026-10-20", "OPD note", f"""
OPD   20/10/26
13 yo F, LN IV-S (A), on Tac + Wysolone since Mar'25 + HCQS; not in remission.
S. creat 0.5 mg/dL (12/06/26). RFT today: sample haemolysed - creatinine not reported, repeat advised.
SLEDAI-2K 12. Lansky 80.
{inline(L23)}
Flow (20/10/26): CD19+ 8 %, 112 cells/uL.
Note: poor venous access - apheresis would need a central line.
""")

# ======================================================================= V024
P, D = "V024", ("2009-09-30", "M")
note(P, "N1", "2025-01-15", "discharge summary", """
DISCHARGE SUMMARY - Riyadh   15/01/2025 (15 Rajab 1446)
15-year-old boy, SLE with LN class IV-G (A) (biopsy 05/01/2025). ANA 1:2560.
Known Gilbert syndrome (UGT1A1*28 homozygous) - isolated unconjugated hyperbilirubinaemia.
Treatment: IV methylprednisolone x 3, prednisolone, mycophenolate mofetil 750 mg BD from 10/01/2025, HCQ.
""", D)
note(P, "N2", "2026-09-01", "renal biopsy report", """
KIDNEY BIOPSY   Date of biopsy: 30/08/2026
Diagnosis: Lupus nephritis, ISN/RPS class IV-S (A) + V. Activity 9/24, chronicity 2/12.
""", D)
L24 = dict(wbc=6.2, anc=3.9, alc=1.2, hb=12.4, plt=228, creat=0.8, egfr=85, alt=(30, 40), ast=(29, 40),
           tbil=(2.6, 1.2), pt=12.5, inr=1.0, upcr=1.2)
note(P, "N3", "2026-11-16", "OPD note", f"""
PAEDIATRIC NEPHROLOGY CLINIC   16/11/2026
17 yr old boy, LN IV-S (A)+V (rebx 30/8/26), on MMF 1.5 g BD, tacrolimus 1.5 mg BD (since Sep'25), prednisolone 10 mg.
k/c/o Gilbert syndrome - mild scleral icterus intermittently; no haemolysis.
BP 118/74, stable; no inotropic support ever required.
SLEDAI-2K 12. Karnofsky 90.
{hl7('202611160800', L24)}
Flow (16/11/26): CD19+ 10 %, 120 cells/uL.
Plan: CAR-T trial screening.
""", D)
note(P, "N4", "2026-11-17", "tele-consultation note", """
TELE-CONSULT 17/11/26 - discussed trial information sheet with father; consent visit to be booked. No fever, no cough.
""", D)

# ======================================================================= V025
P, D = "V025", ("2009-04-04", "F")
note(P, "N1", "2022-05-10", "discharge summary", """
DISCHARGE SUMMARY - Renal Transplant Unit   10/05/2022
13 yr/F with ESRD secondary to LN class IV. s/p live-related renal transplant 02/05/2022 (donor: father).
Induction basiliximab; maintenance tacrolimus, MMF, prednisolone. ANA 1:160.
""", D)
note(P, "N2", "2026-04-15", "OPD note", """
TRANSPLANT OPD 15/04/26: PT 12.8 s (11-14), INR 1.02. Creat 1.1 mg/dL. Tac trough 6.1.
""", D)
note(P, "N3", "2026-06-20", "renal biopsy report", """
RENAL ALLOGRAFT BIOPSY   Date of biopsy: 18/06/2026
LM: 16 glomeruli; 5 with segmental endocapillary proliferation. No tubulitis, no arteritis; C4d negative.
Diagnosis: Recurrent lupus nephritis in allograft, ISN/RPS class III (A). No rejection (Banff).
""", D)
L25 = dict(wbc=5.8, anc=3.9, alc=1.1, hb=10.6, plt=204, creat=1.2, egfr=52, alt=(21, 40), ast=(23, 40),
           tbil=(0.4, 1.2), upcr=1.1)
note(P, "N4", "2026-10-30", "OPD note", f"""
TRANSPLANT NEPHROLOGY OPD   30/10/2026
17/F, renal transplant (2022), recurrent LN class III (A) in graft (bx 18/6/26).
Rx: tacrolimus, MMF, prednisolone since 2022; HCQ.
SLEDAI-2K 10. ECOG 1.
{lis(L25)}
Coagulation not repeated since Apr'26.
Flow (30/10/26): CD19+ 6 %, 66 cells/uL.
Plan: discuss CAR-T vs rituximab.
""", D)

# ======================================================================= V026
P, D = "V026", None
note(P, "N1", "2025-05-01", "discharge summary", """
DISCHARGE SUMMARY   DOD 01/05/2025
15 yr/M. SLE with LN class IV (biopsy 24/04/25). ANA 1:320.
Rx: Inj. MP x 3, T. Wysolone 50 mg, Tab. MMF 750 mg BD from 02/05/25 (on discharge), HCQS.
""")
note(P, "N2", "2026-05-27", "renal biopsy report", """
RENAL BIOPSY   Date of biopsy: 25/05/2026
Diagnosis: Lupus nephritis class IV-G (A), ISN/RPS 2018. AI 11/24, CI 2/12.
""")
note(P, "N3", "2026-08-12", "day-care nursing note", """
DAY CARE INFUSION RECORD   12.08.2026
16/M. Inj. Endoxan (cyclophosphamide) 500 mg IV - Euro-Lupus dose 6/6 (course started 27/05/26; dose 5 delayed one week). Mesna, hydration given.
Euro-Lupus course COMPLETED. No further cyclophosphamide planned.
""")
note(P, "N4", "2026-10-12", "OPD note", """
OPD 12/10/26. 16/M, post Euro-Lupus, on MMF restarted 1 g BD + Wysolone 10 mg.
CBC 09/10/26: TLC 2100/cumm, ANC 700/cumm. Inj. G-CSF (filgrastim, Neukine) 300 mcg SC single dose given 10/10/26.
Review with CBC in 2-3 weeks.
""")
L26 = dict(wbc=4.1, anc=1.1, alc=1.0, hb=11.6, plt=188, creat=0.74, egfr=90, alt=(26, 40), ast=(24, 40),
           tbil=(0.5, 1.2), pt=12.9, inr=1.03)
note(P, "N5", "2026-10-30", "OPD note", f"""
PAEDIATRIC NEPHROLOGY OPD   30/10/2026
16/M, LN IV-G (A) (rebx 25/5/26). Not in remission after MMF + steroids (since May'25) and Euro-Lupus CYC.
No G-CSF since 10/10/26.
SLEDAI-2K 10. Karnofsky 80.
Labs (30/10/26):
{hl7('202610300800', L26)}
Urine protein/creatinine 120 mg/mmol (ref <20).
Flow (30/10/26): CD19+ 3.1 %, 25 cells/uL.
Plan: CAR-T trial screening.
""")

# ====================================================================== GOLD
SEED_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph", "wbc",
             "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
SEED_DEFAULT = {k: "met" for k in SEED_KEYS}
SEED_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_INC = ["age", "sle", "biopsy", "upcr", "egfr", "plt", "hb", "consent"]
HO_EXC = ["x_rtx", "x_cyc", "x_tx", "x_inf", "x_preg", "x_liver"]
HO_DEFAULT = {k: "met" for k in HO_INC}
HO_DEFAULT["consent"] = "manual"
HO_DEFAULT.update({k: "not_met" for k in HO_EXC})
U = "unknown"
STALE = {k: U for k in ["sledai", "refractory", "cd19", "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil",
                        "egfr", "inr", "pt", "ecog"]}

# patient: (archetype, seed overrides, HO-LN-7 overrides) -- hand-written labels
LABELS = {
 "V001": ("eligible_family_tx", {}, {}),
 "V002": ("eligible_recent_rtx", {}, {"x_rtx": "met"}),
 "V003": ("age_19_dob_in_text", {"age": "not_met"}, {"age": "not_met"}),
 "V004": ("old_biopsy_345d", {"biopsy": U}, {}),
 "V005": ("anc_after_gcsf_recent_cyc", {"anc": "not_met"}, {"x_cyc": "met"}),
 "V006": ("stale_labs_telecon", dict(STALE), {"upcr": U, "egfr": U, "plt": U, "hb": U, "x_liver": U}),
 "V007": ("latest_biopsy_pure_v", {"biopsy": "not_met"}, {"biopsy": "not_met"}),
 "V008": ("not_sle_iga_mother_sle", {"sle": "not_met", "biopsy": "not_met", "sledai": U, "refractory": U,
          "cd19": U, "inr": U, "pt": U, "ana": "not_met", "ecog": U},
          {"sle": "not_met", "biopsy": "not_met", "upcr": "not_met"}),
 "V009": ("cd19_depleted_after_rtx", {"cd19": "not_met"}, {"x_rtx": "met"}),
 "V010": ("eligible_planned_rtx_cyc", {}, {}),
 "V011": ("ana_no_titre_plt_missing", {"ana": U}, {"plt": U}),
 "V012": ("eligible_iv_antibiotics", {}, {"x_inf": "met"}),
 "V013": ("complete_remission", {"biopsy": U, "sledai": "not_met", "refractory": "not_met", "cd19": U},
          {"biopsy": U, "upcr": "not_met"}),
 "V014": ("sledai_unfilled_lft_pending", {"sledai": U, "alt": U, "ast": U, "tbil": U}, {"x_liver": U}),
 "V015": ("eligible_low_platelets_lakh", {}, {"plt": "not_met"}),
 "V016": ("ast_over_printed_uln", {"ast": "not_met"}, {"x_liver": "met"}),
 "V017": ("one_agent_undated_biopsy", {"biopsy": U, "refractory": U}, {"biopsy": U}),
 "V018": ("eligible_decimal_comma_hijri", {}, {}),
 "V019": ("treatment_naive_new_onset", {"refractory": "not_met"}, {}),
 "V020": ("egfr_below_30_manual", {"egfr": "manual"}, {"egfr": "not_met"}),
 "V021": ("eligible_platelet_clumps_schwartz", {}, {"plt": U}),
 "V022": ("age_18_stated_last_year", {"age": U}, {"age": "not_met"}),
 "V023": ("poor_venous_access", {"venous": "not_met", "egfr": U}, {"egfr": U}),
 "V024": ("eligible_gilbert", {}, {}),
 "V025": ("graft_recurrence_no_coag", {"inr": U, "pt": U}, {"x_tx": "met"}),
 "V026": ("eligible_gcsf_20d_cyc_100d", {}, {}),
}

def status(crit, inc, exc):
    if any(crit[k] == "not_met" for k in inc) or any(crit[k] == "met" for k in exc):
        return "ineligible"
    if all(crit[k] in ("met", "manual") for k in inc) and all(crit[k] in ("not_met", "manual") for k in exc):
        return "eligible"
    return "possible"

def relevance(st, crit, core):
    if st == "eligible": return 3
    if st == "ineligible": return 0
    return 2 if all(crit[k] == "met" for k in core) else 1

def main():
    gold = []
    for pid, (arch, so, ho) in LABELS.items():
        c = dict(SEED_DEFAULT); c.update(so)
        assert set(c) == set(SEED_KEYS)
        st = status(c, SEED_KEYS, [])
        gold.append({"trial": "NCT06904729", "patient_id": pid, "status": st,
                     "relevance": relevance(st, c, ["sle", "biopsy", "refractory"]), "criteria": c, "archetype": arch})
        c = dict(HO_DEFAULT); c.update(ho)
        assert set(c) == set(HO_INC + HO_EXC)
        st = status(c, HO_INC, HO_EXC)
        gold.append({"trial": "HO-LN-7", "patient_id": pid, "status": st,
                     "relevance": relevance(st, c, ["sle", "biopsy"]), "criteria": c, "archetype": arch})
    ids = [n["note_id"] for n in NOTES]
    assert len(ids) == len(set(ids))
    assert all(n["note_date"] < "2026-11-20" for n in NOTES)
    assert {n["patient_id"] for n in NOTES} == set(LABELS)
    with open(os.path.join(HERE, "notes.jsonl"), "w") as f:
        for n in NOTES: f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "gold.jsonl"), "w") as f:
        for g in gold: f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    print(len(LABELS), "patients", len(NOTES), "notes", len(gold), "gold lines")
    for t in ("NCT06904729", "HO-LN-7"):
        print(t, Counter(g["status"] for g in gold if g["trial"] == t),
              Counter(g["relevance"] for g in gold if g["trial"] == t))

if __name__ == "__main__":
    main()
