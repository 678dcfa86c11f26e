"""Write hold-out 8 (notes.jsonl, gold.jsonl): paediatric nephrology / rheumatology
letters from Germany, Austria, Switzerland, the Netherlands and Scandinavia.

Stdlib only, deterministic. Note texts are hand-written below (lab blocks are
rendered from one set of values per visit by small helpers, in the local lab's
layout and units). Criterion labels are hand-written per patient as defaults plus
overrides; only the overall status and the relevance are derived (GUIDELINE.md).
The script checks itself before writing: unique ids, every note before the as-of,
structured birth dates / stated ages agree with the age labels.

Run:  python3 tests/data/holdout8/make_holdout8.py
"""
# The note texts are data: their lines keep the width the letters were written in.
# ruff: noqa: E501

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 20)

NCT_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent",
            "lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt",
            "hemo", "ana", "ecog"]
NCT_EXCL: list[str] = []
HO_KEYS = ["age", "sle", "biopsy", "upcr", "egfr", "plt", "alt", "consent",
           "x_rtx", "x_cyc", "x_preg", "x_infect", "x_tx", "x_igg"]

# Defaults: the fully eligible patient. Every patient below overrides only what differs.
NCT_DEFAULT = {k: "met" for k in NCT_KEYS} | {"venous": "manual", "consent": "manual",
                                               "hemo": "manual"}
HO_DEFAULT = {k: ("not_met" if k.startswith("x_") else "met") for k in HO_KEYS} | {
    "consent": "manual"}

# Relevance "disease criteria": NCT06904729 items 2, 3, 5 (GUIDELINE.md); HO-LN-10 sle, biopsy.
DISEASE = {"NCT06904729": ("sle", "biopsy", "refractory"), "HO-LN-10": ("sle", "biopsy")}


# ----------------------------------------------------------------------------- helpers
def comma(x: float, nd: int = 1) -> str:
    """Decimal comma, as German / Dutch / Nordic labs print it (11,8)."""
    return f"{x:.{nd}f}".replace(".", ",")


def thousands_point(n: int) -> str:
    """1420 -> '1.420' (German thousands separator)."""
    return f"{n:,}".replace(",", ".")


def dde(d: str) -> str:
    y, m, dd = d.split("-")
    return f"{dd}.{m}.{y}"


def schwartz(height_cm: float, krea_umol: float) -> int:
    return round(36.5 * height_cm / krea_umol)


NORMAL = dict(hb=121, wbc=5.8, anc=3.6, lymph=1.3, plt=238, alt=24, ast=29, bili=7,
              krea=52, inr=1.02, pt=12.4, igg=9.4, upcr=1.35)


def labs(**over) -> dict:
    v = dict(NORMAL)
    v.update(over)
    return v


def _flag(x, lo, hi):
    if x is None:
        return ""
    if lo is not None and x < lo:
        return "L"
    if hi is not None and x > hi:
        return "H"
    return ""


def de_table(day: str, v: dict, alt_uln: int = 35, ast_uln: int = 40,
             shown_day: str | None = None) -> str:
    """German lab table with Referenzbereich and flags; mg/dl, G/l, mg/g Krea.
    A value None prints 'n.b.' (nicht bestimmt); a key in v['omit'] prints no row."""
    omit = v.get("omit", ())
    rows = []

    def row(key, name, fmt, unit, ref, lo, hi):
        if key in omit:
            return
        x = v.get(key)
        if x is None:
            rows.append(f"{name:<34}{'n.b.':>9}  {unit:<10}{ref}".rstrip())
            return
        shown, cmp = fmt(x)
        rows.append(f"{name:<34}{shown:>9}  {unit:<10}{ref:<17}{_flag(cmp, lo, hi)}".rstrip())

    row("hb", "Hämoglobin", lambda x: (comma(x / 10), x / 10), "g/dl", "11,5-15,5", 11.5, 15.5)
    row("wbc", "Leukozyten", lambda x: (comma(x), x), "G/l", "4,5-13,5", 4.5, 13.5)
    row("anc", "Neutrophile Granulozyten abs.", lambda x: (comma(x, 2), x), "G/l", "1,80-8,00",
        1.8, 8.0)
    row("lymph", "Lymphozyten abs.", lambda x: (comma(x, 2), x), "G/l", "1,20-5,20", 1.2, 5.2)
    row("plt", "Thrombozyten", lambda x: (str(x), x), "G/l", "150-450", 150, 450)
    row("alt", "GPT (ALT)", lambda x: (str(x), x), "U/l", f"<{alt_uln}", None, alt_uln)
    row("ast", "GOT (AST)", lambda x: (str(x), x), "U/l", f"<{ast_uln}", None, ast_uln)
    row("bili", "Bilirubin gesamt", lambda x: (comma(x / 17.1, 2), x / 17.1), "mg/dl", "<1,20",
        None, 1.2)
    row("krea", "Kreatinin (enzym.)", lambda x: (comma(x / 88.4, 2), x / 88.4), "mg/dl",
        "0,35-0,86", 0.35, 0.86)
    row("inr", "INR", lambda x: (comma(x, 2), x), "", "0,85-1,15", 0.85, 1.15)
    row("pt", "Prothrombinzeit", lambda x: (comma(x), x), "s", "10,5-13,5", 10.5, 13.5)
    row("igg", "IgG", lambda x: (comma(x), x), "g/l", "7,0-16,0", 7.0, 16.0)
    row("upcr", "Eiweiß/Kreatinin-Quotient (Urin)",
        lambda x: (thousands_point(round(x * 1000)), x * 1000), "mg/g Krea", "<200", None, 200)
    head = f"{'Parameter':<34}{'Wert':>9}  {'Einheit':<10}{'Referenzbereich':<17}Flag"
    return f"Labor vom {shown_day or dde(day)}:\n{head}\n" + "\n".join(rows)


def nordic_print(day: str, v: dict, lab: str) -> str:
    """Scandinavian print-out with analyte codes, SI units, ALAT/ASAT in µkat/L."""
    omit = v.get("omit", ())
    out = [f"Provtagning {day}   {lab}"]

    def row(key, code, shown, unit, ref):
        if key in omit:
            return
        if v.get(key) is None:
            out.append(f"{code:<18}{'n.b.':>8}  {unit:<10}{ref}".rstrip())
        else:
            out.append(f"{code:<18}{shown(v[key]):>8}  {unit:<10}{ref}".rstrip())

    row("hb", "B-Hb", lambda x: str(x), "g/L", "(117-153)")
    row("wbc", "B-LPK", lambda x: comma(x), "x10^9/L", "(3,5-8,8)")
    row("anc", "B-Neutrofila", lambda x: comma(x), "x10^9/L", "(1,5-7,0)")
    row("lymph", "B-Lymfocyter", lambda x: comma(x), "x10^9/L", "(1,1-4,8)")
    row("plt", "B-TPK", lambda x: str(x), "x10^9/L", "(165-387)")
    row("alt", "P-ALAT", lambda x: comma(x / 60, 2), "µkat/L", "(<0,76)")
    row("ast", "P-ASAT", lambda x: comma(x / 60, 2), "µkat/L", "(<0,72)")
    row("bili", "P-Bilirubin", lambda x: str(x), "µmol/L", "(5-25)")
    row("krea", "P-Kreatinin", lambda x: str(x), "µmol/L", "(30-80)")
    row("inr", "P-PK(INR)", lambda x: comma(x), "", "(0,9-1,2)")
    row("pt", "P-Protrombintid", lambda x: comma(x), "s", "(10,0-13,5)")
    row("igg", "P-IgG", lambda x: comma(x), "g/L", "(6,1-14,9)")
    row("upcr", "U-Protein/Krea", lambda x: str(round(x * 113)), "mg/mmol", "(<15)")
    return "\n".join(out)


def nl_line(v: dict) -> str:
    """Dutch inline lab line: g/dl Hb, x10^9/l, µmol/l, ratio in g/g."""
    omit = v.get("omit", ())
    parts = []

    def p(key, text):
        if key not in omit:
            parts.append(text(v[key]) if v.get(key) is not None else f"{key} n.b.")

    p("hb", lambda x: f"Hb {comma(x / 10)} g/dl")
    p("wbc", lambda x: f"leuko {comma(x)} x10^9/l")
    p("anc", lambda x: f"neutrofielen {comma(x)} x10^9/l")
    p("lymph", lambda x: f"lymfocyten {comma(x)} x10^9/l")
    p("plt", lambda x: f"trombocyten {x} x10^9/l")
    p("alt", lambda x: f"ALAT {x} U/l (ref <45)")
    p("ast", lambda x: f"ASAT {x} U/l (ref <40)")
    p("bili", lambda x: f"bilirubine totaal {x} µmol/l (ref <17)")
    p("krea", lambda x: f"kreatinine {x} µmol/l")
    p("inr", lambda x: f"INR {comma(x)}")
    p("pt", lambda x: f"PT {comma(x)} s (ref 10-13,5)")
    p("igg", lambda x: f"IgG {comma(x)} g/l (ref 6,5-15)")
    p("upcr", lambda x: f"eiwit/kreatinine ratio urine {comma(x, 2)} g/g")
    return ", ".join(parts)


def facs_de(pct: float, v: dict) -> str:
    """Lymphocyte subsets; the CD19 count is pct of the visit's lymphocytes (per µl)."""
    per_ul = round(pct / 100 * v["lymph"] * 1000)
    return (f"Lymphozytentypisierung (Durchflusszytometrie): CD3+ 71 %, CD4+ 39 %, CD8+ 27 %, "
            f"CD19+ B-Zellen {comma(pct)} % ({per_ul}/µl), CD16+56+ NK 12 %.")


# ----------------------------------------------------------------------------- patients
PATIENTS: list[dict] = []


def patient(pid, arch, notes, *, birth=None, sex=None, stated=None, nct=None, ho=None):
    """stated = (age, note_date) for patients whose age is only in the text."""
    PATIENTS.append(dict(pid=pid, arch=arch, notes=notes, birth=birth, sex=sex,
                         stated=stated, nct=NCT_DEFAULT | (nct or {}),
                         ho=HO_DEFAULT | (ho or {})))


# Y001 — eligible; German Arztbrief (Universitätsklinikum, Kindernephrologie).
_v = labs(upcr=1.42, krea=55, igg=9.1)
patient("Y001", "eligible", [
    ("2025-02-10", "Ambulanzbrief", """Kindernephrologische Ambulanz – Arztbrief

Diagnosen:
1. Systemischer Lupus erythematodes (SLE), ED 01/2025, EULAR/ACR 2019: 24 Punkte
2. V.a. Lupusnephritis (Proteinurie, Hämaturie) – Biopsie folgt bei Stabilisierung

Anamnese: Seit Dezember Arthralgien, Schmetterlingserythem, Fieber. ANA 1:640 (homogen),
anti-dsDNA 312 IU/ml, C3 erniedrigt.

Therapie:
Prednisolon 40 mg/d seit 20.01.2025 (ausschleichend nach Schema)
CellCept 2x 750 mg seit 03.02.2025
Quensyl 200 mg 1-0-0

Procedere: Wiedervorstellung in 4 Wochen mit Urinstatus."""),
    ("2026-07-08", "Pathologiebefund", """Institut für Pathologie – Nephropathologie
Einsendung: Nierenbiopsie li., entnommen am 6.7.26
Lichtmikroskopie: 28 Glomeruli, davon 19 mit endokapillärer Proliferation, 3 Halbmonde.
Immunfluoreszenz: "full house" (IgG, IgA, IgM, C3, C1q).
Beurteilung: Lupusnephritis ISN/RPS Klasse IV-G (A), Aktivitätsindex 10/24,
Chronizitätsindex 2/12."""),
    ("2026-11-04", "Arztbrief", f"""Arztbrief – Kinderrheumatologie/Kindernephrologie

Diagnosen:
1. SLE mit Lupusnephritis Klasse IV-G (A) (Nierenbiopsie 06.07.2026)
2. Therapierefraktärer Verlauf unter Prednisolon + CellCept seit 01-02/2025

Anamnese: 15-jährige Patientin, persistierende Proteinurie trotz Therapie. Keine Infekte.
Mutter: Hashimoto-Thyreoiditis.

Befunde: Größe 161 cm, Gewicht 52 kg, RR 118/74. Lansky 90 %. Gute Venenverhältnisse.
SLEDAI-2K heute 14 Punkte. ANA 1:640.
{facs_de(11, _v)}

{de_table("2026-11-03", _v)}
eGFR (Schwartz, bedside) {schwartz(161, 55)} ml/min/1,73m².

Therapie: Prednisolon 7,5 mg/d, CellCept 2x 1000 mg, Quensyl 200 mg.

Procedere: Vorstellung im Studienzentrum (CAR-T) besprochen, Aufklärung folgt."""),
], birth="2011-04-17", sex="F")

# Y002 — eligible; Swedish journal notes, analyte-coded print-out; III+V.
_v = labs(upcr=1.31, krea=58, hb=124)
patient("Y002", "eligible_nordic_pt", [
    ("2025-10-14", "Mottagningsanteckning", """Barnreumatologiska mottagningen, Lund
Diagnos: SLE (M32.1), ED 05/2024, lupusnefrit.
Behandling: Prednisolon sedan maj 2024 (nu 10 mg), Myfortic 720 mg x 2 sedan juni 2024,
Plaquenil 200 mg.
Bedömning: kvarstående proteinuri, följs."""),
    ("2026-06-18", "PAD njurbiopsi", """PAD: Njurbiopsi tagen 2026-06-16.
Utlåtande: Lupusnefrit ISN/RPS klass III (A) + V. 22 glomeruli, 6 med segmentell
endokapillär proliferation, subepiteliala deposita. Aktivitetsindex 7/24."""),
    ("2026-11-02", "Mottagningsanteckning", f"""Återbesök barnnefrologi. 15-year-old girl (15-årig flicka) with SLE and lupus nephritis
class III+V (njurbiopsi 2026-06-16). Still proteinuria despite Myfortic + prednisolon >2 years.
Status: längd 164 cm, vikt 55 kg. Lansky 90. SLEDAI-2K 10.
ANA 1:1280 (HEp-2, homogent). Flödescytometri: CD19+ B-celler 6 % (98 celler/µL).
U-hCG negativ.

{nordic_print("2026-11-02", _v, "Klinisk kemi, Skånes universitetssjukhus")}

Plan: remiss till CAR-T-studien i Tyskland diskuteras med familjen."""),
], stated=(15, "2026-11-02"))

# Y003 — eligible for NCT; UPCR 0.72 g/g fails HO-LN-10's 1.0 g/g; Dutch; mother has SLE.
_v = labs(upcr=0.72, krea=49, hb=129, wbc=6.4, anc=4.0, lymph=1.6)
patient("Y003", "eligible_upcr_between", [
    ("2025-11-20", "Poliklinische brief", """Kindernefrologie, Sophia Kinderziekenhuis
Diagnose: SLE (ED juni 2025) met lupus nefritis.
Familieanamnese: moeder heeft SLE, tante reuma.
Medicatie: prednisolon sinds 06-2025 (nu 15 mg), mycofenolaat mofetil (CellCept) 2dd 600 mg
sinds 07-2025, hydroxychloroquine.
Beleid: controle 6 weken."""),
    ("2026-08-12", "Pathologieverslag", """Nierbiopt (10-08-2026): 31 glomeruli, 12 met endocapillaire proliferatie.
Conclusie: lupus nefritis klasse IV-S (A/C) volgens ISN/RPS, activiteitsindex 9/24,
chroniciteitsindex 3/12."""),
    ("2026-10-29", "Poliklinische brief", f"""Geachte collega,
Wij zagen uw patiënt, 13-jarige jongen met SLE en lupus nefritis klasse IV (nierbiopt
10-08-2026), onder prednisolon en CellCept sinds 2025 zonder remissie.
Lengte 152 cm. Lansky 100. SLEDAI-2K 12. ANA 1:320.
Flowcytometrie: CD19+ B-cellen 9 % (171/µl).
Lab 28-10-2026: {nl_line(_v)}.
eGFR (Schwartz) {schwartz(152, 49)} ml/min/1,73m².
Beleid: verwijzing naar studiecentrum, informatie meegegeven."""),
], birth="2013-09-02", sex="M", ho={"upcr": "not_met"})

# Y004 — eligible for NCT; MabThera 02.06.2026 excludes from HO-LN-10 (anti-CD20 < 6 mo).
_v = labs(upcr=2.15, krea=47, hb=112)
patient("Y004", "eligible_recent_rituximab", [
    ("2025-08-01", "Entlassbrief", """Entlassungsbrief – Univ.-Klinik für Kinder- und Jugendheilkunde, Wien
Diagnosen: Lupusnephritis bei SLE (ED 07/2025), nephrotisches Syndrom.
Therapie während des Aufenthalts: MP-Stoß 3x 500 mg i.v. (14.-16.07.2025), danach Decortin H
1 mg/kg/d. CellCept 2x 500 mg seit 25.07.2025.
Procedere: Kontrolle in der Ambulanz."""),
    ("2026-06-02", "Pflegeprotokoll Infusion", """Tagesklinik – Infusionsprotokoll 02.06.2026
Präparat: MabThera (Rituximab) 520 mg i.v. (375 mg/m²), Start 09:10, Ende 13:40.
Prämedikation: Paracetamol, Dimetinden, Prednisolon 50 mg i.v.
Vitalzeichen unauffällig, keine Infusionsreaktion. Pat. um 14:30 entlassen."""),
    ("2026-07-21", "Pathologiebefund", """Nierenbiopsie vom 20.07.2026: 18 Glomeruli, 5 mit segmentaler endokapillärer Proliferation.
Diagnose: Lupusnephritis Klasse III (A) nach ISN/RPS 2018."""),
    ("2026-10-15", "Ambulanzbrief", f"""Diagnosen: SLE, Lupusnephritis Klasse III (A) (Biopsie 20.07.2026), Z.n. Rituximab 06/2026.
Anamnese: 12-jähriger Bub (12 J.), unter Decortin H und CellCept seit 07/2025 weiter
große Proteinurie, kein Ansprechen.
Befunde: Größe 148 cm. Lansky 80. SLEDAI-2K 8. ANA 1:160.
{facs_de(3, _v)} Beginnende B-Zell-Repopulation.

{de_table("2026-10-14", _v)}

Procedere: Studieneinschluss CAR-T prüfen."""),
], stated=(12, "2026-10-15"), ho={"x_rtx": "met"})

# Y005 — eligible; Swiss; Endoxan (Euro-Lupus) ended 02/2025, long before the 12-week washout.
_v = labs(upcr=3.1, krea=61, hb=108, plt=301)
patient("Y005", "eligible_cyc_ended", [
    ("2024-11-05", "Arztbrief", """Kinderspital Zürich – Nephrologie
Diagnosen: Lupusnephritis bei SLE, ED 10/2024.
Therapie: Prednison seit 10/2024; Endoxan i.v. nach Euro-Lupus-Schema (6x 500 mg alle
2 Wochen) geplant ab 11/2024."""),
    ("2025-03-04", "Arztbrief", """Verlauf: Euro-Lupus-Schema Endoxan 6x 500 mg von 11.11.2024 bis 27.01.2025 abgeschlossen.
Umstellung auf CellCept 2x 750 mg seit 03.03.2025, Prednison 10 mg.
Keine weiteren Endoxan-Gaben vorgesehen."""),
    ("2026-09-02", "Pathologiebefund", """Nierenbiopsie vom 01.09.2026 (Bern): Lupusnephritis Klasse IV-G (A) + V, ISN/RPS.
Aktivität 11/24, Chronizität 3/12."""),
    ("2026-11-12", "e-Konsil", f"""e-Konsil vom 12. Nov. 2026 an Kindernephrologie Universitätsspital (Studienzentrum)
Frage: Einschluss CAR-T-Studie? 15-jährige Patientin, SLE mit LN IV+V (Biopsie 01.09.2026),
refraktär unter Prednison + CellCept (seit 03/2025) und Endoxan 2024/25: Proteinurie persistiert.
SLEDAI 2K = 16. Lansky 90. ANA 1:2560. Größe 166 cm.
{facs_de(14, _v)}

{de_table("2026-11-11", _v)}

Antwort Konsiliarius: Einschluss aus unserer Sicht möglich."""),
], birth="2010-12-01", sex="F")

# Y006 — eligible; Gilbert syndrome: bilirubin 2,1 mg/dl (ULN 1,2) = 1.75×ULN, allowed up to 3×.
_v = labs(upcr=1.9, krea=63, bili=36, hb=117)
patient("Y006", "eligible_gilbert", [
    ("2025-09-01", "Arztbrief", """Diagnosen:
1. SLE mit Lupusnephritis, ED 04/2025
2. Morbus Meulengracht (Gilbert-Syndrom), genetisch gesichert (UGT1A1 homozygot)
Therapie: Prednisolon seit 04/2025, Myfortic 2x 360 mg seit 05/2025,
Prograf 2x 1 mg seit 01.09.2025 (Multitarget)."""),
    ("2026-10-01", "Pathologiebefund", """Nierenbiopsie 30.09.2026: Lupusnephritis ISN/RPS Klasse IV-G (A/C), 4 zelluläre Halbmonde.
Aktivitätsindex 12/24, Chronizitätsindex 3/12."""),
    ("2026-11-09", "Arztbrief", f"""Anamnese: 16-jährige Patientin mit SLE/LN IV, keine Remission unter Multitarget-Therapie
(Prednisolon, Myfortic, Prograf). Bekannter M. Meulengracht.
Befunde: Größe 163 cm. Karnofsky 80 %. SELENA-SLEDAI 12. ANA 1:320 (gesprenkelt).
{facs_de(8, _v)}

{de_table("2026-11-08", _v)}
Isolierte indirekte Hyperbilirubinämie bei bekanntem Gilbert-Syndrom.

Procedere: Vorstellung CAR-T-Studie."""),
], stated=(16, "2026-11-09"))

# Y007 — eligible for NCT (18 counts until the 19th birthday); too old for HO-LN-10 (8-17).
_v = labs(upcr=1.6, krea=78, hb=133, wbc=6.9, anc=4.4, lymph=1.5, igg=10.2)
patient("Y007", "eligible_age18", [
    ("2025-06-10", "Ambulant notat", """Rigshospitalet, Børneafdelingen – ambulant notat
SLE diagnosticeret 2023 med lupus nefritis.
Behandling: prednisolon siden 2023, mycophenolat mofetil (CellCept) 1 g x 2 siden januar 2024,
tacrolimus (Prograf) tillagt marts 2025 pga. vedvarende proteinuri."""),
    ("2026-08-25", "Patologisvar", """Nyrebiopsi 2026-08-21: Lupus nefritis klasse IV (ISN/RPS 2018), aktivitetsindeks 12/24,
kronicitetsindeks 2/12. Ingen tegn på trombotisk mikroangiopati."""),
    ("2026-11-10", "Ambulant notat", f"""18-årig mand (18-year-old man) med SLE og LN klasse IV (biopsi 2026-08-21). Ingen remission
trods prednisolon, CellCept og tacrolimus i > 2 år: persisterende proteinuri.
Højde 178 cm. Karnofsky 80. SLEDAI-2K 11. ANA 1:640.
Flowcytometri: CD19+ B-celler 7 % (133/µL).

{nordic_print("2026-11-09", _v, "Klinisk Biokemisk Afdeling, Rigshospitalet")}

Plan: henvisning til CAR-T-forsøg drøftet med patient og forældre."""),
], birth="2008-03-10", sex="M", ho={"age": "not_met"})

# Y008 — eligible; Norwegian; the FATHER had a kidney transplant (family, not the patient).
_v = labs(upcr=1.05, krea=44, hb=119, plt=212)
patient("Y008", "eligible_family_transplant", [
    ("2025-04-22", "Poliklinisk notat", """Oslo universitetssykehus, Barneklinikken
SLE med nefritt, ED januar 2025.
Familieanamnese: far Z.n. nyretransplantasjon 2019 (IgA-nefropati). Ingen tidligere
transplantasjon hos pasienten.
Behandling: prednisolon fra 01/2025; Endoxan i.v. månedlig (NIH) februar–juli 2025,
deretter CellCept."""),
    ("2026-09-30", "Patologisvar", """Nyrebiopsi 29.09.2026: Lupusnefritt ISN/RPS klasse III (A/C), 3 cellulære halvmåner.
Aktivitetsindeks 8/24."""),
    ("2026-10-20", "Poliklinisk notat", f"""13 år gammel jente (13-year-old girl) med SLE og lupusnefritt klasse III (biopsi 29.09.2026).
Proteinuri persisterer tross prednisolon og CellCept siden 2025, og Endoxan 2025.
Høyde 150 cm. Lansky 100. SLEDAI-2K 9. ANA 1:320.
Flowcytometri: CD19+ B-celler 12 % (210/µL).

{nordic_print("2026-10-19", _v, "Avdeling for medisinsk biokjemi, Rikshospitalet")}

Plan: vurderes for CAR-T-studie."""),
], stated=(13, "2026-10-20"))

# Y009 — eligible for NCT (17 stated: 17-18 at as-of); HO-LN-10 age unknown (may be 18).
_v = labs(upcr=1.6, krea=66, hb=115)
patient("Y009", "eligible_age17_stated", [
    ("2025-12-01", "Arztbrief", """UKE Hamburg – Pädiatrische Rheumatologie
Diagnosen: SLE mit Lupusnephritis (ED 01/2025).
Therapie: Prednisolon seit 01/2025, Sandimmun optoral (Ciclosporin) 2x 75 mg seit 02/2025.
Procedere: Re-Biopsie bei weiterer Proteinurie."""),
    ("2026-10-21", "Pathologiebefund", """Nierenbiopsie (20. Okt. 2026): diffus proliferative Lupusnephritis, ISN/RPS Klasse IV-S (A),
AI 9/24, CI 1/12."""),
    ("2026-11-16", "Arztbrief", f"""Anamnese: 17-jährige Patientin, SLE mit LN IV-S (A) (Biopsie 20.10.2026), keine Remission
unter Prednisolon und Sandimmun seit Anfang 2025.
Befunde: Größe 169 cm, Karnofsky 70 %. SLEDAI-2K 13. ANA 1:160.
{facs_de(5, _v)}

{de_table("2026-11-15", _v)}

Procedere: Screening CAR-T-Studie."""),
], stated=(17, "2026-11-16"), ho={"age": "unknown"})

# Y010 — eligible; ANA titre only in 2024 (ever counts); pneumonia treated IV and finished.
_v = labs(upcr=1.2, krea=45, hb=118)
patient("Y010", "eligible_old_ana_infection_ended", [
    ("2024-03-11", "Poliklinische brief", """Kinderreumatologie, UMCG
Diagnose: SLE (ED maart 2024). ANA 1:640 (homogeen), anti-dsDNA positief.
Start prednisolon 03-2024, mycofenolaat mofetil vanaf april 2024."""),
    ("2026-06-30", "Pathologieverslag", """Nierbiopt 29-06-2026: lupus nefritis klasse IV-G (A) (ISN/RPS), activiteitsindex 10."""),
    ("2026-09-18", "Ontslagbrief", """Opname 02-09 t/m 09-09-2026 wegens pneumonie rechter onderkwab.
Behandeling: ceftriaxon i.v. 7 dagen, afgerond op 09-09-2026. Nu klachtenvrij, geen koorts.
Geen antibiotica meer."""),
    ("2026-11-06", "Poliklinische brief", f"""12-jarig meisje met SLE en LN klasse IV (nierbiopt 29-06-2026), persisterende proteïnurie
onder prednisolon en MMF sinds 2024. ANA positief.
Lengte 150 cm. Lansky 90. SLEDAI-2K 10.
Flowcytometrie: CD19+ 8 % (140/µl).
Lab 05-11-2026: {nl_line(_v)}.
Beleid: aanmelding CAR-T studie."""),
], birth="2014-02-14", sex="F")

# Y021 — NCT eligible with eGFR 26 (< 30 is manual: SLE exception); HO-LN-10 eGFR < 45 fails.
_v = labs(upcr=4.2, krea=212, hb=98, wbc=4.9, anc=3.1, lymph=1.1)
patient("Y021", "egfr_low_manual", [
    ("2025-05-20", "Entlassbrief", """Dr. von Haunersches Kinderspital München – Entlassbrief
Diagnosen: SLE mit Lupusnephritis, ED 04/2025; akutes Nierenversagen, kein Dialysebedarf.
Therapie: Prednisolon seit 04/2025; Endoxan i.v. Euro-Lupus ab 05/2025."""),
    ("2025-09-01", "Ambulanzbrief", """Endoxan 6x 500 mg (05.05.-14.07.2025) abgeschlossen. Seit 01.08.2025 CellCept 2x 600 mg."""),
    ("2026-08-05", "Pathologiebefund", """Nierenbiopsie 04.08.2026: Lupusnephritis ISN/RPS Klasse IV-G (A/C), 30 % zelluläre und
fibrozelluläre Halbmonde, AI 14/24, CI 5/12."""),
    ("2026-11-11", "Arztbrief", f"""Anamnese: 14-jähriger Junge, SLE/LN IV-G (A/C), refraktär unter Prednisolon + CellCept,
nephrotische Proteinurie persistierend.
Befunde: Größe 149 cm. Lansky 80. SLEDAI-2K 18. ANA 1:1280.
{facs_de(10, _v)}

{de_table("2026-11-10", _v)}
eGFR (Schwartz) 26 ml/min/1,73m². Weiterhin kein Dialysebedarf.

Procedere: CAR-T-Studie trotz eingeschränkter Nierenfunktion anfragen (Ausnahme bei SLE)."""),
], birth="2012-07-30", sex="M", nct={"egfr": "manual"}, ho={"egfr": "not_met"})

# Y032 — NCT eligible; pregnant (graviditetsvecka 9, not calendar week 9) excludes from HO.
_v = labs(upcr=2.0, krea=60, hb=116)
patient("Y032", "pregnant", [
    ("2025-03-03", "Mottagningsanteckning", """Barnnefrologen, Astrid Lindgrens barnsjukhus
SLE med lupusnefrit, ED januari 2025. Prednisolon sedan 2025-01-20, mykofenolatmofetil
(CellCept) sedan 2025-02-10. Takrolimus planeras om otillräckligt svar."""),
    ("2026-07-15", "PAD njurbiopsi", """Njurbiopsi 2026-07-14: lupusnefrit klass IV-G (A) enligt ISN/RPS. Aktivitetsindex 11/24."""),
    ("2026-11-13", "Mottagningsanteckning", f"""16-årig flicka med SLE/LN klass IV (biopsi 2026-07-14). Ingen remission på prednisolon och
CellCept sedan 2025, takrolimus (Prograf) insatt 2025-09 utan effekt.
U-hCG positiv. Graviditet v. 9 bekräftad med ultraljud idag (graviditetsvecka 9).
CellCept utsatt idag pga graviditet. Längd 165 cm. Karnofsky 80. SLEDAI-2K 10. ANA 1:320.
Flödescytometri: CD19+ 9 % (150/µL).

{nordic_print("2026-11-13", _v, "Karolinska Universitetslaboratoriet")}

Plan: kontakt med mödravården; studiefrågan tas upp igen."""),
], birth="2010-05-05", sex="F", ho={"x_preg": "met"})

# ----------------------------------------------------------------------------- possible
# Y011 — every measurement is from 30.07.2026 (113 days before the as-of): stale.
_v = labs(upcr=1.8, krea=57, hb=114, igg=8.8)
_STALE = {k: "unknown" for k in ("sledai", "refractory", "cd19", "lymph", "wbc", "anc", "hb",
                                 "alt", "ast", "tbil", "egfr", "inr", "pt", "ecog")}
patient("Y011", "stale_labs", [
    ("2025-06-02", "Ambulanzbrief", """Uniklinik Köln – Kindernephrologie
Diagnosen: SLE, Lupusnephritis (ED 01/2025).
Therapie: Prednisolon seit 15.01.2025, CellCept 2x 750 mg seit 10.02.2025, Quensyl."""),
    ("2026-06-25", "Pathologiebefund", """Nierenbiopsie vom 24.06.2026: Lupusnephritis ISN/RPS Klasse IV-G (A), AI 8/24, CI 2/12."""),
    ("2026-07-30", "Arztbrief", f"""Anamnese: 14-jähriger Junge mit SLE und LN IV-G (A) (Biopsie 24.06.2026).
Befunde: Größe 157 cm, Lansky 90. SLEDAI-2K 12. ANA 1:640.
{facs_de(7, _v)}

{de_table("2026-07-30", _v)}

Procedere: Kontrolle in 6 Wochen, dann Entscheidung über Therapieeskalation."""),
    ("2026-10-30", "Telefonnotiz", """Telefonat mit der Mutter des 14 J. alten Patienten: seit dem 30.07.2026 keine Blutentnahme
erfolgt (Termine 09/2026 und 10/2026 nicht wahrgenommen, Umzug). Medikation unverändert:
Prednisolon 10 mg/d, CellCept 2x 750 mg. Neuer Ambulanztermin vereinbart."""),
], stated=(14, "2026-10-30"), nct=_STALE,
    ho={"upcr": "unknown", "egfr": "unknown", "plt": "unknown", "alt": "unknown",
        "x_igg": "unknown"})

# Y012 — no SLEDAI-2K anywhere ("niet berekend").
_v = labs(upcr=1.5, krea=53, hb=126)
patient("Y012", "no_sledai", [
    ("2025-09-15", "Poliklinische brief", """Kindernefrologie, Radboudumc
Diagnose: SLE met lupus nefritis (ED juli 2025).
Medicatie: prednisolon sinds juli 2025, tacrolimus (Prograf) 2dd 2 mg sinds augustus 2025."""),
    ("2026-09-10", "Pathologieverslag", """Nierbiopt d.d. 09-09-2026: lupus nefritis klasse III (A) + V volgens ISN/RPS 2018."""),
    ("2026-11-05", "Poliklinische brief", f"""13-jarige jongen, SLE met LN klasse III+V (nierbiopt 09-09-2026). Geen remissie onder
prednisolon en tacrolimus sinds 2025, blijvende proteïnurie.
Lengte 158 cm. Lansky 90. ANA 1:160. SLEDAI niet berekend (complement nog niet bekend).
Flowcytometrie: CD19+ B-cellen 10 % (180/µl).
Lab 04-11-2026: {nl_line(_v)}.
eGFR (Schwartz) {schwartz(158, 53)} ml/min/1,73m²."""),
], birth="2012-11-25", sex="M", nct={"sledai": "unknown"})

# Y013 — biopsy in KW 10/2026 (2-8 March): too old for NCT (183 d), inside HO's 12 months;
# Endoxan 01.10.2026 falls in HO-LN-10's 12-week cyclophosphamide washout.
_v = labs(upcr=2.4, krea=46, hb=110)
patient("Y013", "old_biopsy_recent_cyc", [
    ("2025-02-14", "Ambulanzbrief", """LKH-Univ. Klinikum Graz – Kinderrheumatologie
Diagnosen: SLE mit LN (ED 01/2025). Therapie: Prednisolon seit 01/2025, CellCept seit 02/2025."""),
    ("2026-03-12", "Ambulanzbrief", """Nierenbiopsie in KW 10/2026 durchgeführt: Lupusnephritis Klasse IV-G (A) (ISN/RPS).
Therapie unverändert, Kontrolle."""),
    ("2026-10-01", "Pflegeprotokoll Infusion", """Infusionsprotokoll Tagesklinik 01.10.2026: Endoxan 500 mg i.v. über 60 min (Euro-Lupus,
Zyklus 1/6), Mesna, Hydrierung. Keine Komplikationen."""),
    ("2026-11-03", "Arztbrief", f"""Anamnese: 11 J. alte Patientin (11-year-old girl), SLE/LN IV (Biopsie 03/2026, KW 10),
keine Remission unter Prednisolon + CellCept, daher seit 01.10.2026 Endoxan.
Befunde: Größe 146 cm. Lansky 90. SLEDAI-2K 12. ANA 1:320.
{facs_de(10, _v)}

{de_table("2026-11-02", _v)}

Procedere: Re-Biopsie erwogen, falls CAR-T-Studie in Frage kommt."""),
], stated=(11, "2026-11-03"), nct={"biopsy": "unknown"}, ho={"x_cyc": "met"})

# Y014 — class III "bioptisch gesichert" abroad, biopsy date unknown: unknown for both trials.
_v = labs(upcr=1.7, krea=41, hb=119)
patient("Y014", "biopsy_undated", [
    ("2026-04-10", "Übernahmebrief", """Ostschweizer Kinderspital St. Gallen – Übernahme
Diagnosen: SLE mit Lupusnephritis Klasse III, bioptisch gesichert in Krakau (Polen);
Datum der Biopsie und Originalbefund liegen nicht vor.
Therapie laut Vorbefunden: Prednisolon und Mycophenolat-Mofetil seit 2025."""),
    ("2026-11-01", "Arztbrief", f"""11-jährige Patientin, SLE/LN, weiter Proteinurie unter Prednisolon + MMF.
Befunde: Größe 140 cm. Lansky 90. SLEDAI-2K 10. ANA 1:320.
{facs_de(9, _v)}

{de_table("2026-10-31", _v)}

Procedere: Nierenbiopsie bei uns geplant; Polen-Befund angefordert."""),
], birth="2015-01-20", sex="F", nct={"biopsy": "unknown"}, ho={"biopsy": "unknown"})

# Y015 — flow cytometry never done ("n.b."); platelets 68 fail HO-LN-10.
_v = labs(upcr=1.25, krea=40, hb=108, plt=68)
patient("Y015", "no_flow_low_platelets", [
    ("2025-08-19", "Poliklinisk notat", """Haukeland universitetssjukehus, Barneklinikken
SLE med lupusnefritt, ED mai 2025. Prednisolon og CellCept fra mai 2025."""),
    ("2026-06-08", "Patologisvar", """Nyrebiopsi 05.06.2026: Lupusnefritt klasse IV-G (A), ISN/RPS. Aktivitetsindeks 9/24."""),
    ("2026-10-28", "Poliklinisk notat", f"""10 år gammel gutt (10-year-old boy), SLE/LN IV. Vedvarende proteinuri tross prednisolon +
CellCept i over ett år. Trombocytopeni.
Høyde 139 cm. Lansky 90. SLEDAI-2K 14. ANA 1:640.
Lymfocyttypning (CD19): n.b. – ikke rekvirert.

{nordic_print("2026-10-27", _v, "Laboratorieklinikken, Haukeland")}
"""),
], stated=(10, "2026-10-28"), nct={"cd19": "unknown"}, ho={"plt": "not_met"})

# Y016 — the only recent UPCR has an unreadable unit (96 could be mg/mmol or mg/g).
_v = labs(krea=56, hb=117, omit=("upcr",))
patient("Y016", "unreadable_upcr_unit", [
    ("2025-03-20", "Ambulanzbrief", """Charité – Pädiatrische Nephrologie
Diagnosen: SLE, Lupusnephritis (ED 02/2025).
Therapie: Prednisolon seit 02/2025, Prograf (Tacrolimus) seit 03/2025."""),
    ("2026-08-20", "Pathologiebefund", """Nierenbiopsie 19.08.2026: Lupusnephritis Klasse IV-G (A), ISN/RPS 2018, AI 10, CI 1."""),
    ("2026-11-10", "Arztbrief", f"""15-jährige Patientin, SLE/LN IV-G (A) (Biopsie 19.08.2026), Therapie Prednisolon + Prograf.
Befunde: Größe 160 cm. Lansky 90. SLEDAI-2K 10. ANA 1:640.
{facs_de(8, _v)}

{de_table("2026-11-09", _v)}
Urin (Fremdlabor, Faxkopie): Protein/Kreatinin-Quotient 96 ▯▯/▯▯▯ (Einheit auf dem Fax unleserlich).
eGFR (Schwartz) {schwartz(160, 56)} ml/min/1,73m².

Procedere: Originalbefund Urin angefordert."""),
], stated=(15, "2026-11-10"), nct={"refractory": "unknown"}, ho={"upcr": "unknown"})

# Y017 — only one listed agent (prednisolone; HCQ, azathioprine, belimumab do not count);
# IgG 4,2 g/l excludes from HO-LN-10.
_v = labs(upcr=1.4, krea=50, hb=121, igg=4.2)
patient("Y017", "one_agent_low_igg", [
    ("2025-04-02", "Poliklinische brief", """Kinderreumatologie, Wilhelmina Kinderziekenhuis Utrecht
Diagnose: SLE (ED januari 2025) met lupus nefritis.
Medicatie: prednisolon sinds januari 2025, hydroxychloroquine, azathioprine (Imurek) sinds
maart 2025. MMF nooit gegeven (wens ouders)."""),
    ("2026-07-02", "Pathologieverslag", """Nierbiopt 01-07-2026: lupus nefritis klasse IV-G (A), ISN/RPS."""),
    ("2026-11-03", "Poliklinische brief", f"""15-jarig meisje, SLE/LN klasse IV. Sinds januari 2026 ook Benlysta (belimumab) i.v.
Geen remissie. Lengte 162 cm. Lansky 90. SLEDAI-2K 12. ANA 1:320.
Flowcytometrie: CD19+ 4 % (60/µl).
Lab 02-11-2026: {nl_line(_v)}. Hypogammaglobulinemie.
eGFR (Schwartz) {schwartz(162, 50)} ml/min/1,73m²."""),
], birth="2011-10-10", sex="F", nct={"refractory": "unknown"}, ho={"x_igg": "met"})

# Y018 — ANA "positiv" with no titre (the MOTHER's 1:160 is family); PT not determined.
_v = labs(upcr=1.9, krea=38, hb=113, pt=None, inr=1.04)
patient("Y018", "ana_no_titre_pt_nb", [
    ("2025-04-28", "Ambulanzbrief", """Universitätsklinikum Leipzig – Kindernephrologie
Diagnosen: SLE mit LN (ED 04/2025). ANA positiv (Titer im Fremdlabor nicht angegeben).
Familienanamnese: Mutter ANA 1:160, kein SLE.
Therapie: Prednisolon und CellCept seit 04/2025."""),
    ("2026-09-24", "Pathologiebefund", """Nierenbiopsie 23.09.2026: diffus proliferative Lupusnephritis (Klasse IV-G (A))."""),
    ("2026-11-02", "Arztbrief", f"""9-jähriger Junge (aged 9), SLE/LN IV, therapierefraktär (Prednisolon + CellCept seit 04/2025),
persistierende Proteinurie. Größe 133 cm. Lansky 80. SLEDAI-2K 11.
{facs_de(7, _v)}

{de_table("2026-11-01", _v)}
eGFR (Schwartz) {schwartz(133, 38)} ml/min/1,73m²."""),
], stated=(9, "2026-11-02"), nct={"ana": "unknown", "pt": "unknown"})

# Y019 — creatinine recent, but the last height is from 12.06.2025 (> 365 days): eGFR unknown.
_v = labs(upcr=1.3, krea=52, hb=125)
patient("Y019", "egfr_no_recent_height", [
    ("2025-06-12", "Mottagningsanteckning", """Barnnjurmottagningen, Sahlgrenska/Drottning Silvias barnsjukhus
SLE med nefrit, ED februari 2025. Längd 155 cm, vikt 44 kg.
Behandling: prednisolon och mykofenolatmofetil sedan februari 2025."""),
    ("2026-08-28", "PAD njurbiopsi", """Njurbiopsi 2026-08-27: lupusnefrit klass III (A), ISN/RPS."""),
    ("2026-11-05", "Mottagningsanteckning", f"""14-year-old boy (14-årig pojke), SLE/LN klass III. Kvarstående proteinuri trots behandling.
Längd och vikt ej mätta idag. Lansky 90. SLEDAI-2K 10. ANA 1:160.
Flödescytometri: CD19+ 11 % (190/µL).

{nordic_print("2026-11-04", _v, "Sahlgrenska Universitetssjukhuset, Klinisk kemi")}
"""),
], stated=(14, "2026-11-05"), nct={"egfr": "unknown"}, ho={"egfr": "unknown"})

# Y020 — no performance status anywhere; Prograf only considered (hypothetical).
_v = labs(upcr=2.7, krea=72, hb=128)
patient("Y020", "no_ecog", [
    ("2025-07-08", "Ambulanzbrief", """Kepler Universitätsklinikum Linz – Kinder- und Jugendheilkunde
Diagnosen: SLE mit Lupusnephritis (ED 06/2025).
Therapie: Prednisolon seit 06/2025, CellCept seit 06/2025."""),
    ("2026-09-17", "Pathologiebefund", """Nierenbiopsie 16.9.26: Lupusnephritis Klasse IV-G (A) nach ISN/RPS."""),
    ("2026-11-09", "Arztbrief", f"""16-jähriger Patient, SLE/LN IV-G, keine Remission unter Prednisolon + CellCept.
Bei fehlendem Ansprechen Umstellung auf Prograf erwogen.
Befunde: Größe 176 cm. SLEDAI-2K 14. ANA 1:320.
{facs_de(6, _v)}

{de_table("2026-11-08", _v)}
eGFR (Schwartz) {schwartz(176, 72)} ml/min/1,73m²."""),
], birth="2009-12-30", sex="M", nct={"ecog": "unknown"})

# ----------------------------------------------------------------------------- ineligible
# Y022 — 19 years old (structured birth date); otherwise a complete eligible profile.
_v = labs(upcr=1.7, krea=70, hb=122)
patient("Y022", "too_old", [
    ("2025-05-14", "Ambulant notat", """Aarhus Universitetshospital, Børn og Unge
SLE med lupus nefritis, diagnosticeret 2024. Prednisolon og mycophenolat mofetil siden 2024."""),
    ("2026-09-03", "Patologisvar", """Nyrebiopsi uge 36 (2026-09-02): Lupus nefritis klasse IV-G (A), ISN/RPS."""),
    ("2026-11-05", "Ambulant notat", f"""19-årig kvinde med SLE/LN IV (biopsi 2026-09-02), ingen remission på prednisolon + CellCept.
Højde 168 cm. Karnofsky 90. SLEDAI-2K 12. ANA 1:640. Flowcytometri: CD19+ 10 % (170/µL).

{nordic_print("2026-11-04", _v, "Klinisk Biokemi, AUH")}

Overgang til voksenreumatologi planlagt."""),
], birth="2007-06-01", sex="F", nct={"age": "not_met"}, ho={"age": "not_met"})

# Y023 — newest biopsy is pure class V; the class IV biopsy of 2024 is superseded.
_v = labs(upcr=2.6, krea=50, hb=120)
patient("Y023", "pure_class_v", [
    ("2024-05-20", "Pathologiebefund", """Nierenbiopsie 17.05.2024: Lupusnephritis Klasse IV-G (A), ISN/RPS."""),
    ("2024-06-03", "Arztbrief", """Diagnosen: SLE mit LN IV-G (ED 05/2024). Therapie: MP-Stoß 3x, dann Prednisolon; CellCept
seit 06/2024."""),
    ("2026-09-16", "Pathologiebefund", """Re-Biopsie der Niere vom 15.09.2026: membranöse Lupusnephritis, ISN/RPS Klasse V. Keine
endokapilläre Proliferation, kein Anhalt für Klasse III oder IV. AI 1/24, CI 3/12."""),
    ("2026-11-06", "Arztbrief", f"""13-jährige Patientin, Z.n. LN IV (2024), aktuell reine Klasse V (Re-Biopsie 15.09.2026).
Persistierende Proteinurie unter Prednisolon + CellCept.
Befunde: Größe 154 cm. Lansky 90. SLEDAI-2K 10. ANA 1:320.
{facs_de(9, _v)}

{de_table("2026-11-05", _v)}
eGFR (Schwartz) {schwartz(154, 50)} ml/min/1,73m²."""),
], stated=(13, "2026-11-06"), nct={"biopsy": "not_met"}, ho={"biopsy": "not_met"})

# Y024 — SLEDAI-2K 6 (< 8); Z.n. liver transplant 2013 excludes from HO-LN-10.
_v = labs(upcr=1.1, krea=54, hb=118)
patient("Y024", "low_sledai_liver_tx", [
    ("2025-05-05", "Arztbrief", """Universitäts-Kinderspital beider Basel – Nephrologie
Diagnosen: 1. SLE mit LN (ED 03/2025). 2. Z.n. Lebertransplantation 2013 bei Gallengangsatresie.
Therapie: Prograf (Tacrolimus) seit 2013, Prednisolon seit 03/2025, CellCept seit 04/2025."""),
    ("2026-08-11", "Pathologiebefund", """Nierenbiopsie 10.08.2026: Lupusnephritis Klasse III (A), ISN/RPS."""),
    ("2026-11-02", "Arztbrief", f"""14-jährige Patientin, SLE/LN III, Z.n. LTx. Proteinurie persistierend.
Befunde: Größe 155 cm. Lansky 90. SLEDAI-2K 6 (Proteinurie 4, Komplement 2). ANA 1:320.
{facs_de(9, _v)}

{de_table("2026-11-01", _v)}
eGFR (Schwartz) {schwartz(155, 54)} ml/min/1,73m²."""),
], birth="2012-03-03", sex="F", nct={"sledai": "not_met"}, ho={"x_tx": "met"})

# Y025 — complete renal remission (UPCR 0,21 g/g): not refractory; fails HO's UPCR too.
_v = labs(upcr=0.21, krea=55, hb=127)
patient("Y025", "renal_remission", [
    ("2025-09-30", "Poliklinische brief", """Kindernefrologie, Erasmus MC-Sophia
Diagnose: SLE met lupus nefritis (ED augustus 2025).
Medicatie: prednisolon sinds augustus 2025, MMF (CellCept) sinds september 2025."""),
    ("2026-06-11", "Pathologieverslag", """Nierbiopt 10-06-2026: lupus nefritis klasse IV-G (A), ISN/RPS."""),
    ("2026-11-09", "Poliklinische brief", f"""16-jarig meisje (16-year-old girl), SLE/LN IV. Complete renale remissie sinds oktober 2026.
Wel nog huiduitslag en alopecia. Lengte 166 cm. Lansky 100. SLEDAI-2K 8. ANA 1:640.
Flowcytometrie: CD19+ 12 % (230/µl).
Lab 08-11-2026: {nl_line(_v)}.
eGFR (Schwartz) {schwartz(166, 55)} ml/min/1,73m²."""),
], stated=(16, "2026-11-09"), nct={"refractory": "not_met"}, ho={"upcr": "not_met"})

# Y026 — rituximab in September 2026: CD19 B cells depleted; HO anti-CD20 washout.
_v = labs(upcr=2.2, krea=62, hb=116, lymph=1.1)
patient("Y026", "cd19_depleted_rtx", [
    ("2025-04-15", "Mottagningsanteckning", """Barnreumatologen, Akademiska sjukhuset Uppsala
SLE med LN, ED mars 2025. Prednisolon sedan mars 2025, Myfortic sedan april 2025."""),
    ("2026-07-08", "PAD njurbiopsi", """Njurbiopsi 2026-07-07: lupusnefrit klass IV-S (A), ISN/RPS."""),
    ("2026-09-24", "Infusionsprotokoll", """Dagvården: Rituximab (MabThera) 750 mg/m² i.v., dos 2 av 2 (dos 1 2026-09-10).
Premedicinering enligt PM. Ingen infusionsreaktion."""),
    ("2026-11-04", "Mottagningsanteckning", f"""15-årig pojke, SLE/LN IV, ingen remission på prednisolon + Myfortic; rituximab 09/2026.
Längd 170 cm. Lansky 90. SLEDAI-2K 12. ANA 1:1280.
Flödescytometri 2026-11-03: CD19+ B-celler 0 % (0/µL) – B-cellsdepletion.

{nordic_print("2026-11-03", _v, "Akademiska sjukhuset, Klinisk kemi")}
"""),
], birth="2011-08-08", sex="M", nct={"cd19": "not_met"}, ho={"x_rtx": "met"})

# Y027 — ANC 2,10 G/l six days after Neupogen (G-CSF): not_met for NCT; HO unaffected.
_v = labs(upcr=1.6, krea=48, hb=109, wbc=4.1, anc=2.1, lymph=1.2)
patient("Y027", "anc_after_gcsf", [
    ("2025-04-07", "Ambulanzbrief", """Zentrum für Kinder- und Jugendmedizin Heidelberg – Pädiatrische Nephrologie
Diagnosen: SLE mit Lupusnephritis (ED 02/2025).
Therapie: Prednisolon seit 02/2025, CellCept 2x 500 mg seit 03/2025."""),
    ("2026-08-13", "Pathologiebefund", """Nierenbiopsie 12.08.2026: Lupusnephritis Klasse IV-G (A/C), ISN/RPS."""),
    ("2026-10-30", "Entlassbrief", """Stationär 26.-30.10.2026: febrile Neutropenie (Neutrophile 0,3 G/l) unter CellCept.
Therapie: Ceftriaxon i.v. 26.-29.10.2026, dann Amoxicillin p.o. bis 02.11.2026;
Neupogen (Filgrastim) 5 µg/kg s.c. am 27.10.26 und 28.10.26. CellCept pausiert, Prednisolon weiter.
Bei Entlassung afebril."""),
    ("2026-11-04", "Arztbrief", f"""12-jähriges Mädchen (12 J.), SLE/LN IV, keine Remission; Infekt abgeheilt, Antibiose beendet.
Befunde: Größe 147 cm. Lansky 90. SLEDAI-2K 12. ANA 1:320.
{facs_de(9, _v)}

{de_table("2026-11-03", _v)}
eGFR (Schwartz) {schwartz(147, 48)} ml/min/1,73m².
Procedere: CellCept ab 05.11.2026 wieder 2x 500 mg."""),
], stated=(12, "2026-11-04"), nct={"anc": "not_met"})

# Y028 — ALAT 2,60 µkat/L against the lab's own <0,76: 3.4×ULN (NCT > 3×, HO > 2.5×);
# ASAT 1,90 against <0,72 is 2.6×ULN (still within 3×). No myositis.
_v = labs(upcr=1.5, krea=47, hb=121, alt=156, ast=114)
patient("Y028", "alt_ukat_high", [
    ("2025-03-11", "Poliklinisk notat", """St. Olavs hospital, Barne- og ungdomsklinikken
SLE med LN, ED januar 2025. Prednisolon fra januar 2025, mykofenolat (CellCept) fra februar 2025."""),
    ("2026-09-09", "Patologisvar", """Nyrebiopsi 08.09.2026: Lupusnefritt klasse III (A) + V, ISN/RPS."""),
    ("2026-11-11", "Poliklinisk notat", f"""13 år gammel jente, SLE/LN III+V, vedvarende proteinuri. Forhøyede transaminaser, hepatitt-
serologi negativ, CK normal, ingen myositt.
Høyde 152 cm. Lansky 90. SLEDAI-2K 10. ANA 1:640. Flowcytometri: CD19+ 10 % (160/µL).

{nordic_print("2026-11-10", _v, "St. Olavs hospital, Medisinsk biokjemi")}
"""),
], birth="2013-05-15", sex="F", nct={"alt": "not_met"}, ho={"alt": "not_met"})

# Y029 — SLE not confirmed (criteria not fulfilled, ANA negative); biopsy IgA nephropathy;
# prednisolone only since 09/2026.
_v = labs(upcr=0.8, krea=58, hb=131)
patient("Y029", "not_sle_igan", [
    ("2026-09-22", "Pathologiebefund", """Nierenbiopsie 21.09.2026: IgA-Nephropathie (Oxford MEST-C M1 E1 S0 T0 C0). Kein Anhalt
für eine Lupusnephritis; Immunfluoreszenz IgA-dominant, C1q negativ."""),
    ("2026-10-12", "Arztbrief", f"""Diagnosen: 1. IgA-Nephropathie (Biopsie 21.09.2026). 2. V.a. SLE – nicht bestätigt:
EULAR/ACR-2019-Klassifikationskriterien nicht erfüllt, ANA negativ (<1:80), anti-dsDNA negativ.
Anamnese: 14-year-old boy (14-jähriger Junge). Prednisolon seit 25.09.2026.
Befunde: Größe 165 cm. Lansky 100.

{de_table("2026-10-11", _v)}
eGFR (Schwartz) {schwartz(165, 58)} ml/min/1,73m²."""),
], stated=(14, "2026-10-12"),
    nct={"sle": "not_met", "biopsy": "not_met", "sledai": "unknown", "refractory": "not_met",
         "cd19": "unknown", "ana": "not_met"},
    ho={"sle": "not_met", "biopsy": "not_met", "upcr": "not_met"})

# Y030 — new onset 10/2026, treatment-naive before: every start within 183 days.
_v = labs(upcr=3.4, krea=51, hb=104, igg=7.8)
patient("Y030", "treatment_naive", [
    ("2026-10-13", "Patologisvar", """Nyrebiopsi 12.10.2026: Lupusnefritt klasse IV-G (A), ISN/RPS, aktivitetsindeks 14/24."""),
    ("2026-10-21", "Epikrise", """Oslo universitetssykehus: nydiagnostisert SLE med lupusnefritt (ED oktober 2026).
Ingen tidligere immunsuppressiv behandling (behandlingsnaiv før innleggelsen).
Metylprednisolon-pulser 3x 500 mg 14.-16.10.2026, deretter prednisolon; CellCept fra 20.10.2026."""),
    ("2026-11-12", "Poliklinisk notat", f"""12 år gammel jente, nydiagnostisert SLE/LN IV, induksjon siden oktober 2026.
Høyde 151 cm. Lansky 80. SLEDAI-2K 20. ANA 1:1280. Flowcytometri: CD19+ 15 % (280/µL).

{nordic_print("2026-11-11", _v, "Oslo universitetssykehus, Medisinsk biokjemi")}
"""),
], birth="2014-09-09", sex="F", nct={"refractory": "not_met"})

# Y031 — septic shock on PICU with noradrenaline; IV meropenem ongoing at screening.
_v = labs(upcr=2.2, krea=70, hb=92, wbc=14.2, anc=12.1, lymph=1.0, plt=98, inr=1.35,
          pt=14.8, alt=48, ast=61, bili=14, igg=6.1)
patient("Y031", "shock_active_infection", [
    ("2025-06-16", "Ambulanzbrief", """Universitätsklinikum Freiburg – Kindernephrologie
Diagnosen: SLE mit LN (ED 04/2025). Therapie: Prednisolon seit 04/2025, Myfortic seit 05/2025."""),
    ("2026-08-27", "Pathologiebefund", """Nierenbiopsie 26.08.2026: Lupusnephritis Klasse IV-G (A), ISN/RPS."""),
    ("2026-10-20", "Arztbrief", f"""15 y, weiblich. SLE/LN IV, refraktär unter Prednisolon + Myfortic, persistierende Proteinurie.
Größe 160 cm. Lansky 90. SLEDAI-2K 16. ANA 1:640.
{facs_de(7, _v)}"""),
    ("2026-11-12", "PICU-Verlegungsbericht", f"""PICU: Aufnahme 10.11.2026 mit septischem Schock (Pneumokokken-Bakteriämie).
Noradrenalin 0,15 µg/kg/min laufend, Meropenem i.v. seit 10.11.2026 (geplant 14 Tage).

{de_table("2026-11-12", _v)}"""),
], stated=(15, "2026-10-20"), nct={"hemo": "not_met"}, ho={"x_infect": "met"})


# Y033 — Lansky 40 (bedridden after bilateral femoral head necrosis): ECOG >= 3.
_v = labs(upcr=1.3, krea=58, hb=117)
patient("Y033", "lansky_low", [
    ("2025-07-14", "Poliklinische brief", """Kindernefrologie, Amsterdam UMC (Emma Kinderziekenhuis)
Diagnose: SLE met lupus nefritis, ED mei 2025.
Medicatie: prednisolon sinds mei 2025, mycofenolaat (Myfortic) sinds juni 2025."""),
    ("2026-08-21", "Pathologieverslag", """Nierbiopt 20-08-2026: diffuus proliferatieve lupus nefritis (WHO klasse IV), actieve laesies,
activiteitsindex 11/24, chroniciteitsindex 2/12."""),
    ("2026-11-10", "Poliklinische brief", f"""15-jarige jongen, SLE/LN klasse IV, geen remissie op prednisolon + Myfortic sinds 2025.
Avasculaire necrose beide femurkoppen, sinds heupoperatie bedlegerig: Lansky 40.
Lengte 160 cm. SLEDAI-2K 10. ANA 1:320. Flowcytometrie: CD19+ 8 % (120/µl).
Lab 09-11-2026: {nl_line(_v)}.
eGFR (Schwartz) {schwartz(160, 58)} ml/min/1,73m²."""),
], birth="2011-01-05", sex="M", nct={"ecog": "not_met"})

# Y034 — Hb 5,6 g/dl = 56 g/L (< 60) in autoimmune haemolysis; transfusion only planned.
_v = labs(upcr=2.3, krea=49, hb=56, plt=190)
patient("Y034", "hb_low", [
    ("2025-05-26", "Ambulanzbrief", """Universitätsklinikum Carl Gustav Carus Dresden – Kinderrheumatologie
Diagnosen: SLE mit LN (ED 03/2025). Therapie: Prednisolon seit 03/2025, CellCept seit 04/2025,
Quensyl."""),
    ("2026-07-29", "Pathologiebefund", """Nierenbiopsie 28.07.2026: Lupusnephritis Klasse IV-S (A/C) + V, ISN/RPS."""),
    ("2026-11-04", "Arztbrief", f"""13-jährige Patientin, SLE/LN IV+V, refraktär (Prednisolon + CellCept), persistierende Proteinurie.
Neu: autoimmunhämolytische Anämie (DAT positiv). Transfusion von 1 EK für morgen geplant.
Befunde: Größe 151 cm. Lansky 70. SLEDAI-2K 14. ANA 1:1280.
{facs_de(11, _v)}

{de_table("2026-11-03", _v, shown_day="3. Nov. 2026")}
eGFR (Schwartz) {schwartz(151, 49)} ml/min/1,73m²."""),
], stated=(13, "2026-11-04"), nct={"hb": "not_met"})

# Y035 — bilirubin 45 µmol/L against the lab's own 5-25: 1.8×ULN, no Gilbert.
_v = labs(upcr=1.7, krea=43, hb=119, bili=45)
patient("Y035", "bilirubin_high", [
    ("2025-10-02", "Mottagningsanteckning", """Barnkliniken, Universitetssjukhuset i Linköping
SLE med lupusnefrit, ED augusti 2025. Prednisolon sedan 2025-08-12, takrolimus sedan 2025-09-01."""),
    ("2026-09-30", "PAD njurbiopsi", """Njurbiopsi 2026-09-29: lupusnefrit klass IV-G (A), ISN/RPS."""),
    ("2026-11-06", "Mottagningsanteckning", f"""11-årig pojke (11 y), SLE/LN IV, kvarstående proteinuri på prednisolon + takrolimus.
Förhöjt bilirubin, utredning pågår; UGT1A1-analys normal (ej Gilbert).
Längd 143 cm. Lansky 90. SLEDAI-2K 12. ANA 1:640. Flödescytometri: CD19+ 10 % (150/µL).

{nordic_print("2026-11-05", _v, "Laboratoriemedicin, Region Östergötland")}
"""),
], stated=(11, "2026-11-06"), nct={"tbil": "not_met"})


# ----------------------------------------------------------------------------- derivation
def overall(trial: str, labels: dict) -> tuple[str, int]:
    """GUIDELINE.md 'Patient status' and 'Ranking' (graded relevance)."""
    incl = {k: v for k, v in labels.items() if not k.startswith("x_")}
    excl = {k: v for k, v in labels.items() if k.startswith("x_")}
    if "not_met" in incl.values() or "met" in excl.values():
        return "ineligible", 0
    if all(v in ("met", "manual") for v in incl.values()) and all(
            v in ("not_met", "manual") for v in excl.values()):
        return "eligible", 3
    if all(labels[k] == "met" for k in DISEASE[trial]):
        return "possible", 2
    return "possible", 1


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_label(lo: int, hi: int, rng: tuple[int, int]) -> str:
    """GUIDELINE.md Part B item 1, for a range [rng] of possible ages at the as-of."""
    a, b = rng
    if lo <= a and b <= hi:
        return "met"
    if b < lo or a > hi:
        return "not_met"
    return "unknown"


def check(patients: list[dict]) -> None:
    statuses = {"met", "not_met", "unknown", "manual"}
    pids = [p["pid"] for p in patients]
    assert len(pids) == len(set(pids)) >= 30, "patient ids must be unique, >= 30 patients"
    assert pids == [f"Y{i:03d}" for i in range(1, len(pids) + 1)], "ids Y001.. in order"
    n_notes = sum(len(p["notes"]) for p in patients)
    assert n_notes >= 100, n_notes
    for p in patients:
        dates = [date.fromisoformat(d) for d, _, _ in p["notes"]]
        assert all(d < AS_OF for d in dates), p["pid"]
        assert dates == sorted(dates), f"{p['pid']}: notes out of date order"
        assert list(p["nct"]) == NCT_KEYS and list(p["ho"]) == HO_KEYS, p["pid"]
        assert set(p["nct"].values()) <= statuses and set(p["ho"].values()) <= statuses
        assert (p["birth"] is None) == (p["sex"] is None), p["pid"]
        assert (p["birth"] is None) != (p["stated"] is None), f"{p['pid']}: birth xor stated"
        if p["birth"]:
            a = age_on(date.fromisoformat(p["birth"]), AS_OF)
            rng = (a, a)
            for d in dates:  # the letters' own ages must match the birth date too
                assert age_on(date.fromisoformat(p["birth"]), d) <= a
        else:
            age, when = p["stated"]
            when = date.fromisoformat(when)
            assert when.isoformat() in {d.isoformat() for d in dates}, p["pid"]
            elapsed = age_on(when, AS_OF)  # whole years since the note
            rng = (age + elapsed, age + elapsed + 1)
            text = next(t for d, _, t in p["notes"] if d == when.isoformat())
            assert str(age) in text, f"{p['pid']}: stated age not in its note"
        assert p["nct"]["age"] == age_label(6, 18, rng), (p["pid"], rng, p["nct"]["age"])
        assert p["ho"]["age"] == age_label(8, 17, rng), (p["pid"], rng, p["ho"]["age"])
    with_birth = sum(1 for p in patients if p["birth"])
    assert 0.35 <= with_birth / len(patients) <= 0.65, with_birth


def main() -> None:
    PATIENTS.sort(key=lambda p: p["pid"])
    check(PATIENTS)
    notes, gold = [], []
    for p in PATIENTS:
        for i, (d, kind, text) in enumerate(p["notes"], 1):
            row = {"patient_id": p["pid"], "note_id": f"{p['pid']}-{i:02d}", "note_date": d,
                   "note_type": kind, "text": text.strip() + "\n"}
            if p["birth"]:
                row |= {"birth_date": p["birth"], "sex": p["sex"]}
            notes.append(row)
        for trial, labels in (("NCT06904729", p["nct"]), ("HO-LN-10", p["ho"])):
            status, rel = overall(trial, labels)
            gold.append({"trial": trial, "patient_id": p["pid"], "status": status,
                         "relevance": rel, "criteria": labels, "archetype": p["arch"]})
    ids = [n["note_id"] for n in notes]
    assert len(ids) == len(set(ids))
    for name, rows in (("notes.jsonl", notes), ("gold.jsonl", gold)):
        with open(HERE / name, "w", encoding="utf-8", newline="\n") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for trial in ("NCT06904729", "HO-LN-10"):
        counts: dict[str, int] = {}
        for g in gold:
            if g["trial"] == trial:
                counts[g["status"]] = counts.get(g["status"], 0) + 1
        print(trial, dict(sorted(counts.items())))
    print(len(PATIENTS), "patients,", len(notes), "notes")


if __name__ == "__main__":
    main()
