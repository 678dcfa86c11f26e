#!/usr/bin/env python3
"""Hold-out 17: long follow-up, relative time. stdlib only.
Writes notes.jsonl and gold.jsonl next to this file after self-checks."""
import datetime as dt, json, os, sys

ASOF = dt.date(2026, 11, 20)
LOOK = ASOF - dt.timedelta(days=90)          # 2026-08-22
HERE = os.path.dirname(os.path.abspath(__file__))
T1, T2 = "NCT06904729", "HO-LN-19"
K1 = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph", "wbc",
      "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
K2 = ["age", "sle", "biopsy", "upcr", "egfr", "consent", "x_alt", "x_cd20", "x_cyc", "x_bel", "x_infect", "x_preg"]
D1 = {k: "met" for k in K1}; D1.update(venous="manual", consent="manual", hemo="manual")
D2 = {k: "met" for k in K2}; D2.update(consent="manual")
for k in K2:
    if k.startswith("x_"): D2[k] = "not_met"
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MONTH = "January February March April May June July August September October November December".split()

def fd(svc, iso):
    d = dt.date.fromisoformat(iso)
    if svc == "UK": return d.strftime("%d/%m/%Y")
    if svc == "US": return f"{MON[d.month-1]} {d.day}, {d.year}"
    if svc == "NZ": return f"{d.day} {MON[d.month-1]} {d.year}"
    if svc == "ZA": return iso
    if svc == "MY": return f"{d.day} {MONTH[d.month-1]} {d.year}"

HEAD = {"UK": "Leeds Children's Hospital - Paediatric Nephrology",
        "US": "Children's Hospital - Pediatric Rheumatology",
        "NZ": "Starship Child Health, Auckland - Paediatric Renal",
        "ZA": "Red Cross War Memorial Children's Hospital - Paediatric Nephrology",
        "MY": "Hospital Tunku Azizah KL - Nefrologi Pediatrik / Paediatric Nephrology"}

NORMAL = dict(wbc=5.6, anc=3.4, lymph=1.4, hb=104, plt=231, alt=(22, 40), ast=(27, 40), tbil=(7, 21),
              cr=48, egfr=96, inr=(1.0, 1.2), pt=(12.6, 14.0))

def lab(iso, only=False, **kw):
    v = {} if only else dict(NORMAL)
    v.update(kw)
    return (iso, {k: x for k, x in v.items() if x is not None})

def render(svc, iso, v):
    """Lab block in the service's own layout and units (values stored in canonical units)."""
    L = []
    if svc == "US":
        L.append(f"LABS ({fd(svc, iso)})")
        if "wbc" in v: L.append(f"WBC {v['wbc']:.1f} K/uL")
        if "anc" in v: L.append(f"ANC {int(round(v['anc']*1000))} /uL")
        if "lymph" in v: L.append(f"ALC {int(round(v['lymph']*1000))} /uL")
        if "hb" in v: L.append(f"Hgb {v['hb']/10:.1f} g/dL")
        if "plt" in v: L.append(f"Plt {v['plt']} K/uL")
        if "alt" in v: L.append(f"ALT {v['alt'][0]} U/L (ref 10-{v['alt'][1]})")
        if "ast" in v: L.append(f"AST {v['ast'][0]} U/L (ref 10-{v['ast'][1]})")
        if "tbil" in v: L.append(f"T bili {v['tbil'][0]/17.1:.1f} mg/dL (ref 0.1-{v['tbil'][1]/17.1:.1f})")
        if "cr" in v: L.append(f"Creatinine {v['cr']/88.4:.2f} mg/dL")
        if "egfr" in v: L.append(f"eGFR (bedside Schwartz) {v['egfr']} mL/min/1.73m2")
        if "inr" in v: L.append(f"INR {v['inr'][0]:.1f} (0.9-{v['inr'][1]:.1f})")
        if "pt" in v: L.append(f"PT {v['pt'][0]:.1f} sec (ref 11.0-{v['pt'][1]:.1f})")
        if "upcr" in v: L.append(f"Urine prot/creat {v['upcr']:.2f} mg/mg")
        return "\n".join(L)
    if svc == "NZ":
        L.append(f"Lab results - collected {fd(svc, iso)}")
        row = []
        if "wbc" in v: row.append(f"WBC {v['wbc']:.1f} x10^9/L")
        if "anc" in v: row.append(f"NEUT# {v['anc']:.2f}")
        if "lymph" in v: row.append(f"LYM# {v['lymph']:.2f}")
        if row: L.append("  ".join(row))
        if "hb" in v: L.append(f"HGB {v['hb']} g/L   PLT {v.get('plt', 200)} x10^9/L")
        row = []
        if "alt" in v: row.append(f"ALT {v['alt'][0]} U/L [N <{v['alt'][1]}]")
        if "ast" in v: row.append(f"AST {v['ast'][0]} U/L [N <{v['ast'][1]}]")
        if "tbil" in v: row.append(f"Bili {v['tbil'][0]} umol/L [N <{v['tbil'][1]}]")
        if row: L.append("  ".join(row))
        if "cr" in v: L.append(f"Creat {v['cr']} umol/L" + (f"  eGFR {v['egfr']} mL/min/1.73m2" if "egfr" in v else ""))
        if "inr" in v: L.append(f"INR {v['inr'][0]:.1f} [0.8-{v['inr'][1]:.1f}]  PT {v['pt'][0]:.1f} s [10.5-{v['pt'][1]:.1f}]")
        if "upcr" in v: L.append(f"Urine P:C ratio {int(round(v['upcr']*113))} mg/mmol")
        return "\n".join(L)
    # UK, ZA, MY: table layouts in SI units
    L.append(("RESULTS " if svc != "MY" else "Keputusan makmal / Lab results ") + fd(svc, iso))
    sep = " | " if svc == "ZA" else "   "
    def row(name, val, unit, ref=""):
        L.append(sep.join([name, str(val), unit] + ([ref] if ref else [])).strip())
    if "wbc" in v: row("White cell count", f"{v['wbc']:.1f}", "x10*9/L", "(4.0-11.0)")
    if "anc" in v: row("Neutrophils", f"{v['anc']:.2f}", "x10*9/L", "(1.5-8.0)")
    if "lymph" in v: row("Lymphocytes", f"{v['lymph']:.2f}", "x10*9/L", "(1.0-4.0)")
    if "hb" in v: row("Haemoglobin", v["hb"], "g/L", "(115-155)")
    if "plt" in v: row("Platelets", v["plt"], "x10*9/L", "(150-400)")
    if "alt" in v: row("ALT", v["alt"][0], "U/L", f"(0-{v['alt'][1]})")
    if "ast" in v: row("AST", v["ast"][0], "U/L", f"(0-{v['ast'][1]})")
    if "tbil" in v: row("Bilirubin (total)", v["tbil"][0], "umol/L", f"(0-{v['tbil'][1]})")
    if "cr" in v: row("Creatinine", v["cr"], "umol/L")
    if "egfr" in v: row("eGFR (Schwartz)", v["egfr"], "mL/min/1.73m2")
    if "inr" in v: row("INR", f"{v['inr'][0]:.1f}", "", f"(0.8-{v['inr'][1]:.1f})")
    if "pt" in v: row("Prothrombin time", f"{v['pt'][0]:.1f}", "s", f"(10.0-{v['pt'][1]:.1f})")
    if "upcr" in v:
        if svc == "MY": row("UPCR", f"{v['upcr']:.2f}", "g/g")
        else: row("Urine protein:creatinine ratio", int(round(v["upcr"]*113)), "mg/mmol")
    return "\n".join(L)

P = []
def pt(svc, arch, notes, labs=(), nct=None, ho=None, birth=None, sex="F", stated=None, flags=(),
       height=None, hard=None):
    P.append(dict(svc=svc, arch=arch, notes=notes, labs=list(labs), nct=nct or {}, ho=ho or {},
                  birth=birth, sex=sex, stated=stated, flags=set(flags), height=height, hard=hard))

# ---------------------------------------------------------------- patients
# S001 UK eligible; old pure class V (2023) superseded by class IV+V (Jul 2026)
pt("UK", "eligible_new_class", birth="2012-04-18", notes=[
 ("2023-09-14", "clinic", "New referral. 11-year-old girl, DOB 18/04/2012, with nephrotic-range proteinuria and a malar rash. ANA 1:640 speckled, dsDNA 210 IU/mL, C3 low. Diagnosis: childhood-onset SLE. Renal biopsy booked."),
 ("2023-10-02", "pathology", "RENAL BIOPSY REPORT\nMembranous lupus nephritis, ISN/RPS class V. No endocapillary proliferation. 18 glomeruli."),
 ("2023-10-19", "clinic", "Biopsy 2 weeks ago showed class V LN. Started prednisolone 40 mg daily and mycophenolate mofetil 600 mg/m2 bd today."),
 ("2025-02-11", "clinic", "Since last seen in clinic she has been well. Prednisolone weaned to 5 mg since Christmas. MMF continues. UPCR 62 mg/mmol."),
 ("2026-07-08", "pathology", "RENAL BIOPSY (repeat) 08/07/2026\nDiffuse proliferative lupus nephritis, ISN/RPS class IV-G (A) with class V. Activity index 11/24, chronicity 2/12."),
 ("2026-07-10", "clinic", "Day 2 post-biopsy, no bleed. Repeat biopsy has changed the picture - now class IV+V, superseding the 2023 class V. Methylprednisolone pulses x3 given this week; MMF continued at full dose."),
 ("2026-11-03", "clinic", "Interval history: flare persists despite pulses and MMF since 2023. Active urine sediment, proteinuria unchanged. SLEDAI-2K 14. Lansky 90. Good peripheral veins. Flow cytometry today: CD19+ B cells 11% (154 cells/uL). Referred for CAR-T trial screening."),
 ], labs=[lab("2026-11-03", upcr=2.1, alt=(31, 40))],
 hard="old class V (2023) superseded by repeat biopsy class IV+V on 08/07/2026 (within 183 days)")

# S002 US: old class IV superseded by new pure class V; copied-forward problem list still says IV
pt("US", "new_biopsy_class_v", birth="2011-08-30", sex="F", notes=[
 ("2024-03-05", "clinic", "12 yo F referred with lupus nephritis. Kidney biopsy Feb 20, 2024: class IV-S (A) LN. ANA 1:1280 homogeneous. Started IV methylprednisolone then prednisone 60 mg, and Euro-Lupus cyclophosphamide."),
 ("2024-09-10", "clinic", "Completed 6 doses of cyclophosphamide in June. Transitioned to mycophenolate mofetil 1 g BID. Prednisone 10 mg."),
 ("2025-06-17", "clinic", "PROBLEM LIST: 1. SLE 2. Lupus nephritis class IV (biopsy 2/2024). Proteinuria persists. Increase MMF to 1.5 g BID."),
 ("2026-09-22", "pathology", "KIDNEY BIOPSY Sep 22, 2026\nDiagnosis: membranous lupus nephropathy, ISN/RPS class V. No proliferative lesions; no crescents. Chronicity index 3/12."),
 ("2026-10-27", "clinic", "PROBLEM LIST (copied forward): 1. SLE 2. Lupus nephritis class IV (biopsy 2/2024).\nInterval: repeat biopsy last month showed pure class V, no proliferative disease. Still nephrotic-range proteinuria on MMF + prednisone. SLEDAI-2K 10. ECOG 1. CD19 B cells 9%. Plan tacrolimus add-on discussed."),
 ], labs=[lab("2026-10-27", upcr=2.8)],
 nct=dict(biopsy="not_met"), ho=dict(biopsy="not_met"),
 hard="copied-forward problem list says class IV (2024), but latest biopsy 22 Sep 2026 is pure class V")

# S003 NZ: biopsy "7 months ago" -> outside 183 d, inside 365 d
pt("NZ", "biopsy_relative_old", birth="2013-01-25", notes=[
 ("2024-05-14", "clinic", "Known SLE since 2022 (ANA 1:320). On hydroxychloroquine and prednisone. New proteinuria. Plan renal biopsy."),
 ("2024-06-03", "clinic", "Biopsy last week: focal proliferative LN, class III (A). Commenced mycophenolate 500 mg bd, pred 30 mg."),
 ("2025-11-18", "clinic", "Relapse of proteinuria since the July school holidays. Tacrolimus added to MMF. Pred increased."),
 ("2026-10-10", "clinic", "Since last review: repeat renal biopsy 7 months ago showed class IV-G (A) LN. No biopsy since. Ongoing proteinuria despite MMF + tacrolimus + prednisone. SLEDAI-2K 12. Lansky 80. CD19+ B cells 14% on flow today."),
 ], labs=[lab("2026-10-10", upcr=1.6)],
 nct=dict(biopsy="unknown"),
 hard="repeat biopsy dated only as '7 months ago' from 10 Oct 2026 (~10 Mar 2026): outside the 183-day NCT window (unknown) but inside the 12-month HO window (met)")

# S004 ZA: rituximab 11 months before the note -> >12 months before as-of; B cells recovered
pt("ZA", "rtx_outside_window", birth="2010-11-02", sex="M", notes=[
 ("2023-08-01", "clinic", "12-year-old boy with SLE and class IV lupus nephritis (biopsy 2023-07-20). ANA 1:640. Started pulses methylprednisolone and mycophenolate mofetil."),
 ("2024-10-15", "clinic", "Non-responder to MMF. Cyclophosphamide 500 mg x6 planned; tacrolimus not available."),
 ("2025-03-20", "clinic", "Completed Euro-Lupus cyclophosphamide in February. Persistent proteinuria. Back on MMF."),
 ("2026-09-01", "clinic", "Rituximab 750 mg/m2 x2 was given 11 months ago (last dose). Lymphocyte subsets then showed CD19 0%. Today: CD19+ B cells have recovered, 6% (92 cells/uL). Repeat biopsy 2026-08-18: IV-S (A/C) + V. SLEDAI-2K 16. ECOG 1."),
 ("2026-11-10", "clinic", "Phone update from mother: no infections, taking MMF and prednisone. Awaiting trial screening."),
 ], labs=[lab("2026-09-01", upcr=2.4), lab("2026-11-02", upcr=2.2, cr=61, egfr=88)],
 hard="rituximab 'given 11 months ago' in the 2026-09-01 note = ~2025-10-01, more than 12 months before the as-of: HO x_cd20 not_met; CD19 depleted then recovered (latest 6%)")

# S005 MY: rituximab 6/52 ago -> depleted, HO excluded
pt("MY", "rtx_recent_depleted", birth="2011-05-09", notes=[
 ("2024-01-22", "clinic", "Girl with lupus nephritis class IV (biopsy 10 January 2024). ANA 1:2560. Commenced IV methylprednisolone, then oral prednisolone and IV cyclophosphamide monthly (NIH)."),
 ("2024-08-05", "clinic", "Cyclophosphamide 6 doses done. Switched to mycophenolate mofetil."),
 ("2026-06-15", "pathology", "Renal biopsy 15 June 2026: class IV-G (A), activity 9/24. Lupus nephritis, active."),
 ("2026-11-02", "clinic", "Rituximab 1 g was given 6/52 ago for refractory LN. Flow cytometry today: CD19+ B cells 0.0% - depleted. Still proteinuric. SLEDAI-2K 12. Lansky 80."),
 ], labs=[lab("2026-11-02", upcr=1.9)],
 nct=dict(cd19="not_met"), ho=dict(x_cd20="met"),
 hard="rituximab '6/52 ago' from 2 November 2026 (~21 Sep 2026): B cells depleted (cd19 not_met) and anti-CD20 within 12 months (HO x_cd20 met)")

# S006 UK: filgrastim 'last Tuesday' before ANC
pt("UK", "anc_gcsf", birth="2012-12-12", flags={"gcsf"}, notes=[
 ("2024-02-02", "clinic", "SLE with class III+V lupus nephritis. ANA 1:320. Prednisolone and MMF since January 2024."),
 ("2025-05-20", "clinic", "Tacrolimus added in the spring. Proteinuria persists."),
 ("2026-09-01", "pathology", "Renal biopsy 01/09/2026: ISN/RPS class IV (A) + V."),
 ("2026-11-12", "clinic", "Neutropenic last week (ANC 0.4); filgrastim 5 mcg/kg given last Tuesday. Today's neutrophils 1.80. SLEDAI-2K 11. Lansky 80. CD19 B cells 12%."),
 ], labs=[lab("2026-11-12", anc=1.8, upcr=1.3)],
 nct=dict(anc="not_met"),
 hard="filgrastim 'last Tuesday' from Thursday 12/11/2026 (10/11 or 03/11) is within 14 days of the ANC 1.80 -> anc not_met")

# S007 US: G-CSF 3 weeks before the ANC -> outside 14 days
pt("US", "gcsf_outside_14d", birth="2013-03-03", sex="M", notes=[
 ("2023-11-07", "clinic", "10 yo M with SLE (ANA 1:640) and class IV lupus nephritis. Started prednisone and MMF."),
 ("2024-11-12", "clinic", "Partial response only. Tacrolimus added."),
 ("2026-07-28", "pathology", "Kidney biopsy Jul 28, 2026: diffuse proliferative lupus GN, class IV-G (A)."),
 ("2026-10-20", "clinic", "Neutropenia after a viral illness; filgrastim single dose 3 weeks ago. ANC recovered. SLEDAI-2K 10. ECOG 0. CD19+ 8%."),
 ], labs=[lab("2026-10-20", anc=1.6, upcr=1.1)],
 hard="filgrastim '3 weeks ago' (~29 Sep) is more than 14 days before the ANC of Oct 20 -> anc met")

# S008 NZ: labs stale; copied-forward bloods from 12 Aug
pt("NZ", "stale_labs", birth="2011-02-14", notes=[
 ("2024-04-09", "clinic", "SLE with class IV LN, biopsy 2 Apr 2024. ANA 1:1280. Prednisone, MMF."),
 ("2025-08-19", "clinic", "Cyclophosphamide course (Euro-Lupus) finished a fortnight ago. Back on MMF."),
 ("2026-06-30", "pathology", "Renal biopsy 30 Jun 2026: class III (A/C) + V."),
 ("2026-08-12", "clinic", "SLEDAI-2K 12. Lansky 80. Lymphocyte subsets: CD19 10%."),
 ("2026-11-16", "clinic", "Seen in clinic. Well. Bloods (from 12 Aug 2026, copied from last letter): WBC 5.2, NEUT# 3.1, LYM# 1.2, HGB 101, ALT 25, UPCR 190 mg/mmol. No new bloods today - lab closed; to repeat next week."),
 ], labs=[lab("2026-08-12", upcr=1.68)],
 nct=dict(sledai="unknown", refractory="unknown", cd19="unknown", lymph="unknown", wbc="unknown", anc="unknown",
          hb="unknown", alt="unknown", ast="unknown", tbil="unknown", egfr="unknown", inr="unknown", pt="unknown", ecog="unknown"),
 ho=dict(upcr="unknown", egfr="unknown", x_alt="unknown"),
 hard="November note repeats bloods explicitly dated 12 Aug 2026 (outside the 90-day lookback): all labs, SLEDAI, CD19, ECOG stale -> unknown")

# S009 ZA: Hb from two visits back repeated; latest fine
pt("ZA", "stale_value_repeated", birth="2012-07-07", notes=[
 ("2024-06-11", "clinic", "SLE with class IV lupus nephritis (biopsy 2024-05-30). ANA 1:640. Prednisone and MMF started."),
 ("2025-09-09", "clinic", "Tacrolimus added. Persistent proteinuria."),
 ("2026-06-02", "pathology", "Renal biopsy 2026-06-02: class IV-S (A) lupus nephritis."),
 ("2026-09-03", "clinic", "Admitted with haemolysis. Hb 58 g/L. Transfused 2 units."),
 ("2026-11-05", "clinic", "Two clinic visits back (2026-09-03) Hb was 58 g/L and she needed transfusion. Today Hb 94 g/L. SLEDAI-2K 9. ECOG 1. CD19+ B cells 7%."),
 ], labs=[lab("2026-09-03", hb=58, upcr=1.5), lab("2026-11-05", hb=94, upcr=1.4)],
 hard="Hb 58 g/L 'two clinic visits back' repeated in the 2026-11-05 note; the newer Hb 94 decides -> hb met")

# S010 MY: MMF holiday and restart, latest UPCR in remission
pt("MY", "remission_latest", birth="2011-10-20", notes=[
 ("2023-05-08", "clinic", "SLE with class IV lupus nephritis (biopsy 28 April 2023). ANA 1:320. Prednisolone and mycophenolate mofetil."),
 ("2024-03-18", "clinic", "Drug holiday from MMF since Chinese New Year (non-adherence). Proteinuria back up."),
 ("2024-05-06", "clinic", "MMF restarted at half dose 3 weeks ago; up-titrating."),
 ("2026-07-01", "pathology", "Renal biopsy 1 July 2026: class IV (A) lupus nephritis, activity 6/24."),
 ("2026-09-14", "clinic", "UPCR 2.40 g/g two months ago. Tacrolimus added to MMF."),
 ("2026-11-09", "clinic", "Good response: urine protein much improved. SLEDAI-2K 8. Lansky 90. CD19+ B cells 9%."),
 ], labs=[lab("2026-09-14", upcr=1.8), lab("2026-11-09", upcr=0.31)],
 nct=dict(refractory="not_met"), ho=dict(upcr="not_met"),
 hard="proteinuria worst earlier (2.40 g/g in July, 1.80 in Sep); latest UPCR 0.31 g/g (9 Nov) is below 0.5 -> refractory not_met, HO upcr not_met")

# S011 UK: single note, new diagnosis, all starts within 183 days
pt("UK", "new_onset_single_note", birth="2013-09-01", sex="M", notes=[
 ("2026-11-04", "clinic", "NEW PATIENT. 13-year-old boy. Presented in July with oedema. ANA 1:1280, dsDNA positive; SLE diagnosed. Renal biopsy 20/07/2026: class IV-G (A) lupus nephritis. Treatment started after the biopsy: IV methylprednisolone x3 then prednisolone, MMF from 25/07/2026. No previous immunosuppression. SLEDAI-2K 16. Lansky 80. Flow: CD19 B cells 15%."),
 ], labs=[lab("2026-11-04", upcr=2.6)],
 nct=dict(refractory="not_met"),
 hard="one clinic note (+ its lab note); two agents but both started July 2026 (<183 days) -> refractory not_met")

# S012 US: DOB -> 18 at as-of (19 on Dec 2)
pt("US", "age_18_boundary", birth="2007-12-02", notes=[
 ("2024-02-13", "clinic", "16 yo with SLE, lupus nephritis class III (A). ANA 1:320. Prednisone, MMF."),
 ("2025-04-08", "clinic", "Cyclophosphamide induction completed in March. Continues MMF."),
 ("2026-06-30", "pathology", "Kidney biopsy Jun 30, 2026: class III (A) + V lupus nephritis."),
 ("2026-11-17", "clinic", "DOB Dec 2, 2007. Turns 19 next month. Ongoing nephrotic proteinuria. SLEDAI-2K 10. ECOG 0. CD19 B cells 10%."),
 ], labs=[lab("2026-11-17", upcr=2.2)],
 hard="DOB Dec 2, 2007: still 18 on the as-of (19th birthday is after it) -> NCT age met")

# S013 NZ: 19 at as-of
pt("NZ", "age_19", birth="2007-11-10", notes=[
 ("2023-12-05", "clinic", "SLE (ANA 1:640), class IV lupus nephritis. Pred + MMF."),
 ("2025-03-11", "clinic", "Tacrolimus added in summer. Proteinuria persists."),
 ("2026-08-25", "pathology", "Renal biopsy 25 Aug 2026: class IV-G (A/C)."),
 ("2026-11-11", "clinic", "Birthday yesterday - now 19. Transition clinic. SLEDAI-2K 12. Karnofsky 80. CD19 9%."),
 ], labs=[lab("2026-11-11", upcr=1.5)],
 nct=dict(age="not_met"),
 hard="19th birthday 10 Nov 2026, ten days before the as-of -> NCT age not_met (HO 12-25 met)")

# S014 ZA: stated age only, once, in 2024
pt("ZA", "stated_age_old_note", birth=None, stated=(9, "2024-03-12"), notes=[
 ("2024-03-12", "clinic", "9-year-old girl with lupus nephritis, ANA 1:320. Biopsy 2024-03-01 class IV. Started prednisone and MMF."),
 ("2025-01-14", "clinic", "Tacrolimus added since Christmas. Persistent proteinuria."),
 ("2026-07-14", "pathology", "Renal biopsy 2026-07-14: class IV (A) + V."),
 ("2026-10-06", "clinic", "Since last seen: oedema returned. SLEDAI-2K 14. Lansky 80. CD19 B cells 13%."),
 ], labs=[lab("2026-10-06", upcr=2.0)],
 ho=dict(age="unknown"),
 hard="age only stated as 9 in March 2024: at as-of she is 11 or 12 -> NCT age met, HO (12-25) unknown")

# S015 MY: age 10 (HO too young)
pt("MY", "too_young_for_ho", birth="2016-06-01", sex="M", notes=[
 ("2024-09-02", "clinic", "Boy, 8 years, SLE with lupus nephritis class III. ANA 1:640. Prednisolone, MMF."),
 ("2025-07-07", "clinic", "Relapse in the school holidays; tacrolimus added."),
 ("2026-08-03", "pathology", "Renal biopsy 3 August 2026: class III (A) lupus nephritis."),
 ("2026-10-26", "clinic", "SLEDAI-2K 9. Lansky 80. CD19 B cells 12%. Proteinuria ongoing."),
 ], labs=[lab("2026-10-26", upcr=1.2)],
 ho=dict(age="not_met"),
 hard="DOB 1 June 2016: aged 10 -> HO age not_met")

# S016 UK: myositis with ALT/AST > 3xULN
pt("UK", "myositis_transaminases", birth="2011-03-15", flags={"myositis"}, notes=[
 ("2024-10-01", "clinic", "SLE overlap with inflammatory myositis (raised CK, proximal weakness). Class IV LN on biopsy 20/09/2024. ANA 1:1280. Pred + MMF."),
 ("2025-10-14", "clinic", "Tacrolimus added. Myositis active."),
 ("2026-06-16", "pathology", "Renal biopsy 16/06/2026: class IV-S (A)."),
 ("2026-11-02", "clinic", "Myositis flare, CK 4200. Transaminases up from muscle. SLEDAI-2K 12. Lansky 70. CD19 11%."),
 ], labs=[lab("2026-11-02", alt=(150, 40), ast=(160, 35), upcr=1.4)],
 nct=dict(alt="manual", ast="manual"), ho=dict(x_alt="met"),
 hard="ALT 150 (0-40) and AST 160 (0-35) above 3xULN from inflammatory myositis -> NCT manual; HO has no exception -> x_alt met")

# S017 US: printed ULN 45 decides
pt("US", "uln_printed", birth="2012-05-05", sex="M", notes=[
 ("2024-04-16", "clinic", "11 yo M, SLE with class IV LN. ANA 1:640. Started prednisone, MMF."),
 ("2025-05-13", "clinic", "Added tacrolimus in the spring. Proteinuria persists."),
 ("2026-09-08", "pathology", "Kidney biopsy Sep 8, 2026: class IV-G (A)."),
 ("2026-11-09", "clinic", "ALT mildly up on azathioprine trial (stopped). SLEDAI-2K 12. ECOG 1. CD19 B cells 10%."),
 ], labs=[lab("2026-11-09", alt=(130, 45), upcr=1.9)],
 ho=dict(x_alt="met"),
 hard="ALT 130 with printed range 10-45: <=3x45 so NCT alt met (default ULN 40 would wrongly fail it); >2.5x45 so HO x_alt met")

# S018 NZ: Gilbert
pt("NZ", "gilbert", birth="2010-09-09", sex="M", flags={"gilbert"}, notes=[
 ("2024-07-02", "clinic", "SLE, class III LN biopsy June 2024. ANA 1:320. Known Gilbert syndrome. Pred + MMF."),
 ("2025-09-16", "clinic", "Cyclophosphamide course over winter; completed."),
 ("2026-09-29", "pathology", "Renal biopsy 29 Sep 2026: class IV (A) + V."),
 ("2026-11-10", "clinic", "Unconjugated hyperbilirubinaemia as usual (Gilbert's). SLEDAI-2K 11. Karnofsky 90. CD19 10%."),
 ], labs=[lab("2026-11-10", tbil=(52, 21), upcr=1.7)],
 hard="bilirubin 52 umol/L [N <21] is 2.5xULN: allowed under the Gilbert exception (<=3.0xULN) -> tbil met")

# S019 ZA: last CYC 4 weeks before 2026-09-12 note -> outside 3 months
pt("ZA", "cyc_outside_window", birth="2011-12-01", notes=[
 ("2024-02-20", "clinic", "SLE with class IV LN (biopsy 2024-02-10). ANA 1:1280. Pred + MMF."),
 ("2025-06-10", "clinic", "Non-response. Plan Euro-Lupus cyclophosphamide if no response by next visit."),
 ("2026-06-23", "pathology", "Renal biopsy 2026-06-23: class IV-G (A/C)."),
 ("2026-09-12", "clinic", "6th and final Euro-Lupus cyclophosphamide pulse was given 4 weeks ago. Back on MMF."),
 ("2026-11-06", "clinic", "Interval: proteinuria persists after cyclophosphamide. SLEDAI-2K 10. ECOG 1. CD19 B cells 5%."),
 ], labs=[lab("2026-11-06", upcr=1.6)],
 hard="last cyclophosphamide '4 weeks ago' from 2026-09-12 = 2026-08-15, before the 91-day HO window (from 2026-08-21) -> x_cyc not_met")

# S020 MY: CYC D+14 after pulse -> inside window
pt("MY", "cyc_inside_window", birth="2012-02-02", notes=[
 ("2024-11-11", "clinic", "SLE, class IV LN (biopsy 30 October 2024). ANA 1:640. Prednisolone + MMF."),
 ("2025-08-04", "clinic", "Tacrolimus added. Persistent proteinuria."),
 ("2026-07-20", "pathology", "Renal biopsy 20 July 2026: class IV-S (A)."),
 ("2026-09-10", "clinic", "D+14 after the IV cyclophosphamide pulse (single 750 mg/m2). Counts fine. SLEDAI-2K 13. Lansky 80. CD19 9%."),
 ], labs=[lab("2026-09-10", upcr=2.1)],
 ho=dict(x_cyc="met"),
 hard="'D+14 after the pulse' on 10 September 2026 dates cyclophosphamide to 27 Aug 2026, inside 3 months -> HO x_cyc met")

# S021 UK: belimumab 3 weeks ago -> inside 8 weeks
pt("UK", "belimumab_recent", birth="2009-06-06", notes=[
 ("2024-03-04", "clinic", "SLE with class III+V LN. ANA 1:320. Pred + MMF."),
 ("2025-01-20", "clinic", "Belimumab IV started in addition."),
 ("2026-06-01", "pathology", "Renal biopsy 01/06/2026: class III (A) + V."),
 ("2026-10-20", "clinic", "Belimumab: last infusion 3 weeks ago, now stopped for lack of effect. SLEDAI-2K 10. Karnofsky 90. CD19 B cells 6%."),
 ], labs=[lab("2026-10-20", upcr=1.3)],
 ho=dict(x_bel="met"),
 hard="belimumab last infusion '3 weeks ago' from 20/10/2026 (~29/09) is within 8 weeks -> HO x_bel met")

# S022 US: belimumab stopped in July
pt("US", "belimumab_old", birth="2010-04-04", sex="F", notes=[
 ("2024-01-09", "clinic", "SLE, class IV lupus nephritis. ANA 1:640. Prednisone, MMF."),
 ("2025-03-11", "clinic", "Belimumab started; tacrolimus added."),
 ("2026-07-21", "clinic", "Belimumab stopped earlier this month (July 2026)."),
 ("2026-08-11", "pathology", "Kidney biopsy Aug 11, 2026: class IV-G (A) + V."),
 ("2026-11-03", "clinic", "Belimumab weaned off over the summer, no infusion since July. SLEDAI-2K 12. ECOG 1. CD19 B cells 11%."),
 ], labs=[lab("2026-11-03", upcr=1.8)],
 hard="belimumab stopped July 2026 (>8 weeks) -> HO x_bel not_met")

# S023 NZ: infection IV antibiotics finished before 4-week window
pt("NZ", "infection_outside_window", birth="2011-07-19", notes=[
 ("2024-05-07", "clinic", "SLE, class IV LN (biopsy Apr 2024). ANA 1:1280. Pred + MMF."),
 ("2025-05-20", "clinic", "Tacrolimus added."),
 ("2026-07-07", "pathology", "Renal biopsy 7 Jul 2026: class IV-G (A)."),
 ("2026-10-14", "admission", "Admitted with cellulitis of the left leg. IV flucloxacillin commenced."),
 ("2026-10-20", "discharge", "Discharge: cellulitis resolved. IV flucloxacillin day 1-5 (last dose 18 Oct 2026), no oral step-down."),
 ("2026-11-17", "clinic", "Well since discharge. SLEDAI-2K 10. Lansky 90. CD19 8%."),
 ], labs=[lab("2026-11-17", upcr=1.5)],
 hard="IV antibiotics ended 18 Oct 2026, just before the 4-week window (from 23 Oct) -> HO x_infect not_met")

# S024 ZA: pneumonia with IV antibiotics + inotropes in lookback
pt("ZA", "infection_and_instability", birth="2012-10-10", sex="M", notes=[
 ("2024-08-13", "clinic", "SLE, class IV LN. ANA 1:640. Prednisone, MMF."),
 ("2025-06-03", "clinic", "Cyclophosphamide induction finished in May."),
 ("2026-07-28", "pathology", "Renal biopsy 2026-07-28: class IV-S (A)."),
 ("2026-11-08", "admission", "PICU admission: pneumonia with septic shock. IV ceftriaxone started. Adrenaline infusion required for hypotension."),
 ("2026-11-16", "progress", "Day 8 of admission: off inotropes since yesterday, still on IV antibiotics. SLEDAI-2K 12. Lansky 40. CD19 B cells 7%."),
 ], labs=[lab("2026-11-16", upcr=1.4)],
 nct=dict(hemo="not_met", ecog="not_met"), ho=dict(x_infect="met"),
 hard="septic shock needing adrenaline in the lookback -> hemo not_met; IV antibiotics this month -> HO x_infect met; Lansky 40 -> ecog not_met")

# S025 MY: pregnant 17-year-old, SLEDAI low
pt("MY", "pregnant_low_sledai", birth="2009-04-12", notes=[
 ("2024-06-17", "clinic", "SLE with lupus nephritis class III (biopsy 5 June 2024). ANA 1:320. Prednisolone, MMF."),
 ("2025-06-09", "clinic", "Tacrolimus added. Proteinuria persistent."),
 ("2026-06-22", "pathology", "Renal biopsy 22 June 2026: class III (A)."),
 ("2026-09-28", "clinic", "Earlier this year SLEDAI-2K was 14."),
 ("2026-10-19", "clinic", "Urine pregnancy test positive, confirmed on ultrasound (8 weeks). MMF stopped, switched to azathioprine. SLEDAI-2K 6. Karnofsky 90. CD19 10%."),
 ], labs=[lab("2026-10-19", upcr=1.2)],
 nct=dict(sledai="not_met"), ho=dict(x_preg="met"),
 hard="SLEDAI 14 'earlier this year' but latest 6 -> sledai not_met; pregnancy confirmed -> HO x_preg met")

# S026 UK: poor venous access, ANA 1:40 only
pt("UK", "venous_ana_low", birth="2012-08-08", notes=[
 ("2024-09-10", "clinic", "SLE (classified on clinical + anti-dsDNA and low complement). ANA 1:40 only (repeat also 1:40). Class IV LN. Pred + MMF."),
 ("2025-11-04", "clinic", "Tacrolimus added."),
 ("2026-08-24", "pathology", "Renal biopsy 24/08/2026: class IV (A)."),
 ("2026-11-05", "clinic", "Very difficult venous access - needed ultrasound-guided cannulation x3 attempts; unsuitable for apheresis lines per anaesthetics. SLEDAI-2K 11. Lansky 80. CD19 10%."),
 ], labs=[lab("2026-11-05", upcr=1.6)],
 nct=dict(venous="not_met", ana="not_met"),
 hard="documented poor venous access -> venous not_met; ANA only ever 1:40 -> ana not_met")

# S027 US: eGFR only computable from creatinine + height, < 30
pt("US", "egfr_low_schwartz", birth="2011-01-30", sex="M", height=150, notes=[
 ("2024-03-26", "clinic", "SLE, class IV LN. ANA 1:640. Prednisone, MMF."),
 ("2025-04-22", "clinic", "Cyclophosphamide induction done in March."),
 ("2026-07-14", "pathology", "Kidney biopsy Jul 14, 2026: class IV-G (A/C), crescents 30%."),
 ("2026-10-28", "clinic", "Height 150 cm, weight 42 kg. Rising creatinine from active LN. SLEDAI-2K 16. ECOG 2. CD19 B cells 9%."),
 ], labs=[lab("2026-10-28", cr=212, egfr=None, upcr=3.1)],
 nct=dict(egfr="manual"), ho=dict(egfr="not_met"),
 hard="no stated eGFR: Schwartz 0.413x150/2.40 = 25.8 (<30) -> NCT manual (SLE-related allowed), HO (>=45) not_met")

# S028 NZ: Lansky 40, single admission-heavy record
pt("NZ", "ecog_poor", birth="2013-05-05", notes=[
 ("2025-02-11", "clinic", "SLE (ANA 1:2560), class IV lupus nephritis biopsy Jan 2025. Pred + MMF."),
 ("2025-09-02", "clinic", "Tacrolimus added over the winter."),
 ("2026-09-15", "pathology", "Renal biopsy 15 Sep 2026: class IV-G (A)."),
 ("2026-11-13", "clinic", "Deconditioned, mostly in bed. Lansky 40. SLEDAI-2K 18. CD19 13%."),
 ], labs=[lab("2026-11-13", upcr=3.4)],
 nct=dict(ecog="not_met"),
 hard="Lansky 40 -> ECOG >=3 -> ecog not_met")

# S029 ZA: SLE ruled out, IgA nephropathy, ANA negative
pt("ZA", "sle_ruled_out", birth="2011-09-09", sex="M", notes=[
 ("2025-10-07", "clinic", "Referred as ?lupus nephritis. ANA negative, dsDNA negative."),
 ("2025-10-21", "pathology", "Renal biopsy 2025-10-21: IgA nephropathy (MEST-C M1 E1 S0 T0 C0). No features of lupus nephritis."),
 ("2026-10-13", "clinic", "SLE ruled out - does not fulfil 2019 EULAR/ACR criteria. IgA nephropathy: on enalapril only; no immunosuppression given (treatment-naive)."),
 ], labs=[lab("2026-10-13", upcr=1.1)],
 nct=dict(sle="not_met", biopsy="not_met", sledai="unknown", refractory="not_met", cd19="unknown", ana="not_met", ecog="unknown"),
 ho=dict(sle="not_met", biopsy="not_met"),
 hard="'?lupus nephritis' referral, but SLE ruled out, ANA negative and biopsy IgA nephropathy -> sle/biopsy/ana not_met; documented treatment-naive -> refractory not_met")

# S030 MY: single outside-hospital note, ?SLE, ANA positive without titre, no dates of labs
pt("MY", "sparse_outside", birth=None, notes=[
 ("2026-10-01", "outside", "Letter from district hospital: teenager with ?SLE, proteinuria and haematuria. ANA positive (titre not reported). Not yet biopsied. On oral prednisolone (start date not given). Refer."),
 ],
 nct=dict(age="unknown", sle="unknown", biopsy="unknown", sledai="unknown", refractory="unknown", cd19="unknown",
          lymph="unknown", wbc="unknown", anc="unknown", hb="unknown", alt="unknown", ast="unknown", tbil="unknown",
          egfr="unknown", inr="unknown", pt="unknown", ana="unknown", ecog="unknown"),
 ho=dict(age="unknown", sle="unknown", biopsy="unknown", upcr="unknown", egfr="unknown", x_alt="unknown"),
 hard="'?SLE' (uncertain), 'ANA positive' without titre, 'teenager' without age, prednisolone without a start date (one agent) -> unknowns everywhere; single note")

# S031 UK: TAC -> back to MMF; remission in 2025 then relapse; old biopsy 2023 only
pt("UK", "relapse_after_remission", birth="2010-02-20", notes=[
 ("2023-03-14", "clinic", "SLE, class IV LN on biopsy 01/03/2023. ANA 1:640. Prednisolone + MMF."),
 ("2024-01-09", "clinic", "GI intolerance; switched MMF to tacrolimus."),
 ("2024-07-16", "clinic", "Switched back to MMF (tremor on tacrolimus)."),
 ("2025-04-29", "clinic", "Complete renal remission achieved: UPCR 22 mg/mmol."),
 ("2026-09-08", "clinic", "Renal relapse since the summer holidays - was in complete renal remission in 2025, now proteinuria back. No repeat biopsy yet."),
 ("2026-11-10", "clinic", "SLEDAI-2K 12. Lansky 80. CD19+ 12%."),
 ], labs=[lab("2026-11-10", upcr=2.0)],
 nct=dict(biopsy="unknown"), ho=dict(biopsy="unknown"),
 hard="'complete renal remission' is from 2025; relapse in 2026 with UPCR 226 mg/mmol -> refractory met; only biopsy is 2023 class IV -> biopsy unknown for both trials")

# S032 US: labs 2 weeks before a Sep 3 note = Aug 20, just outside lookback
pt("US", "lookback_boundary", birth="2012-11-25", notes=[
 ("2024-05-14", "clinic", "SLE with class III LN. ANA 1:320. Prednisone, MMF."),
 ("2025-02-18", "clinic", "Tacrolimus added."),
 ("2026-06-09", "pathology", "Kidney biopsy Jun 9, 2026: class III (A) + V."),
 ("2026-09-03", "clinic", "Reviewed labs from 2 weeks ago (drawn Aug 20): all acceptable. Flow cytometry the same day: CD19 10%. SLEDAI-2K 10 and ECOG 0 at that visit. No new labs today."),
 ], labs=[lab("2026-08-20", upcr=1.6)],
 nct=dict(sledai="unknown", refractory="unknown", cd19="unknown", lymph="unknown", wbc="unknown", anc="unknown",
          hb="unknown", alt="unknown", ast="unknown", tbil="unknown", egfr="unknown", inr="unknown", pt="unknown", ecog="unknown"),
 ho=dict(upcr="unknown", egfr="unknown", x_alt="unknown"),
 hard="labs, flow, SLEDAI and ECOG all from Aug 20, 2026 - 2 days before the 90-day lookback (Aug 22) although the note itself (Sep 3) is inside it -> unknown")

# S033 NZ: low counts, Hb, lymph, WBC not met
pt("NZ", "cytopenias", birth="2012-03-30", notes=[
 ("2024-02-27", "clinic", "SLE, class IV LN. ANA 1:1280. Pred + MMF."),
 ("2025-03-25", "clinic", "Cyclophosphamide course finished after Easter."),
 ("2026-08-31", "pathology", "Renal biopsy 31 Aug 2026: class IV-G (A)."),
 ("2026-11-12", "clinic", "Pancytopenia with active lupus. SLEDAI-2K 18. Lansky 70. CD19 4%."),
 ], labs=[lab("2026-10-01", hb=88, wbc=3.6, lymph=1.1, upcr=2.0), lab("2026-11-12", hb=55, wbc=2.6, lymph=0.6, anc=0.8, upcr=2.3)],
 nct=dict(lymph="not_met", wbc="not_met", hb="not_met", anc="not_met"),
 hard="October counts acceptable but the newest (12 Nov) show Hb 55, WBC 2.6, lymphs 0.6, NEUT# 0.8 -> not_met (the older set must not be used)")

# S034 ZA: warfarin (APS) - INR/PT high; bilirubin and AST high (no Gilbert, no myositis)
pt("ZA", "coag_liver_fail", birth="2010-12-24", notes=[
 ("2024-04-23", "clinic", "SLE with antiphospholipid syndrome on warfarin. Class IV LN. ANA 1:640. Pred + MMF."),
 ("2025-08-26", "clinic", "Tacrolimus added."),
 ("2026-10-06", "pathology", "Renal biopsy 2026-10-06 (warfarin bridged): class IV (A)."),
 ("2026-11-03", "clinic", "Hepatitis picture, ?drug-induced; cholestatic. On warfarin. SLEDAI-2K 10. ECOG 1. CD19 9%."),
 ], labs=[lab("2026-11-03", inr=(2.0, 1.2), pt=(22.0, 14.0), tbil=(40, 17), ast=(135, 40), alt=(160, 45), upcr=1.5)],
 nct=dict(inr="not_met", pt="not_met", tbil="not_met", ast="not_met", alt="not_met"), ho=dict(x_alt="met"),
 hard="INR 2.0 and PT 22.0 against their printed ULNs (1.2, 14.0) exceed 1.5x; bilirubin 40 (0-17) > 1.5x; AST 135 > 3x40 and ALT 160 > 3x45 with no myositis -> not_met (contrast S016); HO x_alt met")

# S035 MY: UPCR moderate - HO upcr not met; refractory met
pt("MY", "upcr_below_ho", birth="2013-08-08", sex="M", notes=[
 ("2024-01-15", "clinic", "SLE (ANA 1:320), class III+V LN. Prednisolone + MMF since diagnosis in early January 2024."),
 ("2025-02-17", "clinic", "Leflunomide added after Chinese New Year."),
 ("2026-09-21", "pathology", "Renal biopsy 21 September 2026: class III (A) + V."),
 ("2026-11-16", "clinic", "Partial response, still proteinuric. SLEDAI-2K 8. Lansky 90. CD19+ 8%."),
 ], labs=[lab("2026-11-16", upcr=0.70)],
 ho=dict(upcr="not_met"),
 hard="UPCR 0.70 g/g: not in remission (>=0.5, refractory met) but below the HO threshold of 100 mg/mmol (0.885 g/g) -> HO upcr not_met")

# S036 UK: mixed - SLEDAI unknown, HO eligible baseline otherwise
pt("UK", "no_sledai", birth="2008-05-05", notes=[
 ("2024-06-04", "clinic", "SLE, class IV+V LN. ANA 1:640. Pred + MMF."),
 ("2025-06-03", "clinic", "Tacrolimus added a fortnight ago."),
 ("2026-10-13", "pathology", "Renal biopsy 13/10/2026: class IV (A) + V."),
 ("2026-11-18", "progress", "Progress: awaiting review. Karnofsky 90. CD19 9% (flow 18/11)."),
 ], labs=[lab("2026-11-18", upcr=1.9)],
 nct=dict(sledai="unknown"),
 hard=None)

# ---------------------------------------------------------------- build + checks
def age_at(b, d):
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

def expected_age(p, lo, hi):
    if p["birth"]:
        a = age_at(dt.date.fromisoformat(p["birth"]), ASOF)
        return "met" if lo <= a <= hi else "not_met"
    if p["stated"]:
        s, nd = p["stated"]
        e = age_at(dt.date.fromisoformat(nd), ASOF)
        a0, a1 = s + e, s + e + 1
        if lo <= a0 and a1 <= hi: return "met"
        if a1 < lo or a0 > hi: return "not_met"
        return "unknown"
    return "unknown"

def latest(p, key):
    best = None
    for iso, v in p["labs"]:
        d = dt.date.fromisoformat(iso)
        if key in v and LOOK <= d <= ASOF and (best is None or d > best[0]):
            best = (d, v[key])
    return best

def second_look(p, pid, n1, n2):
    errs = []
    def chk(trial, lab_, got, want):
        if got != want: errs.append(f"{pid} {trial}.{lab_}: label {got} but second look says {want}")
    f = p["flags"]
    def thr(key, ok):
        x = latest(p, key)
        return "unknown" if x is None else ("met" if ok(x[1]) else "not_met")
    chk(T1, "lymph", n1["lymph"], thr("lymph", lambda v: v >= 1.0))
    chk(T1, "wbc", n1["wbc"], thr("wbc", lambda v: v >= 3.0))
    a = thr("anc", lambda v: v >= 1.0)
    if a == "met" and "gcsf" in f: a = "not_met"
    chk(T1, "anc", n1["anc"], a)
    chk(T1, "hb", n1["hb"], thr("hb", lambda v: v >= 60))
    for k in ("alt", "ast"):
        s = thr(k, lambda v: v[0] <= 3 * v[1])
        if s == "not_met" and "myositis" in f: s = "manual"
        chk(T1, k, n1[k], s)
    m = 3.0 if "gilbert" in f else 1.5
    chk(T1, "tbil", n1["tbil"], thr("tbil", lambda v: v[0] <= m * v[1]))
    chk(T1, "inr", n1["inr"], thr("inr", lambda v: v[0] <= 1.5 * v[1]))
    chk(T1, "pt", n1["pt"], thr("pt", lambda v: v[0] <= 1.5 * v[1]))
    eg = latest(p, "egfr")
    if eg is None:
        cr = latest(p, "cr")
        if cr is not None and p["height"]:
            eg = (cr[0], round(0.413 * p["height"] / (cr[1] / 88.4), 1))
    e1 = "unknown" if eg is None else ("met" if eg[1] >= 30 else "manual")
    e2 = "unknown" if eg is None else ("met" if eg[1] >= 45 else "not_met")
    chk(T1, "egfr", n1["egfr"], e1); chk(T2, "egfr", n2["egfr"], e2)
    chk(T2, "upcr", n2["upcr"], thr("upcr", lambda v: v * 113 >= 100))
    chk(T2, "x_alt", n2["x_alt"], thr("alt", lambda v: v[0] > 2.5 * v[1]))
    # refractory part c (proteinuria) consistency where refractory decided from labels
    u = latest(p, "upcr")
    if n1["refractory"] == "met" and (u is None or u[1] < 0.5):
        errs.append(f"{pid} refractory met without proteinuria >=0.5 in lookback")
    return errs

def status(crit, keys):
    v = [crit[k] for k in keys]
    inc = [crit[k] for k in keys if not k.startswith("x_")]
    exc = [crit[k] for k in keys if k.startswith("x_")]
    if "not_met" in inc or "met" in exc: return "ineligible"
    if all(s in ("met", "manual") for s in inc) and all(s in ("not_met", "manual") for s in exc): return "eligible"
    return "possible"

def relevance(st, crit, trial):
    if st == "eligible": return 3
    if st == "ineligible": return 0
    core = ["sle", "biopsy", "refractory"] if trial == T1 else ["sle", "biopsy"]
    return 2 if all(crit.get(k) == "met" for k in core) else 1

def main():
    errs, notes, gold = [], [], []
    if len(P) < 30: errs.append("fewer than 30 patients")
    ids = set()
    for i, p in enumerate(P, 1):
        pid = f"S{i:03d}"
        n1 = dict(D1); n1.update(p["nct"]); n2 = dict(D2); n2.update(p["ho"])
        for k in list(p["nct"]) + list(p["ho"]):
            if k not in K1 + K2: errs.append(f"{pid} unknown override key {k}")
        if set(n1) != set(K1) or set(n2) != set(K2): errs.append(f"{pid} bad keys")
        for c in (n1, n2):
            for k, s in c.items():
                if s not in ("met", "not_met", "unknown", "manual"): errs.append(f"{pid} bad status {k}={s}")
        # age labels
        if n1["age"] != expected_age(p, 6, 18): errs.append(f"{pid} age NCT {n1['age']} vs {expected_age(p, 6, 18)}")
        if n2["age"] != expected_age(p, 12, 25): errs.append(f"{pid} age HO {n2['age']} vs {expected_age(p, 12, 25)}")
        if p["birth"] is None and p["stated"] is None and n1["age"] != "unknown": errs.append(f"{pid} age without source")
        errs += second_look(p, pid, n1, n2)
        rows = []
        for k, (iso, typ, text) in enumerate(p["notes"]):
            if k == 0 and p["birth"] and p["svc"] in ("ZA", "MY"):   # age only from the text here
                text = "DOB: " + fd(p["svc"], p["birth"]) + "\n" + text
            rows.append((iso, typ, HEAD[p["svc"]] + "\n" + text))
        for iso, v in p["labs"]:
            rows.append((iso, "lab", HEAD[p["svc"]] + "\n" + render(p["svc"], iso, v)))
        rows.sort(key=lambda r: (r[0], r[1] == "lab"))
        for j, (iso, typ, text) in enumerate(rows, 1):
            if dt.date.fromisoformat(iso) >= ASOF: errs.append(f"{pid} note on/after as-of")
            nid = f"{pid}-{j:02d}"
            if nid in ids: errs.append(f"dup {nid}")
            ids.add(nid)
            r = {"patient_id": pid, "note_id": nid, "note_date": iso, "note_type": typ, "text": text}
            if p["birth"] and p["svc"] in ("UK", "US", "NZ"):
                r["birth_date"] = p["birth"]; r["sex"] = p["sex"]
            notes.append(r)
        for trial, crit, keys in ((T1, n1, K1), (T2, n2, K2)):
            st = status(crit, keys)
            gold.append({"trial": trial, "patient_id": pid, "status": st, "relevance": relevance(st, crit, trial),
                         "criteria": {k: crit[k] for k in keys}, "archetype": p["arch"]})
    if len(notes) < 100: errs.append(f"only {len(notes)} notes")
    if errs:
        print("REFUSING TO WRITE:\n" + "\n".join(errs)); sys.exit(1)
    with open(os.path.join(HERE, "notes.jsonl"), "w") as f:
        for r in notes: f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "gold.jsonl"), "w") as f:
        for r in gold: f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(P)} patients, {len(notes)} notes, {len(gold)} gold rows")
    from collections import Counter
    for t in (T1, T2):
        print(t, Counter(g["status"] for g in gold if g["trial"] == t))
    if "--hard" in sys.argv:
        for i, p in enumerate(P, 1):
            if p["hard"]: print(f"- S{i:03d}: {p['hard']}")

if __name__ == "__main__":
    main()
