#!/usr/bin/env python3
"""Hold-out 13 generator (stdlib only). Blind test set: inpatient / multidisciplinary
documentation from paediatric services in South Asia, Hong Kong and Singapore.
Labels are written by hand per patient (defaults + overrides); only overall status
and relevance are derived (GUIDELINE.md "Patient status" / "Ranking").
Run: python3 make_holdout13.py   (writes notes.jsonl, gold.jsonl next to this file)
"""
import datetime as dt, json, os, re, sys

ASOF = dt.date(2026, 11, 20)
LOOKBACK = 90
OUT = os.path.dirname(os.path.abspath(__file__))
NCT = "NCT06904729"
HO = "HO-LN-15"
NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
NCT_INCL = set(NCT_KEYS)
HO_KEYS = ["age", "sle", "biopsy", "proteinuria", "egfr", "consent",
           "x_anti_cd20", "x_cyc", "x_alt", "x_plt", "x_infection", "x_preg"]
STATUSES = {"met", "not_met", "unknown", "manual"}
NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = dict(age="met", sle="met", biopsy="met", proteinuria="met", egfr="met",
                  consent="manual", x_anti_cd20="not_met", x_cyc="not_met", x_alt="not_met",
                  x_plt="not_met", x_infection="not_met", x_preg="not_met")
DISEASE = {NCT: ("sle", "biopsy", "refractory"), HO: ("sle", "biopsy", "proteinuria")}

D = lambda s: dt.date.fromisoformat(s)

# ---------------------------------------------------------------- lab rendering
def V(date, layout="pk", render=True, **kw):
    """One lab visit. Canonical fields: wbc (x10^9/L), n / l (% of total count), hb (g/L),
    plt (x10^9/L), alt/ast (value, ULN or None), tbil (value, ULN or None, 'mg'|'umol'),
    cr (value, 'mg'|'umol'), ht (cm), egfr (stated), inr (value, ULN or None),
    pt (value, ULN or None), upcr (value, 'mg/mg'|'mg/mmol'|'g/g'|'mg/g'), p24 (g/day)."""
    v = dict(date=date, layout=layout, render=render)
    v.update(kw)
    return v

def STD(date, layout="pk", **over):
    base = dict(wbc=6.2, n=60, l=31, hb=108, plt=230, alt=(28, 40), ast=(30, 40),
                inr=(1.02, 1.2), pt=(12.6, 14.0))
    if layout == "hk":
        base.update(tbil=(9, 21, "umol"), cr=(52, "umol"), ht=150, upcr=(160, "mg/mmol"))
    else:
        base.update(tbil=(0.5, 1.2, "mg"), cr=(0.6, "mg"), ht=148, upcr=(1.8, "mg/mg"))
    base.update(over)
    for k in [k for k, x in base.items() if x is None]:
        del base[k]
    return V(date, layout, **base)

def _f(x):
    return ("%g" % x)

def render(v):
    L = v["layout"]
    out = []
    dd = D(v["date"])
    if L == "pk":
        out.append("Sample collected %s 07:30" % dd.strftime("%d/%m/%Y"))
        cbc = []
        if "hb" in v: cbc.append("Hb%% %.1f g/dl" % (v["hb"] / 10))
        if "wbc" in v:
            n, l = v["n"], v["l"]
            rest = 100 - n - l
            cbc.append("TC %s /cumm" % format(int(round(v["wbc"] * 1000)), ","))
            cbc.append("DC: N %d%% L %d%% M %d%% E %d%%" % (n, l, rest - 2, 2))
        if "plt" in v: cbc.append("Platelets %s lakh/cumm" % _f(round(v["plt"] / 100, 2)))
        if cbc: out.append("CBC (TC/DC): " + " | ".join(cbc))
        lft = []
        if "alt" in v:
            a, u = v["alt"]; lft.append("SGPT %d U/L" % a + (" (ref 0-%g)" % u if u else ""))
        if "ast" in v:
            a, u = v["ast"]; lft.append("SGOT %d U/L" % a + (" (ref 0-%g)" % u if u else ""))
        if "tbil" in v:
            a, u, un = v["tbil"]; lft.append("S. bilirubin (T) %s %s" % (_f(a), "mg/dl" if un == "mg" else "umol/L") + (" (ref 0.2-%g)" % u if u else ""))
        if lft: out.append("LFT: " + " | ".join(lft))
        rft = []
        if "cr" in v: rft.append("S. creat %s %s" % (_f(v["cr"][0]), "mg/dl" if v["cr"][1] == "mg" else "umol/L"))
        if "egfr" in v: rft.append("eGFR (Schwartz) %s ml/min/1.73m2" % _f(v["egfr"]))
        if "ht" in v: rft.append("Ht %s cm" % _f(v["ht"]))
        if rft: out.append("RFT: " + " | ".join(rft))
        co = []
        if "pt" in v:
            a, u = v["pt"]; co.append("PT %s sec" % _f(a) + (" (ref 11.0-%g)" % u if u else ""))
        if "inr" in v:
            a, u = v["inr"]; co.append("INR %s" % _f(a) + (" (ref 0.8-%g)" % u if u else ""))
        if co: out.append("Coagulation: " + " | ".join(co))
    elif L == "lk":
        out.append("LAB REPORT  Date: %s" % dd.strftime("%d.%m.%Y"))
        if "wbc" in v:
            out.append("FBC: WBC %d /uL, Neutrophils %d%%, Lymphocytes %d%%" % (round(v["wbc"] * 1000), v["n"], v["l"]))
        if "hb" in v: out.append("Hb %.1f g/dL" % (v["hb"] / 10))
        if "plt" in v: out.append("Platelets %s /uL" % format(int(round(v["plt"] * 1000)), ","))
        if "alt" in v:
            a, u = v["alt"]; out.append("ALT (SGPT) %d IU/L" % a + (" [N <%g]" % u if u else ""))
        if "ast" in v:
            a, u = v["ast"]; out.append("AST (SGOT) %d IU/L" % a + (" [N <%g]" % u if u else ""))
        if "tbil" in v:
            a, u, un = v["tbil"]; out.append("Total bilirubin %s %s" % (_f(a), "mg/dL" if un == "mg" else "umol/L") + (" [N <%g]" % u if u else ""))
        if "cr" in v: out.append("Serum creatinine %s %s" % (_f(v["cr"][0]), "mg/dL" if v["cr"][1] == "mg" else "umol/L"))
        if "egfr" in v: out.append("eGFR (bedside Schwartz) %s mL/min/1.73 m2" % _f(v["egfr"]))
        if "ht" in v: out.append("Height %s cm" % _f(v["ht"]))
        if "pt" in v:
            a, u = v["pt"]; out.append("PT %s s" % _f(a) + (" [N <%g]" % u if u else ""))
        if "inr" in v:
            a, u = v["inr"]; out.append("INR %s" % _f(a) + (" [N <%g]" % u if u else ""))
    else:  # hk / sg SI
        out.append("Specimen date/time: %s 06:40" % dd.isoformat())
        if "wbc" in v:
            out.append("WBC %s x10^9/L (3.5-10.5)" % _f(v["wbc"]))
            out.append("Neut %.2f x10^9/L (1.8-7.5); Lymph %.2f x10^9/L (1.0-4.0)" % (v["wbc"] * v["n"] / 100, v["wbc"] * v["l"] / 100))
        if "hb" in v: out.append("Hb %d g/L (115-155)" % v["hb"])
        if "plt" in v: out.append("Plt %d x10^9/L (150-400)" % v["plt"])
        if "alt" in v:
            a, u = v["alt"]; out.append("ALT %d U/L" % a + (" (<%g)" % u if u else ""))
        if "ast" in v:
            a, u = v["ast"]; out.append("AST %d U/L" % a + (" (<%g)" % u if u else ""))
        if "tbil" in v:
            a, u, un = v["tbil"]; out.append("Bilirubin (total) %s %s" % (_f(a), "umol/L" if un == "umol" else "mg/dL") + (" (3-%g)" % u if u else ""))
        if "cr" in v: out.append("Creatinine %s %s" % (_f(v["cr"][0]), "umol/L" if v["cr"][1] == "umol" else "mg/dL"))
        if "egfr" in v: out.append("eGFR (bedside Schwartz) %s mL/min/1.73m2" % _f(v["egfr"]))
        if "ht" in v: out.append("Height %s cm" % _f(v["ht"]))
        if "pt" in v:
            a, u = v["pt"]; out.append("PT %s s" % _f(a) + (" (9.8-%g)" % u if u else ""))
        if "inr" in v:
            a, u = v["inr"]; out.append("INR %s" % _f(a) + (" (0.9-%g)" % u if u else ""))
    if "upcr" in v:
        a, un = v["upcr"]
        out.append("Urine: spot UPCR %s %s" % (_f(a), un))
    if "p24" in v:
        out.append("24 hr urinary protein %s g/day" % _f(v["p24"]))
    return "\n".join(out)

def LAB(v, head="LABORATORY REPORT"):
    return head + "\n" + render(v)

# ---------------------------------------------------------------- patients
PATIENTS = []

def P(pid, arch, notes, visits=(), nct=None, ho=None, birth=None, structured=True, sex=None,
      stated=None, gcsf=(), myositis=False, gilbert=False, hard=None):
    PATIENTS.append(dict(pid=pid, arch=arch, notes=notes, visits=list(visits), nct=nct or {},
                         ho=ho or {}, birth=birth, structured=structured, sex=sex,
                         stated=stated, gcsf=list(gcsf), myositis=myositis, gilbert=gilbert,
                         hard=hard))

# ---- Z001 Karachi: straightforward eligible, TC/DC layout
v = STD("2026-11-02", "pk", upcr=(2.1, "mg/mg"))
P("Z001", "eligible_pk", [
 ("2026-06-10", "ward_round", "PAEDIATRIC NEPHROLOGY WARD ROUND - Day 3 of admission\n"
  "14 yr F, cSLE diagnosed 08/2025 (ANA 1:640 homogeneous, anti-dsDNA +).\n"
  "#1 Lupus nephritis - renal biopsy done 08/06/2026: ISN/RPS class IV-G (A), AI 11/24, CI 2/12.\n"
  "#2 Steroid-induced HTN - on amlodipine.\n"
  "Meds: tab prednisolone since Aug 2025 (now 30 mg OD), MMF 600 mg/m2 BD since 10/09/2025, HCQ 200 mg OD.\n"
  "Plan: continue MMF, refer to research team re CAR-T pre-screening."),
 ("2026-10-28", "prescreen", "CLINICAL TRIAL PRE-SCREENING LOG (research coordinator)\n"
  "Legend: Y = yes/done, N = no, NA = not applicable\n"
  "SLEDAI-2K documented in last 3 months: Y - score 14 (28/10/2026)\n"
  "Lymphocyte subsets (flow): Y - CD19+ B cells 11.8% (236 cells/uL), 28/10/2026\n"
  "Lansky play-performance: Y - 80\n"
  "Persistent proteinuria despite MMF + steroids > 6 months: Y\n"
  "Consent: pending - family to meet PI"),
 ("2026-11-02", "lab", LAB(v, "DEPT OF PATHOLOGY - CLINICAL LAB REPORT")),
 ("2026-11-03", "pharmacy", "CLINICAL PHARMACY NOTE\nMedication reconciliation done. MMF 500 mg BD - patient's own medication, verified. "
  "Prednisolone 20 mg OD. HCQ 200 mg OD. No G-CSF, no anticoagulant. Dose checks OK for BSA 1.32 m2."),
], [v], birth="2012-04-11", sex="F")

# ---- Z002 Hong Kong: rituximab Feb 2026 (HO excluded); B cells reconstituted (NCT fine)
v = STD("2026-10-20", "hk", upcr=(145, "mg/mmol"))
P("Z002", "eligible_nct_rtx_ho", [
 ("2026-02-12", "infusion_chart", "INFUSION CHART - Paediatric Day Ward\nRituximab (MabThera) 375 mg/m2 = 560 mg IV, dose 1 of 2\n"
  "Premedication 09:30: paracetamol 500 mg PO given; chlorphenamine 4 mg IV given; hydrocortisone 100 mg IV given.\n"
  "Infusion start 10:05 at 50 mg/h, escalated per protocol; completed 15:40. No infusion reaction. Status: GIVEN."),
 ("2026-06-30", "consult", "NEPHROLOGY CONSULTATION\nReason: proteinuria persisting.\nBackground: SLE since 2023 (ANA 1:1280 speckled). Prednisolone since 2023, tacrolimus since 03/2024, MMF added 2025. Rituximab x2 in Feb 2026.\n"
  "Renal biopsy 25/06/2026: LN ISN/RPS class III (A) + V.\nImpression: refractory LN - persistent nephrotic-range proteinuria. Suitable for trial screening."),
 ("2026-10-20", "lab", LAB(v, "HA LABORATORY CUMULATIVE REPORT")),
 ("2026-10-21", "ward_round", "WARD ROUND (Paed Nephrology)\n16M, SLE/LN class III+V.\nSLEDAI-2K 10 today.\nLymphocyte subset 20/10: CD19+ 4.2% (58 cells/uL) - B-cell reconstitution after RTX.\nECOG 1. Good peripheral veins.\nPlan: refer CAR-T study."),
], [v], nct={}, ho=dict(x_anti_cd20="met"), birth="2010-02-19", sex="M",
  hard="rituximab given 9 months ago: HO anti-CD20 washout (12 months) excludes, but CD19 recovered for NCT")

# ---- Z003 Lahore: IV CYC cycle 4 HELD and order discontinued; last given dose 10/08 (>3 months)
v = STD("2026-11-06", "pk", upcr=(1.6, "mg/mg"))
P("Z003", "cyc_held", [
 ("2026-06-03", "ward_round", "WARD ROUND - Paeds Nephrology, Lahore\n13-year-old girl, cSLE since July 2025, ANA 1:320.\n"
  "#1 Diffuse proliferative lupus nephritis (class IV) - biopsy 01/06/2026.\n#2 Cushingoid - on steroids.\n"
  "On prednisolone since July 2025 and MMF since Sept 2025; proteinuria persists.\nPlan: NIH-regimen IV cyclophosphamide monthly from tomorrow."),
 ("2026-08-10", "infusion_chart", "CHEMO/IMMUNOSUPPRESSANT INFUSION RECORD\nIV cyclophosphamide 650 mg in 250 ml NS over 1 h - D1 of cycle 3.\n"
  "Pre-hydration and MESNA given. Start 10:15, end 11:20. GIVEN. Previous cycles given 04/06/2026 and 06/07/2026."),
 ("2026-09-15", "mar", "MEDICATION ADMINISTRATION RECORD - 15/09/2026\nIV cyclophosphamide 650 mg, D1 of cycle 4, due 10:00 - HELD.\n"
  "Reason: febrile 38.6 C, TC 2,100/cumm this morning; dose not given, returned to pharmacy. Blood culture sent.\n"
  "Paracetamol 500 mg PO 10:30 - given."),
 ("2026-09-18", "pharmacy", "PHARMACIST NOTE\nCyclophosphamide order DISCONTINUED by prescriber 18/09/2026. Cycle 4 was never administered.\n"
  "Cycles given: 3 (04/06, 06/07, 10/08/2026). Blood culture sterile, fever settled without antibiotics. Continue MMF."),
 ("2026-11-06", "lab", LAB(v)),
 ("2026-11-06", "prescreen", "PRE-SCREENING CHECKLIST (CAR-T study)\nSLEDAI-2K >=8: Y (12)\nCD19 flow: Y - CD19+ 9% of lymphocytes\nECOG 0-2: Y (ECOG 1)\nANA >=1:80: Y (1:320)\nVenous access: to confirm"),
], [v], stated=(13, "2026-06-03"), sex="F",
  hard="IV cyclophosphamide appears on a September MAR but was HELD and the order discontinued; last dose given 10/08/2026, outside 3 months")

# ---- Z004 Dhaka: rituximab order discontinued before first dose
v = STD("2026-11-09", "pk", upcr=(3.2, "mg/mg"), plt=185)
P("Z004", "rtx_discontinued", [
 ("2026-05-30", "ward_round", "WARD ROUND - Paed Nephrology, BSMMU Dhaka\nName withheld, M, DOB 22/01/2011.\n"
  "#1 LN ISN/RPS class IV-G (A) + V, biopsy 27/05/2026.\n#2 SLE since 2024 - ANA 1:160.\n"
  "Rx: prednisolone since 2024, MMF since Nov 2024, tacrolimus added 05/2026."),
 ("2026-10-10", "ward_round", "WARD ROUND\n#1 Refractory LN - persistent nephrotic-range proteinuria despite pred + MMF + TAC.\n"
  "#2 Hypertension - controlled.\nPlan: consider rituximab if family agrees; discuss CAR-T study."),
 ("2026-10-11", "pharmacy", "PHARMACY VERIFICATION\nRituximab 500 mg IV order received 11/10/2026. Verification pending - HBsAg / anti-HBc awaited. Not dispensed."),
 ("2026-10-12", "pharmacy", "PHARMACY VERIFICATION - UPDATE\nRituximab order DISCONTINUED by prescriber on 12/10/2026 before the first dose (family declined). "
  "Not dispensed; no rituximab administered at any time."),
 ("2026-11-09", "lab", LAB(v)),
 ("2026-11-09", "prescreen", "RESEARCH PRE-SCREEN\nSLEDAI-2K: 16 (09/11)\nFlow cytometry: CD19+ 14%\nLansky 70\nPrior anti-CD20: NO (order cancelled 12/10, never given)"),
], [v], birth="2011-01-22", structured=False, sex="M",
  hard="rituximab ordered then discontinued before the first dose: not an exposure")

# ---- Z005 Rawalpindi: neutrophils as % of TC (ANC 0.88); platelets in lakh (0.42 lakh = 42)
v = STD("2026-11-04", "pk", wbc=3.4, n=26, l=60, hb=94, plt=42, upcr=(2.8, "mg/mg"), ht=139)
P("Z005", "anc_percent_lakh_plt", [
 ("2026-06-20", "consult", "NEPHROLOGY CONSULT TEMPLATE\nDiagnosis: SLE (2024), ANA 1:640.\nBiopsy: 16/06/2026 - focal proliferative LN, ISN/RPS class III (A).\n"
  "Treatment so far: prednisolone and MMF since March 2024.\nResponse: none - UPCR persistently > 2."),
 ("2026-11-04", "lab", LAB(v)),
 ("2026-11-05", "handover", "ISBAR HANDOVER - Night to Day, 05/11/2026 08:00\nI: 13 y F, bed 12.\nS: cytopenias on yesterday's CBC.\n"
  "B: refractory LN class III on MMF + pred.\nA: afebrile, BP 118/76, no bleeding. MMF held since 04/11 by nephro.\nR: repeat CBC 07/11; no G-CSF ordered."),
 ("2026-11-06", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 18 (incl. thrombocytopenia, leukopenia)\nCD19+ B cells: 22% (flow 04/11)\nECOG: 1\nANA: 1:640"),
], [v], birth="2013-08-05", sex="F", nct=dict(anc="not_met"), ho=dict(x_plt="met"),
  hard="TC 3,400 with N 26% gives ANC 0.88 x10^9/L (not_met) although WBC >=3; platelets 0.42 lakh/cumm = 42 x10^9/L")

# ---- Z006 Kathmandu: lakh platelets normal (1.5 lakh = 150); stale July labs superseded; SLEDAI exactly 8
v0 = STD("2026-07-15", "pk", hb=78, plt=90, alt=(140, 40), upcr=(3.5, "mg/mg"))
v = STD("2026-10-30", "pk", hb=109, plt=150, alt=(32, 40), upcr=(1.4, "mg/mg"), ht=141, cr=(0.55, "mg"))
P("Z006", "stale_superseded_lakh", [
 ("2026-07-02", "ward_round", "WARD ROUND - Kanti Children's Hospital (Kathmandu)\n11 yrs boy, cSLE (ANA 1:320).\n"
  "#1 LN class IV + V - biopsy 29/06/2026.\nOn prednisolone since Jan 2025, MMF since Feb 2025. Persistent proteinuria."),
 ("2026-07-15", "lab", LAB(v0)),
 ("2026-10-30", "lab", LAB(v)),
 ("2026-10-31", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 8 (31/10/2026)\nFlow: CD19+ 10%\nLansky: 90\nNo G-CSF. No anticoagulants."),
], [v0, v], stated=(11, "2026-07-02"), sex="M",
  hard="platelets 1.5 lakh/cumm = 150 x10^9/L (not < 50); July ALT 140 and Hb 7.8 superseded by October values; SLEDAI exactly 8")

# ---- Z007 Colombo: handover copied forward with an old Hb (08/11) after transfusion; lab 10/11 Hb 8.6
vh = V("2026-11-08", "lk", render=False, hb=54)
v = STD("2026-11-10", "lk", hb=86, tbil=(0.7, 1.2, "mg"), upcr=(2.2, "mg/mg"))
HO7 = ("ISBAR HANDOVER - Ward 3 (LRH Colombo)\nI: 14 y F, SLE/LN.\nS: symptomatic anaemia - Hb 5.4 g/dL on 08/11/2026.\n"
       "B: LN class III on pred + MMF + TAC.\nA: transfused PRBC 15 ml/kg on 08/11/2026 18:00-22:00, no reaction.\nR: post-transfusion FBC.")
P("Z007", "handover_copied_forward", [
 ("2026-07-12", "consult", "RENAL CONSULT\nSLE since 2023, ANA 1:1280. Prednisolone + MMF since 2023, tacrolimus since 2025.\n"
  "Biopsy 10/07/2026: ISN/RPS class III (A/C) LN.\nRefractory - UPCR never < 1."),
 ("2026-11-08", "handover", HO7),
 ("2026-11-10", "lab", LAB(v)),
 ("2026-11-12", "handover", HO7.replace("ISBAR HANDOVER", "ISBAR HANDOVER (copied from 08/11 - unchanged)")),
 ("2026-11-12", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 12 (12/11/2026)\nCD19 flow: CD19+ 7.5%\nECOG 2\nANA 1:1280"),
], [vh, v], birth="2011-12-01", sex="F",
  hard="handover copied forward on 12/11 still quotes Hb 5.4 g/dL of 08/11; the post-transfusion lab of 10/11 (Hb 8.6 g/dL) is the latest")

# ---- Z008 Karachi: coordinator 'N' = not done (CD19 flow haemolysed; UPT not done)
v = STD("2026-11-11", "pk", upcr=(1.9, "mg/mg"))
P("Z008", "coordinator_N_not_done", [
 ("2026-08-30", "consult", "NEPHROLOGY CONSULT\nPatient DOB 03/03/2012, F.\nChildhood-onset SLE Jan 2025.\n"
  "Renal biopsy 26/08/2026: LN class IV-G (A/C).\nPrednisolone since 01/2025, tacrolimus since 03/2025; persistent proteinuria (no remission)."),
 ("2026-11-11", "lab", LAB(v)),
 ("2026-11-11", "prescreen", "TRIAL PRE-SCREENING CHECKLIST\nLegend: Y = done and satisfied, N = NOT DONE, NA = not applicable, P = pending\n"
  "ANA >=1:80 ............ Y (1:320 on 14/01/2025)\nSLEDAI-2K >=8 ......... Y (10 on 11/11/2026)\n"
  "CD19 flow cytometry ... N (sample haemolysed - to repeat)\nUrine pregnancy test .. N (pre-menarchal)\n"
  "ECOG 0-2 .............. Y (1)\nVenous access ......... P (to confirm with apheresis nurse)\nConsent ............... P"),
], [v], birth="2012-03-03", structured=False, sex="F", nct=dict(cd19="unknown"),
  hard="coordinator's 'N' means not done (CD19 flow haemolysed), not negative: CD19 unknown")

# ---- Z009 Lahore: problem list with resolved TB and resolved cellulitis (IV abx ended 30/09)
v = STD("2026-11-05", "pk", upcr=(1.2, "mg/mg"), ht=165, cr=(0.8, "mg"))
P("Z009", "resolved_problems", [
 ("2026-11-05", "ward_round", "WARD ROUND - Problem list\n17 y M.\n#1 LN class IV (biopsy 20/07/2026) - refractory, UPCR 1.2 today.\n"
  "#2 SLE since 2024 - ANA 1:640.\n#3 Pulmonary TB - completed 6 months ATT Mar 2024 - RESOLVED.\n"
  "#4 Cellulitis R leg - IV cloxacillin 20/09-30/09/2026, completed - RESOLVED.\n#5 HTN - amlodipine.\n"
  "Meds: prednisolone since June 2024, MMF since July 2024.\nNo active infection today; afebrile, CRP 3."),
 ("2026-11-05", "lab", LAB(v)),
 ("2026-11-06", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 11\nCD19+ B cells: 13%\nECOG 0\nVenous access: good antecubital veins"),
 ("2026-11-07", "social_work", "SOCIAL WORK NOTE\nFather a rickshaw driver; travel support arranged for trial visits if enrolled. "
  "Mother reports he finished his TB medicines 2 years ago and the leg infection has healed."),
], [v], birth="2009-06-14", sex="M",
  hard="problem list still shows TB and cellulitis, both resolved; last IV antibiotic 30/09/2026 is outside 4 weeks")

# ---- Z010 Singapore: filgrastim given 7 days before ANC; UPCR 110 mg/mmol (0.97 g/g) < 1.0 for HO
v = STD("2026-11-08", "hk", wbc=5.6, n=43, l=35, upcr=(110, "mg/mmol"), ht=152, cr=(50, "umol"))
P("Z010", "anc_gcsf", [
 ("2026-06-05", "consult", "KKH PAEDIATRIC NEPHROLOGY CONSULT\nSLE since 2024 (ANA 1:640). Prednisolone + MMF since Aug 2024; Euro-Lupus IVCY 6 doses completed Apr 2026.\n"
  "Biopsy 02/06/2026: class IV LN. Impression: refractory LN."),
 ("2026-11-01", "mar", "MEDICATION ADMINISTRATION RECORD 01/11/2026\nFilgrastim 150 mcg SC 08:00 - GIVEN (ANC 0.6 on 31/10).\n"
  "Prednisolone 15 mg PO 08:00 - given. MMF 500 mg PO 08:00 - HELD (neutropenia)."),
 ("2026-11-08", "lab", LAB(v, "CUMULATIVE LAB REPORT")),
 ("2026-11-09", "ward_round", "WARD ROUND\n14F SLE/LN.\nSLEDAI-2K 10.\nLymphocyte subsets: CD19+ 8%.\nECOG 1.\nNeutrophils recovered after G-CSF 01/11."),
], [v], birth="2012-09-30", sex="F", gcsf=["2026-11-01"], nct=dict(anc="not_met"),
  ho=dict(proteinuria="not_met"),
  hard="filgrastim given 01/11, 7 days before the ANC of 08/11; UPCR 110 mg/mmol = 0.97 g/g (below 1.0 for HO, above 0.5 for NCT)")

# ---- Z011 Dhaka: filgrastim REFUSED / omitted, order discontinued
v = STD("2026-11-12", "pk", wbc=4.8, n=38, l=45, upcr=(1.5, "mg/mg"))
P("Z011", "gcsf_refused", [
 ("2026-06-15", "ward_round", "WARD ROUND - Dhaka Shishu Hospital\n#1 LN class III (A) + V, biopsy 10/06/2026.\n#2 SLE, ANA 1:160.\n"
  "Prednisolone since Jan 2025, MMF since Feb 2025, tacrolimus since Mar 2026. Nephrotic-range proteinuria persists."),
 ("2026-11-06", "mar", "MAR - 12 yo M, bed 7\nFilgrastim 5 mcg/kg SC\n 06/11/2026 09:00 - NOT GIVEN: refused by parent (needle fear)\n"
  " 07/11/2026 09:00 - OMITTED: order discontinued by prescriber (ANC recovering)\nPrednisolone 20 mg 08:00 - given."),
 ("2026-11-12", "lab", LAB(v)),
 ("2026-11-12", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 9\nCD19+: 16%\nLansky: 80\nANA: 1:160"),
], [v], stated=(12, "2026-11-06"), sex="M",
  hard="filgrastim was refused then the order discontinued: no CSF given; ANC from TC 4,800 x N 38% = 1.82")

# ---- Z012 Hong Kong: lupus myositis -> ALT/AST manual for NCT; HO ALT > 2.5 x ULN
v = STD("2026-11-03", "hk", alt=(210, 35), ast=(190, 40), upcr=(170, "mg/mmol"))
P("Z012", "myositis_transaminases", [
 ("2026-07-01", "consult", "PAEDIATRIC NEPHROLOGY CONSULT (HKCH)\nSLE with lupus myositis (CK 4,800 U/L, MRI thighs: myositis). ANA 1:2560.\n"
  "Biopsy 28/06/2026: ISN/RPS class IV-S (A). Prednisolone + MMF since 2025."),
 ("2026-11-03", "lab", LAB(v) + "\nCK 3,100 U/L (<170)"),
 ("2026-11-04", "ward_round", "WARD ROUND\n#1 LN class IV - UPCR 170 mg/mmol, not in remission.\n#2 Inflammatory myopathy (lupus myositis), active - raised ALT/AST muscle origin.\n"
  "SLEDAI-2K 16. CD19+ 18%. ECOG 2."),
], [v], birth="2011-05-05", sex="F", myositis=True, nct=dict(alt="manual", ast="manual"),
  ho=dict(x_alt="met"),
  hard="ALT/AST above 3 x ULN from active myositis: manual for NCT (registry exception) but HO has no exception")

# ---- Z013 Karachi: ALT exactly 3 x printed ULN (ref 5-45)
v = STD("2026-11-07", "pk", alt=(135, 45), ast=(48, 40), upcr=(2.0, "mg/mg"), ht=160, cr=(0.7, "mg"))
P("Z013", "uln_printed_edge", [
 ("2026-08-18", "pathology", "HISTOPATHOLOGY REPORT - renal biopsy received 15/08/2026\nDiffuse proliferative lupus nephritis, ISN/RPS class IV-G (A), AI 10/24, CI 1/12."),
 ("2026-09-01", "ward_round", "WARD ROUND\n#1 LN class IV (biopsy 15/08/2026) #2 SLE since 2024, ANA 1:320.\n"
  "#3 Transaminitis ?azathioprine-related - AZA stopped in 2025.\nCurrent: prednisolone since 2024, tacrolimus since June 2025."),
 ("2026-11-07", "lab", LAB(v)),
 ("2026-11-08", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: 12\nCD19+ B: 5%\nECOG 1\nUPCR 2.0 mg/mg - no remission"),
], [v], birth="2010-10-10", sex="M", ho=dict(x_alt="met"),
  hard="SGPT 135 U/L with printed range 5-45: exactly 3 x ULN (met for NCT); default ULN 40 would wrongly fail it; HO 135 > 2.5 x 45")

# ---- Z014 Colombo: ALT 250 in July (stale) superseded by 38 in October; no coag, no ECOG
v0 = STD("2026-07-20", "lk", alt=(250, 40), ast=(180, 40), inr=None, pt=None)
v = STD("2026-10-25", "lk", alt=(38, 40), ast=(30, 40), inr=None, pt=None, upcr=(1.3, "mg/mg"))
P("Z014", "stale_alt_superseded", [
 ("2026-07-18", "ward_round", "WARD ROUND - LRH\nPatient DOB 14/02/2013.\n#1 LN class III + V, biopsy 18/07/2026 (today).\n#2 SLE (ANA 1:160).\n"
  "#3 Drug-induced hepatitis - resolved? (recheck LFT)\nPrednisolone since Nov 2024, MMF since Dec 2024."),
 ("2026-07-20", "lab", LAB(v0)),
 ("2026-10-25", "lab", LAB(v)),
 ("2026-10-26", "ward_round", "WARD ROUND\nSLEDAI-2K 10. Flow cytometry: CD19 positive B cells 12%.\nUPCR 1.3 mg/mg - persistent. Plan refer."),
 ("2026-11-02", "dietitian", "DIETITIAN NOTE\nNo added salt diet, protein 1 g/kg/day. Weight 38 kg. On steroids - calcium/vit D advised."),
], [v0, v], birth="2013-02-14", structured=False, sex="F",
  nct=dict(inr="unknown", pt="unknown", ecog="unknown"),
  hard="July ALT 250 / AST 180 superseded by October 38 / 30; no coagulation and no performance score in the notes")

# ---- Z015 Singapore: Gilbert syndrome, bilirubin 49 umol/L (ULN 17) <= 3 x ULN
v = STD("2026-10-18", "hk", tbil=(49, 17, "umol"), upcr=(130, "mg/mmol"), ht=170, cr=(70, "umol"))
P("Z015", "gilbert", [
 ("2026-09-05", "consult", "NUH PAEDIATRIC RENAL CONSULT\nSLE since 2024 (ANA 1:640). Known Gilbert syndrome (UGT1A1*28 homozygous).\n"
  "Biopsy 02/09/2026: class IV LN. Prednisolone and MMF since March 2025."),
 ("2026-10-18", "lab", LAB(v)),
 ("2026-10-19", "ward_round", "WARD ROUND\nSLEDAI-2K 14. CD19+ 9%. ECOG 1.\nIsolated unconjugated hyperbilirubinaemia - Gilbert, no haemolysis."),
], [v], birth="2009-01-20", sex="M", gilbert=True,
  hard="bilirubin 49 umol/L is 2.9 x ULN: passes only through the Gilbert allowance")

# ---- Z016 Kathmandu: bilirubin 2.2 mg/dl (ULN 1.2) and SGPT 150 without myositis
v = STD("2026-11-03", "pk", tbil=(2.2, 1.2, "mg"), alt=(150, 40), ast=(70, 40), upcr=(2.4, "mg/mg"))
P("Z016", "liver_fail", [
 ("2026-08-01", "ward_round", "WARD ROUND - Patan Hospital\n15-year-old girl, SLE (ANA 1:320).\n#1 LN class IV-G (A) - biopsy 28/07/2026.\n"
  "On prednisolone since Feb 2025, MMF since Mar 2025."),
 ("2026-11-03", "lab", LAB(v)),
 ("2026-11-04", "ward_round", "WARD ROUND\n#1 LN - refractory, UPCR 2.4.\n#2 Cholestatic drug-induced liver injury - HBsAg negative, anti-HCV negative.\n"
  "SLEDAI-2K 12. CD19 13%. ECOG 1."),
], [v], stated=(15, "2026-08-01"), sex="F", nct=dict(alt="not_met", tbil="not_met"),
  ho=dict(x_alt="met"))

# ---- Z017 Lahore: eGFR 22 by Schwartz -> NCT manual, HO not_met
v = STD("2026-11-10", "pk", cr=(2.6, "mg"), ht=140, upcr=(4.1, "mg/mg"))
P("Z017", "egfr_below_30", [
 ("2025-10-20", "ward_round", "WARD ROUND\nSLE with nephritis diagnosed 10/2025, ANA 1:1280. Started IV methylprednisolone pulses then oral prednisolone, and MMF from 20/10/2025."),
 ("2026-10-03", "pathology", "RENAL BIOPSY REPORT (biopsy 01/10/2026)\nLupus nephritis ISN/RPS class IV-G (A/C), cellular crescents in 6/18 glomeruli. AI 14/24, CI 3/12."),
 ("2026-11-10", "lab", LAB(v)),
 ("2026-11-11", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K 20\nCD19+ 12%\nECOG 2\nS. creat 2.6 - renal impairment due to LN"),
], [v], birth="2011-03-03", sex="M", nct=dict(egfr="manual"), ho=dict(egfr="not_met"))

# ---- Z018 Dhaka: eGFR 41 -> NCT met (>=30), HO not_met (<45)
v = STD("2026-10-22", "pk", cr=(1.5, "mg"), ht=150, upcr=(2.6, "mg/mg"))
P("Z018", "egfr_30_45", [
 ("2026-07-05", "consult", "NEPHROLOGY CONSULT\nSLE since 2023, ANA 1:640. Prednisolone + tacrolimus since 2024, MMF 2025.\n"
  "Biopsy 01/07/2026: class III (A/C) + V LN. Proteinuria not in remission."),
 ("2026-10-22", "lab", LAB(v)),
 ("2026-10-23", "prescreen", "PRE-SCREENING LOG\nSLEDAI 2K: 13\nB cells CD19+: 6%\nECOG 1\nANA 1:640"),
], [v], birth="2010-07-07", sex="F", ho=dict(egfr="not_met"))

# ---- Z019 Hong Kong: biopsy Dec 2025 (outside 6 months, inside 12 months)
v = STD("2026-10-12", "hk", upcr=(160, "mg/mmol"), ht=148)
P("Z019", "biopsy_7_months", [
 ("2025-12-15", "consult", "PAED NEPHRO CONSULT\nNew SLE (ANA 1:320) with nephritis. Renal biopsy 10/12/2025: class IV-G (A).\n"
  "Started prednisolone and MMF 15/12/2025."),
 ("2026-10-12", "lab", LAB(v)),
 ("2026-10-13", "ward_round", "WARD ROUND\nLN not in remission after 10 months pred + MMF.\nSLEDAI-2K 9. CD19+ 11%. ECOG 0. No repeat biopsy yet."),
], [v], birth="2012-12-12", sex="M", nct=dict(biopsy="unknown"),
  hard="biopsy 10/12/2025 is outside NCT's 6 months (unknown, repeat needed) but inside HO's 12 months")

# ---- Z020 Karachi: most recent biopsy pure class V (older biopsy class IV)
v = STD("2026-11-01", "pk", upcr=(1.4, "mg/mg"))
P("Z020", "latest_biopsy_class_v", [
 ("2024-03-10", "ward_round", "WARD ROUND\nSLE (ANA 1:640). Biopsy 05/03/2024: LN class IV-G (A). Started pred + MMF."),
 ("2026-07-25", "pathology", "HISTOPATHOLOGY - repeat renal biopsy 22/07/2026\nPure membranous lupus nephritis, ISN/RPS class V. "
  "No endocapillary proliferation; no active class III/IV lesions."),
 ("2026-11-01", "lab", LAB(v)),
 ("2026-11-02", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K 8\nCD19+ 10%\nECOG 1\nBiopsy: class V on repeat - to discuss with PI"),
], [v], birth="2011-09-09", sex="F", nct=dict(biopsy="not_met"), ho=dict(biopsy="not_met"),
  hard="old biopsy class IV but the most recent (22/07/2026) is pure class V")

# ---- Z021 Colombo: old class II, repeat III+V; 24-h urine protein
v = STD("2026-10-28", "lk", upcr=None, p24=1.8)
P("Z021", "repeat_biopsy_24h", [
 ("2023-05-02", "consult", "RENAL CONSULT\nSLE 2023, ANA 1:160. Biopsy: mesangial LN, ISN/RPS class II. Prednisolone + MMF started."),
 ("2026-09-20", "ward_round", "WARD ROUND\naged 16, M.\nRepeat biopsy 12/09/2026: ISN/RPS class III (A) + V.\n#1 LN relapse on pred + MMF.\n#2 SLE."),
 ("2026-10-28", "lab", LAB(v)),
 ("2026-10-29", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K 10\nCD19 flow: positive, 12%\nECOG 1\n24 hr urine protein 1.8 g/day - no remission"),
], [v], stated=(16, "2026-09-20"), sex="M")

# ---- Z022 Kathmandu: biopsy undated (outside hospital), no SLEDAI, height > 1 year old
vht = V("2025-05-10", "pk", render=False, ht=142)
v = STD("2026-10-05", "pk", ht=None, upcr=(1.3, "mg/mg"))
P("Z022", "undated_biopsy_no_height", [
 ("2025-05-10", "dietitian", "DIETITIAN NOTE 10/05/2025\nHt 142 cm, Wt 36 kg. Low salt diet explained."),
 ("2026-10-04", "ward_round", "WARD ROUND\nKnown LN class IV - biopsied at outside hospital, report not available, date not known.\n"
  "SLE since 2023 (ANA 1:320). Prednisolone since 2023 and MMF since 2024, proteinuria persists."),
 ("2026-10-05", "lab", LAB(v)),
 ("2026-10-06", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K: not documented\nCD19+: 9%\nECOG 1\nBiopsy report: to obtain"),
], [vht, v], birth="2012-01-25", sex="F",
  nct=dict(biopsy="unknown", sledai="unknown", egfr="unknown"),
  ho=dict(biopsy="unknown", egfr="unknown"),
  hard="creatinine present but the only height is from 05/2025 (>365 days): Schwartz eGFR cannot be computed")

# ---- Z023 Singapore: SLEDAI 6 (earlier 16); complete renal response (UPCR 34 mg/mmol)
v = STD("2026-10-30", "hk", upcr=(34, "mg/mmol"))
P("Z023", "remission_low_sledai", [
 ("2026-05-30", "ward_round", "WARD ROUND\nSLE since 2024, ANA 1:640. Biopsy 01/06/2026 planned. SLEDAI-2K 16 today. Pred + MMF since 2024."),
 ("2026-06-03", "pathology", "RENAL BIOPSY (01/06/2026): lupus nephritis, ISN/RPS class IV-G (A)."),
 ("2026-10-30", "lab", LAB(v)),
 ("2026-10-31", "ward_round", "WARD ROUND\nComplete renal response - UPCR 34 mg/mmol.\nSLEDAI-2K 6. CD19+ 14%. ECOG 0."),
], [v], birth="2010-04-04", sex="M", nct=dict(sledai="not_met", refractory="not_met"),
  ho=dict(proteinuria="not_met"))

# ---- Z024 Lahore: everything measured is stale (July); biopsy April
v = STD("2026-07-30", "pk", upcr=(2.3, "mg/mg"))
P("Z024", "stale_labs", [
 ("2026-04-10", "ward_round", "WARD ROUND\n14 y F, SLE since 2024, ANA 1:320.\nBiopsy 05/04/2026: LN class IV-S (A).\n"
  "SLEDAI-2K 12. Prednisolone since June 2025, MMF since June 2025."),
 ("2026-07-30", "lab", LAB(v)),
 ("2026-07-31", "prescreen", "PRE-SCREENING LOG\nFlow: CD19+ 17%\nECOG 1"),
 ("2026-11-01", "dietitian", "DIETITIAN NOTE\nReviewed in OPD. Eating well, on prednisolone and MMF. No new bloods today."),
], [v], stated=(14, "2026-04-10"), sex="F",
  nct=dict(biopsy="unknown", sledai="unknown", refractory="unknown", cd19="unknown", lymph="unknown",
           wbc="unknown", anc="unknown", hb="unknown", alt="unknown", ast="unknown", tbil="unknown",
           egfr="unknown", inr="unknown", pt="unknown", ecog="unknown"),
  ho=dict(proteinuria="unknown", egfr="unknown", x_alt="unknown", x_plt="unknown"))

# ---- Z025 Dhaka: new diagnosis, treatment started 01/07/2026 (< 6 months)
v = STD("2026-11-02", "pk", upcr=(3.0, "mg/mg"))
P("Z025", "not_refractory_short", [
 ("2026-06-30", "ward_round", "WARD ROUND\nNew diagnosis SLE (ANA 1:1280) with LN; treatment-naive.\nBiopsy 28/06/2026: class IV-G (A)."),
 ("2026-07-01", "mar", "MAR 01/07/2026\nIV methylprednisolone 30 mg/kg 10:00 - given (pulse 1/3).\nMMF 400 mg PO 20:00 - given (first dose)."),
 ("2026-11-02", "lab", LAB(v)),
 ("2026-11-03", "ward_round", "WARD ROUND\nSLEDAI-2K 14. CD19+ 20%. Lansky 80."),
], [v], birth="2013-11-11", sex="M", nct=dict(refractory="not_met"))

# ---- Z026 Colombo: only glucocorticoid + HCQ + azathioprine
v = STD("2026-11-04", "lk", upcr=(2.0, "mg/mg"))
P("Z026", "one_listed_agent", [
 ("2026-08-22", "consult", "RENAL CONSULT\nSLE since 2024, ANA 1:640.\nBiopsy 20/08/2026: class III (A) LN.\nOn prednisolone, HCQ and azathioprine since 2024."),
 ("2026-11-04", "lab", LAB(v)),
 ("2026-11-05", "pharmacy", "PHARMACY NOTE\nCurrent: prednisolone 10 mg, HCQ 200 mg, azathioprine 75 mg. Never received MMF, CYC or calcineurin inhibitors."),
 ("2026-11-05", "ward_round", "WARD ROUND\nSLEDAI-2K 12. CD19+ 20%. ECOG 1. Persistent proteinuria."),
], [v], birth="2011-06-18", sex="F", nct=dict(refractory="unknown"),
  hard="HCQ and azathioprine are not listed agents: only one agent (glucocorticoid)")

# ---- Z027 Hong Kong: rituximab May 2026, CD19 depleted
v = STD("2026-10-15", "hk", upcr=(180, "mg/mmol"))
P("Z027", "cd19_depleted", [
 ("2026-05-12", "infusion_chart", "INFUSION CHART\nRituximab 750 mg/m2 IV dose 1 - premeds given - completed 16:10. GIVEN."),
 ("2026-05-26", "infusion_chart", "INFUSION CHART\nRituximab 750 mg/m2 IV dose 2 - GIVEN, no reaction."),
 ("2026-06-20", "consult", "CONSULT\nSLE (ANA 1:640), LN biopsy 15/06/2026 class IV. Pred + MMF since 2024."),
 ("2026-10-15", "lab", LAB(v) + "\nLymphocyte subsets: CD3 82%, CD19+ B cells 0% (0 cells/uL) - depleted."),
 ("2026-10-16", "ward_round", "WARD ROUND\nSLEDAI-2K 11. ECOG 1."),
], [v], birth="2010-08-08", sex="M", nct=dict(cd19="not_met"), ho=dict(x_anti_cd20="met"))

# ---- Z028 Kathmandu: poor venous access, apheresis contraindicated
v = STD("2026-11-02", "pk", upcr=(2.2, "mg/mg"))
P("Z028", "poor_venous_access", [
 ("2026-07-10", "ward_round", "WARD ROUND\nSLE (ANA 1:320), LN class IV + V biopsy 06/07/2026. Prednisolone + MMF since 2025."),
 ("2026-11-02", "lab", LAB(v)),
 ("2026-11-03", "handover", "SBAR HANDOVER 03/11/2026 20:00\nS: IV cannula tissued.\nB: known DIFFICULT IV ACCESS - 6 attempts today, USG-guided PIV.\n"
  "A: IR opinion: bilateral IJV thrombosis, apheresis catheter contraindicated.\nR: keep PIV, minimise bloods."),
 ("2026-11-04", "prescreen", "PRE-SCREENING LOG\nSLEDAI-2K 10\nCD19+ 12%\nLansky 80\nVenous access for apheresis: NO (see IR note)"),
], [v], birth="2012-10-20", sex="F", nct=dict(venous="not_met"))

# ---- Z029 Karachi: septic shock on noradrenaline, IV meropenem; shock liver; Hb 5.8
v = STD("2026-11-04", "pk", hb=58, alt=(180, 40), ast=(260, 40), upcr=(2.9, "mg/mg"), pt=(14.5, 14.0), inr=(1.3, 1.2))
P("Z029", "septic_shock", [
 ("2026-06-25", "consult", "NEPHRO CONSULT\nSLE (ANA 1:640). Biopsy 22/06/2026: LN class IV-G (A). Pred + MMF since 2025."),
 ("2026-11-02", "ward_round", "PICU ROUND - Day 1\n#1 Septic shock (Klebsiella bacteraemia) - noradrenaline 0.1 mcg/kg/min.\n"
  "#2 LN class IV.\nIV meropenem started 02/11/2026. Karnofsky 40."),
 ("2026-11-04", "lab", LAB(v)),
 ("2026-11-12", "mar", "MAR 12/11/2026\nIV meropenem 1 g 8-hourly - 06:00 given, 14:00 given, 22:00 given (D11).\nNoradrenaline weaned off 06/11."),
], [v], birth="2009-11-30", sex="M",
  nct=dict(sledai="unknown", cd19="unknown", hb="not_met", alt="not_met", ast="not_met", hemo="not_met", ecog="not_met"),
  ho=dict(x_alt="met", x_infection="met"))

# ---- Z030 Dhaka: SLE ruled out, ANA negative, C1q nephropathy
v = STD("2026-10-10", "pk", upcr=(2.5, "mg/mg"))
P("Z030", "not_sle", [
 ("2026-09-01", "ward_round", "WARD ROUND\nNephrotic syndrome, ? lupus nephritis. Prednisolone started 01/09/2026."),
 ("2026-09-14", "pathology", "RENAL BIOPSY REPORT (10/09/2026)\nC1q nephropathy. No features of lupus nephritis."),
 ("2026-10-10", "lab", LAB(v) + "\nANA (IIF, HEp-2): negative. Anti-dsDNA negative."),
 ("2026-10-11", "ward_round", "WARD ROUND\nSLE ruled out - ANA negative x2, 2019 EULAR/ACR criteria not fulfilled.\nECOG 0."),
], [v], birth="2014-02-02", sex="F",
  nct=dict(sle="not_met", biopsy="not_met", sledai="unknown", refractory="not_met", cd19="unknown", ana="not_met"),
  ho=dict(sle="not_met", biopsy="not_met"))

# ---- Z031 Singapore: stated 'aged 18' in March 2026; ANA positive without titre
v = STD("2026-10-20", "hk", upcr=(140, "mg/mmol"), ht=172, cr=(75, "umol"))
P("Z031", "age_boundary_ana_no_titre", [
 ("2026-03-01", "consult", "ADOLESCENT RENAL CONSULT\naged 18, M. SLE since 2022 - ANA positive (titre not available).\n"
  "Prednisolone + MMF since 2022, tacrolimus 2025."),
 ("2026-07-02", "pathology", "RENAL BIOPSY 30/06/2026: ISN/RPS class III (A) + V."),
 ("2026-10-20", "lab", LAB(v)),
 ("2026-10-21", "ward_round", "WARD ROUND\nSLEDAI-2K 10. CD19+ 15%. ECOG 0. Persistent proteinuria."),
], [v], stated=(18, "2026-03-01"), sex="M", nct=dict(age="unknown", ana="unknown"),
  hard="'aged 18' in March 2026 means 18 or 19 at the as-of: NCT age unknown")

# ---- Z032 Lahore: stated '18 y' in Oct 2025 -> 19-20 now
v = STD("2026-11-05", "pk", upcr=(1.7, "mg/mg"), ht=158)
P("Z032", "age_over_18", [
 ("2025-10-01", "consult", "CONSULT\n18 y F, SLE since 2021 (ANA 1:640). Prednisolone + MMF since 2021."),
 ("2026-09-10", "pathology", "RENAL BIOPSY 08/09/2026: class IV-G (A) + V."),
 ("2026-11-05", "lab", LAB(v)),
 ("2026-11-06", "ward_round", "WARD ROUND\nSLEDAI-2K 12. CD19+ 10%. ECOG 1. UPT negative."),
], [v], stated=(18, "2025-10-01"), sex="F", nct=dict(age="not_met"))

# ---- Z033 Colombo: 7 years old (NCT yes, HO no)
v = STD("2026-10-28", "lk", ht=121, cr=(0.4, "mg"), upcr=(1.9, "mg/mg"))
P("Z033", "age_7", [
 ("2026-06-15", "consult", "RENAL CONSULT\nEarly-onset SLE (ANA 1:1280) diagnosed 2024. Pred + MMF since 2024.\nBiopsy 12/06/2026: class IV LN."),
 ("2026-10-28", "lab", LAB(v)),
 ("2026-10-29", "ward_round", "WARD ROUND\nSLEDAI-2K 15. CD19+ 25%. Lansky 90."),
], [v], birth="2019-03-15", sex="F", ho=dict(age="not_met"))

# ---- Z034 Hong Kong: pregnant 17-year-old
v = STD("2026-11-06", "hk", upcr=(150, "mg/mmol"))
P("Z034", "pregnancy", [
 ("2026-07-20", "consult", "CONSULT\nSLE (ANA 1:640), LN biopsy 15/07/2026 class IV-G (A). Pred + MMF since 2025."),
 ("2026-11-06", "lab", LAB(v) + "\nUrine hCG POSITIVE; serum beta-hCG 1,240 IU/L."),
 ("2026-11-07", "ward_round", "WARD ROUND\nConfirmed early pregnancy (~6 weeks). MMF stopped - teratogenic; O&G referral.\nSLEDAI-2K 10. CD19+ 11%. ECOG 0."),
], [v], birth="2009-05-05", sex="F", ho=dict(x_preg="met"))

# ---- Z035 Kathmandu: APS on warfarin, INR/PT above 1.5 x ULN
v = STD("2026-11-08", "pk", inr=(2.6, 1.2), pt=(30.5, 14.0), upcr=(1.6, "mg/mg"))
P("Z035", "anticoagulated", [
 ("2026-06-05", "consult", "CONSULT\nSLE with secondary APS (DVT 2025) on warfarin. ANA 1:320.\nBiopsy 01/06/2026: class III (A) LN. Pred + MMF since 2025."),
 ("2026-11-08", "lab", LAB(v)),
 ("2026-11-09", "ward_round", "WARD ROUND\nSLEDAI-2K 9. CD19+ 8%. Lansky 90. INR in target range for warfarin."),
], [v], birth="2011-11-25", sex="M", nct=dict(inr="not_met", pt="not_met"))

# ---- Z036 Singapore: Euro-Lupus CYC given Sep-Nov 2026, 'course completed'
v = STD("2026-11-10", "hk", upcr=(130, "mg/mmol"))
P("Z036", "cyc_recent", [
 ("2026-09-20", "consult", "CONSULT\nSLE (ANA 1:2560). Biopsy 15/09/2026 class IV-G (A). Pred since Aug 2025, MMF since Sept 2025 - failed.\nPlan Euro-Lupus IVCY."),
 ("2026-10-22", "infusion_chart", "INFUSION CHART\nIV cyclophosphamide 500 mg - Euro-Lupus dose 5/6 - GIVEN 10:00-10:45."),
 ("2026-11-05", "pharmacy", "PHARMACY NOTE\nIV cyclophosphamide 500 mg dose 6/6 given 05/11/2026. Course completed."),
 ("2026-11-11", "ward_round", "WARD ROUND\nSLEDAI-2K 11. CD19+ 6%. ECOG 1."),
 ("2026-11-10", "lab", LAB(v)),
], [v], birth="2010-12-30", sex="F", ho=dict(x_cyc="met"))

# ---- Z037 Lahore: pyelonephritis on IV ceftriaxone; TC 2,600 with L 25%
v = STD("2026-11-10", "pk", wbc=2.6, n=70, l=25, upcr=(1.8, "mg/mg"))
P("Z037", "leukopenia_active_infection", [
 ("2026-06-28", "consult", "CONSULT\nSLE (ANA 1:640), biopsy 25/06/2026 class IV LN. Pred + tacrolimus since 2025."),
 ("2026-11-10", "lab", LAB(v)),
 ("2026-11-13", "mar", "MAR\nIV ceftriaxone 1 g OD for acute pyelonephritis: 10/11 given, 11/11 given, 12/11 given, 13/11 given."),
 ("2026-11-14", "ward_round", "WARD ROUND\n#1 Acute pyelonephritis (E. coli) - on IV ceftriaxone D5.\n#2 LN class IV. SLEDAI-2K 14. CD19+ 10%. ECOG 2."),
], [v], birth="2012-07-07", sex="M", nct=dict(lymph="not_met", wbc="not_met"), ho=dict(x_infection="met"))

# ---- Z038 Dhaka: uncertain SLE, no biopsy yet
v = STD("2026-11-01", "pk", upcr=(2.0, "mg/mg"))
P("Z038", "uncertain_sle", [
 ("2026-10-28", "ward_round", "WARD ROUND\n#1 ? lupus nephritis vs post-infectious GN - r/o SLE; renal biopsy awaited.\nANA 1:160. C3 low.\nOn prednisolone since 20/10/2026."),
 ("2026-11-01", "lab", LAB(v)),
 ("2026-11-02", "prescreen", "PRE-SCREENING LOG\nSLE confirmed: to confirm\nBiopsy: pending\nECOG 1"),
], [v], birth="2013-05-05", sex="F",
  nct=dict(sle="unknown", biopsy="unknown", sledai="unknown", refractory="not_met", cd19="unknown"),
  ho=dict(sle="unknown", biopsy="unknown"),
  hard="only uncertain mentions ('? lupus nephritis', 'r/o SLE'): SLE unknown, not met")

# Z003's MAR quotes a TC of 2,100/cumm on 15/09 (narrative, superseded by the 06/11 lab)
for _p in PATIENTS:
    if _p["pid"] == "Z003":
        _p["visits"].append(V("2026-09-15", "pk", render=False, wbc=2.1))

# ---------------------------------------------------------------- self checks
def years_between(a, b):
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))

def age_label(p, lo, hi):
    if p["birth"]:
        a = years_between(D(p["birth"]), ASOF)
        return "met" if lo <= a <= hi else "not_met"
    if p["stated"]:
        age, nd = p["stated"]
        a0 = age + years_between(D(nd), ASOF)
        rng = (a0, a0 + 1)
        if lo <= rng[0] and rng[1] <= hi:
            return "met"
        if rng[1] < lo or rng[0] > hi:
            return "not_met"
        return "unknown"
    return "unknown"

def latest(p, key, within=LOOKBACK):
    c = [v for v in p["visits"] if key in v and 0 <= (ASOF - D(v["date"])).days <= within]
    return max(c, key=lambda v: v["date"]) if c else None

def to_gg(v):
    if "upcr" in v:
        a, un = v["upcr"]
        return {"mg/mg": a, "g/g": a, "mg/mmol": a / 113, "mg/g": a / 1000}[un]
    return v["p24"]

def second_look(p):
    """Re-derive numeric lab labels from the structured visits (latest in lookback)."""
    n, h = {}, {}
    v = latest(p, "wbc")
    n["wbc"] = "unknown" if not v else ("met" if v["wbc"] >= 3.0 else "not_met")
    v = latest(p, "l")
    n["lymph"] = "unknown" if not v else ("met" if v["wbc"] * v["l"] / 100 >= 1.0 else "not_met")
    v = latest(p, "n")
    if not v:
        n["anc"] = "unknown"
    else:
        cd = D(v["date"])
        g = any(0 <= (cd - D(x)).days <= 14 for x in p["gcsf"])
        n["anc"] = "met" if v["wbc"] * v["n"] / 100 >= 1.0 and not g else "not_met"
    v = latest(p, "hb")
    n["hb"] = "unknown" if not v else ("met" if v["hb"] >= 60 else "not_met")
    for k in ("alt", "ast"):
        v = latest(p, k)
        if not v:
            n[k] = "unknown"
        else:
            a, u = v[k]
            n[k] = "met" if a <= 3 * (u or 40) else ("manual" if p["myositis"] else "not_met")
    v = latest(p, "tbil")
    if not v:
        n["tbil"] = "unknown"
    else:
        a, u, un = v["tbil"]
        u = u or (1.2 if un == "mg" else 21)
        n["tbil"] = "met" if a <= (3.0 if p["gilbert"] else 1.5) * u else "not_met"
    for k, dflt in (("inr", 1.2), ("pt", 13.5)):
        v = latest(p, k)
        n[k] = "unknown" if not v else ("met" if v[k][0] <= 1.5 * (v[k][1] or dflt) else "not_met")
    # eGFR
    e = None
    v = latest(p, "egfr")
    if v:
        e = v["egfr"]
    else:
        c, ht = latest(p, "cr"), latest(p, "ht", 365)
        if c and ht:
            cr = c["cr"][0] if c["cr"][1] == "mg" else c["cr"][0] / 88.4
            e = 0.413 * ht["ht"] / cr
    n["egfr"] = "unknown" if e is None else ("met" if e >= 30 else "manual")
    h["egfr"] = "unknown" if e is None else ("met" if e >= 45 else "not_met")
    cands = [x for x in (latest(p, "upcr"), latest(p, "p24")) if x]
    if cands:
        x = max(cands, key=lambda v: v["date"])
        h["proteinuria"] = "met" if to_gg(x) >= 1.0 else "not_met"
    else:
        h["proteinuria"] = "unknown"
    v = latest(p, "alt")
    h["x_alt"] = "unknown" if not v else ("met" if v["alt"][0] > 2.5 * (v["alt"][1] or 40) else "not_met")
    v = latest(p, "plt")
    h["x_plt"] = "unknown" if not v else ("met" if v["plt"] < 50 else "not_met")
    return n, h

def status_of(crit, keys):
    incl = [k for k in keys if not k.startswith("x_")]
    excl = [k for k in keys if k.startswith("x_")]
    if any(crit[k] == "not_met" for k in incl) or any(crit[k] == "met" for k in excl):
        return "ineligible"
    if all(crit[k] in ("met", "manual") for k in incl) and all(crit[k] in ("not_met", "manual") for k in excl):
        return "eligible"
    return "possible"

def relevance(status, crit, trial):
    if status == "eligible":
        return 3
    if status == "possible":
        return 2 if all(crit[k] == "met" for k in DISEASE[trial]) else 1
    return 0

def build():
    errs, notes, gold = [], [], []
    pids = [p["pid"] for p in PATIENTS]
    if pids != ["Z%03d" % i for i in range(1, len(pids) + 1)]:
        errs.append("patient ids not Z001.. in order")
    seen = set()
    for p in PATIENTS:
        pid = p["pid"]
        ns = sorted(p["notes"], key=lambda x: x[0])
        for i, (d, typ, text) in enumerate(ns, 1):
            nid = "%s-%02d" % (pid, i)
            if nid in seen:
                errs.append("duplicate note id " + nid)
            seen.add(nid)
            if not D(d) < ASOF:
                errs.append("%s dated %s not before as-of" % (nid, d))
            row = dict(patient_id=pid, note_id=nid, note_date=d, note_type=typ, text=text)
            if p["birth"] and p["structured"]:
                row["birth_date"] = p["birth"]
                row["sex"] = p["sex"]
            notes.append(row)
        for v in p["visits"]:
            if v["render"] and not any(d == v["date"] and typ == "lab" for d, typ, _ in ns):
                errs.append("%s visit %s has no lab note" % (pid, v["date"]))
        if not p["structured"] and p["birth"]:
            dob = D(p["birth"]).strftime("%d/%m/%Y")
            if not any(dob in t for _, _, t in ns):
                errs.append(pid + " DOB not in notes")
        nct = dict(NCT_DEFAULT); nct.update(p["nct"])
        ho = dict(HO_DEFAULT); ho.update(p["ho"])
        for crit, keys, name in ((nct, NCT_KEYS, NCT), (ho, HO_KEYS, HO)):
            if list(crit) != keys:
                errs.append("%s %s bad keys %s" % (pid, name, sorted(set(crit) ^ set(keys))))
            bad = {k: s for k, s in crit.items() if s not in STATUSES}
            if bad:
                errs.append("%s %s bad statuses %s" % (pid, name, bad))
        if nct["age"] != age_label(p, 6, 18):
            errs.append("%s NCT age %s vs %s" % (pid, nct["age"], age_label(p, 6, 18)))
        if ho["age"] != age_label(p, 8, 21):
            errs.append("%s HO age %s vs %s" % (pid, ho["age"], age_label(p, 8, 21)))
        n2, h2 = second_look(p)
        for k, s in n2.items():
            if nct[k] != s:
                errs.append("%s NCT %s hand=%s second-look=%s" % (pid, k, nct[k], s))
        for k, s in h2.items():
            if ho[k] != s:
                errs.append("%s HO %s hand=%s second-look=%s" % (pid, k, ho[k], s))
        for trial, crit, keys in ((NCT, nct, NCT_KEYS), (HO, ho, HO_KEYS)):
            st = status_of(crit, keys)
            gold.append(dict(trial=trial, patient_id=pid, status=st,
                             relevance=relevance(st, crit, trial), criteria=crit,
                             archetype=p["arch"]))
    if len(PATIENTS) < 30:
        errs.append("fewer than 30 patients")
    if len(notes) < 100:
        errs.append("fewer than 100 notes (%d)" % len(notes))
    return errs, notes, gold

def main():
    errs, notes, gold = build()
    if errs:
        print("REFUSING TO WRITE - %d problem(s):" % len(errs))
        for e in errs:
            print("  " + e)
        sys.exit(1)
    with open(os.path.join(OUT, "notes.jsonl"), "w") as f:
        for r in notes:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "gold.jsonl"), "w") as f:
        for r in gold:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    from collections import Counter
    print("patients %d, notes %d, gold rows %d" % (len(PATIENTS), len(notes), len(gold)))
    for t in (NCT, HO):
        print(t, dict(Counter(g["status"] for g in gold if g["trial"] == t)))
    if "--coverage" in sys.argv:
        for t, keys in ((NCT, NCT_KEYS), (HO, HO_KEYS)):
            for k in keys:
                print(t, k, dict(Counter(g["criteria"][k] for g in gold if g["trial"] == t)))
        print("hard:", [p["pid"] for p in PATIENTS if p["hard"]])

if __name__ == "__main__":
    main()
