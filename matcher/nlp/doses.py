"""Drug doses as data: the glucocorticoid equivalence table and dose arithmetic.

A drug finding's dose (matcher.nlp.extract) is {"amount", "unit", "basis", "per_day"}:
"prednisolone 5 mg bd" → amount 5, unit "mg", basis None, per_day 10; "prednisone 1
mg/kg/day" → basis "kg"; "CYC 750 mg/m2 monthly" → basis "m2", per_day None. The
evaluator (matcher.judge.evaluate) compares those against a criterion's threshold with the
helpers here; the equivalence factors are data (matcher/nlp/data/steroid_equivalence.json),
validated when first read.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from matcher.errors import VocabularyError
from matcher.nlp.vocab import data_text

__all__ = ["grams", "milligrams", "steroid_factor", "steroid_table"]

_SOURCE = "matcher/nlp/data/steroid_equivalence.json"
_MASS_IN_MG = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ug": 0.001}


@cache
def steroid_table() -> dict[str, Any]:
    """The equivalence table, checked: a source, and a positive factor and names for each
    steroid."""
    table = json.loads(data_text("steroid_equivalence.json"))
    if not isinstance(table.get("source"), str) or not table["source"].strip():
        raise VocabularyError("the table must cite its source", file=_SOURCE, field="source")
    steroids = table.get("steroids")
    if not isinstance(steroids, dict) or not steroids:
        raise VocabularyError("no steroids listed", file=_SOURCE, field="steroids")
    for name, entry in steroids.items():
        factor = entry.get("factor") if isinstance(entry, dict) else None
        if not isinstance(factor, (int, float)) or not math.isfinite(factor) or factor <= 0:
            raise VocabularyError(
                f"steroid {name!r} has no usable factor",
                file=_SOURCE,
                field=f"steroids.{name}.factor",
                received=factor,
                expected="a positive number (prednisone-equivalent mg per mg)",
            )
        names = entry.get("names")
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise VocabularyError(
                f"steroid {name!r} has no names",
                file=_SOURCE,
                field=f"steroids.{name}.names",
                expected="a list of non-empty strings",
            )
    return table


@cache
def _factors() -> dict[str, float]:
    out: dict[str, float] = {}
    for entry in steroid_table()["steroids"].values():
        for name in entry["names"]:
            out[" ".join(name.casefold().split())] = float(entry["factor"])
    return out


def steroid_factor(name: str) -> float | None:
    """Prednisone-equivalent mg per mg of the steroid a note named ("Medrol" → 1.25), or
    None when the words do not say which steroid ("steroids", "GC")."""
    return _factors().get(" ".join(name.casefold().split()))


@cache
def _local_form_names() -> frozenset[str]:
    return frozenset(" ".join(name.casefold().split())
                     for entry in steroid_table()["steroids"].values()
                     if entry.get("local_forms") is True for name in entry["names"])  # fmt: skip


def systemic_steroid(name: str) -> bool:
    """Is a note's steroid the systemic one: "prednisone", "IVMP", "steroids" (a clinic
    note's bare "steroids" is the tablet), but not "hydrocortisone" or "dexamethasone",
    which notes also name for a cream, an enema or eye drops."""
    return " ".join(name.casefold().split()) not in _local_form_names()


def milligrams(amount: float, unit: str) -> float | None:
    """A mass in mg: (1, "g") → 1000."""
    factor = _MASS_IN_MG.get(unit.casefold())
    return None if factor is None else amount * factor


def grams(amount: float, unit: str) -> float | None:
    """A mass in g: (500, "mg") → 0.5."""
    mg = milligrams(amount, unit)
    return None if mg is None else mg / 1000.0
