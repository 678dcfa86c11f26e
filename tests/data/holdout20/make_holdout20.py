#!/usr/bin/env python3
"""Hold-out 20: clinician email / messaging threads. stdlib only.
Writes notes.jsonl and gold.jsonl (trials NCT06904729 and HO-LN-22), after self-checks.
As-of for every label: 2026-11-20."""
import datetime as dt
import json
import os
import sys

ASOF = dt.date(2026, 11, 20)
LOOKBACK = ASOF - dt.timedelta(days=90)
HERE = os.path.dirname(os.path.abspath(__file__))

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "consent",
           "x_rtx", "x_cyc", "x_alt", "x_infection", "x_preg", "x_investigator"]
STATUSES = {"met", "not_met", "unknown", "manual"}
NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = {"age": "met", "sle": "met", "biopsy": "met", "upcr": "met", "egfr": "met",
              "consent": "manual", "x_rtx": "not_met", "x_cyc": "not_met", "x_alt": "not_met",
              "x_infection": "not_met", "x_preg": "not_met", "x_investigator": "manual"}
HO_AGE = (12, 25)
NCT_AGE = (6, 18)

DISCLAIMER = {
    "AU": "This email and any attachments are confidential and intended solely for the addressee. "
          "If you have received it in error please notify the sender and delete it. "
          "Please consider the environment before printing this email.",
    "IN": "DISCLAIMER: The information in this e-mail is confidential and may be legally privileged. "
          "It is intended solely for the addressee. Access by any other person is unauthorised.",
    "CA": "CONFIDENTIALITY NOTICE: This message may contain personal health information protected "
          "under PHIPA. If you are not the intended recipient, please delete it and notify the sender.",
    "NG": "This mail is confidential. If received in error kindly delete and inform the sender. "
          "Views expressed are those of the author.",
    "DE": "Diese E-Mail enthaelt vertrauliche Informationen. This e-mail contains confidential "
          "information. If you are not the intended recipient please inform the sender and delete it.",
}


def q(text, level=1):
    """Quote a block as an email client does."""
    pre = ">" * level + " "
    return "\n".join((pre + ln) if ln else pre.rstrip() for ln in text.split("\n"))


# ---------------------------------------------------------------- lab helper
class Visit:
    def __init__(self, date, style, **v):
        self.date = dt.date.fromisoformat(date)
        self.style = style
        self.v = v
        self.rendered = False


def fmt(x, nd):
    s = f"{x:.{nd}f}"
    return s


def render(vis, layout="table"):
    """Render one visit's labs. style: SI (AU/CA/NG-ish), IN, DE, NG. layout: table, inline, chat."""
    vis.rendered = True
    v, st = vis.v, vis.style
    d = vis.date
    rows = []  # (label, value string, range string or '')

    def rng(key, lo):
        u = v.get(key + "_uln")
        if u is None:
            return ""
        if st == "DE":
            return f"[{lo}-{u}]"
        return f"({lo}-{u})"

    if "wbc" in v:
        if st == "IN":
            rows.append(("Total leucocyte count (TLC)", f"{int(round(v['wbc']*1000))} /cumm", ""))
        elif st == "DE":
            rows.append(("Leukozyten", f"{fmt(v['wbc'],1)} Tsd/ul", ""))
        else:
            rows.append(("WBC", f"{fmt(v['wbc'],1)} x10^9/L", ""))
    if "anc" in v:
        if st == "IN":
            rows.append(("Absolute neutrophil count", f"{int(round(v['anc']*1000))} /cumm", ""))
        elif st == "DE":
            rows.append(("Neutrophile abs.", f"{int(round(v['anc']*1000))} /ul", ""))
        else:
            rows.append(("Neutrophils", f"{fmt(v['anc'],2)} x10^9/L", ""))
    if "lym" in v:
        if st == "IN":
            rows.append(("Absolute lymphocyte count", f"{int(round(v['lym']*1000))} /cumm", ""))
        elif st == "DE":
            rows.append(("Lymphozyten abs.", f"{int(round(v['lym']*1000))} /ul", ""))
        else:
            rows.append(("Lymphocytes", f"{fmt(v['lym'],2)} x10^9/L", ""))
    if "hb" in v:
        if st in ("IN", "DE", "NG"):
            rows.append(("Haemoglobin" if st != "DE" else "Haemoglobin (Hb)", f"{fmt(v['hb']/10,1)} g/dL", ""))
        else:
            rows.append(("Hb", f"{int(round(v['hb']))} g/L", ""))
    if "plt" in v:
        rows.append(("Platelets" if st != "DE" else "Thrombozyten", f"{int(v['plt'])} x10^9/L" if st != "DE" else f"{int(v['plt'])} Tsd/ul", ""))
    if "alt" in v:
        rows.append(("GPT (ALT)" if st == "DE" else ("SGPT (ALT)" if st == "IN" else "ALT"),
                      f"{int(v['alt'])} U/L", rng("alt", 5 if st != "IN" else 0)))
    if "ast" in v:
        rows.append(("GOT (AST)" if st == "DE" else ("SGOT (AST)" if st == "IN" else "AST"),
                      f"{int(v['ast'])} U/L", rng("ast", 5 if st != "IN" else 0)))
    if "tbil" in v:
        if st in ("IN", "DE"):
            u = v.get("tbil_uln")
            r = "" if u is None else (f"(0.2-{fmt(u/17.1,1)})" if st == "IN" else f"[<{fmt(u/17.1,1)}]")
            rows.append(("Bilirubin, total" if st == "IN" else "Bilirubin ges.", f"{fmt(v['tbil']/17.1,2)} mg/dL", r))
        else:
            rows.append(("Bilirubin (total)", f"{int(round(v['tbil']))} umol/L", rng("tbil", 2)))
    if "cr" in v:
        if st in ("IN", "DE"):
            rows.append(("Serum creatinine" if st == "IN" else "Kreatinin", f"{fmt(v['cr']/88.4,2)} mg/dL", ""))
        else:
            rows.append(("Creatinine", f"{int(round(v['cr']))} umol/L", ""))
    if "egfr" in v:
        rows.append(("eGFR (bedside Schwartz)", f"{int(v['egfr'])} mL/min/1.73m2", ""))
    if "inr" in v:
        rows.append(("INR", fmt(v["inr"], 2), rng("inr", "0.8")))
    if "pt" in v:
        rows.append(("PT" if st != "DE" else "Prothrombinzeit (PT)", f"{fmt(v['pt'],1)} s", rng("pt", "10.0")))
    if "upcr" in v:
        if st in ("SI", "NG", "CA"):
            rows.append(("Urine protein:creatinine ratio", f"{int(round(v['upcr']*113))} mg/mmol", ""))
        elif st == "DE":
            rows.append(("Protein/Kreatinin-Quotient (Urin)", f"{int(round(v['upcr']*1000))} mg/g", ""))
        else:
            rows.append(("Urine protein/creatinine ratio (UPCR)", f"{fmt(v['upcr'],2)} mg/mg", ""))

    if st == "DE":
        ds = d.strftime("%d.%m.%Y")
    elif st == "CA":
        ds = d.isoformat()
    elif st == "IN":
        ds = d.strftime("%d-%b-%Y")
    else:
        ds = d.strftime("%d/%m/%Y")
    if layout == "table":
        head = {"DE": f"Laborbefund vom {ds}", "IN": f"LAB REPORT  Sample collected: {ds}"}.get(st, f"PATHOLOGY REPORT  Collected: {ds}")
        lines = [head, "-" * 44]
        for lab, val, r in rows:
            lines.append(f"{lab:<37} {val:<18}{r}".rstrip())
        return "\n".join(lines)
    if layout == "inline":
        return f"Bloods {ds}: " + "; ".join(f"{lab} {val}{(' ' + r) if r else ''}" for lab, val, r in rows)
    # chat: very short
    short = {"Total leucocyte count (TLC)": "TLC", "Absolute neutrophil count": "ANC", "Absolute lymphocyte count": "ALC",
             "Neutrophils": "neut", "Lymphocytes": "lymph", "Haemoglobin": "Hb", "Urine protein:creatinine ratio": "UPCR",
             "Urine protein/creatinine ratio (UPCR)": "UPCR", "Bilirubin (total)": "bili", "Bilirubin, total": "bili",
             "eGFR (bedside Schwartz)": "eGFR", "Creatinine": "creat", "Serum creatinine": "creat"}
    return f"labs {ds} - " + ", ".join(f"{short.get(lab, lab)} {val}{(' ' + r) if r else ''}" for lab, val, r in rows)


def good(date, style, **over):
    v = dict(wbc=5.4, anc=3.2, lym=1.45, hb=104, plt=221, alt=24, ast=29, tbil=8, cr=52, egfr=112,
             inr=1.0, pt=12.2, upcr=1.7)
    v.update(over)
    v = {k: x for k, x in v.items() if x is not None}
    return Visit(date, style, **v)


# ---------------------------------------------------------------- patients
PATIENTS = []


class Patient:
    def __init__(self, pid, arch, sex, birth=None, stated_age=None, height=None, flags=(), nct=None, ho=None):
        self.pid, self.arch, self.sex, self.birth = pid, arch, sex, birth
        self.stated_age = stated_age  # (note_date iso, age) used when no birth date anywhere
        self.height = height  # (date iso, cm)
        self.flags = set(flags)
        self.notes = []
        self.visits = []
        self.nct = dict(NCT_DEFAULT, **(nct or {}))
        self.ho = dict(HO_DEFAULT, **(ho or {}))
        PATIENTS.append(self)

    def visit(self, vis):
        self.visits.append(vis)
        return vis

    def note(self, date, ntype, text):
        self.notes.append((date, ntype, text.strip("\n")))


def sig(name, role, place, country):
    return f"\n--\n{name}\n{role}\n{place}\n\n{DISCLAIMER[country]}"


# ================= P001 AU eligible, straightforward email referral
p = Patient("P001", "eligible", "F", birth="2012-02-09")
v1 = p.visit(good("2026-10-27", "SI", alt_uln=35, ast_uln=40, tbil_uln=20, upcr=1.9))
p.note("2026-06-18", "email", f"""From: Dr Fiona McAllister <f.mcallister@health.qld.gov.au>
Sent: Thursday, 18 June 2026 4:12 PM
To: Paediatric Lupus Trials Unit
Subject: ?CAR-T referral - 14yo with refractory LN

Hi team,

Referring Ava (DOB 09/02/2012), 14 y.o. girl with childhood-onset SLE diagnosed 11/2024 (ANA 1:1280 homogeneous, dsDNA 410, low C3/C4).
Lupus nephritis: repeat renal biopsy 02/06/2026 - ISN/RPS class IV-G (A), AI 11/24, CI 2/12.
Treatment so far: prednisolone since 11/2024 (IV methylpred pulses x3 at onset), MMF 600 mg/m2 bd since 12/2024, HCQ.
Still nephrotic-range proteinuria despite all of this. Happy to send more.

Cheers,
Fiona
{sig('Dr Fiona McAllister', 'Paediatric Nephrologist', "Queensland Children's Hospital, South Brisbane", 'AU')}""")
p.note("2026-10-28", "email", f"""From: Dr Fiona McAllister
Sent: Wednesday, 28 October 2026 9:03 AM
To: Paediatric Lupus Trials Unit
Subject: RE: ?CAR-T referral - 14yo with refractory LN

Latest bloods below as requested. SLEDAI-2K today 14. Lansky 80, back at school part time.
Flow: CD19+ B cells 11% of lymphocytes (abs 160 cells/uL).

{render(v1, 'table')}

F.

On 18 June 2026, Dr Fiona McAllister wrote:
{q('Referring Ava (DOB 09/02/2012), 14 y.o. girl with childhood-onset SLE diagnosed 11/2024.' + chr(10) + 'Happy to send more.')}""")
p.note("2026-10-30", "chat", """[30/10/2026 10:14] Trials RN: pls confirm Ava has had no ritux / no cyclo ever
[30/10/2026 10:31] F McAllister: correct, neither. never had RTX, never CYC
[30/10/2026 10:32] Trials RN: thx. venous access ok?
[30/10/2026 10:40] F McAllister: good veins, bloods easy""")

# ================= P002 IN UPCR superseded: old quoted 2.1, newer above = remission
p = Patient("P002", "upcr_superseded_remission", "F", stated_age=("2026-07-22", 13),
            nct={"refractory": "not_met", "cd19": "unknown", "ecog": "unknown"}, ho={"upcr": "not_met"})
va = p.visit(good("2026-09-02", "IN", upcr=2.10, alt_uln=45, ast_uln=40))
vb = p.visit(good("2026-11-06", "IN", upcr=0.31, alt_uln=45, ast_uln=40))
p.note("2026-07-22", "referral_form", f"""MDT REFERRAL E-FORM (pasted)
Name: Ms. K. R.   Age/Sex: 13 yrs / F   UHID: 2210XXXX
Diagnosis: Childhood-onset SLE with lupus nephritis (ISN/RPS class III (A) + V on biopsy dated 14-Jul-2026)
ANA (IIF HEp-2): positive 1:320, speckled
Immunosuppression: Prednisolone from 03-Mar-2025; IV cyclophosphamide (Euro-Lupus, 6 doses) Mar-May 2025; MMF from Jun-2025 ongoing.
SLEDAI-2K: 16
Question for MDT: ?candidate for CAR-T trial
Referring: Dr. S. Iyer, Paediatric Nephrology
{sig('Dr. Sunita Iyer', 'Consultant Paediatric Nephrologist', 'Amrita Institute, Kochi', 'IN')}""")
p.note("2026-09-03", "lab", f"""Forwarded lab report:
{render(va, 'table')}
Dr. Iyer: proteinuria persisting, to discuss at MDT.""")
p.note("2026-11-07", "email", f"""From: Dr. Sunita Iyer
Sent: 07 Nov 2026 18:40
To: CAR-T Trials Desk
Subject: RE: FW: ?CAR-T referral - K.R., 13F

Dear team,
Please hold/withdraw this referral. She has finally responded - repeat UPCR on 06-Nov-2026 is 0.31 mg/mg, creatinine stable. We are calling this complete renal response. SLEDAI-2K 4 today.

{render(vb, 'inline')}

Regards, Sunita

On 03-Sep-2026, Dr. Sunita Iyer wrote:
{q('Forwarded lab report: UPCR 2.10 mg/mg on 02-Sep-2026. Proteinuria persisting, to discuss at MDT.')}""")
p.nct.update(sledai="not_met")
# at 2026-07-22 age 13 -> at as-of 13..14, both trials ok

# ================= P003 CA: "has she had rituximab?" -> "no"; colleague's other patient in thread
p = Patient("P003", "rtx_question_no_other_patient", "F", birth="2010-05-30")
v1 = p.visit(good("2026-10-19", "SI", alt_uln=33, ast_uln=35, upcr=1.25, egfr=98))
p.note("2026-05-20", "email", f"""From: Dr. Marie-Claude Tremblay
Sent: 2026-05-20 14:22
To: Lupus CAR-T Study Team
Subject: Referral: 16F refractory lupus nephritis

Good afternoon,
16-year-old girl (DOB 2010-05-30), SLE since 2022-09 (ANA 1:640, anti-Sm+), class IV lupus nephritis.
Induction 2022-10 with IV methylprednisolone then oral prednisone; tacrolimus added 2023-04; MMF since 2022-10.
Renal flare 2026-04. Repeat kidney biopsy 2026-06-08 is booked.
{sig('Marie-Claude Tremblay, MD FRCPC', 'Pediatric Rheumatology', "CHU Sainte-Justine, Montreal", 'CA')}""")
p.note("2026-06-15", "pathology", """PATHOLOGY REPORT - RENAL BIOPSY (received 2026-06-15, biopsy performed 2026-06-08)
Diagnosis: Lupus nephritis, ISN/RPS class IV (diffuse), with active lesions; NIH activity index 10/24, chronicity index 3/12. No membranous component.""")
p.note("2026-10-21", "chat", f"""Secure chat - Lupus CAR-T group
2026-10-20 16:02 Study coordinator: has she had rituximab?
2026-10-20 16:09 Dr Tremblay: no
2026-10-20 16:09 Dr Tremblay: never had any B-cell therapy
2026-10-20 16:10 Study coordinator: pls check CD19
2026-10-21 08:45 Dr Tremblay: done - CD19+ 9.2% of lymphs (abs 140/uL)
2026-10-21 08:46 Dr Tremblay: unrelated - the boy on 7C I mentioned last week got rituximab 2026-10-02 and his CD19 is 0%, so he's off the list
2026-10-21 08:47 Study coordinator: thx. SLEDAI?
2026-10-21 08:52 Dr Tremblay: SLEDAI-2K 12, ECOG 1. {render(v1, 'chat')}""")

# ================= P004 NG: "see attached biopsy" with no biopsy text; only an old biopsy documented
p = Patient("P004", "see_attached_biopsy_absent", "M", stated_age=("2026-10-09", 12),
            nct={"biopsy": "unknown"}, ho={"biopsy": "unknown"})
v1 = p.visit(good("2026-10-07", "NG", upcr=2.6, egfr=88))
p.note("2026-03-11", "letter", """REFERRAL LETTER (attached as text)
University of Nigeria Teaching Hospital, Ituku-Ozalla, Enugu - Department of Paediatrics
11/03/2026
Re: Master C.O., 12 years, male
Known SLE (ANA 1:640, anti-dsDNA positive) with biopsy-proven lupus nephritis, class IV on renal biopsy 14/08/2023.
On prednisolone since 08/2023 and mycophenolate mofetil since 09/2023. Persistent proteinuria.
Yours faithfully, Dr N. Okeke""")
p.note("2026-10-09", "email", f"""From: Dr Ngozi Okeke
Sent: Friday, 9 October 2026 11:50
To: Paediatric CAR-T Programme
Subject: RE: FW: ?CAR-T referral - C.O. 12M

Dear colleagues,
Please see attached biopsy report from last month and his latest results below. He is 12 years old. SLEDAI-2K 10. Lansky 90.
Flow cytometry 06/10/2026: CD19 B cells 14% (abs 210/uL).

{render(v1, 'table')}

Kind regards
Ngozi
{sig('Dr Ngozi Okeke', 'Consultant Paediatric Nephrologist', 'UNTH Enugu', 'NG')}

Attachments: (none received)""")
p.note("2026-10-12", "chat", """12/10/2026 09:10 Trials fellow: the biopsy attachment didn't come through, can you resend?
12/10/2026 09:55 Dr Okeke: will do when back in clinic
12/10/2026 09:56 Trials fellow: ok thx""")

# ================= P005 IN: signature "Myositis Clinic" is not a myositis diagnosis; ALT high
p = Patient("P005", "signature_myositis_trap_alt_high", "F", birth="2011-08-14",
            nct={"alt": "not_met"}, ho={"x_alt": "met"})
v1 = p.visit(good("2026-11-02", "IN", alt=152, alt_uln=40, ast=96, ast_uln=40, upcr=1.4))
p.note("2026-04-02", "email", f"""From: Dr. Rajesh Menon
Sent: 02 Apr 2026 10:05
To: Dr. Anand
Subject: FW: referral - 14F LN

Anand, forwarding as discussed.
Patient DOB 14-08-2011. SLE since Jan-2024, ANA 1:1000 (IIF). LN class III+V (renal biopsy 28-Mar-2026). On prednisolone since Jan-2024 and tacrolimus since Apr-2024; MMF added Nov-2025. Persistent proteinuria.
{sig('Dr. Rajesh Menon', 'Dept of Paediatric Rheumatology | Myositis & Vasculitis Clinic', 'Lady Hardinge Medical College, New Delhi', 'IN')}""")
p.note("2026-11-03", "email", f"""From: Dr. Rajesh Menon
Sent: 03 Nov 2026 21:14
To: CAR-T Screening
Subject: RE: FW: referral - 14F LN

Transaminases up again - ?drug (tacrolimus level high). No muscle involvement, CK normal 88 U/L. Hepatology review awaited.
SLEDAI-2K 12. ECOG 1. CD19: 7% of lymphocytes.

{render(v1, 'table')}
{sig('Dr. Rajesh Menon', 'Dept of Paediatric Rheumatology | Myositis & Vasculitis Clinic', 'Lady Hardinge Medical College, New Delhi', 'IN')}""")
p.note("2026-11-04", "chat", """04-11-2026 08:02 CAR-T desk: any myositis?
04-11-2026 08:20 Dr Menon: no. CK normal, no weakness. the myositis bit is just our clinic name :)
04-11-2026 08:21 CAR-T desk: ok""")
# biopsy 28-Mar-2026 is 237 days before as-of: stale for NCT (unknown), within 12 months for HO (met)
p.nct.update(biopsy="unknown")

# ================= P006 DE: genuine overlap myositis -> ALT/AST manual for NCT; HO has no exception
p = Patient("P006", "myositis_overlap_transaminases", "M", birth="2009-12-03", flags={"myositis"},
            nct={"alt": "manual", "ast": "manual"}, ho={"x_alt": "met"})
v1 = p.visit(good("2026-10-13", "DE", alt=165, alt_uln=45, ast=210, ast_uln=50, upcr=1.1))
p.note("2026-07-01", "letter", f"""Arztbrief / Referral letter (English version attached as text)
Universitaetsklinikum Heidelberg, Zentrum fuer Kinder- und Jugendmedizin
01.07.2026
Re: L. M., geb. 03.12.2009, male
Diagnoses: SLE (ANA 1:2560) with lupus nephritis ISN/RPS class IV-S (A/C) + V, renal biopsy 22.06.2026; SLE/dermatomyositis overlap with biopsy-proven inflammatory myopathy (muscle biopsy 05/2026, CK 4800 U/l).
Therapy: prednisolone since 03/2025; cyclophosphamide i.v. 04/2025 - 09/2025 (Euro-Lupus); MMF since 10/2025.
Kind regards, Dr. med. K. Hoffmann""")
p.note("2026-10-14", "email", f"""From: Dr. med. Katrin Hoffmann
Gesendet: Mittwoch, 14. Oktober 2026 17:20
An: CAR-T Studienteam
Betreff: AW: WG: ?CAR-T referral L.M.

Dear colleagues, current labs below. Transaminases remain high from the myositis (CK 3100 U/l), liver ultrasound normal.
SLEDAI-2K 18. Karnofsky 70. B cells (CD19+) 6 % / 95 /ul.

{render(v1, 'table')}

Am 02.07.2026 schrieb Studienteam:
{q('Thanks - please send current labs incl. flow cytometry.')}
{sig('Dr. med. Katrin Hoffmann', 'Oberaerztin Kindernephrologie', 'Universitaetsklinikum Heidelberg', 'DE')}""")
p.note("2026-10-15", "chat", """15.10.2026 07:40 Studienteam: venous access for apheresis?
15.10.2026 07:52 Dr Hoffmann: fine, had a CVC before, no problems""")

# ================= P007 AU: G-CSF within 14 days before ANC
p = Patient("P007", "anc_after_gcsf", "F", birth="2013-01-20", nct={"anc": "not_met"})
p.flags.add("gcsf")
v1 = p.visit(good("2026-11-09", "SI", wbc=3.6, anc=1.4, lym=1.1, upcr=2.2))
p.note("2026-05-30", "email", f"""From: Dr Priya Raman
Sent: Saturday, 30 May 2026 8:31 PM
To: Lupus CAR-T Trials
Subject: FW: ?CAR-T referral

13F (DOB 20/01/2013) SLE dx 03/2024, ANA 1:640. Class IV LN on biopsy 25/05/2026 (ISN/RPS IV-G (A), AI 12).
Prednisolone since 03/2024, cyclophosphamide IV 04-07/2024, MMF since 08/2024. UPCR still nephrotic.
{sig('Dr Priya Raman', 'Staff Specialist, Paediatric Rheumatology', 'Sydney Childrens Hospital, Randwick', 'AU')}""")
p.note("2026-11-10", "email", f"""From: Dr Priya Raman
Sent: Tuesday, 10 November 2026 7:15 AM
To: Lupus CAR-T Trials
Subject: RE: FW: ?CAR-T referral

She was neutropenic (ANC 0.3) last week, so got filgrastim 300 mcg SC on 04/11/2026 and 05/11/2026. Count recovered:
{render(v1, 'inline')}
SLEDAI-2K 10. Lansky 70. CD19+ B cells 5% (flow 09/11/2026).
P.""")
p.note("2026-11-11", "chat", """11/11/2026 12:01 trials: did she have G-CSF before the 9/11 count?
11/11/2026 12:20 Raman: yes - filgrastim 4th and 5th
11/11/2026 12:21 trials: ok, so that ANC doesn't count for us - can repeat in 2 wks""")

# ================= P008 CA: IV CYC proposed and declined; eligible
p = Patient("P008", "cyc_proposed_declined", "F", birth="2011-11-11")
v1 = p.visit(good("2026-10-30", "CA", upcr=0.95, egfr=104))
p.note("2026-06-20", "email", f"""From: Dr. Aisha Mohamed
Sent: 2026-06-20 09:12
To: Dr. Liu
Subject: 14F LN - next step?

Hi Kevin, 14F, SLE since 2024-02 (ANA 1:320), class III (A) LN on repeat biopsy 2026-06-11. Prednisone since 2024-02, MMF since 2024-03. Still proteinuric.
I'd suggest IV cyclophosphamide (Euro-Lupus) next - thoughts?
Aisha
{sig('Aisha Mohamed, MD', 'Pediatric Nephrology', 'Alberta Childrens Hospital, Calgary', 'CA')}""")
p.note("2026-11-01", "email", f"""From: Dr. Kevin Liu
Sent: 2026-11-01 13:30
To: Lupus CAR-T Study
Cc: Dr. Aisha Mohamed
Subject: RE: 14F LN - next step? -> CAR-T referral

Forwarding for CAR-T screening. Family declined cyclophosphamide after counselling (fertility concerns) - it was never given. She remains on prednisone + MMF.
SLEDAI-2K 8. ECOG 0. CD19 positive B cells 12%.
{render(v1, 'table')}

On 2026-06-20, Dr. Aisha Mohamed wrote:
{q("I'd suggest IV cyclophosphamide (Euro-Lupus) next - thoughts?")}""")
p.note("2026-11-02", "chat", """2026-11-02 10:00 coord: DOB?
2026-11-02 10:03 Liu: 2011-11-11
2026-11-02 10:03 coord: thx""")

# ================= P009 AU: "we'll start" then "started on 3/11"; all starts recent -> refractory not_met
p = Patient("P009", "new_onset_recent_starts", "M", birth="2012-07-07", nct={"refractory": "not_met"},
            ho={})
v1 = p.visit(good("2026-11-12", "SI", upcr=3.1, alt_uln=40))
p.note("2026-06-29", "email", f"""From: Dr Tom Whitfield
Sent: Monday, 29 June 2026 3:40 PM
To: Paediatric Renal MDT
Subject: new LN - 13M

13M, DOB 07/07/2012. New diagnosis SLE 06/2026 (ANA 1:1280, anti-dsDNA 600). Renal biopsy 24/06/2026: class IV-G (A) + V.
Started IV methylpred 3 pulses 22/06/2026 then oral prednisolone. We'll start MMF once biopsy formally reported.
{sig('Dr Tom Whitfield', 'Paediatric Nephrology Fellow', "Perth Children's Hospital", 'AU')}""")
p.note("2026-11-13", "email", f"""From: Dr Tom Whitfield
Sent: Friday, 13 November 2026 10:02 AM
To: Lupus CAR-T Trials
Subject: RE: new LN - 13M  [?CAR-T]

Still heavily proteinuric. MMF was delayed (family away) - finally started on 3/11. Tacrolimus also started on 3/11.
Steroid started June this year, that is his first and only immunosuppression course.
SLEDAI-2K 16. Lansky 80. CD19 21%.
{render(v1, 'table')}

On 29 June 2026, Dr Tom Whitfield wrote:
{q("We'll start MMF once biopsy formally reported.")}""")
p.note("2026-11-14", "chat", """14/11/2026 09:11 Trials: was he on any immunosuppression before June?
14/11/2026 09:30 Whitfield: no, treatment naive until June 2026""")

# ================= P010 NG: tacrolimus planned, never started; only one listed agent -> refractory unknown
p = Patient("P010", "planned_tac_never_started", "F", birth="2012-03-03", nct={"refractory": "unknown"})
v1 = p.visit(good("2026-09-28", "NG", upcr=1.5, egfr=95))
p.note("2026-07-08", "email", f"""From: Dr Adebayo Ogunleye
Sent: 08/07/2026 14:30
To: Dr F. Bello
Subject: LN 14F - plan

Dear Funmi,
14F, SLE (ANA 1:320) with LN class III + V on biopsy 30/06/2026. She has been on mycophenolate since 02/2025. Parents refused steroids at onset - she has never had prednisolone.
Plan: will add tacrolimus 0.05 mg/kg bd from next clinic.
{sig('Dr Adebayo Ogunleye', 'Consultant Paediatrician (Nephrology)', 'Lagos University Teaching Hospital, Idi-Araba', 'NG')}""")
p.note("2026-10-01", "email", f"""From: Dr Funmilayo Bello
Sent: 01/10/2026 16:02
To: Paediatric CAR-T team
Subject: RE: LN 14F - plan  [FW for CAR-T]

Update: tacrolimus was never started (not available in our pharmacy and family could not source it). She remains on MMF monotherapy with HCQ.
SLEDAI-2K 12. Lansky 80. Flow: CD19 B cells 8%.
{render(v1, 'table')}

On 08/07/2026, Dr Adebayo Ogunleye wrote:
{q('Plan: will add tacrolimus 0.05 mg/kg bd from next clinic.')}""")
p.note("2026-10-02", "chat", """02/10/2026 08:00 CAR-T: so only MMF + HCQ, no steroids ever?
02/10/2026 08:40 Bello: correct""")

# ================= P011 DE: 19 years -> NCT age not_met, HO age met
p = Patient("P011", "age_19_young_adult", "F", birth="2007-04-18", nct={"age": "not_met"})
v1 = p.visit(good("2026-10-20", "DE", upcr=1.3, alt_uln=35, ast_uln=35))
p.note("2026-06-02", "letter", """Ueberweisung / Referral (text)
Charite - Universitaetsmedizin Berlin, Klinik fuer Paediatrie m. S. Nephrologie, Transition clinic
02.06.2026
Patientin geb. 18.04.2007 (19 J.). Childhood-onset SLE since 2019, ANA 1:1280. Lupus nephritis class IV-G (A) in renal biopsy 27.05.2026.
Therapy: Prednisolon since 2019, MMF since 2019, Tacrolimus since 2023. Persistent proteinuria, renal flare.
Dr. J. Becker""")
p.note("2026-10-21", "email", f"""Von: Dr. Jonas Becker
Gesendet: 21.10.2026 12:00
An: CAR-T Studienzentrale
Betreff: AW: ?CAR-T

Labs 20.10.2026 below. SLEDAI-2K 10, Karnofsky 80. CD19 B-Zellen 10 %.
{render(v1, 'table')}
{sig('Dr. Jonas Becker', 'Assistenzarzt', 'Charite Berlin', 'DE')}""")
p.note("2026-10-22", "chat", """22.10.2026 09:00 Studienzentrale: is she pregnant/breastfeeding? contraception?
22.10.2026 09:30 Becker: not pregnant, bHCG neg 20.10., on OCP""")

# ================= P012 IN: 10 years -> HO age not_met
p = Patient("P012", "age_10_child", "M", birth="2016-01-25", ho={"age": "not_met"})
v1 = p.visit(good("2026-10-05", "IN", upcr=1.9, egfr=120))
p.note("2026-06-10", "referral_form", """REFERRAL E-FORM - Paediatric Nephrology, PGIMER Chandigarh
Date: 10-06-2026
Patient: Master A.S., DOB 25-01-2016, M
Diagnosis: SLE (ANA 1:640 IIF) with diffuse proliferative lupus nephritis on biopsy 05-06-2026.
Drugs: oral prednisolone since Aug-2024, IV cyclophosphamide Aug-2024 to Jan-2025 (6 pulses), MMF since Feb-2025.
Indication: refractory LN - ?CAR-T""")
p.note("2026-10-06", "email", f"""From: Dr. Harpreet Kaur
Sent: 06 Oct 2026 11:40
To: CAR-T Screening
Subject: RE: FW: ?CAR-T referral A.S.

Current: SLEDAI-2K 14, Lansky 90, CD19 B cells 15%.
{render(v1, 'inline')}
{sig('Dr. Harpreet Kaur', 'Assistant Professor, Paediatric Nephrology', 'PGIMER, Chandigarh', 'IN')}""")
p.note("2026-10-07", "chat", """07-10-2026 10:00 desk: rituximab?
07-10-2026 10:12 Kaur: nil
07-10-2026 10:12 desk: thx""")

# ================= P013 CA: stated age 18 in early note -> NCT unknown; HO met
p = Patient("P013", "stated_age_18_boundary", "F", stated_age=("2026-03-02", 18),
            nct={"age": "unknown"})
v1 = p.visit(good("2026-11-03", "CA", upcr=1.6, egfr=90))
p.note("2026-03-02", "email", f"""From: Dr. Sarah Gill
Sent: 2026-03-02 08:50
To: Lupus CAR-T Study
Subject: Referral - 18 yo F, refractory LN

18 yo F with SLE since age 13 (ANA 1:640) and class IV LN. Prednisone since 2021, MMF since 2021, tacrolimus since 2024. Ongoing nephrotic proteinuria.
{sig('Sarah Gill, MD', 'Pediatric Nephrology', 'BC Childrens Hospital, Vancouver', 'CA')}""")
p.note("2026-09-10", "pathology", """Renal biopsy 2026-09-08 (report dated 2026-09-10): Lupus nephritis ISN/RPS class IV with class V (IV+V). Activity index 8/24, chronicity index 4/12.""")
p.note("2026-11-04", "email", f"""From: Dr. Sarah Gill
Sent: 2026-11-04 16:10
To: Lupus CAR-T Study
Subject: RE: Referral - 18 yo F, refractory LN

SLEDAI-2K 10. ECOG 1. CD19+ 7 %.
{render(v1, 'table')}

On 2026-03-02, Dr. Sarah Gill wrote:
{q('18 yo F with SLE since age 13 (ANA 1:640) and class IV LN.')}""")

# ================= P014 NG: stale labs only (before lookback)
p = Patient("P014", "stale_labs", "F", birth="2012-09-09",
            nct={k: "unknown" for k in ["sledai", "refractory", "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "cd19", "ecog"]},
            ho={"upcr": "unknown", "egfr": "unknown", "x_alt": "unknown"})
v1 = p.visit(good("2026-07-02", "NG", upcr=2.4, egfr=99))
p.note("2026-07-04", "email", f"""From: Dr Chidinma Eze
Sent: 04/07/2026 10:00
To: Dr O. Adeyemi
Subject: 13F LN

13F, SLE (ANA 1:1280) since 05/2024 with LN class IV-G on renal biopsy 29/06/2026. Prednisolone since 05/2024, cyclophosphamide 06-11/2024, MMF since 12/2024. SLEDAI-2K 14 today, Lansky 80, CD19 10% (flow 02/07/2026).
{render(v1, 'table')}
{sig('Dr Chidinma Eze', 'Senior Registrar, Paediatrics', 'Federal Medical Centre, Abeokuta', 'NG')}""")
p.note("2026-11-02", "email", f"""From: Dr Olumide Adeyemi
Sent: 02/11/2026 09:00
To: CAR-T Referral Office
Subject: FW: 13F LN

Forwarding the July summary below for CAR-T consideration. She has not been reviewed since July - repeat bloods requested.

On 04/07/2026, Dr Chidinma Eze wrote:
{q('13F, SLE (ANA 1:1280) since 05/2024 with LN class IV-G on renal biopsy 29/06/2026. SLEDAI-2K 14 today.')}""")
p.note("2026-11-05", "chat", """05/11/2026 11:00 referral office: any labs since July?
05/11/2026 11:45 Adeyemi: not yet, family travelling. will send""")

# ================= P015 AU: quoted Hb 58 superseded by newer 94 above
p = Patient("P015", "hb_quoted_old_low", "F", birth="2010-10-10")
va = p.visit(good("2026-09-02", "SI", hb=58, upcr=2.8))
vb = p.visit(good("2026-10-28", "SI", hb=94, upcr=2.0, alt_uln=40, tbil_uln=20))
p.note("2026-09-03", "email", f"""From: Dr Hannah O'Brien
Sent: Thursday, 3 September 2026 6:10 PM
To: Lupus CAR-T Trials
Subject: ?CAR-T referral - 15F

15F (DOB 10/10/2010), SLE since 2023, ANA 1:2560. Repeat biopsy 21/08/2026: class III (A/C) + V.
Pred since 2023, MMF since 2023, tacrolimus since 2025. Admitted with AIHA - Hb 58, transfused 2 units.
{render(va, 'inline')}
{sig("Dr Hannah O'Brien", 'Paediatric Rheumatologist', 'Royal Childrens Hospital Melbourne', 'AU')}""")
p.note("2026-10-29", "email", f"""From: Dr Hannah O'Brien
Sent: Thursday, 29 October 2026 8:45 AM
To: Lupus CAR-T Trials
Subject: RE: ?CAR-T referral - 15F

Much better. Hb up to 94 after the transfusion and pulse. SLEDAI-2K 11. Lansky 80. CD19 B cells 9%.
{render(vb, 'table')}

On 3 September 2026, Dr Hannah O'Brien wrote:
{q('Admitted with AIHA - Hb 58, transfused 2 units.')}""")
p.note("2026-10-30", "chat", """30/10/2026 14:00 trials: thx, we'll use the 28/10 bloods
30/10/2026 14:02 O'Brien: great""")

# ================= P016 IN: ANA "positive" with no titre -> unknown; voice-note transcript
p = Patient("P016", "ana_positive_no_titre_voice_note", "F", birth="2013-05-05", nct={"ana": "unknown"})
v1 = p.visit(good("2026-10-22", "IN", upcr=1.2, alt_uln=40))
p.note("2026-07-15", "voice_note", """VOICE NOTE TRANSCRIPT (auto-transcribed, 15-07-2026 19:02, Dr. Meera Pillai)
"Hi, this is Meera from Aster Medcity paeds. Calling about a thirteen year old girl, lupus, ANA was positive - I don't have the titre with me, report's at the other lab - she has lupus nephritis, class four on biopsy we did on the tenth of July this year. She's been on prednisolone since March 2025 and MMF since April 2025, and tacrolimus since January. Still spilling protein. Can you see her for CAR-T? Thanks, bye.\"""")
p.note("2026-10-23", "email", f"""From: Dr. Meera Pillai
Sent: 23 Oct 2026 09:30
To: CAR-T Screening
Subject: RE: voice message - 13F lupus

Labs from 22-Oct-2026 below. SLEDAI-2K 9. Lansky 90. CD19 11% (abs 180/uL). DOB 05-05-2013.
{render(v1, 'table')}
ANA report still awaited from outside lab.
{sig('Dr. Meera Pillai', 'Consultant, Paediatric Nephrology', 'Aster Medcity, Kochi', 'IN')}""")
p.note("2026-10-24", "chat", """24-10-2026 10:00 screening: ANA titre?
24-10-2026 10:30 Pillai: still chasing it""")

# ================= P017 DE: older class IV, newer repeat biopsy pure class V -> biopsy not_met
p = Patient("P017", "repeat_biopsy_pure_V", "F", birth="2011-02-28", nct={"biopsy": "not_met"},
            ho={"biopsy": "not_met"})
v1 = p.visit(good("2026-10-26", "DE", upcr=2.3))
p.note("2026-02-12", "letter", """Arztbrief (English summary), Dr. von Hauner Kinderspital, LMU Muenchen, 12.02.2026
Pat. geb. 28.02.2011. SLE since 2022 (ANA 1:640). Lupus nephritis class IV-G (A) in biopsy 15.03.2024.
Prednisolon since 03/2024, Cyclophosphamid i.v. 04/2024-09/2024, MMF since 10/2024.""")
p.note("2026-09-25", "pathology", """Nierenbiopsie 22.09.2026 - Befund (English): Membranous lupus nephritis, ISN/RPS class V. No endocapillary or extracapillary proliferation; no class III/IV lesions. Activity index 0/24.""")
p.note("2026-10-27", "email", f"""Von: Dr. med. Anna Schuster
Gesendet: 27.10.2026 15:15
An: CAR-T Studienteam
Betreff: AW: WG: ?CAR-T Studie

Labs below. SLEDAI-2K 8, Lansky 90, CD19 12 %. She still has nephrotic proteinuria despite all of the above.
{render(v1, 'table')}

Am 12.02.2026 schrieb Dr. Schuster:
{q('Lupus nephritis class IV-G (A) in biopsy 15.03.2024.')}
{sig('Dr. med. Anna Schuster', 'Kindernephrologie', 'LMU Klinikum, Muenchen', 'DE')}""")

# ================= P018 CA: SLE ruled out; IgA nephropathy; ANA 1:40
p = Patient("P018", "not_sle_iga", "M", birth="2012-12-12",
            nct={"sle": "not_met", "biopsy": "not_met", "ana": "not_met", "refractory": "unknown", "sledai": "unknown"},
            ho={"sle": "not_met", "biopsy": "not_met"})
v1 = p.visit(good("2026-10-15", "CA", upcr=1.1, egfr=85))
p.note("2026-09-20", "email", f"""From: Dr. Omar Haddad
Sent: 2026-09-20 10:10
To: Lupus CAR-T Study
Subject: ?lupus nephritis - 13M - ?CAR-T

13M (DOB 2012-12-12), hematuria + proteinuria, low-titre ANA. ?lupus nephritis. Biopsy booked.
{sig('Omar Haddad, MD', 'Pediatrics', 'Stollery Childrens Hospital, Edmonton', 'CA')}""")
p.note("2026-10-16", "email", f"""From: Dr. Omar Haddad
Sent: 2026-10-16 17:45
To: Lupus CAR-T Study
Subject: RE: ?lupus nephritis - 13M - ?CAR-T

Please disregard the referral. Kidney biopsy 2026-10-09: IgA nephropathy (MEST-C M1 E0 S1 T0 C0), full-house pattern absent - no lupus nephritis.
ANA 1:40, dsDNA negative, complements normal. Rheumatology reviewed: SLE ruled out, does not fulfil 2019 EULAR/ACR criteria.
On prednisone since 2026-10-10 only.
{render(v1, 'inline')}

On 2026-09-20, Dr. Omar Haddad wrote:
{q('13M, hematuria + proteinuria, low-titre ANA. ?lupus nephritis.')}""")
p.note("2026-10-17", "chat", """2026-10-17 09:00 coord: noted, closing referral. thx
2026-10-17 09:05 Haddad: thx""")
# refractory: only pred since 2026-10-10 (within 183) -> b fails -> not_met
p.nct.update(refractory="not_met", cd19="unknown", ecog="unknown")

# ================= P019 NG: rituximab 2026-07, CD19 0%
p = Patient("P019", "rtx_recent_cd19_depleted", "F", birth="2011-06-06", nct={"cd19": "not_met"},
            ho={"x_rtx": "met"})
v1 = p.visit(good("2026-10-20", "NG", upcr=1.8, lym=1.05))
p.note("2026-07-20", "email", f"""From: Dr Hauwa Abubakar
Sent: 20/07/2026 13:00
To: Dr. T. Olatunji
Subject: 15F LN - rituximab given

15F (DOB 06/06/2011), SLE since 2023, ANA 1:640. LN class IV + V on repeat biopsy 09/07/2026.
Prednisolone since 2023, MMF since 2023, cyclophosphamide 2024. Rituximab 750 mg/m2 x2 given 10/07/2026 and 24/07/2026 (second dose booked).
{sig('Dr Hauwa Abubakar', 'Consultant Paediatric Nephrologist', 'Aminu Kano Teaching Hospital, Kano', 'NG')}""")
p.note("2026-10-22", "email", f"""From: Dr Tunde Olatunji
Sent: 22/10/2026 10:30
To: CAR-T team
Subject: RE: 15F LN - rituximab given  [?CAR-T]

Both rituximab doses were given (10/07 and 24/07). Proteinuria persists. SLEDAI-2K 12. Lansky 80.
Flow 20/10/2026: CD19+ B cells 0% - B cells depleted.
{render(v1, 'table')}

On 20/07/2026, Dr Hauwa Abubakar wrote:
{q('Rituximab 750 mg/m2 x2 given 10/07/2026 and 24/07/2026 (second dose booked).')}""")
p.note("2026-10-23", "chat", """23/10/2026 08:10 CAR-T: CD19 repeat in 3 months then
23/10/2026 08:15 Olatunji: ok""")

# ================= P020 AU: rituximab in 2025, CD19 recovered; colleague's other (class II) patient mentioned
p = Patient("P020", "rtx_old_cd19_recovered_other_patient", "M", birth="2011-09-19")
v1 = p.visit(good("2026-11-05", "SI", upcr=1.35, tbil_uln=20))
p.note("2026-06-05", "email", f"""From: Dr James Nguyen
Sent: Friday, 5 June 2026 2:00 PM
To: Lupus CAR-T Trials
Subject: ?CAR-T referral x2

Two for you:
1) 14M (DOB 19/09/2011) SLE since 2022, ANA 1:1280, LN class IV-G on repeat biopsy 01/06/2026. Prednisolone since 2022, MMF 2022, tacrolimus 2024. Rituximab 03/2025 (2 doses). Nephrotic.
2) my other girl, 11F, class II LN only, ANA 1:160, well controlled - probably not for CAR-T, just FYI.
{sig('Dr James Nguyen', 'Paediatric Nephrologist', 'Monash Childrens Hospital, Clayton', 'AU')}""")
p.note("2026-11-06", "email", f"""From: Dr James Nguyen
Sent: Friday, 6 November 2026 9:20 AM
To: Lupus CAR-T Trials
Subject: RE: ?CAR-T referral x2

Re the boy (1): B cells have come back - CD19 6% of lymphocytes on 05/11/2026. SLEDAI-2K 12. Lansky 90.
{render(v1, 'table')}
Re the girl (2): leave her, she's in remission.

On 5 June 2026, Dr James Nguyen wrote:
{q('1) 14M (DOB 19/09/2011) SLE since 2022 ... Rituximab 03/2025 (2 doses).' + chr(10) + '2) my other girl, 11F, class II LN only')}""")
p.note("2026-11-07", "chat", """07/11/2026 11:00 trials: any RTX since 03/2025?
07/11/2026 11:20 Nguyen: nope, just the one course""")

# ================= P021 IN: eGFR < 30 by Schwartz -> NCT manual; HO not_met
p = Patient("P021", "egfr_below_30_manual", "F", birth="2010-01-12", height=("2026-10-12", 150),
            nct={"egfr": "manual"}, ho={"egfr": "not_met"})
v1 = p.visit(good("2026-10-12", "IN", cr=212, egfr=None, upcr=3.4))
p.note("2026-06-25", "email", f"""From: Dr. Vikram Rao
Sent: 25 Jun 2026 20:00
To: CAR-T Screening
Subject: ?CAR-T - 16F LN with AKI

16F (DOB 12-01-2010) SLE since 2021 (ANA 1:320). LN class IV-G (A/C) on biopsy 19-Jun-2026, crescents 30%. Prednisolone since 2021, MMF since 2021, cyclophosphamide 2022. Rising creatinine.
{sig('Dr. Vikram Rao', 'Paediatric Nephrology', 'Narayana Health, Bengaluru', 'IN')}""")
p.note("2026-10-13", "email", f"""From: Dr. Vikram Rao
Sent: 13 Oct 2026 08:10
To: CAR-T Screening
Subject: RE: ?CAR-T - 16F LN with AKI

Ht 150 cm, wt 41 kg (12-10-2026). Creatinine higher, attributed to lupus nephritis activity (no other cause). SLEDAI-2K 20. Karnofsky 60. CD19 positive B cells 13%.
{render(v1, 'table')}""")
p.note("2026-10-14", "chat", """14-10-2026 09:00 screening: eGFR?
14-10-2026 09:05 Rao: pls calculate from above, haven't""")

# ================= P022 CA: eGFR only via Schwartz (umol/L), 39 -> NCT met, HO not_met
p = Patient("P022", "egfr_schwartz_between_30_45", "M", birth="2012-04-04", height=("2026-09-30", 140),
            nct={}, ho={"egfr": "not_met"})
v1 = p.visit(good("2026-10-01", "CA", cr=130, egfr=None, upcr=1.9))
p.note("2026-06-30", "referral_form", """MDT REFERRAL E-FORM (pasted into email)
Site: The Hospital for Sick Children (SickKids), Toronto | Date: 2026-06-30
Patient: 14M, DOB 2012-04-04
Dx: SLE (ANA 1:640), lupus nephritis ISN/RPS class III (A) + V, biopsy 2026-06-22
Rx: prednisone since 2025-01, MMF since 2025-01, tacrolimus since 2025-08
Reason: persistent proteinuria on triple therapy""")
p.note("2026-10-02", "email", f"""From: Dr. Rebecca Stein
Sent: 2026-10-02 11:11
To: Lupus CAR-T Study
Subject: RE: FW: MDT referral 14M

Height 140 cm (clinic 2026-09-30). SLEDAI-2K 9. ECOG 1. CD19+ B cells 8 %.
{render(v1, 'table')}
Rebecca
{sig('Rebecca Stein, MD', 'Division of Nephrology', 'SickKids, Toronto', 'CA')}""")
p.note("2026-10-03", "chat", """2026-10-03 10:00 coord: no eGFR on report?
2026-10-03 10:01 Stein: lab doesn't report peds eGFR, use bedside Schwartz""")

# ================= P023 DE: haemodynamic instability (noradrenaline) in lookback; infection excluded
p = Patient("P023", "haemodynamic_instability", "F", birth="2010-08-08", nct={"hemo": "not_met"})
v1 = p.visit(good("2026-11-08", "DE", upcr=3.6, hb=82))
p.note("2026-06-01", "letter", """Arztbrief (English), Universitaetsklinikum Essen, Kinderklinik II, 01.06.2026
Patientin geb. 08.08.2010. SLE since 2022 (ANA 1:2560). Lupus nephritis class IV-S (A) in biopsy 26.05.2026.
Prednisolon since 2022, MMF since 2022, Cyclosporin A 2023-2024.""")
p.note("2026-11-09", "email", f"""Von: Dr. med. Felix Wagner
Gesendet: 09.11.2026 22:40
An: CAR-T Studienteam
Betreff: AW: ?CAR-T Anmeldung

Update: admitted to PICU 05.11.2026 with lupus flare and shock, on noradrenaline 0.1 ug/kg/min for 48 h, now weaned. Blood cultures negative, procalcitonin normal - no infection found.
SLEDAI-2K 22. Lansky 50. CD19 B cells 4 %.
{render(v1, 'table')}

Am 02.06.2026 schrieb Studienteam:
{q('Thank you - please keep us updated.')}""")
p.note("2026-11-10", "chat", """10.11.2026 08:00 Studienteam: still on pressors?
10.11.2026 08:05 Wagner: off since 07.11., stable now""")

# ================= P024 AU: pregnant 17yo (bHCG ? then positive)
p = Patient("P024", "pregnancy_positive_after_question", "F", birth="2009-03-03", ho={"x_preg": "met"})
v1 = p.visit(good("2026-10-29", "SI", upcr=1.45))
p.note("2026-07-15", "email", f"""From: Dr Emily Carter
Sent: Wednesday, 15 July 2026 10:00 AM
To: Lupus CAR-T Trials
Subject: ?CAR-T referral - 17F

17F (DOB 03/03/2009), SLE since 2021, ANA 1:640. Biopsy 09/07/2026: class IV-G (A) + V. Pred since 2021, MMF since 2021, tacrolimus since 2024.
{sig('Dr Emily Carter', 'Adolescent Rheumatology', "Women's and Children's Hospital, Adelaide", 'AU')}""")
p.note("2026-10-30", "email", f"""From: Dr Emily Carter
Sent: Friday, 30 October 2026 4:45 PM
To: Lupus CAR-T Trials
Subject: RE: ?CAR-T referral - 17F

Important: her beta-hCG came back positive (29/10/2026), approx 8/40 by dates. She is pregnant and wishes to continue the pregnancy. MMF stopped, switched to azathioprine.
SLEDAI-2K 10. Karnofsky 80. CD19 7%.
{render(v1, 'inline')}

On 27 October 2026, Dr Emily Carter wrote:
{q('?pregnant - period late, bHCG sent today')}""")
p.note("2026-10-31", "chat", """31/10/2026 09:00 trials: noted re pregnancy, thank you""")

# ================= P025 NG: active infection (pneumonia on IV antibiotics) -> HO x_infection met
p = Patient("P025", "active_infection", "M", birth="2011-12-01", ho={"x_infection": "met"})
v1 = p.visit(good("2026-11-10", "NG", upcr=2.2, wbc=12.8, anc=10.1))
p.note("2026-06-15", "email", f"""From: Dr Emeka Nwosu
Sent: 15/06/2026 12:00
To: CAR-T Referral Office
Subject: ?CAR-T - 14M refractory LN

14M (DOB 01/12/2011) SLE since 2023 (ANA 1:1280), LN class III (A) on biopsy 10/06/2026. Prednisolone since 2023, cyclophosphamide 2023, MMF since 2024. Proteinuria persistent.
{sig('Dr Emeka Nwosu', 'Consultant Paediatrician', 'University College Hospital, Ibadan', 'NG')}""")
p.note("2026-11-11", "email", f"""From: Dr Emeka Nwosu
Sent: 11/11/2026 19:30
To: CAR-T Referral Office
Subject: RE: ?CAR-T - 14M refractory LN

Admitted 09/11/2026 with right lower lobe pneumonia, on IV ceftriaxone, day 3. Blood culture: Streptococcus pneumoniae. Haemodynamically stable.
SLEDAI-2K 10. Lansky 70. CD19 9%.
{render(v1, 'table')}""")
p.note("2026-11-12", "chat", """12/11/2026 08:00 office: let's revisit after antibiotics complete
12/11/2026 08:10 Nwosu: ok""")

# ================= P026 IN: "r/o TB" then Quantiferon negative -> no infection
p = Patient("P026", "ro_tb_negative", "F", birth="2012-11-30")
v1 = p.visit(good("2026-10-18", "IN", upcr=1.05, alt_uln=40, ast_uln=40))
p.note("2026-06-28", "referral_form", """MDT REFERRAL E-FORM - KEM Hospital, Mumbai, Paediatric Nephrology - 28-06-2026
Patient: Ms. P.D., DOB 30-11-2012, F
Dx: SLE (ANA 1:640), LN ISN/RPS class IV-G (A), renal biopsy 22-06-2026
Rx: prednisolone since Jan-2025, tacrolimus since Feb-2025, MMF since Jun-2025
Issue: persistent proteinuria; cough x 2 weeks - r/o TB before escalation""")
p.note("2026-10-19", "email", f"""From: Dr. Nikhil Shah
Sent: 19 Oct 2026 13:00
To: CAR-T Screening
Subject: RE: MDT referral P.D.

TB work-up negative: Quantiferon negative, CXR clear, gastric aspirate GeneXpert negative. Cough resolved. No active infection.
SLEDAI-2K 8. Lansky 90. CD19 10%.
{render(v1, 'table')}
{sig('Dr. Nikhil Shah', 'Paediatric Nephrology & Tuberculosis Liaison Clinic', 'KEM Hospital, Mumbai', 'IN')}""")
p.note("2026-10-20", "chat", """20-10-2026 09:00 screening: pregnancy test?
20-10-2026 09:20 Shah: urine hCG negative 18-10""")

# ================= P027 CA: SLEDAI newer 6 above older quoted 14; Lansky 40
p = Patient("P027", "sledai_superseded_low_lansky40", "M", birth="2014-02-14",
            nct={"sledai": "not_met", "ecog": "not_met"})
va = p.visit(good("2026-08-30", "CA", upcr=2.9))
vb = p.visit(good("2026-11-02", "CA", upcr=0.9))
p.note("2026-08-31", "email", f"""From: Dr. Paul Okafor
Sent: 2026-08-31 12:00
To: Lupus CAR-T Study
Subject: ?CAR-T 12M

12M (DOB 2014-02-14), SLE since 2024-01 (ANA 1:320), LN class IV-G (A) biopsy 2026-08-20. Prednisone since 2024-01, cyclophosphamide 2024-02 to 2024-07, MMF since 2024-08. SLEDAI-2K 14, Lansky 70, CD19 12 %.
{render(va, 'inline')}
{sig('Paul Okafor, MD', 'Pediatric Rheumatology', "Children's Hospital of Eastern Ontario, Ottawa", 'CA')}""")
p.note("2026-11-03", "email", f"""From: Dr. Paul Okafor
Sent: 2026-11-03 10:00
To: Lupus CAR-T Study
Subject: RE: ?CAR-T 12M

Update: SLEDAI-2K now 6 (2026-11-02). But he had a stroke-like episode (CNS vasculitis excluded; likely PRES) and is bedbound - Lansky 40. CD19+ 10 %.
{render(vb, 'table')}

On 2026-08-31, Dr. Paul Okafor wrote:
{q('SLEDAI-2K 14, Lansky 70, CD19 12 %.')}""")
p.note("2026-11-04", "chat", """2026-11-04 09:00 coord: is the SLEDAI of 14 still current?
2026-11-04 09:12 Okafor: no - 6 now (2026-11-02), the 14 was August
2026-11-04 09:13 coord: thx""")

# ================= P028 DE: poor venous access -> venous not_met
p = Patient("P028", "poor_venous_access", "F", birth="2013-06-21", nct={"venous": "not_met"})
v1 = p.visit(good("2026-10-07", "DE", upcr=1.6))
p.note("2026-06-10", "letter", """Arztbrief (English), Universitaetsklinikum Hamburg-Eppendorf, Kinderklinik, 10.06.2026
Pat. geb. 21.06.2013. SLE since 2024 (ANA 1:1280). LN class III (A) + V, biopsy 04.06.2026. Prednisolon since 03/2024, MMF since 04/2024, Tacrolimus since 01/2025.""")
p.note("2026-10-08", "email", f"""Von: Dr. med. Lena Fischer
Gesendet: 08.10.2026 14:00
An: CAR-T Studienteam
Betreff: AW: ?CAR-T

Labs below. SLEDAI-2K 10, Lansky 80, CD19 B-Zellen 8 %.
One practical problem: extremely difficult venous access - needs ultrasound-guided cannulation, two failed PICC attempts, anaesthesia declined apheresis line placement after previous thrombosis of both femoral veins.
{render(v1, 'table')}
{sig('Dr. med. Lena Fischer', 'Kinderrheumatologie', 'UKE Hamburg', 'DE')}""")
p.note("2026-10-09", "chat", """09.10.2026 09:00 Studienteam: so no apheresis access currently?
09.10.2026 09:10 Fischer: correct""")

# ================= P029 NG: mother has SLE; patient only "?SLE, r/o"; biopsy pending
p = Patient("P029", "family_history_uncertain_sle", "F", stated_age=("2026-10-25", 13),
            nct={"sle": "unknown", "biopsy": "unknown", "refractory": "unknown", "ana": "unknown",
                 "sledai": "unknown", "cd19": "unknown", "ecog": "unknown"},
            ho={"sle": "unknown", "biopsy": "unknown", "upcr": "unknown"})
v1 = p.visit(good("2026-10-24", "NG", upcr=None, egfr=102))
p.note("2026-10-25", "email", f"""From: Dr Bisi Adewale
Sent: 25/10/2026 15:00
To: CAR-T Referral Office
Subject: ?lupus - 13F - ?suitable

13-year-old girl, mother has SLE (on HCQ). Daughter has arthralgia and haematuria - ?SLE, r/o lupus nephritis. ANA sent, result pending. Renal biopsy planned for next month.
Not on any immunosuppression yet.
{render(v1, 'inline')}
{sig('Dr Bisi Adewale', 'Paediatric Registrar', 'Lupus & Autoimmune Research Unit, LASUTH, Ikeja', 'NG')}""")
p.note("2026-10-27", "chat", """27/10/2026 10:00 office: too early for us - pls re-refer if LN confirmed
27/10/2026 10:05 Adewale: will do""")
p.note("2026-11-01", "email", """From: Dr Bisi Adewale
Sent: 01/11/2026 09:00
To: CAR-T Referral Office
Subject: RE: ?lupus - 13F - ?suitable

Just so you know the biopsy is now booked 30/11/2026. Will update.

On 27/10/2026 the Referral Office wrote:
> too early for us - pls re-refer if LN confirmed""")
# treatment-naive documented -> refractory not_met
p.nct.update(refractory="not_met")

# ================= P030 AU: IV cyclophosphamide last dose 01/10/2026 -> HO x_cyc met
p = Patient("P030", "recent_cyc", "F", birth="2012-12-24", ho={"x_cyc": "met"})
v1 = p.visit(good("2026-10-26", "SI", upcr=1.9))
p.note("2026-06-08", "email", f"""From: Dr Sam Patel
Sent: Monday, 8 June 2026 11:00 AM
To: Lupus CAR-T Trials
Subject: ?CAR-T - 13F

13F (DOB 24/12/2012) SLE since 07/2024, ANA 1:640. Biopsy 02/06/2026: diffuse proliferative LN (class IV). Prednisolone since 07/2024, MMF since 08/2024. Starting Euro-Lupus IV cyclophosphamide 500 mg fortnightly x6 next week.
{sig('Dr Sam Patel', 'Paediatric Nephrologist', 'Starship Liaison Clinic, Gold Coast University Hospital', 'AU')}""")
p.note("2026-10-27", "email", f"""From: Dr Sam Patel
Sent: Tuesday, 27 October 2026 12:00 PM
To: Lupus CAR-T Trials
Subject: RE: ?CAR-T - 13F

Completed all 6 Euro-Lupus cyclophosphamide doses, last dose 01/10/2026. Still proteinuric. SLEDAI-2K 12. Lansky 80. CD19 B cells 14%.
{render(v1, 'table')}

On 8 June 2026, Dr Sam Patel wrote:
{q('Starting Euro-Lupus IV cyclophosphamide 500 mg fortnightly x6 next week.')}""")
p.note("2026-10-28", "chat", """28/10/2026 09:00 trials: did all 6 CYC doses go ahead?
28/10/2026 09:20 Patel: yes, 6/6, last 1 Oct
28/10/2026 09:21 trials: thx. any ritux?
28/10/2026 09:30 Patel: never""")

# ================= P031 IN: Gilbert syndrome; bilirubin 2.2xULN -> met
p = Patient("P031", "gilbert_bilirubin", "M", birth="2010-07-17", flags={"gilbert"})
v1 = p.visit(good("2026-10-21", "IN", tbil=46, tbil_uln=20.5, upcr=1.5))
p.note("2026-06-19", "referral_form", """REFERRAL (pasted), AIIMS New Delhi, Div. of Paediatric Nephrology, 19-06-2026
Patient: Mr. R.K., DOB 17-07-2010, M
Dx: SLE since Dec-2022 (ANA 1:2560), lupus nephritis class IV-S (A) + V, renal biopsy 12-06-2026
Other: Gilbert syndrome (UGT1A1 genotyped 2023), unconjugated hyperbilirubinaemia
Rx: prednisolone since Dec-2022, cyclophosphamide 2023, MMF since 2023""")
p.note("2026-10-22", "email", f"""From: Dr. Arvind Bagga
Sent: 22 Oct 2026 17:20
To: CAR-T Screening
Subject: RE: referral R.K.

Bilirubin raised as always - unconjugated, his Gilbert's. Proteinuria persists. SLEDAI-2K 12. Karnofsky 90. CD19 positive 9%.
{render(v1, 'table')}
{sig('Dr. A. Bagga', 'Professor, Paediatric Nephrology', 'AIIMS, New Delhi', 'IN')}""")
p.note("2026-10-23", "chat", """23-10-2026 11:00 screening: thx, Gilbert's noted""")

# ================= P032 NG: bilirubin 1.8xULN, INR 1.9 (no Gilbert)
p = Patient("P032", "liver_coag_high", "F", birth="2011-04-09",
            nct={"tbil": "not_met", "inr": "not_met", "pt": "not_met", "ast": "not_met"}, ho={"x_alt": "met"})
v1 = p.visit(good("2026-11-04", "NG", alt=110, alt_uln=40, ast=140, ast_uln=40, tbil=38, tbil_uln=21,
                  inr=1.9, inr_uln=1.2, pt=22.5, pt_uln=14.0, upcr=2.5))
p.note("2026-06-22", "email", f"""From: Dr Kemi Oladipo
Sent: 22/06/2026 12:00
To: CAR-T Referral Office
Subject: ?CAR-T 15F LN

15F (DOB 09/04/2011), SLE since 2022 (ANA 1:640), LN class IV on biopsy 17/06/2026. Prednisolone since 2022, MMF since 2022, tacrolimus since 2024.
{sig('Dr Kemi Oladipo', 'Consultant Paediatric Nephrologist', 'Obafemi Awolowo University Teaching Hospital, Ile-Ife', 'NG')}""")
p.note("2026-11-05", "email", f"""From: Dr Kemi Oladipo
Sent: 05/11/2026 10:00
To: CAR-T Referral Office
Subject: RE: ?CAR-T 15F LN

Labs 04/11/2026 (ULN from our lab's range) below. Jaundiced, hepatology reviewing - autoimmune hepatitis overlap being considered. Not on warfarin.
SLEDAI-2K 14. Lansky 70. CD19 8%.
{render(v1, 'table')}""")
p.note("2026-11-06", "chat", """06/11/2026 09:00 office: will await hepatology
06/11/2026 09:10 Oladipo: ok""")

# ================= P033 DE: biopsy "Mai 2026" (month-only, 15 May -> 189 days): NCT unknown, HO met
p = Patient("P033", "biopsy_month_only_just_outside", "M", birth="2011-01-30", nct={"biopsy": "unknown"})
v1 = p.visit(good("2026-10-29", "DE", upcr=1.8))
p.note("2026-07-20", "letter", """Arztbrief (English), Universitaetsklinikum Tuebingen, Kinderklinik, 20.07.2026
Pat. geb. 30.01.2011. SLE since 2023, ANA 1:640. Renal biopsy May 2026 (exact date not in our records): lupus nephritis class III (A/C). Prednisolon since 2023, MMF since 2023, Cyclophosphamid i.v. 2024.""")
p.note("2026-10-30", "email", f"""Von: Dr. med. Tobias Keller
Gesendet: 30.10.2026 10:00
An: CAR-T Studienteam
Betreff: AW: ?CAR-T

Labs below. SLEDAI-2K 12, Karnofsky 80, CD19 11 %. No repeat biopsy since May.
{render(v1, 'table')}
{sig('Dr. med. Tobias Keller', 'Kinderrheumatologie', 'Universitaetsklinikum Tuebingen', 'DE')}""")
p.note("2026-10-31", "chat", """31.10.2026 09:00 Studienteam: exact biopsy date?
31.10.2026 09:30 Keller: can't find it, only "May 2026" in the pathology log""")

# ================= P034 CA: UPCR 0.7 g/g -> NCT refractory met, HO upcr (>=100 mg/mmol) not_met; ANC low-ish ok
p = Patient("P034", "upcr_between_thresholds", "F", birth="2013-09-01", ho={"upcr": "not_met"})
va = p.visit(good("2026-06-10", "CA", upcr=2.4))
vb = p.visit(good("2026-10-16", "CA", upcr=0.7, anc=1.1, lym=1.0))
p.note("2026-06-12", "email", f"""From: Dr. Nadia Rahman
Sent: 2026-06-12 12:00
To: Lupus CAR-T Study
Subject: ?CAR-T 12F

12F, DOB 2013-09-01, SLE since 2024-01 (ANA 1:1280), LN class IV-G (A) + V, biopsy 2026-06-05. Prednisone since 2024-01, MMF since 2024-02, tacrolimus since 2025-03.
{render(va, 'inline')}
{sig('Nadia Rahman, MD', 'Pediatric Nephrology', 'McMaster Childrens Hospital, Hamilton', 'CA')}""")
p.note("2026-10-17", "email", f"""From: Dr. Nadia Rahman
Sent: 2026-10-17 14:00
To: Lupus CAR-T Study
Subject: RE: ?CAR-T 12F

Partial response only, still not in remission. SLEDAI-2K 8. ECOG 1. CD19 6 %.
{render(vb, 'table')}

On 2026-06-12, Dr. Nadia Rahman wrote:
{q(render(va, 'inline'))}""")
p.note("2026-10-18", "chat", """2026-10-18 10:00 coord: UPCR now?
2026-10-18 10:05 Rahman: 79 mg/mmol on 2026-10-16, was 271 in June
2026-10-18 10:06 coord: thx""")

# ================= P035 AU: no labs at all in thread beyond history; voice note; stated age 7
p = Patient("P035", "history_only_no_current_data", "M", stated_age=("2026-09-01", 7),
            nct={k: "unknown" for k in ["sledai", "refractory", "cd19", "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "ecog"]},
            ho={"age": "not_met", "upcr": "unknown", "egfr": "unknown", "x_alt": "unknown"})
p.note("2026-09-01", "voice_note", """VOICE NOTE TRANSCRIPT - 01/09/2026 - Dr Olivia Brooks, Townsville University Hospital
"Hi team, quick one. Seven-year-old boy, SLE, ANA one in six-forty, lupus nephritis class four on a biopsy from the twentieth of August. On pred since last year and MMF since last year too. I'll email the bloods. Cheers.\"""")
p.note("2026-09-02", "chat", """02/09/2026 10:00 trials: thx - need SLEDAI, CD19, bloods, UPCR
02/09/2026 10:30 Brooks: on it""")
p.note("2026-11-16", "email", f"""From: Dr Olivia Brooks
Sent: Monday, 16 November 2026 5:00 PM
To: Lupus CAR-T Trials
Subject: RE: voice note - 7M LN

Sorry for the delay - bloods attached (see attached PDF). Will send SLEDAI next week.
{sig('Dr Olivia Brooks', 'Paediatric Registrar', 'Townsville University Hospital', 'AU')}

Attachments: bloods_nov.pdf (not included in forwarded text)""")
# refractory: pred+MMF since "last year" (2025, year-only -> 1 Jul 2025, >183 d): a,b hold; c no proteinuria -> unknown

# ================= P036 IN: second trial age boundary 25/26? and ECOG via Karnofsky 60; 24h protein
p = Patient("P036", "proteinuria_24h_lansky60", "M", birth="2009-10-02")
v1 = p.visit(good("2026-11-11", "IN", upcr=None))
p.note("2026-06-05", "email", f"""From: Dr. Farah Khan
Sent: 05 Jun 2026 09:00
To: CAR-T Screening
Subject: ?CAR-T 16M

16M, DOB 02-10-2009. SLE since 2020 (ANA 1:320). LN class IV-G (A) on biopsy 29-May-2026 (AI 9/24, CI 3/12). Prednisolone since 2020, MMF since 2020, cyclosporine 2022-2023, tacrolimus since 2024.
{sig('Dr. Farah Khan', 'Paediatric Rheumatology', 'CMC Vellore', 'IN')}""")
p.note("2026-11-12", "email", f"""From: Dr. Farah Khan
Sent: 12 Nov 2026 15:00
To: CAR-T Screening
Subject: RE: ?CAR-T 16M

24-hour urine protein 1.9 g/day (11-11-2026). SLEDAI-2K 10. Karnofsky 60. CD19 B cells 5%.
{render(v1, 'table')}""")
p.note("2026-11-13", "chat", """13-11-2026 09:00 screening: any UPCR?
13-11-2026 09:10 Khan: only 24h collection this time""")
# HO upcr criterion accepts a 24-h urine protein >= 1.0 g/day -> met


# ================= P037 DE: cytopenias; G-CSF only "considered", never given; older quoted Hb higher
p = Patient("P037", "cytopenias_gcsf_considered", "M", birth="2012-05-15",
            nct={"lymph": "not_met", "wbc": "not_met", "hb": "not_met"})
va = p.visit(good("2026-09-01", "DE", hb=89, wbc=4.1, lym=1.2, upcr=2.0))
vb = p.visit(good("2026-11-10", "DE", hb=56, wbc=2.4, anc=1.2, lym=0.6, upcr=2.7))
p.note("2026-06-03", "letter", """Arztbrief (English), Kinderklinik der Medizinischen Hochschule Hannover, 03.06.2026
Pat. geb. 15.05.2012, maennlich. SLE since 09/2024 (ANA 1:1280, anti-dsDNA positive). Lupus nephritis ISN/RPS class IV-G (A) + V, Nierenbiopsie 28.05.2026.
Therapy: Prednisolon since 09/2024, MMF since 10/2024, Tacrolimus since 02/2025. Persistent proteinuria.""")
p.note("2026-09-02", "email", f"""Von: Dr. med. Sophie Brandt
Gesendet: 02.09.2026 11:30
An: CAR-T Studienteam
Betreff: ?CAR-T - 14 J., maennlich

{render(va, 'inline')}
SLEDAI-2K 12. Lansky 80.
{sig('Dr. med. Sophie Brandt', 'Kindernephrologie', 'MHH Hannover', 'DE')}""")
p.note("2026-11-11", "email", f"""Von: Dr. med. Sophie Brandt
Gesendet: 11.11.2026 19:05
An: CAR-T Studienteam
Betreff: AW: ?CAR-T - 14 J., maennlich

Bad news - pancytopenic with lupus flare (haemolysis + leukopenia). Transfusion planned for tomorrow. We discussed G-CSF but decided against it, none given.
SLEDAI-2K 18. Lansky 60. CD19 B-Zellen 7 % (Durchflusszytometrie 10.11.2026).
{render(vb, 'table')}

Am 02.09.2026 schrieb Dr. Brandt:
{q(render(va, 'inline'))}""")
p.note("2026-11-12", "chat", """12.11.2026 08:30 Studienteam: so Hb 5.6 on 10.11. is the current one?
12.11.2026 08:41 Brandt: yes, the 8.9 was September
12.11.2026 08:42 Studienteam: thx""")

# ---------------------------------------------------------------- derivation + checks
def age_range(p):
    if p.birth:
        b = dt.date.fromisoformat(p.birth)
        a = ASOF.year - b.year - ((ASOF.month, ASOF.day) < (b.month, b.day))
        return a, a
    nd, st = p.stated_age
    nd = dt.date.fromisoformat(nd)
    yrs = ASOF.year - nd.year - ((ASOF.month, ASOF.day) < (nd.month, nd.day))
    return st + yrs, st + yrs + 1


def age_label(p, lo, hi):
    a, b = age_range(p)
    if a >= lo and b <= hi:
        return "met"
    if b < lo or a > hi:
        return "not_met"
    return "unknown"


def latest(p, key):
    best = None
    for vis in p.visits:
        if key in vis.v and LOOKBACK <= vis.date <= ASOF:
            if best is None or vis.date > best.date:
                best = vis
    return best


def derive_labs(p):
    n, h = {}, {}

    def simple(key, lab, thr):
        vis = latest(p, key)
        n[lab] = "unknown" if vis is None else ("met" if vis.v[key] >= thr else "not_met")

    simple("lym", "lymph", 1.0)
    simple("wbc", "wbc", 3.0)
    simple("anc", "anc", 1.0)
    if n["anc"] == "met" and "gcsf" in p.flags:
        n["anc"] = "not_met"
    simple("hb", "hb", 60)
    for k in ("alt", "ast"):
        vis = latest(p, k)
        if vis is None:
            n[k] = "unknown"
        else:
            ok = vis.v[k] <= 3 * vis.v.get(k + "_uln", 40)
            n[k] = "met" if ok else ("manual" if "myositis" in p.flags else "not_met")
    vis = latest(p, "alt")
    h["x_alt"] = "unknown" if vis is None else ("met" if vis.v["alt"] > 2.5 * vis.v.get("alt_uln", 40) else "not_met")
    vis = latest(p, "tbil")
    if vis is None:
        n["tbil"] = "unknown"
    else:
        f = 3.0 if "gilbert" in p.flags else 1.5
        n["tbil"] = "met" if vis.v["tbil"] <= f * vis.v.get("tbil_uln", 21) else "not_met"
    for k, dflt in (("inr", 1.2), ("pt", 13.5)):
        vis = latest(p, k)
        n[k] = "unknown" if vis is None else ("met" if vis.v[k] <= 1.5 * vis.v.get(k + "_uln", dflt) else "not_met")
    # eGFR: stated, else Schwartz from latest creatinine + height within 365 days
    egfr = None
    vs, vc = latest(p, "egfr"), latest(p, "cr")
    if vs is not None:
        egfr = vs.v["egfr"]
    elif vc is not None and p.height and (ASOF - dt.date.fromisoformat(p.height[0])).days <= 365:
        egfr = 36.5 * p.height[1] / vc.v["cr"]
    if egfr is None:
        n["egfr"] = h["egfr"] = "unknown"
    else:
        n["egfr"] = "met" if egfr >= 30 else "manual"
        h["egfr"] = "met" if egfr >= 45 else "not_met"
    vis = latest(p, "upcr")
    h["upcr"] = None if vis is None else ("met" if vis.v["upcr"] * 113 >= 100 else "not_met")
    return n, h


def status(crit, excl_prefix="x_"):
    inc = {k: v for k, v in crit.items() if not k.startswith(excl_prefix)}
    exc = {k: v for k, v in crit.items() if k.startswith(excl_prefix)}
    if any(v == "not_met" for v in inc.values()) or any(v == "met" for v in exc.values()):
        return "ineligible"
    if all(v in ("met", "manual") for v in inc.values()) and all(v in ("not_met", "manual") for v in exc.values()):
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
    ids = [p.pid for p in PATIENTS]
    if ids != [f"P{i:03d}" for i in range(1, len(ids) + 1)]:
        errs.append("patient ids not P001.. in sequence")
    if len(PATIENTS) < 30:
        errs.append("fewer than 30 patients")
    nnotes = sum(len(p.notes) for p in PATIENTS)
    if nnotes < 100:
        errs.append(f"fewer than 100 notes ({nnotes})")
    for p in PATIENTS:
        for d, _, _ in p.notes:
            if dt.date.fromisoformat(d) > ASOF:
                errs.append(f"{p.pid} note after as-of")
        if set(p.nct) != set(NCT_KEYS) or set(p.ho) != set(HO_KEYS):
            errs.append(f"{p.pid} bad keys")
        for k, v in list(p.nct.items()) + list(p.ho.items()):
            if v not in STATUSES:
                errs.append(f"{p.pid} bad status {k}={v}")
        if not p.birth and not p.stated_age:
            errs.append(f"{p.pid} no age source")
        if p.nct["age"] != age_label(p, *NCT_AGE):
            errs.append(f"{p.pid} NCT age label {p.nct['age']} != {age_label(p, *NCT_AGE)}")
        if p.ho["age"] != age_label(p, *HO_AGE):
            errs.append(f"{p.pid} HO age label {p.ho['age']} != {age_label(p, *HO_AGE)}")
        if p.birth and int(p.pid[1:]) % 3 == 0:  # not structured -> DOB must be in a note
            b = dt.date.fromisoformat(p.birth)
            forms = {b.isoformat(), b.strftime("%d/%m/%Y"), b.strftime("%d-%m-%Y"), b.strftime("%d.%m.%Y")}
            if not any(f in t for _, _, t in p.notes for f in forms):
                errs.append(f"{p.pid} birth date neither structured nor in a note")
        if len(p.notes) < 3:
            errs.append(f"{p.pid} fewer than 3 notes")
        for vis in p.visits:
            if not vis.rendered:
                errs.append(f"{p.pid} visit {vis.date} never rendered")
        n, h = derive_labs(p)
        for k, v in n.items():
            if p.nct[k] != v:
                errs.append(f"{p.pid} NCT {k}: label {p.nct[k]} vs second look {v}")
        for k, v in h.items():
            if v is None:
                continue
            if p.ho[k] != v:
                errs.append(f"{p.pid} HO {k}: label {p.ho[k]} vs second look {v}")
        # refractory c: a UPCR in lookback below 0.5 must not be labelled met
        vis = latest(p, "upcr")
        if vis is not None and vis.v["upcr"] < 0.5 and p.nct["refractory"] == "met":
            errs.append(f"{p.pid} refractory met but latest UPCR < 0.5")
    return errs


def main():
    errs = check()
    if errs:
        print("SELF-CHECK FAILED, nothing written:")
        for e in errs:
            print("  " + e)
        sys.exit(1)
    notes, gold = [], []
    seen = set()
    for p in PATIENTS:
        for i, (d, ntype, text) in enumerate(sorted(p.notes, key=lambda x: x[0]), 1):
            nid = f"{p.pid}-{i:02d}"
            assert nid not in seen
            seen.add(nid)
            row = {"patient_id": p.pid, "note_id": nid, "note_date": d, "note_type": ntype, "text": text}
            if p.birth and int(p.pid[1:]) % 3 != 0:
                row["birth_date"] = p.birth
                row["sex"] = p.sex
            notes.append(row)
        for trial, crit, keys, dis in (("NCT06904729", p.nct, NCT_KEYS, ("sle", "biopsy", "refractory")),
                                       ("HO-LN-22", p.ho, HO_KEYS, ("sle", "biopsy", "upcr"))):
            c = {k: crit[k] for k in keys}
            st = status(c) if trial == "HO-LN-22" else status(c, excl_prefix="\0")
            gold.append({"trial": trial, "patient_id": p.pid, "status": st,
                         "relevance": relevance(st, c, dis), "criteria": c, "archetype": p.arch})
    with open(os.path.join(HERE, "notes.jsonl"), "w") as f:
        for r in notes:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "gold.jsonl"), "w") as f:
        for r in gold:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(PATIENTS)} patients, {len(notes)} notes, {len(gold)} gold rows")
    from collections import Counter
    for t in ("NCT06904729", "HO-LN-22"):
        print(t, Counter(g["status"] for g in gold if g["trial"] == t))


if __name__ == "__main__":
    main()
