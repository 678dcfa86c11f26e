"""Lab units: spelling, conversion to each family's canonical unit, unitless guesses, ULN.

Pure functions, no I/O. A lab family (concepts.jsonl ``attrs.family``) names what is
measured; its canonical unit is the one GUIDELINE compares in:

  count x10^9/L, hemoglobin g/L, bilirubin umol/L, creatinine umol/L, upcr g/g,
  protein24h g/day, enzyme U/L, ratio ratio, seconds s, egfr mL/min/1.73m2,
  height cm, albumin g/L, complement g/L, titer_iu IU/mL, titer_ru RU/mL, flow % or /uL;
  the vitals bmi kg/m2, pressure mmHg, percent % (SpO2, LVEF), weight kg.

A value is never guessed silently: an unreadable unit, a unit that does not belong to
the family (Hb "12 U/L"), or a unitless value whose magnitude fits two units
(bilirubin 2.5: mg/dL or umol/L?) all give None, and the caller leaves the value out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "canonical_unit",
    "canonical_unit_in_family",
    "convert_factor",
    "fits_unit",
    "guess_unit",
    "normalize",
    "parse_reference_range",
]

# --------------------------------------------------------------------------- spelling

# Unicode forms printed by analysers and word processors, reduced to ASCII first.
_CHAR_MAP = str.maketrans(
    {
        "µ": "u",  # U+00B5 micro sign
        "μ": "u",  # U+03BC Greek mu
        "×": "x",
        "·": ".",
        "⋅": ".",
        "∙": ".",
        "⁰": "^0", "¹": "^1", "²": "^2", "³": "^3", "⁴": "^4",
        "⁵": "^5", "⁶": "^6", "⁷": "^7", "⁸": "^8", "⁹": "^9",
        "−": "-",
        "\u00a0": " ",
    }
)  # fmt: skip

# Keys are lower-case, space-free spellings after _CHAR_MAP and the "mc"/"micro" → "u" step.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    # Counts: 10^9/L = 10^3/uL = K/uL = G/L = /nL. "x 109/L" is "x10⁹/L" with the
    # superscript lost in a copy-paste, common in exported CBC tables.
    "x10^9/L": (
        "x10^9/l", "10^9/l", "x10^9l", "x10e9/l", "10e9/l", "x10(9)/l", "10(9)/l", "x109/l",
        "109/l", "x10*9/l", "10*9/l", "x10**9/l", "10**9/l", "x10^9cells/l", "10^9cells/l",
        "k/ul", "k/mm^3", "k/mm3", "k/cumm", "thou/ul", "thous/ul", "thousand/ul", "10^3/ul",
        "x10^3/ul", "10^3/mm^3", "x10^3/mm^3", "10^3/mm3", "x10^3/mm3", "x103/ul", "103/ul",
        "10*3/ul", "x10*3/ul", "x10e3/ul", "10e3/ul", "/nl", "gpt/l", "giga/l",
        # German "Tsd/µl" (thousand per µl), "Mrd/l" (milliard per litre); Finnish "E9/l"
        "tsd/ul", "tsd./ul", "tsd/mm3", "x1000/ul", "*1000/ul", "mrd/l", "mrd./l", "e9/l",
        "xe9/l",
    ),
    # Japanese, Korean and Taiwanese labs print platelets in ten-thousands per uL ("Plt 8.5
    # x10^4/uL" = 85,000/uL = 85 x10^9/L; "万/uL", man = 10,000) and some print white
    # counts in hundreds per uL ("WBC 56 x10^2/uL" = 5,600/uL = 5.6 x10^9/L).
    "x10^4/uL": (
        "x10^4/ul", "10^4/ul", "x10e4/ul", "10e4/ul", "x10*4/ul", "10*4/ul", "x10(4)/ul",
        "x104/ul", "x10^4/mm3", "x10^4/mm^3", "10^4/mm3", "10^4/mm^3", "x10^4/cumm",
        "x10000/ul", "x10,000/ul", "万/ul", "万/mm3", "x万/ul",
    ),
    "x10^2/uL": (
        "x10^2/ul", "10^2/ul", "x10e2/ul", "10e2/ul", "x10*2/ul", "10*2/ul", "x10(2)/ul",
        "x102/ul", "x10^2/mm3", "x10^2/mm^3", "10^2/mm3", "10^2/mm^3", "x100/ul",
    ),
    "/uL": (
        "/ul", "/mm^3", "/mm3", "/cmm", "/cumm", "cells/ul", "cells/mm^3", "cells/mm3",
        "cells/cmm", "cells/cumm", "cell/ul", "per/ul", "perul", "/cu.mm", "cells/cu.mm",
        "cell/mm3", "cell/mm^3", "cell/cmm",
    ),
    # "Hb 9.8 gm%": grams per 100 mL, the g/dL of Indian and older British reports
    "g/dL": ("g/dl", "gm/dl", "g/100ml", "gm/100ml", "gr/dl", "g%", "gm%", "gms%", "g/%"),
    # A lakh is 100,000 (South Asian numbering): "Plt 1.8 lakh/cumm" is 180,000/uL, i.e.
    # 180 x10^9/L; "2.5 lakhs" alone is written of platelets per cumm.
    "lakh/uL": ("lakh/cumm", "lakhs/cumm", "lakh/cmm", "lakhs/cmm", "lakh/mm3", "lakhs/mm3",
                "lakh/mm^3", "lakh/ul", "lakhs/ul", "lakh/cu.mm", "lakhs/cu.mm", "lac/cumm",
                "lacs/cumm", "lac/cmm", "lacs/cmm", "lac/mm3", "lakh", "lakhs", "lac", "lacs",
                "lakhcells/cumm", "lakhcells/ul"),
    "g/L": ("g/l", "gm/l", "gr/l"),
    "mg/dL": ("mg/dl", "mg/100ml", "mgs/dl"),
    "mg/L": ("mg/l",),
    "mmol/L": ("mmol/l",),
    "nmol/L": ("nmol/l",),  # 25-hydroxyvitamin D 50 nmol/L
    "ng/mL": ("ng/ml", "ug/l"),  # 25-hydroxyvitamin D 20 ng/mL = 20 µg/L
    "mEq/L": ("meq/l",),  # calcium 4.5 mEq/L
    "umol/L": ("umol/l", "micromol/l", "umoll", "umol/litre", "umol/liter"),
    # "g/g-Cr", "mg/mgCr": grams of protein per gram of creatinine, the creatinine named
    "g/g": ("g/g", "mg/mg", "gm/gm", "g/gcr", "g/g-cr", "g/gcreat", "g/gcreatinine", "mg/mgcr",
            "mg/mg-cr", "g/gkrea", "g/gkreatinin", "g/gkreatinine"),
    # "mg/g Krea", "mg/mmol Kreatinin": the creatinine named in German and Nordic reports
    "mg/mmol": ("mg/mmol", "mg/mmolcr", "mg/mmolcreat", "mg/mmolcreatinine", "mg/mmol-cr",
                "mg/mmolkrea", "mg/mmolkreatinin", "mg/mmolkreatinine"),
    "mg/g": ("mg/g", "mg/gcr", "mg/gcreat", "mg/gcreatinine", "mg/g-cr", "mg/gkrea",
             "mg/gkreatinin", "mg/gkreatinine", "mg/g-krea"),
    "g/mmol": ("g/mmol",),
    "g/day": (
        "g/24h", "g/24hr", "g/24hrs", "g/24hour", "g/24hours", "g/day", "g/d", "gm/24h",
        "gm/24hr", "gm/day", "g/24-h", "g/24-hr", "g/24-hour", "g/dayurine", "g/24hurine",
        # spelled out: "1.8 grams per day", "2.6 gms/day", "1.1 g per 24 hours"
        "grams/day", "gram/day", "gms/day", "gm/d", "gramsperday", "gramperday", "gperday",
        "gmperday", "gmsperday", "gper24h", "gper24hours", "gper24hrs", "gramsper24hours",
        "gramsper24h", "g/24hours",
    ),
    "mg/day": (
        "mg/24h", "mg/24hr", "mg/24hrs", "mg/24hour", "mg/24hours", "mg/day", "mg/d",
        "mg/24-h", "mg/24-hr",
        # spelled out: "950 mg per 24 h", "640 milligrams per day"
        "mgs/day", "mgperday", "mgper24h", "mgper24hr", "mgper24hrs", "mgper24hours",
        "milligramsperday", "milligrams/day", "mg/24hours",
    ),
    "U/L": ("u/l", "iu/l", "units/l", "unit/l", "ui/l", "u/litre", "iu/litre"),
    "ukat/L": ("ukat/l",),
    # "seg"/"segundos" (Spanish, Portuguese), "secondi" (Italian): the same second.
    "s": ("s", "sec", "secs", "second", "seconds", "sec.", "seg", "seg.", "segs", "segundos",
          "secondi"),
    "mL/min/1.73m2": (
        "ml/min/1.73m2", "ml/min/1.73m^2", "ml/(min.1.73m2)", "ml/(min.1.73m^2)",
        "ml/min.1.73m2", "ml/(minx1.73m2)", "ml/(min*1.73m2)", "ml/min/1.73sqm",
        "ml/min/1.73msq", "ml/minper1.73m2", "ml/minper1.73m^2", "ml/min/1.73", "ml/min/1.73m",
        "ml/(min1.73m2)",
        # "mL/minute/1.73 m2", "mL/minute per 1.73 m²": the minute written out.
        "ml/minute/1.73m2", "ml/minute/1.73m^2", "ml/minuteper1.73m2", "ml/minuteper1.73m^2",
        "ml/minute/1.73",
        # "mls/min/1.73m2" (British plural), "ml/mn/1.73m2" (French "mn" for the minute)
        "mls/min/1.73m2", "mls/min/1.73m^2", "mls/min/1.73", "ml/mn/1.73m2", "ml/mn/1.73m^2",
        "ml/mn/1.73",
    ),
    # eGFR written without the body-surface part ("eGFR 85 mL/min"): paediatric Schwartz
    # results are always per 1.73 m², the suffix is simply dropped in dictation.
    "mL/min": ("ml/min", "cc/min", "ml/minute", "mls/min", "mls/minute", "ml/mn"),
    "%": ("%", "percent", "pct", "%oflymphocytes", "%lymphs", "%oflymphs"),
    # ECG intervals: "QTcF > 470 msec", "QTc 452 ms"
    "ms": ("ms", "msec", "msecs", "millisecond", "milliseconds", "millisec"),
    "cm": ("cm", "cms", "centimetres", "centimeters", "centimetre", "centimeter"),
    "m": ("m", "metre", "meter", "metres", "meters"),
    "mm": ("mm",),
    "in": ("in", "inch", "inches", '"', "ins"),
    "ratio": ("ratio", "inr"),
    # Urine sediment microscopy: cells per high-power field ("> 5 RBC/HPF", "5 /hpf").
    "/HPF": ("/hpf", "perhpf", "cells/hpf", "/highpowerfield", "/high-powerfield",
             "perhighpowerfield", "perhigh-powerfield", "/hpfield"),
    "IU/mL": ("iu/ml", "u/ml", "units/ml"),
    "RU/mL": ("ru/ml",),  # relative units (anti-PLA2R ELISA)
    # Vitals: "31.2 kg/m²", "128/76 mmHg", "45 kg", "99 lb".
    "kg/m2": ("kg/m2", "kg/m^2", "kg/sqm", "kg/m.sq", "kg/msq", "kg.m-2", "kg.m^-2",
              # spelled out: "40 kg/meter square", "25 kilograms per square metre", "kg.m2"
              "kg.m2", "kg.m^2", "kg/metersquare", "kg/metresquare", "kg/squaremeter",
              "kg/squaremetre", "kgpersquaremeter", "kgpersquaremetre",
              "kilogramspersquaremeter", "kilogramspersquaremetre", "kilograms/squaremeter"),
    "mmHg": ("mmhg", "mm/hg", "mmofhg", "mm[hg]"),
    "kPa": ("kpa",),
    "kg": ("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"),
    "lb": ("lb", "lbs", "pound", "pounds"),
    # Heart rate: "HR > 100 beats/min", "resting heart rate 50-100 bpm", "pulse 72/min".
    "/min": ("/min", "bpm", "b/min", "beats/min", "beats/minute", "beatsperminute",
             "beatspermin", "beat/min", "beat/minute", "beatperminute", "/minute",
             "perminute", "batt/min", "latidos/min", "latidos/minuto"),
}  # fmt: skip

# Units said in full, as a dictation writes them ("one point nine grams per gram", "one
# hundred and sixty milligrams per millimole", "forty two micromoles per litre"): the
# spelling after the spaces are dropped and "micro" became "u".
_SAID: dict[str, tuple[str, ...]] = {
    "g/g": ("gramspergram", "grampergram", "gpergram", "gperg", "milligramspermilligram",
            "mgpermg"),
    "mg/mmol": ("milligramspermillimole", "milligrampermillimole", "milligramspermillimol",
                "mgpermmol", "mgspermmol", "milligrams/millimole"),
    "mg/g": ("milligramspergram", "milligrampergram", "mgpergram", "mgperg"),
    "umol/L": ("umolesperlitre", "umolesperliter", "umolperlitre", "umolperliter",
               "umolsperlitre", "umolsperliter", "umoleperlitre", "umoles/litre", "umoles/l",
               "umolperl"),
    "mmol/L": ("millimolesperlitre", "millimolesperliter", "millimolperlitre", "mmolperl",
               "mmolperlitre"),
    "g/L": ("gramsperlitre", "gramsperliter", "gperlitre", "gperliter", "gperl"),
    "g/dL": ("gramsperdecilitre", "gramsperdeciliter", "gperdl", "gramsperdl"),
    "mg/dL": ("milligramsperdecilitre", "milligramsperdeciliter", "mgperdl", "milligramsperdl"),
    "U/L": ("unitsperlitre", "unitsperliter", "iuperlitre", "iuperliter", "uperl"),
}
_LOOKUP: dict[str, str] = {
    spelling: canonical
    for table in (_SPELLINGS, _SAID)
    for canonical, spellings in table.items()
    for spelling in spellings
}
# "mc" and "micro" both mean micro (mcmol/L, cells/mcL, micromol/L); rewrite to "u".
_MICRO = re.compile(r"micro|mc(?=[a-z])")
_SPACES = re.compile(r"\s+")
_WRAPPING = re.compile(r"^[\[(]([^\[\]()]{0,40})[\])]$")


def canonical_unit(raw: str | None) -> str | None:
    """One spelling per unit: "×10⁹/L", "10*9/L", "K/µL", "G/L" → "x10^9/L";
    "cells/mm³" → "/uL"; "µmol/L", "mcmol/L" → "umol/L"; "g/24 h" → "g/day".

    Returns None when the unit cannot be read: the value is then not used.
    """
    if raw is None or not isinstance(raw, str):
        return None
    text = raw.strip().rstrip(".,;:")
    if not text or len(text) > 60:
        return None
    wrapped = _WRAPPING.match(text)
    if wrapped:
        text = wrapped[1]
    text = _SPACES.sub("", text.translate(_CHAR_MAP))
    # "ml/min/1,73m²": the body surface written with a decimal comma (German, Nordic)
    text = text.replace("1,73", "1.73")
    # Case matters once: "G/L" is giga-cells per litre (a count, common in French and
    # German CBCs); "g/L" is grams per litre (haemoglobin).
    if text in ("G/L", "G/l"):
        return "x10^9/L"
    return _LOOKUP.get(_MICRO.sub("u", text.casefold()))


# A dictation reads "G/L" out letter by letter: "white cells four point eight G per liter".
# The letter G said before "per litre" is giga in a count row and grams in a haemoglobin
# row ("hemoglobin ninety eight G per liter"); canonical_unit, which knows no analyte,
# reads grams. Only the capital letter: "g per liter" is written for grams.
_LETTER_G_PER_LITRE = re.compile(r"G\s{1,2}per\s{1,2}(?:lit(?:er|re)s?|L|l)|G\s?/\s?lit(?:er|re)")


def canonical_unit_in_family(raw: str | None, family: str) -> str | None:
    """canonical_unit, where the analyte's family settles what the unit alone leaves open:
    "G per liter" is x10^9/L for a count ("WBC four point eight G per liter") and g/L for
    haemoglobin, since no count is in grams and no haemoglobin is a count."""
    if family == "count" and raw and _LETTER_G_PER_LITRE.fullmatch(raw.strip().rstrip(".,;:")):
        return "x10^9/L"
    return canonical_unit(raw)


# --------------------------------------------------------------------------- conversion


@dataclass(frozen=True)
class _Conversion:
    factor: Fraction  # exact, so 56.5 mg/mmol ÷ 113 lands on 0.5 g/g, not 0.49999...
    target: str


def _f(numerator: int | str, denominator: int | str = 1) -> Fraction:
    return Fraction(numerator) / Fraction(denominator)


# GUIDELINE "Values and units" and DOMAIN "Labs and units".
_CONVERSIONS: dict[str, dict[str, _Conversion]] = {
    "count": {
        "x10^9/L": _Conversion(_f(1), "x10^9/L"),
        "/uL": _Conversion(_f(1, 1000), "x10^9/L"),  # ALC 1200/mm³ = 1.2 x10^9/L
        "lakh/uL": _Conversion(_f(100), "x10^9/L"),  # Plt 1.8 lakh/cumm = 180 x10^9/L
        "x10^4/uL": _Conversion(_f(10), "x10^9/L"),  # Plt 8.5 x10^4/uL = 85 x10^9/L
        "x10^2/uL": _Conversion(_f(1, 10), "x10^9/L"),  # WBC 56 x10^2/uL = 5.6 x10^9/L
    },
    "hemoglobin": {
        "g/L": _Conversion(_f(1), "g/L"),
        "g/dL": _Conversion(_f(10), "g/L"),  # Hb 11.7 g/dL = 117 g/L
        "mmol/L": _Conversion(_f("16.1"), "g/L"),  # Dutch/Scandinavian Hb 7.3 mmol/L ≈ 118 g/L
    },
    "bilirubin": {
        "umol/L": _Conversion(_f(1), "umol/L"),
        "mg/dL": _Conversion(_f("17.1"), "umol/L"),  # T bili 1.2 mg/dL = 20.52 umol/L
        "mg/L": _Conversion(_f("1.71"), "umol/L"),
    },
    "creatinine": {
        "umol/L": _Conversion(_f(1), "umol/L"),
        "mg/dL": _Conversion(_f("88.4"), "umol/L"),  # SCr 0.77 mg/dL = 68.068 umol/L
        "mmol/L": _Conversion(_f(1000), "umol/L"),
    },
    "upcr": {
        "g/g": _Conversion(_f(1), "g/g"),  # mg/mg is the same ratio
        "mg/mmol": _Conversion(_f(1, 113), "g/g"),  # UK/EU UPCR 56.5 mg/mmol = 0.5 g/g
        "mg/g": _Conversion(_f(1, 1000), "g/g"),  # 500 mg/g = 0.5 g/g
        "g/mmol": _Conversion(_f(1000, 113), "g/g"),
    },
    "protein24h": {
        "g/day": _Conversion(_f(1), "g/day"),
        "mg/day": _Conversion(_f(1, 1000), "g/day"),  # 24-h protein 800 mg = 0.8 g/day
    },
    "enzyme": {
        "U/L": _Conversion(_f(1), "U/L"),  # IU/L = U/L
        "ukat/L": _Conversion(_f(60), "U/L"),  # Swedish ALT 0.7 µkat/L ≈ 42 U/L
    },
    "calcium": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(10, "40.08"), "mmol/L"),  # Ca 9.2 mg/dL = 2.2954 mmol/L
        "mEq/L": _Conversion(_f(1, 2), "mmol/L"),  # Ca2+ is divalent: 2 mEq per mmol
    },
    "vitamin_d": {
        "nmol/L": _Conversion(_f(1), "nmol/L"),
        "ng/mL": _Conversion(_f("2.496"), "nmol/L"),  # 25(OH)D 20 ng/mL = 49.92 nmol/L
    },
    "cholesterol": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(1, "38.67"), "mmol/L"),  # TC 240 mg/dL = 6.2064 mmol/L
    },
    "immunoglobulin": {
        "g/L": _Conversion(_f(1), "g/L"),
        "mg/dL": _Conversion(_f(1, 100), "g/L"),  # IgG 540 mg/dL = 5.4 g/L
        "mg/L": _Conversion(_f(1, 1000), "g/L"),
    },
    # HbA1c in NGSP/DCCT percent; the IFCC mmol/mol is an affine scale (% = 0.0915 x
    # mmol/mol + 2.15), not a factor, so a value in mmol/mol is not converted.
    "hba1c": {"%": _Conversion(_f(1), "%")},
    # Transferrin saturation is a percentage only: "TSAT ≥ 20%".
    "tsat": {"%": _Conversion(_f(1), "%")},
    # Ferritin 100 ng/mL = 100 µg/L (the units spelling table reads "ug/L" as ng/mL).
    "ferritin": {"ng/mL": _Conversion(_f(1), "ng/mL")},
    "crp": {
        "mg/L": _Conversion(_f(1), "mg/L"),
        "mg/dL": _Conversion(_f(10), "mg/L"),  # CRP 1.4 mg/dL = 14 mg/L
    },
    # Potassium and sodium are monovalent: 1 mEq/L is 1 mmol/L ("K+ 5.5 mEq/L").
    "electrolyte": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mEq/L": _Conversion(_f(1), "mmol/L"),
    },
    # Phosphate is reported as elemental phosphorus in mg/dL (P 30.97 g/mol):
    # phosphorus 4.5 mg/dL = 1.453 mmol/L.
    "phosphate": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(10, "30.97"), "mmol/L"),
    },
    # Magnesium is divalent (Mg 24.305 g/mol): Mg 2.0 mg/dL = 0.823 mmol/L = 1.65 mEq/L.
    "magnesium": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(10, "24.305"), "mmol/L"),
        "mEq/L": _Conversion(_f(1, 2), "mmol/L"),
    },
    # Glucose 180.16 g/mol: fasting glucose 126 mg/dL = 6.99 mmol/L.
    "glucose": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(10, "180.16"), "mmol/L"),
    },
    # Uric acid 168.11 g/mol: urate 6.0 mg/dL = 356.9 umol/L (x 59.48).
    "urate": {
        "umol/L": _Conversion(_f(1), "umol/L"),
        "mg/dL": _Conversion(_f("59.48"), "umol/L"),
        "mmol/L": _Conversion(_f(1000), "umol/L"),
    },
    # Triglycerides (as triolein, 885.7 g/mol): TG 150 mg/dL = 1.69 mmol/L.
    "triglycerides": {
        "mmol/L": _Conversion(_f(1), "mmol/L"),
        "mg/dL": _Conversion(_f(1, "88.57"), "mmol/L"),
    },
    # The QT interval corrected for heart rate: "QTc 452 ms"; "QTc 0.45 s" = 450 ms.
    "interval_ms": {
        "ms": _Conversion(_f(1), "ms"),
        "s": _Conversion(_f(1000), "ms"),
    },
    # No _PLAUSIBLE row: a count with no unit is never read as cells per field.
    "urine_cells": {"/HPF": _Conversion(_f(1), "/HPF")},
    "ratio": {"ratio": _Conversion(_f(1), "ratio")},  # INR has no unit
    "seconds": {"s": _Conversion(_f(1), "s")},
    "egfr": {
        "mL/min/1.73m2": _Conversion(_f(1), "mL/min/1.73m2"),
        "mL/min": _Conversion(_f(1), "mL/min/1.73m2"),
    },
    "height": {
        "cm": _Conversion(_f(1), "cm"),
        "m": _Conversion(_f(100), "cm"),  # 1.42 m = 142 cm
        "mm": _Conversion(_f(1, 10), "cm"),
        "in": _Conversion(_f("2.54"), "cm"),  # 56 in = 142.24 cm
    },
    "albumin": {
        "g/L": _Conversion(_f(1), "g/L"),
        "g/dL": _Conversion(_f(10), "g/L"),  # albumin 2.1 g/dL = 21 g/L
    },
    "complement": {
        "g/L": _Conversion(_f(1), "g/L"),
        "mg/dL": _Conversion(_f(1, 100), "g/L"),  # C3 45 mg/dL = 0.45 g/L
        "mg/L": _Conversion(_f(1, 1000), "g/L"),
    },
    "titer_iu": {"IU/mL": _Conversion(_f(1), "IU/mL")},
    "titer_ru": {"RU/mL": _Conversion(_f(1), "RU/mL")},
    "bmi": {"kg/m2": _Conversion(_f(1), "kg/m2")},
    "pressure": {
        "mmHg": _Conversion(_f(1), "mmHg"),
        "kPa": _Conversion(_f("7.50062"), "mmHg"),  # BP 16/10 kPa = 120/75 mmHg
    },
    "percent": {"%": _Conversion(_f(1), "%")},  # SpO2 97 %, LVEF 55 %
    "heart_rate": {"/min": _Conversion(_f(1), "/min")},  # HR 88 bpm, 88 beats/min
    "weight": {
        "kg": _Conversion(_f(1), "kg"),
        "lb": _Conversion(_f("0.45359237"), "kg"),  # 99 lb = 44.9 kg
    },
    # CD19+ B cells: a percent of lymphocytes stays a percent; a count goes to cells/uL.
    "flow": {
        "%": _Conversion(_f(1), "%"),
        "/uL": _Conversion(_f(1), "/uL"),
        "x10^9/L": _Conversion(_f(1000), "/uL"),  # CD19 0.12 x10^9/L = 120 cells/uL
    },
}


def _conversion(family: str, unit: str | None) -> _Conversion | None:
    table = _CONVERSIONS.get(family)
    if table is None:
        return None  # "titre" (ANA 1:640) is read by the titre parser, not here
    canonical = unit if unit in table else canonical_unit(unit)
    if canonical is None:
        return None
    return table.get(canonical)


def convert_factor(family: str, unit: str) -> float | None:
    """Multiply a raw value, and the reference range printed with it, by this factor to
    reach the family's canonical unit: ("bilirubin", "mg/dL") → 17.1. None when the unit
    is unreadable or does not belong to the family (("hemoglobin", "U/L") → None).
    """
    conversion = _conversion(family, unit)
    return None if conversion is None else float(conversion.factor)


def _finite(value: object) -> float | None:
    """A usable number, or None: NaN, infinities, booleans and huge ints are not lab values."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _tidy(value: float) -> float:
    # 12 significant digits: 1.2 mg/dL × 17.1 prints 20.52, not 20.520000000000003, and a
    # UPCR of exactly 0.5 g/g is not read as 0.49999999 against a "≥ 0.5" threshold.
    return float(f"{value:.12g}")


def normalize(
    family: str, value: float, unit: str | None, *, analyte: str | None = None
) -> tuple[float, str] | None:
    """A lab value in its family's canonical unit, or None if it cannot be placed.

    ("count", 1200, "/mm³") → (1.2, "x10^9/L"); ("hemoglobin", 11.7, "g/dL") → (117.0,
    "g/L"); ("hemoglobin", 98, None) → (98.0, "g/L") because only g/L fits 98;
    ("bilirubin", 2.5, None) → None because 2.5 fits mg/dL and umol/L. ``analyte``
    (a concept key such as "plt") narrows the guess for a unitless count: platelets
    250 are x10^9/L, an ALC of 250 is per uL.
    """
    number = _finite(value)
    if number is None:
        return None
    value = number
    if unit is None or (isinstance(unit, str) and not unit.strip()):
        unit = guess_unit(family, value, analyte)
        if unit is None:
            return None
    conversion = _conversion(family, unit)
    if conversion is None:
        return None
    if value == 0:
        return 0.0, conversion.target
    try:
        converted = float(Fraction(value) * conversion.factor)
    except OverflowError:
        return None  # 1e308 m of height is not a measurement
    return _tidy(converted), conversion.target


# --------------------------------------------------------------------------- unitless values


@dataclass(frozen=True)
class _Plausible:
    family: str
    analyte: str | None  # None: every analyte of the family
    unit: str
    low: float
    high: float
    why: str


# Where a unitless value could sit in each unit. A value is read in a unit only when
# exactly one row (of its analyte, or of the family) covers it; overlaps return None.
_PLAUSIBLE: tuple[_Plausible, ...] = (
    _Plausible("count", None, "x10^9/L", 0.05, 100,
               "WBC/ANC/ALC 0.05-100 x10^9/L spans aplasia to leukaemoid reactions"),
    _Plausible("count", None, "/uL", 200, 200_000,
               "below 200/uL a white count is written x10^9/L (0.2); ALC 1800 is /uL"),
    _Plausible("count", "plt", "x10^9/L", 5, 1500,
               "platelets 5-1500 x10^9/L: severe ITP to reactive thrombocytosis"),
    _Plausible("count", "plt", "/uL", 5000, 2_000_000,
               "platelets written per uL are in the thousands (150000/uL); 1200 is not"),
    _Plausible("hemoglobin", None, "g/dL", 2, 25,
               "Hb 9.8 is g/dL: 2-25 g/dL covers life-compatible values"),
    _Plausible("hemoglobin", None, "g/L", 30, 250,
               "Hb 98 is g/L; mmol/L (1-15) overlaps g/dL and is never guessed"),
    _Plausible("bilirubin", None, "mg/dL", 0.1, 30,
               "T bili 0.1-30 mg/dL; overlaps umol/L from 2 to 30, so 2.5 is not guessed"),
    _Plausible("bilirubin", None, "umol/L", 2, 500,
               "T bili 2-500 umol/L; 0.6 can only be mg/dL, 45 only umol/L"),
    _Plausible("creatinine", None, "mg/dL", 0.1, 15,
               "SCr 0.6 is mg/dL: 0.1-15 mg/dL, infancy to dialysis"),
    _Plausible("creatinine", None, "umol/L", 20, 1500,
               "SCr 53 is umol/L: 20-1500 umol/L; no overlap with mg/dL"),
    _Plausible("upcr", None, "g/g", 0.01, 25,
               "UPCR 0.3 is g/g (= mg/mg): nephrotic children reach 10-20 g/g"),
    _Plausible("upcr", None, "mg/mmol", 1, 2500,
               "UPCR in mg/mmol: 2.3 could be either (0.02 or 2.3 g/g), so not guessed"),
    _Plausible("upcr", None, "mg/g", 10, 25_000,
               "UPCR in mg/g: 150 could be mg/mmol or mg/g, so not guessed"),
    _Plausible("protein24h", None, "g/day", 0.01, 30,
               "24-h protein 0.8 is g/day"),
    _Plausible("protein24h", None, "mg/day", 10, 30_000,
               "24-h protein 800 is mg/day; 10-30 fits both and is not guessed"),
    _Plausible("enzyme", None, "U/L", 0, 100_000,
               "ALT/AST are only ever printed in U/L (= IU/L)"),
    _Plausible("ratio", None, "ratio", 0.5, 20,
               "INR has no unit; 0.5-20 covers over-anticoagulation"),
    _Plausible("seconds", None, "s", 5, 300,
               "PT/APTT are only ever printed in seconds"),
    _Plausible("egfr", None, "mL/min/1.73m2", 1, 300,
               "eGFR is only ever printed in mL/min/1.73m2"),
    _Plausible("height", None, "cm", 40, 230,
               "height 142 is cm; 40-90 also fits inches and is not guessed"),
    _Plausible("height", None, "m", 0.4, 2.3,
               "height 1.42 is metres"),
    _Plausible("height", None, "in", 15, 90,
               "height in inches (56 in = 142 cm); overlaps cm from 40 to 90"),
    _Plausible("albumin", None, "g/dL", 0.5, 7,
               "albumin 2.1 is g/dL"),
    _Plausible("albumin", None, "g/L", 8, 70,
               "albumin 21 is g/L"),
    _Plausible("calcium", None, "mmol/L", 0.5, 5,
               "calcium 2.3 is mmol/L; 2-5 also fits mg/dL and is not guessed"),
    _Plausible("calcium", None, "mg/dL", 2, 20,
               "calcium 9.2 is mg/dL"),
    _Plausible("vitamin_d", None, "nmol/L", 2, 600,
               "25(OH)D 20 could be ng/mL or nmol/L: a unitless value is not guessed"),
    _Plausible("vitamin_d", None, "ng/mL", 1, 250,
               "25(OH)D in ng/mL overlaps nmol/L almost everywhere"),
    _Plausible("cholesterol", None, "mmol/L", 1, 30,
               "total cholesterol 5.2 is mmol/L"),
    _Plausible("cholesterol", None, "mg/dL", 40, 1200,
               "total cholesterol 200 is mg/dL"),
    _Plausible("immunoglobulin", None, "g/L", 0.01, 80,
               "IgG 6.2 is g/L; 1-80 also fits mg/dL (IgA, IgM) and is not guessed"),
    _Plausible("immunoglobulin", None, "mg/dL", 1, 8000,
               "IgG 540 is mg/dL"),
    _Plausible("hba1c", None, "%", 3, 20,
               "HbA1c 7.2 is percent (NGSP); IFCC mmol/mol values (20-200) are not guessed"),
    _Plausible("tsat", None, "%", 1, 100,
               "TSAT 18 is a percentage: it has no other unit"),
    _Plausible("ferritin", None, "ng/mL", 1, 100_000,
               "ferritin 45 is ng/mL (= ug/L): it has no other unit in use"),
    _Plausible("crp", None, "mg/L", 0.1, 600,
               "CRP 12 is mg/L; 0.1-60 also fits mg/dL, so a unitless CRP is not guessed"),
    _Plausible("crp", None, "mg/dL", 0.01, 60,
               "CRP 1.4 is mg/dL"),
    _Plausible("complement", None, "g/L", 0.01, 5,
               "C3 0.45 is g/L; 1-5 also fits mg/dL and is not guessed"),
    _Plausible("complement", None, "mg/dL", 1, 500,
               "C3 45 is mg/dL"),
    _Plausible("titer_iu", None, "IU/mL", 0, 100_000,
               "anti-dsDNA is only ever printed in IU/mL"),
    _Plausible("titer_ru", None, "RU/mL", 0, 100_000,
               "anti-PLA2R is printed in RU/mL"),
    _Plausible("bmi", None, "kg/m2", 8, 80,
               "BMI is only ever printed in kg/m2: 8-80 spans wasting to severe obesity"),
    _Plausible("pressure", None, "mmHg", 30, 300,
               "BP 128/76 is mmHg; kPa (4-40) would be written out"),
    _Plausible("percent", None, "%", 1, 100,
               "SpO2 97 and LVEF 55 are percentages"),
    _Plausible("heart_rate", None, "/min", 20, 250,
               "HR 88 is beats per minute: 20-250 spans profound bradycardia to a "
               "neonate's tachycardia"),
    _Plausible("weight", None, "kg", 1, 300,
               "weight 45 could be kg or lb: a unitless weight is not guessed"),
    _Plausible("weight", None, "lb", 2, 660,
               "weight in pounds overlaps kg from 2 to 300"),
    _Plausible("electrolyte", None, "mmol/L", 1, 200,
               "K 4.1 and Na 138 are mmol/L (= mEq/L for these monovalent ions)"),
    _Plausible("phosphate", None, "mmol/L", 0.1, 6,
               "phosphate 1.1 is mmol/L; 0.6-6 also fits mg/dL and is not guessed"),
    _Plausible("phosphate", None, "mg/dL", 0.6, 20,
               "phosphorus 4.5 could be mg/dL or mmol/L"),
    _Plausible("magnesium", None, "mmol/L", 0.1, 5,
               "magnesium 0.8 is mmol/L; 0.5-5 also fits mg/dL and is not guessed"),
    _Plausible("magnesium", None, "mg/dL", 0.5, 12,
               "magnesium 2.0 could be mg/dL or mmol/L"),
    _Plausible("glucose", None, "mmol/L", 1, 60,
               "glucose 5.4 is mmol/L; 20-60 also fits mg/dL and is not guessed"),
    _Plausible("glucose", None, "mg/dL", 20, 1100,
               "glucose 96 is mg/dL"),
    _Plausible("urate", None, "umol/L", 50, 1500,
               "urate 420 is umol/L"),
    _Plausible("urate", None, "mg/dL", 0.5, 25,
               "uric acid 7.1 is mg/dL"),
    _Plausible("triglycerides", None, "mmol/L", 0.1, 120,
               "TG 1.8 is mmol/L; 10-120 also fits mg/dL and is not guessed"),
    _Plausible("triglycerides", None, "mg/dL", 10, 10_000,
               "TG 160 is mg/dL"),
    _Plausible("interval_ms", None, "ms", 200, 800,
               "QTc 452 is ms; a QTc is never written in seconds without its unit"),
    _Plausible("flow", None, "%", 0, 100,
               "CD19 12 could be 12% or 12 cells/uL, so not guessed"),
    _Plausible("flow", None, "/uL", 0, 5000,
               "CD19 350 can only be cells/uL (a percent stops at 100)"),
)  # fmt: skip

# Families where a printed 0 is a real result (ANC 0, CD19 0 cells, UPCR 0): the unit
# does not matter for a zero. A height or haemoglobin of 0 is a typo, not a value.
_ZERO_IS_A_RESULT = frozenset({"count", "upcr", "protein24h", "enzyme", "flow", "titer_iu"})

_PLATELET_NAMES = frozenset(
    {"plt", "plts", "platelet", "platelets", "platelet count", "thrombocytes"}
)


def _analyte_key(analyte: str | None) -> str | None:
    if analyte is None:
        return None
    key = analyte.strip().casefold().removeprefix("lab.")
    return "plt" if key in _PLATELET_NAMES else key


def guess_unit(family: str, value: float, analyte: str | None = None) -> str | None:
    """The one unit a unitless value's magnitude fits, else None.

    Hb 9.8 → "g/dL"; Hb 98 → "g/L"; creatinine 53 → "umol/L"; ALC 1800 → "/uL";
    bilirubin 2.5 → None (mg/dL or umol/L); UPCR 2.3 → None (g/g or mg/mmol).
    Without an analyte, a count value is read only where every count analyte agrees:
    250 is /uL for a WBC but x10^9/L for platelets, so it is not guessed.
    A zero reads the same in every unit that converts to the same canonical unit
    (ANC 0 is 0 x10^9/L whether the lab meant /uL or not).
    """
    number = _finite(value)
    if number is None or number < 0:
        return None
    value = number
    rows = [row for row in _PLAUSIBLE if row.family == family]
    key = _analyte_key(analyte)
    if key is not None:
        specific = [row for row in rows if row.analyte == key]
        rows = specific or [row for row in rows if row.analyte is None]
    if value == 0:
        if family not in _ZERO_IS_A_RESULT:
            return None
        units = {row.unit for row in rows}
        targets = {_CONVERSIONS[family][unit].target for unit in units}
        if len(targets) == 1:
            return next(iter(targets))
        return None
    units = {row.unit for row in rows if row.low <= value <= row.high}
    return units.pop() if len(units) == 1 else None


def fits_unit(family: str, value: float, unit: str, analyte: str | None = None) -> bool:
    """Is `value` plausible in `unit`? ("count", 4.5, "/uL") → False: a white count of
    4.5 cells/mm³ is not a measurement, so "4,500/mm3" is thousands grouping. A unit this
    table does not weigh counts as plausible."""
    number = _finite(value)
    if number is None:
        return False
    canonical = unit if unit in _CONVERSIONS.get(family, {}) else canonical_unit(unit)
    rows = [row for row in _PLAUSIBLE if row.family == family and row.unit == canonical]
    key = _analyte_key(analyte)
    specific = [row for row in rows if row.analyte == key]
    rows = specific or [row for row in rows if row.analyte is None]
    if not rows:
        return True
    return any(row.low <= number <= row.high for row in rows)


# --------------------------------------------------------------------------- reference ranges

_NUMBER = r"([0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,7}(?:\.[0-9]{1,4})?|\.[0-9]{1,4})"
_DASH = r"\s{0,2}(?:-|–|—|to)\s{0,2}"
# "(VR até 40)", "(N jusqu'à 40)", "(VN hasta 40)": up to, in Portuguese, French, Spanish
_BELOW = (
    r"(?:<=|=<|≤|<|up\s{1,2}to\s{1,2}|under\s{1,2}|below\s{1,2}|less\s{1,2}than\s{1,2}"
    r"|até\s{1,2}|jusqu'?à\s{1,2}|hasta\s{1,2})"
)
_ABOVE = r"(?:>=|=>|≥|>|over\s{1,2}|above\s{1,2}|greater\s{1,2}than\s{1,2})"
_LABEL = (
    # "VR" valor de referência (Portuguese), "VN" valor normal / valeur normale
    r"(?:ref(?:erence)?\.?(?:\s{1,2}(?:range|interval|values?))?|rr|n|nl|vr|vn|normal"
    r"(?:\s{1,2}(?:range|values?))?|range)"
)
_BODY = rf"(?:{_NUMBER}{_DASH}{_NUMBER}|{_BELOW}\s{{0,2}}{_NUMBER}|{_ABOVE}\s{{0,2}}{_NUMBER})"
# Scanned once, left to right, bounded repeats only. Groups:
#   1-4: labelled ("ref 7-40", "N: <40", "normal 0.8-1.2")
#   5-8: bracketed ("(7-40)", "[<40]", "(≤40)")
#   9:   ULN written out ("ULN 40", "upper limit of normal 40")
_REFERENCE = re.compile(
    rf"(?<![^\W\d_]){_LABEL}\s{{0,2}}[:=]?\s{{0,2}}{_BODY}"
    rf"|[(\[]\s{{0,2}}{_BODY}\s{{0,2}}[^()\[\]0-9]{{0,16}}[)\]]"
    rf"|(?<![^\W\d_])(?:uln|upper\s{{1,2}}limit(?:\s{{1,2}}of\s{{1,2}}normal)?)"
    rf"\s{{0,2}}(?:[:=]|is)?\s{{0,2}}{_NUMBER}",
    re.IGNORECASE,
)
_WHOLE_RANGE = re.compile(rf"\s{{0,3}}{_NUMBER}{_DASH}{_NUMBER}\s{{0,3}}")


def _to_float(number: str | None) -> float | None:
    if number is None:
        return None
    return float(number.replace(",", ""))


def parse_reference_range(text: str) -> tuple[float | None, float | None] | None:
    """The reference range printed with a value; its upper bound is the ULN.

    "(7-40)", "(ref 7-40)", "ref: 7–40", "normal 0.8-1.2", "(RR 7-40)" → (7, 40);
    "[N <40]", "(ref ≤40)", "(<40)", "N: <40", "ULN 40", "(upper limit 40)" → (None, 40);
    "(>60)" → (60, None). A bare "7-40" counts only as the whole text. None if none,
    or if the bounds are reversed ("(40-7)").
    """
    if not isinstance(text, str):
        return None
    whole = _WHOLE_RANGE.fullmatch(text)
    groups: list[str | None]
    if whole is not None:
        groups = [whole[1], whole[2], None, None]
    else:
        m = _REFERENCE.search(text)
        if m is None:
            return None
        if m[9] is not None:
            return None, _to_float(m[9])
        groups = list(m.groups()[0:4]) if any(m.groups()[0:4]) else list(m.groups()[4:8])
    low_text, high_text, below, above = groups
    if low_text is not None:
        low, high = _to_float(low_text), _to_float(high_text)
        if low is None or high is None or low > high:
            return None
        return low, high
    if below is not None:
        return None, _to_float(below)
    if above is not None:
        return _to_float(above), None
    return None
