"""Drugs of the invented patients: kinds, courses, and how a note names them.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from random import Random

from matcher.tools.synth.phrases import (
    _alts,
    _date,
    _month,
    _pick,
    _randint,
)

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
