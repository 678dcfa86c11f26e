"""Synthetic clinic notes for benchmarks and load tests (`matcher synth`).

Writes a note export in the format `matcher ingest` reads (JSONL rows with patient_id,
note_id, note_date, note_type, text, birth_date, sex) for any number of invented
patients: about 30% childhood lupus nephritis, 15% SLE without nephritis and 55% other
paediatric conditions, each with 3-20 dated notes (clinic letters, lab reports, renal
biopsy reports, flow cytometry, referrals, discharge summaries) in varied wording.

The output exists to make the engine work at realistic volume and text shape (ingest,
parse, match and web-app speed, memory, crash tests). It has no gold labels and its
wording comes from this module's own templates, so it is NEVER evidence of accuracy:
accuracy is measured on notes written by other hands (../shared, hold-out sets).

Generation streams one patient at a time, each from a `random.Random` seeded by (seed,
patient number): memory stays constant however many notes are written, the same seed
always gives the same bytes, and patient k is the same whatever `patients` is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import TypeVar

from matcher.nlp.dates import completed_years

T = TypeVar("T")

# Notes end on or before this date: the dev cohort's screening date, so that a run
# `--as-of 2026-11-20` finds a realistic share of labs inside the 90-day lookback.
REFERENCE_DATE = dt.date(2026, 11, 20)
NOTE_TYPES = ("clinic", "lab", "pathology", "flow", "referral", "discharge")

# Notes per patient, 3..20, mean about 10 (so 100,000 patients give about a million notes).
_NOTE_COUNTS = tuple(range(3, 21))
_NOTE_COUNT_WEIGHTS = (3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1)
_NOTE_COUNT_CUM = tuple(sum(_NOTE_COUNT_WEIGHTS[: i + 1]) for i in range(len(_NOTE_COUNTS)))


def _lines(text: str) -> tuple[str, ...]:
    """A pool written one item per line (keeps long word lists readable and diff-able)."""
    return tuple(line.strip() for line in text.strip().splitlines() if line.strip())


def _alts(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


def _pick(rng: Random, seq: Sequence[T]) -> T:
    """rng.choice at a third of the cost (one C call); the pools are far below 2**53."""
    return seq[int(rng.random() * len(seq))]


def _randint(rng: Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _sample(rng: Random, seq: Sequence[T], k: int) -> list[T]:
    """rng.sample for the few items notes take from short pools, without its overhead."""
    size = len(seq)
    k = min(k, size)
    picked: list[int] = []
    while len(picked) < k:
        i = int(rng.random() * size)
        if i not in picked:
            picked.append(i)
    return [seq[i] for i in picked]


_MON = _alts("Jan | Feb | Mar | Apr | May | Jun | Jul | Aug | Sep | Oct | Nov | Dec")
_MONTH = _alts(
    """January | February | March | April | May | June | July | August | September | October |
    November | December"""
)


# --- small helpers --------------------------------------------------------------------------


def _date(d: dt.date, rng: Random) -> str:
    """A date as clinic notes write it: ISO, dd/mm/yyyy, '12 Mar 2026', ..."""
    r = rng.random()
    if r < 0.3:
        return d.isoformat()
    if r < 0.6:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if r < 0.8:
        return f"{d.day} {_MON[d.month - 1]} {d.year}"
    if r < 0.9:
        return f"{_MON[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day:02d}-{_MON[d.month - 1]}-{d.year}"


def _month(d: dt.date, rng: Random) -> str:
    r = rng.random()
    if r < 0.5:
        return f"{_MONTH[d.month - 1]} {d.year}"
    if r < 0.8:
        return f"{_MON[d.month - 1]} {d.year}"
    return f"{d.month:02d}/{d.year}"


def _bullets(items: Sequence[str], rng: Random) -> str:
    mark = _pick(rng, ("- ", "* ", "• ", ""))
    if not mark:
        return "; ".join(items) + "."
    return "\n".join(mark + item for item in items)


def _heading(options: Sequence[str], rng: Random) -> str:
    title = _pick(rng, options)
    return title.upper() if rng.random() < 0.15 else title


# --- filler: sentences any paediatric note may carry --------------------------------------

_SYMPTOMS = _alts(
    """fever | night sweats | weight loss | headache | visual disturbance | chest pain |
    palpitations | shortness of breath | cough | wheeze | abdominal pain | vomiting |
    diarrhoea | constipation | dysuria | urinary frequency | leg swelling | joint pain |
    joint swelling | morning stiffness | rash | mouth ulcers | hair loss | easy bruising |
    nosebleeds | low mood | sleep disturbance | fatigue | muscle aches | back pain | ear pain |
    sore throat | reduced appetite | dizziness | fainting | numbness or tingling |
    blood in the stool | heartburn | itching | snoring | bedwetting | excessive thirst |
    cold hands | neck stiffness | calf pain"""
)
_ROS_FORMS = _lines(
    """
    Denies {a}, {b} and {c}.
    No {a} or {b}.
    Negative for {a}, {b} and {c}.
    No reported {a}, {b} or {c}.
    Systems review otherwise unremarkable; specifically no {a} or {b}.
    The family deny any {a} or {b} at home.
    There has been no {a}, and no {b}.
    Reports occasional {c} but no {a} or {b}.
    {A} and {b} denied.
    Has had mild {c} over the past week, no {a}.
    Without {a} or {b} since the last visit.
    Asked specifically about {a}: none.
    """
)
_SOCIAL = _lines(
    """
    Lives at home with {family}.
    Attends {school} and is in year {year}.
    Enjoys {hobby} and has kept this up despite clinic visits.
    Non-smoking household.
    No smoking, vaping or alcohol reported when seen alone.
    There is a pet {pet} at home.
    School attendance has been {attendance} this term.
    The school nurse supervises the lunchtime medicines.
    Parents work shifts; grandparents help with clinic appointments.
    Family moved house over the summer and have settled well.
    Has a supportive group of friends and a youth worker.
    Travelled abroad in the summer without any illness.
    Transport to hospital is by car; parking has been difficult.
    No safeguarding concerns have been raised.
    Gets about {sleep} hours of sleep most nights.
    Diet is varied; drinks mostly water and milk.
    Uses a phone app to remember medicines.
    Has an education, health and care plan in place.
    Plays {hobby} at weekends with friends.
    Older sibling is at university; the family is close-knit.
    Recently started a part-time job at weekends.
    """
)
_SOCIAL_SLOTS: dict[str, tuple[str, ...]] = {
    "family": _alts(
        """mother and two younger siblings | both parents and an older brother |
        father, stepmother and a half-sister | mother and grandmother | both parents |
        foster carers, placement stable for two years | mother, father and three sisters |
        father and twin brother"""
    ),
    "school": _alts(
        """primary school | secondary school | the local academy | sixth-form college |
        nursery three days a week | a specialist school | college"""
    ),
    "year": tuple(str(n) for n in range(1, 14)),
    "hobby": _alts(
        """football | swimming | drawing | gaming | dance | music lessons | netball | cycling |
        reading | drama club | martial arts | baking | chess | scouts"""
    ),
    "pet": _alts("dog | cat | rabbit | guinea pig | hamster | tortoise"),
    "attendance": _alts("good | patchy | excellent | reduced because of appointments | about 90%"),
    "sleep": _alts("8 | 9 | 10 | 7"),
}
_EXAM = _lines(
    """
    Alert, interactive and well perfused.
    Well hydrated; capillary refill under 2 seconds.
    Heart sounds normal with no murmur.
    Chest clear with equal air entry bilaterally.
    Abdomen soft and non-tender; no organomegaly.
    No cervical, axillary or inguinal lymphadenopathy.
    ENT examination unremarkable.
    Neurological examination grossly normal; gait normal.
    Skin clear apart from a healing graze on the knee.
    Fundi not examined today.
    No clubbing, no pallor, no jaundice.
    Pulses palpable and equal in all four limbs.
    Throat mildly injected, tonsils not enlarged.
    Tympanic membranes normal bilaterally.
    Good range of movement in all joints examined.
    No focal neurological deficit.
    Looks well and chatted throughout the consultation.
    Mild acne over the forehead.
    Puberty appropriate for age.
    Spine straight; no tenderness over the vertebrae.
    Hips: full range of movement, no pain.
    Teeth in good repair.
    No hepatosplenomegaly on careful palpation.
    Normal gait and heel-toe walking.
    Skin turgor normal, mucous membranes moist.
    """
)
_GENERAL = _lines(
    """
    Seen today with {carer}.
    Questions were answered and the family are happy with the plan.
    Written information was given to take home.
    Safety-netting advice given, including when to call the ward.
    Vaccinations are up to date according to the parent-held record.
    The seasonal influenza vaccine was recommended.
    An interpreter was not required today.
    We spent some time discussing school and exams.
    The importance of taking medicines regularly was reinforced.
    {Pron} was seen alone for part of the consultation.
    Growth is tracking along the centiles.
    Consultation conducted face to face in clinic.
    Video consultation; the family joined from home.
    Letter dictated after the clinic and copied to the GP.
    Medicines were reconciled against the pharmacy record.
    Blood tests were taken in clinic with help from the play team.
    The family were reminded how to reach the specialist nurse.
    Sick-day rules were recapped.
    {Pron} would like to be more involved in decisions about {pos} care.
    {Pron} has been keeping a symptom diary, which we reviewed together.
    The family asked about holidays abroad; travel advice was given.
    Adherence appears good by pill count.
    Transition to adult services was touched on for the coming years.
    Weight and height plotted on the growth chart.
    """
)
_CARERS = _alts("mother | father | both parents | grandmother | foster carer | aunt | mum | dad")
_FH_LINES = _lines(
    """
    {rel} has {cond}.
    {rel} with {cond}.
    {rel} was diagnosed with {cond} in adulthood.
    No family history of autoimmune or kidney disease.
    Family history is otherwise non-contributory.
    Parents are non-consanguineous.
    No known family history of epilepsy or diabetes.
    """
)
_RELATIVES = _alts(
    """Mother | Father | Maternal aunt | Paternal uncle | Older brother | Maternal grandmother |
    Paternal grandfather | Older sister | Cousin"""
)
_FH_CONDS = _alts(
    """hypothyroidism | type 2 diabetes | SLE | rheumatoid arthritis | asthma | coeliac disease |
    hypertension | psoriasis | epilepsy | migraine | lupus | kidney stones | multiple sclerosis |
    Crohn's disease | type 1 diabetes"""
)
_FOLLOW_UP = _lines(
    """
    Review in clinic in {weeks} weeks.
    Follow up in {weeks} weeks with bloods beforehand.
    Next appointment in {weeks} weeks, sooner if concerns.
    Telephone review in {weeks} weeks.
    Copy of this letter to the GP and the family.
    Contact the team via the advice line if unwell.
    """
)
_DOCTORS = _alts(
    """Dr A. Okafor | Dr L. Brennan | Dr S. Iqbal | Dr M. Kowalski | Dr R. Henriques |
    Dr T. Nakamura | Dr E. Lindqvist | Dr P. Achterberg | Dr C. Mensah | Dr J. Varga |
    Dr H. Castellano | Dr N. Oduya | Dr F. Delacroix | Dr K. Petrakis"""
)
_HOSPITALS = _alts(
    """Northfield Children's Hospital | St Brendan's University Hospital |
    Riverside General Hospital | Westmoor Paediatric Centre | Harbour Road Medical Centre |
    Eastgate Community Health Practice"""
)
_WARD_COURSE = _lines(
    """
    Observations were stable throughout the admission.
    Fluid balance was monitored closely with daily weights.
    {Pron} remained afebrile after the first 24 hours.
    Oral intake improved steadily and IV fluids were stopped on day {d}.
    Pain was controlled with regular paracetamol and as-needed ibuprofen.
    The play team and hospital school teacher visited daily.
    Physiotherapy reviewed and cleared {obj} for discharge.
    Pharmacy counselled the family on all new medicines.
    Blood pressure was within the normal range for height by discharge.
    A cannula was sited on the second attempt with topical anaesthetic cream.
    Repeat bloods on day {d} were reassuring.
    The dietitian reviewed and gave written advice.
    Mobilising independently on the ward before discharge.
    Slept well overnight; no new concerns from nursing staff.
    Family were resident throughout and involved in all decisions.
    The specialist nurse visited and arranged community follow-up.
    No adverse reactions to any medication during the stay.
    Discussed at the daily board round; medically fit for discharge on day {d}.
    Urine output remained above 1 mL/kg/h throughout.
    {Pron} tolerated a normal diet from day {d}.
    Seen by the consultant on the morning ward round each day.
    Temperature spikes on day {d} settled without a change in antibiotics.
    Weight on discharge was 0.{d} kg below the admission weight.
    The family were shown how to give the new medicines before leaving.
    """
)
_DISCHARGE_ADVICE = _lines(
    """
    Return to the ward or the emergency department with any fever above 38 °C.
    Seek urgent advice for reduced urine output, new swelling or severe headache.
    School may be resumed when {pron} feels well enough.
    Avoid contact sports for the next two weeks.
    Open access to the ward for 48 hours after discharge.
    Complete the course of medicines as prescribed.
    The GP is asked to check a full blood count in one week.
    A copy of this summary has been given to the family.
    """
)


def _pronouns(sex: str) -> dict[str, str]:
    female = sex == "F"
    return {
        "Pron": "She" if female else "He",
        "pron": "she" if female else "he",
        "pos": "her" if female else "his",
        "obj": "her" if female else "him",
    }


_PRONOUNS = {sex: _pronouns(sex) for sex in "FM"}


class _Slots(dict):
    """Values for filler templates, drawn only for the slots a template names."""

    __slots__ = ("rng",)

    def __init__(self, rng: Random, sex: str) -> None:
        super().__init__(_PRONOUNS[sex])
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key in ("a", "b", "c", "A"):
            a, b, c = _sample(rng, _SYMPTOMS, 3)  # three different symptoms per sentence
            self.update(a=a, b=b, c=c, A=a.capitalize())
            return self[key]
        if key == "carer":
            value = _pick(rng, _CARERS)
        elif key == "d":
            value = str(_randint(rng, 2, 5))
        else:
            value = _pick(rng, _SOCIAL_SLOTS[key])
        self[key] = value
        return value


def _expand(rng: Random, template: str, sex: str) -> str:
    return template.format_map(_Slots(rng, sex))


def _filler_pool(kind: str, sex: str, templates: Sequence[str], size: int) -> _Pool:
    """Distinct filler sentences of one kind, expanded from its templates.

    Built once at import (fixed seed): padding a note then costs one index per sentence,
    and every pooled sentence's word count is known in advance.
    """
    rng = Random(f"matcher-synth-filler:{kind}:{sex}")
    drawn = (_expand(rng, _pick(rng, templates), sex) for _ in range(size))
    sentences = tuple(dict.fromkeys(drawn))
    return sentences, tuple(len(s.split()) for s in sentences)


_Pool = tuple[tuple[str, ...], tuple[int, ...]]
# kind: (templates, sentences to draw when building the pool, optional paragraph headings)
_FILLER_KINDS: dict[str, tuple[tuple[str, ...], int, tuple[str, ...]]] = {
    "ros": (_ROS_FORMS, 3000, ("", "", "Review of systems: ", "ROS: ", "Systems review: ")),
    "social": (_SOCIAL, 1500, ("", "Social: ", "Social history: ", "Home and school: ")),
    "exam": (_EXAM, 200, ("", "", "Examination (continued): ", "Further examination: ")),
    "general": (_GENERAL, 400, ("", "", "Discussion: ", "Other points: ")),
    "ward": (_WARD_COURSE, 600, ("", "", "Progress: ", "Ward course (continued): ")),
}
_FILLER: dict[str, dict[str, _Pool]] = {
    kind: {sex: _filler_pool(kind, sex, templates, size) for sex in "FM"}
    for kind, (templates, size, _heads) in _FILLER_KINDS.items()
}
_FILLER_HEADS = {
    kind: tuple((head, len(head.split())) for head in heads)
    for kind, (_templates, _size, heads) in _FILLER_KINDS.items()
}
# Which kinds of filler pad which notes (a kind listed twice comes twice as often).
_CLINIC_PADDING = ("ros", "social", "exam", "general", "ros")
_WARD_PADDING = ("ward", "ward", "general", "exam", "ros")


def _distinct(note: _Note, rng: Random, kind: str, k: int) -> str:
    """k different sentences of one filler kind, as one paragraph."""
    picked = _sample(rng, _FILLER[kind]["F"][0], k)
    note.used.update(picked)
    return " ".join(picked)


def _family_history(rng: Random) -> str:
    lines = []
    for _ in range(_randint(rng, 1, 2)):
        lines.append(
            _pick(rng, _FH_LINES).format(rel=_pick(rng, _RELATIVES), cond=_pick(rng, _FH_CONDS))
        )
    return " ".join(dict.fromkeys(lines))


# --- drugs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _DrugKind:
    names: tuple[str, ...]
    doses: tuple[str, ...]


_DRUGS: dict[str, _DrugKind] = {
    "pred": _DrugKind(
        _alts("prednisolone | prednisolone | pred | PSL | oral prednisolone | prednisone"),
        _alts("{n} mg daily | {n} mg once daily | {n} mg od | {n} mg on alternate days"),
    ),
    "ivmp": _DrugKind(
        _alts("IV methylprednisolone | IVMP | methylprednisolone pulses | Solu-Medrol"),
        _alts("30 mg/kg x3 days | 500 mg daily x3 | pulses x3"),
    ),
    "mmf": _DrugKind(
        _alts("mycophenolate mofetil | MMF | mycophenolate | CellCept | mycophenolate (MMF)"),
        _alts("600 mg/m2 bd | {k}00 mg twice daily | 1 g bd | {k}00 mg bd | 750 mg bd"),
    ),
    "mpa": _DrugKind(
        _alts("mycophenolate sodium | Myfortic | EC-MPS"), _alts("360 mg bd | 720 mg bd")
    ),
    "tac": _DrugKind(
        _alts("tacrolimus | TAC | Prograf | Advagraf | FK506"),
        _alts("{k} mg bd | 0.05 mg/kg bd | {k} mg twice daily (trough 5-8)"),
    ),
    "cyc": _DrugKind(
        _alts("IV cyclophosphamide | cyclophosphamide | CYC | IVCY | Endoxan"),
        _alts("500 mg every 2 weeks x6 (Euro-Lupus) | 500 mg/m2 monthly x6 | 750 mg/m2 monthly x6"),
    ),
    "rtx": _DrugKind(
        _alts("rituximab | RTX | MabThera | Truxima | rituximab (RTX)"),
        _alts("750 mg/m2 x2 doses | 375 mg/m2 weekly x4 | 1 g x2, two weeks apart"),
    ),
    "bel": _DrugKind(
        _alts("belimumab | Benlysta"), _alts("10 mg/kg IV every 4 weeks | 200 mg sc weekly")
    ),
    "hcq": _DrugKind(
        _alts("hydroxychloroquine | HCQ | Plaquenil | hydroxychloroquine (HCQ)"),
        _alts("200 mg od | {k}00 mg daily | 5 mg/kg/day | 200 mg on weekdays"),
    ),
    "aza": _DrugKind(_alts("azathioprine | AZA | Imuran"), _alts("50 mg od | 2 mg/kg daily")),
    "mtx": _DrugKind(
        _alts("methotrexate | MTX"), _alts("15 mg/m2 weekly sc | {k}0 mg once weekly")
    ),
}
_DRUG_LABEL = {
    "pred": "steroids", "ivmp": "IV pulses", "mmf": "MMF", "mpa": "Myfortic", "tac": "TAC",
    "cyc": "CYC", "rtx": "RTX", "bel": "belimumab", "hcq": "HCQ", "aza": "AZA", "mtx": "MTX",
}  # fmt: skip
_ONE_OFF = frozenset({"ivmp", "cyc", "rtx"})  # courses, not maintenance


@dataclass(slots=True)
class _Drug:
    key: str
    start: dt.date
    stop: dt.date | None
    dose: str


def _drug(rng: Random, key: str, start: dt.date) -> _Drug:
    template = _pick(rng, _DRUGS[key].doses)
    dose = template.format(n=_pick(rng, (5, 10, 15, 20, 30, 40, 60)), k=_randint(rng, 2, 5))
    return _Drug(key, start, None, dose)


def _drug_name(rng: Random, key: str) -> str:
    return _pick(rng, _DRUGS[key].names)


def _history_mention(rng: Random, drug: _Drug, on: dt.date) -> str:
    """How a treatment history names one drug: start dates, durations, courses, stops."""
    name = _drug_name(rng, drug.key)
    if drug.key in _ONE_OFF:
        end = drug.start + dt.timedelta(days=70 if drug.key == "cyc" else 14)
        r = rng.random()
        if r < 0.4:
            return f"{name} {drug.dose}, {_month(drug.start, rng)} to {_month(end, rng)}"
        if r < 0.7:
            return f"{name} {drug.dose} given {_date(drug.start, rng)}"
        return f"{name} ({_month(drug.start, rng)})"
    if drug.stop is not None and drug.stop <= on:
        return f"{name} from {_month(drug.start, rng)} until {_month(drug.stop, rng)} (stopped)"
    r = rng.random()
    if r < 0.35:
        return f"{name} {drug.dose} since {_date(drug.start, rng)}"
    if r < 0.6:
        return f"{name} started {_date(drug.start, rng)}"
    if r < 0.8:
        return f"on {name} for {max(1, round((on - drug.start).days / 30.44))} months"
    return f"{name} {drug.dose} (from {_month(drug.start, rng)})"


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


# --- patients -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Patient:
    no: int
    pid: str
    kind: str  # "ln", "sle" or "other"
    sex: str
    birth: dt.date
    structured: bool  # demographics on the rows (else only in the text)
    doctor: str
    hospital: str
    dx: dt.date  # SLE diagnosis, or the condition's onset
    condition: _Condition | None = None
    ln_onset: dt.date | None = None
    biopsies: list[tuple[dt.date, str]] = field(default_factory=list)
    drugs: list[_Drug] = field(default_factory=list)
    refractory: bool = False
    ana: str = "1:640"
    egfr: float = 100.0
    upcr: float = 0.1  # g/g while active
    sledai: int = 4
    features: tuple[str, ...] = ()


_LN_CLASSES = ("IV", "III", "IV+V", "III+V", "V", "II", "VI")
_LN_CLASS_WEIGHTS = (35, 20, 12, 8, 15, 8, 2)
_PROLIFERATIVE = frozenset({"III", "IV", "III+V", "IV+V"})
_LN_CLASS_TEXT: dict[str, tuple[str, ...]] = {
    "IV": _alts(
        """class IV lupus nephritis | ISN/RPS class IV-G (A) | WHO class IV LN | class IV LN |
        diffuse proliferative lupus nephritis (class IV) | LN class IV-S (A/C)"""
    ),
    "III": _alts(
        """class III lupus nephritis | focal proliferative LN (class III) | LN class III |
        ISN/RPS class III (A) | class III-A lupus nephritis"""
    ),
    "IV+V": _alts(
        """class IV+V lupus nephritis | mixed class IV and V LN | ISN/RPS class IV-G (A) + V |
        class IV/V lupus nephritis"""
    ),
    "III+V": _alts("class III+V LN | mixed class III and V lupus nephritis | LN class III/V"),
    "V": _alts("membranous lupus nephritis (class V) | class V LN | pure class V lupus nephritis"),
    "II": _alts("mesangial proliferative LN (class II) | class II lupus nephritis | LN class II"),
    "VI": _alts("advanced sclerosing lupus nephritis (class VI) | class VI LN"),
}
_SLE_NAMES = _alts(
    "childhood-onset SLE | SLE | systemic lupus erythematosus | cSLE | lupus | juvenile-onset SLE"
)
_SLE_FEATURES = _alts(
    """inflammatory arthritis of the hands | a photosensitive malar rash | oral ulceration |
    autoimmune haemolytic anaemia | immune thrombocytopenia | pericarditis |
    non-scarring alopecia | leucopenia | discoid lesions on the scalp | pleuritic pain |
    lymphopenia | Raynaud's phenomenon"""
)


def _growth_height(p: _Patient, on: dt.date) -> float:
    """A plausible height for age (cm): the eGFR and creatinine values must agree with it."""
    years = max(1.0, (on - p.birth).days / 365.25)
    adult = 163.0 if p.sex == "F" else 176.0
    h = 76.0 + 6.1 * min(years, 12.0) + (adult - 149.2) * min(max(years - 12.0, 0.0), 4.0) / 4
    return round(min(h, adult) + (p.no % 11 - 5), 1)


_SLE_EARLIEST_DAYS = 1100  # childhood-onset SLE before age 3 is vanishingly rare


def _make_patient(rng: Random, no: int) -> tuple[_Patient, list[tuple[dt.date, str]]]:
    """A patient and their notes' (date, type), oldest first."""
    r = rng.random()
    kind = "ln" if r < 0.30 else "sle" if r < 0.45 else "other"
    if kind == "other":
        sex = _pick(rng, "FM")
        age = _randint(rng, 2, 25)
    else:
        sex = "F" if rng.random() < 0.83 else "M"  # lupus is mostly a disease of girls
        age = _randint(rng, 6, 21) if rng.random() < 0.85 else _randint(rng, 4, 25)
    # Exactly `age` completed years at the reference date (365-day years would drift).
    birth = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    birth -= dt.timedelta(days=_randint(rng, 0, 364))
    p = _Patient(
        no=no,
        pid=f"SYN{no:07d}",
        kind=kind,
        sex=sex,
        birth=birth,
        structured=rng.random() < 0.9,
        doctor=_pick(rng, _DOCTORS),
        hospital=_pick(rng, _HOSPITALS),
        dx=REFERENCE_DATE,
    )
    n = rng.choices(_NOTE_COUNTS, cum_weights=_NOTE_COUNT_CUM)[0]
    # Some patients were seen last week, some last year: lookback windows must bite.
    r = rng.random()
    if r < 0.4:
        gap = _randint(rng, 0, 30)
    elif r < 0.7:
        gap = _randint(rng, 31, 120)
    else:
        gap = _randint(rng, 121, 700)
    last = REFERENCE_DATE - dt.timedelta(days=gap)
    # No notes before the first birthday (lupus: the third), so a 2-year-old cannot have a
    # three-year history and SLE is never diagnosed after the notes about it.
    youngest = 365 if kind == "other" else _SLE_EARLIEST_DAYS
    room = max(10, (last - birth).days - youngest)
    span = min(room, int(n * rng.uniform(15, 110)))
    dates = sorted(last - dt.timedelta(days=_randint(rng, 0, span)) for _ in range(n - 1))
    dates.append(last)
    first = dates[0]
    if kind == "other":
        condition = _pick(rng, _CONDITIONS)
        p.condition = condition
        weights = condition.types
        low, high = condition.onset
        days = _randint(rng, low, max(low, min(high, (first - birth).days)))
        p.dx = first - dt.timedelta(days=days)
    else:
        weights = (36, 34, 8, 10, 3, 6) if kind == "ln" else (46, 34, 5, 6, 4, 5)
        earliest = birth + dt.timedelta(days=_SLE_EARLIEST_DAYS)
        p.dx = max(first - dt.timedelta(days=_randint(rng, 0, 500)), min(earliest, first))
        p.ana = _pick(rng, ("1:160", "1:320", "1:640", "1:640", "1:1280", "1:2560", "1:80"))
        p.features = tuple(_sample(rng, _SLE_FEATURES, _randint(rng, 1, 3)))
    types = rng.choices(NOTE_TYPES, weights=weights, k=n)
    if rng.random() < 0.4:
        types[0] = "referral"
    if kind == "ln" and "pathology" not in types:
        types[rng.randrange(1, n)] = "pathology"
    notes = list(zip(dates, types, strict=True))
    if kind == "ln":
        _plan_lupus_nephritis(rng, p, notes)
    elif kind == "sle":
        _plan_sle(rng, p)
    else:
        _plan_other(rng, p)
    return p, notes


def _plan_lupus_nephritis(rng: Random, p: _Patient, notes: list[tuple[dt.date, str]]) -> None:
    """Biopsies, onset and a drug history consistent with the note dates."""
    path_dates = [d for d, t in notes if t == "pathology"]
    cls = rng.choices(_LN_CLASSES, weights=_LN_CLASS_WEIGHTS)[0]
    first_path = path_dates[0] - dt.timedelta(days=_randint(rng, 1, 7))
    if rng.random() < 0.5 and first_path - notes[0][0] > dt.timedelta(days=20):
        # The first pathology report in the notes is the diagnostic biopsy.
        p.ln_onset = first_path - dt.timedelta(days=_randint(rng, 0, 14))
        biopsies = [(first_path, cls)]
    else:
        # Diagnosed before the notes begin; the reports in the notes are repeat biopsies.
        onset = notes[0][0] - dt.timedelta(days=_randint(rng, 30, 700))
        earliest = p.birth + dt.timedelta(days=_SLE_EARLIEST_DAYS)
        p.ln_onset = max(onset, min(earliest, notes[0][0]))
        biopsies = [(p.ln_onset + dt.timedelta(days=_randint(rng, 0, 10)), cls)]
        biopsies.append((first_path, _repeat_class(rng, cls)))
    for d in path_dates[1:]:
        biopsies.append((d - dt.timedelta(days=_randint(rng, 1, 7)), _repeat_class(rng, cls)))
    p.biopsies = sorted(biopsies)
    onset = p.ln_onset
    sle_dx = onset - dt.timedelta(days=_randint(rng, 0, 300))
    p.dx = max(min(p.dx, sle_dx), min(p.birth + dt.timedelta(days=_SLE_EARLIEST_DAYS), onset))
    proliferative = cls in _PROLIFERATIVE
    p.refractory = proliferative and rng.random() < 0.5
    p.upcr = rng.uniform(0.8, 6.0) if cls != "II" else rng.uniform(0.3, 1.2)
    p.egfr = rng.uniform(25, 130) if rng.random() < 0.2 else rng.uniform(70, 135)
    p.sledai = _randint(rng, 8, 22) if p.refractory else _randint(rng, 4, 16)

    def day(lo: int, hi: int) -> dt.date:
        return onset + dt.timedelta(days=_randint(rng, lo, hi))

    drugs = [
        _drug(rng, "hcq", p.dx + dt.timedelta(days=_randint(rng, 0, 30))),
        _drug(rng, "pred", day(0, 10)),
    ]
    if rng.random() < 0.6:
        drugs.append(_drug(rng, "ivmp", day(0, 7)))
    if proliferative and rng.random() < 0.3:
        drugs.append(_drug(rng, "cyc", day(3, 20)))
        drugs.append(_drug(rng, "mmf", day(180, 220)))  # maintenance after CYC induction
    elif cls != "II":
        drugs.append(_drug(rng, "mmf" if rng.random() < 0.85 else "mpa", day(0, 30)))
    else:
        drugs.append(_drug(rng, "aza", day(0, 40)))
    if (p.refractory and rng.random() < 0.7) or cls == "V" or rng.random() < 0.1:
        drugs.append(_drug(rng, "tac", day(90, 360)))
    if (p.refractory and rng.random() < 0.45) or rng.random() < 0.08:
        drugs.append(_drug(rng, "rtx", day(200, 520)))
    if rng.random() < 0.15:
        drugs.append(_drug(rng, "bel", day(150, 600)))
    if rng.random() < 0.12:
        # Treatment can stop (intolerance, remission): exercises start-stop history.
        stopped = _pick(rng, drugs[1:])
        if stopped.key not in _ONE_OFF:
            stopped.stop = stopped.start + dt.timedelta(days=_randint(rng, 60, 400))
    p.drugs = drugs


def _repeat_class(rng: Random, cls: str) -> str:
    if rng.random() < 0.6:
        return cls
    return _pick(rng, ("IV", "IV+V", "III", "V", "III+V", "VI"))


def _plan_sle(rng: Random, p: _Patient) -> None:
    p.sledai = _randint(rng, 0, 12)
    p.upcr = rng.uniform(0.03, 0.25)
    p.egfr = rng.uniform(85, 140)

    def day(lo: int, hi: int) -> dt.date:
        return p.dx + dt.timedelta(days=_randint(rng, lo, hi))

    drugs = [_drug(rng, "hcq", day(0, 20))]
    if rng.random() < 0.7:
        drugs.append(_drug(rng, "pred", day(0, 20)))
    second = rng.random()
    if second < 0.3:
        drugs.append(_drug(rng, "mtx", day(30, 200)))
    elif second < 0.5:
        drugs.append(_drug(rng, "aza", day(30, 200)))
    elif second < 0.65:
        drugs.append(_drug(rng, "mmf", day(30, 200)))
    if rng.random() < 0.12:
        drugs.append(_drug(rng, "bel", day(120, 500)))
    if rng.random() < 0.08:
        drugs.append(_drug(rng, "rtx", day(120, 500)))
    p.drugs = drugs


def _plan_other(rng: Random, p: _Patient) -> None:
    p.egfr = rng.uniform(80, 140)
    p.upcr = rng.uniform(0.02, 0.15)
    key = p.condition.key if p.condition else ""
    if key in ("nephrotic", "iga"):
        p.upcr = rng.uniform(0.5, 8.0)
    if key == "nephrotic":
        # Steroids, calcineurin inhibitors and rituximab outside lupus: the matcher must
        # not take drug exposure alone for lupus nephritis treatment.
        p.drugs = [_drug(rng, "pred", p.dx)]
        if rng.random() < 0.4:
            p.drugs.append(_drug(rng, "tac", p.dx + dt.timedelta(days=_randint(rng, 90, 400))))
    if key in _RTX_CONDITIONS and rng.random() < 0.2:
        p.drugs.append(_drug(rng, "rtx", p.dx + dt.timedelta(days=_randint(rng, 200, 700))))


# --- lab values -----------------------------------------------------------------------------

_ALT_REFS = ("(ref 5-35)", "(7-40)", "[N <40]", "(ref 0-41)", "(ref ≤45)", "(10-40)", "")
_AST_REFS = ("(ref 10-40)", "(5-34)", "[N <40]", "(ref 0-40)", "(15-45)", "")
_COUNT_UNITS = ("x10^9/L", "x10^9/L", "×10⁹/L", "K/uL", "10*9/L")


@dataclass(slots=True)
class _Lab:
    name: str
    value: str
    unit: str
    ref: str = ""
    flag: str = ""


def _ref_high(ref: str, default: float) -> float:
    cleaned = ref.translate(str.maketrans("<≤-()[]", "       "))
    numbers = [float(x) for x in cleaned.split() if x.replace(".", "", 1).isdigit()]
    return numbers[-1] if numbers else default


def _cbc(rng: Random, low_lymph: bool) -> list[_Lab]:
    hb = rng.uniform(92, 145)
    wbc = rng.uniform(2.8, 11.0)
    neut = wbc * rng.uniform(0.45, 0.7)
    lymph = rng.uniform(0.5, 1.6) if low_lymph else rng.uniform(1.2, 4.0)
    unit = _pick(rng, _COUNT_UNITS)
    if rng.random() < 0.5:
        labs = [_Lab(_pick(rng, ("Hb", "Haemoglobin", "Hgb")), f"{hb:.0f}", "g/L", "(115-155)")]
    else:
        labs = [_Lab(_pick(rng, ("Hb", "Hgb", "HGB")), f"{hb / 10:.1f}", "g/dL")]
    labs.append(_Lab(_pick(rng, ("WBC", "White cells", "WCC")), f"{wbc:.1f}", unit))
    labs.append(_Lab(_pick(rng, ("Neutrophils", "ANC", "NEUT#")), f"{neut:.1f}", unit))
    if rng.random() < 0.2:
        labs.append(_Lab(_pick(rng, ("ALC", "Lymphocytes")), f"{lymph * 1000:.0f}", "/uL"))
    else:
        name = _pick(rng, ("Lymphocytes", "ALC", "LYM#", "Lymphs"))
        labs.append(_Lab(name, f"{lymph:.1f}", unit))
    labs.append(_Lab(_pick(rng, ("Platelets", "Plt", "PLT")), str(_randint(rng, 90, 420)), unit))
    return labs


def _renal(rng: Random, p: _Patient, on: dt.date) -> list[_Lab]:
    egfr = max(8.0, p.egfr * rng.uniform(0.85, 1.1))
    creat = 36.5 * _growth_height(p, on) / egfr  # bedside Schwartz, solved for creatinine
    if rng.random() < 0.6:
        name = _pick(rng, ("Creatinine", "Cr", "SCr", "Creat"))
        labs = [_Lab(name, f"{creat:.0f}", _pick(rng, ("umol/L", "µmol/L")))]
    else:
        name = _pick(rng, ("Creatinine", "Serum creatinine"))
        labs = [_Lab(name, f"{creat / 88.4:.2f}", "mg/dL")]
    if rng.random() < 0.7:
        name = _pick(rng, ("eGFR", "eGFR (bedside Schwartz)", "Schwartz eGFR"))
        labs.append(_Lab(name, f"{egfr:.0f}", _pick(rng, ("mL/min/1.73m2", "mL/min/1.73 m²"))))
    labs.append(_Lab("Urea", f"{rng.uniform(2.5, 9.0):.1f}", "mmol/L", "(2.5-6.5)"))
    labs.append(_Lab(_pick(rng, ("Na", "Sodium")), str(_randint(rng, 134, 144)), "mmol/L"))
    labs.append(_Lab(_pick(rng, ("K", "Potassium")), f"{rng.uniform(3.5, 5.2):.1f}", "mmol/L"))
    return labs


def _upcr(rng: Random, value: float) -> _Lab:
    """Urine protein in one of the units notes use (the engine must normalise them)."""
    r = rng.random()
    if r < 0.3:
        name = _pick(rng, ("UPCR", "uPCR", "Urine PCR", "Urine protein:creatinine", "UPC ratio"))
        return _Lab(name, f"{value * 113:.0f}", "mg/mmol")
    if r < 0.55:
        name = _pick(rng, ("UPCR", "Urine protein/creatinine ratio", "uPCR"))
        return _Lab(name, f"{value:.2f}", "g/g")
    if r < 0.75:
        name = _pick(rng, ("UPCR", "Urine protein/creatinine ratio"))
        return _Lab(name, f"{value:.2f}", "mg/mg")
    if r < 0.85:
        name = _pick(rng, ("UPCR", "Urine protein creatinine ratio"))
        return _Lab(name, f"{value * 1000:.0f}", "mg/g")
    name = _pick(rng, ("24-hour urine protein", "24h urine protein", "24-hour proteinuria"))
    return _Lab(name, f"{value * rng.uniform(0.9, 1.3):.2f}", _pick(rng, ("g/day", "g/24h")))


def _lfts(rng: Random, high: bool) -> list[_Lab]:
    labs = []
    for names, refs in (
        (("ALT", "SGPT", "Alanine aminotransferase"), _ALT_REFS),
        (("AST", "SGOT", "Aspartate aminotransferase"), _AST_REFS),
    ):
        ref = _pick(rng, refs)
        uln = _ref_high(ref, 40.0)
        value = uln * (rng.uniform(1.5, 4.0) if high else rng.uniform(0.3, 0.95))
        flag = "H" if value > uln else ""
        labs.append(_Lab(_pick(rng, names), f"{value:.0f}", _pick(rng, ("U/L", "IU/L")), ref, flag))
    if rng.random() < 0.6:
        name = _pick(rng, ("Bilirubin total", "TBil", "Total bilirubin"))
        ref = _pick(rng, ("(3-21)", "(ref <21)", ""))
        labs.append(_Lab(name, str(_randint(rng, 3, 19)), "umol/L", ref))
    else:
        labs.append(_Lab("T bili", f"{rng.uniform(0.2, 1.1):.1f}", "mg/dL", "(0.1-1.2)"))
    return labs


def _immunology(rng: Random, p: _Patient, active: bool) -> list[_Lab]:
    labs = []
    if rng.random() < 0.6:
        c3 = rng.uniform(0.3, 0.8) if active else rng.uniform(0.85, 1.5)
        c4 = rng.uniform(0.03, 0.09) if active else rng.uniform(0.1, 0.35)
        labs.append(_Lab("C3", f"{c3:.2f}", "g/L", "(0.9-1.8)", "L" if c3 < 0.9 else ""))
        labs.append(_Lab("C4", f"{c4:.2f}", "g/L", "(0.1-0.4)", "L" if c4 < 0.1 else ""))
    if rng.random() < 0.5:
        ds = _randint(rng, 60, 600) if active else _randint(rng, 5, 45)
        name = _pick(rng, ("anti-dsDNA", "dsDNA antibodies", "Anti-dsDNA"))
        labs.append(_Lab(name, str(ds), "IU/mL", "(ref <30)", "H" if ds >= 30 else ""))
    if rng.random() < 0.3:
        pattern = _pick(rng, ("homogeneous", "speckled", "(HEp-2)", ""))
        labs.append(_Lab("ANA", p.ana, "", pattern))
    return labs


def _render_labs(labs: list[_Lab], rng: Random, when: str) -> str:
    """Inline, bullet list or a fixed-width table, as different lab systems print them."""
    style = rng.random()
    if style < 0.35:
        table = [f"{'Test':<26}{'Result':>8}  {'Units':<14}Reference"]
        for lab in labs:
            ref = lab.ref.strip("()[]")
            table.append(f"{lab.name:<26}{lab.value + lab.flag:>8}  {lab.unit:<14}{ref}".rstrip())
        return f"Collected {when}\n" + "\n".join(table)
    parts = [
        " ".join(x for x in (lab.name, lab.value, lab.unit, lab.ref, lab.flag) if x) for lab in labs
    ]
    if style < 0.65:
        return f"Bloods {when}: " + _pick(rng, ("; ", ", ")).join(parts)
    return f"Results ({when}):\n" + "\n".join("- " + part for part in parts)


# --- note builders --------------------------------------------------------------------------


class _Note:
    """A note's lines and its exact word count (as str.split() counts)."""

    __slots__ = ("lines", "used", "words")

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.words = 0
        self.used: set[str] = set()  # stock sentences already in the note: not twice

    def add(self, text: str, words: int | None = None) -> None:
        self.lines.append(text)
        self.words += len(text.split()) if words is None else words

    def text(self) -> str:
        return "\n".join(self.lines)


class _Values(dict):
    """Template values; the random ones are drawn only when a template names them."""

    __slots__ = ("rng", "p")

    def __init__(self, rng: Random, p: _Patient, eager: dict[str, object]) -> None:
        super().__init__(eager)
        self.rng = rng
        self.p = p

    def __missing__(self, key: str) -> object:
        value = _LAZY[key](self.rng, self.p)
        self[key] = value
        return value


_LAZY: dict[str, Callable[[Random, _Patient], object]] = {
    "dx": lambda r, p: _date(p.dx, r),
    "dxm": lambda r, p: _month(p.dx, r),
    "n": lambda r, p: _randint(r, 2, 6),
    "weeks": lambda r, p: _pick(r, (2, 4, 6, 8, 12, 16)),
    "carer": lambda r, p: _pick(r, _CARERS),
    "joint": lambda r, p: _pick(r, ("left knee", "right ankle", "right knee", "wrists", "elbow")),
    "sys": lambda r, p: _randint(r, 92, 128),
    "dia": lambda r, p: _randint(r, 52, 84),
    "pf": lambda r, p: _randint(r, 150, 420),
    "a1c": lambda r, p: _randint(r, 48, 92),
    "tir": lambda r, p: _randint(r, 35, 80),
    "u": lambda r, p: _randint(r, 8, 30),
    "ttg": lambda r, p: _randint(r, 30, 250),
    "fc": lambda r, p: _randint(r, 40, 1800),
    "plt": lambda r, p: _randint(r, 4, 40),
    "fev": lambda r, p: _randint(r, 55, 105),
    "d": lambda r, p: _randint(r, 2, 5),
}


@dataclass(slots=True)
class _Ctx:
    """One note of one patient: its generator, patient, date and template values."""

    rng: Random
    p: _Patient
    on: dt.date
    values: _Values

    def fill(self, template: str) -> str:
        return template.format_map(self.values)


def _context(rng: Random, p: _Patient, on: dt.date) -> _Ctx:
    age = completed_years(p.birth, on)
    female = p.sex == "F"
    adult = age >= 18
    child = ("young woman" if female else "young man") if adult else ("girl" if female else "boy")
    cond = _pick(rng, p.condition.names if p.condition else _SLE_NAMES)
    eager = {"age": age, "child": child, "sx": p.sex, "cond": cond, **_PRONOUNS[p.sex]}
    return _Ctx(rng, p, on, _Values(rng, p, eager))


def _age_phrase(c: _Ctx) -> str:
    v = c.values
    age, child, sx = v["age"], v["child"], v["sx"]
    r = c.rng.random()
    if r < 0.4:
        return f"{age}-year-old {child}"
    if r < 0.6:
        return f"{age} yo {sx}"
    if r < 0.75:
        return f"{age}y {sx}"
    if r < 0.9:
        return f"{child} aged {age}"
    return f"{age} y/o {child}"


def _pad(note: _Note, c: _Ctx, target: int, kinds: Sequence[str]) -> None:
    """Add filler paragraphs (each one kind, sometimes headed) until `target` words.

    No sentence comes twice in a note; a kind whose pool runs dry is simply skipped.
    """
    need = target - note.words
    draw = c.rng.random
    seen = note.used
    misses = 0
    while need > 0 and misses < 200:
        kind = kinds[int(draw() * len(kinds))]
        sentences, counts = _FILLER[kind][c.p.sex]
        size = len(sentences)
        picked: list[str] = []
        words = 0
        for _ in range(2 + int(draw() * 4)):
            i = int(draw() * size)
            sentence = sentences[i]
            if sentence in seen:
                misses += 1
                continue
            seen.add(sentence)
            picked.append(sentence)
            words += counts[i]
        if picked:
            heads = _FILLER_HEADS[kind]
            head, head_words = heads[int(draw() * len(heads))]
            note.add(head + " ".join(picked), words + head_words)
            need -= words + head_words


def _vitals(c: _Ctx) -> str:
    rng = c.rng
    height = _growth_height(c.p, c.on)
    weight = max(10.0, (height / 100) ** 2 * rng.uniform(15.5, 24.0))
    parts = [
        f"Height {height:.0f} cm" if rng.random() < 0.5 else f"Ht {height:.1f} cm",
        f"weight {weight:.1f} kg",
        f"BP {c.values['sys']}/{c.values['dia']} mmHg",
        f"HR {_randint(rng, 64, 118)}",
        f"T {rng.uniform(36.2, 37.6):.1f} °C",
        f"SpO2 {_randint(rng, 96, 100)}% in air",
    ]
    return ", ".join(parts[: _randint(rng, 3, len(parts))]) + "."


def _tail(lines: list[str]) -> tuple[list[str], int]:
    """The closing lines of a note, built before padding so the total lands on target."""
    return lines, sum(len(line.split()) for line in lines)


# Lupus nephritis and SLE -----------------------------------------------------------------


def _latest_biopsy(p: _Patient, on: dt.date) -> tuple[dt.date, str] | None:
    found = None
    for when, cls in p.biopsies:
        if when <= on:
            found = (when, cls)
    return found


def _current_drugs(p: _Patient, on: dt.date) -> list[_Drug]:
    return [
        d
        for d in p.drugs
        if d.start <= on and (d.stop is None or d.stop > on) and d.key not in _ONE_OFF
    ]


def _has_nephritis(p: _Patient, on: dt.date) -> bool:
    return p.ln_onset is not None and on >= p.ln_onset


def _active_nephritis(p: _Patient, on: dt.date) -> bool:
    """Refractory disease, or still in the first months of induction."""
    if p.ln_onset is None or on < p.ln_onset:
        return False
    return p.refractory or (on - p.ln_onset).days < 122


def _upcr_value(rng: Random, p: _Patient, on: dt.date) -> float:
    """Proteinuria (g/g) on a date: refractory stays high, responders fall after induction."""
    if p.kind != "ln":
        return p.upcr * rng.uniform(0.6, 1.4)
    if p.ln_onset is None or on < p.ln_onset - dt.timedelta(days=30):
        return rng.uniform(0.04, 0.2)  # before nephritis: normal
    months = (on - p.ln_onset).days / 30.44
    if p.refractory or months < 4:
        return p.upcr * rng.uniform(0.5, 1.3)
    return max(0.05, p.upcr * rng.uniform(0.02, 0.25))


def _lupus_labs(c: _Ctx, full: bool) -> list[_Lab]:
    rng, p = c.rng, c.p
    active = p.kind == "ln" and (p.refractory or rng.random() < 0.4)
    labs: list[_Lab] = []
    if full or rng.random() < 0.7:
        labs.extend(_cbc(rng, low_lymph=rng.random() < 0.4))
    if full or rng.random() < 0.6:
        labs.extend(_renal(rng, p, c.on)[: _randint(rng, 1, 5)])
    if p.kind == "ln" or rng.random() < 0.5:
        labs.append(_upcr(rng, _upcr_value(rng, p, c.on)))
    if full or rng.random() < 0.5:
        labs.extend(_lfts(rng, high=rng.random() < 0.08))
    if rng.random() < 0.6:
        labs.extend(_immunology(rng, p, active))
    if rng.random() < 0.15:
        labs.append(_Lab("INR", f"{rng.uniform(0.9, 1.3):.1f}", ""))
        labs.append(_Lab("PT", f"{rng.uniform(10.5, 14.0):.1f}", "sec", "(10.5-13.5)"))
    if rng.random() < 0.3:
        labs.append(_Lab("Albumin", str(_randint(rng, 18, 42)), "g/L", "(35-50)"))
    return labs


def _ln_opening(c: _Ctx, biopsy: tuple[dt.date, str] | None) -> str:
    rng, v = c.rng, c.values
    who = _age_phrase(c)
    sle = v["cond"]
    if biopsy is None:
        return _pick(
            rng,
            (
                f"{who} with {sle} diagnosed {v['dxm']}, now with new proteinuria; a renal "
                "biopsy is being arranged.",
                f"{who} known to have {sle} since {v['dxm']}. Rising proteinuria over the last "
                "month raises concern for renal involvement.",
            ),
        )
    when, cls = biopsy
    cls_text = _pick(rng, _LN_CLASS_TEXT[cls])
    bx = _date(when, rng)
    r = rng.random()
    if r < 0.25:
        return f"{who} with {sle} (diagnosed {v['dxm']}) and {cls_text} on renal biopsy {bx}."
    if r < 0.45:
        return f"{who} with biopsy-proven {cls_text} (renal biopsy {bx}), background of {sle}."
    if r < 0.65:
        return (
            f"Known to the service since {v['dxm']}: {sle} with renal involvement, "
            f"{cls_text} on kidney biopsy dated {bx}."
        )
    if r < 0.85:
        return f"Follow-up of {who} with LN. Most recent renal biopsy {bx}: {cls_text}."
    return f"{who}. Diagnoses: {sle}; lupus nephritis, {cls_text} (biopsy {bx})."


def _sle_opening(c: _Ctx) -> str:
    v, p = c.values, c.p
    features = ", ".join(p.features)
    if c.rng.random() < 0.5:
        return (
            f"{_age_phrase(c)} with {v['cond']} diagnosed {v['dxm']} (2019 EULAR/ACR criteria "
            f"met), presenting with {features}."
        )
    return (
        f"{_age_phrase(c)} known to have {v['cond']} since {v['dxm']}; manifestations to date: "
        f"{features}. ANA {p.ana}."
    )


def _treatment_history(c: _Ctx) -> str | None:
    rng = c.rng
    given = [d for d in c.p.drugs if d.start <= c.on]
    if not given:
        return None
    mentions = [_history_mention(rng, d, c.on) for d in given]
    if rng.random() < 0.5:
        head = _pick(rng, ("Treatment history:", "Previous treatment:", "Immunosuppression:"))
        return head + "\n" + _bullets(mentions, rng)
    head = _pick(rng, ("Treatment to date: ", "Treated with ", "Therapy so far: "))
    return head + "; ".join(mentions) + "."


_NEGATED_HISTORY = _lines(
    """
    No history of thrombosis or pregnancy loss in the family.
    Antiphospholipid antibodies negative.
    No seizures or psychosis; no features of CNS lupus.
    Denies fevers, chest pain or shortness of breath.
    No history of kidney transplant or dialysis.
    Hepatitis B, hepatitis C and HIV serology negative.
    No evidence of active infection; TB screen (IGRA) negative.
    No history of malignancy.
    Never had a blood clot.
    No Gilbert syndrome; bilirubin has always been normal.
    """
)


def _negations(c: _Ctx) -> list[str]:
    """Negated mentions of drugs this patient has not had, and of absent conditions."""
    rng, p = c.rng, c.p
    had = {d.key for d in p.drugs if d.start <= c.on}
    out = []
    for key in ("rtx", "cyc", "bel", "tac"):
        if key not in had and rng.random() < 0.35:
            name = _drug_name(rng, key)
            out.append(
                _pick(
                    rng,
                    (
                        f"No prior {name}.",
                        f"Never received {name}.",
                        f"Not on {name}.",
                        f"Has not had {name} to date.",
                    ),
                )
            )
    out.append(_pick(rng, _NEGATED_HISTORY))
    return out


def _proteinuria_line(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    lab = _upcr(rng, _upcr_value(rng, p, c.on))
    value = f"{lab.name} {lab.value} {lab.unit}"
    if not _has_nephritis(p, c.on):
        return _pick(
            rng,
            (
                f"Urinalysis bland; {value}.",
                f"No renal involvement: {value}.",
                f"Urine dipstick negative for protein; {value}.",
            ),
        )
    months = (c.on - p.ln_onset).days / 30.44 if p.ln_onset else 0.0
    if p.refractory and months > 5:
        return _pick(
            rng,
            (
                f"Persistent proteinuria despite treatment: {value}. No remission.",
                f"{value}; proteinuria remains in the nephrotic range with no renal response.",
                f"Non-responder to induction: {value} today.",
                f"Renal relapse after a partial response, {value}.",
            ),
        )
    if months < 4:
        return _pick(rng, (f"Active nephritis, {value}.", f"Heavy proteinuria: {value}."))
    return _pick(
        rng,
        (
            f"Good renal response with {value}.",
            f"Now in complete renal remission, {value}.",
            f"Partial remission: {value}, down from presentation.",
            f"{value}, improving.",
        ),
    )


def _sledai(c: _Ctx) -> str:
    rng = c.rng
    score = max(0, c.p.sledai + _randint(rng, -3, 3))
    return _pick(
        rng,
        (
            f"SLEDAI-2K {score}.",
            f"SLEDAI-2K score = {score}.",
            f"SELENA-SLEDAI {score}.",
            f"SLEDAI 2K: {score} points.",
            f"Disease activity: SLEDAI-2000 {score}.",
        ),
    )


_LUPUS_PLAN = _lines(
    """
    Repeat UPCR, renal function and complement in 4 weeks
    Wean prednisolone by 2.5 mg every fortnight as tolerated
    Bone health: calcium and vitamin D supplements
    Annual eye screening while on hydroxychloroquine
    Sun protection advice reinforced
    Check lymphocyte subsets (CD19) before any biologic
    Blood pressure target below the 90th centile for height
    Discussed contraception and the teratogenicity of MMF
    Influenza and pneumococcal vaccines recommended
    """
)
_LN_PLAN_ACTIVE = _lines(
    """
    Consider rituximab if no response by the next visit
    Discuss at the renal-rheumatology MDT
    Refer for assessment for the CD19 CAR-T trial
    Plan repeat renal biopsy if proteinuria persists
    Start ACE inhibitor (enalapril 2.5 mg od) for its antiproteinuric effect
    If UPCR does not fall, will add tacrolimus
    """
)
_LN_PLAN_STABLE = _lines(
    """
    Continue maintenance immunosuppression unchanged
    Taper steroids towards 5 mg daily over the next three months
    Urine dipstick at each visit; UPCR every 3 months
    Discuss duration of maintenance therapy at the MDT next year
    Keep ACE inhibitor for residual low-grade proteinuria
    """
)


def _lupus_plan(c: _Ctx) -> list[str]:
    rng, p = c.rng, c.p
    current = _current_drugs(p, c.on)
    kept = _sample(rng, current, min(2, len(current)))
    items = [f"Continue {_drug_name(rng, d.key)} {d.dose}" for d in kept]
    pool = _LUPUS_PLAN
    if _has_nephritis(p, c.on):
        pool += _LN_PLAN_ACTIVE if _active_nephritis(p, c.on) else _LN_PLAN_STABLE
    return items + _sample(rng, pool, _randint(rng, 2, 4))


def _lupus_assessment(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    given = ", ".join(sorted({_DRUG_LABEL[d.key] for d in p.drugs if d.start <= c.on}))
    if _has_nephritis(p, c.on) and p.ln_onset is not None:
        months = (c.on - p.ln_onset).days // 30
        if p.refractory and months > 5:
            if rng.random() < 0.5:
                return (
                    f"Refractory lupus nephritis: persistent proteinuria after {months} months "
                    f"of {given}."
                )
            return f"Active LN without remission despite {given} over {months} months."
        return _pick(
            rng,
            (
                "Lupus nephritis responding to induction; continue current therapy.",
                f"LN on maintenance ({given}), clinically stable.",
                "Quiescent lupus; renal function preserved.",
            ),
        )
    return _pick(
        rng,
        (
            "SLE with mainly mucocutaneous and musculoskeletal activity; no nephritis.",
            "Stable lupus on hydroxychloroquine; no renal involvement.",
            "Mild flare of SLE, probably triggered by sun exposure.",
        ),
    )


_LUPUS_SYMPTOMS = _alts(
    """tiredness that limits PE | ankle swelling by the evening | frothy urine |
    stiffness of the fingers in the morning | a rash across the cheeks after sun |
    hair thinning | two mouth ulcers | feeling much better | no new symptoms |
    weight gain on steroids | headaches most afternoons | painful wrists"""
)
_LUPUS_EXAM = _lines(
    """
    Cushingoid facies.
    Mild pitting oedema to both ankles.
    No oedema.
    Faint malar erythema.
    No active synovitis.
    No lymphadenopathy.
    Good venous access in both antecubital fossae.
    No alopecia.
    Striae over the thighs.
    Two small painless ulcers on the hard palate.
    """
)
_EXTRA_MEDS = _alts(
    """omeprazole 20 mg od | calcium carbonate/vitamin D3 bd | amlodipine 5 mg od |
    enalapril 5 mg bd | co-trimoxazole prophylaxis three times weekly | ferrous sulfate 200 mg od"""
)


def _lupus_clinic(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    note = _Note()
    note.add(
        _heading(
            (
                "Paediatric Nephrology Clinic",
                "Paediatric rheumatology review",
                "Lupus clinic",
                "Renal outpatient follow-up",
                "Joint renal-rheumatology clinic",
                "Clinic letter",
            ),
            rng,
        )
    )
    if not p.structured and rng.random() < 0.5:
        note.add(f"DOB: {_date(p.birth, rng)}")
    if rng.random() < 0.5:
        note.add(f"Date of clinic: {_date(c.on, rng)}")
    hist = [_pick(rng, ("HPI:", "History:", "Interval history:", "Presenting complaint:"))]
    if p.kind == "ln" and p.ln_onset is not None and c.on >= p.ln_onset - dt.timedelta(days=10):
        hist.append(_ln_opening(c, _latest_biopsy(p, c.on)))
    else:
        hist.append(_sle_opening(c))
    symptom = _pick(rng, _LUPUS_SYMPTOMS)
    hist.append(
        _pick(
            rng,
            (
                f"{v['Pron']} reports {symptom}.",
                f"Main concern today is {symptom}.",
                f"Since the last visit, {symptom}.",
            ),
        )
    )
    note.add(" ".join(hist))
    history = _treatment_history(c)
    if history:
        note.add(history)
    note.add(" ".join([_proteinuria_line(c), _sledai(c), *_negations(c)]))
    current = _current_drugs(p, c.on)
    if current:
        meds = [f"{_drug_name(rng, d.key)} {d.dose}" for d in current]
        meds += _sample(rng, _EXTRA_MEDS, _randint(rng, 0, 2))
        head = _pick(rng, ("Medications:", "Current medications:", "Meds:"))
        note.add(head + "\n" + _bullets(meds, rng))
    _common_sections(note, c)
    exam = [_vitals(c), *_sample(rng, _LUPUS_EXAM, _randint(rng, 1, 3))]
    note.add(_pick(rng, ("Examination: ", "O/E: ", "On examination: ")) + " ".join(exam))
    if rng.random() < 0.65:
        labs = _render_labs(_lupus_labs(c, full=False), rng, _date(c.on, rng))
        note.add(_pick(rng, ("Investigations:", "Results:", "Recent labs:")) + "\n" + labs)
    if rng.random() < 0.35:
        note.add(_flow_line(c))
    tail, words = _tail(
        [
            _pick(rng, ("Assessment: ", "Impression: ", "Summary: ")) + _lupus_assessment(c),
            _pick(rng, ("Plan:", "Plan:", "Management plan:"))
            + "\n"
            + _bullets(_lupus_plan(c), rng),
            c.fill(_pick(rng, _FOLLOW_UP)),
        ],
    )
    if rng.random() < 0.4:
        tail.append(f"{p.doctor}, {_pick(rng, ('Consultant', 'Registrar', 'Fellow'))}")
        words += 3
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


def _common_sections(note: _Note, c: _Ctx) -> None:
    """Family and social history and a systems review, each present in most notes."""
    rng = c.rng
    if rng.random() < 0.7:
        note.add(_pick(rng, ("Family history: ", "FH: ")) + _family_history(rng))
    if rng.random() < 0.6:
        social = _distinct(note, rng, "social", _randint(rng, 1, 3))
        note.add(_pick(rng, ("Social history: ", "SH: ")) + social)
    if rng.random() < 0.7:
        ros = _distinct(note, rng, "ros", _randint(rng, 1, 3))
        note.add(_pick(rng, ("Review of systems: ", "ROS: ")) + ros)


def _flow_line(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    depleted = any(
        d.key == "rtx" and dt.timedelta(0) <= c.on - d.start <= dt.timedelta(days=270)
        for d in p.drugs
    )
    if depleted:
        return _pick(
            rng,
            (
                "CD19+ B cells 0% (B cells depleted).",
                "B lymphocytes (CD19+) undetectable after rituximab.",
                "CD19 count <1 cells/uL.",
                "Flow cytometry: CD19 0.1%, consistent with B-cell depletion.",
            ),
        )
    pct = rng.uniform(3.0, 28.0)
    count = pct * rng.uniform(8, 25)
    return _pick(
        rng,
        (
            f"CD19+ B cells {pct:.1f}% ({count:.0f} cells/uL).",
            f"B cells (CD19+) {pct:.0f}% of lymphocytes.",
            f"CD19: {pct:.1f} %",
            f"CD19+ {count:.0f} cells/µL ({pct:.1f}%).",
        ),
    )


_FLOW_COMMENTS = _lines(
    """
    Comment: interpret alongside the clinical picture.
    Reported by the immunology laboratory; results verified.
    Comment: B-cell reconstitution should be reassessed in 3 months.
    Subsets within the age-related reference intervals except as noted.
    """
)


def _flow(c: _Ctx) -> str:
    rng = c.rng
    cd3 = _randint(rng, 55, 80)
    cd4 = _randint(rng, 25, min(55, cd3 - 10))
    lines = [
        _heading(
            (
                "LYMPHOCYTE SUBSETS (FLOW CYTOMETRY)",
                "Flow cytometry",
                "Lymphocyte subset analysis",
                "Immunophenotyping",
            ),
            rng,
        ),
        f"Sample collected {_date(c.on, rng)}; EDTA whole blood.",
        f"CD3+ T cells {cd3}%, CD4+ {cd4}%, CD8+ {cd3 - cd4 - _randint(rng, 0, 6)}%",
        _flow_line(c),
        f"CD16+56+ NK cells {_randint(rng, 4, 20)}%",
    ]
    if rng.random() < 0.6:
        lines.append(f"Absolute lymphocyte count {rng.uniform(0.5, 3.2):.2f} x10^9/L.")
    if rng.random() < 0.5:
        lines.append(_pick(rng, _FLOW_COMMENTS))
    return "\n".join(lines)


def _ln_pathology(c: _Ctx) -> str:
    rng = c.rng
    when, cls = _latest_biopsy(c.p, c.on) or (c.on, "IV")
    cores = _randint(rng, 1, 3)
    glomeruli = _randint(rng, 12, 45)
    sclerosed = _randint(rng, 0, 6) if cls != "VI" else glomeruli - _randint(rng, 1, 3)
    lines = [
        _heading(
            (
                "RENAL BIOPSY REPORT",
                "Renal histopathology",
                "Kidney biopsy",
                "Histopathology: native renal biopsy",
            ),
            rng,
        ),
        _pick(rng, ("Date of biopsy: ", "Collected: ", "Biopsy date: ")) + _date(when, rng),
        f"Clinical details: {_pick(rng, _SLE_NAMES)}, proteinuria "
        + _pick(rng, ("and haematuria.", "with an active sediment.", "not responding.")),
        f"Specimen: percutaneous native kidney biopsy, {_pick(rng, ('left', 'right'))}; "
        f"{cores} core{'s' if cores > 1 else ''} of cortex, {_randint(rng, 8, 20)} mm in "
        "total, with portions for immunofluorescence and electron microscopy.",
    ]
    micro = [f"Light microscopy: {glomeruli} glomeruli, {sclerosed} globally sclerosed."]
    if cls in _PROLIFERATIVE:
        share = _randint(rng, 20, 49) if cls.startswith("III") else _randint(rng, 50, 95)
        lesion = _pick(rng, ("wire-loop lesions", "hyaline thrombi", "karyorrhexis"))
        micro.append(
            f"Endocapillary hypercellularity in {share}% of glomeruli with {lesion}; "
            f"{_randint(rng, 0, 6)} cellular crescents and {_randint(rng, 0, 3)} fibrous crescents."
        )
    if "V" in cls.split("+"):
        micro.append("Diffuse thickening of capillary walls with spikes on silver stain.")
    if cls == "II":
        micro.append("Mesangial hypercellularity only; capillary loops patent.")
    micro.append(
        _pick(
            rng,
            (
                "Interstitial fibrosis and tubular atrophy under 10%.",
                "Mild interstitial inflammation; tubular atrophy about 15%.",
                "Arteries and arterioles unremarkable.",
            ),
        )
    )
    lines.append(" ".join(micro))
    lines.append(
        "Immunofluorescence: "
        + _pick(
            rng,
            (
                "full-house pattern (IgG, IgA, IgM, C3, C1q), mesangial and capillary wall.",
                "granular IgG 3+, C3 2+, C1q 2+ along capillary walls.",
                "mesangial IgG and C3, C1q positive.",
            ),
        )
    )
    if rng.random() < 0.6:
        lines.append(
            "Electron microscopy: "
            + _pick(
                rng,
                (
                    "subendothelial and mesangial dense deposits; tubuloreticular inclusions.",
                    "subepithelial deposits with effacement of foot processes.",
                    "mesangial deposits only.",
                ),
            )
        )
    head = _pick(rng, ("Diagnosis: ", "Conclusion: ", "DIAGNOSIS: "))
    lines.append(f"{head}Lupus nephritis, {_pick(rng, _LN_CLASS_TEXT[cls])}.")
    if cls in _PROLIFERATIVE:
        activity, chronicity = _randint(rng, 3, 16), _randint(rng, 0, 6)
        lines.append(f"NIH activity index {activity}/24, chronicity index {chronicity}/12.")
    if rng.random() < 0.5:
        lines.append(
            _pick(
                rng,
                (
                    "Comment: findings discussed with the referring nephrologist.",
                    "Comment: compared with any previous biopsy, chronic damage is limited.",
                    "Reported by the renal pathology service; a second opinion concurs.",
                ),
            )
        )
    return "\n".join(lines)


def _skin_pathology(c: _Ctx) -> str:
    rng = c.rng
    site = _pick(rng, ("left cheek", "scalp", "forearm"))
    return "\n".join(
        (
            "HISTOPATHOLOGY",
            f"Received {_date(c.on, rng)}: skin punch biopsy, {site}.",
            "Microscopy: interface dermatitis with basal vacuolar change, perivascular and "
            "periadnexal lymphocytic infiltrate and dermal mucin.",
            "Conclusion: features consistent with cutaneous lupus erythematosus.",
        )
    )


def _lupus_lab(c: _Ctx) -> str:
    rng = c.rng
    labs = _lupus_labs(c, full=rng.random() < 0.4)
    head = _pick(rng, ("LAB RESULTS", "Laboratory report", "Blood results", "Pathology results"))
    return f"{head}\n" + _render_labs(labs, rng, _date(c.on, rng))


def _referral(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p = c.rng, c.p
    note = _Note()
    note.add(p.hospital)
    note.add(_pick(rng, ("Dear colleague,", f"Dear {_pick(rng, _DOCTORS)},", "Dear Dr,")))
    if not p.structured or rng.random() < 0.3:
        note.add(f"Re: {p.pid}, DOB {_date(p.birth, rng)}")
    if p.condition is not None:
        cond = p.condition
        opening = _pick(
            rng,
            (
                "Thank you for seeing this {age}-year-old {child} with {cond}; I would be "
                "grateful for your assessment.",
                "I would appreciate your opinion on this {age} yo {sx} with {cond}.",
            ),
        )
        note.add(c.fill(opening))
        note.add(" ".join(c.fill(s) for s in _sample(rng, cond.hpi, min(3, len(cond.hpi)))))
        meds = [c.fill(m) for m in _sample(rng, cond.meds, min(2, len(cond.meds)))]
        note.add("Medications: " + "; ".join(meds) + ".")
    elif _has_nephritis(p, c.on) and _latest_biopsy(p, c.on) is not None:
        note.add("Thank you for seeing this patient. " + _ln_opening(c, _latest_biopsy(p, c.on)))
        history = _treatment_history(c)
        if history:
            note.add(history)
        note.add(_proteinuria_line(c))
        question = _pick(
            rng,
            (
                "I am writing to ask whether {pos} disease might make {obj} eligible for a "
                "clinical trial of CD19-directed therapy.",
                "We would value your advice on further management of {pos} nephritis.",
            ),
        )
        note.add(c.fill(question))
    else:
        opening = _pick(
            rng,
            (
                "Thank you for seeing this {age}-year-old {child} with suspected lupus: a "
                "positive ANA and arthralgia.",
                "I would be grateful for your review of this {age} yo {sx} with {cond}.",
            ),
        )
        note.add(c.fill(opening))
        note.add(f"ANA {p.ana}. Features so far: {', '.join(p.features)}.")
    if rng.random() < 0.6:
        note.add("Family history: " + _family_history(rng))
    if rng.random() < 0.5:
        allergies = _pick(
            rng, ("NKDA.", "none known.", "penicillin (rash).", "no known allergies.")
        )
        note.add("Allergies: " + allergies)
    role = _pick(rng, ("GP", "General Paediatrician", "Consultant Paediatrician"))
    tail, words = _tail([_pick(rng, ("Yours sincerely,", "Kind regards,")), f"{p.doctor}, {role}"])
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


_LN_ADMISSIONS = _alts(
    """lupus flare with fever and polyarthritis | nephrotic-range proteinuria with oedema |
    IV methylprednisolone pulses for active nephritis | renal biopsy and induction therapy |
    febrile neutropenia on immunosuppression | hypertensive urgency |
    cellulitis on immunosuppression"""
)
_SLE_ADMISSIONS = _alts(
    """lupus flare with fever and polyarthritis | autoimmune haemolytic anaemia |
    pericarditis | chest infection on immunosuppression"""
)


def _discharge(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    admitted = c.on - dt.timedelta(days=_randint(rng, 1, 12))
    note = _Note()
    note.add(
        _heading(("DISCHARGE SUMMARY", "Discharge letter", "Inpatient discharge summary"), rng)
    )
    ward = _pick(rng, ("Ward 4", "Rainbow Ward", "Children's Ward", "Paediatric Assessment Unit"))
    note.add(f"{p.hospital}, {ward}")
    if not p.structured or rng.random() < 0.4:
        note.add(f"Patient: {p.pid}  DOB: {_date(p.birth, rng)}  Sex: {p.sex}")
    note.add(f"Admitted: {_date(admitted, rng)}    Discharged: {_date(c.on, rng)}")
    if p.condition is not None:
        cond = p.condition
        note.add(f"Primary diagnosis: {_pick(rng, cond.admit)}.")
        note.add(f"Background: {v['cond']}.")
        story = " ".join(c.fill(s) for s in _sample(rng, cond.hpi, min(3, len(cond.hpi))))
        note.add("Presenting complaint:\n" + story)
    else:
        reasons = _LN_ADMISSIONS if _has_nephritis(p, c.on) else _SLE_ADMISSIONS
        note.add(f"Primary diagnosis: {_pick(rng, reasons)}.")
        biopsy = _latest_biopsy(p, c.on)
        if _has_nephritis(p, c.on) and biopsy is not None:
            note.add("History: " + _ln_opening(c, biopsy))
        else:
            note.add("History: " + _sle_opening(c))
        treatment = _treatment_history(c)
        if treatment:
            note.add(treatment)
    course = [c.fill(s) for s in _sample(rng, _WARD_COURSE, 5)]
    note.used.update(course)
    if p.condition is None:
        course[1:1] = [_proteinuria_line(c), _sledai(c)]
    note.add(_pick(rng, ("Hospital course:\n", "Clinical course: ")) + " ".join(course))
    labs = _lupus_labs(c, full=True) if p.condition is None else _other_labs(c)
    note.add("Investigations:\n" + _render_labs(labs, rng, _date(admitted, rng)))
    if p.kind == "ln" and rng.random() < 0.4:
        note.add(_flow_line(c))
    exam = _sample(rng, _EXAM, 3)
    note.used.update(exam)
    note.add("Examination on discharge: " + _vitals(c) + " " + " ".join(exam))
    meds = [f"{_drug_name(rng, d.key)} {d.dose}" for d in _current_drugs(p, c.on)]
    if p.condition is not None:
        meds += [c.fill(m) for m in _sample(rng, p.condition.meds, min(3, len(p.condition.meds)))]
    meds.append(_pick(rng, ("paracetamol 15 mg/kg qds prn", "omeprazole 20 mg od", "lactulose bd")))
    advice = " ".join(c.fill(s) for s in _sample(rng, _DISCHARGE_ADVICE, 3))
    tail, words = _tail(
        [
            "Discharge medications:\n" + _bullets(meds, rng),
            "Information given: " + advice,
            "Follow-up: " + c.fill(_pick(rng, _FOLLOW_UP)),
            f"Discharging clinician: {p.doctor}",
        ],
    )
    _pad(note, c, target - words, _WARD_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


# Other conditions ------------------------------------------------------------------------


def _other_labs(c: _Ctx) -> list[_Lab]:
    rng, p = c.rng, c.p
    labs: list[_Lab] = []
    for panel in p.condition.labs if p.condition else ("cbc",):
        if panel == "cbc":
            labs.extend(_cbc(rng, low_lymph=False))
        elif panel == "renal":
            labs.extend(_renal(rng, p, c.on))
        elif panel == "lft":
            labs.extend(_lfts(rng, high=rng.random() < 0.05))
        elif panel == "upcr":
            labs.append(_upcr(rng, _upcr_value(rng, p, c.on)))
        elif panel == "albumin":
            labs.append(_Lab("Albumin", str(_randint(rng, 12, 44)), "g/L", "(35-50)"))
        elif panel == "inflammatory":
            labs.append(_Lab("CRP", str(_randint(rng, 1, 160)), "mg/L", "(<5)"))
            labs.append(_Lab("ESR", str(_randint(rng, 2, 80)), "mm/hr"))
        elif panel == "diabetes":
            labs.append(_Lab("HbA1c", str(c.values["a1c"]), "mmol/mol"))
            labs.append(_Lab("Glucose", f"{rng.uniform(4, 18):.1f}", "mmol/L"))
        elif panel == "ige":
            labs.append(_Lab("Total IgE", str(_randint(rng, 20, 1400)), "kU/L"))
        elif panel == "iron":
            labs.append(_Lab("Ferritin", str(_randint(rng, 4, 90)), "ug/L", "(15-150)"))
    return labs


_PAST_HISTORY = _alts(
    """born at term, no neonatal concerns | eczema in infancy | grommets aged 4 |
    tonsillectomy | no previous admissions | iron deficiency treated last year |
    mild speech delay, resolved | immunisations complete | bronchiolitis as an infant"""
)
_LUPUS_ASIDES = _lines(
    """
    No features to suggest SLE; ANA negative.
    Mother has SLE; {pron} has no symptoms to suggest it.
    Lupus was considered and ruled out.
    Denies joint pain, rash or mouth ulcers; no concern for lupus.
    """
)


def _other_clinic(c: _Ctx, target: int) -> tuple[str, int]:
    rng, p, v = c.rng, c.p, c.values
    cond = p.condition
    assert cond is not None  # only "other" patients reach here
    note = _Note()
    note.add(
        _heading(
            (
                "General Paediatric Clinic",
                "Outpatient review",
                "Clinic letter",
                "Specialist clinic follow-up",
                "Paediatric review",
            ),
            rng,
        )
    )
    if not p.structured and rng.random() < 0.5:
        note.add(f"DOB {_date(p.birth, rng)}")
    hpi = [f"{_age_phrase(c)} with {v['cond']}."]
    hpi += [c.fill(s) for s in _sample(rng, cond.hpi, _randint(rng, 2, len(cond.hpi)))]
    note.add(_pick(rng, ("HPI: ", "History: ", "Interval history: ")) + " ".join(hpi))
    if rng.random() < 0.5:
        past = _sample(rng, _PAST_HISTORY, _randint(rng, 1, 3))
        note.add("Past medical history:\n" + _bullets(past, rng))
    meds = [c.fill(m) for m in _sample(rng, cond.meds, _randint(rng, 1, len(cond.meds)))]
    meds += [f"{_drug_name(rng, d.key)} {d.dose}" for d in _current_drugs(p, c.on)]
    head = _pick(rng, ("Medications:", "Current medications:", "Meds:"))
    note.add(head + "\n" + _bullets(meds, rng))
    allergies = _pick(rng, ("NKDA", "none known", "penicillin (rash)", "no known drug allergies"))
    note.add("Allergies: " + allergies)
    _common_sections(note, c)
    exam = [_vitals(c)] + [
        c.fill(s) for s in _sample(rng, cond.exam, _randint(rng, 1, len(cond.exam)))
    ]
    exam += _sample(rng, _EXAM, _randint(rng, 1, 3))
    note.used.update(exam)
    note.add(_pick(rng, ("Examination: ", "O/E: ", "On examination: ")) + " ".join(exam))
    if rng.random() < 0.4:
        note.add("Investigations:\n" + _render_labs(_other_labs(c), rng, _date(c.on, rng)))
    if rng.random() < 0.25:
        # Lupus words in a non-lupus note: negation and family rules must keep them out.
        note.add(c.fill(_pick(rng, _LUPUS_ASIDES)))
    plan = [c.fill(s) for s in _sample(rng, cond.plan, _randint(rng, 1, len(cond.plan)))]
    tail, words = _tail(
        [
            _pick(rng, ("Assessment: ", "Impression: ")) + c.fill(_pick(rng, cond.assess)),
            _pick(rng, ("Plan:", "Management plan:")) + "\n" + _bullets(plan, rng),
            c.fill(_pick(rng, _FOLLOW_UP)),
        ],
    )
    _pad(note, c, target - words, _CLINIC_PADDING)
    for line in tail:
        note.add(line)
    return note.text(), note.words


def _other_lab(c: _Ctx) -> str:
    head = _pick(c.rng, ("LAB RESULTS", "Laboratory report", "Blood results"))
    return f"{head}\n" + _render_labs(_other_labs(c), c.rng, _date(c.on, c.rng))


def _other_pathology(c: _Ctx) -> str:
    rng, p = c.rng, c.p
    assert p.condition is not None and p.condition.pathology
    renal = p.condition.key in ("nephrotic", "iga")
    titles = ("RENAL BIOPSY REPORT", "Kidney biopsy") if renal else ("HISTOPATHOLOGY", "Pathology")
    lines = [
        _heading(titles, rng),
        f"Specimen received {_date(c.on, rng)}.",
        f"Clinical details: {_pick(rng, p.condition.names)}.",
        f"Diagnosis: {_pick(rng, p.condition.pathology)}.",
    ]
    if renal:
        stain = _pick(rng, ("negative for IgG and C1q.", "dominant mesangial IgA 3+."))
        lines.insert(3, f"Light microscopy: {_randint(rng, 10, 40)} glomeruli. IF: {stain}")
        lines.append("No features of lupus nephritis.")
    return "\n".join(lines)


# --- streaming ----------------------------------------------------------------------------


def _target(rng: Random, note_type: str) -> int:
    """Words to aim for: clinic letters average about 300, discharge letters 600-900."""
    if note_type == "clinic":
        return int(rng.triangular(110, 620, 200))
    if note_type == "discharge":
        return int(rng.triangular(600, 900, 680))
    if note_type == "referral":
        return int(rng.triangular(140, 420, 220))
    return 0


def _text(rng: Random, p: _Patient, on: dt.date, note_type: str) -> tuple[str, int]:
    c = _context(rng, p, on)
    lupus = p.condition is None
    if note_type == "clinic":
        return (_lupus_clinic if lupus else _other_clinic)(c, _target(rng, note_type))
    if note_type == "referral":
        return _referral(c, _target(rng, note_type))
    if note_type == "discharge":
        return _discharge(c, _target(rng, note_type))
    if note_type == "lab":
        text = _lupus_lab(c) if lupus else _other_lab(c)
    elif note_type == "flow":
        text = _flow(c)
    elif p.kind == "ln":
        text = _ln_pathology(c)
    else:
        text = _skin_pathology(c) if lupus else _other_pathology(c)
    return text, len(text.split())


def _patient(rng: Random, seed: int, no: int) -> tuple[_Patient, list[tuple[dt.date, str]]]:
    # Reseeding per patient (a str seed is hashed with SHA-512: stable across runs and
    # processes) makes patient k independent of how many patients come before it.
    rng.seed(f"matcher-synth:{seed}:{no}")
    return _make_patient(rng, no)


def cohort(patient_no: int, seed: int = 0) -> str:
    """What synthetic patient `patient_no` was drawn as: "lupus_nephritis", "sle", or the
    key of a non-lupus condition ("asthma", "nephrotic", ...). For benchmarks and tests
    that need to know the mix; the notes themselves never say it."""
    p, _notes = _patient(Random(), seed, patient_no)
    if p.condition is not None:
        return p.condition.key
    return "lupus_nephritis" if p.kind == "ln" else "sle"


def _rows(patients: int, seed: int, start_id: int) -> Iterator[tuple[dict, int]]:
    """(row, word count) for every note; the count comes free from building the text."""
    if patients < 0:
        raise ValueError("patients must be 0 or more")
    rng = Random()
    for no in range(start_id + 1, start_id + patients + 1):
        p, notes = _patient(rng, seed, no)
        demographics = {"birth_date": p.birth.isoformat(), "sex": p.sex} if p.structured else {}
        for k, (on, note_type) in enumerate(notes, start=1):
            text, words = _text(rng, p, on, note_type)
            row = {
                "patient_id": p.pid,
                "note_id": f"S{no:07d}-{k:02d}",
                "note_date": on.isoformat(),
                "note_type": note_type,
                "text": text,
                **demographics,
            }
            yield row, words


def generate_notes(patients: int, seed: int = 0, start_id: int = 0) -> Iterator[dict]:
    """Yield note rows for patients start_id+1 .. start_id+patients, one patient at a time.

    Deterministic for (seed, patient number); only one patient is held in memory.
    """
    for row, _words in _rows(patients, seed, start_id):
        yield row


@dataclass
class SynthStats:
    """Counts gathered while writing (for the CLI summary and benchmarks)."""

    notes: int = 0
    patients: int = 0
    words: int = 0
    notes_by_type: dict[str, int] = field(default_factory=dict)
    words_by_type: dict[str, int] = field(default_factory=dict)

    def mean_words(self) -> dict[str, float]:
        """Average words per note, by note type."""
        return {t: self.words_by_type[t] / n for t, n in sorted(self.notes_by_type.items())}


def write_notes(
    path: str | Path,
    patients: int,
    seed: int = 0,
    *,
    start_id: int = 0,
    stats: SynthStats | None = None,
    on_patient: Callable[[], None] | None = None,
) -> int:
    """Write the notes of `patients` synthetic patients to `path` (JSONL); return the count.

    The rows go to a hidden sibling file that is renamed into place at the end, so an
    interrupted run never leaves a partial export where `matcher ingest` would read it
    (ingest and the nightly job skip the ".partial" suffix and hidden files).
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    stats = stats if stats is not None else SynthStats()
    by_type, words_by_type = stats.notes_by_type, stats.words_by_type
    # ASCII escapes (json's default) encode twice as fast as raw UTF-8 here, and readers
    # decode both to the same text.
    encode = json.JSONEncoder().encode
    current = ""
    try:
        with temp.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
            for row, words in _rows(patients, seed, start_id):
                fh.write(encode(row) + "\n")
                note_type = row["note_type"]
                by_type[note_type] = by_type.get(note_type, 0) + 1
                words_by_type[note_type] = words_by_type.get(note_type, 0) + words
                if row["patient_id"] != current:
                    current = row["patient_id"]
                    stats.patients += 1
                    if on_patient is not None:
                        on_patient()
            fh.flush()
            os.fsync(fh.fileno())  # the rename must never publish unwritten data
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    stats.notes = sum(by_type.values())
    stats.words = sum(words_by_type.values())
    return stats.notes
