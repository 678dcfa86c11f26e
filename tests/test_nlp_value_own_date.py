"""A date between a lab's name and its value dates that value.

PICU and ward notes write a result with its own day before it: "UPC ratio (11/16) 2.9
mg/mg", "Hb [14/11/2026] 10.4 g/dL", "Hb on 14 Nov 2026 10.4". Unread, the patient's only
proteinuria of the lookback was missing and a met inclusion became unknown (hold-out 19).
A yearless day is read in the note's own day order; one that stays ambiguous reads nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.api import parse_text

NOTE_DATE = dt.date(2026, 11, 17)

OWN_DATES = [
    ("PICU DAILY NOTE 11/17/2026 0900. UPC ratio (11/16) 2.9 mg/mg.", "lab.upcr", 2.9,
     dt.date(2026, 11, 16)),
    ("Ward round 17/11/2026. Hb (16/11) 10.4 g/dL.", "lab.hemoglobin", 104.0,
     dt.date(2026, 11, 16)),
    ("Hb [14/11/2026] 10.4 g/dL, stable.", "lab.hemoglobin", 104.0, dt.date(2026, 11, 14)),
    ("Hb on 14 Nov 2026 10.4 g/dL.", "lab.hemoglobin", 104.0, dt.date(2026, 11, 14)),
    ("Creatinine (2026-11-02): 61 umol/L.", "lab.creatinine", 61.0, dt.date(2026, 11, 2)),
    ("Platelets (12 Nov 2026) 88 x10^9/L.", "lab.platelets", 88.0, dt.date(2026, 11, 12)),
]


@pytest.mark.parametrize(("text", "concept", "value", "date"), OWN_DATES)
def test_a_value_after_its_own_date_is_read_with_that_date(
    text: str, concept: str, value: float, date: dt.date
) -> None:
    found = [(f.value, f.date) for f in parse_text(text, NOTE_DATE) if f.concept == concept]
    assert found == [(value, date)]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # No day order in the note: 04/05 is April or May; the value is left out.
        ("Hb (04/05) 10.4 g/dL", "lab.hemoglobin"),
        # A proportion in brackets is no date.
        ("Renal biopsy: glomeruli with crescents (3/4) 50%.", "lab.hemoglobin"),
    ],
)
def test_a_bracket_that_is_no_readable_date_reads_no_dated_value(text: str,
                                                                  concept: str) -> None:
    assert not [f for f in parse_text(text, NOTE_DATE) if f.concept == concept]
