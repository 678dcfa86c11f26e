#!/usr/bin/env python3
"""Hold-out 14 generator: paediatric lupus nephritis, anglophone Sub-Saharan Africa.

stdlib only. Note texts are written by hand below; lab blocks are rendered from
per-visit values by L() in several layouts. Criterion labels are written by hand
per patient (defaults + overrides); only overall status and relevance are derived.
The script checks itself and refuses to write anything if a check fails.
"""
import datetime as dt
import json
import os
import sys

AS_OF = dt.date(2026, 11, 20)
LOOKBACK = AS_OF - dt.timedelta(days=90)       # 2026-08-22
OUT = os.path.dirname(os.path.abspath(__file__))

NCT = "NCT06904729"
HO = "HO-LN-16"
NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo",
            "ana", "ecog"]
HO_INC = ["age", "sle", "biopsy", "upcr", "egfr", "adherence"]
HO_EXC = ["x_bcell", "x_cyc", "x_alt", "x_infection", "x_hiv_hbv", "x_preg"]
HO_KEYS = HO_INC + HO_EXC
STATUSES = {"met", "not_met", "unknown", "manual"}

NCT_DEFAULT = {k: "met" for k in NCT_KEYS}
NCT_DEFAULT.update(venous="manual", consent="manual", hemo="manual")
HO_DEFAULT = {k: "met" for k in HO_INC}
HO_DEFAULT.update(adherence="manual")
HO_DEFAULT.update({k: "not_met" for k in HO_EXC})

PATIENTS = []


class Pt:
    def __init__(self, pid, arch, birth=None, sex=None, stated=None, flags=()):
        self.pid, self.arch, self.birth, self.sex = pid, arch, birth, sex
        self.stated = stated            # (age, note_date, exact text) when no birth date
        self.flags = set(flags)
        self.notes, self.visits = [], []
        self.nct, self.ho = dict(NCT_DEFAULT), dict(HO_DEFAULT)
        PATIENTS.append(self)

    def n(self, date, ntype, text):
        self.notes.append((date, ntype, text.strip("\n")))

    def labels(self, nct=None, ho=None):
        for k in (nct or {}):
            assert k in NCT_KEYS, (self.pid, k)
        for k in (ho or {}):
            assert k in HO_KEYS, (self.pid, k)
        self.nct.update(nct or {})
        self.ho.update(ho or {})


# ---------------------------------------------------------------- lab rendering
BASE = dict(wbc=6.4, anc=3.9, lym=1.6, plt=245, hb=10.9, alt=(24, None), ast=(29, None),
            tbil=(7, "umol", None), cr=(48, "umol"), ht=146, inr=(1.0, None), pt=(12.6, None))


def d_fmt(date, style):
    d = dt.date.fromisoformat(date)
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    if style == "slash":
        return d.strftime("%d/%m/%Y")
    if style == "long":
        return f"{d.day} {months[d.month-1]} {d.year}"
    return f"{d.day} {months[d.month-1][:3]} {d.year}"


def cnt(v, cu):
    if cu == "k":
        return f"{v}k"
    if cu == "mm3":
        return f"{int(round(v*1000))}/mm3"
    if cu == "G":
        return f"{v} G/L"
    return f"{v} x10^9/L"


def hbs(v, hu):
    return f"{int(round(v*10))} g/L" if hu == "gl" else f"{v} g/dL"


def rng(uln, lo="0"):
    return f" (ref {lo}-{uln})" if uln is not None else ""


def L(p, date, layout="table", cu="e9", hu="gdl", **kw):
    """Render a lab block dated `date`, register the visit for the second-look check."""
    v = dict(kw)
    p.visits.append((date, v))
    parts = []  # (name, value text)
    if "wbc" in v: parts.append(("WBC", cnt(v["wbc"], cu)))
    if "anc" in v: parts.append(("Neutrophils (abs)", cnt(v["anc"], cu)))
    if "lym" in v: parts.append(("Lymphocytes (abs)", cnt(v["lym"], cu)))
    if "hb" in v: parts.append(("Hb", hbs(v["hb"], hu)))
    if "plt" in v: parts.append(("Platelets", cnt(v["plt"], cu)))
    if "alt" in v: parts.append(("ALT", f"{v['alt'][0]} U/L{rng(v['alt'][1], '5')}"))
    if "ast" in v: parts.append(("AST", f"{v['ast'][0]} U/L{rng(v['ast'][1], '5')}"))
    if "tbil" in v:
        val, u, uln = v["tbil"]
        unit = "umol/L" if u == "umol" else "mg/dL"
        parts.append(("Total bilirubin", f"{val} {unit}{rng(uln, '0.2' if u == 'mgdl' else '3')}"))
    if "cr" in v:
        val, u = v["cr"]
        parts.append(("Creatinine", f"{val} {'umol/L' if u == 'umol' else 'mg/dL'}"))
    if "ht" in v: parts.append(("Height", f"{v['ht']} cm"))
    if "egfr" in v: parts.append(("eGFR (bedside Schwartz)", f"{v['egfr']} mL/min/1.73m2"))
    if "inr" in v: parts.append(("INR", f"{v['inr'][0]}{rng(v['inr'][1], '0.8')}"))
    if "pt" in v: parts.append(("PT", f"{v['pt'][0]} s{rng(v['pt'][1], '11.0')}"))
    if "upcr" in v:
        val, u = v["upcr"]
        parts.append(("Urine protein:creatinine ratio",
                      f"{val} {dict(gg='g/g', mgmmol='mg/mmol', mgmg='mg/mg')[u]}"))
    if "p24" in v: parts.append(("24-h urine protein", f"{v['p24']} g/24h"))
    if layout == "table":
        head = f"LABORATORY REPORT  Sample date: {d_fmt(date, 'slash')}\n"
        return head + "\n".join(f"{a:<32}{b}" for a, b in parts)
    if layout == "private":
        head = (f"{kw.get('labname', 'PathCare Diagnostics (private)')}\n"
                f"Collected: {d_fmt(date, 'long')}\n")
        return head + "\n".join(f"  {a}: {b}" for a, b in parts)
    if layout == "chart":
        return (f"[Lab slip stapled to chart, dated {d_fmt(date, 'slash')}]\n"
                + "\n".join(f"{a} .... {b}" for a, b in parts))
    short = {"WBC": "WBC", "Neutrophils (abs)": "neut", "Lymphocytes (abs)": "lymph",
             "Hb": "Hb", "Platelets": "plt", "ALT": "ALT", "AST": "AST",
             "Total bilirubin": "T bili", "Creatinine": "creat", "Height": "ht",
             "eGFR (bedside Schwartz)": "eGFR", "INR": "INR", "PT": "PT",
             "Urine protein:creatinine ratio": "uPCR", "24-h urine protein": "24h urine prot"}
    body = ", ".join(f"{short[a]} {b}" for a, b in parts)
    if layout == "msg":
        return f"Bloods {d_fmt(date, 'slash')}: {body}"
    return f"Ix ({d_fmt(date, 'short')}): {body}."   # inline


def lab(**kw):
    d = dict(BASE)
    d.update(kw)
    return {k: x for k, x in d.items() if x is not None}


# =================================================================== PATIENTS
# ---------------------------------------------------------------- V001
p = Pt("V001", "eligible_both", birth="2012-05-14", sex="F")
p.n("2025-09-18", "clinic", """
LAGOS UNIVERSITY TEACHING HOSPITAL - PAEDIATRIC NEPHROLOGY CLINIC
Dear Dr Okonkwo,
Re: Adaeze N., DOB 14/05/2012
This girl has childhood-onset SLE with lupus nephritis, diagnosed in April 2025 (malar rash,
arthritis, nephrotic-range proteinuria). ANA 1:640 speckled, anti-dsDNA positive, low C3/C4.
Treatment: prednisolone since April 2025, mycophenolate mofetil (CellCept) 600 mg/m2 bd added in
June 2025. Hydroxychloroquine 200 mg daily.
Screening: HIV rapid test non-reactive, HBsAg negative, Mantoux 3 mm. Sickle-cell status AA.
Yours sincerely, Dr F. Bello, Registrar
""")
p.n("2026-07-02", "pathology", """
HISTOPATHOLOGY REPORT - RENAL BIOPSY (LUTH)
Specimen received 02/07/2026. 22 glomeruli.
Diagnosis: Lupus nephritis, ISN/RPS class IV-G (A), NIH activity index 11/24, chronicity 2/12.
""")
p.n("2026-10-28", "clinic", f"""
REGISTRAR CLERKING (SOAP) 28/10/2026
S: Puffy eyes persist. Mum confirms MMF and pred taken daily; no missed supply this quarter.
O: BP 128/84. Oedema ++. Lansky 80.
{L(p, "2026-10-28", "table", **lab(upcr=(2.1, "gg")))}
Lymphocyte subsets (flow cytometry): CD3 72%, CD19+ B cells 14% (224 cells/uL).
A: Active class IV LN, persistent nephrotic-range proteinuria after 18 months of prednisolone +
MMF. SLEDAI-2K 14.
P: Refer for CAR-T / trial screening. Consent discussion at next visit.
""")

# ---------------------------------------------------------------- V002
p = Pt("V002", "vr_letter_class_for", sex="M", stated=(14, "2026-10-06", "14-year-old boy"))
p.n("2025-03-20", "clinic", """
KORLE BU TEACHING HOSPITAL, ACCRA - Child Health, renal clinic
Lupus nephritis, SLE diagnosed Dec 2024 (ANA 1:320 homogeneous, dsDNA 340 IU/mL).
On prednisolone since January 2025. Today: start mycophenolate mofetil 500 mg bd (20/03/2025).
HIV non-reactive. HBsAg negative. Malaria RDT negative.
""")
p.n("2026-10-02", "lab", L(p, "2026-10-02", "table", hu="gl",
                           **lab(upcr=(2.4, "gg"), cr=(0.62, "mgdl"), ht=150)))
p.n("2026-10-06", "letter", """
[Dictated, not proofread]
Re: Kwame A., 14-year-old boy
Dear colleague thank you for seeing this young man with lupus nephritis. He had a repeat kidney
biopsy on the fourteenth of August twenty twenty six which showed class for lupus nephritis,
diffuse proliferative, I S N R P S class for G active, with no membranous component. He has been
on pred nisolone since January twenty twenty five and my co phenolate since March twenty twenty
five and despite this his you PCR remains two point four grams per gram on the second of October.
His SLEDAI 2K today is twelve. Flow cytometry showed see D19 positive B cells eleven percent.
Rich tux a mab was discussed with the family but was not given because of cost. Lansky ninety.
He is haemodynamically stable. Kind regards, Dr Mensah (dictated but not read)
""")

# ---------------------------------------------------------------- V003
p = Pt("V003", "dipstick_only", birth="2011-02-09", sex="F")
p.n("2025-08-12", "clinic", """
JARAMOGI OGINGA ODINGA TEACHING & REFERRAL HOSPITAL, KISUMU - paeds renal
HPC: 14 yo F, SLE since 2024 (ANA 1:1280), LN class IV on biopsy 2024.
DHx: prednisolone since 06/2024; MMF since 11/2024; HCQ.
Social: lives with grandmother, 40 km away; fare a problem.
""")
p.n("2026-03-10", "lab", L(p, "2026-03-10", "table", **lab(upcr=(1.2, "gg"))))
p.n("2026-06-30", "pathology", """
Renal biopsy report, 30 June 2026: Lupus nephritis ISN/RPS class IV + V (A/C). AI 8/24, CI 3/12.
""")
p.n("2026-10-20", "clinic", f"""
Review clinic 20/10/2026
Urinalysis (dipstick): protein +++, blood ++, leucocytes neg.
UPCR NOT DONE today - creatinine reagent out of stock in main lab. Repeat when available.
{L(p, "2026-10-20", "inline", cu="k", **lab())}
Flow: CD19+ B cells 9% of lymphocytes.
SLEDAI-2K 10. Lansky 80. Mantoux 4 mm, HIV negative.
Plan: continue MMF + pred. Recheck quantified urine protein next visit.
""")

# ---------------------------------------------------------------- V004
p = Pt("V004", "mmf_never_dispensed", sex="M", stated=(13, "2026-09-15", "13 yo M"))
p.n("2025-11-25", "clinic", """
ST MARY'S HOSPITAL LACOR, GULU - Paediatric ward round
New diagnosis SLE with renal involvement. ANA 1:1280, dsDNA strongly positive, C3 low.
Started prednisolone 2 mg/kg today (25/11/2025) and hydroxychloroquine. Renal biopsy to be arranged
at Mulago.
""")
p.n("2026-02-03", "clinic", """
OPD 03/02/2026. Still heavy proteinuria. MMF 600 mg/m2 bd PRESCRIBED today.
Pharmacy note (same day): MMF out of stock - NOT dispensed. Family cannot afford private pharmacy.
""")
p.n("2026-06-12", "pathology", """
MULAGO NRH HISTOPATHOLOGY. Renal core biopsy 12/06/2026.
Focal proliferative lupus nephritis, ISN/RPS class III (A). 14 glomeruli, 4 with segmental
endocapillary proliferation.
""")
p.n("2026-09-15", "clinic", f"""
HPC: 13 yo M with LN class III. Oedema, frothy urine.
PMH: SLE dx Nov 2025. Sickle screen AS (trait).
DHx: prednisolone 15 mg od (since 11/2025), HCQ 200 mg. MMF: never received - stock-out at
Lacor and regional store continues, family has not been able to buy it. Grandmother also gives a
herbal mixture.
O/E: BP 132/86, pitting oedema. Lansky 80.
Ix: {L(p, "2026-09-15", "msg", cu="k", **lab(upcr=(168, "mgmmol")))}
CD19+ B cells 15% (flow, Mulago).
SLEDAI-2K 12.
Imp: active LN, effectively on steroid monotherapy.
Plan: chase MMF supply; discuss referral.
""")

# ---------------------------------------------------------------- V005
p = Pt("V005", "mdt_plan_rtx_upcr_95", birth="2010-07-21", sex="F")
p.n("2025-10-15", "clinic", """
MUHIMBILI NATIONAL HOSPITAL, DAR ES SALAAM - Paediatric rheumatology
SLE with lupus nephritis. ANA 1:640. Prednisolone started 15/10/2025. IV cyclophosphamide
NIH protocol (monthly, 500-750 mg/m2) to begin November 2025.
""")
p.n("2026-06-10", "pathology", """
Renal biopsy, 10 June 2026: focal proliferative lupus nephritis with membranous features,
ISN/RPS class III + V. AI 6/24, CI 2/12.
""")
p.n("2026-10-09", "lab", L(p, "2026-10-09", "private", labname="Lancet Laboratories Tanzania (private)",
                           **lab(alt=(30, 35), ast=(27, 35), tbil=(9, "umol", 17),
                                 inr=(1.1, 1.2), pt=(13.0, 14.5), upcr=(95, "mgmmol"))))
p.n("2026-10-14", "mdt", """
RENAL-RHEUMATOLOGY MDT MINUTES - 14/10/2026
Patient: Neema J. (Muhimbili)
1. NIH cyclophosphamide: 6 pulses completed Nov 2025 - April 2026 (last pulse 16/04/2026).
2. Mycophenolate mofetil started 20/04/2026 as maintenance; prednisolone continues.
3. uPCR 95 mg/mmol on 09/10/2026 - partial response only, not in remission.
4. SLEDAI-2K 10 today. Lansky 70.
5. Flow cytometry 12/10/2026: CD19+ B cells 8.2%.
6. Plan to start rituximab if uPCR not below 50 mg/mmol at December review. Not yet given.
7. Refer for trial screening.
""")

# ---------------------------------------------------------------- V006
p = Pt("V006", "old_biopsy_requoted", birth="2013-01-05", sex="M")
p.n("2025-03-12", "pathology", """
UNIVERSITY TEACHING HOSPITAL LUSAKA - Renal pathology
Biopsy 12/03/2025: Lupus nephritis ISN/RPS class IV-G (A/C). AI 9/24, CI 3/12.
""")
p.n("2025-06-20", "clinic", """
UTH Children's Hospital. LN class IV. Prednisolone since March 2025. Euro-Lupus IV
cyclophosphamide 500 mg fortnightly x6 given April-June 2025 (pulse 4 delayed 1 week, all 6 given).
Plan MMF maintenance from July 2025.
""")
p.n("2026-10-30", "letter", f"""
REFERRAL LETTER 30 October 2026
Dear Professor,
I refer Mulenga, 13, with lupus nephritis. Renal biopsy: ISN/RPS class IV-G (A/C), AI 9/24,
CI 3/12 (biopsy of 12 March 2025 - no repeat biopsy since). Treated with prednisolone, Euro-Lupus
cyclophosphamide and MMF since 2025, with no renal remission.
{L(p, "2026-10-28", "table", cu="mm3", **lab(upcr=(1.6, "gg")))}
SLEDAI-2K 11. CD19+ B cells 10% (flow 28/10/2026). Lansky 80. ANA 1:320 (2025).
HIV negative, HBsAg negative.
""")

# ---------------------------------------------------------------- V007
p = Pt("V007", "transfused_then_low_hb", birth="2009-09-03", sex="F")
p.n("2025-12-01", "clinic", """
INKOSI ALBERT LUTHULI CENTRAL HOSPITAL, DURBAN - Paediatric nephrology
Known SLE / LN since June 2025, ANA 1:2560. Prednisone since 06/2025, MMF since 07/2025.
HIV ELISA negative. HBsAg negative.
""")
p.n("2026-07-20", "pathology", """
NHLS Anatomical Pathology. Renal biopsy 20/07/2026: diffuse proliferative lupus nephritis
(ISN/RPS class IV), active lesions, no significant chronicity.
""")
p.n("2026-09-30", "ward", f"""
Ward note 30/09/2026. Pale, tired. Autoimmune haemolysis suspected (DAT positive).
{L(p, "2026-09-30", "inline", **lab(hb=7.4))}
Transfused 2 units packed cells today. Tacrolimus 0.05 mg/kg bd added (started 30/09/2026).
""")
p.n("2026-11-02", "clinic", f"""
Clinic 02/11/2026. Post-transfusion Hb had risen to 9.6 on 01/10, but now falling again.
{L(p, "2026-11-02", "private", labname="Ampath Laboratories (private)",
    **lab(hb=5.6, alt=(31, 35), ast=(40, 35), upcr=(310, "mgmmol")))}
SLEDAI-2K 16. Lymphocyte subsets: CD19+ 17% (flow). Karnofsky 70.
Plan: urgent haematology review, consider re-transfusion.
""")

# ---------------------------------------------------------------- V008
p = Pt("V008", "sibling_sle_iga", sex="M", stated=(11, "2026-09-08", "11yo boy"))
p.n("2026-09-08", "referral", """
WhatsApp referral (UCH Ibadan paeds)
11yo boy, Ibadan.
Elder sister has SLE with lupus nephritis, on haemodialysis at UCH.
Now cola-coloured urine x 2 wks, dipstick blood +++ prot ++.
?LN like sister. Pls review.
""")
p.n("2026-09-25", "pathology", """
UCH Histopathology. Renal biopsy 25/09/2026: IgA nephropathy (Oxford MEST-C M1 E0 S0 T0 C0).
IF: IgA dominant mesangial deposits, C1q negative. No features of lupus nephritis.
""")
p.n("2026-10-05", "clinic", f"""
HPC: 11-year-old boy, haematuria. Family hx: sister - SLE/LN on HD.
Ix: ANA negative (HEp-2, <1:40). Anti-dsDNA negative. C3/C4 normal.
{L(p, "2026-10-05", "table", **lab(upcr=(0.6, "gg")))}
Imp: IgA nephropathy. SLE ruled out - does not meet 2019 EULAR/ACR classification (ANA entry
criterion negative).
Plan: ACE inhibitor. No immunosuppression given - treatment-naive. Lansky 100.
""")

# ---------------------------------------------------------------- V009
p = Pt("V009", "gcsf_before_anc", birth="2012-12-11", sex="F", flags=("gcsf",))
p.n("2025-08-05", "clinic", """
KOMFO ANOKYE TEACHING HOSPITAL, KUMASI
LN class IV diagnosed July 2025; ANA 1:640. Prednisolone from 05/08/2025; MMF from 12/08/2025.
Sickle-cell screen: AA. HIV non-reactive. HBsAg negative.
""")
p.n("2026-06-25", "pathology", """
Repeat renal biopsy 25/06/2026: lupus nephritis ISN/RPS class IV + V, AI 7/24, CI 2/12.
""")
p.n("2026-11-05", "ward", """
Admitted 05/11/2026 with neutropenia on routine FBC (ANC 0.4 x10^9/L). Afebrile, no focus of
infection, cultures negative - felt to be MMF-related marrow suppression. MMF held.
Filgrastim 5 mcg/kg SC given 05/11/2026 and 06/11/2026.
""")
p.n("2026-11-12", "clinic", f"""
Review 12/11/2026. Well. MMF restarted at lower dose.
{L(p, "2026-11-12", "table", **lab(anc=2.1, wbc=4.0, upcr=(1.3, "gg")))}
SLEDAI-2K 12. CD19+ B cells 6% on flow. Lansky 80.
""")

# ---------------------------------------------------------------- V010
p = Pt("V010", "rtx_cd19_depleted", birth="2010-04-30", sex="M")
p.n("2025-09-10", "clinic", """
NAKURU LEVEL 5 HOSPITAL - paediatric renal
SLE/LN (ANA 1:320). Prednisolone since 2024; IV cyclophosphamide NIH x6 in 2024-25; MMF since
03/2025. Persistent proteinuria.
""")
p.n("2026-06-02", "pathology", """
Renal biopsy (Kenyatta National Hospital) 02/06/2026: LN ISN/RPS class III (A/C).
""")
p.n("2026-07-15", "infusion", """
Day-care infusion record. Rituximab (Truxima biosimilar) 750 mg/m2 IV given 15/07/2026.
Second dose given 29/07/2026. No infusion reactions.
""")
p.n("2026-10-22", "clinic", f"""
SOAP 22/10/2026
S: Less oedema. O: BP 118/76. Lansky 90.
{L(p, "2026-10-22", "inline", **lab(upcr=(150, "mgmmol")))}
Lymphocyte subsets: CD19+ B cells 0% - depleted post rituximab.
A: LN, partial response. SLEDAI-2K 9.
P: continue MMF.
""")

# ---------------------------------------------------------------- V011
p = Pt("V011", "private_lab_uln", birth="2011-08-19", sex="F")
p.n("2025-10-02", "clinic", """
MBARARA REGIONAL REFERRAL HOSPITAL - paeds
SLE with LN. ANA 1:160. Prednisolone since 05/2025; tacrolimus since 07/2025.
HIV rapid test negative; HBsAg negative.
""")
p.n("2026-06-15", "pathology", """
Renal biopsy 15/06/2026: lupus nephritis ISN/RPS class IV-S (A).
""")
p.n("2026-06-18", "lab", L(p, "2026-06-18", "table", **lab(alt=(36, 45), ast=(33, 45))))
p.n("2026-10-26", "lab", L(p, "2026-10-26", "private", labname="Lancet Laboratories Uganda (private)",
                           **lab(alt=(110, 35), ast=(60, 32), tbil=(11, "umol", 21),
                                 inr=(1.0, 1.2), pt=(12.9, 14.0), upcr=(2.2, "gg"))))
p.n("2026-10-28", "clinic", """
Clinic 28/10/2026. Transaminases up on private lab (see report of 26/10). Took a traditional
herbal remedy for 2 weeks in October - stopped. No myositis: CK normal, no weakness.
SLEDAI-2K 10. CD19+ B cells 7% (flow). Lansky 80. Persistent proteinuria on tacrolimus + pred.
""")

# ---------------------------------------------------------------- V012
p = Pt("V012", "stated_age_ages_out", sex="F", stated=(17, "2025-09-01", "17yo F"))
p.n("2025-09-01", "referral", """
Msg to KCMC paeds renal
17yo F, Arusha. Known SLE since 2023 (ANA 1:640).
On pred + MMF. Swollen legs again.
?LN flare. Pls review.
""")
p.n("2026-06-24", "pathology", """
KCMC pathology. Renal biopsy 24/06/2026: lupus nephritis, ISN/RPS class IV-S (A), AI 10/24.
""")
p.n("2026-10-12", "clinic", f"""
S: Swelling persists. Prednisolone since 2023, mycophenolate since 2024 - taking regularly.
O: BP 136/88. Karnofsky 80.
{L(p, "2026-10-12", "table", cu="G", **lab(upcr=(1.7, "gg"), cr=(61, "umol"), ht=158))}
Flow: CD19+ 11%.
A: LN class IV, non-response to pred + MMF. SLEDAI-2K 13.
P: screen for trials.
""")

# ---------------------------------------------------------------- V013
p = Pt("V013", "dob_edge_mgdl_schwartz", birth="2007-11-30", sex="M")
p.n("2025-04-10", "clinic", """
NDOLA TEACHING HOSPITAL - adolescent clinic
SLE/LN. ANA 1:1280. Prednisolone since 01/2025. Euro-Lupus cyclophosphamide Feb-Apr 2025.
MMF from 06/2025 planned.
""")
p.n("2026-09-02", "pathology", """
Renal biopsy 02/09/2026: lupus nephritis class IV + V, AI 8/24, CI 5/12.
""")
p.n("2026-11-03", "clinic", f"""
Clinic 03/11/2026. On MMF since June 2025 + pred. Karnofsky 70.
{L(p, "2026-11-03", "table", hu="gl", **lab(cr=(2.1, "mgdl"), ht=162, upcr=(2.9, "gg")))}
SLEDAI-2K 12. CD19+ B cells 5%.
Height measured today 162 cm.
""")

# ---------------------------------------------------------------- V014
p = Pt("V014", "gilbert_egfr_low", birth="2010-02-14", sex="F", flags=("gilbert",))
p.n("2025-05-20", "clinic", """
RED CROSS WAR MEMORIAL CHILDREN'S HOSPITAL, CAPE TOWN
SLE/LN. ANA 1:640. Prednisone from 05/2025; MMF from 06/2025.
Known Gilbert syndrome (UGT1A1 homozygous), isolated unconjugated hyperbilirubinaemia.
""")
p.n("2026-08-30", "pathology", """
NHLS Groote Schuur. Renal biopsy 30/08/2026: LN ISN/RPS class IV-G (A/C), AI 9/24, CI 5/12.
""")
p.n("2026-10-19", "lab", L(p, "2026-10-19", "table",
                           **lab(tbil=(48, "umol", 21), cr=(210, "umol"), ht=138, egfr=24,
                                 upcr=(4.1, "gg"))))
p.n("2026-10-21", "clinic", """
Clinic 21/10/2026. Tacrolimus added 01/2026. Still nephrotic. SLEDAI-2K 14. Flow: CD19+ 18%.
Karnofsky 60. Renal impairment due to active lupus nephritis.
""")

# ---------------------------------------------------------------- V015
p = Pt("V015", "myositis_stale_sledai", birth="2011-06-06", sex="M", flags=("myositis",))
p.n("2026-05-10", "clinic", """
UNTH ENUGU - paeds rheum. SLE / myositis overlap, LN. ANA 1:1280.
Prednisolone since 08/2025, MMF since 10/2025. SLEDAI-2K 18 today.
""")
p.n("2026-06-01", "pathology", """
Renal biopsy 01/06/2026: focal proliferative LN, ISN/RPS class III (A).
""")
p.n("2026-10-15", "clinic", f"""
HPC: proximal weakness worse; inflammatory myositis active (CK 4200 U/L).
{L(p, "2026-10-15", "inline", **lab(alt=(160, 40), ast=(250, 40), upcr=(1.1, "gg")))}
CD19+ B cells 10%. Lansky 60. No SLEDAI scored today.
Imp: active myositis + persistent LN proteinuria.
""")

# ---------------------------------------------------------------- V016
p = Pt("V016", "vr_class_to", birth="2013-10-01", sex="F")
p.n("2025-07-14", "clinic", """
TAMALE TEACHING HOSPITAL. SLE diagnosed (ANA 1:640, dsDNA pos). Prednisolone from 14/07/2025.
MMF from 08/2025.
""")
p.n("2026-09-18", "lab", L(p, "2026-09-18", "table", **lab(upcr=(0.9, "gg"))))
p.n("2026-09-20", "letter", """
[Voice-recognition transcript, not checked]
Dear doctor, this twelve-year-old girl with lupus had a kidney biopsy on the second of September
twenty twenty six which showed class to lupus nephritis, mesangial proliferative only, with no
endocapillary or extra capillary proliferation and no membranous deposits. I S N R P S class to.
SLEDAI 2K eight. See D19 positive eight percent. Lansky eighty. We will continue my co phenolate.
""")

# ---------------------------------------------------------------- V017
p = Pt("V017", "hiv_ipt_not_active_tb", birth="2009-12-24", sex="M")
p.n("2024-11-02", "clinic", """
COAST GENERAL TEACHING & REFERRAL HOSPITAL, MOMBASA
Perinatally acquired HIV, on ART (TLD) since 2018, viral load suppressed (<50 copies/mL).
New SLE with LN (ANA 1:320). Prednisolone started 11/2024; MMF started 12/2024.
""")
p.n("2026-07-08", "pathology", """
Renal biopsy 08/07/2026: LN class IV-G (A), AI 10/24.
""")
p.n("2026-10-01", "clinic", f"""
HPC / PMH / DHx / O/E / Ix / Imp / Plan
HPC: well, oedema improving slowly.
PMH: HIV on TLD, VL undetectable Aug 2026. SLE/LN.
DHx: pred, MMF, TLD, cotrimoxazole prophylaxis.
O/E: no lymphadenopathy, chest clear. Lansky 80.
Ix: Mantoux 12 mm; GeneXpert (sputum) MTB not detected; CXR clear -> latent TB infection, no
active TB.
{L(p, "2026-10-01", "msg", cu="k", **lab(upcr=(1.5, "gg")))}
CD19+ 9%. SLEDAI-2K 10.
Imp: LN non-responding; LTBI.
Plan: isoniazid preventive therapy (6H) started 01/10/2026 with pyridoxine.
""")

# ---------------------------------------------------------------- V018
p = Pt("V018", "active_tb_no_flow", birth="2012-03-03", sex="F")
p.n("2025-06-01", "clinic", """
JINJA RRH. LN. Prednisolone since 05/2025; Euro-Lupus cyclophosphamide 06-08/2025; MMF from
09/2025. ANA 1:640.
""")
p.n("2026-06-18", "pathology", """
Renal biopsy 18/06/2026: lupus nephritis ISN/RPS class IV.
""")
p.n("2026-10-20", "ward", """
Admitted 20/10/2026: cough 3 weeks, night sweats, weight loss.
GeneXpert MTB detected, rifampicin resistance not detected. Active pulmonary TB.
Started RHZE (anti-TB therapy) 22/10/2026. MMF dose reduced.
""")
p.n("2026-11-10", "clinic", f"""
Clinic 10/11/2026. On TB treatment (intensive phase). Lansky 70.
{L(p, "2026-11-10", "table", **lab(upcr=(1.0, "gg")))}
SLEDAI-2K 9. Flow cytometry not available - machine down; CD19 not done.
""")

# ---------------------------------------------------------------- V019
p = Pt("V019", "pregnant", sex="F", stated=(17, "2026-11-10", "17y F"))
p.n("2025-04-05", "clinic", """
BUGANDO MEDICAL CENTRE, MWANZA. SLE with LN (ANA 1:1280). Prednisolone from 04/2025,
MMF from 05/2025.
""")
p.n("2026-06-30", "pathology", """
Renal biopsy 30/06/2026: ISN/RPS class III + V lupus nephritis.
""")
p.n("2026-11-10", "clinic", f"""
17y F. Urine hCG positive 02/11/2026, dating scan ~8 weeks gestation - pregnant.
MMF stopped 03/11/2026, azathioprine started. Mother also has SLE (for info).
{L(p, "2026-11-10", "inline", hu="gl", **lab(upcr=(1.4, "gg")))}
SLEDAI-2K 10. CD19+ 12%. Karnofsky 80. Persistent proteinuria.
""")

# ---------------------------------------------------------------- V020
p = Pt("V020", "cyc_stockout_last_pulse_aug", birth="2014-08-08", sex="M")
p.n("2026-01-20", "clinic", """
KITWE TEACHING HOSPITAL. New SLE/LN (ANA 1:640). Prednisolone from 20/01/2026.
MMF started 02/2026.
""")
p.n("2026-06-01", "pathology", """
Renal biopsy 01/06/2026: diffuse proliferative LN, ISN/RPS class IV-G. Non-response to MMF ->
switch to Euro-Lupus cyclophosphamide.
""")
p.n("2026-09-02", "chart", """
[Transcribed from handwritten district chart]
EURO-LUPUS IV CYCLOPHOSPHAMIDE 500 mg
Pulse 1  11/06/2026  given  Y [x] N [ ]
Pulse 2  25/06/2026  given  Y [x] N [ ]
Pulse 3  09/07/2026  given  Y [x] N [ ]
Pulse 4  23/07/2026  given  Y [x] N [ ]
Pulse 5  06/08/2026  given  Y [x] N [ ]
Pulse 6  20/08/2026  given  Y [ ] N [x]   - Endoxan out of stock
Signed: [illegible]
""")
p.n("2026-10-08", "mdt", f"""
MDT 08/10/2026
1. Pulse 6 rebooked for 08/10/2026 - still no stock; NOT given. Plan to complete when supply restored.
2. Prednisolone continues. SLEDAI-2K 11. Lansky 80.
3. Flow 06/10/2026: CD19+ B cells 13%.
4. {L(p, "2026-10-06", "msg", cu="k", **lab(upcr=(2.6, "gg")))}
5. Not in remission. Refer for trial screening.
""")

# ---------------------------------------------------------------- V021
p = Pt("V021", "handwritten_chart_gaps", birth="2010-11-11", sex="M")
p.n("2025-04-02", "clinic", """
CHRIS HANI BARAGWANATH - paeds renal
LN. Prednisone since 03/2025, MMF started 02/04/2025.
""")
p.n("2026-09-14", "chart", f"""
[Transcription of district hospital chart]
SLE: Y [x] N [ ]     Lupus nephritis: Y [x] N [ ]
Renal bx: done 07/2026 - class IV (report in file)
ANA: POS (titre [illegible])
SLEDAI: [illegible]
On pred Y [x]  MMF Y [x]  HCQ Y [x]
{L(p, "2026-09-14", "chart", **lab(upcr=(140, "mgmmol")))}
CD19: not done
Dr [illegible]
""")
p.n("2026-09-20", "clinic", """
Phone call with district: proteinuria ongoing, no remission on pred + MMF. Plan referral.
""")

# ---------------------------------------------------------------- V022
p = Pt("V022", "remission_stale_high_upcr", birth="2011-01-25", sex="F")
p.n("2025-02-14", "clinic", """
NATIONAL HOSPITAL ABUJA. LN class IV. Prednisolone since 01/2025; NIH cyclophosphamide
Feb-Jul 2025; MMF maintenance from 08/2025. ANA 1:320.
""")
p.n("2026-02-20", "lab", L(p, "2026-02-20", "table", **lab(upcr=(2.8, "gg"))))
p.n("2026-06-05", "pathology", """
Repeat renal biopsy 05/06/2026: lupus nephritis ISN/RPS class IV, activity much reduced
(AI 3/24), CI 2/12.
""")
p.n("2026-10-30", "clinic", f"""
SOAP 30/10/2026
O: no oedema, BP 104/66. Lansky 90.
{L(p, "2026-10-30", "table", **lab(upcr=(0.3, "gg")))}
A: complete renal remission. SLEDAI-2K 4. CD19+ 10%.
P: continue MMF.
""")

# ---------------------------------------------------------------- V023
p = Pt("V023", "treatment_naive_herbal", birth="2016-05-09", sex="M")
p.n("2026-09-28", "referral", """
Referral msg - Cape Coast TH
10yo boy. Puffy face x 1 yr.
Treated by herbalist for the past year (herbal mixture), no hospital meds.
Dipstick prot +++.
?LN. Pls review.
""")
p.n("2026-10-06", "pathology", """
Renal biopsy 06/10/2026: lupus nephritis ISN/RPS class IV-G (A). AI 13/24, CI 1/12.
""")
p.n("2026-10-08", "clinic", f"""
HPC: new SLE (ANA 1:1280, dsDNA +, C3 low). Previously untreated (treatment-naive).
Started IV methylprednisolone pulses 08/10/2026, then oral prednisolone + MMF.
{L(p, "2026-10-08", "inline", **lab(upcr=(420, "mgmmol")))}
SLEDAI-2K 20. CD19+ 25%. Lansky 70.
HIV non-reactive, HBsAg negative, malaria RDT negative.
""")

# ---------------------------------------------------------------- V024
p = Pt("V024", "too_young_nct", birth="2021-03-02", sex="F")
p.n("2026-04-01", "clinic", """
MOI TEACHING & REFERRAL HOSPITAL, ELDORET. Very early-onset SLE with LN (ANA 1:640).
Prednisolone + MMF started 01/04/2026.
""")
p.n("2026-06-12", "pathology", """
Renal biopsy 12/06/2026: lupus nephritis ISN/RPS class IV-S (A).
""")
p.n("2026-10-25", "clinic", f"""
Clinic 25/10/2026. Still nephrotic.
{L(p, "2026-10-25", "table", **lab(ht=108, cr=(30, "umol"), upcr=(3.4, "gg")))}
SLEDAI-2K 16. CD19+ 30%. Lansky 80.
""")

# ---------------------------------------------------------------- V025
p = Pt("V025", "too_old_both", sex="M", stated=(22, "2026-09-09", "22-year-old man"))
p.n("2026-07-21", "pathology", """
FORT PORTAL RRH / Mulago. Renal biopsy 21/07/2026: LN ISN/RPS class IV.
""")
p.n("2026-09-09", "clinic", """
Adult nephrology. 22-year-old man with SLE since age 15 (ANA 1:320), LN class IV.
Prednisolone since 2020, MMF since 2021. SLEDAI-2K 12. ECOG 1. Persistent proteinuria.
""")
p.n("2026-10-14", "lab", L(p, "2026-10-14", "table", **lab(ht=170, cr=(80, "umol"), upcr=(1.9, "gg"))))

# ---------------------------------------------------------------- V026
p = Pt("V026", "stale_everything", birth="2012-09-17", sex="F")
p.n("2025-12-01", "clinic", """
DODOMA RRH. LN. ANA 1:320. Prednisolone since 11/2025, MMF since 12/2025.
""")
p.n("2026-06-08", "pathology", """
Renal biopsy 08/06/2026: lupus nephritis ISN/RPS class IV.
""")
p.n("2026-06-10", "clinic", f"""
{L(p, "2026-06-10", "table", **lab(upcr=(2.0, "gg")))}
SLEDAI-2K 14. CD19+ 12%. Lansky 80.
""")
p.n("2026-10-30", "phone", """
Telephone 30/10/2026: mother reports family relocated to a village; no bloods since June.
Child well, taking medicines when available.
""")

# ---------------------------------------------------------------- V027
p = Pt("V027", "poor_venous_access", birth="2009-05-30", sex="F")
p.n("2025-08-18", "clinic", """
LIVINGSTONE TH. LN. ANA 1:640. Prednisolone since 2024, MMF since 2025, tacrolimus added 08/2025.
""")
p.n("2026-07-30", "pathology", """
Renal biopsy 30/07/2026: LN class IV + V.
""")
p.n("2026-10-16", "ward", f"""
Ward 16/10/2026. Extremely difficult venous access: 6 failed cannulation attempts, ultrasound-
guided femoral line needed; peripheral veins thrombosed. Poor venous access - not suitable for
peripheral apheresis.
{L(p, "2026-10-16", "table", **lab(upcr=(1.8, "gg")))}
SLEDAI-2K 12. CD19+ 8%. Karnofsky 80.
""")

# ---------------------------------------------------------------- V028
p = Pt("V028", "septic_shock", birth="2011-12-01", sex="M")
p.n("2025-09-01", "clinic", """
STEVE BIKO ACADEMIC HOSPITAL, PRETORIA. LN. Prednisone since 06/2025, Euro-Lupus CYC 07-09/2025,
MMF since 10/2025. ANA 1:1280.
""")
p.n("2026-06-20", "pathology", """
Renal biopsy 20/06/2026: LN ISN/RPS class IV-G (A).
""")
p.n("2026-11-08", "picu", f"""
PICU admission 08/11/2026: septic shock (Klebsiella bacteraemia). Adrenaline infusion, IV meropenem.
{L(p, "2026-11-08", "table", **lab(wbc=18.2, anc=16.1, hb=8.0, alt=(90, None), ast=(150, 40)))}
Lansky 30.
""")
p.n("2026-11-14", "picu", f"""
PICU day 6: still on noradrenaline infusion, on IV meropenem. SLEDAI-2K 18. Flow: CD19+ 14%.
{L(p, "2026-11-13", "msg", cu="k", wbc=15.0, anc=12.9, lym=1.1, hb=8.4, upcr=(3.0, "gg"))}
Persistent nephrotic-range proteinuria.
""")

# ---------------------------------------------------------------- V029
p = Pt("V029", "no_height_24h_no_coag", birth="2012-01-17", sex="F")
p.n("2025-10-12", "clinic", """
UPTH PORT HARCOURT. SLE/LN, ANA 1:160. Prednisolone and MMF started 12/10/2025.
""")
p.n("2026-08-26", "pathology", """
Renal biopsy 26/08/2026: focal proliferative LN, ISN/RPS class III (A).
""")
p.n("2026-10-10", "lab", L(p, "2026-10-10", "table",
                           **lab(cr=(0.9, "mgdl"), ht=None, inr=None, pt=None, p24=2.4)))
p.n("2026-10-12", "letter", """
[Dictated letter, voice recognition]
Thank you for seeing this girl with lupus nephritis class three. Her twenty four hour urine
protein was two point four grams on the tenth of October despite pred nisolone and my co phenolate
for a year. SLEDAI 2K ten. CD 19 positive seven percent. Lansky eighty.
""")

# ---------------------------------------------------------------- V030
p = Pt("V030", "hbss_low_hb_past_malaria", birth="2013-04-04", sex="M")
p.n("2025-07-07", "clinic", """
TEMA GENERAL HOSPITAL. Sickle cell disease (HbSS) with SLE/LN (ANA 1:640).
Prednisolone from 07/2025; MMF from 08/2025.
""")
p.n("2026-06-03", "clinic", """
Fever. Malaria RDT positive. Artemether-lumefantrine given. MMF out of stock March-May 2026,
restarted June 2026.
""")
p.n("2026-07-22", "pathology", """
Renal biopsy 22/07/2026: LN class IV-S (A).
""")
p.n("2026-11-10", "clinic", f"""
Review 10/11/2026. Afebrile. Malaria RDT negative. No current infection.
{L(p, "2026-11-10", "inline", **lab(hb=6.4, upcr=(1.2, "gg")))}
(Hb at usual HbSS baseline 6-7 g/dL.) SLEDAI-2K 10. CD19+ 16%. Lansky 70.
""")

# ---------------------------------------------------------------- V031
p = Pt("V031", "hbsag_cytopenia_coag", birth="2010-10-10", sex="F")
p.n("2025-05-05", "clinic", """
KERICHO COUNTY REFERRAL HOSPITAL. SLE/LN (ANA 1:320). Prednisolone and MMF since 05/2025.
HBsAg POSITIVE - tenofovir prophylaxis started.
""")
p.n("2026-07-01", "pathology", """
Renal biopsy 01/07/2026: LN ISN/RPS class IV.
""")
p.n("2026-11-06", "lab", L(p, "2026-11-06", "private", labname="Pathologists Lancet Kenya (private)",
                           **lab(wbc=2.6, anc=1.5, lym=0.7, inr=(1.9, 1.2), pt=(22.0, 14.0),
                                 upcr=(1.9, "gg"))))
p.n("2026-11-09", "clinic", """
Clinic 09/11/2026. SLEDAI-2K 12. CD19+ 10%. Lansky 80. Persistent proteinuria.
""")

# ---------------------------------------------------------------- V032
p = Pt("V032", "old_rtx_outside_washout", birth="2011-03-15", sex="M")
p.n("2025-03-01", "clinic", """
LIRA RRH. LN. Prednisolone since 2024, NIH cyclophosphamide 2024, MMF since 01/2025. ANA 1:640.
""")
p.n("2025-09-05", "infusion", """
Rituximab (MabThera) 375 mg/m2 IV given 05/09/2025; second dose 12/09/2025.
""")
p.n("2026-07-07", "pathology", """
Renal biopsy 07/07/2026: LN ISN/RPS class IV-G (A).
""")
p.n("2026-10-27", "letter", f"""
[Dictated, voice recognition, unedited]
This boy had rich tux a mab last in September twenty twenty five and his B cells have recovered:
see D19 positive B cells nine percent. His you PCR is one point eight grams per gram.
SLEDAI 2K eleven. Lansky eighty.
{L(p, "2026-10-26", "table", **lab(upcr=(1.8, "gg")))}
""")

# ---------------------------------------------------------------- V033
p = Pt("V033", "uncertain_sle", birth="2014-02-20", sex="F")
p.n("2026-10-25", "referral", """
Msg - Moshi
12yo F. ?SLE ?LN flare.
Joint pains, facial rash. Dipstick prot ++.
Hb 9.8, plt 110k.
ANA sent, pending.
Pls review.
""")
p.n("2026-11-02", "clinic", f"""
Clinic 02/11/2026. Possible SLE - awaiting ANA and complement. Renal biopsy not yet done.
{L(p, "2026-11-02", "table", **lab(hb=9.8, plt=110))}
""")

# ---------------------------------------------------------------- V034
p = Pt("V034", "sledai_low_lymphopenia", birth="2010-06-30", sex="M")
p.n("2026-03-05", "pathology", """
CHIPATA CGH / UTH. Renal biopsy 05/03/2026: LN ISN/RPS class III (A).
""")
p.n("2026-03-10", "clinic", """
SLEDAI-2K 16. Prednisolone since 06/2025; tacrolimus since 09/2025. ANA 1:320.
""")
p.n("2026-09-12", "ward", """
Day ward 12/09/2026: IV cyclophosphamide 500 mg single pulse given for flare.
""")
p.n("2026-10-21", "clinic", f"""
{L(p, "2026-10-21", "table", **lab(lym=0.6, upcr=(1.0, "gg")))}
SLEDAI-2K 6. CD19+ 4%. Lansky 80. Persistent proteinuria.
""")

# ---------------------------------------------------------------- V035
p = Pt("V035", "pure_class_v_high_bili", birth="2009-08-08", sex="F")
p.n("2025-11-01", "clinic", """
UNIVERSITAS ACADEMIC HOSPITAL, BLOEMFONTEIN. SLE/LN, ANA 1:640. Prednisone and MMF since 10/2025.
""")
p.n("2026-08-05", "pathology", """
Renal biopsy 05/08/2026: membranous lupus nephritis, ISN/RPS class V. No proliferative lesions.
""")
p.n("2026-10-29", "lab", L(p, "2026-10-29", "table", **lab(tbil=(2.4, "mgdl", 1.2), upcr=(2.2, "gg"))))
p.n("2026-11-02", "clinic", """
SLEDAI-2K 8. CD19+ 11%. Karnofsky 80. Persistent proteinuria. HIV negative, HBsAg negative.
""")


# =================================================================== LABELS
LAB_UNK = dict(lymph="unknown", wbc="unknown", anc="unknown", hb="unknown", alt="unknown",
               ast="unknown", tbil="unknown", egfr="unknown", inr="unknown", pt="unknown")
BY = {p.pid: p for p in PATIENTS}
BY["V001"].labels()
BY["V002"].labels()
BY["V003"].labels(nct=dict(refractory="unknown"), ho=dict(upcr="unknown"))
BY["V004"].labels(nct=dict(refractory="unknown"))
BY["V005"].labels(ho=dict(upcr="not_met"))
BY["V006"].labels(nct=dict(biopsy="unknown"), ho=dict(biopsy="unknown"))
BY["V007"].labels(nct=dict(hb="not_met"))
BY["V008"].labels(nct=dict(sle="not_met", biopsy="not_met", sledai="unknown", refractory="not_met",
                           cd19="unknown", ana="not_met"),
                  ho=dict(sle="not_met", biopsy="not_met", upcr="not_met"))
BY["V009"].labels(nct=dict(anc="not_met"))
BY["V010"].labels(nct=dict(cd19="not_met"), ho=dict(x_bcell="met"))
BY["V011"].labels(nct=dict(alt="not_met"), ho=dict(x_alt="met"))
BY["V012"].labels(nct=dict(age="unknown"))
BY["V013"].labels(ho=dict(egfr="not_met"))
BY["V014"].labels(nct=dict(egfr="manual"), ho=dict(egfr="not_met"))
BY["V015"].labels(nct=dict(sledai="unknown", alt="manual", ast="manual"), ho=dict(x_alt="met"))
BY["V016"].labels(nct=dict(biopsy="not_met"), ho=dict(biopsy="not_met"))
BY["V017"].labels(ho=dict(x_hiv_hbv="met"))
BY["V018"].labels(nct=dict(cd19="unknown"), ho=dict(x_infection="met"))
BY["V019"].labels(ho=dict(x_preg="met"))
BY["V020"].labels()
BY["V021"].labels(nct=dict(sledai="unknown", cd19="unknown", ana="unknown", ecog="unknown"))
BY["V022"].labels(nct=dict(sledai="not_met", refractory="not_met"), ho=dict(upcr="not_met"))
BY["V023"].labels(nct=dict(refractory="not_met"))
BY["V024"].labels(nct=dict(age="not_met"))
BY["V025"].labels(nct=dict(age="not_met", cd19="unknown"), ho=dict(age="not_met"))
BY["V026"].labels(nct=dict(sledai="unknown", refractory="unknown", cd19="unknown", ecog="unknown",
                           **LAB_UNK),
                  ho=dict(upcr="unknown", egfr="unknown", x_alt="unknown"))
BY["V027"].labels(nct=dict(venous="not_met"))
BY["V028"].labels(nct=dict(ast="not_met", hemo="not_met", ecog="not_met"),
                  ho=dict(x_infection="met", upcr="met"))
BY["V029"].labels(nct=dict(egfr="unknown", inr="unknown", pt="unknown"),
                  ho=dict(upcr="unknown", egfr="unknown"))
BY["V030"].labels()
BY["V031"].labels(nct=dict(wbc="not_met", lymph="not_met", inr="not_met", pt="not_met"),
                  ho=dict(x_hiv_hbv="met"))
BY["V032"].labels()
BY["V033"].labels(nct=dict(sle="unknown", biopsy="unknown", sledai="unknown", refractory="unknown",
                           cd19="unknown", ana="unknown", ecog="unknown"),
                  ho=dict(sle="unknown", biopsy="unknown", upcr="unknown"))
BY["V034"].labels(nct=dict(biopsy="unknown", sledai="not_met", lymph="not_met"), ho=dict(x_cyc="met"))
BY["V035"].labels(nct=dict(biopsy="not_met", tbil="not_met"), ho=dict(biopsy="not_met"))


# =================================================================== DERIVED
def status(labels, inc, exc):
    if any(labels[k] == "not_met" for k in inc) or any(labels[k] == "met" for k in exc):
        return "ineligible"
    if all(labels[k] in ("met", "manual") for k in inc) and \
            all(labels[k] in ("not_met", "manual") for k in exc):
        return "eligible"
    return "possible"


def relevance(st, labels, core):
    if st == "eligible":
        return 3
    if st == "possible":
        return 2 if all(labels[k] == "met" for k in core) else 1
    return 0


# =================================================================== CHECKS
ERR = []


def chk(cond, msg):
    if not cond:
        ERR.append(msg)


def age_at(birth, on):
    b = dt.date.fromisoformat(birth)
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def age_label(lo_age, hi_age, lo, hi):
    if lo <= lo_age and hi_age <= hi:
        return "met"
    if hi_age < lo or lo_age > hi:
        return "not_met"
    return "unknown"


def to_gg(val, unit):
    return {"gg": val, "mgmg": val, "mgmmol": val / 113.0}[unit]


def second_look(p):
    """Re-derive numeric lab labels from each patient's latest visit in the lookback."""
    inwin = sorted((v for v in p.visits if LOOKBACK <= dt.date.fromisoformat(v[0]) <= AS_OF),
                   key=lambda v: v[0])

    def latest(key):
        for d, v in reversed(inwin):
            if key in v:
                return d, v
        return None, None

    exp_n, exp_h = {}, {}
    for key, lab_key, thr in (("lymph", "lym", 1.0), ("wbc", "wbc", 3.0), ("anc", "anc", 1.0)):
        d, v = latest(lab_key)
        exp_n[key] = "unknown" if v is None else ("met" if v[lab_key] >= thr else "not_met")
    if "gcsf" in p.flags and exp_n["anc"] == "met":
        exp_n["anc"] = "not_met"
    d, v = latest("hb")
    exp_n["hb"] = "unknown" if v is None else ("met" if v["hb"] * 10 >= 60 else "not_met")
    for key in ("alt", "ast"):
        d, v = latest(key)
        if v is None:
            exp_n[key] = "unknown"
        else:
            val, uln = v[key]
            ok = val <= 3 * (uln or 40)
            exp_n[key] = "met" if ok else ("manual" if "myositis" in p.flags else "not_met")
    d, v = latest("alt")
    if v is None:
        exp_h["x_alt"] = "unknown"
    else:
        val, uln = v["alt"]
        exp_h["x_alt"] = "met" if val > 2.5 * (uln or 40) else "not_met"
    d, v = latest("tbil")
    if v is None:
        exp_n["tbil"] = "unknown"
    else:
        val, u, uln = v["tbil"]
        umol = val if u == "umol" else val * 17.1
        uln_umol = (uln if u == "umol" else uln * 17.1) if uln else 21
        k = 3.0 if "gilbert" in p.flags else 1.5
        exp_n["tbil"] = "met" if umol <= k * uln_umol + 1e-9 else "not_met"
    # eGFR: stated, or Schwartz from latest creatinine + height (same visit here)
    egfr = None
    for d, v in reversed(inwin):
        if "egfr" in v:
            egfr = v["egfr"]
            break
        if "cr" in v:
            if "ht" in v:
                val, u = v["cr"]
                mgdl = val if u == "mgdl" else val / 88.4
                egfr = 0.413 * v["ht"] / mgdl
            break
    exp_n["egfr"] = "unknown" if egfr is None else ("met" if egfr >= 30 else "manual")
    exp_h["egfr"] = "unknown" if egfr is None else ("met" if egfr >= 45 else "not_met")
    for key, dflt in (("inr", 1.2), ("pt", 13.5)):
        d, v = latest(key)
        if v is None:
            exp_n[key] = "unknown"
        else:
            val, uln = v[key]
            exp_n[key] = "met" if val <= 1.5 * (uln or dflt) + 1e-9 else "not_met"
    d, v = latest("upcr")
    exp_h["upcr"] = "unknown" if v is None else \
        ("met" if to_gg(*v["upcr"]) * 113 >= 100 - 1e-9 else "not_met")
    return exp_n, exp_h


def run_checks():
    ids = [p.pid for p in PATIENTS]
    chk(ids == [f"V{i:03d}" for i in range(1, len(ids) + 1)], "patient ids not V001.. in order")
    chk(len(PATIENTS) >= 30, "fewer than 30 patients")
    notes = [(p, n) for p in PATIENTS for n in p.notes]
    chk(len(notes) >= 100, f"fewer than 100 notes ({len(notes)})")
    for p in PATIENTS:
        chk(len(p.notes) >= 2, f"{p.pid}: fewer than 2 notes")
        for d, t, txt in p.notes:
            chk(dt.date.fromisoformat(d) < AS_OF, f"{p.pid}: note {d} not before as-of")
            chk(len(txt) > 20, f"{p.pid}: empty note")
        for d, _ in p.visits:
            chk(dt.date.fromisoformat(d) < AS_OF, f"{p.pid}: visit {d} after as-of")
        # label keys / statuses
        chk(list(p.nct) == NCT_KEYS, f"{p.pid}: NCT keys")
        chk(list(p.ho) == HO_KEYS, f"{p.pid}: HO keys")
        for k, s in list(p.nct.items()) + list(p.ho.items()):
            chk(s in STATUSES, f"{p.pid}: bad status {k}={s}")
        chk(p.nct["consent"] == "manual", f"{p.pid}: consent must be manual")
        chk(p.nct["venous"] in ("manual", "not_met"), f"{p.pid}: venous")
        chk(p.nct["hemo"] in ("manual", "not_met"), f"{p.pid}: hemo")
        chk(p.ho["adherence"] == "manual", f"{p.pid}: adherence must be manual")
        # age
        if p.birth:
            a = age_at(p.birth, AS_OF)
            lo = hi = a
        else:
            chk(p.stated is not None, f"{p.pid}: no age source")
            age, nd, txt = p.stated
            chk(any(d == nd and txt in t for d, _, t in p.notes), f"{p.pid}: stated age text missing")
            yrs = age_at(nd, AS_OF)
            lo, hi = age + yrs, age + yrs + 1
        chk(p.nct["age"] == age_label(lo, hi, 6, 18), f"{p.pid}: NCT age label vs {lo}-{hi}")
        chk(p.ho["age"] == age_label(lo, hi, 5, 21), f"{p.pid}: HO age label vs {lo}-{hi}")
        # second look at numeric labs
        en, eh = second_look(p)
        for k, s in en.items():
            chk(p.nct[k] == s, f"{p.pid}: NCT {k} labelled {p.nct[k]}, second look {s}")
        for k, s in eh.items():
            chk(p.ho[k] == s, f"{p.pid}: HO {k} labelled {p.ho[k]}, second look {s}")
    # coverage: each NCT criterion gets met/not_met/unknown where the guideline allows
    allowed_missing = {"venous": {"met", "unknown"}, "consent": {"met", "not_met", "unknown"},
                       "hemo": {"met", "unknown"}, "egfr": {"not_met"}}
    for k in NCT_KEYS:
        seen = {p.nct[k] for p in PATIENTS}
        need = {"met", "not_met", "unknown"} - allowed_missing.get(k, set())
        if k in ("venous", "consent", "hemo"):
            need = need | {"manual"}
        chk(need <= seen, f"coverage NCT {k}: missing {need - seen}")
    return ERR


# =================================================================== OUTPUT
def main():
    errs = run_checks()
    if errs:
        print("REFUSING TO WRITE - checks failed:")
        for e in errs:
            print("  " + e)
        sys.exit(1)
    note_rows, gold = [], []
    for p in PATIENTS:
        for i, (d, t, txt) in enumerate(sorted(p.notes, key=lambda n: n[0]), 1):
            row = {"patient_id": p.pid, "note_id": f"{p.pid}-{i:02d}", "note_date": d,
                   "note_type": t, "text": txt}
            if p.birth:
                row["birth_date"] = p.birth
                row["sex"] = p.sex
            note_rows.append(row)
        st = status(p.nct, NCT_KEYS, [])
        gold.append({"trial": NCT, "patient_id": p.pid, "status": st,
                     "relevance": relevance(st, p.nct, ["sle", "biopsy", "refractory"]),
                     "criteria": dict(p.nct), "archetype": p.arch})
        st = status(p.ho, HO_INC, HO_EXC)
        gold.append({"trial": HO, "patient_id": p.pid, "status": st,
                     "relevance": relevance(st, p.ho, ["sle", "biopsy", "upcr"]),
                     "criteria": dict(p.ho), "archetype": p.arch})
    nids = [r["note_id"] for r in note_rows]
    if len(set(nids)) != len(nids):
        print("REFUSING TO WRITE - duplicate note ids")
        sys.exit(1)
    with open(os.path.join(OUT, "notes.jsonl"), "w") as f:
        for r in note_rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "gold.jsonl"), "w") as f:
        for g in gold:
            f.write(json.dumps(g) + "\n")
    from collections import Counter
    print(f"patients {len(PATIENTS)}, notes {len(note_rows)}, gold rows {len(gold)}")
    for tr in (NCT, HO):
        print(tr, dict(Counter(g["status"] for g in gold if g["trial"] == tr)))


if __name__ == "__main__":
    main()
