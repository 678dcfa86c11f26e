"""A length said as how long a value lasts ("for 3 months before screening") is persistence,
not the window of the screening value: the item is not read as "the latest value"."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import api

HEAD = "A Study\n\nInclusion Criteria:\n\n"


def _first(tmp_path: Path, item: str):
    path = tmp_path / "t.txt"
    path.write_text(HEAD + f"• {item};\n\nExclusion Criteria:\n\n• Pregnancy;\n", encoding="utf-8")
    return api.load_trial(path).criteria[0]


@pytest.mark.parametrize("item", [
    "Urine protein:creatinine ratio ≥100 mg/mmol for 3 months before screening",
    "UPCR of at least 1 g/g for at least 3 months prior to randomisation",
    "Platelets ≥ 100 x10^9/L for the 4 weeks before enrolment",
    "Haemoglobin ≥ 9 g/dL persisting for 8 weeks before screening",
    "eGFR < 60 mL/min/1.73m2 over the 3 months before screening",
])
def test_a_value_held_for_a_period_before_screening_is_left_to_a_person(tmp_path, item):
    criterion = _first(tmp_path, item)
    assert criterion.kind == "manual", criterion.params


@pytest.mark.parametrize("item", [
    "Urine protein:creatinine ratio ≥100 mg/mmol within 3 months before screening",
    "ANC ≥ 1.5 x10^9/L within 14 days prior to randomisation",
    "Platelets ≥ 100 x10^9/L at screening",
])
def test_a_screening_window_still_reads_the_latest_value(tmp_path, item):
    criterion = _first(tmp_path, item)
    assert criterion.kind == "lab", criterion.reading if hasattr(criterion, "reading") else item
