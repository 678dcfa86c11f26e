#!/usr/bin/env python3
"""Hold-out 16: forms / structured print-outs (USA, Canada, Australia, Singapore).

stdlib only.  Notes are written by hand below (lab blocks are rendered from
per-visit values by a small helper, in several layouts).  Criterion labels are
written by hand per patient (defaults + overrides); only the overall status
and the relevance are derived (GUIDELINE.md "Patient status" / "Ranking").
The script checks itself and refuses to write anything on failure.
"""
import datetime as dt
import json
import os
import sys

ASOF = dt.date(2026, 11, 20)
LOOKBACK = 90
OUT = os.path.dirname(os.path.abspath(__file__))
D = dt.date.fromisoformat

NCT = "NCT06904729"
HO = "HO-LN-18"
NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
HO_INC = ["age", "sle", "biopsy", "upcr", "egfr", "consent"]
HO_EXC = ["x_alt", "x_cd20", "x_cyc", "x_infect", "x_preg", "x_other"]
HO_KEYS = HO_INC + HO_EXC
STATUSES = {"met", "not_met", "unknown", "manual"}

NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = dict(age="met", sle="met", biopsy="met", upcr="met", egfr="met", consent="manual",
                  x_alt="not_met", x_cd20="not_met", x_cyc="not_met", x_infect="not_met",
                  x_preg="not_met", x_other="manual")

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

HOSP = {
    "US": "LAKESHORE CHILDREN'S HOSPITAL - Chicago, IL, USA",
    "US2": "MOUNTAIN WEST PEDIATRIC NEPHROLOGY - Denver, CO, USA",
    "CA": "PRAIRIE CHILDREN'S HEALTH CENTRE - Winnipeg, MB, Canada",
    "AU": "HARBOURSIDE CHILDREN'S HOSPITAL - Sydney NSW, Australia",
    "SG": "STRAITS PAEDIATRIC KIDNEY CENTRE - Singapore",
}


def ctry(p):
    return p["country"][:2]


def fd(d, c, style=0):
    """Local date style: US/CA month-first, AU/SG day-first."""
    d = D(d) if isinstance(d, str) else d
    if c in ("US", "CA"):
        return f"{d.month:02d}/{d.day:02d}/{d.year}" if style == 0 else f"{MON[d.month-1]} {d.day}, {d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if style == 0 else f"{d.day:02d} {MON[d.month-1]} {d.year}"


def tick(label, val, c):
    """Tick-box rendering by country/form family."""
    if c == "US":
        return f"[{'x' if val else ' '}] {label}"
    if c == "CA":
        return f"{'☑' if val else '☐'} {label}"
    if c == "AU":
        return f"{label}: " + ("(Y) / N" if val else "Y / (N)")
    return f"{label}: Yes {'☒' if val else '☐'} No {'☐' if val else '☒'}"


# --------------------------------------------------------------- lab helper
ANALYTES = ["wbc", "anc", "lym", "hb", "plt", "alt", "ast", "tbil", "cr", "egfr", "inr", "pt", "upcr"]
NAME = {"SI": {"wbc": "WBC", "anc": "Neutrophils (abs)", "lym": "Lymphocytes (abs)", "hb": "Haemoglobin",
               "plt": "Platelets", "alt": "ALT", "ast": "AST", "tbil": "Bilirubin, total", "cr": "Creatinine",
               "egfr": "eGFR (bedside Schwartz)", "inr": "INR", "pt": "Prothrombin time",
               "upcr": "Urine protein:creatinine"},
        "US": {"wbc": "WBC", "anc": "ANC", "lym": "ALC (lymphs abs)", "hb": "Hemoglobin", "plt": "Platelets",
               "alt": "ALT (SGPT)", "ast": "AST (SGOT)", "tbil": "Bilirubin, total", "cr": "Creatinine, serum",
               "egfr": "eGFR (bedside Schwartz)", "inr": "INR", "pt": "PT", "upcr": "Urine prot/creat ratio"}}
UNIT = {"SI": {"wbc": "x10^9/L", "anc": "x10^9/L", "lym": "x10^9/L", "hb": "g/L", "plt": "x10^9/L",
               "alt": "U/L", "ast": "U/L", "tbil": "umol/L", "cr": "umol/L", "egfr": "mL/min/1.73m2",
               "inr": "", "pt": "s", "upcr": "mg/mmol"},
        "US": {"wbc": "K/uL", "anc": "K/uL", "lym": "K/uL", "hb": "g/dL", "plt": "K/uL", "alt": "U/L",
               "ast": "U/L", "tbil": "mg/dL", "cr": "mg/dL", "egfr": "mL/min/1.73m2", "inr": "",
               "pt": "sec", "upcr": "mg/mg"}}
# default reference ranges in display units
REF = {"SI": {"wbc": (4.0, 11.0), "anc": (1.5, 7.5), "lym": (1.2, 4.0), "hb": (115, 155), "plt": (150, 400),
              "alt": (5, 40), "ast": (10, 40), "tbil": (3, 20), "cr": (30, 80), "egfr": (90, None),
              "inr": (0.9, 1.2), "pt": (11.0, 14.0), "upcr": (None, 20)},
       "US": {"wbc": (4.5, 13.0), "anc": (1.5, 8.0), "lym": (1.0, 4.5), "hb": (11.5, 15.5), "plt": (150, 450),
              "alt": (7, 45), "ast": (10, 40), "tbil": (0.2, 1.2), "cr": (0.3, 0.9), "egfr": (90, None),
              "inr": (0.9, 1.1), "pt": (11.5, 14.5), "upcr": (None, 0.2)}}
TO_DISP = {"SI": {"upcr": lambda v: f"{v*113:.0f}", "hb": lambda v: f"{v:.0f}", "tbil": lambda v: f"{v:.0f}",
                  "cr": lambda v: f"{v:.0f}"},
           "US": {"upcr": lambda v: f"{v:.2f}", "hb": lambda v: f"{v/10:.1f}", "tbil": lambda v: f"{v/17.1:.2f}",
                  "cr": lambda v: f"{v/88.4:.2f}"}}
FROM_DISP = {"SI": {"upcr": lambda s: s / 113}, "US": {"hb": lambda s: s * 10, "tbil": lambda s: s * 17.1,
                                                     "cr": lambda s: s * 88.4}}


def disp(sys_, a, v):
    if isinstance(v, str):
        return v
    f = TO_DISP[sys_].get(a)
    if f:
        return f(v)
    if a in ("alt", "ast", "plt", "egfr"):
        return f"{v:.0f}"
    if a in ("inr",):
        return f"{v:.2f}"
    return f"{v:.1f}"


def refs(p):
    r = dict(REF[p["labsys"]])
    r.update(p.get("ref", {}))
    return r


def visit_values(p, v):
    """Visit values incl. a lab-reported eGFR computed from creatinine and height."""
    vals = dict(v[1])
    if p.get("egfr_row", True) and "cr" in vals and not isinstance(vals["cr"], str) and "egfr" not in vals:
        vals["egfr"] = round(36.5 * p["height"] / vals["cr"])
    return vals


def ref_txt(r):
    lo, hi = r
    if lo is None:
        return f"<{hi}"
    if hi is None:
        return f">{lo}"
    return f"{lo}-{hi}"


def flag(r, s):
    try:
        x = float(s)
    except ValueError:
        return ""
    lo, hi = r
    if hi is not None and x > hi:
        return "HH" if x > 3 * hi else "H"
    if lo is not None and x < lo:
        return "L"
    return ""


def lab_table(p, visits, newest_left, title, date_style="local"):
    sys_ = p["labsys"]
    c = ctry(p)
    vs = sorted(visits, key=lambda v: v[0], reverse=newest_left)
    r = refs(p)
    hdr_dates = [(v[0] if date_style == "iso" else fd(v[0], c)) for v in vs]
    lines = [HOSP[p["country"]], title,
             f"Patient ID: {p['pid']}    Printed: {p['lab_print']}    "
             f"Order: {'newest result first (left)' if newest_left else 'oldest left -> newest right'}",
             "Test                      | Units          | Ref range   | " + " | ".join(f"{h:<12}" for h in hdr_dates),
             "-" * (60 + 15 * len(vs))]
    used = [a for a in ANALYTES if any(a in visit_values(p, v) for v in vs)]
    for a in used:
        cells = []
        for v in vs:
            vals = visit_values(p, v)
            if a not in vals:
                cells.append(f"{'':<12}")
                continue
            s = disp(sys_, a, vals[a])
            fl = flag(r[a], s)
            cells.append(f"{(s + ' ' + fl).strip():<12}")
        lines.append(f"{NAME[sys_][a]:<26}| {UNIT[sys_][a]:<15}| {ref_txt(r[a]):<12}| " + " | ".join(cells))
    for cm in p.get("lab_comments", []):
        lines.append("Comment: " + cm)
    return "\n".join(lines)


# ---------------------------------------------------------- note templates
def referral(p):
    c = ctry(p)
    d = p["ref_date"]
    t = p.get("ref_ticks", {"Systemic lupus erythematosus (SLE)": True, "Lupus nephritis": True,
                            "IgA nephropathy": False, "Other glomerulonephritis": False,
                            "Trial pre-screening requested": True})
    dob = fd(p["dob"], c) if p.get("dob_text") else "__/__/____"
    age = p.get("age_text", "")
    lines = [HOSP[p["country"]],
             ("PEDIATRIC" if c in ("US", "CA") else "PAEDIATRIC") + " NEPHROLOGY REFERRAL FORM",
             f"Date of referral: {fd(d, c)}",
             f"Patient ID: {p['pid']}   Sex: {p['sex']}   DOB: {dob}   Age: {age}",
             "Reason for referral (tick all that apply):"]
    lines += ["  " + tick(k, v, c) for k, v in t.items()]
    lines += ["Current medications: see attached",
              "Allergies: " + p.get("allergy", "N/A"),
              "Comments: " + p.get("ref_comment", "")]
    return (d, "referral_form", "\n".join(lines))


def problem_list(p):
    d = p["pl_date"]
    lines = [HOSP[p["country"]], f"EHR PROBLEM LIST   (system export {d})   Patient: {p['pid']}",
             "Code       | Problem                                        | Status          | Onset",
             "-----------+------------------------------------------------+-----------------+-----------"]
    for code, prob, st, onset in p["problems"]:
        lines.append(f"{code:<11}| {prob:<47}| {st:<16}| {onset}")
    return (d, "problem_list", "\n".join(lines))


def med_list(p):
    d = p["ml_date"]
    lines = [HOSP[p["country"]], f"MEDICATION LIST   (export {d})   Patient: {p['pid']}",
             "Medication                     | Dose / route                | Start      | Stop       | Status",
             "-------------------------------+-----------------------------+------------+------------+-------------------"]
    for m, dose, s, e, st in p["meds"]:
        lines.append(f"{m:<31}| {dose:<28}| {s:<11}| {e:<11}| {st}")
    for cm in p.get("ml_comments", []):
        lines.append("Pharmacist note: " + cm)
    return (d, "medication_list", "\n".join(lines))


def path_report(p, rep):
    c = ctry(p)
    d, kind, cls, ai, ci, extra = rep
    head = {"prelim": "PRELIMINARY REPORT - to be superseded by final",
            "final": "FINAL REPORT",
            "amended": "AMENDED REPORT - SUPERSEDES PRELIMINARY REPORT"}[kind]
    lines = [HOSP[p["country"]], "ANATOMICAL PATHOLOGY - RENAL BIOPSY", head,
             f"Patient ID: {p['pid']}    Specimen: native kidney, percutaneous core",
             f"Date of procedure: {fd(rep[5].get('proc', d), c, 1)}    Reported: {fd(d, c, 1)}",
             "SYNOPTIC", f"  Glomeruli sampled: {extra.get('glom', 24)}",
             f"  ISN/RPS class: {cls}", f"  Activity index: {ai}/24", f"  Chronicity index: {ci}/12",
             f"  Immunofluorescence: {extra.get('if', 'full house (IgG, IgA, IgM, C3, C1q)')}",
             "  Comment: " + extra.get("comment", "")]
    return (d, "pathology_report", "\n".join(lines))


def assessment(p):
    c = ctry(p)
    d = p["as_date"]
    a = p["assess"]
    lines = [HOSP[p["country"]], "CLINIC ASSESSMENT FORM (nurse / physician)",
             f"Visit date: {fd(d, c)}   Patient ID: {p['pid']}",
             f"Height: {p['height']} cm    Weight: {p.get('weight', 45)} kg    BP: {a.get('bp', '118/74')}",
             f"SLEDAI-2K total: {a.get('sledai', '12')}",
             f"Performance status: {a.get('perf', 'ECOG 1')}",
             tick("Difficult venous access documented", a.get("venous_bad", False), c),
             "Comment box: " + a.get("comment", "N/A")]
    return (d, "assessment_form", "\n".join(lines))


def flow(p):
    c = ctry(p)
    d = p["flow_date"]
    f = p["flow"]
    lines = [HOSP[p["country"]], "IMMUNOLOGY - LYMPHOCYTE SUBSETS (flow cytometry) / AUTOANTIBODIES",
             f"Collected: {fd(d, c, 1)}   Patient ID: {p['pid']}",
             "Marker        | % lymphocytes | Absolute (cells/uL)",
             f"CD3+          | {f.get('cd3', '74')}            | {f.get('cd3a', '1050')}",
             f"CD19+ B cells | {f['cd19']:<13} | {f.get('cd19a', '')}",
             f"CD16/56+ NK   | {f.get('nk', '9')}             | {f.get('nka', '120')}",
             f"ANA (HEp-2 IIF): {p.get('ana', '1:640, homogeneous')}"]
    if f.get("comment"):
        lines.append("Comment: " + f["comment"])
    return (d, "flow_cytometry", "\n".join(lines))


# --------------------------------------------------------------- patients
def base(pid, country, sex, dob, **kw):
    us = country.startswith("US") or country == "CA"
    p = dict(pid=pid, country=country, sex=sex, dob=dob, structured=True, dob_text=True,
             labsys="US" if country.startswith("US") else "SI", height=152,
             ref_date="2026-07-06", pl_date="2026-11-02", ml_date="2026-11-02", as_date="2026-10-20",
             flow_date="2026-10-20", lab_print="2026-11-03",
             problems=[("M32.14", "Glomerular disease in SLE (lupus nephritis)", "Active", "2024-05-15"),
                       ("M32.9", "Systemic lupus erythematosus", "Active", "2024-03-15"),
                       ("Z79.52", "Long-term systemic steroid use", "Active", "2024-03-20")],
             meds=[("Prednisone" if us else "Prednisolone", "10 mg PO daily", "2024-03-20", "", "Active"),
                   ("Mycophenolate mofetil (CellCept)", "600 mg/m2 PO BID", "2024-06-01", "", "Active"),
                   ("Hydroxychloroquine", "200 mg PO daily", "2024-03-20", "", "Active")],
             biopsies=[("2026-08-12", "final", "IV-G (A)", 9, 2, {})],
             assess={},
             flow={"cd19": "11.5", "cd19a": "160"},
             visits=[("2026-06-15", dict(wbc=5.8, anc=3.4, lym=1.5, hb=104, plt=230, alt=20, ast=26, tbil=7,
                                         cr=58, inr=1.0, pt=12.4, upcr=2.4)),
                     ("2026-10-27", dict(wbc=5.1, anc=3.0, lym=1.3, hb=109, plt=215, alt=24, ast=29, tbil=8,
                                         cr=61, inr=1.0, pt=12.6, upcr=1.6))],
             extra=[], nct={}, ho={}, arch="eligible")
    p.update(kw)
    if "lab_print" not in kw:
        last = max(D(v[0]) for v in p["visits"])
        p["lab_print"] = min(last + dt.timedelta(days=1), ASOF - dt.timedelta(days=1)).isoformat()
    return p


P = []


def add(p):
    P.append(p)


# T001 US baseline eligible
add(base("T001", "US", "F", "2012-04-03", ref_comment="Biopsy-proven class IV LN, persistent proteinuria on MMF + steroids. Please assess for CAR-T study."))

# T002 AU eligible, newest column left, SI
add(base("T002", "AU", "F", "2010-09-12", lab_newest_left=True,
         visits=[("2026-06-02", dict(wbc=6.2, anc=3.9, lym=1.7, hb=101, plt=260, alt=18, ast=22, tbil=6, cr=52, inr=1.1, pt=13.1, upcr=2.9)),
                 ("2026-09-10", dict(wbc=5.6, anc=3.1, lym=1.2, hb=106, plt=240, alt=26, ast=31, tbil=7, cr=55, inr=1.0, pt=12.7, upcr=2.2)),
                 ("2026-11-04", dict(wbc=5.0, anc=2.8, lym=1.1, hb=104, plt=230, alt="cancelled", ast="cancelled", tbil="see comment",
                                     cr=57, inr="pending", pt="pending", upcr=2.0))],
         lab_comments=["04/11/2026 LFTs cancelled - insufficient sample; bilirubin: see comment (icteric index invalid). Coagulation pending at time of print."],
         ref_comment="Refractory LN despite MMF and prednisolone > 2 years. ?CAR-T"))

# T003 SG prelim class II superseded by amended class IV
add(base("T003", "SG", "M", "2011-01-22",
         biopsies=[("2026-09-02", "prelim", "II", 2, 1, {"proc": "2026-08-30", "comment": "Light microscopy only; EM and additional levels pending."}),
                   ("2026-09-14", "amended", "IV-S (A/C)", 11, 3, {"proc": "2026-08-30", "comment": "Deeper levels show segmental endocapillary proliferation in >50% of glomeruli. Class revised from II to IV."})],
         arch="prelim_superseded_to_IV"))

# T004 CA prelim class IV superseded by amended pure class V
add(base("T004", "CA", "F", "2009-12-01",
         biopsies=[("2026-09-20", "prelim", "IV-G (A)", 6, 1, {"proc": "2026-09-18", "comment": "Frozen section impression only."}),
                   ("2026-10-01", "amended", "V (pure membranous)", 1, 1, {"proc": "2026-09-18", "comment": "On review of permanent sections and EM: subepithelial deposits only, no endocapillary proliferation. Final diagnosis class V. Supersedes preliminary class IV."})],
         nct={"biopsy": "not_met"}, ho={"biopsy": "not_met"}, arch="amended_to_class_V"))

# T005 US newest-left table; newest ANC 0.8
add(base("T005", "US", "M", "2013-06-18", lab_newest_left=True,
         visits=[("2026-08-25", dict(wbc=6.0, anc=2.1, lym=1.6, hb=112, plt=240, alt=19, ast=25, tbil=6, cr=55, inr=1.0, pt=12.2, upcr=1.9)),
                 ("2026-11-09", dict(wbc=3.4, anc=0.8, lym=1.1, hb=107, plt=190, alt=22, ast=27, tbil=7, cr=57, inr=1.0, pt=12.3, upcr=1.7))],
         nct={"anc": "not_met"}, arch="neutropenia_newest_left"))

# T006 AU: SLE ruled out, LN entered in error, IgA nephropathy
add(base("T006", "AU", "F", "2011-03-30",
         problems=[("N02.8", "IgA nephropathy (biopsy-proven)", "Active", "2026-09-01"),
                   ("M32.9", "Systemic lupus erythematosus", "Ruled out", "2026-09-10"),
                   ("M32.14", "Lupus nephritis class IV", "Entered in error", "2026-08-20"),
                   ("R80.9", "Proteinuria", "Active", "2026-06-01")],
         meds=[("Prednisolone", "30 mg PO daily", "2026-09-05", "", "Active"),
               ("Mycophenolate mofetil", "500 mg PO BID", "", "", "Never started")],
         ref_ticks={"Systemic lupus erythematosus (SLE)": False, "Lupus nephritis": False,
                    "IgA nephropathy": True, "Other glomerulonephritis": False, "Trial pre-screening requested": False},
         ref_comment="Haematuria + proteinuria. ANA weakly positive 1:40. ?lupus - see attached.",
         ana="1:40 (below reporting cut-off), speckled",
         biopsies=[("2026-09-01", "final", "N/A - not lupus nephritis", 0, 1, {"if": "dominant mesangial IgA 3+, C3 2+, C1q negative", "comment": "IgA nephropathy, Oxford MEST-C M1 E0 S0 T0 C0. No features of lupus nephritis."})],
         assess={"sledai": "N/A (SLE excluded)", "comment": "SLE excluded by rheumatology 10/09/2026."},
         nct={"sle": "not_met", "biopsy": "not_met", "sledai": "unknown", "refractory": "not_met", "ana": "not_met"},
         ho={"sle": "not_met", "biopsy": "not_met"}, arch="sle_ruled_out_iga"))

# T007 SG: only one listed agent actually given (MMF / CYC never started)
add(base("T007", "SG", "F", "2012-08-08",
         meds=[("Prednisolone", "20 mg PO OM", "2025-10-01", "", "Active"),
               ("Mycophenolate mofetil", "500 mg PO BD", "", "", "Never started"),
               ("Cyclophosphamide IV (Euro-Lupus)", "500 mg q2w x6", "", "", "Never started"),
               ("Hydroxychloroquine", "200 mg PO OM", "2025-10-01", "", "Active")],
         ml_comments=["MMF and IV cyclophosphamide prescribed 11/2025 but family declined; never dispensed."],
         nct={"refractory": "unknown"}, arch="never_started_agents"))

# T008 US coordinator checklist with criteria wording, all No ticks - eligible
add(base("T008", "US2", "M", "2010-02-14",
         extra=[("2026-11-12", "prescreen_checklist",
                 "MOUNTAIN WEST PEDIATRIC NEPHROLOGY - Denver, CO, USA\nRESEARCH COORDINATOR PRE-SCREENING CHECKLIST (not a medical record of findings)\n"
                 "Patient ID: T008   Date: 11/12/2026\n"
                 "Active infection requiring IV antibiotics: Yes [ ] No [x]\n"
                 "Prior CD19-directed therapy: Y / (N)\n"
                 "Prior anti-CD20 (rituximab/obinutuzumab) in last 12 months: Yes [ ] No [x]\n"
                 "Pregnant or breastfeeding: Yes [ ] No [x]   (male)\n"
                 "Poor venous access / contraindication to apheresis: Yes [ ] No [x]\n"
                 "Coordinator comment: N/A")],
         arch="checklist_wording_unticked"))

# T009 CA infusion record: dose held, IV antibiotics for pneumonia 11/10/2026
add(base("T009", "CA", "F", "2009-05-05",
         extra=[("2026-11-13", "infusion_record",
                 "PRAIRIE CHILDREN'S HEALTH CENTRE - Winnipeg, MB, Canada\nAMBULATORY INFUSION CENTRE RECORD\nPatient ID: T009\n"
                 "Scheduled: Nov 10, 2026 - methylprednisolone pulse 500 mg IV\n"
                 "Dose given: ☐   Dose held: ☑   Rescheduled: ☑ (to Nov 24, 2026)\n"
                 "Reason held: febrile 39.2 C, RLL pneumonia on CXR; admitted, IV ceftriaxone started Nov 10, 2026, ongoing.")],
         ho={"x_infect": "met"}, arch="iv_antibiotics_recent"))

# T010 AU rituximab 03/2026, B cells depleted
add(base("T010", "AU", "M", "2011-11-11",
         meds=[("Prednisolone", "15 mg PO daily", "2024-02-10", "", "Active"),
               ("Mycophenolate mofetil", "750 mg PO BD", "2024-04-01", "", "Active"),
               ("Rituximab (Truxima)", "750 mg/m2 IV x2", "2026-03-09", "2026-03-23", "Completed course")],
         flow={"cd19": "0.0", "cd19a": "0", "comment": "B cells depleted (post-rituximab)."},
         nct={"cd19": "not_met"}, ho={"x_cd20": "met"}, arch="rituximab_recent_depleted"))

# T011 SG rituximab 2024 completed; B cells recovered
add(base("T011", "SG", "F", "2010-07-19",
         meds=[("Prednisolone", "10 mg PO OM", "2023-11-01", "", "Active"),
               ("Tacrolimus (Prograf)", "2 mg PO BD", "2024-01-15", "", "Active"),
               ("Rituximab", "375 mg/m2 IV weekly x4", "2024-06-03", "2024-06-24", "Completed course")],
         flow={"cd19": "7.8", "cd19a": "96", "comment": "B-cell reconstitution."},
         problems=[("SNOMED 55464009", "Systemic lupus erythematosus", "Active", "2023-10-15"),
                   ("M32.14", "Lupus nephritis class IV+V", "Active", "2023-12-01"),
                   ("T88.7", "Infusion reaction to rituximab (grade 1)", "Historical", "2024-06-03")],
         arch="rituximab_old_recovered"))

# T012 US CYC course ended 02/2026 (dispensing history long ago)
add(base("T012", "US", "F", "2008-10-02",
         meds=[("Prednisone", "7.5 mg PO daily", "2025-01-10", "", "Active"),
               ("Cyclophosphamide IV (Euro-Lupus)", "500 mg IV q2 weeks x6", "2025-12-01", "2026-02-09", "Completed course"),
               ("Mycophenolate mofetil", "1000 mg PO BID", "2026-03-01", "", "Active")],
         extra=[("2026-11-04", "pharmacy_dispensing",
                 "LAKESHORE CHILDREN'S HOSPITAL - Chicago, IL, USA\nOUTPATIENT PHARMACY DISPENSING HISTORY (export 2026-11-04) Patient: T012\n"
                 "Drug                         | Fill date  | Qty  | Days supply\n"
                 "Cyclophosphamide 500 mg inj  | 2026-01-26 | 1    | 14\n"
                 "Cyclophosphamide 500 mg inj  | 2026-02-09 | 1    | 14\n"
                 "Mycophenolate mofetil 500 mg | 2026-08-28 | 120  | 30\n"
                 "Mycophenolate mofetil 500 mg | 2026-10-27 | 120  | 30\n"
                 "No cyclophosphamide dispensed since 2026-02-09.")],
         arch="cyc_old_course"))

# T013 CA CYC last dose 09/15/2026
add(base("T013", "CA", "M", "2012-12-12",
         meds=[("Prednisone", "20 mg PO daily", "2025-03-01", "", "Active"),
               ("Cyclophosphamide IV (NIH)", "500 mg/m2 IV monthly", "2026-04-15", "2026-09-15", "Discontinued"),
               ("Mycophenolate mofetil", "600 mg/m2 BID", "2025-04-01", "2026-04-10", "Discontinued")],
         extra=[("2026-09-15", "infusion_record",
                 "PRAIRIE CHILDREN'S HEALTH CENTRE - Winnipeg, MB, Canada\nAMBULATORY INFUSION CENTRE RECORD\nPatient ID: T013\n"
                 "Date: 09/15/2026   Cyclophosphamide 500 mg/m2 IV\nDose given: ☑  Dose held: ☐\nNurse comment: dose 6 of 6 given, no reaction.")],
         ho={"x_cyc": "met"}, arch="cyc_within_3_months"))

# T014 CA stale full panel, recent UPCR only
add(base("T014", "CA", "F", "2011-04-27",
         visits=[("2026-07-08", dict(wbc=5.5, anc=3.2, lym=1.4, hb=110, plt=220, alt=21, ast=24, tbil=7, cr=60, inr=1.0, pt=12.5, upcr=2.0)),
                 ("2026-10-14", dict(upcr=1.8))],
         nct={k: "unknown" for k in ["lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt"]},
         ho={"egfr": "unknown", "x_alt": "unknown"}, arch="stale_labs"))

# T015 AU newest AST haemolysed; earlier AST in lookback 3.25x ULN
add(base("T015", "AU", "M", "2010-01-09",
         visits=[("2026-09-01", dict(wbc=6.1, anc=3.8, lym=1.5, hb=111, plt=250, alt=35, ast=130, tbil=9, cr=62, inr=1.0, pt=12.8, upcr=1.5)),
                 ("2026-11-02", dict(wbc=5.9, anc=3.6, lym=1.4, hb=113, plt=245, alt=38, ast="haemolysed", tbil=9, cr=63, inr=1.0, pt=12.7, upcr=1.4))],
         lab_comments=["02/11/2026 sample haemolysed - AST not reported, please repeat."],
         nct={"ast": "not_met"}, arch="haemolysed_ast"))

# T016 US ALT high vs lab's own low ULN (25)
add(base("T016", "US", "F", "2013-02-02", ref={"alt": (10, 25)},
         visits=[("2026-06-10", dict(wbc=5.0, anc=2.9, lym=1.3, hb=105, plt=200, alt=30, ast=28, tbil=7, cr=56, inr=1.0, pt=12.4, upcr=2.2)),
                 ("2026-10-30", dict(wbc=5.2, anc=3.0, lym=1.3, hb=106, plt=205, alt=95, ast=60, tbil=7, cr=57, inr=1.0, pt=12.5, upcr=1.9))],
         nct={"alt": "not_met"}, ho={"x_alt": "met"}, arch="alt_uln_from_range"))

# T017 SG ALT 110 ref <=45: NCT met (2.44x); HO not excluded (<=2.5x)
add(base("T017", "SG", "M", "2009-09-09", ref={"alt": (None, 45)},
         visits=[("2026-10-05", dict(wbc=6.4, anc=4.0, lym=1.6, hb=118, plt=260, alt=110, ast=70, tbil=10, cr=66, inr=1.1, pt=13.0, upcr=1.2))],
         arch="alt_borderline"))

# T018 AU Gilbert syndrome, bilirubin 2.5x
add(base("T018", "AU", "F", "2012-05-25",
         problems=[("M32.14", "Lupus nephritis (biopsy-proven)", "Active", "2024-05-15"),
                   ("E80.4", "Gilbert syndrome", "Active", "2019-02-01"),
                   ("M32.9", "Systemic lupus erythematosus", "Active", "2024-03-15")],
         visits=[("2026-10-21", dict(wbc=5.4, anc=3.3, lym=1.2, hb=112, plt=230, alt=18, ast=22, tbil=50, cr=59, inr=1.0, pt=12.2, upcr=1.3))],
         arch="gilbert_bili"))

# T019 AU Gilbert ruled out; bilirubin 2x
add(base("T019", "AU", "M", "2011-08-30",
         problems=[("M32.14", "Lupus nephritis class III", "Active", "2024-09-15"),
                   ("E80.4", "Gilbert syndrome", "Ruled out", "2026-10-01"),
                   ("K83.1", "Cholestasis - under investigation", "Active", "2026-10-01")],
         biopsies=[("2026-07-20", "final", "III (A)", 7, 2, {})],
         visits=[("2026-10-22", dict(wbc=5.7, anc=3.5, lym=1.3, hb=114, plt=240, alt=33, ast=35, tbil=40, cr=61, inr=1.0, pt=12.4, upcr=1.1))],
         nct={"tbil": "not_met"}, arch="gilbert_ruled_out"))

# T020 US myositis, ALT/AST > 3x ULN
add(base("T020", "US", "F", "2010-12-19",
         problems=[("M32.14", "Glomerular disease in SLE", "Active", "2024-06-15"),
                   ("M60.9", "Inflammatory myopathy (SLE-associated myositis)", "Active", "2026-09-01"),
                   ("M32.9", "SLE", "Active", "2024-03-15")],
         visits=[("2026-10-19", dict(wbc=5.9, anc=3.9, lym=1.2, hb=110, plt=210, alt=180, ast=210, tbil=8, cr=58, inr=1.0, pt=12.6, upcr=1.4))],
         lab_comments=["CK 4,820 U/L (ref 30-200) same sample - consistent with myositis."],
         nct={"alt": "manual", "ast": "manual"}, ho={"x_alt": "met"}, arch="myositis_transaminases"))

# T021 CA age 20
add(base("T021", "CA", "F", "2006-05-10", assess={"perf": "Karnofsky 70"}, nct={"age": "not_met"}, arch="age_over_18"))

# T022 SG stated age only: 17 y/o on 02/03/2026
add(base("T022", "SG", "M", None, structured=False, dob_text=False, age_text="17 y/o", ref_date="2026-03-02",
         nct={"age": "met"}, arch="stated_age_17"))

# T023 SG stated age 18 yrs on 10/01/2026 -> 18..19
add(base("T023", "SG", "F", None, structured=False, dob_text=False, age_text="18 yrs", ref_date="2026-01-10",
         nct={"age": "unknown"}, arch="stated_age_18_range"))

# T024 US age 11 (NCT ok, HO too young)
add(base("T024", "US2", "M", "2015-06-30", height=140, ho={"age": "not_met"}, arch="age_11"))

# T025 CA turns 19 the day after the as-of date
add(base("T025", "CA", "F", "2007-11-21", height=163, arch="age_19th_birthday_next_day"))

# T026 AU class IV biopsy 01/12/2025 (outside 6 months, inside 12)
add(base("T026", "AU", "F", "2010-04-14",
         biopsies=[("2025-12-01", "final", "IV-G (A/C)", 10, 3, {})],
         nct={"biopsy": "unknown"}, arch="biopsy_8_months"))

# T027 SG SLEDAI 6 latest, 12 older
add(base("T027", "SG", "M", "2012-03-03", assess={"sledai": "6  (previous 12 on 14/04/2026)"},
         extra=[("2026-04-14", "assessment_form",
                 "STRAITS PAEDIATRIC KIDNEY CENTRE - Singapore\nSLEDAI-2K SCORING SHEET   Date: 14/04/2026   Patient ID: T027\n"
                 "Proteinuria (4): Yes ☒ No ☐\nHaematuria (4): Yes ☒ No ☐\nLow complement (2): Yes ☒ No ☐\nIncreased DNA binding (2): Yes ☒ No ☐\nTOTAL: 12")],
         nct={"sledai": "not_met"}, arch="sledai_low_latest"))

# T028 CA SLEDAI only stale; Lansky 40
add(base("T028", "CA", "F", "2014-01-15", height=145,
         assess={"sledai": "not scored this visit (last 14 on 06/02/2026)", "perf": "Lansky 40 (mostly in bed, quiet play)"},
         nct={"sledai": "unknown", "ecog": "not_met"}, arch="stale_sledai_lansky40"))

# T029 US UPCR remission latest (newest right)
add(base("T029", "US", "M", "2009-07-07",
         visits=[("2026-07-01", dict(wbc=5.6, anc=3.1, lym=1.4, hb=118, plt=250, alt=21, ast=24, tbil=6, cr=54, inr=1.0, pt=12.0, upcr=2.1)),
                 ("2026-09-15", dict(upcr=0.9)),
                 ("2026-11-06", dict(wbc=5.8, anc=3.3, lym=1.5, hb=121, plt=255, alt=20, ast=23, tbil=6, cr=52, inr=1.0, pt=12.1, upcr=0.3))],
         nct={"refractory": "not_met"}, ho={"upcr": "not_met"}, arch="proteinuria_remission"))

# T030 AU filgrastim 28/10/2026; ANC 05/11/2026
add(base("T030", "AU", "F", "2011-02-20",
         visits=[("2026-11-05", dict(wbc=4.1, anc=1.9, lym=1.1, hb=101, plt=190, alt=20, ast=25, tbil=7, cr=60, inr=1.0, pt=12.5, upcr=1.7))],
         extra=[("2026-10-28", "infusion_record",
                 "HARBOURSIDE CHILDREN'S HOSPITAL - Sydney NSW, Australia\nDAY ONCOLOGY / INFUSION RECORD   Date: 28/10/2026   Patient ID: T030\n"
                 "Filgrastim (Nivestym) 5 mcg/kg SC: Given (Y) / N\nIndication: ANC 0.4 x10^9/L on 27/10/2026\nNext dose: not required if ANC recovers.")],
         nct={"anc": "not_met"}, arch="anc_after_gcsf"))

# T031 SG no eGFR row; Schwartz 36.5*150/220 = 24.9
add(base("T031", "SG", "M", "2012-10-10", height=150, egfr_row=False,
         visits=[("2026-10-16", dict(wbc=5.3, anc=3.0, lym=1.2, hb=92, plt=180, alt=19, ast=22, tbil=6, cr=220, inr=1.1, pt=12.9, upcr=3.1))],
         nct={"egfr": "manual"}, ho={"egfr": "not_met"}, arch="low_egfr_schwartz"))

# T032 US poor venous access; ANA positive no titre
add(base("T032", "US2", "F", "2011-09-01", ana="POSITIVE (titer not reported)",
         assess={"venous_bad": True, "comment": "Very difficult venous access - 4 attempts, US-guided; apheresis line would need IR."},
         nct={"venous": "not_met", "ana": "unknown"}, arch="poor_venous_ana_no_titre"))

# T033 CA pregnancy positive
add(base("T033", "CA", "F", "2008-03-03",
         extra=[("2026-11-12", "prescreen_checklist",
                 "PRAIRIE CHILDREN'S HEALTH CENTRE - Winnipeg, MB, Canada\nTRIAL PRE-SCREENING CHECKLIST   Date: Nov 12, 2026   Patient ID: T033\n"
                 "Pregnant or breastfeeding:  Yes ☑  No ☐\nSerum beta-hCG 11/12/2026: 2,410 IU/L (positive)\n"
                 "Active infection requiring IV antibiotics: Yes ☐ No ☑\nComment: refer to adolescent obstetrics.")],
         ho={"x_preg": "met"}, arch="pregnant"))

# T034 AU haemodynamic instability
add(base("T034", "AU", "M", "2010-10-30",
         extra=[("2026-10-20", "icu_flowsheet",
                 "HARBOURSIDE CHILDREN'S HOSPITAL - Sydney NSW, Australia\nPICU ADMISSION SUMMARY FORM   Date: 20/10/2026   Patient ID: T034\n"
                 "Shock: (Y) / N\nVasopressor / inotrope: noradrenaline 0.1 mcg/kg/min, started 20/10/2026\nVentilated: Y / (N)\nComment: septic shock, weaned 23/10/2026.")],
         arch="haemodynamic_instability", nct={"hemo": "not_met"}))

# T035 SG ANA 1:40 only; flow stale
add(base("T035", "SG", "F", "2013-05-05", ana="1:40 (negative at screening dilution 1:80)", flow_date="2026-05-20",
         nct={"ana": "not_met", "cd19": "unknown"}, arch="ana_low_flow_stale"))

# T036 US treatment-naive new LN
add(base("T036", "US", "F", "2012-07-17", ref_date="2026-10-02",
         meds=[("Hydroxychloroquine", "200 mg PO daily", "2026-10-05", "", "Active"),
               ("Prednisone", "60 mg PO daily", "", "", "On hold - planned after biopsy"),
               ("Mycophenolate mofetil", "", "", "", "Never started")],
         problems=[("M32.14", "Glomerular disease in SLE - new", "Active", "2026-10-01"),
                   ("M32.9", "Systemic lupus erythematosus", "Active", "2026-09-15")],
         biopsies=[("2026-10-09", "final", "IV-G (A)", 12, 1, {})],
         ml_comments=["Treatment-naive at referral: no prior immunosuppression."],
         nct={"refractory": "not_met"}, arch="treatment_naive"))

# T037 CA severe cytopenias US units
add(base("T037", "CA", "M", "2011-12-24", labsys="US",
         visits=[("2026-10-26", dict(wbc=2.6, anc=1.2, lym=0.6, hb=58, plt=90, alt=25, ast=30, tbil=8, cr=62, inr=1.0, pt=12.6, upcr=1.8))],
         nct={"wbc": "not_met", "lymph": "not_met", "hb": "not_met"}, arch="cytopenias_us_units"))

# T038 AU INR 1.9 vs 1.5x1.2=1.8; PT 16 ok
add(base("T038", "AU", "F", "2009-11-29",
         visits=[("2026-10-12", dict(wbc=5.5, anc=3.4, lym=1.3, hb=108, plt=200, alt=21, ast=26, tbil=8, cr=60, inr=1.9, pt=22.0, upcr=1.6))],
         lab_comments=["INR/PT prolonged - no anticoagulant on medication list; repeat requested."],
         nct={"inr": "not_met", "pt": "not_met"}, arch="inr_pt_high"))

# T039 US suspected SLE only, no biopsy yet, steroids started 09/2026
add(base("T039", "US", "F", "2013-03-03", ref_date="2026-09-12",
         problems=[("N04.9", "Nephrotic syndrome", "Active", "2026-09-10"),
                   ("M32.9", "Suspected SLE - r/o (awaiting biopsy)", "Under evaluation", "2026-09-10")],
         ref_ticks={"Systemic lupus erythematosus (SLE)": False, "Lupus nephritis": False,
                    "Nephrotic syndrome": True, "Trial pre-screening requested": False},
         ref_comment="? SLE - cannot exclude. Biopsy to be booked.",
         meds=[("Prednisone", "60 mg PO daily", "2026-09-12", "", "Active")],
         biopsies=[], ana="1:320, speckled",
         assess={"sledai": "not applicable (SLE not confirmed)", "perf": "not recorded"},
         extra=[("2026-11-10", "procedure_record",
                 "LAKESHORE CHILDREN'S HOSPITAL - Chicago, IL, USA\nPROCEDURE SCHEDULING RECORD   Patient ID: T039\n"
                 "Procedure: percutaneous renal biopsy\nScheduled: 11/09/2026   Performed: [ ]   Rescheduled: [x] (to 12/01/2026)\n"
                 "Reason: intercurrent gastroenteritis.")],
         nct={"sle": "unknown", "biopsy": "unknown", "sledai": "unknown", "refractory": "not_met", "ecog": "unknown"},
         ho={"sle": "unknown", "biopsy": "unknown"}, arch="suspected_sle_no_biopsy"))

# ---------------------------------------------------------------- notes
def build_notes(p):
    notes = [referral(p), problem_list(p), med_list(p)]
    for b in p["biopsies"]:
        notes.append(path_report(p, b))
    notes.append(assessment(p))
    notes.append(flow(p))
    title = ("CUMULATIVE LABORATORY REPORT" if p["labsys"] == "SI" else "CUMULATIVE LAB RESULTS")
    notes.append((p["lab_print"], "cumulative_labs",
                  lab_table(p, p["visits"], p.get("lab_newest_left", False), title,
                            date_style="iso" if p["country"] == "SG" else "local")))
    notes += p["extra"]
    out = []
    for i, (d, typ, text) in enumerate(sorted(notes, key=lambda n: n[0]), 1):
        row = {"patient_id": p["pid"], "note_id": f"{p['pid']}-{i:02d}", "note_date": d,
               "note_type": typ, "text": text}
        if p["structured"]:
            row["birth_date"] = p["dob"]
            row["sex"] = p["sex"]
        out.append(row)
    return out


# ----------------------------------------------------------- derivation
def status_of(crit, inc, exc):
    if any(crit[k] == "not_met" for k in inc) or any(crit[k] == "met" for k in exc):
        return "ineligible"
    if all(crit[k] in ("met", "manual") for k in inc) and all(crit[k] in ("not_met", "manual") for k in exc):
        return "eligible"
    return "possible"


def relevance(status, crit, core):
    if status == "eligible":
        return 3
    if status == "possible":
        return 2 if all(crit[k] == "met" for k in core) else 1
    return 0


# -------------------------------------------------------------- checks
def age_years(dob, on):
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_label(p, lo, hi):
    if p["dob"]:
        a = age_years(D(p["dob"]), ASOF)
        return "met" if lo <= a <= hi else "not_met"
    stated = int(p["age_text"].split()[0])
    nd = D(p["ref_date"])
    amin = stated + age_years(nd, ASOF)
    amax = amin + 1
    if lo <= amin and amax <= hi:
        return "met"
    if amax < lo or amin > hi:
        return "not_met"
    return "unknown"


def rederive_labs(p):
    """Second look at numeric lab labels from the rendered table values."""
    sys_ = p["labsys"]
    r = refs(p)
    start = ASOF - dt.timedelta(days=LOOKBACK)
    latest = {}
    for v in sorted(p["visits"], key=lambda v: v[0]):
        if not (start <= D(v[0]) <= ASOF):
            continue
        for a, val in visit_values(p, v).items():
            if isinstance(val, str):
                continue
            s = float(disp(sys_, a, val))
            conv = FROM_DISP[sys_].get(a, lambda x: x)
            latest[a] = (conv(s), s, r[a][1], v[0])
    out = {}

    def ge(a, thr, key):
        out[key] = "unknown" if a not in latest else ("met" if latest[a][0] >= thr else "not_met")

    ge("lym", 1.0, "lymph")
    ge("wbc", 3.0, "wbc")
    ge("anc", 1.0, "anc")
    ge("hb", 60, "hb")
    myositis = any("myopathy" in pr[1].lower() and pr[2] == "Active" for pr in p["problems"])
    gilbert = any("gilbert" in pr[1].lower() and pr[2] == "Active" for pr in p["problems"])
    for a in ("alt", "ast"):
        if a not in latest:
            out[a] = "unknown"
        else:
            ok = latest[a][1] <= 3 * latest[a][2]
            out[a] = "met" if ok else ("manual" if myositis else "not_met")
    if "tbil" in latest:
        out["tbil"] = "met" if latest["tbil"][1] <= (3.0 if gilbert else 1.5) * latest["tbil"][2] else "not_met"
    else:
        out["tbil"] = "unknown"
    for a in ("inr", "pt"):
        out[a] = "unknown" if a not in latest else ("met" if latest[a][1] <= 1.5 * latest[a][2] else "not_met")
    # G-CSF within 14 days before the count
    if "anc" in latest and out["anc"] == "met":
        ad = D(latest["anc"][3])
        for d, typ, text in p["extra"]:
            if "filgrastim" in text.lower() and 0 <= (ad - D(d)).days <= 14:
                out["anc"] = "not_met"
    # eGFR
    if "egfr" in latest:
        e = latest["egfr"][0]
    elif "cr" in latest:
        e = 36.5 * p["height"] / latest["cr"][0]
    else:
        e = None
    out["egfr"] = "unknown" if e is None else ("met" if e >= 30 else "manual")
    ho = {"egfr": "unknown" if e is None else ("met" if e >= 45 else "not_met"),
          "upcr": "unknown" if "upcr" not in latest else ("met" if latest["upcr"][0] >= 1.0 else "not_met"),
          "x_alt": "unknown" if "alt" not in latest else ("met" if latest["alt"][1] > 2.5 * latest["alt"][2] else "not_met")}
    return out, ho


def main():
    errs = []
    notes, gold = [], []
    pids = [p["pid"] for p in P]
    if pids != [f"T{i:03d}" for i in range(1, len(P) + 1)]:
        errs.append("patient ids not T001.. in order")
    for p in P:
        pn = build_notes(p)
        notes += pn
        nct = dict(NCT_DEFAULT)
        nct.update(p["nct"])
        ho = dict(HO_DEFAULT)
        ho.update(p["ho"])
        for k, v in list(nct.items()) + list(ho.items()):
            if v not in STATUSES:
                errs.append(f"{p['pid']} bad status {k}={v}")
        if set(nct) != set(NCT_KEYS) or set(ho) != set(HO_KEYS):
            errs.append(f"{p['pid']} bad label keys")
        if age_label(p, 6, 18) != nct["age"]:
            errs.append(f"{p['pid']} NCT age {nct['age']} != {age_label(p, 6, 18)}")
        if age_label(p, 12, 25) != ho["age"]:
            errs.append(f"{p['pid']} HO age {ho['age']} != {age_label(p, 12, 25)}")
        rn, rh = rederive_labs(p)
        for k, v in rn.items():
            if nct[k] != v:
                errs.append(f"{p['pid']} NCT {k} hand={nct[k]} rederived={v}")
        for k, v in rh.items():
            if ho[k] != v:
                errs.append(f"{p['pid']} HO {k} hand={ho[k]} rederived={v}")
        ns = status_of(nct, NCT_KEYS, [])
        hs = status_of(ho, HO_INC, HO_EXC)
        gold.append({"trial": NCT, "patient_id": p["pid"], "status": ns,
                     "relevance": relevance(ns, nct, ["sle", "biopsy", "refractory"]),
                     "criteria": {k: nct[k] for k in NCT_KEYS}, "archetype": p["arch"]})
        gold.append({"trial": HO, "patient_id": p["pid"], "status": hs,
                     "relevance": relevance(hs, ho, ["sle", "biopsy", "upcr"]),
                     "criteria": {k: ho[k] for k in HO_KEYS}, "archetype": p["arch"]})
    ids = [n["note_id"] for n in notes]
    if len(ids) != len(set(ids)):
        errs.append("duplicate note ids")
    for n in notes:
        if not D(n["note_date"]) < ASOF:
            errs.append(f"{n['note_id']} dated on/after as-of")
    if len(P) < 30 or len(notes) < 100:
        errs.append(f"too small: {len(P)} patients, {len(notes)} notes")
    if errs:
        print("REFUSING TO WRITE:\n  " + "\n  ".join(errs))
        sys.exit(1)
    with open(os.path.join(OUT, "notes.jsonl"), "w", encoding="utf-8") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "gold.jsonl"), "w", encoding="utf-8") as f:
        for g in gold:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
    from collections import Counter
    print(f"{len(P)} patients, {len(notes)} notes")
    for t in (NCT, HO):
        print(t, dict(Counter(g["status"] for g in gold if g["trial"] == t)))


if __name__ == "__main__":
    main()
