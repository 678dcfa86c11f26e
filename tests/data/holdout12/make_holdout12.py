#!/usr/bin/env python3
"""Hold-out 12: francophone (FR/BE/CH/SN/CI/CM/CD) and Brazilian paediatric lupus nephritis notes.

stdlib only. Notes are written by hand below; lab blocks are rendered from per-visit values
by render_labs() in several layouts (fr, fr_mm3, br, rc = REDCap key=value, en = US units).
Criterion labels are written by hand per patient (defaults + overrides). Only overall status
and relevance are derived (GUIDELINE.md "Patient status" / "Ranking").
The script checks itself and refuses to write on any failure.

Usage:  python3 make_holdout12.py [outdir]     (default: the folder of this script)
"""
import json
import os
import sys
from datetime import date

AS_OF = date(2026, 11, 20)
LOOKBACK = 90
NCT = "NCT06904729"
HO = "HO-LN-14"
NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph", "wbc",
            "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "consent",
           "x_alt", "x_anti_cd20", "x_cyc", "x_infection", "x_preg", "x_opinion"]
HO_EXCL = [k for k in HO_KEYS if k.startswith("x_")]
NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = {"age": "met", "sle": "met", "biopsy": "met", "upcr": "met", "egfr": "met", "consent": "manual",
              "x_alt": "not_met", "x_anti_cd20": "not_met", "x_cyc": "not_met", "x_infection": "not_met",
              "x_preg": "not_met", "x_opinion": "manual"}
STATUSES = {"met", "not_met", "unknown", "manual"}


def D(s):
    return date.fromisoformat(s)


def dmy(s):
    d = D(s)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def fc(x):
    """French/Portuguese decimal comma."""
    return f"{x:g}".replace(".", ",")


def br_int(x):
    """Brazilian thousands separator: 6800 -> 6.800"""
    return f"{int(round(x)):,}".replace(",", ".")


# ---------------------------------------------------------------- lab rendering
def render_labs(v):
    lay = v["layout"]
    L = []
    if lay in ("fr", "fr_mm3"):
        L.append(v.get("head", f"BILAN BIOLOGIQUE du {dmy(v['date'])}"))
        nfs = []
        if lay == "fr":
            if "wbc" in v: nfs.append(f"GB {fc(v['wbc'])} G/L")
            if "anc" in v: nfs.append(f"PNN {fc(v['anc'])} G/L")
            if "lym" in v: nfs.append(f"lymphocytes {fc(v['lym'])} G/L")
        else:
            if "wbc" in v: nfs.append(f"GB {int(round(v['wbc']*1000))}/mm³")
            if "anc" in v: nfs.append(f"PNN {int(round(v['anc']*1000))}/mm³")
            if "lym" in v: nfs.append(f"lymphocytes {int(round(v['lym']*1000))}/mm³")
        if "hb" in v: nfs.append(f"Hb {fc(v['hb'])} g/dL")
        if "plt" in v: nfs.append(f"plaquettes {v['plt']} G/L")
        if nfs: L.append("NFS : " + " ; ".join(nfs))
        hep = []
        for an, fr in (("ast", "ASAT"), ("alt", "ALAT")):
            if an + "_xn" in v:
                hep.append(f"{fr} {fc(v[an+'_xn'])} x N")
            elif an in v:
                u = v.get(an + "_uln")
                hep.append(f"{fr} {v[an]} UI/L" + (f" (N < {u})" if u else ""))
        if "tbil" in v:
            u = v.get("tbil_uln")
            hep.append(f"bilirubine totale {fc(v['tbil'])} µmol/L" + (f" (N < {u})" if u else ""))
        if hep: L.append("Bilan hépatique : " + " ; ".join(hep))
        co = []
        if "tp" in v: co.append(f"TP {v['tp']} %")
        if "pt" in v:
            u = v.get("pt_uln")
            co.append(f"temps de Quick {fc(v['pt'])} s" + (f" (N 11-{fc(u)})" if u else ""))
        if "inr" in v:
            u = v.get("inr_uln")
            co.append(f"INR {fc(v['inr'])}" + (f" (N 0,8-{fc(u)})" if u else ""))
        if "tca" in v: co.append(f"TCA ratio {fc(v['tca'])}")
        if co: L.append("Hémostase : " + " ; ".join(co))
        rn = []
        if "height" in v: rn.append(f"taille {v['height']} cm")
        if "creat" in v: rn.append(f"créatininémie {v['creat']} µmol/L")
        if "dfg" in v: rn.append(f"DFG (Schwartz) {v['dfg']} mL/min/1,73 m²")
        if rn: L.append("Rein : " + " ; ".join(rn))
        if "upcr" in v:
            if v.get("upcr_disp") == "g/mmol":
                L.append(f"Rapport protéinurie/créatininurie (RPC) {fc(v['upcr']/1000)} g/mmol")
            else:
                L.append(f"Rapport protéinurie/créatininurie (RPC) {fc(v['upcr'])} mg/mmol")
        if "p24" in v: L.append(f"Protéinurie des 24h {fc(v['p24'])} g/24h")
    elif lay == "br":
        L.append(v.get("head", f"EXAMES LABORATORIAIS - coleta {dmy(v['date'])}"))
        h = []
        if "wbc" in v: h.append(f"leucócitos {br_int(v['wbc']*1000)}/mm³")
        if "anc" in v: h.append(f"neutrófilos {br_int(v['anc']*1000)}/mm³")
        if "lym" in v: h.append(f"linfócitos {br_int(v['lym']*1000)}/mm³")
        if "hb" in v: h.append(f"hemoglobina {fc(v['hb'])} g/dL")
        if "plt" in v: h.append(f"plaquetas {br_int(v['plt']*1000)}/mm³")
        if h: L.append("Hemograma: " + "; ".join(h))
        b = []
        if "ast" in v: b.append(f"TGO {v['ast']} U/L (VR até {v['ast_uln']})")
        if "alt" in v: b.append(f"TGP {v['alt']} U/L (VR até {v['alt_uln']})")
        if "tbil_mg" in v: b.append(f"bilirrubina total {fc(v['tbil_mg'])} mg/dL (VR até {fc(v['tbil_uln'])})")
        if b: L.append("Bioquímica: " + "; ".join(b))
        c = []
        if "pt" in v: c.append(f"TP (tempo de protrombina) {fc(v['pt'])} s (VR 10-{fc(v['pt_uln'])})")
        if "inr" in v: c.append(f"RNI {fc(v['inr'])}")
        if c: L.append("Coagulação: " + "; ".join(c))
        r = []
        if "creat_mg" in v: r.append(f"creatinina {fc(v['creat_mg'])} mg/dL")
        if "dfg" in v: r.append(f"clearance estimado (Schwartz) {v['dfg']} mL/min/1,73m²")
        if r: L.append("Função renal: " + "; ".join(r))
        if "upcr" in v:
            L.append(f"Relação proteína/creatinina urinária {fc(round(v['upcr']/113, 2))} mg/mg")
        if "p24" in v: L.append(f"Proteinúria de 24 horas {fc(v['p24'])} g/24h")
    elif lay == "rc":
        f = [f"lab_date={v['date']}"]
        for k, n in (("wbc", "lab_wbc"), ("anc", "lab_anc"), ("lym", "lab_lym"), ("hb", "lab_hgb"),
                     ("alt", "lab_alt"), ("ast", "lab_ast"), ("tbil", "lab_tbil"), ("inr", "lab_inr"),
                     ("pt", "lab_pt_sec"), ("creat", "lab_crea"), ("dfg", "lab_egfr_schwartz"),
                     ("upcr", "lab_ua_pcr")):
            if k in v: f.append(f"{n}={v[k]}")
        L.append(" | ".join(f))
        L.append("# data dictionary (units): lab_wbc/lab_anc/lab_lym 10^9/L; lab_hgb g/dL; lab_alt/lab_ast U/L "
                 "(site ULN 40); lab_tbil umol/L (site ULN 17); lab_inr ratio (ULN 1.2); lab_pt_sec s (ULN 13.5); "
                 "lab_crea umol/L; lab_egfr_schwartz mL/min/1.73m2; lab_ua_pcr mg/mmol")
    elif lay == "en":
        L.append(v.get("head", f"LABS {v['date']}"))
        c = []
        if "wbc" in v: c.append(f"WBC {v['wbc']} K/uL")
        if "anc" in v: c.append(f"ANC {v['anc']} K/uL")
        if "lym" in v: c.append(f"ALC {v['lym']} K/uL")
        if "hb" in v: c.append(f"Hgb {v['hb']} g/dL")
        if c: L.append("CBC: " + ", ".join(c))
        c = []
        if "alt" in v: c.append(f"ALT {v['alt']} U/L ({v['alt_lo']}-{v['alt_uln']})")
        if "ast" in v: c.append(f"AST {v['ast']} U/L ({v['ast_lo']}-{v['ast_uln']})")
        if "tbil_mg" in v: c.append(f"T bili {v['tbil_mg']} mg/dL (0.2-{v['tbil_uln']})")
        if c: L.append("LFT: " + ", ".join(c))
        c = []
        if "pt" in v: c.append(f"PT {v['pt']} s (11.0-{v['pt_uln']})")
        if "inr" in v: c.append(f"INR {v['inr']} (0.8-{v['inr_uln']})")
        if c: L.append("Coag: " + ", ".join(c))
        c = []
        if "creat_mg" in v: c.append(f"SCr {v['creat_mg']} mg/dL")
        if "dfg" in v: c.append(f"eGFR (bedside Schwartz) {v['dfg']} mL/min/1.73m2")
        if "upcr" in v: c.append(f"UPCR {round(v['upcr']/113, 2)} g/g")
        if c: L.append("Renal: " + ", ".join(c))
    else:
        raise ValueError(lay)
    return "\n".join(L)


def V(d, layout, **kw):
    kw["date"] = d
    kw["layout"] = layout
    return kw


NORMAL_FR = dict(wbc=6.4, anc=3.9, lym=1.6, hb=11.8, plt=254, ast_xn=0.7, alt_xn=0.6, tbil=8,
                 tp=92, pt=12.4, inr=1.05, tca=1.02, creat=51, dfg=101)


def jitter(base, d):
    """Deterministic +-10 % variation of the normal values (per visit date and analyte), same precision."""
    out = {}
    for k, x in base.items():
        h = sum(ord(c) * (i + 1) for i, c in enumerate(d + k)) % 21 - 10
        y = x * (1 + h / 100)
        dec = len(repr(x).split(".")[1]) if isinstance(x, float) else 0
        out[k] = round(y, dec) if dec else int(round(y))
    return out


def FR(d, layout="fr", **kw):
    v = jitter(NORMAL_FR, d)
    v["tbil_uln"], v["pt_uln"] = 17, 13.5
    v.update(kw)
    for k in [k for k, x in v.items() if x is None]:
        del v[k]
    return V(d, layout, **v)


NORMAL_BR = dict(wbc=6.8, anc=4.1, lym=1.65, hb=11.9, plt=250, ast=31, ast_uln=40, alt=24, alt_uln=41,
                 tbil_mg=0.5, tbil_uln=1.2, pt=12.9, pt_uln=14, inr=1.06, creat_mg=0.58, dfg=99)


def BR(d, **kw):
    v = jitter(NORMAL_BR, d)
    v["ast_uln"], v["alt_uln"], v["tbil_uln"], v["pt_uln"] = 40, 41, 1.2, 14
    v.update(kw)
    for k in [k for k, x in v.items() if x is None]:
        del v[k]
    return V(d, "br", **v)


PATIENTS = []


def P(pid, arch, country, notes, visits=(), birth=None, structured=False, sex=None, dob_in_text=False,
      stated=None, nct=None, ho=None, gcsf=False, myositis=False, gilbert=False, hard=None):
    PATIENTS.append(dict(pid=pid, arch=arch, country=country, notes=list(notes), visits=list(visits), birth=birth,
                         structured=structured, sex=sex, dob_in_text=dob_in_text, stated=stated,
                         nct=dict(nct or {}), ho=dict(ho or {}), gcsf=gcsf, myositis=myositis, gilbert=gilbert,
                         hard=hard))


# ================================================================= patients
P("Y001", "eligible", "France", birth="2012-04-15", structured=True, sex="F", notes=[
    ("2025-03-24", "hospitalisation",
     "COMPTE RENDU D'HOSPITALISATION (automatic translation)\nPaediatric nephrology service, HFME Lyon.\n"
     "Reason of hospitalisation: discovery of a paediatric lupus (LES) with renal attack.\n"
     "AAN 1/1280 speckled aspect, anti-DNA native positive, C3 consumed.\n"
     "Puncture biopsy of the kidney (PBR) of 18/03/2025: lupus nephritis classe IV-G (A) ISN/RPS.\n"
     "Treatment: 3 bolus de Solumédrol then prednisone 60 mg/day from 21/03/2025, Cellcept 600 mg/m2 x 2/day "
     "introduced the 01/04/2025. Hydroxychloroquine (Plaquenil)."),
    ("2026-07-20", "rcp",
     "RÉUNION DE CONCERTATION PLURIDISCIPLINAIRE (RCP) néphro-rhumatologie pédiatrique\n"
     "Girl of 14 years. Lupus nephritis under Cellcept + prednisone since 16 months, without remission: "
     "proteinuria persistent.\nSecond PBR realised 12/07/2026: classe IV-G (A/C), AI 9/24, CI 2/12.\n"
     "Proposition: screening for a CAR-T protocol; the balance sheet to be made in day hospital."),
    ("2026-10-29", "day_hospital",
     "HÔPITAL DE JOUR - pédiatrie\nSLEDAI-2K at 14 points today.\nImmunophénotypage lymphocytaire of 28/10/2026: "
     "LB CD19+ 14 % (soit 224/mm³).\nLansky 90. Good venous capital. Haemodynamics stable, TA 108/64.\n"
     "Beta-HCG negative."),
], visits=[FR("2026-10-28", upcr=210, upcr_disp="g/mmol")])

P("Y002", "tp_percent_vs_seconds+recent_cyc", "France", birth="2011-09-03", dob_in_text=True, sex="M",
  hard="TP 64 % printed next to temps de Quick 15,2 s: PT is 15.2 s (<= 1.5 x 13.5), not 64 s; INR 1,32 <= 1.8. "
       "Endoxan NIH bolus 15/09/2026 is 66 days before the as-of: HO x_cyc met.",
  ho={"x_cyc": "met"}, notes=[
    ("2025-09-10", "clinic",
     "Consultation néphrologie pédiatrique, CHU de Bordeaux.\nBoy born the 03/09/2011.\n"
     "LED (lupus érythémateux disséminé) diagnosed in June 2025 with nephrotic syndrome; AAN 1/640 homogeneous.\n"
     "Prednisone since 06/2025, Cellcept since 07/2025."),
    ("2026-06-26", "hospitalisation",
     "Compte rendu d'hospitalisation (traduit du français).\nPBR of 22/06/2026: lupus nephritis classe III (A) + V "
     "ISN/RPS. Renal relapse under Cellcept.\nDecision of the RCP: Endoxan protocol NIH (monthly bolus 500 mg/m2), "
     "first bolus the 25/06/2026. Cellcept stopped, prednisone continued."),
    ("2026-09-15", "day_hospital",
     "Hôpital de jour. 4th bolus of Endoxan (protocole NIH) done today 15/09/2026. Good tolerance, no vomiting."),
    ("2026-10-21", "day_hospital",
     "Hôpital de jour, bilan pré-inclusion.\nSLEDAI-2K = 12. Phénotypage lymphocytaire: CD19+ 11 %.\n"
     "ECOG 1. Proteinuria persistent (see balance sheet of 20/10).\nThe TP at 64 % is explained by a vitamin K "
     "deficit (malabsorption); vitamin K1 prescribed, to control."),
], visits=[FR("2026-10-20", tp=64, pt=15.2, pt_uln=13.5, inr=1.32, inr_uln=1.2, upcr=150)])

P("Y003", "tp_percent_only", "Belgium", birth="2013-01-22", structured=True, sex="F",
  hard="Coagulation given only as TP 88 % (a percent activity, not a time) + INR: pt unknown, inr met. "
       "CD19+ 0,4 % (5/mm3) is low but present: cd19 met. Rituximab 03/2025 is outside the 12-month window.",
  nct={"pt": "unknown"}, notes=[
    ("2025-11-05", "rcp",
     "RCP Néphrologie pédiatrique - CHR Citadelle, Liège.\nLES à début pédiatrique connu depuis 02/2024 "
     "(AAN 1/320). PBR du 29/10/2025 : classe IV-S (A).\nTraitement: prednisolone depuis 02/2024; rituximab "
     "2 x 750 mg/m² en mars 2025; MMF (CellCept) débuté le 04/11/2025."),
    ("2026-09-10", "hospitalisation",
     "Compte rendu d'hospitalisation (translation): control puncture biopsy of 08/09/2026: classe IV-G (A/C) ISN/RPS, "
     "no histological response after 10 months of MMF."),
    ("2026-10-15", "day_hospital",
     "Hôpital de jour.\nSLEDAI-2K 10.\nPhénotypage: lymphocytes B CD19+ 0,4 % (5/mm³) - profound but incomplete "
     "depletion, B cells still present.\nLansky 80."),
], visits=[FR("2026-10-14", pt=None, pt_uln=None, tp=88, inr=1.06, upcr=140, upcr_disp="g/mmol")])

P("Y004", "ast_over_3N", "France", birth="2010-06-30", structured=True, sex="F",
  hard="Liver tests written as multiples of normal: ALAT 2 x N (alt met, HO x_alt not_met since <= 2.5), "
       "ASAT 3,5 x N (ast not_met); no myositis (CPK normal).",
  nct={"ast": "not_met"}, notes=[
    ("2025-08-12", "hospitalisation",
     "COMPTE RENDU D'HOSPITALISATION - Hôpital de la Timone, Marseille.\nAdolescent girl, LES diagnosed 08/2025 "
     "(AAN 1/2560, anti-Sm+). Prednisone 1 mg/kg from 05/08/2025 and Cellcept from 20/08/2025."),
    ("2026-08-03", "pathology",
     "ANATOMIE PATHOLOGIQUE - ponction-biopsie rénale du 30/07/2026.\nConclusion: néphropathie lupique "
     "classe IV-G (A) + V, ISN/RPS 2018, indice d'activité 10/24, chronicité 1/12."),
    ("2026-11-04", "day_hospital",
     "Hôpital de jour.\nSLEDAI-2K 16. CD19+ 18 %. Lansky 70.\nCytolyse hépatique modérée (cf. bilan), CPK normales, "
     "pas de myosite; échographie hépatique normale.\nPersistent nephrotic proteinuria under MMF."),
], visits=[FR("2026-11-03", ast_xn=3.5, alt_xn=2, upcr=180)])

P("Y005", "myositis_liver", "Switzerland", birth="2009-11-11", dob_in_text=True, sex="F", myositis=True,
  hard="ALAT 168 and ASAT 240 with printed N < 40 are > 3 x ULN, but the patient has biopsy-proven lupus myositis: "
       "alt/ast manual (registry exception). For HO (no exception) x_alt is met.",
  nct={"alt": "manual", "ast": "manual"}, ho={"x_alt": "met"}, notes=[
    ("2025-10-02", "clinic",
     "HUG Genève - consultation de rhumatologie pédiatrique.\nPatiente née le 11/11/2009. LES avec atteinte rénale "
     "(AAN 1/640). Prednisone depuis le 15/09/2025, tacrolimus (Advagraf) depuis le 01/10/2025."),
    ("2026-09-30", "hospitalisation",
     "Compte rendu d'hospitalisation (translation).\nMuscular weakness of the belts, CPK 3200 U/L. Lupus myositis "
     "confirmed (IRM of the thighs + muscular biopsy 22/09/2026).\nPBR of 24/09/2026: classe IV-S (A) ISN/RPS."),
    ("2026-10-31", "day_hospital",
     "Hôpital de jour.\nSLEDAI-2K 18. CD19+ 16 %. ECOG 2.\nTransaminases elevated in the frame of the myositis.\n"
     "Proteinuria: no remission under tacrolimus + prednisone."),
], visits=[FR("2026-10-30", ast_xn=None, alt_xn=None, alt=168, alt_uln=40, ast=240, ast_uln=40, upcr=230)])

P("Y006", "upcr_g_per_mmol", "France", birth="2012-12-02", structured=True, sex="M",
  hard="RPC 0,085 g/mmol = 85 mg/mmol = 0.75 g/g: proteinuria NOT in remission (refractory met), but below the "
       "HO threshold of 100 mg/mmol (upcr not_met). Reading 0,085 as g/g gives remission.",
  ho={"upcr": "not_met"}, notes=[
    ("2025-01-20", "hospitalisation",
     "Compte rendu d'hospitalisation - CHU de Lille.\nBoy, lupus (LES) with nephrotic syndrome. AAN 1/1280.\n"
     "Bolus de Solumédrol x3 from 14/01/2025, then Cortancyl (prednisone). Cellcept introduced the 28/01/2025."),
    ("2026-09-18", "rcp",
     "RCP: control PBR of 16/09/2026: néphropathie lupique classe III (A/C) + V.\nNo complete remission after "
     "20 months of Cellcept + corticoids."),
    ("2026-10-08", "day_hospital",
     "HDJ. SLEDAI-2K 9. Cytométrie: CD19+ 21 %. Lansky 90."),
], visits=[FR("2026-10-07", upcr=85, upcr_disp="g/mmol")])

P("Y007", "remission_superseding", "Belgium", birth="2011-08-19", structured=True, sex="F",
  hard="Stale RPC 250 mg/mmol (02/07/2026) superseded by RPC 42 mg/mmol (22/10/2026) = 0.37 g/g: "
       "refractory not_met (remission), HO upcr not_met.",
  nct={"refractory": "not_met"}, ho={"upcr": "not_met"}, notes=[
    ("2025-06-11", "clinic",
     "Cliniques universitaires Saint-Luc, Bruxelles. Néphrologie pédiatrique.\nLES connu, néphropathie lupique.\n"
     "AAN 1/640. Prednisolone since 03/2025, MMF since 04/2025."),
    ("2026-07-03", "rcp",
     "RCP: PBR du 01/07/2026 : classe IV-G (A). Protéinurie néphrotique persistante (RPC 250 mg/mmol). "
     "Augmentation du MMF."),
    ("2026-10-23", "day_hospital",
     "Hôpital de jour.\nSLEDAI-2K 8. CD19+ 10 %. Lansky 90.\nRenal response: RPC went from 250 to 42 mg/mmol."),
], visits=[FR("2026-07-02", upcr=250), FR("2026-10-22", upcr=42)])

P("Y008", "br_adult_lymphopenia_24h_only", "Brazil", birth="2006-02-15", structured=True, sex="F",
  hard="Brazilian counts with dot thousands separators: linfócitos 850/mm³ = 0.85 (not_met); leucócitos 4.200/mm³ "
       "= 4.2 (met). Age 20 (NCT not_met). Proteinuria only as 24-h collection: HO upcr unknown (needs UPCR).",
  nct={"age": "not_met", "lymph": "not_met"}, ho={"upcr": "unknown"}, notes=[
    ("2025-05-06", "clinic",
     "Ambulatório de Reumatologia - HC-FMUSP, São Paulo.\nPaciente de 19 anos com LES desde os 14 anos, "
     "nefrite lúpica. FAN 1:1280 padrão nuclear homogêneo.\nPrednisona desde 2020; ciclofosfamida EV (2021); "
     "micofenolato de mofetila desde 03/2024."),
    ("2026-08-20", "pathology",
     "Laudo anatomopatológico - biópsia renal de 14/08/2026: nefrite lúpica classe IV-G (A) ISN/RPS."),
    ("2026-10-10", "clinic",
     "Retorno. SLEDAI-2K 12. Citometria de fluxo: linfócitos B CD19+ 6 %. ECOG 1.\n"
     "Sem remissão renal apesar de micofenolato + prednisona."),
], visits=[BR("2026-10-09", wbc=4.2, anc=3.05, lym=0.85, hb=10.4, creat_mg=0.71, dfg=112, p24=2.1)])

P("Y009", "br_eligible_dot_thousands", "Brazil", birth="2015-03-09", structured=True, sex="F",
  hard="linfócitos 1.150/mm³ = 1.15 x10^9/L (met; not 1.15 cells); UPCR in mg/mg 1,9 = 215 mg/mmol (HO met); "
       "Brazilian TP is in seconds.",
  notes=[
    ("2025-02-14", "hospitalisation",
     "Relatório de alta - Hospital das Clínicas, Recife.\nMenina com LES juvenil e nefrite. FAN 1:640.\n"
     "Pulsoterapia com metilprednisolona em 10/02/2025, depois prednisona; micofenolato de mofetila desde 03/2025."),
    ("2026-08-25", "pathology",
     "Biópsia renal 20/08/2026: nefrite lúpica classe IV-G (A) + V (ISN/RPS 2018)."),
    ("2026-11-05", "clinic",
     "Consulta. SLEDAI-2K 13. Imunofenotipagem: CD19+ 9 %. ECOG 1.\nProteinúria persistente, sem resposta."),
], visits=[BR("2026-11-04", wbc=5.6, anc=3.9, lym=1.15, hb=11.2, upcr=215)])

P("Y010", "redcap_coded_rtx_planned", "France", birth="2010-10-05", structured=True, sex="M",
  hard="REDCap export: bx_class=7 means III+V (data dictionary), rtx_given=2 means planned (not given): "
       "HO x_anti_cd20 not_met; lab_ua_pcr in mg/mmol.",
  notes=[
    ("2025-09-20", "hospitalisation",
     "Compte rendu d'hospitalisation - Hôpital Robert-Debré, Paris.\nAdolescent boy; lupus érythémateux systémique "
     "with renal involvement. AAN 1/640.\nCorticothérapie (prednisone) from 15/09/2025; Cellcept from 01/10/2025."),
    ("2026-10-12", "redcap_export",
     "REDCap export - registre LUPUS-PED (record Y010)\n"
     "dx_sle=1 | ana_titer=640 | bx_date=2026-09-02 | bx_class=7 | sledai2k=12 | gc_start=2025-09-15 | "
     "mmf_start=2025-10-01 | cyc_ever=0 | rtx_given=2 | rtx_last_dose= | cd19_pct=9.5 | cd19_abs=140 | ecog=1 | "
     "venous_access=1\n"
     "# dictionary: dx_sle 0=no 1=yes | bx_class 1=I 2=II 3=III 4=IV 5=V 6=VI 7=III+V 8=IV+V | "
     "rtx_given 0=no 1=yes 2=planned/not given | venous_access 1=adequate 2=difficult"),
    ("2026-10-14", "rcp",
     "RCP: refractory LN under Cellcept + corticoids > 12 months, proteinuria persistent. A cure of rituximab is "
     "discussed if the CAR-T screening fails."),
], visits=[V("2026-10-12", "rc", wbc=7.1, anc=4.6, lym=1.7, hb=12.1, alt=22, ast=28, tbil=6, inr=1.02, pt=12.1,
             creat=58, dfg=96, upcr=160)])

P("Y011", "redcap_rtx_given_cd19_zero", "Cameroon", birth="2009-07-01", structured=True, sex="F",
  hard="REDCap coded rtx_given=1 with rtx_last_dose=2026-03-10 (within 12 months: HO excluded); cd19_pct=0 and "
       "cd19_abs=0 -> cd19 not_met.",
  nct={"cd19": "not_met"}, ho={"x_anti_cd20": "met"}, notes=[
    ("2025-10-15", "clinic",
     "Centre Mère et Enfant de la Fondation Chantal Biya, Yaoundé - néphrologie pédiatrique.\nAdolescente avec "
     "LES (AAN 1/320) et néphropathie lupique. Prednisone depuis 08/2025, mycophénolate mofétil depuis 09/2025."),
    ("2026-10-02", "redcap_export",
     "REDCap export - registre AFRILUPUS (record Y011)\n"
     "dx_sle=1 | ana_titer=320 | bx_date=2026-08-25 | bx_class=4 | sledai2k=10 | gc_start=2025-08-15 | "
     "mmf_start=2025-09-10 | rtx_given=1 | rtx_last_dose=2026-03-10 | cd19_pct=0 | cd19_abs=0 | ecog=1\n"
     "# dictionary: bx_class 1=I 2=II 3=III 4=IV 5=V 6=VI 7=III+V 8=IV+V | rtx_given 0=no 1=yes 2=planned/not given"),
    ("2026-10-03", "clinic",
     "Consultation: protéinurie persistante, pas de rémission. Patient informed of the possible protocols."),
], visits=[V("2026-10-02", "rc", wbc=5.2, anc=3.3, lym=1.2, hb=10.8, alt=30, ast=35, tbil=9, inr=1.1, pt=12.9,
             creat=64, dfg=88, upcr=190)])

P("Y012", "rtx_cure_planned_not_given+dayfirst_pbr+schwartz", "France", birth="2013-05-17", structured=True, sex="M",
  hard="Rituximab 'cure' proposed in RCP then NOT performed (parental refusal): HO x_anti_cd20 not_met, CD19 12 % "
       "met. PBR 04/06/2026 is 4 June (169 days, met), not 6 April. No stated DFG: Schwartz from taille 150 cm and "
       "creatinine 56 umol/L = 36.5*150/56 = 98.",
  notes=[
    ("2024-11-08", "clinic",
     "CHU de Toulouse, Hôpital des Enfants. LES pédiatrique avec néphropathie (AAN 1/1280).\n"
     "Prednisone depuis 10/2024. Plan: tacrolimus if no response."),
    ("2025-01-20", "prescription",
     "ORDONNANCE du 20/01/2025\n- Advagraf (tacrolimus LP) 3 mg le matin, à débuter le 20/01/2025\n"
     "- Cortancyl 20 mg/j\n- Plaquenil 200 mg/j"),
    ("2026-06-10", "pathology",
     "Compte rendu anatomopathologique. PBR du 04/06/2026 : néphropathie lupique classe IV-G (A), "
     "ISN/RPS; indice d'activité 11/24."),
    ("2026-10-05", "rcp",
     "RCP: LN refractory to tacrolimus + corticoids. Proposition: cure de rituximab 375 mg/m² J1/J15 to discuss "
     "with the family, or inclusion in a CAR-T trial."),
    ("2026-11-05", "day_hospital",
     "Hôpital de jour. The cure of rituximab was finally not realised (refusal of the parents).\n"
     "SLEDAI-2K 11. CD19+ 12 %. Lansky 90. Protéinurie toujours néphrotique."),
], visits=[FR("2026-11-04", dfg=None, creat=56, height=150, upcr=190, upcr_disp="g/mmol")])

P("Y013", "rtx_cure_given_j1_j15", "France", birth="2011-02-14", structured=True, sex="F",
  hard="Rituximab cure given J1 08/10/2026 and J15 22/10/2026: HO x_anti_cd20 met; earlier CD19 12 % (01/09) "
       "superseded by CD19+ < 1/mm3 on 12/11/2026: cd19 not_met.",
  nct={"cd19": "not_met"}, ho={"x_anti_cd20": "met"}, notes=[
    ("2025-04-03", "hospitalisation",
     "Compte rendu d'hospitalisation - Hôpital Necker-Enfants malades.\nLES révélé par une néphropathie lupique "
     "(AAN 1/640). Bolus de Solumédrol 28-30/03/2025 puis prednisone; Cellcept from 02/04/2025."),
    ("2026-09-02", "rcp",
     "RCP: PBR du 26/08/2026 classe IV-G (A/C). CD19+ 12 % le 01/09/2026.\nDecision: cure of rituximab "
     "(J1/J15, 750 mg/m²)."),
    ("2026-10-22", "day_hospital",
     "HDJ: rituximab J15 administered today 22/10/2026 (J1 done the 08/10/2026). Cure complete, no reaction."),
    ("2026-11-12", "day_hospital",
     "HDJ: SLEDAI-2K 12. Immunophénotypage: CD19+ < 1/mm³ (complete B depletion). Lansky 80."),
], visits=[FR("2026-11-12", upcr=160)])

P("Y014", "old_pbr_iv_new_pbr_v", "France", stated=(16, "2026-09-05"), sex="F",
  hard="PBR 2023 classe IV superseded by PBR 18/08/2026 classe V pure: biopsy not_met for both trials.",
  nct={"biopsy": "not_met"}, ho={"biopsy": "not_met"}, notes=[
    ("2023-05-22", "pathology",
     "CHU de Nantes - anatomie pathologique. PBR du 17/05/2023 : glomérulonéphrite lupique classe IV-G (A)."),
    ("2026-09-05", "clinic",
     "Consultation néphrologie pédiatrique. Jeune fille de 16 ans, LES connu depuis 2023 (AAN 1/320).\n"
     "Prednisone depuis 05/2023 et Cellcept depuis 06/2023. Proteinuria persistent.\n"
     "New PBR of 18/08/2026: classe V pure (membranous), no active proliferative lesion, AI 0/24."),
    ("2026-10-16", "day_hospital",
     "HDJ. SLEDAI-2K 8. CD19+ 15 %. Lansky 90."),
], visits=[FR("2026-10-15", upcr=300)])

P("Y015", "old_pbr_ii_new_iii_low_sledai", "Senegal", birth="2012-01-08", dob_in_text=True, sex="M",
  hard="Old PBR 2022 classe II superseded by PBR 03/07/2026 classe III (A/C): biopsy met. SLEDAI-2K 6: not_met.",
  nct={"sledai": "not_met"}, notes=[
    ("2022-11-14", "clinic",
     "Hôpital d'Enfants Albert Royer, Dakar. Garçon né le 08/01/2012. Lupus systémique (AAN 1/640).\n"
     "PBR 10/11/2022: néphropathie lupique classe II (mésangiale). Prednisone started the 14/11/2022."),
    ("2024-03-01", "clinic",
     "Rechute rénale. Introduction du mycophénolate mofétil le 01/03/2024."),
    ("2026-07-08", "hospitalisation",
     "Compte rendu d'hospitalisation (translated). New puncture biopsy realised the 03/07/2026: classe III (A/C) "
     "ISN/RPS, transformation of the old class II."),
    ("2026-10-20", "clinic",
     "Consultation. SLEDAI-2K 6 (improvement). CD19+ 13 %. PS OMS/ECOG 1.\nProteinuria persistent."),
], visits=[FR("2026-10-19", "fr_mm3", upcr=120)])

P("Y016", "only_old_pbr", "Côte d'Ivoire", birth="2012-09-30", structured=True, sex="F",
  hard="Only kidney biopsy is 14/01/2025 (675 days): biopsy unknown for both trials (repeat biopsy needed).",
  nct={"biopsy": "unknown"}, ho={"biopsy": "unknown"}, notes=[
    ("2025-01-20", "hospitalisation",
     "CHU de Yopougon, Abidjan - pédiatrie. Compte rendu d'hospitalisation.\nLupus érythémateux systémique, "
     "AAN 1/1280. PBR du 14/01/2025 : classe IV-G (A).\nBolus de méthylprednisolone then prednisone from "
     "15/01/2025; Endoxan Euro-Lupus (J0 = 20/01/2025)."),
    ("2025-04-10", "clinic",
     "Relais par mycophénolate mofétil (CellCept) à partir du 10/04/2025."),
    ("2026-10-27", "clinic",
     "Consultation. SLEDAI-2K 12. CD19+ 17 %. Lansky 80.\nNo renal remission: nephrotic proteinuria persistent. "
     "No new biopsy since 2025."),
], visits=[FR("2026-10-26", "fr_mm3", upcr=260)])

P("Y017", "pbr_in_ho_window_only", "France", birth="2014-11-25", structured=True, sex="M",
  hard="PBR 'le 2 mars 2026' = 263 days: outside NCT 6 months (unknown), inside HO 12 months (met). Age 11 "
       "(birthday 25 Nov not yet reached).",
  nct={"biopsy": "unknown"}, notes=[
    ("2025-04-18", "clinic",
     "Hôpital de Hautepierre, Strasbourg. Garçon, LES (AAN 1/320). Prednisone depuis 04/2025, "
     "tacrolimus depuis 05/2025."),
    ("2026-03-06", "pathology",
     "PBR réalisée le 2 mars 2026 : néphropathie lupique classe III (A) + V."),
    ("2026-10-09", "day_hospital",
     "HDJ. SLEDAI-2K 10. CD19+ 19 %. Lansky 100. Persistent proteinuria (no remission)."),
], visits=[FR("2026-10-08", upcr=140)])

P("Y018", "euro_lupus_j70_completed", "France", birth="2011-04-04", structured=True, sex="F",
  hard="Euro-Lupus J0 27/05/2026; 6th and last bolus at J70 = 05/08/2026 (107 days): HO x_cyc not_met although "
       "the note saying so is dated 10/09/2026.",
  notes=[
    ("2025-11-18", "hospitalisation",
     "Compte rendu d'hospitalisation - CHU de Rennes.\nDiscovery of a LES (AAN 1/2560) with lupus nephritis.\n"
     "Prednisolone (Solupred) started the 12/11/2025."),
    ("2026-05-27", "day_hospital",
     "HDJ: J0 of the protocol Euro-Lupus (Endoxan 500 mg every 2 weeks x 6), J0 = 27/05/2026."),
    ("2026-09-10", "clinic",
     "Consultation. Protocol Euro-Lupus completed: 6th and last bolus done at J70. Cellcept relay not yet "
     "started.\nControl PBR of 04/09/2026: classe IV-S (A/C), no response."),
    ("2026-10-16", "day_hospital",
     "HDJ. SLEDAI-2K 14. CD19+ 12 %. Lansky 80."),
], visits=[FR("2026-10-15", upcr=180)])

P("Y019", "new_dx_euro_lupus_ongoing", "France", birth="2012-07-07", structured=True, sex="M",
  hard="New diagnosis 08/2026: all immunosuppressant starts within 183 days -> refractory not_met; Euro-Lupus "
       "J42 given 15/10/2026 -> HO x_cyc met.",
  nct={"refractory": "not_met"}, ho={"x_cyc": "met"}, notes=[
    ("2026-08-30", "hospitalisation",
     "Compte rendu d'hospitalisation - CHU de Montpellier.\nNew discovery of a LES with renal attack; AAN 1/1280.\n"
     "Bolus de Solumédrol 25-27/08/2026 then prednisone. PBR of 28/08/2026: classe IV-G (A)."),
    ("2026-10-15", "day_hospital",
     "HDJ: Endoxan Euro-Lupus J42 (4th bolus) done today; J0 was 03/09/2026."),
    ("2026-10-16", "clinic",
     "Consultation. SLEDAI-2K 20. CD19+ 22 %. Lansky 80. RPC still high."),
], visits=[FR("2026-10-15", upcr=320)])

P("Y020", "anc_after_gcsf", "France", birth="2010-12-12", structured=True, sex="F", gcsf=True,
  hard="PNN 2,3 G/L on 10/11/2026 but Granocyte (lenograstim) injected 04/11/2026: anc not_met.",
  nct={"anc": "not_met"}, notes=[
    ("2025-05-05", "clinic",
     "CHU Grenoble-Alpes. Adolescente, LES avec néphropathie lupique, AAN 1/640. Prednisone depuis 04/2025, "
     "Cellcept depuis 05/2025."),
    ("2026-09-22", "pathology", "PBR du 17/09/2026 : classe IV-G (A) ISN/RPS 2018."),
    ("2026-11-04", "prescription",
     "ORDONNANCE du 04/11/2026\n- Granocyte 34 (lénograstim) 1 injection sous-cutanée ce jour (neutropénie 0,6 G/L)"),
    ("2026-11-11", "day_hospital",
     "HDJ. SLEDAI-2K 10. CD19+ 9 %. Lansky 80. Proteinuria persistent."),
], visits=[FR("2026-11-10", anc=2.3, wbc=4.1, upcr=170)])

P("Y021", "septic_shock", "Belgium", birth="2013-03-03", structured=True, sex="M",
  hard="Septic shock 02/11/2026 with noradrenaline: hemo not_met; temps de Quick 22 s (N 11-13,5) and INR 2,0: "
       "pt and inr not_met; IV ceftriaxone within 4 weeks: HO x_infection met.",
  nct={"hemo": "not_met", "pt": "not_met", "inr": "not_met"}, ho={"x_infection": "met"}, notes=[
    ("2025-03-12", "clinic",
     "Grand Hôpital de Charleroi - pédiatrie. LES avec néphrite lupique (AAN 1/640). Prednisolone depuis 02/2025, "
     "MMF depuis 03/2025."),
    ("2026-09-01", "pathology", "PBR du 27/08/2026 : classe IV-G (A/C)."),
    ("2026-11-08", "hospitalisation",
     "Compte rendu d'hospitalisation (traduction).\nSeptic shock the 02/11/2026 on pneumonia, transfer in "
     "intensive care: noradrenaline 48 h, ceftriaxone IV. SLEDAI-2K 14. CD19+ 10 %. Lansky 50."),
], visits=[FR("2026-11-07", pt=22, pt_uln=13.5, inr=2.0, inr_uln=1.2, tp=38, upcr=200)])

P("Y022", "old_infection_family_varicella", "France", birth="2012-01-20", structured=True, sex="F",
  hard="Pyelonephritis with IV ceftriaxone 02/09-06/09/2026 is > 4 weeks before the as-of: HO x_infection not_met; "
       "varicella is the brother's.",
  notes=[
    ("2025-02-10", "clinic",
     "CHU de Tours. LES pédiatrique (AAN 1/320). Prednisone depuis 01/2025; Cellcept depuis 02/2025."),
    ("2026-09-08", "hospitalisation",
     "Compte rendu d'hospitalisation: acute pyelonephritis, ceftriaxone IV from 02/09 to 06/09/2026 then oral "
     "relay, apyretic. PBR done during the stay 04/09/2026: classe IV-G (A)."),
    ("2026-11-02", "day_hospital",
     "HDJ. Her brother has the varicella; the patient herself has no fever and no eruption.\n"
     "SLEDAI-2K 12. CD19+ 15 %. Lansky 90. Proteinuria persistent."),
], visits=[FR("2026-11-02", upcr=150)])

P("Y023", "pregnant_17", "France", birth="2009-05-05", structured=True, sex="F",
  hard="Positive beta-HCG 12/11/2026 (7 SA): HO x_preg met (NCT has no pregnancy criterion).",
  ho={"x_preg": "met"}, notes=[
    ("2025-01-15", "clinic",
     "CHU de Reims. Adolescente, LES avec atteinte rénale (AAN 1/640). Prednisone depuis 12/2024, MMF depuis "
     "01/2025."),
    ("2026-08-28", "pathology", "PBR du 25/08/2026 : classe III (A) + V."),
    ("2026-11-13", "day_hospital",
     "HDJ. Bêta-HCG positifs le 12/11/2026: grossesse de 7 SA, MMF stopped (teratogen), relay azathioprine "
     "discussed.\nSLEDAI-2K 10. CD19+ 11 %. Lansky 90. Proteinuria persistent."),
], visits=[FR("2026-11-12", upcr=130)])

P("Y024", "young_adult_22", "Switzerland", birth="2004-05-30", structured=True, sex="F",
  hard="Age 22: NCT age not_met, HO age met. Beta-HCG negative, not breastfeeding: x_preg not_met.",
  nct={"age": "not_met"}, notes=[
    ("2024-06-20", "clinic",
     "CHUV Lausanne - transition adolescents/adultes. LES depuis 2019 (AAN 1/1280). Prednisone et "
     "mycophénolate depuis 2023."),
    ("2026-09-25", "pathology", "PBR du 22/09/2026 : néphrite lupique classe IV-S (A) + V."),
    ("2026-10-30", "clinic",
     "Consultation. SLEDAI-2K 12. CD19+ 14 %. ECOG 0. Bêta-HCG négatifs, pas d'allaitement. "
     "Protéinurie persistante."),
], visits=[FR("2026-10-29", upcr=210)])

P("Y025", "age_8_cd19_stale", "France", birth="2018-02-11", structured=True, sex="M",
  hard="Age 8: NCT met, HO not_met (< 10). Only CD19 result 10/06/2026 is stale: cd19 unknown.",
  nct={"cd19": "unknown"}, ho={"age": "not_met"}, notes=[
    ("2025-03-03", "hospitalisation",
     "HFME Lyon. Boy of 7 years, childhood-onset SLE with nephritis (AAN 1/640). Bolus Solumédrol then "
     "prednisone from 25/02/2025; Cellcept from 03/03/2025."),
    ("2026-06-12", "day_hospital", "HDJ: phénotypage lymphocytaire du 10/06/2026: CD19+ 15 %."),
    ("2026-09-30", "pathology", "PBR du 24/09/2026 : classe IV-G (A)."),
    ("2026-11-03", "day_hospital", "HDJ. SLEDAI-2K 12. Lansky 90. Proteinuria persistent."),
], visits=[FR("2026-11-02", upcr=160, dfg=108)])

P("Y026", "stated_18_all_labs_stale", "Belgium", stated=(18, "2026-01-10"), sex="F",
  hard="Stated age 18 on 10/01/2026 -> 18 or 19 at as-of: NCT age unknown, HO met. The 20/09/2026 note recopies "
       "the bilan of 09/08/2026 (9 August, 103 days): all labs and CD19 stale -> unknown; no proteinuria in lookback.",
  nct={"age": "unknown", "refractory": "unknown", "cd19": "unknown", "lymph": "unknown", "wbc": "unknown",
       "anc": "unknown", "hb": "unknown", "alt": "unknown", "ast": "unknown", "tbil": "unknown",
       "egfr": "unknown", "inr": "unknown", "pt": "unknown"},
  ho={"upcr": "unknown", "egfr": "unknown", "x_alt": "unknown"}, notes=[
    ("2026-01-10", "clinic",
     "Hôpital universitaire des enfants Reine Fabiola (HUDERF). Adolescente de 18 ans, LES depuis 2022 "
     "(AAN 1/320). Prednisone depuis 2022, MMF depuis 03/2024."),
    ("2026-07-06", "pathology", "PBR du 01/07/2026 : classe IV-G (A)."),
], visits=[FR("2026-08-09", upcr=220, note_date="2026-09-20", note_type="clinic",
              head="Consultation de transition du 20/09/2026. SLEDAI-2K ce jour: 10. Karnofsky 90.\n"
                   "Rappel du bilan du 09/08/2026 (no new balance sheet since): CD19+ 7 % le 09/08/2026.")])

P("Y027", "anaemia_dfg_38", "France", birth="2011-09-09", structured=True, sex="M",
  hard="Hb 5,8 g/dL = 58 g/L < 60: hb not_met. DFG 38: NCT egfr met (>= 30), HO egfr not_met (< 45).",
  nct={"hb": "not_met"}, ho={"egfr": "not_met"}, notes=[
    ("2025-04-22", "clinic",
     "CHU de Clermont-Ferrand. LES (AAN 1/1280), néphropathie lupique. Prednisone depuis 03/2025, Cellcept "
     "depuis 04/2025."),
    ("2026-09-15", "pathology", "PBR du 10/09/2026 : classe IV-G (A/C), AI 12/24, CI 4/12."),
    ("2026-11-10", "hospitalisation",
     "Compte rendu d'hospitalisation: haemolytic anaemia, transfusion of 1 CGR planned.\nSLEDAI-2K 16. "
     "CD19+ 8 %. Lansky 60. Nephrotic proteinuria."),
], visits=[FR("2026-11-09", hb=5.8, creat=140, dfg=38, upcr=400)])

P("Y028", "dfg_22_gilbert", "France", birth="2010-03-15", structured=True, sex="F", gilbert=True,
  hard="DFG 22 -> NCT egfr manual (SLE-related impairment, investigator), HO not_met. Gilbert syndrome: bilirubin "
       "44 umol/L (N < 17) <= 3 x 17 = 51 -> tbil met.",
  nct={"egfr": "manual"}, ho={"egfr": "not_met"}, notes=[
    ("2025-02-02", "clinic",
     "CHRU de Nancy. Adolescente, LES (AAN 1/640) avec néphropathie lupique; syndrome de Gilbert connu.\n"
     "Prednisone depuis 01/2025, tacrolimus depuis 02/2025."),
    ("2026-10-05", "pathology", "PBR du 30/09/2026 : classe IV-G (A) + V, lésions actives."),
    ("2026-11-06", "day_hospital",
     "HDJ. SLEDAI-2K 18. CD19+ 12 %. Lansky 70. Renal insufficiency related to the lupus, no remission."),
], visits=[FR("2026-11-05", tbil=44, tbil_uln=17, creat=230, dfg=22, upcr=380)])

P("Y029", "us_units_bili_inr_alt", "Belgium", birth="2012-06-06", structured=True, sex="M",
  hard="Belgian note in English with US units: T bili 2.1 mg/dL (0.2-1.2) > 1.8 -> not_met; INR 1.9 (ULN 1.2) > "
       "1.8 -> not_met; PT 16.8 s (ULN 13.5) <= 20.25 -> met; ALT 130 (7-40) = 3.25 x ULN -> not_met, HO x_alt met.",
  nct={"tbil": "not_met", "inr": "not_met", "alt": "not_met"}, ho={"x_alt": "met"}, notes=[
    ("2025-05-14", "clinic",
     "HUB Brussels - paediatric nephrology (note written in English by the fellow).\nBoy with SLE, ANA 1:640, "
     "lupus nephritis. Prednisolone since 04/2025, MMF since 05/2025."),
    ("2026-10-01", "pathology", "Kidney biopsy 28/09/2026: LN class IV-G (A), ISN/RPS 2018."),
    ("2026-11-10", "clinic",
     "Clinic. SLEDAI-2K 14. CD19+ 11%. Lansky 80. Persistent proteinuria. Cholestatic picture under "
     "investigation, no myositis (CK normal)."),
], visits=[V("2026-11-09", "en", wbc=5.9, anc=3.6, lym=1.3, hb=11.0, alt=130, alt_lo=7, alt_uln=40, ast=90, ast_lo=10,
             ast_uln=40, tbil_mg=2.1, tbil_uln=1.2, pt=16.8, pt_uln=13.5, inr=1.9, inr_uln=1.2, creat_mg=0.6, dfg=95,
             upcr=180)])

P("Y030", "sle_ruled_out_iga", "Senegal", birth="2013-02-14", dob_in_text=True, sex="M",
  hard="SLE ruled out (AAN négatifs x2, EULAR/ACR not fulfilled), biopsy IgA nephropathy: sle, biopsy, ana not_met; only agent prednisone started 10/09/2026 (within 183 days): refractory not_met.",
  nct={"sle": "not_met", "biopsy": "not_met", "ana": "not_met", "sledai": "unknown", "refractory": "not_met",
       "cd19": "unknown", "ecog": "unknown"},
  ho={"sle": "not_met", "biopsy": "not_met"}, notes=[
    ("2026-09-14", "clinic",
     "Hôpital d'Enfants de Diamniadio. Garçon né le 14/02/2013, adressé pour suspicion de lupus (hématurie, "
     "protéinurie). Prednisone started 10/09/2026."),
    ("2026-10-06", "pathology",
     "PBR du 01/10/2026 : néphropathie à IgA (maladie de Berger), Oxford M1 E0 S1 T0 C0; pas de néphropathie "
     "lupique."),
    ("2026-10-20", "rcp",
     "RCP: AAN négatifs à deux reprises, anti-DNA négatifs, C3 normal. Les critères EULAR/ACR 2019 ne sont pas "
     "remplis: diagnostic de LES écarté. Diagnostic retenu: néphropathie à IgA."),
], visits=[FR("2026-10-19", upcr=160)])

P("Y031", "ana_no_titre_stated_age_9", "Côte d'Ivoire", stated=(9, "2026-03-16"), sex="F",
  hard="'AAN positifs (titre non précisé)' -> ana unknown; no SLEDAI, no performance score; only a dipstick, so HO "
       "upcr unknown while NCT refractory is met on 'protéinurie persistante'. Stated age 9 (16/03/2026) -> 9 or 10: "
       "NCT met, HO unknown.",
  nct={"ana": "unknown", "sledai": "unknown", "ecog": "unknown"}, ho={"age": "unknown", "upcr": "unknown"}, notes=[
    ("2026-03-16", "clinic",
     "CHU de Treichville, Abidjan - pédiatrie. Fillette de 9 ans suivie pour lupus érythémateux systémique avec "
     "néphropathie depuis 2025. AAN positifs (titre non précisé). Prednisone since 01/2025, CellCept since "
     "04/2025."),
    ("2026-09-14", "pathology", "PBR faite le 10/09/2026 : néphropathie lupique classe IV."),
    ("2026-10-28", "clinic",
     "Consultation. Protéinurie persistante malgré CellCept + prednisone (no remission). Bandelette urinaire: "
     "protéines +++. Phénotypage: CD19+ 16 %."),
], visits=[FR("2026-10-27")])

P("Y032", "poor_venous_active_tb", "Cameroon", birth="2011-11-01", structured=True, sex="F",
  hard="'Poor venous capital' (capital veineux pauvre), central access impossible: venous not_met. Active "
       "pulmonary tuberculosis under quadritherapy: HO x_infection met.",
  nct={"venous": "not_met"}, ho={"x_infection": "met"}, notes=[
    ("2025-03-10", "clinic",
     "Hôpital Gynéco-Obstétrique et Pédiatrique de Yaoundé. LES (AAN 1/640) avec néphropathie. Prednisone "
     "depuis 02/2025, Endoxan 2025 then MMF since 06/2025."),
    ("2026-09-10", "pathology", "PBR du 07/09/2026 : classe IV-G (A)."),
    ("2026-10-24", "hospitalisation",
     "Compte rendu d'hospitalisation (translation).\nActive pulmonary tuberculosis (GeneXpert positive) under "
     "quadritherapy since 10/10/2026.\nThe venous capital is very poor: 6 attempts for the balance sheet, central "
     "access judged impossible.\nSLEDAI-2K 12. CD19+ 13 %. Lansky 70. Proteinuria persistent."),
], visits=[FR("2026-10-23", upcr=240)])

P("Y033", "treatment_naive_stated_13", "DR Congo", stated=(13, "2026-09-28"), sex="M",
  hard="Newly diagnosed, 'naïf de tout traitement immunosuppresseur'; Solumédrol only planned: refractory not_met.",
  nct={"refractory": "not_met"}, notes=[
    ("2026-09-28", "clinic",
     "Cliniques universitaires de Kinshasa - néphrologie pédiatrique. Garçon de 13 ans, découverte d'un LES avec "
     "syndrome néphrotique. AAN 1/640. Naïf de tout traitement immunosuppresseur."),
    ("2026-10-02", "pathology", "PBR du 25/09/2026 : néphropathie lupique classe IV-G (A)."),
    ("2026-10-12", "rcp",
     "RCP: bolus de Solumédrol to start after the screening; Endoxan Euro-Lupus discussed. SLEDAI-2K 16. "
     "CD19+ 20 %. Lansky 80."),
], visits=[FR("2026-10-11", hb=8.9, upcr=350, dfg=72)])

P("Y034", "karnofsky_40_neutropenia", "Switzerland", birth="2009-08-08", structured=True, sex="M",
  hard="Karnofsky 40 -> ECOG >= 3: not_met. GB 2600/mm³, PNN 800/mm³ per mm³: wbc and anc not_met.",
  nct={"ecog": "not_met", "wbc": "not_met", "anc": "not_met"}, notes=[
    ("2025-06-03", "clinic",
     "HFR Fribourg. Adolescent, LES (AAN 1/1280). Prednisone depuis 05/2025, Cellcept depuis 06/2025."),
    ("2026-10-10", "pathology", "PBR du 06/10/2026 : classe IV-G (A/C) + V."),
    ("2026-11-14", "hospitalisation",
     "Compte rendu d'hospitalisation: severe flare, bedridden, Karnofsky 40. SLEDAI-2K 22. CD19+ 9 %. "
     "No G-CSF given. Proteinuria nephrotic."),
], visits=[FR("2026-11-13", "fr_mm3", wbc=2.6, anc=0.8, lym=1.1, upcr=420)])

P("Y035", "rtx_outside_12_months", "Brazil", birth="2008-12-01", structured=True, sex="F",
  hard="Rituximabe 01/10/2025 and 15/10/2025: last dose 401 days before the as-of -> HO x_anti_cd20 not_met; "
       "CD19 recovered 8 %. Age 17 (birthday 1 Dec not reached).",
  notes=[
    ("2025-10-16", "clinic",
     "Hospital de Clínicas de Porto Alegre. Adolescente com LES (FAN 1:640) e nefrite lúpica. Prednisona desde "
     "06/2024, micofenolato desde 08/2024. Rituximabe 1 g em 01/10/2025 e 15/10/2025 (2 doses)."),
    ("2026-08-30", "pathology", "Biópsia renal 26/08/2026: nefrite lúpica classe III (A) + V."),
    ("2026-11-09", "clinic",
     "Consulta. Belimumabe em curso. SLEDAI-2K 10. Imunofenotipagem: CD19+ 8 % (recuperação). ECOG 1.\n"
     "Proteinúria persistente."),
], visits=[BR("2026-11-08", upcr=170)])

P("Y036", "lactation_24", "France", birth="2002-03-12", structured=True, sex="F",
  hard="Age 24 (NCT not_met, HO met) and breastfeeding a 3-month-old: HO x_preg met.",
  nct={"age": "not_met"}, ho={"x_preg": "met"}, notes=[
    ("2024-02-10", "clinic",
     "CHU de Rouen. LES depuis l'adolescence (AAN 1/640), néphropathie lupique. Prednisone depuis 2019, "
     "MMF depuis 2022."),
    ("2026-09-18", "pathology", "PBR du 15/09/2026 : classe IV-G (A)."),
    ("2026-11-02", "clinic",
     "Consultation. Accouchement le 01/08/2026; elle allaite son nourrisson de 3 mois.\nSLEDAI-2K 10. "
     "CD19+ 12 %. ECOG 0. Protéinurie persistante."),
], visits=[FR("2026-11-01", upcr=200)])

P("Y037", "suspected_sle_ana_1_40", "Brazil", birth="2013-08-08", structured=True, sex="M",
  hard="'Suspeita de LES (?)' is uncertain -> sle unknown; biopsy only scheduled -> unknown; FAN 1:40 only -> ana "
       "not_met; SLEDAI from 07/2026 stale; prednisone only -> refractory unknown.",
  nct={"sle": "unknown", "biopsy": "unknown", "ana": "not_met", "sledai": "unknown", "refractory": "unknown"},
  ho={"sle": "unknown", "biopsy": "unknown"}, notes=[
    ("2025-12-10", "clinic",
     "Ambulatório de Nefrologia Pediátrica, Belo Horizonte. Menino com síndrome nefrótica e hematúria; "
     "suspeita de LES (?). FAN 1:40 (fraco). Prednisona desde 12/2025."),
    ("2026-07-15", "clinic", "Retorno. SLEDAI-2K 8. Biópsia renal agendada."),
    ("2026-11-03", "clinic",
     "Retorno. Biópsia renal ainda não realizada (agendada para 12/2026). Citometria: CD19+ 18 %. ECOG 1."),
], visits=[BR("2026-11-02", upcr=250)])

P("Y038", "eligible_senegal_mm3", "Senegal", birth="2011-05-20", structured=True, sex="F",
  hard="Counts per mm3 (lymphocytes 1 050/mm3 = 1.05 met); ALAT 3 x N exactly: alt met (<= 3) and HO x_alt met (> 2.5).",
  ho={"x_alt": "met"}, notes=[
    ("2025-01-08", "clinic",
     "CHU Aristide Le Dantec, Dakar. Fillette, LES (AAN 1/2560) avec néphropathie lupique. Prednisone depuis "
     "12/2024, Cellcept depuis 01/2025."),
    ("2026-08-31", "pathology", "PBR du 27/08/2026 : classe IV-G (A) + V."),
    ("2026-10-30", "clinic",
     "Consultation. SLEDAI-2K 12. CD19+ 10 %. PS OMS/ECOG 1. Protéinurie persistante, pas de rémission."),
], visits=[FR("2026-10-29", "fr_mm3", lym=1.05, alt_xn=3, upcr=175)])


# ================================================================= derivation & checks
def age_range(p):
    if p["birth"]:
        b = D(p["birth"])
        a = AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day))
        return a, a
    a, nd = p["stated"]
    n = D(nd)
    el = AS_OF.year - n.year - ((AS_OF.month, AS_OF.day) < (n.month, n.day))
    return a + el, a + el + 1


def age_label(rng, lo, hi):
    a, b = rng
    if a >= lo and b <= hi:
        return "met"
    if b < lo or a > hi:
        return "not_met"
    return "unknown"


def in_lb(d):
    return 0 <= (AS_OF - D(d)).days <= LOOKBACK


def latest(p, key):
    vs = [v for v in p["visits"] if key in v and in_lb(v["date"])]
    return max(vs, key=lambda v: v["date"]) if vs else None


def ratio(v, an, default):
    if an + "_xn" in v:
        return v[an + "_xn"]
    return v[an] / (v.get(an + "_uln") or default)


def second_look(p):
    """Re-derive numeric lab labels from each analyte's latest visit in the lookback."""
    n, h = {}, {}
    v = latest(p, "lym"); n["lymph"] = "unknown" if not v else ("met" if v["lym"] >= 1.0 else "not_met")
    v = latest(p, "wbc"); n["wbc"] = "unknown" if not v else ("met" if v["wbc"] >= 3.0 else "not_met")
    v = latest(p, "anc")
    n["anc"] = "unknown" if not v else ("met" if v["anc"] >= 1.0 and not p["gcsf"] else "not_met")
    v = latest(p, "hb"); n["hb"] = "unknown" if not v else ("met" if v["hb"] * 10 >= 60 else "not_met")
    for an in ("alt", "ast"):
        vs = [x for x in p["visits"] if (an in x or an + "_xn" in x) and in_lb(x["date"])]
        if not vs:
            n[an] = "unknown"
        else:
            x = max(vs, key=lambda y: y["date"])
            r = ratio(x, an, 40)
            n[an] = "met" if r <= 3 else ("manual" if p["myositis"] else "not_met")
            if an == "alt":
                h["x_alt"] = "met" if r > 2.5 else "not_met"
    if "x_alt" not in h:
        h["x_alt"] = "unknown"
    vs = [x for x in p["visits"] if ("tbil" in x or "tbil_mg" in x) and in_lb(x["date"])]
    if not vs:
        n["tbil"] = "unknown"
    else:
        x = max(vs, key=lambda y: y["date"])
        r = x["tbil"] / (x.get("tbil_uln") or 21) if "tbil" in x else x["tbil_mg"] / (x.get("tbil_uln") or 1.2)
        n["tbil"] = "met" if r <= (3.0 if p["gilbert"] else 1.5) else "not_met"
    vs = [x for x in p["visits"] if ("dfg" in x or "creat" in x) and in_lb(x["date"])]
    if not vs:
        n["egfr"] = h["egfr"] = "unknown"
    else:
        x = max(vs, key=lambda y: y["date"])
        g = x["dfg"] if "dfg" in x else 36.5 * x["height"] / x["creat"]
        n["egfr"] = "met" if g >= 30 else "manual"
        h["egfr"] = "met" if g >= 45 else "not_met"
    v = latest(p, "inr")
    n["inr"] = "unknown" if not v else ("met" if v["inr"] <= 1.5 * (v.get("inr_uln") or 1.2) else "not_met")
    v = latest(p, "pt")  # TP percent is not a time: only seconds count
    n["pt"] = "unknown" if not v else ("met" if v["pt"] <= 1.5 * (v.get("pt_uln") or 13.5) else "not_met")
    v = latest(p, "upcr")
    h["upcr"] = "unknown" if not v else ("met" if v["upcr"] >= 100 else "not_met")
    return n, h


def overall(crit, excl):
    vals = [(k, s) for k, s in crit.items() if s != "manual"]
    if any(s == "not_met" for k, s in vals if k not in excl) or any(s == "met" for k, s in vals if k in excl):
        return "ineligible"
    if all(s == "met" for k, s in vals if k not in excl) and all(s == "not_met" for k, s in vals if k in excl):
        return "eligible"
    return "possible"


def relevance(status, crit, disease):
    if status == "eligible":
        return 3
    if status == "possible":
        return 2 if all(crit[k] == "met" for k in disease) else 1
    return 0


def build():
    errs = []
    notes, gold = [], []
    pids = [p["pid"] for p in PATIENTS]
    if pids != [f"Y{i:03d}" for i in range(1, len(pids) + 1)]:
        errs.append("patient ids not Y001.. consecutive")
    for p in PATIENTS:
        items = []
        for (d, t, txt) in p["notes"]:
            items.append((d, t, txt))
        for v in p["visits"]:
            items.append((v.get("note_date", v["date"]), v.get("note_type", "lab"), render_labs(v)))
        items.sort(key=lambda x: x[0])
        for i, (d, t, txt) in enumerate(items, 1):
            if D(d) >= AS_OF:
                errs.append(f"{p['pid']} note dated {d} not before as-of")
            row = {"patient_id": p["pid"], "note_id": f"{p['pid']}-{i:02d}", "note_date": d, "note_type": t,
                   "text": txt}
            if p["structured"]:
                row["birth_date"] = p["birth"]
                row["sex"] = p["sex"]
            notes.append(row)
        alltext = "\n".join(x[2] for x in items)
        # age source must be in the notes
        if p["birth"] and not p["structured"]:
            if dmy(p["birth"]) not in alltext:
                errs.append(f"{p['pid']} birth date not in text")
        if p["stated"] and str(p["stated"][0]) not in alltext:
            errs.append(f"{p['pid']} stated age not in text")
        if not p["birth"] and not p["stated"]:
            errs.append(f"{p['pid']} no age source")
        nl = dict(NCT_DEFAULT); nl.update(p["nct"])
        hl = dict(HO_DEFAULT); hl.update(p["ho"])
        for keys, lab, nm in ((NCT_KEYS, nl, NCT), (HO_KEYS, hl, HO)):
            if list(lab) != keys:
                errs.append(f"{p['pid']} {nm} keys {list(lab)}")
            for k, s in lab.items():
                if s not in STATUSES:
                    errs.append(f"{p['pid']} {nm} {k} bad status {s}")
        for k in ("consent",):
            if nl[k] != "manual" or hl[k] != "manual":
                errs.append(f"{p['pid']} consent must be manual")
        if hl["x_opinion"] != "manual":
            errs.append(f"{p['pid']} x_opinion must be manual")
        rng = age_range(p)
        if age_label(rng, 6, 18) != nl["age"]:
            errs.append(f"{p['pid']} NCT age {nl['age']} vs {rng}")
        if age_label(rng, 10, 25) != hl["age"]:
            errs.append(f"{p['pid']} HO age {hl['age']} vs {rng}")
        n2, h2 = second_look(p)
        for k, s in n2.items():
            if nl[k] != s:
                errs.append(f"{p['pid']} NCT {k}: label {nl[k]} vs second look {s}")
        for k, s in h2.items():
            if hl[k] != s:
                errs.append(f"{p['pid']} HO {k}: label {hl[k]} vs second look {s}")
        sn = overall(nl, set())
        sh = overall(hl, set(HO_EXCL))
        gold.append({"trial": NCT, "patient_id": p["pid"], "status": sn,
                     "relevance": relevance(sn, nl, ("sle", "biopsy", "refractory")), "criteria": nl,
                     "archetype": p["arch"]})
        gold.append({"trial": HO, "patient_id": p["pid"], "status": sh,
                     "relevance": relevance(sh, hl, ("sle", "biopsy")), "criteria": hl, "archetype": p["arch"]})
    ids = [n["note_id"] for n in notes]
    if len(ids) != len(set(ids)):
        errs.append("duplicate note ids")
    if len(PATIENTS) < 30:
        errs.append("fewer than 30 patients")
    if len(notes) < 100:
        errs.append(f"fewer than 100 notes ({len(notes)})")
    return notes, gold, errs


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    notes, gold, errs = build()
    if errs:
        print("SELF-CHECK FAILED, nothing written:", file=sys.stderr)
        for e in errs:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    with open(os.path.join(out, "notes.jsonl"), "w", encoding="utf-8") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "gold.jsonl"), "w", encoding="utf-8") as f:
        for g in gold:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    c = Counter((g["trial"], g["status"]) for g in gold)
    print(f"ok: {len(PATIENTS)} patients, {len(notes)} notes, {len(gold)} gold lines")
    for k in sorted(c):
        print("  ", k, c[k])


if __name__ == "__main__":
    main()
