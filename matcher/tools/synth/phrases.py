"""Sentence material any paediatric note may carry: dates, filler, family history, doctors.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from random import Random
from typing import TypeVar

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


def _family_history(rng: Random) -> str:
    lines = []
    for _ in range(_randint(rng, 1, 2)):
        lines.append(
            _pick(rng, _FH_LINES).format(rel=_pick(rng, _RELATIVES), cond=_pick(rng, _FH_CONDS))
        )
    return " ".join(dict.fromkeys(lines))
