#!/usr/bin/env python3
"""Hold-out set 19: acute and critical-care notes (paediatric services in UK, USA,
South Africa, Philippines, Chile). stdlib only. Labels are written by hand per
patient (defaults + overrides); only overall status and relevance are derived.
Self-checks run before anything is written; any failure aborts."""
import datetime as dt, json, os, re, sys

ASOF = dt.date(2026, 11, 20)
LB = ASOF - dt.timedelta(days=90)          # 2026-08-22, lookback start (inclusive)
D = lambda s: dt.date.fromisoformat(s)

SEED = "NCT06904729"
HO = "HO-LN-21"
SEED_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
             "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt",
             "hemo", "ana", "ecog"]
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "compliance",
           "x_alt", "x_bcell", "x_cyc", "x_infection", "x_preg", "x_dialysis", "x_npsle"]
SEED_DEF = dict(age="met", sle="met", biopsy="met", sledai="met", refractory="met", cd19="met",
                venous="manual", consent="manual", lymph="met", wbc="met", anc="met", hb="met",
                alt="met", ast="met", tbil="met", egfr="met", inr="met", pt="met",
                hemo="manual", ana="met", ecog="met")
HO_DEF = dict(age="met", sle="met", biopsy="met", upcr="met", egfr="met", compliance="manual",
              x_alt="not_met", x_bcell="not_met", x_cyc="not_met", x_infection="not_met",
              x_preg="not_met", x_dialysis="not_met", x_npsle="not_met")
STATUSES = {"met", "not_met", "unknown", "manual"}

# ---------------------------------------------------------------- site styles
def fd(site, iso):
    d = D(iso)
    if site == "UK": return d.strftime("%d/%m/%Y")
    if site == "US": return d.strftime("%m/%d/%Y")
    if site == "SA": return d.strftime("%Y/%m/%d")
    if site == "PH": return d.strftime("%b ") + str(d.day) + d.strftime(", %Y")
    if site == "CL": return d.strftime("%d-%m-%Y")
    raise ValueError(site)

def ft(site, hhmm):
    h, m = int(hhmm[:2]), int(hhmm[2:])
    if site == "UK": return f"{h:02d}:{m:02d}"
    if site == "US": return f"{h:02d}{m:02d}"
    if site == "SA": return f"{h:02d}h{m:02d}"
    if site == "PH":
        ap = "AM" if h < 12 else "PM"; hh = h % 12 or 12
        return f"{hh}:{m:02d} {ap}"
    if site == "CL": return f"{h:02d}:{m:02d} h"

# canonical units: counts 10^9/L, hb g/L, alt/ast U/L, tbil umol/L, cr umol/L, inr, pt s, upcr g/g
ULN_DEFAULT = dict(alt=40.0, ast=40.0, tbil=21.0, inr=1.2, pt=13.5)
SITE_ULN = {  # printed reference upper bounds (canonical units)
    "UK": dict(alt=40.0, ast=40.0, tbil=21.0, inr=1.2, pt=13.0),
    "US": dict(alt=35.0, ast=45.0, tbil=1.2 * 17.1, inr=1.1, pt=14.0),
    "SA": dict(alt=40.0, ast=40.0, tbil=21.0, inr=1.2, pt=13.5),
    "PH": dict(alt=41.0, ast=37.0, tbil=17.0, inr=1.1, pt=14.0),
    "CL": dict(alt=45.0, ast=40.0, tbil=1.2 * 17.1, inr=1.2, pt=13.0),
}
NORMAL = dict(wbc=6.1, anc=3.4, lym=1.8, hb=112, plt=245, alt=21, ast=27, tbil=7,
              inr=1.0, pt=12.1, cr=52)

def r(x, n):
    s = f"{x:.{n}f}"
    return s

def render(site, vals, uln, ranges, layout):
    """Render one lab block. Returns text."""
    lines = []
    def rng(k, lo):
        if not ranges or k not in uln: return ""
        hi = uln[k]
        if site in ("US", "CL") and k == "tbil": return f" ({lo}-{r(hi/17.1,1)})"
        if k in ("inr", "pt"): return f" ({lo}-{r(hi,1)})"
        return f" ({lo}-{int(round(hi))})"
    for k, v in vals.items():
        if site == "UK":
            t = {"wbc": f"WBC {r(v,1)} x10^9/L", "anc": f"Neut {r(v,2)} x10^9/L",
                 "lym": f"Lymph {r(v,2)} x10^9/L", "hb": f"Hb {int(v)} g/L", "plt": f"Plt {int(v)} x10^9/L",
                 "alt": f"ALT {int(v)} U/L" + rng("alt", 7), "ast": f"AST {int(v)} U/L" + rng("ast", 10),
                 "tbil": f"Bili {int(v)} umol/L" + (f" (<{int(uln['tbil'])})" if ranges else ""),
                 "inr": f"INR {r(v,2)}" + rng("inr", 0.8), "pt": f"PT {r(v,1)} s" + rng("pt", 9.5),
                 "cr": f"Creat {int(v)} umol/L", "egfr": f"eGFR (bedside Schwartz) {int(v)} mL/min/1.73m2",
                 "upcr": f"uPCR {int(round(v*113))} mg/mmol", "crp": f"CRP {int(v)} mg/L"}[k]
        elif site == "US":
            t = {"wbc": f"WBC {r(v,1)} K/uL", "anc": f"ANC {r(v,2)} K/uL", "lym": f"ALC {r(v,2)} K/uL",
                 "hb": f"Hgb {r(v/10,1)} g/dL", "plt": f"Plt {int(v)} K/uL",
                 "alt": f"ALT {int(v)} U/L" + rng("alt", 10), "ast": f"AST {int(v)} U/L" + rng("ast", 15),
                 "tbil": f"T bili {r(v/17.1,1)} mg/dL" + rng("tbil", 0.1),
                 "inr": f"INR {r(v,1)}" + rng("inr", 0.9), "pt": f"PT {r(v,1)} sec" + rng("pt", 11.0),
                 "cr": f"Cr {r(v/88.4,2)} mg/dL", "egfr": f"eGFR (bedside Schwartz) {int(v)}",
                 "upcr": f"UPC ratio {r(v,2)} mg/mg", "crp": f"CRP {r(v/10,1)} mg/dL"}[k]
        elif site == "SA":
            t = {"wbc": f"WCC | {r(v,2)} | x10^9/L", "anc": f"Neutrophils (abs) | {r(v,2)} | x10^9/L",
                 "lym": f"Lymphocytes (abs) | {r(v,2)} | x10^9/L", "hb": f"Hb | {r(v/10,1)} | g/dL",
                 "plt": f"Platelets | {int(v)} | x10^9/L", "alt": f"ALT | {int(v)} | U/L" + rng("alt", 5),
                 "ast": f"AST | {int(v)} | U/L" + rng("ast", 5), "tbil": f"Total bilirubin | {int(v)} | umol/L" + rng("tbil", 5),
                 "inr": f"INR | {r(v,2)} |" + rng("inr", 0.9), "pt": f"PT | {r(v,1)} | s" + rng("pt", 10.5),
                 "cr": f"Creatinine | {int(v)} | umol/L", "egfr": f"eGFR (Schwartz) | {int(v)} | mL/min/1.73m2",
                 "upcr": f"UPCR | {r(v,2)} | g/g", "crp": f"CRP | {int(v)} | mg/L"}[k]
        elif site == "PH":
            t = {"wbc": f"WBC: {r(v,1)} x 10^9/L", "anc": f"Neutrophil (abs): {r(v,2)} x 10^9/L",
                 "lym": f"Lymphocyte (abs): {r(v,2)} x 10^9/L", "hb": f"Hemoglobin: {int(v)} g/L",
                 "plt": f"Platelet: {int(v)} x 10^9/L", "alt": f"SGPT/ALT: {int(v)} U/L" + rng("alt", 0),
                 "ast": f"SGOT/AST: {int(v)} U/L" + rng("ast", 0), "tbil": f"Total bilirubin: {r(v,1)} umol/L" + rng("tbil", 0),
                 "inr": f"INR: {r(v,2)}" + rng("inr", 0.8), "pt": f"Protime: {r(v,1)} sec" + rng("pt", 11.0),
                 "cr": f"Creatinine: {r(v/88.4,2)} mg/dL", "egfr": f"eGFR (Schwartz): {int(v)}",
                 "upcr": f"Urine protein/creatinine: {int(round(v*1000))} mg/g", "crp": f"CRP: {int(v)} mg/L"}[k]
        elif site == "CL":
            t = {"wbc": f"Leukocytes {int(round(v*1000))}/mm3", "anc": f"Neutrophils {int(round(v*1000))}/mm3",
                 "lym": f"Lymphocytes {int(round(v*1000))}/mm3", "hb": f"Hb {r(v/10,1)} g/dL",
                 "plt": f"Platelets {int(round(v*1000))}/mm3", "alt": f"ALT {int(v)} U/L" + rng("alt", 5),
                 "ast": f"AST {int(v)} U/L" + rng("ast", 5), "tbil": f"Total bilirubin {r(v/17.1,1)} mg/dL" + rng("tbil", 0.2),
                 "inr": f"INR {r(v,2)}", "pt": f"PT {r(v,1)} s" + rng("pt", 10.0),
                 "cr": f"Creatinine {r(v/88.4,2)} mg/dL", "egfr": f"eGFR (Schwartz) {int(v)} mL/min/1.73m2",
                 "upcr": f"UPCR {r(v,2)} mg/mg", "crp": f"CRP {r(v/10,1)} mg/dL"}[k]
        lines.append(t)
    if layout == "inline":
        return "; ".join(lines)
    return "\n".join(lines)

# ---------------------------------------------------------------- patients
P = {}
ORDER = []

def pt(pid, site, arch, dob=None, sex=None, dob_in_text=None, stated=None, seed=None, ho=None, hard=None,
       myositis=False, gilbert=False, gcsf=()):
    P[pid] = dict(site=site, arch=arch, dob=dob, sex=sex, dob_in_text=dob_in_text, stated=stated,
                  seed=dict(SEED_DEF, **(seed or {})), ho=dict(HO_DEF, **(ho or {})), hard=hard,
                  notes=[], visits=[], heights=[], myositis=myositis, gilbert=gilbert, gcsf=list(gcsf))
    ORDER.append(pid)
    return pid

def note(pid, date, ntype, text):
    P[pid]["notes"].append((date, ntype, text.strip("\n")))

def labs(pid, date, hhmm, over=None, keys=None, ranges=True, layout="list", uln=None, poc=False):
    """Render a lab block and register the visit (canonical values) for the second look."""
    p = P[pid]; site = p["site"]
    keys = keys or ["wbc", "anc", "lym", "hb", "plt", "alt", "ast", "tbil", "inr", "pt", "cr"]
    n = int(pid[1:])
    PREC = dict(wbc=1, anc=2, lym=2, hb=0, plt=0, alt=0, ast=0, tbil=0, inr=2, pt=1, cr=0)
    vals = {}
    for i, k in enumerate(keys):  # per-patient variation of the unremarkable values (+/-15%)
        if NORMAL.get(k) is None: continue
        f = 1 + (((n * 7 + i * 13 + len(p["visits"]) * 5) % 31) - 15) / 100.0
        v = round(NORMAL[k] * f, PREC[k])
        vals[k] = int(v) if PREC[k] == 0 else v
    vals.update(over or {})
    vals = {k: v for k, v in vals.items() if v is not None}
    u = dict(SITE_ULN[site], **(uln or {}))
    if not poc:
        p["visits"].append(dict(date=date, time=hhmm, vals=vals,
                                uln={k: (u[k] if ranges else ULN_DEFAULT[k]) for k in ULN_DEFAULT}))
    return render(site, vals, u, ranges, layout)

def height(pid, date, cm):
    P[pid]["heights"].append((date, cm))
    return f"{cm} cm"

# ---- Q001 UK, eligible baseline, same-day 06:00/18:00 sets both fine
s = "UK"; q = pt("Q001", s, "eligible_ed_bp", dob_in_text="2014-04-03", hard=None)
note(q, "2026-07-14", "pathology", f"""RENAL HISTOPATHOLOGY REPORT
Specimen: native kidney core biopsy, taken {fd(s,'2026-07-10')}
Diagnosis: Lupus nephritis ISN/RPS class IV-G (A). Activity index 11/24, chronicity 2/12.
22 glomeruli, 9 with cellular crescents. Full-house immunofluorescence.""")
note(q, "2026-11-02", "ed", f"""PAEDIATRIC EMERGENCY DEPARTMENT - {fd(s,'2026-11-02')}
Triage category: 2 (orange). Arrived 05:40 by ambulance with headache.
Pt: DOB 03/04/2014, F.
PMH: childhood-onset SLE (2024), lupus nephritis class IV, hypertension.
DHx: mycophenolate mofetil 600 mg/m2 bd since Feb 2025, prednisolone 10 mg od since 2024, hydroxychloroquine, amlodipine.
SHx: lives with mum and brother, Year 8.
Obs: 05:45 BP 150/95, HR 96, T 36.8. 06:30 BP 138/88 after amlodipine.
Bloods 06:00:
{labs(q,'2026-11-02','0600')}
uPCR result below (18:00 set).
imp: hypertensive headache, no focal neurology, active LN. SLEDAI-2K 14 (renal + serology).
plan: admit under renal, repeat bloods 18:00, BP 4-hourly.""")
note(q, "2026-11-02", "lab", f"""LAB - {fd(s,'2026-11-02')} 18:00 (repeat)
{labs(q,'2026-11-02','1800', over={'wbc':5.8,'anc':3.0,'lym':1.5,'hb':108,'upcr':1.86}, keys=['wbc','anc','lym','hb','alt','ast','tbil','inr','pt','cr','upcr'])}""")
note(q, "2026-11-04", "discharge", f"""DISCHARGE SUMMARY (ward) {fd(s,'2026-11-04')}
Height {height(q,'2026-11-03',152)}. Lansky play-performance 80.
Lymphocyte subsets ({fd(s,'2026-11-03')}): CD19+ B cells 12% (210 cells/uL).
ANA 1:640 homogeneous (known since diagnosis).
Persistent nephrotic-range proteinuria despite >18 months of MMF and prednisolone: refractory LN, referred for CAR-T / trial screening.
No infection during admission; no antibiotics.""")

# ---- Q002 US PICU, ANC 0600 ok but 1800 low (later decides), ceftriaxone day 5 of 7
s = "US"; q = pt("Q002", s, "anc_later_set_low_on_iv_abx", dob="2012-08-19", sex="F",
                 seed={"anc": "not_met"}, ho={"x_infection": "met"},
                 hard="ANC 1.40 K/uL at 0600 but 0.80 at 1800 the same day: the later set decides (not_met); IV ceftriaxone day 5 of 7 on 11/17 = active infection on IV antibiotics within 2 weeks")
note(q, "2026-06-01", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-06-01')}: Diffuse proliferative lupus nephritis with membranous features, ISN/RPS class IV + V. AI 8/24, CI 3/12.""")
note(q, "2026-11-13", "picu", f"""PICU ADMISSION NOTE {fd(s,'2026-11-13')} 2215
14 yo F with SLE/LN (dx 2023) transferred from ED with fever 39.4, dysuria, R flank pain.
PMH: SLE, LN class IV+V (biopsy 6/2026), ANA 1:1280.
DHx: prednisone 15 mg daily (since 2023), tacrolimus 2 mg bid (since 1/2025), HCQ 200 mg daily.
Systems: CVS - HR 132, BP 104/62, cap refill 2 s, no pressors needed. Resp - RA, sats 98%. Renal - UOP 1.2 mL/kg/h. ID - pyelonephritis, blood + urine cx sent, ceftriaxone started 2200. Heme - see labs.
Sepsis bundle: lactate 1.6, cultures before abx YES, abx within 1 h YES, 20 mL/kg bolus x1.
imp: pyelonephritis, no shock.""")
note(q, "2026-11-14", "lab", f"""CBC {fd(s,'2026-11-14')} 0600
{labs(q,'2026-11-14','0600', over={'wbc':4.2,'anc':1.4,'lym':1.3}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr'])}""")
note(q, "2026-11-14", "lab", f"""CBC {fd(s,'2026-11-14')} 1800 (repeat, post-fever)
{labs(q,'2026-11-14','1800', over={'wbc':3.4,'anc':0.8,'lym':1.6,'hb':104}, keys=['wbc','anc','lym','hb','plt'])}
Repeat CBC in AM: pending.""")
note(q, "2026-11-17", "progress", f"""PICU DAILY NOTE {fd(s,'2026-11-17')} 0900
Day 5 of 7 of IV ceftriaxone for E. coli pyelonephritis. Afebrile 48 h. Tacrolimus held while septic, to restart on discharge. Prednisone continued.
SLEDAI-2K 12. UPC ratio (11/16) 2.9 mg/mg. Lymphocyte subsets (11/15): CD19+ 9%.
Height {height(q,'2026-11-13',158)}. ECOG 2 while inpatient.
Refractory LN: >3 years of steroid + tacrolimus, persistent nephrotic proteinuria.""")
P[q]["visits"].append(dict(date="2026-11-16", time="0600", vals={"upcr": 2.9}, uln={}))

# ---- Q003 SA, sepsis treated and resolved long before; eligible both
s = "SA"; q = pt("Q003", s, "sepsis_resolved_eligible", stated=(13, "2026-09-01"),
                 hard="IV ceftriaxone course 1-8 Sep 2026, completed: infection resolved > 2 weeks before as-of (x_infection not_met); times written 06h00")
note(q, "2026-09-01", "ed", f"""PAEDIATRIC EMERGENCY UNIT, {fd(s,'2026-09-01')}
Triage: SATS orange. 13-year-old boy, known SLE with lupus nephritis (class III+V on biopsy {fd(s,'2026-06-20')}).
06h15 T 39.1, HR 140, BP 98/60. 06h40 BP 101/64 after bolus.
PMH: SLE dx 2023; LN. DHx: prednisone 20 mg daily since 2023, mycophenolate since 2024/03.
SHx: lives with grandmother; uncle on dialysis.
imp: community-acquired pneumonia with sepsis. plan: IV ceftriaxone x 7 days, admit general paeds.""")
note(q, "2026-09-08", "discharge", f"""DISCHARGE {fd(s,'2026-09-08')}: completed 7 days IV ceftriaxone ({fd(s,'2026-09-01')} - {fd(s,'2026-09-08')}). Afebrile, CXR clearing. No ongoing antibiotics.""")
note(q, "2026-11-10", "clinic_ward", f"""RENAL DAY WARD {fd(s,'2026-11-10')} 09h00
Well. No fever since September. SLEDAI-2K 10. ECOG 1. Height {height(q,'2026-11-10',155)}.
ANA 1:320 (2023). Flow: CD19+ B cells 15% (240/uL).
Bloods 06h00:
{labs(q,'2026-11-10','0600', over={'upcr':1.4}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
imp: proteinuria not in remission after 2.5 years of pred + MMF = refractory LN.""")

# ---- Q004 PH, i-STAT creatinine beside lab creatinine
s = "PH"; q = pt("Q004", s, "poc_creatinine_vs_lab", dob="2013-02-11", sex="M",
                 hard="i-STAT creatinine 1.90 mg/dL at 7:10 AM (haemolysed) beside laboratory creatinine 0.62 mg/dL at 9:30 AM: the later lab value decides, Schwartz 98 (HO egfr met, not <45)")
note(q, "2026-05-30", "pathology", f"""RENAL BIOPSY {fd(s,'2026-05-30')}: Lupus nephritis, focal proliferative, ISN/RPS class III (A/C).""")
note(q, "2026-11-12", "ed", f"""ER NOTE {fd(s,'2026-11-12')}
Triage: urgent. 13 y/o male, SLE with LN class III, referred for edema.
PMH: SLE 2022; ANA 1:640 speckled.
DHx: prednisone since 2022; cyclosporine (Neoral) since Oct 2025; HCQ.
SHx: mother has hypertension.
7:10 AM i-STAT (POC): Na 136, K 4.4, Crea 1.90 mg/dL (sample haemolysed, repeat sent to main lab).
9:30 AM main lab:
{labs(q,'2026-11-12','0930', over={'cr':54.8,'upcr':1.65}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-12',148)}. 
imp: active LN, non-response after >12 months of pred + CsA. Formal creatinine normal, POC value spurious.
plan: admit, albumin, furosemide.""")
note(q, "2026-11-14", "progress", f"""WARD NOTE {fd(s,'2026-11-14')}: SLEDAI-2K 16. Lymphocyte subsets: CD19 B cells 18%. Lansky 70. No infection.""")

# ---- Q005 UK PICU, PRES seizure in window
s = "UK"; q = pt("Q005", s, "pres_seizure", dob="2011-12-30", sex="F", ho={"x_npsle": "met"},
                 hard="PRES seizure 30/10/2026 (within 60 days) excludes for HO; labetalol infusion is an antihypertensive, not an inotrope/vasopressor (seed hemo stays manual); ECOG 3 on PICU day 1 superseded by ECOG 1 at discharge")
note(q, "2026-07-22", "pathology", f"""Renal biopsy {fd(s,'2026-07-22')}: class IV-S (A/C) lupus nephritis with class V. AI 10, CI 3.""")
note(q, "2026-10-30", "retrieval", f"""RETRIEVAL TEAM NOTE {fd(s,'2026-10-30')}
Referral 02:10 from DGH: 14 yo girl with SLE/LN, generalised tonic-clonic seizure 01:30, BP 182/120.
02:55 team at bedside. 03:05 BP 176/118, GCS 12. Lorazepam x1 given at DGH, seizure stopped.
Labetalol infusion started 03:20. No inotropes, no vasopressors.
PMH: SLE 2021, LN. DHx: prednisolone (since 2021), cyclophosphamide completed 2024, MMF since 01/2025.
04:40 handed over to PICU consultant.""")
note(q, "2026-10-31", "picu", f"""PICU DAY 1 {fd(s,'2026-10-31')}
MRI: bilateral parieto-occipital T2/FLAIR change consistent with posterior reversible encephalopathy syndrome (PRES).
CNS: no further seizures. CVS: labetalol weaning, haemodynamically stable. Resp: self-ventilating RA. Renal: UO good. ID: no infection, no antibiotics. Heme: see below.
{labs(q,'2026-10-31','0600', over={'upcr':3.1,'egfr':68}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','egfr','upcr'])}
SLEDAI-2K 22. ECOG 3 today (in bed).""")
note(q, "2026-11-12", "discharge", f"""DISCHARGE FROM PICU / WARD {fd(s,'2026-11-12')}
ANA 1:1280. CD19+ B cells 7% ({fd(s,'2026-11-11')}). ECOG 1 at discharge. Height {height(q,'2026-11-11',161)}.
Refractory LN: nephrotic proteinuria despite CYC, MMF and steroids over >2 years.""")

# ---- Q006 US, new diagnosis, IVMP pulse in ED, all starts recent
s = "US"; q = pt("Q006", s, "new_onset_ivmp_in_ed", stated=(14, "2026-10-05"),
                 seed={"refractory": "not_met"},
                 hard="methylprednisolone pulse given in ED 10/05/2026 is the first-ever immunosuppressant; MMF from 10/10/2026: all starts within 183 days, refractory not_met (seed); telitacicept trial fine")
note(q, "2026-10-05", "ed", f"""PEDIATRIC ED {fd(s,'2026-10-05')}
ESI 2. 14 yo F, 2 weeks of facial rash, arthralgia, frothy urine, periorbital edema.
1420 BP 150/95, HR 110. 1505 BP 144/90.
PMH: none. DHx: nil, no prior immunosuppression (treatment-naive). SHx: 9th grade, lives w/ parents; aunt has lupus.
Labs: ANA 1:1280, dsDNA 410 IU/mL, C3 0.32.
imp: new SLE with nephritis. plan: methylprednisolone 30 mg/kg IV pulse given 1600 in ED, admit, renal biopsy.""")
note(q, "2026-10-08", "pathology", f"""RENAL BIOPSY {fd(s,'2026-10-08')}: Lupus nephritis ISN/RPS class IV-G (A), AI 13/24, CI 1/12.""")
note(q, "2026-10-11", "discharge", f"""DISCHARGE {fd(s,'2026-10-11')}: IVMP x3 (10/05-10/07), then prednisone 60 mg daily; MMF started 10/10/2026. SLEDAI-2K 24.""")
note(q, "2026-11-16", "oncall", f"""ON-CALL NOTE {fd(s,'2026-11-16')} 2310: called re BP 138/88, asymptomatic, extra amlodipine. Labs from 11/16 1500:
{labs(q,'2026-11-16','1500', over={'upcr':3.2}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-10-05',160)}. CD19+ 22% (11/16). ECOG 1.""")

# ---- Q007 CL, dialysis started and stopped recently; stated eGFR 28
s = "CL"; q = pt("Q007", s, "recent_dialysis_egfr28", dob="2010-03-15", sex="M",
                 seed={"egfr": "manual"}, ho={"egfr": "not_met", "x_dialysis": "met"},
                 hard="haemodialysis 10-09 to 02-10-2026 (last run inside 8 weeks) = HO x_dialysis met; stated Schwartz eGFR 28 -> seed manual (SLE exception), HO not_met")
note(q, "2026-08-30", "pathology", f"""Renal biopsy {fd(s,'2026-08-30')}: lupus nephritis class IV-G (A/C) + V, 40% crescents. AI 14, CI 4.""")
note(q, "2026-09-10", "dialysis", f"""HAEMODIALYSIS RUN SHEET - run 1 - {fd(s,'2026-09-10')}
Access: R IJ tunnelled catheter. Start {ft(s,'1000')}, end {ft(s,'1300')}. UF 1.2 L. Heparin-free.
Pre: creatinine 5.4 mg/dL, K 6.3. Indication: AKI on LN, fluid overload.""")
note(q, "2026-10-02", "dialysis", f"""HAEMODIALYSIS RUN SHEET - run 9 (last) - {fd(s,'2026-10-02')}
Start {ft(s,'0900')}, end {ft(s,'1100')}. Renal recovery, dialysis stopped after this run. Catheter removed {fd(s,'2026-10-05')}.""")
note(q, "2026-11-09", "picu_followup", f"""NEPHROLOGY REVIEW {fd(s,'2026-11-09')} {ft(s,'1120')}
16-year-old, SLE since 2021 (ANA 1:2560), refractory LN: prednisone since 2021, IV cyclophosphamide 2021-22, mycophenolate since 2023; persistent proteinuria.
Labs {ft(s,'0730')}:
{labs(q,'2026-11-09','0730', over={'cr':168,'egfr':28,'upcr':2.6,'hb':95}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','egfr','upcr'])}
SLEDAI-2K 18. Flow cytometry CD19+ 10%. ECOG 1. Off dialysis since 02-10.""")

# ---- Q008 SA, dialysis / ICU weeks ago; CD19 sent, to follow
s = "SA"; q = pt("Q008", s, "old_icu_dialysis_cd19_pending", dob="2012-01-25", sex="F",
                 seed={"cd19": "unknown"},
                 hard="PICU stay with haemodialysis July 2026 (last run 20 July, > 8 weeks): x_dialysis not_met; 'CD19 subset sent, to follow' is no result (cd19 unknown)")
note(q, "2026-07-01", "picu", f"""PICU ADMISSION {fd(s,'2026-07-01')} 22h30
14 y F, SLE/LN, AKI with anuria and pulmonary oedema. Biopsy {fd(s,'2026-06-24')}: class IV-G (A) LN.
CVS: stable, no inotropes. Resp: CPAP. Renal: anuric, HD catheter placed, haemodialysis from tonight.""")
note(q, "2026-07-20", "dialysis", f"""DIALYSIS RUN SHEET {fd(s,'2026-07-20')} 08h00-11h00: final session, diuresing, dialysis stopped.""")
note(q, "2026-07-28", "discharge", f"""DISCHARGE FROM PICU {fd(s,'2026-07-28')}: 4-week PICU stay. SLE since 2022, ANA 1:640. Prednisone since 2022, MMF since 2023, IV cyclophosphamide pulses Jul 2026 ({fd(s,'2026-07-05')} and {fd(s,'2026-07-19')}).""")
note(q, "2026-11-06", "clinic_ward", f"""RENAL DAY WARD {fd(s,'2026-11-06')} 10h00
SLEDAI-2K 12, ECOG 1. Height {height(q,'2026-11-06',150)}. Proteinuria persisting.
Bloods 07h00:
{labs(q,'2026-11-06','0700', over={'upcr':1.9,'egfr':74}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','egfr','upcr'])}
CD19 lymphocyte subset sent, to follow.""")

# ---- Q009 PH, G-CSF before ANC, IV CYC recent
s = "PH"; q = pt("Q009", s, "gcsf_before_anc_recent_cyc", dob="2011-06-02", sex="F", gcsf=["2026-11-08"],
                 seed={"anc": "not_met"}, ho={"x_cyc": "met"},
                 hard="filgrastim 8 Nov, ANC 2.8 on 15 Nov = count within 14 days of G-CSF (anc not_met though value fine); IV cyclophosphamide 20 Oct within 3 months (x_cyc met)")
note(q, "2026-06-15", "pathology", f"""Renal biopsy {fd(s,'2026-06-15')}: lupus nephritis ISN/RPS class IV.""")
note(q, "2026-10-20", "infusion", f"""DAY CARE INFUSION RECORD {fd(s,'2026-10-20')}: IV cyclophosphamide 500 mg (Euro-Lupus dose 6/6) given 10:05 AM-11:05 AM with mesna. Pre-med ondansetron.""")
note(q, "2026-11-08", "ed", f"""ER {fd(s,'2026-11-08')} 11:40 PM
15 y/o F, SLE/LN on CYC, ANC 0.3 on outpatient CBC, afebrile, well.
DHx: prednisone since 2021, tacrolimus since 2024, CYC.
plan: filgrastim 5 mcg/kg SC given 11:55 PM; no antibiotics (afebrile, no focus); recheck CBC in 1 week.""")
note(q, "2026-11-15", "lab", f"""CBC/CHEM {fd(s,'2026-11-15')} 8:00 AM
{labs(q,'2026-11-15','0800', over={'anc':2.8,'wbc':4.6,'upcr':1.3}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'], ranges=False)}""")
note(q, "2026-11-16", "progress", f"""NOTE {fd(s,'2026-11-16')}: SLEDAI-2K 10. ANA 1:320. CD19 B cells 5%. Ht {height(q,'2026-11-15',151)}. Lansky 80. Refractory LN (pred + TAC > 2 y, UPCR still >1).""")

# ---- Q010 US, transfusion record (not drug), Hb recovered; mother has SLE in SHx
s = "US"; q = pt("Q010", s, "transfusion_then_hb_ok",  dob="2013-09-09", sex="M",
                 hard="PRBC transfusion 11/10 after Hgb 5.4 at 0600; latest Hgb 8.2 g/dL next day decides (met); a transfusion is not a drug exposure; 'mother has SLE' in SHx is family history")
note(q, "2026-06-28", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-06-28')}: LN class III (A) + V.""")
note(q, "2026-11-10", "transfusion", f"""BLOOD PRODUCT TRANSFUSION RECORD {fd(s,'2026-11-10')}
Pre-transfusion Hgb 5.4 g/dL (0600). Product: PRBC 10 mL/kg, irradiated. Start 0815, end 1145. Obs q15 min first hour: no reaction.
Indication: autoimmune hemolytic anemia flare in SLE.""")
note(q, "2026-11-11", "picu", f"""PICU DAILY NOTE {fd(s,'2026-11-11')}
13 yo M, SLE/LN. SHx: lives w/ mother (mother has SLE) and stepfather.
CVS stable, no pressors. Resp RA. Renal: UPC high. ID: afebrile, no abx. Heme: post-transfusion labs 0500:
{labs(q,'2026-11-11','0500', over={'hb':82,'upcr':1.45}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-10',150)}. SLEDAI-2K 16. ECOG 2. CD19+ 14%. ANA 1:1280 (2024).
DHx: prednisone since 2024, MMF since 3/2025: non-response -> refractory.""")

# ---- Q011 UK, rituximab in Aug, CD19 depleted
s = "UK"; q = pt("Q011", s, "recent_rtx_b_depleted", dob="2012-04-17", sex="F",
                 seed={"cd19": "not_met"}, ho={"x_bcell": "met"},
                 hard="rituximab 01/08/2026 (within 6 months) and CD19+ 0% on flow: seed cd19 not_met, HO x_bcell met; rituximab does not count towards refractory (pred + MMF do)")
note(q, "2026-06-05", "pathology", f"""Renal biopsy {fd(s,'2026-06-05')}: class IV-G (A) lupus nephritis.""")
note(q, "2026-08-01", "infusion", f"""DAY UNIT {fd(s,'2026-08-01')}: rituximab 750 mg/m2 IV given 09:30-14:10, dose 1 of 2. Dose 2 given {fd(s,'2026-08-15')}.""")
note(q, "2026-10-20", "handover", f"""EVENING HANDOVER {fd(s,'2026-10-20')} 20:00
Bed 4: 14 yo F, SLE/LN refractory (pred since 2022, MMF since 2023, RTX Aug). Admitted for fluid overload.
Lymphocyte subsets today: CD19+ B cells 0% (B cells depleted post-RTX).
ANA 1:640. SLEDAI-2K 12. ECOG 1. Ht {height(q,'2026-10-20',157)}.
Bloods 18:00:
{labs(q,'2026-10-20','1800', over={'upcr':2.2}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Overnight: fluid balance, weigh at 06:00.""")

# ---- Q012 CL, rituximab > 6 months ago, B cells back
s = "CL"; q = pt("Q012", s, "old_rtx_b_recovered", stated=(15, "2026-09-28"),
                 hard="rituximab 01-12-2025 is 354 days before as-of (outside 6 months, x_bcell not_met); CD19 reconstituted 6%")
note(q, "2025-12-01", "infusion", f"""Infusion record {fd(s,'2025-12-01')}: rituximab 375 mg/m2 IV, dose 1.""")
note(q, "2026-09-28", "ed", f"""PAEDIATRIC EMERGENCY {fd(s,'2026-09-28')}
Triage C2. 15-year-old girl, SLE (2022, ANA 1:320), LN class III+V biopsy {fd(s,'2026-08-12')}.
{ft(s,'1420')} BP 150/95. {ft(s,'1510')} BP 132/84.
DHx: prednisone since 2022, tacrolimus since 2023. Last rituximab {fd(s,'2025-12-01')}.
SHx: lives with parents in Puente Alto; brother with asthma.
imp: hypertensive urgency, active LN. plan: nifedipine, admit.""")
note(q, "2026-11-03", "lab", f"""LABORATORY {fd(s,'2026-11-03')} {ft(s,'0800')}
{labs(q,'2026-11-03','0800', over={'upcr':1.75}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-03',158)}.
Lymphocyte subsets: CD19+ 6% (B-cell reconstitution).""")
note(q, "2026-11-04", "progress", f"""Nephrology {fd(s,'2026-11-04')}: SLEDAI-2K 11. ECOG 1. Refractory LN (pred + TAC since 2023, UPCR 1.75).""")

# ---- Q013 SA, stale labs only
s = "SA"; q = pt("Q013", s, "stale_labs", dob="2011-10-10", sex="M",
                 seed={k: "unknown" for k in ["lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "refractory"]},
                 ho={"upcr": "unknown", "egfr": "unknown", "x_alt": "unknown"},
                 hard="only lab set is 2026/07/15 (before the 90-day lookback): every lab criterion unknown (stale), UPCR stale so refractory c unknown; 'FBC sent' on 2026/11/12 is no result")
note(q, "2026-07-15", "ed", f"""PAEDIATRIC EMERGENCY UNIT {fd(s,'2026-07-15')} 14h20
Triage yellow. 14 y M, SLE/LN (class IV biopsy {fd(s,'2026-07-02')}), cough.
PMH: SLE 2023, ANA 1:640. DHx: prednisone since 2023, MMF since 2024. SHx: lives with mother; cousin has TB (contact screening negative).
Bloods 13h00:
{labs(q,'2026-07-15','1300', over={'upcr':2.0,'egfr':80}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','egfr','upcr'])}
imp: viral URTI. plan: home, oral fluids.""")
note(q, "2026-10-01", "clinic_ward", f"""RENAL DAY WARD {fd(s,'2026-10-01')}: SLEDAI-2K 12. ECOG 1. Flow: CD19+ 11%. Height {height(q,'2026-10-01',163)}.""")
note(q, "2026-11-12", "oncall", f"""ON-CALL {fd(s,'2026-11-12')} 23h40: phoned re headache, BP 128/80, paracetamol. FBC, U&E, UPCR sent - results to follow.""")

# ---- Q014 US, old abnormal ALT superseded by new
s = "US"; q = pt("Q014", s, "stale_alt_superseded",  dob="2010-05-05", sex="F",
                 hard="ALT 180 (ref 10-35) in June 2026 superseded by ALT 30 on 10/28/2026 (met); 16 yo")
note(q, "2026-06-10", "lab", f"""CHEM {fd(s,'2026-06-10')} 0700 (stale)
{labs(q,'2026-06-10','0700', over={'alt':180,'ast':150}, keys=['alt','ast','tbil'])}""")
note(q, "2026-06-18", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-06-18')}: diffuse proliferative LN, ISN/RPS class IV.""")
note(q, "2026-10-28", "anesthesia", f"""ANESTHESIA PRE-OP ASSESSMENT {fd(s,'2026-10-28')} (tunneled line insertion)
16 yo F. ASA 3 (SLE/LN, HTN). Airway: Mallampati I, mouth opening >3 FB, full neck ROM. NPO after midnight, clear fluids until 0500.
DHx: prednisone since 2023, tacrolimus since 2024, HCQ. Hold AM tacrolimus dose (NPO) - resume post-op.
Labs 0600:
{labs(q,'2026-10-28','0600', over={'alt':30,'ast':33,'upcr':1.2}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-10-28',163)}.""")
note(q, "2026-10-29", "progress", f"""Post-op day 1 {fd(s,'2026-10-29')}: SLEDAI-2K 9, ECOG 0. ANA 1:160. CD19+ 16%. Proteinuria persistent on pred + TAC (>2 y) -> refractory.""")

# ---- Q015 PH, ALT/AST high from lupus myositis
s = "PH"; q = pt("Q015", s, "myositis_transaminases", dob="2012-11-30", sex="F", myositis=True,
                 seed={"alt": "manual", "ast": "manual"}, ho={"x_alt": "met"},
                 hard="ALT 210 (0-41), AST 260 (0-37) from lupus myositis (CK 4200): seed alt/ast manual by the myopathy exception; HO has no exception, ALT > 2.5xULN -> x_alt met")
note(q, "2026-07-02", "pathology", f"""RENAL BIOPSY {fd(s,'2026-07-02')}: lupus nephritis class IV-G (A) with class V.""")
note(q, "2026-11-05", "picu", f"""PICU ADMISSION {fd(s,'2026-11-05')} 3:00 AM
13 y/o F, SLE (ANA 1:1280), LN, proximal weakness 2 weeks, CK 4200 U/L: lupus myositis (inflammatory myopathy), MRI thighs with muscle edema.
CVS: stable. Resp: no bulbar weakness. Renal: edema. ID: afebrile. Heme: below.
DHx: prednisone since 2023, MMF since 2024.
Labs 2:30 AM:
{labs(q,'2026-11-05','0230', over={'alt':210,'ast':260,'upcr':1.8}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-05',146)}.
SLEDAI-2K 20. Lansky 60. CD19 B cells 13%. Refractory LN (non-response > 2 y).""")
note(q, "2026-11-07", "handover", f"""NIGHT HANDOVER {fd(s,'2026-11-07')} 7:00 PM: strength improving; IVIG discussed, not given. Repeat CK pending.""")

# ---- Q016 UK, ALT & AST high, no myositis
s = "UK"; q = pt("Q016", s, "transaminitis_no_myositis", dob="2013-03-03", sex="M",
                 seed={"alt": "not_met", "ast": "not_met"}, ho={"x_alt": "met"},
                 hard="ALT 150 (ref 7-45) > 3x45=135 and AST 130 (10-40) > 120, no myositis (CK normal): both not_met using the printed ULN, not the default")
note(q, "2026-09-14", "pathology", f"""Renal biopsy {fd(s,'2026-09-14')}: LN class III (A).""")
note(q, "2026-11-15", "ed", f"""PAEDIATRIC ED {fd(s,'2026-11-15')}
Triage 3 (yellow). 13 yo boy, SLE/LN, RUQ pain and vomiting.
19:20 BP 126/80, HR 100, T 37.2.
PMH: SLE 2024 (ANA 1:320), LN. DHx: prednisolone since 2024, MMF since 06/2025, co-trimoxazole prophylaxis.
SHx: Year 9, dad a plumber.
Bloods 19:40:
{labs(q,'2026-11-15','1940', over={'alt':150,'ast':130,'upcr':1.3}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'], uln={'alt':45.0})}
CK 110 (normal). US liver: normal.
imp: drug-induced transaminitis ?co-trimoxazole. plan: stop co-trimoxazole, repeat LFT 48 h.
Ht {height(q,'2026-11-15',155)}. SLEDAI-2K 10. Lansky 90. CD19+ 8%.""")
note(q, "2026-11-17", "oncall", f"""ON-CALL {fd(s,'2026-11-17')} 22:15: repeat LFT sent 20:00, not back yet. Comfortable.""")

# ---- Q017 CL, Gilbert syndrome, bilirubin 2.9 mg/dL
s = "CL"; q = pt("Q017", s, "gilbert_bilirubin", dob="2011-01-21", sex="M", gilbert=True,
                 hard="total bilirubin 2.9 mg/dL (ULN 1.2) with Gilbert syndrome: <= 3.0xULN (3.6) -> met")
note(q, "2026-08-25", "pathology", f"""Kidney biopsy {fd(s,'2026-08-25')}: LN class IV-S (A).""")
note(q, "2026-11-11", "anaesthesia", f"""PRE-ANAESTHETIC ASSESSMENT {fd(s,'2026-11-11')} {ft(s,'1600')}
15-year-old male for CVC insertion. ASA II. Airway normal. Fasting: nil by mouth from {ft(s,'0200')}, usual prednisone with a sip of water.
PMH: SLE (2023, ANA 1:640), LN; Gilbert syndrome (confirmed UGT1A1 genotype 2020).
DHx: prednisone since 2023, mycophenolate since 2024.
Labs {ft(s,'0800')}:
{labs(q,'2026-11-11','0800', over={'tbil':2.9*17.1,'upcr':2.1}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-11',170)}.""")
note(q, "2026-11-12", "progress", f"""Nephrology {fd(s,'2026-11-12')}: SLEDAI-2K 14. ECOG 1. CD19+ 9%. Refractory LN.""")

# ---- Q018 US, bilirubin high without Gilbert (father has Gilbert)
s = "US"; q = pt("Q018", s, "bilirubin_high_father_gilbert", dob="2012-07-07", sex="F",
                 seed={"tbil": "not_met"},
                 hard="T bili 2.1 mg/dL (0.1-1.2) > 1.5xULN; 'father has Gilbert syndrome' is family history, so the 3xULN allowance does not apply")
note(q, "2026-09-20", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-09-20')}: LN ISN/RPS class IV-G (A/C).""")
note(q, "2026-11-18", "ed", f"""PEDIATRIC ED {fd(s,'2026-11-18')}
ESI 3. 14 yo F, SLE/LN, jaundice x3 days.
6 am BP 118/74. 
PMH: SLE 2022 (ANA 1:2560), LN. DHx: prednisone since 2022, cyclophosphamide 2023, MMF since 2024.
SHx: 8th grade. FHx/SHx: father has Gilbert syndrome.
Labs 0630:
{labs(q,'2026-11-18','0630', over={'tbil':2.1*17.1,'hb':101,'upcr':1.6}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Retic 2.0%, haptoglobin normal. Height {height(q,'2026-11-18',154)}.
imp: hyperbilirubinemia, cause unclear, Gilbert testing to be sent. SLEDAI-2K 12. ECOG 1. CD19+ 11%.""")

# ---- Q019 SA, INR high, PT ok
s = "SA"; q = pt("Q019", s, "inr_high", dob="2012-02-29", sex="M",
                 seed={"inr": "not_met"},
                 hard="INR 1.90 (0.9-1.2) > 1.8 -> not_met, while PT 16.0 s (10.5-13.5) <= 20.25 -> met; each its own criterion")
note(q, "2026-10-02", "pathology", f"""Renal biopsy {fd(s,'2026-10-02')}: lupus nephritis class III (A/C) + V.""")
note(q, "2026-11-14", "picu", f"""PICU NOTE {fd(s,'2026-11-14')} 10h00
14 y M, SLE/LN with antiphospholipid antibodies, R leg DVT. On warfarin since {fd(s,'2026-10-20')}.
CVS: stable, no inotropes. Resp: RA. Renal: good UO. ID: no infection. Heme: coagulation below.
Bloods 06h00:
{labs(q,'2026-11-14','0600', over={'inr':1.9,'pt':16.0,'upcr':1.5}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-14',160)}. SLEDAI-2K 10. ECOG 1. CD19 B cells 10%. ANA 1:320.
DHx: prednisone since 2023, tacrolimus since 2024; persistent proteinuria (refractory).""")

# ---- Q020 PH, plasma exchange, PT high, INR ok
s = "PH"; q = pt("Q020", s, "pt_high_plex", dob="2011-08-14", sex="F",
                 seed={"pt": "not_met"},
                 hard="PT 22.0 s (11.0-14.0) > 21.0 -> not_met while INR 1.60 (0.8-1.1) <= 1.65 -> met; plasma exchange with FFP is not a drug exposure")
note(q, "2026-07-30", "pathology", f"""RENAL BIOPSY {fd(s,'2026-07-30')}: LN class IV-G (A/C), crescents 30%.""")
note(q, "2026-11-10", "plex", f"""THERAPEUTIC PLASMA EXCHANGE RUN SHEET {fd(s,'2026-11-10')}
Session 3 of 5. Start 9:10 AM, end 11:40 AM. 1.0 plasma volume, replacement 5% albumin + FFP 10 mL/kg. Access: femoral catheter. No reaction.
Indication: TMA with LN.""")
note(q, "2026-11-12", "picu", f"""PICU DAILY {fd(s,'2026-11-12')} 9:00 AM
15 y/o F, SLE (ANA 1:640), LN with TMA. DHx: prednisone since 2022, mycophenolate since 2023.
CVS stable. Resp RA. Renal ok. ID afebrile, no abx. Heme: post-PLEX coags 6:00 AM:
{labs(q,'2026-11-12','0600', over={'pt':22.0,'inr':1.6,'upcr':2.4}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-12',156)}. SLEDAI-2K 18. Lansky 60. CD19+ 12%. Refractory LN.""")

# ---- Q021 UK PICU, septic shock on noradrenaline, resolved
s = "UK"; q = pt("Q021", s, "septic_shock_vasopressor_resolved", dob="2013-05-19", sex="F",
                 seed={"hemo": "not_met"},
                 hard="noradrenaline for septic shock 12/10/2026 (inside the lookback) -> hemo not_met; IV meropenem ended 19/10 (> 2 weeks before as-of) -> x_infection not_met")
note(q, "2026-07-08", "pathology", f"""Renal biopsy {fd(s,'2026-07-08')}: LN class IV-G (A).""")
note(q, "2026-10-12", "picu", f"""PICU ADMISSION {fd(s,'2026-10-12')} 03:30
13 yo girl with SLE/LN, fever and hypotension. 02:50 BP 72/35 after 40 mL/kg fluid.
CVS: septic shock, noradrenaline 0.1 mcg/kg/min started 03:10 via CVC. Resp: HFNC. Renal: UO 0.6 mL/kg/h. ID: meropenem started 02:55, cultures sent. Heme: Hb 88.
Sepsis six completed within the hour. Tacrolimus and MMF withheld in sepsis.""")
note(q, "2026-10-19", "discharge", f"""DISCHARGE FROM PICU {fd(s,'2026-10-19')}: noradrenaline off {fd(s,'2026-10-14')}. Meropenem 7-day course completed today, stopped. Restart MMF + tacrolimus.""")
note(q, "2026-11-16", "clinic_ward", f"""RENAL WARD ATTENDANCE {fd(s,'2026-11-16')} 11:00
Well, afebrile since October. ANA 1:640. SLEDAI-2K 12. ECOG 1. Ht {height(q,'2026-11-16',150)}.
DHx: prednisolone since 2023, MMF since 2024, tacrolimus since 01/2026. Proteinuria persisting = refractory.
Bloods 09:15:
{labs(q,'2026-11-16','0915', over={'upcr':1.7}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
CD19+ B cells 14%.""")

# ---- Q022 US, most recent biopsy pure class V
s = "US"; q = pt("Q022", s, "repeat_biopsy_class_v", stated=(12, "2026-09-05"),
                 seed={"biopsy": "not_met"}, ho={"biopsy": "not_met"},
                 hard="2024 biopsy class IV but the most recent biopsy (09/01/2026) is pure membranous class V -> biopsy not_met in both trials")
note(q, "2024-03-10", "pathology", f"""KIDNEY BIOPSY {fd(s,'2024-03-10')}: LN class IV-G (A).""")
note(q, "2026-09-01", "pathology", f"""REPEAT KIDNEY BIOPSY {fd(s,'2026-09-01')}: membranous lupus nephritis, ISN/RPS class V only; no endocapillary proliferation, no crescents. AI 0/24, CI 3/12.""")
note(q, "2026-09-05", "ed", f"""PEDIATRIC ED {fd(s,'2026-09-05')}
ESI 3. 12 yo M, SLE/LN, leg swelling. 1420 BP 122/78.
PMH: SLE 2023 (ANA 1:320). DHx: prednisone since 2023, MMF since 2024, tacrolimus since 2025.
imp: nephrotic edema. plan: furosemide, albumin.""")
note(q, "2026-11-09", "lab", f"""LABS {fd(s,'2026-11-09')} 0800
{labs(q,'2026-11-09','0800', over={'upcr':2.8}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-09',148)}. SLEDAI-2K 8. ECOG 1. CD19+ 15%.""")

# ---- Q023 SA, biopsy Feb 2026: outside 6 mo, inside 12 mo
s = "SA"; q = pt("Q023", s, "biopsy_9_months", dob="2012-12-12", sex="F",
                 seed={"biopsy": "unknown"},
                 hard="class IV biopsy 2026/02/10: 283 days before as-of -> seed unknown (> 183 d, repeat biopsy needed), HO met (within 12 months)")
note(q, "2026-02-10", "pathology", f"""Renal biopsy {fd(s,'2026-02-10')}: lupus nephritis ISN/RPS class IV-G (A), AI 9/24, CI 2/12.""")
note(q, "2026-11-03", "ed", f"""PAEDIATRIC EMERGENCY UNIT {fd(s,'2026-11-03')}
Triage orange. 13 y F, SLE/LN, facial swelling. 18h20 BP 140/92. 19h00 BP 132/86.
PMH: SLE 2024, ANA 1:640. DHx: prednisone since 2024, MMF since 2024/09. SHx: lives with aunt.
Bloods 18h30:
{labs(q,'2026-11-03','1830', over={'upcr':2.3}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-03',152)}. SLEDAI-2K 14. ECOG 1. CD19+ 17%.
imp: non-response LN (refractory).""")

# ---- Q024 CL, 19 years old
s = "CL"; q = pt("Q024", s, "age_19", dob_in_text="2007-09-02",
                 seed={"age": "not_met"},
                 hard="DOB 02-09-2007: 19 at as-of -> seed age not_met (over 18), HO age met (8-25); 'girlfriend 20 weeks pregnant' in SHx is not the patient (x_preg not_met)")
note(q, "2026-08-05", "pathology", f"""Kidney biopsy {fd(s,'2026-08-05')}: LN class III (A) + V.""")
note(q, "2026-11-08", "ed", f"""ADOLESCENT EMERGENCY {fd(s,'2026-11-08')} {ft(s,'0210')}
Triage C3. DOB 02-09-2007. Male with SLE (2021, ANA 1:1280), LN.
{ft(s,'0215')} BP 138/86, HR 92. {ft(s,'0400')} BP 130/80.
DHx: prednisone since 2021, cyclophosphamide 2022, mycophenolate since 2023.
SHx: university student; girlfriend 20 weeks pregnant.
Labs {ft(s,'0230')}:
{labs(q,'2026-11-08','0230', over={'upcr':1.5}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-08',174)}. SLEDAI-2K 10. ECOG 1. CD19+ 12%.
imp: headache, hypertension. Refractory LN.""")

# ---- Q025 US, stated age 18 in January
s = "US"; q = pt("Q025", s, "stated_age_18", stated=(18, "2026-01-10"),
                 seed={"age": "unknown"},
                 hard="only a stated age '18 yo' on 01/10/2026: at as-of he is 18 or 19 -> seed age unknown, HO met")
note(q, "2026-01-10", "ed", f"""PEDIATRIC ED {fd(s,'2026-01-10')}
ESI 3. 18 yo M, SLE (2020, ANA 1:640), LN, ankle swelling. 2200 BP 132/84.
DHx: prednisone since 2020, tacrolimus since 2022.""")
note(q, "2026-07-01", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-07-01')}: LN ISN/RPS class IV (A).""")
note(q, "2026-11-13", "lab", f"""LABS {fd(s,'2026-11-13')} 0700
{labs(q,'2026-11-13','0700', over={'upcr':1.9}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-13',176)}.""")
note(q, "2026-11-14", "progress", f"""TRANSITION CLINIC/ADMISSION {fd(s,'2026-11-14')}: SLEDAI-2K 12. ECOG 1. CD19+ 13%. Refractory LN (pred + TAC, persistent proteinuria).""")

# ---- Q026 PH, 7 years old, ANA positive no titre
s = "PH"; q = pt("Q026", s, "age_7_ana_no_titre", dob="2019-05-06", sex="F",
                 seed={"ana": "unknown"}, ho={"age": "not_met"},
                 hard="born 2019-05-06, 7 at as-of: seed age met (6-18), HO not_met (< 8); 'ANA positive' without a titre -> ana unknown")
note(q, "2026-06-25", "pathology", f"""RENAL BIOPSY {fd(s,'2026-06-25')}: LN class IV-G (A) + V.""")
note(q, "2026-11-09", "transport", f"""TRANSPORT TEAM NOTE {fd(s,'2026-11-09')}
Interfacility transfer, provincial hospital to PICU. Departed 4:40 PM, arrived 7:15 PM.
7 y/o F, SLE (ANA positive, titer not available), LN, anasarca. HR 120, BP 130/85, SpO2 96% RA. No inotropes.
DHx: prednisone since 2024, cyclophosphamide IV 2024-25, mycophenolate since 2025.""")
note(q, "2026-11-10", "picu", f"""PICU ADMISSION {fd(s,'2026-11-10')} 1:00 AM
Labs 12:30 AM:
{labs(q,'2026-11-10','0030', over={'upcr':3.5}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-10',120)}. SLEDAI-2K 16. Lansky 70. CD19+ 19%. Refractory LN.""")

# ---- Q027 UK, pregnant, poor venous access
s = "UK"; q = pt("Q027", s, "pregnant_poor_access", dob="2009-06-30", sex="F",
                 seed={"venous": "not_met"}, ho={"x_preg": "met"},
                 hard="17 yo, urine beta-hCG positive and dating scan 12/40 -> HO x_preg met; documented difficult venous access, unsuitable for apheresis -> seed venous not_met")
note(q, "2026-08-20", "pathology", f"""Renal biopsy {fd(s,'2026-08-20')}: LN class IV-G (A/C).""")
note(q, "2026-11-05", "ed", f"""PAEDIATRIC ED {fd(s,'2026-11-05')}
Triage 3. 17 yo F, SLE (2020, ANA 1:1280), LN, vomiting. LMP mid-August.
00:20 BP 128/82. Urine beta-hCG POSITIVE.
Cannulation: very difficult venous access, 4 failed attempts, US-guided 24G at 02:00. Anaesthetics: peripheral veins unsuitable for apheresis.
DHx: prednisolone since 2020, MMF 2022 to 11/2026 (stopped today, teratogenic), tacrolimus since 2024.
Bloods 01:00:
{labs(q,'2026-11-05','0100', over={'upcr':1.4}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-05',162)}. SLEDAI-2K 12. ECOG 1. CD19+ 10%.""")
note(q, "2026-11-07", "handover", f"""MORNING HANDOVER {fd(s,'2026-11-07')} 08:00: 17F, SLE/LN. Dating scan yesterday ({fd(s,'2026-11-06')}): single intrauterine pregnancy 12/40. Obstetric review today. Refractory LN on pred + tac. Cannula tissued overnight, re-sited by anaesthetics.""")

# ---- Q028 US, remission proteinuria, SLEDAI 6, hCG negative
s = "US"; q = pt("Q028", s, "remission_low_sledai", dob="2011-04-04", sex="F",
                 seed={"sledai": "not_met", "refractory": "not_met"}, ho={"upcr": "not_met"},
                 hard="UPC 0.30 mg/mg (remission) -> refractory not_met and HO upcr not_met; earlier 06/2026 UPC 2.1 is older; SLEDAI-2K 6; urine hCG negative")
note(q, "2026-06-02", "lab", f"""LABS {fd(s,'2026-06-02')}: UPC ratio 2.10 mg/mg.""")
note(q, "2026-06-05", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-06-05')}: LN class III (A).""")
note(q, "2026-11-17", "ed", f"""PEDIATRIC ED {fd(s,'2026-11-17')}
ESI 4. 15 yo F, SLE (ANA 1:160), LN, ankle injury on soccer field. 1605 BP 110/70.
DHx: prednisone since 2023, MMF since 2024.
Urine hCG negative.
Labs 1630 (from renal clinic add-on):
{labs(q,'2026-11-17','1630', over={'upcr':0.30}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-11-17',160)}. SLEDAI-2K 6. ECOG 0. CD19+ 14%.
imp: ankle sprain; LN in complete renal remission.""")

# ---- Q029 CL, SLE ruled out, IgA nephropathy
s = "CL"; q = pt("Q029", s, "mimic_iga", dob="2013-10-01", sex="M",
                 seed={"sle": "not_met", "biopsy": "not_met", "ana": "not_met", "refractory": "unknown", "sledai": "unknown", "cd19": "unknown"},
                 ho={"sle": "not_met", "biopsy": "not_met", "upcr": "not_met"},
                 hard="lupus ruled out (ANA negative <1:40, EULAR/ACR criteria not fulfilled), biopsy IgA nephropathy: sle, biopsy, ana not_met; 'r/o lupus nephritis' in the triage line is uncertain")
note(q, "2026-09-15", "ed", f"""PAEDIATRIC EMERGENCY {fd(s,'2026-09-15')} {ft(s,'2230')}
Triage C3. 12-year-old boy, macroscopic haematuria after URTI. r/o lupus nephritis vs IgA. 
{ft(s,'2240')} BP 124/78.
SHx: mother has SLE.
plan: ANA, C3/C4, renal biopsy.""")
note(q, "2026-09-25", "pathology", f"""Kidney biopsy {fd(s,'2026-09-25')}: IgA nephropathy (MEST-C M1 E0 S0 T0 C0). No features of lupus nephritis.""")
note(q, "2026-10-02", "progress", f"""NEPHROLOGY {fd(s,'2026-10-02')}: ANA negative (<1:40), anti-dsDNA negative, C3/C4 normal. SLE ruled out; 2019 EULAR/ACR criteria not fulfilled. Started ramipril.
Labs {ft(s,'0900')}:
{labs(q,'2026-10-02','0900', over={'upcr':0.6}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Height {height(q,'2026-10-02',150)}. ECOG 0.""")

# ---- Q030 SA, drugs held/withheld in sepsis, still on IV pip-tazo
s = "SA"; q = pt("Q030", s, "held_drugs_active_sepsis", dob="2012-09-18", sex="M",
                 ho={"x_infection": "met"},
                 hard="tacrolimus 'withheld in sepsis' and MMF 'held' are still documented exposures (refractory met); IV piperacillin-tazobactam day 8 of 10 on 2026/11/18 = active infection (HO x_infection met)")
note(q, "2026-07-15", "pathology", f"""Renal biopsy {fd(s,'2026-07-15')}: lupus nephritis class IV-G (A) + V.""")
note(q, "2026-11-10", "picu", f"""PICU ADMISSION {fd(s,'2026-11-10')} 04h10
14 y M, SLE/LN (ANA 1:640), peritonitis (SBP on nephrotic ascites).
CVS: tachycardic, BP 100/58, responded to fluids, no inotropes. Resp: RA. Renal: UO ok. ID: blood cx sent, IV piperacillin-tazobactam from 04h30. Heme: below.
DHx: prednisone since 2023, mycophenolate since 2025/08, tacrolimus since 2025/11. Tacrolimus withheld in sepsis; MMF held.
Bloods 03h50:
{labs(q,'2026-11-10','0350', over={'crp':180,'wbc':14.2,'anc':11.5}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','crp'])}""")
note(q, "2026-11-18", "progress", f"""PICU/WARD {fd(s,'2026-11-18')} 09h00
Day 8 of 10 IV piperacillin-tazobactam. Afebrile 72 h.
Bloods 06h00:
{labs(q,'2026-11-18','0600', over={'upcr':2.4,'crp':12}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr','crp'])}
Height {height(q,'2026-11-18',158)}. SLEDAI-2K 14. ECOG 2. CD19 B cells 11%.
Refractory LN: persistent proteinuria on pred + MMF + TAC (held this admission).""")

# ---- Q031 PH, nil by mouth pre-op, CYC in July, no ECOG
s = "PH"; q = pt("Q031", s, "npo_not_drug_stop_no_ecog", dob="2014-01-20", sex="F",
                 seed={"ecog": "unknown"},
                 hard="'NPO (nil per orem)' for surgery is not a drug stop, and the surgical emergency is not an infection; IV cyclophosphamide 1 Jul 2026 is 142 days before as-of (> 3 months, x_cyc not_met); no ECOG/Lansky anywhere")
note(q, "2026-03-01", "progress", f"""WARD {fd(s,'2026-03-01')}: started cyclosporine (Neoral) 3 mg/kg/day; continues prednisone (since 2025).""")
note(q, "2026-06-10", "pathology", f"""RENAL BIOPSY {fd(s,'2026-06-10')}: LN class III (A) + V.""")
note(q, "2026-07-01", "infusion", f"""INFUSION RECORD {fd(s,'2026-07-01')}: IV cyclophosphamide 750 mg/m2, single dose.""")
note(q, "2026-11-16", "anaesthesia", f"""ANESTHESIA PRE-OP {fd(s,'2026-11-16')} 4:00 PM (emergency laparoscopy)
12 y/o F, SLE (ANA 1:320), LN. ASA 3E. Airway: Mallampati II. NPO (nil per orem) since 10:00 AM; IV fluids running; morning prednisone and cyclosporine given before NPO.
Labs 2:15 PM:
{labs(q,'2026-11-16','1415', over={'upcr':1.7,'wbc':11.8,'anc':9.1}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-16',145)}. SLEDAI-2K 12. CD19 B cells 16%.
imp: suspected right ovarian torsion (US: enlarged ovary, absent flow) for laparoscopic detorsion. Afebrile, no infection, no antibiotics.""")

# ---- Q032 UK, Karnofsky 40, only 24-h protein, no SLEDAI
s = "UK"; q = pt("Q032", s, "karnofsky40_24h_protein", dob="2009-02-14", sex="M",
                 seed={"ecog": "not_met", "sledai": "unknown"}, ho={"upcr": "unknown"},
                 hard="Karnofsky 40 (ECOG >= 3) -> ecog not_met; proteinuria only as 24-h urine 1.8 g/day (seed refractory met, HO UPCR unknown); no SLEDAI")
note(q, "2026-08-28", "pathology", f"""Renal biopsy {fd(s,'2026-08-28')}: diffuse proliferative lupus nephritis (class IV).""")
note(q, "2026-11-01", "picu", f"""PICU DAILY {fd(s,'2026-11-01')} 08:00
17 yo M, SLE (2021, ANA 1:640), LN, admitted after pulmonary haemorrhage, extubated yesterday.
CVS: stable off all support. Resp: HFNC 10 L. Renal: 24-h urine protein 1.8 g/day. ID: no infection, cultures negative, no antibiotics. Heme: below.
DHx: prednisolone since 2021, MMF since 2022, tacrolimus since 2024.
Bloods 06:00:
{labs(q,'2026-11-01','0600', keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr'])}
Ht {height(q,'2026-11-01',175)}. Karnofsky 40. CD19+ 9%.
Refractory LN.""")
note(q, "2026-11-03", "discharge", f"""DISCHARGE FROM PICU {fd(s,'2026-11-03')} 15:30: to renal ward. Karnofsky 40 (bed-bound, needs assistance). uPCR sent, to follow.""")

# ---- Q033 US, eGFR from creatinine + height: 32
s = "US"; q = pt("Q033", s, "schwartz_computed_32", dob="2013-01-08", sex="F",
                 ho={"egfr": "not_met"},
                 hard="no stated eGFR: Schwartz 0.413 x 140 / 1.80 = 32 -> seed met (>= 30), HO not_met (< 45); height from 12/15/2025 is within 365 days")
note(q, "2025-12-15", "clinic", f"""GROWTH {fd(s,'2025-12-15')}: height {height(q,'2025-12-15',140)}.""")
note(q, "2026-08-10", "pathology", f"""KIDNEY BIOPSY {fd(s,'2026-08-10')}: LN class IV-S (A) + V.""")
note(q, "2026-11-11", "oncall", f"""OVERNIGHT ON-CALL NOTE {fd(s,'2026-11-11')} 0340
13 yo F, SLE (ANA 1:1280), LN, called for oliguria. BP 128/82. No pressors.
DHx: prednisone since 2023, tacrolimus since 2024.
Labs 0300:
{labs(q,'2026-11-11','0300', over={'cr':1.80*88.4,'upcr':2.2}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
plan: fluid challenge 10 mL/kg, recheck 0900. SLEDAI-2K 14. ECOG 2. CD19+ 8%. Refractory LN.""")

# ---- Q034 CL, creatinine but no height within 365 days
s = "CL"; q = pt("Q034", s, "no_recent_height", stated=(11, "2026-10-19"),
                 seed={"egfr": "unknown"}, ho={"egfr": "unknown"},
                 hard="creatinine in lookback but last height 15-06-2025 (> 365 days) and no stated eGFR -> egfr unknown in both trials")
note(q, "2025-06-15", "clinic", f"""Anthropometry {fd(s,'2025-06-15')}: height {height(q,'2025-06-15',136)}, weight 31 kg.""")
note(q, "2026-07-20", "pathology", f"""Kidney biopsy {fd(s,'2026-07-20')}: LN class IV-G (A).""")
note(q, "2026-10-19", "ed", f"""PAEDIATRIC EMERGENCY {fd(s,'2026-10-19')} {ft(s,'1945')}
Triage C2. 11-year-old girl, SLE (2024, ANA 1:640), LN, syncope at school, ECG normal.
{ft(s,'1950')} BP 118/76. {ft(s,'2100')} BP 112/70.
DHx: prednisone since 2024, mycophenolate since 2025/02.
Labs {ft(s,'2000')}:
{labs(q,'2026-10-19','2000', over={'upcr':1.9}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
imp: vasovagal syncope. SLEDAI-2K 10. ECOG 1. CD19+ 20%. Refractory LN.""")

# ---- Q035 SA, Hb 06h00 78 g/L, 22h00 55 g/L (later decides)
s = "SA"; q = pt("Q035", s, "hb_late_set_low", dob="2012-03-22", sex="F",
                 seed={"hb": "not_met"},
                 hard="Hb 7.8 g/dL at 06h00 and 5.5 g/dL at 22h00 the same day; the 22h00 value decides (< 60 g/L -> not_met); transfusion ordered after, no later Hb")
note(q, "2026-06-30", "pathology", f"""Renal biopsy {fd(s,'2026-06-30')}: LN ISN/RPS class III (A).""")
note(q, "2026-11-17", "lab", f"""NHLS RESULTS {fd(s,'2026-11-17')} 06h00
{labs(q,'2026-11-17','0600', over={'hb':78,'upcr':1.6}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}""")
note(q, "2026-11-17", "oncall", f"""ON-CALL NOTE {fd(s,'2026-11-17')} 22h30
14 y F, SLE (ANA 1:320)/LN with AIHA. Pale, HR 128. Repeat FBC 22h00:
{labs(q,'2026-11-17','2200', over={'hb':55,'wbc':5.0,'anc':3.0,'lym':1.2}, keys=['wbc','anc','lym','hb','plt'])}
plan: 15 mL/kg packed cells ordered, group and cross-match sent. Post-transfusion Hb to follow.
DHx: prednisone since 2023, MMF since 2024. Height {height(q,'2026-11-17',151)}. SLEDAI-2K 16. ECOG 2. CD19+ 12%. Refractory LN.""")

# ---- Q036 PH, lymphopenia and leukopenia; only one listed agent
s = "PH"; q = pt("Q036", s, "cytopenia_single_agent", dob="2010-12-01", sex="M",
                 seed={"lymph": "not_met", "wbc": "not_met", "refractory": "unknown"},
                 hard="WBC 2.6, lymphocytes 0.60 x 10^9/L -> not_met; only prednisone among listed agents (HCQ and azathioprine do not count) -> refractory unknown")
note(q, "2026-09-09", "pathology", f"""RENAL BIOPSY {fd(s,'2026-09-09')}: focal proliferative lupus nephritis (class III).""")
note(q, "2026-11-13", "ed", f"""ER NOTE {fd(s,'2026-11-13')}
Triage: emergent. 15 y/o M, SLE since 2023 (ANA 1:640), LN, fever 38.2.
DHx: prednisone since 2023, hydroxychloroquine, azathioprine since 2024.
SHx: grandmother with lupus nephritis on dialysis.
Labs 6:00 PM:
{labs(q,'2026-11-13','1800', over={'wbc':2.6,'anc':1.7,'lym':0.6,'upcr':2.0}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-13',165)}. SLEDAI-2K 13. Karnofsky 70. CD19+ 7%.
imp: viral fever, no bacterial focus; oral fluids, no antibiotics.""")

# ---- Q037 UK transfer, uncertain SLE, biopsy pending, treatment-naive
s = "UK"; q = pt("Q037", s, "uncertain_sle_pending_biopsy", dob="2014-08-08", sex="F",
                 seed={"sle": "unknown", "biopsy": "unknown", "sledai": "unknown", "refractory": "not_met",
                       "cd19": "unknown", "ana": "unknown"},
                 ho={"sle": "unknown", "biopsy": "unknown"},
                 hard="'?SLE', 'possible lupus nephritis', ANA sent, biopsy taken but histology to follow: sle/biopsy/ana unknown; documented treatment-naive -> refractory not_met")
note(q, "2026-11-14", "retrieval", f"""TRANSPORT / RETRIEVAL {fd(s,'2026-11-14')}
Referral 21:05: 12 yo F, haematuria, oedema, BP 150/100. ?SLE. Possible lupus nephritis, r/o post-infectious GN.
21:50 dispatched. 23:10 at bedside, BP 146/98, HR 104. 00:30 arrived PICU.
DHx: nil regular, treatment-naive (no steroids or immunosuppressants ever).""")
note(q, "2026-11-16", "picu", f"""PICU DAY 2 {fd(s,'2026-11-16')}
Renal biopsy performed 14:00 today; histology to follow. ANA, dsDNA, complement sent.
Bloods 06:00:
{labs(q,'2026-11-16','0600', over={'upcr':2.7}, keys=['wbc','anc','lym','hb','plt','alt','ast','tbil','inr','pt','cr','upcr'])}
Ht {height(q,'2026-11-16',149)}. Lansky 80.
CVS stable, no inotropes. ID: no infection.""")

# ---------------------------------------------------------------- derive + check
def status_of(crit, keys):
    incl = [k for k in keys if not k.startswith("x_")]
    excl = [k for k in keys if k.startswith("x_")]
    if any(crit[k] == "not_met" for k in incl) or any(crit[k] == "met" for k in excl):
        return "ineligible"
    if all(crit[k] in ("met", "manual") for k in incl) and all(crit[k] in ("not_met", "manual") for k in excl):
        return "eligible"
    return "possible"

def relevance(st, crit):
    if st == "eligible": return 3
    if st == "ineligible": return 0
    # disease criteria 2, 3 and 5 of the seed; a trial without a refractory criterion uses sle + biopsy
    dis = [k for k in ("sle", "biopsy", "refractory") if k in crit]
    return 2 if all(crit[k] == "met" for k in dis) else 1

def age_label(p, lo, hi):
    if p["dob"] or p["dob_in_text"]:
        b = D(p["dob"] or p["dob_in_text"])
        a = ASOF.year - b.year - ((ASOF.month, ASOF.day) < (b.month, b.day))
        return "met" if lo <= a <= hi else "not_met"
    age, nd = p["stated"]; nd = D(nd)
    el = ASOF.year - nd.year - ((ASOF.month, ASOF.day) < (nd.month, nd.day))
    a0, a1 = age + el, age + el + 1
    if lo <= a0 and a1 <= hi: return "met"
    if a1 < lo or a0 > hi: return "not_met"
    return "unknown"

def latest(p, key):
    best = None
    for v in p["visits"]:
        if key in v["vals"] and LB <= D(v["date"]) <= ASOF:
            kk = (v["date"], v["time"])
            if best is None or kk > best[0]: best = (kk, v)
    return best[1] if best else None

def second_look(pid, p):
    errs = []
    exp_s, exp_h = {}, {}
    thr = dict(lym=("lymph", 1.0), wbc=("wbc", 3.0), anc=("anc", 1.0), hb=("hb", 60))
    for k, (lab, t) in thr.items():
        v = latest(p, k)
        if v is None: exp_s[lab] = "unknown"; continue
        ok = v["vals"][k] >= t
        if k == "anc" and ok:
            for g in p["gcsf"]:
                if 0 <= (D(v["date"]) - D(g)).days <= 14: ok = False
        exp_s[lab] = "met" if ok else "not_met"
    for k in ("alt", "ast"):
        v = latest(p, k)
        if v is None: exp_s[k] = "unknown"
        elif v["vals"][k] <= 3 * v["uln"][k]: exp_s[k] = "met"
        else: exp_s[k] = "manual" if p["myositis"] else "not_met"
    v = latest(p, "alt")
    exp_h["x_alt"] = "unknown" if v is None else ("met" if v["vals"]["alt"] > 2.5 * v["uln"]["alt"] else "not_met")
    v = latest(p, "tbil")
    if v is None: exp_s["tbil"] = "unknown"
    else: exp_s["tbil"] = "met" if v["vals"]["tbil"] <= (3.0 if p["gilbert"] else 1.5) * v["uln"]["tbil"] else "not_met"
    for k in ("inr", "pt"):
        v = latest(p, k)
        exp_s[k] = "unknown" if v is None else ("met" if v["vals"][k] <= 1.5 * v["uln"][k] else "not_met")
    # eGFR: stated, else Schwartz from latest creatinine + height within 365 days
    v = latest(p, "egfr"); e = None
    if v is not None: e = v["vals"]["egfr"]
    else:
        c = latest(p, "cr")
        hs = [h for h in p["heights"] if 0 <= (ASOF - D(h[0])).days <= 365]
        if c is not None and hs:
            e = 0.413 * max(hs)[1] / round(c["vals"]["cr"] / 88.4, 2)
    exp_s["egfr"] = "unknown" if e is None else ("met" if e >= 30 else "manual")
    exp_h["egfr"] = "unknown" if e is None else ("met" if e >= 45 else "not_met")
    v = latest(p, "upcr")
    exp_h["upcr"] = "unknown" if v is None else ("met" if v["vals"]["upcr"] * 113 >= 100 else "not_met")
    for k, e2 in exp_s.items():
        if p["seed"][k] != e2: errs.append(f"{pid} seed {k}: label {p['seed'][k]} vs second look {e2}")
    for k, e2 in exp_h.items():
        if p["ho"][k] != e2: errs.append(f"{pid} HO {k}: label {p['ho'][k]} vs second look {e2}")
    return errs

def build():
    errs, notes, gold = [], [], []
    ids = set()
    if len(ORDER) < 30: errs.append("fewer than 30 patients")
    for i, pid in enumerate(ORDER, 1):
        if pid != f"Q{i:03d}": errs.append(f"bad patient id order {pid}")
        p = P[pid]
        if set(p["seed"]) != set(SEED_KEYS) or set(p["ho"]) != set(HO_KEYS): errs.append(f"{pid} bad keys")
        for c in (p["seed"], p["ho"]):
            for k, v in c.items():
                if v not in STATUSES: errs.append(f"{pid} {k} bad status {v}")
        if p["seed"]["consent"] != "manual" or p["ho"]["compliance"] != "manual": errs.append(f"{pid} manual keys")
        if p["seed"]["age"] != age_label(p, 6, 18): errs.append(f"{pid} seed age label {p['seed']['age']} vs {age_label(p,6,18)}")
        if p["ho"]["age"] != age_label(p, 8, 25): errs.append(f"{pid} HO age label {p['ho']['age']} vs {age_label(p,8,25)}")
        if p["dob_in_text"] and not any(fd(p["site"], p["dob_in_text"]) in t for _, _, t in p["notes"]):
            errs.append(f"{pid} DOB not in text")
        if p["stated"] and not any(str(p["stated"][0]) in t and d == p["stated"][1] for d, _, t in p["notes"]):
            errs.append(f"{pid} stated age not in a note of that date")
        errs += second_look(pid, p)
        for j, (d, ty, t) in enumerate(sorted(p["notes"], key=lambda x: x[0]), 1):
            nid = f"{pid}-{j:02d}"
            if nid in ids: errs.append(f"dup note id {nid}")
            ids.add(nid)
            if not D(d) < ASOF: errs.append(f"{nid} dated {d} not before as-of")
            row = {"patient_id": pid, "note_id": nid, "note_date": d, "note_type": ty, "text": t}
            if p["dob"]: row["birth_date"] = p["dob"]
            if p["sex"] and p["dob"]: row["sex"] = p["sex"]
            notes.append(row)
        for trial, crit, keys in ((SEED, p["seed"], SEED_KEYS), (HO, p["ho"], HO_KEYS)):
            st = status_of(crit, keys)
            gold.append({"trial": trial, "patient_id": pid, "status": st, "relevance": relevance(st, crit),
                         "criteria": {k: crit[k] for k in keys}, "archetype": p["arch"]})
    if len(notes) < 100: errs.append(f"only {len(notes)} notes")
    return errs, notes, gold

if __name__ == "__main__":
    errs, notes, gold = build()
    if errs:
        print("REFUSING TO WRITE:\n" + "\n".join(errs)); sys.exit(1)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "notes.jsonl"), "w") as f:
        for n in notes: f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(os.path.join(here, "gold.jsonl"), "w") as f:
        for g in gold: f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    print(len(ORDER), "patients,", len(notes), "notes")
    for t in (SEED, HO):
        print(t, Counter(g["status"] for g in gold if g["trial"] == t))
