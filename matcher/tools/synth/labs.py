"""Lab panels of the invented patients and how a note prints them.

Part of matcher.tools.synth (its docstring says what the output is for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from random import Random

from matcher.tools.synth.patients import (
    _growth_height,
    _Patient,
)
from matcher.tools.synth.phrases import (
    _pick,
    _randint,
)

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
