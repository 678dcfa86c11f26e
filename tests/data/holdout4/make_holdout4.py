"""Builds notes.jsonl and gold.jsonl of hold-out 4 (synthetic; no real people).
Gold labels are written by hand per patient (G/H below); status and relevance
are derived from them by the GUIDELINE.md rules."""
import json, os

P = []  # (pid, birth_date, sex, notes, seed_overrides, ho_overrides, archetype_seed, archetype_ho)

def pt(pid, bd, sex, notes, g=None, h=None, arch="eligible", harch="eligible"):
    P.append((pid, bd, sex, notes, g or {}, h or {}, arch, harch))

# ---------------------------------------------------------------- W001 Madrid
pt("W001", "2012-04-03", "F", [
("2026-06-20", "referral letter", """HOSPITAL MATERNO-INFANTIL SAN RAFAEL - Madrid
Servicio de Nefrologia Pediatrica
Madrid, 20/06/2026

Dear colleague,
I refer you Lucia M.R., 14 years old girl (DOB 03/04/2012), with childhood-onset SLE diagnosed in febrero 2025 (malar rash, arthritis, ANA 1/640 homogeneous pattern, anti-dsDNA 220 UI/ml, low C3 and C4).
Lupus nephritis class IV-G (A) in the first biopsy of 20/03/2025.
Treatment received:
 - Urbason bolus 500 mg x 3 (03/2025), after Dacortin 1 mg/kg/day with slow descent, now 7,5 mg/day
 - Euro-Lupus protocol: Endoxan 500 mg every 2 weeks x 6 doses (last dose 05/06/2025)
 - Cellcept 1 g/12h since 06/2025 until now (MPA levels correct)
 - Dolquine 200 mg/day
In spite of all this the proteinuria did not remit (UPCR 2,1 g/g in 05/2026). We consider her a refractory lupus nephritis and we ask your opinion for a CAR-T clinical trial. A new renal biopsy is programmed for July.
Kind regards,
Dra. P. Alonso"""),
("2026-07-14", "pathology report", """ANATOMIA PATOLOGICA - Informe de biopsia
Biopsy nr. B26-4471   Procedure date: 12.07.2026
Specimen: renal cortex, 2 cylinders, 24 glomeruli (1 globally sclerosed).
Light microscopy: endocapillary hypercellularity in 60% of glomeruli, 3 cellular and 2 fibrocellular crescents, wire loops, subepithelial deposits.
IF: full house (IgG +++, IgA +, IgM ++, C3 +++, C1q +++).
DIAGNOSIS: LN class IV-G (A/C) + V (ISN/RPS 2003, revised 2018).
NIH activity index 11/24, chronicity index 2/12."""),
("2026-10-20", "outpatient clinic note", """CONSULTA EXTERNA NEFROLOGIA PEDIATRICA - 20/10/2026
14 yo girl with refractory LN IV+V, comes with mother. She is tired, some arthralgias, no fever.
Exploration: BP 124/78, weight 49 kg, height 158 cm, mild oedema ankles, malar rash.
Analitica 20/10/2026 (Laboratorio Central):
  Hemoglobina            10,8  L  g/dl        12,0 - 15,5
  Leucocitos              5,6     x10^9/L     4,5 - 13,5
  Neutrofilos             3,8     x10^9/L     1,5 - 8,0
  Linfocitos              1,3     x10^9/L     1,0 - 4,8
  Plaquetas               212     x10^9/L     150 - 450
  GPT/ALT                  22     U/L         5 - 33
  GOT/AST                  28     U/L         10 - 40
  Bilirrubina total       0,4     mg/dl       0,2 - 1,2
  Creatinina             0,68     mg/dl       0,40 - 0,90
  Cociente prot/creat orina 2,4 H g/g         < 0,2
  INR                    1,05                 0,80 - 1,20
  T. protrombina         12,1     s           10,5 - 13,5
  C3 52 L mg/dl ; C4 6 L mg/dl ; anti-DNA 180 UI/ml H
SLEDAI-2K today 14 (proteinuria 4, hematuria 4, low complement 2, anti-DNA 2, rash 2).
Lansky 90.
Plan: she continues Cellcept + Dacortin 7,5 mg. Remit to CAR-T trial screening. Flow cytometry of lymphocyte subpopulations requested."""),
("2026-11-05", "flow cytometry report", """CITOMETRIA DE FLUJO - Subpoblaciones linfocitarias (sangre periferica)
Sample date: 05/11/2026
  CD3+           68,4 %
  CD3+CD4+       38,1 %
  CD3+CD8+       27,0 %
  CD19+          11,2 %   (151 cells/ul)
  CD16+56+       18,9 %
Comment: B lymphocytes CD19+ present, normal distribution."""),
("2026-11-12", "telephone note", """Telephone note 12/11/26. Call with mother. The informed consent of the trial was explained, the family will think about it and answer next week. No fever, no new symptoms. Venous access has been good in the last extractions."""),
])

# ---------------------------------------------------------------- W002 Padova
pt("W002", None, None, [
("2025-11-04", "outpatient clinic note", """Ambulatorio di Nefrologia Pediatrica - Padova, 04/11/2025
Marco B., 15 years, male. SLE from 09/2024 with LN class IV-S (A) at first biopsy (11/10/2024).
Induction with MP boluses (Urbason 15 mg/kg x 3) then oral prednisone; MMF (Cellcept) 600 mg/m2 bid since 10/2024.
Proteinuria is reduced but not remitted: uPCR 1,1 g/g. He realised the controls regularly.
Continue same therapy, control in 2 months."""),
("2026-06-04", "pathology report", """Anatomia Patologica - Referto
Second renal biopsy executed on 02/06/2026.
15 glomeruli, 3 with segmental endocapillary proliferation, 1 cellular crescent; no subepithelial deposits.
Conclusion: lupus nephritis class III (A), ISN/RPS 2018. Activity index 7/24, chronicity index 3/12. No membranous component."""),
("2026-06-10", "outpatient clinic note", """Visita 10/06/2026. Biopsy result discussed: active class III. SLEDAI-2K 12.
Added tacrolimus (Prograf) 0,1 mg/kg/day in two doses, target trough 5-8 ng/ml. MMF continued. Prednisone increased to 20 mg."""),
("2026-10-12", "outpatient clinic note", """Visita 12/10/2026
16-year-old boy with SLE and refractory LN class III. No new symptoms, only foamy urine.
Esami del 08/10/2026:
 Hb 12,9 g/dl (13,0-17,0) L
 GB 6,2 x10^3/ul (4,0-10,0); neutrofili 4,1 x10^3/ul; linfociti 1,4 x10^3/ul
 PLT 180 x10^3/ul
 GPT/ALT 19 U/L (0-45); GOT/AST 24 U/L (0-40)
 Bilirubina totale 0,6 mg/dl (0,3-1,2)
 Creatinina 0,81 mg/dl ; eGFR (Schwartz) 88 ml/min/1,73m2
 uPCR 180 mg/mmol (<20) H
 INR 1,02 (0,85-1,20); PT 11,4 sec (9,8-12,6)
Immunophenotype 08/10/2026: CD19+ B lymphocytes 9 % of lymphocytes.
ANA 1:1280 speckled (at diagnosis 2024).
Proteinuria did not remit despite MMF + FK + steroids > 2 years. SLEDAI not recalculated today (see June). ECOG 0.
Proposal: evaluation for CAR-T study."""),
], g={"sledai": "unknown"}, arch="stale_sledai")

# ---------------------------------------------------------------- W003 Sao Paulo
pt("W003", "2014-09-20", "F", [
("2026-08-16", "pathology report", """Laudo anatomopatologico - Biopsia renal 14/08/2026
Material: 2 fragmentos, 19 glomerulos.
Proliferacao endocapilar segmentar em > 50% dos glomerulos, 2 crescentes celulares.
Diagnostico: Nefrite lupica classe IV-S (A), ISN/RPS 2018. Indice de atividade 9/24, indice de cronicidade 1/12."""),
("2026-09-02", "discharge report", """RELATORIO DE ALTA - Hospital Infantil Sao Lucas, Sao Paulo
Admission 15/08/2026 - discharge 02/09/2026
Girl, 11 years (at admission). SLE diagnosed 08/2025 (ANA 1:640 nuclear homogeneous, anti-dsDNA +, hypocomplementemia, arthritis, oral ulcers).
Previous treatment: prednisolone since 08/2025, MMF since 10/2025 (stopped 08/2026 to start cyclophosphamide).
Admitted for active LN with nephrotic proteinuria; biopsy done 14/08 (class IV-S).
Started Euro-Lupus protocol: Endoxan 500 mg IV on 19/08/2026, to repeat every 15 days x 6 doses. Pulses of methylprednisolone 3 x 30 mg/kg.
Discharged with prednisolone 40 mg/day, HCQ, enalapril."""),
("2026-11-06", "day-hospital infusion note", """Hospital-Dia 06/11/2026
6th (last) Endoxan 500 mg pulse was given 28/10/2026 without problems.
Control of 05/11/2026 shows neutropenia: neutrofilos 0,6 x10^9/L. No fever.
Filgrastim (Granulokine) 300 mcg SC administered today 06/11 and tomorrow 07/11/2026 at home. Repeat blood count next week."""),
("2026-11-12", "laboratory report", """LABORATORIO CLINICO - Resultado de exames   Coleta: 12/11/2026
HEMOGRAMA
  Hemoglobina        11,1   g/dL     (11,5 - 15,5)  L
  Leucocitos         4.100  /mm3     (4.500 - 13.500) L
  Neutrofilos        1.900  /mm3     (1.500 - 8.000)
  Linfocitos         1.300  /mm3     (1.000 - 4.800)
  Plaquetas          198.000 /mm3    (150.000 - 450.000)
BIOQUIMICA
  TGP/ALT            31 U/L   (ate 41)
  TGO/AST            27 U/L   (ate 40)
  Bilirrubina total  0,5 mg/dL (0,2 - 1,0)
  Creatinina         0,58 mg/dL (0,40 - 0,80)
  Relacao proteina/creatinina urinaria  1,8 mg/mg (< 0,2)  H
COAGULACAO
  TP  12,9 s (11,0 - 14,0)   INR 1,08 (0,9 - 1,2)"""),
("2026-11-12", "outpatient clinic note", """Ambulatorio Reumatologia Pediatrica 12/11/2026
12 yo girl, finished Euro-Lupus. Still proteinuria 1,8 mg/mg, hematuria. SLEDAI-2K 10. Lansky 80.
Neutrophils recovered to 1,9 after filgrastim (last dose 07/11).
Flow cytometry 10/11/2026: CD19+ 6,5 % (98 cells/uL).
TFGe (Schwartz) 105 mL/min/1,73m2.
Considered for CAR-T trial - but note recent G-CSF."""),
], g={"anc": "not_met"}, h={"x_cyc": "met"}, arch="anc_gcsf", harch="recent_cyclophosphamide")

# ---------------------------------------------------------------- W004 Buenos Aires
pt("W004", "2005-02-11", "F", [
("2026-03-05", "pathology report", """INFORME ANATOMOPATOLOGICO
Puncion biopsia renal realizada el 3rd March 2026 (Hospital de Clinicas, Buenos Aires).
21 glomerulos; proliferacion endocapilar difusa, depositos subepiteliales, 4 semilunas celulares.
Diagnostico: Nefropatia lupica clase IV-G (A) + V (ISN/RPS 2018). IA 10/24, IC 3/12."""),
("2026-03-20", "outpatient clinic note", """Consultorio Nefrologia - 20/03/2026
Female 21 y. SLE since 2019 (she was 14). First LN class III in 2021, treated with NIH protocol (Endoxan monthly x 6, 2021) and after MMF.
Renal relapse 2024: prednisona + Cellcept 3 g/dia + Prograf.
In diciembre 2025 she received MabThera 1 g (02/12/2025 and 16/12/2025) without renal response.
New biopsy 03/03/2026 IV+V. Continue MMF + FK + steroids; refer to transition clinic (adult)."""),
("2026-10-15", "outpatient clinic note", """Consultorio 15/10/2026
Analisis 10/10/2026:
 Hb 11,2 g/dl (12-16) L | Leucocitos 6,8 x10^9/l | Neutrofilos 4,9 x10^9/l | Linfocitos 1,1 x10^9/l | Plaquetas 245 x10^9/l
 GPT/ALT 18 UI/l (7-35) | GOT/AST 20 UI/l (10-35) | Bilirrubina total 0,7 mg/dl (0,3-1,2)
 Creatinina 0,90 mg/dl | eGFR CKD-EPI 2021: 91 ml/min/1,73m2
 Proteinuria de 24 hs: 2350 mg/24h (VN < 150)
 INR 1,00 | TP 12,0 seg (10,0-13,0)
SLEDAI-2K 10. ECOG 0. ANA 1/320 (2019, repeated 2024).
Persistent proteinuria, no remission. Candidate for trials of anti-CD20/ new therapies."""),
("2026-10-22", "flow cytometry report", """Citometria de flujo 22/10/2026 - Poblaciones linfocitarias
CD3 78 %, CD4 44 %, CD8 30 %, CD19+ 2,1 % (23 cells/ul), NK 11 %.
Interpretation: B-cell repopulation after rituximab (last dose 12/2025)."""),
], g={"age": "not_met", "biopsy": "unknown"}, arch="young_adult_over_age", harch="eligible_rtx_outside_window")

# ---------------------------------------------------------------- W005 Guadalajara
pt("W005", None, None, [
("2026-07-28", "pathology report", """REPORTE DE PATOLOGIA - Hospital Civil de Guadalajara (Pediatria)
Biopsia renal percutanea (27/07/2026).
17 glomerulos. Proliferacion endocapilar segmentaria en 40%, 2 crecientes fibrocelulares, engrosamiento de membranas con depositos subepiteliales.
Dx: Lupus nephritis class III (A/C) + V, ISN/RPS. Activity 8/24, chronicity 3/12."""),
("2026-09-15", "outpatient clinic note", """Consulta Nefrologia Pediatrica 15-SEP-2026
9-year-old boy, SLE since 11/2025 (ANA 1:1280, anti-dsDNA +, anti-Sm +, low C3/C4, thrombocytopenia at onset).
Treated with prednisone since 11/2025 + MMF since 12/2025; tacrolimus added 08/2026 after the biopsy.
Persistent proteinuria.
Plan: flow cytometry (CD19) to be requested for CAR-T evaluation."""),
("2026-10-30", "laboratory report", """LABORATORIO - 30/10/2026
 Hb          11.4 g/dL   (11.5-14.5) L
 WBC          7.2 x10^3/uL (4.5-13.0)
 Neut         4.8 x10^3/uL
 Lymph        1.6 x10^3/uL
 Plt          260 x10^3/uL
 ALT           25 U/L (10-40)
 AST           30 U/L (10-40)
 T. Bili      0.3 mg/dL (0.2-1.0)
 Creatinine  0.52 mg/dL (0.3-0.7)
 UPCR         1.6 mg/mg (<0.2) H
 INR          1.1 (0.9-1.2)
 PT          13.0 s (11.0-13.5)"""),
("2026-11-03", "outpatient clinic note", """Consulta 03-NOV-2026
Talla 136 cm, peso 30 kg. BP 110/70. SLEDAI-2K 12. Lansky 90.
Flow cytometry still pending - the sample was not sent yet, will be taken next visit.
Mother has hypothyroidism, no family history of lupus.
Plan: continue MMF + TAC + prednisone 10 mg; CAR-T referral when flow result available."""),
], g={"cd19": "unknown"}, h={"age": "not_met"}, arch="flow_pending", harch="under_age")

# ---------------------------------------------------------------- W006 Porto
pt("W006", "2009-06-30", "F", [
("2026-05-30", "pathology report", """Servico de Anatomia Patologica - Centro Hospitalar do Porto
Biopsia renal de 28/05/2026. 22 glomerulos, 14 com proliferacao endocapilar global, necrose fibrinoide em 2.
Conclusao: LN class IV-G (A), ISN/RPS 2018. AI 12/24, CI 1/12."""),
("2026-06-25", "day-hospital infusion note", """Hospital de Dia Pediatrico - 25/06/2026
16 yo female with SLE and refractory LN IV-G (on GC since 2024 and MMF since 2024, still nephrotic).
Rituximab (MabThera) 375 mg/m2 - dose 1 of 4 administered today 25/06/2026. Premedication paracetamol + clemastine + MP 100 mg. No infusion reaction."""),
("2026-07-16", "day-hospital infusion note", """Hospital de Dia - 16.07.2026
4th and last dose of rituximab 375 mg/m2 given today. Tolerated well. Peripheral venous access correct."""),
("2026-10-20", "outpatient clinic note", """Consulta de Nefrologia Pediatrica 20/10/2026
Analises 20/10/2026: Hb 12,1 g/dl (12,0-15,0); leucocitos 5,1 x10^9/L; neutrofilos 3,6 x10^9/L; linfocitos 1,1 x10^9/L; plaquetas 230 x10^9/L;
ALT 14 U/L (<33); AST 19 U/L (<32); bilirrubina total 0,5 mg/dl (<1,2); creatinina 0,74 mg/dl; TFGe 95 ml/min/1,73m2 (Schwartz);
UPC 1,3 g/g; INR 1,0 (0,8-1,2); TP 11,8 s (9,4-12,5).
Imunofenotipagem linfocitaria 20/10/2026: CD19+ 0,0 % - B cells depleted (post-rituximab). CD3+ 84 %.
SLEDAI-2K 8. ECOG 1. ANA 1:640 (2024).
Proteinuria not in remission 3 months after rituximab. Discussed CAR-T - but no circulating B cells at the moment."""),
], g={"cd19": "not_met"}, h={"x_rtx": "met"}, arch="bcell_depleted_rtx", harch="recent_rituximab")

# ---------------------------------------------------------------- W007 Sevilla
pt("W007", None, None, [
("2026-06-20", "pathology report", """Informe de Anatomia Patologica - Hospital Virgen de la Estrella, Sevilla
Biopsia renal 18/06/2026: 20 glomerulos. Nefritis lupica clase IV-S (A/C), ISN/RPS 2018. Indice de actividad 9, indice de cronicidad 4."""),
("2026-07-15", "laboratory report", """LABORATORIO 15/07/2026
Hemoglobina 11,2 g/dl (13,0-17,0) L
Leucocitos 6,1 x10^3/ul (4,5-11,0)
Neutrofilos 4,0 x10^3/ul ; Linfocitos 1,2 x10^3/ul
Plaquetas 190 x10^3/ul
GPT/ALT 30 U/L (5-41)  GOT/AST 26 U/L (5-37)
Bilirrubina total 0,6 mg/dl (0,2-1,1)
Creatinina 0,66 mg/dl
Indice prot/creat 1,7 g/g
INR 1,1 (0,8-1,2)  TP 12,5 s (10-14)"""),
("2026-10-09", "flow cytometry report", """Citometria 09/10/2026: linfocitos B CD19+ 14 % (210/ul). CD4/CD8 1,3."""),
("2026-10-28", "outpatient clinic note", """Consulta 28.10.2026
Male, 15 years. SLE since 2023 with LN. GC since 05/2023, MMF since 06/2023, tacrolimus (Advagraf) added 07/2026.
Last analysis (15.07.2026): Hb 11,2 g/dl, leucocitos 6,1, neutrofilos 4,0, linfocitos 1,2, plaquetas 190, GPT 30 - copied from previous visit.
Today only urine and creatinine were processed: creatinina 0,65 mg/dl, cociente proteina/creatinina 1,2 g/g. Height 162 cm.
Blood count and liver tests NOT done today (the laboratory lost the tube) - to repeat next visit.
SLEDAI-2K 10. ECOG 1. ANA 1:160 (2023). Proteinuria persists despite triple therapy; candidate to CAR-T."""),
], g={k: "unknown" for k in ["lymph", "wbc", "anc", "hb", "alt", "ast", "tbil", "inr", "pt"]},
   h={"x_hb": "unknown", "x_plt": "unknown", "x_liver": "unknown"}, arch="stale_labs_copied_forward", harch="stale_labs")

# ---------------------------------------------------------------- W008 Roma
pt("W008", "2013-01-25", "F", [
("2026-08-02", "pathology report", """Referto istologico - biopsia renale 31/07/2026
18 glomeruli; proliferazione endocapillare diffusa, 1 semiluna cellulare.
Diagnosi: nefrite lupica classe IV-G (A) ISN/RPS 2018; AI 10/24, CI 2/12."""),
("2026-10-25", "laboratory report", """Laboratorio Analisi - Policlinico Roma Est    Prelievo 25/10/2026
 Emoglobina         11,5  g/dl   12,0-16,0   L
 Globuli bianchi     5,9  10^9/L  4,0-10,0
 Neutrofili          3,9  10^9/L  1,8-7,0
 Linfociti           1,5  10^9/L  1,0-4,0
 Piastrine           175  10^9/L  150-400
 GPT/ALT              98  U/L     0-30        H
 GOT/AST              70  U/L     0-35        H
 CK                   88  U/L     0-170
 Bilirubina totale   0,7  mg/dl   0,3-1,2
 Creatinina         0,61  mg/dl   0,50-0,90
 Proteinuria/creatininuria 2,0 g/g  <0,2  H
 INR                1,03         0,80-1,20
 PT                 11,9  sec    9,8-12,6"""),
("2026-10-27", "outpatient clinic note", """Visita 27/10/2026
13-year-old girl, SLE since 03/2025; prednisone + MMF since 04/2025, FK added 08/2026 after biopsy.
Transaminases elevated (ALT 98, more than 3 times the upper limit of our laboratory). CK normal, no myositis. Probable drug hepatotoxicity; hepatitis serologies requested.
eGFR Schwartz 96 ml/min/1,73m2. uPCR 2,0 g/g persistent.
SLEDAI-2K 16. Lansky 80. Flow cytometry 20/10/2026: CD19+ 12 %. ANA 1:320.
Difficult venous access: the last extractions needed 3 punctures and ultrasound-guided cannulation; peripheral veins very thin - apheresis would need a central line.
CAR-T: to reconsider when transaminases normalise."""),
], g={"alt": "not_met", "venous": "not_met"}, h={"x_liver": "met"}, arch="alt_above_3x_local_uln", harch="alt_above_2.5x_local_uln")

# ---------------------------------------------------------------- W009 Porto Alegre
pt("W009", "2010-03-14", "F", [
("2025-09-10", "outpatient clinic note", """Ambulatorio de Reumatologia Pediatrica - Porto Alegre, 10/09/2025
SLE with inflammatory myositis overlap (muscle biopsy 07/2025 confirmed inflammatory myopathy; proximal weakness, CK 5200).
Prednisone since 06/2025; mycophenolate mofetil (micofenolato de mofetila) 1 g bid since 07/2025. HCQ 200 mg.
Proteinuria 0,9 g/g, no biopsy yet."""),
("2026-09-05", "pathology report", """Laudo - biopsia renal de 03/09/2026: 25 glomerulos; nefrite lupica classe III (A) + V (ISN/RPS 2018); IA 6/24, IC 2/12."""),
("2026-11-10", "laboratory report", """Laboratorio - coleta 10/11/2026
 Hemoglobina 10,9 g/dL (12,0-16,0) L
 Leucocitos 6,9 x10^3/uL ; Neutrofilos 5,1 x10^3/uL ; Linfocitos 1,05 x10^3/uL
 Plaquetas 201 x10^3/uL
 TGP/ALT 150 U/L (10-49) H
 TGO/AST 260 U/L (ref < 34) H
 CK 3400 U/L (< 145) H
 Bilirrubina total 0,6 mg/dL (0,3-1,2)
 Creatinina 0,63 mg/dL
 RPC urinaria 1,9 g/g
 INR 1,1 (0,9-1,2) ; TP 12,4 s (10,0-13,0)"""),
("2026-11-12", "outpatient clinic note", """Consulta 12/11/2026
16 yo girl. Active myositis flare together with active LN (class III+V). The transaminases rise is muscular (CK 3400), consistent with the known inflammatory myositis.
Despite prednisone + MMF for more than one year, the proteinuria did not remit (1,9 g/g).
SLEDAI-2K 18 (includes myositis 4). Karnofsky 70.
Flow cytometry 10/11/2026: CD19+ 10 % of lymphocytes. ANA 1:2560 (2025).
eGFR Schwartz (height 161 cm) 105 mL/min/1,73m2.
Refer for CAR-T screening."""),
], g={"alt": "manual", "ast": "manual"}, h={"x_liver": "met"}, arch="myositis_transaminases", harch="transaminases_no_exception")

# ---------------------------------------------------------------- W010 Cordoba
pt("W010", None, None, [
("2026-04-22", "day-hospital infusion note", """Hospital de Dia - Cordoba, 22/04/2026
Endoxan 500 mg IV - 6th (last) pulse of Euro-Lupus protocol given. Mesna, ondansetron. No incidents."""),
("2026-09-18", "pathology report", """Anatomia Patologica - biopsia renal del 16/09/2026
Glomerulonefritis lupica clase IV-G (A), ISN/RPS 2018. IA 13/24, IC 1/12. 23 glomerulos, 5 semilunas celulares."""),
("2026-11-09", "outpatient clinic note", """Consultorio Nefrologia - 09/11/2026
Male, DOB 01/12/2007. SLE since 2022. GC since 2022; MMF since 2022, stopped 02/2026 for Endoxan (Euro-Lupus Feb-Apr 2026), MMF restarted 05/2026.
Persistent nephrotic-range proteinuria; new biopsy 16/09 still active IV-G.
Laboratorio 06/11/2026:
 Hb 12,4 g/dl (13-17) L; GB 7,1 x10^9/l; neutrofilos 5,0 x10^9/l; linfocitos 1,6 x10^9/l; plaquetas 280 x10^9/l
 GPT 33 U/L (ref 7-41); GOT 29 U/L (ref 13-40); bilirrubina total 0,9 mg/dl (0,2-1,2)
 creatinina 1,02 mg/dl; eGFR (Schwartz, talla 175 cm) 71 ml/min/1,73m2
 UPCR 3,1 g/g
 INR 1,05; TP 12,6 s (11-14)
SLEDAI-2K 16. ECOG 1. Citometria 06/11/2026: CD19+ 8 %. ANA 1:640 (2022).
Plan: referral to CAR-T protocol."""),
], arch="eligible_dob_in_text_turning_19_soon", harch="eligible_cyc_outside_window")

# ---------------------------------------------------------------- W011 Monterrey
pt("W011", "2015-05-05", "F", [
("2026-01-17", "pathology report", """REPORTE HISTOPATOLOGICO - Biopsia renal 15/01/2026
Nefritis lupica clase IV-G (A/C), ISN/RPS 2018. Indice de actividad 12/24, cronicidad 3/12."""),
("2026-01-20", "discharge report", """Nota de egreso 20/01/2026. 10-year-old girl, new diagnosis of SLE with LN IV-G.
Started prednisone 2 mg/kg/day on 16/01/2026 (after 3 MP pulses 14-16/01/2026) and MMF 600 mg/m2 bid on 18/01/2026."""),
("2026-10-20", "outpatient clinic note", """Consulta externa 20/10/2026
Still active nephritis after 9 months of prednisone + MMF; tacrolimus added 06/2026. Proteinuria did not remit.
Labs 19/10/2026: Hb 11.8 g/dL; WBC 6.0 x10^3/uL; ANC 3.9 x10^3/uL; lymphocytes 1.5 x10^3/uL; platelets 221 x10^3/uL;
ALT 21 U/L (10-40); AST 26 U/L (10-40); total bilirubin 0.4 mg/dL (0.2-1.0); creatinine 0.55 mg/dL; eGFR (Schwartz) 104;
UPCR 1.4 mg/mg; INR 1.0; PT 12.2 s (11.0-13.5).
SLEDAI-2K 12. Lansky 80. Flow cytometry 19/10/2026: CD19+ 15 %. ANA 1:640.
Repeat renal biopsy planned for diciembre 2026 (last one is from January)."""),
("2026-11-18", "telephone note", """Telephone note 18/11/2026: mother called, girl well, no fever. Biopsy date confirmed for 09/12/2026."""),
], g={"biopsy": "unknown"}, h={"age": "not_met"}, arch="biopsy_older_than_6m", harch="under_age")

# ---------------------------------------------------------------- W012 Barcelona
pt("W012", "2012-08-08", "M", [
("2025-06-10", "pathology report", """Servei d'Anatomia Patologica - Barcelona
Biopsy 05/06/2025: lupus nephritis class IV-G (A), ISN/RPS. AI 10/24, CI 1/12."""),
("2025-11-20", "day-hospital infusion note", """Hospital de Dia 20/11/2025: last (6th) monthly Endoxan pulse (NIH protocol) was given 14/11/2025. Start of MMF (Cellcept) programmed for december."""),
("2026-09-12", "pathology report", """Informe AP - second renal biopsy 10/09/2026
16 glomeruli, diffuse thickening of capillary walls, spikes, subepithelial deposits. No endocapillary or extracapillary proliferation.
DIAGNOSIS: LN class V (membranous), ISN/RPS 2018. AI 0/24, CI 2/12. Transformation from class IV to pure class V."""),
("2026-10-30", "outpatient clinic note", """Consulta 30/10/2026
14 yo boy. GC since 06/2025, NIH protocol 06-11/2025, MMF since 12/2025. Nephrotic proteinuria persists: UPCR 2,8 g/g.
Analitica 28/10/2026: Hb 13,1 g/dl; leucocitos 6,6 x10^9/L; neutrofilos 4,2; linfocitos 1,8; plaquetas 265; ALT 16 U/L (5-41); AST 22 U/L (5-40); bilirrubina 0,5 mg/dl (0,2-1,2); creatinina 0,70 mg/dl; FGe Schwartz 99; INR 1,0 (0,8-1,2); TP 12,0 s (10-14).
SLEDAI-2K 8. ECOG 0. Flow 28/10/2026: CD19+ 7 %. ANA 1/320.
Biopsy now pure membranous - not candidate for CAR-T (requires III/IV). Consider other trials."""),
], g={"biopsy": "not_met"}, arch="pure_class_v", harch="eligible_pure_class_v")

# ---------------------------------------------------------------- W013 Napoli
pt("W013", None, None, [
("2026-09-24", "pathology report", """Referto biopsia renale 22/09/2026
14 glomeruli; mesangial and endocapillary proliferation; IF: dominant C3 (+++), IgG trace, C1q negative.
Diagnosis: C3 glomerulonephritis. No features of lupus nephritis."""),
("2026-10-05", "outpatient clinic note", """Ambulatorio 05/10/2026
10-year-old girl, hematuria and proteinuria after a pharyngitis in August.
Suspected SLE at the beginning - the 2019 EULAR/ACR classification criteria are not fulfilled (ANA 1:80 weak, anti-dsDNA negative, anti-Sm negative, C3 low, C4 normal). SLE ruled out for the moment; working diagnosis C3 glomerulonephritis.
Family history: mother has SLE (diagnosed 2015).
Prednisone 1 mg/kg started 25/09/2026.
Esami 03/10/2026: Hb 11,8 g/dl; GB 8,2 x10^9/L; neutrofili 5,1; linfociti 2,4; PLT 310; GPT 15 U/L (0-35); GOT 22 U/L (0-40); bilirubina totale 0,3 mg/dl (0,3-1,2); creatinina 0,49 mg/dl; uPCR 0,9 g/g; INR 1,0 (0,8-1,2); PT 11,2 s (9,8-12,6).
Height 140 cm. Lansky 100."""),
("2026-11-16", "telephone note", """Telefonata 16/11/2026: the mother asks about the lupus trial she read on internet. Explained that her daughter does not have lupus nephritis. Prednisone tapering."""),
], g={"sle": "not_met", "biopsy": "not_met", "sledai": "unknown", "refractory": "not_met", "cd19": "unknown"},
   h={"age": "not_met", "sle": "not_met", "biopsy": "not_met", "upcr": "not_met"},
   arch="not_sle_c3gn_family_history", harch="not_sle_c3gn_family_history")

# ---------------------------------------------------------------- W014 Lisboa
pt("W014", None, None, [
("2026-02-20", "pathology report", """Anatomia Patologica - Lisboa. Biopsia renal realizada a 18/02/2026.
Nefrite lupica classe III (A) + V (ISN/RPS 2018). IA 5/24, IC 2/12."""),
("2026-03-10", "outpatient clinic note", """Consulta 10/03/2026
19-year-old woman, SLE since the age of 16 (2023) with LN. GC since 2023, MMF since 2023; Prograf added 03/2026 after the new biopsy.
Transition from paediatric to adult nephrology."""),
("2026-06-30", "laboratory report", """Analises 30/06/2026: UPC 1,9 g/g; Hb 10,2 g/dl; creatinina 1,10 mg/dl."""),
("2026-10-14", "outpatient clinic note", """Consulta 14/10/2026
Analises 12/10/2026: Hb 9,4 g/dl (12,0-15,5) L; leucocitos 4,2 x10^9/L; neutrofilos 2,6 x10^9/L; linfocitos 0,9 x10^9/L; plaquetas 156 x10^9/L;
ALT 21 U/L (<33); AST 25 U/L (<32); bilirrubina total 0,5 mg/dl (<1,2); creatinina 1,21 mg/dl; TFG (CKD-EPI) 64 ml/min/1,73m2.
Urine sample not collected today (menstruation) - UPC to repeat.
SLEDAI-2K 6. ECOG 1. ANA 1:160 (2023)."""),
], g={"age": "not_met", "biopsy": "unknown", "sledai": "not_met", "refractory": "unknown", "cd19": "unknown",
      "lymph": "not_met", "inr": "unknown", "pt": "unknown"},
   h={"upcr": "unknown"}, arch="young_adult_over_age", harch="upcr_stale")

# ---------------------------------------------------------------- W015 Recife
pt("W015", "2018-02-02", "M", [
("2026-07-08", "pathology report", """Laudo de biopsia renal 06/07/2026: nefrite lupica classe IV-G (A), ISN/RPS 2018. Atividade 11/24, cronicidade 0/12."""),
("2026-07-20", "discharge report", """Relatorio de alta 20/07/2026
8 yo boy. SLE diagnosed 10/2025 (ANA 1:640, anti-dsDNA +, low C3, arthritis, rash). Prednisolone (Prelone) since 10/2025, hydroxychloroquine.
MMF was discussed with the family but they declined; azathioprine 2 mg/kg was started 11/2025 instead.
This admission: IV methylprednisolone pulses 3 x 30 mg/kg (07/2026), biopsy 06/07 class IV-G.
Plan: if no response, will add mycophenolate or cyclophosphamide."""),
("2026-11-04", "outpatient clinic note", """Consulta 04/11/2026
Proteinuria persists. Family still not agree with MMF. Continues prednisolone + AZA + HCQ.
Exames 03/11/2026: Hb 11,6 g/dL; leucocitos 7,4 x10^9/L; neutrofilos 4,5; linfocitos 2,0; plaquetas 302; ALT 18 U/L (ate 41); AST 25 U/L (ate 40); bilirrubina total 0,3 mg/dL (0,2-1,0); creatinina 0,45 mg/dL; RPC 2,2 g/g; INR 1,0 (0,9-1,2); TP 12,0 s (10,5-13,5).
Altura 128 cm. SLEDAI-2K 14. Lansky 70. Flow cytometry 03/11/2026: CD19+ 18 %."""),
], g={"refractory": "unknown"}, h={"age": "not_met"}, arch="one_listed_agent_only", harch="under_age")

# ---------------------------------------------------------------- W016 Valencia
pt("W016", "2010-07-19", "F", [
("2026-06-05", "pathology report", """Anatomia Patologica - Hospital La Albufera, Valencia
Biopsia renal 03/06/2026: nefritis lupica clase III (A/C), ISN/RPS 2018. IA 6/24, IC 3/12."""),
("2026-06-15", "outpatient clinic note", """Consulta 15/06/2026. 15 yo girl with SLE since 2024, on GC since 03/2024 and MMF since 04/2024; proteinuria 1,6 g/g with active class III in the biopsy. Added FK (Prograf) 0,1 mg/kg/d. SLEDAI-2K 10."""),
("2026-10-26", "outpatient clinic note", """Consulta 26/10/2026
16 yo. Excellent evolution with MMF + FK + low dose Dacortin 5 mg.
Analitica 24/10/2026: Hb 12,8 g/dl; leucocitos 6,0 x10^9/L; neutrofilos 3,7; linfocitos 1,6; plaquetas 240; GPT/ALT 12 (5-33); GOT/AST 18 (10-40); bilirrubina total 0,4 mg/dl; creatinina 0,62 mg/dl; FGe Schwartz 110; UPCR 0,18 g/g; INR 1,0; TP 11,6 s (10,5-13,5).
Complete renal remission (UPCR < 0,5 with normal renal function) since septiembre 2026.
SLEDAI-2K 4 (low complement + anti-DNA). ECOG 0. Flow cytometry 24/10/2026: CD19+ 9 %. ANA 1:320.
Not candidate for CAR-T - in remission."""),
], g={"sledai": "not_met", "refractory": "not_met"}, h={"upcr": "not_met"}, arch="complete_remission", harch="upcr_below_threshold")

# ---------------------------------------------------------------- W017 Rosario
pt("W017", None, None, [
("2026-08-30", "admission report", """INGRESO - Hospital de Ninos de Rosario, 30/08/2026
13-year-old male admitted with severe autoimmune haemolytic anaemia and nephritic syndrome.
SLE since 2024 (ANA 1/1280, anti-dsDNA +, Coombs +). GC since 03/2024, MMF since 04/2024. Proteinuria did not remit in 2 years.
Plan: renal biopsy, MP bolus."""),
("2026-09-04", "pathology report", """Biopsia renal 02/09/2026: Nefritis lupica clase IV-G (A) + V (ISN/RPS 2018). IA 14/24, IC 2/12."""),
("2026-11-14", "laboratory report", """LABORATORIO - 14/11/2026
 Hemoglobina        5,4  g/dl   (13,0-16,0) L
 Reticulocitos      9,8  %      H
 Leucocitos         3,4  x10^9/L (4,5-13,0) L
 Neutrofilos        2,3  x10^9/L
 Linfocitos         1,0  x10^9/L
 Plaquetas           88  x10^9/L (150-400) L
 GPT                 20  UI/L (7-41)
 GOT                 48  UI/L (13-40) H
 Bilirrubina total  1,6  mg/dl (0,2-1,2) H
 LDH                890  UI/L H
 Creatinina         0,80 mg/dl
 UPCR               2,6  g/g
 INR                1,1  (0,8-1,2)
 TP                13,2  s (11-14)"""),
("2026-11-15", "outpatient clinic note", """Guardia/Consultorio 15/11/2026
Hb fell to 5,4 g/dl - haemolytic flare. Transfusion of packed red cells indicated, planned for tomorrow; MP bolus again.
SLEDAI-2K 20. Lansky 60. Flow cytometry 10/11/2026: CD19+ 5 %. Talla 152 cm, eGFR Schwartz 78.
CAR-T evaluation postponed until anaemia is controlled."""),
], g={"hb": "not_met"}, h={"x_hb": "met"}, arch="hb_below_60_gdl_units", harch="hb_below_8")

# ---------------------------------------------------------------- W018 Ciudad de Mexico
pt("W018", "2009-10-10", "F", [
("2026-08-20", "pathology report", """REPORTE DE PATOLOGIA RENAL - CDMX
Biopsia 18/08/2026: Lupus nephritis class IV-G (A/C) + V (ISN/RPS 2018). Activity index 14/24, chronicity index 5/12. 30% cellular crescents."""),
("2026-09-01", "discharge report", """Nota de egreso 01/09/2026. 16 y/o female. SLE since 01/2024. Prednisone since 01/2024, MMF since 01/2024; NIH protocol cyclophosphamide 2025 (last pulse 09/2025). Readmitted 08/2026 for rapidly progressive GN; MP pulses x3. MMF continued, tacrolimus added."""),
("2026-11-06", "laboratory report", """LABORATORIO CENTRAL - 06/11/2026
 Hb          8.9 g/dL   (12.0-15.5) L
 WBC         5.0 x10^3/uL (4.5-11.0)
 Neut        3.6 x10^3/uL
 Lymph       1.1 x10^3/uL
 Plt         140 x10^3/uL (150-450) L
 ALT          17 U/L (7-35)
 AST          21 U/L (13-35)
 T Bil       0.5 mg/dL (0.2-1.2)
 Creatinine  2.9 mg/dL (0.5-1.0) H
 UPCR        5.2 mg/mg H
 INR         1.0
 PT         12.0 s (10.5-13.5)"""),
("2026-11-08", "outpatient clinic note", """Consulta 08/11/2026
17 y/o. Height 160 cm, weight 52 kg. Persistent nephrotic proteinuria and renal impairment due to active lupus nephritis (creatinine 2.9).
SLEDAI-2K 22. Karnofsky 70. Flow cytometry 06/11/2026: CD19+ 20 %. ANA 1:1280.
Refer to CAR-T trial; renal function impairment is from SLE."""),
], g={"egfr": "manual"}, h={"egfr": "not_met"}, arch="egfr_below_30_computed_schwartz", harch="egfr_below_45")

# ---------------------------------------------------------------- W019 Milano
pt("W019", None, None, [
("2026-07-22", "pathology report", """Referto istologico - biopsia renale 20/07/2026: nefrite lupica classe IV-S (A), ISN/RPS 2018; AI 9/24, CI 1/12."""),
("2026-11-03", "outpatient clinic note", """Ambulatorio Reumatologia Pediatrica - Milano, 03/11/2026
15 y.o. boy, SLE since 2024 with secondary antiphospholipid syndrome (DVT left leg 2025), on warfarin (Coumadin), target INR 2-3.
GC since 02/2024; MMF since 03/2024; CyA 2025 (stopped for hypertension).
Esami 02/11/2026: Hb 13,0 g/dl; GB 6,8 x10^9/L; neutrofili 4,4; linfociti 1,7; PLT 190; GPT/ALT 24 U/L (0-45); GOT/AST 20 U/L (0-40); bilirubina totale 0,8 mg/dl (0,3-1,2); creatinina 0,78 mg/dl; eGFR (Schwartz) 90 ml/min/1,73m2;
uPCR 1,4 g/g; INR 1,7 (0,8-1,2) - subtherapeutic, warfarin dose increased; PT 16,9 sec (9,8-12,6).
SLEDAI-2K 12. ECOG 0. Citofluorimetria 02/11/2026: CD19+ 13 %. ANA 1:640.
Proteinuria not in remission after > 2 years: refractory LN. Propose CAR-T (haematology to plan bridging of anticoagulation)."""),
("2026-11-17", "telephone note", """Telefonata 17/11/2026: father confirms interest in the study. No bleeding."""),
], arch="eligible_inr_high_within_1.5x_local_uln", harch="eligible")

# ---------------------------------------------------------------- W020 Bilbao
pt("W020", "2014-03-03", "F", [
("2026-08-10", "pathology report", """Informe de Anatomia Patologica - Bilbao. Biopsia renal 06/08/2026: LN class III (A) + V, ISN/RPS 2018. AI 6/24, CI 1/12."""),
("2026-10-18", "referral letter", """Carta de remision 18/10/2026
12 years old girl moved from another region. SLE since 05/2025: ANA positivo (titre not reported by the previous laboratory), anti-dsDNA 340 UI/ml, anti-Sm positive, low C3.
GC since 05/2025, Myfortic (mycophenolate sodium) 360 mg bid since 06/2025. Possible rituximab at the other centre in 2026? - records requested, not confirmed by the family.
Proteinuria did not remit: UPCR 1,5 g/g (16/10/2026).
Analitica 16/10/2026: Hb 11,7 g/dl (11,5-15,5); leucocitos 5,2 x10^9/L; neutrofilos 3,0; linfocitos 1,4; plaquetas 199; GPT 17 U/L (5-33); GOT 23 U/L (10-40); bilirrubina total 0,5 mg/dl (0,2-1,2); creatinina 0,57 mg/dl; FGe Schwartz 108; INR 1,1 (0,8-1,2); TP 12,8 s (10,5-13,5).
SLEDAI-2K 10. Lansky 90. Flow cytometry 16/10/2026: CD19+ 10 %."""),
("2026-11-10", "outpatient clinic note", """Consulta 10/11/2026. ANA titre requested again (pending). Patient well. Will present in CAR-T committee."""),
], g={"ana": "unknown"}, arch="ana_positive_no_titre", harch="eligible_rtx_uncertain")

# ---------------------------------------------------------------- W021 Coimbra
pt("W021", "2012-11-25", "M", [
("2026-02-12", "day-hospital infusion note", """Hospital de Dia Pediatrico - Coimbra, 12/02/2026
13 yo boy, LN class IV refractory to GC (since 01/2025) and MMF (since 02/2025). MMF suspended. 1st pulse of Endoxan 500 mg/m2 (NIH protocol, monthly x 6) given today."""),
("2026-07-20", "day-hospital infusion note", """Hospital de Dia 20.07.2026: 6th and last pulse of Endoxan (NIH protocol) administered. Good tolerance."""),
("2026-09-03", "pathology report", """Biopsia renal 01/09/2026 (post-induction): nefrite lupica classe IV-G (A), ISN/RPS 2018; IA 8/24, IC 3/12. Persistent activity."""),
("2026-11-02", "laboratory report", """Patologia Clinica - colheita 02/11/2026
 Hemoglobina      11,0 g/dL   (11,5-15,5) L
 Leucocitos       3800 /mm3   (4500-13500) L
 Neutrofilos      2700 /mm3   (1500-8000)
 Linfocitos        620 /mm3   (1000-4800) L
 Plaquetas      170000 /mm3
 ALT                19 U/L (<41)
 AST                24 U/L (<40)
 Bilirrubina total 0,4 mg/dL (<1,2)
 Creatinina       0,70 mg/dL
 Rel. proteinas/creatinina 2,0 g/g
 INR               1,1 (0,8-1,2); TP 12,0 s (10,0-13,0)"""),
("2026-11-03", "outpatient clinic note", """Consulta 03/11/2026
Proteinuria did not remit after NIH protocol; MMF restarted 08/2026. SLEDAI-2K 12. ECOG 1.
Lymphopenia 620/mm3 (probably post-cyclophosphamide + active lupus).
Flow cytometry 02/11/2026: CD19+ 4 % (25 cells/uL). TFGe Schwartz 80. ANA 1:640.
CAR-T screening: lymphocytes below 1000/mm3 - to repeat in 4 weeks."""),
], g={"lymph": "not_met"}, arch="lymphopenia_per_mm3", harch="eligible_cyc_outside_3m")

# ---------------------------------------------------------------- W022 Belo Horizonte
pt("W022", None, None, [
("2026-06-10", "outpatient clinic note", """Ambulatorio de Transplante Renal - Belo Horizonte, 10/06/2026
20-year-old man. SLE since age 11 with LN class IV evolving to ESKD; haemodialysis 2020-2022; kidney transplant (living donor, mother) in 03/2022.
Induction with basiliximab; rituximab 200 mg single dose for desensitisation 03/2022.
Maintenance: tacrolimus + MMF + prednisone since 03/2022.
Now new proteinuria 1,3 g/g and haematuria - graft biopsy to be done."""),
("2026-09-17", "pathology report", """Laudo - biopsia do enxerto renal 15/09/2026
Recurrent lupus nephritis in the allograft, class III (A), ISN/RPS 2018; no rejection (Banff: no ABMR, no TCMR). IA 5/24, IC 3/12."""),
("2026-10-25", "outpatient clinic note", """Consulta 25/10/2026
Exames 22/10/2026: Hb 12,2 g/dL; leucocitos 5,5 x10^9/L; neutrofilos 3,5; linfocitos 1,2; plaquetas 188; ALT 20 U/L (ate 41); AST 22 U/L (ate 40); bilirrubina total 0,6 mg/dL (0,2-1,2); creatinina 1,6 mg/dL; eGFR (CKD-EPI) 52 mL/min/1,73m2; RPC 1,3 g/g; INR 1,0 (0,9-1,2); TP 12,1 s (10,5-13,5).
SLEDAI-2K 8. ECOG 1. ANA 1:320. Flow cytometry not done.
Persistent proteinuria on tacrolimus + MMF + prednisone."""),
], g={"age": "not_met", "cd19": "unknown"}, h={"x_tx": "met"}, arch="young_adult_over_age", harch="kidney_transplant")

# ---------------------------------------------------------------- W023 Puebla
pt("W023", None, None, [
("2025-11-10", "outpatient clinic note", """Consulta Reumatologia Pediatrica - Puebla, 10/11/2025
16-year-old female, SLE diagnosed 09/2025 with nephritis (ANA 1:640, anti-dsDNA +, low C3). Prednisone + MMF started 09/2025.
Proteinuria 2.8 g/g."""),
("2026-10-12", "pathology report", """Patologia - biopsia renal 10/10/2026: Lupus nephritis class IV-G (A), ISN/RPS 2018. Activity index 16/24, chronicity index 2/12."""),
("2026-11-10", "admission report", """INGRESO UCI PEDIATRICA 10/11/2026
Female adolescent with refractory LN (prednisone + MMF > 1 year, proteinuria never remitted), admitted with septic shock from pneumonia; norepinephrine infusion since 09/11/2026.
Labs 10/11/2026: Hb 7.6 g/dL (12.0-15.5) L; WBC 12.3 x10^3/uL; Neut 10.1 x10^3/uL; Lymph 1.2 x10^3/uL; Plt 95 x10^3/uL;
ALT 45 U/L (7-35) H; AST 60 U/L (13-35) H; T bili 1.0 mg/dL (0.2-1.2); creatinine 1.4 mg/dL; eGFR (bedside Schwartz) 48;
UPCR 4.5 mg/mg; INR 1.3 (0.8-1.2) H; PT 14.5 s (10.5-13.5) H.
SLEDAI-2K 24. Karnofsky 40. No flow cytometry available."""),
], g={"cd19": "unknown", "hemo": "not_met", "ecog": "not_met"}, h={"x_hb": "met"},
   arch="shock_vasopressors_karnofsky_40", harch="hb_below_8")

# ---------------------------------------------------------------- W024 Malaga
pt("W024", None, None, [
("2025-12-01", "outpatient clinic note", """Consulta Nefrologia Infantil - Malaga, 01/12/2025
Male, DOB 17.03.2009. SLE since 2023 with LN class IV. GC since 04/2023, MMF since 05/2023, Advagraf since 02/2025. Benlysta IV monthly started 10/2025.
UPCR 1,5 g/g. Continue."""),
("2026-06-12", "pathology report", """Anatomia Patologica - biopsia renal 10/06/2026: LN class IV-G (A) + V (ISN/RPS 2018). Activity 9/24, chronicity 2/12."""),
("2026-09-29", "day-hospital infusion note", """Hospital de Dia 29/09/2026. Benlysta 10 mg/kg IV infusion nr. 12, no incidents.
Previous analysis (03/03/2026): Hb 9,1 g/dl, creatinina 0,9 mg/dl - old result, for reference."""),
("2026-11-10", "laboratory report", """LABORATORIO - HOSPITAL COSTA DEL SOL - 10/11/2026
 Hemoglobina         128  g/L      130-170    L
 Leucocitos          6,3  x10E9/L  4,0-11,0
 Neutrofilos         3,9  x10E9/L  1,8-7,5
 Linfocitos          1,7  x10E9/L  1,0-4,0
 Plaquetas           233  x10E9/L  150-400
 ALT                  35  U/L      0-41
 AST                  30  U/L      0-40
 Bilirrubina total    24  umol/L   5-21       H
 Creatinina           75  umol/L   45-90
 Cociente prot/creat  95  mg/mmol  <15        H
 INR                 1,0           0,8-1,2
 T. protrombina     12,3  s        10,0-13,5"""),
("2026-11-12", "outpatient clinic note", """Consulta 12/11/2026
17 yo boy. Proteinuria persistent (95 mg/mmol) after 3 years of GC + MMF + Advagraf + belimumab. Mild isolated hyperbilirubinaemia, no haemolysis.
SLEDAI-2K 9. ECOG 0. Talla 176 cm. Flow cytometry 10/11/2026: CD19+ 16 %. ANA 1:320 (2023).
Candidate for CAR-T trial."""),
], h={"upcr": "not_met"}, arch="eligible_si_units_bilirubin_umol", harch="upcr_mg_mmol_below_1gg")

# ---------------------------------------------------------------- W025 Torino
pt("W025", "2013-05-21", "F", [
("2026-07-01", "pathology report", """Anatomia Patologica - Torino. Biopsia renale 29/06/2026: nefrite lupica classe IV-G (A), ISN/RPS 2018. AI 10/24, CI 2/12."""),
("2026-11-04", "laboratory report", """Laboratorio - prelievo 04/11/2026
 Emoglobina 12,2 g/dl (12,0-16,0)
 Globuli bianchi 5,8 x10^9/L ; neutrofili 3,3 ; linfociti 1,9
 Piastrine: campione coagulato - da ripetere
 GPT/ALT 20 U/L (0-35) ; GOT/AST 25 U/L (0-35)
 Bilirubina totale 2,9 mg/dl (0,3-1,2) H ; bilirubina indiretta 2,5 mg/dl
 Creatinina 0,60 mg/dl
 uPCR 1,7 g/g H
 INR 1,05 (0,80-1,20) ; PT 11,8 s (9,8-12,6)"""),
("2026-11-05", "outpatient clinic note", """Ambulatorio 05/11/2026
13-year-old girl with known Gilbert syndrome (UGT1A1 genotyped 2022), isolated indirect hyperbilirubinaemia as always.
SLE since 2025; GC since 02/2025, MMF since 03/2025, FK since 07/2026. Proteinuria did not remit (uPCR 1,7).
SLEDAI-2K 11. Lansky 90. eGFR (Schwartz) 101. Flow cytometry 04/11/2026: CD19+ 12 %. ANA 1:640.
Platelets to repeat (clotted sample). Proposal: CAR-T study."""),
], h={"x_plt": "unknown"}, arch="eligible_gilbert_bilirubin", harch="platelets_missing")

# ---------------------------------------------------------------- W026 Mendoza
pt("W026", None, None, [
("2026-08-27", "pathology report", """Informe de Anatomia Patologica - Mendoza. PBR del 25/08/2026: nefritis lupica clase III (A/C) + V (ISN/RPS 2018); IA 7/24, IC 3/12."""),
("2026-10-01", "outpatient clinic note", """Consultorio Nefrologia Infantil 01/10/2026
10-year-old boy, LES since 03/2025 (ANA 1/160, anti-DNA +, hypocomplementemia). Meprednisona since 03/2025, tacrolimus since 05/2025, MMF added 09/2026 after the biopsy.
Proteinuria never remitted."""),
("2026-11-11", "outpatient clinic note", """Consultorio 11/11/2026
Laboratorio 09/11/2026: Hb 118 g/L (115-145); GB 7,8 x10^9/L; neutrofilos 5,2 x10^9/L; linfocitos 1,9 x10^9/L; plaquetas 290 x10^9/L;
GPT/ALT 18 U/L (7-40); GOT/AST 31 U/L (10-40); bilirrubina total 5 umol/L (3-17); creatinina 42 umol/L; eGFR (Schwartz) 92 ml/min/1,73m2;
UPCR 0,9 g/g; INR 1,08 (0,8-1,2); TP 12,9 s (11-14).
SLEDAI-2K 8. Lansky 80. Flow cytometry 09/11/2026: CD19+ 17 % (312 cel/ul).
The venous access is acceptable (good antecubital veins)."""),
], h={"age": "not_met", "upcr": "not_met"}, arch="eligible_sledai_exactly_8", harch="under_age")

# ---------------------------------------------------------------- W027 Curitiba
pt("W027", None, None, [
("2026-05-12", "flow cytometry report", """Imunofenotipagem de linfocitos - coleta 10/05/2026
CD3+ 70 %; CD4+ 40 %; CD8+ 26 %; CD19+ 9 % (180 cells/uL); NK 15 %."""),
("2026-06-17", "pathology report", """Laudo de biopsia renal 15/06/2026: diffuse proliferative lupus nephritis (class IV), ISN/RPS 2018. Activity 10/24, chronicity 1/12."""),
("2026-09-20", "outpatient clinic note", """Ambulatorio Reumatologia Pediatrica - Curitiba, 20/09/2026
14-year-old girl with SLE since 2024 (ANA 1:320). Prednisone since 06/2024 + MMF since 07/2024; tacrolimus added 06/2026. Proteinuria did not remit.
If there is no response at 6 months, MabThera is planned (discussed with family)."""),
("2026-11-09", "outpatient clinic note", """Consulta 09/11/2026
Exames 06/11/2026: Hb 11,9 g/dL (12-16) L; leucocitos 6,4 x10^9/L; neutrofilos 4,0; linfocitos 1,6; plaquetas 255; TGP/ALT 16 U/L (ate 35); TGO/AST 20 U/L (ate 35); bilirrubina total 0,4 mg/dL (0,2-1,2); creatinina 0,66 mg/dL; TFGe Schwartz 95; RPC 1,6 g/g; INR 1,0 (0,9-1,2); TP 12,3 s (10,5-13,5).
SLEDAI-2K 12. ECOG 0. Last flow cytometry was in maio 2026 (CD19+ 9 %) - to be repeated.
Rituximab not given yet."""),
], g={"cd19": "unknown"}, arch="flow_stale", harch="eligible_rtx_only_planned")

# ---------------------------------------------------------------- W028 Braga
pt("W028", None, None, [
("2026-08-14", "pathology report", """Anatomia Patologica - Braga. Biopsia renal 12/08/2026: diffuse proliferative lupus nephritis (WHO class IV), ISN/RPS IV-G (A); AI 11/24, CI 2/12."""),
("2026-09-02", "referral letter", """Carta de referenciacao 02/09/2026
Adolescent girl followed in our hospital for SLE with LN since 2024. Corticoids since 05/2024, MMF since 06/2024, ciclosporin (CyA) 2025, later changed to tacrolimus (FK) 01/2026.
The proteinuria never remitted and the new biopsy (12/08/2026) shows active class IV. Please evaluate for CAR-T."""),
("2026-11-06", "outpatient clinic note", """Consulta 06/11/2026
Analises 05/11/2026: Hb 10,6 g/dl (12,0-15,0) L; leucocitos 4,9 x10^9/L; neutrofilos 3,1; linfocitos 1,2; plaquetas 180;
ALT 28 U/L (<33); AST 30 U/L (<32); bilirrubina total 0,6 mg/dl (<1,2); creatinina 0,80 mg/dl; TFGe (Schwartz) 84;
UPC 2,3 g/g; INR 1,1 (0,8-1,2); TP 12,7 s (9,4-12,5) H.
SLEDAI-2K 13. ECOG 1. Flow cytometry 05/11/2026: CD19+ 11 %. ANA 1:1280."""),
], g={"age": "unknown"}, h={"age": "unknown"}, arch="age_not_documented", harch="age_not_documented")

# ---------------------------------------------------------------- W029 Merida
pt("W029", "2011-01-30", "M", [
("2026-03-03", "outpatient clinic note", """Consulta Nefrologia Pediatrica - Merida, 3rd March 2026
15 yo boy with SLE since 2024. GC since 08/2024 and cyclosporine (CyA) since 09/2024; MMF added 01/2026 for persistent proteinuria (24-h urine protein 2.1 g)."""),
("2026-10-05", "pathology report", """Reporte de patologia - biopsia renal 02/10/2026: Lupus nephritis class III (A), ISN/RPS 2018; AI 8/24, CI 1/12."""),
("2026-11-13", "laboratory report", """LABORATORIO - 13/11/2026
 Hemoglobin 12.6 g/dL (13.0-17.0) L | WBC 5.9 x10^3/uL | Neutrophils 3.4 x10^3/uL | Lymphocytes 1.4 x10^3/uL | Platelets 228 x10^3/uL
 ALT 29 U/L (10-40) | AST 27 U/L (10-40) | Total bilirubin 0.6 mg/dL (0.2-1.2)
 Creatinine 0.74 mg/dL | eGFR (Schwartz) 98 mL/min/1.73m2
 24-h urine protein 1.8 g/24h (<0.15) H
 INR 1.0 (0.9-1.2) | PT 12.4 s (11.0-13.5)"""),
("2026-11-16", "telephone note", """Nota telefonica 16/11/2026
Results explained to the father. SLEDAI-2K 10 (calculated at visit of 13/11/2026). ECOG 0. Flow cytometry 13/11/2026: CD19+ 14 %. ANA 1:640 (2024).
Proteinuria 1.8 g/24h - no remission after > 2 years of CyA + GC + MMF. Appointment for CAR-T screening 24/11/2026."""),
], arch="eligible", harch="eligible")

# =================================================================== build
SEED_KEYS = ["age", "sle", "biopsy", "sledai", "refractory", "cd19", "venous", "consent", "lymph", "wbc",
             "anc", "hb", "alt", "ast", "tbil", "egfr", "inr", "pt", "hemo", "ana", "ecog"]
SEED_MANUAL = {"venous", "consent", "hemo"}
HO_INC = ["age", "sle", "biopsy", "upcr", "egfr"]
HO_EXC = ["x_rtx", "x_cyc", "x_hb", "x_plt", "x_liver", "x_tx"]

def status(crit, inc, exc):
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

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    notes, gold = [], []
    for pid, bd, sex, nl, g, h, arch, harch in P:
        for i, (d, typ, text) in enumerate(nl, 1):
            row = {"patient_id": pid, "note_id": f"{pid}-N{i}", "note_date": d, "note_type": typ, "text": text}
            if bd:
                row["birth_date"] = bd
                row["sex"] = sex
            notes.append(row)
        c = {k: ("manual" if k in SEED_MANUAL else "met") for k in SEED_KEYS}
        c.update(g)
        assert set(c) == set(SEED_KEYS), pid
        st = status(c, SEED_KEYS, [])
        gold.append({"trial": "NCT06904729", "patient_id": pid, "status": st,
                     "relevance": relevance(st, c, ["sle", "biopsy", "refractory"]), "criteria": c, "archetype": arch})
        c2 = {k: "met" for k in HO_INC}
        c2.update({k: "not_met" for k in HO_EXC})
        c2.update(h)
        assert set(c2) == set(HO_INC + HO_EXC), pid
        st = status(c2, HO_INC, HO_EXC)
        gold.append({"trial": "HO-LN-6", "patient_id": pid, "status": st,
                     "relevance": relevance(st, c2, ["sle", "biopsy", "upcr"]), "criteria": c2, "archetype": harch})
    with open(os.path.join(here, "notes.jsonl"), "w") as f:
        for r in notes:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(here, "gold.jsonl"), "w") as f:
        for r in gold:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(P), "patients", len(notes), "notes")
    from collections import Counter
    for t in ("NCT06904729", "HO-LN-6"):
        print(t, Counter(r["status"] for r in gold if r["trial"] == t),
              Counter(r["relevance"] for r in gold if r["trial"] == t))

if __name__ == "__main__":
    main()
