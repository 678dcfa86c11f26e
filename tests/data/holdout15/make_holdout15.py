#!/usr/bin/env python3
"""Hold-out 15: paediatric-to-adult transition and administrative documents.
Stdlib only. Writes notes.jsonl and gold.jsonl next to this file, after self-checks."""
import json, os, sys, datetime as dt

HERE = os.path.dirname(os.path.abspath(__file__))
ASOF = dt.date(2026, 11, 20)
LOOKBACK = ASOF - dt.timedelta(days=90)      # 2026-08-22
D = dt.date.fromisoformat

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph",
            "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
NCT_INCL = set(NCT_KEYS)
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "consent",
           "x_bcell", "x_cyc", "x_liver", "x_infection", "x_pregnancy", "x_investigator"]
STATUSES = {"met", "not_met", "unknown", "manual"}

NCT_DEFAULT = dict(age="met", sle="met", biopsy="met", sledai="met", refractory="met", cd19="met",
                   venous="manual", consent="manual", lymph="met", wbc="met", anc="met", hb="met",
                   alt="met", ast="met", tbil="met", egfr="met", inr="met", pt="met", hemo="manual",
                   ana="met", ecog="met")
HO_DEFAULT = dict(age="met", sle="met", biopsy="met", upcr="met", egfr="met", consent="manual",
                  x_bcell="not_met", x_cyc="not_met", x_liver="not_met", x_infection="not_met",
                  x_pregnancy="not_met", x_investigator="manual")


def fd(d, c):
    """Date as printed in a document of country c: month-first US/CA, day-first UK/IE."""
    d = D(d) if isinstance(d, str) else d
    if c in ("US", "CA"):
        return d.strftime("%m/%d/%Y")
    return d.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- lab rendering
# Visit values are stored in the units the lab printed: US = conventional, others = SI.
# hb stored in g/L always (US prints g/dL = /10). upcr stored g/g (US prints mg/g, SI mg/mmol).
# alt/ast/tbil/inr/pt stored as (value, low, high) with the lab's printed range.

def _fmt(x):
    return ("%g" % x)


def render_labs(v, c, layout):
    us = c == "US"
    rows = []
    if "wbc" in v: rows.append(("WBC", _fmt(v["wbc"]), "K/uL" if us else "x10^9/L", "4.5-13.0" if us else "4.0-11.0"))
    if "anc" in v: rows.append(("Neutrophils (abs)", _fmt(v["anc"]), "K/uL" if us else "x10^9/L", "1.8-8.0"))
    if "lymph" in v: rows.append(("Lymphocytes (abs)", _fmt(v["lymph"]), "K/uL" if us else "x10^9/L", "1.0-4.8"))
    if "hb" in v:
        rows.append(("Hemoglobin" if c in ("US", "CA") else "Haemoglobin",
                     _fmt(v["hb"] / 10) if us else _fmt(v["hb"]), "g/dL" if us else "g/L",
                     "12.0-16.0" if us else "120-160"))
    if "plt" in v: rows.append(("Platelets", _fmt(v["plt"]), "K/uL" if us else "x10^9/L", "150-400"))
    for k, name in (("alt", "ALT"), ("ast", "AST")):
        if k in v:
            val, lo, hi = v[k]
            rows.append((name, _fmt(val), "U/L", "%g-%g" % (lo, hi)))
    if "tbil" in v:
        val, lo, hi = v["tbil"]
        rows.append(("Bilirubin, total", _fmt(val), "mg/dL" if us else "umol/L", "%g-%g" % (lo, hi)))
    if "creat" in v:
        rows.append(("Creatinine", _fmt(v["creat"]), "mg/dL" if us else "umol/L", "0.5-1.0" if us else "44-88"))
    if "egfr" in v: rows.append(("eGFR (bedside Schwartz)", _fmt(v["egfr"]), "mL/min/1.73m2", ">90"))
    if "inr" in v:
        val, lo, hi = v["inr"]
        rows.append(("INR", "%.2f" % val, "", "%.1f-%.1f" % (lo, hi)))
    if "pt" in v:
        val, lo, hi = v["pt"]
        rows.append(("PT", _fmt(val), "sec", "%g-%g" % (lo, hi)))
    if "upcr" in v:
        if us:
            rows.append(("Urine protein/creatinine ratio", "%d" % round(v["upcr"] * 1000), "mg/g", "<200"))
        else:
            rows.append(("Urine protein:creatinine ratio", "%d" % round(v["upcr"] * 113), "mg/mmol", "<20"))
    if "cd19" in v:
        rows.append(("CD19+ B cells", v["cd19"], "% of lymphs", "8-24"))
    when = fd(v["date"], c)
    if layout == "table":
        out = ["Collected: %s" % when, "Test                            Result   Units          Ref range"]
        for n, r, u, rg in rows:
            out.append("%-32s%-9s%-15s%s" % (n, r, u, rg))
        return "\n".join(out)
    if layout == "inline":
        return "Bloods %s: " % when + "; ".join("%s %s %s (%s)" % (n, r, u, rg) for n, r, u, rg in rows) + "."
    # portal
    out = ["Lab results released (collected %s):" % when]
    for n, r, u, rg in rows:
        out.append("  %s: %s %s   [normal range %s]" % (n, r, u, rg))
    return "\n".join(out)


STD_US = dict(wbc=6.2, anc=3.9, lymph=1.4, hb=112, alt=(24, 7, 45), ast=(29, 10, 40), tbil=(0.5, 0.2, 1.2),
              creat=0.8, egfr=88, inr=(1.0, 0.9, 1.1), pt=(12.1, 11.0, 13.5), upcr=1.6, cd19="11.2")
STD_SI = dict(wbc=5.8, anc=3.5, lymph=1.3, hb=109, alt=(21, 0, 40), ast=(26, 0, 40), tbil=(8, 0, 21),
              creat=71, egfr=84, inr=(1.0, 0.8, 1.2), pt=(12.4, 10.5, 13.5), upcr=1.8, cd19="9.6")


def visit(date, c, **kw):
    base = dict(STD_US if c == "US" else STD_SI)
    for k, val in kw.items():
        if val is None:
            base.pop(k, None)
        else:
            base[k] = val
    base["date"] = date
    return base


def labs_only(date, **kw):
    kw["date"] = date
    return kw


# ---------------------------------------------------------------- document builders

LETTERHEAD = {
    "US": "Children's Hospital of the Midwest - Pediatric Rheumatology, Columbus, OH, USA",
    "CA": "Children's Hospital of Western Ontario - Paediatric Nephrology, London, ON, Canada",
    "UK": "Great Northern Children's Hospital NHS Foundation Trust - Paediatric Nephrology, Leeds, UK",
    "IE": "Children's Health Ireland at Crumlin - Paediatric Rheumatology, Dublin 12, Ireland",
}


def transition(p, date, history, current, previous, extra=""):
    c = p["c"]
    head = "TRANSITION OF CARE SUMMARY - paediatric to adult services" if c != "US" else \
        "TRANSITION OF CARE SUMMARY - pediatric to adult rheumatology"
    lines = [LETTERHEAD[c], head, "Date of document: %s" % fd(date, c)]
    if p.get("dob_text", True) and p.get("dob"):
        lines.append("Patient: %s   DOB: %s   Sex: %s" % (p["name"], fd(p["dob"], c), p["sex"]))
    else:
        lines.append("Patient: %s   Sex: %s" % (p["name"], p["sex"]))
    lines += ["", "Disease history:", history.strip(), "", "Current medications:"]
    lines += ["  - " + m for m in current]
    lines += ["", "Previous medications (with stop reason):"]
    lines += ["  - " + m for m in previous] if previous else ["  - none"]
    if extra:
        lines += ["", extra.strip()]
    lines += ["", "Receiving adult team: Adult Lupus Clinic. Copy to family and GP/PCP."]
    return "\n".join(lines)


PATIENTS = []


def P(**kw):
    kw.setdefault("visits", [])
    kw.setdefault("notes", [])
    kw.setdefault("nct", {})
    kw.setdefault("ho", {})
    kw.setdefault("gcsf", [])
    kw.setdefault("flags", set())
    PATIENTS.append(kw)
    return kw


def std_history(c, dx, bx_date, bx_class, sledai, sledai_date, ana="1:640 homogeneous"):
    return ("Diagnosed with childhood-onset SLE in %s (ANA %s, anti-dsDNA positive, low C3/C4). "
            "Lupus nephritis on kidney biopsy %s: ISN/RPS %s. SLEDAI-2K %d on %s. "
            "Persistent proteinuria despite induction and maintenance therapy - non-response per renal team."
            % (dx, ana, fd(bx_date, c), bx_class, sledai, fd(sledai_date, c)))


# ---- U001 US eligible, standard
p = P(pid="U001", c="US", dob="2010-03-14", sex="F", name="A. Romero", arche="eligible_transition_us", structured=True)
p["visits"] = [visit("2026-11-03", "US")]
p["notes"] = [
    ("2026-11-03", "transition_summary", transition(p, "2026-11-03",
        std_history("US", "09/2024", "2026-07-22", "class IV-G (A), AI 10/24, CI 2/12", 14, "2026-11-03"),
        ["Mycophenolate mofetil 1000 mg PO BID (since 10/2024)", "Prednisone 10 mg PO daily (since 09/2024)",
         "Hydroxychloroquine 200 mg PO daily"], [],
        "Performance: ECOG 1. Lymphocyte subsets 11/03/2026: CD19+ B cells present (see labs).")),
    ("2026-11-03", "lab", render_labs(p["visits"][0], "US", "table")),
    ("2026-11-10", "portal_message", "MyChart message from parent (mother), 11/10/2026:\n"
        "Hi, her urine looked foamy again this week. Should we be worried? She is taking all her meds.\n\n"
        "Reply from RN, 11/10/2026: Thank you for letting us know. Her urine protein on 11/03/2026 was still "
        "high (UPCR 1600 mg/g) which is why Dr. Patel is referring her to the adult lupus clinic and discussing "
        "clinical trials. Please keep the appointment on 12/01/2026."),
]

# ---- U002 UK eligible, day-first
p = P(pid="U002", c="UK", dob="2009-02-11", sex="F", name="B. Okafor", arche="eligible_gp_letter_uk", structured=True)
p["visits"] = [visit("2026-10-21", "UK", upcr=2.3)]
p["notes"] = [
    ("2026-10-21", "gp_letter", LETTERHEAD["UK"] + "\nClinic date: 21/10/2026\nDear Dr Hughes,\n"
        "Re: Blessing Okafor, DOB 11/02/2009\n"
        "Diagnoses: 1. Systemic lupus erythematosus (diagnosed 03/2023). 2. Lupus nephritis ISN/RPS class III (A) + V, "
        "repeat biopsy 02/07/2026.\n"
        "I reviewed Blessing with her mother today. She remains on mycophenolate mofetil 1 g twice daily (started April 2023) "
        "and prednisolone 7.5 mg daily, with hydroxychloroquine. Despite this her proteinuria has not remitted "
        "(uPCR 260 mg/mmol today). SLEDAI-2K today 12. Karnofsky 90.\n"
        "Lymphocyte subsets today: CD19+ B cells 9.6%.\n"
        "We are referring her to the young adult lupus service and have discussed CAR-T research studies.\n"
        "Yours sincerely,\nDr R. Whitfield, Consultant Paediatric Nephrologist"),
    ("2026-10-21", "lab", render_labs(p["visits"][0], "UK", "inline")),
    ("2026-03-05", "clinic_letter", LETTERHEAD["UK"] + "\nClinic date: 05/03/2026\nDear Dr Hughes,\n"
        "Blessing's ANA was 1:1280 (speckled) at diagnosis in 2023. She is on MMF and prednisolone. "
        "uPCR 310 mg/mmol. We will re-biopsy in the summer if no improvement.\nDr R. Whitfield"),
]

# ---- U003 US: rituximab PA requested + approved but never infused
p = P(pid="U003", c="US", dob="2009-08-30", sex="F", name="C. Nguyen", arche="rtx_authorised_not_given", structured=True)
p["visits"] = [visit("2026-10-14", "US", upcr=2.1, cd19="13.0")]
p["notes"] = [
    ("2026-07-02", "prior_authorization", "PRIOR AUTHORIZATION REQUEST - Pediatric Rheumatology, Columbus, OH\n"
        "Date: 07/02/2026\nTo: BlueHorizon Health Plan, Pharmacy Benefit\n"
        "Request: rituximab (Truxima) 750 mg/m2 IV x 2 doses, 14 days apart.\n"
        "Patient: 16-year-old female with biopsy-proven ISN/RPS class IV lupus nephritis (biopsy 06/18/2026), "
        "refractory to mycophenolate mofetil (since 01/2025) and prednisone (since 12/2024), UPCR 2,400 mg/g. "
        "ANA 1:1280. We request coverage so that the first infusion can be scheduled."),
    ("2026-07-20", "pharmacy_benefit_note", "Pharmacy benefit note 07/20/2026: rituximab PA #88123 APPROVED "
        "for 2 infusions, valid 07/20/2026-01/19/2027. Infusion center notified."),
    ("2026-08-03", "telephone_encounter", "Telephone encounter 08/03/2026. Mother called: family has decided "
        "not to go ahead with rituximab after discussing with the team; infusion appointment 08/05/2026 cancelled. "
        "Rituximab was NOT given. Will remain on MMF 1500 mg BID and prednisone 10 mg daily. Authorization left to lapse."),
    ("2026-10-14", "consult_note", "PEDIATRIC RHEUMATOLOGY FOLLOW-UP 10/14/2026\n"
        "17 yo F with SLE / class IV LN. Never received rituximab (authorized, declined by family).\n"
        "SLEDAI-2K 10. ECOG 0. Veins good, multiple easy blood draws.\n" + render_labs(p["visits"][0], "US", "inline")),
]

# ---- U004 US: rituximab actually infused 07/2026 -> CD19 depleted
p = P(pid="U004", c="US", dob="2010-12-01", sex="M", name="D. Brooks", arche="rtx_given_cd19_depleted", structured=True)
p["visits"] = [visit("2026-10-28", "US", cd19="0.0", upcr=1.9)]
p["nct"] = dict(cd19="not_met")
p["ho"] = dict(x_bcell="met")
p["notes"] = [
    ("2026-06-30", "appeal_letter", "LETTER OF APPEAL - Pediatric Rheumatology, Columbus, OH   06/30/2026\n"
        "Re: denial of rituximab for Daniel Brooks, DOB 12/01/2010.\nThe initial request was denied on 06/12/2026. "
        "Daniel has class IV-S lupus nephritis (biopsy 06/02/2026) refractory to IV cyclophosphamide (Euro-Lupus, "
        "completed 03/2025) then mycophenolate since 04/2025, with prednisone. We request reconsideration; a "
        "peer-to-peer review is requested."),
    ("2026-07-08", "pharmacy_benefit_note", "Peer-to-peer completed 07/07/2026; rituximab approved 07/08/2026."),
    ("2026-07-24", "infusion_record", "INFUSION CENTER 07/10/2026 and 07/24/2026: rituximab 750 mg/m2 IV given "
        "(dose 1 on 07/10/2026, dose 2 today 07/24/2026). Premedicated. Tolerated well."),
    ("2026-10-28", "consult_note", "FOLLOW-UP 10/28/2026. 15 yo M with SLE, LN class IV. Post rituximab "
        "(07/2026). B cells depleted on flow. SLEDAI-2K 8. ECOG 1. UPCR remains 1900 mg/g - no renal response.\n"
        + render_labs(p["visits"][0], "US", "table")),
]

# ---- U005 UK: cyclophosphamide discontinued long ago but still in med-rec table
p = P(pid="U005", c="UK", dob="2008-06-19", sex="F", name="E. Murphy", arche="cyc_old_in_medrec", structured=True)
p["visits"] = [visit("2026-11-04", "UK", upcr=1.4)]
p["notes"] = [
    ("2026-11-04", "medication_reconciliation", LETTERHEAD["UK"] + "\nMEDICATION RECONCILIATION 04/11/2026\n"
        "Drug                       Status         Start        Stop         Reason\n"
        "Mycophenolate mofetil 1g BD active         10/04/2025   -            maintenance\n"
        "Prednisolone 5 mg OD       active         01/01/2025   -\n"
        "Hydroxychloroquine 200 mg  active         01/01/2025   -\n"
        "Cyclophosphamide IV 500 mg discontinued   15/01/2025   26/03/2025   Euro-Lupus course completed (6 doses)\n"
        "Omeprazole 20 mg           held           -            -            no longer needed\n"
        "Paracetamol 500 mg         PRN"),
    ("2026-11-04", "transition_summary", transition(p, "2026-11-04",
        std_history("UK", "12/2024", "2026-08-12", "class IV (A), AI 8/24, CI 3/12", 10, "2026-11-04", "1:320"),
        ["Mycophenolate mofetil 1 g BD", "Prednisolone 5 mg OD", "Hydroxychloroquine 200 mg OD"],
        ["Cyclophosphamide IV (Euro-Lupus) 01/2025-03/2025 - course completed"],
        "Karnofsky 80. Flow cytometry 04/11/2026: CD19 B cells 9.6%.")),
    ("2026-11-04", "lab", render_labs(p["visits"][0], "UK", "table")),
]

# ---- U006 CA: IV cyclophosphamide last dose 10/01/2026 (1 October) -> HO x_cyc met
p = P(pid="U006", c="CA", dob="2011-04-07", sex="F", name="F. Tremblay", arche="cyc_recent_monthfirst", structured=True)
p["visits"] = [visit("2026-11-05", "CA", upcr=2.6)]
p["ho"] = dict(x_cyc="met")
p["notes"] = [
    ("2026-11-05", "transition_summary", transition(p, "2026-11-05",
        std_history("CA", "05/2024", "2026-06-15", "class III (A/C) + V", 16, "2026-11-05", "1:2560"),
        ["Prednisone 15 mg daily (since 05/2024)", "Hydroxychloroquine 200 mg daily"],
        ["Mycophenolate mofetil 06/2024-04/2026 - stopped for non-response",
         "Cyclophosphamide IV 500 mg q2weeks - last (6th) dose 10/01/2026, course complete"],
        "ECOG 1. Lymphocyte subsets 11/05/2026: CD19+ 9.6% of lymphocytes.")),
    ("2026-11-05", "lab", render_labs(p["visits"][0], "CA", "portal")),
    ("2026-11-12", "telephone_encounter", "Telephone encounter 11/12/2026 (Canada). Father called asking about "
        "the voclosporin form. Explained voclosporin is being requested from the provincial drug plan; not started. "
        "No fever, no infections."),
]

# ---- U007 US consult with smart-phrase template naming criteria; SLEDAI blank
p = P(pid="U007", c="US", dob="2009-10-10", sex="F", name="G. Harris", arche="template_smartphrase", structured=True)
p["visits"] = [visit("2026-11-09", "US", upcr=1.2)]
p["nct"] = dict(sledai="unknown")
p["notes"] = [
    ("2026-11-09", "consult_note", "PEDIATRIC NEPHROLOGY CONSULT 11/09/2026 (Columbus, OH)\n"
        "CC: lupus nephritis, persistent proteinuria.\n"
        "HPI: 17 yo F with SLE dx 02/2024, LN class IV-G (A) on biopsy 08/27/2026. On MMF since 03/2024 and "
        "prednisone since 02/2024; UPCR 1200 mg/g today - not in remission.\n"
        ".SLEDAI\nSLEDAI-2K descriptors: [ ] seizure [ ] psychosis [ ] organic brain syndrome [ ] visual disturbance "
        "[ ] vasculitis [ ] proteinuria [ ] pyuria  SLEDAI-2K score: ***\n"
        ".ROS\nROS: negative x 12 systems. Constitutional: no fever, chills. Infection screen: *** \n"
        ".REPROHX\nPregnancy status: *** ; pregnancy test if indicated. Breastfeeding: ***\n"
        "Meds: see med list.\nExam: well, ECOG 0.\nANA 1:640 (02/2024).\n"
        + render_labs(p["visits"][0], "US", "inline")),
    ("2026-11-09", "med_list", "Med list 11/09/2026: mycophenolate mofetil 1000 mg BID; prednisone 10 mg daily; "
        "hydroxychloroquine 200 mg daily; lisinopril 5 mg daily."),
    ("2026-11-09", "after_visit_summary", "AFTER VISIT SUMMARY 11/09/2026\nYou saw the kidney doctor today for lupus "
        "nephritis. Keep taking your CellCept and prednisone. Your urine still has too much protein. "
        "We will see you in 4 weeks."),
]

# ---- U008 US parent-reported foamy urine vs measured remission
p = P(pid="U008", c="US", dob="2011-01-25", sex="F", name="H. Lopez", arche="parent_report_vs_measured", structured=True)
p["visits"] = [visit("2026-09-02", "US", upcr=1.1), visit("2026-11-11", "US", upcr=0.3)]
p["nct"] = dict(refractory="not_met")
p["ho"] = dict(upcr="not_met")
p["notes"] = [
    ("2026-09-02", "consult_note", "RHEUMATOLOGY VISIT 09/02/2026. 15 yo F, SLE with class III (A) LN on biopsy "
        "07/15/2026. MMF since 11/2025, prednisone since 10/2025. SLEDAI-2K 9. ECOG 0. ANA 1:320.\n"
        + render_labs(p["visits"][0], "US", "table")),
    ("2026-11-16", "portal_message", "Patient portal message from parent (father) 11/15/2026:\n"
        "Her urine was foamy again and the dipstick we have at home showed 3+ protein. I think the proteinuria is "
        "back!!\n\nNurse reply 11/16/2026: Thanks for the message. Her lab from 11/11/2026 was actually good - urine "
        "protein/creatinine ratio 300 mg/g, which is the best it has been. Home dipsticks can over-read. We will "
        "recheck at her next visit."),
    ("2026-11-11", "lab", render_labs(p["visits"][1], "US", "portal")),
]

# ---- U009 UK: old biopsy summarised in a transition history, no recent biopsy
p = P(pid="U009", c="UK", dob="2008-01-30", sex="M", name="I. Patel", arche="old_biopsy_in_history", structured=True)
p["visits"] = [visit("2026-10-30", "UK", upcr=1.5)]
p["nct"] = dict(biopsy="unknown")
p["ho"] = dict(biopsy="unknown")
p["notes"] = [
    ("2026-10-30", "transition_summary", transition(p, "2026-10-30",
        "SLE diagnosed 14/01/2024 (ANA 1:640, dsDNA 210 IU/mL). Kidney biopsy 02/02/2024: diffuse proliferative "
        "lupus nephritis (ISN/RPS class IV-G), AI 11/24, CI 1/12. Induction with IV methylprednisolone pulses and "
        "MMF from 02/2024. Partial response in 2025, renal relapse 06/2026 (uPCR rising). No repeat biopsy has been "
        "done; adult team to consider. SLEDAI-2K 12 on 30/10/2026.",
        ["Mycophenolate mofetil 1.5 g BD", "Prednisolone 10 mg OD", "Hydroxychloroquine 300 mg OD"],
        ["Azathioprine 2023 - intolerance (GI)"],
        "Karnofsky 90. CD19 B cells 9.6% (30/10/2026). Good veins.")),
    ("2026-10-30", "lab", render_labs(p["visits"][0], "UK", "inline")),
    ("2026-11-02", "school_letter", LETTERHEAD["UK"] + "\n02/11/2026\nTo whom it may concern,\nIshaan attends our "
        "clinic for lupus (SLE) affecting his kidneys. He may need time off school for hospital appointments "
        "and blood tests. Please allow access to toilets and water.\nPaediatric Nephrology Team"),
]

# ---- U010 US: month-first biopsy date 06/04/2026 = 4 June (within 183 d)
p = P(pid="U010", c="US", dob="2010-09-09", sex="F", name="J. Walker", arche="monthfirst_biopsy_date", structured=True)
p["visits"] = [visit("2026-10-20", "US")]
p["notes"] = [
    ("2026-06-04", "pathology", "RENAL PATHOLOGY REPORT (Columbus, OH) - biopsy performed 06/04/2026\n"
        "Diagnosis: lupus nephritis, ISN/RPS class IV (A), with segmental necrosis; AI 9/24, CI 2/12."),
    ("2026-10-20", "consult_note", "FOLLOW-UP 10/20/2026. 16 yo F with SLE (dx 03/2025), LN class IV on biopsy "
        "06/04/2026. Tacrolimus since 04/2025 + prednisone since 03/2025; persistent nephrotic-range proteinuria. "
        "SLEDAI-2K 14. ECOG 1. ANA 1:160.\n" + render_labs(p["visits"][0], "US", "table")),
    ("2026-10-22", "school_letter", "Pediatric Rheumatology, Columbus, OH - 10/22/2026\nTo the school nurse: "
        "Jada has systemic lupus with kidney involvement. Please excuse absences for infusions and appointments."),
]

# ---- U011 UK: day-first biopsy 01/06/2026 = 1 June (within 183 d; month-first would be 6 Jan)
p = P(pid="U011", c="UK", dob="2009-05-05", sex="F", name="K. O'Brien", arche="dayfirst_biopsy_date", structured=True)
p["visits"] = [visit("2026-09-16", "UK", upcr=3.1)]
p["notes"] = [
    ("2026-09-16", "gp_letter", LETTERHEAD["UK"] + "\nClinic date 16/09/2026\nDear Dr Shah,\nKatie (DOB 05/05/2009) "
        "has SLE with lupus nephritis. Her repeat renal biopsy on 01/06/2026 showed ISN/RPS class III (A) + V. "
        "She has had prednisolone since 09/2024 and mycophenolate since 10/2024 with no remission; uPCR "
        "350 mg/mmol today. SLEDAI-2K 11. ECOG 1. ANA 1:320. Flow: CD19+ B cells 9.6%.\nDr A. Kerr"),
    ("2026-09-16", "lab", render_labs(p["visits"][0], "UK", "table")),
    ("2026-09-20", "telephone_encounter", "Telephone call 20/09/2026: Katie's mum asked about trial options. "
        "Explained CAR-T studies; information leaflet posted."),
]

# ---- U012 US: AVS repeats stale July labs; nothing measured in lookback
p = P(pid="U012", c="US", dob="2010-02-02", sex="M", name="L. Carter", arche="stale_labs_in_avs", structured=True)
p["visits"] = [visit("2026-07-20", "US", upcr=1.8)]
p["nct"] = dict(refractory="unknown", cd19="unknown", lymph="unknown", wbc="unknown", anc="unknown",
                hb="unknown", alt="unknown", ast="unknown", tbil="unknown", egfr="unknown", inr="unknown",
                pt="unknown")
p["ho"] = dict(upcr="unknown", egfr="unknown", x_liver="unknown")
p["notes"] = [
    ("2026-07-20", "lab", render_labs(p["visits"][0], "US", "table")),
    ("2026-06-11", "pathology", "Renal biopsy report 06/11/2026: lupus nephritis ISN/RPS class IV-S (A)."),
    ("2026-11-02", "after_visit_summary", "AFTER VISIT SUMMARY - 11/02/2026\nYou were seen for lupus (SLE) and "
        "lupus nephritis. Your last blood and urine tests were from 07/20/2026: urine protein/creatinine "
        "1800 mg/g, hemoglobin 11.2 g/dL, white count 6.2 K/uL. We did not draw labs today - please go to the "
        "lab before your next visit. Medicines: CellCept (mycophenolate) 1000 mg twice a day since 01/2025, prednisone "
        "10 mg daily since 12/2024. Disease activity today: SLEDAI-2K 10. ECOG 0. ANA was 1:640."),
]

# ---- U013 CA: stale low lymphocytes superseded; UPCR 0.7 (NCT refractory met, HO upcr not met)
p = P(pid="U013", c="CA", dob="2009-11-20", sex="M", name="M. Singh", arche="superseded_labs", structured=True)
p["visits"] = [visit("2026-09-01", "CA", lymph=0.6, upcr=1.9), visit("2026-11-13", "CA", lymph=1.2, upcr=0.7)]
p["ho"] = dict(upcr="not_met")
p["notes"] = [
    ("2026-09-01", "lab", render_labs(p["visits"][0], "CA", "inline")),
    ("2026-11-13", "lab", render_labs(p["visits"][1], "CA", "table")),
    ("2026-11-13", "transition_summary", transition(p, "2026-11-13",
        std_history("CA", "02/2025", "2026-08-05", "class IV-G (A/C)", 9, "2026-11-13", "1:1280"),
        ["Mycophenolate mofetil 1250 mg BID (since 03/2025)", "Prednisone 7.5 mg daily (since 02/2025)"],
        ["Tacrolimus 03/2025-09/2025 - tremor"],
        "Proteinuria improved but not in remission (UPCR 79 mg/mmol). Lymphopenia of 09/2026 has resolved. ECOG 1.")),
]

# ---- U014 US: filgrastim within 14 days of ANC
p = P(pid="U014", c="US", dob="2011-07-17", sex="F", name="N. Kim", arche="anc_after_gcsf", structured=True)
p["visits"] = [visit("2026-11-12", "US", anc=2.1, wbc=4.0)]
p["gcsf"] = ["2026-11-05"]
p["nct"] = dict(anc="not_met")
p["notes"] = [
    ("2026-11-06", "telephone_encounter", "Telephone encounter 11/06/2026: ANC 0.4 on 11/04 after "
        "cyclophosphamide. Filgrastim (Zarxio) 5 mcg/kg SC given 11/05/2026 in infusion clinic. Recheck CBC next week."),
    ("2026-11-12", "consult_note", "FOLLOW-UP 11/12/2026. 15 yo F, SLE/LN class IV (biopsy 09/10/2026). "
        "Prednisone since 01/2025, MMF 02/2025-08/2026 (failed), IV cyclophosphamide 500 mg every 2 weeks started 09/2026, last dose 10/29/2026. "
        "SLEDAI-2K 12. ECOG 1. ANA 1:640.\n" + render_labs(p["visits"][0], "US", "table")),
    ("2026-11-12", "after_visit_summary", "AFTER VISIT SUMMARY 11/12/2026: Your white cells have recovered after "
        "the shot (filgrastim) last week. Your next cyclophosphamide infusion is 11/19/2026."),
]
# IV CYC started 09/2026: last given at least by 10/2026 -> within 91 days for HO
p["ho"] = dict(x_cyc="met")

# ---- U015 IE: ALT 150 (ref 7-45): > 3x ULN; HO > 2.5x
p = P(pid="U015", c="IE", dob="2009-03-03", sex="F", name="O. Byrne", arche="alt_high_printed_range", structured=True)
p["visits"] = [visit("2026-10-07", "IE", alt=(150, 7, 45), ast=(130, 10, 40), upcr=1.3)]
p["nct"] = dict(alt="not_met", ast="not_met")
p["ho"] = dict(x_liver="met")
p["notes"] = [
    ("2026-10-07", "gp_letter", LETTERHEAD["IE"] + "\n07/10/2026\nDear Dr Walsh,\nRe: Orla Byrne, DOB 03/03/2009. "
        "Orla has SLE and ISN/RPS class IV lupus nephritis (biopsy 20/08/2026). She has been on mycophenolate since "
        "11/2024 and prednisolone since 10/2024; proteinuria persists. SLEDAI-2K 10. ECOG 1. ANA 1:640. "
        "Her transaminases are up (ALT 150, AST 130) - no muscle symptoms, CK normal; likely drug-related. CD19 9.6%.\n"
        "Dr S. Doyle"),
    ("2026-10-07", "lab", render_labs(p["visits"][0], "IE", "table")),
    ("2026-10-12", "portal_message", "Message from mother 12/10/2026: Orla has been more tired. Reply (CNS): her "
        "liver tests were raised, the team will repeat them in two weeks."),
]

# ---- U016 US: ALT 110 with printed ULN 33 (default 40 would pass)
p = P(pid="U016", c="US", dob="2010-05-21", sex="M", name="P. Diaz", arche="alt_uln_from_range", structured=True)
p["visits"] = [visit("2026-11-02", "US", alt=(110, 0, 33), ast=(60, 0, 32))]
p["nct"] = dict(alt="not_met")
p["ho"] = dict(x_liver="met")
p["notes"] = [
    ("2026-11-02", "consult_note", "CONSULT 11/02/2026 (Columbus, OH). 16 yo M with SLE and LN class III+V "
        "(biopsy 07/30/2026). Prednisone since 11/2024; MMF since 12/2024; persistent proteinuria. SLEDAI-2K 9. "
        "ECOG 0. ANA 1:2560.\nROS: negative x 12 systems.\n" + render_labs(p["visits"][0], "US", "table")),
    ("2026-11-04", "prior_authorization", "PRIOR AUTHORIZATION 11/04/2026: request for voclosporin (Lupkynis) "
        "23.7 mg BID submitted to insurer. Status: pending."),
    ("2026-11-10", "pharmacy_benefit_note", "Pharmacy benefit 11/10/2026: voclosporin request DENIED - step therapy "
        "not documented. Appeal to be filed. Drug not dispensed."),
]

# ---- U017 UK: Gilbert syndrome, bilirubin 58 (ref 0-21): >1.5x but <=3x -> met
p = P(pid="U017", c="UK", dob="2008-12-12", sex="M", name="Q. Evans", arche="gilbert_bilirubin", structured=True)
p["visits"] = [visit("2026-10-26", "UK", tbil=(58, 0, 21))]
p["notes"] = [
    ("2026-10-26", "transition_summary", transition(p, "2026-10-26",
        std_history("UK", "03/2024", "2026-09-01", "class IV-G (A)", 13, "2026-10-26") +
        " Known Gilbert syndrome (confirmed UGT1A1 genotype 2022).",
        ["Mycophenolate mofetil 1 g BD (since 04/2024)", "Prednisolone 10 mg OD (since 03/2024)"], [],
        "ECOG 1. CD19+ B cells 9.6%.")),
    ("2026-10-26", "lab", render_labs(p["visits"][0], "UK", "inline")),
    ("2026-10-30", "work_letter", LETTERHEAD["UK"] + "\n30/10/2026\nTo his employer (Saturday job): Quinn has "
        "lupus and needs to attend regular appointments."),
]

# ---- U018 US: bilirubin 2.3 mg/dL (ref 0.2-1.0) no Gilbert; PT 21 (ref 10-13)
p = P(pid="U018", c="US", dob="2011-10-02", sex="F", name="R. Adams", arche="tbil_pt_high", structured=True)
p["visits"] = [visit("2026-10-19", "US", tbil=(2.3, 0.2, 1.0), pt=(21.0, 10.0, 13.0), inr=(1.7, 0.8, 1.2))]
p["nct"] = dict(tbil="not_met", pt="not_met")
p["notes"] = [
    ("2026-10-19", "consult_note", "HEPATOLOGY-RHEUMATOLOGY JOINT CONSULT 10/19/2026. 15 yo F with SLE, LN class "
        "IV (biopsy 08/12/2026); MMF since 06/2025, prednisone since 05/2025. Persistent proteinuria. SLEDAI-2K 15. "
        "ECOG 2. ANA 1:640. Jaundice noted; no Gilbert syndrome (fractionated bilirubin mostly conjugated).\n"
        + render_labs(p["visits"][0], "US", "table")),
    ("2026-10-21", "telephone_encounter", "Telephone 10/21/2026: vitamin K given; repeat coags next week."),
    ("2026-10-25", "portal_message", "Parent message 10/25/2026: 'Her eyes look yellow.' RN reply: Dr. will call you."),
]

# ---- U019 US: Hb 5.4 g/dL, WBC 2.4
p = P(pid="U019", c="US", dob="2012-01-15", sex="M", name="S. Turner", arche="hb_wbc_low", structured=True)
p["visits"] = [visit("2026-11-06", "US", hb=54, wbc=2.4, anc=1.3, lymph=0.6)]
p["nct"] = dict(hb="not_met", wbc="not_met", lymph="not_met")
p["notes"] = [
    ("2026-11-06", "consult_note", "INPATIENT CONSULT 11/06/2026. 14 yo M with SLE, LN class III (biopsy 10/02/2026), "
        "autoimmune hemolytic anemia. Prednisone since 08/2025, MMF since 09/2025. UPCR persistently high. "
        "SLEDAI-2K 18. ECOG 2. ANA 1:1280.\n" + render_labs(p["visits"][0], "US", "inline")),
    ("2026-11-07", "telephone_encounter", "Telephone 11/07/2026: mother updated that Sam received 1 unit PRBC."),
    ("2026-11-09", "school_letter", "11/09/2026 - Letter for school: Sam is in hospital for lupus and anemia."),
]

# ---- U020 CA: eGFR 24 -> NCT manual, HO not_met
p = P(pid="U020", c="CA", dob="2009-07-07", sex="F", name="T. Leblanc", arche="egfr_low", structured=True)
p["visits"] = [visit("2026-11-10", "CA", egfr=24, creat=268)]
p["nct"] = dict(egfr="manual")
p["ho"] = dict(egfr="not_met")
p["notes"] = [
    ("2026-11-10", "transition_summary", transition(p, "2026-11-10",
        std_history("CA", "10/2023", "2026-10-01", "class IV-G (A/C), crescents 30%", 20, "2026-11-10"),
        ["Prednisone 30 mg daily (since 10/2023, current taper)", "Mycophenolate mofetil 1 g BID (since 11/2023)"],
        ["Tacrolimus 2025 - stopped for AKI"], "ECOG 1. CD19 B cells present 9.6%.")),
    ("2026-11-10", "lab", render_labs(p["visits"][0], "CA", "table")),
    ("2026-11-12", "portal_message", "Portal 11/12/2026, mother: 'Lab results released: creatinine 268 - is that bad?' "
        "Nurse reply: yes, her kidney function is reduced; Dr. Roy will call today."),
]

# ---- U021 IE: INR 1.9 (ref 0.9-1.1) > 1.5x; PT fine
p = P(pid="U021", c="IE", dob="2010-04-04", sex="M", name="U. Kelly", arche="inr_high_range", structured=True)
p["visits"] = [visit("2026-10-15", "IE", inr=(1.75, 0.9, 1.1), pt=(14.0, 11.0, 13.5))]
p["nct"] = dict(inr="not_met")
p["notes"] = [
    ("2026-10-15", "gp_letter", LETTERHEAD["IE"] + "\n15/10/2026\nDear Dr Lynch,\nRe: Eoin Kelly "
        "(DOB 04/04/2010) reviewed today. SLE with class IV LN (biopsy 09/07/2026 - 9 July). MMF since 01/2025 and "
        "prednisolone since 12/2024, proteinuria persistent. Antiphospholipid antibodies positive; started on "
        "warfarin 08/2026. SLEDAI-2K 12. ECOG 0. ANA 1:320. CD19 9.6%.\nDr M. Quinn"),
    ("2026-10-15", "lab", render_labs(p["visits"][0], "IE", "inline")),
    ("2026-10-18", "telephone_encounter", "Phone 18/10/2026: INR clinic - warfarin dose unchanged."),
]

# ---- U022 US: 19 years old (NCT age not met, HO met); pregnancy test negative
p = P(pid="U022", c="US", dob="2007-05-02", sex="F", name="V. Green", arche="age19", structured=True)
p["visits"] = [visit("2026-11-01", "US")]
p["nct"] = dict(age="not_met")
p["notes"] = [
    ("2026-11-01", "transition_summary", transition(p, "2026-11-01",
        std_history("US", "04/2023", "2026-08-20", "class III (A) + V", 11, "2026-11-01"),
        ["Mycophenolate mofetil 1500 mg BID (since 05/2023)", "Prednisone 5 mg daily (since 04/2023)"],
        ["Belimumab IV 2024-2025 - stopped, no renal benefit"],
        "Urine hCG negative 11/01/2026. ECOG 0. CD19 B cells 11.2%.")),
    ("2026-11-01", "lab", render_labs(p["visits"][0], "US", "table")),
    ("2026-11-05", "work_letter", "11/05/2026 - To her employer: Victoria has lupus and may need time off."),
]

# ---- U023 US: stated age 10 (note 09/01/2026), no DOB -> NCT met, HO not met
p = P(pid="U023", c="US", dob=None, sex="F", name="W. Ross", arche="stated_age_10", structured=False,
      stated=(10, "2026-09-01"))
p["visits"] = [visit("2026-09-01", "US")]
p["ho"] = dict(age="not_met")
p["notes"] = [
    ("2026-09-01", "consult_note", "PEDIATRIC RHEUMATOLOGY CONSULT 09/01/2026\n10-year-old girl with SLE and lupus "
        "nephritis class IV (biopsy 07/07/2026). Prednisolone since 11/2025, tacrolimus since 12/2025; nephrotic "
        "range proteinuria persists. SLEDAI-2K 16. Lansky 80. ANA 1:640.\n" + render_labs(p["visits"][0], "US", "table")),
    ("2026-09-05", "school_letter", "09/05/2026 - To the teacher: Willa has lupus and may miss class."),
    ("2026-09-10", "portal_message", "Parent message 09/10/2026: Can she do gym class? RN: yes, as tolerated."),
]

# ---- U024 US: stated age 18 yo (note 01/10/2026), no DOB -> NCT unknown, HO met
p = P(pid="U024", c="US", dob=None, sex="M", name="X. Price", arche="stated_age_18_boundary", structured=False,
      stated=(18, "2026-01-10"))
p["visits"] = [visit("2026-10-05", "US")]
p["nct"] = dict(age="unknown")
p["notes"] = [
    ("2026-01-10", "consult_note", "TRANSITION CLINIC 01/10/2026\n18 yo M with SLE since 2022 and LN. Meeting the "
        "adult team today. MMF since 2023 and prednisone since 2022."),
    ("2026-10-05", "consult_note", "FOLLOW-UP 10/05/2026. SLE with LN class IV-G (biopsy 09/15/2026). Persistent "
        "proteinuria. SLEDAI-2K 10. ECOG 1. ANA 1:160.\n" + render_labs(p["visits"][0], "US", "inline")),
    ("2026-10-08", "prior_authorization", "PRIOR AUTHORIZATION 10/08/2026: obinutuzumab (Gazyva) 1000 mg IV "
        "requested for lupus nephritis. Status: submitted, awaiting decision. Not given."),
]

# ---- U025 UK: pregnant (HO x_pregnancy met)
p = P(pid="U025", c="UK", dob="2008-03-22", sex="F", name="Y. Ahmed", arche="pregnancy", structured=True)
p["visits"] = [visit("2026-11-03", "UK")]
p["ho"] = dict(x_pregnancy="met")
p["notes"] = [
    ("2026-11-03", "gp_letter", LETTERHEAD["UK"] + "\n03/11/2026\nDear Dr Gill,\nYasmin (DOB 22/03/2008) has SLE with "
        "class IV lupus nephritis (biopsy 10/09/2026). Urine hCG positive today; she is approximately 7 weeks "
        "pregnant. Mycophenolate (since 05/2025) stopped today because of pregnancy and switched to azathioprine; "
        "prednisolone since 04/2025 continues. uPCR 203 mg/mmol. SLEDAI-2K 10. ECOG 0. ANA 1:640. CD19 9.6%.\n"
        "Dr R. Whitfield"),
    ("2026-11-03", "lab", render_labs(p["visits"][0], "UK", "table")),
    ("2026-11-06", "telephone_encounter", "Telephone 06/11/2026: obstetric medicine appointment booked."),
]

# ---- U026 CA: septic shock on norepinephrine, pneumonia on IV antibiotics
p = P(pid="U026", c="CA", dob="2010-08-08", sex="M", name="Z. Martin", arche="infection_shock", structured=True)
p["visits"] = [visit("2026-11-11", "CA")]
p["nct"] = dict(hemo="not_met")
p["ho"] = dict(x_infection="met")
p["notes"] = [
    ("2026-11-11", "consult_note", "PICU CONSULT - Paediatric Nephrology, London ON - 11/11/2026\n"
        "16 yo M with SLE, LN class IV (biopsy 08/25/2026) on MMF (since 03/2025) and prednisone (since 02/2025); "
        "persistent proteinuria. Admitted 11/10/2026 with right lower lobe pneumonia and septic shock, on "
        "norepinephrine infusion and IV ceftriaxone. SLEDAI-2K 12. "
        "Karnofsky 40 today. ANA 1:640.\n" + render_labs(p["visits"][0], "CA", "table")),
    ("2026-11-13", "telephone_encounter", "Phone 11/13/2026: mother updated; still in PICU on pressors."),
    ("2026-11-14", "transition_summary", "Transition planning note 11/14/2026: adult clinic referral deferred until "
        "recovery from sepsis."),
]
p["nct"]["ecog"] = "not_met"

# ---- U027 US: SLE ruled out, IgA nephropathy, ANA 1:40
p = P(pid="U027", c="US", dob="2009-09-19", sex="F", name="AA. Fox", arche="not_sle_iga", structured=True)
p["visits"] = [visit("2026-10-10", "US", cd19="12.0")]
p["nct"] = dict(sle="not_met", biopsy="not_met", refractory="not_met", ana="not_met", sledai="unknown")
p["ho"] = dict(sle="not_met", biopsy="not_met")
p["notes"] = [
    ("2026-09-22", "pathology", "RENAL BIOPSY 09/22/2026: IgA nephropathy (MEST-C M1 E0 S1 T0 C0). No features of "
        "lupus nephritis; full-house staining absent."),
    ("2026-10-10", "transition_summary", transition(p, "2026-10-10",
        "Referred in 2025 as 'possible lupus' because of hematuria and arthralgia. ANA 1:40 (negative at 1:80), "
        "dsDNA negative, complements normal. 2019 EULAR/ACR classification criteria not fulfilled - SLE ruled out. "
        "Kidney biopsy 09/22/2026: IgA nephropathy. Mother has SLE.",
        ["Lisinopril 10 mg daily", "Prednisone 20 mg daily (started 10/01/2026)"],
        ["Hydroxychloroquine 2025 - stopped when SLE ruled out"], "ECOG 0.")),
    ("2026-10-10", "lab", render_labs(p["visits"][0], "US", "table")),
]

# ---- U028 IE: pure class V, ANA positive no titre
p = P(pid="U028", c="IE", dob="2010-06-06", sex="F", name="BB. Ryan", arche="class_v_ana_no_titre", structured=True)
p["visits"] = [visit("2026-10-01", "IE", upcr=2.8)]
p["nct"] = dict(biopsy="not_met", ana="unknown")
p["ho"] = dict(biopsy="not_met")
p["notes"] = [
    ("2026-10-01", "gp_letter", LETTERHEAD["IE"] + "\n01/10/2026\nDear Dr Nolan,\nBríd (DOB 06/06/2010) has SLE "
        "(ANA positive, anti-Sm positive). Renal biopsy 15/07/2026: pure membranous lupus nephritis, ISN/RPS class V; "
        "no proliferative lesions. Tacrolimus since 02/2025 and prednisolone since 01/2025; nephrotic-range "
        "proteinuria persists (uPCR 316 mg/mmol). SLEDAI-2K 8. ECOG 1. CD19 9.6%.\nDr S. Doyle"),
    ("2026-10-01", "lab", render_labs(p["visits"][0], "IE", "table")),
    ("2026-10-04", "portal_message", "Message from dad 04/10/2026: her ankles are swollen. CNS reply: increase "
        "furosemide as per plan and come to clinic Tuesday."),
]

# ---- U029 US: only prednisone for 2 months; voclosporin denied; no CD19 flow
p = P(pid="U029", c="US", dob="2012-04-30", sex="F", name="CC. Bell", arche="early_disease_not_refractory",
      structured=True)
p["visits"] = [visit("2026-11-05", "US", cd19=None, upcr=3.2)]
p["nct"] = dict(refractory="not_met", cd19="unknown")
p["notes"] = [
    ("2026-11-05", "consult_note", "NEW-ISH PATIENT FOLLOW-UP 11/05/2026. 14 yo F, SLE diagnosed 09/2026 "
        "(ANA 1:1280), lupus nephritis class IV-G (A) on biopsy 09/12/2026. Started prednisone 09/14/2026 "
        "(first immunosuppressant). Nephrotic-range proteinuria. SLEDAI-2K 20. ECOG 1.\n"
        + render_labs(p["visits"][0], "US", "table")),
    ("2026-10-20", "prior_authorization", "PRIOR AUTH 10/20/2026: voclosporin + MMF requested. 10/27/2026 - DENIED "
        "(age). Peer-to-peer scheduled. Plan to start MMF if approved; not started yet."),
    ("2026-11-06", "after_visit_summary", "AFTER VISIT SUMMARY 11/06/2026: Keep taking prednisone. We are still "
        "waiting for insurance about the new medicine."),
]

# ---- U030 CA: poor venous access, Karnofsky 40
p = P(pid="U030", c="CA", dob="2008-10-10", sex="M", name="DD. Chen", arche="poor_venous_access", structured=True)
p["visits"] = [visit("2026-10-29", "CA")]
p["nct"] = dict(venous="not_met", ecog="not_met")
p["notes"] = [
    ("2026-10-29", "transition_summary", transition(p, "2026-10-29",
        std_history("CA", "06/2023", "2026-07-09", "class IV-G (A)", 14, "2026-10-29"),
        ["Mycophenolate mofetil 1 g BID (since 07/2023)", "Prednisone 10 mg daily (since 06/2023)"],
        ["Cyclophosphamide IV 2023 - completed"],
        "Very difficult venous access: several ultrasound-guided cannulations this year, no usable peripheral veins; "
        "apheresis team feels central access would be needed. Karnofsky 40 (mostly in bed after stroke). "
        "CD19 9.6%.")),
    ("2026-10-29", "lab", render_labs(p["visits"][0], "CA", "inline")),
    ("2026-11-02", "work_letter", "11/02/2026 - Letter for college: Derek has lupus and reduced mobility."),
]

# ---- U031 UK: SLEDAI 6, no ECOG anywhere
p = P(pid="U031", c="UK", dob="2011-12-24", sex="M", name="EE. Walsh", arche="sledai_low_no_ecog", structured=True)
p["visits"] = [visit("2026-10-08", "UK", inr=None, pt=None)]
p["nct"] = dict(sledai="not_met", ecog="unknown", inr="unknown", pt="unknown")
p["notes"] = [
    ("2026-10-08", "gp_letter", LETTERHEAD["UK"] + "\n08/10/2026\nDear Dr Price,\nEthan (DOB 24/12/2011) has SLE "
        "with class III (A) lupus nephritis (biopsy 14/08/2026). On mycophenolate since 03/2025 and prednisolone "
        "since 02/2025, proteinuria not in remission. SLEDAI-2K 6 today. ANA 1:320. CD19 9.6%.\nDr A. Kerr"),
    ("2026-10-08", "lab", render_labs(p["visits"][0], "UK", "portal")),
    ("2026-10-12", "telephone_encounter", "Phone 12/10/2026: mum asked about school trip; fine to go."),
]

# ---- U032 US: possible SLE, biopsy pending, HCQ only
p = P(pid="U032", c="US", dob="2011-03-11", sex="F", name="FF. Young", arche="possible_sle_workup", structured=True)
p["visits"] = [visit("2026-11-16", "US", cd19=None, inr=None, pt=None)]
p["nct"] = dict(sle="unknown", biopsy="unknown", sledai="unknown", refractory="unknown", cd19="unknown",
                inr="unknown", pt="unknown", ana="unknown")
p["ho"] = dict(sle="unknown", biopsy="unknown")
p["notes"] = [
    ("2026-11-16", "consult_note", "CONSULT 11/16/2026. 15 yo F referred for proteinuria and rash. r/o SLE - "
        "possible lupus, workup in progress; ANA sent, result pending. Kidney biopsy done 11/14/2026 - pathology "
        "pending. Started hydroxychloroquine 11/16/2026. ROS: negative x 12 systems. ECOG 0.\n"
        "Family history: mother with SLE.\n" + render_labs(p["visits"][0], "US", "table")),
    ("2026-11-17", "portal_message", "Parent 11/17/2026: 'Any news on the biopsy?' RN: not back yet."),
    ("2026-11-18", "telephone_encounter", "Phone 11/18/2026: discussed possible rituximab if lupus nephritis is "
        "confirmed. No decision."),
]


# ---- U033 CA: stated age 11 (HO age unknown); overlap myositis with ALT/AST > 3x ULN (NCT manual)
p = P(pid="U033", c="CA", dob=None, sex="F", name="GG. Roy", arche="myositis_transaminases_stated_age11",
      structured=False, stated=(11, "2026-10-01"))
p["visits"] = [visit("2026-10-01", "CA", alt=(200, 0, 40), ast=(180, 0, 40), upcr=1.2)]
p["flags"] = {"myositis"}
p["nct"] = dict(alt="manual", ast="manual")
p["ho"] = dict(age="unknown", x_liver="met")
p["notes"] = [
    ("2026-10-01", "consult_note", "PAEDIATRIC RHEUMATOLOGY CONSULT - London ON - 10/01/2026\n11-year-old girl with "
        "SLE / inflammatory myositis overlap (proximal weakness, CK 4,850 U/L, MRI thigh oedema) and lupus nephritis "
        "class IV-G (A) on biopsy 08/28/2026. Prednisone since 03/2025, mycophenolate since 04/2025; proteinuria not "
        "in remission. Transaminase rise is from the myositis (muscle origin). SLEDAI-2K 14. Lansky 70. "
        "ANA 1:1280. CD19 B cells 9.6%.\n" + render_labs(p["visits"][0], "CA", "table")),
    ("2026-10-03", "portal_message", "Portal message from mother 10/03/2026: 'She can't climb the stairs again.' "
        "Nurse reply 10/03/2026: her muscle enzymes were high on 10/01; Dr. Roy increased prednisone."),
    ("2026-10-06", "telephone_encounter", "Telephone encounter 10/06/2026: pharmacy benefit confirmed coverage for "
        "IVIG request - pending scheduling, not yet given."),
    ("2026-10-09", "school_letter", "10/09/2026 - School letter: Gabrielle has lupus and muscle inflammation; "
        "please allow elevator use."),
]


# ---------------------------------------------------------------- labels + checks

def age_years(dob, on):
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def age_label(p, lo, hi):
    if p.get("dob"):
        a = age_years(D(p["dob"]), ASOF)
        return "met" if lo <= a <= hi else "not_met"
    age, nd = p["stated"]
    el = age_years(D(nd), ASOF)
    amin, amax = age + el, age + el + 1
    if lo <= amin and amax <= hi:
        return "met"
    if amax < lo or amin > hi:
        return "not_met"
    return "unknown"


def status_of(crit, keys):
    vals = [(k, crit[k]) for k in keys]
    for k, s in vals:
        excl = k.startswith("x_")
        if (not excl and s == "not_met") or (excl and s == "met"):
            return "ineligible"
    ok = all((s == "manual") or (s == ("not_met" if k.startswith("x_") else "met")) for k, s in vals)
    return "eligible" if ok else "possible"


def relevance(status, crit):
    if status == "eligible":
        return 3
    if status == "ineligible":
        return 0
    # NCT06904729: criteria 2, 3 and 5 (sle, biopsy, refractory). HO-LN-17 has no refractory
    # criterion; its disease criteria are sle and biopsy.
    core = ("sle", "biopsy", "refractory") if "refractory" in crit else ("sle", "biopsy")
    return 2 if all(crit[k] == "met" for k in core) else 1


def latest(p, key):
    vs = [v for v in p["visits"] if key in v and D(v["date"]) >= LOOKBACK and D(v["date"]) <= ASOF]
    return max(vs, key=lambda v: v["date"]) if vs else None


def second_look(p, nct, ho):
    """Re-derive numeric lab labels from the latest visit in the lookback."""
    errs = []
    def chk(name, want, got):
        if want != got:
            errs.append("%s %s: label %s, re-derived %s" % (p["pid"], name, got, want))
    simple = dict(lymph=1.0, wbc=3.0, anc=1.0, hb=60)
    for k, thr in simple.items():
        v = latest(p, k)
        want = "unknown" if v is None else ("met" if v[k] >= thr else "not_met")
        if k == "anc" and v is not None and want == "met":
            for g in p["gcsf"]:
                if 0 <= (D(v["date"]) - D(g)).days <= 14:
                    want = "not_met"
        chk("nct." + k, want, nct[k])
    for k, mult in (("alt", 3), ("ast", 3)):
        v = latest(p, k)
        want = "unknown" if v is None else ("met" if v[k][0] <= mult * v[k][2] else "not_met")
        if want == "not_met" and "myositis" in p["flags"]:
            want = "manual"
        chk("nct." + k, want, nct[k])
    v = latest(p, "tbil")
    mult = 3.0 if "Gilbert" in " ".join(t for _, _, t in p["notes"]) and "no Gilbert" not in \
        " ".join(t for _, _, t in p["notes"]) else 1.5
    want = "unknown" if v is None else ("met" if v["tbil"][0] <= mult * v["tbil"][2] else "not_met")
    chk("nct.tbil", want, nct["tbil"])
    for k in ("inr", "pt"):
        v = latest(p, k)
        want = "unknown" if v is None else ("met" if v[k][0] <= 1.5 * v[k][2] else "not_met")
        chk("nct." + k, want, nct[k])
    v = latest(p, "egfr")
    chk("nct.egfr", "unknown" if v is None else ("met" if v["egfr"] >= 30 else "manual"), nct["egfr"])
    chk("ho.egfr", "unknown" if v is None else ("met" if v["egfr"] >= 30 else "not_met"), ho["egfr"])
    v = latest(p, "upcr")
    chk("ho.upcr", "unknown" if v is None else ("met" if v["upcr"] >= 1.0 else "not_met"), ho["upcr"])
    if v is not None and v["upcr"] < 0.5:
        chk("nct.refractory(remission)", "not_met", nct["refractory"])
    if v is None and nct["refractory"] == "met":
        errs.append("%s refractory met without proteinuria in lookback" % p["pid"])
    v = latest(p, "cd19")
    if v is None:
        if nct["cd19"] != "unknown":
            # CD19 can also be stated in a note; all such statements here are copied into a visit.
            errs.append("%s cd19 label without flow in lookback" % p["pid"])
    else:
        chk("nct.cd19", "not_met" if float(v["cd19"]) == 0 else "met", nct["cd19"])
    va, vs = latest(p, "alt"), latest(p, "ast")
    if va is None or vs is None:
        want = "unknown"
    else:
        want = "met" if (va["alt"][0] > 2.5 * va["alt"][2] or vs["ast"][0] > 2.5 * vs["ast"][2]) else "not_met"
    chk("ho.x_liver", want, ho["x_liver"])
    return errs


def main():
    errs = []
    notes_out, gold_out = [], []
    seen_ids = set()
    for i, p in enumerate(PATIENTS, 1):
        pid = p["pid"]
        if pid != "U%03d" % i:
            errs.append("bad id order %s" % pid)
        nct = dict(NCT_DEFAULT); nct.update(p["nct"])
        ho = dict(HO_DEFAULT); ho.update(p["ho"])
        if set(nct) != set(NCT_KEYS) or set(ho) != set(HO_KEYS):
            errs.append("%s bad keys" % pid)
        for k, s in list(nct.items()) + list(ho.items()):
            if s not in STATUSES:
                errs.append("%s bad status %s=%s" % (pid, k, s))
        for k in ("consent",):
            if nct[k] != "manual" or ho[k] != "manual":
                errs.append("%s consent must be manual" % pid)
        # age labels
        if nct["age"] != age_label(p, 6, 18):
            errs.append("%s nct age %s vs %s" % (pid, nct["age"], age_label(p, 6, 18)))
        if ho["age"] != age_label(p, 12, 25):
            errs.append("%s ho age %s vs %s" % (pid, ho["age"], age_label(p, 12, 25)))
        if p.get("dob") and p["dob"] not in " ".join(t for _, _, t in p["notes"]) and not p.get("structured"):
            errs.append("%s dob nowhere" % pid)
        errs += second_look(p, nct, ho)
        nstat = status_of(nct, NCT_KEYS)
        hstat = status_of(ho, HO_KEYS)
        gold_out.append(dict(trial="NCT06904729", patient_id=pid, status=nstat, relevance=relevance(nstat, nct),
                             criteria={k: nct[k] for k in NCT_KEYS}, archetype=p["arche"]))
        gold_out.append(dict(trial="HO-LN-17", patient_id=pid, status=hstat, relevance=relevance(hstat, ho),
                             criteria={k: ho[k] for k in HO_KEYS}, archetype=p["arche"]))
        for j, (date, ntype, text) in enumerate(sorted(p["notes"], key=lambda n: n[0]), 1):
            nid = "%s-%02d" % (pid, j)
            if nid in seen_ids:
                errs.append("dup note id " + nid)
            seen_ids.add(nid)
            if not D(date) < ASOF:
                errs.append("%s note dated %s not before as-of" % (nid, date))
            row = dict(patient_id=pid, note_id=nid, note_date=date, note_type=ntype, text=text)
            if p.get("structured") and p.get("dob"):
                row["birth_date"] = p["dob"]; row["sex"] = p["sex"]
            notes_out.append(row)
        for v in p["visits"]:
            if not D(v["date"]) < ASOF:
                errs.append("%s visit after as-of" % pid)
    if len(PATIENTS) < 30:
        errs.append("too few patients")
    if len(notes_out) < 100:
        errs.append("too few notes: %d" % len(notes_out))
    if errs:
        print("SELF-CHECK FAILED, nothing written:")
        for e in errs:
            print("  " + e)
        sys.exit(1)
    with open(os.path.join(HERE, "notes.jsonl"), "w") as f:
        for r in notes_out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "gold.jsonl"), "w") as f:
        for r in gold_out:
            f.write(json.dumps(r) + "\n")
    from collections import Counter
    print("patients %d notes %d" % (len(PATIENTS), len(notes_out)))
    for t in ("NCT06904729", "HO-LN-17"):
        print(t, Counter(g["status"] for g in gold_out if g["trial"] == t))


if __name__ == "__main__":
    main()
