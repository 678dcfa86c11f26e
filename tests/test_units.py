"""Lab units: every spelling, every GUIDELINE conversion, unitless guesses, reference ranges."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from matcher.nlp.units import (
    canonical_unit,
    convert_factor,
    guess_unit,
    normalize,
    parse_reference_range,
)

# --------------------------------------------------------------------------- spelling


@pytest.mark.parametrize(
    ("raw", "unit"),
    [
        # counts: x10^9/L = K/uL = 10^3/uL = G/L; a lost superscript "x 109/L" too
        ("x10^9/L", "x10^9/L"),
        ("×10⁹/L", "x10^9/L"),
        ("10*9/L", "x10^9/L"),
        ("x 109/L", "x10^9/L"),
        ("10^9/l", "x10^9/L"),
        ("X10^9/L", "x10^9/L"),
        ("G/L", "x10^9/L"),
        ("K/uL", "x10^9/L"),
        ("K/µL", "x10^9/L"),
        ("10³/µL", "x10^9/L"),
        ("x10^3/uL", "x10^9/L"),
        ("thou/uL", "x10^9/L"),
        ("/uL", "/uL"),
        ("/µL", "/uL"),
        ("/μL", "/uL"),
        ("/mm3", "/uL"),
        ("/mm³", "/uL"),
        ("cells/uL", "/uL"),
        ("cells/mm3", "/uL"),
        ("cells/cmm", "/uL"),
        ("cells/mcL", "/uL"),
        ("cells/µL", "/uL"),
        # mass concentrations
        ("g/dL", "g/dL"),
        ("g/dl", "g/dL"),
        ("gm/dL", "g/dL"),
        ("g/L", "g/L"),
        ("g/l", "g/L"),
        ("mg/dL", "mg/dL"),
        ("mg/dl", "mg/dL"),
        ("mg/L", "mg/L"),
        ("mmol/L", "mmol/L"),
        ("umol/L", "umol/L"),
        ("µmol/L", "umol/L"),
        ("μmol/L", "umol/L"),
        ("mcmol/L", "umol/L"),
        ("micromol/L", "umol/L"),
        ("µmol/l", "umol/L"),
        # urine protein
        ("mg/mg", "g/g"),
        ("g/g", "g/g"),
        ("mg/mmol", "mg/mmol"),
        ("mg/g", "mg/g"),
        ("g/mmol", "g/mmol"),
        ("g/24h", "g/day"),
        ("g/24 h", "g/day"),
        ("g/24hr", "g/day"),
        ("g/day", "g/day"),
        ("g/d", "g/day"),
        ("mg/24h", "mg/day"),
        ("mg/day", "mg/day"),
        # enzymes, time, filtration
        ("U/L", "U/L"),
        ("IU/L", "U/L"),
        ("units/L", "U/L"),
        ("µkat/L", "ukat/L"),
        ("s", "s"),
        ("sec", "s"),
        ("secs", "s"),
        ("seconds", "s"),
        ("mL/min/1.73m2", "mL/min/1.73m2"),
        ("ml/min/1.73 m²", "mL/min/1.73m2"),
        ("mL/(min·1.73m2)", "mL/min/1.73m2"),
        ("ml/(min.1.73m2)", "mL/min/1.73m2"),
        ("mL/min/1.73m^2", "mL/min/1.73m2"),
        ("mL/min/1.73 m2", "mL/min/1.73m2"),
        ("mL/min", "mL/min"),
        # the rest
        ("%", "%"),
        ("cm", "cm"),
        ("m", "m"),
        ("in", "in"),
        ("IU/mL", "IU/mL"),
        (" (g/dL) ", "g/dL"),
        ("g/dL.", "g/dL"),
    ],
)
def test_canonical_unit(raw: str, unit: str) -> None:
    assert canonical_unit(raw) == unit


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "bogus", "mg", "g/dL/x", "copies", "x10^12/L", "mm/l", "a" * 500]
)
def test_unreadable_unit_is_none(raw: str | None) -> None:
    assert canonical_unit(raw) is None


def test_g_per_litre_and_giga_per_litre_are_different() -> None:
    # Hb 120 g/L is haemoglobin; WBC 5.2 G/L is a count (French/German reports).
    assert canonical_unit("g/L") == "g/L"
    assert canonical_unit("G/L") == "x10^9/L"


_CANONICAL = sorted(
    {
        "x10^9/L", "/uL", "g/dL", "g/L", "mg/dL", "mg/L", "mmol/L", "umol/L", "g/g", "mg/mmol",
        "mg/g", "g/mmol", "g/day", "mg/day", "U/L", "ukat/L", "s", "mL/min/1.73m2", "mL/min",
        "%", "cm", "m", "mm", "in", "ratio", "IU/mL",
    }
)  # fmt: skip


@pytest.mark.parametrize("unit", _CANONICAL)
def test_canonical_spelling_is_a_fixed_point(unit: str) -> None:
    assert canonical_unit(unit) == unit


@given(st.text(max_size=40))
def test_canonical_unit_never_raises_and_is_idempotent(raw: str) -> None:
    unit = canonical_unit(raw)
    if unit is not None:
        assert canonical_unit(unit) == unit


# --------------------------------------------------------------------------- conversion


@pytest.mark.parametrize(
    ("family", "value", "unit", "expected", "target"),
    [
        ("count", 1200, "/mm³", 1.2, "x10^9/L"),  # GUIDELINE example
        ("count", 1800, "cells/uL", 1.8, "x10^9/L"),
        ("count", 4.5, "K/uL", 4.5, "x10^9/L"),
        ("count", 5.2, "G/L", 5.2, "x10^9/L"),
        ("count", 0.8, "x 109/L", 0.8, "x10^9/L"),
        ("count", 250, "x10^3/uL", 250, "x10^9/L"),
        ("hemoglobin", 11.7, "g/dL", 117, "g/L"),
        ("hemoglobin", 98, "g/L", 98, "g/L"),
        ("hemoglobin", 7.3, "mmol/L", 117.53, "g/L"),
        ("bilirubin", 1.2, "mg/dL", 20.52, "umol/L"),
        ("bilirubin", 15, "µmol/L", 15, "umol/L"),
        ("creatinine", 0.77, "mg/dL", 68.068, "umol/L"),
        ("creatinine", 53, "umol/L", 53, "umol/L"),
        ("upcr", 56.5, "mg/mmol", 0.5, "g/g"),
        ("upcr", 500, "mg/g", 0.5, "g/g"),
        ("upcr", 2.1, "mg/mg", 2.1, "g/g"),
        ("upcr", 0.0565, "g/mmol", 0.5, "g/g"),
        ("protein24h", 800, "mg/24h", 0.8, "g/day"),
        ("protein24h", 1.6, "g/24 h", 1.6, "g/day"),
        ("enzyme", 85, "IU/L", 85, "U/L"),
        ("enzyme", 0.7, "µkat/L", 42, "U/L"),
        ("ratio", 1.1, "ratio", 1.1, "ratio"),
        ("seconds", 12.8, "sec", 12.8, "s"),
        ("egfr", 85, "ml/min/1.73 m²", 85, "mL/min/1.73m2"),
        ("egfr", 85, "mL/min", 85, "mL/min/1.73m2"),
        ("height", 1.42, "m", 142, "cm"),
        ("height", 56, "in", 142.24, "cm"),
        ("height", 142, "cm", 142, "cm"),
        ("albumin", 2.1, "g/dL", 21, "g/L"),
        ("complement", 45, "mg/dL", 0.45, "g/L"),
        ("complement", 0.45, "g/L", 0.45, "g/L"),
        ("titer_iu", 120, "IU/mL", 120, "IU/mL"),
        ("flow", 12, "%", 12, "%"),
        ("flow", 150, "cells/uL", 150, "/uL"),
        ("flow", 0.12, "x10^9/L", 120, "/uL"),
    ],
)
def test_normalize(family: str, value: float, unit: str, expected: float, target: str) -> None:
    got = normalize(family, value, unit)
    assert got is not None
    assert got[1] == target
    assert got[0] == pytest.approx(expected, rel=1e-12)


def test_threshold_values_land_exactly() -> None:
    # UPCR ≥ 0.5 g/g decides refractory LN: 56.5 mg/mmol must not become 0.49999999.
    assert normalize("upcr", 56.5, "mg/mmol") == (0.5, "g/g")
    assert normalize("count", 1200, "/mm3") == (1.2, "x10^9/L")
    assert normalize("bilirubin", 1.2, "mg/dL") == (20.52, "umol/L")
    assert normalize("creatinine", 0.77, "mg/dL") == (68.068, "umol/L")


@pytest.mark.parametrize(
    ("family", "value", "unit"),
    [
        ("hemoglobin", 12, "bogus"),
        ("hemoglobin", 12, "U/L"),  # a unit of another family
        ("count", 5, "g/dL"),
        ("creatinine", 0.8, "g/g"),
        ("titre", 640, None),  # ANA titres are read elsewhere
        ("unknown_family", 1, "g/L"),
        ("bilirubin", 2.5, None),  # mg/dL or umol/L: not guessed
        ("upcr", 2.3, None),  # g/g or mg/mmol: not guessed
        ("hemoglobin", float("nan"), "g/L"),
        ("hemoglobin", float("inf"), "g/L"),
    ],
)
def test_normalize_refuses_to_guess(family: str, value: float, unit: str | None) -> None:
    assert normalize(family, value, unit) is None


@pytest.mark.parametrize(
    ("family", "value", "analyte", "expected"),
    [
        ("hemoglobin", 9.8, None, (98.0, "g/L")),
        ("hemoglobin", 98, None, (98.0, "g/L")),
        ("creatinine", 53, None, (53.0, "umol/L")),
        ("creatinine", 0.6, None, (53.04, "umol/L")),
        ("count", 1800, "lymph", (1.8, "x10^9/L")),
        ("count", 250, "plt", (250.0, "x10^9/L")),
        ("count", 0, "anc", (0.0, "x10^9/L")),
        ("ratio", 1.1, "inr", (1.1, "ratio")),
    ],
)
def test_normalize_unitless(
    family: str, value: float, analyte: str | None, expected: tuple[float, str]
) -> None:
    got = normalize(family, value, None, analyte=analyte)
    assert got is not None
    assert got[1] == expected[1]
    assert got[0] == pytest.approx(expected[0])


@pytest.mark.parametrize(
    ("family", "unit", "factor"),
    [
        ("count", "/mm3", 0.001),
        ("count", "K/uL", 1),
        ("hemoglobin", "g/dL", 10),
        ("hemoglobin", "mmol/L", 16.1),
        ("bilirubin", "mg/dL", 17.1),
        ("creatinine", "mg/dL", 88.4),
        ("upcr", "mg/mmol", 1 / 113),
        ("upcr", "mg/g", 0.001),
        ("upcr", "g/mmol", 1000 / 113),
        ("protein24h", "mg/day", 0.001),
        ("height", "in", 2.54),
        ("height", "m", 100),
        ("albumin", "g/dL", 10),
        ("complement", "mg/dL", 0.01),
        ("enzyme", "IU/L", 1),
    ],
)
def test_convert_factor(family: str, unit: str, factor: float) -> None:
    assert convert_factor(family, unit) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("family", "unit"),
    [("hemoglobin", "U/L"), ("enzyme", "bogus"), ("titre", "titre"), ("nope", "g/L")],
)
def test_convert_factor_unknown(family: str, unit: str) -> None:
    assert convert_factor(family, unit) is None


def test_reference_range_scales_with_the_value() -> None:
    # "T bili 1.5 mg/dL (0.2-1.2)": ULN 1.2 mg/dL becomes 20.52 umol/L, ratio unchanged.
    factor = convert_factor("bilirubin", "mg/dL")
    assert factor is not None
    low, high = parse_reference_range("(0.2-1.2)") or (None, None)
    assert high is not None and low is not None
    value = normalize("bilirubin", 1.5, "mg/dL")
    assert value is not None
    assert value[0] / (high * factor) == pytest.approx(1.5 / 1.2)


# --------------------------------------------------------------------------- unitless guesses


@pytest.mark.parametrize(
    ("family", "value", "analyte", "unit"),
    [
        ("hemoglobin", 9.8, None, "g/dL"),
        ("hemoglobin", 98, None, "g/L"),
        ("hemoglobin", 27, None, None),  # too high for g/dL, too low for g/L
        ("creatinine", 53, None, "umol/L"),
        ("creatinine", 0.6, None, "mg/dL"),
        ("count", 4.2, "wbc", "x10^9/L"),
        ("count", 0.05, "anc", "x10^9/L"),
        ("count", 100, "anc", "x10^9/L"),
        ("count", 150, "wbc", None),  # between the two plausible ranges
        ("count", 1800, "lymph", "/uL"),  # ALC 1800
        ("count", 200, "lymph", "/uL"),
        ("count", 0, "anc", "x10^9/L"),  # zero is zero in any count unit
        ("count", 250, "plt", "x10^9/L"),
        ("count", 250, "lab.platelets", "x10^9/L"),
        ("count", 1500, "platelets", "x10^9/L"),
        ("count", 3000, "plt", None),  # platelets overlap gap
        ("count", 150000, "plt", "/uL"),
        ("count", 250, None, None),  # WBC says /uL, platelets say x10^9/L
        ("count", 3, None, "x10^9/L"),
        ("bilirubin", 2.5, None, None),
        ("bilirubin", 0.6, None, "mg/dL"),
        ("bilirubin", 45, None, "umol/L"),
        ("upcr", 2.3, None, None),
        ("upcr", 0.3, None, "g/g"),
        ("upcr", 150, None, None),  # mg/mmol or mg/g
        ("protein24h", 0.8, None, "g/day"),
        ("protein24h", 800, None, "mg/day"),
        ("protein24h", 20, None, None),
        ("enzyme", 85, "alt", "U/L"),
        ("ratio", 1.1, "inr", "ratio"),
        ("seconds", 12.5, "pt", "s"),
        ("egfr", 85, None, "mL/min/1.73m2"),
        ("height", 142, None, "cm"),
        ("height", 1.42, None, "m"),
        ("height", 56, None, None),  # cm or inches
        ("albumin", 2.1, None, "g/dL"),
        ("albumin", 21, None, "g/L"),
        ("complement", 0.45, None, "g/L"),
        ("complement", 45, None, "mg/dL"),
        ("complement", 2, None, None),
        ("flow", 12, None, None),  # 12 % or 12 cells/uL
        ("flow", 350, None, "/uL"),
        ("flow", 0, None, None),
        ("hemoglobin", 0, None, None),  # a zero haemoglobin is a typo
        ("hemoglobin", -1, None, None),
        ("titre", 640, None, None),
        ("nope", 1, None, None),
    ],
)
def test_guess_unit(family: str, value: float, analyte: str | None, unit: str | None) -> None:
    assert guess_unit(family, value, analyte) == unit


@given(
    family=st.sampled_from(
        ["count", "hemoglobin", "bilirubin", "creatinine", "upcr", "protein24h", "enzyme",
         "ratio", "seconds", "egfr", "height", "albumin", "complement", "flow", "titer_iu"]
    ),
    value=st.floats(min_value=0, max_value=1e7, allow_nan=False),
    analyte=st.sampled_from([None, "plt", "wbc", "anc", "lymph"]),
)  # fmt: skip
def test_guessed_unit_is_always_convertible(family: str, value: float, analyte: str | None) -> None:
    unit = guess_unit(family, value, analyte)
    if unit is not None:
        assert convert_factor(family, unit) is not None
        assert normalize(family, value, None, analyte=analyte) is not None


# --------------------------------------------------------------------------- reference ranges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(7-40)", (7.0, 40.0)),
        ("(ref 7-40)", (7.0, 40.0)),
        ("ref: 7–40", (7.0, 40.0)),
        ("[N <40]", (None, 40.0)),
        ("(ref ≤40)", (None, 40.0)),
        ("(<40)", (None, 40.0)),
        ("(0.8–1.2)", (0.8, 1.2)),
        ("N: <40", (None, 40.0)),
        ("ref 0-40", (0.0, 40.0)),
        ("normal 0.8-1.2", (0.8, 1.2)),
        ("(RR 7-40)", (7.0, 40.0)),
        ("ULN 40", (None, 40.0)),
        ("(upper limit 40)", (None, 40.0)),
        ("upper limit of normal 1.2", (None, 1.2)),
        ("(ref <= 40 U/L)", (None, 40.0)),
        ("ALT 85 U/L (7-40 U/L) H", (7.0, 40.0)),
        ("reference range 3.5 to 5.0", (3.5, 5.0)),
        ("(>60)", (60.0, None)),
        ("(1,000-4,000)", (1000.0, 4000.0)),
        ("7-40", (7.0, 40.0)),
        ("(.5-1.2)", (0.5, 1.2)),
    ],
)
def test_parse_reference_range(text: str, expected: tuple[float | None, float | None]) -> None:
    assert parse_reference_range(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "ALT 85 U/L", "ANA 1:640", "(40-7)", "2 x ULN", "within 3xULN, ALT 85", "(high)"],
)
def test_no_reference_range(text: str) -> None:
    assert parse_reference_range(text) is None


@given(st.text(max_size=200))
def test_parse_reference_range_never_raises(text: str) -> None:
    got = parse_reference_range(text)
    if got is not None:
        low, high = got
        assert low is not None or high is not None
        if low is not None and high is not None:
            assert low <= high


# --------------------------------------------------------------------------- properties


@given(st.floats(min_value=0.1, max_value=30, allow_nan=False))
def test_g_per_dl_round_trip(value: float) -> None:
    got = normalize("hemoglobin", value, "g/dL")
    assert got is not None and got[1] == "g/L"
    assert got[0] / 10 == pytest.approx(value, rel=1e-9)


@given(
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_count_normalisation_is_monotonic(a: float, b: float) -> None:
    assume(a <= b)
    low, high = normalize("count", a, "/uL"), normalize("count", b, "/uL")
    assert low is not None and high is not None
    assert low[0] <= high[0]


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_per_microlitre_equals_thousandth_of_giga_per_litre(value: float) -> None:
    per_ul = normalize("count", value, "cells/mm3")
    giga = normalize("count", value / 1000, "x10^9/L")
    assert per_ul is not None and giga is not None
    assert math.isclose(per_ul[0], giga[0], rel_tol=1e-9, abs_tol=1e-12)
