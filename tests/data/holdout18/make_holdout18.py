#!/usr/bin/env python3
"""Hold-out 18 generator (stdlib only). Nursing / pharmacy / allied-health notes,
paediatric services in Canada (CA), Ireland (IE), India (IN), Kenya (KE).
Labels are hand-written per patient (defaults + overrides); only status and relevance
are derived. Self-checks run before anything is written."""
import json, sys, datetime as dt, os

ASOF = dt.date(2026, 11, 20)
LOOKBACK = ASOF - dt.timedelta(days=90)
OUT = os.path.dirname(os.path.abspath(__file__))
MON = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

def D(s): return dt.date.fromisoformat(s)

def fmt(site, iso):
    d = D(iso)
    if site == "CA": return iso
    if site == "IE": return d.strftime("%d/%m/%Y")
    if site == "IN": return f"{d.day:02d} {MON[d.month-1]} {d.year}"
    if site == "KE": return f"{MON[d.month-1]} {d.day}, {d.year}"

DEF_ULN = {"alt": 40, "ast": 40, "tbil": 21, "inr": 1.2, "pt": 13.5}

# ---------------- lab rendering (values canonical: 10^9/L, g/L, U/L, umol/L, g/g) ----
def _items(site, v):
    out = []
    def ref(k, unit_conv=lambda x: x, fmtv="{:g}"):
        r = v.get(k + "_r")
        if not r: return ""
        lo, hi = r
        if site == "IE": return f" [N <{fmtv.format(unit_conv(hi))}]"
        if lo is None: return f" (ref <={fmtv.format(unit_conv(hi))})"
        return f" ({fmtv.format(unit_conv(lo))}-{fmtv.format(unit_conv(hi))})"
    if site in ("CA", "IE", "KE"):
        cu = {"CA": "x10^9/L", "IE": "x10^9/L", "KE": "10^3/uL"}[site]
        nm = {"CA": ("WBC", "ANC", "Lymphocytes"), "IE": ("WCC", "Neutrophils", "Lymphocytes"),
              "KE": ("WBC", "NEUT#", "LYM#")}[site]
        for k, n in zip(("wbc", "anc", "lymph"), nm):
            if k in v: out.append((n, f"{v[k]:.1f}", cu, ""))
        if "hb" in v:
            if site == "CA": out.append(("Hb", f"{v['hb']:.0f}", "g/L", ""))
            else: out.append(("Hb" if site == "IE" else "HGB", f"{v['hb']/10:.1f}", "g/dL", ""))
    else:  # IN
        for k, n in (("wbc", "TLC"), ("anc", "ANC"), ("lymph", "ALC")):
            if k in v: out.append((n, f"{v[k]*1000:.0f}", "/cumm", ""))
        if "hb" in v: out.append(("Hb", f"{v['hb']/10:.1f}", "g/dL", ""))
    an = {"IN": ("SGPT", "SGOT"), "KE": ("ALT", "AST")}.get(site, ("ALT", "AST"))
    for k, n in zip(("alt", "ast"), an):
        if k in v: out.append((n, f"{v[k]:.0f}", "U/L" if site != "IE" else "IU/L", ref(k)))
    if "tbil" in v:
        if site == "IN":
            out.append(("S. Bilirubin (T)", f"{v['tbil']/17.1:.2f}", "mg/dL", ref("tbil", lambda x: x/17.1, "{:.1f}")))
        else:
            out.append(({"CA": "Bilirubin total", "IE": "Bili", "KE": "TBIL"}[site], f"{v['tbil']:.0f}", "umol/L", ref("tbil")))
    if "cr" in v:
        if site == "IN": out.append(("S. Creatinine", f"{v['cr']/88.4:.2f}", "mg/dL", ""))
        else: out.append(({"CA": "Creatinine", "IE": "Creat", "KE": "CREA"}[site], f"{v['cr']:.0f}", "umol/L", ""))
    if "egfr" in v: out.append(("eGFR (bedside Schwartz)", f"{v['egfr']:.0f}", "mL/min/1.73m2", ""))
    if "inr" in v: out.append(("INR", f"{v['inr']:.2f}", "", ref("inr")))
    if "pt" in v: out.append(("PT", f"{v['pt']:.1f}", "sec" if site == "IN" else "s", ref("pt")))
    if "upcr" in v:
        if site in ("CA", "IE"): out.append(("UPCR" if site == "CA" else "uPCR", f"{v['upcr']*113:.0f}", "mg/mmol", ""))
        elif site == "IN": out.append(("Urine protein/creatinine ratio", f"{v['upcr']:.2f}", "mg/mg", ""))
        else: out.append(("UPCR", f"{v['upcr']:.2f}", "g/g", ""))
    if "p24" in v: out.append(("24-h urine protein", f"{v['p24']:.2f}", "g/24h", ""))
    return out

def render(site, v, layout):
    it = _items(site, v)
    head = {"CA": "Specimen collected", "IE": "Bloods taken", "IN": "Sample date", "KE": "Collected"}[site]
    h = f"{head}: {fmt(site, v['d'])}"
    if layout == "rows":
        return h + "\n" + "\n".join(f"  {n:<22} {val} {u}{r}".rstrip() for n, val, u, r in it)
    if layout == "pipe":
        return h + "\nTest | Result | Units | Ref\n" + "\n".join(f"{n} | {val} | {u} | {r.strip(' ()[]')}" for n, val, u, r in it)
    return h + " -- " + "; ".join(f"{n} {val} {u}{r}".replace("  ", " ").strip() for n, val, u, r in it) + "."

# ---------------- patients ----------------
P = []
def patient(pid, site, arche, notes, visits=(), birth=None, sex=None, height=None, stated=None,
            flags=None, nct=None, ho=None):
    P.append(dict(pid=pid, site=site, arche=arche, notes=notes, visits=list(visits), birth=birth, sex=sex,
                  height=height, stated=stated, flags=flags or {}, nct=nct or {}, ho=ho or {}))

def V(d, **kw):
    kw["d"] = d; return kw

GOOD = dict(wbc=6.2, anc=3.4, lymph=1.5, hb=112, alt=24, ast=29, tbil=7, inr=1.02, pt=12.4)
def GV(d, **kw):
    x = dict(GOOD); x.update(kw); return V(d, **x)

NCT_KEYS = "age sle biopsy sledai refractory cd19 venous consent lymph wbc anc hb alt ast tbil egfr inr pt hemo ana ecog".split()
HO_KEYS = "age sle biopsy upcr egfr alt comply consent x_cd20 x_cyc x_infection x_preg".split()
NCT_DEF = {k: "met" for k in NCT_KEYS}; NCT_DEF.update(venous="manual", consent="manual", hemo="manual")
HO_DEF = {k: "met" for k in HO_KEYS}; HO_DEF.update(comply="manual", consent="manual",
        x_cd20="not_met", x_cyc="not_met", x_infection="not_met", x_preg="not_met")

# ===== R001 CA: clean eligible =====
s = "CA"; f = lambda x: fmt(s, x)
v1 = GV("2026-10-20", cr=52, upcr=1.59, alt_r=(0, 40), ast_r=(0, 40), inr_r=(0.8, 1.2), pt_r=(10.5, 13.5))
patient("R001", s, "eligible", birth="2012-04-10", sex="F", height=("2026-10-20", 151), visits=[v1], notes=[
 ("2026-10-20", "nursing_admission", f"""NURSING ADMISSION ASSESSMENT - Paediatric Nephrology Day Unit, Lakeshore Children's Hospital (ON)
Pt: 14 y F. Admitted for pre-treatment work-up. Hx per chart: childhood-onset SLE dx 2025, lupus nephritis.
Renal biopsy {f('2026-07-02')}: ISN/RPS class IV-G (A), AI 9/24, CI 1/12 (path report on chart).
Rheum assessment today: SLEDAI-2K 14.
Vitals: T 36.8, HR 92, BP 118/74, RR 18, SpO2 99% RA. Ht 151 cm, Wt 41.2 kg.
Urine dipstick: protein 3+, blood 2+.
IV access: 22G L forearm first attempt, good veins.
Infection screen: MRSA/VRE swabs sent - negative {f('2026-10-22')}.
Urine beta-hCG negative."""),
 ("2026-10-21", "pharmacy_review", f"""CLINICAL PHARMACIST MEDICATION REVIEW
Current: prednisone 15 mg PO daily (started {f('2025-09-10')}), mycophenolate mofetil 1000 mg PO BID (since {f('2025-10-01')}), hydroxychloroquine 200 mg daily, ramipril 2.5 mg daily.
No rituximab, no cyclophosphamide to date. MPA AUC(0-12) {f('2026-10-14')}: 42 mg*h/L (target 30-60) - no change.
Renal dosing: eGFR adequate, no adjustments needed.
Labs reviewed:
{render(s, v1, 'rows')}
Flow (lymphocyte subsets) {f('2026-10-20')}: CD19+ B cells 12% (210 cells/uL).
ANA 1:640 homogeneous (diagnosis, 2025)."""),
 ("2026-10-23", "physiotherapy", f"""PHYSIOTHERAPY NOTE
Mobilising independently, attends school full days, plays soccer at recess. Lansky play-performance score 80.
Persistent proteinuria per nephrology; non-response to MMF + steroid induction noted in team letter."""),
])

# ===== R002 CA: rituximab dispensed but returned unused =====
v2 = GV("2026-10-01", cr=61, upcr=1.2, egfr=88, alt=31, alt_r=(0, 40))
patient("R002", s, "rtx_returned_unused", birth="2011-08-02", sex="M", visits=[v2], notes=[
 ("2026-09-15", "infusion_worksheet", f"""INFUSION PHARMACY WORKSHEET - RITUXIMAB (Truxima)
Weight 48.0 kg, BSA 1.45 m2. Dose calculated: 750 mg/m2 -> 1087.5 mg, rounded 1000 mg.
Dose dispensed: 1000 mg in 500 mL NS, prepared 09:40.
Nursing: pre-infusion T 38.9 C, HR 128 - infusion NOT started per rheum.
Dose returned unused to pharmacy 11:15, wasted per policy. Rituximab NOT administered. To rebook when afebrile."""),
 ("2026-10-01", "nursing_shift", f"""SHIFT NOTE (days) - 15 y M, lupus nephritis (class III+V on biopsy {f('2026-06-18')}).
Afebrile x 2 weeks. SLE per rheumatology. Rituximab not yet given; rheum now planning to reconsider at next clinic.
Labs drawn today:
{render(s, v2, 'inline')}
Lymphocyte subsets {f('2026-10-01')}: CD19 8.0% of lymphocytes.
Meds: prednisone since {f('2025-04-02')}; tacrolimus since {f('2025-08-11')} (trough 6.8 ng/mL today).
ANA titre 1:320 on file. ECOG 1 per clinic sheet."""),
 ("2026-10-03", "social_work", """SOCIAL WORK NOTE
Met with both parents (joint legal guardians). Discussed upcoming clinic and transport. Family aware of possible trial referrals; no consent forms discussed today."""),
])

# ===== R003 CA: tacrolimus trough not a start date; start given as duration =====
v3 = GV("2026-10-05", cr=58, upcr=0.95, inr_r=(0.9, 1.1), pt_r=(11.0, 13.0))
patient("R003", s, "tac_level_duration", birth="2013-01-19", sex="F", height=("2026-09-01", 148), visits=[v3], notes=[
 ("2026-10-05", "pharmacy_review", f"""PHARMACIST TDM NOTE - TACROLIMUS
Tacrolimus (Prograf) trough {f('2026-10-05')}: 7.1 ng/mL (target 5-8). Pt has been on Prograf for 8 months; dose unchanged 2 mg BID.
Also on prednisolone 10 mg daily and HCQ. Interaction check: no azoles, no macrolides. Fluconazole avoided.
{render(s, v3, 'pipe')}
Dx: SLE with class IV lupus nephritis (biopsy {f('2026-08-28')})."""),
 ("2026-10-06", "dietitian", f"""DIETITIAN ASSESSMENT
Wt 39.8 kg, Ht 148 cm (measured {f('2026-09-01')}), BMI 18.2. Low-salt 2 g Na diet, protein 1 g/kg.
Oedema at ankles; family reports frothy urine - persistent nephrotic-range proteinuria per nephro."""),
 ("2026-10-07", "nursing_shift", f"""NURSING NOTE. Rheum review on ward: SLEDAI-2K 10. Flow cytometry {f('2026-10-05')}: CD19+ B cells 9% (160/uL).
ANA 1:1280 speckled (old result). Lansky 70 - quiet play on ward, walking to playroom."""),
])

# ===== R004 IE: only labs are a July transcription in an October note (stale) =====
s = "IE"; f = lambda x: fmt(s, x)
v4 = GV("2026-07-15", cr=64, upcr=1.4, egfr=81)
patient("R004", s, "transcribed_stale_labs", birth="2010-06-30", sex="F", visits=[v4], notes=[
 ("2026-10-28", "home_care", f"""HOME-CARE NURSE VISIT - Community Children's Nursing, Dublin South
16 y F with SLE / lupus nephritis class IV (biopsy {f('2026-06-01')} at St Brigid's). Visit for BP check and med reconciliation.
BP 124/80, HR 84. Urinalysis (dipstick) protein 2+.
Bloods transcribed from GP letter (bloods dated {f('2026-07-15')}, no newer results in the house):
{render(s, v4, 'rows')}
Meds: prednisolone since {f('2025-08-20')}, MMF (CellCept) since {f('2025-09-05')}.
Mum to bring her to day ward for repeat bloods next week."""),
 ("2026-10-30", "school_nurse", f"""SCHOOL NURSE LETTER
Re: attendance. Pupil attending mornings only; fatigued. Rheumatology letter states disease 'active'. No SLEDAI score provided to school."""),
 ("2026-03-02", "psychology", f"""PSYCHOLOGY NOTE - adjustment to diagnosis of lupus; low mood; coping plan agreed. ANA 1:160 documented by team."""),
])

# ===== R005 IE: 'per rheumatology letter of 12/03' -> biopsy undated/old =====
v5 = GV("2026-09-30", cr=55, upcr=1.1, egfr=95)
patient("R005", s, "letter_dated_biopsy", birth="2012-11-03", sex="M", visits=[v5], notes=[
 ("2026-10-02", "nursing_admission", f"""NURSING ADMISSION - Children's Renal Ward
13 y M. Per rheumatology letter of 12/03: class IV LN, SLE. No repeat biopsy since.
Obs: T 36.9, HR 88, BP 112/70. Dipstick protein 3+.
{render(s, v5, 'inline')}
Flow {f('2026-09-30')}: CD19+ 14%. ANA 1:320.
Nurse-recorded SLEDAI-2K 12 (rheum SpR, today).
Meds: prednisolone since {f('2025-11-10')}, mycophenolate since {f('2025-12-01')}. Team: no renal response to date."""),
 ("2026-10-03", "physiotherapy", """PHYSIO: independent on stairs, ECOG 0 equivalent reported by physio as 'fully active'; ECOG 0 recorded."""),
 ("2026-10-04", "social_work", """SOCIAL WORK: both parents present; guardianship uncomplicated."""),
])

# ===== R006 IN: dipstick only in lookback; UPCR stale =====
s = "IN"; f = lambda x: fmt(s, x)
v6a = V("2026-04-10", upcr=2.1)
v6 = GV("2026-10-18", cr=0.55*88.4, wbc=5.4, anc=3.0, lymph=1.2, hb=101, alt_r=(5, 40), ast_r=(5, 40))
patient("R006", s, "dipstick_not_upcr", birth="2011-03-25", sex="F", height=("2026-10-18", 146), visits=[v6a, v6], notes=[
 ("2026-04-10", "lab_transcription", f"""NEPHRO OPD NURSING - urine sent. {render(s, v6a, 'inline')}"""),
 ("2026-10-18", "nursing_shift", f"""STAFF NURSE NOTES - Paediatric Nephrology Ward, Pune
15 y F, SLE with lupus nephritis class III (A) (biopsy {f('2026-07-22')}).
Ht 146 cm, Wt 38 kg. Urine dipstick: protein 3+ (>=300 mg/dL), blood 1+. 24-h collection NOT done (incomplete).
{render(s, v6, 'rows')}
Flow cytometry {f('2026-10-18')}: CD19 B cells 6%.
SLEDAI-2K 11 per consultant round."""),
 ("2026-10-19", "pharmacy_review", f"""CLINICAL PHARMACIST REVIEW: prednisolone since {f('2025-10-01')}; tacrolimus since {f('2025-11-15')}, trough 5.9 ng/mL {f('2026-10-18')}.
No dose change. ANA 1:640 at diagnosis. Lansky 70."""),
])

# ===== R007 IN: filgrastim 8 days before ANC =====
v7 = GV("2026-11-10", cr=0.6*88.4, wbc=3.4, anc=1.6, lymph=1.1, hb=96, upcr=1.8, egfr=92)
patient("R007", s, "anc_gcsf", birth="2009-09-12", sex="M", visits=[v7], flags={"gcsf": ["2026-11-02"]}, notes=[
 ("2026-11-02", "pharmacy_dispensing", f"""PHARMACY DISPENSING RECORD
Filgrastim 300 mcg SC x1 administered {f('2026-11-02')} on ward (ANC 0.6 after CYC). Nurse signature on MAR."""),
 ("2026-11-10", "nursing_shift", f"""NURSING NOTE: 17 y M, lupus nephritis class IV+V (biopsy {f('2026-06-30')}), SLE.
{render(s, v7, 'inline')}
CD19 B cells 4% ({f('2026-11-10')}). SLEDAI-2K 9.
Meds: IV cyclophosphamide (Euro-Lupus) last dose {f('2026-10-20')}; prednisolone since {f('2025-06-15')}; MMF {f('2025-07-01')} to {f('2026-03-30')} (non-response).
ANA 1:320. Karnofsky 80."""),
])

# ===== R008 KE: filgrastim dispensed but returned unused =====
s = "KE"; f = lambda x: fmt(s, x)
v8 = GV("2026-11-12", cr=48, wbc=3.3, anc=1.3, lymph=1.2, upcr=1.5, egfr=101, alt_r=(0, 45))
patient("R008", s, "gcsf_returned", birth="2013-05-05", sex="F", visits=[v8], notes=[
 ("2026-11-05", "pharmacy_dispensing", f"""PHARMACY - Paediatric Renal Unit, Nairobi
Filgrastim 150 mcg dispensed to ward {f('2026-11-05')}. Dose NOT given (ANC 1.2 on repeat, consultant cancelled). Returned to pharmacy unused {f('2026-11-06')}; stock credited."""),
 ("2026-11-12", "nursing_shift", f"""NURSING KARDEX - 13 y F, SLE with LN class IV (renal biopsy {f('2026-08-14')}).
{render(s, v8, 'pipe')}
Lymphocyte subsets {f('2026-11-12')}: CD19+ 11%.
SLEDAI-2K 16 (ward round). ANA 1:2560.
Prednisone since {f('2025-07-01')}; cyclophosphamide (NIH) 6 doses {f('2025-08-01')} to {f('2026-01-05')}; persistent proteinuria.
Play: active on ward, Lansky 90."""),
])

# ===== R009 CA: ALT above 3x printed ULN (ref 0-35) =====
s = "CA"; f = lambda x: fmt(s, x)
v9 = GV("2026-10-28", cr=70, upcr=0.8, egfr=74, alt=110, alt_r=(0, 35), ast=52, ast_r=(0, 35))
patient("R009", s, "alt_printed_uln", birth="2010-02-14", sex="F", visits=[v9], notes=[
 ("2026-10-28", "pharmacy_review", f"""CLINICAL PHARMACIST REVIEW - hepatotoxicity check
{render(s, v9, 'rows')}
ALT raised; HCQ and MMF continued, statin none. No myositis (CK normal).
On MMF since {f('2025-06-01')} and prednisone since {f('2025-05-20')}.
SLE + LN class III (biopsy {f('2026-07-30')}). ANA 1:160."""),
 ("2026-10-29", "nursing_shift", f"""NURSING: SLEDAI-2K 8 per rheum today. Flow {f('2026-10-28')} CD19+ 7%. Lansky 90, running in corridor."""),
])

# ===== R010 IE: ALT 130 with printed ref 7-55 =====
s = "IE"; f = lambda x: fmt(s, x)
v10 = GV("2026-11-03", cr=60, upcr=1.3, egfr=90, alt=130, alt_r=(7, 55), ast=60, ast_r=(10, 50))
patient("R010", s, "alt_printed_uln_high", birth="2009-12-01", sex="M", visits=[v10], notes=[
 ("2026-11-03", "pharmacy_review", f"""PHARMACY MEDICINES RECONCILIATION - St Brigid's
{render(s, v10, 'inline')}
Lab's own reference range applied. Azathioprine never used. MMF since {f('2025-01-15')}, prednisolone since {f('2025-01-10')}.
Dx SLE / LN class IV-S (biopsy {f('2026-09-09')}). SLEDAI-2K 13 per rheumatology today. ANA 1:640.
Flow cytometry {f('2026-11-03')}: B cells (CD19+) 10%. Non-responder per renal team."""),
 ("2026-11-04", "physiotherapy", """PHYSIO: full ROM, mobilising independently. ECOG 1."""),
])

# ===== R011 CA: myositis overlap, ALT/AST high =====
s = "CA"; f = lambda x: fmt(s, x)
v11 = GV("2026-10-12", cr=50, upcr=2.4, egfr=110, alt=180, alt_r=(0, 40), ast=240, ast_r=(0, 40))
patient("R011", s, "myositis_transaminases", birth="2011-12-12", sex="F", visits=[v11], flags={"myositis": True}, notes=[
 ("2026-10-12", "nursing_admission", f"""NURSING ADMISSION: 14 y F, SLE with overlap inflammatory myositis (CK 4200), LN class IV (biopsy {f('2026-09-20')}).
Proximal weakness; walking with assistance on stairs only. Lansky 60.
{render(s, v11, 'rows')}
Transaminases attributed to myositis per rheumatology.
Flow {f('2026-10-12')}: CD19+ 15%. SLEDAI-2K 18. ANA 1:1280."""),
 ("2026-10-13", "pharmacy_review", f"""PHARMACIST: IV methylprednisolone pulses {f('2025-11-02')} then oral prednisone; tacrolimus since {f('2025-12-01')} (trough 7.4). Nephrotic-range proteinuria persists."""),
])

# ===== R012 KE: Gilbert syndrome bilirubin =====
s = "KE"; f = lambda x: fmt(s, x)
v12 = GV("2026-10-25", cr=57, upcr=1.1, egfr=90, tbil=45, tbil_r=(3, 17), alt_r=(0, 45))
patient("R012", s, "gilbert_bilirubin", birth="2010-10-10", sex="M", visits=[v12], flags={"gilbert": True}, notes=[
 ("2026-10-25", "nursing_shift", f"""NURSING NOTE - 16 y M, SLE, LN class III+V (biopsy {f('2026-06-25')}). Known Gilbert syndrome (UGT1A1 confirmed).
{render(s, v12, 'rows')}
Flow cytometry {f('2026-10-25')}: CD19+ 5%. SLEDAI-2K 10. ANA 1:320."""),
 ("2026-10-26", "pharmacy_review", f"""PHARMACIST: prednisone since {f('2025-03-01')}; MMF since {f('2025-03-15')}; no renal remission. ECOG 1 (school, sports limited)."""),
])

# ===== R013 IN: eGFR < 30 from Schwartz =====
s = "IN"; f = lambda x: fmt(s, x)
v13 = GV("2026-11-01", cr=2.6*88.4, upcr=3.2, hb=84)
patient("R013", s, "egfr_low_manual", birth="2012-07-07", sex="F", height=("2026-11-01", 150), visits=[v13], notes=[
 ("2026-11-01", "pharmacy_review", f"""CLINICAL PHARMACIST - RENAL DOSE ADJUSTMENT
Ht 150 cm. {render(s, v13, 'inline')}
Bedside Schwartz = 0.413 x 150 / 2.6 ~ 24 mL/min/1.73m2. Enoxaparin held pending labs; cotrimoxazole dose halved.
Impairment due to active LN per nephrology."""),
 ("2026-11-02", "nursing_shift", f"""NURSING: 14 y F, SLE, LN class IV-G (A/C) biopsy {f('2026-10-05')}. SLEDAI-2K 20.
Prednisolone since {f('2025-12-01')}, tacrolimus since {f('2026-01-10')}; rituximab never given. Flow CD19 13% {f('2026-11-01')}. ANA 1:2560. Lansky 60."""),
])

# ===== R014 CA: height stale -> eGFR unknown =====
s = "CA"; f = lambda x: fmt(s, x)
v14 = GV("2026-10-30", cr=62, upcr=0.8)
patient("R014", s, "height_stale", birth="2012-09-09", sex="M", height=("2025-06-10", 149), visits=[v14], notes=[
 ("2025-06-10", "dietitian", f"""DIETITIAN: Ht 149 cm, Wt 40 kg, BMI 18.0. Low-salt diet advice."""),
 ("2026-10-30", "pharmacy_review", f"""CLINICAL PHARMACIST REVIEW
{render(s, v14, 'rows')}
No height recorded this admission (dietitian referral pending). MMF since {f('2025-09-01')}, prednisone since {f('2025-08-15')}.
SLE; class IV LN on biopsy {f('2026-08-20')}. SLEDAI-2K 12 per rheum. Flow {f('2026-10-30')}: CD19+ 9%. ANA 1:640. Lansky 80. Persistent proteinuria."""),
])

# ===== R015 IE: positive pregnancy test =====
s = "IE"; f = lambda x: fmt(s, x)
v15 = GV("2026-11-08", cr=66, upcr=1.7, egfr=85)
patient("R015", s, "pregnant", birth="2009-05-03", sex="F", visits=[v15], notes=[
 ("2026-11-08", "nursing_admission", f"""NURSING ADMISSION - Adolescent Unit
17 y F. SLE, LN class IV (biopsy {f('2026-07-19')}). Urine beta-hCG POSITIVE {f('2026-11-08')}; serum hCG 4,200 IU/L confirms pregnancy ~6 weeks. Obstetrics informed.
{render(s, v15, 'rows')}
SLEDAI-2K 12. Flow {f('2026-11-08')}: CD19+ 8%. ANA 1:320."""),
 ("2026-11-09", "pharmacy_review", f"""PHARMACIST: MMF STOPPED (teratogenic) {f('2026-11-08')}, had been on since {f('2025-10-01')}; prednisolone since {f('2025-09-20')} continued; switched to azathioprine. ECOG 1."""),
 ("2026-11-10", "social_work", """SOCIAL WORK: supportive counselling re pregnancy; mother aware."""),
])

# ===== R016 KE: 19 y, breastfeeding =====
s = "KE"; f = lambda x: fmt(s, x)
v16 = GV("2026-10-14", cr=72, upcr=1.4, egfr=80, alt_r=(0, 45))
patient("R016", s, "age19_lactating", birth="2007-03-10", sex="F", visits=[v16], notes=[
 ("2026-10-14", "nursing_shift", f"""NURSING NOTE - young adult transition clinic. 19 y F, 4 months postpartum, exclusively breastfeeding.
SLE with LN class IV (biopsy {f('2026-06-02')}). SLEDAI-2K 11.
{render(s, v16, 'inline')}
CD19+ 10% ({f('2026-10-14')}). ANA 1:640. Prednisone since {f('2025-02-01')}, tacrolimus since {f('2025-02-20')}. Karnofsky 80."""),
])

# ===== R017 CA: age boundary (18, turns 19 next day) =====
s = "CA"; f = lambda x: fmt(s, x)
v17 = GV("2026-11-04", cr=75, upcr=1.0, egfr=79)
patient("R017", s, "age_boundary_18", notes=[
 ("2026-11-04", "nursing_admission", f"""NURSING ADMISSION - transition clinic. DOB 2007-11-21. Lupus nephritis class III (biopsy {f('2026-09-02')}).
{render(s, v17, 'rows')}
SLEDAI-2K 8. Flow {f('2026-11-04')}: CD19 B cells 3%. ANA 1:160.
Meds: prednisone since {f('2025-01-15')}, MMF since {f('2025-02-01')}; no remission per nephro. Karnofsky 90."""),
], birth=None, visits=[v17])

# ===== R018 IN: age 5 =====
s = "IN"; f = lambda x: fmt(s, x)
v18 = GV("2026-10-22", cr=0.35*88.4, upcr=2.2, egfr=120, hb=98)
patient("R018", s, "age_too_young", birth="2021-02-14", sex="F", visits=[v18], notes=[
 ("2026-10-22", "nursing_admission", f"""NURSING ADMISSION: 5 y F, lupus nephritis class IV (biopsy {f('2026-09-30')}), very early onset SLE.
{render(s, v18, 'rows')}
Flow {f('2026-10-22')} CD19 18%. ANA 1:1280. SLEDAI-2K 22. Lansky 70.
Prednisolone and MMF started {f('2026-10-01')} (induction)."""),
 ("2026-10-23", "pharmacy_review", f"""PHARMACIST: MMF 600 mg/m2 BID started {f('2026-10-01')}; prednisolone 2 mg/kg from {f('2026-10-01')}. No prior immunosuppression."""),
])

# ===== R019 IE: stated age 11 (school nurse) =====
s = "IE"; f = lambda x: fmt(s, x)
v19 = GV("2026-09-20", cr=44, upcr=0.9, egfr=105)
patient("R019", s, "stated_age_11", stated=(11, "2026-03-10"), notes=[
 ("2026-03-10", "school_nurse", """SCHOOL NURSE LETTER - 11-year-old pupil with lupus (SLE) and kidney involvement. Medication in school: prednisolone at lunch. Please contact mother for any fever."""),
 ("2026-09-20", "nursing_shift", f"""NURSING NOTE: LN class IV (biopsy {f('2026-08-01')}). SLEDAI-2K 10.
{render(s, v19, 'rows')}
Flow {f('2026-09-20')}: CD19+ 9%. ANA 1:320."""),
 ("2026-09-21", "pharmacy_review", f"""PHARMACIST: prednisolone since {f('2025-10-15')}; MMF since {f('2025-11-01')}. Persistent proteinuria, non-responder. Lansky 80."""),
], visits=[v19])

# ===== R020 KE: stated age 24 =====
s = "KE"; f = lambda x: fmt(s, x)
v20 = GV("2026-10-10", cr=80, upcr=1.3, egfr=70, alt_r=(0, 45))
patient("R020", s, "stated_age_24", stated=(24, "2026-02-01"), notes=[
 ("2026-02-01", "social_work", """SOCIAL WORK: aged 24, lives independently, consents for herself. Transitioned from paediatric renal unit."""),
 ("2026-10-10", "nursing_shift", f"""NURSING: SLE, LN class III+V (biopsy {f('2026-05-30')}).
{render(s, v20, 'rows')}
CD19+ 6% ({f('2026-10-10')}). SLEDAI-2K 9. ANA 1:160. Prednisone since {f('2024-11-01')}, MMF since {f('2024-12-01')}. ECOG 1."""),
], visits=[v20])

# ===== R021 CA: consent for a different study =====
s = "CA"; f = lambda x: fmt(s, x)
v21 = GV("2026-10-19", cr=53, upcr=1.0, egfr=100)
patient("R021", s, "consent_other_study", birth="2012-02-02", sex="M", visits=[v21], notes=[
 ("2026-10-19", "social_work", """SOCIAL WORK - CONSENT MEETING
Mother signed consent for the PedsLupus Registry & Biobank study (observational) today. She is not the legal guardian for medical decisions: father holds sole custody (court order 2023). Father not present; has NOT consented to any interventional study."""),
 ("2026-10-19", "nursing_shift", f"""NURSING: 14 y M, SLE, LN class IV (biopsy {f('2026-08-11')}).
{render(s, v21, 'inline')}
CD19+ 10% ({f('2026-10-19')}). SLEDAI-2K 12. ANA 1:640. Prednisone since {f('2025-07-01')}, tacrolimus since {f('2025-08-01')}; persistent proteinuria. Lansky 90."""),
])

# ===== R022 IE: guardian declined =====
s = "IE"; f = lambda x: fmt(s, x)
v22 = GV("2026-10-27", cr=58, upcr=1.6, egfr=92, lymph=0.9)
patient("R022", s, "guardian_declined_lymph_low", birth="2011-04-04", sex="F", visits=[v22], notes=[
 ("2026-10-27", "social_work", """SOCIAL WORK: Legal guardian (aunt, Tusla care order) declined consent for CAR-T referral at this time; wishes more information."""),
 ("2026-10-27", "nursing_shift", f"""NURSING: 15 y F, SLE, LN class IV+V (biopsy {f('2026-09-14')}).
{render(s, v22, 'rows')}
CD19+ 7%. SLEDAI-2K 14. ANA 1:320. Prednisolone since {f('2025-05-05')}, MMF since {f('2025-05-20')}; non-response. ECOG 1."""),
])

# ===== R023 IN: Lansky 40 =====
s = "IN"; f = lambda x: fmt(s, x)
v23 = GV("2026-10-08", cr=0.7*88.4, upcr=2.6, egfr=78)
patient("R023", s, "lansky_40", birth="2012-12-20", sex="M", visits=[v23], notes=[
 ("2026-10-08", "physiotherapy", """PHYSIOTHERAPY: mostly in bed, participates in quiet activities only (board games, drawing); transfers with 1 assist. Lansky play-performance 40."""),
 ("2026-10-08", "nursing_shift", f"""NURSING: 13 y M, SLE, LN class IV (biopsy {f('2026-07-10')}).
{render(s, v23, 'inline')}
CD19 9%. SLEDAI-2K 16. ANA 1:640. Prednisolone since {f('2025-04-01')}; cyclophosphamide 6 pulses {f('2025-05-01')} to {f('2025-10-01')}; no remission."""),
])

# ===== R024 KE: Lansky 50-60 (rough) =====
s = "KE"; f = lambda x: fmt(s, x)
v24 = GV("2026-10-16", cr=52, upcr=1.2, egfr=96, alt_r=(0, 45))
patient("R024", s, "lansky_rough_50_60", birth="2013-08-08", sex="F", visits=[v24], notes=[
 ("2026-10-16", "physiotherapy", """PHYSIO: tires easily, rests in bed most afternoons, but up and around for meals and short walks. Estimated Lansky 50-60."""),
 ("2026-10-16", "nursing_shift", f"""NURSING: 13 y F, SLE, LN class III (A) (biopsy {f('2026-08-01')}).
{render(s, v24, 'rows')}
CD19+ 12% ({f('2026-10-16')}). SLEDAI-2K 12. ANA 1:320. Prednisone since {f('2025-06-01')}, MMF since {f('2025-06-15')}; persistent proteinuria."""),
])

# ===== R025 CA: Karnofsky 40 =====
s = "CA"; f = lambda x: fmt(s, x)
v25 = GV("2026-11-06", cr=68, upcr=1.9, egfr=82)
patient("R025", s, "karnofsky_40", birth="2009-01-30", sex="F", visits=[v25], notes=[
 ("2026-11-06", "physiotherapy", """PHYSIOTHERAPY: bed-bound most of day, requires considerable assistance for ADLs. Karnofsky 40."""),
 ("2026-11-06", "nursing_shift", f"""NURSING: 17 y F, SLE, LN class IV (biopsy {f('2026-09-25')}).
{render(s, v25, 'pipe')}
CD19+ 8%. SLEDAI-2K 20. ANA 1:1280. Prednisone since {f('2025-03-01')}, tacrolimus since {f('2025-04-01')}; persistent proteinuria."""),
])

# ===== R026 IE: rituximab given June, CD19 undetectable =====
s = "IE"; f = lambda x: fmt(s, x)
v26 = GV("2026-10-20", cr=60, upcr=1.4, egfr=88)
patient("R026", s, "rtx_given_cd19_depleted", birth="2010-09-09", sex="M", visits=[v26], notes=[
 ("2026-06-10", "infusion_worksheet", f"""INFUSION PHARMACY WORKSHEET - RITUXIMAB
BSA 1.6 m2; dose calculated 750 mg/m2 = 1200 mg, capped 1000 mg. Dose dispensed 1000 mg. Infusion completed 16:20, no reaction. Dose returned: nil. Administered {f('2026-06-10')}."""),
 ("2026-10-20", "nursing_shift", f"""NURSING: 16 y M, SLE, LN class IV (biopsy {f('2026-07-01')}).
{render(s, v26, 'rows')}
Lymphocyte subsets {f('2026-10-20')}: CD19+ B cells 0% - undetectable (post-rituximab).
SLEDAI-2K 10. ANA 1:640. Prednisolone since {f('2025-02-01')}, MMF since {f('2025-03-01')}. ECOG 1."""),
])

# ===== R027 IN: rituximab Dec 2025 (outside 9 months), CD19 recovered =====
s = "IN"; f = lambda x: fmt(s, x)
v27 = GV("2026-10-12", cr=0.5*88.4, upcr=1.0, egfr=115)
patient("R027", s, "rtx_old_cd19_recovered", birth="2014-06-06", sex="F", visits=[v27], notes=[
 ("2025-12-01", "infusion_worksheet", f"""INFUSION PHARMACY WORKSHEET: Rituximab 375 mg/m2, dose 450 mg dispensed and infused {f('2025-12-01')}. Returned: none."""),
 ("2026-10-12", "nursing_shift", f"""NURSING: 12 y F, SLE, LN class IV (biopsy {f('2026-09-01')}).
{render(s, v27, 'inline')}
Flow {f('2026-10-12')}: CD19+ 5% (B-cell recovery). SLEDAI-2K 11. ANA 1:320.
Prednisolone since {f('2025-09-01')}; MMF since {f('2025-09-15')}; persistent proteinuria. Lansky 80."""),
])

# ===== R028 KE: IV cyclophosphamide given Oct 2026 =====
s = "KE"; f = lambda x: fmt(s, x)
v28 = GV("2026-11-02", cr=55, upcr=1.2, egfr=98, alt_r=(0, 45))
patient("R028", s, "cyc_recent", birth="2011-11-11", sex="M", visits=[v28], notes=[
 ("2026-10-01", "infusion_worksheet", f"""INFUSION PHARMACY WORKSHEET - CYCLOPHOSPHAMIDE (Euro-Lupus)
Dose calculated 500 mg flat. Dispensed 500 mg in 250 mL NS with mesna. Infused over 1 h, completed. Returned unused: nil. Date {f('2026-10-01')}. Dose 6 of 6."""),
 ("2026-11-02", "nursing_shift", f"""NURSING: 14 y M, SLE, LN class IV (biopsy {f('2026-06-20')}).
{render(s, v28, 'rows')}
CD19+ 9%. SLEDAI-2K 12. ANA 1:640. Prednisone since {f('2026-03-01')}; CYC Euro-Lupus {f('2026-07-01')} to {f('2026-10-01')}. ECOG 1."""),
])

# ===== R029 CA: CYC held pending labs, WBC low =====
s = "CA"; f = lambda x: fmt(s, x)
v29a = GV("2026-10-20", wbc=2.4, anc=1.1, lymph=0.6, cr=60, upcr=1.3, egfr=90)
v29 = GV("2026-10-27", wbc=2.8, anc=1.4, lymph=0.8, cr=59, upcr=1.2, egfr=91)
patient("R029", s, "cyc_held_wbc_low", birth="2012-05-15", sex="F", visits=[v29a, v29], notes=[
 ("2026-10-20", "infusion_worksheet", f"""INFUSION PHARMACY WORKSHEET - CYCLOPHOSPHAMIDE IV
Dose calculated 500 mg/m2 x 1.3 m2 = 650 mg. HELD pending labs: {render(s, v29a, 'inline')}
Not compounded; order cancelled. No CYC given this cycle."""),
 ("2026-10-27", "nursing_shift", f"""NURSING: 14 y F, SLE, LN class III (biopsy {f('2026-08-05')}).
{render(s, v29, 'rows')}
CD19+ 6%. SLEDAI-2K 10. ANA 1:320. Prednisone since {f('2025-09-01')}; CYC 6 doses {f('2025-10-01')} to {f('2026-03-01')}; persistent proteinuria. Lansky 70."""),
])

# ===== R030 IE: active cellulitis on IV antibiotics =====
s = "IE"; f = lambda x: fmt(s, x)
v30 = GV("2026-11-09", cr=58, upcr=1.5, egfr=93, wbc=12.1, anc=9.8)
patient("R030", s, "active_infection", birth="2011-01-01", sex="M", visits=[v30], notes=[
 ("2026-11-09", "nursing_admission", f"""NURSING ADMISSION: 15 y M, SLE, LN class IV (biopsy {f('2026-08-20')}). Admitted with L leg cellulitis; IV flucloxacillin commenced {f('2026-11-09')}. T 38.4, HR 110, BP 108/66 (stable, no fluids bolus needed).
{render(s, v30, 'rows')}
CD19+ 10%. SLEDAI-2K 9. ANA 1:160. Prednisolone since {f('2025-05-01')}, tacrolimus since {f('2025-06-01')}; persistent proteinuria. ECOG 2."""),
])

# ===== R031 IN: septic shock on noradrenaline =====
s = "IN"; f = lambda x: fmt(s, x)
v31 = GV("2026-11-02", cr=0.8*88.4, upcr=2.0, egfr=70, hb=78)
patient("R031", s, "shock_vasopressor", birth="2010-08-18", sex="F", visits=[v31], notes=[
 ("2026-10-15", "nursing_shift", f"""PICU NURSING: septic shock, noradrenaline 0.1 mcg/kg/min, IV meropenem started {f('2026-10-15')}."""),
 ("2026-11-02", "pharmacy_review", f"""PHARMACIST: meropenem IV day 18 of 21, renal dose-adjusted. Off vasopressors since {f('2026-10-19')}.
{render(s, v31, 'inline')}
16 y F, SLE, LN class IV (biopsy {f('2026-07-15')}). SLEDAI-2K 15. CD19 7%. ANA 1:1280.
Prednisolone since {f('2025-08-01')}, MMF since {f('2025-08-15')}. Karnofsky 60."""),
])

# ===== R032 KE: difficult venous access =====
s = "KE"; f = lambda x: fmt(s, x)
v32 = GV("2026-10-29", cr=50, upcr=1.3, egfr=104, alt_r=(0, 45))
patient("R032", s, "poor_venous_access", birth="2013-03-03", sex="M", visits=[v32], notes=[
 ("2026-10-29", "nursing_shift", f"""NURSING: difficult IV access - cannulation x3 attempts failed, US-guided PICC placed by IR. Veins thrombosed from previous lines.
13 y M, SLE, LN class IV (biopsy {f('2026-09-10')}).
{render(s, v32, 'rows')}
CD19+ 11%. SLEDAI-2K 13. ANA 1:640. Prednisone since {f('2025-06-01')}, MMF since {f('2025-06-20')}; non-response. Lansky 80."""),
])

# ===== R033 CA: complete renal remission =====
s = "CA"; f = lambda x: fmt(s, x)
v33 = GV("2026-10-15", cr=45, upcr=0.19, egfr=112)
patient("R033", s, "renal_remission", birth="2011-07-07", sex="F", visits=[v33], notes=[
 ("2026-10-15", "nursing_shift", f"""NURSING: 15 y F, SLE, LN class IV (biopsy {f('2026-06-10')}). In complete renal remission per nephrology.
{render(s, v33, 'rows')}
CD19+ 9%. SLEDAI-2K 4. ANA 1:320. Prednisone since {f('2025-06-01')}, MMF since {f('2025-06-10')}. Lansky 100."""),
])

# ===== R034 IE: treatment-naive new diagnosis =====
s = "IE"; f = lambda x: fmt(s, x)
v34 = GV("2026-10-02", cr=62, upcr=2.2, egfr=88)
patient("R034", s, "treatment_naive", birth="2012-10-10", sex="F", visits=[v34], notes=[
 ("2026-10-02", "nursing_admission", f"""NURSING ADMISSION: 13 y F, new SLE; renal biopsy {f('2026-09-28')} class III (A). Treatment-naive. Plan to start MMF and steroids after pharmacy review.
{render(s, v34, 'rows')}
CD19+ 16%. SLEDAI-2K 18. ANA 1:2560. ECOG 1."""),
])

# ===== R035 KE: 24-h urine protein only =====
s = "KE"; f = lambda x: fmt(s, x)
v35 = GV("2026-10-21", cr=60, p24=1.8, egfr=90, alt_r=(0, 45))
patient("R035", s, "p24_only", birth="2012-01-21", sex="M", visits=[v35], notes=[
 ("2026-10-21", "nursing_shift", f"""NURSING: 14 y M, SLE, LN class IV (biopsy {f('2026-08-08')}). 24-h urine collection complete.
{render(s, v35, 'rows')}
CD19+ 8%. SLEDAI-2K 12. ANA 1:320. Prednisone since {f('2025-05-01')}, tacrolimus since {f('2025-05-20')}. Lansky 80."""),
])

# ===== R036 IN: pure class V, ANA 1:40 =====
s = "IN"; f = lambda x: fmt(s, x)
v36 = GV("2026-10-14", cr=0.6*88.4, upcr=1.5, egfr=100)
patient("R036", s, "class_v_ana_low", birth="2011-02-02", sex="F", visits=[v36], notes=[
 ("2026-10-14", "nursing_shift", f"""NURSING: 15 y F, SLE (clinical, anti-dsDNA and anti-Sm positive), pure membranous LN class V (biopsy {f('2026-08-30')}). ANA 1:40 only.
{render(s, v36, 'rows')}
CD19 10%. SLEDAI-2K 8. Prednisolone since {f('2025-06-01')}, tacrolimus since {f('2025-07-01')}. Lansky 90."""),
])

# ===== R037 CA: SLE ruled out, C3 glomerulopathy =====
s = "CA"; f = lambda x: fmt(s, x)
v37 = GV("2026-10-09", cr=70, upcr=2.5, egfr=78)
patient("R037", s, "not_sle", birth="2011-09-19", sex="M", visits=[v37], notes=[
 ("2026-10-09", "nursing_admission", f"""NURSING ADMISSION: 15 y M referred ?lupus nephritis. ANA negative. SLE ruled out by rheumatology (EULAR/ACR entry criterion not met). Biopsy {f('2026-09-15')}: C3 glomerulopathy, no lupus nephritis.
{render(s, v37, 'rows')}
Prednisone since {f('2026-09-20')}. Lansky 90."""),
])

# ===== R038 IE: SLEDAI 6; biopsy 9 months ago =====
s = "IE"; f = lambda x: fmt(s, x)
v38 = GV("2026-10-26", cr=56, upcr=0.6, egfr=95)
patient("R038", s, "sledai_low_old_biopsy", birth="2010-12-24", sex="M", visits=[v38], notes=[
 ("2026-10-26", "nursing_shift", f"""NURSING: 15 y M, SLE, LN class IV (biopsy {f('2026-02-10')}, no repeat). SLEDAI-2K 6 per rheum today.
{render(s, v38, 'rows')}
CD19+ 9%. ANA 1:640. Prednisolone since {f('2025-04-01')}, MMF since {f('2025-04-15')}; partial response only. ECOG 0."""),
 ("2026-07-12", "pharmacy_review", f"""PHARMACIST: MPA AUC 35 mg*h/L {f('2026-07-12')}. No interactions."""),
])

# ---------------- hand labels (overrides of NCT_DEF / HO_DEF) ----------------
L = {
 # pid: (nct overrides, ho overrides)
 "R001": ({}, {}),
 "R002": ({"sledai": "unknown", "egfr": "met", "inr": "met", "pt": "met"}, {}),
 "R003": ({}, {}),
 "R004": ({"sledai": "unknown", "refractory": "unknown", "cd19": "unknown", "lymph": "unknown", "wbc": "unknown",
           "anc": "unknown", "hb": "unknown", "alt": "unknown", "ast": "unknown", "tbil": "unknown", "egfr": "unknown",
           "inr": "unknown", "pt": "unknown", "ecog": "unknown"}, {"upcr": "unknown", "egfr": "unknown", "alt": "unknown"}),
 "R005": ({"biopsy": "unknown"}, {"biopsy": "unknown"}),
 "R006": ({"refractory": "unknown"}, {"upcr": "unknown"}),
 "R007": ({"anc": "not_met"}, {"x_cyc": "met"}),
 "R008": ({}, {}),
 "R009": ({"alt": "not_met"}, {"alt": "not_met", "upcr": "not_met"}),
 "R010": ({}, {}),
 "R011": ({"alt": "manual", "ast": "manual"}, {"alt": "not_met"}),
 "R012": ({}, {}),
 "R013": ({"egfr": "manual"}, {"egfr": "not_met"}),
 "R014": ({"egfr": "unknown"}, {"egfr": "unknown", "upcr": "not_met"}),
 "R015": ({}, {"x_preg": "met"}),
 "R016": ({"age": "not_met"}, {"x_preg": "met"}),
 "R017": ({}, {}),
 "R018": ({"age": "not_met", "refractory": "not_met"}, {"age": "not_met"}),
 "R019": ({}, {"age": "unknown"}),
 "R020": ({"age": "not_met"}, {}),
 "R021": ({}, {}),
 "R022": ({"lymph": "not_met"}, {}),
 "R023": ({"ecog": "not_met"}, {}),
 "R024": ({}, {}),
 "R025": ({"ecog": "not_met"}, {}),
 "R026": ({"cd19": "not_met"}, {"x_cd20": "met"}),
 "R027": ({}, {}),
 "R028": ({}, {"x_cyc": "met"}),
 "R029": ({"wbc": "not_met", "lymph": "not_met"}, {}),
 "R030": ({}, {"x_infection": "met"}),
 "R031": ({"hemo": "not_met"}, {"x_infection": "met"}),
 "R032": ({"venous": "not_met"}, {}),
 "R033": ({"sledai": "not_met", "refractory": "not_met"}, {"upcr": "not_met"}),
 "R034": ({"refractory": "not_met"}, {}),
 "R035": ({}, {"upcr": "unknown"}),
 "R036": ({"biopsy": "not_met", "ana": "not_met"}, {"biopsy": "not_met"}),
 "R037": ({"sle": "not_met", "biopsy": "not_met", "refractory": "not_met", "cd19": "unknown", "sledai": "unknown",
           "ana": "not_met"}, {"sle": "not_met", "biopsy": "not_met"}),
 "R038": ({"biopsy": "unknown", "sledai": "not_met"}, {"upcr": "not_met"}),
}

# ===== R039 KE: stated age 18 (Jan) -> NCT age unknown; AST, INR, PT out of range =====
s = "KE"; f = lambda x: fmt(s, x)
v39 = GV("2026-11-11", cr=66, upcr=1.4, egfr=85, alt=38, alt_r=(0, 45), ast=150, ast_r=(0, 40),
         inr=2.0, inr_r=(0.8, 1.2), pt=22.0, pt_r=(11.0, 14.0))
patient("R039", s, "stated_age_18_coag", stated=(18, "2026-01-15"), visits=[v39], notes=[
 ("2026-01-15", "social_work", """SOCIAL WORK: 18-year-old, consents for himself; mother supportive. Lives in Kibera, transport support arranged."""),
 ("2026-11-11", "pharmacy_review", f"""CLINICAL PHARMACIST: warfarin for L femoral DVT (started {f('2026-10-01')}); INR above target, dose held pending labs.
{render(s, v39, 'pipe')}
SLE; LN class IV (biopsy {f('2026-09-05')}). Prednisone since {f('2025-04-10')}, MMF since {f('2025-05-01')}; persistent proteinuria.
Flow {f('2026-11-11')}: CD19+ 7%. SLEDAI-2K 14. ANA 1:640. ECOG 1."""),
])

# ===== R040 CA: uncertain SLE, no biopsy yet, Hb and bilirubin low/high, ANA without titre =====
s = "CA"; f = lambda x: fmt(s, x)
v40 = GV("2026-11-01", cr=40, upcr=1.1, hb=55, tbil=40, tbil_r=(3, 21))
patient("R040", s, "uncertain_sle_hb_tbil", birth="2014-01-01", sex="F", height=("2026-11-01", 150), visits=[v40], notes=[
 ("2026-11-01", "nursing_admission", f"""NURSING ADMISSION - Paediatric Medicine
12 y F, pallor, jaundice, dark urine. Referral query: possible SLE, r/o lupus nephritis; Coombs positive haemolysis. ANA positive (titre to follow).
Ht 150 cm, Wt 36 kg. Dipstick protein 2+, blood 3+.
{render(s, v40, 'rows')}
Renal biopsy being scheduled. Plan to start prednisone if SLE confirmed. Transfusion 1 unit PRBC ordered.
Lansky 70 - playing quietly in bed space and walking to the bathroom."""),
 ("2026-11-02", "pharmacy_review", """PHARMACIST: no immunosuppressants to date. Folic acid started. Hold NSAIDs."""),
])

# ---------------- extra hand-written allied-health notes (no criterion content) ----------------
EXTRA = [
 ("R001", "2026-10-25", "dietitian", "DIETITIAN: low-salt diet reviewed with mum; calcium and vitamin D supplement advised while on steroids."),
 ("R001", "2026-10-26", "psychology", "PSYCHOLOGY: anxious about needles; distraction techniques taught; coping well."),
 ("R002", "2026-10-10", "school_nurse", "SCHOOL NURSE: pupil back in class; sunscreen reminder; no medication to be given at school."),
 ("R003", "2026-10-08", "social_work", "SOCIAL WORK: both parents legal guardians; travel grant paperwork completed."),
 ("R005", "2026-10-06", "dietitian", "DIETITIAN: weight stable; diet and fluid plan unchanged; no supplement needed."),
 ("R006", "2026-10-20", "dietitian", "DIETITIAN (Pune): vegetarian diet, protein intake adequate; salt restriction reinforced."),
 ("R007", "2026-11-12", "psychology", "PSYCHOLOGY: adolescent low mood during admission, safety screen negative, follow-up booked."),
 ("R008", "2026-11-13", "home_care", "HOME VISIT (Nairobi outreach): medicines stored correctly, pill box set up by grandmother."),
 ("R009", "2026-10-30", "dietitian", "DIETITIAN: advised to avoid herbal supplements; weight 52 kg."),
 ("R010", "2026-11-05", "social_work", "SOCIAL WORK: parents separated, joint guardianship; both informed of clinic plans."),
 ("R011", "2026-10-14", "physiotherapy", "PHYSIO: proximal strengthening programme started; hydrotherapy referral."),
 ("R012", "2026-10-27", "school_nurse", "SCHOOL NURSE: excused from PE this term per renal team letter."),
 ("R013", "2026-11-03", "dietitian", "DIETITIAN: potassium and phosphate restriction explained; fluid allowance 1.2 L/day."),
 ("R015", "2026-11-11", "psychology", "PSYCHOLOGY: supportive session; young person engaged; plans discussed with obstetric social worker."),
 ("R016", "2026-10-15", "dietitian", "DIETITIAN: extra 500 kcal/day while breastfeeding; iron-rich foods."),
 ("R017", "2026-11-05", "social_work", "SOCIAL WORK: transition to adult nephrology planned next year; patient makes own decisions."),
 ("R018", "2026-10-24", "social_work", "SOCIAL WORK: parents are legal guardians; counselling on new diagnosis."),
 ("R020", "2026-10-12", "dietitian", "DIETITIAN: weight 58 kg, BMI 22; low-salt diet."),
 ("R021", "2026-10-21", "psychology", "PSYCHOLOGY: family conflict around custody; child prefers not to discuss."),
 ("R022", "2026-10-29", "home_care", "HOME-CARE NURSE: medicines reconciled; aunt managing medication well."),
 ("R023", "2026-10-10", "dietitian", "DIETITIAN: poor oral intake, nasogastric feeds considered but not started."),
 ("R024", "2026-10-18", "social_work", "SOCIAL WORK: mother is sole guardian; school liaison letter sent."),
 ("R025", "2026-11-08", "dietitian", "DIETITIAN: supplement drinks 2/day; weight down 1.5 kg."),
 ("R026", "2026-10-22", "school_nurse", "SCHOOL NURSE: hand hygiene advice; no live vaccines at school campaign."),
 ("R027", "2026-10-14", "dietitian", "DIETITIAN: growth along 25th centile; salt restriction."),
 ("R028", "2026-11-04", "psychology", "PSYCHOLOGY: body image concerns with steroids; CBT sessions offered."),
 ("R029", "2026-10-28", "social_work", "SOCIAL WORK: father is legal guardian; financial support form completed."),
 ("R030", "2026-11-10", "nursing_shift", "NURSING (nights): leg elevated, cellulitis margin marked; IV flucloxacillin dose 3 given on time."),
 ("R032", "2026-10-30", "psychology", "PSYCHOLOGY: needle phobia after multiple cannulation attempts; preparation plan for procedures."),
 ("R033", "2026-10-17", "school_nurse", "SCHOOL NURSE: full attendance this term; plays netball."),
 ("R034", "2026-10-04", "social_work", "SOCIAL WORK: new diagnosis; parents married, both guardians; information leaflets given."),
 ("R035", "2026-10-23", "dietitian", "DIETITIAN: ugali and sukuma portions reviewed; low-salt cooking advice."),
 ("R036", "2026-10-16", "psychology", "PSYCHOLOGY: adjustment to chronic illness; good family support."),
 ("R037", "2026-10-11", "social_work", "SOCIAL WORK: family relieved at diagnosis explanation; travel costs supported."),
 ("R038", "2026-10-28", "dietitian", "DIETITIAN: weight 55 kg; salt and sugar reduction."),
 ("R039", "2026-11-12", "dietitian", "DIETITIAN: vitamin K intake kept consistent while on warfarin."),
 ("R040", "2026-11-03", "social_work", "SOCIAL WORK: parents both guardians; explained investigations; no research discussed."),
]
_pmap = {p["pid"]: p for p in P}
for pid, d, typ, txt in EXTRA:
    _pmap[pid]["notes"].append((d, typ, txt))

L["R039"] = ({"age": "unknown", "ast": "not_met", "inr": "not_met", "pt": "not_met"}, {})
L["R040"] = ({"sle": "unknown", "biopsy": "unknown", "sledai": "unknown", "refractory": "not_met", "cd19": "unknown",
              "hb": "not_met", "tbil": "not_met", "ana": "unknown"}, {"sle": "unknown", "biopsy": "unknown"})

# ---------------- derivation (status, relevance only) ----------------
VALID = {"met", "not_met", "unknown", "manual"}
DISEASE = {"NCT06904729": ("sle", "biopsy", "refractory"), "HO-LN-20": ("sle", "biopsy", "upcr")}

def status(crit):
    inc = {k: v for k, v in crit.items() if not k.startswith("x_")}
    exc = {k: v for k, v in crit.items() if k.startswith("x_")}
    if any(v == "not_met" for v in inc.values()) or any(v == "met" for v in exc.values()):
        return "ineligible"
    if all(v in ("met", "manual") for v in inc.values()) and all(v in ("not_met", "manual") for v in exc.values()):
        return "eligible"
    return "possible"

def relevance(trial, st, crit):
    if st == "eligible": return 3
    if st == "ineligible": return 0
    return 2 if all(crit[k] == "met" for k in DISEASE[trial]) else 1

# ---------------- self-checks ----------------
ERR = []
def err(m): ERR.append(m)

def age_at(b, d):
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))

def age_status(lo, hi, p):
    b = p["birth"]
    if not b:
        for _, _, t in p["notes"]:
            if "DOB " in t:
                b = t.split("DOB ")[1][:10]
    if b:
        a = age_at(D(b), ASOF); return "met" if lo <= a <= hi else "not_met"
    if p["stated"]:
        a, nd = p["stated"]; a0 = a + age_at(D(nd), ASOF)
        if lo <= a0 and a0 + 1 <= hi: return "met"
        if a0 + 1 < lo or a0 > hi: return "not_met"
        return "unknown"
    return "unknown"

def latest(p, key):
    vs = [v for v in p["visits"] if key in v and LOOKBACK <= D(v["d"]) <= ASOF]
    return max(vs, key=lambda v: v["d"]) if vs else None

def uln(v, k):
    r = v.get(k + "_r"); return r[1] if r else DEF_ULN[k]

def egfr_value(p):
    v = latest(p, "egfr")
    if v: return v["egfr"]
    v = latest(p, "cr")
    if v and p["height"] and (ASOF - D(p["height"][0])).days <= 365:
        return 36.5 * p["height"][1] / v["cr"]
    return None

def nct_labs(p):
    fl = p["flags"]; out = {}
    for k, thr in (("lymph", 1.0), ("wbc", 3.0), ("anc", 1.0), ("hb", 60)):
        v = latest(p, k)
        if not v: out[k] = "unknown"; continue
        st = "met" if v[k] >= thr else "not_met"
        if k == "anc":
            for g in fl.get("gcsf", []):
                if 0 <= (D(v["d"]) - D(g)).days <= 14: st = "not_met"
        out[k] = st
    for k in ("alt", "ast"):
        v = latest(p, k)
        if not v: out[k] = "unknown"; continue
        ok = v[k] <= 3 * uln(v, k)
        out[k] = "met" if ok else ("manual" if fl.get("myositis") else "not_met")
    v = latest(p, "tbil")
    out["tbil"] = "unknown" if not v else ("met" if v["tbil"] <= (3.0 if fl.get("gilbert") else 1.5) * uln(v, "tbil") else "not_met")
    e = egfr_value(p)
    out["egfr"] = "unknown" if e is None else ("met" if e >= 30 else "manual")
    for k in ("inr", "pt"):
        v = latest(p, k)
        out[k] = "unknown" if not v else ("met" if v[k] <= 1.5 * uln(v, k) else "not_met")
    return out

def ho_labs(p):
    out = {}
    v = latest(p, "upcr")
    out["upcr"] = "unknown" if not v else ("met" if v["upcr"] * 113 >= 100 else "not_met")
    e = egfr_value(p)
    out["egfr"] = "unknown" if e is None else ("met" if e >= 45 else "not_met")
    v = latest(p, "alt")
    out["alt"] = "unknown" if not v else ("met" if v["alt"] <= 2.5 * uln(v, "alt") else "not_met")
    return out

notes_out, gold_out = [], []
for i, p in enumerate(P, 1):
    pid = p["pid"]
    if pid != f"R{i:03d}": err(f"patient id {pid} out of order")
    if not p["notes"]: err(f"{pid}: no notes")
    nct = dict(NCT_DEF); nct.update(L[pid][0]); ho = dict(HO_DEF); ho.update(L[pid][1])
    for trial, crit, keys in (("NCT06904729", nct, NCT_KEYS), ("HO-LN-20", ho, HO_KEYS)):
        if list(crit) != keys: err(f"{pid} {trial}: keys {list(crit)}")
        for k, s_ in crit.items():
            if s_ not in VALID: err(f"{pid} {trial} {k}: bad status {s_}")
    if nct["consent"] != "manual" or ho["consent"] != "manual" or ho["comply"] != "manual":
        err(f"{pid}: consent/comply must be manual")
    # age
    if nct["age"] != age_status(6, 18, p): err(f"{pid}: NCT age {nct['age']} vs {age_status(6, 18, p)}")
    if ho["age"] != age_status(12, 25, p): err(f"{pid}: HO age {ho['age']} vs {age_status(12, 25, p)}")
    # second look: numeric labs from the latest visit in the lookback
    for k, s_ in nct_labs(p).items():
        if nct[k] != s_: err(f"{pid}: NCT {k} label {nct[k]} vs re-derived {s_}")
    for k, s_ in ho_labs(p).items():
        if ho[k] != s_: err(f"{pid}: HO {k} label {ho[k]} vs re-derived {s_}")
    # refractory part c against the latest proteinuria measure
    pv = [v for v in p["visits"] if ("upcr" in v or "p24" in v) and LOOKBACK <= D(v["d"]) <= ASOF]
    if pv:
        lv = max(pv, key=lambda v: v["d"]); q = lv.get("upcr", lv.get("p24"))
        if q < 0.5 and nct["refractory"] != "not_met": err(f"{pid}: proteinuria in remission but refractory {nct['refractory']}")
    elif nct["refractory"] == "met" and not p["flags"].get("stated_proteinuria"):
        err(f"{pid}: refractory met without proteinuria measure in lookback")
    # notes
    ns = sorted(p["notes"], key=lambda n: n[0])
    for j, (d, typ, txt) in enumerate(ns, 1):
        if not D(d) < ASOF: err(f"{pid}: note dated {d} not before as-of")
        if "{" in txt and "}" in txt and "f(" in txt: err(f"{pid}: unrendered template")
        row = {"patient_id": pid, "note_id": f"{pid}-{j:02d}", "note_date": d, "note_type": typ, "text": txt}
        if p["birth"]:
            row["birth_date"] = p["birth"]; row["sex"] = p["sex"]
        notes_out.append(row)
    for trial, crit in (("NCT06904729", nct), ("HO-LN-20", ho)):
        st = status(crit)
        gold_out.append({"trial": trial, "patient_id": pid, "status": st, "relevance": relevance(trial, st, crit),
                         "criteria": crit, "archetype": p["arche"]})

ids = [n["note_id"] for n in notes_out]
if len(ids) != len(set(ids)): err("duplicate note ids")
if len(P) < 30: err("fewer than 30 patients")
if len(notes_out) < 100: err(f"fewer than 100 notes ({len(notes_out)})")
if set(L) != {p["pid"] for p in P}: err("label table does not match patients")

if ERR:
    print("SELF-CHECK FAILED; nothing written:"); print("\n".join(ERR)); sys.exit(1)

with open(os.path.join(OUT, "notes.jsonl"), "w") as fh:
    for r in notes_out: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(os.path.join(OUT, "gold.jsonl"), "w") as fh:
    for r in gold_out: fh.write(json.dumps(r, ensure_ascii=False) + "\n")
from collections import Counter
print(f"patients {len(P)}, notes {len(notes_out)}")
for t in ("NCT06904729", "HO-LN-20"):
    print(t, dict(Counter(g["status"] for g in gold_out if g["trial"] == t)))
