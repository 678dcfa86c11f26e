"""Invented patients: demographics and the plan of their disease and treatment.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from random import Random

from matcher.tools.synth.conditions import (
    _CONDITIONS,
    _RTX_CONDITIONS,
    _Condition,
)
from matcher.tools.synth.drugs import (
    _ONE_OFF,
    _Drug,
    _drug,
)
from matcher.tools.synth.phrases import (
    _DOCTORS,
    _HOSPITALS,
    _NOTE_COUNT_CUM,
    _NOTE_COUNTS,
    NOTE_TYPES,
    REFERENCE_DATE,
    _alts,
    _pick,
    _randint,
    _sample,
)

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
