"""Dates in clinical text: absolute, partial, relative, ranges; window arithmetic."""

from __future__ import annotations


def window_to_days(amount: float, unit: str) -> int:
    """GUIDELINE window arithmetic: N weeks = 7N, N months = round(30.44 N), N years = 365N.

    A "6 months before screening" biopsy window is 183 days; "2 weeks" is 14.
    """
    unit = unit.lower().rstrip("s")
    if unit in ("day", "d"):
        return round(amount)
    if unit in ("week", "wk", "w"):
        return round(7 * amount)
    if unit in ("month", "mo", "mth", "mon"):
        return round(30.44 * amount)
    if unit in ("year", "yr", "y"):
        return round(365 * amount)
    raise ValueError(f"unknown time unit {unit!r}")
