"""Numeric and test criteria as registry authors write them (issue 12, REGISTRY.md #12, #13).

Labs, counts, ages and body weight are decidable from notes when the reader reads the
value, its unit and its comparison; what it cannot read stays `manual` with a reason that
holds only its own clause, so the rest of the item is still read. The sentences are
written here the way sponsors word them; none is copied from a registry record.
"""

from __future__ import annotations

from typing import Any

import pytest

from matcher.criteria import parse_eligibility_text
from matcher.model import Criterion

HEAD = "Inclusion Criteria:\n- Age 18 years or older\n"


def _read(section: str, item: str) -> list[Criterion]:
    """The criteria of one item of `section` ("inclusion" / "exclusion")."""
    if section == "inclusion":
        return parse_eligibility_text(f"Inclusion Criteria:\n- {item}\n")
    return parse_eligibility_text(f"{HEAD}Exclusion Criteria:\n- {item}\n")[1:]


def _about(criterion: Criterion) -> tuple[str, ...]:
    params = criterion.params
    about = params.get("analytes") or params.get("infections") or params.get("states") or ()
    return tuple(about)


# ------------------------------------------------------------------ an unreadable threshold
# A threshold the reader cannot read (a unit it does not know, a value printed without its
# comparison sign) is a person's to check, but only that clause: the finding joined to it
# by "or" is still read, as a policy clause's neighbour is.
UNREAD_PART: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("exclusion", "Hemoglobin < 9 mmol/dL or active hepatitis B infection",
     "serology", ("dx.hbv",), 'unit "mmol/dL"'),
    ("exclusion", "Haemoglobin below 5 mmol/dl, or known HIV infection",
     "serology", ("dx.hiv",), 'unit "mmol/dl"'),
    ("exclusion", "Active hepatitis C infection or hemoglobin < 9 mmol/dL",
     "serology", ("dx.hcv",), 'unit "mmol/dL"'),
    ("exclusion", "Current pregnancy or hemoglobin < 9 mmol/dL",
     "pregnancy", ("dx.pregnancy",), 'unit "mmol/dL"'),
]


@pytest.mark.parametrize(("section", "item", "kind", "about", "reason"), UNREAD_PART)
def test_an_unreadable_threshold_is_manual_alone_and_the_finding_beside_it_is_read(
    section: str, item: str, kind: str, about: tuple[str, ...], reason: str
) -> None:
    criteria = _read(section, item)
    computed = [(c.kind, _about(c)) for c in criteria if c.manual_reason is None]
    manual = [c for c in criteria if c.manual_reason is not None]
    assert computed == [(kind, about)]
    assert len(manual) == 1 and reason in (manual[0].manual_reason or "")
    assert "lab:unread-threshold" in manual[0].trace


def _lab(criterion: Criterion) -> dict[str, Any]:
    keys = ("analytes", "op", "value", "unit")
    return {k: criterion.params.get(k) for k in keys}
