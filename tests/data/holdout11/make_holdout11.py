#!/usr/bin/env python3
"""Hold-out 11: machine-borne outside records (OCR'd faxes, LIS printouts, HL7,
pharmacy logs, coded problem lists, phone/triage notes, prior-auth letters) from
Ireland, UK general practice, US community practices and the Caribbean.

stdlib only.  Run:  nice -n 19 python3 make_holdout11.py
Writes notes.jsonl, gold.jsonl next to this file, after self-checks pass.
Note texts are hand-written below; lab blocks are rendered from per-visit
values by L()/CUM(), which also record the values for the second-look check.
Criterion labels are hand-written per patient (defaults + overrides).
"""
import datetime as dt
import json
import os
import sys

ASOF = dt.date(2026, 11, 20)
LOOKBACK = 90
OUT = os.path.dirname(os.path.abspath(__file__))
D = dt.date.fromisoformat

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt",
            "hemo", "ana", "ecog"]
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "consent",
           "x_altast", "x_cd20", "x_cyc", "x_infection", "x_preg", "x_investigator"]
STATUSES = {"met", "not_met", "unknown", "manual"}

NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = dict(age="met", sle="met", biopsy="met", upcr="met", egfr="met", consent="manual",
                  x_altast="not_met", x_cd20="not_met", x_cyc="not_met", x_infection="not_met",
                  x_preg="not_met", x_investigator="manual")

# ---------------------------------------------------------------- lab helper
LABS = {}      # pid -> list of dict(a, date, v, uln)
HEIGHTS = {}   # pid -> list of (date, cm)
CUR = [None]

PER_UL = {"/uL", "/mm3", "cells/uL", "cells/cmm", "/µL", "cells/mcL"}
NAMES = {
    "si": dict(wbc="White cell count", anc="Neutrophils (abs)", lymph="Lymphocytes (abs)",
               hb="Haemoglobin", plt="Platelets", alt="ALT", ast="AST", tbil="Bilirubin (total)",
               creat="Creatinine", egfr="eGFR (bedside Schwartz)", inr="INR", pt="Prothrombin time",
               upcr="Urine protein:creatinine", cd19="CD19+ B cells", k="Potassium", crp="CRP",
               c3="C3", dsdna="Anti-dsDNA"),
    "us": dict(wbc="WBC", anc="ANC", lymph="Lymphs, absolute", hb="Hemoglobin", plt="Platelets",
               alt="ALT (SGPT)", ast="AST (SGOT)", tbil="Bilirubin, Total", creat="Creatinine, serum",
               egfr="eGFR", inr="INR", pt="PT", upcr="Prot/Creat Ratio, Urine", cd19="CD19 B cells",
               k="Potassium", crp="CRP", c3="C3", dsdna="dsDNA Ab"),
}
LOINC = dict(wbc="6690-2^WBC", anc="751-8^Neutrophils #", lymph="731-0^Lymphocytes #",
             hb="718-7^Hemoglobin", plt="777-3^Platelets", alt="1742-6^ALT", ast="1920-8^AST",
             tbil="1975-2^Bilirubin total", creat="2160-0^Creatinine", egfr="62238-1^eGFR",
             inr="6301-6^INR", pt="5902-2^PT", upcr="2890-2^Protein/Creat urine",
             cd19="8117-2^CD19 cells/100 cells", k="2823-3^Potassium", crp="1988-5^CRP",
             c3="4485-9^C3", dsdna="5130-0^dsDNA Ab")
DEF_ULN = dict(alt=40.0, ast=40.0, inr=1.2, pt=13.5)


def canon(a, v, unit):
    u = (unit or "").strip()
    if a in ("wbc", "anc", "lymph", "plt"):
        return v / 1000.0 if u in PER_UL else v
    if a == "hb":
        return v * 10 if u == "g/dL" else v
    if a == "creat":                      # canonical mg/dL (Schwartz)
        return v / 88.4 if u in ("umol/L", "µmol/L") else v
    if a == "upcr":                       # canonical g/g
        if u == "mg/mmol":
            return v / 113.0
        if u == "mg/g":
            return v / 1000.0
        return v
    return v


def ref_hi(ref):
    if not ref:
        return None
    r = ref.replace("<=", "").replace("<", "").replace("≤", "").strip()
    return float(r.split("-")[-1]) if "-" in r else float(r)


def uln_for(a, unit, ref):
    hi = ref_hi(ref)
    if hi is not None:
        return hi
    if a == "tbil":
        return 1.2 if unit == "mg/dL" else 21.0
    return DEF_ULN.get(a)


def fmt_date(d, style):
    if style == "us":
        return d.strftime("%m/%d/%Y")
    if style == "eu":
        return d.strftime("%d/%m/%Y")
    if style == "mon":
        return d.strftime("%d-%b-%Y").upper()
    return d.isoformat()


OCR_SUB = [("m", "rn"), ("l", "1"), ("O", "0"), ("S", "5"), ("I", "l")]


def ocrize(name, i):
    sub = OCR_SUB[i % len(OCR_SUB)]
    return name.replace(sub[0], sub[1], 1)


def _record(a, date, v, unit, ref):
    LABS.setdefault(CUR[0], []).append(
        dict(a=a, date=date, v=canon(a, v, unit), uln=uln_for(a, unit, ref), unit=unit))


def _flag(v, ref):
    if not ref or isinstance(v, str):
        return ""
    r = ref.replace(" ", "")
    if r.startswith("<") or r.startswith("≤"):
        return "H" if v > ref_hi(ref) else ""
    lo, hi = (float(x) for x in r.split("-"))
    if v > 3 * hi:
        return "HH"
    return "H" if v > hi else ("L" if v < lo else "")


def _vs(v, ocr_digits=False):
    s = str(v)
    if ocr_digits:
        s = s.replace("0", "O").replace("1", "l", 1)
    return s


def L(collected, rows, layout="lis", dates="iso", names="si", received=None, reported=None,
      ocr_digits=False, title="LABORATORY REPORT"):
    """rows: (analyte, value, unit, ref).  value may be a number, ('corr', old, new),
    or a string such as 'HAEMOLYSED' (not recorded)."""
    cd = D(collected)
    nm = NAMES[names]
    out = []
    if layout == "hl7":
        ts = cd.strftime("%Y%m%d") + "0815"
        out.append("OBR|1|||CBC^CMP^UPCR|||%s|||||||%s" % (ts, ts))
        for i, (a, v, unit, ref) in enumerate(rows, 1):
            if isinstance(v, tuple):
                v = v[2]
            if isinstance(v, str):
                out.append("OBX|%d|ST|%s^LN||%s||||||X" % (i, LOINC[a], v))
                continue
            _record(a, cd, v, unit, ref)
            out.append("OBX|%d|NM|%s^LN||%s|%s|%s|%s|||F" % (i, LOINC[a], _vs(v), unit, ref or "", _flag(v, ref)))
        return "\n".join(out)
    if layout == "inline":
        parts = []
        for a, v, unit, ref in rows:
            if isinstance(v, tuple):
                v = v[2]
            if isinstance(v, str):
                parts.append("%s %s" % (nm[a], v.lower()))
                continue
            _record(a, cd, v, unit, ref)
            parts.append("%s %s %s%s" % (nm[a], _vs(v), unit, " (ref %s)" % ref if ref else ""))
        return "Bloods %s: " % fmt_date(cd, dates) + ", ".join(parts) + "."
    # fixed-width LIS printout (optionally OCR'd)
    ocr = layout == "ocr"
    out.append(title)
    line = "Specimen collected: %s 08:40" % fmt_date(cd, dates)
    if received:
        line += "   Received: %s" % fmt_date(D(received), dates)
    if reported:
        line += "   Reported: %s" % fmt_date(D(reported), dates)
    out.append(line)
    out.append("%-28s %-9s %-4s %-12s %s" % ("TEST", "RESULT", "FLAG", "UNITS", "REF RANGE"))
    corrections = []
    for i, (a, v, unit, ref) in enumerate(rows):
        name = ocrize(nm[a], i) if ocr else nm[a]
        if isinstance(v, tuple):
            _, old, new = v
            corrections.append("CORRECTED REPORT: %s previous value %s %s replaced; amended result %s %s."
                               % (nm[a], _vs(old), unit, _vs(new), unit))
            v = new
            name += " *"
        if isinstance(v, str):
            out.append("%-28s %s" % (name, v))
            continue
        _record(a, cd, v, unit, ref)
        row = "%-28s %-9s %-4s %-12s %s" % (name, _vs(v, ocr and ocr_digits and i % 3 == 0),
                                            _flag(v, ref), unit, ref or "")
        if ocr and i % 4 == 2:
            row = row.replace("  ", " |", 1)
        out.append(row.rstrip())
    out.extend(corrections)
    if ocr:
        out.append("~ ~ end of results ~")
    return "\n".join(out)


def CUM(visits, rows_names, dates="eu", names="si", title="CUMULATIVE REPORT"):
    """visits: list of (collected, {analyte: (value, unit, ref)}) newest first."""
    nm = NAMES[names]
    hdr = "%-28s" % "Test" + "".join("%-12s" % fmt_date(D(c), dates) for c, _ in visits) + "Units      Ref"
    out = [title, hdr]
    for a in rows_names:
        cells, unit, ref = [], "", ""
        for c, vals in visits:
            if a in vals:
                v, unit, ref = vals[a]
                if isinstance(v, str):
                    cells.append("%-12s" % v)
                else:
                    _record(a, D(c), v, unit, ref)
                    cells.append("%-12s" % (_vs(v) + (" " + _flag(v, ref) if _flag(v, ref) else "")))
            else:
                cells.append("%-12s" % "--")
        out.append("%-28s" % nm[a] + "".join(cells) + "%-10s %s" % (unit, ref))
    return "\n".join(out)


def H(date, cm, text="Height"):
    HEIGHTS.setdefault(CUR[0], []).append((D(date), cm))
    return "%s %s cm" % (text, cm)


def SI(**o):
    p = dict(wbc=(6.2, "x10^9/L", "4.0-11.0"), anc=(3.9, "x10^9/L", "1.5-7.5"),
             lymph=(1.6, "x10^9/L", "1.0-4.0"), hb=(118, "g/L", "115-155"),
             alt=(22, "U/L", "7-40"), ast=(28, "U/L", "10-40"), tbil=(8, "umol/L", "3-21"),
             creat=(58, "umol/L", "30-80"), inr=(1.0, "", "0.8-1.2"), pt=(12.1, "s", "10.5-13.5"),
             upcr=(180, "mg/mmol", "0-15"))
    return _panel(p, o)


def US(**o):
    p = dict(wbc=(6.2, "K/uL", "4.5-13.0"), anc=(3.9, "K/uL", "1.8-8.0"),
             lymph=(1.6, "K/uL", "1.0-4.8"), hb=(11.8, "g/dL", "11.5-15.5"),
             alt=(22, "U/L", "0-35"), ast=(28, "U/L", "0-40"), tbil=(0.5, "mg/dL", "0.2-1.2"),
             creat=(0.66, "mg/dL", "0.50-1.00"), inr=(1.0, "", "0.9-1.1"), pt=(12.1, "sec", "11.0-13.5"),
             upcr=(1.6, "mg/mg", "<0.2"))
    return _panel(p, o)


def _panel(p, o):
    order = [k for k in p] + [k for k in o if k not in p]
    rows = []
    for k in order:
        if k in o and o[k] is None:
            continue
        val = o.get(k, p.get(k))
        if k not in p and not isinstance(val, tuple):
            val = (val, "", "")
        elif not isinstance(val, tuple) or (val and val[0] == "corr"):
            base = p[k]
            val = (val,) + base[1:]
        rows.append((k,) + tuple(val))
    return rows


def us(s):
    return D(s).strftime("%m/%d/%Y")


def eu(s):
    return D(s).strftime("%d/%m/%Y")


# ---------------------------------------------------------------- patients
PATIENTS = []


def P(pid, arch, notes, nct=None, ho=None, dob=None, structured=False, sex=None, stated=None,
      myositis=False, gilbert=False, csf=(), hard=None):
    PATIENTS.append(dict(pid=pid, arch=arch, notes=notes, nct=dict(NCT_DEFAULT, **(nct or {})),
                         ho=dict(HO_DEFAULT, **(ho or {})), dob=dob, structured=structured, sex=sex,
                         stated=stated, myositis=myositis, gilbert=gilbert,
                         csf=[D(x) for x in csf], hard=hard))


def N(date, ntype, text):
    return (date, ntype, text)


def begin(pid):
    CUR[0] = pid


# ---- W001: straightforward eligible, US community practice, HL7 + pharmacy log
begin("W001")
P("W001", "eligible_us_hl7", [
    N("2026-10-28", "clinic",
      "LAKESIDE PEDIATRIC NEPHROLOGY, Columbus OH\nVisit 10/28/2026\n"
      "13 yo girl with childhood-onset SLE (M32.14 glomerular disease in SLE), diagnosed 11/2024. "
      "Kidney biopsy 07/14/2026: ISN/RPS class IV-G (A), AI 9/24, CI 1/12.\n"
      "Rx: prednisone since 01/2025 (now 10 mg daily), mycophenolate mofetil (CellCept) 600 mg/m2 BID since 02/2025, "
      "hydroxychloroquine 200 mg daily. Persistent nephrotic-range proteinuria despite this.\n"
      "SLEDAI-2K today 14. ANA 1:640 homogeneous (11/2024). ECOG 1. Good antecubital veins.\n"
      + H("2026-10-28", 152) + ", wt 47 kg. BP 118/74.\nLabs via interface:\n"
      + L("2026-10-28", US(cd19=(12.4, "%", "6-23")), layout="hl7", names="us")),
    N("2026-11-02", "pharmacy",
      "WALGREENS #0412 DISPENSING HISTORY (MM/DD/YYYY)\n"
      "DRUG                      STRENGTH  QTY  DAYS  FILL DATE\n"
      "MYCOPHENOLATE MOFETIL     250MG     180  30    10/30/2026\n"
      "PREDNISONE                10MG      30   30    10/30/2026\n"
      "HYDROXYCHLOROQUINE        200MG     30   30    10/01/2026\n"),
    N("2026-11-09", "telephone",
      "Telephone encounter, RN. Mother called re: appointment for research screening. "
      "Child well, no fever, no cough, no antibiotics. Last menses 10/30/2026. Confirmed DOB 04/22/2013."),
], dob="2013-04-22", structured=True, sex="F")

# ---- W002: Irish faxed letter, OCR, day-first biopsy and collection dates
begin("W002")
P("W002", "eligible_ie_ocr_dayfirst", [
    N("2026-10-09", "fax_ocr",
      "FAX RX 09/10/2026 11:42 FROM 01 409 6100 CHI CRUMLIN  P.1/3\n"
      "Children's Health Ireland at Crurnlin, Dub1in 12 - Paediatric Nephro1ogy\n"
      "Re: AOIFE M. DOB: 09/02/2011\n"
      "Dear Dr Walsh,\nThis 15-year-o1d girl has systemic 1upus erythematosus (dx 2023) with "
      "lupus nephritis. Repeat renal bi-\nopsy on 04/06/2026 showed ISN/RPS class IV + V; activity index 8/24.\n"
      "She has had IV methylprednisolone pulses then oral prednisolone since 2023, and mycophenolate "
      "mofetil since 01/2024; tacrolimus added 03/2025. Despite this UPCR remains high.\n"
      "SLEDAI-2K 12 at clinic 02/10/2026. ANA 1:1280 speckled. Lansky 80.\n"
      "Page 1 of 3\n---- CHI CRUMLIN -- CONFIDENTIAL ---- Page 2 of 3\n"
      + L("2026-10-02", SI(hb=108, wbc=5.1, upcr=240, cd19=(9.0, "%", "6-23")), layout="ocr",
          dates="eu", received="2026-10-02", reported="2026-10-03", ocr_digits=True)
      + "\n" + H("2026-10-02", 158) + "\n---- CHI CRUMLIN -- CONFIDENTIAL ---- Page 3 of 3\n"
      "Veins adequate. Yours sincerely, Dr N. Ó Briain, Consultant Paediatric Nephrologist"),
    N("2026-10-20", "telephone",
      "Phone call w/ mum (Irish referral). No infections since summer, not on antibiotics. "
      "Not sexually active per patient. Happy to attend for screening."),
], dob="2011-02-09", hard="Irish letter: biopsy 04/06/2026 = 4 June (inside 183 d) and bloods "
   "02/10/2026 = 2 Oct (inside lookback); US reading makes both stale. OCR'd values (lO8 = 108, 5.l = 5.1).")

# ---- W003: UK GP LIS printout with corrected ALT
begin("W003")
P("W003", "corrected_alt_uk", [
    N("2026-09-15", "problem_list",
      "THE MEADOWS SURGERY, Leicester - Problem list (printed 15/09/2026)\n"
      "ACTIVE   F371. / 55464009  Systemic lupus erythematosus     from 03/2022\n"
      "ACTIVE   K0A.. / 36402006  Lupus nephritis                  from 05/2023\n"
      "RESOLVED H06z0 / 10509002  Acute bronchitis                 03/01/2026 - 20/01/2026\n"
      "HISTORY  14L.. / 293584003 Drug allergy: co-trimoxazole (rash)"),
    N("2026-10-21", "clinic",
      "Leicester Royal Infirmary - Children's Kidney Clinic. 21/10/2026.\n"
      "16 y/o boy, SLE with class III (A) lupus nephritis on repeat biopsy 18/08/2026. "
      "Treated with prednisolone from 05/2023 and MMF from 06/2023; cyclophosphamide (Euro-Lupus) 2023, "
      "last dose 10/2023. Proteinuria persists - non-responder.\nSLEDAI-2K 10. ANA 1:320. ECOG 0.\n"
      + H("2026-10-21", 171) + "\n"
      + L("2026-10-19", SI(alt=("corr", 140, 84), ast=41, upcr=150, cd19=(14.0, "%", "6-23")),
          layout="lis", dates="eu", received="2026-10-19", reported="2026-10-21",
          title="UHL PATHOLOGY - HAEMATOLOGY/BIOCHEMISTRY")
      + "\nALT was a transcription error on the first release; lab amended."),
], dob="2010-05-30", structured=True, sex="M",
  hard="ALT released as 140 then CORRECTED to 84 (ULN 40 -> 120): met; reading the first value gives not_met.")

# ---- W004: AST above 3xULN from lab's own range (ULN 32)
begin("W004")
P("W004", "ast_uln_printed", [
    N("2026-11-03", "clinic",
      "Desert Sky Pediatrics, Tucson AZ - 11/03/2026\n14-year-old male, SLE since 2022, class IV lupus nephritis "
      "on biopsy 09/09/2026. Prior: prednisone (since 2022), tacrolimus 2023-present. UPCR still elevated.\n"
      "SLEDAI-2K 16. ANA 1:160. ECOG 1. No myalgia, CK normal 96 U/L.\n" + H("2026-11-03", 160) + "\n"
      + L("2026-11-01", US(alt=(88, "U/L", "0-45"), ast=(105, "U/L", "10-32"), upcr=2.2,
                          cd19=(18.0, "%", "6-23")), names="us", dates="us", reported="2026-11-02")),
], dob="2012-07-19", structured=True, sex="M",
  nct=dict(ast="not_met"), ho=dict(x_altast="met"),
  hard="AST 105 against the lab's own ULN 32 (3x=96) is not_met; the default ULN 40 would pass it.")

# ---- W005: specimen collected before the lookback, reported inside it
begin("W005")
P("W005", "specimen_date_stale", [
    N("2026-08-24", "lab",
      "QUEST-LINK COMMUNITY LAB - Spring Valley NY\nDates MM/DD/YYYY\n"
      + L("2026-08-14", US(upcr=1.9, cd19=(7.5, "%", "6-23")), names="us", dates="us",
          received="2026-08-18", reported="2026-08-24")),
    N("2026-09-30", "clinic",
      "Hudson Valley Children's Rheum. 09/30/2026. 12 yo F with lupus nephritis. "
      "Kidney biopsy 06/25/2026: class III+V. On prednisone since 03/2025 and MMF since 04/2025; "
      "partial response only, proteinuria persistent. SLEDAI-2K 9. ANA 1:2560. Lansky 90. "
      "Labs pending - family could not get to the lab this month."),
], dob="2014-03-03", structured=True, sex="F",
  nct=dict(cd19="unknown", lymph="unknown", wbc="unknown", anc="unknown", hb="unknown", alt="unknown",
           ast="unknown", tbil="unknown", egfr="unknown", inr="unknown", pt="unknown"),
  ho=dict(upcr="unknown", egfr="unknown", x_altast="unknown"),
  hard="Lab note dated 08/24 (inside lookback) but specimen collected 08/14/2026, 98 days before as-of: "
       "all labs stale. Refractory still met via 'proteinuria persistent' statement.")

# ---- W006: fax banner date vs old discharge summary from Trinidad
begin("W006")
P("W006", "fax_banner_trinidad", [
    N("2026-11-16", "fax_ocr",
      "11/16/2026 14:02  FROM: EWMSC MED RECORDS  TO: 6145550199  P. 001/002\n"
      "ERIC WILLIAMS MEDICAL SCIENCES COMPLEX, Mount Hope, Trinidad & Tobago\n"
      "DISCHARGE SUMMARY - Paediatric Ward\nAdmitted 28/04/2026   Discharged 12/05/2026\n"
      "Patient: 16 yr old female. Diagnosis: Systemic lupus erythematosus with lupus nephriti5.\n"
      "Renal biopsy 08/05/2026: ISN/RPS class IV-S (A/C).\nTreatment: IV methylprednisolone x3 then "
      "prednisone; IV cyclophosphamide (NIH) started 09/05/2026, 6 monthly doses planned.\n"
      "ANA positive 1:640. SLEDAI-2K on admission 20.\n"
      + L("2026-05-11", SI(upcr=420, hb=92, cd19=(15.0, "%", "6-23")), layout="ocr", dates="eu",
          title="EWMSC LAB") + "\n" + H("2026-05-11", 162) + "\n"
      "Page 2 of 2  ~ EWMSC ~"),
    N("2026-11-17", "telephone",
      "Triage RN call (US clinic). Family relocated from Trinidad 10/2026. Pt reports last cyclophosphamide "
      "infusion was in October before the move (10/03/2026). No fever, no antibiotics. Needs new labs."),
], stated=("2026-11-16", 16), dob=None,
  nct=dict(biopsy="unknown", sledai="unknown", refractory="unknown", cd19="unknown",
           lymph="unknown", wbc="unknown", anc="unknown", hb="unknown", alt="unknown",
           ast="unknown", tbil="unknown", egfr="unknown", inr="unknown", pt="unknown", ecog="unknown"),
  ho=dict(upcr="unknown", egfr="unknown", x_altast="unknown", x_cyc="met"),
  hard="Fax banner 11/16/2026 (US, month-first) is not a clinical date; the Trinidad summary "
       "is day-first: biopsy 8 May 2026 (196 d: NCT unknown; HO 12-month window met), labs 11 May "
       "(stale). Refractory unknown: two agents >183 d but no proteinuria measure/statement in the lookback. "
       "Last CYC 10/03/2026 in the US triage note = 3 Oct, within 91 d -> HO x_cyc met.")

# ---- W007: rituximab on med reconciliation but discontinued > 12 months ago
begin("W007")
P("W007", "rtx_discontinued_medrec", [
    N("2026-10-14", "med_rec",
      "MEDICATION RECONCILIATION - Our Lady's Hospital / CHI Temple Street, Dublin   14/10/2026\n"
      "DRUG                         DOSE          STATUS        START        STOP\n"
      "Prednisolone                 7.5 mg od     ACTIVE        03/2024\n"
      "Mycophenolate mofetil        750 mg bd     ACTIVE        04/2024\n"
      "Hydroxychloroquine           200 mg od     ACTIVE        03/2024\n"
      "Rituximab (Truxima)          750 mg/m2 IV  DISCONTINUED  01/08/2025   14/08/2025 (course complete)\n"
      "Calcichew D3                 1 tab od      PATIENT REPORTS NOT TAKING"),
    N("2026-10-14", "clinic",
      "Nephrology OPD 14/10/2026: 13 yo girl, SLE + class IV lupus nephritis; repeat biopsy 02/07/2026 "
      "again class IV-G (A). Relapse after partial remission; nephrotic again. SLEDAI-2K 18. "
      "ANA 1:640 (2024). Lansky 70.\n" + H("2026-10-14", 149) + "\n"
      + L("2026-10-13", SI(upcr=310, cd19=(8.2, "%", "6-23"), lymph=1.1), layout="inline", dates="eu")),
], dob="2013-06-11", structured=True, sex="F",
  hard="Rituximab listed on the med rec but discontinued 14/08/2025 (>12 months): HO x_cd20 not_met; "
       "B cells recovered (CD19 8.2%). Biopsy 02/07/2026 = 2 July.")

# ---- W008: only one listed agent; MMF only planned
begin("W008")
P("W008", "one_agent_planned_mmf", [
    N("2026-10-06", "clinic",
      "UWI HOSPITAL, Mona, Kingston, Jamaica - Paediatric Rheumatology 06/10/2026\n"
      "14-year-old boy with SLE and lupus nephritis class III on biopsy 15/07/2026. Treated with "
      "prednisolone since 11/2025, hydroxychloroquine and azathioprine since 12/2025. Proteinuria persistent.\n"
      "Plan: consider switching azathioprine to mycophenolate if insurance approves.\n"
      "SLEDAI-2K 10. ANA 1:320. ECOG 1.\n" + H("2026-10-06", 163) + "\n"
      + L("2026-10-05", SI(upcr=160, cd19=(16.0, "%", "6-23")), dates="eu", title="UHWI LAB SERVICES")),
], dob="2012-01-25", structured=True, sex="M",
  nct=dict(refractory="unknown"),
  hard="Only prednisolone is a listed agent (azathioprine and HCQ do not count; MMF is only "
       "'consider'): refractory unknown.")

# ---- W009: resolved pregnancy and resolved UTI on coded problem list
begin("W009")
P("W009", "resolved_preg_uti", [
    N("2026-11-04", "problem_list",
      "Queen Elizabeth Hospital, Bridgetown, Barbados - Coded problem list 04/11/2026\n"
      "M32.14  Glomerular disease in SLE                      ACTIVE    since 09/2024\n"
      "O80     Delivery, uncomplicated (term)                  RESOLVED  15/03/2025\n"
      "N39.0   Urinary tract infection, site not specified     RESOLVED  treated 20/09/2026 - 27/09/2026\n"
      "D68.61  Antiphospholipid antibody                       HISTORY OF - repeat testing negative"),
    N("2026-11-04", "clinic",
      "QEH Renal Clinic 04/11/2026. 18-year-old woman (DOB 23/12/2007), SLE with lupus nephritis, "
      "biopsy 30/06/2026 class IV + V. Prednisone since 09/2024, MMF since 10/2024, tacrolimus since 06/2025; "
      "no remission. SLEDAI-2K 12. ANA 1:1280. Karnofsky 80. Urine hCG negative today. Not breastfeeding.\n"
      + H("2026-11-04", 164) + "\n"
      + L("2026-11-03", SI(upcr=260, cd19=(10.0, "%", "6-23")), dates="eu", title="QEH CLINICAL LABORATORY")),
], dob="2007-12-23",
  hard="Problem list shows a delivery (resolved 03/2025) and a UTI treated in September: HO x_preg "
       "and x_infection both not_met. 18 until 23 Dec 2026: NCT age met. DOB only in text, day-first.")

# ---- W010: myositis overlap: ALT/AST high -> manual for NCT, excluded for HO
begin("W010")
P("W010", "myositis_alt_ast", [
    N("2026-10-27", "clinic",
      "Penn Valley Pediatric Rheumatology (US) 10/27/2026\n15 yo F, SLE/inflammatory myositis overlap "
      "(proximal weakness, CK 5,240 U/L, MRI thigh edema), lupus nephritis class IV on biopsy 08/03/2026. "
      "Meds: prednisone since 2024, MMF since 2024. UPCR persistent >1. SLEDAI-2K 15. ANA 1:2560. ECOG 2.\n"
      "Transaminase rise attributed to myositis (muscle source), not liver.\n" + H("2026-10-27", 155) + "\n"
      + L("2026-10-26", US(alt=(148, "U/L", "0-35"), ast=(212, "U/L", "0-40"), upcr=1.4,
                          cd19=(11.0, "%", "6-23")), names="us", dates="us")),
], dob="2011-09-14", structured=True, sex="F", myositis=True,
  nct=dict(alt="manual", ast="manual"), ho=dict(x_altast="met"),
  hard="ALT/AST > 3xULN from myositis: NCT manual (registry exception) but HO x_altast met (no exception).")

# ---- W011: Gilbert syndrome, Jamaica
begin("W011")
P("W011", "gilbert_bili", [
    N("2026-09-29", "lab",
      "BUSTAMANTE HOSPITAL FOR CHILDREN, Kingston - LABORATORY\n"
      + L("2026-09-28", SI(tbil=(48, "umol/L", "3-21"), upcr=205, cd19=(20.0, "%", "6-23")),
          dates="eu", received="2026-09-28", reported="2026-09-29")),
    N("2026-09-30", "clinic",
      "Bustamante Hospital for Children, renal clinic 30/09/2026. 11 y/o girl. SLE, lupus nephritis class "
      "III (A) biopsy 19/06/2026. Known Gilbert syndrome (UGT1A1 genotyped 2021) - unconjugated bilirubin. "
      "Pred since 01/2025 + MMF since 01/2025, no remission. SLEDAI-2K 11. ANA 1:640. ECOG 0.\n"
      + H("2026-09-30", 142)),
], dob="2015-04-02", structured=True, sex="F", gilbert=True, ho=dict(age="not_met"),
  hard="Bilirubin 48 umol/L is > 1.5xULN(21) but Gilbert syndrome allows 3xULN (63): met.")

# ---- W012: bilirubin too high, no Gilbert (US units)
begin("W012")
P("W012", "tbil_high", [
    N("2026-10-12", "clinic",
      "Bayou Children's Clinic, Baton Rouge LA 10/12/2026. 17 yo male, SLE, class IV LN biopsy 07/30/2026. "
      "Prednisone since 2023, cyclophosphamide 2023, MMF since 2024. Persistent proteinuria. "
      "SLEDAI-2K 13. ANA 1:320. ECOG 1. Hemolysis workup negative; no Gilbert.\n"
      + H("2026-10-12", 176) + "\n"
      + L("2026-10-10", US(tbil=(2.4, "mg/dL", "0.1-1.2"), upcr=1.2, cd19=(9.5, "%", "6-23")),
          names="us", dates="us")),
], dob="2009-02-28", structured=True, sex="M", nct=dict(tbil="not_met"))

# ---- W013: G-CSF within 14 days of ANC
begin("W013")
P("W013", "anc_gcsf", [
    N("2026-10-12", "nursing",
      "Infusion center nursing note 10/12/2026: filgrastim (Zarxio) 300 mcg SC given L arm for "
      "neutropenia (ANC 0.6 on 10/09/2026). Tolerated."),
    N("2026-10-20", "lab",
      "Community Pediatrics of Dayton OH - lab printout\n"
      + L("2026-10-20", US(anc=2.1, wbc=4.4, upcr=1.7, cd19=(6.5, "%", "6-23")), names="us", dates="us")),
    N("2026-10-22", "clinic",
      "10/22/2026 - 12 yo girl, SLE + class IV LN (biopsy 06/10/2026), prednisone since 2025 and MMF "
      "since 03/2025, not in remission. SLEDAI-2K 12. ANA 1:1280. ECOG 1. " + H("2026-10-22", 150)),
], dob="2014-05-05", structured=True, sex="F", csf=["2026-10-12"], nct=dict(anc="not_met"),
  hard="ANC 2.1 on 10/20 is 8 days after filgrastim 10/12: not_met.")

# ---- W014: G-CSF long before the count
begin("W014")
P("W014", "gcsf_old", [
    N("2026-10-30", "pharmacy",
      "CVS SPECIALTY - dispensing log (MM/DD/YYYY)\nDRUG             STRENGTH    QTY DAYS FILL\n"
      "NIVESTYM         300MCG/0.5  2   2    08/28/2026\nPREDNISONE       5MG         60  30   10/05/2026\n"
      "MYCOPHENOLIC ACID 360MG      120 30   10/05/2026\nTACROLIMUS       1MG         60  30   10/05/2026"),
    N("2026-10-30", "clinic",
      "10/30/2026. 16 yo M, lupus nephritis class IV (biopsy 09/02/2026). Nivestym given 08/29 and 08/30/2026 "
      "for a neutropenia episode, none since. Prednisone since 2024, Myfortic since 2024, tacrolimus since 2025. "
      "Nephrotic-range proteinuria, non-responder. SLEDAI-2K 17. ANA 1:640. ECOG 1. " + H("2026-10-30", 170)
      + "\n" + L("2026-10-30", US(anc=1.9, upcr=3.1, cd19=(13.0, "%", "6-23")), layout="inline", names="us",
                 dates="us")),
], dob="2010-03-21", structured=True, sex="M", csf=["2026-08-29", "2026-08-30"],
  hard="Filgrastim 2 months before the ANC: anc met; biopsy 09/02/2026 is 2 Sept (US).")

# ---- W015: eligible, HL7 with haemolysed AST on latest draw and earlier AST in lookback
begin("W015")
P("W015", "hl7_haemolysed", [
    N("2026-09-25", "hl7",
      "MSH|^~\\&|LIS|POSGH-LAB||CLINIC|20260925||ORU^R01\n"
      + L("2026-09-24", SI(cd19=(12.0, "%", "6-23")), layout="hl7")),
    N("2026-11-10", "hl7",
      "MSH|^~\\&|LIS|CITYLAB||CLINIC|20261110||ORU^R01\n"
      + L("2026-11-09", SI(ast="HAEMOLYSED - NOT REPORTED", k="HAEMOLYSED", upcr=200), layout="hl7")),
    N("2026-11-10", "clinic",
      "Port of Spain paediatric renal clinic 10/11/2026. 14 yr old female; SLE with class IV LN on biopsy "
      "22/06/2026. Prednisolone since 2024, tacrolimus since 2024, MMF added 2025. Not in remission. "
      "SLEDAI-2K 10. ANA 1:320. ECOG 1. " + H("2026-11-10", 157)),
], dob="2012-08-08", structured=True, sex="F",
  hard="Latest AST haemolysed; the earlier AST (24/09/2026) is still in the lookback and decides: met.")

# ---- W016: 19 years old
begin("W016")
P("W016", "age_19_ie", [
    N("2026-10-01", "fax_ocr",
      "FAX 01/10/2026 09:12 ST VINCENT'S UNIVERSITY HOSPITAL RENAL P1/1\n"
      "Re: Ms C. D.  DOB 03/06/2007\nThis l9-year-o1d wornan has SLE and class IV-G lupus nephritis on "
      "biopsy 11/07/2026. Prednisolone since 2022, MMF since 2022, voclosporin 2025. Persistent "
      "proteinuria. SLEDAI-2K 14. ANA 1:640. ECOG 1.\n" + H("2026-09-28", 166) + "\n"
      + L("2026-09-28", SI(upcr=150, cd19=(10.0, "%", "6-23")), layout="ocr", dates="eu")),
], dob="2007-06-03", nct=dict(age="not_met"),
  hard="DOB 03/06/2007 (Irish) = 3 June 2007: 19 at as-of -> NCT not_met, HO met.")

# ---- W017: 10 years old (NCT met, HO too young)
begin("W017")
P("W017", "age_10", [
    N("2026-11-06", "prior_auth",
      "Hillside Family Medicine (US) 11/06/2026 prior-authorization letter to insurer:\n"
      "RE: medical necessity. 10-year-old girl with SLE (ANA 1:1280), lupus nephritis class IV-G (A) on biopsy "
      "08/20/2026, treated with prednisone (since 06/2025) and mycophenolate (since 07/2025) with "
      "persistent proteinuria (UPCR 2.4). SLEDAI-2K 16. ECOG 1.\n" + H("2026-11-06", 138) + "\n"
      + L("2026-11-05", US(upcr=2.4, cd19=(17.0, "%", "6-23")), names="us", dates="us")),
], dob="2016-01-11", structured=True, sex="F", ho=dict(age="not_met"))

# ---- W018: stated age 18 in February -> NCT unknown
begin("W018")
P("W018", "stated_age_18", [
    N("2026-02-10", "referral",
      "QEH Barbados referral 10/02/2026: 18-year-old female with SLE, referred for lupus nephritis care."),
    N("2026-10-18", "clinic",
      "Renal clinic 18/10/2026 (Barbados). SLE, class III+V LN biopsy 05/08/2026. Prednisone since 2025, "
      "cyclophosphamide 2025 then MMF since 2025. Proteinuria not in remission. SLEDAI-2K 8. ANA 1:160. "
      "Karnofsky 90.\n" + H("2026-10-18", 161) + "\n"
      + L("2026-10-17", SI(upcr=140, cd19=(12.0, "%", "6-23")), dates="eu")),
], stated=("2026-02-10", 18), nct=dict(age="unknown"),
  hard="Only a stated age (18 on 10/02/2026): 18 or 19 at as-of, NCT age unknown; HO met. SLEDAI exactly 8.")

# ---- W019: OCR'd age 'l7'
begin("W019")
P("W019", "ocr_age_17", [
    N("2026-09-14", "fax_ocr",
      "FAX RECEIVED 09/14/2026 16:55 FROM CARE POINT MED GRP\n"
      "l7 yo F w/ SLE, lupus nephritis - c1ass IV (diffuse proliferative) on biopsy 06/01/2026.\n"
      "Prior CYC 2025; MMF + prednisone since 2025. Persistent proteinuria. SLEDAI 2K = 11. "
      "ANA 1:640. ECOG l.\n" + H("2026-09-08", 165) + "\n"
      + L("2026-09-08", US(upcr=1.1, cd19=(9.0, "%", "6-23")), layout="ocr", names="us", dates="us")),
], stated=("2026-09-08", 17),
  hard="OCR 'l7 yo' = 17; biopsy 06/01/2026 (US) = 1 June, inside 183 d; day-first reading (6 Jan) "
       "would be outside.")

# ---- W020: SLE ruled out, C3 glomerulopathy, ANA negative
begin("W020")
P("W020", "not_sle_c3g", [
    N("2026-09-20", "triage",
      "Nurse triage 09/20/2026: referred as '?lupus nephritis'. 13 y/o M with haematuria/proteinuria."),
    N("2026-10-15", "pathology",
      "Renal biopsy report 10/15/2026: C3 glomerulopathy (C3-dominant, C3 glomerulonephritis). No "
      "immune-complex lupus nephritis; full-house pattern absent."),
    N("2026-10-25", "clinic",
      "10/25/2026: ANA negative (HEp-2) x2; anti-dsDNA negative. SLE ruled out - does not fulfil 2019 "
      "EULAR/ACR criteria. Started prednisone 10/2026. ECOG 0. " + H("2026-10-25", 158) + "\n"
      + L("2026-10-24", US(upcr=1.5, cd19=(14.0, "%", "6-23")), names="us", dates="us")),
], dob="2013-02-14", structured=True, sex="M",
  nct=dict(sle="not_met", biopsy="not_met", sledai="unknown", refractory="not_met", ana="not_met"),
  ho=dict(sle="not_met", biopsy="not_met"))

# ---- W021: uncertain SLE, ANA positive without titre
begin("W021")
P("W021", "uncertain_sle", [
    N("2026-11-01", "telephone",
      "Telephone encounter 11/01/2026 (RN): outside PCP says 'r/o SLE', ANA positive (titre not reported). "
      "Possible lupus nephritis - biopsy being scheduled. Child is 9 (DOB 07/30/2017). No meds yet."),
    N("2026-11-03", "lab",
      "LabCorp-style printout\n" + L("2026-11-02", US(upcr=1.1, cd19=(15.0, "%", "6-23")), names="us",
                                     dates="us")),
], dob="2017-07-30",
  nct=dict(sle="unknown", biopsy="unknown", sledai="unknown", refractory="not_met", ana="unknown",
           ecog="unknown", egfr="unknown"),
  ho=dict(age="not_met", sle="unknown", biopsy="unknown", egfr="unknown"),
  hard="'r/o SLE', 'possible lupus nephritis' don't count; 'no meds yet' = treatment-naive -> refractory "
       "not_met; ANA positive without titre -> unknown; no height -> eGFR unknown.")

# ---- W022: old class IV, latest biopsy pure class V
begin("W022")
P("W022", "latest_biopsy_class_v", [
    N("2026-09-12", "pathology",
      "HISTOPATHOLOGY - Cork University Hospital. Specimen received 12/09/2026. Renal biopsy: membranous "
      "lupus nephritis, ISN/RPS class V. No endocapillary proliferation; no class III/IV lesions."),
    N("2026-09-20", "clinic",
      "CUH paediatrics 20/09/2026: 15-year-old boy, SLE since 2022; class IV LN on biopsy 2023, now "
      "class V on repeat biopsy 12/09/2026. Prednisolone + MMF since 2023. UPCR 130 mg/mmol. "
      "SLEDAI-2K 8. ANA 1:320. ECOG 0. " + H("2026-09-20", 172) + "\n"
      + L("2026-09-18", SI(upcr=130, cd19=(11.0, "%", "6-23")), dates="eu")),
], dob="2011-06-30", structured=True, sex="M", nct=dict(biopsy="not_met"), ho=dict(biopsy="not_met"),
  hard="The most recent biopsy (12/09/2026) is pure class V: not_met, though class IV is mentioned from 2023.")

# ---- W023: class III biopsy 8 months old
begin("W023")
P("W023", "biopsy_8_months", [
    N("2026-10-02", "clinic",
      "GP letter, Ashford Medical Centre (UK) 02/10/2026. 14 yo girl, SLE (Read F371.), lupus nephritis "
      "class III (A) on renal biopsy 10/03/2026. Prednisolone from 03/2026 and MMF from 03/2026, added "
      "tacrolimus 07/2026. Ongoing proteinuria. SLEDAI-2K 12. ANA 1:640. ECOG 1. "
      + H("2026-10-02", 154) + "\n" + L("2026-09-30", SI(upcr=175, cd19=(10.0, "%", "6-23")), dates="eu")),
], dob="2012-11-02", structured=True, sex="F", nct=dict(biopsy="unknown"),
  hard="Biopsy 10/03/2026 (UK) = 10 March: 255 d ago, NCT unknown (repeat biopsy needed), HO met. "
       "Refractory: earliest start 03/2026 (15 March) = 250 d: met.")

# ---- W024: SLEDAI below 8 now, older 16 stale
begin("W024")
P("W024", "sledai_low_recent", [
    N("2026-03-11", "clinic",
      "03/11/2026 (US): 13 yo M with SLE, class IV LN. SLEDAI-2K 16. Starting MMF; prednisone since 12/2025."),
    N("2026-10-01", "clinic",
      "10/01/2026: on MMF since March and prednisone since December. Repeat biopsy 09/15/2026 still class "
      "IV-S (A/C). SLEDAI-2K 6 today. Proteinuria persists, UPCR 1.3. ANA 1:160. ECOG 0. "
      + H("2026-10-01", 162) + "\n"
      + L("2026-09-30", US(upcr=1.3, alt=(130, "U/L", "0-35"), ast=38, cd19=(8.0, "%", "6-23")),
          names="us", dates="us")),
], dob="2013-01-20", structured=True, sex="M", nct=dict(sledai="not_met", alt="not_met"),
  ho=dict(x_altast="met"),
  hard="Latest SLEDAI-2K 6 decides (not_met); 16 from March is stale. MMF start 03/11/2026 = 11 March.")

# ---- W025: SLEDAI only stale
begin("W025")
P("W025", "sledai_stale", [
    N("2026-06-30", "clinic",
      "Mount Hope, Trinidad 30/06/2026: SLEDAI-2K 18. Class IV LN biopsy 20/06/2026."),
    N("2026-10-19", "clinic",
      "Clinic 19/10/2026: 12 y/o boy, SLE. Pred since 2025, CYC 2025, MMF since 2025; nephrotic. "
      "SLEDAI not scored today. ANA 1:1280. ECOG 1. " + H("2026-10-19", 148) + "\n"
      + L("2026-10-18", SI(upcr=290, cd19=(12.0, "%", "6-23")), dates="eu")),
], dob="2014-02-12", structured=True, sex="M", nct=dict(sledai="unknown"))

# ---- W026: complete renal remission, UPCR low
begin("W026")
P("W026", "remission", [
    N("2026-10-08", "clinic",
      "Galway University Hospital 08/10/2026. 16 yo F, SLE with class IV LN on biopsy 01/07/2026; "
      "pred + MMF since 2024. Now in complete renal remission. SLEDAI-2K 4. ANA 1:320. ECOG 0. "
      + H("2026-10-08", 165) + "\n" + L("2026-10-07", SI(upcr=28, cd19=(11.0, "%", "6-23")), dates="eu")),
], dob="2010-08-16", structured=True, sex="F",
  nct=dict(sledai="not_met", refractory="not_met"), ho=dict(upcr="not_met"))

# ---- W027: recent starts (Irish day-first); CYC in last 91 days
begin("W027")
P("W027", "recent_start_dayfirst_cyc", [
    N("2026-06-05", "clinic",
      "CHI Crumlin 05/06/2026: new dx SLE with lupus nephritis class IV-G (A) on biopsy 03/06/2026 "
      "(12-year-old boy). Commenced IV methylprednisolone then oral prednisolone and MMF 05/06/2026."),
    N("2026-11-02", "clinic",
      "CHI Crumlin 02/11/2026. Poor response; Euro-Lupus IV cyclophosphamide started 14/09/2026, "
      "4th dose given 26/10/2026. UPCR 210 mg/mmol. SLEDAI-2K 14. ANA 1:640. Lansky 80. "
      + H("2026-11-02", 151) + "\n" + L("2026-11-01", SI(upcr=210, cd19=(9.0, "%", "6-23")), dates="eu")),
], dob="2014-09-09", structured=True, sex="M",
  nct=dict(refractory="not_met"), ho=dict(x_cyc="met"),
  hard="All starts on 05/06/2026 = 5 June (168 d, within 183): refractory not_met; a month-first "
       "reading (6 May) would give met. Last CYC 26/10/2026 -> HO x_cyc met.")

# ---- W028: rituximab 2026, B cells depleted
begin("W028")
P("W028", "cd19_depleted_rtx", [
    N("2026-06-18", "nursing",
      "Infusion log 06/18/2026: rituximab 750 mg/m2 IV dose 2 of 2 given (dose 1 06/04/2026)."),
    N("2026-10-21", "lab",
      "FLOW CYTOMETRY - lymphocyte subsets (collected 10/20/2026)\nCD3 82%  CD4 45%  CD8 33%\n"
      "CD19+ B cells 0.0 %  (0 cells/uL)  - B cells depleted\nCD16+56 NK 17%\n"
      + L("2026-10-20", US(upcr=2.0), names="us", dates="us")),
    N("2026-10-22", "clinic",
      "10/22/2026: 15 yo F, SLE, class IV+V LN biopsy 07/07/2026. Pred since 2024, MMF since 2024, "
      "tacrolimus 2025. Refractory nephrotic disease. SLEDAI-2K 12. ANA 1:640. ECOG 1. " + H("2026-10-22", 160)),
], dob="2011-03-03", structured=True, sex="F", nct=dict(cd19="not_met"), ho=dict(x_cd20="met"))
LABS["W028"].append(dict(a="cd19", date=D("2026-10-20"), v=0.0, uln=None, unit="%"))

# ---- W029: septic shock on vasopressors in lookback, CD19 stale
begin("W029")
P("W029", "shock_infection", [
    N("2026-04-14", "lab", "Flow (04/14/2026): CD19+ B cells 14%."),
    N("2026-11-08", "discharge",
      "PICU transfer summary 11/08/2026: 14 yo M, SLE with class IV LN (biopsy 07/22/2026), admitted "
      "11/02/2026 with septic shock (E. coli bacteremia) requiring norepinephrine 11/02-11/04/2026. "
      "Continuing IV ceftriaxone. Prednisone and MMF since 2025, not in remission. SLEDAI-2K 16. ANA 1:320. "
      "ECOG 3 currently. " + H("2026-11-08", 165) + "\n"
      + L("2026-11-07", US(upcr=2.6, hb=8.9, inr=1.3, pt=14.8), names="us", dates="us")),
], dob="2012-05-19", structured=True, sex="M",
  nct=dict(cd19="unknown", hemo="not_met", ecog="not_met"), ho=dict(x_infection="met"))
LABS["W029"].append(dict(a="cd19", date=D("2026-04-14"), v=14.0, uln=None, unit="%"))

# ---- W030: poor venous access; Lansky 40
begin("W030")
P("W030", "venous_lansky", [
    N("2026-10-26", "clinic",
      "Alder Hey (UK) renal OPD 26/10/2026: 8-year-old girl with SLE, class IV LN biopsy 14/08/2026, "
      "pred + MMF since 2025; proteinuria persists. SLEDAI-2K 18. ANA 1:2560. Lansky 40 (mostly in bed). "
      "Very poor venous access - three failed cannulations, apheresis catheter contraindicated per "
      "anaesthetics. " + H("2026-10-26", 126) + "\n"
      + L("2026-10-24", SI(upcr=330, cd19=(19.0, "%", "6-23")), dates="eu")),
], dob="2018-02-04", structured=True, sex="F",
  nct=dict(venous="not_met", ecog="not_met"), ho=dict(age="not_met"))

# ---- W031: eGFR < 30 computed; warfarin INR/PT high
begin("W031")
P("W031", "egfr_low_inr", [
    N("2026-11-12", "prior_auth",
      "PRIOR AUTHORIZATION REQUEST - Mid-South Kids Kidney, Memphis TN - 11/12/2026\n"
      "Patient 13 yo M, SLE with class IV LN (biopsy 08/26/2026) and antiphospholipid syndrome on warfarin. "
      "Failed prednisone (since 2024) and cyclophosphamide (2024) then MMF (2025). Persistent proteinuria. "
      "SLEDAI-2K 20. ANA 1:1280. ECOG 2. " + H("2026-11-12", 140) + "\n"
      + L("2026-11-10", US(creat=2.9, inr=(2.4, "", "0.9-1.2"), pt=(26.0, "sec", "11.0-13.5"),
                          upcr=3.4, cd19=(7.0, "%", "6-23")), names="us", dates="us")),
], dob="2013-09-09", structured=True, sex="M",
  nct=dict(egfr="manual", inr="not_met", pt="not_met"), ho=dict(egfr="not_met"),
  hard="eGFR only by Schwartz: 0.413x140/2.9 = 19.9 (<30): NCT manual, HO not_met.")

# ---- W032: cumulative report, newest column first, Hb/WBC/lymph low now
begin("W032")
P("W032", "cumulative_low_counts", [
    N("2026-11-05", "lab",
      "SAN FERNANDO GENERAL HOSPITAL, Trinidad - LABORATORY\n" + CUM([
          ("2026-11-04", dict(wbc=(2.4, "x10^9/L", "4.0-11.0"), lymph=(0.6, "x10^9/L", "1.0-4.0"),
                              anc=(1.5, "x10^9/L", "1.5-7.5"), hb=(54, "g/L", "115-155"),
                              upcr=(250, "mg/mmol", "0-15"))),
          ("2026-07-02", dict(wbc=(6.8, "x10^9/L", "4.0-11.0"), lymph=(1.9, "x10^9/L", "1.0-4.0"),
                              anc=(4.0, "x10^9/L", "1.5-7.5"), hb=(121, "g/L", "115-155"),
                              upcr=(90, "mg/mmol", "0-15"))),
      ], ["wbc", "lymph", "anc", "hb", "upcr"], dates="eu")),
    N("2026-11-06", "clinic",
      "SFGH 06/11/2026. 16 y/o F, SLE with LN class IV (biopsy 01/09/2026). Pred + MMF since 2025, "
      "tacrolimus since 2026. Renal relapse. SLEDAI-2K 14. ANA 1:640. ECOG 2. Flow 04/11/2026 "
      "CD19 6%. LFTs/coag from 04/11/2026: ALT 20 U/L, AST 25 U/L, bilirubin 6 umol/L, creatinine "
      "70 umol/L, INR 1.1, PT 12.5 s. " + H("2026-11-06", 163)),
], dob="2010-10-10", structured=True, sex="F",
  nct=dict(lymph="not_met", wbc="not_met", hb="not_met"),
  hard="Cumulative report with newest column first: 04/11/2026 (WBC 2.4, lymph 0.6, Hb 54) decides; "
       "July column is stale.")
for a, v in (("alt", 20), ("ast", 25), ("tbil", 6), ("inr", 1.1), ("pt", 12.5)):
    LABS["W032"].append(dict(a=a, date=D("2026-11-04"), v=v, uln=uln_for(a, "", None), unit=""))
LABS["W032"].append(dict(a="creat", date=D("2026-11-04"), v=70 / 88.4, uln=None, unit="mg/dL"))
LABS["W032"].append(dict(a="cd19", date=D("2026-11-04"), v=6.0, uln=None, unit="%"))

# ---- W033: coag cancelled, ECOG absent, ANA low titre
begin("W033")
P("W033", "coag_cancelled_ana_low", [
    N("2026-10-16", "lab",
      "NORTHSIDE GP PRACTICE, Manchester - pathology results 16/10/2026\n"
      + L("2026-10-15", SI(inr="CLOTTED - CANCELLED", pt="INSUFFICIENT SAMPLE", upcr=160,
                          cd19=(13.0, "%", "6-23")),
          dates="eu", received="2026-10-15", reported="2026-10-16")),
    N("2026-10-18", "clinic",
      "18/10/2026 paeds renal letter: 11 yo boy, lupus nephritis class III+V biopsy 25/07/2026. ANA 1:40 only "
      "(repeated 2025: 1:40). Anti-dsDNA and anti-Sm positive. Prednisolone since 2024, MMF since 2024, "
      "not in remission. SLEDAI-2K 10. " + H("2026-10-18", 145)),
], dob="2015-01-30", structured=True, sex="M",
  nct=dict(inr="unknown", pt="unknown", ana="not_met", ecog="unknown"), ho=dict(age="not_met"),
  hard="INR clotted / PT insufficient: no value -> unknown. ANA only 1:40 -> not_met although SLE affirmed.")

# ---- W034: pregnant adolescent (HO only)
begin("W034")
P("W034", "pregnant", [
    N("2026-11-05", "triage",
      "Nurse triage 11/05/2026 (US): 17 yo F with SLE/LN called re nausea. Urine hCG POSITIVE in clinic "
      "today; serum beta-hCG 8,400 mIU/mL. Pregnancy confirmed ~6 weeks. MMF stopped today."),
    N("2026-11-06", "clinic",
      "11/06/2026: lupus nephritis class IV biopsy 07/09/2026; prednisone since 2024, MMF 2024-11/05/2026, "
      "tacrolimus since 2025. Proteinuria persistent. SLEDAI-2K 12. ANA 1:320. ECOG 1. " + H("2026-11-06", 162)
      + "\n" + L("2026-11-05", US(upcr=1.8, cd19=(9.0, "%", "6-23")), names="us", dates="us")),
], dob="2009-06-06", structured=True, sex="F", ho=dict(x_preg="met"),
  hard="Pregnant: HO x_preg met; NCT has no pregnancy criterion, so NCT eligible.")

# ---- W035: stated eGFR 38 (NCT met, HO not_met)
begin("W035")
P("W035", "egfr_38_stated", [
    N("2026-10-29", "lab",
      "Beaumont Hospital Dublin - Renal bloods\n"
      + L("2026-10-28", SI(creat=(140, "umol/L", "45-90"), egfr=(38, "mL/min/1.73m2", None), upcr=190,
                          cd19=(8.0, "%", "6-23")), dates="eu")),
    N("2026-10-30", "clinic",
      "30/10/2026: 17 yo M, SLE, class IV-G (A) LN biopsy 12/08/2026. Pred + MMF since 2024, CYC 2024. "
      "No remission. SLEDAI-2K 12. ANA 1:640. ECOG 1. " + H("2026-10-30", 146)),
], dob="2009-04-15", structured=True, sex="M", ho=dict(egfr="not_met"),
  hard="Stated eGFR 38: NCT >=30 met, HO >=45 not_met.")

# ---- W036: UPCR 95 mg/mmol (NCT c met, HO < 100 not_met)
begin("W036")
P("W036", "upcr_95", [
    N("2026-10-10", "clinic",
      "Royal Belfast Hospital for Sick Children 10/10/2026. 15 y/o girl, SLE, class III (A) LN biopsy "
      "28/06/2026; prednisolone and MMF since 2025, tacrolimus 2026. UPCR 95 mg/mmol today (was 300). "
      "SLEDAI-2K 10. ANA 1:320. ECOG 0. " + H("2026-10-10", 160) + "\n"
      + L("2026-10-09", SI(upcr=95, cd19=(15.0, "%", "6-23")), dates="eu")),
], dob="2011-12-12", structured=True, sex="F", ho=dict(upcr="not_met"),
  hard="UPCR 95 mg/mmol = 0.84 g/g: NCT refractory c met (>=0.5 g/g), HO UPCR >=100 mg/mmol not_met.")

# ---- W037: ANC from per-mm3 units, infection within 28 days (oral antibiotics)
begin("W037")
P("W037", "per_mm3_infection", [
    N("2026-11-12", "telephone",
      "Phone note 11/12/2026 (Jamaica clinic, nurse): mother reports fever; cellulitis of left leg diagnosed "
      "by GP 11/10/2026, on oral cephalexin for 7 days."),
    N("2026-11-13", "lab",
      "UHWI 13/11/2026\n" + L("2026-11-13", [
          ("wbc", 3800, "/mm3", "4000-11000"), ("anc", 900, "/mm3", "1500-7500"), ("lymph", 1100, "/mm3", "1000-4000"),
          ("hb", 10.2, "g/dL", "11.5-15.5"), ("alt", 30, "U/L", "7-40"), ("ast", 33, "U/L", "10-40"),
          ("tbil", 10, "umol/L", "3-21"), ("creat", 62, "umol/L", "30-80"), ("inr", 1.1, "", "0.8-1.2"),
          ("pt", 12.9, "s", "10.5-13.5"), ("upcr", 170, "mg/mmol", "0-15"), ("cd19", 10.0, "%", "6-23")],
          dates="eu")),
    N("2026-11-13", "clinic",
      "13/11/2026: 13 yo boy, SLE + class IV LN biopsy 18/09/2026, pred + MMF since 2025. Not in remission. "
      "SLEDAI-2K 12. ANA 1:640. ECOG 1. " + H("2026-11-13", 156)),
], dob="2013-07-07", structured=True, sex="M",
  nct=dict(anc="not_met"), ho=dict(x_infection="met"),
  hard="Counts per mm3: ANC 900/mm3 = 0.9 (not_met), WBC 3800 = 3.8 (met), lymph 1100 = 1.1 (met). "
       "Cellulitis on cephalexin 10 Nov: HO x_infection met.")

# ---- W038: INR/PT default ULN, no range printed; older normal stale
begin("W038")
P("W038", "coag_default_uln", [
    N("2026-09-05", "lab",
      "HOLY CROSS COMMUNITY LAB - Silver Spring MD  09/05/2026\n"
      + L("2026-09-04", US(inr=(1.9, "", None), pt=(19.0, "sec", None), upcr=1.5,
                          cd19=(10.0, "%", "6-23")), names="us", dates="us")),
    N("2026-09-10", "clinic",
      "09/10/2026: 11 yo F, SLE, class IV LN biopsy 08/01/2026 (US). Prednisone since 2025, "
      "tacrolimus since 2025. Proteinuria persistent. SLEDAI-2K 12. ANA 1:640. ECOG 1. Vitamin K started. "
      + H("2026-09-10", 141)),
], dob="2015-06-21", structured=True, sex="F", nct=dict(inr="not_met", pt="met"), ho=dict(age="not_met"),
  hard="No printed coag ranges: default ULN INR 1.2 (1.9 > 1.8: not_met), PT 13.5 s (19.0 <= 20.25: met). "
       "Biopsy 08/01/2026 = 1 Aug.")

# ---- W039: HCQ/azathioprine only, 5 y/o; NCT age not_met
begin("W039")
P("W039", "age_5", [
    N("2026-10-04", "clinic",
      "Scarborough General Hospital, Tobago 04/10/2026. 5-year-old boy (DOB 19/03/2021) with SLE, lupus "
      "nephritis class IV on biopsy 22/08/2026. Prednisolone since 08/2025 and IV cyclophosphamide x6 (09/2025 - 02/2026), "
      "non-responder. SLEDAI-2K 14. ANA 1:1280. Lansky 70. " + H("2026-10-04", 110) + "\n"
      + L("2026-10-03", SI(upcr=200, creat=(30, "umol/L", "20-45"), cd19=(20.0, "%", "10-30")), dates="eu")),
], dob="2021-03-19", nct=dict(age="not_met"), ho=dict(age="not_met"),
  hard="5 years old from DOB in text (day-first).")

# ---- W040: biopsy > 12 months old; AST cancelled, no other AST
begin("W040")
P("W040", "old_biopsy_ast_cancelled", [
    N("2026-09-03", "referral",
      "Referral letter, Mercy Family Health, Springfield MO, 09/03/2026. 15-year-old boy, SLE (ANA 1:640) with "
      "class IV lupus nephritis on his only kidney biopsy 08/12/2025. Prednisone since 08/2025, MMF since "
      "09/2025, tacrolimus since 01/2026. Persistent proteinuria. SLEDAI-2K 12 (09/01/2026). ECOG 0. "
      + H("2026-09-01", 169)),
    N("2026-09-02", "lab",
      "MERCY LAB - Dates MM/DD/YYYY\n"
      + L("2026-09-01", US(ast="CANCELLED - SPECIMEN HEMOLYZED", upcr=1.4, cd19=(12.0, "%", "6-23")),
          names="us", dates="us", received="2026-09-01", reported="2026-09-02")),
], dob="2011-04-04", structured=True, sex="M",
  nct=dict(biopsy="unknown", ast="unknown"), ho=dict(biopsy="unknown", x_altast="unknown"),
  hard="Only biopsy 08/12/2025 = 12 Aug 2025 (465 d): unknown for both trials (a day-first reading, "
       "8 Dec 2025, would wrongly pass the 12-month window). AST cancelled: NCT ast unknown, HO x_altast "
       "unknown (ALT alone is normal).")

# ---------------------------------------------------------------- extra notes (no label change)
EXTRA = {
    "W001": [N("2026-05-12", "lab", "Lakeside Peds lab 05/12/2026 (superseded)\n"
                                    + L("2026-05-12", US(hb=10.4, upcr=3.0, cd19=(10.0, "%", "6-23")),
                                        names="us", dates="us"))],
    "W002": [N("2026-10-09", "med_rec", "CHI MEDICATION LIST 09/10/2026\nPrednisolone 10 mg od - active\n"
                                        "Mycophenolate mofetil 1 g bd - active\nTacrolimus 2 mg bd - active\n"
                                        "Co-trimoxazole prophylaxis - DISCONTINUED 01/2025")],
    "W004": [N("2026-04-02", "lab", "Desert Sky Peds 04/02/2026 (old)\n"
                                    + L("2026-04-02", US(ast=(30, "U/L", "10-32")), names="us", dates="us")),
             N("2026-11-05", "telephone", "11/05/2026 RN call: reviewed AST result with dad; no muscle "
                                           "symptoms, no Tylenol overdose. Hepatology referral placed.")],
    "W007": [N("2026-11-02", "telephone", "Telephone 02/11/2026: mum asks about the research study. No "
                                           "infections. Temperature normal.")],
    "W008": [N("2026-10-07", "pharmacy", "NHF / DRUGSERV Jamaica dispensing 07/10/2026\n"
                                         "Prednisolone 5mg  qty 60  30 days\nAzathioprine 50mg  qty 45  30 days\n"
                                         "Hydroxychloroquine 200mg qty 30 30 days")],
    "W009": [N("2026-11-05", "pharmacy", "Barbados Drug Service 05/11/2026: tacrolimus 1 mg x60, "
                                         "mycophenolate 500 mg x120, prednisone 5 mg x60. No antibiotics dispensed "
                                         "since 27/09/2026.")],
    "W010": [N("2026-10-29", "telephone", "10/29/2026 RN: CK recheck ordered, family aware LFTs are from muscle.")],
    "W011": [N("2026-09-30", "problem_list", "PROBLEM LIST (Jamaica)\nE80.4 Gilbert syndrome  ACTIVE\n"
                                             "M32.14 Lupus nephritis  ACTIVE\nB86 Scabies  RESOLVED 2024")],
    "W012": [N("2026-05-20", "lab", "Bayou Children's 05/20/2026\n"
                                    + L("2026-05-20", US(tbil=(0.9, "mg/dL", "0.1-1.2")), names="us", dates="us"))],
    "W014": [N("2026-11-03", "telephone", "11/03/2026 triage: no fever since August. Counts recovered.")],
    "W015": [N("2026-11-11", "pharmacy", "POS pharmacy refill log 11/11/2026: prednisolone 5 mg, tacrolimus "
                                         "1 mg, mycophenolate 500 mg - filled.")],
    "W016": [N("2026-10-01", "problem_list", "SVUH coded problems 01/10/2026\nM32.1 SLE with organ involvement "
                                             "- active\nN05.8 Lupus nephritis class IV - active\n"
                                             "Z32.02 Pregnancy test, result negative - 28/09/2026")],
    "W017": [N("2026-11-07", "pharmacy", "Rite Aid fill history (MM/DD/YYYY): MYCOPHENOLATE 250MG 10/28/2026; "
                                         "PREDNISONE 5MG 10/28/2026")],
    "W018": [N("2026-10-19", "pharmacy", "Barbados Drug Service 19/10/2026: MMF 500 mg, prednisone 10 mg.")],
    "W019": [N("2026-09-16", "triage", "09/16/2026 triage RN: pt well, no infection symptoms.")],
    "W020": [N("2026-10-26", "telephone", "10/26/2026 call: family informed lupus excluded; C3G pathway.")],
    "W021": [N("2026-11-04", "telephone", "11/04/2026 RN: biopsy date pending insurance. No steroids given.")],
    "W022": [N("2023-05-10", "pathology", "CUH histopathology 10/05/2023: lupus nephritis class IV-G (A).")],
    "W023": [N("2026-04-01", "lab", "Ashford MC bloods 01/04/2026 (old)\n"
                                    + L("2026-04-01", SI(upcr=400, hb=98), dates="eu"))],
    "W025": [N("2026-10-20", "pharmacy", "CDAP Trinidad dispensing 20/10/2026: prednisone, mycophenolate.")],
    "W026": [N("2026-05-02", "lab", "GUH bloods 02/05/2026 (old)\n" + L("2026-05-02", SI(upcr=220), dates="eu"))],
    "W027": [N("2026-10-26", "nursing", "Day ward 26/10/2026: IV cyclophosphamide 500 mg (dose 4 of 6, "
                                        "Euro-Lupus) given. Mesna not required.")],
    "W030": [N("2026-10-27", "triage", "Triage 27/10/2026: mum reports child tired, mostly resting in bed.")],
    "W031": [N("2026-11-11", "pharmacy", "Walgreens fill log (MM/DD/YYYY): WARFARIN 2MG 11/01/2026; "
                                         "MYCOPHENOLATE 500MG 11/01/2026; PREDNISONE 10MG 11/01/2026")],
    "W033": [N("2026-10-18", "problem_list", "GP problem list (Read)\nF371. SLE - active\n"
                                             "K0A.. Lupus nephritis - active\nH33.. Asthma - resolved 2019")],
    "W034": [N("2026-11-07", "pharmacy", "CVS (MM/DD/YYYY): PRENATAL VITAMIN 11/06/2026; MYCOPHENOLATE - "
                                         "discontinued 11/05/2026 by prescriber")],
    "W035": [N("2026-11-01", "telephone", "01/11/2026: mum confirms no antibiotics, no hospital stays.")],
    "W036": [N("2026-05-05", "lab", "RBHSC bloods 05/05/2026 (old)\n" + L("2026-05-05", SI(upcr=300), dates="eu"))],
    "W038": [N("2026-09-12", "triage", "09/12/2026 triage: nosebleed x1, resolved. No transfusion.")],
    "W039": [N("2026-10-05", "telephone", "Telephone 05/10/2026: mother agrees to discuss referral options.")],
}
for _p in PATIENTS:
    _p["notes"].extend(EXTRA.get(_p["pid"], []))

# ---------------------------------------------------------------- checks
def years(b, d):
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def age_label(p, lo, hi):
    if p["dob"]:
        a = years(D(p["dob"]), ASOF)
        return "met" if lo <= a <= hi else "not_met"
    nd, s = p["stated"]
    a0 = s + years(D(nd), ASOF)
    a1 = a0 + 1
    if lo <= a0 and a1 <= hi:
        return "met"
    if a1 < lo or a0 > hi:
        return "not_met"
    return "unknown"


def latest(pid, a):
    lo = ASOF - dt.timedelta(days=LOOKBACK)
    xs = [x for x in LABS.get(pid, []) if x["a"] == a and lo <= x["date"] <= ASOF]
    return max(xs, key=lambda x: x["date"]) if xs else None


def relabel(p):
    """Second look: re-derive numeric lab labels from the recorded visits."""
    pid = p["pid"]
    nct, ho = {}, {}
    for a, thr in (("lymph", 1.0), ("wbc", 3.0), ("hb", 60)):
        x = latest(pid, a)
        nct[a] = "unknown" if not x else ("met" if x["v"] >= thr else "not_met")
    x = latest(pid, "anc")
    if not x:
        nct["anc"] = "unknown"
    elif x["v"] < 1.0 or any(x["date"] - dt.timedelta(days=14) <= c <= x["date"] for c in p["csf"]):
        nct["anc"] = "not_met"
    else:
        nct["anc"] = "met"
    for a in ("alt", "ast"):
        x = latest(pid, a)
        if not x:
            nct[a] = "unknown"
        elif x["v"] <= 3 * x["uln"]:
            nct[a] = "met"
        else:
            nct[a] = "manual" if p["myositis"] else "not_met"
    x = latest(pid, "tbil")
    k = 3.0 if p["gilbert"] else 1.5
    nct["tbil"] = "unknown" if not x else ("met" if x["v"] <= k * x["uln"] else "not_met")
    for a in ("inr", "pt"):
        x = latest(pid, a)
        nct[a] = "unknown" if not x else ("met" if x["v"] <= 1.5 * x["uln"] else "not_met")
    x = latest(pid, "cd19")
    nct["cd19"] = "unknown" if not x else ("met" if x["v"] > 0 else "not_met")
    # eGFR
    e = latest(pid, "egfr")
    egfr = e["v"] if e else None
    if egfr is None:
        c = latest(pid, "creat")
        hs = [h for h in HEIGHTS.get(pid, []) if ASOF - dt.timedelta(days=365) <= h[0] <= ASOF]
        if c and hs:
            egfr = 0.413 * max(hs)[1] / c["v"]
    nct["egfr"] = "unknown" if egfr is None else ("met" if egfr >= 30 else "manual")
    ho["egfr"] = "unknown" if egfr is None else ("met" if egfr >= 45 else "not_met")
    u = latest(pid, "upcr")
    ho["upcr"] = "unknown" if not u else ("met" if u["v"] * 113 >= 100 else "not_met")
    al, as_ = latest(pid, "alt"), latest(pid, "ast")
    hi = [x for x in (al, as_) if x and x["v"] > 2.5 * x["uln"]]
    ho["x_altast"] = "met" if hi else ("not_met" if al and as_ else "unknown")
    nct["age"] = age_label(p, 6, 18)
    ho["age"] = age_label(p, 12, 25)
    return nct, ho, (u["v"] if u else None)


def status(crit, keys):
    inc = [k for k in keys if not k.startswith("x_")]
    exc = [k for k in keys if k.startswith("x_")]
    if any(crit[k] == "not_met" for k in inc) or any(crit[k] == "met" for k in exc):
        return "ineligible"
    if all(crit[k] in ("met", "manual") for k in inc) and all(crit[k] in ("not_met", "manual") for k in exc):
        return "eligible"
    return "possible"


def relevance(st, crit, disease):
    if st == "eligible":
        return 3
    if st == "possible":
        return 2 if all(crit[k] == "met" for k in disease) else 1
    return 0


def check():
    errs = []
    ids = set()
    pids = [p["pid"] for p in PATIENTS]
    if pids != ["W%03d" % i for i in range(1, len(pids) + 1)]:
        errs.append("patient ids not W001.. in order")
    nnotes = 0
    for p in PATIENTS:
        for i, (d, t, txt) in enumerate(p["notes"]):
            nnotes += 1
            if D(d) >= ASOF:
                errs.append("%s note dated %s not before as-of" % (p["pid"], d))
            if not txt.strip():
                errs.append("%s empty note" % p["pid"])
        for trial, keys, lab in (("nct", NCT_KEYS, p["nct"]), ("ho", HO_KEYS, p["ho"])):
            if list(lab) != keys:
                errs.append("%s %s keys %s" % (p["pid"], trial, list(lab)))
            for k, v in lab.items():
                if v not in STATUSES:
                    errs.append("%s %s %s=%s" % (p["pid"], trial, k, v))
        for k in ("consent",):
            if p["nct"][k] != "manual" or p["ho"][k] != "manual":
                errs.append("%s consent not manual" % p["pid"])
        if p["ho"]["x_investigator"] != "manual":
            errs.append("%s x_investigator" % p["pid"])
        if not p["dob"] and not p["stated"]:
            errs.append("%s no age source" % p["pid"])
        nct, ho, upcr = relabel(p)
        for k, v in nct.items():
            if p["nct"][k] != v:
                errs.append("%s NCT %s hand=%s second-look=%s" % (p["pid"], k, p["nct"][k], v))
        for k, v in ho.items():
            if p["ho"][k] != v:
                errs.append("%s HO %s hand=%s second-look=%s" % (p["pid"], k, p["ho"][k], v))
        # refractory part c must agree with the latest UPCR where one exists
        if upcr is not None and upcr < 0.5 and p["nct"]["refractory"] == "met":
            errs.append("%s refractory met with UPCR %.2f" % (p["pid"], upcr))
        # every lab/height date on or before its note; DOB text consistent
        if p["dob"] and not p["structured"]:
            dd = D(p["dob"])
            alltext = " ".join(t for _, _, t in p["notes"])
            if dd.strftime("%d/%m/%Y") not in alltext and dd.strftime("%m/%d/%Y") not in alltext:
                errs.append("%s DOB not in text" % p["pid"])
    if len(PATIENTS) < 30 or nnotes < 100:
        errs.append("too small: %d patients %d notes" % (len(PATIENTS), nnotes))
    return errs, nnotes


def build():
    notes, gold = [], []
    for p in PATIENTS:
        for i, (d, t, txt) in enumerate(sorted(p["notes"], key=lambda n: n[0]), 1):
            row = dict(patient_id=p["pid"], note_id="%s-%02d" % (p["pid"], i), note_date=d, note_type=t, text=txt)
            if p["structured"]:
                row["birth_date"] = p["dob"]
                row["sex"] = p["sex"]
            notes.append(row)
        for trial, crit, keys, dis in (("NCT06904729", p["nct"], NCT_KEYS, ("sle", "biopsy", "refractory")),
                                       ("HO-LN-13", p["ho"], HO_KEYS, ("sle", "biopsy", "upcr"))):
            st = status(crit, keys)
            gold.append(dict(trial=trial, patient_id=p["pid"], status=st, relevance=relevance(st, crit, dis),
                             criteria=dict(crit), archetype=p["arch"]))
    ids = [n["note_id"] for n in notes]
    assert len(ids) == len(set(ids)), "duplicate note ids"
    return notes, gold


if __name__ == "__main__":
    errs, nn = check()
    if errs:
        print("SELF-CHECK FAILED, nothing written:")
        for e in errs:
            print("  " + e)
        sys.exit(1)
    notes, gold = build()
    with open(os.path.join(OUT, "notes.jsonl"), "w") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "gold.jsonl"), "w") as f:
        for g in gold:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    print("patients %d notes %d" % (len(PATIENTS), len(notes)))
    for t in ("NCT06904729", "HO-LN-13"):
        print(t, dict(Counter(g["status"] for g in gold if g["trial"] == t)))
