"""The non-lupus paediatric conditions of the invented patients, as data.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.tools.synth.phrases import (
    _alts,
)

# --- non-lupus conditions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Condition:
    """A non-lupus paediatric condition: the wording its notes draw on."""

    key: str
    names: tuple[str, ...]
    hpi: tuple[str, ...]
    meds: tuple[str, ...]
    exam: tuple[str, ...]
    assess: tuple[str, ...]
    plan: tuple[str, ...]
    labs: tuple[str, ...]  # lab panels, see _other_labs
    admit: tuple[str, ...]  # reasons for an admission (discharge summaries)
    types: tuple[int, ...]  # weights of NOTE_TYPES
    pathology: tuple[str, ...]  # histology diagnoses; none: no pathology notes
    onset: tuple[int, int] = (0, 1500)  # days from onset to the first note


# One block per condition; a "field:" line adds its " | "-separated items to that field.
_CONDITION_TEXT = """
@asthma
names: asthma | moderate persistent asthma | allergic asthma | brittle asthma
hpi: Known {cond} since {dxm}, with {n} courses of oral steroids in the last year.
hpi: Nocturnal cough and wheeze about twice a week, worse with colds.
hpi: Uses the reliever inhaler {n} times a week; symptoms with exercise in PE lessons.
hpi: One emergency attendance for wheeze since the last visit, no PICU admissions.
hpi: Inhaler technique checked with a spacer and found adequate.
hpi: Triggers include house dust mite, cold air and viral infections.
meds: beclometasone 100 mcg two puffs bd via spacer | salbutamol 100 mcg prn
meds: montelukast 5 mg nocte | fluticasone/salmeterol 125/25 two puffs bd | cetirizine 10 mg od
exam: Mild expiratory wheeze bilaterally; no recession. | Peak flow {pf} L/min.
exam: SpO2 98% in air, no increased work of breathing.
assess: Partly controlled asthma; adherence is the main issue.
assess: Asthma well controlled on the current step of treatment.
plan: Step up to a combination inhaler if symptoms persist.
plan: Personalised asthma action plan updated. | Spirometry with reversibility next visit.
plan: Consider a trial of montelukast.
labs: cbc ige
admit: acute severe asthma needing back-to-back salbutamol and IV magnesium
admit: viral-induced wheeze with an oxygen requirement
types: 36 34 0 0 5 6

@t1dm
names: type 1 diabetes | T1DM | type 1 diabetes mellitus | insulin-dependent diabetes
hpi: Diagnosed with {cond} in {dxm} after presenting in DKA.
hpi: On a basal-bolus regimen and carbohydrate counting well.
hpi: Two mild hypoglycaemic episodes this month, both self-treated.
hpi: Latest HbA1c {a1c} mmol/mol, down from the previous value.
hpi: Using a continuous glucose monitor with time in range about {tir}%.
hpi: Injection sites rotated; no lipohypertrophy reported.
meds: insulin glargine {u} units at night | insulin aspart by carbohydrate ratio 1:10
meds: glucagon kit at home and school | dextrose tablets prn
exam: Injection sites healthy. | Feet examined: normal sensation. | Thyroid not palpable.
assess: Type 1 diabetes with suboptimal control. | Good glycaemic control; no complications.
plan: Annual screening bloods: thyroid function, coeliac serology, lipids.
plan: Retinal screening referral. | Review insulin-to-carbohydrate ratios with the nurse.
plan: Consider an insulin pump.
labs: cbc diabetes
admit: diabetic ketoacidosis | hypoglycaemia with a seizure at home
types: 36 34 0 0 5 6

@epilepsy
names: epilepsy | focal epilepsy | childhood absence epilepsy | generalised epilepsy
hpi: Known {cond} since {dxm}; last seizure {n} weeks ago.
hpi: Events described as brief staring spells with eyelid flutter.
hpi: One generalised tonic-clonic seizure lasting about three minutes, self-terminating.
hpi: EEG showed generalised 3 Hz spike-wave discharges. | MRI brain reported as normal.
hpi: No injuries from seizures; the school is aware of the care plan.
meds: sodium valproate 300 mg bd | levetiracetam 500 mg bd | lamotrigine 50 mg bd
meds: buccal midazolam 10 mg prn for seizures over 5 minutes | ethosuximide 250 mg bd
exam: No neurocutaneous stigmata. | Cranial nerves intact; reflexes symmetrical.
assess: Epilepsy with good seizure control on monotherapy.
assess: Breakthrough seizures, probably related to missed doses.
plan: Increase levetiracetam to 750 mg bd. | Repeat sleep-deprived EEG.
plan: Water safety and bathing advice reiterated. | Rescue medication plan updated.
labs: cbc lft
admit: prolonged seizure requiring two doses of benzodiazepine
admit: cluster of seizures with an intercurrent febrile illness
types: 36 34 0 0 5 6

@jia
names: juvenile idiopathic arthritis | oligoarticular JIA | polyarticular JIA | JIA
hpi: Diagnosed with {cond} in {dxm}, initially affecting the {joint}.
hpi: Morning stiffness lasting about {n}0 minutes.
hpi: Intra-articular steroid injection to the {joint} gave a good response.
hpi: Uveitis screening up to date; last ophthalmology review normal.
hpi: ANA positive at low titre; rheumatoid factor negative.
meds: methotrexate 15 mg/m2 once weekly sc | folic acid 5 mg weekly
meds: naproxen 250 mg bd with food | adalimumab 40 mg every other week
exam: Active arthritis in the {joint} with a small effusion. | No active joints today.
exam: Mild leg-length discrepancy noted.
assess: JIA in remission on treatment. | Active oligoarthritis; consider escalation.
plan: Continue methotrexate; LFTs every 3 months. | Ophthalmology screening every 3 months.
plan: Physiotherapy programme for the {joint}.
labs: cbc lft inflammatory
admit: flare of arthritis needing IV steroid after septic arthritis was excluded
types: 36 34 0 0 5 6

@nephrotic
names: steroid-sensitive nephrotic syndrome | idiopathic nephrotic syndrome
names: steroid-dependent nephrotic syndrome | frequently relapsing nephrotic syndrome
hpi: Presented in {dxm} with periorbital oedema and heavy proteinuria.
hpi: This is relapse number {n}; urine dipstick 3+ protein for three days.
hpi: Home urine testing diary reviewed: negative for protein for {n} weeks.
hpi: Remission achieved within 10 days of steroids at presentation.
hpi: No haematuria, no hypertension and normal complement at diagnosis.
meds: prednisolone 60 mg/m2 daily | prednisolone 40 mg/m2 alternate days
meds: penicillin V prophylaxis | omeprazole 10 mg od
exam: Periorbital and pedal oedema; abdomen distended with shifting dullness.
exam: No oedema today. | Blood pressure normal for height.
assess: Relapse of nephrotic syndrome. | Nephrotic syndrome in sustained remission.
plan: Wean prednisolone over eight weeks. | Urine dipstick daily and record in the diary.
plan: Consider rituximab for steroid dependence. | Renal biopsy if steroid resistance.
labs: cbc renal albumin upcr
admit: nephrotic relapse with gross oedema needing IV albumin
admit: peritonitis on a background of nephrotic syndrome
types: 30 34 5 4 5 8
pathology: minimal change disease
pathology: focal segmental glomerulosclerosis (FSGS), not otherwise specified

@iga
names: IgA nephropathy | IgA vasculitis with nephritis | HSP nephritis
hpi: Macroscopic haematuria during upper respiratory infections since {dxm}.
hpi: Palpable purpura over the legs and buttocks with abdominal pain at onset.
hpi: Persistent microscopic haematuria with low-grade proteinuria.
meds: lisinopril 5 mg od | omega-3 supplement | prednisolone 1 mg/kg daily (weaning)
exam: Blood pressure {sys}/{dia}. | Healing purpuric rash on the shins.
assess: IgA-related kidney disease with proteinuria on an ACE inhibitor.
plan: Repeat urine protein in six weeks. | Renal biopsy if proteinuria persists.
plan: Monitor blood pressure at home.
labs: cbc renal upcr
admit: acute kidney injury with macroscopic haematuria
types: 32 34 6 0 6 6
pathology: IgA nephropathy with mesangial hypercellularity (Oxford MEST-C M1 E0 S0 T0 C0)
pathology: IgA vasculitis nephritis with focal crescents

@fracture
names: distal radius fracture | supracondylar fracture of the humerus | tibial fracture
names: clavicle fracture
hpi: Fell from a trampoline on {dx}, sustaining a {cond}.
hpi: The injury happened during a football match, with immediate pain and deformity.
hpi: Neurovascular status intact at presentation.
hpi: Manipulated under sedation in the emergency department.
hpi: Cast applied; fracture clinic review arranged.
meds: paracetamol 15 mg/kg qds prn | ibuprofen 10 mg/kg tds prn with food
exam: Cast intact, fingers warm and well perfused. | Mild swelling; sensation normal.
exam: Full range of movement after cast removal.
assess: Fracture healing well. | Uncomplicated fracture, union on X-ray.
plan: Remove cast at 4 weeks. | Repeat X-ray in 2 weeks. | Return to sport after 6 weeks.
labs: cbc
admit: open reduction and internal fixation of a displaced fracture
types: 50 6 0 0 8 14
onset: 0 14

@appendicitis
names: acute appendicitis | perforated appendicitis | appendicitis
hpi: Two days of periumbilical pain migrating to the right iliac fossa.
hpi: Anorexia and one episode of vomiting; low-grade fever.
hpi: Laparoscopic appendicectomy performed on {dx}.
hpi: Ultrasound showed a non-compressible appendix of 9 mm.
meds: co-amoxiclav 400/57 mg bd for 5 days | paracetamol regularly for 48 hours
meds: metronidazole 7.5 mg/kg tds
exam: Port sites clean and dry. | Abdomen soft, mild tenderness at the umbilical port.
exam: Tender in the right iliac fossa with guarding.
assess: Recovering well after appendicectomy. | Post-operative collection excluded.
plan: Wound check with the practice nurse. | Return to school after one week.
plan: No routine surgical follow-up needed.
labs: cbc inflammatory
admit: acute appendicitis managed with laparoscopic appendicectomy
admit: perforated appendicitis with a pelvic collection
types: 30 22 8 0 6 34
onset: 0 7
pathology: acute suppurative appendicitis with serositis
pathology: appendix with transmural inflammation and perforation

@coeliac
names: coeliac disease | celiac disease
hpi: Referred with poor weight gain and loose stools since {dxm}.
hpi: tTG-IgA {ttg} U/mL (ref <7) on a gluten-containing diet.
hpi: Gluten-free diet started; abdominal symptoms improving.
hpi: Seen by the dietitian; the family are coping well with the diet.
meds: gluten-free diet | ferrous fumarate 140 mg bd | vitamin D 1000 units daily
exam: Weight now on the 25th centile. | Mild abdominal distension.
assess: Coeliac disease responding to a gluten-free diet.
plan: Repeat tTG in 6 months. | Annual dietitian review.
labs: cbc iron
admit: dehydration with an intercurrent gastroenteritis
types: 46 34 4 0 8 4
pathology: duodenal biopsy: villous atrophy with intraepithelial lymphocytosis (Marsh 3b)

@crohn
names: Crohn's disease | ileocolonic Crohn's disease | paediatric IBD
hpi: Diagnosed with {cond} in {dxm} after months of abdominal pain and weight loss.
hpi: Faecal calprotectin {fc} µg/g. | Exclusive enteral nutrition gave a good response.
hpi: Perianal disease not present.
meds: azathioprine 2 mg/kg daily | infliximab 5 mg/kg every 8 weeks | mesalazine
exam: Abdomen soft, mild tenderness in the right lower quadrant. | No perianal skin tags.
assess: Crohn's disease in clinical remission. | Active ileal disease.
plan: Check infliximab levels before the next infusion. | MR enterography if symptoms return.
labs: cbc inflammatory lft
admit: flare of Crohn's disease needing IV steroids
types: 42 34 4 0 6 8
pathology: colonic biopsy: chronic active colitis with non-caseating granulomata

@uti
names: recurrent urinary tract infection | vesicoureteric reflux | pyelonephritis
hpi: {n} febrile urinary tract infections since {dxm}.
hpi: Micturating cystourethrogram showed grade III reflux on the left.
hpi: DMSA scan showed a small upper-pole scar on the left kidney.
hpi: Bladder and bowel dysfunction addressed with a toileting programme.
meds: trimethoprim 2 mg/kg at night (prophylaxis) | nitrofurantoin 1 mg/kg nocte
meds: macrogol 1 sachet daily
exam: Abdomen soft; no palpable kidneys. | Blood pressure {sys}/{dia}.
assess: Recurrent UTI with reflux; no new scarring.
plan: Continue prophylaxis for 6 months. | Repeat renal ultrasound in a year.
labs: cbc renal
admit: febrile UTI treated with IV antibiotics
types: 36 34 0 0 5 6

@itp
names: immune thrombocytopenia | ITP | chronic ITP
hpi: Presented in {dxm} with petechiae and a platelet count of {plt}.
hpi: No mucosal bleeding; occasional bruises on the shins.
hpi: Bone marrow not performed; blood film otherwise normal.
meds: eltrombopag 50 mg od | tranexamic acid prn for nosebleeds
exam: Scattered petechiae over the lower legs. | No hepatosplenomegaly.
assess: Chronic ITP, stable without bleeding.
plan: Avoid contact sports while the count is below 50. | Consider a second-line agent.
labs: cbc
admit: epistaxis with a platelet count under 10, treated with IVIG
types: 40 40 0 4 6 6

@cf
names: cystic fibrosis | CF
hpi: Known {cond} (F508del homozygous) diagnosed on newborn screening.
hpi: Cough productive of green sputum for two weeks.
hpi: FEV1 {fev}% predicted at today's spirometry.
hpi: Airway clearance twice daily with physiotherapy.
meds: elexacaftor/tezacaftor/ivacaftor | Creon with meals | dornase alfa nebulised od
meds: azithromycin 250 mg three times a week
exam: Scattered crackles at the right base. | Finger clubbing present.
assess: Pulmonary exacerbation of cystic fibrosis. | Stable CF lung disease.
plan: Two weeks of oral ciprofloxacin. | Sputum culture. | Annual review bloods.
labs: cbc lft renal
admit: pulmonary exacerbation needing 14 days of IV antibiotics
types: 36 34 0 0 5 6

@migraine
names: migraine | migraine without aura | chronic daily headache
hpi: Headaches {n} times a month, frontal, throbbing, with nausea and photophobia.
hpi: Headache diary reviewed; screen time and poor sleep appear to be triggers.
hpi: No early-morning vomiting, no visual loss and no waking from sleep with headache.
meds: ibuprofen 400 mg at onset | sumatriptan nasal spray 10 mg | pizotifen 0.5 mg nocte
exam: Fundi normal with no papilloedema. | Neurological examination normal.
assess: Migraine without red flags.
plan: Regular meals, fluids and sleep. | Start propranolol if the frequency does not fall.
labs: cbc
admit: severe headache; imaging normal
types: 56 10 0 0 10 4

@allergy
names: peanut allergy | tree nut allergy | cow's milk protein allergy | food allergy
hpi: Anaphylaxis after eating a cereal bar containing nuts on {dx}.
hpi: Skin prick test to peanut {n} mm wheal.
hpi: Carries two adrenaline auto-injectors; the school is trained in their use.
meds: adrenaline auto-injector 300 mcg x2 | cetirizine 5 mg prn
exam: Mild eczema in the flexures. | Chest clear.
assess: IgE-mediated food allergy.
plan: Allergy action plan updated. | Consider an oral food challenge.
labs: ige
admit: anaphylaxis treated with intramuscular adrenaline
types: 36 34 0 0 5 6

@infections
names: recurrent infections | suspected primary immunodeficiency | recurrent chest infections
hpi: {n} courses of antibiotics in the last year for chest and ear infections.
hpi: One admission with pneumonia requiring IV antibiotics.
hpi: Immunoglobulins and vaccine responses sent.
meds: co-trimoxazole prophylaxis | amoxicillin courses as needed
exam: Mild bilateral crackles. | Tonsils small; no lymphadenopathy.
assess: Recurrent infections; immunology results awaited.
plan: Lymphocyte subsets and immunoglobulins. | Referral to immunology.
labs: cbc inflammatory
admit: lobar pneumonia treated with IV antibiotics
types: 38 30 0 12 8 8
"""

_LIST_FIELDS = ("names", "hpi", "meds", "exam", "assess", "plan", "admit", "pathology")


def _parse_conditions(text: str) -> tuple[_Condition, ...]:
    conditions = []
    for block in text.split("@")[1:]:
        key, *rows = block.strip().splitlines()
        fields: dict[str, list[str]] = {name: [] for name in _LIST_FIELDS}
        labs: tuple[str, ...] = ()
        types: tuple[int, ...] = ()
        onset = (0, 1500)
        for row in rows:
            name, _, value = row.partition(":")
            if name == "labs":
                labs = tuple(value.split())
            elif name == "types":
                types = tuple(int(w) for w in value.split())
            elif name == "onset":
                low, high = (int(w) for w in value.split())
                onset = (low, high)
            else:
                fields[name].extend(_alts(value))
        conditions.append(
            _Condition(
                key.strip(),
                labs=labs,
                types=types,
                onset=onset,
                **{k: tuple(v) for k, v in fields.items()},
            )
        )
    return tuple(conditions)


_CONDITIONS = _parse_conditions(_CONDITION_TEXT)
_RTX_CONDITIONS = frozenset({"nephrotic", "itp"})  # rituximab is one of their treatments
